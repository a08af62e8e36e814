/* fix_none.c - "srvdoctor fix" on systems other than Windows: it acts on
 * the live Windows machine it runs on, so here it only says so. */
#include "../cli/tool.h"

int sd_cmd_fix(sd_cmdline *cl)
{
  (void)cl;
  sd_fail("fix works only on Windows: run srvdoctor.exe fix on the server "
          "itself, from an elevated Command Prompt.");
  return 3;
}
