/* msi.c - PLACEHOLDER: this collector is written by its module's issue.
 * Until then it looks at nothing, so every item it owns stays
 * "not_collected" and the checks say they could not look. */
#include "collect_win32.h"

void sd_cw_msi(sd_facts *f)
{
  (void)f;
  
}
