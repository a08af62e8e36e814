/* services.c - every Win32 service with its state, process id and exit
 * codes (one EnumServicesStatusExW pass), plus the configuration (image
 * path, account, start type) of the services the modules look at.
 *
 * Configuration costs one OpenServiceW + QueryServiceConfigW each, so it is
 * read only for the names in config_wanted; the other services keep
 * config_state "not_collected". */
#include "collect_win32.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* EnumServicesStatusEx refuses buffers above 256 KB. */
#define ENUM_BUF_MAX (256u * 1024u)

/* Is the configuration of this service read?  The modules name theirs in
 * their collectors (sd_collector.services); a trailing '*' matches a
 * prefix (ASCII, case-insensitive). */
static int wants_config(const char *name)
{
  size_t nmods, m, i;
  const sd_collector *const *mods = sd_cw_collectors(&nmods);
  for(m = 0; m < nmods; m++)
    for(i = 0; i < mods[m]->nservices; i++) {
      const char *w = mods[m]->services[i];
      size_t n = strlen(w);
      if(n && w[n - 1] == '*' ? sd_strnieq(name, w, n - 1)
                              : sd_strieq(name, w))
        return 1;
    }
  return 0;
}

static sd_svc_state map_state(DWORD s)
{
  if(s >= SERVICE_STOPPED && s <= SERVICE_PAUSED)
    return (sd_svc_state)s;
  return SD_SVC_UNKNOWN;
}

static void read_config(sd_facts *f, SC_HANDLE scm, const wchar_t *wname,
                        sd_service *s)
{
  SC_HANDLE h = OpenServiceW(scm, wname, SERVICE_QUERY_CONFIG);
  QUERY_SERVICE_CONFIGW *cfg;
  DWORD need = 0, size = 8192;
  unsigned tries;
  BOOL ok = FALSE;
  if(!h) {
    sd_fstate_os_error(f, &s->config_st, GetLastError(), "OpenServiceW");
    return;
  }
  cfg = sd_xmalloc(size);
  for(tries = 0; tries < 3; tries++) {
    ok = QueryServiceConfigW(h, cfg, size, &need);
    if(ok || GetLastError() != ERROR_INSUFFICIENT_BUFFER || need <= size)
      break;
    size = need;
    free(cfg);
    cfg = sd_xmalloc(size);
  }
  if(!ok) {
    sd_fstate_os_error(f, &s->config_st, GetLastError(),
                       "QueryServiceConfigW");
  }
  else {
    s->start_type = cfg->dwStartType;
    s->image_path = sd_wide_to_arena(f, cfg->lpBinaryPathName, -1);
    s->account = sd_wide_to_arena(f, cfg->lpServiceStartName, -1);
    sd_fstate_set(f, &s->config_st, SD_ST_READ, 0, NULL);
  }
  free(cfg);
  CloseServiceHandle(h);
}

/* One EnumServicesStatusExW call; returns the Win32 error (ERROR_MORE_DATA
 * means call again with the same resume handle). */
static DWORD enum_batch(sd_facts *f, SC_HANDLE scm, DWORD *resume,
                        BYTE **buf, DWORD *size)
{
  DWORD need = 0, count = 0, err = ERROR_SUCCESS, i;
  ENUM_SERVICE_STATUS_PROCESSW *e;
  BOOL ok;
  for(;;) {
    ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32,
                               SERVICE_STATE_ALL, *buf, *size, &need, &count,
                               resume, NULL);
    err = ok ? ERROR_SUCCESS : GetLastError();
    /* A buffer too small for even one entry returns nothing: grow. */
    if(err == ERROR_MORE_DATA && count == 0 && *size < ENUM_BUF_MAX) {
      *size = ENUM_BUF_MAX;
      free(*buf);
      *buf = sd_xmalloc(*size);
      continue;
    }
    break;
  }
  if(err != ERROR_SUCCESS && err != ERROR_MORE_DATA)
    return err;
  e = (ENUM_SERVICE_STATUS_PROCESSW *)*buf;
  for(i = 0; i < count; i++) {
    sd_service *s = sd_service_add(&f->services);
    const SERVICE_STATUS_PROCESS *p = &e[i].ServiceStatusProcess;
    s->name = sd_wide_to_arena(f, e[i].lpServiceName, -1);
    s->display_name = sd_wide_to_arena(f, e[i].lpDisplayName, -1);
    s->state = map_state(p->dwCurrentState);
    s->pid = p->dwProcessId;
    s->win32_exit_code = p->dwWin32ExitCode;
    s->service_exit_code = p->dwServiceSpecificExitCode;
    if(wants_config(s->name))
      read_config(f, scm, e[i].lpServiceName, s);
  }
  return err;
}

void sd_cw_services(sd_facts *f)
{
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT |
                                 SC_MANAGER_ENUMERATE_SERVICE);
  DWORD resume = 0, size = 64u * 1024u, err;
  BYTE *buf;
  unsigned rounds = 0;
  if(!scm) {
    sd_fstate_os_error(f, &f->services.st, GetLastError(), "OpenSCManagerW");
    return;
  }
  buf = sd_xmalloc(size);
  do {
    err = enum_batch(f, scm, &resume, &buf, &size);
  } while(err == ERROR_MORE_DATA && ++rounds < 1000);
  free(buf);
  CloseServiceHandle(scm);
  if(err != ERROR_SUCCESS && err != ERROR_MORE_DATA) {
    /* What was listed before the failure stays, but the list is not
     * complete, so it is not "read". */
    sd_fstate_os_error(f, &f->services.st, err, "EnumServicesStatusExW");
    return;
  }
  sd_fstate_set(f, &f->services.st, SD_ST_READ, 0, NULL);
}
