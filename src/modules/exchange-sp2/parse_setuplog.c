/* parse_setuplog.c - the reader of ExchangeSetup.log (parse_setuplog.h).
 *
 * Three passes, all bounded:
 *  1. the encoding, from the first bytes of the file;
 *  2. the start of the last run, looked for backwards from the end in
 *     chunks of SD_SLOG_CHUNK bytes, at most SD_SLOG_SCAN_MAX bytes back;
 *  3. that run, read forwards line by line, each line cut at
 *     SD_SLOG_LINE_MAX bytes.
 * The markers and the known failures come from the fact tables in
 * docs/exchange-sp2-setup-facts.md, with their sources. */
#include "exchange-sp2/parse_setuplog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/base.h"

/* Bytes of context read on each side of a backwards chunk, so that a
 * marker and its line can be checked across the chunk's edges. */
#define SLOG_PAD 512
#define SLOG_STEP_MAX 256

/* The known failures of the last run (setuplog_facts, "Known failures"). */
const sd_slog_known sd_setuplog_known[] = {
  {"service-disabled",
   {"it is disabled or because it has no enabled devices", NULL, NULL},
   "A service that setup has to start is set to Disabled (often left so by "
   "an earlier setup or update rollup).",
   "Set the Exchange services back to Automatic, start them and run setup "
   "again; setup can disable them again while it runs.",
   "CSS-Exchange SetupLogReviewer Test-DisabledService.ps1; Microsoft Learn "
   "\"Fix failed Exchange Server updates\""},
  {"service-cannot-start",
   {"Cannot start the service", "Cannot start service", NULL},
   "An Exchange service is stopped and set to Disabled.",
   "Set the Exchange services back to Automatic, start them and run setup "
   "again.",
   "Microsoft Learn \"Fix failed Exchange Server updates\""},
  {"service-start-timeout",
   {"failed to reach status 'Running'", "in a timely fashion", NULL},
   "A service did not start in time; without a route to crl.microsoft.com "
   "the signature check of the managed services outlasts the start "
   "timeout, and Forefront Security for Exchange left enabled stops "
   "transport from starting.",
   "Let the server reach crl.microsoft.com (WinHTTP proxy) or apply the "
   "configuration workaround of KB 944752; with Forefront installed run "
   "fscutility /disable before setup and fscutility /enable after it.",
   "KB 944752; Exchange Team blog 2008-07-08 and 2010-06-21"},
  {"restart-pending",
   {"restart from a previous installation", NULL, NULL},
   "A restart from an earlier installation or update is pending.",
   "Restart the server, then run setup again.",
   "Exchange Server Analyzer \"A Restart from a Previous Installation is "
   "Pending\" (cc164360)"},
  {"interim-update",
   {"Interim Update", NULL, NULL},
   "An interim update is installed.",
   "Uninstall the interim update, then run setup again.",
   "Exchange Team blog \"Exchange 2007 Service Pack 2 Prerequisites\"; "
   "\"Troubleshooting Update Rollup Installations\" (ff772434)"},
  {"ad-state",
   {"problem while validating the state of Active Directory", NULL, NULL},
   "Active Directory is not prepared for this build, or the organization "
   "objects cannot be created from this computer.",
   "Run setup /PrepareAD from a computer in the schema master's domain and "
   "site, wait for replication, then run setup again.",
   "Microsoft Learn \"Fix failed Exchange Server updates\""},
  {"domain-prep-rights",
   {"attempted domain preparation failed", NULL, NULL},
   "The account running /PrepareAD lacks Enterprise Admins rights, or the "
   "account has expired.",
   "Log on with a valid Enterprise Admins account and run setup /PrepareAD "
   "again.",
   "Exchange Server Analyzer DomainPrepWithoutADUpdate"},
  {"oab-server-deleted",
   {"host the Offline Address Book", NULL, NULL},
   "The mailbox server that generates the offline address book was "
   "deleted, so the Client Access role cannot be installed.",
   "Designate a valid mailbox server for offline address book generation, "
   "then run setup again.",
   "Exchange Server Analyzer OffLineABServerDeleted"},
  {"installer-privileges",
   {"insufficient privileges to access this directory", NULL, NULL},
   "Windows Installer cannot write to an Exchange folder (error 1603).",
   "Run setup as a local administrator; give SYSTEM and Administrators Full "
   "Control on the folder named in the error, with inheritance on.",
   "Microsoft Learn \"Fix failed Exchange Server updates\""},
};
const size_t sd_setuplog_nknown = SD_COUNTOF(sd_setuplog_known);

/* Markers of a run (setuplog_facts). */
static const char k_run_start[] = "Starting Microsoft Exchange Server";
static const char *const k_success[] = {
  "setup operation completed successfully"};
static const char *const k_failure[] = {
  "setup operation didn't complete", "setup operation did not complete",
  "because of one or more critical errors",
  "one or more errors in a critical task"};
static const char k_end[] = "End of Setup";

typedef struct reader {
  sd_slog_read_fn read;
  void *ctx;
  uint64_t size;
  uint64_t base;  /* first byte after the BOM */
  uint64_t end;   /* forward reading stops here */
  sd_slog_encoding enc;
  size_t chunk;        /* SD_SLOG_CHUNK, or less for a smaller file */
  unsigned char *raw;  /* chunk + 2 * SLOG_PAD bytes */
  unsigned char *dec;  /* UTF-16 decoded to UTF-8 */
  const unsigned char *text;
  size_t text_len, text_at;
  uint64_t pos;        /* next byte to decode */
  uint32_t hi;         /* a UTF-16 high surrogate carried over */
  uint32_t err;        /* first read error, and where */
  uint64_t err_at;
  uint64_t bytes_read;
} reader;

typedef struct line {
  char *s;       /* SD_SLOG_LINE_MAX bytes, NUL terminated */
  size_t len;
  int complete;  /* ended with a line feed */
} line;

typedef struct run {
  int succeeded, failed, ended, errors, collecting, component;
  char collect[SD_SLOG_COLLECT_MAX];
  size_t clen;
  char step[SLOG_STEP_MAX];
  uint64_t lines;
  int last_complete;
} run;

/* Read len bytes at off (fewer at the end of the file).  -1 on error. */
static int read_at(reader *r, uint64_t off, unsigned char *buf, size_t len,
                   size_t *got)
{
  size_t total = 0;
  *got = 0;
  if(off >= r->size)
    return 0;
  if(len > r->size - off)
    len = (size_t)(r->size - off);
  while(total < len) {
    size_t n = 0;
    uint32_t e = r->read(r->ctx, off + total, buf + total, len - total, &n);
    if(e) {
      if(!r->err) {
        r->err = e;
        r->err_at = off + total;
      }
      return -1;
    }
    if(n == 0 || n > len - total)
      break;
    total += n;
    r->bytes_read += n;
  }
  *got = total;
  return 0;
}

/* The encoding from a BOM, or from NUL bytes in every other position. */
static int detect_encoding(reader *r)
{
  unsigned char b[4096];
  size_t got, i, even0 = 0, odd0 = 0, pairs;
  r->enc = SD_SLOG_ENC_ANSI;
  r->base = 0;
  if(read_at(r, 0, b, sizeof(b), &got))
    return -1;
  if(got >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
    r->enc = SD_SLOG_ENC_UTF16LE;
    r->base = 2;
    return 0;
  }
  if(got >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    r->enc = SD_SLOG_ENC_UTF8;
    r->base = 3;
    return 0;
  }
  for(i = 0; i + 1 < got; i += 2) {
    even0 += b[i] == 0;
    odd0 += b[i + 1] == 0;
  }
  pairs = got / 2;
  if(pairs >= 2 && odd0 * 2 >= pairs && even0 * 8 < pairs)
    r->enc = SD_SLOG_ENC_UTF16LE;
  return 0;
}

static size_t unit(const reader *r)
{
  return r->enc == SD_SLOG_ENC_UTF16LE ? 2 : 1;
}

/* The ASCII character of the code unit at p, '?' for any other. */
static char unit_char(const reader *r, const unsigned char *p)
{
  if(r->enc == SD_SLOG_ENC_UTF16LE)
    return p[1] == 0 && p[0] < 0x80 ? (char)p[0] : '?';
  return (char)p[0];
}

/* Does the ASCII text s start at p (n bytes available), in this encoding? */
static int match_at(const reader *r, const unsigned char *p, size_t n,
                    const char *s)
{
  size_t u = unit(r), k, len = strlen(s);
  if(len * u > n)
    return 0;
  for(k = 0; k < len; k++)
    if(p[k * u] != (unsigned char)s[k] || (u == 2 && p[k * u + 1] != 0))
      return 0;
  return 1;
}

/* Up to cap - 1 ASCII characters of the line from p forwards (or, with
 * back, the ones before p, in their order), stopping at a line end. */
static size_t line_chars(const reader *r, const unsigned char *lo,
                         const unsigned char *hi, const unsigned char *p,
                         int back, char *out, size_t cap)
{
  size_t u = unit(r), n = 0;
  while(n + 1 < cap) {
    const unsigned char *q;
    char c;
    if(back ? (n + 1) * u > (size_t)(p - lo)
            : (n + 1) * u > (size_t)(hi - p))
      break;
    q = back ? p - (n + 1) * u : p + n * u;
    c = unit_char(r, q);
    if(c == '\n' || c == '\r')
      break;
    out[n++] = c;
  }
  out[n] = '\0';
  if(back) {
    size_t i;
    for(i = 0; i < n / 2; i++) {
      char t = out[i];
      out[i] = out[n - 1 - i];
      out[n - 1 - i] = t;
    }
  }
  return n;
}

static const char *split_prefix(const char *s, const char **ts,
                                size_t *tsn);

/* Is the run-start marker at buf[i] the first text of its line (after the
 * "[time] [thread] " prefix) and followed on that line by "Setup"?  The
 * offset of the line's first byte goes to *line_at. */
static int run_start_ok(const reader *r, const unsigned char *buf, size_t n,
                        size_t i, uint64_t buf_at, uint64_t *line_at)
{
  char before[128], after[128];
  size_t u = unit(r), nb, tsn, len = strlen(k_run_start);
  nb = line_chars(r, buf, buf + n, buf + i, 1, before, sizeof(before));
  if(nb == sizeof(before) - 1)
    return 0;
  if(nb) {
    const char *ts, *text = split_prefix(before, &ts, &tsn);
    if(!text || *text)
      return 0;
  }
  line_chars(r, buf, buf + n, buf + i + len * u, 0, after, sizeof(after));
  if(!sd_stristr(after, "setup"))
    return 0;
  *line_at = buf_at + i - nb * u;
  return 1;
}

/* The last valid run start among the first stop bytes of r->raw (got
 * read, from file offset rs), at or after index first: forwards with
 * memchr, keeping the last one.  1 with its line's offset in *at. */
static int last_start_in(const reader *r, size_t got, size_t first,
                         size_t stop, uint64_t rs, uint64_t *at)
{
  const unsigned char *p = r->raw + first, *q;
  size_t u = unit(r), i;
  int hit = 0;
  while(p < r->raw + stop &&
        (q = memchr(p, k_run_start[0], (size_t)(r->raw + stop - p)))) {
    i = (size_t)(q - r->raw);
    p = q + 1;
    if((rs + i - r->base) % u)
      continue;
    if(match_at(r, q, got - i, k_run_start) &&
       run_start_ok(r, r->raw, got, i, rs, at))
      hit = 1;
  }
  return hit;
}

/* Look for the last run start between lo and the end of the file, from
 * the end backwards.  1 found (its line's offset in *at), 0 not, -1 read
 * error. */
static int find_run_start(reader *r, uint64_t lo, uint64_t *at)
{
  uint64_t ce = r->size;
  while(ce > lo) {
    uint64_t cs = ce - lo > r->chunk ? ce - r->chunk : lo;
    uint64_t rs = cs - r->base > SLOG_PAD ? cs - SLOG_PAD : r->base;
    size_t got, stop;
    if(read_at(r, rs, r->raw, (size_t)(ce - rs) + SLOG_PAD, &got))
      return -1;
    stop = (size_t)(ce - rs) < got ? (size_t)(ce - rs) : got;
    if(last_start_in(r, got, (size_t)(cs - rs), stop, rs, at))
      return 1;
    ce = cs;
  }
  return 0;
}

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
  if(cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if(cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if(cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* UTF-16LE bytes to UTF-8 in r->dec; a lone surrogate becomes U+FFFD. */
static size_t utf16_decode(reader *r, const unsigned char *b, size_t n)
{
  size_t i, o = 0;
  for(i = 0; i + 1 < n; i += 2) {
    uint32_t c = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8;
    if(r->hi) {
      uint32_t h = r->hi;
      r->hi = 0;
      if(c >= 0xDC00 && c <= 0xDFFF) {
        o += put_utf8(r->dec + o,
                      0x10000 + ((h - 0xD800) << 10) + (c - 0xDC00));
        continue;
      }
      o += put_utf8(r->dec + o, 0xFFFD);
    }
    if(c >= 0xD800 && c <= 0xDBFF)
      r->hi = c;
    else
      o += put_utf8(r->dec + o, c >= 0xDC00 && c <= 0xDFFF ? 0xFFFD : c);
  }
  return o;
}

/* Decode the next chunk.  0 at the end (or on a read error). */
static int fill(reader *r)
{
  size_t got, want = r->chunk;
  if(r->pos >= r->end)
    return 0;
  if(want > r->end - r->pos)
    want = (size_t)(r->end - r->pos);
  if(read_at(r, r->pos, r->raw, want, &got) || got == 0)
    return 0;
  r->pos += got;
  if(r->enc == SD_SLOG_ENC_UTF16LE) {
    r->text = r->dec;
    r->text_len = utf16_decode(r, r->raw, got);
  }
  else {
    r->text = r->raw;
    r->text_len = got;
  }
  r->text_at = 0;
  return 1;
}

/* The next line, without its CR LF, cut at SD_SLOG_LINE_MAX - 1 bytes,
 * NUL bytes turned into spaces.  0 at the end of the file. */
static int next_line(reader *r, line *l)
{
  int any = 0;
  l->len = 0;
  l->complete = 0;
  for(;;) {
    const unsigned char *p, *nl;
    size_t n, take, keep, k;
    if(r->text_at >= r->text_len && !fill(r))
      break;
    p = r->text + r->text_at;
    n = r->text_len - r->text_at;
    nl = memchr(p, '\n', n);
    take = nl ? (size_t)(nl - p) : n;
    keep = SD_SLOG_LINE_MAX - 1 - l->len;
    if(keep > take)
      keep = take;
    for(k = 0; k < keep; k++)
      l->s[l->len++] = p[k] ? (char)p[k] : ' ';
    r->text_at += take + (nl ? 1 : 0);
    any = 1;
    if(nl) {
      l->complete = 1;
      break;
    }
  }
  if(l->len && l->s[l->len - 1] == '\r')
    l->len--;
  l->s[l->len] = '\0';
  return any;
}

/* Windows-1252 to Unicode (the five unassigned bytes give U+FFFD). */
static uint32_t cp1252(unsigned char c)
{
  static const uint16_t hi[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  if(c >= 0x80 && c < 0xA0)
    return hi[c - 0x80];
  return c;
}

/* Copy n bytes of log text to dst as valid UTF-8 (Windows-1252 when the
 * text is not UTF-8), control characters as spaces, blanks trimmed at
 * both ends, cut on a character boundary to fit cap. */
static void put_field(char *dst, size_t cap, const char *s, size_t n)
{
  size_t i = 0, o = 0;
  int utf8;
  while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  while(i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  utf8 = sd_utf8_valid(s + i, n - i);
  while(i < n) {
    unsigned char enc[4];
    uint32_t cp;
    size_t k = 1, el;
    if(utf8)
      k = sd_utf8_decode((const unsigned char *)s + i, n - i, &cp, NULL);
    else
      cp = cp1252((unsigned char)s[i]);
    if(!k) {
      k = 1;
      cp = 0xFFFD;
    }
    if(cp < 0x20 || cp == 0x7F)
      cp = ' ';
    el = put_utf8(enc, cp);
    if(o + el + 1 > cap)
      break;
    memcpy(dst + o, enc, el);
    o += el;
    i += k;
  }
  dst[o] = '\0';
}

static int starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_any(const char *s, const char *const *needles, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(sd_stristr(s, needles[i]))
      return 1;
  return 0;
}

static const sd_slog_known *match_known(const char *text)
{
  size_t i, k;
  for(i = 0; i < sd_setuplog_nknown; i++)
    for(k = 0; k < 3 && sd_setuplog_known[i].patterns[k]; k++)
      if(sd_stristr(text, sd_setuplog_known[i].patterns[k]))
        return &sd_setuplog_known[i];
  return NULL;
}

/* The text after "[time] " and an optional "[thread] ", the time in *ts.
 * NULL when the line has no such prefix (a continuation line). */
static const char *split_prefix(const char *s, const char **ts, size_t *tsn)
{
  const char *close, *p;
  int digit = 0, colon = 0;
  if(s[0] != '[')
    return NULL;
  close = strchr(s, ']');
  if(!close || close - s > 48)
    return NULL;
  for(p = s + 1; p < close; p++) {
    digit |= *p >= '0' && *p <= '9';
    colon |= *p == ':';
  }
  if(!digit || !colon)
    return NULL;
  *ts = s + 1;
  *tsn = (size_t)(close - s - 1);
  p = close + 1;
  while(*p == ' ')
    p++;
  if(*p == '[') {
    const char *q = p + 1;
    while(*q >= '0' && *q <= '9')
      q++;
    if(q > p + 1 && *q == ']') {
      p = q + 1;
      while(*p == ' ')
        p++;
    }
  }
  return p;
}

static void collect_add(run *u, const char *s)
{
  size_t n, room;
  while(*s == ' ' || *s == '\t')
    s++;
  if(!*s)
    return;
  while(u->clen && u->collect[u->clen - 1] == ' ')
    u->clen--;
  if(u->clen && u->clen + 1 < sizeof(u->collect))
    u->collect[u->clen++] = ' ';
  n = strlen(s);
  room = sizeof(u->collect) - 1 - u->clen;
  if(n > room)
    n = room;
  memcpy(u->collect + u->clen, s, n);
  u->clen += n;
  u->collect[u->clen] = '\0';
}

/* The first error is complete: take its task, its message (without the
 * stack trace that follows it) and the known failure it matches. */
static void finish_error(run *u, sd_slog_result *out)
{
  static const char when[] = "was generated when \"", ran[] = "\" was run";
  static const char *const stack[] = {" at Microsoft.", " at System."};
  const char *c = u->collect, *w, *e, *m;
  size_t n, k;
  u->collecting = 0;
  w = sd_stristr(c, when);
  e = w ? sd_stristr(w, ran) : NULL;
  if(w && e) {
    w += strlen(when);
    put_field(out->task, sizeof(out->task), w, (size_t)(e - w));
    m = e + strlen(ran);
    while(*m == ':' || *m == ' ' || *m == '"')
      m++;
  }
  else
    m = c;
  n = strlen(m);
  for(k = 0; k < SD_COUNTOF(stack); k++) {
    const char *st = strstr(m, stack[k]);
    if(st && (size_t)(st - m) < n)
      n = (size_t)(st - m);
  }
  while(n && (m[n - 1] == '.' || m[n - 1] == '"' || m[n - 1] == ' '))
    n--;
  put_field(out->error_text, sizeof(out->error_text), m, n);
  if(!out->known)
    out->known = match_known(c);
}

/* A new run begins: forget what the lines before it said. */
static void run_reset(run *u, sd_slog_result *out, const char *ts,
                      size_t tsn)
{
  memset(u, 0, sizeof(*u));
  out->build[0] = out->step[0] = out->task[0] = out->error_text[0] = '\0';
  out->known = NULL;
  put_field(out->started, sizeof(out->started), ts, tsn);
}

static void on_error(run *u, sd_slog_result *out, const char *text)
{
  if(!u->errors) {
    u->errors = 1;
    u->collecting = 1;
    u->clen = 0;
    u->collect[0] = '\0';
    collect_add(u, text);
    put_field(out->step, sizeof(out->step), u->step, strlen(u->step));
  }
  else if(!out->known)
    out->known = match_known(text);
}

/* The first word after prefix, as the current step. */
static void take_step(run *u, const char *name)
{
  size_t n = strcspn(name, " \t");
  if(n >= sizeof(u->step))
    n = sizeof(u->step) - 1;
  memcpy(u->step, name, n);
  u->step[n] = '\0';
}

static void on_line(run *u, sd_slog_result *out, const line *l)
{
  static const char version[] = "Setup version:", begin[] =
    "Beginning processing ", ref[] = "[ERROR-REFERENCE]", err[] = "[ERROR]";
  const char *ts = NULL, *text, *comp;
  size_t tsn = 0;
  u->lines++;
  u->last_complete = l->complete;
  text = split_prefix(l->s, &ts, &tsn);
  if(!text) {
    if(u->collecting)
      collect_add(u, l->s);
    return;
  }
  if(u->collecting)
    finish_error(u, out);
  if(starts_with(text, k_run_start) && sd_stristr(text, "setup")) {
    run_reset(u, out, ts, tsn);
    u->lines = 1;
    u->last_complete = l->complete;
    return;
  }
  if(starts_with(text, version)) {
    const char *v = text + strlen(version);
    size_t n = strlen(v);
    while(n && (v[n - 1] == '.' || v[n - 1] == ' '))
      n--;
    put_field(out->build, sizeof(out->build), v, n);
  }
  else if(starts_with(text, begin) && !u->errors)
    take_step(u, text + strlen(begin));
  else if(starts_with(text, ref)) {
    comp = strstr(text, "Component=");
    if(comp && u->errors && !u->component) {
      u->component = 1;
      comp += strlen("Component=");
      put_field(out->step, sizeof(out->step), comp, strlen(comp));
    }
  }
  else if(starts_with(text, err))
    on_error(u, out, text + strlen(err));
  /* Every success and failure line has one of these two words (a cheap
   * test before the case-insensitive ones). */
  if(!strstr(text, "operation") && !strstr(text, "critical"))
    ;
  else if(has_any(text, k_success, SD_COUNTOF(k_success)))
    u->succeeded = 1;
  else if(has_any(text, k_failure, SD_COUNTOF(k_failure)))
    u->failed = 1;
  if(starts_with(text, k_end))
    u->ended = 1;
}

static void unreadable(const reader *r, sd_slog_result *out)
{
  out->state = SD_SLOG_UNREADABLE;
  out->error = r->err;
  snprintf(out->why, sizeof(out->why),
           "The setup log could not be read at byte %llu (error %lu).",
           (unsigned long long)r->err_at, (unsigned long)r->err);
}

/* The state of the last run and the sentence that says why. */
static void conclude(const run *u, int found, sd_slog_result *out)
{
  char when[96];
  size_t n;
  if(out->started[0])
    snprintf(when, sizeof(when), "started %s", out->started);
  else
    snprintf(when, sizeof(when), "start time not written");
  if(u->succeeded && !u->failed) {
    out->state = SD_SLOG_SUCCEEDED;
    out->step[0] = out->task[0] = out->error_text[0] = '\0';
    out->known = NULL;
    snprintf(out->why, sizeof(out->why), "The last run of setup (%s) "
             "completed successfully.", when);
  }
  else if(u->failed || (u->ended && u->errors)) {
    out->state = SD_SLOG_FAILED;
    snprintf(out->why, sizeof(out->why), "The last run of setup (%s) did "
             "not complete%s.", when, u->errors ? "" :
             ", and it wrote no error line");
  }
  else if(u->ended) {
    out->state = SD_SLOG_UNKNOWN;
    snprintf(out->why, sizeof(out->why), "The last run of setup (%s) ended "
             "without saying whether it completed.", when);
  }
  else if(!u->last_complete) {
    out->state = SD_SLOG_TRUNCATED;
    snprintf(out->why, sizeof(out->why), "The log ends in the middle of a "
             "line of the last run of setup (%s), with no end marker: "
             "the log was cut off, or setup is still writing it.", when);
  }
  else {
    out->state = SD_SLOG_UNFINISHED;
    snprintf(out->why, sizeof(out->why), "The last run of setup (%s) has no "
             "end marker: setup is still running, or it was stopped before "
             "it could finish.", when);
  }
  n = strlen(out->why);
  if(!found)
    snprintf(out->why + n, sizeof(out->why) - n, " Only the last %u MiB "
             "of the log were read: the run began before them.",
             (unsigned)(SD_SLOG_SCAN_MAX >> 20));
}

/* Read the run forwards from r->pos to the end of the file. */
static void read_run(reader *r, int found, sd_slog_result *out)
{
  run *u = sd_xcalloc(1, sizeof(*u));
  line l;
  l.s = sd_xmalloc(SD_SLOG_LINE_MAX);
  if(r->enc == SD_SLOG_ENC_UTF16LE)
    r->dec = sd_xmalloc(r->chunk / 2 * 3 + 16);
  r->end = r->size;
  if(!found)
    next_line(r, &l); /* the first line may begin before the part read */
  while(next_line(r, &l))
    on_line(u, out, &l);
  if(u->collecting)
    finish_error(u, out);
  out->run_lines = u->lines;
  if(r->err)
    unreadable(r, out);
  else if(!found && !u->errors && !u->ended && !u->succeeded && !u->failed) {
    out->state = SD_SLOG_NO_RUN;
    snprintf(out->why, sizeof(out->why), "No line starting a run of "
             "Exchange setup is in the last %u MiB of the log, and nothing "
             "there that setup writes when a run ends.",
             (unsigned)(SD_SLOG_SCAN_MAX >> 20));
  }
  else
    conclude(u, found, out);
  free(r->dec);
  free(l.s);
  free(u);
}

void sd_setuplog_read(sd_slog_read_fn read, void *ctx, uint64_t size,
                      sd_slog_result *out)
{
  reader r;
  uint64_t lo, at = 0;
  int found;
  memset(out, 0, sizeof(*out));
  memset(&r, 0, sizeof(r));
  r.read = read;
  r.ctx = ctx;
  r.size = size;
  if(size && detect_encoding(&r)) {
    unreadable(&r, out);
    out->bytes_read = r.bytes_read;
    return;
  }
  out->encoding = size ? r.enc : SD_SLOG_ENC_NONE;
  if(size <= r.base) {
    out->state = SD_SLOG_EMPTY;
    snprintf(out->why, sizeof(out->why), "The setup log is empty%s.",
             size ? " (it holds only a byte order mark)" : "");
    return;
  }
  r.chunk = size < SD_SLOG_CHUNK ? ((size_t)size + 2) & ~(size_t)1
                                : SD_SLOG_CHUNK;
  r.raw = sd_xmalloc(r.chunk + 2 * SLOG_PAD);
  lo = size - r.base > SD_SLOG_SCAN_MAX ? size - SD_SLOG_SCAN_MAX : r.base;
  lo += (lo - r.base) % unit(&r);
  found = find_run_start(&r, lo, &at);
  if(found < 0)
    unreadable(&r, out);
  else if(!found && lo == r.base) {
    out->state = SD_SLOG_NO_RUN;
    snprintf(out->why, sizeof(out->why), "No line starting a run of "
             "Exchange setup (\"%s ... Setup\") is in the log.", k_run_start);
  }
  else {
    out->run_start_found = found;
    out->run_offset = r.pos = found ? at : lo;
    read_run(&r, found, out);
  }
  out->bytes_read = r.bytes_read;
  free(r.raw);
}

const char *sd_setuplog_state_name(sd_slog_state s)
{
  static const char *const names[] = {"unreadable", "empty", "no_run",
    "succeeded", "failed", "unfinished", "truncated", "unknown"};
  return (size_t)s < SD_COUNTOF(names) ? names[s] : "unknown";
}

const char *sd_setuplog_encoding_name(sd_slog_encoding e)
{
  static const char *const names[] = {"none", "utf-16le", "utf-8", "ansi"};
  return (size_t)e < SD_COUNTOF(names) ? names[e] : "none";
}
