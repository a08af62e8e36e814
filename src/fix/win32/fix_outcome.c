/* fix_outcome.c - the outcome record the Windows actions fill
 * (fix_win32.h). */
#include <stdarg.h>
#include <stdio.h>

#include "fix_win32.h"

void sd_fixw_outcome(sd_fix_outcome *o, int done, int refused,
                     const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->msg, sizeof(o->msg), fmt, ap);
  va_end(ap);
  o->done = done;
  o->refused = refused;
}
