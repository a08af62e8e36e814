/* sdtest.h - helpers for the cmocka unit tests: load a snapshot fixture,
 * run one module's check on it, and find findings in the result.
 * Include after <cmocka.h>. */
#ifndef SRVDOCTOR_SDTEST_H
#define SRVDOCTOR_SDTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include "srvdoctor/module.h"
#include "srvdoctor/report.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"

/* Path of a file below tests/fixtures (SD_FIXTURES_DIR is set by CTest). */
static inline const char *sdt_fixture(const char *rel)
{
  static char path[4096];
  const char *dir = getenv("SD_FIXTURES_DIR");
  snprintf(path, sizeof(path), "%s/%s", dir ? dir : "../tests/fixtures", rel);
  return path;
}

/* Load a snapshot fixture; fails the test with the reader's message. */
static inline void sdt_load(const char *rel, sd_facts *f)
{
  sd_err err;
  sd_err_clear(&err);
  sd_facts_init(f);
  if(sd_snapshot_read_file(sdt_fixture(rel), f, &err)) {
    fprintf(stderr, "fixture %s: %s\n", rel, err.msg);
    fail_msg("fixture %s does not load", rel);
  }
}

/* Run the host module and the module `id` (NULL: all) over f. */
static inline void sdt_run(const sd_facts *f, const sd_options *o,
                           const char *id, sd_report *rep)
{
  const sd_module *sel[1];
  size_t n = 0;
  sd_options def;
  if(!o) {
    sd_options_defaults(&def);
    o = &def;
  }
  if(id) {
    sel[0] = sd_module_find(id);
    assert_non_null(sel[0]);
    n = 1;
  }
  sd_report_init(rep, f);
  sd_run_checks(f, o, sel, n, rep);
}

static inline const sd_module_result *sdt_module(const sd_report *rep,
                                                 const char *id)
{
  size_t i;
  for(i = 0; i < rep->nmodules; i++)
    if(!strcmp(rep->modules[i].id, id))
      return &rep->modules[i];
  return NULL;
}

/* Number of findings with this code in the whole report. */
static inline size_t sdt_count(const sd_report *rep, const char *code)
{
  size_t i, k, n = 0;
  for(i = 0; i < rep->nmodules; i++)
    for(k = 0; k < rep->modules[i].nfindings; k++)
      if(!strcmp(rep->modules[i].findings[k].code, code))
        n++;
  return n;
}

/* The nth (0-based) finding with this code, or NULL. */
static inline const sd_finding *sdt_find(const sd_report *rep,
                                         const char *code, size_t nth)
{
  size_t i, k;
  for(i = 0; i < rep->nmodules; i++)
    for(k = 0; k < rep->modules[i].nfindings; k++)
      if(!strcmp(rep->modules[i].findings[k].code, code) && nth-- == 0)
        return &rep->modules[i].findings[k];
  return NULL;
}

/* Evidence value as text ("" when missing; ints and bools printed). */
static inline const char *sdt_ev(const sd_finding *f, const char *key)
{
  static char buf[64];
  const sd_evidence *e = sd_finding_evidence(f, key);
  if(!e)
    return "";
  if(e->type == SD_EV_STR)
    return e->str;
  if(e->type == SD_EV_BOOL)
    return e->num ? "true" : "false";
  snprintf(buf, sizeof(buf), "%lld", (long long)e->num);
  return buf;
}

/* Does any remediation command of f contain needle? */
static inline int sdt_has_command(const sd_finding *f, const char *needle)
{
  size_t i;
  for(i = 0; i < sd_finding_ncommands(f); i++)
    if(strstr(sd_finding_command(f, i), needle))
      return 1;
  return 0;
}

/* Every *.json below tests/fixtures that is a snapshot (paths relative to
 * it, malloc'd); the caller frees them. */
static inline size_t sdt_list_snapshots(char ***out)
{
  static const char *const dirs[] = {"exchange-sp2", "host", "hyperv-stuck-vm",
                                     "ocs-kb974571", "fleet/org"};
  char **names = NULL;
  size_t n = 0, cap = 0, d;
  for(d = 0; d < SD_COUNTOF(dirs); d++) {
    DIR *dir = opendir(sdt_fixture(dirs[d]));
    struct dirent *e;
    if(!dir)
      continue;
    while((e = readdir(dir)) != NULL) {
      char rel[1024];
      FILE *fp;
      char head[256];
      size_t got;
      size_t len = strlen(e->d_name);
      if(len < 6 || strcmp(e->d_name + len - 5, ".json"))
        continue;
      snprintf(rel, sizeof(rel), "%s/%s", dirs[d], e->d_name);
      fp = fopen(sdt_fixture(rel), "rb");
      if(!fp)
        continue;
      got = fread(head, 1, sizeof(head) - 1, fp);
      fclose(fp);
      head[got] = '\0';
      if(!strstr(head, "\"kind\": \"srvdoctor-snapshot\""))
        continue;
      names = sd_grow(names, &cap, n, sizeof(*names));
      names[n++] = sd_xstrdup(rel);
    }
    closedir(dir);
  }
  *out = names;
  return n;
}

#endif
