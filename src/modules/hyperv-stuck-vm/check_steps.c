/* check_steps.c - the hyperv-stuck-vm check: the steps of a hung VM, in the
 * order a helpdesk
 * reader follows them: look, turn off, end the worker (last resort), start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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
unsigned sd_hv_space_step(sd_module_result *r, sd_finding *x,
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
void sd_hv_remediate(hv_ctx *c, rem *m)
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
  if(!sd_hv_space_known_ok(m->wmi))
    sd_hv_space_step(r, x, m->wmi, m->name, m->guid, m->version,
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
void sd_hv_health_steps(hv_ctx *c, sd_finding *x, const sd_hv_vm *vm,
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
  sd_hv_space_step(r, x, vm, vm->name, guid, version,
                   " Hyper-V reports the same "
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
