/* collect.c - live collection: run the collectors the modules need. */
#include "collect_win32.h"

#include "srvdoctor/platform.h"

int sd_collect_live(sd_facts *f, unsigned needs, const sd_options *o,
                    sd_err *err)
{
  size_t i, n;
  const sd_collector *const *collectors = sd_cw_collectors(&n);
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
  for(i = 0; i < n; i++)
    if((needs & SD_NEED_MODULE_AT(i)) && collectors[i]->collect)
      collectors[i]->collect(f, o);
  return 0;
}
