/* hotfixes.c - is a Windows update installed?  Asked of every route Windows
 * records updates in, because each Windows version keeps them elsewhere:
 *
 *   hotfix-key       HKLM\SOFTWARE\Microsoft\Updates\<product>\<branch>\<KB>
 *                    (update.exe packages: Windows 2000, XP, Server 2003)
 *   ntuninstall-dir  %windir%\$NTUninstall<KB>$ (update.exe backup folder)
 *   uninstall-key    HKLM\...\CurrentVersion\Uninstall\<KB> (the Add or
 *                    Remove Programs entry of update.exe packages)
 *   cbs              HKLM\...\Component Based Servicing\Packages\
 *                    Package_for_<KB>~... with CurrentState (2008 and later)
 *
 * Each route that finds the update adds an item (with its install time and,
 * for CBS, its state); every route looked at adds a probe saying read, absent
 * or unreadable.  The updates looked for are the ones the modules name in
 * their collectors (sd_collector.updates).  WMI Win32_QuickFixEngineering and
 * the Windows Update Agent are not asked: QFE repeats the hotfix key (2003) or
 * CBS (2008+), and a WUA search can take minutes and may go to the network. */
#include "collect_win32.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define UPDATES_KEY "SOFTWARE\\Microsoft\\Updates"
#define UNINSTALL_KEY "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define CBS_KEY "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
  "Component Based Servicing\\Packages"

static sd_hotfix_probe *probe_add(sd_facts *f, const char *kb,
                                  const char *source, const char *detail)
{
  sd_hotfix_list *l = &f->hotfixes;
  sd_hotfix_probe *p;
  l->probes = sd_grow(l->probes, &l->cap_probes, l->nprobes, sizeof(*p));
  p = &l->probes[l->nprobes++];
  memset(p, 0, sizeof(*p));
  p->id = kb;
  p->source = source;
  p->detail = sd_facts_str(f, detail);
  return p;
}

static sd_hotfix *item_add(sd_facts *f, const char *kb, const char *source,
                           const char *detail, sd_time when)
{
  sd_hotfix *h = sd_hotfix_add(&f->hotfixes);
  h->id = kb;
  h->source = source;
  h->detail = sd_facts_str(f, detail);
  h->installed_at = when;
  return h;
}

static int absent_code(LONG rc)
{
  return rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND;
}

/* Record a registry failure on a probe: absent or unreadable. */
static void probe_fail(sd_facts *f, sd_hotfix_probe *p, LONG rc,
                       const char *what)
{
  if(absent_code(rc))
    sd_fstate_set(f, &p->st, SD_ST_ABSENT, 0, NULL);
  else
    sd_fstate_os_error(f, &p->st, (DWORD)rc, what);
}

static sd_time key_time(HKEY k)
{
  FILETIME ft;
  if(RegQueryInfoKeyW(k, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                      NULL, NULL, &ft) != ERROR_SUCCESS)
    return SD_TIME_NONE;
  return sd_time_from_filetime(((uint64_t)ft.dwHighDateTime << 32) |
                               ft.dwLowDateTime);
}

static LONG open_sub(HKEY parent, const wchar_t *name, HKEY *out)
{
  return RegOpenKeyExW(parent, name, 0, SD_KEY_READ, out);
}

/* The update's own install date: the InstalledDate value (REG_SZ
 * "M/D/YYYY", a local date) of its Updates key, written by update.exe.
 * Used first; the key's last-write time stays the fallback, because any
 * later write to the key (a service pack, a repair) moves it. */
static void installed_date(sd_facts *f, HKEY h, sd_hotfix *it)
{
  wchar_t buf[64];
  DWORD type = 0, size = sizeof(buf) - sizeof(wchar_t);
  LONG rc = RegQueryValueExW(h, L"InstalledDate", NULL, &type, (BYTE *)buf,
                             &size);
  unsigned y, m, d;
  SYSTEMTIME local, utc;
  FILETIME ft;
  if(rc == ERROR_FILE_NOT_FOUND) {
    sd_fstate_set(f, &it->date_st, SD_ST_ABSENT, 0, NULL);
    return;
  }
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &it->date_st, (DWORD)rc, "InstalledDate");
    return;
  }
  if(type != REG_SZ && type != REG_EXPAND_SZ) {
    sd_fstate_set(f, &it->date_st, SD_ST_UNREADABLE, ERROR_INVALID_DATA,
                  "InstalledDate is not a string (type %lu)",
                  (unsigned long)type);
    return;
  }
  buf[size / sizeof(wchar_t)] = L'\0';
  it->installed_date = sd_wide_to_arena(f, buf, -1);
  if(sd_date_mdy_parse(it->installed_date, &y, &m, &d)) {
    sd_fstate_set(f, &it->date_st, SD_ST_UNREADABLE, ERROR_INVALID_DATA,
                  "InstalledDate \"%.40s\" is not a M/D/YYYY date",
                  it->installed_date);
    return;
  }
  /* Local midnight of that day, in UTC, with this machine's time zone. */
  memset(&local, 0, sizeof(local));
  local.wYear = (WORD)y;
  local.wMonth = (WORD)m;
  local.wDay = (WORD)d;
  if(!TzSpecificLocalTimeToSystemTime(NULL, &local, &utc) ||
     !SystemTimeToFileTime(&utc, &ft)) {
    sd_fstate_os_error(f, &it->date_st, GetLastError(),
                       "converting InstalledDate to UTC");
    return;
  }
  sd_fstate_set(f, &it->date_st, SD_ST_READ, 0, NULL);
  it->installed_at = sd_time_from_filetime(((uint64_t)ft.dwHighDateTime
                                            << 32) | ft.dwLowDateTime);
  it->time_from = "InstalledDate";
  it->date_only = 1;
}

/* Look for <kb> directly below key k (path is k's UTF-8 path). */
static int hotfix_key_at(sd_facts *f, const char *kb, const wchar_t *wkb,
                         HKEY k, const char *path, LONG *first_err)
{
  HKEY h;
  LONG rc = open_sub(k, wkb, &h);
  if(rc == ERROR_SUCCESS) {
    char *full = sd_arena_printf(&f->arena, "HKLM\\%s\\%s", path, kb);
    sd_hotfix *it = item_add(f, kb, "hotfix-key", full, key_time(h));
    it->time_from = it->installed_at != SD_TIME_NONE ? "key-write-time"
                                                     : NULL;
    installed_date(f, h, it);
    RegCloseKey(h);
    return 1;
  }
  if(!absent_code(rc) && *first_err == ERROR_SUCCESS)
    *first_err = rc;
  return 0;
}

static void route_hotfix_key(sd_facts *f, const char *kb, const wchar_t *wkb)
{
  sd_hotfix_probe *p = probe_add(
    f, kb, "hotfix-key", sd_arena_printf(&f->arena, "HKLM\\%s\\*\\*\\%s",
                                         UPDATES_KEY, kb));
  HKEY updates;
  LONG rc = sd_reg_open(HKEY_LOCAL_MACHINE, UPDATES_KEY, &updates), first = 0;
  size_t i, j;
  int found = 0;
  sd_reg_subkeys prods, branches;
  if(rc != ERROR_SUCCESS) {
    probe_fail(f, p, rc, "HKLM\\" UPDATES_KEY);
    return;
  }
  /* An error that ends a listing ends the search of that key silently. */
  sd_reg_subkeys_list(updates, 4096, &prods);
  for(i = 0; i < prods.count; i++) {
    HKEY pk;
    const wchar_t *prod = prods.items[i].name;
    const char *prod8 = sd_wide_to_arena(f, prod, -1);
    const char *ppath = sd_arena_printf(&f->arena, "%s\\%s", UPDATES_KEY,
                                        prod8);
    rc = open_sub(updates, prod, &pk);
    if(rc != ERROR_SUCCESS) {
      if(!absent_code(rc) && first == ERROR_SUCCESS)
        first = rc;
      continue;
    }
    /* Updates\<product>\<KB> (some packages) and
     * Updates\<product>\<branch>\<KB> (Windows: "SP3", "SP4", ...). */
    found |= hotfix_key_at(f, kb, wkb, pk, ppath, &first);
    sd_reg_subkeys_list(pk, 4096, &branches);
    for(j = 0; j < branches.count; j++) {
      HKEY bk;
      const wchar_t *branch = branches.items[j].name;
      if(_wcsicmp(branch, wkb) == 0)
        continue;
      rc = open_sub(pk, branch, &bk);
      if(rc != ERROR_SUCCESS) {
        if(!absent_code(rc) && first == ERROR_SUCCESS)
          first = rc;
        continue;
      }
      found |= hotfix_key_at(f, kb, wkb, bk,
                             sd_arena_printf(&f->arena, "%s\\%s", ppath,
                                             sd_wide_to_arena(f, branch, -1)),
                             &first);
      RegCloseKey(bk);
    }
    sd_reg_subkeys_free(&branches);
    RegCloseKey(pk);
  }
  sd_reg_subkeys_free(&prods);
  RegCloseKey(updates);
  if(found)
    sd_fstate_set(f, &p->st, SD_ST_READ, 0, NULL);
  else if(first != ERROR_SUCCESS)
    sd_fstate_os_error(f, &p->st, (DWORD)first,
                       "a key below HKLM\\" UPDATES_KEY);
  else
    sd_fstate_set(f, &p->st, SD_ST_ABSENT, 0, NULL);
}

static void route_ntuninstall_dir(sd_facts *f, const char *kb,
                                  const wchar_t *wkb)
{
  wchar_t dir[MAX_PATH + 64];
  WIN32_FILE_ATTRIBUTE_DATA fa;
  UINT n = GetSystemWindowsDirectoryW(dir, MAX_PATH);
  sd_hotfix_probe *p;
  sd_hotfix *item;
  const char *path8;
  if(n == 0 || n >= MAX_PATH) {
    p = probe_add(f, kb, "ntuninstall-dir", "%windir%");
    sd_fstate_os_error(f, &p->st, GetLastError(),
                       "GetSystemWindowsDirectoryW");
    return;
  }
  if(wcslen(wkb) > 40) {
    p = probe_add(f, kb, "ntuninstall-dir", "%windir%");
    sd_fstate_set(f, &p->st, SD_ST_UNREADABLE, 0, "update name too long");
    return;
  }
  wcscpy(dir + n, L"\\$NTUninstall");
  wcscat(dir, wkb);
  wcscat(dir, L"$");
  path8 = sd_wide_to_arena(f, dir, -1);
  p = probe_add(f, kb, "ntuninstall-dir", path8);
  if(!GetFileAttributesExW(dir, GetFileExInfoStandard, &fa)) {
    DWORD err = GetLastError();
    if(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
      sd_fstate_set(f, &p->st, SD_ST_ABSENT, 0, NULL);
    else
      sd_fstate_os_error(f, &p->st, err, path8);
    return;
  }
  if(!(fa.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    sd_fstate_set(f, &p->st, SD_ST_ABSENT, 0, "%s is a file, not a folder",
                  path8);
    return;
  }
  item = item_add(f, kb, "ntuninstall-dir", path8,
                  sd_time_from_filetime(
                    ((uint64_t)fa.ftCreationTime.dwHighDateTime << 32) |
                    fa.ftCreationTime.dwLowDateTime));
  item->time_from = "folder-created";
  sd_fstate_set(f, &p->st, SD_ST_READ, 0, NULL);
}

static void route_uninstall_key(sd_facts *f, const char *kb)
{
  char *path = sd_arena_printf(&f->arena, "%s\\%s", UNINSTALL_KEY, kb);
  char *full = sd_arena_printf(&f->arena, "HKLM\\%s", path);
  sd_hotfix_probe *p = probe_add(f, kb, "uninstall-key", full);
  HKEY k;
  LONG rc = sd_reg_open(HKEY_LOCAL_MACHINE, path, &k);
  if(rc != ERROR_SUCCESS) {
    probe_fail(f, p, rc, full);
    return;
  }
  item_add(f, kb, "uninstall-key", full, key_time(k))->time_from =
    "key-write-time";
  RegCloseKey(k);
  sd_fstate_set(f, &p->st, SD_ST_READ, 0, NULL);
}

/* "Package_for_KB974571~31bf...", "Package_1_for_KB974571~...",
 * "Package_for_KB974571_RTM~..." belong to KB974571; "..._for_KB9745710"
 * does not.  Tested on the UTF-16 name, so only the matches are converted
 * (there can be tens of thousands of packages, nearly all "..._for_KB"). */
static int cbs_name_matches(const wchar_t *name, const wchar_t *wkb)
{
  size_t n = wcslen(wkb);
  if(_wcsnicmp(name, L"Package_", 8) != 0)
    return 0;
  for(; *name; name++)
    if(_wcsnicmp(name, L"for_", 4) == 0 &&
       _wcsnicmp(name + 4, wkb, n) == 0 &&
       (name[4 + n] == L'~' || name[4 + n] == L'_'))
      return 1;
  return 0;
}

static int read_dword(HKEY k, const wchar_t *value, DWORD *out)
{
  DWORD type = 0, v = 0, size = sizeof(v);
  if(RegQueryValueExW(k, value, NULL, &type, (BYTE *)&v, &size) !=
     ERROR_SUCCESS || type != REG_DWORD || size != sizeof(v))
    return -1;
  *out = v;
  return 0;
}

static void route_cbs(sd_facts *f, const char *kb, const wchar_t *wkb)
{
  sd_hotfix_probe *p = probe_add(
    f, kb, "cbs", sd_arena_printf(&f->arena, "HKLM\\%s\\Package*_for_%s~*",
                                  CBS_KEY, kb));
  HKEY pk;
  LONG rc = sd_reg_open(HKEY_LOCAL_MACHINE, CBS_KEY, &pk);
  size_t i;
  int found = 0, bad = 0;
  sd_reg_subkeys names;
  if(rc != ERROR_SUCCESS) {
    /* No CBS key: Windows Server 2003 and older. */
    probe_fail(f, p, rc, "HKLM\\" CBS_KEY);
    return;
  }
  sd_reg_subkeys_list(pk, SD_REG_NO_LIMIT, &names);
  for(i = 0; i < names.count; i++) {
    const wchar_t *name = names.items[i].name;
    const char *name8;
    HKEY k;
    DWORD state = 0, hi = 0, lo = 0;
    sd_hotfix *h;
    if(!cbs_name_matches(name, wkb))
      continue;
    name8 = sd_wide_to_arena(f, name, -1);
    rc = open_sub(pk, name, &k);
    if(rc != ERROR_SUCCESS) {
      sd_fstate_os_error(f, &p->st, (DWORD)rc, name8);
      bad = 1;
      continue;
    }
    h = item_add(f, kb, "cbs", name8, SD_TIME_NONE);
    if(read_dword(k, L"CurrentState", &state) == 0)
      h->state = state;
    else {
      sd_fstate_set(f, &p->st, SD_ST_UNREADABLE, ERROR_INVALID_DATA,
                    "CurrentState of %s could not be read as a DWORD",
                    name8);
      bad = 1;
    }
    if(read_dword(k, L"InstallTimeHigh", &hi) == 0 &&
       read_dword(k, L"InstallTimeLow", &lo) == 0) {
      h->installed_at = sd_time_from_filetime(((uint64_t)hi << 32) | lo);
      h->time_from = "cbs-install-time";
    }
    found = 1;
    RegCloseKey(k);
  }
  RegCloseKey(pk);
  rc = names.rc;
  sd_reg_subkeys_free(&names);
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &p->st, (DWORD)rc, "enumerating HKLM\\" CBS_KEY);
    return;
  }
  if(bad)
    return; /* the probe already says what could not be read */
  sd_fstate_set(f, &p->st, found ? SD_ST_READ : SD_ST_ABSENT, 0, NULL);
}

void sd_cw_hotfixes(sd_facts *f)
{
  size_t nmods, m, i, k;
  const sd_collector *const *mods = sd_cw_collectors(&nmods);
  int known = 0;
  for(m = 0; m < nmods; m++)
    for(i = 0; i < mods[m]->nupdates; i++) {
      const char *kb = mods[m]->updates[i];
      wchar_t *wkb = sd_utf8_to_wide(kb);
      route_hotfix_key(f, kb, wkb);
      route_ntuninstall_dir(f, kb, wkb);
      route_uninstall_key(f, kb);
      route_cbs(f, kb, wkb);
      free(wkb);
    }
  for(k = 0; k < f->hotfixes.nprobes; k++)
    known |= sd_fstate_known(&f->hotfixes.probes[k].st);
  if(known)
    sd_fstate_set(f, &f->hotfixes.st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(f, &f->hotfixes.st, SD_ST_UNREADABLE, 0,
                  "none of the places Windows records updates in could be "
                  "read (see probes)");
}
