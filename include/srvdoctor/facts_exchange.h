/* facts_exchange.h - facts of the exchange module (owned by that module).
 * Included by facts.h; may use the shared types declared there. */
#ifndef SRVDOCTOR_FACTS_EXCHANGE_H
#define SRVDOCTOR_FACTS_EXCHANGE_H

typedef struct sd_exch_facts {
  sd_fstate st; /* was this section collected at all */
} sd_exch_facts;

#endif
