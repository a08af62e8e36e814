/* collect.c - live collection: run the collectors the modules need. */
#include "collect_win32.h"

#include "srvdoctor/platform.h"

int sd_collect_live(sd_facts *f, unsigned needs, const sd_options *o,
                    sd_err *err)
{
  (void)err;
  f->source = "live";
  f->tool_version = SD_VERSION;
  f->collected_at = sd_now();
  sd_cw_host(f);
  sd_cw_os(f);
  if(needs & SD_NEED_SERVICES)
    sd_cw_services(f);
  if(needs & SD_NEED_PROCESSES)
    sd_cw_processes(f, o);
  if(needs & SD_NEED_HOTFIXES)
    sd_cw_hotfixes(f);
  if(needs & SD_NEED_MSI)
    sd_cw_msi(f);
  if(needs & SD_NEED_REBOOT)
    sd_cw_reboot(f);
  if(needs & SD_NEED_EVENTS)
    sd_cw_events(f, needs, o);
  if(needs & SD_NEED_EXCHANGE)
    sd_cw_exchange(f);
  if(needs & SD_NEED_AD)
    sd_cw_ad(f, o);
  if(needs & SD_NEED_OCS)
    sd_cw_ocs(f);
  if(needs & SD_NEED_HYPERV)
    sd_cw_hyperv(f, o);
  return 0;
}
