/* module.c - the "hyperv-stuck-vm" module: which Hyper-V virtual
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
 * HV-VM-SUSPECT and HV-DEGRADED says the verdicts rest on processes only.
 *
 * This file holds the code table, the options, the module's entry and
 * its descriptor; the parts of the check are the check_*.c files beside it
 * (check.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
      sd_hv_not_installed(r,
                          vmms == 0 ? "the Hyper-V Virtual Machine Management "
                    "service (vmms) does not exist and no vmwp.exe worker "
                    "process runs" : "Hyper-V's WMI namespace does not exist "
                    "and no vmwp.exe worker process runs");
    }
    else {
      sd_hv_unknown(f, r, "Whether Hyper-V runs here could not be determined",
              !procs_ok ? sd_hv_fstate_why(&f->processes.st, "the process list "
                                     "was not collected") :
              sd_hv_fstate_why(&hv->wmi_st, "Hyper-V's WMI data was not "
                         "collected"));
    }
    return 1;
  }
  if(!wmi_ok && !procs_ok) {
    sd_hv_unknown(f, r, "Hyper-V is installed, but neither its WMI "
                  "provider nor the process list could be read",
                  sd_hv_fstate_why(&hv->wmi_st,
                                   "Hyper-V's WMI data was not collected"));
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
    int64_t age = sd_hv_worker_age(c, w);
    if(!(w->small && w->flat_known && w->flat))
      continue;
    if(age >= 0 && age < c->stuck_after)
      continue; /* too young to call hung */
    sd_hv_worker_suspect(c, w, age);
  }
}

/* HV-UNKNOWN when the process list could not be read. */
static void procs_unknown(const sd_facts *f, sd_module_result *r)
{
  sd_finding *x = sd_hv_add(r, "HV-UNKNOWN");
  sd_finding_msg(r, x, "The process list could not be read (%s), so the "
                 "VMs' worker processes were not checked; verdicts rest "
                 "on Hyper-V's WMI data alone.",
                 sd_hv_fstate_why(&f->processes.st, "it was not collected"));
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
  x = sd_hv_add(r, "HV-UNKNOWN");
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
    sd_hv_collect_workers(&c);
  sd_hv_collect_events(&c);
  if(!nothing_to_judge(&c, vmms, procs_ok, wmi_ok)) {
    before = r->nfindings;
    if(wmi_ok) {
      sd_hv_evaluate_vms(&c, procs_ok);
      for(i = 0; i < c.nw; i++)
        if(c.w[i].vm < 0)
          sd_hv_orphan(&c, &c.w[i]);
    }
    else {
      sd_hv_degraded(&c);
      before = r->nfindings;
      judge_workers(&c);
    }
    if(r->nfindings - c.nbusy == before && procs_ok)
      sd_hv_hv_ok(&c, wmi_ok);
    wmi_timeout(&c);
    if(!procs_ok)
      procs_unknown(f, r);
  }
  if(r->applicable)
    sd_hv_emit_figures(&c);
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
  SD_NEED_EVENTS, hv_check, sd_hv_codes, SD_HV_NCODES, hv_opts,
  SD_COUNTOF(hv_opts), hv_help};
