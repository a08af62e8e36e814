/* check_services.c - exchange-sp2: services SP2 setup stops on, from the
 * shared service list (facts: docs/exchange-sp2-setup-facts.md, tables
 * fse_facts and svc_facts):
 *   - Forefront Security for Exchange Server, marked by its FSCController
 *     service, must be disabled for the time of setup (EXCH-FOREFRONT);
 *   - an Exchange service setup needs that is Disabled
 *     (EXCH-SERVICE-DISABLED) or held in a pending state
 *     (EXCH-SERVICE-PENDING).
 * A snapshot without the service list (written before this check, or by
 * a collection that did not read it) says nothing here; a list that could
 * not be read is named among the prerequisites not checked. */
#include <string.h>

#include "check.h"

#define SVC_DISABLED 4 /* SERVICE_DISABLED */

/* ---- Forefront (fse_facts, [FSE-PATCH], [FSE-SVC], [FSE-RN]) ---- */
#define FSE_SERVICE "FSCController"
#define FSE_FOLDER "C:\\Program Files (x86)\\Microsoft Forefront Server " \
                   "Security\\Exchange Server"
/* Stopped in this order before `fscutility /disable` [FSE-PATCH]. */
static const char *const fse_stop_order[] = {
  "MSExchangeSA", "MSExchangeTransport", "MSExchangeIS", FSE_SERVICE};

/* ---- Exchange 2007 services setup needs (svc_facts, [SVCS]) ----
 * Only the services whose role and dependency the facts page confirms;
 * the default start types of Exchange 2007 services are not confirmed,
 * so the remedy is given in words ([CSS-SLR] Test-DisabledService.ps1,
 * [FIXUPD]), never as an sc config command. */
typedef struct exch_svc {
  const char *name;
  const char *roles[4];   /* role keys under v8.0 that install it */
  const char *why;        /* what depends on it, in words */
} exch_svc;

static const exch_svc svc_facts[] = {
  {"MSExchangeADTopology", {"MailboxRole", "HubTransportRole",
                            "ClientAccessRole", "UnifiedMessagingRole"},
   "most Exchange services cannot start without it"},
  {"MSExchangeAB", {"ClientAccessRole", NULL, NULL, NULL},
   "the Client Access role's address book service"},
  {"ADAM_MSExchange", {"EdgeTransportRole", NULL, NULL, NULL},
   "the Edge Transport role's directory"},
};

static const sd_service *find_service(const sd_exch_ctx *c,
                                      const char *name)
{
  size_t i;
  for(i = 0; i < c->f->services.count; i++)
    if(c->f->services.items[i].name &&
       sd_strieq(c->f->services.items[i].name, name))
      return &c->f->services.items[i];
  return NULL;
}

static void svc_evidence(sd_exch_ctx *c, sd_finding *x, const sd_service *s)
{
  sd_ev_str(c->r, x, "service", s->name);
  if(s->display_name)
    sd_ev_str(c->r, x, "display_name", s->display_name);
  sd_ev_str(c->r, x, "state", sd_svc_state_names[s->state & 7]);
  if(s->config_st.state == SD_ST_READ)
    sd_ev_int(c->r, x, "start_type", s->start_type);
  if(s->image_path)
    sd_ev_str(c->r, x, "image_path", s->image_path);
}

static void report_forefront(sd_exch_ctx *c, const sd_service *s)
{
  size_t i;
  sd_finding *x = sd_exch_add(c, "EXCH-FOREFRONT");
  sd_finding_msg(c->r, x, "Forefront Security for Exchange Server is "
                 "installed (service %s, %s). Left enabled, it can stop "
                 "Exchange services such as Transport from starting while "
                 "setup runs.", s->name, sd_svc_state_names[s->state & 7]);
  svc_evidence(c, x, s);
  sd_ev_str(c->r, x, "source", "Exchange Team blog, \"Sample script to "
            "disable and enable Forefront service during patching\", "
            "2010-06-21");
  sd_fix_summary(c->r, x, "Disable Forefront with fscutility /disable "
                 "before SP2 setup and enable it with fscutility /enable "
                 "after it.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Find Forefront's folder: the "
              "FSCController service's program lies in it (by default "
              FSE_FOLDER "). Its configuration:");
  sd_step_cmd(c->r, x, "sc qc " FSE_SERVICE);
  sd_step_expect(c->r, x, "BINARY_PATH_NAME names the folder that holds "
                 "FSCUtility.exe");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Just before SP2 setup, from an "
              "elevated Command Prompt, stop these services in this order, "
              "then change to Forefront's folder and disable Forefront:");
  for(i = 0; i < SD_COUNTOF(fse_stop_order); i++)
    sd_step_cmd(c->r, x, "net stop %s", fse_stop_order[i]);
  sd_step_cmd(c->r, x, "fscutility /disable");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "After SP2 setup has finished, "
              "enable Forefront again from the same folder:");
  sd_step_cmd(c->r, x, "fscutility /enable");
}

/* Is one of the roles that install this service installed?  When the
 * roles could not be read, every service present counts. */
static int role_installed(const sd_exch_ctx *c, const exch_svc *e)
{
  size_t i, k;
  if(c->x->roles_st.state != SD_ST_READ)
    return 1;
  for(i = 0; i < c->x->nroles; i++)
    for(k = 0; k < 4 && e->roles[k]; k++)
      if(c->x->roles[i].name && sd_strieq(c->x->roles[i].name, e->roles[k]))
        return 1;
  return 0;
}

static void report_disabled(sd_exch_ctx *c, const exch_svc *e,
                            const sd_service *s)
{
  sd_finding *x = sd_exch_add(c, "EXCH-SERVICE-DISABLED");
  sd_finding_msg(c->r, x, "The Exchange service %s is set to Disabled (%s): "
                 "setup has to start it and stops.", s->name, e->why);
  svc_evidence(c, x, s);
  sd_ev_str(c->r, x, "source", "CSS-Exchange SetupLogReviewer "
            "Test-DisabledService.ps1; Microsoft Learn \"Fix failed Exchange "
            "Server updates\"");
  sd_fix_summary(c->r, x, "Set %s back to Automatic and start it before "
                 "setup.", s->name);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Look at the service's start type:");
  sd_step_cmd(c->r, x, "sc qc %s", s->name);
  sd_step_expect(c->r, x, "START_TYPE reads 4 DISABLED");
  sd_step_add(c->r, x, SD_STEP_CHANGE, "Open Services (services.msc), "
              "double-click %s, set Startup type to Automatic, click Apply, "
              "then Start. An earlier setup or update rollup may have "
              "disabled it, and setup may disable it again while it runs: "
              "look again after a failed run.", s->name);
  sd_exch_step_recheck(c, x);
}

static void report_pending(sd_exch_ctx *c, const sd_service *s)
{
  sd_finding *x = sd_exch_add(c, "EXCH-SERVICE-PENDING");
  sd_finding_msg(c->r, x, "The Exchange service %s is held in %s: setup "
                 "waits for it or fails to start it.", s->name,
                 sd_svc_state_names[s->state & 7]);
  svc_evidence(c, x, s);
  sd_fix_summary(c->r, x, "Let %s finish starting or stopping before "
                 "setup.", s->name);
  sd_step_add(c->r, x, SD_STEP_LOOK, "Look at the service again after a "
              "few minutes:");
  sd_step_cmd(c->r, x, "sc query %s", s->name);
  sd_step_expect(c->r, x, "STATE reads 4 RUNNING or 1 STOPPED");
  sd_step_add(c->r, x, SD_STEP_LOOK, "If it stays pending, the managed "
              "Exchange services may be waiting for a certificate "
              "revocation check of crl.microsoft.com that never answers "
              "(KB 944752): read that article before setup.");
  sd_exch_step_recheck(c, x);
}

static void check_exchange_services(sd_exch_ctx *c)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(svc_facts); i++) {
    const exch_svc *e = &svc_facts[i];
    const sd_service *s = find_service(c, e->name);
    if(!s || !role_installed(c, e))
      continue;
    if(s->config_st.state == SD_ST_READ && s->start_type == SVC_DISABLED)
      report_disabled(c, e, s);
    else if(s->state == SD_SVC_START_PENDING ||
            s->state == SD_SVC_STOP_PENDING)
      report_pending(c, s);
    else if(s->config_st.state == SD_ST_UNREADABLE)
      sd_exch_note_unknown(c, "the start type of an Exchange service",
                           &s->config_st);
  }
}

void sd_exch_check_services(sd_exch_ctx *c)
{
  const sd_service *fse;
  if(c->f->services.st.state == SD_ST_NOT_COLLECTED)
    return;
  if(c->f->services.st.state != SD_ST_READ) {
    sd_exch_note_unknown(c, "Forefront and the Exchange services",
                         &c->f->services.st);
    return;
  }
  fse = find_service(c, FSE_SERVICE);
  if(fse)
    report_forefront(c, fse);
  if(!c->fresh)
    check_exchange_services(c);
}
