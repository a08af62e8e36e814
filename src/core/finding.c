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
  size_t i;
  for(i = 0; i < SD_COUNTOF(sev_names); i++) {
    if(sd_streq(s, sev_names[i])) {
      *out = (sd_severity)i;
      return 0;
    }
  }
  return -1;
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

void sd_fix_step(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  const char *s;
  va_start(ap, fmt);
  s = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  f->steps = str_push(f->steps, &f->nsteps, &f->cap_steps, s);
}

void sd_fix_cmd(sd_module_result *r, sd_finding *f, const char *fmt, ...)
{
  va_list ap;
  const char *s;
  va_start(ap, fmt);
  s = sd_arena_vprintf(r->arena, fmt, ap);
  va_end(ap);
  f->commands = str_push(f->commands, &f->ncommands, &f->cap_commands, s);
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
