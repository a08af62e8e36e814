/* check_findings.c - the hyperv-stuck-vm check: the verdict on each VM and its
 * finding (stuck,
 * suspect, storage, busy, a missing worker, an orphan worker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The action (when fixable) and the steps of a STUCK or SUSPECT VM. */
static void vm_remediate(hv_ctx *c, sd_finding *x, const vm_verdict *v,
                         const hv_worker *w, const char *guid,
                         int health_only)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *resource;
  clustered cl = sd_hv_vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  sd_hv_cluster_evidence(r, x, &c->f->hyperv, cl, resource);
  /* Not fixable when the VM is a cluster role (the cluster applies its own
   * failure policy) or when srvdoctor could not read whether it is one; a
   * snapshot without the fact stays fixable because fix reads it live and
   * refuses unless it is known. */
  if(guid && !health_only && sd_hv_opstatus_known(vm) && cl != CL_YES &&
     cl != CL_UNKNOWN)
    sd_hv_worker_action(r, x, guid, w);
  if(health_only) {
    sd_hv_health_steps(c, x, vm, guid, vm->ns_version ? vm->ns_version
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
    sd_hv_remediate(c, &m);
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
    sd_hv_worker_sentence(c, w, msg);
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
  if(!sd_hv_opstatus_known(vm))
    sd_buf_printf(msg, "; its OperationalStatus could not be read (%s), "
                  "so a storage problem or an operation in progress cannot "
                  "be ruled out", sd_hv_fstate_why(&vm->op_status_st,
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
  sd_hv_put_opstatus(&ops, vm);
  sd_hv_ev_opstatus(r, x, vm, &ops);
  sd_buf_free(&ops);
  sd_ev_int(r, x, "requested_state", vm->requested_state);
  if(w) {
    sd_hv_worker_evidence(c, x, w);
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
  if(!sd_hv_opstatus_known(vm))
    sd_ev_strf(r, x, "operational_status_unread", "%s",
               sd_hv_fstate_why(&vm->op_status_st, "not collected"));
}

/* HV-VM-STUCK (stuck) or HV-VM-SUSPECT: message, evidence, action and
 * steps. */
void sd_hv_vm_finding(hv_ctx *c, vm_verdict *v, int stuck, sd_buf *ids)
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
  clustered cl = sd_hv_vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  sd_buf_init(&msg);
  sd_buf_init(&sig);
  if(stuck)
    x = sd_hv_add(r, "HV-VM-STUCK");
  else
    x = sd_hv_add(r, "HV-VM-SUSPECT");
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

storage_kind sd_hv_storage_problem(const vm_verdict *v)
{
  const sd_hv_vm *vm = v->vm;
  uint32_t op0 = sd_hv_opstatus_at(vm, 0);
  if(v->si && v->si->critical)
    return STORAGE_CRITICAL_STATE;
  if(op0 == OPSTATUS_DEGRADED)
    return STORAGE_CONFIG_UNREACHABLE;
  if(sd_hv_is_paused(v->si) && (vm->health_state == HEALTH_CRITICAL_FAILURE ||
                          vm->health_state == HEALTH_MAJOR_FAILURE ||
                          op0 == OPSTATUS_PREDICTIVE_FAILURE))
    return STORAGE_LOW_SPACE_PAUSED;
  if(op0 == OPSTATUS_PREDICTIVE_FAILURE)
    return STORAGE_LOW_SPACE_SOON;
  if(sd_hv_space_low(vm))
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
  look = sd_hv_space_step(r, x, vm, vm->name, guid, version, "");
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
                   sd_hv_opstatus_at(vm, 0) == OPSTATUS_PREDICTIVE_FAILURE
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
  sd_hv_ev_opstatus(r, x, vm, ops);
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
void sd_hv_storage_finding(hv_ctx *c, const vm_verdict *v, storage_kind k)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *guid = v->has_guid ? v->guid : vm->guid;
  unsigned version = vm->ns_version ? vm->ns_version : c->version;
  int low_space = k == STORAGE_LOW_SPACE_PAUSED ||
                  k == STORAGE_LOW_SPACE_SOON || k == STORAGE_LOW_SPACE_VOLUME;
  sd_finding *x = sd_hv_add(r, "HV-VM-STORAGE");
  sd_buf ops, dev, vols, where;
  if(storage_calm(v, k)) /* nothing stopped yet */
    x->severity = SD_SEV_WARNING;
  sd_buf_init(&ops);
  sd_buf_init(&dev);
  sd_buf_init(&vols);
  sd_buf_init(&where);
  sd_hv_put_opstatus(&ops, vm);
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
void sd_hv_busy_finding(hv_ctx *c, const vm_verdict *v)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  const char *guid = v->has_guid ? v->guid : vm->guid;
  const char *name = sd_str_or(vm->name, "(no name)");
  sd_finding *x = sd_hv_add(r, "HV-VM-BUSY");
  sd_buf ops;
  sd_buf_init(&ops);
  sd_hv_put_opstatus(&ops, vm);
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
  sd_hv_ev_opstatus(r, x, vm, &ops);
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
  sd_hv_space_step(r, x, vm, vm->name, guid, vm->ns_version ? vm->ns_version
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

void sd_hv_worker_missing(hv_ctx *c, const vm_verdict *v)
{
  sd_module_result *r = c->r;
  const sd_hv_vm *vm = v->vm;
  int sure = !c->guids_unknown && c->f->processes.inaccessible == 0;
  unsigned look;
  const char *resource;
  clustered cl = sd_hv_vm_clustered(&c->f->hyperv, v->has_guid ? v->guid : NULL,
                              &resource);
  sd_finding *x = sd_hv_add(r, "HV-WORKER-MISSING");
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
  sd_hv_cluster_evidence(r, x, &c->f->hyperv, cl, resource);
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

void sd_hv_orphan(hv_ctx *c, const hv_worker *w)
{
  sd_module_result *r = c->r;
  int modern = c->f->os.st.state == SD_ST_READ && c->f->os.major >= 10;
  sd_finding *x = sd_hv_add(r, "HV-WORKER-ORPHAN");
  sd_buf b;
  if(modern) /* containers, WSL 2 and Sandbox run such workers too */
    x->severity = SD_SEV_INFO;
  sd_buf_init(&b);
  sd_hv_worker_sentence(c, w, &b);
  sd_finding_msg(r, x, "A vmwp.exe worker process (PID %u%s%s) serves no "
                 "virtual machine that Hyper-V lists; %s.%s",
                 (unsigned)w->p->pid, w->guid[0] ? ", VM ID " : "",
                 w->guid, b.data,
                 modern ? " On this Windows version Hyper-V containers, "
                 "WSL 2 and Windows Sandbox also run such workers." : "");
  sd_ev_str(r, x, "vm_guid", w->guid);
  if(w->guid_from)
    sd_ev_str(r, x, "guid_from", w->guid_from);
  sd_hv_worker_evidence(c, x, w);
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
void sd_hv_worker_suspect(hv_ctx *c, const hv_worker *w, int64_t age_min)
{
  sd_module_result *r = c->r;
  sd_finding *x = sd_hv_add(r, "HV-VM-SUSPECT");
  sd_buf b;
  sd_buf_init(&b);
  sd_hv_worker_sentence(c, w, &b);
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
  sd_hv_worker_evidence(c, x, w);
  sd_ev_str(r, x, "signals", "worker-small-flat");
  {
    const char *resource;
    rem m;
    clustered cl = sd_hv_vm_clustered(&c->f->hyperv,
                                      w->guid[0] ? w->guid : NULL,
                                &resource);
    sd_hv_cluster_evidence(r, x, &c->f->hyperv, cl, resource);
    if(w->guid[0] && cl != CL_YES && cl != CL_UNKNOWN)
      sd_hv_worker_action(r, x, w->guid, w);
    memset(&m, 0, sizeof(m));
    m.x = x;
    m.guid = w->guid[0] ? w->guid : NULL;
    m.w = w;
    m.cl = cl;
    m.resource = resource;
    m.fixable = x->action.kind == SD_ACT_END_WORKER;
    sd_hv_remediate(c, &m);
  }
  sd_buf_free(&b);
}
