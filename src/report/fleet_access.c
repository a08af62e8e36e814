/* fleet_access.c - what the modules' fleet sections read of a host: its
 * module results and their summaries (summary.h). */
#include <string.h>

#include "srvdoctor/fleet.h"
#include "srvdoctor/summary.h"

const sd_fleet_module *sd_fleet_host_module(const sd_fleet_host *h,
                                            const char *id)
{
  size_t i;
  for(i = 0; i < h->nmodules; i++)
    if(!strcmp(h->modules[i].id, id))
      return &h->modules[i];
  return NULL;
}

size_t sd_fleet_host_acked(const sd_fleet_host *h)
{
  size_t i, n = 0;
  for(i = 0; i < h->nmodules; i++)
    n += h->modules[i].nacked;
  return n;
}

const char *sd_fleet_summary(sd_fleet *fl, const sd_fleet_host *h,
                             const char *module, const char *key)
{
  const sd_fleet_module *m = sd_fleet_host_module(h, module);
  return m ? sd_summary_text(m->summary, m->nsummary, key, &fl->arena)
           : NULL;
}

int sd_fleet_summary_true(const sd_fleet_host *h, const char *module,
                          const char *key)
{
  const sd_fleet_module *m = sd_fleet_host_module(h, module);
  return m && sd_summary_true(m->summary, m->nsummary, key);
}

int sd_fleet_name_cmp(const char *a, const char *b)
{
  for(;; a++, b++) {
    int ca = (unsigned char)*a, cb = (unsigned char)*b;
    if(ca >= 'a' && ca <= 'z')
      ca -= 'a' - 'A';
    if(cb >= 'a' && cb <= 'z')
      cb -= 'a' - 'A';
    if(ca != cb || !ca)
      return ca - cb;
  }
}
