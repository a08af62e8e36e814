/* snapshot_resave.c - test tool: load a snapshot and write it again, so a
 * test can prove that collect -> load -> save gives the same bytes.
 *   snapshot_resave IN OUT   (exit 0 when written, 1 when IN is refused) */
#include <stdio.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/snapshot.h"

int main(int argc, char **argv)
{
  sd_facts f;
  sd_err err;
  sd_buf out;
  int rc = 0;
  if(argc != 3) {
    fprintf(stderr, "usage: snapshot_resave IN OUT\n");
    return 2;
  }
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(sd_snapshot_read_file(argv[1], &f, &err)) {
    fprintf(stderr, "%s: %s\n", argv[1], err.msg);
    sd_facts_free(&f);
    return 1;
  }
  sd_buf_init(&out);
  sd_snapshot_write(&f, &out);
  if(sd_write_file_atomic(argv[2], out.data, out.len, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    rc = 1;
  }
  sd_buf_free(&out);
  sd_facts_free(&f);
  return rc;
}
