/* check_codes.c - the hyperv-stuck-vm module's code table: every finding
 * code it may give, with its usual severity, title and fix flags (the one
 * place they are written), and the builder of a finding of one of them. */
#include "check.h"

const sd_code_info sd_hv_codes[] = {
  {"HV-VM-STUCK", MOD, SD_SEV_CRITICAL,
   "A virtual machine is hung in a transitional state",
   SD_FIX_YES | SD_FIX_WORKER},
  {"HV-VM-SUSPECT", MOD, SD_SEV_WARNING,
   "A virtual machine may be hung (one signal only)",
   SD_FIX_YES | SD_FIX_WORKER | SD_FIX_FORCE},
  {"HV-VM-STORAGE", MOD, SD_SEV_CRITICAL,
   "A virtual machine is paused or failing because of its storage", 0},
  {"HV-VM-BUSY", MOD, SD_SEV_INFO,
   "A virtual machine is busy with an operation; its verdict is held back",
   0},
  {"HV-WORKER-MISSING", MOD, SD_SEV_WARNING,
   "A running virtual machine has no worker process", 0},
  {"HV-WORKER-ORPHAN", MOD, SD_SEV_WARNING,
   "A worker process belongs to no virtual machine Hyper-V reports", 0},
  {"HV-UNKNOWN", MOD, SD_SEV_UNKNOWN,
   "The Hyper-V virtual machines could not be checked", 0},
  {"HV-DEGRADED", MOD, SD_SEV_INFO,
   "Hyper-V's WMI provider could not be read; verdicts rest on worker "
   "processes alone", 0},
  {"HV-NOT-INSTALLED", MOD, SD_SEV_INFO, "No Hyper-V on this machine", 0},
  {"HV-OK", MOD, SD_SEV_OK, "Every virtual machine's worker looks healthy",
   0},
};

/* A finding of one of this module's codes, as its table says. */
sd_finding *sd_hv_add(sd_module_result *r, const char *code)
{
  return sd_result_code(r, sd_hv_codes, SD_HV_NCODES, code);
}

_Static_assert(SD_COUNTOF(sd_hv_codes) == SD_HV_NCODES,
               "SD_HV_NCODES is the number of codes in the table");
