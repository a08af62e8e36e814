/* fleet_html.c - the Exchange 2007 SP2 upgrade plan on the fleet's HTML
 * page.  Every string from a report goes through sd_html_put. */
#include "fleet.h"
#include "report_internal.h"

#define H(b, s) sd_html_put((b), (s))

/* One row per Exchange server, in upgrade order. */
static void put_plan_rows(sd_buf *b, const sd_fleet *fl,
                          const sd_exch_plan *p)
{
  size_t i, k;
  for(i = 0; i < p->nservers; i++) {
    const sd_exch_server *s = &p->servers[i];
    sd_severity sv = s->state == SD_XS_BLOCKED ? SD_SEV_CRITICAL :
                     s->state == SD_XS_UNKNOWN ? SD_SEV_UNKNOWN : SD_SEV_OK;
    sd_buf_printf(b, "<tr><td>%lu</td><td>", (unsigned long)(i + 1));
    H(b, fl->hosts[s->host].name);
    sd_buf_printf(b, "</td><td>%s%s</td><td>", sd_exch_phase_title(s->phase),
                  s->phase == SD_PHASE_EDGE ? " (on its own)" : "");
    H(b, sd_str_or(s->build, "unknown"));
    sd_buf_printf(b, "</td><td class=\"sev-%s\">%s</td><td>",
                  sd_severity_name(sv), sd_exch_state_name(s->state));
    if(s->why) {
      H(b, s->why);
      if(s->nblockers)
        sd_buf_puts(b, "; codes ");
    }
    for(k = 0; k < s->nblockers; k++) {
      if(k)
        sd_buf_puts(b, ", ");
      H(b, s->blockers[k]);
    }
    sd_buf_puts(b, "</td></tr>\n");
  }
}

/* Where and whether to run /PrepareSchema, /PrepareAD, /PrepareDomain. */
static void put_plan_prep(sd_buf *b, const sd_fleet *fl,
                          const sd_exch_plan *p)
{
  size_t i;
  sd_buf_puts(b, "</tbody></table>\n<p id=\"prep\">AD preparation: ");
  if(p->prepare_schema < 0 || p->prepare_ad < 0)
    sd_buf_puts(b, "the reports disagree about the AD values, so whether "
                "/PrepareSchema or /PrepareAD is still needed is not known "
                "yet. ");
  else if(p->prepare_schema || p->prepare_ad)
    sd_buf_printf(b, "%s%s%s needed. ", p->prepare_schema ?
                  "/PrepareSchema" : "", p->prepare_schema && p->prepare_ad
                  ? " and " : "", p->prepare_ad ? "/PrepareAD" : "");
  else
    sd_buf_puts(b, "no report asks for /PrepareSchema or /PrepareAD. ");
  sd_buf_puts(b, "Run them once, before any server, on a server in ");
  if(p->schema_master_site) {
    sd_buf_puts(b, "site <b>");
    H(b, p->schema_master_site);
    sd_buf_puts(b, "</b>");
    if(p->schema_master_domain) {
      sd_buf_puts(b, " (domain ");
      H(b, p->schema_master_domain);
      sd_buf_puts(b, ")");
    }
    sd_buf_puts(b, ", the schema master's");
  }
  else
    sd_buf_puts(b, "the schema master's site (not known from these "
                "reports)");
  sd_buf_puts(b, ", with an account in Schema Admins and Enterprise Admins");
  if(p->nrun_on) {
    sd_buf_puts(b, "; from these reports: ");
    for(i = 0; i < p->nrun_on; i++) {
      if(i)
        sd_buf_puts(b, ", ");
      H(b, fl->hosts[p->run_on[i]].name);
    }
  }
  sd_buf_puts(b, ".</p>\n");
  for(i = 0; i < p->nprepare_domains; i++) {
    sd_buf_puts(b, "<p>/PrepareDomain is needed in domain ");
    H(b, p->prepare_domains[i]);
    sd_buf_puts(b, ".</p>\n");
  }
}

/* The AD values the reports disagree on, with who read what. */
static void put_plan_disagreements(sd_buf *b, const sd_fleet *fl,
                                   const sd_exch_plan *p)
{
  size_t i, k;
  for(i = 0; i < p->ndisagree; i++) {
    const sd_ad_disagreement *d = &p->disagree[i];
    sd_buf_puts(b, "<p class=\"sev-warning disagree\">Reports disagree on ");
    H(b, d->what);
    sd_buf_puts(b, ": ");
    for(k = 0; k < d->nclaims; k++) {
      if(d->claims[k].starts_value) {
        if(k)
          sd_buf_puts(b, "; ");
        sd_buf_puts(b, "<b>");
        H(b, d->claims[k].value);
        sd_buf_puts(b, "</b> read by ");
      }
      else {
        sd_buf_puts(b, ", ");
      }
      H(b, fl->hosts[d->claims[k].host].name);
    }
    sd_buf_puts(b, ". " SD_FLEET_DISAGREE_ADVICE "</p>\n");
  }
}

void sd_exch_fleet_html(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  const sd_exch_plan *p = sec;
  if(!p)
    return;
  sd_buf_puts(b, "<h2>Exchange 2007 SP2 upgrade plan</h2>\n<p>Client Access "
              "servers first (internet-facing ones first: the reports do "
              "not say which they are), then Hub Transport, Unified "
              "Messaging and Mailbox; Edge Transport on its own.</p>\n"
              "<table id=\"plan\"><thead><tr><th>#</th><th>Server</th>"
              "<th>Role</th><th>Build</th><th>State</th><th>Blocked by"
              "</th></tr></thead><tbody>\n");
  put_plan_rows(b, fl, p);
  put_plan_prep(b, fl, p);
  put_plan_disagreements(b, fl, p);
}
