/* snapshot.c - the "hyperv" section of the snapshot (owned by the hyperv
 * module).  The value helpers for VM ids and CIM times are in
 * src/core/guid.c and src/core/cimtime.c. */
#include <stdio.h>
#include <string.h>

#include "schema_internal.h"

static const sd_field opstatus_fields[] = {
  SD_FIELD(sd_hv_opstatus, "code", SD_F_U32, code),
};
static const sd_schema opstatus_schema =
  SD_SCHEMA(sd_hv_opstatus, "an operational status", opstatus_fields);

static const sd_field disk_fields[] = {
  SD_FIELD(sd_hv_disk, "path", SD_F_STR, path),
  SD_FIELD(sd_hv_disk, "volume", SD_F_STR, volume),
  SD_FIELD(sd_hv_disk, "space_state", SD_F_FSTATE, space_st),
  SD_FIELD(sd_hv_disk, "free_bytes", SD_F_U64, free_bytes),
  SD_FIELD(sd_hv_disk, "total_bytes", SD_F_U64, total_bytes),
};
static const sd_schema disk_schema =
  SD_SCHEMA(sd_hv_disk, "a virtual hard disk", disk_fields);

static const sd_field vm_fields[] = {
  SD_FIELD(sd_hv_vm, "guid", SD_F_STR, guid),
  SD_FIELD(sd_hv_vm, "name", SD_F_STR, name),
  SD_FIELD(sd_hv_vm, "ns_version", SD_F_UINT, ns_version),
  SD_FIELD(sd_hv_vm, "enabled_state", SD_F_U32, enabled_state),
  SD_FIELD(sd_hv_vm, "requested_state", SD_F_U32, requested_state),
  SD_FIELD(sd_hv_vm, "health_state", SD_F_U32, health_state),
  SD_FIELD(sd_hv_vm, "operational_status_state", SD_F_FSTATE,
           op_status_st),
  SD_FIELD_LIST(sd_hv_vm, "operational_status", op_status,
                nop_status, cap_op_status, &opstatus_schema),
  SD_FIELD(sd_hv_vm, "state_changed", SD_F_TIME, state_changed),
  SD_FIELD(sd_hv_vm, "worker_pid", SD_F_U32, worker_pid),
  SD_FIELD(sd_hv_vm, "on_time_ms", SD_F_U64, on_time_ms),
  SD_FIELD(sd_hv_vm, "disks_state", SD_F_FSTATE, disks_st),
  SD_FIELD_LIST(sd_hv_vm, "disks", disks, ndisks, cap_disks, &disk_schema),
};
static const sd_schema vm_schema =
  SD_SCHEMA(sd_hv_vm, "a virtual machine", vm_fields);

static const sd_field cluster_vm_fields[] = {
  SD_FIELD(sd_hv_cluster_vm, "resource", SD_F_STR, resource),
  SD_FIELD(sd_hv_cluster_vm, "vm_guid", SD_F_STR, vm_guid),
};
static const sd_schema cluster_vm_schema =
  SD_SCHEMA(sd_hv_cluster_vm, "a cluster resource of a virtual machine",
            cluster_vm_fields);

static const sd_field hv_fields[] = {
  SD_FIELD(sd_hv_facts, "state", SD_F_FSTATE, st),
  SD_FIELD(sd_hv_facts, "vmms_state", SD_F_FSTATE, vmms_st),
  SD_FIELD_ENUM(sd_hv_facts, "vmms_status", vmms_state, sd_svc_state_names),
  SD_FIELD(sd_hv_facts, "vmms_pid", SD_F_U32, vmms_pid),
  SD_FIELD(sd_hv_facts, "wmi_state", SD_F_FSTATE, wmi_st),
  SD_FIELD(sd_hv_facts, "wmi_namespace", SD_F_STR, wmi_namespace),
  SD_FIELD(sd_hv_facts, "wmi_version", SD_F_UINT, wmi_version),
  SD_FIELD_LIST(sd_hv_facts, "vms", vms, nvms, cap_vms, &vm_schema),
  SD_FIELD(sd_hv_facts, "cluster_state", SD_F_FSTATE, cluster_st),
  SD_FIELD_LIST(sd_hv_facts, "cluster_vms", cluster_vms, ncluster_vms,
                cap_cluster_vms, &cluster_vm_schema),
};
const sd_schema sd_schema_hyperv = SD_SCHEMA(sd_hv_facts, "hyperv", hv_fields);

sd_hv_vm *sd_hv_vm_add(sd_hv_facts *h)
{
  sd_hv_vm *vm;
  h->vms = sd_grow(h->vms, &h->cap_vms, h->nvms, sizeof(*vm));
  vm = &h->vms[h->nvms++];
  memset(vm, 0, sizeof(*vm));
  vm->state_changed = SD_TIME_NONE;
  return vm;
}

sd_hv_opstatus *sd_hv_opstatus_add(sd_hv_vm *vm)
{
  sd_hv_opstatus *o;
  vm->op_status = sd_grow(vm->op_status, &vm->cap_op_status, vm->nop_status,
                          sizeof(*o));
  o = &vm->op_status[vm->nop_status++];
  o->code = 0;
  return o;
}

sd_hv_disk *sd_hv_disk_add(sd_hv_vm *vm)
{
  sd_hv_disk *d;
  vm->disks = sd_grow(vm->disks, &vm->cap_disks, vm->ndisks, sizeof(*d));
  d = &vm->disks[vm->ndisks++];
  memset(d, 0, sizeof(*d));
  return d;
}

sd_hv_cluster_vm *sd_hv_cluster_vm_add(sd_hv_facts *h)
{
  sd_hv_cluster_vm *c;
  h->cluster_vms = sd_grow(h->cluster_vms, &h->cap_cluster_vms,
                           h->ncluster_vms, sizeof(*c));
  c = &h->cluster_vms[h->ncluster_vms++];
  memset(c, 0, sizeof(*c));
  return c;
}
