/* runner.c - run the selected modules' checks over one set of facts. */
#include "srvdoctor/runner.h"

#include <string.h>

int sd_parse_only(const char *list, const sd_module **out, size_t max,
                  size_t *count, sd_err *err)
{
  const char *p = list;
  *count = 0;
  while(p && *p) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char id[64];
    const sd_module *m;
    size_t i;
    int dup = 0;
    while(n && p[0] == ' ') {
      p++;
      n--;
    }
    while(n && p[n - 1] == ' ')
      n--;
    if(n == 0 || n >= sizeof(id)) {
      sd_err_set(err, SD_EINVAL, "--only takes module ids separated by "
                 "commas (see srvdoctor list)");
      return -1;
    }
    memcpy(id, p, n);
    id[n] = '\0';
    m = sd_module_find(id);
    if(!m) {
      sd_err_set(err, SD_EINVAL, "unknown module \"%s\" in --only (srvdoctor "
                 "list shows the module ids)", id);
      return -1;
    }
    for(i = 0; i < *count; i++)
      dup |= out[i] == m;
    if(!dup && *count < max)
      out[(*count)++] = m;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

unsigned sd_needs_of(const sd_module *const *mods, size_t n)
{
  unsigned needs = SD_NEED_HOST;
  size_t i;
  if(n == 0)
    mods = sd_modules(&n);
  for(i = 0; i < n; i++)
    needs |= mods[i]->needs;
  return needs;
}

void sd_run_checks(const sd_facts *f, const sd_options *o,
                   const sd_module *const *selected, size_t nselected,
                   sd_report *rep)
{
  size_t nall, i, k;
  const sd_module *const *all = sd_modules(&nall);
  for(i = 0; i < nall; i++) {
    const sd_module *m = all[i];
    int run = (m == &sd_module_host) || nselected == 0;
    sd_module_result *res;
    for(k = 0; k < nselected && !run; k++)
      run = selected[k] == m;
    if(!run)
      continue;
    res = sd_report_add_module(rep, m->id, m->title);
    m->check(f, o, res);
  }
  sd_report_finish(rep);
}
