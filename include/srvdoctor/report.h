/* report.h - findings to bytes: one writer per format. */
#ifndef SRVDOCTOR_REPORT_H
#define SRVDOCTOR_REPORT_H

#include "srvdoctor/facts.h"
#include "srvdoctor/finding.h"

typedef enum sd_format {
  SD_FMT_TEXT = 0,
  SD_FMT_JSON,
  SD_FMT_NAGIOS,
  SD_FMT_PROM,
  SD_FMT_HTML,
  SD_FMT_CHECKMK
} sd_format;

int sd_format_parse(const char *s, sd_format *out); /* 0 or -1 */
const char *sd_format_name(sd_format f);

/* The JSON report's schema_version: 2 made remediation steps objects with
 * their own commands, 3 gave each module its fleet summary (reports of
 * versions 1 and 2 are still read by fleet). */
#define SD_REPORT_SCHEMA_VERSION 3

typedef struct sd_report {
  sd_arena arena;             /* findings' strings */
  const sd_facts *facts;      /* what the checks looked at */
  const char *source;         /* "live" or "snapshot" */
  sd_module_result *modules;
  size_t nmodules;
  sd_severity status;
  int exit_code;
  long collect_ms;
  long analyze_ms;
} sd_report;

void sd_report_init(sd_report *r, const sd_facts *facts);
void sd_report_free(sd_report *r);
sd_module_result *sd_report_add_module(sd_report *r, const char *id,
                                       const char *title);
/* Compute each module's status, the overall status and exit code. */
void sd_report_finish(sd_report *r);

typedef struct sd_report_style {
  int color;    /* ANSI colours in text output */
  int verbose;  /* text: show evidence of ok findings too */
  int quiet;    /* text: only the summary line and non-ok findings */
  int width;    /* text: wrap at this many columns (0: 80) */
  int crlf;     /* text and HTML: end lines with CR LF (files the Windows
                   exe writes, for Notepad); never for Prometheus */
} sd_report_style;

/* Render the report; the output always ends with "\n". */
void sd_report_render(const sd_report *r, sd_format fmt,
                      const sd_report_style *style, sd_buf *out);

void sd_report_text(const sd_report *r, const sd_report_style *style,
                    sd_buf *out);
void sd_report_json(const sd_report *r, sd_buf *out);
/* Monitoring Plugins output: "SRVDOCTOR <STATE> - <summary> | <perfdata>"
 * (kept under 1000 bytes for NRPE), then one long-output line per problem.
 * The exit code stays r->exit_code. */
void sd_report_nagios(const sd_report *r, sd_buf *out);
/* Prometheus text exposition format for the textfile collectors:
 * UTF-8 without BOM, "\n" line ends, ends with a newline. */
void sd_report_prom(const sd_report *r, sd_buf *out);
/* One self-contained HTML page: no scripts, no external resources, every
 * machine string escaped. */
void sd_report_html(const sd_report *r, sd_buf *out);

/* Checkmk local check lines: one per module, "STATUS \"srvdoctor ID\"
 * METRICS DETAIL", the module's verdict and its own measures; "\n" line
 * ends, also from the Windows exe. */
void sd_report_checkmk(const sd_report *r, sd_buf *out);

/* A finding's help page (Markdown) as plain text for a console or a
 * helpdesk ticket: no raw "#", "**" or backticks. */
void sd_doc_render_text(const char *md, sd_buf *out);

#endif
