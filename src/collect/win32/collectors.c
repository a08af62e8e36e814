/* collectors.c - the modules' parts of live collection (sd_collector),
 * from the module table (src/modules/modules.def). */
#include "collect_win32.h"

/* Each module's collector, from the module table. */
#define SD_MODULE(cname, id, field, type) \
  extern const sd_collector sd_collector_##cname;
#include "modules.def"
#undef SD_MODULE

static const sd_collector *const collectors[] = {
#define SD_MODULE(cname, id, field, type) &sd_collector_##cname,
#include "modules.def"
#undef SD_MODULE
};

const sd_collector *const *sd_cw_collectors(size_t *count)
{
  *count = SD_COUNTOF(collectors);
  return collectors;
}
