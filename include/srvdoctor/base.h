/* base.h - memory, buffers, arenas, time and small string helpers shared by
 * every layer of srvdoctor.  Nothing here touches the live system. */
#ifndef SRVDOCTOR_BASE_H
#define SRVDOCTOR_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SD_VERSION "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define SD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SD_VPRINTF(a) __attribute__((format(printf, a, 0)))
#else
#define SD_PRINTF(a, b)
#define SD_VPRINTF(a)
#endif

#define SD_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation: every failure ends the program with exit code 3 ---- */
void *sd_xmalloc(size_t n);
void *sd_xcalloc(size_t count, size_t size);
void *sd_xrealloc(void *p, size_t n);
char *sd_xstrdup(const char *s);
/* Grow an array so that it can hold at least count + 1 elements. */
void *sd_grow(void *items, size_t *cap, size_t count, size_t elem_size);

/* ---- growable byte buffer ---- */
typedef struct sd_buf {
  char *data; /* always NUL terminated when non-NULL */
  size_t len;
  size_t cap;
} sd_buf;

void sd_buf_init(sd_buf *b);
void sd_buf_free(sd_buf *b);
void sd_buf_reset(sd_buf *b);
void sd_buf_put(sd_buf *b, const char *s, size_t n);
void sd_buf_puts(sd_buf *b, const char *s);
void sd_buf_putc(sd_buf *b, char c);
void sd_buf_printf(sd_buf *b, const char *fmt, ...) SD_PRINTF(2, 3);
void sd_buf_vprintf(sd_buf *b, const char *fmt, va_list ap) SD_VPRINTF(2);
/* From byte start on, "\n" becomes "\r\n" (one already CR LF stays). */
void sd_buf_lf_to_crlf(sd_buf *b, size_t start);
/* Take the buffer's memory; the buffer is empty afterwards. */
char *sd_buf_take(sd_buf *b);

/* ---- arena: many small allocations freed together ---- */
typedef struct sd_arena_block sd_arena_block;
typedef struct sd_arena {
  sd_arena_block *head;
  size_t total; /* bytes handed out, for statistics */
} sd_arena;

void sd_arena_init(sd_arena *a);
void sd_arena_free(sd_arena *a);
void *sd_arena_alloc(sd_arena *a, size_t n); /* zeroed, 8-byte aligned */
char *sd_arena_strdup(sd_arena *a, const char *s); /* NULL stays NULL */
char *sd_arena_strndup(sd_arena *a, const char *s, size_t n);
char *sd_arena_printf(sd_arena *a, const char *fmt, ...) SD_PRINTF(2, 3);
char *sd_arena_vprintf(sd_arena *a, const char *fmt, va_list ap) SD_VPRINTF(2);

/* ---- time: seconds since 1970-01-01 UTC; SD_TIME_NONE = not known ---- */
typedef int64_t sd_time;
#define SD_TIME_NONE INT64_MIN
/* Format as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void sd_time_format(sd_time t, char out[32]);
/* Parse exactly that form; returns 0 on success, -1 otherwise. */
int sd_time_parse(const char *s, sd_time *out);
/* Seconds since 1970 of a UTC civil time (proleptic Gregorian); the caller
 * checks the ranges (month 1-12, day 1-31, ...). */
sd_time sd_time_from_civil(int64_t year, unsigned month, unsigned day,
                           unsigned hour, unsigned minute, unsigned second);
/* Convert a Windows FILETIME value (100 ns since 1601) to sd_time. */
sd_time sd_time_from_filetime(uint64_t ft);

/* ---- strings ---- */
int sd_streq(const char *a, const char *b);          /* NULL-safe */
/* The index of s in a table of n names (exact match), -1 when absent. */
int sd_name_index(const char *const *names, size_t n, const char *s);
/* ASCII case-insensitive */
int sd_strieq(const char *a, const char *b);
int sd_strnieq(const char *a, const char *b, size_t n);
const char *sd_stristr(const char *hay, const char *needle); /* ASCII */
const char *sd_str_or(const char *s, const char *fallback);
/* Validate UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
int sd_utf8_valid(const char *s, size_t n);
/* The one UTF-8 decoder: the length (1..4) of the valid sequence at s,
 * given avail bytes, with its code point in *cp; 0 when it is not valid
 * UTF-8 (RFC 3629: no overlong forms, surrogates or values above
 * U+10FFFF), and then *bad is the index of the first byte that is wrong,
 * or avail when the sequence is cut short.  cp and bad may be NULL. */
size_t sd_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp,
                      size_t *bad);
/* Characters that reorder the text around them on screen (the Unicode
 * bidirectional controls U+200E, U+200F, U+202A-U+202E, U+2066-U+2069):
 * every writer shows them escaped, so that a name from the server cannot
 * make PIDs or sizes read backwards. */
int sd_is_bidi_control(uint32_t cp);
/* Append machine text for a console or text file so that it cannot drive
 * the terminal or reorder the line: control characters (C0, DEL, C1)
 * become \xNN / \uNNNN, bidirectional controls \uNNNN, invalid UTF-8
 * U+FFFD.  keep_newlines: "\n" passes (multi-line text of our own). */
void sd_buf_put_safe(sd_buf *b, const char *s, int keep_newlines);

#endif
