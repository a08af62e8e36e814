/* fleet_text.c - the fleet as text: one line per host, most severe first,
 * a totals line, then each module's section (its fleet hook).  Every string
 * from a report goes through sd_text_put_safe. */
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"

static void put_age(sd_buf *b, const sd_fleet_host *h)
{
  if(h->age_s < 0)
    sd_buf_puts(b, "age unknown");
  else if(h->age_s < 3600)
    sd_buf_printf(b, "age %lldm", (long long)(h->age_s / 60));
  else if(h->age_s < 48 * 3600)
    sd_buf_printf(b, "age %lldh", (long long)(h->age_s / 3600));
  else
    sd_buf_printf(b, "age %lldd", (long long)(h->age_s / 86400));
  if(h->stale)
    sd_buf_puts(b, " (STALE)");
}

static int is_problem(const sd_fleet_module *m, size_t k)
{
  return m->code_sev[k] != SD_SEV_OK && m->code_sev[k] != SD_SEV_INFO;
}

/* A module's problem codes in report order, each once: a code the module
 * gave n times (one per VM, per patch) is "CODE ×n" (U+00D7). */
static void put_codes(sd_buf *b, const sd_fleet_module *m)
{
  size_t k, j, n;
  int first = 1;
  sd_buf_puts(b, " (");
  for(k = 0; k < m->ncodes; k++) {
    if(!is_problem(m, k))
      continue;
    for(j = 0; j < k; j++)
      if(is_problem(m, j) && !strcmp(m->codes[j], m->codes[k]))
        break;
    if(j < k)
      continue; /* counted where it first appeared */
    for(n = 0, j = k; j < m->ncodes; j++)
      n += is_problem(m, j) && !strcmp(m->codes[j], m->codes[k]);
    if(!first)
      sd_buf_puts(b, ", ");
    first = 0;
    sd_text_put_safe(b, m->codes[k]);
    if(n > 1)
      sd_buf_printf(b, " \xC3\x97%u", (unsigned)n);
  }
  sd_buf_putc(b, ')');
}

static void put_host(sd_buf *b, const sd_fleet_host *h)
{
  size_t i;
  sd_buf_printf(b, "%-8s  ", sd_verdict_upper(h->status));
  sd_text_put_safe(b, h->name);
  sd_buf_puts(b, "  ");
  for(i = 0; i < h->nmodules; i++) {
    const sd_fleet_module *m = &h->modules[i];
    if(i)
      sd_buf_puts(b, "; ");
    sd_text_put_safe(b, m->id);
    sd_buf_printf(b, " %s", m->applicable ? sd_verdict_upper(m->status) :
                  "n/a");
    if(m->ncodes && (m->status == SD_SEV_CRITICAL ||
                     m->status == SD_SEV_WARNING ||
                     m->status == SD_SEV_UNKNOWN))
      put_codes(b, m);
  }
  sd_buf_puts(b, "  ");
  if(sd_fleet_host_acked(h))
    sd_buf_printf(b, "%u acknowledged  ", (unsigned)sd_fleet_host_acked(h));
  put_age(b, h);
  sd_buf_putc(b, '\n');
}

void sd_fleet_text(const sd_fleet *fl, sd_buf *b)
{
  size_t i;
  for(i = 0; i < fl->nhosts; i++)
    put_host(b, &fl->hosts[i]);
  for(i = 0; i < fl->nproblems; i++) {
    sd_buf_puts(b, "UNKNOWN   ");
    sd_text_put_safe(b, fl->problems[i].source);
    sd_buf_puts(b, ": ");
    sd_text_put_safe(b, fl->problems[i].reason);
    sd_buf_puts(b, ".\n");
  }
  sd_buf_printf(b, "%s: %lu host%s: %lu critical, %lu warning, %lu unknown "
                "(%lu stale), %lu ok; %lu file%s could not be read",
                sd_verdict_upper(fl->status), (unsigned long)fl->nhosts,
                fl->nhosts == 1 ? "" : "s",
                (unsigned long)fl->counts[SD_SEV_CRITICAL],
                (unsigned long)fl->counts[SD_SEV_WARNING],
                (unsigned long)(fl->counts[SD_SEV_UNKNOWN] - fl->nproblems),
                (unsigned long)fl->nstale,
                (unsigned long)(fl->counts[SD_SEV_OK] +
                                fl->counts[SD_SEV_INFO]),
                (unsigned long)fl->nproblems, fl->nproblems == 1 ? "" : "s");
  if(fl->superseded)
    sd_buf_printf(b, "; %lu older report%s of the same hosts ignored",
                  (unsigned long)fl->superseded,
                   fl->superseded == 1 ? "" : "s");
  sd_buf_puts(b, ".\n");
  sd_fleet_sections_text(fl, b);
}
