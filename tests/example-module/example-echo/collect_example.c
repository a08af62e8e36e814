/* collect_example.c - the example module's live collector (Windows): the
 * greeting is the value Greeting of HKLM\SOFTWARE\srvdoctor-example. */
#include "collect_win32.h"

static void ex_collect(sd_facts *f, const sd_options *o)
{
  (void)o;
  sd_reg_str(f, HKEY_LOCAL_MACHINE, "SOFTWARE\\srvdoctor-example",
             "Greeting", &f->example.greeting, &f->example.st);
}

const sd_collector sd_collector_example_echo = {
  NULL, 0, NULL, 0, NULL, 0, ex_collect};
