/* ad_dc.c - exchange-sp2: the domain controllers Exchange talks to: the
 * schema master, the domain mode and the queried DC's health. */
#include <string.h>

#include "check.h"

/* Parse "5.2 (3790)" into major/minor. */
static int os_version_of(const char *s, unsigned *maj, unsigned *min)
{
  unsigned a = 0, b = 0;
  int da = 0, db = 0;
  if(!s)
    return -1;
  while(*s >= '0' && *s <= '9' && da < 4) {
    a = a * 10 + (unsigned)(*s++ - '0');
    da++;
  }
  if(!da || *s++ != '.')
    return -1;
  while(*s >= '0' && *s <= '9' && db < 4) {
    b = b * 10 + (unsigned)(*s++ - '0');
    db++;
  }
  if(!db)
    return -1;
  *maj = a;
  *min = b;
  return 0;
}

/* The oldest Windows a domain controller that Exchange 2007 talks to may
 * run - the schema master and the global catalogs of an Exchange site:
 * Windows Server 2003 SP1 (Exchange 2007 System Requirements, facts §3.2
 * [SYSREQ]; ExBPA schema master article [SMFSMO]).  "Windows Server 2003"
 * with an empty service pack is below it. */
const sd_exch_min_os sd_exch_dc_os_min = {5, 2, 1,
                                          "Windows Server 2003 SP1"};

/* Below sd_exch_dc_os_min, fine, or not known / not Windows. */
sd_exch_os_fit sd_exch_dc_os_below(const sd_fstate *st, const char *os,
                                   const char *version, const char *sp)
{
  unsigned maj, min;
  if(st->state != SD_ST_READ || !os || !sd_stristr(os, "Windows"))
    return SD_EXCH_OS_UNKNOWN;
  if(os_version_of(version, &maj, &min))
    return SD_EXCH_OS_UNKNOWN;
  if(maj < sd_exch_dc_os_min.major ||
     (maj == sd_exch_dc_os_min.major && min < sd_exch_dc_os_min.minor))
    return SD_EXCH_OS_BELOW;
  if(maj == sd_exch_dc_os_min.major && min == sd_exch_dc_os_min.minor &&
     sd_exch_dc_os_min.needs_sp && (!sp || !*sp))
    return SD_EXCH_OS_BELOW;
  return SD_EXCH_OS_FIT;
}

sd_exch_os_fit sd_exch_fsmo_os_below(const sd_ad_facts *ad)
{
  return sd_exch_dc_os_below(&ad->fsmo_os_st, ad->fsmo_os,
                             ad->fsmo_os_version, ad->fsmo_os_sp);
}

/* AD-SCHEMA-MASTER's message: a deleted holder, a Windows too old, or no
 * answer. */
static void schema_master_msg(sd_exch_ctx *c, sd_finding *x, int deleted,
                              sd_exch_os_fit below)
{
  const sd_ad_facts *ad = c->ad;
  if(deleted)
    sd_finding_msg(c->r, x, "The schema master role points to a domain "
                   "controller that has been deleted (%s). Exchange setup "
                   "cannot prepare the schema or the organization until the "
                   "role is moved to a live domain controller.",
                   ad->fsmo_owner);
  else if(below == SD_EXCH_OS_BELOW)
    sd_finding_msg(c->r, x, "The schema master %s runs %s %s %s; Exchange "
                   "2007 setup needs the schema master on Windows Server "
                   "2003 SP1 or later.",
                   sd_str_or(ad->fsmo_dns_host, "(name unknown)"),
                   sd_str_or(ad->fsmo_os, ""),
                   sd_str_or(ad->fsmo_os_version, ""),
                   sd_str_or(ad->fsmo_os_sp, "(no service pack)"));
  else
    sd_finding_msg(c->r, x, "The schema master %s did not answer (%s); "
                   "/PrepareSchema and /PrepareAD write to it and will fail.",
                   sd_str_or(ad->fsmo_dns_host, "(name unknown)"),
                   sd_exch_why_of(&ad->fsmo_reach_st));
}

/* AD-SCHEMA-MASTER for a deleted or too old holder: move (or seize) the
 * role. */
static void move_role_steps(sd_exch_ctx *c, sd_finding *x)
{
  sd_fix_summary(c->r, x, "Move (or, if the old holder is gone, seize) "
                 "the schema master role to a domain controller running "
                 "Windows Server 2003 SP1 or later.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Check which domain controller "
              "holds the schema master role now (read-only):");
  sd_step_cmd(c->r, x, "netdom query fsmo");
  sd_step_expect(c->r, x, "a line that starts with Schema master followed "
                 "by a domain controller name");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Moving (or seizing) the schema "
              "master is a forest-wide change for a member of Schema "
              "Admins: hand this finding to the Active Directory "
              "administrator. srvdoctor prints no ntdsutil commands for "
              "it; seizing is only for a holder that is gone for good.");
  sd_exch_step_recheck(c, x);
}

/* AD-SCHEMA-MASTER for a holder that did not answer: make it reachable. */
static void reach_steps(sd_exch_ctx *c, sd_finding *x)
{
  const sd_ad_facts *ad = c->ad;
  sd_fix_summary(c->r, x, "Make the schema master reachable (or move the "
                 "role) before running the AD preparation.");
  if(ad->fsmo_dns_host) {
    sd_step_add(c->r, x, SD_STEP_LOOK, "From this computer, check that "
                "the schema master answers:");
    sd_step_cmd(c->r, x, "ping %s", ad->fsmo_dns_host);
    sd_step_expect(c->r, x, "lines starting with \"Reply from\"");
  }
  else {
    sd_step_add(c->r, x, SD_STEP_LOOK, "Check which domain controller "
                "holds the schema master role (read-only):");
    sd_step_cmd(c->r, x, "netdom query fsmo");
  }
  sd_step_add(c->r, x, SD_STEP_LOOK, "If it does not answer, hand this "
              "finding to the Active Directory administrator: the domain "
              "controller must be running with its LDAP port (389) open "
              "through any firewall, or the role moved.");
  sd_exch_step_recheck(c, x);
}

int sd_exch_check_schema_master(sd_exch_ctx *c, int prep_needed)
{
  const sd_ad_facts *ad = c->ad;
  sd_exch_os_fit below = sd_exch_fsmo_os_below(ad);
  /* A deleted object's DN carries "\0ADEL:<guid>" (an escaped line
   * feed), or a raw line feed when the escape was decoded. */
  int deleted = ad->fsmo_st.state == SD_ST_READ && ad->fsmo_owner &&
                (sd_stristr(ad->fsmo_owner, "\\0ADEL:") != NULL ||
                 strstr(ad->fsmo_owner, "\nDEL:") != NULL);
  int unreachable = ad->fsmo_reach_st.state == SD_ST_UNREADABLE;
  sd_finding *x;
  if(below != SD_EXCH_OS_BELOW && !deleted && !(unreachable && prep_needed))
    return 0;
  x = sd_exch_add(c, "AD-SCHEMA-MASTER");
  schema_master_msg(c, x, deleted, below);
  sd_exch_ad_evidence(c, x);
  if(ad->fsmo_owner)
    sd_ev_str(c->r, x, "schema_master_ntds_settings", ad->fsmo_owner);
  if(ad->fsmo_os)
    sd_ev_strf(c->r, x, "schema_master_os", "%s %s %s", ad->fsmo_os,
               sd_str_or(ad->fsmo_os_version, ""),
               sd_str_or(ad->fsmo_os_sp, ""));
  sd_ev_str(c->r, x, "needed", "a reachable schema master on Windows Server "
            "2003 SP1 or later");
  if(unreachable)
    sd_ev_str(c->r, x, "reach", sd_exch_why_of(&ad->fsmo_reach_st));
  if(deleted || below == SD_EXCH_OS_BELOW)
    move_role_steps(c, x);
  else
    reach_steps(c, x);
  return 1;
}

int sd_exch_check_domain_mode(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  const char *dom = sd_str_or(ad->domain_dns, sd_str_or(ad->default_nc,
                                                       "this domain"));
  sd_finding *x;
  if(ad->domain_mode_st.state != SD_ST_READ || ad->nt_mixed_domain != 1)
    return 0;
  x = sd_exch_add(c, "AD-DOMAIN-MODE");
  sd_finding_msg(c->r, x, "Domain %s is in mixed mode (nTMixedDomain = 1). "
                 "Exchange 2007 needs every domain with Exchange servers or "
                 "recipients at Windows 2000 native mode or higher.", dom);
  sd_ev_str(c->r, x, "domain", dom);
  sd_ev_int(c->r, x, "nt_mixed_domain", ad->nt_mixed_domain);
  if(ad->domain_behavior >= 0)
    sd_ev_int(c->r, x, "domain_functional_level", ad->domain_behavior);
  sd_ev_str(c->r, x, "needed", "Windows 2000 native mode or higher "
            "(nTMixedDomain = 0)");
  sd_fix_summary(c->r, x, "Raise the domain to Windows 2000 native (or "
                 "Windows Server 2003) mode once no Windows NT 4.0 domain "
                 "controllers are left.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Make sure no Windows NT 4.0 backup "
              "domain controllers remain in domain %s (ask the Active "
              "Directory administrator).", dom);
  sd_step_add(c->r, x, SD_STEP_CHANGE, "As a Domain Admin, open Active "
              "Directory Domains and Trusts, right-click domain %s, choose "
              "Raise Domain Functional Level (Windows 2000: Properties > "
              "Change Mode) and raise it. This cannot be undone.", dom);
  sd_step_when(c->r, x, "Only if step %u confirmed that no Windows NT 4.0 "
               "domain controller is left", sd_step_number(x) - 1);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Wait for Active Directory "
              "replication, then run srvdoctor again to confirm:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, x, "AD-DOMAIN-MODE is no longer listed");
  return 1;
}

void sd_exch_check_dc_health(sd_exch_ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  int not_sync = ad->is_synchronized && sd_strieq(ad->is_synchronized,
                                                  "FALSE");
  int64_t skew = 0;
  int skewed = 0;
  sd_finding *x;
  if(ad->dc_time != SD_TIME_NONE && c->f->collected_at != SD_TIME_NONE) {
    skew = ad->dc_time - c->f->collected_at;
    skewed = skew > KERBEROS_SKEW_S || skew < -KERBEROS_SKEW_S;
  }
  if(!not_sync && !skewed)
    return;
  x = sd_exch_add(c, "AD-DC-NOT-READY");
  if(not_sync && skewed)
    sd_finding_msg(c->r, x, "Domain controller %s has not finished its "
                   "initial synchronization, and its clock differs from "
                   "this computer's by %lld seconds.",
                   sd_str_or(ad->dns_host_name, ad->dc), (long long)skew);
  else if(not_sync)
    sd_finding_msg(c->r, x, "Domain controller %s reports isSynchronized = "
                   "FALSE: it has not finished its initial synchronization, "
                   "so the values it returns may be old.",
                   sd_str_or(ad->dns_host_name, ad->dc));
  else
    sd_finding_msg(c->r, x, "The clock of domain controller %s differs from "
                   "this computer's by %lld seconds; Kerberos allows 300.",
                   sd_str_or(ad->dns_host_name, ad->dc), (long long)skew);
  sd_ev_str(c->r, x, "dc", sd_str_or(ad->dns_host_name, ad->dc));
  if(ad->is_synchronized)
    sd_ev_str(c->r, x, "is_synchronized", ad->is_synchronized);
  if(ad->dc_time != SD_TIME_NONE) {
    char t[32];
    sd_time_format(ad->dc_time, t);
    sd_ev_str(c->r, x, "dc_time", t);
    sd_ev_int(c->r, x, "clock_skew_seconds", skew);
    sd_ev_int(c->r, x, "clock_skew_allowed", KERBEROS_SKEW_S);
  }
  sd_fix_summary(c->r, x, "Let the domain controller finish replicating and "
                 "correct the time before the AD preparation.");
  if(not_sync) {
    sd_step_add(c->r, x, SD_STEP_LOOK, "On the domain controller, look at "
                "its replication (read-only) and wait until every partition "
                "has replicated successfully:");
    sd_step_cmd(c->r, x, "repadmin /showrepl");
  }
  if(skewed) {
    sd_step_add(c->r, x, SD_STEP_LOOK, "Compare the clocks: the time of "
                "this computer and of the domain controller (the domain's "
                "time comes from the PDC emulator of the forest root "
                "domain).");
    sd_step_add(c->r, x, SD_STEP_CHANGE, "Correct this computer's clock "
                "from the domain's time source:");
    sd_step_cmd(c->r, x, "w32tm /resync");
    sd_step_expect(c->r, x, "\"The command completed successfully.\"");
  }
  sd_exch_step_recheck(c, x);
}
