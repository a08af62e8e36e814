/* acks.c - acknowledgements applied to a report (srvdoctor/ack.h): the
 * findings they name are marked and stop counting; expired ones and an
 * unusable file are findings of the host module. */
#include <string.h>

#include "srvdoctor/ack.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

/* The host module's result (added when the run left it out). */
static sd_module_result *host_result(sd_report *rep)
{
  const sd_module *m = sd_module_find("host");
  size_t i;
  for(i = 0; i < rep->nmodules; i++)
    if(sd_streq(rep->modules[i].id, "host"))
      return &rep->modules[i];
  return sd_report_add_module(rep, m->id, m->title);
}

static sd_finding *host_code(sd_report *rep, const char *code)
{
  const sd_module *m = sd_module_find("host");
  return sd_result_code(host_result(rep), m->codes, m->ncodes, code);
}

/* Does acknowledgement x name finding f of this report? */
static int names(const sd_ack *x, const sd_finding *f, const char *host)
{
  return sd_strieq(x->code, f->code) &&
         sd_target_same(x->target, sd_ack_target_of(f, host));
}

/* Mark every finding x names; returns how many it names. */
static size_t mark(sd_report *rep, const sd_ack *x, const char *host,
                   int active)
{
  size_t i, k, n = 0;
  for(i = 0; i < rep->nmodules; i++) {
    sd_module_result *m = &rep->modules[i];
    for(k = 0; k < m->nfindings; k++) {
      sd_finding *f = &m->findings[k];
      if(!names(x, f, host))
        continue;
      n++;
      if(!active)
        continue;
      f->ack.active = 1;
      f->ack.by = sd_arena_strdup(&rep->arena, x->by);
      f->ack.at = x->at;
      f->ack.until = x->until;
      f->ack.reason = sd_arena_strdup(&rep->arena, x->reason);
    }
  }
  return n;
}

static void expired(sd_report *rep, const sd_ack *x, size_t found)
{
  sd_finding *f = host_code(rep, "ACK-EXPIRED");
  sd_module_result *r = host_result(rep);
  char until[32];
  sd_buf cmd;
  sd_time_format(x->until, until);
  sd_finding_msg(r, f, "The acknowledgement of %s on %s by %s expired at "
                 "%s (reason: %s); %s", x->code, x->target, x->by, until,
                 x->reason, found ? "the finding is still reported and "
                 "counts again." : "the finding is no longer reported.");
  sd_ev_str(r, f, "code", x->code);
  sd_ev_str(r, f, "target", x->target);
  sd_ev_str(r, f, "by", x->by);
  sd_ev_str(r, f, "until", until);
  sd_ev_str(r, f, "reason", x->reason);
  sd_ev_bool(r, f, "still_reported", found > 0);
  sd_fix_summary(r, f, "Deal with the finding, or acknowledge it again "
                 "with a new date; remove the old entry either way.");
  sd_step_add(r, f, SD_STEP_CHANGE, "Remove the expired acknowledgement:");
  sd_buf_init(&cmd);
  sd_quote_arg(&cmd, x->target);
  sd_step_cmd(r, f, "srvdoctor ack --remove %s --target %s", x->code,
              cmd.data);
  sd_buf_free(&cmd);
}

void sd_acks_apply(sd_report *rep, const sd_acks *acks, sd_time as_of)
{
  const char *host = rep->facts ? rep->facts->host.name : NULL;
  size_t i;
  for(i = 0; i < acks->count; i++) {
    const sd_ack *x = &acks->items[i];
    int active = as_of < x->until;
    size_t found = mark(rep, x, host, active);
    if(!active)
      expired(rep, x, found);
  }
  sd_report_finish(rep);
}

void sd_acks_invalid(sd_report *rep, const char *path, const char *why)
{
  sd_finding *f = host_code(rep, "ACK-FILE-INVALID");
  sd_module_result *r = host_result(rep);
  sd_finding_msg(r, f, "The acknowledgements file %s could not be used: "
                 "%s. No finding is acknowledged in this run.", path, why);
  sd_ev_str(r, f, "file", path);
  sd_ev_str(r, f, "why", why);
  sd_fix_summary(r, f, "Repair or remove the file, then acknowledge again "
                 "with srvdoctor ack.");
  sd_step_add(r, f, SD_STEP_LOOK, "List what srvdoctor can read of it:");
  sd_step_cmd(r, f, "srvdoctor ack --list --acks \"%s\"", path);
  sd_step_add(r, f, SD_STEP_CHANGE, "Rename the damaged file (for example "
              "to acks.json.bad) and acknowledge the findings again.");
  sd_report_finish(rep);
}
