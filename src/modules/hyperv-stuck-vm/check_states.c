/* check_states.c - the hyperv-stuck-vm check: the VM states of both WMI
 * namespaces, their
 * operational statuses and the operations in progress, as tables with their
 * sources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- states ---- */

/* EnabledState of root\virtualization (v1: Windows Server 2008 / 2008 R2).
 * Sources: the 2008 R2 failover-cluster VmState property that mirrors
 * EnabledState (learn.microsoft.com, previous-versions/windows/desktop/
 * mscs/virtual-machines-vmstate) and the Msvm_ComputerSystem v1 page;
 * Snapshotting 32771 as ../shared/facts/hyperv.md section 4 records it.
 * docs/modules/hyperv-stuck-vm.md names them too. */
static const state_info v1_states[] = {
  {2, "Running", 0, 1, 0},
  {3, "Off", 0, 0, 0},
  {32768, "Paused", 0, 1, 0},
  {32769, "Saved", 0, 0, 0},
  {32770, "Starting", 1, 1, 0},
  {32771, "Snapshotting", 0, 1, 0},
  {32773, "Saving", 1, 1, 0},
  {32774, "Stopping", 1, 1, 0},
  {32776, "Pausing", 1, 1, 0},
  {32777, "Resuming", 1, 1, 0},
};

/* EnabledState of root\virtualization\v2 (Windows Server 2012 and
 * later).  Sources: Microsoft's Msvm_ComputerSystem page (hyperv_v2/
 * msvm-computersystem: 2, 3, 4, 6, 9, 10, 32768, 32769) and its
 * RequestStateChange page
 * (hyperv_v2/requeststatechange-msvm-computersystem: 32773-32780 and the
 * critical states 32781-32792, in the order RunningCritical, OffCritical,
 * StoppingCritical, SavedCritical, PausedCritical, StartingCritical,
 * ResetCritical, SavingCritical, PausingCritical, ResumingCritical,
 * FastSavedCritical, FastSavingCritical).  A VM in a critical state has
 * lost its storage or configuration: it is never a hung worker, so none of
 * them is "transitional" here. */
static const state_info v2_states[] = {
  {2, "Running", 0, 1, 0},
  {3, "Off", 0, 0, 0},
  {4, "Stopping", 1, 1, 0},
  {6, "Saved", 0, 0, 0},
  {9, "Paused", 0, 1, 0},
  {10, "Starting", 1, 1, 0},
  /* The HealthState remark of the same page names 32768 (Paused) as the
   * state of a VM paused for lack of disk space. */
  {32768, "Paused", 0, 1, 0},
  /* The OperationalStatus remark of the same page (value 15 Dormant): a
   * suspended or paused VM has EnabledState 32769 (Suspended) or 32768
   * (Paused).  Suspended is the saved state (RequestStateChange 32769
   * "Suspended" saves the state of the VM, previous-versions/windows/
   * desktop/virtual/requeststatechange-msvm-computersystem). */
  {32769, "Saved", 0, 0, 0},
  {32773, "Saving", 1, 1, 0},
  {32776, "Pausing", 1, 1, 0},
  {32777, "Resuming", 1, 1, 0},
  {32779, "FastSaved", 0, 0, 0},
  {32780, "FastSaving", 1, 1, 0},
  {32781, "Running-Critical", 0, 1, 1},
  {32782, "Off-Critical", 0, 0, 1},
  {32783, "Stopping-Critical", 0, 1, 1},
  {32784, "Saved-Critical", 0, 0, 1},
  {32785, "Paused-Critical", 0, 1, 1},
  {32786, "Starting-Critical", 0, 1, 1},
  {32787, "Reset-Critical", 0, 1, 1},
  {32788, "Saving-Critical", 0, 1, 1},
  {32789, "Pausing-Critical", 0, 1, 1},
  {32790, "Resuming-Critical", 0, 1, 1},
  {32791, "FastSaved-Critical", 0, 0, 1},
  {32792, "FastSaving-Critical", 0, 1, 1},
};

const state_info *sd_hv_state_lookup(unsigned version, uint32_t code)
{
  const state_info *t = version == 1 ? v1_states : v2_states;
  size_t n = version == 1 ? SD_COUNTOF(v1_states) : SD_COUNTOF(v2_states);
  size_t i;
  for(i = 0; i < n; i++)
    if(t[i].code == code)
      return &t[i];
  return NULL;
}

int sd_hv_is_paused(const state_info *si)
{
  return si && !si->critical && sd_streq(si->name, "Paused");
}

/* Is the VM's OperationalStatus known (read; or carried without a state by
 * a snapshot written before the state existed)? */
int sd_hv_opstatus_known(const sd_hv_vm *vm)
{
  return vm->op_status_st.state == SD_ST_READ ||
         vm->op_status_st.state == SD_ST_ABSENT ||
         (vm->op_status_st.state == SD_ST_NOT_COLLECTED &&
          vm->nop_status > 0);
}

uint32_t sd_hv_opstatus_at(const sd_hv_vm *vm, size_t i)
{
  return sd_hv_opstatus_known(vm) && i < vm->nop_status ? vm->op_status[i].code
                                                  : 0;
}

/* OperationalStatus[1]: an operation in progress.  Source: Microsoft's
 * Msvm_ComputerSystem page (hyperv_v2/msvm-computersystem, OperationalStatus
 * "value at index one").  A VM doing one of these is busy, not hung;
 * Waiting to Start is the automatic start delay. */
static const op_info operations[] = {
  {32768, "Creating Snapshot", "creating a snapshot (checkpoint)"},
  {32769, "Applying Snapshot", "applying a snapshot (checkpoint)"},
  {32770, "Deleting Snapshot", "deleting a snapshot (checkpoint)"},
  {OPSTATUS_WAITING_TO_START, "Waiting to Start",
   "waiting for its automatic start delay"},
  {32772, "Merging Disks", "merging the virtual hard disks of deleted "
   "snapshots"},
  {32773, "Exporting Virtual Machine", "being exported"},
  {32774, "Migrating Virtual Machine", "being live-migrated to another "
   "host"},
};

const op_info *sd_hv_operation_of(uint32_t code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(operations); i++)
    if(operations[i].code == code)
      return &operations[i];
  return NULL;
}

/* v1 EnabledState 32771 Snapshotting (Windows Server 2008 / 2008 R2). */
const op_info sd_hv_v1_snapshotting = {
  32771, "Snapshotting", "taking a snapshot (EnabledState 32771 "
  "Snapshotting)"};
