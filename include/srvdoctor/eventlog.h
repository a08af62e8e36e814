/* eventlog.h - srvdoctor's Application event log source and event IDs, one
 * table for the check runs (src/cli/tool_eventlog.c) and for fix
 * (src/fix/).  res/srvdoctor.mc, the message table built into the exe,
 * carries the same numbers (the message compiler cannot read this file;
 * tests/unit/test_fix.c and the event log test compare them). */
#ifndef SRVDOCTOR_EVENTLOG_H
#define SRVDOCTOR_EVENTLOG_H

#define SD_EVENT_SOURCE "srvdoctor"

/* A check run, by verdict. */
#define SD_EVENT_ID_OK 1000
#define SD_EVENT_ID_WARNING 1001
#define SD_EVENT_ID_CRITICAL 1002
#define SD_EVENT_ID_UNKNOWN 1003

/* A fix outcome. */
#define SD_EVENT_ID_FIX_DONE 1010
#define SD_EVENT_ID_FIX_FAILED 1011

#endif
