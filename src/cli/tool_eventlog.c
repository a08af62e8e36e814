/* tool_eventlog.c - the Application event log: one event per run with
 * --eventlog, and "srvdoctor eventlog install|uninstall" to register the
 * source "srvdoctor" with this executable as its message file (the message
 * table is res/srvdoctor.mc, built into srvdoctor.exe).
 *
 * No test variable: the Wine tests read the event from Wine's own trace of
 * ReportEventW (WINEDEBUG, tests/integration/tools/wine_events.py). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "tool.h"

uint32_t sd_event_id(sd_severity status)
{
  switch(status) {
  case SD_SEV_CRITICAL: return SD_EVENT_ID_CRITICAL;
  case SD_SEV_WARNING: return SD_EVENT_ID_WARNING;
  case SD_SEV_UNKNOWN: return SD_EVENT_ID_UNKNOWN;
  case SD_SEV_INFO:
  case SD_SEV_OK: return SD_EVENT_ID_OK;
  }
  return SD_EVENT_ID_UNKNOWN;
}

int sd_event_type(sd_severity status)
{
  switch(status) {
  case SD_SEV_CRITICAL: return SD_EVT_ERROR;
  case SD_SEV_WARNING:
  case SD_SEV_UNKNOWN: return SD_EVT_WARNING;
  case SD_SEV_INFO:
  case SD_SEV_OK: return SD_EVT_INFORMATION;
  }
  return SD_EVT_WARNING;
}

static const char *verdict(sd_severity s)
{
  switch(s) {
  case SD_SEV_CRITICAL: return "CRITICAL";
  case SD_SEV_WARNING: return "WARNING";
  case SD_SEV_UNKNOWN: return "UNKNOWN";
  case SD_SEV_INFO:
  case SD_SEV_OK: return "OK";
  }
  return "UNKNOWN";
}

/* Event text is read in Event Viewer and matched by rules: one line per
 * item, no control characters, valid UTF-8 (the conversion to UTF-16
 * refuses anything else). */
static void put_line_text(sd_buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  while(*p) {
    if(*p < 0x20 || *p == 0x7F) {
      sd_buf_putc(b, ' ');
      p++;
    }
    else if(*p < 0x80) {
      sd_buf_putc(b, (char)*p++);
    }
    else {
      size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
      size_t k;
      int ok = len > 1;
      for(k = 1; ok && k < len; k++)
        ok = p[k] != 0;
      if(ok && sd_utf8_valid((const char *)p, len)) {
        sd_buf_put(b, (const char *)p, len);
        p += len;
      }
      else {
        sd_buf_puts(b, "\xEF\xBF\xBD");
        p++;
      }
    }
  }
}

void sd_event_text(const sd_report *r, const char *report_path, sd_buf *b)
{
  const sd_facts *f = r->facts;
  size_t counts[5] = {0, 0, 0, 0, 0};
  size_t i, k, problems = 0;
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nfindings; k++)
      if((unsigned)r->modules[i].findings[k].severity < 5 &&
         !r->modules[i].findings[k].ack.active)
        counts[r->modules[i].findings[k].severity]++;
  sd_buf_printf(b, "srvdoctor %s verdict: %s (exit code %d) on ",
                SD_VERSION, verdict(r->status), r->exit_code);
  put_line_text(b, f && f->host.name ? f->host.name : "an unknown host");
  sd_buf_printf(b, ".\r\nSummary: %u critical, %u warning, %u unknown, "
                "%u info, %u ok findings from %u modules.\r\n",
                (unsigned)counts[SD_SEV_CRITICAL],
                (unsigned)counts[SD_SEV_WARNING],
                (unsigned)counts[SD_SEV_UNKNOWN],
                (unsigned)counts[SD_SEV_INFO], (unsigned)counts[SD_SEV_OK],
                (unsigned)r->nmodules);
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[i];
    for(k = 0; k < m->nfindings; k++) {
      const sd_finding *x = &m->findings[k];
      if(sd_severity_rank(x->severity) == 0)
        continue;
      if(!problems++)
        sd_buf_puts(b, "Findings:\r\n");
      sd_buf_printf(b, "%s%s ", verdict(x->severity),
                    x->ack.active ? " (acknowledged)" : "");
      put_line_text(b, x->code);
      sd_buf_puts(b, ": ");
      put_line_text(b, x->message && *x->message ? x->message : x->title);
      sd_buf_puts(b, "\r\n");
    }
  }
  if(!problems)
    sd_buf_puts(b, "No problems found.\r\n");
  if(report_path) {
    sd_buf_puts(b, "Report: ");
    put_line_text(b, report_path);
    sd_buf_puts(b, "\r\n");
  }
  sd_buf_puts(b, "Details: run srvdoctor explain CODE for any code above.");
}

int sd_event_write(sd_severity status, const char *text, sd_err *err)
{
  return sd_eventlog_report(SD_EVENT_SOURCE, sd_event_type(status),
                            sd_event_id(status), text, err);
}

int sd_cmd_eventlog(sd_cmdline *cl)
{
  sd_err err;
  sd_err_clear(&err);
  if(sd_streq(cl->action, "install")) {
    char *msgfile = NULL;
    if(sd_eventlog_register(SD_EVENT_SOURCE, &msgfile, &err)) {
      if(err.code == SD_EACCES)
        sd_fail("eventlog install needs administrator rights: run it "
                "again from an elevated command prompt.");
      else
        sd_fail("%s.", err.msg);
      return 3;
    }
    if(!cl->quiet)
      sd_note("event source \"" SD_EVENT_SOURCE "\" registered in the "
              "Application log; its messages come from %s (run this again "
              "if srvdoctor.exe moves).", msgfile ? msgfile : "this program");
    free(msgfile);
    return 0;
  }
  {
    int existed = 0;
    if(sd_eventlog_unregister(SD_EVENT_SOURCE, &existed, &err)) {
      if(err.code == SD_EACCES)
        sd_fail("eventlog uninstall needs administrator rights: run it "
                "again from an elevated command prompt.");
      else
        sd_fail("%s.", err.msg);
      return 3;
    }
    if(!cl->quiet)
      sd_note(existed ? "event source \"" SD_EVENT_SOURCE "\" removed."
                      : "event source \"" SD_EVENT_SOURCE "\" was not "
                        "registered; nothing to remove.");
  }
  return 0;
}
