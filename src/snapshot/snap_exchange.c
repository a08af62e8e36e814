/* snap_exchange.c - the "exchange" section of the snapshot (owned by the exchange module). */
#include "schema_internal.h"

static const sd_field exch_fields[] = {
  SD_FIELD(sd_exch_facts, "state", SD_F_FSTATE, st),
};
const sd_schema sd_schema_exchange = SD_SCHEMA(sd_exch_facts, "exchange", exch_fields);
