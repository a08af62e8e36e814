/* facts.h - facts of the example-echo module: one greeting this machine
 * keeps.  The example module of tests/example-module/run.sh, which copies
 * this folder into src/modules/ and adds one line to the module table to
 * show that a module needs no change anywhere else. */
#ifndef SD_EXAMPLE_ECHO_FACTS_H
#define SD_EXAMPLE_ECHO_FACTS_H

typedef struct sd_example_facts {
  sd_fstate st;          /* read: greeting holds it; absent: none set */
  const char *greeting;
} sd_example_facts;

#endif
