/* report_text.c - the report a person reads at a console. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/report.h"

#define C_RESET "\x1b[0m"
/* Every command starts in this column, on a line of its own. */
#define CMD_INDENT "           "
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

void sd_text_put_safe(sd_buf *b, const char *s)
{
  sd_buf_put_safe(b, s, 0);
}

static void put_sev(sd_buf *b, const sd_report_style *st, sd_severity s)
{
  if(st->color)
    sd_buf_puts(b, sev_color(s));
  sd_buf_printf(b, "[%s]", sd_sev_upper(s));
  if(st->color)
    sd_buf_puts(b, C_RESET);
}

/* ---- wrapping: text is made safe first, then broken at spaces so that
 * no line passes the width (a word longer than that stays whole); a
 * command is never wrapped: it sits on a line of its own ---- */
static size_t text_width(const sd_report_style *st)
{
  return st->width >= 20 ? (size_t)st->width : 80;
}

/* Display columns of n bytes of valid UTF-8 (one per code point). */
static size_t cols(const char *p, size_t n)
{
  size_t i, c = 0;
  for(i = 0; i < n; i++)
    if(((unsigned char)p[i] & 0xC0) != 0x80)
      c++;
  return c;
}

/* Write machine text s, the cursor being at column col; lines after the
 * first start with indent spaces.  Returns the column it ends in. */
static size_t wrap_text(sd_buf *b, const sd_report_style *st, size_t col,
                        size_t indent, const char *s)
{
  sd_buf safe;
  const char *p, *end;
  size_t width = text_width(st);
  int line_start = 1;
  sd_buf_init(&safe);
  sd_text_put_safe(&safe, s);
  p = safe.data ? safe.data : "";
  end = p + safe.len;
  while(p < end && *p == ' ')
    p++;
  while(p < end) {
    const char *w = p;
    size_t wc;
    while(w < end && *w != ' ')
      w++;
    wc = cols(p, (size_t)(w - p));
    if(!line_start && col + 1 + wc > width) {
      sd_buf_putc(b, '\n');
      sd_buf_printf(b, "%*s", (int)indent, "");
      col = indent;
      line_start = 1;
    }
    if(!line_start) {
      sd_buf_putc(b, ' ');
      col++;
    }
    sd_buf_put(b, p, (size_t)(w - p));
    col += wc;
    line_start = 0;
    p = w;
    while(p < end && *p == ' ')
      p++;
  }
  sd_buf_free(&safe);
  return col;
}

/* The same, ending the line. */
static void put_wrapped(sd_buf *b, const sd_report_style *st, size_t col,
                        size_t indent, const char *s)
{
  wrap_text(b, st, col, indent, s);
  sd_buf_putc(b, '\n');
}

/* A word that goes on the line if it fits, else on the next one. */
static size_t put_word(sd_buf *b, const sd_report_style *st, size_t col,
                       size_t indent, size_t chars)
{
  if(col + 1 + chars > text_width(st)) {
    sd_buf_putc(b, '\n');
    sd_buf_printf(b, "%*s", (int)indent, "");
    return indent + chars;
  }
  sd_buf_putc(b, ' ');
  return col + 1 + chars;
}

/* The NUL-terminated text of a buffer ("" when empty). */
static const char *buf_str(const sd_buf *b)
{
  return b->data ? b->data : "";
}

static void put_evidence(sd_buf *b, const sd_report_style *st,
                         const sd_finding *f)
{
  size_t i;
  sd_buf line;
  if(!f->nevidence)
    return;
  sd_buf_puts(b, "    Evidence:\n");
  sd_buf_init(&line);
  for(i = 0; i < f->nevidence; i++) {
    const sd_evidence *e = &f->evidence[i];
    line.len = 0;
    sd_buf_puts(&line, e->key);
    sd_buf_puts(&line, ": ");
    if(e->type == SD_EV_INT)
      sd_buf_printf(&line, "%lld", (long long)e->num);
    else if(e->type == SD_EV_BOOL)
      sd_buf_puts(&line, e->num ? "yes" : "no");
    else
      sd_buf_puts(&line, e->str ? e->str : "");
    sd_buf_puts(b, "      ");
    put_wrapped(b, st, 6, 8, buf_str(&line));
  }
  sd_buf_free(&line);
}

static const char *kind_tag(sd_step_kind k)
{
  switch(k) {
  case SD_STEP_LOOK: return "[read-only] ";
  case SD_STEP_CHANGE: return "[change] ";
  case SD_STEP_LAST_RESORT: return "[LAST RESORT] ";
  case SD_STEP_UNSET: break;
  }
  return "";
}

/* The fix offer, shown inside the last step it carries out (never ahead
 * of the gentler steps before it). */
static void put_fix_offer(sd_buf *b, const sd_report_style *st,
                          const sd_finding *f, size_t indent)
{
  sd_buf line, cmd;
  sd_buf_init(&line);
  sd_buf_init(&cmd);
  sd_fix_offer_sentence(f, &line);
  sd_buf_puts(&line, " It checks the server again first; without --yes it "
              "only shows what it would do:");
  sd_buf_printf(b, "%*s", (int)indent, "");
  put_wrapped(b, st, indent, indent, buf_str(&line));
  sd_fix_offer_command(f, &cmd);
  sd_buf_puts(b, CMD_INDENT);
  sd_text_put_safe(b, buf_str(&cmd));
  sd_buf_putc(b, '\n');
  sd_buf_free(&line);
  sd_buf_free(&cmd);
}

static void put_step(sd_buf *b, const sd_report_style *st,
                     const sd_finding *f, const sd_step *sp, int offer)
{
  sd_buf line;
  size_t i, col;
  char num[16];
  sd_buf_init(&line);
  if(sp->alternative)
    snprintf(num, sizeof num, "%s", "Or:");
  else
    snprintf(num, sizeof num, "%u.", sp->number);
  sd_buf_printf(b, "      %s ", num);
  col = 6 + strlen(num) + 1;
  sd_buf_puts(&line, kind_tag(sp->kind));
  if(sp->condition) {
    sd_buf_puts(&line, sp->condition);
    sd_buf_puts(&line, ": ");
  }
  sd_buf_puts(&line, sp->text);
  put_wrapped(b, st, col, col, buf_str(&line));
  for(i = 0; i < sp->ncommands; i++) {
    sd_buf_puts(b, CMD_INDENT);
    sd_text_put_safe(b, sp->commands[i]);
    sd_buf_putc(b, '\n');
  }
  if(sp->expect) {
    line.len = 0;
    sd_buf_puts(&line, "You should see: ");
    sd_buf_puts(&line, sp->expect);
    sd_buf_puts(b, "         ");
    put_wrapped(b, st, 9, 9, buf_str(&line));
  }
  if(offer)
    put_fix_offer(b, st, f, 9);
  sd_buf_free(&line);
}

static void put_steps(sd_buf *b, const sd_report_style *st,
                      const sd_finding *f)
{
  size_t i;
  int offered = 0;
  for(i = 0; i < f->nsteps; i++) {
    const sd_step *sp = &f->steps[i];
    /* The offer goes after the last step (and its alternatives) that fix
     * carries out. */
    int last_of_fix = f->fixable && f->fix_last && !offered &&
                      sp->number == f->fix_last &&
                      (i + 1 == f->nsteps || !f->steps[i + 1].alternative);
    put_step(b, st, f, sp, last_of_fix);
    offered |= last_of_fix;
  }
  if(f->fixable && !offered)
    put_fix_offer(b, st, f, 4);
}

static void put_finding(sd_buf *b, const sd_report_style *st,
                        const sd_finding *f)
{
  int detail = f->severity != SD_SEV_OK || st->verbose;
  size_t col;
  sd_buf head;
  sd_buf_puts(b, "  ");
  put_sev(b, st, f->severity);
  sd_buf_putc(b, ' ');
  if(st->color)
    sd_buf_puts(b, C_BOLD);
  sd_text_put_safe(b, f->code);
  if(st->color)
    sd_buf_puts(b, C_RESET);
  sd_buf_puts(b, ": ");
  col = 2 + strlen(sd_sev_upper(f->severity)) + 3 + strlen(f->code) + 2;
  put_wrapped(b, st, col, 4, f->title);
  if(f->message && *f->message) {
    sd_buf_puts(b, "    ");
    put_wrapped(b, st, 4, 4, f->message);
  }
  if(f->ack.active) {
    sd_buf_init(&head);
    sd_ack_sentence(f, &head);
    sd_buf_puts(&head, ". It does not count toward the verdict.");
    sd_buf_puts(b, "    ");
    put_wrapped(b, st, 4, 4, buf_str(&head));
    sd_buf_free(&head);
  }
  if(!detail)
    return;
  put_evidence(b, st, f);
  if(f->summary) {
    sd_buf_init(&head);
    sd_buf_puts(&head, "What to do: ");
    sd_buf_puts(&head, f->summary);
    sd_buf_puts(b, "    ");
    put_wrapped(b, st, 4, 4, buf_str(&head));
    sd_buf_free(&head);
  }
  put_steps(b, st, f);
  sd_buf_puts(b, "    More: srvdoctor explain ");
  sd_text_put_safe(b, f->code);
  sd_buf_putc(b, '\n');
}

/* "srvdoctor 0.1.0 - HOST (OS version SP, arch)", wrapped. */
static void put_host_line(sd_buf *b, const sd_report_style *st,
                          const sd_facts *f)
{
  sd_buf line;
  sd_buf_init(&line);
  sd_buf_puts(&line, "srvdoctor " SD_VERSION " - ");
  sd_buf_puts(&line, f && f->host.name ? f->host.name : "unknown host");
  if(f && f->os.name) {
    sd_buf_printf(&line, " (%s", f->os.name);
    if(f->os.version)
      sd_buf_printf(&line, " %s", f->os.version);
    if(f->os.service_pack && *f->os.service_pack)
      sd_buf_printf(&line, " %s", f->os.service_pack);
    if(f->os.arch)
      sd_buf_printf(&line, ", %s", f->os.arch);
    sd_buf_putc(&line, ')');
  }
  put_wrapped(b, st, 0, 2, buf_str(&line));
  sd_buf_free(&line);
}

/* "Title (id): [SEVERITY]", the title wrapped, the rest where it fits. */
static void put_module_head(sd_buf *b, const sd_report_style *st,
                            const sd_module_result *m)
{
  sd_buf line;
  size_t col;
  static const char na[] = "- does not apply to this machine";
  sd_buf_init(&line);
  sd_buf_printf(&line, "%s (%s):", m->title, m->id);
  if(st->color)
    sd_buf_puts(b, C_BOLD);
  col = wrap_text(b, st, 0, 2, buf_str(&line));
  if(st->color)
    sd_buf_puts(b, C_RESET);
  col = put_word(b, st, col, 2, strlen(sd_sev_upper(m->status)) + 2);
  put_sev(b, st, m->status);
  if(!m->applicable) {
    put_word(b, st, col, 2, sizeof(na) - 1);
    sd_buf_puts(b, na);
  }
  sd_buf_putc(b, '\n');
  sd_buf_free(&line);
}

void sd_report_text(const sd_report *r, const sd_report_style *st,
                    sd_buf *b)
{
  const sd_facts *f = r->facts;
  size_t counts[5];
  size_t i, k;
  char when[32];
  size_t *order;
  sd_buf rest;
  sd_buf_init(&rest);
  sd_report_counts(r, counts);

  put_host_line(b, st, f);
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
  rest.len = 0;
  sd_buf_printf(&rest, "(exit code %d) - %u critical, %u warning, "
                "%u unknown, %u info, %u ok", r->exit_code,
                (unsigned)counts[SD_SEV_CRITICAL],
                (unsigned)counts[SD_SEV_WARNING],
                (unsigned)counts[SD_SEV_UNKNOWN],
                (unsigned)counts[SD_SEV_INFO], (unsigned)counts[SD_SEV_OK]);
  if(sd_report_acked(r))
    sd_buf_printf(&rest, ", %u acknowledged", (unsigned)sd_report_acked(r));
  sd_buf_putc(b, ' ');
  put_wrapped(b, st, 10 + strlen(sd_sev_upper(r->status)), 2,
              buf_str(&rest));
  sd_buf_free(&rest);

  /* Modules most severe first; equal ones in table order. */
  order = sd_report_module_order(r);
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    if(st->quiet && sd_severity_rank(m->status) == 0)
      continue;
    sd_buf_puts(b, "\n");
    put_module_head(b, st, m);
    for(k = 0; k < m->nfindings; k++) {
      if(st->quiet && sd_severity_rank(m->findings[k].severity) == 0)
        continue;
      put_finding(b, st, &m->findings[k]);
    }
  }
  free(order);
}
