/* processes.c - every process on the machine, and repeated samples of the
 * Hyper-V worker processes (vmwp.exe).
 *
 * The whole list comes from one NtQuerySystemInformation
 * (SystemProcessInformation) call: one system call, no handle per process,
 * and it works for protected processes too.  Only the processes the checks
 * need in detail (vmwp.exe) are opened, for their command line, account and
 * path.  Where the native call is not available the list falls back to
 * EnumProcesses + OpenProcess + Psapi.  A process that exits while it is
 * being read is left out without an error. */
#include "collect_win32.h"

#include <psapi.h>
#include <sddl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <winternl.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/win32proc.h"

typedef LONG(NTAPI *qsi_fn)(ULONG, PVOID, ULONG, PULONG);
typedef BOOL(WINAPI *qfpin_fn)(HANDLE, DWORD, LPWSTR, PDWORD);

#define ST_INFO_LENGTH_MISMATCH ((LONG)0xC0000004)
#define ST_BUFFER_TOO_SMALL ((LONG)0xC0000023)
#define ST_BUFFER_OVERFLOW ((LONG)0x80000005)
#define SYSTEM_PROCESS_INFO 5
#define QUERY_LIMITED 0x1000    /* PROCESS_QUERY_LIMITED_INFORMATION */

/* One collection run: the native entry points and a reusable buffer. */
typedef struct proc_ctx {
  sd_facts *f;
  qsi_fn qsi;
  qfpin_fn qfpin;
  const char *last_sid, *last_account; /* LookupAccountSid cache */
  char *buf;
  ULONG cap;
  long t0;
  size_t *workers;   /* indexes into f->processes.items */
  size_t nworkers;
} proc_ctx;

/* Run SystemProcessInformation into c->buf, growing it while Windows says
 * it is too small (processes can start between two tries).  Returns the
 * NTSTATUS of the last try. */
static LONG query_all(proc_ctx *c)
{
  LONG st = ST_INFO_LENGTH_MISMATCH;
  int tries;
  for(tries = 0; tries < 8; tries++) {
    ULONG need = 0;
    if(!c->buf) {
      /* 1 MiB holds about 2,000 processes: usually one call. */
      c->cap = c->cap ? c->cap : 1024u * 1024u;
      c->buf = sd_xmalloc(c->cap);
    }
    st = c->qsi(SYSTEM_PROCESS_INFO, c->buf, c->cap, &need);
    if(st != ST_INFO_LENGTH_MISMATCH && st != ST_BUFFER_TOO_SMALL &&
       st != ST_BUFFER_OVERFLOW)
      return st;
    /* Grow to what it asked for plus room for a few new processes. */
    if(need < c->cap)
      need = c->cap;
    if(need > 0x7FFFFFFFu - 65536u)
      return st;
    c->cap = need + need / 8 + 65536u;
    free(c->buf);
    c->buf = NULL;
  }
  return st;
}

/* Walk the entries of c->buf; stops at a malformed offset. */
static const SYSTEM_PROCESS_INFORMATION *next_entry(
  const proc_ctx *c, const SYSTEM_PROCESS_INFORMATION *e)
{
  size_t off;
  if(!e)
    return (const SYSTEM_PROCESS_INFORMATION *)c->buf;
  if(!e->NextEntryOffset)
    return NULL;
  off = (size_t)((const char *)e - c->buf) + e->NextEntryOffset;
  if(off + sizeof(*e) > c->cap)
    return NULL;
  return (const SYSTEM_PROCESS_INFORMATION *)(c->buf + off);
}

static sd_time ft_time(LONGLONG v)
{
  return v > 0 ? sd_time_from_filetime((uint64_t)v) : SD_TIME_NONE;
}

static uint64_t ft_u64(const FILETIME *t)
{
  return (uint64_t)t->dwHighDateTime << 32 | t->dwLowDateTime;
}

static HANDLE open_for_read(DWORD pid, int *vm_read);

static void add_sample(sd_process *p, long at_ms, uint64_t ws, uint64_t cpu)
{
  sd_sample *s;
  p->samples = sd_grow(p->samples, &p->cap_samples, p->nsamples,
                       sizeof(*s));
  s = &p->samples[p->nsamples++];
  s->at_ms_rel = at_ms;
  s->working_set = ws;
  s->cpu_100ns = cpu;
}

static void read_native_list(proc_ctx *c)
{
  sd_facts *f = c->f;
  const SYSTEM_PROCESS_INFORMATION *e = NULL;
  while((e = next_entry(c, e)) != NULL) {
    sd_process *p = sd_process_add(&f->processes);
    size_t nlen = e->ImageName.Buffer ? e->ImageName.Length / 2 : 0;
    p->pid = (uint32_t)(ULONG_PTR)e->UniqueProcessId;
    p->ppid = (uint32_t)(ULONG_PTR)e->InheritedFromUniqueProcessId;
    if(nlen)
      p->image = sd_wide_to_arena(f, e->ImageName.Buffer, (int)nlen);
    else
      p->image = p->pid == 0 ? "System Idle Process" : NULL;
    p->create_time = ft_time(e->CreateTime.QuadPart);
    p->working_set = e->VirtualMemoryCounters.WorkingSetSize;
    p->peak_working_set = e->VirtualMemoryCounters.PeakWorkingSetSize;
    p->private_bytes = e->PrivatePageCount;
    p->cpu_100ns = (uint64_t)e->UserTime.QuadPart +
                   (uint64_t)e->KernelTime.QuadPart;
    p->threads = e->NumberOfThreads;
    p->session = e->SessionId;
    if(nlen && sd_wproc_is_worker_name(e->ImageName.Buffer, nlen))
      add_sample(p, 0, p->working_set, p->cpu_100ns);
  }
}

/* Working set and CPU time through a process handle (fallback path). */
static int handle_counters(HANDLE h, uint64_t *ws, uint64_t *peak,
                           uint64_t *priv, uint64_t *cpu, sd_time *created)
{
  PROCESS_MEMORY_COUNTERS pmc;
  FILETIME cr, ex, kt, ut;
  int ok = 0;
  memset(&pmc, 0, sizeof(pmc));
  pmc.cb = sizeof(pmc);
  if(GetProcessMemoryInfo(h, &pmc, sizeof(pmc))) {
    *ws = pmc.WorkingSetSize;
    *peak = pmc.PeakWorkingSetSize;
    *priv = pmc.PagefileUsage;
    ok = 1;
  }
  if(GetProcessTimes(h, &cr, &ex, &kt, &ut)) {
    *created = ft_time((LONGLONG)ft_u64(&cr));
    *cpu = ft_u64(&kt) + ft_u64(&ut);
  }
  return ok;
}

/* The file name part of a path. */
static const wchar_t *base_name(const wchar_t *path)
{
  const wchar_t *b = wcsrchr(path, L'\\');
  return b ? b + 1 : path;
}

/* Fallback: EnumProcesses, then one handle per process. */
static int read_psapi_list(proc_ctx *c)
{
  sd_facts *f = c->f;
  DWORD *pids = NULL, bytes = 0, n = 1024, i;
  for(;;) {
    pids = sd_xrealloc(pids, n * sizeof(DWORD));
    if(!EnumProcesses(pids, n * sizeof(DWORD), &bytes)) {
      sd_fstate_os_error(f, &f->processes.st, GetLastError(),
                         "EnumProcesses");
      free(pids);
      return -1;
    }
    /* A full buffer gives no overflow signal: try again larger. */
    if(bytes < n * sizeof(DWORD) || n >= 1u << 20)
      break;
    n *= 2;
  }
  n = bytes / sizeof(DWORD);
  for(i = 0; i < n; i++) {
    int vm_read = 0;
    HANDLE h;
    wchar_t name[MAX_PATH * 2];
    const wchar_t *base = NULL;
    DWORD len = 0;
    sd_process *p;
    if(pids[i] == 0)
      continue; /* the idle pseudo-process cannot be opened */
    h = open_for_read(pids[i], &vm_read);
    if(!h) {
      /* Gone already (invalid parameter), or no rights to look. */
      if(GetLastError() != ERROR_INVALID_PARAMETER)
        f->processes.inaccessible++;
      continue;
    }
    p = sd_process_add(&f->processes);
    p->pid = pids[i];
    if(vm_read)
      len = GetModuleBaseNameW(h, NULL, name, MAX_PATH);
    if(len) {
      base = name;
    }
    else {
      len = (DWORD)SD_COUNTOF(name);
      if(c->qfpin && c->qfpin(h, 0, name, &len) && len) {
        p->path = sd_wide_to_arena(f, name, (int)len);
        base = base_name(name);
        len = (DWORD)wcslen(base);
      }
    }
    if(base)
      p->image = sd_wide_to_arena(f, base, (int)len);
    handle_counters(h, &p->working_set, &p->peak_working_set,
                    &p->private_bytes, &p->cpu_100ns, &p->create_time);
    if(base && sd_wproc_is_worker_name(base, len))
      add_sample(p, 0, p->working_set, p->cpu_100ns);
    CloseHandle(h);
  }
  free(pids);
  return 0;
}

/* Open a process for reading: full query rights first (every Windows),
 * then the limited right of Vista and later. */
static HANDLE open_for_read(DWORD pid, int *vm_read)
{
  HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE,
                         pid);
  *vm_read = 1;
  if(h || GetLastError() != ERROR_ACCESS_DENIED)
    return h;
  h = OpenProcess(QUERY_LIMITED | PROCESS_VM_READ, FALSE, pid);
  if(h || GetLastError() != ERROR_ACCESS_DENIED)
    return h;
  *vm_read = 0;
  return OpenProcess(QUERY_LIMITED, FALSE, pid);
}

/* The command line (win32proc.c: the same reader fix uses). */
static void read_cmdline(proc_ctx *c, HANDLE h, int vm_read, sd_process *p)
{
  wchar_t *w = NULL;
  size_t n = 0;
  sd_wproc_err e;
  if(sd_wproc_cmdline(h, vm_read, &w, &n, &e)) {
    sd_fstate_set(c->f, &p->cmdline_st, SD_ST_UNREADABLE, e.code, "%s",
                  e.why);
    return;
  }
  p->cmdline = sd_wide_to_arena(c->f, w, (int)n);
  sd_fstate_set(c->f, &p->cmdline_st, SD_ST_READ, 0, NULL);
  free(w);
}

static void read_account(proc_ctx *c, HANDLE h, sd_process *p)
{
  char *sid = NULL;
  char guid[37];
  sd_wproc_err e;
  PSID psid = NULL;
  wchar_t name[256], dom[256];
  DWORD nn = 256, dn = 256;
  SID_NAME_USE use;
  wchar_t *wsid;
  if(sd_wproc_sid(h, &sid, &e)) {
    sd_fstate_set(c->f, &p->account_st, SD_ST_UNREADABLE, e.code, "%s",
                  e.why);
    return;
  }
  p->sid = sd_arena_strdup(&c->f->arena, sid);
  free(sid);
  /* The name is a convenience: the SID alone identifies the VM.  A per-VM
   * account is named after the VM id, so it needs no look-up; others are
   * looked up once per SID. */
  if(!sd_hv_guid_from_sid(p->sid, guid)) {
    p->account = sd_arena_printf(&c->f->arena, "NT VIRTUAL MACHINE\\%s",
                                 guid);
  }
  else if(c->last_sid && !strcmp(p->sid, c->last_sid)) {
    p->account = c->last_account;
  }
  else {
    wsid = sd_utf8_to_wide(p->sid);
    if(wsid && ConvertStringSidToSidW(wsid, &psid) &&
       LookupAccountSidW(NULL, psid, name, &nn, dom, &dn, &use)) {
      p->account = sd_arena_printf(&c->f->arena, "%s\\%s",
                                   sd_str_or(sd_wide_to_arena(c->f, dom, -1),
                                             ""),
                                   sd_str_or(sd_wide_to_arena(c->f, name,
                                                              -1), ""));
      c->last_sid = p->sid;
      c->last_account = p->account;
    }
    if(psid)
      LocalFree(psid);
    free(wsid);
  }
  sd_fstate_set(c->f, &p->account_st, SD_ST_READ, 0, NULL);
}

static void read_path(HANDLE h, int vm_read, sd_facts *f, sd_process *p)
{
  wchar_t path[MAX_PATH * 2];
  int device = 0;
  sd_wproc_err e;
  /* Only the drive-letter form: the checks compare it with the system
   * folder, and the snapshot shows it to people. */
  if(!sd_wproc_image(h, vm_read, 0, path, (DWORD)SD_COUNTOF(path), &device,
                     &e))
    p->path = sd_wide_to_arena(f, path, -1);
}

static int same_create_time(HANDLE h, const sd_process *p)
{
  FILETIME cr, ex, kt, ut;
  if(p->create_time == SD_TIME_NONE)
    return 1;
  if(!GetProcessTimes(h, &cr, &ex, &kt, &ut))
    return 1; /* cannot tell: keep it */
  return sd_time_from_filetime(ft_u64(&cr)) == p->create_time;
}

/* Command line, account and path of one worker.  Returns -1 when the
 * process is gone (or its PID now belongs to another process). */
static int worker_details(proc_ctx *c, sd_process *p)
{
  int vm_read = 0;
  HANDLE h = open_for_read(p->pid, &vm_read);
  if(!h) {
    DWORD err = GetLastError();
    if(err == ERROR_INVALID_PARAMETER)
      return -1;
    sd_fstate_os_error(c->f, &p->cmdline_st, err, "OpenProcess");
    sd_fstate_os_error(c->f, &p->account_st, err, "OpenProcess");
    return 0;
  }
  if(!same_create_time(h, p)) {
    CloseHandle(h);
    return -1;
  }
  read_cmdline(c, h, vm_read, p);
  read_account(c, h, p);
  read_path(h, vm_read, c->f, p);
  CloseHandle(h);
  return 0;
}

static void drop_process(sd_process_list *l, size_t i)
{
  free(l->items[i].samples);
  memmove(&l->items[i], &l->items[i + 1],
          (l->count - i - 1) * sizeof(l->items[0]));
  l->count--;
}

/* The workers' indexes, sorted by PID (insertion sort: a few hundred). */
static void index_workers(proc_ctx *c)
{
  sd_process_list *l = &c->f->processes;
  size_t i;
  c->nworkers = 0;
  c->workers = sd_xrealloc(c->workers, (l->count + 1) * sizeof(size_t));
  for(i = 0; i < l->count; i++) {
    size_t k;
    if(!l->items[i].nsamples)
      continue;
    for(k = c->nworkers++;
        k > 0 && l->items[c->workers[k - 1]].pid > l->items[i].pid; k--)
      c->workers[k] = c->workers[k - 1];
    c->workers[k] = i;
  }
}

static sd_process *worker_by_pid(proc_ctx *c, uint32_t pid)
{
  sd_process_list *l = &c->f->processes;
  size_t lo = 0, hi = c->nworkers;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t v = l->items[c->workers[mid]].pid;
    if(v == pid)
      return &l->items[c->workers[mid]];
    if(v < pid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

/* A later sample of every worker through its own handle (fallback). */
static void sample_by_handle(proc_ctx *c, long at)
{
  sd_process_list *l = &c->f->processes;
  size_t i;
  for(i = 0; i < c->nworkers; i++) {
    sd_process *p = &l->items[c->workers[i]];
    int vm_read;
    HANDLE h = open_for_read(p->pid, &vm_read);
    uint64_t ws = 0, peak = 0, priv = 0, cpu = 0;
    sd_time created = SD_TIME_NONE;
    if(!h)
      continue;
    if(handle_counters(h, &ws, &peak, &priv, &cpu, &created) &&
       created == p->create_time)
      add_sample(p, at, ws, cpu);
    CloseHandle(h);
  }
}

/* Later samples of the workers: the same one call per sample. */
static void take_samples(proc_ctx *c, const sd_options *o, int native)
{
  int k, samples = o->samples > 0 ? o->samples : 1;
  DWORD interval = o->interval_ms > 0 ? (DWORD)o->interval_ms : 0;
  if(!c->nworkers)
    return;
  for(k = 1; k < samples; k++) {
    const SYSTEM_PROCESS_INFORMATION *e = NULL;
    long at;
    Sleep(interval);
    if(!native) {
      sample_by_handle(c, sd_monotonic_ms() - c->t0);
      continue;
    }
    at = sd_monotonic_ms() - c->t0; /* like the first: before the call */
    if(query_all(c) < 0)
      return; /* keep what was sampled so far */
    while((e = next_entry(c, e)) != NULL) {
      sd_process *p = worker_by_pid(c, (uint32_t)(ULONG_PTR)
                                    e->UniqueProcessId);
      if(!p || ft_time(e->CreateTime.QuadPart) != p->create_time)
        continue;
      add_sample(p, at, e->VirtualMemoryCounters.WorkingSetSize,
                 (uint64_t)e->UserTime.QuadPart +
                 (uint64_t)e->KernelTime.QuadPart);
    }
  }
}

/* Let an elevated srvdoctor open worker processes of other accounts.
 * Failing is fine: the reads then record "access denied". */
static void enable_debug_privilege(void)
{
  HANDLE tok;
  TOKEN_PRIVILEGES tp;
  if(!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES |
                       TOKEN_QUERY, &tok))
    return;
  tp.PrivilegeCount = 1;
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if(LookupPrivilegeValueW(NULL, SE_DEBUG_NAME, &tp.Privileges[0].Luid))
    AdjustTokenPrivileges(tok, FALSE, &tp, 0, NULL, NULL);
  CloseHandle(tok);
}

void sd_cw_processes(sd_facts *f, const sd_options *o)
{
  proc_ctx c;
  sd_process_list *l = &f->processes;
  size_t i;
  LONG st = -1;
  memset(&c, 0, sizeof(c));
  c.f = f;
  c.qsi = (qsi_fn)(void (*)(void))sd_proc("ntdll.dll",
                                          "NtQuerySystemInformation");
  c.qfpin = (qfpin_fn)(void (*)(void))sd_proc("kernel32.dll",
                                              "QueryFullProcessImageNameW");
  enable_debug_privilege();
  c.t0 = sd_monotonic_ms();
  if(c.qsi)
    st = query_all(&c);
  if(c.qsi && st >= 0) {
    read_native_list(&c);
    l->method = "NtQuerySystemInformation";
  }
  else {
    if(read_psapi_list(&c)) {
      free(c.buf);
      return;
    }
    l->method = "EnumProcesses";
  }
  /* Details only for the workers; drop those that ended meanwhile. */
  for(i = 0; i < l->count;) {
    if(l->items[i].nsamples && worker_details(&c, &l->items[i]) < 0) {
      drop_process(l, i);
      continue;
    }
    i++;
  }
  l->read_ms = (uint32_t)(sd_monotonic_ms() - c.t0);
  index_workers(&c);
  take_samples(&c, o, c.qsi && st >= 0);
  if(l->inaccessible)
    sd_fstate_set(f, &l->st, SD_ST_READ, 0, "%lu processes could not be "
                  "opened (access denied)", (unsigned long)l->inaccessible);
  else
    sd_fstate_set(f, &l->st, SD_ST_READ, 0, NULL);
  free(c.workers);
  free(c.buf);
}
