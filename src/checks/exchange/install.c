/* install.c - exchange-sp2: what Exchange is installed (build from
 * ExSetup.exe, the registry or Windows Installer), whether this module
 * applies, and the in-place upgrade path to SP2 (Windows SBS 2008, clustered
 * mailbox servers). */
#include <string.h>

#include "exchange_internal.h"

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

/* ---- the installed build ---- */

static void find_build(const sd_exch_facts *x, sd_exch_build *b)
{
  struct {
    const sd_fstate *st;
    const char *text;
    const char *source;
  } src[3];
  size_t i;
  sd_exch_ver first;
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
    sd_exch_ver v;
    if(src[i].st->state != SD_ST_READ || sd_exch_ver_parse(src[i].text, &v))
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


/* ---- installation ---- */

void sd_exch_report_unknown_install(sd_exch_ctx *c, const char *why)
{
  const sd_exch_facts *x = c->x;
  sd_finding *fd = sd_exch_add(c, "EXCH-UNKNOWN");
  sd_finding_msg(c->r, fd, "%s Whether an in-place upgrade to SP2 applies "
                 "could not be decided.", why);
  sd_ev_str(c->r, fd, "v8_key", sd_state_name(x->installed_st.state));
  sd_ev_str(c->r, fd, "exsetup", x->exsetup_st.state == SD_ST_READ
                                   ? sd_str_or(x->exsetup_version, "")
                                   : sd_exch_why_of(&x->exsetup_st));
  sd_ev_str(c->r, fd, "registry_build", x->reg_version_st.state ==
                                          SD_ST_READ
                                          ? sd_str_or(x->reg_version, "")
                                          : sd_exch_why_of(&x->reg_version_st));
  sd_ev_str(c->r, fd, "msi_display_version",
            x->msi_product_st.state == SD_ST_READ
              ? sd_str_or(x->msi_product_version, "")
              : sd_exch_why_of(&x->msi_product_st));
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

/* What the rest of the check looks at (sd_exch_install), by what is
 * installed. */
sd_exch_install sd_exch_check_install(sd_exch_ctx *c, const sd_options *o,
                                      sd_exch_build *b)
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
      fd = sd_exch_add(c, "EXCH-OTHER-VERSION");
      sd_finding_msg(c->r, fd, "%s%s%s is installed on this machine, not "
                     "Exchange Server 2007. Exchange 2007 SP2 cannot be "
                     "applied to it, so this module has nothing to check.",
                     names[i], versions[i] ? " " : "",
                     versions[i] ? versions[i] : "");
      sd_ev_str(c->r, fd, "product", names[i]);
      if(versions[i])
        sd_ev_str(c->r, fd, "version", versions[i]);
      return SD_EXCH_INSTALL_DONE;
    }
  }
  if(x->installed_st.state == SD_ST_ABSENT && !o->only_given) {
    /* Run with every other module: on a machine without Exchange 2007 this
     * module does not apply, and must not raise the alarm about Windows
     * versions or AD preparation nobody asked about. */
    c->r->applicable = 0;
    fd = sd_exch_add(c, "EXCH-NOT-INSTALLED");
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
    return SD_EXCH_INSTALL_DONE;
  }
  if(x->installed_st.state == SD_ST_ABSENT) {
    fd = sd_exch_add(c, "EXCH-NOT-INSTALLED");
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
    return SD_EXCH_INSTALL_FRESH;
  }
  if(x->installed_st.state != SD_ST_READ) {
    sd_exch_report_unknown_install(c, sd_arena_printf(c->r->arena,
                                   "Whether Exchange 2007 is installed could "
                                   "not be read (%s).",
                                   sd_exch_why_of(&x->installed_st)));
    return SD_EXCH_INSTALL_UNKNOWN;
  }
  find_build(x, b);
  if(!b->known) {
    sd_exch_report_unknown_install(c, "Exchange Server 2007 is installed, "
                                   "but its build could not be read from "
                                   "ExSetup.exe, the registry or Windows "
                                   "Installer.");
    return SD_EXCH_INSTALL_UNKNOWN;
  }
  if(b->v.part[0] != 8) {
    sd_exch_report_unknown_install(c, sd_arena_printf(c->r->arena,
                                   "The Exchange 2007 registry key exists, "
                                   "but the build read from the %s is %s, "
                                   "which is not an Exchange 2007 (8.x) "
                                   "build.", b->source, b->text));
    return SD_EXCH_INSTALL_UNKNOWN;
  }
  if(b->v.part[1] >= 2) {
    fd = sd_exch_add(c, "EXCH-ALREADY-SP2");
    sd_finding_msg(c->r, fd, "%s (build %s) is installed: it is already at "
                   "or above SP2 (%s), so there is nothing to upgrade to "
                   "SP2.", release_2007(b->v.part[1]), b->text, SP2_BUILD);
    sd_ev_str(c->r, fd, "installed_build", b->text);
    sd_ev_str(c->r, fd, "build_source", b->source);
    sd_ev_str(c->r, fd, "release", release_2007(b->v.part[1]));
    sd_ev_str(c->r, fd, "target_build", SP2_BUILD);
    return SD_EXCH_INSTALL_DONE;
  }
  if(b->v.part[1] == 0 && b->v.n >= 3 && b->v.part[2] < RTM_FIRST_BUILD) {
    fd = sd_exch_add(c, "EXCH-PRERELEASE");
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
    return SD_EXCH_INSTALL_FRESH;
  }
  return SD_EXCH_INSTALL_UPGRADE;
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
static const sbs_marker *sbs2008_of(sd_exch_ctx *c, int *unknown)
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

void sd_exch_report_upgrade_path(sd_exch_ctx *c, const sd_exch_build *b,
                                        const sd_exch_patch_summary *ps)
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
  fd = sd_exch_add(c, "EXCH-UPGRADE-PATH");
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
    sd_exch_note_unknown(c, "whether this is Windows Small Business Server "
                         "2008 (its own SP2 path)", &x->product_suite_st);
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
