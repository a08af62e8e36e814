/* tool_args.c - command-line parsing.  GNU-style long options with short
 * aliases ("--output FILE", "--output=FILE", "-o FILE"), plus the Windows
 * help switches "-?" and "/?" and Windows-style long options ("/output
 * FILE", "/output:FILE"; only where the word after "/" is an option's
 * name, so paths that start with "/" stay paths).  Long option names
 * compare without case (--HELP, /Format).  One option takes an optional value:
 * "--report-dir" alone means the default folder, "--report-dir DIR" and
 * "--report-dir=DIR" name one (see optional_value). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

typedef enum opt_kind {
  O_FLAG,
  O_STR,
  O_INT,
  O_OPTSTR /* a string that may be left out */
} opt_kind;

typedef enum opt_id {
  OPT_HELP, OPT_VERSION, OPT_ONLY, OPT_FROM, OPT_FORMAT, OPT_OUTPUT,
  OPT_LDAP_PWFILE, OPT_TIMEOUT, OPT_NO_COLOR, OPT_VERBOSE,
  OPT_QUIET, OPT_TARGET, OPT_YES, OPT_FORCE, OPT_REPORT_DIR, OPT_KEEP,
  OPT_EVENTLOG, OPT_MAX_AGE, OPT_AS_OF, OPT_ACKS, OPT_UNTIL, OPT_REASON,
  OPT_LIST, OPT_REMOVE,
  OPT_MODULE /* a module's option (sd_optdef), set by sd_option_set */
} opt_id;

typedef struct opt_def {
  opt_id id;
  const char *lng;
  char shrt;
  opt_kind kind;
  long lo, hi; /* O_INT range */
  const sd_optdef *mod; /* OPT_MODULE */
} opt_def;

static const opt_def opts[] = {
  {OPT_HELP, "help", 'h', O_FLAG, 0, 0, NULL},
  {OPT_VERSION, "version", 'V', O_FLAG, 0, 0, NULL},
  {OPT_ONLY, "only", 0, O_STR, 0, 0, NULL},
  {OPT_FROM, "from", 0, O_STR, 0, 0, NULL},
  {OPT_FORMAT, "format", 'f', O_STR, 0, 0, NULL},
  {OPT_OUTPUT, "output", 'o', O_STR, 0, 0, NULL},
  {OPT_LDAP_PWFILE, "ldap-password-file", 0, O_STR, 0, 0, NULL},
  {OPT_TIMEOUT, "timeout", 't', O_INT, 1, 86400, NULL},
  {OPT_NO_COLOR, "no-color", 0, O_FLAG, 0, 0, NULL},
  {OPT_VERBOSE, "verbose", 'v', O_FLAG, 0, 0, NULL},
  {OPT_QUIET, "quiet", 'q', O_FLAG, 0, 0, NULL},
  {OPT_TARGET, "target", 0, O_STR, 0, 0, NULL},
  {OPT_YES, "yes", 'y', O_FLAG, 0, 0, NULL},
  {OPT_FORCE, "force", 0, O_FLAG, 0, 0, NULL},
  {OPT_REPORT_DIR, "report-dir", 0, O_OPTSTR, 0, 0, NULL},
  {OPT_KEEP, "keep", 0, O_INT, 1, 100000, NULL},
  {OPT_EVENTLOG, "eventlog", 0, O_FLAG, 0, 0, NULL},
  {OPT_MAX_AGE, "max-age", 0, O_INT, 1, 87600, NULL},
  {OPT_AS_OF, "as-of", 0, O_STR, 0, 0, NULL},
  {OPT_ACKS, "acks", 0, O_STR, 0, 0, NULL},
  {OPT_UNTIL, "until", 0, O_STR, 0, 0, NULL},
  {OPT_REASON, "reason", 0, O_STR, 0, 0, NULL},
  {OPT_LIST, "list", 0, O_FLAG, 0, 0, NULL},
  {OPT_REMOVE, "remove", 0, O_FLAG, 0, 0, NULL},
};

static const struct {
  const char *name;
  sd_command cmd;
} commands[] = {
  {"check", SD_CMD_CHECK}, {"collect", SD_CMD_COLLECT},
  {"list", SD_CMD_LIST},   {"explain", SD_CMD_EXPLAIN},
  {"fix", SD_CMD_FIX},     {"help", SD_CMD_HELP},
  {"version", SD_CMD_VERSION}, {"eventlog", SD_CMD_EVENTLOG},
  {"fleet", SD_CMD_FLEET}, {"ack", SD_CMD_ACK},
};

/* The command a word names; 0 when it names one, -1 otherwise. */
static int find_command(const char *a, sd_command *out)
{
  size_t k;
  for(k = 0; k < SD_COUNTOF(commands); k++) {
    if(!strcmp(commands[k].name, a)) {
      *out = commands[k].cmd;
      return 0;
    }
  }
  return -1;
}

/* The long option a name of n bytes names, compared without case: the
 * command line's own, or a module's (its descriptor's sd_optdef, held in
 * *mod, which must outlive the use of the result). */
static const opt_def *long_option(const char *name, size_t n, opt_def *mod)
{
  size_t k;
  const sd_optdef *d;
  for(k = 0; k < SD_COUNTOF(opts); k++)
    if(strlen(opts[k].lng) == n && sd_strnieq(opts[k].lng, name, n))
      return &opts[k];
  d = sd_module_option(name, n);
  if(!d)
    return NULL;
  memset(mod, 0, sizeof(*mod));
  mod->id = OPT_MODULE;
  mod->lng = d->name;
  mod->kind = O_STR;
  mod->mod = d;
  return mod;
}

/* Windows style: "/name", "/name:value" or "/name=value" is an option only
 * when name is a long option's name, so a path such as /srv/reports or
 * /tmp/x.json stays a word. */
static int is_slash_option(const char *a)
{
  opt_def mod;
  return a[0] == '/' &&
         long_option(a + 1, strcspn(a + 1, ":="), &mod) != NULL;
}

/* May argv[i + 1] be the value of an option whose value is optional?  Not
 * when it looks like an option, nor when it is the command word and no
 * command was given yet ("srvdoctor --report-dir check").  "=" always
 * works: --report-dir=DIR. */
static int optional_value(int argc, char **argv, int i, int have_cmd)
{
  const char *a;
  sd_command named;
  if(i + 1 >= argc)
    return 0;
  a = argv[i + 1];
  if(a[0] == '-' || !strcmp(a, "/?") || is_slash_option(a))
    return 0;
  if(!have_cmd && find_command(a, &named) == 0)
    return 0;
  return 1;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if(errno || end == s || *end || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int apply(sd_cmdline *cl, const opt_def *d, const char *name,
                 const char *val, sd_err *err)
{
  long n = 0;
  if(d->kind == O_INT && parse_long(val, d->lo, d->hi, &n)) {
    sd_err_set(err, SD_EINVAL, "%s takes a whole number from %ld to %ld, "
               "not \"%s\"", name, d->lo, d->hi, val);
    return -1;
  }
  switch(d->id) {
  case OPT_HELP: cl->cmd = SD_CMD_HELP; break;
  case OPT_VERSION: cl->cmd = SD_CMD_VERSION; break;
  case OPT_ONLY: cl->only = val; break;
  case OPT_FROM: cl->from = val; break;
  case OPT_FORMAT:
    if(sd_format_parse(val, &cl->format)) {
      sd_err_set(err, SD_EINVAL, "--format takes text, json, nagios, prom "
                 "or html, not \"%s\"", val);
      return -1;
    }
    cl->format_set = 1;
    break;
  case OPT_OUTPUT: cl->output = val; break;
  case OPT_MODULE: return sd_option_set(&cl->opt, d->mod, val, err);
  case OPT_LDAP_PWFILE: cl->password_file = val; break;
  case OPT_TIMEOUT: cl->opt.timeout_s = (int)n; break;
  case OPT_NO_COLOR: cl->no_color = 1; break;
  case OPT_VERBOSE: cl->opt.verbose++; break;
  case OPT_QUIET: cl->quiet = 1; break;
  case OPT_TARGET: cl->target = val; break;
  case OPT_YES: cl->yes = 1; break;
  case OPT_FORCE: cl->force = 1; break;
  case OPT_REPORT_DIR:
    if(val && !*val) {
      sd_err_set(err, SD_EINVAL, "--report-dir= needs a folder name; give "
                 "--report-dir alone for the default folder");
      return -1;
    }
    cl->report_dir_set = 1;
    cl->report_dir = val;
    break;
  case OPT_KEEP: cl->keep = (int)n; break;
  case OPT_EVENTLOG: cl->eventlog = 1; break;
  case OPT_MAX_AGE: cl->max_age_h = (int)n; break;
  case OPT_AS_OF:
    if(sd_time_parse(val, &cl->as_of)) {
      sd_err_set(err, SD_EINVAL, "--as-of takes a UTC time like "
                 "2026-11-26T08:00:00Z, not \"%s\"", val);
      return -1;
    }
    cl->as_of_set = 1;
    break;
  case OPT_ACKS: cl->acks = val; break;
  case OPT_UNTIL: cl->until = val; break;
  case OPT_REASON: cl->reason = val; break;
  case OPT_LIST: cl->ack_list = 1; break;
  case OPT_REMOVE: cl->ack_remove = 1; break;
  }
  return 0;
}

/* A long option after its prefix (2 for "--", 1 for "/"); seps end the
 * name and start an inline value ("=" or, after "/", also ":"). */
static int find_long(const char *a, size_t skip, const char *seps,
                     const opt_def **d, char *name, size_t namesz,
                     const char **val, sd_err *err)
{
  /* A module's option is described here until the next argument. */
  static opt_def mod;
  size_t n = strcspn(a + skip, seps);
  *d = long_option(a + skip, n, &mod);
  snprintf(name, namesz, "%.*s", (int)(n + skip > 42 ? 42 : n + skip), a);
  if(!*d) {
    sd_err_set(err, SD_EINVAL, "unknown option %s", name);
    return -1;
  }
  if(a[skip + n]) {
    if((*d)->kind == O_FLAG) {
      sd_err_set(err, SD_EINVAL, "%s takes no value", name);
      return -1;
    }
    *val = a + skip + n + 1;
  }
  return 0;
}

/* The option an argument names ("--name", "--name=value", "/name",
 * "/name:value" or "-x"), its printable name and its inline value; -1 with
 * err set when unknown.  Long names compare without case; "-x" with. */
static int find_option(const char *a, const opt_def **d, char *name,
                       size_t namesz, const char **val, sd_err *err)
{
  size_t k;
  *d = NULL;
  *val = NULL;
  if(a[0] == '-' && a[1] == '-' && a[2])
    return find_long(a, 2, "=", d, name, namesz, val, err);
  if(a[0] == '/')
    return find_long(a, 1, ":=", d, name, namesz, val, err);
  if(a[1] && !a[2]) {
    for(k = 0; k < SD_COUNTOF(opts) && !*d; k++)
      if(opts[k].shrt == a[1])
        *d = &opts[k];
    snprintf(name, namesz, "-%c", a[1]);
  }
  else {
    sd_err_set(err, SD_EINVAL, "unknown option %.40s", a);
    return -1;
  }
  if(!*d) {
    sd_err_set(err, SD_EINVAL, "unknown option %s", name);
    return -1;
  }
  return 0;
}

/* A word: the command first, then the command's argument. */
static int take_word(sd_cmdline *cl, const char *a, int argc, int *have_cmd,
                     sd_err *err)
{
  if(!*have_cmd) {
    if(find_command(a, &cl->cmd)) {
      sd_err_set(err, SD_EINVAL, "unknown command \"%.40s\"", a);
      return -1;
    }
    *have_cmd = 1;
  }
  else if((cl->cmd == SD_CMD_EXPLAIN || cl->cmd == SD_CMD_FIX ||
           cl->cmd == SD_CMD_ACK) && !cl->code)
    cl->code = a;
  else if(cl->cmd == SD_CMD_EVENTLOG && !cl->action) {
    if(strcmp(a, "install") && strcmp(a, "uninstall")) {
      sd_err_set(err, SD_EINVAL, "eventlog takes install or uninstall, "
                 "not \"%.40s\"", a);
      return -1;
    }
    cl->action = a;
  }
  else if(cl->cmd == SD_CMD_FLEET) {
    if(!cl->paths)
      cl->paths = sd_xcalloc((size_t)argc, sizeof(char *));
    cl->paths[cl->npaths++] = a;
  }
  else {
    sd_err_set(err, SD_EINVAL, "unexpected argument \"%.40s\"", a);
    return -1;
  }
  return 0;
}

/* The fleet command's arguments fit together. */
static int check_fleet(const sd_cmdline *cl, sd_err *err)
{
  if(!cl->npaths) {
    sd_err_set(err, SD_EINVAL, "fleet needs at least one report, snapshot "
               "or folder");
    return -1;
  }
  if(cl->format != SD_FMT_TEXT && cl->format != SD_FMT_JSON &&
     cl->format != SD_FMT_HTML) {
    sd_err_set(err, SD_EINVAL, "fleet writes text, json or html, not %s",
               sd_format_name(cl->format));
    return -1;
  }
  if(cl->only || cl->from || cl->report_dir_set || cl->eventlog) {
    sd_err_set(err, SD_EINVAL, "fleet takes no --only, --from, "
               "--report-dir or --eventlog");
    return -1;
  }
  return 0;
}

/* The ack command's arguments fit together: --list alone, --remove CODE
 * --target ID, or CODE --target ID --until DATE --reason TEXT. */
static const char *check_ack(const sd_cmdline *cl)
{
  if(cl->ack_list && cl->ack_remove)
    return "ack takes --list or --remove, not both";
  if(cl->ack_list)
    return cl->code || cl->target || cl->until || cl->reason
             ? "ack --list takes no code, --target, --until or --reason"
             : NULL;
  if(!cl->code || !cl->target)
    return "ack needs a finding code and --target ID (the target the "
           "report shows; the host name for a finding without one)";
  if(cl->ack_remove)
    return cl->until || cl->reason ? "ack --remove takes no --until or "
                                     "--reason" : NULL;
  if(!cl->until || !cl->reason || !*cl->reason)
    return "ack needs --until DATE and --reason TEXT";
  return NULL;
}

/* The options only some commands take. */
static const char *check_scope(const sd_cmdline *cl)
{
  if(cl->cmd != SD_CMD_ACK && (cl->until || cl->reason || cl->ack_list ||
                               cl->ack_remove))
    return "--until, --reason, --list and --remove apply to ack";
  if(cl->acks && cl->cmd != SD_CMD_ACK && cl->cmd != SD_CMD_CHECK &&
     cl->cmd != SD_CMD_FLEET)
    return "--acks applies to check, fleet and ack";
  if(cl->cmd == SD_CMD_ACK && (cl->only || cl->from || cl->format_set ||
                               cl->output))
    return "ack takes no --only, --from, --format or --output";
  return NULL;
}

/* The command and its options fit together (after every argument). */
static int check_combination(const sd_cmdline *cl, sd_err *err)
{
  const char *why = NULL;
  if((cl->cmd == SD_CMD_EXPLAIN || cl->cmd == SD_CMD_FIX) && !cl->code) {
    sd_err_set(err, SD_EINVAL, "%s needs a finding code (srvdoctor list "
               "shows them)", cl->cmd == SD_CMD_FIX ? "fix" : "explain");
    return -1;
  }
  if(cl->cmd == SD_CMD_EVENTLOG && !cl->action)
    why = "eventlog needs install or uninstall";
  else if((why = check_scope(cl)) != NULL)
    ;
  else if(cl->cmd == SD_CMD_ACK && (why = check_ack(cl)) != NULL)
    ;
  else if(cl->cmd == SD_CMD_FLEET && check_fleet(cl, err))
    return -1;
  else if(cl->cmd != SD_CMD_FLEET && cl->max_age_h)
    why = "--max-age applies to fleet";
  else if(cl->as_of_set && cl->cmd != SD_CMD_FLEET &&
          cl->cmd != SD_CMD_CHECK && cl->cmd != SD_CMD_ACK)
    why = "--as-of applies to check, fleet and ack";
  else if(cl->keep && !cl->report_dir_set)
    why = "--keep applies to --report-dir";
  else if(cl->cmd != SD_CMD_CHECK && (cl->report_dir_set || cl->eventlog))
    why = "--report-dir and --eventlog apply to check";
  else if(cl->cmd == SD_CMD_COLLECT && (cl->from || cl->only))
    why = "collect reads this machine and takes no --from or --only";
  else if(cl->from && sd_options_live_only_set(&cl->opt)) {
    sd_err_set(err, SD_EINVAL, "--%s applies to live checks, not to --from",
               sd_options_live_only_set(&cl->opt)->name);
    return -1;
  }
  if(why) {
    sd_err_set(err, SD_EINVAL, "%s", why);
    return -1;
  }
  return 0;
}

int sd_parse_args(int argc, char **argv, sd_cmdline *cl, sd_err *err)
{
  int i, have_cmd = 0, help = 0, version = 0;
  memset(cl, 0, sizeof(*cl));
  sd_options_defaults(&cl->opt);
  cl->cmd = SD_CMD_CHECK;
  for(i = 1; i < argc; i++) {
    const char *a = argv[i];
    const opt_def *d;
    const char *val;
    char name[64];
    if(!strcmp(a, "-?") || !strcmp(a, "/?")) {
      help = 1;
      continue;
    }
    if((a[0] != '-' || !a[1]) && !is_slash_option(a)) {
      if(take_word(cl, a, argc, &have_cmd, err))
        return -1;
      continue;
    }
    if(find_option(a, &d, name, sizeof(name), &val, err))
      return -1;
    help |= d->id == OPT_HELP;
    version |= d->id == OPT_VERSION;
    if(d->id == OPT_HELP || d->id == OPT_VERSION)
      continue;
    if(d->kind == O_OPTSTR && !val) {
      if(optional_value(argc, argv, i, have_cmd))
        val = argv[++i];
    }
    else if(d->kind != O_FLAG && !val) {
      if(i + 1 >= argc) {
        sd_err_set(err, SD_EINVAL, "%s needs a value", name);
        return -1;
      }
      val = argv[++i];
    }
    if(apply(cl, d, name, val, err))
      return -1;
  }
  cl->cmd = help ? SD_CMD_HELP : version ? SD_CMD_VERSION : cl->cmd;
  return help || version ? 0 : check_combination(cl, err);
}
