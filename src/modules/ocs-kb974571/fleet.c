/* fleet.c - ocs-kb974571's section of the fleet: the LCS/OCS Front Ends
 * grouped by pool, from each host's summary of this module (summary.c),
 * and which of them need OCSASNFix.exe; in text, JSON ("ocs_pools") and
 * HTML.  Every string from a report goes through the writers' escaping. */
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "report_internal.h"

#define OCS "ocs-kb974571"
#define H(b, s) sd_html_put((b), (s))

/* The summary value key of this module on host h, as text. */
static const char *sum(sd_fleet *fl, const sd_fleet_host *h, const char *key)
{
  return sd_fleet_summary(fl, h, OCS, key);
}

static const char *pool_key(sd_fleet *fl, const sd_fleet_host *h, int *named)
{
  const char *pool = sum(fl, h, "pool");
  const char *edition = sum(fl, h, "edition");
  const char *product = sum(fl, h, "product");
  *named = pool != NULL;
  if(pool)
    return pool;
  /* The reports do not name the pool (srvdoctor does not collect it): a
   * Standard Edition server is a pool of its own; Enterprise Edition Front
   * Ends of the same product are shown together. */
  if(edition && sd_strieq(edition, "Standard"))
    return sd_arena_printf(&fl->arena, "%s (Standard Edition, a pool of "
                           "its own)", h->name);
  return sd_arena_printf(&fl->arena, "%s, %s Edition Front Ends (pool name "
                         "not in the reports)",
                         sd_str_or(product, "OCS"),
                         sd_str_or(edition, "unknown"));
}

static void build_pools(sd_fleet *fl, sd_ocs_pools *op)
{
  size_t i, k;
  const char **keys = sd_arena_alloc(&fl->arena,
                                     (fl->nhosts + 1) * sizeof(char *));
  size_t *pool_of = sd_xcalloc(fl->nhosts + 1, sizeof(size_t));
  int *member = sd_xcalloc(fl->nhosts + 1, sizeof(int));
  op->pools = sd_arena_alloc(&fl->arena, (fl->nhosts + 1) *
                             sizeof(*op->pools));
  for(i = 0; i < fl->nhosts; i++) {
    const sd_fleet_host *h = &fl->hosts[i];
    const sd_fleet_module *m = sd_fleet_host_module(h, OCS);
    int named;
    const char *key;
    /* A Front End (the check named its product, or judged its service). */
    if(!m || !m->applicable || !m->ncodes ||
       !sd_fleet_summary_true(h, OCS, "front_end") ||
       sd_fleet_summary_true(h, OCS, "not_installed"))
      continue;
    key = pool_key(fl, h, &named);
    for(k = 0; k < op->npools; k++)
      if(sd_strieq(keys[k], key))
        break;
    if(k == op->npools) {
      keys[k] = key;
      op->pools[k].name = key;
      op->pools[k].named = named;
      op->npools++;
    }
    pool_of[i] = k;
    member[i] = 1;
    op->pools[k].nmembers++;
  }
  for(k = 0; k < op->npools; k++) {
    op->pools[k].members = sd_arena_alloc(&fl->arena,
                                          op->pools[k].nmembers *
                                          sizeof(sd_ocs_member));
    op->pools[k].nmembers = 0;
  }
  for(i = 0; i < fl->nhosts; i++) {
    const sd_fleet_module *m;
    sd_ocs_member *o;
    if(!member[i])
      continue;
    m = sd_fleet_host_module(&fl->hosts[i], OCS);
    o = &op->pools[pool_of[i]].members[op->pools[pool_of[i]].nmembers++];
    o->host = i;
    o->status = m->status;
    o->code = m->codes[0];
    o->needs_asnfix = sd_fleet_summary_true(&fl->hosts[i], OCS,
                                            "needs_ocsasnfix");
  }
  free(pool_of);
  free(member);
}

static void *ocs_fleet_build(sd_fleet *fl)
{
  sd_ocs_pools *op = sd_xcalloc(1, sizeof(*op));
  build_pools(fl, op);
  if(!op->npools) {
    free(op);
    return NULL;
  }
  return op;
}

/* ---- writers ---- */

static void ocs_text(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  const sd_ocs_pools *op = sec;
  size_t i, k;
  if(!op)
    return;
  sd_buf_printf(b, "\nOCS pools (%lu):\n", (unsigned long)op->npools);
  for(i = 0; i < op->npools; i++) {
    const sd_ocs_pool *p = &op->pools[i];
    size_t nfix = 0;
    sd_buf_puts(b, "  ");
    sd_text_put_safe(b, p->name);
    sd_buf_puts(b, ": ");
    for(k = 0; k < p->nmembers; k++) {
      const sd_ocs_member *m = &p->members[k];
      if(k)
        sd_buf_puts(b, ", ");
      sd_text_put_safe(b, fl->hosts[m->host].name);
      sd_buf_printf(b, " %s (", sd_verdict_upper(m->status));
      sd_text_put_safe(b, m->code);
      sd_buf_putc(b, ')');
      nfix += (size_t)m->needs_asnfix;
    }
    sd_buf_putc(b, '\n');
    if(nfix) {
      sd_buf_puts(b, "    Run OCSASNFix.exe on each of these Front Ends: ");
      for(k = 0, nfix = 0; k < p->nmembers; k++) {
        if(!p->members[k].needs_asnfix)
          continue;
        if(nfix++)
          sd_buf_puts(b, ", ");
        sd_text_put_safe(b, fl->hosts[p->members[k].host].name);
      }
      sd_buf_puts(b, ".\n");
    }
  }
}

/* "ocs_pools": also when no report shows a Front End (an empty list). */
static void ocs_json(const sd_fleet *fl, const void *sec, sd_jwriter *w)
{
  static const sd_ocs_pools none;
  const sd_ocs_pools *op = sec ? sec : &none;
  size_t i, k;
  sd_jw_key(w, "ocs_pools");
  sd_jw_arr_begin(w);
  for(i = 0; i < op->npools; i++) {
    const sd_ocs_pool *p = &op->pools[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "pool");
    sd_jw_str(w, p->name);
    sd_jw_key(w, "named_by_reports");
    sd_jw_bool(w, p->named);
    sd_jw_key(w, "front_ends");
    sd_jw_arr_begin(w);
    for(k = 0; k < p->nmembers; k++) {
      const sd_ocs_member *m = &p->members[k];
      sd_jw_obj_begin(w);
      sd_jw_key(w, "host");
      sd_jw_str(w, fl->hosts[m->host].name);
      sd_jw_key(w, "status");
      sd_jw_str(w, sd_severity_name(m->status));
      sd_jw_key(w, "code");
      sd_jw_str(w, m->code);
      sd_jw_key(w, "run_ocsasnfix");
      sd_jw_bool(w, m->needs_asnfix);
      sd_jw_obj_end(w);
    }
    sd_jw_arr_end(w);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
}

static void ocs_html(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  const sd_ocs_pools *op = sec;
  size_t i, k;
  if(!op)
    return;
  sd_buf_puts(b, "<h2>OCS pools</h2>\n<ul id=\"pools\">\n");
  for(i = 0; i < op->npools; i++) {
    const sd_ocs_pool *p = &op->pools[i];
    sd_buf_puts(b, "<li><b>");
    H(b, p->name);
    sd_buf_puts(b, "</b>: ");
    for(k = 0; k < p->nmembers; k++) {
      const sd_ocs_member *m = &p->members[k];
      if(k)
        sd_buf_puts(b, ", ");
      H(b, fl->hosts[m->host].name);
      sd_buf_printf(b, " <span class=\"sev-%s\">%s</span> (",
                    sd_severity_name(m->status), sd_verdict_upper(m->status));
      H(b, m->code);
      sd_buf_puts(b, m->needs_asnfix ? "; run OCSASNFix.exe here)" : ")");
    }
    sd_buf_puts(b, "</li>\n");
  }
  sd_buf_puts(b, "</ul>\n");
}

const sd_fleet_hook sd_fleet_hook_ocs_kb974571 = {
  ocs_fleet_build, ocs_text, ocs_json, ocs_html, free};
