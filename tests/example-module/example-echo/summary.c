/* summary.c - what a fleet needs of the example module: the greeting. */
#include "srvdoctor/summary.h"

static const sd_sum_rule rules[] = {
  {"greeting", SD_SUM_VALUE, "EX-GREETING", "greeting", NULL},
};

const sd_sum_rules sd_summary_example_echo = {rules, SD_COUNTOF(rules)};
