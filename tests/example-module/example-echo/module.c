/* module.c - the example-echo module: its code table, its option and its
 * check.  A greeting that is set is reported (a warning), with a step
 * that echoes it and an action srvdoctor fix can carry out.  (Options:
 * a module declares them in its descriptor, sd_optdef; this one has
 * none.) */
#include "srvdoctor/module.h"

#define MOD "example-echo"

static const sd_code_info ex_codes[] = {
  {"EX-GREETING", MOD, SD_SEV_WARNING, "This machine keeps a greeting",
   SD_FIX_YES},
  {"EX-NONE", MOD, SD_SEV_OK, "This machine keeps no greeting", 0},
  {"EX-UNKNOWN", MOD, SD_SEV_UNKNOWN, "The greeting could not be read", 0},
};

static const sd_measure ex_measure = {
  "example_greetings", "greetings", "Greetings this machine keeps.",
  SD_UNIT_COUNT, 0, 0, "0", NULL};

static void greeting(const sd_facts *f, sd_module_result *r)
{
  sd_finding *x = sd_result_code(r, ex_codes, SD_COUNTOF(ex_codes),
                                 "EX-GREETING");
  sd_action *a;
  sd_finding_msg(r, x, "The greeting is \"%s\".", f->example.greeting);
  sd_ev_str(r, x, "greeting", f->example.greeting);
  sd_fix_summary(r, x, "Say the greeting once.");
  sd_step_add(r, x, SD_STEP_LOOK, "Read the greeting in the report.");
  sd_step_add(r, x, SD_STEP_CHANGE, "Say it at a command prompt:");
  a = sd_finding_action(r, x, SD_ACT_RUN_PROGRAM);
  a->base = SD_BASE_SYSTEM;
  a->program = "cmd.exe";
  sd_action_arg(r, a, "/c");
  sd_action_arg(r, a, "echo");
  sd_action_arg(r, a, f->example.greeting);
  sd_fix_target(r, x, f->example.greeting);
  sd_fix_steps(r, x, 2, 2, NULL);
}

static void ex_check(const sd_facts *f, const sd_options *o,
                     sd_module_result *r)
{
  const sd_fstate *st = &f->example.st;
  (void)o;
  r->applicable = 1;
  if(st->state == SD_ST_READ && f->example.greeting) {
    greeting(f, r);
    sd_result_measure(r, &ex_measure, 1, 1);
  }
  else if(st->state == SD_ST_ABSENT) {
    sd_result_code(r, ex_codes, SD_COUNTOF(ex_codes), "EX-NONE");
    sd_result_measure(r, &ex_measure, 1, 0);
  }
  else {
    sd_finding *x = sd_result_code(r, ex_codes, SD_COUNTOF(ex_codes),
                                   "EX-UNKNOWN");
    sd_finding_msg(r, x, "The greeting could not be read: %s.",
                   sd_str_or(st->why, sd_state_name(st->state)));
    sd_result_measure(r, &ex_measure, 0, 0);
  }
}

const sd_module sd_module_example_echo = {
  MOD, "Example: a greeting", SD_NEED_MODULE(example_echo), ex_check,
  ex_codes, SD_COUNTOF(ex_codes), NULL, 0, NULL};
