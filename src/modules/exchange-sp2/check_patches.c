/* patches.c - exchange-sp2: the Exchange 2007 MSI patches (interim
 * updates block SP2 setup) and the Windows Installer cache of Exchange. */
#include <string.h>

#include "check.h"

/* Removes an Exchange 2007 patch: msiexec /i {product} MSIPATCHREMOVE=
 * {patch} (Microsoft, "Uninstalling Patches", Windows Installer; the
 * Exchange 2007 interim update instructions).  /qb: a progress window that
 * asks nothing, /norestart: never a restart; the same switches for a
 * person at the prompt and for srvdoctor fix (docs/fix.md). */
static const char *const msi_remove_switches[] = {"/qb", "/norestart"};

/* The removal of patch_code as an action.  0, or -1 when the patch code is
 * not a GUID (then nothing is safe to pass on). */
static int msi_remove_action(sd_module_result *r, sd_action *a,
                             const char *patch_code)
{
  char g[37];
  size_t i;
  if(!patch_code || !sd_guid_parse(patch_code, g))
    return -1;
  a->kind = SD_ACT_RUN_PROGRAM;
  a->base = SD_BASE_SYSTEM;
  a->program = "msiexec.exe";
  a->product_code = SD_EXCH2007_PRODUCT_CODE;
  a->patch_code = sd_arena_printf(r->arena, "{%s}", g);
  sd_action_arg(r, a, "/i");
  sd_action_arg(r, a, a->product_code);
  sd_action_arg(r, a, sd_arena_printf(r->arena, "MSIPATCHREMOVE=%s",
                                      a->patch_code));
  for(i = 0; i < SD_COUNTOF(msi_remove_switches); i++)
    sd_action_arg(r, a, msi_remove_switches[i]);
  return 0;
}

/* The command that removes patch_code, rendered from the finding's action
 * when it has one (what srvdoctor fix runs), else from the same builder;
 * NULL when the patch code is not a GUID (nothing pasteable to print). */
static const char *msi_remove_cmd(sd_module_result *r, const sd_finding *x,
                                  const char *patch_code)
{
  sd_action tmp;
  const sd_action *a = &x->action;
  const char *s;
  sd_buf b;
  if(a->kind != SD_ACT_RUN_PROGRAM) {
    memset(&tmp, 0, sizeof(tmp));
    if(msi_remove_action(r, &tmp, patch_code))
      return NULL;
    a = &tmp;
  }
  sd_buf_init(&b);
  sd_action_command(a, &b);
  s = sd_arena_strdup(r->arena, b.data);
  sd_buf_free(&b);
  return s;
}

/* ---- patches ---- */

/* Where Windows Installer registers each patch of a per-machine product:
 * HKLM\<this>\<packed product code>\Patches\<packed patch code>, with the
 * values DisplayName, MoreInfoURL, Installed, State, Uninstallable (facts
 * §2.2: the MsiGetPatchInfoEx properties [MSI-PROP], read there by
 * Get-ExchangeVersion [MDR] and public rollup-inventory scripts; the packed
 * form is facts §2.3, src/core/msiguid.c).  EXCH-PATCH-UNCLASSIFIED's
 * read-only "reg query" of that key shows the patch's name and KB. */
#define SD_EXCH_MSI_PRODUCTS_KEY "SOFTWARE\\Microsoft\\Windows\\" \
  "CurrentVersion\\Installer\\UserData\\S-1-5-18\\Products"

typedef enum pclass { P_IU, P_UR, P_SECURITY, P_UNKNOWN } pclass;

static pclass classify(const char *name)
{
  if(!name || !*name)
    return P_UNKNOWN;
  if(sd_stristr(name, "Interim Update"))
    return P_IU;
  if(sd_stristr(name, "Update Rollup"))
    return P_UR;
  if(sd_stristr(name, "Security Update"))
    return P_SECURITY;
  return P_UNKNOWN;
}

static const char *pclass_name(pclass p)
{
  switch(p) {
  case P_IU: return "interim update";
  case P_UR: return "update rollup";
  case P_SECURITY: return "security update";
  default: return "unknown";
  }
}

/* "KB123456" from a display name, or NULL. */
static const char *kb_of(sd_module_result *r, const char *name)
{
  const char *p = name;
  while(p && (p = sd_stristr(p, "KB")) != NULL) {
    size_t n = 0;
    while(p[2 + n] >= '0' && p[2 + n] <= '9')
      n++;
    if(n >= 5 && n <= 8)
      return sd_arena_printf(r->arena, "KB%.*s", (int)n, p + 2);
    p += 2;
  }
  return NULL;
}

/* The rollup number of "Update Rollup 9 for Exchange Server 2007 SP1". */
static long rollup_of(const char *name)
{
  const char *p = sd_stristr(name, "Update Rollup");
  long n = 0;
  int digits = 0;
  if(!p)
    return -1;
  p += strlen("Update Rollup");
  while(*p == ' ')
    p++;
  while(*p >= '0' && *p <= '9' && digits < 4) {
    n = n * 10 + (*p - '0');
    p++;
    digits++;
  }
  return digits ? n : -1;
}

static const char *patch_state_name(uint32_t s)
{
  switch(s) {
  case 1: return "applied";
  case 2: return "superseded";
  case 4: return "obsoleted";
  case 8: return "registered";
  default: return "unknown";
  }
}

static void patch_evidence(sd_exch_ctx *c, sd_finding *x, const sd_msi_patch *p)
{
  const char *kb = kb_of(c->r, p->display_name);
  sd_ev_str(c->r, x, "patch_code", p->patch_code);
  sd_ev_str(c->r, x, "display_name", sd_str_or(p->display_name, ""));
  if(kb)
    sd_ev_str(c->r, x, "kb", kb);
  sd_ev_str(c->r, x, "product_code", SD_EXCH2007_PRODUCT_CODE);
  sd_ev_str(c->r, x, "state", patch_state_name(p->state));
  sd_ev_bool(c->r, x, "uninstallable", p->uninstallable);
  if(p->install_date)
    sd_ev_str(c->r, x, "install_date", p->install_date);
  if(p->more_info_url)
    sd_ev_str(c->r, x, "more_info_url", p->more_info_url);
  sd_ev_str(c->r, x, "classified_as", pclass_name(classify(p->display_name)));
  sd_ev_str(c->r, x, "read_from", sd_str_or(p->source, "unknown"));
}

static int is_exch_patch(const sd_msi_patch *p)
{
  return p->product_code && sd_strieq(p->product_code,
                                      SD_EXCH2007_PRODUCT_CODE) &&
         p->patch_code && *p->patch_code;
}

/* The steps of EXCH-INTERIM-UPDATE for a removable patch: look that it is
 * listed, remove it (the command fix runs, or Control Panel), restart only
 * if asked, look again. */
static void iu_steps(sd_exch_ctx *c, sd_finding *x, const char *name,
                     const char *cmd, const char *patch_code)
{
  sd_module_result *r = c->r;
  unsigned remove;
  sd_step_add(r, x, SD_STEP_LOOK, "Confirm that the update is listed: open "
              "Control Panel > Programs and Features > View installed "
              "updates (Windows Server 2003: Add or Remove Programs with "
              "\"Show updates\" ticked) and find \"%s\" under Microsoft "
              "Exchange Server 2007. Do not click anything yet.", name);
  sd_step_expect(r, x, "an entry named \"%s\"", name);
  sd_step_add(r, x, SD_STEP_LOOK, "Plan a short outage (removing the update "
              "restarts the Exchange services), log on to this server as a "
              "local administrator and open an elevated Command Prompt "
              "(right-click Command Prompt, Run as administrator).");
  if(cmd) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Remove the interim update: type this "
                "command exactly, press Enter and wait until the progress "
                "window closes.");
    sd_step_cmd(r, x, "%s", cmd);
    remove = sd_step_number(x);
    sd_step_alt(r, x, SD_STEP_CHANGE, "Instead of the command: in the list "
                "of step 1, select \"%s\" and click Uninstall (use one way, "
                "not both).", name);
  }
  else {
    sd_step_add(r, x, SD_STEP_CHANGE, "Remove the interim update: in the "
                "list of step 1, select \"%s\" and click Uninstall (its "
                "patch code %s is not a GUID, so srvdoctor prints no "
                "command for it).", name, patch_code);
    remove = sd_step_number(x);
  }
  if(x->fixable)
    sd_fix_steps(r, x, remove, remove, sd_arena_printf(r->arena,
                 "This removes %s (patch %s) from Exchange 2007; the "
                 "Exchange services restart while it runs.", name,
                 patch_code));
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server (Start > Shut "
              "Down > Restart) in the planned outage.");
  sd_step_when(r, x, "Only if the removal in step %u asked for a restart",
               remove);
  sd_exch_step_recheck(c, x);
}

static void report_iu(sd_exch_ctx *c, const sd_msi_patch *p)
{
  sd_module_result *r = c->r;
  const char *kb = kb_of(r, p->display_name);
  const char *name = sd_str_or(p->display_name, p->patch_code);
  sd_finding *x = sd_exch_add(c, "EXCH-INTERIM-UPDATE");
  const char *cmd;
  sd_finding_msg(r, x, "%s (patch %s) is installed. Exchange 2007 SP2 setup "
                 "cannot run while any interim update is installed; it must "
                 "be uninstalled first.", name, p->patch_code);
  patch_evidence(c, x, p);
  if(!p->uninstallable) {
    sd_fix_summary(r, x, "Windows Installer marks this interim update as not "
                   "removable, so it cannot be uninstalled with the usual "
                   "command; get a removal procedure from whoever supplied "
                   "it (normally Microsoft support) before SP2 setup.");
    sd_step_add(r, x, SD_STEP_LOOK, "Write down the patch code %s and the "
                "name \"%s\".", p->patch_code, name);
    sd_step_add(r, x, SD_STEP_LOOK, "Do not try to remove it yourself. Give "
                "both to the Exchange administrator, who opens a case with "
                "Microsoft support (interim updates are issued through "
                "support cases) and asks how to remove this interim update "
                "before installing Exchange 2007 SP2.");
    sd_step_add(r, x, SD_STEP_LOOK, "After it has been removed, run "
                "srvdoctor again to confirm:");
    sd_step_cmd(r, x, "srvdoctor check --only exchange-sp2");
    sd_step_expect(r, x, "no EXCH-INTERIM-UPDATE for patch %s",
                   p->patch_code);
    return;
  }
  {
    sd_action a;
    memset(&a, 0, sizeof(a));
    if(msi_remove_action(r, &a, p->patch_code) == 0) {
      *sd_finding_action(r, x, SD_ACT_RUN_PROGRAM) = a;
      sd_fix_target(r, x, p->patch_code);
    }
  }
  cmd = msi_remove_cmd(r, x, p->patch_code);
  sd_fix_summary(r, x, "Uninstall %s before running SP2 setup.",
                 kb ? kb : "this interim update");
  iu_steps(c, x, name, cmd, p->patch_code);
}

static void report_unclassified(sd_exch_ctx *c, const sd_msi_patch *p)
{
  sd_module_result *r = c->r;
  char pprod[33], ppatch[33];
  sd_finding *x = sd_exch_add(c, "EXCH-PATCH-UNCLASSIFIED");
  sd_finding_msg(r, x, "Windows Installer lists patch %s for Exchange 2007 "
                 "with the name \"%s\", which is neither an update rollup "
                 "nor an interim update by name. If it is an interim "
                 "update, SP2 setup will refuse to run.", p->patch_code,
                 sd_str_or(p->display_name, ""));
  patch_evidence(c, x, p);
  sd_fix_summary(r, x, "Identify this patch (read-only) and hand it to the "
                 "Exchange administrator; never remove an unidentified patch "
                 "from a production Exchange server.");
  if(!sd_msi_guid_pack(SD_EXCH2007_PRODUCT_CODE, pprod) &&
     !sd_msi_guid_pack(p->patch_code, ppatch)) {
    sd_step_add(r, x, SD_STEP_LOOK, "Read what Windows Installer records "
                "about this patch (read-only): open a Command Prompt and "
                "run:");
    sd_step_cmd(r, x, "reg query \"HKLM\\" SD_EXCH_MSI_PRODUCTS_KEY
                "\\%s\\Patches\\%s\"", pprod, ppatch);
    sd_step_expect(r, x, "lines starting with DisplayName and MoreInfoURL "
                   "(either may be empty): the patch's name, usually with "
                   "its KB number, and its Microsoft web page");
  }
  else {
    sd_step_add(r, x, SD_STEP_LOOK, "The patch code \"%s\" is not a GUID, "
                "so srvdoctor cannot name its registry key; look at the "
                "Exchange 2007 entries in the list below instead.",
                p->patch_code);
  }
  sd_step_alt(r, x, SD_STEP_LOOK, "Open Control Panel > Programs and "
              "Features > View installed updates (Windows Server 2003: Add "
              "or Remove Programs with \"Show updates\" ticked) and read the "
              "name and KB number of the Exchange 2007 entries. Do not click "
              "Uninstall.");
  sd_step_add(r, x, SD_STEP_LOOK, "If the name or the KB article says "
              "update rollup or security update, it does not block SP2: "
              "note it and go on with the other findings.");
  sd_step_add(r, x, SD_STEP_LOOK, "Otherwise (an interim update, or no name "
              "at all), do not remove it yourself: give the patch code %s, "
              "its name and what step 1 showed to the Exchange "
              "administrator, who decides with Microsoft support whether "
              "and how it is removed before SP2 setup.", p->patch_code);
}

/* The monitoring figure of this part: how many interim updates block SP2,
 * unknown when the patch list could not be read. */
static const sd_measure iu_measure = {
  "exchange_interim_updates", "interim updates", "Exchange 2007 interim "
  "updates installed (EXCH-INTERIM-UPDATE).", SD_UNIT_COUNT, 0, 0, NULL,
  "0"};

/* EXCH-PATCHES-UNREADABLE: the patch list could not be read, so the
 * interim updates are unknown (and so is the figure). */
static void report_patches_unreadable(sd_exch_ctx *c,
                                      const sd_msi_patch_list *l)
{
  sd_finding *x = sd_exch_add(c, "EXCH-PATCHES-UNREADABLE");
  sd_finding_msg(c->r, x, "The list of Windows Installer patches could not "
                 "be read (%s), so srvdoctor cannot tell whether an "
                 "interim update is installed. This is not the same as "
                 "\"no interim updates\": SP2 setup will still stop if "
                 "one is there.", sd_exch_why_of(&l->st));
  sd_ev_str(c->r, x, "patch_list_state", sd_state_name(l->st.state));
  sd_ev_str(c->r, x, "why", sd_exch_why_of(&l->st));
  if(l->method)
    sd_ev_str(c->r, x, "method", l->method);
  sd_ev_str(c->r, x, "product_code", SD_EXCH2007_PRODUCT_CODE);
  sd_fix_summary(c->r, x, "Check for interim updates by hand, or run "
                 "srvdoctor again elevated so it can read them.");
  sd_exch_step_elevated(c, x);
  sd_step_add(c->r, x, SD_STEP_LOOK, "If this finding stays, open Control "
              "Panel > Programs and Features > View installed updates "
              "(Windows Server 2003: Add or Remove Programs with \"Show "
              "updates\" ticked) and look for entries named \"Interim "
              "Update\" under Microsoft Exchange Server 2007.");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Uninstall each such entry (select "
              "it, Uninstall) in a planned outage before SP2 setup.");
  sd_step_when(c->r, x, "Only if step %u showed an entry named \"Interim "
               "Update\"", sd_step_number(x) - 1);
  sd_result_measure(c->r, &iu_measure, 0, 0);
}

/* Count Exchange's patches by class into ps, reporting each interim
 * update and each patch whose class is not known. */
static void sort_patches(sd_exch_ctx *c, const sd_msi_patch_list *l,
                         sd_exch_patch_summary *ps)
{
  size_t i;
  for(i = 0; i < l->count; i++) {
    const sd_msi_patch *p = &l->items[i];
    pclass k;
    if(!is_exch_patch(p))
      continue;
    k = classify(p->display_name);
    if(k == P_IU) {
      ps->ius++;
      report_iu(c, p);
    }
    else if(k == P_UR) {
      long n = rollup_of(p->display_name);
      ps->rollups++;
      if(n > ps->rollup)
        ps->rollup = n;
    }
    else if(k == P_SECURITY) {
      ps->security++;
    }
    else {
      report_unclassified(c, p);
    }
  }
}

/* EXCH-IU-MARKER: setup's InterimUpdate value names an update Windows
 * Installer does not list. */
static void report_iu_marker(sd_exch_ctx *c)
{
  sd_finding *x = sd_exch_add(c, "EXCH-IU-MARKER");
  sd_finding_msg(c->r, x, "The value InterimUpdate under "
                 "HKLM\\SOFTWARE\\Microsoft\\Exchange\\Setup reads \"%s\", "
                 "but Windows Installer lists no interim update for "
                 "Exchange 2007. Either the update was removed and the "
                 "value was left behind, or the update is registered in a "
                 "way srvdoctor cannot see.", c->x->iu_marker);
  sd_ev_str(c->r, x, "interim_update_value", c->x->iu_marker);
  sd_ev_int(c->r, x, "msi_interim_updates", 0);
  sd_fix_summary(c->r, x, "Confirm in Programs and Features that no "
                 "interim update is installed before SP2 setup.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Open Control Panel > Programs and "
              "Features > View installed updates (Windows Server 2003: Add "
              "or Remove Programs with \"Show updates\" ticked) and look "
              "for an entry named \"Interim Update\" under Microsoft "
              "Exchange Server 2007 (the value above names it: %s).",
              c->x->iu_marker);
  sd_step_add(c->r, x, SD_STEP_LOOK, "If there is none, the value is a "
              "leftover: nothing to remove, SP2 setup's own check "
              "decides.");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Uninstall it (select it, "
              "Uninstall) in a planned outage before SP2 setup.");
  sd_step_when(c->r, x, "Only if step 1 showed such an entry");
}

void sd_exch_check_patches(sd_exch_ctx *c, sd_exch_patch_summary *ps)
{
  const sd_msi_patch_list *l = &c->f->msi_patches;
  memset(ps, 0, sizeof(*ps));
  ps->rollup = -1;
  if(l->st.state != SD_ST_READ) {
    report_patches_unreadable(c, l);
    return;
  }
  ps->read = 1;
  sort_patches(c, l, ps);
  sd_result_measure(c->r, &iu_measure, 1, (int64_t)ps->ius);
  if(!ps->ius && c->x->iu_marker_st.state == SD_ST_READ && c->x->iu_marker &&
     *c->x->iu_marker && !sd_strieq(c->x->iu_marker, "None"))
    report_iu_marker(c);
}

/* ---- the Windows Installer cache ----
 *
 * Windows Installer keeps a copy of the product's .msi and of every
 * applied .msp in %windir%\Installer (the LocalPackage property, facts
 * §2.2 [MSI-PROP]); a service pack upgrade and the removal of a patch open
 * them, and fail when one is gone ("Troubleshooting Update Rollup
 * Installations", technet ff772434(v=exchg.80): the Windows Installer
 * directory may be missing .msp or .msi files; CSS-Exchange SetupAssist
 * "Msi Cache File" check and its FixInstallerCache script, facts §5.1).
 * Where each missing package can be found again: */
typedef struct cache_origin {
  const char *kind;       /* sd_exch_cached_pkg.kind */
  const char *where;      /* where an identical copy of the package is */
} cache_origin;

static const cache_origin cache_origins[] = {
  {"product", "the Exchange Server 2007 installation media of the release "
   "that is installed (the RTM or SP1 media, same language and processor "
   "type): the Windows Installer package (.msi) of Exchange on it"},
  {"patch", "the download of that update from Microsoft (Exchange 2007 "
   "update rollups are published as .msp files, "
   "Exchange2007-KB<number>-x64-<language>.msp; an interim update comes "
   "from the support case that supplied it)"},
};

static const char *cache_origin_of(const char *kind)
{
  size_t i;
  for(i = 0; kind && i < SD_COUNTOF(cache_origins); i++)
    if(!strcmp(cache_origins[i].kind, kind))
      return cache_origins[i].where;
  return "the original installation package";
}

/* List the cached packages that are missing ("kind code (name): file")
 * into missing; *nvalue counts those without a LocalPackage value.
 * Unreadable ones are noted as unchecked.  Returns how many are missing. */
static int find_missing(sd_exch_ctx *c, sd_buf *missing, int *nvalue)
{
  const sd_exch_facts *x = c->x;
  size_t i;
  int n = 0;
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state == SD_ST_UNREADABLE) {
      sd_exch_note_unknown(c, sd_arena_printf(c->r->arena, "the cached "
                                              "package of %s %s",
                                              sd_str_or(p->kind, "?"),
                                              sd_str_or(p->code, "?")),
                           &p->file_st);
      continue;
    }
    if(p->file_st.state != SD_ST_ABSENT)
      continue;
    if(n++)
      sd_buf_puts(missing, "; ");
    sd_buf_printf(missing, "%s %s%s%s%s: %s", sd_str_or(p->kind, "?"),
                  sd_str_or(p->code, "?"), p->name ? " (" : "",
                  p->name ? p->name : "", p->name ? ")" : "",
                  p->value_st.state == SD_ST_READ
                    ? sd_str_or(p->local_package, "")
                    : "no LocalPackage value");
    if(p->value_st.state != SD_ST_READ)
      (*nvalue)++;
  }
  return n;
}

/* The file name each missing package is expected under, as evidence. */
static void missing_package_evidence(sd_exch_ctx *c, sd_finding *fd)
{
  const sd_exch_facts *x = c->x;
  size_t i;
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state != SD_ST_ABSENT)
      continue;
    sd_ev_str(c->r, fd, sd_arena_printf(c->r->arena, "package.%s",
                                        sd_str_or(p->code, "?")),
              p->value_st.state == SD_ST_READ
                ? sd_str_or(p->local_package, "")
                : sd_arena_printf(c->r->arena, "no LocalPackage value in %s",
                                  sd_str_or(p->key, "?")));
  }
}

/* A copy step for each missing package whose file name is known, and
 * the alternative of copying from a twin server. */
static void copy_steps(sd_exch_ctx *c, sd_finding *fd)
{
  const sd_exch_facts *x = c->x;
  size_t i;
  int ncopy = 0;
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state != SD_ST_ABSENT || p->value_st.state != SD_ST_READ)
      continue;
    ncopy++;
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "For %s %s%s%s%s: get it from %s, "
                "and copy it to %s (rename the copy to exactly that name).",
                sd_str_or(p->kind, "?"), sd_str_or(p->code, "?"),
                p->name ? " (" : "", p->name ? p->name : "",
                p->name ? ")" : "", cache_origin_of(p->kind),
                sd_str_or(p->local_package, "?"));
  }
  if(ncopy)
    sd_step_alt(c->r, fd, SD_STEP_CHANGE, "Copy the files from another "
              "Exchange 2007 server with the same build and the same "
              "updates: on that server, read the LocalPackage value for "
              "the same product or patch code (under "
              "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer"
              "\\UserData\\S-1-5-18), copy that file and rename it to the "
              "name this server expects.");
}

/* EXCH-MSI-CACHE-MISSING: n cached packages are gone (nvalue of them
 * without a LocalPackage value). */
static void report_cache_missing(sd_exch_ctx *c, const char *missing, int n,
                                 int nvalue)
{
  sd_finding *fd = sd_exch_add(c, "EXCH-MSI-CACHE-MISSING");
  sd_finding_msg(c->r, fd, "Windows Installer's cached copy of %d Exchange "
                 "package%s is missing from %%windir%%\\Installer (%s). "
                 "Exchange 2007 SP2 setup and the removal of an interim "
                 "update open these files and fail without them.", n,
                 n == 1 ? "" : "s", missing);
  sd_ev_str(c->r, fd, "missing", missing);
  sd_ev_int(c->r, fd, "missing_count", n);
  sd_ev_int(c->r, fd, "packages_checked", (int64_t)c->x->nmsi_cache);
  missing_package_evidence(c, fd);
  sd_fix_summary(c->r, fd, "Put an identical copy of each missing package "
                 "back into %%windir%%\\Installer under the exact file name "
                 "Windows Installer expects, before SP2 setup or any patch "
                 "removal.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Do not start SP2 setup or remove an "
              "update until this finding is gone: setup stops half-way and "
              "can leave Exchange unusable. The files it lists are missing "
              "from %%windir%%\\Installer (a hidden system folder: type "
              "the path into the Explorer address bar to look).");
  copy_steps(c, fd);
  if(nvalue)
    sd_step_add(c->r, fd, SD_STEP_LOOK, "Where the report says \"no "
                "LocalPackage value\", Windows Installer's own registration "
                "is damaged and no file name is known: do not edit the "
                "registry; hand it to the Exchange administrator (restore "
                "from a backup or a case with Microsoft support) before SP2 "
                "setup.");
  sd_exch_step_recheck(c, fd);
}

void sd_exch_check_msi_cache(sd_exch_ctx *c)
{
  const sd_exch_facts *x = c->x;
  sd_buf missing;
  int n, nvalue = 0;
  if(x->msi_cache_st.state == SD_ST_ABSENT) {
    sd_exch_note_unknown(c, "the Windows Installer cache of Exchange (Windows "
                         "Installer has no per-machine registration of product "
                         SD_EXCH2007_PRODUCT_CODE ")", NULL);
    return;
  }
  if(x->msi_cache_st.state != SD_ST_READ)
    sd_exch_note_unknown(c, "the Windows Installer cache of Exchange "
                         "(cached .msi and .msp files)", &x->msi_cache_st);
  sd_buf_init(&missing);
  n = find_missing(c, &missing, &nvalue);
  if(n)
    report_cache_missing(c, missing.data, n, nvalue);
  sd_buf_free(&missing);
}
