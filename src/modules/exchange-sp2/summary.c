/* summary.c - what a fleet needs of this module's result (summary.h):
 * whether Exchange 2007 is here and its roles and build, the AD values
 * this server read and where its site and domain are, and which AD
 * preparation its report asks for.  Digested from the check's findings;
 * the fleet's Exchange plan (fleet.c) reads nothing else. */
#include "srvdoctor/summary.h"

static const sd_sum_rule rules[] = {
  /* Exchange 2007 is installed: its build is known, or its v8.0 key was
   * read while the build could not be. */
  {"exchange_2007", SD_SUM_CODE, "EXCH-UPGRADE-PATH", NULL, NULL},
  {"exchange_2007", SD_SUM_CODE, "EXCH-ALREADY-SP2", NULL, NULL},
  {"exchange_2007", SD_SUM_CODE, "EXCH-PRERELEASE", NULL, NULL},
  {"exchange_2007", SD_SUM_EQUALS, "EXCH-UNKNOWN", "v8_key", "read"},
  {"sp2_installed", SD_SUM_CODE, "EXCH-ALREADY-SP2", NULL, NULL},
  {"roles", SD_SUM_VALUE, "EXCH-UPGRADE-PATH", "roles", NULL},
  {"installed_build", SD_SUM_VALUE, "EXCH-UPGRADE-PATH", "installed_build",
   NULL},
  {"installed_build", SD_SUM_VALUE, "EXCH-ALREADY-SP2", "installed_build",
   NULL},
  {"installed_build", SD_SUM_VALUE, "EXCH-PRERELEASE", "installed_build",
   NULL},
  {"computer_site", SD_SUM_VALUE, NULL, "computer_site", NULL},
  {"computer_domain", SD_SUM_VALUE, NULL, "computer_domain", NULL},
#define AD_VALUE(key)                                     \
  {key, SD_SUM_VALUE, "AD-READY", key, NULL},             \
  {key, SD_SUM_VALUE, "AD-SCHEMA-PREP-NEEDED", key, NULL}, \
  {key, SD_SUM_VALUE, "AD-ORG-PREP-NEEDED", key, NULL},   \
  {key, SD_SUM_VALUE, "AD-DOMAIN-PREP-NEEDED", key, NULL}, \
  {key, SD_SUM_VALUE, "AD-PARTIAL", key, NULL}
  AD_VALUE("schema_version"),
  AD_VALUE("org_version"),
  AD_VALUE("meso_version"),
  AD_VALUE("schema_master"),
  AD_VALUE("schema_master_site"),
  AD_VALUE("schema_master_domain"),
#undef AD_VALUE
  {"prepare_schema", SD_SUM_CODE, "AD-SCHEMA-PREP-NEEDED", NULL, NULL},
  {"prepare_ad", SD_SUM_CODE, "AD-ORG-PREP-NEEDED", NULL, NULL},
  {"prepare_domain", SD_SUM_VALUE, "AD-DOMAIN-PREP-NEEDED", "domain", NULL},
};

const sd_sum_rules sd_summary_exchange_sp2 = {rules, SD_COUNTOF(rules)};
