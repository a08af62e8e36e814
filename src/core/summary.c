/* summary.c - digesting a module's findings into its fleet summary by the
 * module's rules (summary.h). */
#include "srvdoctor/summary.h"

#include <string.h>

/* Each module's rules, from the module table. */
#define SD_MODULE(cname, id, field, type) \
  extern const sd_sum_rules sd_summary_##cname;
#include "modules.def"
#undef SD_MODULE

static const struct {
  const char *module;
  const sd_sum_rules *rules;
} all_rules[] = {
#define SD_MODULE(cname, id, field, type) {id, &sd_summary_##cname},
#include "modules.def"
#undef SD_MODULE
};

const sd_sum_rules *sd_summary_rules_of(const char *module_id)
{
  size_t i;
  for(i = 0; module_id && i < SD_COUNTOF(all_rules); i++)
    if(sd_streq(all_rules[i].module, module_id))
      return all_rules[i].rules;
  return NULL;
}

/* The evidence ev_key of the first finding of code (any when NULL). */
static const sd_evidence *find_ev(const sd_finding *f, size_t nf,
                                  const char *code, const char *ev_key)
{
  size_t i;
  for(i = 0; i < nf; i++) {
    const sd_evidence *e;
    if(code && !sd_streq(f[i].code, code))
      continue;
    e = sd_finding_evidence(&f[i], ev_key);
    if(e)
      return e;
  }
  return NULL;
}

static int has_code(const sd_finding *f, size_t nf, const char *code)
{
  size_t i;
  for(i = 0; i < nf; i++)
    if(sd_streq(f[i].code, code))
      return 1;
  return 0;
}

/* Does one true/false rule hold? */
static int rule_holds(const sd_sum_rule *r, const sd_finding *f, size_t nf)
{
  const sd_evidence *e;
  if(r->kind == SD_SUM_CODE)
    return has_code(f, nf, r->code);
  e = find_ev(f, nf, r->code, r->ev_key);
  if(r->kind == SD_SUM_HAS)
    return e != NULL;
  return e && e->type == SD_EV_STR && sd_streq(e->str, r->equals);
}

static sd_evidence *add(sd_evidence **out, size_t *n, size_t *cap,
                        const char *key)
{
  sd_evidence *s;
  *out = sd_grow(*out, cap, *n, sizeof(**out));
  s = &(*out)[(*n)++];
  memset(s, 0, sizeof(*s));
  s->key = key;
  return s;
}

void sd_summary_derive(const sd_sum_rules *rules, const sd_finding *f,
                       size_t nf, sd_arena *a, sd_evidence **out,
                       size_t *n, size_t *cap)
{
  size_t i = 0;
  while(rules && i < rules->nrules) {
    const sd_sum_rule *first = &rules->rules[i];
    const sd_evidence *val = NULL;
    int holds = 0;
    for(; i < rules->nrules && sd_streq(rules->rules[i].key, first->key);
        i++) {
      const sd_sum_rule *r = &rules->rules[i];
      if(r->kind != SD_SUM_VALUE)
        holds |= rule_holds(r, f, nf);
      else if(!val)
        val = find_ev(f, nf, r->code, r->ev_key);
    }
    if(first->kind != SD_SUM_VALUE) {
      sd_evidence *s = add(out, n, cap, sd_arena_strdup(a, first->key));
      s->type = SD_EV_BOOL;
      s->num = holds;
    }
    else if(val) {
      sd_evidence *s = add(out, n, cap, sd_arena_strdup(a, first->key));
      s->type = val->type;
      s->num = val->num;
      s->str = val->type == SD_EV_STR ? sd_arena_strdup(a, val->str) : NULL;
    }
  }
}

static const sd_evidence *item(const sd_evidence *s, size_t n,
                               const char *key)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(sd_streq(s[i].key, key))
      return &s[i];
  return NULL;
}

const char *sd_summary_text(const sd_evidence *s, size_t n, const char *key,
                            sd_arena *a)
{
  const sd_evidence *e = item(s, n, key);
  if(!e)
    return NULL;
  if(e->type == SD_EV_INT)
    return sd_arena_printf(a, "%lld", (long long)e->num);
  if(e->type == SD_EV_BOOL)
    return e->num ? "true" : "false";
  return e->str;
}

int sd_summary_true(const sd_evidence *s, size_t n, const char *key)
{
  const sd_evidence *e = item(s, n, key);
  return e && e->type == SD_EV_BOOL && e->num;
}
