/* fleet.c - exchange-sp2's section of the fleet: the organisation's
 * Exchange 2007 SP2 upgrade plan, from each host's summary of this module
 * (summary.c): the servers in upgrade order with what blocks each, where
 * to run the AD preparation, and the AD values the reports disagree on.
 * Pure: no I/O, no clock. */
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

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

/* The summary value key of this module on host h, as text. */
static const char *sum(sd_fleet *fl, const sd_fleet_host *h, const char *key)
{
  return sd_fleet_summary(fl, h, SD_EXCH_MODULE, key);
}

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
  const sd_fleet_module *m = sd_fleet_host_module(h, SD_EXCH_MODULE);
  size_t i, nb = 0, nunk = 0;
  memset(s, 0, sizeof(*s));
  s->host = hi;
  s->roles_text = sum(fl, h, "roles");
  s->roles = roles_of(s->roles_text);
  s->phase = phase_of(s->roles);
  s->build = sum(fl, h, "installed_build");
  s->site = sum(fl, h, "computer_site");
  s->domain = sum(fl, h, "computer_domain");
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
  if(sd_fleet_summary_true(h, SD_EXCH_MODULE, "sp2_installed"))
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
  const sd_fleet_module *m = sd_fleet_host_module(h, SD_EXCH_MODULE);
  return m && m->applicable &&
         sd_fleet_summary_true(h, SD_EXCH_MODULE, "exchange_2007");
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

/* AD values as each server's report gave them (its summary), and whether
 * the reports agree.  Stale reports are left out: an old value is not a
 * disagreement. */
static void compare(sd_fleet *fl, sd_exch_plan *p, const char *key,
                    const char *scope_key, const char *scope)
{
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
      const char *sc = sum(fl, h, scope_key);
      if(!sc || !sd_strieq(sc, scope))
        continue;
    }
    v = sum(fl, h, key);
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
static const char *agreed(sd_fleet *fl, const sd_exch_plan *p,
                          const char *key)
{
  size_t i;
  if(disagrees(p, key))
    return NULL;
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    const char *v = h->stale ? NULL : sum(fl, h, key);
    if(v)
      return v;
  }
  return NULL;
}

/* Does a fresh report ask for it (a true summary value)? */
static int any_asks(const sd_fleet *fl, const sd_exch_plan *p,
                    const char *key)
{
  size_t i;
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    if(!h->stale && sd_fleet_summary_true(h, SD_EXCH_MODULE, key))
      return 1;
  }
  return 0;
}

/* The servers in upgrade order, and the AD values they disagree on:
 * forest-wide values, then each domain's system-objects container. */
static void plan_servers(sd_fleet *fl, sd_exch_plan *p, size_t n)
{
  size_t i, k;
  const char **doms;
  p->servers = sd_arena_alloc(&fl->arena, n * sizeof(*p->servers));
  for(i = 0; i < fl->nhosts; i++)
    if(exch_member(&fl->hosts[i]))
      exch_server(fl, i, &p->servers[p->nservers++]);
  sort_fleet = fl;
  if(p->nservers > 1)
    qsort(p->servers, p->nservers, sizeof(*p->servers), cmp_server);
  sort_fleet = NULL;
  compare(fl, p, "schema_version", NULL, NULL);
  compare(fl, p, "org_version", NULL, NULL);
  compare(fl, p, "schema_master", NULL, NULL);
  doms = sd_arena_alloc(&fl->arena, (p->nservers + 1) * sizeof(char *));
  for(i = 0, n = 0; i < p->nservers; i++) {
    const char *d = sum(fl, &fl->hosts[p->servers[i].host],
                        "computer_domain");
    int seen = 0;
    for(k = 0; d && k < n; k++)
      seen |= sd_strieq(doms[k], d);
    if(d && !seen) {
      doms[n++] = d;
      compare(fl, p, "meso_version", "computer_domain", d);
    }
  }
}

/* Whether /PrepareSchema, /PrepareAD and /PrepareDomain are asked for,
 * and the servers in the schema master's site and domain. */
static void plan_prep(sd_fleet *fl, sd_exch_plan *p)
{
  size_t i, k;
  p->prepare_schema = disagrees(p, "schema_version") ? -1 :
                      any_asks(fl, p, "prepare_schema");
  p->prepare_ad = disagrees(p, "org_version") ? -1 :
                  any_asks(fl, p, "prepare_ad");
  p->prepare_domains = sd_arena_alloc(&fl->arena,
                                      (p->nservers + 1) * sizeof(char *));
  for(i = 0; i < p->nservers; i++) {
    const sd_fleet_host *h = &fl->hosts[p->servers[i].host];
    const char *d = h->stale ? NULL : sum(fl, h, "prepare_domain");
    int seen = 0;
    for(k = 0; d && k < p->nprepare_domains; k++)
      seen |= sd_strieq(p->prepare_domains[k], d);
    if(d && !seen)
      p->prepare_domains[p->nprepare_domains++] = d;
  }
  p->schema_master = agreed(fl, p, "schema_master");
  p->schema_master_site = agreed(fl, p, "schema_master_site");
  p->schema_master_domain = agreed(fl, p, "schema_master_domain");
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

static void *exch_fleet_build(sd_fleet *fl)
{
  sd_exch_plan *p;
  size_t i, n = 0;
  for(i = 0; i < fl->nhosts; i++)
    n += exch_member(&fl->hosts[i]);
  if(!n)
    return NULL;
  p = sd_xcalloc(1, sizeof(*p));
  plan_servers(fl, p, n);
  plan_prep(fl, p);
  return p;
}

static void exch_fleet_free(void *sec)
{
  sd_exch_plan *p = sec;
  if(p)
    free(p->disagree);
  free(p);
}

const sd_fleet_hook sd_fleet_hook_exchange_sp2 = {
  exch_fleet_build, sd_exch_fleet_text, sd_exch_fleet_json,
  sd_exch_fleet_html, exch_fleet_free};
