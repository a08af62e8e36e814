/* test_ocs_kb974571.c - the ocs-kb974571 check over snapshot fixtures
 * (tests/fixtures/ocs-kb974571/) and a few facts built in memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdtest.h"
#include "srvdoctor/json.h"

#define MOD "ocs-kb974571"
#define DIR "ocs-kb974571/"

#define CMD_2003 "%SystemRoot%\\$NTUninstallKB974571$\\spuninst\\" \
  "spuninst.exe /passive /norestart"
#define CMD_R2 "wusa /uninstall /kb:974571 /quiet /norestart"
#define PKG_2008 "Package_for_KB974571~31bf3856ad364e35~amd64~~6.0.1.2"

static const char *const ocs_codes[] = {
  "OCS-NOT-INSTALLED", "OCS-KB974571-FE-DOWN", "OCS-KB974571-AT-RISK",
  "OCS-KB974571-ROLE-DOWN", "OCS-FE-DOWN", "OCS-OK", "OCS-UNKNOWN"};

typedef struct run {
  sd_facts f;
  sd_report rep;
} run;

static void run_facts(run *x)
{
  sdt_run(&x->f, NULL, MOD, &x->rep);
}

static void run_fixture(run *x, const char *name)
{
  char rel[256];
  snprintf(rel, sizeof(rel), DIR "%s", name);
  sdt_load(rel, &x->f);
  run_facts(x);
}

static void done(run *x)
{
  sd_report_free(&x->rep);
  sd_facts_free(&x->f);
}

/* Exactly one OCS finding, with this code; returns it. */
static const sd_finding *only(const run *x, const char *code)
{
  size_t i, total = 0;
  const sd_finding *f;
  for(i = 0; i < SD_COUNTOF(ocs_codes); i++)
    total += sdt_count(&x->rep, ocs_codes[i]);
  if(total != 1 || sdt_count(&x->rep, code) != 1) {
    const sd_module_result *m = sdt_module(&x->rep, MOD);
    for(i = 0; m && i < m->nfindings; i++)
      fprintf(stderr, "  got %s: %s\n", m->findings[i].code,
              m->findings[i].message);
    fail_msg("expected exactly one %s", code);
  }
  f = sdt_find(&x->rep, code, 0);
  assert_non_null(f);
  return f;
}

/* Index of the first step containing needle, or -1. */
static long step_index(const sd_finding *f, const char *needle)
{
  size_t i;
  for(i = 0; i < f->nsteps; i++)
    if(strstr(f->steps[i].text, needle))
      return (long)i;
  return -1;
}

static int has_step(const sd_finding *f, const char *needle)
{
  return step_index(f, needle) >= 0;
}

static void assert_contains(const char *hay, const char *needle)
{
  if(!hay || !strstr(hay, needle))
    fail_msg("\"%s\" not found in \"%s\"", needle, hay ? hay : "(null)");
}

/* A non-OK finding a helpdesk can follow: message, summary, steps. */
static void assert_actionable(const sd_finding *f)
{
  assert_true(f->message && strlen(f->message) > 40);
  assert_non_null(f->summary);
  assert_true(f->nsteps >= 2);
}

/* ---- the steps as a literal reader follows them ---- */

/* The first step (alternatives included) with a command containing
 * needle, or NULL. */
static const sd_step *cmd_step(const sd_finding *f, const char *needle)
{
  size_t i, k;
  for(i = 0; i < f->nsteps; i++)
    for(k = 0; k < f->steps[i].ncommands; k++)
      if(strstr(f->steps[i].commands[k], needle))
        return &f->steps[i];
  return NULL;
}

/* Index in f->steps of step sp. */
static long step_pos(const sd_finding *f, const sd_step *sp)
{
  return sp ? (long)(sp - f->steps) : -1;
}

/* The largest "step N" number a condition names (0 when none). */
static unsigned named_step(const char *cond)
{
  unsigned best = 0;
  const char *p = cond;
  while(p && (p = strstr(p, "step ")) != NULL) {
    unsigned n = (unsigned)strtoul(p + 5, NULL, 10);
    if(n > best)
      best = n;
    p += 5;
  }
  return best;
}

/* A padded line of sc's output quoted in a text ("STATE : 4 RUNNING",
 * "STATE              : 1  STOPPED"): real output pads it differently. */
static int quotes_sc_line(const char *s)
{
  static const char *const bad[] = {"STATE :", "STATE  ", "4 RUNNING",
                                    "4  RUNNING", "1 STOPPED", "1  STOPPED"};
  size_t i;
  for(i = 0; s && i < SD_COUNTOF(bad); i++)
    if(strstr(s, bad[i]))
      return 1;
  return 0;
}

static int has_placeholder(const char *s)
{
  const char *lt = strchr(s, '<');
  return lt && strchr(lt, '>');
}

/* The rules of issue 16 for one finding's steps. */
static void assert_literal(const sd_finding *f)
{
  size_t i, k;
  long first_look = -1, first_change = -1, first_last = -1;
  for(i = 0; i < f->nsteps; i++) {
    const sd_step *sp = &f->steps[i];
    if(sp->kind == SD_STEP_UNSET)
      fail_msg("%s step %u has no kind", f->code, sp->number);
    if(sp->kind == SD_STEP_LOOK && first_look < 0)
      first_look = (long)i;
    if(sp->kind == SD_STEP_CHANGE && first_change < 0)
      first_change = (long)i;
    if(sp->kind == SD_STEP_LAST_RESORT) {
      unsigned n = named_step(sp->condition);
      if(first_last < 0)
        first_last = (long)i;
      if(!sp->condition || n == 0 || n >= sp->number)
        fail_msg("%s step %u: a last resort without a condition naming an "
                 "earlier step (%s)", f->code, sp->number,
                 sd_str_or(sp->condition, "none"));
    }
    if(quotes_sc_line(sp->text) || quotes_sc_line(sp->expect) ||
       quotes_sc_line(sp->condition))
      fail_msg("%s step %u quotes a padded sc line", f->code, sp->number);
    for(k = 0; k < sp->ncommands; k++)
      if(has_placeholder(sp->commands[k]))
        fail_msg("%s step %u: placeholder in \"%s\"", f->code, sp->number,
                 sp->commands[k]);
  }
  if(first_change >= 0 || first_last >= 0) {
    long first_act = first_change < 0 ? first_last
      : first_last < 0 ? first_change
      : first_change < first_last ? first_change : first_last;
    if(first_look < 0 || first_look > first_act)
      fail_msg("%s: a change before any read-only step", f->code);
  }
  if(first_change >= 0 && first_last >= 0 && first_last < first_change)
    fail_msg("%s: a last resort before the first change", f->code);
}

/* fix names exactly the steps that hold its action's command. */
static void assert_fix_steps(const sd_finding *f)
{
  sd_buf b;
  size_t i, k;
  if(!f->fixable)
    return;
  assert_true(f->fix_first >= 1 && f->fix_last >= f->fix_first);
  sd_buf_init(&b);
  sd_action_command(&f->action, &b);
  for(i = 0; i < f->nsteps; i++) {
    const sd_step *sp = &f->steps[i];
    int has = 0, named = sp->number >= f->fix_first &&
                        sp->number <= f->fix_last;
    for(k = 0; k < sp->ncommands; k++)
      has |= !strcmp(sp->commands[k], b.data);
    if(has != named && !(named && sp->alternative))
      fail_msg("%s step %u: fix names steps %u-%u, the command \"%s\" is %s "
               "here", f->code, sp->number, f->fix_first, f->fix_last,
               b.data, has ? "" : "not");
  }
  sd_buf_free(&b);
}

static const char *const ocs_fixtures[] = {
  "down_clean_events_unreadable.json", "down_code_without_kb.json",
  "down_disabled.json", "down_event_12290.json", "down_event_only.json",
  "down_fe_and_roles.json", "down_kb_removal_pending.json",
  "down_kb_superseded.json", "down_kb_unreadable.json",
  "down_service_code_2003.json", "down_service_code_2008.json",
  "down_service_code_2008r2.json", "down_unrelated.json",
  "hotfixes_unreadable.json", "kb_without_ocs.json",
  "mediation_only_down.json", "no_ocs.json", "ocs_without_kb.json",
  "running_kb_2003_installed_date.json", "running_kb_after_boot.json",
  "running_kb_before_boot.json", "running_kb_boot_unknown.json",
  "running_kb_install_pending.json", "services_unreadable.json"};

static void assert_report_literal(const sd_report *rep)
{
  size_t m, i;
  for(m = 0; m < rep->nmodules; m++)
    for(i = 0; i < rep->modules[m].nfindings; i++) {
      assert_literal(&rep->modules[m].findings[i]);
      assert_fix_steps(&rep->modules[m].findings[i]);
    }
}

/* ---- the fixtures of the issue ---- */

static void no_ocs(void **state)
{
  run x;
  const sd_finding *f;
  const sd_module_result *m;
  (void)state;
  run_fixture(&x, "no_ocs.json");
  f = only(&x, "OCS-NOT-INSTALLED");
  assert_int_equal(f->severity, SD_SEV_INFO);
  assert_string_equal(sdt_ev(f, "kb974571"), "not installed");
  m = sdt_module(&x.rep, MOD);
  assert_non_null(m);
  assert_false(m->applicable);
  assert_int_equal(x.rep.exit_code, 0);
  done(&x);
}

static void kb_without_ocs(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "kb_without_ocs.json");
  f = only(&x, "OCS-NOT-INSTALLED");
  assert_string_equal(sdt_ev(f, "kb974571"), "installed");
  assert_contains(f->message, "harmless");
  assert_false(sdt_module(&x.rep, MOD)->applicable);
  done(&x);
}

static void ocs_without_kb(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "ocs_without_kb.json");
  f = only(&x, "OCS-OK");
  assert_int_equal(f->severity, SD_SEV_OK);
  assert_string_equal(sdt_ev(f, "kb974571"), "not installed");
  assert_string_equal(sdt_ev(f, "product"),
                      "Office Communications Server 2007 R2");
  assert_string_equal(sdt_ev(f, "product_version"), "3.5.6907.0");
  assert_string_equal(sdt_ev(f, "edition"), "Enterprise");
  assert_string_equal(sdt_ev(f, "service_state"), "running");
  assert_contains(sdt_ev(f, "other_ocs_services"), "RTCCAS running");
  assert_true(sdt_module(&x.rep, MOD)->applicable);
  done(&x);
}

static void running_installed_before_boot(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "running_kb_before_boot.json");
  f = only(&x, "OCS-OK");
  assert_string_equal(sdt_ev(f, "kb974571"), "installed");
  assert_string_equal(sdt_ev(f, "kb974571_installed_at"),
                      "2026-11-10T21:14:05Z");
  assert_string_equal(sdt_ev(f, "last_boot"), "2026-11-20T06:00:00Z");
  assert_contains(f->message, "before the last restart");
  done(&x);
}

static void running_installed_after_boot(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "running_kb_after_boot.json");
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_int_equal(f->severity, SD_SEV_WARNING);
  assert_actionable(f);
  assert_contains(f->message, "2026-11-25T22:40:00Z");
  assert_contains(f->message, "after the last restart");
  assert_true(sdt_has_command(f, "OCSASNFix.exe"));
  assert_true(sdt_has_command(f, CMD_R2));
  /* The permanent fix comes before the stop-gap. */
  assert_true(step_pos(f, cmd_step(f, "OCSASNFix.exe")) >= 0);
  assert_true(step_pos(f, cmd_step(f, "OCSASNFix.exe")) <
              step_pos(f, cmd_step(f, CMD_R2)));
  assert_true(has_step(f, "MS09-056"));
  assert_int_equal(x.rep.exit_code, 1);
  done(&x);
}

static void running_install_pending(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "running_kb_install_pending.json");
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_contains(f->message, "waiting for a restart");
  assert_string_equal(sdt_ev(f, "kb974571_install_pending"), "true");
  assert_true(sdt_has_command(f, "start /w pkgmgr /up:" PKG_2008));
  done(&x);
}

static void stopped_with_service_code_2003(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_service_code_2003.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_int_equal(f->severity, SD_SEV_CRITICAL);
  assert_actionable(f);
  assert_contains(f->message, "0xC3E93C23");
  assert_contains(f->message, "Office Communications Server 2007 Front End");
  assert_string_equal(sdt_ev(f, "service_exit_code"), "0xC3E93C23");
  assert_string_equal(sdt_ev(f, "win32_exit_code"), "1066");
  assert_string_equal(sdt_ev(f, "service_state"), "stopped");
  assert_string_equal(sdt_ev(f, "product_version"), "3.0.6362.0");
  assert_string_equal(sdt_ev(f, "edition"), "Standard");
  assert_string_equal(sdt_ev(f, "partial_evidence"), "false");
  assert_contains(sdt_ev(f, "kb974571_found_by"),
                  "hotfix-key: HKLM\\SOFTWARE\\Microsoft\\Updates\\"
                  "Windows Server 2003\\SP3\\KB974571");
  assert_contains(sdt_ev(f, "kb974571_found_by"), "ntuninstall-dir");
  assert_contains(sdt_ev(f, "event"), "3286842403");
  /* Windows Server 2003: spuninst.exe and the 2003 restart syntax. */
  assert_true(sdt_has_command(f, CMD_2003));
  assert_true(sdt_has_command(f, "shutdown -r -t 0"));
  assert_false(sdt_has_command(f, "wusa "));
  assert_false(sdt_has_command(f, "pkgmgr"));
  assert_true(sdt_has_command(f, "OCSASNFix.exe"));
  assert_true(sdt_has_command(f, "net start RTCSRV"));
  assert_true(sdt_has_command(f, "sc query RTCSRV"));
  assert_true(step_pos(f, cmd_step(f, "OCSASNFix.exe")) <
              step_pos(f, cmd_step(f, CMD_2003)));
  assert_true(has_step(f, "MS09-056"));
  /* sc's STATE line is padded: never quoted (issue 16). */
  assert_false(has_step(f, "STATE : 4 RUNNING"));
  assert_true(has_step(f, "Communicator"));
  assert_int_equal(f->fixable, 1);
  assert_string_equal(f->target, "KB974571");
  assert_int_equal(x.rep.exit_code, 2);
  done(&x);
}

static void stopped_clean_with_code_event(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_event_only.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_contains(f->message, "event log");
  assert_string_equal(sdt_ev(f, "win32_exit_code"), "0");
  assert_contains(sdt_ev(f, "event"), "System log, Service Control "
                  "Manager, event 7024, 2026-11-25T06:03:11Z");
  assert_true(sdt_has_command(f, CMD_R2));
  assert_int_equal(f->fixable, 1);
  done(&x);
}

static void stopped_with_eval_event(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_event_12290.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_contains(sdt_ev(f, "event"), "OCS Server, event 12290");
  done(&x);
}

static void stopped_unrelated(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_unrelated.json");
  f = only(&x, "OCS-FE-DOWN");
  assert_int_equal(f->severity, SD_SEV_CRITICAL);
  assert_actionable(f);
  assert_contains(f->message, "This is not the KB974571 problem");
  assert_contains(f->message, "1069");
  assert_string_equal(sdt_ev(f, "win32_exit_code"), "1069");
  /* The other service's 7024 is not evidence. */
  assert_string_equal(sdt_ev(f, "event"), "");
  assert_true(has_step(f, "CONTOSO\\RTCService"));
  assert_true(sdt_has_command(f, "net start RTCSRV"));
  assert_false(sdt_has_command(f, "wusa "));
  assert_int_equal(f->fixable, 0);
  done(&x);
}

static void remediation_2008(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_service_code_2008.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_true(sdt_has_command(f, "start /w pkgmgr /up:" PKG_2008));
  assert_true(sdt_has_command(f, "shutdown /r /t 0"));
  assert_false(sdt_has_command(f, "wusa "));
  assert_false(sdt_has_command(f, "spuninst"));
  assert_true(has_step(f, "wusa.exe cannot remove updates on Windows "
                       "Server 2008"));
  done(&x);
}

static void remediation_2008_without_identity(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  sdt_load(DIR "down_service_code_2008.json", &x.f);
  /* KB974571 known from another route only: no package identity. */
  x.f.hotfixes.items[0].source = "uninstall-key";
  run_facts(&x);
  f = only(&x, "OCS-KB974571-FE-DOWN");
  /* No package name to paste: Control Panel, no pkgmgr command with a
   * name to fill in (issue 16: a command is pasteable or not printed). */
  assert_false(sdt_has_command(f, "pkgmgr"));
  assert_false(has_step(f, "/up:<"));
  assert_true(has_step(f, "View installed updates, select the entry that "
                       "ends with (KB974571)"));
  assert_false(f->fixable);
  done(&x);
}

static void remediation_2008r2(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_service_code_2008r2.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_true(sdt_has_command(f, CMD_R2));
  assert_true(sdt_has_command(f, "shutdown /r /t 0"));
  assert_false(sdt_has_command(f, "pkgmgr"));
  assert_false(sdt_has_command(f, "spuninst"));
  done(&x);
}

static void remediation_os_unknown(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  sdt_load(DIR "down_service_code_2008r2.json", &x.f);
  sd_fstate_set(&x.f, &x.f.os.st, SD_ST_UNREADABLE, 5, "Access is denied.");
  run_facts(&x);
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_true(sdt_has_command(f, CMD_2003));
  assert_true(sdt_has_command(f, CMD_R2));
  /* The version is looked up first (ver); 2008 by Control Panel. */
  assert_non_null(cmd_step(f, "ver"));
  assert_int_equal(cmd_step(f, "ver")->kind, SD_STEP_LOOK);
  assert_true(step_pos(f, cmd_step(f, "ver")) <
              step_pos(f, cmd_step(f, CMD_2003)));
  assert_int_equal(cmd_step(f, CMD_R2)->alternative, 1);
  assert_true(has_step(f, "On Windows Server 2008 (step"));
  assert_false(sdt_has_command(f, "pkgmgr"));
  assert_string_equal(sdt_ev(f, "os"), "unknown");
  done(&x);
}

static void services_unreadable(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "services_unreadable.json");
  f = only(&x, "OCS-UNKNOWN");
  assert_int_equal(f->severity, SD_SEV_UNKNOWN);
  assert_contains(f->message, "state could not be read");
  assert_contains(f->message, "Access is denied");
  assert_string_equal(sdt_ev(f, "partial_evidence"), "true");
  assert_true(sdt_has_command(f, "sc query RTCSRV"));
  assert_int_equal(sdt_module(&x.rep, MOD)->status, SD_SEV_UNKNOWN);
  done(&x);
}

static void services_unreadable_and_no_key(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  sdt_load(DIR "services_unreadable.json", &x.f);
  /* Neither the SCM nor the registry could say: never "not installed". */
  sd_fstate_set(&x.f, &x.f.ocs.fe_key_st, SD_ST_UNREADABLE, 5,
                "Access is denied.");
  run_facts(&x);
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(f->message, "Whether an LCS/OCS Front End is installed "
                  "could not be determined");
  done(&x);
}

static void key_without_scm_entry(void **state)
{
  run x;
  const sd_finding *f;
  size_t i;
  (void)state;
  sdt_load(DIR "ocs_without_kb.json", &x.f);
  /* The SCM list was read but has no Front End; the registry key exists. */
  for(i = 0; i < x.f.services.count; i++)
    if(sd_strieq(x.f.services.items[i].name, "RTCSRV"))
      x.f.services.items[i].name = "RTCSRV-OLD";
  x.f.services.items[1].image_path = NULL;
  run_facts(&x);
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(f->message, "does not list the service");
  done(&x);
}

static void hotfixes_unreadable(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "hotfixes_unreadable.json");
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(f->message, "whether KB974571 is installed could not be "
                  "read");
  assert_contains(sdt_ev(f, "kb974571_unreadable"), "cbs: HKLM\\SOFTWARE");
  assert_contains(sdt_ev(f, "kb974571_unreadable"), "Access is denied");
  assert_string_equal(sdt_ev(f, "kb974571"), "unknown");
  assert_true(sdt_has_command(f, "wmic qfe"));
  done(&x);
}

static void stopped_code_kb_unreadable(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_kb_unreadable.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_contains(f->message, "Whether KB974571 is installed could not be "
                  "read");
  assert_string_equal(sdt_ev(f, "partial_evidence"), "true");
  assert_string_equal(sdt_ev(f, "kb974571"), "unknown");
  assert_int_equal(f->fixable, 0);
  assert_null(f->target);
  done(&x);
}

static void stopped_clean_events_unreadable(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_clean_events_unreadable.json");
  f = only(&x, "OCS-FE-DOWN");
  assert_contains(f->message, "cannot be ruled out");
  assert_contains(f->message, "event log");
  assert_contains(sdt_ev(f, "event_log_unreadable"), "System log: EvtQuery");
  assert_true(has_step(f, "explain OCS-KB974571-FE-DOWN"));
  done(&x);
}

static void stopped_code_without_kb(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_code_without_kb.json");
  f = only(&x, "OCS-FE-DOWN");
  assert_contains(f->message, "evaluation");
  assert_contains(f->message, "KB974571 is not installed");
  assert_true(sdt_has_command(f, "EVALTOFULL=1"));
  done(&x);
}

static void running_boot_unknown(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "running_kb_boot_unknown.json");
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(f->message, "the last boot time could not be read");
  done(&x);
}

static void stopped_disabled(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_disabled.json");
  f = only(&x, "OCS-FE-DOWN");
  assert_contains(f->message, "disabled");
  assert_true(sdt_has_command(f, "sc config RTCSRV start= auto"));
  done(&x);
}

/* ---- facts built in memory ---- */

static void nothing_collected_is_unknown(void **state)
{
  static const char doc[] = "{\"schema_version\": 1, \"kind\": "
                            "\"srvdoctor-snapshot\"}";
  run x;
  sd_err err;
  (void)state;
  sd_facts_init(&x.f);
  assert_int_equal(sd_snapshot_read_mem(doc, strlen(doc), &x.f, &err), 0);
  run_facts(&x);
  only(&x, "OCS-UNKNOWN");
  done(&x);
}

static void hotfix_list_without_probes_is_unknown(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  sdt_load(DIR "ocs_without_kb.json", &x.f);
  /* A list that never says it looked for KB974571 is not "absent". */
  x.f.hotfixes.nprobes = 0;
  run_facts(&x);
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(sdt_ev(f, "kb974571_unreadable"), "looked for");
  done(&x);
}

static void code_in_decimal_and_negative_forms(void **state)
{
  static const char *const forms[] = {
    "Office Communications Server Front-End | 3286842403",
    "Office Communications Server Front-End | -1008124893",
    "service-specific error 0xc3e93c23"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(forms); i++) {
    run x;
    sdt_load(DIR "down_event_only.json", &x.f);
    assert_true(x.f.events.count == 2);
    x.f.events.items[1].message = forms[i];
    run_facts(&x);
    only(&x, "OCS-KB974571-FE-DOWN");
    done(&x);
  }
}

/* CBS CurrentState per Microsoft's CBS servicing states chart
 * (srvdoctor/cbs.h): 0x05 uninstall pending, 0x50 superseded, 0x60 install
 * pending, 0x65 partially installed, 0x70 installed, 0x80 permanent; below
 * 0x50 (but 0x05) the update is not on the system. */
static void cbs_states(void **state)
{
  static const struct {
    uint32_t st;
    const char *code;
    int fixable;
    const char *text;  /* in the message or a step */
  } cases[] = {
    {0x70, "OCS-KB974571-FE-DOWN", 1, "0xC3E93C23"},
    {0x80, "OCS-KB974571-FE-DOWN", 0, "marked permanent"},
    /* 0x50 is Superseded, not "removal pending" (the old reading). */
    {0x50, "OCS-KB974571-FE-DOWN", 0, "superseded"},
    /* 0x05: the removal waits for a restart; not "another cause". */
    {0x05, "OCS-KB974571-FE-DOWN", 0, "waits for a restart"},
    {0x60, "OCS-KB974571-FE-DOWN", 0, "0xC3E93C23"},
    {0x65, "OCS-KB974571-FE-DOWN", 0, "partially installed"},
    {0x40, "OCS-FE-DOWN", 0, "not the KB974571 problem"},
    {0x20, "OCS-FE-DOWN", 0, "not the KB974571 problem"},
    {0x00, "OCS-FE-DOWN", 0, "not the KB974571 problem"},
    /* A state the table does not know is not "not installed". */
    {0x33, "OCS-KB974571-FE-DOWN", 0, "does not know"}};
  size_t i, k;
  (void)state;
  for(i = 0; i < SD_COUNTOF(cases); i++) {
    run x;
    const sd_finding *f;
    int seen;
    sdt_load(DIR "down_service_code_2008r2.json", &x.f);
    x.f.hotfixes.items[0].state = cases[i].st;
    run_facts(&x);
    f = only(&x, cases[i].code);
    if(f->fixable != cases[i].fixable)
      fail_msg("state 0x%02X: fixable %d", (unsigned)cases[i].st,
               f->fixable);
    seen = strstr(f->message, cases[i].text) != NULL ||
           strstr(sdt_ev(f, "kb974571_unreadable"), cases[i].text) != NULL;
    for(k = 0; k < f->nsteps; k++)
      seen |= strstr(f->steps[k].text, cases[i].text) != NULL;
    if(!seen)
      fail_msg("state 0x%02X: \"%s\" not said", (unsigned)cases[i].st,
               cases[i].text);
    done(&x);
  }
}

/* Windows Server 2003: the update's InstalledDate ("M/D/YYYY") comes first;
 * a key's last-write time is only the fallback (issue 12: a registry write
 * after a restart made a 2009 update look new). */
static void installed_date_2003(void **state)
{
  run x;
  const sd_finding *f;
  sd_hotfix *hk, *dir, *arp;
  (void)state;
  run_fixture(&x, "running_kb_2003_installed_date.json");
  f = only(&x, "OCS-OK");
  assert_contains(sdt_ev(f, "kb974571_installed_at"),
                  "10/14/2009 (a date without time)");
  assert_contains(sdt_ev(f, "kb974571_time_source"),
                  "the InstalledDate value of HKLM\\SOFTWARE\\Microsoft\\"
                  "Updates\\Windows Server 2003\\SP3\\KB974571");
  done(&x);
  /* The day of the last restart: the date alone cannot decide. */
  sdt_load(DIR "running_kb_2003_installed_date.json", &x.f);
  hk = &x.f.hotfixes.items[0];
  dir = &x.f.hotfixes.items[1];
  arp = &x.f.hotfixes.items[2];
  hk->installed_date = "11/20/2026";
  assert_int_equal(sd_time_parse("2026-11-20T00:00:00Z", &hk->installed_at),
                   0);
  dir->installed_at = hk->installed_at - 86400;
  arp->installed_at = hk->installed_at - 86400;
  run_facts(&x);
  f = only(&x, "OCS-UNKNOWN");
  assert_contains(f->message, "11/20/2026");
  assert_contains(f->message, "uncertain");
  assert_contains(f->message, "cannot tell whether it went in before or "
                  "after");
  /* The day after the restart: at risk, said with the date. */
  hk->installed_date = "11/21/2026";
  hk->installed_at += 86400;
  sd_report_free(&x.rep);
  run_facts(&x);
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_contains(f->message, "installed on 11/21/2026");
  /* No InstalledDate: the folder's creation time beats the key's write
   * time, and the evidence says why the date was not used. */
  hk->time_from = "key-write-time";
  hk->date_only = 0;
  hk->installed_date = NULL;
  hk->date_st.state = SD_ST_ABSENT;
  assert_int_equal(sd_time_parse("2026-11-23T08:00:00Z", &hk->installed_at),
                   0);
  assert_int_equal(sd_time_parse("2009-10-14T21:03:11Z", &dir->installed_at),
                   0);
  sd_report_free(&x.rep);
  run_facts(&x);
  f = only(&x, "OCS-OK");
  assert_contains(sdt_ev(f, "kb974571_time_source"),
                  "creation time of the folder");
  assert_contains(sdt_ev(f, "kb974571_installed_date_unused"), "absent");
  /* Only key write times: the fallback is used, and named. */
  dir->source = "elsewhere";
  dir->id = "KB000000";
  sd_report_free(&x.rep);
  run_facts(&x);
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_contains(sdt_ev(f, "kb974571_time_source"),
                  "last write time of the registry key");
  done(&x);
}

static void mdy_dates(void **state)
{
  unsigned y = 0, m = 0, d = 0;
  (void)state;
  assert_int_equal(sd_date_mdy_parse("10/14/2009", &y, &m, &d), 0);
  assert_true(y == 2009 && m == 10 && d == 14);
  assert_int_equal(sd_date_mdy_parse("2/29/2008", &y, &m, &d), 0);
  assert_int_equal(sd_date_mdy_parse("02/09/2010", &y, &m, &d), 0);
  assert_true(y == 2010 && m == 2 && d == 9);
  assert_int_equal(sd_date_mdy_parse("2/29/2009", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("13/1/2009", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("10/32/2009", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("2009-10-14", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("10/14/", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("10/14/2009/1", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("", &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse(NULL, &y, &m, &d), -1);
  assert_int_equal(sd_date_mdy_parse("1/1/20091", &y, &m, &d), -1);
}

/* Every LCS/OCS role KB974571 stops, not only the Front End. */
static void other_roles(void **state)
{
  run x;
  const sd_finding *f;
  sd_service *s;
  size_t i;
  (void)state;
  /* Front End, Mediation and Web Conferencing stopped with 0xC3E93C23:
   * one Front End finding that names the other two and starts them. */
  run_fixture(&x, "down_fe_and_roles.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_contains(f->message, "Mediation Server (RTCMEDSRV)");
  assert_contains(f->message, "Web Conferencing Server (RTCDATAMCU)");
  assert_null(strstr(f->message, "RTCAVMCU")); /* stopped cleanly */
  assert_contains(sdt_ev(f, "roles_stopped_with_0xC3E93C23"),
                  "Mediation Server (RTCMEDSRV), Web Conferencing Server "
                  "(RTCDATAMCU)");
  assert_true(sdt_has_command(f, "net start RTCMEDSRV"));
  assert_true(sdt_has_command(f, "net start RTCDATAMCU"));
  assert_false(sdt_has_command(f, "net start RTCAVMCU"));
  /* The Front End running: the other roles are the verdict, not OK. */
  for(i = 0; i < x.f.services.count; i++) {
    s = &x.f.services.items[i];
    if(!strcmp(s->name, "RTCSRV")) {
      s->state = SD_SVC_RUNNING;
      s->win32_exit_code = 0;
      s->service_exit_code = 0;
    }
  }
  sd_report_free(&x.rep);
  run_facts(&x);
  f = only(&x, "OCS-KB974571-ROLE-DOWN");
  assert_int_equal(f->severity, SD_SEV_CRITICAL);
  assert_false(f->fixable);
  assert_contains(f->message, "Mediation Server (RTCMEDSRV) and the Web "
                  "Conferencing Server (RTCDATAMCU) have stopped");
  assert_true(has_step(f, "OCSASNFix.exe"));
  assert_true(sdt_has_command(f, "net start RTCMEDSRV"));
  /* Without KB974571 the same exit codes are not blamed on it. */
  x.f.hotfixes.items[0].state = 0x20;
  sd_report_free(&x.rep);
  run_facts(&x);
  assert_int_equal(sdt_count(&x.rep, "OCS-KB974571-ROLE-DOWN"), 0);
  done(&x);
  /* A Mediation Server alone (no Front End): the old check said "not
   * installed". */
  run_fixture(&x, "mediation_only_down.json");
  f = only(&x, "OCS-KB974571-ROLE-DOWN");
  assert_contains(f->message, "Mediation Server (RTCMEDSRV) has stopped");
  assert_true(sdt_has_command(f, "wusa /uninstall /kb:974571"));
  assert_true(sdt_module(&x.rep, MOD)->applicable);
  done(&x);
}

/* Activation failing with 0xC3EC78D8 on a server that has KB974571 gets
 * its own sentence. */
static void activation_error(void **state)
{
  run x;
  const sd_finding *f;
  sd_event *e;
  (void)state;
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  e = sd_event_add(&x.f.events);
  e->log = "Office Communications Server";
  e->provider = "OCS Server";
  e->id = 12289;
  e->time = x.f.collected_at - 3600;
  e->message = "[0xC3EC78D8] Failed to read the Office Communications "
               "Server version information";
  run_facts(&x);
  f = only(&x, "OCS-KB974571-ROLE-DOWN");
  assert_contains(f->message, "0xC3EC78D8");
  assert_contains(f->message, "Activating an LCS/OCS server role");
  assert_contains(sdt_ev(f, "activation_error"), "event log");
  assert_true(has_step(f, "activate the role"));
  done(&x);
  /* The same on a server without the update: no KB974571 sentence. */
  sdt_load(DIR "ocs_without_kb.json", &x.f);
  e = sd_event_add(&x.f.events);
  e->log = "Office Communications Server";
  e->message = "activation failed: 3287054552";
  run_facts(&x);
  assert_int_equal(sdt_count(&x.rep, "OCS-KB974571-ROLE-DOWN"), 0);
  only(&x, "OCS-OK");
  done(&x);
}

/* Superseded (0x50): the later update keeps the change, so no stop-gap
 * removal and nothing for srvdoctor fix. */
static void superseded_is_not_a_removal(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_kb_superseded.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_false(f->fixable);
  assert_contains(f->message, "superseded by a later update");
  assert_contains(sdt_ev(f, "kb974571_cbs_state"), "0x50 Superseded");
  assert_false(has_step(f, "already being removed"));
  assert_false(has_step(f, "pkgmgr /up"));
  assert_true(has_step(f, "OCSASNFix.exe"));
  assert_string_equal(sdt_ev(f, "cbs_removable_packages"), "0");
  done(&x);
}

/* A Front End stopped with 0xC3E93C23 while KB974571's removal waits for a
 * restart: OCSASNFix.exe first, the restart (which finishes the removal)
 * only as a last resort (issue 16; before, the restart was step 1),
 * nothing blames another cause, and the state is named. */
static void removal_pending_fix_first(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  run_fixture(&x, "down_kb_removal_pending.json");
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_false(f->fixable);
  assert_contains(f->message, "0x05 Uninstall Pending");
  assert_contains(f->summary, "restart the server to finish removing");
  assert_int_equal(f->steps[0].kind, SD_STEP_LOOK);
  assert_int_equal(cmd_step(f, "OCSASNFix.exe")->kind, SD_STEP_CHANGE);
  assert_int_equal(cmd_step(f, "shutdown /r /t 0")->kind,
                   SD_STEP_LAST_RESORT);
  assert_true(step_pos(f, cmd_step(f, "OCSASNFix.exe")) <
              step_pos(f, cmd_step(f, "shutdown /r /t 0")));
  assert_contains(cmd_step(f, "shutdown /r /t 0")->condition,
                  "did not show RUNNING");
  assert_literal(f);
  assert_string_equal(sdt_ev(f, "kb974571_removal_pending"), "true");
  assert_contains(sdt_ev(f, "kb974571_cbs_state"), "0x05 Uninstall Pending");
  assert_false(has_step(f, "pkgmgr"));
  done(&x);
  /* The same with the Front End running: the restart removes it. */
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  x.f.hotfixes.items[0].state = 0x05;
  run_facts(&x);
  f = only(&x, "OCS-OK");
  assert_contains(f->message, "being removed");
  done(&x);
  /* Partially installed with the Front End running: at risk. */
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  x.f.hotfixes.items[0].state = 0x65;
  run_facts(&x);
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_contains(f->message, "partially installed");
  done(&x);
}

static void front_end_found_by_image_path(void **state)
{
  run x;
  sd_service *s;
  const sd_finding *f;
  (void)state;
  sd_facts_init(&x.f);
  x.f.collected_at = 1795000000;
  sd_fstate_set(&x.f, &x.f.services.st, SD_ST_READ, 0, NULL);
  s = sd_service_add(&x.f.services);
  s->name = NULL; /* hostile: no name at all */
  s->state = SD_SVC_STOPPED;
  s->win32_exit_code = 1066;
  s->service_exit_code = 0xC3E93C23u;
  s->image_path = "D:\\OCS\\Server\\Core\\RtcSrv.exe -service";
  sd_fstate_set(&x.f, &s->config_st, SD_ST_READ, 0, NULL);
  s = sd_service_add(&x.f.services);
  s->name = "NotRtc";
  s->image_path = "C:\\x\\NotRtcSrv.exe";
  sd_fstate_set(&x.f, &s->config_st, SD_ST_READ, 0, NULL);
  run_facts(&x);
  /* Found, stopped with the code; KB974571 was never looked for. */
  f = only(&x, "OCS-KB974571-FE-DOWN");
  assert_string_equal(sdt_ev(f, "service"), "RTCSRV");
  assert_int_equal(f->fixable, 0);
  done(&x);
}

static void hostile_strings_do_not_crash(void **state)
{
  run x;
  sd_event *e;
  sd_hotfix *h;
  sd_ocs_product *p;
  (void)state;
  sdt_load(DIR "down_event_only.json", &x.f);
  e = sd_event_add(&x.f.events);
  e->log = NULL;
  e->message = NULL;
  e->id = 7024;
  e = sd_event_add(&x.f.events);
  e->log = "Office Communications Server";
  e->provider = NULL;
  e->id = 12290;
  h = sd_hotfix_add(&x.f.hotfixes);
  h->id = "KB974571";
  h->source = NULL;
  h->detail = NULL;
  x.f.ocs.products = sd_grow(x.f.ocs.products, &x.f.ocs.cap_products,
                             x.f.ocs.nproducts, sizeof(*p));
  p = &x.f.ocs.products[x.f.ocs.nproducts++];
  memset(p, 0, sizeof(*p));
  x.f.ocs.fe_file_version = "not.a.version";
  run_facts(&x);
  only(&x, "OCS-KB974571-FE-DOWN");
  done(&x);
}

/* ---- contracts: codes, docs, snapshot, JSON ---- */

static void codes_and_docs(void **state)
{
  const sd_module *m = sd_module_find(MOD);
  const char *src = getenv("SD_SRC");
  size_t i;
  (void)state;
  assert_non_null(m);
  assert_int_equal(m->ncodes, SD_COUNTOF(ocs_codes));
  assert_true(m->needs & SD_NEED_MODULE(ocs_kb974571));
  assert_true(m->needs & SD_NEED_SERVICES);
  assert_true(m->needs & SD_NEED_HOTFIXES);
  assert_true(m->needs & SD_NEED_EVENTS);
  for(i = 0; i < SD_COUNTOF(ocs_codes); i++) {
    const sd_code_info *c = sd_code_find(ocs_codes[i]);
    char path[4096], line[512], want[256];
    FILE *fp;
    assert_non_null(c);
    assert_string_equal(c->module, MOD);
    if(!src)
      continue;
    snprintf(path, sizeof(path), "%s/docs/findings/%s.md", src,
             ocs_codes[i]);
    fp = fopen(path, "r");
    if(!fp)
      fail_msg("missing %s", path);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    snprintf(want, sizeof(want), "# %s - ", ocs_codes[i]);
    assert_true(strncmp(line, want, strlen(want)) == 0);
  }
  if(src) {
    char path[4096];
    FILE *fp;
    snprintf(path, sizeof(path), "%s/docs/modules/%s.md", src, MOD);
    fp = fopen(path, "r");
    assert_non_null(fp);
    fclose(fp);
  }
}

static void every_finding_is_in_the_table(void **state)
{
  static const char *const fixtures[] = {
    "no_ocs.json", "kb_without_ocs.json", "ocs_without_kb.json",
    "running_kb_before_boot.json", "running_kb_after_boot.json",
    "running_kb_install_pending.json", "down_service_code_2003.json",
    "down_event_only.json", "down_event_12290.json", "down_unrelated.json",
    "down_service_code_2008.json", "down_service_code_2008r2.json",
    "services_unreadable.json", "hotfixes_unreadable.json",
    "down_kb_unreadable.json", "down_clean_events_unreadable.json",
    "down_code_without_kb.json", "running_kb_boot_unknown.json",
    "down_disabled.json"};
  size_t i, k;
  (void)state;
  for(i = 0; i < SD_COUNTOF(fixtures); i++) {
    run x;
    const sd_module_result *m;
    sd_facts g;
    sd_buf w1, w2;
    sd_err err;
    run_fixture(&x, fixtures[i]);
    m = sdt_module(&x.rep, MOD);
    assert_non_null(m);
    assert_int_equal(m->nfindings, 1);
    for(k = 0; k < m->nfindings; k++) {
      const sd_finding *f = &m->findings[k];
      const sd_code_info *c = sd_code_find(f->code);
      assert_non_null(c);
      assert_string_equal(c->module, MOD);
      assert_non_null(f->message);
      if(f->severity != SD_SEV_OK && f->severity != SD_SEV_INFO)
        assert_actionable(f);
    }
    /* The fixture survives a snapshot round trip byte for byte. */
    sd_buf_init(&w1);
    sd_buf_init(&w2);
    sd_snapshot_write(&x.f, &w1);
    sd_facts_init(&g);
    if(sd_snapshot_read_mem(w1.data, w1.len, &g, &err))
      fail_msg("%s: %s", fixtures[i], err.msg);
    sd_snapshot_write(&g, &w2);
    assert_int_equal(w1.len, w2.len);
    assert_memory_equal(w1.data, w2.data, w1.len);
    sd_buf_free(&w1);
    sd_buf_free(&w2);
    sd_facts_free(&g);
    done(&x);
  }
}

static void json_report_is_valid(void **state)
{
  run x;
  sd_buf out;
  sd_jreader *r;
  sd_jtoken t;
  (void)state;
  run_fixture(&x, "down_service_code_2003.json");
  sd_buf_init(&out);
  sd_report_render(&x.rep, SD_FMT_JSON, NULL, &out);
  assert_contains(out.data, "\"OCS-KB974571-FE-DOWN\"");
  assert_contains(out.data, "$NTUninstallKB974571$\\\\spuninst\\\\"
                  "spuninst.exe /passive /norestart");
  assert_contains(out.data, "\"target\": \"KB974571\"");
  r = sd_jr_new_mem(out.data, out.len);
  do {
    if(sd_jr_next(r, &t))
      fail_msg("invalid JSON: %s", sd_jr_error(r));
  } while(t.type != SD_JT_EOF);
  sd_jr_free(r);
  sd_buf_free(&out);
  done(&x);
}

/* ---- issue 16: the steps a helpdesk follows word for word ---- */

/* OCS-KB974571-FE-DOWN: look, OCSASNFix.exe, net start, verify; the
 * removal and the restart only as last resorts under a condition naming
 * the verify step; fix carries out exactly the removal step, with the
 * MS09-056 warning.  (Before: untyped steps, the removal and shutdown
 * unconditioned, fix named no step and had no warning.) */
static void fe_down_removal_is_the_last_resort(void **state)
{
  static const char *const names[] = {"down_service_code_2003.json",
                                      "down_service_code_2008.json",
                                      "down_service_code_2008r2.json"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    run x;
    const sd_finding *f;
    const sd_step *fixer, *start, *verify, *rm, *rs;
    sd_buf b;
    run_fixture(&x, names[i]);
    f = only(&x, "OCS-KB974571-FE-DOWN");
    assert_true(f->fixable);
    sd_buf_init(&b);
    sd_action_command(&f->action, &b);
    fixer = cmd_step(f, "OCSASNFix.exe");
    start = cmd_step(f, "net start RTCSRV");
    rm = cmd_step(f, b.data);
    rs = cmd_step(f, "shutdown ");
    assert_non_null(fixer);
    assert_non_null(start);
    assert_non_null(rm);
    assert_non_null(rs);
    /* The first step looks, the permanent fix changes. */
    assert_int_equal(f->steps[0].kind, SD_STEP_LOOK);
    assert_string_equal(f->steps[0].commands[0], "sc query RTCSRV");
    assert_string_equal(f->steps[0].expect, "a line that starts with STATE "
                        "and ends with STOPPED");
    assert_int_equal(fixer->kind, SD_STEP_CHANGE);
    assert_int_equal(start->kind, SD_STEP_CHANGE);
    assert_true(step_pos(f, fixer) < step_pos(f, start));
    /* The verify step: sc query after the start, worded as sc prints. */
    verify = &f->steps[step_pos(f, start) + 1];
    assert_int_equal(verify->kind, SD_STEP_LOOK);
    assert_string_equal(verify->commands[0], "sc query RTCSRV");
    assert_string_equal(verify->expect, "a line that starts with STATE and "
                        "ends with RUNNING");
    /* The removal and the restart: last resorts after the verify step,
     * each under a condition naming an earlier step. */
    assert_int_equal(rm->kind, SD_STEP_LAST_RESORT);
    assert_int_equal(rs->kind, SD_STEP_LAST_RESORT);
    assert_true(step_pos(f, verify) < step_pos(f, rm));
    assert_true(step_pos(f, rm) < step_pos(f, rs));
    assert_int_equal(named_step(rm->condition), verify->number);
    assert_contains(rm->condition, "did not show RUNNING");
    assert_int_equal(named_step(rs->condition), rm->number);
    /* The removal command is in no other step. */
    assert_int_equal(sd_finding_ncommands(f) > 0, 1);
    assert_fix_steps(f);
    /* fix carries out the removal step and warns like it. */
    assert_int_equal(f->fix_first, rm->number);
    assert_int_equal(f->fix_last, rm->number);
    assert_int_equal(sd_fix_gravest(f), SD_STEP_LAST_RESORT);
    assert_non_null(f->fix_warning);
    assert_contains(f->fix_warning, "KB974571");
    assert_contains(f->fix_warning, "MS09-056");
    assert_contains(f->fix_warning, "CVE-2009-2510");
    assert_contains(rm->text, "MS09-056");
    /* The update is put back afterwards. */
    assert_int_equal(f->steps[f->nsteps - 1].kind, SD_STEP_CHANGE);
    assert_contains(f->steps[f->nsteps - 1].text, "install KB974571 again");
    assert_literal(f);
    sd_buf_free(&b);
    done(&x);
  }
}

/* No step of any finding quotes a padded sc line; every sc query step's
 * expect says "starts with STATE and ends with ...".  (Before: "sc query
 * RTCSRV must show \"STATE : 4 RUNNING\"".) */
static void sc_expect_matches_real_output(void **state)
{
  size_t i, k, m;
  (void)state;
  for(i = 0; i < SD_COUNTOF(ocs_fixtures); i++) {
    run x;
    const sd_module_result *mr;
    run_fixture(&x, ocs_fixtures[i]);
    mr = sdt_module(&x.rep, MOD);
    for(m = 0; mr && m < mr->nfindings; m++) {
      const sd_finding *f = &mr->findings[m];
      for(k = 0; k < f->nsteps; k++) {
        const sd_step *sp = &f->steps[k];
        assert_false(quotes_sc_line(sp->text));
        assert_false(quotes_sc_line(sp->expect));
        if(sp->ncommands && !strncmp(sp->commands[0], "sc query ", 9)) {
          assert_non_null(sp->expect);
          assert_contains(sp->expect, "a line that starts with STATE");
        }
      }
    }
    done(&x);
  }
}

/* Every finding of every fixture (and the in-memory variants) obeys the
 * literal-reader rules, the host module's included. */
static void every_finding_reads_top_to_bottom(void **state)
{
  size_t i;
  run x;
  sd_event *e;
  (void)state;
  for(i = 0; i < SD_COUNTOF(ocs_fixtures); i++) {
    run_fixture(&x, ocs_fixtures[i]);
    assert_report_literal(&x.rep);
    done(&x);
  }
  /* Windows version unknown; 2008 without a package identity. */
  sdt_load(DIR "down_service_code_2008r2.json", &x.f);
  sd_fstate_set(&x.f, &x.f.os.st, SD_ST_UNREADABLE, 5, "Access is denied.");
  run_facts(&x);
  assert_report_literal(&x.rep);
  done(&x);
  sdt_load(DIR "down_service_code_2008.json", &x.f);
  x.f.hotfixes.items[0].source = "uninstall-key";
  run_facts(&x);
  assert_report_literal(&x.rep);
  done(&x);
  /* An activation failure; srvdoctor not elevated. */
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  e = sd_event_add(&x.f.events);
  e->log = "Office Communications Server";
  e->message = "[0xC3EC78D8] Failed to read the version information";
  x.f.host.elevated = 0;
  x.f.host.elevation_st.state = SD_ST_READ;
  run_facts(&x);
  assert_int_equal(sdt_count(&x.rep, "HOST-NOT-ELEVATED"), 1);
  assert_int_equal(sdt_count(&x.rep, "OCS-KB974571-ROLE-DOWN"), 1);
  assert_report_literal(&x.rep);
  done(&x);
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  x.f.host.elevation_st.state = SD_ST_UNREADABLE;
  run_facts(&x);
  assert_int_equal(sdt_count(&x.rep, "HOST-UNKNOWN"), 1);
  assert_report_literal(&x.rep);
  done(&x);
}

/* HOST-NOT-ELEVATED: read-only steps, the group membership first. */
static void host_not_elevated_steps(void **state)
{
  run x;
  const sd_finding *f;
  (void)state;
  sdt_load(DIR "running_kb_before_boot.json", &x.f);
  x.f.host.elevated = 0;
  x.f.host.elevation_st.state = SD_ST_READ;
  run_facts(&x);
  f = sdt_find(&x.rep, "HOST-NOT-ELEVATED", 0);
  assert_non_null(f);
  assert_int_equal(f->steps[0].kind, SD_STEP_LOOK);
  assert_string_equal(f->steps[0].commands[0],
                      "net localgroup Administrators");
  assert_int_equal(named_step(f->steps[1].condition), 1);
  assert_literal(f);
  done(&x);
}

/* OCS-KB974571-AT-RISK: nothing is down; OCSASNFix.exe is the first
 * change, the restart and the removal come after it under conditions. */
static void at_risk_gentle_first(void **state)
{
  run x;
  const sd_finding *f;
  const sd_step *fixer, *rm;
  (void)state;
  run_fixture(&x, "running_kb_after_boot.json");
  f = only(&x, "OCS-KB974571-AT-RISK");
  assert_int_equal(f->steps[0].kind, SD_STEP_LOOK);
  assert_contains(f->steps[0].expect, "ends with RUNNING");
  fixer = cmd_step(f, "OCSASNFix.exe");
  rm = cmd_step(f, CMD_R2);
  assert_non_null(fixer);
  assert_non_null(rm);
  assert_int_equal(fixer->number, 2);
  assert_int_equal(fixer->kind, SD_STEP_CHANGE);
  assert_int_equal(rm->kind, SD_STEP_LAST_RESORT);
  assert_int_equal(named_step(rm->condition), fixer->number);
  assert_int_equal(cmd_step(f, "shutdown ")->kind, SD_STEP_LAST_RESORT);
  assert_false(f->fixable);
  assert_literal(f);
  done(&x);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(no_ocs),
    cmocka_unit_test(kb_without_ocs),
    cmocka_unit_test(ocs_without_kb),
    cmocka_unit_test(running_installed_before_boot),
    cmocka_unit_test(running_installed_after_boot),
    cmocka_unit_test(running_install_pending),
    cmocka_unit_test(stopped_with_service_code_2003),
    cmocka_unit_test(stopped_clean_with_code_event),
    cmocka_unit_test(stopped_with_eval_event),
    cmocka_unit_test(stopped_unrelated),
    cmocka_unit_test(remediation_2008),
    cmocka_unit_test(remediation_2008_without_identity),
    cmocka_unit_test(remediation_2008r2),
    cmocka_unit_test(remediation_os_unknown),
    cmocka_unit_test(services_unreadable),
    cmocka_unit_test(services_unreadable_and_no_key),
    cmocka_unit_test(key_without_scm_entry),
    cmocka_unit_test(hotfixes_unreadable),
    cmocka_unit_test(stopped_code_kb_unreadable),
    cmocka_unit_test(stopped_clean_events_unreadable),
    cmocka_unit_test(stopped_code_without_kb),
    cmocka_unit_test(running_boot_unknown),
    cmocka_unit_test(stopped_disabled),
    cmocka_unit_test(nothing_collected_is_unknown),
    cmocka_unit_test(hotfix_list_without_probes_is_unknown),
    cmocka_unit_test(code_in_decimal_and_negative_forms),
    cmocka_unit_test(cbs_states),
    cmocka_unit_test(removal_pending_fix_first),
    cmocka_unit_test(superseded_is_not_a_removal),
    cmocka_unit_test(installed_date_2003),
    cmocka_unit_test(mdy_dates),
    cmocka_unit_test(other_roles),
    cmocka_unit_test(activation_error),
    cmocka_unit_test(front_end_found_by_image_path),
    cmocka_unit_test(hostile_strings_do_not_crash),
    cmocka_unit_test(codes_and_docs),
    cmocka_unit_test(every_finding_is_in_the_table),
    cmocka_unit_test(json_report_is_valid),
    cmocka_unit_test(fe_down_removal_is_the_last_resort),
    cmocka_unit_test(sc_expect_matches_real_output),
    cmocka_unit_test(every_finding_reads_top_to_bottom),
    cmocka_unit_test(host_not_elevated_steps),
    cmocka_unit_test(at_risk_gentle_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
