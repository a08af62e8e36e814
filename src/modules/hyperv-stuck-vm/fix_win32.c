/* fix_win32.c - end one virtual machine's worker process, safely.
 *
 * The process is opened once.  On that one handle srvdoctor checks that it
 * is still running, that its image is vmwp.exe from the system folder, and
 * that its command line or its account (NT VIRTUAL MACHINE\<VM ID>) names
 * the VM of the finding, and none of them names another VM (every VM id in
 * the command line is looked at, not only the first); only then is
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/win32proc.h"
#include "srvdoctor/win32util.h"
#include "fix_win32.h"
#include "fix.h"

#ifndef PROCESS_QUERY_LIMITED_INFORMATION
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000
#endif

/* want = the image the plan says the worker must have (the finding's
 * action: vmwp.exe under the system folder), in the form path has. */
static int expected_image(int device, const char *image_path, wchar_t *want,
                          size_t cap)
{
  wchar_t *img = image_path ? sd_utf8_to_wide(image_path) : NULL;
  int rc = -1;
  if(!img)
    return -1;
  if(!device) {
    if(wcslen(img) + 1 <= cap) {
      wcscpy(want, img);
      rc = 0;
    }
  }
  else if(img[0] && img[1] == L':') {
    wchar_t drive[3];
    wchar_t dev[MAX_PATH];
    drive[0] = img[0];
    drive[1] = L':';
    drive[2] = L'\0';
    if(QueryDosDeviceW(drive, dev, MAX_PATH) &&
       wcslen(dev) + wcslen(img + 2) + 1 <= cap) {
      wcscpy(want, dev);
      wcscat(want, img + 2);
      rc = 0;
    }
  }
  free(img);
  return rc;
}

/* The VM ID in the command line: 1 found, 0 none, -1 not readable.  The
 * command line is read as the collector reads it (win32proc.c).  Every id
 * in the line counts, not only the first: out receives the first one that
 * is not want, else the first. */
static int cmdline_guid(HANDLE h, int limited, const char *want,
                        char out[37], char **line)
{
  const char *p;
  char g[37];
  wchar_t *w = NULL;
  size_t n = 0;
  sd_wproc_err e;
  char *u;
  *line = NULL;
  if(sd_wproc_cmdline(h, !limited, &w, &n, &e))
    return -1;
  u = sd_wide_n_to_utf8(w, n);
  free(w);
  if(!u)
    return -1;
  *line = u;
  p = sd_hv_guid_find(u, out);
  if(!p)
    return 0;
  while((p = sd_hv_guid_find(p, g)) != NULL && !strcmp(out, want))
    memcpy(out, g, sizeof(g));
  return 1;
}

/* The VM ID in the token's account (S-1-5-83-1-...): 1, 0 or -1. */
static int account_guid(HANDLE h, char out[37], char **sid_out)
{
  sd_wproc_err e;
  *sid_out = NULL;
  if(sd_wproc_sid(h, sid_out, &e))
    return -1;
  return sd_hv_guid_from_sid(*sid_out, out) == 0 ? 1 : 0;
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
  sd_wproc_err e;
  if(!GetExitCodeProcess(h, &code) || code != STILL_ACTIVE) {
    sd_fixw_outcome(o, 0, 1, "Process %u has already ended, so there is "
                    "nothing to end; run srvdoctor check --only "
                    "hyperv-stuck-vm again.", (unsigned)p->pid);
    return -1;
  }
  if(sd_wproc_image(h, !limited, 1, path, (DWORD)SD_COUNTOF(path), &device,
                    &e)) {
    sd_fixw_outcome(o, 0, 1, "srvdoctor could not read which program process "
                    "%u runs (%s), so it did not end it.", (unsigned)p->pid,
                    e.why);
    return -1;
  }
  u = sd_wide_to_utf8(path);
  snprintf(image8, image8_cap, "%s", u ? u : "?");
  free(u);
  if(expected_image(device, p->image_path, want, SD_COUNTOF(want)) ||
     _wcsicmp(path, want) != 0) {
    sd_fixw_outcome(o, 0, 1, "Process %u is %s, not vmwp.exe from the system "
                    "folder (%s): the process ID now belongs to another "
                    "program (the worker ended after the check). srvdoctor "
                    "did not end it; run srvdoctor check --only "
                    "hyperv-stuck-vm again.", (unsigned)p->pid, image8,
                    sd_str_or(p->image_path, "?"));
    return -1;
  }
  rc_cmd = cmdline_guid(h, limited, p->vm_guid, g_cmd, &line);
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

void sd_hv_fix_end_worker(const sd_fix_plan *p, sd_fix_outcome *o)
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
