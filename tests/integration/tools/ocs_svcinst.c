/* ocs_svcinst.c - a tiny service installer for the integration tests.
 * Wine's sc.exe refuses a quoted binary path with arguments, which is how
 * the real OCS Front End is registered; CreateServiceW takes it.
 *
 *   ocs_svcinst create NAME DISPLAY BINPATH   demand-start, LocalSystem
 *   ocs_svcinst start NAME [SECONDS]          start, wait while pending
 *   ocs_svcinst stop NAME [SECONDS]
 *   ocs_svcinst query NAME
 *   ocs_svcinst delete NAME
 *
 * start, stop and query print one line:
 *   STATE=<n> WIN32=<n> SPECIFIC=0x<hex> PID=<n>
 * Exit code 0 on success, 1 on a failure (with the Win32 error on stderr),
 * 2 on bad usage.
 * Build: x86_64-w64-mingw32-gcc -municode -o ocs_svcinst.exe ocs_svcinst.c */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static int fail(const char *what)
{
  fprintf(stderr, "ocs_svcinst: %s failed: error %lu\n", what,
          (unsigned long)GetLastError());
  return 1;
}

static int query(SC_HANDLE svc, SERVICE_STATUS_PROCESS *st)
{
  DWORD need = 0;
  return QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)st,
                              sizeof(*st), &need) ? 0 : -1;
}

static void print_status(const SERVICE_STATUS_PROCESS *st)
{
  printf("STATE=%lu WIN32=%lu SPECIFIC=0x%08lX PID=%lu\n",
         (unsigned long)st->dwCurrentState,
         (unsigned long)st->dwWin32ExitCode,
         (unsigned long)st->dwServiceSpecificExitCode,
         (unsigned long)st->dwProcessId);
}

/* Poll until the state is no longer a pending one (or the time is up). */
static int settle(SC_HANDLE svc, int seconds, SERVICE_STATUS_PROCESS *st)
{
  int waited = 0;
  for(;;) {
    if(query(svc, st))
      return fail("QueryServiceStatusEx");
    if(st->dwCurrentState != SERVICE_START_PENDING &&
       st->dwCurrentState != SERVICE_STOP_PENDING &&
       st->dwCurrentState != SERVICE_CONTINUE_PENDING &&
       st->dwCurrentState != SERVICE_PAUSE_PENDING)
      return 0;
    if(waited >= seconds * 10) {
      fprintf(stderr, "ocs_svcinst: still pending after %d s\n", seconds);
      return 1;
    }
    Sleep(100);
    waited++;
  }
}

int wmain(int argc, wchar_t **argv)
{
  SC_HANDLE scm, svc;
  SERVICE_STATUS_PROCESS st;
  const wchar_t *cmd;
  int rc = 0, seconds;
  if(argc < 3) {
    fprintf(stderr, "usage: ocs_svcinst create|start|stop|query|delete "
            "NAME ...\n");
    return 2;
  }
  cmd = argv[1];
  seconds = argc > 3 ? _wtoi(argv[3]) : 30;
  if(seconds <= 0)
    seconds = 30;
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  if(!scm)
    return fail("OpenSCManagerW");
  if(wcscmp(cmd, L"create") == 0) {
    if(argc < 5) {
      fprintf(stderr, "usage: ocs_svcinst create NAME DISPLAY BINPATH\n");
      CloseServiceHandle(scm);
      return 2;
    }
    svc = CreateServiceW(scm, argv[2], argv[3], SERVICE_ALL_ACCESS,
                         SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                         SERVICE_ERROR_NORMAL, argv[4], NULL, NULL, NULL,
                         NULL, NULL);
    if(!svc)
      rc = fail("CreateServiceW");
    else
      CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return rc;
  }
  svc = OpenServiceW(scm, argv[2], SERVICE_ALL_ACCESS);
  if(!svc) {
    rc = fail("OpenServiceW");
    CloseServiceHandle(scm);
    return rc;
  }
  if(wcscmp(cmd, L"start") == 0) {
    /* A service that stops at once may make StartServiceW report an
     * error; the status afterwards is what counts. */
    if(!StartServiceW(svc, 0, NULL))
      fprintf(stderr, "ocs_svcinst: StartServiceW: error %lu\n",
              (unsigned long)GetLastError());
    rc = settle(svc, seconds, &st);
    if(rc == 0)
      print_status(&st);
  }
  else if(wcscmp(cmd, L"stop") == 0) {
    SERVICE_STATUS ss;
    if(!ControlService(svc, SERVICE_CONTROL_STOP, &ss) &&
       GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
      rc = fail("ControlService");
    if(rc == 0)
      rc = settle(svc, seconds, &st);
    if(rc == 0)
      print_status(&st);
  }
  else if(wcscmp(cmd, L"query") == 0) {
    rc = query(svc, &st) ? fail("QueryServiceStatusEx") : 0;
    if(rc == 0)
      print_status(&st);
  }
  else if(wcscmp(cmd, L"delete") == 0) {
    if(!DeleteService(svc))
      rc = fail("DeleteService");
  }
  else {
    fprintf(stderr, "ocs_svcinst: unknown command\n");
    rc = 2;
  }
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  return rc;
}
