/* check.h - shared by the parts of the "hyperv-stuck-vm" check (module.c
 * and the check_*.c files beside it): the check's tuning constants, the
 * working state of one run (hv_ctx, the workers, the verdicts), and the
 * functions one part calls in another.  Not a public header. */
#ifndef SD_HYPERV_CHECK_H
#define SD_HYPERV_CHECK_H

#include "srvdoctor/module.h"

/* The code table (check_codes.c). */
#define SD_HV_NCODES 10
extern const sd_code_info sd_hv_codes[];

/* Msvm_ComputerSystem (hyperv_v2/msvm-computersystem, HealthState and
 * OperationalStatus; the same values from Windows Server 2008 R2 on):
 *   HealthState 25 Critical failure: the worker does not answer, OR the
 *     disks holding the VM's VHDs are low on space, the VM then paused
 *     (EnabledState Paused); 20 Major failure: low space, VM paused;
 *   OperationalStatus[0] 3 Degraded: the configuration's storage is not
 *     reachable (only Turn Off or Delete work); 5 Predictive Failure: the
 *     VHDs' storage is low on free space, the VM will be paused. */
#define HEALTH_MAJOR_FAILURE 20u
#define HEALTH_CRITICAL_FAILURE 25u
#define OPSTATUS_DEGRADED 3u
#define OPSTATUS_PREDICTIVE_FAILURE 5u

/* OperationalStatus[1] 32771: Waiting to Start, the automatic start delay
 * (the operations in progress: check_states.c). */
#define OPSTATUS_WAITING_TO_START 32771u

#define MOD "hyperv-stuck-vm"

/* Start-failure events and the logs they are in (facts.h). */
static const uint32_t start_fail_ids[] = {SD_HV_START_FAIL_IDS};
static const char *const hv_logs[] = {SD_HV_LOG_WORKER, SD_HV_LOG_VMMS};

/* A working set that does not grow by more than this is "flat". */
#define GROWTH_TOLERANCE (256u * 1024u)
/* Samples must span at least this long to tell flat from busy. */
#define MIN_SPAN_MS 200
/* Less CPU than 1 ms per second of sampling counts as none. */
#define CPU_100NS_PER_MS 10

typedef struct state_info {
  uint32_t code;
  const char *name;
  int transitional;
  int has_worker; /* 1 yes, 0 no */
  int critical;   /* a "-Critical" state: storage or configuration failed */
} state_info;

typedef struct op_info {
  uint32_t code;
  const char *name;    /* "Merging Disks" */
  const char *doing;   /* "merging the virtual hard disks of deleted
                          snapshots" */
} op_info;

typedef struct hv_worker {
  const sd_process *p;
  char guid[37];          /* the VM it serves, "" when unknown */
  const char *guid_from;  /* "account SID" or "command line" */
  int guid_conflict;      /* SID and command line disagree */
  uint64_t ws;            /* latest working set */
  int has_median;         /* at least two peers */
  uint64_t median;        /* of the other workers */
  int small;              /* below ratio x median and below the floor */
  int flat_known;         /* samples long enough to judge */
  int flat;               /* no growth, no CPU */
  int64_t growth;         /* bytes, max sample - first sample */
  uint64_t cpu_100ns;     /* CPU used across the samples */
  long span_ms;
  size_t nsamples;
  int vm;                 /* index of its VM, -1 */
  /* what the check said of it (written with its findings, read by the
   * figures): the gravest severity of a finding about this worker, and
   * whether one of them quoted the peer median */
  sd_severity mark;
  int median_quoted;
} hv_worker;

typedef struct hv_event {
  char guid[37];          /* VM id in the message, "" when none */
  const sd_event *e;
} hv_event;

typedef struct hv_ctx {
  const sd_facts *f;
  const sd_options *o;
  sd_module_result *r;
  double ratio;
  uint64_t floor;
  int stuck_after;
  hv_worker *w;
  size_t nw;
  hv_worker **by_guid;    /* workers whose VM id is known, sorted by it */
  size_t nby_guid;
  int guids_unknown;      /* some worker's VM id could not be read */
  hv_event *ev;
  size_t nev;
  int events_known;       /* every Hyper-V log was read */
  const char *events_why;
  unsigned version;       /* WMI namespace version in use */
  size_t nbusy;           /* HV-VM-BUSY findings (they do not hide HV-OK) */
} hv_ctx;

typedef enum clustered {
  CL_NO = 0,          /* no Cluster service, or not one of its resources */
  CL_YES,             /* a cluster resource names the VM */
  CL_UNKNOWN,         /* the cluster database could not be read */
  CL_NOT_COLLECTED    /* a snapshot from before srvdoctor looked */
} clustered;

typedef struct rem {
  hv_ctx *c;
  sd_finding *x;
  const char *vm;         /* "the virtual machine "SQL01" (ID ...)" */
  const char *name;       /* display name or NULL */
  const char *guid;       /* normalised id or NULL */
  const hv_worker *w;
  const sd_hv_vm *wmi;    /* the VM as WMI reported it, or NULL */
  const char *state;      /* "Starting", or NULL when not known */
  unsigned version;
  clustered cl;
  const char *resource;
  int fixable;            /* the finding carries the worker action */
} rem;

typedef struct vm_verdict {
  const sd_hv_vm *vm;
  int has_guid;
  char guid[37];          /* its id normalised, when has_guid */
  const state_info *si;
  int worker;             /* index or -1 */
  const char *mapped_by;
  int dur_known;
  int64_t minutes;
  int longheld;
  int waiting;            /* OperationalStatus says Waiting to Start */
  const op_info *op;      /* an operation in progress, NULL none */
  int sig_health, sig_worker, sig_events;
  size_t nevents;
} vm_verdict;

/* What keeps a VM from running that is its storage's doing, not a hung
 * worker. */
typedef enum storage_kind {
  STORAGE_NONE = 0,
  STORAGE_CRITICAL_STATE,     /* a v2 "-Critical" EnabledState */
  STORAGE_CONFIG_UNREACHABLE, /* OperationalStatus[0] 3 Degraded */
  STORAGE_LOW_SPACE_PAUSED,   /* paused with HealthState 25 (or 20) */
  STORAGE_LOW_SPACE_SOON,     /* OperationalStatus[0] 5 Predictive Failure */
  STORAGE_LOW_SPACE_VOLUME    /* a volume of its disks has less than
                                 LOW_SPACE_BYTES free (read by srvdoctor) */
} storage_kind;

/* check_codes.c: a finding of one of this module's codes, as its table
 * says */
sd_finding *sd_hv_add(sd_module_result *r, const char *code);

/* check_states.c */
const state_info *sd_hv_state_lookup(unsigned version, uint32_t code);
int sd_hv_is_paused(const state_info *si);
int sd_hv_opstatus_known(const sd_hv_vm *vm);
uint32_t sd_hv_opstatus_at(const sd_hv_vm *vm, size_t i);
const op_info *sd_hv_operation_of(uint32_t code);

/* check_workers.c */
int sd_hv_cmp_u64(const void *a, const void *b);
void sd_hv_collect_workers(hv_ctx *c);
int sd_hv_worker_by_guid(const hv_ctx *c, const char *guid);
int sd_hv_worker_by_pid(const hv_ctx *c, uint32_t pid);

/* check_events.c */
void sd_hv_collect_events(hv_ctx *c);
size_t sd_hv_vm_events(const hv_ctx *c, size_t vi, const char *guid,
                       sd_time since, sd_buf *ids);

/* check_words.c */
const char *sd_hv_fstate_why(const sd_fstate *st, const char *what);
void sd_hv_put_opstatus(sd_buf *b, const sd_hv_vm *vm);
void sd_hv_ev_opstatus(sd_module_result *r, sd_finding *x,
                       const sd_hv_vm *vm, const sd_buf *ops);
void sd_hv_worker_evidence(hv_ctx *c, sd_finding *x, const hv_worker *w);
void sd_hv_worker_sentence(const hv_ctx *c, const hv_worker *w, sd_buf *b);
int sd_hv_space_low(const sd_hv_vm *vm);
int sd_hv_space_known_ok(const sd_hv_vm *vm);
void sd_hv_worker_action(sd_module_result *r, sd_finding *x,
                         const char *guid, const hv_worker *w);

/* check_cluster.c */
clustered sd_hv_vm_clustered(const sd_hv_facts *hv, const char *guid,
                             const char **resource);
void sd_hv_cluster_evidence(sd_module_result *r, sd_finding *x,
                            const sd_hv_facts *hv, clustered cl,
                            const char *resource);

/* check_steps.c */
unsigned sd_hv_space_step(sd_module_result *r, sd_finding *x,
                          const sd_hv_vm *vm, const char *name,
                          const char *guid, unsigned version,
                          const char *why);
void sd_hv_remediate(hv_ctx *c, rem *m);
void sd_hv_health_steps(hv_ctx *c, sd_finding *x, const sd_hv_vm *vm,
                        const char *guid, unsigned version);

/* check_findings.c */
void sd_hv_vm_finding(hv_ctx *c, vm_verdict *v, int stuck, sd_buf *ids);
storage_kind sd_hv_storage_problem(const vm_verdict *v);
void sd_hv_storage_finding(hv_ctx *c, const vm_verdict *v, storage_kind k);
void sd_hv_busy_finding(hv_ctx *c, const vm_verdict *v);
void sd_hv_worker_missing(hv_ctx *c, const vm_verdict *v);
void sd_hv_orphan(hv_ctx *c, const hv_worker *w);
void sd_hv_worker_suspect(hv_ctx *c, const hv_worker *w, int64_t age_min);

/* check_judge.c */
void sd_hv_evaluate_vms(hv_ctx *c, int procs_ok);
void sd_hv_hv_ok(hv_ctx *c, int wmi);
int64_t sd_hv_worker_age(const hv_ctx *c, const hv_worker *w);
void sd_hv_degraded(hv_ctx *c);
void sd_hv_not_installed(sd_module_result *r, const char *why);
void sd_hv_unknown(const sd_facts *f, sd_module_result *r, const char *msg,
                   const char *why);

/* check_figures.c */
void sd_hv_emit_figures(hv_ctx *c);
/* check_states.c: v1 EnabledState 32771 Snapshotting */
extern const op_info sd_hv_v1_snapshotting;

#endif
