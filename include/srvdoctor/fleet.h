/* fleet.h - many hosts at once: the reports (or snapshots analysed on the
 * spot) of an organisation's servers summarised together, and each
 * module's own section across them (the Exchange 2007 SP2 upgrade plan,
 * the OCS Front Ends grouped by pool: src/modules/<id>/fleet*.c).
 *
 * The fleet reads what the checks said: module statuses, finding codes and
 * each module's typed summary (summary.h).  It never re-runs a check's
 * logic on a report, and knows no finding code and no evidence key.
 *
 * Reports are untrusted input: sd_fleet_add_report_mem refuses anything that
 * is not a srvdoctor JSON report (schema_version 1 or 2) with one sentence and
 * leaves the fleet as it was. */
#ifndef SRVDOCTOR_FLEET_H
#define SRVDOCTOR_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/finding.h"
#include "srvdoctor/json.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

#define SD_FLEET_MAX_AGE_DEFAULT_H 26

/* A finding's text, kept only when the fleet keeps details (html). */
typedef struct sd_fleet_finding {
  const char *code;
  sd_severity severity;
  const char *title;
  const char *message;
  const char *summary;
  sd_step *steps;       /* arena memory; a version 1 report's steps have
                           kind SD_STEP_UNSET and no commands */
  size_t nsteps;
  const char **commands; /* version 1 reports only: their flat list */
  size_t ncommands;
  int acknowledged;     /* the report marks it acknowledged */
} sd_fleet_finding;

typedef struct sd_fleet_module {
  const char *id;
  sd_severity status;
  int applicable;
  const char **codes;       /* the finding codes, in report order */
  sd_severity *code_sev;    /* and their severities */
  size_t ncodes;
  size_t nacked;            /* findings the report marks acknowledged */
  sd_evidence *summary;     /* the module's fleet summary (summary.h):
                               read from the report, or digested from its
                               findings for a report of schema 1 or 2 */
  size_t nsummary;
  sd_fleet_finding *findings; /* NULL unless details are kept */
} sd_fleet_module;

typedef struct sd_fleet_host {
  const char *name;
  const char *source;       /* the file it came from */
  const char *kind;         /* "report" or "snapshot" */
  sd_time collected_at;     /* SD_TIME_NONE when the report has none */
  sd_severity report_status; /* what the report said */
  sd_severity status;       /* what counts: unknown when stale */
  int stale;
  int64_t age_s;            /* -1 when not known */
  sd_fleet_module *modules;
  size_t nmodules;
} sd_fleet_host;

typedef struct sd_fleet_problem {
  const char *source;
  const char *reason;       /* one sentence, no trailing full stop */
} sd_fleet_problem;

/* ---- a module's part of the fleet ----
 * Each module may add a section to the fleet (the Exchange upgrade plan,
 * the OCS pools), built from the hosts' summaries of that module only, in
 * its folder (src/modules/<id>/fleet*.c) as sd_fleet_hook_<cname>.  Every
 * member may be NULL; the JSON writer always calls json (it writes the
 * section's key and value). */
typedef struct sd_fleet sd_fleet;

typedef struct sd_fleet_hook {
  void *(*build)(sd_fleet *fl);       /* after stale and sorting */
  void (*text)(const sd_fleet *fl, const void *sec, sd_buf *out);
  void (*json)(const sd_fleet *fl, const void *sec, sd_jwriter *w);
  void (*html)(const sd_fleet *fl, const void *sec, sd_buf *out);
  void (*free)(void *sec);
} sd_fleet_hook;

struct sd_fleet {
  sd_arena arena;
  int keep_detail;          /* keep findings' text (html) */
  sd_time now;
  int64_t max_age_s;
  sd_fleet_host *hosts;
  size_t nhosts, cap_hosts;
  sd_fleet_problem *problems;
  size_t nproblems, cap_problems;
  size_t superseded;        /* older reports of a host, not counted */
  /* filled by sd_fleet_finish */
  size_t counts[5];         /* hosts + problems by status (sd_severity) */
  size_t nstale;
  sd_severity status;
  int exit_code;
  void *sections[SD_MODULE_COUNT]; /* each module's part (its hook) */
};

void sd_fleet_init(sd_fleet *fl, sd_time now, int64_t max_age_s);
void sd_fleet_free(sd_fleet *fl);

/* Add one report from its JSON text.  Returns 0, 1 when the text is a
 * srvdoctor snapshot (nothing added: analyse it and call
 * sd_fleet_add_result), or -1 with err saying why it is not a usable report
 * (nothing added). */
int sd_fleet_add_report_mem(sd_fleet *fl, const char *source,
                            const char *data, size_t len, sd_err *err);
/* Add a report made here (a snapshot analysed on the spot). */
void sd_fleet_add_result(sd_fleet *fl, const char *source,
                         const sd_report *rep);
/* A file that could not be used; reason is one sentence. */
void sd_fleet_add_problem(sd_fleet *fl, const char *source,
                          const char *reason);

/* Keep each host's newest report, mark stale ones, sort (most severe
 * first, then by name), count, and build the Exchange plan and OCS pools. */
void sd_fleet_finish(sd_fleet *fl);

const sd_fleet_module *sd_fleet_host_module(const sd_fleet_host *h,
                                            const char *id);
/* The findings of host its report marks acknowledged (srvdoctor ack). */
size_t sd_fleet_host_acked(const sd_fleet_host *h);
/* A value of module's summary on host as text (integers in decimal), NULL
 * when absent; and whether a true/false value is true. */
const char *sd_fleet_summary(sd_fleet *fl, const sd_fleet_host *h,
                             const char *module, const char *key);
int sd_fleet_summary_true(const sd_fleet_host *h, const char *module,
                          const char *key);
/* The section module's hook built (NULL when none). */
const void *sd_fleet_section(const sd_fleet *fl, const char *module);
/* Host names compare without ASCII case, as Windows computer names do. */
int sd_fleet_name_cmp(const char *a, const char *b);

/* Writers (src/report/fleet_{text,json,html}.c).  Output ends with "\n". */
void sd_fleet_text(const sd_fleet *fl, sd_buf *out);
void sd_fleet_json(const sd_fleet *fl, sd_buf *out);
void sd_fleet_html(const sd_fleet *fl, sd_buf *out);

#endif
