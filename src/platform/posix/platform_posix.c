/* platform_posix.c - platform layer for Linux and other POSIX systems. */
#define _POSIX_C_SOURCE 200809L
#include "srvdoctor/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

FILE *sd_fopen(const char *path, const char *mode)
{
  return fopen(path, mode);
}

/* What a file that is not a regular file is, for a sentence. */
static const char *kind_name(mode_t m)
{
  if(S_ISDIR(m))
    return "a folder";
  if(S_ISFIFO(m))
    return "a FIFO (named pipe)";
  if(S_ISSOCK(m))
    return "a socket";
  if(S_ISCHR(m) || S_ISBLK(m))
    return "a device";
  return NULL;
}

static void open_errno_err(sd_err *err, int e, const char *path)
{
  struct stat st;
  if(e == ELOOP)
    sd_err_set(err, SD_EINVAL, "it is a symbolic link that loops (or a "
               "chain of too many links)");
  else if(e == ENOENT && path && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
    sd_err_set(err, SD_EINVAL, "it is a symbolic link to nothing: what it "
               "names does not exist");
  else if(e == ENOENT || e == ENOTDIR)
    sd_err_set(err, SD_ENOENT, "there is no such file");
  else if(e == EACCES || e == EPERM)
    sd_err_set(err, SD_EACCES, "access is denied");
  else
    sd_err_set(err, SD_EIO, "cannot open it: %s", strerror(e));
  if(err)
    err->os_error = (uint32_t)e;
}

/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
FILE *sd_fopen_regular(const char *path, sd_err *err)
{
  struct stat st;
  FILE *fp;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if(fd < 0) {
    open_errno_err(err, errno, path);
    return NULL;
  }
  if(fstat(fd, &st) != 0) {
    open_errno_err(err, errno, NULL);
    close(fd);
    return NULL;
  }
  if(!S_ISREG(st.st_mode)) {
    const char *kind = kind_name(st.st_mode);
    if(kind)
      sd_err_set(err, SD_EINVAL, "it is %s, not a file", kind);
    else
      sd_err_set(err, SD_EINVAL, "it is not a regular file");
    close(fd);
    return NULL;
  }
  if(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
     (fp = fdopen(fd, "rb")) == NULL) {
    open_errno_err(err, errno, NULL);
    close(fd);
    return NULL;
  }
  return fp;
}

static void set_errno_err(sd_err *err, const char *what, const char *path)
{
  int e = errno;
  sd_err_set(err, e == EACCES || e == EPERM ? SD_EACCES : SD_EIO,
             "cannot %s %s: %s", what, path, strerror(e));
  if(err)
    err->os_error = (uint32_t)e;
}

/* Write all of data to fd.  pace (may be NULL): write the first half, call
 * pace->between, write the rest (platform.h).  0, or -1 with err set. */
static int write_all(int fd, const char *data, size_t len,
                     const sd_write_pace *pace, const char *name, sd_err *err)
{
  size_t off = 0, half = len / 2;
  int stall = pace && pace->between;
  while(off < len) {
    ssize_t n = write(fd, data + off, stall && off < half ? half - off
                                                           : len - off);
    if(n < 0) {
      if(errno == EINTR)
        continue;
      set_errno_err(err, "write", name);
      return -1;
    }
    off += (size_t)n;
    if(stall && off == half)
      pace->between(pace->ctx);
  }
  return 0;
}

int sd_write_file_atomic(const char *path, const char *data, size_t len,
                         sd_err *err)
{
  return sd_write_file_atomic_paced(path, data, len, NULL, err);
}

int sd_write_file_atomic_paced(const char *path, const char *data, size_t len,
                               const sd_write_pace *pace, sd_err *err)
{
  size_t plen = strlen(path);
  char *tmp;
  int fd = -1, rc;
  unsigned attempt;
  struct stat st;
  /* A device or a pipe (/dev/null, /dev/stdout) is written in place: there
   * is no file to replace.  A folder is refused. */
  if(stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    if(S_ISDIR(st.st_mode)) {
      sd_err_set(err, SD_EINVAL, "%s is a folder, not a file", path);
      return -1;
    }
    fd = open(path, O_WRONLY);
    if(fd < 0) {
      set_errno_err(err, "open", path);
      return -1;
    }
    rc = write_all(fd, data, len, NULL, path, err);
    close(fd);
    return rc;
  }
  /* A name nobody else uses: our pid plus a counter, created exclusively. */
  tmp = sd_xmalloc(plen + 32);
  for(attempt = 0; attempt < 100; attempt++) {
    snprintf(tmp, plen + 32, "%s.%ld.%u.tmp", path, (long)getpid(), attempt);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if(fd >= 0 || errno != EEXIST)
      break;
  }
  if(fd < 0) {
    set_errno_err(err, "write a temporary file next to", path);
    free(tmp);
    return -1;
  }
  rc = write_all(fd, data, len, pace, tmp, err);
  if(rc == 0 && fsync(fd) != 0 && errno != EINVAL) {
    set_errno_err(err, "flush", tmp);
    rc = -1;
  }
  close(fd);
  if(rc == 0 && rename(tmp, path) != 0) {
    set_errno_err(err, "replace", path);
    rc = -1;
  }
  if(rc)
    unlink(tmp);
  free(tmp);
  return rc;
}

int sd_is_console(int stream)
{
  return isatty(stream == SD_STDERR ? 2 : 1);
}

int sd_write_stream(int stream, const char *utf8, size_t len)
{
  FILE *fp = stream == SD_STDERR ? stderr : stdout;
  if(len && fwrite(utf8, 1, len, fp) != len)
    return -1;
  return fflush(fp) == 0 ? 0 : -1;
}

int sd_console_enable_color(int stream)
{
  return sd_is_console(stream);
}

int sd_console_width(int stream)
{
  struct winsize ws;
  if(!sd_is_console(stream) ||
     ioctl(stream == SD_STDERR ? 2 : 1, TIOCGWINSZ, &ws) != 0)
    return 0;
  return ws.ws_col;
}

int sd_text_files_crlf(void)
{
  return 0;
}

sd_time sd_now(void)
{
  return (sd_time)time(NULL);
}

long sd_monotonic_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

const char *sd_getenv(const char *name)
{
  return getenv(name);
}

int sd_live_supported(void)
{
  return 0;
}

int sd_read_small_file(const char *path, sd_buf *out, sd_err *err)
{
  FILE *fp = fopen(path, "rb");
  char chunk[4096];
  size_t n;
  if(!fp) {
    set_errno_err(err, "open", path);
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

void sd_os_error_text(uint32_t code, char *out, size_t outsz)
{
  const char *known = sd_os_error_known(code);
  if(known)
    snprintf(out, outsz, "%s", known);
  else
    snprintf(out, outsz, "Windows error %lu (0x%08lX).",
             (unsigned long)code, (unsigned long)code);
}

#include <signal.h>

static void on_alarm(int sig)
{
  static const char msg[] = "srvdoctor: the run took longer than its "
                            "--timeout and was stopped.\n";
  ssize_t rc;
  (void)sig;
  rc = write(2, msg, sizeof(msg) - 1);
  (void)rc;
  _exit(3);
}

void sd_watchdog_start(int seconds)
{
  if(seconds <= 0)
    return;
  signal(SIGALRM, on_alarm);
  alarm((unsigned)seconds);
}
