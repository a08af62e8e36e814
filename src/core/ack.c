/* ack.c - the acks file: read, change, write (srvdoctor/ack.h).  The file
 * is small and read whole; the reader is strict so that a damaged file is
 * reported instead of half applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/ack.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/json.h"

void sd_acks_init(sd_acks *a)
{
  memset(a, 0, sizeof(*a));
  sd_arena_init(&a->arena);
}

void sd_acks_free(sd_acks *a)
{
  free(a->items);
  sd_arena_free(&a->arena);
  memset(a, 0, sizeof(*a));
}

const char *sd_ack_target_of(const sd_finding *f, const char *host)
{
  return f->target && *f->target ? f->target : host;
}

void sd_acks_put(sd_acks *a, const sd_ack *x)
{
  sd_ack *n;
  sd_acks_remove(a, x->code, x->target);
  a->items = sd_grow(a->items, &a->cap, a->count, sizeof(*n));
  n = &a->items[a->count++];
  n->code = sd_arena_strdup(&a->arena, x->code);
  n->target = sd_arena_strdup(&a->arena, x->target);
  n->until = x->until;
  n->reason = sd_arena_strdup(&a->arena, x->reason);
  n->by = sd_arena_strdup(&a->arena, x->by);
  n->at = x->at;
}

size_t sd_acks_remove(sd_acks *a, const char *code, const char *target)
{
  size_t i, k = 0, removed = 0;
  for(i = 0; i < a->count; i++) {
    if(sd_strieq(a->items[i].code, code) &&
       sd_target_same(a->items[i].target, target)) {
      removed++;
      continue;
    }
    a->items[k++] = a->items[i];
  }
  a->count = k;
  return removed;
}

void sd_acks_write(const sd_acks *a, sd_buf *out)
{
  sd_jwriter w;
  size_t i;
  char t[32];
  sd_jw_init(&w, out);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "acks_version");
  sd_jw_int(&w, SD_ACKS_VERSION);
  sd_jw_key(&w, "acks");
  sd_jw_arr_begin(&w);
  for(i = 0; i < a->count; i++) {
    const sd_ack *x = &a->items[i];
    sd_jw_obj_begin(&w);
    sd_jw_key(&w, "code");
    sd_jw_str(&w, x->code);
    sd_jw_key(&w, "target");
    sd_jw_str(&w, x->target);
    sd_jw_key(&w, "until");
    sd_time_format(x->until, t);
    sd_jw_str(&w, t);
    sd_jw_key(&w, "reason");
    sd_jw_str(&w, x->reason);
    sd_jw_key(&w, "by");
    sd_jw_str(&w, x->by);
    sd_jw_key(&w, "at");
    sd_time_format(x->at, t);
    sd_jw_str(&w, t);
    sd_jw_obj_end(&w);
  }
  sd_jw_arr_end(&w);
  sd_jw_obj_end(&w);
  sd_buf_putc(out, '\n');
}

/* The fields of one entry, as read. */
enum { F_CODE, F_TARGET, F_UNTIL, F_REASON, F_BY, F_AT, F_COUNT };
static const char *const field_names[F_COUNT] = {"code", "target", "until",
                                                 "reason", "by", "at"};

/* One entry: an object of six non-empty strings, the two times in the
 * report's UTC form. */
static int read_entry(sd_jreader *r, sd_acks *out, size_t n)
{
  sd_jtoken t;
  const char *v[F_COUNT] = {NULL, NULL, NULL, NULL, NULL, NULL};
  sd_ack x;
  int k;
  for(;;) {
    if(sd_jr_next(r, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      break;
    for(k = 0; k < F_COUNT && strcmp(t.str, field_names[k]); k++)
      ;
    if(k == F_COUNT)
      return sd_jr_fail(r, &t, "entry %lu has an unknown key \"%.40s\"",
                        (unsigned long)n, t.str);
    if(sd_jr_next(r, &t))
      return -1;
    if(t.type != SD_JT_STRING || !*t.str)
      return sd_jr_fail(r, &t, "entry %lu: \"%s\" must be a non-empty "
                        "string", (unsigned long)n, field_names[k]);
    v[k] = sd_arena_strdup(&out->arena, t.str);
  }
  for(k = 0; k < F_COUNT; k++)
    if(!v[k])
      return sd_jr_fail(r, &t, "entry %lu has no \"%s\"", (unsigned long)n,
                        field_names[k]);
  x.code = v[F_CODE];
  x.target = v[F_TARGET];
  x.reason = v[F_REASON];
  x.by = v[F_BY];
  if(sd_time_parse(v[F_UNTIL], &x.until) || sd_time_parse(v[F_AT], &x.at))
    return sd_jr_fail(r, &t, "entry %lu: \"until\" and \"at\" must be UTC "
                      "times like 2026-12-10T00:00:00Z", (unsigned long)n);
  out->items = sd_grow(out->items, &out->cap, out->count, sizeof(x));
  out->items[out->count++] = x;
  return 0;
}

static int read_list(sd_jreader *r, sd_acks *out)
{
  sd_jtoken t;
  if(sd_jr_next(r, &t))
    return -1;
  if(t.type != SD_JT_ARR_BEGIN)
    return sd_jr_fail(r, &t, "\"acks\" must be a list");
  for(;;) {
    if(sd_jr_next(r, &t))
      return -1;
    if(t.type == SD_JT_ARR_END)
      return 0;
    if(t.type != SD_JT_OBJ_BEGIN)
      return sd_jr_fail(r, &t, "entry %lu is not an object",
                        (unsigned long)out->count + 1);
    if(read_entry(r, out, out->count + 1))
      return -1;
  }
}

/* The document: {"acks_version": 1, "acks": [...]}, nothing else. */
static int read_doc(sd_jreader *r, sd_acks *out)
{
  sd_jtoken t;
  int version = 0, list = 0;
  if(sd_jr_next(r, &t))
    return -1;
  if(t.type != SD_JT_OBJ_BEGIN)
    return sd_jr_fail(r, &t, "the file is not a JSON object");
  for(;;) {
    if(sd_jr_next(r, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      break;
    if(!strcmp(t.str, "acks_version")) {
      if(sd_jr_next(r, &t))
        return -1;
      if(t.type != SD_JT_NUMBER || !t.is_int || t.i64 != SD_ACKS_VERSION)
        return sd_jr_fail(r, &t, "\"acks_version\" must be %d",
                          SD_ACKS_VERSION);
      version = 1;
    }
    else if(!strcmp(t.str, "acks")) {
      if(read_list(r, out))
        return -1;
      list = 1;
    }
    else
      return sd_jr_fail(r, &t, "unknown key \"%.40s\"", t.str);
  }
  if(!version || !list)
    return sd_jr_fail(r, &t, "\"acks_version\" and \"acks\" are both "
                      "needed");
  if(sd_jr_next(r, &t))
    return -1;
  return 0;
}

int sd_acks_parse(const char *data, size_t len, sd_acks *out, sd_err *err)
{
  sd_jreader *r;
  int rc;
  if(len == 0)
    return 0; /* an empty file holds no acknowledgement */
  r = sd_jr_new_mem(data, len);
  rc = read_doc(r, out);
  if(rc) {
    sd_err_set(err, SD_EPARSE, "%s", sd_jr_error(r));
    out->count = 0; /* nothing of a damaged file is applied */
  }
  sd_jr_free(r);
  return rc;
}
