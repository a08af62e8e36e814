/* check_view.c - the ocs-kb974571 check's reading of the facts, digested
 * once into a view: the LCS/OCS roles and product, the Front End, KB974571
 * by every route with its install time, and the events. */
#include <stdio.h>
#include <string.h>

#include "check.h"

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
const char *sd_ocs_role_label(sd_arena *a, const sd_service *s)
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

int sd_ocs_is_down(sd_svc_state s);

/* The other LCS/OCS services: which are there, which stopped with the
 * KB974571 error; and whether an activation failed with 0xC3EC78D8. */
void sd_ocs_look_at_roles(const sd_facts *f, view *v)
{
  const sd_service_list *sl = &f->services;
  size_t i;
  if(sl->st.state == SD_ST_READ) {
    for(i = 0; i < sl->count; i++) {
      const sd_service *s = &sl->items[i];
      if(s == v->fe || !is_ocs_service(s))
        continue;
      v->nroles_present++;
      if(sd_ocs_is_down(s->state) &&
         s->win32_exit_code == ERR_SERVICE_SPECIFIC &&
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

void sd_ocs_look_at_product(const sd_facts *f, view *v)
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

void sd_ocs_look_at_presence(const sd_facts *f, view *v)
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
void sd_ocs_look_at_kb(const sd_facts *f, view *v)
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

void sd_ocs_look_at_events(const sd_facts *f, view *v)
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

int sd_ocs_is_down(sd_svc_state s)
{
  return s == SD_SVC_STOPPED || s == SD_SVC_STOP_PENDING;
}
