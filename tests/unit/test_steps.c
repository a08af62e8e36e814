/* test_steps.c - the literal reader: for every finding of every snapshot
 * fixture (and the bundled sample), walk the remediation steps top to
 * bottom as a helpdesk user copying them would, and check that doing so
 * cannot lead to the destructive last resort first:
 *
 *   - every step is classified (look, change or last resort);
 *   - the first step that changes anything comes after a look step;
 *   - every last resort has a condition that names an earlier step, and
 *     comes after the finding's first change step when it has one;
 *   - no command holds a <placeholder>, and no step quotes a padded line
 *     of sc output that real output does not match;
 *   - the command fix runs appears in exactly the steps fix names, and in
 *     no other step.
 *
 * Plus the step model's own builders and renderers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>

#include "sdtest.h"

typedef struct walk_stats {
  size_t snapshots, findings, steps, alternatives, commands, looks, changes,
         last_resorts, fixable;
} walk_stats;

static walk_stats stats;

/* "<name>" or "<CMS name>": a placeholder a reader cannot paste. */
static int has_placeholder(const char *s)
{
  const char *lt;
  for(lt = strchr(s, '<'); lt; lt = strchr(lt + 1, '<')) {
    const char *gt = strchr(lt, '>');
    if(gt && gt > lt + 1 && isalpha((unsigned char)lt[1]))
      return 1;
  }
  return 0;
}

/* The highest step number "step N" names in a condition, 0 when none. */
static unsigned named_step(const char *cond)
{
  unsigned best = 0;
  const char *p = cond;
  while((p = strstr(p, "step")) != NULL) {
    p += 4;
    if(*p == 's')
      p++;
    while(*p == ' ')
      p++;
    while(isdigit((unsigned char)*p)) {
      unsigned v = (unsigned)strtoul(p, (char **)&p, 10);
      if(v > best)
        best = v;
      while(*p == ' ' || *p == ',' || *p == '-' || !strncmp(p, "and ", 4) ||
            !strncmp(p, "or ", 3))
        p += !strncmp(p, "and ", 4) ? 4 : !strncmp(p, "or ", 3) ? 3 : 1;
    }
  }
  return best;
}

static void check_step_order(const char *fx, const sd_finding *x)
{
  size_t i;
  unsigned first_look = 0, first_change = 0, first_last = 0;
  for(i = 0; i < x->nsteps; i++) {
    const sd_step *sp = &x->steps[i];
    size_t k;
    if(sp->kind == SD_STEP_UNSET)
      fail_msg("%s: %s step %u is not classified: %s", fx, x->code,
               sp->number, sp->text);
    stats.steps++;
    stats.alternatives += sp->alternative != 0;
    stats.looks += sp->kind == SD_STEP_LOOK;
    stats.changes += sp->kind == SD_STEP_CHANGE;
    stats.last_resorts += sp->kind == SD_STEP_LAST_RESORT;
    for(k = 0; k < sp->ncommands; k++) {
      stats.commands++;
      if(has_placeholder(sp->commands[k]))
        fail_msg("%s: %s step %u has a placeholder: %s", fx, x->code,
                 sp->number, sp->commands[k]);
    }
    if(strstr(sp->text, "STATE : ") ||
       (sp->expect && strstr(sp->expect, "STATE : ")))
      fail_msg("%s: %s step %u quotes a padded sc line", fx, x->code,
               sp->number);
    if(sp->kind == SD_STEP_LOOK && !first_look)
      first_look = sp->number;
    if(sp->kind == SD_STEP_CHANGE && !first_change)
      first_change = sp->number;
    if(sp->kind == SD_STEP_LAST_RESORT) {
      unsigned named = sp->condition ? named_step(sp->condition) : 0;
      if(!first_last)
        first_last = sp->number;
      if(!sp->condition)
        fail_msg("%s: %s step %u is a last resort without a condition", fx,
                 x->code, sp->number);
      if(!named || named >= sp->number)
        fail_msg("%s: %s step %u: its condition \"%s\" names no earlier "
                 "step", fx, x->code, sp->number, sp->condition);
    }
  }
  if((first_change || first_last) &&
     (!first_look || first_look > (first_change ? first_change : first_last)))
    fail_msg("%s: %s changes the server before a look step", fx, x->code);
  if(first_change && first_last && first_last < first_change)
    fail_msg("%s: %s offers the last resort (step %u) before the gentler "
             "change (step %u)", fx, x->code, first_last, first_change);
}

/* The command fix runs is printed in the steps fix names, and only there. */
static void check_fix_steps(const char *fx, const sd_finding *x)
{
  sd_buf cmd;
  size_t i, k, inside = 0, outside = 0;
  if(!x->fixable)
    return;
  stats.fixable++;
  if(!x->fix_first || x->fix_last < x->fix_first)
    fail_msg("%s: %s is fixable but names no step fix carries out", fx,
             x->code);
  sd_buf_init(&cmd);
  sd_action_command(&x->action, &cmd);
  for(i = 0; i < x->nsteps; i++) {
    const sd_step *sp = &x->steps[i];
    for(k = 0; k < sp->ncommands; k++) {
      if(strcmp(sp->commands[k], cmd.data))
        continue;
      if(sp->number >= x->fix_first && sp->number <= x->fix_last)
        inside++;
      else
        outside++;
    }
  }
  if(inside != 1 || outside)
    fail_msg("%s: %s: fix runs \"%s\", printed %lu times in steps %u-%u and "
             "%lu times elsewhere", fx, x->code, cmd.data,
             (unsigned long)inside, x->fix_first, x->fix_last,
             (unsigned long)outside);
  /* The printed offer works as pasted: --force where fix wants it. */
  if(!sd_code_find(x->code) ||
     !(sd_code_find(x->code)->fixable & SD_FIX_FORCE) != !x->fix_force)
    fail_msg("%s: %s: the fix offer %s --force but fix %s it", fx, x->code,
             x->fix_force ? "has" : "lacks",
             x->fix_force ? "does not want" : "wants");
  if(sd_fix_gravest(x) == SD_STEP_LAST_RESORT && !x->fix_warning)
    fail_msg("%s: %s: fix does a last resort with no warning", fx, x->code);
  sd_buf_free(&cmd);
}

static void test_literal_reader(void **state)
{
  char **names;
  size_t n, i, m, k, cap;
  (void)state;
  memset(&stats, 0, sizeof(stats));
  n = sdt_list_snapshots(&names);
  cap = n; /* the sample is not below tests/fixtures: add it */
  names = sd_grow(names, &cap, n, sizeof(*names));
  names[n++] = sd_xstrdup("../../docs/examples/troubled-server.json");
  assert_true(n > 60);
  for(i = 0; i < n; i++) {
    sd_facts f;
    sd_report rep;
    sdt_load(names[i], &f);
    sdt_run(&f, NULL, NULL, &rep);
    stats.snapshots++;
    for(m = 0; m < rep.nmodules; m++)
      for(k = 0; k < rep.modules[m].nfindings; k++) {
        const sd_finding *x = &rep.modules[m].findings[k];
        stats.findings++;
        check_step_order(names[i], x);
        check_fix_steps(names[i], x);
      }
    sd_report_free(&rep);
    sd_facts_free(&f);
    free(names[i]);
  }
  free(names);
  print_message("literal reader: %lu snapshots, %lu findings, %lu steps "
                "(%lu alternatives; %lu look, %lu change, %lu last resort), "
                "%lu commands, %lu fixable findings\n",
                (unsigned long)stats.snapshots, (unsigned long)stats.findings,
                (unsigned long)stats.steps, (unsigned long)stats.alternatives,
                (unsigned long)stats.looks, (unsigned long)stats.changes,
                (unsigned long)stats.last_resorts,
                (unsigned long)stats.commands, (unsigned long)stats.fixable);
  assert_true(stats.last_resorts > 0);
  assert_true(stats.fixable > 0);
}

/* The walk itself catches what it is for: a last resort first, one with
 * no condition, a placeholder, a fix command outside its step. */
static void test_literal_reader_catches(void **state)
{
  sd_report rep;
  sd_module_result *r;
  sd_finding *x;
  (void)state;
  sd_report_init(&rep, NULL);
  r = sd_report_add_module(&rep, "test", "test");
  x = sd_result_add(r, "T-1", SD_SEV_CRITICAL, "t");
  sd_step_add(r, x, SD_STEP_LOOK, "Look.");
  sd_step_add(r, x, SD_STEP_CHANGE, "Change.");
  sd_step_cmd(r, x, "net start RTCSRV");
  sd_step_add(r, x, SD_STEP_LAST_RESORT, "Restart.");
  sd_step_when(r, x, "Only if step %u did not show RUNNING", 2u);
  sd_step_cmd(r, x, "shutdown /r /t 0");
  assert_int_equal(named_step(x->steps[2].condition), 2);
  check_step_order("built", x); /* passes */
  assert_int_equal(x->steps[2].number, 3);
  assert_int_equal(sd_finding_ncommands(x), 2);
  assert_string_equal(sd_finding_command(x, 1), "shutdown /r /t 0");
  assert_true(has_placeholder("Move-ClusteredMailboxServer -Identity "
                              "<CMS name>"));
  assert_false(has_placeholder("dir > out.txt"));
  assert_int_equal(named_step("Only if steps 4 and 6 failed"), 6);
  assert_int_equal(named_step("Only at night"), 0);
  sd_report_free(&rep);
}

static void test_alternative_keeps_number(void **state)
{
  sd_report rep;
  sd_module_result *r;
  sd_finding *x;
  sd_buf out;
  sd_report_style st;
  (void)state;
  sd_report_init(&rep, NULL);
  r = sd_report_add_module(&rep, "test", "test");
  x = sd_result_add(r, "T-1", SD_SEV_CRITICAL, "t");
  sd_step_add(r, x, SD_STEP_LOOK, "Look.");
  sd_step_add(r, x, SD_STEP_CHANGE, "Uninstall it with this command:");
  sd_step_cmd(r, x, "msiexec /i {A} MSIPATCHREMOVE={B} /qb /norestart");
  sd_step_alt(r, x, SD_STEP_CHANGE, "Or use Control Panel.");
  sd_step_add(r, x, SD_STEP_LOOK, "Run srvdoctor again.");
  assert_int_equal(x->steps[2].number, 2);
  assert_true(x->steps[2].alternative);
  assert_int_equal(x->steps[3].number, 3);
  sd_report_finish(&rep);
  memset(&st, 0, sizeof(st));
  sd_buf_init(&out);
  sd_report_render(&rep, SD_FMT_TEXT, &st, &out);
  assert_non_null(strstr(out.data, "      2. [change] Uninstall it"));
  assert_non_null(strstr(out.data, "\n           msiexec /i {A}"));
  assert_non_null(strstr(out.data, "      Or: [change] Or use Control"));
  assert_non_null(strstr(out.data, "      3. [read-only] Run srvdoctor"));
  assert_null(strstr(out.data, "Commands:"));
  out.len = 0;
  sd_report_render(&rep, SD_FMT_JSON, &st, &out);
  {
    const char *two = strstr(out.data, "\"number\": 2");
    const char *alt = strstr(out.data, "\"Or use Control Panel.\"");
    const char *three = strstr(out.data, "\"number\": 3");
    assert_true(two && alt && three && two < alt && alt < three);
    assert_true(strstr(two, "\"alternatives\"") < alt);
  }
  sd_buf_free(&out);
  sd_report_free(&rep);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_literal_reader_catches),
    cmocka_unit_test(test_alternative_keeps_number),
    cmocka_unit_test(test_literal_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
