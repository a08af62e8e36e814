/* parse_setuplog.h - the reader of Exchange setup's own log, ExchangeSetup.log.
 *
 * A pure parser of outside input: no Windows API, no file API.  The caller
 * hands it a callback that reads bytes at an offset and the file's size;
 * the reader looks for the start of the LAST run of setup from the end of
 * the file backwards, in chunks, reads that run only and says how it
 * ended.  Memory stays below a few MiB whatever the size of the file, and
 * at most SD_SLOG_SCAN_MAX bytes are read backwards and as many forwards.
 *
 * The facts it encodes (markers, line format, the known failures and
 * their sources) are in docs/exchange-sp2-setup-facts.md. */
#ifndef SRVDOCTOR_SETUPLOG_H
#define SRVDOCTOR_SETUPLOG_H

#include <stddef.h>
#include <stdint.h>

/* Bytes read at a time, and how far from the end the run start is looked
 * for (and the most of one run that is read). */
#define SD_SLOG_CHUNK ((size_t)1 << 20)
#define SD_SLOG_SCAN_MAX ((uint64_t)64 << 20)
/* Longest line kept (longer ones are cut there) and the longest error,
 * continuation lines included, that is looked at. */
#define SD_SLOG_LINE_MAX 16384
#define SD_SLOG_COLLECT_MAX 4096

/* Read up to len bytes at offset into buf.  Returns 0 with the count in
 * *got (0 or fewer than len only at the end of the file), or a non-zero
 * OS error code when the bytes could not be read. */
typedef uint32_t (*sd_slog_read_fn)(void *ctx, uint64_t offset, void *buf,
                                    size_t len, size_t *got);

typedef enum sd_slog_state {
  SD_SLOG_UNREADABLE = 0, /* the callback failed: see error and why */
  SD_SLOG_EMPTY,          /* the file has no bytes */
  SD_SLOG_NO_RUN,         /* no line starting a run of setup */
  SD_SLOG_SUCCEEDED,      /* the last run says it completed */
  SD_SLOG_FAILED,         /* the last run says it did not complete */
  SD_SLOG_UNFINISHED,     /* no end marker: still running, or killed */
  SD_SLOG_TRUNCATED,      /* no end marker, and the last line is cut */
  SD_SLOG_UNKNOWN         /* it ended without saying how */
} sd_slog_state;

typedef enum sd_slog_encoding {
  SD_SLOG_ENC_NONE = 0, /* nothing read */
  SD_SLOG_ENC_UTF16LE,  /* BOM FF FE, or NUL in every other byte */
  SD_SLOG_ENC_UTF8,     /* BOM EF BB BF */
  SD_SLOG_ENC_ANSI      /* no BOM: UTF-8 where valid, else Windows-1252 */
} sd_slog_encoding;

/* One known failure: the error text patterns (ASCII, matched without
 * regard to case; up to three, NULL after the last), its documented
 * cause and remedy, and where that is documented. */
typedef struct sd_slog_known {
  const char *id;
  const char *patterns[3];
  const char *cause;
  const char *remedy;
  const char *source;
} sd_slog_known;

extern const sd_slog_known sd_setuplog_known[];
extern const size_t sd_setuplog_nknown;

/* Everything is in the struct: no allocation to free.  Strings are valid
 * UTF-8, NUL terminated, empty when not found. */
typedef struct sd_slog_result {
  sd_slog_state state;
  uint32_t error;            /* the callback's error when unreadable */
  char why[320];             /* one sentence */
  sd_slog_encoding encoding;
  int run_start_found;       /* 0: the run began before the part read */
  uint64_t run_offset;       /* file offset of the part of the run read */
  uint64_t run_lines;        /* lines of the last run read */
  char started[64];          /* the run's first timestamp, as written */
  char build[64];            /* "Setup version:" of the run */
  char step[256];            /* the step the first error happened in */
  char task[256];            /* the task (command) that failed */
  char error_text[512];      /* the first error of the run */
  const sd_slog_known *known; /* the known failure matched, or NULL */
  uint64_t bytes_read;       /* bytes asked of the callback */
} sd_slog_result;

/* Read the last run of the log of size bytes through read(ctx, ...). */
void sd_setuplog_read(sd_slog_read_fn read, void *ctx, uint64_t size,
                      sd_slog_result *out);
const char *sd_setuplog_state_name(sd_slog_state s);
const char *sd_setuplog_encoding_name(sd_slog_encoding e);

#endif
