/* fix_win32.c - "srvdoctor fix" on Windows: the live machine behind the
 * portable flow of src/fix/fix.c.
 *
 * Test seams (never set in production; each one is announced on stderr):
 *   SRVDOCTOR_TEST_FIX_FACTS=FILE  read the facts of a Hyper-V fix from
 *       this snapshot instead of collecting them, so that a test can hand
 *       the action a process ID that belongs to another program and see
 *       the checks on the process handle refuse it.  Honoured only for the
 *       actions that end a worker, whose safety rests on those checks.
 *   SRVDOCTOR_EVENTLOG_TRACE=FILE  also write the event to FILE (source,
 *       type, ID, text), as "check --eventlog" does, because Wine only
 *       stubs the event log. */
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/collect.h"
#include "srvdoctor/fix.h"
#include "srvdoctor/platform.h"
#include "srvdoctor/snapshot.h"
#include "srvdoctor/win32util.h"
#include "../../cli/tool.h"
#include "fix_win32.h"

#define EVENT_SOURCE_KEY "SYSTEM\\CurrentControlSet\\Services\\EventLog\\" \
  "Application\\" SD_EVENT_SOURCE

typedef struct win_ctx {
  const char *facts_file;
} win_ctx;

void sd_fixw_outcome(sd_fix_outcome *o, int done, int refused,
                     const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->msg, sizeof(o->msg), fmt, ap);
  va_end(ap);
  o->done = done;
  o->refused = refused;
}

static int w_collect(void *ctx, sd_facts *f, unsigned needs,
                     const sd_options *o, sd_err *err)
{
  win_ctx *w = ctx;
  if(w->facts_file)
    return sd_snapshot_read_file(w->facts_file, f, err);
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
  sd_outs(question);
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
  if(p->action->kind == SD_FIX_END_WORKER)
    sd_fixw_end_worker(p, o);
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
  const char *trace = sd_getenv("SRVDOCTOR_EVENTLOG_TRACE");
  uint32_t id = ok ? SD_EVENT_ID_FIX_DONE : SD_EVENT_ID_FIX_FAILED;
  int type = ok ? SD_EVT_INFORMATION : SD_EVT_ERROR;
  (void)ctx;
  if(!source_installed())
    return 0;
  if(trace && *trace) {
    sd_buf b;
    int rc;
    sd_buf_init(&b);
    sd_buf_printf(&b, "source: %s\nlog: Application\ntype: %s\nevent_id: "
                  "%lu\ntext:\n%s\n", SD_EVENT_SOURCE,
                  ok ? "information" : "error", (unsigned long)id, text);
    rc = sd_write_file_atomic(trace, b.data, b.len, err);
    sd_buf_free(&b);
    if(rc)
      return -1;
  }
  if(sd_eventlog_report(SD_EVENT_SOURCE, type, id, text, err))
    return -1;
  return 1;
}

static void w_print(void *ctx, const char *text)
{
  (void)ctx;
  sd_outs(text);
}

static void w_error(void *ctx, const char *text)
{
  (void)ctx;
  sd_fail("%s", text);
}

int sd_cmd_fix(sd_cmdline *cl)
{
  sd_fix_request rq;
  sd_fix_ops ops;
  win_ctx w;
  const sd_fix_action *act = sd_fix_action_find(cl->code);
  wchar_t wdir[MAX_PATH + 1];
  UINT n;
  char *windir, *sysdir;
  int rc;
  if(cl->from || cl->output) {
    sd_fail("fix acts on this machine as it is now: it takes no --from or "
            "--output.");
    return 3;
  }
  memset(&w, 0, sizeof(w));
  if(act && act->kind == SD_FIX_END_WORKER) {
    w.facts_file = sd_getenv("SRVDOCTOR_TEST_FIX_FACTS");
    if(w.facts_file && !*w.facts_file)
      w.facts_file = NULL;
    if(w.facts_file)
      sd_note("test seam: the facts come from %s, not from this machine "
              "(SRVDOCTOR_TEST_FIX_FACTS).", w.facts_file);
  }
  n = GetSystemWindowsDirectoryW(wdir, MAX_PATH);
  if(n == 0 || n >= MAX_PATH)
    wcscpy(wdir, L"C:\\Windows");
  windir = sd_wide_to_utf8(wdir);
  sysdir = sd_wide_to_utf8(sd_system_dir());
  if(!windir || !sysdir) {
    free(windir);
    free(sysdir);
    sd_fail("the Windows folder's name could not be read.");
    return 3;
  }
  memset(&rq, 0, sizeof(rq));
  rq.code = cl->code;
  rq.target = cl->target;
  rq.yes = cl->yes;
  rq.force = cl->force;
  rq.opt = cl->opt;
  memset(&ops, 0, sizeof(ops));
  ops.ctx = &w;
  ops.collect = w_collect;
  ops.stdin_console = w_stdin_console;
  ops.confirm = w_confirm;
  ops.act = w_act;
  ops.event = w_event;
  ops.print = w_print;
  ops.error = w_error;
  ops.paths.windows_dir = windir;
  ops.paths.system_dir = sysdir;
  rc = sd_fix_run(&rq, &ops);
  free(windir);
  free(sysdir);
  return rc;
}
