/* fleet_html.c - the fleet as one self-contained HTML page: a host x module
 * grid coloured by status, each cell opening that host's findings and steps
 * (<details>), a filter box, then each module's section (its fleet hook: the
 * Exchange upgrade plan, the OCS pools).  Every string from a report goes
 * through sd_html_put.  The only script is the filter's (page.html#TEXT opens
 * it filtered), allowed by a nonce in the Content-Security-Policy; without
 * scripts the page shows every host. */
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/fleet.h"

#define H(b, s) sd_html_put((b), (s))

static const char css[] =
  "body{font-family:Segoe UI,Tahoma,Arial,sans-serif;margin:0 1rem 2rem;"
  "color:#1b1b1b;background:#f4f5f7;line-height:1.4}\n"
  "header{color:#fff;padding:.6rem 1rem;margin:0 -1rem 1rem}\n"
  ".sev-critical{background:#fdecea}.sev-warning{background:#fff1e0}"
  ".sev-unknown{background:#f1e8f7}.sev-ok,.sev-info{background:#edf7ee}\n"
  "header.sev-critical{background:#b71c1c}header.sev-warning"
  "{background:#bf4f00}header.sev-unknown{background:#5e2a84}"
  "header.sev-ok,header.sev-info{background:#1e6b30}\n"
  "table{border-collapse:collapse;margin:.4rem 0;background:#fff}\n"
  "th,td{border:1px solid #ccc;padding:.15rem .5rem;text-align:left;"
  "vertical-align:top}th{background:#eef0f3}\n"
  "details summary{cursor:pointer;font-weight:bold}\n"
  ".finding{border-top:1px solid #ddd;margin-top:.3rem;max-width:48rem}\n"
  /* An open cell widens its column to a readable panel. */
  "#grid td details[open]{width:min(36rem,calc(100vw - 4rem))}\n"
  "pre{background:#1f2430;color:#f2f2f2;padding:.3rem .5rem;"
  "white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere}\n"
  "pre .t{display:inline-block;max-width:100%}\n"
  "input#filter{font-size:1rem;padding:.2rem .4rem;width:20rem}\n"
  ".na{color:#555;font-style:italic}\n";

/* A per-page nonce for the filter script, from the page's own content
 * (FNV-1a): no injected text can carry it, as no tag survives escaping. */
static unsigned long long nonce_of(const sd_fleet *fl)
{
  unsigned long long h = 1469598103934665603ULL;
  size_t i;
  const char *p;
  for(i = 0; i < fl->nhosts; i++)
    for(p = fl->hosts[i].name; *p; p++)
      h = (h ^ (unsigned char)*p) * 1099511628211ULL;
  h ^= (unsigned long long)fl->now;
  return h * 1099511628211ULL;
}

static void put_finding(sd_buf *b, const sd_fleet_finding *f)
{
  size_t i;
  sd_buf_printf(b, "<div class=\"finding sev-%s\"><b>",
                sd_severity_name(f->severity));
  H(b, f->code);
  sd_buf_printf(b, "</b> %s: ", sd_sev_upper(f->severity));
  H(b, f->title);
  sd_buf_puts(b, "<p>");
  H(b, f->message);
  sd_buf_puts(b, "</p>");
  if(f->summary) {
    sd_buf_puts(b, "<p><i>What to do:</i> ");
    H(b, f->summary);
    sd_buf_puts(b, "</p>");
  }
  sd_html_steps(b, f->steps, f->nsteps, NULL);
  for(i = 0; i < f->ncommands; i++) {
    sd_buf_puts(b, "<pre>");
    sd_html_command(b, f->commands[i]);
    sd_buf_puts(b, "</pre>");
  }
  sd_buf_puts(b, "</div>");
}

static void put_cell(sd_buf *b, const sd_fleet_module *m)
{
  size_t k;
  if(!m) {
    sd_buf_puts(b, "<td class=\"na\">not run</td>");
    return;
  }
  sd_buf_printf(b, "<td class=\"sev-%s\"><details><summary>%s</summary>",
                sd_severity_name(m->status),
                m->applicable ? sd_verdict_upper(m->status) : "n/a");
  for(k = 0; k < m->ncodes; k++) {
    if(m->findings)
      put_finding(b, &m->findings[k]);
    else {
      sd_buf_puts(b, "<div>");
      H(b, m->codes[k]);
      sd_buf_puts(b, "</div>");
    }
  }
  sd_buf_puts(b, "</details></td>");
}

/* Every module any host ran, in the order first met: one column each
 * (*cols is allocated; the caller frees it). */
static size_t columns(const sd_fleet *fl, const char ***cols)
{
  size_t i, k, c, n = 0, cap = 0;
  const char **v = NULL;
  for(i = 0; i < fl->nhosts; i++)
    for(k = 0; k < fl->hosts[i].nmodules; k++) {
      const char *id = fl->hosts[i].modules[k].id;
      for(c = 0; c < n; c++)
        if(!strcmp(v[c], id))
          break;
      if(c == n) {
        v = sd_grow(v, &cap, n + 1, sizeof(*v));
        v[n++] = id;
      }
    }
  *cols = v;
  return n;
}

static void put_grid_row(sd_buf *b, const sd_fleet_host *h,
                         const char **cols, size_t n)
{
  char when[32];
  size_t c;
  sd_buf_puts(b, "<tr><th>");
  H(b, h->name);
  sd_buf_printf(b, "</th><td class=\"sev-%s\">%s%s",
                sd_severity_name(h->status), sd_verdict_upper(h->status),
                h->stale ? " (stale report)" : "");
  if(sd_fleet_host_acked(h))
    sd_buf_printf(b, " (%u acknowledged)", (unsigned)sd_fleet_host_acked(h));
  sd_buf_puts(b, "</td><td>");
  sd_time_format(h->collected_at, when);
  sd_buf_puts(b, when[0] ? when : "unknown");
  sd_buf_puts(b, "</td>");
  for(c = 0; c < n; c++)
    put_cell(b, sd_fleet_host_module(h, cols[c]));
  sd_buf_puts(b, "<td>");
  H(b, h->source);
  sd_buf_puts(b, "</td></tr>\n");
}

static void put_grid(sd_buf *b, const sd_fleet *fl)
{
  const char **cols;
  size_t n = columns(fl, &cols), i, c;
  sd_buf_puts(b, "<table id=\"grid\"><thead><tr><th>Host</th><th>Status"
              "</th><th>Collected</th>");
  for(c = 0; c < n; c++) {
    sd_buf_puts(b, "<th>");
    H(b, cols[c]);
    sd_buf_puts(b, "</th>");
  }
  sd_buf_puts(b, "<th>Source</th></tr></thead><tbody>\n");
  for(i = 0; i < fl->nhosts; i++)
    put_grid_row(b, &fl->hosts[i], cols, n);
  for(i = 0; i < fl->nproblems; i++) {
    sd_buf_puts(b, "<tr><th class=\"na\">unreadable file</th><td class=\""
                "sev-unknown\">UNKNOWN</td><td colspan=\"");
    sd_buf_printf(b, "%lu\">", (unsigned long)(n + 1));
    H(b, fl->problems[i].reason);
    sd_buf_puts(b, ".</td><td>");
    H(b, fl->problems[i].source);
    sd_buf_puts(b, "</td></tr>\n");
  }
  sd_buf_puts(b, "</tbody></table>\n");
  free(cols);
}

void sd_fleet_html(const sd_fleet *fl, sd_buf *b)
{
  unsigned long long nonce = nonce_of(fl);
  char when[32];
  sd_time_format(fl->now, when);
  sd_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
                "\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
                "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                "script-src 'nonce-%016llx'\">\n<title>srvdoctor fleet: %s"
                "</title>\n<style>%s</style></head><body>\n",
                nonce, sd_verdict_upper(fl->status), css);
  sd_buf_printf(b, "<header class=\"sev-%s\"><h1>srvdoctor fleet: %s</h1>"
                "<p>%lu hosts: %lu critical, %lu warning, %lu unknown (%lu "
                "stale), %lu ok; %lu files could not be read. Generated %s."
                "</p></header>\n", sd_severity_name(fl->status),
                sd_verdict_upper(fl->status), (unsigned long)fl->nhosts,
                (unsigned long)fl->counts[SD_SEV_CRITICAL],
                (unsigned long)fl->counts[SD_SEV_WARNING],
                (unsigned long)(fl->counts[SD_SEV_UNKNOWN] - fl->nproblems),
                (unsigned long)fl->nstale,
                (unsigned long)(fl->counts[SD_SEV_OK] +
                                fl->counts[SD_SEV_INFO]),
                (unsigned long)fl->nproblems,
                when[0] ? when : "at an unknown time");
  sd_buf_puts(b, "<p><label>Filter: <input id=\"filter\" type=\"search\" "
              "placeholder=\"host, status or code\"></label></p>\n");
  put_grid(b, fl);
  sd_fleet_sections_html(fl, b);
  sd_buf_printf(b, "<script nonce=\"%016llx\">\n"
                "var f=document.getElementById('filter');\n"
                "function apply(){var q=f.value.toLowerCase();"
                "document.querySelectorAll('#grid tbody tr').forEach("
                "function(r){r.hidden=q!==''&&r.textContent.toLowerCase()."
                "indexOf(q)<0;});}\n"
                "f.addEventListener('input',apply);\n"
                "if(location.hash.length>1){f.value=decodeURIComponent("
                "location.hash.slice(1));apply();}\n"
                "</script>\n</body></html>\n", nonce);
}
