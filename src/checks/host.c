/* host.c - the "host" module: can srvdoctor see what it needs to see? */
#include "srvdoctor/module.h"

static const sd_code_info host_codes[] = {
  {"HOST-NOT-ELEVATED", "host", SD_SEV_WARNING,
   "srvdoctor is not running elevated, so some facts could not be read", 0},
  {"HOST-OK", "host", SD_SEV_OK,
   "srvdoctor runs with the rights it needs", 0},
  {"HOST-UNKNOWN", "host", SD_SEV_UNKNOWN,
   "Whether srvdoctor runs elevated could not be determined", 0},
  /* Written by the acknowledgements (src/checks/acks.c), not by the
   * check: they are about the run, as the host module is. */
  {"ACK-EXPIRED", "host", SD_SEV_INFO,
   "An acknowledgement has expired: its finding counts again", 0},
  {"ACK-FILE-INVALID", "host", SD_SEV_UNKNOWN,
   "The acknowledgements file could not be used, so nothing is "
   "acknowledged", 0},
};

/* A finding of one of this module's codes, as its table says. */
static sd_finding *host_add(sd_module_result *r, const char *code)
{
  return sd_result_code(r, host_codes, SD_COUNTOF(host_codes), code);
}

/* HOST-NOT-ELEVATED: every step only looks or logs on; nothing on the
 * server changes.  "net localgroup Administrators" lists the group's
 * members below a line of dashes (Microsoft, "Net localgroup"). */
static void host_elevate_steps(sd_module_result *r, sd_finding *x)
{
  unsigned member;
  sd_step_add(r, x, SD_STEP_LOOK, "Check whether your account is a member "
              "of the local Administrators group: in a Command Prompt run "
              "this command:");
  sd_step_cmd(r, x, "net localgroup Administrators");
  sd_step_expect(r, x, "your account's name, or the name of a group your "
                 "account belongs to, in the list below the line of "
                 "dashes");
  member = sd_step_number(x);
  sd_step_add(r, x, SD_STEP_LOOK, "Log off and log on again with an account "
              "that is a member of the local Administrators group.");
  sd_step_when(r, x, "Only if step %u did not list your account", member);
  sd_step_add(r, x, SD_STEP_LOOK, "Click Start, type cmd, right-click "
              "Command Prompt and choose \"Run as administrator\" (on "
              "Windows Server 2003, use Run as... with an administrator "
              "account).");
  sd_step_add(r, x, SD_STEP_LOOK, "Run the same srvdoctor command again in "
              "that window.");
}

static void host_check(const sd_facts *f, const sd_options *o,
                       sd_module_result *r)
{
  const sd_host *h = &f->host;
  sd_finding *x;
  (void)o;
  r->applicable = 1;
  if(h->elevation_st.state != SD_ST_READ) {
    x = host_add(r, "HOST-UNKNOWN");
    sd_finding_msg(r, x, "The privileges of the account that ran srvdoctor "
                   "were not recorded (%s), so facts that need administrator "
                   "rights may be missing.",
                   sd_str_or(h->elevation_st.why,
                             sd_state_name(h->elevation_st.state)));
    sd_ev_str(r, x, "elevation_state", sd_state_name(h->elevation_st.state));
    sd_fix_summary(r, x, "Run srvdoctor again from an elevated prompt.");
    sd_step_add(r, x, SD_STEP_LOOK, "Click Start, type cmd, right-click "
                "Command Prompt and choose \"Run as administrator\" (on "
                "Windows Server 2003, log on as an administrator first).");
    sd_step_add(r, x, SD_STEP_LOOK, "Run the same srvdoctor command again "
                "in that window.");
    return;
  }
  if(!h->elevated || !h->admin_member) {
    x = host_add(r, "HOST-NOT-ELEVATED");
    sd_finding_msg(r, x, "srvdoctor ran as %s without administrator rights; "
                   "processes of other accounts, services' details, the "
                   "event log and Hyper-V data may be incomplete.",
                   sd_str_or(h->user, "an unknown user"));
    sd_ev_bool(r, x, "elevated", h->elevated);
    sd_ev_bool(r, x, "administrators_member", h->admin_member);
    if(h->user)
      sd_ev_str(r, x, "user", h->user);
    sd_fix_summary(r, x, "Run srvdoctor from an elevated prompt as a member "
                   "of the local Administrators group.");
    host_elevate_steps(r, x);
    return;
  }
  x = host_add(r, "HOST-OK");
  sd_finding_msg(r, x, "srvdoctor ran elevated as %s.",
                 sd_str_or(h->user, "an administrator"));
  sd_ev_bool(r, x, "elevated", 1);
}

const sd_module sd_module_host = {
  "host", "Host and privileges", SD_NEED_HOST, host_check, host_codes,
  SD_COUNTOF(host_codes), NULL, 0, NULL};
