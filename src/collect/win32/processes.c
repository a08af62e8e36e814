/* processes.c - PLACEHOLDER: this collector is written by its module's issue.
 * Until then it looks at nothing, so every item it owns stays
 * "not_collected" and the checks say they could not look. */
#include "collect_win32.h"

void sd_cw_processes(sd_facts *f, const sd_options *o)
{
  (void)f;
  (void)o;
}
