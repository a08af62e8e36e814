/* report.c - format names and the dispatch to the writers
 * (report_<format>.c).  The report object is in src/core/result.c, the
 * helpers the writers share in report_util.c: the writers never call back
 * into this file. */
#include "srvdoctor/report.h"

#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

static const char *const format_names[] = {"text", "json", "nagios", "prom",
                                           "html", "checkmk"};

int sd_format_parse(const char *s, sd_format *out)
{
  size_t i;
  for(i = 0; i < SD_COUNTOF(format_names); i++) {
    if(sd_strieq(s, format_names[i])) {
      *out = (sd_format)i;
      return 0;
    }
  }
  return -1;
}

const char *sd_format_name(sd_format f)
{
  if((unsigned)f < SD_COUNTOF(format_names))
    return format_names[f];
  return "text";
}

void sd_report_render(const sd_report *r, sd_format fmt,
                      const sd_report_style *style, sd_buf *out)
{
  sd_report_style plain;
  size_t start = out->len;
  memset(&plain, 0, sizeof(plain));
  if(!style)
    style = &plain;
  switch(fmt) {
  case SD_FMT_JSON:
    sd_report_json(r, out);
    break;
  case SD_FMT_NAGIOS:
    sd_report_nagios(r, out);
    break;
  case SD_FMT_PROM:
    sd_report_prom(r, out);
    break;
  case SD_FMT_HTML:
    sd_report_html(r, out);
    break;
  case SD_FMT_CHECKMK:
    sd_report_checkmk(r, out);
    break;
  case SD_FMT_TEXT:
  default:
    sd_report_text(r, style, out);
    break;
  }
  /* Notepad before Windows 10 1809 shows LF-only text as one line; the
   * Prometheus textfile collector rejects CR, and JSON, Nagios and Checkmk
   * output are read by programs. */
  if(style->crlf && (fmt == SD_FMT_TEXT || fmt == SD_FMT_HTML))
    sd_buf_lf_to_crlf(out, start);
}
