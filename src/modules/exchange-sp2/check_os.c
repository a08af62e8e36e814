/* os.c - exchange-sp2: the operating system and Windows Installer
 * version SP2 needs. */
#include "check.h"

/* ---- operating system and Windows Installer (facts §3.2, §3.4) ---- */

/* Whether the Windows read cannot take Exchange 2007 SP2 (architecture,
 * too old, a client, Windows Server 2003 without SP2, 2008 R2 or newer);
 * the reason goes to why. */
static int os_unfit(const sd_os *os, sd_buf *why)
{
  unsigned maj = os->major, min = os->minor;
  if(os->arch && (sd_strieq(os->arch, "ia64") ||
                  sd_strieq(os->arch, "arm64"))) {
    sd_buf_printf(why, "the processor architecture is %s; Exchange 2007 "
                  "runs only on x64 (or x86 for tests)", os->arch);
    return 1;
  }
  if(maj < 5 || (maj == 5 && min < 2)) {
    sd_buf_printf(why, "Windows %u.%u is older than Windows Server 2003",
                  maj, min);
    return 1;
  }
  if(!os->is_server) {
    sd_buf_printf(why, "%s is a client version of Windows; Exchange 2007 "
                  "server roles need Windows Server",
                  sd_str_or(os->name, "this Windows"));
    return 1;
  }
  if(maj == 5 && min == 2 && os->sp_major < 2) {
    sd_buf_printf(why, "Windows Server 2003 needs Service Pack 2 for "
                  "Exchange 2007 SP2 (this one has %s)",
                  os->sp_major ? sd_str_or(os->service_pack, "an older "
                                           "service pack")
                               : "no service pack");
    return 1;
  }
  if(maj == 6 && min == 1) {
    sd_buf_puts(why, "Windows Server 2008 R2 is not supported for "
                "Exchange 2007 SP2 (support for it came with SP3)");
    return 1;
  }
  if(maj > 6 || (maj == 6 && min > 1)) {
    sd_buf_printf(why, "Windows %u.%u (%s) is newer than any Windows "
                  "Exchange 2007 supports (Windows Server 2003 SP2 and "
                  "Windows Server 2008)", maj, min,
                  sd_str_or(os->name, "this Windows"));
    return 1;
  }
  return 0;
}

/* Whether Windows Installer is older than 4.5 (the reason goes to why);
 * a version not read or not parsed is noted as unchecked. */
static int msi_unfit(sd_exch_ctx *c, int have_msi, const sd_exch_ver *mv,
                     sd_buf *why)
{
  const sd_exch_facts *x = c->x;
  if(!have_msi) {
    if(x->msi_version_st.state == SD_ST_READ)
      sd_exch_note_unknown(c, sd_arena_printf(c->r->arena, "Windows "
                                              "Installer version (\"%s\" is "
                                              "not a version)",
                                              sd_str_or(x->msi_version, "")),
                           NULL);
    else
      sd_exch_note_unknown(c, "Windows Installer version", &x->msi_version_st);
    return 0;
  }
  if(mv->part[0] < 4 || (mv->part[0] == 4 && mv->part[1] < 5)) {
    if(why->len)
      sd_buf_puts(why, "; ");
    sd_buf_printf(why, "Windows Installer is version %s; SP2 needs 4.5 or "
                  "later", x->msi_version);
    return 1;
  }
  return 0;
}

/* EXCH-OS-32BIT: a 32-bit Windows, for tests only. */
static void report_32bit(sd_exch_ctx *c)
{
  const sd_os *os = &c->f->os;
  sd_finding *fd = sd_exch_add(c, "EXCH-OS-32BIT");
  sd_finding_msg(c->r, fd, "%s is a 32-bit Windows. The 32-bit Exchange "
                 "2007 build is meant for tests and evaluation only; a "
                 "production server must run the x64 build on x64 "
                 "Windows.", sd_str_or(os->name, "This server"));
  sd_ev_str(c->r, fd, "arch", os->arch);
  sd_ev_str(c->r, fd, "needed", "x64");
  sd_fix_summary(c->r, fd, "Use this server for tests only, or move "
                 "Exchange to an x64 server.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "If it is a test server, the 32-bit "
              "SP2 build can be used; continue with the other findings.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "If this is a production server, do "
              "not upgrade it: hand it to the Exchange administrator to "
              "plan a move of its roles to a new x64 server with Exchange "
              "2007 SP2 installed fresh.");
}

/* EXCH-OS-UNSUPPORTED's steps: confirm, then Windows Server 2003 SP2,
 * Windows Installer 4.5 or a move to another server. */
static void unsupported_steps(sd_exch_ctx *c, sd_finding *fd, int bad_os,
                              int bad_msi)
{
  const sd_os *os = &c->f->os;
  int needs_sp2 = os->st.state == SD_ST_READ && os->major == 5 &&
                  os->minor == 2 && os->sp_major < 2 && os->is_server;
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Confirm what this server runs: "
              "Windows version and service pack in System Properties "
              "(right-click Computer > Properties), Windows Installer in "
              "the file version of C:\\Windows\\System32\\msi.dll "
              "(right-click > Properties > Details).");
  if(bad_os && needs_sp2) {
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "In a maintenance window, install "
                "Windows Server 2003 Service Pack 2 and restart when its "
                "setup asks.");
  }
  if(bad_msi) {
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "In a maintenance window, install "
                "the Windows Installer 4.5 redistributable from Microsoft "
                "for this Windows version and processor type (Windows Server "
                "2008 SP2 already includes it), and restart when its setup "
                "asks.");
  }
  if(bad_os && !needs_sp2) {
    sd_step_add(c->r, fd, SD_STEP_LOOK, "This Windows version cannot run "
                "Exchange 2007 SP2: do not upgrade here. Hand it to the "
                "Exchange administrator to plan SP2 on a new x64 server "
                "running Windows Server 2003 SP2 or Windows Server 2008 and "
                "a move of the mailboxes and roles there (for Windows Server "
                "2008 R2, Exchange 2007 SP3 is the first supported level).");
  }
  sd_exch_step_recheck(c, fd);
}

/* EXCH-OS-UNSUPPORTED: Windows or Windows Installer cannot take SP2. */
static void report_unsupported(sd_exch_ctx *c, const char *why, int bad_os,
                               int bad_msi, int have_msi)
{
  const sd_os *os = &c->f->os;
  sd_finding *fd = sd_exch_add(c, "EXCH-OS-UNSUPPORTED");
  sd_finding_msg(c->r, fd, "Exchange 2007 SP2 cannot be installed here: "
                 "%s.", why);
  if(os->st.state == SD_ST_READ) {
    sd_ev_str(c->r, fd, "os", sd_str_or(os->name, ""));
    sd_ev_str(c->r, fd, "os_version", sd_str_or(os->version, ""));
    sd_ev_str(c->r, fd, "service_pack", sd_str_or(os->service_pack, ""));
    sd_ev_str(c->r, fd, "arch", sd_str_or(os->arch, ""));
  }
  if(have_msi)
    sd_ev_str(c->r, fd, "windows_installer", c->x->msi_version);
  sd_ev_str(c->r, fd, "needed", "x64 Windows Server 2003 SP2 (or R2) or "
            "Windows Server 2008 (SP2 recommended), with Windows Installer "
            "4.5 or later");
  sd_ev_str(c->r, fd, "problems", why);
  sd_fix_summary(c->r, fd, "Bring the server to a supported Windows and "
                 "Windows Installer 4.5 before SP2 setup.");
  unsupported_steps(c, fd, bad_os, bad_msi);
}

void sd_exch_check_os(sd_exch_ctx *c)
{
  const sd_os *os = &c->f->os;
  const sd_exch_facts *x = c->x;
  sd_buf why;
  int bad_os = 0, bad_msi, have_os = os->st.state == SD_ST_READ;
  sd_exch_ver mv;
  int have_msi = x->msi_version_st.state == SD_ST_READ &&
                 !sd_exch_ver_parse(x->msi_version, &mv);
  sd_buf_init(&why);
  if(!have_os)
    sd_exch_note_unknown(c, "operating system version", &os->st);
  else
    bad_os = os_unfit(os, &why);
  bad_msi = msi_unfit(c, have_msi, &mv, &why);
  if(have_os && os->arch && sd_strieq(os->arch, "x86") && !bad_os)
    report_32bit(c);
  if(bad_os || bad_msi)
    report_unsupported(c, why.data, bad_os, bad_msi, have_msi);
  sd_buf_free(&why);
  /* What else on this machine stops setup: services and Forefront, the
   * route to the certificate revocation list, and how the last run of
   * setup ended. */
  sd_exch_check_services(c);
  sd_exch_check_crl(c);
  sd_exch_check_setup_log(c);
}
