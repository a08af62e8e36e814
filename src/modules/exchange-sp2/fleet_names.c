/* fleet_names.c - the names the plan's writers give its phases and
 * states. */
#include "fleet.h"

const char *sd_exch_phase_name(sd_exch_phase p)
{
  static const char *const names[] = {"client-access", "hub-transport",
                                      "unified-messaging", "mailbox", "edge",
                                      "roles-unknown"};
  return (unsigned)p < SD_COUNTOF(names) ? names[p] : "roles-unknown";
}

const char *sd_exch_phase_title(sd_exch_phase p)
{
  static const char *const titles[] = {"Client Access", "Hub Transport",
                                       "Unified Messaging", "Mailbox",
                                       "Edge Transport", "roles not known"};
  return (unsigned)p < SD_COUNTOF(titles) ? titles[p] : "roles not known";
}

const char *sd_exch_state_name(sd_exch_state s)
{
  static const char *const names[] = {"ready", "blocked", "unknown", "done"};
  return (unsigned)s < SD_COUNTOF(names) ? names[s] : "unknown";
}
