/* fleet_load.c - reading host reports into the fleet.
 *
 * A report is untrusted input: it is read with the strict pull reader
 * (json_read.c), every value's type is checked, and a report that is not a
 * srvdoctor JSON report of schema_version 1 is refused with one sentence.
 * Nothing is added to the fleet unless the whole report was read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"
#include "srvdoctor/json.h"
#include "srvdoctor/summary.h"

void sd_fleet_init(sd_fleet *fl, sd_time now, int64_t max_age_s)
{
  memset(fl, 0, sizeof(*fl));
  sd_arena_init(&fl->arena);
  fl->now = now;
  fl->max_age_s = max_age_s;
  fl->status = SD_SEV_OK;
}

void sd_fleet_free(sd_fleet *fl)
{
  free(fl->hosts);
  free(fl->problems);
  sd_fleet_free_sections(fl);
  sd_arena_free(&fl->arena);
  memset(fl, 0, sizeof(*fl));
}

void sd_fleet_add_problem(sd_fleet *fl, const char *source,
                          const char *reason)
{
  sd_fleet_problem *p;
  fl->problems = sd_grow(fl->problems, &fl->cap_problems, fl->nproblems,
                         sizeof(*fl->problems));
  p = &fl->problems[fl->nproblems++];
  p->source = sd_arena_strdup(&fl->arena, source);
  p->reason = sd_arena_strdup(&fl->arena, reason);
}

static sd_fleet_host *new_host(sd_fleet *fl)
{
  sd_fleet_host *h;
  fl->hosts = sd_grow(fl->hosts, &fl->cap_hosts, fl->nhosts,
                      sizeof(*fl->hosts));
  h = &fl->hosts[fl->nhosts++];
  memset(h, 0, sizeof(*h));
  h->collected_at = SD_TIME_NONE;
  h->age_s = -1;
  return h;
}

/* ---- a growable array of pointers, copied into the arena when done ---- */
typedef struct ptrvec {
  void **items;
  size_t n, cap;
} ptrvec;

static void pv_push(ptrvec *v, void *p)
{
  v->items = sd_grow(v->items, &v->cap, v->n, sizeof(*v->items));
  v->items[v->n++] = p;
}

static void *pv_commit(sd_arena *a, ptrvec *v, size_t elem)
{
  char *out;
  size_t i;
  if(!v->n)
    return NULL;
  out = sd_arena_alloc(a, v->n * elem);
  for(i = 0; i < v->n; i++)
    memcpy(out + i * elem, v->items[i], elem);
  return out;
}

/* ---- the report reader ---- */
typedef struct rd {
  sd_jreader *r;
  sd_arena *a;          /* where the strings go */
  int keep_detail;
  int is_snapshot;
  /* the host being read */
  const char *name;
  sd_time collected_at;
  int have_status, have_modules, have_version, have_tool;
  int64_t version;
  int tool_ok;
  sd_severity status;
  ptrvec modules;       /* sd_fleet_module * (malloc'd) */
} rd;

static int next(rd *d, sd_jtoken *t)
{
  return sd_jr_next(d->r, t);
}

static int want(rd *d, sd_jtoken *t, sd_jtype type, const char *what)
{
  if(next(d, t))
    return -1;
  if(t->type != type)
    return sd_jr_fail(d->r, t, "%s", what);
  return 0;
}

/* A string or null value (NULL for null). */
static int str_or_null(rd *d, const char *key, const char **out)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  if(t.type == SD_JT_NULL) {
    *out = NULL;
    return 0;
  }
  if(t.type != SD_JT_STRING)
    return sd_jr_fail(d->r, &t, "\"%s\" must be a string", key);
  *out = sd_arena_strndup(d->a, t.str, t.len);
  return 0;
}

static int str_val(rd *d, const char *key, const char **out)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  if(t.type != SD_JT_STRING)
    return sd_jr_fail(d->r, &t, "\"%s\" must be a string", key);
  *out = sd_arena_strndup(d->a, t.str, t.len);
  return 0;
}

static int sev_val(rd *d, const char *key, sd_severity *out)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  if(t.type != SD_JT_STRING || sd_severity_parse(t.str, out))
    return sd_jr_fail(d->r, &t, "\"%s\" must be ok, info, unknown, warning "
                      "or critical", key);
  return 0;
}

static int bool_val(rd *d, const char *key, int *out)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  if(t.type != SD_JT_TRUE && t.type != SD_JT_FALSE)
    return sd_jr_fail(d->r, &t, "\"%s\" must be true or false", key);
  *out = t.type == SD_JT_TRUE;
  return 0;
}

static int skip_value(rd *d)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  return sd_jr_skip(d->r, &t);
}

/* An array of strings into arena memory. */
static int str_array(rd *d, const char *key, const char ***items, size_t *n)
{
  sd_jtoken t;
  ptrvec v;
  memset(&v, 0, sizeof(v));
  if(want(d, &t, SD_JT_ARR_BEGIN, key))
    return -1;
  for(;;) {
    if(next(d, &t))
      goto fail;
    if(t.type == SD_JT_ARR_END)
      break;
    if(t.type != SD_JT_STRING) {
      sd_jr_fail(d->r, &t, "\"%s\" must hold strings", key);
      goto fail;
    }
    pv_push(&v, sd_arena_strndup(d->a, t.str, t.len));
  }
  *n = v.n;
  *items = NULL;
  if(v.n) {
    *items = sd_arena_alloc(d->a, v.n * sizeof(char *));
    memcpy((void *)*items, v.items, v.n * sizeof(char *));
  }
  free(v.items);
  return 0;
fail:
  free(v.items);
  return -1;
}

/* One typed value (string, number, true/false; null: *kept 0) into e;
 * objects and arrays are refused with what. */
static int typed_value(rd *d, sd_evidence *e, int *kept, const char *what)
{
  sd_jtoken t;
  *kept = 1;
  if(next(d, &t))
    return -1;
  if(t.type == SD_JT_OBJ_BEGIN || t.type == SD_JT_ARR_BEGIN)
    return sd_jr_fail(d->r, &t, "%s", what);
  if(t.type == SD_JT_STRING) {
    e->type = SD_EV_STR;
    e->str = sd_arena_strndup(d->a, t.str, t.len);
  }
  else if(t.type == SD_JT_NUMBER && t.is_int) {
    e->type = SD_EV_INT;
    e->num = t.i64;
  }
  else if(t.type == SD_JT_TRUE || t.type == SD_JT_FALSE) {
    e->type = SD_EV_BOOL;
    e->num = t.type == SD_JT_TRUE;
  }
  else if(t.type == SD_JT_NUMBER) {
    e->type = SD_EV_STR;
    e->str = sd_arena_printf(d->a, "%.17g", t.dbl);
  }
  else
    *kept = 0;
  return 0;
}

/* An object of typed values (a finding's evidence, a module's summary)
 * appended to *out (malloc'd array, strings in d->a). */
static int read_values(rd *d, sd_evidence **out, size_t *n, size_t *cap,
                       const char *name)
{
  sd_jtoken t;
  char what[96];
  snprintf(what, sizeof(what), "\"%s\" values must be strings, numbers "
           "or true/false", name);
  if(next(d, &t))
    return -1;
  if(t.type != SD_JT_OBJ_BEGIN)
    return sd_jr_fail(d->r, &t, "\"%s\" must be an object", name);
  for(;;) {
    sd_evidence e;
    int kept;
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return 0;
    memset(&e, 0, sizeof(e));
    e.key = sd_arena_strndup(d->a, t.str, t.len);
    if(typed_value(d, &e, &kept, what))
      return -1;
    if(kept) {
      *out = sd_grow(*out, cap, *n, sizeof(**out));
      (*out)[(*n)++] = e;
    }
  }
}

/* One step object of a version 2 report (the caller read its '{'); its
 * alternatives are pushed after it onto v. */
static int read_step(rd *d, ptrvec *v, int alternative, unsigned number)
{
  sd_jtoken t;
  sd_step *sp = sd_xcalloc(1, sizeof(*sp));
  sp->alternative = alternative;
  sp->number = number;
  sp->kind = SD_STEP_UNSET;
  pv_push(v, sp);
  for(;;) {
    const char *kind = NULL;
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return sp->text ? 0 : sd_jr_fail(d->r, &t, "a step has no \"text\"");
    if(!strcmp(t.str, "text")) {
      if(str_val(d, "text", &sp->text))
        return -1;
    }
    else if(!strcmp(t.str, "kind")) {
      if(str_val(d, "kind", &kind))
        return -1;
      if(sd_step_kind_parse(kind, &sp->kind))
        return sd_jr_fail(d->r, &t, "a step's \"kind\" must be look, "
                          "change or last_resort");
    }
    else if(!strcmp(t.str, "condition")) {
      if(str_or_null(d, "condition", &sp->condition))
        return -1;
    }
    else if(!strcmp(t.str, "expect")) {
      if(str_or_null(d, "expect", &sp->expect))
        return -1;
    }
    else if(!strcmp(t.str, "commands")) {
      if(str_array(d, "commands", &sp->commands, &sp->ncommands))
        return -1;
    }
    else if(!strcmp(t.str, "alternatives") && !alternative) {
      if(want(d, &t, SD_JT_ARR_BEGIN, "\"alternatives\" must be an array"))
        return -1;
      for(;;) {
        if(next(d, &t))
          return -1;
        if(t.type == SD_JT_ARR_END)
          break;
        if(t.type != SD_JT_OBJ_BEGIN)
          return sd_jr_fail(d->r, &t, "an alternative must be an object");
        if(read_step(d, v, 1, number))
          return -1;
      }
    }
    else if(skip_value(d))
      return -1;
  }
}

/* "steps": strings (schema_version 1) or step objects (2). */
static int read_steps(rd *d, sd_fleet_finding *f)
{
  sd_jtoken t;
  ptrvec v;
  size_t i;
  unsigned number = 0;
  int rc = -1;
  memset(&v, 0, sizeof(v));
  if(want(d, &t, SD_JT_ARR_BEGIN, "\"steps\" must be an array"))
    return -1;
  for(;;) {
    if(next(d, &t))
      goto out;
    if(t.type == SD_JT_ARR_END)
      break;
    number++;
    if(t.type == SD_JT_STRING) {
      sd_step *sp = sd_xcalloc(1, sizeof(*sp));
      sp->kind = SD_STEP_UNSET;
      sp->number = number;
      sp->text = sd_arena_strndup(d->a, t.str, t.len);
      pv_push(&v, sp);
    }
    else if(t.type != SD_JT_OBJ_BEGIN) {
      sd_jr_fail(d->r, &t, "\"steps\" must hold strings or objects");
      goto out;
    }
    else if(read_step(d, &v, 0, number))
      goto out;
  }
  f->nsteps = v.n;
  f->steps = sd_arena_alloc(d->a, (v.n ? v.n : 1) * sizeof(sd_step));
  for(i = 0; i < v.n; i++)
    f->steps[i] = *(sd_step *)v.items[i];
  rc = 0;
out:
  for(i = 0; i < v.n; i++)
    free(v.items[i]);
  free(v.items);
  return rc;
}

static int read_remediation(rd *d, sd_fleet_finding *f)
{
  sd_jtoken t;
  if(want(d, &t, SD_JT_OBJ_BEGIN, "\"remediation\" must be an object"))
    return -1;
  for(;;) {
    int dummy;
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return 0;
    if(!strcmp(t.str, "summary")) {
      if(str_or_null(d, "summary", &f->summary))
        return -1;
    }
    else if(!strcmp(t.str, "steps")) {
      if(read_steps(d, f))
        return -1;
    }
    else if(!strcmp(t.str, "commands")) {
      if(str_array(d, "commands", &f->commands, &f->ncommands))
        return -1;
    }
    else if(!strcmp(t.str, "fixable")) {
      if(bool_val(d, "fixable", &dummy))
        return -1;
    }
    else if(skip_value(d))
      return -1;
  }
}

/* A finding: what the fleet keeps of it into f, and its code and typed
 * evidence into ef (for a module without a summary, which is digested
 * from its findings: a report of schema_version 1 or 2). */
static int read_finding(rd *d, sd_fleet_finding *f, sd_finding *ef)
{
  sd_jtoken t;
  int have_sev = 0;
  /* The caller has read the finding's '{'. */
  memset(f, 0, sizeof(*f));
  for(;;) {
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      break;
    if(!strcmp(t.str, "code")) {
      if(str_val(d, "code", &f->code))
        return -1;
    }
    else if(!strcmp(t.str, "severity")) {
      if(sev_val(d, "severity", &f->severity))
        return -1;
      have_sev = 1;
    }
    else if(!strcmp(t.str, "title")) {
      if(str_or_null(d, "title", &f->title))
        return -1;
    }
    else if(!strcmp(t.str, "message")) {
      if(str_or_null(d, "message", &f->message))
        return -1;
    }
    else if(!strcmp(t.str, "evidence")) {
      if(read_values(d, &ef->evidence, &ef->nevidence, &ef->cap_evidence,
                     "evidence"))
        return -1;
    }
    else if(!strcmp(t.str, "remediation")) {
      if(read_remediation(d, f))
        return -1;
    }
    else if(!strcmp(t.str, "acknowledged")) {
      f->acknowledged = 1; /* who and why stay in the report */
      if(skip_value(d))
        return -1;
    }
    else if(skip_value(d))
      return -1;
  }
  if(!f->code || !have_sev)
    return sd_jr_fail(d->r, &t, "a finding has no code or no severity");
  ef->code = f->code;
  ef->severity = f->severity;
  return 0;
}

/* "findings": each into fv (what the fleet keeps) and ev (code and
 * evidence, for the summary). */
static int read_findings(rd *d, ptrvec *fv, ptrvec *ev)
{
  sd_jtoken t;
  if(want(d, &t, SD_JT_ARR_BEGIN, "\"findings\" must be an array"))
    return -1;
  for(;;) {
    sd_fleet_finding *f;
    sd_finding *ef;
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_ARR_END)
      return 0;
    if(t.type != SD_JT_OBJ_BEGIN)
      return sd_jr_fail(d->r, &t, "each finding must be an object");
    f = sd_xcalloc(1, sizeof(*f));
    pv_push(fv, f);
    ef = sd_xcalloc(1, sizeof(*ef));
    pv_push(ev, ef);
    if(read_finding(d, f, ef))
      return -1;
  }
}

/* The module's codes (and, with detail, its findings) from fv; its
 * summary from the findings' evidence when the report gave none. */
static void module_done(rd *d, sd_fleet_module *m, ptrvec *fv, ptrvec *ev,
                        int have_summary)
{
  size_t i, cap = m->nsummary;
  m->ncodes = fv->n;
  if(fv->n) {
    m->codes = sd_arena_alloc(d->a, fv->n * sizeof(char *));
    m->code_sev = sd_arena_alloc(d->a, fv->n * sizeof(sd_severity));
    for(i = 0; i < fv->n; i++) {
      const sd_fleet_finding *f = fv->items[i];
      m->codes[i] = f->code;
      m->code_sev[i] = f->severity;
      m->nacked += f->acknowledged != 0;
    }
    if(d->keep_detail)
      m->findings = pv_commit(d->a, fv, sizeof(sd_fleet_finding));
  }
  if(!have_summary) {
    sd_finding *all = sd_xcalloc(ev->n + 1, sizeof(*all));
    for(i = 0; i < ev->n; i++)
      all[i] = *(sd_finding *)ev->items[i];
    sd_summary_derive(sd_summary_rules_of(m->id), all, ev->n, d->a,
                      &m->summary, &m->nsummary, &cap);
    free(all);
  }
}

static void free_vecs(ptrvec *fv, ptrvec *ev)
{
  size_t i;
  for(i = 0; i < fv->n; i++)
    free(fv->items[i]);
  free(fv->items);
  for(i = 0; i < ev->n; i++) {
    free(((sd_finding *)ev->items[i])->evidence);
    free(ev->items[i]);
  }
  free(ev->items);
}

/* The summary's array moves into the arena (the module is kept). */
static void summary_to_arena(rd *d, sd_fleet_module *m)
{
  sd_evidence *s;
  if(!m->nsummary) {
    free(m->summary);
    m->summary = NULL;
    return;
  }
  s = sd_arena_alloc(d->a, m->nsummary * sizeof(*s));
  memcpy(s, m->summary, m->nsummary * sizeof(*s));
  free(m->summary);
  m->summary = s;
}

static int read_module(rd *d, sd_fleet_module *m)
{
  sd_jtoken t;
  int have_status = 0, have_summary = 0, rc = -1;
  ptrvec fv, ev;
  size_t cap = 0;
  memset(&fv, 0, sizeof(fv));
  memset(&ev, 0, sizeof(ev));
  memset(m, 0, sizeof(*m));
  m->applicable = 1;
  for(;;) {
    if(next(d, &t))
      goto done;
    if(t.type == SD_JT_OBJ_END)
      break;
    if(!strcmp(t.str, "id")) {
      if(str_val(d, "id", &m->id))
        goto done;
    }
    else if(!strcmp(t.str, "status")) {
      if(sev_val(d, "status", &m->status))
        goto done;
      have_status = 1;
    }
    else if(!strcmp(t.str, "applicable")) {
      if(bool_val(d, "applicable", &m->applicable))
        goto done;
    }
    else if(!strcmp(t.str, "findings")) {
      if(read_findings(d, &fv, &ev))
        goto done;
    }
    else if(!strcmp(t.str, "summary")) {
      m->nsummary = 0;
      if(read_values(d, &m->summary, &m->nsummary, &cap, "summary"))
        goto done;
      have_summary = 1;
    }
    else if(skip_value(d))
      goto done;
  }
  if(!m->id || !have_status) {
    sd_jr_fail(d->r, &t, "a module has no id or no status");
    goto done;
  }
  module_done(d, m, &fv, &ev, have_summary);
  rc = 0;
done:
  summary_to_arena(d, m);
  free_vecs(&fv, &ev);
  return rc;
}

static int read_host(rd *d)
{
  sd_jtoken t;
  if(want(d, &t, SD_JT_OBJ_BEGIN, "\"host\" must be an object"))
    return -1;
  for(;;) {
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return 0;
    if(!strcmp(t.str, "name")) {
      if(str_or_null(d, "name", &d->name))
        return -1;
    }
    else if(skip_value(d))
      return -1;
  }
}

static int read_tool(rd *d)
{
  sd_jtoken t;
  if(want(d, &t, SD_JT_OBJ_BEGIN, "\"tool\" must be an object"))
    return -1;
  d->have_tool = 1;
  for(;;) {
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return 0;
    if(!strcmp(t.str, "name")) {
      if(next(d, &t))
        return -1;
      d->tool_ok = t.type == SD_JT_STRING && !strcmp(t.str, "srvdoctor");
    }
    else if(skip_value(d))
      return -1;
  }
}

static int read_modules(rd *d)
{
  sd_jtoken t;
  if(want(d, &t, SD_JT_ARR_BEGIN, "\"modules\" must be an array"))
    return -1;
  d->have_modules = 1;
  for(;;) {
    sd_fleet_module *m;
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_ARR_END)
      return 0;
    if(t.type != SD_JT_OBJ_BEGIN)
      return sd_jr_fail(d->r, &t, "each module must be an object");
    m = sd_xcalloc(1, sizeof(*m));
    pv_push(&d->modules, m);
    if(read_module(d, m))
      return -1;
  }
}

/* 0 read, 1 snapshot, -1 error (positioned, in the reader). */
static int read_doc(rd *d)
{
  sd_jtoken t;
  if(next(d, &t))
    return -1;
  if(t.type != SD_JT_OBJ_BEGIN)
    return sd_jr_fail(d->r, &t, "the document is not a JSON object");
  for(;;) {
    if(next(d, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      break;
    if(!strcmp(t.str, "schema_version")) {
      if(next(d, &t))
        return -1;
      if(t.type != SD_JT_NUMBER || !t.is_int)
        return sd_jr_fail(d->r, &t, "\"schema_version\" must be a whole "
                          "number");
      d->version = t.i64;
      d->have_version = 1;
    }
    else if(!strcmp(t.str, "kind")) {
      if(next(d, &t))
        return -1;
      if(t.type == SD_JT_STRING && !strcmp(t.str, "srvdoctor-snapshot")) {
        d->is_snapshot = 1;
        return 1;
      }
      if(t.type == SD_JT_STRING)
        return sd_jr_fail(d->r, &t, "this is not a host report (its kind "
                          "is \"%.40s\")", t.str);
      return sd_jr_fail(d->r, &t, "this is not a host report (it has a "
                        "\"kind\")");
    }
    else if(!strcmp(t.str, "tool")) {
      if(read_tool(d))
        return -1;
    }
    else if(!strcmp(t.str, "collected_at")) {
      const char *s = NULL;
      if(str_or_null(d, "collected_at", &s))
        return -1;
      if(s && sd_time_parse(s, &d->collected_at)) {
        /* t is still the key: its position is given. */
        return sd_jr_fail(d->r, &t, "\"collected_at\" is not a time of the "
                          "form YYYY-MM-DDTHH:MM:SSZ");
      }
    }
    else if(!strcmp(t.str, "host")) {
      if(read_host(d))
        return -1;
    }
    else if(!strcmp(t.str, "status")) {
      if(sev_val(d, "status", &d->status))
        return -1;
      d->have_status = 1;
    }
    else if(!strcmp(t.str, "modules")) {
      if(read_modules(d))
        return -1;
    }
    else if(skip_value(d))
      return -1;
  }
  /* Trailing data after the object is an error too. */
  if(want(d, &t, SD_JT_EOF, "unexpected data after the report"))
    return -1;
  return 0;
}

static void rd_free(rd *d)
{
  size_t i;
  for(i = 0; i < d->modules.n; i++)
    free(d->modules.items[i]);
  free(d->modules.items);
}

/* The reader's message "line L, column C: text" as a sentence part. */
static void json_reason(sd_err *err, const char *msg)
{
  if(msg && strstr(msg, "end of input"))
    sd_err_set(err, SD_EPARSE, "the file ends too early (truncated?): %s",
               msg);
  else
    sd_err_set(err, SD_EPARSE, "not a valid srvdoctor report: %s",
               msg ? msg : "unreadable");
}

/* The document read is a whole srvdoctor report of a version this
 * srvdoctor reads; -1 with err set when not. */
static int report_usable(const rd *d, sd_err *err)
{
  if(!d->have_version || !d->have_tool || !d->tool_ok) {
    sd_err_set(err, SD_EINVAL, "not a srvdoctor report (no schema_version "
               "or tool name \"srvdoctor\")");
    return -1;
  }
  if(d->version < 1 || d->version > SD_REPORT_SCHEMA_VERSION) {
    sd_err_set(err, SD_EINVAL, "a srvdoctor report of schema_version %lld, "
               "which this srvdoctor does not read (it reads 1 to 3)",
               (long long)d->version);
    return -1;
  }
  if(!d->have_status || !d->have_modules) {
    sd_err_set(err, SD_EINVAL, "not a complete srvdoctor report (no status "
               "or no modules)");
    return -1;
  }
  return 0;
}

/* Strings read into the scratch arena move to the fleet's (when the
 * fleet keeps no detail, the reader used a scratch arena). */
/* A summary's strings and array into arena a. */
static sd_evidence *copy_summary(sd_arena *a, const sd_evidence *s, size_t n)
{
  sd_evidence *c;
  size_t i;
  if(!n)
    return NULL;
  c = sd_arena_alloc(a, n * sizeof(*c));
  for(i = 0; i < n; i++) {
    c[i] = s[i];
    c[i].key = sd_arena_strdup(a, s[i].key);
    c[i].str = s[i].str ? sd_arena_strdup(a, s[i].str) : NULL;
  }
  return c;
}

static void keep_strings(sd_fleet *fl, sd_fleet_host *h)
{
  size_t i, k;
  for(i = 0; i < h->nmodules; i++) {
    sd_fleet_module *m = &h->modules[i];
    m->id = sd_arena_strdup(&fl->arena, m->id);
    for(k = 0; k < m->ncodes; k++)
      m->codes[k] = sd_arena_strdup(&fl->arena, m->codes[k]);
    if(m->ncodes) {
      const char **c = sd_arena_alloc(&fl->arena, m->ncodes * sizeof(char *));
      sd_severity *s = sd_arena_alloc(&fl->arena,
                                      m->ncodes * sizeof(sd_severity));
      memcpy((void *)c, m->codes, m->ncodes * sizeof(char *));
      memcpy(s, m->code_sev, m->ncodes * sizeof(sd_severity));
      m->codes = c;
      m->code_sev = s;
    }
    m->summary = copy_summary(&fl->arena, m->summary, m->nsummary);
  }
}

int sd_fleet_add_report_mem(sd_fleet *fl, const char *source,
                            const char *data, size_t len, sd_err *err)
{
  rd d;
  int rc;
  sd_fleet_host *h;
  sd_arena tmp;
  memset(&d, 0, sizeof(d));
  /* Strings go to a scratch arena first, so a refused file costs nothing;
   * the host's strings are copied over once it is accepted. */
  sd_arena_init(&tmp);
  d.a = fl->keep_detail ? &fl->arena : &tmp;
  d.keep_detail = fl->keep_detail;
  d.collected_at = SD_TIME_NONE;
  d.r = sd_jr_new_mem(data, len);
  rc = read_doc(&d);
  if(rc < 0)
    json_reason(err, sd_jr_error(d.r));
  else if(rc == 0 && (rc = report_usable(&d, err)) == 0) {
    h = new_host(fl);
    h->name = sd_arena_strdup(&fl->arena, d.name ? d.name : "(no name)");
    h->source = sd_arena_strdup(&fl->arena, source);
    h->kind = "report";
    h->collected_at = d.collected_at;
    h->report_status = d.status;
    h->status = d.status;
    h->nmodules = d.modules.n;
    h->modules = pv_commit(&fl->arena, &d.modules, sizeof(sd_fleet_module));
    if(!fl->keep_detail)
      keep_strings(fl, h);
  }
  sd_jr_free(d.r);
  rd_free(&d);
  sd_arena_free(&tmp);
  return rc;
}

/* ---- a report made here from a snapshot ---- */
/* A step of an analysed snapshot into the fleet's arena. */
static void copy_step(sd_arena *a, sd_step *to, const sd_step *from)
{
  size_t i;
  *to = *from;
  to->text = sd_arena_strdup(a, from->text);
  to->condition = sd_arena_strdup(a, from->condition);
  to->expect = sd_arena_strdup(a, from->expect);
  to->commands = sd_arena_alloc(a, (from->ncommands + 1) * sizeof(char *));
  to->cap_commands = from->ncommands;
  for(i = 0; i < from->ncommands; i++)
    to->commands[i] = sd_arena_strdup(a, from->commands[i]);
}

/* One module result of a report made here into fm. */
static void add_result_module(sd_fleet *fl, sd_fleet_module *fm,
                              const sd_module_result *m)
{
  sd_arena *a = &fl->arena;
  size_t k, s;
  fm->id = sd_arena_strdup(a, m->id);
  fm->status = m->status;
  fm->applicable = m->applicable;
  fm->ncodes = m->nfindings;
  fm->summary = copy_summary(a, m->summary, m->nsummary);
  fm->nsummary = m->nsummary;
  if(!m->nfindings)
    return;
  fm->codes = sd_arena_alloc(a, m->nfindings * sizeof(char *));
  fm->code_sev = sd_arena_alloc(a, m->nfindings * sizeof(sd_severity));
  if(fl->keep_detail)
    fm->findings = sd_arena_alloc(a, m->nfindings * sizeof(sd_fleet_finding));
  for(k = 0; k < m->nfindings; k++) {
    const sd_finding *f = &m->findings[k];
    fm->codes[k] = sd_arena_strdup(a, f->code);
    fm->code_sev[k] = f->severity;
    fm->nacked += f->ack.active != 0;
    if(fl->keep_detail) {
      sd_fleet_finding *d = &fm->findings[k];
      d->code = fm->codes[k];
      d->severity = f->severity;
      d->title = sd_arena_strdup(a, f->title);
      d->message = sd_arena_strdup(a, f->message);
      d->summary = sd_arena_strdup(a, f->summary);
      d->nsteps = f->nsteps;
      d->steps = sd_arena_alloc(a, (f->nsteps + 1) * sizeof(sd_step));
      for(s = 0; s < f->nsteps; s++)
        copy_step(a, &d->steps[s], &f->steps[s]);
    }
  }
}

void sd_fleet_add_result(sd_fleet *fl, const char *source,
                         const sd_report *rep)
{
  sd_arena *a = &fl->arena;
  sd_fleet_host *h = new_host(fl);
  size_t i;
  h->name = sd_arena_strdup(a, rep->facts && rep->facts->host.name ?
                            rep->facts->host.name : "(no name)");
  h->source = sd_arena_strdup(a, source);
  h->kind = "snapshot";
  h->collected_at = rep->facts ? rep->facts->collected_at : SD_TIME_NONE;
  h->report_status = h->status = rep->status;
  h->nmodules = rep->nmodules;
  h->modules = sd_arena_alloc(a, (rep->nmodules ? rep->nmodules : 1) *
                              sizeof(sd_fleet_module));
  for(i = 0; i < rep->nmodules; i++)
    add_result_module(fl, &h->modules[i], &rep->modules[i]);
}
