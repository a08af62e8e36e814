/* check.h - shared by the parts of the "ocs-kb974571" check (module.c and
 * the check_*.c files beside it): its facts of LCS/OCS (error codes,
 * service names), the view of the facts it digests once, and the functions
 * one part calls in another.  Not a public header.
 *
 * Which part calls which (no part calls back into one that calls it):
 *   module.c          -> view, findings, codes
 *   check_findings.c  -> steps, words, view, codes
 *   check_steps.c     -> words, view
 *   check_words.c     -> view
 */
#ifndef SD_OCS_CHECK_H
#define SD_OCS_CHECK_H

#include "srvdoctor/cbs.h"
#include "srvdoctor/module.h"

/* The code table (check_codes.c). */
#define SD_OCS_NCODES 7
extern const sd_code_info sd_ocs_codes[];

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

typedef enum osv { OS_UNKNOWN, OS_2003, OS_2008, OS_2008R2 } osv;

/* check_view.c */
int sd_ocs_is_down(sd_svc_state s);
const char *sd_ocs_role_label(sd_arena *a, const sd_service *s);
void sd_ocs_look_at_roles(const sd_facts *f, view *v);
void sd_ocs_look_at_product(const sd_facts *f, view *v);
void sd_ocs_look_at_presence(const sd_facts *f, view *v);
void sd_ocs_look_at_kb(const sd_facts *f, view *v);
void sd_ocs_look_at_events(const sd_facts *f, view *v);

/* check_words.c */
const char *sd_ocs_product_label(const view *v);
const char *sd_ocs_state_word(sd_svc_state s);
void sd_ocs_ev_time(sd_module_result *r, sd_finding *x, const char *key,
                    sd_time t);
void sd_ocs_ev_common(sd_module_result *r, sd_finding *x, const sd_facts *f,
                      const view *v);
void sd_ocs_ev_service(sd_module_result *r, sd_finding *x, const view *v);
void sd_ocs_ev_others(sd_module_result *r, sd_finding *x, const sd_facts *f,
                      const view *v);
void sd_ocs_ev_kb(sd_module_result *r, sd_finding *x, const view *v);
void sd_ocs_ev_roles(sd_module_result *r, sd_finding *x, const view *v);
const char *sd_ocs_roles_sentence(sd_module_result *r, const view *v);
void sd_ocs_ev_event(sd_module_result *r, sd_finding *x, const view *v);
const char *sd_ocs_partial_sentence(sd_module_result *r, const view *v,
                                    int want_kb, int want_events);

/* check_steps.c */
osv sd_ocs_os_of(const sd_facts *f);
int sd_ocs_removal_action(sd_module_result *r, sd_action *a, osv os,
                          const char *ident);
const char *sd_ocs_cbs_label(sd_arena *a, sd_cbs_class c);
void sd_ocs_roles_down_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v);
void sd_ocs_fe_down_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v);
void sd_ocs_fe_pending_steps(sd_module_result *r, sd_finding *x, osv os,
                             const view *v);
void sd_ocs_at_risk_steps(sd_module_result *r, sd_finding *x, osv os,
                          const view *v);
void sd_ocs_fe_other_steps(sd_module_result *r, sd_finding *x,
                           const view *v, int code_seen, int disabled);
void sd_ocs_unknown_steps(sd_module_result *r, sd_finding *x, osv os);

/* check_findings.c */
void sd_ocs_add_roles_down(sd_module_result *r, const sd_facts *f,
                           const view *v);
void sd_ocs_add_not_installed(sd_module_result *r, const sd_facts *f,
                              const view *v);
void sd_ocs_view_open(const sd_facts *f, view *v);
void sd_ocs_view_close(view *v);
void sd_ocs_add_fe_unreadable(sd_module_result *r, const sd_facts *f,
                              const view *v);
int sd_ocs_add_fe_stopped(sd_module_result *r, const sd_facts *f,
                          const view *v);
void sd_ocs_add_fe_not_stopped(sd_module_result *r, const sd_facts *f,
                               const view *v, int roles);

/* check_codes.c: a finding of one of this module's codes, as its table
 * says */
sd_finding *sd_ocs_add(sd_module_result *r, const char *code);

#endif
