/* fix.h - hyperv-stuck-vm's fix hook and its Windows part (not a public
 * header). */
#ifndef SD_HYPERV_FIX_H
#define SD_HYPERV_FIX_H

#include "srvdoctor/fix.h"

/* End the worker of p: open it once, verify on that handle, terminate
 * through it (fix_win32.c, Windows only). */
void sd_hv_fix_end_worker(const sd_fix_plan *p, sd_fix_outcome *o);

#endif
