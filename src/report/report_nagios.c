/* report_nagios.c - Monitoring Plugins (Nagios, Icinga, NSClient++) output.
 *
 *   SRVDOCTOR CRITICAL - 1 critical, 1 warning: HV-VM-STUCK, AD-... | perf
 *   [CRITICAL] HV-VM-STUCK: <message>
 *       What to do: <summary>
 *   ...
 *
 * The first line with its performance data stays within SD_NAGIOS_LINE1
 * bytes because NRPE keeps only the first 1024 bytes of the output.  Text
 * never contains "|" (it would start performance data) or line breaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define SD_NAGIOS_LINE1 1000   /* first line + perfdata, bytes */
#define SD_NAGIOS_SUMMARY 360  /* the summary text before " | " */
#define SD_NAGIOS_LABEL 40     /* bytes of a label's name */

/* The labels one output has written: a label stays unique however long
 * the names behind it are (graphs keep one series per label). */
typedef struct nagios_labels {
  char **v;
  size_t n, cap;
} nagios_labels;

static int label_taken(const nagios_labels *L, const char *s)
{
  size_t i;
  for(i = 0; i < L->n; i++)
    if(!strcmp(L->v[i], s))
      return 1;
  return 0;
}

/* A label's name made safe: "=" (which ends a label) and "|" become "_",
 * anything not printable a space, bytes that are not UTF-8 "?". */
static void label_clean(sd_buf *t, const char *s)
{
  s = s ? s : "";
  while(*s) {
    uint32_t cp;
    size_t n = sd_utf8_seq(s, &cp);
    if(n == 0) {
      sd_buf_putc(t, '?');
      s++;
      continue;
    }
    if(cp == '=' || cp == '|')
      sd_buf_putc(t, '_');
    else if(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
            sd_is_bidi_control(cp))
      sd_buf_putc(t, ' ');
    else
      sd_buf_put(t, s, n);
    s += n;
  }
}

/* Cut t to at most max bytes, never inside a UTF-8 character. */
static void label_cut(sd_buf *t, size_t max)
{
  size_t n = t->len < max ? t->len : max;
  while(n > 0 && n < t->len && ((unsigned char)t->data[n] & 0xC0) == 0x80)
    n--;
  t->len = n;
  t->data[n] = '\0';
}

/* The name of a label: the text itself when it fits SD_NAGIOS_LABEL bytes;
 * a longer one is cut and ends in "~" and 4 hex digits of a hash of the
 * whole text (the same name gets the same label run after run); a label
 * this output already has gets "~2", "~3"... */
static void label_name(sd_buf *t, const char *s, const nagios_labels *L)
{
  uint32_t h = 2166136261u;
  size_t i, base;
  unsigned k;
  label_clean(t, s);
  if(t->len > SD_NAGIOS_LABEL) {
    for(i = 0; i < t->len; i++)
      h = (h ^ (unsigned char)t->data[i]) * 16777619u;
    label_cut(t, SD_NAGIOS_LABEL - 5);
    sd_buf_printf(t, "~%04x", (unsigned)((h ^ (h >> 16)) & 0xFFFFu));
  }
  base = t->len;
  for(k = 2; label_taken(L, t->data ? t->data : "") && k < 100000u; k++) {
    char suffix[16];
    int sn = snprintf(suffix, sizeof(suffix), "~%u", k);
    t->len = base;
    t->data[base] = '\0';
    label_cut(t, SD_NAGIOS_LABEL - (size_t)sn);
    sd_buf_puts(t, suffix);
  }
}

/* A perfdata label: always quoted, "'" doubled, unique in this output. */
static void put_label(sd_buf *b, const char *s, nagios_labels *L)
{
  sd_buf t;
  size_t i;
  sd_buf_init(&t);
  label_name(&t, s, L);
  sd_buf_putc(b, '\'');
  for(i = 0; i < t.len; i++) {
    if(t.data[i] == '\'')
      sd_buf_putc(b, '\'');
    sd_buf_putc(b, t.data[i]);
  }
  sd_buf_putc(b, '\'');
  L->v = sd_grow(L->v, &L->cap, L->n, sizeof(*L->v));
  L->v[L->n++] = sd_xstrdup(t.data ? t.data : "");
  sd_buf_free(&t);
}

static void perf_count(sd_buf *b, nagios_labels *L, const char *label,
                       int64_t value, const char *warn, const char *crit)
{
  sd_buf_putc(b, ' ');
  put_label(b, label, L);
  sd_buf_printf(b, "=%lld;%s;%s;0", (long long)value, warn, crit);
}

/* A check's measure: "U" when it could not be decided; bytes carry "B". */
static void perf_measure(sd_buf *b, nagios_labels *L, const sd_measure *m)
{
  sd_buf_putc(b, ' ');
  put_label(b, m->label, L);
  if(!m->known)
    sd_buf_puts(b, "=U");
  else
    sd_buf_printf(b, "=%lld%s", (long long)m->value,
                  m->unit == SD_UNIT_BYTES ? "B" : "");
  sd_buf_printf(b, ";%s;%s;0", m->warn ? m->warn : "", m->crit ? m->crit : "");
}

/* The problem codes, most severe first, each once with a count. */
static void put_codes(sd_buf *b, const sd_report *r, size_t budget)
{
  static const sd_severity order[] = {SD_SEV_CRITICAL, SD_SEV_WARNING,
                                      SD_SEV_UNKNOWN};
  const char **seen = NULL;
  size_t nseen = 0, cap = 0, shown = 0, total = 0, start = b->len;
  size_t oi, i, k, j;
  for(oi = 0; oi < SD_COUNTOF(order); oi++) {
    for(i = 0; i < r->nmodules; i++) {
      const sd_module_result *m = &r->modules[i];
      for(k = 0; k < m->nfindings; k++) {
        const sd_finding *f = &m->findings[k];
        size_t times = 0, mark = b->len;
        int dup = 0;
        if(f->severity != order[oi] || f->ack.active)
          continue;
        for(j = 0; j < nseen; j++)
          dup |= sd_streq(seen[j], f->code);
        if(dup)
          continue;
        seen = sd_grow(seen, &cap, nseen, sizeof(*seen));
        seen[nseen++] = f->code;
        total++;
        for(j = 0; j < r->nmodules; j++) {
          size_t q;
          for(q = 0; q < r->modules[j].nfindings; q++)
            times += sd_streq(r->modules[j].findings[q].code, f->code) &&
                     !r->modules[j].findings[q].ack.active;
        }
        if(b->len - start + 40 > budget)
          continue; /* counted as "more" below */
        if(shown)
          sd_buf_puts(b, ", ");
        sd_plugin_text(b, f->code, 48);
        if(times > 1)
          sd_buf_printf(b, " x%u", (unsigned)times);
        if(b->len - start > budget) {
          b->len = mark;
          b->data[b->len] = '\0';
          continue;
        }
        shown++;
      }
    }
  }
  if(total > shown)
    sd_buf_printf(b, "%s+%u more", shown ? ", " : "",
                  (unsigned)(total - shown));
  free(seen);
}

static void put_summary(sd_buf *b, const sd_report *r)
{
  size_t counts[5];
  size_t start = b->len;
  int any = 0;
  sd_report_counts(r, counts);
  if(sd_severity_rank(r->status) == 0) {
    sd_buf_printf(b, "no problems found by %u module%s",
                  (unsigned)r->nmodules, r->nmodules == 1 ? "" : "s");
    if(sd_report_acked(r))
      sd_buf_printf(b, " (%u acknowledged)", (unsigned)sd_report_acked(r));
    return;
  }
  if(counts[SD_SEV_CRITICAL]) {
    sd_buf_printf(b, "%u critical", (unsigned)counts[SD_SEV_CRITICAL]);
    any = 1;
  }
  if(counts[SD_SEV_WARNING]) {
    sd_buf_printf(b, "%s%u warning", any ? ", " : "",
                  (unsigned)counts[SD_SEV_WARNING]);
    any = 1;
  }
  if(counts[SD_SEV_UNKNOWN]) {
    sd_buf_printf(b, "%s%u unknown", any ? ", " : "",
                  (unsigned)counts[SD_SEV_UNKNOWN]);
    any = 1;
  }
  if(sd_report_acked(r))
    sd_buf_printf(b, "%s%u acknowledged", any ? ", " : "",
                  (unsigned)sd_report_acked(r));
  sd_buf_puts(b, ": ");
  put_codes(b, r, SD_NAGIOS_SUMMARY - (b->len - start));
}

/* A series point or reference line, while the first line has room;
 * 0 when it did not fit (and nothing was added). */
static int perf_bytes(sd_buf *line, nagios_labels *L, const sd_series *s,
                      const char *label, uint64_t value, size_t room)
{
  size_t mark = line->len;
  sd_buf l;
  sd_buf_init(&l);
  sd_buf_printf(&l, "%s %s", s->name, label);
  sd_buf_putc(line, ' ');
  put_label(line, l.data, L);
  sd_buf_printf(line, "=%llu%s;;;0", (unsigned long long)value,
                s->unit == SD_UNIT_BYTES ? "B" : "");
  sd_buf_free(&l);
  if(line->len > room) {
    line->len = mark;
    line->data[mark] = '\0';
    return 0;
  }
  return 1;
}

/* The samples of the labelled families meant for perfdata, each under
 * the check's label for its thing (made unique here when two collide),
 * while the first line has room; 0 when one did not fit. */
static int perf_families(sd_buf *line, nagios_labels *L, const sd_report *r)
{
  size_t i, k, j;
  for(i = 0; i < r->nmodules; i++) {
    for(k = 0; k < r->modules[i].nfamilies; k++) {
      const sd_family *fam = &r->modules[i].families[k];
      if(!fam->perfdata)
        continue;
      for(j = 0; j < fam->nsamples; j++) {
        const sd_lsample *x = &fam->samples[j];
        size_t mark = line->len;
        sd_buf_putc(line, ' ');
        put_label(line, x->perf ? x->perf : fam->name, L);
        if(x->known)
          sd_buf_printf(line, "=%lld%s;;;0", (long long)x->value,
                        fam->unit == SD_UNIT_SECONDS ? "s" :
                        fam->unit == SD_UNIT_BYTES ? "B" : "");
        else
          sd_buf_puts(line, "=U;;;0");
        if(line->len > SD_NAGIOS_LINE1) {
          line->len = mark;
          line->data[mark] = '\0';
          return 0;
        }
      }
    }
  }
  return 1;
}

/* Perfdata: the finding counts, every module's measures, the run time,
 * then the series (flagged points first) and the labelled samples meant
 * for perfdata (seconds in state per VM, those in a transition first)
 * while they fit.  Every figure is
 * the check's own (module results); nothing is worked out here. */
static void perfdata(sd_buf *line, nagios_labels *L, const sd_report *r)
{
  size_t counts[5];
  double secs = (double)(r->collect_ms + r->analyze_ms) / 1000.0;
  size_t i, k, p;
  int pass;
  sd_report_counts(r, counts);
  perf_count(line, L, "critical findings", (int64_t)counts[SD_SEV_CRITICAL],
             "", "0");
  perf_count(line, L, "warning findings", (int64_t)counts[SD_SEV_WARNING],
             "0", "");
  perf_count(line, L, "unknown findings", (int64_t)counts[SD_SEV_UNKNOWN],
             "0", "");
  if(sd_report_acked(r))
    perf_count(line, L, "acknowledged findings",
               (int64_t)sd_report_acked(r), "", "");
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nmeasures; k++)
      perf_measure(line, L, &r->modules[i].measures[k]);
  sd_buf_printf(line, " 'run time'=%.3fs;;;0", secs < 0 ? 0.0 : secs);
  for(i = 0; i < r->nmodules; i++) {
    for(k = 0; k < r->modules[i].nseries; k++) {
      const sd_series *s = &r->modules[i].series[k];
      for(pass = 0; pass < 2; pass++)
        for(p = 0; p < s->npoints; p++)
          if((pass == 0) == (s->points[p].mark != SD_SEV_OK) &&
             !perf_bytes(line, L, s, s->points[p].label, s->points[p].value,
                         SD_NAGIOS_LINE1))
            return;
      for(p = 0; p < s->nrefs; p++)
        if(!perf_bytes(line, L, s, s->refs[p].label, s->refs[p].value,
                       SD_NAGIOS_LINE1))
          return;
    }
  }
  perf_families(line, L, r);
}

static void put_finding(sd_buf *b, const sd_finding *f)
{
  sd_buf_printf(b, "[%s%s] ", sd_sev_upper(f->severity),
                f->ack.active ? ", ACKNOWLEDGED" : "");
  sd_plugin_text(b, f->code, 64);
  sd_buf_puts(b, ": ");
  sd_plugin_text(b, f->message && *f->message ? f->message : f->title, 4096);
  sd_buf_putc(b, '\n');
  if(f->ack.active) {
    sd_buf a;
    sd_buf_init(&a);
    sd_ack_sentence(f, &a);
    sd_buf_puts(b, "    ");
    sd_plugin_text(b, a.data, 4096);
    sd_buf_putc(b, '\n');
    sd_buf_free(&a);
  }
  if(f->summary && *f->summary) {
    sd_buf_puts(b, "    What to do: ");
    sd_plugin_text(b, f->summary, 4096);
    sd_buf_putc(b, '\n');
  }
}

void sd_report_nagios(const sd_report *r, sd_buf *out)
{
  size_t *order = sd_report_module_order(r);
  size_t i, k;
  sd_buf line;
  nagios_labels labels;
  sd_buf_init(&line);
  sd_buf_printf(&line, "SRVDOCTOR %s - ", sd_verdict_upper(r->status));
  put_summary(&line, r);
  sd_buf_puts(&line, " |");
  memset(&labels, 0, sizeof(labels));
  perfdata(&line, &labels, r);
  for(i = 0; i < labels.n; i++)
    free(labels.v[i]);
  free(labels.v);
  sd_buf_put(out, line.data, line.len);
  sd_buf_putc(out, '\n');
  sd_buf_free(&line);
  /* Long output: the problems, most severe first, then each module. */
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    for(k = 0; k < m->nfindings; k++)
      if(sd_severity_rank(m->findings[k].severity) > 0)
        put_finding(out, &m->findings[k]);
  }
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[order[i]];
    sd_buf_puts(out, "Module ");
    sd_plugin_text(out, m->id, 64);
    sd_buf_printf(out, ": %s", sd_sev_upper(m->status));
    if(!m->applicable)
      sd_buf_puts(out, " (does not apply)");
    sd_buf_putc(out, '\n');
  }
  free(order);
}
