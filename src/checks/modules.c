/* modules.c - the one table of modules. */
#include "srvdoctor/module.h"

/* Each product module defines its descriptor in src/modules/<id>/module.c
 * (or check.c); the table of them is src/modules/modules.def. */
#define SD_MODULE(cname, id, field, type) \
  extern const sd_module sd_module_##cname;
#include "modules.def"
#undef SD_MODULE

static const sd_module *const all_modules[] = {
  &sd_module_host,
#define SD_MODULE(cname, id, field, type) &sd_module_##cname,
#include "modules.def"
#undef SD_MODULE
};

const sd_module *const *sd_modules(size_t *count)
{
  *count = SD_COUNTOF(all_modules);
  return all_modules;
}

const sd_module *sd_module_find(const char *id)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(all_modules); i++)
    if(sd_strieq(all_modules[i]->id, id))
      return all_modules[i];
  return NULL;
}

const sd_code_info *sd_code_find(const char *code)
{
  size_t i, k;
  for(i = 0; i < SD_COUNTOF(all_modules); i++)
    for(k = 0; k < all_modules[i]->ncodes; k++)
      if(sd_strieq(all_modules[i]->codes[k].code, code))
        return &all_modules[i]->codes[k];
  return NULL;
}
