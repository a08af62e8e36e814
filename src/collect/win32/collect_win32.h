/* collect_win32.h - the collectors, one file per source. */
#ifndef SRVDOCTOR_COLLECT_WIN32_H
#define SRVDOCTOR_COLLECT_WIN32_H

#include "srvdoctor/collect.h"
#include "srvdoctor/win32util.h"

void sd_cw_host(sd_facts *f);                         /* host.c */
void sd_cw_os(sd_facts *f);                           /* host.c */
void sd_cw_processes(sd_facts *f, const sd_options *o); /* processes.c */
void sd_cw_services(sd_facts *f);                     /* services.c */
void sd_cw_hotfixes(sd_facts *f);                     /* hotfixes.c */
void sd_cw_msi(sd_facts *f);                          /* msi.c */
/* events.c */
void sd_cw_events(sd_facts *f, unsigned needs, const sd_options *o);
void sd_cw_reboot(sd_facts *f);                       /* reboot.c */
/* The modules' collectors, in the module table's order (collect.c). */
const sd_collector *const *sd_cw_collectors(size_t *count);

#endif
