/* fix.h - "srvdoctor fix CODE [--target ID] [--yes]": carry out one
 * remediation the administrator asked for, after checking again that the
 * problem is still there.
 *
 * The flow (sd_fix_run), the matching of --target against the findings of
 * a fresh check and the planning of each action are portable, so they are
 * unit-tested on any system.  Everything that touches the live machine
 * (collecting, asking at the console, ending a process, starting an
 * uninstaller, the event log) goes through sd_fix_ops: src/fix/win32 on
 * Windows, fakes in tests/unit/test_fix.c.  On other systems the command
 * refuses with exit code 3 (src/fix/fix_none.c). */
#ifndef SRVDOCTOR_FIX_H
#define SRVDOCTOR_FIX_H

#include <stdint.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/eventlog.h"
#include "srvdoctor/finding.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

/* Exit codes of srvdoctor fix (docs/fix.md). */
#define SD_FIX_EXIT_OK 0      /* done, or the dry run was printed */
#define SD_FIX_EXIT_REFUSED 3 /* refused, failed, or nothing to act on */

/* Application event log IDs of a fix outcome: srvdoctor/eventlog.h. */

/* How long srvdoctor waits for an uninstaller before it gives up waiting
 * (the uninstaller goes on running). */
#define SD_FIX_CHILD_WAIT_MS (2u * 60u * 60u * 1000u)

typedef enum sd_fix_kind {
  SD_FIX_END_WORKER = 1, /* end one VM's vmwp.exe worker process */
  SD_FIX_RUN_PROGRAM     /* run an uninstaller by full path and wait */
} sd_fix_kind;

/* One finding code srvdoctor can act on. */
typedef struct sd_fix_action {
  const char *code;      /* "HV-VM-STUCK" */
  const char *module;    /* module id whose check reports it */
  sd_fix_kind kind;
  int needs_force;       /* refused without --force (one signal only) */
} sd_fix_action;

/* The table of actions; NULL when code has none. */
const sd_fix_action *sd_fix_actions(size_t *count);
const sd_fix_action *sd_fix_action_find(const char *code);

#define SD_FIX_MAX_ARGS 12

/* What one action will do: the fresh finding's action (program, arguments
 * and target identity, as the check wrote them and the finding prints
 * them), its program resolved against this machine's folders, after the
 * refusals that look at the fresh facts.  Strings live in the arena given
 * to sd_fix_plan_make. */
typedef struct sd_fix_hook sd_fix_hook;

typedef struct sd_fix_plan {
  const sd_fix_action *action;
  const sd_fix_hook *hook;   /* the module's fix hook that made it */
  const sd_finding *finding;
  const char *target;        /* the finding's target */
  /* SD_FIX_END_WORKER */
  uint32_t pid;
  char vm_guid[37];          /* upper case, no braces */
  const char *vm_name;       /* NULL when not known */
  const char *image_path;    /* where the worker must come from */
  /* SD_FIX_RUN_PROGRAM */
  const char *program;       /* full path of the program */
  const char *args[SD_FIX_MAX_ARGS]; /* its arguments, program excluded */
  size_t nargs;
  int recheck;               /* collect and check again afterwards */
  /* for the person reading */
  const char *what;          /* what will be done, in sentences */
  const char *after;         /* what to do afterwards, may be NULL */
  const char *event_detail;  /* a line for the event log record naming
                                what was acted on, or NULL */
} sd_fix_plan;

/* The folders the plans name, so that tests can give their own. */
typedef struct sd_fix_paths {
  const char *windows_dir;   /* "C:\\Windows" */
  const char *system_dir;    /* "C:\\Windows\\System32" */
} sd_fix_paths;

typedef struct sd_fix_outcome sd_fix_outcome;

/* A module's part of srvdoctor fix, in its folder (src/modules/<id>/
 * fix.c) as sd_fix_hook_<cname>: fix itself knows no finding code and no
 * module's prose.  Every member may be NULL but plan. */
struct sd_fix_hook {
  /* Does target name finding x other than by its exact target (which fix
   * compares itself: GUIDs, KB numbers, text)?  *by_name is set when the
   * match was by a name that more than one thing may carry. */
  int (*target_matches)(const sd_finding *x, const char *target,
                        int *by_name);
  /* How many things on this machine carry the name (two VMs of one name
   * make the name ambiguous even when only one is reported). */
  size_t (*named)(const sd_facts *f, const char *name);
  /* " (VM \"web01\")": what a refusal lists beside a finding's target. */
  void (*describe)(const sd_finding *x, sd_buf *out);
  /* The refusals that look at the fresh facts, the program and target
   * identity (from x->action, through sd_fix_take_program), and the
   * sentences for the reader (what, after, event_detail). */
  int (*plan)(const sd_facts *f, const sd_finding *x,
              const sd_fix_paths *paths, sd_arena *a, sd_fix_plan *p,
              sd_err *why);
  /* Windows: carry out a plan that is not "run a program" (ending a
   * worker process); SD_FIX_HOOK_ACT(fn) names it, NULL elsewhere. */
  void (*act)(const sd_fix_plan *p, sd_fix_outcome *out);
  /* What a refusal calls one target of an ambiguous name, and the exact
   * form to give instead ("virtual machine", "VM ID"); NULL: "item",
   * "target". */
  const char *thing;
  const char *exact;
};

#ifdef _WIN32
#define SD_FIX_HOOK_ACT(fn) fn
#else
#define SD_FIX_HOOK_ACT(fn) NULL
#endif

/* The fix hook of the module that reports code; NULL when none. */
const sd_fix_hook *sd_fix_hook_of(const char *code);

/* Helpers for the modules' hooks (KB numbers: sd_kb_number, finding.h). */
/* A string fit to pass on as one argument: letters, digits and _~.-
 * only (a CBS package identity), under 200 characters. */
int sd_fix_identity_safe(const char *s);
/* The action's program resolved under this machine's folder into
 * p->program and its arguments into p->args; -1 with why set when the
 * action names a program srvdoctor will not start. */
int sd_fix_take_program(const sd_finding *x, const sd_fix_paths *paths,
                        sd_arena *a, sd_fix_plan *p, sd_err *why);
const char *sd_fix_resolve_program(const sd_action *act,
                                   const sd_fix_paths *paths, sd_arena *a,
                                   sd_err *why);
/* The evidence value of key when it has that type (and a non-empty
 * string); NULL, dflt or 0 otherwise. */
const char *sd_fix_ev_str(const sd_finding *x, const char *key);
int64_t sd_fix_ev_int(const sd_finding *x, const char *key, int64_t dflt);
int sd_fix_ev_bool(const sd_finding *x, const char *key);

/* Make the plan for finding x (of a fresh check over f) from x->action;
 * fix builds no program or argument of its own.  Returns 0, or -1 with why
 * set to one or two sentences saying why srvdoctor will not act (no action,
 * no worker known, an identity that does not look safe to pass on, a
 * target the fresh facts do not show, ...). */
int sd_fix_plan_make(const sd_facts *f, const sd_finding *x,
                     const sd_fix_paths *paths, sd_arena *a,
                     sd_fix_plan *p, sd_err *why);

/* ---- target matching ---- */

/* Does target name finding x?  A VM ID (braces and case do not matter) or
 * a VM name (exact, ignoring ASCII case) for Hyper-V findings; a patch code
 * (braces optional) or its KB number for interim updates; a KB number
 * ("KB974571" or "974571") for updates.  by_name is set when the match was
 * by a VM name. */
int sd_fix_target_matches(const sd_finding *x, const char *target,
                          int *by_name);

typedef enum sd_fix_pick {
  SD_FIX_PICK_OK = 0,      /* exactly one finding: *out */
  SD_FIX_PICK_NONE,        /* the fresh check does not report the code */
  SD_FIX_PICK_NO_MATCH,    /* reported, but not for that target */
  SD_FIX_PICK_AMBIGUOUS,   /* the target names more than one */
  SD_FIX_PICK_NEED_TARGET, /* no target given and more than one candidate */
  SD_FIX_PICK_NOT_FIXABLE  /* the finding cannot be acted on */
} sd_fix_pick;

/* Choose the finding of code in rep that target names (target NULL: the
 * only one).  A VM name shared by more than one VM of f (or more than one
 * finding) is ambiguous even when only one of them is reported.
 * *candidates gets the number of findings with that code. */
sd_fix_pick sd_fix_pick_finding(const sd_report *rep, const sd_facts *f,
                                const char *code, const char *target,
                                const sd_finding **out, size_t *candidates);

/* ---- command lines ---- */

/* Append one argument quoted the way CommandLineToArgvW and the Microsoft
 * C runtime split command lines: unquoted when it has no space, tab or
 * quote, else in quotes with backslashes before quotes doubled. */
void sd_fix_quote_arg(sd_buf *b, const char *arg);
/* The whole command line: the program (quoted when needed) and its
 * arguments. */
void sd_fix_command_line(const sd_fix_plan *p, sd_buf *b);

/* ---- the flow ---- */

/* What carrying out a plan came to. */
struct sd_fix_outcome {
  int done;                  /* the action was carried out */
  int refused;               /* not carried out on purpose (safety check) */
  int have_exit_code;
  uint32_t exit_code;        /* of the program that was run */
  int restart_needed;
  char msg[1024];            /* what happened, in sentences */
};

/* Everything the flow needs from the machine. */
typedef struct sd_fix_ops {
  void *ctx;
  /* Collect the live facts needs asks for (sd_collect_live). */
  int (*collect)(void *ctx, sd_facts *f, unsigned needs,
                 const sd_options *o, sd_err *err);
  /* Is standard input an interactive console, so that a question can be
   * asked?  Never ask without one. */
  int (*stdin_console)(void *ctx);
  /* Show question and read one answer; 1 for yes. */
  int (*confirm)(void *ctx, const char *question);
  /* Carry out the plan. */
  void (*act)(void *ctx, const sd_fix_plan *p, sd_fix_outcome *out);
  /* Write the outcome to the Application event log when the source is
   * installed: 1 written, 0 source not installed, -1 failed (err). */
  int (*event)(void *ctx, int ok, const char *text, sd_err *err);
  void (*print)(void *ctx, const char *text);   /* to standard output */
  void (*error)(void *ctx, const char *text);   /* one line to stderr */
  sd_fix_paths paths;
} sd_fix_ops;

typedef struct sd_fix_request {
  const char *code;
  const char *target;        /* NULL when --target was not given */
  int yes;                   /* --yes */
  int force;                 /* --force */
  sd_options opt;
} sd_fix_request;

/* The whole command; returns the exit code (SD_FIX_EXIT_*). */
int sd_fix_run(const sd_fix_request *rq, const sd_fix_ops *ops);

/* The live machine behind the flow: what sd_fix_machine_init allocates. */
typedef struct sd_fix_machine {
  char *windows_dir;
  char *system_dir;
} sd_fix_machine;

/* Fill every operation of ops that reaches this machine (collect, console
 * question, actions, event log) and its paths; print and error are the
 * caller's (the command line's console output).  Returns 0, or -1 with err
 * set: always on systems other than Windows, where fix cannot act
 * (src/fix/win32/fix_win32.c, src/fix/fix_none.c). */
int sd_fix_machine_init(sd_fix_machine *m, sd_fix_ops *ops, sd_err *err);
void sd_fix_machine_free(sd_fix_machine *m);

#endif
