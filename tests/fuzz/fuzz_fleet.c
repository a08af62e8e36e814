/* fuzz_fleet.c - libFuzzer target for the fleet's report reader: any input
 * is refused with one sentence or read; what was read is summarised in all
 * three formats, and the JSON summary reads back with the strict reader. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/fleet.h"
#include "srvdoctor/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, int detail)
{
  sd_fleet fl;
  sd_err err;
  sd_buf out;
  sd_jreader *r;
  sd_jtoken t;
  int rc;
  sd_fleet_init(&fl, 1795000000, 26 * 3600);
  fl.keep_detail = detail;
  sd_err_clear(&err);
  rc = sd_fleet_add_report_mem(&fl, "fuzz.json", (const char *)data, size,
                               &err);
  if(rc < 0 && (!err.msg[0] || fl.nhosts))
    abort();
  if(rc >= 0 && err.msg[0])
    abort();
  /* A second copy: the newest-per-host logic runs on equal names. */
  if(rc == 0)
    sd_fleet_add_report_mem(&fl, "fuzz2.json", (const char *)data, size,
                            &err);
  sd_fleet_add_problem(&fl, "bad.json", "broken");
  sd_fleet_finish(&fl);
  sd_buf_init(&out);
  sd_fleet_json(&fl, &out);
  r = sd_jr_new_mem(out.data, out.len);
  do {
    if(sd_jr_next(r, &t))
      abort();
  } while(t.type != SD_JT_EOF);
  sd_jr_free(r);
  sd_buf_reset(&out);
  sd_fleet_text(&fl, &out);
  sd_buf_reset(&out);
  sd_fleet_html(&fl, &out);
  /* Whatever the report held, the page has its one script and no other
   * tag from the input. */
  {
    const char *p = strstr(out.data, "<script");
    if(!p || strstr(p + 1, "<script"))
      abort();
  }
  sd_buf_free(&out);
  sd_fleet_free(&fl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  one(data, size, 0);
  one(data, size, 1);
  return 0;
}
