/* snapshot.h - facts <-> JSON.
 *
 * The snapshot format is described by tables (sd_schema) so that reading and
 * writing cannot drift apart: every field a table names is written, in table
 * order, and read back into the same place.  A module describes its own
 * section in src/snapshot/snap_<module>.c. */
#ifndef SRVDOCTOR_SNAPSHOT_H
#define SRVDOCTOR_SNAPSHOT_H

#include <stddef.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/json.h"

#define SD_SNAPSHOT_SCHEMA_VERSION 1

typedef enum sd_ftype {
  SD_F_STR,     /* const char *           string or null */
  SD_F_BOOL,    /* int                    true/false */
  SD_F_INT,     /* int                    integer */
  SD_F_UINT,    /* unsigned               integer >= 0 */
  SD_F_U32,     /* uint32_t */
  SD_F_U64,     /* uint64_t (<= INT64_MAX in JSON) */
  SD_F_I64,     /* int64_t */
  SD_F_TIME,    /* sd_time                "YYYY-MM-DDTHH:MM:SSZ" or null */
  /* sd_fstate              {"state": "...", "error": N, "why": "..."} */
  SD_F_FSTATE,
  SD_F_ENUM,    /* int-sized enum         one of names[] (value = index) */
  SD_F_OBJ,     /* embedded struct        object described by sub */
  SD_F_LIST,    /* T *items; size_t count, cap;   array of objects (sub) */
  SD_F_STRLIST  /* const char **items; size_t count, cap;  array of strings */
} sd_ftype;

typedef struct sd_schema sd_schema;

typedef struct sd_field {
  const char *key;
  sd_ftype type;
  size_t off;
  const sd_schema *sub;           /* SD_F_OBJ, SD_F_LIST */
  const char *const *names;       /* SD_F_ENUM */
  size_t nnames;
} sd_field;

struct sd_schema {
  const char *what;               /* for error messages: "process" */
  const sd_field *fields;
  size_t nfields;
  size_t size;                    /* sizeof the struct (list items) */
};

#define SD_FIELD(T, key, type, member) \
  { key, type, offsetof(T, member), NULL, NULL, 0 }
#define SD_FIELD_SUB(T, key, type, member, sub) \
  { key, type, offsetof(T, member), sub, NULL, 0 }
/* A list of objects: T holds `X *member; size_t count, cap;` in that order,
 * which the table engine relies on (it finds the count and capacity right
 * after the items pointer).  The layout is checked at compile time. */
#define SD_FIELD_LIST(T, key, member, count, cap, sub)                       \
  { key, SD_F_LIST,                                                          \
    offsetof(T, member) + 0 * sizeof(struct {                                \
      _Static_assert(offsetof(T, count) ==                                   \
                     offsetof(T, member) + sizeof(void *),                   \
                     #T "." #count " must follow " #T "." #member);          \
      _Static_assert(offsetof(T, cap) == offsetof(T, count) + sizeof(size_t), \
                     #T "." #cap " must follow " #T "." #count);             \
      _Static_assert(sizeof(((T *)0)->member) == sizeof(void *) &&           \
                     sizeof(((T *)0)->count) == sizeof(size_t) &&            \
                     sizeof(((T *)0)->cap) == sizeof(size_t),                \
                     #T "." #member " must be a pointer with size_t "        \
                     "count and capacity");                                  \
      char sd_layout_checked_;                                               \
    }),                                                                      \
    sub, NULL, 0 }
#define SD_FIELD_ENUM(T, key, member, names) \
  { key, SD_F_ENUM, offsetof(T, member), NULL, names, SD_COUNTOF(names) }
#define SD_SCHEMA(T, what, fields) \
  { what, fields, SD_COUNTOF(fields), sizeof(T) }

/* The whole document (src/snapshot/snap_core.c). */
extern const sd_schema sd_schema_facts;
/* Module sections (defined in src/modules/<id>/snapshot.c). */
#define SD_MODULE(cname, id, field, type) \
  extern const sd_schema sd_schema_##field;
#include "modules.def"
#undef SD_MODULE
/* Shared enum names: sd_svc_state_names, sd_event_level_names (facts.h). */

/* Serialize: deterministic bytes (collect, load, save again is identical).
 * The text ends with "\n". */
void sd_snapshot_write(const sd_facts *f, sd_buf *out);
/* Parse a snapshot.  On failure returns -1, err->msg says what and where,
 * and *f is left initialised but may hold part of the data (free it). */
int sd_snapshot_read_mem(const char *data, size_t len, sd_facts *f,
                         sd_err *err);
int sd_snapshot_read_file(const char *path, sd_facts *f, sd_err *err);

/* Generic table engine (used by the module sections' tests too). */
void sd_schema_write(sd_jwriter *w, const sd_schema *s, const void *obj);
/* The members only (the caller writes the braces and any keys of its own). */
void sd_schema_write_members(sd_jwriter *w, const sd_schema *s,
                             const void *obj);
void sd_schema_defaults(const sd_schema *s, void *obj);
/* Deep copy of a struct a schema describes: strings into arena a, item
 * arrays newly allocated (freed with the facts that own dst). */
void sd_schema_copy(sd_arena *a, const sd_schema *s, void *dst,
                    const void *src);

#endif
