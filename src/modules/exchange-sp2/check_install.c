/* install.c - exchange-sp2: what Exchange is installed (build from
 * ExSetup.exe, the registry or Windows Installer), whether this module
 * applies, and the in-place upgrade path to SP2 (Windows SBS 2008, clustered
 * mailbox servers). */
#include <string.h>

#include "check.h"

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
  sd_exch_step_elevated(c, fd);
  sd_step_add(c->r, fd, SD_STEP_LOOK, "If this finding stays, check the file "
              "version of "
              "ExSetup.exe in the Exchange bin folder (right-click > "
              "Properties > Details): 8.0.x is RTM and 8.1.x is SP1 (both "
              "can be upgraded in place), 8.2.x or later is already SP2 or "
              "later.");
}

/* EXCH-OTHER-VERSION when another Exchange version is installed instead
 * (the module then does not apply): 1 when reported. */
static int report_other_version(sd_exch_ctx *c)
{
  const sd_exch_facts *x = c->x;
  const sd_fstate *others[3];
  const char *names[3];
  const char *versions[3];
  size_t i;
  sd_finding *fd;
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
    return 1;
  }
  return 0;
}

/* EXCH-NOT-INSTALLED when the module runs with every other one: it does
 * not apply here. */
static void report_not_applicable(sd_exch_ctx *c)
{
  sd_finding *fd;
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
  sd_step_add(c->r, fd, SD_STEP_LOOK, "To check the fresh-install "
              "prerequisites, run:");
  sd_step_cmd(c->r, fd, "srvdoctor check --only exchange-sp2");
}

/* EXCH-NOT-INSTALLED when the module was asked for: SP2 installs fresh. */
static void report_fresh_install(sd_exch_ctx *c)
{
  sd_finding *fd = sd_exch_add(c, "EXCH-NOT-INSTALLED");
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
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Clear every warning and critical "
              "finding srvdoctor reports for this module first.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Which roles to install is the "
              "Exchange administrator's decision: srvdoctor prints no "
              "install command. Setup.com /mode:Install with /roles: and "
              "the chosen roles, run in an elevated Command Prompt in the "
              "folder of the SP2 media that holds Setup.com, installs "
              "them.");
}

/* EXCH-ALREADY-SP2: the build is at or above SP2. */
static void report_already_sp2(sd_exch_ctx *c, const sd_exch_build *b)
{
  sd_finding *fd = sd_exch_add(c, "EXCH-ALREADY-SP2");
  sd_finding_msg(c->r, fd, "%s (build %s) is installed: it is already at "
                 "or above SP2 (%s), so there is nothing to upgrade to "
                 "SP2.", release_2007(b->v.part[1]), b->text, SP2_BUILD);
  sd_ev_str(c->r, fd, "installed_build", b->text);
  sd_ev_str(c->r, fd, "build_source", b->source);
  sd_ev_str(c->r, fd, "release", release_2007(b->v.part[1]));
  sd_ev_str(c->r, fd, "target_build", SP2_BUILD);
}

/* EXCH-PRERELEASE: a build older than RTM, not upgradable in place. */
static void report_prerelease(sd_exch_ctx *c, const sd_exch_build *b)
{
  sd_finding *fd = sd_exch_add(c, "EXCH-PRERELEASE");
  sd_finding_msg(c->r, fd, "Build %s is older than Exchange 2007 RTM "
                 "(8.0.685.25): it is a beta or pre-release build, which "
                 "cannot be upgraded in place.", b->text);
  sd_ev_str(c->r, fd, "installed_build", b->text);
  sd_ev_str(c->r, fd, "build_source", b->source);
  sd_ev_str(c->r, fd, "first_release_build", "8.0.685.25");
  sd_fix_summary(c->r, fd, "Move mailboxes off this server, uninstall the "
                 "pre-release build and install SP2 fresh.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Confirm the build: right-click "
              "ExSetup.exe in the Exchange bin folder > Properties > "
              "Details; the file version below 8.0.685.25 is a "
              "pre-release build.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Do not try to upgrade it. Hand it "
              "to the Exchange administrator: the mailboxes and roles "
              "must be moved to another server, this build uninstalled "
              "and Exchange 2007 SP2 installed fresh from the SP2 media; "
              "srvdoctor prints no commands for that.");
}

/* What the installed Exchange 2007's build (into b) leaves to check:
 * unknown, not 8.x, already SP2, pre-release, or an upgrade. */
static sd_exch_install judge_build(sd_exch_ctx *c, sd_exch_build *b)
{
  find_build(c->x, b);
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
    report_already_sp2(c, b);
    return SD_EXCH_INSTALL_DONE;
  }
  if(b->v.part[1] == 0 && b->v.n >= 3 && b->v.part[2] < RTM_FIRST_BUILD) {
    report_prerelease(c, b);
    return SD_EXCH_INSTALL_FRESH;
  }
  return SD_EXCH_INSTALL_UPGRADE;
}

/* What the rest of the check looks at (sd_exch_install), by what is
 * installed. */
sd_exch_install sd_exch_check_install(sd_exch_ctx *c, const sd_options *o,
                                      sd_exch_build *b)
{
  const sd_exch_facts *x = c->x;
  if(x->installed_st.state != SD_ST_READ && report_other_version(c))
    return SD_EXCH_INSTALL_DONE;
  if(x->installed_st.state == SD_ST_ABSENT && !o->only_given) {
    report_not_applicable(c);
    return SD_EXCH_INSTALL_DONE;
  }
  if(x->installed_st.state == SD_ST_ABSENT) {
    report_fresh_install(c);
    return SD_EXCH_INSTALL_FRESH;
  }
  if(x->installed_st.state != SD_ST_READ) {
    sd_exch_report_unknown_install(c, sd_arena_printf(c->r->arena,
                                   "Whether Exchange 2007 is installed could "
                                   "not be read (%s).",
                                   sd_exch_why_of(&x->installed_st)));
    return SD_EXCH_INSTALL_UNKNOWN;
  }
  return judge_build(c, b);
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

/* The first step of every upgrade procedure: the others wait for it. */
#define CLEAR_FIRST \
  "Check this report first: every critical and warning finding of this " \
  "module (interim updates, pending restart, Active Directory " \
  "preparation) must be cleared by its own steps before going on."

/* The restart after setup: a last resort, only when setup (step `setup`)
 * asked for it. */
static void restart_if_asked(sd_exch_ctx *c, sd_finding *fd,
                             const char *what, const char *when,
                             unsigned setup)
{
  sd_step_add(c->r, fd, SD_STEP_LAST_RESORT, "Restart %s (Start > Shut "
              "Down > Restart)%s.", what, when);
  sd_step_when(c->r, fd, "Only if setup in step %u asked for a restart",
               setup);
}

/* Windows SBS 2008's SP2 steps (sources above). */
static void sbs_steps(sd_exch_ctx *c, sd_finding *fd)
{
  unsigned setup;
  sd_step_add(c->r, fd, SD_STEP_LOOK, CLEAR_FIRST);
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Do not run " SETUP " /mode:upgrade "
              "directly on Windows SBS 2008: SP2 setup has an SBS 2008 "
              "prerequisite check that stops it, and a plain upgrade breaks "
              "some of the SBS web services.");
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "Copy the Exchange 2007 SP2 media "
              "(x64) to a local folder on this server.");
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "In a maintenance window, download "
              "the Windows SBS 2008 team's Exchange 2007 SP2 installation "
              "tool into that folder and start SP2 setup from it: the tool "
              "stops the Forefront Security for Exchange services, runs "
              "setup and does the SBS clean-up afterwards.");
  setup = sd_step_number(fd);
  sd_step_alt(c->r, fd, SD_STEP_CHANGE, "Without the tool, follow the "
              "manual steps of Microsoft Knowledge Base article 973862 "
              "exactly instead (one way, not both).");
  restart_if_asked(c, fd, "the server", " in the maintenance window",
                   setup);
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Run srvdoctor again to confirm:");
  sd_step_cmd(c->r, fd, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, fd, "EXCH-ALREADY-SP2");
}

/* ---- clustered mailbox servers ----
 *
 * Whether this computer is a node of a clustered mailbox server (CMS), and
 * which kind:
 *   - a CMS runs on a failover cluster: cluster continuous replication
 *     (CCR) "combines ... log shipping ... with the failover and management
 *     features provided by the Cluster service" (Exchange 2007 help
 *     "Cluster Continuous Replication", technet bb124521(v=exchg.80)), and
 *     a single copy cluster (SCC) is a Cluster service (MSCS) cluster with
 *     shared storage ("Single Copy Clusters", same help).  A computer whose
 *     GetNodeClusterState (Microsoft docs, clusapi.h) says the Cluster
 *     service is not installed or not configured is no node of one.
 *   - CCR or SCC: msExchClusterStorageType of the CMS's Exchange server
 *     object, 1 = CCR, 2 = SCC, not set = stand-alone (Exchange Server
 *     Analyzer article on the cluster quorum, Exchange 2007 help mirror
 *     unifiedpeople.ru/extra.en 0a70037d; facts §1.4).
 *   - the read-only command that names the CMS, its state and its nodes:
 *     Get-ClusteredMailboxServerStatus (Exchange 2007 help aa998632).
 *
 * The CCR order (cms_ccr_order): on the passive node Setup.com
 * /mode:upgrade; Stop-ClusteredMailboxServer; Move-ClusteredMailboxServer
 * to the upgraded node; Setup.com /UpgradeCMS on it; then the former active
 * node (Exchange 2007 SP2 CCR walkthrough, enowconsulting.com "Interested
 * in Exchange SP 2", 2009, steps 4-9, facts §1.4 [ENOW]; the cmdlets'
 * -StopReason, -TargetMachine and -MoveComment parameters from the Exchange
 * 2007 help "How to Move a Clustered Mailbox Server" and the Manage
 * Clustered Mailbox Server wizard).  Issue 12 had asked for move before
 * stop; the cited walkthrough stops first (issue 16).
 * SCC: upgrading has its own documented order (all passive nodes first);
 * srvdoctor could not verify its steps and prints none (the module page
 * says so). */
typedef enum cms_kind {
  CMS_STANDALONE,       /* not a node of a clustered mailbox server */
  CMS_CCR,
  CMS_SCC,
  CMS_NODE_UNKNOWN,     /* a cluster node, CMS or kind not read */
  CMS_UNKNOWN           /* whether it is a cluster node was not read */
} cms_kind;

typedef struct cms_type_name {
  const char *type;     /* sd_exch_facts.cms_type */
  cms_kind kind;
  const char *name;
} cms_type_name;

static const cms_type_name cms_types[] = {
  {"ccr", CMS_CCR, "cluster continuous replication (CCR)"},
  {"scc", CMS_SCC, "single copy cluster (SCC)"},
};

/* GetNodeClusterState results that say: no node of any cluster. */
static const char *const cluster_not_node[] = {"not-installed",
                                               "not-configured"};

static cms_kind cms_kind_of(const sd_exch_facts *x)
{
  size_t i;
  if(x->cms_st.state == SD_ST_READ) {
    for(i = 0; x->cms_type && i < SD_COUNTOF(cms_types); i++)
      if(sd_strieq(cms_types[i].type, x->cms_type))
        return cms_types[i].kind;
    return CMS_NODE_UNKNOWN;
  }
  if(x->cluster_st.state != SD_ST_READ || !x->cluster_state)
    return CMS_UNKNOWN;
  for(i = 0; i < SD_COUNTOF(cluster_not_node); i++)
    if(sd_strieq(cluster_not_node[i], x->cluster_state))
      return CMS_STANDALONE;
  return x->cms_st.state == SD_ST_ABSENT ? CMS_STANDALONE
                                          : CMS_NODE_UNKNOWN;
}

static const char *cms_kind_name(cms_kind k)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(cms_types); i++)
    if(cms_types[i].kind == k)
      return cms_types[i].name;
  return k == CMS_STANDALONE ? "stand-alone (no clustered mailbox server)"
                             : "unknown";
}

/* The node that does not own the CMS, when the facts name exactly two
 * nodes and the owner; else NULL. */
static const char *cms_passive_node(sd_exch_ctx *c)
{
  const sd_exch_facts *x = c->x;
  const char *comma, *a, *b;
  if(!x->cms_nodes || !x->cms_owner || !*x->cms_owner)
    return NULL;
  comma = strchr(x->cms_nodes, ',');
  if(!comma || strchr(comma + 1, ','))
    return NULL;
  a = sd_arena_printf(c->r->arena, "%.*s", (int)(comma - x->cms_nodes),
                      x->cms_nodes);
  b = comma + 1;
  while(*b == ' ')
    b++;
  if(sd_strieq(a, x->cms_owner) && *b)
    return sd_arena_strdup(c->r->arena, b);
  if(sd_strieq(b, x->cms_owner) && *a)
    return a;
  return NULL;
}

/* The read-only status look: Get-ClusteredMailboxServerStatus. */
static unsigned cms_status_step(sd_exch_ctx *c, sd_finding *fd)
{
  const char *name = c->x->cms_st.state == SD_ST_READ ? c->x->cms_name
                                                       : NULL;
  sd_step_add(c->r, fd, SD_STEP_LOOK, "In the Exchange Management Shell, "
              "show the clustered mailbox server and its nodes "
              "(read-only):");
  if(name && *name)
    sd_step_cmd(c->r, fd, "Get-ClusteredMailboxServerStatus -Identity %s",
                name);
  else
    sd_step_cmd(c->r, fd, "Get-ClusteredMailboxServerStatus");
  sd_step_expect(c->r, fd, "a line that starts with OperationalMachines "
                 "listing the nodes; the node marked Active owns the "
                 "clustered mailbox server now, the other one is passive");
  return sd_step_number(fd);
}

/* Setup.com /mode:upgrade on one node and its restart only if asked. */
static void node_upgrade_steps(sd_exch_ctx *c, sd_finding *fd,
                               const char *where)
{
  unsigned setup;
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "%s, open an elevated Command "
              "Prompt in the folder with the SP2 media and run:", where);
  sd_step_cmd(c->r, fd, "%s /mode:upgrade", SETUP);
  setup = sd_step_number(fd);
  restart_if_asked(c, fd, "that node", "", setup);
}

/* CCR, in the order of cms_ccr_order above. */
static void ccr_steps(sd_exch_ctx *c, sd_finding *fd)
{
  const sd_exch_facts *x = c->x;
  const char *cms = x->cms_name;
  const char *passive = cms_passive_node(c);
  unsigned status = cms_status_step(c, fd);
  sd_ev_str(c->r, fd, "upgrade_path", "clustered mailbox server (CCR)");
  node_upgrade_steps(c, fd, passive
                     ? sd_arena_printf(c->r->arena, "On the passive node %s",
                                       passive)
                     : sd_arena_printf(c->r->arena, "On the passive node "
                                       "(the one step %u did not mark "
                                       "Active)", status));
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "In the Exchange Management Shell, "
              "stop the clustered mailbox server %s (mail is offline from "
              "here until step %u):", cms, sd_step_number(fd) + 3);
  sd_step_cmd(c->r, fd, "Stop-ClusteredMailboxServer -Identity %s "
              "-StopReason \"SP2 upgrade\"", cms);
  if(passive) {
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "Move it to the upgraded node "
                "%s:", passive);
    sd_step_cmd(c->r, fd, "Move-ClusteredMailboxServer -Identity %s "
                "-TargetMachine %s -MoveComment \"SP2 upgrade\"", cms,
                passive);
  }
  else {
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "Move it to the node you upgraded "
                "first: Move-ClusteredMailboxServer -Identity %s with "
                "-TargetMachine followed by that node's name (step %u shows "
                "it; srvdoctor could not read which node is passive) and "
                "-MoveComment \"SP2 upgrade\".", cms, status);
  }
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "On %s%s, in the SP2 media folder, "
              "upgrade the clustered mailbox server (this brings it online "
              "again):", passive ? "the upgraded node " : "the upgraded "
              "node that now owns it", passive ? passive : "");
  sd_step_cmd(c->r, fd, "%s /UpgradeCMS", SETUP);
  node_upgrade_steps(c, fd, x->cms_owner && passive
                     ? sd_arena_printf(c->r->arena, "Then, on the former "
                                       "active node %s", x->cms_owner)
                     : "Then, on the former active node");
}

/* A cluster node whose clustered mailbox server or its kind is not known,
 * or an SCC node: look steps only (sources above). */
static void cms_hand_off_steps(sd_exch_ctx *c, sd_finding *fd, cms_kind k)
{
  const sd_exch_facts *x = c->x;
  unsigned status;
  if(k == CMS_SCC) {
    sd_ev_str(c->r, fd, "upgrade_path", "clustered mailbox server (SCC)");
    sd_step_add(c->r, fd, SD_STEP_LOOK, "This computer is a node of the "
                "single copy cluster %s. The CCR steps do not apply to it: "
                "a single copy cluster has its own upgrade order (all "
                "passive nodes first), which srvdoctor could not verify and "
                "does not print.", sd_str_or(x->cms_name, ""));
  }
  else {
    sd_ev_str(c->r, fd, "upgrade_path", "clustered mailbox server (kind "
              "not known)");
    sd_step_add(c->r, fd, SD_STEP_LOOK, "This computer is a failover "
                "cluster node (cluster service %s), but srvdoctor could not "
                "read which clustered mailbox server it belongs to, or "
                "whether that is CCR or SCC (%s). It prints no setup "
                "commands for it.", sd_str_or(x->cluster_state, "state "
                "unknown"), sd_exch_why_of(&x->cms_st));
  }
  status = cms_status_step(c, fd);
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Do not run setup on this node. Hand "
              "this finding and the output of step %u to the Exchange "
              "administrator, who upgrades the cluster with Microsoft's "
              "procedure for %s clustered mailbox servers.", status,
              k == CMS_SCC ? "single copy cluster" : "its kind of");
}

/* A stand-alone server (or one whose cluster membership is unknown: then
 * a look first, and setup only if it shows no clustered mailbox server). */
static void standalone_steps(sd_exch_ctx *c, sd_finding *fd, cms_kind k)
{
  unsigned check = 0, setup;
  if(k == CMS_UNKNOWN) {
    sd_step_add(c->r, fd, SD_STEP_LOOK, "srvdoctor could not tell whether "
                "this server is a node of a clustered mailbox server (%s). "
                "Check it in the Exchange Management Shell (read-only):",
                sd_exch_why_of(&c->x->cluster_st));
    sd_step_cmd(c->r, fd, "Get-ClusteredMailboxServerStatus");
    sd_step_expect(c->r, fd, "no clustered mailbox server listed for a "
                   "stand-alone server; if one is listed with this computer "
                   "in its OperationalMachines line, stop and hand this "
                   "finding to the Exchange administrator");
    check = sd_step_number(fd);
  }
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "Copy the Exchange 2007 SP2 media "
              "to a local folder on this server.");
  sd_step_add(c->r, fd, SD_STEP_CHANGE, "In a maintenance window, open an "
              "elevated Command Prompt in that folder and run:");
  sd_step_cmd(c->r, fd, "%s /mode:upgrade", SETUP);
  if(check)
    sd_step_when(c->r, fd, "Only if step %u showed no clustered mailbox "
                 "server with this computer as a node", check);
  setup = sd_step_number(fd);
  restart_if_asked(c, fd, "the server", " in the maintenance window",
                   setup);
}

/* EXCH-UPGRADE-PATH's steps for what this server is. */
static void upgrade_steps(sd_exch_ctx *c, sd_finding *fd)
{
  const sd_exch_facts *x = c->x;
  cms_kind k = cms_kind_of(x);
  sd_ev_str(c->r, fd, "cluster_node", x->cluster_st.state == SD_ST_READ
                                        ? sd_str_or(x->cluster_state, "")
                                        : sd_exch_why_of(&x->cluster_st));
  sd_ev_str(c->r, fd, "clustered_mailbox_server", cms_kind_name(k));
  if(x->cms_st.state == SD_ST_READ && x->cms_name)
    sd_ev_str(c->r, fd, "cms_name", x->cms_name);
  if(x->cms_st.state == SD_ST_READ && x->cms_nodes)
    sd_ev_str(c->r, fd, "cms_nodes", x->cms_nodes);
  if(k == CMS_STANDALONE || k == CMS_UNKNOWN)
    sd_fix_summary(c->r, fd, "Clear the blockers srvdoctor reports, then run "
                   "Setup.com /mode:upgrade from the SP2 media.");
  else if(k == CMS_CCR && x->cms_name && *x->cms_name)
    sd_fix_summary(c->r, fd, "Clear the blockers srvdoctor reports, then "
                   "upgrade the CCR clustered mailbox server %s node by "
                   "node in the order below.", x->cms_name);
  else
    sd_fix_summary(c->r, fd, "Clear the blockers srvdoctor reports, then "
                   "hand the upgrade of this clustered mailbox server node "
                   "to the Exchange administrator.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, CLEAR_FIRST);
  if(k == CMS_CCR && x->cms_name && *x->cms_name)
    ccr_steps(c, fd);
  else if(k == CMS_SCC || k == CMS_NODE_UNKNOWN || k == CMS_CCR) {
    cms_hand_off_steps(c, fd, k == CMS_CCR ? CMS_NODE_UNKNOWN : k);
    return;
  }
  else {
    sd_ev_str(c->r, fd, "upgrade_path", "Setup.com /mode:upgrade");
    standalone_steps(c, fd, k);
  }
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Run srvdoctor again to confirm:");
  sd_step_cmd(c->r, fd, "srvdoctor check --only exchange-sp2");
  sd_step_expect(c->r, fd, "EXCH-ALREADY-SP2");
}

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
    sbs_steps(c, fd);
    sd_buf_free(&roles);
    return;
  }
  upgrade_steps(c, fd);
  sd_buf_free(&roles);
}
