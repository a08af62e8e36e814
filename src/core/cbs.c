/* cbs.c - the table of Component Based Servicing package states (cbs.h). */
#include "srvdoctor/cbs.h"

#include <stdio.h>

#include "srvdoctor/base.h"

/* Source: Microsoft's "CBS servicing states chart" (the CurrentState values
 * of a package under Component Based Servicing\Packages), recorded in
 * ../shared/facts/ocs.md section 5 and docs/modules/ocs-kb974571.md.
 * 0x50 is Superseded, not a pending removal; 0x05 is the pending removal.
 * active_now / active_after_restart / removable are srvdoctor's reading of
 * each state for the update the package carries:
 *   - Uninstall Pending: the update works until the restart that removes it;
 *   - Superseded: a later update replaced it and carries its change on, so
 *     removing this package would not take the change away;
 *   - Install Pending: nothing is in effect until the restart;
 *   - Partially Installed: whether the change is in effect is not known, so
 *     it counts as in effect (never "not installed") and is not removed by
 *     srvdoctor;
 *   - Permanent: installed and cannot be removed. */
static const sd_cbs_state cbs_states[] = {
  {0x00, "Absent", SD_CBS_NOT_INSTALLED, 0, 0, 0},
  {0x05, "Uninstall Pending", SD_CBS_UNINSTALL_PENDING, 1, 0, 0},
  {0x10, "Resolving", SD_CBS_NOT_INSTALLED, 0, 0, 0},
  {0x20, "Resolved", SD_CBS_NOT_INSTALLED, 0, 0, 0},
  {0x30, "Staging", SD_CBS_NOT_INSTALLED, 0, 0, 0},
  {0x40, "Staged", SD_CBS_NOT_INSTALLED, 0, 0, 0},
  {0x50, "Superseded", SD_CBS_SUPERSEDED, 1, 1, 0},
  {0x60, "Install Pending", SD_CBS_INSTALL_PENDING, 0, 1, 0},
  {0x65, "Partially Installed", SD_CBS_PARTIAL, 1, 1, 0},
  {0x70, "Installed", SD_CBS_INSTALLED, 1, 1, 1},
  {0x80, "Permanent", SD_CBS_PERMANENT, 1, 1, 0},
};

const sd_cbs_state *sd_cbs_state_find(uint32_t code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(cbs_states); i++)
    if(cbs_states[i].code == code)
      return &cbs_states[i];
  return NULL;
}

const sd_cbs_state *sd_cbs_state_of(sd_cbs_class c)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(cbs_states); i++)
    if(cbs_states[i].cls == c)
      return &cbs_states[i];
  return NULL;
}

const char *sd_cbs_state_label(uint32_t code, char out[48])
{
  const sd_cbs_state *s = sd_cbs_state_find(code);
  snprintf(out, 48, "0x%02lX %s", (unsigned long)code,
           s ? s->name : "(unknown state)");
  return out;
}
