/* rights.c - exchange-sp2: the group memberships the AD preparation
 * needs, read from the running user's logon token. */
#include <string.h>

#include "check.h"

/* Is the running user a member of a group? */
typedef enum member {
  M_UNKNOWN = -1,     /* the token or the domain SID could not be read */
  M_NO = 0,
  M_YES = 1
} member;

/* A group the preparation needs (facts §3.3). */
typedef struct grp {
  const char *name;
  const char *rid;
  int root;           /* SID of the forest root domain, else this domain */
  int needed;
  member have;
  int filtered;       /* in the token for deny only (UAC) */
  int stale;          /* AD says member, token does not: log on again */
  const char *sid;
} grp;

static void check_group(sd_exch_ctx *c, grp *g)
{
  const sd_exch_facts *x = c->x;
  const sd_ad_facts *ad = c->ad;
  const char *base = g->root ? ad->root_domain_sid : ad->domain_sid;
  const sd_fstate *bst = g->root ? &ad->root_sid_st : &ad->domain_sid_st;
  size_t i;
  g->have = M_UNKNOWN;
  if(bst->state != SD_ST_READ || !base || !*base ||
     x->token_st.state != SD_ST_READ)
    return;
  g->sid = sd_arena_printf(c->r->arena, "%s-%s", base, g->rid);
  g->have = M_NO;
  for(i = 0; i < x->ntoken_groups; i++) {
    const sd_exch_sid *s = &x->token_groups[i];
    if(!s->sid || !sd_strieq(s->sid, g->sid))
      continue;
    if(s->deny_only)
      g->filtered = 1;
    else
      g->have = M_YES;
  }
  if(g->have == M_YES || ad->user_groups_st.state != SD_ST_READ)
    return;
  for(i = 0; i < ad->nuser_groups; i++)
    if(ad->user_groups[i].sid && sd_strieq(ad->user_groups[i].sid, g->sid))
      g->stale = 1;
}

/* "A", "A and B", "A, B and C" (conj "and" or "or") of the groups whose
 * flag is set. */
static const char *prose_groups(sd_exch_ctx *c, const grp *g, const int *pick,
                                const char *conj)
{
  sd_buf b;
  size_t i, n = 0, k = 0;
  const char *s;
  for(i = 0; i < 3; i++)
    n += pick[i] != 0;
  sd_buf_init(&b);
  for(i = 0; i < 3; i++) {
    if(!pick[i])
      continue;
    if(k)
      sd_buf_puts(&b, k + 1 == n ? (k > 1 ? ", " : " ") : ", ");
    if(k && k + 1 == n)
      sd_buf_printf(&b, "%s ", conj);
    sd_buf_puts(&b, g[i].name);
    k++;
  }
  s = sd_arena_strdup(c->r->arena, b.data ? b.data : "");
  sd_buf_free(&b);
  return s;
}

/* The three groups, which of them the preparation needs and whether the
 * running user is in each. */
static void find_groups(sd_exch_ctx *c, const sd_exch_need *nd, grp *g)
{
  size_t i;
  memset(g, 0, 3 * sizeof(*g));
  g[0].name = "Schema Admins";
  g[0].rid = "518";
  g[0].root = 1;
  g[0].needed = nd->schema;
  g[1].name = "Enterprise Admins";
  g[1].rid = "519";
  g[1].root = 1;
  g[1].needed = nd->schema || nd->org;
  g[2].name = "Domain Admins";
  g[2].rid = "512";
  g[2].root = 0;
  g[2].needed = nd->domain;
  for(i = 0; i < 3; i++)
    check_group(c, &g[i]);
  /* /PrepareAllDomains with Enterprise Admins also prepares this domain. */
  if(g[2].needed && g[2].have != M_YES && g[1].have == M_YES)
    g[2].needed = 0;
}

/* The needed groups the user is not in, or could not be checked for, as
 * lists and as picks for prose_groups. */
typedef struct gaps {
  sd_buf missing, unknown, needed;
  int nmissing, nunknown, nreal;
  int pick_needed[3], pick_missing[3], pick_real[3];
} gaps;

/* Sort the needed groups into gaps (missing: not a member; real: missing
 * and neither filtered by UAC nor waiting for a new logon). */
static void find_gaps(const grp *g, gaps *gp)
{
  size_t i;
  memset(gp, 0, sizeof(*gp));
  sd_buf_init(&gp->missing);
  sd_buf_init(&gp->unknown);
  sd_buf_init(&gp->needed);
  for(i = 0; i < 3; i++) {
    gp->pick_needed[i] = g[i].needed;
    gp->pick_missing[i] = g[i].needed && g[i].have == M_NO;
    gp->pick_real[i] = gp->pick_missing[i] && !g[i].filtered && !g[i].stale;
    gp->nreal += gp->pick_real[i];
    if(!g[i].needed)
      continue;
    if(gp->needed.len)
      sd_buf_puts(&gp->needed, ", ");
    sd_buf_puts(&gp->needed, g[i].name);
    if(g[i].have == M_NO) {
      if(gp->nmissing++)
        sd_buf_puts(&gp->missing, ", ");
      sd_buf_puts(&gp->missing, g[i].name);
    }
    else if(g[i].have == M_UNKNOWN) {
      if(gp->nunknown++)
        sd_buf_puts(&gp->unknown, ", ");
      sd_buf_puts(&gp->unknown, g[i].name);
    }
  }
}

/* Free what find_gaps built. */
static void free_gaps(gaps *gp)
{
  sd_buf_free(&gp->missing);
  sd_buf_free(&gp->unknown);
  sd_buf_free(&gp->needed);
}

/* A needed group's membership, in words, for its SID evidence. */
static const char *membership_of(const grp *g)
{
  return g->have == M_YES ? "member" :
         g->filtered ? "in the token for deny only (UAC)" :
         g->stale ? "member in AD, not yet in this logon" :
         "not a member";
}

/* AD-RIGHTS-MISSING's evidence: the user, the groups and their SIDs. */
static void missing_evidence(sd_exch_ctx *c, sd_finding *x, const grp *g,
                             const gaps *gp, const char *user)
{
  size_t i;
  sd_ev_str(c->r, x, "user", user);
  if(c->f->host.user_sid)
    sd_ev_str(c->r, x, "user_sid", c->f->host.user_sid);
  sd_ev_str(c->r, x, "needed_groups", gp->needed.data);
  sd_ev_str(c->r, x, "missing_groups", gp->missing.data);
  if(c->ad->bind_user)
    sd_ev_strf(c->r, x, "note", "the groups checked are those of the "
               "Windows logon running srvdoctor (%s), not of --ldap-user "
               "%s", user, c->ad->bind_user);
  if(gp->nunknown)
    sd_ev_str(c->r, x, "unchecked_groups", gp->unknown.data);
  for(i = 0; i < 3; i++) {
    if(!g[i].needed)
      continue;
    if(g[i].sid)
      sd_ev_strf(c->r, x, sd_arena_printf(c->r->arena, "sid.%s",
                                          g[i].name),
                 "%s (%s)", g[i].sid, membership_of(&g[i]));
  }
  sd_exch_ad_evidence(c, x);
}

/* AD-RIGHTS-MISSING's steps: look at the logon's groups, get the
 * memberships (or a member), UAC and stale logons, log on again. */
static void missing_steps(sd_exch_ctx *c, sd_finding *x, const grp *g,
                          const gaps *gp, const char *all)
{
  size_t i;
  sd_step_add(c->r, x, SD_STEP_LOOK, "Check the groups of your logon "
              "(read-only; Windows Server 2003: whoami comes with the "
              "Support Tools):");
  sd_step_cmd(c->r, x, "whoami /groups");
  sd_step_expect(c->r, x, "the group names listed in the evidence above, "
                 "each on a line of its own");
  if(gp->nreal)
    sd_step_add(c->r, x, SD_STEP_LOOK, "Ask a member of the Enterprise "
                "Admins group to "
                "add the account that will run SP2 setup to %s (Active "
                "Directory Users and Computers > the group > Members > "
                "Add), or ask a member of %s to run the preparation "
                "commands for you.", prose_groups(c, g, gp->pick_real, "and"),
                all);
  for(i = 0; i < 3; i++) {
    if(g[i].needed && g[i].filtered)
      sd_step_add(c->r, x, SD_STEP_LOOK, "%s is in your logon token but "
                  "switched off by "
                  "User Account Control: open the Command Prompt with "
                  "\"Run as administrator\".", g[i].name);
    if(g[i].needed && g[i].stale)
      sd_step_add(c->r, x, SD_STEP_LOOK, "Active Directory already lists "
                  "you in %s, but "
                  "this logon started before that: log off and log on "
                  "again.", g[i].name);
  }
  sd_step_add(c->r, x, SD_STEP_LOOK, "Log off and log on again so the new "
              "memberships are in your logon token (wait for AD "
              "replication if the change was made on another domain "
              "controller).");
  sd_exch_step_recheck(c, x);
}

/* AD-RIGHTS-MISSING: the user is not in a group the preparation needs. */
static void report_missing(sd_exch_ctx *c, const grp *g, const gaps *gp,
                           const char *user)
{
  const char *all = prose_groups(c, g, gp->pick_needed, "and");
  sd_finding *x = sd_exch_add(c, "AD-RIGHTS-MISSING");
  sd_finding_msg(c->r, x, "The Active Directory preparation SP2 needs "
                 "must be run by a member of %s, but %s is not a member "
                 "of %s.", all, user,
                 prose_groups(c, g, gp->pick_missing, "or"));
  missing_evidence(c, x, g, gp, user);
  sd_fix_summary(c->r, x, "Have a member of %s run the preparation, or "
                 "get the missing memberships and log on again.", all);
  missing_steps(c, x, g, gp, all);
}

/* AD-RIGHTS-UNKNOWN: the memberships could not be checked. */
static void report_unknown(sd_exch_ctx *c, const gaps *gp, const char *user)
{
  sd_finding *x = sd_exch_add(c, "AD-RIGHTS-UNKNOWN");
  sd_finding_msg(c->r, x, "The AD preparation SP2 needs must be run by a "
                 "member of %s; srvdoctor could not check %s (%s).",
                 gp->needed.data, gp->unknown.data,
                 c->x->token_st.state != SD_ST_READ
                   ? sd_exch_why_of(&c->x->token_st)
                   : "the domain SIDs could not be read from AD");
  sd_ev_str(c->r, x, "user", user);
  sd_ev_str(c->r, x, "needed_groups", gp->needed.data);
  sd_ev_str(c->r, x, "unchecked_groups", gp->unknown.data);
  sd_ev_str(c->r, x, "token_state", sd_state_name(c->x->token_st.state));
  sd_ev_str(c->r, x, "root_domain_sid_state",
            sd_state_name(c->ad->root_sid_st.state));
  sd_ev_str(c->r, x, "domain_sid_state",
            sd_state_name(c->ad->domain_sid_st.state));
  sd_fix_summary(c->r, x, "Check the memberships by hand before running "
                 "the preparation.");
  sd_step_add(c->r, x, SD_STEP_LOOK, "On the computer that will run "
              "setup, open a Command Prompt and list the groups of your "
              "logon (read-only; Windows Server 2003: whoami comes with "
              "the Support Tools):");
  sd_step_cmd(c->r, x, "whoami /groups");
  sd_step_add(c->r, x, SD_STEP_LOOK, "Check that %s appear in the list of "
              "step %u; if not, ask an Enterprise Admin to add the "
              "account, then log off and on.", gp->needed.data,
              sd_step_number(x));
}

void sd_exch_check_rights(sd_exch_ctx *c, const sd_exch_need *nd)
{
  grp g[3];
  gaps gp;
  const char *user = sd_str_or(c->f->host.user, "the current user");
  find_groups(c, nd, g);
  find_gaps(g, &gp);
  if(gp.needed.len) {
    if(gp.nmissing)
      report_missing(c, g, &gp, user);
    else if(gp.nunknown)
      report_unknown(c, &gp, user);
  }
  free_gaps(&gp);
}
