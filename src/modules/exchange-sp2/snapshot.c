/* snapshot.c - the "exchange" section of the snapshot (owned by the
 * exchange-sp2 module): this machine's Exchange installation, the running
 * user's token groups and what the domain controller said. */
#include <string.h>

#include "schema_internal.h"

#define F(T, k, ty, m) SD_FIELD(T, k, ty, m)

static const sd_field role_fields[] = {
  F(sd_exch_role, "name", SD_F_STR, name),
  F(sd_exch_role, "version_state", SD_F_FSTATE, version_st),
  F(sd_exch_role, "configured_version", SD_F_STR, configured_version),
  F(sd_exch_role, "unpacked_version", SD_F_STR, unpacked_version),
  F(sd_exch_role, "action_state", SD_F_FSTATE, action_st),
  F(sd_exch_role, "action", SD_F_STR, action),
  F(sd_exch_role, "watermark_state", SD_F_FSTATE, watermark_st),
  F(sd_exch_role, "watermark", SD_F_STR, watermark),
};
static const sd_schema role_schema =
  SD_SCHEMA(sd_exch_role, "an Exchange role", role_fields);

static const sd_field cached_fields[] = {
  F(sd_exch_cached_pkg, "kind", SD_F_STR, kind),
  F(sd_exch_cached_pkg, "code", SD_F_STR, code),
  F(sd_exch_cached_pkg, "name", SD_F_STR, name),
  F(sd_exch_cached_pkg, "key", SD_F_STR, key),
  F(sd_exch_cached_pkg, "value_state", SD_F_FSTATE, value_st),
  F(sd_exch_cached_pkg, "local_package", SD_F_STR, local_package),
  F(sd_exch_cached_pkg, "file_state", SD_F_FSTATE, file_st),
};
static const sd_schema cached_schema =
  SD_SCHEMA(sd_exch_cached_pkg, "a cached installer package", cached_fields);

static const sd_field sid_fields[] = {
  F(sd_exch_sid, "sid", SD_F_STR, sid),
  F(sd_exch_sid, "enabled", SD_F_BOOL, enabled),
  F(sd_exch_sid, "deny_only", SD_F_BOOL, deny_only),
};
static const sd_schema sid_schema =
  SD_SCHEMA(sd_exch_sid, "a group SID", sid_fields);

static const sd_field adobj_fields[] = {
  F(sd_ad_object, "dn", SD_F_STR, dn),
  F(sd_ad_object, "version_state", SD_F_FSTATE, version_st),
  F(sd_ad_object, "object_version", SD_F_I64, object_version),
};
static const sd_schema adobj_schema =
  SD_SCHEMA(sd_ad_object, "an AD object", adobj_fields);

static const sd_field addom_fields[] = {
  F(sd_ad_domain, "nc", SD_F_STR, nc),
  F(sd_ad_domain, "dns", SD_F_STR, dns),
  F(sd_ad_domain, "dc", SD_F_STR, dc),
  F(sd_ad_domain, "meso_state", SD_F_FSTATE, meso_st),
  F(sd_ad_domain, "meso_dn", SD_F_STR, meso_dn),
  F(sd_ad_domain, "meso_version", SD_F_I64, meso_version),
};
static const sd_schema addom_schema =
  SD_SCHEMA(sd_ad_domain, "a forest domain", addom_fields);

static const sd_field adgc_fields[] = {
  F(sd_ad_gc, "server_dn", SD_F_STR, server_dn),
  F(sd_ad_gc, "dns_host", SD_F_STR, dns_host),
  F(sd_ad_gc, "os_state", SD_F_FSTATE, os_st),
  F(sd_ad_gc, "os", SD_F_STR, os),
  F(sd_ad_gc, "os_version", SD_F_STR, os_version),
  F(sd_ad_gc, "os_sp", SD_F_STR, os_sp),
};
static const sd_schema adgc_schema =
  SD_SCHEMA(sd_ad_gc, "a global catalog", adgc_fields);

static const sd_field ad_fields[] = {
  F(sd_ad_facts, "state", SD_F_FSTATE, st),
  F(sd_ad_facts, "dc", SD_F_STR, dc),
  F(sd_ad_facts, "dc_source", SD_F_STR, dc_source),
  F(sd_ad_facts, "bind_method", SD_F_STR, bind_method),
  F(sd_ad_facts, "bind_user", SD_F_STR, bind_user),
  F(sd_ad_facts, "elapsed_ms", SD_F_I64, elapsed_ms),
  F(sd_ad_facts, "rootdse_state", SD_F_FSTATE, rootdse_st),
  F(sd_ad_facts, "dns_host_name", SD_F_STR, dns_host_name),
  F(sd_ad_facts, "ds_service_name", SD_F_STR, ds_service_name),
  F(sd_ad_facts, "default_nc", SD_F_STR, default_nc),
  F(sd_ad_facts, "config_nc", SD_F_STR, config_nc),
  F(sd_ad_facts, "schema_nc", SD_F_STR, schema_nc),
  F(sd_ad_facts, "root_domain_nc", SD_F_STR, root_domain_nc),
  F(sd_ad_facts, "forest_level", SD_F_INT, forest_level),
  F(sd_ad_facts, "domain_level", SD_F_INT, domain_level),
  F(sd_ad_facts, "dc_level", SD_F_INT, dc_level),
  F(sd_ad_facts, "is_synchronized", SD_F_STR, is_synchronized),
  F(sd_ad_facts, "is_gc_ready", SD_F_STR, is_gc_ready),
  F(sd_ad_facts, "dc_time", SD_F_TIME, dc_time),
  F(sd_ad_facts, "schema_state", SD_F_FSTATE, schema_st),
  F(sd_ad_facts, "schema_version", SD_F_I64, schema_version),
  F(sd_ad_facts, "org_state", SD_F_FSTATE, org_st),
  SD_FIELD_LIST(sd_ad_facts, "orgs", orgs, norgs, cap_orgs, &adobj_schema),
  F(sd_ad_facts, "meso_state", SD_F_FSTATE, meso_st),
  SD_FIELD_LIST(sd_ad_facts, "mesos", mesos, nmesos, cap_mesos, &adobj_schema),
  F(sd_ad_facts, "domains_state", SD_F_FSTATE, domains_st),
  SD_FIELD_LIST(sd_ad_facts, "domains", domains, ndomains, cap_domains,
                &addom_schema),
  F(sd_ad_facts, "org_mixed_mode_state", SD_F_FSTATE, org_mixed_st),
  F(sd_ad_facts, "org_mixed_mode", SD_F_INT, org_mixed_mode),
  F(sd_ad_facts, "gcs_state", SD_F_FSTATE, gcs_st),
  F(sd_ad_facts, "gcs_site", SD_F_STR, gcs_site),
  SD_FIELD_LIST(sd_ad_facts, "gcs", gcs, ngcs, cap_gcs, &adgc_schema),
  F(sd_ad_facts, "schema_master_state", SD_F_FSTATE, fsmo_st),
  F(sd_ad_facts, "schema_master", SD_F_STR, fsmo_owner),
  F(sd_ad_facts, "schema_master_site", SD_F_STR, fsmo_site),
  F(sd_ad_facts, "schema_master_server_state", SD_F_FSTATE, fsmo_server_st),
  F(sd_ad_facts, "schema_master_dns_host", SD_F_STR, fsmo_dns_host),
  F(sd_ad_facts, "schema_master_computer", SD_F_STR, fsmo_computer_dn),
  F(sd_ad_facts, "schema_master_domain", SD_F_STR, fsmo_domain),
  F(sd_ad_facts, "schema_master_os_state", SD_F_FSTATE, fsmo_os_st),
  F(sd_ad_facts, "schema_master_os", SD_F_STR, fsmo_os),
  F(sd_ad_facts, "schema_master_os_version", SD_F_STR, fsmo_os_version),
  F(sd_ad_facts, "schema_master_os_sp", SD_F_STR, fsmo_os_sp),
  F(sd_ad_facts, "schema_master_reach_state", SD_F_FSTATE, fsmo_reach_st),
  F(sd_ad_facts, "domain_mode_state", SD_F_FSTATE, domain_mode_st),
  F(sd_ad_facts, "nt_mixed_domain", SD_F_INT, nt_mixed_domain),
  F(sd_ad_facts, "domain_behavior", SD_F_INT, domain_behavior),
  F(sd_ad_facts, "domain_sid_state", SD_F_FSTATE, domain_sid_st),
  F(sd_ad_facts, "domain_sid", SD_F_STR, domain_sid),
  F(sd_ad_facts, "domain_dns", SD_F_STR, domain_dns),
  F(sd_ad_facts, "root_sid_state", SD_F_FSTATE, root_sid_st),
  F(sd_ad_facts, "root_domain_sid", SD_F_STR, root_domain_sid),
  F(sd_ad_facts, "root_domain_dns", SD_F_STR, root_domain_dns),
  F(sd_ad_facts, "user_groups_state", SD_F_FSTATE, user_groups_st),
  SD_FIELD_LIST(sd_ad_facts, "user_groups", user_groups,
                nuser_groups, cap_user_groups, &sid_schema),
  F(sd_ad_facts, "local_site_state", SD_F_FSTATE, local_site_st),
  F(sd_ad_facts, "local_site", SD_F_STR, local_site),
};
static const sd_schema ad_schema =
  SD_SCHEMA(sd_ad_facts, "the AD section", ad_fields);

static const sd_field slog_fields[] = {
  F(sd_exch_setuplog, "state", SD_F_FSTATE, st),
  F(sd_exch_setuplog, "path", SD_F_STR, path),
  F(sd_exch_setuplog, "size", SD_F_I64, size),
  F(sd_exch_setuplog, "last_run", SD_F_STR, state),
  F(sd_exch_setuplog, "why", SD_F_STR, why),
  F(sd_exch_setuplog, "started", SD_F_STR, started),
  F(sd_exch_setuplog, "build", SD_F_STR, build),
  F(sd_exch_setuplog, "step", SD_F_STR, step),
  F(sd_exch_setuplog, "task", SD_F_STR, task),
  F(sd_exch_setuplog, "error", SD_F_STR, error),
  F(sd_exch_setuplog, "known_failure", SD_F_STR, known),
  F(sd_exch_setuplog, "read_ms", SD_F_I64, read_ms),
};
static const sd_schema slog_schema =
  SD_SCHEMA(sd_exch_setuplog, "the setup log", slog_fields);

static const sd_field crl_fields[] = {
  F(sd_exch_crl, "proxy_state", SD_F_FSTATE, proxy_st),
  F(sd_exch_crl, "proxy_access", SD_F_STR, proxy_access),
  F(sd_exch_crl, "proxy", SD_F_STR, proxy),
  F(sd_exch_crl, "proxy_bypass", SD_F_STR, proxy_bypass),
  F(sd_exch_crl, "probe_state", SD_F_FSTATE, probe_st),
  F(sd_exch_crl, "target", SD_F_STR, target),
  F(sd_exch_crl, "result", SD_F_STR, result),
  F(sd_exch_crl, "address", SD_F_STR, address),
  F(sd_exch_crl, "detail", SD_F_STR, detail),
  F(sd_exch_crl, "deadline_ms", SD_F_I64, deadline_ms),
  F(sd_exch_crl, "elapsed_ms", SD_F_I64, elapsed_ms),
};
static const sd_schema crl_schema =
  SD_SCHEMA(sd_exch_crl, "the CRL route", crl_fields);

static const sd_field exch_fields[] = {
  F(sd_exch_facts, "state", SD_F_FSTATE, st),
  F(sd_exch_facts, "installed_state", SD_F_FSTATE, installed_st),
  F(sd_exch_facts, "install_path_state", SD_F_FSTATE, install_path_st),
  F(sd_exch_facts, "install_path", SD_F_STR, install_path),
  F(sd_exch_facts, "reg_version_state", SD_F_FSTATE, reg_version_st),
  F(sd_exch_facts, "reg_version", SD_F_STR, reg_version),
  F(sd_exch_facts, "reg_version_key", SD_F_STR, reg_version_key),
  F(sd_exch_facts, "exsetup_state", SD_F_FSTATE, exsetup_st),
  F(sd_exch_facts, "exsetup_path", SD_F_STR, exsetup_path),
  F(sd_exch_facts, "exsetup_version", SD_F_STR, exsetup_version),
  F(sd_exch_facts, "msi_product_state", SD_F_FSTATE, msi_product_st),
  F(sd_exch_facts, "msi_product_version", SD_F_STR, msi_product_version),
  F(sd_exch_facts, "iu_marker_state", SD_F_FSTATE, iu_marker_st),
  F(sd_exch_facts, "iu_marker", SD_F_STR, iu_marker),
  F(sd_exch_facts, "roles_state", SD_F_FSTATE, roles_st),
  SD_FIELD_LIST(sd_exch_facts, "roles", roles, nroles, cap_roles, &role_schema),
  F(sd_exch_facts, "e2003_state", SD_F_FSTATE, e2003_st),
  F(sd_exch_facts, "e2003_version", SD_F_STR, e2003_version),
  F(sd_exch_facts, "e2010_state", SD_F_FSTATE, e2010_st),
  F(sd_exch_facts, "e2010_version", SD_F_STR, e2010_version),
  F(sd_exch_facts, "e2013_state", SD_F_FSTATE, e2013_st),
  F(sd_exch_facts, "e2013_version", SD_F_STR, e2013_version),
  F(sd_exch_facts, "msi_cache_state", SD_F_FSTATE, msi_cache_st),
  SD_FIELD_LIST(sd_exch_facts, "msi_cache", msi_cache,
                nmsi_cache, cap_msi_cache, &cached_schema),
  F(sd_exch_facts, "product_suite_state", SD_F_FSTATE, product_suite_st),
  F(sd_exch_facts, "product_suite", SD_F_STR, product_suite),
  F(sd_exch_facts, "cluster_state", SD_F_FSTATE, cluster_st),
  F(sd_exch_facts, "cluster_node_state", SD_F_STR, cluster_state),
  F(sd_exch_facts, "cms_state", SD_F_FSTATE, cms_st),
  F(sd_exch_facts, "cms_name", SD_F_STR, cms_name),
  F(sd_exch_facts, "cms_type", SD_F_STR, cms_type),
  F(sd_exch_facts, "cms_owner", SD_F_STR, cms_owner),
  F(sd_exch_facts, "cms_nodes", SD_F_STR, cms_nodes),
  F(sd_exch_facts, "msi_version_state", SD_F_FSTATE, msi_version_st),
  F(sd_exch_facts, "msi_version", SD_F_STR, msi_version),
  F(sd_exch_facts, "token_state", SD_F_FSTATE, token_st),
  SD_FIELD_LIST(sd_exch_facts, "token_groups", token_groups,
                ntoken_groups, cap_token_groups, &sid_schema),
  SD_FIELD_SUB(sd_exch_facts, "setup_log", SD_F_OBJ, setuplog, &slog_schema),
  SD_FIELD_SUB(sd_exch_facts, "crl_route", SD_F_OBJ, crl, &crl_schema),
  SD_FIELD_SUB(sd_exch_facts, "ad", SD_F_OBJ, ad, &ad_schema),
};
const sd_schema sd_schema_exchange =
  SD_SCHEMA(sd_exch_facts, "exchange", exch_fields);

void sd_exch_ad_copy(struct sd_facts *dst_facts, sd_ad_facts *dst,
                     const sd_ad_facts *src)
{
  sd_schema_copy(&dst_facts->arena, &ad_schema, dst, src);
}
