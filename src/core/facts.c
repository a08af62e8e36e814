/* facts.c - small helpers and name tables of the facts model.  Creating and
 * freeing a facts structure walks the snapshot schema, so it lives in that
 * layer (src/snapshot/facts_life.c). */
#include "srvdoctor/facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Names of enum values as the snapshot writes them. */
const char *const sd_svc_state_names[8] = {
  "unknown", "stopped", "start_pending", "stop_pending",
  "running", "continue_pending", "pause_pending", "paused"};
const char *const sd_event_level_names[6] = {
  "unknown", "critical", "error", "warning", "info", "verbose"};

static const char *const state_names[] = {"not_collected", "read", "absent",
                                          "unreadable"};

const char *sd_state_name(sd_state s)
{
  if((unsigned)s < SD_COUNTOF(state_names))
    return state_names[s];
  return "not_collected";
}

int sd_state_parse(const char *s, sd_state *out)
{
  int i = sd_name_index(state_names, SD_COUNTOF(state_names), s);
  if(i < 0)
    return -1;
  *out = (sd_state)i;
  return 0;
}

int sd_fstate_known(const sd_fstate *f)
{
  return f->state == SD_ST_READ || f->state == SD_ST_ABSENT;
}

void sd_fstate_set(sd_facts *f, sd_fstate *st, sd_state state, uint32_t error,
                   const char *why_fmt, ...)
{
  st->state = state;
  st->error = error;
  st->why = NULL;
  if(why_fmt) {
    va_list ap;
    va_start(ap, why_fmt);
    st->why = sd_arena_vprintf(&f->arena, why_fmt, ap);
    va_end(ap);
  }
}

const char *sd_facts_str(sd_facts *f, const char *s)
{
  return sd_arena_strdup(&f->arena, s);
}

#define LIST_ADD(fn, T, L)                                           \
  T *fn(L *l)                                                        \
  {                                                                  \
    T *it;                                                           \
    l->items = sd_grow(l->items, &l->cap, l->count, sizeof(T));      \
    it = &l->items[l->count++];                                      \
    memset(it, 0, sizeof(*it));                                      \
    return it;                                                       \
  }

LIST_ADD(sd_service_add, sd_service, sd_service_list)
LIST_ADD(sd_msi_patch_add, sd_msi_patch, sd_msi_patch_list)
LIST_ADD(sd_reboot_add, sd_reboot_flag, sd_reboot_list)

sd_process *sd_process_add(sd_process_list *l)
{
  sd_process *p;
  l->items = sd_grow(l->items, &l->cap, l->count, sizeof(*p));
  p = &l->items[l->count++];
  memset(p, 0, sizeof(*p));
  p->create_time = SD_TIME_NONE;
  return p;
}

sd_hotfix *sd_hotfix_add(sd_hotfix_list *l)
{
  sd_hotfix *h;
  l->items = sd_grow(l->items, &l->cap, l->count, sizeof(*h));
  h = &l->items[l->count++];
  memset(h, 0, sizeof(*h));
  h->installed_at = SD_TIME_NONE;
  return h;
}

int sd_date_mdy_parse(const char *s, unsigned *year, unsigned *month,
                      unsigned *day)
{
  static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30,
                                        31, 30, 31};
  unsigned v[3] = {0, 0, 0};
  size_t part = 0, digits = 0;
  if(!s)
    return -1;
  for(;; s++) {
    if(*s >= '0' && *s <= '9') {
      if(++digits > 4)
        return -1;
      v[part] = v[part] * 10u + (unsigned)(*s - '0');
    }
    else if((*s == '/' && part < 2) || *s == '\0') {
      if(!digits)
        return -1;
      if(*s == '\0')
        break;
      part++;
      digits = 0;
    }
    else
      return -1;
  }
  if(part != 2 || v[2] < 1601 || v[2] > 9999 || v[0] < 1 || v[0] > 12 ||
     v[1] < 1 || v[1] > mdays[v[0] - 1])
    return -1;
  if(v[0] == 2 && v[1] == 29 &&
     !((v[2] % 4 == 0 && v[2] % 100 != 0) || v[2] % 400 == 0))
    return -1;
  *year = v[2];
  *month = v[0];
  *day = v[1];
  return 0;
}

sd_event *sd_event_add(sd_event_list *l)
{
  sd_event *e;
  l->items = sd_grow(l->items, &l->cap, l->count, sizeof(*e));
  e = &l->items[l->count++];
  memset(e, 0, sizeof(*e));
  e->time = SD_TIME_NONE;
  return e;
}

sd_event_source *sd_event_source_add(sd_event_list *l)
{
  sd_event_source *s;
  l->sources = sd_grow(l->sources, &l->cap_sources, l->nsources, sizeof(*s));
  s = &l->sources[l->nsources++];
  memset(s, 0, sizeof(*s));
  s->since = SD_TIME_NONE;
  return s;
}

const sd_service *sd_facts_service(const sd_facts *f, const char *name)
{
  size_t i;
  for(i = 0; i < f->services.count; i++)
    if(sd_strieq(f->services.items[i].name, name))
      return &f->services.items[i];
  return NULL;
}

const sd_event_source *sd_facts_event_source(const sd_facts *f, const char *log)
{
  size_t i;
  for(i = 0; i < f->events.nsources; i++)
    if(sd_strieq(f->events.sources[i].log, log))
      return &f->events.sources[i];
  return NULL;
}
