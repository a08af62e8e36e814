/* hyperv.c - Hyper-V's own view of its virtual machines: the VMMS service,
 * and every VM's id, name, state, health and worker process through WMI
 * over COM (root\virtualization\v2, else root\virtualization on Windows
 * Server 2008 and 2008 R2).
 *
 * Every COM call is bounded: the connection uses the provider's maximum
 * wait, the query returns at once and is read forward-only with a timeout
 * on each Next, and the whole reading runs in a job with a deadline (half
 * of --timeout), so a call that never returns costs this module's WMI
 * data, not the run.  When WMI cannot be read the reason is recorded and
 * the check carries on with the worker processes alone. */
#define COBJMACROS
#include "collect_win32.h"

#include <objbase.h>
#include <stdio.h>
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>
#include <wchar.h>

#include "job.h"
#include "srvdoctor/platform.h"
#include "wmi.h"

#define NEXT_STEP_MS 1000

static const struct {
  const wchar_t *path;
  const char *name;
  unsigned version;
  const char *step; /* the call, while it is made (hv_job) */
} namespaces[] = {
  {L"ROOT\\virtualization\\v2", "root\\virtualization\\v2", 2,
   "ConnectServer(root\\virtualization\\v2)"},
  {L"ROOT\\virtualization", "root\\virtualization", 1,
   "ConnectServer(root\\virtualization)"},
};

static void vmms_presence(sd_facts *f)
{
  sd_hv_facts *hv = &f->hyperv;
  SC_HANDLE scm, svc;
  SERVICE_STATUS_PROCESS ssp;
  DWORD need = 0;
  if(f->services.st.state == SD_ST_READ) {
    const sd_service *s = sd_facts_service(f, "vmms");
    if(!s) {
      sd_fstate_set(f, &hv->vmms_st, SD_ST_ABSENT, 0, NULL);
      return;
    }
    hv->vmms_state = s->state;
    hv->vmms_pid = s->pid;
    sd_fstate_set(f, &hv->vmms_st, SD_ST_READ, 0, NULL);
    return;
  }
  /* The shared service list was not read: ask about this one service. */
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if(!scm) {
    sd_fstate_os_error(f, &hv->vmms_st, GetLastError(), "OpenSCManager");
    return;
  }
  svc = OpenServiceW(scm, L"vmms", SERVICE_QUERY_STATUS);
  if(!svc) {
    DWORD err = GetLastError();
    if(err == ERROR_SERVICE_DOES_NOT_EXIST)
      sd_fstate_set(f, &hv->vmms_st, SD_ST_ABSENT, 0, NULL);
    else
      sd_fstate_os_error(f, &hv->vmms_st, err, "OpenService(vmms)");
    CloseServiceHandle(scm);
    return;
  }
  if(QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (LPBYTE)&ssp,
                          sizeof(ssp), &need)) {
    hv->vmms_state = ssp.dwCurrentState <= SERVICE_PAUSED ?
                     (sd_svc_state)ssp.dwCurrentState : SD_SVC_UNKNOWN;
    hv->vmms_pid = ssp.dwProcessId;
  }
  sd_fstate_set(f, &hv->vmms_st, SD_ST_READ, 0, NULL);
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
}

/* ---- failover cluster: which VMs are cluster resources (read-only) ----
 *
 * The Cluster service (ClusSvc) keeps the cluster database in the
 * HKLM\Cluster hive, loaded while it runs; each resource is a key under
 * Cluster\Resources named by its id, with its Name and its private
 * properties under Parameters (Microsoft: "Private Properties of a Cluster
 * Object", HKEY_LOCAL_MACHINE\Cluster\Object\ObjectID\Parameters).  The
 * Virtual Machine resource's private property VmId holds the VM's GUID
 * (Microsoft: mscs/virtual-machines-vmid, Windows Server 2008 on). */

/* Does the Cluster service exist: 1 yes, 0 no, -1 could not tell (why in
 * st). */
static int clussvc_exists(sd_facts *f, sd_fstate *st)
{
  SC_HANDLE scm, svc;
  DWORD err;
  if(f->services.st.state == SD_ST_READ)
    return sd_facts_service(f, "ClusSvc") != NULL;
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if(!scm) {
    sd_fstate_os_error(f, st, GetLastError(), "OpenSCManager");
    return -1;
  }
  svc = OpenServiceW(scm, L"ClusSvc", SERVICE_QUERY_STATUS);
  err = svc ? ERROR_SUCCESS : GetLastError();
  if(svc)
    CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  if(err == ERROR_SUCCESS)
    return 1;
  if(err == ERROR_SERVICE_DOES_NOT_EXIST)
    return 0;
  sd_fstate_os_error(f, st, err, "OpenService(ClusSvc)");
  return -1;
}

/* One resource key: when its Parameters hold a VmId, list it. 0, or -1
 * when a value that exists could not be read. */
static int cluster_resource(sd_facts *f, const wchar_t *id, sd_fstate *st)
{
  char *id8 = sd_wide_to_utf8(id);
  char key[600], guid[37];
  const char *vmid = NULL, *name = NULL;
  sd_fstate vst, nst;
  sd_hv_cluster_vm *c;
  memset(&vst, 0, sizeof(vst));
  memset(&nst, 0, sizeof(nst));
  if(!id8)
    return -1;
  snprintf(key, sizeof(key), "Cluster\\Resources\\%s\\Parameters", id8);
  sd_reg_str(f, HKEY_LOCAL_MACHINE, key, "VmId", &vmid, &vst);
  snprintf(key, sizeof(key), "Cluster\\Resources\\%s", id8);
  free(id8);
  if(vst.state == SD_ST_ABSENT)
    return 0; /* not a VM's resource */
  if(vst.state != SD_ST_READ) {
    *st = vst;
    return -1;
  }
  if(!sd_guid_parse(vmid, guid))
    return 0;
  sd_reg_str(f, HKEY_LOCAL_MACHINE, key, "Name", &name, &nst);
  c = sd_hv_cluster_vm_add(&f->hyperv);
  c->vm_guid = sd_facts_str(f, guid);
  c->resource = nst.state == SD_ST_READ ? name : NULL;
  return 0;
}

static void cluster_vms(sd_facts *f)
{
  sd_hv_facts *hv = &f->hyperv;
  HKEY k;
  LONG rc;
  size_t i;
  sd_reg_subkeys ids;
  int svc = clussvc_exists(f, &hv->cluster_st);
  if(svc == 0) {
    sd_fstate_set(f, &hv->cluster_st, SD_ST_ABSENT, 0, NULL);
    return;
  }
  rc = sd_reg_open(HKEY_LOCAL_MACHINE, "Cluster\\Resources", &k);
  if(rc == ERROR_FILE_NOT_FOUND) {
    sd_fstate_set(f, &hv->cluster_st, SD_ST_UNREADABLE, (uint32_t)rc,
                  "the Cluster service (ClusSvc) %s, but the cluster "
                  "database HKLM\\Cluster\\Resources is not loaded (the "
                  "service is not running?)", svc == 1 ? "is installed" :
                  "may be installed");
    return;
  }
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &hv->cluster_st, (DWORD)rc,
                       "RegOpenKeyEx(HKLM\\Cluster\\Resources)");
    return;
  }
  sd_reg_subkeys_list(k, SD_REG_NO_LIMIT, &ids);
  RegCloseKey(k);
  for(i = 0; i < ids.count; i++)
    if(cluster_resource(f, ids.items[i].name, &hv->cluster_st)) {
      sd_reg_subkeys_free(&ids);
      hv->cluster_st.state = SD_ST_UNREADABLE;
      return;
    }
  rc = ids.rc;
  sd_reg_subkeys_free(&ids);
  if(rc != ERROR_SUCCESS)
    sd_fstate_os_error(f, &hv->cluster_st, (DWORD)rc,
                       "RegEnumKeyEx(HKLM\\Cluster\\Resources)");
  else
    sd_fstate_set(f, &hv->cluster_st, SD_ST_READ, 0, NULL);
}

/* ---- VARIANT helpers ---- */

static int var_u64(const VARIANT *v, uint64_t *out)
{
  switch(V_VT(v)) {
  case VT_UI1: *out = V_UI1(v); return 0;
  case VT_I2: *out = (uint64_t)(uint16_t)V_I2(v); return 0;
  case VT_UI2: *out = V_UI2(v); return 0;
  case VT_I4: *out = (uint64_t)(uint32_t)V_I4(v); return 0;
  case VT_UI4: *out = V_UI4(v); return 0;
  case VT_I8: *out = (uint64_t)V_I8(v); return 0;
  case VT_UI8: *out = V_UI8(v); return 0;
  case VT_BSTR: { /* WMI hands out 64-bit integers as strings */
    wchar_t *end;
    if(!V_BSTR(v))
      return -1;
    *out = (uint64_t)wcstoull(V_BSTR(v), &end, 10);
    return end != V_BSTR(v) && *end == L'\0' ? 0 : -1;
  }
  default:
    return -1;
  }
}

static int get_prop(IWbemClassObject *o, const wchar_t *name, VARIANT *v)
{
  VariantInit(v);
  return SUCCEEDED(IWbemClassObject_Get(o, name, 0, v, NULL, NULL)) ? 0 : -1;
}

static const char *prop_str(sd_facts *f, IWbemClassObject *o,
                            const wchar_t *name)
{
  VARIANT v;
  const char *s = NULL;
  if(get_prop(o, name, &v))
    return NULL;
  if(V_VT(&v) == VT_BSTR && V_BSTR(&v))
    s = sd_wide_to_arena(f, V_BSTR(&v), (int)SysStringLen(V_BSTR(&v)));
  VariantClear(&v);
  return s;
}

static uint64_t prop_u64(IWbemClassObject *o, const wchar_t *name)
{
  VARIANT v;
  uint64_t x = 0;
  if(get_prop(o, name, &v))
    return 0;
  if(var_u64(&v, &x))
    x = 0;
  VariantClear(&v);
  return x;
}

static void prop_opstatus(sd_facts *f, IWbemClassObject *o, sd_hv_vm *vm)
{
  VARIANT v;
  SAFEARRAY *sa;
  LONG lo = 0, hi = -1, i;
  VARTYPE et;
  void *data;
  if(get_prop(o, L"OperationalStatus", &v)) {
    sd_fstate_set(f, &vm->op_status_st, SD_ST_UNREADABLE, 0,
                  "the OperationalStatus property could not be read");
    return;
  }
  if(V_VT(&v) == VT_NULL || V_VT(&v) == VT_EMPTY) {
    sd_fstate_set(f, &vm->op_status_st, SD_ST_ABSENT, 0, NULL);
    VariantClear(&v);
    return;
  }
  et = (VARTYPE)(V_VT(&v) & VT_TYPEMASK);
  sa = (V_VT(&v) & VT_ARRAY) ? V_ARRAY(&v) : NULL;
  if(!sa || SafeArrayGetDim(sa) != 1 ||
     FAILED(SafeArrayGetLBound(sa, 1, &lo)) ||
     FAILED(SafeArrayGetUBound(sa, 1, &hi)) ||
     (et != VT_I4 && et != VT_UI4 && et != VT_I2 && et != VT_UI2) ||
     FAILED(SafeArrayAccessData(sa, &data))) {
    sd_fstate_set(f, &vm->op_status_st, SD_ST_UNREADABLE, 0,
                  "OperationalStatus is not an array of integers (variant "
                  "type 0x%X)", (unsigned)V_VT(&v));
    VariantClear(&v);
    return;
  }
  sd_fstate_set(f, &vm->op_status_st, SD_ST_READ, 0, NULL);
  for(i = 0; i <= hi - lo && i < 16; i++) {
    sd_hv_opstatus *s = sd_hv_opstatus_add(vm);
    if(et == VT_I4 || et == VT_UI4)
      s->code = ((const uint32_t *)data)[i];
    else
      s->code = ((const uint16_t *)data)[i];
  }
  SafeArrayUnaccessData(sa);
  VariantClear(&v);
}

static void read_vm(sd_facts *f, IWbemClassObject *o, unsigned version)
{
  const char *name = prop_str(f, o, L"Name");
  const char *caption = prop_str(f, o, L"Caption");
  const char *when;
  char guid[37];
  sd_hv_vm *vm;
  /* The host itself is an Msvm_ComputerSystem too ("Hosting Computer
   * System", named after the computer); VMs are named by their id. */
  if(!sd_guid_parse(name, guid) ||
     (caption && sd_stristr(caption, "Hosting")))
    return;
  vm = sd_hv_vm_add(&f->hyperv);
  vm->guid = sd_facts_str(f, guid);
  vm->name = prop_str(f, o, L"ElementName");
  vm->ns_version = version;
  vm->enabled_state = (uint32_t)prop_u64(o, L"EnabledState");
  vm->requested_state = (uint32_t)prop_u64(o, L"RequestedState");
  vm->health_state = (uint32_t)prop_u64(o, L"HealthState");
  prop_opstatus(f, o, vm);
  when = prop_str(f, o, L"TimeOfLastStateChange");
  if(!when || sd_hv_cim_time(when, &vm->state_changed))
    vm->state_changed = SD_TIME_NONE;
  vm->worker_pid = (uint32_t)prop_u64(o, L"ProcessID");
  vm->on_time_ms = prop_u64(o, L"OnTimeInMilliseconds");
}

static void wmi_fail(sd_facts *f, HRESULT hr, const char *what)
{
  char text[256];
  sd_os_error_text((uint32_t)hr, text, sizeof(text));
  sd_fstate_set(f, &f->hyperv.wmi_st, SD_ST_UNREADABLE, (uint32_t)hr,
                "%s failed with 0x%08lX: %s%s", what, (unsigned long)hr,
                text, hr == (HRESULT)WBEM_E_ACCESS_DENIED ||
                hr == E_ACCESSDENIED ? " Hyper-V's WMI needs an elevated "
                "administrator." : "");
}

/* Run a WQL query, forward-only, with the proxy blanket the WMI calls on
 * the enumerator need.  S_OK with *out set, or the failure (E_OUTOFMEMORY
 * when the strings could not be made, E_FAIL for no enumerator). */
static HRESULT wql_query(IWbemServices *svc, const wchar_t *query,
                         IEnumWbemClassObject **out)
{
  IEnumWbemClassObject *en = NULL;
  BSTR lang = SysAllocString(L"WQL");
  BSTR q = SysAllocString(query);
  HRESULT hr = E_OUTOFMEMORY;
  if(lang && q)
    hr = IWbemServices_ExecQuery(svc, lang, q, WBEM_FLAG_RETURN_IMMEDIATELY |
                                 WBEM_FLAG_FORWARD_ONLY, NULL, &en);
  SysFreeString(lang);
  SysFreeString(q);
  if(FAILED(hr))
    return hr;
  if(!en)
    return E_FAIL;
  CoSetProxyBlanket((IUnknown *)en, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE,
                    NULL, RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE,
                    NULL, EOAC_NONE);
  *out = en;
  return S_OK;
}

/* ---- the WMI reading, in a thread with a deadline (job.c) ----
 *
 * A hung VMMS often hangs its WMI provider too, and a COM call cannot be
 * cancelled: the reading runs in a job that owns what it reads (its own
 * facts, never the run's), and the caller copies them once the job has
 * finished.  After the deadline the thread may go on running; it frees
 * the job when (if) it returns. */

/* Where the job is, for the sentence when it does not finish in time. */
static const char step_open[] = "CoCreateInstance(WbemLocator)";
static const char step_query[] = "ExecQuery(Msvm_ComputerSystem)";
static const char step_next[] = "IEnumWbemClassObject::Next";
static const char step_disks[] = "the virtual hard disks query";
static const char step_close[] = "releasing the WMI connection";

typedef struct hv_job {
  sd_job job;                 /* first */
  sd_facts f;                 /* the job's own: f.hyperv holds what it read */
  long budget_ms;             /* for the whole job */
  long end;                   /* sd_monotonic_ms() when the budget is used */
  const char *volatile step;  /* one of step_* or namespaces[].step */
  volatile LONG nread;        /* VMs read so far (step_next) */
} hv_job;

static void query_vms(hv_job *j, IWbemServices *svc, unsigned version)
{
  sd_facts *f = &j->f;
  IEnumWbemClassObject *en = NULL;
  HRESULT hr;
  j->step = step_query;
  hr = wql_query(svc, L"SELECT * FROM Msvm_ComputerSystem", &en);
  if(FAILED(hr)) {
    wmi_fail(f, hr, "ExecQuery(Msvm_ComputerSystem)");
    return;
  }
  j->step = step_next;
  for(;;) {
    IWbemClassObject *obj = NULL;
    ULONG got = 0;
    InterlockedExchange(&j->nread, (LONG)f->hyperv.nvms);
    hr = IEnumWbemClassObject_Next(en, NEXT_STEP_MS, 1, &obj, &got);
    if(hr == (HRESULT)WBEM_S_TIMEDOUT) {
      if(sd_monotonic_ms() < j->end)
        continue;
      sd_fstate_set(f, &f->hyperv.wmi_st, SD_ST_UNREADABLE,
                    (uint32_t)WBEM_S_TIMEDOUT, "Hyper-V's WMI provider did "
                    "not answer %s after %lu VMs within %ld seconds",
                    step_next, (unsigned long)f->hyperv.nvms,
                    j->budget_ms / 1000);
      break;
    }
    if(FAILED(hr)) {
      wmi_fail(f, hr, "reading Msvm_ComputerSystem");
      break;
    }
    if(!got || !obj) { /* WBEM_S_FALSE: the end */
      f->hyperv.wmi_version = version;
      sd_fstate_set(f, &f->hyperv.wmi_st, SD_ST_READ, 0, NULL);
      break;
    }
    read_vm(f, obj, version);
    IWbemClassObject_Release(obj);
  }
  IEnumWbemClassObject_Release(en);
}

/* ---- virtual hard disks and the free space of their volumes ---- */

/* The VM a settings instance belongs to: "Microsoft:<VM id>\\...". */
static sd_hv_vm *vm_of_instance(sd_facts *f, const char *instance_id)
{
  char g[37];
  size_t i;
  if(!instance_id || !sd_hv_guid_find(instance_id, g))
    return NULL;
  for(i = 0; i < f->hyperv.nvms; i++)
    if(f->hyperv.vms[i].guid && !strcmp(f->hyperv.vms[i].guid, g))
      return &f->hyperv.vms[i];
  return NULL;
}

/* The first string of a string-array property, or NULL. */
static const wchar_t *first_string(VARIANT *v)
{
  SAFEARRAY *sa;
  LONG lo = 0, hi = -1;
  BSTR *data;
  const wchar_t *s = NULL;
  if(V_VT(v) != (VT_ARRAY | VT_BSTR) || !(sa = V_ARRAY(v)) ||
     SafeArrayGetDim(sa) != 1 || FAILED(SafeArrayGetLBound(sa, 1, &lo)) ||
     FAILED(SafeArrayGetUBound(sa, 1, &hi)) || hi < lo ||
     FAILED(SafeArrayAccessData(sa, (void **)&data)))
    return NULL;
  s = data[0];
  SafeArrayUnaccessData(sa);
  return s;
}

static void disk_space(sd_facts *f, sd_hv_disk *d, const wchar_t *path)
{
  wchar_t vol[MAX_PATH + 1];
  ULARGE_INTEGER avail, total;
  if(!GetVolumePathNameW(path, vol, MAX_PATH)) {
    sd_fstate_os_error(f, &d->space_st, GetLastError(),
                       "GetVolumePathName");
    return;
  }
  d->volume = sd_wide_to_arena(f, vol, -1);
  if(!GetDiskFreeSpaceExW(vol, &avail, &total, NULL)) {
    sd_fstate_os_error(f, &d->space_st, GetLastError(),
                       "GetDiskFreeSpaceEx");
    return;
  }
  d->free_bytes = avail.QuadPart;
  d->total_bytes = total.QuadPart;
  sd_fstate_set(f, &d->space_st, SD_ST_READ, 0, NULL);
}

static void disks_fail(sd_facts *f, HRESULT hr, const char *what)
{
  char text[256];
  size_t i;
  sd_os_error_text((uint32_t)hr, text, sizeof(text));
  for(i = 0; i < f->hyperv.nvms; i++)
    sd_fstate_set(f, &f->hyperv.vms[i].disks_st, SD_ST_UNREADABLE,
                  (uint32_t)hr, "%s failed with 0x%08lX: %s", what,
                  (unsigned long)hr, text);
}

/* Every VM's disks: not known, because the query did not answer in time. */
static void disks_timeout(hv_job *j)
{
  sd_facts *f = &j->f;
  size_t i;
  for(i = 0; i < f->hyperv.nvms; i++)
    sd_fstate_set(f, &f->hyperv.vms[i].disks_st, SD_ST_UNREADABLE,
                  (uint32_t)WBEM_S_TIMEDOUT, "Hyper-V's WMI provider did "
                  "not answer %s within %ld seconds", step_disks,
                  j->budget_ms / 1000);
}

/* v2: Msvm_StorageAllocationSettingData of resource type 31 (logical disk),
 * the file in HostResource[0]; v1: Msvm_ResourceAllocationSettingData of
 * subtype "Microsoft Virtual Hard Disk", the file in Connection[0].  Both
 * name their VM at the start of InstanceID; snapshots carry their own id,
 * so they match no VM.  Within what is left of the job's budget. */
static void query_disks(hv_job *j, IWbemServices *svc, unsigned version)
{
  sd_facts *f = &j->f;
  IEnumWbemClassObject *en = NULL;
  const wchar_t *prop = version == 2 ? L"HostResource" : L"Connection";
  HRESULT hr;
  size_t i;
  j->step = step_disks;
  hr = wql_query(svc, version == 2
    ? L"SELECT InstanceID, HostResource FROM "
      L"Msvm_StorageAllocationSettingData WHERE ResourceType = 31"
    : L"SELECT InstanceID, Connection FROM Msvm_ResourceAllocationSettingData"
      L" WHERE ResourceSubType = 'Microsoft Virtual Hard Disk'", &en);
  if(FAILED(hr)) {
    disks_fail(f, hr, "the query for the virtual hard disks");
    return;
  }
  for(;;) {
    IWbemClassObject *obj = NULL;
    ULONG got = 0;
    VARIANT v;
    const char *iid;
    const wchar_t *path;
    sd_hv_vm *vm;
    hr = IEnumWbemClassObject_Next(en, NEXT_STEP_MS, 1, &obj, &got);
    if(hr == (HRESULT)WBEM_S_TIMEDOUT && sd_monotonic_ms() < j->end)
      continue;
    if(hr == (HRESULT)WBEM_S_TIMEDOUT) {
      disks_timeout(j);
      break;
    }
    if(FAILED(hr)) {
      disks_fail(f, hr, "reading the virtual hard disks");
      break;
    }
    if(!got || !obj) {
      for(i = 0; i < f->hyperv.nvms; i++) {
        sd_hv_vm *m = &f->hyperv.vms[i];
        if(m->disks_st.state == SD_ST_NOT_COLLECTED)
          sd_fstate_set(f, &m->disks_st, m->ndisks ? SD_ST_READ
                                                   : SD_ST_ABSENT, 0, NULL);
      }
      break;
    }
    iid = prop_str(f, obj, L"InstanceID");
    vm = vm_of_instance(f, iid);
    if(vm && !get_prop(obj, prop, &v)) {
      path = first_string(&v);
      if(path && *path && vm->ndisks < 64) {
        sd_hv_disk *d = sd_hv_disk_add(vm);
        d->path = sd_wide_to_arena(f, path, -1);
        disk_space(f, d, path);
      }
      VariantClear(&v);
    }
    IWbemClassObject_Release(obj);
  }
  IEnumWbemClassObject_Release(en);
}

/* Connect to the first namespace that exists; NULL with the reason in
 * the job's wmi_st when none could be. */
static IWbemServices *hv_connect(hv_job *j, sd_wmi *w, size_t *ns)
{
  sd_hv_facts *hv = &j->f.hyperv;
  IWbemServices *svc = NULL;
  HRESULT hr, last = S_OK;
  size_t i;
  int missing = 0;
  for(i = 0; i < SD_COUNTOF(namespaces); i++) {
    j->step = namespaces[i].step;
    hr = sd_wmi_connect(w, namespaces[i].path, &svc);
    if(SUCCEEDED(hr)) {
      hv->wmi_namespace = namespaces[i].name;
      *ns = i;
      return svc;
    }
    last = hr;
    if(hr != (HRESULT)WBEM_E_INVALID_NAMESPACE)
      break;
    missing++;
  }
  if(missing == (int)SD_COUNTOF(namespaces))
    sd_fstate_set(&j->f, &hv->wmi_st, SD_ST_ABSENT, (uint32_t)last,
                  "neither root\\virtualization\\v2 nor "
                  "root\\virtualization exists (0x%08lX)",
                  (unsigned long)last);
  else
    wmi_fail(&j->f, last, "connecting to Hyper-V's WMI namespace");
  return NULL;
}

/* The job: everything that touches COM, in the worker thread (which
 * initialises COM for itself in sd_wmi_open). */
static void hv_work(sd_job *job)
{
  hv_job *j = (hv_job *)job;
  sd_wmi w;
  IWbemServices *svc;
  size_t ns = 0;
  if(sd_wmi_open(&w))
    wmi_fail(&j->f, w.hr, w.step);
  else if((svc = hv_connect(j, &w, &ns)) != NULL) {
    query_vms(j, svc, namespaces[ns].version);
    if(j->f.hyperv.wmi_st.state == SD_ST_READ && j->f.hyperv.nvms)
      query_disks(j, svc, namespaces[ns].version);
    IWbemServices_Release(svc);
  }
  j->step = step_close;
  sd_wmi_close(&w);
}

static void hv_destroy(sd_job *job)
{
  hv_job *j = (hv_job *)job;
  sd_facts_free(&j->f);
  free(j);
}

static void copy_st(sd_facts *f, sd_fstate *to, const sd_fstate *from)
{
  to->state = from->state;
  to->error = from->error;
  to->why = sd_facts_str(f, from->why);
}

/* One VM the job read, into the run's facts with strings of their own. */
static void copy_vm(sd_facts *f, const sd_hv_vm *s)
{
  sd_hv_vm *vm = sd_hv_vm_add(&f->hyperv);
  size_t i;
  vm->guid = sd_facts_str(f, s->guid);
  vm->name = sd_facts_str(f, s->name);
  vm->ns_version = s->ns_version;
  vm->enabled_state = s->enabled_state;
  vm->requested_state = s->requested_state;
  vm->health_state = s->health_state;
  copy_st(f, &vm->op_status_st, &s->op_status_st);
  for(i = 0; i < s->nop_status; i++)
    sd_hv_opstatus_add(vm)->code = s->op_status[i].code;
  vm->state_changed = s->state_changed;
  vm->worker_pid = s->worker_pid;
  vm->on_time_ms = s->on_time_ms;
  copy_st(f, &vm->disks_st, &s->disks_st);
  for(i = 0; i < s->ndisks; i++) {
    const sd_hv_disk *sd = &s->disks[i];
    sd_hv_disk *d = sd_hv_disk_add(vm);
    d->path = sd_facts_str(f, sd->path);
    d->volume = sd_facts_str(f, sd->volume);
    copy_st(f, &d->space_st, &sd->space_st);
    d->free_bytes = sd->free_bytes;
    d->total_bytes = sd->total_bytes;
  }
}

/* The job did not finish in time: say at which call. */
static void hv_timed_out(sd_facts *f, hv_job *j, DWORD waited_ms)
{
  const char *step = j->step;
  char where[96];
  if(step == step_next)
    snprintf(where, sizeof(where), "%s after %lu VMs", step_next,
             (unsigned long)j->nread);
  else
    snprintf(where, sizeof(where), "%s", step);
  sd_fstate_set(f, &f->hyperv.wmi_st, SD_ST_UNREADABLE, ERROR_TIMEOUT,
                "Hyper-V's WMI provider did not answer %s within %lu "
                "seconds", where, (unsigned long)(waited_ms / 1000));
}

/* Half the run's budget, at least 5 and at most 30 seconds. */
static long hv_budget_ms(const sd_options *o)
{
  long budget_ms = (o && o->timeout_s > 0 ? o->timeout_s : 60) * 500L;
  if(budget_ms < 5000)
    budget_ms = 5000;
  if(budget_ms > 30000)
    budget_ms = 30000;
  return budget_ms;
}

static void wmi_vms(sd_facts *f, const sd_options *o)
{
  sd_hv_facts *hv = &f->hyperv;
  hv_job *j = sd_xcalloc(1, sizeof(*j));
  DWORD err = 0, wait_ms;
  size_t i;
  int run;
  sd_facts_init(&j->f);
  sd_job_init(&j->job, hv_work, hv_destroy);
  j->budget_ms = hv_budget_ms(o);
  j->end = sd_monotonic_ms() + j->budget_ms;
  j->step = step_open;
  /* The reading stops itself at the budget; a call that blocks past it
   * (one Next step and a margin later) is given up on. */
  wait_ms = (DWORD)j->budget_ms + NEXT_STEP_MS + 1000;
  run = sd_job_run(&j->job, wait_ms, &err);
  if(run < 0)
    sd_fstate_os_error(f, &hv->wmi_st, err, "CreateThread");
  else if(run > 0)
    hv_timed_out(f, j, wait_ms);
  else {
    const sd_hv_facts *got = &j->f.hyperv;
    copy_st(f, &hv->wmi_st, &got->wmi_st);
    hv->wmi_namespace = got->wmi_namespace; /* a static string */
    hv->wmi_version = got->wmi_version;
    for(i = 0; i < got->nvms; i++)
      copy_vm(f, &got->vms[i]);
  }
  sd_job_release(&j->job); /* after a deadline the thread frees it */
}

static void hv_collect(sd_facts *f, const sd_options *o)
{
  vmms_presence(f);
  wmi_vms(f, o);
  cluster_vms(f);
  sd_fstate_set(f, &f->hyperv.st, SD_ST_READ, 0, NULL);
}

/* VM start failures (facts.h): the logs and IDs the check matches. */
static const sd_event_query hv_events[] = {
  {SD_HV_LOG_WORKER, NULL, {SD_HV_START_FAIL_IDS, 0}},
  {SD_HV_LOG_VMMS, NULL, {SD_HV_START_FAIL_IDS, 0}},
};

/* Hyper-V Virtual Machine Management, and the Host Compute Service
 * (2016 and later). */
static const char *const hv_services[] = {"vmms", "vmcompute"};

const sd_collector sd_collector_hyperv_stuck_vm = {
  hv_events, SD_COUNTOF(hv_events), hv_services, SD_COUNTOF(hv_services),
  NULL, 0, hv_collect};
