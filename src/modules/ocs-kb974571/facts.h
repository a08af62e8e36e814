/* facts.h - facts of the ocs-kb974571 module (owned by that module).
 * Included by facts.h; may use the shared types declared there.
 *
 * What the module reads from the shared lists instead of from here:
 *   services  the Front End (RTCSRV) and the other RTC* services: state,
 *             process id, exit codes, start type, image path, account;
 *   hotfixes  KB974571 by every route (items) and what each route said
 *             (probes);
 *   events    System 7023/7024 and the "OCS Server" 12290 event;
 *   host      the last boot time; os: the version for the remediation. */
#ifndef SRVDOCTOR_FACTS_OCS_H
#define SRVDOCTOR_FACTS_OCS_H

/* One LCS/OCS/Lync server product found on this machine. */
typedef struct sd_ocs_product {
  const char *display_name; /* as registered ("Microsoft Office
                               Communications Server 2007 R2, ...") */
  const char *version;      /* "3.5.6907.0" */
  const char *source;       /* "uninstall-key" or "frontend-binary" */
  const char *detail;       /* key path or file path */
} sd_ocs_product;

typedef struct sd_ocs_facts {
  sd_fstate st;              /* was this section collected at all */

  /* HKLM\SYSTEM\CurrentControlSet\Services\RTCSRV: read = the Front End
   * service is registered, absent = it is not. */
  sd_fstate fe_key_st;
  const char *fe_display_name;
  const char *fe_image_path; /* ImagePath as registered */

  /* Version resource of the Front End binary (RtcSrv.exe). */
  sd_fstate fe_binary_st;
  const char *fe_binary_path;    /* expanded path that was read */
  const char *fe_file_version;   /* "3.5.6907.0" */
  const char *fe_product_name;   /* ProductName of the resource */

  /* Uninstall entries whose DisplayName names LCS/OCS/Lync Server
   * (native and 32-bit views). */
  sd_fstate products_st;
  sd_ocs_product *products;
  size_t nproducts, cap_products;
} sd_ocs_facts;

#endif
