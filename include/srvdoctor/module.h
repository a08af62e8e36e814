/* module.h - module descriptors, check options and the checks runner. */
#ifndef SRVDOCTOR_MODULE_H
#define SRVDOCTOR_MODULE_H

#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"
#include "srvdoctor/finding.h"

/* Which collectors a module needs (live collection gathers the union):
 * the shared sources, and each module's own collector. */
enum {
  SD_NEED_HOST = 1u << 0,      /* host + OS: always collected */
  SD_NEED_PROCESSES = 1u << 1,
  SD_NEED_SERVICES = 1u << 2,
  SD_NEED_HOTFIXES = 1u << 3,
  SD_NEED_MSI = 1u << 4,
  SD_NEED_EVENTS = 1u << 5,
  SD_NEED_REBOOT = 1u << 6
};
#define SD_NEED_ALL 0xFFFFFFFFu

/* A module's place in the module table (src/modules/modules.def), and the
 * bit that asks for its own collector: SD_NEED_MODULE(hyperv_stuck_vm). */
enum {
#define SD_MODULE(cname, id, field, type) SD_MODULE_INDEX_##cname,
#include "modules.def"
#undef SD_MODULE
  SD_MODULE_COUNT
};
#define SD_NEED_MODULE_SHIFT 16
#define SD_NEED_MODULE(cname) (1u << (SD_NEED_MODULE_SHIFT + \
                                      SD_MODULE_INDEX_##cname))
#define SD_NEED_MODULE_AT(index) (1u << (SD_NEED_MODULE_SHIFT + (index)))

/* Options that tune checks and live collection.  The run's own are set
 * by the command line; each module declares its own (their command-line
 * names, ranges, defaults and help) in its descriptor (sd_optdef), which
 * is where the defaults below are written. */
typedef struct sd_options {
  /* exchange-sp2 / AD */
  const char *dc;            /* HOST[:PORT] or NULL to locate */
  const char *ldap_user;
  const char *ldap_password; /* from the environment or a file, never argv */
  /* hyperv-stuck-vm */
  int stuck_after_min;       /* default 10 */
  double ws_ratio;           /* default 0.5 */
  uint64_t ws_floor_bytes;   /* absolute floor, default 64 MiB */
  int samples;               /* default 3 */
  int interval_ms;           /* default 1000 */
  /* run */
  int only_given;            /* the modules were named with --only */
  int timeout_s;             /* whole run budget, default 60 */
  int verbose;
} sd_options;

/* The run's defaults, then every module's (sd_module.opts). */
void sd_options_defaults(sd_options *o);

/* One option of a module: "--stuck-after MIN". */
typedef enum sd_optkind {
  SD_OPT_INT = 0,   /* int, a whole number from lo to hi */
  SD_OPT_RATIO,     /* double, a number between 0 and 1 (both excluded) */
  SD_OPT_STR,       /* const char *, NULL by default */
  SD_OPT_BYTES      /* uint64_t, not on the command line (name NULL) */
} sd_optkind;

typedef struct sd_optdef {
  const char *name;   /* the long option without "--"; NULL: a tuning
                         value with a default only */
  sd_optkind kind;
  size_t off;         /* offsetof(sd_options, member) */
  long lo, hi;        /* SD_OPT_INT */
  double dflt;        /* SD_OPT_INT, SD_OPT_RATIO, SD_OPT_BYTES */
  int live_only;      /* only for live checks: refused with --from */
} sd_optdef;

typedef void (*sd_check_fn)(const sd_facts *f, const sd_options *o,
                            sd_module_result *out);

typedef struct sd_module {
  const char *id;
  const char *title;
  unsigned needs;             /* SD_NEED_* bits */
  sd_check_fn check;
  const sd_code_info *codes;  /* the finding codes this module may emit */
  size_t ncodes;
  const sd_optdef *opts;      /* its options (may be NULL) */
  size_t nopts;
  const char *options_help;   /* their lines in --help (may be NULL) */
} sd_module;

/* The option of any module called name (n bytes, any case); NULL when
 * none. */
const sd_optdef *sd_module_option(const char *name, size_t n);
/* Set an option from its command-line text: 0, or -1 with err saying what
 * it takes ("--stuck-after takes a whole number from 1 to 10080"). */
int sd_option_set(sd_options *o, const sd_optdef *d, const char *val,
                  sd_err *err);
/* Append " --name value" for every module option that differs from its
 * default (what fix repeats so that its check sees the same). */
void sd_options_nondefault(const sd_options *o, sd_buf *out);
/* The first live-only option that is set, or NULL. */
const sd_optdef *sd_options_live_only_set(const sd_options *o);

/* The table of modules (core "host" first, then the product modules). */
const sd_module *const *sd_modules(size_t *count);
const sd_module *sd_module_find(const char *id);
/* Find a code in every module's catalogue; NULL when unknown. */
const sd_code_info *sd_code_find(const char *code);

/* The host module's check (HOST-* codes). */
extern const sd_module sd_module_host;

#endif
