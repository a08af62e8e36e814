/* win32proc.c - who a running process is (win32proc.h). */
#include "srvdoctor/win32proc.h"

#include <psapi.h>
#include <stdarg.h>
#include <sddl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <winternl.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/win32util.h"

typedef LONG(NTAPI *qip_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);
typedef BOOL(WINAPI *qfpin_fn)(HANDLE, DWORD, LPWSTR, PDWORD);
typedef BOOL(WINAPI *iswow_fn)(HANDLE, PBOOL);

/* NTSTATUS values and information classes used here (Microsoft's
 * ntstatus.h and the NtQueryInformationProcess documentation). */
#define ST_INFO_LENGTH_MISMATCH ((LONG)0xC0000004)
#define ST_BUFFER_TOO_SMALL ((LONG)0xC0000023)
#define ST_BUFFER_OVERFLOW ((LONG)0x80000005)
#define ST_INVALID_INFO_CLASS ((LONG)0xC0000003)
#define PROCESS_BASIC_INFO 0
#define PROCESS_CMDLINE_INFO 60 /* Windows 8.1 / 2012 R2 and later */

/* Once Windows has said the command-line class does not exist, it is not
 * asked again (a host with hundreds of workers). */
static volatile LONG class60_missing;

static void set_err(sd_wproc_err *e, uint32_t code, const char *fmt, ...)
  SD_PRINTF(3, 4);
static void set_err(sd_wproc_err *e, uint32_t code, const char *fmt, ...)
{
  va_list ap;
  if(!e)
    return;
  e->code = code;
  va_start(ap, fmt);
  vsnprintf(e->why, sizeof(e->why), fmt, ap);
  va_end(ap);
}

static void set_os_err(sd_wproc_err *e, DWORD code, const char *what)
{
  char t[160];
  sd_os_error_text(code, t, sizeof(t));
  set_err(e, code, "%s failed: %s", what, t);
}

static qip_fn ntqip(void)
{
  return (qip_fn)(void (*)(void))sd_proc("ntdll.dll",
                                         "NtQueryInformationProcess");
}

int sd_wproc_is_wow64(HANDLE h)
{
  iswow_fn f = (iswow_fn)(void (*)(void))sd_proc("kernel32.dll",
                                                 "IsWow64Process");
  BOOL w = FALSE;
  if(!f || !f(h, &w))
    return 0;
  return w ? 1 : 0;
}

int sd_wproc_is_worker_name(const wchar_t *name, size_t n)
{
  static const wchar_t w[] = L"" SD_HV_WORKER_IMAGE;
  size_t i;
  if(n != SD_COUNTOF(w) - 1)
    return 0;
  for(i = 0; i < n; i++) {
    wchar_t c = name[i];
    if(c >= L'A' && c <= L'Z')
      c = (wchar_t)(c - L'A' + L'a');
    if(c != w[i])
      return 0;
  }
  return 1;
}

/* ProcessCommandLineInformation: 0 read, 1 not available here or refused
 * (try the PEB), -1 failed (e set). */
static int cmdline_class60(HANDLE h, qip_fn q, wchar_t **out, size_t *len,
                           sd_wproc_err *e)
{
  ULONG need = 0;
  LONG st;
  const UNICODE_STRING *us;
  char *b;
  if(class60_missing)
    return 1;
  st = q(h, PROCESS_CMDLINE_INFO, NULL, 0, &need);
  if(st != ST_INFO_LENGTH_MISMATCH && st != ST_BUFFER_TOO_SMALL &&
     st != ST_BUFFER_OVERFLOW) {
    if(st == ST_INVALID_INFO_CLASS)
      InterlockedExchange(&class60_missing, 1);
    return 1;
  }
  if(need < sizeof(UNICODE_STRING) ||
     need > SD_WPROC_MAX_CMDLINE_BYTES + sizeof(UNICODE_STRING) + 16)
    return 1;
  b = sd_xmalloc(need);
  st = q(h, PROCESS_CMDLINE_INFO, b, need, &need);
  if(st < 0) {
    free(b);
    return 1; /* the PEB may still tell */
  }
  us = (const UNICODE_STRING *)b;
  if(us->Length % 2 || (us->Length && !us->Buffer) ||
     (us->Length && ((const char *)us->Buffer < b ||
                     (const char *)us->Buffer + us->Length > b + need))) {
    free(b);
    set_err(e, 0, "the command line Windows returned is not valid");
    return -1;
  }
  *out = sd_xmalloc((size_t)us->Length + sizeof(wchar_t));
  if(us->Length)
    memcpy(*out, us->Buffer, us->Length);
  (*out)[us->Length / 2] = L'\0';
  *len = us->Length / 2;
  free(b);
  return 0;
}

/* The command line from the process environment block. */
static int cmdline_peb(HANDLE h, qip_fn q, int vm_read, wchar_t **out,
                       size_t *len, sd_wproc_err *e)
{
  PROCESS_BASIC_INFORMATION pbi;
  ULONG got = 0;
  LONG st;
  PRTL_USER_PROCESS_PARAMETERS params = NULL;
  UNICODE_STRING us;
  SIZE_T n = 0;
  wchar_t *text;
  if(!vm_read) {
    set_err(e, ERROR_ACCESS_DENIED,
            "the process's memory may not be read (access denied)");
    return -1;
  }
  if(sd_wproc_is_wow64(GetCurrentProcess()) && !sd_wproc_is_wow64(h)) {
    set_err(e, 0, "a 32-bit srvdoctor cannot read the command line of a "
            "64-bit process; use the x64 srvdoctor.exe");
    return -1;
  }
  memset(&pbi, 0, sizeof(pbi));
  st = q(h, PROCESS_BASIC_INFO, &pbi, sizeof(pbi), &got);
  if(st < 0 || !pbi.PebBaseAddress) {
    set_err(e, (uint32_t)st, "NtQueryInformationProcess(ProcessBasic"
            "Information) failed with status 0x%08lX", (unsigned long)st);
    return -1;
  }
  if(!ReadProcessMemory(h, (const char *)pbi.PebBaseAddress +
                        offsetof(PEB, ProcessParameters), &params,
                        sizeof(params), &n) || n != sizeof(params) ||
     !params ||
     !ReadProcessMemory(h, (const char *)params +
                        offsetof(RTL_USER_PROCESS_PARAMETERS, CommandLine),
                        &us, sizeof(us), &n) || n != sizeof(us)) {
    set_os_err(e, GetLastError(), "ReadProcessMemory of the process "
               "parameters");
    return -1;
  }
  if(us.Length > SD_WPROC_MAX_CMDLINE_BYTES || us.Length % 2 ||
     (us.Length && !us.Buffer)) {
    set_err(e, 0, "the process parameters hold no valid command line");
    return -1;
  }
  text = sd_xmalloc((size_t)us.Length + sizeof(wchar_t));
  if(us.Length && (!ReadProcessMemory(h, us.Buffer, text, us.Length, &n) ||
                   n != us.Length)) {
    set_os_err(e, GetLastError(), "ReadProcessMemory of the command line");
    free(text);
    return -1;
  }
  text[us.Length / 2] = L'\0';
  *out = text;
  *len = us.Length / 2;
  return 0;
}

int sd_wproc_cmdline(HANDLE h, int vm_read, wchar_t **out, size_t *len,
                     sd_wproc_err *e)
{
  qip_fn q = ntqip();
  int rc;
  if(!q) {
    set_err(e, 0, "NtQueryInformationProcess is not available");
    return -1;
  }
  rc = cmdline_class60(h, q, out, len, e);
  if(rc <= 0)
    return rc;
  return cmdline_peb(h, q, vm_read, out, len, e);
}

int sd_wproc_sid(HANDLE h, char **sid, sd_wproc_err *e)
{
  HANDLE tok = NULL;
  DWORD n = 0;
  union {
    TOKEN_USER tu;
    char bytes[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE + 16];
  } ubuf;
  LPWSTR ws = NULL;
  char *s;
  if(!OpenProcessToken(h, TOKEN_QUERY, &tok)) {
    set_os_err(e, GetLastError(), "OpenProcessToken");
    return -1;
  }
  /* A TOKEN_USER is one SID: a fixed buffer saves the size query. */
  if(!GetTokenInformation(tok, TokenUser, &ubuf.tu, (DWORD)sizeof(ubuf),
                          &n)) {
    set_os_err(e, GetLastError(), "GetTokenInformation(TokenUser)");
    CloseHandle(tok);
    return -1;
  }
  CloseHandle(tok);
  if(!ConvertSidToStringSidW(ubuf.tu.User.Sid, &ws)) {
    set_os_err(e, GetLastError(), "ConvertSidToStringSid");
    return -1;
  }
  s = sd_wide_to_utf8(ws);
  LocalFree(ws);
  if(!s) {
    set_err(e, 0, "the SID is not valid text");
    return -1;
  }
  *sid = s;
  return 0;
}

int sd_wproc_image(HANDLE h, int vm_read, int device_ok, wchar_t *buf,
                   DWORD cap, int *device, sd_wproc_err *e)
{
  qfpin_fn q = (qfpin_fn)(void (*)(void))sd_proc(
    "kernel32.dll", "QueryFullProcessImageNameW");
  DWORD n = cap, err = 0;
  if(q) {
    if(q(h, 0, buf, &n) && n > 0 && n < cap) {
      *device = 0;
      return 0;
    }
    err = GetLastError();
  }
  if(vm_read) {
    n = GetModuleFileNameExW(h, NULL, buf, cap);
    if(n > 0 && n < cap) {
      *device = 0;
      return 0;
    }
    err = GetLastError();
  }
  if(device_ok) {
    /* Works across 32/64 bits, in the device form. */
    n = GetProcessImageFileNameW(h, buf, cap);
    if(n > 0 && n < cap) {
      *device = 1;
      return 0;
    }
    err = GetLastError();
  }
  set_os_err(e, err, "reading the process's image path");
  return -1;
}
