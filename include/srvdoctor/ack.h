/* ack.h - acknowledged findings: the acks file (one JSON document beside
 * the reports, %ProgramData%\srvdoctor\acks.json by default), read,
 * changed and written by "srvdoctor ack", read by check and fleet. */
#ifndef SRVDOCTOR_ACK_H
#define SRVDOCTOR_ACK_H

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/finding.h"

/* The acks file's format version ("acks_version"). */
#define SD_ACKS_VERSION 1
/* The file's name in its folder. */
#define SD_ACKS_FILE "acks.json"

/* One acknowledgement: a finding code on one exact target. */
typedef struct sd_ack {
  const char *code;     /* "EXCH-INTERIM-UPDATE" */
  const char *target;   /* the finding's target (fix's --target), or the
                           host name for a finding without one */
  sd_time until;        /* expires at this time */
  const char *reason;
  const char *by;       /* who acknowledged it: "CONTOSO\admin" */
  sd_time at;           /* when */
} sd_ack;

typedef struct sd_acks {
  sd_arena arena;       /* the strings */
  sd_ack *items;
  size_t count, cap;
} sd_acks;

void sd_acks_init(sd_acks *a);
void sd_acks_free(sd_acks *a);
/* Read the file's bytes.  Returns 0, or -1 with err saying what is wrong
 * ("line 3, column 5: ..." or "entry 2 has no \"until\"").  Every entry
 * needs code, target, until, reason, by and at; unknown keys are refused,
 * so that a typo never silently drops a field. */
int sd_acks_parse(const char *data, size_t len, sd_acks *out, sd_err *err);
/* The file's bytes: pretty printed JSON ending with "\n". */
void sd_acks_write(const sd_acks *a, sd_buf *out);
/* Add one, replacing an acknowledgement of the same code and target. */
void sd_acks_put(sd_acks *a, const sd_ack *x);
/* Remove those of code on target; returns how many were removed. */
size_t sd_acks_remove(sd_acks *a, const char *code, const char *target);
/* The target an acknowledgement of finding f names: its own target (the
 * one fix takes), else the host's name (a finding about the whole host). */
const char *sd_ack_target_of(const sd_finding *f, const char *host);

/* ---- applying them to a report (src/checks/acks.c) ---- */
typedef struct sd_report sd_report;
/* Mark every finding of rep an acknowledgement of acks names (same code,
 * same target: sd_target_same, finding.h) that has not expired at as_of; add an
 * ACK-EXPIRED finding (info, host module) for every expired one, saying
 * whether its finding is still there (it then counts again); then finish
 * the report again, so that statuses and the exit code leave the
 * acknowledged findings out. */
void sd_acks_apply(sd_report *rep, const sd_acks *acks, sd_time as_of);
/* The acks file at path could not be used (why: a sentence without its
 * final dot): no finding is acknowledged, and an ACK-FILE-INVALID finding
 * (unknown, host module) says so; the report is finished again. */
void sd_acks_invalid(sd_report *rep, const char *path, const char *why);

#endif
