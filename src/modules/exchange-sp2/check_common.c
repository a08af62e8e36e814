/* common.c - helpers every part of the "exchange-sp2" check uses: new
 * findings, the list of unchecked prerequisites, "why not read", version
 * strings, the AD version tables and the evidence of AD findings. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

sd_finding *sd_exch_add(sd_exch_ctx *c, const char *code)
{
  return sd_result_code(c->r, c->codes, c->ncodes, code);
}

void sd_exch_note_unknown(sd_exch_ctx *c, const char *what,
                          const sd_fstate *st)
{
  if(c->nunknown++)
    sd_buf_puts(&c->unknown, "; ");
  if(st)
    sd_buf_printf(&c->unknown, "%s (%s)", what,
                  sd_str_or(st->why, sd_state_name(st->state)));
  else
    sd_buf_puts(&c->unknown, what);
}

const char *sd_exch_why_of(const sd_fstate *st)
{
  if(st->why && *st->why)
    return st->why;
  switch(st->state) {
  case SD_ST_NOT_COLLECTED: return "it was not collected";
  case SD_ST_ABSENT: return "it does not exist";
  case SD_ST_UNREADABLE: return "it could not be read";
  default: return "no reason recorded";
  }
}

void sd_exch_report_prereq_unknown(sd_exch_ctx *c)
{
  sd_finding *x;
  if(!c->nunknown)
    return;
  x = sd_exch_add(c, "EXCH-PREREQ-UNKNOWN");
  sd_finding_msg(c->r, x, "These SP2 prerequisites could not be checked: "
                 "%s. They are not known to be fine.", c->unknown.data);
  sd_ev_str(c->r, x, "unchecked", c->unknown.data);
  sd_ev_int(c->r, x, "count", c->nunknown);
  sd_fix_summary(c->r, x, "Run srvdoctor again elevated, or check these "
                 "items by hand before SP2 setup.");
  sd_exch_step_elevated(c, x);
  sd_step_add(c->r, x, SD_STEP_LOOK, "For anything still unchecked, compare "
              "by hand: x64 Windows Server 2003 SP2 or Windows Server 2008, "
              "Windows Installer 4.5 or later (right-click "
              "C:\\Windows\\System32\\msi.dll > Properties > Details: "
              "File version), no restart pending.");
}

void sd_exch_step_elevated(sd_exch_ctx *c, sd_finding *x)
{
  sd_step_add(c->r, x, SD_STEP_LOOK, "Open an elevated Command Prompt "
              "(right-click Command Prompt, Run as administrator) and run "
              "srvdoctor again from it:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
}

void sd_exch_step_recheck(sd_exch_ctx *c, sd_finding *x)
{
  sd_step_add(c->r, x, SD_STEP_LOOK, "Run srvdoctor again to confirm:");
  sd_step_cmd(c->r, x, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, x, "%s is no longer listed", x->code);
}

/* ---- versions ---- */

/* "8.1.240.6" -> sd_exch_ver.  Digits and dots only (surrounding blanks
 * allowed); anything else is refused so that a garbled value is never
 * compared. */
int sd_exch_ver_parse(const char *s, sd_exch_ver *out)
{
  sd_exch_ver v;
  memset(&v, 0, sizeof(v));
  if(!s)
    return -1;
  while(*s == ' ')
    s++;
  for(;;) {
    long x = 0;
    int digits = 0;
    while(*s >= '0' && *s <= '9') {
      if(digits++ >= 9)
        return -1;
      x = x * 10 + (*s - '0');
      s++;
    }
    if(!digits || v.n >= 4)
      return -1;
    v.part[v.n++] = x;
    if(*s != '.')
      break;
    s++;
  }
  while(*s == ' ')
    s++;
  if(*s || v.n < 2)
    return -1;
  *out = v;
  return 0;
}

/* ---- AD version values (facts §3.6) ----
 * The value each Exchange release writes: rangeUpper of
 * ms-Exch-Schema-Version-Pt (schema), objectVersion of the organization
 * (org) and of Microsoft Exchange System Objects (meso).  Ascending. */

static const sd_exch_known schema_known[] = {
  {4397, "Exchange 2000 RTM"}, {4406, "Exchange 2000 SP3"},
  {6870, "Exchange 2003"}, {10637, "Exchange 2007 RTM"},
  {11116, "Exchange 2007 SP1"},
  {14622, "Exchange 2007 SP2 or Exchange 2010 RTM"},
  {14625, "Exchange 2007 SP3"}, {14726, "Exchange 2010 SP1"},
  {14732, "Exchange 2010 SP2"}, {14734, "Exchange 2010 SP3"},
  {15137, "Exchange 2013 RTM"}, {15254, "Exchange 2013 CU1"},
  {15281, "Exchange 2013 CU2"}, {15312, "Exchange 2013 CU23"},
  {15317, "Exchange 2016 RTM"}, {15334, "Exchange 2016 CU23"},
  {17000, "Exchange 2019 RTM"},
  {17003, "Exchange 2019 CU15 or Exchange Server SE"},
};

static const sd_exch_known org_known[] = {
  {6903, "Exchange 2003"}, {10666, "Exchange 2007 RTM"},
  {11221, "Exchange 2007 SP1"}, {11222, "Exchange 2007 SP2 or SP3"},
  {12640, "Exchange 2010 RTM"}, {13214, "Exchange 2010 SP1"},
  {14247, "Exchange 2010 SP2"}, {14322, "Exchange 2010 SP3"},
  {15449, "Exchange 2013 RTM"}, {15614, "Exchange 2013 CU1"},
  {15688, "Exchange 2013 CU2"}, {16133, "Exchange 2013 CU23"},
  {16223, "Exchange 2016 CU23"},
  {16763, "Exchange 2019 CU15 or Exchange Server SE"},
};

static const sd_exch_known meso_known[] = {
  {4406, "Exchange 2000 SP3"}, {6936, "Exchange 2003"},
  {10628, "Exchange 2007 RTM"}, {11221, "Exchange 2007 SP1, SP2 or SP3"},
  {12639, "Exchange 2010 RTM"}, {13040, "Exchange 2010 SP1 to SP3"},
  {13236, "Exchange 2013 RTM to CU2"}, {13237, "Exchange 2013 CU23"},
  {13238, "Exchange 2013 CU23 with the May 2022 security update"},
  {13243, "Exchange 2016 CU23, Exchange 2019 CU15 or Exchange Server SE"},
};

const sd_exch_known_list sd_exch_schema_versions = {
  schema_known, SD_COUNTOF(schema_known)};
const sd_exch_known_list sd_exch_org_versions = {
  org_known, SD_COUNTOF(org_known)};
const sd_exch_known_list sd_exch_meso_versions = {
  meso_known, SD_COUNTOF(meso_known)};

int64_t sd_exch_known_newest(const sd_exch_known_list *t)
{
  return t->items[t->count - 1].value;
}

const char *sd_exch_known_name(sd_module_result *r,
                               const sd_exch_known_list *l, int64_t v)
{
  const sd_exch_known *t = l->items;
  size_t n = l->count;
  size_t i;
  for(i = 0; i < n; i++)
    if(t[i].value == v)
      return t[i].release;
  if(v > t[n - 1].value)
    return sd_arena_printf(r->arena, "newer than any release srvdoctor "
                           "knows (the newest it knows is %lld, %s)",
                           (long long)t[n - 1].value, t[n - 1].release);
  if(v < t[0].value)
    return "older than Exchange 2000";
  for(i = 1; i < n; i++)
    if(v < t[i].value)
      return sd_arena_printf(r->arena, "between %s and %s",
                             t[i - 1].release, t[i].release);
  return "an unknown release";
}

void sd_exch_ad_evidence(sd_exch_ctx *c, sd_finding *x)
{
  const sd_ad_facts *ad = c->ad;
  sd_ev_str(c->r, x, "dc", sd_str_or(ad->dns_host_name, sd_str_or(ad->dc,
                                                                  "")));
  if(ad->bind_method)
    sd_ev_str(c->r, x, "bind", ad->bind_method);
  if(ad->fsmo_dns_host || ad->fsmo_owner)
    sd_ev_str(c->r, x, "schema_master",
              sd_str_or(ad->fsmo_dns_host, ad->fsmo_owner));
  if(ad->fsmo_site)
    sd_ev_str(c->r, x, "schema_master_site", ad->fsmo_site);
  if(ad->fsmo_domain)
    sd_ev_str(c->r, x, "schema_master_domain", ad->fsmo_domain);
  /* Where this computer is, for `fleet` (where to prepare AD). */
  if(ad->local_site_st.state == SD_ST_READ && ad->local_site)
    sd_ev_str(c->r, x, "computer_site", ad->local_site);
  if(c->f->host.domain_st.state == SD_ST_READ && c->f->host.domain)
    sd_ev_str(c->r, x, "computer_domain", c->f->host.domain);
}
