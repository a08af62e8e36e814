/* exchange_sp2.c - the "exchange-sp2" module: can this machine be taken to
 * Exchange Server 2007 Service Pack 2 right now, and if not, what first?
 *
 * A pure function of the facts: this machine's Exchange installation, its
 * MSI patches, pending-reboot flags, OS and Windows Installer version, the
 * running user's token groups and what a domain controller said.  Values
 * and their sources are in ../shared/facts/exchange.md; decisions taken
 * where the facts are silent are written down in docs/modules/exchange-sp2.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/module.h"

/* ---- what SP2 needs (facts §1.2, §3.4, §3.6) ---- */
#define SP2_BUILD "8.2.176.2"
#define SP2_SCHEMA 14622
#define SP2_ORG 11222
#define SP2_MESO 11221
#define RTM_FIRST_BUILD 685       /* 8.0 builds below this are pre-release */
#define KERBEROS_SKEW_S 300
#define SETUP "Setup.com"
/* Removes an Exchange 2007 patch (the patch code is the argument). */
#define MSI_REMOVE \
  "msiexec /i " SD_EXCH2007_PRODUCT_CODE " MSIPATCHREMOVE=%s /qb"

static const sd_code_info exch_codes[] = {
  {"EXCH-NOT-INSTALLED", "exchange-sp2", SD_SEV_INFO,
   "Exchange Server 2007 is not installed: the fresh-install path applies", 0},
  {"EXCH-OTHER-VERSION", "exchange-sp2", SD_SEV_INFO,
   "Another Exchange version is installed: this module does not apply", 0},
  {"EXCH-UPGRADE-PATH", "exchange-sp2", SD_SEV_INFO,
   "Exchange 2007 RTM or SP1 found: in-place upgrade to SP2 is supported", 0},
  {"EXCH-ALREADY-SP2", "exchange-sp2", SD_SEV_OK,
   "Exchange 2007 SP2 or later is already installed", 0},
  {"EXCH-PRERELEASE", "exchange-sp2", SD_SEV_CRITICAL,
   "A pre-release build of Exchange 2007 is installed and cannot be "
   "upgraded", 0},
  {"EXCH-UNKNOWN", "exchange-sp2", SD_SEV_UNKNOWN,
   "The Exchange installation or its build could not be read", 0},
  {"EXCH-INTERIM-UPDATE", "exchange-sp2", SD_SEV_CRITICAL,
   "An interim update is installed and blocks the SP2 upgrade", 1},
  {"EXCH-IU-MARKER", "exchange-sp2", SD_SEV_WARNING,
   "Exchange setup records an interim update that Windows Installer does "
   "not list", 0},
  {"EXCH-PATCH-UNCLASSIFIED", "exchange-sp2", SD_SEV_WARNING,
   "An Exchange 2007 patch could not be classified and may be an interim "
   "update", 0},
  {"EXCH-PATCHES-UNREADABLE", "exchange-sp2", SD_SEV_UNKNOWN,
   "The installed Exchange patches could not be read: interim updates not "
   "ruled out", 0},
  {"EXCH-SETUP-INCOMPLETE", "exchange-sp2", SD_SEV_CRITICAL,
   "An earlier Exchange setup did not finish", 0},
  {"EXCH-PENDING-REBOOT", "exchange-sp2", SD_SEV_CRITICAL,
   "A restart is pending and SP2 setup will refuse to start", 0},
  {"EXCH-REBOOT-RECOMMENDED", "exchange-sp2", SD_SEV_WARNING,
   "A restart is pending that setup does not check: restart first "
   "(recommended)", 0},
  {"EXCH-MSI-CACHE-MISSING", "exchange-sp2", SD_SEV_CRITICAL,
   "A Windows Installer package of Exchange is missing from the installer "
   "cache: SP2 setup and patch removal will fail", 0},
  {"EXCH-OS-UNSUPPORTED", "exchange-sp2", SD_SEV_CRITICAL,
   "The operating system or Windows Installer does not meet SP2's "
   "prerequisites", 0},
  {"EXCH-OS-32BIT", "exchange-sp2", SD_SEV_WARNING,
   "32-bit Windows: Exchange 2007 is supported in production only on x64", 0},
  {"EXCH-PREREQ-UNKNOWN", "exchange-sp2", SD_SEV_UNKNOWN,
   "Some SP2 prerequisites could not be checked", 0},
  {"AD-UNREACHABLE", "exchange-sp2", SD_SEV_UNKNOWN,
   "No domain controller could be queried: AD readiness not evaluated", 0},
  {"AD-PARTIAL", "exchange-sp2", SD_SEV_UNKNOWN,
   "Some Active Directory values could not be read: AD readiness only "
   "partly evaluated", 0},
  {"AD-SCHEMA-PREP-NEEDED", "exchange-sp2", SD_SEV_WARNING,
   "The AD schema is below the SP2 level: /PrepareSchema is needed", 0},
  {"AD-ORG-PREP-NEEDED", "exchange-sp2", SD_SEV_WARNING,
   "The Exchange organization is below the SP2 level: /PrepareAD is "
   "needed", 0},
  {"AD-DOMAIN-PREP-NEEDED", "exchange-sp2", SD_SEV_WARNING,
   "The domain is below the SP2 level: /PrepareDomain is needed", 0},
  {"AD-RIGHTS-MISSING", "exchange-sp2", SD_SEV_CRITICAL,
   "The current user lacks the group memberships the AD preparation "
   "needs", 0},
  {"AD-RIGHTS-UNKNOWN", "exchange-sp2", SD_SEV_UNKNOWN,
   "The current user's group memberships could not be checked", 0},
  {"AD-SCHEMA-MASTER", "exchange-sp2", SD_SEV_CRITICAL,
   "The schema master is unreachable or runs an OS below what Exchange "
   "2007 needs", 0},
  {"AD-GC-MISSING", "exchange-sp2", SD_SEV_CRITICAL,
   "No global catalog on Windows Server 2003 SP1 or later in this "
   "computer's Active Directory site", 0},
  {"AD-EXCHANGE55", "exchange-sp2", SD_SEV_CRITICAL,
   "The Exchange organization is in mixed mode (Exchange 5.5 may be left): "
   "Exchange 2007 needs native mode", 0},
  {"AD-DOMAIN-MODE", "exchange-sp2", SD_SEV_CRITICAL,
   "The domain is below Windows 2000 native mode", 0},
  {"AD-DUPLICATE-OBJECTS", "exchange-sp2", SD_SEV_WARNING,
   "More than one Exchange organization or system-objects container "
   "exists", 0},
  {"AD-DC-NOT-READY", "exchange-sp2", SD_SEV_WARNING,
   "The domain controller is not synchronized or its clock is off", 0},
  {"AD-VERSION-NEWER", "exchange-sp2", SD_SEV_INFO,
   "AD carries version values newer than srvdoctor knows", 0},
  {"AD-READY", "exchange-sp2", SD_SEV_OK,
   "Active Directory is already at or above what SP2 needs", 0},
};

/* ---- versions ---- */

typedef struct ver {
  int n;          /* parts read: 2..4 */
  long part[4];
} ver;

/* "8.1.240.6" -> ver.  Digits and dots only (surrounding blanks allowed);
 * anything else is refused so that a garbled value is never compared. */
static int ver_parse(const char *s, ver *out)
{
  ver v;
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

static const char *release_2007(long minor)
{
  switch(minor) {
  case 0: return "Exchange Server 2007 RTM";
  case 1: return "Exchange Server 2007 SP1";
  case 2: return "Exchange Server 2007 SP2";
  case 3: return "Exchange Server 2007 SP3";
  default: return "a later Exchange Server 2007 service pack";
  }
}

/* ---- AD version values (facts §3.6) ---- */

typedef struct known {
  int64_t value;
  const char *release;
} known;

static const known schema_known[] = {
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

static const known org_known[] = {
  {6903, "Exchange 2003"}, {10666, "Exchange 2007 RTM"},
  {11221, "Exchange 2007 SP1"}, {11222, "Exchange 2007 SP2 or SP3"},
  {12640, "Exchange 2010 RTM"}, {13214, "Exchange 2010 SP1"},
  {14247, "Exchange 2010 SP2"}, {14322, "Exchange 2010 SP3"},
  {15449, "Exchange 2013 RTM"}, {15614, "Exchange 2013 CU1"},
  {15688, "Exchange 2013 CU2"}, {16133, "Exchange 2013 CU23"},
  {16223, "Exchange 2016 CU23"},
  {16763, "Exchange 2019 CU15 or Exchange Server SE"},
};

static const known meso_known[] = {
  {4406, "Exchange 2000 SP3"}, {6936, "Exchange 2003"},
  {10628, "Exchange 2007 RTM"}, {11221, "Exchange 2007 SP1, SP2 or SP3"},
  {12639, "Exchange 2010 RTM"}, {13040, "Exchange 2010 SP1 to SP3"},
  {13236, "Exchange 2013 RTM to CU2"}, {13237, "Exchange 2013 CU23"},
  {13238, "Exchange 2013 CU23 with the May 2022 security update"},
  {13243, "Exchange 2016 CU23, Exchange 2019 CU15 or Exchange Server SE"},
};

/* Name the release a value belongs to, in words. */
static const char *known_name(sd_module_result *r, const known *t, size_t n,
                              int64_t v)
{
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

/* ---- the check's working state ---- */

typedef enum pclass { P_IU, P_UR, P_SECURITY, P_UNKNOWN } pclass;

typedef struct ctx {
  const sd_facts *f;
  const sd_exch_facts *x;
  const sd_ad_facts *ad;
  sd_module_result *r;
  sd_buf unknown;           /* prerequisites that could not be checked */
  int nunknown;
  int fresh;                /* the fresh-install path (nothing installed) */
  const char *gc_summary;   /* the global catalogs found fit (fresh) */
  const char *mode_summary; /* the organization's mode (fresh) */
} ctx;

/* A new finding with the severity and title its code has in exch_codes. */
static sd_finding *add(ctx *c, const char *code)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(exch_codes); i++)
    if(!strcmp(exch_codes[i].code, code))
      return sd_result_add(c->r, code, exch_codes[i].severity,
                           exch_codes[i].title);
  abort(); /* a programming error: every code used here is in the table */
}

static void note_unknown(ctx *c, const char *what, const sd_fstate *st)
{
  if(c->nunknown++)
    sd_buf_puts(&c->unknown, "; ");
  if(st)
    sd_buf_printf(&c->unknown, "%s (%s)", what,
                  sd_str_or(st->why, sd_state_name(st->state)));
  else
    sd_buf_puts(&c->unknown, what);
}

static const char *why_of(const sd_fstate *st)
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

/* ---- the installed build ---- */

typedef struct build {
  int known;
  ver v;
  const char *text;
  const char *source;       /* "ExSetup.exe", "registry", "Windows Installer" */
  int disagree;             /* the sources name different service packs */
} build;

static void find_build(const sd_exch_facts *x, build *b)
{
  struct {
    const sd_fstate *st;
    const char *text;
    const char *source;
  } src[3];
  size_t i;
  ver first;
  int have_first = 0;
  memset(b, 0, sizeof(*b));
  src[0].st = &x->exsetup_st;
  src[0].text = x->exsetup_version;
  src[0].source = "ExSetup.exe file version";
  src[1].st = &x->reg_version_st;
  src[1].text = x->reg_version;
  src[1].source = "registry (MsiProductMajor/Minor, MsiBuildMajor/Minor)";
  src[2].st = &x->msi_product_st;
  src[2].text = x->msi_product_version;
  src[2].source = "Windows Installer DisplayVersion";
  for(i = 0; i < 3; i++) {
    ver v;
    if(src[i].st->state != SD_ST_READ || ver_parse(src[i].text, &v))
      continue;
    if(!have_first) {
      first = v;
      have_first = 1;
      b->known = 1;
      b->v = v;
      b->text = src[i].text;
      b->source = src[i].source;
    }
    else if(v.part[0] != first.part[0] || v.part[1] != first.part[1]) {
      b->disagree = 1;
    }
  }
}

/* ---- patches ---- */

static pclass classify(const char *name)
{
  if(!name || !*name)
    return P_UNKNOWN;
  if(sd_stristr(name, "Interim Update"))
    return P_IU;
  if(sd_stristr(name, "Update Rollup"))
    return P_UR;
  if(sd_stristr(name, "Security Update"))
    return P_SECURITY;
  return P_UNKNOWN;
}

static const char *pclass_name(pclass p)
{
  switch(p) {
  case P_IU: return "interim update";
  case P_UR: return "update rollup";
  case P_SECURITY: return "security update";
  default: return "unknown";
  }
}

/* "KB123456" from a display name, or NULL. */
static const char *kb_of(sd_module_result *r, const char *name)
{
  const char *p = name;
  while(p && (p = sd_stristr(p, "KB")) != NULL) {
    size_t n = 0;
    while(p[2 + n] >= '0' && p[2 + n] <= '9')
      n++;
    if(n >= 5 && n <= 8)
      return sd_arena_printf(r->arena, "KB%.*s", (int)n, p + 2);
    p += 2;
  }
  return NULL;
}

/* The rollup number of "Update Rollup 9 for Exchange Server 2007 SP1". */
static long rollup_of(const char *name)
{
  const char *p = sd_stristr(name, "Update Rollup");
  long n = 0;
  int digits = 0;
  if(!p)
    return -1;
  p += strlen("Update Rollup");
  while(*p == ' ')
    p++;
  while(*p >= '0' && *p <= '9' && digits < 4) {
    n = n * 10 + (*p - '0');
    p++;
    digits++;
  }
  return digits ? n : -1;
}

static const char *patch_state_name(uint32_t s)
{
  switch(s) {
  case 1: return "applied";
  case 2: return "superseded";
  case 4: return "obsoleted";
  case 8: return "registered";
  default: return "unknown";
  }
}

static void patch_evidence(ctx *c, sd_finding *x, const sd_msi_patch *p)
{
  const char *kb = kb_of(c->r, p->display_name);
  sd_ev_str(c->r, x, "patch_code", p->patch_code);
  sd_ev_str(c->r, x, "display_name", sd_str_or(p->display_name, ""));
  if(kb)
    sd_ev_str(c->r, x, "kb", kb);
  sd_ev_str(c->r, x, "product_code", SD_EXCH2007_PRODUCT_CODE);
  sd_ev_str(c->r, x, "state", patch_state_name(p->state));
  sd_ev_bool(c->r, x, "uninstallable", p->uninstallable);
  if(p->install_date)
    sd_ev_str(c->r, x, "install_date", p->install_date);
  if(p->more_info_url)
    sd_ev_str(c->r, x, "more_info_url", p->more_info_url);
  sd_ev_str(c->r, x, "classified_as", pclass_name(classify(p->display_name)));
  sd_ev_str(c->r, x, "read_from", sd_str_or(p->source, "unknown"));
}

static int is_exch_patch(const sd_msi_patch *p)
{
  return p->product_code && sd_strieq(p->product_code,
                                      SD_EXCH2007_PRODUCT_CODE) &&
         p->patch_code && *p->patch_code;
}

static void report_iu(ctx *c, const sd_msi_patch *p)
{
  sd_module_result *r = c->r;
  const char *kb = kb_of(r, p->display_name);
  const char *name = sd_str_or(p->display_name, p->patch_code);
  sd_finding *x = add(c, "EXCH-INTERIM-UPDATE");
  sd_finding_msg(r, x, "%s (patch %s) is installed. Exchange 2007 SP2 setup "
                 "cannot run while any interim update is installed; it must "
                 "be uninstalled first.", name, p->patch_code);
  patch_evidence(c, x, p);
  if(!p->uninstallable) {
    sd_fix_summary(r, x, "Windows Installer marks this interim update as not "
                   "removable, so it cannot be uninstalled with the usual "
                   "command; get a removal procedure from whoever supplied "
                   "it (normally Microsoft support) before SP2 setup.");
    sd_fix_step(r, x, "Write down the patch code %s and the name \"%s\".",
                p->patch_code, name);
    sd_fix_step(r, x, "Open a case with Microsoft support (interim updates "
                "are issued through support cases) and ask how to remove "
                "this interim update before installing Exchange 2007 SP2.");
    sd_fix_step(r, x, "After it has been removed, run srvdoctor again; this "
                "finding must be gone.");
    return;
  }
  sd_fix_summary(r, x, "Uninstall %s before running SP2 setup.",
                 kb ? kb : "this interim update");
  sd_fix_step(r, x, "Plan a short outage (removing the update restarts "
              "the Exchange services) and log on to this server as a local "
              "administrator.");
  sd_fix_step(r, x, "Open an elevated Command Prompt (right-click Command "
              "Prompt, Run as administrator).");
  sd_fix_step(r, x, "Type this command exactly and press Enter: "
              MSI_REMOVE, p->patch_code);
  sd_fix_step(r, x, "Wait until the progress window closes. If it asks for "
              "a restart, restart the server.");
  sd_fix_step(r, x, "Alternatively: Control Panel > Programs and Features > "
              "View installed updates (Windows Server 2003: Add or Remove "
              "Programs with \"Show updates\" ticked), select \"%s\" and "
              "click Uninstall.", name);
  sd_fix_step(r, x, "Run srvdoctor again; this finding must be gone.");
  sd_fix_cmd(r, x, MSI_REMOVE, p->patch_code);
  x->fixable = 1;
  sd_fix_target(r, x, p->patch_code);
}

static void report_unclassified(ctx *c, const sd_msi_patch *p)
{
  sd_module_result *r = c->r;
  sd_finding *x = add(c, "EXCH-PATCH-UNCLASSIFIED");
  sd_finding_msg(r, x, "Windows Installer lists patch %s for Exchange 2007 "
                 "with the name \"%s\", which is neither an update rollup "
                 "nor an interim update by name. If it is an interim "
                 "update, SP2 setup will refuse to run.", p->patch_code,
                 sd_str_or(p->display_name, ""));
  patch_evidence(c, x, p);
  sd_fix_summary(r, x, "Find out what this patch is; if it is an interim "
                 "update, uninstall it before SP2 setup.");
  sd_fix_step(r, x, "Open Control Panel > Programs and Features > View "
              "installed updates (Windows Server 2003: Add or Remove "
              "Programs with \"Show updates\" ticked) and find the Exchange "
              "2007 entries.");
  sd_fix_step(r, x, "If an entry there is called \"Interim Update\" or has "
              "no name, it must be removed: from an elevated Command Prompt "
              "run " MSI_REMOVE, p->patch_code);
  sd_fix_step(r, x, "If it is an update rollup or a security update, "
              "nothing needs to be done for SP2.");
  sd_fix_cmd(r, x, MSI_REMOVE, p->patch_code);
}

typedef struct patch_summary {
  int read;               /* the patch list could be read */
  int ius;
  long rollup;            /* highest update rollup, -1 none */
  int rollups;
  int security;
} patch_summary;

static void check_patches(ctx *c, patch_summary *ps)
{
  const sd_msi_patch_list *l = &c->f->msi_patches;
  size_t i;
  memset(ps, 0, sizeof(*ps));
  ps->rollup = -1;
  if(l->st.state != SD_ST_READ) {
    sd_finding *x = add(c, "EXCH-PATCHES-UNREADABLE");
    sd_finding_msg(c->r, x, "The list of Windows Installer patches could not "
                   "be read (%s), so srvdoctor cannot tell whether an "
                   "interim update is installed. This is not the same as "
                   "\"no interim updates\": SP2 setup will still stop if "
                   "one is there.", why_of(&l->st));
    sd_ev_str(c->r, x, "patch_list_state", sd_state_name(l->st.state));
    sd_ev_str(c->r, x, "why", why_of(&l->st));
    if(l->method)
      sd_ev_str(c->r, x, "method", l->method);
    sd_ev_str(c->r, x, "product_code", SD_EXCH2007_PRODUCT_CODE);
    sd_fix_summary(c->r, x, "Check for interim updates by hand, or run "
                   "srvdoctor again elevated so it can read them.");
    sd_fix_step(c->r, x, "Run srvdoctor again from an elevated Command "
                "Prompt (right-click, Run as administrator).");
    sd_fix_step(c->r, x, "If this finding stays, open Control Panel > "
                "Programs and Features > View installed updates (Windows "
                "Server 2003: Add or Remove Programs with \"Show updates\" "
                "ticked) and look for entries named \"Interim Update\" under "
                "Microsoft Exchange Server 2007.");
    sd_fix_step(c->r, x, "Uninstall every such entry before SP2 setup.");
    return;
  }
  ps->read = 1;
  for(i = 0; i < l->count; i++) {
    const sd_msi_patch *p = &l->items[i];
    pclass k;
    if(!is_exch_patch(p))
      continue;
    k = classify(p->display_name);
    if(k == P_IU) {
      ps->ius++;
      report_iu(c, p);
    }
    else if(k == P_UR) {
      long n = rollup_of(p->display_name);
      ps->rollups++;
      if(n > ps->rollup)
        ps->rollup = n;
    }
    else if(k == P_SECURITY) {
      ps->security++;
    }
    else {
      report_unclassified(c, p);
    }
  }
  if(!ps->ius && c->x->iu_marker_st.state == SD_ST_READ && c->x->iu_marker &&
     *c->x->iu_marker && !sd_strieq(c->x->iu_marker, "None")) {
    sd_finding *x = add(c, "EXCH-IU-MARKER");
    sd_finding_msg(c->r, x, "The value InterimUpdate under "
                   "HKLM\\SOFTWARE\\Microsoft\\Exchange\\Setup reads \"%s\", "
                   "but Windows Installer lists no interim update for "
                   "Exchange 2007. Either the update was removed and the "
                   "value was left behind, or the update is registered in a "
                   "way srvdoctor cannot see.", c->x->iu_marker);
    sd_ev_str(c->r, x, "interim_update_value", c->x->iu_marker);
    sd_ev_int(c->r, x, "msi_interim_updates", 0);
    sd_fix_summary(c->r, x, "Confirm in Programs and Features that no "
                   "interim update is installed before SP2 setup.");
    sd_fix_step(c->r, x, "Open Control Panel > Programs and Features > View "
                "installed updates (Windows Server 2003: Add or Remove "
                "Programs with \"Show updates\" ticked).");
    sd_fix_step(c->r, x, "Look for an entry named \"Interim Update\" under "
                "Microsoft Exchange Server 2007 (the value above names it: "
                "%s).", c->x->iu_marker);
    sd_fix_step(c->r, x, "If it is there, uninstall it; if it is not, the "
                "value is a leftover and SP2 setup's own check decides.");
  }
}

/* ---- the Windows Installer cache ----
 *
 * Windows Installer keeps a copy of the product's .msi and of every
 * applied .msp in %windir%\Installer (the LocalPackage property, facts
 * §2.2 [MSI-PROP]); a service pack upgrade and the removal of a patch open
 * them, and fail when one is gone ("Troubleshooting Update Rollup
 * Installations", technet ff772434(v=exchg.80): the Windows Installer
 * directory may be missing .msp or .msi files; CSS-Exchange SetupAssist
 * "Msi Cache File" check and its FixInstallerCache script, facts §5.1).
 * Where each missing package can be found again: */
typedef struct cache_origin {
  const char *kind;       /* sd_exch_cached_pkg.kind */
  const char *where;      /* where an identical copy of the package is */
} cache_origin;

static const cache_origin cache_origins[] = {
  {"product", "the Exchange Server 2007 installation media of the release "
   "that is installed (the RTM or SP1 media, same language and processor "
   "type): the Windows Installer package (.msi) of Exchange on it"},
  {"patch", "the download of that update from Microsoft (Exchange 2007 "
   "update rollups are published as .msp files, "
   "Exchange2007-KB<number>-x64-<language>.msp; an interim update comes "
   "from the support case that supplied it)"},
};

static const char *cache_origin_of(const char *kind)
{
  size_t i;
  for(i = 0; kind && i < SD_COUNTOF(cache_origins); i++)
    if(!strcmp(cache_origins[i].kind, kind))
      return cache_origins[i].where;
  return "the original installation package";
}

static void check_msi_cache(ctx *c)
{
  const sd_exch_facts *x = c->x;
  sd_buf missing;
  size_t i;
  int n = 0, nvalue = 0;
  sd_finding *fd;
  if(x->msi_cache_st.state == SD_ST_ABSENT) {
    note_unknown(c, "the Windows Installer cache of Exchange (Windows "
                 "Installer has no per-machine registration of product "
                 SD_EXCH2007_PRODUCT_CODE ")", NULL);
    return;
  }
  if(x->msi_cache_st.state != SD_ST_READ)
    note_unknown(c, "the Windows Installer cache of Exchange (cached .msi "
                 "and .msp files)", &x->msi_cache_st);
  sd_buf_init(&missing);
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state == SD_ST_UNREADABLE) {
      note_unknown(c, sd_arena_printf(c->r->arena, "the cached package of "
                                      "%s %s", sd_str_or(p->kind, "?"),
                                      sd_str_or(p->code, "?")), &p->file_st);
      continue;
    }
    if(p->file_st.state != SD_ST_ABSENT)
      continue;
    if(n++)
      sd_buf_puts(&missing, "; ");
    sd_buf_printf(&missing, "%s %s%s%s%s: %s", sd_str_or(p->kind, "?"),
                  sd_str_or(p->code, "?"), p->name ? " (" : "",
                  p->name ? p->name : "", p->name ? ")" : "",
                  p->value_st.state == SD_ST_READ
                    ? sd_str_or(p->local_package, "")
                    : "no LocalPackage value");
    if(p->value_st.state != SD_ST_READ)
      nvalue++;
  }
  if(!n) {
    sd_buf_free(&missing);
    return;
  }
  fd = add(c, "EXCH-MSI-CACHE-MISSING");
  sd_finding_msg(c->r, fd, "Windows Installer's cached copy of %d Exchange "
                 "package%s is missing from %%windir%%\\Installer (%s). "
                 "Exchange 2007 SP2 setup and the removal of an interim "
                 "update open these files and fail without them.", n,
                 n == 1 ? "" : "s", missing.data);
  sd_ev_str(c->r, fd, "missing", missing.data);
  sd_ev_int(c->r, fd, "missing_count", n);
  sd_ev_int(c->r, fd, "packages_checked", (int64_t)x->nmsi_cache);
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state != SD_ST_ABSENT)
      continue;
    sd_ev_str(c->r, fd, sd_arena_printf(c->r->arena, "package.%s",
                                        sd_str_or(p->code, "?")),
              p->value_st.state == SD_ST_READ
                ? sd_str_or(p->local_package, "")
                : sd_arena_printf(c->r->arena, "no LocalPackage value in %s",
                                  sd_str_or(p->key, "?")));
  }
  sd_fix_summary(c->r, fd, "Put an identical copy of each missing package "
                 "back into %%windir%%\\Installer under the exact file name "
                 "Windows Installer expects, before SP2 setup or any patch "
                 "removal.");
  sd_fix_step(c->r, fd, "Do not start SP2 setup or remove an update until "
              "this finding is gone: setup stops half-way and can leave "
              "Exchange unusable.");
  for(i = 0; i < x->nmsi_cache; i++) {
    const sd_exch_cached_pkg *p = &x->msi_cache[i];
    if(p->file_st.state != SD_ST_ABSENT || p->value_st.state != SD_ST_READ)
      continue;
    sd_fix_step(c->r, fd, "For %s %s%s%s%s: get it from %s, and copy it to "
                "%s (rename the copy to exactly that name).",
                sd_str_or(p->kind, "?"), sd_str_or(p->code, "?"),
                p->name ? " (" : "", p->name ? p->name : "",
                p->name ? ")" : "", cache_origin_of(p->kind),
                sd_str_or(p->local_package, "?"));
  }
  sd_fix_step(c->r, fd, "Alternatively, copy the files from another "
              "Exchange 2007 server with the same build and the same "
              "updates: on that server, read the LocalPackage value for "
              "the same product or patch code (under "
              "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer"
              "\\UserData\\S-1-5-18), copy that file and rename it to the "
              "name this server expects.");
  if(nvalue)
    sd_fix_step(c->r, fd, "Where the report says \"no LocalPackage value\", "
                "Windows Installer's own registration is damaged and no file "
                "name is known: restore the registry key from a backup or "
                "open a case with Microsoft support before SP2 setup.");
  sd_fix_step(c->r, fd, "Run srvdoctor again; this finding must be gone.");
  sd_buf_free(&missing);
}

/* ---- earlier setup that did not finish (facts §3.5) ----
 *
 * How Setup.com resumes a setup that stopped part-way.  Setup leaves
 * Action and Watermark under the role's key of
 * HKLM\SOFTWARE\Microsoft\Exchange\v8.0 and, run again in the same mode,
 * resumes from the watermark (Exchange Team blog "How does Exchange 2007
 * setup know to resume a failed setup?", 2007-05-21 [WMBLOG]; ExBPA article
 * on Action/Watermark [CMSWM]).  The modes and role names are those of
 * Setup.com's command line ("How to Install Exchange 2007 in Unattended
 * Mode", technet aa997281(v=exchg.80)): /mode:Upgrade upgrades every
 * installed role and takes no /roles; /mode:Install and /mode:Uninstall
 * need the roles, here the ones whose key holds the watermark;
 * /mode:RecoverServer rebuilds from Active Directory. */
typedef struct setup_resume {
  const char *action;     /* Action value setup left */
  const char *mode;       /* Setup.com /mode: */
  int with_roles;         /* needs /roles:<the roles with that action> */
} setup_resume;

static const setup_resume setup_resumes[] = {
  {"Install", "Install", 1},
  {"Uninstall", "Uninstall", 1},
  {"Upgrade", "Upgrade", 0},
  {"BuildToBuildUpgrade", "Upgrade", 0},
  {"DisasterRecovery", "RecoverServer", 0},
};

/* Role key under v8.0 -> the /roles name Setup.com takes (same sources;
 * the key name of the Edge Transport role is unverified). */
typedef struct setup_role {
  const char *key;
  const char *role;
} setup_role;

static const setup_role setup_roles[] = {
  {"MailboxRole", "Mailbox"},
  {"ClientAccessRole", "ClientAccess"},
  {"HubTransportRole", "HubTransport"},
  {"UnifiedMessagingRole", "UnifiedMessaging"},
  {"EdgeTransportRole", "EdgeTransport"},
  {"AdminTools", "ManagementTools"},
};

static const setup_resume *resume_of(const char *action)
{
  size_t i;
  for(i = 0; action && i < SD_COUNTOF(setup_resumes); i++)
    if(sd_strieq(setup_resumes[i].action, action))
      return &setup_resumes[i];
  return NULL;
}

static const char *setup_role_of(const char *key)
{
  size_t i;
  for(i = 0; key && i < SD_COUNTOF(setup_roles); i++)
    if(sd_strieq(setup_roles[i].key, key))
      return setup_roles[i].role;
  return NULL;
}

/* The Setup.com command that resumes mode m: "Setup.com /mode:Install
 * /roles:Mailbox,HubTransport" from the role keys whose Action maps to m.
 * NULL when a role key has no known /roles name (*unknown_key names it). */
static const char *resume_command(ctx *c, const setup_resume *m,
                                  const char **unknown_key)
{
  const sd_exch_facts *x = c->x;
  sd_buf roles;
  const char *cmd;
  size_t i;
  if(!m->with_roles)
    return sd_arena_printf(c->r->arena, "%s /mode:%s", SETUP, m->mode);
  sd_buf_init(&roles);
  for(i = 0; i < x->nroles; i++) {
    const sd_exch_role *ro = &x->roles[i];
    const setup_resume *rm;
    const char *role;
    if(ro->action_st.state != SD_ST_READ)
      continue;
    rm = resume_of(ro->action);
    if(!rm || strcmp(rm->mode, m->mode))
      continue;
    role = setup_role_of(ro->name);
    if(!role) {
      *unknown_key = sd_str_or(ro->name, "?");
      sd_buf_free(&roles);
      return NULL;
    }
    if(roles.len && sd_stristr(roles.data, role))
      continue;
    if(roles.len)
      sd_buf_puts(&roles, ",");
    sd_buf_puts(&roles, role);
  }
  cmd = roles.len ? sd_arena_printf(c->r->arena, "%s /mode:%s /roles:%s",
                                    SETUP, m->mode, roles.data)
                  : NULL;
  sd_buf_free(&roles);
  return cmd;
}

static void check_setup_state(ctx *c)
{
  const sd_exch_facts *x = c->x;
  sd_buf roles;
  const char *action = NULL;
  const setup_resume *modes[SD_COUNTOF(setup_resumes)];
  size_t i, k, nmodes = 0;
  int n = 0, unknown_action = 0;
  sd_finding *fd;
  if(x->roles_st.state != SD_ST_READ) {
    note_unknown(c, "leftover setup values (Action/Watermark) under "
                 "HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0", &x->roles_st);
    return;
  }
  sd_buf_init(&roles);
  for(i = 0; i < x->nroles; i++) {
    const sd_exch_role *ro = &x->roles[i];
    int has_action = ro->action_st.state == SD_ST_READ;
    int has_wm = ro->watermark_st.state == SD_ST_READ;
    if(ro->action_st.state == SD_ST_UNREADABLE)
      note_unknown(c, "the Action value of a role key", &ro->action_st);
    if(ro->watermark_st.state == SD_ST_UNREADABLE)
      note_unknown(c, "the Watermark value of a role key", &ro->watermark_st);
    if(!has_action && !has_wm)
      continue;
    if(n++)
      sd_buf_puts(&roles, "; ");
    sd_buf_printf(&roles, "%s: Action=%s, Watermark=%s",
                  sd_str_or(ro->name, "?"),
                  has_action ? sd_str_or(ro->action, "") : "(none)",
                  has_wm ? sd_str_or(ro->watermark, "") : "(none)");
    if(has_action && ro->action && *ro->action) {
      const setup_resume *m = resume_of(ro->action);
      if(!action)
        action = ro->action;
      if(!m) {
        unknown_action = 1;
        continue;
      }
      for(k = 0; k < nmodes; k++)
        if(!strcmp(modes[k]->mode, m->mode))
          break;
      if(k == nmodes)
        modes[nmodes++] = m;
    }
    else {
      unknown_action = 1;
    }
  }
  if(!n) {
    sd_buf_free(&roles);
    return;
  }
  fd = add(c, "EXCH-SETUP-INCOMPLETE");
  sd_finding_msg(c->r, fd, "Exchange setup left Action/Watermark values "
                 "under HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0 (%s): an "
                 "earlier setup run stopped part-way. SP2 setup will not "
                 "start until that run is completed.", roles.data);
  sd_ev_str(c->r, fd, "roles", roles.data);
  sd_ev_int(c->r, fd, "roles_affected", n);
  if(action)
    sd_ev_str(c->r, fd, "action", action);
  sd_fix_summary(c->r, fd, "Run the interrupted Exchange setup again in the "
                 "same mode so it resumes from its watermark; do not delete "
                 "the values by hand.");
  sd_fix_step(c->r, fd, "Do not delete the Watermark or Action values: "
              "setup uses them to resume where it stopped.");
  sd_fix_step(c->r, fd, "Find the media of the setup that was interrupted "
              "(for an upgrade, the service pack media; for an install or "
              "uninstall, the media of the build that is installed).");
  for(k = 0; k < nmodes; k++) {
    const char *unknown_key = NULL;
    const char *cmd = resume_command(c, modes[k], &unknown_key);
    if(cmd) {
      sd_fix_step(c->r, fd, "Open an elevated Command Prompt in the folder "
                  "that holds Setup.com and run: %s", cmd);
      sd_fix_cmd(c->r, fd, "%s", cmd);
      sd_ev_str(c->r, fd, k ? sd_arena_printf(c->r->arena,
                                              "resume_command.%u",
                                              (unsigned)k)
                            : "resume_command", cmd);
    }
    else {
      sd_fix_step(c->r, fd, "Open an elevated Command Prompt in the folder "
                  "that holds Setup.com and run: %s /mode:%s "
                  "/roles:<the roles of the keys listed above>%s%s%s",
                  SETUP, modes[k]->mode,
                  unknown_key ? " (srvdoctor does not know the /roles name "
                                "of the key " : "",
                  unknown_key ? unknown_key : "", unknown_key ? ")" : "");
    }
  }
  if(unknown_action || !nmodes)
    sd_fix_step(c->r, fd, "For a role key whose Action is missing or not "
                "one setup names (Install, Upgrade/BuildToBuildUpgrade, "
                "Uninstall, DisasterRecovery), start Setup.exe from the media "
                "of the interrupted run: its wizard reads the watermark and "
                "offers to resume.");
  sd_fix_step(c->r, fd, "Let setup finish; it resumes from the watermark. "
              "If it fails again, read "
              "C:\\ExchangeSetupLogs\\ExchangeSetup.log for the first "
              "error.");
  sd_fix_step(c->r, fd, "Run srvdoctor again; this finding must be gone.");
  sd_buf_free(&roles);
}

/* ---- pending restart ----
 *
 * Which restart flags block Exchange 2007 setup.  Setup's readiness check
 * (ExBPA rule of the article "A Restart from a Previous Installation is
 * Pending", technet cc164360(v=exchg.80); facts §3.5) reads only
 * PendingFileRenameOperations and UpdateExeVolatile\Flags: those two stop
 * setup.  The other sources are those of CSS-Exchange's
 * Shared/Get-ServerRebootPending.ps1 (facts §5.3): a restart is worth doing
 * first, but setup does not look at them.  A source not listed here is
 * treated as "recommended". */
typedef struct reboot_rule {
  const char *source;     /* sd_reboot_flag.source */
  int blocks_setup;
  const char *advice;     /* if it is still there after the restart */
} reboot_rule;

static const reboot_rule reboot_rules[] = {
  {"pending-file-rename", 1,
   "PendingFileRenameOperations: if it is back right after the restart, a "
   "program (often antivirus or a backup agent) keeps registering file "
   "moves; find it from the file names in the value and update or pause "
   "it."},
  {"update-exe-volatile", 1,
   "UpdateExeVolatile: if the value stays non-zero after a restart, it is "
   "an orphan left by an old update; Microsoft's guidance is to delete the "
   "orphaned value and restart once more."},
  {"pending-file-rename-2", 0,
   "PendingFileRenameOperations2: if it is back right after the restart, a "
   "program keeps registering file moves; find it from the file names in "
   "the value."},
  {"cbs-reboot-pending", 0,
   "Component Based Servicing: if RebootPending is still there after two "
   "restarts, let Windows Update finish installing; delete the "
   "PackagesPending key before RebootPending only as a last resort, with a "
   "system state backup."},
  {"wu-reboot-required", 0,
   "Windows Update RebootRequired: install any remaining updates, then "
   "restart again."},
  {"sccm-client", 0,
   "Configuration Manager client: let the client complete its pending "
   "deployment, then restart from Software Center."},
};

static const reboot_rule *reboot_rule_of(const char *source)
{
  size_t i;
  for(i = 0; source && i < SD_COUNTOF(reboot_rules); i++)
    if(sd_strieq(reboot_rules[i].source, source))
      return &reboot_rules[i];
  return NULL;
}

static int reboot_blocks(const sd_reboot_flag *rf)
{
  const reboot_rule *rr = reboot_rule_of(rf->source);
  return rr && rr->blocks_setup;
}

/* The pending sources of one kind (blocking or not) as "a, b". */
static int reboot_list(const sd_reboot_list *l, int blocking, sd_buf *out)
{
  size_t i;
  int n = 0;
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    if(rf->st.state != SD_ST_READ || !rf->pending ||
       reboot_blocks(rf) != blocking)
      continue;
    if(n++)
      sd_buf_puts(out, ", ");
    sd_buf_puts(out, sd_str_or(rf->source, "?"));
  }
  return n;
}

static void check_reboot(ctx *c)
{
  const sd_reboot_list *l = &c->f->reboot;
  sd_buf blocking, other;
  size_t i;
  int nblock, nother;
  sd_finding *x;
  if(l->st.state != SD_ST_READ) {
    note_unknown(c, "pending restart", &l->st);
    return;
  }
  sd_buf_init(&blocking);
  sd_buf_init(&other);
  nblock = reboot_list(l, 1, &blocking);
  nother = reboot_list(l, 0, &other);
  if(!nblock) {
    /* A source that could not be read is never "no restart". */
    for(i = 0; i < l->count; i++) {
      const sd_reboot_flag *rf = &l->items[i];
      if(rf->st.state == SD_ST_UNREADABLE && (reboot_blocks(rf) || !nother))
        note_unknown(c, sd_arena_printf(c->r->arena, "pending restart "
                                        "source %s",
                                        sd_str_or(rf->source, "?")),
                     &rf->st);
    }
  }
  if(!nblock && !nother) {
    sd_buf_free(&blocking);
    sd_buf_free(&other);
    return;
  }
  if(nblock) {
    x = add(c, "EXCH-PENDING-REBOOT");
    sd_finding_msg(c->r, x, "Windows has a restart pending (%s). Exchange "
                   "setup's readiness check reads exactly these values and "
                   "stops: SP2 setup will not start until the server has "
                   "restarted.%s%s", blocking.data,
                   nother ? " Also pending: " : "", nother ? other.data : "");
    sd_ev_str(c->r, x, "sources", blocking.data);
    if(nother)
      sd_ev_str(c->r, x, "also_pending", other.data);
  }
  else {
    x = add(c, "EXCH-REBOOT-RECOMMENDED");
    sd_finding_msg(c->r, x, "Windows has a restart pending (%s). Exchange "
                   "setup's readiness check does not read these flags "
                   "(only PendingFileRenameOperations and "
                   "UpdateExeVolatile, which are clear), so setup will "
                   "start; restart first anyway, so that the upgrade does "
                   "not run on half-installed Windows updates.", other.data);
    sd_ev_str(c->r, x, "sources", other.data);
    sd_ev_str(c->r, x, "blocking_sources_clear",
              "PendingFileRenameOperations, UpdateExeVolatile");
  }
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    if(rf->st.state == SD_ST_READ && rf->pending)
      sd_ev_str(c->r, x, sd_arena_printf(c->r->arena, "source.%s",
                                         sd_str_or(rf->source, "?")),
                sd_str_or(rf->detail, ""));
    else if(rf->st.state == SD_ST_UNREADABLE)
      sd_ev_str(c->r, x, sd_arena_printf(c->r->arena, "unreadable.%s",
                                         sd_str_or(rf->source, "?")),
                why_of(&rf->st));
  }
  if(nblock)
    sd_fix_summary(c->r, x, "Restart the server, then run srvdoctor again "
                   "before starting SP2 setup.");
  else
    sd_fix_summary(c->r, x, "Restart the server before SP2 setup "
                   "(recommended; setup itself does not require it).");
  sd_fix_step(c->r, x, "Plan a maintenance window: the restart stops "
              "Exchange on this server (on a clustered mailbox server, move "
              "the clustered mailbox server to the other node first).");
  sd_fix_step(c->r, x, "Restart the server (Start > Shut Down > Restart, or "
              "the command below).");
  sd_fix_step(c->r, x, "Log on again and run srvdoctor again; this finding "
              "must be gone.");
  for(i = 0; i < l->count; i++) {
    const sd_reboot_flag *rf = &l->items[i];
    const reboot_rule *rr;
    if(rf->st.state != SD_ST_READ || !rf->pending)
      continue;
    rr = reboot_rule_of(rf->source);
    if(rr)
      sd_fix_step(c->r, x, "If it is still reported after the restart - %s",
                  rr->advice);
  }
  sd_fix_cmd(c->r, x, "shutdown /r /t 0");
  sd_buf_free(&blocking);
  sd_buf_free(&other);
}

/* ---- operating system and Windows Installer (facts §3.2, §3.4) ---- */

static void check_os(ctx *c)
{
  const sd_os *os = &c->f->os;
  const sd_exch_facts *x = c->x;
  sd_buf why;
  sd_finding *fd;
  int bad_os = 0, bad_msi = 0, have_os = os->st.state == SD_ST_READ;
  ver mv;
  int have_msi = x->msi_version_st.state == SD_ST_READ &&
                 !ver_parse(x->msi_version, &mv);
  sd_buf_init(&why);
  if(!have_os) {
    note_unknown(c, "operating system version", &os->st);
  }
  else {
    unsigned maj = os->major, min = os->minor;
    if(os->arch && (sd_strieq(os->arch, "ia64") ||
                    sd_strieq(os->arch, "arm64"))) {
      bad_os = 1;
      sd_buf_printf(&why, "the processor architecture is %s; Exchange 2007 "
                    "runs only on x64 (or x86 for tests)", os->arch);
    }
    else if(maj < 5 || (maj == 5 && min < 2)) {
      bad_os = 1;
      sd_buf_printf(&why, "Windows %u.%u is older than Windows Server 2003",
                    maj, min);
    }
    else if(!os->is_server) {
      bad_os = 1;
      sd_buf_printf(&why, "%s is a client version of Windows; Exchange 2007 "
                    "server roles need Windows Server",
                    sd_str_or(os->name, "this Windows"));
    }
    else if(maj == 5 && min == 2 && os->sp_major < 2) {
      bad_os = 1;
      sd_buf_printf(&why, "Windows Server 2003 needs Service Pack 2 for "
                    "Exchange 2007 SP2 (this one has %s)",
                    os->sp_major ? sd_str_or(os->service_pack, "an older "
                                             "service pack")
                                 : "no service pack");
    }
    else if(maj == 6 && min == 1) {
      bad_os = 1;
      sd_buf_puts(&why, "Windows Server 2008 R2 is not supported for "
                  "Exchange 2007 SP2 (support for it came with SP3)");
    }
    else if(maj > 6 || (maj == 6 && min > 1)) {
      bad_os = 1;
      sd_buf_printf(&why, "Windows %u.%u (%s) is newer than any Windows "
                    "Exchange 2007 supports (Windows Server 2003 SP2 and "
                    "Windows Server 2008)", maj, min,
                    sd_str_or(os->name, "this Windows"));
    }
  }
  if(!have_msi) {
    if(x->msi_version_st.state == SD_ST_READ)
      note_unknown(c, sd_arena_printf(c->r->arena, "Windows Installer "
                                      "version (\"%s\" is not a version)",
                                      sd_str_or(x->msi_version, "")), NULL);
    else
      note_unknown(c, "Windows Installer version", &x->msi_version_st);
  }
  else if(mv.part[0] < 4 || (mv.part[0] == 4 && mv.part[1] < 5)) {
    bad_msi = 1;
    if(why.len)
      sd_buf_puts(&why, "; ");
    sd_buf_printf(&why, "Windows Installer is version %s; SP2 needs 4.5 or "
                  "later", x->msi_version);
  }
  if(have_os && os->arch && sd_strieq(os->arch, "x86") && !bad_os) {
    fd = add(c, "EXCH-OS-32BIT");
    sd_finding_msg(c->r, fd, "%s is a 32-bit Windows. The 32-bit Exchange "
                   "2007 build is meant for tests and evaluation only; a "
                   "production server must run the x64 build on x64 "
                   "Windows.", sd_str_or(os->name, "This server"));
    sd_ev_str(c->r, fd, "arch", os->arch);
    sd_ev_str(c->r, fd, "needed", "x64");
    sd_fix_summary(c->r, fd, "Use this server for tests only, or move "
                   "Exchange to an x64 server.");
    sd_fix_step(c->r, fd, "If this is a production server, plan a move of "
                "its roles to a new x64 server with Exchange 2007 SP2 "
                "installed fresh, instead of upgrading this one.");
    sd_fix_step(c->r, fd, "If it is a test server, the 32-bit SP2 build can "
                "be used; continue with the other findings.");
  }
  if(!bad_os && !bad_msi) {
    sd_buf_free(&why);
    return;
  }
  fd = add(c, "EXCH-OS-UNSUPPORTED");
  sd_finding_msg(c->r, fd, "Exchange 2007 SP2 cannot be installed here: "
                 "%s.", why.data);
  if(have_os) {
    sd_ev_str(c->r, fd, "os", sd_str_or(os->name, ""));
    sd_ev_str(c->r, fd, "os_version", sd_str_or(os->version, ""));
    sd_ev_str(c->r, fd, "service_pack", sd_str_or(os->service_pack, ""));
    sd_ev_str(c->r, fd, "arch", sd_str_or(os->arch, ""));
  }
  if(have_msi)
    sd_ev_str(c->r, fd, "windows_installer", x->msi_version);
  sd_ev_str(c->r, fd, "needed", "x64 Windows Server 2003 SP2 (or R2) or "
            "Windows Server 2008 (SP2 recommended), with Windows Installer "
            "4.5 or later");
  sd_ev_str(c->r, fd, "problems", why.data);
  sd_fix_summary(c->r, fd, "Bring the server to a supported Windows and "
                 "Windows Installer 4.5 before SP2 setup.");
  if(bad_msi) {
    sd_fix_step(c->r, fd, "Download the Windows Installer 4.5 "
                "redistributable from Microsoft for this Windows version "
                "and processor type (Windows Server 2008 SP2 already "
                "includes it).");
    sd_fix_step(c->r, fd, "Install it and restart the server.");
  }
  if(bad_os && have_os && os->major == 5 && os->minor == 2 &&
     os->sp_major < 2 && os->is_server) {
    sd_fix_step(c->r, fd, "Install Windows Server 2003 Service Pack 2, "
                "restart, then install Windows Installer 4.5.");
  }
  else if(bad_os) {
    sd_fix_step(c->r, fd, "This Windows version cannot run Exchange 2007 "
                "SP2. Install SP2 on a new x64 server running Windows "
                "Server 2003 SP2 or Windows Server 2008 and move the "
                "mailboxes and roles there (for Windows Server 2008 R2, "
                "Exchange 2007 SP3 is the first supported level).");
  }
  sd_fix_step(c->r, fd, "Run srvdoctor again; this finding must be gone.");
  sd_buf_free(&why);
}

/* ---- Active Directory ---- */

typedef struct adval {
  int state;          /* 0 unknown, 1 value, 2 absent (none) */
  int64_t v;
  const char *dn;
  size_t count;
  const char *why;
} adval;

static void pick_version(const sd_fstate *st, const sd_ad_object *items,
                         size_t n, const char *prefer_dn, adval *out)
{
  size_t i;
  int have = 0;
  memset(out, 0, sizeof(*out));
  out->count = n;
  if(st->state != SD_ST_READ && st->state != SD_ST_ABSENT) {
    out->why = why_of(st);
    return;
  }
  if(st->state == SD_ST_ABSENT || n == 0) {
    out->state = 2;
    return;
  }
  for(i = 0; i < n; i++) {
    const sd_ad_object *o = &items[i];
    if(o->version_st.state != SD_ST_READ)
      continue;
    if(prefer_dn && o->dn && sd_strieq(o->dn, prefer_dn)) {
      out->state = 1;
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
    out->state = 1;
    return;
  }
  /* The containers exist but none of their versions could be read. */
  out->why = why_of(&items[0].version_st);
  if(items[0].version_st.state == SD_ST_ABSENT)
    out->why = "the container has no objectVersion";
}

/* Where /PrepareSchema and /PrepareAD must run, in words. */
static const char *where_prep(ctx *c)
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

static void ad_common_evidence(ctx *c, sd_finding *x)
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

static void prep_machine_steps(ctx *c, sd_finding *x, const char *groups)
{
  sd_fix_step(c->r, x, "Choose the computer to run it on: %s. It must run "
              "x64 Windows Server 2003 SP2 or Windows Server 2008 with "
              "Windows Installer 4.5 (Windows Server 2008 SP2 includes it).",
              where_prep(c));
  sd_fix_step(c->r, x, "Log on to it with an account that is a member of "
              "%s and of the local Administrators group.", groups);
  sd_fix_step(c->r, x, "Copy the Exchange 2007 SP2 media (x64) to a local "
              "folder and open an elevated Command Prompt in the folder "
              "that holds Setup.com.");
}

/* The rights each preparation needs (facts §3.3). */
typedef struct need {
  int schema, org, domain;
} need;

typedef struct grp {
  const char *name;
  const char *rid;
  int root;           /* SID of the forest root domain, else this domain */
  int needed;
  int have;           /* 1 yes, 0 no, -1 unknown */
  int filtered;       /* in the token for deny only (UAC) */
  int stale;          /* AD says member, token does not: log on again */
  const char *sid;
} grp;

static void check_group(ctx *c, grp *g)
{
  const sd_exch_facts *x = c->x;
  const sd_ad_facts *ad = c->ad;
  const char *base = g->root ? ad->root_domain_sid : ad->domain_sid;
  const sd_fstate *bst = g->root ? &ad->root_sid_st : &ad->domain_sid_st;
  size_t i;
  g->have = -1;
  if(bst->state != SD_ST_READ || !base || !*base ||
     x->token_st.state != SD_ST_READ)
    return;
  g->sid = sd_arena_printf(c->r->arena, "%s-%s", base, g->rid);
  g->have = 0;
  for(i = 0; i < x->ntoken_groups; i++) {
    const sd_exch_sid *s = &x->token_groups[i];
    if(!s->sid || !sd_strieq(s->sid, g->sid))
      continue;
    if(s->deny_only)
      g->filtered = 1;
    else
      g->have = 1;
  }
  if(g->have == 1 || ad->user_groups_st.state != SD_ST_READ)
    return;
  for(i = 0; i < ad->nuser_groups; i++)
    if(ad->user_groups[i].sid && sd_strieq(ad->user_groups[i].sid, g->sid))
      g->stale = 1;
}

/* "A", "A and B", "A, B and C" (conj "and" or "or") of the groups whose
 * flag is set. */
static const char *prose_groups(ctx *c, const grp *g, const int *pick,
                                const char *conj)
{
  sd_buf b;
  size_t i, n = 0, k = 0;
  const char *s;
  for(i = 0; i < 3; i++)
    n += pick[i] != 0;
  sd_buf_init(&b);
  for(i = 0; i < 3; i++) {
    if(!pick[i])
      continue;
    if(k)
      sd_buf_puts(&b, k + 1 == n ? (k > 1 ? ", " : " ") : ", ");
    if(k && k + 1 == n)
      sd_buf_printf(&b, "%s ", conj);
    sd_buf_puts(&b, g[i].name);
    k++;
  }
  s = sd_arena_strdup(c->r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return s;
}

static void check_rights(ctx *c, const need *nd)
{
  grp g[3];
  size_t i;
  sd_buf missing, unknown, needed;
  int nmissing = 0, nunknown = 0, nreal = 0;
  int pick_needed[3], pick_missing[3], pick_real[3];
  sd_finding *x;
  const char *user = sd_str_or(c->f->host.user, "the current user");
  memset(g, 0, sizeof(g));
  g[0].name = "Schema Admins";
  g[0].rid = "518";
  g[0].root = 1;
  g[0].needed = nd->schema;
  g[1].name = "Enterprise Admins";
  g[1].rid = "519";
  g[1].root = 1;
  g[1].needed = nd->schema || nd->org;
  g[2].name = "Domain Admins";
  g[2].rid = "512";
  g[2].root = 0;
  g[2].needed = nd->domain;
  for(i = 0; i < 3; i++)
    check_group(c, &g[i]);
  /* /PrepareAllDomains with Enterprise Admins also prepares this domain. */
  if(g[2].needed && g[2].have != 1 && g[1].have == 1)
    g[2].needed = 0;
  sd_buf_init(&missing);
  sd_buf_init(&unknown);
  sd_buf_init(&needed);
  for(i = 0; i < 3; i++) {
    pick_needed[i] = g[i].needed;
    pick_missing[i] = g[i].needed && g[i].have == 0;
    pick_real[i] = pick_missing[i] && !g[i].filtered && !g[i].stale;
    nreal += pick_real[i];
    if(!g[i].needed)
      continue;
    if(needed.len)
      sd_buf_puts(&needed, ", ");
    sd_buf_puts(&needed, g[i].name);
    if(g[i].have == 0) {
      if(nmissing++)
        sd_buf_puts(&missing, ", ");
      sd_buf_puts(&missing, g[i].name);
    }
    else if(g[i].have < 0) {
      if(nunknown++)
        sd_buf_puts(&unknown, ", ");
      sd_buf_puts(&unknown, g[i].name);
    }
  }
  if(!needed.len) {
    sd_buf_free(&missing);
    sd_buf_free(&unknown);
    sd_buf_free(&needed);
    return;
  }
  if(nmissing) {
    const char *all = prose_groups(c, g, pick_needed, "and");
    x = add(c, "AD-RIGHTS-MISSING");
    sd_finding_msg(c->r, x, "The Active Directory preparation SP2 needs "
                   "must be run by a member of %s, but %s is not a member "
                   "of %s.", all, user,
                   prose_groups(c, g, pick_missing, "or"));
    sd_ev_str(c->r, x, "user", user);
    if(c->f->host.user_sid)
      sd_ev_str(c->r, x, "user_sid", c->f->host.user_sid);
    sd_ev_str(c->r, x, "needed_groups", needed.data);
    sd_ev_str(c->r, x, "missing_groups", missing.data);
    if(c->ad->bind_user)
      sd_ev_strf(c->r, x, "note", "the groups checked are those of the "
                 "Windows logon running srvdoctor (%s), not of --ldap-user "
                 "%s", user, c->ad->bind_user);
    if(nunknown)
      sd_ev_str(c->r, x, "unchecked_groups", unknown.data);
    for(i = 0; i < 3; i++) {
      if(!g[i].needed)
        continue;
      if(g[i].sid)
        sd_ev_strf(c->r, x, sd_arena_printf(c->r->arena, "sid.%s",
                                            g[i].name),
                   "%s (%s)", g[i].sid,
                   g[i].have == 1 ? "member" :
                   g[i].filtered ? "in the token for deny only (UAC)" :
                   g[i].stale ? "member in AD, not yet in this logon" :
                   "not a member");
    }
    ad_common_evidence(c, x);
    sd_fix_summary(c->r, x, "Have a member of %s run the preparation, or "
                   "get the missing memberships and log on again.", all);
    if(nreal)
      sd_fix_step(c->r, x, "Ask a member of the Enterprise Admins group to "
                  "add the account that will run SP2 setup to %s (Active "
                  "Directory Users and Computers > the group > Members > "
                  "Add), or ask a member of %s to run the preparation "
                  "commands for you.", prose_groups(c, g, pick_real, "and"),
                  all);
    for(i = 0; i < 3; i++) {
      if(g[i].needed && g[i].filtered)
        sd_fix_step(c->r, x, "%s is in your logon token but switched off by "
                    "User Account Control: open the Command Prompt with "
                    "\"Run as administrator\".", g[i].name);
      if(g[i].needed && g[i].stale)
        sd_fix_step(c->r, x, "Active Directory already lists you in %s, but "
                    "this logon started before that: log off and log on "
                    "again.", g[i].name);
    }
    sd_fix_step(c->r, x, "Log off and log on again so the new memberships "
                "are in your logon token (wait for AD replication if the "
                "change was made on another domain controller).");
    sd_fix_step(c->r, x, "Run srvdoctor again; this finding must be gone.");
  }
  else if(nunknown) {
    x = add(c, "AD-RIGHTS-UNKNOWN");
    sd_finding_msg(c->r, x, "The AD preparation SP2 needs must be run by a "
                   "member of %s; srvdoctor could not check %s (%s).",
                   needed.data, unknown.data,
                   c->x->token_st.state != SD_ST_READ
                     ? why_of(&c->x->token_st)
                     : "the domain SIDs could not be read from AD");
    sd_ev_str(c->r, x, "user", user);
    sd_ev_str(c->r, x, "needed_groups", needed.data);
    sd_ev_str(c->r, x, "unchecked_groups", unknown.data);
    sd_ev_str(c->r, x, "token_state", sd_state_name(c->x->token_st.state));
    sd_ev_str(c->r, x, "root_domain_sid_state",
              sd_state_name(c->ad->root_sid_st.state));
    sd_ev_str(c->r, x, "domain_sid_state",
              sd_state_name(c->ad->domain_sid_st.state));
    sd_fix_summary(c->r, x, "Check the memberships by hand before running "
                   "the preparation.");
    sd_fix_step(c->r, x, "On the computer that will run setup, open a "
                "Command Prompt and run: whoami /groups (Windows Server "
                "2003: gpresult /r or the Support Tools' whoami).");
    sd_fix_step(c->r, x, "Check that %s appear in the list; if not, ask an "
                "Enterprise Admin to add the account, then log off and on.",
                needed.data);
    sd_fix_cmd(c->r, x, "whoami /groups");
  }
  sd_buf_free(&missing);
  sd_buf_free(&unknown);
  sd_buf_free(&needed);
}

/* The evidence every preparation finding carries: the value AD holds under
 * key (or `none` when there is no such object), the object's DN under
 * dn_key (NULL: none to give), the value SP2 needs under "<key>_needed", and
 * the domain controller that said so. */
static void prep_evidence(ctx *c, sd_finding *x, const adval *v,
                          const char *key, const char *dn_key,
                          const char *none, int needed)
{
  if(v->state == 2) {
    sd_ev_str(c->r, x, key, none);
  }
  else {
    sd_ev_int(c->r, x, key, v->v);
    if(dn_key)
      sd_ev_str(c->r, x, dn_key, sd_str_or(v->dn, ""));
  }
  sd_ev_int(c->r, x, sd_arena_printf(c->r->arena, "%s_needed", key), needed);
  ad_common_evidence(c, x);
}

static void report_schema_prep(ctx *c, const adval *s)
{
  sd_finding *x = add(c, "AD-SCHEMA-PREP-NEEDED");
  if(s->state == 2)
    sd_finding_msg(c->r, x, "The Active Directory schema was never extended "
                   "for Exchange (CN=ms-Exch-Schema-Version-Pt does not "
                   "exist). SP2 needs rangeUpper %d.", SP2_SCHEMA);
  else
    sd_finding_msg(c->r, x, "The Exchange schema version (rangeUpper of "
                   "ms-Exch-Schema-Version-Pt) is %lld (%s); SP2 needs %d.",
                   (long long)s->v,
                   known_name(c->r, schema_known, SD_COUNTOF(schema_known),
                              s->v), SP2_SCHEMA);
  prep_evidence(c, x, s, "schema_version", NULL, "not extended", SP2_SCHEMA);
  sd_fix_summary(c->r, x, "Run Setup.com /PrepareSchema from the SP2 media "
                 "as a member of Schema Admins and Enterprise Admins, in "
                 "the schema master's domain and site.");
  prep_machine_steps(c, x, "Schema Admins and Enterprise Admins");
  sd_fix_step(c->r, x, "Run: %s /PrepareSchema", SETUP);
  sd_fix_step(c->r, x, "Wait until the change has replicated to every "
              "domain controller (repadmin /syncall /AdeP forces it), then "
              "run srvdoctor again: the schema version must read %d or "
              "more.", SP2_SCHEMA);
  sd_fix_cmd(c->r, x, "%s /PrepareSchema", SETUP);
}

static void report_org_prep(ctx *c, const adval *o)
{
  sd_finding *x = add(c, "AD-ORG-PREP-NEEDED");
  if(o->state == 2)
    sd_finding_msg(c->r, x, "No Exchange organization exists under "
                   "CN=Microsoft Exchange,CN=Services in the configuration "
                   "partition. /PrepareAD creates it at objectVersion %d.",
                   SP2_ORG);
  else
    sd_finding_msg(c->r, x, "The Exchange organization's objectVersion is "
                   "%lld (%s); SP2 needs %d.", (long long)o->v,
                   known_name(c->r, org_known, SD_COUNTOF(org_known), o->v),
                   SP2_ORG);
  prep_evidence(c, x, o, "org_version", "org_dn", "no organization",
                SP2_ORG);
  sd_fix_summary(c->r, x, "Run Setup.com /PrepareAD from the SP2 media as a "
                 "member of Enterprise Admins, in the schema master's "
                 "domain and site.");
  prep_machine_steps(c, x, "Enterprise Admins (and Schema Admins if the "
                     "schema still needs extending)");
  if(o->state == 2) {
    sd_fix_step(c->r, x, "Run: %s /PrepareAD /OrganizationName:\"<your "
                "organization name>\" (this also runs /PrepareSchema when "
                "needed and prepares the local domain).", SETUP);
    sd_fix_cmd(c->r, x, "%s /PrepareAD /OrganizationName:\"<organization "
               "name>\"", SETUP);
  }
  else {
    sd_fix_step(c->r, x, "Run: %s /PrepareAD (this also prepares the "
                "domain of the computer it runs on).", SETUP);
    sd_fix_cmd(c->r, x, "%s /PrepareAD", SETUP);
  }
  if(c->ad->schema_st.state == SD_ST_READ &&
     c->ad->schema_version > SP2_SCHEMA)
    sd_fix_step(c->r, x, "Caution: the schema is already at %lld (%s), "
                "newer than the SP2 media's %d. Older setup media can refuse "
                "a schema newer than its own; if SP2's /PrepareAD does, run "
                "/PrepareAD from the media of the release that extended the "
                "schema.", (long long)c->ad->schema_version,
                known_name(c->r, schema_known, SD_COUNTOF(schema_known),
                           c->ad->schema_version), SP2_SCHEMA);
  sd_fix_step(c->r, x, "Wait for AD replication, then run srvdoctor again: "
              "the organization's objectVersion must read %d or more.",
              SP2_ORG);
}

/* AD-DOMAIN-PREP-NEEDED for domain dom (its DNS name when known); local:
 * the domain of the DC that was queried, whose preparation the rights
 * check and /PrepareAD also cover. */
static sd_finding *report_domain_prep(ctx *c, const adval *m,
                                      const char *dom, const char *fqdn,
                                      int local)
{
  sd_finding *x = add(c, "AD-DOMAIN-PREP-NEEDED");
  if(m->state == 2)
    sd_finding_msg(c->r, x, "Domain %s has no Microsoft Exchange System "
                   "Objects container: it was never prepared for Exchange. "
                   "SP2 needs objectVersion %d there.", dom, SP2_MESO);
  else
    sd_finding_msg(c->r, x, "The Microsoft Exchange System Objects "
                   "container of domain %s has objectVersion %lld (%s); SP2 "
                   "needs %d.", dom, (long long)m->v,
                   known_name(c->r, meso_known, SD_COUNTOF(meso_known),
                              m->v), SP2_MESO);
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
    sd_fix_step(c->r, x, "If /PrepareAD is also reported, run it first: it "
                "prepares the domain it runs in as well, and this finding "
                "may then be gone.");
  sd_fix_step(c->r, x, "Log on to a computer of the forest (x64, Windows "
              "Server 2003 SP2 or Windows Server 2008, Windows Installer "
              "4.5) with an account in Domain Admins of %s and the local "
              "Administrators group.", dom);
  sd_fix_step(c->r, x, "Open an elevated Command Prompt in the folder of "
              "the SP2 media that holds Setup.com.");
  if(fqdn)
    sd_fix_step(c->r, x, "Run: %s /PrepareDomain:%s (or, as an Enterprise "
                "Admin, %s /PrepareAllDomains to prepare every domain of "
                "the forest at once).", SETUP, fqdn, SETUP);
  else
    sd_fix_step(c->r, x, "Run, on a computer in that domain: %s "
                "/PrepareDomain (or, as an Enterprise Admin from anywhere "
                "in the forest: %s /PrepareAllDomains).", SETUP, SETUP);
  sd_fix_step(c->r, x, "Wait for AD replication, then run srvdoctor again: "
              "the container's objectVersion must read %d or more.",
              SP2_MESO);
  if(fqdn)
    sd_fix_cmd(c->r, x, "%s /PrepareDomain:%s", SETUP, fqdn);
  if(local)
    sd_fix_cmd(c->r, x, "%s /PrepareDomain", SETUP);
  sd_fix_cmd(c->r, x, "%s /PrepareAllDomains", SETUP);
  return x;
}

/* The other domains of the forest (sd_ad_facts.domains): each one that
 * needs /PrepareDomain gets its finding; each one that could not be read
 * is named in *partial.  Returns how many need it. */
static int check_forest_domains(ctx *c, sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  sd_finding *x;
  size_t i;
  int n = 0;
  if(ad->domains_st.state != SD_ST_READ) {
    sd_buf_printf(partial, "%sthe forest's other domains (%s)",
                  (*npartial)++ ? "; " : "", why_of(&ad->domains_st));
    return 0;
  }
  for(i = 0; i < ad->ndomains; i++) {
    const sd_ad_domain *d = &ad->domains[i];
    const char *name = sd_str_or(d->dns, sd_str_or(d->nc, "?"));
    adval v;
    if(!d->nc || (ad->default_nc && sd_strieq(d->nc, ad->default_nc)))
      continue; /* the queried DC's own domain: checked above */
    memset(&v, 0, sizeof(v));
    v.dn = d->meso_dn;
    if(d->meso_st.state == SD_ST_READ) {
      v.state = 1;
      v.v = d->meso_version;
    }
    else if(d->meso_st.state == SD_ST_ABSENT) {
      v.state = 2;
    }
    else {
      sd_buf_printf(partial, "%sMicrosoft Exchange System Objects of domain "
                    "%s (%s)", (*npartial)++ ? "; " : "", name,
                    why_of(&d->meso_st));
      continue;
    }
    if(v.state == 1 && v.v >= SP2_MESO)
      continue;
    x = report_domain_prep(c, &v, name, d->dns, 0);
    if(d->dc)
      sd_ev_str(c->r, x, "meso_read_from", d->dc);
    n++;
  }
  return n;
}

static void report_duplicates(ctx *c, const char *what, const char *attr,
                              const sd_ad_object *items, size_t n)
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
  x = add(c, "AD-DUPLICATE-OBJECTS");
  sd_finding_msg(c->r, x, "Active Directory holds %u %s where Exchange "
                 "expects one: %s. A duplicate (often a replication "
                 "conflict object whose name contains CNF:) confuses setup's "
                 "version checks.", (unsigned)n, what, list.data);
  sd_ev_str(c->r, x, attr, list.data);
  sd_ev_int(c->r, x, "count", (int64_t)n);
  sd_fix_summary(c->r, x, "Find out which object is the real one and remove "
                 "the duplicate with ADSI Edit, after a backup.");
  sd_fix_step(c->r, x, "Take a system state backup of a domain controller.");
  sd_fix_step(c->r, x, "Open ADSI Edit and look at the objects listed "
              "above; the one whose name contains \"CNF:\" is normally the "
              "conflict copy.");
  sd_fix_step(c->r, x, "If you are not certain which one Exchange uses, "
              "stop and open a case with Microsoft support; otherwise "
              "delete the conflict copy and let it replicate.");
  sd_fix_step(c->r, x, "Run srvdoctor again; this finding must be gone.");
  sd_buf_free(&list);
}

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
typedef struct min_os {
  unsigned major, minor;
  int needs_sp;           /* at exactly major.minor, a service pack */
  const char *name;
} min_os;

static const min_os dc_os_min = {5, 2, 1, "Windows Server 2003 SP1"};

/* 1 below dc_os_min, 0 fine, -1 not known / not Windows. */
static int dc_os_below(const sd_fstate *st, const char *os,
                       const char *version, const char *sp)
{
  unsigned maj, min;
  if(st->state != SD_ST_READ || !os || !sd_stristr(os, "Windows"))
    return -1;
  if(os_version_of(version, &maj, &min))
    return -1;
  if(maj < dc_os_min.major ||
     (maj == dc_os_min.major && min < dc_os_min.minor))
    return 1;
  if(maj == dc_os_min.major && min == dc_os_min.minor &&
     dc_os_min.needs_sp && (!sp || !*sp))
    return 1;
  return 0;
}

static int fsmo_os_below(const sd_ad_facts *ad)
{
  return dc_os_below(&ad->fsmo_os_st, ad->fsmo_os, ad->fsmo_os_version,
                     ad->fsmo_os_sp);
}

static int check_schema_master(ctx *c, int prep_needed)
{
  const sd_ad_facts *ad = c->ad;
  int below = fsmo_os_below(ad);
  /* A deleted object's DN carries "\0ADEL:<guid>" (an escaped line
   * feed), or a raw line feed when the escape was decoded. */
  int deleted = ad->fsmo_st.state == SD_ST_READ && ad->fsmo_owner &&
                (sd_stristr(ad->fsmo_owner, "\\0ADEL:") != NULL ||
                 strstr(ad->fsmo_owner, "\nDEL:") != NULL);
  int unreachable = ad->fsmo_reach_st.state == SD_ST_UNREADABLE;
  sd_finding *x;
  if(below != 1 && !deleted && !(unreachable && prep_needed))
    return 0;
  x = add(c, "AD-SCHEMA-MASTER");
  if(deleted)
    sd_finding_msg(c->r, x, "The schema master role points to a domain "
                   "controller that has been deleted (%s). Exchange setup "
                   "cannot prepare the schema or the organization until the "
                   "role is moved to a live domain controller.",
                   ad->fsmo_owner);
  else if(below == 1)
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
                   why_of(&ad->fsmo_reach_st));
  ad_common_evidence(c, x);
  if(ad->fsmo_owner)
    sd_ev_str(c->r, x, "schema_master_ntds_settings", ad->fsmo_owner);
  if(ad->fsmo_os)
    sd_ev_strf(c->r, x, "schema_master_os", "%s %s %s", ad->fsmo_os,
               sd_str_or(ad->fsmo_os_version, ""),
               sd_str_or(ad->fsmo_os_sp, ""));
  sd_ev_str(c->r, x, "needed", "a reachable schema master on Windows Server "
            "2003 SP1 or later");
  if(unreachable)
    sd_ev_str(c->r, x, "reach", why_of(&ad->fsmo_reach_st));
  if(deleted || below == 1) {
    sd_fix_summary(c->r, x, "Move (or, if the old holder is gone, seize) "
                   "the schema master role to a domain controller running "
                   "Windows Server 2003 SP1 or later.");
    sd_fix_step(c->r, x, "Pick a healthy domain controller running Windows "
                "Server 2003 SP1 or later in the forest root domain.");
    sd_fix_step(c->r, x, "As a member of Schema Admins, open a Command "
                "Prompt on it and run ntdsutil, then: roles, connections, "
                "connect to server <that DC>, quit, transfer schema master "
                "(use seize schema master only if the old holder is gone "
                "for good), quit, quit.");
    sd_fix_step(c->r, x, "Run srvdoctor again; this finding must be gone.");
    sd_fix_cmd(c->r, x, "ntdsutil");
  }
  else {
    sd_fix_summary(c->r, x, "Make the schema master reachable (or move the "
                   "role) before running the AD preparation.");
    sd_fix_step(c->r, x, "From this computer run: ping %s - and check that "
                "the domain controller is running and its LDAP port (389) "
                "is open through any firewall.",
                sd_str_or(ad->fsmo_dns_host, "<schema master>"));
    sd_fix_step(c->r, x, "If that domain controller is gone for good, seize "
                "the schema master role on another one with ntdsutil.");
    sd_fix_step(c->r, x, "Run srvdoctor again; this finding must be gone.");
  }
  return 1;
}

static int check_domain_mode(ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  const char *dom = sd_str_or(ad->domain_dns, sd_str_or(ad->default_nc,
                                                       "this domain"));
  sd_finding *x;
  if(ad->domain_mode_st.state != SD_ST_READ || ad->nt_mixed_domain != 1)
    return 0;
  x = add(c, "AD-DOMAIN-MODE");
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
  sd_fix_step(c->r, x, "Make sure no Windows NT 4.0 backup domain "
              "controllers remain in domain %s.", dom);
  sd_fix_step(c->r, x, "As a Domain Admin, open Active Directory Domains "
              "and Trusts, right-click domain %s, choose Raise Domain "
              "Functional Level (Windows 2000: Properties > Change Mode) and "
              "raise it.", dom);
  sd_fix_step(c->r, x, "Wait for replication and run srvdoctor again.");
  return 1;
}

static void check_dc_health(ctx *c)
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
  x = add(c, "AD-DC-NOT-READY");
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
  if(not_sync)
    sd_fix_step(c->r, x, "On the domain controller, run repadmin /showrepl "
                "and wait until every partition has replicated "
                "successfully.");
  if(skewed)
    sd_fix_step(c->r, x, "Correct the clock: on this computer run w32tm "
                "/resync (the domain's time comes from the PDC emulator of "
                "the forest root domain).");
  sd_fix_step(c->r, x, "Run srvdoctor again; this finding must be gone.");
  if(not_sync)
    sd_fix_cmd(c->r, x, "repadmin /showrepl");
  if(skewed)
    sd_fix_cmd(c->r, x, "w32tm /resync");
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
static int check_fresh_ad(ctx *c, sd_buf *partial, int *npartial)
{
  const sd_ad_facts *ad = c->ad;
  const char *site = sd_str_or(ad->gcs_site, sd_str_or(ad->local_site, "?"));
  sd_buf fit, unfit, unknown;
  size_t i;
  int blockers = 0, nfit = 0, nunfit = 0, nunknown = 0;
  sd_finding *x;
  /* Exchange 5.5: the organization's mode */
  if(ad->org_mixed_st.state == SD_ST_READ && ad->org_mixed_mode == 1) {
    x = add(c, "AD-EXCHANGE55");
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
    ad_common_evidence(c, x);
    sd_fix_summary(c->r, x, "Remove the last Exchange 5.5 servers, then "
                   "switch the organization to native mode.");
    sd_fix_step(c->r, x, "Move every mailbox, public folder and connector "
                "off the remaining Exchange 5.5 servers and remove them "
                "from the organization.");
    sd_fix_step(c->r, x, "In Exchange System Manager (Exchange 2000 or "
                "2003), open the properties of the organization and, under "
                "Change operation mode, click Change Mode. This cannot be "
                "undone.");
    sd_fix_step(c->r, x, "Restart the Microsoft Exchange Information Store "
                "service on the Exchange 2000/2003 servers, wait for AD "
                "replication, then run srvdoctor again.");
    blockers++;
  }
  else if(ad->org_mixed_st.state == SD_ST_READ) {
    c->mode_summary = "FALSE (native mode)";
  }
  else if(ad->org_mixed_st.state == SD_ST_ABSENT) {
    c->mode_summary = sd_str_or(ad->org_mixed_st.why, "not set");
  }
  else {
    sd_buf_printf(partial, "%sthe organization's mode, msExchMixedMode (%s)",
                  (*npartial)++ ? "; " : "", why_of(&ad->org_mixed_st));
  }
  /* global catalogs of this computer's site */
  if(ad->gcs_st.state != SD_ST_READ) {
    sd_buf_printf(partial, "%sthe global catalogs of this computer's site "
                  "(%s)", (*npartial)++ ? "; " : "", why_of(&ad->gcs_st));
    return blockers;
  }
  sd_buf_init(&fit);
  sd_buf_init(&unfit);
  sd_buf_init(&unknown);
  for(i = 0; i < ad->ngcs; i++) {
    const sd_ad_gc *g = &ad->gcs[i];
    const char *name = sd_str_or(g->dns_host, sd_str_or(g->server_dn, "?"));
    int below = dc_os_below(&g->os_st, g->os, g->os_version, g->os_sp);
    sd_buf *b = below == 0 ? &fit : below == 1 ? &unfit : &unknown;
    int *n = below == 0 ? &nfit : below == 1 ? &nunfit : &nunknown;
    if((*n)++)
      sd_buf_puts(b, "; ");
    if(g->os_st.state == SD_ST_READ)
      sd_buf_printf(b, "%s (%s %s %s)", name, sd_str_or(g->os, ""),
                    sd_str_or(g->os_version, ""), sd_str_or(g->os_sp, ""));
    else
      sd_buf_printf(b, "%s (operating system not read: %s)", name,
                    why_of(&g->os_st));
  }
  if(nfit) {
    c->gc_summary = sd_arena_strdup(c->r->arena, fit.data);
  }
  else if(nunknown) {
    sd_buf_printf(partial, "%sthe operating system of the global catalogs of "
                  "site %s: %s", (*npartial)++ ? "; " : "", site,
                  unknown.data);
  }
  else {
    x = add(c, "AD-GC-MISSING");
    if(!nunfit)
      sd_finding_msg(c->r, x, "Active Directory site %s, where this "
                     "computer is, has no global catalog. Exchange 2007 "
                     "needs at least one global catalog on %s or later in "
                     "every site with an Exchange server.", site,
                     dc_os_min.name);
    else
      sd_finding_msg(c->r, x, "The global catalogs of Active Directory site "
                     "%s run Windows older than %s (%s). Exchange 2007 "
                     "needs at least one global catalog on %s or later in "
                     "every site with an Exchange server.", site,
                     dc_os_min.name, unfit.data, dc_os_min.name);
    sd_ev_str(c->r, x, "site", site);
    sd_ev_int(c->r, x, "global_catalogs", (int64_t)ad->ngcs);
    if(nunfit)
      sd_ev_str(c->r, x, "below_minimum", unfit.data);
    sd_ev_str(c->r, x, "needed", dc_os_min.name);
    ad_common_evidence(c, x);
    sd_fix_summary(c->r, x, "Give site %s a global catalog on %s or later "
                   "before installing Exchange, or install Exchange in a "
                   "site that has one.", site, dc_os_min.name);
    sd_fix_step(c->r, x, "Pick a domain controller in site %s running %s "
                "or later (upgrade or add one if there is none).", site,
                dc_os_min.name);
    sd_fix_step(c->r, x, "In Active Directory Sites and Services, open "
                "Sites > %s > Servers > <the DC> > NTDS Settings > "
                "Properties and tick Global Catalog.", site);
    sd_fix_step(c->r, x, "Wait until it has finished replicating (event "
                "1119 in its Directory Service log, or "
                "isGlobalCatalogReady TRUE), then run srvdoctor again.");
    blockers++;
  }
  sd_buf_free(&fit);
  sd_buf_free(&unfit);
  sd_buf_free(&unknown);
  return blockers;
}

static void check_ad(ctx *c)
{
  const sd_ad_facts *ad = c->ad;
  adval s, o, m;
  need nd;
  const char *meso_dn = NULL;
  sd_buf partial, newer;
  int npartial = 0, blockers = 0, other_domains = 0;
  sd_finding *x;
  if(ad->st.state != SD_ST_READ) {
    x = add(c, "AD-UNREACHABLE");
    sd_finding_msg(c->r, x, "Active Directory could not be queried (%s), so "
                   "the schema, organization and domain preparation SP2 "
                   "needs, and the rights to do it, were not checked. The "
                   "other findings about this server still apply.",
                   why_of(&ad->st));
    sd_ev_str(c->r, x, "ad_state", sd_state_name(ad->st.state));
    sd_ev_str(c->r, x, "why", why_of(&ad->st));
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
    sd_fix_step(c->r, x, "Check that this computer is joined to the domain "
                "and can reach a domain controller: nltest /dsgetdc:<your "
                "domain> (Windows Server 2003: from the Support Tools).");
    sd_fix_step(c->r, x, "Run srvdoctor again and name a domain controller: "
                "srvdoctor check --only exchange-sp2 --dc <dc name>.");
    sd_fix_step(c->r, x, "If you are not logged on with a domain account, "
                "add --ldap-user <DOMAIN\\user> and put the password in the "
                "environment variable SRVDOCTOR_LDAP_PASSWORD.");
    sd_fix_cmd(c->r, x, "srvdoctor check --only exchange-sp2 --dc <dc name>");
    return;
  }
  sd_buf_init(&partial);
  sd_buf_init(&newer);
  memset(&s, 0, sizeof(s));
  if(ad->schema_st.state == SD_ST_READ) {
    s.state = 1;
    s.v = ad->schema_version;
  }
  else if(ad->schema_st.state == SD_ST_ABSENT) {
    s.state = 2;
  }
  else {
    s.why = why_of(&ad->schema_st);
  }
  pick_version(&ad->org_st, ad->orgs, ad->norgs, NULL, &o);
  if(ad->default_nc)
    meso_dn = sd_arena_printf(c->r->arena, "CN=Microsoft Exchange System "
                              "Objects,%s", ad->default_nc);
  pick_version(&ad->meso_st, ad->mesos, ad->nmesos, meso_dn, &m);
  if(!s.state) {
    sd_buf_printf(&partial, "%sschema version (%s)", npartial++ ? "; " : "",
                  s.why);
  }
  if(!o.state) {
    sd_buf_printf(&partial, "%sorganization objectVersion (%s)",
                  npartial++ ? "; " : "", o.why);
  }
  if(!m.state) {
    sd_buf_printf(&partial, "%sMicrosoft Exchange System Objects "
                  "objectVersion (%s)", npartial++ ? "; " : "", m.why);
  }
  nd.schema = s.state == 2 || (s.state == 1 && s.v < SP2_SCHEMA);
  nd.org = o.state == 2 || (o.state == 1 && o.v < SP2_ORG);
  nd.domain = m.state == 2 || (m.state == 1 && m.v < SP2_MESO);
  if(nd.schema)
    report_schema_prep(c, &s);
  if(nd.org)
    report_org_prep(c, &o);
  if(nd.domain)
    report_domain_prep(c, &m, sd_str_or(ad->domain_dns,
                                        sd_str_or(ad->default_nc,
                                                  "this domain")),
                       ad->domain_dns, 1);
  other_domains = check_forest_domains(c, &partial, &npartial);
  if(ad->org_st.state == SD_ST_READ && ad->norgs > 1)
    report_duplicates(c, "Exchange organization containers", "orgs",
                      ad->orgs, ad->norgs);
  if(ad->meso_st.state == SD_ST_READ && ad->nmesos > 1)
    report_duplicates(c, "Microsoft Exchange System Objects containers",
                      "mesos", ad->mesos, ad->nmesos);
  if(nd.schema || nd.org || nd.domain)
    check_rights(c, &nd);
  blockers += check_schema_master(c, nd.schema || nd.org);
  blockers += check_domain_mode(c);
  if(c->fresh)
    blockers += check_fresh_ad(c, &partial, &npartial);
  check_dc_health(c);
  if(ad->domain_mode_st.state != SD_ST_READ &&
     ad->domain_mode_st.state != SD_ST_ABSENT)
    sd_buf_printf(&partial, "%sdomain mode (%s)", npartial++ ? "; " : "",
                  why_of(&ad->domain_mode_st));
  if(fsmo_os_below(ad) < 0 && ad->fsmo_st.state != SD_ST_READ &&
     (nd.schema || nd.org))
    sd_buf_printf(&partial, "%sschema master (%s)", npartial++ ? "; " : "",
                  why_of(&ad->fsmo_st));
  /* Values above the newest release srvdoctor knows. */
  if(s.state == 1 && s.v > schema_known[SD_COUNTOF(schema_known) - 1].value)
    sd_buf_printf(&newer, "%sschema %lld", newer.len ? "; " : "",
                  (long long)s.v);
  if(o.state == 1 && o.v > org_known[SD_COUNTOF(org_known) - 1].value)
    sd_buf_printf(&newer, "%sorganization %lld", newer.len ? "; " : "",
                  (long long)o.v);
  if(m.state == 1 && m.v > meso_known[SD_COUNTOF(meso_known) - 1].value)
    sd_buf_printf(&newer, "%sMicrosoft Exchange System Objects %lld",
                  newer.len ? "; " : "", (long long)m.v);
  if(newer.len) {
    x = add(c, "AD-VERSION-NEWER");
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
              schema_known[SD_COUNTOF(schema_known) - 1].value);
    sd_ev_int(c->r, x, "newest_known_org",
              org_known[SD_COUNTOF(org_known) - 1].value);
    sd_ev_int(c->r, x, "newest_known_meso",
              meso_known[SD_COUNTOF(meso_known) - 1].value);
    sd_fix_summary(c->r, x, "Use a newer srvdoctor, or check the values "
                   "against Microsoft's Exchange version tables.");
    sd_fix_step(c->r, x, "Look the values up in Microsoft's \"Exchange "
                "Server build numbers and release dates\" and \"Active "
                "Directory schema changes\" pages to see which release "
                "prepared the forest.");
  }
  if(npartial) {
    x = add(c, "AD-PARTIAL");
    sd_finding_msg(c->r, x, "Domain controller %s answered, but these "
                   "values could not be read: %s. SP2's needs for them "
                   "were not checked.", sd_str_or(ad->dns_host_name, ad->dc),
                   partial.data);
    sd_ev_str(c->r, x, "unread", partial.data);
    ad_common_evidence(c, x);
    sd_fix_summary(c->r, x, "Run srvdoctor as a domain user who can read the "
                   "configuration and schema partitions, or check the values "
                   "with ADSI Edit.");
    sd_fix_step(c->r, x, "Run srvdoctor again logged on with a domain "
                "account (or with --ldap-user and SRVDOCTOR_LDAP_PASSWORD).");
    sd_fix_step(c->r, x, "If the values stay unreadable, open ADSI Edit and "
                "read rangeUpper of CN=ms-Exch-Schema-Version-Pt in the "
                "Schema partition, objectVersion of the organization under "
                "CN=Microsoft Exchange,CN=Services in the Configuration "
                "partition, and objectVersion of CN=Microsoft Exchange "
                "System Objects in the domain partition. SP2 needs %d, %d "
                "and %d.", SP2_SCHEMA, SP2_ORG, SP2_MESO);
  }
  if(!nd.schema && !nd.org && !nd.domain && !other_domains && !npartial &&
     !blockers &&
     s.state == 1 && o.state == 1 && m.state == 1) {
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
                    known_name(c->r, schema_known, SD_COUNTOF(schema_known),
                               s.v), SP2_SCHEMA);
    if(s.v == 14625)
      sd_buf_puts(&trap, "As the forest already carries Exchange 2007 SP3's "
                  "schema, consider taking this server straight to SP3. ");
    if(o.v >= 12640)
      sd_buf_printf(&trap, "The organization was prepared by %s. ",
                    known_name(c->r, org_known, SD_COUNTOF(org_known), o.v));
    x = add(c, "AD-READY");
    sd_finding_msg(c->r, x, "Schema %lld, organization %lld and Microsoft "
                   "Exchange System Objects %lld are at or above SP2's "
                   "%d, %d and %d. %s", (long long)s.v, (long long)o.v,
                   (long long)m.v, SP2_SCHEMA, SP2_ORG, SP2_MESO,
                   trap.len ? trap.data : "");
    sd_ev_int(c->r, x, "schema_version", s.v);
    sd_ev_str(c->r, x, "schema_release",
              known_name(c->r, schema_known, SD_COUNTOF(schema_known), s.v));
    sd_ev_int(c->r, x, "schema_version_needed", SP2_SCHEMA);
    sd_ev_int(c->r, x, "org_version", o.v);
    sd_ev_int(c->r, x, "org_version_needed", SP2_ORG);
    sd_ev_int(c->r, x, "meso_version", m.v);
    sd_ev_int(c->r, x, "meso_version_needed", SP2_MESO);
    if(c->gc_summary)
      sd_ev_str(c->r, x, "site_global_catalogs", c->gc_summary);
    if(c->mode_summary)
      sd_ev_str(c->r, x, "org_mixed_mode", c->mode_summary);
    ad_common_evidence(c, x);
    if(fsmo_os_below(ad) < 0 && ad->fsmo_os)
      sd_ev_strf(c->r, x, "schema_master_os_unchecked", "%s %s", ad->fsmo_os,
                 sd_str_or(ad->fsmo_os_version, ""));
    sd_buf_free(&trap);
  }
  sd_buf_free(&partial);
  sd_buf_free(&newer);
}

/* ---- installation ---- */

static void report_unknown_install(ctx *c, const char *why)
{
  const sd_exch_facts *x = c->x;
  sd_finding *fd = add(c, "EXCH-UNKNOWN");
  sd_finding_msg(c->r, fd, "%s Whether an in-place upgrade to SP2 applies "
                 "could not be decided.", why);
  sd_ev_str(c->r, fd, "v8_key", sd_state_name(x->installed_st.state));
  sd_ev_str(c->r, fd, "exsetup", x->exsetup_st.state == SD_ST_READ
                                   ? sd_str_or(x->exsetup_version, "")
                                   : why_of(&x->exsetup_st));
  sd_ev_str(c->r, fd, "registry_build", x->reg_version_st.state ==
                                          SD_ST_READ
                                          ? sd_str_or(x->reg_version, "")
                                          : why_of(&x->reg_version_st));
  sd_ev_str(c->r, fd, "msi_display_version",
            x->msi_product_st.state == SD_ST_READ
              ? sd_str_or(x->msi_product_version, "")
              : why_of(&x->msi_product_st));
  sd_fix_summary(c->r, fd, "Run srvdoctor again elevated, or read the "
                 "Exchange build by hand.");
  sd_fix_step(c->r, fd, "Run srvdoctor again from an elevated Command "
              "Prompt (right-click, Run as administrator).");
  sd_fix_step(c->r, fd, "If this finding stays, check the file version of "
              "ExSetup.exe in the Exchange bin folder (right-click > "
              "Properties > Details): 8.0.x is RTM and 8.1.x is SP1 (both "
              "can be upgraded in place), 8.2.x or later is already SP2 or "
              "later.");
}

/* What the rest of the check looks at, by what is installed. */
typedef enum install {
  I_DONE,       /* nothing more to check (other version, already SP2, ...) */
  I_FRESH,      /* nothing to upgrade (none, or a pre-release build): the
                 * prerequisites of a fresh installation */
  I_UNKNOWN,    /* Exchange 2007 (maybe) there, build unknown: its patches
                 * and setup state too */
  I_UPGRADE     /* RTM or SP1: all of that and the upgrade path (b) */
} install;

static install check_install(ctx *c, const sd_options *o, build *b)
{
  const sd_exch_facts *x = c->x;
  sd_finding *fd;
  if(x->installed_st.state != SD_ST_READ) {
    const sd_fstate *others[3];
    const char *names[3];
    const char *versions[3];
    size_t i;
    others[0] = &x->e2010_st;
    names[0] = "Exchange Server 2010";
    versions[0] = x->e2010_version;
    others[1] = &x->e2013_st;
    names[1] = "Exchange Server 2013 or later";
    versions[1] = x->e2013_version;
    others[2] = &x->e2003_st;
    names[2] = "Exchange Server 2003 or earlier";
    versions[2] = x->e2003_version;
    for(i = 0; i < 3; i++) {
      if(others[i]->state != SD_ST_READ)
        continue;
      c->r->applicable = 0;
      fd = add(c, "EXCH-OTHER-VERSION");
      sd_finding_msg(c->r, fd, "%s%s%s is installed on this machine, not "
                     "Exchange Server 2007. Exchange 2007 SP2 cannot be "
                     "applied to it, so this module has nothing to check.",
                     names[i], versions[i] ? " " : "",
                     versions[i] ? versions[i] : "");
      sd_ev_str(c->r, fd, "product", names[i]);
      if(versions[i])
        sd_ev_str(c->r, fd, "version", versions[i]);
      return I_DONE;
    }
  }
  if(x->installed_st.state == SD_ST_ABSENT && !o->only_given) {
    /* Run with every other module: on a machine without Exchange 2007 this
     * module does not apply, and must not raise the alarm about Windows
     * versions or AD preparation nobody asked about. */
    c->r->applicable = 0;
    fd = add(c, "EXCH-NOT-INSTALLED");
    sd_finding_msg(c->r, fd, "No Exchange Server 2007 is installed on this "
                   "machine (HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0 does "
                   "not exist), so there is nothing to upgrade. To check "
                   "whether Exchange 2007 SP2 could be installed here fresh "
                   "(Windows, restart, Active Directory preparation and "
                   "rights), run: srvdoctor check --only exchange-sp2");
    sd_ev_str(c->r, fd, "v8_key", "absent");
    sd_fix_summary(c->r, fd, "Nothing to do unless you plan to install "
                   "Exchange 2007 SP2 on this machine.");
    sd_fix_step(c->r, fd, "To check the fresh-install prerequisites, run: "
                "srvdoctor check --only exchange-sp2");
    sd_fix_cmd(c->r, fd, "srvdoctor check --only exchange-sp2");
    return I_DONE;
  }
  if(x->installed_st.state == SD_ST_ABSENT) {
    fd = add(c, "EXCH-NOT-INSTALLED");
    sd_finding_msg(c->r, fd, "No Exchange Server 2007 is installed on this "
                   "machine (HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0 does "
                   "not exist). The SP2 media is a complete build and "
                   "installs Exchange 2007 SP2 directly; the Active "
                   "Directory and prerequisite findings below apply to that "
                   "installation.");
    sd_ev_str(c->r, fd, "v8_key", "absent");
    sd_ev_str(c->r, fd, "target_build", SP2_BUILD);
    sd_fix_summary(c->r, fd, "Install from the SP2 media once the other "
                   "findings of this module are clear.");
    sd_fix_step(c->r, fd, "Clear every warning and critical finding "
                "srvdoctor reports for this module.");
    sd_fix_step(c->r, fd, "Open an elevated Command Prompt in the folder of "
                "the Exchange 2007 SP2 media that holds Setup.com and run "
                "setup for the roles you need, for example: Setup.com "
                "/mode:Install /roles:Mailbox,ClientAccess,HubTransport");
    return I_FRESH;
  }
  if(x->installed_st.state != SD_ST_READ) {
    report_unknown_install(c, sd_arena_printf(c->r->arena, "Whether "
                           "Exchange 2007 is installed could not be read "
                           "(%s).", why_of(&x->installed_st)));
    return I_UNKNOWN;
  }
  find_build(x, b);
  if(!b->known) {
    report_unknown_install(c, "Exchange Server 2007 is installed, but its "
                           "build could not be read from ExSetup.exe, the "
                           "registry or Windows Installer.");
    return I_UNKNOWN;
  }
  if(b->v.part[0] != 8) {
    report_unknown_install(c, sd_arena_printf(c->r->arena, "The Exchange "
                           "2007 registry key exists, but the build read "
                           "from the %s is %s, which is not an Exchange "
                           "2007 (8.x) build.", b->source, b->text));
    return I_UNKNOWN;
  }
  if(b->v.part[1] >= 2) {
    fd = add(c, "EXCH-ALREADY-SP2");
    sd_finding_msg(c->r, fd, "%s (build %s) is installed: it is already at "
                   "or above SP2 (%s), so there is nothing to upgrade to "
                   "SP2.", release_2007(b->v.part[1]), b->text, SP2_BUILD);
    sd_ev_str(c->r, fd, "installed_build", b->text);
    sd_ev_str(c->r, fd, "build_source", b->source);
    sd_ev_str(c->r, fd, "release", release_2007(b->v.part[1]));
    sd_ev_str(c->r, fd, "target_build", SP2_BUILD);
    return I_DONE;
  }
  if(b->v.part[1] == 0 && b->v.n >= 3 && b->v.part[2] < RTM_FIRST_BUILD) {
    fd = add(c, "EXCH-PRERELEASE");
    sd_finding_msg(c->r, fd, "Build %s is older than Exchange 2007 RTM "
                   "(8.0.685.25): it is a beta or pre-release build, which "
                   "cannot be upgraded in place.", b->text);
    sd_ev_str(c->r, fd, "installed_build", b->text);
    sd_ev_str(c->r, fd, "build_source", b->source);
    sd_ev_str(c->r, fd, "first_release_build", "8.0.685.25");
    sd_fix_summary(c->r, fd, "Move mailboxes off this server, uninstall the "
                   "pre-release build and install SP2 fresh.");
    sd_fix_step(c->r, fd, "Move all mailboxes and roles this server holds to "
                "another server.");
    sd_fix_step(c->r, fd, "Uninstall Exchange from Programs and Features (or "
                "Setup.com /mode:Uninstall from the media it came from).");
    sd_fix_step(c->r, fd, "Install Exchange 2007 SP2 fresh from the SP2 "
                "media (Setup.com /mode:Install /roles:...).");
    return I_FRESH;
  }
  return I_UPGRADE;
}

/* Windows Small Business Server 2008 and its own SP2 path.
 * How SBS shows itself: the ProductSuite value (HKLM\SYSTEM\
 * CurrentControlSet\Control\ProductOptions), the registry source of
 * OSVERSIONINFOEX.wSuiteMask, holds "Small Business(Restricted)" while SBS
 * runs with its license restrictions (VER_SUITE_SMALLBUSINESS_RESTRICTED,
 * Microsoft docs "OSVERSIONINFOEXA structure"); "Small Business" alone
 * (VER_SUITE_SMALLBUSINESS) can remain after an upgrade to another edition
 * (same page), so it does not count.  The product name "Windows Small
 * Business Server" says it too.  SBS 2008 is Windows Server 2008 (6.0).
 * Its SP2 path: SP2 setup carries an SBS 2008 prerequisite check, a plain
 * upgrade breaks SBS web services, and the SBS team's installation tool (or
 * the manual steps of KB 973862) is the way (Official SBS Blog, "Microsoft
 * Exchange 2007 SP2 installation is blocked on Windows SBS 2008", 2009;
 * facts §3.2 [SBS]). */
typedef struct sbs_marker {
  const char *where;      /* "ProductSuite" or "ProductName" */
  const char *text;       /* contained in it (case-insensitive) */
} sbs_marker;

static const sbs_marker sbs_markers[] = {
  {"ProductSuite", "Small Business(Restricted)"},
  {"ProductName", "Small Business Server"},
};

static const char *const sbs2008_sp2_steps[] = {
  "Do not run " SETUP " /mode:upgrade directly on Windows SBS 2008: SP2 "
  "setup has an SBS 2008 prerequisite check that stops it, and a plain "
  "upgrade breaks some of the SBS web services.",
  "Copy the Exchange 2007 SP2 media (x64) to a local folder on this "
  "server.",
  "Download the Windows SBS 2008 team's Exchange 2007 SP2 installation "
  "tool into that folder and start SP2 setup from it: the tool stops the "
  "Forefront Security for Exchange services, runs setup and does the SBS "
  "clean-up afterwards.",
  "Without the tool, follow the manual steps of Microsoft Knowledge Base "
  "article 973862 exactly instead.",
  "Restart if setup asks, then run srvdoctor again: it should report "
  "EXCH-ALREADY-SP2.",
};

/* The marker that says this is SBS 2008, or NULL (also when that could
 * not be read: *unknown is then set). */
static const sbs_marker *sbs2008_of(ctx *c, int *unknown)
{
  const sd_os *os = &c->f->os;
  size_t i;
  *unknown = 0;
  if(os->st.state != SD_ST_READ || os->major != 6 || os->minor != 0)
    return NULL;
  for(i = 0; i < SD_COUNTOF(sbs_markers); i++) {
    const char *v = !strcmp(sbs_markers[i].where, "ProductName")
                      ? os->name
                      : (c->x->product_suite_st.state == SD_ST_READ
                           ? c->x->product_suite : NULL);
    if(v && sd_stristr(v, sbs_markers[i].text))
      return &sbs_markers[i];
  }
  if(c->x->product_suite_st.state != SD_ST_READ &&
     c->x->product_suite_st.state != SD_ST_ABSENT)
    *unknown = 1;
  return NULL;
}

/* Upgrading a clustered mailbox server (CCR or SCC) to SP2, in order.
 * Source: Exchange 2007 SP2 CCR walkthrough (enowconsulting.com, "Interested
 * in Exchange SP 2", 2009; facts §1.4 [ENOW]) and the Exchange 2007 help on
 * the Manage Clustered Mailbox Server tasks (Move-ClusteredMailboxServer,
 * Stop-ClusteredMailboxServer; "How to Move a Clustered Mailbox Server").
 * /UpgradeCMS runs on the already upgraded node that owns the stopped
 * clustered mailbox server; the former active node is upgraded last. */
static const char *const cms_upgrade_steps[] = {
  "on the passive node (the one that does not own the clustered mailbox "
  "server), run " SETUP " /mode:upgrade and restart it if setup asks.",
  "move the clustered mailbox server to that upgraded node: "
  "Move-ClusteredMailboxServer -Identity <CMS name> -TargetMachine "
  "<upgraded node> -MoveComment \"SP2 upgrade\" (or the Manage Clustered "
  "Mailbox Server wizard).",
  "stop the clustered mailbox server: Stop-ClusteredMailboxServer "
  "-Identity <CMS name> -StopReason \"SP2 upgrade\".",
  "on the upgraded node that now owns it, run " SETUP " /UpgradeCMS (this "
  "upgrades the clustered mailbox server and brings it online).",
  "then upgrade the former active node: " SETUP " /mode:upgrade on it, and "
  "restart it if setup asks.",
};

static void report_upgrade_path(ctx *c, const build *b,
                                const patch_summary *ps)
{
  const sd_exch_facts *x = c->x;
  const sbs_marker *sbs;
  int sbs_unknown;
  sd_buf roles;
  size_t i;
  sd_finding *fd;
  sd_buf_init(&roles);
  if(x->roles_st.state == SD_ST_READ)
    for(i = 0; i < x->nroles; i++) {
      if(roles.len)
        sd_buf_puts(&roles, ", ");
      sd_buf_puts(&roles, sd_str_or(x->roles[i].name, "?"));
    }
  fd = add(c, "EXCH-UPGRADE-PATH");
  sbs = sbs2008_of(c, &sbs_unknown);
  if(ps->rollup >= 0)
    sd_finding_msg(c->r, fd, "%s with Update Rollup %ld (build %s) is "
                   "installed. An in-place upgrade to SP2 (%s) with %s is "
                   "supported once the blockers reported here are cleared.",
                   release_2007(b->v.part[1]), ps->rollup, b->text,
                   SP2_BUILD, sbs ? "the Windows SBS 2008 installation tool "
                   "(or the steps of KB 973862)" : "Setup.com /mode:upgrade");
  else
    sd_finding_msg(c->r, fd, "%s (build %s) is installed. An in-place "
                   "upgrade to SP2 (%s) with %s is supported once the "
                   "blockers reported here are cleared.",
                   release_2007(b->v.part[1]), b->text, SP2_BUILD,
                   sbs ? "the Windows SBS 2008 installation tool (or the "
                   "steps of KB 973862)" : "Setup.com /mode:upgrade");
  sd_ev_str(c->r, fd, "installed_build", b->text);
  sd_ev_str(c->r, fd, "build_source", b->source);
  sd_ev_str(c->r, fd, "release", release_2007(b->v.part[1]));
  if(x->exsetup_st.state == SD_ST_READ && x->exsetup_version)
    sd_ev_str(c->r, fd, "exsetup_version", x->exsetup_version);
  if(x->reg_version_st.state == SD_ST_READ && x->reg_version)
    sd_ev_str(c->r, fd, "registry_version", x->reg_version);
  if(b->disagree)
    sd_ev_bool(c->r, fd, "sources_disagree", 1);
  if(!ps->read) {
    sd_ev_str(c->r, fd, "interim_updates_installed", "unknown (the patch "
              "list could not be read)");
  }
  else {
    if(ps->rollup >= 0)
      sd_ev_int(c->r, fd, "update_rollup", ps->rollup);
    sd_ev_int(c->r, fd, "update_rollups_installed", ps->rollups);
    sd_ev_int(c->r, fd, "interim_updates_installed", ps->ius);
  }
  if(roles.len)
    sd_ev_str(c->r, fd, "roles", roles.data);
  if(x->install_path)
    sd_ev_str(c->r, fd, "install_path", x->install_path);
  sd_ev_str(c->r, fd, "target_build", SP2_BUILD);
  if(sbs_unknown)
    note_unknown(c, "whether this is Windows Small Business Server 2008 "
                 "(its own SP2 path)", &x->product_suite_st);
  if(sbs) {
    sd_ev_str(c->r, fd, "upgrade_path", "Windows SBS 2008 (KB 973862)");
    sd_ev_strf(c->r, fd, "sbs_marker", "%s contains \"%s\"", sbs->where,
               sbs->text);
    sd_fix_summary(c->r, fd, "This is Windows Small Business Server 2008: "
                   "clear the blockers srvdoctor reports, then install SP2 "
                   "with the SBS 2008 installation tool (or the steps of "
                   "KB 973862), not with Setup.com /mode:upgrade.");
    sd_fix_step(c->r, fd, "Clear every critical and warning finding "
                "srvdoctor reports for this module (interim updates, "
                "pending restart, Active Directory preparation).");
    for(i = 0; i < SD_COUNTOF(sbs2008_sp2_steps); i++)
      sd_fix_step(c->r, fd, "%s", sbs2008_sp2_steps[i]);
    sd_buf_free(&roles);
    return;
  }
  sd_ev_str(c->r, fd, "upgrade_path", "Setup.com /mode:upgrade");
  sd_fix_summary(c->r, fd, "Clear the blockers srvdoctor reports, then run "
                 "Setup.com /mode:upgrade from the SP2 media.");
  sd_fix_step(c->r, fd, "Clear every critical and warning finding srvdoctor "
              "reports for this module (interim updates, pending restart, "
              "Active Directory preparation).");
  sd_fix_step(c->r, fd, "Copy the Exchange 2007 SP2 media to a local "
              "folder on this server.");
  sd_fix_step(c->r, fd, "Open an elevated Command Prompt in that folder and "
              "run: Setup.com /mode:upgrade");
  sd_fix_step(c->r, fd, "Restart if setup asks, then run srvdoctor again: "
              "it should report EXCH-ALREADY-SP2.");
  for(i = 0; i < SD_COUNTOF(cms_upgrade_steps); i++)
    sd_fix_step(c->r, fd, "Clustered mailbox server (CCR or SCC), step %u "
                "of %u: %s", (unsigned)(i + 1),
                (unsigned)SD_COUNTOF(cms_upgrade_steps),
                cms_upgrade_steps[i]);
  sd_fix_cmd(c->r, fd, "%s /mode:upgrade", SETUP);
  sd_buf_free(&roles);
}

static void report_prereq_unknown(ctx *c)
{
  sd_finding *x;
  if(!c->nunknown)
    return;
  x = add(c, "EXCH-PREREQ-UNKNOWN");
  sd_finding_msg(c->r, x, "These SP2 prerequisites could not be checked: "
                 "%s. They are not known to be fine.", c->unknown.data);
  sd_ev_str(c->r, x, "unchecked", c->unknown.data);
  sd_ev_int(c->r, x, "count", c->nunknown);
  sd_fix_summary(c->r, x, "Run srvdoctor again elevated, or check these "
                 "items by hand before SP2 setup.");
  sd_fix_step(c->r, x, "Run srvdoctor again from an elevated Command Prompt "
              "(right-click, Run as administrator).");
  sd_fix_step(c->r, x, "For anything still unchecked, compare by hand: x64 "
              "Windows Server 2003 SP2 or Windows Server 2008, Windows "
              "Installer 4.5 or later (file version of "
              "C:\\Windows\\System32\\msi.dll), no restart pending.");
}

static void exch_check(const sd_facts *f, const sd_options *o,
                       sd_module_result *r)
{
  ctx c;
  install in;
  build b;
  patch_summary ps;
  memset(&c, 0, sizeof(c));
  c.f = f;
  c.x = &f->exchange;
  c.ad = &f->exchange.ad;
  c.r = r;
  r->applicable = 1;
  if(f->exchange.st.state == SD_ST_NOT_COLLECTED &&
     f->exchange.installed_st.state == SD_ST_NOT_COLLECTED) {
    /* A snapshot without the exchange section (or from a collection that
     * skipped this module): nothing about Exchange is known. */
    report_unknown_install(&c, "The snapshot holds no Exchange facts: they "
                           "were not collected.");
    return;
  }
  in = check_install(&c, o, &b);
  if(in == I_DONE)
    return;
  c.fresh = in == I_FRESH;
  sd_buf_init(&c.unknown);
  if(in != I_FRESH) {
    check_patches(&c, &ps);
    check_msi_cache(&c);
    check_setup_state(&c);
    if(in == I_UPGRADE)
      report_upgrade_path(&c, &b, &ps);
  }
  check_reboot(&c);
  check_os(&c);
  report_prereq_unknown(&c);
  check_ad(&c);
  sd_buf_free(&c.unknown);
}

const sd_module sd_module_exchange_sp2 = {
  "exchange-sp2", "Exchange Server 2007 SP2 upgrade readiness",
  SD_NEED_EXCHANGE | SD_NEED_MSI | SD_NEED_REBOOT | SD_NEED_AD, exch_check,
  exch_codes, SD_COUNTOF(exch_codes)};
