/* finding.c - severities and the finding builders used by the checks. */
#include "srvdoctor/finding.h"

#include <stdlib.h>
#include <string.h>

static const char *const sev_names[] = {"ok", "info", "unknown", "warning",
                                        "critical"};

const char *sd_severity_name(sd_severity s)
{
  if((unsigned)s < SD_COUNTOF(sev_names))
    return sev_names[s];
  return "unknown";
}

int sd_severity_parse(const char *s, sd_severity *out)
{
  int i = sd_name_index(sev_names, SD_COUNTOF(sev_names), s);
  if(i < 0)
    return -1;
  *out = (sd_severity)i;
  return 0;
}

int sd_severity_rank(sd_severity s)
{
  switch(s) {
  case SD_SEV_OK:
  case SD_SEV_INFO: return 0;
  case SD_SEV_UNKNOWN: return 1;
  case SD_SEV_WARNING: return 2;
  case SD_SEV_CRITICAL: return 3;
  }
  return 1;
}

int sd_severity_exit_code(sd_severity s)
{
  switch(s) {
  case SD_SEV_OK:
  case SD_SEV_INFO: return 0;
  case SD_SEV_WARNING: return 1;
  case SD_SEV_CRITICAL: return 2;
  case SD_SEV_UNKNOWN: return 3;
  }
  return 3;
}

sd_severity sd_severity_worst(sd_severity a, sd_severity b)
{
  int ra = sd_severity_rank(a), rb = sd_severity_rank(b);
  if(ra != rb)
    return ra > rb ? a : b;
  /* Same rank (ok/info): info says more than ok. */
  return a > b ? a : b;
}

sd_finding *sd_result_add(sd_module_result *r, const char *code,
                          sd_severity sev, const char *title)
{
  sd_finding *f;
  r->findings = sd_grow(r->findings, &r->cap_findings, r->nfindings,
                        sizeof(*f));
  f = &r->findings[r->nfindings++];
  memset(f, 0, sizeof(*f));
  f->code = sd_arena_strdup(r->arena, code);
  f->severity = sev;
  f->title = sd_arena_strdup(r->arena, title);
  return f;
}

sd_finding *sd_result_code(sd_module_result *r, const sd_code_info *codes,
                           size_t ncodes, const char *code)
{
  size_t i;
  for(i = 0; i < ncodes; i++)
    if(!strcmp(codes[i].code, code))
      return sd_result_add(r, code, codes[i].severity, codes[i].title);
  abort(); /* a programming error: every code a check uses is in its table */
}

void sd_finding_msg(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  f->message = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
}

static sd_evidence *ev_add(sd_module_result *r, sd_finding *f, const char *key)
{
  sd_evidence *e;
  size_t i;
  /* A key given twice replaces the earlier value: evidence is a map. */
  for(i = 0; i < f->nevidence; i++) {
    if(!strcmp(f->evidence[i].key, key)) {
      e = &f->evidence[i];
      memset(e, 0, sizeof(*e));
      e->key = sd_arena_strdup(r->arena, key);
      return e;
    }
  }
  f->evidence = sd_grow(f->evidence, &f->cap_evidence, f->nevidence,
                        sizeof(*e));
  e = &f->evidence[f->nevidence++];
  memset(e, 0, sizeof(*e));
  e->key = sd_arena_strdup(r->arena, key);
  return e;
}

void sd_ev_str(sd_module_result *r, sd_finding *f, const char *key,
               const char *val)
{
  sd_evidence *e = ev_add(r, f, key);
  e->type = SD_EV_STR;
  e->str = sd_arena_strdup(r->arena, val ? val : "");
}

void sd_ev_strf(sd_module_result *r, sd_finding *f, const char *key,
                const char *fmt, ...)
{
  va_list ap;
  sd_evidence *e = ev_add(r, f, key);
  e->type = SD_EV_STR;
  va_start(ap, fmt);
  e->str = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
}

void sd_ev_int(sd_module_result *r, sd_finding *f, const char *key, int64_t v)
{
  sd_evidence *e = ev_add(r, f, key);
  e->type = SD_EV_INT;
  e->num = v;
}

void sd_ev_bool(sd_module_result *r, sd_finding *f, const char *key, int v)
{
  sd_evidence *e = ev_add(r, f, key);
  e->type = SD_EV_BOOL;
  e->num = v ? 1 : 0;
}

void sd_fix_summary(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  f->summary = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
}

static const char **str_push(const char **items, size_t *count, size_t *cap,
                             const char *s)
{
  items = sd_grow((void *)items, cap, *count, sizeof(char *));
  items[(*count)++] = s;
  return items;
}

static const char *const step_kind_names[] = {"look", "change",
                                              "last_resort", "unset"};

const char *sd_step_kind_name(sd_step_kind k)
{
  if((unsigned)k < SD_COUNTOF(step_kind_names))
    return step_kind_names[k];
  return "unset";
}

int sd_step_kind_parse(const char *s, sd_step_kind *out)
{
  int i = sd_name_index(step_kind_names, SD_COUNTOF(step_kind_names), s);
  if(i < 0)
    return -1;
  *out = (sd_step_kind)i;
  return 0;
}

unsigned sd_step_number(const sd_finding *f)
{
  return f->nsteps ? f->steps[f->nsteps - 1].number : 0;
}

static sd_step *step_push(sd_module_result *r, sd_finding *f,
                          sd_step_kind kind, int alternative,
                          const char *fmt, va_list ap) SD_VPRINTF(5);
static sd_step *step_push(sd_module_result *r, sd_finding *f,
                          sd_step_kind kind, int alternative,
                          const char *fmt, va_list ap)
{
  sd_step *st;
  unsigned last = sd_step_number(f);
  f->steps = sd_grow(f->steps, &f->cap_steps, f->nsteps, sizeof(*st));
  st = &f->steps[f->nsteps++];
  memset(st, 0, sizeof(*st));
  st->kind = kind;
  /* An alternative needs a step to be the alternative of. */
  st->alternative = alternative && last > 0;
  st->number = st->alternative ? last : last + 1;
  st->text = sd_arena_vprintf(r->arena, fmt, ap);
  return st;
}

sd_step *sd_step_add(sd_module_result *r, sd_finding *f, sd_step_kind kind,
                     const char *fmt, ...)
{
  va_list ap;
  sd_step *st;
  va_start(ap, fmt);
  st = step_push(r, f, kind, 0, fmt, ap);
  va_end(ap);
  return st;
}

sd_step *sd_step_alt(sd_module_result *r, sd_finding *f, sd_step_kind kind,
                     const char *fmt, ...)
{
  va_list ap;
  sd_step *st;
  va_start(ap, fmt);
  st = step_push(r, f, kind, 1, fmt, ap);
  va_end(ap);
  return st;
}

/* The step the other builders fill in: the last one (a command given
 * before any step is a programming error; it gets an unclassified step of
 * its own, which the literal-reader test refuses). */
static sd_step *step_last(sd_module_result *r, sd_finding *f)
{
  if(!f->nsteps)
    return sd_step_add(r, f, SD_STEP_UNSET, "%s", "Run:");
  return &f->steps[f->nsteps - 1];
}

void sd_step_cmd(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  const char *s;
  sd_step *st = step_last(r, f);
  va_start(ap, fmt);
  s = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  st->commands = str_push(st->commands, &st->ncommands, &st->cap_commands, s);
}

void sd_step_when(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  sd_step *st = step_last(r, f);
  va_start(ap, fmt);
  st->condition = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
}

void sd_step_expect(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  sd_step *st = step_last(r, f);
  va_start(ap, fmt);
  st->expect = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
}

void sd_fix_steps(sd_module_result *r, sd_finding *f, unsigned first,
                  unsigned last, const char *warning)
{
  f->fix_first = first;
  f->fix_last = last < first ? first : last;
  f->fix_warning = warning ? sd_arena_strdup(r->arena, warning) : NULL;
}

sd_step_kind sd_fix_gravest(const sd_finding *f)
{
  size_t i;
  sd_step_kind kind = SD_STEP_CHANGE;
  for(i = 0; i < f->nsteps; i++) {
    const sd_step *sp = &f->steps[i];
    if(!sp->alternative && sp->number >= f->fix_first &&
       sp->number <= f->fix_last && sp->kind == SD_STEP_LAST_RESORT)
      kind = SD_STEP_LAST_RESORT;
  }
  return kind;
}

void sd_fix_offer_command(const sd_finding *f, sd_buf *out)
{
  sd_buf_puts(out, "srvdoctor fix ");
  sd_buf_puts(out, f->code);
  if(f->target) {
    sd_buf_puts(out, " --target ");
    sd_quote_arg(out, f->target);
  }
  if(f->fix_force)
    sd_buf_puts(out, " --force");
}

void sd_fix_offer_sentence(const sd_finding *f, sd_buf *out)
{
  if(f->fix_first && f->fix_last > f->fix_first)
    sd_buf_printf(out, "srvdoctor can do steps %u-%u for you", f->fix_first,
                  f->fix_last);
  else if(f->fix_first)
    sd_buf_printf(out, "srvdoctor can do step %u for you", f->fix_first);
  else
    sd_buf_puts(out, "srvdoctor can do this for you");
  if(f->fix_first && sd_fix_gravest(f) == SD_STEP_LAST_RESORT)
    sd_buf_puts(out, ", the last resort");
  sd_buf_putc(out, '.');
  if(f->fix_warning) {
    sd_buf_putc(out, ' ');
    sd_buf_puts(out, f->fix_warning);
  }
}

void sd_finding_free_steps(sd_finding *f)
{
  size_t i;
  for(i = 0; i < f->nsteps; i++)
    free((void *)f->steps[i].commands);
  free(f->steps);
  f->steps = NULL;
  f->nsteps = f->cap_steps = 0;
}

size_t sd_finding_ncommands(const sd_finding *f)
{
  size_t i, n = 0;
  for(i = 0; i < f->nsteps; i++)
    n += f->steps[i].ncommands;
  return n;
}

const char *sd_finding_command(const sd_finding *f, size_t k)
{
  size_t i;
  for(i = 0; i < f->nsteps; i++) {
    if(k < f->steps[i].ncommands)
      return f->steps[i].commands[k];
    k -= f->steps[i].ncommands;
  }
  return NULL;
}

void sd_fix_target(sd_module_result *r, sd_finding *f, const char *target)
{
  f->target = sd_arena_strdup(r->arena, target);
}

void sd_result_finish(sd_module_result *r)
{
  /* Most severe first, keeping the module's order within one severity:
   * one pass per severity, so thousands of findings stay linear. */
  static const sd_severity order[] = {SD_SEV_CRITICAL, SD_SEV_WARNING,
                                      SD_SEV_UNKNOWN, SD_SEV_INFO, SD_SEV_OK};
  sd_severity worst = SD_SEV_OK;
  sd_finding *sorted;
  size_t i, k, n = 0;
  if(r->nfindings > 1) {
    sorted = sd_xmalloc(r->nfindings * sizeof(*sorted));
    for(k = 0; k < SD_COUNTOF(order); k++)
      for(i = 0; i < r->nfindings; i++)
        if(r->findings[i].severity == order[k])
          sorted[n++] = r->findings[i];
    memcpy(r->findings, sorted, n * sizeof(*sorted));
    free(sorted);
  }
  for(i = 0; i < r->nfindings; i++)
    if(!r->findings[i].ack.active)
      worst = sd_severity_worst(worst, r->findings[i].severity);
  r->status = worst;
}

const sd_evidence *sd_finding_evidence(const sd_finding *f, const char *key)
{
  size_t i;
  for(i = 0; i < f->nevidence; i++)
    if(!strcmp(f->evidence[i].key, key))
      return &f->evidence[i];
  return NULL;
}

/* ---- typed figures ---- */

sd_measure *sd_result_measure(sd_module_result *r, const sd_measure *desc,
                              int known, int64_t value)
{
  sd_measure *m;
  r->measures = sd_grow(r->measures, &r->cap_measures, r->nmeasures,
                        sizeof(*m));
  m = &r->measures[r->nmeasures++];
  *m = *desc;
  m->known = known;
  m->value = known ? value : 0;
  return m;
}

sd_series *sd_result_series(sd_module_result *r, const char *name,
                            const char *title, sd_unit unit)
{
  sd_series *s;
  r->series = sd_grow(r->series, &r->cap_series, r->nseries, sizeof(*s));
  s = &r->series[r->nseries++];
  memset(s, 0, sizeof(*s));
  s->name = sd_arena_strdup(r->arena, name);
  s->title = sd_arena_strdup(r->arena, title);
  s->unit = unit;
  return s;
}

void sd_series_point(sd_module_result *r, sd_series *s, const char *label,
                     uint64_t value, sd_severity mark, uint32_t pid)
{
  sd_point *p;
  s->points = sd_grow(s->points, &s->cap_points, s->npoints, sizeof(*p));
  p = &s->points[s->npoints++];
  p->label = sd_arena_strdup(r->arena, label);
  p->value = value;
  p->mark = mark;
  p->pid = pid;
}

void sd_series_ref(sd_module_result *r, sd_series *s, const char *label,
                   uint64_t value)
{
  sd_refline *l;
  s->refs = sd_grow(s->refs, &s->cap_refs, s->nrefs, sizeof(*l));
  l = &s->refs[s->nrefs++];
  l->label = sd_arena_strdup(r->arena, label);
  l->value = value;
}

sd_row *sd_result_row(sd_module_result *r, const char *what,
                      const char *where, int known, int64_t actual,
                      const char *why, int64_t needed, const char *remedy)
{
  sd_row *w;
  r->rows = sd_grow(r->rows, &r->cap_rows, r->nrows, sizeof(*w));
  w = &r->rows[r->nrows++];
  w->what = sd_arena_strdup(r->arena, what);
  w->where = sd_arena_strdup(r->arena, where);
  w->known = known;
  w->actual = known ? actual : 0;
  w->why = sd_arena_strdup(r->arena, why);
  w->needed = needed;
  w->remedy = sd_arena_strdup(r->arena, remedy);
  return w;
}

sd_family *sd_result_family(sd_module_result *r, const char *name,
                            const char *help, sd_unit unit,
                            const char *const *keys, size_t nkeys,
                            int perfdata)
{
  sd_family *fam;
  size_t i;
  if(nkeys > SD_FAMILY_MAX_LABELS)
    abort(); /* a programming error, like an unknown code */
  r->families = sd_grow(r->families, &r->cap_families, r->nfamilies,
                        sizeof(*fam));
  fam = &r->families[r->nfamilies++];
  memset(fam, 0, sizeof(*fam));
  fam->name = sd_arena_strdup(r->arena, name);
  fam->help = sd_arena_strdup(r->arena, help);
  fam->unit = unit;
  fam->perfdata = perfdata;
  for(i = 0; i < nkeys; i++)
    fam->keys[i] = sd_arena_strdup(r->arena, keys[i]);
  fam->nkeys = nkeys;
  return fam;
}

sd_lsample *sd_family_sample(sd_module_result *r, sd_family *fam,
                             const char *const *values, const char *perf,
                             int known, int64_t value)
{
  sd_lsample *s;
  size_t i;
  fam->samples = sd_grow(fam->samples, &fam->cap_samples, fam->nsamples,
                         sizeof(*s));
  s = &fam->samples[fam->nsamples++];
  memset(s, 0, sizeof(*s));
  for(i = 0; i < fam->nkeys; i++)
    s->values[i] = sd_arena_strdup(r->arena, values[i] ? values[i] : "");
  s->perf = sd_arena_strdup(r->arena, perf);
  s->known = known;
  s->value = known ? value : 0;
  return s;
}

const sd_family *sd_result_find_family(const sd_module_result *r,
                                       const char *name)
{
  size_t i;
  for(i = 0; i < r->nfamilies; i++)
    if(sd_streq(r->families[i].name, name))
      return &r->families[i];
  return NULL;
}

const sd_measure *sd_result_find_measure(const sd_module_result *r,
                                         const char *name)
{
  size_t i;
  for(i = 0; i < r->nmeasures; i++)
    if(sd_streq(r->measures[i].name, name))
      return &r->measures[i];
  return NULL;
}

const sd_series *sd_result_find_series(const sd_module_result *r,
                                       const char *name)
{
  size_t i;
  for(i = 0; i < r->nseries; i++)
    if(sd_streq(r->series[i].name, name))
      return &r->series[i];
  return NULL;
}

/* ---- actions ---- */

sd_action *sd_finding_action(sd_module_result *r, sd_finding *f,
                             sd_action_kind kind)
{
  (void)r;
  memset(&f->action, 0, sizeof(f->action));
  f->action.kind = kind;
  f->fixable = kind != SD_ACT_NONE;
  return &f->action;
}

void sd_action_arg(sd_module_result *r, sd_action *a, const char *arg)
{
  /* A check adds a fixed, small number of arguments: more than the table
   * holds is a programming error, caught by the unit tests. */
  if(a->nargs >= SD_ACTION_MAX_ARGS)
    abort();
  a->args[a->nargs++] = sd_arena_strdup(r->arena, arg);
}

void sd_quote_arg(sd_buf *b, const char *arg)
{
  const char *p;
  if(*arg && !strpbrk(arg, " \t\n\v\"")) {
    sd_buf_puts(b, arg);
    return;
  }
  sd_buf_putc(b, '"');
  for(p = arg;; p++) {
    size_t nbs = 0, i;
    while(*p == '\\') {
      nbs++;
      p++;
    }
    if(!*p) {
      /* Backslashes before the closing quote are doubled. */
      for(i = 0; i < nbs * 2; i++)
        sd_buf_putc(b, '\\');
      break;
    }
    if(*p == '"') {
      for(i = 0; i < nbs * 2 + 1; i++)
        sd_buf_putc(b, '\\');
      sd_buf_putc(b, '"');
    }
    else {
      for(i = 0; i < nbs; i++)
        sd_buf_putc(b, '\\');
      sd_buf_putc(b, *p);
    }
  }
  sd_buf_putc(b, '"');
}

void sd_action_command(const sd_action *a, sd_buf *out)
{
  size_t i, n;
  const char *prog = a->program ? a->program : "";
  if(a->kind == SD_ACT_END_WORKER) {
    sd_buf_printf(out, "taskkill /PID %u /F", (unsigned)a->pid);
    return;
  }
  if(a->start_wait)
    sd_buf_puts(out, "start /w ");
  if(a->base == SD_BASE_WINDOWS) {
    sd_buf b;
    sd_buf_init(&b);
    sd_buf_puts(&b, "%SystemRoot%\\");
    sd_buf_puts(&b, prog);
    sd_quote_arg(out, b.data);
    sd_buf_free(&b);
  }
  else {
    /* A program in the system folder is typed by its name, without .exe. */
    n = strlen(prog);
    if(n > 4 && sd_strieq(prog + n - 4, ".exe")) {
      char *name = sd_xstrdup(prog);
      name[n - 4] = '\0';
      sd_quote_arg(out, name);
      free(name);
    }
    else {
      sd_quote_arg(out, prog);
    }
  }
  for(i = 0; i < a->nargs; i++) {
    sd_buf_putc(out, ' ');
    sd_quote_arg(out, a->args[i]);
  }
}

