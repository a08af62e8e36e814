/* test_acks.c - acknowledged findings: the acks file's reader (strict: a
 * damaged file applies nothing), writer and changes, target matching, and
 * what an acknowledgement does to a report (statuses, exit code, expiry,
 * a wrong target, an unusable file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sdtest.h"
#include "srvdoctor/ack.h"

#define STUCK_VM "11111111-AAAA-4BBB-8CCC-000000000001"
#define OTHER_VM "22222222-AAAA-4BBB-8CCC-000000000001"

static const char good[] =
  "{\"acks_version\": 1, \"acks\": [\n"
  " {\"code\": \"HV-VM-STUCK\", \"target\": \"{11111111-aaaa-4bbb-8ccc-"
  "000000000001}\", \"until\": \"2026-12-01T00:00:00Z\", \"reason\": "
  "\"rebuild\", \"by\": \"CONTOSO\\\\admin\", \"at\": "
  "\"2026-11-20T10:00:00Z\"}]}\n";

static sd_time t(const char *s)
{
  sd_time v;
  assert_int_equal(sd_time_parse(s, &v), 0);
  return v;
}

static void test_parse_and_write(void **state)
{
  sd_acks a, b;
  sd_err err;
  sd_buf out;
  (void)state;
  sd_acks_init(&a);
  sd_err_clear(&err);
  assert_int_equal(sd_acks_parse(good, strlen(good), &a, &err), 0);
  assert_int_equal(a.count, 1);
  assert_string_equal(a.items[0].code, "HV-VM-STUCK");
  assert_string_equal(a.items[0].by, "CONTOSO\\admin");
  assert_true(a.items[0].until == t("2026-12-01T00:00:00Z"));
  /* What is written reads back the same. */
  sd_buf_init(&out);
  sd_acks_write(&a, &out);
  assert_true(out.len > 0 && out.data[out.len - 1] == '\n');
  sd_acks_init(&b);
  assert_int_equal(sd_acks_parse(out.data, out.len, &b, &err), 0);
  assert_int_equal(b.count, 1);
  assert_string_equal(b.items[0].target, a.items[0].target);
  assert_string_equal(b.items[0].reason, "rebuild");
  assert_true(b.items[0].at == a.items[0].at);
  sd_buf_free(&out);
  sd_acks_free(&b);
  /* An empty file holds none. */
  sd_acks_free(&a);
  sd_acks_init(&a);
  assert_int_equal(sd_acks_parse("", 0, &a, &err), 0);
  assert_int_equal(a.count, 0);
  sd_acks_free(&a);
}

/* A damaged file is refused whole, with where and why. */
static void test_parse_refuses(void **state)
{
  static const char *const bad[] = {
    "{\"acks_version\": 1, \"acks\": [", /* cut short */
    "[]",
    "{\"acks\": []}",
    "{\"acks_version\": 2, \"acks\": []}",
    "{\"acks_version\": 1, \"acks\": [{\"code\": \"HV-VM-STUCK\"}]}",
    "{\"acks_version\": 1, \"acks\": [], \"extra\": 1}",
    "{\"acks_version\": 1, \"acks\": [{\"code\": \"A\", \"target\": \"b\", "
    "\"until\": \"tomorrow\", \"reason\": \"r\", \"by\": \"u\", \"at\": "
    "\"2026-11-20T10:00:00Z\"}]}",
    "{\"acks_version\": 1, \"acks\": [{\"code\": \"A\", \"target\": \"b\", "
    "\"until\": \"2026-12-01T00:00:00Z\", \"reason\": \"r\", \"by\": \"u\", "
    "\"at\": \"2026-11-20T10:00:00Z\", \"untill\": \"x\"}]}",
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(bad); i++) {
    sd_acks a;
    sd_err err;
    sd_acks_init(&a);
    sd_err_clear(&err);
    if(sd_acks_parse(bad[i], strlen(bad[i]), &a, &err) != -1)
      fail_msg("bad file %lu was accepted", (unsigned long)i);
    assert_int_equal(a.count, 0);
    assert_non_null(strstr(err.msg, "line 1"));
    sd_acks_free(&a);
  }
}

static void test_targets_and_changes(void **state)
{
  sd_acks a;
  sd_ack x;
  (void)state;
  assert_true(sd_target_same("{" STUCK_VM "}",
                                 "11111111-aaaa-4bbb-8ccc-000000000001"));
  assert_false(sd_target_same(STUCK_VM, OTHER_VM));
  assert_true(sd_target_same("KB974571", "974571"));
  assert_false(sd_target_same("KB974571", "KB97457"));
  assert_true(sd_target_same("hv01", "HV01"));
  assert_false(sd_target_same("HV0", "HV01"));
  assert_false(sd_target_same("", ""));
  sd_acks_init(&a);
  memset(&x, 0, sizeof(x));
  x.code = "HV-VM-STUCK";
  x.target = STUCK_VM;
  x.reason = "one";
  x.by = "a";
  sd_acks_put(&a, &x);
  x.reason = "two"; /* the same code and target: replaced */
  x.target = "{" STUCK_VM "}";
  sd_acks_put(&a, &x);
  x.target = OTHER_VM;
  sd_acks_put(&a, &x);
  assert_int_equal(a.count, 2);
  assert_string_equal(a.items[0].reason, "two");
  assert_int_equal(sd_acks_remove(&a, "hv-vm-stuck", STUCK_VM), 1);
  assert_int_equal(sd_acks_remove(&a, "HV-VM-STUCK", STUCK_VM), 0);
  assert_int_equal(a.count, 1);
  assert_string_equal(a.items[0].target, OTHER_VM);
  sd_acks_free(&a);
}

typedef struct run {
  sd_facts f;
  sd_report rep;
  sd_acks acks;
} run;

/* The duplicate-names fixture (HV-VM-STUCK on STUCK_VM, critical; an
 * unknown Exchange module) with good's acknowledgement applied at as_of. */
static void apply_at(run *r, const char *target, const char *as_of)
{
  sd_err err;
  sdt_load("hyperv-stuck-vm/duplicate_names.json", &r->f);
  sdt_run(&r->f, NULL, NULL, &r->rep);
  sd_acks_init(&r->acks);
  sd_err_clear(&err);
  assert_int_equal(sd_acks_parse(good, strlen(good), &r->acks, &err), 0);
  r->acks.items[0].target = target;
  assert_int_equal(r->rep.exit_code, 2);
  sd_acks_apply(&r->rep, &r->acks, t(as_of));
}

static void done(run *r)
{
  sd_acks_free(&r->acks);
  sd_report_free(&r->rep);
  sd_facts_free(&r->f);
}

static void test_apply_active(void **state)
{
  run r;
  const sd_finding *x;
  const sd_module_result *hv;
  (void)state;
  apply_at(&r, "{11111111-aaaa-4bbb-8ccc-000000000001}",
           "2026-11-30T23:59:59Z");
  x = sdt_find(&r.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_true(x->ack.active);
  assert_string_equal(x->ack.by, "CONTOSO\\admin");
  assert_string_equal(x->ack.reason, "rebuild");
  assert_int_equal(x->severity, SD_SEV_CRITICAL); /* still shown as is */
  hv = sdt_module(&r.rep, "hyperv-stuck-vm");
  assert_int_equal(hv->status, SD_SEV_OK);
  /* The Exchange module's unknown is what is left. */
  assert_int_equal(r.rep.status, SD_SEV_UNKNOWN);
  assert_int_equal(r.rep.exit_code, 3);
  assert_int_equal(sdt_count(&r.rep, "ACK-EXPIRED"), 0);
  done(&r);
}

static void test_apply_expired(void **state)
{
  run r;
  const sd_finding *x, *e;
  (void)state;
  /* Exactly at "until" it has expired. */
  apply_at(&r, STUCK_VM, "2026-12-01T00:00:00Z");
  x = sdt_find(&r.rep, "HV-VM-STUCK", 0);
  assert_false(x->ack.active);
  assert_int_equal(r.rep.exit_code, 2);
  e = sdt_find(&r.rep, "ACK-EXPIRED", 0);
  assert_non_null(e);
  assert_int_equal(e->severity, SD_SEV_INFO);
  assert_string_equal(sdt_ev(e, "code"), "HV-VM-STUCK");
  assert_string_equal(sdt_ev(e, "until"), "2026-12-01T00:00:00Z");
  assert_int_equal(sd_finding_evidence(e, "still_reported")->num, 1);
  assert_non_null(strstr(e->message, "counts again"));
  done(&r);
}

/* Another VM's id, even one of the same name, never matches. */
static void test_apply_wrong_target(void **state)
{
  run r;
  (void)state;
  apply_at(&r, OTHER_VM, "2026-11-27T00:00:00Z");
  assert_false(sdt_find(&r.rep, "HV-VM-STUCK", 0)->ack.active);
  assert_int_equal(r.rep.exit_code, 2);
  done(&r);
  apply_at(&r, "11111111-AAAA-4BBB-8CCC-00000000000", "2026-11-27T00:00:00Z");
  assert_false(sdt_find(&r.rep, "HV-VM-STUCK", 0)->ack.active);
  assert_int_equal(r.rep.exit_code, 2);
  done(&r);
}

/* A finding without a target of its own is acknowledged on the host. */
static void test_apply_host_target(void **state)
{
  run r;
  const sd_finding *x;
  (void)state;
  apply_at(&r, "hv01", "2026-11-27T00:00:00Z");
  r.acks.items[0].code = "EXCH-UNKNOWN";
  sd_acks_apply(&r.rep, &r.acks, t("2026-11-27T00:00:00Z"));
  x = sdt_find(&r.rep, "EXCH-UNKNOWN", 0);
  assert_true(x->ack.active);
  assert_int_equal(sdt_module(&r.rep, "exchange-sp2")->status, SD_SEV_OK);
  assert_int_equal(r.rep.exit_code, 2); /* the stuck VM still counts */
  done(&r);
}

static void test_invalid_file(void **state)
{
  run r;
  const sd_finding *x;
  (void)state;
  sdt_load("hyperv-stuck-vm/duplicate_names.json", &r.f);
  sdt_run(&r.f, NULL, NULL, &r.rep);
  sd_acks_init(&r.acks);
  sd_acks_invalid(&r.rep, "C:\\ProgramData\\srvdoctor\\acks.json",
                  "line 3, column 1: unexpected end of input");
  x = sdt_find(&r.rep, "ACK-FILE-INVALID", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_UNKNOWN);
  assert_non_null(strstr(x->message, "line 3, column 1"));
  assert_int_equal(sdt_module(&r.rep, "host")->status, SD_SEV_UNKNOWN);
  /* The critical finding still counts: the worst verdict stays. */
  assert_int_equal(r.rep.exit_code, 2);
  done(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_and_write),
    cmocka_unit_test(test_parse_refuses),
    cmocka_unit_test(test_targets_and_changes),
    cmocka_unit_test(test_apply_active),
    cmocka_unit_test(test_apply_expired),
    cmocka_unit_test(test_apply_wrong_target),
    cmocka_unit_test(test_apply_host_target),
    cmocka_unit_test(test_invalid_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
