/* summary.c - what a fleet needs of this module's result (summary.h):
 * how many VMs the check judged stuck or suspect on this host. */
#include "srvdoctor/summary.h"

static const sd_sum_rule rules[] = {
  {"vm_stuck", SD_SUM_CODE, "HV-VM-STUCK", NULL, NULL},
  {"vm_suspect", SD_SUM_CODE, "HV-VM-SUSPECT", NULL, NULL},
};

const sd_sum_rules sd_summary_hyperv_stuck_vm = {rules, SD_COUNTOF(rules)};
