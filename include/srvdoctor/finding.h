/* finding.h - what a check says: findings with evidence and remediation. */
#ifndef SRVDOCTOR_FINDING_H
#define SRVDOCTOR_FINDING_H

#include <stdint.h>

#include "srvdoctor/base.h"

/* Ranked for "most severe": ok = info < unknown < warning < critical. */
typedef enum sd_severity {
  SD_SEV_OK = 0,
  SD_SEV_INFO,
  SD_SEV_UNKNOWN,
  SD_SEV_WARNING,
  SD_SEV_CRITICAL
} sd_severity;

const char *sd_severity_name(sd_severity s); /* "ok", "info", ... */
int sd_severity_parse(const char *s, sd_severity *out);
int sd_severity_rank(sd_severity s);   /* ok and info share rank 0 */
int sd_severity_exit_code(sd_severity s); /* 0, 0, 3, 1, 2 */
sd_severity sd_severity_worst(sd_severity a, sd_severity b);

typedef enum sd_ev_type { SD_EV_STR, SD_EV_INT, SD_EV_BOOL } sd_ev_type;

typedef struct sd_evidence {
  const char *key;
  sd_ev_type type;
  const char *str;
  int64_t num; /* SD_EV_INT value or SD_EV_BOOL 0/1 */
} sd_evidence;

typedef struct sd_finding {
  const char *code;     /* "EXCH-INTERIM-UPDATE" */
  sd_severity severity;
  const char *title;
  const char *message;  /* one or two sentences about this machine */
  sd_evidence *evidence;
  size_t nevidence, cap_evidence;
  const char *summary;  /* remediation summary, may be NULL for ok */
  const char **steps;
  size_t nsteps, cap_steps;
  const char **commands;
  size_t ncommands, cap_commands;
  int fixable;          /* srvdoctor fix can carry it out */
  const char *target;   /* what `fix --target` names (GUID, patch code, KB) */
} sd_finding;

/* The result of one module. */
typedef struct sd_module_result {
  const char *id;
  const char *title;
  int applicable;
  sd_severity status;   /* computed by sd_result_finish */
  sd_finding *findings;
  size_t nfindings, cap_findings;
  sd_arena *arena;      /* where strings live (the report's arena) */
} sd_module_result;

/* Builders: every string is copied into the result's arena.  The printf
 * forms return the finding for chaining convenience. */
sd_finding *sd_result_add(sd_module_result *r, const char *code,
                          sd_severity sev, const char *title);
void sd_finding_msg(sd_module_result *r, sd_finding *f, const char *fmt, ...) SD_PRINTF(3, 4);
void sd_ev_str(sd_module_result *r, sd_finding *f, const char *key, const char *val);
void sd_ev_strf(sd_module_result *r, sd_finding *f, const char *key, const char *fmt, ...) SD_PRINTF(4, 5);
void sd_ev_int(sd_module_result *r, sd_finding *f, const char *key, int64_t v);
void sd_ev_bool(sd_module_result *r, sd_finding *f, const char *key, int v);
void sd_fix_summary(sd_module_result *r, sd_finding *f, const char *fmt, ...) SD_PRINTF(3, 4);
void sd_fix_step(sd_module_result *r, sd_finding *f, const char *fmt, ...) SD_PRINTF(3, 4);
void sd_fix_cmd(sd_module_result *r, sd_finding *f, const char *fmt, ...) SD_PRINTF(3, 4);
void sd_fix_target(sd_module_result *r, sd_finding *f, const char *target);
/* Sort findings most severe first (stable) and set r->status. */
void sd_result_finish(sd_module_result *r);
const sd_evidence *sd_finding_evidence(const sd_finding *f, const char *key);

/* The catalogue of finding codes (for list/explain/docs consistency). */
typedef struct sd_code_info {
  const char *code;
  const char *module;   /* module id, or "host" */
  sd_severity severity; /* the usual severity */
  const char *title;
  int fixable;          /* has a `srvdoctor fix` action */
} sd_code_info;

#endif
