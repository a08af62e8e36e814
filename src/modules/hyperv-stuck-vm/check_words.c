/* check_words.c - the hyperv-stuck-vm check: the wording and evidence every
 * finding shares:
 * sizes, operational status, the worker's sentence, free space, the
 * action that ends a worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- findings ---- */

/* Why a fact is missing, as a phrase. */
const char *sd_hv_fstate_why(const sd_fstate *st, const char *what)
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

void sd_hv_put_opstatus(sd_buf *b, const sd_hv_vm *vm)
{
  size_t i;
  for(i = 0; i < vm->nop_status; i++)
    sd_buf_printf(b, "%s%u", i ? ", " : "", (unsigned)vm->op_status[i].code);
}

/* OperationalStatus is a list of codes (CIM uint16[]): the first, the
 * VM's main status, is the integer "operational_status"; when there are
 * more, "operational_status_codes" lists them all as text ("2, 32775").
 * Neither when no code was read (see "operational_status_unread"). */
void sd_hv_ev_opstatus(sd_module_result *r, sd_finding *x,
                        const sd_hv_vm *vm, const sd_buf *ops)
{
  if(vm->nop_status == 0)
    return;
  sd_ev_int(r, x, "operational_status", vm->op_status[0].code);
  if(vm->nop_status > 1)
    sd_ev_str(r, x, "operational_status_codes", ops->data);
}

void sd_hv_worker_evidence(hv_ctx *c, sd_finding *x, const hv_worker *w)
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
void sd_hv_worker_sentence(const hv_ctx *c, const hv_worker *w, sd_buf *b)
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
int sd_hv_space_low(const sd_hv_vm *vm)
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
int sd_hv_space_known_ok(const sd_hv_vm *vm)
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
  for(i = 0; i < SD_HV_NCODES; i++)
    if(sd_streq(sd_hv_codes[i].code, code))
      return (sd_hv_codes[i].fixable & SD_FIX_FORCE) != 0;
  return 0;
}

/* What srvdoctor fix does for a fixable hung VM: end exactly its worker
 * (vmwp.exe in the system folder, the image fix verifies on the live
 * handle), PID and VM ID as this check saw them.  pid 0 when no worker was
 * found: fix then refuses. */
void sd_hv_worker_action(sd_module_result *r, sd_finding *x,
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
