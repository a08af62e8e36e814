/* json.h - a strict RFC 8259 pull reader and a deterministic writer.
 *
 * Reader: UTF-8 validated (a leading UTF-8 byte-order mark is skipped, any
 * other encoding is refused), duplicate keys in one object refused, "\u0000"
 * inside strings refused, unpaired surrogates refused, numbers that do not fit
 * (integers outside int64, reals that overflow a double) refused, trailing
 * data refused, nesting depth limited.  Errors carry line and column
 * (1-based; the column counts bytes).
 *
 * Writer: pretty printed with two-space indent and "\n" line ends, keys in
 * the order written, strings escaped so the output is valid JSON whatever
 * bytes the caller passes (invalid UTF-8 becomes U+FFFD). */
#ifndef SRVDOCTOR_JSON_H
#define SRVDOCTOR_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"

#define SD_JSON_MAX_DEPTH 64

typedef enum sd_jtype {
  SD_JT_NONE = 0,
  SD_JT_OBJ_BEGIN,
  SD_JT_OBJ_END,
  SD_JT_ARR_BEGIN,
  SD_JT_ARR_END,
  SD_JT_KEY,    /* str/len hold the key */
  SD_JT_STRING, /* str/len hold the value (no NUL inside, NUL terminated) */
  SD_JT_NUMBER, /* is_int: i64 valid; always: dbl valid */
  SD_JT_TRUE,
  SD_JT_FALSE,
  SD_JT_NULL,
  SD_JT_EOF     /* the document ended cleanly */
} sd_jtype;

typedef struct sd_jtoken {
  sd_jtype type;
  const char *str; /* valid until the next call to sd_jr_next */
  size_t len;
  int is_int;
  int64_t i64;
  double dbl;
  unsigned line; /* where the token starts */
  unsigned col;
} sd_jtoken;

/* Source of bytes: returns the number of bytes placed in buf, 0 at end of
 * input, or (size_t)-1 on a read error. */
typedef size_t (*sd_jread_fn)(void *ctx, char *buf, size_t cap);

typedef struct sd_jreader sd_jreader;

sd_jreader *sd_jr_new_mem(const char *data, size_t len);
sd_jreader *sd_jr_new_stream(sd_jread_fn fn, void *ctx);
void sd_jr_free(sd_jreader *r);

/* Next token.  Returns 0 and fills tok, or -1 after an error (then
 * sd_jr_error tells why; every later call fails too). */
int sd_jr_next(sd_jreader *r, sd_jtoken *tok);
/* Skip the value whose first token was just returned by sd_jr_next
 * (for a scalar this does nothing; for OBJ_BEGIN/ARR_BEGIN it consumes up
 * to and including the matching end).  0 or -1. */
int sd_jr_skip(sd_jreader *r, const sd_jtoken *first);
/* Record a caller-detected error (wrong type, bad value) at tok's position.
 * Always returns -1.  The message is "line L, column C: <text>". */
int sd_jr_fail(sd_jreader *r, const sd_jtoken *tok, const char *fmt,
               ...) SD_PRINTF(3, 4);
/* The first error: a sentence "line L, column C: ..." (no trailing dot
 * needed by callers), or NULL when none. */
const char *sd_jr_error(const sd_jreader *r);

/* ---- writer ---- */
typedef struct sd_jwriter {
  sd_buf *out;
  int depth;
  int first[SD_JSON_MAX_DEPTH + 1]; /* nothing written yet at this level */
  int after_key;
  int compact; /* 1: no whitespace at all */
} sd_jwriter;

void sd_jw_init(sd_jwriter *w, sd_buf *out);
void sd_jw_obj_begin(sd_jwriter *w);
void sd_jw_obj_end(sd_jwriter *w);
void sd_jw_arr_begin(sd_jwriter *w);
void sd_jw_arr_end(sd_jwriter *w);
void sd_jw_key(sd_jwriter *w, const char *key);
void sd_jw_str(sd_jwriter *w, const char *s); /* NULL writes null */
void sd_jw_strn(sd_jwriter *w, const char *s, size_t n);
void sd_jw_int(sd_jwriter *w, int64_t v);
void sd_jw_uint(sd_jwriter *w, uint64_t v);
void sd_jw_bool(sd_jwriter *w, int v);
void sd_jw_null(sd_jwriter *w);
/* A real number, shortest form that reads back as the same double, always
 * with a '.' or an exponent (so it reads back as a real); NaN and infinities
 * are written as null. */
void sd_jw_double(sd_jwriter *w, double v);
/* Append s escaped as JSON string contents (no quotes) to b. */
void sd_json_escape(sd_buf *b, const char *s, size_t n);

#endif
