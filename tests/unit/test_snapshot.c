/* test_snapshot.c - facts <-> JSON: round trips are byte-identical and every
 * kind of bad snapshot is refused with its position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdtest.h"

static void fill_everything(sd_facts *f)
{
  sd_process *p;
  sd_service *s;
  sd_hotfix *h;
  sd_msi_patch *m;
  sd_event *e;
  sd_event_source *es;
  sd_reboot_flag *r;
  f->source = "live";
  f->tool_version = "0.1.0";
  f->collected_at = 1795000000;
  sd_fstate_set(f, &f->host.st, SD_ST_READ, 0, NULL);
  f->host.name = "SRV\"01\\";
  f->host.dns_name = "srv01.contoso.com";
  sd_fstate_set(f, &f->host.domain_st, SD_ST_UNREADABLE, 5,
                "NetGetJoinInformation: Access is denied.");
  sd_fstate_set(f, &f->host.elevation_st, SD_ST_READ, 0, NULL);
  f->host.elevated = 1;
  f->host.admin_member = 1;
  f->host.user = "CONTOSO\\admin";
  sd_fstate_set(f, &f->host.boot_st, SD_ST_READ, 0, NULL);
  f->host.boot_time = 1794990000;
  sd_fstate_set(f, &f->os.st, SD_ST_READ, 0, NULL);
  f->os.name = "Windows Server 2008 R2 Enterprise \xc3\xa9\xe2\x9c\x93";
  f->os.major = 6;
  f->os.minor = 1;
  f->os.build = 7601;
  f->os.arch = "x64";

  sd_fstate_set(f, &f->processes.st, SD_ST_READ, 0, NULL);
  f->processes.method = "NtQuerySystemInformation";
  p = sd_process_add(&f->processes);
  p->pid = 4242;
  p->image = "vmwp.exe";
  p->cmdline = "\"C:\\Windows\\System32\\vmwp.exe\" 1B3F\x01\x1b[31m";
  sd_fstate_set(f, &p->cmdline_st, SD_ST_READ, 0, NULL);
  p->working_set = UINT64_C(4000) * 1024;
  p->create_time = 1794999000;
  p->samples = sd_xcalloc(2, sizeof(sd_sample));
  p->nsamples = 2;
  p->samples[1].at_ms_rel = 1000;
  p->samples[1].working_set = 4096000;
  p = sd_process_add(&f->processes);
  p->pid = 8;
  p->image = "System";
  sd_fstate_set(f, &p->cmdline_st, SD_ST_UNREADABLE, 5, "Access is denied.");

  sd_fstate_set(f, &f->services.st, SD_ST_READ, 0, NULL);
  s = sd_service_add(&f->services);
  s->name = "RTCSRV";
  s->state = SD_SVC_STOPPED;
  s->win32_exit_code = 1066;
  s->service_exit_code = 0xC3E93C23u;

  sd_fstate_set(f, &f->hotfixes.st, SD_ST_READ, 0, NULL);
  h = sd_hotfix_add(&f->hotfixes);
  h->id = "KB974571";
  h->source = "cbs";
  h->state = 0x70;
  h->installed_at = 1794000000;

  sd_fstate_set(f, &f->msi_patches.st, SD_ST_READ, 0, NULL);
  m = sd_msi_patch_add(&f->msi_patches);
  m->patch_code = "{11111111-2222-3333-4444-555555555555}";
  m->display_name = "Interim Update for Exchange Server 2007 SP1 (KB123456)";
  m->state = 1;
  m->uninstallable = 1;

  sd_fstate_set(f, &f->events.st, SD_ST_READ, 0, NULL);
  es = sd_event_source_add(&f->events);
  es->log = "System";
  sd_fstate_set(f, &es->st, SD_ST_READ, 0, NULL);
  es->since = 1794000000;
  es->max_records = 5000;
  e = sd_event_add(&f->events);
  e->log = "System";
  e->provider = "Service Control Manager";
  e->id = 7024;
  e->level = SD_EVL_ERROR;
  e->time = 1794999999;
  e->message = "terminated with service-specific error 3286842403 "
               "(0xC3E93C23)";

  sd_fstate_set(f, &f->reboot.st, SD_ST_READ, 0, NULL);
  r = sd_reboot_add(&f->reboot);
  r->source = "pending-file-rename";
  sd_fstate_set(f, &r->st, SD_ST_ABSENT, 0, NULL);
}

static void roundtrip_full(void **state)
{
  sd_facts a, b;
  sd_buf w1, w2;
  sd_err err;
  (void)state;
  sd_facts_init(&a);
  fill_everything(&a);
  sd_buf_init(&w1);
  sd_buf_init(&w2);
  sd_snapshot_write(&a, &w1);
  sd_facts_init(&b);
  sd_err_clear(&err);
  if(sd_snapshot_read_mem(w1.data, w1.len, &b, &err))
    fail_msg("re-read failed: %s", err.msg);
  sd_snapshot_write(&b, &w2);
  assert_int_equal(w1.len, w2.len);
  assert_memory_equal(w1.data, w2.data, w1.len);
  /* The values really came back. */
  assert_string_equal(b.host.name, "SRV\"01\\");
  assert_int_equal(b.host.domain_st.state, SD_ST_UNREADABLE);
  assert_int_equal(b.host.domain_st.error, 5);
  assert_int_equal(b.processes.count, 2);
  assert_int_equal(b.processes.items[0].nsamples, 2);
  assert_int_equal(b.processes.items[0].samples[1].working_set, 4096000);
  assert_int_equal(b.services.items[0].service_exit_code, 0xC3E93C23u);
  assert_int_equal(b.services.items[0].state, SD_SVC_STOPPED);
  assert_int_equal(b.events.items[0].level, SD_EVL_ERROR);
  assert_int_equal(b.collected_at, 1795000000);
  assert_int_equal(b.processes.items[1].create_time, SD_TIME_NONE);
  assert_string_equal(b.source, "snapshot");
  sd_buf_free(&w1);
  sd_buf_free(&w2);
  sd_facts_free(&b);
  /* a's samples were allocated here; the list owner frees them. */
  sd_facts_free(&a);
}

static void roundtrip_fixture(void **state)
{
  sd_facts a, b;
  sd_buf w1, w2;
  sd_err err;
  (void)state;
  sdt_load("host/elevated.json", &a);
  sd_buf_init(&w1);
  sd_buf_init(&w2);
  sd_snapshot_write(&a, &w1);
  sd_facts_init(&b);
  assert_int_equal(sd_snapshot_read_mem(w1.data, w1.len, &b, &err), 0);
  sd_snapshot_write(&b, &w2);
  assert_int_equal(w1.len, w2.len);
  assert_memory_equal(w1.data, w2.data, w1.len);
  assert_string_equal(b.host.name, "SRV01");
  assert_int_equal(b.os.build, 7601);
  sd_buf_free(&w1);
  sd_buf_free(&w2);
  sd_facts_free(&a);
  sd_facts_free(&b);
}

/* Expect refusal with a message holding a position and a phrase. */
static void expect_bad(const char *doc, size_t len, const char *phrase)
{
  sd_facts f;
  sd_err err;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(sd_snapshot_read_mem(doc, len, &f, &err) == 0)
    fail_msg("accepted a bad snapshot: %.80s", doc);
  if(!strstr(err.msg, "line ") || !strstr(err.msg, "column "))
    fail_msg("no position in: %s", err.msg);
  if(phrase && !strstr(err.msg, phrase))
    fail_msg("expected \"%s\" in: %s", phrase, err.msg);
  sd_facts_free(&f);
}

#define HDR "{\"schema_version\": 1, \"kind\": \"srvdoctor-snapshot\", "

static void refuses_bad_documents(void **state)
{
  static const char *const typed[][2] = {
    {HDR "\"processes\": {\"items\": [{\"pid\": \"x\"}]}}", "pid"},
    {HDR "\"processes\": {\"items\": [{\"pid\": -1}]}}", "out of range"},
    {HDR "\"processes\": {\"items\": [{\"pid\": 4294967296}]}}",
      "out of range"},
    {HDR "\"processes\": {\"items\": [{\"pid\": 1.5}]}}", "integer"},
    {HDR "\"host\": {\"elevated\": 1}}", "elevated"},
    {HDR "\"host\": {\"boot_time\": \"yesterday\"}}", "boot_time"},
    {HDR "\"host\": {\"boot_time\": \"2026-02-30T00:00:00Z\"}}", "boot_time"},
    {HDR "\"host\": {\"state\": {\"state\": \"maybe\"}}}", "state"},
    {HDR "\"host\": {\"state\": {}}}", "state"},
    {HDR "\"host\": {\"nmae\": \"x\"}}", "unknown key \"nmae\""},
    {HDR "\"services\": {\"items\": [{\"state\": \"sleeping\"}]}}", "state"},
    {HDR "\"services\": {\"items\": {}}}", "array"},
    {HDR "\"services\": {\"items\": [1]}}", "objects"},
    {HDR "\"surprise\": 1}", "unknown key \"surprise\""},
    {"{\"schema_version\": 2, \"kind\": \"srvdoctor-snapshot\"}",
     "schema_version 2"},
    {"{\"schema_version\": \"1\"}", "schema_version"},
    {"{\"kind\": \"srvdoctor-snapshot\", \"schema_version\": 1}",
     "schema_version"},
    {"{\"schema_version\": 1}", "kind"},
    {"{\"schema_version\": 1, \"kind\": \"report\"}", "kind"},
    {"[]", "object"},
    {HDR "\"host\": {\"name\": \"a\", \"name\": \"b\"}}", "duplicate"},
    {HDR "\"host\": {}} {}", NULL},
    {HDR "\"host\": {\"name\": \"a\\u0000b\"}}", NULL},
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(typed); i++)
    expect_bad(typed[i][0], strlen(typed[i][0]), typed[i][1]);
}

static void refuses_truncated_and_binary(void **state)
{
  sd_facts a;
  sd_buf w;
  size_t cut;
  char *copy;
  (void)state;
  sd_facts_init(&a);
  fill_everything(&a);
  sd_buf_init(&w);
  sd_snapshot_write(&a, &w);
  /* Every truncation point must be refused (step keeps it quick). */
  for(cut = 0; cut + 1 < w.len; cut += 7)
    expect_bad(w.data, cut, NULL);
  /* A Latin-1 byte in a string. */
  copy = sd_xstrdup(w.data);
  {
    char *p = strstr(copy, "SRV");
    assert_non_null(p);
    p[0] = (char)0xE9;
  }
  expect_bad(copy, w.len, NULL);
  free(copy);
  /* UTF-16 with its byte-order mark. */
  expect_bad("\xff\xfe{\x00}\x00", 6, NULL);
  sd_buf_free(&w);
  sd_facts_free(&a);
}

static void refuses_deep_nesting(void **state)
{
  size_t depth = 100000, i;
  char *doc = sd_xmalloc(depth * 2 + 64);
  size_t n = 0;
  (void)state;
  n += (size_t)sprintf(doc, HDR "\"host\": ");
  for(i = 0; i < depth; i++)
    doc[n++] = '[';
  for(i = 0; i < depth; i++)
    doc[n++] = ']';
  doc[n++] = '}';
  doc[n] = '\0';
  expect_bad(doc, n, NULL);
  free(doc);
}

static void reads_file_with_bom(void **state)
{
  const char *doc = "\xEF\xBB\xBF" HDR "\"host\": {\"name\": \"X\"}}";
  sd_facts f;
  sd_err err;
  (void)state;
  sd_facts_init(&f);
  assert_int_equal(sd_snapshot_read_mem(doc, strlen(doc), &f, &err), 0);
  assert_string_equal(f.host.name, "X");
  /* Not collected sections stay "not collected", never "absent". */
  assert_int_equal(f.processes.st.state, SD_ST_NOT_COLLECTED);
  assert_int_equal(f.host.boot_time, SD_TIME_NONE);
  sd_facts_free(&f);
}

static void missing_file_is_an_error(void **state)
{
  sd_facts f;
  sd_err err;
  (void)state;
  sd_facts_init(&f);
  sd_err_clear(&err);
  assert_int_equal(sd_snapshot_read_file("/nonexistent/x.json", &f, &err), -1);
  assert_string_equal(err.msg, "there is no such file");
  assert_int_equal(err.code, SD_ENOENT);
  sd_facts_free(&f);
}

/* A report (check --format json) of either schema version is named as one,
 * whatever its schema_version; a fleet summary is not a report. */
static void report_is_named(void **state)
{
  static const char *const reports[] = {
    "{\"schema_version\": 2, \"tool\": {\"name\": \"srvdoctor\"}}",
    "{\"schema_version\": 1, \"tool\": {\"name\": \"srvdoctor\"}}",
  };
  static const char fleet[] = "{\"schema_version\": 1, \"kind\": \"fleet\"}";
  size_t i;
  sd_facts f;
  sd_err err;
  (void)state;
  for(i = 0; i < SD_COUNTOF(reports); i++) {
    sd_facts_init(&f);
    sd_err_clear(&err);
    assert_int_equal(sd_snapshot_read_mem(reports[i], strlen(reports[i]), &f,
                                          &err), -1);
    assert_string_equal(err.msg, "this is a report; `srvdoctor fleet FILE` "
                        "reads reports");
    sd_facts_free(&f);
  }
  /* A "tool" that is no srvdoctor report's (a damaged snapshot, what the
   * snapshot fuzzer found) is a positioned error, not "a report". */
  {
    static const char odd[] = "{\"schema_version\": 1, \"tool\": "
                              "\"srvdoctor-snapshot\"}";
    sd_facts_init(&f);
    sd_err_clear(&err);
    assert_int_equal(sd_snapshot_read_mem(odd, strlen(odd), &f, &err), -1);
    assert_non_null(strstr(err.msg, "line 1, column "));
    assert_non_null(strstr(err.msg, "\"kind\" is missing"));
    sd_facts_free(&f);
  }
  sd_facts_init(&f);
  sd_err_clear(&err);
  assert_int_equal(sd_snapshot_read_mem(fleet, strlen(fleet), &f, &err), -1);
  assert_non_null(strstr(err.msg, "\"kind\" must be"));
  sd_facts_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(roundtrip_full),
    cmocka_unit_test(roundtrip_fixture),
    cmocka_unit_test(refuses_bad_documents),
    cmocka_unit_test(refuses_truncated_and_binary),
    cmocka_unit_test(refuses_deep_nesting),
    cmocka_unit_test(reads_file_with_bom),
    cmocka_unit_test(missing_file_is_an_error),
    cmocka_unit_test(report_is_named),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
