/* fake_vmwp.c - stand-ins for the Hyper-V processes, for tests under Wine.
 *
 * The same program plays three parts, chosen by the name it is started
 * under and its arguments:
 *
 *   vmwp.exe <VM-GUID> <MB> [<EVENT> <MB2>]
 *       A fake worker process: commits and touches MB megabytes so that they
 *       stay resident, prints "ready pid=<PID>", then waits without using
 *       CPU.  With EVENT and MB2 it waits on the named event instead; when
 *       the event is set it grows to MB2 megabytes (touched), prints
 *       "grown pid=<PID>" and waits for ever.
 *   vmwp.exe --signal <EVENT>
 *       Sets the named event (used by a test to make a worker grow).
 *   vmms.exe (any arguments)
 *       A stand-in "vmms" service: reports RUNNING to the service control
 *       manager and stops when asked.  Register it with
 *       sc create vmms binPath= C:\...\vmms.exe start= demand
 *   <any name> --idle
 *       A filler process that only waits (the benchmark's other processes).
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -municode -o vmwp.exe fake_vmwp.c */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static SERVICE_STATUS_HANDLE svc_handle;
static SERVICE_STATUS svc_status;
static HANDLE svc_stop;

/* Commit mb megabytes and write to every page so they count in the
 * working set.  Returns 0 on success. */
static int hold_memory(size_t mb)
{
  size_t len = mb * 1024u * 1024u, off;
  unsigned char *p;
  if(!len)
    return 0;
  p = VirtualAlloc(NULL, len, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  if(!p)
    return -1;
  for(off = 0; off < len; off += 4096)
    p[off] = (unsigned char)(off >> 12 | 1);
  return 0;
}

static void report_status(DWORD state)
{
  svc_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  svc_status.dwCurrentState = state;
  svc_status.dwControlsAccepted = state == SERVICE_RUNNING ?
    SERVICE_ACCEPT_STOP : 0;
  svc_status.dwWin32ExitCode = NO_ERROR;
  SetServiceStatus(svc_handle, &svc_status);
}

static DWORD WINAPI svc_ctrl(DWORD code, DWORD type, LPVOID data, LPVOID ctx)
{
  (void)type;
  (void)data;
  (void)ctx;
  if(code == SERVICE_CONTROL_STOP || code == SERVICE_CONTROL_SHUTDOWN) {
    report_status(SERVICE_STOP_PENDING);
    SetEvent(svc_stop);
  }
  return NO_ERROR;
}

static void WINAPI svc_main(DWORD argc, LPWSTR *argv)
{
  (void)argc;
  (void)argv;
  svc_handle = RegisterServiceCtrlHandlerExW(L"vmms", svc_ctrl, NULL);
  if(!svc_handle)
    return;
  svc_stop = CreateEventW(NULL, TRUE, FALSE, NULL);
  report_status(SERVICE_RUNNING);
  WaitForSingleObject(svc_stop, INFINITE);
  report_status(SERVICE_STOPPED);
}

static int run_service(void)
{
  SERVICE_TABLE_ENTRYW table[2];
  table[0].lpServiceName = L"vmms";
  table[0].lpServiceProc = svc_main;
  table[1].lpServiceName = NULL;
  table[1].lpServiceProc = NULL;
  if(!StartServiceCtrlDispatcherW(table)) {
    fprintf(stderr, "fake vmms: not started by the service control manager "
            "(error %lu)\n", (unsigned long)GetLastError());
    return 1;
  }
  return 0;
}

/* Is the file name part of our own image path equal to name? */
static int started_as(const wchar_t *name)
{
  wchar_t path[MAX_PATH];
  const wchar_t *base;
  DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
  if(!n || n >= MAX_PATH)
    return 0;
  base = wcsrchr(path, L'\\');
  base = base ? base + 1 : path;
  return !_wcsicmp(base, name);
}

static size_t parse_mb(const wchar_t *s)
{
  wchar_t *end;
  unsigned long v = wcstoul(s, &end, 10);
  if(end == s || *end || v > 4096)
    return (size_t)-1;
  return (size_t)v;
}

int wmain(int argc, wchar_t **argv)
{
  size_t mb, mb2 = 0;
  HANDLE ev = NULL;
  if(started_as(L"vmms.exe"))
    return run_service();
  if(argc == 2 && !wcscmp(argv[1], L"--idle")) {
    Sleep(INFINITE);
    return 0;
  }
  if(argc == 3 && !wcscmp(argv[1], L"--signal")) {
    ev = OpenEventW(EVENT_MODIFY_STATE, FALSE, argv[2]);
    if(!ev || !SetEvent(ev)) {
      fprintf(stderr, "fake vmwp: cannot set event (error %lu)\n",
              (unsigned long)GetLastError());
      return 1;
    }
    CloseHandle(ev);
    return 0;
  }
  if(argc != 3 && argc != 5) {
    fprintf(stderr, "usage: vmwp.exe <VM-GUID> <MB> [<EVENT> <MB2>] | "
            "--signal <EVENT> | --idle\n");
    return 2;
  }
  mb = parse_mb(argv[2]);
  if(argc == 5) {
    mb2 = parse_mb(argv[4]);
    if(mb2 == (size_t)-1 || mb2 < mb) {
      fprintf(stderr, "fake vmwp: MB2 must be a number >= MB\n");
      return 2;
    }
    ev = CreateEventW(NULL, TRUE, FALSE, argv[3]);
    if(!ev) {
      fprintf(stderr, "fake vmwp: cannot create event (error %lu)\n",
              (unsigned long)GetLastError());
      return 1;
    }
  }
  if(mb == (size_t)-1 || hold_memory(mb)) {
    fprintf(stderr, "fake vmwp: cannot hold the memory asked for\n");
    return 1;
  }
  printf("ready pid=%lu\n", (unsigned long)GetCurrentProcessId());
  fflush(stdout);
  if(ev) {
    WaitForSingleObject(ev, INFINITE);
    if(hold_memory(mb2 - mb)) {
      fprintf(stderr, "fake vmwp: cannot grow\n");
      return 1;
    }
    printf("grown pid=%lu\n", (unsigned long)GetCurrentProcessId());
    fflush(stdout);
  }
  Sleep(INFINITE);
  return 0;
}
