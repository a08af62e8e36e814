/* ocs_events_probe.c - exercises src/collect/win32/events.c where Wine
 * cannot: Wine's event log APIs are stubs, so the EvtQuery result handling
 * and the ReadEventLogW record parser never see an event there.
 *
 * It includes events.c and drives it with
 *   - a fake wevtapi (query/next/render/close function pointers) that hands
 *     out synthetic events, to check the XPath filter, rendering of system
 *     and user values, buffer growth, the record limit, "channel not found"
 *     = absent and Wine's NULL-without-error = unreadable;
 *   - hand-made EVENTLOGRECORD buffers for classic_one (matching, the
 *     window, insertion strings, records whose strings run past the end);
 *   - compile-time checks that the hand-declared wevtapi types match the
 *     SDK's winevt.h.
 *
 * Build (the test script does this; needs the win64 libsdcore.a):
 *   x86_64-w64-mingw32-gcc -municode -D_WIN32_WINNT=0x0600 -DUNICODE
 *     -D_UNICODE -I<repo>/include -I<repo>/src/collect/win32
 *     ocs_events_probe.c libsdcore.a -ladvapi32 ... -o ocs_events_probe.exe
 * Prints one line per failed check and "ocs_events_probe: N checks, M
 * failed"; the exit code is the number of failures. */
#include "../../../src/collect/win32/events.c"

#include <stddef.h>
#include <winevt.h>

/* ---- the hand-declared types are the SDK's ---- */
_Static_assert(sizeof(evt_variant) == sizeof(EVT_VARIANT), "EVT_VARIANT");
_Static_assert(offsetof(evt_variant, count) == offsetof(EVT_VARIANT, Count),
               "Count");
_Static_assert(offsetof(evt_variant, type) == offsetof(EVT_VARIANT, Type),
               "Type");
#define SAME(a, b) _Static_assert((int)(a) == (int)(b), #a " is " #b)
SAME(EVT_QUERY_CHANNEL, EvtQueryChannelPath);
SAME(EVT_QUERY_REVERSE, EvtQueryReverseDirection);
SAME(EVT_CTX_SYSTEM, EvtRenderContextSystem);
SAME(EVT_CTX_USER, EvtRenderContextUser);
SAME(EVT_RENDER_VALUES, EvtRenderEventValues);
SAME(SYS_PROVIDER, EvtSystemProviderName);
SAME(SYS_EVENTID, EvtSystemEventID);
SAME(SYS_LEVEL, EvtSystemLevel);
SAME(SYS_TIME, EvtSystemTimeCreated);
SAME(SYS_RECORD, EvtSystemEventRecordId);
SAME(SYS_COUNT, EvtSystemPropertyIdEND);
SAME(EVT_STRING, EvtVarTypeString);
SAME(EVT_ANSI, EvtVarTypeAnsiString);
SAME(EVT_SBYTE, EvtVarTypeSByte);
SAME(EVT_BYTE, EvtVarTypeByte);
SAME(EVT_INT16, EvtVarTypeInt16);
SAME(EVT_UINT16, EvtVarTypeUInt16);
SAME(EVT_INT32, EvtVarTypeInt32);
SAME(EVT_UINT32, EvtVarTypeUInt32);
SAME(EVT_INT64, EvtVarTypeInt64);
SAME(EVT_UINT64, EvtVarTypeUInt64);
SAME(EVT_BOOL, EvtVarTypeBoolean);
SAME(EVT_GUID, EvtVarTypeGuid);
SAME(EVT_SIZET, EvtVarTypeSizeT);
SAME(EVT_FILETIME, EvtVarTypeFileTime);
SAME(EVT_HEX32, EvtVarTypeHexInt32);
SAME(EVT_HEX64, EvtVarTypeHexInt64);
SAME(EVT_ARRAY, EVT_VARIANT_TYPE_ARRAY);
SAME(ERROR_EVT_CHANNEL_NOT_FOUND, 15007);

static int checks, failures;

static void check(int cond, const char *what)
{
  checks++;
  if(!cond) {
    failures++;
    printf("FAIL: %s\n", what);
  }
}

/* ---- a fake wevtapi ---- */

typedef struct fake_event {
  const wchar_t *provider;
  unsigned short id;
  unsigned char level;
  uint64_t filetime;
  uint64_t record;
  const wchar_t *param1;
  uint32_t hex;            /* rendered as a HexInt32 user value */
} fake_event;

static const fake_event *fake_events;
static size_t fake_nevents, fake_pos;
static wchar_t fake_last_query[2048];
static int fake_open_handles, fake_render_small;
static DWORD fake_query_error; /* 0: succeed; else fail with it */
static int fake_query_null_no_error;

#define H_QUERY ((evt_handle)(uintptr_t)0x1000)
#define H_SYS ((evt_handle)(uintptr_t)0x2000)
#define H_USER ((evt_handle)(uintptr_t)0x3000)
#define H_EVENT(i) ((evt_handle)(uintptr_t)(0x10000 + (i)))

static evt_handle WINAPI fake_query(evt_handle s, LPCWSTR path, LPCWSTR q,
                                    DWORD flags)
{
  (void)s;
  (void)path;
  check(flags == (EVT_QUERY_CHANNEL | EVT_QUERY_REVERSE), "query flags");
  wcsncpy(fake_last_query, q, 2047);
  if(fake_query_null_no_error) {
    SetLastError(0);
    return NULL;
  }
  if(fake_query_error) {
    SetLastError(fake_query_error);
    return NULL;
  }
  fake_pos = 0;
  fake_open_handles++;
  return H_QUERY;
}

static BOOL WINAPI fake_next(evt_handle q, DWORD n, evt_handle *out,
                             DWORD timeout, DWORD flags, DWORD *got)
{
  DWORD k = 0;
  (void)timeout;
  (void)flags;
  check(q == H_QUERY, "EvtNext on the query handle");
  while(k < n && k < 3 && fake_pos < fake_nevents) {
    out[k++] = H_EVENT(fake_pos);
    fake_pos++;
    fake_open_handles++;
  }
  *got = k;
  if(k == 0) {
    SetLastError(ERROR_NO_MORE_ITEMS);
    return FALSE;
  }
  return TRUE;
}

static evt_handle WINAPI fake_ctx(DWORD n, LPCWSTR *paths, DWORD flags)
{
  (void)n;
  (void)paths;
  fake_open_handles++;
  return flags == EVT_CTX_SYSTEM ? H_SYS : H_USER;
}

static BOOL WINAPI fake_render(evt_handle ctx, evt_handle ev, DWORD flags,
                               DWORD size, PVOID buf, DWORD *used,
                               DWORD *count)
{
  size_t i = (size_t)((uintptr_t)ev - 0x10000);
  const fake_event *e;
  evt_variant *v = buf;
  DWORD n = ctx == H_SYS ? SYS_COUNT : 2;
  DWORD need = n * (DWORD)sizeof(evt_variant);
  check(flags == EVT_RENDER_VALUES, "render flags");
  check(i < fake_nevents, "render of a handed-out event");
  if(i >= fake_nevents)
    return FALSE;
  e = &fake_events[i];
  if(fake_render_small)
    need += 4096; /* pretend the strings need more room */
  *used = need;
  if(size < need) {
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  memset(buf, 0, need);
  *count = n;
  if(ctx == H_SYS) {
    v[SYS_PROVIDER].type = EVT_STRING;
    v[SYS_PROVIDER].v.str = e->provider;
    v[SYS_EVENTID].type = EVT_UINT16;
    v[SYS_EVENTID].v.u16 = e->id;
    v[SYS_LEVEL].type = EVT_BYTE;
    v[SYS_LEVEL].v.u8 = e->level;
    v[SYS_TIME].type = EVT_FILETIME;
    v[SYS_TIME].v.u64 = e->filetime;
    v[SYS_RECORD].type = EVT_UINT64;
    v[SYS_RECORD].v.u64 = e->record;
  }
  else {
    v[0].type = EVT_STRING;
    v[0].v.str = e->param1;
    v[1].type = EVT_HEX32;
    v[1].v.u32 = e->hex;
  }
  return TRUE;
}

static BOOL WINAPI fake_close(evt_handle h)
{
  (void)h;
  fake_open_handles--;
  return TRUE;
}

static const evt_api fake_api = {fake_query, fake_next, fake_ctx,
                                 fake_render, fake_close};

/* 2026-11-25T06:03:11Z as a FILETIME. */
#define FT_2026 ((uint64_t)(1795500191LL + 11644473600LL) * 10000000u)

/* The System rows the modules' collectors declare (ocs-kb974571's). */
static const ev_row *const *system_rows(size_t *n)
{
  static const ev_row *rows[16];
  size_t nmods, m, i;
  const sd_collector *const *mods = sd_cw_collectors(&nmods);
  *n = 0;
  for(m = 0; m < nmods; m++)
    for(i = 0; i < mods[m]->nevents; i++)
      if(sd_strieq(mods[m]->events[i].log, "System") && *n < 16)
        rows[(*n)++] = &mods[m]->events[i];
  return rows;
}

static void test_evtquery(void)
{
  static const fake_event evs[] = {
    {L"Service Control Manager", 7024, 2, FT_2026, 88213,
     L"Office Communications Server Front-End", 0xC3E93C23u},
    {L"Service Control Manager", 7036, 4, FT_2026, 88214, L"ignored", 0},
    {L"Other Source", 7024, 2, FT_2026, 88215, L"ignored", 0},
    {L"Service Control Manager", 7023, 2, FT_2026, 88216,
     L"Windows Update", 2},
    {L"Service Control Manager", 7024, 2, FT_2026, 88217, L"four", 4},
    {L"Service Control Manager", 7024, 2, FT_2026, 88218, L"five", 5},
  };
  const ev_row *const *rows;
  size_t nrows;
  sd_facts f;
  sd_event_source *src;
  char *q;
  sd_facts_init(&f);
  rows = system_rows(&nrows);
  check(nrows == 1, "one System row");

  /* All six events, a render buffer that must grow. */
  fake_events = evs;
  fake_nevents = SD_COUNTOF(evs);
  fake_render_small = 1;
  src = sd_event_source_add(&f.events);
  src->log = "System";
  src->max_records = 5000;
  evt_log_job(&f, &fake_api, src, rows, nrows, 10000);
  q = sd_wide_to_utf8(fake_last_query);
  check(q && strstr(q, "Provider[@Name='Service Control Manager']") &&
        strstr(q, "EventID=7023 or EventID=7024") &&
        strstr(q, "timediff(@SystemTime) <= 604800000"), "XPath filter");
  if(q && !strstr(q, "EventID=7024"))
    printf("  query was: %s\n", q);
  free(q);
  check(src->st.state == SD_ST_READ, "log read");
  check(src->scanned == 6 && !src->truncated, "six events scanned");
  /* 7036 and the other provider are dropped even if the service returned
   * them. */
  check(f.events.count == 4, "four matching events kept");
  if(f.events.count >= 1) {
    const sd_event *e = &f.events.items[0];
    check(e->id == 7024 && e->level == SD_EVL_ERROR && e->record == 88213,
          "system values");
    check(e->time == 1795500191, "time from FILETIME");
    check(sd_streq(e->provider, "Service Control Manager"), "provider");
    check(sd_streq(e->log, "System"), "log name");
    check(sd_streq(e->message, "Office Communications Server Front-End | "
                   "0xC3E93C23"), "user values joined");
    if(!sd_streq(e->message, "Office Communications Server Front-End | "
                 "0xC3E93C23"))
      printf("  message was: %s\n", sd_str_or(e->message, "(null)"));
  }
  check(fake_open_handles == 0, "every handle closed");

  /* The record limit. */
  sd_facts_free(&f);
  sd_facts_init(&f);
  fake_render_small = 0;
  src = sd_event_source_add(&f.events);
  src->log = "System";
  src->max_records = 4;
  evt_log_job(&f, &fake_api, src, rows, nrows, 10000);
  check(src->scanned == 4 && src->truncated, "stops at max_records");
  check(src->st.state == SD_ST_READ && src->st.why, "truncation explained");
  check(fake_open_handles == 0, "every handle closed after truncation");

  /* Channel not found = absent; NULL without an error = unreadable. */
  sd_facts_free(&f);
  sd_facts_init(&f);
  fake_query_error = (DWORD)ERROR_EVT_CHANNEL_NOT_FOUND;
  src = sd_event_source_add(&f.events);
  src->log = "Live Communications Server";
  evt_log_job(&f, &fake_api, src, rows, nrows, 10000);
  check(src->st.state == SD_ST_ABSENT, "missing channel is absent");
  fake_query_error = ERROR_ACCESS_DENIED;
  src = sd_event_source_add(&f.events);
  src->log = "System";
  evt_log_job(&f, &fake_api, src, rows, nrows, 10000);
  check(f.events.sources[1].st.state == SD_ST_UNREADABLE &&
        f.events.sources[1].st.error == ERROR_ACCESS_DENIED,
        "access denied is unreadable");
  fake_query_error = 0;
  fake_query_null_no_error = 1;
  src = sd_event_source_add(&f.events);
  src->log = "System";
  evt_log_job(&f, &fake_api, src, rows, nrows, 10000);
  check(f.events.sources[2].st.state == SD_ST_UNREADABLE &&
        f.events.sources[2].st.why, "NULL without error is unreadable");
  fake_query_null_no_error = 0;
  check(f.events.count == 0, "no events from failed queries");
  sd_facts_free(&f);
}

/* ---- classic records ---- */

static size_t put_record(BYTE *buf, DWORD time, DWORD id, WORD type,
                         const wchar_t *source, const wchar_t *const *strs,
                         WORD nstrs, int truncate_strings)
{
  EVENTLOGRECORD *r = (EVENTLOGRECORD *)buf;
  BYTE *p = buf + sizeof(*r);
  size_t n, k;
  memset(r, 0, sizeof(*r));
  r->RecordNumber = 4242;
  r->TimeGenerated = time;
  r->TimeWritten = time;
  r->EventID = id;
  r->EventType = type;
  n = (wcslen(source) + 1) * sizeof(wchar_t);
  memcpy(p, source, n);
  p += n;
  memcpy(p, L"OCS01", 12);
  p += 12;
  r->StringOffset = (DWORD)(p - buf);
  r->NumStrings = nstrs;
  for(k = 0; k < nstrs; k++) {
    n = (wcslen(strs[k]) + 1) * sizeof(wchar_t);
    memcpy(p, strs[k], n);
    p += n;
  }
  if(truncate_strings)
    p -= 6; /* the last string loses its end and terminator */
  else
    while((p - buf) % 4)
      *p++ = 0;
  r->Length = (DWORD)(p - buf);
  return (size_t)(p - buf);
}

static void test_classic(void)
{
  static const wchar_t *const s7024[] = {
    L"Office Communications Server Front-End", L"%%3286842403"};
  static const wchar_t *const slong[] = {L"abcdefghijklmnop"};
  BYTE buf[4096];
  const ev_row *const *rows;
  size_t nrows;
  sd_facts f;
  sd_event_source *src;
  sd_facts_init(&f);
  rows = system_rows(&nrows);
  src = sd_event_source_add(&f.events);
  src->log = "System";
  src->since = 1795000000;

  put_record(buf, 1795500191, 0xC0001B70u, EVENTLOG_ERROR_TYPE,
             L"Service Control Manager", s7024, 2, 0);
  check(classic_one(&f, (EVENTLOGRECORD *)buf, src, rows, nrows) == 0,
        "record in the window");
  check(f.events.count == 1, "7024 (0xC0001B70) matched");
  if(f.events.count == 1) {
    const sd_event *e = &f.events.items[0];
    check(e->id == 7024 && e->level == SD_EVL_ERROR && e->record == 4242 &&
          e->time == 1795500191, "classic values");
    check(sd_streq(e->message, "Office Communications Server Front-End | "
                   "%%3286842403"), "classic insertion strings");
  }
  put_record(buf, 1795500191, 7036, EVENTLOG_INFORMATION_TYPE,
             L"Service Control Manager", s7024, 2, 0);
  classic_one(&f, (EVENTLOGRECORD *)buf, src, rows, nrows);
  check(f.events.count == 1, "7036 not kept");
  put_record(buf, 1795500191, 7024, EVENTLOG_ERROR_TYPE, L"Someone Else",
             s7024, 2, 0);
  classic_one(&f, (EVENTLOGRECORD *)buf, src, rows, nrows);
  check(f.events.count == 1, "other source not kept");
  /* Strings running past the record end are cut, not read beyond it. */
  put_record(buf, 1795500191, 7024, EVENTLOG_ERROR_TYPE,
             L"Service Control Manager", slong, 1, 1);
  memset(buf + ((EVENTLOGRECORD *)buf)->Length, 'X', 64);
  classic_one(&f, (EVENTLOGRECORD *)buf, src, rows, nrows);
  check(f.events.count == 2 && !strchr(f.events.items[1].message, 'X'),
        "insertion string bounded by the record");
  /* Older than the window: stop. */
  put_record(buf, 1794000000, 7024, EVENTLOG_ERROR_TYPE,
             L"Service Control Manager", s7024, 2, 0);
  check(classic_one(&f, (EVENTLOGRECORD *)buf, src, rows, nrows) == 1,
        "older record ends the scan");
  check(f.events.count == 2, "older record not kept");
  sd_facts_free(&f);
}

int wmain(int argc, wchar_t **argv)
{
  (void)argc;
  (void)argv;
  test_evtquery();
  test_classic();
  printf("ocs_events_probe: %d checks, %d failed\n", checks, failures);
  return failures;
}
