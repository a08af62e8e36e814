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

/* ---- what fix will run for a fixable finding (the check writes it; the
 * finding's printed commands and fix's plan are both made from it) ---- */
typedef enum sd_action_kind {
  SD_ACT_NONE = 0,
  SD_ACT_END_WORKER,    /* end one VM's vmwp.exe worker process */
  SD_ACT_RUN_PROGRAM    /* run a program by full path, with argv, and wait */
} sd_action_kind;

/* Where a program's relative path starts (fix resolves it on the live
 * machine, the printed command names the program as a person types it). */
typedef enum sd_action_base {
  SD_BASE_SYSTEM = 0,   /* %SystemRoot%\System32 */
  SD_BASE_WINDOWS       /* %SystemRoot% */
} sd_action_base;

#define SD_ACTION_MAX_ARGS 12

typedef struct sd_action {
  sd_action_kind kind;
  /* SD_ACT_RUN_PROGRAM */
  sd_action_base base;
  const char *program;  /* relative to base: "msiexec.exe" */
  const char *args[SD_ACTION_MAX_ARGS]; /* program excluded */
  size_t nargs;
  /* The program does not hold the console (a Windows-subsystem program
   * such as pkgmgr.exe): the printed command starts it with "start /w" so
   * that the prompt waits for it, as fix does. */
  int start_wait;
  /* the exact identity of the target */
  uint32_t pid;         /* SD_ACT_END_WORKER: the worker process (0: none
                           found; fix refuses) */
  const char *image_path;   /* the worker's full image path as collected,
                               NULL when not read; the image it must have is
                               program under base */
  const char *vm_guid;      /* upper case, no braces */
  const char *product_code; /* Windows Installer product (patch removal) */
  const char *patch_code;   /* Windows Installer patch */
  const char *package;      /* update: CBS package identity or KB */
} sd_action;

/* ---- typed figures a module result carries beside its findings, so
 * that every format shows the check's own numbers ---- */
typedef enum sd_unit {
  SD_UNIT_COUNT = 0,
  SD_UNIT_BYTES,
  SD_UNIT_NUMBER,       /* a version or other plain number */
  SD_UNIT_SECONDS       /* a duration */
} sd_unit;

/* A number for monitoring (Nagios perfdata, Prometheus, JSON). */
typedef struct sd_measure {
  const char *name;     /* "hyperv_stuck_vms": Prometheus srvdoctor_<name> */
  const char *label;    /* Nagios perfdata label: "stuck vms" */
  const char *help;     /* one sentence: what it is */
  sd_unit unit;
  int known;            /* 0: could not be decided (Nagios "U") */
  int64_t value;
  const char *warn;     /* Nagios threshold ranges, or NULL */
  const char *crit;
} sd_measure;

/* A family of labelled numbers: one metric, one sample per thing it is
 * about (every VM), told apart by label values (a VM's id and name), so
 * that two things with one name stay two series.  Prometheus gauges
 * srvdoctor_<name>{key="value",...}, Nagios perfdata (when perf_unit is
 * not NULL: one label per sample, unique per thing), JSON. */
#define SD_FAMILY_MAX_LABELS 4

typedef struct sd_lsample {
  const char *values[SD_FAMILY_MAX_LABELS]; /* in the order of the keys */
  const char *perf;     /* its Nagios perfdata label ("SQL01 1A2B3C4D") */
  int known;            /* 0: not known (Prometheus NaN, Nagios "U") */
  int64_t value;
} sd_lsample;

typedef struct sd_family {
  const char *name;     /* "hyperv_vm_seconds_in_state", the whole name
                           after "srvdoctor_" (its unit included) */
  const char *help;     /* one sentence: what it is */
  const char *keys[SD_FAMILY_MAX_LABELS]; /* "vm_id", "vm_name" */
  size_t nkeys;
  sd_unit unit;
  int perfdata;         /* 1: also Nagios perfdata */
  sd_lsample *samples;
  size_t nsamples, cap_samples;
} sd_family;

/* One labelled value of a chart, and a reference line. */
typedef struct sd_point {
  const char *label;    /* "DC01" or "pid 1234" */
  uint64_t value;
  sd_severity mark;     /* the check's verdict on it */
  uint32_t pid;         /* the process it is about, 0 when none */
} sd_point;

typedef struct sd_refline {
  const char *label;    /* "peer median" */
  uint64_t value;
} sd_refline;

typedef struct sd_series {
  const char *name;     /* "vmwp": the perfdata label prefix */
  const char *title;
  const char *note;     /* how to read it (a chart's caption), or NULL */
  sd_unit unit;
  sd_point *points;
  size_t npoints, cap_points;
  sd_refline *refs;
  size_t nrefs, cap_refs;
} sd_series;

/* An actual-against-needed row (the AD versions against SP2's). */
typedef struct sd_row {
  const char *what;     /* "Schema (rangeUpper of ms-Exch-Schema-Version-Pt)" */
  const char *where;    /* DN, or NULL */
  int known;            /* 0: not read (why says why) */
  int64_t actual;
  const char *why;
  int64_t needed;
  const char *remedy;   /* what to do when actual < needed: "run /PrepareAD" */
} sd_row;

/* ---- the remediation: a sequence of typed steps a literal reader follows
 * top to bottom (the check writes all of it; every format renders it) ---- */
typedef enum sd_step_kind {
  SD_STEP_LOOK = 0,     /* read-only: looks, changes nothing */
  SD_STEP_CHANGE,       /* changes the system, reversibly or as intended */
  SD_STEP_LAST_RESORT,  /* removes protection, ends a process, restarts a
                           server: always under a condition */
  SD_STEP_UNSET         /* no kind: only the steps of a version 1 report
                           read by fleet (a check never writes one; the
                           literal-reader test refuses it) */
} sd_step_kind;

typedef struct sd_step {
  sd_step_kind kind;
  int alternative;      /* 1: another way to do the step before it; shown
                           under that step's number, never as the next one */
  unsigned number;      /* 1-based; an alternative has its step's number */
  const char *text;     /* what to do */
  const char *condition;/* "Only if step 4 did not show RUNNING", or NULL */
  const char **commands;/* this step's commands, each pasteable as printed */
  size_t ncommands, cap_commands;
  const char *expect;   /* what the reader sees when it worked, worded so
                           that real Windows output matches it, or NULL */
} sd_step;

const char *sd_step_kind_name(sd_step_kind k); /* "look", "change",
                                                  "last_resort" */
int sd_step_kind_parse(const char *s, sd_step_kind *out);

typedef struct sd_code_info sd_code_info;

/* An acknowledgement on a finding (srvdoctor ack): who, when, until when,
 * why.  While active the finding is still shown, marked, but does not
 * count toward its module's status, the report's status, the exit code
 * or the problem figures. */
typedef struct sd_ack_mark {
  int active;           /* 1: acknowledged and not expired */
  const char *by;       /* "CONTOSO\admin" */
  sd_time at;           /* when it was acknowledged */
  sd_time until;        /* it expires at this time */
  const char *reason;
} sd_ack_mark;

typedef struct sd_finding {
  const char *code;     /* "EXCH-INTERIM-UPDATE" */
  sd_severity severity;
  const char *title;
  const char *message;  /* one or two sentences about this machine */
  sd_evidence *evidence;
  size_t nevidence, cap_evidence;
  const char *summary;  /* remediation summary, may be NULL for ok */
  sd_step *steps;       /* in order; alternatives follow their step */
  size_t nsteps, cap_steps;
  int fixable;          /* srvdoctor fix can carry it out */
  const char *target;   /* what `fix --target` names (GUID, patch code, KB) */
  sd_action action;     /* what fix runs (kind NONE when not fixable) */
  /* The steps fix carries out (numbers, first..last; 0 when not fixable)
   * and the sentence the dry run repeats before acting (the warning of the
   * step, e.g. what protection it removes). */
  unsigned fix_first, fix_last;
  const char *fix_warning;
  int fix_force;        /* fix acts only with --force (one signal): the
                           printed offer carries it */
  sd_ack_mark ack;      /* acknowledged (active 0: not, or expired) */
} sd_finding;

/* The result of one module. */
typedef struct sd_module_result {
  const char *id;
  const char *title;
  int applicable;
  sd_severity status;   /* computed by sd_result_finish */
  sd_finding *findings;
  size_t nfindings, cap_findings;
  sd_measure *measures;
  size_t nmeasures, cap_measures;
  sd_series *series;
  size_t nseries, cap_series;
  sd_row *rows;
  size_t nrows, cap_rows;
  sd_family *families;
  size_t nfamilies, cap_families;
  /* The module's fleet summary: typed values digested from the findings
   * by the module's rules when the report is finished (summary.h). */
  sd_evidence *summary;
  size_t nsummary, cap_summary;
  sd_arena *arena;      /* where strings live (the report's arena) */
} sd_module_result;

/* Builders: every string is copied into the result's arena.  The printf
 * forms return the finding for chaining convenience. */
sd_finding *sd_result_add(sd_module_result *r, const char *code,
                          sd_severity sev, const char *title);
void sd_finding_msg(sd_module_result *r, sd_finding *f, const char *fmt,
                    ...) SD_PRINTF(3, 4);
void sd_ev_str(sd_module_result *r, sd_finding *f, const char *key,
               const char *val);
void sd_ev_strf(sd_module_result *r, sd_finding *f, const char *key,
                const char *fmt, ...) SD_PRINTF(4, 5);
void sd_ev_int(sd_module_result *r, sd_finding *f, const char *key, int64_t v);
void sd_ev_bool(sd_module_result *r, sd_finding *f, const char *key, int v);
void sd_fix_summary(sd_module_result *r, sd_finding *f, const char *fmt,
                    ...) SD_PRINTF(3, 4);
/* Steps.  sd_step_add starts the next numbered step; sd_step_alt adds an
 * alternative to the step before it (same number, shown as "Or:").  The
 * other builders fill in the step added last: its commands (shown inside
 * it), its condition and what the reader should see.  sd_step_number is
 * the number of the last numbered step, for conditions that name it. */
sd_step *sd_step_add(sd_module_result *r, sd_finding *f, sd_step_kind kind,
                     const char *fmt, ...) SD_PRINTF(4, 5);
sd_step *sd_step_alt(sd_module_result *r, sd_finding *f, sd_step_kind kind,
                     const char *fmt, ...) SD_PRINTF(4, 5);
void sd_step_cmd(sd_module_result *r, sd_finding *f, const char *fmt,
                 ...) SD_PRINTF(3, 4);
void sd_step_when(sd_module_result *r, sd_finding *f, const char *fmt,
                  ...) SD_PRINTF(3, 4);
void sd_step_expect(sd_module_result *r, sd_finding *f, const char *fmt,
                    ...) SD_PRINTF(3, 4);
unsigned sd_step_number(const sd_finding *f);
/* The steps fix carries out: first..last (numbers), and the warning its
 * dry run repeats (NULL: the condition of the first of them). */
void sd_fix_steps(sd_module_result *r, sd_finding *f, unsigned first,
                  unsigned last, const char *warning);
/* The gravest kind among the numbered steps fix carries out (CHANGE when
 * none is named). */
sd_step_kind sd_fix_gravest(const sd_finding *f);
/* The fix offer, for every format and for fix's own "to do it, run": the
 * command ("srvdoctor fix CODE --target ID", "--force" where fix wants
 * it; the target quoted as sd_quote_arg does) and the sentence that says
 * which steps it does, their kind and warning ("srvdoctor can do step 7
 * for you, the last resort. This removes ..."). */
void sd_fix_offer_command(const sd_finding *f, sd_buf *out);
void sd_fix_offer_sentence(const sd_finding *f, sd_buf *out);
/* Every command of every step, in order (for tests and fix checks). */
size_t sd_finding_ncommands(const sd_finding *f);
const char *sd_finding_command(const sd_finding *f, size_t i);
void sd_fix_target(sd_module_result *r, sd_finding *f, const char *target);
/* Typed figures (strings are copied into the result's arena; desc strings
 * of a measure are expected to be static). */
sd_measure *sd_result_measure(sd_module_result *r, const sd_measure *desc,
                              int known, int64_t value);
sd_series *sd_result_series(sd_module_result *r, const char *name,
                            const char *title, sd_unit unit);
void sd_series_point(sd_module_result *r, sd_series *s, const char *label,
                     uint64_t value, sd_severity mark, uint32_t pid);
void sd_series_ref(sd_module_result *r, sd_series *s, const char *label,
                   uint64_t value);
sd_row *sd_result_row(sd_module_result *r, const char *what,
                      const char *where, int known, int64_t actual,
                      const char *why, int64_t needed, const char *remedy);
/* A labelled family (keys are copied; nkeys <= SD_FAMILY_MAX_LABELS) and
 * one sample of it: values in the order of the keys. */
sd_family *sd_result_family(sd_module_result *r, const char *name,
                            const char *help, sd_unit unit,
                            const char *const *keys, size_t nkeys,
                            int perfdata);
sd_lsample *sd_family_sample(sd_module_result *r, sd_family *fam,
                             const char *const *values, const char *perf,
                             int known, int64_t value);
const sd_family *sd_result_find_family(const sd_module_result *r,
                                       const char *name);
const sd_measure *sd_result_find_measure(const sd_module_result *r,
                                         const char *name);
const sd_series *sd_result_find_series(const sd_module_result *r,
                                       const char *name);
/* Actions: the finding becomes fixable with it. */
sd_action *sd_finding_action(sd_module_result *r, sd_finding *f,
                             sd_action_kind kind);
void sd_action_arg(sd_module_result *r, sd_action *a, const char *arg);
/* The command a person types for an action.  SD_ACT_RUN_PROGRAM: the
 * program's name as typed ("msiexec"; a path under the Windows folder as
 * %SystemRoot%\...), after "start /w " when start_wait, and the arguments
 * quoted as the C runtime splits them.  SD_ACT_END_WORKER: the taskkill
 * command that ends that process ("taskkill /PID 5120 /F"). */
void sd_action_command(const sd_action *a, sd_buf *out);
/* Append one argument quoted the way CommandLineToArgvW and the Microsoft
 * C runtime split command lines: unquoted when it has no space, tab or
 * quote, else in quotes with backslashes before quotes doubled. */
void sd_quote_arg(sd_buf *b, const char *arg);
/* Targets (src/core/target.c), as fix --target and acknowledgements name
 * them.  "KB974571", "kb974571" or "974571": the digits into out (at most
 * 15); 0 when s is no KB number.  Do a and b name the same target (GUIDs
 * whatever their braces and case, KB numbers with or without "KB", else
 * text ignoring ASCII case)? */
int sd_kb_number(const char *s, char out[16]);
int sd_target_same(const char *a, const char *b);
/* A finding of `code` with the title and the usual severity its module's
 * code table gives (the one place they are written; a check that decides
 * another severity for this case sets it on the finding).  A code missing
 * from the table is a programming error: abort(). */
sd_finding *sd_result_code(sd_module_result *r, const sd_code_info *codes,
                           size_t ncodes, const char *code);
/* Sort findings most severe first (stable) and set r->status: the most
 * severe finding that is not acknowledged (ok when every finding is). */
void sd_result_finish(sd_module_result *r);
const sd_evidence *sd_finding_evidence(const sd_finding *f, const char *key);
/* Free the step arrays of a finding (its strings live in the arena). */
void sd_finding_free_steps(sd_finding *f);

/* The catalogue of finding codes (for list/explain/docs consistency). */
/* Whether srvdoctor fix acts on a code (its check then writes the typed
 * action into each finding of that code): flags of sd_code_info.fixable. */
enum {
  SD_FIX_NO = 0,
  SD_FIX_YES = 1,        /* fix acts on it: runs a program by default */
  SD_FIX_WORKER = 2,     /* ... by ending a worker process instead */
  SD_FIX_FORCE = 4       /* only with --force: it rests on one signal */
};

struct sd_code_info {
  const char *code;
  const char *module;   /* module id, or "host" */
  sd_severity severity; /* the usual severity */
  const char *title;
  int fixable;          /* 0, or SD_FIX_YES with SD_FIX_WORKER/SD_FIX_FORCE */
};

#endif
