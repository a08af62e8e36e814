/* base.c - allocation, buffers, arenas, time and string helpers. */
#include "srvdoctor/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sd_oom(void)
{
  fputs("srvdoctor: out of memory.\n", stderr);
  exit(3);
}

void *sd_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if(!p)
    sd_oom();
  return p;
}

void *sd_xcalloc(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if(!p)
    sd_oom();
  return p;
}

void *sd_xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if(!q)
    sd_oom();
  return q;
}

char *sd_xstrdup(const char *s)
{
  size_t n;
  char *p;
  if(!s)
    return NULL;
  n = strlen(s);
  p = sd_xmalloc(n + 1);
  memcpy(p, s, n + 1);
  return p;
}

void *sd_grow(void *items, size_t *cap, size_t count, size_t elem_size)
{
  size_t ncap;
  if(count < *cap)
    return items;
  ncap = *cap ? *cap * 2 : 8;
  while(ncap <= count)
    ncap *= 2;
  if(ncap > ((size_t)-1) / elem_size)
    sd_oom();
  items = sd_xrealloc(items, ncap * elem_size);
  memset((char *)items + *cap * elem_size, 0, (ncap - *cap) * elem_size);
  *cap = ncap;
  return items;
}

/* ---- buffer ---- */

void sd_buf_init(sd_buf *b)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void sd_buf_free(sd_buf *b)
{
  free(b->data);
  sd_buf_init(b);
}

void sd_buf_reset(sd_buf *b)
{
  b->len = 0;
  if(b->data)
    b->data[0] = '\0';
}

static void sd_buf_reserve(sd_buf *b, size_t extra)
{
  size_t need = b->len + extra + 1;
  size_t ncap;
  if(need <= b->cap)
    return;
  ncap = b->cap ? b->cap : 256;
  while(ncap < need) {
    if(ncap > ((size_t)-1) / 2)
      sd_oom();
    ncap *= 2;
  }
  b->data = sd_xrealloc(b->data, ncap);
  b->cap = ncap;
}

void sd_buf_put(sd_buf *b, const char *s, size_t n)
{
  sd_buf_reserve(b, n);
  if(n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void sd_buf_puts(sd_buf *b, const char *s)
{
  if(s)
    sd_buf_put(b, s, strlen(s));
}

void sd_buf_putc(sd_buf *b, char c)
{
  sd_buf_reserve(b, 1);
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
}

void sd_buf_vprintf(sd_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;
  char small[256];
  va_copy(ap2, ap);
  n = vsnprintf(small, sizeof(small), fmt, ap2);
  va_end(ap2);
  if(n < 0)
    return;
  if((size_t)n < sizeof(small)) {
    sd_buf_put(b, small, (size_t)n);
    return;
  }
  sd_buf_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void sd_buf_printf(sd_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  sd_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

char *sd_buf_take(sd_buf *b)
{
  char *p = b->data;
  if(!p)
    p = sd_xstrdup("");
  sd_buf_init(b);
  return p;
}

/* ---- arena ---- */

struct sd_arena_block {
  sd_arena_block *next;
  size_t used;
  size_t size;
  /* data follows, 8-byte aligned because the header is 3 words */
};

#define SD_ARENA_BLOCK (64u * 1024u)

void sd_arena_init(sd_arena *a)
{
  a->head = NULL;
  a->total = 0;
}

void sd_arena_free(sd_arena *a)
{
  sd_arena_block *b = a->head;
  while(b) {
    sd_arena_block *n = b->next;
    free(b);
    b = n;
  }
  sd_arena_init(a);
}

void *sd_arena_alloc(sd_arena *a, size_t n)
{
  sd_arena_block *b = a->head;
  char *p;
  n = (n + 7u) & ~(size_t)7u;
  if(!n)
    n = 8;
  if(!b || b->size - b->used < n) {
    size_t size = n > SD_ARENA_BLOCK / 4 ? n : SD_ARENA_BLOCK;
    sd_arena_block *nb = sd_xmalloc(sizeof(*nb) + size);
    nb->used = 0;
    nb->size = size;
    if(size == n && b) {
      /* A large allocation gets its own block behind the current one so the
       * free space of the current block is not wasted. */
      nb->next = b->next;
      b->next = nb;
    }
    else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
  }
  p = (char *)(b + 1) + b->used;
  b->used += n;
  a->total += n;
  memset(p, 0, n);
  return p;
}

char *sd_arena_strndup(sd_arena *a, const char *s, size_t n)
{
  char *p = sd_arena_alloc(a, n + 1);
  if(n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *sd_arena_strdup(sd_arena *a, const char *s)
{
  if(!s)
    return NULL;
  return sd_arena_strndup(a, s, strlen(s));
}

char *sd_arena_vprintf(sd_arena *a, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;
  char *p;
  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if(n < 0)
    return sd_arena_strdup(a, "");
  p = sd_arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *sd_arena_printf(sd_arena *a, const char *fmt, ...)
{
  va_list ap;
  char *p;
  va_start(ap, fmt);
  p = sd_arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

/* ---- time ---- */

/* Days from civil date, Howard Hinnant's well-known algorithm expressed
 * in our own words: shift the year so it starts in March. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
  int64_t era;
  unsigned yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (unsigned)(y - era * 400);
  doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
  int64_t era;
  unsigned doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned)(z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  *y = (int64_t)yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y += *m <= 2;
}

void sd_time_format(sd_time t, char out[32])
{
  int64_t days, secs, y;
  unsigned m, d;
  if(t == SD_TIME_NONE) {
    out[0] = '\0';
    return;
  }
  days = t / 86400;
  secs = t % 86400;
  if(secs < 0) {
    secs += 86400;
    days -= 1;
  }
  civil_from_days(days, &y, &m, &d);
  if(y < 0 || y > 9999) {
    out[0] = '\0';
    return;
  }
  snprintf(out, 32, "%04d-%02u-%02uT%02d:%02d:%02dZ", (int)y, m, d,
           (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

static int parse_digits(const char *s, int n, unsigned *out)
{
  unsigned v = 0;
  int i;
  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return 0;
}

int sd_time_parse(const char *s, sd_time *out)
{
  unsigned y, mo, d, h, mi, se;
  static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
    31};
  if(!s || strlen(s) != 20)
    return -1;
  if(s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
     s[16] != ':' || s[19] != 'Z')
    return -1;
  if(parse_digits(s, 4, &y) || parse_digits(s + 5, 2, &mo) ||
     parse_digits(s + 8, 2, &d) || parse_digits(s + 11, 2, &h) ||
     parse_digits(s + 14, 2, &mi) || parse_digits(s + 17, 2, &se))
    return -1;
  if(mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
     se > 59)
    return -1;
  if(mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return -1;
  *out = sd_time_from_civil((int64_t)y, mo, d, h, mi, se);
  return 0;
}

sd_time sd_time_from_civil(int64_t year, unsigned month, unsigned day,
                           unsigned hour, unsigned minute, unsigned second)
{
  return days_from_civil(year, month, day) * 86400 + (int64_t)hour * 3600 +
         (int64_t)minute * 60 + (int64_t)second;
}

sd_time sd_time_from_filetime(uint64_t ft)
{
  /* 11644473600 seconds between 1601-01-01 and 1970-01-01. */
  if(ft == 0)
    return SD_TIME_NONE;
  return (sd_time)(ft / 10000000u) - (sd_time)11644473600LL;
}

/* ---- strings ---- */

int sd_streq(const char *a, const char *b)
{
  if(!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

static int lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int sd_strnieq(const char *a, const char *b, size_t n)
{
  size_t i;
  if(!a || !b)
    return a == b;
  for(i = 0; i < n; i++) {
    if(lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
      return 0;
    if(!a[i])
      return 1;
  }
  return 1;
}

int sd_strieq(const char *a, const char *b)
{
  if(!a || !b)
    return a == b;
  while(*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
    a++;
    b++;
  }
  return lower((unsigned char)*a) == lower((unsigned char)*b);
}

const char *sd_stristr(const char *hay, const char *needle)
{
  size_t n;
  if(!hay || !needle)
    return NULL;
  n = strlen(needle);
  if(!n)
    return hay;
  /* Compare the rest only where the first letter matches: event messages
   * are searched for several codes each (hundreds of thousands of them). */
  {
    int first = lower((unsigned char)needle[0]);
    for(; *hay; hay++)
      if(lower((unsigned char)*hay) == first &&
         sd_strnieq(hay + 1, needle + 1, n - 1))
        return hay;
  }
  return NULL;
}

const char *sd_str_or(const char *s, const char *fallback)
{
  return (s && *s) ? s : fallback;
}

size_t sd_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp,
                      size_t *bad)
{
  unsigned c, lo = 0x80, hi = 0xBF;
  uint32_t v;
  size_t len, i;
  if(!avail) {
    if(bad)
      *bad = 0;
    return 0;
  }
  c = s[0];
  if(c < 0x80) {
    if(cp)
      *cp = c;
    return 1;
  }
  /* The lead byte gives the length; the second byte's range excludes
   * overlong forms, UTF-16 surrogates and code points above U+10FFFF
   * (RFC 3629, section 4). */
  if(c >= 0xC2 && c <= 0xDF) {
    len = 2;
    v = c & 0x1Fu;
  }
  else if(c >= 0xE0 && c <= 0xEF) {
    len = 3;
    v = c & 0x0Fu;
    if(c == 0xE0)
      lo = 0xA0;
    else if(c == 0xED)
      hi = 0x9F;
  }
  else if(c >= 0xF0 && c <= 0xF4) {
    len = 4;
    v = c & 0x07u;
    if(c == 0xF0)
      lo = 0x90;
    else if(c == 0xF4)
      hi = 0x8F;
  }
  else {
    if(bad)
      *bad = 0;
    return 0;
  }
  for(i = 1; i < len; i++) {
    if(i >= avail || s[i] < lo || s[i] > hi) {
      if(bad)
        *bad = i;
      return 0;
    }
    v = (v << 6) | (s[i] & 0x3Fu);
    lo = 0x80;
    hi = 0xBF;
  }
  if(cp)
    *cp = v;
  return len;
}

int sd_utf8_valid(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, len;
  while(i < n) {
    len = sd_utf8_decode(s + i, n - i, NULL, NULL);
    if(!len)
      return 0;
    i += len;
  }
  return 1;
}

int sd_is_bidi_control(uint32_t cp)
{
  return cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Length of the valid UTF-8 sequence at p (NUL terminated), 0 if none. */
static size_t seq_at(const char *p, uint32_t *cp)
{
  size_t avail = 0;
  while(avail < 4 && p[avail])
    avail++;
  return sd_utf8_decode((const unsigned char *)p, avail ? avail : 1, cp,
                        NULL);
}

void sd_buf_put_safe(sd_buf *b, const char *s, int keep_newlines)
{
  const char *p = s ? s : "";
  while(*p) {
    uint32_t cp = 0;
    size_t len = seq_at(p, &cp);
    if(len == 0) {
      sd_buf_puts(b, "\xEF\xBF\xBD"); /* not UTF-8: U+FFFD */
      p++;
    }
    else if(cp == '\n' && keep_newlines) {
      sd_buf_putc(b, '\n');
      p++;
    }
    else if(cp < 0x20 || cp == 0x7F) {
      sd_buf_printf(b, "\\x%02X", (unsigned)cp);
      p++;
    }
    else if((cp >= 0x80 && cp < 0xA0) || sd_is_bidi_control(cp)) {
      sd_buf_printf(b, "\\u%04X", (unsigned)cp);
      p += len;
    }
    else {
      sd_buf_put(b, p, len);
      p += len;
    }
  }
}

void sd_buf_lf_to_crlf(sd_buf *b, size_t start)
{
  sd_buf t;
  size_t i;
  sd_buf_init(&t);
  for(i = start; i < b->len; i++) {
    if(b->data[i] == '\n' && (i == start || b->data[i - 1] != '\r'))
      sd_buf_putc(&t, '\r');
    sd_buf_putc(&t, b->data[i]);
  }
  b->len = start;
  if(t.len)
    sd_buf_put(b, t.data, t.len);
  else if(b->data)
    b->data[start] = '\0';
  sd_buf_free(&t);
}

int sd_name_index(const char *const *names, size_t n, const char *s)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(sd_streq(s, names[i]))
      return (int)i;
  return -1;
}
