/* json_write.c - the deterministic JSON writer declared in json.h.
 *
 * Output is always valid JSON and valid UTF-8 whatever bytes the caller
 * passes, and it is accepted by the reader in json_read.c: invalid UTF-8 and
 * NUL bytes (which the reader refuses as \u0000) become U+FFFD. */
#include "srvdoctor/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 for the bytes that cannot be copied as they are: '"', '\\', control
 * characters, DEL and every non-ASCII byte. */
#define R1 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define R0 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
static const unsigned char jw_special[256] = {
  R1, R1,
  0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x22 '"' */
  R0, R0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x5C '\\' */
  R0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x7F DEL */
  R1, R1, R1, R1, R1, R1, R1, R1
};
#undef R0
#undef R1

static const char jw_hex[] = "0123456789abcdef";
static const char jw_fffd[] = "\xEF\xBF\xBD";

/* Length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), or 0. */
static size_t jw_utf8_len(const unsigned char *s, size_t n)
{
  return sd_utf8_decode(s, n, NULL, NULL);
}

/* A three-byte sequence written as \uXXXX: U+2028, U+2029 and the
 * bidirectional controls. */
static int jw_escaped_u(const unsigned char *p)
{
  uint32_t cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) |
                (p[2] & 0x3Fu);
  return cp == 0x2028 || cp == 0x2029 || sd_is_bidi_control(cp);
}

void sd_json_escape(sd_buf *b, const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0;
  if(!s)
    return;
  while(i < n) {
    size_t run = i;
    unsigned c;
    while(run < n && !jw_special[s[run]])
      run++;
    if(run != i) {
      sd_buf_put(b, (const char *)s + i, run - i);
      i = run;
      if(i == n)
        break;
    }
    c = s[i];
    if(c >= 0x80) {
      size_t len = jw_utf8_len(s + i, n - i);
      if(!len) {
        sd_buf_put(b, jw_fffd, 3);
        i++;
      }
      else if(len == 3 && jw_escaped_u(s + i)) {
        /* U+2028 and U+2029 end lines in JavaScript; bidirectional
         * controls reorder what a viewer of the raw file sees */
        sd_buf_printf(b, "\\u%04X", (unsigned)(((s[i] & 0x0Fu) << 12) |
                                              ((s[i + 1] & 0x3Fu) << 6) |
                                              (s[i + 2] & 0x3Fu)));
        i += 3;
      }
      else {
        sd_buf_put(b, (const char *)s + i, len);
        i += len;
      }
      continue;
    }
    i++;
    switch(c) {
    case '"': sd_buf_put(b, "\\\"", 2); break;
    case '\\': sd_buf_put(b, "\\\\", 2); break;
    case '\b': sd_buf_put(b, "\\b", 2); break;
    case '\f': sd_buf_put(b, "\\f", 2); break;
    case '\n': sd_buf_put(b, "\\n", 2); break;
    case '\r': sd_buf_put(b, "\\r", 2); break;
    case '\t': sd_buf_put(b, "\\t", 2); break;
    case 0: sd_buf_put(b, jw_fffd, 3); break; /* "\u0000" is refused */
    default: {
      char u[6];
      u[0] = '\\';
      u[1] = 'u';
      u[2] = '0';
      u[3] = '0';
      u[4] = jw_hex[c >> 4];
      u[5] = jw_hex[c & 0xF];
      sd_buf_put(b, u, 6);
    }
    }
  }
}

/* ---- structure ---- */

static void jw_newline(sd_jwriter *w)
{
  static const char spaces[] = "                                "; /* 32 */
  size_t n = (size_t)w->depth * 2;
  sd_buf_putc(w->out, '\n');
  while(n) {
    size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
    sd_buf_put(w->out, spaces, k);
    n -= k;
  }
}

/* Separator and indentation before a value or a key. */
static void jw_pre(sd_jwriter *w)
{
  if(w->after_key) {
    w->after_key = 0;
    return;
  }
  if(w->depth > 0) {
    if(!w->first[w->depth])
      sd_buf_putc(w->out, ',');
    w->first[w->depth] = 0;
    if(!w->compact)
      jw_newline(w);
  }
}

static void jw_begin(sd_jwriter *w, char c)
{
  if(w->depth >= SD_JSON_MAX_DEPTH) {
    /* A programming error: the reader would refuse the document. */
    fputs("srvdoctor: JSON writer nested deeper than SD_JSON_MAX_DEPTH.\n",
          stderr);
    abort();
  }
  jw_pre(w);
  sd_buf_putc(w->out, c);
  w->depth++;
  w->first[w->depth] = 1;
}

static void jw_end(sd_jwriter *w, char c)
{
  if(w->depth <= 0)
    return; /* unbalanced call: ignored */
  if(w->after_key) {
    /* a key without a value: keep the output valid */
    sd_buf_put(w->out, "null", 4);
    w->after_key = 0;
  }
  w->depth--;
  if(!w->first[w->depth + 1] && !w->compact)
    jw_newline(w);
  sd_buf_putc(w->out, c);
}

void sd_jw_init(sd_jwriter *w, sd_buf *out)
{
  memset(w, 0, sizeof(*w));
  w->out = out;
  w->first[0] = 1;
}

void sd_jw_obj_begin(sd_jwriter *w)
{
  jw_begin(w, '{');
}

void sd_jw_obj_end(sd_jwriter *w)
{
  jw_end(w, '}');
}

void sd_jw_arr_begin(sd_jwriter *w)
{
  jw_begin(w, '[');
}

void sd_jw_arr_end(sd_jwriter *w)
{
  jw_end(w, ']');
}

void sd_jw_key(sd_jwriter *w, const char *key)
{
  if(!key)
    key = "";
  jw_pre(w);
  sd_buf_putc(w->out, '"');
  sd_json_escape(w->out, key, strlen(key));
  sd_buf_put(w->out, w->compact ? "\":" : "\": ", w->compact ? 2u : 3u);
  w->after_key = 1;
}

void sd_jw_strn(sd_jwriter *w, const char *s, size_t n)
{
  if(!s) {
    sd_jw_null(w);
    return;
  }
  jw_pre(w);
  sd_buf_putc(w->out, '"');
  sd_json_escape(w->out, s, n);
  sd_buf_putc(w->out, '"');
}

void sd_jw_str(sd_jwriter *w, const char *s)
{
  sd_jw_strn(w, s, s ? strlen(s) : 0);
}

static void jw_u64(sd_jwriter *w, int neg, uint64_t v)
{
  char tmp[24];
  size_t i = sizeof(tmp);
  do {
    tmp[--i] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while(v);
  if(neg)
    tmp[--i] = '-';
  jw_pre(w);
  sd_buf_put(w->out, tmp + i, sizeof(tmp) - i);
}

void sd_jw_int(sd_jwriter *w, int64_t v)
{
  if(v < 0)
    jw_u64(w, 1, (uint64_t)0 - (uint64_t)v);
  else
    jw_u64(w, 0, (uint64_t)v);
}

void sd_jw_uint(sd_jwriter *w, uint64_t v)
{
  jw_u64(w, 0, v);
}

void sd_jw_bool(sd_jwriter *w, int v)
{
  jw_pre(w);
  sd_buf_puts(w->out, v ? "true" : "false");
}

void sd_jw_null(sd_jwriter *w)
{
  jw_pre(w);
  sd_buf_put(w->out, "null", 4);
}

void sd_jw_double(sd_jwriter *w, double v)
{
  char tmp[40];
  int prec;
  size_t i, n;
  int real = 0;
  if(v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
    sd_jw_null(w); /* NaN and infinities have no JSON form */
    return;
  }
  /* the shortest of %.15g .. %.17g that reads back as the same double */
  for(prec = 15; prec < 17; prec++) {
    snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
    if(strtod(tmp, NULL) == v)
      break;
  }
  if(prec == 17)
    snprintf(tmp, sizeof(tmp), "%.17g", v);
  n = strlen(tmp);
  for(i = 0; i < n; i++) {
    if(tmp[i] == ',')
      tmp[i] = '.'; /* a locale with a decimal comma */
    if(tmp[i] == '.' || tmp[i] == 'e')
      real = 1;
  }
  if(!real && n + 2 < sizeof(tmp)) {
    /* keep it a real so that it reads back as one, and so that an integral
     * value beyond int64 is not refused as an integer out of range */
    tmp[n++] = '.';
    tmp[n++] = '0';
    tmp[n] = '\0';
  }
  jw_pre(w);
  sd_buf_put(w->out, tmp, n);
}
