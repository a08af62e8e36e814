/* fix.c - "srvdoctor fix": not available in this version yet. */
#include "../cli/tool.h"

int sd_cmd_fix(sd_cmdline *cl)
{
  (void)cl;
  sd_fail("fix is not available in this version of srvdoctor; follow the "
          "remediation steps of the report instead.");
  return 3;
}
