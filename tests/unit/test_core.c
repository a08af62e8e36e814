/* test_core.c - the foundation: severities and exit codes, the host module,
 * argument parsing, atomic writes, and the text and JSON reports against
 * golden files (regenerate with SD_UPDATE_GOLDEN=1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdtest.h"
#include "srvdoctor/json.h"
#include "srvdoctor/platform.h"
#include "tool.h"

static void severity_ranking(void **state)
{
  (void)state;
  assert_int_equal(sd_severity_exit_code(SD_SEV_OK), 0);
  assert_int_equal(sd_severity_exit_code(SD_SEV_INFO), 0);
  assert_int_equal(sd_severity_exit_code(SD_SEV_WARNING), 1);
  assert_int_equal(sd_severity_exit_code(SD_SEV_CRITICAL), 2);
  assert_int_equal(sd_severity_exit_code(SD_SEV_UNKNOWN), 3);
  /* A known problem outranks a question mark. */
  assert_int_equal(sd_severity_worst(SD_SEV_UNKNOWN, SD_SEV_WARNING),
                   SD_SEV_WARNING);
  assert_int_equal(sd_severity_worst(SD_SEV_CRITICAL, SD_SEV_UNKNOWN),
                   SD_SEV_CRITICAL);
  assert_int_equal(sd_severity_worst(SD_SEV_OK, SD_SEV_UNKNOWN),
                   SD_SEV_UNKNOWN);
  assert_int_equal(sd_severity_worst(SD_SEV_OK, SD_SEV_INFO), SD_SEV_INFO);
}

static void findings_sorted_most_severe_first(void **state)
{
  sd_arena a;
  sd_module_result r;
  static const sd_severity in[] = {SD_SEV_OK, SD_SEV_WARNING, SD_SEV_INFO,
                                   SD_SEV_CRITICAL, SD_SEV_UNKNOWN,
                                   SD_SEV_WARNING};
  static const char *const codes[] = {"A", "B", "C", "D", "E", "F"};
  size_t i;
  (void)state;
  sd_arena_init(&a);
  memset(&r, 0, sizeof(r));
  r.arena = &a;
  for(i = 0; i < SD_COUNTOF(in); i++)
    sd_result_add(&r, codes[i], in[i], "t");
  sd_result_finish(&r);
  assert_int_equal(r.status, SD_SEV_CRITICAL);
  assert_string_equal(r.findings[0].code, "D");
  assert_string_equal(r.findings[1].code, "B"); /* stable among equals */
  assert_string_equal(r.findings[2].code, "F");
  assert_string_equal(r.findings[3].code, "E");
  assert_string_equal(r.findings[4].code, "C");
  assert_string_equal(r.findings[5].code, "A");
  free(r.findings);
  sd_arena_free(&a);
}

static void run_host(const char *doc, sd_report *rep, sd_facts *f)
{
  sd_err err;
  sd_facts_init(f);
  assert_int_equal(sd_snapshot_read_mem(doc, strlen(doc), f, &err), 0);
  sd_report_init(rep, f);
  sd_run_checks(f, NULL, (const sd_module *const[]){&sd_module_host}, 1,
                rep);
}

#define HDR "{\"schema_version\": 1, \"kind\": \"srvdoctor-snapshot\", "

static void host_module(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_options o;
  (void)state;
  sd_options_defaults(&o);
  run_host(HDR "\"host\": {\"elevation_state\": {\"state\": \"read\"}, "
           "\"elevated\": false, \"admin_member\": true, "
           "\"user\": \"CONTOSO\\\\helpdesk\"}}", &rep, &f);
  assert_int_equal(sdt_count(&rep, "HOST-NOT-ELEVATED"), 1);
  assert_int_equal(rep.exit_code, 1);
  assert_true(sdt_find(&rep, "HOST-NOT-ELEVATED", 0)->nsteps >= 2);
  sd_report_free(&rep);
  sd_facts_free(&f);

  run_host(HDR "\"host\": {\"elevation_state\": {\"state\": \"read\"}, "
           "\"elevated\": true, \"admin_member\": true}}", &rep, &f);
  assert_int_equal(sdt_count(&rep, "HOST-OK"), 1);
  assert_int_equal(rep.exit_code, 0);
  sd_report_free(&rep);
  sd_facts_free(&f);

  /* Not recorded is not "fine": unknown. */
  run_host(HDR "\"host\": {}}", &rep, &f);
  assert_int_equal(sdt_count(&rep, "HOST-UNKNOWN"), 1);
  assert_int_equal(rep.exit_code, 3);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

static int parse(sd_cmdline *cl, sd_err *err, ...)
{
  char *argv[32];
  int argc = 0;
  va_list ap;
  const char *a;
  argv[argc++] = "srvdoctor";
  va_start(ap, err);
  while((a = va_arg(ap, const char *)) != NULL && argc < 31)
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  sd_err_clear(err);
  return sd_parse_args(argc, argv, cl, err);
}

static void argument_parsing(void **state)
{
  sd_cmdline cl;
  sd_err err;
  (void)state;
  assert_int_equal(parse(&cl, &err, NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_CHECK);
  assert_int_equal(cl.opt.stuck_after_min, 10);
  assert_int_equal(cl.opt.timeout_s, 60);

  assert_int_equal(parse(&cl, &err, "check", "--only", "hyperv-stuck-vm",
                         "--format=json", "-o", "out.json", "--stuck-after",
                         "40", "--ws-ratio", "0.25", "-q", "--no-color",
                         NULL), 0);
  assert_string_equal(cl.only, "hyperv-stuck-vm");
  assert_int_equal(cl.format, SD_FMT_JSON);
  assert_string_equal(cl.output, "out.json");
  assert_int_equal(cl.opt.stuck_after_min, 40);
  assert_true(cl.opt.ws_ratio > 0.24 && cl.opt.ws_ratio < 0.26);
  assert_true(cl.quiet && cl.no_color);

  assert_int_equal(parse(&cl, &err, "/?", NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_HELP);
  assert_int_equal(parse(&cl, &err, "check", "-?", NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_HELP);
  assert_int_equal(parse(&cl, &err, "--version", NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_VERSION);
  assert_int_equal(parse(&cl, &err, "explain", "HV-VM-STUCK", NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_EXPLAIN);
  assert_string_equal(cl.code, "HV-VM-STUCK");
  assert_int_equal(parse(&cl, &err, "fix", "HV-VM-STUCK", "--target",
                         "3C9D1E7A-0B4F-4C8D-9E2A-6F1B3D5C7E90", "--yes",
                         NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_FIX);
  assert_true(cl.yes);

  /* Every mistake is refused with a sentence naming it. */
  assert_int_equal(parse(&cl, &err, "--bogus", NULL), -1);
  assert_non_null(strstr(err.msg, "--bogus"));
  assert_int_equal(parse(&cl, &err, "--format", "xml", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--stuck-after", "0", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--stuck-after", "12x", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--ws-ratio", "1.5", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--timeout", NULL), -1);
  assert_non_null(strstr(err.msg, "needs a value"));
  assert_int_equal(parse(&cl, &err, "--no-color=yes", NULL), -1);
  assert_int_equal(parse(&cl, &err, "explain", NULL), -1);
  assert_int_equal(parse(&cl, &err, "frobnicate", NULL), -1);
  assert_int_equal(parse(&cl, &err, "collect", "--from", "x.json", NULL), -1);
  assert_int_equal(parse(&cl, &err, "explain", "A", "B", NULL), -1);
}

static int count_tmp_files(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  assert_non_null(d);
  while((e = readdir(d)) != NULL)
    if(strstr(e->d_name, ".tmp"))
      n++;
  closedir(d);
  return n;
}

static void atomic_write(void **state)
{
  char dir[] = "/tmp/sdtest-atomic-XXXXXX";
  char path[256], bad[300];
  sd_buf b;
  sd_err err;
  FILE *fp;
  char got[64];
  size_t n;
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/report.json", dir);
  assert_int_equal(sd_write_file_atomic(path, "first\n", 6, &err), 0);
  assert_int_equal(sd_write_file_atomic(path, "second\n", 7, &err), 0);
  sd_buf_init(&b);
  fp = fopen(path, "rb");
  assert_non_null(fp);
  n = fread(got, 1, sizeof(got), fp);
  fclose(fp);
  assert_int_equal(n, 7);
  assert_memory_equal(got, "second\n", 7);
  /* A folder that does not exist: refused, nothing created. */
  snprintf(bad, sizeof(bad), "%s/missing/report.json", dir);
  sd_err_clear(&err);
  assert_int_equal(sd_write_file_atomic(bad, "x", 1, &err), -1);
  assert_true(strlen(err.msg) > 0);
  /* The target is a folder: refused, the folder stays. */
  snprintf(bad, sizeof(bad), "%s/sub", dir);
  assert_int_equal(mkdir(bad, 0755), 0);
  assert_int_equal(sd_write_file_atomic(bad, "x", 1, &err), -1);
  {
    struct stat st;
    assert_int_equal(stat(bad, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
  }
  assert_int_equal(count_tmp_files(dir), 0);
  rmdir(bad);
  unlink(path);
  rmdir(dir);
  sd_buf_free(&b);
}

/* Compare with a golden file, or write it when SD_UPDATE_GOLDEN is set. */
static void golden(const char *rel, const sd_buf *got)
{
  const char *path = sdt_fixture(rel);
  FILE *fp;
  sd_buf want;
  char chunk[4096];
  size_t n;
  if(getenv("SD_UPDATE_GOLDEN")) {
    fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(got->data, 1, got->len, fp);
    fclose(fp);
    return;
  }
  fp = fopen(path, "rb");
  if(!fp)
    fail_msg("missing golden file %s (SD_UPDATE_GOLDEN=1 writes it)", path);
  sd_buf_init(&want);
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    sd_buf_put(&want, chunk, n);
  fclose(fp);
  if(want.len != got->len || memcmp(want.data, got->data, got->len)) {
    fprintf(stderr, "---- got ----\n%s\n", got->data);
    fail_msg("%s differs from the report", rel);
  }
  sd_buf_free(&want);
}

static void reports_against_golden_files(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_buf out;
  sd_report_style plain = {0, 0, 0, 0, 0}, color = {1, 1, 0, 0, 0},
                  quiet = {0, 0, 1, 0, 0};
  sd_jreader *r;
  sd_jtoken t;
  char path[4096];
  sd_err err;
  const char *src = getenv("SD_SRC");
  (void)state;
  snprintf(path, sizeof(path), "%s/docs/examples/troubled-server.json",
           src ? src : "..");
  sd_facts_init(&f);
  assert_int_equal(sd_snapshot_read_file(path, &f, &err), 0);
  sdt_run(&f, NULL, NULL, &rep);
  sd_buf_init(&out);
  sd_report_json(&rep, &out);
  golden("golden/troubled-server.json", &out);
  /* The JSON report is valid JSON. */
  r = sd_jr_new_mem(out.data, out.len);
  do
    assert_int_equal(sd_jr_next(r, &t), 0);
  while(t.type != SD_JT_EOF);
  sd_jr_free(r);
  sd_buf_reset(&out);
  sd_report_text(&rep, &plain, &out);
  golden("golden/troubled-server.txt", &out);
  assert_null(strchr(out.data, '\x1b'));
  sd_buf_reset(&out);
  sd_report_text(&rep, &quiet, &out);
  golden("golden/troubled-server-quiet.txt", &out);
  assert_null(strstr(out.data, "[OK]"));
  sd_buf_reset(&out);
  sd_report_text(&rep, &color, &out);
  assert_non_null(strstr(out.data, "\x1b[1;31m[CRITICAL]"));
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

static void text_report_defuses_hostile_strings(void **state)
{
  sd_arena a;
  sd_report rep;
  sd_module_result *m;
  sd_finding *x;
  sd_buf out;
  sd_report_style plain = {0, 1, 0, 0, 0};
  (void)state;
  sd_arena_init(&a);
  sd_report_init(&rep, NULL);
  m = sd_report_add_module(&rep, "hyperv-stuck-vm", "Hyper-V");
  m->applicable = 1;
  x = sd_result_add(m, "HV-VM-STUCK", SD_SEV_CRITICAL, "stuck");
  sd_finding_msg(m, x, "VM \"\x1b]0;owned\x07\xc2\x9b" "2J\xff\" is stuck");
  sd_ev_str(m, x, "vm_name", "line1\nline2\r\t\x7f");
  sd_report_finish(&rep);
  sd_buf_init(&out);
  sd_report_text(&rep, &plain, &out);
  assert_null(strchr(out.data, '\x1b'));
  assert_null(strchr(out.data, '\x07'));
  assert_null(strchr(out.data, '\r'));
  assert_null(strchr(out.data, '\x7f'));
  assert_null(strstr(out.data, "\xc2\x9b"));
  assert_non_null(strstr(out.data, "\\x1B]0;owned\\x07"));
  assert_non_null(strstr(out.data, "line1\\x0Aline2"));
  assert_non_null(strstr(out.data, "\xEF\xBF\xBD")); /* the lone 0xFF */
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_arena_free(&a);
}

/* The one map of OS error codes: Microsoft's texts, the same on every
 * system; HRESULTs of WMI named; an unknown code by its number. */
static void os_error_sentences(void **state)
{
  char t[256];
  (void)state;
  assert_string_equal(sd_os_error_known(5), "Access is denied.");
  assert_string_equal(sd_os_error_known(0x80070005u), "Access is denied.");
  assert_non_null(strstr(sd_os_error_known(0x8004100Eu),
                         "WBEM_E_INVALID_NAMESPACE"));
  assert_non_null(strstr(sd_os_error_known(1460), "timeout"));
  assert_null(sd_os_error_known(0xDEADBEEFu));
  sd_os_error_text(1060, t, sizeof(t));
  assert_string_equal(t, "The specified service does not exist as an "
                      "installed service.");
  sd_os_error_text(0xDEADBEEFu, t, sizeof(t));
  assert_string_equal(t, "Windows error 3735928559 (0xDEADBEEF).");
  sd_os_error_text(5, t, 8); /* cut, still terminated */
  assert_int_equal(strlen(t), 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(severity_ranking),
    cmocka_unit_test(findings_sorted_most_severe_first),
    cmocka_unit_test(host_module),
    cmocka_unit_test(argument_parsing),
    cmocka_unit_test(atomic_write),
    cmocka_unit_test(os_error_sentences),
    cmocka_unit_test(reports_against_golden_files),
    cmocka_unit_test(text_report_defuses_hostile_strings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
