/* ocs.c - is an LCS/OCS Front End installed, and which product and version:
 * the RTCSRV service key, the version resource of its binary (RtcSrv.exe)
 * and the Add or Remove Programs entries that name the product.  The
 * service's state and exit codes come from services.c, KB974571 from
 * hotfixes.c and the events from events.c. */
#include "collect_win32.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define FE_KEY "SYSTEM\\CurrentControlSet\\Services\\RTCSRV"

static const char *const uninstall_roots[] = {
  "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
  /* 32-bit products (LCS 2005, OCS 2007) on 64-bit Windows */
  "SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall",
};

/* DisplayName fragments of the server products (case-insensitive). */
static const char *const product_words[] = {
  "Communications Server", /* Live / Office Communications Server */
  "Lync Server",           /* the successor, same Front End service */
};

/* The executable of a service ImagePath: quotes and arguments removed,
 * \SystemRoot\ and \??\ forms turned into paths, environment expanded.
 * malloc'd UTF-16, or NULL. */
static wchar_t *image_exe(const char *image)
{
  const char *p = image, *end;
  char *exe;
  size_t n;
  wchar_t *w, *out;
  DWORD need;
  while(*p == ' ' || *p == '\t')
    p++;
  if(*p == '"') {
    p++;
    end = strchr(p, '"');
    if(!end)
      end = p + strlen(p);
  }
  else {
    const char *dot = sd_stristr(p, ".exe");
    end = dot ? dot + 4 : p + strlen(p);
  }
  n = (size_t)(end - p);
  exe = sd_xmalloc(n + 32);
  if(sd_strnieq(p, "\\SystemRoot\\", 12)) {
    memcpy(exe, "%SystemRoot%\\", 13);
    memcpy(exe + 13, p + 12, n - 12);
    exe[13 + n - 12] = '\0';
  }
  else if(sd_strnieq(p, "\\??\\", 4)) {
    memcpy(exe, p + 4, n - 4);
    exe[n - 4] = '\0';
  }
  else if(sd_strnieq(p, "System32\\", 9)) {
    memcpy(exe, "%SystemRoot%\\", 13);
    memcpy(exe + 13, p, n);
    exe[13 + n] = '\0';
  }
  else {
    memcpy(exe, p, n);
    exe[n] = '\0';
  }
  w = sd_utf8_to_wide(exe);
  free(exe);
  if(!w)
    return NULL;
  need = ExpandEnvironmentStringsW(w, NULL, 0);
  if(need == 0 || need > 32768)
    return w;
  out = sd_xmalloc((size_t)need * sizeof(wchar_t));
  n = ExpandEnvironmentStringsW(w, out, need);
  if(n == 0 || n > need) {
    free(out);
    return w;
  }
  free(w);
  return out;
}

static const char *version_string(sd_facts *f, const void *data,
                                  const wchar_t *name)
{
  struct lang { WORD lang, cp; } *tr = NULL;
  UINT len = 0, i;
  wchar_t path[128];
  void *val;
  static const struct lang fallback[] = {{0x0409, 1200}, {0x0409, 1252},
                                         {0x0000, 1200}};
  if(!VerQueryValueW(data, L"\\VarFileInfo\\Translation", (void **)&tr,
                     &len))
    len = 0;
  for(i = 0; i < len / sizeof(*tr) + SD_COUNTOF(fallback); i++) {
    const struct lang *l = i < len / sizeof(*tr)
                           ? &tr[i] : &fallback[i - len / sizeof(*tr)];
    UINT vlen = 0;
    static const wchar_t hex[] = L"0123456789abcdef";
    wchar_t code[9];
    unsigned v = ((unsigned)l->lang << 16) | l->cp, k;
    for(k = 0; k < 8; k++)
      code[k] = hex[(v >> (28 - 4 * k)) & 0xF];
    code[8] = L'\0';
    wcscpy(path, L"\\StringFileInfo\\");
    wcscat(path, code);
    wcscat(path, L"\\");
    wcsncat(path, name, 64);
    if(VerQueryValueW(data, path, &val, &vlen) && vlen > 0 &&
       vlen < 4096) {
      /* vlen counts characters, with the terminator when there is one. */
      const wchar_t *w = val;
      UINT n = 0;
      while(n < vlen && w[n])
        n++;
      return sd_wide_to_arena(f, w, (int)n);
    }
  }
  return NULL;
}

static void read_binary(sd_facts *f, const char *image)
{
  sd_ocs_facts *o = &f->ocs;
  wchar_t *path = image_exe(image);
  DWORD handle = 0, size, err;
  BYTE *data;
  VS_FIXEDFILEINFO *ffi = NULL;
  UINT flen = 0;
  if(!path) {
    sd_fstate_set(f, &o->fe_binary_st, SD_ST_UNREADABLE, 0,
                  "the Front End's ImagePath is not valid text");
    return;
  }
  o->fe_binary_path = sd_wide_to_arena(f, path, -1);
  size = GetFileVersionInfoSizeW(path, &handle);
  if(size == 0) {
    err = GetLastError();
    if(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
      sd_fstate_set(f, &o->fe_binary_st, SD_ST_ABSENT, err,
                    "%s does not exist", o->fe_binary_path);
    else
      sd_fstate_os_error(f, &o->fe_binary_st, err, "GetFileVersionInfoSizeW");
    free(path);
    return;
  }
  data = sd_xmalloc(size);
  if(!GetFileVersionInfoW(path, 0, size, data)) {
    sd_fstate_os_error(f, &o->fe_binary_st, GetLastError(),
                       "GetFileVersionInfoW");
    free(data);
    free(path);
    return;
  }
  if(VerQueryValueW(data, L"\\", (void **)&ffi, &flen) && ffi &&
     flen >= sizeof(*ffi) && ffi->dwSignature == 0xFEEF04BDu)
    o->fe_file_version = sd_arena_printf(
      &f->arena, "%lu.%lu.%lu.%lu",
      (unsigned long)HIWORD(ffi->dwFileVersionMS),
      (unsigned long)LOWORD(ffi->dwFileVersionMS),
      (unsigned long)HIWORD(ffi->dwFileVersionLS),
      (unsigned long)LOWORD(ffi->dwFileVersionLS));
  o->fe_product_name = version_string(f, data, L"ProductName");
  if(o->fe_file_version)
    sd_fstate_set(f, &o->fe_binary_st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(f, &o->fe_binary_st, SD_ST_UNREADABLE, ERROR_INVALID_DATA,
                  "%s has no fixed version information",
                  o->fe_binary_path);
  free(data);
  free(path);
}

/* A REG_SZ value of an open key as malloc'd UTF-8, or NULL. */
static char *value_utf8(HKEY k, const wchar_t *name)
{
  DWORD type = 0, size = 0;
  wchar_t *buf;
  char *s;
  if(RegQueryValueExW(k, name, NULL, &type, NULL, &size) != ERROR_SUCCESS ||
     (type != REG_SZ && type != REG_EXPAND_SZ) || size > 64u * 1024u)
    return NULL;
  buf = sd_xcalloc(size / sizeof(wchar_t) + 2, sizeof(wchar_t));
  if(RegQueryValueExW(k, name, NULL, &type, (BYTE *)buf, &size) !=
     ERROR_SUCCESS) {
    free(buf);
    return NULL;
  }
  s = sd_wide_to_utf8(buf);
  free(buf);
  return s;
}

static int is_product(const char *name)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(product_words); i++)
    if(sd_stristr(name, product_words[i]))
      return 1;
  return 0;
}

/* Returns 0 when the root could be enumerated (or does not exist), or the
 * Win32 error. */
static LONG scan_uninstall(sd_facts *f, const char *root, int *exists)
{
  HKEY k;
  LONG rc = sd_reg_open(HKEY_LOCAL_MACHINE, root, &k);
  size_t i;
  sd_reg_subkeys subs;
  *exists = 0;
  if(rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND)
    return ERROR_SUCCESS;
  if(rc != ERROR_SUCCESS)
    return rc;
  *exists = 1;
  sd_reg_subkeys_list(k, 100000, &subs);
  for(i = 0; i < subs.count; i++) {
    const wchar_t *name = subs.items[i].name;
    DWORD n = subs.items[i].len;
    HKEY sub;
    char *disp;
    if(RegOpenKeyExW(k, name, 0, SD_KEY_READ, &sub) !=
       ERROR_SUCCESS)
      continue;
    disp = value_utf8(sub, L"DisplayName");
    if(disp && is_product(disp)) {
      sd_ocs_product *p;
      char *ver = value_utf8(sub, L"DisplayVersion");
      f->ocs.products = sd_grow(f->ocs.products, &f->ocs.cap_products,
                                f->ocs.nproducts, sizeof(*p));
      p = &f->ocs.products[f->ocs.nproducts++];
      memset(p, 0, sizeof(*p));
      p->display_name = sd_facts_str(f, disp);
      p->version = sd_facts_str(f, ver);
      p->source = "uninstall-key";
      p->detail = sd_arena_printf(&f->arena, "HKLM\\%s\\%s", root,
                                  sd_wide_to_arena(f, name, (int)n));
      free(ver);
    }
    free(disp);
    RegCloseKey(sub);
  }
  rc = subs.rc;
  sd_reg_subkeys_free(&subs);
  RegCloseKey(k);
  return rc;
}

static void read_products(sd_facts *f)
{
  size_t i;
  LONG first = ERROR_SUCCESS;
  int any = 0;
  for(i = 0; i < SD_COUNTOF(uninstall_roots); i++) {
    int exists = 0;
    LONG rc = scan_uninstall(f, uninstall_roots[i], &exists);
    if(rc != ERROR_SUCCESS && first == ERROR_SUCCESS)
      first = rc;
    any |= exists && rc == ERROR_SUCCESS;
  }
  if(first != ERROR_SUCCESS && !f->ocs.nproducts)
    sd_fstate_os_error(f, &f->ocs.products_st, (DWORD)first,
                       "the Uninstall keys");
  else if(f->ocs.nproducts)
    sd_fstate_set(f, &f->ocs.products_st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(f, &f->ocs.products_st, SD_ST_ABSENT, 0,
                  any ? NULL : "no Uninstall key exists");
}

static void ocs_collect(sd_facts *f, const sd_options *opt)
{
  sd_ocs_facts *o = &f->ocs;
  sd_fstate st;
  if(sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, FE_KEY, &o->fe_key_st)) {
    /* A failed read leaves the output alone; an ImagePath that cannot be
     * read is why the binary cannot be. */
    sd_reg_str(f, HKEY_LOCAL_MACHINE, FE_KEY, "DisplayName",
               &o->fe_display_name, &st);
    if(sd_reg_str(f, HKEY_LOCAL_MACHINE, FE_KEY, "ImagePath",
                  &o->fe_image_path, &o->fe_binary_st) == 0)
      read_binary(f, o->fe_image_path);
  }
  else if(o->fe_key_st.state == SD_ST_ABSENT) {
    sd_fstate_set(f, &o->fe_binary_st, SD_ST_ABSENT, 0,
                  "no Front End service is registered");
  }
  else {
    sd_fstate_set(f, &o->fe_binary_st, SD_ST_UNREADABLE, 0,
                  "the Front End's service key could not be read");
  }
  (void)opt;
  read_products(f);
  sd_fstate_set(f, &o->st, SD_ST_READ, 0, NULL);
}

/* Event logs the check reads (IDs: the low 16 bits of classic IDs). */
static const sd_event_query ocs_events[] = {
  /* the Front End ended with a (service-specific) error: 7024 carries
   * 3286842403 (0xC3E93C23) in its insertion strings */
  {"System", "Service Control Manager", {7023, 7024, 0}},
  /* "the evaluation period ... has expired" (OCS 2007/R2) */
  {"Office Communications Server", "OCS Server", {12290, 0}},
  /* LCS 2005's log name and source are unverified */
  {"Live Communications Server", NULL, {12290, 0}},
};

/* Services whose configuration is read: RTCSRV (Front End) and the other
 * OCS roles. */
static const char *const ocs_services[] = {"RTC*"};

/* MS09-056, which takes down the OCS Front End. */
static const char *const ocs_updates[] = {"KB974571"};

const sd_collector sd_collector_ocs_kb974571 = {
  ocs_events, SD_COUNTOF(ocs_events), ocs_services,
  SD_COUNTOF(ocs_services), ocs_updates, SD_COUNTOF(ocs_updates),
  ocs_collect};
