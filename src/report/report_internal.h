/* report_internal.h - helpers shared by the report writers: safe text,
 * counts, and the module-specific pictures and numbers (worker working sets,
 * AD versions, per-module metrics) that several formats show.
 *
 * Everything here reads the report and its facts; nothing is computed
 * twice in different ways by different formats. */
#ifndef SRVDOCTOR_REPORT_INTERNAL_H
#define SRVDOCTOR_REPORT_INTERNAL_H

#include <stdint.h>

#include "srvdoctor/report.h"

/* Copy machine text for a terminal (report_text.c): control characters
 * become visible escapes, invalid UTF-8 becomes U+FFFD. */
void sd_text_put_safe(sd_buf *b, const char *s);

/* Escape machine text for HTML text and quoted attribute values
 * (report_html.c; the fleet page uses it too). */
void sd_html_put(sd_buf *b, const char *s);

/* Length of the valid UTF-8 sequence at p (1..4, ASCII included), or 0 when
 * the byte at p does not start one (the caller writes U+FFFD and moves on
 * one byte).  *cp receives the code point.  p must be NUL terminated. */
size_t sd_utf8_seq(const char *p, uint32_t *cp);

/* "CRITICAL", "WARNING", "UNKNOWN", "INFO", "OK". */
const char *sd_sev_upper(sd_severity s);
/* The same as a verdict: "OK" for info too. */
const char *sd_verdict_upper(sd_severity s);
/* Findings per severity over the whole report (index = sd_severity). */
void sd_report_counts(const sd_report *r, size_t counts[5]);
/* Module indexes most severe first, equal ones in run order; malloc'd. */
size_t *sd_report_module_order(const sd_report *r);
const sd_module_result *sd_report_module(const sd_report *r, const char *id);

/* A number shown in monitoring output: not shown at all (module not run or
 * not applicable), unknown (could not be decided: Nagios "U"), or known. */
typedef enum sd_metric_state {
  SD_MET_OMIT = 0,
  SD_MET_UNKNOWN,
  SD_MET_VALUE
} sd_metric_state;

typedef struct sd_metric {
  sd_metric_state state;
  int64_t value;
} sd_metric;

typedef struct sd_report_metrics {
  sd_metric stuck_vms;        /* HV-VM-STUCK findings */
  sd_metric suspect_vms;      /* HV-VM-SUSPECT findings */
  sd_metric interim_updates;  /* EXCH-INTERIM-UPDATE findings */
  sd_metric schema_version;   /* rangeUpper of ms-Exch-Schema-Version-Pt */
} sd_report_metrics;

void sd_report_metrics_get(const sd_report *r, sd_report_metrics *m);

/* ---- the vmwp.exe working-set chart ---- */
typedef struct sd_vm_bar {
  uint32_t pid;
  const char *vm;        /* VM name when known, else NULL */
  uint64_t working_set;  /* bytes */
  sd_severity mark;      /* CRITICAL stuck, WARNING suspect, OK otherwise */
} sd_vm_bar;

typedef struct sd_vm_chart {
  sd_vm_bar *bars;       /* in process-list order */
  size_t n;
  int have_median;
  uint64_t median;       /* peer median working set, bytes */
} sd_vm_chart;

/* Fill the chart from the processes (every vmwp.exe) and the Hyper-V
 * findings' evidence; 0 when there is at least one bar, -1 otherwise
 * (processes not collected, no worker). */
int sd_vm_chart_get(const sd_report *r, sd_vm_chart *c);
void sd_vm_chart_free(sd_vm_chart *c);

/* ---- Active Directory versions against Exchange 2007 SP2's ---- */
enum { SD_AD_ROW_SCHEMA, SD_AD_ROW_ORG, SD_AD_ROW_DOMAIN, SD_AD_ROWS };

typedef struct sd_ad_row {
  const char *what;      /* "Schema (rangeUpper of ms-Exch-Schema-Version-Pt)" */
  const char *where;     /* DN when known, else NULL */
  sd_metric actual;      /* OMIT here means "not collected" */
  const char *why;       /* why it is unknown, may be NULL */
  int64_t needed;        /* SP2's value */
} sd_ad_row;

/* 0 when the exchange-sp2 module ran and AD was looked at (even when it
 * could not be read), -1 when there is nothing to show. */
int sd_ad_table_get(const sd_report *r, sd_ad_row rows[SD_AD_ROWS]);

#define SD_SP2_SCHEMA_VERSION 14622
#define SD_SP2_ORG_VERSION 11222
#define SD_SP2_DOMAIN_VERSION 11221

#endif
