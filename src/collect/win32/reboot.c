/* reboot.c - every place that can say a restart is pending (the shared
 * f->reboot list), each reported separately (facts/exchange.md §3.5, §5.3):
 *
 *   pending-file-rename    Session Manager\PendingFileRenameOperations
 *   pending-file-rename-2  Session Manager\PendingFileRenameOperations2
 *   update-exe-volatile    Updates\UpdateExeVolatile\Flags (non-zero)
 *   cbs-reboot-pending     Component Based Servicing\RebootPending (key)
 *   wu-reboot-required     WindowsUpdate\Auto Update\RebootRequired (key)
 *   sccm-client            WMI root\ccm\clientSDK
 *                          CCM_ClientUtilities.DetermineIfRebootPending
 *
 * A source that does not exist on this Windows (no CBS on Windows Server
 * 2003, no Configuration Manager client) is "read, not pending" with a why;
 * one that could not be read is "unreadable". */
#define COBJMACROS
#include "collect_win32.h"

#include <objbase.h>
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>

#include "job.h"
#include "wmi.h"

#define SESSION_MGR "SYSTEM\\CurrentControlSet\\Control\\Session Manager"
#define UEV_KEY "SOFTWARE\\Microsoft\\Updates\\UpdateExeVolatile"
#define CBS_KEY "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
                "Component Based Servicing\\RebootPending"
#define WU_KEY "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\" \
               "WindowsUpdate\\Auto Update\\RebootRequired"
#define WMI_DEADLINE_MS 15000

static sd_reboot_flag *add(sd_facts *f, const char *source, const char *detail)
{
  sd_reboot_flag *r = sd_reboot_add(&f->reboot);
  r->source = source;
  r->detail = detail;
  return r;
}

/* The state of a registry source from its read: one that does not exist
 * is read and not pending. */
static void source_state(sd_facts *f, sd_reboot_flag *r, const sd_fstate *st)
{
  if(st->state == SD_ST_ABSENT)
    sd_fstate_set(f, &r->st, SD_ST_READ, 0, NULL);
  else
    r->st = *st;
}

static void pfro(sd_facts *f, const char *source, const char *value)
{
  sd_reboot_flag *r = add(f, source, sd_arena_printf(&f->arena, "HKLM\\"
                                                     SESSION_MGR "\\%s",
                                                     value));
  const char **items = NULL;
  size_t count = 0, cap = 0;
  sd_fstate st;
  if(sd_reg_multi(f, HKEY_LOCAL_MACHINE, SESSION_MGR, value, &items, &count,
                  &cap, &st)) {
    source_state(f, r, &st);
    free((void *)items);
    return;
  }
  r->pending = count > 0;
  if(count)
    r->detail = sd_arena_printf(&f->arena, "HKLM\\" SESSION_MGR "\\%s "
                                "(%u entries, first: %s)", value,
                                (unsigned)count, items[0]);
  free((void *)items);
  sd_fstate_set(f, &r->st, SD_ST_READ, 0, NULL);
}

static void update_exe_volatile(sd_facts *f)
{
  sd_reboot_flag *r = add(f, "update-exe-volatile",
                          "HKLM\\" UEV_KEY "\\Flags");
  DWORD v = 0;
  sd_fstate st;
  if(sd_reg_dword(f, HKEY_LOCAL_MACHINE, UEV_KEY, "Flags", &v, &st)) {
    source_state(f, r, &st);
    return;
  }
  /* 1 = removal pending, 2 = install pending, 3 = both. */
  r->pending = v != 0;
  if(v)
    r->detail = sd_arena_printf(&f->arena, "HKLM\\" UEV_KEY "\\Flags = %lu",
                                (unsigned long)v);
  sd_fstate_set(f, &r->st, SD_ST_READ, 0, NULL);
}

static void key_flag(sd_facts *f, const char *source, const char *key)
{
  sd_reboot_flag *r = add(f, source, sd_arena_printf(&f->arena, "HKLM\\%s",
                                                     key));
  sd_fstate st;
  /* Existence of the key is the signal (a children listing is not). */
  r->pending = sd_reg_key_exists(f, HKEY_LOCAL_MACHINE, key, &st);
  source_state(f, r, &st);
}

/* ---- Configuration Manager client, in a thread with a deadline ---- */

typedef struct ccm_job {
  sd_job job;        /* first */
  HRESULT hr;        /* failure, or S_OK */
  const char *step;  /* which call failed */
  int absent;        /* no such namespace / class: no client */
  int pending;
  int hard;
} ccm_job;

static void ccm_destroy(sd_job *j)
{
  free(j);
}

static int variant_true(const VARIANT *v)
{
  if(v->vt == VT_BOOL)
    return v->boolVal != VARIANT_FALSE;
  if(v->vt == VT_I4 || v->vt == VT_UI4)
    return v->lVal != 0;
  return 0;
}

/* The two answers of DetermineIfRebootPending's output object. */
static void ccm_answers(ccm_job *j, IWbemClassObject *out)
{
  VARIANT v;
  VariantInit(&v);
  if(SUCCEEDED(IWbemClassObject_Get(out, L"RebootPending", 0, &v, NULL,
                                    NULL)))
    j->pending = variant_true(&v);
  VariantClear(&v);
  VariantInit(&v);
  if(SUCCEEDED(IWbemClassObject_Get(out, L"IsHardRebootPending", 0, &v,
                                    NULL, NULL)))
    j->hard = variant_true(&v);
  VariantClear(&v);
}

/* Ask the client: absent (no client, or no such method), or the answers,
 * or the step that failed. */
static void ccm_ask(ccm_job *j, sd_wmi *w)
{
  IWbemServices *svc = NULL;
  IWbemClassObject *out = NULL;
  BSTR cls = SysAllocString(L"CCM_ClientUtilities");
  BSTR method = SysAllocString(L"DetermineIfRebootPending");
  HRESULT hr = cls && method ? sd_wmi_connect(w, L"ROOT\\ccm\\ClientSDK",
                                              &svc) : E_OUTOFMEMORY;
  if(hr == (HRESULT)WBEM_E_INVALID_NAMESPACE)
    j->absent = 1;
  else if(FAILED(hr)) {
    j->hr = hr;
    j->step = cls && method ? "ConnectServer(ROOT\\ccm\\ClientSDK)"
                            : "SysAllocString";
  }
  else {
    hr = IWbemServices_ExecMethod(svc, cls, method, 0, NULL, NULL, &out,
                                  NULL);
    if(hr == (HRESULT)WBEM_E_INVALID_CLASS ||
       hr == (HRESULT)WBEM_E_NOT_FOUND ||
       hr == (HRESULT)WBEM_E_INVALID_METHOD)
      j->absent = 1;
    else if(FAILED(hr) || !out) {
      j->hr = FAILED(hr) ? hr : E_FAIL;
      j->step = "CCM_ClientUtilities.DetermineIfRebootPending";
    }
    else {
      ccm_answers(j, out);
      j->hr = S_OK;
    }
  }
  if(out)
    IWbemClassObject_Release(out);
  if(svc)
    IWbemServices_Release(svc);
  SysFreeString(cls);
  SysFreeString(method);
}

static void ccm_work(sd_job *job)
{
  ccm_job *j = (ccm_job *)job;
  sd_wmi w;
  if(sd_wmi_open(&w)) {
    j->hr = w.hr;
    j->step = w.step;
  }
  else
    ccm_ask(j, &w);
  sd_wmi_close(&w);
}

static void sccm(sd_facts *f)
{
  sd_reboot_flag *r = add(f, "sccm-client", "WMI ROOT\\ccm\\ClientSDK "
                          "CCM_ClientUtilities.DetermineIfRebootPending");
  ccm_job *j = sd_xcalloc(1, sizeof(*j));
  DWORD err = 0;
  int run;
  sd_job_init(&j->job, ccm_work, ccm_destroy);
  j->hr = E_FAIL;
  j->step = "the query";
  run = sd_job_run(&j->job, WMI_DEADLINE_MS, &err);
  if(run < 0) {
    sd_fstate_os_error(f, &r->st, err, "CreateThread");
    sd_job_release(&j->job);
    return;
  }
  if(run > 0) {
    sd_fstate_set(f, &r->st, SD_ST_UNREADABLE, ERROR_TIMEOUT, "WMI did not "
                  "answer within %d seconds", WMI_DEADLINE_MS / 1000);
    sd_job_release(&j->job); /* the thread frees it when it returns */
    return;
  }
  if(j->absent) {
    sd_fstate_set(f, &r->st, SD_ST_READ, 0, "no Configuration Manager "
                  "client on this computer");
  }
  else if(FAILED(j->hr)) {
    sd_fstate_set(f, &r->st, SD_ST_UNREADABLE, (uint32_t)j->hr,
                  "%s failed with 0x%08lX", j->step, (unsigned long)j->hr);
  }
  else {
    r->pending = j->pending || j->hard;
    if(r->pending)
      r->detail = sd_arena_printf(&f->arena, "%s: RebootPending=%d, "
                                  "IsHardRebootPending=%d", r->detail,
                                  j->pending, j->hard);
    sd_fstate_set(f, &r->st, SD_ST_READ, 0, NULL);
  }
  sd_job_release(&j->job);
}

void sd_cw_reboot(sd_facts *f)
{
  pfro(f, "pending-file-rename", "PendingFileRenameOperations");
  pfro(f, "pending-file-rename-2", "PendingFileRenameOperations2");
  update_exe_volatile(f);
  key_flag(f, "cbs-reboot-pending", CBS_KEY);
  key_flag(f, "wu-reboot-required", WU_KEY);
  sccm(f);
  sd_fstate_set(f, &f->reboot.st, SD_ST_READ, 0, NULL);
}
