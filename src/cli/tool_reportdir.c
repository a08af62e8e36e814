/* tool_reportdir.c - scheduled-task mode: --report-dir [DIR] --keep N.
 *
 * Each run writes srvdoctor-<HOST>-<YYYYMMDDTHHMMSSZ>.json and replaces
 * latest.json, both atomically (sd_write_file_atomic), then deletes this
 * host's oldest reports beyond --keep.  The whole sequence runs under a lock
 * file (srvdoctor.lock in the folder) so two runs at once take turns; the
 * operating system releases the lock of a run that dies, and the temporary
 * files such a run leaves behind are removed by the next one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "tool.h"

#define LOCK_NAME "srvdoctor.lock"
#define LATEST_NAME "latest.json"
#define PREFIX "srvdoctor-"
#define HOST_MAX 63

static void host_part(sd_buf *b, const char *host)
{
  size_t n = 0;
  const char *p = host && *host ? host : "unknown";
  for(; *p && n < HOST_MAX; p++, n++) {
    char c = *p;
    int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             (c >= '0' && c <= '9') || c == '-' || c == '_' ||
             (c == '.' && n > 0);
    sd_buf_putc(b, ok ? c : '_');
  }
}

/* 20261126T080000Z from 2026-11-26T08:00:00Z */
static void stamp(sd_time t, char out[20])
{
  char iso[32];
  size_t i, k = 0;
  sd_time_format(t, iso);
  if(!iso[0]) {
    strcpy(out, "00000000T000000Z");
    return;
  }
  for(i = 0; iso[i] && k < 19; i++)
    if(iso[i] != '-' && iso[i] != ':')
      out[k++] = iso[i];
  out[k] = '\0';
}

char *sd_reportdir_name(const char *host, sd_time t, unsigned seq)
{
  sd_buf b;
  char ts[20];
  stamp(t, ts);
  sd_buf_init(&b);
  sd_buf_puts(&b, PREFIX);
  host_part(&b, host);
  sd_buf_printf(&b, "-%s", ts);
  if(seq > 1)
    sd_buf_printf(&b, "-%u", seq);
  sd_buf_puts(&b, ".json");
  return sd_buf_take(&b);
}

static int digits(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

int sd_reportdir_parse(const char *name, const char *host, sd_time *t,
                       unsigned *seq)
{
  sd_buf want;
  const char *p, *end;
  char iso[32];
  size_t n;
  unsigned long s = 1;
  sd_buf_init(&want);
  sd_buf_puts(&want, PREFIX);
  host_part(&want, host);
  sd_buf_putc(&want, '-');
  n = want.len;
  /* Windows file names compare without case. */
  if(strlen(name) < n || !sd_strnieq(name, want.data, n)) {
    sd_buf_free(&want);
    return -1;
  }
  sd_buf_free(&want);
  p = name + n;
  /* YYYYMMDDTHHMMSSZ */
  if(strlen(p) < 16 || !digits(p, 8) || p[8] != 'T' || !digits(p + 9, 6) ||
     p[15] != 'Z')
    return -1;
  snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", p, p + 4,
           p + 6, p + 9, p + 11, p + 13);
  end = p + 16;
  if(*end == '-') {
    char *stop;
    if(end[1] < '1' || end[1] > '9')
      return -1;
    s = strtoul(end + 1, &stop, 10);
    if(s < 2 || s > 100000)
      return -1;
    end = stop;
  }
  if(!sd_strieq(end, ".json"))
    return -1;
  if(sd_time_parse(iso, t))
    return -1;
  *seq = (unsigned)s;
  return 0;
}

char *sd_reportdir_default(sd_err *err)
{
  char *base = sd_common_appdata_dir(err);
  char *a, *b;
  if(!base)
    return NULL;
  a = sd_path_join(base, "srvdoctor");
  b = sd_path_join(a, "reports");
  free(base);
  free(a);
  return b;
}

typedef struct rd_entry {
  const char *name;
  sd_time t;
  unsigned seq;
} rd_entry;

static int cmp_entry(const void *a, const void *b)
{
  const rd_entry *x = a, *y = b;
  if(x->t != y->t)
    return x->t < y->t ? -1 : 1;
  if(x->seq != y->seq)
    return x->seq < y->seq ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* A temporary file that sd_write_file_atomic left when its run was killed:
 * "<one of our names>.<pid>.<n>.tmp".  Only ever seen under the lock, when
 * no other run of ours is writing. */
static int stale_temp(const char *name)
{
  size_t n = strlen(name);
  if(n < 5 || !sd_strieq(name + n - 4, ".tmp"))
    return 0;
  return sd_strnieq(name, LATEST_NAME ".", strlen(LATEST_NAME) + 1) ||
         (sd_strnieq(name, PREFIX, strlen(PREFIX)) &&
          sd_stristr(name, ".json."));
}

/* Delete stale temporaries and this host's reports beyond keep, from the
 * folder's names as listed before the run wrote added (its new report).
 * Failures here are reported but do not fail the run: the new report is
 * written. */
static void rotate(const char *dir, char **names, size_t n,
                   const char *added, const char *host, int keep)
{
  size_t i, ne = 0;
  rd_entry *v;
  sd_err err;
  v = sd_xcalloc(n + 1, sizeof(*v));
  if(!sd_reportdir_parse(added, host, &v[ne].t, &v[ne].seq))
    v[ne++].name = added;
  for(i = 0; i < n; i++) {
    if(stale_temp(names[i])) {
      char *path = sd_path_join(dir, names[i]);
      sd_remove_file(path, NULL);
      free(path);
      continue;
    }
    if(!sd_reportdir_parse(names[i], host, &v[ne].t, &v[ne].seq))
      v[ne++].name = names[i];
  }
  qsort(v, ne, sizeof(*v), cmp_entry);
  for(i = 0; ne > (size_t)keep && i < ne - (size_t)keep; i++) {
    char *path = sd_path_join(dir, v[i].name);
    sd_err_clear(&err);
    if(sd_remove_file(path, &err))
      sd_note("could not remove the old report: %s.", err.msg);
    free(path);
  }
  free(v);
}

/* 1, or one more than the highest sequence of host's reports for t. */
static unsigned next_seq(char **names, size_t n, const char *host, sd_time t)
{
  size_t i;
  unsigned top = 0;
  for(i = 0; i < n; i++) {
    sd_time ft;
    unsigned seq;
    if(!sd_reportdir_parse(names[i], host, &ft, &seq) && ft == t &&
       seq > top)
      top = seq;
  }
  return top + 1;
}

int sd_reportdir_write(const char *dir, int keep, const char *host,
                       sd_time now, const char *json, size_t len,
                       char **written, sd_err *err)
{
  char *def = NULL, *lockpath, *name = NULL, *path = NULL, *latest;
  char **names = NULL;
  size_t n = 0;
  sd_err lerr;
  sd_lock *lock;
  unsigned seq;
  int rc = -1, listed;
  if(!dir) {
    def = sd_reportdir_default(err);
    if(!def)
      return -1;
    dir = def;
  }
  if(keep <= 0)
    keep = SD_KEEP_DEFAULT;
  if(sd_mkdir_p(dir, err)) {
    free(def);
    return -1;
  }
  lockpath = sd_path_join(dir, LOCK_NAME);
  lock = sd_lock_acquire(lockpath, SD_REPORTDIR_LOCK_WAIT_MS, err);
  free(lockpath);
  if(!lock) {
    free(def);
    return -1;
  }
  /* The folder is listed once, under the lock: nothing else of ours
   * changes it until the lock is released.  A later run within the same
   * second gets the next "-2", "-3", ...: one above the highest there,
   * never a freed lower number, so the newest report always sorts last and
   * rotation never removes it. */
  sd_err_clear(&lerr);
  listed = !sd_list_files(dir, &names, &n, &lerr);
  seq = next_seq(names, n, host, now);
  name = sd_reportdir_name(host, now, seq);
  path = sd_path_join(dir, name);
  latest = sd_path_join(dir, LATEST_NAME);
  if(seq > 100000 || sd_file_exists(path))
    sd_err_set(err, SD_EIO, "%s already holds too many reports of this host "
               "for the same second", dir);
  else if(!sd_write_file_atomic(path, json, len, err) &&
          !sd_write_file_atomic(latest, json, len, err)) {
    if(listed)
      rotate(dir, names, n, name, host, keep);
    else
      sd_note("could not list %s to remove old reports: %s.", dir,
              lerr.msg);
    rc = 0;
  }
  sd_lock_release(lock);
  sd_names_free(names, n);
  if(rc == 0 && written) {
    *written = path;
    path = NULL;
  }
  free(latest);
  free(name);
  free(path);
  free(def);
  return rc;
}
