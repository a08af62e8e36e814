/* check_findings.c - the ocs-kb974571 check's findings: one function per
 * verdict, each with its message, evidence and steps. */
#include <stdio.h>
#include <string.h>

#include "check.h"

/* ---- the findings ---- */

/* OCS-KB974571-ROLE-DOWN: LCS/OCS roles other than the Front End stopped
 * with 0xC3E93C23 (Edge, Mediation, A/V, Web Conferencing...), or an
 * activation failed with 0xC3EC78D8, while KB974571 is (or may be)
 * installed. */
void sd_ocs_add_roles_down(sd_module_result *r, const sd_facts *f,
                           const view *v)
{
  osv os = sd_ocs_os_of(f);
  sd_finding *x = sd_ocs_add(r, "OCS-KB974571-ROLE-DOWN");
  if(v->nroles_down) {
    sd_buf names;
    size_t i;
    sd_buf_init(&names);
    for(i = 0; i < v->nroles_down; i++)
      sd_buf_printf(&names, "%s%s", i == 0 ? "" : i + 1 == v->nroles_down
                    ? " and the " : ", the ",
                    sd_ocs_role_label(r->arena, v->roles_down[i]));
    sd_finding_msg(r, x, "The %s %s stopped with error 0xC3E93C23, the "
                   "failure security update KB974571 causes on LCS/OCS "
                   "servers (the server acts as if an expired evaluation "
                   "copy were installed); the users and calls these roles "
                   "serve are cut off.%s%s", names.data,
                   v->nroles_down > 1 ? "have" : "has",
                   v->activation && v->kb == TRI_YES ? sd_arena_printf(
                     r->arena, " Activating an LCS/OCS server role on this "
                     "server also failed with 0xC3EC78D8 (\"Failed to read "
                     "the Office Communications Server version "
                     "information\"), the activation failure KB974571 "
                     "causes.") : "",
                   sd_ocs_partial_sentence(r, v, 1, 0));
    sd_buf_free(&names);
  }
  else
    sd_finding_msg(r, x, "KB974571 is installed here.%s%s",
                   sd_ocs_roles_sentence(r, v),
                   sd_ocs_partial_sentence(r, v, 1, 0));
  sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_roles(r, x, v);
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Run OCSASNFix.exe on this server and start the "
                 "stopped roles; only if that is not possible, remove "
                 "KB974571 and restart.");
  sd_ocs_roles_down_steps(r, x, os, v);
}

/* The evidence of an OCS-KB974571-FE-DOWN finding, whichever step it
 * gives first. */
static void ev_fe_down(sd_module_result *r, sd_finding *x, const sd_facts *f,
                       const view *v)
{
  sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_service(r, x, v);
  sd_ev_str(r, x, "expected_error", "0xC3E93C23 (3286842403)");
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_event(r, x, v);
  sd_ocs_ev_others(r, x, f, v);
  sd_ocs_ev_roles(r, x, v);
}

/* add_fe_down_kb, add_fe_down_other and add_ok need v->fe. */

/* The Front End failed with the KB974571 error and the update's removal
 * waits for a restart (CBS state 0x05): the restart finishes the job. */
static void fe_down_removal_pending(sd_module_result *r, sd_finding *x,
                                    const sd_facts *f, const view *v,
                                    const char *how, osv os)
{
  sd_finding_msg(r, x, "The %s Front End (%s) is %s: %s, the failure "
                 "security update KB974571 causes on LCS/OCS servers. "
                 "KB974571 is already being removed, but the removal waits "
                 "for a restart (CBS state %s): until "
                 "the server restarts, the update stays in effect and the "
                 "Front End cannot start. Communicator users of this server "
                 "cannot sign in.%s%s",
                 sd_ocs_product_label(v), sd_str_or(v->fe->name, FE_NAME),
                 sd_ocs_state_word(v->fe->state), how,
                 sd_ocs_cbs_label(r->arena, SD_CBS_UNINSTALL_PENDING),
                 sd_ocs_roles_sentence(r, v),
                 sd_ocs_partial_sentence(r, v, 0, 1));
  ev_fe_down(r, x, f, v);
  sd_ev_bool(r, x, "partial_evidence", v->events_partial);
  sd_fix_summary(r, x, "Run OCSASNFix.exe (the permanent fix) and start "
                 "the Front End; only if that does not help, restart the "
                 "server to finish removing KB974571; install the update "
                 "again once OCSASNFix.exe has been run.");
  sd_ocs_fe_pending_steps(r, x, os, v);
}

static void add_fe_down_kb(sd_module_result *r, const sd_facts *f,
                           const view *v, int by_service)
{
  osv os = sd_ocs_os_of(f);
  sd_finding *x = sd_ocs_add(r, "OCS-KB974571-FE-DOWN");
  const char *how = by_service
    ? "the service ended with error 0xC3E93C23"
    : "the event log shows error 0xC3E93C23 (the evaluation-expired "
      "failure)";
  int partial = v->kb != TRI_YES || v->events_partial;
  if(v->kb_pending_removal) {
    fe_down_removal_pending(r, x, f, v, how, os);
    return;
  }
  sd_finding_msg(r, x, "The %s Front End (%s) is %s: %s, the failure "
                 "security update KB974571 causes on LCS/OCS servers (the "
                 "server acts as if an expired evaluation copy were "
                 "installed). Communicator users of this server cannot sign "
                 "in.%s%s%s",
                 sd_ocs_product_label(v), sd_str_or(v->fe->name, FE_NAME),
                 sd_ocs_state_word(v->fe->state), how,
                 v->kb_superseded && !v->kb_removable
                 ? " KB974571 has been superseded by a later update that "
                   "carries its change on, so removing KB974571 would not "
                   "bring the Front End back." : "",
                 sd_ocs_roles_sentence(r, v),
                 sd_ocs_partial_sentence(r, v, 1, 1));
  ev_fe_down(r, x, f, v);
  sd_ev_bool(r, x, "partial_evidence", partial);
  sd_fix_summary(r, x, "Run OCSASNFix.exe (the permanent fix) and start the "
                 "Front End; only if that is not possible, remove KB974571 "
                 "and restart, then put it back once OCSASNFix has run.");
  /* srvdoctor fix removes the update only when a route in effect can be
   * removed (cbs.h: Installed; the update.exe routes of 2003), with the
   * removal for this Windows version (none when it is not known). */
  if(v->kb == TRI_YES && v->kb_removable) {
    sd_action a;
    memset(&a, 0, sizeof(a));
    if(sd_ocs_removal_action(r, &a, os, v->cbs_identity) == 0) {
      *sd_finding_action(r, x, SD_ACT_RUN_PROGRAM) = a;
      sd_fix_target(r, x, KB);
    }
  }
  sd_ocs_fe_down_steps(r, x, os, v);
}

static void add_at_risk(sd_module_result *r, const sd_facts *f,
                        const view *v)
{
  osv os = sd_ocs_os_of(f);
  char kbt[32], bt[32];
  sd_finding *x = sd_ocs_add(r, "OCS-KB974571-AT-RISK");
  sd_time_format(v->kb_time, kbt);
  sd_time_format(v->boot, bt);
  if(v->kb_pending_install || v->kb_partial)
    sd_finding_msg(r, x, "KB974571 is %s and the %s Front End still runs. "
                   "Unless "
                   "OCSASNFix.exe has been run on this server, the Front "
                   "End will fail with 0xC3E93C23 after the next restart and "
                   "Communicator users will not be able to sign in.%s",
                   v->kb_pending_install ? "waiting for a restart to "
                   "finish installing" : sd_arena_printf(
                     r->arena, "only partially installed (CBS state %s), so "
                     "it may be in effect after the next restart",
                     sd_ocs_cbs_label(r->arena, SD_CBS_PARTIAL)),
                                      sd_ocs_product_label(v),
                   sd_ocs_partial_sentence(r, v, 0, 0));
  else
    sd_finding_msg(r, x, "KB974571 was installed %s %s, after the last "
                   "restart (%s), and the %s Front End still runs. Unless "
                   "OCSASNFix.exe has been run on this server, the Front "
                   "End will fail with 0xC3E93C23 after the next restart and "
                   "Communicator users will not be able to sign in.",
                   v->kb_date_only ? "on" : "at",
                   v->kb_date_only ? sd_str_or(v->kb_date_text, "?")
                   : kbt[0] ? kbt : "an unknown time", bt[0] ? bt : "unknown",
                   sd_ocs_product_label(v));
  sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_service(r, x, v);
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Before the next restart, run OCSASNFix.exe on this "
                 "server (and the pool's other LCS/OCS servers); if that is "
                 "not possible, remove KB974571 before restarting.");
  sd_ocs_at_risk_steps(r, x, os, v);
}

static void add_fe_down_other(sd_module_result *r, const sd_facts *f,
                              const view *v, int code_seen)
{
  const sd_service *s = v->fe;
  int disabled = s->start_type == 4 && s->config_st.state == SD_ST_READ;
  sd_finding *x = sd_ocs_add(r, "OCS-FE-DOWN");
  const char *reason;
  char hex[16];
  snprintf(hex, sizeof(hex), "0x%08lX", (unsigned long)s->service_exit_code);
  if(code_seen)
    reason = "it failed with 0xC3E93C23 (evaluation expired) although "
             "KB974571 is not installed: this may be a real evaluation copy "
             "whose 180 days have run out";
  else if(s->win32_exit_code == ERR_SERVICE_SPECIFIC)
    reason = sd_arena_printf(r->arena, "it ended with its own error %s, "
                             "which is not the KB974571 error 0xC3E93C23",
                             hex);
  else if(s->win32_exit_code == ERR_LOGON_FAILED)
    reason = "it could not log on with its service account (error 1069): "
             "the account's password is probably wrong or expired";
  else if(disabled)
    reason = "the service is disabled";
  else if(s->win32_exit_code == ERR_NEVER_STARTED)
    reason = "it has not been started since Windows started (error 1077)";
  else if(s->win32_exit_code == 0)
    reason = "it stopped without an error (someone or something stopped "
             "it)";
  else
    reason = sd_arena_printf(r->arena, "it ended with Windows error %lu",
                             (unsigned long)s->win32_exit_code);
  if(!code_seen && v->kb != TRI_NO && v->events_partial)
    sd_finding_msg(r, x, "The %s Front End (%s) is %s: %s. Communicator "
                   "users of this server cannot sign in. KB974571 is %s and "
                   "the event log could not be fully read, so an earlier "
                   "0xC3E93C23 failure caused by KB974571 cannot be ruled "
                   "out.%s", sd_ocs_product_label(v), sd_str_or(s->name,
                                                  FE_NAME),
                   sd_ocs_state_word(s->state),
                   reason, v->kb == TRI_YES ? "installed" : "perhaps "
                   "installed", sd_ocs_partial_sentence(r, v, 1, 1));
  else
    sd_finding_msg(r, x, "The %s Front End (%s) is %s: %s. Communicator "
                   "users of this server cannot sign in. This is not the "
                   "KB974571 problem.%s", sd_ocs_product_label(v),
                   sd_str_or(s->name, FE_NAME),
                   sd_ocs_state_word(s->state), reason,
                   sd_ocs_partial_sentence(r, v, 1, 0));
  sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_service(r, x, v);
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_event(r, x, v);
  sd_ocs_ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Find out why the Front End stopped, fix that, and "
                 "start it again.");
  sd_ocs_fe_other_steps(r, x, v, code_seen, disabled);
}

static void add_unknown(sd_module_result *r, const sd_facts *f,
                        const view *v, const char *what)
{
  sd_finding *x = sd_ocs_add(r, "OCS-UNKNOWN");
  osv os = sd_ocs_os_of(f);
  sd_finding_msg(r, x, "%s%s", what, sd_ocs_partial_sentence(r, v, 1, 1));
  if(v->present == TRI_YES)
    sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_service(r, x, v);
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_event(r, x, v);
  sd_ev_bool(r, x, "partial_evidence", 1);
  sd_fix_summary(r, x, "Run srvdoctor again as an administrator, or check "
                 "the Front End and KB974571 by hand.");
  sd_ocs_unknown_steps(r, x, os);
}

static void add_ok(sd_module_result *r, const sd_facts *f, const view *v,
                   const char *why)
{
  sd_finding *x = sd_ocs_add(r, "OCS-OK");
  sd_finding_msg(r, x, "The %s Front End (%s) is %s; %s",
                 sd_ocs_product_label(v),
                 sd_str_or(v->fe->name, FE_NAME),
                           sd_ocs_state_word(v->fe->state),
                 why);
  sd_ocs_ev_common(r, x, f, v);
  sd_ocs_ev_service(r, x, v);
  sd_ocs_ev_kb(r, x, v);
  sd_ocs_ev_time(r, x, "last_boot", v->boot);
  sd_ocs_ev_others(r, x, f, v);
}

void sd_ocs_add_not_installed(sd_module_result *r, const sd_facts *f,
                              const view *v)
{
  sd_finding *x = sd_ocs_add(r, "OCS-NOT-INSTALLED");
  const char *kbnote = v->kb == TRI_YES
    ? " KB974571 is installed, which is harmless without an LCS/OCS server."
    : "";
  if(f->ocs.nproducts)
    sd_finding_msg(r, x, "No Front End service (%s) is registered here, "
                   "although %s is installed (for example the "
                   "administrative tools or another server role); this "
                   "module checks the Front End only.%s", FE_NAME,
                   sd_str_or(f->ocs.products[0].display_name,
                             "an OCS component"), kbnote);
  else
    sd_finding_msg(r, x, "No Live Communications Server or Office "
                   "Communications Server Front End (service %s) is "
                   "installed, so KB974571 cannot affect it here.%s",
                   FE_NAME, kbnote);
  sd_ev_str(r, x, "service", FE_NAME);
  sd_ev_str(r, x, "service_state", "not installed");
  if(f->ocs.nproducts)
    sd_ev_str(r, x, "product", f->ocs.products[0].display_name);
  sd_ocs_ev_kb(r, x, v);
}

typedef enum kb_when {
  KB_WHEN_UNKNOWN, KB_BEFORE_BOOT, KB_AFTER_BOOT, KB_SAME_DAY
} kb_when;

/* The install time against the last boot.  An InstalledDate is a local
 * day: its 24 hours (plus an hour each side for a daylight-saving change
 * since) either end before the boot, start after it, or hold it - then
 * the date alone cannot decide. */
static kb_when kb_vs_boot(const view *v)
{
  const sd_time slack = 3600, day = 24 * 3600;
  if(v->kb_time == SD_TIME_NONE || v->boot == SD_TIME_NONE)
    return KB_WHEN_UNKNOWN;
  if(!v->kb_date_only)
    return v->kb_time > v->boot ? KB_AFTER_BOOT : KB_BEFORE_BOOT;
  if(v->kb_time - slack > v->boot)
    return KB_AFTER_BOOT;
  if(v->kb_time + day + slack <= v->boot)
    return KB_BEFORE_BOOT;
  return KB_SAME_DAY;
}


/* Everything the verdict looks at, read from the facts. */
void sd_ocs_view_open(const sd_facts *f, view *v)
{
  memset(v, 0, sizeof(*v));
  sd_buf_init(&v->kb_routes);
  sd_buf_init(&v->kb_unread);
  sd_buf_init(&v->cbs_states);
  sd_buf_init(&v->kb_date_unused);
  sd_buf_init(&v->events_why);
  v->kb_time = SD_TIME_NONE;
  v->boot = f->host.boot_st.state == SD_ST_READ ? f->host.boot_time
                                                : SD_TIME_NONE;
  sd_ocs_look_at_presence(f, v);
  sd_ocs_look_at_product(f, v);
  sd_ocs_look_at_kb(f, v);
  sd_ocs_look_at_events(f, v);
  sd_ocs_look_at_roles(f, v);
}

/* Frees what sd_ocs_view_open built. */
void sd_ocs_view_close(view *v)
{
  sd_buf_free(&v->kb_routes);
  sd_buf_free(&v->kb_unread);
  sd_buf_free(&v->cbs_states);
  sd_buf_free(&v->kb_date_unused);
  sd_buf_free(&v->events_why);
}

/* OCS-UNKNOWN when the Front End's presence, or its service, could not be
 * read. */
void sd_ocs_add_fe_unreadable(sd_module_result *r, const sd_facts *f,
                              const view *v)
{
  if(v->present == TRI_UNKNOWN) {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "Whether an LCS/OCS Front End is installed could "
                  "not be determined: %s.", v->presence_why));
  }
  else if(f->services.st.state == SD_ST_READ) {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End's service key (%s) exists in "
                  "the registry, but the Service Control Manager does not "
                  "list the service (it may be marked for deletion, or its "
                  "installation is damaged), so its state is unknown.",
                  sd_ocs_product_label(v), FE_NAME));
  }
  else {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End (%s) is registered, but its "
                  "state could not be read: %s.", sd_ocs_product_label(v),
                    FE_NAME,
                  f->services.st.state == SD_ST_NOT_COLLECTED
                  ? "the services were not collected"
                  : sd_str_or(f->services.st.why, "the services could not "
                              "be listed")));
  }
}

/* A stopped Front End: the KB974571 failure or another cause.  Returns
 * whether the finding names the other stopped roles. */
int sd_ocs_add_fe_stopped(sd_module_result *r, const sd_facts *f,
                          const view *v)
{
  const sd_service *s = v->fe;
  int by_service = s->win32_exit_code == ERR_SERVICE_SPECIFIC &&
                   s->service_exit_code == OCS_ERR;
  if((by_service || v->code_event) && v->kb != TRI_NO) {
    add_fe_down_kb(r, f, v, by_service);
    return 1;
  }
  add_fe_down_other(r, f, v, by_service || v->code_event);
  return 0;
}

/* A running Front End with KB974571 installed: its install time against
 * the last restart decides. */
static void add_by_install_time(sd_module_result *r, const sd_facts *f,
                                const view *v)
{
  const sd_service *s = v->fe;
  if(v->kb_pending_install || v->kb_partial ||
     kb_vs_boot(v) == KB_AFTER_BOOT) {
    add_at_risk(r, f, v);
  }
  else if(kb_vs_boot(v) == KB_SAME_DAY) {
    char bt[32];
    sd_time_format(v->boot, bt);
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "KB974571 is installed and the %s Front End (%s) "
                  "is %s, but the update's install date (%s, from its "
                  "InstalledDate value, which has no time) is the day of "
                  "the last restart (%s), so srvdoctor cannot tell whether "
                  "it went in before or after that restart. The verdict is "
                  "uncertain: if the update came after the restart, the "
                  "next restart will stop the Front End.",
                  sd_ocs_product_label(v), sd_str_or(s->name, FE_NAME),
                  sd_ocs_state_word(s->state), sd_str_or(v->kb_date_text, "?"),
                  bt));
  }
  else if(kb_vs_boot(v) == KB_BEFORE_BOOT) {
    add_ok(r, f, v, "KB974571 was installed before the last restart and "
           "the Front End survived it, so the OCSASNFix correction (or an "
           "equivalent) is in place.");
  }
  else {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "KB974571 is installed and the %s Front End (%s) "
                  "is %s, but %s could not be read, so srvdoctor cannot tell "
                  "whether the update went in after the last restart (then "
                  "the next restart would stop the Front End).",
                  sd_ocs_product_label(v), sd_str_or(s->name, FE_NAME),
                  sd_ocs_state_word(s->state),
                  v->boot == SD_TIME_NONE ? "the last boot time"
                                          : "the update's install time"));
  }
}

/* A Front End that is not stopped: what KB974571 means for it (nothing is
 * written when other roles are down: that is the verdict). */
void sd_ocs_add_fe_not_stopped(sd_module_result *r, const sd_facts *f,
                               const view *v, int roles)
{
  const sd_service *s = v->fe;
  if(s->state == SD_SVC_UNKNOWN) {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End (%s) reports a state "
                  "srvdoctor does not know.", sd_ocs_product_label(v),
                  sd_str_or(s->name, FE_NAME)));
  }
  else if(roles) {
    /* The Front End runs, other roles do not: that is the verdict, not
     * "OK". */
  }
  else if(v->kb == TRI_NO) {
    add_ok(r, f, v, "KB974571 is not installed.");
  }
  else if(v->kb == TRI_UNKNOWN) {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End (%s) is %s, but whether "
                  "KB974571 is installed could not be read, so srvdoctor "
                  "cannot tell whether the next restart will stop it.",
                  sd_ocs_product_label(v), sd_str_or(s->name, FE_NAME),
                  sd_ocs_state_word(s->state)));
  }
  else if(v->kb_pending_removal) {
    add_ok(r, f, v, sd_arena_printf(
             r->arena, "KB974571 is being removed: the removal finishes at "
             "the next restart (CBS state %s), after which the update can "
             "no longer stop the Front End.",
             sd_ocs_cbs_label(r->arena, SD_CBS_UNINSTALL_PENDING)));
  }
  else {
    add_by_install_time(r, f, v);
  }
}
