/* collect.h - live collection of facts from this machine. */
#ifndef SRVDOCTOR_COLLECT_H
#define SRVDOCTOR_COLLECT_H

#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/module.h"

/* Gather the facts the SD_NEED_* bits ask for.  Each item records whether
 * it was read; a failure to read one item is not an error of the run.
 * Returns -1 (SD_ENOTSUP) only when live collection is impossible here. */
int sd_collect_live(sd_facts *f, unsigned needs, const sd_options *o,
                    sd_err *err);

#endif
