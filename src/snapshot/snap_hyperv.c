/* snap_hyperv.c - the "hyperv" section of the snapshot (owned by the hyperv module). */
#include "schema_internal.h"

static const sd_field hv_fields[] = {
  SD_FIELD(sd_hv_facts, "state", SD_F_FSTATE, st),
};
const sd_schema sd_schema_hyperv = SD_SCHEMA(sd_hv_facts, "hyperv", hv_fields);
