/*
 * ldapprobe.exe - integration-test helper (not part of the product).
 *
 * A tiny wldap32 client used by tests/integration to prove that wldap32
 * (under Wine, or on real Windows) can read the values srvdoctor needs from
 * a domain controller, and to measure which wldap32 calls honour their
 * timeouts when the server accepts TCP connections but never answers.
 *
 * Build (the test scripts do this):
 *   x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -municode -D_WIN32_WINNT=0x0502 \
 *       -o ldapprobe.exe ldapprobe.c -lwldap32
 *
 * Usage:
 *   ldapprobe --host HOST [--port N] [--user DN] [--timeout SECS]
 *             [--nuser NAME --ndomain DOMAIN]
 *             [--steps LIST] [--watchdog SECS]
 *   The bind password is read from the environment variable
 *   SD_LDAP_PASSWORD (never from the command line).
 *   LIST is a comma-separated subset of:
 *     connect  ldap_connect() with an l_timeval of --timeout seconds
 *     bind     ldap_simple_bind_sW() (synchronous: no timeout parameter)
 *     abind    ldap_simple_bindW() + ldap_result() with a timeout
 *     nbind    ldap_bind_sW(LDAP_AUTH_NEGOTIATE) with explicit credentials
 *              (--nuser NAME --ndomain NETBIOS-DOMAIN, same password)
 *     rootdse  ldap_search_ext_sW() of the rootDSE with a timeout
 *     exch     the Exchange values (schema rangeUpper, org and MESO
 *              objectVersion, schema master) with ldap_search_ext_sW()
 *   default: connect,bind,rootdse,exch
 *
 * Output: one "key=value" line per fact, flushed immediately, e.g.
 *   step.connect.rc=0x0
 *   step.connect.ms=3
 *   rootdse.defaultNamingContext=DC=sdtest,DC=lan
 *   exch.schema.rangeUpper=11116
 * Multi-valued attributes print one line per value.
 *
 * Exit code: 0 every requested step returned LDAP_SUCCESS; 1 some step
 * failed (its rc is printed); 2 usage error; 124 the watchdog fired (the
 * steps run in a worker thread; the main thread waits --watchdog seconds
 * and then terminates the process, printing which step was still running).
 */
#include <windows.h>
#include <winldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_VALUE_UTF8 4096

struct probe_opts {
  const wchar_t *host;
  ULONG port;
  const wchar_t *user;
  const wchar_t *password;
  const wchar_t *nuser;
  const wchar_t *ndomain;
  ULONG timeout_s;
  ULONG watchdog_s;
  int do_connect, do_bind, do_abind, do_nbind, do_rootdse, do_exch;
};

static struct probe_opts g_opt;
static volatile LONG g_failed;
static const char *volatile g_step = "start";
static DWORD g_t0;

static void out_utf8(const char *key, const wchar_t *val)
{
  char buf[MAX_VALUE_UTF8];
  int n = WideCharToMultiByte(CP_UTF8, 0, val, -1, buf, (int)sizeof(buf), NULL,
                              NULL);
  if(n <= 0) {
    strcpy(buf, "<unconvertible>");
  }
  printf("%s=%s\n", key, buf);
  fflush(stdout);
}

static void out_rc(const char *step, ULONG rc, DWORD ms)
{
  printf("step.%s.rc=0x%lx\n", step, (unsigned long)rc);
  printf("step.%s.ms=%lu\n", step, (unsigned long)ms);
  fflush(stdout);
  if(rc != LDAP_SUCCESS) {
    InterlockedExchange(&g_failed, 1);
  }
}

static DWORD since(DWORD start)
{
  return GetTickCount() - start;
}

/* Print every value of one attribute of one entry as "prefix.attr=value". */
static void print_attr(LDAP *ld, LDAPMessage *entry, const char *prefix,
                       const wchar_t *attr)
{
  wchar_t **vals = ldap_get_valuesW(ld, entry, (PWCHAR)attr);
  char key[256];
  char attr8[128];

  WideCharToMultiByte(CP_UTF8, 0, attr, -1, attr8, (int)sizeof(attr8), NULL,
                      NULL);
  snprintf(key, sizeof(key), "%s.%s", prefix, attr8);
  if(vals == NULL) {
    printf("%s.absent=1\n", key);
    fflush(stdout);
    return;
  }
  for(ULONG i = 0; vals[i] != NULL; i++) {
    out_utf8(key, vals[i]);
  }
  ldap_value_freeW(vals);
}

/* Read the first value of attr into dst (empty string when absent). */
static void first_value(LDAP *ld, LDAPMessage *entry, const wchar_t *attr,
                        wchar_t *dst, size_t cap)
{
  wchar_t **vals = ldap_get_valuesW(ld, entry, (PWCHAR)attr);
  dst[0] = L'\0';
  if(vals != NULL && vals[0] != NULL) {
    wcsncpy(dst, vals[0], cap - 1);
    dst[cap - 1] = L'\0';
  }
  if(vals != NULL) {
    ldap_value_freeW(vals);
  }
}

/* One timed ldap_search_ext_sW; prints rc/ms under step name; returns the
 * result. */
static ULONG timed_search(LDAP *ld, const char *step, const wchar_t *base,
                          ULONG scope, const wchar_t *filter,
                          const wchar_t **attrs, LDAPMessage **res)
{
  struct l_timeval tv;
  DWORD start;
  ULONG rc;

  tv.tv_sec = (LONG)g_opt.timeout_s;
  tv.tv_usec = 0;
  g_step = step;
  *res = NULL;
  start = GetTickCount();
  rc = ldap_search_ext_sW(ld, (PWCHAR)base, scope, (PWCHAR)filter,
                          (PWCHAR *)attrs, 0, NULL, NULL, &tv, 0, res);
  out_rc(step, rc, since(start));
  return rc;
}

static void count_entries(LDAP *ld, LDAPMessage *res, const char *prefix)
{
  ULONG n = 0;
  for(LDAPMessage *e = ldap_first_entry(ld, res); e != NULL;
      e = ldap_next_entry(ld, e)) {
    n++;
  }
  printf("%s.count=%lu\n", prefix, (unsigned long)n);
  fflush(stdout);
}

static wchar_t g_schema_nc[1024], g_config_nc[1024], g_default_nc[1024];

static void step_rootdse(LDAP *ld)
{
  static const wchar_t *attrs[] = {L"defaultNamingContext",
                                   L"configurationNamingContext",
                                   L"schemaNamingContext",
                                   L"rootDomainNamingContext",
                                   L"domainFunctionality",
                                   L"forestFunctionality",
                                   L"domainControllerFunctionality",
                                   L"isSynchronized",
                                   L"isGlobalCatalogReady",
                                   L"currentTime",
                                   L"dnsHostName",
                                   L"serverName",
                                   L"dsServiceName",
                                   L"highestCommittedUSN",
                                   NULL};
  LDAPMessage *res = NULL;

  if(timed_search(ld, "rootdse", L"", LDAP_SCOPE_BASE, L"(objectClass=*)",
                  attrs, &res) == LDAP_SUCCESS) {
    LDAPMessage *e = ldap_first_entry(ld, res);
    if(e != NULL) {
      for(int i = 0; attrs[i] != NULL; i++) {
        print_attr(ld, e, "rootdse", attrs[i]);
      }
      first_value(ld, e, L"schemaNamingContext", g_schema_nc, 1024);
      first_value(ld, e, L"configurationNamingContext", g_config_nc, 1024);
      first_value(ld, e, L"defaultNamingContext", g_default_nc, 1024);
    } else {
      printf("rootdse.noentry=1\n");
      InterlockedExchange(&g_failed, 1);
    }
  }
  if(res != NULL) {
    ldap_msgfree(res);
  }
}

static void step_exch(LDAP *ld)
{
  wchar_t base[1200];
  LDAPMessage *res = NULL;
  static const wchar_t *range_attrs[] = {L"rangeUpper", L"lDAPDisplayName",
                                         NULL};
  static const wchar_t *ver_attrs[] = {L"objectVersion", L"distinguishedName",
                                       L"name", NULL};
  static const wchar_t *fsmo_attrs[] = {L"fSMORoleOwner", NULL};
  wchar_t owner[1024] = L"";

  if(g_schema_nc[0] == L'\0') {
    printf("exch.error=no schemaNamingContext (run the rootdse step first)\n");
    InterlockedExchange(&g_failed, 1);
    return;
  }

  _snwprintf(base, 1200, L"CN=ms-Exch-Schema-Version-Pt,%ls", g_schema_nc);
  base[1199] = L'\0';
  if(timed_search(ld, "schema", base, LDAP_SCOPE_BASE, L"(objectClass=*)",
                  range_attrs, &res) == LDAP_SUCCESS) {
    LDAPMessage *e = ldap_first_entry(ld, res);
    if(e != NULL) {
      print_attr(ld, e, "exch.schema", L"rangeUpper");
    }
  }
  if(res != NULL) {
    ldap_msgfree(res);
    res = NULL;
  }

  if(timed_search(ld, "org", g_config_nc, LDAP_SCOPE_SUBTREE,
                  L"(objectCategory=msExchOrganizationContainer)", ver_attrs,
                  &res) == LDAP_SUCCESS) {
    count_entries(ld, res, "exch.org");
    LDAPMessage *e = ldap_first_entry(ld, res);
    if(e != NULL) {
      print_attr(ld, e, "exch.org", L"distinguishedName");
      print_attr(ld, e, "exch.org", L"objectVersion");
    }
  }
  if(res != NULL) {
    ldap_msgfree(res);
    res = NULL;
  }

  if(timed_search(ld, "meso", g_default_nc, LDAP_SCOPE_SUBTREE,
                  L"(objectCategory=msExchSystemObjectsContainer)", ver_attrs,
                  &res) == LDAP_SUCCESS) {
    count_entries(ld, res, "exch.meso");
    LDAPMessage *e = ldap_first_entry(ld, res);
    if(e != NULL) {
      print_attr(ld, e, "exch.meso", L"distinguishedName");
      print_attr(ld, e, "exch.meso", L"objectVersion");
    }
  }
  if(res != NULL) {
    ldap_msgfree(res);
    res = NULL;
  }

  if(timed_search(ld, "fsmo", g_schema_nc, LDAP_SCOPE_BASE, L"(objectClass=*)",
                  fsmo_attrs, &res) == LDAP_SUCCESS) {
    LDAPMessage *e = ldap_first_entry(ld, res);
    if(e != NULL) {
      print_attr(ld, e, "exch.schemamaster", L"fSMORoleOwner");
      first_value(ld, e, L"fSMORoleOwner", owner, 1024);
    }
  }
  if(res != NULL) {
    ldap_msgfree(res);
    res = NULL;
  }

  /* Parent of the NTDS Settings DN is the server object; its
   * serverReference points at the computer object (operatingSystem). */
  wchar_t *comma = wcschr(owner, L',');
  if(comma != NULL) {
    static const wchar_t *srv_attrs[] = {L"dNSHostName", L"serverReference",
                                         NULL};
    static const wchar_t *os_attrs[] = {L"operatingSystem",
                                        L"operatingSystemVersion",
                                        L"operatingSystemServicePack", NULL};
    wchar_t computer[1024] = L"";
    if(timed_search(ld, "fsmoserver", comma + 1, LDAP_SCOPE_BASE,
                    L"(objectClass=*)", srv_attrs, &res) == LDAP_SUCCESS) {
      LDAPMessage *e = ldap_first_entry(ld, res);
      if(e != NULL) {
        print_attr(ld, e, "exch.schemamaster", L"dNSHostName");
        first_value(ld, e, L"serverReference", computer, 1024);
      }
    }
    if(res != NULL) {
      ldap_msgfree(res);
      res = NULL;
    }
    if(computer[0] != L'\0' &&
       timed_search(ld, "fsmocomputer", computer, LDAP_SCOPE_BASE,
                    L"(objectClass=*)", os_attrs, &res) == LDAP_SUCCESS) {
      LDAPMessage *e = ldap_first_entry(ld, res);
      if(e != NULL) {
        for(int i = 0; os_attrs[i] != NULL; i++) {
          print_attr(ld, e, "exch.schemamaster", os_attrs[i]);
        }
      }
    }
    if(res != NULL) {
      ldap_msgfree(res);
    }
  }
}

static void set_opt(LDAP *ld, const char *name, int option, void *value)
{
  ULONG rc = ldap_set_optionW(ld, option, value);
  printf("option.%s.rc=0x%lx\n", name, (unsigned long)rc);
  fflush(stdout);
}

static DWORD WINAPI run_steps(LPVOID unused)
{
  (void)unused;
  LDAP *ld;
  DWORD start;
  ULONG rc;

  g_step = "init";
  ld = ldap_initW((PWCHAR)g_opt.host, g_opt.port);
  if(ld == NULL) {
    printf("step.init.rc=0x%lx\n", (unsigned long)LdapGetLastError());
    fflush(stdout);
    InterlockedExchange(&g_failed, 1);
    return 1;
  }
  printf("step.init.rc=0x0\n");

  ULONG version = LDAP_VERSION3;
  ULONG timelimit = g_opt.timeout_s;
  struct l_timeval send_tv;
  send_tv.tv_sec = (LONG)g_opt.timeout_s;
  send_tv.tv_usec = 0;
  set_opt(ld, "PROTOCOL_VERSION", LDAP_OPT_PROTOCOL_VERSION, &version);
  set_opt(ld, "REFERRALS", LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  set_opt(ld, "TIMELIMIT", LDAP_OPT_TIMELIMIT, &timelimit);
  set_opt(ld, "SEND_TIMEOUT", LDAP_OPT_SEND_TIMEOUT, &send_tv);

  if(g_opt.do_connect) {
    struct l_timeval tv;
    tv.tv_sec = (LONG)g_opt.timeout_s;
    tv.tv_usec = 0;
    g_step = "connect";
    start = GetTickCount();
    rc = ldap_connect(ld, &tv);
    out_rc("connect", rc, since(start));
  }

  if(g_opt.do_bind) {
    g_step = "bind";
    start = GetTickCount();
    rc = ldap_simple_bind_sW(ld, (PWCHAR)g_opt.user, (PWCHAR)g_opt.password);
    out_rc("bind", rc, since(start));
  }

  if(g_opt.do_abind) {
    struct l_timeval tv;
    LDAPMessage *res = NULL;
    tv.tv_sec = (LONG)g_opt.timeout_s;
    tv.tv_usec = 0;
    g_step = "abind";
    start = GetTickCount();
    ULONG msgid =
        ldap_simple_bindW(ld, (PWCHAR)g_opt.user, (PWCHAR)g_opt.password);
    if(msgid == (ULONG)-1) {
      out_rc("abind", LdapGetLastError(), since(start));
    } else {
      ULONG type = ldap_result(ld, msgid, LDAP_MSG_ALL, &tv, &res);
      DWORD ms = since(start);
      printf("step.abind.result_type=0x%lx\n", (unsigned long)type);
      if(type == 0) {
        /* timed out: report it as LDAP_TIMEOUT and give the request up */
        out_rc("abind", LDAP_TIMEOUT, ms);
        ldap_abandon(ld, msgid);
      } else if(type == (ULONG)-1) {
        out_rc("abind", LdapGetLastError(), ms);
      } else {
        out_rc("abind", ldap_result2error(ld, res, 0), ms);
      }
      if(res != NULL) {
        ldap_msgfree(res);
      }
    }
  }

  if(g_opt.do_nbind) {
    SEC_WINNT_AUTH_IDENTITY_W id;
    memset(&id, 0, sizeof(id));
    id.User = (unsigned short *)g_opt.nuser;
    id.UserLength = (unsigned long)wcslen(g_opt.nuser);
    id.Domain = (unsigned short *)g_opt.ndomain;
    id.DomainLength = (unsigned long)wcslen(g_opt.ndomain);
    id.Password = (unsigned short *)g_opt.password;
    id.PasswordLength = (unsigned long)wcslen(g_opt.password);
    id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    g_step = "nbind";
    start = GetTickCount();
    rc = ldap_bind_sW(ld, NULL, (PWCHAR)&id, LDAP_AUTH_NEGOTIATE);
    out_rc("nbind", rc, since(start));
  }

  if(g_opt.do_rootdse) {
    step_rootdse(ld);
  }
  if(g_opt.do_exch) {
    step_exch(ld);
  }

  g_step = "unbind";
  ldap_unbind(ld);
  g_step = "done";
  return 0;
}

static int parse_steps(const wchar_t *list)
{
  g_opt.do_connect = g_opt.do_bind = g_opt.do_abind = g_opt.do_nbind =
      g_opt.do_rootdse = g_opt.do_exch = 0;
  const wchar_t *p = list;
  while(*p != L'\0') {
    const wchar_t *end = wcschr(p, L',');
    size_t len = end ? (size_t)(end - p) : wcslen(p);
    if(len == 7 && wcsncmp(p, L"connect", len) == 0) {
      g_opt.do_connect = 1;
    } else if(len == 4 && wcsncmp(p, L"bind", len) == 0) {
      g_opt.do_bind = 1;
    } else if(len == 5 && wcsncmp(p, L"abind", len) == 0) {
      g_opt.do_abind = 1;
    } else if(len == 5 && wcsncmp(p, L"nbind", len) == 0) {
      g_opt.do_nbind = 1;
    } else if(len == 7 && wcsncmp(p, L"rootdse", len) == 0) {
      g_opt.do_rootdse = 1;
    } else if(len == 4 && wcsncmp(p, L"exch", len) == 0) {
      g_opt.do_exch = 1;
    } else {
      return -1;
    }
    p += len;
    if(*p == L',') {
      p++;
    }
  }
  return 0;
}

static int usage(void)
{
  fprintf(
      stderr,
      "usage: ldapprobe --host HOST [--port N] [--user DN] [--timeout SECS]\n"
      "                 [--nuser NAME --ndomain DOMAIN]\n"
      "                 [--steps connect,bind,abind,nbind,rootdse,exch] "
      "[--watchdog SECS]\n"
      "password: environment variable SD_LDAP_PASSWORD\n");
  return 2;
}

int wmain(int argc, wchar_t **argv)
{
  static wchar_t pwbuf[256];

  g_opt.port = LDAP_PORT;
  g_opt.timeout_s = 5;
  g_opt.watchdog_s = 0;
  if(parse_steps(L"connect,bind,rootdse,exch") != 0) {
    return 2;
  }
  for(int i = 1; i < argc; i++) {
    const wchar_t *a = argv[i];
    const wchar_t *v = (i + 1 < argc) ? argv[i + 1] : NULL;
    if(v == NULL) {
      return usage();
    }
    if(wcscmp(a, L"--host") == 0) {
      g_opt.host = v;
    } else if(wcscmp(a, L"--port") == 0) {
      g_opt.port = (ULONG)wcstoul(v, NULL, 10);
    } else if(wcscmp(a, L"--user") == 0) {
      g_opt.user = v;
    } else if(wcscmp(a, L"--nuser") == 0) {
      g_opt.nuser = v;
    } else if(wcscmp(a, L"--ndomain") == 0) {
      g_opt.ndomain = v;
    } else if(wcscmp(a, L"--timeout") == 0) {
      g_opt.timeout_s = (ULONG)wcstoul(v, NULL, 10);
    } else if(wcscmp(a, L"--watchdog") == 0) {
      g_opt.watchdog_s = (ULONG)wcstoul(v, NULL, 10);
    } else if(wcscmp(a, L"--steps") == 0) {
      if(parse_steps(v) != 0) {
        return usage();
      }
    } else {
      return usage();
    }
    i++;
  }
  if(g_opt.host == NULL) {
    return usage();
  }
  DWORD n = GetEnvironmentVariableW(L"SD_LDAP_PASSWORD", pwbuf, 256);
  if(n > 0 && n < 256) {
    g_opt.password = pwbuf;
  }
  if((g_opt.do_bind || g_opt.do_abind) &&
     (g_opt.user == NULL || g_opt.password == NULL)) {
    fprintf(stderr, "ldapprobe: bind steps need --user and SD_LDAP_PASSWORD\n");
    return 2;
  }
  if(g_opt.do_nbind &&
     (g_opt.nuser == NULL || g_opt.ndomain == NULL || g_opt.password == NULL)) {
    fprintf(stderr,
            "ldapprobe: nbind needs --nuser, --ndomain and SD_LDAP_PASSWORD\n");
    return 2;
  }

  g_t0 = GetTickCount();
  if(g_opt.watchdog_s == 0) {
    run_steps(NULL);
  } else {
    HANDLE th = CreateThread(NULL, 0, run_steps, NULL, 0, NULL);
    if(th == NULL) {
      fprintf(stderr, "ldapprobe: CreateThread failed (%lu)\n",
              (unsigned long)GetLastError());
      return 1;
    }
    if(WaitForSingleObject(th, g_opt.watchdog_s * 1000u) == WAIT_TIMEOUT) {
      printf("watchdog.fired=1\nwatchdog.step=%s\nwatchdog.ms=%lu\n",
             (const char *)g_step, (unsigned long)since(g_t0));
      fflush(stdout);
      TerminateProcess(GetCurrentProcess(), 124);
      return 124;
    }
    CloseHandle(th);
  }
  printf("total.ms=%lu\n", (unsigned long)since(g_t0));
  fflush(stdout);
  return g_failed ? 1 : 0;
}
