/* patches.c - exchange-sp2: the Exchange 2007 MSI patches (interim
 * updates block SP2 setup) and the Windows Installer cache of Exchange. */
#include <string.h>

#include "exchange_internal.h"

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
  if(!patch_code || !sd_hv_guid_parse(patch_code, g))
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
 * when it has one (what srvdoctor fix runs), else from the same builder. */
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
      return sd_arena_printf(r->arena, "msiexec /i " SD_EXCH2007_PRODUCT_CODE
                             " MSIPATCHREMOVE=<patch code> /qb /norestart");
    a = &tmp;
  }
  sd_buf_init(&b);
  sd_action_command(a, &b);
  s = sd_arena_strdup(r->arena, b.data);
  sd_buf_free(&b);
  return s;
}

/* ---- patches ---- */

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
    sd_fix_step(r, x, "Write down the patch code %s and the name \"%s\".",
                p->patch_code, name);
    sd_fix_step(r, x, "Open a case with Microsoft support (interim updates "
                "are issued through support cases) and ask how to remove "
                "this interim update before installing Exchange 2007 SP2.");
    sd_fix_step(r, x, "After it has been removed, run srvdoctor again; this "
                "finding must be gone.");
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
  sd_fix_step(r, x, "Plan a short outage (removing the update restarts "
              "the Exchange services) and log on to this server as a local "
              "administrator.");
  sd_fix_step(r, x, "Open an elevated Command Prompt (right-click Command "
              "Prompt, Run as administrator).");
  sd_fix_step(r, x, "Type this command exactly and press Enter: %s", cmd);
  sd_fix_step(r, x, "Wait until the progress window closes. If it asks for "
              "a restart, restart the server.");
  sd_fix_step(r, x, "Alternatively: Control Panel > Programs and Features > "
              "View installed updates (Windows Server 2003: Add or Remove "
              "Programs with \"Show updates\" ticked), select \"%s\" and "
              "click Uninstall.", name);
  sd_fix_step(r, x, "Run srvdoctor again; this finding must be gone.");
  sd_fix_cmd(r, x, "%s", cmd);
}

static void report_unclassified(sd_exch_ctx *c, const sd_msi_patch *p)
{
  sd_module_result *r = c->r;
  sd_finding *x = sd_exch_add(c, "EXCH-PATCH-UNCLASSIFIED");
  sd_finding_msg(r, x, "Windows Installer lists patch %s for Exchange 2007 "
                 "with the name \"%s\", which is neither an update rollup "
                 "nor an interim update by name. If it is an interim "
                 "update, SP2 setup will refuse to run.", p->patch_code,
                 sd_str_or(p->display_name, ""));
  patch_evidence(c, x, p);
  sd_fix_summary(r, x, "Find out what this patch is; if it is an interim "
                 "update, uninstall it before SP2 setup.");
  sd_fix_step(r, x, "Open Control Panel > Programs and Features > View "
              "installed updates (Windows Server 2003: Add or Remove "
              "Programs with \"Show updates\" ticked) and find the Exchange "
              "2007 entries.");
  sd_fix_step(r, x, "If an entry there is called \"Interim Update\" or has "
              "no name, it must be removed: from an elevated Command Prompt "
              "run %s", msi_remove_cmd(r, x, p->patch_code));
  sd_fix_step(r, x, "If it is an update rollup or a security update, "
              "nothing needs to be done for SP2.");
  sd_fix_cmd(r, x, "%s", msi_remove_cmd(r, x, p->patch_code));
}

/* The monitoring figure of this part: how many interim updates block SP2,
 * unknown when the patch list could not be read. */
static const sd_measure iu_measure = {
  "exchange_interim_updates", "interim updates", "Exchange 2007 interim "
  "updates installed (EXCH-INTERIM-UPDATE).", SD_UNIT_COUNT, 0, 0, NULL,
  "0"};

void sd_exch_check_patches(sd_exch_ctx *c, sd_exch_patch_summary *ps)
{
  const sd_msi_patch_list *l = &c->f->msi_patches;
  size_t i;
  memset(ps, 0, sizeof(*ps));
  ps->rollup = -1;
  if(l->st.state != SD_ST_READ) {
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
    sd_fix_step(c->r, x, "Run srvdoctor again from an elevated Command "
                "Prompt (right-click, Run as administrator).");
    sd_fix_step(c->r, x, "If this finding stays, open Control Panel > "
                "Programs and Features > View installed updates (Windows "
                "Server 2003: Add or Remove Programs with \"Show updates\" "
                "ticked) and look for entries named \"Interim Update\" under "
                "Microsoft Exchange Server 2007.");
    sd_fix_step(c->r, x, "Uninstall every such entry before SP2 setup.");
    sd_result_measure(c->r, &iu_measure, 0, 0);
    return;
  }
  ps->read = 1;
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
  sd_result_measure(c->r, &iu_measure, 1, (int64_t)ps->ius);
  if(!ps->ius && c->x->iu_marker_st.state == SD_ST_READ && c->x->iu_marker &&
     *c->x->iu_marker && !sd_strieq(c->x->iu_marker, "None")) {
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
    sd_fix_step(c->r, x, "Open Control Panel > Programs and Features > View "
                "installed updates (Windows Server 2003: Add or Remove "
                "Programs with \"Show updates\" ticked).");
    sd_fix_step(c->r, x, "Look for an entry named \"Interim Update\" under "
                "Microsoft Exchange Server 2007 (the value above names it: "
                "%s).", c->x->iu_marker);
    sd_fix_step(c->r, x, "If it is there, uninstall it; if it is not, the "
                "value is a leftover and SP2 setup's own check decides.");
  }
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

void sd_exch_check_msi_cache(sd_exch_ctx *c)
{
  const sd_exch_facts *x = c->x;
  sd_buf missing;
  size_t i;
  int n = 0, nvalue = 0;
  sd_finding *fd;
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
      sd_buf_puts(&missing, "; ");
    sd_buf_printf(&missing, "%s %s%s%s%s: %s", sd_str_or(p->kind, "?"),
                  sd_str_or(p->code, "?"), p->name ? " (" : "",
                  p->name ? p->name : "", p->name ? ")" : "",
                  p->value_st.state == SD_ST_READ
                    ? sd_str_or(p->local_package, "")
                    : "no LocalPackage value");
    if(p->value_st.state != SD_ST_READ)
      nvalue++;
  }
  if(!n) {
    sd_buf_free(&missing);
    return;
  }
  fd = sd_exch_add(c, "EXCH-MSI-CACHE-MISSING");
  sd_finding_msg(c->r, fd, "Windows Installer's cached copy of %d Exchange "
                 "package%s is missing from %%windir%%\\Installer (%s). "
                 "Exchange 2007 SP2 setup and the removal of an interim "
                 "update open these files and fail without them.", n,
                 n == 1 ? "" : "s", missing.data);
  sd_ev_str(c->r, fd, "missing", missing.data);
  sd_ev_int(c->r, fd, "missing_count", n);
  sd_ev_int(c->r, fd, "packages_checked", (int64_t)x->nmsi_cache);
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
  sd_fix_summary(c->r, fd, "Put an identical copy of each missing package "
                 "back into %%windir%%\\Installer under the exact file name "
                 "Windows Installer expects, before SP2 setup or any patch "
                 "removal.");
  sd_fix_step(c->r, fd, "Do not start SP2 setup or remove an update until "
              "this finding is gone: setup stops half-way and can leave "
              "Exchange unusable.");
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state != SD_ST_ABSENT || p->value_st.state != SD_ST_READ)
      continue;
    sd_fix_step(c->r, fd, "For %s %s%s%s%s: get it from %s, and copy it to "
                "%s (rename the copy to exactly that name).",
                sd_str_or(p->kind, "?"), sd_str_or(p->code, "?"),
                p->name ? " (" : "", p->name ? p->name : "",
                p->name ? ")" : "", cache_origin_of(p->kind),
                sd_str_or(p->local_package, "?"));
  }
  sd_fix_step(c->r, fd, "Alternatively, copy the files from another "
              "Exchange 2007 server with the same build and the same "
              "updates: on that server, read the LocalPackage value for "
              "the same product or patch code (under "
              "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer"
              "\\UserData\\S-1-5-18), copy that file and rename it to the "
              "name this server expects.");
  if(nvalue)
    sd_fix_step(c->r, fd, "Where the report says \"no LocalPackage value\", "
                "Windows Installer's own registration is damaged and no file "
                "name is known: restore the registry key from a backup or "
                "open a case with Microsoft support before SP2 setup.");
  sd_fix_step(c->r, fd, "Run srvdoctor again; this finding must be gone.");
  sd_buf_free(&missing);
}
