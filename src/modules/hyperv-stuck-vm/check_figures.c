/* check_figures.c - the hyperv-stuck-vm check: the figures every format shows:
 * the measures,
 * the worker series with its reference line, each VM's state and time in
 * it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- the figures every format shows (Nagios perfdata, Prometheus, the
 * HTML chart): written here, once, from the same analysis as the
 * findings ---- */

/* Monitoring measures (names are Prometheus srvdoctor_<name>; labels are
 * Nagios perfdata labels; warn/crit are Nagios ranges). */
static const sd_measure hv_measures[] = {
  {"hyperv_stuck_vms", "stuck vms", "Hyper-V virtual machines found hung "
   "(HV-VM-STUCK).", SD_UNIT_COUNT, 0, 0, NULL, "0"},
  {"hyperv_suspect_vms", "suspect vms", "Hyper-V virtual machines with one "
   "hung signal (HV-VM-SUSPECT).", SD_UNIT_COUNT, 0, 0, "0", NULL},
};

/* The label of worker i in the chart and in perfdata: its VM's name,
 * with the PID when another worker shows the same name (two VMs may share
 * a name; labels must stay unique), or "pid N". */
static void worker_label(const hv_ctx *c, size_t i, char *out, size_t n)
{
  const char *name = c->w[i].vm >= 0 ? c->f->hyperv.vms[c->w[i].vm].name
                                     : NULL;
  size_t k;
  int shared = 0;
  if(!name || !*name) {
    snprintf(out, n, "pid %lu", (unsigned long)c->w[i].p->pid);
    return;
  }
  for(k = 0; k < c->nw && !shared; k++) {
    const char *other = c->w[k].vm >= 0 ? c->f->hyperv.vms[c->w[k].vm].name
                                        : NULL;
    shared = k != i && other && !strcmp(other, name);
  }
  if(shared)
    snprintf(out, n, "%s (pid %lu)", name, (unsigned long)c->w[i].p->pid);
  else
    snprintf(out, n, "%s", name);
}

/* Worker i repeats an earlier worker's process (a PID listed twice). */
static int worker_repeated(const hv_ctx *c, size_t i)
{
  size_t k;
  for(k = 0; k < i; k++)
    if(c->w[k].p->pid == c->w[i].p->pid)
      return 1;
  return 0;
}

static uint64_t median_of_all(const hv_ctx *c)
{
  uint64_t *v = sd_xmalloc(c->nw * sizeof(*v)), m;
  size_t i;
  for(i = 0; i < c->nw; i++)
    v[i] = c->w[i].ws;
  qsort(v, c->nw, sizeof(*v), sd_hv_cmp_u64);
  m = c->nw % 2 ? v[c->nw / 2] : v[c->nw / 2 - 1] / 2 + v[c->nw / 2] / 2 +
      (v[c->nw / 2 - 1] % 2 + v[c->nw / 2] % 2) / 2;
  free(v);
  return m;
}

/* How to read the chart, from what the check found: what the dashed line
 * is, and for each flagged worker whether its size is what flagged it. */
static const char *series_note(const hv_ctx *c, int quoted)
{
  sd_buf b;
  size_t i, told = 0;
  const char *note;
  sd_buf_init(&b);
  sd_buf_printf(&b, "Every running VM has one vmwp.exe worker; the dashed "
                "line is %s.", quoted ? "the median srvdoctor compared "
                "each flagged worker with (the other workers' median)"
                : "the median of all the workers");
  for(i = 0; i < c->nw && told < 3; i++) {
    const hv_worker *w = &c->w[i];
    char label[300];
    double ratio;
    if(w->mark == SD_SEV_OK || !w->median_quoted || !w->median ||
       worker_repeated(c, i))
      continue;
    worker_label(c, i, label, sizeof(label));
    ratio = (double)w->ws / (double)w->median;
    if(w->small)
      sd_buf_printf(&b, " %s: its worker holds %.2f x that median (below "
                    "%.2f x counts as a sign of a hung VM).", label, ratio,
                    c->ratio);
    else
      sd_buf_printf(&b, " %s: its worker is at %.2f x the median, so its "
                    "size is not what flagged it: see its finding.", label,
                    ratio);
    told++;
  }
  note = sd_arena_strdup(c->r->arena, b.data);
  sd_buf_free(&b);
  return note;
}

/* The working set of every worker with the check's mark on it, and the
 * medians the check compared with: the peer median each finding quoted,
 * or with none quoted the median of all the workers. */
static void emit_series(hv_ctx *c)
{
  sd_module_result *r = c->r;
  sd_series *s = sd_result_series(r, "vmwp", "Working set of each vmwp.exe "
                                  "worker process", SD_UNIT_BYTES);
  size_t i, k;
  int quoted = 0;
  for(i = 0; i < c->nw; i++) {
    const hv_worker *w = &c->w[i];
    char label[300];
    if(worker_repeated(c, i))
      continue;
    worker_label(c, i, label, sizeof(label));
    sd_series_point(r, s, label, w->ws, w->mark, w->p->pid);
    if(!w->median_quoted)
      continue;
    quoted = 1;
    for(k = 0; k < s->nrefs && s->refs[k].value != w->median; k++)
      ;
    if(k == s->nrefs)
      sd_series_ref(r, s, "peer median", w->median);
  }
  if(!quoted)
    sd_series_ref(r, s, "median", median_of_all(c));
  s->note = series_note(c, quoted);
}

/* The perfdata label of a VM: its name (or "vm") and its id, so that two
 * VMs with one name keep two labels (the Nagios writer shortens a long
 * one with a hash of the whole, which stays unique per id). */
static void vm_perf_label(const sd_hv_vm *vm, const char *id, sd_buf *out)
{
  sd_buf_printf(out, "%s %s", vm->name && *vm->name ? vm->name : "vm", id);
}

/* For every VM Hyper-V lists: its state (EnabledState, by name) and the
 * seconds it has spent in it (collection time less TimeOfLastStateChange;
 * not known when either is missing), labelled by id and name, and whether
 * this check counts the state as a transition; VMs in a transition first. */
static void emit_vm_states(hv_ctx *c)
{
  static const char *const keys[] = {"vm_id", "vm_name", "state",
                                     "transitional"};
  const sd_hv_facts *hv = &c->f->hyperv;
  sd_family *st, *secs;
  size_t i;
  if(hv->wmi_st.state != SD_ST_READ || !hv->nvms)
    return;
  sd_result_family(c->r, "hyperv_vm_state", "EnabledState code of one "
                   "Hyper-V virtual machine (state names it).",
                   SD_UNIT_NUMBER, keys, 4, 0);
  sd_result_family(c->r, "hyperv_vm_seconds_in_state", "Seconds one "
                   "Hyper-V virtual machine has been in its state "
                   "(TimeOfLastStateChange to collection).",
                   SD_UNIT_SECONDS, keys, 4, 1);
  st = &c->r->families[c->r->nfamilies - 2];
  secs = &c->r->families[c->r->nfamilies - 1];
  for(i = 0; i < 2 * hv->nvms; i++) {
    const sd_hv_vm *vm = &hv->vms[i % hv->nvms];
    const state_info *si = sd_hv_state_lookup(vm->ns_version ? vm->ns_version
                                                       : c->version,
                                        vm->enabled_state);
    char id[37], code[32];
    const char *vals[4];
    sd_buf perf;
    int known = vm->state_changed != SD_TIME_NONE &&
                c->f->collected_at != SD_TIME_NONE;
    int64_t sec = known ? c->f->collected_at - vm->state_changed : 0;
    /* VMs in a transition first: perfdata keeps what fits. */
    if((i < hv->nvms) != (si && si->transitional))
      continue;
    if(!vm->guid || !sd_guid_parse(vm->guid, id))
      snprintf(id, sizeof(id), "%s", vm->guid ? vm->guid : "");
    snprintf(code, sizeof(code), "unknown %lu",
             (unsigned long)vm->enabled_state);
    vals[0] = id;
    vals[1] = vm->name ? vm->name : "";
    vals[2] = si ? si->name : code;
    vals[3] = si && si->transitional ? "yes" : "no";
    sd_buf_init(&perf);
    vm_perf_label(vm, id, &perf);
    sd_family_sample(c->r, st, vals, NULL, 1, vm->enabled_state);
    sd_family_sample(c->r, secs, vals, perf.data, known,
                     sec < 0 ? 0 : sec);
    sd_buf_free(&perf);
  }
}

void sd_hv_emit_figures(hv_ctx *c)
{
  sd_module_result *r = c->r;
  sd_severity worst = SD_SEV_OK;
  int64_t stuck = 0, suspect = 0;
  size_t i;
  int known;
  for(i = 0; i < r->nfindings; i++) {
    worst = sd_severity_worst(worst, r->findings[i].severity);
    stuck += sd_streq(r->findings[i].code, "HV-VM-STUCK");
    suspect += sd_streq(r->findings[i].code, "HV-VM-SUSPECT");
  }
  /* A module that could not decide and found nothing does not know that
   * there are no hung VMs. */
  known = !(worst == SD_SEV_UNKNOWN && !stuck && !suspect);
  sd_result_measure(r, &hv_measures[0], known, stuck);
  sd_result_measure(r, &hv_measures[1], known, suspect);
  emit_vm_states(c);
  if(c->nw)
    emit_series(c);
}
