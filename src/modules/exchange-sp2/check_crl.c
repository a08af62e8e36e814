/* check_crl.c - exchange-sp2: no route to the certificate revocation list
 * (facts: docs/exchange-sp2-setup-facts.md, table crl_facts).
 *
 * Without a route to crl.microsoft.com the .NET runtime's check of the
 * Exchange binaries' signatures waits for the CRL download to time out:
 * the managed Exchange services outlast the service start timeout and
 * setup stalls (KB 944752, Exchange Team blog 2008-07-08).  The collector
 * tried a TCP connection to crl.microsoft.com port 80 (or to the WinHTTP
 * proxy) within a short deadline; when it failed, the documented remedies
 * are the steps.  A probe that could not look is named among the
 * prerequisites not checked; a snapshot without the probe says nothing. */
#include <string.h>

#include "check.h"

/* crl_facts: what KB 944752 and [FIXUPD] document. */
#define CRL_URL "http://crl.microsoft.com/pki/crl/products/CSPCA.crl"
#define CRL_SOURCE "KB 944752; Exchange Team blog \"Exchange 2007 managed " \
                   "services might time out during certificate revocation " \
                   "checks\" (2008-07-08); Microsoft Learn \"Fix failed " \
                   "Exchange Server updates\""

static void ev(sd_exch_ctx *c, sd_finding *x, const char *k, const char *v)
{
  if(v && *v)
    sd_ev_str(c->r, x, k, v);
}

/* Step 1: look at the WinHTTP proxy; proxycfg on Windows Server 2003 (the
 * tool the KB names), the setting in words on later Windows. */
static void crl_look_step(sd_exch_ctx *c, sd_finding *x)
{
  const sd_exch_crl *k = &c->x->crl;
  const char *now = k->proxy_st.state != SD_ST_READ ? "could not be read"
                  : k->proxy ? k->proxy : "none (direct)";
  if(c->f->os.st.state == SD_ST_READ && c->f->os.major == 5) {
    sd_step_add(c->r, x, SD_STEP_LOOK, "Look at the WinHTTP proxy the "
                "Exchange services use (srvdoctor read: %s):", now);
    sd_step_cmd(c->r, x, "proxycfg");
    return;
  }
  sd_step_add(c->r, x, SD_STEP_LOOK, "Note the WinHTTP proxy the Exchange "
              "services use (srvdoctor read: %s) and ask the network team "
              "whether this server may reach %s on port 80.", now,
              "crl.microsoft.com");
}

static void report_unreachable(sd_exch_ctx *c)
{
  const sd_exch_crl *k = &c->x->crl;
  sd_finding *x = sd_exch_add(c, "EXCH-CRL-UNREACHABLE");
  sd_finding_msg(c->r, x, "This server could not reach the certificate "
                 "revocation list (%s: %s). The managed Exchange services "
                 "then take minutes to start and setup stalls or fails.",
                 sd_str_or(k->target, "crl.microsoft.com:80"),
                 sd_str_or(k->detail, "no connection"));
  ev(c, x, "target", k->target);
  ev(c, x, "address", k->address);
  ev(c, x, "detail", k->detail);
  ev(c, x, "winhttp_proxy", k->proxy_st.state == SD_ST_READ
                              ? sd_str_or(k->proxy, "none (direct)")
                              : sd_exch_why_of(&k->proxy_st));
  sd_ev_int(c->r, x, "deadline_ms", k->deadline_ms);
  ev(c, x, "crl_url", CRL_URL);
  ev(c, x, "source", CRL_SOURCE);
  sd_fix_summary(c->r, x, "Let the server reach crl.microsoft.com, or "
                 "apply KB 944752's configuration workaround, before SP2 "
                 "setup.");
  crl_look_step(c, x);
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Let this server reach %s on port "
              "80: allow it through the firewall, or, when the server goes "
              "out through an HTTP proxy, set WinHTTP's proxy so the "
              "Exchange services can use it (proxycfg on Windows Server "
              "2003).", CRL_URL);
  sd_step_alt(c->r, x, SD_STEP_CHANGE, "Apply the workaround of KB "
              "944752: add <generatePublisherEvidence enabled=\"false\"/> "
              "under <runtime> in the .exe.config files of the Exchange "
              "services the article lists.");
  sd_step_alt(c->r, x, SD_STEP_CHANGE, "For the time of setup only and "
              "only in a tightly controlled environment: in Internet "
              "Options > Advanced > Security of the account that runs "
              "setup, clear \"Check for publisher's certificate "
              "revocation\"; set it back after setup.");
  sd_exch_step_recheck(c, x);
}

void sd_exch_check_crl(sd_exch_ctx *c)
{
  const sd_exch_crl *k = &c->x->crl;
  if(k->probe_st.state == SD_ST_NOT_COLLECTED)
    return;
  if(k->probe_st.state != SD_ST_READ || !k->result) {
    sd_exch_note_unknown(c, "the route to crl.microsoft.com", &k->probe_st);
    return;
  }
  if(!strcmp(k->result, "unreachable"))
    report_unreachable(c);
}
