/* tool.h - the command-line program's internals. */
#ifndef SRVDOCTOR_TOOL_H
#define SRVDOCTOR_TOOL_H

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/eventlog.h"
#include "srvdoctor/fix.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

typedef enum sd_command {
  SD_CMD_CHECK = 0,
  SD_CMD_COLLECT,
  SD_CMD_LIST,
  SD_CMD_EXPLAIN,
  SD_CMD_FIX,
  SD_CMD_HELP,
  SD_CMD_VERSION,
  SD_CMD_EVENTLOG,  /* eventlog install|uninstall (tool_eventlog.c) */
  SD_CMD_FLEET,     /* fleet PATH... (tool_fleet.c) */
  SD_CMD_ACK        /* ack CODE ..., --list, --remove (tool_ack.c) */
} sd_command;

typedef struct sd_cmdline {
  sd_command cmd;
  const char *only;          /* --only */
  const char *from;          /* --from */
  sd_format format;          /* --format */
  const char *output;        /* -o/--output */
  const char *password_file; /* --ldap-password-file */
  const char *code;          /* explain/fix CODE */
  const char *target;        /* fix --target */
  int yes;                   /* fix --yes */
  int force;                 /* fix --force */
  int no_color;
  int quiet;
  /* unattended runs (tool_reportdir.c, tool_eventlog.c) */
  int report_dir_set;        /* --report-dir given */
  const char *report_dir;    /* its value; NULL = the default folder */
  int keep;                  /* --keep, 0 = not given (default 30) */
  int eventlog;              /* --eventlog */
  const char *action;        /* eventlog install|uninstall */
  /* fleet (tool_fleet.c) */
  const char **paths;        /* PATH... (malloc'd array, argv strings) */
  size_t npaths;
  int max_age_h;             /* --max-age, 0 = not given (default 26) */
  int as_of_set;             /* --as-of given */
  sd_time as_of;             /* fleet: judge report ages as of this time;
                                check and ack: acknowledgements' expiry */
  int format_set;            /* --format given */
  /* acknowledgements (tool_ack.c) */
  const char *acks;          /* --acks FILE, NULL = the default file */
  const char *until;         /* ack --until */
  const char *reason;        /* ack --reason */
  int ack_list;              /* ack --list */
  int ack_remove;            /* ack --remove */
  sd_options opt;
} sd_cmdline;

/* Parse argv (UTF-8).  Returns 0, or -1 with err set (exit code 3). */
int sd_parse_args(int argc, char **argv, sd_cmdline *cl, sd_err *err);

int sd_tool_main(int argc, char **argv);
int sd_cmd_check(sd_cmdline *cl);
int sd_cmd_collect(sd_cmdline *cl);
int sd_cmd_list(void);
int sd_cmd_explain(const char *code);
int sd_cmd_fix(sd_cmdline *cl);
/* What sd_cmd_fix runs (tool_fix.c): the request of cl and the operations
 * on this machine (the fix layer's, plus the console output), ready for
 * sd_fix_run.  Returns 0, or 3 after saying why on stderr; on 0,
 * sd_fix_machine_free(m) releases what ops points at.  A test program may
 * replace ops->collect before sd_fix_run (tests/tools/sd_seams.c); the
 * shipped program never does. */
int sd_fix_prepare(const sd_cmdline *cl, sd_fix_request *rq,
                   sd_fix_machine *m, sd_fix_ops *ops);
int sd_cmd_fleet(sd_cmdline *cl);
int sd_cmd_ack(sd_cmdline *cl);
/* The acks file cl names (--acks) or the default one,
 * %ProgramData%\srvdoctor\acks.json; malloc'd, NULL with err. */
char *sd_acks_path(const sd_cmdline *cl, sd_err *err);
/* Apply the acks file to a finished report (check): a missing default
 * file means none; an unreadable or damaged one is an ACK-FILE-INVALID
 * finding (sd_acks_invalid).  Expiry is judged at as_of. */
void sd_acks_load_apply(const sd_cmdline *cl, sd_report *rep, sd_time as_of);
void sd_print_help(void);

/* ---- scheduled-task mode: --report-dir (tool_reportdir.c) ---- */
#define SD_KEEP_DEFAULT 30
#define SD_REPORTDIR_LOCK_WAIT_MS 30000u
/* Write json as srvdoctor-<HOST>-<YYYYMMDDTHHMMSSZ>.json and latest.json
 * in dir (NULL: %ProgramData%\srvdoctor\reports), then keep the newest
 * `keep` reports of this host.  Serialised with other runs by a lock file.
 * *written gets the path of the new report (malloc'd). */
int sd_reportdir_write(const char *dir, int keep, const char *host,
                       sd_time now, const char *json, size_t len,
                       char **written, sd_err *err);
/* The file name for host and time ("srvdoctor-SRV01-20261126T080000Z.json"
 * with any character outside [A-Za-z0-9._-] of host replaced by "_");
 * seq > 1 adds "-<seq>" before ".json".  malloc'd. */
char *sd_reportdir_name(const char *host, sd_time t, unsigned seq);
/* Parse such a name for host: 0 and the time and sequence, or -1 when
 * the name is not one of host's reports. */
int sd_reportdir_parse(const char *name, const char *host, sd_time *t,
                       unsigned *seq);
/* The default folder, malloc'd. */
char *sd_reportdir_default(sd_err *err);

/* ---- the Application event log (tool_eventlog.c) ---- */
/* The source and event IDs are in srvdoctor/eventlog.h. */
/* Event ID and type (SD_EVT_*) for a verdict. */
uint32_t sd_event_id(sd_severity status);
int sd_event_type(sd_severity status);
/* The event text (the %1 insertion string): verdict, summary, every
 * problem finding's code and message, and the report file when there is
 * one (report_path may be NULL).  Lines end with "\r\n". */
void sd_event_text(const sd_report *r, const char *report_path, sd_buf *out);
/* Write one event to the Application log (source srvdoctor). */
int sd_event_write(sd_severity status, const char *text, sd_err *err);
int sd_cmd_eventlog(sd_cmdline *cl);

/* Output: data to stdout, one sentence per error to stderr. */
void sd_out(const char *s, size_t n);
void sd_outs(const char *s);
void sd_fail(const char *fmt, ...) SD_PRINTF(1, 2); /* "srvdoctor: ...\n" */
void sd_note(const char *fmt, ...) SD_PRINTF(1, 2);

/* The documentation pages built into the program (the .md files of
 * docs/findings and docs/modules). */
typedef struct sd_doc_page {
  const char *name; /* "HOST-NOT-ELEVATED" or "exchange-sp2" */
  const char *text;
} sd_doc_page;
extern const sd_doc_page sd_doc_pages[];
extern const size_t sd_ndoc_pages;

#endif
