/* wmi.h - reaching a WMI namespace (wmi.c), for the collectors. */
#ifndef SRVDOCTOR_COLLECT_WMI_H
#define SRVDOCTOR_COLLECT_WMI_H

#include <objbase.h>
#include <wbemidl.h>

typedef struct sd_wmi {
  IWbemLocator *loc;
  int uninit;         /* CoUninitialize at close */
  HRESULT hr;         /* why sd_wmi_open failed ... */
  const char *step;   /* ... and at which call */
} sd_wmi;

/* COM for this thread and a WMI locator; -1 with hr and step set. */
int sd_wmi_open(sd_wmi *w);
/* Connect to namespace ns (L"root\\virtualization\\v2") and set the
 * proxy blanket; the HRESULT of ConnectServer (WBEM_E_INVALID_NAMESPACE
 * when it does not exist), *svc NULL on failure. */
HRESULT sd_wmi_connect(sd_wmi *w, const wchar_t *ns, IWbemServices **svc);
void sd_wmi_close(sd_wmi *w);

#endif
