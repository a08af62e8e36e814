/* runner.h - choosing modules and running their checks. */
#ifndef SRVDOCTOR_RUNNER_H
#define SRVDOCTOR_RUNNER_H

#include "srvdoctor/error.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

/* Parse "--only a,b" into module pointers (unknown ids are an error). */
int sd_parse_only(const char *list, const sd_module **out, size_t max,
                  size_t *count, sd_err *err);
/* The collectors the selected modules need (all modules when n == 0). */
unsigned sd_needs_of(const sd_module *const *mods, size_t n);
/* Run the host module plus the selected modules (all when nselected is 0)
 * and finish the report (statuses, exit code). */
void sd_run_checks(const sd_facts *f, const sd_options *o,
                   const sd_module *const *selected, size_t nselected,
                   sd_report *rep);

#endif
