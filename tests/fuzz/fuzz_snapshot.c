/* fuzz_snapshot.c - libFuzzer target for the snapshot reader: any input is
 * either refused with a positioned message or read; what was read writes,
 * re-reads and re-writes to the same bytes, and every check runs on it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/report.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input holds "srvdoctor" after a "tool" key (a report's header). */
static int memmem_tool(const uint8_t *data, size_t size)
{
  size_t i;
  int tool = 0;
  for(i = 0; i + 11 <= size; i++) {
    if(!memcmp(data + i, "\"tool\"", 6))
      tool = 1;
    else if(tool && !memcmp(data + i, "\"srvdoctor\"", 11))
      return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  sd_facts f, g;
  sd_err err;
  sd_buf w1, w2, rep_text;
  sd_report rep;
  sd_options o;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(sd_snapshot_read_mem((const char *)data, size, &f, &err)) {
    /* Refused with a position, or recognised as a whole srvdoctor report
     * (its "tool" object names srvdoctor: nothing to point at). */
    int report = !strncmp(err.msg, "this is a report;", 17) &&
                 memmem_tool(data, size);
    if(!report && (!strstr(err.msg, "line ") || !strstr(err.msg, "column ")))
      abort();
    sd_facts_free(&f);
    return 0;
  }
  sd_buf_init(&w1);
  sd_buf_init(&w2);
  sd_snapshot_write(&f, &w1);
  sd_facts_init(&g);
  if(sd_snapshot_read_mem(w1.data, w1.len, &g, &err))
    abort();
  sd_snapshot_write(&g, &w2);
  if(w1.len != w2.len || memcmp(w1.data, w2.data, w1.len))
    abort();
  /* Every check must cope with whatever a snapshot can hold. */
  sd_options_defaults(&o);
  sd_report_init(&rep, &f);
  sd_run_checks(&f, &o, NULL, 0, &rep);
  sd_buf_init(&rep_text);
  sd_report_json(&rep, &rep_text);
  sd_report_text(&rep, &(sd_report_style){1, 1, 0, 0, 0}, &rep_text);
  sd_buf_free(&rep_text);
  sd_report_free(&rep);
  sd_buf_free(&w1);
  sd_buf_free(&w2);
  sd_facts_free(&f);
  sd_facts_free(&g);
  return 0;
}
