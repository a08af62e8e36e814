/* facts_hyperv.h - facts of the hyperv module (owned by that module).
 * Included by facts.h; may use the shared types declared there. */
#ifndef SRVDOCTOR_FACTS_HYPERV_H
#define SRVDOCTOR_FACTS_HYPERV_H

typedef struct sd_hv_facts {
  sd_fstate st; /* was this section collected at all */
} sd_hv_facts;

#endif
