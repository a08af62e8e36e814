/* fix_plan.c - which findings srvdoctor fix can act on, which finding a
 * --target names, and what exactly each action will do.  Portable: no
 * system calls, so every rule here is unit-tested on any system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/fix.h"
#include "srvdoctor/module.h"

/* The codes fix acts on, read from the checks' code tables (the fixable
 * flags): a module declares them there and fix needs no change.  Built
 * once; the command line runs one fix at a time. */
#define SD_FIX_MAX_ACTIONS 32
static sd_fix_action actions[SD_FIX_MAX_ACTIONS];
static size_t nactions;
static int actions_built;

static void build_actions(void)
{
  size_t nmods, i, k;
  const sd_module *const *mods = sd_modules(&nmods);
  for(i = 0; i < nmods; i++) {
    for(k = 0; k < mods[i]->ncodes; k++) {
      const sd_code_info *ci = &mods[i]->codes[k];
      sd_fix_action *a;
      if(!(ci->fixable & SD_FIX_YES))
        continue;
      /* More fixable codes than the table holds is a programming error
       * that the unit tests catch. */
      if(nactions >= SD_FIX_MAX_ACTIONS)
        abort();
      a = &actions[nactions++];
      a->code = ci->code;
      a->module = ci->module;
      a->kind = ci->fixable & SD_FIX_WORKER ? SD_FIX_END_WORKER
                                            : SD_FIX_RUN_PROGRAM;
      a->needs_force = (ci->fixable & SD_FIX_FORCE) != 0;
    }
  }
  actions_built = 1;
}

const sd_fix_action *sd_fix_actions(size_t *count)
{
  if(!actions_built)
    build_actions();
  *count = nactions;
  return actions;
}

const sd_fix_action *sd_fix_action_find(const char *code)
{
  size_t i, n;
  const sd_fix_action *a = sd_fix_actions(&n);
  if(!code)
    return NULL;
  for(i = 0; i < n; i++)
    if(sd_strieq(a[i].code, code))
      return &a[i];
  return NULL;
}

/* ---- identities ---- */

/* "KB974571", "kb974571" or "974571": the digits into out (at most 15). */
static int kb_norm(const char *s, char out[16])
{
  size_t n = 0;
  if(!s)
    return 0;
  if((s[0] == 'K' || s[0] == 'k') && (s[1] == 'B' || s[1] == 'b'))
    s += 2;
  while(s[n] >= '0' && s[n] <= '9')
    n++;
  if(n < 4 || n > 15 || s[n])
    return 0;
  memcpy(out, s, n);
  out[n] = '\0';
  return 1;
}

/* Do a and b name the same thing (GUIDs, KB numbers, else plain text
 * ignoring ASCII case)? */
static int same_id(const char *a, const char *b)
{
  char ga[37], gb[37], ka[16], kb[16];
  int guid_a, guid_b;
  if(!a || !b || !*a || !*b)
    return 0;
  guid_a = sd_guid_parse(a, ga);
  guid_b = sd_guid_parse(b, gb);
  if(guid_a || guid_b)
    return guid_a && guid_b && !strcmp(ga, gb);
  if(kb_norm(a, ka) && kb_norm(b, kb))
    return !strcmp(ka, kb);
  return sd_strieq(a, b);
}

static const char *ev_str(const sd_finding *x, const char *key)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_STR && e->str && *e->str ? e->str : NULL;
}

static int64_t ev_int(const sd_finding *x, const char *key, int64_t dflt)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_INT ? e->num : dflt;
}

static int ev_bool(const sd_finding *x, const char *key)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_BOOL && e->num;
}

int sd_fix_target_matches(const sd_finding *x, const char *target,
                          int *by_name)
{
  const sd_fix_action *act = sd_fix_action_find(x->code);
  if(by_name)
    *by_name = 0;
  if(!target || !*target || !x->target)
    return 0;
  if(same_id(target, x->target))
    return 1;
  if(!act)
    return 0;
  if(act->kind == SD_FIX_END_WORKER) {
    char g[37];
    const char *name = ev_str(x, "vm_name");
    /* A GUID names a VM by its ID only, never by a name that looks like
     * one. */
    if(sd_guid_parse(target, g) || !name || !sd_strieq(name, target))
      return 0;
    if(by_name)
      *by_name = 1;
    return 1;
  }
  if(sd_strieq(x->code, "EXCH-INTERIM-UPDATE")) {
    char k1[16], k2[16];
    const char *kb = ev_str(x, "kb");
    return kb && kb_norm(target, k1) && kb_norm(kb, k2) && !strcmp(k1, k2);
  }
  return 0;
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

sd_fix_pick sd_fix_pick_finding(const sd_report *rep, const sd_facts *f,
                                const char *code, const char *target,
                                const sd_finding **out, size_t *candidates)
{
  size_t i, k, ncand = 0, nmatch = 0;
  int any_by_name = 0;
  const sd_finding *hit = NULL;
  *out = NULL;
  for(i = 0; i < rep->nmodules; i++) {
    for(k = 0; k < rep->modules[i].nfindings; k++) {
      const sd_finding *x = &rep->modules[i].findings[k];
      int by_name = 0;
      if(!sd_strieq(x->code, code))
        continue;
      ncand++;
      if(target && !sd_fix_target_matches(x, target, &by_name))
        continue;
      any_by_name |= by_name;
      nmatch++;
      hit = x;
    }
  }
  if(candidates)
    *candidates = ncand;
  if(ncand == 0)
    return SD_FIX_PICK_NONE;
  if(nmatch == 0)
    return SD_FIX_PICK_NO_MATCH;
  if(nmatch > 1)
    return target ? SD_FIX_PICK_AMBIGUOUS : SD_FIX_PICK_NEED_TARGET;
  /* A name is ambiguous when two VMs carry it, even if only one of them
   * is reported: the admin may mean the other one. */
  if(any_by_name && vms_named(f, target) > 1)
    return SD_FIX_PICK_AMBIGUOUS;
  *out = hit;
  if(!hit->fixable || !hit->target || !*hit->target)
    return SD_FIX_PICK_NOT_FIXABLE;
  return SD_FIX_PICK_OK;
}

/* ---- command lines ---- */

void sd_fix_quote_arg(sd_buf *b, const char *arg)
{
  sd_quote_arg(b, arg);
}

void sd_fix_command_line(const sd_fix_plan *p, sd_buf *b)
{
  size_t i;
  /* The program name is split by other rules (up to the next quote, no
   * escapes); a Windows path holds no quote, so quoting it is enough. */
  sd_buf_putc(b, '"');
  sd_buf_puts(b, p->program ? p->program : "");
  sd_buf_putc(b, '"');
  for(i = 0; i < p->nargs; i++) {
    sd_buf_putc(b, ' ');
    sd_fix_quote_arg(b, p->args[i]);
  }
}

/* ---- plans ---- */

/* Every program, argument and identity comes from the fresh finding's
 * action (the check wrote it, and the finding's printed command is
 * rendered from it).  What is left here: the refusals that look at the
 * fresh facts, and resolving the program against this machine's folders. */

/* Characters of a CBS package identity: letters, digits and _~.- only, so
 * that nothing in it can change the meaning of the command line. */
static int identity_safe(const char *s)
{
  size_t n = 0;
  if(!s || !*s)
    return 0;
  for(; *s; s++, n++) {
    char c = *s;
    if(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '~' || c == '.' ||
         c == '-'))
      return 0;
  }
  return n < 200;
}

/* A program path relative to its base folder: no drive, no leading
 * separator, no ".." part, no quote. */
static int relative_safe(const char *s)
{
  const char *p;
  if(!s || !*s || *s == '\\' || *s == '/' || strpbrk(s, ":\"%"))
    return 0;
  for(p = s; *p;) {
    size_t n = 0;
    while(p[n] && p[n] != '\\' && p[n] != '/')
      n++;
    if(n == 2 && p[0] == '.' && p[1] == '.')
      return 0;
    p += n;
    if(*p)
      p++;
  }
  return 1;
}

/* The action's program under this machine's folder; NULL with why set
 * when the action does not name one srvdoctor will start. */
static const char *resolve_program(const sd_action *act,
                                   const sd_fix_paths *paths, sd_arena *a,
                                   sd_err *why)
{
  const char *dir = act->base == SD_BASE_WINDOWS ? paths->windows_dir
                                                 : paths->system_dir;
  if(!relative_safe(act->program)) {
    sd_err_set(why, SD_EINVAL, "the finding's action names the program "
               "\"%.80s\", which is not a path inside the Windows folder; "
               "srvdoctor will not start it", sd_str_or(act->program, ""));
    return NULL;
  }
  return sd_arena_printf(a, "%s\\%s", dir, act->program);
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
  p->vm_name = ev_str(x, "vm_name");
  if(act->pid == 0) {
    sd_err_set(why, SD_ENOENT, "no worker process (vmwp.exe) was found for "
               "virtual machine %s, so there is nothing srvdoctor could end; "
               "follow the steps of the finding (srvdoctor explain %s)",
               p->vm_guid, x->code);
    return -1;
  }
  p->pid = act->pid;
  p->image_path = resolve_program(act, paths, a, why);
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
  return 0;
}

/* The program and arguments of a SD_ACT_RUN_PROGRAM action into p. */
static int take_program(const sd_finding *x, const sd_fix_paths *paths,
                        sd_arena *a, sd_fix_plan *p, sd_err *why)
{
  const sd_action *act = &x->action;
  size_t i;
  p->program = resolve_program(act, paths, a, why);
  if(!p->program)
    return -1;
  if(act->nargs > SD_FIX_MAX_ARGS) {
    sd_err_set(why, SD_EINVAL, "the finding's action has %lu arguments, "
               "more than srvdoctor passes on", (unsigned long)act->nargs);
    return -1;
  }
  for(i = 0; i < act->nargs; i++)
    p->args[i] = act->args[i];
  p->nargs = act->nargs;
  return 0;
}

static int plan_interim_update(const sd_facts *f, const sd_finding *x,
                               const sd_fix_paths *paths, sd_arena *a,
                               sd_fix_plan *p, sd_err *why)
{
  char patch[37], product[37], tg[37];
  const sd_action *act = &x->action;
  const char *name, *kb;
  const sd_msi_patch *mp = NULL;
  size_t i;
  if(!sd_guid_parse(x->target, tg) || !act->patch_code ||
     !sd_guid_parse(act->patch_code, patch)) {
    sd_err_set(why, SD_EINVAL, "the finding's patch code \"%.60s\" is not "
               "a GUID, so srvdoctor will not pass it to Windows Installer",
               sd_guid_parse(x->target, tg) ? sd_str_or(act->patch_code,
                                                            "") : x->target);
    return -1;
  }
  if(strcmp(tg, patch)) {
    sd_err_set(why, SD_EINVAL, "the finding's target {%s} is not the patch "
               "its action removes ({%s}); srvdoctor will not act on it",
               tg, patch);
    return -1;
  }
  if(!act->product_code || !sd_guid_parse(act->product_code, product)) {
    sd_err_set(why, SD_EINVAL, "the finding's product code \"%.60s\" is not "
               "a GUID", sd_str_or(act->product_code, ""));
    return -1;
  }
  for(i = 0; i < f->msi_patches.count; i++) {
    const sd_msi_patch *m = &f->msi_patches.items[i];
    char g1[37], g2[37];
    if(sd_guid_parse(m->patch_code, g1) && !strcmp(g1, patch) &&
       (!m->product_code ||
        (sd_guid_parse(m->product_code, g2) && !strcmp(g2, product))))
      mp = m;
  }
  if(!mp) {
    sd_err_set(why, SD_ENOENT, "patch {%s} is not in the Windows Installer "
               "patch list srvdoctor just read, so it will not ask Windows "
               "Installer to remove it", patch);
    return -1;
  }
  if(!mp->uninstallable) {
    sd_err_set(why, SD_EINVAL, "Windows Installer marks patch {%s} as not "
               "uninstallable, so MSIPATCHREMOVE cannot remove it; follow "
               "the steps of srvdoctor explain EXCH-INTERIM-UPDATE", patch);
    return -1;
  }
  if(take_program(x, paths, a, p, why))
    return -1;
  p->recheck = 1;
  name = ev_str(x, "display_name");
  kb = ev_str(x, "kb");
  if(kb && name && sd_stristr(name, kb))
    kb = NULL; /* the name says it already */
  p->what = sd_arena_printf(a,
    "Uninstall the interim update %s%s%s(patch code {%s}) from Exchange "
    "Server 2007 (product {%s}) with Windows Installer: start %s by its "
    "full path with the arguments below (the command the finding prints), "
    "no shell and without restarting, wait until it ends and report its "
    "exit code (3010 means a restart is needed), then check again.",
    sd_str_or(name, ""), name ? " " : "",
    kb ? sd_arena_printf(a, "(%s) ", kb) : "",
    patch, product, p->program);
  p->after = sd_arena_printf(a,
    "When every interim update is removed and the machine has been "
    "restarted if Windows Installer asked for it, run srvdoctor check "
    "--only exchange-sp2 again before starting Exchange 2007 SP2 setup.");
  return 0;
}

static int plan_kb974571(const sd_facts *f, const sd_finding *x,
                         const sd_fix_paths *paths, sd_arena *a,
                         sd_fix_plan *p, sd_err *why)
{
  char kb[16];
  const sd_action *act = &x->action;
  const sd_service *fe = sd_facts_service(f, "RTCSRV");
  const char *fe_name = fe && fe->display_name ? fe->display_name :
                        f->ocs.fe_display_name;
  size_t i;
  if(!kb_norm(x->target, kb) || strcmp(kb, "974571")) {
    sd_err_set(why, SD_EINVAL, "the finding names update \"%.40s\", not "
               "KB974571", x->target);
    return -1;
  }
  /* The check classifies the update's packages (srvdoctor/cbs.h) and
   * gives the finding an action only when one in effect can be removed;
   * a removal waiting for a restart is its verdict too.  Read, not redone. */
  if(ev_bool(x, "kb974571_removal_pending")) {
    sd_err_set(why, SD_EINVAL, "KB974571 is already being removed and waits "
               "for a restart; restart the server and run srvdoctor check "
               "--only ocs-kb974571 again");
    return -1;
  }
  if(!act->package || !*act->package) {
    sd_err_set(why, SD_EINVAL, "the finding's action does not name the "
               "update package to remove");
    return -1;
  }
  if(!kb_norm(act->package, kb)) {
    /* A Component Based Servicing package identity (pkgmgr /up:). */
    if(ev_int(x, "cbs_removable_packages", 0) > 1) {
      sd_err_set(why, SD_EINVAL, "more than one KB974571 package is "
                 "installed; remove them in Control Panel > Programs > View "
                 "installed updates instead");
      return -1;
    }
    if(!identity_safe(act->package)) {
      sd_err_set(why, SD_EINVAL, "the package name \"%.80s\" holds "
                 "characters a package identity does not have; srvdoctor "
                 "will not pass it on", act->package);
      return -1;
    }
  }
  if(act->base == SD_BASE_WINDOWS && act->program &&
     !strncmp(act->program, "$NTUninstall", 12)) {
    /* The update's own uninstaller (update.exe packages): its folder must
     * be there in the facts just read. */
    int have_dir = 0;
    for(i = 0; i < f->hotfixes.count; i++)
      have_dir |= sd_strieq(f->hotfixes.items[i].id, "KB974571") &&
                  sd_streq(f->hotfixes.items[i].source, "ntuninstall-dir");
    if(!have_dir) {
      sd_err_set(why, SD_ENOENT, "the uninstall folder "
                 "%s\\$NTUninstallKB974571$ was not found, so the update's "
                 "own uninstaller is not there; remove it in Add or Remove "
                 "Programs (tick Show updates) instead", paths->windows_dir);
      return -1;
    }
  }
  if(take_program(x, paths, a, p, why))
    return -1;
  p->what = sd_arena_printf(a,
    "Remove security update KB974571: start %s by its full path with the "
    "arguments below (the command the finding prints), no shell and no "
    "restart, wait until it ends and report its exit code. srvdoctor never "
    "restarts the machine.", p->program);
  p->after = sd_arena_printf(a,
    "A restart is required to finish removing KB974571; srvdoctor does not "
    "restart the machine. Plan the restart, and afterwards start the Front "
    "End service %s%s%s(RTCSRV) if it is not running: net start RTCSRV. "
    "Then run srvdoctor check --only ocs-kb974571, and plan the permanent "
    "fix Microsoft published for OCS so that KB974571 can be installed "
    "again.", fe_name ? "\"" : "", fe_name ? fe_name : "",
    fe_name ? "\" " : "");
  return 0;
}

int sd_fix_plan_make(const sd_facts *f, const sd_finding *x,
                     const sd_fix_paths *paths, sd_arena *a,
                     sd_fix_plan *p, sd_err *why)
{
  const sd_fix_action *act = sd_fix_action_find(x->code);
  sd_fix_plan tmp;
  int rc;
  memset(&tmp, 0, sizeof(tmp));
  if(!act) {
    sd_err_set(why, SD_EINVAL, "%s has no srvdoctor fix action", x->code);
    return -1;
  }
  if(!x->fixable || !x->target || !*x->target ||
     x->action.kind == SD_ACT_NONE) {
    sd_err_set(why, SD_EINVAL, "the check says this %s finding cannot be "
               "carried out by srvdoctor fix; follow its steps instead",
               x->code);
    return -1;
  }
  if(x->action.kind != (act->kind == SD_FIX_END_WORKER ? SD_ACT_END_WORKER
                                                       : SD_ACT_RUN_PROGRAM)) {
    sd_err_set(why, SD_EINVAL, "the check gave this %s finding an action of "
               "another kind than srvdoctor fix carries out for it",
               x->code);
    return -1;
  }
  tmp.action = act;
  tmp.finding = x;
  tmp.target = x->target;
  if(act->kind == SD_FIX_END_WORKER)
    rc = plan_worker(f, x, paths, a, &tmp, why);
  else if(sd_strieq(act->code, "EXCH-INTERIM-UPDATE"))
    rc = plan_interim_update(f, x, paths, a, &tmp, why);
  else
    rc = plan_kb974571(f, x, paths, a, &tmp, why);
  if(rc == 0)
    *p = tmp;
  return rc;
}
