/* events.c - recent events the modules look for, from a table of queries.
 *
 * Each row (sd_event_query, declared by a module's collector) names a log,
 * optionally a provider (event source), and the event IDs wanted; a row is
 * used when the run needs its module (SD_NEED_MODULE bit).  Rows of the same
 * log are merged, so each log is read once.  Every log read adds an
 * sd_event_source saying whether it could be read, the window searched and
 * whether the record limit was reached, so a check can tell "no such event"
 * from "could not look".
 *
 * How: EvtQuery (wevtapi.dll, Vista / Server 2008 and later, looked up at
 * run time) with an XPath filter evaluated by the Event Log service; where
 * wevtapi does not exist (Server 2003) ReadEventLogW, newest record first.
 * Both stop at EV_WINDOW_S seconds before the collection time and after
 * EV_MAX_RECORDS records (matching records for EvtQuery, records examined
 * for ReadEventLogW) or EV_BUDGET_MS milliseconds per log, so a huge log
 * cannot stall the run.  Each EvtQuery log is read in a job (job.c) given
 * up on after EV_NEXT_TIMEOUT_MS + 2 s, what it read kept and the log
 * marked truncated; all the logs within half of --timeout.  Messages are
 * the event's insertion strings joined with " | " (no message DLLs are
 * loaded), cut at EV_MSG_MAX bytes.
 *
 * An EvtQuery failure is reported as it is, without falling back to
 * ReadEventLogW: the only failure without an error code seen so far is
 * Wine's stub (NULL, GetLastError() == 0), where ReadEventLogW is a stub
 * too that would falsely claim an empty log. */
#include "collect_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "job.h"
#include "srvdoctor/platform.h"

#define EV_WINDOW_S (7 * 86400)
#define EV_MAX_RECORDS 5000u
#define EV_BUDGET_MS 20000u
#define EV_NEXT_TIMEOUT_MS 5000u
#define EV_MSG_MAX 1024u
#define EV_MAX_ROWS 64

/* The logs come from the modules' collectors (sd_collector.events): a
 * module's rows are read when its SD_NEED_MODULE bit is asked for. */
typedef sd_event_query ev_row;


/* ---- the wevtapi subset, declared here: winevt.h needs 0x0600 ---- */
typedef HANDLE evt_handle;

typedef struct evt_variant {
  union {
    UINT8 u8;
    UINT16 u16;
    INT32 i32;
    UINT32 u32;
    INT64 i64;
    UINT64 u64;
    INT8 i8;
    INT16 i16;
    BOOL b;
    LPCWSTR str;
    LPCSTR astr;
    GUID *guid;
    void *ptr;
  } v;
  DWORD count;
  DWORD type;
} evt_variant;

enum {
  EVT_NULL = 0, EVT_STRING = 1, EVT_ANSI = 2, EVT_SBYTE = 3, EVT_BYTE = 4,
  EVT_INT16 = 5, EVT_UINT16 = 6, EVT_INT32 = 7, EVT_UINT32 = 8,
  EVT_INT64 = 9, EVT_UINT64 = 10, EVT_BOOL = 13, EVT_GUID = 15,
  EVT_SIZET = 16, EVT_FILETIME = 17, EVT_HEX32 = 20, EVT_HEX64 = 21,
  EVT_ARRAY = 0x80
};
enum {
  EVT_QUERY_CHANNEL = 0x1, EVT_QUERY_REVERSE = 0x200,
  EVT_CTX_SYSTEM = 1, EVT_CTX_USER = 2, EVT_RENDER_VALUES = 0
};
/* EVT_SYSTEM_PROPERTY_ID */
enum {
  SYS_PROVIDER = 0, SYS_EVENTID = 2, SYS_LEVEL = 4, SYS_TIME = 8,
  SYS_RECORD = 9, SYS_COUNT = 18
};

#ifndef ERROR_EVT_CHANNEL_NOT_FOUND
#define ERROR_EVT_CHANNEL_NOT_FOUND 15007L
#endif

typedef evt_handle(WINAPI *evt_query_fn)(evt_handle, LPCWSTR, LPCWSTR, DWORD);
typedef BOOL(WINAPI *evt_next_fn)(evt_handle, DWORD, evt_handle *, DWORD,
                                  DWORD, DWORD *);
typedef evt_handle(WINAPI *evt_ctx_fn)(DWORD, LPCWSTR *, DWORD);
typedef BOOL(WINAPI *evt_render_fn)(evt_handle, evt_handle, DWORD, DWORD,
                                    PVOID, DWORD *, DWORD *);
typedef BOOL(WINAPI *evt_close_fn)(evt_handle);

typedef struct evt_api {
  evt_query_fn query;
  evt_next_fn next;
  evt_ctx_fn ctx;
  evt_render_fn render;
  evt_close_fn close;
} evt_api;

static int evt_load(evt_api *a)
{
  a->query = (evt_query_fn)(void (*)(void))sd_proc("wevtapi.dll", "EvtQuery");
  a->next = (evt_next_fn)(void (*)(void))sd_proc("wevtapi.dll", "EvtNext");
  a->ctx = (evt_ctx_fn)(void (*)(void))sd_proc("wevtapi.dll",
                                               "EvtCreateRenderContext");
  a->render = (evt_render_fn)(void (*)(void))sd_proc("wevtapi.dll",
                                                     "EvtRender");
  a->close = (evt_close_fn)(void (*)(void))sd_proc("wevtapi.dll", "EvtClose");
  return a->query && a->next && a->ctx && a->render && a->close;
}

/* One log read in a thread of its own with a deadline (job.c): an Event
 * Log service that stalls, or an EvtNext that ignores its timeout, costs
 * that log's older events, not the run.  The job owns what it reads (its
 * own facts, events added under its lock); on the deadline the caller
 * copies what was read so far and marks the job abandoned, after which
 * the thread adds nothing and closes its handles if it ever returns. */
typedef struct ev_job {
  sd_job job;                /* first */
  CRITICAL_SECTION lock;     /* f.events.items and the source's scanned */
  int abandoned;             /* under lock: the caller stopped waiting */
  sd_facts f;                /* the job's own: f.events */
  sd_event_source *src;      /* f.events.sources[0] */
  evt_api a;
  const ev_row *rows[EV_MAX_ROWS];
  size_t nrows;
  DWORD budget_ms;           /* its own time to stop reading */
} ev_job;

/* ---- shared helpers ---- */

static int row_has_id(const ev_row *r, unsigned id)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(r->ids) && r->ids[i]; i++)
    if(r->ids[i] == id)
      return 1;
  return 0;
}

/* Does an event of this log match any of the rows? */
static int rows_match(const ev_row *const *rows, size_t n, const char *prov,
                      unsigned id)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(row_has_id(rows[i], id) &&
       (!rows[i]->provider || sd_strieq(rows[i]->provider, prov)))
      return 1;
  return 0;
}

/* Append UTF-16 text to the message, keeping it under EV_MSG_MAX bytes
 * and cutting only between UTF-8 sequences. */
static void msg_put_wide(sd_buf *b, const wchar_t *w, size_t wlen)
{
  char *s;
  size_t n;
  if(b->len >= EV_MSG_MAX)
    return;
  s = sd_wide_n_to_utf8(w, wlen);
  if(!s)
    return;
  n = strlen(s);
  if(b->len + n > EV_MSG_MAX) {
    n = EV_MSG_MAX - b->len;
    while(n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
  }
  sd_buf_put(b, s, n);
  free(s);
}

static void msg_sep(sd_buf *b)
{
  if(b->len && b->len < EV_MSG_MAX)
    sd_buf_puts(b, " | ");
}

static sd_event *event_add(sd_facts *f, sd_event_source *src,
                           const char *prov, unsigned id, sd_event_level lv,
                           sd_time when, uint64_t record, sd_buf *msg)
{
  sd_event *e = sd_event_add(&f->events);
  e->log = src->log;
  e->provider = sd_facts_str(f, prov);
  e->id = id;
  e->level = lv;
  e->time = when;
  e->record = record;
  e->message = sd_facts_str(f, msg->data ? msg->data : "");
  return e;
}

/* ---- EvtQuery (Vista / Server 2008 and later) ---- */

static wchar_t *build_xpath(const ev_row *const *rows, size_t n)
{
  sd_buf q;
  size_t i, k;
  wchar_t *w;
  sd_buf_init(&q);
  sd_buf_puts(&q, "*[System[(");
  for(i = 0; i < n; i++) {
    if(i)
      sd_buf_puts(&q, " or ");
    sd_buf_putc(&q, '(');
    if(rows[i]->provider)
      sd_buf_printf(&q, "Provider[@Name='%s'] and ", rows[i]->provider);
    sd_buf_putc(&q, '(');
    for(k = 0; k < SD_COUNTOF(rows[i]->ids) && rows[i]->ids[k]; k++)
      sd_buf_printf(&q, "%sEventID=%u", k ? " or " : "",
                    (unsigned)rows[i]->ids[k]);
    sd_buf_puts(&q, "))");
  }
  sd_buf_printf(&q, ") and TimeCreated[timediff(@SystemTime) <= %lu]]]",
                (unsigned long)EV_WINDOW_S * 1000ul);
  w = sd_utf8_to_wide(q.data);
  sd_buf_free(&q);
  return w;
}

/* Render an event with a context into *buf (grown as needed). */
static int evt_values(const evt_api *a, evt_handle ctx, evt_handle ev,
                      BYTE **buf, DWORD *size, DWORD *count)
{
  DWORD used = 0;
  unsigned tries;
  for(tries = 0; tries < 3; tries++) {
    if(a->render(ctx, ev, EVT_RENDER_VALUES, *size, *buf, &used, count))
      return 0;
    if(GetLastError() != ERROR_INSUFFICIENT_BUFFER || used <= *size)
      return -1;
    free(*buf);
    *size = used;
    *buf = sd_xmalloc(*size);
  }
  return -1;
}

static void variant_text(sd_buf *b, const evt_variant *v)
{
  char tmp[64];
  tmp[0] = '\0';
  if((v->type & EVT_ARRAY) || b->len >= EV_MSG_MAX)
    return;
  switch(v->type) {
  case EVT_STRING:
    if(v->v.str)
      msg_put_wide(b, v->v.str, wcslen(v->v.str));
    return;
  case EVT_ANSI:
    if(v->v.astr) {
      size_t n = 0;
      while(n < EV_MSG_MAX && v->v.astr[n])
        n++;
      if(b->len + n > EV_MSG_MAX)
        n = EV_MSG_MAX - b->len;
      sd_buf_put(b, v->v.astr, n);
    }
    return;
  case EVT_SBYTE: snprintf(tmp, sizeof(tmp), "%d", v->v.i8); break;
  case EVT_BYTE: snprintf(tmp, sizeof(tmp), "%u", v->v.u8); break;
  case EVT_INT16: snprintf(tmp, sizeof(tmp), "%d", v->v.i16); break;
  case EVT_UINT16: snprintf(tmp, sizeof(tmp), "%u", v->v.u16); break;
  case EVT_INT32: snprintf(tmp, sizeof(tmp), "%ld", (long)v->v.i32); break;
  case EVT_UINT32:
    snprintf(tmp, sizeof(tmp), "%lu", (unsigned long)v->v.u32);
    break;
  case EVT_INT64:
    snprintf(tmp, sizeof(tmp), "%lld", (long long)v->v.i64);
    break;
  case EVT_UINT64:
  case EVT_SIZET:
    snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v->v.u64);
    break;
  case EVT_HEX32:
    snprintf(tmp, sizeof(tmp), "0x%08lX", (unsigned long)v->v.u32);
    break;
  case EVT_HEX64:
    snprintf(tmp, sizeof(tmp), "0x%016llX", (unsigned long long)v->v.u64);
    break;
  case EVT_BOOL: snprintf(tmp, sizeof(tmp), "%s", v->v.b ? "true" : "false");
    break;
  case EVT_GUID:
    if(v->v.guid) {
      const GUID *g = v->v.guid;
      snprintf(tmp, sizeof(tmp),
               "{%08lX-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
               (unsigned long)g->Data1, g->Data2, g->Data3, g->Data4[0],
               g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4],
               g->Data4[5], g->Data4[6], g->Data4[7]);
    }
    break;
  default:
    return;
  }
  if(b->len + strlen(tmp) <= EV_MSG_MAX)
    sd_buf_puts(b, tmp);
}

static void evt_one(ev_job *j, evt_handle sysctx, evt_handle userctx,
                    evt_handle ev, BYTE **buf, DWORD *size)
{
  const evt_api *a = &j->a;
  DWORD count = 0, i;
  const evt_variant *v;
  char *prov = NULL;
  unsigned id = 0;
  sd_event_level lv = SD_EVL_UNKNOWN;
  sd_time when = SD_TIME_NONE;
  uint64_t record = 0;
  sd_buf msg;
  if(evt_values(a, sysctx, ev, buf, size, &count) || count < SYS_COUNT)
    return;
  v = (const evt_variant *)*buf;
  if(v[SYS_PROVIDER].type == EVT_STRING && v[SYS_PROVIDER].v.str)
    prov = sd_wide_to_utf8(v[SYS_PROVIDER].v.str);
  if(v[SYS_EVENTID].type == EVT_UINT16)
    id = v[SYS_EVENTID].v.u16;
  if(v[SYS_LEVEL].type == EVT_BYTE)
    lv = v[SYS_LEVEL].v.u8 == 0 ? SD_EVL_INFO :
         v[SYS_LEVEL].v.u8 <= 5 ? (sd_event_level)v[SYS_LEVEL].v.u8 :
         SD_EVL_UNKNOWN;
  if(v[SYS_TIME].type == EVT_FILETIME)
    when = sd_time_from_filetime(v[SYS_TIME].v.u64);
  if(v[SYS_RECORD].type == EVT_UINT64)
    record = v[SYS_RECORD].v.u64;
  /* The service filtered already; this guards against a query that
   * returned more than asked. */
  if(!rows_match(j->rows, j->nrows, prov, id)) {
    free(prov);
    return;
  }
  sd_buf_init(&msg);
  if(evt_values(a, userctx, ev, buf, size, &count) == 0) {
    v = (const evt_variant *)*buf;
    for(i = 0; i < count; i++) {
      msg_sep(&msg);
      variant_text(&msg, &v[i]);
    }
  }
  EnterCriticalSection(&j->lock);
  if(!j->abandoned)
    event_add(&j->f, j->src, prov, id, lv, when, record, &msg);
  LeaveCriticalSection(&j->lock);
  sd_buf_free(&msg);
  free(prov);
}

/* Open the query on one log; NULL with the log's state set (absent: the
 * channel does not exist on this Windows). */
static evt_handle evt_open(sd_facts *f, const evt_api *a,
                           sd_event_source *src, const ev_row *const *rows,
                           size_t nrows)
{
  wchar_t *wlog = sd_utf8_to_wide(src->log);
  wchar_t *xpath = build_xpath(rows, nrows);
  evt_handle q;
  DWORD err;
  SetLastError(0);
  q = (wlog && xpath) ? a->query(NULL, wlog, xpath,
                                 EVT_QUERY_CHANNEL | EVT_QUERY_REVERSE)
                      : NULL;
  err = GetLastError();
  free(wlog);
  free(xpath);
  if(q)
    return q;
  if(err == (DWORD)ERROR_EVT_CHANNEL_NOT_FOUND)
    sd_fstate_set(f, &src->st, SD_ST_ABSENT, 0, NULL);
  else if(err == 0)
    sd_fstate_set(f, &src->st, SD_ST_UNREADABLE, 0,
                  "EvtQuery on the %s log returned no result and no error "
                  "code (the event log service did not answer)", src->log);
  else
    sd_fstate_os_error(f, &src->st, err, "EvtQuery");
  return NULL;
}

/* EvtNext stopped: the end of the log, a log that does not answer in
 * time (what was read counts), or an error. */
static void evt_next_stopped(sd_facts *f, sd_event_source *src, DWORD err)
{
  if(err == ERROR_NO_MORE_ITEMS)
    sd_fstate_set(f, &src->st, SD_ST_READ, 0, NULL);
  else if(err == ERROR_TIMEOUT) {
    src->truncated = 1;
    sd_fstate_set(f, &src->st, SD_ST_READ, 0, "the log did not answer "
                  "within %u ms; only the newest %lu matching events were "
                  "read", EV_NEXT_TIMEOUT_MS, (unsigned long)src->scanned);
  }
  else
    sd_fstate_os_error(f, &src->st, err, "EvtNext");
}

/* Count an event read; 0 to go on, 1 when the caller stopped waiting. */
static int evt_counted(ev_job *j)
{
  int stop;
  EnterCriticalSection(&j->lock);
  j->src->scanned++;
  stop = j->abandoned;
  LeaveCriticalSection(&j->lock);
  return stop;
}

static void evt_log(sd_job *job)
{
  ev_job *j = (ev_job *)job;
  sd_facts *f = &j->f;
  const evt_api *a = &j->a;
  sd_event_source *src = j->src;
  evt_handle q, sysctx = NULL, userctx = NULL;
  evt_handle evs[16];
  DWORD got = 0, size = 4096, i;
  BYTE *buf = NULL;
  DWORD t0 = GetTickCount();
  int done = 0;
  q = evt_open(f, a, src, j->rows, j->nrows);
  if(!q)
    return;
  sysctx = a->ctx(0, NULL, EVT_CTX_SYSTEM);
  userctx = a->ctx(0, NULL, EVT_CTX_USER);
  if(!sysctx || !userctx)
    sd_fstate_os_error(f, &src->st, GetLastError(), "EvtCreateRenderContext");
  else
    buf = sd_xmalloc(size);
  while(buf && !done) {
    if(!a->next(q, (DWORD)SD_COUNTOF(evs), evs, EV_NEXT_TIMEOUT_MS, 0,
                &got)) {
      evt_next_stopped(f, src, GetLastError());
      break;
    }
    for(i = 0; i < got; i++) {
      if(!done && evt_counted(j))
        done = 1;
      else if(!done) {
        evt_one(j, sysctx, userctx, evs[i], &buf, &size);
        if(src->scanned >= src->max_records ||
           GetTickCount() - t0 > j->budget_ms) {
          src->truncated = 1;
          done = 1;
          sd_fstate_set(f, &src->st, SD_ST_READ, 0, "stopped after %lu "
                        "matching events or %lu ms; older ones were not "
                        "read", (unsigned long)src->scanned,
                        (unsigned long)j->budget_ms);
        }
      }
      a->close(evs[i]);
    }
  }
  free(buf);
  if(sysctx)
    a->close(sysctx);
  if(userctx)
    a->close(userctx);
  a->close(q);
}

/* ---- ReadEventLogW (Windows Server 2003 and older) ---- */

static sd_event_level classic_level(WORD type)
{
  switch(type) {
  case EVENTLOG_ERROR_TYPE: return SD_EVL_ERROR;
  case EVENTLOG_WARNING_TYPE: return SD_EVL_WARNING;
  case EVENTLOG_AUDIT_FAILURE: return SD_EVL_WARNING;
  default: return SD_EVL_INFO;
  }
}

/* Length in wchar_t of a string starting at p and ending before end. */
static size_t wlen_bounded(const wchar_t *p, const BYTE *end)
{
  size_t n = 0;
  while((const BYTE *)(p + n + 1) <= end && p[n])
    n++;
  return n;
}

/* Handle one record; returns 1 to stop reading (older than the window). */
static int classic_one(sd_facts *f, const EVENTLOGRECORD *r,
                       sd_event_source *src, const ev_row *const *rows,
                       size_t nrows)
{
  const BYTE *base = (const BYTE *)r, *end = base + r->Length;
  const wchar_t *srcname = (const wchar_t *)(r + 1);
  unsigned id = (unsigned)(r->EventID & 0xFFFFu);
  char *prov;
  sd_buf msg;
  if((sd_time)r->TimeGenerated < src->since)
    return 1;
  prov = sd_wide_n_to_utf8(srcname, wlen_bounded(srcname, end));
  if(rows_match(rows, nrows, prov, id)) {
    WORD k;
    const BYTE *s = base + r->StringOffset;
    sd_buf_init(&msg);
    for(k = 0; k < r->NumStrings && r->StringOffset >= sizeof(*r) &&
               s + sizeof(wchar_t) <= end; k++) {
      size_t len = wlen_bounded((const wchar_t *)s, end);
      msg_sep(&msg);
      msg_put_wide(&msg, (const wchar_t *)s, len);
      s += (len + 1) * sizeof(wchar_t);
    }
    event_add(f, src, prov, id, classic_level(r->EventType),
              (sd_time)r->TimeGenerated, r->RecordNumber, &msg);
    sd_buf_free(&msg);
  }
  free(prov);
  return 0;
}

static void classic_log(sd_facts *f, sd_event_source *src,
                        const ev_row *const *rows, size_t nrows)
{
  char *key = sd_arena_printf(&f->arena, "SYSTEM\\CurrentControlSet\\"
                              "Services\\EventLog\\%s", src->log);
  wchar_t *wlog;
  HANDLE h;
  DWORD size = 64u * 1024u, got, need, err;
  BYTE *buf;
  DWORD t0 = GetTickCount();
  int stop = 0;
  /* OpenEventLogW opens the Application log instead of a log that does
   * not exist, so ask the registry first. */
  if(!sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, key, &src->st))
    return;
  wlog = sd_utf8_to_wide(src->log);
  h = wlog ? OpenEventLogW(NULL, wlog) : NULL;
  free(wlog);
  if(!h) {
    sd_fstate_os_error(f, &src->st, GetLastError(), "OpenEventLogW");
    return;
  }
  buf = sd_xmalloc(size);
  sd_fstate_set(f, &src->st, SD_ST_READ, 0, NULL);
  while(!stop) {
    const BYTE *p, *end;
    got = need = 0;
    if(!ReadEventLogW(h, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ,
                      0, buf, size, &got, &need)) {
      err = GetLastError();
      if(err == ERROR_HANDLE_EOF)
        break;
      if(err == ERROR_INSUFFICIENT_BUFFER && need > size &&
         need <= 16u * 1024u * 1024u) {
        size = need;
        free(buf);
        buf = sd_xmalloc(size);
        continue;
      }
      sd_fstate_os_error(f, &src->st, err, "ReadEventLogW");
      break;
    }
    if(got == 0)
      break;
    p = buf;
    end = buf + (got < size ? got : size);
    while(!stop && p + sizeof(EVENTLOGRECORD) <= end) {
      const EVENTLOGRECORD *r = (const EVENTLOGRECORD *)p;
      if(r->Length < sizeof(EVENTLOGRECORD) || p + r->Length > end) {
        stop = 1;
        break;
      }
      if(src->scanned >= src->max_records ||
         GetTickCount() - t0 > EV_BUDGET_MS) {
        src->truncated = 1;
        sd_fstate_set(f, &src->st, SD_ST_READ, 0, "stopped after %lu "
                      "records or %u ms; older ones were not read",
                      (unsigned long)src->scanned, EV_BUDGET_MS);
        stop = 1;
        break;
      }
      src->scanned++;
      stop = classic_one(f, r, src, rows, nrows);
      p += r->Length;
    }
  }
  free(buf);
  CloseEventLog(h);
}

/* ---- one log in a job with a deadline ---- */

static void ev_destroy(sd_job *job)
{
  ev_job *j = (ev_job *)job;
  DeleteCriticalSection(&j->lock);
  sd_facts_free(&j->f);
  free(j);
}

/* The events the job read, into the run's facts (under the job's lock
 * when its thread may still run). */
static void ev_copy(sd_facts *f, sd_event_source *src, const ev_job *j)
{
  size_t i;
  for(i = 0; i < j->f.events.count; i++) {
    const sd_event *s = &j->f.events.items[i];
    sd_event *e = sd_event_add(&f->events);
    e->log = src->log;
    e->provider = sd_facts_str(f, s->provider);
    e->id = s->id;
    e->level = s->level;
    e->time = s->time;
    e->record = s->record;
    e->message = sd_facts_str(f, s->message);
  }
  src->scanned = j->src->scanned;
}

/* Read one log with EvtQuery in a job, waiting at most wait_ms: what it
 * read is kept either way. */
static void evt_log_job(sd_facts *f, const evt_api *a, sd_event_source *src,
                        const ev_row *const *rows, size_t n, DWORD wait_ms)
{
  ev_job *j = sd_xcalloc(1, sizeof(*j));
  DWORD err = 0;
  int run;
  InitializeCriticalSection(&j->lock);
  sd_facts_init(&j->f);
  sd_job_init(&j->job, evt_log, ev_destroy);
  j->src = sd_event_source_add(&j->f.events);
  j->src->log = sd_facts_str(&j->f, src->log);
  j->src->since = src->since;
  j->src->max_records = src->max_records;
  j->a = *a;
  memcpy(j->rows, rows, n * sizeof(*rows));
  j->nrows = n;
  /* Its own stop comes first, so a log that answers is never cut off. */
  j->budget_ms = wait_ms > 4000 ? wait_ms - 2000 : wait_ms / 2;
  if(j->budget_ms > EV_BUDGET_MS)
    j->budget_ms = EV_BUDGET_MS;
  run = sd_job_run(&j->job, wait_ms, &err);
  if(run < 0)
    sd_fstate_os_error(f, &src->st, err, "CreateThread");
  else if(run == 0) {
    ev_copy(f, src, j);
    src->truncated = j->src->truncated;
    src->st = j->src->st;
    src->st.why = sd_facts_str(f, j->src->st.why);
  }
  else {
    EnterCriticalSection(&j->lock);
    j->abandoned = 1;
    ev_copy(f, src, j);
    LeaveCriticalSection(&j->lock);
    src->truncated = 1;
    sd_fstate_set(f, &src->st, SD_ST_READ, 0, "the log did not answer "
                  "within %lu ms; only the newest %lu matching events were "
                  "read", (unsigned long)wait_ms,
                  (unsigned long)src->scanned);
  }
  sd_job_release(&j->job); /* after a deadline the thread frees it */
}

/* ---- driver ---- */

/* The rows of the modules the run needs, in the module table's order. */
static size_t wanted_rows(unsigned needs, const ev_row **rows, size_t cap)
{
  size_t nmods, m, i, n = 0;
  const sd_collector *const *mods = sd_cw_collectors(&nmods);
  for(m = 0; m < nmods; m++)
    for(i = 0; (needs & SD_NEED_MODULE_AT(m)) && i < mods[m]->nevents; i++)
      if(n < cap)
        rows[n++] = &mods[m]->events[i];
  return n;
}

void sd_cw_events(sd_facts *f, unsigned needs, const sd_options *o)
{
  evt_api api;
  int modern = evt_load(&api);
  const ev_row *all[EV_MAX_ROWS];
  size_t i, k, nall = wanted_rows(needs, all, EV_MAX_ROWS);
  sd_time now = f->collected_at != SD_TIME_NONE ? f->collected_at : sd_now();
  int known = 0, any = 0;
  /* All the logs within half of --timeout, so the run's watchdog never
   * fires first. */
  DWORD total = (DWORD)(o && o->timeout_s > 0 ? o->timeout_s : 60) * 500u;
  DWORD t0 = GetTickCount(), used;
  f->events.method = modern ? "EvtQuery" : "ReadEventLog";
  for(i = 0; i < nall; i++) {
    const ev_row *rows[EV_MAX_ROWS];
    size_t n = 0;
    sd_event_source *src;
    int seen = 0;
    for(k = 0; k < i; k++)
      seen |= sd_strieq(all[k]->log, all[i]->log);
    if(seen)
      continue; /* this log was read with an earlier row */
    for(k = i; k < nall; k++)
      if(sd_strieq(all[k]->log, all[i]->log))
        rows[n++] = all[k];
    src = sd_event_source_add(&f->events);
    src->log = sd_facts_str(f, all[i]->log);
    src->since = now - EV_WINDOW_S;
    src->max_records = EV_MAX_RECORDS;
    used = GetTickCount() - t0;
    if(modern && used >= total)
      sd_fstate_set(f, &src->st, SD_ST_UNREADABLE, ERROR_TIMEOUT, "not "
                    "read: the logs read before it used the %lu s the "
                    "event logs are given (half of --timeout)",
                    (unsigned long)total / 1000);
    else if(modern)
      evt_log_job(f, &api, src, rows, n, total - used <
                  EV_NEXT_TIMEOUT_MS + 2000 ? total - used :
                  EV_NEXT_TIMEOUT_MS + 2000);
    else
      classic_log(f, src, rows, n);
    any = 1;
    known |= sd_fstate_known(&src->st);
  }
  if(known || !any)
    sd_fstate_set(f, &f->events.st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(f, &f->events.st, SD_ST_UNREADABLE, 0,
                  "none of the event logs could be read (see sources)");
}
