/* report_util.c - the helpers the writers share (report_internal.h). */
#include "srvdoctor/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "srvdoctor/json.h"

size_t sd_utf8_seq(const char *s, uint32_t *cp)
{
  /* s is NUL terminated: at most the bytes up to the NUL are there. */
  size_t avail = 0;
  while(avail < 4 && s[avail])
    avail++;
  return sd_utf8_decode((const unsigned char *)s, avail ? avail : 1, cp,
                        NULL);
}

const char *sd_sev_upper(sd_severity s)
{
  switch(s) {
  case SD_SEV_CRITICAL: return "CRITICAL";
  case SD_SEV_WARNING: return "WARNING";
  case SD_SEV_UNKNOWN: return "UNKNOWN";
  case SD_SEV_INFO: return "INFO";
  case SD_SEV_OK: return "OK";
  }
  return "UNKNOWN";
}

const char *sd_verdict_upper(sd_severity s)
{
  return sd_sev_upper(sd_severity_rank(s) == 0 ? SD_SEV_OK : s);
}

void sd_report_counts(const sd_report *r, size_t counts[5])
{
  size_t i, k;
  for(i = 0; i < 5; i++)
    counts[i] = 0;
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nfindings; k++)
      if((unsigned)r->modules[i].findings[k].severity < 5 &&
         !r->modules[i].findings[k].ack.active)
        counts[r->modules[i].findings[k].severity]++;
}

size_t sd_report_acked(const sd_report *r)
{
  size_t i, k, n = 0;
  for(i = 0; i < r->nmodules; i++)
    for(k = 0; k < r->modules[i].nfindings; k++)
      n += r->modules[i].findings[k].ack.active != 0;
  return n;
}

void sd_ack_sentence(const sd_finding *f, sd_buf *out)
{
  char until[32];
  sd_time_format(f->ack.until, until);
  sd_buf_printf(out, "Acknowledged by %s until %s: %s",
                f->ack.by ? f->ack.by : "?", until,
                f->ack.reason ? f->ack.reason : "");
}

size_t *sd_report_module_order(const sd_report *r)
{
  size_t *order = sd_xcalloc(r->nmodules ? r->nmodules : 1, sizeof(size_t));
  size_t i, n = 0;
  int rank;
  /* Stable: walk the ranks from the most severe down (sd_severity_rank
   * gives every status one of 3..0). */
  for(rank = 3; rank >= 0; rank--)
    for(i = 0; i < r->nmodules; i++)
      if(sd_severity_rank(r->modules[i].status) == rank)
        order[n++] = i;
  return order;
}

void sd_json_put_tool(sd_jwriter *w)
{
  sd_jw_key(w, "tool");
  sd_jw_obj_begin(w);
  sd_jw_key(w, "name");
  sd_jw_str(w, "srvdoctor");
  sd_jw_key(w, "version");
  sd_jw_str(w, SD_VERSION);
  sd_jw_obj_end(w);
}

/* Plugin text (Nagios, Checkmk): control characters become spaces, "|"
 * becomes "/", invalid UTF-8 becomes U+FFFD, bidirectional controls the
 * text "\\u202E".  At most max bytes are added (never splitting a
 * character); returns the bytes added. */
size_t sd_plugin_text(sd_buf *b, const char *s, size_t max)
{
  size_t added = 0;
  char esc[8];
  s = s ? s : "";
  while(*s) {
    uint32_t cp;
    size_t n = sd_utf8_seq(s, &cp);
    const char *out = s;
    size_t outn = n;
    if(n == 0) {
      out = "\xEF\xBF\xBD";
      outn = 3;
      n = 1;
    }
    else if(cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      out = " ";
      outn = 1;
    }
    else if(sd_is_bidi_control(cp)) {
      snprintf(esc, sizeof esc, "\\u%04X", (unsigned)cp);
      out = esc;
      outn = 6;
    }
    else if(cp == '|') {
      out = "/";
      outn = 1;
    }
    if(added + outn > max)
      break;
    sd_buf_put(b, out, outn);
    added += outn;
    s += n;
  }
  return added;
}
