/* facts_ocs.h - facts of the ocs module (owned by that module).
 * Included by facts.h; may use the shared types declared there. */
#ifndef SRVDOCTOR_FACTS_OCS_H
#define SRVDOCTOR_FACTS_OCS_H

typedef struct sd_ocs_facts {
  sd_fstate st; /* was this section collected at all */
} sd_ocs_facts;

#endif
