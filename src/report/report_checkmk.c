/* report_checkmk.c - Checkmk local check lines, one per module that ran:
 *
 *   2 "srvdoctor exchange-sp2" exchange_interim_updates=2|... 2 critical,
 *     2 warning: EXCH-INTERIM-UPDATE x2, ... - Interim Update for ...
 *   0 "srvdoctor host" - HOST-ELEVATED: ...
 *
 * STATUS "SERVICE NAME" METRICS STATUS-DETAIL, separated by one space
 * (docs.checkmk.com, "Local checks", chapter 2.1 and the chapter on
 * metrics).  The status is the module's verdict as an exit code (ok and
 * info 0, warning 1, critical 2, unknown 3); the metrics are the module's
 * own measures (a measure that could not be decided is left out; "-" when
 * none is left); the detail names the problem codes and the most severe
 * finding.  Nothing here decides a verdict or works out a figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define SD_CHECKMK_DETAIL 1000 /* bytes of a line's status detail */

/* Status detail text, as plugin text (sd_plugin_text): a line break would
 * start a new local check and Nagios-based cores would take what follows
 * a "|" for performance data.  At most *room bytes; *room shrinks by what
 * was added. */
static void put_detail(sd_buf *b, const char *s, size_t *room)
{
  *room -= sd_plugin_text(b, s, *room);
}

/* The service name: "srvdoctor <module id>", always in double quotes (it
 * has a space); inside, only printable ASCII other than '"' and '\' is
 * kept, anything else becomes "_". */
static void put_service(sd_buf *b, const char *id)
{
  const unsigned char *p = (const unsigned char *)(id ? id : "");
  sd_buf_puts(b, "\"srvdoctor ");
  for(; *p; p++)
    sd_buf_putc(b, (*p > 0x20 && *p < 0x7F && *p != '"' && *p != '\\')
                       ? (char)*p : '_');
  sd_buf_putc(b, '"');
}

/* A metric name: letters, digits and "_" only (anything else "_"),
 * "value" when empty. */
static void metric_name(sd_buf *t, const char *s)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  for(; *p; p++) {
    int word = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
               (*p >= '0' && *p <= '9') || *p == '_';
    sd_buf_putc(t, word ? (char)*p : '_');
  }
  if(!t->len)
    sd_buf_puts(t, "value");
}

/* Does the metrics text so far (name=value|name=value) hold name? */
static int metric_taken(const sd_buf *metrics, const char *name)
{
  size_t nl = strlen(name);
  const char *p = metrics->data;
  while(p && *p) {
    const char *eq = strchr(p, '=');
    const char *bar = strchr(p, '|');
    if(eq && (size_t)(eq - p) == nl && !strncmp(p, name, nl))
      return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}

/* The module's measures as name=value, joined by "|"; "-" when none is
 * known.  Thresholds are not written: Checkmk reads warn;crit as levels
 * ("at or above"), which is not what the Nagios ranges of a measure say,
 * and the state is the check's own anyway. */
static void put_metrics(sd_buf *b, const sd_module_result *m)
{
  sd_buf metrics;
  size_t i;
  sd_buf_init(&metrics);
  for(i = 0; i < m->nmeasures; i++) {
    const sd_measure *ms = &m->measures[i];
    sd_buf name;
    unsigned k;
    size_t base;
    if(!ms->known)
      continue;
    sd_buf_init(&name);
    metric_name(&name, ms->name);
    base = name.len;
    for(k = 2; metric_taken(&metrics, name.data) && k < 1000u; k++) {
      name.len = base;
      name.data[base] = '\0';
      sd_buf_printf(&name, "_%u", k);
    }
    sd_buf_printf(&metrics, "%s%s=%lld", metrics.len ? "|" : "", name.data,
                  (long long)ms->value);
    sd_buf_free(&name);
  }
  if(metrics.len)
    sd_buf_put(b, metrics.data, metrics.len);
  else
    sd_buf_putc(b, '-');
  sd_buf_free(&metrics);
}

/* "1 critical, 2 warning: CODE, CODE x2" for the module's problems. */
static void put_problems(sd_buf *b, const sd_module_result *m, size_t *room)
{
  static const sd_severity order[] = {SD_SEV_CRITICAL, SD_SEV_WARNING,
                                      SD_SEV_UNKNOWN};
  sd_buf t;
  size_t oi, i, j, shown = 0;
  sd_buf_init(&t);
  for(oi = 0; oi < SD_COUNTOF(order); oi++) {
    size_t n = 0;
    for(i = 0; i < m->nfindings; i++)
      n += m->findings[i].severity == order[oi] &&
           !m->findings[i].ack.active;
    if(n)
      sd_buf_printf(&t, "%s%u %s", t.len ? ", " : "", (unsigned)n,
                    sd_severity_name(order[oi]));
  }
  sd_buf_puts(&t, ":");
  for(i = 0; i < m->nfindings; i++) {
    const sd_finding *f = &m->findings[i];
    size_t times = 0, dup = 0;
    if(sd_severity_rank(f->severity) == 0 || f->ack.active)
      continue;
    for(j = 0; j < i; j++)
      dup |= sd_streq(m->findings[j].code, f->code) &&
             !m->findings[j].ack.active;
    if(dup)
      continue;
    for(j = i; j < m->nfindings; j++)
      times += sd_streq(m->findings[j].code, f->code) &&
               !m->findings[j].ack.active;
    sd_buf_printf(&t, "%s%s", shown++ ? ", " : " ", f->code ? f->code : "");
    if(times > 1)
      sd_buf_printf(&t, " x%u", (unsigned)times);
  }
  put_detail(b, t.data, room);
  sd_buf_free(&t);
}

/* The status detail: the problems and the most severe finding that is
 * not acknowledged (the findings are sorted most severe first), or what
 * the module found; "N acknowledged - " first when some are. */
static void put_status_detail(sd_buf *b, const sd_module_result *m)
{
  size_t room = SD_CHECKMK_DETAIL, i, acked = 0;
  const sd_finding *f = NULL;
  char n[48];
  for(i = 0; i < m->nfindings; i++) {
    acked += m->findings[i].ack.active != 0;
    if(!f && !m->findings[i].ack.active)
      f = &m->findings[i];
  }
  if(!f && m->nfindings)
    f = &m->findings[0];
  if(acked) {
    snprintf(n, sizeof(n), "%u acknowledged - ", (unsigned)acked);
    put_detail(b, n, &room);
  }
  if(sd_severity_rank(m->status) > 0) {
    put_problems(b, m, &room);
    put_detail(b, " - ", &room);
  }
  else if(!m->applicable)
    put_detail(b, "does not apply - ", &room);
  if(!f) {
    put_detail(b, "no findings", &room);
    return;
  }
  if(sd_severity_rank(m->status) == 0) { /* its code is not named yet */
    put_detail(b, f->code, &room);
    put_detail(b, ": ", &room);
  }
  put_detail(b, f->message && *f->message ? f->message : f->title, &room);
}

void sd_report_checkmk(const sd_report *r, sd_buf *out)
{
  size_t i;
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[i];
    sd_buf_printf(out, "%d ", sd_severity_exit_code(m->status));
    put_service(out, m->id);
    sd_buf_putc(out, ' ');
    put_metrics(out, m);
    sd_buf_putc(out, ' ');
    put_status_detail(out, m);
    sd_buf_putc(out, '\n');
  }
  if(!r->nmodules) /* the output always ends with a newline */
    sd_buf_printf(out, "%d srvdoctor - no module ran\n", r->exit_code);
}
