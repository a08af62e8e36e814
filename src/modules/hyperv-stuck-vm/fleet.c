/* fleet.c - hyperv-stuck-vm adds no section of its own to the fleet: each
 * host's line and grid cell (its status and codes) say what it found. */
#include "srvdoctor/fleet.h"

const sd_fleet_hook sd_fleet_hook_hyperv_stuck_vm = {
  NULL, NULL, NULL, NULL, NULL};
