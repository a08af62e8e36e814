/* exch_svcset.c - stand-in services for the exchange-sp2 Wine scenario.
 * Wine's sc.exe accepts "sc config NAME start= disabled" and changes
 * nothing; ChangeServiceConfigW does change the start type.
 *
 *   exch_svcset create NAME DISPLAY BINPATH START   START: auto, demand or
 *                                                   disabled (LocalSystem)
 *   exch_svcset start-type NAME START               ChangeServiceConfigW
 *   exch_svcset start NAME                          StartServiceW, no wait
 *   exch_svcset delete NAME
 *
 * Exit code 0 on success, 1 on a failure (the Win32 error on stderr), 2 on
 * bad usage.
 * Build: x86_64-w64-mingw32-gcc -municode -o exch_svcset.exe exch_svcset.c */
#include <windows.h>

#include <stdio.h>
#include <wchar.h>

static int fail(const char *what)
{
  fprintf(stderr, "exch_svcset: %s failed: error %lu\n", what,
          (unsigned long)GetLastError());
  return 1;
}

static int start_of(const wchar_t *s, DWORD *out)
{
  if(!wcscmp(s, L"auto"))
    *out = SERVICE_AUTO_START;
  else if(!wcscmp(s, L"demand"))
    *out = SERVICE_DEMAND_START;
  else if(!wcscmp(s, L"disabled"))
    *out = SERVICE_DISABLED;
  else
    return -1;
  return 0;
}

static int set_start(SC_HANDLE scm, const wchar_t *name, DWORD start)
{
  SC_HANDLE svc = OpenServiceW(scm, name, SERVICE_CHANGE_CONFIG);
  int rc = 0;
  if(!svc)
    return fail("OpenServiceW");
  if(!ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, start, SERVICE_NO_CHANGE,
                           NULL, NULL, NULL, NULL, NULL, NULL, NULL))
    rc = fail("ChangeServiceConfigW");
  CloseServiceHandle(svc);
  return rc;
}

int wmain(int argc, wchar_t **argv)
{
  SC_HANDLE scm, svc;
  DWORD start;
  int rc = 0;
  if(argc < 3)
    return 2;
  scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
  if(!scm)
    return fail("OpenSCManagerW");
  if(!wcscmp(argv[1], L"create") && argc == 6 && !start_of(argv[5], &start)) {
    svc = CreateServiceW(scm, argv[2], argv[3], SERVICE_ALL_ACCESS,
                         SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START,
                         SERVICE_ERROR_NORMAL, argv[4], NULL, NULL, NULL,
                         NULL, NULL);
    if(!svc)
      rc = fail("CreateServiceW");
    else {
      CloseServiceHandle(svc);
      if(start != SERVICE_DEMAND_START)
        rc = set_start(scm, argv[2], start);
    }
  }
  else if(!wcscmp(argv[1], L"start-type") && argc == 4 &&
          !start_of(argv[3], &start))
    rc = set_start(scm, argv[2], start);
  else if(!wcscmp(argv[1], L"start") && argc == 3) {
    svc = OpenServiceW(scm, argv[2], SERVICE_START);
    if(!svc || !StartServiceW(svc, 0, NULL))
      rc = fail("StartServiceW");
    if(svc)
      CloseServiceHandle(svc);
  }
  else if(!wcscmp(argv[1], L"delete") && argc == 3) {
    svc = OpenServiceW(scm, argv[2], DELETE);
    if(!svc || !DeleteService(svc))
      rc = fail("DeleteService");
    if(svc)
      CloseServiceHandle(svc);
  }
  else
    rc = 2;
  CloseServiceHandle(scm);
  return rc;
}
