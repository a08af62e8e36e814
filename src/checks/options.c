/* options.c - the options that tune checks: the run's defaults, and each
 * module's options as its descriptor declares them (sd_optdef: name,
 * range, default), so that a module's options need no change outside its
 * folder.  docs/usage.md and each module page say the same defaults. */
#include "srvdoctor/module.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The member an option names (T as one word: clang refuses "const
 * const char *"). */
typedef const char *cstr;
#define AT(o, d, T) ((T *)(void *)((char *)(o) + (d)->off))
#define AT_C(o, d, T) ((const T *)(const void *)((const char *)(o) + (d)->off))

static void set_default(sd_options *o, const sd_optdef *d)
{
  if(d->kind == SD_OPT_INT)
    *AT(o, d, int) = (int)d->dflt;
  else if(d->kind == SD_OPT_RATIO)
    *AT(o, d, double) = d->dflt;
  else if(d->kind == SD_OPT_BYTES)
    *AT(o, d, uint64_t) = (uint64_t)d->dflt;
  else
    *AT(o, d, cstr) = NULL;
}

void sd_options_defaults(sd_options *o)
{
  size_t n, i, k;
  const sd_module *const *mods = sd_modules(&n);
  memset(o, 0, sizeof(*o));
  o->timeout_s = 60;
  for(i = 0; i < n; i++)
    for(k = 0; k < mods[i]->nopts; k++)
      set_default(o, &mods[i]->opts[k]);
}

const sd_optdef *sd_module_option(const char *name, size_t n)
{
  size_t nm, i, k;
  const sd_module *const *mods = sd_modules(&nm);
  for(i = 0; i < nm; i++)
    for(k = 0; k < mods[i]->nopts; k++) {
      const sd_optdef *d = &mods[i]->opts[k];
      if(d->name && strlen(d->name) == n && sd_strnieq(d->name, name, n))
        return d;
    }
  return NULL;
}

int sd_option_set(sd_options *o, const sd_optdef *d, const char *val,
                  sd_err *err)
{
  char *end;
  errno = 0;
  if(d->kind == SD_OPT_INT) {
    long v = strtol(val, &end, 10);
    if(errno || end == val || *end || v < d->lo || v > d->hi) {
      sd_err_set(err, SD_EINVAL, "--%s takes a whole number from %ld to %ld, "
                 "not \"%s\"", d->name, d->lo, d->hi, val);
      return -1;
    }
    *AT(o, d, int) = (int)v;
  }
  else if(d->kind == SD_OPT_RATIO) {
    double v = strtod(val, &end);
    if(errno || end == val || *end || !(v > 0.0 && v < 1.0)) {
      sd_err_set(err, SD_EINVAL, "--%s takes a number between 0 and 1 (for "
                 "example 0.5), not \"%s\"", d->name, val);
      return -1;
    }
    *AT(o, d, double) = v;
  }
  else
    *AT(o, d, cstr) = val;
  return 0;
}

void sd_options_nondefault(const sd_options *o, sd_buf *out)
{
  size_t nm, i, k;
  const sd_module *const *mods = sd_modules(&nm);
  for(i = 0; i < nm; i++)
    for(k = 0; k < mods[i]->nopts; k++) {
      const sd_optdef *d = &mods[i]->opts[k];
      if(!d->name)
        continue;
      if(d->kind == SD_OPT_INT && *AT_C(o, d, int) != (int)d->dflt)
        sd_buf_printf(out, " --%s %d", d->name, *AT_C(o, d, int));
      else if(d->kind == SD_OPT_RATIO && *AT_C(o, d, double) != d->dflt)
        sd_buf_printf(out, " --%s %g", d->name, *AT_C(o, d, double));
      else if(d->kind == SD_OPT_STR && *AT_C(o, d, cstr))
        sd_buf_printf(out, " --%s %s", d->name, *AT_C(o, d, cstr));
    }
}

const sd_optdef *sd_options_live_only_set(const sd_options *o)
{
  size_t nm, i, k;
  const sd_module *const *mods = sd_modules(&nm);
  for(i = 0; i < nm; i++)
    for(k = 0; k < mods[i]->nopts; k++) {
      const sd_optdef *d = &mods[i]->opts[k];
      if(d->live_only && d->kind == SD_OPT_STR && *AT_C(o, d, cstr))
        return d;
    }
  return NULL;
}
