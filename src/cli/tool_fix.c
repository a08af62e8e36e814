/* tool_fix.c - the fix command: the request from the command line, the
 * machine's operations from the fix layer (src/fix/), the console output
 * from here, then the portable flow sd_fix_run. */
#include <string.h>

#include "tool.h"

static void fix_print(void *ctx, const char *text)
{
  (void)ctx;
  sd_outs(text);
}

static void fix_error(void *ctx, const char *text)
{
  (void)ctx;
  sd_fail("%s", text);
}

int sd_fix_prepare(const sd_cmdline *cl, sd_fix_request *rq,
                   sd_fix_machine *m, sd_fix_ops *ops)
{
  sd_err err;
  if(cl->from || cl->output) {
    sd_fail("fix acts on this machine as it is now: it takes no --from or "
            "--output.");
    return 3;
  }
  memset(ops, 0, sizeof(*ops));
  memset(m, 0, sizeof(*m));
  sd_err_clear(&err);
  if(sd_fix_machine_init(m, ops, &err)) {
    sd_fail("%s.", err.msg);
    return 3;
  }
  ops->print = fix_print;
  ops->error = fix_error;
  memset(rq, 0, sizeof(*rq));
  rq->code = cl->code;
  rq->target = cl->target;
  rq->yes = cl->yes;
  rq->force = cl->force;
  rq->opt = cl->opt;
  return 0;
}

int sd_cmd_fix(sd_cmdline *cl)
{
  sd_fix_request rq;
  sd_fix_machine m;
  sd_fix_ops ops;
  int rc = sd_fix_prepare(cl, &rq, &m, &ops);
  if(rc)
    return rc;
  rc = sd_fix_run(&rq, &ops);
  sd_fix_machine_free(&m);
  return rc;
}
