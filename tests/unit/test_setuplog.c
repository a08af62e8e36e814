/* test_setuplog.c - unit tests of the ExchangeSetup.log reader
 * (parse_setuplog.h).
 *
 * Every log is written here from the documented line formats
 * (docs/exchange-sp2-setup-facts.md, table setuplog_facts): a
 * "[time] [thread] text" prefix, the run start line, "[ERROR]" lines, the
 * "The following error was generated when ... was run" form, the success
 * and failure lines and "End of Setup".  Logs go to the reader through a
 * callback over a virtual file: a head, a filler repeated for as long as
 * wanted and a tail, so that a log of gigabytes costs no memory, and the
 * callback counts what it is asked for. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange-sp2/parse_setuplog.h"
#include "srvdoctor/base.h"

/* ---- a virtual file: head, filler repeated, tail ---- */

typedef struct vfile {
  uint64_t size;
  const char *head;
  size_t head_len;
  const char *fill;
  size_t fill_len;
  const char *tail;
  size_t tail_len;
  uint64_t fail_at; /* a read touching this byte fails (0: never) */
  uint32_t fail_err;
  size_t max_req;   /* largest single request */
  uint64_t asked;   /* bytes requested in all */
} vfile;

static uint32_t vread(void *ctx, uint64_t off, void *buf, size_t len,
                      size_t *got)
{
  vfile *v = ctx;
  unsigned char *o = buf;
  size_t done = 0;
  if(len > v->max_req)
    v->max_req = len;
  v->asked += len;
  if(v->fail_at && off <= v->fail_at && v->fail_at < off + len)
    return v->fail_err;
  while(done < len && off + done < v->size) {
    uint64_t p = off + done, tail_at = v->size - v->tail_len;
    size_t n;
    const char *src;
    if(p < v->head_len) {
      src = v->head + p;
      n = v->head_len - (size_t)p;
    }
    else if(p >= tail_at) {
      src = v->tail + (p - tail_at);
      n = (size_t)(v->size - p);
    }
    else {
      size_t k = (size_t)((p - v->head_len) % v->fill_len);
      src = v->fill + k;
      n = v->fill_len - k;
      if(n > tail_at - p)
        n = (size_t)(tail_at - p);
    }
    if(n > len - done)
      n = len - done;
    memcpy(o + done, src, n);
    done += n;
  }
  *got = done;
  return 0;
}

static void vmem(vfile *v, const char *data, size_t len)
{
  memset(v, 0, sizeof(*v));
  v->size = len;
  v->head = data;
  v->head_len = len;
}

static void read_mem(const char *data, size_t len, sd_slog_result *res)
{
  vfile v;
  vmem(&v, data, len);
  sd_setuplog_read(vread, &v, len, res);
  assert_true(v.max_req <= SD_SLOG_CHUNK + 1024);
}

/* ---- writing logs in the documented format ---- */

static unsigned g_sec;

static void ln(sd_buf *b, int thread, const char *text)
{
  sd_buf_printf(b, "[12/05/2009 10:%02u:%02u.%04u] [%d] %s\r\n",
                (g_sec / 60) % 60, g_sec % 60, g_sec * 7 % 10000, thread,
                text);
  g_sec++;
}

static void run_start(sd_buf *b)
{
  ln(b, 0, "**********************************************");
  ln(b, 0, "Starting Microsoft Exchange Server 2007 Setup");
  ln(b, 0, "**********************************************");
  ln(b, 0, "Local time zone: (GMT+01:00) Amsterdam.");
  ln(b, 0, "Operating system version: Microsoft Windows NT 5.2.3790 "
     "Service Pack 2.");
  ln(b, 0, "Setup version: 08.02.0176.002.");
  ln(b, 0, "Logged on user: CONTOSO\\admin.");
  ln(b, 0, "Command Line Parameter Name='mode', Value='Upgrade'.");
  ln(b, 1, "Beginning processing Start-PreConfiguration");
  ln(b, 1, "Ending processing Start-PreConfiguration");
  ln(b, 1, "Beginning processing Install-BridgeheadRole");
}

static void run_success(sd_buf *b)
{
  run_start(b);
  ln(b, 1, "Ending processing Install-BridgeheadRole");
  ln(b, 0, "The Microsoft Exchange Server setup operation completed "
     "successfully.");
  ln(b, 0, "End of Setup");
  ln(b, 0, "**********************************************");
}

/* A run that fails in Install-BridgeheadRole with the given error text. */
static void run_failure(sd_buf *b, const char *error)
{
  char line[1024];
  run_start(b);
  snprintf(line, sizeof(line), "[ERROR] The following error was generated "
           "when \"$error.Clear(); start-SetupService -ServiceName "
           "MSExchangeTransport\" was run: \"%s\".", error);
  ln(b, 1, line);
  ln(b, 1, "Setup is halting task execution because of one or more errors "
     "in a critical task.");
  ln(b, 1, "Finished executing component tasks.");
  ln(b, 1, "Ending processing Install-BridgeheadRole");
  ln(b, 0, "The Microsoft Exchange Server setup operation did not complete. "
     "Visit http://support.microsoft.com and enter the Error ID to find "
     "more information.");
  ln(b, 0, "End of Setup");
  ln(b, 0, "**********************************************");
}

/* UTF-8 text to UTF-16LE bytes, with a BOM when asked. */
static char *to_utf16(const char *s, size_t n, int bom, size_t *out_len)
{
  sd_buf b;
  size_t i = 0;
  sd_buf_init(&b);
  if(bom)
    sd_buf_put(&b, "\xFF\xFE", 2);
  while(i < n) {
    uint32_t cp;
    size_t k = sd_utf8_decode((const unsigned char *)s + i, n - i, &cp, NULL);
    char u[4];
    assert_true(k > 0);
    if(cp >= 0x10000) {
      uint32_t v = cp - 0x10000, h = 0xD800 + (v >> 10);
      uint32_t l = 0xDC00 + (v & 0x3FF);
      u[0] = (char)(h & 0xFF);
      u[1] = (char)(h >> 8);
      u[2] = (char)(l & 0xFF);
      u[3] = (char)(l >> 8);
      sd_buf_put(&b, u, 4);
    }
    else {
      u[0] = (char)(cp & 0xFF);
      u[1] = (char)(cp >> 8);
      sd_buf_put(&b, u, 2);
    }
    i += k;
  }
  *out_len = b.len;
  return sd_buf_take(&b);
}

static void assert_fields_valid(const sd_slog_result *r)
{
  assert_true(sd_utf8_valid(r->why, strlen(r->why)));
  assert_true(r->why[0] != '\0');
  assert_true(sd_utf8_valid(r->started, strlen(r->started)));
  assert_true(sd_utf8_valid(r->build, strlen(r->build)));
  assert_true(sd_utf8_valid(r->step, strlen(r->step)));
  assert_true(sd_utf8_valid(r->task, strlen(r->task)));
  assert_true(sd_utf8_valid(r->error_text, strlen(r->error_text)));
}

/* ---- outcomes of the last run ---- */

static void test_success(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_success(&b);
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_SUCCEEDED);
  assert_string_equal(sd_setuplog_state_name(r.state), "succeeded");
  assert_int_equal(r.encoding, SD_SLOG_ENC_ANSI);
  assert_true(r.run_start_found);
  /* The run begins at its "Starting" line, the second one. */
  assert_int_equal(r.run_offset, strstr(b.data, "\r\n") + 2 - b.data);
  assert_string_equal(r.build, "08.02.0176.002");
  assert_true(strncmp(r.started, "12/05/2009 10:", 14) == 0);
  assert_string_equal(r.error_text, "");
  assert_null(r.known);
  assert_non_null(strstr(r.why, "completed successfully"));
  assert_int_equal(r.run_lines, 14);
  assert_fields_valid(&r);
  sd_buf_free(&b);
}

/* Every pattern of every known failure is recognised, with its step,
 * task and error text. */
static void test_known_failures(void **state)
{
  size_t i, k;
  (void)state;
  for(i = 0; i < sd_setuplog_nknown; i++) {
    const sd_slog_known *row = &sd_setuplog_known[i];
    for(k = 0; k < 3 && row->patterns[k]; k++) {
      sd_buf b;
      sd_slog_result r;
      char err[512];
      snprintf(err, sizeof(err), "Some.Exception: the words %s here",
               row->patterns[k]);
      sd_buf_init(&b);
      run_success(&b); /* an earlier run that does not count */
      run_failure(&b, err);
      read_mem(b.data, b.len, &r);
      assert_int_equal(r.state, SD_SLOG_FAILED);
      assert_ptr_equal(r.known, row);
      assert_string_equal(r.step, "Install-BridgeheadRole");
      assert_string_equal(r.task, "$error.Clear(); start-SetupService "
                          "-ServiceName MSExchangeTransport");
      assert_string_equal(r.error_text, err);
      assert_true(r.run_offset > 0);
      assert_non_null(strstr(r.why, "did not complete"));
      assert_fields_valid(&r);
      sd_buf_free(&b);
    }
  }
}

static void test_known_table(void **state)
{
  size_t i;
  (void)state;
  assert_true(sd_setuplog_nknown >= 5);
  for(i = 0; i < sd_setuplog_nknown; i++) {
    const sd_slog_known *row = &sd_setuplog_known[i];
    assert_true(row->id && row->id[0]);
    assert_true(row->patterns[0] && row->patterns[0][0]);
    assert_true(row->cause && strlen(row->cause) > 10);
    assert_true(row->remedy && strlen(row->remedy) > 10);
    assert_true(row->source && strlen(row->source) > 5);
  }
}

static void test_unknown_failure(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_failure(&b, "Microsoft.Exchange.Data.DataValidationException: "
              "the value is not valid");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_null(r.known);
  assert_string_equal(r.error_text, "Microsoft.Exchange.Data."
                      "DataValidationException: the value is not valid");
  assert_string_equal(r.step, "Install-BridgeheadRole");
  assert_fields_valid(&r);
  sd_buf_free(&b);
}

/* The 2010+ form: the task's script spans lines, a stack trace follows
 * the message, and an error reference names the component. */
static void test_multiline_error(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_start(&b);
  ln(&b, 1, "[ERROR] The following error was generated when \"$error.Clear();"
     " ");
  sd_buf_puts(&b, "  start-SetupService -ServiceName MSExchangeDagMgmt\r\n");
  sd_buf_puts(&b, "\" was run: \"Microsoft.Exchange.Configuration.Tasks."
              "ServiceDidNotReachStatusException: Service 'MSExchangeDagMgmt'"
              " failed to reach status 'Running' on this server.\r\n");
  sd_buf_puts(&b, "   at Microsoft.Exchange.Configuration.Tasks.Task."
              "ThrowError(Exception exception)\r\n");
  ln(&b, 1, "[ERROR] Service 'MSExchangeDagMgmt' failed to reach status "
     "'Running' on this server.");
  ln(&b, 1, "[ERROR-REFERENCE] Id=ServiceControl___2a Component="
     "EXCHANGE14:\\Current\\Release\\Shared\\Datacenter\\Setup");
  ln(&b, 1, "Setup is stopping now because of one or more critical errors.");
  ln(&b, 0, "The Exchange Server setup operation didn't complete.  More "
     "details can be found in ExchangeSetup.log.");
  ln(&b, 0, "End of Setup");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_string_equal(r.task, "$error.Clear(); start-SetupService "
                      "-ServiceName MSExchangeDagMgmt");
  assert_string_equal(r.error_text, "Microsoft.Exchange.Configuration.Tasks."
                      "ServiceDidNotReachStatusException: Service "
                      "'MSExchangeDagMgmt' failed to reach status 'Running'"
                      " on this server");
  assert_string_equal(r.step, "EXCHANGE14:\\Current\\Release\\Shared"
                      "\\Datacenter\\Setup");
  assert_non_null(r.known);
  assert_string_equal(r.known->id, "service-start-timeout");
  sd_buf_free(&b);
}

/* Only the last run counts, whichever way round. */
static void test_last_run_counts(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_failure(&b, "Cannot start the service MSExchangeIS");
  run_success(&b);
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_SUCCEEDED);
  assert_null(r.known);
  assert_string_equal(r.error_text, "");
  sd_buf_reset(&b);
  run_success(&b);
  run_success(&b);
  run_failure(&b, "nothing we know");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_null(r.known);
  sd_buf_free(&b);
}

static void test_unfinished_and_truncated(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_success(&b);
  run_start(&b);
  ln(&b, 1, "Creating Native images for .NET assemblies.");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_UNFINISHED);
  assert_non_null(strstr(r.why, "no end marker"));
  sd_buf_puts(&b, "[12/05/2009 11:00:00.0000] [1] Copying Fil");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_TRUNCATED);
  assert_string_equal(sd_setuplog_state_name(r.state), "truncated");
  assert_non_null(strstr(r.why, "middle of a line"));
  /* An error, then the log stops: the error is still reported. */
  run_start(&b);
  ln(&b, 1, "[ERROR] A restart from a previous installation is pending.");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_UNFINISHED);
  assert_non_null(r.known);
  assert_string_equal(r.known->id, "restart-pending");
  sd_buf_free(&b);
}

static void test_ended_without_verdict(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_start(&b);
  ln(&b, 0, "End of Setup");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_UNKNOWN);
  assert_non_null(strstr(r.why, "without saying"));
  /* An error and an end marker, but no failure line: failed. */
  sd_buf_reset(&b);
  run_start(&b);
  ln(&b, 1, "[ERROR] Access is denied.");
  ln(&b, 0, "End of Setup");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_string_equal(r.error_text, "Access is denied");
  sd_buf_free(&b);
}

/* ---- encodings ---- */

static const char k_umlaut_err[] =
  "Cannot start service MSExchangeIS on computer 'Z\xC3\xBCrich' "
  "\xF0\x9F\x93\xA7";

static void test_utf16le(void **state)
{
  int bom;
  (void)state;
  for(bom = 1; bom >= 0; bom--) {
    sd_buf b;
    sd_slog_result r;
    size_t n;
    char *w;
    sd_buf_init(&b);
    run_success(&b);
    run_failure(&b, k_umlaut_err);
    w = to_utf16(b.data, b.len, bom, &n);
    read_mem(w, n, &r);
    assert_int_equal(r.encoding, SD_SLOG_ENC_UTF16LE);
    assert_string_equal(sd_setuplog_encoding_name(r.encoding), "utf-16le");
    assert_int_equal(r.state, SD_SLOG_FAILED);
    assert_string_equal(r.error_text, k_umlaut_err);
    assert_string_equal(r.known->id, "service-cannot-start");
    assert_string_equal(r.build, "08.02.0176.002");
    assert_fields_valid(&r);
    free(w);
    /* Cut in the middle of a code unit and of a line: truncated. */
    run_start(&b);
    sd_buf_puts(&b, "[12/05/2009 11:00:00.0000] [1] Copying Z\xC3\xBC");
    w = to_utf16(b.data, b.len, bom, &n);
    read_mem(w, n - 1, &r);
    assert_int_equal(r.state, SD_SLOG_TRUNCATED);
    assert_fields_valid(&r);
    free(w);
    sd_buf_free(&b);
  }
}

/* Bytes that are not UTF-8 are Windows-1252; a UTF-8 BOM is skipped. */
static void test_ansi_and_utf8(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  run_failure(&b, "Cannot start service on 'Z\xFCrich' \x80 \x81");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.encoding, SD_SLOG_ENC_ANSI);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_string_equal(r.error_text, "Cannot start service on "
                      "'Z\xC3\xBCrich' \xE2\x82\xAC \xEF\xBF\xBD");
  assert_fields_valid(&r);
  sd_buf_reset(&b);
  sd_buf_put(&b, "\xEF\xBB\xBF", 3);
  run_failure(&b, k_umlaut_err);
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.encoding, SD_SLOG_ENC_UTF8);
  assert_string_equal(sd_setuplog_encoding_name(r.encoding), "utf-8");
  assert_string_equal(r.error_text, k_umlaut_err);
  assert_int_equal(r.run_offset, strstr(b.data, "\r\n") + 2 - b.data);
  sd_buf_free(&b);
}

/* ---- size, bounds and errors ---- */

static const char k_filler[] =
  "[12/05/2009 09:00:00.0000] [2] Processing component 'Bridgehead "
  "Configuration' (Configuring Microsoft Exchange Server).\r\n";

/* A log of 8 GiB: filler, then a failed run.  Read within the bounds. */
static void test_enormous(void **state)
{
  sd_buf b;
  sd_slog_result r;
  vfile v;
  (void)state;
  sd_buf_init(&b);
  run_failure(&b, "Cannot start the service MSExchangeTransport");
  memset(&v, 0, sizeof(v));
  v.size = (uint64_t)8 << 30;
  v.fill = k_filler;
  v.fill_len = strlen(k_filler);
  v.tail = b.data;
  v.tail_len = b.len;
  sd_setuplog_read(vread, &v, v.size, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_true(r.run_start_found);
  assert_string_equal(r.known->id, "service-cannot-start");
  assert_int_equal(v.size - r.run_offset,
                   b.len - (strstr(b.data, "\r\n") + 2 - b.data));
  assert_true(v.max_req <= SD_SLOG_CHUNK + 1024);
  assert_true(v.asked < 3 * SD_SLOG_CHUNK + 8192);
  assert_true(r.bytes_read <= v.asked);
  sd_buf_free(&b);
}

/* The run began more than SD_SLOG_SCAN_MAX bytes before the end: the
 * last 64 MiB are read, no more, and the verdict still comes out. */
static void test_run_longer_than_scan(void **state)
{
  sd_buf h, t;
  sd_slog_result r;
  vfile v;
  (void)state;
  sd_buf_init(&h);
  sd_buf_init(&t);
  run_start(&h);
  /* The filler's last line is cut where the tail begins: end it. */
  sd_buf_puts(&t, "\r\n");
  ln(&t, 1, "[ERROR] The service cannot be started, either because it is "
     "disabled or because it has no enabled devices associated with it.");
  ln(&t, 0, "The Microsoft Exchange Server setup operation did not "
     "complete.");
  ln(&t, 0, "End of Setup");
  memset(&v, 0, sizeof(v));
  v.size = (uint64_t)200 << 20;
  v.head = h.data;
  v.head_len = h.len;
  v.fill = k_filler;
  v.fill_len = strlen(k_filler);
  v.tail = t.data;
  v.tail_len = t.len;
  sd_setuplog_read(vread, &v, v.size, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_false(r.run_start_found);
  assert_int_equal(r.run_offset, v.size - SD_SLOG_SCAN_MAX);
  assert_non_null(r.known);
  assert_string_equal(r.known->id, "service-disabled");
  assert_non_null(strstr(r.why, "Only the last 64 MiB"));
  assert_true(v.asked <= 2 * SD_SLOG_SCAN_MAX + 4 * SD_SLOG_CHUNK);
  /* Filler alone, no marker anywhere in the part read: no run. */
  v.tail_len = 0;
  sd_setuplog_read(vread, &v, v.size, &r);
  assert_int_equal(r.state, SD_SLOG_NO_RUN);
  assert_fields_valid(&r);
  sd_buf_free(&h);
  sd_buf_free(&t);
}

/* The run start marker straddles the edge of a backwards chunk. */
static void test_marker_across_chunks(void **state)
{
  size_t shift;
  (void)state;
  for(shift = 0; shift < 80; shift += 7) {
    sd_buf b;
    sd_slog_result r;
    vfile v;
    char *tail;
    size_t at;
    sd_buf_init(&b);
    run_failure(&b, "Cannot start the service MSExchangeIS");
    at = (size_t)(strstr(b.data, "Starting Microsoft") - b.data);
    /* Pad the tail so that the marker begins shift bytes before the
     * edge of the last chunk (SD_SLOG_CHUNK bytes from the end). */
    tail = sd_xmalloc(SD_SLOG_CHUNK + 4096);
    memset(tail, '\n', SD_SLOG_CHUNK + 4096);
    memcpy(tail + 4096 - at - shift + 10, b.data, b.len);
    memset(&v, 0, sizeof(v));
    v.size = (uint64_t)16 << 20;
    v.fill = k_filler;
    v.fill_len = strlen(k_filler);
    v.tail = tail;
    v.tail_len = SD_SLOG_CHUNK + 4096;
    sd_setuplog_read(vread, &v, v.size, &r);
    assert_int_equal(r.state, SD_SLOG_FAILED);
    assert_true(r.run_start_found);
    free(tail);
    sd_buf_free(&b);
  }
}

/* The same in UTF-16LE: a BOM, a filler of whole code units, and the
 * marker across the chunk edge at every even shift. */
static void test_marker_across_chunks_utf16(void **state)
{
  size_t shift, fill_len, log_len, at;
  sd_buf b;
  char *wfill, *wlog;
  (void)state;
  sd_buf_init(&b);
  run_failure(&b, "Cannot start the service MSExchangeIS");
  at = (size_t)(strstr(b.data, "Starting Microsoft") - b.data) * 2;
  wlog = to_utf16(b.data, b.len, 0, &log_len);
  wfill = to_utf16(k_filler, strlen(k_filler), 0, &fill_len);
  for(shift = 0; shift < 140; shift += 14) {
    sd_slog_result r;
    vfile v;
    char *tail = sd_xmalloc(SD_SLOG_CHUNK + 8192);
    size_t k;
    for(k = 0; k < SD_SLOG_CHUNK + 8192; k += 2) {
      tail[k] = '\n';
      tail[k + 1] = '\0';
    }
    memcpy(tail + 8192 - at - shift + 20, wlog, log_len);
    memset(&v, 0, sizeof(v));
    v.size = (uint64_t)16 << 20;
    v.head = "\xFF\xFE";
    v.head_len = 2;
    v.fill = wfill;
    v.fill_len = fill_len;
    v.tail = tail;
    v.tail_len = SD_SLOG_CHUNK + 8192;
    sd_setuplog_read(vread, &v, v.size, &r);
    assert_int_equal(r.encoding, SD_SLOG_ENC_UTF16LE);
    assert_int_equal(r.state, SD_SLOG_FAILED);
    assert_true(r.run_start_found);
    assert_non_null(r.known);
    assert_string_equal(r.known->id, "service-cannot-start");
    assert_int_equal(v.size - r.run_offset,
                     SD_SLOG_CHUNK + 8192 - (8192 - at - shift + 20) -
                     (size_t)(strstr(b.data, "\r\n") + 2 - b.data) * 2);
    free(tail);
  }
  free(wlog);
  free(wfill);
  sd_buf_free(&b);
}

static void test_empty_and_unreadable(void **state)
{
  sd_buf b;
  sd_slog_result r;
  vfile v;
  (void)state;
  read_mem("", 0, &r);
  assert_int_equal(r.state, SD_SLOG_EMPTY);
  assert_string_equal(sd_setuplog_state_name(r.state), "empty");
  assert_int_equal(r.encoding, SD_SLOG_ENC_NONE);
  read_mem("\xFF\xFE", 2, &r);
  assert_int_equal(r.state, SD_SLOG_EMPTY);
  assert_non_null(strstr(r.why, "byte order mark"));
  sd_buf_init(&b);
  run_failure(&b, "Cannot start the service MSExchangeIS");
  /* Unreadable from the first byte, then in the middle of the run. */
  vmem(&v, b.data, b.len);
  v.fail_at = 1;
  v.fail_err = 5;
  sd_setuplog_read(vread, &v, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_UNREADABLE);
  assert_int_equal(r.error, 5);
  assert_non_null(strstr(r.why, "could not be read"));
  vmem(&v, b.data, b.len);
  v.fail_at = b.len - 10;
  v.fail_err = 33;
  sd_setuplog_read(vread, &v, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_UNREADABLE);
  assert_int_equal(r.error, 33);
  assert_string_equal(sd_setuplog_state_name(r.state), "unreadable");
  sd_buf_free(&b);
}

/* Not a setup log, and a marker that is not at the start of its line. */
static void test_no_run(void **state)
{
  sd_buf b;
  sd_slog_result r;
  (void)state;
  sd_buf_init(&b);
  sd_buf_puts(&b, "just some text\r\nand more\r\n");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_NO_RUN);
  assert_string_equal(sd_setuplog_state_name(r.state), "no_run");
  run_success(&b);
  ln(&b, 1, "[ERROR] The text Starting Microsoft Exchange Server 2007 Setup "
     "inside an error does not start a run.");
  read_mem(b.data, b.len, &r);
  /* The last real run is the successful one, followed by an error line
   * and no new end marker: it said it completed. */
  assert_int_equal(r.state, SD_SLOG_SUCCEEDED);
  sd_buf_free(&b);
}

/* A line of a megabyte: cut, and every field stays within its size. */
static void test_long_lines(void **state)
{
  sd_buf b;
  sd_slog_result r;
  char *big = sd_xmalloc(1 << 20);
  (void)state;
  memset(big, 'x', (1 << 20) - 1);
  big[(1 << 20) - 1] = '\0';
  memcpy(big + 100, "Interim Update", 14);
  sd_buf_init(&b);
  run_start(&b);
  sd_buf_puts(&b, "[12/05/2009 10:00:00.0000] [1] [ERROR] ");
  sd_buf_puts(&b, big);
  sd_buf_puts(&b, "\r\n");
  ln(&b, 0, "The Microsoft Exchange Server setup operation did not complete.");
  ln(&b, 0, "End of Setup");
  read_mem(b.data, b.len, &r);
  assert_int_equal(r.state, SD_SLOG_FAILED);
  assert_string_equal(r.known->id, "interim-update");
  assert_int_equal(strlen(r.error_text), sizeof(r.error_text) - 1);
  assert_fields_valid(&r);
  free(big);
  sd_buf_free(&b);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_success),
    cmocka_unit_test(test_known_failures),
    cmocka_unit_test(test_known_table),
    cmocka_unit_test(test_unknown_failure),
    cmocka_unit_test(test_multiline_error),
    cmocka_unit_test(test_last_run_counts),
    cmocka_unit_test(test_unfinished_and_truncated),
    cmocka_unit_test(test_ended_without_verdict),
    cmocka_unit_test(test_utf16le),
    cmocka_unit_test(test_ansi_and_utf8),
    cmocka_unit_test(test_enormous),
    cmocka_unit_test(test_run_longer_than_scan),
    cmocka_unit_test(test_marker_across_chunks),
    cmocka_unit_test(test_marker_across_chunks_utf16),
    cmocka_unit_test(test_empty_and_unreadable),
    cmocka_unit_test(test_no_run),
    cmocka_unit_test(test_long_lines),
  };
  return cmocka_run_group_tests_name("setuplog", tests, NULL, NULL);
}
