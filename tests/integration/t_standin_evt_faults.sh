#!/usr/bin/env bash
# The event-log collector (EvtQuery ... EvtRender) against the event-log
# stand-in (tests/standins/wevtapi.c) playing faults, one scenario each, in
# a prefix of the test's own; `srvdoctor collect` writes the snapshot the
# checks look at:
#   read            the OCS Front End's 7024 event carrying 0xC3E93C23
#                   and a Hyper-V worker's 12030 are read with their
#                   provider, ID, level, record, time and insertion strings;
#                   an event the query does not ask for is not
#   channel_missing a channel that does not exist is "absent", not an error
#   system_denied   access denied on the System log: that log is
#                   "unreadable" with the error, the other logs are read
#   log_2m_match    2,000,000 matching records: the read stops at the
#                   collector's record limit, says so (truncated), and the
#                   run ends within --timeout + 2 s
#   log_2m_filter   2,000,000 records of which one matches: found, fast
#   next_wait       EvtNext times out (honouring its timeout) after 3
#                   events: the 3 are kept, the log is marked truncated
#                   with a sentence saying it did not answer, and the run
#                   ends within --timeout + 2 s
#   next_block      EvtNext never returns: the same outcome
# Scenarios in tests/standins/expected-to-fail.txt wait for the collector
# changes in tests/standins/COLLECTOR-CHANGES.md.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe; the stand-ins are looked for in
#      its build folder's tests/standins, or SD_STANDIN_DIR).
#      Exit 0 pass, 77 skip, 1 fail.
# Its own prefix: sd_wine_prefix_clone of the runner's template when there
# is one (lib/standins.sh si_setup), else a new one.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$SD_INTEG_DIR/lib/wine.sh"
. "$SD_INTEG_DIR/lib/standins.sh"
si_setup

TMO=10
LIMIT=$((TMO + 2))
SCM='Service Control Manager'
WORKER=Microsoft-Windows-Hyper-V-Worker-Admin
GUID=1D4E6A10-0000-4000-8000-0000000000C1

# collect NAME: a snapshot in $SI_TMP/NAME.json.
collect() {
    rm -f "$SI_TMP/$1.json"
    si_run "$1" $((LIMIT + 20)) collect -o "$1.json" --timeout "$TMO"
}
# src NAME LOG FIELD: a field of one log's source in the snapshot.
src() {
    jq -r --arg l "$2" ".events.sources[] | select(.log == \$l) | $3" \
        "$SI_TMP/$1.json" 2>/dev/null
}
# items NAME JQ-FILTER: how many events match.
items() {
    jq "[.events.items[] | select($2)] | length" "$SI_TMP/$1.json" 2>/dev/null
}
fe_event() {
    si_line event System "$SCM" 7024 2 "$1" "$2" \
        'Office Communications Server Front-End' '%%3286842403'
}

read_events() {
    {
        si_line channel System
        fe_event 3600 42
        si_line event System "$SCM" 7036 4 60 43 x stopped
        si_line channel "$WORKER"
        si_line event "$WORKER" Microsoft-Windows-Hyper-V-Worker 12030 2 \
            120 7 web01 "$GUID"
    } | si_evt_data
    collect read
    sd_assert_eq "read: collect exit code" 0 "$SI_RC"
    sd_assert_eq "read: method" EvtQuery "$(jq -r .events.method "$SI_TMP/read.json")"
    sd_assert_eq "read: the Front End's 7024" 1 "$(items read \
        '.log == "System" and .provider == "Service Control Manager" and .id == 7024 and .level == "error" and .record == 42 and (.message | test("3286842403")) and (.message | startswith("Office Communications Server Front-End | ")) ')"
    sd_assert_eq "read: 7036 is not asked for" 0 "$(items read '.id == 7036')"
    sd_assert_eq "read: the worker's 12030" 1 "$(items read \
        ".id == 12030 and .message == \"web01 | $GUID\"")"
    sd_assert_match "read: the 7024's time (an hour ago)" \
        "^$(date -u -d '-1 hour' +%Y-%m-%dT%H)" \
        "$(jq -r '.events.items[] | select(.id == 7024) | .time' "$SI_TMP/read.json")"
}

channel_missing() {
    { si_line channel System; fe_event 60 1; } | si_evt_data
    collect channel_missing
    sd_assert_eq "channel_missing: worker log" absent "$(src channel_missing "$WORKER" .state.state)"
    sd_assert_eq "channel_missing: System" read "$(src channel_missing System .state.state)"
    sd_assert_eq "channel_missing: events" read "$(jq -r .events.state.state "$SI_TMP/channel_missing.json")"
}

system_denied() {
    { si_line deny System; si_line channel "$WORKER"; } | si_evt_data
    collect system_denied
    sd_assert_eq "system_denied: System" unreadable "$(src system_denied System .state.state)"
    sd_assert_eq "system_denied: the error" 5 "$(src system_denied System .state.error)"
    # Microsoft's text for error 5, from srvdoctor's one map of error codes
    # (src/core/oserror.c), whatever the language of Windows.
    sd_assert_match "system_denied: the reason" 'Access is denied\.' \
        "$(src system_denied System .state.why)"
    sd_assert_eq "system_denied: worker log" read "$(src system_denied "$WORKER" .state.state)"
    sd_assert_eq "system_denied: events" read "$(jq -r .events.state.state "$SI_TMP/system_denied.json")"
}

log_2m_match() {
    { si_line channel System; si_line bulk System 2000000 "$SCM" 7024 2; } | si_evt_data
    collect log_2m_match
    sd_assert_le "log_2m_match: within --timeout + 2 s (ms)" "$SI_MS" $((LIMIT * 1000))
    sd_assert_eq "log_2m_match: truncated" true "$(src log_2m_match System .truncated)"
    sd_assert_eq "log_2m_match: stopped at the limit" \
        "$(src log_2m_match System .max_records)" "$(src log_2m_match System .scanned)"
    sd_assert_match "log_2m_match: says so" 'older ones were not read' \
        "$(src log_2m_match System .state.why)"
}

log_2m_filter() {
    {
        si_line channel System
        si_line bulk System 2000000 "$SCM" 7036 4
        fe_event 30 2000001
    } | si_evt_data
    collect log_2m_filter
    sd_assert_le "log_2m_filter: within --timeout + 2 s (ms)" "$SI_MS" $((LIMIT * 1000))
    sd_assert_eq "log_2m_filter: the one event" 1 "$(items log_2m_filter '.id == 7024')"
    sd_assert_eq "log_2m_filter: not truncated" false "$(src log_2m_filter System .truncated)"
}

# next_hang NAME MODE: EvtNext stops answering after 3 of 10 events.
next_hang() {
    local i
    {
        si_line channel System
        for i in $(seq 1 10); do fe_event $((i * 60)) "$i"; done
        si_line next System 3 "$2"
    } | si_evt_data
    collect "$1"
    sd_assert_le "$1: the run ends within --timeout + 2 s (ms)" "$SI_MS" $((LIMIT * 1000))
    sd_check "$1: the snapshot is written" test -s "$SI_TMP/$1.json"
    sd_assert_eq "$1: the events read before" 3 "$(items "$1" '.id == 7024')"
    sd_assert_eq "$1: truncated" true "$(src "$1" System .truncated)"
    sd_assert_match "$1: says the log did not answer" 'did not answer' \
        "$(src "$1" System .state.why)"
}

next_wait() { next_hang next_wait wait; }
next_block() { next_hang next_block block; }

for s in read_events channel_missing system_denied log_2m_match \
         log_2m_filter next_wait next_block; do
    if [ -n "${SI_ONLY:-}" ] && [[ " $SI_ONLY " != *" $s "* ]]; then
        continue
    fi
    si_scenario "$s" "$s"
done
sd_finish
