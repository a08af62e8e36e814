/* fleet.h - exchange-sp2's section of the fleet: the organisation's
 * Exchange 2007 SP2 upgrade plan, built from each host's summary of this
 * module (summary.c) by fleet.c and written by fleet_write.c.  The
 * section fleet keeps for this module (sd_fleet_section) is an
 * sd_exch_plan. */
#ifndef SD_EXCHANGE_FLEET_H
#define SD_EXCHANGE_FLEET_H

#include "srvdoctor/fleet.h"

#define SD_EXCH_MODULE "exchange-sp2"

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


const char *sd_exch_phase_name(sd_exch_phase p);   /* "client-access" */
const char *sd_exch_phase_title(sd_exch_phase p);  /* "Client Access" */
const char *sd_exch_state_name(sd_exch_state s);

/* The writers of the plan (fleet_write.c). */
void sd_exch_fleet_text(const sd_fleet *fl, const void *sec, sd_buf *b);
void sd_exch_fleet_json(const sd_fleet *fl, const void *sec,
                        sd_jwriter *w);
void sd_exch_fleet_html(const sd_fleet *fl, const void *sec, sd_buf *b);

#endif
