/* check_events.c - the hyperv-stuck-vm check: the start-failure events of each
 * VM since its
 * state changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- events ---- */

static int is_start_fail(const sd_event *e)
{
  size_t i;
  int log_ok = 0;
  for(i = 0; i < SD_COUNTOF(hv_logs); i++)
    log_ok |= sd_strieq(e->log, hv_logs[i]);
  if(!log_ok)
    return 0;
  for(i = 0; i < SD_COUNTOF(start_fail_ids); i++)
    if(e->id == start_fail_ids[i])
      return 1;
  return 0;
}

void sd_hv_collect_events(hv_ctx *c)
{
  const sd_event_list *el = &c->f->events;
  size_t i, n = 0;
  c->events_known = el->st.state == SD_ST_READ;
  c->events_why = el->st.state == SD_ST_READ ? NULL :
                  sd_str_or(el->st.why, sd_state_name(el->st.state));
  for(i = 0; i < SD_COUNTOF(hv_logs) && c->events_known; i++) {
    const sd_event_source *s = sd_facts_event_source(c->f, hv_logs[i]);
    if(!s || !sd_fstate_known(&s->st)) {
      c->events_known = 0;
      c->events_why = s ? sd_str_or(s->st.why, sd_state_name(s->st.state)) :
                      "the Hyper-V event logs were not searched";
    }
  }
  for(i = 0; i < el->count; i++)
    n += is_start_fail(&el->items[i]);
  c->ev = sd_xcalloc(n ? n : 1, sizeof(*c->ev));
  for(i = 0; i < el->count; i++) {
    hv_event *h;
    if(!is_start_fail(&el->items[i]))
      continue;
    h = &c->ev[c->nev++];
    h->e = &el->items[i];
    if(!sd_hv_guid_find(h->e->message, h->guid))
      h->guid[0] = '\0';
  }
}

/* Does the message name this VM: 'name' in a rendered message (Hyper-V
 * quotes the name), or a whole insertion string in "a | b | c"? */
static int message_names(const char *msg, const char *name)
{
  const char *p;
  size_t n = name ? strlen(name) : 0;
  if(!msg || !n)
    return 0;
  for(p = msg; (p = strstr(p, name)) != NULL; p++) {
    int quoted = p > msg && p[-1] == '\'' && p[n] == '\'';
    int field = (p == msg || (p - msg >= 3 && !strncmp(p - 3, " | ", 3))) &&
                (p[n] == '\0' || !strncmp(p + n, " | ", 3));
    if(quoted || field)
      return 1;
  }
  return 0;
}

/* Does no VM but the one at index vi carry its name? */
static int name_unique(const sd_hv_facts *hv, size_t vi)
{
  size_t k;
  for(k = 0; k < hv->nvms; k++)
    if(k != vi && sd_streq(hv->vms[k].name, hv->vms[vi].name))
      return 0;
  return 1;
}

/* Start-failure events since `since` of the VM at index vi, whose id is
 * guid (normalised); the event ids into ids.  An event that carries no VM
 * id counts when it names the VM and no other VM has that name. */
size_t sd_hv_vm_events(const hv_ctx *c, size_t vi, const char *guid,
                        sd_time since, sd_buf *ids)
{
  const sd_hv_facts *hv = &c->f->hyperv;
  size_t i, n = 0;
  int unique = -1; /* not looked at yet */
  for(i = 0; i < c->nev; i++) {
    const hv_event *h = &c->ev[i];
    if(h->guid[0]) {
      if(strcmp(h->guid, guid))
        continue;
    }
    else {
      if(!message_names(h->e->message, hv->vms[vi].name))
        continue;
      if(unique < 0)
        unique = name_unique(hv, vi);
      if(!unique)
        continue;
    }
    if(since != SD_TIME_NONE && h->e->time != SD_TIME_NONE &&
       h->e->time < since)
      continue;
    if(n < 8) {
      char when[32];
      sd_time_format(h->e->time, when);
      sd_buf_printf(ids, "%s%u%s%s", n ? ", " : "", (unsigned)h->e->id,
                    when[0] ? " at " : "", when);
    }
    n++;
  }
  return n;
}
