/* fix_win32.h - the Windows side of srvdoctor fix (src/fix/win32). */
#ifndef SRVDOCTOR_FIX_WIN32_H
#define SRVDOCTOR_FIX_WIN32_H

#include "srvdoctor/fix.h"

/* Fill o: what happened (msg), whether the action was carried out (done)
 * and, when it was not, whether that was on purpose (refused) or a
 * failure (fix_win32.c). */
void sd_fixw_outcome(sd_fix_outcome *o, int done, int refused,
                     const char *fmt, ...) SD_PRINTF(4, 5);

/* Start p->program by full path with p's arguments, no shell, and wait
 * (fix_program.c). */
void sd_fixw_run_program(const sd_fix_plan *p, sd_fix_outcome *o);

#endif
