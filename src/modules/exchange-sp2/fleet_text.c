/* fleet_text.c - the Exchange 2007 SP2 upgrade plan in the fleet's text
 * summary.  Every string from a report goes through sd_text_put_safe. */
#include "fleet.h"
#include "report_internal.h"

static void put_server(sd_buf *b, const sd_fleet *fl,
                       const sd_exch_plan *p, size_t i)
{
  const sd_exch_server *s = &p->servers[i];
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
static void put_plan_prep(sd_buf *b, const sd_fleet *fl,
                          const sd_exch_plan *p)
{
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
static void put_plan_domains(sd_buf *b, const sd_fleet *fl,
                             const sd_exch_plan *p)
{
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

void sd_exch_fleet_text(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  const sd_exch_plan *p = sec;
  size_t i;
  int cas = 0;
  if(!p)
    return;
  sd_buf_printf(b, "\nExchange 2007 SP2 upgrade plan (%lu server%s): Client "
                "Access first, then Hub Transport, Unified Messaging, "
                "Mailbox; Edge Transport on its own.\n",
                  (unsigned long)p->nservers,
                p->nservers == 1 ? "" : "s");
  for(i = 0; i < p->nservers; i++) {
    cas |= p->servers[i].phase == SD_PHASE_CAS &&
           p->servers[i].state != SD_XS_DONE;
    put_server(b, fl, p, i);
  }
  if(cas)
    sd_buf_puts(b, "  Among the Client Access servers, upgrade the "
                "internet-facing ones first (the reports do not say which "
                "they are).\n");
  put_plan_prep(b, fl, p);
  put_plan_domains(b, fl, p);
}
