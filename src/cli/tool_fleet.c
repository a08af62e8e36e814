/* tool_fleet.c - "srvdoctor fleet PATH...": many hosts at once.
 *
 * Each PATH is a JSON report (check --format json, or a --report-dir
 * folder's file), a snapshot (analysed here with every module), or a folder
 * whose *.json files are taken (not its sub-folders).  A file that cannot be
 * used is listed as unknown with one sentence; the others are still
 * summarised.  The exit code is the worst status across hosts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/fleet.h"
#include "srvdoctor/platform.h"
#include "srvdoctor/runner.h"
#include "srvdoctor/snapshot.h"
#include "tool.h"

/* Larger than any report or snapshot srvdoctor writes by far. */
#define FLEET_MAX_FILE (64u * 1024u * 1024u)

static int read_all(const char *path, sd_buf *out, sd_err *err)
{
  FILE *fp = sd_fopen_regular(path, err);
  char chunk[65536];
  size_t n;
  if(!fp)
    return -1;
  while((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
    if(out->len + n > FLEET_MAX_FILE) {
      fclose(fp);
      sd_err_set(err, SD_EINVAL, "the file is larger than %u MiB: not a "
                 "srvdoctor report", FLEET_MAX_FILE >> 20);
      return -1;
    }
    sd_buf_put(out, chunk, n);
  }
  if(ferror(fp)) {
    fclose(fp);
    sd_err_set(err, SD_EIO, "cannot read the file");
    return -1;
  }
  fclose(fp);
  return 0;
}

static void analyse_snapshot(sd_fleet *fl, const sd_cmdline *cl,
                             const char *path, const sd_buf *b)
{
  sd_facts facts;
  sd_report rep;
  sd_options o;
  sd_err err;
  sd_facts_init(&facts);
  sd_err_clear(&err);
  if(sd_snapshot_read_mem(b->data, b->len, &facts, &err)) {
    char *why = sd_arena_printf(&fl->arena, "not a usable snapshot: %s",
                                err.msg);
    sd_fleet_add_problem(fl, path, why);
    sd_facts_free(&facts);
    return;
  }
  sd_options_defaults(&o);
  sd_report_init(&rep, &facts);
  rep.source = "snapshot";
  sd_run_checks(&facts, &o, NULL, 0, &rep);
  /* The same acknowledgements check applies (--acks, or the default). */
  sd_acks_load_apply(cl, &rep, cl->as_of_set ? cl->as_of : sd_now());
  sd_fleet_add_result(fl, path, &rep);
  sd_report_free(&rep);
  sd_facts_free(&facts);
}

/* -1 when arg (a PATH argument) names nothing: the caller says so. */
static int load_file(sd_fleet *fl, const sd_cmdline *cl, const char *path,
                     int arg)
{
  sd_buf b;
  sd_err err;
  int rc;
  sd_buf_init(&b);
  sd_err_clear(&err);
  if(read_all(path, &b, &err)) {
    if(!arg || err.code != SD_ENOENT)
      sd_fleet_add_problem(fl, path, err.msg);
    sd_buf_free(&b);
    return arg && err.code == SD_ENOENT ? -1 : 0;
  }
  rc = sd_fleet_add_report_mem(fl, path, b.data ? b.data : "", b.len, &err);
  if(rc < 0)
    sd_fleet_add_problem(fl, path, err.msg);
  else if(rc == 1)
    analyse_snapshot(fl, cl, path, &b);
  sd_buf_free(&b);
  return 0;
}

static int is_json_name(const char *name)
{
  size_t n = strlen(name);
  return n > 5 && sd_strieq(name + n - 5, ".json");
}

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One PATH argument; -1 (with its sentence on stderr) when it names
 * nothing: that is an error in the arguments, not a row of the summary. */
static int load_path(sd_fleet *fl, const sd_cmdline *cl, const char *path)
{
  char **names = NULL;
  size_t n = 0, i;
  sd_err err;
  sd_err_clear(&err);
  if(sd_list_entries(path, &names, &n, &err)) {
    if(load_file(fl, cl, path, 1) == 0)
      return 0;
    sd_fail("%s: there is no such file or folder.", path);
    return -1;
  }
  if(n > 1)
    qsort(names, n, sizeof(*names), cmp_names);
  for(i = 0; i < n; i++) {
    char *p;
    if(!is_json_name(names[i]))
      continue;
    p = sd_path_join(path, names[i]);
    load_file(fl, cl, p, 0);
    free(p);
  }
  sd_names_free(names, n);
  return 0;
}

int sd_cmd_fleet(sd_cmdline *cl)
{
  sd_fleet fl;
  sd_buf out;
  size_t i, bad_args = 0;
  int rc;
  int64_t max_age = (int64_t)(cl->max_age_h ? cl->max_age_h :
                              SD_FLEET_MAX_AGE_DEFAULT_H) * 3600;
  sd_fleet_init(&fl, cl->as_of_set ? cl->as_of : sd_now(), max_age);
  fl.keep_detail = cl->format == SD_FMT_HTML;
  for(i = 0; i < cl->npaths; i++)
    bad_args += load_path(&fl, cl, cl->paths[i]) != 0;
  if(!fl.nhosts && !fl.nproblems) {
    if(!bad_args)
      sd_fail("no report or snapshot (*.json) was found in the paths "
              "given.");
    sd_fleet_free(&fl);
    return 3;
  }
  sd_fleet_finish(&fl);
  sd_buf_init(&out);
  if(cl->format == SD_FMT_JSON)
    sd_fleet_json(&fl, &out);
  else if(cl->format == SD_FMT_HTML)
    sd_fleet_html(&fl, &out);
  else
    sd_fleet_text(&fl, &out);
  if(cl->format != SD_FMT_JSON && sd_text_files_crlf())
    sd_buf_lf_to_crlf(&out, 0); /* Notepad before 2019 needs CR LF */
  rc = fl.exit_code;
  if(bad_args) /* a PATH that names nothing leaves the verdict unknown */
    rc = sd_severity_exit_code(sd_severity_worst(fl.status, SD_SEV_UNKNOWN));
  if(cl->output) {
    sd_err err;
    sd_err_clear(&err);
    if(sd_write_file_atomic(cl->output, out.data, out.len, &err)) {
      sd_fail("cannot write the fleet summary: %s.", err.msg);
      rc = 3;
    }
    else if(!cl->quiet)
      sd_note("fleet summary written to %s (%s).", cl->output,
              sd_severity_name(fl.status));
  }
  else if(sd_stream_present(SD_STDOUT) &&
          sd_write_stream(SD_STDOUT, out.data, out.len)) {
    sd_fail("cannot write the fleet summary to standard output.");
    rc = 3;
  }
  sd_buf_free(&out);
  sd_fleet_free(&fl);
  return rc;
}
