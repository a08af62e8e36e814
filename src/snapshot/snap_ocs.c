/* snap_ocs.c - the "ocs" section of the snapshot (owned by the ocs module). */
#include "schema_internal.h"

static const sd_field ocs_fields[] = {
  SD_FIELD(sd_ocs_facts, "state", SD_F_FSTATE, st),
};
const sd_schema sd_schema_ocs = SD_SCHEMA(sd_ocs_facts, "ocs", ocs_fields);
