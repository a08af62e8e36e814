/* win32proc.h - who a running process is: its command line, its account (the
 * token user's SID) and its image path, read on a handle the caller opened.
 * One reader for the collector (src/collect/win32/processes.c) and for fix,
 * which checks the same identity on the handle it is about to terminate
 * (src/modules/hyperv-stuck-vm/fix_win32.c), so both see a process the same
 * way.  Windows only (src/platform/win32/win32proc.c).
 *
 * Shape: handle first, outputs last; a failed call leaves its outputs
 * alone and says why in *e. */
#ifndef SRVDOCTOR_WIN32PROC_H
#define SRVDOCTOR_WIN32PROC_H

#ifdef _WIN32
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

/* Why a read failed: a Windows error code or NTSTATUS (0 when neither
 * applies) and a sentence fragment without a final full stop. */
typedef struct sd_wproc_err {
  uint32_t code;
  char why[192];
} sd_wproc_err;

/* The longest command line Windows keeps (a UNICODE_STRING's limit). */
#define SD_WPROC_MAX_CMDLINE_BYTES 65534u

/* The command line of the process behind h, malloc'd UTF-16 with *len in
 * wchar_t.  Tries ProcessCommandLineInformation (Windows 8.1 / 2012 R2 and
 * later; needs only PROCESS_QUERY_LIMITED_INFORMATION), then the process
 * environment block, which needs PROCESS_VM_READ (vm_read says h has it)
 * and a process of the caller's bitness (a 32-bit srvdoctor cannot read a
 * 64-bit process's PEB).  Returns 0, or -1 with e set. */
int sd_wproc_cmdline(HANDLE h, int vm_read, wchar_t **out, size_t *len,
                     sd_wproc_err *e);

/* The token user's SID of the process behind h ("S-1-5-83-1-..."), as
 * malloc'd UTF-8.  Needs PROCESS_QUERY_(LIMITED_)INFORMATION.  Returns 0, or
 * -1 with e set. */
int sd_wproc_sid(HANDLE h, char **sid, sd_wproc_err *e);

/* The image path of the process behind h into buf (cap wchar_t):
 * QueryFullProcessImageNameW (Vista and later), then GetModuleFileNameExW
 * (needs PROCESS_VM_READ: vm_read), then, when device_ok, the kernel's
 * device form from GetProcessImageFileNameW (\Device\HarddiskVolume1\...;
 * *device is set to 1).  Returns 0, or -1 with e set. */
int sd_wproc_image(HANDLE h, int vm_read, int device_ok, wchar_t *buf,
                   DWORD cap, int *device, sd_wproc_err *e);

/* Is the process behind h a 32-bit process on 64-bit Windows?  1, 0, or 0
 * when it cannot be told (no IsWow64Process: Windows before XP SP2). */
int sd_wproc_is_wow64(HANDLE h);

/* Is name (n wchar_t, not NUL-terminated) the Hyper-V worker's image name
 * vmwp.exe, in any case? */
int sd_wproc_is_worker_name(const wchar_t *name, size_t n);

#endif
#endif
