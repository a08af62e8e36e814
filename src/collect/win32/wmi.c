/* wmi.c - one way to reach WMI for the collectors that use it (Hyper-V's
 * namespaces, the Configuration Manager client): COM for this thread, a
 * locator, a connection with the proxy blanket set.  Each caller keeps
 * its own deadline (ConnectServer waits at most the WMI default with
 * WBEM_FLAG_CONNECT_USE_MAX_WAIT). */
#define COBJMACROS
#include "wmi.h"

#include <oleauto.h>

int sd_wmi_open(sd_wmi *w)
{
  HRESULT hr;
  w->loc = NULL;
  w->uninit = 0;
  w->hr = S_OK;
  w->step = NULL;
  hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
  if(FAILED(hr) && hr != RPC_E_CHANGED_MODE) {
    w->hr = hr;
    w->step = "CoInitializeEx";
    return -1;
  }
  w->uninit = SUCCEEDED(hr);
  /* Process-wide; fails harmlessly when someone already set it. */
  CoInitializeSecurity(NULL, -1, NULL, NULL, RPC_C_AUTHN_LEVEL_DEFAULT,
                       RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE, NULL);
  hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER,
                        &IID_IWbemLocator, (void **)&w->loc);
  if(FAILED(hr) || !w->loc) {
    w->hr = hr;
    w->step = "CoCreateInstance(WbemLocator)";
    w->loc = NULL;
    return -1;
  }
  return 0;
}

HRESULT sd_wmi_connect(sd_wmi *w, const wchar_t *ns, IWbemServices **svc)
{
  BSTR b = SysAllocString(ns);
  HRESULT hr;
  *svc = NULL;
  if(!b)
    return E_OUTOFMEMORY;
  hr = IWbemLocator_ConnectServer(w->loc, b, NULL, NULL, NULL,
                                  WBEM_FLAG_CONNECT_USE_MAX_WAIT, NULL, NULL,
                                  svc);
  SysFreeString(b);
  if(SUCCEEDED(hr) && !*svc)
    hr = E_FAIL;
  if(FAILED(hr)) {
    *svc = NULL;
    return hr;
  }
  CoSetProxyBlanket((IUnknown *)*svc, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE,
                    NULL, RPC_C_AUTHN_LEVEL_CALL, RPC_C_IMP_LEVEL_IMPERSONATE,
                    NULL, EOAC_NONE);
  return hr;
}

void sd_wmi_close(sd_wmi *w)
{
  if(w->loc)
    IWbemLocator_Release(w->loc);
  w->loc = NULL;
  if(w->uninit)
    CoUninitialize();
  w->uninit = 0;
}
