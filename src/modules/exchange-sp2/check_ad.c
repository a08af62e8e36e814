/* ad.c - exchange-sp2: Active Directory readiness for SP2: the schema,
 * organization and domain versions, and the AD findings that sum it up
 * (unreachable, partial, newer than known, ready). */
#include <string.h>

#include "check.h"

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

/* AD-UNREACHABLE: Active Directory could not be queried at all; the
 * figures say why. */
static void report_unreachable(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  sd_exch_adval none;
  sd_finding *x = sd_exch_add(c, "AD-UNREACHABLE");
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
  memset(&none, 0, sizeof(none));
  none.why = "Active Directory could not be queried";
  ad_figures(c, &none, &none, &none);
}

/* The schema, organization and domain (Microsoft Exchange System Objects
 * of this domain preferred) version values read from AD. */
static void read_versions(sd_exch_ctx *c, sd_exch_adval *s, sd_exch_adval *o,
                          sd_exch_adval *m)
{
  const sd_ad_facts *ad = c->ad;
  const char *meso_dn = NULL;
  memset(s, 0, sizeof(*s));
  if(ad->schema_st.state == SD_ST_READ) {
    s->state = SD_EXCH_AD_VALUE;
    s->v = ad->schema_version;
  }
  else if(ad->schema_st.state == SD_ST_ABSENT) {
    s->state = SD_EXCH_AD_NONE;
  }
  else {
    s->why = sd_exch_why_of(&ad->schema_st);
  }
  pick_version(&ad->org_st, ad->orgs, ad->norgs, NULL, o);
  if(ad->default_nc)
    meso_dn = sd_arena_printf(c->r->arena, "CN=Microsoft Exchange System "
                              "Objects,%s", ad->default_nc);
  pick_version(&ad->meso_st, ad->mesos, ad->nmesos, meso_dn, m);
}

/* Add "what (why)" to the values AD-PARTIAL names. */
static void note_partial(sd_buf *partial, int *npartial, const char *what,
                         const char *why)
{
  sd_buf_printf(partial, "%s%s (%s)", (*npartial)++ ? "; " : "", what, why);
}

/* The version values that could not be read, for AD-PARTIAL. */
static void note_unread_versions(sd_buf *partial, int *npartial,
                                 const sd_exch_adval *s,
                                 const sd_exch_adval *o,
                                 const sd_exch_adval *m)
{
  if(s->state == SD_EXCH_AD_UNREAD)
    note_partial(partial, npartial, "schema version", s->why);
  if(o->state == SD_EXCH_AD_UNREAD)
    note_partial(partial, npartial, "organization objectVersion", o->why);
  if(m->state == SD_EXCH_AD_UNREAD)
    note_partial(partial, npartial, "Microsoft Exchange System Objects "
                 "objectVersion", m->why);
}

/* The domain mode and the schema master (when the schema or organization
 * needs preparing) that could not be read, for AD-PARTIAL. */
static void note_unread_dcs(sd_exch_ctx *c, const sd_exch_need *nd,
                            sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  if(ad->domain_mode_st.state != SD_ST_READ &&
     ad->domain_mode_st.state != SD_ST_ABSENT)
    note_partial(partial, npartial, "domain mode",
                 sd_exch_why_of(&ad->domain_mode_st));
  if(sd_exch_fsmo_os_below(ad) == SD_EXCH_OS_UNKNOWN &&
     ad->fsmo_st.state != SD_ST_READ &&
     (nd->schema || nd->org))
    note_partial(partial, npartial, "schema master",
                 sd_exch_why_of(&ad->fsmo_st));
}

/* An absent value needs its preparation like one below SP2's. */
static int needs_prep(const sd_exch_adval *v, int64_t needed)
{
  return v->state == SD_EXCH_AD_NONE ||
         (v->state == SD_EXCH_AD_VALUE && v->v < needed);
}

/* The preparation findings for the values below SP2's. */
static void report_preps(sd_exch_ctx *c, const sd_exch_need *nd,
                         const sd_exch_adval *s, const sd_exch_adval *o,
                         const sd_exch_adval *m)
{
  const sd_ad_facts *ad = c->ad;
  if(nd->schema)
    sd_exch_report_schema_prep(c, s);
  if(nd->org)
    sd_exch_report_org_prep(c, o);
  if(nd->domain)
    sd_exch_report_domain_prep(c, m, sd_str_or(ad->domain_dns,
                                               sd_str_or(ad->default_nc,
                                                         "this domain")),
                               ad->domain_dns, 1);
}

/* More than one organization or Microsoft Exchange System Objects
 * container. */
static void report_duplicate_containers(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  if(ad->org_st.state == SD_ST_READ && ad->norgs > 1)
    sd_exch_report_duplicates(c, "Exchange organization containers", "orgs",
                              ad->orgs, ad->norgs);
  if(ad->meso_st.state == SD_ST_READ && ad->nmesos > 1)
    sd_exch_report_duplicates(c, "Microsoft Exchange System Objects containers",
                              "mesos", ad->mesos, ad->nmesos);
}

/* Add "what value" to newer when the value is above the newest release
 * the table knows. */
static void note_newer(sd_buf *newer, const char *what,
                       const sd_exch_adval *v, const sd_exch_known_list *t)
{
  if(v->state == SD_EXCH_AD_VALUE && v->v > sd_exch_known_newest(t))
    sd_buf_printf(newer, "%s%s %lld", newer->len ? "; " : "", what,
                  (long long)v->v);
}

/* AD-VERSION-NEWER: values above the newest release srvdoctor knows. */
static void report_newer(sd_exch_ctx *c, const sd_exch_adval *s,
                         const sd_exch_adval *o, const sd_exch_adval *m)
{
  sd_buf newer;
  sd_finding *x;
  sd_buf_init(&newer);
  note_newer(&newer, "schema", s, &sd_exch_schema_versions);
  note_newer(&newer, "organization", o, &sd_exch_org_versions);
  note_newer(&newer, "Microsoft Exchange System Objects", m,
             &sd_exch_meso_versions);
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
  sd_buf_free(&newer);
}

/* AD-PARTIAL: the domain controller answered, but not every value the
 * check needs could be read. */
static void report_partial(sd_exch_ctx *c, const char *partial)
{
  const sd_ad_facts *ad = c->ad;
  sd_finding *x = sd_exch_add(c, "AD-PARTIAL");
  sd_finding_msg(c->r, x, "Domain controller %s answered, but these "
                 "values could not be read: %s. SP2's needs for them "
                 "were not checked.", sd_str_or(ad->dns_host_name, ad->dc),
                 partial);
  sd_ev_str(c->r, x, "unread", partial);
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

/* What AD-READY adds about values at or above SP2's: a shared schema
 * value, a schema SP2's media must not touch, SP3 and a later
 * organization. */
static void ready_notes(sd_exch_ctx *c, const sd_exch_adval *s,
                        const sd_exch_adval *o, sd_buf *trap)
{
  if(s->v == 14622)
    sd_buf_puts(trap, "Schema 14622 is shared by Exchange 2007 SP2 and "
                "Exchange 2010 RTM. ");
  if(s->v > SP2_SCHEMA)
    sd_buf_printf(trap, "The schema is already at %lld (%s), above SP2's "
                  "%d: SP2 needs no schema work here - do not run "
                  "/PrepareSchema or /PrepareAD from the SP2 media in "
                  "this forest (older setup media can refuse a schema "
                  "newer than its own). ", (long long)s->v,
                  sd_exch_known_name(c->r, &sd_exch_schema_versions,
                                     s->v), SP2_SCHEMA);
  if(s->v == 14625)
    sd_buf_puts(trap, "As the forest already carries Exchange 2007 SP3's "
                "schema, consider taking this server straight to SP3. ");
  if(o->v >= 12640)
    sd_buf_printf(trap, "The organization was prepared by %s. ",
                  sd_exch_known_name(c->r, &sd_exch_org_versions, o->v));
}

/* AD-READY: every value read and at or above SP2's, nothing blocking. */
static void report_ready(sd_exch_ctx *c, const sd_exch_adval *s,
                         const sd_exch_adval *o, const sd_exch_adval *m)
{
  const sd_ad_facts *ad = c->ad;
  sd_finding *x;
  sd_buf trap;
  sd_buf_init(&trap);
  ready_notes(c, s, o, &trap);
  x = sd_exch_add(c, "AD-READY");
  sd_finding_msg(c->r, x, "Schema %lld, organization %lld and Microsoft "
                 "Exchange System Objects %lld are at or above SP2's "
                 "%d, %d and %d. %s", (long long)s->v, (long long)o->v,
                 (long long)m->v, SP2_SCHEMA, SP2_ORG, SP2_MESO,
                 trap.len ? trap.data : "");
  sd_ev_int(c->r, x, "schema_version", s->v);
  sd_ev_str(c->r, x, "schema_release",
            sd_exch_known_name(c->r, &sd_exch_schema_versions, s->v));
  sd_ev_int(c->r, x, "schema_version_needed", SP2_SCHEMA);
  sd_ev_int(c->r, x, "org_version", o->v);
  sd_ev_int(c->r, x, "org_version_needed", SP2_ORG);
  sd_ev_int(c->r, x, "meso_version", m->v);
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

void sd_exch_check_ad(sd_exch_ctx *c)
{
  sd_exch_adval s, o, m;
  sd_exch_need nd;
  sd_buf partial;
  int npartial = 0, blockers = 0, other_domains = 0;
  if(c->ad->st.state != SD_ST_READ) {
    report_unreachable(c);
    return;
  }
  sd_buf_init(&partial);
  read_versions(c, &s, &o, &m);
  ad_figures(c, &s, &o, &m);
  note_unread_versions(&partial, &npartial, &s, &o, &m);
  nd.schema = needs_prep(&s, SP2_SCHEMA);
  nd.org = needs_prep(&o, SP2_ORG);
  nd.domain = needs_prep(&m, SP2_MESO);
  report_preps(c, &nd, &s, &o, &m);
  other_domains = sd_exch_check_forest_domains(c, &partial, &npartial);
  report_duplicate_containers(c);
  if(nd.schema || nd.org || nd.domain)
    sd_exch_check_rights(c, &nd);
  blockers += sd_exch_check_schema_master(c, nd.schema || nd.org);
  blockers += sd_exch_check_domain_mode(c);
  if(c->fresh)
    blockers += sd_exch_check_fresh_ad(c, &partial, &npartial);
  sd_exch_check_dc_health(c);
  note_unread_dcs(c, &nd, &partial, &npartial);
  report_newer(c, &s, &o, &m);
  if(npartial)
    report_partial(c, partial.data);
  if(!nd.schema && !nd.org && !nd.domain && !other_domains && !npartial &&
     !blockers &&
     s.state == SD_EXCH_AD_VALUE && o.state == SD_EXCH_AD_VALUE &&
     m.state == SD_EXCH_AD_VALUE)
    report_ready(c, &s, &o, &m);
  sd_buf_free(&partial);
}
