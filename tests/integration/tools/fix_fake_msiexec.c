/* fix_fake_msiexec.c - a stand-in for %SystemRoot%\System32\msiexec.exe in
 * the tests of "srvdoctor fix EXCH-INTERIM-UPDATE" under Wine.  Copied over
 * the prefix's msiexec.exe, it records how it was started and exits with a
 * chosen code instead of changing anything.
 *
 * Environment (Wine passes the test's environment through srvdoctor):
 *   FIX_FAKE_MSIEXEC_LOG     file to write; one line each, UTF-8:
 *                              image=<its own path>
 *                              cmdline=<GetCommandLineW()>
 *                              argc=<n>
 *                              argv[i]=<CommandLineToArgvW()'s i-th>
 *   FIX_FAKE_MSIEXEC_EXIT    exit code (decimal), default 0
 *   FIX_FAKE_MSIEXEC_DELETE  a key below HKEY_LOCAL_MACHINE to delete with
 *                            its subkeys before exiting (the test's way of
 *                            making the patch "removed"), optional
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o msiexec.exe
 *        fix_fake_msiexec.c -lshell32 -lshlwapi */
#include <windows.h>
#include <shellapi.h>
#include <shlwapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static void put(FILE *fp, const char *key, const wchar_t *w)
{
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  char *s = n > 0 ? malloc((size_t)n) : NULL;
  if(s && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) > 0)
    fprintf(fp, "%s=%s\n", key, s);
  else
    fprintf(fp, "%s=<unconvertible>\n", key);
  free(s);
}

int wmain(void)
{
  wchar_t log[MAX_PATH * 2], code[32], del[1024], self[MAX_PATH];
  const wchar_t *line = GetCommandLineW();
  wchar_t **argv;
  int argc = 0, i, rc = 0;
  FILE *fp;
  if(GetEnvironmentVariableW(L"FIX_FAKE_MSIEXEC_EXIT", code, 32) > 0)
    rc = (int)wcstoul(code, NULL, 10);
  if(GetEnvironmentVariableW(L"FIX_FAKE_MSIEXEC_LOG", log, MAX_PATH * 2) >
     0) {
    fp = _wfopen(log, L"wb");
    if(!fp)
      return 97;
    GetModuleFileNameW(NULL, self, MAX_PATH);
    put(fp, "image", self);
    put(fp, "cmdline", line);
    argv = CommandLineToArgvW(line, &argc);
    fprintf(fp, "argc=%d\n", argc);
    for(i = 0; argv && i < argc; i++) {
      char key[32];
      snprintf(key, sizeof(key), "argv[%d]", i);
      put(fp, key, argv[i]);
    }
    if(argv)
      LocalFree(argv);
    fclose(fp);
  }
  if(GetEnvironmentVariableW(L"FIX_FAKE_MSIEXEC_DELETE", del, 1024) > 0) {
    DWORD r = SHDeleteKeyW(HKEY_LOCAL_MACHINE, del);
    if(r != ERROR_SUCCESS && r != ERROR_FILE_NOT_FOUND)
      return 98;
  }
  return rc;
}
