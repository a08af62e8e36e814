/* fleet.c - the example module's section of the fleet: every greeting,
 * with the host that keeps it, read from the hosts' summaries as the
 * writers go (no section is built). */
#include "report_internal.h"
#include "srvdoctor/fleet.h"

static void ex_text(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  size_t i;
  (void)sec;
  sd_buf_puts(b, "\nGreetings:\n");
  for(i = 0; i < fl->nhosts; i++) {
    const char *g = sd_fleet_summary((sd_fleet *)fl, &fl->hosts[i],
                                     "example-echo", "greeting");
    if(!g)
      continue;
    sd_buf_puts(b, "  ");
    sd_text_put_safe(b, fl->hosts[i].name);
    sd_buf_puts(b, ": ");
    sd_text_put_safe(b, g);
    sd_buf_putc(b, '\n');
  }
}

static void ex_json(const sd_fleet *fl, const void *sec, sd_jwriter *w)
{
  size_t i;
  (void)sec;
  sd_jw_key(w, "greetings");
  sd_jw_arr_begin(w);
  for(i = 0; i < fl->nhosts; i++) {
    const char *g = sd_fleet_summary((sd_fleet *)fl, &fl->hosts[i],
                                     "example-echo", "greeting");
    if(g)
      sd_jw_str(w, g);
  }
  sd_jw_arr_end(w);
}

static void ex_html(const sd_fleet *fl, const void *sec, sd_buf *b)
{
  size_t i;
  (void)sec;
  sd_buf_puts(b, "<h2>Greetings</h2>\n<ul id=\"greetings\">\n");
  for(i = 0; i < fl->nhosts; i++) {
    const char *g = sd_fleet_summary((sd_fleet *)fl, &fl->hosts[i],
                                     "example-echo", "greeting");
    if(!g)
      continue;
    sd_buf_puts(b, "<li>");
    sd_html_put(b, g);
    sd_buf_puts(b, "</li>\n");
  }
  sd_buf_puts(b, "</ul>\n");
}

const sd_fleet_hook sd_fleet_hook_example_echo = {
  NULL, ex_text, ex_json, ex_html, NULL};
