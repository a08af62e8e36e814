/* options.c - the documented defaults of the checks' options (docs/usage.md
 * and each module page say the same): the one place they are written. */
#include "srvdoctor/module.h"

#include <string.h>

void sd_options_defaults(sd_options *o)
{
  memset(o, 0, sizeof(*o));
  o->stuck_after_min = 10;
  o->ws_ratio = 0.5;
  o->ws_floor_bytes = 64u * 1024u * 1024u;
  o->samples = 3;
  o->interval_ms = 1000;
  o->timeout_s = 60;
}
