/* win32util.c - Windows helpers shared by the collectors. */
#include "srvdoctor/win32util.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>


wchar_t *sd_utf8_to_wide(const char *s)
{
  int n;
  wchar_t *w;
  if(!s)
    return NULL;
  n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
  if(n <= 0)
    return NULL;
  w = sd_xmalloc((size_t)n * sizeof(wchar_t));
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
  return w;
}

static char *wide_to(const wchar_t *w, int wn, sd_arena *a)
{
  int n;
  char *s;
  if(!w)
    return NULL;
  /* Unpaired surrogates become U+FFFD: WideCharToMultiByte does that
   * without WC_ERR_INVALID_CHARS. */
  n = WideCharToMultiByte(CP_UTF8, 0, w, wn, NULL, 0, NULL, NULL);
  if(n < 0)
    n = 0;
  s = a ? sd_arena_alloc(a, (size_t)n + 1) : sd_xmalloc((size_t)n + 1);
  if(n)
    WideCharToMultiByte(CP_UTF8, 0, w, wn, s, n, NULL, NULL);
  s[n] = '\0';
  if(wn < 0 && n > 0) /* the count included the terminator */
    s[n - 1] = '\0';
  return s;
}

char *sd_wide_to_utf8(const wchar_t *w)
{
  return wide_to(w, -1, NULL);
}

char *sd_wide_n_to_utf8(const wchar_t *w, size_t n)
{
  if(n > 0x7FFFFFFF)
    n = 0x7FFFFFFF;
  return n ? wide_to(w, (int)n, NULL) : (w ? sd_xstrdup("") : NULL);
}

const char *sd_wide_to_arena(sd_facts *f, const wchar_t *w, int n)
{
  return wide_to(w, n, &f->arena);
}

void sd_err_set_win(sd_err *err, DWORD code, const char *what,
                    const char *subject)
{
  char text[256];
  size_t n;
  sd_os_error_text(code, text, sizeof(text));
  n = strlen(text);
  while(n && (text[n - 1] == '.' || text[n - 1] == ' '))
    text[--n] = '\0';
  sd_err_set(err, code == ERROR_ACCESS_DENIED || code == ERROR_WRITE_PROTECT
                    ? SD_EACCES : SD_EIO,
             "cannot %s %s: %s", what, subject, text);
  if(err)
    err->os_error = code;
}

void sd_fstate_os_error(sd_facts *f, sd_fstate *st, DWORD code,
                        const char *what)
{
  char text[256];
  sd_os_error_text(code, text, sizeof(text));
  sd_fstate_set(f, st, SD_ST_UNREADABLE, code, "%s: %s", what, text);
}

LONG sd_reg_open(HKEY root, const char *subkey, HKEY *out)
{
  wchar_t *w = sd_utf8_to_wide(subkey);
  LONG rc;
  if(!w)
    return ERROR_INVALID_PARAMETER;
  rc = RegOpenKeyExW(root, w, 0, SD_KEY_READ, out);
  free(w);
  return rc;
}

static int absent_code(LONG rc)
{
  return rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND;
}

/* Query a value of any type into a malloc'd buffer (+2 NUL bytes so
 * strings are always terminated).  Returns ERROR_SUCCESS or the error. */
static LONG query_raw(HKEY root, const char *subkey, const char *value,
                      DWORD *type, BYTE **data, DWORD *size)
{
  HKEY k;
  LONG rc = sd_reg_open(root, subkey, &k);
  wchar_t *wv;
  DWORD sz = 0;
  unsigned tries;
  if(rc != ERROR_SUCCESS)
    return rc;
  wv = sd_utf8_to_wide(value ? value : "");
  *data = NULL;
  for(tries = 0; tries < 4; tries++) {
    rc = RegQueryValueExW(k, wv, NULL, type, NULL, &sz);
    if(rc != ERROR_SUCCESS)
      break;
    free(*data);
    *data = sd_xcalloc((size_t)sz + 4, 1);
    rc = RegQueryValueExW(k, wv, NULL, type, *data, &sz);
    if(rc != ERROR_MORE_DATA) /* value grew in between: again */
      break;
  }
  free(wv);
  RegCloseKey(k);
  if(rc != ERROR_SUCCESS) {
    free(*data);
    *data = NULL;
    return rc;
  }
  *size = sz;
  return ERROR_SUCCESS;
}

static void reg_fail(sd_facts *f, sd_fstate *st, LONG rc, const char *subkey,
                     const char *value)
{
  if(absent_code(rc)) {
    sd_fstate_set(f, st, SD_ST_ABSENT, 0, NULL);
    return;
  }
  {
    char text[256];
    sd_os_error_text((DWORD)rc, text, sizeof(text));
    sd_fstate_set(f, st, SD_ST_UNREADABLE, (uint32_t)rc,
                  "HKLM\\%s\\%s could not be read: %s", subkey,
                  value ? value : "(default)", text);
  }
}

static void wrong_type(sd_facts *f, sd_fstate *st, const char *subkey,
                       const char *value, DWORD type, DWORD size,
                       const char *want)
{
  sd_fstate_set(f, st, SD_ST_UNREADABLE, ERROR_INVALID_DATA,
                "HKLM\\%s\\%s has type %lu and %lu bytes where %s was "
                "expected", subkey, value ? value : "(default)",
                (unsigned long)type, (unsigned long)size, want);
}

int sd_reg_str(sd_facts *f, HKEY root, const char *subkey, const char *value,
               const char **out, sd_fstate *st)
{
  DWORD type, size;
  BYTE *data;
  LONG rc = query_raw(root, subkey, value, &type, &data, &size);
  if(rc != ERROR_SUCCESS) {
    reg_fail(f, st, rc, subkey, value);
    return -1;
  }
  if((type != REG_SZ && type != REG_EXPAND_SZ) || size % 2) {
    wrong_type(f, st, subkey, value, type, size, "a string");
    free(data);
    return -1;
  }
  *out = sd_wide_to_arena(f, (const wchar_t *)data, -1);
  free(data);
  sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
  return 0;
}

int sd_reg_dword(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 DWORD *out, sd_fstate *st)
{
  DWORD type, size;
  BYTE *data;
  LONG rc = query_raw(root, subkey, value, &type, &data, &size);
  if(rc != ERROR_SUCCESS) {
    reg_fail(f, st, rc, subkey, value);
    return -1;
  }
  if(type != REG_DWORD || size != 4) {
    wrong_type(f, st, subkey, value, type, size, "a 4-byte REG_DWORD");
    free(data);
    return -1;
  }
  memcpy(out, data, 4);
  free(data);
  sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
  return 0;
}

int sd_reg_qword(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 uint64_t *out, sd_fstate *st)
{
  DWORD type, size;
  BYTE *data;
  LONG rc = query_raw(root, subkey, value, &type, &data, &size);
  if(rc != ERROR_SUCCESS) {
    reg_fail(f, st, rc, subkey, value);
    return -1;
  }
  if(type == REG_QWORD && size == 8) {
    memcpy(out, data, 8);
  }
  else if(type == REG_DWORD && size == 4) {
    DWORD d;
    memcpy(&d, data, 4);
    *out = d;
  }
  else {
    wrong_type(f, st, subkey, value, type, size, "a REG_QWORD");
    free(data);
    return -1;
  }
  free(data);
  sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
  return 0;
}

int sd_reg_multi(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 const char ***items, size_t *count, size_t *cap,
                 sd_fstate *st)
{
  DWORD type, size;
  BYTE *data;
  const wchar_t *p, *end;
  LONG rc = query_raw(root, subkey, value, &type, &data, &size);
  if(rc != ERROR_SUCCESS) {
    reg_fail(f, st, rc, subkey, value);
    return -1;
  }
  if(type != REG_MULTI_SZ || size % 2) {
    wrong_type(f, st, subkey, value, type, size, "a REG_MULTI_SZ");
    free(data);
    return -1;
  }
  p = (const wchar_t *)data;
  end = p + size / 2;
  while(p < end && *p) {
    size_t n = wcslen(p); /* data carries extra NULs, so this stops */
    *items = sd_grow((void *)*items, cap, *count, sizeof(char *));
    (*items)[(*count)++] = sd_wide_to_arena(f, p, (int)n);
    p += n + 1;
  }
  free(data);
  sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
  return 0;
}

int sd_reg_key_exists(sd_facts *f, HKEY root, const char *subkey,
                      sd_fstate *st)
{
  HKEY k;
  LONG rc = sd_reg_open(root, subkey, &k);
  if(rc == ERROR_SUCCESS) {
    RegCloseKey(k);
    sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
    return 1;
  }
  reg_fail(f, st, rc, subkey, NULL);
  return 0;
}

/* Subkey i of k into *buf (grown when a name does not fit); the
 * RegEnumKeyExW result. */
static LONG subkey_at(HKEY k, DWORD i, wchar_t **buf, DWORD *cap, DWORD *len)
{
  for(;;) {
    LONG rc;
    *len = *cap;
    rc = RegEnumKeyExW(k, i, *buf, len, NULL, NULL, NULL, NULL);
    /* Names are at most 255 characters; 32767 is the limit of any. */
    if(rc != ERROR_MORE_DATA || *cap >= 32768)
      return rc;
    *cap *= 2;
    free(*buf);
    *buf = sd_xmalloc(*cap * sizeof(wchar_t));
  }
}

void sd_reg_subkeys_list(HKEY k, size_t max, sd_reg_subkeys *out)
{
  DWORD cap = 256, len = 0;
  wchar_t *buf = sd_xmalloc(cap * sizeof(wchar_t));
  size_t have = 0;
  memset(out, 0, sizeof(*out));
  while(out->count < max && out->count < 0xFFFFFFFFu) {
    sd_reg_subkey *it;
    LONG rc = subkey_at(k, (DWORD)out->count, &buf, &cap, &len);
    if(rc != ERROR_SUCCESS) {
      if(rc != ERROR_NO_MORE_ITEMS)
        out->rc = rc;
      break;
    }
    out->items = sd_grow(out->items, &have, out->count, sizeof(*it));
    it = &out->items[out->count++];
    it->name = sd_xmalloc(((size_t)len + 1) * sizeof(wchar_t));
    memcpy(it->name, buf, (size_t)len * sizeof(wchar_t));
    it->name[len] = L'\0';
    it->len = len;
  }
  free(buf);
}

void sd_reg_subkeys_free(sd_reg_subkeys *s)
{
  size_t i;
  for(i = 0; i < s->count; i++)
    free(s->items[i].name);
  free(s->items);
  memset(s, 0, sizeof(*s));
}

const wchar_t *sd_system_dir(void)
{
  static wchar_t dir[MAX_PATH + 1];
  if(!dir[0]) {
    UINT n = GetSystemDirectoryW(dir, MAX_PATH);
    if(n == 0 || n >= MAX_PATH)
      wcscpy(dir, L"C:\\Windows\\System32");
  }
  return dir;
}

FARPROC sd_proc(const char *dll, const char *name)
{
  HMODULE m = GetModuleHandleA(dll);
  if(!m) {
    char *dir = sd_wide_to_utf8(sd_system_dir());
    char path[MAX_PATH * 3 + 64];
    wchar_t *wpath;
    snprintf(path, sizeof(path), "%s\\%s", dir ? dir : "", dll);
    free(dir);
    wpath = sd_utf8_to_wide(path);
    if(!wpath)
      return NULL;
    m = LoadLibraryExW(wpath, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    free(wpath);
  }
  if(!m)
    return NULL;
  return GetProcAddress(m, name);
}

void sd_os_error_text(uint32_t code, char *out, size_t outsz)
{
  wchar_t wbuf[512];
  const char *known = sd_os_error_known(code);
  DWORD n;
  if(known) {
    snprintf(out, outsz, "%s", known);
    return;
  }
  n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM |
                             FORMAT_MESSAGE_IGNORE_INSERTS,
                           NULL, code, MAKELANGID(LANG_NEUTRAL,
                                                  SUBLANG_DEFAULT),
                           wbuf, (DWORD)SD_COUNTOF(wbuf), NULL);
  if(n == 0) {
    snprintf(out, outsz, "Windows error %lu (0x%08lX).", (unsigned long)code,
             (unsigned long)code);
    return;
  }
  while(n && (wbuf[n - 1] == L'\r' || wbuf[n - 1] == L'\n' ||
              wbuf[n - 1] == L' '))
    wbuf[--n] = L'\0';
  if(WideCharToMultiByte(CP_UTF8, 0, wbuf, -1, out, (int)outsz, NULL,
     NULL) <= 0)
    snprintf(out, outsz, "Windows error %lu.", (unsigned long)code);
}
