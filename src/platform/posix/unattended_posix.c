/* unattended_posix.c - folders, locks and the (absent) event log for
 * unattended runs on Linux and other POSIX systems. */
#define _POSIX_C_SOURCE 200809L
#include "srvdoctor/platform.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct sd_lock {
  int fd;
};

static void errno_err(sd_err *err, int e, const char *what, const char *path)
{
  sd_err_set(err, e == EACCES || e == EPERM || e == EROFS ? SD_EACCES : SD_EIO,
             "cannot %s %s: %s", what, path, strerror(e));
  if(err)
    err->os_error = (uint32_t)e;
}

char *sd_path_join(const char *dir, const char *name)
{
  size_t n = strlen(dir);
  sd_buf b;
  sd_buf_init(&b);
  sd_buf_puts(&b, dir);
  if(n == 0 || dir[n - 1] != '/')
    sd_buf_putc(&b, '/');
  sd_buf_puts(&b, name);
  return sd_buf_take(&b);
}

static int is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int sd_mkdir_p(const char *path, sd_err *err)
{
  char *p;
  size_t i, n = strlen(path);
  if(n == 0) {
    sd_err_set(err, SD_EINVAL, "the folder name is empty");
    return -1;
  }
  if(is_dir(path))
    return 0;
  p = sd_xstrdup(path);
  for(i = 1; i <= n; i++) {
    if(p[i] == '/' || p[i] == '\0') {
      char keep = p[i];
      p[i] = '\0';
      if(!is_dir(p) && mkdir(p, 0755) != 0 && errno != EEXIST) {
        errno_err(err, errno, "create the folder", p);
        free(p);
        return -1;
      }
      p[i] = keep;
    }
  }
  free(p);
  if(!is_dir(path)) {
    sd_err_set(err, SD_EIO, "cannot create the folder %s: a file of that "
               "name is in the way", path);
    return -1;
  }
  return 0;
}

/* Is full a regular file itself (sd_list_files)? */
static int regular_entry(const char *full)
{
  struct stat st;
  return lstat(full, &st) == 0 && S_ISREG(st.st_mode);
}

/* Should sd_list_entries list full?  Not a folder, nor a link to one. */
static int entry_wanted(const char *full)
{
  struct stat st;
  if(lstat(full, &st) != 0)
    return 0; /* gone since readdir */
  if(S_ISDIR(st.st_mode))
    return 0;
  if(S_ISLNK(st.st_mode) && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
    return 0;
  return 1;
}

/* The names of dir's entries whose full path passes want. */
static int list_dir(const char *dir, int (*want)(const char *full),
                    char ***names, size_t *count, sd_err *err)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **v = NULL;
  size_t n = 0, cap = 0;
  if(!d) {
    errno_err(err, errno, "list the folder", dir);
    return -1;
  }
  while((e = readdir(d)) != NULL) {
    char *full;
    if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    full = sd_path_join(dir, e->d_name);
    if(want(full)) {
      v = sd_grow(v, &cap, n, sizeof(*v));
      v[n++] = sd_xstrdup(e->d_name);
    }
    free(full);
  }
  closedir(d);
  *names = v;
  *count = n;
  return 0;
}

int sd_list_files(const char *dir, char ***names, size_t *count, sd_err *err)
{
  return list_dir(dir, regular_entry, names, count, err);
}

int sd_list_entries(const char *dir, char ***names, size_t *count,
                    sd_err *err)
{
  return list_dir(dir, entry_wanted, names, count, err);
}

int sd_file_exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

int sd_remove_file(const char *path, sd_err *err)
{
  if(unlink(path) != 0 && errno != ENOENT) {
    errno_err(err, errno, "delete", path);
    return -1;
  }
  return 0;
}

void sd_sleep_ms(unsigned ms)
{
  struct timespec ts;
  ts.tv_sec = (time_t)(ms / 1000u);
  ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
  while(nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

int sd_stream_present(int stream)
{
  return fcntl(stream == SD_STDERR ? 2 : 1, F_GETFD) != -1;
}

sd_lock *sd_lock_acquire(const char *path, unsigned wait_ms, sd_err *err)
{
  unsigned waited = 0;
  sd_lock *l;
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  if(fd < 0) {
    errno_err(err, errno, "create the lock file", path);
    return NULL;
  }
  for(;;) {
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if(fcntl(fd, F_SETLK, &fl) == 0)
      break;
    if(errno != EACCES && errno != EAGAIN && errno != EINTR) {
      errno_err(err, errno, "lock", path);
      close(fd);
      return NULL;
    }
    if(waited >= wait_ms) {
      sd_err_set(err, SD_ETIMEOUT, "another srvdoctor run held %s for more "
                 "than %u seconds", path, wait_ms / 1000u);
      close(fd);
      return NULL;
    }
    sd_sleep_ms(100);
    waited += 100;
  }
  l = sd_xmalloc(sizeof(*l));
  l->fd = fd;
  return l;
}

void sd_lock_release(sd_lock *l)
{
  if(!l)
    return;
  close(l->fd); /* closing drops the fcntl lock */
  free(l);
}

char *sd_common_appdata_dir(sd_err *err)
{
  (void)err;
  return sd_xstrdup("/var/lib");
}

int sd_eventlog_report(const char *source, int type, uint32_t id,
                       const char *text, sd_err *err)
{
  (void)source;
  (void)type;
  (void)id;
  (void)text;
  sd_err_set(err, SD_ENOTSUP, "the Application event log exists only on "
             "Windows");
  return -1;
}

int sd_eventlog_register(const char *source, char **msgfile, sd_err *err)
{
  (void)source;
  (void)msgfile;
  sd_err_set(err, SD_ENOTSUP, "the Application event log exists only on "
             "Windows");
  return -1;
}

int sd_eventlog_unregister(const char *source, int *existed, sd_err *err)
{
  (void)source;
  (void)existed;
  sd_err_set(err, SD_ENOTSUP, "the Application event log exists only on "
             "Windows");
  return -1;
}
