/* test_fleet.c - the fleet's aggregation: newest report per host, stale
 * reports, unusable files, the Exchange upgrade plan, disagreeing AD
 * values, OCS pools, and the three writers (escaping included). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sdtest.h"
#include "exchange-sp2/fleet.h"
#include "ocs-kb974571/fleet.h"
#include "srvdoctor/fleet.h"
#include "srvdoctor/json.h"

/* The modules' sections of the fleet (an empty one when none was built). */
static const sd_exch_plan no_plan;
static const sd_ocs_pools no_pools;
#define EXCH(fl) (sd_fleet_section((fl), "exchange-sp2") ? \
  (const sd_exch_plan *)sd_fleet_section((fl), "exchange-sp2") : &no_plan)
#define POOLS(fl) (sd_fleet_section((fl), "ocs-kb974571") ? \
  (const sd_ocs_pools *)sd_fleet_section((fl), "ocs-kb974571") : &no_pools)

#define T0 "2026-11-26T08:00:00Z"

static sd_time at(const char *s)
{
  sd_time t;
  assert_int_equal(sd_time_parse(s, &t), 0);
  return t;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  sd_buf b;
  char chunk[4096];
  size_t n;
  assert_non_null(fp);
  sd_buf_init(&b);
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    sd_buf_put(&b, chunk, n);
  fclose(fp);
  *len = b.len;
  return sd_buf_take(&b);
}

static void add_file(sd_fleet *fl, const char *rel)
{
  size_t len;
  char *data = slurp(sdt_fixture(rel), &len);
  sd_err err;
  sd_err_clear(&err);
  if(sd_fleet_add_report_mem(fl, rel, data, len, &err) != 0) {
    fprintf(stderr, "%s: %s\n", rel, err.msg);
    fail_msg("fixture %s is not read as a report", rel);
  }
  free(data);
}

static void add_snapshot(sd_fleet *fl, const char *rel)
{
  sd_facts f;
  sd_report rep;
  size_t len;
  char *data = slurp(sdt_fixture(rel), &len);
  sd_err err;
  /* The reader tells a snapshot from a report. */
  assert_int_equal(sd_fleet_add_report_mem(fl, rel, data, len, &err), 1);
  free(data);
  sdt_load(rel, &f);
  sdt_run(&f, NULL, NULL, &rep);
  sd_fleet_add_result(fl, rel, &rep);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

static const char *const org[] = {
  "fleet/org/CAS01.json", "fleet/org/CAS02.json", "fleet/org/HUB01.json",
  "fleet/org/HUB02.json", "fleet/org/UM01.json", "fleet/org/MBX01.json",
  "fleet/org/MBX02.json", "fleet/org/EDGE01.json", "fleet/org/FE01.json",
  "fleet/org/FE02.json",
};

static void load_org(sd_fleet *fl, const char *now, int detail)
{
  size_t i;
  sd_fleet_init(fl, at(now), 26 * 3600);
  fl->keep_detail = detail;
  for(i = 0; i < SD_COUNTOF(org); i++)
    add_file(fl, org[i]);
  add_snapshot(fl, "fleet/org/FE03.snapshot.json");
  sd_fleet_finish(fl);
}

static const char *host_of(const sd_fleet *fl, size_t i)
{
  return fl->hosts[EXCH(fl)->servers[i].host].name;
}

static void test_plan_order_and_blockers(void **state)
{
  sd_fleet fl;
  static const struct {
    const char *host;
    sd_exch_phase phase;
    sd_exch_state st;
    const char *blocker;
  } want[] = {
    {"CAS01", SD_PHASE_CAS, SD_XS_READY, NULL},
    {"CAS02", SD_PHASE_CAS, SD_XS_BLOCKED, "EXCH-PENDING-REBOOT"},
    {"HUB01", SD_PHASE_HUB, SD_XS_BLOCKED, "EXCH-INTERIM-UPDATE"},
    {"HUB02", SD_PHASE_HUB, SD_XS_BLOCKED, "AD-SCHEMA-PREP-NEEDED"},
    {"UM01", SD_PHASE_UM, SD_XS_READY, NULL},
    {"MBX01", SD_PHASE_MBX, SD_XS_READY, NULL},
    {"EDGE01", SD_PHASE_EDGE, SD_XS_UNKNOWN, "AD-UNREACHABLE"},
    {"MBX02", SD_PHASE_NONE, SD_XS_DONE, NULL},
  };
  size_t i;
  (void)state;
  load_org(&fl, "2026-11-26T10:00:00Z", 0);
  assert_int_equal(fl.nhosts, 11);
  assert_int_equal(fl.nproblems, 0);
  assert_int_equal(fl.exit_code, 2);
  assert_int_equal(fl.nstale, 0);
  assert_int_equal(EXCH(&fl)->nservers, SD_COUNTOF(want));
  for(i = 0; i < SD_COUNTOF(want); i++) {
    const sd_exch_server *s = &EXCH(&fl)->servers[i];
    assert_string_equal(host_of(&fl, i), want[i].host);
    assert_int_equal(s->phase, want[i].phase);
    assert_int_equal(s->state, want[i].st);
    if(want[i].blocker) {
      assert_true(s->nblockers >= 1);
      assert_string_equal(s->blockers[0], want[i].blocker);
    }
    else if(s->state == SD_XS_READY)
      assert_int_equal(s->nblockers, 0);
  }
  assert_string_equal(EXCH(&fl)->servers[0].build, "8.1.240.6");
  assert_string_equal(EXCH(&fl)->servers[7].build, "8.2.176.2");
  /* HUB02's DC has not replicated the schema: the reports disagree, and
   * the plan does not say /PrepareSchema is needed or not. */
  assert_int_equal(EXCH(&fl)->prepare_schema, -1);
  assert_int_equal(EXCH(&fl)->prepare_ad, 0);
  assert_int_equal(EXCH(&fl)->ndisagree, 1);
  assert_string_equal(EXCH(&fl)->disagree[0].what, "schema_version");
  for(i = 0; i < EXCH(&fl)->disagree[0].nclaims; i++) {
    const sd_ad_claim *c = &EXCH(&fl)->disagree[0].claims[i];
    assert_string_equal(c->value, strcmp(fl.hosts[c->host].name, "HUB02")
                        ? "14622" : "11116");
  }
  /* Where to prepare AD: the schema master's site and domain. */
  assert_string_equal(EXCH(&fl)->schema_master, "dc1.contoso.com");
  assert_string_equal(EXCH(&fl)->schema_master_site, "Default-First-Site-Name");
  assert_string_equal(EXCH(&fl)->schema_master_domain, "contoso.com");
  assert_int_equal(EXCH(&fl)->nrun_on, 4);
  for(i = 0; i < EXCH(&fl)->nrun_on; i++) {
    const char *n = fl.hosts[EXCH(&fl)->run_on[i]].name;
    assert_true(strcmp(n, "CAS02") && strcmp(n, "MBX01") &&
                strcmp(n, "EDGE01"));
  }
  sd_fleet_free(&fl);
}

static void test_ocs_pools(void **state)
{
  sd_fleet fl;
  size_t i;
  int seen_ent = 0, seen_std = 0;
  (void)state;
  load_org(&fl, "2026-11-26T10:00:00Z", 0);
  assert_int_equal(POOLS(&fl)->npools, 2);
  for(i = 0; i < POOLS(&fl)->npools; i++) {
    const sd_ocs_pool *p = &POOLS(&fl)->pools[i];
    assert_false(p->named);
    if(p->nmembers == 2) {
      seen_ent = 1;
      assert_non_null(strstr(p->name, "Enterprise"));
      assert_string_equal(fl.hosts[p->members[0].host].name, "FE01");
      assert_string_equal(fl.hosts[p->members[1].host].name, "FE02");
      assert_true(p->members[0].needs_asnfix && p->members[1].needs_asnfix);
      assert_string_equal(p->members[1].code, "OCS-KB974571-AT-RISK");
    }
    else {
      seen_std = 1;
      assert_int_equal(p->nmembers, 1);
      assert_string_equal(fl.hosts[p->members[0].host].name, "FE03");
      assert_non_null(strstr(p->name, "Standard Edition"));
    }
  }
  assert_true(seen_ent && seen_std);
  sd_fleet_free(&fl);
}

static void test_stale(void **state)
{
  sd_fleet fl;
  size_t i;
  (void)state;
  /* 26 hours exactly: not stale yet. */
  load_org(&fl, "2026-11-27T10:00:00Z", 0);
  assert_int_equal(fl.nstale, 0);
  assert_int_equal(fl.exit_code, 2);
  sd_fleet_free(&fl);
  /* One second more: every report is stale and counts as unknown. */
  load_org(&fl, "2026-11-27T10:00:01Z", 0);
  assert_int_equal(fl.nstale, 11);
  assert_int_equal(fl.counts[SD_SEV_UNKNOWN], 11);
  assert_int_equal(fl.counts[SD_SEV_CRITICAL], 0);
  assert_int_equal(fl.exit_code, 3);
  for(i = 0; i < fl.nhosts; i++) {
    assert_true(fl.hosts[i].stale);
    assert_int_equal(fl.hosts[i].status, SD_SEV_UNKNOWN);
  }
  for(i = 0; i < EXCH(&fl)->nservers; i++)
    assert_true(EXCH(&fl)->servers[i].state == SD_XS_UNKNOWN ||
                EXCH(&fl)->servers[i].state == SD_XS_DONE);
  /* Old values are no disagreement. */
  assert_int_equal(EXCH(&fl)->ndisagree, 0);
  sd_fleet_free(&fl);
}

/* A small report, made by hand. */
static char *mini(const char *name, const char *when, const char *status,
                  const char *exch_findings)
{
  sd_buf b;
  sd_buf_init(&b);
  sd_buf_printf(&b, "{\"schema_version\": 1, \"tool\": {\"name\": "
                "\"srvdoctor\", \"version\": \"0.1.0\"}, \"source\": "
                "\"snapshot\", \"collected_at\": %s%s%s, \"host\": "
                "{\"name\": \"%s\"}, \"status\": \"%s\", \"exit_code\": 0, "
                "\"modules\": [{\"id\": \"exchange-sp2\", \"title\": \"x\", "
                "\"applicable\": true, \"status\": \"%s\", \"findings\": "
                "[%s]}]}", when ? "\"" : "", when ? when : "null",
                when ? "\"" : "", name, status, status, exch_findings);
  return sd_buf_take(&b);
}

static void add_mini(sd_fleet *fl, const char *src, char *doc)
{
  sd_err err;
  sd_err_clear(&err);
  if(sd_fleet_add_report_mem(fl, src, doc, strlen(doc), &err)) {
    fprintf(stderr, "%s\n", err.msg);
    fail_msg("mini report refused");
  }
  free(doc);
}

#define UPG(roles) \
  "{\"code\": \"EXCH-UPGRADE-PATH\", \"severity\": \"info\", " \
  "\"evidence\": {\"roles\": \"" roles "\", \"installed_build\": " \
  "\"8.1.240.6\"}}"
#define READY(meso, dom) \
  "{\"code\": \"AD-READY\", \"severity\": \"ok\", \"evidence\": " \
  "{\"schema_version\": 14622, \"org_version\": 11222, \"meso_version\": " \
  meso ", \"computer_domain\": \"" dom "\"}}"

static void test_newest_per_host(void **state)
{
  sd_fleet fl;
  (void)state;
  sd_fleet_init(&fl, at("2026-11-26T12:00:00Z"), 26 * 3600);
  add_mini(&fl, "d/srvdoctor-A-1.json", mini("A", "2026-11-25T08:00:00Z",
                                              "critical", UPG("MailboxRole")));
  add_mini(&fl, "d/latest.json", mini("A", T0, "ok", UPG("MailboxRole")));
  add_mini(&fl, "d/srvdoctor-A-2.json", mini("A", T0, "ok",
                                              UPG("MailboxRole")));
  add_mini(&fl, "d/srvdoctor-B.json", mini("B", NULL, "ok", UPG("")));
  /* Windows computer names have no case: "a" is host A's older report. */
  add_mini(&fl, "d/lower.json", mini("a", "2026-11-24T08:00:00Z", "critical",
                                      UPG("MailboxRole")));
  sd_fleet_finish(&fl);
  assert_int_equal(fl.nhosts, 2);
  assert_int_equal(fl.superseded, 3);
  /* B has no collection time: stale, unknown, first. */
  assert_string_equal(fl.hosts[0].name, "B");
  assert_true(fl.hosts[0].stale);
  assert_int_equal(fl.hosts[0].age_s, -1);
  assert_string_equal(fl.hosts[1].name, "A");
  assert_int_equal(fl.hosts[1].status, SD_SEV_OK);
  /* The timestamped file is named rather than latest.json. */
  assert_string_equal(fl.hosts[1].source, "d/srvdoctor-A-2.json");
  assert_int_equal(fl.exit_code, 3);
  sd_fleet_free(&fl);
}

static void test_roles_and_domains(void **state)
{
  sd_fleet fl;
  (void)state;
  sd_fleet_init(&fl, at("2026-11-26T09:00:00Z"), 26 * 3600);
  add_mini(&fl, "1", mini("MBXHUB", T0, "ok", UPG("MailboxRole, "
                                                  "HubTransportRole") ","
                          READY("11221", "a.example")));
  add_mini(&fl, "2", mini("COMBO", T0, "ok", UPG("MailboxRole, "
                                                 "ClientAccessRole, "
                                                 "AdminTools") ","
                          READY("11221", "a.example")));
  add_mini(&fl, "3", mini("EDGE", T0, "ok", UPG("EdgeTransportRole")));
  add_mini(&fl, "4", mini("NOROLE", T0, "ok", UPG("AdminTools")));
  /* Different domains hold their own container: no disagreement. */
  add_mini(&fl, "5", mini("OTHERDOM", T0, "ok", UPG("MailboxRole") ","
                          READY("10628", "b.example")));
  sd_fleet_finish(&fl);
  assert_int_equal(EXCH(&fl)->nservers, 5);
  assert_string_equal(host_of(&fl, 0), "COMBO");
  assert_int_equal(EXCH(&fl)->servers[0].phase, SD_PHASE_CAS);
  assert_string_equal(host_of(&fl, 1), "MBXHUB");
  assert_int_equal(EXCH(&fl)->servers[1].phase, SD_PHASE_HUB);
  assert_string_equal(host_of(&fl, 2), "OTHERDOM");
  assert_string_equal(host_of(&fl, 3), "NOROLE");
  assert_int_equal(EXCH(&fl)->servers[3].phase, SD_PHASE_NONE);
  assert_string_equal(host_of(&fl, 4), "EDGE");
  assert_int_equal(EXCH(&fl)->ndisagree, 0);
  assert_int_equal(EXCH(&fl)->prepare_schema, 0);
  sd_fleet_free(&fl);
  /* The same domain read two ways: a disagreement for that domain. */
  sd_fleet_init(&fl, at("2026-11-26T09:00:00Z"), 26 * 3600);
  add_mini(&fl, "1", mini("M1", T0, "ok", UPG("MailboxRole") ","
                          READY("11221", "a.example")));
  add_mini(&fl, "2", mini("M2", T0, "ok", UPG("MailboxRole") ","
                          READY("10628", "A.EXAMPLE")));
  sd_fleet_finish(&fl);
  assert_int_equal(EXCH(&fl)->ndisagree, 1);
  assert_string_equal(EXCH(&fl)->disagree[0].what,
                      "meso_version (domain a.example)");
  sd_fleet_free(&fl);
}

static void expect_refused(const char *doc, const char *why)
{
  sd_fleet fl;
  sd_err err;
  sd_fleet_init(&fl, 0, 3600);
  sd_err_clear(&err);
  assert_int_equal(sd_fleet_add_report_mem(&fl, "x", doc, strlen(doc), &err),
                   -1);
  if(!strstr(err.msg, why)) {
    fprintf(stderr, "got: %s\n", err.msg);
    fail_msg("expected \"%s\"", why);
  }
  assert_int_equal(fl.nhosts, 0);
  sd_fleet_free(&fl);
}

static void test_unusable_files(void **state)
{
  char *good = mini("A", T0, "ok", UPG("MailboxRole"));
  char *cut = sd_xstrdup(good);
  sd_fleet fl;
  (void)state;
  cut[strlen(cut) / 2] = '\0';
  expect_refused(cut, "truncated");
  expect_refused("this is not json", "not a valid srvdoctor report");
  expect_refused("{\"name\": \"other tool\", \"items\": [1, 2]}",
                 "not a srvdoctor report");
  expect_refused("{\"schema_version\": 4, \"tool\": {\"name\": "
                 "\"srvdoctor\"}, \"status\": \"ok\", \"modules\": []}",
                 "schema_version 4");
  expect_refused("{\"schema_version\": 1, \"kind\": \"fleet\"}",
                 "not a host report (its kind is \"fleet\")");
  expect_refused("{\"schema_version\": 1, \"collected_at\": \"yesterday\"}",
                 "line 1, column 23: \"collected_at\" is not a time");
  expect_refused("{\"schema_version\": 1, \"host\": {\"name\": 7}}",
                 "\"name\" must be a string");
  expect_refused("{\"schema_version\": 1, \"tool\": {\"name\": "
                 "\"srvdoctor\"}, \"status\": \"bad\", \"modules\": []}",
                 "\"status\" must be");
  expect_refused("{\"schema_version\": 1, \"tool\": {\"name\": "
                 "\"srvdoctor\"}, \"status\": \"ok\", \"modules\": [{\"id\":"
                 " \"m\", \"status\": \"ok\", \"findings\": [{\"code\": 5}]}]}",
                 "\"code\" must be a string");
  expect_refused("{\"schema_version\": 1, \"tool\": {\"name\": "
                 "\"srvdoctor\"}, \"status\": \"ok\"}", "no modules");
  expect_refused("{\"schema_version\": 1, \"tool\": {\"name\": "
                 "\"srvdoctor\"}, \"status\": \"ok\", \"modules\": []} x",
                 "line 1");
  free(cut);
  /* Problems count as unknown and never hide the hosts that were read. */
  sd_fleet_init(&fl, at("2026-11-26T09:00:00Z"), 26 * 3600);
  add_mini(&fl, "a.json", good);
  sd_fleet_add_problem(&fl, "bad.json", "the file ends too early");
  sd_fleet_finish(&fl);
  assert_int_equal(fl.nhosts, 1);
  assert_int_equal(fl.counts[SD_SEV_UNKNOWN], 1);
  assert_int_equal(fl.counts[SD_SEV_OK], 1);
  assert_int_equal(fl.exit_code, 3);
  sd_fleet_free(&fl);
}

/* Every writer escapes what the reports hold. */
static void test_writers_escape(void **state)
{
  sd_fleet fl;
  sd_buf out;
  sd_jreader *r;
  sd_jtoken t;
  const char *p;
  (void)state;
  sd_fleet_init(&fl, at("2026-11-26T09:00:00Z"), 26 * 3600);
  fl.keep_detail = 1;
  add_mini(&fl, "<img src=x onerror=alert(1)>.json",
           mini("<script>alert(1)</script>&\\\"'\\u001b[31m", T0, "critical",
                "{\"code\": \"EXCH-UPGRADE-PATH\", \"severity\": "
                "\"critical\", \"title\": \"</td><script>x()</script>\", "
                "\"message\": \"a<b\", \"evidence\": {\"roles\": "
                "\"ClientAccessRole\"}, \"remediation\": {\"summary\": "
                "\"<b>s</b>\", \"steps\": [\"<i>step</i>\"], \"commands\": "
                "[\"a && b\"]}}"));
  sd_fleet_finish(&fl);
  sd_buf_init(&out);
  sd_fleet_html(&fl, &out);
  assert_null(strstr(out.data, "<script>alert"));
  assert_null(strstr(out.data, "<script>x()"));
  assert_null(strstr(out.data, "<img"));
  assert_null(strstr(out.data, "<b>s</b>"));
  assert_non_null(strstr(out.data, "&lt;script&gt;alert(1)&lt;/script&gt;"
                         "&amp;&quot;&#39;"));
  assert_non_null(strstr(out.data, "&lt;i&gt;step&lt;/i&gt;"));
  assert_non_null(strstr(out.data, "a &amp;&amp; b"));
  /* One script: the filter's, with the policy's nonce. */
  p = strstr(out.data, "<script");
  assert_non_null(p);
  assert_null(strstr(p + 1, "<script"));
  assert_non_null(strstr(out.data, "script-src 'nonce-"));
  assert_null(strstr(out.data, "\x1b"));
  sd_buf_reset(&out);
  sd_fleet_text(&fl, &out);
  assert_null(strstr(out.data, "\x1b"));
  sd_buf_reset(&out);
  sd_fleet_json(&fl, &out);
  r = sd_jr_new_mem(out.data, out.len);
  do
    assert_int_equal(sd_jr_next(r, &t), 0);
  while(t.type != SD_JT_EOF);
  sd_jr_free(r);
  assert_non_null(strstr(out.data, "\"kind\": \"fleet\""));
  assert_non_null(strstr(out.data, "\"schema_version\": 1"));
  sd_buf_free(&out);
  sd_fleet_free(&fl);
}

/* The org in all three formats: the order and the blocked servers. */
static void test_org_formats(void **state)
{
  sd_fleet fl;
  sd_buf out;
  const char *a, *b;
  (void)state;
  load_org(&fl, "2026-11-26T10:00:00Z", 1);
  sd_buf_init(&out);
  sd_fleet_text(&fl, &out);
  a = strstr(out.data, " 1. CAS01");
  b = strstr(out.data, " 7. EDGE01");
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(strstr(out.data, "3. HUB01  Hub Transport  build 8.1.240.6"
                         "  BLOCKED by EXCH-INTERIM-UPDATE"));
  /* HUB01 has two interim updates: one code with its count (U+00D7). */
  assert_non_null(strstr(out.data, "exchange-sp2 CRITICAL "
                         "(EXCH-INTERIM-UPDATE \xC3\x97" "2)"));
  assert_null(strstr(out.data, "EXCH-INTERIM-UPDATE, EXCH-INTERIM-UPDATE"));
  assert_non_null(strstr(out.data, "Reports DISAGREE on schema_version: 14622 "
                         "read by CAS01, CAS02, HUB01, UM01, MBX01; 11116 "
                         "read by HUB02."));
  assert_non_null(strstr(out.data, "Run OCSASNFix.exe on each of these "
                         "Front Ends: FE01, FE02."));
  sd_buf_reset(&out);
  sd_fleet_html(&fl, &out);
  assert_non_null(strstr(out.data, "<tr><td>4</td><td>HUB02</td><td>Hub "
                         "Transport</td><td>8.1.240.6</td><td class=\""
                         "sev-critical\">blocked</td><td>"
                         "AD-SCHEMA-PREP-NEEDED</td></tr>"));
  assert_non_null(strstr(out.data, "<details><summary>CRITICAL</summary>"));
  assert_non_null(strstr(out.data, "Setup.com /mode:upgrade"));
  sd_buf_free(&out);
  sd_fleet_free(&fl);
}

/* Reports of schema_version 1 (steps as strings, one flat command list)
 * and 2 (step objects with their own commands and alternatives) are both
 * read, with the steps kept for the html page. */
static void test_step_versions(void **state)
{
  static const char v2[] =
    "{\"code\": \"EXCH-INTERIM-UPDATE\", \"severity\": \"critical\", "
    "\"remediation\": {\"summary\": \"s\", \"steps\": ["
    "{\"number\": 1, \"kind\": \"look\", \"text\": \"Look.\", "
    "\"condition\": null, \"commands\": [], \"expect\": \"it is listed\", "
    "\"alternatives\": []}, "
    "{\"number\": 2, \"kind\": \"change\", \"text\": \"Remove.\", "
    "\"condition\": null, \"commands\": [\"msiexec /i {A}\"], "
    "\"expect\": null, \"alternatives\": [{\"kind\": \"change\", "
    "\"text\": \"Or Control Panel.\", \"condition\": null, \"commands\": [], "
    "\"expect\": null}]}], \"fixable\": true, \"fix\": {\"first_step\": 2, "
    "\"last_step\": 2, \"kind\": \"change\", \"warning\": null}}}";
  static const char v1[] =
    "{\"code\": \"EXCH-INTERIM-UPDATE\", \"severity\": \"critical\", "
    "\"remediation\": {\"summary\": \"s\", \"steps\": [\"One.\", \"Two.\"], "
    "\"commands\": [\"msiexec /i {A}\"], \"fixable\": true}}";
  sd_fleet fl;
  char *doc;
  const sd_fleet_finding *x;
  (void)state;
  sd_fleet_init(&fl, at("2026-11-26T09:00:00Z"), 26 * 3600);
  fl.keep_detail = 1;
  add_mini(&fl, "2", mini("V2", T0, "critical", v2));
  doc = mini("V1", T0, "critical", v1);
  add_mini(&fl, "1", doc);
  sd_fleet_finish(&fl);
  assert_int_equal(fl.nhosts, 2);
  x = &sd_fleet_host_module(&fl.hosts[0], "exchange-sp2")->findings[0];
  if(strcmp(fl.hosts[0].name, "V2"))
    x = &sd_fleet_host_module(&fl.hosts[1], "exchange-sp2")->findings[0];
  assert_int_equal(x->nsteps, 3);
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_string_equal(x->steps[0].expect, "it is listed");
  assert_int_equal(x->steps[1].ncommands, 1);
  assert_string_equal(x->steps[1].commands[0], "msiexec /i {A}");
  assert_true(x->steps[2].alternative);
  assert_int_equal(x->steps[2].number, 2);
  x = &sd_fleet_host_module(&fl.hosts[0], "exchange-sp2")->findings[0];
  if(strcmp(fl.hosts[0].name, "V1"))
    x = &sd_fleet_host_module(&fl.hosts[1], "exchange-sp2")->findings[0];
  assert_int_equal(x->nsteps, 2);
  assert_int_equal(x->steps[1].kind, SD_STEP_UNSET);
  assert_int_equal(x->ncommands, 1);
  sd_fleet_free(&fl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plan_order_and_blockers),
    cmocka_unit_test(test_step_versions),
    cmocka_unit_test(test_ocs_pools),
    cmocka_unit_test(test_stale),
    cmocka_unit_test(test_newest_per_host),
    cmocka_unit_test(test_roles_and_domains),
    cmocka_unit_test(test_unusable_files),
    cmocka_unit_test(test_writers_escape),
    cmocka_unit_test(test_org_formats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
