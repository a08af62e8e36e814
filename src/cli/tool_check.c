/* tool_check.c - "check" and "collect": facts in, report out (to standard
 * output or --output, and for unattended runs to --report-dir and the
 * Application event log). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/collect.h"
#include "srvdoctor/platform.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"
#include "tool.h"

static int want_color(const sd_cmdline *cl)
{
  const char *nc = sd_getenv("NO_COLOR");
  if(cl->no_color || (nc && *nc) || cl->output || cl->format != SD_FMT_TEXT)
    return 0;
  if(!sd_is_console(SD_STDOUT))
    return 0;
  return sd_console_enable_color(SD_STDOUT);
}

/* The LDAP password comes from a file or the environment, never argv. */
static int load_password(sd_cmdline *cl, sd_buf *pw)
{
  sd_err err;
  if(cl->password_file) {
    sd_err_clear(&err);
    if(sd_read_small_file(cl->password_file, pw, &err)) {
      sd_fail("cannot read the LDAP password file: %s.", err.msg);
      return -1;
    }
    cl->opt.ldap_password = pw->data ? pw->data : "";
    return 0;
  }
  if(cl->opt.ldap_user) {
    const char *env = sd_getenv("SRVDOCTOR_LDAP_PASSWORD");
    if(!env) {
      sd_fail("--ldap-user needs the password in the environment variable "
              "SRVDOCTOR_LDAP_PASSWORD or in --ldap-password-file FILE.");
      return -1;
    }
    cl->opt.ldap_password = env;
  }
  return 0;
}

/* Write bytes to the output file atomically, or to stdout.  A process
 * started without standard output at all (a scheduled task or service
 * without a console) skips stdout: the exit code still carries the
 * verdict, and --report-dir/--eventlog the details. */
static int emit(const sd_cmdline *cl, const sd_buf *b, const char *what)
{
  if(cl->output) {
    sd_err err;
    sd_err_clear(&err);
    if(sd_write_file_atomic(cl->output, b->data ? b->data : "", b->len,
                            &err)) {
      sd_fail("cannot write the %s: %s.", what, err.msg);
      return -1;
    }
    return 0;
  }
  if(!sd_stream_present(SD_STDOUT))
    return 0;
  if(sd_write_stream(SD_STDOUT, b->data ? b->data : "", b->len)) {
    sd_fail("cannot write the %s to standard output.", what);
    return -1;
  }
  return 0;
}

/* On failure *why holds the sentence that was printed (for the event). */
static int get_facts(sd_cmdline *cl, unsigned needs, sd_facts *f,
                     long *collect_ms, sd_buf *why)
{
  sd_err err;
  long t0 = sd_monotonic_ms();
  sd_err_clear(&err);
  if(cl->from) {
    if(sd_snapshot_read_file(cl->from, f, &err)) {
      sd_buf_printf(why, "snapshot %s: %s.", cl->from, err.msg);
      sd_fail("%s", why->data);
      return -1;
    }
  }
  else if(sd_collect_live(f, needs, &cl->opt, &err)) {
    sd_buf_printf(why, "%s.", err.msg);
    sd_fail("%s", why->data);
    return -1;
  }
  *collect_ms = sd_monotonic_ms() - t0;
  return 0;
}

/* A run that could not decide still leaves its one event. */
static void event_unknown(const sd_cmdline *cl, const char *why)
{
  sd_buf t;
  sd_err err;
  if(!cl->eventlog)
    return;
  sd_buf_init(&t);
  sd_buf_printf(&t, "srvdoctor %s verdict: UNKNOWN (exit code 3): the "
                "checks could not run.\r\n%s", SD_VERSION,
                why && *why ? why : "");
  sd_err_clear(&err);
  if(sd_event_write(SD_SEV_UNKNOWN, t.data, &err))
    sd_fail("cannot write to the Application event log: %s.", err.msg);
  sd_buf_free(&t);
}

/* --report-dir and --eventlog after the report is made; 0 or 3. */
static int unattended(const sd_cmdline *cl, const sd_report *rep,
                      const sd_buf *rendered)
{
  char *written = NULL;
  sd_buf json, ev, dir_error;
  sd_err err;
  int rc = 0;
  sd_buf_init(&dir_error);
  if(cl->report_dir_set) {
    const sd_buf *doc = rendered;
    const sd_facts *f = rep->facts;
    sd_buf_init(&json);
    if(cl->format != SD_FMT_JSON) {
      sd_report_render(rep, SD_FMT_JSON, NULL, &json);
      doc = &json;
    }
    sd_err_clear(&err);
    if(sd_reportdir_write(cl->report_dir, cl->keep,
                          f ? f->host.name : NULL, sd_now(),
                          doc->data ? doc->data : "", doc->len, &written,
                          &err)) {
      sd_fail("cannot write the report to the report folder: %s.", err.msg);
      sd_buf_printf(&dir_error, "The report folder could not be written: "
                    "%s.", err.msg);
      rc = 3;
    }
    else if(!cl->quiet)
      sd_note("report written to %s.", written);
    sd_buf_free(&json);
  }
  if(cl->eventlog) {
    sd_buf_init(&ev);
    sd_event_text(rep, written, &ev);
    if(dir_error.len) {
      sd_buf_puts(&ev, "\r\n");
      sd_buf_puts(&ev, dir_error.data);
    }
    sd_err_clear(&err);
    if(sd_event_write(rep->status, ev.data, &err)) {
      sd_fail("cannot write to the Application event log: %s.", err.msg);
      rc = 3;
    }
    sd_buf_free(&ev);
  }
  free(written);
  sd_buf_free(&dir_error);
  return rc;
}

int sd_cmd_check(sd_cmdline *cl)
{
  const sd_module *sel[16];
  size_t nsel = 0;
  sd_err err;
  sd_facts facts;
  sd_report rep;
  sd_report_style style;
  sd_buf out, pw, why;
  long collect_ms = 0, t0;
  int rc, rc2;
  sd_err_clear(&err);
  if(cl->only && sd_parse_only(cl->only, sel, SD_COUNTOF(sel), &nsel, &err)) {
    sd_fail("%s.", err.msg);
    return 3;
  }
  sd_buf_init(&pw);
  if(!cl->from && load_password(cl, &pw)) {
    sd_buf_free(&pw);
    return 3;
  }
  sd_facts_init(&facts);
  sd_buf_init(&why);
  if(get_facts(cl, sd_needs_of(sel, nsel), &facts, &collect_ms, &why)) {
    event_unknown(cl, why.data);
    sd_buf_free(&why);
    sd_facts_free(&facts);
    sd_buf_free(&pw);
    return 3;
  }
  sd_buf_free(&why);
  t0 = sd_monotonic_ms();
  sd_report_init(&rep, &facts);
  cl->opt.only_given = nsel > 0;
  sd_run_checks(&facts, &cl->opt, sel, nsel, &rep);
  sd_acks_load_apply(cl, &rep, cl->as_of_set ? cl->as_of : sd_now());
  rep.collect_ms = collect_ms;
  rep.analyze_ms = sd_monotonic_ms() - t0;
  memset(&style, 0, sizeof(style));
  style.color = want_color(cl);
  style.verbose = cl->opt.verbose;
  style.quiet = cl->quiet;
  style.crlf = sd_text_files_crlf();
  /* One column short of the window: a line filling it would make the
   * console wrap and then show an empty line. */
  if(!cl->output)
    style.width = sd_console_width(SD_STDOUT) - 1;
  sd_buf_init(&out);
  sd_report_render(&rep, cl->format, &style, &out);
  rc = emit(cl, &out, "report") ? 3 : rep.exit_code;
  if(rc != 3 && cl->output && !cl->quiet)
    sd_note("report written to %s (%s).", cl->output,
            sd_severity_name(rep.status));
  rc2 = unattended(cl, &rep, &out);
  if(rc2)
    rc = rc2;
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&facts);
  sd_buf_free(&pw);
  return rc;
}

int sd_cmd_collect(sd_cmdline *cl)
{
  sd_facts facts;
  sd_buf out, pw;
  long ms = 0;
  int rc = 0;
  sd_buf_init(&pw);
  if(load_password(cl, &pw)) {
    sd_buf_free(&pw);
    return 3;
  }
  sd_facts_init(&facts);
  sd_buf_init(&out);
  /* get_facts writes into out only when it fails. */
  if(get_facts(cl, SD_NEED_ALL, &facts, &ms, &out)) {
    sd_buf_free(&out);
    sd_facts_free(&facts);
    sd_buf_free(&pw);
    return 3;
  }
  sd_snapshot_write(&facts, &out);
  if(emit(cl, &out, "snapshot"))
    rc = 3;
  else if(cl->output && !cl->quiet)
    sd_note("snapshot written to %s.", cl->output);
  sd_buf_free(&out);
  sd_facts_free(&facts);
  sd_buf_free(&pw);
  return rc;
}
