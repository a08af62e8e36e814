/* fix_none.c - the machine behind "srvdoctor fix" on systems other than
 * Windows: there is none, fix acts only on the live Windows machine it runs
 * on. */
#include "srvdoctor/fix.h"

int sd_fix_machine_init(sd_fix_machine *m, sd_fix_ops *ops, sd_err *err)
{
  (void)m;
  (void)ops;
  sd_err_set(err, SD_ENOTSUP, "fix works only on Windows: run srvdoctor.exe "
             "fix on the server itself, from an elevated Command Prompt");
  return -1;
}

void sd_fix_machine_free(sd_fix_machine *m)
{
  (void)m;
}
