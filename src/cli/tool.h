/* tool.h - the command-line program's internals. */
#ifndef SRVDOCTOR_TOOL_H
#define SRVDOCTOR_TOOL_H

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/module.h"
#include "srvdoctor/report.h"

typedef enum sd_command {
  SD_CMD_CHECK = 0,
  SD_CMD_COLLECT,
  SD_CMD_LIST,
  SD_CMD_EXPLAIN,
  SD_CMD_FIX,
  SD_CMD_HELP,
  SD_CMD_VERSION
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
void sd_print_help(void);

/* Output: data to stdout, one sentence per error to stderr. */
void sd_out(const char *s, size_t n);
void sd_outs(const char *s);
void sd_fail(const char *fmt, ...) SD_PRINTF(1, 2); /* "srvdoctor: ...\n" */
void sd_note(const char *fmt, ...) SD_PRINTF(1, 2);

/* The documentation pages built into the program (the .md files of docs/findings
 * and docs/modules). */
typedef struct sd_doc_page {
  const char *name; /* "HOST-NOT-ELEVATED" or "exchange-sp2" */
  const char *text;
} sd_doc_page;
extern const sd_doc_page sd_doc_pages[];
extern const size_t sd_ndoc_pages;

#endif
