/* ad_prep.c - exchange-sp2: the AD preparation SP2 needs
 * (/PrepareSchema, /PrepareAD, /PrepareDomain for every domain of the
 * forest) and duplicate Exchange containers. */
#include <string.h>

#include "check.h"

/* Where /PrepareSchema and /PrepareAD must run, in words. */
static const char *where_prep(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  const sd_host *h = &c->f->host;
  const char *dom = ad->fsmo_domain, *site = ad->fsmo_site;
  const char *verdict = "";
  if(!dom || !site)
    return sd_arena_printf(c->r->arena, "a computer in the same domain and "
                           "Active Directory site as the schema master (%s; "
                           "its domain and site could not be read)",
                           sd_str_or(ad->fsmo_dns_host,
                                     sd_str_or(ad->fsmo_owner, "unknown")));
  if(h->domain && ad->local_site_st.state == SD_ST_READ && ad->local_site) {
    if(sd_strieq(h->domain, dom) && sd_strieq(ad->local_site, site))
      verdict = " - this computer qualifies";
    else
      verdict = sd_arena_printf(c->r->arena, " - this computer (domain %s, "
                                "site %s) does not, use another one",
                                h->domain, ad->local_site);
  }
  return sd_arena_printf(c->r->arena, "a computer in domain %s and Active "
                         "Directory site %s, where the schema master %s "
                         "is%s", dom, site,
                         sd_str_or(ad->fsmo_dns_host, "(name unknown)"),
                         verdict);
}

/* The last step of a preparation finding: wait for replication, then
 * srvdoctor again (the value it must read). */
static void prep_recheck(sd_exch_ctx *c, sd_finding *x, const char *what,
                         int needed)
{
  sd_step_add(c->r, x, SD_STEP_LOOK, "Wait until the change has replicated "
              "to every domain controller, then run srvdoctor again: %s "
              "must read %d or more.", what, needed);
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, x, "%s is no longer listed", x->code);
}

static void prep_machine_steps(sd_exch_ctx *c, sd_finding *x,
                               const char *groups)
{
  sd_step_add(c->r, x, SD_STEP_LOOK, "Choose the computer to run it on: %s. "
              "It must run x64 Windows Server 2003 SP2 or Windows Server "
              "2008 with Windows Installer 4.5 (Windows Server 2008 SP2 "
              "includes it).", where_prep(c));
  sd_step_add(c->r, x, SD_STEP_LOOK, "Log on to it with an account that is "
              "a member of %s and of the local Administrators group.",
              groups);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Copy the Exchange 2007 SP2 media "
              "(x64) to a local folder and open an elevated Command Prompt "
              "in the folder that holds Setup.com.");
}

/* The evidence every preparation finding carries: the value AD holds under
 * key (or `none` when there is no such object), the object's DN under
 * dn_key (NULL: none to give), the value SP2 needs under "<key>_needed", and
 * the domain controller that said so. */
static void prep_evidence(sd_exch_ctx *c, sd_finding *x,
                          const sd_exch_adval *v, const char *key,
                          const char *dn_key, const char *none, int needed)
{
  if(v->state == SD_EXCH_AD_NONE) {
    sd_ev_str(c->r, x, key, none);
  }
  else {
    sd_ev_int(c->r, x, key, v->v);
    if(dn_key)
      sd_ev_str(c->r, x, dn_key, sd_str_or(v->dn, ""));
  }
  sd_ev_int(c->r, x, sd_arena_printf(c->r->arena, "%s_needed", key), needed);
  sd_exch_ad_evidence(c, x);
}

void sd_exch_report_schema_prep(sd_exch_ctx *c, const sd_exch_adval *s)
{
  sd_finding *x = sd_exch_add(c, "AD-SCHEMA-PREP-NEEDED");
  if(s->state == SD_EXCH_AD_NONE)
    sd_finding_msg(c->r, x, "The Active Directory schema was never extended "
                   "for Exchange (CN=ms-Exch-Schema-Version-Pt does not "
                   "exist). SP2 needs rangeUpper %d.", SP2_SCHEMA);
  else
    sd_finding_msg(c->r, x, "The Exchange schema version (rangeUpper of "
                   "ms-Exch-Schema-Version-Pt) is %lld (%s); SP2 needs %d.",
                   (long long)s->v,
                   sd_exch_known_name(c->r, &sd_exch_schema_versions, s->v),
                   SP2_SCHEMA);
  prep_evidence(c, x, s, "schema_version", NULL, "not extended", SP2_SCHEMA);
  sd_fix_summary(c->r, x, "Run Setup.com /PrepareSchema from the SP2 media "
                 "as a member of Schema Admins and Enterprise Admins, in "
                 "the schema master's domain and site.");
  prep_machine_steps(c, x, "Schema Admins and Enterprise Admins");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Extend the schema (a forest-wide "
              "change that cannot be undone):");
  sd_step_cmd(c->r, x, "%s /PrepareSchema", SETUP);
  prep_recheck(c, x, "the schema version", SP2_SCHEMA);
}

void sd_exch_report_org_prep(sd_exch_ctx *c, const sd_exch_adval *o)
{
  sd_finding *x = sd_exch_add(c, "AD-ORG-PREP-NEEDED");
  if(o->state == SD_EXCH_AD_NONE)
    sd_finding_msg(c->r, x, "No Exchange organization exists under "
                   "CN=Microsoft Exchange,CN=Services in the configuration "
                   "partition. /PrepareAD creates it at objectVersion %d.",
                   SP2_ORG);
  else
    sd_finding_msg(c->r, x, "The Exchange organization's objectVersion is "
                   "%lld (%s); SP2 needs %d.", (long long)o->v,
                   sd_exch_known_name(c->r, &sd_exch_org_versions, o->v),
                   SP2_ORG);
  prep_evidence(c, x, o, "org_version", "org_dn", "no organization",
                SP2_ORG);
  sd_fix_summary(c->r, x, "Run Setup.com /PrepareAD from the SP2 media as a "
                 "member of Enterprise Admins, in the schema master's "
                 "domain and site.");
  prep_machine_steps(c, x, "Enterprise Admins (and Schema Admins if the "
                     "schema still needs extending)");
  if(o->state == SD_EXCH_AD_NONE) {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "Create the organization: run %s "
                "/PrepareAD with /OrganizationName: followed by the name "
                "of the new Exchange organization in quotes (srvdoctor "
                "cannot know the name: the Exchange administrator chooses "
                "it; it cannot be changed later). This also runs "
                "/PrepareSchema when needed and prepares the local domain.",
                SETUP);
  }
  else {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "Prepare the organization (this "
                "also prepares the domain of the computer it runs on):");
    sd_step_cmd(c->r, x, "%s /PrepareAD", SETUP);
  }
  if(c->ad->schema_st.state == SD_ST_READ &&
     c->ad->schema_version > SP2_SCHEMA)
    sd_step_add(c->r, x, SD_STEP_LOOK, "Caution: the schema is already at "
                "%lld (%s), "
                "newer than the SP2 media's %d. Older setup media can refuse "
                "a schema newer than its own; if SP2's /PrepareAD does, run "
                "/PrepareAD from the media of the release that extended the "
                "schema.", (long long)c->ad->schema_version,
                sd_exch_known_name(c->r, &sd_exch_schema_versions,
                                   c->ad->schema_version), SP2_SCHEMA);
  prep_recheck(c, x, "the organization's objectVersion", SP2_ORG);
}

/* AD-DOMAIN-PREP-NEEDED for domain dom (its DNS name when known); local:
 * the domain of the DC that was queried, whose preparation the rights
 * check and /PrepareAD also cover. */
sd_finding *sd_exch_report_domain_prep(sd_exch_ctx *c,
                                       const sd_exch_adval *m,
                                       const char *dom, const char *fqdn,
                                       int local)
{
  sd_finding *x = sd_exch_add(c, "AD-DOMAIN-PREP-NEEDED");
  if(m->state == SD_EXCH_AD_NONE)
    sd_finding_msg(c->r, x, "Domain %s has no Microsoft Exchange System "
                   "Objects container: it was never prepared for Exchange. "
                   "SP2 needs objectVersion %d there.", dom, SP2_MESO);
  else
    sd_finding_msg(c->r, x, "The Microsoft Exchange System Objects "
                   "container of domain %s has objectVersion %lld (%s); SP2 "
                   "needs %d.", dom, (long long)m->v,
                   sd_exch_known_name(c->r, &sd_exch_meso_versions, m->v),
                   SP2_MESO);
  sd_ev_str(c->r, x, "domain", dom);
  if(!local)
    sd_ev_str(c->r, x, "domain_of_queried_dc", "no");
  prep_evidence(c, x, m, "meso_version", "meso_dn", "no container",
                SP2_MESO);
  sd_fix_summary(c->r, x, "Run Setup.com /PrepareDomain%s%s from the SP2 "
                 "media as a member of Domain Admins of domain %s (or "
                 "/PrepareAllDomains as an Enterprise Admin).",
                 fqdn ? ":" : "", fqdn ? fqdn : "", dom);
  if(local)
    sd_step_add(c->r, x, SD_STEP_LOOK, "If AD-ORG-PREP-NEEDED is also "
                "reported, do that first: /PrepareAD prepares the domain it "
                "runs in as well, and this finding may then be gone.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Log on to a computer of the forest "
              "(x64, Windows Server 2003 SP2 or Windows Server 2008, "
              "Windows Installer 4.5) with an account in Domain Admins of "
              "%s and the local Administrators group.", dom);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Open an elevated Command Prompt in "
              "the folder of the SP2 media that holds Setup.com.");
  if(fqdn) {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "Prepare domain %s:", fqdn);
    sd_step_cmd(c->r, x, "%s /PrepareDomain:%s", SETUP, fqdn);
  }
  else {
    sd_step_add(c->r, x, SD_STEP_CHANGE, "On a computer in that domain, "
                "prepare it:");
    sd_step_cmd(c->r, x, "%s /PrepareDomain", SETUP);
  }
  sd_step_alt(c->r, x, SD_STEP_CHANGE, "Or, as an Enterprise Admin, prepare "
              "every domain of the forest at once (use one way, not both):");
  sd_step_cmd(c->r, x, "%s /PrepareAllDomains", SETUP);
  prep_recheck(c, x, "the container's objectVersion", SP2_MESO);
  return x;
}

/* The other domains of the forest (sd_ad_facts.domains): each one that
 * needs /PrepareDomain gets its finding; each one that could not be read
 * is named in *partial.  Returns how many need it. */
int sd_exch_check_forest_domains(sd_exch_ctx *c, sd_buf *partial,
                                 int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  sd_finding *x;
  size_t i;
  int n = 0;
  if(ad->domains_st.state != SD_ST_READ) {
    sd_buf_printf(partial, "%sthe forest's other domains (%s)",
                  (*npartial)++ ? "; " : "", sd_exch_why_of(&ad->domains_st));
    return 0;
  }
  for(i = 0; i < ad->ndomains; i++) {
    const sd_ad_domain *d = &ad->domains[i];
    const char *name = sd_str_or(d->dns, sd_str_or(d->nc, "?"));
    sd_exch_adval v;
    if(!d->nc || (ad->default_nc && sd_strieq(d->nc, ad->default_nc)))
      continue; /* the queried DC's own domain: checked above */
    memset(&v, 0, sizeof(v));
    v.dn = d->meso_dn;
    if(d->meso_st.state == SD_ST_READ) {
      v.state = SD_EXCH_AD_VALUE;
      v.v = d->meso_version;
    }
    else if(d->meso_st.state == SD_ST_ABSENT) {
      v.state = SD_EXCH_AD_NONE;
    }
    else {
      sd_buf_printf(partial, "%sMicrosoft Exchange System Objects of domain "
                    "%s (%s)", (*npartial)++ ? "; " : "", name,
                    sd_exch_why_of(&d->meso_st));
      continue;
    }
    if(v.state == SD_EXCH_AD_VALUE && v.v >= SP2_MESO)
      continue;
    x = sd_exch_report_domain_prep(c, &v, name, d->dns, 0);
    if(d->dc)
      sd_ev_str(c->r, x, "meso_read_from", d->dc);
    n++;
  }
  return n;
}

void sd_exch_report_duplicates(sd_exch_ctx *c, const char *what,
                               const char *attr, const sd_ad_object *items,
                               size_t n)
{
  sd_buf list;
  size_t i;
  sd_finding *x;
  sd_buf_init(&list);
  for(i = 0; i < n; i++) {
    if(i)
      sd_buf_puts(&list, "; ");
    if(items[i].version_st.state == SD_ST_READ)
      sd_buf_printf(&list, "%s (objectVersion %lld)",
                    sd_str_or(items[i].dn, "?"),
                    (long long)items[i].object_version);
    else
      sd_buf_printf(&list, "%s (objectVersion not read)",
                    sd_str_or(items[i].dn, "?"));
  }
  x = sd_exch_add(c, "AD-DUPLICATE-OBJECTS");
  sd_finding_msg(c->r, x, "Active Directory holds %u %s where Exchange "
                 "expects one: %s. A duplicate (often a replication "
                 "conflict object whose name contains CNF:) confuses setup's "
                 "version checks.", (unsigned)n, what, list.data);
  sd_ev_str(c->r, x, attr, list.data);
  sd_ev_int(c->r, x, "count", (int64_t)n);
  sd_fix_summary(c->r, x, "Find out which object is the real one and remove "
                 "the duplicate with ADSI Edit, after a backup.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Open ADSI Edit and look at the "
              "objects listed above without changing anything; the one "
              "whose name contains \"CNF:\" is normally the conflict "
              "copy.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "If you are not certain which one "
              "Exchange uses, stop here and hand this finding to the Active "
              "Directory administrator (or open a case with Microsoft "
              "support).");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Take a system state backup of a "
              "domain controller, then delete the conflict copy in ADSI "
              "Edit and let it replicate.");
  sd_step_when(c->r, x, "Only if step 1 showed exactly one object with "
               "\"CNF:\" in its name and step 2 left no doubt");
  sd_exch_step_recheck(c, x);
  sd_buf_free(&list);
}
