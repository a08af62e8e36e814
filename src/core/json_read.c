/* json_read.c - the strict RFC 8259 pull reader declared in json.h.
 *
 * The reader is a state machine over an explicit container stack, so deep
 * input never recurses.  Bytes come either from the caller's memory (read
 * in place) or from a read callback through a 64 KiB window that slides
 * forward; string and number tokens are copied into one growable buffer as
 * they are scanned, so no token has to be contiguous in the window and
 * input of any size is read with a bounded window.
 *
 * Duplicate keys: every open object owns a run of entries (hash, offset and
 * length of the key text) at the end of one growable entry array, the key
 * text at the end of one growable byte array, and, once it has more than a
 * few keys, an open-addressing hash table at the end of one growable slot
 * array.  Keys are only ever added to the innermost open container, so the
 * three arrays behave as stacks: closing an object truncates them. */
#include "srvdoctor/json.h"

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JR_WINDOW (64u * 1024u)
#define JR_LINEAR_KEYS 8u /* objects with up to this many keys: no table */
#define JR_MSG_KEY_MAX 60u /* key bytes quoted in an error message */

enum {
  EXP_VALUE,        /* top level, after ':' and after ',' in an array */
  EXP_VALUE_OR_END, /* after '[' */
  EXP_KEY,          /* after ',' in an object */
  EXP_KEY_OR_END,   /* after '{' */
  EXP_COLON,        /* after a key */
  EXP_COMMA_OR_END, /* after a value inside a container */
  EXP_EOF,          /* after the top-level value */
  EXP_DONE          /* the EOF token was returned */
};

typedef struct jr_frame {
  int is_obj;
  size_t ent_base;  /* first entry of this object in r->ents */
  size_t nent;
  size_t slot_base; /* its hash table in r->slots (slot_cap == 0: none) */
  size_t slot_cap;
  size_t key_base;  /* its key text in r->kb */
} jr_frame;

typedef struct jr_entry {
  size_t off;
  size_t len;
  uint32_t hash;
} jr_entry;

struct sd_jreader {
  const unsigned char *p;     /* next byte */
  const unsigned char *end;   /* end of the bytes available */
  const unsigned char *start; /* first byte of the window */
  uint64_t base;              /* input offset of *start */
  unsigned char *win;         /* stream window, NULL for memory input */
  size_t wincap;
  sd_jread_fn fn;
  void *ctx;
  int eof;                    /* no more bytes will come */
  int started;                /* byte-order mark handled */
  int expect;
  int failed;
  int depth;
  unsigned line;
  uint64_t line_start;        /* input offset of the current line */
  char decimal;               /* the C library's decimal point */
  uint32_t seed;
  /* token text */
  char *s;
  size_t slen;
  size_t scap;
  /* container stack and duplicate-key sets */
  jr_frame frames[SD_JSON_MAX_DEPTH];
  char *kb;
  size_t kblen;
  size_t kbcap;
  jr_entry *ents;
  size_t nents;
  size_t entcap;
  uint32_t *slots;
  size_t nslots;
  size_t slotcap;
  sd_buf err;
};

/* 1 for the bytes that end a plain run inside a string: '"', '\\', control
 * characters and every non-ASCII byte. */
#define R1 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define R0 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
static const unsigned char jr_strstop[256] = {
  R1, R1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
  R0, R0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x5C '\\' */
  R0, R0,
  R1, R1, R1, R1, R1, R1, R1, R1
};

/* 1 for the bytes a number literal may contain: + - . 0-9 E e */
static const unsigned char jr_numchar[256] = {
  R0, R0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, /* + - . */
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0-9 */
  0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* E */
  R0,
  0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* e */
  R0,
  R0, R0, R0, R0, R0, R0, R0, R0
};
#undef R0
#undef R1

/* ---- positions and errors ---- */

static uint64_t jr_off(const sd_jreader *r, const unsigned char *p)
{
  return r->base + (uint64_t)(p - r->start);
}

static unsigned jr_col(const sd_jreader *r, uint64_t off)
{
  uint64_t col = off - r->line_start + 1;
  return col > UINT_MAX ? UINT_MAX : (unsigned)col;
}

static void jr_verr(sd_jreader *r, unsigned line, unsigned col,
                    const char *fmt, va_list ap) SD_VPRINTF(4);
static void jr_verr(sd_jreader *r, unsigned line, unsigned col,
                    const char *fmt, va_list ap)
{
  if(r->failed)
    return; /* the first error is the one reported */
  r->failed = 1;
  sd_buf_reset(&r->err);
  sd_buf_printf(&r->err, "line %u, column %u: ", line, col);
  sd_buf_vprintf(&r->err, fmt, ap);
}

static int jr_err_at(sd_jreader *r, uint64_t off, const char *fmt, ...)
  SD_PRINTF(3, 4);

/* Record an error at an input offset on the current line; returns -1. */
static int jr_err_at(sd_jreader *r, uint64_t off, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  jr_verr(r, r->line, jr_col(r, off), fmt, ap);
  va_end(ap);
  return -1;
}

/* Describe an input byte (or -1 for the end of input) for a message. */
static void jr_describe(int c, char out[32])
{
  if(c < 0)
    snprintf(out, 32, "end of input");
  else if(c >= 0x20 && c < 0x7F)
    snprintf(out, 32, "'%c'", c);
  else
    snprintf(out, 32, "byte 0x%02X", (unsigned)c);
}

/* "expected X but found Y" at the current position. */
static int jr_unexpected(sd_jreader *r, int c, const char *expected)
{
  char found[32];
  const char *hint = "";
  uint64_t at = jr_off(r, r->p);
  if(c < 0)
    return jr_err_at(r, at, "unexpected end of input (expected %s)",
                     expected);
  jr_describe(c, found);
  if(c == '/')
    hint = " (comments are not allowed in JSON)";
  else if(c == '\'')
    hint = " (strings need double quotes)";
  else if(c == 0)
    hint = " (NUL bytes are not allowed; is the document UTF-16?)";
  else if(c == 'N' || c == 'I')
    hint = " (NaN and Infinity are not valid JSON)";
  else if(c >= 0x80)
    hint = " (non-ASCII bytes are only allowed inside strings)";
  return jr_err_at(r, at, "expected %s but found %s%s", expected, found,
                   hint);
}

/* ---- input window ---- */

/* Slide the window so that at least `need` bytes are available at r->p if
 * the input has them (need is at most a few bytes).  Returns the number of
 * bytes available. */
static size_t jr_fill(sd_jreader *r, size_t need)
{
  size_t have = (size_t)(r->end - r->p);
  if(r->eof)
    return have;
  if(r->p != r->win) {
    r->base += (uint64_t)(r->p - r->start);
    if(have)
      memmove(r->win, r->p, have);
    r->p = r->start = r->win;
    r->end = r->win + have;
  }
  while(have < need && !r->eof) {
    size_t room = r->wincap - have;
    size_t n = r->fn(r->ctx, (char *)r->win + have, room);
    if(n == (size_t)-1) {
      jr_err_at(r, r->base + have, "read error");
      r->eof = 1;
      break;
    }
    if(n == 0) {
      r->eof = 1;
      break;
    }
    if(n > room)
      n = room; /* a misbehaving callback */
    have += n;
    r->end = r->win + have;
  }
  return have;
}

static size_t jr_avail(sd_jreader *r, size_t need)
{
  size_t have = (size_t)(r->end - r->p);
  return have >= need ? have : jr_fill(r, need);
}

/* Skip whitespace; returns the next byte or -1 at the end of the input. */
static int jr_ws(sd_jreader *r)
{
  for(;;) {
    const unsigned char *p = r->p;
    const unsigned char *end = r->end;
    while(p < end) {
      unsigned char c = *p;
      if(c == ' ' || c == '\t' || c == '\r')
        p++;
      else if(c == '\n') {
        p++;
        r->line++;
        r->line_start = jr_off(r, p);
      }
      else {
        r->p = p;
        return c;
      }
    }
    r->p = p;
    if(!jr_fill(r, 1))
      return -1;
  }
}

/* ---- token text ---- */

static void jr_sreserve(sd_jreader *r, size_t extra)
{
  size_t need = r->slen + extra + 1;
  size_t ncap;
  if(need <= r->scap)
    return;
  ncap = r->scap ? r->scap : 256;
  while(ncap < need) {
    if(ncap > ((size_t)-1) / 2)
      ncap = need;
    else
      ncap *= 2;
  }
  r->s = sd_xrealloc(r->s, ncap);
  r->scap = ncap;
}

static void jr_sput(sd_jreader *r, const unsigned char *p, size_t n)
{
  jr_sreserve(r, n);
  memcpy(r->s + r->slen, p, n);
  r->slen += n;
}

static void jr_sputc(sd_jreader *r, unsigned c)
{
  jr_sreserve(r, 1);
  r->s[r->slen++] = (char)c;
}

static void jr_sterm(sd_jreader *r)
{
  jr_sreserve(r, 0);
  r->s[r->slen] = '\0';
}

/* ---- strings ---- */

static int jr_eof_in_string(sd_jreader *r, const unsigned char *at)
{
  return jr_err_at(r, jr_off(r, at), "unexpected end of input inside a string");
}

/* Validate and copy the UTF-8 sequence at r->p (its first byte >= 0x80). */
static int jr_utf8(sd_jreader *r)
{
  size_t have = jr_avail(r, 4);
  const unsigned char *p = r->p;
  size_t n, bad = 0;
  n = sd_utf8_decode(p, have, NULL, &bad);
  if(!n) {
    if(bad == 0)
      return jr_err_at(r, jr_off(r, p), "invalid UTF-8 byte 0x%02X in a "
                       "string", p[0]);
    if(bad >= have)
      return jr_eof_in_string(r, p + bad);
    return jr_err_at(r, jr_off(r, p),
                     "invalid UTF-8 sequence (byte 0x%02X followed by 0x%02X)"
                     " in a string", p[0], p[bad]);
  }
  jr_sput(r, p, n);
  r->p = p + n;
  return 0;
}

static int jr_hexval(unsigned c)
{
  if(c >= '0' && c <= '9')
    return (int)(c - '0');
  if(c >= 'a' && c <= 'f')
    return (int)(c - 'a' + 10);
  if(c >= 'A' && c <= 'F')
    return (int)(c - 'A' + 10);
  return -1;
}

/* Four hex digits at p[from..from+3] of the `have` available bytes. */
static int jr_hex4(sd_jreader *r, const unsigned char *p, size_t from,
                   size_t have, unsigned *out)
{
  size_t i;
  unsigned v = 0;
  for(i = from; i < from + 4; i++) {
    int d;
    if(i >= have)
      return jr_eof_in_string(r, p + i);
    d = jr_hexval(p[i]);
    if(d < 0)
      return jr_err_at(r, jr_off(r, p + from - 2),
                       "invalid \\u escape (expected four hex digits)");
    v = (v << 4) | (unsigned)d;
  }
  *out = v;
  return 0;
}

static void jr_put_cp(sd_jreader *r, unsigned cp)
{
  if(cp < 0x80)
    jr_sputc(r, cp);
  else if(cp < 0x800) {
    jr_sputc(r, 0xC0 | (cp >> 6));
    jr_sputc(r, 0x80 | (cp & 0x3F));
  }
  else if(cp < 0x10000) {
    jr_sputc(r, 0xE0 | (cp >> 12));
    jr_sputc(r, 0x80 | ((cp >> 6) & 0x3F));
    jr_sputc(r, 0x80 | (cp & 0x3F));
  }
  else {
    jr_sputc(r, 0xF0 | (cp >> 18));
    jr_sputc(r, 0x80 | ((cp >> 12) & 0x3F));
    jr_sputc(r, 0x80 | ((cp >> 6) & 0x3F));
    jr_sputc(r, 0x80 | (cp & 0x3F));
  }
}

/* The \uXXXX escape at r->p, with its low surrogate if it is a high one. */
static int jr_uescape(sd_jreader *r)
{
  size_t have = jr_avail(r, 12);
  const unsigned char *p = r->p;
  uint64_t at = jr_off(r, p);
  unsigned cp, lo;
  if(jr_hex4(r, p, 2, have, &cp))
    return -1;
  if(cp == 0)
    return jr_err_at(r, at, "\\u0000 is not allowed in a string");
  if(cp >= 0xDC00 && cp <= 0xDFFF)
    return jr_err_at(r, at, "unpaired surrogate \\u%04X in a string", cp);
  if(cp < 0xD800 || cp > 0xDBFF) {
    jr_put_cp(r, cp);
    r->p = p + 6;
    return 0;
  }
  /* a high surrogate: the low one must follow at once */
  if(have <= 6)
    return jr_eof_in_string(r, p + have);
  if(p[6] != '\\')
    return jr_err_at(r, at, "unpaired surrogate \\u%04X in a string", cp);
  if(have <= 7)
    return jr_eof_in_string(r, p + have);
  if(p[7] != 'u')
    return jr_err_at(r, at, "unpaired surrogate \\u%04X in a string", cp);
  if(jr_hex4(r, p, 8, have, &lo))
    return -1;
  if(lo < 0xDC00 || lo > 0xDFFF)
    return jr_err_at(r, at, "unpaired surrogate \\u%04X in a string", cp);
  jr_put_cp(r, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
  r->p = p + 12;
  return 0;
}

/* The escape sequence at r->p (which points at the backslash). */
static int jr_escape(sd_jreader *r)
{
  size_t have = jr_avail(r, 2);
  const unsigned char *p = r->p;
  unsigned c;
  if(have < 2)
    return jr_eof_in_string(r, p + have);
  switch(p[1]) {
  case '"': c = '"'; break;
  case '\\': c = '\\'; break;
  case '/': c = '/'; break;
  case 'b': c = '\b'; break;
  case 'f': c = '\f'; break;
  case 'n': c = '\n'; break;
  case 'r': c = '\r'; break;
  case 't': c = '\t'; break;
  case 'u': return jr_uescape(r);
  default:
    if(p[1] >= 0x20 && p[1] < 0x7F)
      return jr_err_at(r, jr_off(r, p), "invalid escape sequence \\%c",
                       (char)p[1]);
    return jr_err_at(r, jr_off(r, p),
                     "invalid escape sequence (backslash followed by byte"
                     " 0x%02X)", (unsigned)p[1]);
  }
  jr_sputc(r, c);
  r->p = p + 2;
  return 0;
}

/* The string at r->p (which points at the opening quote) into r->s. */
static int jr_string(sd_jreader *r)
{
  r->slen = 0;
  r->p++;
  for(;;) {
    const unsigned char *p = r->p;
    const unsigned char *end = r->end;
    const unsigned char *q = p;
    unsigned c;
    while(end - q >= 4) {
      if(jr_strstop[q[0]])
        goto stop;
      if(jr_strstop[q[1]]) {
        q += 1;
        goto stop;
      }
      if(jr_strstop[q[2]]) {
        q += 2;
        goto stop;
      }
      if(jr_strstop[q[3]]) {
        q += 3;
        goto stop;
      }
      q += 4;
    }
    while(q < end && !jr_strstop[*q])
      q++;
stop:
    if(q != p) {
      jr_sput(r, p, (size_t)(q - p));
      r->p = q;
    }
    if(q == end) {
      if(!jr_fill(r, 1))
        return jr_eof_in_string(r, r->p);
      continue;
    }
    c = *q;
    if(c == '"') {
      r->p = q + 1;
      jr_sterm(r);
      return 0;
    }
    if(c == '\\') {
      if(jr_escape(r))
        return -1;
    }
    else if(c < 0x20)
      return jr_err_at(r, jr_off(r, q),
                       "control character 0x%02X in a string (it must be"
                       " escaped)", c);
    else if(jr_utf8(r))
      return -1;
  }
}

/* ---- numbers ---- */

static int jr_num_err(sd_jreader *r, uint64_t at, size_t i, const char *what)
{
  char found[32];
  int c;
  if(i < r->slen)
    c = (unsigned char)r->s[i];
  else
    c = jr_avail(r, 1) ? *r->p : -1;
  jr_describe(c, found);
  return jr_err_at(r, at + i, "invalid number: %s but found %s", what, found);
}

static int jr_isdigit(char c)
{
  return c >= '0' && c <= '9';
}

static double jr_strtod(sd_jreader *r)
{
  char *dot;
  double v;
  if(r->decimal == '.' || !(dot = strchr(r->s, '.')))
    return strtod(r->s, NULL);
  /* the C library was switched to a locale with another decimal point */
  *dot = r->decimal;
  v = strtod(r->s, NULL);
  *dot = '.';
  return v;
}

/* A number's digits as they are scanned: value = mant * 10^exp10 while
 * exact (inexact: a nonzero digit was dropped). */
typedef struct jr_num {
  uint64_t mant;
  unsigned ndig;      /* significant digits in mant */
  long exp10;
  long e;             /* the exponent's digits */
  int neg, is_int, inexact, eneg;
} jr_num;

/* Copy the characters that can make up a number from r->p into r->s. */
static void jr_number_text(sd_jreader *r)
{
  r->slen = 0;
  for(;;) {
    const unsigned char *p = r->p;
    const unsigned char *end = r->end;
    const unsigned char *q = p;
    while(q < end && jr_numchar[*q])
      q++;
    if(q != p)
      jr_sput(r, p, (size_t)(q - p));
    r->p = q;
    if(q < end || !jr_fill(r, 1))
      break;
  }
  jr_sterm(r);
}

/* The integer part at s[*i]: "0" or digits not starting with 0. */
static int jr_int_part(sd_jreader *r, uint64_t at, const char *s, size_t *i,
                       jr_num *n)
{
  if(s[*i] == '0') {
    (*i)++;
    if(jr_isdigit(s[*i]))
      return jr_err_at(r, at + *i - 1,
                       "invalid number: leading zeros are not allowed");
    return 0;
  }
  if(!jr_isdigit(s[*i]))
    return jr_num_err(r, at, *i, n->neg ? "expected a digit after '-'" :
                      "expected a digit");
  for(; jr_isdigit(s[*i]); (*i)++) {
    unsigned d = (unsigned)(s[*i] - '0');
    if(n->ndig < 19) {
      n->mant = n->mant * 10 + d;
      n->ndig++;
    }
    else {
      /* dropped: the value is mant * 10^exp10 while they are zeros */
      if(n->exp10 < 1000000)
        n->exp10++;
      else
        n->inexact = 1;
      n->inexact |= d != 0;
      n->ndig = 20; /* too many for int64 in any case */
    }
  }
  return 0;
}

/* The fraction and the exponent, each optional. */
static int jr_frac_exp(sd_jreader *r, uint64_t at, const char *s, size_t *i,
                       jr_num *n)
{
  if(s[*i] == '.') {
    n->is_int = 0;
    (*i)++;
    if(!jr_isdigit(s[*i]))
      return jr_num_err(r, at, *i, "expected a digit after the decimal "
                        "point");
    for(; jr_isdigit(s[*i]); (*i)++) {
      unsigned d = (unsigned)(s[*i] - '0');
      if(n->ndig < 19) {
        n->mant = n->mant * 10 + d;
        if(n->mant)
          n->ndig++;
        if(n->exp10 > -1000000)
          n->exp10--;
        else
          n->inexact = 1;
      }
      else
        n->inexact |= d != 0;
    }
  }
  if(s[*i] == 'e' || s[*i] == 'E') {
    n->is_int = 0;
    (*i)++;
    if(s[*i] == '+' || s[*i] == '-')
      n->eneg = s[(*i)++] == '-';
    if(!jr_isdigit(s[*i]))
      return jr_num_err(r, at, *i, "expected a digit in the exponent");
    for(; jr_isdigit(s[*i]); (*i)++)
      if(n->e < 1000000)
        n->e = n->e * 10 + (s[*i] - '0');
  }
  return 0;
}

/* The token's value from the scanned digits. */
static int jr_number_value(sd_jreader *r, uint64_t at, jr_num *n,
                           sd_jtoken *tok)
{
  static const double jr_pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  if(n->is_int) {
    if(n->ndig > 19 || n->mant > (uint64_t)INT64_MAX + (uint64_t)n->neg)
      return jr_err_at(r, at, "number out of range (integers must fit in"
                       " 64 bits)");
    tok->is_int = 1;
    if(!n->neg)
      tok->i64 = (int64_t)n->mant;
    else if(n->mant == (uint64_t)INT64_MAX + 1)
      tok->i64 = INT64_MIN;
    else
      tok->i64 = -(int64_t)n->mant;
    tok->dbl = (n->neg && !n->mant) ? -0.0 : (double)tok->i64;
    return 0;
  }
  n->exp10 += n->eneg ? -n->e : n->e;
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
  /* Exact: mant and 10^|exp10| are both representable, so one correctly
   * rounded operation gives the correctly rounded result. */
  if(!n->inexact && n->mant <= ((uint64_t)1 << 53) && n->exp10 >= -22 &&
     n->exp10 <= 22) {
    double v = (double)n->mant;
    v = n->exp10 < 0 ? v / jr_pow10[-n->exp10] : v * jr_pow10[n->exp10];
    tok->dbl = n->neg ? -v : v;
    return 0;
  }
#else
  (void)jr_pow10;
#endif
  tok->dbl = jr_strtod(r);
  if(tok->dbl > DBL_MAX || tok->dbl < -DBL_MAX)
    return jr_err_at(r, at, "number out of range (too large for a double)");
  return 0;
}

/* The number at r->p; its text goes to r->s. */
static int jr_number(sd_jreader *r, sd_jtoken *tok)
{
  uint64_t at = jr_off(r, r->p);
  jr_num n;
  size_t i = 0;
  memset(&n, 0, sizeof(n));
  n.is_int = 1;
  jr_number_text(r);
  if(r->s[i] == '-') {
    n.neg = 1;
    i++;
  }
  if(jr_int_part(r, at, r->s, &i, &n) || jr_frac_exp(r, at, r->s, &i, &n))
    return -1;
  if(i != r->slen)
    return jr_num_err(r, at, i, "expected the end of the number");
  tok->type = SD_JT_NUMBER;
  tok->str = r->s;
  tok->len = r->slen;
  return jr_number_value(r, at, &n, tok);
}

/* ---- duplicate keys ---- */

static uint32_t jr_hash(const char *s, size_t n, uint32_t seed)
{
  uint32_t h = 2166136261u ^ seed;
  size_t i;
  for(i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  return h;
}

static int jr_key_eq(const sd_jreader *r, const jr_entry *e, uint32_t h,
                     const char *k, size_t n)
{
  return e->hash == h && e->len == n &&
         (!n || !memcmp(r->kb + e->off, k, n));
}

/* Give the innermost object f a table of cap slots holding its entries. */
static void jr_rehash(sd_jreader *r, jr_frame *f, size_t cap)
{
  size_t i, mask = cap - 1;
  uint32_t *t;
  while(r->slotcap < f->slot_base + cap)
    r->slots = sd_grow(r->slots, &r->slotcap, f->slot_base + cap - 1,
                       sizeof(*r->slots));
  t = r->slots + f->slot_base;
  memset(t, 0, cap * sizeof(*t));
  for(i = 0; i < f->nent; i++) {
    size_t j = r->ents[f->ent_base + i].hash & mask;
    while(t[j])
      j = (j + 1) & mask;
    t[j] = (uint32_t)(i + 1);
  }
  f->slot_cap = cap;
  r->nslots = f->slot_base + cap;
}

static void jr_key_quote(sd_buf *b, const char *k, size_t n)
{
  int cut = 0;
  if(n > JR_MSG_KEY_MAX) {
    n = JR_MSG_KEY_MAX;
    while(n && ((unsigned char)k[n] & 0xC0) == 0x80)
      n--;
    cut = 1;
  }
  sd_json_escape(b, k, n);
  if(cut)
    sd_buf_puts(b, "...");
}

/* Add the key in r->s to the innermost object; refuse a duplicate. */
static int jr_key_add(sd_jreader *r, uint64_t at)
{
  jr_frame *f = &r->frames[r->depth - 1];
  const char *k = r->s;
  size_t n = r->slen;
  uint32_t h = jr_hash(k, n, r->seed);
  jr_entry *e;
  if(f->nent >= UINT32_MAX - 1)
    return jr_err_at(r, at, "too many keys in one object");
  if(!f->slot_cap) {
    size_t i;
    for(i = 0; i < f->nent; i++)
      if(jr_key_eq(r, &r->ents[f->ent_base + i], h, k, n))
        goto dup;
    if(f->nent >= JR_LINEAR_KEYS)
      jr_rehash(r, f, 4 * JR_LINEAR_KEYS);
  }
  else if((f->nent + 1) * 2 > f->slot_cap)
    jr_rehash(r, f, f->slot_cap * 2);
  if(f->slot_cap) {
    uint32_t *t = r->slots + f->slot_base;
    size_t mask = f->slot_cap - 1;
    size_t j = h & mask;
    while(t[j]) {
      if(jr_key_eq(r, &r->ents[f->ent_base + t[j] - 1], h, k, n))
        goto dup;
      j = (j + 1) & mask;
    }
    t[j] = (uint32_t)(f->nent + 1);
  }
  r->ents = sd_grow(r->ents, &r->entcap, r->nents, sizeof(*r->ents));
  e = &r->ents[r->nents++];
  e->off = r->kblen;
  e->len = n;
  e->hash = h;
  f->nent++;
  if(n) {
    while(r->kbcap < r->kblen + n)
      r->kb = sd_grow(r->kb, &r->kbcap, r->kblen + n - 1, 1);
    memcpy(r->kb + r->kblen, k, n);
    r->kblen += n;
  }
  return 0;
dup:
  {
    sd_buf q;
    sd_buf_init(&q);
    jr_key_quote(&q, k, n);
    jr_err_at(r, at, "duplicate key \"%s\"", q.data ? q.data : "");
    sd_buf_free(&q);
    return -1;
  }
}

/* ---- the state machine ---- */

static void jr_value_done(sd_jreader *r)
{
  r->expect = r->depth ? EXP_COMMA_OR_END : EXP_EOF;
}

static int jr_open(sd_jreader *r, sd_jtoken *tok, int is_obj)
{
  jr_frame *f;
  if(r->depth >= SD_JSON_MAX_DEPTH)
    return jr_err_at(r, jr_off(r, r->p),
                     "nesting too deep (more than %d levels of arrays and"
                     " objects)", SD_JSON_MAX_DEPTH);
  f = &r->frames[r->depth++];
  f->is_obj = is_obj;
  f->ent_base = r->nents;
  f->nent = 0;
  f->slot_base = r->nslots;
  f->slot_cap = 0;
  f->key_base = r->kblen;
  r->p++;
  tok->type = is_obj ? SD_JT_OBJ_BEGIN : SD_JT_ARR_BEGIN;
  r->expect = is_obj ? EXP_KEY_OR_END : EXP_VALUE_OR_END;
  return 0;
}

static int jr_close(sd_jreader *r, sd_jtoken *tok)
{
  jr_frame *f = &r->frames[--r->depth];
  if(f->is_obj) {
    r->nents = f->ent_base;
    r->nslots = f->slot_base;
    r->kblen = f->key_base;
  }
  r->p++;
  tok->type = f->is_obj ? SD_JT_OBJ_END : SD_JT_ARR_END;
  jr_value_done(r);
  return 0;
}

static int jr_literal(sd_jreader *r, sd_jtoken *tok, const char *word,
                      sd_jtype type)
{
  size_t n = strlen(word);
  size_t have = jr_avail(r, n);
  const unsigned char *p = r->p;
  size_t i;
  for(i = 0; i < n; i++) {
    if(i >= have)
      return jr_err_at(r, jr_off(r, p + i),
                       "unexpected end of input (expected '%s')", word);
    if(p[i] != (unsigned char)word[i])
      return jr_err_at(r, jr_off(r, p), "invalid literal (expected '%s')",
                       word);
  }
  r->p = p + n;
  tok->type = type;
  jr_value_done(r);
  return 0;
}

static int jr_value(sd_jreader *r, int c, sd_jtoken *tok)
{
  switch(c) {
  case '{':
    return jr_open(r, tok, 1);
  case '[':
    return jr_open(r, tok, 0);
  case '"':
    if(jr_string(r))
      return -1;
    tok->type = SD_JT_STRING;
    tok->str = r->s;
    tok->len = r->slen;
    jr_value_done(r);
    return 0;
  case 't':
    return jr_literal(r, tok, "true", SD_JT_TRUE);
  case 'f':
    return jr_literal(r, tok, "false", SD_JT_FALSE);
  case 'n':
    return jr_literal(r, tok, "null", SD_JT_NULL);
  default:
    if(c == '-' || (c >= '0' && c <= '9')) {
      if(jr_number(r, tok))
        return -1;
      jr_value_done(r);
      return 0;
    }
    return jr_unexpected(r, c, "a value");
  }
}

static int jr_key(sd_jreader *r, sd_jtoken *tok)
{
  uint64_t at = jr_off(r, r->p);
  if(jr_string(r) || jr_key_add(r, at))
    return -1;
  tok->type = SD_JT_KEY;
  tok->str = r->s;
  tok->len = r->slen;
  r->expect = EXP_COLON;
  return 0;
}

/* The byte-order mark check at the very start. */
static int jr_start(sd_jreader *r)
{
  size_t have = jr_avail(r, 3);
  const unsigned char *p = r->p;
  r->started = 1;
  if(r->failed)
    return -1;
  if(have >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
    /* skipped, and not counted in columns */
    r->p = p + 3;
    r->line_start = 3;
    return 0;
  }
  if(have >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) ||
                   (p[0] == 0xFF && p[1] == 0xFE)))
    return jr_err_at(r, 0, "UTF-16 byte order mark (the document must be"
                     " UTF-8)");
  return 0;
}

static int jr_step(sd_jreader *r, sd_jtoken *tok)
{
  for(;;) {
    int c = jr_ws(r);
    jr_frame *f = r->depth ? &r->frames[r->depth - 1] : NULL;
    if(r->failed)
      return -1;
    tok->line = r->line;
    tok->col = jr_col(r, jr_off(r, r->p));
    switch(r->expect) {
    case EXP_VALUE:
      if(c == ']' && f && !f->is_obj)
        return jr_err_at(r, jr_off(r, r->p), "trailing comma before ']'");
      if(c < 0 && !f)
        return jr_err_at(r, jr_off(r, r->p),
                         "empty document (expected a JSON value)");
      return jr_value(r, c, tok);
    case EXP_VALUE_OR_END:
      if(c == ']')
        return jr_close(r, tok);
      return jr_value(r, c, tok);
    case EXP_KEY:
    case EXP_KEY_OR_END:
      if(c == '"')
        return jr_key(r, tok);
      if(c == '}') {
        if(r->expect == EXP_KEY_OR_END)
          return jr_close(r, tok);
        return jr_err_at(r, jr_off(r, r->p), "trailing comma before '}'");
      }
      return jr_unexpected(r, c, r->expect == EXP_KEY ? "a string key" :
                           "a string key or '}'");
    case EXP_COLON:
      if(c != ':')
        return jr_unexpected(r, c, "':' after the key");
      r->p++;
      r->expect = EXP_VALUE;
      break;
    case EXP_COMMA_OR_END:
      if(c == ',') {
        r->p++;
        r->expect = f->is_obj ? EXP_KEY : EXP_VALUE;
        break;
      }
      if(c == (f->is_obj ? '}' : ']'))
        return jr_close(r, tok);
      return jr_unexpected(r, c, f->is_obj ? "',' or '}'" : "',' or ']'");
    case EXP_EOF:
      if(c >= 0) {
        char found[32];
        jr_describe(c, found);
        return jr_err_at(r, jr_off(r, r->p),
                         "unexpected %s after the end of the document", found);
      }
      r->expect = EXP_DONE;
      tok->type = SD_JT_EOF;
      return 0;
    default: /* EXP_DONE */
      tok->type = SD_JT_EOF;
      return 0;
    }
  }
}

/* ---- public interface ---- */

static sd_jreader *jr_alloc(void)
{
  sd_jreader *r = sd_xcalloc(1, sizeof(*r));
  const struct lconv *lc = localeconv();
  r->line = 1;
  r->expect = EXP_VALUE;
  r->decimal = (lc && lc->decimal_point && lc->decimal_point[0]) ?
               lc->decimal_point[0] : '.';
  /* Vary the hash between readers so that no fixed set of keys collides. */
  r->seed = (uint32_t)((uintptr_t)r >> 4) * 2654435761u;
  sd_buf_init(&r->err);
  return r;
}

sd_jreader *sd_jr_new_mem(const char *data, size_t len)
{
  sd_jreader *r = jr_alloc();
  if(!data) {
    data = "";
    len = 0;
  }
  r->start = r->p = (const unsigned char *)data;
  r->end = r->p + len;
  r->eof = 1;
  return r;
}

sd_jreader *sd_jr_new_stream(sd_jread_fn fn, void *ctx)
{
  sd_jreader *r = jr_alloc();
  r->fn = fn;
  r->ctx = ctx;
  r->wincap = JR_WINDOW;
  r->win = sd_xmalloc(r->wincap);
  r->start = r->p = r->end = r->win;
  return r;
}

void sd_jr_free(sd_jreader *r)
{
  if(!r)
    return;
  free(r->win);
  free(r->s);
  free(r->kb);
  free(r->ents);
  free(r->slots);
  sd_buf_free(&r->err);
  free(r);
}

int sd_jr_next(sd_jreader *r, sd_jtoken *tok)
{
  tok->type = SD_JT_NONE;
  tok->str = NULL;
  tok->len = 0;
  tok->is_int = 0;
  tok->i64 = 0;
  tok->dbl = 0;
  tok->line = r->line;
  tok->col = 0;
  if(r->failed)
    return -1;
  if(!r->started && jr_start(r))
    return -1;
  if(jr_step(r, tok) || r->failed) {
    tok->type = SD_JT_NONE;
    return -1;
  }
  return 0;
}

int sd_jr_skip(sd_jreader *r, const sd_jtoken *first)
{
  sd_jtoken t;
  sd_jtype type;
  int level = 1;
  if(r->failed)
    return -1;
  type = first->type;
  if(type == SD_JT_KEY) {
    /* skip the value that belongs to the key */
    if(sd_jr_next(r, &t))
      return -1;
    type = t.type;
  }
  if(type != SD_JT_OBJ_BEGIN && type != SD_JT_ARR_BEGIN)
    return 0;
  while(level) {
    if(sd_jr_next(r, &t))
      return -1;
    if(t.type == SD_JT_OBJ_BEGIN || t.type == SD_JT_ARR_BEGIN)
      level++;
    else if(t.type == SD_JT_OBJ_END || t.type == SD_JT_ARR_END)
      level--;
    else if(t.type == SD_JT_EOF)
      return -1; /* not reached: the reader refuses unbalanced input */
  }
  return 0;
}

int sd_jr_fail(sd_jreader *r, const sd_jtoken *tok, const char *fmt, ...)
{
  va_list ap;
  unsigned line = tok ? tok->line : r->line;
  unsigned col = tok ? tok->col : jr_col(r, jr_off(r, r->p));
  va_start(ap, fmt);
  jr_verr(r, line, col, fmt, ap);
  va_end(ap);
  return -1;
}

const char *sd_jr_error(const sd_jreader *r)
{
  return r->failed ? r->err.data : NULL;
}
