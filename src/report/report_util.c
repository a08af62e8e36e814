/* report_util.c - the helpers the writers share (report_internal.h). */
#include "srvdoctor/report.h"

#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

size_t sd_utf8_seq(const char *s, uint32_t *cp)
{
  const unsigned char *p = (const unsigned char *)s;
  unsigned c = p[0];
  size_t len, k;
  if(c < 0x80) {
    *cp = c;
    return 1;
  }
  len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if(!len)
    return 0;
  for(k = 1; k < len; k++)
    if(!p[k])
      return 0;
  if(!sd_utf8_valid(s, len))
    return 0;
  if(len == 2)
    *cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
  else if(len == 3)
    *cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
  else
    *cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
          ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
  return len;
}

const char *sd_sev_upper(sd_severity s)
{
  switch(s) {
  case SD_SEV_CRITICAL: return "CRITICAL";
  case SD_SEV_WARNING: return "WARNING";
  case SD_SEV_UNKNOWN: return "UNKNOWN";
  case SD_SEV_INFO: return "INFO";
  case SD_SEV_OK: return "OK";
  }
  return "UNKNOWN";
}

const char *sd_verdict_upper(sd_severity s)
{
  return sd_sev_upper(sd_severity_rank(s) == 0 ? SD_SEV_OK : s);
}

void sd_report_counts(const sd_report *r, size_t counts[5])
{
  size_t i, k;
  for(i = 0; i < 5; i++)
    counts[i] = 0;
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nfindings; k++)
      if((unsigned)r->modules[i].findings[k].severity < 5)
        counts[r->modules[i].findings[k].severity]++;
}

size_t *sd_report_module_order(const sd_report *r)
{
  size_t *order = sd_xcalloc(r->nmodules ? r->nmodules : 1, sizeof(size_t));
  size_t i, n = 0;
  int rank;
  /* Stable: walk the ranks from the most severe down (sd_severity_rank
   * gives every status one of 3..0). */
  for(rank = 3; rank >= 0; rank--)
    for(i = 0; i < r->nmodules; i++)
      if(sd_severity_rank(r->modules[i].status) == rank)
        order[n++] = i;
  return order;
}

const sd_module_result *sd_report_module(const sd_report *r, const char *id)
{
  size_t i;
  for(i = 0; i < r->nmodules; i++)
    if(sd_streq(r->modules[i].id, id))
      return &r->modules[i];
  return NULL;
}

static int64_t count_code(const sd_module_result *m, const char *code)
{
  size_t k;
  int64_t n = 0;
  for(k = 0; k < m->nfindings; k++)
    if(sd_streq(m->findings[k].code, code))
      n++;
  return n;
}

static void metric_set(sd_metric *mt, sd_metric_state st, int64_t v)
{
  mt->state = st;
  mt->value = st == SD_MET_VALUE ? v : 0;
}

void sd_report_metrics_get(const sd_report *r, sd_report_metrics *m)
{
  const sd_module_result *hv = sd_report_module(r, "hyperv-stuck-vm");
  const sd_module_result *ex = sd_report_module(r, "exchange-sp2");
  sd_ad_row rows[SD_AD_ROWS];
  memset(m, 0, sizeof(*m));
  if(hv && hv->applicable) {
    int64_t stuck = count_code(hv, "HV-VM-STUCK");
    int64_t suspect = count_code(hv, "HV-VM-SUSPECT");
    /* A module that could not decide (unknown) and found nothing does not
     * know that there are no hung VMs. */
    sd_metric_state st = hv->status == SD_SEV_UNKNOWN && !stuck && !suspect
                         ? SD_MET_UNKNOWN : SD_MET_VALUE;
    metric_set(&m->stuck_vms, st, stuck);
    metric_set(&m->suspect_vms, st, suspect);
  }
  if(ex && ex->applicable && !count_code(ex, "EXCH-NOT-INSTALLED") &&
     !count_code(ex, "EXCH-OTHER-VERSION")) {
    const sd_facts *f = r->facts;
    int64_t n = count_code(ex, "EXCH-INTERIM-UPDATE");
    /* The count means something only when the patch list was read. */
    int known = f && f->msi_patches.st.state == SD_ST_READ;
    metric_set(&m->interim_updates,
               known || n ? SD_MET_VALUE : SD_MET_UNKNOWN, n);
  }
  if(ex && ex->applicable && !sd_ad_table_get(r, rows))
    m->schema_version = rows[SD_AD_ROW_SCHEMA].actual.state == SD_MET_OMIT
                          ? (sd_metric){SD_MET_UNKNOWN, 0}
                          : rows[SD_AD_ROW_SCHEMA].actual;
}

/* ---- the vmwp.exe chart ---- */

static int is_worker(const sd_process *p)
{
  const char *img = p->image;
  const char *slash;
  if(!img)
    return 0;
  slash = strrchr(img, '\\');
  if(slash)
    img = slash + 1;
  return sd_strieq(img, "vmwp.exe");
}

static int ev_pid(const sd_finding *f, uint32_t *pid)
{
  const sd_evidence *e = sd_finding_evidence(f, "worker_pid");
  if(!e)
    return -1;
  if(e->type == SD_EV_INT && e->num > 0 && e->num <= 0xFFFFFFFF) {
    *pid = (uint32_t)e->num;
    return 0;
  }
  if(e->type == SD_EV_STR && e->str) {
    char *end;
    unsigned long v = strtoul(e->str, &end, 10);
    if(end != e->str && !*end && v > 0 && v <= 0xFFFFFFFFUL) {
      *pid = (uint32_t)v;
      return 0;
    }
  }
  return -1;
}

static const char *ev_vm_name(const sd_finding *f)
{
  const sd_evidence *e = sd_finding_evidence(f, "vm_name");
  return e && e->type == SD_EV_STR ? e->str : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int sd_vm_chart_get(const sd_report *r, sd_vm_chart *c)
{
  const sd_facts *f = r->facts;
  const sd_module_result *hv = sd_report_module(r, "hyperv-stuck-vm");
  uint64_t *ws;
  size_t i, k, nws = 0, cap = 0;
  memset(c, 0, sizeof(*c));
  if(!f || f->processes.st.state != SD_ST_READ)
    return -1;
  for(i = 0; i < f->processes.count; i++) {
    const sd_process *p = &f->processes.items[i];
    sd_vm_bar *b;
    if(!is_worker(p))
      continue;
    c->bars = sd_grow(c->bars, &cap, c->n, sizeof(*c->bars));
    b = &c->bars[c->n++];
    b->pid = p->pid;
    /* The latest reading, as the check uses it. */
    b->working_set = p->nsamples ? p->samples[p->nsamples - 1].working_set
                                 : p->working_set;
    b->mark = SD_SEV_OK;
  }
  if(!c->n)
    return -1;
  /* Names from Hyper-V's own list of VMs (Msvm_ComputerSystem.ProcessID),
   * when it was read. */
  if(f->hyperv.wmi_st.state == SD_ST_READ)
    for(k = 0; k < f->hyperv.nvms; k++)
      for(i = 0; i < c->n; i++)
        if(f->hyperv.vms[k].worker_pid &&
           f->hyperv.vms[k].worker_pid == c->bars[i].pid &&
           f->hyperv.vms[k].name && *f->hyperv.vms[k].name)
          c->bars[i].vm = f->hyperv.vms[k].name;
  /* Names and marks from the Hyper-V findings that name a worker; the
   * median the check compared against, when it gives one. */
  for(k = 0; hv && k < hv->nfindings; k++) {
    const sd_finding *x = &hv->findings[k];
    const sd_evidence *med = sd_finding_evidence(x, "peer_median_bytes");
    uint32_t pid;
    if(med && med->type == SD_EV_INT && med->num > 0 && !c->have_median &&
       (sd_streq(x->code, "HV-VM-STUCK") ||
        sd_streq(x->code, "HV-VM-SUSPECT"))) {
      c->median = (uint64_t)med->num;
      c->have_median = 1;
    }
    if(ev_pid(x, &pid))
      continue;
    for(i = 0; i < c->n; i++) {
      if(c->bars[i].pid != pid)
        continue;
      if(!c->bars[i].vm)
        c->bars[i].vm = ev_vm_name(x);
      if(c->bars[i].vm && !*c->bars[i].vm)
        c->bars[i].vm = NULL;
      if(sd_streq(x->code, "HV-VM-STUCK"))
        c->bars[i].mark = SD_SEV_CRITICAL;
      else if(sd_streq(x->code, "HV-VM-SUSPECT") &&
              c->bars[i].mark != SD_SEV_CRITICAL)
        c->bars[i].mark = SD_SEV_WARNING;
    }
  }
  if(c->have_median)
    return 0;
  /* Otherwise the peer median: the workers not marked, or all when every
   * one is. */
  ws = sd_xcalloc(c->n, sizeof(*ws));
  for(i = 0; i < c->n; i++)
    if(c->bars[i].mark == SD_SEV_OK)
      ws[nws++] = c->bars[i].working_set;
  if(!nws)
    for(i = 0; i < c->n; i++)
      ws[nws++] = c->bars[i].working_set;
  qsort(ws, nws, sizeof(*ws), cmp_u64);
  c->median = nws % 2 ? ws[nws / 2]
                      : ws[nws / 2 - 1] / 2 + ws[nws / 2] / 2 +
                          (ws[nws / 2 - 1] % 2 + ws[nws / 2] % 2) / 2;
  c->have_median = 1;
  free(ws);
  return 0;
}

void sd_vm_chart_free(sd_vm_chart *c)
{
  free(c->bars);
  memset(c, 0, sizeof(*c));
}

/* ---- AD versions ---- */

static void ad_value(sd_ad_row *row, const sd_fstate *st, int64_t v)
{
  if(st->state == SD_ST_READ && v >= 0) {
    row->actual.state = SD_MET_VALUE;
    row->actual.value = v;
  }
  else if(st->state == SD_ST_ABSENT) {
    /* Never prepared for Exchange: shown as 0 against the need. */
    row->actual.state = SD_MET_VALUE;
    row->actual.value = 0;
    row->why = st->why ? st->why : "not present (never prepared)";
  }
  else {
    row->actual.state = st->state == SD_ST_NOT_COLLECTED ? SD_MET_OMIT
                                                          : SD_MET_UNKNOWN;
    row->why = st->why ? st->why : sd_state_name(st->state);
  }
}

/* The lowest objectVersion of a list (what setup compares), or the state
 * of the list when none could be read. */
static void ad_objects(sd_ad_row *row, const sd_fstate *lst,
                       const sd_ad_object *o, size_t n)
{
  size_t i;
  const sd_ad_object *low = NULL;
  if(lst->state != SD_ST_READ) {
    ad_value(row, lst, -1);
    return;
  }
  for(i = 0; i < n; i++) {
    if(o[i].version_st.state != SD_ST_READ || o[i].object_version < 0)
      continue;
    if(!low || o[i].object_version < low->object_version)
      low = &o[i];
  }
  if(low) {
    row->actual.state = SD_MET_VALUE;
    row->actual.value = low->object_version;
    row->where = low->dn;
    return;
  }
  if(n == 0) {
    sd_fstate absent = {SD_ST_ABSENT, 0, "no such object (not prepared)"};
    ad_value(row, &absent, -1);
    return;
  }
  ad_value(row, &o[0].version_st, -1);
  row->where = o[0].dn;
}

int sd_ad_table_get(const sd_report *r, sd_ad_row rows[SD_AD_ROWS])
{
  const sd_facts *f = r->facts;
  const sd_ad_facts *ad;
  const sd_module_result *ex = sd_report_module(r, "exchange-sp2");
  memset(rows, 0, sizeof(sd_ad_row) * SD_AD_ROWS);
  rows[SD_AD_ROW_SCHEMA].what = "Schema (rangeUpper of "
                                "ms-Exch-Schema-Version-Pt)";
  rows[SD_AD_ROW_SCHEMA].needed = SD_SP2_SCHEMA_VERSION;
  rows[SD_AD_ROW_ORG].what = "Organization (objectVersion)";
  rows[SD_AD_ROW_ORG].needed = SD_SP2_ORG_VERSION;
  rows[SD_AD_ROW_DOMAIN].what = "Domain: Microsoft Exchange System Objects "
                                "(objectVersion)";
  rows[SD_AD_ROW_DOMAIN].needed = SD_SP2_DOMAIN_VERSION;
  if(!f || !ex)
    return -1;
  ad = &f->exchange.ad;
  if(ad->st.state == SD_ST_NOT_COLLECTED)
    return -1;
  if(ad->st.state != SD_ST_READ) {
    size_t i;
    for(i = 0; i < SD_AD_ROWS; i++)
      ad_value(&rows[i], &ad->st, -1);
    return 0;
  }
  ad_value(&rows[SD_AD_ROW_SCHEMA], &ad->schema_st, ad->schema_version);
  rows[SD_AD_ROW_SCHEMA].where = ad->schema_nc;
  ad_objects(&rows[SD_AD_ROW_ORG], &ad->org_st, ad->orgs, ad->norgs);
  ad_objects(&rows[SD_AD_ROW_DOMAIN], &ad->meso_st, ad->mesos, ad->nmesos);
  return 0;
}
