/* check.h - shared by the parts of the "exchange-sp2" check (module.c and
 * the check_*.c files beside it): the working state, the helpers in
 * check_common.c and the facts more than one part uses.
 * Not a public header: nothing outside the check includes it.
 *
 * Which part calls which (no part calls back into one that calls it):
 *   module.c        -> install, patches, setup, reboot, os, ad, common
 *   check_ad.c      -> ad_prep, ad_dc, ad_fresh, rights, common
 *   check_ad_fresh.c -> ad_dc, common
 *   check_os.c      -> services, crl, setuplog, common
 *   every part      -> common
 */
#ifndef SD_CHECKS_EXCHANGE_INTERNAL_H
#define SD_CHECKS_EXCHANGE_INTERNAL_H

#include "srvdoctor/module.h"

/* ---- what SP2 needs (facts §1.2, §3.4, §3.6) ---- */
#define SP2_BUILD "8.2.176.2"
#define SP2_SCHEMA 14622
#define SP2_ORG 11222
#define SP2_MESO 11221
#define RTM_FIRST_BUILD 685       /* 8.0 builds below this are pre-release */
#define KERBEROS_SKEW_S 300
#define SETUP "Setup.com"

/* ---- the check's working state ---- */

typedef struct sd_exch_ctx {
  const sd_facts *f;
  const sd_exch_facts *x;
  const sd_ad_facts *ad;
  sd_module_result *r;
  const sd_code_info *codes; /* the module's code table (module.c) */
  size_t ncodes;
  sd_buf unknown;           /* prerequisites that could not be checked */
  int nunknown;
  int fresh;                /* the fresh-install path (nothing installed) */
  const char *gc_summary;   /* the global catalogs found fit (fresh) */
  const char *mode_summary; /* the organization's mode (fresh) */
} sd_exch_ctx;

/* A new finding with the severity and title its code has in the module's
 * code table. */
sd_finding *sd_exch_add(sd_exch_ctx *c, const char *code);
/* Name a prerequisite that could not be checked (EXCH-PREREQ-UNKNOWN). */
void sd_exch_note_unknown(sd_exch_ctx *c, const char *what,
                          const sd_fstate *st);
/* Why a fact is not read, in words. */
const char *sd_exch_why_of(const sd_fstate *st);
/* EXCH-PREREQ-UNKNOWN for what sd_exch_note_unknown collected. */
void sd_exch_report_prereq_unknown(sd_exch_ctx *c);
/* Common look steps: "run srvdoctor again (elevated)" and "run srvdoctor
 * again; this finding must be gone" (with what the reader then sees). */
void sd_exch_step_elevated(sd_exch_ctx *c, sd_finding *x);
void sd_exch_step_recheck(sd_exch_ctx *c, sd_finding *x);

/* ---- versions ---- */

typedef struct sd_exch_ver {
  int n;          /* parts read: 2..4 */
  long part[4];
} sd_exch_ver;

int sd_exch_ver_parse(const char *s, sd_exch_ver *out);

/* ---- AD version values (facts §3.6; the tables are in common.c) ---- */

typedef struct sd_exch_known {
  int64_t value;
  const char *release;
} sd_exch_known;

typedef struct sd_exch_known_list {
  const sd_exch_known *items;   /* ascending */
  size_t count;
} sd_exch_known_list;

extern const sd_exch_known_list sd_exch_schema_versions;
extern const sd_exch_known_list sd_exch_org_versions;
extern const sd_exch_known_list sd_exch_meso_versions;

/* Name the release a value belongs to, in words. */
const char *sd_exch_known_name(sd_module_result *r,
                               const sd_exch_known_list *t, int64_t v);
/* The newest value the table knows. */
int64_t sd_exch_known_newest(const sd_exch_known_list *t);

/* ---- installation and patches ---- */

typedef struct sd_exch_build {
  int known;
  sd_exch_ver v;
  const char *text;
  const char *source;       /* "ExSetup.exe", "registry", "Windows Installer" */
  int disagree;             /* the sources name different service packs */
} sd_exch_build;

typedef struct sd_exch_patch_summary {
  int read;               /* the patch list could be read */
  int ius;
  long rollup;            /* highest update rollup, -1 none */
  int rollups;
  int security;
} sd_exch_patch_summary;

/* What the rest of the check looks at, by what is installed. */
typedef enum sd_exch_install {
  SD_EXCH_INSTALL_DONE,     /* nothing more to check (other version,
                             * already SP2, ...) */
  SD_EXCH_INSTALL_FRESH,    /* nothing to upgrade (none, or a pre-release
                             * build): the prerequisites of a fresh
                             * installation */
  SD_EXCH_INSTALL_UNKNOWN,  /* Exchange 2007 (maybe) there, build unknown:
                             * its patches and setup state too */
  SD_EXCH_INSTALL_UPGRADE   /* RTM or SP1: all of that and the upgrade
                             * path (b) */
} sd_exch_install;

/* install.c */
sd_exch_install sd_exch_check_install(sd_exch_ctx *c, const sd_options *o,
                                      sd_exch_build *b);
void sd_exch_report_unknown_install(sd_exch_ctx *c, const char *why);
void sd_exch_report_upgrade_path(sd_exch_ctx *c, const sd_exch_build *b,
                                 const sd_exch_patch_summary *ps);
/* patches.c */
void sd_exch_check_patches(sd_exch_ctx *c, sd_exch_patch_summary *ps);
void sd_exch_check_msi_cache(sd_exch_ctx *c);
/* setup.c */
void sd_exch_check_setup_state(sd_exch_ctx *c);
/* reboot.c */
void sd_exch_check_reboot(sd_exch_ctx *c);
/* os.c (and, from it, the machine's other setup blockers) */
void sd_exch_check_os(sd_exch_ctx *c);
/* services.c: Forefront, disabled or pending Exchange services */
void sd_exch_check_services(sd_exch_ctx *c);
/* crl.c: the route to crl.microsoft.com */
void sd_exch_check_crl(sd_exch_ctx *c);
/* setuplog.c: the last run of setup in ExchangeSetup.log */
void sd_exch_check_setup_log(sd_exch_ctx *c);

/* ---- Active Directory ---- */

/* What was learnt of one AD version value. */
typedef enum sd_exch_adstate {
  SD_EXCH_AD_UNREAD = 0,    /* could not be read (why says why) */
  SD_EXCH_AD_VALUE = 1,     /* read: v */
  SD_EXCH_AD_NONE = 2       /* the object does not exist */
} sd_exch_adstate;

typedef struct sd_exch_adval {
  sd_exch_adstate state;
  int64_t v;
  const char *dn;
  size_t count;
  const char *why;
} sd_exch_adval;

/* The preparations SP2 needs (facts §3.3: each needs its rights). */
typedef struct sd_exch_need {
  int schema, org, domain;
} sd_exch_need;

/* A domain controller's Windows against the oldest Exchange 2007 accepts
 * (sd_exch_dc_os_min in ad_dc.c). */
typedef enum sd_exch_os_fit {
  SD_EXCH_OS_UNKNOWN = -1,  /* not read, or not Windows */
  SD_EXCH_OS_FIT = 0,
  SD_EXCH_OS_BELOW = 1
} sd_exch_os_fit;

typedef struct sd_exch_min_os {
  unsigned major, minor;
  int needs_sp;           /* at exactly major.minor, a service pack */
  const char *name;
} sd_exch_min_os;

extern const sd_exch_min_os sd_exch_dc_os_min;

/* The evidence every AD finding carries: the DC, the schema master and
 * where this computer is. */
void sd_exch_ad_evidence(sd_exch_ctx *c, sd_finding *x);

/* ad.c */
void sd_exch_check_ad(sd_exch_ctx *c);
/* ad_prep.c */
void sd_exch_report_schema_prep(sd_exch_ctx *c, const sd_exch_adval *s);
void sd_exch_report_org_prep(sd_exch_ctx *c, const sd_exch_adval *o);
sd_finding *sd_exch_report_domain_prep(sd_exch_ctx *c,
                                       const sd_exch_adval *m,
                                       const char *dom, const char *fqdn,
                                       int local);
int sd_exch_check_forest_domains(sd_exch_ctx *c, sd_buf *partial,
                                 int *npartial);
void sd_exch_report_duplicates(sd_exch_ctx *c, const char *what,
                               const char *attr, const sd_ad_object *items,
                               size_t n);
/* rights.c */
void sd_exch_check_rights(sd_exch_ctx *c, const sd_exch_need *nd);
/* ad_dc.c */
sd_exch_os_fit sd_exch_dc_os_below(const sd_fstate *st, const char *os,
                                   const char *version, const char *sp);
sd_exch_os_fit sd_exch_fsmo_os_below(const sd_ad_facts *ad);
int sd_exch_check_schema_master(sd_exch_ctx *c, int prep_needed);
int sd_exch_check_domain_mode(sd_exch_ctx *c);
void sd_exch_check_dc_health(sd_exch_ctx *c);
/* ad_fresh.c */
int sd_exch_check_fresh_ad(sd_exch_ctx *c, sd_buf *partial, int *npartial);

#endif
