/* test_fix.c - "srvdoctor fix" without touching a machine: the action
 * table, --target matching and refusal of ambiguous targets, the plans of
 * each action (exact argument vectors), command-line quoting, and the
 * whole flow through fake sd_fix_ops (not elevated, no console, the
 * prompt, --yes, re-checks, the event log). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>

#include "sdtest.h"
#include "srvdoctor/fix.h"

#define HV "hyperv-stuck-vm/"
#define EX "exchange-sp2/"
#define OC "ocs-kb974571/"
#define STUCK "8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2C"
#define IU1 "{1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01}"
#define IU2 "{5B8A77C2-90D1-4E3F-A1B2-3C4D5E6F7081}"

static const sd_fix_paths paths = {"C:\\Windows", "C:\\Windows\\System32"};

/* ---- helpers ---- */

typedef struct run {
  sd_facts f;
  sd_report rep;
  sd_arena a;
} run;

static void load_run(run *t, const char *rel, const char *module)
{
  sdt_load(rel, &t->f);
  sdt_run(&t->f, NULL, module, &t->rep);
  sd_arena_init(&t->a);
}

static void run_free(run *t)
{
  sd_arena_free(&t->a);
  sd_report_free(&t->rep);
  sd_facts_free(&t->f);
}

static sd_process *proc(sd_facts *f, uint32_t pid)
{
  size_t i;
  for(i = 0; i < f->processes.count; i++)
    if(f->processes.items[i].pid == pid)
      return &f->processes.items[i];
  fail_msg("no process %u", (unsigned)pid);
  return NULL;
}

/* A report with hand-made findings, for matching rules alone. */
typedef struct hand {
  sd_facts f;
  sd_report rep;
  sd_module_result *m;
} hand;

static void hand_init(hand *h)
{
  sd_facts_init(&h->f);
  sd_report_init(&h->rep, &h->f);
  h->m = sd_report_add_module(&h->rep, "hyperv-stuck-vm", "t");
}

static sd_finding *hand_add(hand *h, const char *code, const char *target,
                            const char *name)
{
  sd_finding *x = sd_result_add(h->m, code, SD_SEV_CRITICAL, "t");
  if(name)
    sd_ev_str(h->m, x, "vm_name", name);
  if(target) {
    x->fixable = 1;
    sd_fix_target(h->m, x, target);
  }
  return x;
}

static void hand_free(hand *h)
{
  sd_report_free(&h->rep);
  sd_facts_free(&h->f);
}

/* ---- the action table ---- */

static void test_actions_match_catalogue(void **state)
{
  size_t n, i, k, nm;
  const sd_fix_action *acts = sd_fix_actions(&n);
  const sd_module *const *mods = sd_modules(&nm);
  (void)state;
  assert_int_equal(n, 4);
  for(i = 0; i < n; i++) {
    const sd_code_info *ci = sd_code_find(acts[i].code);
    assert_non_null(ci);
    assert_string_equal(ci->module, acts[i].module);
    assert_true(ci->fixable);
    assert_non_null(sd_module_find(acts[i].module));
  }
  /* Every code the modules mark [fix] has an action. */
  for(i = 0; i < nm; i++)
    for(k = 0; k < mods[i]->ncodes; k++)
      if(mods[i]->codes[k].fixable)
        assert_non_null(sd_fix_action_find(mods[i]->codes[k].code));
  assert_true(sd_fix_action_find("HV-VM-SUSPECT")->needs_force);
  assert_false(sd_fix_action_find("HV-VM-STUCK")->needs_force);
  assert_non_null(sd_fix_action_find("hv-vm-stuck"));
  assert_null(sd_fix_action_find("HV-OK"));
  assert_null(sd_fix_action_find(NULL));
}

/* The event IDs of a fix outcome have messages in the event source's
 * message table. */
static void test_event_ids_in_message_table(void **state)
{
  const char *src = getenv("SD_SRC");
  char path[4096], mc[16384], want[64];
  size_t n;
  FILE *fp;
  (void)state;
  assert_int_equal(SD_EVENT_ID_FIX_DONE, 1010);
  assert_int_equal(SD_EVENT_ID_FIX_FAILED, 1011);
  snprintf(path, sizeof(path), "%s/res/srvdoctor.mc", src ? src : "..");
  fp = fopen(path, "rb");
  assert_non_null(fp);
  n = fread(mc, 1, sizeof(mc) - 1, fp);
  fclose(fp);
  mc[n] = '\0';
  snprintf(want, sizeof(want), "MessageId=%d\n", SD_EVENT_ID_FIX_DONE);
  assert_non_null(strstr(mc, want));
  snprintf(want, sizeof(want), "MessageId=%d\n", SD_EVENT_ID_FIX_FAILED);
  assert_non_null(strstr(mc, want));
}

/* ---- target matching ---- */

static void test_match_vm(void **state)
{
  hand h;
  sd_finding *x;
  int by_name = -1;
  (void)state;
  hand_init(&h);
  x = hand_add(&h, "HV-VM-STUCK", STUCK, "SQL01");
  assert_true(sd_fix_target_matches(x, STUCK, &by_name));
  assert_false(by_name);
  assert_true(sd_fix_target_matches(x, "{" STUCK "}", NULL));
  assert_true(sd_fix_target_matches(
    x, "8e0a3c51-7d2b-4f6e-a1c9-3b5d7e9f1a2c", NULL));
  assert_true(sd_fix_target_matches(x, "sql01", &by_name));
  assert_true(by_name);
  /* Near misses are no match. */
  assert_false(sd_fix_target_matches(
    x, "8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2D", NULL));
  assert_false(sd_fix_target_matches(x, "8E0A3C51", NULL));
  assert_false(sd_fix_target_matches(x, "{" STUCK, NULL));
  assert_false(sd_fix_target_matches(x, "SQL0", NULL));
  assert_false(sd_fix_target_matches(x, "", NULL));
  assert_false(sd_fix_target_matches(x, NULL, NULL));
  /* A VM whose name looks like another VM's ID is matched by ID only. */
  x = hand_add(&h, "HV-VM-STUCK", "11111111-AAAA-4BBB-8CCC-000000000001",
               "22222222-AAAA-4BBB-8CCC-000000000001");
  assert_false(sd_fix_target_matches(
    x, "22222222-AAAA-4BBB-8CCC-000000000001", NULL));
  hand_free(&h);
}

static void test_match_update(void **state)
{
  hand h;
  sd_finding *x;
  (void)state;
  hand_init(&h);
  x = hand_add(&h, "EXCH-INTERIM-UPDATE", IU1, NULL);
  sd_ev_str(h.m, x, "kb", "KB971234");
  assert_true(sd_fix_target_matches(x, IU1, NULL));
  assert_true(sd_fix_target_matches(
    x, "1e5c3a90-2b7d-4c1e-9f21-7a4d2b1c0e01", NULL));
  assert_true(sd_fix_target_matches(x, "KB971234", NULL));
  assert_true(sd_fix_target_matches(x, "971234", NULL));
  assert_false(sd_fix_target_matches(x, "KB97123", NULL));
  assert_false(sd_fix_target_matches(x, IU2, NULL));
  x = hand_add(&h, "OCS-KB974571-FE-DOWN", "KB974571", NULL);
  assert_true(sd_fix_target_matches(x, "KB974571", NULL));
  assert_true(sd_fix_target_matches(x, "kb974571", NULL));
  assert_true(sd_fix_target_matches(x, "974571", NULL));
  assert_false(sd_fix_target_matches(x, "KB9745710", NULL));
  assert_false(sd_fix_target_matches(x, "KB974571 ", NULL));
  hand_free(&h);
}

static void test_pick(void **state)
{
  hand h;
  const sd_finding *x = NULL;
  size_t n = 0;
  sd_finding *a, *b;
  (void)state;
  hand_init(&h);
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", NULL,
                                       &x, &n), SD_FIX_PICK_NONE);
  assert_int_equal(n, 0);
  a = hand_add(&h, "HV-VM-STUCK", "11111111-AAAA-4BBB-8CCC-000000000001",
               "web01");
  hand_add(&h, "HV-VM-SUSPECT", "33333333-AAAA-4BBB-8CCC-000000000001",
           "web03");
  /* One candidate: found without a target, by ID and by name. */
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", NULL,
                                       &x, &n), SD_FIX_PICK_OK);
  assert_ptr_equal(x, a);
  assert_int_equal(n, 1);
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", "WEB01",
                                       &x, &n), SD_FIX_PICK_OK);
  assert_ptr_equal(x, a);
  /* Another code's VM is no match for this code. */
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", "web03",
                                       &x, &n), SD_FIX_PICK_NO_MATCH);
  assert_null(x);
  /* Two findings: a target is needed, and a shared name is ambiguous. */
  b = hand_add(&h, "HV-VM-STUCK", "22222222-AAAA-4BBB-8CCC-000000000001",
               "web01");
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", NULL,
                                       &x, &n), SD_FIX_PICK_NEED_TARGET);
  assert_int_equal(n, 2);
  assert_int_equal(sd_fix_pick_finding(&h.rep, &h.f, "HV-VM-STUCK", "web01",
                                       &x, &n), SD_FIX_PICK_AMBIGUOUS);
  assert_null(x);
  assert_int_equal(sd_fix_pick_finding(
    &h.rep, &h.f, "HV-VM-STUCK", "{22222222-aaaa-4bbb-8ccc-000000000001}",
    &x, &n), SD_FIX_PICK_OK);
  assert_ptr_equal(x, b);
  /* Reported but not something fix can do. */
  b->fixable = 0;
  assert_int_equal(sd_fix_pick_finding(
    &h.rep, &h.f, "HV-VM-STUCK", "22222222-AAAA-4BBB-8CCC-000000000001",
    &x, &n), SD_FIX_PICK_NOT_FIXABLE);
  hand_free(&h);
}

/* Two VMs named web01, only one of them hung: "web01" is refused. */
static void test_pick_duplicate_vm_names(void **state)
{
  run t;
  const sd_finding *x = NULL;
  size_t n = 0;
  (void)state;
  load_run(&t, HV "duplicate_names.json", "hyperv-stuck-vm");
  assert_int_equal(sdt_count(&t.rep, "HV-VM-STUCK"), 1);
  assert_int_equal(sd_fix_pick_finding(&t.rep, &t.f, "HV-VM-STUCK", "web01",
                                       &x, &n), SD_FIX_PICK_AMBIGUOUS);
  assert_null(x);
  assert_int_equal(sd_fix_pick_finding(
    &t.rep, &t.f, "HV-VM-STUCK", "11111111-AAAA-4BBB-8CCC-000000000001",
    &x, &n), SD_FIX_PICK_OK);
  assert_non_null(x);
  /* The healthy twin's ID is not reported. */
  assert_int_equal(sd_fix_pick_finding(
    &t.rep, &t.f, "HV-VM-STUCK", "22222222-AAAA-4BBB-8CCC-000000000001",
    &x, &n), SD_FIX_PICK_NO_MATCH);
  run_free(&t);
}

/* ---- plans ---- */

static const sd_finding *only(const run *t, const char *code)
{
  const sd_finding *x;
  assert_int_equal(sdt_count(&t->rep, code), 1);
  x = sdt_find(&t->rep, code, 0);
  assert_non_null(x);
  return x;
}

static void cmdline(const sd_fix_plan *p, char *out, size_t n)
{
  sd_buf b;
  sd_buf_init(&b);
  sd_fix_command_line(p, &b);
  snprintf(out, n, "%s", b.data);
  sd_buf_free(&b);
}

static void test_plan_worker(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  const sd_finding *x;
  (void)state;
  load_run(&t, HV "stuck_starting.json", "hyperv-stuck-vm");
  x = only(&t, "HV-VM-STUCK");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  assert_int_equal(p.action->kind, SD_FIX_END_WORKER);
  assert_int_equal(p.pid, 5120);
  assert_string_equal(p.vm_guid, STUCK);
  assert_string_equal(p.vm_name, "SQL01");
  assert_string_equal(p.image_path, "C:\\Windows\\System32\\vmwp.exe");
  assert_null(p.program);
  assert_non_null(strstr(p.what, "End process 5120 (vmwp.exe)"));
  assert_non_null(strstr(p.what, "same handle"));
  assert_non_null(strstr(p.what, "vmms.exe"));
  assert_non_null(strstr(p.after, "Action > Start"));

  /* The worker's PID now shows another program: refused. */
  proc(&t.f, 5120)->image = "notepad.exe";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not a vmwp.exe worker"));
  run_free(&t);
}

static void test_plan_worker_refusals(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  sd_finding *x;
  (void)state;
  load_run(&t, HV "stuck_starting.json", "hyperv-stuck-vm");
  x = (sd_finding *)only(&t, "HV-VM-STUCK");
  /* The PID of the VM management service is never acted on. */
  t.f.hyperv.vmms_pid = 5120;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "vmms.exe"));
  t.f.hyperv.vmms_pid = 0;
  /* No worker known (the action, which fix reads, names no process). */
  x->action.pid = 0;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "no worker process"));
  /* A target that is not a VM ID. */
  x->target = "SQL01";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not a VM ID"));
  /* Not fixable. */
  x->fixable = 0;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  run_free(&t);
}


/* Issue 16, correction 10: a command line that names two VM ids, or a PID
 * the process list holds twice, is refused whatever the order.  Before,
 * only the first id was looked at and the last entry of a PID won. */
static void test_plan_worker_ambiguous_process(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  const sd_finding *x;
  sd_process *w, *dup;
  int order;
  (void)state;
  load_run(&t, HV "stuck_starting.json", "hyperv-stuck-vm");
  x = only(&t, "HV-VM-STUCK");
  w = proc(&t.f, 5120);
  /* Its own id first, then another VM's. */
  w->cmdline = "\"C:\\Windows\\System32\\vmwp.exe\" " STUCK
               " 5F1B2C3D-0001-4A5B-9C6D-0000A0000001";
  w->sid = NULL;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "5F1B2C3D-0001-4A5B-9C6D-0000A0000001"));
  /* The same id twice is one VM: accepted. */
  w->cmdline = "\"C:\\Windows\\System32\\vmwp.exe\" " STUCK " " STUCK;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  /* The same PID twice (a second entry, before or after the worker). */
  for(order = 0; order < 2; order++) {
    sd_process *items = t.f.processes.items;
    size_t n = t.f.processes.count, wi;
    for(wi = 0; wi < n && items[wi].pid != 5120; wi++)
      ;
    dup = order ? &items[(wi + 1) % n] : &items[wi ? wi - 1 : n - 1];
    dup->pid = 5120;
    sd_err_clear(&why);
    assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
    assert_non_null(strstr(why.msg, "listed 2 times"));
    dup->pid = 77777;
  }
  run_free(&t);
}

/* Issue 16, correction 4: a VM that is a failover-cluster role, or a host
 * whose cluster database could not be read, is refused with one sentence,
 * from the facts fix re-collects. */
static void test_plan_worker_clustered(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  const sd_finding *x;
  sd_hv_cluster_vm *c;
  (void)state;
  load_run(&t, HV "stuck_starting.json", "hyperv-stuck-vm");
  x = only(&t, "HV-VM-STUCK");
  /* The report saw a standalone host; the live facts say cluster. */
  t.f.hyperv.cluster_st.state = SD_ST_READ;
  c = sd_hv_cluster_vm_add(&t.f.hyperv);
  c->resource = "Virtual Machine SQL01";
  c->vm_guid = STUCK;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "role of a failover cluster"));
  assert_non_null(strstr(why.msg, "Failover Cluster Manager"));
  assert_null(strchr(why.msg, '\n'));
  /* Another VM's resource: this one is not clustered. */
  c->vm_guid = "5F1B2C3D-0001-4A5B-9C6D-0000A0000001";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  /* Could not look, or nobody looked: refused too. */
  t.f.hyperv.cluster_st.state = SD_ST_UNREADABLE;
  t.f.hyperv.cluster_st.why = "test: access denied";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "test: access denied"));
  t.f.hyperv.cluster_st.state = SD_ST_NOT_COLLECTED;
  t.f.hyperv.cluster_st.why = NULL;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  /* The finding of a clustered VM is not fixable in the first place. */
  run_free(&t);
  load_run(&t, HV "stuck_clustered.json", "hyperv-stuck-vm");
  x = only(&t, "HV-VM-STUCK");
  assert_false(x->fixable);
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  run_free(&t);
}

/* The worker plan's "afterwards" text no longer sends a clustered VM to
 * Failover Cluster Manager: fix never acts on one. */
static void test_plan_worker_after_text(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  (void)state;
  load_run(&t, HV "stuck_starting.json", "hyperv-stuck-vm");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, only(&t, "HV-VM-STUCK"), &paths,
                                    &t.a, &p, &why), 0);
  assert_null(strstr(p.after, "Failover Cluster"));
  assert_non_null(strstr(p.after, "Action > Start"));
  run_free(&t);
}

static void test_plan_interim_update(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  const sd_finding *x;
  char line[1024];
  (void)state;
  load_run(&t, EX "sp1_one_iu.json", "exchange-sp2");
  x = only(&t, "EXCH-INTERIM-UPDATE");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  assert_string_equal(p.program, "C:\\Windows\\System32\\msiexec.exe");
  /* The arguments the finding prints (its action), nothing of fix's own:
   * /qb shows progress and asks nothing, /norestart. */
  assert_int_equal(p.nargs, 5);
  assert_string_equal(p.args[0], "/i");
  assert_string_equal(p.args[1], "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}");
  assert_string_equal(p.args[2], "MSIPATCHREMOVE=" IU1);
  assert_string_equal(p.args[3], "/qb");
  assert_string_equal(p.args[4], "/norestart");
  assert_true(p.recheck);
  cmdline(&p, line, sizeof(line));
  assert_string_equal(line, "\"C:\\Windows\\System32\\msiexec.exe\" /i "
                      "{24B2C164-DE66-44FE-B468-A46D9D5E6B31} "
                      "MSIPATCHREMOVE=" IU1 " /qb /norestart");
  assert_true(sdt_has_command(x, "msiexec /i "
                              "{24B2C164-DE66-44FE-B468-A46D9D5E6B31} "
                              "MSIPATCHREMOVE=" IU1 " /qb /norestart"));
  assert_non_null(strstr(p.what, "KB971234"));
  assert_non_null(strstr(p.what, "3010"));
  run_free(&t);
}

static void test_plan_interim_update_refusals(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  sd_finding *x;
  (void)state;
  /* Windows Installer says it cannot be removed: the check does not offer
   * a fix, and the plan refuses it even if asked. */
  load_run(&t, EX "iu_not_removable.json", "exchange-sp2");
  x = (sd_finding *)only(&t, "EXCH-INTERIM-UPDATE");
  assert_false(x->fixable);
  assert_int_equal(x->action.kind, SD_ACT_NONE);
  sd_err_clear(&why);
  x->target = IU1;
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  /* Even given an action by hand, the fresh patch list refuses it. */
  {
    sd_module_result *m = (sd_module_result *)sdt_module(&t.rep,
                                                         "exchange-sp2");
    sd_action *a = sd_finding_action(m, x, SD_ACT_RUN_PROGRAM);
    a->program = "msiexec.exe";
    a->product_code = "{24B2C164-DE66-44FE-B468-A46D9D5E6B31}";
    a->patch_code = IU1;
  }
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not uninstallable"));
  run_free(&t);

  load_run(&t, EX "sp1_one_iu.json", "exchange-sp2");
  x = (sd_finding *)only(&t, "EXCH-INTERIM-UPDATE");
  /* Something that is not a GUID never reaches the command line. */
  x->target = "{1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01} /qn\" & calc";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not a GUID"));
  /* Nor does an action's patch code that is not one. */
  x->target = IU1;
  x->action.patch_code = IU1 " /qn\" & calc";
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not a GUID"));
  /* A patch the fresh facts do not hold. */
  x->target = IU2;
  x->action.patch_code = IU2;
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "not in the Windows Installer patch"));
  run_free(&t);
}

static void test_plan_kb974571(void **state)
{
  run t;
  sd_fix_plan p;
  sd_err why;
  const sd_finding *x;
  char line[1024];
  (void)state;
  load_run(&t, OC "down_service_code_2003.json", "ocs-kb974571");
  x = only(&t, "OCS-KB974571-FE-DOWN");
  assert_string_equal(x->target, "KB974571");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  cmdline(&p, line, sizeof(line));
  assert_string_equal(line, "\"C:\\Windows\\$NTUninstallKB974571$\\spuninst"
                      "\\spuninst.exe\" /passive /norestart");
  assert_false(p.recheck);
  assert_non_null(strstr(p.after, "restart is required"));
  assert_non_null(strstr(p.after, "net start RTCSRV"));
  assert_non_null(strstr(p.after, "Office Communications Server Front-End"));
  assert_non_null(strstr(p.what, "never restarts"));
  /* Without the uninstall folder there is no uninstaller to run. */
  {
    size_t i;
    for(i = 0; i < t.f.hotfixes.count; i++)
      if(!strcmp(t.f.hotfixes.items[i].source, "ntuninstall-dir"))
        t.f.hotfixes.items[i].source = "gone";
  }
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "$NTUninstallKB974571$"));
  run_free(&t);

  load_run(&t, OC "down_service_code_2008r2.json", "ocs-kb974571");
  x = only(&t, "OCS-KB974571-FE-DOWN");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  cmdline(&p, line, sizeof(line));
  assert_string_equal(line, "\"C:\\Windows\\System32\\wusa.exe\" /uninstall "
                      "/kb:974571 /quiet /norestart");
  /* The OS version is what picks the route, and the check picks it: with
   * the version unreadable the check prints a command per version and
   * gives no action, so fix refuses. */
  t.f.os.st.state = SD_ST_UNREADABLE;
  sd_report_free(&t.rep);
  sdt_run(&t.f, NULL, "ocs-kb974571", &t.rep);
  x = only(&t, "OCS-KB974571-FE-DOWN");
  assert_false(x->fixable);
  assert_int_equal(x->action.kind, SD_ACT_NONE);
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "cannot be carried out"));
  run_free(&t);

  load_run(&t, OC "down_service_code_2008.json", "ocs-kb974571");
  x = only(&t, "OCS-KB974571-FE-DOWN");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  cmdline(&p, line, sizeof(line));
  assert_string_equal(line, "\"C:\\Windows\\System32\\pkgmgr.exe\" "
                      "/up:Package_for_KB974571~31bf3856ad364e35~amd64~~"
                      "6.0.1.2 /quiet /norestart");
  /* The plan takes the package the check chose (its evidence), never the
   * raw CBS states: a package name with characters no identity has is not
   * passed on. */
  t.f.hotfixes.items[0].detail = "Package_for_KB974571~x\" /ip:evil";
  sd_report_free(&t.rep);
  sdt_run(&t.f, NULL, "ocs-kb974571", &t.rep);
  x = only(&t, "OCS-KB974571-FE-DOWN");
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  assert_non_null(strstr(why.msg, "holds characters"));
  /* A removal already waiting for the restart (CBS 0x05 Uninstall
   * Pending): the check does not offer the removal, so fix refuses. */
  t.f.hotfixes.items[0].detail =
    "Package_for_KB974571~31bf3856ad364e35~amd64~~6.0.1.2";
  t.f.hotfixes.items[0].state = 0x05;
  sd_report_free(&t.rep);
  sdt_run(&t.f, NULL, "ocs-kb974571", &t.rep);
  x = only(&t, "OCS-KB974571-FE-DOWN");
  assert_false(x->fixable);
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), -1);
  /* Superseded (0x50) is not a pending removal: the change stays with the
   * later update, so there is nothing for fix to remove. */
  t.f.hotfixes.items[0].state = 0x50;
  sd_report_free(&t.rep);
  sdt_run(&t.f, NULL, "ocs-kb974571", &t.rep);
  x = only(&t, "OCS-KB974571-FE-DOWN");
  assert_false(x->fixable);
  assert_null(strstr(x->message, "being removed"));
  /* Fix reads the check's classification: a finding that says the removal
   * is pending is refused even if the facts were changed since. */
  t.f.hotfixes.items[0].state = 0x70;
  sd_report_free(&t.rep);
  sdt_run(&t.f, NULL, "ocs-kb974571", &t.rep);
  x = only(&t, "OCS-KB974571-FE-DOWN");
  assert_true(x->fixable);
  t.f.hotfixes.items[0].state = 0x05; /* facts only, the finding stays */
  sd_err_clear(&why);
  assert_int_equal(sd_fix_plan_make(&t.f, x, &paths, &t.a, &p, &why), 0);
  run_free(&t);
}

/* ---- quoting: round trip through the Windows splitting rules ---- */

/* Split a command line's arguments (after the program) the way
 * CommandLineToArgvW does. */
static size_t split_args(const char *s, char out[][256], size_t max)
{
  size_t n = 0;
  while(*s) {
    size_t len = 0;
    int inq = 0;
    while(*s == ' ' || *s == '\t')
      s++;
    if(!*s)
      break;
    while(*s && (inq || (*s != ' ' && *s != '\t'))) {
      size_t bs = 0;
      while(*s == '\\') {
        bs++;
        s++;
      }
      if(*s == '"') {
        size_t i;
        for(i = 0; i < bs / 2; i++)
          out[n][len++] = '\\';
        if(bs % 2)
          out[n][len++] = '"';
        else
          inq = !inq;
        s++;
      }
      else {
        size_t i;
        for(i = 0; i < bs; i++)
          out[n][len++] = '\\';
        if(*s && (inq || (*s != ' ' && *s != '\t')))
          out[n][len++] = *s++;
      }
    }
    out[n][len] = '\0';
    if(++n == max)
      break;
  }
  return n;
}

static void test_quote_round_trip(void **state)
{
  static const char *const samples[] = {
    "/qn", "", "a b", "a\"b", "C:\\dir\\", "C:\\dir with space\\",
    "a\\\\\"b", "\\\\server\\share\\x.log", "tab\there", "\"", "\\",
    "MSIPATCHREMOVE={1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01}", "ends\\\\",
    "x\"\"y", "\\\"", "C:\\Documents and Settings\\All Users\\x.log"};
  char got[8][256];
  sd_fix_plan p;
  sd_buf b;
  size_t i, k, n;
  const char *args;
  (void)state;
  /* Each sample between two others, so that its quoting cannot run into
   * its neighbours. */
  for(i = 0; i < SD_COUNTOF(samples); i++) {
    memset(&p, 0, sizeof(p));
    p.program = "C:\\Program Files\\x.exe";
    p.args[p.nargs++] = samples[(i + 1) % SD_COUNTOF(samples)];
    p.args[p.nargs++] = samples[i];
    p.args[p.nargs++] = samples[(i + 5) % SD_COUNTOF(samples)];
    sd_buf_init(&b);
    sd_fix_command_line(&p, &b);
    /* The program comes first, quoted. */
    assert_memory_equal(b.data, "\"C:\\Program Files\\x.exe\" ", 25);
    args = b.data + 25;
    n = split_args(args, got, SD_COUNTOF(got));
    assert_int_equal(n, 3);
    for(k = 0; k < n; k++)
      assert_string_equal(got[k], p.args[k]);
    sd_buf_free(&b);
  }
  /* Plain arguments are left as they are. */
  sd_buf_init(&b);
  sd_fix_quote_arg(&b, "/norestart");
  assert_string_equal(b.data, "/norestart");
  sd_buf_reset(&b);
  sd_fix_quote_arg(&b, "C:\\a b\\");
  assert_string_equal(b.data, "\"C:\\a b\\\\\"");
  sd_buf_reset(&b);
  sd_fix_quote_arg(&b, "say \"hi\"");
  assert_string_equal(b.data, "\"say \\\"hi\\\"\"");
  sd_buf_free(&b);
}

/* ---- the flow through fake ops ---- */

typedef struct fake {
  const char *fixture;      /* what collect returns */
  const char *fixture2;     /* what later collects return (NULL: same) */
  int elevated, admin, elevation_state; /* host facts forced on */
  int console;
  int answer;
  int event_rc;             /* what event returns */
  sd_fix_outcome result;    /* what act reports */
  /* seen */
  int collects, confirms, acts, events, event_ok;
  uint32_t act_pid;
  char act_cmd[1024];
  char act_guid[37];
  sd_buf out, err, event_text;
} fake;

static int f_collect(void *ctx, sd_facts *f, unsigned needs,
                     const sd_options *o, sd_err *err)
{
  fake *k = ctx;
  const char *rel = k->collects && k->fixture2 ? k->fixture2 : k->fixture;
  (void)o;
  assert_true(needs & SD_NEED_HOST);
  k->collects++;
  if(!rel) {
    sd_err_set(err, SD_ENOTSUP, "no facts here");
    return -1;
  }
  if(sd_snapshot_read_file(sdt_fixture(rel), f, err))
    return -1;
  f->host.elevation_st.state = (sd_state)k->elevation_state;
  f->host.elevated = k->elevated;
  f->host.admin_member = k->admin;
  return 0;
}

static int f_console(void *ctx)
{
  return ((fake *)ctx)->console;
}

static int f_confirm(void *ctx, const char *q)
{
  fake *k = ctx;
  assert_true(k->console); /* never asked without a console */
  assert_non_null(strstr(q, "y"));
  k->confirms++;
  return k->answer;
}

static void f_act(void *ctx, const sd_fix_plan *p, sd_fix_outcome *o)
{
  fake *k = ctx;
  sd_buf b;
  k->acts++;
  k->act_pid = p->pid;
  memcpy(k->act_guid, p->vm_guid, sizeof(k->act_guid));
  sd_buf_init(&b);
  if(p->program) {
    sd_fix_command_line(p, &b);
    snprintf(k->act_cmd, sizeof(k->act_cmd), "%s", b.data);
  }
  sd_buf_free(&b);
  *o = k->result;
}

static int f_event(void *ctx, int ok, const char *text, sd_err *err)
{
  fake *k = ctx;
  k->events++;
  k->event_ok = ok;
  sd_buf_puts(&k->event_text, text);
  if(k->event_rc < 0)
    sd_err_set(err, SD_EIO, "event log full");
  return k->event_rc;
}

static void f_print(void *ctx, const char *s)
{
  sd_buf_puts(&((fake *)ctx)->out, s);
}

static void f_error(void *ctx, const char *s)
{
  sd_buf_puts(&((fake *)ctx)->err, s);
  sd_buf_putc(&((fake *)ctx)->err, '\n');
}

static void fake_init(fake *k, const char *fixture)
{
  memset(k, 0, sizeof(*k));
  k->fixture = fixture;
  k->elevated = 1;
  k->admin = 1;
  k->elevation_state = SD_ST_READ;
  k->event_rc = 1;
  k->result.done = 1;
  snprintf(k->result.msg, sizeof(k->result.msg), "it went well.");
  sd_buf_init(&k->out);
  sd_buf_init(&k->err);
  sd_buf_init(&k->event_text);
}

static void fake_free(fake *k)
{
  sd_buf_free(&k->out);
  sd_buf_free(&k->err);
  sd_buf_free(&k->event_text);
}

static int fix(fake *k, const char *code, const char *target, int yes,
               int force)
{
  sd_fix_request rq;
  sd_fix_ops ops;
  memset(&rq, 0, sizeof(rq));
  rq.code = code;
  rq.target = target;
  rq.yes = yes;
  rq.force = force;
  sd_options_defaults(&rq.opt);
  memset(&ops, 0, sizeof(ops));
  ops.ctx = k;
  ops.collect = f_collect;
  ops.stdin_console = f_console;
  ops.confirm = f_confirm;
  ops.act = f_act;
  ops.event = f_event;
  ops.print = f_print;
  ops.error = f_error;
  ops.paths = paths;
  return sd_fix_run(&rq, &ops);
}

static const char *txt(const sd_buf *b)
{
  return b->data ? b->data : "";
}

/* The dry run names the steps it carries out, their kind, and repeats
 * their warning before anything is done (issue 16). */
static void test_dry_run_names_its_steps(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, OC "down_service_code_2003.json");
  assert_int_equal(fix(&k, "OCS-KB974571-FE-DOWN", "KB974571", 0, 0), 0);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.out), "This carries out step "));
  assert_non_null(strstr(txt(&k.out), "of the finding, the last resort:"));
  assert_non_null(strstr(txt(&k.out), "Only if step "));
  assert_non_null(strstr(txt(&k.out), "Warning: This removes security "
                         "update KB974571"));
  assert_non_null(strstr(txt(&k.out), "MS09-056"));
  assert_non_null(strstr(txt(&k.out), "Do steps 1-"));
  fake_free(&k);
}

/* Names from the server reach the console escaped, in the plan and in a
 * refusal: no escape sequence, no line split by a name. */
static void test_names_escaped(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, HV "hostile_names.json");
  fix(&k, "HV-VM-STUCK", "F00DF00D-0000-4000-8000-0000000000AA", 0, 0);
  fix(&k, "HV-VM-STUCK", "nosuchvm", 0, 0);
  assert_null(strchr(txt(&k.out), '\x1b'));
  assert_null(strchr(txt(&k.err), '\x1b'));
  assert_null(strstr(txt(&k.out), "\xE2\x80\xAE"));
  assert_null(strstr(txt(&k.err), "\xE2\x80\xAE"));
  /* every refusal is one line */
  {
    const char *e = txt(&k.err), *nl;
    size_t lines = 0;
    for(nl = strchr(e, '\n'); nl; nl = strchr(nl + 1, '\n'))
      lines++;
    assert_int_equal(lines, 1); /* the wrong-target refusal */
    assert_non_null(strstr(e, "\\x1B[31mred\\x1B[0m\\x0A\\x09"));
  }
  /* the plan shows the name escaped, on its own line */
  assert_non_null(strstr(txt(&k.out), "\\x1B[31mred\\x1B[0m\\x0A\\x09"));
  assert_non_null(strstr(txt(&k.out), "\\u202E"));
  fake_free(&k);
}

static void test_flow_not_elevated(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, HV "stuck_starting.json");
  k.elevated = 0;
  k.admin = 0;
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_int_equal(k.events, 0);
  assert_non_null(strstr(txt(&k.err), "administrator rights"));
  assert_non_null(strstr(txt(&k.err), "Run as administrator"));
  fake_free(&k);
  /* Elevated token but not an administrator: still refused. */
  fake_init(&k, HV "stuck_starting.json");
  k.admin = 0;
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 3);
  assert_int_equal(k.acts, 0);
  fake_free(&k);
  /* Not known: refused, with the reason. */
  fake_init(&k, HV "stuck_starting.json");
  k.elevation_state = SD_ST_UNREADABLE;
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 0, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.err), "could not tell"));
  fake_free(&k);
}

static void test_flow_dry_run_no_console(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, HV "stuck_starting.json");
  k.console = 0;
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 0, 0), 0);
  assert_int_equal(k.collects, 1);
  assert_int_equal(k.confirms, 0);
  assert_int_equal(k.acts, 0);
  assert_int_equal(k.events, 0);
  assert_non_null(strstr(txt(&k.out), "dry run"));
  assert_non_null(strstr(txt(&k.out), "End process 5120 (vmwp.exe)"));
  assert_non_null(strstr(txt(&k.out), "Nothing was changed"));
  assert_non_null(strstr(txt(&k.out), "srvdoctor fix HV-VM-STUCK --target "
                         STUCK " --yes"));
  assert_string_equal(txt(&k.err), "");
  fake_free(&k);
}

static void test_flow_prompt_at_console(void **state)
{
  fake k;
  (void)state;
  /* Console, answer no: nothing done. */
  fake_init(&k, HV "stuck_starting.json");
  k.console = 1;
  k.answer = 0;
  assert_int_equal(fix(&k, "HV-VM-STUCK", "sql01", 0, 0), 0);
  assert_int_equal(k.confirms, 1);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.out), "Nothing was changed"));
  fake_free(&k);
  /* Console, answer yes: done, on exactly that worker. */
  fake_init(&k, HV "stuck_starting.json");
  k.console = 1;
  k.answer = 1;
  assert_int_equal(fix(&k, "HV-VM-STUCK", "sql01", 0, 0), 0);
  assert_int_equal(k.confirms, 1);
  assert_int_equal(k.acts, 1);
  assert_int_equal(k.act_pid, 5120);
  assert_string_equal(k.act_guid, STUCK);
  assert_int_equal(k.events, 1);
  assert_true(k.event_ok);
  fake_free(&k);
  /* No target named: the dry run lists it and does not ask. */
  fake_init(&k, HV "stuck_starting.json");
  k.console = 1;
  k.answer = 1;
  assert_int_equal(fix(&k, "HV-VM-STUCK", NULL, 0, 0), 0);
  assert_int_equal(k.confirms, 0);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.out), "--target " STUCK));
  fake_free(&k);
}

static void test_flow_yes(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, HV "stuck_starting.json");
  k.console = 1; /* --yes: no question even at a console */
  assert_int_equal(fix(&k, "HV-VM-STUCK", "{" STUCK "}", 1, 0), 0);
  assert_int_equal(k.confirms, 0);
  assert_int_equal(k.acts, 1);
  assert_int_equal(k.act_pid, 5120);
  assert_non_null(strstr(txt(&k.out), "Done: it went well."));
  assert_non_null(strstr(txt(&k.out), "event ID 1010"));
  assert_int_equal(k.events, 1);
  assert_true(k.event_ok);
  assert_non_null(strstr(txt(&k.event_text), "fix HV-VM-STUCK"));
  assert_non_null(strstr(txt(&k.event_text), "Process: 5120"));
  assert_non_null(strstr(txt(&k.event_text), "CONTOSO\\admin"));
  fake_free(&k);
  /* --yes needs a named target even when there is one candidate. */
  fake_init(&k, HV "stuck_starting.json");
  assert_int_equal(fix(&k, "HV-VM-STUCK", NULL, 1, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.err), "--target"));
  fake_free(&k);
  /* Source not installed: said, not an error. */
  fake_init(&k, HV "stuck_starting.json");
  k.event_rc = 0;
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 0);
  assert_non_null(strstr(txt(&k.out), "not installed"));
  fake_free(&k);
  /* The action refused on its own checks: exit 3, logged as refused. */
  fake_init(&k, HV "stuck_starting.json");
  k.result.done = 0;
  k.result.refused = 1;
  snprintf(k.result.msg, sizeof(k.result.msg), "Process 5120 is x.exe.");
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 3);
  assert_int_equal(k.events, 1);
  assert_false(k.event_ok);
  assert_non_null(strstr(txt(&k.event_text), "refused"));
  assert_non_null(strstr(txt(&k.err), "Process 5120 is x.exe."));
  assert_null(strstr(txt(&k.out), "Done:"));
  fake_free(&k);
}

static void test_flow_refusals(void **state)
{
  fake k;
  (void)state;
  /* Unknown code, and a code without an action: nothing collected. */
  fake_init(&k, HV "stuck_starting.json");
  assert_int_equal(fix(&k, "NO-SUCH-CODE", NULL, 1, 0), 3);
  assert_int_equal(fix(&k, "HV-OK", NULL, 1, 0), 3);
  assert_non_null(strstr(txt(&k.err), "has no srvdoctor fix action"));
  assert_int_equal(k.collects, 0);
  fake_free(&k);
  /* HV-VM-SUSPECT without --force. */
  fake_init(&k, HV "nowmi_one_small.json");
  assert_int_equal(fix(&k, "HV-VM-SUSPECT", STUCK, 0, 0), 3);
  assert_int_equal(k.collects, 0);
  assert_non_null(strstr(txt(&k.err), "--force"));
  fake_free(&k);
  /* The fresh check does not report it (any more). */
  fake_init(&k, HV "healthy_sizes.json");
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.err), "does not report HV-VM-STUCK"));
  fake_free(&k);
  /* Reported, but for another VM. */
  fake_init(&k, HV "stuck_starting.json");
  assert_int_equal(fix(&k, "HV-VM-STUCK",
                       "5F1B2C3D-0001-4A5B-9C6D-0000A0000001", 1, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.err), STUCK));
  fake_free(&k);
  /* Two VMs of that name. */
  fake_init(&k, HV "duplicate_names.json");
  assert_int_equal(fix(&k, "HV-VM-STUCK", "web01", 1, 0), 3);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.err), "more than one"));
  fake_free(&k);
  /* Collection impossible. */
  fake_init(&k, NULL);
  assert_int_equal(fix(&k, "HV-VM-STUCK", STUCK, 1, 0), 3);
  assert_non_null(strstr(txt(&k.err), "no facts here"));
  fake_free(&k);
  /* Empty target. */
  fake_init(&k, HV "stuck_starting.json");
  assert_int_equal(fix(&k, "HV-VM-STUCK", "", 1, 0), 3);
  assert_int_equal(k.acts, 0);
  fake_free(&k);
}

static void test_flow_suspect_forced(void **state)
{
  fake k;
  run t;
  const sd_finding *x;
  char guid[64];
  (void)state;
  load_run(&t, HV "nowmi_one_small.json", "hyperv-stuck-vm");
  x = only(&t, "HV-VM-SUSPECT");
  snprintf(guid, sizeof(guid), "%s", x->target);
  run_free(&t);
  fake_init(&k, HV "nowmi_one_small.json");
  assert_int_equal(fix(&k, "HV-VM-SUSPECT", guid, 0, 1), 0);
  assert_int_equal(k.acts, 0);
  assert_non_null(strstr(txt(&k.out), "--force --yes"));
  assert_int_equal(fix(&k, "HV-VM-SUSPECT", guid, 1, 1), 0);
  assert_int_equal(k.acts, 1);
  assert_string_equal(k.act_guid, guid);
  fake_free(&k);
}

static void test_flow_interim_update(void **state)
{
  fake k;
  (void)state;
  /* Two IUs: a target is needed, and the named one is removed. */
  fake_init(&k, EX "sp1_two_ius.json");
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", NULL, 1, 0), 3);
  assert_non_null(strstr(txt(&k.err), IU1));
  assert_non_null(strstr(txt(&k.err), IU2));
  assert_int_equal(k.acts, 0);
  fake_free(&k);

  /* Exit 0 and the fresh check no longer reports it: done. */
  fake_init(&k, EX "sp1_two_ius.json");
  k.fixture2 = EX "sp1_one_iu.json"; /* only IU1 left */
  k.result.have_exit_code = 1;
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", "KB968345", 1, 0), 0);
  assert_int_equal(k.acts, 1);
  assert_int_equal(k.collects, 2);
  assert_non_null(strstr(k.act_cmd, "MSIPATCHREMOVE=" IU2 " "));
  assert_non_null(strstr(txt(&k.out), "no longer reports it"));
  assert_non_null(strstr(txt(&k.event_text), "Exit code: 0"));
  fake_free(&k);

  /* Exit 0 but still registered: not done. */
  fake_init(&k, EX "sp1_one_iu.json");
  k.result.have_exit_code = 1;
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", IU1, 1, 0), 3);
  assert_int_equal(k.collects, 2);
  assert_non_null(strstr(txt(&k.err), "still reports it"));
  assert_false(k.event_ok);
  fake_free(&k);

  /* 3010: done, the restart will finish it. */
  fake_init(&k, EX "sp1_one_iu.json");
  k.result.have_exit_code = 1;
  k.result.exit_code = 3010;
  k.result.restart_needed = 1;
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", IU1, 1, 0), 0);
  assert_non_null(strstr(txt(&k.out), "after the restart"));
  fake_free(&k);

  /* The uninstaller failed. */
  fake_init(&k, EX "sp1_one_iu.json");
  k.result.done = 0;
  k.result.have_exit_code = 1;
  k.result.exit_code = 1603;
  snprintf(k.result.msg, sizeof(k.result.msg), "msiexec.exe failed with "
           "exit code 1603.");
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", IU1, 1, 0), 3);
  assert_int_equal(k.collects, 1);
  assert_non_null(strstr(txt(&k.err), "1603"));
  assert_non_null(strstr(txt(&k.event_text), "Exit code: 1603"));
  fake_free(&k);

  /* Not removable: the check offers no fix. */
  fake_init(&k, EX "iu_not_removable.json");
  assert_int_equal(fix(&k, "EXCH-INTERIM-UPDATE", IU1, 1, 0), 3);
  assert_int_equal(k.acts, 0);
  fake_free(&k);
}

static void test_flow_kb974571(void **state)
{
  fake k;
  (void)state;
  fake_init(&k, OC "down_service_code_2008r2.json");
  k.result.have_exit_code = 1;
  k.result.exit_code = 3010;
  k.result.restart_needed = 1;
  assert_int_equal(fix(&k, "OCS-KB974571-FE-DOWN", "KB974571", 1, 0), 0);
  assert_int_equal(k.acts, 1);
  assert_int_equal(k.collects, 1); /* no re-check before the restart */
  assert_string_equal(k.act_cmd, "\"C:\\Windows\\System32\\wusa.exe\" "
                      "/uninstall /kb:974571 /quiet /norestart");
  assert_non_null(strstr(txt(&k.out), "net start RTCSRV"));
  fake_free(&k);
  /* KB974571 not readable: the check does not offer the fix. */
  fake_init(&k, OC "down_kb_unreadable.json");
  assert_int_equal(fix(&k, "OCS-KB974571-FE-DOWN", "KB974571", 1, 0), 3);
  assert_int_equal(k.acts, 0);
  fake_free(&k);
}

/* ---- fix runs what the finding prints ---- */

typedef struct printed_stats {
  size_t snapshots;     /* fixtures of kind srvdoctor-snapshot loaded */
  size_t fixable;       /* fixable findings seen */
  size_t programs;      /* program plans compared with the printed command */
  size_t workers;       /* worker plans compared with the printed command */
} printed_stats;

static int has_command_exactly(const sd_finding *x, const char *cmd)
{
  size_t i;
  for(i = 0; i < sd_finding_ncommands(x); i++)
    if(!strcmp(sd_finding_command(x, i), cmd))
      return 1;
  return 0;
}

/* The printed command of a program action, read back as a person's
 * prompt would run it: the program resolved against the test folders
 * (a name alone is in the system folder, .exe added; %SystemRoot%\... in
 * the Windows folder), the arguments split by the C runtime's rules. */
static void compare_program(const char *fixture, const sd_finding *x,
                            const sd_fix_plan *p)
{
  char words[SD_ACTION_MAX_ARGS + 2][256];
  char prog[4096];
  const char *cmd = NULL, *s;
  sd_buf want, got, rendered;
  size_t i, n;
  sd_buf_init(&rendered);
  sd_action_command(&x->action, &rendered);
  /* The finding prints that very command. */
  if(!has_command_exactly(x, rendered.data))
    fail_msg("%s: %s does not print its action's command %s", fixture,
             x->code, rendered.data);
  cmd = rendered.data;
  s = cmd;
  if(!strncmp(s, "start /w ", 9))
    s += 9; /* cmd.exe's wait for a program that does not hold the console */
  n = split_args(s, words, SD_COUNTOF(words));
  assert_true(n >= 1);
  if(!strncmp(words[0], "%SystemRoot%\\", 13))
    snprintf(prog, sizeof(prog), "%s\\%s", paths.windows_dir, words[0] + 13);
  else if(!strchr(words[0], '\\'))
    snprintf(prog, sizeof(prog), "%s\\%s.exe", paths.system_dir, words[0]);
  else
    fail_msg("%s: %s prints a program fix cannot resolve: %s", fixture,
             x->code, words[0]);
  if(strcmp(prog, p->program))
    fail_msg("%s: %s prints %s but fix would start %s", fixture, x->code,
             prog, p->program);
  if(n - 1 != p->nargs)
    fail_msg("%s: %s prints %lu arguments but fix passes %lu", fixture,
             x->code, (unsigned long)(n - 1), (unsigned long)p->nargs);
  for(i = 1; i < n; i++)
    if(strcmp(words[i], p->args[i - 1]))
      fail_msg("%s: %s argument %lu: printed %s, fix passes %s", fixture,
               x->code, (unsigned long)i, words[i], p->args[i - 1]);
  /* The dry run's "Command:" line is that same command with the program's
   * full path. */
  sd_buf_init(&want);
  sd_buf_init(&got);
  sd_buf_printf(&want, "\"%s\"", prog);
  for(i = 1; i < n; i++) {
    sd_buf_putc(&want, ' ');
    sd_quote_arg(&want, words[i]);
  }
  sd_fix_command_line(p, &got);
  assert_string_equal(got.data, want.data);
  sd_buf_free(&want);
  sd_buf_free(&got);
  sd_buf_free(&rendered);
}

static void compare_worker(const char *fixture, const sd_finding *x,
                           const sd_fix_plan *p)
{
  char cmd[64], g[37];
  snprintf(cmd, sizeof(cmd), "taskkill /PID %u /F", (unsigned)p->pid);
  if(!has_command_exactly(x, cmd))
    fail_msg("%s: %s: fix would end process %u, the finding does not print "
             "%s", fixture, x->code, (unsigned)p->pid, cmd);
  assert_int_equal(p->pid, x->action.pid);
  assert_true(sd_guid_parse(x->target, g));
  assert_string_equal(p->vm_guid, g);
  assert_string_equal(p->image_path, "C:\\Windows\\System32\\vmwp.exe");
}

static void printed_in_file(const char *rel, printed_stats *st)
{
  FILE *fp = fopen(sdt_fixture(rel), "rb");
  char head[4096];
  size_t n, i, k;
  sd_facts f;
  sd_report rep;
  sd_arena a;
  sd_err err;
  if(!fp)
    return;
  n = fread(head, 1, sizeof(head) - 1, fp);
  fclose(fp);
  head[n] = '\0';
  if(!strstr(head, "\"srvdoctor-snapshot\""))
    return;
  sd_facts_init(&f);
  sd_err_clear(&err);
  if(sd_snapshot_read_file(sdt_fixture(rel), &f, &err)) {
    sd_facts_free(&f); /* a fixture that is meant to be refused */
    return;
  }
  st->snapshots++;
  sdt_run(&f, NULL, NULL, &rep);
  sd_arena_init(&a);
  for(i = 0; i < rep.nmodules; i++) {
    for(k = 0; k < rep.modules[i].nfindings; k++) {
      const sd_finding *x = &rep.modules[i].findings[k];
      sd_fix_plan p;
      if(!x->fixable)
        continue;
      st->fixable++;
      /* Every fixable finding carries its action. */
      if(x->action.kind == SD_ACT_NONE)
        fail_msg("%s: %s is fixable without an action", rel, x->code);
      sd_err_clear(&err);
      memset(&p, 0, sizeof(p));
      if(sd_fix_plan_make(&f, x, &paths, &a, &p, &err)) {
        /* A refusal on the fresh facts (no worker found, no uninstall
         * folder): nothing runs, so there is nothing to compare; it must
         * never be about the action itself. */
        assert_null(strstr(err.msg, "action"));
        continue;
      }
      if(x->action.kind == SD_ACT_RUN_PROGRAM) {
        compare_program(rel, x, &p);
        st->programs++;
      }
      else {
        compare_worker(rel, x, &p);
        st->workers++;
      }
    }
  }
  sd_arena_free(&a);
  sd_report_free(&rep);
  sd_facts_free(&f);
}

static void printed_in_dir(const char *rel, printed_stats *st)
{
  DIR *d = opendir(sdt_fixture(rel));
  struct dirent *e;
  char sub[1024];
  struct stat sb;
  assert_non_null(d);
  while((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if(e->d_name[0] == '.')
      continue;
    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    if(stat(sdt_fixture(sub), &sb))
      continue;
    if(S_ISDIR(sb.st_mode))
      printed_in_dir(sub, st);
    else if(len > 5 && !strcmp(e->d_name + len - 5, ".json"))
      printed_in_file(sub, st);
  }
  closedir(d);
}

/* For every snapshot fixture and every fixable finding of its report, the
 * plan of fix starts exactly the program with exactly the arguments the
 * finding prints (or ends exactly the process its taskkill names). */
static void test_fix_runs_what_is_printed(void **state)
{
  printed_stats st;
  (void)state;
  memset(&st, 0, sizeof(st));
  printed_in_dir("", &st);
  printf("fixtures: %lu snapshots, %lu fixable findings, %lu program and "
         "%lu worker plans compared\n", (unsigned long)st.snapshots,
         (unsigned long)st.fixable, (unsigned long)st.programs,
         (unsigned long)st.workers);
  assert_true(st.snapshots > 0);
  assert_true(st.programs > 0);
  assert_true(st.workers > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_actions_match_catalogue),
    cmocka_unit_test(test_event_ids_in_message_table),
    cmocka_unit_test(test_match_vm),
    cmocka_unit_test(test_match_update),
    cmocka_unit_test(test_pick),
    cmocka_unit_test(test_pick_duplicate_vm_names),
    cmocka_unit_test(test_plan_worker),
    cmocka_unit_test(test_plan_worker_refusals),
    cmocka_unit_test(test_plan_worker_ambiguous_process),
    cmocka_unit_test(test_plan_worker_clustered),
    cmocka_unit_test(test_plan_worker_after_text),
    cmocka_unit_test(test_plan_interim_update),
    cmocka_unit_test(test_plan_interim_update_refusals),
    cmocka_unit_test(test_plan_kb974571),
    cmocka_unit_test(test_quote_round_trip),
    cmocka_unit_test(test_fix_runs_what_is_printed),
    cmocka_unit_test(test_dry_run_names_its_steps),
    cmocka_unit_test(test_names_escaped),
    cmocka_unit_test(test_flow_not_elevated),
    cmocka_unit_test(test_flow_dry_run_no_console),
    cmocka_unit_test(test_flow_prompt_at_console),
    cmocka_unit_test(test_flow_yes),
    cmocka_unit_test(test_flow_refusals),
    cmocka_unit_test(test_flow_suspect_forced),
    cmocka_unit_test(test_flow_interim_update),
    cmocka_unit_test(test_flow_kb974571),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
