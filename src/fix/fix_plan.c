/* fix_plan.c - which findings srvdoctor fix can act on, which finding a
 * --target names, and the plan: the generic part (the code table's fix
 * flags, exact targets, the action's program under this machine's
 * folders), with each module's own rules and prose in its fix hook
 * (src/modules/<id>/fix.c).  Knows no finding code.  Portable: no system
 * calls, so every rule here is unit-tested on any system. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/fix.h"
#include "srvdoctor/module.h"

/* The codes fix acts on, read from the checks' code tables (the fixable
 * flags): a module declares them there and fix needs no change.  Built
 * once; the command line runs one fix at a time. */
#define SD_FIX_MAX_ACTIONS 32
static sd_fix_action actions[SD_FIX_MAX_ACTIONS];
static size_t nactions;
static int actions_built;

static void build_actions(void)
{
  size_t nmods, i, k;
  const sd_module *const *mods = sd_modules(&nmods);
  for(i = 0; i < nmods; i++) {
    for(k = 0; k < mods[i]->ncodes; k++) {
      const sd_code_info *ci = &mods[i]->codes[k];
      sd_fix_action *a;
      if(!(ci->fixable & SD_FIX_YES))
        continue;
      /* More fixable codes than the table holds is a programming error
       * that the unit tests catch. */
      if(nactions >= SD_FIX_MAX_ACTIONS)
        abort();
      a = &actions[nactions++];
      a->code = ci->code;
      a->module = ci->module;
      a->kind = ci->fixable & SD_FIX_WORKER ? SD_FIX_END_WORKER
                                            : SD_FIX_RUN_PROGRAM;
      a->needs_force = (ci->fixable & SD_FIX_FORCE) != 0;
    }
  }
  actions_built = 1;
}

const sd_fix_action *sd_fix_actions(size_t *count)
{
  if(!actions_built)
    build_actions();
  *count = nactions;
  return actions;
}

const sd_fix_action *sd_fix_action_find(const char *code)
{
  size_t i, n;
  const sd_fix_action *a = sd_fix_actions(&n);
  if(!code)
    return NULL;
  for(i = 0; i < n; i++)
    if(sd_strieq(a[i].code, code))
      return &a[i];
  return NULL;
}

/* ---- the modules' fix hooks, from the module table ---- */

#define SD_MODULE(cname, id, field, type) \
  extern const sd_fix_hook sd_fix_hook_##cname;
#include "modules.def"
#undef SD_MODULE

static const struct {
  const char *module;
  const sd_fix_hook *hook;
} hooks[] = {
#define SD_MODULE(cname, id, field, type) {id, &sd_fix_hook_##cname},
#include "modules.def"
#undef SD_MODULE
};

const sd_fix_hook *sd_fix_hook_of(const char *code)
{
  const sd_code_info *ci = code ? sd_code_find(code) : NULL;
  size_t i;
  for(i = 0; ci && i < SD_COUNTOF(hooks); i++)
    if(sd_streq(hooks[i].module, ci->module))
      return hooks[i].hook;
  return NULL;
}

/* ---- identities ---- */

int sd_fix_target_matches(const sd_finding *x, const char *target,
                          int *by_name)
{
  const sd_fix_hook *hook = sd_fix_hook_of(x->code);
  int named = 0;
  if(by_name)
    *by_name = 0;
  if(!target || !*target || !x->target)
    return 0;
  if(sd_target_same(target, x->target))
    return 1;
  if(!sd_fix_action_find(x->code) || !hook || !hook->target_matches ||
     !hook->target_matches(x, target, &named))
    return 0;
  if(by_name)
    *by_name = named;
  return 1;
}

sd_fix_pick sd_fix_pick_finding(const sd_report *rep, const sd_facts *f,
                                const char *code, const char *target,
                                const sd_finding **out, size_t *candidates)
{
  size_t i, k, ncand = 0, nmatch = 0;
  int any_by_name = 0;
  const sd_finding *hit = NULL;
  const sd_fix_hook *hook = sd_fix_hook_of(code);
  *out = NULL;
  for(i = 0; i < rep->nmodules; i++) {
    for(k = 0; k < rep->modules[i].nfindings; k++) {
      const sd_finding *x = &rep->modules[i].findings[k];
      int by_name = 0;
      if(!sd_strieq(x->code, code))
        continue;
      ncand++;
      if(target && !sd_fix_target_matches(x, target, &by_name))
        continue;
      any_by_name |= by_name;
      nmatch++;
      hit = x;
    }
  }
  if(candidates)
    *candidates = ncand;
  if(ncand == 0)
    return SD_FIX_PICK_NONE;
  if(nmatch == 0)
    return SD_FIX_PICK_NO_MATCH;
  if(nmatch > 1)
    return target ? SD_FIX_PICK_AMBIGUOUS : SD_FIX_PICK_NEED_TARGET;
  /* A name is ambiguous when two things carry it, even if only one of
   * them is reported: the admin may mean the other one. */
  if(any_by_name && hook && hook->named && hook->named(f, target) > 1)
    return SD_FIX_PICK_AMBIGUOUS;
  *out = hit;
  if(!hit->fixable || !hit->target || !*hit->target)
    return SD_FIX_PICK_NOT_FIXABLE;
  return SD_FIX_PICK_OK;
}

/* ---- command lines ---- */

void sd_fix_quote_arg(sd_buf *b, const char *arg)
{
  sd_quote_arg(b, arg);
}

void sd_fix_command_line(const sd_fix_plan *p, sd_buf *b)
{
  size_t i;
  /* The program name is split by other rules (up to the next quote, no
   * escapes); a Windows path holds no quote, so quoting it is enough. */
  sd_buf_putc(b, '"');
  sd_buf_puts(b, p->program ? p->program : "");
  sd_buf_putc(b, '"');
  for(i = 0; i < p->nargs; i++) {
    sd_buf_putc(b, ' ');
    sd_fix_quote_arg(b, p->args[i]);
  }
}

/* ---- plans ---- */

int sd_fix_plan_make(const sd_facts *f, const sd_finding *x,
                     const sd_fix_paths *paths, sd_arena *a,
                     sd_fix_plan *p, sd_err *why)
{
  const sd_fix_action *act = sd_fix_action_find(x->code);
  sd_fix_plan tmp;
  int rc;
  memset(&tmp, 0, sizeof(tmp));
  if(!act) {
    sd_err_set(why, SD_EINVAL, "%s has no srvdoctor fix action", x->code);
    return -1;
  }
  if(!x->fixable || !x->target || !*x->target ||
     x->action.kind == SD_ACT_NONE) {
    sd_err_set(why, SD_EINVAL, "the check says this %s finding cannot be "
               "carried out by srvdoctor fix; follow its steps instead",
               x->code);
    return -1;
  }
  if(x->action.kind != (act->kind == SD_FIX_END_WORKER ? SD_ACT_END_WORKER
                                                       : SD_ACT_RUN_PROGRAM)) {
    sd_err_set(why, SD_EINVAL, "the check gave this %s finding an action of "
               "another kind than srvdoctor fix carries out for it",
               x->code);
    return -1;
  }
  tmp.action = act;
  tmp.hook = sd_fix_hook_of(x->code);
  tmp.finding = x;
  tmp.target = x->target;
  if(!tmp.hook || !tmp.hook->plan) {
    sd_err_set(why, SD_EINVAL, "the module that reports %s gives srvdoctor "
               "fix no plan for it", x->code);
    return -1;
  }
  rc = tmp.hook->plan(f, x, paths, a, &tmp, why);
  if(rc == 0)
    *p = tmp;
  return rc;
}
