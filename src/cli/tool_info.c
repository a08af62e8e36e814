/* tool_info.c - help, version, list, explain, and the dispatch of the
 * commands (the output helpers are in tool_msgs.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "tool.h"

static void print_option_help(void);
static void print_ack_fix_help(void);

void sd_print_help(void)
{
  sd_outs(
    "srvdoctor " SD_VERSION " - diagnoses Exchange 2007 SP2 readiness, OCS "
    "Front End failures\nafter KB974571, and hung Hyper-V virtual machines, "
    "and says what to do.\n"
    "\n"
    "Usage:\n"
    "  srvdoctor [check] [options]        run the checks (the default)\n"
    "  srvdoctor collect [-o FILE]        save this machine's facts as a "
    "snapshot\n"
    "  srvdoctor list                     list modules and finding codes\n"
    "  srvdoctor explain CODE             the full help page of a finding "
    "code\n"
    "  srvdoctor fleet PATH...            many hosts at once: reports, "
    "snapshots,\n"
    "                                     folders; Exchange upgrade plan\n"
    "  srvdoctor fix CODE [--target ID] [--yes]  carry out a remediation\n"
    "  srvdoctor ack CODE --target ID --until DATE --reason TEXT\n"
    "                                     acknowledge a finding until DATE\n"
    "  srvdoctor eventlog install|uninstall  register the event source "
    "(admin)\n"
    "  srvdoctor --help | -h | -? | /?    this text;  srvdoctor --version\n"
    "\n"
    "Options are --name VALUE or --name=VALUE, or Windows style /name VALUE\n"
    "or /name:VALUE; long names in any case (--HELP, /Format json).  A word\n"
    "that starts with / is an option only where an option may stand and\n"
    "when the rest is an option's name, so /srv/reports stays a path.\n"
    "\n");
  print_option_help();
}

/* The options of each command, for sd_print_help. */
static void print_option_help(void)
{
  size_t i, nmods;
  const sd_module *const *mods = sd_modules(&nmods);
  sd_outs(
    "Check options:\n"
    "  --only LIST           modules to run, comma separated (see list)\n"
    "  --from FILE           analyse a snapshot instead of this machine\n"
    "  --format FORMAT       text (default), json, nagios (monitoring "
    "plugin),\n"
    "                        prom (Prometheus textfile), html (one "
    "page) or\n"
    "                        checkmk (Checkmk local checks, one line per "
    "module)\n"
    "  -o, --output FILE     write the report to FILE (replaced atomically)\n"
    "  --report-dir [DIR]    also save the JSON report as srvdoctor-HOST-"
    "TIME.json\n"
    "                        and latest.json in DIR (default:\n"
    "                        %ProgramData%\\srvdoctor\\reports); "
    "--report-dir=DIR\n"
    "                        when DIR could look like a command\n"
    "  --keep N              keep the newest N reports of this host "
    "(default 30)\n"
    "  --eventlog            write the verdict to the Application event "
    "log\n"
    "                        (source srvdoctor: IDs 1000 OK, 1001 WARNING,\n"
    "                        1002 CRITICAL, 1003 UNKNOWN)\n"
    );
  /* each module's options, as its descriptor words them */
  for(i = 0; i < nmods; i++)
    if(mods[i]->options_help)
      sd_outs(mods[i]->options_help);
  sd_outs(
    "  -t, --timeout SEC     give up after SEC seconds (default 60)\n"
    "  --no-color            no colour (also when NO_COLOR is set)\n"
    "  -v, --verbose         show evidence for OK findings too\n"
    "  -q, --quiet           show only problems\n"
    "  --acks FILE           acknowledgements to apply (default:\n"
    "                        %ProgramData%\\srvdoctor\\acks.json, if it "
    "exists)\n"
    "  --as-of TIME          judge their expiry as of TIME instead of now\n"
    "\n"
    "Fleet options (srvdoctor fleet PATH...):\n"
    "  --format FORMAT       text (default), json or html\n"
    "  -o, --output FILE     write the summary to FILE (replaced "
    "atomically)\n"
    "  --max-age HOURS       a report older than this is stale and counts "
    "as\n"
    "                        unknown (default 26)\n"
    "  --as-of TIME          judge report ages as of TIME (UTC, like\n"
    "                        2026-11-26T08:00:00Z) instead of now\n"
    "\n");
  print_ack_fix_help();
}

/* The options of ack and fix, and the exit codes, for sd_print_help. */
static void print_ack_fix_help(void)
{
  sd_outs(
    "Ack options (srvdoctor ack; acknowledged findings are shown, marked, "
    "and\n"
    "count toward no verdict until they expire):\n"
    "  --target ID           the finding's target as the report shows it; "
    "the\n"
    "                        host name for a finding without one\n"
    "  --until DATE          2026-12-10 (to the end of that day, UTC) or a "
    "UTC\n"
    "                        time like 2026-12-10T08:00:00Z\n"
    "  --reason TEXT         why (recorded with your account name and the "
    "time)\n"
    "  --list                show them;  --remove CODE --target ID: remove "
    "one\n"
    "  --acks FILE           another file (its folder must be writable by\n"
    "                        administrators only)\n"
    "\n"
    "Fix options (srvdoctor fix CODE; elevated, Windows only):\n"
    "  --target ID           the VM GUID or name, patch code or KB number\n"
    "  --yes                 act (without it: a dry run that changes nothing)\n"
    "  --force               also act on a suspect (HV-VM-SUSPECT) VM\n"
    "\n"
    "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (could not decide, "
    "bad\narguments, unreadable snapshot).\n");
}

int sd_cmd_list(void)
{
  size_t n, i, k;
  const sd_module *const *mods = sd_modules(&n);
  sd_buf b;
  sd_buf_init(&b);
  for(i = 0; i < n; i++) {
    sd_buf_printf(&b, "%s - %s\n", mods[i]->id, mods[i]->title);
    for(k = 0; k < mods[i]->ncodes; k++) {
      const sd_code_info *c = &mods[i]->codes[k];
      sd_buf_printf(&b, "  %-26s %-8s %s%s\n", c->code,
                    sd_severity_name(c->severity), c->title,
                    c->fixable ? " [fix]" : "");
    }
  }
  sd_out(b.data, b.len);
  sd_buf_free(&b);
  return 0;
}

int sd_cmd_explain(const char *code)
{
  size_t i;
  for(i = 0; i < sd_ndoc_pages; i++) {
    if(sd_strieq(sd_doc_pages[i].name, code)) {
      sd_buf b;
      sd_buf_init(&b);
      sd_doc_render_text(sd_doc_pages[i].text, &b);
      sd_out(b.data ? b.data : "", b.len);
      sd_buf_free(&b);
      return 0;
    }
  }
  sd_fail("unknown finding code \"%.60s\" (srvdoctor list shows the codes).",
          code);
  return 3;
}

static int dispatch(sd_cmdline *cl)
{
  switch(cl->cmd) {
  case SD_CMD_HELP:
    sd_print_help();
    return 0;
  case SD_CMD_VERSION:
    sd_outs("srvdoctor " SD_VERSION "\n");
    return 0;
  case SD_CMD_LIST:
    return sd_cmd_list();
  case SD_CMD_EXPLAIN:
    return sd_cmd_explain(cl->code);
  case SD_CMD_FIX:
    return sd_cmd_fix(cl);
  case SD_CMD_EVENTLOG:
    return sd_cmd_eventlog(cl);
  case SD_CMD_FLEET:
    return sd_cmd_fleet(cl);
  case SD_CMD_ACK:
    return sd_cmd_ack(cl);
  case SD_CMD_COLLECT:
    sd_watchdog_start(cl->opt.timeout_s);
    return sd_cmd_collect(cl);
  case SD_CMD_CHECK:
  default:
    sd_watchdog_start(cl->from ? 0 : cl->opt.timeout_s);
    return sd_cmd_check(cl);
  }
}

int sd_tool_main(int argc, char **argv)
{
  sd_cmdline cl;
  sd_err err;
  int rc;
  sd_err_clear(&err);
  if(sd_parse_args(argc, argv, &cl, &err)) {
    sd_fail("%s. Try 'srvdoctor --help'.", err.msg);
    free((void *)cl.paths);
    return 3;
  }
  rc = dispatch(&cl);
  free((void *)cl.paths); /* fleet's PATH list (argv strings) */
  return rc;
}
