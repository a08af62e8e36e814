/* host.c - host name, domain, privileges, boot time and the OS version. */
#include "collect_win32.h"

#include <lm.h>

#include "srvdoctor/platform.h"
#include <sddl.h>
#include <stdlib.h>
#include <string.h>

#define NT_CURRENT_VERSION "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

static const char *computer_name(sd_facts *f, COMPUTER_NAME_FORMAT fmt)
{
  wchar_t buf[512];
  DWORD n = (DWORD)SD_COUNTOF(buf);
  if(!GetComputerNameExW(fmt, buf, &n) || n == 0)
    return NULL;
  return sd_wide_to_arena(f, buf, (int)n);
}

static void collect_domain(sd_facts *f)
{
  typedef NET_API_STATUS(WINAPI * join_fn)(LPCWSTR, LPWSTR *,
                                            PNETSETUP_JOIN_STATUS);
  typedef NET_API_STATUS(WINAPI * free_fn)(LPVOID);
  join_fn join = (join_fn)(void (*)(void))sd_proc("netapi32.dll",
                                                  "NetGetJoinInformation");
  free_fn bfree = (free_fn)(void (*)(void))sd_proc("netapi32.dll",
                                                   "NetApiBufferFree");
  LPWSTR name = NULL;
  NETSETUP_JOIN_STATUS status;
  NET_API_STATUS rc;
  const char *dns;
  if(!join || !bfree) {
    sd_fstate_set(f, &f->host.domain_st, SD_ST_UNREADABLE, 0,
                  "netapi32.dll NetGetJoinInformation is not available");
    return;
  }
  rc = join(NULL, &name, &status);
  if(rc != NERR_Success) {
    sd_fstate_os_error(f, &f->host.domain_st, rc, "NetGetJoinInformation");
    return;
  }
  f->host.domain_joined = status == NetSetupDomainName;
  f->host.domain = sd_wide_to_arena(f, name, -1);
  bfree(name);
  /* Prefer the DNS name of the domain where there is one. */
  dns = computer_name(f, ComputerNameDnsDomain);
  if(f->host.domain_joined && dns && *dns)
    f->host.domain = dns;
  sd_fstate_set(f, &f->host.domain_st, SD_ST_READ, 0, NULL);
}

static void collect_user(sd_facts *f, HANDLE token)
{
  DWORD n = 0;
  TOKEN_USER *tu;
  wchar_t name[256], dom[256];
  DWORD nn = 256, dn = 256;
  SID_NAME_USE use;
  LPWSTR ssid = NULL;
  GetTokenInformation(token, TokenUser, NULL, 0, &n);
  if(n == 0)
    return;
  tu = sd_xmalloc(n);
  if(GetTokenInformation(token, TokenUser, tu, n, &n)) {
    if(LookupAccountSidW(NULL, tu->User.Sid, name, &nn, dom, &dn, &use)) {
      f->host.user = sd_arena_printf(&f->arena, "%s\\%s",
                                     sd_wide_to_arena(f, dom, -1),
                                     sd_wide_to_arena(f, name, -1));
    }
    if(ConvertSidToStringSidW(tu->User.Sid, &ssid)) {
      f->host.user_sid = sd_wide_to_arena(f, ssid, -1);
      LocalFree(ssid);
    }
  }
  free(tu);
}

static void collect_elevation(sd_facts *f)
{
  HANDLE token;
  SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
  PSID admins = NULL;
  BOOL member = FALSE;
  DWORD elevation = 0, n = 0;
  if(!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
    sd_fstate_os_error(f, &f->host.elevation_st, GetLastError(),
                       "OpenProcessToken");
    return;
  }
  collect_user(f, token);
  if(!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
                               DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0,
                               &admins) ||
     !CheckTokenMembership(NULL, admins, &member)) {
    sd_fstate_os_error(f, &f->host.elevation_st, GetLastError(),
                       "CheckTokenMembership");
    if(admins)
      FreeSid(admins);
    CloseHandle(token);
    return;
  }
  FreeSid(admins);
  f->host.admin_member = member ? 1 : 0;
  /* TokenElevation (20) exists from Vista on; before that a member of
   * Administrators is as elevated as it gets. */
  if(GetTokenInformation(token, (TOKEN_INFORMATION_CLASS)20, &elevation,
                         sizeof(elevation), &n))
    f->host.elevated = elevation != 0;
  else
    f->host.elevated = f->host.admin_member;
  CloseHandle(token);
  sd_fstate_set(f, &f->host.elevation_st, SD_ST_READ, 0, NULL);
}

static void collect_boot(sd_facts *f)
{
  typedef LONG(NTAPI * nqsi_fn)(ULONG, PVOID, ULONG, PULONG);
  nqsi_fn nqsi = (nqsi_fn)(void (*)(void))sd_proc("ntdll.dll",
                                                  "NtQuerySystemInformation");
  /* SystemTimeOfDayInformation (3) starts with the boot time as a
   * FILETIME; it exists on every NT version. */
  LONGLONG tod[6];
  ULONG got = 0;
  memset(tod, 0, sizeof(tod));
  if(nqsi && nqsi(3, tod, sizeof(tod), &got) >= 0 && got >= 16 && tod[0] > 0) {
    f->host.boot_time = sd_time_from_filetime((uint64_t)tod[0]);
    sd_fstate_set(f, &f->host.boot_st, SD_ST_READ, 0, NULL);
    return;
  }
  {
    typedef ULONGLONG(WINAPI * tick64_fn)(void);
    tick64_fn t64 = (tick64_fn)(void (*)(void))sd_proc("kernel32.dll",
                                                       "GetTickCount64");
    if(t64) {
      f->host.boot_time = sd_now() - (sd_time)(t64() / 1000u);
      sd_fstate_set(f, &f->host.boot_st, SD_ST_READ, 0, NULL);
      return;
    }
  }
  sd_fstate_set(f, &f->host.boot_st, SD_ST_UNREADABLE, 0,
                "neither NtQuerySystemInformation nor GetTickCount64 "
                "gave the boot time");
}

void sd_cw_host(sd_facts *f)
{
  f->host.name = computer_name(f, ComputerNameNetBIOS);
  f->host.dns_name = computer_name(f, ComputerNameDnsFullyQualified);
  if(f->host.name)
    sd_fstate_set(f, &f->host.st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_os_error(f, &f->host.st, GetLastError(), "GetComputerNameExW");
  collect_domain(f);
  collect_elevation(f);
  collect_boot(f);
}

typedef struct rtl_osv {
  DWORD size, major, minor, build, platform;
  WCHAR csd[128];
  WORD sp_major, sp_minor, suite;
  BYTE product_type, reserved;
} rtl_osv;

void sd_cw_os(sd_facts *f)
{
  typedef LONG(WINAPI * rtlgv_fn)(rtl_osv *);
  rtlgv_fn rtlgv = (rtlgv_fn)(void (*)(void))sd_proc("ntdll.dll",
                                                     "RtlGetVersion");
  rtl_osv v;
  SYSTEM_INFO si;
  sd_fstate st;
  const char *s = NULL;
  memset(&v, 0, sizeof(v));
  v.size = sizeof(v);
  /* RtlGetVersion tells the truth on 8.1 and later, where GetVersionEx
   * reports 6.2 to programs without a manifest. */
  if(!rtlgv || rtlgv(&v) < 0) {
    OSVERSIONINFOEXW vx;
    memset(&vx, 0, sizeof(vx));
    vx.dwOSVersionInfoSize = sizeof(vx);
    if(!GetVersionExW((OSVERSIONINFOW *)&vx)) {
      sd_fstate_os_error(f, &f->os.st, GetLastError(), "GetVersionExW");
      return;
    }
    v.major = vx.dwMajorVersion;
    v.minor = vx.dwMinorVersion;
    v.build = vx.dwBuildNumber;
    memcpy(v.csd, vx.szCSDVersion, sizeof(v.csd));
    v.sp_major = vx.wServicePackMajor;
    v.product_type = vx.wProductType;
  }
  f->os.major = v.major;
  f->os.minor = v.minor;
  f->os.build = v.build & 0xFFFF;
  f->os.sp_major = v.sp_major;
  f->os.service_pack = sd_wide_to_arena(f, v.csd, -1);
  f->os.is_server = v.product_type != VER_NT_WORKSTATION;
  f->os.version = sd_arena_printf(&f->arena, "%u.%u.%u", f->os.major,
                                  f->os.minor, f->os.build);
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, NT_CURRENT_VERSION, "ProductName", &s,
                &st) == 0)
    f->os.name = s;
  else
    f->os.name = sd_arena_printf(&f->arena, "Windows %u.%u", f->os.major,
                                 f->os.minor);
  s = NULL;
  if(sd_reg_str(f, HKEY_LOCAL_MACHINE, NT_CURRENT_VERSION, "EditionID", &s,
                &st) == 0)
    f->os.edition = s;
  GetNativeSystemInfo(&si);
  switch(si.wProcessorArchitecture) {
  case PROCESSOR_ARCHITECTURE_AMD64: f->os.arch = "x64"; break;
  case PROCESSOR_ARCHITECTURE_INTEL: f->os.arch = "x86"; break;
  case PROCESSOR_ARCHITECTURE_IA64: f->os.arch = "ia64"; break;
  case 12: f->os.arch = "arm64"; break;
  default: f->os.arch = "unknown"; break;
  }
  sd_fstate_set(f, &f->os.st, SD_ST_READ, 0, NULL);
}
