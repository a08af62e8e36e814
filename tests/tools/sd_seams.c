/* sd_seams.c - test program (never shipped): runs srvdoctor's own code with
 * one thing changed that a test cannot change from outside, so that the
 * shipped srvdoctor reads no test variable at all.
 *
 *   sd_seams stall-write MS ARGS...
 *       srvdoctor ARGS..., with every atomic file write pausing MS
 *       milliseconds halfway, so a test can kill the writer in the middle
 *       of a write or make two runs overlap.  This program is linked with
 *       --wrap=sd_write_file_atomic (CMakeLists.txt): each call srvdoctor's
 *       code makes reaches __wrap_sd_write_file_atomic below, which writes
 *       through sd_write_file_atomic_paced with a pause between the two
 *       halves.  The shipped program has no such switch: it always writes
 *       without a pause.
 *   sd_seams fix-facts SNAPSHOT fix ARGS...  (acts on Windows only)
 *       srvdoctor fix ARGS..., planning from SNAPSHOT instead of the live
 *       facts: the injected sd_fix_ops collect is replaced, every other
 *       operation (the checks on the process handle, the actions, the event
 *       log) is the real one.  Wine never reuses a process ID on demand, so
 *       this is how a test hands the fix a stale one.
 *
 * Exit code: srvdoctor's, or 3 for a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "tool.h"

#include "srvdoctor/snapshot.h"

/* stall-write: the pause, in milliseconds (0: none, as in srvdoctor). */
static unsigned stall_ms;

static void stall(void *ctx)
{
  (void)ctx;
  sd_sleep_ms(stall_ms);
}

/* The linker sends every call of sd_write_file_atomic here. */
int __wrap_sd_write_file_atomic(const char *path, const char *data,
                                size_t len, sd_err *err);
int __wrap_sd_write_file_atomic(const char *path, const char *data,
                                size_t len, sd_err *err)
{
  sd_write_pace pace;
  pace.between = stall;
  pace.ctx = NULL;
  return sd_write_file_atomic_paced(path, data, len,
                                    stall_ms ? &pace : NULL, err);
}

static int snapshot_collect(void *ctx, sd_facts *f, unsigned needs,
                            const sd_options *o, sd_err *err)
{
  (void)needs;
  (void)o;
  return sd_snapshot_read_file((const char *)ctx, f, err);
}

static int fix_facts(const char *snapshot, int argc, char **argv)
{
  sd_cmdline cl;
  sd_fix_request rq;
  sd_fix_machine m;
  sd_fix_ops ops;
  sd_err err;
  int rc;
  sd_err_clear(&err);
  if(sd_parse_args(argc, argv, &cl, &err)) {
    fprintf(stderr, "sd_seams: %s.\n", err.msg);
    return 3;
  }
  if(cl.cmd != SD_CMD_FIX) {
    fprintf(stderr, "sd_seams: fix-facts runs the fix command only.\n");
    return 3;
  }
  rc = sd_fix_prepare(&cl, &rq, &m, &ops);
  if(rc)
    return rc;
  fprintf(stderr, "sd_seams: the fix plans from %s, not from this "
          "machine.\n", snapshot);
  ops.ctx = (void *)snapshot;
  ops.collect = snapshot_collect;
  rc = sd_fix_run(&rq, &ops);
  sd_fix_machine_free(&m);
  return rc;
}

static int usage(void)
{
  fprintf(stderr, "usage: sd_seams stall-write MS ARGS...\n"
                  "       sd_seams fix-facts SNAPSHOT fix ARGS...\n");
  return 3;
}

int main(int argc, char **argv)
{
  char *end;
  long ms;
  if(argc < 3)
    return usage();
  if(!strcmp(argv[1], "stall-write")) {
    ms = strtol(argv[2], &end, 10);
    if(*end || ms <= 0 || ms > 600000)
      return usage();
    stall_ms = (unsigned)ms;
    /* argv[2] stands in for the program name. */
    return sd_tool_main(argc - 2, argv + 2);
  }
  if(!strcmp(argv[1], "fix-facts"))
    return fix_facts(argv[2], argc - 2, argv + 2);
  return usage();
}
