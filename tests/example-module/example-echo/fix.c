/* fix.c - the example module's fix hook: the greeting is said by the
 * finding's own action. */
#include "srvdoctor/fix.h"

static int ex_plan(const sd_facts *f, const sd_finding *x,
                   const sd_fix_paths *paths, sd_arena *a, sd_fix_plan *p,
                   sd_err *why)
{
  if(!f->example.greeting || !sd_streq(f->example.greeting, x->target)) {
    sd_err_set(why, SD_EINVAL, "the greeting is no longer \"%s\"",
               x->target);
    return -1;
  }
  if(sd_fix_take_program(x, paths, a, p, why))
    return -1;
  p->what = "Say the greeting once with cmd.exe.";
  return 0;
}

const sd_fix_hook sd_fix_hook_example_echo = {
  NULL, NULL, NULL, ex_plan, NULL, NULL, NULL};
