/* fix_helpers.c - what the modules' fix hooks share (src/modules/<id>/
 * fix.c): KB numbers, evidence values, and the action's program resolved
 * under this machine's folders.  Portable, no system calls. */
#include <string.h>

#include "srvdoctor/fix.h"

const char *sd_fix_ev_str(const sd_finding *x, const char *key)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_STR && e->str && *e->str ? e->str : NULL;
}

int64_t sd_fix_ev_int(const sd_finding *x, const char *key, int64_t dflt)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_INT ? e->num : dflt;
}

int sd_fix_ev_bool(const sd_finding *x, const char *key)
{
  const sd_evidence *e = sd_finding_evidence(x, key);
  return e && e->type == SD_EV_BOOL && e->num;
}

/* ---- programs ---- */

/* Every program, argument and identity comes from the fresh finding's
 * action (the check wrote it, and the finding's printed command is
 * rendered from it).  What is left here: the refusals that look at the
 * fresh facts, and resolving the program against this machine's folders. */

/* Characters of a CBS package identity: letters, digits and _~.- only, so
 * that nothing in it can change the meaning of the command line. */
int sd_fix_identity_safe(const char *s)
{
  size_t n = 0;
  if(!s || !*s)
    return 0;
  for(; *s; s++, n++) {
    char c = *s;
    if(!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '~' || c == '.' ||
         c == '-'))
      return 0;
  }
  return n < 200;
}

/* A program path relative to its base folder: no drive, no leading
 * separator, no ".." part, no quote. */
static int relative_safe(const char *s)
{
  const char *p;
  if(!s || !*s || *s == '\\' || *s == '/' || strpbrk(s, ":\"%"))
    return 0;
  for(p = s; *p;) {
    size_t n = 0;
    while(p[n] && p[n] != '\\' && p[n] != '/')
      n++;
    if(n == 2 && p[0] == '.' && p[1] == '.')
      return 0;
    p += n;
    if(*p)
      p++;
  }
  return 1;
}

const char *sd_fix_resolve_program(const sd_action *act,
                                   const sd_fix_paths *paths, sd_arena *a,
                                   sd_err *why)
{
  const char *dir = act->base == SD_BASE_WINDOWS ? paths->windows_dir
                                                 : paths->system_dir;
  if(!relative_safe(act->program)) {
    sd_err_set(why, SD_EINVAL, "the finding's action names the program "
               "\"%.80s\", which is not a path inside the Windows folder; "
               "srvdoctor will not start it", sd_str_or(act->program, ""));
    return NULL;
  }
  return sd_arena_printf(a, "%s\\%s", dir, act->program);
}

int sd_fix_take_program(const sd_finding *x, const sd_fix_paths *paths,
                        sd_arena *a, sd_fix_plan *p, sd_err *why)
{
  const sd_action *act = &x->action;
  size_t i;
  p->program = sd_fix_resolve_program(act, paths, a, why);
  if(!p->program)
    return -1;
  if(act->nargs > SD_FIX_MAX_ARGS) {
    sd_err_set(why, SD_EINVAL, "the finding's action has %lu arguments, "
               "more than srvdoctor passes on", (unsigned long)act->nargs);
    return -1;
  }
  for(i = 0; i < act->nargs; i++)
    p->args[i] = act->args[i];
  p->nargs = act->nargs;
  return 0;
}
