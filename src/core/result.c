/* result.c - the report object: the results of every module of one run,
 * filled by the runner and read by the writers and by fix (report.h). */
#include "srvdoctor/report.h"
#include "srvdoctor/summary.h"

#include <stdlib.h>
#include <string.h>

void sd_report_init(sd_report *r, const sd_facts *facts)
{
  memset(r, 0, sizeof(*r));
  sd_arena_init(&r->arena);
  r->facts = facts;
  r->source = facts && facts->source ? facts->source : "live";
}

void sd_report_free(sd_report *r)
{
  size_t i, k;
  for(i = 0; i < r->nmodules; i++) {
    sd_module_result *m = &r->modules[i];
    for(k = 0; k < m->nfindings; k++) {
      free(m->findings[k].evidence);
      sd_finding_free_steps(&m->findings[k]);
    }
    free(m->findings);
    free(m->measures);
    for(k = 0; k < m->nseries; k++) {
      free(m->series[k].points);
      free(m->series[k].refs);
    }
    free(m->series);
    for(k = 0; k < m->nfamilies; k++)
      free(m->families[k].samples);
    free(m->families);
    free(m->rows);
    free(m->summary);
  }
  free(r->modules);
  sd_arena_free(&r->arena);
  memset(r, 0, sizeof(*r));
}

sd_module_result *sd_report_add_module(sd_report *r, const char *id,
                                       const char *title)
{
  sd_module_result *m;
  size_t cap = r->nmodules; /* exact growth: few modules */
  r->modules = sd_xrealloc(r->modules, (cap + 1) * sizeof(*m));
  m = &r->modules[r->nmodules++];
  memset(m, 0, sizeof(*m));
  m->id = sd_arena_strdup(&r->arena, id);
  m->title = sd_arena_strdup(&r->arena, title);
  m->arena = &r->arena;
  return m;
}

void sd_report_finish(sd_report *r)
{
  size_t i;
  r->status = SD_SEV_OK;
  for(i = 0; i < r->nmodules; i++) {
    sd_module_result *m = &r->modules[i];
    sd_result_finish(m);
    m->nsummary = 0;
    sd_summary_derive(sd_summary_rules_of(m->id), m->findings, m->nfindings,
                      m->arena, &m->summary, &m->nsummary, &m->cap_summary);
    r->status = sd_severity_worst(r->status, m->status);
  }
  r->exit_code = sd_severity_exit_code(r->status);
}
