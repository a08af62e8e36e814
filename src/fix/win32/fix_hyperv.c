/* fix_hyperv.c - end one virtual machine's worker process, safely.
 *
 * The process is opened once.  On that one handle srvdoctor checks that it
 * is still running, that its image is vmwp.exe from the system folder, and
 * that its command line or its account (NT VIRTUAL MACHINE\<VM ID>) names
 * the VM of the finding, and none of them names another VM; only then is
 * it terminated through the same handle.  A handle keeps its process: if
 * the worker ended after the check and its ID went to another program,
 * the handle is that other program's and the checks refuse it, so there is
 * no moment at which a reused process ID could be hit.
 *
 * Rights: PROCESS_TERMINATE | PROCESS_QUERY_INFORMATION | PROCESS_VM_READ
 * (the command line is read from the process's PEB, the only way on
 * Windows Server 2003 to 2008 R2), and SYNCHRONIZE to wait for its end.
 * When that is refused on Windows Vista and later (a protected worker),
 * PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE is
 * asked for instead, and the checks use QueryFullProcessImageNameW, the
 * command-line information class of Windows 8.1 and later and the token's
 * account. */
#include <windows.h>
#include <psapi.h>
#include <sddl.h>
#include <winternl.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/win32util.h"
#include "fix_win32.h"

#ifndef PROCESS_QUERY_LIMITED_INFORMATION
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#endif
#define SD_STATUS_INFO_LENGTH_MISMATCH ((LONG)0xC0000004L)
#define SD_PROCESS_COMMAND_LINE_INFORMATION 60

typedef LONG(NTAPI *ntqip_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);
typedef BOOL(WINAPI *qfpin_fn)(HANDLE, DWORD, LPWSTR, PDWORD);
typedef BOOL(WINAPI *iswow64_fn)(HANDLE, PBOOL);

/* The image of the process behind h.  *device is set when the path is in
 * the kernel's device form (\Device\HarddiskVolume1\...). */
static int image_path(HANDLE h, int limited, wchar_t *buf, DWORD cap,
                      int *device)
{
  qfpin_fn q = (qfpin_fn)(void (*)(void))sd_proc(
    "kernel32.dll", "QueryFullProcessImageNameW");
  DWORD n = cap;
  *device = 0;
  if(q && q(h, 0, buf, &n) && n > 0 && n < cap)
    return 0;
  if(!limited) {
    n = GetModuleFileNameExW(h, NULL, buf, cap);
    if(n > 0 && n < cap)
      return 0;
  }
  /* Works across 32/64 bits, in the device form. */
  n = GetProcessImageFileNameW(h, buf, cap);
  if(n > 0 && n < cap) {
    *device = 1;
    return 0;
  }
  return -1;
}

/* want = the system folder's vmwp.exe, in the form path has. */
static int expected_image(int device, wchar_t *want, size_t cap)
{
  const wchar_t *sys = sd_system_dir();
  static const wchar_t leaf[] = L"\\vmwp.exe";
  if(!device) {
    if(wcslen(sys) + wcslen(leaf) + 1 > cap)
      return -1;
    wcscpy(want, sys);
    wcscat(want, leaf);
    return 0;
  }
  {
    wchar_t drive[3];
    wchar_t dev[MAX_PATH];
    if(!sys[0] || sys[1] != L':')
      return -1;
    drive[0] = sys[0];
    drive[1] = L':';
    drive[2] = L'\0';
    if(!QueryDosDeviceW(drive, dev, MAX_PATH))
      return -1;
    if(wcslen(dev) + wcslen(sys + 2) + wcslen(leaf) + 1 > cap)
      return -1;
    wcscpy(want, dev);
    wcscat(want, sys + 2);
    wcscat(want, leaf);
  }
  return 0;
}

static int is_wow64(HANDLE h)
{
  iswow64_fn f = (iswow64_fn)(void (*)(void))sd_proc("kernel32.dll",
                                                     "IsWow64Process");
  BOOL w = FALSE;
  if(!f || !f(h, &w))
    return 0;
  return w ? 1 : 0;
}

/* The command line from the process's PEB (same bitness only). */
static wchar_t *cmdline_peb(HANDLE h, ntqip_fn q)
{
  PROCESS_BASIC_INFORMATION pbi;
  ULONG len = 0;
  SIZE_T got = 0;
  PVOID params = NULL;
  UNICODE_STRING cmd;
  wchar_t *w;
  memset(&pbi, 0, sizeof(pbi));
  if(q(h, 0 /* ProcessBasicInformation */, &pbi, sizeof(pbi), &len) < 0 ||
     !pbi.PebBaseAddress)
    return NULL;
  if(!ReadProcessMemory(h, (const char *)pbi.PebBaseAddress +
                        offsetof(PEB, ProcessParameters), &params,
                        sizeof(params), &got) || got != sizeof(params) ||
     !params)
    return NULL;
  if(!ReadProcessMemory(h, (const char *)params +
                        offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine),
                        &cmd, sizeof(cmd), &got) || got != sizeof(cmd))
    return NULL;
  if(!cmd.Buffer || cmd.Length == 0 || cmd.Length % 2)
    return NULL;
  w = sd_xmalloc((size_t)cmd.Length + sizeof(wchar_t));
  if(!ReadProcessMemory(h, cmd.Buffer, w, cmd.Length, &got) ||
     got != cmd.Length) {
    free(w);
    return NULL;
  }
  w[cmd.Length / 2] = L'\0';
  return w;
}

/* The command line by information class 60 (Windows 8.1 and later; it
 * needs only PROCESS_QUERY_LIMITED_INFORMATION). */
static wchar_t *cmdline_class60(HANDLE h, ntqip_fn q)
{
  ULONG cap = 4096, need = 0;
  void *buf = sd_xmalloc(cap);
  LONG st = q(h, SD_PROCESS_COMMAND_LINE_INFORMATION, buf, cap, &need);
  const UNICODE_STRING *us;
  wchar_t *w;
  if(st == SD_STATUS_INFO_LENGTH_MISMATCH && need > cap && need < 1u << 20) {
    free(buf);
    cap = need;
    buf = sd_xmalloc(cap);
    st = q(h, SD_PROCESS_COMMAND_LINE_INFORMATION, buf, cap, &need);
  }
  if(st < 0) {
    free(buf);
    return NULL;
  }
  us = buf;
  if(!us->Buffer || !us->Length || us->Length % 2 ||
     (const char *)us->Buffer < (const char *)buf ||
     (const char *)us->Buffer + us->Length > (const char *)buf + cap) {
    free(buf);
    return NULL;
  }
  w = sd_xmalloc((size_t)us->Length + sizeof(wchar_t));
  memcpy(w, us->Buffer, us->Length);
  w[us->Length / 2] = L'\0';
  free(buf);
  return w;
}

/* The VM ID in the command line: 1 found, 0 none, -1 not readable. */
static int cmdline_guid(HANDLE h, int limited, char out[37], char **line)
{
  ntqip_fn q = (ntqip_fn)(void (*)(void))sd_proc(
    "ntdll.dll", "NtQueryInformationProcess");
  wchar_t *w = NULL;
  char *u;
  int rc;
  *line = NULL;
  if(!q)
    return -1;
  if(!limited && is_wow64(GetCurrentProcess()) == is_wow64(h))
    w = cmdline_peb(h, q);
  if(!w)
    w = cmdline_class60(h, q);
  if(!w)
    return -1;
  u = sd_wide_to_utf8(w);
  free(w);
  if(!u)
    return -1;
  rc = sd_hv_guid_find(u, out) ? 1 : 0;
  *line = u;
  return rc;
}

/* The VM ID in the token's account (S-1-5-83-1-...): 1, 0 or -1. */
static int account_guid(HANDLE h, char out[37], char **sid_out)
{
  union {
    TOKEN_USER tu;
    BYTE b[512];
  } buf;
  HANDLE tok;
  DWORD n = 0;
  wchar_t *ws = NULL;
  char *s;
  int rc;
  *sid_out = NULL;
  if(!OpenProcessToken(h, TOKEN_QUERY, &tok))
    return -1;
  if(!GetTokenInformation(tok, TokenUser, &buf, sizeof(buf), &n)) {
    CloseHandle(tok);
    return -1;
  }
  CloseHandle(tok);
  if(!ConvertSidToStringSidW(buf.tu.User.Sid, &ws))
    return -1;
  s = sd_wide_to_utf8(ws);
  LocalFree(ws);
  if(!s)
    return -1;
  rc = sd_hv_guid_from_sid(s, out) == 0 ? 1 : 0;
  *sid_out = s;
  return rc;
}

/* Run every check on h; 0 when it is the worker of p, else -1 with the
 * reason in o. */
static int verify(HANDLE h, int limited, const sd_fix_plan *p,
                  sd_fix_outcome *o, char *image8, size_t image8_cap,
                  const char **proof)
{
  wchar_t path[1024], want[1024];
  int device = 0, rc_cmd, rc_sid;
  char g_cmd[37], g_sid[37];
  char *line = NULL, *sid = NULL, *u;
  DWORD code = 0;
  if(!GetExitCodeProcess(h, &code) || code != STILL_ACTIVE) {
    sd_fixw_outcome(o, 0, 1, "Process %u has already ended, so there is "
                    "nothing to end; run srvdoctor check --only "
                    "hyperv-stuck-vm again.", (unsigned)p->pid);
    return -1;
  }
  if(image_path(h, limited, path, (DWORD)SD_COUNTOF(path), &device)) {
    char t[256];
    sd_os_error_text(GetLastError(), t, sizeof(t));
    sd_fixw_outcome(o, 0, 1, "srvdoctor could not read which program process "
                    "%u runs (%s), so it did not end it.", (unsigned)p->pid,
                    t);
    return -1;
  }
  u = sd_wide_to_utf8(path);
  snprintf(image8, image8_cap, "%s", u ? u : "?");
  free(u);
  if(expected_image(device, want, SD_COUNTOF(want)) ||
     _wcsicmp(path, want) != 0) {
    sd_fixw_outcome(o, 0, 1, "Process %u is %s, not vmwp.exe from the system "
                    "folder: the process ID now belongs to another program "
                    "(the worker ended after the check). srvdoctor did not "
                    "end it; run srvdoctor check --only hyperv-stuck-vm "
                    "again.", (unsigned)p->pid, image8);
    return -1;
  }
  rc_cmd = cmdline_guid(h, limited, g_cmd, &line);
  rc_sid = account_guid(h, g_sid, &sid);
  if((rc_cmd == 1 && strcmp(g_cmd, p->vm_guid)) ||
     (rc_sid == 1 && strcmp(g_sid, p->vm_guid))) {
    sd_fixw_outcome(o, 0, 1, "Process %u (%s) is the worker of virtual "
                    "machine %s, not of %s: the process ID now belongs to "
                    "another VM's worker. srvdoctor did not end it; run "
                    "srvdoctor check --only hyperv-stuck-vm again.",
                    (unsigned)p->pid, image8,
                    rc_cmd == 1 && strcmp(g_cmd, p->vm_guid) ? g_cmd : g_sid,
                    p->vm_guid);
    free(line);
    free(sid);
    return -1;
  }
  if(rc_cmd != 1 && rc_sid != 1) {
    sd_fixw_outcome(o, 0, 1, "Neither the command line (%s) nor the account "
                    "(%s) of process %u names virtual machine %s, so "
                    "srvdoctor cannot be sure it is that VM's worker and did "
                    "not end it.",
                    rc_cmd < 0 ? "not readable" : line ? line : "",
                    rc_sid < 0 ? "not readable" : sid ? sid : "",
                    (unsigned)p->pid, p->vm_guid);
    free(line);
    free(sid);
    return -1;
  }
  *proof = rc_cmd == 1 && rc_sid == 1 ? "its command line and its account" :
           rc_cmd == 1 ? "its command line" : "its account";
  free(line);
  free(sid);
  return 0;
}

void sd_fixw_end_worker(const sd_fix_plan *p, sd_fix_outcome *o)
{
  HANDLE h;
  int limited = 0;
  DWORD err, wait;
  char image8[1024], t[256];
  const char *proof = "";
  h = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_INFORMATION |
                  PROCESS_VM_READ | SYNCHRONIZE, FALSE, (DWORD)p->pid);
  if(!h && GetLastError() == ERROR_ACCESS_DENIED &&
     sd_proc("kernel32.dll", "QueryFullProcessImageNameW")) {
    h = OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION |
                    SYNCHRONIZE, FALSE, (DWORD)p->pid);
    limited = 1;
  }
  if(!h) {
    err = GetLastError();
    if(err == ERROR_INVALID_PARAMETER) {
      sd_fixw_outcome(o, 0, 1, "Process %u no longer exists: the worker "
                      "ended after the check. Nothing was ended; run "
                      "srvdoctor check --only hyperv-stuck-vm again.",
                      (unsigned)p->pid);
      return;
    }
    sd_os_error_text(err, t, sizeof(t));
    sd_fixw_outcome(o, 0, 1, "srvdoctor could not open process %u (%s). "
                    "Nothing was ended.", (unsigned)p->pid, t);
    return;
  }
  if(verify(h, limited, p, o, image8, sizeof(image8), &proof)) {
    CloseHandle(h);
    return;
  }
  if(!TerminateProcess(h, 1)) {
    sd_os_error_text(GetLastError(), t, sizeof(t));
    sd_fixw_outcome(o, 0, 0, "Process %u (%s, worker of virtual machine %s) "
                    "could not be ended: %s", (unsigned)p->pid, image8,
                    p->vm_guid, t);
    CloseHandle(h);
    return;
  }
  wait = WaitForSingleObject(h, 15000);
  if(wait == WAIT_FAILED) {
    /* No wait right after all: watch its exit code instead. */
    DWORD code = STILL_ACTIVE;
    int i;
    for(i = 0; i < 150 && GetExitCodeProcess(h, &code) &&
               code == STILL_ACTIVE; i++)
      Sleep(100);
    wait = code != STILL_ACTIVE ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
  }
  CloseHandle(h);
  if(wait != WAIT_OBJECT_0) {
    sd_fixw_outcome(o, 0, 0, "srvdoctor asked Windows to end process %u (%s, "
                    "worker of virtual machine %s), but it had not exited 15 "
                    "seconds later; check it with tasklist /FI \"PID eq %u\".",
                    (unsigned)p->pid, image8, p->vm_guid, (unsigned)p->pid);
    return;
  }
  sd_fixw_outcome(o, 1, 0, "Ended process %u (%s), the worker of virtual "
                  "machine %s (confirmed by %s); it has exited.",
                  (unsigned)p->pid, image8, p->vm_guid, proof);
}
