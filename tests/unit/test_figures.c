/* test_figures.c - one figure everywhere: for every snapshot fixture, each
 * figure the Nagios, Prometheus and HTML outputs show is the checks' own
 * (the module results' measures, series and rows), and those figures agree
 * with the findings' evidence.  The writers derive nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "sdtest.h"
#include "srvdoctor/json.h"
#include "srvdoctor/platform.h"

static size_t count_code(const sd_module_result *m, const char *code)
{
  size_t i, n = 0;
  for(i = 0; i < m->nfindings; i++)
    n += !strcmp(m->findings[i].code, code);
  return n;
}

/* The integer evidence key of the first finding among codes that has it. */
static int ev_of(const sd_module_result *m, const char *const *codes,
                 const char *key, int64_t *v)
{
  size_t i, k;
  for(k = 0; codes[k]; k++)
    for(i = 0; i < m->nfindings; i++) {
      const sd_evidence *e;
      if(strcmp(m->findings[i].code, codes[k]))
        continue;
      e = sd_finding_evidence(&m->findings[i], key);
      if(e && e->type == SD_EV_INT) {
        *v = e->num;
        return 1;
      }
    }
  return 0;
}

static size_t checked_measures, checked_points, checked_rows, checked_refs;
static size_t checked_samples;  /* labelled samples (time in state) */
static size_t checked_evidence; /* figures compared with a finding's evidence */

static size_t checked_json;     /* figures found again in the JSON report */

/* In the JSON report, "key": "text" (JSON-escaped) followed, within the
 * same object, by "field": value. */
static void json_has(const char *fx, const char *json, const char *key,
                     const char *text, const char *field, const char *value)
{
  sd_buf name, want;
  sd_jwriter w;
  const char *p, *end;
  sd_buf_init(&name);
  sd_jw_init(&w, &name);
  sd_jw_str(&w, text);
  sd_buf_init(&want);
  sd_buf_printf(&want, "\"%s\": %s", key, name.data);
  for(p = strstr(json, want.data); p; p = strstr(p + 1, want.data)) {
    char v[96];
    const char *hit;
    end = strchr(p, '}');
    snprintf(v, sizeof(v), "\"%s\": %s", field, value);
    hit = strstr(p, v);
    if(hit && (!end || hit < end))
      break;
  }
  if(!p)
    fail_msg("%s: the JSON report lacks %s with %s %s", fx, want.data, field,
             value);
  checked_json++;
  sd_buf_free(&want);
  sd_buf_free(&name);
}

/* Every measure, chart point and row of a module in the JSON report. */
static void check_json(const char *fx, const sd_module_result *m,
                       const char *json)
{
  size_t j, k;
  char v[32];
  for(j = 0; j < m->nmeasures; j++) {
    const sd_measure *x = &m->measures[j];
    if(x->known)
      snprintf(v, sizeof(v), "%lld", (long long)x->value);
    else
      snprintf(v, sizeof(v), "null");
    json_has(fx, json, "name", x->name, "value", v);
  }
  for(j = 0; j < m->nseries; j++)
    for(k = 0; k < m->series[j].npoints; k++) {
      snprintf(v, sizeof(v), "%llu",
               (unsigned long long)m->series[j].points[k].value);
      json_has(fx, json, "label", m->series[j].points[k].label, "value", v);
    }
  for(j = 0; j < m->nrows; j++) {
    if(m->rows[j].known)
      snprintf(v, sizeof(v), "%lld", (long long)m->rows[j].actual);
    else
      snprintf(v, sizeof(v), "null");
    json_has(fx, json, "what", m->rows[j].what, "actual", v);
  }
}

static void check_measure(const char *fx, const sd_module_result *m,
                          const sd_measure *x, const char *nagios,
                          const char *prom)
{
  char want[256];
  /* Nagios: 'label'=value[B] or =U */
  if(x->known)
    snprintf(want, sizeof(want), "'%s'=%lld%s;", x->label,
             (long long)x->value, x->unit == SD_UNIT_BYTES ? "B" : "");
  else
    snprintf(want, sizeof(want), "'%s'=U;", x->label);
  if(!strstr(nagios, want))
    fail_msg("%s: nagios lacks %s", fx, want);
  /* Prometheus: srvdoctor_<name> value, left out when unknown */
  snprintf(want, sizeof(want), "\nsrvdoctor_%s%s %lld\n", x->name,
           x->unit == SD_UNIT_BYTES ? "_bytes" : "", (long long)x->value);
  if(x->known && !strstr(prom, want))
    fail_msg("%s: prom lacks %s", fx, want + 1);
  /* The measure is the findings' figure. */
  if(!strcmp(x->name, "hyperv_stuck_vms") && x->known) {
    assert_int_equal(x->value, count_code(m, "HV-VM-STUCK"));
    checked_evidence++;
  }
  if(!strcmp(x->name, "hyperv_suspect_vms") && x->known) {
    assert_int_equal(x->value, count_code(m, "HV-VM-SUSPECT"));
    checked_evidence++;
  }
  if(!strcmp(x->name, "exchange_interim_updates") && x->known) {
    assert_int_equal(x->value, count_code(m, "EXCH-INTERIM-UPDATE"));
    checked_evidence++;
  }
  if(!strcmp(x->name, "exchange_schema_version") && x->known) {
    static const char *const codes[] = {"AD-SCHEMA-PREP-NEEDED", "AD-READY",
                                        "AD-PARTIAL", "AD-VERSION-NEWER",
                                        NULL};
    int64_t v;
    if(ev_of(m, codes, "schema_version", &v)) {
      assert_int_equal(x->value, v);
      checked_evidence++;
    }
  }
  checked_measures++;
}

static void check_series(const char *fx, const sd_module_result *m,
                         const sd_series *s, const char *nagios,
                         const char *html)
{
  size_t i, k;
  char want[512];
  for(i = 0; i < s->npoints; i++) {
    const sd_point *p = &s->points[i];
    /* The HTML draws every point (by its PID) ... */
    snprintf(want, sizeof(want), "data-pid=\"%lu\"", (unsigned long)p->pid);
    if(p->pid && !strstr(html, want))
      fail_msg("%s: html lacks the bar of %s", fx, p->label);
    /* ... and Nagios every flagged one (they go first) with its value. */
    if(p->mark != SD_SEV_OK && !strchr(p->label, '\'') &&
       !strchr(p->label, '=')) {
      snprintf(want, sizeof(want), "'%s %s'=%llu", s->name, p->label,
               (unsigned long long)p->value);
      if(!strstr(nagios, want))
        fail_msg("%s: nagios lacks %s", fx, want);
    }
    /* A flagged worker's finding names the same PID and working set. */
    for(k = 0; k < m->nfindings && p->mark != SD_SEV_OK; k++) {
      const sd_evidence *pid = sd_finding_evidence(&m->findings[k],
                                                   "worker_pid");
      const sd_evidence *ws = sd_finding_evidence(&m->findings[k],
                                                  "worker_working_set_bytes");
      if(pid && pid->num == (int64_t)p->pid && ws) {
        assert_int_equal(ws->num, (int64_t)p->value);
        checked_evidence++;
      }
    }
    checked_points++;
  }
  /* Every reference line is a median a flagged finding gives. */
  for(i = 0; i < s->nrefs; i++) {
    int flagged = 0, found = 0;
    for(k = 0; k < s->npoints; k++)
      flagged |= s->points[k].mark != SD_SEV_OK;
    for(k = 0; k < m->nfindings; k++) {
      const sd_evidence *e = sd_finding_evidence(&m->findings[k],
                                                 "peer_median_bytes");
      found |= e && e->num == (int64_t)s->refs[i].value;
    }
    if(found)
      checked_evidence++;
    if(flagged && !found)
      fail_msg("%s: reference %s %llu is no finding's peer median", fx,
               s->refs[i].label, (unsigned long long)s->refs[i].value);
    snprintf(want, sizeof(want), "'%s %s'=%llu", s->name, s->refs[i].label,
             (unsigned long long)s->refs[i].value);
    checked_refs++;
  }
  /* And the other way round: a median a finding quotes is a line of the
   * chart (the orphan worker's finding said 10,240 K while the chart drew
   * the median of all, 10,370 K). */
  for(k = 0; k < m->nfindings; k++) {
    const sd_evidence *e = sd_finding_evidence(&m->findings[k],
                                               "peer_median_bytes");
    int drawn = 0;
    for(i = 0; e && i < s->nrefs; i++)
      drawn |= (int64_t)s->refs[i].value == e->num;
    if(e && !drawn)
      fail_msg("%s: %s quotes a peer median of %lld that the chart does not "
               "draw", fx, m->findings[k].code, (long long)e->num);
  }
}

/* Nagios perfdata labels are unique (two VMs of one name stay two). */
static void check_unique_labels(const char *fx, const char *nagios)
{
  const char *bar = strchr(nagios, '|'), *nl = strchr(nagios, '\n');
  const char *p;
  char seen[64][160];
  size_t n = 0, i;
  if(!bar || (nl && nl < bar))
    return;
  for(p = strchr(bar, '\''); p && (!nl || p < nl); ) {
    const char *q = p + 1;
    char label[160];
    size_t len;
    while(*q && !(q[0] == '\'' && q[1] != '\''))
      q += q[0] == '\'' ? 2 : 1;
    len = (size_t)(q - p - 1) < sizeof(label) - 1 ? (size_t)(q - p - 1)
                                                    : sizeof(label) - 1;
    memcpy(label, p + 1, len);
    label[len] = '\0';
    for(i = 0; i < n; i++)
      if(!strcmp(seen[i], label))
        fail_msg("%s: perfdata label '%s' appears twice", fx, label);
    if(n < SD_COUNTOF(seen))
      memcpy(seen[n++], label, len + 1);
    p = strchr(q + 1, '\'');
    if(p) /* the next label starts after a space */
      p = strstr(q + 1, " '") ? strstr(q + 1, " '") + 1 : NULL;
  }
}

/* Is s plain enough to appear unescaped in a Prometheus label value? */
static int plain_label(const char *s)
{
  for(; *s; s++)
    if(*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ||
       (unsigned char)*s >= 0x7F)
      return 0;
  return 1;
}

/* Every known sample of a labelled family is one Prometheus line with its
 * labels and value; a VM's seconds in state are its facts' figure. */
static void check_family(const char *fx, const sd_facts *f,
                         const sd_family *fam, const char *prom)
{
  size_t i, j;
  for(i = 0; i < fam->nsamples; i++) {
    const sd_lsample *x = &fam->samples[i];
    sd_buf want;
    int plain = 1;
    for(j = 0; j < fam->nkeys; j++)
      plain &= plain_label(x->values[j]);
    if(!x->known || !plain)
      continue;
    sd_buf_init(&want);
    sd_buf_printf(&want, "\nsrvdoctor_%s", fam->name);
    for(j = 0; j < fam->nkeys; j++)
      sd_buf_printf(&want, "%c%s=\"%s\"", j ? ',' : '{', fam->keys[j],
                    x->values[j]);
    sd_buf_printf(&want, "} %lld\n", (long long)x->value);
    if(!strstr(prom, want.data))
      fail_msg("%s: prom lacks %s", fx, want.data + 1);
    sd_buf_free(&want);
    if(!strcmp(fam->name, "hyperv_vm_seconds_in_state")) {
      for(j = 0; j < f->hyperv.nvms; j++) {
        const sd_hv_vm *vm = &f->hyperv.vms[j];
        if(vm->guid && !strcmp(vm->guid, x->values[0])) {
          assert_int_equal(x->value, f->collected_at - vm->state_changed);
          checked_evidence++;
        }
      }
    }
    checked_samples++;
  }
}

static void check_row(const char *fx, const sd_module_result *m,
                      const sd_row *r, const char *html)
{
  static const char *const schema_codes[] = {"AD-SCHEMA-PREP-NEEDED",
                                             "AD-READY", NULL};
  static const char *const org_codes[] = {"AD-ORG-PREP-NEEDED", "AD-READY",
                                          NULL};
  char want[128];
  int64_t v;
  if(r->known) {
    snprintf(want, sizeof(want), "<td class=\"num\">%lld</td><td "
             "class=\"num\">%lld</td>", (long long)r->actual,
             (long long)r->needed);
    if(!strstr(html, want))
      fail_msg("%s: html lacks the row %s (%s)", fx, r->what, want);
    if(strstr(r->what, "Schema") && ev_of(m, schema_codes, "schema_version",
                                          &v)) {
      assert_int_equal(r->actual, v);
      checked_evidence++;
    }
    if(strstr(r->what, "Organization") && ev_of(m, org_codes, "org_version",
                                                &v)) {
      assert_int_equal(r->actual, v);
      checked_evidence++;
    }
  }
  checked_rows++;
}

static void test_one_figure_everywhere(void **state)
{
  char **names;
  size_t n = sdt_list_snapshots(&names), i, k, j;
  (void)state;
  assert_true(n >= 40);
  for(i = 0; i < n; i++) {
    sd_facts f;
    sd_report rep;
    sd_buf nag, prom, html, json;
    sdt_load(names[i], &f);
    sdt_run(&f, NULL, NULL, &rep);
    sd_report_finish(&rep);
    sd_buf_init(&nag);
    sd_buf_init(&prom);
    sd_buf_init(&html);
    sd_report_render(&rep, SD_FMT_NAGIOS, NULL, &nag);
    sd_report_render(&rep, SD_FMT_PROM, NULL, &prom);
    sd_report_render(&rep, SD_FMT_HTML, NULL, &html);
    sd_buf_init(&json);
    sd_report_render(&rep, SD_FMT_JSON, NULL, &json);
    for(k = 0; k < rep.nmodules; k++) {
      const sd_module_result *m = &rep.modules[k];
      for(j = 0; j < m->nmeasures; j++)
        check_measure(names[i], m, &m->measures[j], nag.data, prom.data);
      for(j = 0; j < m->nseries; j++)
        check_series(names[i], m, &m->series[j], nag.data, html.data);
      for(j = 0; j < m->nrows; j++)
        check_row(names[i], m, &m->rows[j], html.data);
      for(j = 0; j < m->nfamilies; j++)
        check_family(names[i], &f, &m->families[j], prom.data);
      check_json(names[i], m, json.data);
    }
    check_unique_labels(names[i], nag.data);
    sd_buf_free(&json);
    sd_buf_free(&nag);
    sd_buf_free(&prom);
    sd_buf_free(&html);
    sd_report_free(&rep);
    sd_facts_free(&f);
    free(names[i]);
  }
  free(names);
  printf("figures: %lu snapshots, %lu measures, %lu chart points, %lu "
         "reference lines, %lu table rows in the outputs; %lu compared with "
         "findings; %lu found in the JSON report\n", (unsigned long)n,
         (unsigned long)checked_measures, (unsigned long)checked_points,
         (unsigned long)checked_refs, (unsigned long)checked_rows,
         (unsigned long)checked_evidence, (unsigned long)checked_json);
  printf("figures: %lu labelled samples in the Prometheus output\n",
         (unsigned long)checked_samples);
  /* The comparisons happened: every kind of figure was met. */
  assert_true(checked_measures > 0);
  assert_true(checked_points > 0);
  assert_true(checked_refs > 0);
  assert_true(checked_rows > 0);
  assert_true(checked_samples > 0);
  assert_true(checked_evidence > 0);
  assert_true(checked_json > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_one_figure_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
