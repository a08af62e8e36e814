/* exchange_sp2.c - the "exchange-sp2" module: can this machine be taken to
 * Exchange Server 2007 Service Pack 2 right now, and if not, what first?
 *
 * A pure function of the facts: this machine's Exchange installation, its
 * MSI patches, pending-reboot flags, OS and Windows Installer version, the
 * running user's token groups and what a domain controller said.  Values
 * and their sources are in ../shared/facts/exchange.md; decisions taken
 * where the facts are silent are written down in docs/modules/exchange-sp2.md.
 *
 * This file holds the module's entry and its code table; the parts of the
 * check are the check_*.c files beside it (one file per concern, see
 * check.h).
 */
#include <stddef.h>
#include <string.h>

#include "check.h"

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
   "An interim update is installed and blocks the SP2 upgrade", SD_FIX_YES},
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
  {"EXCH-SETUP-LOG-FAILED", "exchange-sp2", SD_SEV_CRITICAL,
   "The last run of Exchange setup failed", 0},
  {"EXCH-SETUP-LOG-UNCLEAR", "exchange-sp2", SD_SEV_UNKNOWN,
   "Exchange setup's log could not be read or its last run did not say "
   "how it ended", 0},
  {"EXCH-FOREFRONT", "exchange-sp2", SD_SEV_WARNING,
   "Forefront Security for Exchange is installed: disable it for the time "
   "of setup", 0},
  {"EXCH-SERVICE-DISABLED", "exchange-sp2", SD_SEV_CRITICAL,
   "An Exchange service setup needs is set to Disabled", 0},
  {"EXCH-SERVICE-PENDING", "exchange-sp2", SD_SEV_WARNING,
   "An Exchange service is held in a start or stop pending state", 0},
  {"EXCH-CRL-UNREACHABLE", "exchange-sp2", SD_SEV_WARNING,
   "The certificate revocation list at crl.microsoft.com cannot be "
   "reached: Exchange services and setup stall", 0},
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

static void exch_check(const sd_facts *f, const sd_options *o,
                       sd_module_result *r)
{
  sd_exch_ctx c;
  sd_exch_install in;
  sd_exch_build b;
  sd_exch_patch_summary ps;
  memset(&c, 0, sizeof(c));
  c.f = f;
  c.x = &f->exchange;
  c.ad = &f->exchange.ad;
  c.r = r;
  c.codes = exch_codes;
  c.ncodes = SD_COUNTOF(exch_codes);
  r->applicable = 1;
  if(f->exchange.st.state == SD_ST_NOT_COLLECTED &&
     f->exchange.installed_st.state == SD_ST_NOT_COLLECTED) {
    /* A snapshot without the exchange section (or from a collection that
     * skipped this module): nothing about Exchange is known. */
    sd_exch_report_unknown_install(&c, "The snapshot holds no Exchange "
                                   "facts: they were not collected.");
    return;
  }
  in = sd_exch_check_install(&c, o, &b);
  if(in == SD_EXCH_INSTALL_DONE)
    return;
  c.fresh = in == SD_EXCH_INSTALL_FRESH;
  sd_buf_init(&c.unknown);
  if(in != SD_EXCH_INSTALL_FRESH) {
    sd_exch_check_patches(&c, &ps);
    sd_exch_check_msi_cache(&c);
    sd_exch_check_setup_state(&c);
    if(in == SD_EXCH_INSTALL_UPGRADE)
      sd_exch_report_upgrade_path(&c, &b, &ps);
  }
  sd_exch_check_reboot(&c);
  sd_exch_check_os(&c);
  sd_exch_report_prereq_unknown(&c);
  sd_exch_check_ad(&c);
  sd_buf_free(&c.unknown);
}

/* The domain controller to ask and the account to bind as (live checks
 * only; the password comes from the environment or a file, never argv). */
static const sd_optdef exch_opts[] = {
  {"dc", SD_OPT_STR, offsetof(sd_options, dc), 0, 0, 0, 1},
  {"ldap-user", SD_OPT_STR, offsetof(sd_options, ldap_user), 0, 0, 0, 1},
};

static const char exch_help[] =
  "  --dc HOST[:PORT]      domain controller to query (default: locate "
  "one)\n"
  "  --ldap-user USER      bind as USER; password from the environment\n"
  "                        variable SRVDOCTOR_LDAP_PASSWORD or from\n"
  "  --ldap-password-file FILE\n";

const sd_module sd_module_exchange_sp2 = {
  "exchange-sp2", "Exchange Server 2007 SP2 upgrade readiness",
  SD_NEED_MODULE(exchange_sp2) | SD_NEED_MSI | SD_NEED_REBOOT |
  SD_NEED_SERVICES, exch_check, exch_codes, SD_COUNTOF(exch_codes),
  exch_opts, SD_COUNTOF(exch_opts), exch_help};
