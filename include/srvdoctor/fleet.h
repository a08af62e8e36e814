/* fleet.h - many hosts at once: the reports (or snapshots analysed on the
 * spot) of an organisation's servers summarised together, the Exchange 2007
 * SP2 upgrade plan across them, and the OCS Front Ends grouped by pool.
 *
 * The fleet reads what the checks said: module statuses, finding codes and
 * a few evidence values the checks put on their findings (roles, builds,
 * AD values, sites).  It never re-runs a check's logic on a report.
 *
 * Reports are untrusted input: sd_fleet_add_report_mem refuses anything that
 * is not a srvdoctor JSON report (schema_version 1 or 2) with one sentence and
 * leaves the fleet as it was. */
#ifndef SRVDOCTOR_FLEET_H
#define SRVDOCTOR_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/finding.h"
#include "srvdoctor/report.h"

#define SD_FLEET_MAX_AGE_DEFAULT_H 26

typedef struct sd_fleet_ev {
  const char *code;   /* the finding that carried it */
  const char *key;
  const char *val;    /* integers as decimal text */
} sd_fleet_ev;

/* A finding's text, kept only when the fleet keeps details (html). */
typedef struct sd_fleet_finding {
  const char *code;
  sd_severity severity;
  const char *title;
  const char *message;
  const char *summary;
  sd_step *steps;       /* arena memory; a version 1 report's steps have
                           kind SD_STEP_UNSET and no commands */
  size_t nsteps;
  const char **commands; /* version 1 reports only: their flat list */
  size_t ncommands;
} sd_fleet_finding;

typedef struct sd_fleet_module {
  const char *id;
  sd_severity status;
  int applicable;
  const char **codes;       /* the finding codes, in report order */
  sd_severity *code_sev;    /* and their severities */
  size_t ncodes;
  sd_fleet_finding *findings; /* NULL unless details are kept */
} sd_fleet_module;

typedef struct sd_fleet_host {
  const char *name;
  const char *source;       /* the file it came from */
  const char *kind;         /* "report" or "snapshot" */
  sd_time collected_at;     /* SD_TIME_NONE when the report has none */
  sd_severity report_status; /* what the report said */
  sd_severity status;       /* what counts: unknown when stale */
  int stale;
  int64_t age_s;            /* -1 when not known */
  sd_fleet_module *modules;
  size_t nmodules;
  sd_fleet_ev *ev;          /* selected evidence (see fleet_load.c) */
  size_t nev, cap_ev;
} sd_fleet_host;

typedef struct sd_fleet_problem {
  const char *source;
  const char *reason;       /* one sentence, no trailing full stop */
} sd_fleet_problem;

/* ---- the Exchange 2007 SP2 upgrade plan ---- */
typedef enum sd_exch_phase {
  SD_PHASE_CAS = 0,   /* Client Access */
  SD_PHASE_HUB,       /* Hub Transport */
  SD_PHASE_UM,        /* Unified Messaging */
  SD_PHASE_MBX,       /* Mailbox */
  SD_PHASE_EDGE,      /* Edge Transport: on its own */
  SD_PHASE_NONE       /* roles not known */
} sd_exch_phase;

typedef enum sd_exch_state {
  SD_XS_READY = 0,    /* no blocker in its report */
  SD_XS_BLOCKED,      /* blocker codes listed */
  SD_XS_UNKNOWN,      /* stale report or the module could not decide */
  SD_XS_DONE          /* already SP2 or later */
} sd_exch_state;

typedef struct sd_exch_server {
  size_t host;              /* index into fleet hosts */
  unsigned roles;           /* bit per sd_exch_phase */
  const char *roles_text;   /* as the report gave them */
  const char *build;
  sd_exch_phase phase;
  sd_exch_state state;
  const char **blockers;    /* codes (critical/warning/unknown) */
  size_t nblockers;
  const char *why;          /* for SD_XS_UNKNOWN */
  const char *site, *domain; /* the server's AD site and domain, if known */
} sd_exch_server;

typedef struct sd_ad_claim {
  size_t host;
  const char *value;
  int starts_value;         /* the first claim of its value */
} sd_ad_claim;

/* What every format says after a disagreement (one text for all). */
#define SD_FLEET_DISAGREE_ADVICE                                              \
  "Their domain controllers have not finished replicating: neither value "   \
  "is the answer yet. Let replication finish (repadmin /showrepl), then "    \
  "run srvdoctor again on these servers."

typedef struct sd_ad_disagreement {
  const char *what;         /* "schema_version", "org_version", ... */
  sd_ad_claim *claims;      /* one per host that gave a value, grouped by
                             * value in the order the values first appear */
  size_t nclaims;
} sd_ad_disagreement;

typedef struct sd_exch_plan {
  sd_exch_server *servers;  /* upgrade order (Edge last, done ones after) */
  size_t nservers;
  int prepare_schema;       /* 1 needed, 0 not reported, -1 reports disagree */
  int prepare_ad;
  const char **prepare_domains; /* domains whose /PrepareDomain is reported */
  size_t nprepare_domains;
  const char *schema_master, *schema_master_site, *schema_master_domain;
  size_t *run_on;           /* hosts in the schema master's site+domain */
  size_t nrun_on;
  sd_ad_disagreement *disagree;
  size_t ndisagree;
} sd_exch_plan;

/* ---- OCS pools ---- */
typedef struct sd_ocs_member {
  size_t host;
  sd_severity status;       /* of the ocs-kb974571 module */
  const char *code;         /* its most severe finding code */
  int needs_asnfix;         /* a KB974571 finding is on it */
} sd_ocs_member;

typedef struct sd_ocs_pool {
  const char *name;         /* pool evidence, or the grouping used */
  int named;                /* 1: the reports named the pool */
  sd_ocs_member *members;
  size_t nmembers;
} sd_ocs_pool;

typedef struct sd_fleet {
  sd_arena arena;
  int keep_detail;          /* keep findings' text (html) */
  sd_time now;
  int64_t max_age_s;
  sd_fleet_host *hosts;
  size_t nhosts, cap_hosts;
  sd_fleet_problem *problems;
  size_t nproblems, cap_problems;
  size_t superseded;        /* older reports of a host, not counted */
  /* filled by sd_fleet_finish */
  size_t counts[5];         /* hosts + problems by status (sd_severity) */
  size_t nstale;
  sd_severity status;
  int exit_code;
  sd_exch_plan exch;
  sd_ocs_pool *pools;
  size_t npools;
} sd_fleet;

void sd_fleet_init(sd_fleet *fl, sd_time now, int64_t max_age_s);
void sd_fleet_free(sd_fleet *fl);

/* Add one report from its JSON text.  Returns 0, 1 when the text is a
 * srvdoctor snapshot (nothing added: analyse it and call
 * sd_fleet_add_result), or -1 with err saying why it is not a usable report
 * (nothing added). */
int sd_fleet_add_report_mem(sd_fleet *fl, const char *source,
                            const char *data, size_t len, sd_err *err);
/* Add a report made here (a snapshot analysed on the spot). */
void sd_fleet_add_result(sd_fleet *fl, const char *source,
                         const sd_report *rep);
/* A file that could not be used; reason is one sentence. */
void sd_fleet_add_problem(sd_fleet *fl, const char *source,
                          const char *reason);

/* Keep each host's newest report, mark stale ones, sort (most severe
 * first, then by name), count, and build the Exchange plan and OCS pools. */
void sd_fleet_finish(sd_fleet *fl);

/* The value of evidence key from finding code on host (code NULL: any). */
const char *sd_fleet_host_ev(const sd_fleet_host *h, const char *code,
                             const char *key);
const sd_fleet_module *sd_fleet_host_module(const sd_fleet_host *h,
                                            const char *id);
const char *sd_exch_phase_name(sd_exch_phase p);   /* "client-access" */
const char *sd_exch_phase_title(sd_exch_phase p);  /* "Client Access" */
const char *sd_exch_state_name(sd_exch_state s);

/* Writers (src/report/fleet_{text,json,html}.c).  Output ends with "\n". */
void sd_fleet_text(const sd_fleet *fl, sd_buf *out);
void sd_fleet_json(const sd_fleet *fl, sd_buf *out);
void sd_fleet_html(const sd_fleet *fl, sd_buf *out);

#endif
