/* fleet_hooks.c - each module's section of the fleet, through its fleet
 * hook (src/modules/<id>/fleet*.c), from the module table: built once the
 * hosts are final, written by every fleet format in the table's order. */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"

#define SD_MODULE(cname, id, field, type) \
  extern const sd_fleet_hook sd_fleet_hook_##cname;
#include "modules.def"
#undef SD_MODULE

static const struct {
  const char *module;
  const sd_fleet_hook *hook;
} hooks[] = {
#define SD_MODULE(cname, id, field, type) {id, &sd_fleet_hook_##cname},
#include "modules.def"
#undef SD_MODULE
};

void sd_fleet_build_sections(sd_fleet *fl)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++)
    fl->sections[i] = hooks[i].hook->build ? hooks[i].hook->build(fl)
                                           : NULL;
}

void sd_fleet_free_sections(sd_fleet *fl)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++) {
    if(fl->sections[i] && hooks[i].hook->free)
      hooks[i].hook->free(fl->sections[i]);
    fl->sections[i] = NULL;
  }
}

const void *sd_fleet_section(const sd_fleet *fl, const char *module)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++)
    if(!strcmp(hooks[i].module, module))
      return fl->sections[i];
  return NULL;
}

void sd_fleet_sections_text(const sd_fleet *fl, sd_buf *b)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++)
    if(hooks[i].hook->text)
      hooks[i].hook->text(fl, fl->sections[i], b);
}

void sd_fleet_sections_json(const sd_fleet *fl, sd_jwriter *w)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++)
    if(hooks[i].hook->json)
      hooks[i].hook->json(fl, fl->sections[i], w);
}

void sd_fleet_sections_html(const sd_fleet *fl, sd_buf *b)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hooks); i++)
    if(hooks[i].hook->html)
      hooks[i].hook->html(fl, fl->sections[i], b);
}
