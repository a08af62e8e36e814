/* bench_hyperv.c - the hyperv-stuck-vm benchmark: a host with 1,000
 * processes of which 200 are vmwp.exe.
 *
 * Native build (CMake, linked with the srvdoctor libraries):
 *   bench_hyperv [--procs N] [--workers W] [--iter I] [--from FILE]
 *                [--write FILE]
 *     Builds such a host's facts (200 VMs, one hung) - or loads FILE, a
 *     snapshot - and times the module's analysis: the snapshot read, the
 *     check alone (best and median of I runs) and the JSON report.
 *
 * Windows build (tests/bench/bench_hyperv.sh compiles this file alone with
 * x86_64-w64-mingw32-gcc; it does not use the srvdoctor libraries):
 *   bench_hyperv.exe minimal [REPEAT]
 *     The least a collector must do: one NtQuerySystemInformation
 *     (SystemProcessInformation) call and the command line of every
 *     vmwp.exe (OpenProcess, ProcessBasicInformation, three
 *     ReadProcessMemory).  Prints the time of each repeat.
 *   bench_hyperv.exe spawn TOTAL WORKERS DIR
 *     Starts WORKERS x "DIR\vmwp.exe <GUID> 1" and TOTAL - WORKERS x
 *     "DIR\filler.exe --idle" (tests/integration/tools/fake_vmwp.c) and
 *     returns; they run until their wineserver is stopped. */
#ifdef _WIN32

#include <windows.h>
#include <winternl.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef LONG(NTAPI *qsi_fn)(ULONG, PVOID, ULONG, PULONG);
typedef LONG(NTAPI *qip_fn)(HANDLE, ULONG, PVOID, ULONG, PULONG);

static double ms_now(void)
{
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1000.0 / (double)f.QuadPart;
}

static int cmdline_len(qip_fn qip, DWORD pid)
{
  HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE,
                         pid);
  PROCESS_BASIC_INFORMATION pbi;
  PRTL_USER_PROCESS_PARAMETERS pp = NULL;
  UNICODE_STRING us;
  wchar_t buf[32768]; /* holds any UNICODE_STRING (at most 65535 bytes) */
  SIZE_T n;
  ULONG got;
  int len = -1;
  if(!h)
    return -1;
  if(qip(h, 0, &pbi, sizeof(pbi), &got) >= 0 &&
     ReadProcessMemory(h, (char *)pbi.PebBaseAddress +
                       offsetof(PEB, ProcessParameters), &pp, sizeof(pp),
                       &n) &&
     ReadProcessMemory(h, (char *)pp + offsetof(RTL_USER_PROCESS_PARAMETERS,
                                                CommandLine), &us,
                       sizeof(us), &n) &&
     ReadProcessMemory(h, us.Buffer, buf, us.Length, &n))
    len = us.Length / 2;
  CloseHandle(h);
  return len;
}

static int minimal(int repeat)
{
  HMODULE nt = GetModuleHandleW(L"ntdll.dll");
  qsi_fn qsi = (qsi_fn)(void (*)(void))
    GetProcAddress(nt, "NtQuerySystemInformation");
  qip_fn qip = (qip_fn)(void (*)(void))
    GetProcAddress(nt, "NtQueryInformationProcess");
  int r;
  if(!qsi || !qip)
    return 1;
  for(r = 0; r < repeat; r++) {
    double t0 = ms_now(), t1, t2;
    /* Large enough for one call on the benchmark host: the minimum is
     * exactly one list query. */
    ULONG cap = 8u * 1024 * 1024, need = 0;
    char *buf = NULL;
    LONG st;
    int procs = 0, workers = 0, cmdlines = 0, calls = 0;
    const SYSTEM_PROCESS_INFORMATION *e;
    for(;;) {
      buf = realloc(buf, cap);
      st = qsi(5, buf, cap, &need);
      calls++;
      if(st != (LONG)0xC0000004)
        break;
      cap = need + need / 8 + 65536;
    }
    t1 = ms_now();
    if(st < 0) {
      free(buf);
      return 1;
    }
    e = (const SYSTEM_PROCESS_INFORMATION *)buf;
    for(;;) {
      procs++;
      if(e->ImageName.Buffer && e->ImageName.Length == 16 &&
         !_wcsnicmp(e->ImageName.Buffer, L"vmwp.exe", 8)) {
        workers++;
        cmdlines += cmdline_len(qip, (DWORD)(ULONG_PTR)e->UniqueProcessId) >
                    0;
      }
      if(!e->NextEntryOffset)
        break;
      e = (const SYSTEM_PROCESS_INFORMATION *)((const char *)e +
                                              e->NextEntryOffset);
    }
    t2 = ms_now();
    free(buf);
    printf("minimal processes=%d workers=%d cmdlines=%d list_calls=%d "
           "list_bytes=%lu list_ms=%.2f total_ms=%.2f\n", procs, workers,
           cmdlines, calls, (unsigned long)need, t1 - t0, t2 - t0);
  }
  return 0;
}

static int spawn(int total, int nworkers, const wchar_t *dir)
{
  int i;
  for(i = 0; i < total; i++) {
    wchar_t cmd[1024];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    if(i < nworkers)
      swprintf(cmd, 1024, L"\"%ls\\vmwp.exe\" B3A70000-0000-4000-8000-%012X 1",
               dir, i);
    else
      swprintf(cmd, 1024, L"\"%ls\\filler.exe\" --idle", dir);
    if(!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL,
                       NULL, &si, &pi)) {
      fprintf(stderr, "spawn %d failed: %lu\n", i,
              (unsigned long)GetLastError());
      return 1;
    }
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
  }
  printf("spawned %d processes (%d workers)\n", total, nworkers);
  return 0;
}

int wmain(int argc, wchar_t **argv)
{
  if(argc >= 2 && !wcscmp(argv[1], L"minimal"))
    return minimal(argc >= 3 ? _wtoi(argv[2]) : 1);
  if(argc == 5 && !wcscmp(argv[1], L"spawn"))
    return spawn(_wtoi(argv[2]), _wtoi(argv[3]), argv[4]);
  fprintf(stderr, "usage: bench_hyperv.exe minimal [REPEAT] | "
          "spawn TOTAL WORKERS DIR\n");
  return 2;
}

#else /* the native analysis benchmark */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/report.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void add_sample(sd_process *p, int64_t at, uint64_t ws, uint64_t cpu)
{
  p->samples = sd_grow(p->samples, &p->cap_samples, p->nsamples,
                       sizeof(*p->samples));
  p->samples[p->nsamples].at_ms_rel = at;
  p->samples[p->nsamples].working_set = ws;
  p->samples[p->nsamples].cpu_100ns = cpu;
  p->nsamples++;
}

/* A host: procs processes, workers of them vmwp.exe with three samples,
 * one VM per worker (the last one hung in Starting with a small worker). */
static void build(sd_facts *f, unsigned procs, unsigned workers)
{
  unsigned i;
  sd_time now = 1795000000;
  sd_facts_init(f);
  f->source = "snapshot";
  f->tool_version = SD_VERSION;
  f->collected_at = now;
  sd_fstate_set(f, &f->host.st, SD_ST_READ, 0, NULL);
  f->host.name = "HVBENCH";
  sd_fstate_set(f, &f->host.elevation_st, SD_ST_READ, 0, NULL);
  f->host.elevated = f->host.admin_member = 1;
  sd_fstate_set(f, &f->os.st, SD_ST_READ, 0, NULL);
  f->os.name = "Windows Server 2012 R2 Datacenter";
  f->os.major = 6;
  f->os.minor = 3;
  f->os.build = 9600;
  f->os.arch = "x64";
  sd_fstate_set(f, &f->services.st, SD_ST_READ, 0, NULL);
  {
    sd_service *s = sd_service_add(&f->services);
    s->name = "vmms";
    s->state = SD_SVC_RUNNING;
    s->pid = 900;
  }
  sd_fstate_set(f, &f->events.st, SD_ST_READ, 0, NULL);
  sd_fstate_set(f, &f->processes.st, SD_ST_READ, 0, NULL);
  f->processes.method = "NtQuerySystemInformation";
  sd_fstate_set(f, &f->hyperv.st, SD_ST_READ, 0, NULL);
  sd_fstate_set(f, &f->hyperv.vmms_st, SD_ST_READ, 0, NULL);
  sd_fstate_set(f, &f->hyperv.wmi_st, SD_ST_READ, 0, NULL);
  f->hyperv.wmi_namespace = "root\\virtualization\\v2";
  f->hyperv.wmi_version = 2;
  for(i = 0; i < procs; i++) {
    sd_process *p = sd_process_add(&f->processes);
    p->pid = 1000 + i * 4;
    p->ppid = 4;
    p->create_time = now - 86400;
    p->threads = 12;
    if(i < workers) {
      /* Sizes differ per VM; the last worker is the hung one. */
      uint64_t ws = i + 1 == workers ? 4000u * 1024 :
                    (uint64_t)(8 + (i * 37) % 90) * 1024 * 1024;
      char g[37];
      sd_hv_vm *vm = sd_hv_vm_add(&f->hyperv);
      snprintf(g, sizeof(g), "B3A70000-0000-4000-8000-%012X", i);
      p->image = "vmwp.exe";
      p->path = "C:\\Windows\\System32\\vmwp.exe";
      p->ppid = 900;
      sd_fstate_set(f, &p->cmdline_st, SD_ST_READ, 0, NULL);
      p->cmdline = sd_arena_printf(&f->arena, "\"C:\\Windows\\System32\\"
                                   "vmwp.exe\" %s", g);
      sd_fstate_set(f, &p->account_st, SD_ST_READ, 0, NULL);
      p->account = sd_arena_printf(&f->arena, "NT VIRTUAL MACHINE\\%s", g);
      /* The same id packed into the per-VM account SID. */
      p->sid = sd_arena_printf(&f->arena, "S-1-5-83-1-%u-%u-%u-%u",
                               0xB3A70000u, 0x40000000u, 0x80u,
                               ((i >> 8) & 0xFFu) << 16 | (i & 0xFFu) << 24);
      p->working_set = ws;
      p->peak_working_set = ws;
      p->cpu_100ns = 5000000;
      add_sample(p, 0, ws, 5000000);
      add_sample(p, 1000, ws + (i + 1 == workers ? 0 : 65536),
                 5000000 + (i + 1 == workers ? 0 : 156250));
      add_sample(p, 2000, ws + (i + 1 == workers ? 0 : 131072),
                 5000000 + (i + 1 == workers ? 0 : 312500));
      vm->guid = sd_facts_str(f, g);
      vm->name = sd_arena_printf(&f->arena, "VM%03u", i);
      vm->ns_version = 2;
      vm->enabled_state = i + 1 == workers ? 10 : 2;
      vm->requested_state = 12;
      vm->health_state = 5;
      sd_hv_opstatus_add(vm)->code = 2;
      vm->state_changed = now - (i + 1 == workers ? 40 * 60 : 86000);
      vm->worker_pid = p->pid;
    }
    else {
      p->image = sd_arena_printf(&f->arena, "svc%u.exe", i);
      p->working_set = (uint64_t)(1 + i % 50) * 1024 * 1024;
    }
  }
}

static int run(const char *from, const char *write_to, unsigned procs,
               unsigned workers, int iter)
{
  sd_facts f;
  sd_options o;
  sd_buf snap, rep_out;
  sd_err err;
  const sd_module *sel[1];
  double t0, read_ms = 0, *times, json_ms = 0;
  size_t stuck = 0, k;
  int i;
  sd_report rep;
  sd_options_defaults(&o);
  sel[0] = sd_module_find("hyperv-stuck-vm");
  if(!sel[0])
    return 1;
  sd_buf_init(&snap);
  if(from) {
    sd_facts_init(&f);
    sd_err_clear(&err);
    t0 = now_ms();
    if(sd_snapshot_read_file(from, &f, &err)) {
      fprintf(stderr, "bench_hyperv: %s\n", err.msg);
      return 1;
    }
    read_ms = now_ms() - t0;
  }
  else {
    sd_facts g;
    build(&g, procs, workers);
    sd_snapshot_write(&g, &snap);
    sd_facts_free(&g);
    if(write_to) {
      FILE *fp = fopen(write_to, "wb");
      if(!fp || fwrite(snap.data, 1, snap.len, fp) != snap.len) {
        fprintf(stderr, "bench_hyperv: cannot write %s\n", write_to);
        return 1;
      }
      fclose(fp);
    }
    sd_facts_init(&f);
    sd_err_clear(&err);
    t0 = now_ms();
    if(sd_snapshot_read_mem(snap.data, snap.len, &f, &err)) {
      fprintf(stderr, "bench_hyperv: %s\n", err.msg);
      return 1;
    }
    read_ms = now_ms() - t0;
  }
  for(k = 0, workers = 0; k < f.processes.count; k++)
    workers += sd_strieq(f.processes.items[k].image, "vmwp.exe");
  times = sd_xmalloc((size_t)iter * sizeof(*times));
  for(i = 0; i < iter; i++) {
    t0 = now_ms();
    sd_report_init(&rep, &f);
    sd_run_checks(&f, &o, sel, 1, &rep);
    times[i] = now_ms() - t0;
    if(i == iter - 1) {
      sd_buf_init(&rep_out);
      t0 = now_ms();
      sd_report_json(&rep, &rep_out);
      json_ms = now_ms() - t0;
      for(k = 0; k < rep.nmodules; k++) {
        size_t n;
        for(n = 0; n < rep.modules[k].nfindings; n++)
          stuck += !strcmp(rep.modules[k].findings[n].code, "HV-VM-STUCK") ||
                   !strcmp(rep.modules[k].findings[n].code, "HV-VM-SUSPECT");
      }
      sd_buf_free(&rep_out);
    }
    sd_report_free(&rep);
  }
  qsort(times, (size_t)iter, sizeof(*times), cmp_d);
  printf("host: %lu processes, %u vmwp.exe, %lu VMs%s%s\n",
         (unsigned long)f.processes.count, workers,
         (unsigned long)f.hyperv.nvms, from ? " from " : " (synthetic)",
         from ? from : "");
  printf("snapshot read: %.3f ms\n", read_ms);
  printf("analysis (check only, %d runs): best %.3f ms, median %.3f ms, "
         "%.2f us per process, %.2f us per worker\n", iter, times[0],
         times[iter / 2], times[iter / 2] * 1000.0 /
         (double)(f.processes.count ? f.processes.count : 1),
         times[iter / 2] * 1000.0 / (double)(workers ? workers : 1));
  printf("json report: %.3f ms; stuck/suspect findings: %lu\n", json_ms,
         (unsigned long)stuck);
  free(times);
  sd_buf_free(&snap);
  sd_facts_free(&f);
  return 0;
}

int main(int argc, char **argv)
{
  unsigned procs = 1000, workers = 200;
  int iter = 200, i;
  const char *from = NULL, *write_to = NULL;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--procs") && i + 1 < argc)
      procs = (unsigned)atoi(argv[++i]);
    else if(!strcmp(argv[i], "--workers") && i + 1 < argc)
      workers = (unsigned)atoi(argv[++i]);
    else if(!strcmp(argv[i], "--iter") && i + 1 < argc)
      iter = atoi(argv[++i]);
    else if(!strcmp(argv[i], "--from") && i + 1 < argc)
      from = argv[++i];
    else if(!strcmp(argv[i], "--write") && i + 1 < argc)
      write_to = argv[++i];
    else {
      fprintf(stderr, "usage: bench_hyperv [--procs N] [--workers W] "
              "[--iter I] [--from FILE] [--write FILE]\n");
      return 2;
    }
  }
  if(iter < 1 || workers > procs)
    return 2;
  return run(from, write_to, procs, workers, iter);
}

#endif
