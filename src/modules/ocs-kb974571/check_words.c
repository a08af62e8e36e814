/* check_words.c - the ocs-kb974571 check's wording: labels, sentences
 * and the evidence every finding carries. */
#include <stdio.h>
#include <string.h>

#include "check.h"

/* ---- wording helpers ---- */

const char *sd_ocs_product_label(const view *v)
{
  return v->product ? v->product : "LCS/OCS";
}

const char *sd_ocs_state_word(sd_svc_state s)
{
  switch(s) {
  case SD_SVC_STOPPED: return "stopped";
  case SD_SVC_START_PENDING: return "starting";
  case SD_SVC_STOP_PENDING: return "stopping";
  case SD_SVC_RUNNING: return "running";
  case SD_SVC_CONTINUE_PENDING: return "resuming";
  case SD_SVC_PAUSE_PENDING: return "pausing";
  case SD_SVC_PAUSED: return "paused";
  default: return "in an unknown state";
  }
}

void sd_ocs_ev_time(sd_module_result *r, sd_finding *x, const char *key,
                    sd_time t)
{
  char buf[32];
  sd_time_format(t, buf);
  sd_ev_str(r, x, key, buf[0] ? buf : "unknown");
}

void sd_ocs_ev_common(sd_module_result *r, sd_finding *x, const sd_facts *f,
                      const view *v)
{
  sd_ev_str(r, x, "product", sd_ocs_product_label(v));
  if(v->version)
    sd_ev_str(r, x, "product_version", v->version);
  sd_ev_str(r, x, "edition", sd_str_or(v->edition, "unknown"));
  if(f->os.st.state == SD_ST_READ)
    sd_ev_strf(r, x, "os", "%s (%u.%u.%u)", sd_str_or(f->os.name, "Windows"),
               f->os.major, f->os.minor, f->os.build);
  else
    sd_ev_str(r, x, "os", "unknown");
}

void sd_ocs_ev_service(sd_module_result *r, sd_finding *x, const view *v)
{
  const sd_service *s = v->fe;
  if(!s)
    return;
  sd_ev_str(r, x, "service", sd_str_or(s->name, FE_NAME));
  sd_ev_str(r, x, "service_state", sd_ocs_state_word(s->state));
  sd_ev_int(r, x, "win32_exit_code", s->win32_exit_code);
  sd_ev_strf(r, x, "service_exit_code", "0x%08lX",
             (unsigned long)s->service_exit_code);
  if(s->pid)
    sd_ev_int(r, x, "pid", s->pid);
  if(s->config_st.state == SD_ST_READ) {
    sd_ev_int(r, x, "start_type", s->start_type);
    if(s->image_path)
      sd_ev_str(r, x, "image_path", s->image_path);
    if(s->account)
      sd_ev_str(r, x, "account", s->account);
  }
}

void sd_ocs_ev_others(sd_module_result *r, sd_finding *x, const sd_facts *f,
                      const view *v)
{
  sd_buf b;
  size_t i;
  sd_buf_init(&b);
  for(i = 0; i < f->services.count; i++) {
    const sd_service *s = &f->services.items[i];
    if(s == v->fe || !sd_strnieq(s->name, "RTC", 3))
      continue;
    sd_buf_printf(&b, "%s%s %s", b.len ? ", " : "", s->name,
                  sd_ocs_state_word(s->state));
  }
  if(b.len)
    sd_ev_str(r, x, "other_ocs_services", b.data);
  sd_buf_free(&b);
}

void sd_ocs_ev_kb(sd_module_result *r, sd_finding *x, const view *v)
{
  sd_ev_str(r, x, "kb974571", v->kb == TRI_YES ? "installed"
                              : v->kb == TRI_NO ? "not installed"
                              : "unknown");
  if(v->kb_routes.len)
    sd_ev_str(r, x, "kb974571_found_by", v->kb_routes.data);
  if(v->kb_unread.len)
    sd_ev_str(r, x, "kb974571_unreadable", v->kb_unread.data);
  if(v->kb == TRI_YES && v->kb_date_only)
    sd_ev_strf(r, x, "kb974571_installed_at", "%s (a date without time)",
               sd_str_or(v->kb_date_text, "?"));
  else if(v->kb == TRI_YES)
    sd_ocs_ev_time(r, x, "kb974571_installed_at", v->kb_time);
  if(v->kb == TRI_YES && v->kb_time != SD_TIME_NONE)
    sd_ev_strf(r, x, "kb974571_time_source", "%s %s",
               v->kb_time_from, sd_str_or(v->kb_time_where, "?"));
  if(v->kb == TRI_YES && v->kb_date_unused.len)
    sd_ev_str(r, x, "kb974571_installed_date_unused",
              v->kb_date_unused.data);
  if(v->kb_pending_install)
    sd_ev_bool(r, x, "kb974571_install_pending", 1);
  if(v->kb_pending_removal)
    sd_ev_bool(r, x, "kb974571_removal_pending", 1);
  if(v->cbs_states.len)
    sd_ev_str(r, x, "kb974571_cbs_state", v->cbs_states.data);
  /* What srvdoctor fix reads on Windows Server 2008: the package the
   * check found removable (never the raw states again). */
  if(v->kb == TRI_YES) {
    sd_ev_int(r, x, "cbs_removable_packages", (int64_t)v->cbs_removable);
    if(v->cbs_identity)
      sd_ev_str(r, x, "cbs_package", v->cbs_identity);
  }
}

void sd_ocs_ev_roles(sd_module_result *r, sd_finding *x, const view *v)
{
  sd_buf b;
  size_t i;
  if(!v->nroles_down && !v->activation)
    return;
  sd_buf_init(&b);
  for(i = 0; i < v->nroles_down; i++)
    sd_buf_printf(&b, "%s%s", i ? ", " : "",
                  sd_ocs_role_label(r->arena, v->roles_down[i]));
  if(v->nroles_down)
    sd_ev_str(r, x, "roles_stopped_with_0xC3E93C23", b.data);
  if(v->activation)
    sd_ev_strf(r, x, "activation_error", "0xC3EC78D8 (3287054552), seen "
               "in %s", v->activation);
  sd_buf_free(&b);
}

/* " The Mediation Server (RTCMEDSRV) and ... stopped with the same
 * error." and the activation sentence, or "". */
const char *sd_ocs_roles_sentence(sd_module_result *r, const view *v)
{
  sd_buf b;
  size_t i;
  const char *out;
  sd_buf_init(&b);
  if(v->nroles_down) {
    sd_buf_puts(&b, " ");
    for(i = 0; i < v->nroles_down; i++)
      sd_buf_printf(&b, "%s%s", i == 0 ? "The " : i + 1 == v->nroles_down
                    ? " and the " : ", the ",
                    sd_ocs_role_label(r->arena, v->roles_down[i]));
    sd_buf_printf(&b, " %s stopped with the same error 0xC3E93C23.",
                  v->nroles_down > 1 ? "have also" : "has also");
  }
  if(v->activation && v->kb == TRI_YES)
    sd_buf_puts(&b, " Activating an LCS/OCS server role on this server "
                "failed with 0xC3EC78D8 (\"Failed to read the Office "
                "Communications Server version information\"), the "
                "activation failure KB974571 causes: remove KB974571, "
                "activate the role, install KB974571 again and run "
                "OCSASNFix.exe.");
  out = sd_arena_strdup(r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return out;
}

void sd_ocs_ev_event(sd_module_result *r, sd_finding *x, const view *v)
{
  char when[32];
  const sd_event *e = v->code_event;
  if(e) {
    sd_time_format(e->time, when);
    sd_ev_strf(r, x, "event", "%s log, %s, event %lu, %s: %s",
               sd_str_or(e->log, "?"),
               sd_str_or(e->provider, "?"), (unsigned long)e->id,
               when[0] ? when : "time unknown", sd_str_or(e->message, ""));
  }
  if(v->events_partial)
    sd_ev_str(r, x, "event_log_unreadable", v->events_why.data);
}

/* One sentence naming what could not be read, or "" when nothing. */
const char *sd_ocs_partial_sentence(sd_module_result *r, const view *v,
                                    int want_kb, int want_events)
{
  sd_buf b;
  char *s;
  sd_buf_init(&b);
  if(want_kb && v->kb == TRI_UNKNOWN)
    sd_buf_printf(&b, " Whether KB974571 is installed could not be read "
                  "(%s).", v->kb_unread.data ? v->kb_unread.data : "");
  if(want_events && v->events_partial)
    sd_buf_printf(&b, " Part of the event log evidence could not be read "
                  "(%s).", v->events_why.data ? v->events_why.data : "");
  s = sd_arena_strdup(r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return s;
}
