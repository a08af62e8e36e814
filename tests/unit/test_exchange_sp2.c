/* test_exchange_sp2.c - the exchange-sp2 check from snapshot fixtures
 * (tests/fixtures/exchange-sp2/), plus the packed-GUID helpers, the AD copy
 * helper and the snapshot round trip of the exchange section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdtest.h"

#define EXCH_PC "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}"
#define IU1 "{1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01}"
#define IU2 "{5B8A77C2-90D1-4E3F-A1B2-3C4D5E6F7081}"

typedef struct run {
  sd_facts f;
  sd_report rep;
  const sd_module_result *m;
} run;

/* Run the check over t->f (o NULL: a default run, every module). */
static void run_check(run *t, const sd_options *o)
{
  sdt_run(&t->f, o, "exchange-sp2", &t->rep);
  t->m = sdt_module(&t->rep, "exchange-sp2");
  assert_non_null(t->m);
}

static void run_fixture(run *t, const char *name)
{
  char rel[256];
  snprintf(rel, sizeof(rel), "exchange-sp2/%s", name);
  sdt_load(rel, &t->f);
  run_check(t, NULL);
}

/* As "srvdoctor check --only exchange-sp2" runs it. */
static void run_fixture_only(run *t, const char *name)
{
  char rel[256];
  sd_options o;
  sd_options_defaults(&o);
  o.only_given = 1;
  snprintf(rel, sizeof(rel), "exchange-sp2/%s", name);
  sdt_load(rel, &t->f);
  run_check(t, &o);
}

/* Run the check again over the (changed) facts, as --only exchange-sp2. */
static void rerun_only(run *t)
{
  sd_options o;
  sd_options_defaults(&o);
  o.only_given = 1;
  sd_report_free(&t->rep);
  run_check(t, &o);
}

static void rerun(run *t)
{
  sd_report_free(&t->rep);
  run_check(t, NULL);
}

static void done(run *t)
{
  sd_report_free(&t->rep);
  sd_facts_free(&t->f);
}

/* Every non-ok finding carries a message, a summary and steps; codes are in
 * the module's catalogue. */
static void assert_well_formed(const sd_module_result *m)
{
  const sd_module *mod = sd_module_find("exchange-sp2");
  size_t i, k;
  for(i = 0; i < m->nfindings; i++) {
    const sd_finding *x = &m->findings[i];
    int found = 0;
    for(k = 0; k < mod->ncodes; k++)
      found |= !strcmp(mod->codes[k].code, x->code);
    assert_true(found);
    assert_non_null(x->message);
    assert_true(strlen(x->message) > 20);
    if(x->severity != SD_SEV_OK) {
      assert_non_null(x->summary);
      assert_true(x->nsteps >= 1 || x->severity == SD_SEV_INFO);
      assert_true(x->nevidence >= 1);
    }
  }
}

/* Index of the first step of f whose text contains needle, or -1. */
static long step_index(const sd_finding *f, const char *needle)
{
  size_t i;
  for(i = 0; i < f->nsteps; i++)
    if(strstr(f->steps[i].text, needle))
      return (long)i;
  return -1;
}

/* Index of the first step of f with a command containing needle, or -1. */
static long cmd_step(const sd_finding *f, const char *needle)
{
  size_t i, k;
  for(i = 0; i < f->nsteps; i++)
    for(k = 0; k < f->steps[i].ncommands; k++)
      if(strstr(f->steps[i].commands[k], needle))
        return (long)i;
  return -1;
}

/* How many commands of f contain needle. */
static size_t count_commands(const sd_finding *f, const char *needle)
{
  size_t i, n = 0;
  for(i = 0; i < sd_finding_ncommands(f); i++)
    n += strstr(sd_finding_command(f, i), needle) != NULL;
  return n;
}

/* Does any step text, condition or command of f contain needle? */
static int anywhere(const sd_finding *f, const char *needle)
{
  size_t i;
  for(i = 0; i < f->nsteps; i++)
    if(strstr(f->steps[i].text, needle) ||
       (f->steps[i].condition && strstr(f->steps[i].condition, needle)))
      return 1;
  return cmd_step(f, needle) >= 0;
}

/* A restart is a last-resort step with a condition, after a look. */
static void assert_restart_last_resort(const sd_finding *x)
{
  long i = step_index(x, "Restart the server");
  assert_true(i > 0);
  assert_int_equal(x->steps[i].kind, SD_STEP_LAST_RESORT);
  assert_non_null(x->steps[i].condition);
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
}

/* The literal reader's rules for one finding (issue 16): typed steps, a
 * look before the first change, every last resort under a condition that
 * names an earlier step and after the first change, no <placeholder> in a
 * command, the fix command in exactly the steps sd_fix_steps names. */
static void assert_literal(const sd_finding *x)
{
  size_t i, k;
  int seen_look = 0, seen_change = 0, has_change = 0;
  sd_buf fixcmd;
  sd_buf_init(&fixcmd);
  if(x->fixable)
    sd_action_command(&x->action, &fixcmd);
  for(i = 0; i < x->nsteps; i++)
    has_change |= x->steps[i].kind == SD_STEP_CHANGE;
  for(i = 0; i < x->nsteps; i++) {
    const sd_step *sp = &x->steps[i];
    assert_int_not_equal(sp->kind, SD_STEP_UNSET);
    if(sp->kind == SD_STEP_LOOK)
      seen_look = 1;
    if(sp->kind == SD_STEP_CHANGE || sp->kind == SD_STEP_LAST_RESORT) {
      if(!seen_look)
        fail_msg("%s: step %u changes before any look", x->code,
                 sp->number);
    }
    if(sp->kind == SD_STEP_CHANGE)
      seen_change = 1;
    if(sp->kind == SD_STEP_LAST_RESORT) {
      unsigned n = 0;
      const char *p;
      assert_non_null(sp->condition);
      p = strstr(sp->condition, "step ");
      assert_non_null(p);
      n = (unsigned)strtoul(p + 5, NULL, 10);
      assert_true(n >= 1 && n < sp->number);
      if(has_change && !seen_change)
        fail_msg("%s: last resort before the first change", x->code);
    }
    for(k = 0; k < sp->ncommands; k++) {
      const char *lt = strchr(sp->commands[k], '<');
      if(lt && strchr(lt, '>'))
        fail_msg("%s: placeholder in \"%s\"", x->code, sp->commands[k]);
      if(x->fixable && fixcmd.len &&
         !strcmp(sp->commands[k], fixcmd.data) &&
         (sp->number < x->fix_first || sp->number > x->fix_last))
        fail_msg("%s: fix command outside its steps", x->code);
    }
  }
  if(x->fixable) {
    assert_true(x->fix_first >= 1);
    assert_true(cmd_step(x, fixcmd.data) >= 0);
    assert_int_equal(x->steps[cmd_step(x, fixcmd.data)].number,
                     x->fix_first);
  }
  sd_buf_free(&fixcmd);
}

static void test_guid_pack(void **state)
{
  char packed[33], guid[39];
  (void)state;
  assert_int_equal(sd_msi_guid_pack(EXCH_PC, packed), 0);
  assert_string_equal(packed, "461C2B4266EDEF444B864AD6D9E5B613");
  assert_int_equal(sd_msi_guid_unpack(packed, guid), 0);
  assert_string_equal(guid, EXCH_PC);
  /* lower case in, upper case out */
  assert_int_equal(sd_msi_guid_unpack("461c2b4266edef444b864ad6d9e5b613",
                                      guid), 0);
  assert_string_equal(guid, EXCH_PC);
  assert_int_equal(sd_msi_guid_pack("{24B2C164-DE66-44FE-B468-A46D9D5E6B3}",
                                    packed), -1);
  assert_int_equal(sd_msi_guid_pack("{24B2C164-DE66-44FE-B468-A46D9D5E6B3G}",
                                    packed), -1);
  assert_int_equal(sd_msi_guid_pack("24B2C164-DE66-44FE-B468-A46D9D5E6B31",
                                    packed), -1);
  assert_int_equal(sd_msi_guid_pack(NULL, packed), -1);
  assert_int_equal(sd_msi_guid_unpack("461C2B4266EDEF444B864AD6D9E5B61",
                                      guid), -1);
  assert_int_equal(sd_msi_guid_unpack("461C2B4266EDEF444B864AD6D9E5B61Z",
                                      guid), -1);
  /* the transform is its own inverse on any GUID */
  assert_int_equal(sd_msi_guid_pack(IU1, packed), 0);
  assert_int_equal(sd_msi_guid_unpack(packed, guid), 0);
  assert_string_equal(guid, IU1);
}

static void test_no_exchange(void **state)
{
  run t;
  (void)state;
  /* with every module (no --only): does not apply, says so quietly */
  run_fixture(&t, "no_exchange.json");
  assert_false(t.m->applicable);
  assert_int_equal(t.m->nfindings, 1);
  assert_string_equal(t.m->findings[0].code, "EXCH-NOT-INSTALLED");
  assert_true(sdt_has_command(&t.m->findings[0], "--only exchange-sp2"));
  done(&t);
  /* a 2008 R2 box without Exchange is not "critical" in a default run */
  run_fixture(&t, "os_2008r2.json");
  t.f.exchange.installed_st.state = SD_ST_ABSENT;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-UNSUPPORTED"), 0);
  assert_int_equal(t.m->status, SD_SEV_INFO);
  done(&t);
  /* --only exchange-sp2: the fresh-install path is checked */
  run_fixture_only(&t, "no_exchange.json");
  assert_true(t.m->applicable);
  assert_int_equal(sdt_count(&t.rep, "EXCH-NOT-INSTALLED"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-UPGRADE-PATH"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 1);
  assert_int_equal(t.m->status, SD_SEV_INFO);
  assert_int_equal(t.rep.exit_code, 0);
  assert_well_formed(t.m);
  done(&t);
}

static void test_rtm(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "rtm.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "installed_build"), "8.0.685.25");
  assert_string_equal(sdt_ev(x, "release"), "Exchange Server 2007 RTM");
  assert_string_equal(sdt_ev(x, "target_build"), "8.2.176.2");
  assert_true(sdt_has_command(x, "Setup.com /mode:upgrade"));
  /* AD at 2007 RTM values: all three preparations */
  x = sdt_find(&t.rep, "AD-SCHEMA-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "schema_version"), "10637");
  assert_string_equal(sdt_ev(x, "schema_version_needed"), "14622");
  assert_non_null(strstr(x->message, "Exchange 2007 RTM"));
  assert_int_equal(sdt_count(&t.rep, "AD-ORG-PREP-NEEDED"), 1);
  x = sdt_find(&t.rep, "AD-DOMAIN-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "meso_version"), "10628");
  /* the admin holds every group: no rights finding */
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_int_equal(t.m->status, SD_SEV_WARNING);
  assert_well_formed(t.m);
  done(&t);
}

static void test_sp1_one_iu(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "sp1_one_iu.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 1);
  x = sdt_find(&t.rep, "EXCH-INTERIM-UPDATE", 0);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "patch_code"), IU1);
  assert_string_equal(sdt_ev(x, "kb"), "KB971234");
  assert_true(sdt_has_command(x, "msiexec /i " EXCH_PC " MSIPATCHREMOVE="
                              IU1 " /qb"));
  assert_int_equal(x->fixable, 1);
  assert_string_equal(x->target, IU1);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "release"), "Exchange Server 2007 SP1");
  assert_string_equal(sdt_ev(x, "update_rollup"), "9");
  assert_string_equal(sdt_ev(x, "interim_updates_installed"), "1");
  /* the Office patch of another product is ignored */
  assert_int_equal(sdt_count(&t.rep, "EXCH-PATCH-UNCLASSIFIED"), 0);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  assert_int_equal(t.rep.exit_code, 2);
  /* the most severe finding comes first */
  assert_int_equal(t.m->findings[0].severity, SD_SEV_CRITICAL);
  assert_well_formed(t.m);
  done(&t);
}

static void test_sp1_two_ius(void **state)
{
  run t;
  const sd_finding *a, *b;
  (void)state;
  run_fixture(&t, "sp1_two_ius.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 2);
  a = sdt_find(&t.rep, "EXCH-INTERIM-UPDATE", 0);
  b = sdt_find(&t.rep, "EXCH-INTERIM-UPDATE", 1);
  assert_string_not_equal(a->target, b->target);
  assert_true((!strcmp(a->target, IU1) && !strcmp(b->target, IU2)) ||
              (!strcmp(a->target, IU2) && !strcmp(b->target, IU1)));
  assert_true(sdt_has_command(b, "MSIPATCHREMOVE=" ) &&
              sdt_has_command(b, b->target));
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0),
                             "interim_updates_installed"), "2");
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0),
                             "update_rollups_installed"), "2");
  assert_well_formed(t.m);
  done(&t);
}

static void test_sp1_rollups_only(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "sp1_rollups_only.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PATCHES-UNREADABLE"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PATCH-UNCLASSIFIED"), 0);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "installed_build"), "8.1.393.1");
  assert_string_equal(sdt_ev(x, "update_rollup"), "9");
  assert_string_equal(sdt_ev(x, "interim_updates_installed"), "0");
  assert_non_null(strstr(x->message, "Update Rollup 9"));
  done(&t);
}

static void test_sp2_already(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "sp2.json");
  assert_int_equal(t.m->nfindings, 1);
  assert_string_equal(t.m->findings[0].code, "EXCH-ALREADY-SP2");
  assert_int_equal(t.m->status, SD_SEV_OK);
  assert_string_equal(sdt_ev(&t.m->findings[0], "installed_build"),
                      "8.2.176.2");
  /* An IU on an SP2 server does not block the SP2 question. */
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 0);
  assert_int_equal(t.rep.exit_code, 0);
  done(&t);
}

static void test_sp3_forest_sp1_server(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "sp3_forest_sp1_server.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-UPGRADE-PATH"), 1);
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-ORG-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  x = sdt_find(&t.rep, "AD-READY", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "schema_version"), "14625");
  assert_string_equal(sdt_ev(x, "schema_release"), "Exchange 2007 SP3");
  /* the trap gets its own words */
  assert_non_null(strstr(x->message, "do not run /PrepareSchema"));
  assert_non_null(strstr(x->message, "SP3"));
  done(&t);
}

static void test_exchange_2010(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "exchange2010.json");
  assert_false(t.m->applicable);
  assert_int_equal(t.m->nfindings, 1);
  assert_string_equal(t.m->findings[0].code, "EXCH-OTHER-VERSION");
  assert_string_equal(sdt_ev(&t.m->findings[0], "version"), "14.3.123.4");
  assert_int_equal(t.m->status, SD_SEV_INFO);
  done(&t);
}

static void test_schema_not_extended(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture_only(&t, "schema_not_extended.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-NOT-INSTALLED"), 1);
  x = sdt_find(&t.rep, "AD-SCHEMA-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "schema_version"), "not extended");
  assert_non_null(strstr(x->message, "never extended"));
  assert_true(sdt_has_command(x, "Setup.com /PrepareSchema"));
  x = sdt_find(&t.rep, "AD-ORG-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "org_version"), "no organization");
  /* the organization name cannot be known: said in the text, never a
   * <placeholder> command (issue 16) */
  assert_true(step_index(x, "/OrganizationName:") >= 0);
  assert_false(sdt_has_command(x, "/OrganizationName:"));
  x = sdt_find(&t.rep, "AD-DOMAIN-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "meso_version"), "no container");
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  done(&t);
}

static void test_schema_11116(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "schema_11116.json");
  x = sdt_find(&t.rep, "AD-SCHEMA-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "schema_version"), "11116");
  assert_non_null(strstr(x->message, "Exchange 2007 SP1"));
  /* where to run it: the schema master's domain and site */
  assert_string_equal(sdt_ev(x, "schema_master_site"),
                      "Default-First-Site-Name");
  assert_string_equal(sdt_ev(x, "schema_master_domain"), "contoso.com");
  x = sdt_find(&t.rep, "AD-ORG-PREP-NEEDED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "org_version"), "11221");
  assert_string_equal(sdt_ev(x, "org_version_needed"), "11222");
  assert_true(sdt_has_command(x, "Setup.com /PrepareAD"));
  /* MESO 11221 is what SP2 needs */
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  done(&t);
}

static void test_no_schema_admins(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "no_schema_admins.json");
  x = sdt_find(&t.rep, "AD-RIGHTS-MISSING", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "missing_groups"), "Schema Admins");
  assert_non_null(strstr(sdt_ev(x, "needed_groups"), "Enterprise Admins"));
  assert_non_null(strstr(sdt_ev(x, "sid.Schema Admins"),
                         "S-1-5-21-1111111111-2222222222-3333333333-518"));
  assert_non_null(strstr(x->message, "CONTOSO\\exadmin"));
  done(&t);
}

static void test_rights_filtered_and_stale(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  int uac = 0, relog = 0;
  (void)state;
  run_fixture(&t, "rights_filtered_stale.json");
  x = sdt_find(&t.rep, "AD-RIGHTS-MISSING", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "missing_groups"), "Schema Admins"));
  assert_non_null(strstr(sdt_ev(x, "missing_groups"), "Enterprise Admins"));
  assert_non_null(strstr(sdt_ev(x, "sid.Schema Admins"), "deny only"));
  assert_non_null(strstr(sdt_ev(x, "sid.Enterprise Admins"),
                         "not yet in this logon"));
  for(i = 0; i < x->nsteps; i++) {
    uac |= strstr(x->steps[i].text, "Run as administrator") != NULL;
    relog |= strstr(x->steps[i].text, "log off and log on again") != NULL;
  }
  assert_true(uac);
  assert_true(relog);
  done(&t);
}

static void test_rights_unknown(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "rights_unknown.json");
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-UNKNOWN"), 1);
  assert_int_equal(sdt_find(&t.rep, "AD-RIGHTS-UNKNOWN", 0)->severity,
                   SD_SEV_UNKNOWN);
  done(&t);
}

/* Only PendingFileRenameOperations and UpdateExeVolatile stop Exchange
 * 2007 setup (its readiness check reads nothing else): they are critical;
 * the Windows Update, CBS and Configuration Manager flags are a warning
 * that never says setup will refuse to start. */
static void test_reboot_each_source(void **state)
{
  run t;
  size_t i, n;
  (void)state;
  run_fixture(&t, "reboot_none.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-REBOOT-RECOMMENDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PREREQ-UNKNOWN"), 0);
  n = t.f.reboot.count;
  assert_int_equal(n, 5);
  for(i = 0; i < n; i++) {
    const sd_finding *x;
    const char *src = t.f.reboot.items[i].source;
    int blocks = !strcmp(src, "pending-file-rename") ||
                 !strcmp(src, "update-exe-volatile");
    char key[64];
    size_t k;
    for(k = 0; k < n; k++)
      t.f.reboot.items[k].pending = k == i;
    rerun(&t);
    x = sdt_find(&t.rep, blocks ? "EXCH-PENDING-REBOOT"
                                : "EXCH-REBOOT-RECOMMENDED", 0);
    assert_non_null(x);
    assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), blocks);
    assert_int_equal(sdt_count(&t.rep, "EXCH-REBOOT-RECOMMENDED"), !blocks);
    assert_string_equal(sdt_ev(x, "sources"), src);
    snprintf(key, sizeof(key), "source.%s", src);
    assert_string_equal(sdt_ev(x, key), t.f.reboot.items[i].detail);
    assert_restart_last_resort(x);
    if(blocks) {
      assert_int_equal(x->severity, SD_SEV_CRITICAL);
      assert_int_equal(t.m->status, SD_SEV_CRITICAL);
    }
    else {
      /* a warning, and it never claims setup will refuse to start */
      assert_int_equal(x->severity, SD_SEV_WARNING);
      assert_int_equal(t.m->status, SD_SEV_WARNING);
      assert_null(strstr(x->message, "will not start"));
      assert_null(strstr(x->message, "refuse"));
      assert_null(strstr(x->title, "refuse"));
    }
  }
  /* a blocking and a non-blocking source at once: one critical finding
   * naming the blocker, the other one as also pending */
  t.f.reboot.items[0].pending = 1;
  t.f.reboot.items[2].pending = 1;
  t.f.reboot.items[4].pending = 0;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-REBOOT-RECOMMENDED"), 0);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "EXCH-PENDING-REBOOT", 0),
                             "sources"), "pending-file-rename");
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "EXCH-PENDING-REBOOT", 0),
                             "also_pending"), "cbs-reboot-pending");
  /* a flag that says pending but could not be read does not count */
  for(i = 0; i < n; i++)
    t.f.reboot.items[i].pending = 0;
  t.f.reboot.items[1].pending = 1;
  t.f.reboot.items[1].st.state = SD_ST_UNREADABLE;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PREREQ-UNKNOWN"), 1);
  /* a blocking source unreadable beside a pending Windows Update flag:
   * the warning, and the blocker is still "not checked" */
  t.f.reboot.items[3].pending = 1;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-REBOOT-RECOMMENDED"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0),
                                "unchecked"), "update-exe-volatile"));
  done(&t);
}

/* The fixture of a Windows Server 2008 whose only pending restart is
 * Windows Update's: a warning, not a blocker. */
static void test_reboot_windows_update_only(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "reboot_wu_only.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  x = sdt_find(&t.rep, "EXCH-REBOOT-RECOMMENDED", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_string_equal(sdt_ev(x, "sources"), "wu-reboot-required");
  assert_int_equal(t.m->status, SD_SEV_WARNING);
  assert_int_equal(t.rep.exit_code, 1);
  assert_well_formed(t.m);
  done(&t);
}

static void test_reboot_unreadable(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "reboot_unreadable.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  x = sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unchecked"), "pending-file-rename"));
  assert_non_null(strstr(sdt_ev(x, "unchecked"), "Access is denied"));
  /* the whole list not collected is unknown too, never "no restart" */
  t.f.reboot.st.state = SD_ST_NOT_COLLECTED;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PENDING-REBOOT"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0),
                                "unchecked"), "pending restart"));
  assert_true(sd_severity_rank(t.m->status) >=
              sd_severity_rank(SD_SEV_UNKNOWN));
  done(&t);
}

static void test_ad_unreachable(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "ad_unreachable.json");
  x = sdt_find(&t.rep, "AD-UNREACHABLE", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_UNKNOWN);
  assert_non_null(strstr(x->message, "timed out"));
  assert_string_equal(sdt_ev(x, "dc"), "10.0.0.5");
  /* host findings are still reported */
  assert_int_equal(sdt_count(&t.rep, "EXCH-UPGRADE-PATH"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 1);
  /* nothing about AD beyond the unknown */
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  /* without the IU the module is unknown, not ok */
  t.f.msi_patches.count = 1; /* keep only the rollup */
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 0);
  assert_int_equal(t.m->status, SD_SEV_UNKNOWN);
  assert_int_equal(t.rep.exit_code, 3);
  done(&t);
}

static void test_ad_not_collected(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "schema_11116.json");
  memset(&t.f.exchange.ad.st, 0, sizeof(t.f.exchange.ad.st));
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-UNREACHABLE"), 1);
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  done(&t);
}

static void test_patches_unreadable(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "patches_unreadable.json");
  x = sdt_find(&t.rep, "EXCH-PATCHES-UNREADABLE", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_UNKNOWN);
  assert_non_null(strstr(x->message, "not the same as"));
  assert_string_equal(sdt_ev(x, "patch_list_state"), "unreadable");
  assert_int_equal(sdt_count(&t.rep, "EXCH-INTERIM-UPDATE"), 0);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  /* never "0 interim updates" when the list was not read */
  assert_non_null(strstr(sdt_ev(x, "interim_updates_installed"),
                         "unknown"));
  assert_true(t.m->status == SD_SEV_UNKNOWN ||
              t.m->status == SD_SEV_WARNING);
  assert_int_not_equal(t.m->status, SD_SEV_OK);
  /* not collected at all: the same */
  t.f.msi_patches.st.state = SD_ST_NOT_COLLECTED;
  t.f.msi_patches.st.why = NULL;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PATCHES-UNREADABLE"), 1);
  done(&t);
}

static void test_os(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "os_2008r2.json");
  x = sdt_find(&t.rep, "EXCH-OS-UNSUPPORTED", 0);
  assert_non_null(x);
  assert_non_null(strstr(x->message, "2008 R2"));
  assert_non_null(strstr(x->message, "SP3"));
  done(&t);
  run_fixture(&t, "os_2003sp1_msi31.json");
  x = sdt_find(&t.rep, "EXCH-OS-UNSUPPORTED", 0);
  assert_non_null(x);
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-UNSUPPORTED"), 1);
  assert_non_null(strstr(x->message, "Service Pack 2"));
  assert_non_null(strstr(x->message, "3.1.4001.5512"));
  assert_string_equal(sdt_ev(x, "windows_installer"), "3.1.4001.5512");
  done(&t);
  run_fixture(&t, "x86.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-UNSUPPORTED"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-32BIT"), 1);
  done(&t);
  /* supported: 2008 SP2 with MSI 4.5 */
  run_fixture(&t, "schema_11116.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-UNSUPPORTED"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-32BIT"), 0);
  /* Windows Installer version garbled: unknown, never fine */
  t.f.exchange.msi_version = "four point five";
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-OS-UNSUPPORTED"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0),
                                "unchecked"), "Windows Installer"));
  done(&t);
}

/* A cached .msp missing from %windir%\\Installer stops SP2 setup and the
 * interim update's removal. */
/* Every domain of the forest needs /PrepareDomain, not only the queried
 * DC's own: the domains come from the crossRef objects, each one's
 * Microsoft Exchange System Objects from a DC of that domain. */
/* Windows Small Business Server 2008 has its own SP2 path (the SBS
 * installation tool or KB 973862), never a plain Setup.com /mode:upgrade. */
/* The fresh-install path also needs a global catalog on Windows Server
 * 2003 SP1 or later in this computer's site and no Exchange 5.5 left
 * (organization in native mode), with the values read. */
static void test_fresh_gc_and_exchange55(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture_only(&t, "fresh_gc_e55.json");
  x = sdt_find(&t.rep, "AD-GC-MISSING", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "site"), "Default-First-Site-Name");
  assert_string_equal(sdt_ev(x, "global_catalogs"), "1");
  assert_non_null(strstr(sdt_ev(x, "below_minimum"), "olddc.contoso.com"));
  assert_non_null(strstr(sdt_ev(x, "below_minimum"), "5.0 (2195)"));
  assert_string_equal(sdt_ev(x, "needed"), "Windows Server 2003 SP1");
  x = sdt_find(&t.rep, "AD-EXCHANGE55", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "msExchMixedMode"), "TRUE");
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  assert_well_formed(t.m);
  /* Windows Server 2003 without a service pack is still below SP1 */
  t.f.exchange.ad.gcs[0].os = "Windows Server 2003";
  t.f.exchange.ad.gcs[0].os_version = "5.2 (3790)";
  t.f.exchange.ad.gcs[0].os_sp = "";
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-GC-MISSING"), 1);
  /* no global catalog at all */
  t.f.exchange.ad.ngcs = 0;
  rerun_only(&t);
  x = sdt_find(&t.rep, "AD-GC-MISSING", 0);
  assert_non_null(x);
  assert_non_null(strstr(x->message, "has no global catalog"));
  /* a GC on 2003 SP1 and a native organization: ready, values shown */
  t.f.exchange.ad.ngcs = 1;
  t.f.exchange.ad.gcs[0].os_sp = "Service Pack 1";
  t.f.exchange.ad.org_mixed_mode = 0;
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-GC-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-EXCHANGE55"), 0);
  x = sdt_find(&t.rep, "AD-READY", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "site_global_catalogs"),
                         "olddc.contoso.com (Windows Server 2003 5.2 (3790) "
                         "Service Pack 1)"));
  assert_string_equal(sdt_ev(x, "org_mixed_mode"), "FALSE (native mode)");
  /* a GC whose OS could not be read: not "fine", not "missing" */
  t.f.exchange.ad.gcs[0].os_st.state = SD_ST_UNREADABLE;
  t.f.exchange.ad.gcs[0].os_st.why = "Insufficient access rights";
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-GC-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "AD-PARTIAL", 0), "unread"),
                         "Insufficient access rights"));
  /* the site unknown, the mode unreadable: both named, never ready */
  t.f.exchange.ad.gcs[0].os_st.state = SD_ST_READ;
  t.f.exchange.ad.gcs_st.state = SD_ST_UNREADABLE;
  t.f.exchange.ad.gcs_st.why = "this computer's Active Directory site is "
                               "not known";
  t.f.exchange.ad.org_mixed_st.state = SD_ST_NOT_COLLECTED;
  rerun_only(&t);
  x = sdt_find(&t.rep, "AD-PARTIAL", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unread"), "site is not known"));
  assert_non_null(strstr(sdt_ev(x, "unread"), "msExchMixedMode"));
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  /* the upgrade path does not ask (an Exchange 2007 server exists) */
  done(&t);
  run_fixture(&t, "rtm.json");
  t.f.exchange.ad.org_mixed_mode = 1;
  t.f.exchange.ad.ngcs = 0;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-EXCHANGE55"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-GC-MISSING"), 0);
  done(&t);
}

static void test_sbs2008(void **state)
{
  run t;
  const sd_finding *x;
  size_t k;
  (void)state;
  run_fixture(&t, "sbs2008.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "upgrade_path"),
                      "Windows SBS 2008 (KB 973862)");
  assert_string_equal(sdt_ev(x, "sbs_marker"),
                      "ProductSuite contains \"Small Business(Restricted)\"");
  assert_null(strstr(x->message, "Setup.com /mode:upgrade"));
  assert_non_null(strstr(x->message, "KB 973862"));
  for(k = 0; k < sd_finding_ncommands(x); k++)
    assert_null(strstr(sd_finding_command(x, k), "/mode:upgrade"));
  assert_true(step_index(x, "973862") >= 0);
  assert_true(step_index(x, "installation tool") >= 0);
  assert_true(step_index(x, "Do not run Setup.com /mode:upgrade") >= 0);
  assert_int_equal(step_index(x, "Clustered mailbox server"), -1);
  assert_well_formed(t.m);
  /* "Small Business" alone may outlive an edition upgrade: generic path */
  t.f.exchange.product_suite = "Small Business; Terminal Server";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_string_equal(sdt_ev(x, "upgrade_path"), "Setup.com /mode:upgrade");
  assert_true(sdt_has_command(x, "Setup.com /mode:upgrade"));
  /* the product name says it too */
  t.f.os.name = "Windows Small Business Server 2008 Premium";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_string_equal(sdt_ev(x, "upgrade_path"),
                      "Windows SBS 2008 (KB 973862)");
  /* ProductSuite unreadable on Windows Server 2008: not known, said so */
  t.f.os.name = "Windows Server (R) 2008 Standard";
  t.f.exchange.product_suite_st.state = SD_ST_UNREADABLE;
  t.f.exchange.product_suite_st.why = "Access is denied.";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unchecked"), "Small Business Server"));
  done(&t);
}

static void test_forest_domains(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  int seen_emea = 0, seen_apac = 0;
  (void)state;
  run_fixture_only(&t, "forest_domains.json");
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 2);
  for(i = 0; i < 2; i++) {
    x = sdt_find(&t.rep, "AD-DOMAIN-PREP-NEEDED", i);
    assert_int_equal(x->severity, SD_SEV_WARNING);
    if(!strcmp(sdt_ev(x, "domain"), "emea.contoso.com")) {
      seen_emea = 1;
      assert_string_equal(sdt_ev(x, "meso_version"), "10628");
      assert_string_equal(sdt_ev(x, "meso_read_from"), "emea.contoso.com");
      assert_string_equal(sdt_ev(x, "meso_version_needed"), "11221");
      assert_true(sdt_has_command(x,
                                  "Setup.com /PrepareDomain:emea.contoso.com"));
      assert_non_null(strstr(x->message, "Exchange 2007 RTM"));
    }
    else {
      assert_string_equal(sdt_ev(x, "domain"), "apac.contoso.com");
      seen_apac = 1;
      assert_string_equal(sdt_ev(x, "meso_version"), "no container");
      assert_true(sdt_has_command(x,
                                  "Setup.com /PrepareDomain:apac.contoso.com"));
      assert_non_null(strstr(x->message, "never prepared"));
    }
    /* a bare /PrepareDomain would prepare the wrong domain */
    {
      size_t k;
      for(k = 0; k < sd_finding_ncommands(x); k++)
        assert_true(strcmp(sd_finding_command(x, k),
                    "Setup.com /PrepareDomain"));
    }
  }
  assert_true(seen_emea && seen_apac);
  /* na (11221) is fine and the local domain too; lab could not be read */
  x = sdt_find(&t.rep, "AD-PARTIAL", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unread"), "lab.contoso.com"));
  assert_null(strstr(sdt_ev(x, "unread"), "na.contoso.com"));
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  /* lab read and ready: still not ready while emea and apac need it */
  t.f.exchange.ad.domains[4].meso_st.state = SD_ST_READ;
  t.f.exchange.ad.domains[4].meso_version = 11222;
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-PARTIAL"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 2);
  /* all prepared: ready */
  t.f.exchange.ad.domains[1].meso_version = 11221;
  t.f.exchange.ad.domains[2].meso_st.state = SD_ST_READ;
  t.f.exchange.ad.domains[2].meso_version = 11221;
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 1);
  /* the domain list not read (an older snapshot): never "ready" */
  t.f.exchange.ad.domains_st.state = SD_ST_NOT_COLLECTED;
  rerun_only(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "AD-PARTIAL", 0), "unread"),
                         "other domains"));
  done(&t);
}

static void test_msi_cache_missing(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "msi_cache_missing.json");
  x = sdt_find(&t.rep, "EXCH-MSI-CACHE-MISSING", 0);
  assert_non_null(x);
  assert_int_equal(sdt_count(&t.rep, "EXCH-MSI-CACHE-MISSING"), 1);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "missing_count"), "1");
  assert_string_equal(sdt_ev(x, "packages_checked"), "4");
  assert_string_equal(sdt_ev(x, "package." IU1),
                      "C:\\Windows\\Installer\\f72362.msp");
  assert_non_null(strstr(sdt_ev(x, "missing"), "KB971234"));
  assert_null(strstr(sdt_ev(x, "missing"), "KB970162"));
  assert_true(step_index(x, "C:\\Windows\\Installer\\f72362.msp") >= 0);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  assert_well_formed(t.m);
  /* every file there: no finding, nothing unknown */
  t.f.exchange.msi_cache[3].file_st.state = SD_ST_READ;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-MSI-CACHE-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PREREQ-UNKNOWN"), 0);
  /* the product's LocalPackage value gone: missing, with no file name */
  t.f.exchange.msi_cache[0].value_st.state = SD_ST_ABSENT;
  t.f.exchange.msi_cache[0].file_st.state = SD_ST_ABSENT;
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-MSI-CACHE-MISSING", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "package." EXCH_PC),
                         "no LocalPackage value"));
  assert_true(step_index(x, "own registration is damaged") >= 0);
  /* a file that could not be checked is unknown, never present */
  t.f.exchange.msi_cache[0].value_st.state = SD_ST_READ;
  t.f.exchange.msi_cache[0].file_st.state = SD_ST_UNREADABLE;
  t.f.exchange.msi_cache[0].file_st.why = "Access is denied.";
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-MSI-CACHE-MISSING"), 0);
  x = sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unchecked"), "Access is denied"));
  /* not collected (an older snapshot) or no registration: unknown too */
  t.f.exchange.msi_cache[0].file_st.state = SD_ST_READ;
  t.f.exchange.msi_cache_st.state = SD_ST_NOT_COLLECTED;
  rerun(&t);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0),
                                "unchecked"), "Windows Installer cache"));
  t.f.exchange.msi_cache_st.state = SD_ST_ABSENT;
  rerun(&t);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0),
                                "unchecked"), "no per-machine registration"));
  done(&t);
}

static void test_setup_incomplete(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "setup_incomplete.json");
  x = sdt_find(&t.rep, "EXCH-SETUP-INCOMPLETE", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_non_null(strstr(sdt_ev(x, "roles"), "MailboxRole"));
  assert_non_null(strstr(sdt_ev(x, "roles"), "BuildToBuildUpgrade"));
  assert_string_equal(sdt_ev(x, "action"), "Upgrade");
  assert_true(sdt_has_command(x, "Setup.com /mode:Upgrade"));
  /* an interrupted upgrade resumes with /mode:Upgrade alone */
  assert_string_equal(sdt_ev(x, "resume_command"), "Setup.com /mode:Upgrade");
  assert_int_equal(count_commands(x, "Setup.com"), 1);
  assert_true(sdt_has_command(x, "Setup.com /mode:Upgrade"));
  done(&t);
}

/* An interrupted install is resumed with /mode:Install and the roles that
 * carry the Action (the old command had no /roles, which setup refuses
 * for /mode:Install). */
static void test_setup_install_resume(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "setup_install_interrupted.json");
  x = sdt_find(&t.rep, "EXCH-SETUP-INCOMPLETE", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "action"), "Install");
  assert_string_equal(sdt_ev(x, "resume_command"),
                      "Setup.com /mode:Install /roles:Mailbox,HubTransport");
  assert_int_equal(count_commands(x, "Setup.com"), 1);
  assert_true(sdt_has_command(x, "Setup.com /mode:Install "
                              "/roles:Mailbox,HubTransport"));
  /* the roles that finished are not in it */
  assert_false(sdt_has_command(x, "ClientAccess"));
  assert_false(sdt_has_command(x, "ManagementTools"));
  /* an uninstall of the management tools */
  t.f.exchange.roles[0].action = "Uninstall";
  t.f.exchange.roles[1].action_st.state = SD_ST_ABSENT;
  t.f.exchange.roles[3].action_st.state = SD_ST_READ;
  t.f.exchange.roles[3].action = "Uninstall";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-SETUP-INCOMPLETE", 0);
  assert_string_equal(sd_finding_command(x, 0),
                      "Setup.com /mode:Uninstall /roles:Mailbox,"
                      "ManagementTools");
  /* a key whose /roles name is not known: no half-right command */
  t.f.exchange.roles[0].name = "SomeOtherRole";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-SETUP-INCOMPLETE", 0);
  assert_int_equal(count_commands(x, "Setup.com"), 0);
  assert_true(step_index(x, "/roles: followed by the roles") >= 0);
  assert_non_null(strstr(x->steps[step_index(x, "/roles: followed by the "
                                             "roles")].text,
                         "SomeOtherRole"));
  /* an Action setup does not name: the wizard resumes it */
  t.f.exchange.roles[0].name = "MailboxRole";
  t.f.exchange.roles[0].action = "Something";
  t.f.exchange.roles[3].action_st.state = SD_ST_ABSENT;
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-SETUP-INCOMPLETE", 0);
  assert_int_equal(count_commands(x, "Setup.com"), 0);
  assert_true(step_index(x, "Setup.exe") >= 0);
  done(&t);
}

static void test_ad_newer_than_known(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "ad_newer_than_known.json");
  x = sdt_find(&t.rep, "AD-VERSION-NEWER", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "values"), "schema 17999"));
  assert_non_null(strstr(sdt_ev(x, "values"), "organization 17001"));
  assert_non_null(strstr(x->message, "out of date"));
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  x = sdt_find(&t.rep, "AD-READY", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "schema_release"), "newer than any"));
  done(&t);
}

static void test_ad_blockers(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "ad_blockers.json");
  x = sdt_find(&t.rep, "AD-DOMAIN-MODE", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "nt_mixed_domain"), "1");
  x = sdt_find(&t.rep, "AD-SCHEMA-MASTER", 0);
  assert_non_null(x);
  assert_non_null(strstr(x->message, "Windows Server 2003"));
  x = sdt_find(&t.rep, "AD-DUPLICATE-OBJECTS", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "count"), "2");
  assert_non_null(strstr(sdt_ev(x, "mesos"), "CNF:"));
  /* the canonical MESO (11221) decides, not the conflict copy */
  assert_int_equal(sdt_count(&t.rep, "AD-DOMAIN-PREP-NEEDED"), 0);
  /* blockers: not ready */
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  done(&t);
}

static void test_dc_not_ready(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "dc_not_ready.json");
  x = sdt_find(&t.rep, "AD-DC-NOT-READY", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "is_synchronized"), "FALSE");
  assert_string_equal(sdt_ev(x, "clock_skew_seconds"), "1200");
  assert_true(sdt_has_command(x, "w32tm /resync"));
  /* 5 seconds of skew in the other fixtures is fine */
  done(&t);
  run_fixture(&t, "no_exchange.json");
  assert_int_equal(sdt_count(&t.rep, "AD-DC-NOT-READY"), 0);
  done(&t);
}

static void test_ad_partial(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "ad_partial.json");
  x = sdt_find(&t.rep, "AD-PARTIAL", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unread"), "schema version"));
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  /* org 11221 is still known to need /PrepareAD */
  assert_int_equal(sdt_count(&t.rep, "AD-ORG-PREP-NEEDED"), 1);
  done(&t);
}

static void test_iu_not_removable(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "iu_not_removable.json");
  x = sdt_find(&t.rep, "EXCH-INTERIM-UPDATE", 0);
  assert_non_null(x);
  assert_int_equal(x->fixable, 0);
  assert_false(sdt_has_command(x, "msiexec"));
  assert_string_equal(sdt_ev(x, "uninstallable"), "false");
  done(&t);
}

static void test_unclassified_and_marker(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "unclassified_patch.json");
  x = sdt_find(&t.rep, "EXCH-PATCH-UNCLASSIFIED", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "patch_code"),
                      "{ABCDEF01-2345-6789-ABCD-EF0123456789}");
  assert_int_equal(x->fixable, 0);
  x = sdt_find(&t.rep, "EXCH-IU-MARKER", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "interim_update_value"), "KB970000");
  done(&t);
}

static void test_prerelease_and_unknown_build(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "prerelease.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-PRERELEASE"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-UPGRADE-PATH"), 0);
  done(&t);
  run_fixture(&t, "build_unknown.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-UNKNOWN"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-UPGRADE-PATH"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-ALREADY-SP2"), 0);
  assert_non_null(strstr(sdt_ev(sdt_find(&t.rep, "EXCH-UNKNOWN", 0),
                                "exsetup"), "Access is denied"));
  /* the AD and patch checks still run */
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 1);
  done(&t);
}

/* The registry and ExSetup.exe disagree: ExSetup.exe wins, evidence says. */
static void test_build_sources(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "schema_11116.json");
  t.f.exchange.reg_version = "8.0.685.24";
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "installed_build"), "8.1.240.6");
  assert_string_equal(sdt_ev(x, "sources_disagree"), "true");
  /* garbage in the ExSetup version: the registry value is used */
  t.f.exchange.exsetup_version = "8.1.x";
  t.f.exchange.reg_version = "8.2.176.2";
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-ALREADY-SP2"), 1);
  /* nothing usable anywhere */
  t.f.exchange.reg_version = "";
  t.f.exchange.msi_product_version = NULL;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "EXCH-UNKNOWN"), 1);
  done(&t);
}

/* A snapshot with no exchange section: one unknown, no crash, no noise. */
static void test_missing_section(void **state)
{
  run t;
  (void)state;
  sdt_load("host/elevated.json", &t.f);
  sdt_run(&t.f, NULL, "exchange-sp2", &t.rep);
  t.m = sdt_module(&t.rep, "exchange-sp2");
  assert_non_null(t.m);
  assert_int_equal(t.m->nfindings, 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-UNKNOWN"), 1);
  assert_int_equal(t.m->status, SD_SEV_UNKNOWN);
  assert_well_formed(t.m);
  done(&t);
}

/* ---- issue 18: setup log review, Forefront, Exchange services ---- */

/* A failed last run with a known failure: step, error, the table's remedy
 * and source in the finding; the module is critical. */
static void test_setuplog_failed_known(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "setuplog_failed_known.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-SETUP-LOG-FAILED"), 1);
  assert_int_equal(sdt_count(&t.rep, "EXCH-SETUP-LOG-UNCLEAR"), 0);
  x = sdt_find(&t.rep, "EXCH-SETUP-LOG-FAILED", 0);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "step"), "Mailbox role: Starting services");
  assert_string_equal(sdt_ev(x, "known_failure"), "service-disabled");
  assert_string_equal(sdt_ev(x, "started"), "09/14/2026 21:02:11");
  assert_non_null(strstr(sdt_ev(x, "source"), "Test-DisabledService"));
  assert_non_null(strstr(x->message, "Mailbox role: Starting services"));
  assert_non_null(strstr(x->message, "it is disabled"));
  assert_non_null(strstr(x->summary, "back to Automatic"));
  assert_true(x->nsteps >= 3);
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_int_equal(x->steps[1].kind, SD_STEP_CHANGE);
  assert_non_null(strstr(x->steps[1].text, "Test-DisabledService.ps1"));
  assert_true(sdt_has_command(x, "ExchangeSetup.log"));
  /* the services of that fixture are fine: nothing about them */
  assert_int_equal(sdt_count(&t.rep, "EXCH-SERVICE-DISABLED"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-FOREFRONT"), 0);
  assert_well_formed(t.m);
  done(&t);
}

/* A failed last run no row matches: the error, no invented remedy. */
static void test_setuplog_failed_unknown(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "setuplog_failed_unknown.json");
  x = sdt_find(&t.rep, "EXCH-SETUP-LOG-FAILED", 0);
  assert_non_null(x);
  assert_null(sd_finding_evidence(x, "known_failure"));
  assert_null(sd_finding_evidence(x, "source"));
  assert_non_null(strstr(sdt_ev(x, "error"), "Hygiene"));
  assert_non_null(strstr(x->steps[1].text, "knows no documented remedy"));
  assert_non_null(strstr(x->steps[1].text, "Hub Transport role: Copying"));
  done(&t);
}

/* Unreadable and unfinished: said so (unknown), never "fine". */
static void test_setuplog_unclear(void **state)
{
  static const char *const names[] = {"setuplog_unreadable.json",
                                      "setuplog_unfinished.json"};
  static const char *const words[] = {"being used by another process",
                                      "unfinished"};
  size_t i;
  (void)state;
  for(i = 0; i < 2; i++) {
    run t;
    const sd_finding *x;
    run_fixture(&t, names[i]);
    assert_int_equal(sdt_count(&t.rep, "EXCH-SETUP-LOG-FAILED"), 0);
    x = sdt_find(&t.rep, "EXCH-SETUP-LOG-UNCLEAR", 0);
    assert_non_null(x);
    assert_int_equal(x->severity, SD_SEV_UNKNOWN);
    assert_non_null(strstr(x->message, words[i]));
    assert_well_formed(t.m);
    done(&t);
  }
}

/* No log, a run that succeeded, and a snapshot of the previous form (no
 * setup_log, no services): nothing new is said, and the old one loads
 * with both not collected. */
static void test_setuplog_quiet_and_old_form(void **state)
{
  static const char *const names[] = {"setuplog_absent.json",
                                      "setuplog_succeeded.json",
                                      "sp1_rollups_only.json"};
  static const char *const codes[] = {
    "EXCH-SETUP-LOG-FAILED", "EXCH-SETUP-LOG-UNCLEAR", "EXCH-FOREFRONT",
    "EXCH-SERVICE-DISABLED", "EXCH-SERVICE-PENDING", "EXCH-PREREQ-UNKNOWN"};
  size_t i, k;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    run t;
    run_fixture(&t, names[i]);
    for(k = 0; k < SD_COUNTOF(codes); k++)
      assert_int_equal(sdt_count(&t.rep, codes[k]), 0);
    assert_non_null(sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0));
    if(i == 2) {
      assert_int_equal(t.f.exchange.setuplog.st.state, SD_ST_NOT_COLLECTED);
      assert_int_equal(t.f.services.st.state, SD_ST_NOT_COLLECTED);
    }
    else {
      assert_string_equal(t.f.exchange.setuplog.path,
                          "C:\\ExchangeSetupLogs\\ExchangeSetup.log");
    }
    done(&t);
  }
}

/* FSCController marks Forefront: both fscutility commands, disable before
 * enable, the documented stop order before the disable. */
static void test_forefront(void **state)
{
  run t;
  const sd_finding *x;
  size_t i, disable = 0, enable = 0, is = 0;
  (void)state;
  run_fixture(&t, "forefront.json");
  x = sdt_find(&t.rep, "EXCH-FOREFRONT", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_string_equal(sdt_ev(x, "service"), "FSCController");
  for(i = 0; i < x->nsteps; i++) {
    size_t k;
    for(k = 0; k < x->steps[i].ncommands; k++) {
      const char *cmd = x->steps[i].commands[k];
      if(!strcmp(cmd, "fscutility /disable"))
        disable = x->steps[i].number;
      if(!strcmp(cmd, "fscutility /enable"))
        enable = x->steps[i].number;
      if(!strcmp(cmd, "net stop MSExchangeIS"))
        is = x->steps[i].number;
    }
  }
  assert_true(disable > 1);
  assert_true(enable > disable);
  assert_int_equal(is, disable);
  assert_int_equal(sdt_count(&t.rep, "EXCH-SERVICE-DISABLED"), 0);
  assert_well_formed(t.m);
  done(&t);
}

/* Disabled: critical, remedy in words, no sc config; pending: warning;
 * a Disabled service outside the table, or of a role not installed, is
 * not reported. */
static void test_services_blocked(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "services_blocked.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-SERVICE-DISABLED"), 1);
  x = sdt_find(&t.rep, "EXCH-SERVICE-DISABLED", 0);
  assert_string_equal(sdt_ev(x, "service"), "MSExchangeADTopology");
  assert_string_equal(sdt_ev(x, "start_type"), "4");
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_false(sdt_has_command(x, "sc config"));
  assert_true(sdt_has_command(x, "sc qc MSExchangeADTopology"));
  x = sdt_find(&t.rep, "EXCH-SERVICE-PENDING", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "service"), "MSExchangeAB");
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_int_equal(sdt_count(&t.rep, "EXCH-SERVICE-PENDING"), 1);
  assert_int_equal(t.m->status, SD_SEV_CRITICAL);
  assert_well_formed(t.m);
  done(&t);
}

/* A service list or a start type that could not be read is named among
 * the prerequisites not checked. */
static void test_services_unreadable(void **state)
{
  static const char *const names[] = {"services_unreadable.json",
                                      "services_config_unreadable.json"};
  static const char *const words[] = {"Forefront and the Exchange services",
                                      "start type of an Exchange service"};
  size_t i;
  (void)state;
  for(i = 0; i < 2; i++) {
    run t;
    const sd_finding *x;
    run_fixture(&t, names[i]);
    x = sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0);
    assert_non_null(x);
    assert_non_null(strstr(sdt_ev(x, "unchecked"), words[i]));
    assert_int_equal(sdt_count(&t.rep, "EXCH-FOREFRONT"), 0);
    assert_int_equal(sdt_count(&t.rep, "EXCH-SERVICE-DISABLED"), 0);
    done(&t);
  }
}

/* The CRL route: unreachable gives the documented remedies (proxy,
 * KB 944752's workaround, the Internet Options setting during setup);
 * reachable says nothing; could not look is named as not checked. */
static void test_crl_route(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "crl_unreachable.json");
  x = sdt_find(&t.rep, "EXCH-CRL-UNREACHABLE", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_string_equal(sdt_ev(x, "target"), "crl.microsoft.com:80");
  assert_string_equal(sdt_ev(x, "winhttp_proxy"), "none (direct)");
  assert_non_null(strstr(sdt_ev(x, "detail"), "10061"));
  assert_non_null(strstr(sdt_ev(x, "source"), "KB 944752"));
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_int_equal(x->steps[1].kind, SD_STEP_CHANGE);
  assert_non_null(strstr(x->steps[1].text, "WinHTTP"));
  assert_non_null(strstr(x->steps[2].text, "generatePublisherEvidence"));
  assert_true(x->steps[2].alternative);
  assert_non_null(strstr(x->steps[3].text, "publisher's certificate"));
  assert_false(sdt_has_command(x, "netsh"));
  assert_well_formed(t.m);
  done(&t);
  run_fixture(&t, "crl_reachable.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-CRL-UNREACHABLE"), 0);
  assert_int_equal(sdt_count(&t.rep, "EXCH-PREREQ-UNKNOWN"), 0);
  assert_string_equal(t.f.exchange.crl.proxy, "proxy.contoso.com:8080");
  done(&t);
  run_fixture(&t, "crl_could_not_look.json");
  assert_int_equal(sdt_count(&t.rep, "EXCH-CRL-UNREACHABLE"), 0);
  x = sdt_find(&t.rep, "EXCH-PREREQ-UNKNOWN", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "unchecked"),
                         "route to crl.microsoft.com (Winsock"));
  done(&t);
  /* the previous form: no crl_route, nothing said */
  run_fixture(&t, "sp1_rollups_only.json");
  assert_int_equal(t.f.exchange.crl.probe_st.state, SD_ST_NOT_COLLECTED);
  assert_int_equal(sdt_count(&t.rep, "EXCH-CRL-UNREACHABLE"), 0);
  done(&t);
}

/* On Windows Server 2003 the look step is proxycfg, the tool KB 944752
 * names. */
static void test_crl_2003_proxycfg(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "crl_unreachable.json");
  t.f.os.major = 5;
  t.f.os.minor = 2;
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-CRL-UNREACHABLE", 0);
  assert_non_null(x);
  assert_int_equal(x->steps[0].ncommands, 1);
  assert_string_equal(x->steps[0].commands[0], "proxycfg");
  done(&t);
}

/* The setup_log section survives write, read, write. */
static void test_setuplog_roundtrip(void **state)
{
  static const char *const names[] = {"setuplog_failed_known.json",
                                      "setuplog_unreadable.json",
                                      "crl_reachable.json"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    sd_facts a, b;
    sd_buf w1, w2;
    sd_err err;
    char rel[256];
    snprintf(rel, sizeof(rel), "exchange-sp2/%s", names[i]);
    sdt_load(rel, &a);
    sd_buf_init(&w1);
    sd_buf_init(&w2);
    sd_snapshot_write(&a, &w1);
    assert_non_null(strstr(w1.data, i < 2 ? "\"setup_log\""
                                          : "\"crl_route\""));
    sd_facts_init(&b);
    sd_err_clear(&err);
    assert_int_equal(sd_snapshot_read_mem(w1.data, w1.len, &b, &err), 0);
    sd_snapshot_write(&b, &w2);
    assert_string_equal(w1.data, w2.data);
    assert_int_equal(b.exchange.setuplog.size, a.exchange.setuplog.size);
    if(i == 0) {
      assert_string_equal(b.exchange.setuplog.known, "service-disabled");
      assert_int_equal(b.exchange.setuplog.read_ms, 41);
    }
    else if(i == 1) {
      assert_int_equal(b.exchange.setuplog.st.state, SD_ST_UNREADABLE);
      assert_int_equal(b.exchange.setuplog.st.error, 32);
    }
    else {
      assert_string_equal(b.exchange.crl.result, "reachable");
      assert_string_equal(b.exchange.crl.proxy_bypass, "<local>");
      assert_int_equal(b.exchange.crl.deadline_ms, 5000);
    }
    sd_buf_free(&w1);
    sd_buf_free(&w2);
    sd_facts_free(&a);
    sd_facts_free(&b);
  }
}

/* Write, read, write: identical bytes; the copy helper keeps everything. */
static void test_roundtrip_and_copy(void **state)
{
  static const char *const names[] = {
    "sp1_two_ius.json", "schema_not_extended.json", "ad_blockers.json",
    "rights_filtered_stale.json", "ad_unreachable.json",
    "setup_incomplete.json", "setup_install_interrupted.json",
    "msi_cache_missing.json", "forest_domains.json", "sbs2008.json",
    "fresh_gc_e55.json"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    sd_facts a, b, c;
    sd_buf w1, w2, w3;
    sd_err err;
    char rel[256];
    snprintf(rel, sizeof(rel), "exchange-sp2/%s", names[i]);
    sdt_load(rel, &a);
    sd_buf_init(&w1);
    sd_buf_init(&w2);
    sd_buf_init(&w3);
    sd_snapshot_write(&a, &w1);
    sd_facts_init(&b);
    sd_err_clear(&err);
    assert_int_equal(sd_snapshot_read_mem(w1.data, w1.len, &b, &err), 0);
    sd_snapshot_write(&b, &w2);
    assert_string_equal(w1.data, w2.data);
    /* copy the AD section into fresh facts and compare the documents */
    sd_facts_init(&c);
    c.collected_at = b.collected_at;
    c.tool_version = b.tool_version;
    c.host = b.host;
    c.os = b.os;
    c.msi_patches = b.msi_patches;
    c.reboot = b.reboot;
    c.exchange = b.exchange;
    sd_exch_ad_copy(&c, &c.exchange.ad, &b.exchange.ad);
    sd_snapshot_write(&c, &w3);
    assert_string_equal(w1.data, w3.data);
    /* c shares b's other lists: give them back before freeing */
    memset(&c.msi_patches, 0, sizeof(c.msi_patches));
    memset(&c.reboot, 0, sizeof(c.reboot));
    c.exchange.roles = NULL;
    c.exchange.nroles = 0;
    c.exchange.token_groups = NULL;
    c.exchange.ntoken_groups = 0;
    c.exchange.msi_cache = NULL;
    c.exchange.nmsi_cache = 0;
    sd_facts_free(&c);
    sd_facts_free(&b);
    sd_facts_free(&a);
    sd_buf_free(&w1);
    sd_buf_free(&w2);
    sd_buf_free(&w3);
  }
}

/* Strict reading: wrong types in the exchange section are refused. */
static void test_snapshot_rejects(void **state)
{
  static const char *const bad[] = {
    "{\"schema_version\":1,\"kind\":\"srvdoctor-snapshot\",\"exchange\":"
    "{\"ad\":{\"schema_version\":\"14622\"}}}",
    "{\"schema_version\":1,\"kind\":\"srvdoctor-snapshot\",\"exchange\":"
    "{\"roles\":[1]}}",
    "{\"schema_version\":1,\"kind\":\"srvdoctor-snapshot\",\"exchange\":"
    "{\"ad\":{\"orgs\":[{\"object_version\":1.5}]}}}",
    "{\"schema_version\":1,\"kind\":\"srvdoctor-snapshot\",\"exchange\":"
    "{\"token_groups\":[{\"sid\":\"S-1-1-0\",\"bogus\":1}]}}",
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(bad); i++) {
    sd_facts f;
    sd_err err;
    sd_facts_init(&f);
    sd_err_clear(&err);
    assert_int_equal(sd_snapshot_read_mem(bad[i], strlen(bad[i]), &f, &err),
                     -1);
    sd_facts_free(&f);
  }
}

/* A forest whose schema is newer than SP2's but whose organization is
 * behind: /PrepareAD is needed, with a caution about old media. */
static void test_schema_newer_org_behind(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  int caution = 0;
  (void)state;
  run_fixture(&t, "schema_11116.json");
  t.f.exchange.ad.schema_version = 14726;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 0);
  x = sdt_find(&t.rep, "AD-ORG-PREP-NEEDED", 0);
  assert_non_null(x);
  for(i = 0; i < x->nsteps; i++)
    caution |= strstr(x->steps[i].text, "Exchange 2010 SP1") != NULL &&
               strstr(x->steps[i].text, "newer than the SP2 media") != NULL;
  assert_true(caution);
  /* only Enterprise Admins is needed now, and the admin has it */
  assert_int_equal(sdt_count(&t.rep, "AD-RIGHTS-MISSING"), 0);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  done(&t);
}

/* Odd values never crash the check and never turn into "fine". */
static void test_odd_values(void **state)
{
  run t;
  (void)state;
  run_fixture(&t, "schema_11116.json");
  t.f.exchange.ad.schema_version = -5;
  t.f.exchange.ad.orgs[0].object_version = INT64_MAX;
  t.f.exchange.ad.mesos[0].dn = NULL;
  t.f.exchange.ad.fsmo_owner = NULL;
  t.f.exchange.ad.fsmo_domain = NULL;
  t.f.exchange.ad.domain_sid = NULL;
  t.f.exchange.roles[0].name = NULL;
  t.f.msi_patches.items[0].display_name = NULL;
  t.f.msi_patches.items[0].patch_code = NULL;
  t.f.host.user = NULL;
  t.f.host.domain = NULL;
  rerun(&t);
  assert_int_equal(sdt_count(&t.rep, "AD-SCHEMA-PREP-NEEDED"), 1);
  assert_int_equal(sdt_count(&t.rep, "AD-VERSION-NEWER"), 1);
  assert_int_equal(sdt_count(&t.rep, "AD-READY"), 0);
  assert_well_formed(t.m);
  /* a deleted schema master holder */
  t.f.exchange.ad.fsmo_owner = "CN=NTDS Settings\\0ADEL:0d1c2b3a-4f5e-6d7c-"
                                "8b9a-a1b2c3d4e5f6,CN=DC0,CN=Servers,CN=S,"
                                "CN=Sites,CN=Configuration,DC=contoso,DC=com";
  rerun(&t);
  assert_non_null(strstr(sdt_find(&t.rep, "AD-SCHEMA-MASTER", 0)->message,
                         "deleted"));
  done(&t);
}

/* The text and JSON reports render the module without trouble. */
static void test_reports_render(void **state)
{
  run t;
  sd_buf out;
  sd_report_style style;
  (void)state;
  run_fixture(&t, "sp1_two_ius.json");
  memset(&style, 0, sizeof(style));
  sd_buf_init(&out);
  sd_report_render(&t.rep, SD_FMT_JSON, &style, &out);
  assert_non_null(strstr(out.data, "\"EXCH-INTERIM-UPDATE\""));
  assert_non_null(strstr(out.data, "MSIPATCHREMOVE=" IU2));
  assert_true(sd_utf8_valid(out.data, out.len));
  sd_buf_reset(&out);
  sd_report_render(&t.rep, SD_FMT_TEXT, &style, &out);
  assert_non_null(strstr(out.data, "EXCH-INTERIM-UPDATE"));
  sd_buf_free(&out);
  done(&t);
}

/* Every code has its page, whose first line is "# CODE - Title", and the
 * module has its page. */
static void test_docs_pages(void **state)
{
  const sd_module *m = sd_module_find("exchange-sp2");
  const char *src = getenv("SD_SRC");
  char path[4096], line[512];
  size_t i;
  FILE *fp;
  (void)state;
  assert_non_null(m);
  if(!src)
    src = "..";
  for(i = 0; i < m->ncodes; i++) {
    char want[256];
    snprintf(path, sizeof(path), "%s/docs/findings/%s.md", src,
             m->codes[i].code);
    fp = fopen(path, "r");
    if(!fp)
      fail_msg("no page %s", path);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    snprintf(want, sizeof(want), "# %s - ", m->codes[i].code);
    assert_true(!strncmp(line, want, strlen(want)));
    assert_string_equal(m->codes[i].module, "exchange-sp2");
  }
  snprintf(path, sizeof(path), "%s/docs/modules/exchange-sp2.md", src);
  fp = fopen(path, "r");
  assert_non_null(fp);
  fclose(fp);
}

/* Correction 7 (issue 16): a CCR node gets the documented order - the
 * passive node first, then stop the CMS, then move it to the upgraded node,
 * /UpgradeCMS there, then the former active node - with the CMS and node
 * names filled in from the facts.  (The old test asserted move before stop,
 * as issue 12 had asked; that order was wrong.) */
static void test_cms_upgrade_order(void **state)
{
  run t;
  const sd_finding *x;
  long passive, stop, move, cms, former;
  (void)state;
  run_fixture(&t, "cms_ccr_node.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "clustered_mailbox_server"),
                      "cluster continuous replication (CCR)");
  passive = step_index(x, "On the passive node EXNODE2");
  stop = cmd_step(x, "Stop-ClusteredMailboxServer -Identity EXCMS1 "
                  "-StopReason \"SP2 upgrade\"");
  move = cmd_step(x, "Move-ClusteredMailboxServer -Identity EXCMS1 "
                  "-TargetMachine EXNODE2 -MoveComment \"SP2 upgrade\"");
  cms = cmd_step(x, "Setup.com /UpgradeCMS");
  former = step_index(x, "former active node EXNODE1");
  assert_true(passive >= 0);
  assert_true(stop > passive);
  assert_true(move > stop);
  assert_true(cms > move);
  assert_true(former > cms);
  assert_non_null(strstr(x->steps[cms].text, "EXNODE2"));
  assert_non_null(x->steps[former].commands);
  assert_string_equal(x->steps[former].commands[0], "Setup.com /mode:upgrade");
  assert_literal(x);
  done(&t);
}

/* Correction 7/9: an SCC node gets no CCR steps (and no setup command); a
 * cluster node whose CMS could not be read says so and gives the read-only
 * command that tells it. */
static void test_cms_scc_and_unknown(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  run_fixture(&t, "cms_scc_node.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_false(sdt_has_command(x, "Setup.com"));
  assert_false(anywhere(x, "Move-ClusteredMailboxServer"));
  assert_false(anywhere(x, "Stop-ClusteredMailboxServer"));
  assert_true(sdt_has_command(x, "Get-ClusteredMailboxServerStatus "
                              "-Identity EXCMS2"));
  assert_true(step_index(x, "single copy cluster EXCMS2") >= 0);
  assert_literal(x);
  done(&t);
  run_fixture(&t, "cms_node_unread.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_false(sdt_has_command(x, "Setup.com"));
  assert_true(step_index(x, "could not read") >= 0);
  assert_true(sdt_has_command(x, "Get-ClusteredMailboxServerStatus"));
  assert_literal(x);
  done(&t);
}

/* Correction 9: a stand-alone server gets no clustered mailbox server
 * steps; one whose cluster state could not be read gets a look first and
 * the setup step under its condition. */
static void test_standalone_no_cms_steps(void **state)
{
  run t;
  const sd_finding *x;
  long look, setup;
  (void)state;
  run_fixture(&t, "standalone.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  assert_non_null(x);
  assert_false(anywhere(x, "ClusteredMailboxServer"));
  assert_false(anywhere(x, "UpgradeCMS"));
  assert_true(sdt_has_command(x, "Setup.com /mode:upgrade"));
  assert_string_equal(sdt_ev(x, "cluster_node"), "not-installed");
  assert_literal(x);
  done(&t);
  run_fixture(&t, "cluster_unreadable.json");
  x = sdt_find(&t.rep, "EXCH-UPGRADE-PATH", 0);
  look = cmd_step(x, "Get-ClusteredMailboxServerStatus");
  setup = cmd_step(x, "Setup.com /mode:upgrade");
  assert_true(look >= 0 && setup > look);
  assert_int_equal(x->steps[look].kind, SD_STEP_LOOK);
  assert_non_null(x->steps[setup].condition);
  assert_true(step_index(x, "Access is denied") >= 0);
  assert_false(anywhere(x, "UpgradeCMS"));
  assert_literal(x);
  done(&t);
}

/* Correction 1: no registry deletion of servicing state is ever printed;
 * the restart is a last resort under a condition, and the finding says the
 * flags do not block setup. */
static void test_reboot_no_servicing_deletion(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  (void)state;
  run_fixture(&t, "reboot_wu_only.json");
  for(i = 0; i < t.f.reboot.count; i++) {
    t.f.reboot.items[i].st.state = SD_ST_READ;
    t.f.reboot.items[i].pending =
      !strcmp(t.f.reboot.items[i].source, "cbs-reboot-pending");
  }
  rerun(&t);
  x = sdt_find(&t.rep, "EXCH-REBOOT-RECOMMENDED", 0);
  assert_non_null(x);
  assert_false(anywhere(x, "delete the"));
  assert_false(anywhere(x, "PackagesPending"));
  assert_false(anywhere(x, "reg delete"));
  assert_true(anywhere(x, "never delete servicing registry keys"));
  assert_true(step_index(x, "do not stop SP2 setup") >= 0);
  assert_restart_last_resort(x);
  assert_literal(x);
  done(&t);
}

/* Correction 2: an unclassified patch is identified (a read-only reg query
 * of its key, packed codes filled in) and escalated, never removed. */
static void test_unclassified_identify_not_remove(void **state)
{
  run t;
  const sd_finding *x;
  char packed[33];
  char want[256];
  (void)state;
  run_fixture(&t, "unclassified_patch.json");
  x = sdt_find(&t.rep, "EXCH-PATCH-UNCLASSIFIED", 0);
  assert_non_null(x);
  assert_false(sdt_has_command(x, "msiexec"));
  assert_false(anywhere(x, "MSIPATCHREMOVE"));
  assert_false(anywhere(x, "must be removed"));
  assert_int_equal(sd_msi_guid_pack("{ABCDEF01-2345-6789-ABCD-EF0123456789}",
                                    packed), 0);
  snprintf(want, sizeof(want), "reg query \"HKLM\\SOFTWARE\\Microsoft\\"
           "Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\"
           "Products\\461C2B4266EDEF444B864AD6D9E5B613\\Patches\\%s\"",
           packed);
  assert_true(cmd_step(x, want) == 0);
  assert_true(step_index(x, "Exchange administrator") > 0);
  assert_literal(x);
  done(&t);
}

/* Task A: EXCH-INTERIM-UPDATE - a look first, the msiexec command in
 * exactly the step fix names, Control Panel as its alternative (not the
 * next number), a restart only if asked, a look to verify. */
static void test_iu_steps(void **state)
{
  run t;
  const sd_finding *x;
  long rm;
  (void)state;
  run_fixture(&t, "sp1_one_iu.json");
  x = sdt_find(&t.rep, "EXCH-INTERIM-UPDATE", 0);
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_non_null(strstr(x->steps[0].text, "View installed updates"));
  rm = cmd_step(x, "MSIPATCHREMOVE=" IU1);
  assert_true(rm > 0);
  assert_int_equal(x->steps[rm].kind, SD_STEP_CHANGE);
  assert_int_equal(x->fix_first, x->steps[rm].number);
  assert_int_equal(x->fix_last, x->steps[rm].number);
  assert_non_null(x->fix_warning);
  assert_true(x->steps[rm + 1].alternative);
  assert_int_equal(x->steps[rm + 1].number, x->steps[rm].number);
  assert_non_null(strstr(x->steps[rm + 1].text, "Uninstall"));
  assert_int_equal(count_commands(x, "msiexec"), 1);
  assert_true(sdt_has_command(x, "srvdoctor check"));
  assert_literal(x);
  done(&t);
}

/* Every finding of every exchange-sp2 fixture obeys the literal reader's
 * rules, and no transitional (untyped) step is left. */
static void test_literal_reader_all_fixtures(void **state)
{
  static const char *const names[] = {
    "ad_blockers.json", "ad_newer_than_known.json", "ad_partial.json",
    "ad_unreachable.json", "build_unknown.json", "dc_not_ready.json",
    "exchange2010.json", "forest_domains.json", "fresh_gc_e55.json",
    "iu_not_removable.json", "msi_cache_missing.json", "no_exchange.json",
    "no_schema_admins.json", "os_2003sp1_msi31.json", "os_2008r2.json",
    "patches_unreadable.json", "prerelease.json", "reboot_none.json",
    "reboot_unreadable.json", "reboot_wu_only.json",
    "rights_filtered_stale.json", "rights_unknown.json", "rtm.json",
    "sbs2008.json", "schema_11116.json", "schema_not_extended.json",
    "setup_incomplete.json", "setup_install_interrupted.json",
    "sp1_one_iu.json", "sp1_rollups_only.json", "sp1_two_ius.json",
    "sp2.json", "unclassified_patch.json", "cms_ccr_node.json",
    "cms_scc_node.json", "cms_node_unread.json", "standalone.json",
    "cluster_unreadable.json", "setuplog_failed_known.json",
    "setuplog_failed_unknown.json", "setuplog_unreadable.json",
    "setuplog_unfinished.json", "forefront.json", "services_blocked.json",
    "services_unreadable.json", "crl_unreachable.json",
    "crl_could_not_look.json"};
  size_t i, k, n = 0;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    run t;
    run_fixture_only(&t, names[i]);
    for(k = 0; k < t.m->nfindings; k++, n++)
      assert_literal(&t.m->findings[k]);
    done(&t);
  }
  assert_true(n > 60);
}

/* Correction 8: the module page says where the fact tables are. */
static void test_module_page_tables(void **state)
{
  const char *src = getenv("SD_SRC");
  char path[4096];
  static char text[65536];
  size_t n;
  FILE *fp;
  (void)state;
  snprintf(path, sizeof(path), "%s/docs/modules/exchange-sp2.md",
           src ? src : "..");
  fp = fopen(path, "r");
  assert_non_null(fp);
  n = fread(text, 1, sizeof(text) - 1, fp);
  fclose(fp);
  text[n] = 0;
  assert_non_null(strstr(text, "`src/modules/exchange-sp2/`"));
  assert_null(strstr(text, "named tables in\n`module.c`"));
  assert_non_null(strstr(text, "cms_ccr_order"));
  assert_non_null(strstr(text, "msExchClusterStorageType"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_guid_pack),
    cmocka_unit_test(test_no_exchange),
    cmocka_unit_test(test_rtm),
    cmocka_unit_test(test_cms_upgrade_order),
    cmocka_unit_test(test_cms_scc_and_unknown),
    cmocka_unit_test(test_standalone_no_cms_steps),
    cmocka_unit_test(test_reboot_no_servicing_deletion),
    cmocka_unit_test(test_unclassified_identify_not_remove),
    cmocka_unit_test(test_iu_steps),
    cmocka_unit_test(test_literal_reader_all_fixtures),
    cmocka_unit_test(test_module_page_tables),
    cmocka_unit_test(test_sp1_one_iu),
    cmocka_unit_test(test_sp1_two_ius),
    cmocka_unit_test(test_sp1_rollups_only),
    cmocka_unit_test(test_sp2_already),
    cmocka_unit_test(test_sp3_forest_sp1_server),
    cmocka_unit_test(test_exchange_2010),
    cmocka_unit_test(test_schema_not_extended),
    cmocka_unit_test(test_schema_11116),
    cmocka_unit_test(test_no_schema_admins),
    cmocka_unit_test(test_rights_filtered_and_stale),
    cmocka_unit_test(test_rights_unknown),
    cmocka_unit_test(test_reboot_each_source),
    cmocka_unit_test(test_reboot_windows_update_only),
    cmocka_unit_test(test_reboot_unreadable),
    cmocka_unit_test(test_ad_unreachable),
    cmocka_unit_test(test_ad_not_collected),
    cmocka_unit_test(test_patches_unreadable),
    cmocka_unit_test(test_os),
    cmocka_unit_test(test_fresh_gc_and_exchange55),
    cmocka_unit_test(test_sbs2008),
    cmocka_unit_test(test_forest_domains),
    cmocka_unit_test(test_msi_cache_missing),
    cmocka_unit_test(test_setup_incomplete),
    cmocka_unit_test(test_setup_install_resume),
    cmocka_unit_test(test_ad_newer_than_known),
    cmocka_unit_test(test_ad_blockers),
    cmocka_unit_test(test_dc_not_ready),
    cmocka_unit_test(test_ad_partial),
    cmocka_unit_test(test_iu_not_removable),
    cmocka_unit_test(test_unclassified_and_marker),
    cmocka_unit_test(test_prerelease_and_unknown_build),
    cmocka_unit_test(test_build_sources),
    cmocka_unit_test(test_missing_section),
    cmocka_unit_test(test_setuplog_failed_known),
    cmocka_unit_test(test_setuplog_failed_unknown),
    cmocka_unit_test(test_setuplog_unclear),
    cmocka_unit_test(test_setuplog_quiet_and_old_form),
    cmocka_unit_test(test_forefront),
    cmocka_unit_test(test_services_blocked),
    cmocka_unit_test(test_services_unreadable),
    cmocka_unit_test(test_crl_route),
    cmocka_unit_test(test_crl_2003_proxycfg),
    cmocka_unit_test(test_setuplog_roundtrip),
    cmocka_unit_test(test_roundtrip_and_copy),
    cmocka_unit_test(test_snapshot_rejects),
    cmocka_unit_test(test_schema_newer_org_behind),
    cmocka_unit_test(test_odd_values),
    cmocka_unit_test(test_reports_render),
    cmocka_unit_test(test_docs_pages),
  };
  return cmocka_run_group_tests_name("exchange-sp2", tests, NULL, NULL);
}
