/* fleet.c - the fleet's aggregation: newest report per host, stale
 * reports, counts, then each module's own section (its fleet hook).
 * Pure: no I/O, no clock (the caller gives "now"). */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"

static const char *base_name(const char *p)
{
  const char *s = p, *q;
  for(q = p; *q; q++)
    if(*q == '/' || *q == '\\')
      s = q + 1;
  return s;
}

/* ---- newest report per host ---- */

static int cmp_newest(const void *a, const void *b)
{
  const sd_fleet_host *x = a, *y = b;
  int c = sd_fleet_name_cmp(x->name, y->name);
  int lx, ly;
  if(c)
    return c;
  if(x->collected_at != y->collected_at)
    return x->collected_at > y->collected_at ? -1 : 1;
  /* The same report twice (latest.json beside its timestamped copy): name
   * the timestamped one. */
  lx = !strcmp(base_name(x->source), "latest.json");
  ly = !strcmp(base_name(y->source), "latest.json");
  if(lx != ly)
    return lx - ly;
  return strcmp(x->source, y->source);
}

static int cmp_severity(const void *a, const void *b)
{
  const sd_fleet_host *x = a, *y = b;
  int rx = sd_severity_rank(x->status), ry = sd_severity_rank(y->status);
  if(rx != ry)
    return ry - rx;
  return strcmp(x->name, y->name);
}

void sd_fleet_finish(sd_fleet *fl)
{
  size_t i, out = 0;
  /* Newest report per host. */
  if(fl->nhosts > 1)
    qsort(fl->hosts, fl->nhosts, sizeof(*fl->hosts), cmp_newest);
  for(i = 0; i < fl->nhosts; i++) {
    if(out && !sd_fleet_name_cmp(fl->hosts[out - 1].name, fl->hosts[i].name)) {
      fl->superseded++;
      continue;
    }
    fl->hosts[out++] = fl->hosts[i];
  }
  fl->nhosts = out;
  memset(fl->counts, 0, sizeof(fl->counts));
  fl->nstale = 0;
  fl->status = SD_SEV_OK;
  for(i = 0; i < fl->nhosts; i++) {
    sd_fleet_host *h = &fl->hosts[i];
    h->status = h->report_status;
    h->stale = 0;
    if(h->collected_at == SD_TIME_NONE) {
      h->age_s = -1;
      h->stale = 1;
    }
    else {
      h->age_s = fl->now - h->collected_at;
      h->stale = h->age_s > fl->max_age_s;
    }
    if(h->stale) {
      h->status = SD_SEV_UNKNOWN;
      fl->nstale++;
    }
    fl->counts[h->status]++;
    fl->status = sd_severity_worst(fl->status, h->status);
  }
  fl->counts[SD_SEV_UNKNOWN] += fl->nproblems;
  if(fl->nproblems)
    fl->status = sd_severity_worst(fl->status, SD_SEV_UNKNOWN);
  fl->exit_code = sd_severity_exit_code(fl->status);
  if(fl->nhosts > 1)
    qsort(fl->hosts, fl->nhosts, sizeof(*fl->hosts), cmp_severity);
  sd_fleet_build_sections(fl);
}
