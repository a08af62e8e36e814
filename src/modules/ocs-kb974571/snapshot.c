/* snapshot.c - the "ocs" section of the snapshot (owned by the
 * ocs-kb974571 module; docs/modules/ocs-kb974571.md describes it). */
#include "schema_internal.h"

static const sd_field product_fields[] = {
  SD_FIELD(sd_ocs_product, "display_name", SD_F_STR, display_name),
  SD_FIELD(sd_ocs_product, "version", SD_F_STR, version),
  SD_FIELD(sd_ocs_product, "source", SD_F_STR, source),
  SD_FIELD(sd_ocs_product, "detail", SD_F_STR, detail),
};
static const sd_schema product_schema =
  SD_SCHEMA(sd_ocs_product, "an OCS product", product_fields);

static const sd_field ocs_fields[] = {
  SD_FIELD(sd_ocs_facts, "state", SD_F_FSTATE, st),
  SD_FIELD(sd_ocs_facts, "fe_key_state", SD_F_FSTATE, fe_key_st),
  SD_FIELD(sd_ocs_facts, "fe_display_name", SD_F_STR, fe_display_name),
  SD_FIELD(sd_ocs_facts, "fe_image_path", SD_F_STR, fe_image_path),
  SD_FIELD(sd_ocs_facts, "fe_binary_state", SD_F_FSTATE, fe_binary_st),
  SD_FIELD(sd_ocs_facts, "fe_binary_path", SD_F_STR, fe_binary_path),
  SD_FIELD(sd_ocs_facts, "fe_file_version", SD_F_STR, fe_file_version),
  SD_FIELD(sd_ocs_facts, "fe_product_name", SD_F_STR, fe_product_name),
  SD_FIELD(sd_ocs_facts, "products_state", SD_F_FSTATE, products_st),
  SD_FIELD_LIST(sd_ocs_facts, "products", products, nproducts, cap_products,
                &product_schema),
};
const sd_schema sd_schema_ocs = SD_SCHEMA(sd_ocs_facts, "ocs", ocs_fields);
