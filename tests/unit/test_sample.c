/* test_sample.c - the bundled sample snapshot (docs/examples) shows every
 * module's findings, as the README promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdtest.h"

static void sample_shows_every_module(void **state)
{
  char path[4096];
  const char *src = getenv("SD_SRC");
  sd_facts f;
  sd_err err;
  sd_report rep;
  sd_buf json;
  static const char *const codes[] = {
    "EXCH-INTERIM-UPDATE", "AD-SCHEMA-PREP-NEEDED", "AD-ORG-PREP-NEEDED",
    "OCS-KB974571-FE-DOWN", "HV-VM-STUCK", "HOST-OK", "EXCH-SETUP-LOG-FAILED",
    "EXCH-FOREFRONT"};
  size_t i;
  (void)state;
  snprintf(path, sizeof(path), "%s/docs/examples/troubled-server.json",
           src ? src : "..");
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(sd_snapshot_read_file(path, &f, &err))
    fail_msg("%s: %s", path, err.msg);
  sdt_run(&f, NULL, NULL, &rep);
  for(i = 0; i < SD_COUNTOF(codes); i++)
    if(sdt_count(&rep, codes[i]) == 0)
      fail_msg("the sample does not show %s", codes[i]);
  assert_int_equal(sdt_count(&rep, "EXCH-INTERIM-UPDATE"), 2);
  assert_int_equal(rep.exit_code, 2);
  assert_int_equal(rep.nmodules, 4);
  for(i = 0; i < rep.nmodules; i++)
    assert_true(rep.modules[i].applicable);
  sd_buf_init(&json);
  sd_report_json(&rep, &json);
  assert_non_null(strstr(json.data, "\"status\": \"critical\""));
  sd_buf_free(&json);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(sample_shows_every_module),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
