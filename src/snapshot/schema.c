/* schema.c - the table engine behind the snapshot format: writes a struct
 * as a JSON object field by field, and reads it back strictly (wrong types,
 * unknown keys and out-of-range numbers are refused with their position). */
#include "schema_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ---- */

static void write_fstate(sd_jwriter *w, const sd_fstate *st)
{
  sd_jw_obj_begin(w);
  sd_jw_key(w, "state");
  sd_jw_str(w, sd_state_name(st->state));
  if(st->error) {
    sd_jw_key(w, "error");
    sd_jw_uint(w, st->error);
  }
  if(st->why) {
    sd_jw_key(w, "why");
    sd_jw_str(w, st->why);
  }
  sd_jw_obj_end(w);
}

static void write_field(sd_jwriter *w, const sd_field *fd, const char *p)
{
  switch(fd->type) {
  case SD_F_STR:
    sd_jw_str(w, *(const char *const *)p);
    break;
  case SD_F_BOOL:
    sd_jw_bool(w, *(const int *)p);
    break;
  case SD_F_INT:
    sd_jw_int(w, *(const int *)p);
    break;
  case SD_F_UINT:
    sd_jw_uint(w, *(const unsigned *)p);
    break;
  case SD_F_U32:
    sd_jw_uint(w, *(const uint32_t *)p);
    break;
  case SD_F_U64:
    sd_jw_uint(w, *(const uint64_t *)p);
    break;
  case SD_F_I64:
    sd_jw_int(w, *(const int64_t *)p);
    break;
  case SD_F_TIME: {
    sd_time t = *(const sd_time *)p;
    char buf[32];
    sd_time_format(t, buf);
    if(t == SD_TIME_NONE || !buf[0])
      sd_jw_null(w);
    else
      sd_jw_str(w, buf);
    break;
  }
  case SD_F_FSTATE:
    write_fstate(w, (const sd_fstate *)p);
    break;
  case SD_F_ENUM: {
    int v = *(const int *)p;
    if(v >= 0 && (size_t)v < fd->nnames)
      sd_jw_str(w, fd->names[v]);
    else
      sd_jw_str(w, fd->names[0]);
    break;
  }
  case SD_F_OBJ:
    sd_schema_write(w, fd->sub, p);
    break;
  case SD_F_LIST: {
    const char *items = *(const char *const *)p;
    size_t count = *(const size_t *)(p + sizeof(void *));
    size_t i;
    sd_jw_arr_begin(w);
    for(i = 0; i < count; i++)
      sd_schema_write(w, fd->sub, items + i * fd->sub->size);
    sd_jw_arr_end(w);
    break;
  }
  case SD_F_STRLIST: {
    const char *const *items = *(const char *const *const *)p;
    size_t count = *(const size_t *)(p + sizeof(void *));
    size_t i;
    sd_jw_arr_begin(w);
    for(i = 0; i < count; i++)
      sd_jw_str(w, items[i]);
    sd_jw_arr_end(w);
    break;
  }
  }
}

void sd_schema_write_members(sd_jwriter *w, const sd_schema *s,
                             const void *obj)
{
  size_t i;
  for(i = 0; i < s->nfields; i++) {
    sd_jw_key(w, s->fields[i].key);
    write_field(w, &s->fields[i], (const char *)obj + s->fields[i].off);
  }
}

void sd_schema_write(sd_jwriter *w, const sd_schema *s, const void *obj)
{
  sd_jw_obj_begin(w);
  sd_schema_write_members(w, s, obj);
  sd_jw_obj_end(w);
}

void sd_schema_defaults(const sd_schema *s, void *obj)
{
  size_t i;
  for(i = 0; i < s->nfields; i++) {
    const sd_field *fd = &s->fields[i];
    char *p = (char *)obj + fd->off;
    if(fd->type == SD_F_TIME)
      *(sd_time *)p = SD_TIME_NONE;
    else if(fd->type == SD_F_OBJ)
      sd_schema_defaults(fd->sub, p);
  }
}

/* ---- deep copy driven by the same tables ---- */


static void copy_field(sd_arena *a, const sd_field *fd, char *d,
                       const char *s)
{
  switch(fd->type) {
  case SD_F_STR:
    *(const char **)d = sd_arena_strdup(a, *(const char *const *)s);
    break;
  case SD_F_FSTATE:
    ((sd_fstate *)d)->why = sd_arena_strdup(a, ((const sd_fstate *)s)->why);
    break;
  case SD_F_OBJ:
    sd_schema_copy(a, fd->sub, d, s);
    break;
  case SD_F_LIST: {
    const char *items = *(const char *const *)s;
    size_t count = *(const size_t *)(s + sizeof(void *));
    char *out = NULL;
    size_t i;
    if(count && items) {
      out = sd_xcalloc(count, fd->sub->size);
      for(i = 0; i < count; i++)
        sd_schema_copy(a, fd->sub, out + i * fd->sub->size,
                       items + i * fd->sub->size);
    }
    else {
      count = 0;
    }
    *(char **)d = out;
    *(size_t *)(d + sizeof(void *)) = count;
    *((size_t *)(d + sizeof(void *)) + 1) = count;
    break;
  }
  case SD_F_STRLIST: {
    const char *const *items = *(const char *const *const *)s;
    size_t count = *(const size_t *)(s + sizeof(void *));
    const char **out = NULL;
    size_t i;
    if(count && items) {
      out = sd_xcalloc(count, sizeof(char *));
      for(i = 0; i < count; i++)
        out[i] = sd_arena_strdup(a, items[i]);
    }
    else {
      count = 0;
    }
    *(const char ***)d = out;
    *(size_t *)(d + sizeof(void *)) = count;
    *((size_t *)(d + sizeof(void *)) + 1) = count;
    break;
  }
  default:
    break; /* plain values came with the memcpy */
  }
}

void sd_schema_copy(sd_arena *a, const sd_schema *s, void *dst,
                    const void *src)
{
  size_t i;
  memcpy(dst, src, s->size);
  for(i = 0; i < s->nfields; i++)
    copy_field(a, &s->fields[i], (char *)dst + s->fields[i].off,
               (const char *)src + s->fields[i].off);
}

/* ---- reading ---- */

static int next(sd_snapctx *c, sd_jtoken *t)
{
  return sd_jr_next(c->r, t);
}

static const char *type_word(sd_jtype t)
{
  switch(t) {
  case SD_JT_OBJ_BEGIN: return "an object";
  case SD_JT_ARR_BEGIN: return "an array";
  case SD_JT_STRING: return "a string";
  case SD_JT_NUMBER: return "a number";
  case SD_JT_TRUE:
  case SD_JT_FALSE: return "a boolean";
  case SD_JT_NULL: return "null";
  default: return "something else";
  }
}

static int wrong(sd_snapctx *c, const sd_jtoken *t, const sd_schema *s,
                 const char *key, const char *want)
{
  return sd_jr_fail(c->r, t, "\"%s\" of %s must be %s, not %s", key, s->what,
                    want, type_word(t->type));
}

static int read_int(sd_snapctx *c, const sd_jtoken *t, const sd_schema *s,
                    const char *key, int64_t lo, int64_t hi, int64_t *out)
{
  /* The failure paths return -1 themselves (not the reporter's value), so
   * every caller, and the compiler, can see that 0 means *out was set. */
  if(t->type != SD_JT_NUMBER || !t->is_int) {
    wrong(c, t, s, key, "an integer");
    return -1;
  }
  if(t->i64 < lo || t->i64 > hi) {
    sd_jr_fail(c->r, t, "\"%s\" of %s is out of range", key, s->what);
    return -1;
  }
  *out = t->i64;
  return 0;
}

static int read_fstate(sd_snapctx *c, const sd_jtoken *first,
                       const sd_schema *s, const char *key, sd_fstate *st)
{
  sd_jtoken t;
  int have_state = 0;
  if(first->type != SD_JT_OBJ_BEGIN)
    return wrong(c, first, s, key, "an object with \"state\"");
  for(;;) {
    if(next(c, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      break;
    if(!strcmp(t.str, "state")) {
      if(next(c, &t))
        return -1;
      if(t.type != SD_JT_STRING || sd_state_parse(t.str, &st->state))
        return sd_jr_fail(c->r, &t, "\"state\" of \"%s\" must be one of "
                          "not_collected, read, absent, unreadable", key);
      have_state = 1;
    }
    else if(!strcmp(t.str, "error")) {
      int64_t v;
      if(next(c, &t))
        return -1;
      if(read_int(c, &t, s, "error", 0, UINT32_MAX, &v))
        return -1;
      st->error = (uint32_t)v;
    }
    else if(!strcmp(t.str, "why")) {
      if(next(c, &t))
        return -1;
      if(t.type == SD_JT_NULL)
        st->why = NULL;
      else if(t.type == SD_JT_STRING)
        st->why = sd_arena_strndup(c->arena, t.str, t.len);
      else
        return wrong(c, &t, s, "why", "a string");
    }
    else {
      return sd_jr_fail(c->r, &t, "unknown key \"%s\" in the state of \"%s\"",
                        t.str, key);
    }
  }
  if(!have_state)
    return sd_jr_fail(c->r, first, "the state of \"%s\" has no \"state\"", key);
  return 0;
}

/* An integer field of any width, within its type's range. */
static int read_int_field(sd_snapctx *c, const sd_jtoken *t,
                          const sd_schema *s, const sd_field *fd, char *p)
{
  int64_t v;
  switch(fd->type) {
  case SD_F_INT:
    if(read_int(c, t, s, fd->key, INT_MIN, INT_MAX, &v))
      return -1;
    *(int *)p = (int)v;
    return 0;
  case SD_F_UINT:
    if(read_int(c, t, s, fd->key, 0, UINT_MAX, &v))
      return -1;
    *(unsigned *)p = (unsigned)v;
    return 0;
  case SD_F_U32:
    if(read_int(c, t, s, fd->key, 0, UINT32_MAX, &v))
      return -1;
    *(uint32_t *)p = (uint32_t)v;
    return 0;
  case SD_F_U64:
    if(read_int(c, t, s, fd->key, 0, INT64_MAX, &v))
      return -1;
    *(uint64_t *)p = (uint64_t)v;
    return 0;
  default:
    if(read_int(c, t, s, fd->key, INT64_MIN, INT64_MAX, &v))
      return -1;
    *(int64_t *)p = v;
    return 0;
  }
}

/* A list of objects, each read by the field's sub-schema. */
static int read_list(sd_snapctx *c, const sd_jtoken *t, const sd_schema *s,
                     const sd_field *fd, char *p)
{
  char **items = (char **)p;
  size_t *count = (size_t *)(p + sizeof(void *));
  size_t *cap = count + 1;
  sd_jtoken it;
  if(t->type != SD_JT_ARR_BEGIN)
    return wrong(c, t, s, fd->key, "an array");
  if(*count)
    return sd_jr_fail(c->r, t, "\"%s\" appears twice", fd->key);
  for(;;) {
    char *item;
    if(next(c, &it))
      return -1;
    if(it.type == SD_JT_ARR_END)
      return 0;
    if(it.type != SD_JT_OBJ_BEGIN)
      return sd_jr_fail(c->r, &it, "items of \"%s\" must be objects",
                        fd->key);
    *items = sd_grow(*items, cap, *count, fd->sub->size);
    item = *items + *count * fd->sub->size;
    (*count)++;
    memset(item, 0, fd->sub->size);
    sd_schema_defaults(fd->sub, item);
    if(sd_schema_read_object(c, fd->sub, item))
      return -1;
  }
}

/* A list of strings. */
static int read_strlist(sd_snapctx *c, const sd_jtoken *t,
                        const sd_schema *s, const sd_field *fd, char *p)
{
  const char ***items = (const char ***)p;
  size_t *count = (size_t *)(p + sizeof(void *));
  size_t *cap = count + 1;
  sd_jtoken it;
  if(t->type != SD_JT_ARR_BEGIN)
    return wrong(c, t, s, fd->key, "an array of strings");
  for(;;) {
    if(next(c, &it))
      return -1;
    if(it.type == SD_JT_ARR_END)
      return 0;
    if(it.type != SD_JT_STRING)
      return sd_jr_fail(c->r, &it, "items of \"%s\" must be strings",
                        fd->key);
    *items = sd_grow(*items, cap, *count, sizeof(char *));
    (*items)[(*count)++] = sd_arena_strndup(c->arena, it.str, it.len);
  }
}

/* A time ("2026-11-26T08:00:00Z" or null) or an enum name. */
static int read_time_or_enum(sd_snapctx *c, const sd_jtoken *t,
                             const sd_schema *s, const sd_field *fd, char *p)
{
  size_t i;
  if(fd->type == SD_F_TIME) {
    if(t->type == SD_JT_NULL) {
      *(sd_time *)p = SD_TIME_NONE;
      return 0;
    }
    if(t->type != SD_JT_STRING || sd_time_parse(t->str, (sd_time *)p))
      return sd_jr_fail(c->r, t, "\"%s\" of %s must be a UTC time like "
                        "\"2026-11-26T08:00:00Z\" or null", fd->key, s->what);
    return 0;
  }
  for(i = 0; t->type == SD_JT_STRING && i < fd->nnames; i++) {
    if(!strcmp(t->str, fd->names[i])) {
      *(int *)p = (int)i;
      return 0;
    }
  }
  return sd_jr_fail(c->r, t, "\"%s\" of %s must be one of the names "
                    "listed in docs/snapshot.md", fd->key, s->what);
}

static int read_value(sd_snapctx *c, const sd_jtoken *t, const sd_schema *s,
                      const sd_field *fd, char *p)
{
  switch(fd->type) {
  case SD_F_STR:
    if(t->type == SD_JT_NULL)
      *(const char **)p = NULL;
    else if(t->type == SD_JT_STRING)
      *(const char **)p = sd_arena_strndup(c->arena, t->str, t->len);
    else
      return wrong(c, t, s, fd->key, "a string or null");
    return 0;
  case SD_F_BOOL:
    if(t->type == SD_JT_TRUE)
      *(int *)p = 1;
    else if(t->type == SD_JT_FALSE)
      *(int *)p = 0;
    else
      return wrong(c, t, s, fd->key, "true or false");
    return 0;
  case SD_F_INT:
  case SD_F_UINT:
  case SD_F_U32:
  case SD_F_U64:
  case SD_F_I64:
    return read_int_field(c, t, s, fd, p);
  case SD_F_TIME:
  case SD_F_ENUM:
    return read_time_or_enum(c, t, s, fd, p);
  case SD_F_FSTATE:
    return read_fstate(c, t, s, fd->key, (sd_fstate *)p);
  case SD_F_OBJ:
    if(t->type != SD_JT_OBJ_BEGIN)
      return wrong(c, t, s, fd->key, "an object");
    return sd_schema_read_object(c, fd->sub, p);
  case SD_F_LIST:
    return read_list(c, t, s, fd, p);
  case SD_F_STRLIST:
    return read_strlist(c, t, s, fd, p);
  }
  return -1;
}

int sd_schema_read_field(sd_snapctx *c, const sd_schema *s, const sd_field *fd,
                         void *obj)
{
  sd_jtoken t;
  if(next(c, &t))
    return -1;
  return read_value(c, &t, s, fd, (char *)obj + fd->off);
}

int sd_schema_read_object(sd_snapctx *c, const sd_schema *s, void *obj)
{
  sd_jtoken t;
  size_t hint = 0;
  for(;;) {
    const sd_field *fd = NULL;
    size_t i;
    if(next(c, &t))
      return -1;
    if(t.type == SD_JT_OBJ_END)
      return 0;
    /* Fields usually come in table order: try the expected one first. */
    if(hint < s->nfields && !strcmp(s->fields[hint].key, t.str)) {
      fd = &s->fields[hint];
      hint++;
    }
    else {
      for(i = 0; i < s->nfields; i++) {
        if(!strcmp(s->fields[i].key, t.str)) {
          fd = &s->fields[i];
          hint = i + 1;
          break;
        }
      }
    }
    if(!fd)
      return sd_jr_fail(c->r, &t, "unknown key \"%s\" in %s", t.str, s->what);
    if(sd_schema_read_field(c, s, fd, obj))
      return -1;
  }
}
