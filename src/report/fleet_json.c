/* fleet_json.c - the fleet as JSON: schema_version 1, kind "fleet" (see
 * docs/report-json.md). */
#include <string.h>

#include "srvdoctor/fleet.h"
#include "srvdoctor/json.h"
#include "report_internal.h"

static void put_time(sd_jwriter *w, sd_time t)
{
  char s[32];
  sd_time_format(t, s);
  if(s[0])
    sd_jw_str(w, s);
  else
    sd_jw_null(w);
}

/* A file name as "source": as it is when it is UTF-8.  A name with bytes
 * that are not (a POSIX file system allows any) would otherwise get
 * U+FFFD and no longer name the file: then each such byte is the text
 * \xNN, a backslash is doubled so that the form reads back without
 * doubt, and "source_escaped": true follows (docs/report-json.md). */
static void put_source(sd_jwriter *w, const char *src)
{
  sd_buf t;
  const char *p = src ? src : "";
  if(sd_utf8_valid(p, strlen(p))) {
    sd_jw_key(w, "source");
    sd_jw_str(w, p);
    return;
  }
  sd_buf_init(&t);
  while(*p) {
    uint32_t cp;
    size_t n = sd_utf8_seq(p, &cp);
    if(n == 0)
      sd_buf_printf(&t, "\\x%02X", (unsigned)(unsigned char)*p);
    else if(*p == '\\')
      sd_buf_puts(&t, "\\\\");
    else
      sd_buf_put(&t, p, n);
    p += n ? n : 1;
  }
  sd_jw_key(w, "source");
  sd_jw_str(w, t.data ? t.data : "");
  sd_jw_key(w, "source_escaped");
  sd_jw_bool(w, 1);
  sd_buf_free(&t);
}

static void put_host(sd_jwriter *w, const sd_fleet_host *h)
{
  size_t i, k;
  sd_jw_obj_begin(w);
  sd_jw_key(w, "name");
  sd_jw_str(w, h->name);
  sd_jw_key(w, "status");
  sd_jw_str(w, sd_severity_name(h->status));
  sd_jw_key(w, "report_status");
  sd_jw_str(w, sd_severity_name(h->report_status));
  sd_jw_key(w, "collected_at");
  put_time(w, h->collected_at);
  sd_jw_key(w, "age_seconds");
  if(h->age_s < 0)
    sd_jw_null(w);
  else
    sd_jw_int(w, h->age_s);
  put_source(w, h->source);
  sd_jw_key(w, "kind");
  sd_jw_str(w, h->kind);
  sd_jw_key(w, "stale");
  sd_jw_bool(w, h->stale);
  sd_jw_key(w, "acknowledged");
  sd_jw_int(w, (int64_t)sd_fleet_host_acked(h));
  sd_jw_key(w, "modules");
  sd_jw_arr_begin(w);
  for(i = 0; i < h->nmodules; i++) {
    const sd_fleet_module *m = &h->modules[i];
    sd_jw_obj_begin(w);
    sd_jw_key(w, "id");
    sd_jw_str(w, m->id);
    sd_jw_key(w, "status");
    sd_jw_str(w, sd_severity_name(m->status));
    sd_jw_key(w, "codes");
    sd_jw_arr_begin(w);
    for(k = 0; k < m->ncodes; k++)
      sd_jw_str(w, m->codes[k]);
    sd_jw_arr_end(w);
    sd_jw_obj_end(w);
  }
  sd_jw_arr_end(w);
  sd_jw_obj_end(w);
}

void sd_fleet_json(const sd_fleet *fl, sd_buf *out)
{
  sd_jwriter w;
  size_t i;
  sd_jw_init(&w, out);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "schema_version");
  sd_jw_int(&w, 1);
  sd_jw_key(&w, "kind");
  sd_jw_str(&w, "fleet");
  sd_json_put_tool(&w);
  sd_jw_key(&w, "generated_at");
  put_time(&w, fl->now);
  sd_jw_key(&w, "max_age_hours");
  sd_jw_int(&w, fl->max_age_s / 3600);
  sd_jw_key(&w, "status");
  sd_jw_str(&w, sd_severity_name(fl->status));
  sd_jw_key(&w, "exit_code");
  sd_jw_int(&w, fl->exit_code);
  sd_jw_key(&w, "hosts");
  sd_jw_arr_begin(&w);
  for(i = 0; i < fl->nhosts; i++)
    put_host(&w, &fl->hosts[i]);
  sd_jw_arr_end(&w);
  sd_jw_key(&w, "counts");
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "critical");
  sd_jw_uint(&w, fl->counts[SD_SEV_CRITICAL]);
  sd_jw_key(&w, "warning");
  sd_jw_uint(&w, fl->counts[SD_SEV_WARNING]);
  sd_jw_key(&w, "unknown");
  sd_jw_uint(&w, fl->counts[SD_SEV_UNKNOWN]);
  sd_jw_key(&w, "ok");
  sd_jw_uint(&w, fl->counts[SD_SEV_OK] + fl->counts[SD_SEV_INFO]);
  sd_jw_key(&w, "stale");
  sd_jw_uint(&w, fl->nstale);
  sd_jw_key(&w, "problems");
  sd_jw_uint(&w, fl->nproblems);
  sd_jw_key(&w, "superseded");
  sd_jw_uint(&w, fl->superseded);
  sd_jw_obj_end(&w);
  sd_fleet_sections_json(fl, &w);
  sd_jw_key(&w, "problems");
  sd_jw_arr_begin(&w);
  for(i = 0; i < fl->nproblems; i++) {
    sd_jw_obj_begin(&w);
    put_source(&w, fl->problems[i].source);
    sd_jw_key(&w, "status");
    sd_jw_str(&w, "unknown");
    sd_jw_key(&w, "reason");
    sd_jw_str(&w, fl->problems[i].reason);
    sd_jw_obj_end(&w);
  }
  sd_jw_arr_end(&w);
  sd_jw_obj_end(&w);
  sd_buf_putc(out, '\n');
}
