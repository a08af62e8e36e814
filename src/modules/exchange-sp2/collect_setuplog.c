/* collect_setuplog.c - the last run of Exchange setup as its own log tells
 * it, for the exchange-sp2 module (Windows).
 *
 * Setup writes %SystemDrive%\ExchangeSetupLogs\ExchangeSetup.log
 * (docs/exchange-sp2-setup-facts.md, table setuplog_facts, [TNMAG]).  The
 * file is opened for reading only, sharing read, write and delete with a
 * setup that may still be writing it, and only when it is a regular file
 * on a disk: a folder, a device or a reparse point at that name is
 * reported as unreadable, never opened, so nothing can block the run.  The
 * portable reader (parse_setuplog.h) reads it through ReadFile at offsets,
 * from its end, in bounded time and memory. */
#include "collect.h"

#include <stdlib.h>
#include <string.h>

#include "exchange-sp2/parse_setuplog.h"

#define SLOG_DIR L"\\ExchangeSetupLogs"
#define SLOG_FILE L"\\ExchangeSetup.log"

/* ReadFile at an offset: the reader's callback (sd_slog_read_fn). */
static uint32_t slog_read(void *ctx, uint64_t offset, void *buf, size_t len,
                          size_t *got)
{
  HANDLE h = (HANDLE)ctx;
  size_t total = 0;
  while(total < len) {
    OVERLAPPED ov;
    DWORD want = (DWORD)(len - total > 0x40000000u ? 0x40000000u
                                                   : len - total);
    DWORD n = 0;
    uint64_t at = offset + total;
    memset(&ov, 0, sizeof(ov));
    ov.Offset = (DWORD)(at & 0xFFFFFFFFu);
    ov.OffsetHigh = (DWORD)(at >> 32);
    if(!ReadFile(h, (char *)buf + total, want, &n, &ov)) {
      DWORD err = GetLastError();
      if(err == ERROR_HANDLE_EOF)
        break;
      return err ? (uint32_t)err : 1u;
    }
    if(n == 0)
      break;
    total += n;
  }
  *got = total;
  return 0;
}

/* %SystemDrive%\ExchangeSetupLogs\ExchangeSetup.log, or NULL when the
 * system drive is not known (why in st). */
static wchar_t *slog_path(sd_facts *f, sd_fstate *st)
{
  wchar_t drive[MAX_PATH];
  DWORD n = GetEnvironmentVariableW(L"SystemDrive", drive,
                                    SD_COUNTOF(drive));
  wchar_t *path;
  size_t len;
  if(n == 0 || n >= SD_COUNTOF(drive)) {
    sd_fstate_set(f, st, SD_ST_UNREADABLE, 0, "the SystemDrive variable "
                  "is not set, so the setup log could not be located");
    return NULL;
  }
  len = n + wcslen(SLOG_DIR) + wcslen(SLOG_FILE) + 1;
  path = sd_xmalloc(len * sizeof(wchar_t));
  wcscpy(path, drive);
  wcscat(path, SLOG_DIR);
  wcscat(path, SLOG_FILE);
  return path;
}

/* Open the log when it is a regular file; INVALID_HANDLE_VALUE with the
 * state set otherwise. */
static HANDLE slog_open(sd_facts *f, const wchar_t *path, const char *p8,
                        sd_fstate *st)
{
  DWORD attr = GetFileAttributesW(path), err;
  HANDLE h;
  if(attr == INVALID_FILE_ATTRIBUTES) {
    err = GetLastError();
    if(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
      sd_fstate_set(f, st, SD_ST_ABSENT, 0, "%s does not exist", p8);
    else
      sd_fstate_os_error(f, st, err, p8);
    return INVALID_HANDLE_VALUE;
  }
  if(attr & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE |
             FILE_ATTRIBUTE_REPARSE_POINT)) {
    sd_fstate_set(f, st, SD_ST_UNREADABLE, 0, "%s is not a regular file "
                  "(a folder, device or reparse point), so it was not "
                  "opened", p8);
    return INVALID_HANDLE_VALUE;
  }
  h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE |
                  FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                  FILE_FLAG_SEQUENTIAL_SCAN, NULL);
  if(h == INVALID_HANDLE_VALUE) {
    sd_fstate_os_error(f, st, GetLastError(), p8);
    return h;
  }
  if(GetFileType(h) != FILE_TYPE_DISK) {
    CloseHandle(h);
    sd_fstate_set(f, st, SD_ST_UNREADABLE, 0, "%s is not a file on a "
                  "disk, so it was not read", p8);
    return INVALID_HANDLE_VALUE;
  }
  return h;
}

static const char *str_or_null(sd_facts *f, const char *s)
{
  return s && *s ? sd_facts_str(f, s) : NULL;
}

/* Keep what the reader found in the facts. */
static void slog_store(sd_facts *f, const sd_slog_result *r)
{
  sd_exch_setuplog *l = &f->exchange.setuplog;
  l->state = sd_setuplog_state_name(r->state);
  l->why = str_or_null(f, r->why);
  l->started = str_or_null(f, r->started);
  l->build = str_or_null(f, r->build);
  l->step = str_or_null(f, r->step);
  l->task = str_or_null(f, r->task);
  l->error = str_or_null(f, r->error_text);
  l->known = r->known ? r->known->id : NULL;
  if(r->state == SD_SLOG_UNREADABLE)
    sd_fstate_set(f, &l->st, SD_ST_UNREADABLE, r->error, "%s",
                  sd_str_or(l->why, "the setup log could not be read"));
  else
    sd_fstate_set(f, &l->st, SD_ST_READ, 0, NULL);
}

void sd_cw_setuplog(sd_facts *f)
{
  sd_exch_setuplog *l = &f->exchange.setuplog;
  wchar_t *path;
  HANDLE h;
  LARGE_INTEGER size;
  sd_slog_result *r;
  DWORD t0 = GetTickCount();
  l->size = -1;
  l->read_ms = -1;
  path = slog_path(f, &l->st);
  if(!path)
    return;
  l->path = sd_wide_to_arena(f, path, -1);
  h = slog_open(f, path, sd_str_or(l->path, "the setup log"), &l->st);
  free(path);
  if(h == INVALID_HANDLE_VALUE)
    return;
  if(!GetFileSizeEx(h, &size)) {
    sd_fstate_os_error(f, &l->st, GetLastError(), "GetFileSizeEx");
    CloseHandle(h);
    return;
  }
  l->size = (int64_t)size.QuadPart;
  r = sd_xmalloc(sizeof(*r));
  sd_setuplog_read(slog_read, h, (uint64_t)size.QuadPart, r);
  CloseHandle(h);
  slog_store(f, r);
  free(r);
  l->read_ms = (int64_t)(DWORD)(GetTickCount() - t0);
}
