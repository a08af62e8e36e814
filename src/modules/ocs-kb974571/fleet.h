/* fleet.h - ocs-kb974571's section of the fleet: the LCS/OCS Front Ends
 * grouped by pool, built from each host's summary of this module
 * (summary.c) by fleet.c.  The section fleet keeps for this module
 * (sd_fleet_section) is an sd_ocs_pools. */
#ifndef SD_OCS_FLEET_H
#define SD_OCS_FLEET_H

#include "srvdoctor/fleet.h"

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

typedef struct sd_ocs_pools {
  sd_ocs_pool *pools;
  size_t npools;
} sd_ocs_pools;

#endif
