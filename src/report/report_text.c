/* report_text.c - the report a person reads at a console. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/report.h"

#define C_RESET "\x1b[0m"
#define C_BOLD "\x1b[1m"

static const char *sev_color(sd_severity s)
{
  switch(s) {
  case SD_SEV_CRITICAL: return "\x1b[1;31m";
  case SD_SEV_WARNING: return "\x1b[1;33m";
  case SD_SEV_UNKNOWN: return "\x1b[1;35m";
  case SD_SEV_INFO: return "\x1b[36m";
  case SD_SEV_OK: return "\x1b[32m";
  }
  return "";
}

/* Copy text from the machine so that it cannot drive the terminal: control
 * characters (C0, DEL, C1) become visible escapes, invalid UTF-8 becomes
 * U+FFFD. */
void sd_text_put_safe(sd_buf *b, const char *s)
{
  const char *p = s ? s : "";
  while(*p) {
    uint32_t cp = 0;
    size_t len = sd_utf8_seq(p, &cp);
    if(len == 0) {
      sd_buf_puts(b, "\xEF\xBF\xBD"); /* not UTF-8: U+FFFD */
      p++;
    }
    else if(cp < 0x20 || cp == 0x7F) {
      sd_buf_printf(b, "\\x%02X", (unsigned)cp);
      p++;
    }
    else if(cp >= 0x80 && cp < 0xA0) { /* C1 control */
      sd_buf_printf(b, "\\u%04X", (unsigned)cp);
      p += len;
    }
    else {
      sd_buf_put(b, p, len);
      p += len;
    }
  }
}

static void put_sev(sd_buf *b, const sd_report_style *st, sd_severity s)
{
  if(st->color)
    sd_buf_puts(b, sev_color(s));
  sd_buf_printf(b, "[%s]", sd_sev_upper(s));
  if(st->color)
    sd_buf_puts(b, C_RESET);
}

static void put_evidence(sd_buf *b, const sd_finding *f)
{
  size_t i;
  if(!f->nevidence)
    return;
  sd_buf_puts(b, "    Evidence:\n");
  for(i = 0; i < f->nevidence; i++) {
    const sd_evidence *e = &f->evidence[i];
    sd_buf_puts(b, "      ");
    sd_text_put_safe(b, e->key);
    sd_buf_puts(b, ": ");
    if(e->type == SD_EV_INT)
      sd_buf_printf(b, "%lld", (long long)e->num);
    else if(e->type == SD_EV_BOOL)
      sd_buf_puts(b, e->num ? "yes" : "no");
    else
      sd_text_put_safe(b, e->str);
    sd_buf_putc(b, '\n');
  }
}

static void put_finding(sd_buf *b, const sd_report_style *st,
                        const sd_finding *f)
{
  size_t i;
  int detail = f->severity != SD_SEV_OK || st->verbose;
  sd_buf_puts(b, "  ");
  put_sev(b, st, f->severity);
  sd_buf_putc(b, ' ');
  if(st->color)
    sd_buf_puts(b, C_BOLD);
  sd_text_put_safe(b, f->code);
  if(st->color)
    sd_buf_puts(b, C_RESET);
  sd_buf_puts(b, ": ");
  sd_text_put_safe(b, f->title);
  sd_buf_putc(b, '\n');
  if(f->message && *f->message) {
    sd_buf_puts(b, "    ");
    sd_text_put_safe(b, f->message);
    sd_buf_putc(b, '\n');
  }
  if(!detail)
    return;
  put_evidence(b, f);
  if(f->summary) {
    sd_buf_puts(b, "    What to do: ");
    sd_text_put_safe(b, f->summary);
    sd_buf_putc(b, '\n');
  }
  for(i = 0; i < f->nsteps; i++) {
    sd_buf_printf(b, "      %u. ", (unsigned)(i + 1));
    sd_text_put_safe(b, f->steps[i]);
    sd_buf_putc(b, '\n');
  }
  if(f->ncommands) {
    sd_buf_puts(b, "    Commands:\n");
    for(i = 0; i < f->ncommands; i++) {
      sd_buf_puts(b, "      ");
      sd_text_put_safe(b, f->commands[i]);
      sd_buf_putc(b, '\n');
    }
  }
  if(f->fixable) {
    sd_buf_puts(b, "    srvdoctor can do this for you: srvdoctor fix ");
    sd_text_put_safe(b, f->code);
    if(f->target) {
      sd_buf_puts(b, " --target ");
      sd_text_put_safe(b, f->target);
    }
    sd_buf_puts(b, " (add --yes to act; without it you see what it would do)\n");
  }
  sd_buf_puts(b, "    More: srvdoctor explain ");
  sd_text_put_safe(b, f->code);
  sd_buf_putc(b, '\n');
}

void sd_report_text(const sd_report *r, const sd_report_style *st,
                    sd_buf *b)
{
  const sd_facts *f = r->facts;
  size_t counts[5];
  size_t i, k;
  char when[32];
  size_t *order;
  sd_report_counts(r, counts);

  sd_buf_puts(b, "srvdoctor " SD_VERSION " - ");
  sd_text_put_safe(b, f && f->host.name ? f->host.name : "unknown host");
  if(f && f->os.name) {
    sd_buf_puts(b, " (");
    sd_text_put_safe(b, f->os.name);
    if(f->os.version) {
      sd_buf_putc(b, ' ');
      sd_text_put_safe(b, f->os.version);
    }
    if(f->os.service_pack && *f->os.service_pack) {
      sd_buf_puts(b, " ");
      sd_text_put_safe(b, f->os.service_pack);
    }
    if(f->os.arch) {
      sd_buf_puts(b, ", ");
      sd_text_put_safe(b, f->os.arch);
    }
    sd_buf_putc(b, ')');
  }
  sd_buf_putc(b, '\n');
  sd_time_format(f ? f->collected_at : SD_TIME_NONE, when);
  sd_buf_printf(b, "Facts: %s, collected %s\n",
                sd_streq(r->source, "snapshot") ? "from a snapshot"
                                                 : "from this machine",
                when[0] ? when : "at an unknown time");
  sd_buf_puts(b, "Verdict: ");
  if(st->color)
    sd_buf_puts(b, sev_color(r->status));
  sd_buf_puts(b, sd_sev_upper(r->status));
  if(st->color)
    sd_buf_puts(b, C_RESET);
  sd_buf_printf(b, " (exit code %d) - %u critical, %u warning, %u unknown, "
                "%u info, %u ok\n", r->exit_code,
                (unsigned)counts[SD_SEV_CRITICAL],
                (unsigned)counts[SD_SEV_WARNING],
                (unsigned)counts[SD_SEV_UNKNOWN],
                (unsigned)counts[SD_SEV_INFO], (unsigned)counts[SD_SEV_OK]);

  /* Modules most severe first; equal ones in table order. */
  order = sd_report_module_order(r);
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    if(st->quiet && sd_severity_rank(m->status) == 0)
      continue;
    sd_buf_puts(b, "\n");
    if(st->color)
      sd_buf_puts(b, C_BOLD);
    sd_text_put_safe(b, m->title);
    sd_buf_puts(b, " (");
    sd_text_put_safe(b, m->id);
    sd_buf_puts(b, ")");
    if(st->color)
      sd_buf_puts(b, C_RESET);
    sd_buf_puts(b, ": ");
    put_sev(b, st, m->status);
    if(!m->applicable)
      sd_buf_puts(b, " - does not apply to this machine");
    sd_buf_putc(b, '\n');
    for(k = 0; k < m->nfindings; k++) {
      if(st->quiet && sd_severity_rank(m->findings[k].severity) == 0)
        continue;
      put_finding(b, st, &m->findings[k]);
    }
  }
  free(order);
}
