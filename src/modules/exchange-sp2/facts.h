/* facts.h - facts of the exchange-sp2 module (owned by that module).
 * Included by facts.h; may use the shared types declared there.
 *
 * Three groups of facts:
 *   - this machine's Exchange installation (registry, ExSetup.exe, Windows
 *     Installer), read by collect_exchange.c;
 *   - the running user's token groups, read by the same collector;
 *   - Active Directory, read over LDAP by collect_ldap.c.
 * The MSI patches and pending-reboot flags live in the shared lists of
 * sd_facts (msi_patches, reboot).
 *
 * Numbers that may be missing use -1 for "not read" (their sd_fstate says
 * why).  Versions are kept as the text Windows gave ("8.1.240.6"); the check
 * parses them. */
#ifndef SRVDOCTOR_FACTS_EXCHANGE_H
#define SRVDOCTOR_FACTS_EXCHANGE_H

/* The Windows Installer product code shared by every Exchange 2007 build. */
#define SD_EXCH2007_PRODUCT_CODE "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}"

/* One role key under HKLM\SOFTWARE\Microsoft\Exchange\v8.0. */
typedef struct sd_exch_role {
  const char *name;               /* "MailboxRole", "AdminTools", ... */
  sd_fstate version_st;           /* ConfiguredVersion */
  const char *configured_version;
  const char *unpacked_version;   /* UnpackedVersion, NULL when absent */
  sd_fstate action_st;            /* Action: read = present (failed setup) */
  const char *action;             /* "Install", "Upgrade", ... */
  sd_fstate watermark_st;         /* Watermark: read = present */
  const char *watermark;
} sd_exch_role;

/* One package Windows Installer keeps in its cache (%windir%\Installer)
 * for the Exchange 2007 product or one of its patches.  SP2 setup and the
 * removal of a patch need it; a missing one stops them. */
typedef struct sd_exch_cached_pkg {
  const char *kind;               /* "product" or "patch" */
  const char *code;               /* product or patch code, "{...}" */
  const char *name;               /* display name, NULL when not known */
  const char *key;                /* registry key holding LocalPackage */
  sd_fstate value_st;             /* the LocalPackage value */
  const char *local_package;      /* "C:\Windows\Installer\1a2b3c.msp" */
  sd_fstate file_st;              /* read: the file exists; absent: it does
                                     not; unreadable: why not known */
} sd_exch_cached_pkg;

/* A SID with the attributes it has in a token. */
typedef struct sd_exch_sid {
  const char *sid;                /* "S-1-5-21-...-512" */
  int enabled;                    /* SE_GROUP_ENABLED */
  int deny_only;                  /* SE_GROUP_USE_FOR_DENY_ONLY (UAC) */
} sd_exch_sid;

/* An AD object whose objectVersion matters (organization, MESO). */
typedef struct sd_ad_object {
  const char *dn;
  sd_fstate version_st;           /* objectVersion */
  int64_t object_version;         /* -1 when not read */
} sd_ad_object;

/* One domain of the forest (a crossRef under CN=Partitions with the
 * domain flag) and its Microsoft Exchange System Objects container. */
typedef struct sd_ad_domain {
  const char *nc;                 /* nCName "DC=child,DC=contoso,DC=com" */
  const char *dns;                /* dnsRoot "child.contoso.com" */
  const char *dc;                 /* who answered for it, NULL if nobody */
  sd_fstate meso_st;              /* read: objectVersion read; absent: no
                                     container; unreadable: why */
  const char *meso_dn;
  int64_t meso_version;           /* -1 when not read */
} sd_ad_domain;

/* A global catalog (an nTDSDSA object with the IS_GC option) and the
 * operating system of its computer. */
typedef struct sd_ad_gc {
  const char *server_dn;          /* the server object under CN=Servers */
  const char *dns_host;
  sd_fstate os_st;                /* operatingSystem* of its computer */
  const char *os;
  const char *os_version;         /* "5.2 (3790)" */
  const char *os_sp;              /* "Service Pack 2" */
} sd_ad_gc;

/* What one domain controller said, and whether it could be asked. */
typedef struct sd_ad_facts {
  /* read: a DC answered and the bind worked; unreadable: why not (no DC
   * located, connection refused, timed out, bind refused) */
  sd_fstate st;
  const char *dc;                 /* host[:port] that was queried */
  const char *dc_source;          /* "option" (--dc) or "located" */
  const char *bind_method;        /* "negotiate-logon", "negotiate", "simple" */
  const char *bind_user;          /* NULL for the current logon */
  int64_t elapsed_ms;             /* time the AD collection took */

  /* rootDSE */
  sd_fstate rootdse_st;
  const char *dns_host_name;
  const char *ds_service_name;
  const char *default_nc;
  const char *config_nc;
  const char *schema_nc;
  const char *root_domain_nc;
  int forest_level;               /* forestFunctionality, -1 unknown */
  int domain_level;               /* domainFunctionality */
  int dc_level;                   /* domainControllerFunctionality */
  const char *is_synchronized;    /* "TRUE", "FALSE", NULL unknown */
  const char *is_gc_ready;        /* "TRUE", "FALSE", NULL unknown */
  sd_time dc_time;                /* currentTime */

  /* rangeUpper of CN=ms-Exch-Schema-Version-Pt,<schema NC>;
   * absent = the schema was never extended for Exchange */
  sd_fstate schema_st;
  int64_t schema_version;

  /* organization containers under CN=Microsoft Exchange,CN=Services,<config>
   * (read with no items = no organization) */
  sd_fstate org_st;
  sd_ad_object *orgs;
  size_t norgs, cap_orgs;

  /* Microsoft Exchange System Objects containers of the default domain */
  sd_fstate meso_st;
  sd_ad_object *mesos;
  size_t nmesos, cap_mesos;

  /* every domain of the forest (crossRef objects under
   * CN=Partitions,<config> whose systemFlags has FLAG_CR_NTDS_DOMAIN) with
   * its system-objects container, asked of a DC of that domain */
  sd_fstate domains_st;
  sd_ad_domain *domains;
  size_t ndomains, cap_domains;

  /* msExchMixedMode of the organization (the first one): read = TRUE or
   * FALSE; absent = not set */
  sd_fstate org_mixed_st;
  int org_mixed_mode;             /* 1 TRUE (mixed), 0 FALSE, -1 not read */

  /* the global catalogs of this computer's site (read with no items = the
   * site has none) */
  sd_fstate gcs_st;
  const char *gcs_site;           /* the site that was searched */
  sd_ad_gc *gcs;
  size_t ngcs, cap_gcs;

  /* schema master (fSMORoleOwner of the schema NC) */
  sd_fstate fsmo_st;
  const char *fsmo_owner;         /* DN of its NTDS Settings object */
  const char *fsmo_site;          /* site name taken from that DN */
  sd_fstate fsmo_server_st;       /* the server object */
  const char *fsmo_dns_host;
  const char *fsmo_computer_dn;   /* serverReference */
  const char *fsmo_domain;        /* DNS domain of the computer object */
  sd_fstate fsmo_os_st;           /* operatingSystem* of the computer */
  const char *fsmo_os;
  const char *fsmo_os_version;    /* "5.2 (3790)" */
  const char *fsmo_os_sp;         /* "Service Pack 2" */
  sd_fstate fsmo_reach_st;        /* read: it answered an LDAP query */

  /* the queried domain */
  sd_fstate domain_mode_st;
  int nt_mixed_domain;            /* 1 mixed, 0 native, -1 unknown */
  int domain_behavior;            /* msDS-Behavior-Version, -1 unknown */
  sd_fstate domain_sid_st;
  const char *domain_sid;
  const char *domain_dns;         /* DNS name of default_nc */
  sd_fstate root_sid_st;
  const char *root_domain_sid;
  const char *root_domain_dns;

  /* the running user's tokenGroupsGlobalAndUniversal as AD computes it
   * now (absent: the user is not an account of this domain) */
  sd_fstate user_groups_st;
  sd_exch_sid *user_groups;
  size_t nuser_groups, cap_user_groups;

  /* this computer's AD site (DsGetSiteName) */
  sd_fstate local_site_st;
  const char *local_site;
} sd_ad_facts;

/* The last run of Exchange setup as its own log tells it:
 * %SystemDrive%\ExchangeSetupLogs\ExchangeSetup.log, read from its end by
 * parse_setuplog.c (collect_setuplog.c on Windows).  st: read = the log
 * was read and state says how its last run ended; absent = there is no
 * log (setup never ran here, or its logs were removed); unreadable = why
 * (the file could not be opened or read, or it is not a regular file).
 * Snapshots written before this section leave st not_collected. */
typedef struct sd_exch_setuplog {
  sd_fstate st;
  const char *path;
  int64_t size;             /* bytes, -1 when not known */
  const char *state;        /* sd_setuplog_state_name: "failed", ... */
  const char *why;          /* the reader's sentence about that state */
  const char *started;      /* the run's first timestamp, as written */
  const char *build;        /* "Setup version:" of the run */
  const char *step;         /* the step the first error happened in */
  const char *task;         /* the task (command) that failed */
  const char *error;        /* the first error of the run */
  const char *known;        /* id of the known failure (sd_setuplog_known),
                               NULL when none matched */
  int64_t read_ms;          /* time the review took, -1 not measured */
} sd_exch_setuplog;

/* The route to the certificate revocation list (docs/exchange-sp2-setup-
 * facts.md, table crl_facts): the WinHTTP proxy the services use, and
 * whether crl.microsoft.com port 80 (or that proxy) accepts a TCP
 * connection within a short deadline.
 * proxy_st: read = WinHttpGetDefaultProxyConfiguration answered
 * (proxy_access "direct" or "named-proxy"); unreadable = why.
 * probe_st: read = srvdoctor looked (result "reachable" or
 * "unreachable", detail says why not); unreadable = it could not look
 * (why).  Snapshots written before this section leave both
 * not_collected. */
typedef struct sd_exch_crl {
  sd_fstate proxy_st;
  const char *proxy_access;  /* "direct", "named-proxy" */
  const char *proxy;         /* the proxy list, NULL when none */
  const char *proxy_bypass;
  sd_fstate probe_st;
  const char *target;        /* "crl.microsoft.com:80" or the proxy */
  const char *result;        /* "reachable", "unreachable" */
  const char *address;       /* the address connected to or last tried */
  const char *detail;        /* why unreachable, in words */
  int64_t deadline_ms;       /* the probe's own deadline */
  int64_t elapsed_ms;
} sd_exch_crl;

typedef struct sd_exch_facts {
  sd_fstate st; /* was this section collected at all */

  /* Exchange 2007: key HKLM\SOFTWARE\Microsoft\Exchange\v8.0
   * (read = exists, absent = not installed) */
  sd_fstate installed_st;
  sd_fstate install_path_st;      /* Exchange\Setup\MsiInstallPath */
  const char *install_path;
  sd_fstate reg_version_st;       /* MsiProductMajor.Minor.BuildMajor.Minor */
  const char *reg_version;
  const char *reg_version_key;    /* where they were found */
  sd_fstate exsetup_st;           /* <install path>\bin\ExSetup.exe */
  const char *exsetup_path;
  const char *exsetup_version;    /* file version */
  sd_fstate msi_product_st;       /* Windows Installer registration */
  const char *msi_product_version; /* InstallProperties\DisplayVersion */
  sd_fstate iu_marker_st;         /* Exchange\Setup\InterimUpdate */
  const char *iu_marker;
  sd_fstate roles_st;
  sd_exch_role *roles;
  size_t nroles, cap_roles;

  /* other Exchange versions (read = present) */
  sd_fstate e2003_st;             /* Exchange\Setup with legacy values */
  const char *e2003_version;
  sd_fstate e2010_st;             /* ExchangeServer\v14\Setup */
  const char *e2010_version;
  sd_fstate e2013_st;             /* ExchangeServer\v15\Setup (2013..SE) */
  const char *e2013_version;

  /* the Windows Installer cache of the product and its patches (read:
   * the product's registration was read; absent: Windows Installer has no
   * per-machine registration of the product) */
  sd_fstate msi_cache_st;
  sd_exch_cached_pkg *msi_cache;
  size_t nmsi_cache, cap_msi_cache;

  /* HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions ProductSuite
   * (REG_MULTI_SZ) joined with "; " - names Small Business Server */
  sd_fstate product_suite_st;
  const char *product_suite;

  /* This computer as a failover cluster node: GetNodeClusterState
   * (clusapi.dll).  read: cluster_state is "not-installed",
   * "not-configured", "not-running" or "running"; unreadable: why (never
   * "not a node" when it could not look). */
  sd_fstate cluster_st;
  const char *cluster_state;
  /* The clustered mailbox server (CMS) this node belongs to.  read: its
   * name and type; absent: this computer is no CMS node; unreadable: why
   * (the collector does not read it yet on a cluster node, see
   * docs/modules/exchange-sp2.md). */
  sd_fstate cms_st;
  const char *cms_name;
  const char *cms_type;           /* "ccr" (msExchClusterStorageType 1) or
                                     "scc" (2) */
  const char *cms_owner;          /* the node that owns the CMS now */
  const char *cms_nodes;          /* every node, "NODE1, NODE2" */

  /* Windows Installer (file version of msi.dll) */
  sd_fstate msi_version_st;
  const char *msi_version;

  /* the running user's token groups */
  sd_fstate token_st;
  sd_exch_sid *token_groups;
  size_t ntoken_groups, cap_token_groups;

  /* Exchange setup's own log, its last run */
  sd_exch_setuplog setuplog;

  /* the route to crl.microsoft.com */
  sd_exch_crl crl;

  sd_ad_facts ad;
} sd_exch_facts;

/* Windows Installer "packed" GUIDs (the registry key names): convert
 * "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}" to and from
 * "461C2B4266EDEF444B864AD6D9E5B613".
 * Return 0 on success, -1 when the input has the wrong form. */
int sd_msi_guid_pack(const char *guid, char out[33]);
int sd_msi_guid_unpack(const char *packed, char out[39]);

/* Copy an AD section (strings and lists) into another facts' arena. */
struct sd_facts;
void sd_exch_ad_copy(struct sd_facts *dst_facts, sd_ad_facts *dst,
                     const sd_ad_facts *src);

#endif
