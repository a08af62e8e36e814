/* fix_program.c - run an uninstaller (msiexec.exe, wusa.exe, pkgmgr.exe,
 * spuninst.exe) by its full path with an argument vector, no shell, and
 * wait for its exit code.  The program is named as lpApplicationName, so
 * no search path is involved; its folder is its working folder. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/win32util.h"
#include "srvdoctor/platform.h"
#include "fix_win32.h"

static const char *leaf(const char *path)
{
  const char *s = strrchr(path, '\\');
  return s ? s + 1 : path;
}

/* The outcome of a program that finished with exit code `code`. */
static void exit_outcome(const char *name, DWORD code, sd_fix_outcome *o)
{
  char t[256];
  o->have_exit_code = 1;
  o->exit_code = code;
  if(code == 0)
    sd_fixw_outcome(o, 1, 0, "%s finished with exit code 0 (success).",
                    name);
  else if(code == ERROR_SUCCESS_REBOOT_REQUIRED) {
    o->restart_needed = 1;
    sd_fixw_outcome(o, 1, 0, "%s finished with exit code 3010: it worked, "
                    "and a restart of the machine is needed to finish "
                    "(srvdoctor does not restart it).", name);
  }
  else if(code == ERROR_SUCCESS_REBOOT_INITIATED) {
    o->restart_needed = 1;
    sd_fixw_outcome(o, 1, 0, "%s finished with exit code 1641: it worked "
                    "and started a restart of the machine.", name);
  }
  else {
    sd_os_error_text(code, t, sizeof(t));
    sd_fixw_outcome(o, 0, 0, "%s failed with exit code %lu (0x%08lX): %s",
                    name, (unsigned long)code, (unsigned long)code, t);
  }
}

/* Wait for the started program (its handle is closed here) and give
 * its outcome. */
static void wait_outcome(const char *name, PROCESS_INFORMATION *pi,
                         sd_fix_outcome *o)
{
  sd_buf b;
  DWORD wait, code = 0;
  char t[256];
  sd_buf_init(&b);
  sd_buf_printf(&b, "Started %s (process %lu); waiting for it to finish.\n",
                name, (unsigned long)pi->dwProcessId);
  sd_write_stream(SD_STDOUT, b.data, b.len);
  sd_buf_free(&b);
  wait = WaitForSingleObject(pi->hProcess, SD_FIX_CHILD_WAIT_MS);
  if(wait != WAIT_OBJECT_0)
    sd_fixw_outcome(o, 0, 0, "%s (process %lu) was still running after %u "
                    "minutes; srvdoctor stopped waiting, the program goes "
                    "on. Check its result before doing anything else.", name,
                    (unsigned long)pi->dwProcessId,
                    SD_FIX_CHILD_WAIT_MS / 60000u);
  else if(!GetExitCodeProcess(pi->hProcess, &code)) {
    sd_os_error_text(GetLastError(), t, sizeof(t));
    sd_fixw_outcome(o, 0, 0, "%s finished, but its exit code could not be "
                    "read: %s", name, t);
  }
  else
    exit_outcome(name, code, o);
  CloseHandle(pi->hProcess);
}

void sd_fixw_run_program(const sd_fix_plan *p, sd_fix_outcome *o)
{
  sd_buf cmd;
  wchar_t *wprog, *wcmd, *wdir, *slash;
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  DWORD attr;
  char t[256];
  sd_buf_init(&cmd);
  sd_fix_command_line(p, &cmd);
  wprog = sd_utf8_to_wide(p->program);
  wcmd = sd_utf8_to_wide(cmd.data);
  wdir = sd_utf8_to_wide(p->program);
  if(!wprog || !wcmd || !wdir) {
    sd_fixw_outcome(o, 0, 0, "The command line is not valid text; nothing "
                    "was run.");
    goto done;
  }
  attr = GetFileAttributesW(wprog);
  if(attr == INVALID_FILE_ATTRIBUTES || (attr & FILE_ATTRIBUTE_DIRECTORY)) {
    sd_os_error_text(GetLastError(), t, sizeof(t));
    sd_fixw_outcome(o, 0, 0, "%s is not there (%s); nothing was run.",
                    p->program, t);
    goto done;
  }
  slash = wcsrchr(wdir, L'\\');
  if(slash)
    *slash = L'\0';
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  memset(&pi, 0, sizeof(pi));
  if(!CreateProcessW(wprog, wcmd, NULL, NULL, FALSE, 0, NULL,
                     slash ? wdir : NULL, &si, &pi)) {
    sd_os_error_text(GetLastError(), t, sizeof(t));
    sd_fixw_outcome(o, 0, 0, "%s could not be started: %s", p->program,
                    t);
    goto done;
  }
  CloseHandle(pi.hThread);
  wait_outcome(leaf(p->program), &pi, o);
done:
  free(wprog);
  free(wcmd);
  free(wdir);
  sd_buf_free(&cmd);
}
