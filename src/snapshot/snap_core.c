/* snap_core.c - the snapshot document: header, host, OS and the shared
 * collections; the module sections are described in snap_<module>.c. */
#include <stdio.h>
#include <string.h>

#include "schema_internal.h"
#include "srvdoctor/platform.h"

#define F(T, k, ty, m) SD_FIELD(T, k, ty, m)

static const sd_field host_fields[] = {
  F(sd_host, "state", SD_F_FSTATE, st),
  F(sd_host, "name", SD_F_STR, name),
  F(sd_host, "dns_name", SD_F_STR, dns_name),
  F(sd_host, "domain_state", SD_F_FSTATE, domain_st),
  F(sd_host, "domain_joined", SD_F_BOOL, domain_joined),
  F(sd_host, "domain", SD_F_STR, domain),
  F(sd_host, "elevation_state", SD_F_FSTATE, elevation_st),
  F(sd_host, "elevated", SD_F_BOOL, elevated),
  F(sd_host, "admin_member", SD_F_BOOL, admin_member),
  F(sd_host, "user", SD_F_STR, user),
  F(sd_host, "user_sid", SD_F_STR, user_sid),
  F(sd_host, "boot_state", SD_F_FSTATE, boot_st),
  F(sd_host, "boot_time", SD_F_TIME, boot_time),
};
static const sd_schema host_schema = SD_SCHEMA(sd_host, "host", host_fields);

static const sd_field os_fields[] = {
  F(sd_os, "state", SD_F_FSTATE, st),
  F(sd_os, "name", SD_F_STR, name),
  F(sd_os, "major", SD_F_UINT, major),
  F(sd_os, "minor", SD_F_UINT, minor),
  F(sd_os, "build", SD_F_UINT, build),
  F(sd_os, "version", SD_F_STR, version),
  F(sd_os, "service_pack", SD_F_STR, service_pack),
  F(sd_os, "sp_major", SD_F_UINT, sp_major),
  F(sd_os, "arch", SD_F_STR, arch),
  F(sd_os, "is_server", SD_F_BOOL, is_server),
  F(sd_os, "edition", SD_F_STR, edition),
};
static const sd_schema os_schema = SD_SCHEMA(sd_os, "os", os_fields);

static const sd_field sample_fields[] = {
  F(sd_sample, "at_ms", SD_F_I64, at_ms_rel),
  F(sd_sample, "working_set", SD_F_U64, working_set),
  F(sd_sample, "cpu_100ns", SD_F_U64, cpu_100ns),
};
static const sd_schema sample_schema =
  SD_SCHEMA(sd_sample, "sample", sample_fields);

static const sd_field process_fields[] = {
  F(sd_process, "pid", SD_F_U32, pid),
  F(sd_process, "ppid", SD_F_U32, ppid),
  F(sd_process, "image", SD_F_STR, image),
  F(sd_process, "path", SD_F_STR, path),
  F(sd_process, "cmdline_state", SD_F_FSTATE, cmdline_st),
  F(sd_process, "cmdline", SD_F_STR, cmdline),
  F(sd_process, "account_state", SD_F_FSTATE, account_st),
  F(sd_process, "account", SD_F_STR, account),
  F(sd_process, "sid", SD_F_STR, sid),
  F(sd_process, "create_time", SD_F_TIME, create_time),
  F(sd_process, "working_set", SD_F_U64, working_set),
  F(sd_process, "peak_working_set", SD_F_U64, peak_working_set),
  F(sd_process, "private_bytes", SD_F_U64, private_bytes),
  F(sd_process, "cpu_100ns", SD_F_U64, cpu_100ns),
  F(sd_process, "threads", SD_F_U32, threads),
  F(sd_process, "session", SD_F_U32, session),
  SD_FIELD_LIST(sd_process, "samples", samples, nsamples, cap_samples,
                &sample_schema),
};
static const sd_schema process_schema =
  SD_SCHEMA(sd_process, "a process", process_fields);

static const sd_field process_list_fields[] = {
  F(sd_process_list, "state", SD_F_FSTATE, st),
  F(sd_process_list, "method", SD_F_STR, method),
  F(sd_process_list, "inaccessible", SD_F_U32, inaccessible),
  F(sd_process_list, "read_ms", SD_F_U32, read_ms),
  SD_FIELD_LIST(sd_process_list, "items", items, count, cap, &process_schema),
};
static const sd_schema process_list_schema =
  SD_SCHEMA(sd_process_list, "processes", process_list_fields);

static const sd_field service_fields[] = {
  F(sd_service, "name", SD_F_STR, name),
  F(sd_service, "display_name", SD_F_STR, display_name),
  SD_FIELD_ENUM(sd_service, "state", state, sd_svc_state_names),
  F(sd_service, "start_type", SD_F_U32, start_type),
  F(sd_service, "pid", SD_F_U32, pid),
  F(sd_service, "win32_exit_code", SD_F_U32, win32_exit_code),
  F(sd_service, "service_exit_code", SD_F_U32, service_exit_code),
  F(sd_service, "image_path", SD_F_STR, image_path),
  F(sd_service, "account", SD_F_STR, account),
  F(sd_service, "config_state", SD_F_FSTATE, config_st),
};
static const sd_schema service_schema =
  SD_SCHEMA(sd_service, "a service", service_fields);

static const sd_field service_list_fields[] = {
  F(sd_service_list, "state", SD_F_FSTATE, st),
  SD_FIELD_LIST(sd_service_list, "items", items, count, cap, &service_schema),
};
static const sd_schema service_list_schema =
  SD_SCHEMA(sd_service_list, "services", service_list_fields);

static const sd_field hotfix_fields[] = {
  F(sd_hotfix, "id", SD_F_STR, id),
  F(sd_hotfix, "source", SD_F_STR, source),
  F(sd_hotfix, "detail", SD_F_STR, detail),
  F(sd_hotfix, "state", SD_F_U32, state),
  F(sd_hotfix, "installed_at", SD_F_TIME, installed_at),
  F(sd_hotfix, "time_from", SD_F_STR, time_from),
  F(sd_hotfix, "date_only", SD_F_BOOL, date_only),
  F(sd_hotfix, "installed_date_state", SD_F_FSTATE, date_st),
  F(sd_hotfix, "installed_date", SD_F_STR, installed_date),
};
static const sd_schema hotfix_schema =
  SD_SCHEMA(sd_hotfix, "a hotfix", hotfix_fields);

static const sd_field hotfix_probe_fields[] = {
  F(sd_hotfix_probe, "id", SD_F_STR, id),
  F(sd_hotfix_probe, "source", SD_F_STR, source),
  F(sd_hotfix_probe, "detail", SD_F_STR, detail),
  F(sd_hotfix_probe, "state", SD_F_FSTATE, st),
};
static const sd_schema hotfix_probe_schema =
  SD_SCHEMA(sd_hotfix_probe, "a hotfix probe", hotfix_probe_fields);

static const sd_field hotfix_list_fields[] = {
  F(sd_hotfix_list, "state", SD_F_FSTATE, st),
  SD_FIELD_LIST(sd_hotfix_list, "items", items, count, cap, &hotfix_schema),
  SD_FIELD_LIST(sd_hotfix_list, "probes", probes, nprobes, cap_probes,
                &hotfix_probe_schema),
};
static const sd_schema hotfix_list_schema =
  SD_SCHEMA(sd_hotfix_list, "hotfixes", hotfix_list_fields);

static const sd_field msi_fields[] = {
  F(sd_msi_patch, "product_code", SD_F_STR, product_code),
  F(sd_msi_patch, "patch_code", SD_F_STR, patch_code),
  F(sd_msi_patch, "display_name", SD_F_STR, display_name),
  F(sd_msi_patch, "state", SD_F_U32, state),
  F(sd_msi_patch, "uninstallable", SD_F_BOOL, uninstallable),
  F(sd_msi_patch, "install_date", SD_F_STR, install_date),
  F(sd_msi_patch, "more_info_url", SD_F_STR, more_info_url),
  F(sd_msi_patch, "source", SD_F_STR, source),
};
static const sd_schema msi_schema =
  SD_SCHEMA(sd_msi_patch, "an MSI patch", msi_fields);

static const sd_field msi_list_fields[] = {
  F(sd_msi_patch_list, "state", SD_F_FSTATE, st),
  F(sd_msi_patch_list, "method", SD_F_STR, method),
  SD_FIELD_LIST(sd_msi_patch_list, "items", items, count, cap, &msi_schema),
};
static const sd_schema msi_list_schema =
  SD_SCHEMA(sd_msi_patch_list, "msi_patches", msi_list_fields);

static const sd_field event_fields[] = {
  F(sd_event, "log", SD_F_STR, log),
  F(sd_event, "provider", SD_F_STR, provider),
  F(sd_event, "id", SD_F_U32, id),
  SD_FIELD_ENUM(sd_event, "level", level, sd_event_level_names),
  F(sd_event, "time", SD_F_TIME, time),
  F(sd_event, "record", SD_F_U64, record),
  F(sd_event, "message", SD_F_STR, message),
};
static const sd_schema event_schema =
  SD_SCHEMA(sd_event, "an event", event_fields);

static const sd_field event_source_fields[] = {
  F(sd_event_source, "log", SD_F_STR, log),
  F(sd_event_source, "state", SD_F_FSTATE, st),
  F(sd_event_source, "since", SD_F_TIME, since),
  F(sd_event_source, "max_records", SD_F_U32, max_records),
  F(sd_event_source, "scanned", SD_F_U32, scanned),
  F(sd_event_source, "truncated", SD_F_BOOL, truncated),
};
static const sd_schema event_source_schema =
  SD_SCHEMA(sd_event_source, "an event log source", event_source_fields);

static const sd_field event_list_fields[] = {
  F(sd_event_list, "state", SD_F_FSTATE, st),
  F(sd_event_list, "method", SD_F_STR, method),
  SD_FIELD_LIST(sd_event_list, "sources", sources, nsources, cap_sources,
                &event_source_schema),
  SD_FIELD_LIST(sd_event_list, "items", items, count, cap, &event_schema),
};
static const sd_schema event_list_schema =
  SD_SCHEMA(sd_event_list, "events", event_list_fields);

static const sd_field reboot_fields[] = {
  F(sd_reboot_flag, "source", SD_F_STR, source),
  F(sd_reboot_flag, "detail", SD_F_STR, detail),
  F(sd_reboot_flag, "state", SD_F_FSTATE, st),
  F(sd_reboot_flag, "pending", SD_F_BOOL, pending),
};
static const sd_schema reboot_schema =
  SD_SCHEMA(sd_reboot_flag, "a pending-reboot source", reboot_fields);

static const sd_field reboot_list_fields[] = {
  F(sd_reboot_list, "state", SD_F_FSTATE, st),
  SD_FIELD_LIST(sd_reboot_list, "items", items, count, cap, &reboot_schema),
};
static const sd_schema reboot_list_schema =
  SD_SCHEMA(sd_reboot_list, "pending_reboot", reboot_list_fields);

/* The document after its two header keys ("schema_version", "kind"). */
static const sd_field facts_fields[] = {
  F(sd_facts, "tool_version", SD_F_STR, tool_version),
  F(sd_facts, "collected_at", SD_F_TIME, collected_at),
  SD_FIELD_SUB(sd_facts, "host", SD_F_OBJ, host, &host_schema),
  SD_FIELD_SUB(sd_facts, "os", SD_F_OBJ, os, &os_schema),
  SD_FIELD_SUB(sd_facts, "processes", SD_F_OBJ, processes,
               &process_list_schema),
  SD_FIELD_SUB(sd_facts, "services", SD_F_OBJ, services,
               &service_list_schema),
  SD_FIELD_SUB(sd_facts, "hotfixes", SD_F_OBJ, hotfixes, &hotfix_list_schema),
  SD_FIELD_SUB(sd_facts, "msi_patches", SD_F_OBJ, msi_patches,
               &msi_list_schema),
  SD_FIELD_SUB(sd_facts, "events", SD_F_OBJ, events, &event_list_schema),
  SD_FIELD_SUB(sd_facts, "pending_reboot", SD_F_OBJ, reboot,
               &reboot_list_schema),
  /* each module's section, in the module table's order */
#define SD_MODULE(cname, id, field, type) \
  SD_FIELD_SUB(sd_facts, #field, SD_F_OBJ, field, &sd_schema_##field),
#include "modules.def"
#undef SD_MODULE
};
const sd_schema sd_schema_facts = SD_SCHEMA(sd_facts, "the snapshot",
                                            facts_fields);

#define SNAPSHOT_KIND "srvdoctor-snapshot"

void sd_snapshot_write(const sd_facts *f, sd_buf *out)
{
  sd_jwriter w;
  sd_jw_init(&w, out);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "schema_version");
  sd_jw_int(&w, SD_SNAPSHOT_SCHEMA_VERSION);
  sd_jw_key(&w, "kind");
  sd_jw_str(&w, SNAPSHOT_KIND);
  sd_schema_write_members(&w, &sd_schema_facts, f);
  sd_jw_obj_end(&w);
  sd_buf_putc(out, '\n');
}

/* Read one header key and its value; -1 unless the key is `want`. */
static int header_key(sd_snapctx *c, const char *want, sd_jtoken *val)
{
  sd_jtoken t;
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type != SD_JT_KEY || strcmp(t.str, want))
    return sd_jr_fail(c->r, &t, "a snapshot starts with \"schema_version\" "
                      "and then \"kind\"; \"%s\" is missing here", want);
  return sd_jr_next(c->r, val);
}

/* After "tool" where "kind" should be: a report's "tool" object starts
 * with "name": "srvdoctor" (*is_report set, no reader error); anything
 * else is a snapshot whose "kind" is missing, with its position. */
static int report_tool(sd_snapctx *c, int *is_report)
{
  sd_jtoken t;
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type == SD_JT_OBJ_BEGIN) {
    if(sd_jr_next(c->r, &t))
      return -1;
    if(t.type == SD_JT_KEY && !strcmp(t.str, "name")) {
      if(sd_jr_next(c->r, &t))
        return -1;
      if(t.type == SD_JT_STRING && !strcmp(t.str, "srvdoctor")) {
        *is_report = 1;
        return -1;
      }
    }
  }
  return sd_jr_fail(c->r, &t, "a snapshot starts with \"schema_version\" "
                    "and then \"kind\"; \"kind\" is missing here");
}

/* A JSON report (check --format json) has "tool" where a snapshot has
 * "kind": *is_report is set and -1 returned without a reader error. */
static int read_document(sd_snapctx *c, sd_facts *f, int *is_report)
{
  sd_jtoken t, ver;
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type != SD_JT_OBJ_BEGIN)
    return sd_jr_fail(c->r, &t, "a snapshot must be a JSON object");
  if(header_key(c, "schema_version", &ver))
    return -1;
  if(ver.type != SD_JT_NUMBER || !ver.is_int)
    return sd_jr_fail(c->r, &ver, "\"schema_version\" must be an integer");
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type == SD_JT_KEY && !strcmp(t.str, "tool"))
    return report_tool(c, is_report);
  if(ver.i64 != SD_SNAPSHOT_SCHEMA_VERSION)
    return sd_jr_fail(c->r, &ver, "unsupported snapshot schema_version %lld "
                      "(this srvdoctor reads version %d)",
                      (long long)ver.i64, SD_SNAPSHOT_SCHEMA_VERSION);
  if(t.type != SD_JT_KEY || strcmp(t.str, "kind"))
    return sd_jr_fail(c->r, &t, "a snapshot starts with \"schema_version\" "
                      "and then \"kind\"; \"kind\" is missing here");
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type != SD_JT_STRING || strcmp(t.str, SNAPSHOT_KIND))
    return sd_jr_fail(c->r, &t, "\"kind\" must be \"" SNAPSHOT_KIND "\"");
  if(sd_schema_read_object(c, &sd_schema_facts, f))
    return -1;
  if(sd_jr_next(c->r, &t))
    return -1;
  if(t.type != SD_JT_EOF)
    return sd_jr_fail(c->r, &t, "unexpected data after the snapshot");
  return 0;
}

static int read_with(sd_jreader *r, sd_facts *f, sd_err *err)
{
  sd_snapctx c;
  int rc, is_report = 0;
  c.r = r;
  c.arena = &f->arena;
  rc = read_document(&c, f, &is_report);
  if(is_report)
    sd_err_set(err, SD_EINVAL, "this is a report; `srvdoctor fleet FILE` "
               "reads reports");
  else if(rc)
    sd_err_set(err, SD_EPARSE, "%s", sd_str_or(sd_jr_error(r), "unreadable"));
  f->source = "snapshot";
  return rc;
}

int sd_snapshot_read_mem(const char *data, size_t len, sd_facts *f,
                         sd_err *err)
{
  sd_jreader *r = sd_jr_new_mem(data, len);
  int rc = read_with(r, f, err);
  sd_jr_free(r);
  return rc;
}

typedef struct file_src {
  FILE *fp;
  int failed;
} file_src;

static size_t file_read(void *ctx, char *buf, size_t cap)
{
  file_src *s = ctx;
  size_t n = fread(buf, 1, cap, s->fp);
  if(n == 0 && ferror(s->fp)) {
    s->failed = 1;
    return (size_t)-1;
  }
  return n;
}


int sd_snapshot_read_file(const char *path, sd_facts *f, sd_err *err)
{
  file_src src;
  sd_jreader *r;
  int rc;
  src.fp = sd_fopen_regular(path, err);
  src.failed = 0;
  if(!src.fp)
    return -1;
  r = sd_jr_new_stream(file_read, &src);
  rc = read_with(r, f, err);
  sd_jr_free(r);
  if(src.failed) {
    sd_err_set(err, SD_EIO, "reading it failed part way");
    rc = -1;
  }
  fclose(src.fp);
  return rc;
}
