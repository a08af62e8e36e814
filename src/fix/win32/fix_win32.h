/* fix_win32.h - the Windows side of srvdoctor fix (src/fix/win32). */
#ifndef SRVDOCTOR_FIX_WIN32_H
#define SRVDOCTOR_FIX_WIN32_H

#include "srvdoctor/fix.h"
#include "../../cli/tool.h"

/* What sd_fixw_init allocates (the Windows and system folder names). */
typedef struct sd_fixw {
  char *windir;
  char *sysdir;
} sd_fixw;

/* The request of command line cl and the live machine's operations (the
 * real collector, console, actions and event log), ready for sd_fix_run.
 * Returns 0, or -1 after saying why on stderr (exit code 3); on success
 * sd_fixw_free(w) releases what ops points at.  A test program may replace
 * ops->collect (and ops->ctx) before sd_fix_run; sd_cmd_fix never does. */
int sd_fixw_init(sd_fixw *w, const sd_cmdline *cl, sd_fix_request *rq,
                 sd_fix_ops *ops);
void sd_fixw_free(sd_fixw *w);

/* Fill o: what happened (msg), whether the action was carried out (done)
 * and, when it was not, whether that was on purpose (refused) or a
 * failure (fix_win32.c). */
void sd_fixw_outcome(sd_fix_outcome *o, int done, int refused,
                     const char *fmt, ...) SD_PRINTF(4, 5);

/* End the worker process of p (SD_FIX_END_WORKER): open it once, verify on
 * that handle, terminate through it (fix_hyperv.c). */
void sd_fixw_end_worker(const sd_fix_plan *p, sd_fix_outcome *o);
/* Start p->program by full path with p's arguments, no shell, and wait
 * (fix_program.c). */
void sd_fixw_run_program(const sd_fix_plan *p, sd_fix_outcome *o);

#endif
