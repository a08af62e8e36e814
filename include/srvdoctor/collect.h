/* collect.h - live collection of facts from this machine. */
#ifndef SRVDOCTOR_COLLECT_H
#define SRVDOCTOR_COLLECT_H

#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/module.h"

/* One event log a module reads: its name (channel or classic log), the
 * provider (NULL: any) and the wanted event IDs, 0-terminated (the low 16
 * bits of classic IDs: 7024, not 0xC0001B70).  Rows of one log are merged,
 * so each log is read once. */
typedef struct sd_event_query {
  const char *log;
  const char *provider;
  unsigned short ids[12];
} sd_event_query;

/* A module's part of live collection, defined in its folder
 * (src/modules/<id>/collect_*.c, Windows builds) as sd_collector_<cname>:
 * what the shared collectors should read for it, and its own collector
 * (run when the module's SD_NEED_MODULE bit is asked for). */
typedef struct sd_collector {
  const sd_event_query *events;  /* logs read when the module runs */
  size_t nevents;
  const char *const *services;   /* service configurations to read (a
                                    trailing '*' matches a prefix) */
  size_t nservices;
  const char *const *updates;    /* updates looked for by every route */
  size_t nupdates;
  void (*collect)(sd_facts *f, const sd_options *o);
} sd_collector;

/* Gather the facts the SD_NEED_* bits ask for.  Each item records whether
 * it was read; a failure to read one item is not an error of the run.
 * Returns -1 (SD_ENOTSUP) only when live collection is impossible here. */
int sd_collect_live(sd_facts *f, unsigned needs, const sd_options *o,
                    sd_err *err);

#endif
