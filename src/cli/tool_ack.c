/* tool_ack.c - "srvdoctor ack": acknowledge a finding on one target until
 * a date, list and remove acknowledgements; and reading them for check.
 * The file is changed under a lock (two admins at once lose nothing), in
 * a folder only administrators may write to, and replaced atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/ack.h"
#include "srvdoctor/module.h"
#include "srvdoctor/platform.h"
#include "tool.h"

/* How long a second writer waits for the first. */
#define ACK_LOCK_WAIT_MS 30000u

char *sd_acks_path(const sd_cmdline *cl, sd_err *err)
{
  char *base, *dir, *path;
  if(cl->acks)
    return sd_xstrdup(cl->acks);
  base = sd_common_appdata_dir(err);
  if(!base)
    return NULL;
  dir = sd_path_join(base, "srvdoctor");
  path = sd_path_join(dir, SD_ACKS_FILE);
  free(base);
  free(dir);
  return path;
}

/* The folder of a file path ("." when it names none), malloc'd; both
 * "\\" and "/" separate (Windows takes both). */
static char *folder_of(const char *path)
{
  const char *cut = strrchr(path, '/');
  const char *bs = strrchr(path, '\\');
  if(bs && (!cut || bs > cut))
    cut = bs;
  if(!cut)
    return sd_xstrdup(".");
  if(cut == path)
    return sd_xstrdup("/");
  {
    char *d = sd_xstrdup(path);
    d[cut - path] = '\0';
    return d;
  }
}

/* Read the file into acks: 0 (a missing file is *missing = 1 and no
 * acknowledgement), or -1 with err. */
static int read_acks(const char *path, sd_acks *acks, int *missing,
                     sd_err *err)
{
  FILE *fp;
  sd_buf b;
  char chunk[4096];
  size_t n;
  int rc = 0;
  *missing = 0;
  fp = sd_fopen_regular(path, err);
  if(!fp) {
    if(err->code == SD_ENOENT) {
      *missing = 1;
      sd_err_clear(err);
      return 0;
    }
    return -1;
  }
  sd_buf_init(&b);
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len < (4u << 20))
    sd_buf_put(&b, chunk, n);
  if(ferror(fp)) {
    sd_err_set(err, SD_EIO, "it could not be read to the end");
    rc = -1;
  }
  else if(b.len >= (4u << 20)) {
    sd_err_set(err, SD_EINVAL, "it is larger than 4 MB");
    rc = -1;
  }
  fclose(fp);
  if(!rc)
    rc = sd_acks_parse(b.data ? b.data : "", b.len, acks, err);
  sd_buf_free(&b);
  return rc;
}

void sd_acks_load_apply(const sd_cmdline *cl, sd_report *rep, sd_time as_of)
{
  sd_acks acks;
  sd_err err;
  char *path, *dir;
  int missing = 0;
  sd_err_clear(&err);
  path = sd_acks_path(cl, &err);
  if(!path) {
    sd_acks_invalid(rep, "(default)", err.msg);
    return;
  }
  sd_acks_init(&acks);
  if(read_acks(path, &acks, &missing, &err))
    sd_acks_invalid(rep, path, err.msg);
  else if(missing && cl->acks)
    sd_acks_invalid(rep, path, "there is no such file");
  else if(!missing) {
    /* Whoever may replace the file decides what monitoring sees. */
    dir = folder_of(path);
    if(sd_dir_private(dir, &err))
      sd_acks_invalid(rep, path, err.msg);
    else
      sd_acks_apply(rep, &acks, as_of);
    free(dir);
  }
  sd_acks_free(&acks);
  free(path);
}

/* --until: a UTC time, or a date alone meaning the end of that day. */
static int parse_until(const char *s, sd_time *out)
{
  char full[40];
  if(strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
    snprintf(full, sizeof(full), "%sT00:00:00Z", s);
    if(sd_time_parse(full, out))
      return -1;
    *out += 86400;
    return 0;
  }
  return sd_time_parse(s, out);
}

/* Print the acknowledgements as a table, expired ones marked. */
static void list_acks(const sd_acks *acks, const char *path, sd_time as_of)
{
  sd_buf b;
  size_t i;
  char until[32], at[32];
  sd_buf_init(&b);
  if(!acks->count)
    sd_buf_printf(&b, "No acknowledgements in %s.\n", path);
  for(i = 0; i < acks->count; i++) {
    const sd_ack *x = &acks->items[i];
    sd_time_format(x->until, until);
    sd_time_format(x->at, at);
    sd_buf_printf(&b, "%s on %s until %s%s\n  by %s at %s: %s\n", x->code,
                  x->target, until, as_of >= x->until ? " (EXPIRED)" : "",
                  x->by, at, x->reason);
  }
  sd_out(b.data, b.len);
  sd_buf_free(&b);
}

/* The change the command asks for, on acks as read under the lock; 0, or
 * 3 after saying why. */
static int change(const sd_cmdline *cl, sd_acks *acks, sd_time now,
                  const char *path)
{
  sd_ack x;
  char until[32];
  const sd_code_info *ci = sd_code_find(cl->code);
  if(cl->ack_remove) {
    if(!sd_acks_remove(acks, cl->code, cl->target)) {
      sd_fail("%s has no acknowledgement of %s on %s.", path, cl->code,
              cl->target);
      return 3;
    }
    return 0;
  }
  if(!ci) {
    sd_fail("%s is not a finding code (srvdoctor list shows them).",
            cl->code);
    return 3;
  }
  memset(&x, 0, sizeof(x));
  if(parse_until(cl->until, &x.until)) {
    sd_fail("--until takes a date like 2026-12-10 (the end of that day, "
            "UTC) or a UTC time like 2026-12-10T08:00:00Z, not \"%s\".",
            cl->until);
    return 3;
  }
  if(x.until <= now) {
    sd_time_format(x.until, until);
    sd_fail("--until %s has passed already.", until);
    return 3;
  }
  x.code = ci->code;
  x.target = cl->target;
  x.reason = cl->reason;
  x.by = sd_current_user();
  x.at = now;
  sd_acks_put(acks, &x);
  free((char *)x.by);
  return 0;
}

/* Add or remove under the lock: read, change, write atomically. */
static int update(const sd_cmdline *cl, const char *path, sd_time now)
{
  sd_acks acks;
  sd_err err;
  sd_lock *lock;
  sd_buf out;
  char *dir = folder_of(path), *lockpath;
  int missing, rc = 3;
  sd_err_clear(&err);
  if(sd_mkdir_private(dir, &err) || sd_dir_private(dir, &err)) {
    sd_fail("will not write %s: %s.", path, err.msg);
    free(dir);
    return 3;
  }
  free(dir);
  lockpath = sd_xmalloc(strlen(path) + 6);
  sprintf(lockpath, "%s.lock", path);
  lock = sd_lock_acquire(lockpath, ACK_LOCK_WAIT_MS, &err);
  free(lockpath);
  if(!lock) {
    sd_fail("cannot lock %s: %s.", path, err.msg);
    return 3;
  }
  sd_acks_init(&acks);
  sd_buf_init(&out);
  if(read_acks(path, &acks, &missing, &err))
    sd_fail("%s cannot be used: %s; rename it and acknowledge again.",
            path, err.msg);
  else if((rc = change(cl, &acks, now, path)) == 0) {
    sd_acks_write(&acks, &out);
    if(sd_write_file_atomic(path, out.data, out.len, &err)) {
      sd_fail("cannot write %s: %s.", path, err.msg);
      rc = 3;
    }
  }
  sd_lock_release(lock);
  sd_buf_free(&out);
  sd_acks_free(&acks);
  return rc;
}

int sd_cmd_ack(sd_cmdline *cl)
{
  sd_acks acks;
  sd_err err;
  sd_time now = cl->as_of_set ? cl->as_of : sd_now();
  char *path;
  int missing, rc = 0;
  sd_err_clear(&err);
  path = sd_acks_path(cl, &err);
  if(!path) {
    sd_fail("cannot find the acknowledgements file: %s.", err.msg);
    return 3;
  }
  if(!cl->ack_list) {
    rc = update(cl, path, now);
    if(rc == 0 && !cl->quiet)
      sd_note("%s %s on %s in %s.", cl->ack_remove ? "removed the "
              "acknowledgement of" : "acknowledged", cl->code, cl->target,
              path);
    free(path);
    return rc;
  }
  sd_acks_init(&acks);
  if(read_acks(path, &acks, &missing, &err)) {
    sd_fail("%s cannot be used: %s.", path, err.msg);
    rc = 3;
  }
  else
    list_acks(&acks, path, now);
  sd_acks_free(&acks);
  free(path);
  return rc;
}
