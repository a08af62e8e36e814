/* check_codes.c - the ocs-kb974571 module's code table: every finding
 * code it may give, with its usual severity, title and fix flags (the one
 * place they are written), and the builder of a finding of one of them. */
#include "check.h"

const sd_code_info sd_ocs_codes[] = {
  {"OCS-NOT-INSTALLED", "ocs-kb974571", SD_SEV_INFO,
   "No LCS/OCS Front End on this machine", 0},
  {"OCS-KB974571-FE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "Security update KB974571 has stopped the OCS Front End", SD_FIX_YES},
  {"OCS-KB974571-AT-RISK", "ocs-kb974571", SD_SEV_WARNING,
   "KB974571 will stop the OCS Front End at the next restart", 0},
  {"OCS-KB974571-ROLE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "Security update KB974571 has stopped other LCS/OCS server roles", 0},
  {"OCS-FE-DOWN", "ocs-kb974571", SD_SEV_CRITICAL,
   "The OCS Front End is not running (not the KB974571 problem)", 0},
  {"OCS-OK", "ocs-kb974571", SD_SEV_OK,
   "The OCS Front End is not affected by KB974571", 0},
  {"OCS-UNKNOWN", "ocs-kb974571", SD_SEV_UNKNOWN,
   "Whether KB974571 affects the OCS Front End could not be decided", 0},
};

_Static_assert(SD_COUNTOF(sd_ocs_codes) == SD_OCS_NCODES,
               "SD_OCS_NCODES is the number of codes in the table");

/* A finding of one of this module's codes, as its table says. */
sd_finding *sd_ocs_add(sd_module_result *r, const char *code)
{
  return sd_result_code(r, sd_ocs_codes, SD_OCS_NCODES, code);
}
