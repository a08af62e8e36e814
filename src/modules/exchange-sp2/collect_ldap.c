/* ldap.c - what a domain controller says about Exchange 2007 SP2
 * readiness, read over LDAP with wldap32 (facts/exchange.md §4):
 * the rootDSE, rangeUpper of ms-Exch-Schema-Version-Pt, the organization
 * and Microsoft Exchange System Objects objectVersions, the schema master
 * and its OS, the domain mode, the domain SIDs, the running user's
 * tokenGroupsGlobalAndUniversal and this computer's site.
 *
 * Nothing here may hang the run.  All the work happens in a worker thread
 * that writes into its own private facts; the calling thread waits for it
 * with a hard deadline and copies the result only when it finished.  When
 * the deadline passes (a DC that accepts the connection and never answers,
 * a bind that never returns) the AD section says so and the worker is left
 * behind: it owns its memory and frees it whenever its call returns.
 * Inside the worker every call that takes a timeout gets one too: the
 * connect, every search (client timeout and server time limit), and the
 * probe of the schema master. */
#include "collect.h"

#include <dsgetdc.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winldap.h>

#include "job.h"
#include "srvdoctor/platform.h"

#define CONNECT_TIMEOUT_S 5
#define SEARCH_TIMEOUT_S 10
#define DEADLINE_MIN_MS 1000
#define DEADLINE_MAX_MS 20000
#define MAX_OBJECTS 64
#define MAX_GROUPS 1024

#ifndef LDAP_OPT_AREC_EXCLUSIVE
#define LDAP_OPT_AREC_EXCLUSIVE 0x98
#endif

typedef struct ad_job {
  sd_job job;               /* first */
  /* inputs, owned */
  wchar_t *host;            /* NULL: locate a DC */
  ULONG port;
  wchar_t *user;
  wchar_t *password;
  size_t password_len;
  const char *user_sid;     /* the running user's, in out's arena */
  ULONG connect_s, search_s;
  long t0_ms, deadline_ms;  /* the caller waits deadline_ms from t0_ms */
  /* progress, for the timeout message */
  const char *volatile step;
  volatile LONG have_dc;
  char dc_text[300];
  /* output */
  sd_facts out;
  LDAP *ld;
} ad_job;

static void ad_destroy(sd_job *job)
{
  ad_job *j = (ad_job *)job;
  if(j->password) {
    SecureZeroMemory(j->password, j->password_len * sizeof(wchar_t));
    free(j->password);
  }
  free(j->host);
  free(j->user);
  sd_facts_free(&j->out);
  free(j);
}

static void job_release(ad_job *j)
{
  sd_job_release(&j->job);
}

/* ---- small helpers ---- */

static const char *ldap_text(sd_facts *f, ULONG rc)
{
  PWCHAR w = ldap_err2stringW(rc);
  const char *s = w ? sd_wide_to_arena(f, w, -1) : NULL;
  return sd_arena_printf(&f->arena, "%s (LDAP 0x%02lX)",
                         s && *s ? s : "LDAP error", (unsigned long)rc);
}

static void ldap_fail(sd_facts *f, sd_fstate *st, ULONG rc, const char *what)
{
  sd_fstate_set(f, st, SD_ST_UNREADABLE, (uint32_t)rc, "%s: %s", what,
                ldap_text(f, rc));
}

/* An LDAP v3 session to host:port, referrals off, the job's server time
 * limit, connected within the job's connect timeout; arec_exclusive: host
 * is one computer's name, not a domain to locate a DC of.  *ld is NULL
 * when ldap_init failed (host NULL counts as that), else the session, also
 * when the connect failed (the caller unbinds it); returns the connect's
 * LDAP code, or LdapGetLastError() after a failed ldap_init. */
static ULONG session_open(ad_job *j, wchar_t *host, ULONG port,
                       int arec_exclusive, LDAP **ld)
{
  struct l_timeval tv;
  ULONG v3 = LDAP_VERSION3;
  *ld = host ? ldap_initW(host, port) : NULL;
  if(!*ld)
    return LdapGetLastError();
  ldap_set_optionW(*ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
  ldap_set_optionW(*ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  ldap_set_optionW(*ld, LDAP_OPT_TIMELIMIT, &j->search_s);
  if(arec_exclusive)
    ldap_set_optionW(*ld, LDAP_OPT_AREC_EXCLUSIVE, LDAP_OPT_ON);
  tv.tv_sec = (LONG)j->connect_s;
  tv.tv_usec = 0;
  return ldap_connect(*ld, &tv);
}

/* The first string value of attr in entry, UTF-8 in the arena. */
static const char *first_value(ad_job *j, LDAPMessage *e, const wchar_t *attr)
{
  PWCHAR *v = ldap_get_valuesW(j->ld, e, (PWCHAR)attr);
  const char *s = NULL;
  if(v) {
    if(v[0])
      s = sd_wide_to_arena(&j->out, v[0], -1);
    ldap_value_freeW(v);
  }
  return s;
}

static int parse_int(const char *s, int64_t *out)
{
  int64_t v = 0;
  int neg = 0, digits = 0;
  if(!s)
    return -1;
  if(*s == '-') {
    neg = 1;
    s++;
  }
  while(*s >= '0' && *s <= '9' && digits < 18) {
    v = v * 10 + (*s++ - '0');
    digits++;
  }
  if(!digits || *s)
    return -1;
  *out = neg ? -v : v;
  return 0;
}

static int int_or(const char *s, int dflt)
{
  int64_t v;
  if(parse_int(s, &v) || v < -1000000 || v > 1000000)
    return dflt;
  return (int)v;
}

/* "20261126080005.0Z" -> sd_time, or SD_TIME_NONE. */
static sd_time generalized_time(const char *s)
{
  unsigned v[6] = {0};
  static const int width[6] = {4, 2, 2, 2, 2, 2};
  size_t i;
  int k;
  if(!s)
    return SD_TIME_NONE;
  for(i = 0; i < 6; i++) {
    for(k = 0; k < width[i]; k++) {
      if(*s < '0' || *s > '9')
        return SD_TIME_NONE;
      v[i] = v[i] * 10 + (unsigned)(*s++ - '0');
    }
  }
  if(v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
     v[4] > 59 || v[5] > 60)
    return SD_TIME_NONE;
  return sd_time_from_civil(v[0], v[1], v[2], v[3], v[4], v[5]);
}

/* Split a DN into RDNs (respecting backslash escapes): returns the start
 * of the RDN after the first unescaped comma, or NULL. */
static const char *dn_parent(const char *dn)
{
  const char *p = dn;
  while(p && *p) {
    if(*p == '\\' && p[1]) {
      p += 2;
      continue;
    }
    if(*p == ',')
      return p + 1;
    p++;
  }
  return NULL;
}

/* The value of the RDN starting at dn ("CN=Default-First-Site-Name,..."). */
static const char *rdn_value(sd_facts *f, const char *dn)
{
  const char *eq = dn ? strchr(dn, '=') : NULL;
  const char *end;
  if(!eq)
    return NULL;
  end = dn_parent(eq);
  return sd_arena_strndup(&f->arena, eq + 1,
                          end ? (size_t)(end - 1 - (eq + 1)) : strlen(eq + 1));
}

/* "DC=contoso,DC=com" (anywhere in dn) -> "contoso.com". */
static const char *dn_to_dns(sd_facts *f, const char *dn)
{
  sd_buf b;
  const char *p = dn, *s;
  if(!dn)
    return NULL;
  sd_buf_init(&b);
  while(p && *p) {
    if(sd_strnieq(p, "DC=", 3)) {
      const char *end = dn_parent(p);
      size_t n = end ? (size_t)(end - 1 - (p + 3)) : strlen(p + 3);
      if(b.len)
        sd_buf_putc(&b, '.');
      sd_buf_put(&b, p + 3, n);
    }
    p = dn_parent(p);
  }
  s = b.len ? sd_arena_strdup(&f->arena, b.data) : NULL;
  sd_buf_free(&b);
  return s;
}

static ULONG search_on(ad_job *j, LDAP *ld, const char *base, ULONG scope,
                       const wchar_t *filter, const wchar_t *const *attrs,
                       LDAPMessage **res)
{
  struct l_timeval tv;
  wchar_t *wbase = sd_utf8_to_wide(base ? base : "");
  ULONG rc;
  *res = NULL;
  if(!wbase)
    return LDAP_PARAM_ERROR;
  tv.tv_sec = (LONG)j->search_s;
  tv.tv_usec = 0;
  rc = ldap_search_ext_sW(ld, wbase, scope, (PWCHAR)filter,
                          (PWCHAR *)attrs, 0, NULL, NULL, &tv, MAX_OBJECTS,
                          res);
  free(wbase);
  if(rc == LDAP_SIZELIMIT_EXCEEDED)
    rc = LDAP_SUCCESS;
  if(rc != LDAP_SUCCESS && *res) {
    ldap_msgfree(*res);
    *res = NULL;
  }
  return rc;
}

static ULONG search(ad_job *j, const char *base, ULONG scope,
                    const wchar_t *filter, const wchar_t *const *attrs,
                    LDAPMessage **res)
{
  return search_on(j, j->ld, base, scope, filter, attrs, res);
}

/* A binary SID value as "S-1-5-21-...", or NULL. */
static const char *sid_text(sd_facts *f, const struct berval *bv)
{
  LPWSTR s = NULL;
  const char *out;
  if(!bv || bv->bv_len < 8 || !IsValidSid((PSID)bv->bv_val) ||
     GetLengthSid((PSID)bv->bv_val) > bv->bv_len)
    return NULL;
  if(!ConvertSidToStringSidW((PSID)bv->bv_val, &s))
    return NULL;
  out = sd_wide_to_arena(f, s, -1);
  LocalFree(s);
  return out;
}

static const char *object_sid(ad_job *j, const char *dn, sd_fstate *st)
{
  static const wchar_t *const attrs[] = {L"objectSid", NULL};
  LDAPMessage *res = NULL, *e;
  struct berval **v;
  const char *s = NULL;
  ULONG rc = search(j, dn, LDAP_SCOPE_BASE, L"(objectClass=*)", attrs, &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, st, rc, sd_arena_printf(&j->out.arena, "reading "
                                              "objectSid of %s", dn));
    return NULL;
  }
  e = ldap_first_entry(j->ld, res);
  v = e ? ldap_get_values_lenW(j->ld, e, L"objectSid") : NULL;
  if(v && v[0])
    s = sid_text(&j->out, v[0]);
  if(v)
    ldap_value_free_len(v);
  ldap_msgfree(res);
  if(s)
    sd_fstate_set(&j->out, st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(&j->out, st, SD_ST_UNREADABLE, 0, "%s has no readable "
                  "objectSid", dn);
  return s;
}

/* ---- the steps ---- */

static void read_rootdse(ad_job *j)
{
  static const wchar_t *const attrs[] = {
    L"dnsHostName", L"dsServiceName", L"defaultNamingContext",
    L"configurationNamingContext", L"schemaNamingContext",
    L"rootDomainNamingContext", L"forestFunctionality",
    L"domainFunctionality", L"domainControllerFunctionality",
    L"isSynchronized", L"isGlobalCatalogReady", L"currentTime", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  ULONG rc;
  j->step = "reading the rootDSE";
  rc = search(j, "", LDAP_SCOPE_BASE, L"(objectClass=*)", attrs, &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->rootdse_st, rc, "reading the rootDSE");
    return;
  }
  e = ldap_first_entry(j->ld, res);
  if(!e) {
    sd_fstate_set(&j->out, &ad->rootdse_st, SD_ST_UNREADABLE, 0, "the "
                  "rootDSE search returned no entry");
    ldap_msgfree(res);
    return;
  }
  ad->dns_host_name = first_value(j, e, L"dnsHostName");
  ad->ds_service_name = first_value(j, e, L"dsServiceName");
  ad->default_nc = first_value(j, e, L"defaultNamingContext");
  ad->config_nc = first_value(j, e, L"configurationNamingContext");
  ad->schema_nc = first_value(j, e, L"schemaNamingContext");
  ad->root_domain_nc = first_value(j, e, L"rootDomainNamingContext");
  ad->forest_level = int_or(first_value(j, e, L"forestFunctionality"), -1);
  ad->domain_level = int_or(first_value(j, e, L"domainFunctionality"), -1);
  ad->dc_level = int_or(first_value(j, e, L"domainControllerFunctionality"),
                        -1);
  ad->is_synchronized = first_value(j, e, L"isSynchronized");
  ad->is_gc_ready = first_value(j, e, L"isGlobalCatalogReady");
  ad->dc_time = generalized_time(first_value(j, e, L"currentTime"));
  ldap_msgfree(res);
  if(!ad->default_nc || !ad->config_nc || !ad->schema_nc)
    sd_fstate_set(&j->out, &ad->rootdse_st, SD_ST_UNREADABLE, 0, "the "
                  "rootDSE does not name the domain, configuration and "
                  "schema partitions (is this an Active Directory domain "
                  "controller?)");
  else
    sd_fstate_set(&j->out, &ad->rootdse_st, SD_ST_READ, 0, NULL);
}

static void read_schema_version(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"rangeUpper", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *dn, *v;
  int64_t n;
  ULONG rc;
  j->step = "reading the schema version";
  dn = sd_arena_printf(&j->out.arena, "CN=ms-Exch-Schema-Version-Pt,%s",
                       ad->schema_nc);
  rc = search(j, dn, LDAP_SCOPE_BASE, L"(objectClass=*)", attrs, &res);
  if(rc == LDAP_NO_SUCH_OBJECT) {
    sd_fstate_set(&j->out, &ad->schema_st, SD_ST_ABSENT, 0, "%s does not "
                  "exist: the schema was never extended for Exchange", dn);
    return;
  }
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->schema_st, rc, sd_arena_printf(&j->out.arena,
              "reading %s", dn));
    return;
  }
  e = ldap_first_entry(j->ld, res);
  v = e ? first_value(j, e, L"rangeUpper") : NULL;
  ldap_msgfree(res);
  if(!e) {
    sd_fstate_set(&j->out, &ad->schema_st, SD_ST_ABSENT, 0, "%s does not "
                  "exist: the schema was never extended for Exchange", dn);
    return;
  }
  if(parse_int(v, &n)) {
    sd_fstate_set(&j->out, &ad->schema_st, SD_ST_UNREADABLE, 0, "%s has %s "
                  "rangeUpper", dn, v ? "an unreadable" : "no readable");
    return;
  }
  ad->schema_version = n;
  sd_fstate_set(&j->out, &ad->schema_st, SD_ST_READ, 0, NULL);
}

/* Objects with objectVersion under base (one level) matching filter. */
static void read_versions(ad_job *j, const char *base, const wchar_t *filter,
                          sd_fstate *st, sd_ad_object **items, size_t *count,
                          size_t *cap, const char *what)
{
  static const wchar_t *const attrs[] = {L"objectVersion", NULL};
  LDAPMessage *res = NULL, *e;
  ULONG rc = search(j, base, LDAP_SCOPE_ONELEVEL, filter, attrs, &res);
  if(rc == LDAP_NO_SUCH_OBJECT) {
    sd_fstate_set(&j->out, st, SD_ST_READ, 0, "%s does not exist", base);
    return;
  }
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, st, rc, sd_arena_printf(&j->out.arena, "searching "
                                              "%s under %s", what, base));
    return;
  }
  for(e = ldap_first_entry(j->ld, res); e && *count < MAX_OBJECTS;
      e = ldap_next_entry(j->ld, e)) {
    sd_ad_object *o;
    PWCHAR wdn = ldap_get_dnW(j->ld, e);
    const char *v = first_value(j, e, L"objectVersion");
    int64_t n;
    *items = sd_grow(*items, cap, *count, sizeof(**items));
    o = &(*items)[(*count)++];
    memset(o, 0, sizeof(*o));
    o->object_version = -1;
    if(wdn) {
      o->dn = sd_wide_to_arena(&j->out, wdn, -1);
      ldap_memfreeW(wdn);
    }
    if(!v)
      sd_fstate_set(&j->out, &o->version_st, SD_ST_ABSENT, 0, "no "
                    "objectVersion");
    else if(parse_int(v, &n))
      sd_fstate_set(&j->out, &o->version_st, SD_ST_UNREADABLE, 0,
                    "objectVersion \"%s\" is not a number", v);
    else {
      o->object_version = n;
      sd_fstate_set(&j->out, &o->version_st, SD_ST_READ, 0, NULL);
    }
  }
  ldap_msgfree(res);
  sd_fstate_set(&j->out, st, SD_ST_READ, 0, NULL);
}

static void read_exchange_objects(ad_job *j)
{
  sd_ad_facts *ad = &j->out.exchange.ad;
  const char *base;
  j->step = "reading the organization";
  base = sd_arena_printf(&j->out.arena, "CN=Microsoft Exchange,CN=Services,"
                         "%s", ad->config_nc);
  read_versions(j, base, L"(objectClass=msExchOrganizationContainer)",
                &ad->org_st, &ad->orgs, &ad->norgs, &ad->cap_orgs,
                "the organization");
  j->step = "reading Microsoft Exchange System Objects";
  read_versions(j, ad->default_nc,
                L"(|(objectClass=msExchSystemObjectsContainer)"
                L"(cn=Microsoft Exchange System Objects*))",
                &ad->meso_st, &ad->mesos, &ad->nmesos, &ad->cap_mesos,
                "Microsoft Exchange System Objects");
}

/* Can the schema master be asked at all?  An anonymous rootDSE read with
 * the connect and search timeouts. */
static void probe_schema_master(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"dnsHostName", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  wchar_t *host;
  LDAP *ld;
  struct l_timeval tv;
  ULONG rc;
  LDAPMessage *res = NULL;
  if(ad->dns_host_name && sd_strieq(ad->dns_host_name, ad->fsmo_dns_host)) {
    sd_fstate_set(&j->out, &ad->fsmo_reach_st, SD_ST_READ, 0, "it is the "
                  "domain controller that was queried");
    return;
  }
  j->step = "probing the schema master";
  host = sd_utf8_to_wide(ad->fsmo_dns_host);
  rc = session_open(j, host, LDAP_PORT, 0, &ld);
  free(host);
  if(!ld) {
    ldap_fail(&j->out, &ad->fsmo_reach_st, rc, "ldap_init");
    return;
  }
  if(rc == LDAP_SUCCESS) {
    tv.tv_sec = (LONG)j->search_s;
    rc = ldap_search_ext_sW(ld, (PWCHAR)L"", LDAP_SCOPE_BASE,
                            (PWCHAR)L"(objectClass=*)", (PWCHAR *)attrs, 0,
                            NULL, NULL, &tv, 1, &res);
    if(res)
      ldap_msgfree(res);
  }
  if(rc == LDAP_SUCCESS)
    sd_fstate_set(&j->out, &ad->fsmo_reach_st, SD_ST_READ, 0, NULL);
  else
    ldap_fail(&j->out, &ad->fsmo_reach_st, rc, sd_arena_printf(
              &j->out.arena, "connecting to %s:389", ad->fsmo_dns_host));
  ldap_unbind(ld);
}

/* The operating system of the computer object dn (a DC): name, version
 * and service pack, with st saying whether they could be read. */
static void read_computer_os(ad_job *j, const char *dn, const char **os,
                             const char **version, const char **sp,
                             sd_fstate *st)
{
  static const wchar_t *const os_attrs[] = {L"operatingSystem",
                                            L"operatingSystemVersion",
                                            L"operatingSystemServicePack",
                                            NULL};
  LDAPMessage *res = NULL, *e;
  ULONG rc = search(j, dn, LDAP_SCOPE_BASE, L"(objectClass=*)", os_attrs,
                    &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, st, rc, sd_arena_printf(&j->out.arena,
              "reading %s (it may be in another domain)", dn));
    return;
  }
  e = ldap_first_entry(j->ld, res);
  if(e) {
    *os = first_value(j, e, L"operatingSystem");
    *version = first_value(j, e, L"operatingSystemVersion");
    *sp = first_value(j, e, L"operatingSystemServicePack");
  }
  ldap_msgfree(res);
  if(*os)
    sd_fstate_set(&j->out, st, SD_ST_READ, 0, NULL);
  else
    sd_fstate_set(&j->out, st, SD_ST_UNREADABLE, 0, "%s has no readable "
                  "operatingSystem", dn);
}

static void read_schema_master(ad_job *j)
{
  static const wchar_t *const fsmo_attrs[] = {L"fSMORoleOwner", NULL};
  static const wchar_t *const srv_attrs[] = {L"dNSHostName",
                                             L"serverReference", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *server_dn, *servers;
  ULONG rc;
  j->step = "reading the schema master";
  rc = search(j, ad->schema_nc, LDAP_SCOPE_BASE, L"(objectClass=*)",
              fsmo_attrs, &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->fsmo_st, rc, "reading fSMORoleOwner of the "
              "schema partition");
    return;
  }
  e = ldap_first_entry(j->ld, res);
  ad->fsmo_owner = e ? first_value(j, e, L"fSMORoleOwner") : NULL;
  ldap_msgfree(res);
  if(!ad->fsmo_owner) {
    sd_fstate_set(&j->out, &ad->fsmo_st, SD_ST_UNREADABLE, 0, "the schema "
                  "partition has no readable fSMORoleOwner");
    return;
  }
  sd_fstate_set(&j->out, &ad->fsmo_st, SD_ST_READ, 0, NULL);
  /* NTDS Settings -> server object -> "Servers" -> site. */
  server_dn = dn_parent(ad->fsmo_owner);
  servers = server_dn ? dn_parent(server_dn) : NULL;
  if(servers && sd_strnieq(servers, "CN=Servers,", 11))
    ad->fsmo_site = rdn_value(&j->out, servers + 11);
  if(!server_dn) {
    sd_fstate_set(&j->out, &ad->fsmo_server_st, SD_ST_UNREADABLE, 0,
                  "fSMORoleOwner is not a distinguished name");
    return;
  }
  rc = search(j, server_dn, LDAP_SCOPE_BASE, L"(objectClass=*)", srv_attrs,
              &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->fsmo_server_st, rc, sd_arena_printf(
              &j->out.arena, "reading %s", server_dn));
    return;
  }
  e = ldap_first_entry(j->ld, res);
  if(e) {
    ad->fsmo_dns_host = first_value(j, e, L"dNSHostName");
    ad->fsmo_computer_dn = first_value(j, e, L"serverReference");
  }
  ldap_msgfree(res);
  sd_fstate_set(&j->out, &ad->fsmo_server_st, SD_ST_READ, 0, NULL);
  if(ad->fsmo_computer_dn)
    ad->fsmo_domain = dn_to_dns(&j->out, ad->fsmo_computer_dn);
  if(ad->fsmo_dns_host)
    probe_schema_master(j);
  else
    sd_fstate_set(&j->out, &ad->fsmo_reach_st, SD_ST_UNREADABLE, 0, "the "
                  "schema master's server object has no dNSHostName");
  if(!ad->fsmo_computer_dn) {
    sd_fstate_set(&j->out, &ad->fsmo_os_st, SD_ST_UNREADABLE, 0, "the "
                  "schema master's server object has no serverReference");
    return;
  }
  j->step = "reading the schema master's operating system";
  read_computer_os(j, ad->fsmo_computer_dn, &ad->fsmo_os, &ad->fsmo_os_version,
                   &ad->fsmo_os_sp, &ad->fsmo_os_st);
}

static void read_domain(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"nTMixedDomain",
                                         L"msDS-Behavior-Version", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *mixed = NULL, *beh = NULL;
  ULONG rc;
  j->step = "reading the domain mode";
  ad->nt_mixed_domain = -1;
  ad->domain_behavior = -1;
  ad->domain_dns = dn_to_dns(&j->out, ad->default_nc);
  rc = search(j, ad->default_nc, LDAP_SCOPE_BASE, L"(objectClass=*)", attrs,
              &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->domain_mode_st, rc, "reading the domain object");
  }
  else {
    e = ldap_first_entry(j->ld, res);
    if(e) {
      mixed = first_value(j, e, L"nTMixedDomain");
      beh = first_value(j, e, L"msDS-Behavior-Version");
    }
    ldap_msgfree(res);
    ad->nt_mixed_domain = int_or(mixed, -1);
    ad->domain_behavior = int_or(beh, -1);
    if(ad->nt_mixed_domain < 0 && ad->domain_level >= 2)
      ad->nt_mixed_domain = 0; /* 0 at level >= 2003 (facts §4.2) */
    if(ad->nt_mixed_domain < 0)
      sd_fstate_set(&j->out, &ad->domain_mode_st, SD_ST_UNREADABLE, 0,
                    "the domain object has no readable nTMixedDomain");
    else
      sd_fstate_set(&j->out, &ad->domain_mode_st, SD_ST_READ, 0, NULL);
  }
  j->step = "reading the domain SIDs";
  ad->domain_sid = object_sid(j, ad->default_nc, &ad->domain_sid_st);
  if(ad->root_domain_nc && !sd_strieq(ad->root_domain_nc, ad->default_nc)) {
    ad->root_domain_sid = object_sid(j, ad->root_domain_nc,
                                     &ad->root_sid_st);
  }
  else {
    ad->root_domain_sid = ad->domain_sid;
    ad->root_sid_st = ad->domain_sid_st;
  }
  ad->root_domain_dns = dn_to_dns(&j->out, ad->root_domain_nc);
}

static void read_user_groups(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"tokenGroupsGlobalAndUniversal",
                                         NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  const char *sid = j->user_sid;
  LDAPMessage *res = NULL, *e;
  struct berval **v;
  ULONG rc, i;
  j->step = "reading the user's groups";
  if(!sid) {
    sd_fstate_set(&j->out, &ad->user_groups_st, SD_ST_UNREADABLE, 0, "the "
                  "running user's SID could not be read");
    return;
  }
  /* The user's SID is the domain's SID plus one more part: compare up to
   * the dash, so S-1-5-21-1-2-3 does not claim S-1-5-21-1-2-34-500. */
  if(!ad->domain_sid || strncmp(sid, ad->domain_sid,
                                strlen(ad->domain_sid)) ||
     sid[strlen(ad->domain_sid)] != '-') {
    sd_fstate_set(&j->out, &ad->user_groups_st, SD_ST_ABSENT, 0, "%s is not "
                  "an account of this domain", sid);
    return;
  }
  rc = search(j, sd_arena_printf(&j->out.arena, "<SID=%s>", sid),
              LDAP_SCOPE_BASE, L"(objectClass=*)", attrs, &res);
  if(rc == LDAP_NO_SUCH_OBJECT) {
    sd_fstate_set(&j->out, &ad->user_groups_st, SD_ST_ABSENT, 0, "no object "
                  "with SID %s", sid);
    return;
  }
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->user_groups_st, rc, "reading "
              "tokenGroupsGlobalAndUniversal");
    return;
  }
  e = ldap_first_entry(j->ld, res);
  v = e ? ldap_get_values_lenW(j->ld, e,
                               (PWCHAR)L"tokenGroupsGlobalAndUniversal")
        : NULL;
  for(i = 0; v && v[i] && i < MAX_GROUPS; i++) {
    const char *s = sid_text(&j->out, v[i]);
    sd_exch_sid *g;
    if(!s)
      continue;
    ad->user_groups = sd_grow(ad->user_groups, &ad->cap_user_groups,
                              ad->nuser_groups, sizeof(*g));
    g = &ad->user_groups[ad->nuser_groups++];
    memset(g, 0, sizeof(*g));
    g->sid = s;
    g->enabled = 1;
  }
  if(v)
    ldap_value_free_len(v);
  ldap_msgfree(res);
  if(!e)
    sd_fstate_set(&j->out, &ad->user_groups_st, SD_ST_ABSENT, 0, "no object "
                  "with SID %s", sid);
  else
    sd_fstate_set(&j->out, &ad->user_groups_st, SD_ST_READ, 0, NULL);
}

static void read_local_site(ad_job *j)
{
  typedef DWORD(WINAPI * site_fn)(LPCWSTR, LPWSTR *);
  typedef DWORD(WINAPI * free_fn)(LPVOID);
  site_fn site = (site_fn)(void (*)(void))sd_proc("netapi32.dll",
                                                  "DsGetSiteNameW");
  free_fn bfree = (free_fn)(void (*)(void))sd_proc("netapi32.dll",
                                                   "NetApiBufferFree");
  sd_ad_facts *ad = &j->out.exchange.ad;
  LPWSTR name = NULL;
  DWORD rc;
  j->step = "reading this computer's site";
  if(!site || !bfree) {
    sd_fstate_set(&j->out, &ad->local_site_st, SD_ST_UNREADABLE, 0,
                  "DsGetSiteNameW is not available");
    return;
  }
  rc = site(NULL, &name);
  if(rc == ERROR_NO_SITENAME) {
    sd_fstate_set(&j->out, &ad->local_site_st, SD_ST_ABSENT, 0, "this "
                  "computer is in no Active Directory site");
    return;
  }
  if(rc != ERROR_SUCCESS || !name) {
    sd_fstate_os_error(&j->out, &ad->local_site_st, rc, "DsGetSiteNameW");
    return;
  }
  ad->local_site = sd_wide_to_arena(&j->out, name, -1);
  bfree(name);
  sd_fstate_set(&j->out, &ad->local_site_st, SD_ST_READ, 0, NULL);
}

/* Find a DC of this computer's domain (DsGetDcNameW, Windows 2000+). */
static int locate_dc(ad_job *j)
{
  typedef DWORD(WINAPI * dc_fn)(LPCWSTR, LPCWSTR, GUID *, LPCWSTR, ULONG,
                                PDOMAIN_CONTROLLER_INFOW *);
  typedef DWORD(WINAPI * free_fn)(LPVOID);
  dc_fn dc = (dc_fn)(void (*)(void))sd_proc("netapi32.dll", "DsGetDcNameW");
  free_fn bfree = (free_fn)(void (*)(void))sd_proc("netapi32.dll",
                                                   "NetApiBufferFree");
  sd_ad_facts *ad = &j->out.exchange.ad;
  PDOMAIN_CONTROLLER_INFOW info = NULL;
  const wchar_t *name;
  DWORD rc;
  j->step = "locating a domain controller";
  ad->dc_source = "located";
  if(!dc || !bfree) {
    sd_fstate_set(&j->out, &ad->st, SD_ST_UNREADABLE, 0, "DsGetDcNameW is "
                  "not available to locate a domain controller; name one "
                  "with --dc");
    return -1;
  }
  rc = dc(NULL, NULL, NULL, NULL,
          DS_DIRECTORY_SERVICE_REQUIRED | DS_RETURN_DNS_NAME, &info);
  if(rc != ERROR_SUCCESS || !info || !info->DomainControllerName) {
    char text[256];
    sd_os_error_text(rc, text, sizeof(text));
    sd_fstate_set(&j->out, &ad->st, SD_ST_UNREADABLE, rc, "no domain "
                  "controller could be located for this computer's domain "
                  "(DsGetDcNameW: %s); is the computer joined to a domain? "
                  "Name one with --dc", text);
    if(info)
      bfree(info);
    return -1;
  }
  name = info->DomainControllerName;
  while(*name == L'\\')
    name++;
  j->host = sd_xmalloc((wcslen(name) + 1) * sizeof(wchar_t));
  wcscpy(j->host, name);
  j->port = LDAP_PORT;
  bfree(info);
  return 0;
}

/* Bind ld with the job's credentials: the current logon (Negotiate), or
 * --ldap-user: a DN with a simple bind, DOMAIN\\user or user@domain with
 * Negotiate first and simple when the server or client cannot. */
static ULONG bind_as(ad_job *j, LDAP *ld, const char **method)
{
  ULONG rc;
  if(!j->user) {
    *method = "negotiate-logon";
    return ldap_bind_sW(ld, NULL, NULL, LDAP_AUTH_NEGOTIATE);
  }
  {
    int is_dn = wcschr(j->user, L'=') != NULL;
    rc = LDAP_AUTH_METHOD_NOT_SUPPORTED;
    if(!is_dn) {
      /* DOMAIN\\user or user@domain: Negotiate keeps the password off the
       * wire; a server (or client) without it falls back to simple. */
      SEC_WINNT_AUTH_IDENTITY_W id;
      wchar_t *bs = wcschr(j->user, L'\\');
      memset(&id, 0, sizeof(id));
      if(bs) {
        *bs = L'\0';
        id.Domain = (unsigned short *)j->user;
        id.DomainLength = (unsigned long)wcslen(j->user);
        id.User = (unsigned short *)(bs + 1);
      }
      else {
        id.User = (unsigned short *)j->user;
      }
      id.UserLength = (unsigned long)wcslen((wchar_t *)id.User);
      id.Password = (unsigned short *)j->password;
      id.PasswordLength = (unsigned long)j->password_len;
      id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
      *method = "negotiate";
      rc = ldap_bind_sW(ld, NULL, (PWCHAR)&id, LDAP_AUTH_NEGOTIATE);
      if(bs)
        *bs = L'\\';
    }
    if(rc != LDAP_SUCCESS && rc != LDAP_INVALID_CREDENTIALS &&
       rc != LDAP_SERVER_DOWN && rc != LDAP_TIMEOUT) {
      *method = "simple";
      rc = ldap_simple_bind_sW(ld, j->user, j->password);
    }
  }
  return rc;
}

static int connect_and_bind(ad_job *j)
{
  sd_ad_facts *ad = &j->out.exchange.ad;
  ULONG rc;
  const char *host8 = sd_wide_to_arena(&j->out, j->host, -1);
  ad->dc = j->port == LDAP_PORT
             ? host8
             : sd_arena_printf(&j->out.arena, "%s:%lu", host8,
                               (unsigned long)j->port);
  snprintf(j->dc_text, sizeof(j->dc_text), "%s", ad->dc);
  InterlockedExchange(&j->have_dc, 1);
  j->step = "connecting";
  rc = session_open(j, j->host, j->port,
                 ad->dc_source && !strcmp(ad->dc_source, "option"), &j->ld);
  if(!j->ld) {
    ldap_fail(&j->out, &ad->st, rc, sd_arena_printf(
              &j->out.arena, "ldap_init(%s)", ad->dc));
    return -1;
  }
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->st, rc, sd_arena_printf(&j->out.arena,
              "connecting to %s", ad->dc));
    return -1;
  }
  j->step = "binding";
  rc = bind_as(j, j->ld, &ad->bind_method);
  if(j->user)
    ad->bind_user = sd_wide_to_arena(&j->out, j->user, -1);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->st, rc, sd_arena_printf(&j->out.arena,
              "%s bind to %s%s%s", ad->bind_method, ad->dc,
              ad->bind_user ? " as " : "",
              ad->bind_user ? ad->bind_user : ""));
    return -1;
  }
  sd_fstate_set(&j->out, &ad->st, SD_ST_READ, 0, NULL);
  return 0;
}

/* ---- what a fresh installation needs besides the versions ----
 *
 * The global catalogs of this computer's site: nTDSDSA objects under
 * CN=<site>,CN=Sites,<config> whose options has NTDSDSA_OPT_IS_GC (0x1)
 * (MS-ADTS "nTDSDSA object" options; facts §4.3), each with the operating
 * system of its computer (server object -> serverReference).  And
 * msExchMixedMode of the organization (Exchange Server Analyzer "Exchange
 * Organization is in Mixed Mode", technet aa996151(v=exchg.80)). */
#define NTDSDSA_IS_GC_FILTER \
  L"(&(objectClass=nTDSDSA)(options:1.2.840.113556.1.4.803:=1))"
#define MAX_GCS 32

static void read_gc_os(ad_job *j, sd_ad_gc *g)
{
  static const wchar_t *const srv_attrs[] = {L"dNSHostName",
                                             L"serverReference", NULL};
  LDAPMessage *res = NULL, *e;
  const char *computer = NULL;
  ULONG rc = search(j, g->server_dn, LDAP_SCOPE_BASE, L"(objectClass=*)",
                    srv_attrs, &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &g->os_st, rc, sd_arena_printf(&j->out.arena,
              "reading %s", g->server_dn));
    return;
  }
  e = ldap_first_entry(j->ld, res);
  if(e) {
    g->dns_host = first_value(j, e, L"dNSHostName");
    computer = first_value(j, e, L"serverReference");
  }
  ldap_msgfree(res);
  if(!computer) {
    sd_fstate_set(&j->out, &g->os_st, SD_ST_UNREADABLE, 0, "%s has no "
                  "serverReference", g->server_dn);
    return;
  }
  read_computer_os(j, computer, &g->os, &g->os_version, &g->os_sp,
                   &g->os_st);
}

static void read_site_gcs(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"options", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *base;
  size_t i;
  ULONG rc;
  j->step = "reading the global catalogs of this computer's site";
  if(ad->local_site_st.state != SD_ST_READ || !ad->local_site) {
    sd_fstate_set(&j->out, &ad->gcs_st, SD_ST_UNREADABLE, 0, "this "
                  "computer's Active Directory site is not known (%s)",
                  sd_str_or(ad->local_site_st.why,
                            sd_state_name(ad->local_site_st.state)));
    return;
  }
  ad->gcs_site = ad->local_site;
  base = sd_arena_printf(&j->out.arena, "CN=%s,CN=Sites,%s", ad->local_site,
                         ad->config_nc);
  rc = search(j, base, LDAP_SCOPE_SUBTREE, NTDSDSA_IS_GC_FILTER, attrs,
              &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->gcs_st, rc, sd_arena_printf(&j->out.arena,
              "searching the global catalogs under %s", base));
    return;
  }
  for(e = ldap_first_entry(j->ld, res); e && ad->ngcs < MAX_GCS;
      e = ldap_next_entry(j->ld, e)) {
    sd_ad_gc *g;
    PWCHAR wdn = ldap_get_dnW(j->ld, e);
    const char *dn = wdn ? sd_wide_to_arena(&j->out, wdn, -1) : NULL;
    if(wdn)
      ldap_memfreeW(wdn);
    if(!dn || !dn_parent(dn))
      continue;
    ad->gcs = sd_grow(ad->gcs, &ad->cap_gcs, ad->ngcs, sizeof(*g));
    g = &ad->gcs[ad->ngcs++];
    memset(g, 0, sizeof(*g));
    g->server_dn = dn_parent(dn);
  }
  ldap_msgfree(res);
  sd_fstate_set(&j->out, &ad->gcs_st, SD_ST_READ, 0, NULL);
  for(i = 0; i < ad->ngcs; i++)
    read_gc_os(j, &ad->gcs[i]);
}

static void read_org_mode(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"msExchMixedMode", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *v;
  ULONG rc;
  ad->org_mixed_mode = -1;
  if(ad->org_st.state != SD_ST_READ || !ad->norgs || !ad->orgs[0].dn) {
    sd_fstate_set(&j->out, &ad->org_mixed_st,
                  ad->org_st.state == SD_ST_READ ? SD_ST_ABSENT
                                                 : SD_ST_UNREADABLE, 0,
                  ad->org_st.state == SD_ST_READ
                    ? "there is no Exchange organization"
                    : "the organization could not be read");
    return;
  }
  j->step = "reading the organization's mode";
  rc = search(j, ad->orgs[0].dn, LDAP_SCOPE_BASE, L"(objectClass=*)", attrs,
              &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->org_mixed_st, rc, sd_arena_printf(
              &j->out.arena, "reading msExchMixedMode of %s",
              ad->orgs[0].dn));
    return;
  }
  e = ldap_first_entry(j->ld, res);
  v = e ? first_value(j, e, L"msExchMixedMode") : NULL;
  ldap_msgfree(res);
  if(!v)
    sd_fstate_set(&j->out, &ad->org_mixed_st, SD_ST_ABSENT, 0, "%s has no "
                  "msExchMixedMode value", ad->orgs[0].dn);
  else if(sd_strieq(v, "TRUE") || sd_strieq(v, "FALSE")) {
    ad->org_mixed_mode = sd_strieq(v, "TRUE");
    sd_fstate_set(&j->out, &ad->org_mixed_st, SD_ST_READ, 0, NULL);
  }
  else
    sd_fstate_set(&j->out, &ad->org_mixed_st, SD_ST_UNREADABLE, 0,
                  "msExchMixedMode \"%s\" is not TRUE or FALSE", v);
}

/* ---- every domain of the forest ----
 *
 * The domains are the crossRef objects under CN=Partitions of the
 * configuration partition whose systemFlags has FLAG_CR_NTDS_DOMAIN (0x2)
 * (MS-ADTS 6.1.1.2.1.1.5 "crossRef objects" and the systemFlags table:
 * FLAG_CR_NTDS_NC 0x1, FLAG_CR_NTDS_DOMAIN 0x2); nCName names the domain
 * partition, dnsRoot its DNS name.  Each domain's Microsoft Exchange System
 * Objects container lives in that domain's partition, which only a DC of
 * that domain holds (a DC of another domain answers with a referral), so
 * each other domain is asked of a DC located by its DNS name. */
#define FLAG_CR_NTDS_DOMAIN_FILTER \
  L"(&(objectClass=crossRef)(systemFlags:1.2.840.113556.1.4.803:=2))"
#define MAX_DOMAINS 64

/* objectVersion of CN=Microsoft Exchange System Objects,<nc> on ld. */
static ULONG read_meso_on(ad_job *j, LDAP *ld, sd_ad_domain *d)
{
  static const wchar_t *const attrs[] = {L"objectVersion", NULL};
  LDAPMessage *res = NULL, *e;
  const char *v;
  int64_t n;
  ULONG rc;
  d->meso_dn = sd_arena_printf(&j->out.arena, "CN=Microsoft Exchange System "
                               "Objects,%s", d->nc);
  rc = search_on(j, ld, d->meso_dn, LDAP_SCOPE_BASE, L"(objectClass=*)",
                 attrs, &res);
  if(rc == LDAP_NO_SUCH_OBJECT) {
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_ABSENT, 0, "%s does not exist: "
                  "the domain was never prepared for Exchange", d->meso_dn);
    return rc;
  }
  if(rc != LDAP_SUCCESS)
    return rc;
  e = ldap_first_entry(ld, res);
  if(!e) {
    ldap_msgfree(res);
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_ABSENT, 0, "%s does not exist: "
                  "the domain was never prepared for Exchange", d->meso_dn);
    return LDAP_NO_SUCH_OBJECT;
  }
  {
    PWCHAR *vals = ldap_get_valuesW(ld, e, (PWCHAR)L"objectVersion");
    v = vals && vals[0] ? sd_wide_to_arena(&j->out, vals[0], -1) : NULL;
    if(vals)
      ldap_value_freeW(vals);
  }
  ldap_msgfree(res);
  if(!v)
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_UNREADABLE, 0, "%s has no "
                  "readable objectVersion", d->meso_dn);
  else if(parse_int(v, &n))
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_UNREADABLE, 0, "objectVersion "
                  "\"%s\" of %s is not a number", v, d->meso_dn);
  else {
    d->meso_version = n;
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_READ, 0, NULL);
  }
  return LDAP_SUCCESS;
}

/* Ask a DC of domain d itself (its DNS name locates one), with the same
 * credentials and limits, unless the time the caller waits is too short. */
static void read_meso_elsewhere(ad_job *j, sd_ad_domain *d, ULONG first_rc)
{
  ULONG rc;
  const char *method = "";
  wchar_t *host;
  LDAP *ld;
  long left = j->deadline_ms - (sd_monotonic_ms() - j->t0_ms);
  if(!d->dns || !*d->dns) {
    ldap_fail(&j->out, &d->meso_st, first_rc, sd_arena_printf(&j->out.arena,
              "reading %s (no dnsRoot to locate a DC of the domain)",
              d->meso_dn));
    return;
  }
  long avail_s = (left - (long)j->connect_s * 1000) / 1000 - 1;
  ULONG saved_search_s = j->search_s;
  if(avail_s < 1) {
    sd_fstate_set(&j->out, &d->meso_st, SD_ST_UNREADABLE, ERROR_TIMEOUT,
                  "not asked: %s does not hold domain %s, and the time "
                  "allowed for Active Directory was used up before a DC of "
                  "that domain could be asked (raise --timeout)",
                  sd_str_or(j->out.exchange.ad.dc, "the DC"), d->dns);
    return;
  }
  host = sd_utf8_to_wide(d->dns);
  rc = session_open(j, host, LDAP_PORT, 0, &ld);
  free(host);
  if(!ld) {
    ldap_fail(&j->out, &d->meso_st, rc, sd_arena_printf(
              &j->out.arena, "ldap_init(%s)", d->dns));
    return;
  }
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &d->meso_st, rc, sd_arena_printf(&j->out.arena,
              "connecting to a DC of %s", d->dns));
    ldap_unbind(ld);
    return;
  }
  rc = bind_as(j, ld, &method);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &d->meso_st, rc, sd_arena_printf(&j->out.arena,
              "%s bind to a DC of %s", method, d->dns));
    ldap_unbind(ld);
    return;
  }
  /* The search must end before the caller stops waiting. */
  if((ULONG)avail_s < j->search_s)
    j->search_s = (ULONG)avail_s;
  rc = read_meso_on(j, ld, d);
  j->search_s = saved_search_s;
  if(rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
    d->dc = d->dns;
  else
    ldap_fail(&j->out, &d->meso_st, rc, sd_arena_printf(&j->out.arena,
              "reading %s from a DC of %s", d->meso_dn, d->dns));
  ldap_unbind(ld);
}

static void read_forest_domains(ad_job *j)
{
  static const wchar_t *const attrs[] = {L"nCName", L"dnsRoot", NULL};
  sd_ad_facts *ad = &j->out.exchange.ad;
  LDAPMessage *res = NULL, *e;
  const char *base;
  size_t i;
  ULONG rc;
  j->step = "reading the forest's domains";
  base = sd_arena_printf(&j->out.arena, "CN=Partitions,%s", ad->config_nc);
  rc = search(j, base, LDAP_SCOPE_ONELEVEL, FLAG_CR_NTDS_DOMAIN_FILTER,
              attrs, &res);
  if(rc != LDAP_SUCCESS) {
    ldap_fail(&j->out, &ad->domains_st, rc, sd_arena_printf(&j->out.arena,
              "searching the crossRef objects under %s", base));
    return;
  }
  for(e = ldap_first_entry(j->ld, res); e && ad->ndomains < MAX_DOMAINS;
      e = ldap_next_entry(j->ld, e)) {
    sd_ad_domain *d;
    const char *nc = first_value(j, e, L"nCName");
    if(!nc)
      continue;
    ad->domains = sd_grow(ad->domains, &ad->cap_domains, ad->ndomains,
                          sizeof(*d));
    d = &ad->domains[ad->ndomains++];
    memset(d, 0, sizeof(*d));
    d->nc = nc;
    d->dns = first_value(j, e, L"dnsRoot");
    d->meso_version = -1;
  }
  ldap_msgfree(res);
  sd_fstate_set(&j->out, &ad->domains_st, SD_ST_READ, 0, NULL);
  for(i = 0; i < ad->ndomains; i++) {
    sd_ad_domain *d = &ad->domains[i];
    j->step = "reading each domain's Microsoft Exchange System Objects";
    if(!ad->default_nc || !sd_strieq(d->nc, ad->default_nc)) {
      /* Only a DC of that domain holds its partition: "no such object"
       * from this one would not mean "never prepared". */
      read_meso_elsewhere(j, d, LDAP_REFERRAL);
      continue;
    }
    rc = read_meso_on(j, j->ld, d);
    if(rc == LDAP_SUCCESS || rc == LDAP_NO_SUCH_OBJECT)
      d->dc = ad->dns_host_name ? ad->dns_host_name : ad->dc;
    else
      ldap_fail(&j->out, &d->meso_st, rc, sd_arena_printf(&j->out.arena,
                "reading %s", d->meso_dn));
  }
}

static void run_job(ad_job *j)
{
  sd_ad_facts *ad = &j->out.exchange.ad;
  if(!j->host && locate_dc(j))
    return;
  if(connect_and_bind(j))
    return;
  read_rootdse(j);
  if(ad->rootdse_st.state != SD_ST_READ) {
    sd_fstate *sts[] = {&ad->schema_st, &ad->org_st, &ad->meso_st,
                        &ad->domains_st, &ad->gcs_st, &ad->org_mixed_st,
                        &ad->fsmo_st, &ad->domain_mode_st,
                        &ad->domain_sid_st, &ad->root_sid_st};
    size_t i;
    for(i = 0; i < SD_COUNTOF(sts); i++)
      sd_fstate_set(&j->out, sts[i], SD_ST_UNREADABLE, 0, "the rootDSE "
                    "could not be read (%s)",
                    sd_str_or(ad->rootdse_st.why, "no reason"));
    return;
  }
  read_schema_version(j);
  read_exchange_objects(j);
  read_domain(j);
  read_schema_master(j);
  read_user_groups(j);
  read_local_site(j);
  read_org_mode(j);
  read_site_gcs(j);
  read_forest_domains(j);
  j->step = "finished";
}

static void ad_work(sd_job *job)
{
  ad_job *j = (ad_job *)job;
  run_job(j);
  if(j->ld) {
    ldap_unbind(j->ld);
    j->ld = NULL;
  }
}

/* "host", "host:port", "[v6]:port" -> host and port; -1 when malformed. */
static int parse_dc(const char *dc, wchar_t **host, ULONG *port)
{
  const char *colon, *start = dc, *end;
  char buf[300];
  unsigned long p = LDAP_PORT;
  if(!dc || !*dc || strlen(dc) >= sizeof(buf))
    return -1;
  if(*dc == '[') {
    start = dc + 1;
    end = strchr(start, ']');
    if(!end)
      return -1;
    colon = end[1] == ':' ? end + 1 : NULL;
    if(end[1] && !colon)
      return -1;
  }
  else {
    colon = strrchr(dc, ':');
    if(colon && strchr(dc, ':') != colon)
      colon = NULL; /* a bare IPv6 address */
    end = colon ? colon : dc + strlen(dc);
  }
  if(colon) {
    char *stop;
    p = strtoul(colon + 1, &stop, 10);
    if(!colon[1] || *stop || p == 0 || p > 65535)
      return -1;
  }
  if(end == start)
    return -1;
  memcpy(buf, start, (size_t)(end - start));
  buf[end - start] = '\0';
  *host = sd_utf8_to_wide(buf);
  if(!*host)
    return -1;
  *port = (ULONG)p;
  return 0;
}

/* The time the AD reader may take: half the run's --timeout, within the
 * floor and ceiling. */
static DWORD ad_deadline(const sd_options *o)
{
  long budget = (long)(o->timeout_s > 0 ? o->timeout_s : 60) * 1000 / 2;
  if(budget < DEADLINE_MIN_MS)
    budget = DEADLINE_MIN_MS;
  if(budget > DEADLINE_MAX_MS)
    budget = DEADLINE_MAX_MS;
  return (DWORD)budget;
}

/* The reader's job: who to bind as, where, and its timeouts; NULL (the
 * state set) when --dc is not HOST or HOST:PORT. */
static ad_job *ad_job_new(sd_facts *f, const sd_options *o, DWORD deadline,
                          long t0)
{
  ad_job *j = sd_xcalloc(1, sizeof(*j));
  sd_facts_init(&j->out);
  sd_job_init(&j->job, ad_work, ad_destroy);
  j->step = "starting";
  /* The host collector has read it from this process's token. */
  j->user_sid = sd_facts_str(&j->out, f->host.user_sid);
  j->connect_s = CONNECT_TIMEOUT_S;
  j->search_s = SEARCH_TIMEOUT_S;
  j->t0_ms = t0;
  j->deadline_ms = (long)deadline;
  if(j->connect_s * 1000 > deadline)
    j->connect_s = deadline / 1000 ? deadline / 1000 : 1;
  if(j->search_s * 1000 > deadline)
    j->search_s = deadline / 1000 ? deadline / 1000 : 1;
  if(o->dc) {
    j->out.exchange.ad.dc_source = "option";
    if(parse_dc(o->dc, &j->host, &j->port)) {
      sd_ad_facts *ad = &f->exchange.ad;
      sd_fstate_set(f, &ad->st, SD_ST_UNREADABLE, 0, "--dc \"%s\" is not "
                    "HOST or HOST:PORT", o->dc);
      ad->dc = sd_facts_str(f, o->dc);
      ad->dc_source = "option";
      job_release(j);
      return NULL;
    }
  }
  if(o->ldap_user) {
    j->user = sd_utf8_to_wide(o->ldap_user);
    j->password = sd_utf8_to_wide(o->ldap_password ? o->ldap_password : "");
    if(!j->password)
      j->password = sd_utf8_to_wide("");
    j->password_len = wcslen(j->password);
  }
  return j;
}

/* The reader did not finish in time: what it published, and why. */
static void ad_timed_out(sd_facts *f, const sd_options *o, ad_job *j,
                         DWORD deadline)
{
  sd_ad_facts *ad = &f->exchange.ad;
  /* Read only what the worker publishes for this case. */
  const char *step = j->step;
  ad->dc_source = o->dc ? "option" : "located";
  if(InterlockedCompareExchange(&j->have_dc, 1, 1))
    ad->dc = sd_facts_str(f, j->dc_text);
  else if(o->dc)
    ad->dc = sd_facts_str(f, o->dc);
  ad->bind_user = o->ldap_user ? sd_facts_str(f, o->ldap_user) : NULL;
  sd_fstate_set(f, &ad->st, SD_ST_UNREADABLE, ERROR_TIMEOUT, "no answer "
                "from %s within %lu seconds (timed out while %s)",
                ad->dc ? ad->dc : "the domain controller",
                (unsigned long)(deadline / 1000), step ? step : "waiting");
}

void sd_cw_ad(sd_facts *f, const sd_options *o)
{
  sd_ad_facts *ad = &f->exchange.ad;
  ad_job *j;
  int run;
  DWORD err = 0, deadline = ad_deadline(o);
  long t0 = sd_monotonic_ms();
  if(!o->dc && f->host.domain_st.state == SD_ST_READ &&
     !f->host.domain_joined) {
    sd_fstate_set(f, &ad->st, SD_ST_UNREADABLE, 0, "this computer is not "
                  "joined to a domain (workgroup %s), so there is no domain "
                  "controller to locate; name one with --dc",
                  sd_str_or(f->host.domain, "unknown"));
    ad->dc_source = "located";
    return;
  }
  j = ad_job_new(f, o, deadline, t0);
  if(!j)
    return;
  run = sd_job_run(&j->job, deadline, &err);
  if(run < 0) {
    sd_fstate_os_error(f, &ad->st, err, "CreateThread");
    job_release(j);
    return;
  }
  if(run == 0)
    sd_exch_ad_copy(f, ad, &j->out.exchange.ad);
  else
    ad_timed_out(f, o, j, deadline);
  ad->elapsed_ms = sd_monotonic_ms() - t0;
  job_release(j);
}
