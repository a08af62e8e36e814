/* facts.h - the plain data model of everything the checks look at.
 *
 * Every collected item carries an sd_fstate saying whether it was read,
 * found absent, or could not be read (and why).  "Could not look" must never
 * be reported as "not there": a check that finds SD_ST_UNREADABLE or
 * SD_ST_NOT_COLLECTED where it needs a value says so.
 *
 * All strings and arrays hang off the facts' arena (sd_facts.arena) except
 * the item arrays of the list types, which are grown with sd_grow and freed
 * by sd_facts_free.  Strings are UTF-8. */
#ifndef SRVDOCTOR_FACTS_H
#define SRVDOCTOR_FACTS_H

#include <stdint.h>

#include "srvdoctor/base.h"

typedef enum sd_state {
  SD_ST_NOT_COLLECTED = 0, /* nobody looked (module not run, old snapshot) */
  SD_ST_READ,              /* looked and read a value */
  SD_ST_ABSENT,            /* looked: the thing does not exist */
  SD_ST_UNREADABLE         /* looked, but could not read it: see why */
} sd_state;

typedef struct sd_fstate {
  sd_state state;
  uint32_t error;  /* OS error code when unreadable, else 0 */
  const char *why; /* one sentence when unreadable (or absent, optional) */
} sd_fstate;

const char *sd_state_name(sd_state s); /* "not_collected", "read", ... */
/* Enum value names as the snapshot writes them (src/core/facts.c): service
 * states (sd_service.state) and event levels (sd_event.level). */
extern const char *const sd_svc_state_names[8];
extern const char *const sd_event_level_names[6];
int sd_state_parse(const char *s, sd_state *out);
/* True when the item was looked at and is known (read or absent). */
int sd_fstate_known(const sd_fstate *f);

/* ---- host and operating system ---- */
typedef struct sd_host {
  sd_fstate st;
  const char *name;     /* computer (NetBIOS) name */
  const char *dns_name; /* fully qualified name, may be NULL */

  sd_fstate domain_st;
  int domain_joined;
  const char *domain; /* DNS domain or workgroup name */

  sd_fstate elevation_st;
  int elevated;        /* token is elevated (or pre-Vista administrator) */
  int admin_member;    /* CheckTokenMembership(Administrators) */
  const char *user;    /* DOMAIN\user running srvdoctor */
  const char *user_sid;

  sd_fstate boot_st;
  sd_time boot_time;
} sd_host;

typedef struct sd_os {
  sd_fstate st;
  /* ProductName, e.g. "Windows Server 2008 R2 Enterprise" */
  const char *name;
  unsigned major, minor, build;
  const char *version;      /* "6.1.7601" */
  const char *service_pack; /* "Service Pack 1", "" when none */
  unsigned sp_major;
  const char *arch;         /* "x64", "x86", "ia64", "arm64" */
  int is_server;            /* product type is not workstation */
  const char *edition;      /* EditionID when known */
} sd_os;

/* ---- shared collections ---- */

typedef struct sd_sample {
  sd_time at_ms_rel;       /* milliseconds since the first sample */
  uint64_t working_set;    /* bytes */
  uint64_t cpu_100ns;      /* user + kernel time */
} sd_sample;

typedef struct sd_process {
  uint32_t pid;
  uint32_t ppid;
  const char *image;      /* "vmwp.exe" */
  const char *path;       /* full image path, may be NULL */
  sd_fstate cmdline_st;   /* command lines are read only where needed */
  const char *cmdline;
  sd_fstate account_st;
  const char *account;    /* DOMAIN\name */
  const char *sid;        /* "S-1-5-83-1-..." */
  sd_time create_time;
  uint64_t working_set;   /* bytes */
  uint64_t peak_working_set;
  uint64_t private_bytes;
  uint64_t cpu_100ns;     /* user + kernel */
  uint32_t threads;
  uint32_t session;
  sd_sample *samples;     /* repeated readings (vmwp.exe), may be NULL */
  size_t nsamples, cap_samples; /* a list: items, count, cap */
} sd_process;

typedef struct sd_process_list {
  sd_fstate st;
  const char *method;     /* "NtQuerySystemInformation", "EnumProcesses" */
  uint32_t inaccessible;  /* processes seen but not readable (no rights) */
  uint32_t read_ms;       /* the list and the workers' details took this
                             long (later samples not counted) */
  sd_process *items;
  size_t count, cap;
} sd_process_list;

typedef enum sd_svc_state {
  SD_SVC_UNKNOWN = 0,
  SD_SVC_STOPPED = 1,
  SD_SVC_START_PENDING = 2,
  SD_SVC_STOP_PENDING = 3,
  SD_SVC_RUNNING = 4,
  SD_SVC_CONTINUE_PENDING = 5,
  SD_SVC_PAUSE_PENDING = 6,
  SD_SVC_PAUSED = 7
} sd_svc_state; /* values are the SERVICE_* state constants */

typedef struct sd_service {
  const char *name;          /* short name, e.g. "RTCSRV" */
  const char *display_name;
  sd_svc_state state;
  /* SERVICE_AUTO_START = 2, DEMAND = 3, DISABLED = 4 */
  uint32_t start_type;
  uint32_t pid;
  uint32_t win32_exit_code;
  uint32_t service_exit_code;
  const char *image_path;
  const char *account;
  sd_fstate config_st;       /* image path/account/start type readable? */
} sd_service;

typedef struct sd_service_list {
  sd_fstate st;
  sd_service *items;
  size_t count, cap;
} sd_service_list;

/* An installed update as seen by one route (registry hotfix key, CBS
 * package, Uninstall key, WMI QFE).  One entry per route that reported it. */
typedef struct sd_hotfix {
  const char *id;         /* "KB974571" */
  /* "hotfix-key", "cbs", "uninstall-key", "qfe", "ntuninstall-dir" */
  const char *source;
  const char *detail;     /* key path, package identity, folder ... */
  uint32_t state;         /* CBS CurrentState when source is cbs, else 0 */
  sd_time installed_at;
  /* What installed_at is: "InstalledDate" (the update's own record, a
   * local day: installed_at is that day's local midnight in UTC and
   * date_only is set), "cbs-install-time", "folder-created",
   * "key-write-time" (when the key was last written, not necessarily the
   * install).  NULL in snapshots written before this was recorded. */
  const char *time_from;
  int date_only;
  /* hotfix-key only: the key's InstalledDate value (REG_SZ "M/D/YYYY"):
   * read (installed_date holds it), absent, unreadable (why). */
  sd_fstate date_st;
  const char *installed_date;
} sd_hotfix;

/* One route looked at for one update, whatever it found: read (the route
 * reported the update: see items), absent (looked, not there) or
 * unreadable (why says so).  So "not installed" can be told apart from
 * "could not look". */
typedef struct sd_hotfix_probe {
  const char *id;         /* "KB974571" */
  const char *source;     /* same names as sd_hotfix.source */
  const char *detail;     /* where it looked */
  sd_fstate st;
} sd_hotfix_probe;

typedef struct sd_hotfix_list {
  sd_fstate st;
  sd_hotfix *items;
  size_t count, cap;
  sd_hotfix_probe *probes;
  size_t nprobes, cap_probes;
} sd_hotfix_list;

typedef struct sd_msi_patch {
  const char *product_code; /* "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}" */
  const char *patch_code;
  const char *display_name;
  /* MSIPATCHSTATE_* : 1 applied, 2 superseded, 4 obsoleted */
  uint32_t state;
  int uninstallable;
  const char *install_date; /* "YYYYMMDD" as Windows Installer stores it */
  const char *more_info_url;
  const char *source;       /* "msi" or "registry" */
} sd_msi_patch;

typedef struct sd_msi_patch_list {
  sd_fstate st;
  const char *method;       /* "MsiEnumPatchesEx" or "registry" */
  sd_msi_patch *items;
  size_t count, cap;
} sd_msi_patch_list;

typedef enum sd_event_level {
  SD_EVL_UNKNOWN = 0,
  SD_EVL_CRITICAL = 1,
  SD_EVL_ERROR = 2,
  SD_EVL_WARNING = 3,
  SD_EVL_INFO = 4,
  SD_EVL_VERBOSE = 5
} sd_event_level;

typedef struct sd_event {
  /* "System", "Microsoft-Windows-Hyper-V-Worker-Admin" */
  const char *log;
  const char *provider;  /* "Service Control Manager" */
  uint32_t id;
  sd_event_level level;
  sd_time time;
  uint64_t record;
  const char *message;   /* rendered text or insertion strings, truncated */
} sd_event;

/* What was searched in one log, so a check can say "the log could not be
 * read" instead of "no event". */
typedef struct sd_event_source {
  const char *log;
  sd_fstate st;
  sd_time since;         /* window start */
  uint32_t max_records;
  uint32_t scanned;
  int truncated;         /* stopped at max_records */
} sd_event_source;

typedef struct sd_event_list {
  sd_fstate st;
  const char *method;    /* "EvtQuery" or "ReadEventLog" */
  sd_event_source *sources;
  size_t nsources, cap_sources;
  sd_event *items;
  size_t count, cap;
} sd_event_list;

/* One place that can say a reboot is pending. */
typedef struct sd_reboot_flag {
  const char *source;    /* "cbs-reboot-pending", "wu-reboot-required", ... */
  const char *detail;    /* registry path/value */
  sd_fstate st;
  int pending;
} sd_reboot_flag;

typedef struct sd_reboot_list {
  sd_fstate st;
  sd_reboot_flag *items;
  size_t count, cap;
} sd_reboot_list;

/* ---- module sections: each module owns its header, src/modules/<id>/
 * facts.h, included by this header that CMake generates from the module
 * table (src/modules/modules.def) ---- */
#include "srvdoctor_module_facts.h"

typedef struct sd_facts {
  sd_arena arena;
  const char *source;       /* "live" or "snapshot" */
  sd_time collected_at;
  const char *tool_version; /* version of the srvdoctor that collected */
  sd_host host;
  sd_os os;
  sd_process_list processes;
  sd_service_list services;
  sd_hotfix_list hotfixes;
  sd_msi_patch_list msi_patches;
  sd_event_list events;
  sd_reboot_list reboot;
  /* one section per module: sd_facts.exchange, .ocs, .hyperv, ... */
#define SD_MODULE(cname, id, field, type) type field;
#include "modules.def"
#undef SD_MODULE
} sd_facts;

void sd_facts_init(sd_facts *f);
void sd_facts_free(sd_facts *f);

/* Helpers for the collectors and the snapshot reader. */
void sd_fstate_set(sd_facts *f, sd_fstate *st, sd_state state, uint32_t error,
                   const char *why_fmt, ...) SD_PRINTF(5, 6);
const char *sd_facts_str(sd_facts *f, const char *s); /* copy into arena */
sd_process *sd_process_add(sd_process_list *l);
sd_service *sd_service_add(sd_service_list *l);
sd_hotfix *sd_hotfix_add(sd_hotfix_list *l);
/* "M/D/YYYY" (the InstalledDate of update.exe packages, e.g. "10/14/2009";
 * leading zeros allowed) into its parts; 0, or -1 when s is not such a
 * date of a real day. */
int sd_date_mdy_parse(const char *s, unsigned *year, unsigned *month,
                      unsigned *day);
sd_msi_patch *sd_msi_patch_add(sd_msi_patch_list *l);
sd_event *sd_event_add(sd_event_list *l);
sd_event_source *sd_event_source_add(sd_event_list *l);
sd_reboot_flag *sd_reboot_add(sd_reboot_list *l);

/* Look-ups used by several checks (case-insensitive names). */
const sd_service *sd_facts_service(const sd_facts *f, const char *name);
const sd_event_source *sd_facts_event_source(const sd_facts *f,
                                             const char *log);

#endif
