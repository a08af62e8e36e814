/* ad.c - exchange-sp2: Active Directory readiness for SP2: the schema,
 * organization and domain versions, and the AD findings that sum it up
 * (unreachable, partial, newer than known, ready). */
#include <string.h>

#include "exchange_internal.h"

/* ---- Active Directory ---- */

/* The version value of the containers read: the one named prefer_dn when
 * it is there and read, else the lowest one read. */
static void pick_version(const sd_fstate *st, const sd_ad_object *items,
                         size_t n, const char *prefer_dn, sd_exch_adval *out)
{
  size_t i;
  int have = 0;
  memset(out, 0, sizeof(*out));
  out->count = n;
  if(st->state != SD_ST_READ && st->state != SD_ST_ABSENT) {
    out->why = sd_exch_why_of(st);
    return;
  }
  if(st->state == SD_ST_ABSENT || n == 0) {
    out->state = SD_EXCH_AD_NONE;
    return;
  }
  for(i = 0; i < n; i++) {
    const sd_ad_object *o = &items[i];
    if(o->version_st.state != SD_ST_READ)
      continue;
    if(prefer_dn && o->dn && sd_strieq(o->dn, prefer_dn)) {
      out->state = SD_EXCH_AD_VALUE;
      out->v = o->object_version;
      out->dn = o->dn;
      return;
    }
    if(!have || o->object_version < out->v) {
      out->v = o->object_version;
      out->dn = o->dn;
      have = 1;
    }
  }
  if(have) {
    out->state = SD_EXCH_AD_VALUE;
    return;
  }
  /* The containers exist but none of their versions could be read. */
  out->why = sd_exch_why_of(&items[0].version_st);
  if(items[0].version_st.state == SD_ST_ABSENT)
    out->why = "the container has no objectVersion";
}

/* ---- the figures every format shows: SP2's AD values against what was
 * read (the values the findings below are decided on) ---- */

#define STR_(x) #x
#define STR(x) STR_(x)
static const sd_measure schema_measure = {
  "exchange_schema_version", "schema version", "rangeUpper of "
  "ms-Exch-Schema-Version-Pt in Active Directory (SP2 needs "
  STR(SP2_SCHEMA) ").", SD_UNIT_NUMBER, 0, 0, STR(SP2_SCHEMA) ":", NULL};

static const char ROW_SCHEMA[] = "Schema (rangeUpper of "
                                 "ms-Exch-Schema-Version-Pt)";
static const char ROW_ORG[] = "Organization (objectVersion)";
static const char ROW_MESO[] = "Domain: Microsoft Exchange System Objects "
                               "(objectVersion)";

static void ad_row(sd_exch_ctx *c, const char *what, const char *where,
                   const sd_exch_adval *v, int64_t needed,
                   const char *remedy)
{
  /* An object that does not exist counts as version 0: it needs the
   * preparation step like an old one. */
  sd_result_row(c->r, what, v->dn ? v->dn : where,
                v->state != SD_EXCH_AD_UNREAD,
                v->state == SD_EXCH_AD_VALUE ? v->v : 0, v->why, needed,
                remedy);
}

static void ad_figures(sd_exch_ctx *c, const sd_exch_adval *s,
                       const sd_exch_adval *o, const sd_exch_adval *m)
{
  ad_row(c, ROW_SCHEMA, c->ad->schema_nc, s, SP2_SCHEMA,
         "run /PrepareSchema");
  ad_row(c, ROW_ORG, NULL, o, SP2_ORG, "run /PrepareAD");
  ad_row(c, ROW_MESO, NULL, m, SP2_MESO, "run /PrepareDomain");
  sd_result_measure(c->r, &schema_measure, s->state != SD_EXCH_AD_UNREAD,
                    s->state == SD_EXCH_AD_VALUE ? s->v : 0);
}

/* AD-UNREACHABLE: which domain controller this computer finds (read-only,
 * its name fills the next command when the domain is known), then
 * srvdoctor again against it. */
static void ad_unreachable_steps(sd_exch_ctx *c, sd_finding *x)
{
  const char *dom = c->f->host.domain_st.state == SD_ST_READ
                      ? c->f->host.domain : NULL;
  unsigned locate;
  if(dom && *dom) {
    sd_step_add(c->r, x, SD_STEP_LOOK, "Check that this computer finds a "
                "domain controller of its domain %s (Windows Server 2003: "
                "nltest comes with the Support Tools):", dom);
    sd_step_cmd(c->r, x, "nltest /dsgetdc:%s", dom);
    sd_step_expect(c->r, x, "a line containing DC: \\\\ followed "
                   "by the name of a domain controller, and a last line "
                   "\"The command completed successfully\"");
  }
  else {
    sd_step_add(c->r, x, SD_STEP_LOOK, "Find the domain controller this "
                "computer uses: the domain name was not read, so run "
                "\"nltest /dsgetdc:\" followed by your domain's DNS name "
                "(srvdoctor cannot print it for you).");
  }
  locate = sd_step_number(x);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Run srvdoctor again and name that "
              "domain controller: srvdoctor check --only exchange-sp2 --dc "
              "followed by the name step %u showed after DC: \\\\.",
              locate);
  sd_step_add(c->r, x, SD_STEP_LOOK, "If you are not logged on with a "
              "domain account, add --ldap-user followed by your DOMAIN\\user "
              "name, with the password in the environment variable "
              "SRVDOCTOR_LDAP_PASSWORD.");
}

void sd_exch_check_ad(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  sd_exch_adval s, o, m;
  sd_exch_need nd;
  const char *meso_dn = NULL;
  sd_buf partial, newer;
  int npartial = 0, blockers = 0, other_domains = 0;
  sd_finding *x;
  if(ad->st.state != SD_ST_READ) {
    x = sd_exch_add(c, "AD-UNREACHABLE");
    sd_finding_msg(c->r, x, "Active Directory could not be queried (%s), so "
                   "the schema, organization and domain preparation SP2 "
                   "needs, and the rights to do it, were not checked. The "
                   "other findings about this server still apply.",
                   sd_exch_why_of(&ad->st));
    sd_ev_str(c->r, x, "ad_state", sd_state_name(ad->st.state));
    sd_ev_str(c->r, x, "why", sd_exch_why_of(&ad->st));
    if(ad->st.error)
      sd_ev_int(c->r, x, "error", ad->st.error);
    if(ad->dc)
      sd_ev_str(c->r, x, "dc", ad->dc);
    if(ad->bind_method)
      sd_ev_str(c->r, x, "bind", ad->bind_method);
    if(ad->elapsed_ms > 0)
      sd_ev_int(c->r, x, "elapsed_ms", ad->elapsed_ms);
    sd_fix_summary(c->r, x, "Run srvdoctor where it can reach a domain "
                   "controller, or name one with --dc.");
    ad_unreachable_steps(c, x);
    memset(&s, 0, sizeof(s));
    s.why = "Active Directory could not be queried";
    ad_figures(c, &s, &s, &s);
    return;
  }
  sd_buf_init(&partial);
  sd_buf_init(&newer);
  memset(&s, 0, sizeof(s));
  if(ad->schema_st.state == SD_ST_READ) {
    s.state = SD_EXCH_AD_VALUE;
    s.v = ad->schema_version;
  }
  else if(ad->schema_st.state == SD_ST_ABSENT) {
    s.state = SD_EXCH_AD_NONE;
  }
  else {
    s.why = sd_exch_why_of(&ad->schema_st);
  }
  pick_version(&ad->org_st, ad->orgs, ad->norgs, NULL, &o);
  if(ad->default_nc)
    meso_dn = sd_arena_printf(c->r->arena, "CN=Microsoft Exchange System "
                              "Objects,%s", ad->default_nc);
  pick_version(&ad->meso_st, ad->mesos, ad->nmesos, meso_dn, &m);
  ad_figures(c, &s, &o, &m);
  if(s.state == SD_EXCH_AD_UNREAD) {
    sd_buf_printf(&partial, "%sschema version (%s)", npartial++ ? "; " : "",
                  s.why);
  }
  if(o.state == SD_EXCH_AD_UNREAD) {
    sd_buf_printf(&partial, "%sorganization objectVersion (%s)",
                  npartial++ ? "; " : "", o.why);
  }
  if(m.state == SD_EXCH_AD_UNREAD) {
    sd_buf_printf(&partial, "%sMicrosoft Exchange System Objects "
                  "objectVersion (%s)", npartial++ ? "; " : "", m.why);
  }
  nd.schema = s.state == SD_EXCH_AD_NONE ||
              (s.state == SD_EXCH_AD_VALUE && s.v < SP2_SCHEMA);
  nd.org = o.state == SD_EXCH_AD_NONE ||
           (o.state == SD_EXCH_AD_VALUE && o.v < SP2_ORG);
  nd.domain = m.state == SD_EXCH_AD_NONE ||
              (m.state == SD_EXCH_AD_VALUE && m.v < SP2_MESO);
  if(nd.schema)
    sd_exch_report_schema_prep(c, &s);
  if(nd.org)
    sd_exch_report_org_prep(c, &o);
  if(nd.domain)
    sd_exch_report_domain_prep(c, &m, sd_str_or(ad->domain_dns,
                                                sd_str_or(ad->default_nc,
                                                          "this domain")),
                               ad->domain_dns, 1);
  other_domains = sd_exch_check_forest_domains(c, &partial, &npartial);
  if(ad->org_st.state == SD_ST_READ && ad->norgs > 1)
    sd_exch_report_duplicates(c, "Exchange organization containers", "orgs",
                              ad->orgs, ad->norgs);
  if(ad->meso_st.state == SD_ST_READ && ad->nmesos > 1)
    sd_exch_report_duplicates(c, "Microsoft Exchange System Objects containers",
                              "mesos", ad->mesos, ad->nmesos);
  if(nd.schema || nd.org || nd.domain)
    sd_exch_check_rights(c, &nd);
  blockers += sd_exch_check_schema_master(c, nd.schema || nd.org);
  blockers += sd_exch_check_domain_mode(c);
  if(c->fresh)
    blockers += sd_exch_check_fresh_ad(c, &partial, &npartial);
  sd_exch_check_dc_health(c);
  if(ad->domain_mode_st.state != SD_ST_READ &&
     ad->domain_mode_st.state != SD_ST_ABSENT)
    sd_buf_printf(&partial, "%sdomain mode (%s)", npartial++ ? "; " : "",
                  sd_exch_why_of(&ad->domain_mode_st));
  if(sd_exch_fsmo_os_below(ad) == SD_EXCH_OS_UNKNOWN &&
     ad->fsmo_st.state != SD_ST_READ &&
     (nd.schema || nd.org))
    sd_buf_printf(&partial, "%sschema master (%s)", npartial++ ? "; " : "",
                  sd_exch_why_of(&ad->fsmo_st));
  /* Values above the newest release srvdoctor knows. */
  if(s.state == SD_EXCH_AD_VALUE &&
     s.v > sd_exch_known_newest(&sd_exch_schema_versions))
    sd_buf_printf(&newer, "%sschema %lld", newer.len ? "; " : "",
                  (long long)s.v);
  if(o.state == SD_EXCH_AD_VALUE &&
     o.v > sd_exch_known_newest(&sd_exch_org_versions))
    sd_buf_printf(&newer, "%sorganization %lld", newer.len ? "; " : "",
                  (long long)o.v);
  if(m.state == SD_EXCH_AD_VALUE &&
     m.v > sd_exch_known_newest(&sd_exch_meso_versions))
    sd_buf_printf(&newer, "%sMicrosoft Exchange System Objects %lld",
                  newer.len ? "; " : "", (long long)m.v);
  if(newer.len) {
    x = sd_exch_add(c, "AD-VERSION-NEWER");
    sd_finding_msg(c->r, x, "Active Directory holds Exchange version values "
                   "newer than the newest release srvdoctor knows (%s). "
                   "They are above what SP2 needs, so SP2 needs no "
                   "preparation for them, but srvdoctor's version table is "
                   "out of date and cannot name the release. A forest "
                   "prepared for a much later Exchange may no longer accept "
                   "Exchange 2007 servers at all: check the coexistence "
                   "rules of that release before upgrading.", newer.data);
    sd_ev_str(c->r, x, "values", newer.data);
    sd_ev_int(c->r, x, "newest_known_schema",
              sd_exch_known_newest(&sd_exch_schema_versions));
    sd_ev_int(c->r, x, "newest_known_org",
              sd_exch_known_newest(&sd_exch_org_versions));
    sd_ev_int(c->r, x, "newest_known_meso",
              sd_exch_known_newest(&sd_exch_meso_versions));
    sd_fix_summary(c->r, x, "Use a newer srvdoctor, or check the values "
                   "against Microsoft's Exchange version tables.");
    sd_step_add(c->r, x, SD_STEP_LOOK, "Look the values up in Microsoft's "
                "\"Exchange Server build numbers and release dates\" and "
                "\"Active Directory schema changes\" pages to see which "
                "release prepared the forest.");
  }
  if(npartial) {
    x = sd_exch_add(c, "AD-PARTIAL");
    sd_finding_msg(c->r, x, "Domain controller %s answered, but these "
                   "values could not be read: %s. SP2's needs for them "
                   "were not checked.", sd_str_or(ad->dns_host_name, ad->dc),
                   partial.data);
    sd_ev_str(c->r, x, "unread", partial.data);
    sd_exch_ad_evidence(c, x);
    sd_fix_summary(c->r, x, "Run srvdoctor as a domain user who can read the "
                   "configuration and schema partitions, or check the values "
                   "with ADSI Edit.");
    sd_step_add(c->r, x, SD_STEP_LOOK, "Run srvdoctor again logged on with a "
                "domain account (or with --ldap-user and "
                "SRVDOCTOR_LDAP_PASSWORD).");
    sd_step_add(c->r, x, SD_STEP_LOOK, "If the values stay unreadable, open "
                "ADSI Edit (read only: do not change anything) and "
                "read rangeUpper of CN=ms-Exch-Schema-Version-Pt in the "
                "Schema partition, objectVersion of the organization under "
                "CN=Microsoft Exchange,CN=Services in the Configuration "
                "partition, and objectVersion of CN=Microsoft Exchange "
                "System Objects in the domain partition. SP2 needs %d, %d "
                "and %d.", SP2_SCHEMA, SP2_ORG, SP2_MESO);
  }
  if(!nd.schema && !nd.org && !nd.domain && !other_domains && !npartial &&
     !blockers &&
     s.state == SD_EXCH_AD_VALUE && o.state == SD_EXCH_AD_VALUE &&
     m.state == SD_EXCH_AD_VALUE) {
    sd_buf trap;
    sd_buf_init(&trap);
    if(s.v == 14622)
      sd_buf_puts(&trap, "Schema 14622 is shared by Exchange 2007 SP2 and "
                  "Exchange 2010 RTM. ");
    if(s.v > SP2_SCHEMA)
      sd_buf_printf(&trap, "The schema is already at %lld (%s), above SP2's "
                    "%d: SP2 needs no schema work here - do not run "
                    "/PrepareSchema or /PrepareAD from the SP2 media in "
                    "this forest (older setup media can refuse a schema "
                    "newer than its own). ", (long long)s.v,
                    sd_exch_known_name(c->r, &sd_exch_schema_versions,
                                       s.v), SP2_SCHEMA);
    if(s.v == 14625)
      sd_buf_puts(&trap, "As the forest already carries Exchange 2007 SP3's "
                  "schema, consider taking this server straight to SP3. ");
    if(o.v >= 12640)
      sd_buf_printf(&trap, "The organization was prepared by %s. ",
                    sd_exch_known_name(c->r, &sd_exch_org_versions, o.v));
    x = sd_exch_add(c, "AD-READY");
    sd_finding_msg(c->r, x, "Schema %lld, organization %lld and Microsoft "
                   "Exchange System Objects %lld are at or above SP2's "
                   "%d, %d and %d. %s", (long long)s.v, (long long)o.v,
                   (long long)m.v, SP2_SCHEMA, SP2_ORG, SP2_MESO,
                   trap.len ? trap.data : "");
    sd_ev_int(c->r, x, "schema_version", s.v);
    sd_ev_str(c->r, x, "schema_release",
              sd_exch_known_name(c->r, &sd_exch_schema_versions, s.v));
    sd_ev_int(c->r, x, "schema_version_needed", SP2_SCHEMA);
    sd_ev_int(c->r, x, "org_version", o.v);
    sd_ev_int(c->r, x, "org_version_needed", SP2_ORG);
    sd_ev_int(c->r, x, "meso_version", m.v);
    sd_ev_int(c->r, x, "meso_version_needed", SP2_MESO);
    if(c->gc_summary)
      sd_ev_str(c->r, x, "site_global_catalogs", c->gc_summary);
    if(c->mode_summary)
      sd_ev_str(c->r, x, "org_mixed_mode", c->mode_summary);
    sd_exch_ad_evidence(c, x);
    if(sd_exch_fsmo_os_below(ad) == SD_EXCH_OS_UNKNOWN && ad->fsmo_os)
      sd_ev_strf(c->r, x, "schema_master_os_unchecked", "%s %s", ad->fsmo_os,
                 sd_str_or(ad->fsmo_os_version, ""));
    sd_buf_free(&trap);
  }
  sd_buf_free(&partial);
  sd_buf_free(&newer);
}
