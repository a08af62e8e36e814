/* fix.c - hyperv-stuck-vm's part of srvdoctor fix: which worker process
 * a finding names, the refusals that look at the facts fix has just read
 * (a clustered VM, a PID listed twice, a process that names another VM,
 * vmms.exe itself), and what ending the worker does, for the reader.
 * Ending it is fix_win32.c's (Windows only).  Portable, so unit-tested on
 * any system. */
#include <string.h>

#include "fix.h"

/* A VM name names the finding too (a GUID only by its ID, never by a
 * name that looks like one). */
static int hv_target_matches(const sd_finding *x, const char *target,
                             int *by_name)
{
  char g[37];
  const char *name = sd_fix_ev_str(x, "vm_name");
  if(sd_guid_parse(target, g) || !name || !sd_strieq(name, target))
    return 0;
  *by_name = 1;
  return 1;
}

/* How many VMs of the facts are called name? */
static size_t vms_named(const sd_facts *f, const char *name)
{
  size_t i, n = 0;
  if(!f)
    return 0;
  for(i = 0; i < f->hyperv.nvms; i++)
    if(f->hyperv.vms[i].name && sd_strieq(f->hyperv.vms[i].name, name))
      n++;
  return n;
}

static void hv_describe(const sd_finding *x, sd_buf *b)
{
  const char *name = sd_fix_ev_str(x, "vm_name");
  if(name)
    sd_buf_printf(b, " (VM \"%s\")", name);
}

/* The leaf of a path: "vmwp.exe" of "C:\\Windows\\System32\\vmwp.exe". */
static const char *leaf(const char *path)
{
  const char *b = strrchr(path, '\\');
  return b ? b + 1 : path;
}

/* Does s name a VM id other than guid (every id in it, not only the
 * first)?  The id found into other. */
static int names_other_vm(const char *s, const char *guid, char other[37])
{
  const char *p = s;
  while(p && (p = sd_hv_guid_find(p, other)) != NULL)
    if(strcmp(other, guid))
      return 1;
  return 0;
}

/* Is the VM a failover-cluster role, from the facts fix just read?  0 when
 * it is known not to be; else -1 with the one-sentence refusal in why. */
static int worker_not_clustered(const sd_facts *f, const char *guid,
                                sd_err *why)
{
  const sd_hv_facts *hv = &f->hyperv;
  char g[37];
  size_t i;
  if(hv->cluster_st.state == SD_ST_ABSENT)
    return 0;
  if(hv->cluster_st.state != SD_ST_READ) {
    sd_err_set(why, SD_EINVAL, "srvdoctor could not read whether virtual "
               "machine %s is a role of a failover cluster (%s), so it does "
               "not end its worker; follow the steps of the finding",
               guid, sd_str_or(hv->cluster_st.why,
                               sd_state_name(hv->cluster_st.state)));
    return -1;
  }
  for(i = 0; i < hv->ncluster_vms; i++)
    if(sd_guid_parse(hv->cluster_vms[i].vm_guid, g) && !strcmp(g, guid)) {
      sd_err_set(why, SD_EINVAL, "virtual machine %s is a role of a "
                 "failover cluster (resource \"%.80s\"): srvdoctor does not "
                 "end its worker, turn the role off and start it in Failover "
                 "Cluster Manager", guid,
                 sd_str_or(hv->cluster_vms[i].resource, "(no name)"));
      return -1;
    }
  return 0;
}

/* The one process the plan acts on: exactly one entry with that PID, a
 * worker image, whose command line and account name no other VM. */
static int worker_process(const sd_facts *f, const sd_fix_plan *p,
                          sd_err *why)
{
  const sd_process *proc = NULL;
  size_t i, n = 0;
  char other[37];
  for(i = 0; i < f->processes.count; i++)
    if(f->processes.items[i].pid == p->pid) {
      proc = &f->processes.items[i];
      n++;
    }
  if(n > 1) {
    sd_err_set(why, SD_EINVAL, "process ID %u is listed %lu times in the "
               "process list srvdoctor just read, so it cannot tell which "
               "process it would end; it will not end any",
               (unsigned)p->pid, (unsigned long)n);
    return -1;
  }
  if(!proc || !proc->image || !sd_strieq(proc->image, leaf(p->image_path))) {
    sd_err_set(why, SD_EINVAL, "process %u is not a %s worker in the "
               "process list srvdoctor just read; it will not end it",
               (unsigned)p->pid, leaf(p->image_path));
    return -1;
  }
  if((proc->cmdline && names_other_vm(proc->cmdline, p->vm_guid, other)) ||
     (proc->sid && !sd_hv_guid_from_sid(proc->sid, other) &&
      strcmp(other, p->vm_guid))) {
    sd_err_set(why, SD_EINVAL, "process %u names virtual machine %s as well "
               "as, or instead of, %s in its command line or account, so "
               "srvdoctor cannot be sure whose worker it is; it will not end "
               "it", (unsigned)p->pid, other, p->vm_guid);
    return -1;
  }
  return 0;
}

static int plan_worker(const sd_facts *f, const sd_finding *x,
                       const sd_fix_paths *paths, sd_arena *a,
                       sd_fix_plan *p, sd_err *why)
{
  const sd_action *act = &x->action;
  const sd_service *vmms = sd_facts_service(f, "vmms");
  char tg[37];
  if(!sd_guid_parse(x->target, tg) || !act->vm_guid ||
     !sd_guid_parse(act->vm_guid, p->vm_guid)) {
    sd_err_set(why, SD_EINVAL, "the finding names the virtual machine by "
               "\"%.60s\", which is not a VM ID, so srvdoctor cannot check "
               "a worker process against it",
               sd_guid_parse(x->target, tg) ? sd_str_or(act->vm_guid, "")
                                               : x->target);
    return -1;
  }
  if(strcmp(tg, p->vm_guid)) {
    sd_err_set(why, SD_EINVAL, "the finding's target \"%.60s\" is not the "
               "virtual machine its action names (%s); srvdoctor will not "
               "act on it", x->target, p->vm_guid);
    return -1;
  }
  p->vm_name = sd_fix_ev_str(x, "vm_name");
  if(act->pid == 0) {
    sd_err_set(why, SD_ENOENT, "no worker process (vmwp.exe) was found for "
               "virtual machine %s, so there is nothing srvdoctor could end; "
               "follow the steps of the finding (srvdoctor explain %s)",
               p->vm_guid, x->code);
    return -1;
  }
  p->pid = act->pid;
  p->image_path = sd_fix_resolve_program(act, paths, a, why);
  if(!p->image_path || worker_not_clustered(f, p->vm_guid, why) ||
     worker_process(f, p, why))
    return -1;
  if((f->hyperv.vmms_pid && f->hyperv.vmms_pid == p->pid) ||
     (vmms && vmms->pid == p->pid)) {
    sd_err_set(why, SD_EINVAL, "process %u is the Virtual Machine "
               "Management service (vmms.exe), which serves every VM; "
               "srvdoctor never ends it", (unsigned)p->pid);
    return -1;
  }
  p->what = sd_arena_printf(a,
    "End process %u (%s), the worker process of virtual machine "
    "%s%s%s(ID %s). srvdoctor opens process %u once and, on that same "
    "handle, checks that it is %s and that its command line or its account "
    "names %s; only then does it end the process through that handle, so a "
    "process ID reused in the meantime cannot be hit. Ending the worker is "
    "like pulling the power cord of this one VM: the guest loses what it "
    "had not written to disk. vmms.exe and every other process are left "
    "alone.", (unsigned)p->pid, leaf(p->image_path), p->vm_name ? "\"" : "",
    p->vm_name ? p->vm_name : "", p->vm_name ? "\" " : "", p->vm_guid,
    (unsigned)p->pid, p->image_path, p->vm_guid);
  p->after = sd_arena_printf(a,
    "Within a minute Hyper-V Manager shows the virtual machine as Off "
    "(Hyper-V may also start it again by itself); if it shows Off, select it "
    "and choose Action > Start, then run srvdoctor check --only "
    "hyperv-stuck-vm to confirm that nothing is reported.");
  p->event_detail = sd_arena_printf(a, "Process: %u (vmwp.exe of VM %s)",
                                    (unsigned)p->pid, p->vm_guid);
  return 0;
}

const sd_fix_hook sd_fix_hook_hyperv_stuck_vm = {
  hv_target_matches, vms_named, hv_describe, plan_worker,
  SD_FIX_HOOK_ACT(sd_hv_fix_end_worker), "virtual machine", "VM ID"};
