/* check_judge.c - the hyperv-stuck-vm check: the check's course: the VMs one
 * by one, then
 * the module-level findings (OK, degraded, not installed, unknown). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- the check ---- */

/* Map VM i to its worker: WMI's ProcessID when that process does not name
 * another VM, else the account SID, else the command line. */
static void map_worker(hv_ctx *c, vm_verdict *v, size_t i)
{
  const sd_hv_vm *vm = v->vm;
  if(vm->worker_pid) {
    int wi = sd_hv_worker_by_pid(c, vm->worker_pid);
    if(wi >= 0 && (!c->w[wi].guid[0] || !v->has_guid ||
                   !strcmp(c->w[wi].guid, v->guid))) {
      v->worker = wi;
      v->mapped_by = "WMI ProcessID";
    }
  }
  if(v->worker < 0 && v->has_guid) {
    v->worker = sd_hv_worker_by_guid(c, v->guid);
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
  v->waiting = sd_hv_opstatus_at(vm, 1) == OPSTATUS_WAITING_TO_START;
  v->op = sd_hv_operation_of(sd_hv_opstatus_at(vm, 1));
  if(v->op && v->op->code == OPSTATUS_WAITING_TO_START)
    v->op = NULL;
  if(!v->op && (vm->ns_version ? vm->ns_version : c->version) == 1 &&
     vm->enabled_state == sd_hv_v1_snapshotting.code)
    v->op = &sd_hv_v1_snapshotting;
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
      v->nevents = sd_hv_vm_events(c, i, v->guid, since, ids);
    v->sig_events = v->nevents > 0;
  }
}

/* The one finding a VM gets, if any: storage, busy, stuck or suspect, or
 * a missing worker. */
static void judge_vm(hv_ctx *c, vm_verdict *v, sd_buf *ids, int procs_ok)
{
  if(sd_hv_storage_problem(v) != STORAGE_NONE) {
    sd_hv_storage_finding(c, v, sd_hv_storage_problem(v));
  }
  else if(v->op) {
    sd_hv_busy_finding(c, v);
    c->nbusy++;
  }
  else if(v->si && v->si->transitional) {
    int other = v->sig_health || v->sig_worker || v->sig_events;
    if(v->waiting && !v->sig_health && !v->sig_events)
      ; /* held back by its automatic start delay: expected */
    else if(v->longheld && other)
      sd_hv_vm_finding(c, v, 1, ids);
    else if(v->longheld || v->sig_health || v->sig_events ||
            (!v->dur_known && v->sig_worker))
      sd_hv_vm_finding(c, v, 0, ids);
  }
  else if(v->sig_health) {
    sd_hv_vm_finding(c, v, 0, ids);
  }
  else if(procs_ok && v->worker < 0 && v->si && v->si->has_worker) {
    sd_hv_worker_missing(c, v);
  }
}

/* Every VM Hyper-V lists: its worker, its signals, its finding. */
void sd_hv_evaluate_vms(hv_ctx *c, int procs_ok)
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
    v.si = sd_hv_state_lookup(vm->ns_version ? vm->ns_version : c->version,
                        vm->enabled_state);
    map_worker(c, &v, i);
    sd_buf_init(&ids);
    read_signals(c, &v, i, &ids);
    judge_vm(c, &v, &ids, procs_ok);
    sd_buf_free(&ids);
  }
}

void sd_hv_hv_ok(hv_ctx *c, int wmi)
{
  sd_module_result *r = c->r;
  const sd_hv_facts *hv = &c->f->hyperv;
  sd_finding *x = sd_hv_add(r, "HV-OK");
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
int64_t sd_hv_worker_age(const hv_ctx *c, const hv_worker *w)
{
  if(w->p->create_time == SD_TIME_NONE || c->f->collected_at == SD_TIME_NONE)
    return -1;
  return (c->f->collected_at - w->p->create_time) / 60;
}

void sd_hv_degraded(hv_ctx *c)
{
  sd_module_result *r = c->r;
  const sd_hv_facts *hv = &c->f->hyperv;
  sd_finding *x = sd_hv_add(r, "HV-DEGRADED");
  size_t i, unconfirmed = 0, young = 0;
  unsigned look;
  sd_buf list, ylist;
  sd_buf_init(&list);
  sd_buf_init(&ylist);
  for(i = 0; i < c->nw; i++) {
    const hv_worker *w = &c->w[i];
    int64_t age = sd_hv_worker_age(c, w);
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
                 sd_hv_fstate_why(&hv->wmi_st, "it was not collected"),
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

void sd_hv_not_installed(sd_module_result *r, const char *why)
{
  sd_finding *x = sd_hv_add(r, "HV-NOT-INSTALLED");
  r->applicable = 0;
  sd_finding_msg(r, x, "Hyper-V is not installed here: %s.", why);
  sd_ev_str(r, x, "reason", why);
}

void sd_hv_unknown(const sd_facts *f, sd_module_result *r, const char *msg,
                    const char *why)
{
  sd_finding *x = sd_hv_add(r, "HV-UNKNOWN");
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
