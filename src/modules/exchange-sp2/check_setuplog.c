/* check_setuplog.c - exchange-sp2: the last run of Exchange setup, as
 * ExchangeSetup.log tells it (facts: docs/exchange-sp2-setup-facts.md,
 * table setuplog_facts; the reader is parse_setuplog.c, the collector
 * collect_setuplog.c).
 *
 * A failed last run is named with its step, task and error and, when the
 * error matches a row of the known failures (sd_setuplog_known), with that
 * row's documented cause, remedy and source.  A log that could not be
 * read, or whose last run did not say how it ended, is said to be so.  No
 * log, an empty one, one without a run and a run that succeeded say
 * nothing; neither does a snapshot written before the log was read. */
#include <string.h>

#include "check.h"
#include "exchange-sp2/parse_setuplog.h"

static const sd_slog_known *known_row(const char *id)
{
  size_t i;
  for(i = 0; id && i < sd_setuplog_nknown; i++)
    if(!strcmp(sd_setuplog_known[i].id, id))
      return &sd_setuplog_known[i];
  return NULL;
}

/* Evidence only for what is known. */
static void ev(sd_exch_ctx *c, sd_finding *x, const char *k, const char *v)
{
  if(v && *v)
    sd_ev_str(c->r, x, k, v);
}

static void slog_evidence(sd_exch_ctx *c, sd_finding *x)
{
  const sd_exch_setuplog *l = &c->x->setuplog;
  ev(c, x, "log", l->path);
  if(l->size > 0)
    sd_ev_int(c->r, x, "log_bytes", l->size);
  ev(c, x, "last_run", l->state);
  ev(c, x, "started", l->started);
  ev(c, x, "setup_build", l->build);
}

/* The first step of both findings: where the log is and what to look
 * for in it. */
static void slog_look_step(sd_exch_ctx *c, sd_finding *x, const char *path)
{
  sd_step_add(c->r, x, SD_STEP_LOOK, "Open the setup log in Notepad and go "
              "to its end: the last run of setup begins at the last line "
              "that starts with \"Starting Microsoft Exchange Server\".");
  sd_step_cmd(c->r, x, "notepad \"%s\"", path);
}

static void report_failed(sd_exch_ctx *c, const char *path)
{
  const sd_exch_setuplog *l = &c->x->setuplog;
  const sd_slog_known *k = known_row(l->known);
  const char *err = sd_str_or(l->error, "no error line was found");
  const char *step = l->step ? l->step : l->task;
  sd_finding *x = sd_exch_add(c, "EXCH-SETUP-LOG-FAILED");
  sd_finding_msg(c->r, x, "The last run of Exchange setup%s%s failed%s%s: "
                 "%s", l->started ? " started " : "",
                 l->started ? l->started : "", step ? " at " : "",
                 step ? step : "", err);
  slog_evidence(c, x);
  ev(c, x, "step", l->step);
  ev(c, x, "task", l->task);
  ev(c, x, "error", l->error);
  ev(c, x, "known_failure", k ? k->id : NULL);
  if(k) {
    sd_ev_str(c->r, x, "cause", k->cause);
    sd_ev_str(c->r, x, "source", k->source);
  }
  sd_fix_summary(c->r, x, "%s", k ? k->remedy : "Correct what the error "
                 "names, then run setup again.");
  slog_look_step(c, x, path);
  sd_step_expect(c->r, x, "the first [ERROR] line after it reads: %s", err);
  if(k) {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "This is a known failure. %s "
                "What to do: %s (Source: %s.)", k->cause, k->remedy,
                k->source);
  }
  else {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "Correct what the error names%s%s "
                "(srvdoctor knows no documented remedy for this error), "
                "then run setup again.", step ? " in the step " : "",
                step ? step : "");
  }
  sd_exch_step_recheck(c, x);
}

static void report_unclear(sd_exch_ctx *c, const char *path)
{
  const sd_exch_setuplog *l = &c->x->setuplog;
  int unread = l->st.state == SD_ST_UNREADABLE;
  const char *why = unread ? sd_exch_why_of(&l->st)
                           : sd_str_or(l->why, "it did not say how it "
                                       "ended");
  sd_finding *x = sd_exch_add(c, "EXCH-SETUP-LOG-UNCLEAR");
  if(unread)
    sd_finding_msg(c->r, x, "Exchange setup's log could not be read: %s. "
                   "Whether its last run failed is not known.", why);
  else
    sd_finding_msg(c->r, x, "The last run of Exchange setup did not say "
                   "how it ended (%s): %s", l->state, why);
  slog_evidence(c, x);
  ev(c, x, "why", why);
  sd_fix_summary(c->r, x, "Look at the end of the setup log yourself "
                 "before running setup again.");
  if(unread)
    sd_exch_step_elevated(c, x);
  slog_look_step(c, x, path);
  sd_step_expect(c->r, x, "the run ends with \"End of Setup\"; a line "
                 "with [ERROR] names what went wrong");
  sd_step_add(c->r, x, SD_STEP_LOOK, "If setup is still running (Task "
              "Manager lists Setup.com or ExSetup.exe), wait for it to "
              "finish, then run srvdoctor again:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
}

void sd_exch_check_setup_log(sd_exch_ctx *c)
{
  const sd_exch_setuplog *l = &c->x->setuplog;
  const char *path = sd_str_or(l->path, "C:\\ExchangeSetupLogs\\"
                               "ExchangeSetup.log");
  if(l->st.state == SD_ST_UNREADABLE) {
    report_unclear(c, path);
    return;
  }
  if(l->st.state != SD_ST_READ || !l->state)
    return;
  if(!strcmp(l->state, "failed"))
    report_failed(c, path);
  else if(!strcmp(l->state, "unfinished") || !strcmp(l->state, "truncated")
          || !strcmp(l->state, "unknown"))
    report_unclear(c, path);
}
