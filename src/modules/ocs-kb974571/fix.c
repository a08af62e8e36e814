/* fix.c - ocs-kb974571's part of srvdoctor fix: removing KB974571 by the
 * finding's action (pkgmgr, wusa or the update's own uninstaller), after
 * checking what the check said about its packages and that the update's
 * own uninstaller is still there.  srvdoctor never restarts the server.
 * Portable, so unit-tested on any system. */
#include <string.h>

#include "srvdoctor/fix.h"

static int plan_kb974571(const sd_facts *f, const sd_finding *x,
                         const sd_fix_paths *paths, sd_arena *a,
                         sd_fix_plan *p, sd_err *why)
{
  char kb[16];
  const sd_action *act = &x->action;
  const sd_service *fe = sd_facts_service(f, "RTCSRV");
  const char *fe_name = fe && fe->display_name ? fe->display_name :
                        f->ocs.fe_display_name;
  size_t i;
  if(!sd_kb_number(x->target, kb) || strcmp(kb, "974571")) {
    sd_err_set(why, SD_EINVAL, "the finding names update \"%.40s\", not "
               "KB974571", x->target);
    return -1;
  }
  /* The check classifies the update's packages (srvdoctor/cbs.h) and
   * gives the finding an action only when one in effect can be removed;
   * a removal waiting for a restart is its verdict too.  Read, not redone. */
  if(sd_fix_ev_bool(x, "kb974571_removal_pending")) {
    sd_err_set(why, SD_EINVAL, "KB974571 is already being removed and waits "
               "for a restart; restart the server and run srvdoctor check "
               "--only ocs-kb974571 again");
    return -1;
  }
  if(!act->package || !*act->package) {
    sd_err_set(why, SD_EINVAL, "the finding's action does not name the "
               "update package to remove");
    return -1;
  }
  if(!sd_kb_number(act->package, kb)) {
    /* A Component Based Servicing package identity (pkgmgr /up:). */
    if(sd_fix_ev_int(x, "cbs_removable_packages", 0) > 1) {
      sd_err_set(why, SD_EINVAL, "more than one KB974571 package is "
                 "installed; remove them in Control Panel > Programs > View "
                 "installed updates instead");
      return -1;
    }
    if(!sd_fix_identity_safe(act->package)) {
      sd_err_set(why, SD_EINVAL, "the package name \"%.80s\" holds "
                 "characters a package identity does not have; srvdoctor "
                 "will not pass it on", act->package);
      return -1;
    }
  }
  if(act->base == SD_BASE_WINDOWS && act->program &&
     !strncmp(act->program, "$NTUninstall", 12)) {
    /* The update's own uninstaller (update.exe packages): its folder must
     * be there in the facts just read. */
    int have_dir = 0;
    for(i = 0; i < f->hotfixes.count; i++)
      have_dir |= sd_strieq(f->hotfixes.items[i].id, "KB974571") &&
                  sd_streq(f->hotfixes.items[i].source, "ntuninstall-dir");
    if(!have_dir) {
      sd_err_set(why, SD_ENOENT, "the uninstall folder "
                 "%s\\$NTUninstallKB974571$ was not found, so the update's "
                 "own uninstaller is not there; remove it in Add or Remove "
                 "Programs (tick Show updates) instead", paths->windows_dir);
      return -1;
    }
  }
  if(sd_fix_take_program(x, paths, a, p, why))
    return -1;
  p->what = sd_arena_printf(a,
    "Remove security update KB974571: start %s by its full path with the "
    "arguments below (the command the finding prints), no shell and no "
    "restart, wait until it ends and report its exit code. srvdoctor never "
    "restarts the machine.", p->program);
  p->after = sd_arena_printf(a,
    "A restart is required to finish removing KB974571; srvdoctor does not "
    "restart the machine. Plan the restart, and afterwards start the Front "
    "End service %s%s%s(RTCSRV) if it is not running: net start RTCSRV. "
    "Then run srvdoctor check --only ocs-kb974571, and plan the permanent "
    "fix Microsoft published for OCS so that KB974571 can be installed "
    "again.", fe_name ? "\"" : "", fe_name ? fe_name : "",
    fe_name ? "\" " : "");
  return 0;
}

const sd_fix_hook sd_fix_hook_ocs_kb974571 = {
  NULL, NULL, NULL, plan_kb974571, NULL, NULL, NULL};
