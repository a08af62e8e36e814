/* report_internal.h - helpers shared by the report writers: safe text,
 * counts and module order.  The figures the formats show (measures, series,
 * actual-against-needed rows) are the checks' own, in the module results
 * (finding.h); no writer derives a figure or knows a module's rules. */
#ifndef SRVDOCTOR_REPORT_INTERNAL_H
#define SRVDOCTOR_REPORT_INTERNAL_H

#include <stdint.h>

#include "srvdoctor/json.h"
#include "srvdoctor/report.h"

/* Copy machine text for a terminal (report_text.c): control characters
 * become visible escapes, invalid UTF-8 becomes U+FFFD. */
void sd_text_put_safe(sd_buf *b, const char *s);

/* Escape machine text for HTML text and quoted attribute values
 * (report_html.c; the fleet page uses it too). */
void sd_html_put(sd_buf *b, const char *s);

/* A command for a <pre>, escaped: it wraps only at its spaces (a token
 * that could break inside is an inline block); copying gives the command
 * exactly. */
void sd_html_command(sd_buf *b, const char *cmd);

/* The steps as an ordered list: each with its kind, condition, commands
 * and what to see, alternatives under their step; fix (or NULL) adds the
 * fix offer inside the last step it carries out. */
void sd_html_steps(sd_buf *b, const sd_step *steps, size_t n,
                   const sd_finding *fix);

/* Length of the valid UTF-8 sequence at p (1..4, ASCII included), or 0 when
 * the byte at p does not start one (the caller writes U+FFFD and moves on
 * one byte).  *cp receives the code point.  p must be NUL terminated. */
size_t sd_utf8_seq(const char *p, uint32_t *cp);

/* "CRITICAL", "WARNING", "UNKNOWN", "INFO", "OK". */
const char *sd_sev_upper(sd_severity s);
/* The same as a verdict: "OK" for info too. */
const char *sd_verdict_upper(sd_severity s);
/* Findings per severity over the whole report (index = sd_severity),
 * the acknowledged ones left out. */
void sd_report_counts(const sd_report *r, size_t counts[5]);
/* Acknowledged findings (they count nowhere else). */
size_t sd_report_acked(const sd_report *r);
/* "Acknowledged by WHO until TIME: REASON" for an acknowledged finding
 * (raw: each writer escapes it its own way). */
void sd_ack_sentence(const sd_finding *f, sd_buf *out);
/* Module indexes most severe first, equal ones in run order; malloc'd. */
size_t *sd_report_module_order(const sd_report *r);

/* "tool": {"name": "srvdoctor", "version": ...} of every JSON document
 * srvdoctor writes (report and fleet). */
void sd_json_put_tool(sd_jwriter *w);
/* Plugin output text (Nagios, Checkmk): control characters as spaces, "|"
 * as "/", invalid UTF-8 as U+FFFD, bidirectional controls as "\\uXXXX";
 * at most max bytes, never splitting a character; returns the bytes
 * added. */
size_t sd_plugin_text(sd_buf *b, const char *s, size_t max);

/* The modules' fleet sections (fleet_hooks.c): built by sd_fleet_finish,
 * freed by sd_fleet_free, written by each fleet format in turn. */
typedef struct sd_fleet sd_fleet;
void sd_fleet_build_sections(sd_fleet *fl);
void sd_fleet_free_sections(sd_fleet *fl);
void sd_fleet_sections_text(const sd_fleet *fl, sd_buf *b);
void sd_fleet_sections_json(const sd_fleet *fl, sd_jwriter *w);
void sd_fleet_sections_html(const sd_fleet *fl, sd_buf *b);

#endif
