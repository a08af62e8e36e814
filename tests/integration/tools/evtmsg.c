/* evtmsg.c - render srvdoctor's event messages the way Event Viewer does:
 * read EventMessageFile of the registered source, expand it, load that file
 * as data and FormatMessage each event ID with one insertion string.
 *
 *   evtmsg.exe SOURCE ID... INSERT
 *
 * Prints "ID: text" per ID on one line (UTF-8, line breaks become spaces).
 * Exit 0 when every ID rendered, 1 when one did not, 2 when the source is
 * not registered. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv);
int wmain(int argc, wchar_t **argv)
{
  wchar_t key[512], raw[1024], path[1024];
  DWORD type, size = sizeof(raw);
  HKEY k;
  HMODULE mod;
  int i, rc = 0;
  if(argc < 4)
    return 2;
  swprintf(key, 512, L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\"
           L"Application\\%ls", argv[1]);
  if(RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &k) != ERROR_SUCCESS)
    return 2;
  if(RegQueryValueExW(k, L"EventMessageFile", NULL, &type, (BYTE *)raw,
                      &size) != ERROR_SUCCESS || type != REG_EXPAND_SZ) {
    RegCloseKey(k);
    return 2;
  }
  RegCloseKey(k);
  raw[sizeof(raw) / sizeof(raw[0]) - 1] = L'\0';
  ExpandEnvironmentStringsW(raw, path, 1024);
  mod = LoadLibraryExW(path, NULL, LOAD_LIBRARY_AS_DATAFILE);
  if(!mod)
    return 2;
  for(i = 2; i < argc - 1; i++) {
    DWORD id = (DWORD)wcstoul(argv[i], NULL, 10);
    DWORD_PTR args[1];
    wchar_t *msg = NULL;
    char out[4096];
    args[0] = (DWORD_PTR)argv[argc - 1];
    if(!FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE |
                         FORMAT_MESSAGE_ALLOCATE_BUFFER |
                         FORMAT_MESSAGE_ARGUMENT_ARRAY,
                       mod, id, 0, (LPWSTR)&msg, 0, (va_list *)args)) {
      printf("%lu: (no message: error %lu)\n", (unsigned long)id,
             (unsigned long)GetLastError());
      rc = 1;
      continue;
    }
    {
      wchar_t *p;
      for(p = msg; *p; p++)
        if(*p == L'\r' || *p == L'\n')
          *p = L' ';
    }
    WideCharToMultiByte(CP_UTF8, 0, msg, -1, out, sizeof(out), NULL, NULL);
    printf("%lu: %s\n", (unsigned long)id, out);
    LocalFree(msg);
  }
  FreeLibrary(mod);
  return rc;
}
