/* tool_main.c - the program's entry point. */
#include "tool.h"

#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>

#include "srvdoctor/win32util.h"

/* Guard against DLL planting: load system DLLs only from System32 where the
 * API exists (Windows 7/2008 R2 with KB2533623 and later). */
static void harden_dll_search(void)
{
  typedef BOOL(WINAPI * setdef_fn)(DWORD);
  typedef BOOL(WINAPI * setdll_fn)(LPCWSTR);
  HMODULE k32 = GetModuleHandleW(L"kernel32.dll");
  setdef_fn setdef;
  setdll_fn setdll;
  if(!k32)
    return;
  setdef = (setdef_fn)(void (*)(void))GetProcAddress(
    k32, "SetDefaultDllDirectories");
  if(setdef) {
    setdef(0x00000800); /* LOAD_LIBRARY_SEARCH_SYSTEM32 */
    return;
  }
  /* Older systems: at least take the current folder out of the path. */
  setdll = (setdll_fn)(void (*)(void))GetProcAddress(k32, "SetDllDirectoryW");
  if(setdll)
    setdll(L"");
}

int wmain(int argc, wchar_t **wargv);
int wmain(int argc, wchar_t **wargv)
{
  char **argv;
  int i, rc;
  harden_dll_search();
  /* No error dialogs: an unattended run must never wait for a click. */
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX |
               SEM_NOOPENFILEERRORBOX);
  argv = sd_xcalloc((size_t)argc + 1, sizeof(char *));
  for(i = 0; i < argc; i++) {
    argv[i] = sd_wide_to_utf8(wargv[i]);
    if(!argv[i])
      argv[i] = sd_xstrdup("");
  }
  rc = sd_tool_main(argc, argv);
  for(i = 0; i < argc; i++)
    free(argv[i]);
  free(argv);
  return rc;
}
#else
int main(int argc, char **argv)
{
  return sd_tool_main(argc, argv);
}
#endif
