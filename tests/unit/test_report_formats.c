/* test_report_formats.c - the monitoring and people formats (nagios, prom,
 * html), the event log text and IDs, the report folder (names, rotation,
 * locking, failures) and the options that drive them.
 *
 * Golden files: tests/fixtures/reports/synthetic.{nagios,prom,html} hold
 * the output for a report built here by hand (independent of the modules'
 * wording).  After an intended change of a format, regenerate them with
 *   SD_UPDATE_GOLDEN=1 ctest -R test_report_formats
 * and review the diff. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdtest.h"
#include "srvdoctor/platform.h"
#include "tool.h"

/* ---- a report built by hand ---- */

static const char hostile[] = "<script>alert(1)</script>";

static void make_facts(sd_facts *f, const char *host, const char *vm_name)
{
  static const uint64_t ws[] = {10485760, 4096000, 9961472};
  size_t i;
  sd_facts_init(f);
  f->source = "snapshot";
  f->collected_at = 1795680000; /* 2026-11-26T08:00:00Z */
  f->host.st.state = SD_ST_READ;
  f->host.name = sd_facts_str(f, host);
  f->host.user = sd_facts_str(f, "CONTOSO\\admin");
  f->host.elevation_st.state = SD_ST_READ;
  f->host.elevated = 1;
  f->host.admin_member = 1;
  f->os.st.state = SD_ST_READ;
  f->os.name = sd_facts_str(f, "Windows Server 2008 R2 Enterprise");
  f->os.version = sd_facts_str(f, "6.1.7601");
  f->os.service_pack = sd_facts_str(f, "Service Pack 1");
  f->os.arch = sd_facts_str(f, "x64");
  f->processes.st.state = SD_ST_READ;
  for(i = 0; i < 3; i++) {
    sd_process *p = sd_process_add(&f->processes);
    p->pid = (uint32_t)(2040 + i * 4);
    p->image = sd_facts_str(f, "vmwp.exe");
    p->working_set = ws[i];
  }
  f->msi_patches.st.state = SD_ST_READ;
  f->exchange.ad.st.state = SD_ST_READ;
  f->exchange.ad.schema_st.state = SD_ST_READ;
  f->exchange.ad.schema_version = 11116;
  f->exchange.ad.schema_nc = sd_facts_str(f, "CN=Schema,CN=Configuration,"
                                          "DC=contoso,DC=com");
  f->exchange.ad.org_st.state = SD_ST_READ;
  f->exchange.ad.meso_st.state = SD_ST_UNREADABLE;
  f->exchange.ad.meso_st.why = sd_facts_str(f, "access denied");
  (void)vm_name;
}

/* Measures as the checks describe them (labels, thresholds). */
static const sd_measure ex_interim = {
  "exchange_interim_updates", "interim updates", "Exchange 2007 interim "
  "updates installed (EXCH-INTERIM-UPDATE).", SD_UNIT_COUNT, 0, 0, NULL, "0"};
static const sd_measure ex_schema = {
  "exchange_schema_version", "schema version", "rangeUpper of "
  "ms-Exch-Schema-Version-Pt in Active Directory (SP2 needs 14622).",
  SD_UNIT_NUMBER, 0, 0, "14622:", NULL};
static const sd_measure hv_stuck = {
  "hyperv_stuck_vms", "stuck vms", "Hyper-V virtual machines found hung "
  "(HV-VM-STUCK).", SD_UNIT_COUNT, 0, 0, NULL, "0"};
static const sd_measure hv_suspect = {
  "hyperv_suspect_vms", "suspect vms", "Hyper-V virtual machines with one "
  "hung signal (HV-VM-SUSPECT).", SD_UNIT_COUNT, 0, 0, "0", NULL};

static void make_report(sd_report *rep, const sd_facts *f, const char *vm)
{
  sd_module_result *m;
  sd_finding *x;
  sd_report_init(rep, f);
  m = sd_report_add_module(rep, "host", "Host and privileges");
  m->applicable = 1;
  x = sd_result_add(m, "HOST-OK", SD_SEV_OK, "srvdoctor runs with the "
                    "rights it needs");
  sd_finding_msg(m, x, "srvdoctor ran elevated as CONTOSO\\admin.");
  m = sd_report_add_module(rep, "exchange-sp2", "Exchange Server 2007 SP2 "
                           "upgrade readiness");
  m->applicable = 1;
  x = sd_result_add(m, "EXCH-INTERIM-UPDATE", SD_SEV_CRITICAL,
                    "An interim update is installed and blocks the SP2 "
                    "upgrade");
  sd_finding_msg(m, x, "Interim Update for Exchange Server 2007 SP1 "
                 "(KB123456) is installed | \"quoted\" & <b>bold</b>.");
  sd_ev_str(m, x, "kb", "KB123456");
  sd_ev_int(m, x, "state", 1);
  sd_ev_bool(m, x, "uninstallable", 1);
  sd_fix_summary(m, x, "Uninstall the interim update before running SP2 "
                 "setup.");
  sd_step_add(m, x, SD_STEP_LOOK, "Open Programs and Features.");
  sd_step_expect(m, x, "the update is listed");
  sd_step_add(m, x, SD_STEP_CHANGE, "Run this command:");
  sd_step_cmd(m, x, "msiexec /i {24B2C164-DE66-44FE-B468-A46D9D5E6B31} "
              "MSIPATCHREMOVE={0E1F2A3B-4C5D-6E7F-8091-A2B3C4D5E6F7} /qb");
  sd_step_alt(m, x, SD_STEP_CHANGE, "Or uninstall it in Programs and "
              "Features.");
  sd_fix_target(m, x, "{0E1F2A3B-4C5D-6E7F-8091-A2B3C4D5E6F7}");
  sd_fix_steps(m, x, 2, 2, NULL);
  x->fixable = 1;
  x = sd_result_add(m, "AD-SCHEMA-PREP-NEEDED", SD_SEV_WARNING,
                    "The schema must be prepared for SP2");
  sd_finding_msg(m, x, "rangeUpper is 11116; SP2 needs 14622.");
  /* The figures a check gives beside its findings: the writers show these
   * and derive none of their own. */
  sd_result_measure(m, &ex_interim, 1, 1);
  sd_result_measure(m, &ex_schema, 1, 11116);
  sd_result_row(m, "Schema (rangeUpper of ms-Exch-Schema-Version-Pt)",
                "CN=Schema,CN=Configuration,DC=contoso,DC=com", 1, 11116,
                NULL, 14622, "run /PrepareSchema");
  sd_result_row(m, "Organization (objectVersion)", NULL, 1, 11221, NULL,
                11222, "run /PrepareAD");
  sd_result_row(m, "Domain: Microsoft Exchange System Objects "
                "(objectVersion)", NULL, 0, 0, "access denied", 11221,
                "run /PrepareDomain");
  m = sd_report_add_module(rep, "hyperv-stuck-vm", "Hyper-V virtual "
                           "machines stuck in a transitional state");
  m->applicable = 1;
  x = sd_result_add(m, "HV-VM-STUCK", SD_SEV_CRITICAL, "A virtual machine "
                    "is hung in a transitional state");
  sd_finding_msg(m, x, "Virtual machine \"%s\" has been Starting for 30 "
                 "minutes.\nSecond line\twith a tab.", vm);
  sd_ev_str(m, x, "vm_name", vm);
  sd_ev_int(m, x, "worker_pid", 2044);
  sd_ev_int(m, x, "peer_median_bytes", 10223616);
  sd_fix_summary(m, x, "Turn the VM off; end its worker if it stays "
                 "Starting.");
  sd_step_add(m, x, SD_STEP_LOOK, "Check that PID 2044 is its worker.");
  sd_step_add(m, x, SD_STEP_LAST_RESORT, "End the worker:");
  sd_step_when(m, x, "Only if step 1 showed vmwp.exe with the VM's ID");
  sd_step_cmd(m, x, "taskkill /PID 2044 /F");
  sd_result_measure(m, &hv_stuck, 1, 1);
  sd_result_measure(m, &hv_suspect, 1, 0);
  {
    sd_series *sr = sd_result_series(m, "vmwp", "Working set of each "
                                     "vmwp.exe worker process",
                                     SD_UNIT_BYTES);
    sr->note = "Every running VM has one vmwp.exe worker.";
    sd_series_point(m, sr, "pid 2040", 10485760, SD_SEV_OK, 2040);
    sd_series_point(m, sr, vm, 4096000, SD_SEV_CRITICAL, 2044);
    sd_series_point(m, sr, "pid 2048", 9961472, SD_SEV_OK, 2048);
    sd_series_ref(m, sr, "peer median", 10223616);
  }
  m = sd_report_add_module(rep, "ocs-kb974571", "OCS Front End and "
                           "KB974571");
  m->applicable = 0;
  x = sd_result_add(m, "OCS-NOT-INSTALLED", SD_SEV_INFO, "No LCS/OCS Front "
                    "End on this machine");
  sd_report_finish(rep);
  rep->collect_ms = 41;
  rep->analyze_ms = 1;
}

static char *render(const char *host, const char *vm, sd_format fmt)
{
  sd_facts f;
  sd_report rep;
  sd_buf b;
  make_facts(&f, host, vm);
  make_report(&rep, &f, vm);
  sd_buf_init(&b);
  sd_report_render(&rep, fmt, NULL, &b);
  sd_report_free(&rep);
  sd_facts_free(&f);
  return sd_buf_take(&b);
}

static char *slurp(const char *path)
{
  FILE *fp = fopen(path, "rb");
  sd_buf b;
  char chunk[4096];
  size_t n;
  if(!fp)
    return NULL;
  sd_buf_init(&b);
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
    sd_buf_put(&b, chunk, n);
  fclose(fp);
  if(!b.data)
    sd_buf_puts(&b, "");
  return sd_buf_take(&b);
}

static void golden(const char *name, const char *got)
{
  const char *path = sdt_fixture(name);
  char *want;
  const char *upd = getenv("SD_UPDATE_GOLDEN");
  if(upd && *upd == '1') {
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(got, 1, strlen(got), fp);
    fclose(fp);
  }
  want = slurp(path);
  if(!want)
    fail_msg("golden file %s is missing (SD_UPDATE_GOLDEN=1 writes it)",
             name);
  if(strcmp(want, got)) {
    fprintf(stderr, "---- %s differs; got:\n%s\n", name, got);
    fail_msg("output differs from %s", name);
  }
  free(want);
}

static void test_golden(void **state)
{
  char *s;
  (void)state;
  s = render("SRV01", "APP02", SD_FMT_NAGIOS);
  golden("reports/synthetic.nagios", s);
  free(s);
  s = render("SRV01", "APP02", SD_FMT_PROM);
  golden("reports/synthetic.prom", s);
  free(s);
  s = render("SRV01", "APP02", SD_FMT_HTML);
  golden("reports/synthetic.html", s);
  free(s);
  s = render("SRV01", "APP02", SD_FMT_CHECKMK);
  golden("reports/synthetic.checkmk", s);
  free(s);
}

/* ---- Nagios plugin syntax ---- */

/* [-0-9.]+ or "U" */
static int perf_number(const char *s, size_t n, int allow_u)
{
  size_t i;
  int digits = 0;
  if(allow_u && n == 1 && s[0] == 'U')
    return 1;
  for(i = 0; i < n; i++) {
    if(isdigit((unsigned char)s[i]))
      digits++;
    else if(!(s[i] == '-' && i == 0) && s[i] != '.')
      return 0;
  }
  return digits > 0;
}

/* A range: [@][start:]end with ~ for minus infinity; empty is allowed. */
static int perf_range(const char *s, size_t n)
{
  const char *colon;
  size_t i;
  if(n == 0)
    return 1;
  if(s[0] == '@') {
    s++;
    n--;
  }
  colon = memchr(s, ':', n);
  if(!colon)
    return perf_number(s, n, 0);
  i = (size_t)(colon - s);
  if(!(i == 1 && s[0] == '~') && i && !perf_number(s, i, 0))
    return 0;
  return n - i - 1 == 0 || perf_number(colon + 1, n - i - 1, 0);
}

/* Validate one perfdata string ("'l'=1;2;3;0;5 'm'=2s ...").  Returns the
 * number of items, -1 on a syntax error. */
static int perf_validate(const char *p, int *quoted_with_quote)
{
  int items = 0;
  while(*p) {
    const char *v, *end;
    size_t fields = 0;
    while(*p == ' ')
      p++;
    if(!*p)
      break;
    if(*p == '\'') {
      p++;
      for(;;) {
        if(!*p)
          return -1;
        if(*p == '\'' && p[1] == '\'') {
          *quoted_with_quote = 1;
          p += 2;
          continue;
        }
        if(*p == '\'')
          break;
        if(*p == '=' || (unsigned char)*p < 0x20)
          return -1;
        p++;
      }
      p++;
    }
    else {
      const char *s = p;
      while(*p && *p != '=' && *p != ' ' && *p != '\'')
        p++;
      if(p == s)
        return -1;
    }
    if(*p != '=')
      return -1;
    v = ++p;
    end = strchr(v, ' ');
    if(!end)
      end = v + strlen(v);
    /* value[UOM] */
    {
      const char *q = v;
      while(q < end && *q != ';' && (isdigit((unsigned char)*q) ||
                                     *q == '-' || *q == '.' || *q == 'U'))
        q++;
      if(!perf_number(v, (size_t)(q - v), 1))
        return -1;
      if(q < end && *q != ';') {
        const char *u = q;
        while(q < end && *q != ';')
          q++;
        if(!((q - u == 1 && strchr("s%Bc", *u)) ||
             (q - u == 2 && (!strncmp(u, "ms", 2) || !strncmp(u, "us", 2) ||
                             !strncmp(u, "KB", 2) || !strncmp(u, "MB", 2) ||
                             !strncmp(u, "GB", 2) || !strncmp(u, "TB", 2)))))
          return -1;
      }
      /* ;warn;crit;min;max */
      while(q < end && *q == ';') {
        const char *f = ++q;
        while(q < end && *q != ';')
          q++;
        fields++;
        if(fields > 4)
          return -1;
        if(fields <= 2 && !perf_range(f, (size_t)(q - f)))
          return -1;
        if(fields > 2 && q > f && !perf_number(f, (size_t)(q - f), 0))
          return -1;
      }
    }
    p = end;
    items++;
  }
  return items;
}

static void check_nagios(const char *out, int *quote_seen)
{
  const char *nl = strchr(out, '\n');
  const char *bar;
  char *line1;
  size_t n;
  assert_non_null(nl);
  n = (size_t)(nl - out);
  assert_true(n <= 1000);
  line1 = malloc(n + 1);
  memcpy(line1, out, n);
  line1[n] = '\0';
  assert_true(!strncmp(line1, "SRVDOCTOR OK - ", 15) ||
              !strncmp(line1, "SRVDOCTOR WARNING - ", 20) ||
              !strncmp(line1, "SRVDOCTOR CRITICAL - ", 21) ||
              !strncmp(line1, "SRVDOCTOR UNKNOWN - ", 20));
  bar = strchr(line1, '|');
  assert_non_null(bar);
  assert_null(strchr(bar + 1, '|'));
  assert_true(perf_validate(bar + 1, quote_seen) >= 4);
  free(line1);
  /* Long output: no "|" (it would start perfdata), no control bytes. */
  for(out = nl + 1; *out; out++) {
    assert_int_not_equal(*out, '|');
    assert_true((unsigned char)*out >= 0x20 || *out == '\n');
  }
}

static void test_nagios_syntax(void **state)
{
  char *s;
  int quote = 0;
  (void)state;
  s = render("SRV01", "APP02", SD_FMT_NAGIOS);
  check_nagios(s, &quote);
  assert_non_null(strstr(s, "SRVDOCTOR CRITICAL - 2 critical, 1 warning: "
                         "EXCH-INTERIM-UPDATE, HV-VM-STUCK, "
                         "AD-SCHEMA-PREP-NEEDED |"));
  assert_non_null(strstr(s, "'stuck vms'=1;;0;0"));
  assert_non_null(strstr(s, "'interim updates'=1;;0;0"));
  assert_non_null(strstr(s, "'schema version'=11116;14622:;;0"));
  assert_non_null(strstr(s, "'run time'=0.042s;;;0"));
  assert_non_null(strstr(s, "'vmwp APP02'=4096000B;;;0"));
  /* The message's "|" and line break do not survive as such. */
  assert_non_null(strstr(s, "(KB123456) is installed / \"quoted\""));
  assert_non_null(strstr(s, "minutes. Second line with a tab."));
  free(s);
  /* A VM name with quotes, "=" and "|" still gives valid labels. */
  s = render("SRV01", "Bob's VM = \"x\" | y", SD_FMT_NAGIOS);
  check_nagios(s, &quote);
  assert_true(quote);
  assert_non_null(strstr(s, "'vmwp Bob''s VM _ \"x\" _ y'=4096000B"));
  free(s);
}

/* Every perfdata label of the first line is at most 40 bytes (not
 * counting the doubled "'") and none repeats: graphs keep their series. */
static void assert_labels_unique(const char *s)
{
  const char *p = strstr(s, " |"), *end = strchr(s, '\n');
  char seen[64][48];
  size_t n = 0, i;
  assert_non_null(p);
  while(p && (p = strstr(p, " '")) != NULL && p < end) {
    char lab[48];
    size_t k = 0;
    p += 2;
    while(*p && !(p[0] == '\'' && p[1] != '\'')) {
      assert_true(k < 40);
      lab[k++] = *p;
      p += p[0] == '\'' ? 2 : 1;
    }
    lab[k] = '\0';
    for(i = 0; i < n; i++)
      assert_string_not_equal(seen[i], lab);
    if(n < 64)
      memcpy(seen[n++], lab, k + 1);
  }
  assert_true(n > 3);
}

/* Many findings and many long VM names: the first line stays short. */
static void test_nagios_budget(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_module_result *m;
  sd_buf b;
  size_t i;
  int quote = 0;
  (void)state;
  make_facts(&f, "SRV01", "x");
  for(i = 0; i < 60; i++) {
    sd_process *p = sd_process_add(&f.processes);
    p->pid = (uint32_t)(5000 + i);
    p->image = "VMWP.EXE";
    p->working_set = 10000000 + i;
  }
  sd_report_init(&rep, &f);
  m = sd_report_add_module(&rep, "hyperv-stuck-vm", "Hyper-V");
  m->applicable = 1;
  for(i = 0; i < 60; i++) {
    sd_finding *x = sd_result_add(m, i % 2 ? "HV-VM-STUCK" : "HV-VM-SUSPECT",
                                  i % 2 ? SD_SEV_CRITICAL : SD_SEV_WARNING,
                                  "t");
    sd_ev_strf(m, x, "vm_name", "A very long virtual machine name number "
               "%u that goes on and on", (unsigned)i);
    sd_ev_int(m, x, "worker_pid", 5000 + (int64_t)i);
  }
  for(i = 0; i < 40; i++) {
    char code[32];
    snprintf(code, sizeof(code), "TEST-CODE-NUMBER-%02u", (unsigned)i);
    sd_result_add(m, code, SD_SEV_UNKNOWN, "t");
  }
  sd_result_measure(m, &hv_stuck, 1, 30);
  sd_result_measure(m, &hv_suspect, 1, 30);
  {
    sd_series *sr = sd_result_series(m, "vmwp", "t", SD_UNIT_BYTES);
    for(i = 0; i < 60; i++) {
      char label[96];
      snprintf(label, sizeof(label), "A very long virtual machine name "
               "number %u that goes on and on", (unsigned)i);
      sd_series_point(m, sr, label, 10000000 + i,
                      i % 2 ? SD_SEV_CRITICAL : SD_SEV_WARNING,
                      (uint32_t)(5000 + i));
    }
    sd_series_ref(m, sr, "peer median", 10000030);
  }
  sd_report_finish(&rep);
  sd_buf_init(&b);
  sd_report_nagios(&rep, &b);
  check_nagios(b.data, &quote);
  assert_non_null(strstr(b.data, "'stuck vms'=30;;0;0"));
  assert_non_null(strstr(b.data, "'suspect vms'=30;0;;0"));
  assert_non_null(strstr(b.data, " more |"));
  assert_non_null(strstr(b.data, "HV-VM-STUCK x30"));
  assert_labels_unique(b.data);
  sd_buf_free(&b);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* ---- Prometheus text format ---- */

static void check_prom(const char *s)
{
  const char *line = s;
  assert_true((unsigned char)s[0] != 0xEF); /* no BOM */
  assert_non_null(strchr(s, '\n'));
  assert_int_equal(s[strlen(s) - 1], '\n');
  assert_null(strchr(s, '\r'));
  while(*line) {
    const char *nl = strchr(line, '\n');
    assert_non_null(nl);
    if(line[0] == '#') {
      assert_true(!strncmp(line, "# HELP srvdoctor_", 17) ||
                  !strncmp(line, "# TYPE srvdoctor_", 17));
    }
    else {
      const char *p = line;
      int inq = 0;
      assert_true(!strncmp(line, "srvdoctor_", 10));
      while(p < nl && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
      if(*p == '{') {
        for(p++; p < nl; p++) {
          if(inq && *p == '\\') {
            p++;
            assert_true(*p == '\\' || *p == '"' || *p == 'n');
            continue;
          }
          if(*p == '"')
            inq = !inq;
          else if(!inq && *p == '}')
            break;
        }
        assert_int_equal(*p, '}');
        p++;
      }
      assert_int_equal(*p, ' ');
      assert_true(perf_number(p + 1, (size_t)(nl - p - 1), 0));
    }
    line = nl + 1;
  }
}

static void test_prom(void **state)
{
  char *s;
  (void)state;
  s = render("SRV01", "APP02", SD_FMT_PROM);
  check_prom(s);
  assert_non_null(strstr(s, "srvdoctor_build_info{version=\"" SD_VERSION
                         "\"} 1\n"));
  assert_non_null(strstr(s, "srvdoctor_module_status{module=\"exchange-sp2\"}"
                         " 2\n"));
  assert_non_null(strstr(s, "srvdoctor_module_status{module=\"ocs-kb974571\"}"
                         " 0\n"));
  assert_non_null(strstr(s, "srvdoctor_module_applicable{module="
                         "\"ocs-kb974571\"} 0\n"));
  assert_non_null(strstr(s, "srvdoctor_findings{module=\"exchange-sp2\","
                         "severity=\"warning\"} 1\n"));
  assert_non_null(strstr(s, "srvdoctor_last_run_timestamp_seconds "
                         "1795680000\n"));
  assert_non_null(strstr(s, "srvdoctor_hyperv_stuck_vms 1\n"));
  assert_non_null(strstr(s, "srvdoctor_exchange_schema_version 11116\n"));
  assert_non_null(strstr(s, "# TYPE srvdoctor_findings gauge\n"));
  free(s);
}

static void test_prom_escape(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_module_result *m;
  sd_buf b;
  (void)state;
  make_facts(&f, "SRV01", "x");
  sd_report_init(&rep, &f);
  m = sd_report_add_module(&rep, "we\"ird\\mod\nule", "t");
  sd_result_add(m, "A-\"B", SD_SEV_WARNING, "t");
  sd_report_finish(&rep);
  sd_buf_init(&b);
  sd_report_prom(&rep, &b);
  check_prom(b.data);
  assert_non_null(strstr(b.data, "{module=\"we\\\"ird\\\\mod\\nule\"} 1\n"));
  assert_non_null(strstr(b.data, "code=\"A-\\\"B\"} 1\n"));
  sd_buf_free(&b);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* A labelled family: label values escaped (quote, backslash, line feed;
 * C1 controls replaced), a repeated label set written once (a duplicate
 * series makes the textfile collector refuse the file), a sample not
 * known left out; Nagios "U" and "s". */
static void test_prom_family(void **state)
{
  static const char *const keys[] = {"vm_id", "vm_name"};
  const char *a[] = {"ID-1", "a\"b\\c\nd\xc2\x85" "e"};
  const char *c[] = {"ID-2", "same"};
  const char *d[] = {"ID-3", "unknown"};
  sd_facts f;
  sd_report rep;
  sd_module_result *m;
  sd_family *fam;
  sd_buf b;
  const char *p;
  int n = 0;
  (void)state;
  make_facts(&f, "SRV01", "x");
  sd_report_init(&rep, &f);
  m = sd_report_add_module(&rep, "mod", "t");
  fam = sd_result_family(m, "vm_seconds", "Seconds.", SD_UNIT_SECONDS,
                         keys, 2, 1);
  sd_family_sample(m, fam, a, "vm one", 1, 5);
  sd_family_sample(m, fam, c, "vm two", 1, 6);
  sd_family_sample(m, fam, c, "vm two again", 1, 7);
  sd_family_sample(m, fam, d, "vm three", 0, 0);
  sd_report_finish(&rep);
  sd_buf_init(&b);
  sd_report_prom(&rep, &b);
  check_prom(b.data);
  assert_non_null(strstr(b.data, "\nsrvdoctor_vm_seconds{vm_id=\"ID-1\","
                         "vm_name=\"a\\\"b\\\\c\\nd e\"} 5\n"));
  assert_non_null(strstr(b.data, "\nsrvdoctor_vm_seconds{vm_id=\"ID-2\","
                         "vm_name=\"same\"} 6\n"));
  for(p = b.data; (p = strstr(p, "vm_id=\"ID-2\"")) != NULL; p++)
    n++;
  assert_int_equal(n, 1);
  assert_null(strstr(b.data, "ID-3"));
  assert_non_null(strstr(b.data, "# TYPE srvdoctor_vm_seconds gauge\n"));
  sd_buf_free(&b);
  sd_buf_init(&b);
  sd_report_nagios(&rep, &b);
  assert_non_null(strstr(b.data, " 'vm one'=5s;;;0"));
  assert_non_null(strstr(b.data, " 'vm three'=U;;;0"));
  sd_buf_free(&b);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* ---- HTML ---- */

static void test_html_escapes(void **state)
{
  char *s;
  (void)state;
  s = render("HV<b>02</b>", hostile, SD_FMT_HTML);
  /* The hostile name appears only escaped. */
  assert_null(strstr(s, "<script"));
  assert_null(strstr(s, "<b>"));
  assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert_non_null(strstr(s, "HV&lt;b&gt;02&lt;/b&gt;"));
  /* The message's quotes and ampersand too. */
  assert_non_null(strstr(s, "&quot;quoted&quot; &amp; &lt;b&gt;bold"));
  /* The stuck worker's bar and the median line are drawn. */
  assert_non_null(strstr(s, "<g class=\"bar stuck\" data-pid=\"2044\">"));
  assert_non_null(strstr(s, "<g class=\"median\">"));
  assert_non_null(strstr(s, "peer median 9,984 K"));
  /* The AD table: schema below SP2, MESO unreadable. */
  assert_non_null(strstr(s, "<td class=\"num\">11116</td><td class=\"num\">"
                         "14622</td><td>run /PrepareSchema"));
  assert_non_null(strstr(s, "could not be read: access denied"));
  /* Commands in copy-able blocks. */
  assert_non_null(strstr(s, "<pre class=\"cmd\"><code>taskkill <span "
                         "class=\"t\">/PID</span> 2044 <span class=\"t\">"
                         "/F</span></code></pre>"));
  /* Self-contained: nothing loaded from elsewhere. */
  assert_null(strstr(s, "src="));
  assert_null(strstr(s, "http://"));
  assert_null(strstr(s, "https://"));
  free(s);
}

/* Commands wrap only at their spaces: a token a browser could break inside
 * is an inline block, and the text between the tags is the command. */
static void test_html_commands(void **state)
{
  char *s, *p, *q;
  sd_buf text;
  (void)state;
  s = render("SRV01", "APP02", SD_FMT_HTML);
  assert_null(strstr(s, "break-all"));
  p = strstr(s, "<pre class=\"cmd\"><code>msiexec ");
  assert_non_null(p);
  assert_non_null(strstr(p, "msiexec <span class=\"t\">/i</span> "
                         "<span class=\"t\">{24B2C164-DE66-44FE-"
                         "B468-A46D9D5E6B31}</span> <span class=\"t\">"
                         "MSIPATCHREMOVE={0E1F2A3B-4C5D-6E7F-8091-A2B3C4D5"
                         "E6F7}</span> <span class=\"t\">/qb</span></code>"));
  sd_buf_init(&text);
  for(q = p + strlen("<pre class=\"cmd\"><code>"); strncmp(q, "</code>", 7);
      q++) {
    if(*q == '<')
      q = strchr(q, '>');
    else
      sd_buf_putc(&text, *q);
  }
  assert_string_equal(text.data, "msiexec /i {24B2C164-DE66-44FE-B468-"
                      "A46D9D5E6B31} MSIPATCHREMOVE={0E1F2A3B-4C5D-6E7F-"
                      "8091-A2B3C4D5E6F7} /qb");
  sd_buf_free(&text);
  free(s);
}

/* A chart of `labels`, each point's PID 100 + its index. */
static char *chart_of(const char *const *labels, size_t n, const char *note)
{
  sd_report rep;
  sd_module_result *m;
  sd_series *sr;
  sd_buf b;
  size_t i;
  sd_report_init(&rep, NULL);
  m = sd_report_add_module(&rep, "hyperv-stuck-vm", "Hyper-V");
  m->applicable = 1;
  sr = sd_result_series(m, "vmwp", "Working set", SD_UNIT_BYTES);
  sr->note = note;
  for(i = 0; i < n; i++)
    sd_series_point(m, sr, labels[i], 1048576 * (i + 1),
                    i ? SD_SEV_OK : SD_SEV_CRITICAL, (unsigned long)(100 + i));
  sd_series_ref(m, sr, "peer median", 1048576);
  sd_report_finish(&rep);
  sd_buf_init(&b);
  sd_report_render(&rep, SD_FMT_HTML, NULL, &b);
  sd_report_free(&rep);
  return sd_buf_take(&b);
}

/* The label text of the bar with this PID. */
static void bar_label(const char *s, unsigned long pid, char *out, size_t n)
{
  char want[64];
  const char *p, *e;
  snprintf(want, sizeof(want), "data-pid=\"%lu\">", pid);
  p = strstr(s, want);
  assert_non_null(p);
  p = strstr(p, "<text class=\"label\"");
  assert_non_null(p);
  p = strchr(p, '>') + 1;
  e = strstr(p, "</text>");
  assert_true((size_t)(e - p) < n);
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
}

/* Point labels are shown faithfully: a short one whole, a long one cut in
 * its middle with the check's " (pid N)" kept, and cut labels never read
 * alike; the caption is the check's note, word for word, or none. */
static void test_html_chart_labels(void **state)
{
  static const char *const labels[] = {
    "APP01", "Contoso-Production-SQL-Cluster-Node-00",
    "Contoso-Production-SQL-Cluster-Node-01",
    "Contoso-Production-SQL-Cluster-Node-02 (pid 103)",
    "Contoso-Production-SQL-Cluster-Node-02 (pid 104)",
    "Contoso-Production-SQL-A-Cluster-Node-01",
    "Contoso-Production-SQL-B-Cluster-Node-01"};
  char got[7][256];
  char *s;
  size_t i, k;
  (void)state;
  s = chart_of(labels, 7, "The note as the check wrote it.");
  for(i = 0; i < 7; i++)
    bar_label(s, 100 + i, got[i], sizeof(got[i]));
  assert_string_equal(got[0], "APP01");
  assert_string_equal(got[1], "Contoso-Produc\xE2\x80\xA6uster-Node-00");
  assert_string_equal(got[3], "Contoso-P\xE2\x80\xA6-Node-02 (pid 103)");
  assert_string_equal(got[4], "Contoso-P\xE2\x80\xA6-Node-02 (pid 104)");
  for(i = 0; i < 7; i++)
    for(k = i + 1; k < 7; k++)
      assert_string_not_equal(got[i], got[k]);
  /* The two that would read alike when cut are shown whole, squeezed. */
  assert_string_equal(got[5], labels[5]);
  assert_non_null(strstr(s, "textLength="));
  /* The tooltip has the whole label, and the PID once. */
  assert_non_null(strstr(s, "<title>Contoso-Production-SQL-Cluster-Node-02 "
                         "(pid 103): 4,096 K</title>"));
  assert_non_null(strstr(s, "<title>APP01 (PID 100): 1,024 K, hung"
                         "</title>"));
  assert_non_null(strstr(s, "<figcaption class=\"hint\">The note as the "
                         "check wrote it.</figcaption>"));
  free(s);
  s = chart_of(labels, 2, NULL);
  assert_null(strstr(s, "<figcaption"));
  free(s);
}

static void test_html_bad_utf8(void **state)
{
  char *s;
  (void)state;
  s = render("SRV\xff\x01", "VM\xc3", SD_FMT_HTML);
  assert_true(sd_utf8_valid(s, strlen(s)));
  assert_non_null(strstr(s, "SRV\xEF\xBF\xBD\xEF\xBF\xBD"));
  free(s);
}

/* ---- event log ---- */

static void test_event_ids(void **state)
{
  const char *src = getenv("SD_SRC");
  char path[4096];
  char *mc;
  (void)state;
  assert_int_equal(sd_event_id(SD_SEV_OK), 1000);
  assert_int_equal(sd_event_id(SD_SEV_INFO), 1000);
  assert_int_equal(sd_event_id(SD_SEV_WARNING), 1001);
  assert_int_equal(sd_event_id(SD_SEV_CRITICAL), 1002);
  assert_int_equal(sd_event_id(SD_SEV_UNKNOWN), 1003);
  assert_int_equal(sd_event_type(SD_SEV_CRITICAL), SD_EVT_ERROR);
  assert_int_equal(sd_event_type(SD_SEV_WARNING), SD_EVT_WARNING);
  assert_int_equal(sd_event_type(SD_SEV_OK), SD_EVT_INFORMATION);
  /* The message table defines exactly these IDs with %1. */
  snprintf(path, sizeof(path), "%s/res/srvdoctor.mc", src ? src : "..");
  mc = slurp(path);
  assert_non_null(mc);
  assert_non_null(strstr(mc, "MessageId=1000\n"));
  assert_non_null(strstr(mc, "MessageId=1001\n"));
  assert_non_null(strstr(mc, "MessageId=1002\n"));
  assert_non_null(strstr(mc, "MessageId=1003\n"));
  assert_non_null(strstr(mc, "%1\n"));
  free(mc);
}

static void test_event_text(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_buf b;
  (void)state;
  make_facts(&f, "SRV01", "x");
  make_report(&rep, &f, "APP\x01" "02");
  sd_buf_init(&b);
  sd_event_text(&rep, "C:\\ProgramData\\srvdoctor\\reports\\x.json", &b);
  assert_non_null(strstr(b.data, "srvdoctor " SD_VERSION " verdict: CRITICAL "
                         "(exit code 2) on SRV01.\r\n"));
  assert_non_null(strstr(b.data, "CRITICAL EXCH-INTERIM-UPDATE: "));
  assert_non_null(strstr(b.data, "WARNING AD-SCHEMA-PREP-NEEDED: "));
  assert_non_null(strstr(b.data, "CRITICAL HV-VM-STUCK: Virtual machine "
                         "\"APP 02\""));
  assert_null(strstr(b.data, "OCS-NOT-INSTALLED"));
  assert_non_null(strstr(b.data, "Report: C:\\ProgramData\\srvdoctor\\"
                         "reports\\x.json\r\n"));
  sd_buf_free(&b);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* ---- report folder ---- */

static char tmpdir[256];

static int setup_dir(void **state)
{
  (void)state;
  snprintf(tmpdir, sizeof(tmpdir), "/tmp/sdtest-reports-XXXXXX");
  if(!mkdtemp(tmpdir))
    return -1;
  return 0;
}

static int teardown_dir(void **state)
{
  char cmd[512];
  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static size_t count_reports(const char *dir, const char *host)
{
  char **names;
  size_t n, i, c = 0;
  sd_time t;
  unsigned seq;
  assert_int_equal(sd_list_files(dir, &names, &n, NULL), 0);
  for(i = 0; i < n; i++)
    if(!sd_reportdir_parse(names[i], host, &t, &seq))
      c++;
  sd_names_free(names, n);
  return c;
}

static void test_reportdir_names(void **state)
{
  char *n;
  sd_time t;
  unsigned seq;
  (void)state;
  n = sd_reportdir_name("SRV01", 1795680000, 1);
  assert_string_equal(n, "srvdoctor-SRV01-20261126T080000Z.json");
  assert_int_equal(sd_reportdir_parse(n, "srv01", &t, &seq), 0);
  assert_int_equal(t, 1795680000);
  assert_int_equal(seq, 1);
  free(n);
  n = sd_reportdir_name("a/b\\..:*?\"<>|c", 1795680000, 3);
  assert_string_equal(n, "srvdoctor-a_b_.._______c-20261126T080000Z-3"
                      ".json");
  assert_int_equal(sd_reportdir_parse(n, "a/b\\..:*?\"<>|c", &t, &seq), 0);
  assert_int_equal(seq, 3);
  free(n);
  n = sd_reportdir_name(NULL, 1795680000, 1);
  assert_string_equal(n, "srvdoctor-unknown-20261126T080000Z.json");
  free(n);
  /* Other hosts' files, prefixes of names and leftovers are not ours. */
  assert_int_equal(sd_reportdir_parse("srvdoctor-SRV01-B-20261126T080000Z"
                                      ".json", "SRV01", &t, &seq), -1);
  assert_int_equal(sd_reportdir_parse("srvdoctor-SRV01-20261126T080000Z"
                                      ".json.123.0.tmp", "SRV01", &t, &seq),
                   -1);
  assert_int_equal(sd_reportdir_parse("srvdoctor-SRV01-20261326T080000Z"
                                      ".json", "SRV01", &t, &seq), -1);
  assert_int_equal(sd_reportdir_parse("srvdoctor-SRV01-20261126T080000Z-1"
                                      ".json", "SRV01", &t, &seq), -1);
  assert_int_equal(sd_reportdir_parse("latest.json", "SRV01", &t, &seq), -1);
}

static void touch(const char *dir, const char *name)
{
  char *p = sd_path_join(dir, name);
  FILE *fp = fopen(p, "wb");
  assert_non_null(fp);
  fputs("{}", fp);
  fclose(fp);
  free(p);
}

static void test_reportdir_rotation(void **state)
{
  char *dir, *written = NULL, *latest, *txt;
  sd_err err;
  int i;
  (void)state;
  dir = sd_path_join(tmpdir, "a/b/reports"); /* parents are created */
  assert_int_equal(sd_mkdir_p(dir, NULL), 0);
  touch(dir, "srvdoctor-OTHER-20200101T000000Z.json");
  touch(dir, "notes.txt");
  touch(dir, "latest.json.999.0.tmp"); /* left by a killed run */
  for(i = 0; i < 5; i++) {
    char doc[64];
    snprintf(doc, sizeof(doc), "{\"run\": %d}\n", i);
    sd_err_clear(&err);
    assert_int_equal(sd_reportdir_write(dir, 3, "SRV01", 1795680000 + i * 60,
                                        doc, strlen(doc), &written, &err), 0);
    assert_non_null(written);
    free(written);
  }
  assert_int_equal(count_reports(dir, "SRV01"), 3);
  assert_int_equal(count_reports(dir, "OTHER"), 1);
  latest = sd_path_join(dir, "latest.json");
  txt = slurp(latest);
  assert_string_equal(txt, "{\"run\": 4}\n");
  free(txt);
  free(latest);
  /* The oldest two are gone, the newest three stay. */
  latest = sd_path_join(dir, "srvdoctor-SRV01-20261126T080000Z.json");
  assert_false(sd_file_exists(latest));
  free(latest);
  latest = sd_path_join(dir, "srvdoctor-SRV01-20261126T080400Z.json");
  assert_true(sd_file_exists(latest));
  free(latest);
  latest = sd_path_join(dir, "latest.json.999.0.tmp");
  assert_false(sd_file_exists(latest));
  free(latest);
  latest = sd_path_join(dir, "notes.txt");
  assert_true(sd_file_exists(latest));
  free(latest);
  /* Two runs in the same second: a -2 name, nothing overwritten. */
  assert_int_equal(sd_reportdir_write(dir, 10, "SRV01", 1795680240, "{}", 2,
                                      &written, &err), 0);
  assert_non_null(strstr(written, "srvdoctor-SRV01-20261126T080400Z-2.json"));
  free(written);
  assert_int_equal(count_reports(dir, "SRV01"), 4);
  /* Many runs in one second with rotation: the newest always survives
   * (a freed lower number must not be reused, or it would sort oldest). */
  for(i = 0; i < 6; i++) {
    char doc[64];
    snprintf(doc, sizeof(doc), "{\"same second\": %d}\n", i);
    assert_int_equal(sd_reportdir_write(dir, 3, "SRV01", 1795690000, doc,
                                        strlen(doc), &written, &err), 0);
    assert_true(sd_file_exists(written));
    txt = slurp(written);
    assert_string_equal(txt, doc);
    free(txt);
    free(written);
  }
  assert_int_equal(count_reports(dir, "SRV01"), 3);
  free(dir);
}

static void test_reportdir_unwritable(void **state)
{
  char *dir;
  sd_err err;
  (void)state;
  /* A file where the folder should be. */
  touch(tmpdir, "blocker");
  dir = sd_path_join(tmpdir, "blocker/reports");
  sd_err_clear(&err);
  assert_int_equal(sd_reportdir_write(dir, 3, "SRV01", 1795680000, "{}", 2,
                                      NULL, &err), -1);
  assert_non_null(strstr(err.msg, "blocker"));
  assert_null(strchr(err.msg, '\n'));
  free(dir);
}

/* The lock: a second holder waits, and gets it once the first lets go. */
static void test_reportdir_lock(void **state)
{
  char *path = sd_path_join(tmpdir, "srvdoctor.lock");
  sd_lock *a, *b;
  sd_err err;
  pid_t child;
  int status;
  (void)state;
  a = sd_lock_acquire(path, 0, &err);
  assert_non_null(a);
  /* fcntl locks are per process: ask from a child. */
  child = fork();
  assert_true(child >= 0);
  if(child == 0) {
    sd_err e2;
    sd_lock *c = sd_lock_acquire(path, 300, &e2);
    _exit(c == NULL && e2.code == SD_ETIMEOUT ? 0 : 1);
  }
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  sd_lock_release(a);
  child = fork();
  assert_true(child >= 0);
  if(child == 0) {
    sd_err e2;
    sd_lock *c = sd_lock_acquire(path, 300, &e2);
    _exit(c != NULL ? 0 : 1);
  }
  assert_int_equal(waitpid(child, &status, 0), child);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  b = sd_lock_acquire(path, 0, &err);
  assert_non_null(b);
  sd_lock_release(b);
  free(path);
}

/* ---- options ---- */

static int parse(sd_cmdline *cl, sd_err *err, ...)
{
  char *argv[16];
  int argc = 0;
  va_list ap;
  const char *a;
  argv[argc++] = "srvdoctor";
  va_start(ap, err);
  while((a = va_arg(ap, const char *)) != NULL && argc < 15)
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  sd_err_clear(err);
  return sd_parse_args(argc, argv, cl, err);
}

static void test_options(void **state)
{
  sd_cmdline cl;
  sd_err err;
  (void)state;
  assert_int_equal(parse(&cl, &err, "--report-dir", NULL), 0);
  assert_true(cl.report_dir_set);
  assert_null(cl.report_dir);
  assert_int_equal(parse(&cl, &err, "--report-dir", "--keep", "3", NULL), 0);
  assert_null(cl.report_dir);
  assert_int_equal(cl.keep, 3);
  assert_int_equal(parse(&cl, &err, "check", "--report-dir", "C:\\r", "--keep",
                         "5", NULL), 0);
  assert_string_equal(cl.report_dir, "C:\\r");
  assert_int_equal(parse(&cl, &err, "--report-dir", "check", NULL), 0);
  assert_null(cl.report_dir);
  assert_int_equal(cl.cmd, SD_CMD_CHECK);
  assert_int_equal(parse(&cl, &err, "--report-dir=check", NULL), 0);
  assert_string_equal(cl.report_dir, "check");
  assert_int_equal(parse(&cl, &err, "--report-dir=", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--keep", "3", NULL), -1);
  assert_non_null(strstr(err.msg, "--report-dir"));
  assert_int_equal(parse(&cl, &err, "--report-dir", "--keep", "0", NULL), -1);
  assert_int_equal(parse(&cl, &err, "collect", "--eventlog", NULL), -1);
  assert_int_equal(parse(&cl, &err, "--eventlog", "--format", "nagios", NULL),
                   0);
  assert_true(cl.eventlog);
  assert_int_equal(cl.format, SD_FMT_NAGIOS);
  assert_int_equal(parse(&cl, &err, "--format", "prom", NULL), 0);
  assert_int_equal(cl.format, SD_FMT_PROM);
  assert_int_equal(parse(&cl, &err, "--format", "html", NULL), 0);
  assert_int_equal(cl.format, SD_FMT_HTML);
  assert_int_equal(parse(&cl, &err, "--format", "checkmk", NULL), 0);
  assert_int_equal(cl.format, SD_FMT_CHECKMK);
  assert_int_equal(parse(&cl, &err, "--format", "xml", NULL), -1);
  assert_int_equal(parse(&cl, &err, "eventlog", "install", NULL), 0);
  assert_int_equal(cl.cmd, SD_CMD_EVENTLOG);
  assert_string_equal(cl.action, "install");
  assert_int_equal(parse(&cl, &err, "eventlog", NULL), -1);
  assert_int_equal(parse(&cl, &err, "eventlog", "remove", NULL), -1);
}

/* ---- the real modules, from a snapshot ---- */

static void test_fixture_stuck_vm(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_buf b;
  int quote = 0;
  (void)state;
  if(!sd_module_find("hyperv-stuck-vm"))
    skip();
  sdt_load("reports/hv_stuck.json", &f);
  sdt_run(&f, NULL, NULL, &rep);
  assert_int_equal(sdt_count(&rep, "HV-VM-STUCK"), 1);
  sd_buf_init(&b);
  sd_report_html(&rep, &b);
  assert_non_null(strstr(b.data, "<g class=\"bar stuck\" data-pid=\"2052\">"));
  assert_non_null(strstr(b.data, ">APP02</text>"));
  sd_buf_reset(&b);
  sd_report_nagios(&rep, &b);
  check_nagios(b.data, &quote);
  assert_non_null(strstr(b.data, "'stuck vms'=1;;0;0"));
  assert_non_null(strstr(b.data, "'vmwp APP02'=4096000B;;;0"));
  sd_buf_reset(&b);
  sd_report_prom(&rep, &b);
  check_prom(b.data);
  assert_non_null(strstr(b.data, "srvdoctor_hyperv_stuck_vms 1\n"));
  sd_buf_free(&b);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* A raw bidirectional control (U+200E/F, U+202A-E, U+2066-9) in s. */
static const char *raw_bidi(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i + 2 < n; i++) {
    const unsigned char *u = (const unsigned char *)s + i;
    if(u[0] == 0xE2 && ((u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F ||
                                          (u[2] >= 0xAA && u[2] <= 0xAE))) ||
                        (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)))
      return s + i;
  }
  return NULL;
}

/* ---- Checkmk local checks ---- */

/* One local check line as docs.checkmk.com ("Local checks", 2.1 and
 * "Metrics") describes it: STATUS "SERVICE NAME" METRICS DETAIL, one
 * space apart; STATUS 0..3; the name in double quotes; METRICS "-" or
 * name=value[;warn;crit;min;max] joined by "|"; DETAIL free text.  The
 * parts are copied into the caller's buffers (line holds no NUL). */
typedef struct cmk_line {
  int status;
  char name[256];
  char metrics[2048];
  char detail[4096];
} cmk_line;

static int cmk_number(const char *s, size_t n, int empty_ok)
{
  size_t i, digits = 0;
  if(n == 0)
    return empty_ok;
  for(i = 0; i < n; i++) {
    if(isdigit((unsigned char)s[i]))
      digits++;
    else if(!(s[i] == '.' || (s[i] == '-' && i == 0)))
      return 0;
  }
  return digits > 0;
}

/* One metric: name=value[;warn;crit;min;max], name [A-Za-z0-9_]+. */
static int cmk_metric(const char *s, size_t n)
{
  const char *eq = memchr(s, '=', n), *p, *end = s + n;
  size_t field = 0, i;
  if(!eq || eq == s)
    return 0;
  for(i = 0; s + i < eq; i++)
    if(!(isalnum((unsigned char)s[i]) || s[i] == '_'))
      return 0;
  for(p = eq + 1; p <= end && field < 5; field++) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    const char *stop = semi ? semi : end;
    if(!cmk_number(p, (size_t)(stop - p), field > 0))
      return 0;
    if(!semi)
      return 1;
    p = semi + 1;
  }
  return 0; /* more than five fields */
}

static int cmk_parse(const char *line, size_t len, cmk_line *out)
{
  const char *p = line, *end = line + len, *q, *sp;
  size_t i;
  if(len < 8 || p[0] < '0' || p[0] > '3' || p[1] != ' ' || p[2] != '"')
    return 0;
  out->status = p[0] - '0';
  q = memchr(p + 3, '"', (size_t)(end - p - 3));
  if(!q || q == p + 3 || (size_t)(q - p - 3) >= sizeof(out->name) ||
     q + 1 >= end || q[1] != ' ')
    return 0;
  memcpy(out->name, p + 3, (size_t)(q - p - 3));
  out->name[q - p - 3] = '\0';
  p = q + 2;
  sp = memchr(p, ' ', (size_t)(end - p));
  if(!sp || sp == p || (size_t)(sp - p) >= sizeof(out->metrics) ||
     sp + 1 >= end || (size_t)(end - sp - 1) >= sizeof(out->detail))
    return 0;
  memcpy(out->metrics, p, (size_t)(sp - p));
  out->metrics[sp - p] = '\0';
  memcpy(out->detail, sp + 1, (size_t)(end - sp - 1));
  out->detail[end - sp - 1] = '\0';
  for(i = 0; out->detail[i]; i++)
    if((unsigned char)out->detail[i] < 0x20 || out->detail[i] == 0x7F ||
       out->detail[i] == '|')
      return 0;
  if(!strcmp(out->metrics, "-"))
    return 1;
  for(p = out->metrics; *p;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if(!cmk_metric(p, n))
      return 0;
    p += n + (bar ? 1 : 0);
    if(bar && !*p)
      return 0;
  }
  return 1;
}

/* The state digit a module's verdict maps to (the Monitoring Plugins
 * exit codes: ok and info 0, warning 1, critical 2, unknown 3). */
static int cmk_state(sd_severity s)
{
  switch(s) {
  case SD_SEV_OK:
  case SD_SEV_INFO: return 0;
  case SD_SEV_WARNING: return 1;
  case SD_SEV_CRITICAL: return 2;
  case SD_SEV_UNKNOWN: return 3;
  }
  return -1;
}

/* The module's known measures, each as name=value among the metrics, and
 * nothing else. */
static void cmk_check_metrics(const sd_module_result *m, const char *metrics,
                              const char *where)
{
  size_t k, known = 0, items = 0;
  const char *p;
  for(k = 0; k < m->nmeasures; k++) {
    char want[160];
    const char *hit;
    size_t wl;
    if(!m->measures[k].known)
      continue;
    known++;
    wl = (size_t)snprintf(want, sizeof(want), "%s=%lld",
                          m->measures[k].name,
                          (long long)m->measures[k].value);
    hit = strstr(metrics, want);
    if(!hit || (hit != metrics && hit[-1] != '|') ||
       (hit[wl] && hit[wl] != '|' && hit[wl] != ';'))
      fail_msg("%s: metric %s missing from '%s'", where, want, metrics);
  }
  if(strcmp(metrics, "-"))
    for(items = 1, p = metrics; *p; p++)
      items += *p == '|';
  if(items != known)
    fail_msg("%s: %lu metrics for %lu known measures: '%s'", where,
             (unsigned long)items, (unsigned long)known, metrics);
}

/* out is the checkmk rendering of rep: one valid line per module, in the
 * modules' order, "\n" line ends only. */
static void cmk_check(const sd_report *rep, const char *out,
                      const char *where)
{
  const char *p = out;
  size_t i;
  cmk_line *l = sd_xcalloc(1, sizeof(*l));
  assert_null(strchr(out, '\r'));
  for(i = 0; i < rep->nmodules; i++) {
    const sd_module_result *m = &rep->modules[i];
    const char *nl = strchr(p, '\n');
    char want[256];
    if(!nl)
      fail_msg("%s: %lu lines for %lu modules", where, (unsigned long)i,
               (unsigned long)rep->nmodules);
    if(!cmk_parse(p, (size_t)(nl - p), l))
      fail_msg("%s: not a local check line: %.*s", where, (int)(nl - p), p);
    if(l->status != cmk_state(m->status))
      fail_msg("%s: %s has state %d, its verdict is %s", where, m->id,
               l->status, sd_severity_name(m->status));
    snprintf(want, sizeof(want), "srvdoctor %s", m->id);
    assert_string_equal(l->name, want);
    cmk_check_metrics(m, l->metrics, where);
    p = nl + 1;
  }
  if(*p)
    fail_msg("%s: more lines than modules: %s", where, p);
  free(l);
}

/* Every snapshot fixture: one local check line per module that ran, the
 * state digit of the module's verdict, the module's measures as metrics. */
static void test_checkmk_fixtures(void **state)
{
  char **names = NULL;
  size_t n = sdt_list_snapshots(&names), i;
  int states[4] = {0, 0, 0, 0};
  (void)state;
  assert_true(n >= 40);
  for(i = 0; i < n; i++) {
    sd_facts f;
    sd_report rep;
    sd_buf out;
    size_t k;
    sdt_load(names[i], &f);
    sdt_run(&f, NULL, NULL, &rep);
    sd_report_finish(&rep);
    sd_buf_init(&out);
    sd_report_render(&rep, SD_FMT_CHECKMK, NULL, &out);
    assert_true(rep.nmodules >= 4); /* the host module is one of them */
    cmk_check(&rep, out.data, names[i]);
    for(k = 0; k < rep.nmodules; k++)
      states[cmk_state(rep.modules[k].status)]++;
    sd_buf_free(&out);
    sd_report_free(&rep);
    sd_facts_free(&f);
    free(names[i]);
  }
  free(names);
  /* The fixtures reach every state. */
  for(i = 0; i < 4; i++)
    assert_true(states[i] > 0);
}

/* Machine text cannot break a line: line breaks, tabs and "|" in a
 * message, quotes and spaces in a name; a measure not decided is left
 * out; Windows line ends are never written. */
static void test_checkmk_hostile(void **state)
{
  static const sd_measure odd = {
    "odd name=x|y", "odd", "A measure with a hostile name.", SD_UNIT_COUNT,
    0, 0, NULL, NULL};
  sd_facts f;
  sd_report rep;
  sd_report_style st;
  sd_module_result *m;
  sd_finding *x;
  sd_buf out;
  cmk_line l;
  (void)state;
  make_facts(&f, "SRV01", "APP02");
  sd_report_init(&rep, &f);
  m = sd_report_add_module(&rep, "bad \"id\"\n", "A module");
  m->applicable = 1;
  x = sd_result_add(m, "X-ODD", SD_SEV_WARNING, "odd");
  sd_finding_msg(m, x, "line\nbreak | pipe \"quote\"\ttab\r\xff end");
  sd_result_measure(m, &odd, 1, 7);
  sd_result_measure(m, &hv_stuck, 0, 0);
  sd_report_finish(&rep);
  memset(&st, 0, sizeof(st));
  st.crlf = 1;
  sd_buf_init(&out);
  sd_report_render(&rep, SD_FMT_CHECKMK, &st, &out);
  assert_null(strchr(out.data, '\r'));
  assert_int_equal(strchr(out.data, '\n') - out.data + 1, (long)out.len);
  assert_true(cmk_parse(out.data, out.len - 1, &l));
  assert_int_equal(l.status, 1);
  assert_string_equal(l.name, "srvdoctor bad__id__");
  assert_string_equal(l.metrics, "odd_name_x_y=7");
  assert_non_null(strstr(l.detail, "1 warning: X-ODD - line break / pipe "
                         "\"quote\" tab \xEF\xBF\xBD end"));
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* VM names with every bidirectional control: no format lets one through
 * raw (it would reorder PIDs and sizes on screen); each shows it as the
 * text \u202E and so on. */
static void test_bidi_names_every_format(void **state)
{
  static const sd_format fmts[] = {SD_FMT_TEXT, SD_FMT_JSON, SD_FMT_NAGIOS,
                                   SD_FMT_PROM, SD_FMT_HTML, SD_FMT_CHECKMK};
  static const char *const shown[] = {"u202E", "u2066", "u200F", "u202A",
                                      "u2067"};
  sd_facts f;
  sd_report rep;
  sd_report_style st;
  sd_buf out;
  size_t i, k;
  (void)state;
  sdt_load("hyperv-stuck-vm/bidi_names.json", &f);
  sdt_run(&f, NULL, NULL, &rep);
  sd_report_finish(&rep);
  memset(&st, 0, sizeof(st));
  sd_buf_init(&out);
  for(i = 0; i < SD_COUNTOF(fmts); i++) {
    out.len = 0;
    sd_report_render(&rep, fmts[i], &st, &out);
    if(raw_bidi(out.data, out.len))
      fail_msg("format %s lets a bidirectional control through",
               sd_format_name(fmts[i]));
    /* Text, JSON and HTML show the names in full; Nagios and Prometheus
     * show the ones they label figures with. */
    for(k = 0; k < SD_COUNTOF(shown); k++)
      if((fmts[i] == SD_FMT_TEXT || fmts[i] == SD_FMT_HTML ||
          fmts[i] == SD_FMT_JSON) && !strstr(out.data, shown[k]) &&
         k == 0)
        fail_msg("format %s does not show %s", sd_format_name(fmts[i]),
                 shown[k]);
  }
  /* fix's console output goes through the same escaping. */
  out.len = 0;
  sd_buf_put_safe(&out, "vm\xE2\x80\xAE 1234\n\x1B]0;x\x07", 0);
  assert_string_equal(out.data, "vm\\u202E 1234\\x0A\\x1B]0;x\\x07");
  out.len = 0;
  sd_buf_put_safe(&out, "a\nb", 1);
  assert_string_equal(out.data, "a\nb");
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* Text and HTML written by the Windows exe end lines with CR LF; the
 * Prometheus textfile never does. */
static void test_crlf_files(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_report_style st;
  sd_buf out;
  size_t i;
  (void)state;
  sdt_load("hyperv-stuck-vm/stuck_starting.json", &f);
  sdt_run(&f, NULL, NULL, &rep);
  sd_report_finish(&rep);
  memset(&st, 0, sizeof(st));
  st.crlf = 1;
  sd_buf_init(&out);
  sd_report_render(&rep, SD_FMT_TEXT, &st, &out);
  for(i = 0; i < out.len; i++)
    if(out.data[i] == '\n')
      assert_true(i > 0 && out.data[i - 1] == '\r');
  out.len = 0;
  sd_report_render(&rep, SD_FMT_HTML, &st, &out);
  assert_non_null(strstr(out.data, "</html>\r\n"));
  out.len = 0;
  sd_report_render(&rep, SD_FMT_PROM, &st, &out);
  assert_null(strchr(out.data, '\r'));
  out.len = 0;
  sd_report_render(&rep, SD_FMT_CHECKMK, &st, &out);
  assert_null(strchr(out.data, '\r'));
  out.len = 0;
  st.crlf = 0;
  sd_report_render(&rep, SD_FMT_TEXT, &st, &out);
  assert_null(strchr(out.data, '\r'));
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

/* The text report wraps at the width (80 by default) on spaces, and never
 * breaks a command. */
static void test_text_wraps(void **state)
{
  sd_facts f;
  sd_report rep;
  sd_report_style st;
  sd_buf out;
  const char *p;
  int widths[] = {0, 60, 132};
  size_t w;
  (void)state;
  sdt_load("../../docs/examples/troubled-server.json", &f);
  sdt_run(&f, NULL, NULL, &rep);
  sd_report_finish(&rep);
  sd_buf_init(&out);
  for(w = 0; w < SD_COUNTOF(widths); w++) {
    size_t limit = widths[w] ? (size_t)widths[w] : 80, longest = 0;
    memset(&st, 0, sizeof(st));
    st.width = widths[w];
    out.len = 0;
    sd_report_render(&rep, SD_FMT_TEXT, &st, &out);
    for(p = out.data; *p;) {
      const char *nl = strchr(p, '\n');
      size_t len = (size_t)(nl - p), c = 0, i;
      for(i = 0; i < len; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
      /* Longer lines are commands (11 spaces in) or a single long word. */
      if(c > limit && strncmp(p, "           ", 11) &&
         memchr(p + 10, ' ', len - 10) != NULL && strncmp(p, "srvdoctor 0", 11))
        fail_msg("width %d: a %lu-column line: %.*s", widths[w],
                 (unsigned long)c, (int)len, p);
      if(c > longest)
        longest = c;
      p = nl + 1;
    }
    assert_true(longest > 0);
  }
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_golden),
    cmocka_unit_test(test_nagios_syntax),
    cmocka_unit_test(test_nagios_budget),
    cmocka_unit_test(test_prom),
    cmocka_unit_test(test_prom_escape),
    cmocka_unit_test(test_checkmk_fixtures),
    cmocka_unit_test(test_checkmk_hostile),
    cmocka_unit_test(test_html_escapes),
    cmocka_unit_test(test_html_bad_utf8),
    cmocka_unit_test(test_html_commands),
    cmocka_unit_test(test_html_chart_labels),
    cmocka_unit_test(test_event_ids),
    cmocka_unit_test(test_event_text),
    cmocka_unit_test(test_reportdir_names),
    cmocka_unit_test_setup_teardown(test_reportdir_rotation, setup_dir,
                                    teardown_dir),
    cmocka_unit_test_setup_teardown(test_reportdir_unwritable, setup_dir,
                                    teardown_dir),
    cmocka_unit_test_setup_teardown(test_reportdir_lock, setup_dir,
                                    teardown_dir),
    cmocka_unit_test(test_options),
    cmocka_unit_test(test_fixture_stuck_vm),
    cmocka_unit_test(test_bidi_names_every_format),
    cmocka_unit_test(test_crlf_files),
    cmocka_unit_test(test_text_wraps),
    cmocka_unit_test(test_prom_family),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
