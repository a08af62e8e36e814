/* setup.c - exchange-sp2: an earlier Exchange setup that did not finish
 * (Action/Watermark values) and the Setup.com command that resumes it. */
#include <string.h>

#include "check.h"

/* ---- earlier setup that did not finish (facts §3.5) ----
 *
 * How Setup.com resumes a setup that stopped part-way.  Setup leaves
 * Action and Watermark under the role's key of
 * HKLM\SOFTWARE\Microsoft\Exchange\v8.0 and, run again in the same mode,
 * resumes from the watermark (Exchange Team blog "How does Exchange 2007
 * setup know to resume a failed setup?", 2007-05-21 [WMBLOG]; ExBPA article
 * on Action/Watermark [CMSWM]).  The modes and role names are those of
 * Setup.com's command line ("How to Install Exchange 2007 in Unattended
 * Mode", technet aa997281(v=exchg.80)): /mode:Upgrade upgrades every
 * installed role and takes no /roles; /mode:Install and /mode:Uninstall
 * need the roles, here the ones whose key holds the watermark;
 * /mode:RecoverServer rebuilds from Active Directory. */
typedef struct setup_resume {
  const char *action;     /* Action value setup left */
  const char *mode;       /* Setup.com /mode: */
  int with_roles;         /* needs /roles:<the roles with that action> */
} setup_resume;

static const setup_resume setup_resumes[] = {
  {"Install", "Install", 1},
  {"Uninstall", "Uninstall", 1},
  {"Upgrade", "Upgrade", 0},
  {"BuildToBuildUpgrade", "Upgrade", 0},
  {"DisasterRecovery", "RecoverServer", 0},
};

/* Role key under v8.0 -> the /roles name Setup.com takes (same sources;
 * the key name of the Edge Transport role is unverified). */
typedef struct setup_role {
  const char *key;
  const char *role;
} setup_role;

static const setup_role setup_roles[] = {
  {"MailboxRole", "Mailbox"},
  {"ClientAccessRole", "ClientAccess"},
  {"HubTransportRole", "HubTransport"},
  {"UnifiedMessagingRole", "UnifiedMessaging"},
  {"EdgeTransportRole", "EdgeTransport"},
  {"AdminTools", "ManagementTools"},
};

static const setup_resume *resume_of(const char *action)
{
  size_t i;
  for(i = 0; action && i < SD_COUNTOF(setup_resumes); i++)
    if(sd_strieq(setup_resumes[i].action, action))
      return &setup_resumes[i];
  return NULL;
}

static const char *setup_role_of(const char *key)
{
  size_t i;
  for(i = 0; key && i < SD_COUNTOF(setup_roles); i++)
    if(sd_strieq(setup_roles[i].key, key))
      return setup_roles[i].role;
  return NULL;
}

/* The Setup.com command that resumes mode m: "Setup.com /mode:Install
 * /roles:Mailbox,HubTransport" from the role keys whose Action maps to m.
 * NULL when a role key has no known /roles name (*unknown_key names it). */
static const char *resume_command(sd_exch_ctx *c, const setup_resume *m,
                                  const char **unknown_key)
{
  const sd_exch_facts *x = c->x;
  sd_buf roles;
  const char *cmd;
  size_t i;
  if(!m->with_roles)
    return sd_arena_printf(c->r->arena, "%s /mode:%s", SETUP, m->mode);
  sd_buf_init(&roles);
  for(i = 0; i < x->nroles; i++) {
    const sd_exch_role *ro = &x->roles[i];
    const setup_resume *rm;
    const char *role;
    if(ro->action_st.state != SD_ST_READ)
      continue;
    rm = resume_of(ro->action);
    if(!rm || strcmp(rm->mode, m->mode))
      continue;
    role = setup_role_of(ro->name);
    if(!role) {
      *unknown_key = sd_str_or(ro->name, "?");
      sd_buf_free(&roles);
      return NULL;
    }
    if(roles.len && sd_stristr(roles.data, role))
      continue;
    if(roles.len)
      sd_buf_puts(&roles, ",");
    sd_buf_puts(&roles, role);
  }
  cmd = roles.len ? sd_arena_printf(c->r->arena, "%s /mode:%s /roles:%s",
                                    SETUP, m->mode, roles.data)
                  : NULL;
  sd_buf_free(&roles);
  return cmd;
}

/* What the role keys' leftover Action/Watermark values say. */
typedef struct leftovers {
  sd_buf roles;           /* "key: Action=..., Watermark=..." of each */
  int n;                  /* role keys with a leftover value */
  const char *action;     /* the first Action named */
  const setup_resume *modes[SD_COUNTOF(setup_resumes)];
  size_t nmodes;          /* the distinct modes that resume them */
  int unknown_action;     /* a key whose Action is missing or unknown */
} leftovers;

/* Add m to the modes that resume the keys, each mode once. */
static void add_mode(leftovers *lo, const setup_resume *m)
{
  size_t k;
  for(k = 0; k < lo->nmodes; k++)
    if(!strcmp(lo->modes[k]->mode, m->mode))
      break;
  if(k == lo->nmodes)
    lo->modes[lo->nmodes++] = m;
}

/* Note one role key's leftover values (unreadable ones as unchecked
 * prerequisites). */
static void note_role(sd_exch_ctx *c, const sd_exch_role *ro, leftovers *lo)
{
  int has_action = ro->action_st.state == SD_ST_READ;
  int has_wm = ro->watermark_st.state == SD_ST_READ;
  if(ro->action_st.state == SD_ST_UNREADABLE)
    sd_exch_note_unknown(c, "the Action value of a role key", &ro->action_st);
  if(ro->watermark_st.state == SD_ST_UNREADABLE)
    sd_exch_note_unknown(c, "the Watermark value of a role key",
                         &ro->watermark_st);
  if(!has_action && !has_wm)
    return;
  if(lo->n++)
    sd_buf_puts(&lo->roles, "; ");
  sd_buf_printf(&lo->roles, "%s: Action=%s, Watermark=%s",
                sd_str_or(ro->name, "?"),
                has_action ? sd_str_or(ro->action, "") : "(none)",
                has_wm ? sd_str_or(ro->watermark, "") : "(none)");
  if(has_action && ro->action && *ro->action) {
    const setup_resume *m = resume_of(ro->action);
    if(!lo->action)
      lo->action = ro->action;
    if(!m)
      lo->unknown_action = 1;
    else
      add_mode(lo, m);
  }
  else {
    lo->unknown_action = 1;
  }
}

/* EXCH-SETUP-INCOMPLETE's resume steps: the Setup.com command of each
 * mode (or how to make it), Setup.exe's wizard for an unknown Action. */
static void resume_steps(sd_exch_ctx *c, sd_finding *fd, const leftovers *lo)
{
  size_t k;
  for(k = 0; k < lo->nmodes; k++) {
    const char *unknown_key = NULL;
    const char *cmd = resume_command(c, lo->modes[k], &unknown_key);
    if(cmd) {
      sd_step_add(c->r, fd, SD_STEP_CHANGE, "Resume the interrupted setup: "
                  "run this command and let it finish.");
      sd_step_cmd(c->r, fd, "%s", cmd);
      sd_ev_str(c->r, fd, k ? sd_arena_printf(c->r->arena,
                                              "resume_command.%u",
                                              (unsigned)k)
                            : "resume_command", cmd);
    }
    else {
      sd_step_add(c->r, fd, SD_STEP_CHANGE, "Resume the interrupted setup "
                  "with %s /mode:%s and /roles: followed by the roles of the "
                  "keys listed above%s%s%s; srvdoctor cannot print the "
                  "whole command.", SETUP, lo->modes[k]->mode,
                  unknown_key ? " (srvdoctor does not know the /roles name "
                                "of the key " : "",
                  unknown_key ? unknown_key : "", unknown_key ? ")" : "");
    }
  }
  if(lo->unknown_action || !lo->nmodes)
    sd_step_add(c->r, fd, SD_STEP_CHANGE, "For a role key whose Action is "
                "missing or not one setup names (Install, "
                "Upgrade/BuildToBuildUpgrade, Uninstall, DisasterRecovery), "
                "start Setup.exe from the media of the interrupted run: its "
                "wizard reads the watermark and offers to resume.");
}

/* EXCH-SETUP-INCOMPLETE: an earlier setup run stopped part-way. */
static void report_incomplete(sd_exch_ctx *c, const leftovers *lo)
{
  sd_finding *fd = sd_exch_add(c, "EXCH-SETUP-INCOMPLETE");
  sd_finding_msg(c->r, fd, "Exchange setup left Action/Watermark values "
                 "under HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0 (%s): an "
                 "earlier setup run stopped part-way. SP2 setup will not "
                 "start until that run is completed.", lo->roles.data);
  sd_ev_str(c->r, fd, "roles", lo->roles.data);
  sd_ev_int(c->r, fd, "roles_affected", lo->n);
  if(lo->action)
    sd_ev_str(c->r, fd, "action", lo->action);
  sd_fix_summary(c->r, fd, "Run the interrupted Exchange setup again in the "
                 "same mode so it resumes from its watermark; do not delete "
                 "the values by hand.");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Do not delete the Watermark or "
              "Action values: setup uses them to resume where it stopped. "
              "Find the media of the setup that was interrupted (for an "
              "upgrade, the service pack media; for an install or "
              "uninstall, the media of the build that is installed).");
  sd_step_add(c->r, fd, SD_STEP_LOOK, "Open an elevated Command Prompt "
              "(right-click Command Prompt, Run as administrator) in the "
              "folder of that media that holds Setup.com.");
  resume_steps(c, fd, lo);
  sd_step_add(c->r, fd, SD_STEP_LOOK, "If setup fails again, read "
              "C:\\ExchangeSetupLogs\\ExchangeSetup.log for the first "
              "error and hand it to the Exchange administrator.");
  sd_exch_step_recheck(c, fd);
}

void sd_exch_check_setup_state(sd_exch_ctx *c)
{
  const sd_exch_facts *x = c->x;
  leftovers lo;
  size_t i;
  if(x->roles_st.state != SD_ST_READ) {
    sd_exch_note_unknown(c, "leftover setup values (Action/Watermark) under "
                         "HKLM\\SOFTWARE\\Microsoft\\Exchange\\v8.0",
                         &x->roles_st);
    return;
  }
  memset(&lo, 0, sizeof(lo));
  sd_buf_init(&lo.roles);
  for(i = 0; i < x->nroles; i++)
    note_role(c, &x->roles[i], &lo);
  if(lo.n)
    report_incomplete(c, &lo);
  sd_buf_free(&lo.roles);
}
