/* fleet_text.c - the fleet as text: one line per host, most severe first,
 * a totals line, the Exchange upgrade plan and the OCS pools.  Every string
 * from a report goes through sd_text_put_safe. */
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"

static void put_age(sd_buf *b, const sd_fleet_host *h)
{
  if(h->age_s < 0)
    sd_buf_puts(b, "age unknown");
  else if(h->age_s < 3600)
    sd_buf_printf(b, "age %lldm", (long long)(h->age_s / 60));
  else if(h->age_s < 48 * 3600)
    sd_buf_printf(b, "age %lldh", (long long)(h->age_s / 3600));
  else
    sd_buf_printf(b, "age %lldd", (long long)(h->age_s / 86400));
  if(h->stale)
    sd_buf_puts(b, " (STALE)");
}

static int is_problem(const sd_fleet_module *m, size_t k)
{
  return m->code_sev[k] != SD_SEV_OK && m->code_sev[k] != SD_SEV_INFO;
}

/* A module's problem codes in report order, each once: a code the module
 * gave n times (one per VM, per patch) is "CODE ×n" (U+00D7). */
static void put_codes(sd_buf *b, const sd_fleet_module *m)
{
  size_t k, j, n;
  int first = 1;
  sd_buf_puts(b, " (");
  for(k = 0; k < m->ncodes; k++) {
    if(!is_problem(m, k))
      continue;
    for(j = 0; j < k; j++)
      if(is_problem(m, j) && !strcmp(m->codes[j], m->codes[k]))
        break;
    if(j < k)
      continue; /* counted where it first appeared */
    for(n = 0, j = k; j < m->ncodes; j++)
      n += is_problem(m, j) && !strcmp(m->codes[j], m->codes[k]);
    if(!first)
      sd_buf_puts(b, ", ");
    first = 0;
    sd_text_put_safe(b, m->codes[k]);
    if(n > 1)
      sd_buf_printf(b, " \xC3\x97%u", (unsigned)n);
  }
  sd_buf_putc(b, ')');
}

static void put_host(sd_buf *b, const sd_fleet_host *h)
{
  size_t i;
  sd_buf_printf(b, "%-8s  ", sd_verdict_upper(h->status));
  sd_text_put_safe(b, h->name);
  sd_buf_puts(b, "  ");
  for(i = 0; i < h->nmodules; i++) {
    const sd_fleet_module *m = &h->modules[i];
    if(i)
      sd_buf_puts(b, "; ");
    sd_text_put_safe(b, m->id);
    sd_buf_printf(b, " %s", m->applicable ? sd_verdict_upper(m->status) :
                  "n/a");
    if(m->ncodes && (m->status == SD_SEV_CRITICAL ||
                     m->status == SD_SEV_WARNING ||
                     m->status == SD_SEV_UNKNOWN))
      put_codes(b, m);
  }
  sd_buf_puts(b, "  ");
  put_age(b, h);
  sd_buf_putc(b, '\n');
}

static void put_server(sd_buf *b, const sd_fleet *fl, size_t i)
{
  const sd_exch_server *s = &fl->exch.servers[i];
  size_t k;
  sd_buf_printf(b, "  %2lu. ", (unsigned long)(i + 1));
  sd_text_put_safe(b, fl->hosts[s->host].name);
  sd_buf_printf(b, "  %s", sd_exch_phase_title(s->phase));
  sd_buf_puts(b, "  build ");
  sd_text_put_safe(b, sd_str_or(s->build, "unknown"));
  switch(s->state) {
  case SD_XS_READY:
    sd_buf_puts(b, "  READY now");
    break;
  case SD_XS_DONE:
    sd_buf_puts(b, "  done (SP2 or later)");
    break;
  case SD_XS_BLOCKED:
  case SD_XS_UNKNOWN:
    sd_buf_puts(b, s->state == SD_XS_BLOCKED ? "  BLOCKED" : "  UNKNOWN");
    if(s->why) {
      sd_buf_puts(b, ": ");
      sd_text_put_safe(b, s->why);
    }
    if(s->nblockers) {
      sd_buf_puts(b, s->why ? "; codes " : " by ");
      for(k = 0; k < s->nblockers; k++) {
        if(k)
          sd_buf_puts(b, ", ");
        sd_text_put_safe(b, s->blockers[k]);
      }
    }
    break;
  }
  sd_buf_putc(b, '\n');
}

static void put_names(sd_buf *b, const sd_fleet *fl, const size_t *idx,
                      size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    if(i)
      sd_buf_puts(b, ", ");
    sd_text_put_safe(b, fl->hosts[idx[i]].name);
  }
}

/* Whether /PrepareSchema and /PrepareAD are needed, and where. */
static void put_plan_prep(sd_buf *b, const sd_fleet *fl)
{
  const sd_exch_plan *p = &fl->exch;
  sd_buf_puts(b, "  AD preparation: ");
  if(p->prepare_schema < 0 || p->prepare_ad < 0)
    sd_buf_puts(b, "the reports disagree about the AD values (see below), "
                "so whether /PrepareSchema or /PrepareAD is still needed is "
                "not known yet");
  else if(!p->prepare_schema && !p->prepare_ad)
    sd_buf_puts(b, "no report asks for /PrepareSchema or /PrepareAD");
  else
    sd_buf_printf(b, "%s%s%s needed", p->prepare_schema ? "/PrepareSchema"
                  : "", p->prepare_schema && p->prepare_ad ? " and " : "",
                  p->prepare_ad ? "/PrepareAD" : "");
  sd_buf_puts(b, ". Run them once, before any server, on a server in ");
  if(p->schema_master_site) {
    sd_buf_puts(b, "site ");
    sd_text_put_safe(b, p->schema_master_site);
    if(p->schema_master_domain) {
      sd_buf_puts(b, " (domain ");
      sd_text_put_safe(b, p->schema_master_domain);
      sd_buf_putc(b, ')');
    }
    sd_buf_puts(b, ", the schema master's");
    if(p->schema_master) {
      sd_buf_puts(b, " (");
      sd_text_put_safe(b, p->schema_master);
      sd_buf_putc(b, ')');
    }
  }
  else
    sd_buf_puts(b, "the schema master's site (not known from these "
                "reports)");
  sd_buf_puts(b, ", logged on with an account in Schema Admins and "
              "Enterprise Admins");
  if(p->nrun_on) {
    sd_buf_puts(b, "; from these reports: ");
    put_names(b, fl, p->run_on, p->nrun_on);
  }
  else if(p->schema_master_site)
    sd_buf_puts(b, "; none of these servers is known to be there");
  sd_buf_puts(b, ".\n");
}

/* Each domain that needs /PrepareDomain, and the AD values the reports
 * disagree on. */
static void put_plan_domains(sd_buf *b, const sd_fleet *fl)
{
  const sd_exch_plan *p = &fl->exch;
  size_t i, k;
  for(i = 0; i < p->nprepare_domains; i++) {
    sd_buf_puts(b, "  /PrepareDomain is needed in domain ");
    sd_text_put_safe(b, p->prepare_domains[i]);
    sd_buf_puts(b, " (Domain Admins of that domain).\n");
  }
  for(i = 0; i < p->ndisagree; i++) {
    const sd_ad_disagreement *d = &p->disagree[i];
    sd_buf_puts(b, "  Reports DISAGREE on ");
    sd_text_put_safe(b, d->what);
    sd_buf_puts(b, ": ");
    /* Each value once, with the servers that read it (grouped by
     * fleet.c). */
    for(k = 0; k < d->nclaims; k++) {
      if(d->claims[k].starts_value) {
        if(k)
          sd_buf_puts(b, "; ");
        sd_text_put_safe(b, d->claims[k].value);
        sd_buf_puts(b, " read by ");
      }
      else {
        sd_buf_puts(b, ", ");
      }
      sd_text_put_safe(b, fl->hosts[d->claims[k].host].name);
    }
    sd_buf_puts(b, ". " SD_FLEET_DISAGREE_ADVICE "\n");
  }
}

static void put_plan(sd_buf *b, const sd_fleet *fl)
{
  const sd_exch_plan *p = &fl->exch;
  size_t i;
  int cas = 0;
  sd_buf_printf(b, "\nExchange 2007 SP2 upgrade plan (%lu server%s): Client "
                "Access first, then Hub Transport, Unified Messaging, "
                "Mailbox; Edge Transport on its own.\n", (unsigned long)p->nservers,
                p->nservers == 1 ? "" : "s");
  for(i = 0; i < p->nservers; i++) {
    cas |= p->servers[i].phase == SD_PHASE_CAS &&
           p->servers[i].state != SD_XS_DONE;
    put_server(b, fl, i);
  }
  if(cas)
    sd_buf_puts(b, "  Among the Client Access servers, upgrade the "
                "internet-facing ones first (the reports do not say which "
                "they are).\n");
  put_plan_prep(b, fl);
  put_plan_domains(b, fl);
}

static void put_pools(sd_buf *b, const sd_fleet *fl)
{
  size_t i, k;
  sd_buf_printf(b, "\nOCS pools (%lu):\n", (unsigned long)fl->npools);
  for(i = 0; i < fl->npools; i++) {
    const sd_ocs_pool *p = &fl->pools[i];
    size_t nfix = 0;
    sd_buf_puts(b, "  ");
    sd_text_put_safe(b, p->name);
    sd_buf_puts(b, ": ");
    for(k = 0; k < p->nmembers; k++) {
      const sd_ocs_member *m = &p->members[k];
      if(k)
        sd_buf_puts(b, ", ");
      sd_text_put_safe(b, fl->hosts[m->host].name);
      sd_buf_printf(b, " %s (", sd_verdict_upper(m->status));
      sd_text_put_safe(b, m->code);
      sd_buf_putc(b, ')');
      nfix += (size_t)m->needs_asnfix;
    }
    sd_buf_putc(b, '\n');
    if(nfix) {
      sd_buf_puts(b, "    Run OCSASNFix.exe on each of these Front Ends: ");
      for(k = 0, nfix = 0; k < p->nmembers; k++) {
        if(!p->members[k].needs_asnfix)
          continue;
        if(nfix++)
          sd_buf_puts(b, ", ");
        sd_text_put_safe(b, fl->hosts[p->members[k].host].name);
      }
      sd_buf_puts(b, ".\n");
    }
  }
}

void sd_fleet_text(const sd_fleet *fl, sd_buf *b)
{
  size_t i;
  for(i = 0; i < fl->nhosts; i++)
    put_host(b, &fl->hosts[i]);
  for(i = 0; i < fl->nproblems; i++) {
    sd_buf_puts(b, "UNKNOWN   ");
    sd_text_put_safe(b, fl->problems[i].source);
    sd_buf_puts(b, ": ");
    sd_text_put_safe(b, fl->problems[i].reason);
    sd_buf_puts(b, ".\n");
  }
  sd_buf_printf(b, "%s: %lu host%s: %lu critical, %lu warning, %lu unknown "
                "(%lu stale), %lu ok; %lu file%s could not be read",
                sd_verdict_upper(fl->status), (unsigned long)fl->nhosts,
                fl->nhosts == 1 ? "" : "s",
                (unsigned long)fl->counts[SD_SEV_CRITICAL],
                (unsigned long)fl->counts[SD_SEV_WARNING],
                (unsigned long)(fl->counts[SD_SEV_UNKNOWN] - fl->nproblems),
                (unsigned long)fl->nstale,
                (unsigned long)(fl->counts[SD_SEV_OK] +
                                fl->counts[SD_SEV_INFO]),
                (unsigned long)fl->nproblems, fl->nproblems == 1 ? "" : "s");
  if(fl->superseded)
    sd_buf_printf(b, "; %lu older report%s of the same hosts ignored",
                  (unsigned long)fl->superseded, fl->superseded == 1 ? "" : "s");
  sd_buf_puts(b, ".\n");
  if(fl->exch.nservers)
    put_plan(b, fl);
  if(fl->npools)
    put_pools(b, fl);
}
