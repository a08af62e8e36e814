/* bench_snapshot.c - how fast and how lean is "check --from" on a big host?
 *
 *   bench_snapshot gen FILE SCALE [BASE]
 *                                   write a synthetic snapshot: SCALE x
 *                                   (10,000 processes, 50,000 MSI patches,
 *                                   50,000 hotfixes, 100,000 events), added
 *                                   to the snapshot BASE when given (so
 *                                   every module has its section to work on)
 *   bench_snapshot run FILE         load + analyse + JSON report, print the
 *                                   time of each phase and the peak memory
 *
 * tests/bench/bench_snapshot.sh runs both at scale 1 and 2 next to jq. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "srvdoctor/platform.h"
#include "srvdoctor/report.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *guid(sd_facts *f, unsigned n)
{
  return sd_arena_printf(&f->arena, "%08X-1B3F-4C2A-9D1E-%012X",
                         n * 2654435761u,
                         n);
}

static int gen(const char *path, unsigned scale, const char *base)
{
  sd_facts f;
  sd_buf out;
  sd_err err;
  unsigned i;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(base && sd_snapshot_read_file(base, &f, &err)) {
    fprintf(stderr, "%s: %s\n", base, err.msg);
    return 1;
  }
  f.tool_version = SD_VERSION;
  if(!base) {
    f.collected_at = 1795000000;
    sd_fstate_set(&f, &f.host.st, SD_ST_READ, 0, NULL);
    f.host.name = "BIGHOST";
    sd_fstate_set(&f, &f.host.elevation_st, SD_ST_READ, 0, NULL);
    f.host.elevated = f.host.admin_member = 1;
    sd_fstate_set(&f, &f.host.boot_st, SD_ST_READ, 0, NULL);
    f.host.boot_time = 1794000000;
    sd_fstate_set(&f, &f.os.st, SD_ST_READ, 0, NULL);
    f.os.name = "Windows Server 2008 R2 Datacenter";
    f.os.major = 6;
    f.os.minor = 1;
    f.os.build = 7601;
    f.os.version = "6.1.7601";
    f.os.service_pack = "Service Pack 1";
    f.os.arch = "x64";
    f.os.is_server = 1;
  }
  sd_fstate_set(&f, &f.processes.st, SD_ST_READ, 0, NULL);
  f.processes.method = "NtQuerySystemInformation";
  for(i = 0; i < 10000 * scale; i++) {
    sd_process *p = sd_process_add(&f.processes);
    int worker = i % 50 == 0;
    p->pid = 1000 + i * 4;
    p->ppid = 4;
    p->image = worker ? "vmwp.exe" : sd_arena_printf(&f.arena, "svc%u.exe", i);
    p->path = worker ? "C:\\Windows\\System32\\vmwp.exe"
                     : sd_arena_printf(&f.arena,
                                       "C:\\Program Files\\App\\svc%u.exe", i);
    sd_fstate_set(&f, &p->cmdline_st, worker ? SD_ST_READ : SD_ST_NOT_COLLECTED,
                  0, NULL);
    if(worker)
      p->cmdline = sd_arena_printf(&f.arena,
                                   "\"C:\\Windows\\System32\\vmwp.exe\" %s",
                                   guid(&f, i));
    p->create_time = 1794000000 + i;
    p->working_set = (uint64_t)(8000 + i % 7000) * 1024;
    p->peak_working_set = p->working_set + 4096;
    p->private_bytes = p->working_set / 2;
    p->cpu_100ns = (uint64_t)i * 1000;
    p->threads = 4 + i % 30;
  }
  sd_fstate_set(&f, &f.msi_patches.st, SD_ST_READ, 0, NULL);
  f.msi_patches.method = "MsiEnumPatchesEx";
  for(i = 0; i < 50000 * scale; i++) {
    sd_msi_patch *m = sd_msi_patch_add(&f.msi_patches);
    m->product_code = "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}";
    m->patch_code = sd_arena_printf(&f.arena, "{%s}", guid(&f, i));
    m->display_name = sd_arena_printf(&f.arena, "Update Rollup %u for "
                                      "Exchange Server 2007 Service Pack 1 "
                                      "(KB%u)", i % 10 + 1, 900000 + i);
    m->state = 1;
    m->uninstallable = 1;
    m->install_date = "20091020";
    m->source = "msi";
  }
  sd_fstate_set(&f, &f.hotfixes.st, SD_ST_READ, 0, NULL);
  for(i = 0; i < 50000 * scale; i++) {
    sd_hotfix *h = sd_hotfix_add(&f.hotfixes);
    h->id = sd_arena_printf(&f.arena, "KB%u", 800000 + i);
    h->source = "cbs";
    h->detail = sd_arena_printf(&f.arena, "Package_for_KB%u~31bf3856ad364e35"
                                "~amd64~~6.1.1.0", 800000 + i);
    h->state = 0x70;
    h->installed_at = 1790000000 + i;
  }
  sd_fstate_set(&f, &f.events.st, SD_ST_READ, 0, NULL);
  f.events.method = "EvtQuery";
  for(i = 0; i < 100000 * scale; i++) {
    sd_event *e = sd_event_add(&f.events);
    e->log = i % 3 ? "System" : "Application";
    e->provider = "Service Control Manager";
    e->id = 7036;
    e->level = SD_EVL_INFO;
    e->time = 1794000000 + i;
    e->record = i;
    e->message = "The Windows Update service entered the running state.";
  }
  sd_buf_init(&out);
  sd_snapshot_write(&f, &out);
  sd_err_clear(&err);
  if(sd_write_file_atomic(path, out.data, out.len, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  printf("wrote %s: %.1f MiB\n", path, (double)out.len / (1024.0 * 1024.0));
  sd_buf_free(&out);
  sd_facts_free(&f);
  return 0;
}

static int run(const char *path)
{
  sd_facts f;
  sd_report rep;
  sd_options o;
  sd_buf out;
  sd_err err;
  struct rusage ru;
  double t0, t1, t2, t3;
  sd_options_defaults(&o);
  sd_facts_init(&f);
  sd_err_clear(&err);
  t0 = now_s();
  if(sd_snapshot_read_file(path, &f, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  t1 = now_s();
  sd_report_init(&rep, &f);
  sd_run_checks(&f, &o, NULL, 0, &rep);
  t2 = now_s();
  sd_buf_init(&out);
  sd_report_json(&rep, &out);
  t3 = now_s();
  getrusage(RUSAGE_SELF, &ru);
  printf("load %.3f s, analyse %.4f s, json %.4f s, total %.3f s, "
         "peak RSS %.1f MiB, report %zu bytes, verdict %s\n",
         t1 - t0, t2 - t1, t3 - t2, t3 - t0, (double)ru.ru_maxrss / 1024.0,
         out.len, sd_severity_name(rep.status));
  sd_buf_free(&out);
  sd_report_free(&rep);
  sd_facts_free(&f);
  return 0;
}

int main(int argc, char **argv)
{
  if((argc == 4 || argc == 5) && !strcmp(argv[1], "gen"))
    return gen(argv[2], (unsigned)atoi(argv[3]), argc == 5 ? argv[4] : NULL);
  if(argc == 3 && !strcmp(argv[1], "run"))
    return run(argv[2]);
  fprintf(stderr, "usage: bench_snapshot gen FILE SCALE [BASE] | run FILE\n");
  return 2;
}
