/* check_steps.c - the ocs-kb974571 check's remediation: per Windows
 * version, the typed steps a helpdesk reader follows, and the action srvdoctor
 * fix runs. */
#include <stdio.h>
#include <string.h>

#include "check.h"

/* ---- remediation: per Windows version ---- */


osv sd_ocs_os_of(const sd_facts *f)
{
  if(f->os.st.state != SD_ST_READ)
    return OS_UNKNOWN;
  if(f->os.major == 5)
    return OS_2003; /* 5.2 Server 2003 (5.0/5.1 use the same update.exe) */
  if(f->os.major == 6 && f->os.minor == 0)
    return OS_2008;
  if(f->os.major > 6 || (f->os.major == 6 && f->os.minor >= 1))
    return OS_2008R2; /* wusa /uninstall works from 7 / 2008 R2 on */
  return OS_UNKNOWN;
}

/* The removal of KB974571 per Windows version: one table, the finding's
 * action is made from it and its printed command rendered from that
 * action, so what a person types is what srvdoctor fix runs.
 * - Windows Server 2003: the update's own uninstaller in
 *   %SystemRoot%\$NTUninstallKB974571$\spuninst (Microsoft KB 824687,
 *   "Command-line switches for Windows software update packages":
 *   /passive shows progress and asks nothing, /norestart).
 * - Windows Server 2008: pkgmgr /up:<CBS package identity> (Microsoft,
 *   "Package Manager Command-Line Options"; wusa /uninstall needs 2008 R2).
 *   pkgmgr does not hold the console, so it is typed after start /w.
 * - Windows Server 2008 R2: wusa /uninstall /kb:974571 (Microsoft KB
 *   934307, "Description of the Windows Update Standalone Installer").
 * /quiet and /norestart: no questions and never a restart, the same for a
 * person at the prompt and for srvdoctor fix (docs/fix.md). */
#define UNINST_2003 "$NTUninstallKB974571$\\spuninst\\spuninst.exe"
static const char *const args_2003[] = {"/passive", "/norestart"};
static const char *const args_2008r2[] = {"/uninstall", "/kb:974571",
                                          "/quiet", "/norestart"};

/* Fill a with the removal for os (ident: the CBS package identity on
 * 2008).  0, or -1 when there is no single command: unknown OS, or 2008
 * without a package identity. */
int sd_ocs_removal_action(sd_module_result *r, sd_action *a, osv os,
                          const char *ident)
{
  size_t i;
  a->kind = SD_ACT_RUN_PROGRAM;
  switch(os) {
  case OS_2003:
    a->base = SD_BASE_WINDOWS;
    a->program = UNINST_2003;
    for(i = 0; i < SD_COUNTOF(args_2003); i++)
      sd_action_arg(r, a, args_2003[i]);
    a->package = KB;
    return 0;
  case OS_2008:
    if(!ident)
      return -1;
    a->base = SD_BASE_SYSTEM;
    a->program = "pkgmgr.exe";
    a->start_wait = 1;
    sd_action_arg(r, a, sd_arena_printf(r->arena, "/up:%s", ident));
    sd_action_arg(r, a, "/quiet");
    sd_action_arg(r, a, "/norestart");
    a->package = sd_arena_strdup(r->arena, ident);
    return 0;
  case OS_2008R2:
    a->base = SD_BASE_SYSTEM;
    a->program = "wusa.exe";
    for(i = 0; i < SD_COUNTOF(args_2008r2); i++)
      sd_action_arg(r, a, args_2008r2[i]);
    a->package = KB;
    return 0;
  default:
    return -1;
  }
}

/* The command of sd_ocs_removal_action for os, for the steps of findings that
 * srvdoctor fix does not act on; NULL when there is none. */
static const char *removal_cmd(sd_module_result *r, const sd_finding *x,
                               osv os, const char *ident)
{
  sd_action tmp;
  const sd_action *a = &x->action;
  const char *s;
  sd_buf b;
  if(a->kind != SD_ACT_RUN_PROGRAM) {
    memset(&tmp, 0, sizeof(tmp));
    if(sd_ocs_removal_action(r, &tmp, os, ident))
      return NULL;
    a = &tmp;
  }
  sd_buf_init(&b);
  sd_action_command(a, &b);
  s = sd_arena_strdup(r->arena, b.data);
  sd_buf_free(&b);
  return s;
}

static const char *restart_cmd(osv os)
{
  return os == OS_2003 ? "shutdown -r -t 0" : "shutdown /r /t 0";
}

/* "0x50 Superseded": the code and name of a class, from the state table. */
const char *sd_ocs_cbs_label(sd_arena *a, sd_cbs_class c)
{
  const sd_cbs_state *st = sd_cbs_state_of(c);
  char buf[48];
  return st ? sd_arena_strdup(a, sd_cbs_state_label(st->code, buf)) : "?";
}

/* Why KB974571 cannot be removed as a stop-gap here, or NULL when it
 * can. */
static const char *no_removal_reason(sd_arena *a, const view *v)
{
  if(v->kb_removable || v->kb_pending_install)
    return NULL;
  if(v->kb_superseded)
    return sd_arena_printf(a, "a later update has superseded it (CBS state "
                           "%s) and carries its change on, so removing "
                           "KB974571 would not take the change away",
                           sd_ocs_cbs_label(a, SD_CBS_SUPERSEDED));
  if(v->kb_permanent)
    return sd_arena_printf(a, "its package is marked permanent (CBS state "
                           "%s) and cannot be removed",
                           sd_ocs_cbs_label(a, SD_CBS_PERMANENT));
  if(v->kb_partial)
    return sd_arena_printf(a, "its package is only partially installed "
                           "(CBS state %s): check Control Panel > Programs "
                           "and Features > View installed updates, or "
                           "finish the installation with a restart first",
                           sd_ocs_cbs_label(a, SD_CBS_PARTIAL));
  return NULL;
}

/* ---- the steps: what the read-only commands print ----
 * Each expect text is worded so that the real output matches it as a
 * person reads it (the columns of sc's output are padded with a varying
 * number of spaces, so no padded line is ever quoted):
 * - sc query NAME prints a line "STATE : 4 RUNNING" (1 STOPPED,
 *   3 STOP_PENDING), padded (Microsoft, "Sc query", Windows Server 2003 to
 *   2008 R2 command reference, dd228922); the flags of a running service
 *   follow on the next line, so the STATE line ends with the state's name.
 * - sc qc NAME prints "START_TYPE : 4 DISABLED", padded (Microsoft,
 *   "Sc qc"); sc config prints "[SC] ChangeServiceConfig SUCCESS".
 * - net start NAME ends with "The <display name> service was started
 *   successfully." (Microsoft, "Net start").
 * - wmic qfe where HotFixID="KB974571" get HotFixID,InstalledOn prints a
 *   line that starts with the KB number, or "No Instance(s) Available."
 *   (Win32_QuickFixEngineering, ../shared/facts/ocs.md section 5).
 * - reg query KEY prints the key's full name from HKEY_LOCAL_MACHINE on.
 * - ver prints "Microsoft Windows [Version 5.2.3790]": 5.2 is Windows
 *   Server 2003, 6.0 Windows Server 2008, 6.1 Windows Server 2008 R2.
 * - LcsError.exe CODE prints the text of an LCS/OCS error code (OCS 2007 R2
 *   Resource Kit tool; Microsoft NextHop, "Office Communications Server
 *   2007 R2 Tool: LcsError", April 2011). */
#define CHECK_CMD "srvdoctor check --only ocs-kb974571"
#define KB_QUERY_2003 "reg query \"HKLM\\SOFTWARE\\Microsoft\\Updates\\" \
  "Windows Server 2003\\SP3\\KB974571\""
#define KB_QUERY_WMIC "wmic qfe where HotFixID=\"KB974571\" get " \
  "HotFixID,InstalledOn"

/* The sentence the dry run of srvdoctor fix repeats (the removal step warns
 * the same way).  CVEs: bulletin MS09-056, Microsoft's security bulletin
 * summary for October 2009 (../shared/facts/ocs.md section 1). */
#define REMOVAL_WARNING "This removes security update KB974571 and " \
  "reopens the CryptoAPI vulnerabilities MS09-056 fixes (CVE-2009-2510, " \
  "CVE-2009-2511) until it is installed again."

/* More than one service in a step's commands. */
static int many_services(const view *v, int fe)
{
  return (fe ? 1u : 0u) + v->nroles_down > 1;
}

static const char *state_expect(sd_arena *a, const char *state, int many)
{
  return sd_arena_printf(a, "%sa line that starts with STATE and ends with "
                         "%s", many ? "for each service, " : "", state);
}

/* "sc query" of the Front End (fe) and of every other role KB974571
 * stopped; the number of commands added. */
static size_t state_cmds(sd_module_result *r, sd_finding *x, const view *v,
                         int fe)
{
  size_t i, n = 0;
  if(fe) {
    sd_step_cmd(r, x, "sc query " FE_NAME);
    n++;
  }
  for(i = 0; i < v->nroles_down; i++, n++)
    sd_step_cmd(r, x, "sc query %s", sd_str_or(v->roles_down[i]->name, "?"));
  return n;
}

/* "the Front End", "the Mediation Server (RTCMEDSRV)", or both. */
static const char *services_label(sd_module_result *r, const view *v, int fe)
{
  sd_buf b;
  size_t i, n = v->nroles_down + (fe ? 1 : 0), k = 0;
  const char *s;
  sd_buf_init(&b);
  if(fe) {
    sd_buf_printf(&b, "the Front End (%s)", FE_NAME);
    k++;
  }
  for(i = 0; i < v->nroles_down; i++, k++)
    sd_buf_printf(&b, "%sthe %s", k == 0 ? "" : k + 1 == n ? " and " : ", ",
                  sd_ocs_role_label(r->arena, v->roles_down[i]));
  s = sd_arena_strdup(r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return s;
}

/* Look: the services are down, as srvdoctor saw. */
static unsigned look_down_step(sd_module_result *r, sd_finding *x,
                               const view *v, int fe)
{
  int pending = fe && v->fe && v->fe->state == SD_SVC_STOP_PENDING;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_LOOK, "Confirm that %s %s stopped: in a Command "
              "Prompt run %s:", services_label(r, v, fe),
              many ? "are" : "is", many ? "these commands" : "this command");
  state_cmds(r, x, v, fe);
  sd_step_expect(r, x, "%s", state_expect(r->arena, pending
                 ? "STOPPED or STOP_PENDING" : "STOPPED", many));
  return sd_step_number(x);
}

/* Change: the permanent fix, OCSASNFix.exe (../shared/facts/ocs.md
 * section 6: run from an elevated prompt on every LCS/OCS server). */
static unsigned fix_tool_step(sd_module_result *r, sd_finding *x,
                              const char *when)
{
  sd_step_add(r, x, SD_STEP_CHANGE, "Run OCSASNFix.exe, the permanent fix "
              "Microsoft published for this problem (download it from the "
              "known issues section of http://support.microsoft.com/kb/974571;"
              " it is needed on this server and on every other LCS/OCS "
              "server of the same pool). Open a Command Prompt as "
              "administrator (right-click Command Prompt, \"Run as "
              "administrator\"; on Windows Server 2003 log on as an "
              "administrator), change to the folder that holds "
              "OCSASNFix.exe and run this command:");
  sd_step_cmd(r, x, "OCSASNFix.exe");
  if(when)
    sd_step_when(r, x, "%s", when);
  return sd_step_number(x);
}

/* Change: start the services (net start); 0 when there is none. */
static unsigned start_step(sd_module_result *r, sd_finding *x,
                           const view *v, int fe)
{
  size_t i;
  if(!fe && !v->nroles_down)
    return 0;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_CHANGE, "Start %s: in a Command Prompt opened "
              "as administrator run %s:", services_label(r, v, fe),
              many ? "these commands" : "this command");
  if(fe)
    sd_step_cmd(r, x, "net start " FE_NAME);
  for(i = 0; i < v->nroles_down; i++)
    sd_step_cmd(r, x, "net start %s", sd_str_or(v->roles_down[i]->name, "?"));
  sd_step_expect(r, x, "%sa line that ends with \"service was started "
                 "successfully.\"", many ? "for each service, " : "");
  return sd_step_number(x);
}

/* Look: the services run; its number (named by the stop-gap's
 * condition).  Then a Communicator sign-in and srvdoctor once more. */
static unsigned verify_steps(sd_module_result *r, sd_finding *x,
                             const view *v, int fe)
{
  unsigned n;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_LOOK, "Check that %s now %s: run %s:",
              services_label(r, v, fe), many ? "run" : "runs",
              many ? "these commands" : "this command");
  state_cmds(r, x, v, fe);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", many));
  n = sd_step_number(x);
  if(fe)
    sd_step_add(r, x, SD_STEP_LOOK, "Sign in with Office Communicator as a "
                "test user of this server and send an instant message.");
  sd_step_add(r, x, SD_STEP_LOOK, "Run srvdoctor again (in the folder that "
              "holds srvdoctor.exe):");
  sd_step_cmd(r, x, CHECK_CMD);
  sd_step_expect(r, x, "a line with %s", v->present == TRI_NO
                 ? "OCS-NOT-INSTALLED" : "OCS-OK");
  return n;
}

/* Look: is KB974571 installed (read-only, per Windows version). */
static unsigned kb_look_step(sd_module_result *r, sd_finding *x, osv os)
{
  sd_step_add(r, x, SD_STEP_LOOK, "Check whether security update KB974571 "
              "is installed: run this command:");
  if(os == OS_2003) {
    sd_step_cmd(r, x, KB_QUERY_2003);
    sd_step_expect(r, x, "a line that starts with HKEY_LOCAL_MACHINE and "
                   "ends with KB974571 when it is installed (an error "
                   "message when it is not)");
  }
  else {
    sd_step_cmd(r, x, KB_QUERY_WMIC);
    sd_step_expect(r, x, "a line that starts with KB974571 when it is "
                   "installed (\"No Instance(s) Available.\" when it is "
                   "not)");
  }
  return sd_step_number(x);
}

/* The Control Panel way to remove the update, as an alternative of the
 * removal step (same condition). */
static void removal_panel_alt(sd_module_result *r, sd_finding *x, osv os,
                              const char *when)
{
  if(os == OS_2003)
    sd_step_alt(r, x, SD_STEP_LAST_RESORT, "In Control Panel > Add or "
                "Remove Programs, tick \"Show updates\", select the entry "
                "that ends with (KB974571) and click Remove.");
  else
    sd_step_alt(r, x, SD_STEP_LAST_RESORT, "In Control Panel > Programs "
                "and Features > View installed updates, select the entry "
                "that ends with (KB974571) and click Uninstall.");
  sd_step_when(r, x, "%s", when);
}

/* Last resort: remove KB974571 with this Windows version's command (the
 * finding's action when it has one); its step number. */
static unsigned removal_steps(sd_module_result *r, sd_finding *x, osv os,
                              const char *ident, const char *when)
{
  static const char lead[] = "Remove security update KB974571 so that the "
    "LCS/OCS services can start after a restart. Warning: this reopens the "
    "CryptoAPI vulnerabilities MS09-056 fixes (CVE-2009-2510, "
    "CVE-2009-2511) until the update is installed again.";
  const char *cmd = removal_cmd(r, x, os, ident);
  unsigned ver;
  if(os != OS_UNKNOWN && cmd) {
    sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s In a Command Prompt "
                "opened as administrator run this command%s:", lead,
                  os == OS_2008
                ? " (wusa.exe cannot remove updates on Windows Server 2008)"
                : "");
    sd_step_cmd(r, x, "%s", cmd);
    sd_step_when(r, x, "%s", when);
    removal_panel_alt(r, x, os, when);
    return sd_step_number(x);
  }
  if(os == OS_2008) { /* no package identity: Control Panel only */
    sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s In Control Panel > Programs "
                "and Features > View installed updates, select the entry "
                "that ends with (KB974571) and click Uninstall.", lead);
    sd_step_when(r, x, "%s", when);
    return sd_step_number(x);
  }
  /* The Windows version was not read: the reader looks it up first. */
  sd_step_add(r, x, SD_STEP_LOOK, "Find out this server's Windows version: "
              "run this command:");
  sd_step_cmd(r, x, "ver");
  sd_step_expect(r, x, "a line such as Microsoft Windows [Version "
                 "5.2.3790]: 5.2 is Windows Server 2003, 6.0 is Windows "
                 "Server 2008, 6.1 is Windows Server 2008 R2");
  sd_step_when(r, x, "%s", when);
  ver = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s On Windows Server 2003 (step %u "
              "showed Version 5.2), in a Command Prompt opened as "
              "administrator run this command:", lead, ver);
  sd_step_cmd(r, x, "%s", removal_cmd(r, x, OS_2003, NULL));
  sd_step_when(r, x, "%s", when);
  sd_step_alt(r, x, SD_STEP_LAST_RESORT, "On Windows Server 2008 R2 (step "
              "%u showed Version 6.1), in a Command Prompt opened as "
              "administrator run this command:", ver);
  sd_step_cmd(r, x, "%s", removal_cmd(r, x, OS_2008R2, NULL));
  sd_step_when(r, x, "%s", when);
  sd_step_alt(r, x, SD_STEP_LAST_RESORT, "On Windows Server 2008 (step %u "
              "showed Version 6.0): in Control Panel > Programs and Features "
              "> View installed updates, select the entry that ends with "
              "(KB974571) and click Uninstall (wusa.exe cannot remove "
              "updates on Windows Server 2008).", ver);
  sd_step_when(r, x, "%s", when);
  return sd_step_number(x);
}

/* The stop-gap, after the permanent fix: remove KB974571 (when), restart,
 * look again, put the update back.  fixer: the OCSASNFix step.  The
 * removal step's number, 0 when the update cannot be removed here. */
static unsigned stopgap_steps(sd_module_result *r, sd_finding *x, osv os,
                              const view *v, const char *when,
                              unsigned fixer, int fe)
{
  const char *why = no_removal_reason(r->arena, v);
  const char *ident = v->cbs_identity ? v->cbs_identity
                                      : v->pending_identity;
  unsigned rm, rs;
  if(why) {
    sd_step_add(r, x, SD_STEP_LOOK, "There is no stop-gap here: KB974571 "
                "cannot be removed because %s. OCSASNFix.exe (step %u) is "
                "the way to bring the service back; if it does not help, "
                "escalate to the LCS/OCS administrator.", why, fixer);
    sd_step_when(r, x, "%s", when);
    return 0;
  }
  rm = removal_steps(r, x, os, ident, when);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server so that the "
              "removal takes effect (users of this server are cut off until "
              "it is back): run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only if you carried out step %u", rm);
  rs = sd_step_number(x);
  if(fe || v->nroles_down) {
    int many = many_services(v, fe);
    sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that %s %s: "
                "run %s:", services_label(r, v, fe), many ? "run" : "runs",
                many ? "these commands" : "this command");
    state_cmds(r, x, v, fe);
    sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", many));
    sd_step_when(r, x, "Only if you carried out step %u", rs);
  }
  sd_step_add(r, x, SD_STEP_CHANGE, "Put the update back as soon as "
              "OCSASNFix.exe can be run: install KB974571 again with "
              "Windows Update, then run OCSASNFix.exe as in step %u before "
              "the server is restarted again, so that the server is "
              "protected from MS09-056 again.", fixer);
  sd_step_when(r, x, "Only if you carried out step %u", rm);
  return rm;
}

/* The steps of OCS-KB974571-ROLE-DOWN. */
void sd_ocs_roles_down_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v)
{
  unsigned fixer, seen = 0, act = 0;
  const char *when;
  if(v->nroles_down)
    look_down_step(r, x, v, 0);
  else
    kb_look_step(r, x, os);
  fixer = fix_tool_step(r, x, NULL);
  if(v->nroles_down) {
    start_step(r, x, v, 0);
    seen = verify_steps(r, x, v, 0);
  }
  if(v->activation && v->kb == TRI_YES) {
    sd_step_add(r, x, SD_STEP_LOOK, "Activating an LCS/OCS server role "
                "fails with 0xC3EC78D8 while KB974571 is installed. To "
                "activate one: remove KB974571 and restart (the next steps), "
                "activate the role, then put the update back as the last "
                "step says.");
    act = sd_step_number(x);
  }
  if(seen && act)
    when = sd_arena_printf(r->arena, "Only if step %u did not show RUNNING "
                           "for every role, or to activate a role (step %u)",
                           seen, act);
  else if(seen)
    when = sd_arena_printf(r->arena, "Only if step %u did not show RUNNING "
                           "for every role", seen);
  else if(act)
    when = sd_arena_printf(r->arena, "Only to activate a role (step %u)",
                           act);
  else
    when = sd_arena_printf(r->arena, "Only if step %u (OCSASNFix.exe) "
                           "could not be done", fixer);
  stopgap_steps(r, x, os, v, when, fixer, 0);
}

/* The steps of OCS-KB974571-FE-DOWN: the permanent fix, then the removal
 * as the last resort; fix carries out the removal step only. */
void sd_ocs_fe_down_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v)
{
  unsigned fixer, seen, rm;
  look_down_step(r, x, v, 1);
  fixer = fix_tool_step(r, x, NULL);
  start_step(r, x, v, 1);
  seen = verify_steps(r, x, v, 1);
  rm = stopgap_steps(r, x, os, v, sd_arena_printf(
                       r->arena, "Only if step %u did not show RUNNING "
                       "(OCSASNFix.exe could not be run, or the Front End "
                       "still fails after it)", seen), fixer, 1);
  if(rm && x->fixable)
    sd_fix_steps(r, x, rm, rm, REMOVAL_WARNING);
}

/* OCS-KB974571-FE-DOWN while the update's removal waits for a restart:
 * OCSASNFix.exe first, the restart (which finishes the removal) only if
 * the Front End still does not run. */
void sd_ocs_fe_pending_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v)
{
  unsigned fixer, seen, rs, after;
  look_down_step(r, x, v, 1);
  fixer = fix_tool_step(r, x, NULL);
  start_step(r, x, v, 1);
  seen = verify_steps(r, x, v, 1);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server in a "
              "maintenance window: the restart finishes the removal of "
              "KB974571 that Windows has already begun, after which the "
              "Front End can start (users of this server are cut off until "
              "it is back). Run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only if step %u did not show RUNNING", seen);
  rs = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that %s %s: run "
              "%s:", services_label(r, v, 1), many_services(v, 1) ? "run"
              : "runs", many_services(v, 1) ? "these commands"
              : "this command");
  state_cmds(r, x, v, 1);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING",
                 many_services(v, 1)));
  sd_step_when(r, x, "Only if you carried out step %u", rs);
  after = sd_step_number(x);
  start_step(r, x, v, 1);
  sd_step_when(r, x, "Only if step %u did not show RUNNING", after);
  sd_step_add(r, x, SD_STEP_CHANGE, "KB974571 is gone after the server's "
              "next restart (step %u or a later one). After that restart, "
              "install KB974571 again with Windows Update, then run "
              "OCSASNFix.exe as in step %u before the server is restarted "
              "again, so that the server is protected from MS09-056 again.",
              rs, fixer);
}

/* OCS-KB974571-AT-RISK: nothing is down yet; OCSASNFix.exe before the
 * next restart, the removal only if it cannot be run. */
void sd_ocs_at_risk_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v)
{
  unsigned fixer, rs;
  sd_step_add(r, x, SD_STEP_LOOK, "Do not restart this server until "
              "OCSASNFix.exe has been run (the next step): with KB974571 "
              "the Front End stops at the next restart. Check that the "
              "Front End still runs: in a Command Prompt run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", 0));
  fixer = fix_tool_step(r, x, NULL);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server in an agreed "
              "maintenance window (users of this server are cut off until "
              "it is back): run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only after step %u has run OCSASNFix.exe", fixer);
  rs = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that the Front "
              "End runs (if it does not, follow srvdoctor explain "
              "OCS-KB974571-FE-DOWN): run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", 0));
  sd_step_when(r, x, "Only if you carried out step %u", rs);
  stopgap_steps(r, x, os, v, sd_arena_printf(
                  r->arena, "Only if step %u cannot be done before the "
                  "server must be restarted (OCSASNFix.exe cannot be run)",
                  fixer), fixer, 1);
}

/* The steps of OCS-FE-DOWN (the Front End only: other roles have their own
 * finding). */
void sd_ocs_fe_other_steps(sd_module_result *r, sd_finding *x,
                           const view *v, int code_seen, int disabled)
{
  const sd_service *s = v->fe;
  view w = *v;
  unsigned eval;
  w.nroles_down = 0;
  look_down_step(r, x, &w, 1);
  if(disabled) {
    sd_step_add(r, x, SD_STEP_LOOK, "Check how the Front End is set to "
                "start: run this command:");
    sd_step_cmd(r, x, "sc qc " FE_NAME);
    sd_step_expect(r, x, "a line that starts with START_TYPE and ends with "
                   "DISABLED");
  }
  if(code_seen) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Check whether this is an evaluation "
                "installation by upgrading it with the full (volume licence) "
                "media: in an elevated Command Prompt, in the folder that "
                "holds the product's server.msi, run this command (if it "
                "answers that EVALTOFULL cannot be used with the Volume "
                "licence type, the installation is not an evaluation):");
    sd_step_cmd(r, x, "msiexec /fvomus server.msi EVALTOFULL=1 /qb");
    eval = sd_step_number(x);
    sd_step_add(r, x, SD_STEP_LOOK, "Follow the steps for the KB974571 "
                "problem (OCSASNFix.exe first), and look for KB974571 "
                "under another name in the list of installed updates: run "
                "this command to read them:");
    sd_step_cmd(r, x, "srvdoctor explain OCS-KB974571-FE-DOWN");
    sd_step_when(r, x, "Only if step %u answered that EVALTOFULL cannot be "
                 "used with the Volume licence type", eval);
  }
  else if(v->kb != TRI_NO && v->events_partial)
    sd_step_add(r, x, SD_STEP_LOOK, "Open Event Viewer > System and look "
                "for event 7024 from Service Control Manager about the "
                "Front End with error 3286842403 (0xC3E93C23). If there is "
                "one, follow srvdoctor explain OCS-KB974571-FE-DOWN "
                "instead.");
  if(disabled) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Set the Front End back to start "
                "automatically: in a Command Prompt opened as administrator "
                "run this command:");
    sd_step_cmd(r, x, "sc config " FE_NAME " start= auto");
    sd_step_expect(r, x, "a line that starts with [SC] ChangeServiceConfig "
                   "and ends with SUCCESS");
  }
  if(s->win32_exit_code == ERR_LOGON_FAILED)
    sd_step_add(r, x, SD_STEP_CHANGE, "Open services.msc, open the Front "
                "End's properties, Log On tab, and enter the current "
                "password of its account (%s).",
                sd_str_or(s->account, "the RTC service account"));
  if(s->win32_exit_code == ERR_SERVICE_SPECIFIC && !code_seen) {
    sd_step_add(r, x, SD_STEP_LOOK, "Look up the Front End's own error "
                "with LcsError.exe from the Office Communications Server "
                "2007 R2 Resource Kit tools: in the folder of those tools "
                "run this command, then read the Office Communications "
                "Server event log around the time the Front End stopped:");
    sd_step_cmd(r, x, "LcsError.exe 0x%08lX",
                (unsigned long)s->service_exit_code);
  }
  start_step(r, x, &w, 1);
  verify_steps(r, x, &w, 1);
}

/* The steps of OCS-UNKNOWN: all read-only. */
void sd_ocs_unknown_steps(sd_module_result *r, sd_finding *x, osv os)
{
  unsigned again, fe, kb;
  sd_step_add(r, x, SD_STEP_LOOK, "Open a Command Prompt as administrator "
              "and run srvdoctor again (in the folder that holds "
              "srvdoctor.exe):");
  sd_step_cmd(r, x, CHECK_CMD);
  again = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "Check by hand whether the Front End "
              "runs: run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "a line that starts with STATE: it ends with "
                 "RUNNING when the Front End runs, with STOPPED when it is "
                 "stopped");
  sd_step_when(r, x, "Only if step %u reported OCS-UNKNOWN again", again);
  fe = sd_step_number(x);
  kb = kb_look_step(r, x, os);
  sd_step_when(r, x, "Only if step %u reported OCS-UNKNOWN again", again);
  sd_step_add(r, x, SD_STEP_LOOK, "Read the steps for the KB974571 "
              "problem and follow them: run this command:");
  sd_step_cmd(r, x, "srvdoctor explain OCS-KB974571-FE-DOWN");
  sd_step_when(r, x, "Only if step %u showed STOPPED and step %u showed "
               "that KB974571 is installed", fe, kb);
}
