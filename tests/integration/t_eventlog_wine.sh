#!/usr/bin/env bash
# The Application event log under Wine.  Wine only stubs the event log, so:
# registration is tested through the registry (srvdoctor eventlog install /
# uninstall, wine reg query), the message table by rendering each event ID
# from the registered EventMessageFile the way Event Viewer does
# (tools/evtmsg.c), and the events themselves through the documented seam
# SRVDOCTOR_EVENTLOG_TRACE (a file that receives each event as well).
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
trace_win=$(sd_wine_path "$tmp")'\trace.txt'

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

# 3. check --eventlog: one event whose ID matches the verdict, with every
#    problem code of the report in its text.  The exit code is unchanged.
SRVDOCTOR_EVENTLOG_TRACE="$trace_win" sd_wine "$SRVDOCTOR_EXE" check --eventlog \
  --format json >"$tmp/r.json" 2>"$tmp/err"
rc=$?
want_rc=$(jq -r .exit_code "$tmp/r.json")
[ "$rc" = "$want_rc" ] && ok || bad "check --eventlog exit $rc, report says $want_rc ($(cat "$tmp/err"))"
id=$(sed -n 's/^event_id: //p' "$tmp/trace.txt")
case "$rc:$id" in 0:1000|1:1001|2:1002|3:1003) ok ;; *) bad "exit $rc but event ID \"$id\"" ;; esac
grep -q '^source: srvdoctor$' "$tmp/trace.txt" && grep -q '^log: Application$' "$tmp/trace.txt" &&
  ok || bad "trace header: $(head -5 "$tmp/trace.txt")"
missing=""
for code in $(jq -r '.modules[].findings[] | select(.severity != "ok" and .severity != "info") | .code' "$tmp/r.json"); do
  grep -q " $code: " "$tmp/trace.txt" || missing="$missing $code"
done
[ -z "$missing" ] && ok || bad "codes missing from the event text:$missing"
grep -q "verdict: $(jq -r '.status | ascii_upcase' "$tmp/r.json" | sed 's/INFO/OK/') (exit code $rc)" "$tmp/trace.txt" &&
  ok || bad "event text has no verdict line: $(head -3 "$tmp/trace.txt")"

# 4. With --report-dir the event names the report file.
rm -f "$tmp/trace.txt"
SRVDOCTOR_EVENTLOG_TRACE="$trace_win" sd_wine "$SRVDOCTOR_EXE" check --eventlog \
  --report-dir "$(sd_wine_path "$tmp")\\reports" >"$tmp/out" 2>"$tmp/err"
grep -q '^Report: .*\\reports\\srvdoctor-.*\.json' "$tmp/trace.txt" && ok ||
  bad "no report path in the event: $(cat "$tmp/trace.txt")"

# 5. A run that cannot decide still leaves its event (1003).
rm -f "$tmp/trace.txt"
SRVDOCTOR_EVENTLOG_TRACE="$trace_win" sd_wine "$SRVDOCTOR_EXE" check --eventlog \
  --from 'C:\no\such\snapshot.json' >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && grep -q '^event_id: 1003$' "$tmp/trace.txt" && grep -q 'snapshot' "$tmp/trace.txt" &&
  ok || bad "unreadable snapshot: exit $rc, trace $(cat "$tmp/trace.txt" 2>&1)"

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
