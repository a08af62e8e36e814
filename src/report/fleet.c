/* fleet.c - the fleet's aggregation: newest report per host, stale
 * reports, counts, the Exchange 2007 SP2 upgrade plan and the OCS pools.
 * Pure: no I/O, no clock (the caller gives "now"). */
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/fleet.h"

/* Exchange 2007 server roles, as the role keys under
 * HKLM\SOFTWARE\Microsoft\Exchange\v8.0 name them (the check reports them
 * in EXCH-UPGRADE-PATH's "roles"; key names: ../shared/facts/exchange.md),
 * and the upgrade phase of each.  The order of an organisation's SP2
 * upgrade, as issue 13 states Microsoft's guidance for Exchange 2007 service
 * packs: Client Access servers first (internet-facing ones first), then Hub
 * Transport, Unified Messaging and Mailbox; Edge Transport, outside the
 * organisation's AD, on its own.  srvdoctor has not checked this order
 * against one Microsoft page: the table is the one place to correct it. */
static const struct {
  const char *key;
  sd_exch_phase phase;
} exch_roles[] = {
  {"ClientAccessRole", SD_PHASE_CAS},
  {"HubTransportRole", SD_PHASE_HUB},
  {"UnifiedMessagingRole", SD_PHASE_UM},
  {"MailboxRole", SD_PHASE_MBX},
  {"EdgeTransportRole", SD_PHASE_EDGE},
};

/* The codes of the exchange-sp2 check the plan reads (their verdicts are
 * the check's). */
#define C_UPGRADE "EXCH-UPGRADE-PATH"
#define C_DONE "EXCH-ALREADY-SP2"
#define C_PRERELEASE "EXCH-PRERELEASE"
#define C_UNKNOWN "EXCH-UNKNOWN"
#define C_SCHEMA_PREP "AD-SCHEMA-PREP-NEEDED"
#define C_ORG_PREP "AD-ORG-PREP-NEEDED"
#define C_DOMAIN_PREP "AD-DOMAIN-PREP-NEEDED"
/* ocs-kb974571: the findings whose remediation is OCSASNFix.exe. */
#define C_OCS_NONE "OCS-NOT-INSTALLED"
#define C_OCS_FE_DOWN "OCS-KB974571-FE-DOWN"
#define C_OCS_AT_RISK "OCS-KB974571-AT-RISK"
#define C_OCS_OK "OCS-OK"

const char *sd_exch_phase_name(sd_exch_phase p)
{
  static const char *const names[] = {"client-access", "hub-transport",
                                      "unified-messaging", "mailbox", "edge",
                                      "roles-unknown"};
  return (unsigned)p < SD_COUNTOF(names) ? names[p] : "roles-unknown";
}

const char *sd_exch_phase_title(sd_exch_phase p)
{
  static const char *const titles[] = {"Client Access", "Hub Transport",
                                       "Unified Messaging", "Mailbox",
                                       "Edge Transport", "roles not known"};
  return (unsigned)p < SD_COUNTOF(titles) ? titles[p] : "roles not known";
}

const char *sd_exch_state_name(sd_exch_state s)
{
  static const char *const names[] = {"ready", "blocked", "unknown", "done"};
  return (unsigned)s < SD_COUNTOF(names) ? names[s] : "unknown";
}

const char *sd_fleet_host_ev(const sd_fleet_host *h, const char *code,
                             const char *key)
{
  size_t i;
  for(i = 0; i < h->nev; i++)
    if((!code || !strcmp(h->ev[i].code, code)) && !strcmp(h->ev[i].key, key))
      return h->ev[i].val;
  return NULL;
}

const sd_fleet_module *sd_fleet_host_module(const sd_fleet_host *h,
                                            const char *id)
{
  size_t i;
  for(i = 0; i < h->nmodules; i++)
    if(!strcmp(h->modules[i].id, id))
      return &h->modules[i];
  return NULL;
}

static int has_code(const sd_fleet_module *m, const char *code)
{
  size_t i;
  for(i = 0; m && i < m->ncodes; i++)
    if(!strcmp(m->codes[i], code))
      return 1;
  return 0;
}

static const char *base_name(const char *p)
{
  const char *s = p, *q;
  for(q = p; *q; q++)
    if(*q == '/' || *q == '\\')
      s = q + 1;
  return s;
}

/* ---- newest report per host ---- */

/* Host names compare without ASCII case, as Windows computer names do. */
static int name_cmp(const char *a, const char *b)
{
  for(;; a++, b++) {
    int ca = (unsigned char)*a, cb = (unsigned char)*b;
    if(ca >= 'a' && ca <= 'z')
      ca -= 'a' - 'A';
    if(cb >= 'a' && cb <= 'z')
      cb -= 'a' - 'A';
    if(ca != cb || !ca)
      return ca - cb;
  }
}

static int cmp_newest(const void *a, const void *b)
{
  const sd_fleet_host *x = a, *y = b;
  int c = name_cmp(x->name, y->name);
  int lx, ly;
  if(c)
    return c;
  if(x->collected_at != y->collected_at)
    return x->collected_at > y->collected_at ? -1 : 1;
  /* The same report twice (latest.json beside its timestamped copy): name
   * the timestamped one. */
  lx = !strcmp(base_name(x->source), "latest.json");
  ly = !strcmp(base_name(y->source), "latest.json");
  if(lx != ly)
    return lx - ly;
  return strcmp(x->source, y->source);
}

static int cmp_severity(const void *a, const void *b)
{
  const sd_fleet_host *x = a, *y = b;
  int rx = sd_severity_rank(x->status), ry = sd_severity_rank(y->status);
  if(rx != ry)
    return ry - rx;
  return strcmp(x->name, y->name);
}

/* ---- Exchange plan ---- */
static unsigned roles_of(const char *text)
{
  unsigned bits = 0;
  size_t i;
  const char *p = text;
  while(p && *p) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    while(n && *p == ' ') {
      p++;
      n--;
    }
    for(i = 0; i < SD_COUNTOF(exch_roles); i++)
      if(strlen(exch_roles[i].key) == n &&
         sd_strnieq(p, exch_roles[i].key, n))
        bits |= 1u << exch_roles[i].phase;
    p = end ? end + 1 : NULL;
  }
  return bits;
}

static sd_exch_phase phase_of(unsigned roles)
{
  int p;
  if(roles & (1u << SD_PHASE_EDGE))
    return SD_PHASE_EDGE;
  for(p = SD_PHASE_CAS; p <= SD_PHASE_MBX; p++)
    if(roles & (1u << p))
      return (sd_exch_phase)p;
  return SD_PHASE_NONE;
}

/* Plan rank: to be upgraded, by phase (roles unknown after Mailbox, Edge
 * on its own at the end), then the servers already done. */
static int plan_rank(const sd_exch_server *s)
{
  if(s->state == SD_XS_DONE)
    return 100;
  if(s->phase == SD_PHASE_EDGE)
    return 50;
  return (int)s->phase;
}

static const sd_fleet *sort_fleet; /* qsort has no context argument */

static int cmp_server(const void *a, const void *b)
{
  const sd_exch_server *x = a, *y = b;
  int rx = plan_rank(x), ry = plan_rank(y);
  if(rx != ry)
    return rx - ry;
  return strcmp(sort_fleet->hosts[x->host].name,
                sort_fleet->hosts[y->host].name);
}

static void exch_server(sd_fleet *fl, size_t hi, sd_exch_server *s)
{
  const sd_fleet_host *h = &fl->hosts[hi];
  const sd_fleet_module *m = sd_fleet_host_module(h, "exchange-sp2");
  size_t i, nb = 0, nunk = 0;
  memset(s, 0, sizeof(*s));
  s->host = hi;
  s->roles_text = sd_fleet_host_ev(h, C_UPGRADE, "roles");
  s->roles = roles_of(s->roles_text);
  s->phase = phase_of(s->roles);
  s->build = sd_fleet_host_ev(h, C_UPGRADE, "installed_build");
  if(!s->build)
    s->build = sd_fleet_host_ev(h, C_DONE, "installed_build");
  if(!s->build)
    s->build = sd_fleet_host_ev(h, C_PRERELEASE, "installed_build");
  s->site = sd_fleet_host_ev(h, NULL, "computer_site");
  s->domain = sd_fleet_host_ev(h, NULL, "computer_domain");
  s->blockers = sd_arena_alloc(&fl->arena, (m->ncodes + 1) * sizeof(char *));
  for(i = 0; i < m->ncodes; i++) {
    sd_severity v = m->code_sev[i];
    if(v == SD_SEV_CRITICAL || v == SD_SEV_WARNING || v == SD_SEV_UNKNOWN) {
      size_t k;
      int dup = 0;
      for(k = 0; k < nb; k++)
        dup |= !strcmp(s->blockers[k], m->codes[i]);
      if(dup)
        continue;
      s->blockers[nb++] = m->codes[i];
      if(v == SD_SEV_UNKNOWN)
        nunk++;
    }
  }
  s->nblockers = nb;
  if(has_code(m, C_DONE))
    s->state = SD_XS_DONE;
  else if(h->stale) {
    s->state = SD_XS_UNKNOWN;
    s->why = h->age_s < 0 ? "the report has no collection time" :
             sd_arena_printf(&fl->arena, "the report is %lld hours old",
                             (long long)(h->age_s / 3600));
  }
  else if(nb > nunk)
    s->state = SD_XS_BLOCKED;
  else if(nb) {
    s->state = SD_XS_UNKNOWN;
    s->why = "srvdoctor could not check everything on this server";
  }
  else
    s->state = SD_XS_READY;
}

/* Is this host an Exchange 2007 server the plan covers? */
static int exch_member(const sd_fleet_host *h)
{
  const sd_fleet_module *m = sd_fleet_host_module(h, "exchange-sp2");
  const char *v8;
  if(!m || !m->applicable)
    return 0;
  if(has_code(m, C_UPGRADE) || has_code(m, C_DONE) ||
     has_code(m, C_PRERELEASE))
    return 1;
  /* Exchange 2007 is there (its v8.0 key was read) but its build not. */
  v8 = sd_fleet_host_ev(h, C_UNKNOWN, "v8_key");
  return has_code(m, C_UNKNOWN) && v8 && !strcmp(v8, "read");
}

/* AD values as each server's report gave them (the check's evidence),
 * and whether the reports agree.  Stale reports are left out: an old value
 * is not a disagreement. */
static const char *ad_value(const sd_fleet_host *h, const char *key)
{
  static const char *const codes[] = {"AD-READY", C_SCHEMA_PREP, C_ORG_PREP,
                                      C_DOMAIN_PREP, "AD-PARTIAL"};
  size_t i;
  for(i = 0; i < SD_COUNTOF(codes); i++) {
    const char *v = sd_fleet_host_ev(h, codes[i], key);
    if(v)
      return v;
  }
  return NULL;
}

/* Reorder claims so that each value's claims stand together, values in the
 * order they first appear, and mark the first claim of each value: every
 * writer then shows each value once with the servers that read it. */
static void group_claims(sd_fleet *fl, sd_ad_claim *claims, size_t n)
{
  sd_ad_claim *out = sd_arena_alloc(&fl->arena, (n + 1) * sizeof(*out));
  unsigned char *used = sd_arena_alloc(&fl->arena, n + 1);
  size_t i, j, k = 0;
  memset(used, 0, n + 1);
  for(i = 0; i < n; i++) {
    if(used[i])
      continue;
    for(j = i; j < n; j++) {
      if(used[j] || !sd_strieq(claims[j].value, claims[i].value))
        continue;
      used[j] = 1;
      out[k] = claims[j];
      out[k].starts_value = j == i;
      k++;
    }
  }
  memcpy(claims, out, n * sizeof(*claims));
}

static void compare(sd_fleet *fl, const char *key, const char *scope_key,
                    const char *scope)
{
  sd_exch_plan *p = &fl->exch;
  sd_ad_claim *claims;
  size_t i, n = 0;
  int differ = 0;
  claims = sd_arena_alloc(&fl->arena, (p->nservers + 1) * sizeof(*claims));
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    const char *v;
    if(h->stale)
      continue;
    if(scope_key) {
      const char *sc = sd_fleet_host_ev(h, NULL, scope_key);
      if(!sc || !sd_strieq(sc, scope))
        continue;
    }
    v = ad_value(h, key);
    if(!v)
      continue;
    if(n && !sd_strieq(v, claims[0].value))
      differ = 1;
    claims[n].host = p->servers[i].host;
    claims[n].value = v;
    claims[n].starts_value = 0;
    n++;
  }
  if(!differ)
    return;
  group_claims(fl, claims, n);
  p->disagree = sd_xrealloc(p->disagree,
                            (p->ndisagree + 1) * sizeof(*p->disagree));
  p->disagree[p->ndisagree].what =
    scope ? sd_arena_printf(&fl->arena, "%s (domain %s)", key, scope) : key;
  p->disagree[p->ndisagree].claims = claims;
  p->disagree[p->ndisagree].nclaims = n;
  p->ndisagree++;
}

static int disagrees(const sd_exch_plan *p, const char *key)
{
  size_t i;
  for(i = 0; i < p->ndisagree; i++)
    if(!strcmp(p->disagree[i].what, key))
      return 1;
  return 0;
}

/* The value all fresh reports agree on, or NULL. */
static const char *agreed(const sd_fleet *fl, const char *key)
{
  const sd_exch_plan *p = &fl->exch;
  size_t i;
  if(disagrees(p, key))
    return NULL;
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    const char *v = h->stale ? NULL : ad_value(h, key);
    if(v)
      return v;
  }
  return NULL;
}

static int any_code(const sd_fleet *fl, const char *code)
{
  const sd_exch_plan *p = &fl->exch;
  size_t i;
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    if(!h->stale &&
       has_code(sd_fleet_host_module(h, "exchange-sp2"), code))
      return 1;
  }
  return 0;
}

static void build_plan(sd_fleet *fl)
{
  sd_exch_plan *p = &fl->exch;
  size_t i, k, n = 0;
  const char **doms;
  for(i = 0; i < fl->nhosts; i++)
    n += exch_member(&fl->hosts[i]);
  if(!n)
    return;
  p->servers = sd_arena_alloc(&fl->arena, n * sizeof(*p->servers));
  for(i = 0; i < fl->nhosts; i++)
    if(exch_member(&fl->hosts[i]))
      exch_server(fl, i, &p->servers[p->nservers++]);
  sort_fleet = fl;
  if(p->nservers > 1)
    qsort(p->servers, p->nservers, sizeof(*p->servers), cmp_server);
  sort_fleet = NULL;

  /* Forest-wide values, then each domain's system-objects container. */
  compare(fl, "schema_version", NULL, NULL);
  compare(fl, "org_version", NULL, NULL);
  compare(fl, "schema_master", NULL, NULL);
  doms = sd_arena_alloc(&fl->arena, (p->nservers + 1) * sizeof(char *));
  for(i = 0, n = 0; i < p->nservers; i++) {
    const char *d = sd_fleet_host_ev(&fl->hosts[p->servers[i].host], NULL,
                                     "computer_domain");
    int seen = 0;
    for(k = 0; d && k < n; k++)
      seen |= sd_strieq(doms[k], d);
    if(d && !seen) {
      doms[n++] = d;
      compare(fl, "meso_version", "computer_domain", d);
    }
  }

  p->prepare_schema = disagrees(p, "schema_version") ? -1 :
                      any_code(fl, C_SCHEMA_PREP);
  p->prepare_ad = disagrees(p, "org_version") ? -1 : any_code(fl, C_ORG_PREP);
  p->prepare_domains = sd_arena_alloc(&fl->arena,
                                      (p->nservers + 1) * sizeof(char *));
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    const char *d = h->stale ? NULL : sd_fleet_host_ev(h, C_DOMAIN_PREP,
                                                       "domain");
    int seen = 0;
    for(k = 0; d && k < p->nprepare_domains; k++)
      seen |= sd_strieq(p->prepare_domains[k], d);
    if(d && !seen)
      p->prepare_domains[p->nprepare_domains++] = d;
  }
  p->schema_master = agreed(fl, "schema_master");
  p->schema_master_site = agreed(fl, "schema_master_site");
  p->schema_master_domain = agreed(fl, "schema_master_domain");
  p->run_on = sd_arena_alloc(&fl->arena, (p->nservers + 1) * sizeof(size_t));
  if(p->schema_master_site)
    for(i = 0; i < p->nservers; i++) {
      const sd_exch_server *s = &p->servers[i];
      if(s->phase == SD_PHASE_EDGE || !s->site ||
         !sd_strieq(s->site, p->schema_master_site))
        continue;
      if(p->schema_master_domain &&
         (!s->domain || !sd_strieq(s->domain, p->schema_master_domain)))
        continue;
      p->run_on[p->nrun_on++] = s->host;
    }
}

/* ---- OCS pools ---- */
static const char *pool_key(sd_fleet *fl, const sd_fleet_host *h, int *named)
{
  const char *pool = sd_fleet_host_ev(h, NULL, "pool");
  const char *edition = sd_fleet_host_ev(h, NULL, "edition");
  const char *product = sd_fleet_host_ev(h, NULL, "product");
  *named = pool != NULL;
  if(pool)
    return pool;
  /* The reports do not name the pool (srvdoctor does not collect it): a
   * Standard Edition server is a pool of its own; Enterprise Edition Front
   * Ends of the same product are shown together. */
  if(edition && sd_strieq(edition, "Standard"))
    return sd_arena_printf(&fl->arena, "%s (Standard Edition, a pool of "
                           "its own)", h->name);
  return sd_arena_printf(&fl->arena, "%s, %s Edition Front Ends (pool name "
                         "not in the reports)",
                         sd_str_or(product, "OCS"),
                         sd_str_or(edition, "unknown"));
}

static void build_pools(sd_fleet *fl)
{
  size_t i, k;
  const char **keys = sd_arena_alloc(&fl->arena,
                                     (fl->nhosts + 1) * sizeof(char *));
  size_t *pool_of = sd_xcalloc(fl->nhosts + 1, sizeof(size_t));
  int *member = sd_xcalloc(fl->nhosts + 1, sizeof(int));
  fl->pools = sd_arena_alloc(&fl->arena, (fl->nhosts + 1) *
                             sizeof(*fl->pools));
  for(i = 0; i < fl->nhosts; i++) {
    const sd_fleet_host *h = &fl->hosts[i];
    const sd_fleet_module *m = sd_fleet_host_module(h, "ocs-kb974571");
    int named;
    const char *key;
    /* A Front End: the check named its product, or judged its service. */
    if(!m || !m->applicable || !m->ncodes ||
       (!sd_fleet_host_ev(h, NULL, "product") && !has_code(m, C_OCS_OK) &&
        !has_code(m, C_OCS_FE_DOWN) && !has_code(m, C_OCS_AT_RISK) &&
        !has_code(m, "OCS-FE-DOWN")) || has_code(m, C_OCS_NONE))
      continue;
    key = pool_key(fl, h, &named);
    for(k = 0; k < fl->npools; k++)
      if(sd_strieq(keys[k], key))
        break;
    if(k == fl->npools) {
      keys[k] = key;
      fl->pools[k].name = key;
      fl->pools[k].named = named;
      fl->npools++;
    }
    pool_of[i] = k;
    member[i] = 1;
    fl->pools[k].nmembers++;
  }
  for(k = 0; k < fl->npools; k++) {
    fl->pools[k].members = sd_arena_alloc(&fl->arena,
                                          fl->pools[k].nmembers *
                                          sizeof(sd_ocs_member));
    fl->pools[k].nmembers = 0;
  }
  for(i = 0; i < fl->nhosts; i++) {
    const sd_fleet_module *m;
    sd_ocs_member *o;
    if(!member[i])
      continue;
    m = sd_fleet_host_module(&fl->hosts[i], "ocs-kb974571");
    o = &fl->pools[pool_of[i]].members[fl->pools[pool_of[i]].nmembers++];
    o->host = i;
    o->status = m->status;
    o->code = m->codes[0];
    o->needs_asnfix = has_code(m, C_OCS_FE_DOWN) || has_code(m, C_OCS_AT_RISK);
  }
  free(pool_of);
  free(member);
}

void sd_fleet_finish(sd_fleet *fl)
{
  size_t i, out = 0;
  /* Newest report per host. */
  if(fl->nhosts > 1)
    qsort(fl->hosts, fl->nhosts, sizeof(*fl->hosts), cmp_newest);
  for(i = 0; i < fl->nhosts; i++) {
    if(out && !name_cmp(fl->hosts[out - 1].name, fl->hosts[i].name)) {
      fl->superseded++;
      continue;
    }
    fl->hosts[out++] = fl->hosts[i];
  }
  fl->nhosts = out;
  memset(fl->counts, 0, sizeof(fl->counts));
  fl->nstale = 0;
  fl->status = SD_SEV_OK;
  for(i = 0; i < fl->nhosts; i++) {
    sd_fleet_host *h = &fl->hosts[i];
    h->status = h->report_status;
    h->stale = 0;
    if(h->collected_at == SD_TIME_NONE) {
      h->age_s = -1;
      h->stale = 1;
    }
    else {
      h->age_s = fl->now - h->collected_at;
      h->stale = h->age_s > fl->max_age_s;
    }
    if(h->stale) {
      h->status = SD_SEV_UNKNOWN;
      fl->nstale++;
    }
    fl->counts[h->status]++;
    fl->status = sd_severity_worst(fl->status, h->status);
  }
  fl->counts[SD_SEV_UNKNOWN] += fl->nproblems;
  if(fl->nproblems)
    fl->status = sd_severity_worst(fl->status, SD_SEV_UNKNOWN);
  fl->exit_code = sd_severity_exit_code(fl->status);
  if(fl->nhosts > 1)
    qsort(fl->hosts, fl->nhosts, sizeof(*fl->hosts), cmp_severity);
  build_plan(fl);
  build_pools(fl);
}
