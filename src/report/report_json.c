/* report_json.c - the JSON report, schema_version 3 (docs/report-json.md). */
#include "srvdoctor/json.h"
#include "srvdoctor/report.h"

#include "report_internal.h"

/* The fields of one step (a numbered step or one of its alternatives). */
static void write_step_body(sd_jwriter *w, const sd_step *sp)
{
  size_t i;
  sd_jw_key(w, "kind");
  sd_jw_str(w, sd_step_kind_name(sp->kind));
  sd_jw_key(w, "text");
  sd_jw_str(w, sp->text);
  sd_jw_key(w, "condition");
  sd_jw_str(w, sp->condition); /* null: always */
  sd_jw_key(w, "commands");
  sd_jw_arr_begin(w);
  for(i = 0; i < sp->ncommands; i++)
    sd_jw_str(w, sp->commands[i]);
  sd_jw_arr_end(w);
  sd_jw_key(w, "expect");
  sd_jw_str(w, sp->expect);
}

/* "steps": [{"number": 1, "kind": ..., "alternatives": [{...}]}, ...] */
static void write_steps(sd_jwriter *w, const sd_finding *f)
{
  size_t i = 0, k;
  sd_jw_arr_begin(w);
  while(i < f->nsteps) {
    const sd_step *sp = &f->steps[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "number");
    sd_jw_int(w, sp->number);
    write_step_body(w, sp);
    sd_jw_key(w, "alternatives");
    sd_jw_arr_begin(w);
    for(k = i + 1; k < f->nsteps && f->steps[k].alternative; k++) {
      sd_jw_obj_begin(w);
      write_step_body(w, &f->steps[k]);
      sd_jw_obj_end(w);
    }
    sd_jw_arr_end(w);
    sd_jw_obj_end(w);
    i = k;
  }
  sd_jw_arr_end(w);
}

/* "fix": which steps srvdoctor fix carries out, their kind and warning. */
static void write_fix(sd_jwriter *w, const sd_finding *f)
{
  sd_jw_key(w, "fix");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "first_step");
  sd_jw_int(w, f->fix_first);
  sd_jw_key(w, "last_step");
  sd_jw_int(w, f->fix_last);
  sd_jw_key(w, "kind");
  sd_jw_str(w, sd_step_kind_name(sd_fix_gravest(f)));
  sd_jw_key(w, "warning");
  sd_jw_str(w, f->fix_warning);
  sd_jw_key(w, "needs_force");
  sd_jw_bool(w, f->fix_force);
  sd_jw_obj_end(w);
}

static const char *unit_name(sd_unit u)
{
  switch(u) {
  case SD_UNIT_BYTES: return "bytes";
  case SD_UNIT_NUMBER: return "number";
  case SD_UNIT_SECONDS: return "seconds";
  case SD_UNIT_COUNT: break;
  }
  return "count";
}

/* "measures": the module's numbers for monitoring, as the check gave
 * them ("value" null when it could not be decided). */
static void write_measures(sd_jwriter *w, const sd_module_result *m)
{
  size_t i;
  sd_jw_key(w, "measures");
  sd_jw_arr_begin(w);
  for(i = 0; i < m->nmeasures; i++) {
    const sd_measure *x = &m->measures[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "name");
    sd_jw_str(w, x->name);
    sd_jw_key(w, "label");
    sd_jw_str(w, x->label);
    sd_jw_key(w, "unit");
    sd_jw_str(w, unit_name(x->unit));
    sd_jw_key(w, "value");
    if(x->known)
      sd_jw_int(w, x->value);
    else
      sd_jw_null(w);
    sd_jw_key(w, "warning");
    sd_jw_str(w, x->warn);
    sd_jw_key(w, "critical");
    sd_jw_str(w, x->crit);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
}

/* "labelled_measures": the module's labelled families, one sample per
 * thing, its labels as an object ("value" null when not known). */
static void write_families(sd_jwriter *w, const sd_module_result *m)
{
  size_t i, k, j;
  sd_jw_key(w, "labelled_measures");
  sd_jw_arr_begin(w);
  for(i = 0; i < m->nfamilies; i++) {
    const sd_family *fam = &m->families[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "name");
    sd_jw_str(w, fam->name);
    sd_jw_key(w, "help");
    sd_jw_str(w, fam->help);
    sd_jw_key(w, "unit");
    sd_jw_str(w, unit_name(fam->unit));
    sd_jw_key(w, "samples");
    sd_jw_arr_begin(w);
    for(k = 0; k < fam->nsamples; k++) {
      const sd_lsample *x = &fam->samples[k];
      sd_jw_obj_begin(w);
      sd_jw_key(w, "labels");
      sd_jw_obj_begin(w);
      for(j = 0; j < fam->nkeys; j++) {
        sd_jw_key(w, fam->keys[j]);
        sd_jw_str(w, x->values[j]);
      }
      sd_jw_obj_end(w);
      sd_jw_key(w, "value");
      if(x->known)
        sd_jw_int(w, x->value);
      else
        sd_jw_null(w);
      sd_jw_obj_end(w);
    }
    sd_jw_arr_end(w);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
}

static void write_series_one(sd_jwriter *w, const sd_series *s)
{
  size_t k;
  sd_jw_obj_begin(w);
  sd_jw_key(w, "name");
  sd_jw_str(w, s->name);
  sd_jw_key(w, "title");
  sd_jw_str(w, s->title);
  sd_jw_key(w, "note");
  sd_jw_str(w, s->note);
  sd_jw_key(w, "unit");
  sd_jw_str(w, unit_name(s->unit));
  sd_jw_key(w, "points");
  sd_jw_arr_begin(w);
  for(k = 0; k < s->npoints; k++) {
    sd_jw_obj_begin(w);
    sd_jw_key(w, "label");
    sd_jw_str(w, s->points[k].label);
    sd_jw_key(w, "value");
    sd_jw_int(w, (int64_t)s->points[k].value);
    sd_jw_key(w, "mark");
    sd_jw_str(w, sd_severity_name(s->points[k].mark));
    sd_jw_key(w, "pid");
    sd_jw_int(w, s->points[k].pid);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
  sd_jw_key(w, "references");
  sd_jw_arr_begin(w);
  for(k = 0; k < s->nrefs; k++) {
    sd_jw_obj_begin(w);
    sd_jw_key(w, "label");
    sd_jw_str(w, s->refs[k].label);
    sd_jw_key(w, "value");
    sd_jw_int(w, (int64_t)s->refs[k].value);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
  sd_jw_obj_end(w);
}

/* "rows": actual against needed, with why a value was not read. */
static void write_rows(sd_jwriter *w, const sd_module_result *m)
{
  size_t i;
  sd_jw_key(w, "rows");
  sd_jw_arr_begin(w);
  for(i = 0; i < m->nrows; i++) {
    const sd_row *x = &m->rows[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "what");
    sd_jw_str(w, x->what);
    sd_jw_key(w, "where");
    sd_jw_str(w, x->where);
    sd_jw_key(w, "actual");
    if(x->known)
      sd_jw_int(w, x->actual);
    else
      sd_jw_null(w);
    sd_jw_key(w, "why");
    sd_jw_str(w, x->known ? NULL : x->why);
    sd_jw_key(w, "needed");
    sd_jw_int(w, x->needed);
    sd_jw_key(w, "remedy");
    sd_jw_str(w, x->remedy);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
}

/* An object of typed values under key: a finding's "evidence", a
 * module's "summary" (summary.h). */
static void write_values(sd_jwriter *w, const char *key,
                         const sd_evidence *v, size_t n)
{
  size_t i;
  sd_jw_key(w, key);
  sd_jw_obj_begin(w);
  for(i = 0; i < n; i++) {
    sd_jw_key(w, v[i].key);
    if(v[i].type == SD_EV_INT)
      sd_jw_int(w, v[i].num);
    else if(v[i].type == SD_EV_BOOL)
      sd_jw_bool(w, (int)v[i].num);
    else
      sd_jw_str(w, v[i].str);
  }
  sd_jw_obj_end(w);
}

/* The module's typed figures, the same the other formats show, and its
 * fleet summary. */
static void write_figures(sd_jwriter *w, const sd_module_result *m)
{
  size_t i;
  write_measures(w, m);
  write_families(w, m);
  sd_jw_key(w, "series");
  sd_jw_arr_begin(w);
  for(i = 0; i < m->nseries; i++)
    write_series_one(w, &m->series[i]);
  sd_jw_arr_end(w);
  write_rows(w, m);
  write_values(w, "summary", m->summary, m->nsummary);
}

/* "acknowledged": who, when, until when and why (only on a finding an
 * active acknowledgement names; it then counts toward no status). */
static void write_ack(sd_jwriter *w, const sd_finding *f)
{
  char t[32];
  sd_jw_key(w, "acknowledged");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "by");
  sd_jw_str(w, f->ack.by);
  sd_jw_key(w, "at");
  sd_time_format(f->ack.at, t);
  sd_jw_str(w, t);
  sd_jw_key(w, "until");
  sd_time_format(f->ack.until, t);
  sd_jw_str(w, t);
  sd_jw_key(w, "reason");
  sd_jw_str(w, f->ack.reason);
  sd_jw_obj_end(w);
}

static void write_finding(sd_jwriter *w, const sd_finding *f)
{
  sd_jw_obj_begin(w);
  sd_jw_key(w, "code");
  sd_jw_str(w, f->code);
  sd_jw_key(w, "severity");
  sd_jw_str(w, sd_severity_name(f->severity));
  sd_jw_key(w, "title");
  sd_jw_str(w, f->title);
  sd_jw_key(w, "message");
  sd_jw_str(w, f->message ? f->message : "");
  write_values(w, "evidence", f->evidence, f->nevidence);
  sd_jw_key(w, "remediation");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "summary");
  sd_jw_str(w, f->summary); /* null when there is nothing to do */
  sd_jw_key(w, "steps");
  write_steps(w, f);
  sd_jw_key(w, "fixable");
  sd_jw_bool(w, f->fixable);
  if(f->target) {
    sd_jw_key(w, "target");
    sd_jw_str(w, f->target);
  }
  if(f->fixable)
    write_fix(w, f);
  sd_jw_obj_end(w);
  if(f->ack.active)
    write_ack(w, f);
  sd_jw_obj_end(w);
}

void sd_report_json(const sd_report *r, sd_buf *out)
{
  sd_jwriter w;
  char when[32];
  size_t i, k;
  const sd_facts *f = r->facts;
  sd_jw_init(&w, out);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "schema_version");
  sd_jw_int(&w, SD_REPORT_SCHEMA_VERSION);
  sd_json_put_tool(&w);
  sd_jw_key(&w, "source");
  sd_jw_str(&w, r->source);
  sd_jw_key(&w, "collected_at");
  sd_time_format(f ? f->collected_at : SD_TIME_NONE, when);
  if(when[0])
    sd_jw_str(&w, when);
  else
    sd_jw_null(&w);
  sd_jw_key(&w, "host");
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "name");
  sd_jw_str(&w, f ? f->host.name : NULL);
  sd_jw_key(&w, "os");
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "name");
  sd_jw_str(&w, f ? f->os.name : NULL);
  sd_jw_key(&w, "version");
  sd_jw_str(&w, f ? f->os.version : NULL);
  sd_jw_key(&w, "service_pack");
  sd_jw_str(&w, f ? f->os.service_pack : NULL);
  sd_jw_key(&w, "arch");
  sd_jw_str(&w, f ? f->os.arch : NULL);
  sd_jw_obj_end(&w);
  sd_jw_key(&w, "elevated");
  if(f && f->host.elevation_st.state == SD_ST_READ)
    sd_jw_bool(&w, f->host.elevated && f->host.admin_member);
  else
    sd_jw_null(&w);
  sd_jw_obj_end(&w);
  sd_jw_key(&w, "status");
  sd_jw_str(&w, sd_severity_name(r->status));
  sd_jw_key(&w, "exit_code");
  sd_jw_int(&w, r->exit_code);
  sd_jw_key(&w, "modules");
  sd_jw_arr_begin(&w);
  for(i = 0; i < r->nmodules; i++) {
    const sd_module_result *m = &r->modules[i];
    sd_jw_obj_begin(&w);
    sd_jw_key(&w, "id");
    sd_jw_str(&w, m->id);
    sd_jw_key(&w, "title");
    sd_jw_str(&w, m->title);
    sd_jw_key(&w, "applicable");
    sd_jw_bool(&w, m->applicable);
    sd_jw_key(&w, "status");
    sd_jw_str(&w, sd_severity_name(m->status));
    sd_jw_key(&w, "findings");
    sd_jw_arr_begin(&w);
    for(k = 0; k < m->nfindings; k++)
      write_finding(&w, &m->findings[k]);
    sd_jw_arr_end(&w);
    write_figures(&w, m);
    sd_jw_obj_end(&w);
  }
  sd_jw_arr_end(&w);
  sd_jw_key(&w, "timings_ms");
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "collect");
  sd_jw_int(&w, r->collect_ms);
  sd_jw_key(&w, "analyze");
  sd_jw_int(&w, r->analyze_ms);
  sd_jw_obj_end(&w);
  sd_jw_obj_end(&w);
  sd_buf_putc(out, '\n');
}
