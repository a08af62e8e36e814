/* snapshot.c - the "example" section of the snapshot. */
#include "schema_internal.h"

static const sd_field example_fields[] = {
  SD_FIELD(sd_example_facts, "state", SD_F_FSTATE, st),
  SD_FIELD(sd_example_facts, "greeting", SD_F_STR, greeting),
};
const sd_schema sd_schema_example =
  SD_SCHEMA(sd_example_facts, "example", example_fields);
