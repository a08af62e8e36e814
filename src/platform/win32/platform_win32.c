/* platform_win32.c - platform layer for Windows (Server 2003 and later). */
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/win32util.h"

FILE *sd_fopen(const char *path, const char *mode)
{
  wchar_t *wp = sd_utf8_to_wide(path);
  wchar_t *wm = sd_utf8_to_wide(mode);
  FILE *fp = NULL;
  if(wp && wm)
    fp = _wfopen(wp, wm);
  free(wp);
  free(wm);
  return fp;
}

/* Why CreateFileW failed on a path, in a few words (platform.h). */
static void open_fail(sd_err *err, DWORD code, const wchar_t *wp)
{
  DWORD attr = GetFileAttributesW(wp);
  if(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY))
    sd_err_set(err, SD_EINVAL, "it is a folder, not a file");
  else if(code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND ||
          code == ERROR_BAD_NETPATH || code == ERROR_INVALID_NAME)
    sd_err_set(err, SD_ENOENT, "there is no such file");
  else if(code == ERROR_ACCESS_DENIED)
    sd_err_set(err, SD_EACCES, "access is denied");
  else if(code == ERROR_PIPE_BUSY)
    sd_err_set(err, SD_EINVAL, "it is a named pipe, not a file");
  else
    sd_err_set_win(err, code, "open", "it");
  if(err)
    err->os_error = code;
}

/* CreateFileW never waits on a pipe or a device; GetFileType then refuses
 * what is not a disk file before anything is read from it. */
FILE *sd_fopen_regular(const char *path, sd_err *err)
{
  wchar_t *wp = sd_utf8_to_wide(path);
  HANDLE h;
  DWORD type;
  int fd;
  FILE *fp;
  if(!wp) {
    sd_err_set(err, SD_EINVAL, "the name is not valid UTF-8");
    return NULL;
  }
  h = CreateFileW(wp, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE |
                  FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                  FILE_ATTRIBUTE_NORMAL, NULL);
  if(h == INVALID_HANDLE_VALUE) {
    open_fail(err, GetLastError(), wp);
    free(wp);
    return NULL;
  }
  free(wp);
  type = GetFileType(h);
  if(type != FILE_TYPE_DISK) {
    if(type == FILE_TYPE_PIPE || type == FILE_TYPE_CHAR)
      sd_err_set(err, SD_EINVAL, "it is %s, not a file",
                 type == FILE_TYPE_PIPE ? "a named pipe" : "a device");
    else
      sd_err_set(err, SD_EINVAL, "it is not a disk file");
    CloseHandle(h);
    return NULL;
  }
  fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
  if(fd < 0) {
    CloseHandle(h);
    sd_err_set(err, SD_EIO, "cannot open it");
    return NULL;
  }
  fp = _fdopen(fd, "rb");
  if(!fp) {
    _close(fd);
    sd_err_set(err, SD_EIO, "cannot open it");
  }
  return fp;
}

/* Write all of data to h; 0 or the Win32 error.  pace (may be NULL): write
 * the first half, call pace->between, write the rest (platform.h). */
static DWORD write_all(HANDLE h, const char *data, size_t len,
                       const sd_write_pace *pace)
{
  size_t off = 0, half = len / 2;
  int stall = pace && pace->between;
  DWORD written;
  while(off < len) {
    size_t want = stall && off < half ? half - off : len - off;
    DWORD chunk = want > 0x10000000u ? 0x10000000u : (DWORD)want;
    if(!WriteFile(h, data + off, chunk, &written, NULL) || written == 0) {
      DWORD code = GetLastError();
      return code ? code : ERROR_WRITE_FAULT;
    }
    off += written;
    if(stall && off == half)
      pace->between(pace->ctx);
  }
  return 0;
}

/* A device (NUL, CON) or a pipe that already exists is written in place:
 * there is no file to replace.  1 when path was such a thing (rc says
 * how the write went), 0 when it is a regular file or does not exist. */
static int write_in_place(const wchar_t *wpath, const char *path,
                          const char *data, size_t len, int *rc, sd_err *err)
{
  DWORD type, code;
  HANDLE h = CreateFileW(wpath, GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                         OPEN_EXISTING, 0, NULL);
  if(h == INVALID_HANDLE_VALUE)
    return 0;
  type = GetFileType(h);
  if(type != FILE_TYPE_CHAR && type != FILE_TYPE_PIPE) {
    CloseHandle(h);
    return 0;
  }
  code = write_all(h, data, len, NULL);
  CloseHandle(h);
  *rc = 0;
  if(code) {
    sd_err_set_win(err, code, "write", path);
    *rc = -1;
  }
  return 1;
}

int sd_write_file_atomic(const char *path, const char *data, size_t len,
                         sd_err *err)
{
  return sd_write_file_atomic_paced(path, data, len, NULL, err);
}

int sd_write_file_atomic_paced(const char *path, const char *data, size_t len,
                               const sd_write_pace *pace, sd_err *err)
{
  wchar_t *wpath = sd_utf8_to_wide(path);
  wchar_t *wtmp = NULL;
  char *tmp;
  size_t n;
  HANDLE h = INVALID_HANDLE_VALUE;
  unsigned attempt;
  DWORD attr, code = 0;
  int rc = -1;
  if(!wpath) {
    sd_err_set(err, SD_EINVAL, "the path %s is not valid UTF-8", path);
    return -1;
  }
  attr = GetFileAttributesW(wpath);
  if(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) {
    sd_err_set(err, SD_EINVAL, "%s is a folder, not a file", path);
    free(wpath);
    return -1;
  }
  if(write_in_place(wpath, path, data, len, &rc, err)) {
    free(wpath);
    return rc;
  }
  /* A name nobody else uses: our pid plus a counter, created exclusively. */
  n = strlen(path);
  tmp = sd_xmalloc(n + 40);
  for(attempt = 0; attempt < 100; attempt++) {
    snprintf(tmp, n + 40, "%s.%lu.%u.tmp", path,
             (unsigned long)GetCurrentProcessId(), attempt);
    free(wtmp);
    wtmp = sd_utf8_to_wide(tmp);
    h = CreateFileW(wtmp, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if(h != INVALID_HANDLE_VALUE)
      break;
    code = GetLastError();
    if(code != ERROR_FILE_EXISTS && code != ERROR_ALREADY_EXISTS)
      break;
  }
  free(tmp);
  if(h == INVALID_HANDLE_VALUE) {
    sd_err_set_win(err, code, "write a temporary file next to", path);
    free(wpath);
    free(wtmp);
    return -1;
  }
  code = write_all(h, data, len, pace);
  if(code)
    sd_err_set_win(err, code, "write", path);
  else if(!FlushFileBuffers(h)) {
    code = GetLastError();
    sd_err_set_win(err, code, "flush", path);
  }
  CloseHandle(h);
  if(!code) {
    /* Antivirus, indexers and exporters may hold the target for a moment:
     * retry a few times with a growing pause (about 3 s in all). */
    for(attempt = 0; attempt < 10; attempt++) {
      if(MoveFileExW(wtmp, wpath,
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        rc = 0;
        break;
      }
      code = GetLastError();
      if(code != ERROR_SHARING_VIOLATION && code != ERROR_ACCESS_DENIED &&
         code != ERROR_LOCK_VIOLATION)
        break;
      Sleep(50u * (attempt + 1));
    }
    if(rc)
      sd_err_set_win(err, code, "replace", path);
  }
  if(rc)
    DeleteFileW(wtmp);
  free(wpath);
  free(wtmp);
  return rc;
}

static HANDLE std_handle(int stream)
{
  return GetStdHandle(stream == SD_STDERR ? STD_ERROR_HANDLE
                                          : STD_OUTPUT_HANDLE);
}

int sd_is_console(int stream)
{
  DWORD mode;
  HANDLE h = std_handle(stream);
  return h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

int sd_write_stream(int stream, const char *utf8, size_t len)
{
  HANDLE h = std_handle(stream);
  DWORD mode, done;
  if(!h || h == INVALID_HANDLE_VALUE)
    return -1;
  fflush(stream == SD_STDERR ? stderr : stdout);
  if(GetConsoleMode(h, &mode)) {
    /* A real console: hand it UTF-16 so every character shows. */
    int wn;
    wchar_t *w;
    if(len == 0)
      return 0;
    if(len > 0x7FFFFFFF)
      len = 0x7FFFFFFF;
    wn = MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, NULL, 0);
    if(wn <= 0)
      return -1;
    w = sd_xmalloc((size_t)wn * sizeof(wchar_t));
    MultiByteToWideChar(CP_UTF8, 0, utf8, (int)len, w, wn);
    {
      int off = 0;
      while(off < wn) {
        DWORD chunk = (DWORD)(wn - off > 8192 ? 8192 : wn - off);
        if(!WriteConsoleW(h, w + off, chunk, &done, NULL) || done == 0) {
          free(w);
          return -1;
        }
        off += (int)done;
      }
    }
    free(w);
    return 0;
  }
  /* Redirected to a file or a pipe: UTF-8 bytes as they are. */
  while(len) {
    DWORD chunk = len > 0x10000000u ? 0x10000000u : (DWORD)len;
    if(!WriteFile(h, utf8, chunk, &done, NULL) || done == 0)
      return -1;
    utf8 += done;
    len -= done;
  }
  return 0;
}

int sd_console_enable_color(int stream)
{
  HANDLE h = std_handle(stream);
  DWORD mode;
  if(!GetConsoleMode(h, &mode))
    return 0;
  /* ENABLE_VIRTUAL_TERMINAL_PROCESSING (0x4) fails on consoles older than
   * Windows 10: then we print without colour. */
  if(mode & 0x4)
    return 1;
  return SetConsoleMode(h, mode | 0x4) ? 1 : 0;
}

int sd_console_width(int stream)
{
  CONSOLE_SCREEN_BUFFER_INFO ci;
  if(!GetConsoleScreenBufferInfo(std_handle(stream), &ci))
    return 0;
  return ci.srWindow.Right - ci.srWindow.Left + 1;
}

int sd_text_files_crlf(void)
{
  return 1;
}

sd_time sd_now(void)
{
  FILETIME ft;
  ULARGE_INTEGER u;
  GetSystemTimeAsFileTime(&ft);
  u.LowPart = ft.dwLowDateTime;
  u.HighPart = ft.dwHighDateTime;
  return sd_time_from_filetime(u.QuadPart);
}

long sd_monotonic_ms(void)
{
  /* GetTickCount wraps after 49 days; differences stay right. */
  return (long)GetTickCount();
}

const char *sd_getenv(const char *name)
{
  /* Converted once per name; the few names we read live for the run. */
  static struct { char *name; char *value; } cache[16];
  static size_t ncache;
  wchar_t *wname;
  DWORD n;
  wchar_t *wval;
  char *val;
  size_t i;
  for(i = 0; i < ncache; i++)
    if(!strcmp(cache[i].name, name))
      return cache[i].value;
  wname = sd_utf8_to_wide(name);
  if(!wname)
    return NULL;
  n = GetEnvironmentVariableW(wname, NULL, 0);
  if(n == 0) {
    free(wname);
    return NULL;
  }
  wval = sd_xmalloc((size_t)n * sizeof(wchar_t));
  if(GetEnvironmentVariableW(wname, wval, n) >= n) {
    free(wname);
    free(wval);
    return NULL;
  }
  val = sd_wide_to_utf8(wval);
  free(wname);
  free(wval);
  if(ncache < SD_COUNTOF(cache)) {
    cache[ncache].name = sd_xstrdup(name);
    cache[ncache].value = val;
    ncache++;
  }
  return val;
}

int sd_live_supported(void)
{
  return 1;
}

int sd_read_small_file(const char *path, sd_buf *out, sd_err *err)
{
  FILE *fp = sd_fopen(path, "rb");
  char chunk[4096];
  size_t n;
  if(!fp) {
    sd_err_set_win(err, GetLastError(), "open", path);
    return -1;
  }
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    sd_buf_put(out, chunk, n);
    if(out->len > 65536) {
      fclose(fp);
      sd_err_set(err, SD_EINVAL, "%s is too large for a password file", path);
      return -1;
    }
  }
  fclose(fp);
  while(out->len && (out->data[out->len - 1] == '\n' ||
                     out->data[out->len - 1] == '\r'))
    out->data[--out->len] = '\0';
  return 0;
}


static DWORD WINAPI watchdog_main(LPVOID arg)
{
  static const char msg[] = "srvdoctor: the run took longer than its "
                            "--timeout and was stopped.\n";
  DWORD done;
  Sleep((DWORD)(uintptr_t)arg);
  WriteFile(GetStdHandle(STD_ERROR_HANDLE), msg, sizeof(msg) - 1, &done,
            NULL);
  ExitProcess(3);
  return 0;
}

void sd_watchdog_start(int seconds)
{
  HANDLE t;
  if(seconds <= 0)
    return;
  t = CreateThread(NULL, 64 * 1024, watchdog_main,
                   (LPVOID)(uintptr_t)((DWORD)seconds * 1000u), 0, NULL);
  if(t)
    CloseHandle(t);
}
