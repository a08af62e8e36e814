/* msi.c - Windows Installer patches applied to products in the machine
 * context (the shared f->msi_patches list).
 *
 * The products looked at are the Exchange 2007 product plus every product
 * whose per-machine registration has a Patches key.  For each one
 * MsiEnumPatchesExW/MsiGetPatchInfoExW answer (msi.dll, Windows Installer
 * 3.0 and later, looked up at run time); when msi.dll cannot answer, the
 * registry under Installer\UserData\S-1-5-18\Products\<packed>\Patches is
 * read instead (facts/exchange.md §2.2-§2.4).
 *
 * The list is "unreadable" only when the patches of the Exchange 2007
 * product could not be read either way: that is the product a check
 * depends on.  A failure for another product is named in the list's why. */
#include "collect_win32.h"

#include <stdlib.h>
#include <string.h>

#define USERDATA_PRODUCTS "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
                          "Installer\\UserData\\S-1-5-18\\Products"
#define MAX_PRODUCTS 1024
#define MAX_PATCHES 256

#define CTX_MACHINE 4        /* MSIINSTALLCONTEXT_MACHINE */
#define PATCHSTATE_ALL 15    /* MSIPATCHSTATE_ALL */

typedef UINT(WINAPI *enum_ex_fn)(LPCWSTR, LPCWSTR, DWORD, DWORD, DWORD,
                                 LPWSTR, LPWSTR, DWORD *, LPWSTR, LPDWORD);
typedef UINT(WINAPI *info_ex_fn)(LPCWSTR, LPCWSTR, LPCWSTR, DWORD, LPCWSTR,
                                 LPWSTR, LPDWORD);

typedef struct msi_api {
  enum_ex_fn enum_ex;
  info_ex_fn info_ex;
} msi_api;

/* One property of a patch as UTF-8 in the arena, NULL when unavailable. */
static const char *patch_prop(sd_facts *f, const msi_api *api,
                              const wchar_t *patch, const wchar_t *product,
                              const wchar_t *prop)
{
  wchar_t small[256];
  DWORD n = (DWORD)SD_COUNTOF(small);
  UINT rc = api->info_ex(patch, product, NULL, CTX_MACHINE, prop, small, &n);
  if(rc == ERROR_SUCCESS)
    return sd_wide_to_arena(f, small, -1);
  if(rc == ERROR_MORE_DATA && n < 65536) {
    wchar_t *big;
    DWORD cap = n + 1;
    const char *s = NULL;
    big = sd_xmalloc((size_t)cap * sizeof(wchar_t));
    n = cap;
    if(api->info_ex(patch, product, NULL, CTX_MACHINE, prop, big, &n) ==
       ERROR_SUCCESS)
      s = sd_wide_to_arena(f, big, -1);
    free(big);
    return s;
  }
  return NULL;
}

static uint32_t to_u32(const char *s)
{
  uint32_t v = 0;
  int digits = 0;
  while(s && *s >= '0' && *s <= '9' && digits < 9) {
    v = v * 10 + (uint32_t)(*s++ - '0');
    digits++;
  }
  return v;
}

/* Enumerate one product's patches with msi.dll (code: one of
 * list_products).  Returns ERROR_SUCCESS (also when the product is unknown
 * to Windows Installer) or the error. */
static UINT enum_with_msi(sd_facts *f, const msi_api *api, const char *code)
{
  wchar_t *wcode = sd_utf8_to_wide(code);
  DWORD i;
  UINT rc = ERROR_SUCCESS;
  size_t first = f->msi_patches.count;
  if(!wcode)
    return ERROR_INVALID_PARAMETER;
  for(i = 0; i < MAX_PATCHES; i++) {
    wchar_t patch[39], target[39];
    DWORD tctx = 0;
    sd_msi_patch *p;
    const char *s;
    memset(patch, 0, sizeof(patch));
    memset(target, 0, sizeof(target));
    rc = api->enum_ex(wcode, NULL, CTX_MACHINE, PATCHSTATE_ALL, i, patch,
                      target, &tctx, NULL, NULL);
    if(rc == ERROR_NO_MORE_ITEMS || rc == ERROR_UNKNOWN_PRODUCT) {
      rc = ERROR_SUCCESS;
      break;
    }
    if(rc != ERROR_SUCCESS)
      break;
    p = sd_msi_patch_add(&f->msi_patches);
    p->product_code = code;
    p->patch_code = sd_wide_to_arena(f, patch, -1);
    p->display_name = patch_prop(f, api, patch, wcode, L"DisplayName");
    p->state = to_u32(patch_prop(f, api, patch, wcode, L"State"));
    s = patch_prop(f, api, patch, wcode, L"Uninstallable");
    p->uninstallable = s && !strcmp(s, "1");
    p->install_date = patch_prop(f, api, patch, wcode, L"InstallDate");
    p->more_info_url = patch_prop(f, api, patch, wcode, L"MoreInfoURL");
    if(p->more_info_url && !*p->more_info_url)
      p->more_info_url = NULL;
    p->source = "msi";
  }
  if(rc != ERROR_SUCCESS)
    f->msi_patches.count = first; /* the fallback reads them again */
  free(wcode);
  return rc;
}

/* Read one product's patches from the registry (code: one of
 * list_products).  Returns ERROR_SUCCESS (also when the product has no
 * Patches key) or the error. */
static LONG enum_with_registry(sd_facts *f, const char *code)
{
  char packed[33];
  char *key;
  HKEY k;
  LONG rc;
  size_t i;
  sd_reg_subkeys subs;
  if(sd_msi_guid_pack(code, packed))
    return ERROR_INVALID_PARAMETER;
  key = sd_arena_printf(&f->arena, USERDATA_PRODUCTS "\\%s\\Patches", packed);
  rc = sd_reg_open(HKEY_LOCAL_MACHINE, key, &k);
  if(rc == ERROR_FILE_NOT_FOUND || rc == ERROR_PATH_NOT_FOUND)
    return ERROR_SUCCESS;
  if(rc != ERROR_SUCCESS)
    return rc;
  sd_reg_subkeys_list(k, MAX_PATCHES, &subs);
  RegCloseKey(k);
  for(i = 0; i < subs.count; i++) {
    char pc[39];
    const char *sub, *uname;
    sd_msi_patch *p;
    sd_fstate st;
    DWORD d;
    uname = sd_wide_to_arena(f, subs.items[i].name, (int)subs.items[i].len);
    if(sd_msi_guid_unpack(uname, pc))
      continue; /* not a packed patch code */
    sub = sd_arena_printf(&f->arena, "%s\\%s", key, uname);
    p = sd_msi_patch_add(&f->msi_patches);
    p->product_code = code;
    p->patch_code = sd_facts_str(f, pc);
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "DisplayName", &p->display_name,
               &st);
    if(!sd_reg_dword(f, HKEY_LOCAL_MACHINE, sub, "State", &d, &st))
      p->state = d;
    if(!sd_reg_dword(f, HKEY_LOCAL_MACHINE, sub, "Uninstallable", &d, &st))
      p->uninstallable = d == 1;
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "Installed", &p->install_date,
               &st);
    sd_reg_str(f, HKEY_LOCAL_MACHINE, sub, "MoreInfoURL", &p->more_info_url,
               &st);
    p->source = "registry";
  }
  rc = subs.rc;
  sd_reg_subkeys_free(&subs);
  return rc;
}

/* Product codes with a per-machine Patches key, plus Exchange 2007's; each
 * lives as long as the facts (a literal or in their arena), so the patches
 * can point to it. */
static size_t list_products(sd_facts *f, const char ***out, LONG *walk_rc)
{
  const char **codes = NULL;
  size_t n = 0, cap = 0, i;
  HKEY k;
  sd_reg_subkeys subs;
  codes = sd_grow(codes, &cap, n, sizeof(char *));
  codes[n++] = SD_EXCH2007_PRODUCT_CODE;
  *walk_rc = sd_reg_open(HKEY_LOCAL_MACHINE, USERDATA_PRODUCTS, &k);
  if(*walk_rc == ERROR_SUCCESS) {
    sd_reg_subkeys_list(k, MAX_PRODUCTS, &subs);
    RegCloseKey(k);
    for(i = 0; i < subs.count; i++) {
      char pc[39];
      const char *uname, *sub;
      HKEY pk;
      uname = sd_wide_to_arena(f, subs.items[i].name,
                               (int)subs.items[i].len);
      if(sd_msi_guid_unpack(uname, pc) ||
         sd_strieq(pc, SD_EXCH2007_PRODUCT_CODE))
        continue;
      sub = sd_arena_printf(&f->arena, USERDATA_PRODUCTS "\\%s\\Patches",
                            uname);
      if(sd_reg_open(HKEY_LOCAL_MACHINE, sub, &pk) != ERROR_SUCCESS)
        continue;
      RegCloseKey(pk);
      codes = sd_grow(codes, &cap, n, sizeof(char *));
      codes[n++] = sd_facts_str(f, pc);
    }
    *walk_rc = subs.rc;
    sd_reg_subkeys_free(&subs);
  }
  *out = codes;
  return n;
}

void sd_cw_msi(sd_facts *f)
{
  sd_msi_patch_list *l = &f->msi_patches;
  msi_api api;
  const char **codes;
  size_t n, i;
  LONG walk_rc;
  int used_msi = 0, used_reg = 0;
  sd_buf others;
  char text[256];
  api.enum_ex = (enum_ex_fn)(void (*)(void))sd_proc("msi.dll",
                                                    "MsiEnumPatchesExW");
  api.info_ex = (info_ex_fn)(void (*)(void))sd_proc("msi.dll",
                                                    "MsiGetPatchInfoExW");
  n = list_products(f, &codes, &walk_rc);
  sd_buf_init(&others);
  for(i = 0; i < n; i++) {
    UINT mrc = ERROR_PROC_NOT_FOUND;
    LONG rrc;
    if(api.enum_ex && api.info_ex) {
      mrc = enum_with_msi(f, &api, codes[i]);
      if(mrc == ERROR_SUCCESS) {
        used_msi = 1;
        continue;
      }
    }
    rrc = enum_with_registry(f, codes[i]);
    if(rrc == ERROR_SUCCESS) {
      used_reg = 1;
      continue;
    }
    /* Neither way worked for this product. */
    if(i == 0) {
      char rtext[256];
      sd_os_error_text(mrc, text, sizeof(text));
      sd_os_error_text((DWORD)rrc, rtext, sizeof(rtext));
      sd_fstate_set(f, &l->st, SD_ST_UNREADABLE, (uint32_t)rrc,
                    "the patches of Exchange 2007 could not be read: "
                    "MsiEnumPatchesExW %s (%u); the registry fallback "
                    "HKLM\\" USERDATA_PRODUCTS "\\...\\Patches: %s",
                    api.enum_ex ? text : "is not available", mrc, rtext);
    }
    else {
      sd_os_error_text((DWORD)rrc, text, sizeof(text));
      sd_buf_printf(&others, "%s%s (%s)", others.len ? ", " : "", codes[i],
                    text);
    }
  }
  l->method = used_msi && used_reg ? "MsiEnumPatchesEx+registry"
              : used_reg           ? "registry"
                                   : "MsiEnumPatchesEx";
  if(l->st.state != SD_ST_UNREADABLE) {
    if(others.len)
      sd_fstate_set(f, &l->st, SD_ST_READ, 0, "the patches of these other "
                    "products could not be read: %s", others.data);
    else if(walk_rc != ERROR_SUCCESS && walk_rc != ERROR_FILE_NOT_FOUND &&
            walk_rc != ERROR_PATH_NOT_FOUND) {
      sd_os_error_text((DWORD)walk_rc, text, sizeof(text));
      sd_fstate_set(f, &l->st, SD_ST_READ, 0, "only Exchange 2007's patches "
                    "were read: the list of products could not be read (%s)",
                    text);
    }
    else
      sd_fstate_set(f, &l->st, SD_ST_READ, 0, NULL);
  }
  sd_buf_free(&others);
  free(codes);
}
