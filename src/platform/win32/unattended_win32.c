/* unattended_win32.c - folders, locks and the Application event log for
 * unattended runs on Windows (Server 2003 SP2 and later). */
#include <windows.h>
#include <shlobj.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/win32util.h"

struct sd_lock {
  HANDLE h;
};

#define EVENTLOG_KEY L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\" \
                     L"Application\\"

static int is_sep(char c)
{
  return c == '\\' || c == '/';
}

char *sd_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  sd_buf b;
  sd_buf_init(&b);
  sd_buf_puts(&b, dir);
  if(n == 0 || (!is_sep(dir[n - 1]) && !(n == 2 && dir[1] == ':')))
    sd_buf_putc(&b, '\\');
  sd_buf_puts(&b, name);
  return sd_buf_take(&b);
}

/* 1 folder, 0 missing, -1 something else (a file) */
static int dir_state(const wchar_t *w)
{
  DWORD a = GetFileAttributesW(w);
  if(a == INVALID_FILE_ATTRIBUTES)
    return 0;
  return (a & FILE_ATTRIBUTE_DIRECTORY) ? 1 : -1;
}

int sd_mkdir_p(const char *path, sd_err *err)
{
  wchar_t *w = sd_utf8_to_wide(path);
  size_t i, n, start = 0;
  if(!w || !*w) {
    free(w);
    sd_err_set(err, SD_EINVAL, "the folder name \"%s\" is not usable", path);
    return -1;
  }
  if(dir_state(w) == 1) {
    free(w);
    return 0;
  }
  n = wcslen(w);
  /* Never try to create the root: "C:\", "\\server\share\". */
  if(n >= 2 && w[1] == L':')
    start = 3;
  else if(n >= 2 && (w[0] == L'\\' || w[0] == L'/') &&
          (w[1] == L'\\' || w[1] == L'/')) {
    int seps = 0;
    for(start = 2; start < n && seps < 2; start++)
      if(w[start] == L'\\' || w[start] == L'/')
        seps++;
  }
  for(i = start; i <= n; i++) {
    if(i == n || w[i] == L'\\' || w[i] == L'/') {
      wchar_t keep = w[i];
      if(i == 0)
        continue;
      w[i] = L'\0';
      if(dir_state(w) != 1 && !CreateDirectoryW(w, NULL)) {
        DWORD code = GetLastError();
        if(code != ERROR_ALREADY_EXISTS || dir_state(w) != 1) {
          char *part = sd_wide_to_utf8(w);
          if(code == ERROR_ALREADY_EXISTS)
            sd_err_set(err, SD_EIO, "cannot create the folder %s: a file of "
                       "that name is in the way", part ? part : path);
          else
            sd_err_set_win(err, code, "create the folder", part ? part : path);
          free(part);
          free(w);
          return -1;
        }
      }
      w[i] = keep;
    }
  }
  free(w);
  return 0;
}

int sd_list_files(const char *dir, char ***names, size_t *count, sd_err *err)
{
  char *pattern = sd_path_join(dir, "*");
  wchar_t *wp = sd_utf8_to_wide(pattern);
  WIN32_FIND_DATAW fd;
  HANDLE h;
  char **v = NULL;
  size_t n = 0, cap = 0;
  free(pattern);
  if(!wp) {
    sd_err_set(err, SD_EINVAL, "the folder name \"%s\" is not usable", dir);
    return -1;
  }
  h = FindFirstFileW(wp, &fd);
  free(wp);
  if(h == INVALID_HANDLE_VALUE) {
    DWORD code = GetLastError();
    if(code == ERROR_FILE_NOT_FOUND) { /* an empty folder */
      *names = NULL;
      *count = 0;
      return 0;
    }
    sd_err_set_win(err, code, "list the folder", dir);
    return -1;
  }
  do {
    char *name;
    if(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
      continue;
    name = sd_wide_to_utf8(fd.cFileName);
    if(!name)
      continue;
    v = sd_grow(v, &cap, n, sizeof(*v));
    v[n++] = name;
  } while(FindNextFileW(h, &fd));
  FindClose(h);
  *names = v;
  *count = n;
  return 0;
}

/* FindFirstFileW already lists links to files (reparse points that are
 * not folders); opening them then says what they are. */
int sd_list_entries(const char *dir, char ***names, size_t *count,
                    sd_err *err)
{
  return sd_list_files(dir, names, count, err);
}

int sd_file_exists(const char *path)
{
  wchar_t *w = sd_utf8_to_wide(path);
  int yes = w && GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES;
  free(w);
  return yes;
}

int sd_remove_file(const char *path, sd_err *err)
{
  wchar_t *w = sd_utf8_to_wide(path);
  DWORD code;
  if(!w) {
    sd_err_set(err, SD_EINVAL, "the file name \"%s\" is not usable", path);
    return -1;
  }
  if(DeleteFileW(w) || (code = GetLastError()) == ERROR_FILE_NOT_FOUND) {
    free(w);
    return 0;
  }
  free(w);
  sd_err_set_win(err, code, "delete", path);
  return -1;
}

void sd_sleep_ms(unsigned ms)
{
  Sleep(ms);
}

int sd_stream_present(int stream)
{
  HANDLE h = GetStdHandle(stream == SD_STDERR ? STD_ERROR_HANDLE
                                              : STD_OUTPUT_HANDLE);
  return h != NULL && h != INVALID_HANDLE_VALUE;
}

sd_lock *sd_lock_acquire(const char *path, unsigned wait_ms, sd_err *err)
{
  wchar_t *w = sd_utf8_to_wide(path);
  unsigned waited = 0;
  HANDLE h;
  sd_lock *l;
  if(!w) {
    sd_err_set(err, SD_EINVAL, "the file name \"%s\" is not usable", path);
    return NULL;
  }
  for(;;) {
    DWORD code;
    /* No sharing at all: while this handle is open every other opener
     * gets ERROR_SHARING_VIOLATION.  The handle dies with the process and
     * takes the file with it (delete on close), so the folder holds only
     * reports between runs. */
    h = CreateFileW(w, GENERIC_READ | DELETE, 0, NULL, OPEN_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if(h != INVALID_HANDLE_VALUE)
      break;
    code = GetLastError();
    /* Access denied on a lock file that exists: its holder is closing it
     * (delete pending).  Without one, the folder refuses us. */
    if(code == ERROR_ACCESS_DENIED &&
       GetFileAttributesW(w) != INVALID_FILE_ATTRIBUTES)
      code = ERROR_SHARING_VIOLATION;
    if(code != ERROR_SHARING_VIOLATION && code != ERROR_LOCK_VIOLATION) {
      sd_err_set_win(err, code, "create the lock file", path);
      free(w);
      return NULL;
    }
    if(waited >= wait_ms) {
      sd_err_set(err, SD_ETIMEOUT, "another srvdoctor run held %s for more "
                 "than %u seconds", path, wait_ms / 1000u);
      free(w);
      return NULL;
    }
    Sleep(100);
    waited += 100;
  }
  free(w);
  l = sd_xmalloc(sizeof(*l));
  l->h = h;
  return l;
}

void sd_lock_release(sd_lock *l)
{
  if(!l)
    return;
  CloseHandle(l->h);
  free(l);
}

char *sd_common_appdata_dir(sd_err *err)
{
  wchar_t w[MAX_PATH + 1];
  HRESULT hr;
  char *s;
  /* SHGetFolderPathW exists from Windows 2000 on; SHGetKnownFolderPath
   * (Vista) returns the same folder. */
  memset(w, 0, sizeof(w));
  hr = SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, 0, w);
  if(FAILED(hr) || !w[0]) {
    sd_err_set(err, SD_EOS, "cannot find the ProgramData folder (error "
               "0x%08lX)", (unsigned long)hr);
    return NULL;
  }
  s = sd_wide_to_utf8(w);
  if(!s)
    sd_err_set(err, SD_EOS, "cannot convert the ProgramData folder name");
  return s;
}

static wchar_t *source_key(const char *source)
{
  wchar_t *ws = sd_utf8_to_wide(source);
  wchar_t *k;
  size_t n;
  if(!ws)
    return NULL;
  n = wcslen(EVENTLOG_KEY) + wcslen(ws) + 1;
  k = sd_xmalloc(n * sizeof(wchar_t));
  wcscpy(k, EVENTLOG_KEY);
  wcscat(k, ws);
  free(ws);
  return k;
}

int sd_eventlog_report(const char *source, int type, uint32_t id,
                       const char *text, sd_err *err)
{
  wchar_t *ws = sd_utf8_to_wide(source);
  wchar_t *wt = sd_utf8_to_wide(text);
  LPCWSTR strings[1];
  HANDLE h;
  BOOL ok;
  DWORD code = 0;
  if(!ws || !wt) {
    free(ws);
    free(wt);
    sd_err_set(err, SD_EINVAL, "the event text is not valid UTF-8");
    return -1;
  }
  /* One insertion string may hold 31,839 characters. */
  if(wcslen(wt) > 31000)
    wcscpy(wt + 30990, L"...");
  h = RegisterEventSourceW(NULL, ws);
  free(ws);
  if(!h) {
    code = GetLastError();
    free(wt);
    sd_err_set_win(err, code, "open the event log for source", source);
    return -1;
  }
  strings[0] = wt;
  ok = ReportEventW(h, (WORD)type, 0, (DWORD)id, NULL, 1, 0, strings, NULL);
  if(!ok)
    code = GetLastError();
  DeregisterEventSource(h);
  free(wt);
  if(!ok) {
    sd_err_set_win(err, code, "write an event for source", source);
    return -1;
  }
  return 0;
}

static wchar_t *module_path(void)
{
  DWORD cap = MAX_PATH;
  for(;;) {
    wchar_t *w = sd_xmalloc(cap * sizeof(wchar_t));
    DWORD n = GetModuleFileNameW(NULL, w, cap);
    if(n == 0) {
      free(w);
      return NULL;
    }
    if(n < cap - 1) {
      w[n] = L'\0';
      return w;
    }
    free(w);
    if(cap >= 32768)
      return NULL;
    cap *= 2;
  }
}

int sd_eventlog_register(const char *source, char **msgfile, sd_err *err)
{
  wchar_t *key = source_key(source);
  wchar_t *exe = module_path();
  HKEY k;
  LONG rc;
  DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE |
                EVENTLOG_INFORMATION_TYPE;
  if(!key || !exe) {
    free(key);
    free(exe);
    sd_err_set(err, SD_EOS, "cannot find this program's own path");
    return -1;
  }
  rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0,
                       KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &k, NULL);
  free(key);
  if(rc != ERROR_SUCCESS) {
    free(exe);
    sd_err_set_win(err, (DWORD)rc, "create the event source key for", source);
    return -1;
  }
  rc = RegSetValueExW(k, L"EventMessageFile", 0, REG_EXPAND_SZ,
                      (const BYTE *)exe,
                      (DWORD)((wcslen(exe) + 1) * sizeof(wchar_t)));
  if(rc == ERROR_SUCCESS)
    rc = RegSetValueExW(k, L"TypesSupported", 0, REG_DWORD,
                        (const BYTE *)&types, sizeof(types));
  RegCloseKey(k);
  if(rc != ERROR_SUCCESS) {
    free(exe);
    sd_err_set_win(err, (DWORD)rc, "write the event source values for", source);
    return -1;
  }
  if(msgfile)
    *msgfile = sd_wide_to_utf8(exe);
  free(exe);
  return 0;
}

int sd_eventlog_unregister(const char *source, int *existed, sd_err *err)
{
  wchar_t *key = source_key(source);
  HKEY k;
  LONG rc;
  if(!key) {
    sd_err_set(err, SD_EINVAL, "the source name is not valid UTF-8");
    return -1;
  }
  rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, SD_KEY_READ,
                     &k);
  if(rc == ERROR_FILE_NOT_FOUND) {
    free(key);
    if(existed)
      *existed = 0;
    return 0;
  }
  if(rc == ERROR_SUCCESS) {
    RegCloseKey(k);
    /* The EventLog branch is shared by 32- and 64-bit programs, so the
     * plain call (no WOW64 view, which RegDeleteKeyExW would need) works
     * from either build and on Windows Server 2003. */
    rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, key);
  }
  free(key);
  if(rc != ERROR_SUCCESS) {
    sd_err_set_win(err, (DWORD)rc, "delete the event source key for", source);
    return -1;
  }
  if(existed)
    *existed = 1;
  return 0;
}
