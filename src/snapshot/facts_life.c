/* facts_life.c - creating and freeing a facts structure: defaults and the
 * item arrays come from the snapshot schema that describes every struct. */
#include <stdlib.h>
#include <string.h>

#include "schema_internal.h"

void sd_facts_init(sd_facts *f)
{
  memset(f, 0, sizeof(*f));
  sd_arena_init(&f->arena);
  sd_schema_defaults(&sd_schema_facts, f);
}

/* Free every item array a schema describes inside obj (recursively). */
static void free_lists(const sd_schema *s, void *obj)
{
  size_t i;
  for(i = 0; i < s->nfields; i++) {
    const sd_field *fd = &s->fields[i];
    char *p = (char *)obj + fd->off;
    if(fd->type == SD_F_OBJ) {
      free_lists(fd->sub, p);
    }
    else if(fd->type == SD_F_LIST) {
      char **items = (char **)p;
      size_t count = *(size_t *)(p + sizeof(void *));
      size_t k;
      for(k = 0; k < count && *items; k++)
        free_lists(fd->sub, *items + k * fd->sub->size);
      free(*items);
      *items = NULL;
    }
    else if(fd->type == SD_F_STRLIST) {
      char ***items = (char ***)p;
      free(*items);
      *items = NULL;
    }
  }
}

void sd_facts_free(sd_facts *f)
{
  free_lists(&sd_schema_facts, f);
  sd_arena_free(&f->arena);
  memset(f, 0, sizeof(*f));
}

