/* hyperv_stuck_vm.c - the "hyperv-stuck-vm" module: which Hyper-V virtual
 * machines hang in a transitional state, and which vmwp.exe worker process
 * belongs to each.
 *
 * Signals (see docs/modules/hyperv-stuck-vm.md for the reasoning):
 *   state     the VM's EnabledState is transitional (Starting, Stopping,
 *             Saving, ...) and has been for at least --stuck-after minutes;
 *   health    HealthState 25: the worker does not answer Hyper-V;
 *   worker    its vmwp.exe holds a working set under --ws-ratio times the
 *             median of the other workers AND under the absolute floor, and
 *             neither grew nor used CPU across the samples;
 *   events    start-failure events for this VM since the state change.
 * state + at least one other = HV-VM-STUCK; one signal alone =
 * HV-VM-SUSPECT.  Without Hyper-V's WMI the worker signal alone gives
 * HV-VM-SUSPECT and HV-DEGRADED says the verdicts rest on processes only. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/module.h"

#define MOD "hyperv-stuck-vm"

static const sd_code_info hv_codes[] = {
  {"HV-VM-STUCK", MOD, SD_SEV_CRITICAL,
   "A virtual machine is hung in a transitional state",
   SD_FIX_YES | SD_FIX_WORKER},
  {"HV-VM-SUSPECT", MOD, SD_SEV_WARNING,
   "A virtual machine may be hung (one signal only)",
   SD_FIX_YES | SD_FIX_WORKER | SD_FIX_FORCE},
  {"HV-VM-STORAGE", MOD, SD_SEV_CRITICAL,
   "A virtual machine is paused or failing because of its storage", 0},
  {"HV-VM-BUSY", MOD, SD_SEV_INFO,
   "A virtual machine is busy with an operation; its verdict is held back",
   0},
  {"HV-WORKER-MISSING", MOD, SD_SEV_WARNING,
   "A running virtual machine has no worker process", 0},
  {"HV-WORKER-ORPHAN", MOD, SD_SEV_WARNING,
   "A worker process belongs to no virtual machine Hyper-V reports", 0},
  {"HV-UNKNOWN", MOD, SD_SEV_UNKNOWN,
   "The Hyper-V virtual machines could not be checked", 0},
  {"HV-DEGRADED", MOD, SD_SEV_INFO,
   "Hyper-V's WMI provider could not be read; verdicts rest on worker "
   "processes alone", 0},
  {"HV-NOT-INSTALLED", MOD, SD_SEV_INFO, "No Hyper-V on this machine", 0},
  {"HV-OK", MOD, SD_SEV_OK, "Every virtual machine's worker looks healthy",
   0},
};

/* A finding of one of this module's codes, as its table says. */
static sd_finding *hv_add(sd_module_result *r, const char *code)
{
  return sd_result_code(r, hv_codes, SD_COUNTOF(hv_codes), code);
}

/* Start-failure events and the logs they are in (facts.h). */
static const uint32_t start_fail_ids[] = {SD_HV_START_FAIL_IDS};
static const char *const hv_logs[] = {SD_HV_LOG_WORKER, SD_HV_LOG_VMMS};

/* A working set that does not grow by more than this is "flat". */
#define GROWTH_TOLERANCE (256u * 1024u)
/* Samples must span at least this long to tell flat from busy. */
#define MIN_SPAN_MS 200
/* Less CPU than 1 ms per second of sampling counts as none. */
#define CPU_100NS_PER_MS 10

/* ---- states ---- */

typedef struct state_info {
  uint32_t code;
  const char *name;
  int transitional;
  int has_worker; /* 1 yes, 0 no */
  int critical;   /* a "-Critical" state: storage or configuration failed */
} state_info;

/* EnabledState of root\virtualization (v1: Windows Server 2008 / 2008 R2).
 * Sources: the 2008 R2 failover-cluster VmState property that mirrors
 * EnabledState (learn.microsoft.com, previous-versions/windows/desktop/
 * mscs/virtual-machines-vmstate) and the Msvm_ComputerSystem v1 page;
 * Snapshotting 32771 as ../shared/facts/hyperv.md section 4 records it.
 * docs/modules/hyperv-stuck-vm.md names them too. */
static const state_info v1_states[] = {
  {2, "Running", 0, 1, 0},
  {3, "Off", 0, 0, 0},
  {32768, "Paused", 0, 1, 0},
  {32769, "Saved", 0, 0, 0},
  {32770, "Starting", 1, 1, 0},
  {32771, "Snapshotting", 0, 1, 0},
  {32773, "Saving", 1, 1, 0},
  {32774, "Stopping", 1, 1, 0},
  {32776, "Pausing", 1, 1, 0},
  {32777, "Resuming", 1, 1, 0},
};

/* EnabledState of root\virtualization\v2 (Windows Server 2012 and
 * later).  Sources: Microsoft's Msvm_ComputerSystem page (hyperv_v2/
 * msvm-computersystem: 2, 3, 4, 6, 9, 10, 32768, 32769) and its
 * RequestStateChange page
 * (hyperv_v2/requeststatechange-msvm-computersystem: 32773-32780 and the
 * critical states 32781-32792, in the order RunningCritical, OffCritical,
 * StoppingCritical, SavedCritical, PausedCritical, StartingCritical,
 * ResetCritical, SavingCritical, PausingCritical, ResumingCritical,
 * FastSavedCritical, FastSavingCritical).  A VM in a critical state has
 * lost its storage or configuration: it is never a hung worker, so none of
 * them is "transitional" here. */
static const state_info v2_states[] = {
  {2, "Running", 0, 1, 0},
  {3, "Off", 0, 0, 0},
  {4, "Stopping", 1, 1, 0},
  {6, "Saved", 0, 0, 0},
  {9, "Paused", 0, 1, 0},
  {10, "Starting", 1, 1, 0},
  /* The HealthState remark of the same page names 32768 (Paused) as the
   * state of a VM paused for lack of disk space. */
  {32768, "Paused", 0, 1, 0},
  /* The OperationalStatus remark of the same page (value 15 Dormant): a
   * suspended or paused VM has EnabledState 32769 (Suspended) or 32768
   * (Paused).  Suspended is the saved state (RequestStateChange 32769
   * "Suspended" saves the state of the VM, previous-versions/windows/
   * desktop/virtual/requeststatechange-msvm-computersystem). */
  {32769, "Saved", 0, 0, 0},
  {32773, "Saving", 1, 1, 0},
  {32776, "Pausing", 1, 1, 0},
  {32777, "Resuming", 1, 1, 0},
  {32779, "FastSaved", 0, 0, 0},
  {32780, "FastSaving", 1, 1, 0},
  {32781, "Running-Critical", 0, 1, 1},
  {32782, "Off-Critical", 0, 0, 1},
  {32783, "Stopping-Critical", 0, 1, 1},
  {32784, "Saved-Critical", 0, 0, 1},
  {32785, "Paused-Critical", 0, 1, 1},
  {32786, "Starting-Critical", 0, 1, 1},
  {32787, "Reset-Critical", 0, 1, 1},
  {32788, "Saving-Critical", 0, 1, 1},
  {32789, "Pausing-Critical", 0, 1, 1},
  {32790, "Resuming-Critical", 0, 1, 1},
  {32791, "FastSaved-Critical", 0, 0, 1},
  {32792, "FastSaving-Critical", 0, 1, 1},
};

static const state_info *state_lookup(unsigned version, uint32_t code)
{
  const state_info *t = version == 1 ? v1_states : v2_states;
  size_t n = version == 1 ? SD_COUNTOF(v1_states) : SD_COUNTOF(v2_states);
  size_t i;
  for(i = 0; i < n; i++)
    if(t[i].code == code)
      return &t[i];
  return NULL;
}

/* Msvm_ComputerSystem (hyperv_v2/msvm-computersystem, HealthState and
 * OperationalStatus; the same values from Windows Server 2008 R2 on):
 *   HealthState 25 Critical failure: the worker does not answer, OR the
 *     disks holding the VM's VHDs are low on space, the VM then paused
 *     (EnabledState Paused); 20 Major failure: low space, VM paused;
 *   OperationalStatus[0] 3 Degraded: the configuration's storage is not
 *     reachable (only Turn Off or Delete work); 5 Predictive Failure: the
 *     VHDs' storage is low on free space, the VM will be paused. */
#define HEALTH_MAJOR_FAILURE 20u
#define HEALTH_CRITICAL_FAILURE 25u
#define OPSTATUS_DEGRADED 3u
#define OPSTATUS_PREDICTIVE_FAILURE 5u

static int is_paused(const state_info *si)
{
  return si && !si->critical && sd_streq(si->name, "Paused");
}

/* Is the VM's OperationalStatus known (read; or carried without a state by
 * a snapshot written before the state existed)? */
static int opstatus_known(const sd_hv_vm *vm)
{
  return vm->op_status_st.state == SD_ST_READ ||
         vm->op_status_st.state == SD_ST_ABSENT ||
         (vm->op_status_st.state == SD_ST_NOT_COLLECTED &&
          vm->nop_status > 0);
}

static uint32_t opstatus_at(const sd_hv_vm *vm, size_t i)
{
  return opstatus_known(vm) && i < vm->nop_status ? vm->op_status[i].code
                                                  : 0;
}

/* OperationalStatus[1]: an operation in progress.  Source: Microsoft's
 * Msvm_ComputerSystem page (hyperv_v2/msvm-computersystem, OperationalStatus
 * "value at index one").  A VM doing one of these is busy, not hung;
 * Waiting to Start is the automatic start delay. */
#define OPSTATUS_WAITING_TO_START 32771u
typedef struct op_info {
  uint32_t code;
  const char *name;    /* "Merging Disks" */
  const char *doing;   /* "merging the virtual hard disks of deleted
                          snapshots" */
} op_info;

static const op_info operations[] = {
  {32768, "Creating Snapshot", "creating a snapshot (checkpoint)"},
  {32769, "Applying Snapshot", "applying a snapshot (checkpoint)"},
  {32770, "Deleting Snapshot", "deleting a snapshot (checkpoint)"},
  {OPSTATUS_WAITING_TO_START, "Waiting to Start",
   "waiting for its automatic start delay"},
  {32772, "Merging Disks", "merging the virtual hard disks of deleted "
   "snapshots"},
  {32773, "Exporting Virtual Machine", "being exported"},
  {32774, "Migrating Virtual Machine", "being live-migrated to another "
   "host"},
};

static const op_info *operation_of(uint32_t code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(operations); i++)
    if(operations[i].code == code)
      return &operations[i];
  return NULL;
}

/* v1 EnabledState 32771 Snapshotting (Windows Server 2008 / 2008 R2). */
static const op_info v1_snapshotting = {
  32771, "Snapshotting", "taking a snapshot (EnabledState 32771 "
  "Snapshotting)"};

/* ---- per-worker analysis ---- */

typedef struct hv_worker {
  const sd_process *p;
  char guid[37];          /* the VM it serves, "" when unknown */
  const char *guid_from;  /* "account SID" or "command line" */
  int guid_conflict;      /* SID and command line disagree */
  uint64_t ws;            /* latest working set */
  int has_median;         /* at least two peers */
  uint64_t median;        /* of the other workers */
  int small;              /* below ratio x median and below the floor */
  int flat_known;         /* samples long enough to judge */
  int flat;               /* no growth, no CPU */
  int64_t growth;         /* bytes, max sample - first sample */
  uint64_t cpu_100ns;     /* CPU used across the samples */
  long span_ms;
  size_t nsamples;
  int vm;                 /* index of its VM, -1 */
  /* what the check said of it (written with its findings, read by the
   * figures): the gravest severity of a finding about this worker, and
   * whether one of them quoted the peer median */
  sd_severity mark;
  int median_quoted;
} hv_worker;

typedef struct hv_event {
  char guid[37];          /* VM id in the message, "" when none */
  const sd_event *e;
} hv_event;

typedef struct hv_ctx {
  const sd_facts *f;
  const sd_options *o;
  sd_module_result *r;
  double ratio;
  uint64_t floor;
  int stuck_after;
  hv_worker *w;
  size_t nw;
  hv_worker **by_guid;    /* workers whose VM id is known, sorted by it */
  size_t nby_guid;
  int guids_unknown;      /* some worker's VM id could not be read */
  hv_event *ev;
  size_t nev;
  int events_known;       /* every Hyper-V log was read */
  const char *events_why;
  unsigned version;       /* WMI namespace version in use */
  size_t nbusy;           /* HV-VM-BUSY findings (they do not hide HV-OK) */
} hv_ctx;

static int cmp_u64(const void *a, const void *b)
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

static void collect_workers(hv_ctx *c)
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
  qsort(sorted, c->nw, sizeof(*sorted), cmp_u64);
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
static int worker_by_guid(const hv_ctx *c, const char *guid)
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

static int worker_by_pid(const hv_ctx *c, uint32_t pid)
{
  size_t i;
  for(i = 0; i < c->nw; i++)
    if(c->w[i].p->pid == pid)
      return (int)i;
  return -1;
}

/* ---- events ---- */

static int is_start_fail(const sd_event *e)
{
  size_t i;
  int log_ok = 0;
  for(i = 0; i < SD_COUNTOF(hv_logs); i++)
    log_ok |= sd_strieq(e->log, hv_logs[i]);
  if(!log_ok)
    return 0;
  for(i = 0; i < SD_COUNTOF(start_fail_ids); i++)
    if(e->id == start_fail_ids[i])
      return 1;
  return 0;
}

static void collect_events(hv_ctx *c)
{
  const sd_event_list *el = &c->f->events;
  size_t i, n = 0;
  c->events_known = el->st.state == SD_ST_READ;
  c->events_why = el->st.state == SD_ST_READ ? NULL :
                  sd_str_or(el->st.why, sd_state_name(el->st.state));
  for(i = 0; i < SD_COUNTOF(hv_logs) && c->events_known; i++) {
    const sd_event_source *s = sd_facts_event_source(c->f, hv_logs[i]);
    if(!s || !sd_fstate_known(&s->st)) {
      c->events_known = 0;
      c->events_why = s ? sd_str_or(s->st.why, sd_state_name(s->st.state)) :
                      "the Hyper-V event logs were not searched";
    }
  }
  for(i = 0; i < el->count; i++)
    n += is_start_fail(&el->items[i]);
  c->ev = sd_xcalloc(n ? n : 1, sizeof(*c->ev));
  for(i = 0; i < el->count; i++) {
    hv_event *h;
    if(!is_start_fail(&el->items[i]))
      continue;
    h = &c->ev[c->nev++];
    h->e = &el->items[i];
    if(!sd_hv_guid_find(h->e->message, h->guid))
      h->guid[0] = '\0';
  }
}

/* Does the message name this VM: 'name' in a rendered message (Hyper-V
 * quotes the name), or a whole insertion string in "a | b | c"? */
static int message_names(const char *msg, const char *name)
{
  const char *p;
  size_t n = name ? strlen(name) : 0;
  if(!msg || !n)
    return 0;
  for(p = msg; (p = strstr(p, name)) != NULL; p++) {
    int quoted = p > msg && p[-1] == '\'' && p[n] == '\'';
    int field = (p == msg || (p - msg >= 3 && !strncmp(p - 3, " | ", 3))) &&
                (p[n] == '\0' || !strncmp(p + n, " | ", 3));
    if(quoted || field)
      return 1;
  }
  return 0;
}

/* Does no VM but the one at index vi carry its name? */
static int name_unique(const sd_hv_facts *hv, size_t vi)
{
  size_t k;
  for(k = 0; k < hv->nvms; k++)
    if(k != vi && sd_streq(hv->vms[k].name, hv->vms[vi].name))
      return 0;
  return 1;
}

/* Start-failure events since `since` of the VM at index vi, whose id is
 * guid (normalised); the event ids into ids.  An event that carries no VM
 * id counts when it names the VM and no other VM has that name. */
static size_t vm_events(const hv_ctx *c, size_t vi, const char *guid,
                        sd_time since, sd_buf *ids)
{
  const sd_hv_facts *hv = &c->f->hyperv;
  size_t i, n = 0;
  int unique = -1; /* not looked at yet */
  for(i = 0; i < c->nev; i++) {
    const hv_event *h = &c->ev[i];
    if(h->guid[0]) {
      if(strcmp(h->guid, guid))
        continue;
    }
    else {
      if(!message_names(h->e->message, hv->vms[vi].name))
        continue;
      if(unique < 0)
        unique = name_unique(hv, vi);
      if(!unique)
        continue;
    }
    if(since != SD_TIME_NONE && h->e->time != SD_TIME_NONE &&
       h->e->time < since)
      continue;
    if(n < 8) {
      char when[32];
      sd_time_format(h->e->time, when);
      sd_buf_printf(ids, "%s%u%s%s", n ? ", " : "", (unsigned)h->e->id,
                    when[0] ? " at " : "", when);
    }
    n++;
  }
  return n;
}

/* ---- findings ---- */

/* Why a fact is missing, as a phrase. */
static const char *fstate_why(const sd_fstate *st, const char *what)
{
  if(st->why)
    return st->why;
  if(st->state == SD_ST_NOT_COLLECTED)
    return what;
  return sd_state_name(st->state);
}

static unsigned long long kib(uint64_t bytes)
{
  return (unsigned long long)((bytes + 512) / 1024);
}

/* "4,000 K": kilobytes with thousands separators, as Task Manager shows. */
static const char *kbs(uint64_t bytes, char out[32])
{
  char digits[24];
  unsigned long long v = kib(bytes);
  size_t n = 0, i, k = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while(v && n < sizeof(digits));
  for(i = n; i-- > 0;) {
    out[k++] = digits[i];
    if(i && i % 3 == 0)
      out[k++] = ',';
  }
  memcpy(out + k, " K", 3);
  return out;
}

static void put_opstatus(sd_buf *b, const sd_hv_vm *vm)
{
  size_t i;
  for(i = 0; i < vm->nop_status; i++)
    sd_buf_printf(b, "%s%u", i ? ", " : "", (unsigned)vm->op_status[i].code);
}

/* OperationalStatus is a list of codes (CIM uint16[]): the first, the
 * VM's main status, is the integer "operational_status"; when there are
 * more, "operational_status_codes" lists them all as text ("2, 32775").
 * Neither when no code was read (see "operational_status_unread"). */
static void ev_opstatus(sd_module_result *r, sd_finding *x,
                        const sd_hv_vm *vm, const sd_buf *ops)
{
  if(vm->nop_status == 0)
    return;
  sd_ev_int(r, x, "operational_status", vm->op_status[0].code);
  if(vm->nop_status > 1)
    sd_ev_str(r, x, "operational_status_codes", ops->data);
}

static void worker_evidence(hv_ctx *c, sd_finding *x, const hv_worker *w)
{
  sd_module_result *r = c->r;
  hv_worker *own = &c->w[w - c->w]; /* the check's own record of it */
  own->mark = sd_severity_worst(own->mark, x->severity);
  own->median_quoted |= w->has_median;
  sd_ev_int(r, x, "worker_pid", w->p->pid);
  if(w->guid_conflict)
    sd_ev_strf(r, x, "worker_id_conflict", "the account SID names %s but "
               "the command line another VM id; the SID was used", w->guid);
  sd_ev_int(r, x, "worker_working_set_bytes", (int64_t)w->ws);
  if(w->has_median) {
    sd_ev_int(r, x, "peer_median_bytes", (int64_t)w->median);
    sd_ev_strf(r, x, "working_set_ratio", "%.2f",
               w->median ? (double)w->ws / (double)w->median : 0.0);
  }
  sd_ev_int(r, x, "peer_workers", (int64_t)(c->nw ? c->nw - 1 : 0));
  sd_ev_strf(r, x, "thresholds", "below %.2f x the peer median and below "
             "%llu K", c->ratio, kib(c->floor));
  sd_ev_int(r, x, "samples", (int64_t)w->nsamples);
  if(w->nsamples >= 2) {
    sd_ev_int(r, x, "sample_span_ms", w->span_ms);
    sd_ev_int(r, x, "working_set_growth_bytes", w->growth);
    if(w->flat_known)
      sd_ev_int(r, x, "worker_cpu_ms", (int64_t)(w->cpu_100ns / 10000));
  }
  if(w->p->create_time != SD_TIME_NONE) {
    char when[32];
    sd_time_format(w->p->create_time, when);
    sd_ev_str(r, x, "worker_started", when);
  }
}

/* One sentence about the worker's size and activity. */
static void worker_sentence(const hv_ctx *c, const hv_worker *w, sd_buf *b)
{
  char a[32], m[32];
  sd_buf_printf(b, "its worker vmwp.exe (PID %u) holds %s",
                (unsigned)w->p->pid, kbs(w->ws, a));
  if(w->has_median)
    sd_buf_printf(b, " against a median of %s for the other %lu "
                  "workers", kbs(w->median, m), (unsigned long)(c->nw - 1));
  if(w->flat_known)
    sd_buf_printf(b, w->flat ? " and neither grew nor used CPU over %.1f s" :
                  " and was active over %.1f s (it grew or used CPU)",
                  (double)w->span_ms / 1000.0);
  else if(w->nsamples < 2)
    sd_buf_puts(b, " (one sample only: growth and CPU use not measured)");
}

/* Free space on the volume of a VM's virtual hard disk below which it is
 * "low": Hyper-V's own thresholds as its program manager described them
 * (Ben Armstrong, "Why is my virtual machine Paused-Critical? [Hyper-V]",
 * blogs.msdn.microsoft.com/virtual_pc_guy, 2009-04-22): under 2 GB Hyper-V
 * logs warnings, under 200 MB it pauses the VM.  srvdoctor calls a volume
 * low under the warning figure (read as 2 GiB, the larger reading): a VM on
 * such a volume is HV-VM-STORAGE, never HV-VM-STUCK, and never fixable,
 * because HealthState 25 and a VM that does not finish Saving or Starting
 * are documented symptoms of low space too (Msvm_ComputerSystem
 * HealthState).  docs/modules/hyperv-stuck-vm.md states the rationale. */
static const struct space_floor {
  const char *what;
  uint64_t bytes;
} space_floors[] = {
  {"Hyper-V logs low-space warnings", 2048ull * 1024u * 1024u},
  {"Hyper-V pauses the VM", 200ull * 1024u * 1024u},
};
#define LOW_SPACE_BYTES (space_floors[0].bytes)

/* Is a volume of the VM's virtual hard disks known to be low on space? */
static int space_low(const sd_hv_vm *vm)
{
  size_t i;
  for(i = 0; vm && vm->disks_st.state == SD_ST_READ && i < vm->ndisks; i++)
    if(vm->disks[i].space_st.state == SD_ST_READ &&
       vm->disks[i].free_bytes < LOW_SPACE_BYTES)
      return 1;
  return 0;
}

/* Was the free space of every volume of the VM's disks read, and none low
 * (so there is no need to ask the reader to look)? */
static int space_known_ok(const sd_hv_vm *vm)
{
  size_t i;
  if(!vm || vm->disks_st.state != SD_ST_READ || vm->ndisks == 0)
    return 0;
  for(i = 0; i < vm->ndisks; i++)
    if(vm->disks[i].space_st.state != SD_ST_READ ||
       vm->disks[i].free_bytes < LOW_SPACE_BYTES)
      return 0;
  return 1;
}

/* The code table says fix acts on this code only with --force (it rests
 * on one signal): the printed offer then carries --force. */
static int code_needs_force(const char *code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hv_codes); i++)
    if(sd_streq(hv_codes[i].code, code))
      return (hv_codes[i].fixable & SD_FIX_FORCE) != 0;
  return 0;
}

/* What srvdoctor fix does for a fixable hung VM: end exactly its worker
 * (vmwp.exe in the system folder, the image fix verifies on the live
 * handle), PID and VM ID as this check saw them.  pid 0 when no worker was
 * found: fix then refuses. */
static void worker_action(sd_module_result *r, sd_finding *x,
                          const char *guid, const hv_worker *w)
{
  sd_action *a = sd_finding_action(r, x, SD_ACT_END_WORKER);
  a->base = SD_BASE_SYSTEM;
  a->program = SD_HV_WORKER_IMAGE;
  a->pid = w ? w->p->pid : 0;
  a->image_path = w && w->p->path ? sd_arena_strdup(r->arena, w->p->path)
                                  : NULL;
  a->vm_guid = sd_arena_strdup(r->arena, guid);
  sd_fix_target(r, x, guid);
  x->fix_force = code_needs_force(x->code);
}

/* ---- is the VM a failover-cluster role? ---- */

typedef enum clustered {
  CL_NO = 0,          /* no Cluster service, or not one of its resources */
  CL_YES,             /* a cluster resource names the VM */
  CL_UNKNOWN,         /* the cluster database could not be read */
  CL_NOT_COLLECTED    /* a snapshot from before srvdoctor looked */
} clustered;

static clustered vm_clustered(const sd_hv_facts *hv, const char *guid,
                              const char **resource)
{
  size_t i;
  char g[37];
  *resource = NULL;
  switch(hv->cluster_st.state) {
  case SD_ST_ABSENT:
    return CL_NO;
  case SD_ST_UNREADABLE:
    return CL_UNKNOWN;
  case SD_ST_NOT_COLLECTED:
    return CL_NOT_COLLECTED;
  default:
    break;
  }
  for(i = 0; guid && i < hv->ncluster_vms; i++)
    if(sd_guid_parse(hv->cluster_vms[i].vm_guid, g) && !strcmp(g, guid)) {
      *resource = hv->cluster_vms[i].resource;
      return CL_YES;
    }
  return CL_NO;
}

static void cluster_evidence(sd_module_result *r, sd_finding *x,
                             const sd_hv_facts *hv, clustered cl,
                             const char *resource)
{
  switch(cl) {
  case CL_YES:
    sd_ev_strf(r, x, "clustered", "yes: the failover-cluster resource "
               "\"%s\" names this VM", sd_str_or(resource, "(no name)"));
    break;
  case CL_NO:
    sd_ev_str(r, x, "clustered", hv->cluster_st.state == SD_ST_ABSENT
              ? "no: the Cluster service (ClusSvc) does not exist here"
              : "no: no resource of this node's cluster names this VM");
    break;
  case CL_UNKNOWN:
    sd_ev_strf(r, x, "clustered", "not known: %s",
               sd_str_or(hv->cluster_st.why, "the cluster database could "
                         "not be read"));
    break;
  default:
    sd_ev_str(r, x, "clustered", "not known: not collected (a snapshot "
              "from an older srvdoctor)");
    break;
  }
}

/* ---- the steps of a hung VM ---- */

/* The gentler step before ending a worker: restarting the Hyper-V Virtual
 * Machine Management service.  Microsoft documents that VMs that are
 * running continue to run while that service is not running (Best
 * Practices Analyzer rule "The Hyper-V Virtual Machine Management service
 * should be configured to start automatically", MicrosoftDocs
 * windowsserverdocs virtualization/hyper-v/best-practices-analyzer; applies
 * to Windows Server 2016, 2019 and 2022).  Not found documented for 2008 to
 * 2012 R2, so the step is printed only from Windows 10 / Server 2016
 * (version 10) on; docs/modules/hyperv-stuck-vm.md says so. */
static const struct vmms_restart_fact {
  unsigned min_os_major;
  const char *service;
} vmms_restart = {10, "vmms"};

typedef struct rem {
  hv_ctx *c;
  sd_finding *x;
  const char *vm;         /* "the virtual machine "SQL01" (ID ...)" */
  const char *name;       /* display name or NULL */
  const char *guid;       /* normalised id or NULL */
  const hv_worker *w;
  const sd_hv_vm *wmi;    /* the VM as WMI reported it, or NULL */
  const char *state;      /* "Starting", or NULL when not known */
  unsigned version;
  clustered cl;
  const char *resource;
  int fixable;            /* the finding carries the worker action */
} rem;

/* The condition phrase "still shows the VM Starting". */
static const char *still(sd_module_result *r, const rem *m)
{
  if(m->state)
    return sd_arena_printf(r->arena, "still shows the VM %s", m->state);
  return "showed that the VM is not Running or that its console does not "
         "answer";
}

static const char *vm_phrase(sd_module_result *r, const char *name,
                             const char *guid)
{
  if(name)
    return sd_arena_printf(r->arena, "the virtual machine \"%s\" (ID %s)",
                           name, sd_str_or(guid, "unknown"));
  if(guid)
    return sd_arena_printf(r->arena, "the virtual machine with ID %s", guid);
  return "the virtual machine";
}

/* A look step for the free space of the volumes that hold the VM's
 * virtual hard disks: one fsutil command per known volume, else how to
 * find the volume.  Returns its number. */
static unsigned space_step(sd_module_result *r, sd_finding *x,
                           const sd_hv_vm *vm, const char *name,
                           const char *guid, unsigned version,
                           const char *why)
{
  size_t i, k, n = 0;
  for(i = 0; vm && vm->disks_st.state == SD_ST_READ && i < vm->ndisks; i++)
    n += vm->disks[i].volume != NULL;
  if(n) {
    sd_step_add(r, x, SD_STEP_LOOK, "Check the free space of the volume%s "
                "that hold%s the VM's virtual hard disks: run %s.%s",
                n > 1 ? "s" : "", n > 1 ? "" : "s",
                n > 1 ? "these commands" : "this command", why);
    for(i = 0; i < vm->ndisks; i++) {
      const char *v = vm->disks[i].volume;
      size_t m;
      int dup = 0;
      if(!v)
        continue;
      for(k = 0; k < i; k++)
        dup |= vm->disks[k].volume && sd_streq(vm->disks[k].volume, v);
      if(dup)
        continue;
      m = strlen(v);
      if(m && v[m - 1] == '\\')
        m--; /* "D:\" -> "D:" for fsutil */
      sd_step_cmd(r, x, "fsutil volume diskfree \"%.*s\"", (int)m, v);
    }
    sd_step_expect(r, x, "a line that starts with \"Total # of free bytes\" "
                   "(\"Total free bytes\" on newer Windows) showing %s bytes "
                   "or more on each volume; less is too little",
                   "2,147,483,648");
    return sd_step_number(x);
  }
  sd_step_add(r, x, SD_STEP_LOOK, "Find the volume that holds the VM's "
              "virtual hard disks: in Hyper-V Manager select \"%s\", "
              "choose Settings, and note the drive letter in the path of each "
              "hard drive%s; then open Computer (This PC) in Windows Explorer "
              "and read the free space of that drive.%s",
              sd_str_or(name, guid ? guid : "the VM"),
              version == 2 && guid ? " (or run this command)" : "",
              *why ? why : " Less than 2 GB free is too little.");
  if(version == 2 && guid)
    sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VMHardDiskDrive "
                "-VM (Get-VM -Id %s) | Format-List Path\"", guid);
  return sd_step_number(x);
}

/* Steps for a VM that is a failover-cluster role: the cluster manages it,
 * so nothing here ends a process or uses Hyper-V Manager. */
static void cluster_steps(sd_module_result *r, const rem *m)
{
  sd_finding *x = m->x;
  unsigned look, off;
  sd_fix_summary(r, x, "This VM is a role of a failover cluster: turn it off "
                 "and start it in Failover Cluster Manager; never end a "
                 "process on this host for it.");
  sd_step_add(r, x, SD_STEP_LOOK, "%s is a role of a failover cluster (its "
              "cluster resource is \"%s\"). Open Failover Cluster Manager, "
              "select Roles (on Windows Server 2008 and 2008 R2: Services and "
              "applications) and find the role of this VM. Read its status.",
              m->vm, sd_str_or(m->resource, "(no name)"));
  look = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_CHANGE, "Right-click the role and choose More "
              "Actions > Turn Off. Wait two minutes.");
  sd_step_when(r, x, "Only if step %u shows a status other than Running "
               "(Online on Windows Server 2008 and 2008 R2)", look);
  off = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_CHANGE, "Right-click the role and choose Start "
              "Role (on Windows Server 2008 and 2008 R2: Bring this service "
              "or application online).");
  sd_step_when(r, x, "Only after step %u shows the role as Off (Offline)",
               off);
  sd_step_add(r, x, SD_STEP_LOOK, "If the role does not come back, do not "
              "end vmwp.exe, vmms.exe or any other process on this host and "
              "do not use Hyper-V Manager for this VM: the cluster applies its "
              "own failure policy to the role (it may restart it or move it "
              "to another node). Call the cluster administrator.");
  sd_step_add(r, x, SD_STEP_LOOK, "Run this command to see whether srvdoctor "
              "still reports the VM:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
  sd_step_expect(r, x, "no HV-VM-STUCK or HV-VM-SUSPECT line that names "
                 "this VM");
}

/* Look: which state Hyper-V shows; returns the step number. */
static unsigned state_step(sd_module_result *r, const rem *m)
{
  sd_finding *x = m->x;
  if(m->state) {
    sd_step_add(r, x, SD_STEP_LOOK, "Open Hyper-V Manager, find %s and read "
                "its State column. If it no longer shows %s, stop here and "
                "run srvdoctor check --only hyperv-stuck-vm again.", m->vm,
                m->state);
    sd_step_expect(r, x, "the State column shows %s", m->state);
  }
  else {
    sd_step_add(r, x, SD_STEP_LOOK, "Open Hyper-V Manager, find %s (on "
                "Windows Server 2008 and 2008 R2 its files are named after "
                "this ID) and connect to it. If it is Running and its console "
                "answers, stop here: nothing more is needed.", m->vm);
  }
  if(m->guid && (m->version == 2 || !m->state)) {
    sd_step_alt(r, x, SD_STEP_LOOK, m->version == 2 ? "Run this command:"
                : "On Windows Server 2012 and later, run this command:");
    sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VM -Id %s | "
                "Format-List Name,State,Status\"", m->guid);
    if(m->state)
      sd_step_expect(r, x, "a line that starts with State and ends with %s",
                     m->state);
  }
  return sd_step_number(x);
}

/* Look: the PID is still vmwp.exe and serves this VM; returns the number
 * of the second of the two steps. */
static unsigned worker_steps(sd_module_result *r, const rem *m)
{
  sd_finding *x = m->x;
  unsigned pid = (unsigned)m->w->p->pid;
  sd_step_add(r, x, SD_STEP_LOOK, "Check that process %u is still a "
              "virtual machine's worker process: run this command. If it "
              "prints a line that starts with INFO: or names another "
              "program, the worker has ended: stop here and run srvdoctor "
              "again.", pid);
  sd_step_cmd(r, x, "tasklist /FI \"PID eq %u\" /V", pid);
  sd_step_expect(r, x, "a line that starts with vmwp.exe and holds %u", pid);
  sd_step_add(r, x, SD_STEP_LOOK, "Check that this worker serves this VM: "
              "run this command. If it shows another VM ID, or \"No "
              "Instance(s) Available.\", stop here and run srvdoctor again.");
  sd_step_cmd(r, x, "wmic process where \"ProcessId=%u\" get "
              "ProcessId,Name,CommandLine", pid);
  sd_step_expect(r, x, "a line that holds vmwp.exe, %u and %s (in upper or "
                 "lower case)", pid, m->guid);
  return sd_step_number(x);
}

/* Change: restart the management service, where Microsoft documents that
 * running VMs keep running; 0 when not printed. */
static unsigned vmms_step(sd_module_result *r, const rem *m, unsigned look)
{
  const sd_os *os = &m->c->f->os;
  sd_finding *x = m->x;
  if(os->st.state != SD_ST_READ || os->major < vmms_restart.min_os_major)
    return 0;
  sd_step_add(r, x, SD_STEP_CHANGE, "Restart the Hyper-V Virtual Machine "
              "Management service (%s): run these two commands, one after "
              "the other. Virtual machines that run keep running while it "
              "restarts; only managing them waits. Do not do this while "
              "another VM on this host is being moved, exported or backed "
              "up. If the first command says the service could not be "
              "stopped, do not end vmms.exe: go on with the next step.",
              vmms_restart.service);
  sd_step_when(r, x, "Only if step %u %s", look, still(r, m));
  sd_step_cmd(r, x, "net stop %s", vmms_restart.service);
  sd_step_cmd(r, x, "net start %s", vmms_restart.service);
  sd_step_expect(r, x, "after the second command, a line that ends with "
                 "\"service was started successfully.\"");
  sd_step_add(r, x, SD_STEP_LOOK, "Wait two minutes and look at the VM's "
              "State column in Hyper-V Manager again (press F5). If it now "
              "shows Running, or Off, stop here.");
  return sd_step_number(x);
}

/* What else a power cut loses in this state (what is known, no more):
 * Saving loses the state being saved; Starting may be the restore of a
 * saved state, so the guest may have run and that state may be lost. */
static const char *state_risk(const rem *m)
{
  if(m->state && sd_stristr(m->state, "Saving"))
    return " Because the VM is Saving, the state it was saving is lost too.";
  if(m->state && sd_stristr(m->state, "Starting"))
    return " A VM that is Starting may be restoring a saved state: that "
           "state may be lost too.";
  return "";
}

/* Change: Turn Off in Hyper-V Manager; returns its number. */
static unsigned turn_off_step(sd_module_result *r, const rem *m,
                              unsigned look)
{
  sd_finding *x = m->x;
  sd_step_add(r, x, SD_STEP_CHANGE, "In Hyper-V Manager select %s and choose "
              "Action > Turn Off, then wait two minutes. Turn Off is like "
              "pulling the power cord of this one VM: the guest loses what "
              "it had not written to disk.%s", m->vm, state_risk(m));
  sd_step_when(r, x, "Only if step %u %s", look, still(r, m));
  sd_step_expect(r, x, "the State column shows Off");
  if(m->version == 2 && m->guid) {
    sd_step_alt(r, x, SD_STEP_CHANGE, "Run this command:");
    sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VM -Id %s | "
                "Stop-VM -TurnOff\"", m->guid);
  }
  return sd_step_number(x);
}

/* The warning srvdoctor fix repeats, and the last-resort step's own. */
static const char *end_worker_warning(sd_module_result *r, const rem *m)
{
  return sd_arena_printf(r->arena, "This ends the VM's worker process: the "
                         "VM is turned off as if its power were cut; unsaved "
                         "work inside the guest is lost.%s", state_risk(m));
}

/* Last resort: end exactly that worker, rendered from the finding's action
 * so that what it prints is what fix ends. */
static void end_worker_step(sd_module_result *r, const rem *m,
                            unsigned off, unsigned proof, unsigned cl_look)
{
  sd_finding *x = m->x;
  unsigned pid = (unsigned)m->w->p->pid;
  const char *warning = end_worker_warning(r, m);
  sd_action tmp;
  const sd_action *a = &x->action;
  sd_buf cmd;
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "End exactly that worker process: "
              "run this command. %s Never end vmms.exe: it manages every "
              "virtual machine on this host.", warning);
  sd_step_when(r, x, "Only if step %u did not turn the VM off within two "
               "minutes (Hyper-V Manager still shows it %s) and steps %u and "
               "%u showed vmwp.exe with PID %u and the VM ID %s%s", off,
               sd_str_or(m->state, "not Off"), proof - 1, proof, pid,
               m->guid, cl_look ? sd_arena_printf(r->arena, ", and step %u "
               "showed that the VM is not a role of a failover cluster",
               cl_look) : "");
  if(a->kind != SD_ACT_END_WORKER) {
    memset(&tmp, 0, sizeof(tmp));
    tmp.kind = SD_ACT_END_WORKER;
    tmp.pid = m->w->p->pid;
    a = &tmp;
  }
  sd_buf_init(&cmd);
  sd_action_command(a, &cmd);
  sd_step_cmd(r, x, "%s", cmd.data);
  sd_buf_free(&cmd);
  sd_step_expect(r, x, "SUCCESS: The process with PID %u has been "
                 "terminated.", pid);
  if(m->fixable)
    sd_fix_steps(r, x, sd_step_number(x), sd_step_number(x), warning);
}

/* After the VM is off: start it, and look again. */
static void restart_steps(sd_module_result *r, const rem *m, unsigned off,
                          unsigned kill)
{
  sd_finding *x = m->x;
  sd_step_add(r, x, SD_STEP_CHANGE, "Within a minute Hyper-V Manager shows "
              "the VM as Off (Hyper-V may also start it again by itself). If "
              "it shows Off, select it and choose Action > Start.");
  if(kill)
    sd_step_when(r, x, "Only after step %u or step %u turned the VM off",
                 off, kill);
  else
    sd_step_when(r, x, "Only after step %u turned the VM off", off);
  sd_step_expect(r, x, "the State column shows Running");
  sd_step_add(r, x, SD_STEP_LOOK, "Run this command to confirm that "
              "srvdoctor no longer reports the VM:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
  sd_step_expect(r, x, "no HV-VM-STUCK or HV-VM-SUSPECT line that names "
                 "this VM");
}

/* Look first when srvdoctor could not tell whether the VM is clustered;
 * returns the step number. */
static unsigned cluster_look_step(sd_module_result *r, const rem *m)
{
  const sd_hv_facts *hv = &m->c->f->hyperv;
  sd_step_add(r, m->x, SD_STEP_LOOK, "srvdoctor could not tell whether this "
              "VM is a role of a failover cluster (%s). If this host has "
              "Failover Cluster Manager, open it and look for the VM under "
              "Roles (on Windows Server 2008 and 2008 R2: Services and "
              "applications). If the VM is listed there, do not go on with "
              "these steps and do not end any process: in Failover Cluster "
              "Manager right-click the role, choose More Actions > Turn Off, "
              "then Start Role.", m->cl == CL_UNKNOWN
              ? sd_str_or(hv->cluster_st.why, "the cluster database could not "
                          "be read")
              : "this snapshot does not say");
  return sd_step_number(m->x);
}

/* The common remediation of a hung VM: look first (state, worker, space),
 * then the gentler changes, then, as the last resort and only under its
 * condition, end exactly its worker. */
static void remediate(hv_ctx *c, rem *m)
{
  sd_module_result *r = c->r;
  sd_finding *x = m->x;
  unsigned look, off, proof = 0, cl_look = 0, later, kill = 0;
  m->c = c;
  m->vm = vm_phrase(r, m->name, m->guid);
  if(m->cl == CL_YES) {
    cluster_steps(r, m);
    return;
  }
  sd_fix_summary(r, x, "Confirm what srvdoctor saw, then turn the virtual "
                 "machine off in Hyper-V Manager; only if it stays %s, end "
                 "exactly its worker process%s.", sd_str_or(m->state, "hung"),
                 m->w && m->guid ? "" : " (once it has been identified)");
  if(m->cl != CL_NO)
    cl_look = cluster_look_step(r, m);
  look = state_step(r, m);
  if(m->w && m->guid)
    proof = worker_steps(r, m);
  if(!space_known_ok(m->wmi))
    space_step(r, x, m->wmi, m->name, m->guid, m->version,
               " If it has less than 2 GB free, stop here, make space and "
               "run srvdoctor again: a VM that cannot write its disks or its "
               "saved state looks hung, and ending its worker would not "
               "help.");
  later = vmms_step(r, m, look);
  off = turn_off_step(r, m, later ? later : look);
  if(m->w && m->guid) {
    end_worker_step(r, m, off, proof, cl_look);
    kill = sd_step_number(x);
  }
  else {
    sd_step_add(r, x, SD_STEP_LOOK, "If Turn Off has no effect, look in "
                "Event Viewer under Applications and Services Logs > "
                "Microsoft > Windows > Hyper-V-VMMS > Admin and "
                "Hyper-V-Worker > Admin for errors about this VM, then run "
                "srvdoctor again to find its worker process. Do not end any "
                "process without it.");
  }
  restart_steps(r, m, off, kill);
}

/* HealthState 25 with nothing else: look before touching anything. */
static void health_steps(hv_ctx *c, sd_finding *x, const sd_hv_vm *vm,
                         const char *guid, unsigned version)
{
  sd_module_result *r = c->r;
  sd_fix_summary(r, x, "Find out why Hyper-V reports a critical failure "
                 "before acting: it can be a worker that does not answer or "
                 "a disk low on space.");
  sd_step_add(r, x, SD_STEP_LOOK, "Open Hyper-V Manager, select the virtual "
              "machine \"%s\" (ID %s) and connect to it: if its console "
              "answers, the VM runs.", sd_str_or(vm->name, "(no name)"),
              sd_str_or(guid, "unknown"));
  space_step(r, x, vm, vm->name, guid, version, " Hyper-V reports the same "
             "HealthState 25 when that volume runs low, and then the answer "
             "is space, not ending a process.");
  sd_step_add(r, x, SD_STEP_LOOK, "Read the Hyper-V-VMMS > Admin and "
              "Hyper-V-Worker > Admin logs in Event Viewer (Applications and "
              "Services Logs > Microsoft > Windows) for errors about this "
              "VM.");
  sd_step_add(r, x, SD_STEP_LOOK, "In a few minutes, run this command "
              "again:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
}

typedef struct vm_verdict {
  const sd_hv_vm *vm;
  int has_guid;
  char guid[37];          /* its id normalised, when has_guid */
  const state_info *si;
  int worker;             /* index or -1 */
  const char *mapped_by;
  int dur_known;
  int64_t minutes;
  int longheld;
  int waiting;            /* OperationalStatus says Waiting to Start */
  const op_info *op;      /* an operation in progress, NULL none */
  int sig_health, sig_worker, sig_events;
  size_t nevents;
} vm_verdict;

/* The action (when fixable) and the steps of a STUCK or SUSPECT VM. */
static void vm_remediate(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                         const hv_worker *w, const char *guid,
                         int health_only)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *resource;
  clustered cl = vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  cluster_evidence(r, x, &c->f->hyperv, cl, resource);
  /* Not fixable when the VM is a cluster role (the cluster applies its own
   * failure policy) or when srvdoctor could not read whether it is one; a
   * snapshot without the fact stays fixable because fix reads it live and
   * refuses unless it is known. */
  if(guid && !health_only && opstatus_known(vm) && cl != CL_YES &&
     cl != CL_UNKNOWN)
    worker_action(r, x, guid, w);
  if(health_only) {
    health_steps(c, x, vm, guid, vm->ns_version ? vm->ns_version
                                                : c->version);
  }
  else {
    rem m;
    memset(&m, 0, sizeof(m));
    m.x = x;
    m.name = vm->name;
    m.guid = guid;
    m.w = w;
    m.wmi = vm;
    m.state = v->si ? v->si->name : NULL;
    m.version = vm->ns_version ? vm->ns_version : c->version;
    m.cl = cl;
    m.resource = resource;
    m.fixable = x->action.kind == SD_ACT_END_WORKER;
    remediate(c, &m);
  }
}

/* The signals of a STUCK or SUSPECT VM as message clauses, and their names
 * in *sig. */
static void vm_signals_text(hv_ctx *c, const vm_verdict *v,
                            const hv_worker *w, const sd_buf *ids,
                            sd_buf *msg, sd_buf *sig)
{
  if(v->longheld)
    sd_buf_puts(sig, "state-duration");
  if(v->sig_health) {
    sd_buf_puts(msg, "; Hyper-V reports HealthState 25 (critical failure: "
                "its worker process does not answer, or a disk that holds "
                "its virtual hard disks is low on space)");
    sd_buf_printf(sig, "%shealth", sig->len ? "," : "");
  }
  if(w) {
    sd_buf_puts(msg, "; ");
    worker_sentence(c, w, msg);
    if(v->sig_worker)
      sd_buf_printf(sig, "%sworker-small-flat", sig->len ? "," : "");
  }
  else if(v->si && v->si->has_worker) {
    sd_buf_puts(msg, "; no vmwp.exe worker process was found for it");
  }
  if(v->sig_events) {
    sd_buf_printf(msg, "; the event log holds %lu start-failure event(s) "
                  "for it since the state change (%s)",
                  (unsigned long)v->nevents,
                  ids->data ? ids->data : "");
    sd_buf_printf(sig, "%sevents", sig->len ? "," : "");
  }
}

/* The clauses that say why a STUCK or SUSPECT VM may not be ended, and the
 * message's last sentence. */
static void vm_limits_text(hv_ctx *c, const sd_hv_vm *vm, clustered cl,
                           const char *resource, int stuck, sd_buf *msg)
{
  if(!opstatus_known(vm))
    sd_buf_printf(msg, "; its OperationalStatus could not be read (%s), "
                  "so a storage problem or an operation in progress cannot "
                  "be ruled out", fstate_why(&vm->op_status_st,
                                             "not collected"));
  if(cl == CL_YES)
    sd_buf_printf(msg, "; it is a role of a failover cluster (resource "
                  "\"%s\"), so it is handled in Failover Cluster Manager and "
                  "srvdoctor does not end its worker",
                  sd_str_or(resource, "(no name)"));
  else if(cl == CL_UNKNOWN)
    sd_buf_printf(msg, "; whether it is a role of a failover cluster could "
                  "not be read (%s), so srvdoctor does not offer to end its "
                  "worker", sd_str_or(c->f->hyperv.cluster_st.why,
                                      "unreadable"));
  sd_buf_puts(msg, stuck ? ". These signals agree: the VM is hung." :
              ". Only one signal points to a hang, so this is a suspicion.");
}

/* The evidence of a STUCK or SUSPECT VM. */
static void vm_evidence(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                        const hv_worker *w, const char *guid,
                        const sd_buf *ids, const sd_buf *sig)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  sd_buf ops;
  sd_ev_str(r, x, "vm_name", sd_str_or(vm->name, ""));
  sd_ev_str(r, x, "vm_guid", sd_str_or(guid, ""));
  sd_ev_str(r, x, "state", v->si ? v->si->name : "unknown");
  sd_ev_int(r, x, "state_code", vm->enabled_state);
  if(v->dur_known)
    sd_ev_int(r, x, "minutes_in_state", v->minutes);
  if(vm->state_changed != SD_TIME_NONE) {
    char when[32];
    sd_time_format(vm->state_changed, when);
    sd_ev_str(r, x, "state_since", when);
  }
  sd_ev_int(r, x, "stuck_after_minutes", c->stuck_after);
  sd_ev_int(r, x, "health_state", vm->health_state);
  sd_buf_init(&ops);
  put_opstatus(&ops, vm);
  ev_opstatus(r, x, vm, &ops);
  sd_buf_free(&ops);
  sd_ev_int(r, x, "requested_state", vm->requested_state);
  if(w) {
    worker_evidence(c, x, w);
    sd_ev_str(r, x, "worker_mapped_by", v->mapped_by);
  }
  else {
    sd_ev_str(r, x, "worker", "none found");
  }
  if(v->sig_events)
    sd_ev_str(r, x, "events", ids->data ? ids->data : "");
  else if(c->events_known)
    sd_ev_str(r, x, "events", "none since the state change");
  else
    sd_ev_strf(r, x, "events", "not checked: %s", c->events_why);
  sd_ev_str(r, x, "signals", sig->data ? sig->data : "");
  sd_ev_str(r, x, "wmi_namespace",
            sd_str_or(c->f->hyperv.wmi_namespace, ""));
  if(!opstatus_known(vm))
    sd_ev_strf(r, x, "operational_status_unread", "%s",
               fstate_why(&vm->op_status_st, "not collected"));
}

/* HV-VM-STUCK (stuck) or HV-VM-SUSPECT: message, evidence, action and
 * steps. */
static void vm_finding(hv_ctx *c, vm_verdict *v, int stuck, sd_buf *ids)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const hv_worker *w = v->worker >= 0 ? &c->w[v->worker] : NULL;
  const char *state = v->si ? v->si->name : "in an unknown state";
  const char *guid = v->has_guid ? v->guid : vm->guid;
  sd_finding *x;
  sd_buf msg, sig;
  int health_only;
  const char *resource;
  clustered cl = vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  sd_buf_init(&msg);
  sd_buf_init(&sig);
  if(stuck)
    x = hv_add(r, "HV-VM-STUCK");
  else
    x = hv_add(r, "HV-VM-SUSPECT");
  sd_buf_printf(&msg, "Virtual machine \"%s\" (%s) ",
                sd_str_or(vm->name, "(no name)"), sd_str_or(guid, "no ID"));
  if(v->si && v->si->transitional && v->dur_known)
    sd_buf_printf(&msg, "has been %s for %lld minutes", state,
                  (long long)v->minutes);
  else if(v->si && v->si->transitional)
    sd_buf_printf(&msg, "is %s (since when is not known)", state);
  else
    sd_buf_printf(&msg, "is %s", state);
  vm_signals_text(c, v, w, ids, &msg, &sig);
  vm_limits_text(c, vm, cl, resource, stuck, &msg);
  /* HealthState 25 alone never justifies ending a worker: Microsoft
   * documents it for low disk space too.  Nor does a verdict that could not
   * look at OperationalStatus. */
  health_only = v->sig_health && !v->longheld && !v->sig_worker &&
                !v->sig_events;
  sd_finding_msg(r, x, "%s", msg.data);
  vm_evidence(c, x, v, w, guid, ids, &sig);
  vm_remediate(c, x, v, w, guid, health_only);
  sd_buf_free(&msg);
  sd_buf_free(&sig);
}

/* What keeps a VM from running that is its storage's doing, not a hung
 * worker. */
typedef enum storage_kind {
  STORAGE_NONE = 0,
  STORAGE_CRITICAL_STATE,     /* a v2 "-Critical" EnabledState */
  STORAGE_CONFIG_UNREACHABLE, /* OperationalStatus[0] 3 Degraded */
  STORAGE_LOW_SPACE_PAUSED,   /* paused with HealthState 25 (or 20) */
  STORAGE_LOW_SPACE_SOON,     /* OperationalStatus[0] 5 Predictive Failure */
  STORAGE_LOW_SPACE_VOLUME    /* a volume of its disks has less than
                                 LOW_SPACE_BYTES free (read by srvdoctor) */
} storage_kind;

static storage_kind storage_problem(const vm_verdict *v)
{
  const sd_hv_vm *vm = v->vm;
  uint32_t op0 = opstatus_at(vm, 0);
  if(v->si && v->si->critical)
    return STORAGE_CRITICAL_STATE;
  if(op0 == OPSTATUS_DEGRADED)
    return STORAGE_CONFIG_UNREACHABLE;
  if(is_paused(v->si) && (vm->health_state == HEALTH_CRITICAL_FAILURE ||
                          vm->health_state == HEALTH_MAJOR_FAILURE ||
                          op0 == OPSTATUS_PREDICTIVE_FAILURE))
    return STORAGE_LOW_SPACE_PAUSED;
  if(op0 == OPSTATUS_PREDICTIVE_FAILURE)
    return STORAGE_LOW_SPACE_SOON;
  if(space_low(vm))
    return STORAGE_LOW_SPACE_VOLUME;
  return STORAGE_NONE;
}

/* "12.5 GB" */
static const char *gbs(sd_arena *a, uint64_t bytes)
{
  if(bytes < 1024u * 1024u * 1024u)
    return sd_arena_printf(a, "%.0f MB", (double)bytes / 1048576.0);
  return sd_arena_printf(a, "%.1f GB", (double)bytes / 1073741824.0);
}

/* The VM's disks as one sentence part, and the volumes to look at. */
static void disks_text(sd_module_result *r, const sd_hv_vm *vm, sd_buf *ev,
                       sd_buf *vols, sd_buf *where)
{
  size_t i;
  if(vm->disks_st.state != SD_ST_READ || vm->ndisks == 0) {
    const char *why = vm->disks_st.state == SD_ST_ABSENT
      ? "Hyper-V lists no virtual hard disk for it"
      : vm->disks_st.state == SD_ST_NOT_COLLECTED
      ? "its virtual hard disks were not collected"
      : sd_str_or(vm->disks_st.why, "its virtual hard disks could not be "
                  "read");
    sd_buf_printf(ev, "not known: %s", why);
    return;
  }
  for(i = 0; i < vm->ndisks; i++) {
    const sd_hv_disk *d = &vm->disks[i];
    const char *vol = d->volume ? d->volume : "an unknown volume";
    if(i)
      sd_buf_puts(ev, "; ");
    sd_buf_printf(ev, "%s on %s: ", sd_str_or(d->path, "?"), vol);
    if(d->space_st.state == SD_ST_READ) {
      const char *fr = gbs(r->arena, d->free_bytes);
      const char *tot = gbs(r->arena, d->total_bytes);
      sd_buf_printf(ev, "%s free of %s", fr, tot);
      if(!where->len || !strstr(where->data, vol))
        sd_buf_printf(where, "%s%s (%s free of %s)", where->len ? ", " : "",
                      vol, fr, tot);
    }
    else {
      sd_buf_printf(ev, "free space not read (%s)",
                    sd_str_or(d->space_st.why,
                              sd_state_name(d->space_st.state)));
      if(d->volume && (!where->len || !strstr(where->data, vol)))
        sd_buf_printf(where, "%s%s (free space not read)",
                      where->len ? ", " : "", vol);
    }
    if(d->volume && (!vols->len || !strstr(vols->data, d->volume)))
      sd_buf_printf(vols, "%s%s", vols->len ? "|" : "", d->volume);
  }
}

/* The steps of a low-space HV-VM-STORAGE: look, make space, resume. */
static void low_space_steps(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                            storage_kind k, const char *guid,
                            unsigned version)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *name = sd_str_or(vm->name, "(no name)");
  unsigned look;
  sd_fix_summary(r, x, "Free space on the volume that holds the VM's "
                 "virtual hard disks, then %s; never end its worker "
                 "process.", k == STORAGE_LOW_SPACE_PAUSED
                 ? "resume the VM" : "check again");
  look = space_step(r, x, vm, vm->name, guid, version, "");
  sd_step_add(r, x, SD_STEP_CHANGE, "Make at least 2 GB free on that volume: "
              "move or delete files that do not belong to any VM, delete or "
              "merge old checkpoints (snapshots) of VMs on it in Hyper-V "
              "Manager, or move the VM's storage to a volume with room. "
              "Dynamically expanding disks need room to grow.");
  sd_step_when(r, x, "Only if step %u showed less than 2 GB free", look);
  if(k == STORAGE_LOW_SPACE_PAUSED) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Resume the VM: in Hyper-V Manager "
                "select \"%s\" and choose Action > Resume. It continues "
                "where it stopped.", name);
    sd_step_when(r, x, "Only when step %u, run again, shows 2 GB or more "
                 "free", look);
    sd_step_expect(r, x, "the State column shows Running");
    if(version == 2 && guid) {
      sd_step_alt(r, x, SD_STEP_CHANGE, "Run this command:");
      sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VM -Id %s | "
                  "Resume-VM\"", guid);
    }
  }
  else if(k == STORAGE_LOW_SPACE_VOLUME && v->si && v->si->transitional) {
    sd_step_add(r, x, SD_STEP_LOOK, "Watch the VM in Hyper-V Manager: a "
                "%s that waited for space may finish now that there is "
                "room.", sd_stristr(v->si->name, "Sav") ? "save" :
                sd_stristr(v->si->name, "Start") ? "start" : "change");
  }
  sd_step_add(r, x, SD_STEP_LOOK, "Do not end its vmwp.exe worker process or "
              "vmms.exe: that makes no space and loses what the guest (or "
              "its saved state) had not written to disk.");
  sd_step_add(r, x, SD_STEP_LOOK, "Run this command to confirm that "
              "srvdoctor no longer reports the VM:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
}

/* The steps of an HV-VM-STORAGE whose storage failed or cannot be
 * reached. */
static void unreachable_steps(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                              storage_kind k, const char *guid,
                              unsigned version)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *name = sd_str_or(vm->name, "(no name)");
  unsigned where, check;
  sd_fix_summary(r, x, "Make the VM's %s reachable again, then start or "
                 "resume the VM; never end its worker process.",
                 k == STORAGE_CONFIG_UNREACHABLE ? "configuration storage"
                                                 : "storage");
  sd_step_add(r, x, SD_STEP_LOOK, "Find where the VM's files are: in Hyper-V "
              "Manager select \"%s\", choose Settings, and note the path of "
              "each hard drive and the configuration folder%s.", name,
              version == 2 && guid ? " (or run this command)" : "");
  if(version == 2 && guid)
    sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VM -Id %s | "
                "Format-List Name,State,Status,Path,ConfigurationLocation; "
                "Get-VMHardDiskDrive -VM (Get-VM -Id %s) | Format-List "
                "Path\"", guid, guid);
  where = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "Check each volume of step %u: it must be "
              "online and reachable (a Cluster Shared Volume online in "
              "Failover Cluster Manager, the SAN, iSCSI or SMB share "
              "connected) and have free space.", where);
  check = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "Read the errors about this VM in Event "
              "Viewer under Applications and Services Logs > Microsoft > "
              "Windows > Hyper-V-VMMS > Admin and Hyper-V-Worker > Admin: "
              "they name the file that could not be reached.");
  if(k == STORAGE_CONFIG_UNREACHABLE)
    sd_step_add(r, x, SD_STEP_LOOK, "Do not delete the VM: its configuration "
                "comes back with the storage.");
  sd_step_add(r, x, SD_STEP_CHANGE, "Once the storage is back: if the VM is "
              "paused, select it in Hyper-V Manager and choose Action > "
              "Resume; if it is off or saved, choose Action > Start. For a "
              "clustered VM do this in Failover Cluster Manager.");
  sd_step_when(r, x, "Only when step %u, done again, shows every volume "
               "online and reachable", check);
  sd_step_add(r, x, SD_STEP_LOOK, "Do not end its vmwp.exe worker process or "
              "vmms.exe: that does not bring the storage back and loses what "
              "the guest had not written to disk.");
}

/* Is a storage problem only a warning (low space that has not yet stopped
 * the VM or touched its health)? */
static int storage_calm(const vm_verdict *v, storage_kind k)
{
  return k == STORAGE_LOW_SPACE_SOON ||
         (k == STORAGE_LOW_SPACE_VOLUME &&
          !(v->si && v->si->transitional) &&
          v->vm->health_state != HEALTH_CRITICAL_FAILURE);
}

/* The message of an HV-VM-STORAGE, by kind; where names the volumes. */
static void storage_message(sd_module_result *r, sd_finding *x,
                            const vm_verdict *v, storage_kind k,
                            const char *guid, const sd_buf *where)
{
  const sd_hv_vm *vm = v->vm;
  const char *name = sd_str_or(vm->name, "(no name)");
  const char *state = v->si ? v->si->name : "in an unknown state";
  switch(k) {
  case STORAGE_LOW_SPACE_PAUSED:
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s with "
                   "HealthState %u%s: Hyper-V pauses a VM when the disks "
                   "that hold its virtual hard disks run critically low on "
                   "space. %s%s%sThis is not a hung worker process: free "
                   "space, then resume the VM; it continues where it "
                   "stopped.", name, sd_str_or(guid, "no ID"), state,
                   (unsigned)vm->health_state,
                   opstatus_at(vm, 0) == OPSTATUS_PREDICTIVE_FAILURE
                   ? sd_arena_printf(r->arena, " and OperationalStatus %u "
                                     "(Predictive Failure)",
                                     OPSTATUS_PREDICTIVE_FAILURE) : "",
                   where->len ? "Its virtual hard disks are on " : "",
                   where->len ? where->data : "", where->len ? ". " : "");
    break;
  case STORAGE_LOW_SPACE_SOON:
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s and Hyper-V "
                   "reports OperationalStatus %u (Predictive Failure): the "
                   "storage that holds its virtual hard disks is low on free "
                   "space, and Hyper-V will pause the VM if no space is "
                   "made. %s%s%s", name, sd_str_or(guid, "no ID"), state,
                   OPSTATUS_PREDICTIVE_FAILURE,
                   where->len ? "Its virtual hard disks are on " : "",
                   where->len ? where->data : "", where->len ? "." : "");
    break;
  case STORAGE_LOW_SPACE_VOLUME:
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s%s, and a volume "
                   "that holds its virtual hard disks has less than 2 GB "
                   "free: %s. Hyper-V warns below 2 GB and pauses a VM below "
                   "200 MB, and a full volume can also give HealthState 25 "
                   "or a save or start that does not finish. This is a "
                   "storage problem, not a hung worker process: ending the "
                   "worker would make no space and lose the VM's state.",
                   name, sd_str_or(guid, "no ID"), state,
                   vm->health_state == HEALTH_CRITICAL_FAILURE
                   ? " with HealthState 25" : "",
                   where->len ? where->data : "?");
    break;
  case STORAGE_CONFIG_UNREACHABLE:
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s and Hyper-V "
                   "reports OperationalStatus %u (Degraded): the storage "
                   "that holds the VM's configuration cannot be reached. "
                   "Until it is back, Hyper-V can only turn the VM off or "
                   "delete it. This is not a hung worker process.", name,
                   sd_str_or(guid, "no ID"), state, OPSTATUS_DEGRADED);
    break;
  default:
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s: Hyper-V "
                   "reports a critical state, which means the storage that "
                   "holds the VM's files or its configuration has failed or "
                   "cannot be reached. This is not a hung worker process; "
                   "ending its worker would not help and would cut the "
                   "guest off like a power cut.", name,
                   sd_str_or(guid, "no ID"), state);
    break;
  }
}

/* The evidence of an HV-VM-STORAGE. */
static void storage_evidence(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                             storage_kind k, const char *guid,
                             const sd_buf *ops, const sd_buf *dev)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  sd_ev_str(r, x, "vm_name", sd_str_or(vm->name, ""));
  sd_ev_str(r, x, "vm_guid", sd_str_or(guid, ""));
  sd_ev_str(r, x, "state", v->si ? v->si->name : "unknown");
  sd_ev_int(r, x, "state_code", vm->enabled_state);
  sd_ev_int(r, x, "health_state", vm->health_state);
  ev_opstatus(r, x, vm, ops);
  sd_ev_str(r, x, "storage_problem",
            k == STORAGE_LOW_SPACE_PAUSED ? "paused: low disk space" :
            k == STORAGE_LOW_SPACE_SOON ? "low disk space: will be paused" :
            k == STORAGE_LOW_SPACE_VOLUME ? "low disk space on its volume" :
            k == STORAGE_CONFIG_UNREACHABLE ? "configuration storage not "
            "reachable" : "critical state");
  sd_ev_str(r, x, "disks", dev->data ? dev->data : "");
  if(v->worker >= 0)
    sd_ev_int(r, x, "worker_pid", c->w[v->worker].p->pid);
  sd_ev_str(r, x, "wmi_namespace",
            sd_str_or(c->f->hyperv.wmi_namespace, ""));
}

/* HV-VM-STORAGE: never fixable, and its steps never end a process. */
static void storage_finding(hv_ctx *c, const vm_verdict *v, storage_kind k)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *guid = v->has_guid ? v->guid : vm->guid;
  unsigned version = vm->ns_version ? vm->ns_version : c->version;
  int low_space = k == STORAGE_LOW_SPACE_PAUSED ||
                  k == STORAGE_LOW_SPACE_SOON || k == STORAGE_LOW_SPACE_VOLUME;
  sd_finding *x = hv_add(r, "HV-VM-STORAGE");
  sd_buf ops, dev, vols, where;
  if(storage_calm(v, k)) /* nothing stopped yet */
    x->severity = SD_SEV_WARNING;
  sd_buf_init(&ops);
  sd_buf_init(&dev);
  sd_buf_init(&vols);
  sd_buf_init(&where);
  put_opstatus(&ops, vm);
  disks_text(r, vm, &dev, &vols, &where);
  storage_message(r, x, v, k, guid, &where);
  storage_evidence(c, x, v, k, guid, &ops, &dev);
  if(low_space)
    low_space_steps(c, x, v, k, guid, version);
  else
    unreachable_steps(c, x, v, k, guid, version);
  sd_buf_free(&ops);
  sd_buf_free(&dev);
  sd_buf_free(&vols);
  sd_buf_free(&where);
}

/* HV-VM-BUSY: the VM does something that takes time; no verdict on a hang
 * while it does. */
static void busy_finding(hv_ctx *c, const vm_verdict *v)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *guid = v->has_guid ? v->guid : vm->guid;
  const char *name = sd_str_or(vm->name, "(no name)");
  sd_finding *x = hv_add(r, "HV-VM-BUSY");
  sd_buf ops;
  sd_buf_init(&ops);
  put_opstatus(&ops, vm);
  if(v->dur_known)
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s (%s) and has "
                   "been %s for %lld minutes. A VM doing this is busy, not "
                   "hung, so srvdoctor holds back its verdict until the "
                   "operation ends.%s", name, sd_str_or(guid, "no ID"),
                   v->op->doing, v->op->name,
                   v->si ? v->si->name : "in an unknown state",
                   (long long)v->minutes,
                   vm->health_state == HEALTH_CRITICAL_FAILURE
                   ? " Hyper-V also reports HealthState 25: if the operation "
                     "shows no progress, see the steps." : "");
  else
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s (%s); it is %s. "
                   "A VM doing this is busy, not hung, so srvdoctor holds "
                   "back its verdict until the operation ends.%s", name,
                   sd_str_or(guid, "no ID"), v->op->doing, v->op->name,
                   v->si ? v->si->name : "in an unknown state",
                   vm->health_state == HEALTH_CRITICAL_FAILURE
                   ? " Hyper-V also reports HealthState 25: if the operation "
                     "shows no progress, see the steps." : "");
  sd_ev_str(r, x, "vm_name", sd_str_or(vm->name, ""));
  sd_ev_str(r, x, "vm_guid", sd_str_or(guid, ""));
  sd_ev_str(r, x, "operation", v->op->name);
  sd_ev_int(r, x, "operation_code", v->op->code);
  sd_ev_str(r, x, "state", v->si ? v->si->name : "unknown");
  sd_ev_int(r, x, "state_code", vm->enabled_state);
  if(v->dur_known)
    sd_ev_int(r, x, "minutes_in_state", v->minutes);
  sd_ev_int(r, x, "health_state", vm->health_state);
  ev_opstatus(r, x, vm, &ops);
  if(v->worker >= 0)
    sd_ev_int(r, x, "worker_pid", c->w[v->worker].p->pid);
  sd_fix_summary(r, x, "Let the operation finish, then run srvdoctor "
                 "again; do not end the VM's worker process meanwhile.");
  sd_step_add(r, x, SD_STEP_LOOK, "Watch the operation in Hyper-V Manager: "
              "select \"%s\" and read the Status column (it shows the "
              "operation and its progress in per cent). Merging large disks "
              "or exporting can take hours.", name);
  sd_step_add(r, x, SD_STEP_LOOK, "If the progress does not move for a long "
              "time, read Event Viewer > Applications and Services Logs > "
              "Microsoft > Windows > Hyper-V-VMMS > Admin for errors about "
              "this VM.");
  space_step(r, x, vm, vm->name, guid, vm->ns_version ? vm->ns_version
                                                     : c->version,
             " An operation that waits for space does not move.");
  sd_step_add(r, x, SD_STEP_LOOK, "Do not turn the VM off or end its "
              "vmwp.exe worker while the operation runs: a merge, export or "
              "migration cut halfway leaves its files to be repaired by "
              "hand.");
  sd_step_add(r, x, SD_STEP_LOOK, "When the operation has ended, run this "
              "command again:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
  sd_buf_free(&ops);
}

static void worker_missing(hv_ctx *c, const vm_verdict *v)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  int sure = !c->guids_unknown && c->f->processes.inaccessible == 0;
  unsigned look;
  const char *resource;
  clustered cl = vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  sd_finding *x = hv_add(r, "HV-WORKER-MISSING");
  if(!sure) /* the processes could not all be read */
    x->severity = SD_SEV_UNKNOWN;
  if(sure)
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s, but no "
                   "vmwp.exe worker process serves it: Hyper-V cannot be "
                   "running it.", sd_str_or(vm->name, "(no name)"),
                   sd_str_or(vm->guid, "no ID"), v->si->name);
  else
    sd_finding_msg(r, x, "Virtual machine \"%s\" (%s) is %s, but its "
                   "vmwp.exe worker process could not be identified: some "
                   "workers' command line and account could not be read.",
                   sd_str_or(vm->name, "(no name)"),
                   sd_str_or(vm->guid, "no ID"), v->si->name);
  sd_ev_str(r, x, "vm_name", sd_str_or(vm->name, ""));
  sd_ev_str(r, x, "vm_guid", sd_str_or(vm->guid, ""));
  sd_ev_str(r, x, "state", v->si->name);
  sd_ev_int(r, x, "state_code", vm->enabled_state);
  sd_ev_int(r, x, "wmi_worker_pid", vm->worker_pid);
  sd_ev_int(r, x, "workers", (int64_t)c->nw);
  sd_ev_int(r, x, "inaccessible_processes", c->f->processes.inaccessible);
  sd_fix_summary(r, x, "Check the VM in Hyper-V Manager; if it does not "
                 "respond, turn it off and start it again.");
  cluster_evidence(r, x, &c->f->hyperv, cl, resource);
  if(!sure)
    sd_step_add(r, x, SD_STEP_LOOK, "Run srvdoctor again from an elevated "
                "prompt (Run as administrator) so that it can read every "
                "worker process.");
  sd_step_add(r, x, SD_STEP_LOOK, "Open Hyper-V Manager and select the "
              "virtual machine \"%s\" (ID %s). Connect to it: if its console "
              "answers, the VM runs and nothing more is needed.",
              sd_str_or(vm->name, "(no name)"), sd_str_or(vm->guid, "?"));
  look = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "See which worker processes run: run this "
              "command.");
  sd_step_cmd(r, x, "tasklist /V /FI \"IMAGENAME eq vmwp.exe\"");
  if(cl == CL_YES)
    sd_step_add(r, x, SD_STEP_CHANGE, "This VM is a role of a failover "
                "cluster: in Failover Cluster Manager right-click its role, "
                "choose More Actions > Turn Off, wait two minutes, then "
                "choose Start Role. Do not use Hyper-V Manager for it.");
  else
    sd_step_add(r, x, SD_STEP_CHANGE, "Choose Action > Turn Off in Hyper-V "
                "Manager, wait two minutes, then Action > Start.%s",
                cl == CL_NO ? "" : " If the VM is listed as a role in "
                "Failover Cluster Manager, do this there instead (More "
                "Actions > Turn Off, then Start Role).");
  sd_step_when(r, x, "Only if the console in step %u does not answer", look);
  sd_step_add(r, x, SD_STEP_LOOK, "If Turn Off has no effect, look in Event "
              "Viewer under Applications and Services Logs > Microsoft > "
              "Windows > Hyper-V-VMMS > Admin for errors about this VM. Do "
              "not end vmms.exe: it manages every VM on this host.");
}

static void orphan(hv_ctx *c, const hv_worker *w)
{
  sd_module_result *r = c->r;
  int modern = c->f->os.st.state == SD_ST_READ && c->f->os.major >= 10;
  sd_finding *x = hv_add(r, "HV-WORKER-ORPHAN");
  sd_buf b;
  if(modern) /* containers, WSL 2 and Sandbox run such workers too */
    x->severity = SD_SEV_INFO;
  sd_buf_init(&b);
  worker_sentence(c, w, &b);
  sd_finding_msg(r, x, "A vmwp.exe worker process (PID %u%s%s) serves no "
                 "virtual machine that Hyper-V lists; %s.%s",
                 (unsigned)w->p->pid, w->guid[0] ? ", VM ID " : "",
                 w->guid, b.data,
                 modern ? " On this Windows version Hyper-V containers, "
                 "WSL 2 and Windows Sandbox also run such workers." : "");
  sd_ev_str(r, x, "vm_guid", w->guid);
  if(w->guid_from)
    sd_ev_str(r, x, "guid_from", w->guid_from);
  worker_evidence(c, x, w);
  if(w->p->cmdline)
    sd_ev_str(r, x, "command_line", w->p->cmdline);
  sd_fix_summary(r, x, "Find out what this worker belongs to before doing "
                 "anything with it.");
  sd_step_add(r, x, SD_STEP_LOOK, "Note the VM ID in the worker's command "
              "line: run this command.");
  sd_step_cmd(r, x, "wmic process where \"ProcessId=%u\" get "
              "ProcessId,Name,CommandLine", (unsigned)w->p->pid);
  sd_step_add(r, x, SD_STEP_LOOK, "In Hyper-V Manager look for a virtual "
              "machine with that ID%s. If one exists, run srvdoctor again: "
              "the VM list changed while it was looking.", w->guid[0]
              ? " (or, on Windows Server 2012 and later, run this command)"
              : "");
  if(w->guid[0])
    sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-VM -Id %s\"",
                w->guid);
  sd_step_add(r, x, SD_STEP_LOOK, "If no VM has that ID and the process "
              "stays for more than 10 minutes, it may be left over from a VM "
              "that was deleted or moved%s. Do not end it yourself: give its "
              "PID (%u) to the Hyper-V administrator. Never end vmms.exe.",
              modern ? ", or belong to a container, WSL 2 or Windows Sandbox"
              : "", (unsigned)w->p->pid);
  sd_buf_free(&b);
}

/* Worker-only verdict (no WMI): the field story's method. */
static void worker_suspect(hv_ctx *c, const hv_worker *w, int64_t age_min)
{
  sd_module_result *r = c->r;
  sd_finding *x = hv_add(r, "HV-VM-SUSPECT");
  sd_buf b;
  sd_buf_init(&b);
  worker_sentence(c, w, &b);
  sd_finding_msg(r, x, "The virtual machine %s%s may be hung: %s. Hyper-V's "
                 "own view of the VM could not be read, so this rests on the "
                 "worker process alone.", w->guid[0] ? "with ID " :
                 "served by this worker", w->guid, b.data);
  sd_ev_str(r, x, "vm_guid", w->guid);
  sd_ev_str(r, x, "state", "unknown (Hyper-V WMI not readable)");
  if(w->guid_from)
    sd_ev_str(r, x, "worker_mapped_by", w->guid_from);
  if(age_min >= 0)
    sd_ev_int(r, x, "worker_age_minutes", age_min);
  worker_evidence(c, x, w);
  sd_ev_str(r, x, "signals", "worker-small-flat");
  {
    const char *resource;
    rem m;
    clustered cl = vm_clustered(&c->f->hyperv, w->guid[0] ? w->guid : NULL,
                                &resource);
    cluster_evidence(r, x, &c->f->hyperv, cl, resource);
    if(w->guid[0] && cl != CL_YES && cl != CL_UNKNOWN)
      worker_action(r, x, w->guid, w);
    memset(&m, 0, sizeof(m));
    m.x = x;
    m.guid = w->guid[0] ? w->guid : NULL;
    m.w = w;
    m.cl = cl;
    m.resource = resource;
    m.fixable = x->action.kind == SD_ACT_END_WORKER;
    remediate(c, &m);
  }
  sd_buf_free(&b);
}

/* ---- the check ---- */

/* Map VM i to its worker: WMI's ProcessID when that process does not name
 * another VM, else the account SID, else the command line. */
static void map_worker(hv_ctx *c, vm_verdict *v, size_t i)
{
  const sd_hv_vm *vm = v->vm;
  if(vm->worker_pid) {
    int wi = worker_by_pid(c, vm->worker_pid);
    if(wi >= 0 && (!c->w[wi].guid[0] || !v->has_guid ||
                   !strcmp(c->w[wi].guid, v->guid))) {
      v->worker = wi;
      v->mapped_by = "WMI ProcessID";
    }
  }
  if(v->worker < 0 && v->has_guid) {
    v->worker = worker_by_guid(c, v->guid);
    if(v->worker >= 0)
      v->mapped_by = c->w[v->worker].guid_from;
  }
  if(v->worker >= 0)
    c->w[v->worker].vm = (int)i;
}

/* How long VM i has been in its state, what it is doing, and its hang
 * signals; the ids of its start-failure events go to *ids. */
static void read_signals(hv_ctx *c, vm_verdict *v, size_t i, sd_buf *ids)
{
  const sd_hv_vm *vm = v->vm;
  v->dur_known = vm->state_changed != SD_TIME_NONE &&
                 c->f->collected_at != SD_TIME_NONE;
  if(v->dur_known) {
    v->minutes = (c->f->collected_at - vm->state_changed) / 60;
    if(v->minutes < 0)
      v->minutes = 0;
  }
  v->longheld = v->si && v->si->transitional && v->dur_known &&
                v->minutes >= c->stuck_after;
  v->waiting = opstatus_at(vm, 1) == OPSTATUS_WAITING_TO_START;
  v->op = operation_of(opstatus_at(vm, 1));
  if(v->op && v->op->code == OPSTATUS_WAITING_TO_START)
    v->op = NULL;
  if(!v->op && (vm->ns_version ? vm->ns_version : c->version) == 1 &&
     vm->enabled_state == v1_snapshotting.code)
    v->op = &v1_snapshotting;
  v->sig_health = vm->health_state == 25;
  /* A small, idle worker only means something while the VM is in a
   * transition: a running VM that idles has a small, flat worker too. */
  v->sig_worker = v->si && v->si->transitional && v->worker >= 0 &&
                  c->w[v->worker].small && c->w[v->worker].flat_known &&
                  c->w[v->worker].flat;
  if(v->si && v->si->transitional) {
    sd_time since = vm->state_changed;
    if(since == SD_TIME_NONE && v->worker >= 0)
      since = c->w[v->worker].p->create_time;
    if(v->has_guid)
      v->nevents = vm_events(c, i, v->guid, since, ids);
    v->sig_events = v->nevents > 0;
  }
}

/* The one finding a VM gets, if any: storage, busy, stuck or suspect, or
 * a missing worker. */
static void judge_vm(hv_ctx *c, vm_verdict *v, sd_buf *ids, int procs_ok)
{
  if(storage_problem(v) != STORAGE_NONE) {
    storage_finding(c, v, storage_problem(v));
  }
  else if(v->op) {
    busy_finding(c, v);
    c->nbusy++;
  }
  else if(v->si && v->si->transitional) {
    int other = v->sig_health || v->sig_worker || v->sig_events;
    if(v->waiting && !v->sig_health && !v->sig_events)
      ; /* held back by its automatic start delay: expected */
    else if(v->longheld && other)
      vm_finding(c, v, 1, ids);
    else if(v->longheld || v->sig_health || v->sig_events ||
            (!v->dur_known && v->sig_worker))
      vm_finding(c, v, 0, ids);
  }
  else if(v->sig_health) {
    vm_finding(c, v, 0, ids);
  }
  else if(procs_ok && v->worker < 0 && v->si && v->si->has_worker) {
    worker_missing(c, v);
  }
}

/* Every VM Hyper-V lists: its worker, its signals, its finding. */
static void evaluate_vms(hv_ctx *c, int procs_ok)
{
  const sd_hv_facts *hv = &c->f->hyperv;
  size_t i;
  for(i = 0; i < hv->nvms; i++) {
    const sd_hv_vm *vm = &hv->vms[i];
    vm_verdict v;
    sd_buf ids;
    memset(&v, 0, sizeof(v));
    v.vm = vm;
    v.has_guid = vm->guid && sd_guid_parse(vm->guid, v.guid);
    v.worker = -1;
    v.si = state_lookup(vm->ns_version ? vm->ns_version : c->version,
                        vm->enabled_state);
    map_worker(c, &v, i);
    sd_buf_init(&ids);
    read_signals(c, &v, i, &ids);
    judge_vm(c, &v, &ids, procs_ok);
    sd_buf_free(&ids);
  }
}

static void hv_ok(hv_ctx *c, int wmi)
{
  sd_module_result *r = c->r;
  const sd_hv_facts *hv = &c->f->hyperv;
  sd_finding *x = hv_add(r, "HV-OK");
  if(wmi)
    sd_finding_msg(r, x, "Hyper-V lists %lu virtual machine(s) and %lu "
                   "worker process(es) run; none is hung in a transitional "
                   "state.", (unsigned long)hv->nvms, (unsigned long)c->nw);
  else
    sd_finding_msg(r, x, "None of the %lu vmwp.exe worker process(es) looks "
                   "hung by its size and activity.", (unsigned long)c->nw);
  sd_ev_int(r, x, "vms", wmi ? (int64_t)hv->nvms : -1);
  sd_ev_int(r, x, "workers", (int64_t)c->nw);
  sd_ev_int(r, x, "stuck_after_minutes", c->stuck_after);
}

/* Minutes since the worker started, -1 when not known. */
static int64_t worker_age(const hv_ctx *c, const hv_worker *w)
{
  if(w->p->create_time == SD_TIME_NONE || c->f->collected_at == SD_TIME_NONE)
    return -1;
  return (c->f->collected_at - w->p->create_time) / 60;
}

static void degraded(hv_ctx *c)
{
  sd_module_result *r = c->r;
  const sd_hv_facts *hv = &c->f->hyperv;
  sd_finding *x = hv_add(r, "HV-DEGRADED");
  size_t i, unconfirmed = 0, young = 0;
  unsigned look;
  sd_buf list, ylist;
  sd_buf_init(&list);
  sd_buf_init(&ylist);
  for(i = 0; i < c->nw; i++) {
    const hv_worker *w = &c->w[i];
    int64_t age = worker_age(c, w);
    if(w->small && !w->flat_known) {
      sd_buf_printf(&list, "%s%u", unconfirmed ? ", " : "",
                    (unsigned)w->p->pid);
      unconfirmed++;
    }
    else if(w->small && w->flat && age >= 0 && age < c->stuck_after) {
      sd_buf_printf(&ylist, "%s%u", young ? ", " : "", (unsigned)w->p->pid);
      young++;
    }
  }
  sd_finding_msg(r, x, "Hyper-V's WMI provider could not be read (%s), so "
                 "the virtual machines' states, health and names are not "
                 "known; the %lu vmwp.exe worker process(es) were judged by "
                 "their working set and activity alone.%s",
                 fstate_why(&hv->wmi_st, "it was not collected"),
                 (unsigned long)c->nw,
                 unconfirmed ? " Some workers are small but too few samples "
                 "were taken to tell whether they are idle: run with "
                 "--samples 3 or more." : young ? " Some small, idle workers "
                 "started less than --stuck-after minutes ago and are not "
                 "judged yet." : "");
  sd_ev_str(r, x, "wmi_state", sd_state_name(hv->wmi_st.state));
  if(hv->wmi_st.why)
    sd_ev_str(r, x, "wmi_why", hv->wmi_st.why);
  if(hv->wmi_st.error)
    sd_ev_strf(r, x, "wmi_error", "0x%08lX", (unsigned long)hv->wmi_st.error);
  sd_ev_int(r, x, "workers", (int64_t)c->nw);
  if(unconfirmed)
    sd_ev_str(r, x, "small_workers_unconfirmed", list.data);
  if(young)
    sd_ev_str(r, x, "small_workers_too_young", ylist.data);
  sd_fix_summary(r, x, "Run srvdoctor elevated on the Hyper-V host so that "
                 "it can read Hyper-V's WMI provider.");
  sd_step_add(r, x, SD_STEP_LOOK, "Open an elevated Command Prompt "
              "(right-click, Run as administrator) and run the same srvdoctor "
              "command again.");
  sd_step_add(r, x, SD_STEP_LOOK, "If this finding stays, check that the "
              "Hyper-V Virtual Machine Management service runs: run this "
              "command.");
  sd_step_cmd(r, x, "sc query vmms");
  sd_step_expect(r, x, "a line that starts with STATE and ends with RUNNING");
  look = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_CHANGE, "Start the service: run this command.");
  sd_step_when(r, x, "Only if step %u did not show RUNNING", look);
  sd_step_cmd(r, x, "net start vmms");
  sd_step_expect(r, x, "a line that ends with \"service was started "
                 "successfully.\"");
  sd_step_add(r, x, SD_STEP_LOOK, "Check that Hyper-V's WMI answers: on "
              "Windows Server 2012 and later run this command. An error here "
              "is a WMI problem to solve before trusting worker-only "
              "verdicts.");
  sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-WmiObject "
              "-Namespace root\\virtualization\\v2 -Class Msvm_ComputerSystem "
              "| Format-Table ElementName,EnabledState,HealthState\"");
  sd_step_expect(r, x, "a table with a line for the host and one for each "
                 "VM, and no error");
  sd_step_alt(r, x, SD_STEP_LOOK, "On Windows Server 2008 and 2008 R2 run "
              "this command instead:");
  sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-WmiObject "
              "-Namespace root\\virtualization -Class Msvm_ComputerSystem "
              "| Format-Table ElementName,EnabledState,HealthState\"");
  sd_buf_free(&list);
  sd_buf_free(&ylist);
}

static void not_installed(sd_module_result *r, const char *why)
{
  sd_finding *x = hv_add(r, "HV-NOT-INSTALLED");
  r->applicable = 0;
  sd_finding_msg(r, x, "Hyper-V is not installed here: %s.", why);
  sd_ev_str(r, x, "reason", why);
}

static void unknown(const sd_facts *f, sd_module_result *r, const char *msg,
                    const char *why)
{
  sd_finding *x = hv_add(r, "HV-UNKNOWN");
  sd_finding_msg(r, x, "%s: %s.", msg, why);
  sd_ev_str(r, x, "why", why);
  if(sd_streq(f->source, "snapshot")) {
    sd_fix_summary(r, x, "Collect a new snapshot on the Hyper-V host, "
                   "elevated, and analyse that one.");
    sd_step_add(r, x, SD_STEP_LOOK, "On the Hyper-V host, right-click "
                "Command Prompt and choose \"Run as administrator\".");
    sd_step_add(r, x, SD_STEP_LOOK, "Run these commands there:");
    sd_step_cmd(r, x, "srvdoctor collect -o server.json");
    sd_step_cmd(r, x, "srvdoctor check --from server.json");
    return;
  }
  sd_fix_summary(r, x, "Run srvdoctor again from an elevated prompt on the "
                 "Hyper-V host.");
  sd_step_add(r, x, SD_STEP_LOOK, "Right-click Command Prompt and choose "
              "\"Run as administrator\".");
  sd_step_add(r, x, SD_STEP_LOOK, "Run this command in that window:");
  sd_step_cmd(r, x, "srvdoctor check --only hyperv-stuck-vm");
  sd_step_add(r, x, SD_STEP_LOOK, "If this finding stays, check that the "
              "Windows Management Instrumentation and Hyper-V Virtual Machine "
              "Management services run: run these commands.");
  sd_step_cmd(r, x, "sc query winmgmt");
  sd_step_cmd(r, x, "sc query vmms");
  sd_step_expect(r, x, "for each, a line that starts with STATE and ends "
                 "with RUNNING");
}

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
  qsort(v, c->nw, sizeof(*v), cmp_u64);
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
    const state_info *si = state_lookup(vm->ns_version ? vm->ns_version
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

static void emit_figures(hv_ctx *c)
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

/* The tuning of the verdicts and of the workers' samples (documented
 * defaults: docs/modules/hyperv-stuck-vm.md). */
static const sd_optdef hv_opts[] = {
  {"stuck-after", SD_OPT_INT, offsetof(sd_options, stuck_after_min), 1,
   10080, 10, 0},
  {"ws-ratio", SD_OPT_RATIO, offsetof(sd_options, ws_ratio), 0, 0, 0.5, 0},
  {"samples", SD_OPT_INT, offsetof(sd_options, samples), 1, 20, 3, 0},
  {"interval", SD_OPT_INT, offsetof(sd_options, interval_ms), 0, 60000,
   1000, 0},
  /* an absolute floor under the small-worker threshold: 64 MiB */
  {NULL, SD_OPT_BYTES, offsetof(sd_options, ws_floor_bytes), 0, 0,
   64.0 * 1024 * 1024, 0},
};

/* The default of the option at offset off (the table above). */
static double hv_default(size_t off)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(hv_opts); i++)
    if(hv_opts[i].off == off)
      return hv_opts[i].dflt;
  return 0;
}

/* The context of one run, with the options' defaults applied. */
static void hv_ctx_init(hv_ctx *c, const sd_facts *f, const sd_options *o,
                        sd_module_result *r)
{
  const sd_hv_facts *hv = &f->hyperv;
  memset(c, 0, sizeof(*c));
  c->f = f;
  c->o = o;
  c->r = r;
  /* the documented defaults for a value out of range */
  c->ratio = o->ws_ratio > 0.0 && o->ws_ratio < 1.0 ? o->ws_ratio :
             hv_default(offsetof(sd_options, ws_ratio));
  c->floor = o->ws_floor_bytes ? o->ws_floor_bytes :
             (uint64_t)hv_default(offsetof(sd_options, ws_floor_bytes));
  c->stuck_after = o->stuck_after_min > 0 ? o->stuck_after_min :
                   (int)hv_default(offsetof(sd_options, stuck_after_min));
  c->version = hv->wmi_version ? hv->wmi_version : 2;
}

/* Does the vmms service exist: 1 present, 0 absent, -1 unknown. */
static int vmms_present(const sd_facts *f)
{
  const sd_hv_facts *hv = &f->hyperv;
  if(f->services.st.state == SD_ST_READ)
    return sd_facts_service(f, "vmms") != NULL;
  if(hv->vmms_st.state == SD_ST_READ)
    return 1;
  if(hv->vmms_st.state == SD_ST_ABSENT)
    return 0;
  return -1;
}

/* Writes HV-NOT-INSTALLED or HV-UNKNOWN and returns 1 when there is
 * nothing to judge: no Hyper-V, or neither WMI nor processes readable. */
static int nothing_to_judge(hv_ctx *c, int vmms, int procs_ok, int wmi_ok)
{
  const sd_facts *f = c->f;
  const sd_hv_facts *hv = &f->hyperv;
  sd_module_result *r = c->r;
  /* Is Hyper-V here at all? */
  if(vmms != 1 && c->nw == 0 && !wmi_ok) {
    if(procs_ok && (vmms == 0 || hv->wmi_st.state == SD_ST_ABSENT)) {
      not_installed(r, vmms == 0 ? "the Hyper-V Virtual Machine Management "
                    "service (vmms) does not exist and no vmwp.exe worker "
                    "process runs" : "Hyper-V's WMI namespace does not exist "
                    "and no vmwp.exe worker process runs");
    }
    else {
      unknown(f, r, "Whether Hyper-V runs here could not be determined",
              !procs_ok ? fstate_why(&f->processes.st, "the process list "
                                     "was not collected") :
              fstate_why(&hv->wmi_st, "Hyper-V's WMI data was not "
                         "collected"));
    }
    return 1;
  }
  if(!wmi_ok && !procs_ok) {
    unknown(f, r, "Hyper-V is installed, but neither its WMI provider nor "
            "the process list could be read",
            fstate_why(&hv->wmi_st, "Hyper-V's WMI data was not collected"));
    return 1;
  }
  return 0;
}

/* Without WMI: HV-VM-SUSPECT for each small, flat worker old enough to
 * call hung. */
static void judge_workers(hv_ctx *c)
{
  size_t i;
  for(i = 0; i < c->nw; i++) {
    const hv_worker *w = &c->w[i];
    int64_t age = worker_age(c, w);
    if(!(w->small && w->flat_known && w->flat))
      continue;
    if(age >= 0 && age < c->stuck_after)
      continue; /* too young to call hung */
    worker_suspect(c, w, age);
  }
}

/* HV-UNKNOWN when the process list could not be read. */
static void procs_unknown(const sd_facts *f, sd_module_result *r)
{
  sd_finding *x = hv_add(r, "HV-UNKNOWN");
  sd_finding_msg(r, x, "The process list could not be read (%s), so the "
                 "VMs' worker processes were not checked; verdicts rest "
                 "on Hyper-V's WMI data alone.",
                 fstate_why(&f->processes.st, "it was not collected"));
  sd_ev_str(r, x, "processes_state", sd_state_name(f->processes.st.state));
  sd_fix_summary(r, x, "Run srvdoctor again from an elevated prompt.");
  sd_step_add(r, x, SD_STEP_LOOK, "Right-click Command Prompt, choose "
              "\"Run as administrator\" and run the same srvdoctor command "
              "again.");
}

/* HV-UNKNOWN when Hyper-V's WMI provider did not answer in time
 * (ERROR_TIMEOUT: the collector's job was given up on; WBEM_S_TIMEDOUT:
 * Next kept timing out), for the VMs or only for their virtual hard
 * disks: a hang gives UNKNOWN, with the collector's sentence naming what
 * did not answer.  A missing namespace or a refused connection is not a
 * hang and stays HV-DEGRADED alone. */
static void wmi_timeout(hv_ctx *c)
{
  const uint32_t error_timeout = 1460, wbem_s_timedout = 0x00040004;
  const sd_hv_facts *hv = &c->f->hyperv;
  const sd_fstate *st = &hv->wmi_st;
  sd_module_result *r = c->r;
  const char *lost = "the virtual machines' states, health and names are "
                     "not known";
  sd_finding *x;
  size_t i;
  if(st->state == SD_ST_READ) {
    lost = "the virtual machines' storage verdicts (the free space of the "
           "volumes that hold their virtual hard disks) cannot be given";
    for(i = 0; i < hv->nvms; i++) {
      st = &hv->vms[i].disks_st;
      if(st->state == SD_ST_UNREADABLE && (st->error == error_timeout ||
                                           st->error == wbem_s_timedout))
        break;
    }
    if(i == hv->nvms)
      return;
  }
  else if(st->state != SD_ST_UNREADABLE ||
          (st->error != error_timeout && st->error != wbem_s_timedout))
    return;
  x = hv_add(r, "HV-UNKNOWN");
  sd_finding_msg(r, x, "%s, so %s.", sd_str_or(st->why, "Hyper-V's WMI "
                 "provider did not answer in time"), lost);
  sd_ev_str(r, x, "why", sd_str_or(st->why, "timed out"));
  sd_ev_strf(r, x, "wmi_error", "0x%08lX", (unsigned long)st->error);
  sd_fix_summary(r, x, "Find out why Hyper-V's WMI provider does not "
                 "answer, then run srvdoctor again.");
  sd_step_add(r, x, SD_STEP_LOOK, "Check that the Hyper-V Virtual Machine "
              "Management service runs: run this command.");
  sd_step_cmd(r, x, "sc query vmms");
  sd_step_expect(r, x, "a line that starts with STATE and ends with RUNNING");
  sd_step_add(r, x, SD_STEP_LOOK, "Check whether Hyper-V's WMI answers now: "
              "run this command (Windows Server 2012 and later; on 2008 "
              "and 2008 R2 use -Namespace root\\virtualization). If it "
              "does not finish within a minute, the provider is hung.");
  sd_step_cmd(r, x, "powershell -NoProfile -Command \"Get-WmiObject "
              "-Namespace root\\virtualization\\v2 -Class Msvm_ComputerSystem "
              "| Format-Table ElementName,EnabledState,HealthState\"");
  sd_step_expect(r, x, "a table with a line for the host and one for each "
                 "VM, and no error");
  sd_step_add(r, x, SD_STEP_LOOK, "When it answers again, run the same "
              "srvdoctor command again.");
}

/* The module: every VM and worker judged, then the figures. */
static void hv_check(const sd_facts *f, const sd_options *o,
                     sd_module_result *r)
{
  const sd_hv_facts *hv = &f->hyperv;
  hv_ctx c;
  int procs_ok = f->processes.st.state == SD_ST_READ;
  int wmi_ok = hv->wmi_st.state == SD_ST_READ;
  int vmms; /* 1 present, 0 absent, -1 unknown */
  size_t i, before;
  hv_ctx_init(&c, f, o, r);
  r->applicable = 1;
  vmms = vmms_present(f);
  if(procs_ok)
    collect_workers(&c);
  collect_events(&c);
  if(!nothing_to_judge(&c, vmms, procs_ok, wmi_ok)) {
    before = r->nfindings;
    if(wmi_ok) {
      evaluate_vms(&c, procs_ok);
      for(i = 0; i < c.nw; i++)
        if(c.w[i].vm < 0)
          orphan(&c, &c.w[i]);
    }
    else {
      degraded(&c);
      before = r->nfindings;
      judge_workers(&c);
    }
    if(r->nfindings - c.nbusy == before && procs_ok)
      hv_ok(&c, wmi_ok);
    wmi_timeout(&c);
    if(!procs_ok)
      procs_unknown(f, r);
  }
  if(r->applicable)
    emit_figures(&c);
  free(c.w);
  free(c.by_guid);
  free(c.ev);
}

static const char hv_help[] =
  "  --stuck-after MIN     minutes in a transitional state before a VM "
  "counts\n"
  "                        as stuck (default 10)\n"
  "  --ws-ratio R          worker working set below R x the peer median is "
  "small\n"
  "                        (default 0.5)\n"
  "  --samples N, --interval MS  worker samples and their spacing "
  "(3, 1000)\n";

const sd_module sd_module_hyperv_stuck_vm = {
  MOD, "Hyper-V virtual machines stuck in a transitional state",
  SD_NEED_MODULE(hyperv_stuck_vm) | SD_NEED_PROCESSES | SD_NEED_SERVICES |
  SD_NEED_EVENTS, hv_check, hv_codes, SD_COUNTOF(hv_codes), hv_opts,
  SD_COUNTOF(hv_opts), hv_help};
