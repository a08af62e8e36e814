/* summary.h - a module's fleet summary: the few typed values a fleet
 * needs of one host's module result (Exchange roles and build, the AD
 * values it read, the OCS product and pool, ...), digested from the
 * check's own findings by rules the module declares in its folder
 * (src/modules/<id>/summary.c, sd_summary_<cname>).
 *
 * The same rules make the summary of a module result (sd_report_finish:
 * the JSON report carries it, schema_version 3) and of a report of an
 * earlier schema read by fleet (from its findings' evidence), so the two
 * cannot drift apart, and the fleet reads summaries only: it knows no
 * finding code and no evidence key. */
#ifndef SRVDOCTOR_SUMMARY_H
#define SRVDOCTOR_SUMMARY_H

#include <stddef.h>

#include "srvdoctor/finding.h"

typedef enum sd_sum_kind {
  SD_SUM_VALUE = 0, /* the value of evidence ev_key (of a finding of code,
                       or of any finding when code is NULL); the first
                       rule of a key that finds one gives it */
  SD_SUM_CODE,      /* true when a finding of code is there */
  SD_SUM_HAS,       /* true when a finding of code (any: NULL) carries
                       evidence ev_key */
  SD_SUM_EQUALS     /* true when a finding of code carries evidence ev_key
                       with the text equals */
} sd_sum_kind;

typedef struct sd_sum_rule {
  const char *key;     /* the summary key: "roles", "prepare_schema" */
  sd_sum_kind kind;
  const char *code;    /* the finding code read, NULL: any of the module */
  const char *ev_key;  /* SD_SUM_VALUE, SD_SUM_HAS, SD_SUM_EQUALS */
  const char *equals;  /* SD_SUM_EQUALS */
} sd_sum_rule;

/* Rules of one key stand together; a true/false key (SD_SUM_CODE, _HAS,
 * _EQUALS) is true when any of its rules holds, and is always written;
 * a value key only when a rule finds a value. */
typedef struct sd_sum_rules {
  const sd_sum_rule *rules;
  size_t nrules;
} sd_sum_rules;

/* The rules of a module (NULL when it declares none), from the module
 * table (src/modules/modules.def). */
const sd_sum_rules *sd_summary_rules_of(const char *module_id);

/* Digest findings f[0..nf) by rules into *out (items appended; strings
 * copied into a). */
void sd_summary_derive(const sd_sum_rules *rules, const sd_finding *f,
                       size_t nf, sd_arena *a, sd_evidence **out,
                       size_t *n, size_t *cap);

/* The value of key in a summary: its text (integers in decimal, true and
 * false as such), NULL when absent; and whether a key is true. */
const char *sd_summary_text(const sd_evidence *s, size_t n, const char *key,
                            sd_arena *a);
int sd_summary_true(const sd_evidence *s, size_t n, const char *key);

#endif
