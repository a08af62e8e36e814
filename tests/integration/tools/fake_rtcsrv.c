/* fake_rtcsrv.c - a stand-in for the OCS Front End service (RtcSrv.exe)
 * for the ocs-kb974571 integration test under Wine.
 *
 *   RtcSrv.exe --fail   when started, reports SERVICE_STOPPED with
 *                       ERROR_SERVICE_SPECIFIC_ERROR and service-specific
 *                       exit code 0xC3E93C23, as the real Front End does
 *                       after KB974571 and a restart;
 *   RtcSrv.exe --run    runs normally until it is told to stop.
 *
 * The mode comes from the service's command line (its ImagePath), so the
 * installer registers it with a quoted path plus the argument.
 * Build: x86_64-w64-mingw32-gcc -municode -o RtcSrv.exe fake_rtcsrv.c */
#include <windows.h>

#define OCS_EVAL_EXPIRED 0xC3E93C23u

static SERVICE_STATUS_HANDLE status_handle;
static HANDLE stop_event;
static int fail_mode;

static void report(DWORD state, DWORD win32, DWORD specific, DWORD wait_ms)
{
  SERVICE_STATUS st;
  static DWORD checkpoint = 1;
  ZeroMemory(&st, sizeof(st));
  st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  st.dwCurrentState = state;
  st.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP : 0;
  st.dwWin32ExitCode = win32;
  st.dwServiceSpecificExitCode = specific;
  st.dwWaitHint = wait_ms;
  st.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED)
                    ? 0 : checkpoint++;
  SetServiceStatus(status_handle, &st);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID ctx)
{
  (void)type;
  (void)data;
  (void)ctx;
  if(code == SERVICE_CONTROL_STOP || code == SERVICE_CONTROL_SHUTDOWN) {
    report(SERVICE_STOP_PENDING, NO_ERROR, 0, 2000);
    SetEvent(stop_event);
    return NO_ERROR;
  }
  return code == SERVICE_CONTROL_INTERROGATE ? NO_ERROR
                                             : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  (void)argc;
  (void)argv;
  status_handle = RegisterServiceCtrlHandlerExW(L"RTCSRV", control, NULL);
  if(!status_handle)
    return;
  report(SERVICE_START_PENDING, NO_ERROR, 0, 3000);
  if(fail_mode) {
    /* What the Front End does when it believes its evaluation expired. */
    Sleep(200);
    report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, OCS_EVAL_EXPIRED,
           0);
    return;
  }
  stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
  report(SERVICE_RUNNING, NO_ERROR, 0, 0);
  WaitForSingleObject(stop_event, INFINITE);
  CloseHandle(stop_event);
  report(SERVICE_STOPPED, NO_ERROR, 0, 0);
}

int wmain(int argc, wchar_t **argv)
{
  static SERVICE_TABLE_ENTRYW table[] = {
    {L"RTCSRV", service_main},
    {NULL, NULL}};
  int i;
  for(i = 1; i < argc; i++)
    if(lstrcmpiW(argv[i], L"--fail") == 0)
      fail_mode = 1;
  if(!StartServiceCtrlDispatcherW(table))
    return (int)GetLastError();
  return 0;
}
