/* test_hyperv_stuck_vm.c - the hyperv-stuck-vm module from snapshot
 * fixtures (tests/fixtures/hyperv-stuck-vm/), its value helpers, and its
 * findings in every report format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sdtest.h"
#include "srvdoctor/json.h"

#define DIR "hyperv-stuck-vm/"
#define MODID "hyperv-stuck-vm"

/* ---- helpers ---- */

typedef struct run {
  sd_facts f;
  sd_report rep;
  sd_options o;
} run;

static void load(run *t, const char *name)
{
  char rel[256];
  snprintf(rel, sizeof(rel), DIR "%s", name);
  sdt_load(rel, &t->f);
  sd_options_defaults(&t->o);
}

static void check(run *t)
{
  sdt_run(&t->f, &t->o, MODID, &t->rep);
}

static void recheck(run *t)
{
  sd_report_free(&t->rep);
  check(t);
}

static void done(run *t)
{
  sd_report_free(&t->rep);
  sd_facts_free(&t->f);
}

static sd_hv_vm *vm_by_guid(sd_facts *f, const char *guid)
{
  size_t i;
  for(i = 0; i < f->hyperv.nvms; i++)
    if(sd_streq(f->hyperv.vms[i].guid, guid))
      return &f->hyperv.vms[i];
  fail_msg("no VM %s in the fixture", guid);
  return NULL;
}

static sd_process *proc_by_pid(sd_facts *f, uint32_t pid)
{
  size_t i;
  for(i = 0; i < f->processes.count; i++)
    if(f->processes.items[i].pid == pid)
      return &f->processes.items[i];
  fail_msg("no process %u in the fixture", (unsigned)pid);
  return NULL;
}

static const sd_module_result *mod(const run *t)
{
  const sd_module_result *m = sdt_module(&t->rep, MODID);
  assert_non_null(m);
  return m;
}

/* Number of findings of the module above ok/info. */
static size_t problems(const run *t)
{
  const sd_module_result *m = mod(t);
  size_t i, n = 0;
  for(i = 0; i < m->nfindings; i++)
    n += sd_severity_rank(m->findings[i].severity) > 0;
  return n;
}

static int has_step(const sd_finding *x, const char *needle)
{
  size_t i;
  for(i = 0; i < x->nsteps; i++)
    if(strstr(x->steps[i].text, needle))
      return 1;
  return 0;
}

/* The numbered step (not an alternative) that holds this command. */
static const sd_step *step_with_command(const sd_finding *x,
                                        const char *needle)
{
  size_t i, k;
  for(i = 0; i < x->nsteps; i++)
    for(k = 0; k < x->steps[i].ncommands; k++)
      if(strstr(x->steps[i].commands[k], needle))
        return &x->steps[i];
  return NULL;
}

/* The step numbered n. */
static const sd_step *step_no(const sd_finding *x, unsigned n)
{
  size_t i;
  for(i = 0; i < x->nsteps; i++)
    if(!x->steps[i].alternative && x->steps[i].number == n)
      return &x->steps[i];
  return NULL;
}

/* The rules every finding's steps obey (issue 16): typed; look before the
 * first change; a change before the first last resort; every last resort
 * under a condition that names an earlier step; no <placeholder> in a
 * command; the commands fix runs in exactly the steps it names. */
static void assert_literal(const sd_finding *x)
{
  size_t i, k;
  int looked = 0, changed = 0;
  for(i = 0; i < x->nsteps; i++) {
    const sd_step *st = &x->steps[i];
    assert_int_not_equal(st->kind, SD_STEP_UNSET);
    if(st->kind == SD_STEP_LOOK)
      looked = 1;
    if(st->kind == SD_STEP_CHANGE) {
      assert_true(looked);
      changed = 1;
    }
    if(st->kind == SD_STEP_LAST_RESORT) {
      char n[16];
      const char *p;
      assert_true(looked);
      assert_true(changed);
      assert_non_null(st->condition);
      p = strstr(st->condition, "step ");
      assert_non_null(p);
      snprintf(n, sizeof(n), "%u", (unsigned)strtoul(p + 5, NULL, 10));
      assert_true(strtoul(n, NULL, 10) < st->number);
    }
    for(k = 0; k < st->ncommands; k++) {
      const char *lt = strchr(st->commands[k], '<');
      assert_false(lt && strchr(lt, '>'));
    }
    assert_false(strstr(st->text, "commands below") != NULL);
    assert_false(strstr(st->text, "command below") != NULL);
  }
  if(x->fixable) {
    sd_buf cmd;
    assert_true(x->fix_first > 0);
    sd_buf_init(&cmd);
    sd_action_command(&x->action, &cmd);
    for(i = 0; i < x->nsteps; i++) {
      const sd_step *st = &x->steps[i];
      int in = st->number >= x->fix_first && st->number <= x->fix_last;
      int has = 0;
      for(k = 0; k < st->ncommands; k++)
        has |= sd_streq(st->commands[k], cmd.data);
      assert_int_equal(has, in && !st->alternative);
    }
    assert_non_null(x->fix_warning);
    sd_buf_free(&cmd);
  }
}

/* Every finding of a report obeys those rules. */
static void assert_report_literal(const run *t)
{
  const sd_module_result *m = mod(t);
  size_t i;
  for(i = 0; i < m->nfindings; i++)
    assert_literal(&m->findings[i]);
}

/* Make every worker's samples flat and idle (or keep them), to prove
 * which guard keeps a finding away. */
static void make_flat(sd_process *p)
{
  size_t i;
  for(i = 1; i < p->nsamples; i++) {
    p->samples[i].working_set = p->samples[0].working_set;
    p->samples[i].cpu_100ns = p->samples[0].cpu_100ns;
  }
}

static void drop_wmi(sd_facts *f)
{
  f->hyperv.wmi_st.state = SD_ST_UNREADABLE;
  f->hyperv.wmi_st.why = "test: WMI taken away";
}

/* ---- value helpers ---- */

static void test_guid_from_sid(void **state)
{
  char g[37];
  (void)state;
  /* The VmId / SID pair from a Hyper-V-Worker-Admin event. */
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-1-3655396106-1351506743-"
                                       "3915871121-3476744365", g), 0);
  assert_string_equal(g, "D9E0EB0A-5B37-508E-9173-67E9ADE83ACF");
  assert_int_equal(sd_hv_guid_from_sid("s-1-5-83-1-0-0-0-4294967295", g), 0);
  assert_string_equal(g, "00000000-0000-0000-0000-0000FFFFFFFF");
  /* Not per-VM accounts, or malformed. */
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-0", g), -1);
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-21-1-2-3-1000", g), -1);
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-1-1-2-3", g), -1);
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-1-1-2-3-4-5", g), -1);
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-1-1-2-3-4294967296", g), -1);
  assert_int_equal(sd_hv_guid_from_sid("S-1-5-83-1-1-2-x-4", g), -1);
  assert_int_equal(sd_hv_guid_from_sid(NULL, g), -1);
}

static void test_guid_find(void **state)
{
  char g[37];
  const char *end;
  (void)state;
  end = sd_hv_guid_find("\"C:\\Windows\\System32\\vmwp.exe\" "
                        "d9e0eb0a-5b37-508e-9173-67e9ade83acf", g);
  assert_non_null(end);
  assert_string_equal(g, "D9E0EB0A-5B37-508E-9173-67E9ADE83ACF");
  assert_int_equal(*end, '\0');
  /* Braces, extra tokens after it (newer Windows). */
  assert_non_null(sd_hv_guid_find("vmwp.exe {D9E0EB0A-5B37-508E-9173-"
                                  "67E9ADE83ACF} 0x1F4 -x", g));
  assert_string_equal(g, "D9E0EB0A-5B37-508E-9173-67E9ADE83ACF");
  /* Inside a longer word, or too short, is not a VM id. */
  assert_null(sd_hv_guid_find("xD9E0EB0A-5B37-508E-9173-67E9ADE83ACF", g));
  assert_null(sd_hv_guid_find("D9E0EB0A-5B37-508E-9173-67E9ADE83ACFF", g));
  assert_null(sd_hv_guid_find("D9E0EB0A-5B37-508E-9173-67E9ADE83AC", g));
  assert_null(sd_hv_guid_find("D9E0EB0A-5B37-508E-9173_67E9ADE83ACF", g));
  assert_null(sd_hv_guid_find("vmwp.exe", g));
  assert_null(sd_hv_guid_find("", g));
  assert_null(sd_hv_guid_find(NULL, g));
  /* The first of two. */
  assert_non_null(sd_hv_guid_find("a 11111111-2222-3333-4444-555555555555 "
                                  "66666666-2222-3333-4444-555555555555", g));
  assert_string_equal(g, "11111111-2222-3333-4444-555555555555");
  assert_int_equal(sd_guid_parse("{abcdef00-1111-2222-3333-444444444444}",
                                    g), 1);
  assert_string_equal(g, "ABCDEF00-1111-2222-3333-444444444444");
  assert_int_equal(sd_guid_parse("HV01", g), 0);
  assert_int_equal(sd_guid_parse("{abcdef00-1111-2222-3333-44444444444}",
                                    g), 0);
}

static void test_cim_time(void **state)
{
  sd_time t, want;
  (void)state;
  assert_int_equal(sd_time_parse("2026-11-26T06:30:00Z", &want), 0);
  assert_int_equal(sd_hv_cim_time("20261126073000.000000+060", &t), 0);
  assert_true(t == want);
  assert_int_equal(sd_time_parse("2026-11-26T12:30:00Z", &want), 0);
  assert_int_equal(sd_hv_cim_time("20261126073000.123456-300", &t), 0);
  assert_true(t == want);
  assert_int_equal(sd_time_parse("2024-02-29T23:59:59Z", &want), 0);
  assert_int_equal(sd_hv_cim_time("20240229235959.******+000", &t), 0);
  assert_true(t == want);
  /* Intervals, "no value" (1601), garbage. */
  assert_int_equal(sd_hv_cim_time("00000001000000.000000:000", &t), -1);
  assert_int_equal(sd_hv_cim_time("16010101000000.000000+000", &t), -1);
  assert_int_equal(sd_hv_cim_time("20261326073000.000000+000", &t), -1);
  assert_int_equal(sd_hv_cim_time("2026112607300.000000+000", &t), -1);
  assert_int_equal(sd_hv_cim_time("20261126073000,000000+000", &t), -1);
  assert_int_equal(sd_hv_cim_time("", &t), -1);
  assert_int_equal(sd_hv_cim_time(NULL, &t), -1);
}

/* ---- verdicts ---- */

static void test_no_hyperv(void **state)
{
  run t;
  const sd_module_result *m;
  (void)state;
  load(&t, "no_hyperv.json");
  check(&t);
  m = mod(&t);
  assert_int_equal(m->applicable, 0);
  assert_int_equal(m->nfindings, 1);
  assert_string_equal(m->findings[0].code, "HV-NOT-INSTALLED");
  assert_int_equal(t.rep.exit_code, 0);
  /* The same machine where the process list could not be read: that is
   * "could not look", not "not installed". */
  t.f.processes.st.state = SD_ST_UNREADABLE;
  t.f.processes.st.why = "test: denied";
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-NOT-INSTALLED"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 1);
  done(&t);
}

static void test_nothing_collected(void **state)
{
  run t;
  (void)state;
  sd_facts_init(&t.f);
  sd_options_defaults(&t.o);
  t.f.collected_at = 1000000;
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-NOT-INSTALLED"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 0);
  assert_int_equal(mod(&t)->status, SD_SEV_UNKNOWN);
  done(&t);
}

static void test_healthy_sizes(void **state)
{
  run t;
  size_t i, nsmall = 0;
  uint64_t lo = UINT64_MAX, hi = 0;
  (void)state;
  load(&t, "healthy_sizes.json");
  check(&t);
  assert_int_equal(problems(&t), 0);
  assert_int_equal(mod(&t)->status, SD_SEV_OK);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-OK", 0), "vms"), "10");
  /* The fixture is meaningful: sizes span more than 30x, and two idle
   * workers are below half the median and the floor... */
  for(i = 0; i < t.f.processes.count; i++) {
    const sd_process *p = &t.f.processes.items[i];
    if(!sd_strieq(p->image, "vmwp.exe"))
      continue;
    lo = p->working_set < lo ? p->working_set : lo;
    hi = p->working_set > hi ? p->working_set : hi;
    nsmall += p->working_set < 16u * 1024 * 1024;
  }
  assert_true(hi > 30 * lo);
  assert_int_equal(nsmall, 2);
  /* ... so without WMI's "Running, healthy" they would be suspects: */
  drop_wmi(&t.f);
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 2);
  assert_int_equal(sdt_count(&t.rep, "HV-DEGRADED"), 1);
  done(&t);
}

static void test_healthy_sizes_without_wmi(void **state)
{
  run t;
  (void)state;
  load(&t, "healthy_sizes_nowmi.json");
  check(&t);
  assert_int_equal(problems(&t), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-DEGRADED"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  assert_int_equal(t.rep.exit_code, 0);
  /* Flatness is what keeps the small active workers out: make the
   * smallest one idle and it becomes a suspect. */
  make_flat(proc_by_pid(&t.f, 3000));
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-VM-SUSPECT", 0),
                             "worker_pid"), "3000");
  done(&t);
}

#define STUCK "8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2C"

static void test_stuck_starting(void **state)
{
  const sd_step *st;
  unsigned look, off;
  char when[96];
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "stuck_starting.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  assert_int_equal(problems(&t), 1);
  /* One OperationalStatus code: an integer, no list. */
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_int_equal(sd_finding_evidence(x, "operational_status")->type,
                   SD_EV_INT);
  assert_null(sd_finding_evidence(x, "operational_status_codes"));
  assert_int_equal(t.rep.exit_code, 2);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "vm_name"), "SQL01");
  assert_string_equal(sdt_ev(x, "vm_guid"), STUCK);
  assert_string_equal(sdt_ev(x, "state"), "Starting");
  assert_string_equal(sdt_ev(x, "minutes_in_state"), "40");
  assert_string_equal(sdt_ev(x, "worker_pid"), "5120");
  assert_string_equal(sdt_ev(x, "worker_working_set_bytes"), "4096000");
  assert_string_equal(sdt_ev(x, "peer_median_bytes"), "10485760");
  assert_string_equal(sdt_ev(x, "worker_mapped_by"), "WMI ProcessID");
  assert_string_equal(sdt_ev(x, "signals"), "state-duration,worker-small-flat");
  assert_non_null(strstr(x->message, "SQL01"));
  assert_non_null(strstr(x->message, "Starting for 40 minutes"));
  assert_non_null(strstr(x->message, "PID 5120"));
  assert_non_null(strstr(x->message, "4,000 K"));
  assert_non_null(strstr(x->message, "10,240 K"));
  /* Remediation: look (state, PID, command line), Turn Off, and only as
   * the last resort, under its condition, end exactly that worker. */
  assert_non_null(x->summary);
  assert_true(x->fixable);
  assert_string_equal(x->target, STUCK);
  assert_string_equal(sdt_ev(x, "clustered"), "no: the Cluster service "
                      "(ClusSvc) does not exist here");
  assert_report_literal(&t);
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_true(has_step(x, "Turn Off"));
  /* A standalone host: no cluster steps at all. */
  assert_false(has_step(x, "Failover Cluster Manager"));
  assert_true(has_step(x, "Never end vmms.exe"));
  assert_true(has_step(x, "power cord"));
  assert_false(has_step(x, "the state it was saving is lost"));
  st = step_with_command(x, "tasklist /FI \"PID eq 5120\" /V");
  assert_non_null(st);
  assert_int_equal(st->kind, SD_STEP_LOOK);
  assert_string_equal(st->expect, "a line that starts with vmwp.exe and "
                      "holds 5120");
  look = st->number;
  assert_int_equal(step_with_command(x, "wmic process where \"ProcessId=5120"
                                     "\"")->kind, SD_STEP_LOOK);
  st = step_with_command(x, "Get-VM -Id " STUCK " | Stop-VM -TurnOff");
  assert_non_null(st);
  assert_true(st->alternative);
  assert_int_equal(st->kind, SD_STEP_CHANGE);
  off = st->number;
  st = step_with_command(x, "taskkill /PID 5120 /F");
  assert_non_null(st);
  assert_int_equal(st->kind, SD_STEP_LAST_RESORT);
  assert_true(st->number > off && off > look);
  assert_int_equal(x->fix_first, st->number);
  assert_int_equal(x->fix_last, st->number);
  snprintf(when, sizeof(when), "Only if step %u did not turn the VM off", off);
  assert_non_null(strstr(st->condition, when));
  assert_non_null(strstr(x->fix_warning, "This ends the VM's worker process: "
                         "the VM is turned off as if its power were cut; "
                         "unsaved work inside the guest is lost."));
  assert_false(sdt_has_command(x, "Stop-Process"));
  done(&t);
}

static void test_stuck_options(void **state)
{
  run t;
  (void)state;
  load(&t, "stuck_starting.json");
  /* 40 minutes are not enough with --stuck-after 60: not yet. */
  t.o.stuck_after_min = 60;
  check(&t);
  assert_int_equal(problems(&t), 0);
  /* --ws-ratio 0.3: 4,000 K against 10,240 K (0.39) is no longer small,
   * so only the state's duration is left: a suspect. */
  t.o.stuck_after_min = 10;
  t.o.ws_ratio = 0.3;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-VM-SUSPECT", 0),
                             "signals"), "state-duration");
  /* A floor below the worker's size: not small either. */
  t.o.ws_ratio = 0.5;
  t.o.ws_floor_bytes = 2u * 1024 * 1024;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  done(&t);
}

static void test_stuck_single_sample(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "stuck_starting.json");
  /* One sample cannot show that the worker is flat. */
  proc_by_pid(&t.f, 5120)->nsamples = 1;
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "signals"), "state-duration");
  assert_non_null(strstr(x->message, "one sample only"));
  done(&t);
}

static void test_stuck_saving(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "stuck_starting.json");
  vm_by_guid(&t.f, STUCK)->enabled_state = 32773;
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "state"), "Saving");
  assert_true(has_step(x, "the state it was saving is lost too"));
  assert_non_null(strstr(x->fix_warning, "the state it was saving is lost"));
  assert_report_literal(&t);
  done(&t);
}

static void test_waiting_to_start(void **state)
{
  run t;
  sd_hv_vm *v;
  (void)state;
  load(&t, "stuck_starting.json");
  v = vm_by_guid(&t.f, STUCK);
  /* OperationalStatus[1] = 32771 "Waiting to Start": the automatic start
   * delay holds it back on purpose. */
  sd_hv_opstatus_add(v)->code = 32771;
  check(&t);
  assert_int_equal(problems(&t), 0);
  /* But a worker that does not answer is still reported. */
  v->health_state = 25;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  done(&t);
}

static void test_starting_2min(void **state)
{
  run t;
  (void)state;
  load(&t, "starting_2min.json");
  check(&t);
  assert_int_equal(problems(&t), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  /* The very same facts 40 minutes later are a hang. */
  t.f.collected_at += 38 * 60;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  done(&t);
}

static void test_small_running(void **state)
{
  run t;
  sd_hv_vm *v;
  (void)state;
  load(&t, "small_running.json");
  check(&t);
  assert_int_equal(problems(&t), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  /* HealthState 25 alone (worker does not answer) is a suspicion. */
  v = vm_by_guid(&t.f, STUCK);
  v->health_state = 25;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-VM-SUSPECT", 0),
                             "signals"), "health");
  done(&t);
}

#define V1STUCK "3C9D1E7A-0B4F-4C8D-9E2A-6F1B3D5C7E90"

static void test_v1_states(void **state)
{
  run t;
  const sd_finding *x;
  sd_hv_vm *v;
  (void)state;
  load(&t, "v1_2008r2.json");
  check(&t);
  /* Starting (32770) for 40 minutes + HealthState 25: stuck.  Stopping
   * (32774) for 3 minutes and Paused (32768) are not. */
  assert_int_equal(problems(&t), 1);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "vm_guid"), V1STUCK);
  assert_string_equal(sdt_ev(x, "state"), "Starting");
  assert_string_equal(sdt_ev(x, "state_code"), "32770");
  assert_string_equal(sdt_ev(x, "signals"), "state-duration,health");
  assert_string_equal(sdt_ev(x, "worker_mapped_by"), "WMI ProcessID");
  assert_false(sdt_has_command(x, "Get-VM")); /* no Hyper-V PowerShell */
  /* Stopping (v1 32774) held for an hour with a small, flat worker. */
  v = vm_by_guid(&t.f, "3C9D1E7A-0B4F-4C8D-9E2A-6F1B3D5C7E91");
  v->state_changed -= 60 * 60;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_string_equal(sdt_ev(x, "state"), "Stopping");
  /* The v1 code read as a v2 code means nothing transitional (32770 is
   * not a v2 state), and v2's Starting (10) is nothing in v1. */
  v = vm_by_guid(&t.f, V1STUCK);
  v->ns_version = 2;
  v->health_state = 5;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  v->ns_version = 1;
  v->enabled_state = 10;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  v->enabled_state = 32770;
  v->health_state = 25;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  done(&t);
}

#define SMALL "C0FFEE00-1234-4321-ABCD-00000000BEEF"

static void test_nowmi_one_small(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "nowmi_one_small.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-DEGRADED"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(problems(&t), 1);
  assert_int_equal(t.rep.exit_code, 1);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_string_equal(sdt_ev(x, "worker_pid"), "7100");
  assert_string_equal(sdt_ev(x, "vm_guid"), SMALL);
  assert_string_equal(sdt_ev(x, "worker_mapped_by"), "command line");
  assert_string_equal(sdt_ev(x, "signals"), "worker-small-flat");
  assert_true(x->fixable);
  assert_string_equal(x->target, SMALL);
  assert_true(sdt_has_command(x, "taskkill /PID 7100 /F"));
  assert_true(has_step(x, SMALL));
  x = sdt_find(&t.rep, "HV-DEGRADED", 0);
  assert_string_equal(sdt_ev(x, "wmi_state"), "unreadable");
  assert_non_null(strstr(x->message, "access denied"));
  /* A worker that started 5 minutes ago is not judged yet. */
  proc_by_pid(&t.f, 7100)->create_time = t.f.collected_at - 5 * 60;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-DEGRADED", 0),
                             "small_workers_too_young"), "7100");
  done(&t);
}

static void test_nowmi_single_sample(void **state)
{
  run t;
  size_t i;
  (void)state;
  load(&t, "nowmi_one_small.json");
  for(i = 0; i < t.f.processes.count; i++)
    if(t.f.processes.items[i].nsamples)
      t.f.processes.items[i].nsamples = 1;
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-DEGRADED", 0),
                             "small_workers_unconfirmed"), "7100");
  /* Two samples too close together cannot tell either. */
  for(i = 0; i < t.f.processes.count; i++) {
    sd_process *p = &t.f.processes.items[i];
    if(p->nsamples) {
      p->nsamples = 2;
      p->samples[1].at_ms_rel = 50;
    }
  }
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  done(&t);
}

static void test_orphan(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "worker_orphan.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-WORKER-ORPHAN", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_string_equal(sdt_ev(x, "worker_pid"), "8200");
  assert_string_equal(sdt_ev(x, "vm_guid"),
                      "DEADBEEF-0000-4000-8000-00000000F00D");
  assert_false(x->fixable);
  assert_int_equal(problems(&t), 1);
  /* Windows Server 2016 and later run container and WSL workers too. */
  t.f.os.major = 10;
  recheck(&t);
  assert_int_equal(sdt_find(&t.rep, "HV-WORKER-ORPHAN", 0)->severity,
                   SD_SEV_INFO);
  done(&t);
}

static void test_worker_missing(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "worker_missing.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-WORKER-MISSING", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_string_equal(sdt_ev(x, "vm_name"), "WEB02");
  assert_int_equal(problems(&t), 1);
  /* When some processes could not be read, "missing" is a question. */
  t.f.processes.inaccessible = 3;
  recheck(&t);
  assert_int_equal(sdt_find(&t.rep, "HV-WORKER-MISSING", 0)->severity,
                   SD_SEV_UNKNOWN);
  done(&t);
}

static void test_duplicate_names(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "duplicate_names.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  assert_int_equal(problems(&t), 1);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_string_equal(sdt_ev(x, "vm_name"), "web01");
  assert_string_equal(sdt_ev(x, "vm_guid"),
                      "11111111-AAAA-4BBB-8CCC-000000000001");
  assert_string_equal(sdt_ev(x, "worker_pid"), "9000");
  assert_string_equal(sdt_ev(x, "worker_mapped_by"), "account SID");
  assert_string_equal(sdt_ev(x, "state"), "Stopping");
  assert_string_equal(x->target, "11111111-AAAA-4BBB-8CCC-000000000001");
  /* The running twin was found by its lower-case command line: no
   * orphan and no missing worker. */
  assert_int_equal(sdt_count(&t.rep, "HV-WORKER-ORPHAN"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-WORKER-MISSING"), 0);
  done(&t);
}

static void test_pid_mismatch(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  /* WMI's ProcessID points at another VM's worker (PID reused): the
   * worker's own id wins. */
  load(&t, "stuck_starting.json");
  vm_by_guid(&t.f, STUCK)->worker_pid = 4004;
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "worker_pid"), "5120");
  assert_string_equal(sdt_ev(x, "worker_mapped_by"), "account SID");
  done(&t);
}

#define EVA "E1E1E1E1-0000-4000-8000-00000000000A"
#define EVB "E1E1E1E1-0000-4000-8000-00000000000B"

static void test_start_events(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  (void)state;
  load(&t, "start_events.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "vm_guid"), EVA);
  assert_string_equal(sdt_ev(x, "signals"), "state-duration,events");
  assert_non_null(strstr(sdt_ev(x, "events"), "12030"));
  assert_non_null(strstr(sdt_ev(x, "events"), "3050"));
  assert_null(strstr(sdt_ev(x, "events"), "3040"));  /* before the change */
  assert_null(strstr(sdt_ev(x, "events"), "18590")); /* not a start failure */
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "vm_guid"), EVB);
  assert_string_equal(sdt_ev(x, "signals"), "events");
  assert_int_equal(problems(&t), 2);
  /* Events without the id, matched by the (unique) name. */
  for(i = 0; i < t.f.events.count; i++)
    if(t.f.events.items[i].id == 12030 &&
       strstr(t.f.events.items[i].message, "DC03"))
      t.f.events.items[i].message = "DC03 | 0x80070070";
  recheck(&t);
  assert_non_null(sdt_find(&t.rep, "HV-VM-SUSPECT", 0));
  /* A log that could not be read: no event signal, and it says so. */
  t.f.events.sources[0].st.state = SD_ST_UNREADABLE;
  t.f.events.sources[0].st.why = "test: access denied";
  t.f.events.count = 0;
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "vm_guid"), EVA);
  assert_non_null(strstr(sdt_ev(x, "events"), "not checked"));
  done(&t);
}

static void test_processes_unreadable(void **state)
{
  run t;
  (void)state;
  load(&t, "stuck_starting.json");
  t.f.processes.st.state = SD_ST_UNREADABLE;
  t.f.processes.st.why = "test: no rights";
  check(&t);
  /* The state alone still counts; no OK is claimed. */
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 0);
  done(&t);
}

/* Bad input: nothing crashes and the verdict stays sensible. */
static void test_bad_input(void **state)
{
  run t;
  sd_hv_vm *v;
  sd_process *p;
  (void)state;
  load(&t, "stuck_starting.json");
  v = sd_hv_vm_add(&t.f.hyperv);   /* no id, no name, odd state */
  v->enabled_state = 99999;
  v = sd_hv_vm_add(&t.f.hyperv);
  v->guid = "not-a-guid";
  v->name = "";
  v->enabled_state = 10;
  v->state_changed = t.f.collected_at + 3600; /* in the future */
  p = proc_by_pid(&t.f, 5120);
  p->samples[2].cpu_100ns = 0;      /* counter went backwards */
  p = sd_process_add(&t.f.processes);
  p->pid = 1;
  p->image = "VMWP.EXE";
  p->cmdline = "vmwp.exe garbage {}{";
  p->sid = "S-1-5-83-1-";
  check(&t);
  /* The counter going backwards removes the flatness verdict. */
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 1);
  t.f.collected_at = SD_TIME_NONE;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  done(&t);
}

/* ---- hostile names in every report format ---- */

#define HOSTILE \
  "evil \"vm\" 'x'\x01\x1b[31mred\x1b[0m\n\t<b>&amp;</b> caf\xc3\xa9"

/* C0 controls never (a tab only in HTML, where it is plain white space);
 * C1 controls (U+0080..U+009F) not in formats read by people or
 * line-based tools (JSON may carry them: they are valid there). */
static void no_raw_controls(sd_format fmt, const char *s, size_t n)
{
  size_t i;
  int c1 = fmt != SD_FMT_JSON;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c == '\n' || (c == '\t' && fmt == SD_FMT_HTML))
      continue;
    if(c < 0x20 || c == 0x7F)
      fail_msg("%s output holds raw control character 0x%02X at %lu",
               sd_format_name(fmt),
               c, (unsigned long)i);
    /* C1 controls encoded in UTF-8 (U+0080..U+009F). */
    if(c1 && c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] < 0xA0)
      fail_msg("%s output holds a raw C1 control at %lu", sd_format_name(fmt),
               (unsigned long)i);
  }
}

/* The chart's caption says what the check found: a flagged worker whose
 * size is not what flagged it is not described as small (issue 20). */
static const char *series_note(const run *t)
{
  const sd_module_result *m = sdt_module(&t->rep, "hyperv-stuck-vm");
  const sd_series *s = m ? sd_result_find_series(m, "vmwp") : NULL;
  return s && s->note ? s->note : "";
}

static void test_caption_from_findings(void **state)
{
  run t;
  (void)state;
  load(&t, "start_events.json");
  check(&t);
  assert_non_null(strstr(series_note(&t), "so its size is not what flagged "
                         "it"));
  assert_null(strstr(series_note(&t), "much smaller"));
  done(&t);
  load(&t, "stuck_starting.json");
  check(&t);
  assert_non_null(strstr(series_note(&t), "its worker holds 0."));
  assert_non_null(strstr(series_note(&t), "counts as a sign of a hung VM"));
  done(&t);
  load(&t, "healthy_sizes.json");
  check(&t);
  assert_non_null(strstr(series_note(&t), "the median of all the workers"));
  done(&t);
}

static void test_hostile_names(void **state)
{
  run t;
  const sd_finding *x;
  sd_format fmt;
  (void)state;
  load(&t, "hostile_names.json");
  assert_non_null(strstr(t.f.hyperv.vms[t.f.hyperv.nvms - 1].name, HOSTILE));
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_non_null(strstr(sdt_ev(x, "vm_name"), HOSTILE));
  /* Commands never carry the name: only PIDs and ids. */
  assert_true(sd_finding_ncommands(x) > 0);
  {
    size_t i;
    for(i = 0; i < sd_finding_ncommands(x); i++)
      assert_null(strstr(sd_finding_command(x, i), "evil"));
  }
  for(fmt = SD_FMT_TEXT; fmt <= SD_FMT_HTML; fmt++) {
    sd_buf out;
    sd_buf_init(&out);
    sd_report_render(&t.rep, fmt, NULL, &out);
    assert_non_null(out.data);
    assert_true(sd_utf8_valid(out.data, out.len));
    no_raw_controls(fmt, out.data, out.len);
    if(fmt == SD_FMT_JSON) {
      /* Valid JSON whose vm_name reads back exactly. */
      sd_jreader *r = sd_jr_new_mem(out.data, out.len);
      sd_jtoken tok;
      int found = 0, prev_key = 0;
      for(;;) {
        if(sd_jr_next(r, &tok))
          fail_msg("JSON report does not parse: %s", sd_jr_error(r));
        if(tok.type == SD_JT_EOF)
          break;
        if(prev_key && tok.type == SD_JT_STRING &&
           strstr(tok.str, HOSTILE))
          found = 1;
        prev_key = tok.type == SD_JT_KEY && !strcmp(tok.str, "vm_name");
      }
      sd_jr_free(r);
      assert_true(found);
    }
    if(fmt == SD_FMT_HTML) {
      assert_null(strstr(out.data, "<b>&amp;</b>"));
      assert_null(strstr(out.data, "\"vm\""));
    }
    if(fmt == SD_FMT_TEXT)
      assert_non_null(strstr(out.data, "caf\xc3\xa9"));
    sd_buf_free(&out);
  }
  done(&t);
}

/* ---- snapshot and docs ---- */

static void test_roundtrip(void **state)
{
  static const char *const names[] = {
    "no_hyperv.json", "healthy_sizes.json", "healthy_sizes_nowmi.json",
    "stuck_starting.json", "starting_2min.json", "small_running.json",
    "v1_2008r2.json", "nowmi_one_small.json", "worker_orphan.json",
    "worker_missing.json", "duplicate_names.json", "hostile_names.json",
    "start_events.json"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    run t;
    sd_facts g;
    sd_buf a, b;
    sd_err err;
    load(&t, names[i]);
    sd_buf_init(&a);
    sd_buf_init(&b);
    sd_snapshot_write(&t.f, &a);
    sd_facts_init(&g);
    sd_err_clear(&err);
    if(sd_snapshot_read_mem(a.data, a.len, &g, &err))
      fail_msg("%s: %s", names[i], err.msg);
    sd_snapshot_write(&g, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_int_equal(g.hyperv.nvms, t.f.hyperv.nvms);
    sd_buf_free(&a);
    sd_buf_free(&b);
    sd_facts_free(&g);
    sd_facts_free(&t.f);
  }
}

static void test_docs(void **state)
{
  const sd_module *m = sd_module_find(MODID);
  const char *src = getenv("SD_SRC");
  size_t i;
  char path[4096], line[256];
  FILE *fp;
  (void)state;
  assert_non_null(m);
  assert_non_null(src);
  assert_true(m->needs & SD_NEED_MODULE(hyperv_stuck_vm));
  assert_true(m->needs & SD_NEED_PROCESSES);
  for(i = 0; i < m->ncodes; i++) {
    char want[128];
    snprintf(path, sizeof(path), "%s/docs/findings/%s.md", src,
             m->codes[i].code);
    fp = fopen(path, "r");
    if(!fp)
      fail_msg("no page %s", path);
    assert_non_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    snprintf(want, sizeof(want), "# %s - ", m->codes[i].code);
    assert_true(!strncmp(line, want, strlen(want)));
    assert_true(sd_code_find(m->codes[i].code) == &m->codes[i]);
  }
  snprintf(path, sizeof(path), "%s/docs/modules/%s.md", src, MODID);
  fp = fopen(path, "r");
  assert_non_null(fp);
  fclose(fp);
}

/* The v2 critical states 32781-32792 (Msvm_ComputerSystem
 * RequestStateChange page): storage or configuration failed, never a hung
 * worker, never fixable, no step ends a process. */
static void assert_storage_not_stuck(const run *t, const char *kind)
{
  const sd_finding *x;
  assert_int_equal(sdt_count(&t->rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t->rep, "HV-VM-SUSPECT"), 0);
  assert_int_equal(sdt_count(&t->rep, "HV-VM-STORAGE"), 1);
  x = sdt_find(&t->rep, "HV-VM-STORAGE", 0);
  assert_false(x->fixable);
  assert_null(x->target);
  assert_false(sdt_has_command(x, "taskkill"));
  assert_false(sdt_has_command(x, "Stop-Process"));
  assert_false(sdt_has_command(x, "TurnOff"));
  assert_false(has_step(x, "Turn Off"));
  assert_string_equal(sdt_ev(x, "storage_problem"), kind);
}

static void test_critical_states(void **state)
{
  static const struct { uint32_t code; const char *name; } crit[] = {
    {32781, "Running-Critical"}, {32782, "Off-Critical"},
    {32783, "Stopping-Critical"}, {32784, "Saved-Critical"},
    {32785, "Paused-Critical"}, {32786, "Starting-Critical"},
    {32787, "Reset-Critical"}, {32788, "Saving-Critical"},
    {32789, "Pausing-Critical"}, {32790, "Resuming-Critical"},
    {32791, "FastSaved-Critical"}, {32792, "FastSaving-Critical"}};
  run t;
  size_t i;
  const sd_finding *x;
  sd_hv_vm *v;
  (void)state;
  /* Starting-Critical for 40 minutes with a small, idle worker: the old
   * table called it a hung Starting VM and offered to end its worker. */
  load(&t, "starting_critical.json");
  check(&t);
  assert_storage_not_stuck(&t, "critical state");
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_string_equal(sdt_ev(x, "state"), "Starting-Critical");
  assert_string_equal(sdt_ev(x, "vm_name"), "SQL01");
  assert_non_null(strstr(x->message, "storage"));
  assert_true(has_step(x, "Do not end"));
  v = vm_by_guid(&t.f, STUCK);
  for(i = 0; i < SD_COUNTOF(crit); i++) {
    v->enabled_state = crit[i].code;
    v->health_state = 25;
    recheck(&t);
    assert_storage_not_stuck(&t, "critical state");
    assert_string_equal(sdt_ev(sdt_find(&t.rep, "HV-VM-STORAGE", 0),
                               "state"), crit[i].name);
  }
  /* The same codes in the v1 namespace are not critical states. */
  v->ns_version = 1;
  v->enabled_state = 32786;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STORAGE"), 0);
  done(&t);
}

/* HealthState 25 / OperationalStatus 5 and 3 (Msvm_ComputerSystem):
 * storage, not a hung worker. */
static void test_storage(void **state)
{
  run t;
  const sd_finding *x;
  sd_hv_vm *v;
  (void)state;
  /* Paused with HealthState 25 and OperationalStatus 5: low space.  The
   * old check made this HV-VM-SUSPECT, fixable, with Turn Off and taskkill
   * steps. */
  load(&t, "paused_low_space.json");
  check(&t);
  assert_storage_not_stuck(&t, "paused: low disk space");
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "state"), "Paused");
  assert_non_null(strstr(x->message, "HealthState 25"));
  assert_non_null(strstr(x->message, "D:\\ (200 MB free of 500.0 GB)"));
  assert_true(has_step(x, "Action > Resume"));
  assert_int_equal(step_with_command(x, "fsutil volume diskfree \"D:\"")
                   ->kind, SD_STEP_LOOK);
  assert_report_literal(&t);
  assert_true(sdt_has_command(x, "Resume-VM"));
  assert_non_null(strstr(sdt_ev(x, "disks"),
                         "D:\\Hyper-V\\SQL01\\SQL01.vhdx on D:\\: 200 MB "
                         "free of 500.0 GB"));
  /* Paused with HealthState 25 alone, and v1's Paused (32768). */
  v = vm_by_guid(&t.f, STUCK);
  v->op_status[0].code = 2;
  recheck(&t);
  assert_storage_not_stuck(&t, "paused: low disk space");
  v->ns_version = 1;
  v->enabled_state = 32768;
  recheck(&t);
  assert_storage_not_stuck(&t, "paused: low disk space");
  /* Major failure (20) while paused, per the same page. */
  v->health_state = 20;
  recheck(&t);
  assert_storage_not_stuck(&t, "paused: low disk space");
  /* Running with OperationalStatus 5: about to be paused, a warning. */
  v->ns_version = 2;
  v->enabled_state = 2;
  v->health_state = 5;
  v->op_status[0].code = 5;
  recheck(&t);
  assert_storage_not_stuck(&t, "low disk space: will be paused");
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  assert_non_null(strstr(x->message, "Predictive Failure"));
  assert_false(has_step(x, "Action > Resume"));
  /* Starting for 40 minutes with a small idle worker, but OperationalStatus
   * 3 (Degraded): the configuration's storage is gone, its own words. */
  v->enabled_state = 10;
  v->op_status[0].code = 3;
  v->disks_st.state = SD_ST_UNREADABLE;
  v->disks_st.why = "test: access denied";
  recheck(&t);
  assert_storage_not_stuck(&t, "configuration storage not reachable");
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_non_null(strstr(x->message, "configuration cannot be reached"));
  assert_true(has_step(x, "Do not delete the VM"));
  assert_string_equal(sdt_ev(x, "disks"), "not known: test: access denied");
  /* HealthState 25 on a running VM with OperationalStatus OK stays a
   * suspicion, but never a fixable one. */
  v->enabled_state = 2;
  v->op_status[0].code = 2;
  v->health_state = 25;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STORAGE"), 0);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_non_null(x);
  assert_false(x->fixable);
  assert_false(sdt_has_command(x, "taskkill"));
  assert_true(has_step(x, "free space"));
  done(&t);
}

/* OperationalStatus[1] 32768-32774 (but 32771) and v1 Snapshotting: busy,
 * not hung; the verdict is held back and the operation named. */
static void test_busy(void **state)
{
  static const struct { uint32_t code; const char *name; } ops[] = {
    {32768, "Creating Snapshot"}, {32769, "Applying Snapshot"},
    {32770, "Deleting Snapshot"}, {32772, "Merging Disks"},
    {32773, "Exporting Virtual Machine"},
    {32774, "Migrating Virtual Machine"}};
  run t;
  const sd_finding *x;
  sd_hv_vm *v;
  const sd_evidence *e;
  size_t i;
  (void)state;
  /* Starting for 40 minutes with a small idle worker, but merging disks:
   * the old check called it hung and offered to end the worker. */
  load(&t, "busy_merging.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-BUSY"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  x = sdt_find(&t.rep, "HV-VM-BUSY", 0);
  assert_int_equal(x->severity, SD_SEV_INFO);
  assert_false(x->fixable);
  assert_false(sdt_has_command(x, "taskkill"));
  assert_string_equal(sdt_ev(x, "operation"), "Merging Disks");
  /* OperationalStatus {2, 32772}: the first code as an integer, the list
   * as text under its own key. */
  e = sd_finding_evidence(x, "operational_status");
  assert_non_null(e);
  assert_int_equal(e->type, SD_EV_INT);
  assert_int_equal(e->num, 2);
  assert_string_equal(sdt_ev(x, "operational_status_codes"), "2, 32772");
  assert_non_null(strstr(x->message, "merging the virtual hard disks"));
  assert_non_null(strstr(x->message, "Starting for 40 minutes"));
  assert_true(has_step(x, "Status column"));
  v = vm_by_guid(&t.f, STUCK);
  for(i = 0; i < SD_COUNTOF(ops); i++) {
    v->op_status[1].code = ops[i].code;
    v->health_state = 25;
    recheck(&t);
    assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
    assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
    x = sdt_find(&t.rep, "HV-VM-BUSY", 0);
    assert_non_null(x);
    assert_string_equal(sdt_ev(x, "operation"), ops[i].name);
    assert_non_null(strstr(x->message, "HealthState 25"));
  }
  /* The operation is OperationalStatus[1]: the same code at [0] means
   * nothing of the kind, and the hang is reported again. */
  v->op_status[0].code = 32772;
  v->op_status[1].code = 2;
  v->health_state = 5;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-BUSY"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  done(&t);
  /* v1 (2008 R2) EnabledState 32771 Snapshotting with HealthState 25:
   * busy, not a suspicion. */
  load(&t, "v1_2008r2.json");
  v = vm_by_guid(&t.f, V1STUCK);
  v->enabled_state = 32771;
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  x = sdt_find(&t.rep, "HV-VM-BUSY", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "operation"), "Snapshotting");
  done(&t);
}


/* Issue 16, correction 3: HealthState 25 on a VM that is Saving, on
 * Windows Server 2008 RTM (no OperationalStatus), with 100 MB free on the
 * volume of its disk.  Microsoft documents 25 for low disk space as well
 * as for a worker that does not answer; the old check made this a
 * critical, fixable HV-VM-STUCK (ending the worker loses the saved state). */
static void test_saving_full_volume(void **state)
{
  run t;
  const sd_finding *x;
  sd_hv_vm *v;
  (void)state;
  load(&t, "saving_full_volume.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_non_null(x);
  assert_false(x->fixable);
  assert_int_equal(x->severity, SD_SEV_CRITICAL);
  assert_string_equal(sdt_ev(x, "storage_problem"),
                      "low disk space on its volume");
  assert_non_null(strstr(x->message, "E:\\ (100 MB free of 279.4 GB)"));
  assert_false(sdt_has_command(x, "taskkill"));
  assert_int_equal(step_with_command(x, "fsutil volume diskfree \"E:\"")->kind,
                   SD_STEP_LOOK);
  assert_report_literal(&t);
  /* 2 GB free is enough: the same VM is hung again (state + health). */
  v = vm_by_guid(&t.f, V1STUCK);
  v->disks[0].free_bytes = 2048ull * 1024 * 1024;
  recheck(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STORAGE"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  /* Just under it, on a running VM with no other sign: a warning. */
  v->disks[0].free_bytes = 2048ull * 1024 * 1024 - 1;
  v->enabled_state = 2;
  v->health_state = 5;
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-STORAGE", 0);
  assert_non_null(x);
  assert_int_equal(x->severity, SD_SEV_WARNING);
  /* Free space not read: no storage verdict from it, but the steps ask the
   * reader to look before anything changes. */
  v->enabled_state = 32773;
  v->health_state = 25;
  v->disks[0].space_st.state = SD_ST_UNREADABLE;
  v->disks[0].space_st.why = "test: access denied";
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_int_equal(step_with_command(x, "fsutil volume diskfree \"E:\"")->kind,
                   SD_STEP_LOOK);
  assert_true(step_with_command(x, "fsutil")->number <
              step_with_command(x, "taskkill")->number);
  assert_report_literal(&t);
  done(&t);
}

/* Issue 16, correction 4: a VM that is a failover-cluster role is handled
 * in Failover Cluster Manager: no Hyper-V Manager, no process ended, not
 * fixable; the old check offered srvdoctor fix --yes, which ended the
 * worker under the cluster's feet. */
static void test_clustered(void **state)
{
  run t;
  const sd_finding *x;
  (void)state;
  load(&t, "stuck_clustered.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_non_null(x);
  assert_false(x->fixable);
  assert_int_equal(x->action.kind, SD_ACT_NONE);
  assert_string_equal(sdt_ev(x, "clustered"), "yes: the failover-cluster "
                      "resource \"Virtual Machine SQL01\" names this VM");
  assert_non_null(strstr(x->message, "role of a failover cluster"));
  assert_true(has_step(x, "Failover Cluster Manager"));
  assert_false(has_step(x, "Hyper-V Manager select"));
  assert_false(sdt_has_command(x, "taskkill"));
  assert_false(sdt_has_command(x, "Stop-VM"));
  assert_false(sdt_has_command(x, "net stop"));
  assert_report_literal(&t);
  /* The cluster database could not be read: not fixable, and the first
   * step asks the reader to look in Failover Cluster Manager. */
  t.f.hyperv.cluster_st.state = SD_ST_UNREADABLE;
  t.f.hyperv.cluster_st.why = "test: not loaded";
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_false(x->fixable);
  assert_non_null(strstr(sdt_ev(x, "clustered"), "test: not loaded"));
  assert_int_equal(x->steps[0].kind, SD_STEP_LOOK);
  assert_non_null(strstr(x->steps[0].text, "Failover Cluster Manager"));
  assert_report_literal(&t);
  /* Another VM's resource only: an ordinary, fixable VM. */
  t.f.hyperv.cluster_st.state = SD_ST_READ;
  t.f.hyperv.cluster_vms[0].vm_guid = "5F1B2C3D-0001-4A5B-9C6D-0000A0000001";
  t.f.hyperv.cluster_vms[1].vm_guid = "5F1B2C3D-0001-4A5B-9C6D-0000A0000001";
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_true(x->fixable);
  assert_string_equal(sdt_ev(x, "clustered"), "no: no resource of this "
                      "node's cluster names this VM");
  assert_report_literal(&t);
  done(&t);
}

/* Issue 16, correction 5: restarting vmms is the gentler step, printed
 * before the last resort only where Microsoft documents that running VMs
 * keep running while it is stopped (Windows Server 2016 and later). */
static void test_vmms_restart(void **state)
{
  run t;
  const sd_finding *x;
  const sd_step *st, *kill;
  (void)state;
  load(&t, "stuck_starting.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_false(sdt_has_command(x, "net stop vmms")); /* 2012 R2 */
  t.f.os.major = 10;
  t.f.os.minor = 0;
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  st = step_with_command(x, "net stop vmms");
  kill = step_with_command(x, "taskkill");
  assert_non_null(st);
  assert_int_equal(st->kind, SD_STEP_CHANGE);
  assert_string_equal(st->commands[1], "net start vmms");
  assert_non_null(strstr(st->expect, "service was started successfully."));
  assert_true(st->number < kill->number);
  assert_non_null(step_no(x, st->number + 1));
  assert_int_equal(step_no(x, st->number + 1)->kind, SD_STEP_LOOK);
  assert_report_literal(&t);
  done(&t);
}

/* Issue 16, correction 6: Starting may be the restore of a saved state; no
 * step says the guest never ran. */
static void test_starting_risk(void **state)
{
  run t;
  const sd_finding *x;
  size_t i;
  (void)state;
  load(&t, "stuck_starting.json");
  check(&t);
  x = sdt_find(&t.rep, "HV-VM-STUCK", 0);
  assert_true(has_step(x, "may be restoring a saved state"));
  assert_non_null(strstr(x->fix_warning, "may be restoring a saved state"));
  for(i = 0; i < x->nsteps; i++)
    assert_null(strstr(x->steps[i].text, "never ran"));
  done(&t);
}

/* Issue 16, correction 8: v2 EnabledState 32769 (Suspended: saved) is in
 * the table; before, such a VM had no state name and no verdict rule. */
/* A WMI provider that did not answer (issue 19, COLLECTOR-CHANGES.md C2):
 * the job given up on (ERROR_TIMEOUT) or Next timing out
 * (WBEM_S_TIMEDOUT) makes the module UNKNOWN with the collector's
 * sentence; a refused connection stays HV-DEGRADED alone. */
static void assert_wmi_timeout(const char *fixture, const char *error,
                               const char *what)
{
  run t;
  const sd_finding *x;
  load(&t, fixture);
  check(&t);
  assert_int_equal(mod(&t)->status, SD_SEV_UNKNOWN);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-DEGRADED"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-OK"), 1);
  x = sdt_find(&t.rep, "HV-UNKNOWN", 0);
  assert_int_equal(x->severity, SD_SEV_UNKNOWN);
  assert_non_null(strstr(x->message, "Hyper-V's WMI provider did not "
                         "answer "));
  assert_non_null(strstr(x->message, what));
  assert_non_null(strstr(x->message, "so the virtual machines' states"));
  assert_string_equal(sdt_ev(x, "wmi_error"), error);
  done(&t);
}

static void test_wmi_timeout(void **state)
{
  run t;
  size_t i;
  (void)state;
  assert_wmi_timeout("wmi_timeout.json", "0x000005B4",
                     "ConnectServer(root\\virtualization\\v2) within 7 "
                     "seconds");
  assert_wmi_timeout("wmi_next_timedout.json", "0x00040004",
                     "IEnumWbemClassObject::Next after 2 VMs within 5 "
                     "seconds");
  /* Access denied is no hang: HV-DEGRADED alone. */
  load(&t, "healthy_sizes_nowmi.json");
  check(&t);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 0);
  done(&t);
  /* Only the disks query timed out: the VMs are judged, the storage
   * verdicts cannot be given. */
  load(&t, "healthy_sizes.json");
  for(i = 0; i < t.f.hyperv.nvms; i++)
    sd_fstate_set(&t.f, &t.f.hyperv.vms[i].disks_st, SD_ST_UNREADABLE,
                  0x00040004, "Hyper-V's WMI provider did not answer the "
                  "virtual hard disks query within 5 seconds");
  check(&t);
  assert_int_equal(mod(&t)->status, SD_SEV_UNKNOWN);
  assert_int_equal(sdt_count(&t.rep, "HV-UNKNOWN"), 1);
  assert_int_equal(sdt_count(&t.rep, "HV-DEGRADED"), 0);
  assert_non_null(strstr(sdt_find(&t.rep, "HV-UNKNOWN", 0)->message,
                         "did not answer the virtual hard disks query "
                         "within 5 seconds, so the virtual machines' "
                         "storage verdicts"));
  done(&t);
}

static void test_v2_suspended(void **state)
{
  run t;
  const sd_finding *x;
  sd_hv_vm *v;
  (void)state;
  load(&t, "stuck_starting.json");
  v = vm_by_guid(&t.f, STUCK);
  v->enabled_state = 32769;
  v->worker_pid = 0;
  proc_by_pid(&t.f, 5120)->image = "notepad.exe";
  check(&t);
  /* Saved: not transitional, no worker expected. */
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-VM-SUSPECT"), 0);
  assert_int_equal(sdt_count(&t.rep, "HV-WORKER-MISSING"), 0);
  v->health_state = 25;
  recheck(&t);
  x = sdt_find(&t.rep, "HV-VM-SUSPECT", 0);
  assert_non_null(x);
  assert_string_equal(sdt_ev(x, "state"), "Saved");
  assert_false(x->fixable);
  done(&t);
}

/* Every finding of every fixture obeys the literal-reader rules. */
static void test_fixtures_literal(void **state)
{
  static const char *const names[] = {
    "busy_merging.json", "duplicate_names.json", "healthy_sizes.json",
    "healthy_sizes_nowmi.json", "hostile_names.json", "no_hyperv.json",
    "nowmi_one_small.json", "paused_low_space.json", "small_running.json",
    "start_events.json", "starting_2min.json", "starting_critical.json",
    "stuck_starting.json", "v1_2008r2.json", "worker_missing.json",
    "worker_orphan.json", "stuck_clustered.json", "saving_full_volume.json"};
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(names); i++) {
    run t;
    load(&t, names[i]);
    check(&t);
    assert_report_literal(&t);
    done(&t);
  }
}

/* The sample of family fam for the VM with this id, or NULL. */
static const sd_lsample *vm_sample(const sd_family *fam, const char *id)
{
  size_t i;
  for(i = 0; i < fam->nsamples; i++)
    if(sd_streq(fam->samples[i].values[0], id))
      return &fam->samples[i];
  return NULL;
}

/* Every VM gets its state and its seconds in it, labelled by id and name:
 * two VMs named web01 stay two series in Prometheus and two perfdata
 * labels in Nagios; a VM whose TimeOfLastStateChange is missing has no
 * known seconds (left out of Prometheus, "U" in Nagios). */
static void test_vm_time_in_state(void **state)
{
  run t;
  const sd_module_result *m;
  const sd_family *st, *secs;
  const sd_lsample *a, *b;
  sd_buf out;
  sd_hv_vm *vm;
  (void)state;
  load(&t, "duplicate_names.json");
  vm = vm_by_guid(&t.f, "22222222-AAAA-4BBB-8CCC-000000000001");
  vm->state_changed = SD_TIME_NONE;
  check(&t);
  m = sdt_module(&t.rep, MODID);
  st = sd_result_find_family(m, "hyperv_vm_state");
  secs = sd_result_find_family(m, "hyperv_vm_seconds_in_state");
  assert_non_null(st);
  assert_non_null(secs);
  assert_int_equal(st->nsamples, t.f.hyperv.nvms);
  assert_int_equal(secs->nsamples, t.f.hyperv.nvms);
  assert_string_equal(secs->keys[0], "vm_id");
  assert_string_equal(secs->keys[1], "vm_name");
  a = vm_sample(secs, "11111111-AAAA-4BBB-8CCC-000000000001");
  b = vm_sample(secs, "22222222-AAAA-4BBB-8CCC-000000000001");
  assert_non_null(a);
  assert_non_null(b);
  assert_string_equal(a->values[1], "web01");
  assert_string_equal(b->values[1], "web01");
  assert_string_equal(a->values[2], "Stopping");
  assert_string_equal(a->values[3], "yes");
  assert_string_equal(b->values[3], "no");
  assert_true(a->known);
  assert_int_equal(a->value, t.f.collected_at -
                   vm_by_guid(&t.f, a->values[0])->state_changed);
  assert_false(b->known);
  /* The VM in a transition comes first (perfdata keeps what fits). */
  assert_ptr_equal(&secs->samples[0], a);
  assert_int_equal(vm_sample(st, b->values[0])->value, 2);
  sd_buf_init(&out);
  sd_report_render(&t.rep, SD_FMT_PROM, NULL, &out);
  assert_non_null(strstr(out.data, "srvdoctor_hyperv_vm_seconds_in_state{"
                         "vm_id=\"11111111-AAAA-4BBB-8CCC-000000000001\","
                         "vm_name=\"web01\",state=\"Stopping\","
                         "transitional=\"yes\"} 3300\n"));
  assert_non_null(strstr(out.data, "srvdoctor_hyperv_vm_state{"
                         "vm_id=\"22222222-AAAA-4BBB-8CCC-000000000001\","
                         "vm_name=\"web01\",state=\"Running\","
                         "transitional=\"no\"} 2\n"));
  assert_null(strstr(out.data, "seconds_in_state{vm_id=\"22222222"));
  sd_buf_free(&out);
  sd_buf_init(&out);
  sd_report_render(&t.rep, SD_FMT_NAGIOS, NULL, &out);
  assert_non_null(strstr(out.data, "'web01 11111111-AAAA-4BBB-8CCC-00000~"));
  assert_non_null(strstr(out.data, "'web01 22222222-AAAA-4BBB-8CCC-00000~"));
  assert_non_null(strstr(out.data, "'=3300s;;;0"));
  assert_non_null(strstr(out.data, "'=U;;;0"));
  sd_buf_free(&out);
  done(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_guid_from_sid),
    cmocka_unit_test(test_guid_find),
    cmocka_unit_test(test_cim_time),
    cmocka_unit_test(test_no_hyperv),
    cmocka_unit_test(test_nothing_collected),
    cmocka_unit_test(test_healthy_sizes),
    cmocka_unit_test(test_healthy_sizes_without_wmi),
    cmocka_unit_test(test_stuck_starting),
    cmocka_unit_test(test_stuck_options),
    cmocka_unit_test(test_stuck_single_sample),
    cmocka_unit_test(test_stuck_saving),
    cmocka_unit_test(test_waiting_to_start),
    cmocka_unit_test(test_starting_2min),
    cmocka_unit_test(test_small_running),
    cmocka_unit_test(test_v1_states),
    cmocka_unit_test(test_critical_states),
    cmocka_unit_test(test_storage),
    cmocka_unit_test(test_busy),
    cmocka_unit_test(test_nowmi_one_small),
    cmocka_unit_test(test_nowmi_single_sample),
    cmocka_unit_test(test_orphan),
    cmocka_unit_test(test_worker_missing),
    cmocka_unit_test(test_duplicate_names),
    cmocka_unit_test(test_pid_mismatch),
    cmocka_unit_test(test_start_events),
    cmocka_unit_test(test_processes_unreadable),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_caption_from_findings),
    cmocka_unit_test(test_hostile_names),
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_docs),
    cmocka_unit_test(test_saving_full_volume),
    cmocka_unit_test(test_clustered),
    cmocka_unit_test(test_vmms_restart),
    cmocka_unit_test(test_starting_risk),
    cmocka_unit_test(test_v2_suspended),
    cmocka_unit_test(test_wmi_timeout),
    cmocka_unit_test(test_fixtures_literal),
    cmocka_unit_test(test_vm_time_in_state),
  };
  return cmocka_run_group_tests_name("hyperv-stuck-vm", tests, NULL, NULL);
}
