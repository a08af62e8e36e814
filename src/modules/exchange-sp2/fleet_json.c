/* fleet_json.c - the Exchange 2007 SP2 upgrade plan in the fleet's JSON
 * ("exchange", docs/report-json.md). */
#include "fleet.h"

static void put_tristate(sd_jwriter *w, int v)
{
  if(v < 0)
    sd_jw_str(w, "reports disagree");
  else
    sd_jw_bool(w, v);
}

/* One server of the upgrade plan. */
static void put_server(sd_jwriter *w, const sd_fleet *fl,
                       const sd_exch_server *s, size_t i)
{
  size_t k;
  sd_jw_obj_begin(w);
  sd_jw_key(w, "order");
  sd_jw_uint(w, i + 1);
  sd_jw_key(w, "host");
  sd_jw_str(w, fl->hosts[s->host].name);
  sd_jw_key(w, "phase");
  sd_jw_str(w, sd_exch_phase_name(s->phase));
  sd_jw_key(w, "roles");
  sd_jw_str(w, s->roles_text);
  sd_jw_key(w, "build");
  sd_jw_str(w, s->build);
  sd_jw_key(w, "state");
  sd_jw_str(w, sd_exch_state_name(s->state));
  sd_jw_key(w, "blocked_by");
  sd_jw_arr_begin(w);
  for(k = 0; k < s->nblockers; k++)
    sd_jw_str(w, s->blockers[k]);
  sd_jw_arr_end(w);
  if(s->why) {
    sd_jw_key(w, "why");
    sd_jw_str(w, s->why);
  }
  sd_jw_key(w, "site");
  sd_jw_str(w, s->site);
  sd_jw_key(w, "domain");
  sd_jw_str(w, s->domain);
  sd_jw_obj_end(w);
}

/* Whether and where /PrepareSchema, /PrepareAD, /PrepareDomain run. */
static void put_prep(sd_jwriter *w, const sd_fleet *fl,
                     const sd_exch_plan *p)
{
  size_t i;
  sd_jw_key(w, "ad_preparation");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "prepare_schema");
  put_tristate(w, p->prepare_schema);
  sd_jw_key(w, "prepare_ad");
  put_tristate(w, p->prepare_ad);
  sd_jw_key(w, "prepare_domain");
  sd_jw_arr_begin(w);
  for(i = 0; i < p->nprepare_domains; i++)
    sd_jw_str(w, p->prepare_domains[i]);
  sd_jw_arr_end(w);
  sd_jw_key(w, "schema_master");
  sd_jw_str(w, p->schema_master);
  sd_jw_key(w, "schema_master_site");
  sd_jw_str(w, p->schema_master_site);
  sd_jw_key(w, "schema_master_domain");
  sd_jw_str(w, p->schema_master_domain);
  sd_jw_key(w, "groups_needed");
  sd_jw_str(w, "Schema Admins and Enterprise Admins");
  sd_jw_key(w, "run_on");
  sd_jw_arr_begin(w);
  for(i = 0; i < p->nrun_on; i++)
    sd_jw_str(w, fl->hosts[p->run_on[i]].name);
  sd_jw_arr_end(w);
  sd_jw_obj_end(w);
}

/* The AD values the reports disagree on. */
static void put_disagreements(sd_jwriter *w, const sd_fleet *fl,
                              const sd_exch_plan *p)
{
  size_t i, k;
  sd_jw_key(w, "disagreements");
  sd_jw_arr_begin(w);
  for(i = 0; i < p->ndisagree; i++) {
    const sd_ad_disagreement *d = &p->disagree[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "value");
    sd_jw_str(w, d->what);
    sd_jw_key(w, "reports");
    sd_jw_arr_begin(w);
    for(k = 0; k < d->nclaims; k++) {
      sd_jw_obj_begin(w);
      sd_jw_key(w, "host");
      sd_jw_str(w, fl->hosts[d->claims[k].host].name);
      sd_jw_key(w, "value");
      sd_jw_str(w, d->claims[k].value);
      sd_jw_obj_end(w);
    }
    sd_jw_arr_end(w);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
}

/* "exchange": the plan, also when no report shows an Exchange 2007
 * server (an empty plan). */
void sd_exch_fleet_json(const sd_fleet *fl, const void *sec, sd_jwriter *w)
{
  static const sd_exch_plan none;
  const sd_exch_plan *p = sec ? sec : &none;
  size_t i;
  sd_jw_key(w, "exchange");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "servers");
  sd_jw_arr_begin(w);
  for(i = 0; i < p->nservers; i++)
    put_server(w, fl, &p->servers[i], i);
  sd_jw_arr_end(w);
  put_prep(w, fl, p);
  put_disagreements(w, fl, p);
  sd_jw_obj_end(w);
}
