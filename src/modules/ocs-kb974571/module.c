/* module.c - the "ocs-kb974571" module: is the LCS/OCS Front End
 * down (or going down at the next restart) because of security update
 * KB974571 (MS09-056)?
 *
 * Evidence weighed (docs/modules/ocs-kb974571.md tells the story):
 *   - OCS present: the RTCSRV service (services list, its registry key, or
 *     a service whose image is RtcSrv.exe); product and version from the
 *     binary's version resource and the Add or Remove Programs entries;
 *   - the Front End's state and exit codes: stopped with
 *     ERROR_SERVICE_SPECIFIC_ERROR (1066) and 0xC3E93C23 is the failure;
 *   - events in the window: System 7024 carrying 0xC3E93C23, "OCS Server"
 *     12290 (evaluation expired);
 *   - KB974571 by every route, and each route's install time against the
 *     last boot (the failure starts only after a restart).
 * Pure: now is facts->collected_at, nothing is read from the system.
 *
 * This file holds the code table, the module's entry and its descriptor;
 * the parts of the check are the check_*.c files beside it (check.h). */
#include "check.h"


/* The module: the Front End's verdict, then the other roles KB974571
 * stopped when no finding named them. */
static void ocs_check(const sd_facts *f, const sd_options *o,
                      sd_module_result *r)
{
  view v;
  int roles;
  (void)o;
  sd_ocs_view_open(f, &v);
  /* Other roles stopped by KB974571 (or an activation it broke) are their
   * own finding, unless the Front End's finding already names them. */
  roles = (v.nroles_down > 0 && v.kb != TRI_NO) ||
          (v.activation && v.kb == TRI_YES);
  r->applicable = v.present != TRI_NO || roles;
  if(v.present == TRI_NO) {
    if(roles)
      sd_ocs_add_roles_down(r, f, &v);
    else
      sd_ocs_add_not_installed(r, f, &v);
    roles = 0;
  }
  else if(v.present == TRI_UNKNOWN || !v.fe) {
    sd_ocs_add_fe_unreadable(r, f, &v);
  }
  else if(sd_ocs_is_down(v.fe->state)) {
    if(sd_ocs_add_fe_stopped(r, f, &v))
      roles = 0; /* named in it */
  }
  else {
    sd_ocs_add_fe_not_stopped(r, f, &v, roles);
  }
  if(roles)
    sd_ocs_add_roles_down(r, f, &v);
  sd_ocs_view_close(&v);
}

const sd_module sd_module_ocs_kb974571 = {
  "ocs-kb974571", "OCS Front End and security update KB974571",
  SD_NEED_MODULE(ocs_kb974571) | SD_NEED_SERVICES | SD_NEED_HOTFIXES |
  SD_NEED_EVENTS | SD_NEED_HOST, ocs_check, sd_ocs_codes, SD_OCS_NCODES,
  NULL, 0, NULL};
