/* exchange.c - this machine's Exchange installation for the exchange-sp2
 * module: the Exchange 2007 keys and build (registry, ExSetup.exe, Windows
 * Installer), leftover setup watermarks, other Exchange versions, the
 * Windows Installer version and the running user's token groups.
 *
 * Every registry read uses the 64-bit view (sd_reg_*), so a 32-bit
 * srvdoctor on 64-bit Windows sees the real Exchange keys. */
#include "collect.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCH_KEY "SOFTWARE\\Microsoft\\Exchange"
#define V8_KEY EXCH_KEY "\\v8.0"
#define SETUP_KEY EXCH_KEY "\\Setup"
#define E14_KEY "SOFTWARE\\Microsoft\\ExchangeServer\\v14\\Setup"
#define E15_KEY "SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Setup"
#define MSI_PRODUCTS "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
                     "Installer\\UserData\\S-1-5-18\\Products\\"

/* Where Windows Installer records the cached package of a per-machine
 * product and of each patch applied to it (facts §2.2: the LocalPackage
 * property of MsiGetProductInfoEx/MsiGetPatchInfoEx [MSI-PROP]; the
 * registry layout as CSS-Exchange's Setup/Shared/Get-InstallerPackages.ps1
 * and Microsoft's support scripts [SDP] read it):
 *   UserData\S-1-5-18\Products\<packed product>\InstallProperties
 *       LocalPackage = the cached .msi
 *   UserData\S-1-5-18\Products\<packed product>\Patches\<packed patch>
 *       one subkey per patch (DisplayName)
 *   UserData\S-1-5-18\Patches\<packed patch>
 *       LocalPackage = the cached .msp */
#define MSI_PATCHES "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
                    "Installer\\UserData\\S-1-5-18\\Patches\\"
#define MAX_CACHED_PATCHES 256

#define MAX_ROLE_KEYS 64
#define MAX_TOKEN_GROUPS 1024

/* "8.1.240.6" from the four Msi* DWORD values of a key; 0 when read. */
static int msi_version_values(sd_facts *f, const char *key, const char **out,
                              sd_fstate *st)
{
  static const char *const names[4] = {"MsiProductMajor", "MsiProductMinor",
                                       "MsiBuildMajor", "MsiBuildMinor"};
  DWORD v[4];
  size_t i;
  for(i = 0; i < 4; i++) {
    if(sd_reg_dword(f, HKEY_LOCAL_MACHINE, key, names[i], &v[i], st))
      return -1;
  }
  *out = sd_arena_printf(&f->arena, "%lu.%lu.%lu.%lu", (unsigned long)v[0],
                         (unsigned long)v[1], (unsigned long)v[2],
                         (unsigned long)v[3]);
  return 0;
}

/* File version of a file as "a.b.c.d" into the facts' arena. */
static int file_version(sd_facts *f, const wchar_t *path, const char **out,
                        sd_fstate *st, const char *what)
{
  DWORD handle = 0, size;
  void *data;
  VS_FIXEDFILEINFO *ffi = NULL;
  UINT len = 0;
  DWORD attr = GetFileAttributesW(path);
  if(attr == INVALID_FILE_ATTRIBUTES) {
    DWORD err = GetLastError();
    if(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
      sd_fstate_set(f, st, SD_ST_ABSENT, 0, "%s does not exist", what);
    else
      sd_fstate_os_error(f, st, err, what);
    return -1;
  }
  size = GetFileVersionInfoSizeW(path, &handle);
  if(size == 0) {
    sd_fstate_os_error(f, st, GetLastError(), "GetFileVersionInfoSizeW");
    return -1;
  }
  data = sd_xmalloc(size);
  if(!GetFileVersionInfoW(path, 0, size, data)) {
    sd_fstate_os_error(f, st, GetLastError(), "GetFileVersionInfoW");
    free(data);
    return -1;
  }
  if(!VerQueryValueW(data, L"\\", (void **)&ffi, &len) || !ffi ||
     len < sizeof(*ffi)) {
    sd_fstate_set(f, st, SD_ST_UNREADABLE, 0, "%s has no fixed version "
                  "information", what);
    free(data);
    return -1;
  }
  *out = sd_arena_printf(&f->arena, "%lu.%lu.%lu.%lu",
                         (unsigned long)HIWORD(ffi->dwFileVersionMS),
                         (unsigned long)LOWORD(ffi->dwFileVersionMS),
                         (unsigned long)HIWORD(ffi->dwFileVersionLS),
                         (unsigned long)LOWORD(ffi->dwFileVersionLS));
  free(data);
  sd_fstate_set(f, st, SD_ST_READ, 0, NULL);
  return 0;
}

static void collect_build(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  sd_fstate st;
  const char *p = NULL;
  /* MsiInstallPath: Exchange\Setup, where Exchange 2007 setup writes it. */
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, SETUP_KEY, "MsiInstallPath", &p,
                &x->install_path_st) &&
     x->install_path_st.state == SD_ST_ABSENT)
    sd_reg_str(f, HKEY_LOCAL_MACHINE, V8_KEY "\\Setup", "MsiInstallPath", &p,
               &x->install_path_st);
  if(x->install_path_st.state == SD_ST_READ)
    x->install_path = p;
  /* The Msi* build values: public scripts disagree on the key (facts
   * §1.1), so look in both. */
  if(!msi_version_values(f, SETUP_KEY, &x->reg_version, &x->reg_version_st))
    x->reg_version_key = "HKLM\\" SETUP_KEY;
  else if(!msi_version_values(f, V8_KEY "\\Setup", &x->reg_version, &st)) {
    x->reg_version_st = st;
    x->reg_version_key = "HKLM\\" V8_KEY "\\Setup";
  }
  else if(x->reg_version_st.state == SD_ST_ABSENT &&
          st.state == SD_ST_UNREADABLE) {
    x->reg_version_st = st;
  }
  /* ExSetup.exe: the most reliable source. */
  if(x->install_path) {
    size_t n = strlen(x->install_path);
    const char *sep = (n && (x->install_path[n - 1] == '\\' ||
                             x->install_path[n - 1] == '/')) ? "" : "\\";
    char *path8 = sd_arena_printf(&f->arena, "%s%sbin\\ExSetup.exe",
                                  x->install_path, sep);
    wchar_t *w = sd_utf8_to_wide(path8);
    x->exsetup_path = path8;
    if(w) {
      file_version(f, w, &x->exsetup_version, &x->exsetup_st, path8);
      free(w);
    }
    else {
      sd_fstate_set(f, &x->exsetup_st, SD_ST_UNREADABLE, 0, "the install "
                    "path is not valid text");
    }
  }
  else if(x->install_path_st.state == SD_ST_ABSENT) {
    sd_fstate_set(f, &x->exsetup_st, SD_ST_ABSENT, 0, "MsiInstallPath is "
                  "not set, so ExSetup.exe could not be located");
  }
  else {
    sd_fstate_set(f, &x->exsetup_st, SD_ST_UNREADABLE, 0, "MsiInstallPath "
                  "could not be read (%s)", sd_str_or(x->install_path_st.why,
                                                      "no reason"));
  }
  /* Windows Installer's own record of the product. */
  {
    char packed[33];
    if(!sd_msi_guid_pack(SD_EXCH2007_PRODUCT_CODE, packed)) {
      char *key = sd_arena_printf(&f->arena, MSI_PRODUCTS "%s\\"
                                  "InstallProperties", packed);
      sd_reg_str(f, HKEY_LOCAL_MACHINE, key, "DisplayVersion",
                 &x->msi_product_version, &x->msi_product_st);
    }
  }
  /* The InterimUpdate marker (a string in the scripts that read it; a
   * DWORD is accepted too). */
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, SETUP_KEY, "InterimUpdate",
                &x->iu_marker, &x->iu_marker_st) &&
     x->iu_marker_st.state == SD_ST_UNREADABLE &&
     x->iu_marker_st.error == ERROR_INVALID_DATA) {
    DWORD d;
    if(!sd_reg_dword(f, HKEY_LOCAL_MACHINE, SETUP_KEY, "InterimUpdate", &d,
                     &st)) {
      x->iu_marker_st = st;
      x->iu_marker = sd_arena_printf(&f->arena, "%lu", (unsigned long)d);
    }
  }
}

/* Does the file named by the LocalPackage value exist? */
static void cached_file(sd_facts *f, sd_exch_cached_pkg *p)
{
  wchar_t *w;
  DWORD attr, err;
  if(p->value_st.state != SD_ST_READ) {
    sd_fstate_set(f, &p->file_st, p->value_st.state == SD_ST_ABSENT
                                    ? SD_ST_ABSENT : SD_ST_UNREADABLE, 0,
                  "the LocalPackage value %s",
                  p->value_st.state == SD_ST_ABSENT ? "does not exist"
                                                    : "could not be read");
    return;
  }
  if(!p->local_package || !*p->local_package) {
    sd_fstate_set(f, &p->file_st, SD_ST_ABSENT, 0, "the LocalPackage value "
                  "is empty");
    return;
  }
  w = sd_utf8_to_wide(p->local_package);
  if(!w) {
    sd_fstate_set(f, &p->file_st, SD_ST_UNREADABLE, 0, "the LocalPackage "
                  "value is not valid text");
    return;
  }
  attr = GetFileAttributesW(w);
  err = attr == INVALID_FILE_ATTRIBUTES ? GetLastError() : 0;
  free(w);
  if(attr != INVALID_FILE_ATTRIBUTES)
    sd_fstate_set(f, &p->file_st, SD_ST_READ, 0, NULL);
  else if(err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND)
    sd_fstate_set(f, &p->file_st, SD_ST_ABSENT, 0, "%s does not exist",
                  p->local_package);
  else
    sd_fstate_os_error(f, &p->file_st, err, p->local_package);
}

static sd_exch_cached_pkg *cached_add(sd_exch_facts *x)
{
  sd_exch_cached_pkg *p;
  x->msi_cache = sd_grow(x->msi_cache, &x->cap_msi_cache, x->nmsi_cache,
                         sizeof(*p));
  p = &x->msi_cache[x->nmsi_cache++];
  memset(p, 0, sizeof(*p));
  return p;
}

/* The cached .msp of the patch whose Patches subkey of the Exchange
 * product (patches_key) is sk, when sk is a packed patch code. */
static void cached_patch(sd_facts *f, const char *patches_key,
                         const sd_reg_subkey *sk)
{
  sd_exch_cached_pkg *p;
  sd_fstate st;
  char code[39];
  const char *sub, *uname = sd_wide_to_arena(f, sk->name, (int)sk->len);
  if(!uname || sd_msi_guid_unpack(uname, code))
    return; /* not a packed patch code */
  p = cached_add(&f->exchange);
  p->kind = "patch";
  p->code = sd_facts_str(f, code);
  sub = sd_arena_printf(&f->arena, "%s\\%s", patches_key, uname);
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "DisplayName", &p->name, &st))
    p->name = NULL;
  sub = sd_arena_printf(&f->arena, MSI_PATCHES "%s", uname);
  p->key = sd_arena_printf(&f->arena, "HKLM\\%s", sub);
  sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "LocalPackage", &p->local_package,
             &p->value_st);
  cached_file(f, p);
}

/* The cached .msi of the Exchange 2007 product and the cached .msp of each
 * of its patches. */
static void collect_msi_cache(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  char packed[33];
  const char *product_key, *props_key, *patches_key;
  sd_exch_cached_pkg *p;
  sd_fstate st;
  HKEY k;
  LONG rc;
  size_t i;
  sd_reg_subkeys subs;
  if(sd_msi_guid_pack(SD_EXCH2007_PRODUCT_CODE, packed))
    return;
  product_key = sd_arena_printf(&f->arena, MSI_PRODUCTS "%s", packed);
  if(!sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, product_key, &st)) {
    x->msi_cache_st = st;
    return;
  }
  props_key = sd_arena_printf(&f->arena, "%s\\InstallProperties",
                              product_key);
  p = cached_add(x);
  p->kind = "product";
  p->code = SD_EXCH2007_PRODUCT_CODE;
  p->key = sd_arena_printf(&f->arena, "HKLM\\%s", props_key);
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, props_key, "DisplayName", &p->name,
                &st))
    p->name = NULL;
  sd_reg_str(f, HKEY_LOCAL_MACHINE, props_key, "LocalPackage",
             &p->local_package, &p->value_st);
  cached_file(f, p);
  patches_key = sd_arena_printf(&f->arena, "%s\\Patches", product_key);
  rc = sd_reg_open(HKEY_LOCAL_MACHINE, patches_key, &k);
  if(rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND) {
    sd_fstate_set(f, &x->msi_cache_st, SD_ST_READ, 0, NULL);
    return;
  }
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &x->msi_cache_st, (DWORD)rc, "the Patches key of "
                       "the Exchange product");
    return;
  }
  sd_reg_subkeys_list(k, MAX_CACHED_PATCHES, &subs);
  RegCloseKey(k);
  for(i = 0; i < subs.count; i++)
    cached_patch(f, patches_key, &subs.items[i]);
  rc = subs.rc;
  sd_reg_subkeys_free(&subs);
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &x->msi_cache_st, (DWORD)rc, "RegEnumKeyExW on "
                       "the Patches key of the Exchange product");
    return;
  }
  sd_fstate_set(f, &x->msi_cache_st, SD_ST_READ, 0, NULL);
}

static int is_role_name(const char *name)
{
  size_t n = strlen(name);
  return (n > 4 && sd_strieq(name + n - 4, "Role")) ||
         sd_strieq(name, "AdminTools");
}

static void collect_roles(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  HKEY k;
  LONG rc = sd_reg_open(HKEY_LOCAL_MACHINE, V8_KEY, &k);
  size_t i;
  sd_reg_subkeys subs;
  if(rc != ERROR_SUCCESS) {
    if(rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND)
      sd_fstate_set(f, &x->roles_st, SD_ST_ABSENT, 0, NULL);
    else
      sd_fstate_os_error(f, &x->roles_st, (DWORD)rc, "HKLM\\" V8_KEY);
    return;
  }
  sd_reg_subkeys_list(k, MAX_ROLE_KEYS, &subs);
  RegCloseKey(k);
  for(i = 0; i < subs.count; i++) {
    const char *uname, *sub;
    sd_exch_role role;
    uname = sd_wide_to_arena(f, subs.items[i].name, (int)subs.items[i].len);
    sub = sd_arena_printf(&f->arena, V8_KEY "\\%s", uname);
    memset(&role, 0, sizeof(role));
    role.name = uname;
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "ConfiguredVersion",
               &role.configured_version, &role.version_st);
    {
      sd_fstate st;
      sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "UnpackedVersion",
                 &role.unpacked_version, &st);
    }
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "Action", &role.action,
               &role.action_st);
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "Watermark", &role.watermark,
               &role.watermark_st);
    /* Keys that are not roles matter only when setup left values there. */
    if(!is_role_name(uname) && role.action_st.state != SD_ST_READ &&
       role.watermark_st.state != SD_ST_READ &&
       role.version_st.state != SD_ST_READ)
      continue;
    x->roles = sd_grow(x->roles, &x->cap_roles, x->nroles, sizeof(role));
    x->roles[x->nroles++] = role;
  }
  rc = subs.rc;
  sd_reg_subkeys_free(&subs);
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &x->roles_st, (DWORD)rc, "RegEnumKeyExW on "
                       "HKLM\\" V8_KEY);
    return;
  }
  sd_fstate_set(f, &x->roles_st, SD_ST_READ, 0, NULL);
}

static void collect_others(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  sd_fstate st;
  const char *s = NULL;
  DWORD build;
  /* Exchange 2000/2003: the legacy "Services" value on Exchange\Setup. */
  if(!sd_reg_str(f, HKEY_LOCAL_MACHINE, SETUP_KEY, "Services", &s,
                 &x->e2003_st)) {
    if(!sd_reg_dword(f, HKEY_LOCAL_MACHINE, SETUP_KEY, "NewestBuild", &build,
                     &st))
      x->e2003_version = sd_arena_printf(&f->arena, "build %lu",
                                         (unsigned long)build);
  }
  if(sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, E14_KEY, &x->e2010_st))
    msi_version_values(f, E14_KEY, &x->e2010_version, &st);
  if(sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, E15_KEY, &x->e2013_st))
    msi_version_values(f, E15_KEY, &x->e2013_version, &st);
}

/* The product suites Windows records (the source of OSVERSIONINFOEX's
 * wSuiteMask): Small Business Server shows there. */
static void collect_product_suite(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  const char **items = NULL;
  size_t count = 0, cap = 0, i;
  sd_buf b;
  if(sd_reg_multi(f, HKEY_LOCAL_MACHINE,
                  "SYSTEM\\CurrentControlSet\\Control\\ProductOptions",
                  "ProductSuite", &items, &count, &cap,
                  &x->product_suite_st)) {
    free((void *)items);
    return;
  }
  sd_buf_init(&b);
  for(i = 0; i < count; i++) {
    if(i)
      sd_buf_puts(&b, "; ");
    sd_buf_puts(&b, items[i]);
  }
  x->product_suite = sd_facts_str(f, b.data ? b.data : "");
  sd_buf_free(&b);
  free((void *)items);
}

static void collect_msi_version(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  wchar_t path[MAX_PATH + 32];
  const wchar_t *dir = sd_system_dir();
  if(wcslen(dir) + 10 >= SD_COUNTOF(path)) {
    sd_fstate_set(f, &x->msi_version_st, SD_ST_UNREADABLE, 0, "the system "
                  "folder path is too long");
    return;
  }
  wcscpy(path, dir);
  wcscat(path, L"\\msi.dll");
  file_version(f, path, &x->msi_version, &x->msi_version_st, "msi.dll");
}

/* This computer as a failover cluster node: GetNodeClusterState of
 * clusapi.dll (Microsoft docs "GetNodeClusterState function", clusapi.h:
 * ClusterStateNotInstalled 0, ClusterStateNotConfigured 1,
 * ClusterStateNotRunning 3, ClusterStateRunning 19).  Looked up at run
 * time from the system folder (sd_proc): a Windows without the cluster
 * software has no clusapi.dll, which is read as "not-installed".  The
 * clustered mailbox server a node belongs to is not read yet: cms_state
 * says so (docs/modules/exchange-sp2.md). */
typedef DWORD (WINAPI *get_node_cluster_state_fn)(LPCWSTR, DWORD *);

static const struct {
  DWORD value;
  const char *name;
} cluster_states[] = {
  {0, "not-installed"}, {1, "not-configured"}, {3, "not-running"},
  {19, "running"},
};

static void cluster_unknown(sd_facts *f)
{
  sd_fstate_set(f, &f->exchange.cms_st, SD_ST_UNREADABLE, 0, "whether this "
                "computer is a cluster node could not be read");
}

static void collect_cluster(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  wchar_t path[MAX_PATH + 32];
  const wchar_t *dir = sd_system_dir();
  get_node_cluster_state_fn fn;
  DWORD state = 0, rc, attr;
  size_t i;
  if(wcslen(dir) + 16 >= SD_COUNTOF(path)) {
    sd_fstate_set(f, &x->cluster_st, SD_ST_UNREADABLE, 0, "the system "
                  "folder path is too long");
    cluster_unknown(f);
    return;
  }
  wcscpy(path, dir);
  wcscat(path, L"\\clusapi.dll");
  attr = GetFileAttributesW(path);
  if(attr == INVALID_FILE_ATTRIBUTES) {
    DWORD err = GetLastError();
    if(err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND) {
      sd_fstate_os_error(f, &x->cluster_st, err, "clusapi.dll");
      cluster_unknown(f);
      return;
    }
    x->cluster_state = "not-installed";
    sd_fstate_set(f, &x->cluster_st, SD_ST_READ, 0, NULL);
    sd_fstate_set(f, &x->cms_st, SD_ST_ABSENT, 0, "this computer has no "
                  "cluster software (no clusapi.dll)");
    return;
  }
  fn = (get_node_cluster_state_fn)(void (*)(void))sd_proc(
    "clusapi.dll", "GetNodeClusterState");
  rc = fn ? fn(NULL, &state) : ERROR_PROC_NOT_FOUND;
  if(rc != ERROR_SUCCESS) {
    sd_fstate_os_error(f, &x->cluster_st, rc, "GetNodeClusterState");
    cluster_unknown(f);
    return;
  }
  for(i = 0; i < SD_COUNTOF(cluster_states); i++)
    if(cluster_states[i].value == state)
      x->cluster_state = cluster_states[i].name;
  if(!x->cluster_state) {
    sd_fstate_set(f, &x->cluster_st, SD_ST_UNREADABLE, 0,
                  "GetNodeClusterState returned %lu", (unsigned long)state);
    cluster_unknown(f);
    return;
  }
  sd_fstate_set(f, &x->cluster_st, SD_ST_READ, 0, NULL);
  if(state <= 1)
    sd_fstate_set(f, &x->cms_st, SD_ST_ABSENT, 0, "this computer is not a "
                  "cluster node");
  else
    sd_fstate_set(f, &x->cms_st, SD_ST_UNREADABLE, 0, "srvdoctor does not "
                  "read the clustered mailbox server of a cluster node yet");
}

/* Every group SID of this process's token with its attributes. */
static void collect_token(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  HANDLE tok;
  DWORD n = 0, i;
  TOKEN_GROUPS *tg;
  if(!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok)) {
    sd_fstate_os_error(f, &x->token_st, GetLastError(), "OpenProcessToken");
    return;
  }
  GetTokenInformation(tok, TokenGroups, NULL, 0, &n);
  if(n == 0) {
    sd_fstate_os_error(f, &x->token_st, GetLastError(),
                       "GetTokenInformation(TokenGroups)");
    CloseHandle(tok);
    return;
  }
  tg = sd_xmalloc(n);
  if(!GetTokenInformation(tok, TokenGroups, tg, n, &n)) {
    sd_fstate_os_error(f, &x->token_st, GetLastError(),
                       "GetTokenInformation(TokenGroups)");
    free(tg);
    CloseHandle(tok);
    return;
  }
  for(i = 0; i < tg->GroupCount && i < MAX_TOKEN_GROUPS; i++) {
    LPWSTR s = NULL;
    sd_exch_sid *e;
    if(!ConvertSidToStringSidW(tg->Groups[i].Sid, &s))
      continue;
    x->token_groups = sd_grow(x->token_groups, &x->cap_token_groups,
                              x->ntoken_groups, sizeof(*e));
    e = &x->token_groups[x->ntoken_groups++];
    memset(e, 0, sizeof(*e));
    e->sid = sd_wide_to_arena(f, s, -1);
    e->enabled = (tg->Groups[i].Attributes & SE_GROUP_ENABLED) != 0;
    e->deny_only = (tg->Groups[i].Attributes &
                    SE_GROUP_USE_FOR_DENY_ONLY) != 0;
    LocalFree(s);
  }
  free(tg);
  CloseHandle(tok);
  sd_fstate_set(f, &x->token_st, SD_ST_READ, 0, NULL);
}

void sd_cw_exchange(sd_facts *f)
{
  sd_exch_facts *x = &f->exchange;
  sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, V8_KEY, &x->installed_st);
  collect_build(f);
  collect_roles(f);
  collect_msi_cache(f);
  collect_product_suite(f);
  collect_others(f);
  collect_msi_version(f);
  collect_cluster(f);
  collect_token(f);
  sd_fstate_set(f, &x->st, SD_ST_READ, 0, NULL);
}

static void exch_collect(sd_facts *f, const sd_options *o)
{
  sd_cw_exchange(f);
  sd_cw_setuplog(f);
  sd_cw_crl(f, o);
  sd_cw_ad(f, o);
}

/* Services whose configuration is read (the shared service list): the
 * Exchange 2007 services setup needs (svc_facts in check_services.c) and
 * FSCController, the service that marks Forefront Security for Exchange
 * (docs/exchange-sp2-setup-facts.md, fse_facts).  The MSI patch list
 * always reads Exchange 2007's. */
static const char *const exch_services[] = {
  "MSExchange*", "ADAM_MSExchange", "FSCController"};

const sd_collector sd_collector_exchange_sp2 = {
  NULL, 0, exch_services, SD_COUNTOF(exch_services), NULL, 0, exch_collect};
