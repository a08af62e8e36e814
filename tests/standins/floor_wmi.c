/* floor_wmi.c - the floor of tests/bench/bench_hyperv_wmi.sh: the least a
 * program must do to answer what hyperv-stuck-vm answers live.  Test tool
 * only (built with -DSD_TEST_TOOLS=ON), never shipped.
 *
 *   floor_wmi.exe
 *     Connects to root\virtualization\v2 once, runs the collector's query
 *     (SELECT * FROM Msvm_ComputerSystem, forward only), reads each VM's
 *     Name and ProcessID and the command line of that worker process
 *     (OpenProcess, ProcessBasicInformation, three ReadProcessMemory).
 *     Prints "floor vms=N cmdlines=M total_ms=T".
 *   floor_wmi.exe workers
 *     Prints "PID COMMAND-LINE" for every vmwp.exe, for the bench to
 *     write the stand-in's data.
 *   floor_wmi.exe types NAMESPACE QUERY PROP...
 *     Runs QUERY and prints, for the first instance, "PROP vt=0xV cim=C
 *     value" per property (the stand-in tests check the VARIANT types
 *     that Get hands out), or "PROP hr=0xH" when Get fails.
 *   floor_wmi.exe spawn N DIR
 *     Starts N x "DIR\vmwp.exe <GUID> 1" (tests/integration/tools/
 *     fake_vmwp.c), each GUID its own, retrying a start that fails (a
 *     busy Wine refuses some); they run until their wineserver stops. */
#define COBJMACROS
#include <windows.h>
#include <winternl.h>

#include <objbase.h>
#include <oleauto.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>
#include <wchar.h>

typedef LONG(NTAPI *qsi_fn)(ULONG, PVOID, ULONG, PULONG);
typedef LONG(NTAPI *qip_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);

static qip_fn qip;

static double ms_now(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1000.0 / (double)f.QuadPart;
}

/* The command line of a process into buf (32768 wide characters); its
 * length, or -1. */
static int cmdline(DWORD pid, wchar_t *buf)
{
  HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE,
                         pid);
  PROCESS_BASIC_INFORMATION pbi;
  PRTL_USER_PROCESS_PARAMETERS pp = NULL;
  UNICODE_STRING us;
  SIZE_T n;
  ULONG got;
  int len = -1;
  if(!h)
    return -1;
  if(qip(h, 0, &pbi, sizeof(pbi), &got) >= 0 &&
     ReadProcessMemory(h, (char *)pbi.PebBaseAddress +
                       offsetof(PEB, ProcessParameters), &pp, sizeof(pp),
                       &n) &&
     ReadProcessMemory(h, (char *)pp + offsetof(RTL_USER_PROCESS_PARAMETERS,
                                                CommandLine), &us,
                       sizeof(us), &n) &&
     ReadProcessMemory(h, us.Buffer, buf, us.Length, &n)) {
    len = us.Length / 2;
    buf[len] = L'\0';
  }
  CloseHandle(h);
  return len;
}

static int workers(void)
{
  qsi_fn qsi = (qsi_fn)(void (*)(void))
    GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
  ULONG cap = 8u * 1024 * 1024, need = 0;
  char *list = malloc(cap);
  static wchar_t buf[32769];
  const SYSTEM_PROCESS_INFORMATION *e;
  if(!qsi || !list || qsi(5, list, cap, &need) < 0)
    return 1;
  for(e = (const SYSTEM_PROCESS_INFORMATION *)list;;
      e = (const SYSTEM_PROCESS_INFORMATION *)((const char *)e +
                                              e->NextEntryOffset)) {
    DWORD pid = (DWORD)(ULONG_PTR)e->UniqueProcessId;
    if(e->ImageName.Buffer && e->ImageName.Length == 16 &&
       !_wcsnicmp(e->ImageName.Buffer, L"vmwp.exe", 8) &&
       cmdline(pid, buf) > 0)
      printf("%lu %ls\n", (unsigned long)pid, buf);
    if(!e->NextEntryOffset)
      break;
  }
  free(list);
  return 0;
}

/* Read the query's VMs; counts in *vms and *cmds. */
static HRESULT read_vms(IEnumWbemClassObject *en, int *vms, int *cmds)
{
  static wchar_t buf[32769];
  for(;;) {
    IWbemClassObject *o = NULL;
    ULONG got = 0;
    VARIANT v;
    HRESULT hr = IEnumWbemClassObject_Next(en, 1000, 1, &o, &got);
    if(FAILED(hr))
      return hr;
    if(hr == WBEM_S_TIMEDOUT)
      continue;
    if(!got)
      return S_OK;
    (*vms)++;
    VariantInit(&v);
    if(SUCCEEDED(IWbemClassObject_Get(o, L"ProcessID", 0, &v, NULL, NULL)) &&
       V_VT(&v) == VT_I4 && V_I4(&v) > 0)
      *cmds += cmdline((DWORD)V_I4(&v), buf) > 0;
    VariantClear(&v);
    IWbemClassObject_Release(o);
  }
}

static int floor_run(void)
{
  double t0 = ms_now();
  IWbemLocator *loc = NULL;
  IWbemServices *svc = NULL;
  IEnumWbemClassObject *en = NULL;
  BSTR ns = SysAllocString(L"ROOT\\virtualization\\v2");
  BSTR lang = SysAllocString(L"WQL");
  BSTR q = SysAllocString(L"SELECT * FROM Msvm_ComputerSystem");
  int vms = 0, cmds = 0;
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if(SUCCEEDED(hr))
    hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                          &IID_IWbemLocator, (void **)&loc);
  if(SUCCEEDED(hr))
    hr = IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL,
                                    &svc);
  if(SUCCEEDED(hr))
    hr = IWbemServices_ExecQuery(svc, lang, q, WBEM_FLAG_RETURN_IMMEDIATELY |
                                 WBEM_FLAG_FORWARD_ONLY, NULL, &en);
  if(SUCCEEDED(hr))
    hr = read_vms(en, &vms, &cmds);
  if(en)
    IEnumWbemClassObject_Release(en);
  if(svc)
    IWbemServices_Release(svc);
  if(loc)
    IWbemLocator_Release(loc);
  SysFreeString(ns);
  SysFreeString(lang);
  SysFreeString(q);
  printf("floor vms=%d cmdlines=%d total_ms=%.1f hr=0x%08lX\n", vms, cmds,
         ms_now() - t0, (unsigned long)hr);
  return FAILED(hr);
}

/* One property of an instance: its VARIANT type, CIM type and value. */
static void print_prop(IWbemClassObject *o, const wchar_t *name)
{
  VARIANT v;
  CIMTYPE cim = 0;
  HRESULT hr;
  VariantInit(&v);
  hr = IWbemClassObject_Get(o, name, 0, &v, &cim, NULL);
  if(FAILED(hr)) {
    printf("%ls hr=0x%08lX\n", name, (unsigned long)hr);
    return;
  }
  printf("%ls vt=0x%04X cim=%ld", name, (unsigned)V_VT(&v), (long)cim);
  if(V_VT(&v) == VT_BSTR)
    printf(" %ls", V_BSTR(&v));
  else if(V_VT(&v) == VT_I4)
    printf(" %ld", (long)V_I4(&v));
  else if(V_VT(&v) == (VT_ARRAY | VT_I4) &&
          SafeArrayGetDim(V_ARRAY(&v)) == 1) {
    LONG lo = 0, hi = -1, i, x;
    SafeArrayGetLBound(V_ARRAY(&v), 1, &lo);
    SafeArrayGetUBound(V_ARRAY(&v), 1, &hi);
    for(i = lo; i <= hi; i++)
      if(SUCCEEDED(SafeArrayGetElement(V_ARRAY(&v), &i, &x)))
        printf("%s%ld", i == lo ? " " : ",", (long)x);
  }
  printf("\n");
  VariantClear(&v);
}

static int types(const wchar_t *nsname, const wchar_t *query,
                 wchar_t **props, int nprops)
{
  IWbemLocator *loc = NULL;
  IWbemServices *svc = NULL;
  IEnumWbemClassObject *en = NULL;
  IWbemClassObject *o = NULL;
  BSTR ns = SysAllocString(nsname), lang = SysAllocString(L"WQL");
  BSTR q = SysAllocString(query);
  ULONG got = 0;
  int i;
  HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if(SUCCEEDED(hr))
    hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                          &IID_IWbemLocator, (void **)&loc);
  if(SUCCEEDED(hr))
    hr = IWbemLocator_ConnectServer(loc, ns, NULL, NULL, NULL, 0, NULL, NULL,
                                    &svc);
  if(SUCCEEDED(hr))
    hr = IWbemServices_ExecQuery(svc, lang, q, WBEM_FLAG_FORWARD_ONLY, NULL,
                                 &en);
  if(SUCCEEDED(hr))
    hr = IEnumWbemClassObject_Next(en, 5000, 1, &o, &got);
  printf("query hr=0x%08lX got=%lu\n", (unsigned long)hr,
         (unsigned long)got);
  for(i = 0; o && i < nprops; i++)
    print_prop(o, props[i]);
  if(o)
    IWbemClassObject_Release(o);
  if(en)
    IEnumWbemClassObject_Release(en);
  if(svc)
    IWbemServices_Release(svc);
  if(loc)
    IWbemLocator_Release(loc);
  SysFreeString(ns);
  SysFreeString(lang);
  SysFreeString(q);
  return o ? 0 : 1;
}

static int spawn(int n, const wchar_t *dir)
{
  int i, tries = 0;
  for(i = 0; i < n; i++) {
    wchar_t cmd[1024];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    swprintf(cmd, 1024, L"\"%ls\\vmwp.exe\" C4B80000-0000-4000-8000-%012X 1",
             dir, (unsigned)i);
    if(!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL,
                       NULL, &si, &pi)) {
      if(++tries > 50) {
        fprintf(stderr, "spawn %d failed: %lu\n", i,
                (unsigned long)GetLastError());
        return 1;
      }
      Sleep(200);
      i--;
      continue;
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
  }
  printf("spawned %d workers (%d retries)\n", n, tries);
  return 0;
}

int wmain(int argc, wchar_t **argv);

int wmain(int argc, wchar_t **argv)
{
  qip = (qip_fn)(void (*)(void))
    GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                   "NtQueryInformationProcess");
  if(!qip)
    return 1;
  if(argc == 2 && !wcscmp(argv[1], L"workers"))
    return workers();
  if(argc >= 4 && !wcscmp(argv[1], L"types"))
    return types(argv[2], argv[3], argv + 4, argc - 4);
  if(argc == 4 && !wcscmp(argv[1], L"spawn"))
    return spawn(_wtoi(argv[2]), argv[3]);
  return floor_run();
}
