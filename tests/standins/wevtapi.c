/* wevtapi.c - a stand-in for the Windows Event Log API, for srvdoctor's
 * tests under Wine (never shipped; Wine's own wevtapi is a stub).  Copied
 * over the prefix's system32\wevtapi.dll and loaded with
 * WINEDLLOVERRIDES="wevtapi=n", it serves the events of the data file
 * beside it, sd-standin-evt.txt (UTF-8, tab-separated fields, '#' starts
 * a comment line):
 *
 *   channel CHANNEL                  the channel exists (empty)
 *   deny    CHANNEL                  EvtQuery fails with access denied
 *   next    CHANNEL N wait|block     after N events EvtNext waits its
 *                                    timeout and fails with ERROR_TIMEOUT
 *                                    (wait) or never returns (block)
 *   event   CHANNEL PROVIDER ID LEVEL AGE_S RECORD [STRING]...
 *                                    one event, written AGE_S seconds
 *                                    before the data file was, with its
 *                                    insertion strings
 *   bulk    CHANNEL N PROVIDER ID LEVEL
 *                                    N events one second apart, the
 *                                    newest as old as the file, made as
 *                                    they are read
 *
 * Implemented from Microsoft's documentation of EvtQuery, EvtNext,
 * EvtCreateRenderContext, EvtRender and EvtClose: results newest first
 * with EvtQueryReverseDirection, values rendered as an EVT_VARIANT array
 * followed by the strings it points to.  The XPath filter is understood
 * only in the form srvdoctor writes (providers, event IDs, timediff); any
 * other query fails with ERROR_EVT_INVALID_QUERY. */
#include <windows.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define EV_FILE L"sd-standin-evt.txt"
#define ERR_INVALID_QUERY 15001L
#define ERR_CHANNEL_NOT_FOUND 15007L

/* ---- the data ---- */

typedef struct ev {
  wchar_t *provider;
  unsigned id, level;
  unsigned long age_s;
  uint64_t record;
  wchar_t **strings;
  size_t nstrings;
} ev;

typedef struct chan {
  wchar_t *name;
  int denied;
  int next_kind;        /* 0 none, 1 wait, 2 block */
  unsigned long after;
  ev *evs;              /* oldest first */
  size_t nevs;
  unsigned long bulk;   /* synthetic events, newest now */
  ev bulk_ev;
} chan;

static chan *chans;
static size_t nchans;
/* The data file's last write: AGE_S counts back from it, so that every
 * process reading the file sees the same event times. */
static uint64_t base_ft;
static HMODULE self;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static void *grow(void *p, size_t n, size_t size)
{
  void *q = realloc(p, n * size);
  if(!q)
    abort();
  return q;
}

static chan *chan_get(const wchar_t *name, int make)
{
  size_t i;
  for(i = 0; i < nchans; i++)
    if(!_wcsicmp(chans[i].name, name))
      return &chans[i];
  if(!make)
    return NULL;
  chans = grow(chans, nchans + 1, sizeof(*chans));
  memset(&chans[nchans], 0, sizeof(*chans));
  chans[nchans].name = _wcsdup(name);
  return &chans[nchans++];
}

static void ev_fill(ev *e, wchar_t **f, size_t n)
{
  size_t i;
  e->provider = _wcsdup(f[0]);
  e->id = (unsigned)wcstoul(f[1], NULL, 10);
  e->level = (unsigned)wcstoul(f[2], NULL, 10);
  e->age_s = n > 3 ? wcstoul(f[3], NULL, 10) : 0;
  e->record = n > 4 ? wcstoull(f[4], NULL, 10) : 0;
  e->nstrings = n > 5 ? n - 5 : 0;
  e->strings = grow(NULL, e->nstrings + 1, sizeof(wchar_t *));
  for(i = 0; i < e->nstrings; i++)
    e->strings[i] = _wcsdup(f[5 + i]);
}

static void parse_line(wchar_t *line)
{
  wchar_t *f[64];
  size_t n = 0;
  chan *c;
  while(n < 64) {
    wchar_t *tab = wcschr(line, L'\t');
    f[n++] = line;
    if(!tab)
      break;
    *tab = L'\0';
    line = tab + 1;
  }
  if(n < 2 || f[0][0] == L'#')
    return;
  c = chan_get(f[1], 1);
  if(!wcscmp(f[0], L"deny"))
    c->denied = 1;
  else if(!wcscmp(f[0], L"next") && n >= 4) {
    c->after = wcstoul(f[2], NULL, 10);
    c->next_kind = !wcscmp(f[3], L"block") ? 2 : 1;
  }
  else if(!wcscmp(f[0], L"event") && n >= 5) {
    c->evs = grow(c->evs, c->nevs + 1, sizeof(*c->evs));
    ev_fill(&c->evs[c->nevs++], f + 2, n - 2);
  }
  else if(!wcscmp(f[0], L"bulk") && n >= 6) {
    c->bulk = wcstoul(f[2], NULL, 10);
    ev_fill(&c->bulk_ev, f + 3, 3);
  }
}

static wchar_t *read_text(void)
{
  FILETIME ft;
  wchar_t path[MAX_PATH + 32], *slash, *w;
  HANDLE h;
  DWORD size, got = 0;
  char *buf;
  int wn;
  if(!GetModuleFileNameW(self, path, MAX_PATH))
    return NULL;
  slash = wcsrchr(path, L'\\');
  wcscpy(slash ? slash + 1 : path, EV_FILE);
  h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                  0, NULL);
  if(h == INVALID_HANDLE_VALUE)
    return NULL;
  if(GetFileTime(h, NULL, NULL, &ft))
    base_ft = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
  size = GetFileSize(h, NULL);
  buf = grow(NULL, (size_t)size + 1, 1);
  if(size == INVALID_FILE_SIZE || !ReadFile(h, buf, size, &got, NULL))
    got = 0;
  CloseHandle(h);
  buf[got] = '\0';
  wn = MultiByteToWideChar(CP_UTF8, 0, buf, (int)got + 1, NULL, 0);
  w = grow(NULL, (size_t)(wn > 0 ? wn : 1), sizeof(wchar_t));
  w[0] = L'\0';
  if(wn > 0)
    MultiByteToWideChar(CP_UTF8, 0, buf, (int)got + 1, w, wn);
  free(buf);
  return w;
}

static BOOL CALLBACK load(PINIT_ONCE o, PVOID p, PVOID *ctx)
{
  wchar_t *text = read_text(), *line;
  (void)o;
  (void)p;
  (void)ctx;
  for(line = text; line && *line;) {
    wchar_t *nl = wcschr(line, L'\n');
    size_t len;
    if(nl)
      *nl = L'\0';
    len = wcslen(line);
    if(len && line[len - 1] == L'\r')
      line[len - 1] = L'\0';
    parse_line(line);
    line = nl ? nl + 1 : NULL;
  }
  free(text);
  return TRUE;
}

/* ---- the XPath filter srvdoctor writes ---- */

typedef struct filt_group {
  wchar_t provider[128]; /* empty: any */
  unsigned ids[16];
  size_t nids;
} filt_group;

typedef struct filt {
  filt_group g[16];
  size_t ng;
  unsigned long long max_age_ms; /* 0: no limit */
  int all;
} filt;

static int lit(const wchar_t **p, const wchar_t *s)
{
  size_t n = wcslen(s);
  if(wcsncmp(*p, s, n))
    return 0;
  *p += n;
  return 1;
}

/* "(Provider[@Name='X'] and (EventID=1 or EventID=2))" */
static int parse_group(const wchar_t **p, filt_group *g)
{
  size_t n = 0;
  memset(g, 0, sizeof(*g));
  if(!lit(p, L"("))
    return -1;
  if(lit(p, L"Provider[@Name='")) {
    while(**p && **p != L'\'' && n + 1 < 128)
      g->provider[n++] = *(*p)++;
    g->provider[n] = L'\0';
    if(!lit(p, L"'] and "))
      return -1;
  }
  if(!lit(p, L"("))
    return -1;
  do {
    wchar_t *end;
    if(!lit(p, L"EventID=") || g->nids >= 16)
      return -1;
    g->ids[g->nids++] = (unsigned)wcstoul(*p, &end, 10);
    *p = end;
  } while(lit(p, L" or "));
  return lit(p, L"))") ? 0 : -1;
}

static int parse_filter(const wchar_t *q, filt *f)
{
  const wchar_t *p = q;
  wchar_t *end;
  memset(f, 0, sizeof(*f));
  if(!q || !wcscmp(q, L"*")) {
    f->all = 1;
    return 0;
  }
  if(!lit(&p, L"*[System[("))
    return -1;
  do {
    if(f->ng >= 16 || parse_group(&p, &f->g[f->ng++]))
      return -1;
  } while(lit(&p, L" or "));
  if(!lit(&p, L") and TimeCreated[timediff(@SystemTime) <= "))
    return -1;
  f->max_age_ms = wcstoull(p, &end, 10);
  p = end;
  return lit(&p, L"]]]") && !*p ? 0 : -1;
}

static uint64_t now_ft(void)
{
  FILETIME ft;
  GetSystemTimeAsFileTime(&ft);
  return (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
}

/* When the event was written: AGE_S before the data file's time. */
static uint64_t event_ft(const ev *e)
{
  return (base_ft ? base_ft : now_ft()) - (uint64_t)e->age_s * 10000000ull;
}

static int filt_match(const filt *f, const ev *e)
{
  size_t i, k;
  uint64_t now = now_ft(), t = event_ft(e);
  if(f->all)
    return 1;
  if(t < now && (now - t) / 10000ull > f->max_age_ms)
    return 0;
  for(i = 0; i < f->ng; i++) {
    if(f->g[i].provider[0] && _wcsicmp(f->g[i].provider, e->provider))
      continue;
    for(k = 0; k < f->g[i].nids; k++)
      if(f->g[i].ids[k] == e->id)
        return 1;
  }
  return 0;
}

/* ---- handles ---- */

enum { H_QUERY = 0x51, H_EVENT = 0x5E, H_CTX = 0x5C };

typedef struct query_h {
  int kind;
  chan *c;
  filt f;
  int reverse;
  size_t pos;   /* events handed out or skipped, in reading order */
  size_t given; /* events handed out */
} query_h;

typedef struct event_h {
  int kind;
  ev e;         /* strings point into the channel's data */
  const wchar_t *channel;
} event_h;

typedef struct ctx_h {
  int kind;
  int user;     /* 0 system values, 1 user values */
} ctx_h;

HANDLE WINAPI EvtQuery(HANDLE session, LPCWSTR path, LPCWSTR q, DWORD flags);
BOOL WINAPI EvtNext(HANDLE rs, DWORD size, HANDLE *evs, DWORD tmo,
                    DWORD flags, DWORD *got);
HANDLE WINAPI EvtCreateRenderContext(DWORD n, LPCWSTR *paths, DWORD flags);
BOOL WINAPI EvtRender(HANDLE ctx, HANDLE ev, DWORD flags, DWORD size,
                      PVOID buf, DWORD *used, DWORD *count);
BOOL WINAPI EvtClose(HANDLE h);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD why, LPVOID reserved);

HANDLE WINAPI EvtQuery(HANDLE session, LPCWSTR path, LPCWSTR q, DWORD flags)
{
  query_h *h;
  chan *c;
  (void)session;
  InitOnceExecuteOnce(&once, load, NULL, NULL);
  c = path ? chan_get(path, 0) : NULL;
  if(!c) {
    SetLastError(ERR_CHANNEL_NOT_FOUND);
    return NULL;
  }
  if(c->denied) {
    SetLastError(ERROR_ACCESS_DENIED);
    return NULL;
  }
  h = calloc(1, sizeof(*h));
  if(!h) {
    SetLastError(ERROR_OUTOFMEMORY);
    return NULL;
  }
  h->kind = H_QUERY;
  h->c = c;
  h->reverse = (flags & 0x200) != 0; /* EvtQueryReverseDirection */
  if(parse_filter(q, &h->f)) {
    free(h);
    SetLastError(ERR_INVALID_QUERY);
    return NULL;
  }
  SetLastError(ERROR_SUCCESS);
  return h;
}

/* The event at reading position pos (newest first when reverse), or 0. */
static int event_at(const query_h *q, size_t pos, ev *out)
{
  const chan *c = q->c;
  size_t total = c->nevs + c->bulk, i;
  if(pos >= total)
    return 0;
  i = q->reverse ? total - 1 - pos : pos;
  /* Bulk events are older than the listed ones: they come first. */
  if(i < c->bulk) {
    *out = c->bulk_ev;
    out->age_s = (unsigned long)(c->bulk - 1 - i);
    out->record = i + 1;
    return 1;
  }
  *out = c->evs[i - c->bulk];
  return 1;
}

static BOOL next_fault(const query_h *q, DWORD tmo)
{
  if(q->c->next_kind == 2 || tmo == INFINITE)
    Sleep(INFINITE);
  Sleep(tmo);
  SetLastError(ERROR_TIMEOUT);
  return FALSE;
}

BOOL WINAPI EvtNext(HANDLE rs, DWORD size, HANDLE *evs, DWORD tmo,
                    DWORD flags, DWORD *got)
{
  query_h *q = rs;
  DWORD n = 0;
  ev e;
  (void)flags;
  if(!q || q->kind != H_QUERY || !evs || !got) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  *got = 0;
  while(n < size && event_at(q, q->pos, &e)) {
    event_h *h;
    if(!filt_match(&q->f, &e)) {
      q->pos++;
      continue;
    }
    if(q->c->next_kind && q->given >= q->c->after) {
      if(n)
        break;
      return next_fault(q, tmo);
    }
    h = calloc(1, sizeof(*h));
    if(!h)
      break;
    h->kind = H_EVENT;
    h->e = e;
    h->channel = q->c->name;
    evs[n++] = h;
    q->pos++;
    q->given++;
  }
  *got = n;
  if(!n) {
    SetLastError(ERROR_NO_MORE_ITEMS);
    return FALSE;
  }
  return TRUE;
}

HANDLE WINAPI EvtCreateRenderContext(DWORD n, LPCWSTR *paths, DWORD flags)
{
  ctx_h *h;
  (void)n;
  (void)paths;
  if(flags != 1 && flags != 2) { /* EvtRenderContextSystem, ...User */
    SetLastError(ERROR_INVALID_PARAMETER);
    return NULL;
  }
  h = calloc(1, sizeof(*h));
  if(!h) {
    SetLastError(ERROR_OUTOFMEMORY);
    return NULL;
  }
  h->kind = H_CTX;
  h->user = flags == 2;
  return h;
}

/* ---- EvtRender: EVT_VARIANT values, then the strings they point to ---- */

typedef struct evt_var {
  union {
    UINT8 u8;
    UINT16 u16;
    UINT32 u32;
    UINT64 u64;
    LPCWSTR str;
  } v;
  DWORD count;
  DWORD type;
} evt_var;

_Static_assert(sizeof(evt_var) == 16, "EVT_VARIANT is 16 bytes");

/* EVT_VARIANT_TYPE values and the system property count. */
enum {
  T_NULL = 0, T_STRING = 1, T_BYTE = 4, T_UINT16 = 6, T_UINT32 = 8,
  T_UINT64 = 10, T_FILETIME = 17, T_HEX64 = 21, SYS_COUNT = 18
};

/* The values of one event for a context: in v[] (count of them) with the
 * strings to copy in s[] (NULL where none). */
static DWORD values(const ctx_h *c, const event_h *e, evt_var *v,
                    const wchar_t **s, DWORD max)
{
  DWORD i, n = c->user ? (DWORD)e->e.nstrings : SYS_COUNT;
  if(n > max)
    n = max;
  memset(v, 0, n * sizeof(*v));
  for(i = 0; i < n; i++)
    s[i] = NULL;
  if(c->user) {
    for(i = 0; i < n; i++) {
      v[i].type = T_STRING;
      s[i] = e->e.strings[i];
    }
    return n;
  }
  v[0].type = T_STRING;                 /* ProviderName */
  s[0] = e->e.provider;
  v[2].type = T_UINT16;                 /* EventID */
  v[2].v.u16 = (UINT16)e->e.id;
  v[3].type = T_UINT16;                 /* Qualifiers */
  v[4].type = T_BYTE;                   /* Level */
  v[4].v.u8 = (UINT8)e->e.level;
  v[5].type = T_UINT16;                 /* Task */
  v[6].type = T_BYTE;                   /* Opcode */
  v[7].type = T_HEX64;                  /* Keywords */
  v[8].type = T_FILETIME;               /* TimeCreated */
  v[8].v.u64 = event_ft(&e->e);
  v[9].type = T_UINT64;                 /* EventRecordId */
  v[9].v.u64 = e->e.record;
  v[12].type = T_UINT32;                /* ProcessID */
  v[13].type = T_UINT32;                /* ThreadID */
  v[14].type = T_STRING;                /* Channel */
  s[14] = e->channel;
  v[15].type = T_STRING;                /* Computer */
  s[15] = L"SD-STANDIN";
  v[17].type = T_BYTE;                  /* Version */
  return n;
}

BOOL WINAPI EvtRender(HANDLE ctx, HANDLE ev_h, DWORD flags, DWORD size,
                      PVOID buf, DWORD *used, DWORD *count)
{
  const ctx_h *c = ctx;
  const event_h *e = ev_h;
  evt_var v[64];
  const wchar_t *s[64];
  DWORD n, i, need;
  BYTE *p;
  if(!c || c->kind != H_CTX || !e || e->kind != H_EVENT || flags != 0 ||
     !used || !count) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  n = values(c, e, v, s, 64);
  need = n * (DWORD)sizeof(evt_var);
  for(i = 0; i < n; i++)
    if(s[i])
      need += (DWORD)((wcslen(s[i]) + 1) * sizeof(wchar_t));
  *used = need;
  *count = n;
  if(size < need || !buf) {
    SetLastError(ERROR_INSUFFICIENT_BUFFER);
    return FALSE;
  }
  p = (BYTE *)buf + n * sizeof(evt_var);
  for(i = 0; i < n; i++)
    if(s[i]) {
      size_t len = (wcslen(s[i]) + 1) * sizeof(wchar_t);
      memcpy(p, s[i], len);
      v[i].v.str = (LPCWSTR)p;
      p += len;
    }
  memcpy(buf, v, n * sizeof(evt_var));
  return TRUE;
}

BOOL WINAPI EvtClose(HANDLE h)
{
  free(h);
  return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD why, LPVOID reserved)
{
  (void)reserved;
  if(why == DLL_PROCESS_ATTACH) {
    self = inst;
    DisableThreadLibraryCalls(inst);
  }
  return TRUE;
}
