/* collect.h - exchange-sp2's live collectors (Windows): this machine's
 * Exchange installation and the running user's token (collect_exchange.c),
 * Active Directory over LDAP (collect_ldap.c), the last run of setup in
 * ExchangeSetup.log (collect_setuplog.c) and the route to the certificate
 * revocation list (collect_crl.c). */
#ifndef SD_EXCHANGE_COLLECT_H
#define SD_EXCHANGE_COLLECT_H

#include "collect_win32.h"

void sd_cw_exchange(sd_facts *f);
void sd_cw_ad(sd_facts *f, const sd_options *o);
/* Exchange setup's own log, its last run (collect_setuplog.c). */
void sd_cw_setuplog(sd_facts *f);
/* The WinHTTP proxy and the route to crl.microsoft.com (collect_crl.c). */
void sd_cw_crl(sd_facts *f, const sd_options *o);

#endif
