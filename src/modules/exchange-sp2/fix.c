/* fix.c - exchange-sp2's part of srvdoctor fix: an interim update is
 * named by its patch code or its KB number, and removing it is Windows
 * Installer's MSIPATCHREMOVE of the finding's action, after checking that
 * the patch is still in the list fix has just read and can be removed.
 * Portable, so unit-tested on any system. */
#include <string.h>

#include "srvdoctor/fix.h"

/* An interim update's KB number names it too. */
static int exch_target_matches(const sd_finding *x, const char *target,
                               int *by_name)
{
  char k1[16], k2[16];
  const char *kb = sd_fix_ev_str(x, "kb");
  (void)by_name;
  return kb && sd_kb_number(target, k1) && sd_kb_number(kb, k2) &&
         !strcmp(k1, k2);
}

static int plan_interim_update(const sd_facts *f, const sd_finding *x,
                               const sd_fix_paths *paths, sd_arena *a,
                               sd_fix_plan *p, sd_err *why)
{
  char patch[37], product[37], tg[37];
  const sd_action *act = &x->action;
  const char *name, *kb;
  const sd_msi_patch *mp = NULL;
  size_t i;
  if(!sd_guid_parse(x->target, tg) || !act->patch_code ||
     !sd_guid_parse(act->patch_code, patch)) {
    sd_err_set(why, SD_EINVAL, "the finding's patch code \"%.60s\" is not "
               "a GUID, so srvdoctor will not pass it to Windows Installer",
               sd_guid_parse(x->target, tg) ? sd_str_or(act->patch_code,
                                                            "") : x->target);
    return -1;
  }
  if(strcmp(tg, patch)) {
    sd_err_set(why, SD_EINVAL, "the finding's target {%s} is not the patch "
               "its action removes ({%s}); srvdoctor will not act on it",
               tg, patch);
    return -1;
  }
  if(!act->product_code || !sd_guid_parse(act->product_code, product)) {
    sd_err_set(why, SD_EINVAL, "the finding's product code \"%.60s\" is not "
               "a GUID", sd_str_or(act->product_code, ""));
    return -1;
  }
  for(i = 0; i < f->msi_patches.count; i++) {
    const sd_msi_patch *m = &f->msi_patches.items[i];
    char g1[37], g2[37];
    if(sd_guid_parse(m->patch_code, g1) && !strcmp(g1, patch) &&
       (!m->product_code ||
        (sd_guid_parse(m->product_code, g2) && !strcmp(g2, product))))
      mp = m;
  }
  if(!mp) {
    sd_err_set(why, SD_ENOENT, "patch {%s} is not in the Windows Installer "
               "patch list srvdoctor just read, so it will not ask Windows "
               "Installer to remove it", patch);
    return -1;
  }
  if(!mp->uninstallable) {
    sd_err_set(why, SD_EINVAL, "Windows Installer marks patch {%s} as not "
               "uninstallable, so MSIPATCHREMOVE cannot remove it; follow "
               "the steps of srvdoctor explain EXCH-INTERIM-UPDATE", patch);
    return -1;
  }
  if(sd_fix_take_program(x, paths, a, p, why))
    return -1;
  p->recheck = 1;
  name = sd_fix_ev_str(x, "display_name");
  kb = sd_fix_ev_str(x, "kb");
  if(kb && name && sd_stristr(name, kb))
    kb = NULL; /* the name says it already */
  p->what = sd_arena_printf(a,
    "Uninstall the interim update %s%s%s(patch code {%s}) from Exchange "
    "Server 2007 (product {%s}) with Windows Installer: start %s by its "
    "full path with the arguments below (the command the finding prints), "
    "no shell and without restarting, wait until it ends and report its "
    "exit code (3010 means a restart is needed), then check again.",
    sd_str_or(name, ""), name ? " " : "",
    kb ? sd_arena_printf(a, "(%s) ", kb) : "",
    patch, product, p->program);
  p->after = sd_arena_printf(a,
    "When every interim update is removed and the machine has been "
    "restarted if Windows Installer asked for it, run srvdoctor check "
    "--only exchange-sp2 again before starting Exchange 2007 SP2 setup.");
  return 0;
}

const sd_fix_hook sd_fix_hook_exchange_sp2 = {
  exch_target_matches, NULL, NULL, plan_interim_update, NULL, NULL, NULL};
