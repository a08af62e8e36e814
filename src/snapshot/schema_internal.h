/* schema_internal.h - the snapshot table engine, for the section files. */
#ifndef SRVDOCTOR_SCHEMA_INTERNAL_H
#define SRVDOCTOR_SCHEMA_INTERNAL_H

#include "srvdoctor/json.h"
#include "srvdoctor/snapshot.h"

typedef struct sd_snapctx {
  sd_jreader *r;
  sd_arena *arena;
} sd_snapctx;

/* Read the members of an object whose OBJ_BEGIN was just consumed. */
int sd_schema_read_object(sd_snapctx *c, const sd_schema *s, void *obj);
/* Read the value of one field (the key was just consumed). */
int sd_schema_read_field(sd_snapctx *c, const sd_schema *s, const sd_field *fd,
                         void *obj);

#endif
