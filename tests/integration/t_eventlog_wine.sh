#!/usr/bin/env bash
# The Application event log under Wine.  Wine only stubs the event log, so:
# registration is tested through the registry (srvdoctor eventlog install /
# uninstall, wine reg query), the message table by rendering each event ID
# from the registered EventMessageFile the way Event Viewer does
# (tools/evtmsg.c), and the events themselves through Wine's own debug
# output: RegisterEventSourceW and ReportEventW print the source, type,
# event ID and insertion strings they are given (WINEDEBUG=-all,fixme+advapi,
# +eventlog; tools/wine_events.py turns that into records).  The shipped exe
# reads no test variable.  Wine cannot show the log an event goes to (that
# is the source's registry key, under Application: part 1) nor text past
# about 290 printed characters (Wine's debugstr_w cuts it with "..."; the
# record says "truncated: yes"): the runs below keep the text they assert
# short, and tests/unit/test_report_formats.c checks the whole text.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe), SD_SRC, WINEPREFIX (optional).
set -u
: "${SRVDOCTOR_EXE:?}" "${SD_SRC:?}"
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
own_prefix=0
if [ -n "${WINEPREFIX:-}" ]; then
  [ -f "$WINEPREFIX/system.reg" ] || { echo "WINEPREFIX=$WINEPREFIX is not a Wine prefix"; exit 1; }
  sd_wine_use "$WINEPREFIX" || true # non-zero when its wineserver already runs
else
  sd_wine_prefix_create "$tmp/prefix" || exit 1
  own_prefix=1
fi
key='HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\srvdoctor'
cleanup() {
  sd_wine reg delete "$key" /f >/dev/null 2>&1
  rm -rf "${WINEPREFIX:?}/drive_c/srvdoctor-ev-reports"
  if [ "$own_prefix" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
win() { sd_wine "$SRVDOCTOR_EXE" "$@" >"$tmp/out" 2>"$tmp/err"; }
x86_64-w64-mingw32-gcc -municode -O1 -o "$tmp/evtmsg.exe" \
  "$SD_SRC/tests/integration/tools/evtmsg.c" || exit 1
exe_win=$(sd_wine_path "$(readlink -f "$SRVDOCTOR_EXE")")
cp "$SD_SRC/tests/fixtures/reports/hv_stuck.json" "$tmp/hv_stuck.json"
fixture_win=$(sd_wine_path "$tmp/hv_stuck.json")
# A short folder for the reports, so the event's Report: line stays within
# what Wine prints.
reports_win='C:\srvdoctor-ev-reports'
# ev NAME ARGS...: srvdoctor.exe ARGS with Wine's event-log output on.  The
# events go to $tmp/NAME.ev (records of tools/wine_events.py), the program's
# own stderr to $tmp/NAME.err, stdout to $tmp/NAME.out, the exit code to
# $tmp/NAME.rc.
ev() {
  local name=$1
  shift
  WINEDEBUG=-all,fixme+advapi,+eventlog sd_wine "$SRVDOCTOR_EXE" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.raw"
  echo $? >"$tmp/$name.rc"
  python3 "$SD_SRC/tests/integration/tools/wine_events.py" "$tmp/$name.raw" \
    "$tmp/$name.err" >"$tmp/$name.ev" || echo "wine_events.py failed" >"$tmp/$name.ev"
}
# field NAME KEY: the value of KEY in NAME's (first) event.
field() { sed -n "s/^$2: //p" "$tmp/$1.ev" | head -n 1; }
# text NAME: the text of NAME's (first) event.
text() { sed -n '/^text:$/,/^end$/p' "$tmp/$1.ev" | sed '1d;$d'; }
events() { grep -c '^event_id: ' "$tmp/$1.ev"; }

# 1. install: the source key with EventMessageFile (REG_EXPAND_SZ, this exe)
#    and TypesSupported 7.
sd_wine reg delete "$key" /f >/dev/null 2>&1
win eventlog install
rc=$?
[ "$rc" = 0 ] && ok || bad "eventlog install: exit $rc ($(cat "$tmp/err"))"
sd_wine reg query "$key" >"$tmp/q" 2>&1
msgfile=$(tr -d '\r' <"$tmp/q" | sed -n 's/^ *EventMessageFile *REG_EXPAND_SZ *//p')
[ -n "$msgfile" ] && ok || bad "no REG_EXPAND_SZ EventMessageFile: $(cat "$tmp/q")"
[ "${msgfile,,}" = "${exe_win,,}" ] && ok || bad "EventMessageFile is \"$msgfile\", not \"$exe_win\""
tr -d '\r' <"$tmp/q" | grep -Eq '^ *TypesSupported *REG_DWORD *0x7$' && ok ||
  bad "TypesSupported is not 7: $(cat "$tmp/q")"
# Installing again (the exe moved, an update) replaces the values.
win eventlog install
[ $? = 0 ] && ok || bad "second install failed: $(cat "$tmp/err")"

# 2. The message table in the exe renders every documented event ID.
sd_wine "$tmp/evtmsg.exe" srvdoctor 1000 1001 1002 1003 'INSERTED TEXT' \
  >"$tmp/msgs" 2>/dev/null
rc=$?
[ "$rc" = 0 ] && ok || bad "the message table does not render: $(cat "$tmp/msgs")"
for want in '1000: srvdoctor: OK' '1001: srvdoctor: WARNING' '1002: srvdoctor: CRITICAL' \
            '1003: srvdoctor: UNKNOWN'; do
  grep -q "^$want.*INSERTED TEXT" "$tmp/msgs" && ok || bad "no rendered \"$want ... %1\": $(cat "$tmp/msgs")"
done

# 3. check --eventlog: one event from the source srvdoctor, one insertion
#    string, whose ID and type match the verdict, with every problem code of
#    the report in its text (as far as Wine prints it).  The exit code is
#    unchanged.
ev live check --eventlog --format json
rc=$(cat "$tmp/live.rc")
cp "$tmp/live.out" "$tmp/r.json"
want_rc=$(jq -r .exit_code "$tmp/r.json")
[ "$rc" = "$want_rc" ] && ok || bad "check --eventlog exit $rc, report says $want_rc ($(cat "$tmp/live.err"))"
[ "$(events live)" = 1 ] && ok || bad "expected one event: $(cat "$tmp/live.raw")"
id=$(field live event_id)
type=$(field live type)
case "$rc:$id:$type" in
  0:1000:information|1:1001:warning|2:1002:error|3:1003:warning) ok ;;
  *) bad "exit $rc but event ID \"$id\", type \"$type\"" ;;
esac
[ "$(field live source)" = srvdoctor ] && [ "$(field live strings)" = 1 ] &&
  [ "$(field live category)" = 0 ] && ok || bad "event header: $(head -6 "$tmp/live.ev")"
# The codes in report order; once Wine cut the text, the rest cannot show,
# but a code never appears after one that is missing.
text live >"$tmp/live.txt"
missing=""
gap=""
for code in $(jq -r '.modules[].findings[] | select(.severity != "ok" and .severity != "info") | .code' "$tmp/r.json"); do
  if grep -qF " $code: " "$tmp/live.txt"; then
    [ -z "$gap" ] || missing="$missing $code(after the cut at $gap)"
  elif [ "$(field live truncated)" = yes ]; then
    gap=${gap:-$code}
  else
    missing="$missing $code"
  fi
done
[ -z "$missing" ] && ok || bad "codes missing from the event text:$missing"
grep -q "verdict: $(jq -r '.status | ascii_upcase' "$tmp/r.json" | sed 's/INFO/OK/') (exit code $rc)" "$tmp/live.txt" &&
  ok || bad "event text has no verdict line: $(head -3 "$tmp/live.txt")"

# 3b. A known critical report (the stuck-VM fixture, its Hyper-V module
#     only): event 1002, an error, naming the code.
ev crit check --eventlog --from "$fixture_win" --only hyperv-stuck-vm
[ "$(cat "$tmp/crit.rc")" = 2 ] && [ "$(field crit event_id)" = 1002 ] &&
  [ "$(field crit type)" = error ] && ok ||
  bad "critical run: exit $(cat "$tmp/crit.rc"), event $(cat "$tmp/crit.ev")"
text crit | grep -q '^CRITICAL HV-VM-STUCK: Virtual machine' && ok ||
  bad "no HV-VM-STUCK line in the event: $(text crit)"

# 4. With --report-dir the event names the report file (a report with no
#    problem, so that the whole text is printed).
ev rdir check --eventlog --from "$fixture_win" --only ocs-kb974571 \
  --report-dir "$reports_win"
[ "$(field rdir truncated)" = no ] && ok || bad "event text cut by Wine: $(text rdir)"
text rdir | grep -q '^Report: C:\\srvdoctor-ev-reports\\srvdoctor-HV01-.*\.json$' && ok ||
  bad "no report path in the event: $(cat "$tmp/rdir.ev")"
grep -q "report written to C:.srvdoctor-ev-reports.srvdoctor-HV01-" "$tmp/rdir.err" && ok ||
  bad "the program's own stderr lost its line: $(cat "$tmp/rdir.err")"

# 5. A run that cannot decide still leaves its event (1003, a warning).
ev nosnap check --eventlog --from 'C:\no\such\snapshot.json'
rc=$(cat "$tmp/nosnap.rc")
[ "$rc" = 3 ] && [ "$(field nosnap event_id)" = 1003 ] &&
  [ "$(field nosnap type)" = warning ] && text nosnap | grep -q 'snapshot' &&
  ok || bad "unreadable snapshot: exit $rc, events $(cat "$tmp/nosnap.ev")"

# 6. uninstall removes the key; a second uninstall is fine.
win eventlog uninstall
[ $? = 0 ] && ok || bad "eventlog uninstall failed: $(cat "$tmp/err")"
if sd_wine reg query "$key" >/dev/null 2>&1; then bad "the key is still there"; else ok; fi
win eventlog uninstall
[ $? = 0 ] && grep -q 'was not registered' "$tmp/err" && ok || bad "second uninstall: $(cat "$tmp/err")"
win eventlog
[ $? = 3 ] && ok || bad "eventlog without an action must exit 3"

echo "t_eventlog_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
