/* fake_pending_svc.c - a service that never finishes starting, for the
 * exchange-sp2 Wine scenario: it reports SERVICE_START_PENDING (with a
 * wait hint and a moving checkpoint, as a slow service does) for
 * LIFETIME seconds (argument, default 60), then SERVICE_STOPPED, so it
 * never outlives a test by much.
 * Build: x86_64-w64-mingw32-gcc -municode -o pending.exe fake_pending_svc.c */
#include <windows.h>

#include <stdlib.h>

static SERVICE_STATUS_HANDLE status_handle;
static DWORD lifetime_s = 60;

static void report(DWORD state, DWORD checkpoint)
{
  SERVICE_STATUS st;
  ZeroMemory(&st, sizeof(st));
  st.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  st.dwCurrentState = state;
  st.dwWaitHint = state == SERVICE_START_PENDING ? 10000 : 0;
  st.dwCheckPoint = checkpoint;
  SetServiceStatus(status_handle, &st);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID ctx)
{
  (void)type;
  (void)data;
  (void)ctx;
  return code == SERVICE_CONTROL_INTERROGATE ? NO_ERROR
                                             : ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
  DWORD i;
  (void)argc;
  (void)argv;
  status_handle = RegisterServiceCtrlHandlerExW(L"pending", control, NULL);
  if(!status_handle)
    return;
  for(i = 0; i < lifetime_s; i++) {
    report(SERVICE_START_PENDING, i + 1);
    Sleep(1000);
  }
  report(SERVICE_STOPPED, 0);
}

int wmain(int argc, wchar_t **argv)
{
  static SERVICE_TABLE_ENTRYW table[] = {
    {L"pending", service_main},
    {NULL, NULL}};
  if(argc > 1)
    lifetime_s = (DWORD)wcstoul(argv[1], NULL, 10);
  return StartServiceCtrlDispatcherW(table) ? 0 : 1;
}
