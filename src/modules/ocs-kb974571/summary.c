/* summary.c - what a fleet needs of this module's result (summary.h):
 * whether this server is an LCS/OCS Front End, its product, edition and
 * pool, and whether it needs OCSASNFix.exe.  Digested from the check's
 * findings; the fleet's pools (fleet.c) read nothing else. */
#include "srvdoctor/summary.h"

static const sd_sum_rule rules[] = {
  /* A Front End: the check named its product, or judged its service. */
  {"front_end", SD_SUM_HAS, NULL, "product", NULL},
  {"front_end", SD_SUM_CODE, "OCS-OK", NULL, NULL},
  {"front_end", SD_SUM_CODE, "OCS-KB974571-FE-DOWN", NULL, NULL},
  {"front_end", SD_SUM_CODE, "OCS-KB974571-AT-RISK", NULL, NULL},
  {"front_end", SD_SUM_CODE, "OCS-FE-DOWN", NULL, NULL},
  {"not_installed", SD_SUM_CODE, "OCS-NOT-INSTALLED", NULL, NULL},
  /* The findings whose remediation is OCSASNFix.exe. */
  {"needs_ocsasnfix", SD_SUM_CODE, "OCS-KB974571-FE-DOWN", NULL, NULL},
  {"needs_ocsasnfix", SD_SUM_CODE, "OCS-KB974571-AT-RISK", NULL, NULL},
  {"product", SD_SUM_VALUE, NULL, "product", NULL},
  {"edition", SD_SUM_VALUE, NULL, "edition", NULL},
  {"pool", SD_SUM_VALUE, NULL, "pool", NULL},
};

const sd_sum_rules sd_summary_ocs_kb974571 = {rules, SD_COUNTOF(rules)};
