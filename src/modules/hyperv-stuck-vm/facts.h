/* facts.h - facts of the hyperv module (owned by that module).
 * Included by facts.h; may use the shared types declared there.
 *
 * What Hyper-V's own management interface (WMI, Msvm_ComputerSystem) says
 * about each virtual machine, and whether the VMMS service is there.  The
 * worker processes (vmwp.exe) are in the shared process list
 * (sd_facts.processes) and the start-failure events in sd_facts.events. */
#ifndef SRVDOCTOR_FACTS_HYPERV_H
#define SRVDOCTOR_FACTS_HYPERV_H

/* One entry of Msvm_ComputerSystem.OperationalStatus[]: [0] the primary
 * status (2 OK, 3 Degraded, 5 Predictive Failure, 11 In Service), [1] an
 * operation in progress (32768-32774, 32771 Waiting to Start). */
typedef struct sd_hv_opstatus {
  uint32_t code;
} sd_hv_opstatus;

/* One virtual hard disk of a VM and the volume that holds it. */
typedef struct sd_hv_disk {
  const char *path;            /* "D:\VMs\SQL01\SQL01.vhdx" */
  const char *volume;          /* "D:\" (GetVolumePathName), NULL unknown */
  sd_fstate space_st;          /* free space of the volume read? */
  uint64_t free_bytes;         /* free to the caller */
  uint64_t total_bytes;
} sd_hv_disk;

/* One virtual machine (an Msvm_ComputerSystem whose Caption is "Virtual
 * Machine", not the "Hosting Computer System" instance). */
typedef struct sd_hv_vm {
  const char *guid;            /* Name: the VM id, upper case, no braces */
  const char *name;            /* ElementName: the display name */
  unsigned ns_version;         /* 2 = root\virtualization\v2, 1 = v1 */
  uint32_t enabled_state;      /* EnabledState (codes differ v1 / v2) */
  uint32_t requested_state;    /* RequestedState (12 = no change pending) */
  uint32_t health_state;       /* HealthState: 5 OK, 20 major, 25 critical */
  /* OperationalStatus[]: read (op_status holds it, possibly empty),
   * absent (the property is null), unreadable (why). */
  sd_fstate op_status_st;
  sd_hv_opstatus *op_status;
  size_t nop_status, cap_op_status;
  sd_time state_changed;       /* TimeOfLastStateChange, UTC */
  uint32_t worker_pid;         /* ProcessID: its vmwp.exe, 0 when none */
  uint64_t on_time_ms;         /* OnTimeInMilliseconds */
  /* Its virtual hard disks (resource allocation settings whose host
   * resource is a file), with the free space of each volume: read, absent
   * (the VM has none) or unreadable (why). */
  sd_fstate disks_st;
  sd_hv_disk *disks;
  size_t ndisks, cap_disks;
} sd_hv_vm;

/* One failover-cluster resource whose private properties name a VM (the
 * VmId value under HKLM\Cluster\Resources\<resource id>\Parameters: the
 * "Virtual Machine" and "Virtual Machine Configuration" resources). */
typedef struct sd_hv_cluster_vm {
  const char *resource;        /* the resource's Name value, NULL unknown */
  const char *vm_guid;         /* VmId: the VM id, upper case, no braces */
} sd_hv_cluster_vm;

typedef struct sd_hv_facts {
  sd_fstate st;                /* was this section collected at all */

  /* The Hyper-V Virtual Machine Management service (short name vmms).
   * read = the service exists, absent = it does not.  The check prefers
   * the shared service list when that was read. */
  sd_fstate vmms_st;
  sd_svc_state vmms_state;
  uint32_t vmms_pid;

  /* Hyper-V's WMI provider: read = the namespace answered (vms holds every
   * VM, possibly none); absent = neither root\virtualization\v2 nor
   * root\virtualization exists; unreadable = it could not be queried
   * (access denied, timed out, ...), why says so. */
  sd_fstate wmi_st;
  const char *wmi_namespace;   /* "root\\virtualization\\v2" */
  unsigned wmi_version;        /* 2, 1, or 0 when not read */
  sd_hv_vm *vms;
  size_t nvms, cap_vms;

  /* Is this host a failover-cluster node, and which VMs are cluster
   * resources?  read = the cluster database (HKLM\Cluster\Resources) was
   * read: cluster_vms lists every resource that names a VM (possibly none);
   * absent = the Cluster service (ClusSvc) does not exist here, so no VM is
   * clustered; unreadable = the service exists but its database could not
   * be read (not loaded because the service is stopped, access denied...),
   * so whether a VM is clustered is not known. */
  sd_fstate cluster_st;
  sd_hv_cluster_vm *cluster_vms;
  size_t ncluster_vms, cap_cluster_vms;
} sd_hv_facts;

sd_hv_vm *sd_hv_vm_add(sd_hv_facts *h);
sd_hv_opstatus *sd_hv_opstatus_add(sd_hv_vm *vm);
sd_hv_disk *sd_hv_disk_add(sd_hv_vm *vm);
sd_hv_cluster_vm *sd_hv_cluster_vm_add(sd_hv_facts *h);

/* Value helpers shared by the collector and the check. */

/* Find a VM id (8-4-4-4-12 hex digits, optionally in braces) in s, starting
 * at a token boundary; writes it upper case without braces into out (37
 * bytes) and returns a pointer just past it in s, or NULL when s holds
 * none. */
const char *sd_hv_guid_find(const char *s, char out[37]);
/* Is s exactly a GUID (braces allowed): a VM id, or a Windows Installer
 * patch or product code?  Normalised (upper case, no braces) into out
 * when so. */
int sd_guid_parse(const char *s, char out[37]);

/* The image name of a Hyper-V virtual machine's worker process: one per
 * running VM, started by vmms.exe from the system folder (facts: hyperv.md).
 * The one place this name is written; wide code uses L"" SD_HV_WORKER_IMAGE. */
#define SD_HV_WORKER_IMAGE "vmwp.exe"

/* The Hyper-V logs the collector reads and the check matches VM start
 * failures in, and their event IDs (Msvm_Error message ids used as event
 * ids: 3040, 3050, 3080, 3122, 3326, 12030; 12010 a device failed to
 * power on; sources in docs/modules/hyperv-stuck-vm.md).  The one place
 * they are written. */
#define SD_HV_LOG_WORKER "Microsoft-Windows-Hyper-V-Worker-Admin"
#define SD_HV_LOG_VMMS "Microsoft-Windows-Hyper-V-VMMS-Admin"
#define SD_HV_START_FAIL_IDS 3040, 3050, 3080, 3122, 3326, 12010, 12030
/* Is a process image name (no folder) the worker's, in any case? */
int sd_hv_is_worker_image(const char *image);
/* The VM id packed into a per-VM account SID "S-1-5-83-1-A-B-C-D" (the
 * id's 16 bytes in Windows GUID memory layout read as four little-endian
 * 32-bit numbers).  Returns 0 and fills out, or -1 when sid is not one. */
int sd_hv_guid_from_sid(const char *sid, char out[37]);
/* A CIM DATETIME ("yyyymmddHHMMSS.mmmmmmsUUU", UUU = minutes east of UTC)
 * as UTC seconds; -1 when it is not one (or is an interval). */
int sd_hv_cim_time(const char *s, sd_time *out);

#endif
