/* fix.c - the flow of "srvdoctor fix CODE [--target ID] [--yes]":
 *
 *   1. the code must have an action (and HV-VM-SUSPECT needs --force);
 *   2. collect the live facts of that code's module only, again;
 *   3. refuse unless srvdoctor runs elevated;
 *   4. run that module's check and pick the finding --target names; refuse
 *      when the fresh check does not report it or the target is ambiguous;
 *   5. print exactly what would be done and why (the dry run);
 *   6. with --yes, or a "y" typed at a console, do it, print what was
 *      done, check again where that tells something, and write the outcome
 *      to the Application event log when the source is installed.
 *
 * Portable: the machine is reached only through sd_fix_ops. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "srvdoctor/fix.h"
#include "srvdoctor/runner.h"

typedef struct fix_ctx {
  const sd_fix_request *rq;
  const sd_fix_ops *ops;
  sd_options opt;            /* rq->opt, with the module named */
  sd_buf out;
  sd_arena safe;             /* escaped copies of the server's text */
} fix_ctx;

/* Text from the server (a VM name inside a message), escaped for one
 * line of the console: what say() prints of it cannot start a new line. */
static const char *S(fix_ctx *c, const char *s)
{
  sd_buf b;
  const char *r;
  sd_buf_init(&b);
  sd_buf_put_safe(&b, s, 0);
  r = sd_arena_strdup(&c->safe, b.data ? b.data : "");
  sd_buf_free(&b);
  return r;
}

static void say(fix_ctx *c, const char *fmt, ...) SD_PRINTF(2, 3);
/* What fix prints carries names from the server (VM names, update
 * titles): they reach the console the way the text report shows them, so
 * that escape sequences cannot drive the console and a newline in a name
 * cannot split the one-line refusal. */
static void say(fix_ctx *c, const char *fmt, ...)
{
  va_list ap;
  sd_buf raw;
  sd_buf_init(&raw);
  va_start(ap, fmt);
  sd_buf_vprintf(&raw, fmt, ap);
  va_end(ap);
  sd_buf_reset(&c->out);
  sd_buf_put_safe(&c->out, raw.data, 1);
  c->ops->print(c->ops->ctx, c->out.data ? c->out.data : "");
  sd_buf_free(&raw);
}

static int refuse(fix_ctx *c, const char *fmt, ...) SD_PRINTF(2, 3);
static int refuse(fix_ctx *c, const char *fmt, ...)
{
  va_list ap;
  sd_buf b, safe;
  sd_buf_init(&b);
  va_start(ap, fmt);
  sd_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  sd_buf_init(&safe);
  sd_buf_put_safe(&safe, b.data, 0);
  c->ops->error(c->ops->ctx, safe.data ? safe.data : "");
  sd_buf_free(&safe);
  sd_buf_free(&b);
  return SD_FIX_EXIT_REFUSED;
}

/* The command that does it, for the person to copy. */
static void do_it_command(const fix_ctx *c, const sd_finding *x, sd_buf *b)
{
  sd_fix_offer_command(x, b); /* the command the report offers */
  sd_buf_puts(b, " --yes");
  /* The tuning the check ran with, so that it sees the same again. */
  sd_options_nondefault(&c->rq->opt, b);
}

/* "ID (name)" of each finding with code, for refusals (the name as the
 * module's fix hook describes it). */
static void list_candidates(const sd_report *rep, const char *code,
                            sd_buf *b)
{
  const sd_fix_hook *hook = sd_fix_hook_of(code);
  size_t i, k, n = 0;
  for(i = 0; i < rep->nmodules; i++) {
    for(k = 0; k < rep->modules[i].nfindings; k++) {
      const sd_finding *x = &rep->modules[i].findings[k];
      if(!sd_strieq(x->code, code))
        continue;
      sd_buf_printf(b, "%s%s", n++ ? ", " : "",
                    x->target ? x->target : "(no target)");
      if(hook && hook->describe)
        hook->describe(x, b);
    }
  }
}

/* Which of the finding's steps fix carries out, of what kind, and the
 * warning of those steps, before anything is done. */
static void print_fix_steps(fix_ctx *c, const sd_finding *x)
{
  size_t i;
  sd_step_kind kind = sd_fix_gravest(x);
  const char *what = kind == SD_STEP_LAST_RESORT ? "the last resort" :
                     "a change to this server";
  if(!x->fix_first)
    return;
  if(x->fix_last > x->fix_first)
    say(c, "This carries out steps %u-%u of the finding, %s:\n",
        x->fix_first, x->fix_last, what);
  else
    say(c, "This carries out step %u of the finding, %s:\n", x->fix_first,
        what);
  for(i = 0; i < x->nsteps; i++) {
    const sd_step *sp = &x->steps[i];
    if(sp->alternative || sp->number < x->fix_first ||
       sp->number > x->fix_last)
      continue;
    say(c, "  %u. %s%s%s\n", sp->number,
        S(c, sp->condition ? sp->condition : ""), sp->condition ? ": " : "",
        S(c, sp->text));
  }
  if(x->fix_warning)
    say(c, "Warning: %s\n", S(c, x->fix_warning));
  if(x->fix_first > 1)
    say(c, "Do steps 1-%u of the finding first (srvdoctor check --only "
        "shows them with this server's values); go on only where their "
        "conditions say so.\n", x->fix_first - 1);
  say(c, "\n");
}

static void print_plan(fix_ctx *c, const sd_fix_plan *p, int dry)
{
  const sd_finding *x = p->finding;
  sd_buf b;
  sd_buf_init(&b);
  say(c, "srvdoctor fix %s%s\n\n", x->code,
      dry ? " - dry run: nothing has been changed" : "");
  say(c, "The check srvdoctor just ran on this machine reports:\n"
      "  %s (%s): %s\n  %s\n", x->code, sd_severity_name(x->severity),
      S(c, x->title ? x->title : ""), S(c, x->message ? x->message : ""));
  say(c, "Target: %s\n\n", S(c, p->target));
  print_fix_steps(c, x);
  say(c, "%s\n  %s\n", dry ? "What srvdoctor would do:" :
      "What srvdoctor does now:", S(c, p->what));
  if(p->program) {
    sd_fix_command_line(p, &b);
    say(c, "  Command: %s\n", S(c, b.data));
  }
  if(x->summary)
    say(c, "Why: %s\n", S(c, x->summary));
  if(p->after)
    say(c, "Afterwards: %s\n", S(c, p->after));
  sd_buf_free(&b);
}

static void event_text(const sd_facts *f, const sd_fix_plan *p,
                       const sd_fix_outcome *o, sd_buf *b)
{
  sd_buf_printf(b, "srvdoctor %s fix %s on %s: %s.\r\n", SD_VERSION,
                p->finding->code, sd_str_or(f->host.name, "this computer"),
                o->done ? "carried out" : o->refused ? "refused" : "failed");
  sd_buf_printf(b, "Target: %s\r\n", p->target);
  if(p->event_detail)
    sd_buf_printf(b, "%s\r\n", p->event_detail);
  if(p->program) {
    sd_buf_puts(b, "Command: ");
    sd_fix_command_line(p, b);
    sd_buf_puts(b, "\r\n");
  }
  if(o->have_exit_code)
    sd_buf_printf(b, "Exit code: %lu\r\n", (unsigned long)o->exit_code);
  sd_buf_printf(b, "Outcome: %s\r\n", o->msg);
  sd_buf_printf(b, "Requested by: %s", sd_str_or(f->host.user, "unknown"));
}

/* Check again after an uninstaller: is the finding gone? 1 gone, 0 still
 * there, -1 could not tell. */
static int recheck(fix_ctx *c, const sd_module *m, const sd_fix_plan *p)
{
  sd_facts f;
  sd_report rep;
  sd_err err;
  const sd_finding *x = NULL;
  size_t n = 0;
  int rc;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(c->ops->collect(c->ops->ctx, &f, m->needs | SD_NEED_HOST, &c->opt,
                     &err)) {
    sd_facts_free(&f);
    return -1;
  }
  sd_report_init(&rep, &f);
  sd_run_checks(&f, &c->opt, &m, 1, &rep);
  rc = sd_fix_pick_finding(&rep, &f, p->finding->code, p->target, &x, &n);
  sd_report_free(&rep);
  sd_facts_free(&f);
  return rc == SD_FIX_PICK_NONE || rc == SD_FIX_PICK_NO_MATCH ? 1 : 0;
}

static int carry_out(fix_ctx *c, const sd_module *m, const sd_facts *f,
                     const sd_fix_plan *p)
{
  sd_fix_outcome o;
  sd_buf b;
  sd_err err;
  int ok, ev;
  memset(&o, 0, sizeof(o));
  say(c, "\nDoing it now.\n");
  c->ops->act(c->ops->ctx, p, &o);
  if(o.done && p->recheck) {
    int gone = recheck(c, m, p);
    size_t n = strlen(o.msg);
    const char *add =
      gone == 1 ? " A fresh check no longer reports it." :
      gone == 0 && o.restart_needed ? " A fresh check still reports it; "
      "that can change only after the restart." :
      gone == 0 ? " But a fresh check still reports it, so it was not "
      "removed." : " Whether it is gone could not be checked again.";
    snprintf(o.msg + n, sizeof(o.msg) - n, "%s", add);
    if(gone == 0 && !o.restart_needed)
      o.done = 0;
  }
  ok = o.done;
  if(ok)
    say(c, "Done: %s\n", S(c, o.msg));
  else
    refuse(c, "%s", o.msg);
  if(ok && p->after)
    say(c, "Next: %s\n", S(c, p->after));
  sd_buf_init(&b);
  event_text(f, p, &o, &b);
  sd_err_clear(&err);
  ev = c->ops->event(c->ops->ctx, ok, b.data, &err);
  if(ev > 0)
    say(c, "The outcome was written to the Application event log (source "
        "srvdoctor, event ID %d).\n",
        ok ? SD_EVENT_ID_FIX_DONE : SD_EVENT_ID_FIX_FAILED);
  else if(ev == 0)
    say(c, "The event source srvdoctor is not installed, so the outcome "
        "was not written to the event log (srvdoctor eventlog install "
        "registers it).\n");
  else
    c->ops->error(c->ops->ctx, err.msg[0] ? err.msg :
                  "the outcome could not be written to the event log");
  sd_buf_free(&b);
  return ok ? SD_FIX_EXIT_OK : SD_FIX_EXIT_REFUSED;
}

static int elevated_or_refuse(fix_ctx *c, const sd_facts *f)
{
  const sd_host *h = &f->host;
  if(h->elevation_st.state != SD_ST_READ)
    return refuse(c, "srvdoctor could not tell whether it runs elevated "
                  "(%s), and fix acts only with administrator rights: run "
                  "it from a Command Prompt opened with \"Run as "
                  "administrator\".",
                  sd_str_or(h->elevation_st.why,
                            sd_state_name(h->elevation_st.state)));
  if(!h->elevated || !h->admin_member)
    return refuse(c, "srvdoctor fix needs administrator rights and runs "
                  "without them%s%s: log on as a member of the local "
                  "Administrators group, right-click Command Prompt, choose "
                  "\"Run as administrator\" (on Windows Server 2003: runas "
                  "/user:<administrator> cmd) and run the same command "
                  "again there.", h->user ? " as " : "",
                  h->user ? h->user : "");
  return 0;
}

/* The request can be acted on at all (before looking at the machine):
 * the action of its code and its module; NULL after a refusal. */
static const sd_module *request_ok(fix_ctx *c, const sd_fix_action **act)
{
  const sd_fix_request *rq = c->rq;
  const sd_module *m;
  *act = sd_fix_action_find(rq->code);
  if(!*act) {
    if(sd_code_find(rq->code))
      refuse(c, "%s has no srvdoctor fix action: follow the steps that "
             "srvdoctor explain %s prints.", rq->code, rq->code);
    else
      refuse(c, "unknown finding code \"%.60s\" (srvdoctor list shows the "
             "codes; those marked [fix] have an action).", rq->code);
    return NULL;
  }
  if((*act)->needs_force && !rq->force) {
    refuse(c, "%s rests on one signal only, so srvdoctor acts on it only "
           "with --force. First check it as the finding's steps say "
           "(srvdoctor explain %s); if the problem is real, run the same "
           "command with --force.", (*act)->code, (*act)->code);
    return NULL;
  }
  if(rq->target && !*rq->target) {
    refuse(c, "--target is empty; give the target the finding names (the "
           "--target of the fix command the report offers), or leave "
           "--target out.");
    return NULL;
  }
  m = sd_module_find((*act)->module);
  if(!m)
    refuse(c, "the module %s is not part of this srvdoctor, so %s cannot "
           "be checked.", (*act)->module, (*act)->code);
  return m;
}

/* Why the fresh check gives no finding to act on, as a refusal; 0 when
 * the pick found exactly one. */
static int pick_refused(fix_ctx *c, sd_fix_pick pick,
                        const sd_fix_action *act, const sd_module *m,
                        const sd_report *rep, size_t ncand)
{
  const sd_fix_hook *hook = sd_fix_hook_of(act->code);
  sd_buf b;
  if(pick == SD_FIX_PICK_OK)
    return 0;
  sd_buf_init(&b);
  if(pick != SD_FIX_PICK_NONE && pick != SD_FIX_PICK_NOT_FIXABLE)
    list_candidates(rep, act->code, &b);
  if(pick == SD_FIX_PICK_NONE)
    refuse(c, "the check srvdoctor just ran does not report %s on this "
           "machine, so there is nothing to fix; srvdoctor check --only %s "
           "shows what it reports.", act->code, m->id);
  else if(pick == SD_FIX_PICK_NO_MATCH)
    refuse(c, "the check srvdoctor just ran reports %s, but not for \"%s\": "
           "it reports it for %s. Nothing was changed.", act->code,
           c->rq->target, b.data);
  else if(pick == SD_FIX_PICK_AMBIGUOUS)
    refuse(c, "\"%s\" names more than one %s (findings: %s); give the "
           "exact %s instead. Nothing was changed.", c->rq->target,
           hook && hook->thing ? hook->thing : "item", b.data,
           hook && hook->exact ? hook->exact : "target");
  else if(pick == SD_FIX_PICK_NEED_TARGET)
    refuse(c, "the check reports %s %u times (%s); say which one with "
           "--target. Nothing was changed.", act->code, (unsigned)ncand,
           b.data);
  else
    refuse(c, "the check says this %s finding cannot be carried out by "
           "srvdoctor fix; follow its steps (srvdoctor explain %s).",
           act->code, act->code);
  sd_buf_free(&b);
  return 1;
}

/* Show the plan and, where asked and confirmed, carry it out. */
static int show_and_act(fix_ctx *c, const sd_module *m, const sd_facts *f,
                        const sd_finding *x, const sd_fix_plan *plan)
{
  sd_buf b;
  int rc = SD_FIX_EXIT_OK, act = 0;
  sd_buf_init(&b);
  do_it_command(c, x, &b);
  if(c->rq->yes && !c->rq->target)
    rc = refuse(c, "--yes acts only on a target named with --target; run "
                "without --yes to see what would be done, then: %s", b.data);
  else if(c->rq->yes) {
    print_plan(c, plan, 0);
    act = 1;
  }
  else {
    print_plan(c, plan, 1);
    if(!c->rq->target)
      say(c, "\nNothing was changed. To do it, name the target and confirm:"
          "\n  %s\n", S(c, b.data));
    else if(!c->ops->stdin_console(c->ops->ctx))
      say(c, "\nNothing was changed (dry run). To do it, run:\n  %s\n",
          S(c, b.data));
    else if(!c->ops->confirm(c->ops->ctx, "\nDo it now? Type y and press "
                             "Enter to go ahead, anything else to stop: "))
      say(c, "Nothing was changed.\n");
    else
      act = 1;
  }
  sd_buf_free(&b);
  return act ? carry_out(c, m, f, plan) : rc;
}

static int run(fix_ctx *c)
{
  const sd_fix_action *act;
  const sd_module *m = request_ok(c, &act);
  const sd_finding *x = NULL;
  sd_facts f;
  sd_report rep;
  sd_arena arena;
  sd_fix_plan plan;
  sd_err err;
  size_t ncand = 0;
  int rc = SD_FIX_EXIT_REFUSED;
  sd_fix_pick pick;
  if(!m)
    return SD_FIX_EXIT_REFUSED;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(c->ops->collect(c->ops->ctx, &f, m->needs | SD_NEED_HOST, &c->opt,
                     &err)) {
    sd_facts_free(&f);
    return refuse(c, "%s.", err.msg[0] ? err.msg :
                  "the facts of this machine could not be collected");
  }
  if(elevated_or_refuse(c, &f)) {
    sd_facts_free(&f);
    return SD_FIX_EXIT_REFUSED;
  }
  sd_report_init(&rep, &f);
  sd_run_checks(&f, &c->opt, &m, 1, &rep);
  sd_arena_init(&arena);
  sd_err_clear(&err);
  pick = sd_fix_pick_finding(&rep, &f, act->code, c->rq->target, &x, &ncand);
  if(!pick_refused(c, pick, act, m, &rep, ncand)) {
    if(sd_fix_plan_make(&f, x, &c->ops->paths, &arena, &plan, &err))
      refuse(c, "srvdoctor will not act on %s %s: %s. Nothing was changed.",
             act->code, x->target, err.msg);
    else
      rc = show_and_act(c, m, &f, x, &plan);
  }
  sd_arena_free(&arena);
  sd_report_free(&rep);
  sd_facts_free(&f);
  return rc;
}

int sd_fix_run(const sd_fix_request *rq, const sd_fix_ops *ops)
{
  fix_ctx c;
  int rc;
  memset(&c, 0, sizeof(c));
  c.rq = rq;
  c.ops = ops;
  c.opt = rq->opt;
  /* The module is named, as with check --only: a module that stays quiet
   * when it does not apply speaks up when it is asked for. */
  c.opt.only_given = 1;
  sd_buf_init(&c.out);
  sd_arena_init(&c.safe);
  rc = run(&c);
  sd_buf_free(&c.out);
  sd_arena_free(&c.safe);
  return rc;
}
