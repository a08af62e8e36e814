/* fix_win32.c - "srvdoctor fix" on Windows: the live machine behind the
 * portable flow of src/fix/fix.c.
 *
 * The shipped program reads no test variable here: a test that needs other
 * facts than the live ones (a stale process ID, which Wine cannot make on
 * demand) builds its own program on sd_fix_prepare (src/cli/tool_fix.c)
 * and replaces ops.collect (tests/tools/sd_seams.c); every other
 * operation, the checks on the process handle included, stays the real
 * one.  The event the fix writes is read from Wine's own trace of
 * ReportEventW (tests/integration/t_fix_actions.sh). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/collect.h"
#include "srvdoctor/fix.h"
#include "srvdoctor/platform.h"
#include "srvdoctor/win32util.h"
#include "fix_win32.h"

#define EVENT_SOURCE_KEY "SYSTEM\\CurrentControlSet\\Services\\EventLog\\" \
  "Application\\" SD_EVENT_SOURCE

static int w_collect(void *ctx, sd_facts *f, unsigned needs,
                     const sd_options *o, sd_err *err)
{
  (void)ctx;
  return sd_collect_live(f, needs, o, err);
}

static int w_stdin_console(void *ctx)
{
  HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
  DWORD mode;
  (void)ctx;
  return h && h != INVALID_HANDLE_VALUE && GetFileType(h) == FILE_TYPE_CHAR
         && GetConsoleMode(h, &mode);
}

static int w_confirm(void *ctx, const char *question)
{
  HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
  wchar_t line[64];
  DWORD n = 0, i = 0;
  (void)ctx;
  sd_write_stream(SD_STDOUT, question, strlen(question));
  if(!ReadConsoleW(h, line, (DWORD)SD_COUNTOF(line) - 1, &n, NULL))
    return 0;
  line[n] = L'\0';
  while(line[i] == L' ' || line[i] == L'\t')
    i++;
  while(n > i && (line[n - 1] == L'\r' || line[n - 1] == L'\n' ||
                  line[n - 1] == L' ' || line[n - 1] == L'\t'))
    line[--n] = L'\0';
  return !_wcsicmp(line + i, L"y") || !_wcsicmp(line + i, L"yes");
}

static void w_act(void *ctx, const sd_fix_plan *p, sd_fix_outcome *o)
{
  (void)ctx;
  if(p->hook && p->hook->act)
    p->hook->act(p, o);
  else
    sd_fixw_run_program(p, o);
}

/* Is the event source registered?  1 yes, 0 no (or cannot tell). */
static int source_installed(void)
{
  HKEY k;
  if(sd_reg_open(HKEY_LOCAL_MACHINE, EVENT_SOURCE_KEY, &k) != ERROR_SUCCESS)
    return 0;
  RegCloseKey(k);
  return 1;
}

static int w_event(void *ctx, int ok, const char *text, sd_err *err)
{
  uint32_t id = ok ? SD_EVENT_ID_FIX_DONE : SD_EVENT_ID_FIX_FAILED;
  int type = ok ? SD_EVT_INFORMATION : SD_EVT_ERROR;
  (void)ctx;
  if(!source_installed())
    return 0;
  if(sd_eventlog_report(SD_EVENT_SOURCE, type, id, text, err))
    return -1;
  return 1;
}

int sd_fix_machine_init(sd_fix_machine *m, sd_fix_ops *ops, sd_err *err)
{
  wchar_t wdir[MAX_PATH + 1];
  UINT n;
  char *windir, *sysdir;
  n = GetSystemWindowsDirectoryW(wdir, MAX_PATH);
  if(n == 0 || n >= MAX_PATH)
    wcscpy(wdir, L"C:\\Windows");
  windir = sd_wide_to_utf8(wdir);
  sysdir = sd_wide_to_utf8(sd_system_dir());
  if(!windir || !sysdir) {
    free(windir);
    free(sysdir);
    sd_err_set(err, SD_EIO, "the Windows folder's name could not be read");
    return -1;
  }
  m->windows_dir = windir;
  m->system_dir = sysdir;
  ops->ctx = NULL;
  ops->collect = w_collect;
  ops->stdin_console = w_stdin_console;
  ops->confirm = w_confirm;
  ops->act = w_act;
  ops->event = w_event;
  ops->paths.windows_dir = m->windows_dir;
  ops->paths.system_dir = m->system_dir;
  return 0;
}

void sd_fix_machine_free(sd_fix_machine *m)
{
  free(m->windows_dir);
  free(m->system_dir);
  m->windows_dir = m->system_dir = NULL;
}
