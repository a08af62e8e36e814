/* check_workers.c - the hyperv-stuck-vm check: each worker process (vmwp.exe):
 * its VM, its
 * samples, whether it is small, flat and idle against its peers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- per-worker analysis ---- */

int sd_hv_cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Median of the sorted values without the element at index skip. */
static uint64_t median_without(const uint64_t *v, size_t n, size_t skip)
{
  size_t m = n - 1, lo, hi;
  uint64_t a, b;
  lo = (m - 1) / 2;
  hi = m / 2;
  a = v[lo < skip ? lo : lo + 1];
  b = v[hi < skip ? hi : hi + 1];
  return a / 2 + b / 2 + (a % 2 + b % 2) / 2;
}

static void worker_vitality(hv_worker *w)
{
  const sd_process *p = w->p;
  const sd_sample *s = p->samples;
  size_t i;
  uint64_t maxws;
  w->nsamples = p->nsamples;
  w->ws = p->nsamples ? s[p->nsamples - 1].working_set : p->working_set;
  if(p->nsamples < 2)
    return;
  w->span_ms = (long)(s[p->nsamples - 1].at_ms_rel - s[0].at_ms_rel);
  maxws = s[0].working_set;
  for(i = 1; i < p->nsamples; i++)
    if(s[i].working_set > maxws)
      maxws = s[i].working_set;
  w->growth = (int64_t)(maxws - s[0].working_set);
  if(s[p->nsamples - 1].cpu_100ns < s[0].cpu_100ns || w->span_ms < MIN_SPAN_MS)
    return; /* a counter that went backwards, or too short to tell */
  w->cpu_100ns = s[p->nsamples - 1].cpu_100ns - s[0].cpu_100ns;
  w->flat_known = 1;
  {
    uint64_t tol = s[0].working_set / 100;
    if(tol < GROWTH_TOLERANCE)
      tol = GROWTH_TOLERANCE;
    w->flat = (uint64_t)w->growth <= tol &&
              w->cpu_100ns <= (uint64_t)w->span_ms * CPU_100NS_PER_MS;
  }
}

static int is_worker(const sd_process *p)
{
  return sd_hv_is_worker_image(p->image);
}

/* By VM id; workers of the same VM stay in process-list order. */
static int cmp_worker_guid(const void *a, const void *b)
{
  const hv_worker *x = *(const hv_worker *const *)a;
  const hv_worker *y = *(const hv_worker *const *)b;
  int d = strcmp(x->guid, y->guid);
  return d ? d : (x > y) - (x < y);
}

void sd_hv_collect_workers(hv_ctx *c)
{
  const sd_process_list *pl = &c->f->processes;
  uint64_t *sorted;
  size_t i, n = 0;
  for(i = 0; i < pl->count; i++)
    n += is_worker(&pl->items[i]);
  c->w = sd_xcalloc(n ? n : 1, sizeof(*c->w));
  c->by_guid = sd_xcalloc(n ? n : 1, sizeof(*c->by_guid));
  for(i = 0; i < pl->count; i++) {
    hv_worker *w;
    char g1[37], g2[37];
    int have_sid, have_cmd;
    if(!is_worker(&pl->items[i]))
      continue;
    w = &c->w[c->nw++];
    w->p = &pl->items[i];
    w->vm = -1;
    have_sid = w->p->sid && !sd_hv_guid_from_sid(w->p->sid, g1);
    have_cmd = w->p->cmdline && sd_hv_guid_find(w->p->cmdline, g2) != NULL;
    if(have_sid) {
      memcpy(w->guid, g1, sizeof(g1));
      w->guid_from = "account SID";
      w->guid_conflict = have_cmd && strcmp(g1, g2) != 0;
    }
    else if(have_cmd) {
      memcpy(w->guid, g2, sizeof(g2));
      w->guid_from = "command line";
    }
    else {
      c->guids_unknown = 1;
    }
    worker_vitality(w);
  }
  /* Medians of the peers, from one sorted copy. */
  sorted = sd_xmalloc((c->nw ? c->nw : 1) * sizeof(*sorted));
  for(i = 0; i < c->nw; i++)
    sorted[i] = c->w[i].ws;
  qsort(sorted, c->nw, sizeof(*sorted), sd_hv_cmp_u64);
  for(i = 0; i < c->nw && c->nw >= 3; i++) {
    hv_worker *w = &c->w[i];
    size_t lo = 0, hi = c->nw;
    while(lo < hi) { /* first index holding w->ws */
      size_t mid = lo + (hi - lo) / 2;
      if(sorted[mid] < w->ws)
        lo = mid + 1;
      else
        hi = mid;
    }
    w->has_median = 1;
    w->median = median_without(sorted, c->nw, lo);
    w->small = (double)w->ws < c->ratio * (double)w->median &&
               w->ws < c->floor;
  }
  free(sorted);
  for(i = 0; i < c->nw; i++)
    if(c->w[i].guid[0])
      c->by_guid[c->nby_guid++] = &c->w[i];
  qsort(c->by_guid, c->nby_guid, sizeof(*c->by_guid), cmp_worker_guid);
}

/* The first worker serving the VM with this id, or -1. */
int sd_hv_worker_by_guid(const hv_ctx *c, const char *guid)
{
  size_t lo = 0, hi = c->nby_guid;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int d = strcmp(c->by_guid[mid]->guid, guid);
    if(d < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if(lo < c->nby_guid && !strcmp(c->by_guid[lo]->guid, guid))
    return (int)(c->by_guid[lo] - c->w);
  return -1;
}

int sd_hv_worker_by_pid(const hv_ctx *c, uint32_t pid)
{
  size_t i;
  for(i = 0; i < c->nw; i++)
    if(c->w[i].p->pid == pid)
      return (int)i;
  return -1;
}
