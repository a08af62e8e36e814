/* report_prom.c - Prometheus text exposition format, for the textfile
 * collectors of windows_exporter and node_exporter (see docs/monitoring.md
 * for every metric).  UTF-8 without BOM, "\n" line ends, a final newline,
 * no timestamps (the textfile collectors refuse them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* A label value: backslash, double quote and line feed escaped as the
 * format asks; other control characters (C0, DEL, C1) and invalid UTF-8
 * replaced. */
static void put_value(sd_buf *b, const char *s)
{
  s = s ? s : "";
  while(*s) {
    uint32_t cp;
    size_t n = sd_utf8_seq(s, &cp);
    if(n == 0) {
      sd_buf_puts(b, "\xEF\xBF\xBD");
      s++;
      continue;
    }
    if(cp == '\\')
      sd_buf_puts(b, "\\\\");
    else if(cp == '"')
      sd_buf_puts(b, "\\\"");
    else if(cp == '\n')
      sd_buf_puts(b, "\\n");
    else if(cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
      sd_buf_putc(b, ' ');
    else if(sd_is_bidi_control(cp)) /* shown as the text \u202E */
      sd_buf_printf(b, "\\\\u%04X", (unsigned)cp);
    else
      sd_buf_put(b, s, n);
    s += n;
  }
}

static void head(sd_buf *b, const char *name, const char *help)
{
  sd_buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{k1="v1",k2="v2"} value */
static void sample(sd_buf *b, const char *name, const char *k1,
                   const char *v1, const char *k2, const char *v2,
                   const char *value)
{
  sd_buf_puts(b, name);
  if(k1) {
    sd_buf_printf(b, "{%s=\"", k1);
    put_value(b, v1);
    sd_buf_putc(b, '"');
    if(k2) {
      sd_buf_printf(b, ",%s=\"", k2);
      put_value(b, v2);
      sd_buf_putc(b, '"');
    }
    sd_buf_putc(b, '}');
  }
  sd_buf_printf(b, " %s\n", value);
}

static void sample_int(sd_buf *b, const char *name, const char *k1,
                       const char *v1, const char *k2, const char *v2,
                       long long v)
{
  char num[32];
  snprintf(num, sizeof(num), "%lld", v);
  sample(b, name, k1, v1, k2, v2, num);
}

/* A check's measure as a gauge srvdoctor_<name>; left out when it could
 * not be decided (srvdoctor_module_status then says 3). */
static void measure(sd_buf *b, const sd_measure *m)
{
  sd_buf name;
  if(!m->known)
    return;
  sd_buf_init(&name);
  sd_buf_printf(&name, "srvdoctor_%s", m->name);
  if(m->unit == SD_UNIT_BYTES)
    sd_buf_puts(&name, "_bytes");
  head(b, name.data, m->help);
  sample_int(b, name.data, NULL, NULL, NULL, NULL, (long long)m->value);
  sd_buf_free(&name);
}

/* Does sample k of fam carry the label values of an earlier one?  Two
 * series with one label set would make the textfile collector refuse the
 * whole file, so the later one is left out. */
static int family_dup(const sd_family *fam, size_t k)
{
  size_t j, i;
  for(j = 0; j < k; j++) {
    int same = 1;
    for(i = 0; i < fam->nkeys && same; i++)
      same = sd_streq(fam->samples[j].values[i], fam->samples[k].values[i]);
    if(same)
      return 1;
  }
  return 0;
}

/* A check's labelled family as srvdoctor_<name>{key="value",...}, one
 * sample per thing; a value not known is left out, as an undecided
 * measure is. */
static void family(sd_buf *b, const sd_family *fam)
{
  sd_buf name;
  size_t k, i;
  int any = 0;
  for(k = 0; k < fam->nsamples; k++)
    any |= fam->samples[k].known;
  if(!any)
    return;
  sd_buf_init(&name);
  sd_buf_printf(&name, "srvdoctor_%s", fam->name);
  head(b, name.data, fam->help);
  for(k = 0; k < fam->nsamples; k++) {
    const sd_lsample *x = &fam->samples[k];
    if(!x->known || family_dup(fam, k))
      continue;
    sd_buf_puts(b, name.data);
    for(i = 0; i < fam->nkeys; i++) {
      sd_buf_printf(b, "%c%s=\"", i ? ',' : '{', fam->keys[i]);
      put_value(b, x->values[i]);
      sd_buf_putc(b, '"');
    }
    if(fam->nkeys)
      sd_buf_putc(b, '}');
    sd_buf_printf(b, " %lld\n", (long long)x->value);
  }
  sd_buf_free(&name);
}

/* Findings per module and severity. */
static void put_findings(sd_buf *b, const sd_report *r)
{
  static const sd_severity sevs[] = {SD_SEV_CRITICAL, SD_SEV_WARNING,
                                     SD_SEV_UNKNOWN, SD_SEV_INFO, SD_SEV_OK};
  size_t i, k, s;
  head(b, "srvdoctor_findings", "Number of findings of one module at one "
       "severity.");
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *mr = &r->modules[i];
    for(s = 0; s < SD_COUNTOF(sevs); s++) {
      long long n = 0;
      for(k = 0; k < mr->nfindings; k++)
        n += mr->findings[k].severity == sevs[s] &&
             !mr->findings[k].ack.active;
      sample_int(b, "srvdoctor_findings", "module", mr->id, "severity",
                 sd_severity_name(sevs[s]), n);
    }
  }

}

/* One series per problem code present in this run: the findings of the
 * code that are not acknowledged (acked 0), or those that are (acked 1,
 * srvdoctor_acknowledged_findings, any severity). */
static void put_codes(sd_buf *b, const sd_report *r, int acked,
                      const char *name, const char *help)
{
  size_t i, k;
  int any = 0;
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *mr = &r->modules[i];
    for(k = 0; k < mr->nfindings; k++) {
      const sd_finding *x = &mr->findings[k];
      size_t j;
      long long n = 0;
      int first = 1;
      if((!acked && sd_severity_rank(x->severity) == 0) ||
         (x->ack.active != 0) != acked)
        continue;
      for(j = 0; j < k; j++)
        if(sd_streq(mr->findings[j].code, x->code) &&
           (mr->findings[j].ack.active != 0) == acked)
          first = 0;
      if(!first)
        continue;
      for(j = k; j < mr->nfindings; j++)
        n += sd_streq(mr->findings[j].code, x->code) &&
             (mr->findings[j].ack.active != 0) == acked;
      if(!any) {
        head(b, name, help);
        any = 1;
      }
      sample_int(b, name, "module", mr->id, "code", x->code, n);
    }
  }
}

/* When the facts were collected and how long the run took. */
static void put_times(sd_buf *b, const sd_report *r)
{
  char num[64];
  const sd_facts *f = r->facts;
  if(f && f->collected_at != SD_TIME_NONE) {
    head(b, "srvdoctor_last_run_timestamp_seconds", "When the facts of the "
         "last run were collected, in seconds since 1970 (UTC).");
    sample_int(b, "srvdoctor_last_run_timestamp_seconds", NULL, NULL, NULL,
               NULL, (long long)f->collected_at);
  }
  head(b, "srvdoctor_run_duration_seconds", "Time the last run spent, by "
       "phase.");
  snprintf(num, sizeof(num), "%.3f",
           (double)(r->collect_ms < 0 ? 0 : r->collect_ms) / 1000.0);
  sample(b, "srvdoctor_run_duration_seconds", "phase", "collect", NULL, NULL,
         num);
  snprintf(num, sizeof(num), "%.3f",
           (double)(r->analyze_ms < 0 ? 0 : r->analyze_ms) / 1000.0);
  sample(b, "srvdoctor_run_duration_seconds", "phase", "analyze", NULL, NULL,
         num);
}

void sd_report_prom(const sd_report *r, sd_buf *b)
{
  size_t i, k;
  head(b, "srvdoctor_build_info", "The srvdoctor version that wrote this "
       "file (always 1).");
  sample(b, "srvdoctor_build_info", "version", SD_VERSION, NULL, NULL, "1");

  head(b, "srvdoctor_status", "Overall verdict as the exit code: 0 ok, 1 "
       "warning, 2 critical, 3 unknown.");
  sample_int(b, "srvdoctor_status", NULL, NULL, NULL, NULL, r->exit_code);

  head(b, "srvdoctor_module_status", "Verdict of one module as an exit "
       "code: 0 ok, 1 warning, 2 critical, 3 unknown.");
  for(i = 0; i < r->nmodules; i++)
    sample_int(b, "srvdoctor_module_status", "module", r->modules[i].id,
               NULL, NULL, sd_severity_exit_code(r->modules[i].status));

  head(b, "srvdoctor_module_applicable", "1 when the module applies to "
       "this machine, 0 when it does not.");
  for(i = 0; i < r->nmodules; i++)
    sample_int(b, "srvdoctor_module_applicable", "module", r->modules[i].id,
               NULL, NULL, r->modules[i].applicable ? 1 : 0);

  put_findings(b, r);
  put_codes(b, r, 0, "srvdoctor_problem_findings", "Number of findings "
            "with one problem code (only codes found in this run).");
  put_codes(b, r, 1, "srvdoctor_acknowledged_findings", "Number of "
            "acknowledged findings with one code (srvdoctor ack; they "
            "count nowhere else).");
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nmeasures; k++)
      measure(b, &r->modules[i].measures[k]);
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nfamilies; k++)
      family(b, &r->modules[i].families[k]);

  put_times(b, r);
}
