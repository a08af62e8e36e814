/* collect_crl.c - the route to the certificate revocation list for the
 * exchange-sp2 module (Windows): the WinHTTP proxy the services use, and
 * whether crl.microsoft.com port 80 (or that proxy) accepts a TCP
 * connection (docs/exchange-sp2-setup-facts.md, table crl_facts: KB
 * 944752, Exchange Team blog 2008-07-08).
 *
 * The one network probe of the module.  It runs in a thread of its own
 * (job.h) with a deadline inside --timeout: name resolution has no
 * timeout of its own, so the caller stops waiting at the deadline; the
 * connect is non-blocking and waits in select() for what is left of it.
 * Nothing is sent: a TCP connection is opened and closed.  Winsock and
 * WinHTTP are looked up at run time (sd_proc), so srvdoctor imports
 * neither. */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winhttp.h>

#include "job.h"
#include "srvdoctor/platform.h"

/* The host and port KB 944752 names (crl_facts). */
#define CRL_HOST "crl.microsoft.com"
#define CRL_PORT "80"
/* The probe's share of the run: a sixth of --timeout, 1 to 5 seconds. */
#define CRL_DEADLINE_MAX 5000
#define CRL_DEADLINE_MIN 1000
#define CRL_ADDRS_MAX 4

typedef int (WSAAPI *wsastartup_fn)(WORD, LPWSADATA);
typedef int (WSAAPI *getaddrinfo_fn)(PCSTR, PCSTR, const ADDRINFOA *,
                                     PADDRINFOA *);
typedef void (WSAAPI *freeaddrinfo_fn)(PADDRINFOA);
typedef SOCKET (WSAAPI *socket_fn)(int, int, int);
typedef int (WSAAPI *connect_fn)(SOCKET, const struct sockaddr *, int);
typedef int (WSAAPI *select_fn)(int, fd_set *, fd_set *, fd_set *,
                                const struct timeval *);
typedef int (WSAAPI *ioctl_fn)(SOCKET, long, u_long *);
typedef int (WSAAPI *getsockopt_fn)(SOCKET, int, int, char *, int *);
typedef int (WSAAPI *closesocket_fn)(SOCKET);
typedef int (WSAAPI *lasterror_fn)(void);
typedef int (WSAAPI *ntop_fn)(struct sockaddr *, DWORD, LPWSAPROTOCOL_INFOA,
                              LPSTR, LPDWORD);

typedef struct ws_api {
  wsastartup_fn startup;
  getaddrinfo_fn getaddrinfo;
  freeaddrinfo_fn freeaddrinfo;
  socket_fn socket;
  connect_fn connect;
  select_fn select;
  ioctl_fn ioctl;
  getsockopt_fn getsockopt;
  closesocket_fn closesocket;
  lasterror_fn lasterror;
  ntop_fn ntop;
} ws_api;

#define WS(name) ((void (*)(void))sd_proc("ws2_32.dll", name))

static int ws_load(ws_api *w)
{
  w->startup = (wsastartup_fn)WS("WSAStartup");
  w->getaddrinfo = (getaddrinfo_fn)WS("getaddrinfo");
  w->freeaddrinfo = (freeaddrinfo_fn)WS("freeaddrinfo");
  w->socket = (socket_fn)WS("socket");
  w->connect = (connect_fn)WS("connect");
  w->select = (select_fn)WS("select");
  w->ioctl = (ioctl_fn)WS("ioctlsocket");
  w->getsockopt = (getsockopt_fn)WS("getsockopt");
  w->closesocket = (closesocket_fn)WS("closesocket");
  w->lasterror = (lasterror_fn)WS("WSAGetLastError");
  w->ntop = (ntop_fn)WS("WSAAddressToStringA");
  return w->startup && w->getaddrinfo && w->freeaddrinfo && w->socket &&
         w->connect && w->select && w->ioctl && w->getsockopt &&
         w->closesocket && w->lasterror && w->ntop ? 0 : -1;
}

/* The probe's job: what to reach, and what the worker found.  The caller
 * reads the outcome only when the worker finished. */
typedef struct crl_job {
  sd_job job;
  char host[256], port[8];
  long t0_ms, deadline_ms;
  volatile LONG resolving;    /* still in getaddrinfo (for the message) */
  int looked;                 /* 0: could not look (detail says why) */
  int reachable;
  char address[64];
  char detail[256];
} crl_job;

static long time_left(const crl_job *j)
{
  long left = j->deadline_ms - (sd_monotonic_ms() - j->t0_ms);
  return left > 0 ? left : 0;
}

/* Wait for a connect in progress on s until the deadline: 0 when it was
 * accepted, else a Winsock error (WSAETIMEDOUT at the deadline). */
static int wait_connect(const ws_api *w, const crl_job *j, SOCKET s)
{
  fd_set wr, ex;
  struct timeval tv;
  long left = time_left(j);
  int n, err = 0, len = sizeof(err);
  FD_ZERO(&wr);
  FD_ZERO(&ex);
  FD_SET(s, &wr);
  FD_SET(s, &ex);
  tv.tv_sec = left / 1000;
  tv.tv_usec = (left % 1000) * 1000;
  n = w->select(0, NULL, &wr, &ex, &tv);
  if(n == 0)
    return WSAETIMEDOUT;
  if(n == SOCKET_ERROR)
    return w->lasterror();
  if(w->getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &len) != 0)
    return w->lasterror();
  if(!err && ex.fd_count)
    err = WSAECONNREFUSED;
  return err;
}

/* A non-blocking connect to one address within what is left; 0 when it
 * was accepted, else a Winsock error. */
static int try_connect(const ws_api *w, crl_job *j, const ADDRINFOA *a)
{
  SOCKET s = w->socket(a->ai_family, a->ai_socktype, a->ai_protocol);
  u_long nb = 1;
  int err = 0;
  if(s == INVALID_SOCKET)
    return w->lasterror();
  /* Never a blocking connect: without non-blocking mode, no attempt. */
  if(w->ioctl(s, FIONBIO, &nb) != 0)
    err = w->lasterror() ? w->lasterror() : WSAEINVAL;
  else if(w->connect(s, a->ai_addr, (int)a->ai_addrlen) != 0) {
    err = w->lasterror();
    if(err == WSAEWOULDBLOCK)
      err = wait_connect(w, j, s);
  }
  w->closesocket(s);
  return err;
}

static void probe_addresses(const ws_api *w, crl_job *j, ADDRINFOA *list)
{
  ADDRINFOA *a;
  int n = 0, err = 0;
  for(a = list; a && n < CRL_ADDRS_MAX && time_left(j) > 0;
      a = a->ai_next, n++) {
    DWORD alen = sizeof(j->address);
    if(w->ntop(a->ai_addr, (DWORD)a->ai_addrlen, NULL, j->address, &alen))
      snprintf(j->address, sizeof(j->address), "(address %d)", n + 1);
    err = try_connect(w, j, a);
    if(!err) {
      j->reachable = 1;
      return;
    }
  }
  if(err == WSAETIMEDOUT || (!err && time_left(j) == 0))
    snprintf(j->detail, sizeof(j->detail), "%s:%s did not answer within "
             "%ld ms", j->host, j->port, j->deadline_ms);
  else
    snprintf(j->detail, sizeof(j->detail), "the connection to %s port %s "
             "failed (Winsock error %d)", j->host, j->port, err);
}

static void crl_work(sd_job *job)
{
  crl_job *j = (crl_job *)job;
  ws_api w;
  WSADATA wd;
  ADDRINFOA hints, *list = NULL;
  int rc;
  if(ws_load(&w) || w.startup(MAKEWORD(2, 2), &wd)) {
    snprintf(j->detail, sizeof(j->detail), "Winsock 2.2 is not available");
    return;
  }
  j->looked = 1;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  InterlockedExchange(&j->resolving, 1);
  rc = w.getaddrinfo(j->host, j->port, &hints, &list);
  InterlockedExchange(&j->resolving, 0);
  if(rc != 0 || !list) {
    snprintf(j->detail, sizeof(j->detail), "the name %s does not resolve "
             "(error %d)", j->host, rc);
    return;
  }
  probe_addresses(&w, j, list);
  w.freeaddrinfo(list);
}

static void crl_destroy(sd_job *job)
{
  free(job);
}

/* The WinHTTP proxy (WinHttpGetDefaultProxyConfiguration reads the
 * machine's WinHTTP settings from the registry). */
typedef BOOL (WINAPI *proxycfg_fn)(WINHTTP_PROXY_INFO *);

static void crl_proxy(sd_facts *f, sd_exch_crl *c)
{
  proxycfg_fn get = (proxycfg_fn)(void (*)(void))sd_proc(
    "winhttp.dll", "WinHttpGetDefaultProxyConfiguration");
  WINHTTP_PROXY_INFO pi;
  memset(&pi, 0, sizeof(pi));
  if(!get) {
    sd_fstate_set(f, &c->proxy_st, SD_ST_UNREADABLE, ERROR_PROC_NOT_FOUND,
                  "WinHTTP (winhttp.dll) is not available");
    return;
  }
  if(!get(&pi)) {
    sd_fstate_os_error(f, &c->proxy_st, GetLastError(),
                       "WinHttpGetDefaultProxyConfiguration");
    return;
  }
  c->proxy_access = pi.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY &&
                    pi.lpszProxy && *pi.lpszProxy ? "named-proxy" : "direct";
  if(pi.lpszProxy && *pi.lpszProxy)
    c->proxy = sd_wide_to_arena(f, pi.lpszProxy, -1);
  if(pi.lpszProxyBypass && *pi.lpszProxyBypass)
    c->proxy_bypass = sd_wide_to_arena(f, pi.lpszProxyBypass, -1);
  if(pi.lpszProxy)
    GlobalFree(pi.lpszProxy);
  if(pi.lpszProxyBypass)
    GlobalFree(pi.lpszProxyBypass);
  sd_fstate_set(f, &c->proxy_st, SD_ST_READ, 0, NULL);
}

/* The host and port to reach: the first entry of a named proxy (its
 * "http=" entry when it lists several), else the CRL host. */
static void crl_target(const sd_exch_crl *c, crl_job *j)
{
  const char *p = c->proxy, *http;
  size_t n;
  char *colon;
  snprintf(j->host, sizeof(j->host), "%s", CRL_HOST);
  snprintf(j->port, sizeof(j->port), "%s", CRL_PORT);
  if(!c->proxy_access || strcmp(c->proxy_access, "named-proxy") || !p)
    return;
  http = strstr(p, "http=");
  if(http)
    p = http + 5;
  n = strcspn(p, "; ");
  if(n == 0 || n >= sizeof(j->host))
    return;
  memcpy(j->host, p, n);
  j->host[n] = 0;
  colon = strrchr(j->host, ':');
  if(colon && colon[1] && strlen(colon + 1) < sizeof(j->port)) {
    snprintf(j->port, sizeof(j->port), "%s", colon + 1);
    *colon = 0;
  }
}

static void crl_outcome(sd_facts *f, sd_exch_crl *c, crl_job *j, int run,
                        DWORD err)
{
  if(run < 0) {
    sd_fstate_os_error(f, &c->probe_st, err, "CreateThread");
    return;
  }
  if(run > 0) {
    c->result = "unreachable";
    c->detail = sd_arena_printf(&f->arena, "%s within %ld ms",
                                InterlockedCompareExchange(&j->resolving, 1,
                                                           1)
                                  ? "the name did not resolve"
                                  : "no answer", j->deadline_ms);
    sd_fstate_set(f, &c->probe_st, SD_ST_READ, 0, NULL);
    return;
  }
  if(!j->looked) {
    sd_fstate_set(f, &c->probe_st, SD_ST_UNREADABLE, 0, "%s", j->detail);
    return;
  }
  c->result = j->reachable ? "reachable" : "unreachable";
  if(j->address[0])
    c->address = sd_facts_str(f, j->address);
  if(!j->reachable)
    c->detail = sd_facts_str(f, j->detail);
  sd_fstate_set(f, &c->probe_st, SD_ST_READ, 0, NULL);
}

void sd_cw_crl(sd_facts *f, const sd_options *o)
{
  sd_exch_crl *c = &f->exchange.crl;
  long budget = (long)(o->timeout_s > 0 ? o->timeout_s : 60) * 1000 / 6;
  crl_job *j = sd_xmalloc(sizeof(*j));
  DWORD err = 0;
  int run;
  memset(j, 0, sizeof(*j));
  crl_proxy(f, c);
  crl_target(c, j);
  j->deadline_ms = budget > CRL_DEADLINE_MAX ? CRL_DEADLINE_MAX
                 : budget < CRL_DEADLINE_MIN ? CRL_DEADLINE_MIN : budget;
  c->target = sd_arena_printf(&f->arena, "%s:%s", j->host, j->port);
  c->deadline_ms = j->deadline_ms;
  j->t0_ms = sd_monotonic_ms();
  sd_job_init(&j->job, crl_work, crl_destroy);
  run = sd_job_run(&j->job, (DWORD)j->deadline_ms, &err);
  crl_outcome(f, c, j, run, err);
  c->elapsed_ms = sd_monotonic_ms() - j->t0_ms;
  sd_job_release(&j->job);
}
