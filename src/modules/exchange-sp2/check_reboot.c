/* reboot.c - exchange-sp2: a pending restart, and whether it stops SP2
 * setup or is only recommended. */
#include "check.h"

/* ---- pending restart ----
 *
 * Which restart flags block Exchange 2007 setup.  Setup's readiness check
 * (ExBPA rule of the article "A Restart from a Previous Installation is
 * Pending", technet cc164360(v=exchg.80); facts §3.5) reads only
 * PendingFileRenameOperations and UpdateExeVolatile\Flags: those two stop
 * setup.  The other sources are those of CSS-Exchange's
 * Shared/Get-ServerRebootPending.ps1 (facts §5.3): a restart is worth doing
 * first, but setup does not look at them.  A source not listed here is
 * treated as "recommended". */
typedef struct reboot_rule {
  const char *source;     /* sd_reboot_flag.source */
  int blocks_setup;
  const char *advice;     /* if it is still there after the restart */
} reboot_rule;

static const reboot_rule reboot_rules[] = {
  {"pending-file-rename", 1,
   "PendingFileRenameOperations: if it is back right after the restart, a "
   "program (often antivirus or a backup agent) keeps registering file "
   "moves; find it from the file names in the value and hand it to the "
   "Windows administrator."},
  {"update-exe-volatile", 1,
   "UpdateExeVolatile: if the value stays non-zero after a restart, it is "
   "an orphan left by an old update; do not edit the registry yourself, "
   "hand it to the Windows administrator (the ExBPA article \"A Restart "
   "from a Previous Installation is Pending\" describes it)."},
  {"pending-file-rename-2", 0,
   "PendingFileRenameOperations2: if it is back right after the restart, a "
   "program keeps registering file moves; find it from the file names in "
   "the value and hand it to the Windows administrator."},
  /* Never advice to delete servicing state (issue 16): deleting CBS keys
   * can corrupt Windows servicing, and this flag does not block setup. */
  {"cbs-reboot-pending", 0,
   "Component Based Servicing (RebootPending): Windows is finishing the "
   "installation of an update. Let Windows Update complete, and hand it to "
   "the Windows administrator if it stays after another restart. This flag "
   "does not block SP2 setup; never delete servicing registry keys."},
  {"wu-reboot-required", 0,
   "Windows Update RebootRequired: Windows Update has more to install; "
   "hand it to the Windows administrator."},
  {"sccm-client", 0,
   "Configuration Manager client: the client has a deployment to "
   "complete; hand it to the Configuration Manager administrator."},
};

static const reboot_rule *reboot_rule_of(const char *source)
{
  size_t i;
  for(i = 0; source && i < SD_COUNTOF(reboot_rules); i++)
    if(sd_strieq(reboot_rules[i].source, source))
      return &reboot_rules[i];
  return NULL;
}

static int reboot_blocks(const sd_reboot_flag *rf)
{
  const reboot_rule *rr = reboot_rule_of(rf->source);
  return rr && rr->blocks_setup;
}

/* The pending sources of one kind (blocking or not) as "a, b". */
static int reboot_list(const sd_reboot_list *l, int blocking, sd_buf *out)
{
  size_t i;
  int n = 0;
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    if(rf->st.state != SD_ST_READ || !rf->pending ||
       reboot_blocks(rf) != blocking)
      continue;
    if(n++)
      sd_buf_puts(out, ", ");
    sd_buf_puts(out, sd_str_or(rf->source, "?"));
  }
  return n;
}

/* The steps of both restart findings: look at what is pending and who is
 * using the server, restart in the window (the last resort: it stops
 * Exchange), look again; the advice per source if it stays. */
static void reboot_steps(sd_exch_ctx *c, sd_finding *x,
                         const sd_reboot_list *l, int blocking)
{
  size_t i;
  unsigned plan, recheck;
  sd_step_add(c->r, x, SD_STEP_LOOK, "%s", blocking
              ? "SP2 setup will not start before this restart. Plan a "
                "maintenance window: the restart stops Exchange on this "
                "server for several minutes."
              : "These flags do not stop SP2 setup; restarting first is "
                "only recommended. Plan the restart for a maintenance "
                "window or another convenient time: it stops Exchange on "
                "this server for several minutes.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "In the window, check who is logged on "
              "to this server (a clustered mailbox server node: hand this to "
              "the Exchange administrator, who moves the clustered mailbox "
              "server to the other node first):");
  sd_step_cmd(c->r, x, "query user");
  plan = sd_step_number(x);
  sd_step_add(c->r, x, SD_STEP_LAST_RESORT, "Restart the server (Start > "
              "Shut Down > Restart).");
  sd_step_when(c->r, x, "Only in the maintenance window of step %u, and "
               "only if step %u showed no one else logged on", plan - 1,
               plan);
  sd_exch_step_recheck(c, x);
  recheck = sd_step_number(x);
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    const reboot_rule *rr;
    if(rf->st.state != SD_ST_READ || !rf->pending)
      continue;
    rr = reboot_rule_of(rf->source);
    if(rr)
      sd_step_add(c->r, x, SD_STEP_LOOK, "If step %u still reports it - %s",
                  recheck, rr->advice);
  }
}

void sd_exch_check_reboot(sd_exch_ctx *c)
{
  const sd_reboot_list *l = &c->f->reboot;
  sd_buf blocking, other;
  size_t i;
  int nblock, nother;
  sd_finding *x;
  if(l->st.state != SD_ST_READ) {
    sd_exch_note_unknown(c, "pending restart", &l->st);
    return;
  }
  sd_buf_init(&blocking);
  sd_buf_init(&other);
  nblock = reboot_list(l, 1, &blocking);
  nother = reboot_list(l, 0, &other);
  if(!nblock) {
    /* A source that could not be read is never "no restart". */
    for(i = 0; i < l->count; i++) {
      const sd_reboot_flag *rf = &l->items[i];
      if(rf->st.state == SD_ST_UNREADABLE && (reboot_blocks(rf) || !nother))
        sd_exch_note_unknown(c, sd_arena_printf(c->r->arena, "pending restart "
                                                "source %s",
                                                sd_str_or(rf->source, "?")),
                             &rf->st);
    }
  }
  if(!nblock && !nother) {
    sd_buf_free(&blocking);
    sd_buf_free(&other);
    return;
  }
  if(nblock) {
    x = sd_exch_add(c, "EXCH-PENDING-REBOOT");
    sd_finding_msg(c->r, x, "Windows has a restart pending (%s). Exchange "
                   "setup's readiness check reads exactly these values and "
                   "stops: SP2 setup will not start until the server has "
                   "restarted.%s%s", blocking.data,
                   nother ? " Also pending: " : "", nother ? other.data : "");
    sd_ev_str(c->r, x, "sources", blocking.data);
    if(nother)
      sd_ev_str(c->r, x, "also_pending", other.data);
  }
  else {
    x = sd_exch_add(c, "EXCH-REBOOT-RECOMMENDED");
    sd_finding_msg(c->r, x, "Windows has a restart pending (%s). Exchange "
                   "setup's readiness check does not read these flags "
                   "(only PendingFileRenameOperations and "
                   "UpdateExeVolatile, which are clear), so setup will "
                   "start; restart first anyway, so that the upgrade does "
                   "not run on half-installed Windows updates.", other.data);
    sd_ev_str(c->r, x, "sources", other.data);
    sd_ev_str(c->r, x, "blocking_sources_clear",
              "PendingFileRenameOperations, UpdateExeVolatile");
  }
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    if(rf->st.state == SD_ST_READ && rf->pending)
      sd_ev_str(c->r, x, sd_arena_printf(c->r->arena, "source.%s",
                                         sd_str_or(rf->source, "?")),
                sd_str_or(rf->detail, ""));
    else if(rf->st.state == SD_ST_UNREADABLE)
      sd_ev_str(c->r, x, sd_arena_printf(c->r->arena, "unreadable.%s",
                                         sd_str_or(rf->source, "?")),
                sd_exch_why_of(&rf->st));
  }
  if(nblock)
    sd_fix_summary(c->r, x, "Restart the server in a maintenance window, "
                   "then run srvdoctor again before starting SP2 setup.");
  else
    sd_fix_summary(c->r, x, "Restart the server when convenient, before SP2 "
                   "setup (recommended; these flags do not block setup).");
  reboot_steps(c, x, l, nblock);
  sd_buf_free(&blocking);
  sd_buf_free(&other);
}
