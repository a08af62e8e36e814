/* ocs_kb974571.c - the "ocs-kb974571" module: is the LCS/OCS Front End
 * down (or going down at the next restart) because of security update
 * KB974571 (MS09-056)?
 *
 * Evidence weighed (docs/modules/ocs-kb974571.md tells the story):
 *   - OCS present: the RTCSRV service (services list, its registry key, or
 *     a service whose image is RtcSrv.exe); product and version from the
 *     binary's version resource and the Add or Remove Programs entries;
 *   - the Front End's state and exit codes: stopped with
 *     ERROR_SERVICE_SPECIFIC_ERROR (1066) and 0xC3E93C23 is the failure;
 *   - events in the window: System 7024 carrying 0xC3E93C23, "OCS Server"
 *     12290 (evaluation expired);
 *   - KB974571 by every route, and each route's install time against the
 *     last boot (the failure starts only after a restart).
 * Pure: now is facts->collected_at, nothing is read from the system. */
#include <stdio.h>
#include <string.h>

#include "srvdoctor/cbs.h"
#include "srvdoctor/module.h"

#define KB "KB974571"
#define FE_NAME "RTCSRV"
#define OCS_ERR 0xC3E93C23u
#define ERR_SERVICE_SPECIFIC 1066u
#define ERR_NEVER_STARTED 1077u
#define ERR_LOGON_FAILED 1069u
/* The activation failure of an LCS/OCS role on a server that has KB974571:
 * "[0xC3EC78D8] Failed to read the Office Communications Server version
 * information" (../shared/facts/ocs.md section 3, msexchangegeek 2010). */
#define OCS_ACTIVATION_ERR 0xC3EC78D8u

/* The LCS/OCS services KB974571 stops with 0xC3E93C23, and the role each
 * serves.  Sources (../shared/facts/ocs.md section 2): RTCSRV and RTCCAS
 * from the OCS 2007 R2 management pack (systemcenter.wiki); the Edge and
 * Mediation names RTCMEDSRV, RTCMEDIARELAY, RTCMRAUTH, RTCDATAPROXY from
 * Microsoft's Skype for Business Cloud Connector monitoring page (the same
 * service names since OCS 2007 R2, inferred); the conferencing servers from
 * a public service inventory (low confidence).  Any other service whose
 * name starts with RTC is looked at too, named by its display name. */
static const struct ocs_role {
  const char *service;
  const char *role;
} ocs_roles[] = {
  {"RTCSRV", "Front End (Access Edge on an Edge server)"},
  {"RTCMEDSRV", "Mediation Server"},
  {"RTCMEDIARELAY", "A/V Edge"},
  {"RTCMRAUTH", "A/V Authentication (Edge)"},
  {"RTCDATAPROXY", "Web Conferencing Edge"},
  {"RTCDATAMCU", "Web Conferencing Server"},
  {"RTCAVMCU", "A/V Conferencing Server"},
  {"RTCIMMCU", "IM Conferencing Server"},
  {"RTCASMCU", "Application Sharing Conferencing Server"},
  {"RTCCAS", "Conferencing Announcement Service"},
  {"RTCATS", "Conferencing Attendant"},
};

static const sd_code_info ocs_codes[] = {
  {"OCS-NOT-INSTALLED", "ocs-kb974571", SD_SEV_INFO,
   "No LCS/OCS Front End on this machine", 0},
  {"OCS-KB974571-FE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "Security update KB974571 has stopped the OCS Front End", SD_FIX_YES},
  {"OCS-KB974571-AT-RISK", "ocs-kb974571", SD_SEV_WARNING,
   "KB974571 will stop the OCS Front End at the next restart", 0},
  {"OCS-KB974571-ROLE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "Security update KB974571 has stopped other LCS/OCS server roles", 0},
  {"OCS-FE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "The OCS Front End is not running (not the KB974571 problem)", 0},
  {"OCS-OK", "ocs-kb974571", SD_SEV_OK,
   "The OCS Front End is not affected by KB974571", 0},
  {"OCS-UNKNOWN", "ocs-kb974571", SD_SEV_UNKNOWN,
   "Whether KB974571 affects the OCS Front End could not be decided", 0},
};

/* A finding of one of this module's codes, as its table says. */
static sd_finding *ocs_add(sd_module_result *r, const char *code)
{
  return sd_result_code(r, ocs_codes, SD_COUNTOF(ocs_codes), code);
}

typedef enum tri { TRI_NO = 0, TRI_YES, TRI_UNKNOWN } tri;

/* What the facts say, digested once. */
typedef struct view {
  tri present;
  const char *presence_why;   /* why presence is unknown */
  const char *product;        /* "Office Communications Server 2007 R2" */
  const char *version;
  const char *edition;        /* "Standard", "Enterprise" or NULL */
  const sd_service *fe;       /* NULL when the list has no Front End */

  tri kb;
  sd_buf kb_routes;           /* "hotfix-key: HKLM\...; ..." */
  sd_buf kb_unread;           /* routes that could not be read, and why */
  sd_time kb_time;            /* install time from the best source */
  const char *kb_time_from;   /* its source (see time_sources) */
  const char *kb_time_where;  /* the route's key or folder */
  int kb_time_rank;
  int kb_date_only;           /* kb_time is a local day (InstalledDate) */
  const char *kb_date_text;   /* "10/14/2009" */
  sd_buf kb_date_unused;      /* why an InstalledDate could not be used */
  int kb_pending_install;     /* CBS: install pending a restart */
  int kb_pending_removal;     /* CBS: removal pending a restart, and no
                                 route keeps the update after it */
  int kb_partial;             /* CBS: partially installed */
  int kb_superseded;          /* CBS: replaced by a later update */
  int kb_permanent;           /* CBS: cannot be removed */
  int kb_after_restart;       /* some route keeps it after a restart */
  size_t kb_removable;        /* routes in effect that can be removed */
  sd_buf cbs_states;          /* "<package>: 0x70 Installed; ..." */
  const char *cbs_identity;   /* removable package identity for pkgmgr */
  const char *pending_identity; /* a package waiting to be installed */
  size_t cbs_removable;       /* removable CBS packages in effect */

  const sd_service *roles_down[32]; /* other LCS/OCS services stopped
                                       with 0xC3E93C23 */
  size_t nroles_down;
  size_t nroles_present;      /* LCS/OCS services other than the FE */
  const char *activation;     /* where 0xC3EC78D8 was seen, or NULL */
  const sd_event *code_event; /* newest event carrying the failure */
  int events_partial;
  sd_buf events_why;
  sd_time boot;               /* SD_TIME_NONE when unknown */
} view;

static int has_code_text(const char *msg)
{
  return sd_stristr(msg, "C3E93C23") || sd_stristr(msg, "3286842403") ||
         sd_stristr(msg, "-1008124893");
}

static int is_ocs_log(const char *log)
{
  return sd_strieq(log, "Office Communications Server") ||
         sd_strieq(log, "Live Communications Server");
}

static int is_code_event(const sd_event *e)
{
  if(sd_strieq(e->log, "System") && e->id == 7024 &&
     has_code_text(e->message))
    return 1;
  return is_ocs_log(e->log) && e->id == 12290;
}

static const struct ocs_role *role_of(const char *service)
{
  size_t i;
  for(i = 0; service && i < SD_COUNTOF(ocs_roles); i++)
    if(sd_strieq(ocs_roles[i].service, service))
      return &ocs_roles[i];
  return NULL;
}

static int is_ocs_service(const sd_service *s)
{
  return s->name && (role_of(s->name) || sd_strnieq(s->name, "RTC", 3));
}

/* "Mediation Server (RTCMEDSRV)" */
static const char *role_label(sd_arena *a, const sd_service *s)
{
  const struct ocs_role *ro = role_of(s->name);
  return sd_arena_printf(a, "%s (%s)", ro ? ro->role
                         : sd_str_or(s->display_name, "LCS/OCS service"),
                         sd_str_or(s->name, "?"));
}

static int has_activation_text(const char *msg)
{
  return sd_stristr(msg, "C3EC78D8") || sd_stristr(msg, "3287054552") ||
         sd_stristr(msg, "-1007912744");
}

static int is_down(sd_svc_state s);

/* The other LCS/OCS services: which are there, which stopped with the
 * KB974571 error; and whether an activation failed with 0xC3EC78D8. */
static void look_at_roles(const sd_facts *f, view *v)
{
  const sd_service_list *sl = &f->services;
  size_t i;
  if(sl->st.state == SD_ST_READ) {
    for(i = 0; i < sl->count; i++) {
      const sd_service *s = &sl->items[i];
      if(s == v->fe || !is_ocs_service(s))
        continue;
      v->nroles_present++;
      if(is_down(s->state) && s->win32_exit_code == ERR_SERVICE_SPECIFIC &&
         s->service_exit_code == OCS_ERR &&
         v->nroles_down < SD_COUNTOF(v->roles_down))
        v->roles_down[v->nroles_down++] = s;
      if(!v->activation && s->win32_exit_code == ERR_SERVICE_SPECIFIC &&
         s->service_exit_code == OCS_ACTIVATION_ERR)
        v->activation = "the exit code of service";
    }
    if(!v->activation && v->fe &&
       v->fe->win32_exit_code == ERR_SERVICE_SPECIFIC &&
       v->fe->service_exit_code == OCS_ACTIVATION_ERR)
      v->activation = "the exit code of service";
  }
  for(i = 0; !v->activation && i < f->events.count; i++)
    if(has_activation_text(f->events.items[i].message))
      v->activation = "the event log";
}

static int ends_with_rtcsrv(const char *path)
{
  const char *p = sd_stristr(path, "RtcSrv.exe");
  return p && (p == path || p[-1] == '\\' || p[-1] == '/' || p[-1] == '"');
}

/* "3.5.6907.0" -> product generation (inferred from the build numbers of
 * the management packs: 6362 = OCS 2007, 6907 = OCS 2007 R2). */
static const char *product_of_version(const char *v)
{
  unsigned a = 0, b = 0, c = 0;
  if(!v || sscanf(v, "%u.%u.%u", &a, &b, &c) < 2)
    return NULL;
  if(a == 2)
    return "Live Communications Server 2005";
  if(a == 3 && (b >= 5 || c == 6907))
    return "Office Communications Server 2007 R2";
  if(a == 3)
    return "Office Communications Server 2007";
  if(a == 4)
    return "Lync Server 2010";
  return NULL;
}

static void look_at_product(const sd_facts *f, view *v)
{
  const sd_ocs_facts *o = &f->ocs;
  size_t i;
  if(o->fe_binary_st.state == SD_ST_READ && o->fe_file_version) {
    v->version = o->fe_file_version;
    v->product = product_of_version(o->fe_file_version);
    if(!v->product)
      v->product = o->fe_product_name;
  }
  for(i = 0; i < o->nproducts; i++) {
    const sd_ocs_product *p = &o->products[i];
    const char *dn = p->display_name;
    if(!v->version && p->version) {
      v->version = p->version;
      v->product = product_of_version(p->version);
    }
    if(!v->product)
      v->product = dn;
    if(!v->edition && sd_stristr(dn, "Enterprise"))
      v->edition = "Enterprise";
    if(!v->edition && sd_stristr(dn, "Standard"))
      v->edition = "Standard";
  }
}

static void look_at_presence(const sd_facts *f, view *v)
{
  const sd_service_list *sl = &f->services;
  const sd_ocs_facts *o = &f->ocs;
  size_t i;
  if(sl->st.state == SD_ST_READ) {
    v->fe = sd_facts_service(f, FE_NAME);
    for(i = 0; !v->fe && i < sl->count; i++)
      if(sl->items[i].config_st.state == SD_ST_READ &&
         ends_with_rtcsrv(sl->items[i].image_path))
        v->fe = &sl->items[i];
  }
  if(v->fe || o->fe_key_st.state == SD_ST_READ) {
    v->present = TRI_YES;
    return;
  }
  if(o->fe_key_st.state == SD_ST_ABSENT ||
     (sl->st.state == SD_ST_READ &&
      o->fe_key_st.state == SD_ST_NOT_COLLECTED)) {
    v->present = TRI_NO;
    return;
  }
  v->present = TRI_UNKNOWN;
  if(sl->st.state == SD_ST_READ) /* no RTCSRV in it, and its key unread */
    v->presence_why = sd_str_or(o->fe_key_st.why, "the RTCSRV service key "
                                "could not be read");
  else if(sl->st.state == SD_ST_NOT_COLLECTED)
    v->presence_why = "the list of services was not collected";
  else
    v->presence_why = sd_str_or(sl->st.why, "the list of services could "
                                "not be read");
}

/* Where an install time comes from, best first.  InstalledDate is the
 * update's own record (update.exe writes it, "M/D/YYYY", Windows Server
 * 2003 and XP, ../shared/facts/ocs.md section 5 and issue 12); a key's
 * last-write time moves with any later write to the key, so it is only the
 * fallback. */
static const struct time_source {
  const char *id;       /* sd_hotfix.time_from */
  const char *words;    /* for the evidence */
  int rank;
} time_sources[] = {
  {"InstalledDate", "the InstalledDate value of", 4},
  {"cbs-install-time", "the InstallTime of the CBS package", 3},
  {"folder-created", "the creation time of the folder", 2},
  {"key-write-time", "the last write time of the registry key", 1},
};

static const struct time_source *time_source_of(const sd_hotfix *h)
{
  const char *id = h->time_from;
  size_t i;
  if(!id) /* snapshots written before time_from existed */
    id = sd_streq(h->source, "cbs") ? "cbs-install-time"
       : sd_streq(h->source, "ntuninstall-dir") ? "folder-created"
       : "key-write-time";
  for(i = 0; i < SD_COUNTOF(time_sources); i++)
    if(sd_streq(time_sources[i].id, id))
      return &time_sources[i];
  return NULL;
}

/* What one route says about KB974571: in effect now, after the next
 * restart, and whether it can be removed. */
typedef struct kb_word {
  int now, later, removable;
} kb_word;

/* A CBS package of KB974571: its state's word (0 when the state table does
 * not know the state, which is then recorded as unread). */
static int cbs_word(view *v, const sd_hotfix *h, kb_word *w,
                    int *uninstall_pending)
{
  const sd_cbs_state *cs = sd_cbs_state_find(h->state);
  char label[48];
  sd_cbs_state_label(h->state, label);
  if(v->cbs_states.len)
    sd_buf_puts(&v->cbs_states, "; ");
  sd_buf_printf(&v->cbs_states, "%s: %s", sd_str_or(h->detail, "?"),
                label);
  if(!cs) {
    /* A state the table does not know: neither "installed" nor "not
     * installed" can be said from it. */
    if(v->kb_unread.len)
      sd_buf_puts(&v->kb_unread, "; ");
    sd_buf_printf(&v->kb_unread, "cbs: %s has CurrentState %s, a "
                  "state srvdoctor does not know",
                  sd_str_or(h->detail, "?"), label);
    return 0;
  }
  w->now = cs->active_now;
  w->later = cs->active_after_restart;
  w->removable = cs->removable;
  switch(cs->cls) {
  case SD_CBS_UNINSTALL_PENDING: *uninstall_pending = 1; break;
  case SD_CBS_SUPERSEDED: v->kb_superseded = 1; break;
  case SD_CBS_INSTALL_PENDING: v->kb_pending_install = 1; break;
  case SD_CBS_PARTIAL: v->kb_partial = 1; break;
  case SD_CBS_PERMANENT: v->kb_permanent = 1; break;
  default: break;
  }
  if(cs->cls == SD_CBS_INSTALL_PENDING && !v->pending_identity)
    v->pending_identity = h->detail;
  if(w->removable && w->now) {
    if(!v->cbs_identity)
      v->cbs_identity = h->detail;
    v->cbs_removable++;
  }
  return 1;
}

/* The install time of a route in effect, when it beats the one kept: the
 * best source wins; among equals, the latest time. */
static void note_install_time(view *v, const sd_hotfix *h)
{
  const struct time_source *ts;
  int rank;
  if(h->installed_at == SD_TIME_NONE)
    return;
  ts = time_source_of(h);
  rank = ts ? ts->rank : 0;
  if(v->kb_time == SD_TIME_NONE || rank > v->kb_time_rank ||
     (rank == v->kb_time_rank && h->installed_at > v->kb_time)) {
    v->kb_time = h->installed_at;
    v->kb_time_rank = rank;
    v->kb_time_from = ts ? ts->words : "an unknown source:";
    v->kb_time_where = h->detail;
    v->kb_date_only = h->date_only;
    v->kb_date_text = h->date_only ? h->installed_date : NULL;
  }
}

/* A route that has KB974571 in effect now or after the next restart. */
static void note_route(view *v, const sd_hotfix *h, const kb_word *w)
{
  v->kb = TRI_YES;
  v->kb_after_restart |= w->later;
  v->kb_removable += w->removable && w->now;
  if(v->kb_routes.len)
    sd_buf_puts(&v->kb_routes, "; ");
  sd_buf_printf(&v->kb_routes, "%s: %s", sd_str_or(h->source, "?"),
                sd_str_or(h->detail, "?"));
  if(sd_streq(h->source, "hotfix-key") &&
     h->date_st.state != SD_ST_READ &&
     h->date_st.state != SD_ST_NOT_COLLECTED) {
    if(v->kb_date_unused.len)
      sd_buf_puts(&v->kb_date_unused, "; ");
    sd_buf_printf(&v->kb_date_unused, "InstalledDate of %s: %s",
                  sd_str_or(h->detail, "?"),
                  h->date_st.state == SD_ST_ABSENT ? "absent"
                  : sd_str_or(h->date_st.why, "unreadable"));
  }
  note_install_time(v, h);
}

/* The probes that looked for KB974571: how many, and the unread ones
 * (counted in *unread and recorded). */
static int look_at_probes(const sd_hotfix_list *hl, view *v, int *unread)
{
  size_t i;
  int probes = 0;
  for(i = 0; i < hl->nprobes; i++) {
    const sd_hotfix_probe *p = &hl->probes[i];
    if(!sd_strieq(p->id, KB))
      continue;
    probes++;
    if(!sd_fstate_known(&p->st)) {
      (*unread)++;
      if(v->kb_unread.len)
        sd_buf_puts(&v->kb_unread, "; ");
      sd_buf_printf(&v->kb_unread, "%s: %s", sd_str_or(p->source, "?"),
                    sd_str_or(p->st.why, sd_state_name(p->st.state)));
    }
  }
  return probes;
}

/* No route has KB974571 in effect: not installed, or not known when the
 * list or a probe could not be read or nothing looked for it. */
static void decide_kb_not_seen(const sd_hotfix_list *hl, view *v,
                               int probes, int unread)
{
  if(hl->st.state != SD_ST_READ) {
    v->kb = TRI_UNKNOWN;
    if(!v->kb_unread.len)
      sd_buf_puts(&v->kb_unread, hl->st.state == SD_ST_NOT_COLLECTED
                  ? "the installed updates were not collected"
                  : sd_str_or(hl->st.why, "the installed updates could "
                              "not be read"));
    return;
  }
  if(probes == 0) {
    v->kb = TRI_UNKNOWN;
    sd_buf_puts(&v->kb_unread, "the snapshot does not say that "
                "KB974571 was looked for");
    return;
  }
  v->kb = unread ? TRI_UNKNOWN : TRI_NO;
}

/* One route's word on KB974571: what it says about the update now and
 * after the next restart.  CBS packages are classified by the state table
 * (srvdoctor/cbs.h); the update.exe routes of Windows Server 2003 record
 * only installed updates. */
static void look_at_kb(const sd_facts *f, view *v)
{
  const sd_hotfix_list *hl = &f->hotfixes;
  size_t i;
  int probes, unread = 0, uninstall_pending = 0;
  for(i = 0; i < hl->count; i++) {
    const sd_hotfix *h = &hl->items[i];
    kb_word w;
    if(!sd_strieq(h->id, KB))
      continue;
    w.now = w.later = w.removable = 1;
    if(sd_streq(h->source, "cbs") &&
       !cbs_word(v, h, &w, &uninstall_pending)) {
      unread++;
      continue;
    }
    if(w.now || w.later)
      note_route(v, h, &w);
  }
  /* The removal waits for a restart, and nothing else keeps the update. */
  v->kb_pending_removal = uninstall_pending && !v->kb_after_restart;
  probes = look_at_probes(hl, v, &unread);
  if(v->kb != TRI_YES)
    decide_kb_not_seen(hl, v, probes, unread);
}

static void note_source(const sd_facts *f, view *v, const char *log,
                        int absent_ok)
{
  const sd_event_source *s = sd_facts_event_source(f, log);
  const char *why;
  if(s && (s->st.state == SD_ST_READ ||
           (absent_ok && s->st.state == SD_ST_ABSENT)))
    return;
  if(!s && absent_ok && f->events.st.state == SD_ST_READ)
    return;
  why = !s ? "was not searched"
           : s->st.state == SD_ST_ABSENT ? "does not exist"
           : sd_str_or(s->st.why, sd_state_name(s->st.state));
  v->events_partial = 1;
  if(v->events_why.len)
    sd_buf_puts(&v->events_why, "; ");
  sd_buf_printf(&v->events_why, "%s log: %s", log, why);
}

static void look_at_events(const sd_facts *f, view *v)
{
  size_t i;
  for(i = 0; i < f->events.count; i++) {
    const sd_event *e = &f->events.items[i];
    if(!is_code_event(e))
      continue;
    if(!v->code_event || (e->time != SD_TIME_NONE &&
                          (v->code_event->time == SD_TIME_NONE ||
                           e->time > v->code_event->time)))
      v->code_event = e;
  }
  if(f->events.st.state == SD_ST_NOT_COLLECTED) {
    v->events_partial = 1;
    sd_buf_puts(&v->events_why, "the event logs were not collected");
    return;
  }
  note_source(f, v, "System", 0);
  note_source(f, v, "Office Communications Server", 1);
}

/* ---- wording helpers ---- */

static const char *product_label(const view *v)
{
  return v->product ? v->product : "LCS/OCS";
}

static const char *state_word(sd_svc_state s)
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

static void ev_time(sd_module_result *r, sd_finding *x, const char *key,
                    sd_time t)
{
  char buf[32];
  sd_time_format(t, buf);
  sd_ev_str(r, x, key, buf[0] ? buf : "unknown");
}

static void ev_common(sd_module_result *r, sd_finding *x, const sd_facts *f,
                      const view *v)
{
  sd_ev_str(r, x, "product", product_label(v));
  if(v->version)
    sd_ev_str(r, x, "product_version", v->version);
  sd_ev_str(r, x, "edition", sd_str_or(v->edition, "unknown"));
  if(f->os.st.state == SD_ST_READ)
    sd_ev_strf(r, x, "os", "%s (%u.%u.%u)", sd_str_or(f->os.name, "Windows"),
               f->os.major, f->os.minor, f->os.build);
  else
    sd_ev_str(r, x, "os", "unknown");
}

static void ev_service(sd_module_result *r, sd_finding *x, const view *v)
{
  const sd_service *s = v->fe;
  if(!s)
    return;
  sd_ev_str(r, x, "service", sd_str_or(s->name, FE_NAME));
  sd_ev_str(r, x, "service_state", state_word(s->state));
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

static void ev_others(sd_module_result *r, sd_finding *x, const sd_facts *f,
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
                  state_word(s->state));
  }
  if(b.len)
    sd_ev_str(r, x, "other_ocs_services", b.data);
  sd_buf_free(&b);
}

static void ev_kb(sd_module_result *r, sd_finding *x, const view *v)
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
    ev_time(r, x, "kb974571_installed_at", v->kb_time);
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

static void ev_roles(sd_module_result *r, sd_finding *x, const view *v)
{
  sd_buf b;
  size_t i;
  if(!v->nroles_down && !v->activation)
    return;
  sd_buf_init(&b);
  for(i = 0; i < v->nroles_down; i++)
    sd_buf_printf(&b, "%s%s", i ? ", " : "",
                  role_label(r->arena, v->roles_down[i]));
  if(v->nroles_down)
    sd_ev_str(r, x, "roles_stopped_with_0xC3E93C23", b.data);
  if(v->activation)
    sd_ev_strf(r, x, "activation_error", "0xC3EC78D8 (3287054552), seen "
               "in %s", v->activation);
  sd_buf_free(&b);
}

/* " The Mediation Server (RTCMEDSRV) and ... stopped with the same
 * error." and the activation sentence, or "". */
static const char *roles_sentence(sd_module_result *r, const view *v)
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
                    role_label(r->arena, v->roles_down[i]));
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

static void ev_event(sd_module_result *r, sd_finding *x, const view *v)
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
static const char *partial_sentence(sd_module_result *r, const view *v,
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

/* ---- remediation: per Windows version ---- */

typedef enum osv { OS_UNKNOWN, OS_2003, OS_2008, OS_2008R2 } osv;

static osv os_of(const sd_facts *f)
{
  if(f->os.st.state != SD_ST_READ)
    return OS_UNKNOWN;
  if(f->os.major == 5)
    return OS_2003; /* 5.2 Server 2003 (5.0/5.1 use the same update.exe) */
  if(f->os.major == 6 && f->os.minor == 0)
    return OS_2008;
  if(f->os.major > 6 || (f->os.major == 6 && f->os.minor >= 1))
    return OS_2008R2; /* wusa /uninstall works from 7 / 2008 R2 on */
  return OS_UNKNOWN;
}

/* The removal of KB974571 per Windows version: one table, the finding's
 * action is made from it and its printed command rendered from that
 * action, so what a person types is what srvdoctor fix runs.
 * - Windows Server 2003: the update's own uninstaller in
 *   %SystemRoot%\$NTUninstallKB974571$\spuninst (Microsoft KB 824687,
 *   "Command-line switches for Windows software update packages":
 *   /passive shows progress and asks nothing, /norestart).
 * - Windows Server 2008: pkgmgr /up:<CBS package identity> (Microsoft,
 *   "Package Manager Command-Line Options"; wusa /uninstall needs 2008 R2).
 *   pkgmgr does not hold the console, so it is typed after start /w.
 * - Windows Server 2008 R2: wusa /uninstall /kb:974571 (Microsoft KB
 *   934307, "Description of the Windows Update Standalone Installer").
 * /quiet and /norestart: no questions and never a restart, the same for a
 * person at the prompt and for srvdoctor fix (docs/fix.md). */
#define UNINST_2003 "$NTUninstallKB974571$\\spuninst\\spuninst.exe"
static const char *const args_2003[] = {"/passive", "/norestart"};
static const char *const args_2008r2[] = {"/uninstall", "/kb:974571",
                                          "/quiet", "/norestart"};

/* Fill a with the removal for os (ident: the CBS package identity on
 * 2008).  0, or -1 when there is no single command: unknown OS, or 2008
 * without a package identity. */
static int removal_action(sd_module_result *r, sd_action *a, osv os,
                          const char *ident)
{
  size_t i;
  a->kind = SD_ACT_RUN_PROGRAM;
  switch(os) {
  case OS_2003:
    a->base = SD_BASE_WINDOWS;
    a->program = UNINST_2003;
    for(i = 0; i < SD_COUNTOF(args_2003); i++)
      sd_action_arg(r, a, args_2003[i]);
    a->package = KB;
    return 0;
  case OS_2008:
    if(!ident)
      return -1;
    a->base = SD_BASE_SYSTEM;
    a->program = "pkgmgr.exe";
    a->start_wait = 1;
    sd_action_arg(r, a, sd_arena_printf(r->arena, "/up:%s", ident));
    sd_action_arg(r, a, "/quiet");
    sd_action_arg(r, a, "/norestart");
    a->package = sd_arena_strdup(r->arena, ident);
    return 0;
  case OS_2008R2:
    a->base = SD_BASE_SYSTEM;
    a->program = "wusa.exe";
    for(i = 0; i < SD_COUNTOF(args_2008r2); i++)
      sd_action_arg(r, a, args_2008r2[i]);
    a->package = KB;
    return 0;
  default:
    return -1;
  }
}

/* The command of removal_action for os, for the steps of findings that
 * srvdoctor fix does not act on; NULL when there is none. */
static const char *removal_cmd(sd_module_result *r, const sd_finding *x,
                               osv os, const char *ident)
{
  sd_action tmp;
  const sd_action *a = &x->action;
  const char *s;
  sd_buf b;
  if(a->kind != SD_ACT_RUN_PROGRAM) {
    memset(&tmp, 0, sizeof(tmp));
    if(removal_action(r, &tmp, os, ident))
      return NULL;
    a = &tmp;
  }
  sd_buf_init(&b);
  sd_action_command(a, &b);
  s = sd_arena_strdup(r->arena, b.data);
  sd_buf_free(&b);
  return s;
}

static const char *restart_cmd(osv os)
{
  return os == OS_2003 ? "shutdown -r -t 0" : "shutdown /r /t 0";
}

/* "0x50 Superseded": the code and name of a class, from the state table. */
static const char *cbs_label(sd_arena *a, sd_cbs_class c)
{
  const sd_cbs_state *st = sd_cbs_state_of(c);
  char buf[48];
  return st ? sd_arena_strdup(a, sd_cbs_state_label(st->code, buf)) : "?";
}

/* Why KB974571 cannot be removed as a stop-gap here, or NULL when it
 * can. */
static const char *no_removal_reason(sd_arena *a, const view *v)
{
  if(v->kb_removable || v->kb_pending_install)
    return NULL;
  if(v->kb_superseded)
    return sd_arena_printf(a, "a later update has superseded it (CBS state "
                           "%s) and carries its change on, so removing "
                           "KB974571 would not take the change away",
                           cbs_label(a, SD_CBS_SUPERSEDED));
  if(v->kb_permanent)
    return sd_arena_printf(a, "its package is marked permanent (CBS state "
                           "%s) and cannot be removed",
                           cbs_label(a, SD_CBS_PERMANENT));
  if(v->kb_partial)
    return sd_arena_printf(a, "its package is only partially installed "
                           "(CBS state %s): check Control Panel > Programs "
                           "and Features > View installed updates, or "
                           "finish the installation with a restart first",
                           cbs_label(a, SD_CBS_PARTIAL));
  return NULL;
}

/* ---- the steps: what the read-only commands print ----
 * Each expect text is worded so that the real output matches it as a
 * person reads it (the columns of sc's output are padded with a varying
 * number of spaces, so no padded line is ever quoted):
 * - sc query NAME prints a line "STATE : 4 RUNNING" (1 STOPPED,
 *   3 STOP_PENDING), padded (Microsoft, "Sc query", Windows Server 2003 to
 *   2008 R2 command reference, dd228922); the flags of a running service
 *   follow on the next line, so the STATE line ends with the state's name.
 * - sc qc NAME prints "START_TYPE : 4 DISABLED", padded (Microsoft,
 *   "Sc qc"); sc config prints "[SC] ChangeServiceConfig SUCCESS".
 * - net start NAME ends with "The <display name> service was started
 *   successfully." (Microsoft, "Net start").
 * - wmic qfe where HotFixID="KB974571" get HotFixID,InstalledOn prints a
 *   line that starts with the KB number, or "No Instance(s) Available."
 *   (Win32_QuickFixEngineering, ../shared/facts/ocs.md section 5).
 * - reg query KEY prints the key's full name from HKEY_LOCAL_MACHINE on.
 * - ver prints "Microsoft Windows [Version 5.2.3790]": 5.2 is Windows
 *   Server 2003, 6.0 Windows Server 2008, 6.1 Windows Server 2008 R2.
 * - LcsError.exe CODE prints the text of an LCS/OCS error code (OCS 2007 R2
 *   Resource Kit tool; Microsoft NextHop, "Office Communications Server
 *   2007 R2 Tool: LcsError", April 2011). */
#define CHECK_CMD "srvdoctor check --only ocs-kb974571"
#define KB_QUERY_2003 "reg query \"HKLM\\SOFTWARE\\Microsoft\\Updates\\" \
  "Windows Server 2003\\SP3\\KB974571\""
#define KB_QUERY_WMIC "wmic qfe where HotFixID=\"KB974571\" get " \
  "HotFixID,InstalledOn"

/* The sentence the dry run of srvdoctor fix repeats (the removal step warns
 * the same way).  CVEs: bulletin MS09-056, Microsoft's security bulletin
 * summary for October 2009 (../shared/facts/ocs.md section 1). */
#define REMOVAL_WARNING "This removes security update KB974571 and " \
  "reopens the CryptoAPI vulnerabilities MS09-056 fixes (CVE-2009-2510, " \
  "CVE-2009-2511) until it is installed again."

/* More than one service in a step's commands. */
static int many_services(const view *v, int fe)
{
  return (fe ? 1u : 0u) + v->nroles_down > 1;
}

static const char *state_expect(sd_arena *a, const char *state, int many)
{
  return sd_arena_printf(a, "%sa line that starts with STATE and ends with "
                         "%s", many ? "for each service, " : "", state);
}

/* "sc query" of the Front End (fe) and of every other role KB974571
 * stopped; the number of commands added. */
static size_t state_cmds(sd_module_result *r, sd_finding *x, const view *v,
                         int fe)
{
  size_t i, n = 0;
  if(fe) {
    sd_step_cmd(r, x, "sc query " FE_NAME);
    n++;
  }
  for(i = 0; i < v->nroles_down; i++, n++)
    sd_step_cmd(r, x, "sc query %s", sd_str_or(v->roles_down[i]->name, "?"));
  return n;
}

/* "the Front End", "the Mediation Server (RTCMEDSRV)", or both. */
static const char *services_label(sd_module_result *r, const view *v, int fe)
{
  sd_buf b;
  size_t i, n = v->nroles_down + (fe ? 1 : 0), k = 0;
  const char *s;
  sd_buf_init(&b);
  if(fe) {
    sd_buf_printf(&b, "the Front End (%s)", FE_NAME);
    k++;
  }
  for(i = 0; i < v->nroles_down; i++, k++)
    sd_buf_printf(&b, "%sthe %s", k == 0 ? "" : k + 1 == n ? " and " : ", ",
                  role_label(r->arena, v->roles_down[i]));
  s = sd_arena_strdup(r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return s;
}

/* Look: the services are down, as srvdoctor saw. */
static unsigned look_down_step(sd_module_result *r, sd_finding *x,
                               const view *v, int fe)
{
  int pending = fe && v->fe && v->fe->state == SD_SVC_STOP_PENDING;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_LOOK, "Confirm that %s %s stopped: in a Command "
              "Prompt run %s:", services_label(r, v, fe),
              many ? "are" : "is", many ? "these commands" : "this command");
  state_cmds(r, x, v, fe);
  sd_step_expect(r, x, "%s", state_expect(r->arena, pending
                 ? "STOPPED or STOP_PENDING" : "STOPPED", many));
  return sd_step_number(x);
}

/* Change: the permanent fix, OCSASNFix.exe (../shared/facts/ocs.md
 * section 6: run from an elevated prompt on every LCS/OCS server). */
static unsigned fix_tool_step(sd_module_result *r, sd_finding *x,
                              const char *when)
{
  sd_step_add(r, x, SD_STEP_CHANGE, "Run OCSASNFix.exe, the permanent fix "
              "Microsoft published for this problem (download it from the "
              "known issues section of http://support.microsoft.com/kb/974571;"
              " it is needed on this server and on every other LCS/OCS "
              "server of the same pool). Open a Command Prompt as "
              "administrator (right-click Command Prompt, \"Run as "
              "administrator\"; on Windows Server 2003 log on as an "
              "administrator), change to the folder that holds "
              "OCSASNFix.exe and run this command:");
  sd_step_cmd(r, x, "OCSASNFix.exe");
  if(when)
    sd_step_when(r, x, "%s", when);
  return sd_step_number(x);
}

/* Change: start the services (net start); 0 when there is none. */
static unsigned start_step(sd_module_result *r, sd_finding *x,
                           const view *v, int fe)
{
  size_t i;
  if(!fe && !v->nroles_down)
    return 0;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_CHANGE, "Start %s: in a Command Prompt opened "
              "as administrator run %s:", services_label(r, v, fe),
              many ? "these commands" : "this command");
  if(fe)
    sd_step_cmd(r, x, "net start " FE_NAME);
  for(i = 0; i < v->nroles_down; i++)
    sd_step_cmd(r, x, "net start %s", sd_str_or(v->roles_down[i]->name, "?"));
  sd_step_expect(r, x, "%sa line that ends with \"service was started "
                 "successfully.\"", many ? "for each service, " : "");
  return sd_step_number(x);
}

/* Look: the services run; its number (named by the stop-gap's
 * condition).  Then a Communicator sign-in and srvdoctor once more. */
static unsigned verify_steps(sd_module_result *r, sd_finding *x,
                             const view *v, int fe)
{
  unsigned n;
  int many = many_services(v, fe);
  sd_step_add(r, x, SD_STEP_LOOK, "Check that %s now %s: run %s:",
              services_label(r, v, fe), many ? "run" : "runs",
              many ? "these commands" : "this command");
  state_cmds(r, x, v, fe);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", many));
  n = sd_step_number(x);
  if(fe)
    sd_step_add(r, x, SD_STEP_LOOK, "Sign in with Office Communicator as a "
                "test user of this server and send an instant message.");
  sd_step_add(r, x, SD_STEP_LOOK, "Run srvdoctor again (in the folder that "
              "holds srvdoctor.exe):");
  sd_step_cmd(r, x, CHECK_CMD);
  sd_step_expect(r, x, "a line with %s", v->present == TRI_NO
                 ? "OCS-NOT-INSTALLED" : "OCS-OK");
  return n;
}

/* Look: is KB974571 installed (read-only, per Windows version). */
static unsigned kb_look_step(sd_module_result *r, sd_finding *x, osv os)
{
  sd_step_add(r, x, SD_STEP_LOOK, "Check whether security update KB974571 "
              "is installed: run this command:");
  if(os == OS_2003) {
    sd_step_cmd(r, x, KB_QUERY_2003);
    sd_step_expect(r, x, "a line that starts with HKEY_LOCAL_MACHINE and "
                   "ends with KB974571 when it is installed (an error "
                   "message when it is not)");
  }
  else {
    sd_step_cmd(r, x, KB_QUERY_WMIC);
    sd_step_expect(r, x, "a line that starts with KB974571 when it is "
                   "installed (\"No Instance(s) Available.\" when it is "
                   "not)");
  }
  return sd_step_number(x);
}

/* The Control Panel way to remove the update, as an alternative of the
 * removal step (same condition). */
static void removal_panel_alt(sd_module_result *r, sd_finding *x, osv os,
                              const char *when)
{
  if(os == OS_2003)
    sd_step_alt(r, x, SD_STEP_LAST_RESORT, "In Control Panel > Add or "
                "Remove Programs, tick \"Show updates\", select the entry "
                "that ends with (KB974571) and click Remove.");
  else
    sd_step_alt(r, x, SD_STEP_LAST_RESORT, "In Control Panel > Programs "
                "and Features > View installed updates, select the entry "
                "that ends with (KB974571) and click Uninstall.");
  sd_step_when(r, x, "%s", when);
}

/* Last resort: remove KB974571 with this Windows version's command (the
 * finding's action when it has one); its step number. */
static unsigned removal_steps(sd_module_result *r, sd_finding *x, osv os,
                              const char *ident, const char *when)
{
  static const char lead[] = "Remove security update KB974571 so that the "
    "LCS/OCS services can start after a restart. Warning: this reopens the "
    "CryptoAPI vulnerabilities MS09-056 fixes (CVE-2009-2510, "
    "CVE-2009-2511) until the update is installed again.";
  const char *cmd = removal_cmd(r, x, os, ident);
  unsigned ver;
  if(os != OS_UNKNOWN && cmd) {
    sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s In a Command Prompt "
                "opened as administrator run this command%s:", lead,
                  os == OS_2008
                ? " (wusa.exe cannot remove updates on Windows Server 2008)"
                : "");
    sd_step_cmd(r, x, "%s", cmd);
    sd_step_when(r, x, "%s", when);
    removal_panel_alt(r, x, os, when);
    return sd_step_number(x);
  }
  if(os == OS_2008) { /* no package identity: Control Panel only */
    sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s In Control Panel > Programs "
                "and Features > View installed updates, select the entry "
                "that ends with (KB974571) and click Uninstall.", lead);
    sd_step_when(r, x, "%s", when);
    return sd_step_number(x);
  }
  /* The Windows version was not read: the reader looks it up first. */
  sd_step_add(r, x, SD_STEP_LOOK, "Find out this server's Windows version: "
              "run this command:");
  sd_step_cmd(r, x, "ver");
  sd_step_expect(r, x, "a line such as Microsoft Windows [Version "
                 "5.2.3790]: 5.2 is Windows Server 2003, 6.0 is Windows "
                 "Server 2008, 6.1 is Windows Server 2008 R2");
  sd_step_when(r, x, "%s", when);
  ver = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "%s On Windows Server 2003 (step %u "
              "showed Version 5.2), in a Command Prompt opened as "
              "administrator run this command:", lead, ver);
  sd_step_cmd(r, x, "%s", removal_cmd(r, x, OS_2003, NULL));
  sd_step_when(r, x, "%s", when);
  sd_step_alt(r, x, SD_STEP_LAST_RESORT, "On Windows Server 2008 R2 (step "
              "%u showed Version 6.1), in a Command Prompt opened as "
              "administrator run this command:", ver);
  sd_step_cmd(r, x, "%s", removal_cmd(r, x, OS_2008R2, NULL));
  sd_step_when(r, x, "%s", when);
  sd_step_alt(r, x, SD_STEP_LAST_RESORT, "On Windows Server 2008 (step %u "
              "showed Version 6.0): in Control Panel > Programs and Features "
              "> View installed updates, select the entry that ends with "
              "(KB974571) and click Uninstall (wusa.exe cannot remove "
              "updates on Windows Server 2008).", ver);
  sd_step_when(r, x, "%s", when);
  return sd_step_number(x);
}

/* The stop-gap, after the permanent fix: remove KB974571 (when), restart,
 * look again, put the update back.  fixer: the OCSASNFix step.  The
 * removal step's number, 0 when the update cannot be removed here. */
static unsigned stopgap_steps(sd_module_result *r, sd_finding *x, osv os,
                              const view *v, const char *when,
                              unsigned fixer, int fe)
{
  const char *why = no_removal_reason(r->arena, v);
  const char *ident = v->cbs_identity ? v->cbs_identity
                                      : v->pending_identity;
  unsigned rm, rs;
  if(why) {
    sd_step_add(r, x, SD_STEP_LOOK, "There is no stop-gap here: KB974571 "
                "cannot be removed because %s. OCSASNFix.exe (step %u) is "
                "the way to bring the service back; if it does not help, "
                "escalate to the LCS/OCS administrator.", why, fixer);
    sd_step_when(r, x, "%s", when);
    return 0;
  }
  rm = removal_steps(r, x, os, ident, when);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server so that the "
              "removal takes effect (users of this server are cut off until "
              "it is back): run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only if you carried out step %u", rm);
  rs = sd_step_number(x);
  if(fe || v->nroles_down) {
    int many = many_services(v, fe);
    sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that %s %s: "
                "run %s:", services_label(r, v, fe), many ? "run" : "runs",
                many ? "these commands" : "this command");
    state_cmds(r, x, v, fe);
    sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", many));
    sd_step_when(r, x, "Only if you carried out step %u", rs);
  }
  sd_step_add(r, x, SD_STEP_CHANGE, "Put the update back as soon as "
              "OCSASNFix.exe can be run: install KB974571 again with "
              "Windows Update, then run OCSASNFix.exe as in step %u before "
              "the server is restarted again, so that the server is "
              "protected from MS09-056 again.", fixer);
  sd_step_when(r, x, "Only if you carried out step %u", rm);
  return rm;
}

/* The steps of OCS-KB974571-ROLE-DOWN. */
static void roles_down_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v)
{
  unsigned fixer, seen = 0, act = 0;
  const char *when;
  if(v->nroles_down)
    look_down_step(r, x, v, 0);
  else
    kb_look_step(r, x, os);
  fixer = fix_tool_step(r, x, NULL);
  if(v->nroles_down) {
    start_step(r, x, v, 0);
    seen = verify_steps(r, x, v, 0);
  }
  if(v->activation && v->kb == TRI_YES) {
    sd_step_add(r, x, SD_STEP_LOOK, "Activating an LCS/OCS server role "
                "fails with 0xC3EC78D8 while KB974571 is installed. To "
                "activate one: remove KB974571 and restart (the next steps), "
                "activate the role, then put the update back as the last "
                "step says.");
    act = sd_step_number(x);
  }
  if(seen && act)
    when = sd_arena_printf(r->arena, "Only if step %u did not show RUNNING "
                           "for every role, or to activate a role (step %u)",
                           seen, act);
  else if(seen)
    when = sd_arena_printf(r->arena, "Only if step %u did not show RUNNING "
                           "for every role", seen);
  else if(act)
    when = sd_arena_printf(r->arena, "Only to activate a role (step %u)",
                           act);
  else
    when = sd_arena_printf(r->arena, "Only if step %u (OCSASNFix.exe) "
                           "could not be done", fixer);
  stopgap_steps(r, x, os, v, when, fixer, 0);
}

/* The steps of OCS-KB974571-FE-DOWN: the permanent fix, then the removal
 * as the last resort; fix carries out the removal step only. */
static void fe_down_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v)
{
  unsigned fixer, seen, rm;
  look_down_step(r, x, v, 1);
  fixer = fix_tool_step(r, x, NULL);
  start_step(r, x, v, 1);
  seen = verify_steps(r, x, v, 1);
  rm = stopgap_steps(r, x, os, v, sd_arena_printf(
                       r->arena, "Only if step %u did not show RUNNING "
                       "(OCSASNFix.exe could not be run, or the Front End "
                       "still fails after it)", seen), fixer, 1);
  if(rm && x->fixable)
    sd_fix_steps(r, x, rm, rm, REMOVAL_WARNING);
}

/* OCS-KB974571-FE-DOWN while the update's removal waits for a restart:
 * OCSASNFix.exe first, the restart (which finishes the removal) only if
 * the Front End still does not run. */
static void fe_pending_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v)
{
  unsigned fixer, seen, rs, after;
  look_down_step(r, x, v, 1);
  fixer = fix_tool_step(r, x, NULL);
  start_step(r, x, v, 1);
  seen = verify_steps(r, x, v, 1);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server in a "
              "maintenance window: the restart finishes the removal of "
              "KB974571 that Windows has already begun, after which the "
              "Front End can start (users of this server are cut off until "
              "it is back). Run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only if step %u did not show RUNNING", seen);
  rs = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that %s %s: run "
              "%s:", services_label(r, v, 1), many_services(v, 1) ? "run"
              : "runs", many_services(v, 1) ? "these commands"
              : "this command");
  state_cmds(r, x, v, 1);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING",
                 many_services(v, 1)));
  sd_step_when(r, x, "Only if you carried out step %u", rs);
  after = sd_step_number(x);
  start_step(r, x, v, 1);
  sd_step_when(r, x, "Only if step %u did not show RUNNING", after);
  sd_step_add(r, x, SD_STEP_CHANGE, "KB974571 is gone after the server's "
              "next restart (step %u or a later one). After that restart, "
              "install KB974571 again with Windows Update, then run "
              "OCSASNFix.exe as in step %u before the server is restarted "
              "again, so that the server is protected from MS09-056 again.",
              rs, fixer);
}

/* OCS-KB974571-AT-RISK: nothing is down yet; OCSASNFix.exe before the
 * next restart, the removal only if it cannot be run. */
static void at_risk_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v)
{
  unsigned fixer, rs;
  sd_step_add(r, x, SD_STEP_LOOK, "Do not restart this server until "
              "OCSASNFix.exe has been run (the next step): with KB974571 "
              "the Front End stops at the next restart. Check that the "
              "Front End still runs: in a Command Prompt run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", 0));
  fixer = fix_tool_step(r, x, NULL);
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart the server in an agreed "
              "maintenance window (users of this server are cut off until "
              "it is back): run this command:");
  sd_step_cmd(r, x, "%s", restart_cmd(os));
  sd_step_when(r, x, "Only after step %u has run OCSASNFix.exe", fixer);
  rs = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "After the restart, check that the Front "
              "End runs (if it does not, follow srvdoctor explain "
              "OCS-KB974571-FE-DOWN): run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "%s", state_expect(r->arena, "RUNNING", 0));
  sd_step_when(r, x, "Only if you carried out step %u", rs);
  stopgap_steps(r, x, os, v, sd_arena_printf(
                  r->arena, "Only if step %u cannot be done before the "
                  "server must be restarted (OCSASNFix.exe cannot be run)",
                  fixer), fixer, 1);
}

/* The steps of OCS-FE-DOWN (the Front End only: other roles have their own
 * finding). */
static void fe_other_steps(sd_module_result *r, sd_finding *x,
                           const view *v, int code_seen, int disabled)
{
  const sd_service *s = v->fe;
  view w = *v;
  unsigned eval;
  w.nroles_down = 0;
  look_down_step(r, x, &w, 1);
  if(disabled) {
    sd_step_add(r, x, SD_STEP_LOOK, "Check how the Front End is set to "
                "start: run this command:");
    sd_step_cmd(r, x, "sc qc " FE_NAME);
    sd_step_expect(r, x, "a line that starts with START_TYPE and ends with "
                   "DISABLED");
  }
  if(code_seen) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Check whether this is an evaluation "
                "installation by upgrading it with the full (volume licence) "
                "media: in an elevated Command Prompt, in the folder that "
                "holds the product's server.msi, run this command (if it "
                "answers that EVALTOFULL cannot be used with the Volume "
                "licence type, the installation is not an evaluation):");
    sd_step_cmd(r, x, "msiexec /fvomus server.msi EVALTOFULL=1 /qb");
    eval = sd_step_number(x);
    sd_step_add(r, x, SD_STEP_LOOK, "Follow the steps for the KB974571 "
                "problem (OCSASNFix.exe first), and look for KB974571 "
                "under another name in the list of installed updates: run "
                "this command to read them:");
    sd_step_cmd(r, x, "srvdoctor explain OCS-KB974571-FE-DOWN");
    sd_step_when(r, x, "Only if step %u answered that EVALTOFULL cannot be "
                 "used with the Volume licence type", eval);
  }
  else if(v->kb != TRI_NO && v->events_partial)
    sd_step_add(r, x, SD_STEP_LOOK, "Open Event Viewer > System and look "
                "for event 7024 from Service Control Manager about the "
                "Front End with error 3286842403 (0xC3E93C23). If there is "
                "one, follow srvdoctor explain OCS-KB974571-FE-DOWN "
                "instead.");
  if(disabled) {
    sd_step_add(r, x, SD_STEP_CHANGE, "Set the Front End back to start "
                "automatically: in a Command Prompt opened as administrator "
                "run this command:");
    sd_step_cmd(r, x, "sc config " FE_NAME " start= auto");
    sd_step_expect(r, x, "a line that starts with [SC] ChangeServiceConfig "
                   "and ends with SUCCESS");
  }
  if(s->win32_exit_code == ERR_LOGON_FAILED)
    sd_step_add(r, x, SD_STEP_CHANGE, "Open services.msc, open the Front "
                "End's properties, Log On tab, and enter the current "
                "password of its account (%s).",
                sd_str_or(s->account, "the RTC service account"));
  if(s->win32_exit_code == ERR_SERVICE_SPECIFIC && !code_seen) {
    sd_step_add(r, x, SD_STEP_LOOK, "Look up the Front End's own error "
                "with LcsError.exe from the Office Communications Server "
                "2007 R2 Resource Kit tools: in the folder of those tools "
                "run this command, then read the Office Communications "
                "Server event log around the time the Front End stopped:");
    sd_step_cmd(r, x, "LcsError.exe 0x%08lX",
                (unsigned long)s->service_exit_code);
  }
  start_step(r, x, &w, 1);
  verify_steps(r, x, &w, 1);
}

/* The steps of OCS-UNKNOWN: all read-only. */
static void unknown_steps(sd_module_result *r, sd_finding *x, osv os)
{
  unsigned again, fe, kb;
  sd_step_add(r, x, SD_STEP_LOOK, "Open a Command Prompt as administrator "
              "and run srvdoctor again (in the folder that holds "
              "srvdoctor.exe):");
  sd_step_cmd(r, x, CHECK_CMD);
  again = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "Check by hand whether the Front End "
              "runs: run this command:");
  sd_step_cmd(r, x, "sc query " FE_NAME);
  sd_step_expect(r, x, "a line that starts with STATE: it ends with "
                 "RUNNING when the Front End runs, with STOPPED when it is "
                 "stopped");
  sd_step_when(r, x, "Only if step %u reported OCS-UNKNOWN again", again);
  fe = sd_step_number(x);
  kb = kb_look_step(r, x, os);
  sd_step_when(r, x, "Only if step %u reported OCS-UNKNOWN again", again);
  sd_step_add(r, x, SD_STEP_LOOK, "Read the steps for the KB974571 "
              "problem and follow them: run this command:");
  sd_step_cmd(r, x, "srvdoctor explain OCS-KB974571-FE-DOWN");
  sd_step_when(r, x, "Only if step %u showed STOPPED and step %u showed "
               "that KB974571 is installed", fe, kb);
}

/* ---- the findings ---- */

/* OCS-KB974571-ROLE-DOWN: LCS/OCS roles other than the Front End stopped
 * with 0xC3E93C23 (Edge, Mediation, A/V, Web Conferencing...), or an
 * activation failed with 0xC3EC78D8, while KB974571 is (or may be)
 * installed. */
static void add_roles_down(sd_module_result *r, const sd_facts *f,
                           const view *v)
{
  osv os = os_of(f);
  sd_finding *x = ocs_add(r, "OCS-KB974571-ROLE-DOWN");
  if(v->nroles_down) {
    sd_buf names;
    size_t i;
    sd_buf_init(&names);
    for(i = 0; i < v->nroles_down; i++)
      sd_buf_printf(&names, "%s%s", i == 0 ? "" : i + 1 == v->nroles_down
                    ? " and the " : ", the ",
                    role_label(r->arena, v->roles_down[i]));
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
                   partial_sentence(r, v, 1, 0));
    sd_buf_free(&names);
  }
  else
    sd_finding_msg(r, x, "KB974571 is installed here.%s%s",
                   roles_sentence(r, v), partial_sentence(r, v, 1, 0));
  ev_common(r, x, f, v);
  ev_roles(r, x, v);
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Run OCSASNFix.exe on this server and start the "
                 "stopped roles; only if that is not possible, remove "
                 "KB974571 and restart.");
  roles_down_steps(r, x, os, v);
}

/* The evidence of an OCS-KB974571-FE-DOWN finding, whichever step it
 * gives first. */
static void ev_fe_down(sd_module_result *r, sd_finding *x, const sd_facts *f,
                       const view *v)
{
  ev_common(r, x, f, v);
  ev_service(r, x, v);
  sd_ev_str(r, x, "expected_error", "0xC3E93C23 (3286842403)");
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_event(r, x, v);
  ev_others(r, x, f, v);
  ev_roles(r, x, v);
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
                 product_label(v), sd_str_or(v->fe->name, FE_NAME),
                 state_word(v->fe->state), how,
                 cbs_label(r->arena, SD_CBS_UNINSTALL_PENDING),
                 roles_sentence(r, v), partial_sentence(r, v, 0, 1));
  ev_fe_down(r, x, f, v);
  sd_ev_bool(r, x, "partial_evidence", v->events_partial);
  sd_fix_summary(r, x, "Run OCSASNFix.exe (the permanent fix) and start "
                 "the Front End; only if that does not help, restart the "
                 "server to finish removing KB974571; install the update "
                 "again once OCSASNFix.exe has been run.");
  fe_pending_steps(r, x, os, v);
}

static void add_fe_down_kb(sd_module_result *r, const sd_facts *f,
                           const view *v, int by_service)
{
  osv os = os_of(f);
  sd_finding *x = ocs_add(r, "OCS-KB974571-FE-DOWN");
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
                 product_label(v), sd_str_or(v->fe->name, FE_NAME),
                 state_word(v->fe->state), how,
                 v->kb_superseded && !v->kb_removable
                 ? " KB974571 has been superseded by a later update that "
                   "carries its change on, so removing KB974571 would not "
                   "bring the Front End back." : "",
                 roles_sentence(r, v), partial_sentence(r, v, 1, 1));
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
    if(removal_action(r, &a, os, v->cbs_identity) == 0) {
      *sd_finding_action(r, x, SD_ACT_RUN_PROGRAM) = a;
      sd_fix_target(r, x, KB);
    }
  }
  fe_down_steps(r, x, os, v);
}

static void add_at_risk(sd_module_result *r, const sd_facts *f,
                        const view *v)
{
  osv os = os_of(f);
  char kbt[32], bt[32];
  sd_finding *x = ocs_add(r, "OCS-KB974571-AT-RISK");
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
                     cbs_label(r->arena, SD_CBS_PARTIAL)), product_label(v),
                   partial_sentence(r, v, 0, 0));
  else
    sd_finding_msg(r, x, "KB974571 was installed %s %s, after the last "
                   "restart (%s), and the %s Front End still runs. Unless "
                   "OCSASNFix.exe has been run on this server, the Front "
                   "End will fail with 0xC3E93C23 after the next restart and "
                   "Communicator users will not be able to sign in.",
                   v->kb_date_only ? "on" : "at",
                   v->kb_date_only ? sd_str_or(v->kb_date_text, "?")
                   : kbt[0] ? kbt : "an unknown time", bt[0] ? bt : "unknown",
                   product_label(v));
  ev_common(r, x, f, v);
  ev_service(r, x, v);
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Before the next restart, run OCSASNFix.exe on this "
                 "server (and the pool's other LCS/OCS servers); if that is "
                 "not possible, remove KB974571 before restarting.");
  at_risk_steps(r, x, os, v);
}

static void add_fe_down_other(sd_module_result *r, const sd_facts *f,
                              const view *v, int code_seen)
{
  const sd_service *s = v->fe;
  int disabled = s->start_type == 4 && s->config_st.state == SD_ST_READ;
  sd_finding *x = ocs_add(r, "OCS-FE-DOWN");
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
                   "out.%s", product_label(v), sd_str_or(s->name, FE_NAME),
                   state_word(s->state),
                   reason, v->kb == TRI_YES ? "installed" : "perhaps "
                   "installed", partial_sentence(r, v, 1, 1));
  else
    sd_finding_msg(r, x, "The %s Front End (%s) is %s: %s. Communicator "
                   "users of this server cannot sign in. This is not the "
                   "KB974571 problem.%s", product_label(v),
                   sd_str_or(s->name, FE_NAME),
                   state_word(s->state), reason,
                   partial_sentence(r, v, 1, 0));
  ev_common(r, x, f, v);
  ev_service(r, x, v);
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_event(r, x, v);
  ev_others(r, x, f, v);
  sd_fix_summary(r, x, "Find out why the Front End stopped, fix that, and "
                 "start it again.");
  fe_other_steps(r, x, v, code_seen, disabled);
}

static void add_unknown(sd_module_result *r, const sd_facts *f,
                        const view *v, const char *what)
{
  sd_finding *x = ocs_add(r, "OCS-UNKNOWN");
  osv os = os_of(f);
  sd_finding_msg(r, x, "%s%s", what, partial_sentence(r, v, 1, 1));
  if(v->present == TRI_YES)
    ev_common(r, x, f, v);
  ev_service(r, x, v);
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_event(r, x, v);
  sd_ev_bool(r, x, "partial_evidence", 1);
  sd_fix_summary(r, x, "Run srvdoctor again as an administrator, or check "
                 "the Front End and KB974571 by hand.");
  unknown_steps(r, x, os);
}

static void add_ok(sd_module_result *r, const sd_facts *f, const view *v,
                   const char *why)
{
  sd_finding *x = ocs_add(r, "OCS-OK");
  sd_finding_msg(r, x, "The %s Front End (%s) is %s; %s", product_label(v),
                 sd_str_or(v->fe->name, FE_NAME), state_word(v->fe->state),
                 why);
  ev_common(r, x, f, v);
  ev_service(r, x, v);
  ev_kb(r, x, v);
  ev_time(r, x, "last_boot", v->boot);
  ev_others(r, x, f, v);
}

static void add_not_installed(sd_module_result *r, const sd_facts *f,
                              const view *v)
{
  sd_finding *x = ocs_add(r, "OCS-NOT-INSTALLED");
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
  ev_kb(r, x, v);
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

static int is_down(sd_svc_state s)
{
  return s == SD_SVC_STOPPED || s == SD_SVC_STOP_PENDING;
}

/* Everything the verdict looks at, read from the facts. */
static void view_open(const sd_facts *f, view *v)
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
  look_at_presence(f, v);
  look_at_product(f, v);
  look_at_kb(f, v);
  look_at_events(f, v);
  look_at_roles(f, v);
}

/* Frees what view_open built. */
static void view_close(view *v)
{
  sd_buf_free(&v->kb_routes);
  sd_buf_free(&v->kb_unread);
  sd_buf_free(&v->cbs_states);
  sd_buf_free(&v->kb_date_unused);
  sd_buf_free(&v->events_why);
}

/* OCS-UNKNOWN when the Front End's presence, or its service, could not be
 * read. */
static void add_fe_unreadable(sd_module_result *r, const sd_facts *f,
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
                  product_label(v), FE_NAME));
  }
  else {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End (%s) is registered, but its "
                  "state could not be read: %s.", product_label(v), FE_NAME,
                  f->services.st.state == SD_ST_NOT_COLLECTED
                  ? "the services were not collected"
                  : sd_str_or(f->services.st.why, "the services could not "
                              "be listed")));
  }
}

/* A stopped Front End: the KB974571 failure or another cause.  Returns
 * whether the finding names the other stopped roles. */
static int add_fe_stopped(sd_module_result *r, const sd_facts *f,
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
                  product_label(v), sd_str_or(s->name, FE_NAME),
                  state_word(s->state), sd_str_or(v->kb_date_text, "?"),
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
                  product_label(v), sd_str_or(s->name, FE_NAME),
                  state_word(s->state),
                  v->boot == SD_TIME_NONE ? "the last boot time"
                                          : "the update's install time"));
  }
}

/* A Front End that is not stopped: what KB974571 means for it (nothing is
 * written when other roles are down: that is the verdict). */
static void add_fe_not_stopped(sd_module_result *r, const sd_facts *f,
                               const view *v, int roles)
{
  const sd_service *s = v->fe;
  if(s->state == SD_SVC_UNKNOWN) {
    add_unknown(r, f, v, sd_arena_printf(
                  r->arena, "The %s Front End (%s) reports a state "
                  "srvdoctor does not know.", product_label(v),
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
                  product_label(v), sd_str_or(s->name, FE_NAME),
                  state_word(s->state)));
  }
  else if(v->kb_pending_removal) {
    add_ok(r, f, v, sd_arena_printf(
             r->arena, "KB974571 is being removed: the removal finishes at "
             "the next restart (CBS state %s), after which the update can "
             "no longer stop the Front End.",
             cbs_label(r->arena, SD_CBS_UNINSTALL_PENDING)));
  }
  else {
    add_by_install_time(r, f, v);
  }
}

/* The module: the Front End's verdict, then the other roles KB974571
 * stopped when no finding named them. */
static void ocs_check(const sd_facts *f, const sd_options *o,
                      sd_module_result *r)
{
  view v;
  int roles;
  (void)o;
  view_open(f, &v);
  /* Other roles stopped by KB974571 (or an activation it broke) are their
   * own finding, unless the Front End's finding already names them. */
  roles = (v.nroles_down > 0 && v.kb != TRI_NO) ||
          (v.activation && v.kb == TRI_YES);
  r->applicable = v.present != TRI_NO || roles;
  if(v.present == TRI_NO) {
    if(roles)
      add_roles_down(r, f, &v);
    else
      add_not_installed(r, f, &v);
    roles = 0;
  }
  else if(v.present == TRI_UNKNOWN || !v.fe) {
    add_fe_unreadable(r, f, &v);
  }
  else if(is_down(v.fe->state)) {
    if(add_fe_stopped(r, f, &v))
      roles = 0; /* named in it */
  }
  else {
    add_fe_not_stopped(r, f, &v, roles);
  }
  if(roles)
    add_roles_down(r, f, &v);
  view_close(&v);
}

const sd_module sd_module_ocs_kb974571 = {
  "ocs-kb974571", "OCS Front End and security update KB974571",
  SD_NEED_MODULE(ocs_kb974571) | SD_NEED_SERVICES | SD_NEED_HOTFIXES |
  SD_NEED_EVENTS | SD_NEED_HOST, ocs_check, ocs_codes, SD_COUNTOF(ocs_codes),
  NULL, 0, NULL};
