/* private_win32.c - who runs srvdoctor, and folders only administrators
 * may write to (the acknowledgements file decides what monitoring sees,
 * so nobody else may replace it). */
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>

#include <stdlib.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/win32util.h"

/* TrustedInstaller (NT SERVICE\TrustedInstaller). */
#define SID_TRUSTED_INSTALLER L"S-1-5-80-956008885-3418522649-1831038044-" \
                              L"1853292631-2271478464"
/* Rights that let an account put or replace a file in a folder. */
#define WRITE_RIGHTS (FILE_ADD_FILE | FILE_DELETE_CHILD | WRITE_DAC | \
                      WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL)

/* The process's account SID (LocalFree), or NULL. */
static PSID own_sid(void)
{
  HANDLE tok;
  DWORD n = 0;
  TOKEN_USER *tu;
  PSID copy = NULL;
  if(!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
    return NULL;
  GetTokenInformation(tok, TokenUser, NULL, 0, &n);
  tu = n ? sd_xmalloc(n) : NULL;
  if(tu && GetTokenInformation(tok, TokenUser, tu, n, &n)) {
    DWORD len = GetLengthSid(tu->User.Sid);
    copy = LocalAlloc(LMEM_FIXED, len);
    if(copy && !CopySid(len, copy, tu->User.Sid)) {
      LocalFree(copy);
      copy = NULL;
    }
  }
  free(tu);
  CloseHandle(tok);
  return copy;
}

/* "DOMAIN\name" of a SID, or its S-1-... form, malloc'd. */
static char *sid_name(PSID sid)
{
  wchar_t name[256], dom[256];
  DWORD nn = 256, dn = 256;
  SID_NAME_USE use;
  LPWSTR s = NULL;
  char *out = NULL;
  if(LookupAccountSidW(NULL, sid, name, &nn, dom, &dn, &use)) {
    char *a = sd_wide_to_utf8(dom), *b = sd_wide_to_utf8(name);
    sd_buf t;
    sd_buf_init(&t);
    if(a && *a)
      sd_buf_printf(&t, "%s\\", a);
    sd_buf_puts(&t, b ? b : "?");
    free(a);
    free(b);
    return t.data;
  }
  if(ConvertSidToStringSidW(sid, &s)) {
    out = sd_wide_to_utf8(s);
    LocalFree(s);
  }
  return out ? out : sd_xstrdup("an unknown account");
}

char *sd_current_user(void)
{
  PSID me = own_sid();
  char *name;
  if(!me)
    return sd_xstrdup("unknown");
  name = sid_name(me);
  LocalFree(me);
  return name;
}

static int well_known(PSID sid, WELL_KNOWN_SID_TYPE type)
{
  BYTE buf[SECURITY_MAX_SID_SIZE];
  DWORD n = sizeof(buf);
  return CreateWellKnownSid(type, NULL, buf, &n) && EqualSid(sid, buf);
}

/* Administrators, SYSTEM, TrustedInstaller, or the account running us
 * (the administrator who acknowledges, or the scheduled task's). */
static int trusted(PSID sid, PSID me)
{
  PSID ti = NULL;
  int yes;
  if(well_known(sid, WinBuiltinAdministratorsSid) ||
     well_known(sid, WinLocalSystemSid) || (me && EqualSid(sid, me)))
    return 1;
  if(!ConvertStringSidToSidW(SID_TRUSTED_INSTALLER, &ti))
    return 0;
  yes = EqualSid(sid, ti);
  LocalFree(ti);
  return yes;
}

/* The first account of dacl, other than the trusted ones, that may put a
 * file into the folder: malloc'd name, or NULL when there is none. */
static char *untrusted_writer(PACL dacl, PSID me)
{
  DWORD i;
  if(!dacl)
    return sd_xstrdup("Everyone (the folder has no access list)");
  for(i = 0; i < dacl->AceCount; i++) {
    ACE_HEADER *h;
    ACCESS_ALLOWED_ACE *a;
    if(!GetAce(dacl, i, (void **)&h) || h->AceType != ACCESS_ALLOWED_ACE_TYPE)
      continue;
    if(h->AceFlags & INHERIT_ONLY_ACE)
      continue; /* applies to what is inside, not to the folder */
    a = (ACCESS_ALLOWED_ACE *)h;
    if(!(a->Mask & WRITE_RIGHTS))
      continue;
    if(!trusted((PSID)&a->SidStart, me))
      return sid_name((PSID)&a->SidStart);
  }
  return NULL;
}

int sd_dir_private(const char *dir, sd_err *err)
{
  wchar_t *w = sd_utf8_to_wide(dir);
  PACL dacl = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  PSID me;
  DWORD code;
  char *who;
  if(!w) {
    sd_err_set(err, SD_EINVAL, "the folder name \"%s\" is not usable", dir);
    return -1;
  }
  code = GetNamedSecurityInfoW(w, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                               NULL, NULL, &dacl, NULL, &sd);
  free(w);
  if(code != ERROR_SUCCESS) {
    sd_err_set_win(err, code, "read the permissions of", dir);
    return -1;
  }
  me = own_sid();
  who = untrusted_writer(dacl, me);
  if(me)
    LocalFree(me);
  LocalFree(sd);
  if(!who)
    return 0;
  sd_err_set(err, SD_EACCES, "%s may create or replace files in %s, and "
             "only administrators may; limit it with: icacls \"%s\" "
             "/inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F "
             "*S-1-5-18:(OI)(CI)F", who, dir, dir);
  free(who);
  return -1;
}

int sd_mkdir_private(const char *dir, sd_err *err)
{
  wchar_t *w;
  SECURITY_ATTRIBUTES sa;
  PSECURITY_DESCRIPTOR sd = NULL;
  char *parent, *cut;
  int rc = 0;
  if(sd_file_exists(dir))
    return 0;
  parent = sd_xstrdup(dir);
  cut = strrchr(parent, '\\');
  if(!cut || strrchr(parent, '/') > cut)
    cut = strrchr(parent, '/');
  if(cut && cut > parent) {
    *cut = '\0';
    rc = sd_mkdir_p(parent, err);
  }
  free(parent);
  if(rc)
    return -1;
  /* Protected: nothing inherited from the parent (ProgramData lets Users
   * create files); SYSTEM and Administrators only. */
  if(!ConvertStringSecurityDescriptorToSecurityDescriptorW(
       L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", SDDL_REVISION_1, &sd, NULL)) {
    sd_err_set_win(err, GetLastError(), "prepare the permissions of", dir);
    return -1;
  }
  sa.nLength = sizeof(sa);
  sa.lpSecurityDescriptor = sd;
  sa.bInheritHandle = FALSE;
  w = sd_utf8_to_wide(dir);
  if(!w || (!CreateDirectoryW(w, &sa) &&
            GetLastError() != ERROR_ALREADY_EXISTS)) {
    sd_err_set_win(err, w ? GetLastError() : ERROR_INVALID_NAME,
                   "create the folder", dir);
    rc = -1;
  }
  free(w);
  LocalFree(sd);
  return rc;
}
