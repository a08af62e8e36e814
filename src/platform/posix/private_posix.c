/* private_posix.c - who runs srvdoctor, and folders only the superuser
 * and the running user may write to (see private_win32.c). */
#define _POSIX_C_SOURCE 200809L
#include "srvdoctor/platform.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sd_current_user(void)
{
  struct passwd *pw = getpwuid(geteuid());
  const char *env;
  char uid[32];
  if(pw && pw->pw_name && *pw->pw_name)
    return sd_xstrdup(pw->pw_name);
  env = getenv("USER");
  if(env && *env)
    return sd_xstrdup(env);
  snprintf(uid, sizeof(uid), "uid %lu", (unsigned long)geteuid());
  return sd_xstrdup(uid);
}

int sd_dir_private(const char *dir, sd_err *err)
{
  struct stat st;
  const char *who = NULL;
  if(stat(dir, &st)) {
    int e = errno;
    sd_err_set(err, e == ENOENT ? SD_ENOENT : SD_EIO, "cannot read the "
               "permissions of %s: %s", dir, strerror(e));
    return -1;
  }
  if(!S_ISDIR(st.st_mode)) {
    sd_err_set(err, SD_EINVAL, "%s is not a folder", dir);
    return -1;
  }
  if(st.st_mode & S_IWOTH)
    who = "every user";
  else if((st.st_mode & S_IWGRP) && st.st_gid != 0)
    who = "the members of its group";
  else if(st.st_uid != 0 && st.st_uid != geteuid())
    who = "its owner, another user,";
  if(!who)
    return 0;
  sd_err_set(err, SD_EACCES, "%s may create or replace files in %s, and "
             "only the superuser or you may; limit it with: chmod go-w "
             "\"%s\"", who, dir, dir);
  return -1;
}

int sd_mkdir_private(const char *dir, sd_err *err)
{
  return sd_mkdir_p(dir, err);
}
