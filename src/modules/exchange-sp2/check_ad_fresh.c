/* ad_fresh.c - exchange-sp2: what only a fresh installation needs from
 * AD: a global catalog in this computer's site and no Exchange 5.5 (mixed
 * mode). */
#include <string.h>

#include "check.h"

/* AD-EXCHANGE55: the organization is in mixed mode (Exchange 5.5). */
static void report_exchange55(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  sd_finding *x = sd_exch_add(c, "AD-EXCHANGE55");
  sd_finding_msg(c->r, x, "The Exchange organization %s is in mixed mode "
                 "(msExchMixedMode = TRUE), which exists for Exchange 5.5 "
                 "coexistence. Exchange 2007 setup stops in a mixed-mode "
                 "organization: every Exchange 5.5 server must be gone "
                 "and the organization switched to native mode first.",
                 sd_str_or(ad->norgs ? ad->orgs[0].dn : NULL, ""));
  sd_ev_str(c->r, x, "org_dn", sd_str_or(ad->norgs ? ad->orgs[0].dn : NULL,
                                        ""));
  sd_ev_str(c->r, x, "msExchMixedMode", "TRUE");
  sd_ev_str(c->r, x, "needed", "native mode (msExchMixedMode not TRUE)");
  sd_exch_ad_evidence(c, x);
  sd_fix_summary(c->r, x, "Remove the last Exchange 5.5 servers, then "
                 "switch the organization to native mode.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "In Exchange System Manager "
              "(Exchange 2000 or 2003), open the properties of the "
              "organization: the operation mode reads mixed mode. Hand "
              "this finding to the Exchange administrator: every mailbox, "
              "public folder and connector must first be moved off the "
              "remaining Exchange 5.5 servers and those servers removed "
              "from the organization.");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Under Change operation mode, click "
              "Change Mode. This cannot be undone.");
  sd_step_when(c->r, x, "Only after the Exchange administrator has "
               "confirmed that no Exchange 5.5 server is left (step %u)",
               sd_step_number(x) - 1);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Wait for Active Directory "
              "replication (the Exchange administrator may restart the "
              "Information Store service of the Exchange 2000/2003 "
              "servers in a maintenance window), then run srvdoctor "
              "again:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, x, "AD-EXCHANGE55 is no longer listed");
}

/* The organization's mode: AD-EXCHANGE55 (a blocker: returns 1), the mode
 * for AD-READY's evidence, or unread (to partial). */
static int check_org_mode(sd_exch_ctx *c, sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  if(ad->org_mixed_st.state == SD_ST_READ && ad->org_mixed_mode == 1) {
    report_exchange55(c);
    return 1;
  }
  if(ad->org_mixed_st.state == SD_ST_READ)
    c->mode_summary = "FALSE (native mode)";
  else if(ad->org_mixed_st.state == SD_ST_ABSENT)
    c->mode_summary = sd_str_or(ad->org_mixed_st.why, "not set");
  else
    sd_buf_printf(partial, "%sthe organization's mode, msExchMixedMode (%s)",
                  (*npartial)++ ? "; " : "", sd_exch_why_of(&ad->org_mixed_st));
  return 0;
}

/* The global catalogs of the site, by whether their Windows is at least
 * sd_exch_dc_os_min: "name (OS version SP)" lists. */
typedef struct gc_lists {
  sd_buf fit, unfit, unknown;
  int nfit, nunfit, nunknown;
} gc_lists;

/* Sort the global catalogs of this computer's site into gc_lists. */
static void sort_gcs(const sd_ad_facts *ad, gc_lists *gl)
{
  size_t i;
  for(i = 0; i < ad->ngcs; i++) {
    const sd_ad_gc *g = &ad->gcs[i];
    const char *name = sd_str_or(g->dns_host, sd_str_or(g->server_dn, "?"));
    sd_exch_os_fit below = sd_exch_dc_os_below(&g->os_st, g->os,
                                               g->os_version, g->os_sp);
    sd_buf *b = below == SD_EXCH_OS_FIT ? &gl->fit
              : below == SD_EXCH_OS_BELOW ? &gl->unfit : &gl->unknown;
    int *n = below == SD_EXCH_OS_FIT ? &gl->nfit
           : below == SD_EXCH_OS_BELOW ? &gl->nunfit : &gl->nunknown;
    if((*n)++)
      sd_buf_puts(b, "; ");
    if(g->os_st.state == SD_ST_READ)
      sd_buf_printf(b, "%s (%s %s %s)", name, sd_str_or(g->os, ""),
                    sd_str_or(g->os_version, ""), sd_str_or(g->os_sp, ""));
    else
      sd_buf_printf(b, "%s (operating system not read: %s)", name,
                    sd_exch_why_of(&g->os_st));
  }
}

/* AD-GC-MISSING: no global catalog on a Windows Exchange accepts in the
 * site. */
static void report_gc_missing(sd_exch_ctx *c, const char *site,
                              const gc_lists *gl)
{
  sd_finding *x = sd_exch_add(c, "AD-GC-MISSING");
  if(!gl->nunfit)
    sd_finding_msg(c->r, x, "Active Directory site %s, where this "
                   "computer is, has no global catalog. Exchange 2007 "
                   "needs at least one global catalog on %s or later in "
                   "every site with an Exchange server.", site,
                   sd_exch_dc_os_min.name);
  else
    sd_finding_msg(c->r, x, "The global catalogs of Active Directory site "
                   "%s run Windows older than %s (%s). Exchange 2007 "
                   "needs at least one global catalog on %s or later in "
                   "every site with an Exchange server.", site,
                   sd_exch_dc_os_min.name, gl->unfit.data,
                   sd_exch_dc_os_min.name);
  sd_ev_str(c->r, x, "site", site);
  sd_ev_int(c->r, x, "global_catalogs", (int64_t)c->ad->ngcs);
  if(gl->nunfit)
    sd_ev_str(c->r, x, "below_minimum", gl->unfit.data);
  sd_ev_str(c->r, x, "needed", sd_exch_dc_os_min.name);
  sd_exch_ad_evidence(c, x);
  sd_fix_summary(c->r, x, "Give site %s a global catalog on %s or later "
                 "before installing Exchange, or install Exchange in a "
                 "site that has one.", site, sd_exch_dc_os_min.name);
  sd_step_add(c->r, x, SD_STEP_LOOK, "In Active Directory Sites and "
              "Services, open Sites > %s > Servers and pick a domain "
              "controller there running %s or later (if there is none, "
              "hand this to the Active Directory administrator to add "
              "one).", site, sd_exch_dc_os_min.name);
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Under the domain controller step "
              "%u picked, open NTDS Settings > Properties and tick Global "
              "Catalog.", sd_step_number(x));
  sd_step_add(c->r, x, SD_STEP_LOOK, "Wait until it has finished "
              "replicating (event 1119 in its Directory Service log), "
              "then run srvdoctor again:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, x, "AD-GC-MISSING is no longer listed");
}

/* The global catalogs of this computer's site (read): one that fits gives
 * AD-READY's evidence, unknown ones go to partial, else AD-GC-MISSING (a
 * blocker: returns 1). */
static int check_site_gcs(sd_exch_ctx *c, sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  const char *site = sd_str_or(ad->gcs_site, sd_str_or(ad->local_site, "?"));
  gc_lists gl;
  int blockers = 0;
  memset(&gl, 0, sizeof(gl));
  sd_buf_init(&gl.fit);
  sd_buf_init(&gl.unfit);
  sd_buf_init(&gl.unknown);
  sort_gcs(ad, &gl);
  if(gl.nfit) {
    c->gc_summary = sd_arena_strdup(c->r->arena, gl.fit.data);
  }
  else if(gl.nunknown) {
    sd_buf_printf(partial, "%sthe operating system of the global catalogs of "
                  "site %s: %s", (*npartial)++ ? "; " : "", site,
                  gl.unknown.data);
  }
  else {
    report_gc_missing(c, site, &gl);
    blockers++;
  }
  sd_buf_free(&gl.fit);
  sd_buf_free(&gl.unfit);
  sd_buf_free(&gl.unknown);
  return blockers;
}


/* A fresh installation also needs a global catalog on Windows Server 2003
 * SP1 or later in the site the Exchange server will be in (this
 * computer's), and no Exchange 5.5 left: the organization in native mode,
 * msExchMixedMode not TRUE (Exchange 2007 System Requirements [SYSREQ];
 * Exchange Server Analyzer "Exchange Organization is in Mixed Mode" and
 * setup's "Organization is in mixed mode", technet aa996151 and
 * aa996774(v=exchg.80); readiness rule fOrgNotNativeMode [PREREQXML]).
 * Setup's check stops only on TRUE, so a missing value is not mixed mode.
 * Returns how many blockers were reported; unread values go to partial. */
int sd_exch_check_fresh_ad(sd_exch_ctx *c, sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  int blockers = check_org_mode(c, partial, npartial);
  /* global catalogs of this computer's site */
  if(ad->gcs_st.state != SD_ST_READ) {
    sd_buf_printf(partial, "%sthe global catalogs of this computer's site "
                  "(%s)", (*npartial)++ ? "; " : "",
                  sd_exch_why_of(&ad->gcs_st));
    return blockers;
  }
  return blockers + check_site_gcs(c, partial, npartial);
}
