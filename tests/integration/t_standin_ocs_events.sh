#!/usr/bin/env bash
# ocs-kb974571 live, with the System log read through the event-log
# stand-in (tests/standins/wevtapi.c), mirroring the fixture
# tests/fixtures/ocs-kb974571/down_event_only.json: OCS 2007 R2 installed
# (a fake RtcSrv.exe with its version resource, its Add or Remove Programs
# entry), KB974571 installed, the Front End (RTCSRV) stopped with no error
# code of its own, and only the event log saying why:
#   event     System 7024 from the Service Control Manager carrying
#             %%3286842403 (0xC3E93C23): OCS-KB974571-FE-DOWN, the same
#             codes as the fixture, the event in the evidence, and the
#             same findings from `check --from` on the snapshot `collect`
#             wrote in the same run
#   no_event  the same server without that event: not FE-DOWN (the event
#             is what the verdict rests on)
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe; the stand-ins are looked for in
#      its build folder's tests/standins, or SD_STANDIN_DIR).
#      Exit 0 pass, 77 skip, 1 fail.
# Its own prefix: sd_wine_prefix_clone of the runner's template when there
# is one (lib/standins.sh si_setup), else a new one.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$SD_INTEG_DIR/lib/wine.sh"
. "$SD_INTEG_DIR/lib/standins.sh"
sd_require_cmd x86_64-w64-mingw32-windres
si_setup

tools=$SD_INTEG_DIR/tools
fix=$SD_INTEG_DIR/fixtures/ocs
x86_64-w64-mingw32-windres "$fix/rtcsrv_version.rc" -O coff -o "$SI_TMP/ver.o" ||
    sd_fail "windres"
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$SI_TMP/RtcSrv.exe" \
    "$tools/fake_rtcsrv.c" "$SI_TMP/ver.o" || sd_fail "fake_rtcsrv.c"
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$SI_TMP/ocs_svcinst.exe" \
    "$tools/ocs_svcinst.c" || sd_fail "ocs_svcinst.c"

drive_c=$WINEPREFIX/drive_c
core='Program Files/Microsoft Office Communications Server 2007 R2/Server/Core'
mkdir -p "$drive_c/$core" && cp "$SI_TMP/RtcSrv.exe" "$drive_c/$core/RtcSrv.exe" ||
    sd_fail "could not install the fake Front End"
for reg in kb974571-win2003.reg ocs2007r2-product.reg; do
    cp "$fix/$reg" "$drive_c/$reg" && sd_wine regedit /S "C:\\$reg" >/dev/null 2>&1 ||
        sd_fail "regedit $reg"
done
svcinst() { sd_wine "$SI_TMP/ocs_svcinst.exe" "$@" 2>>"$SI_TMP/svcinst.err" | tr -d '\r'; }
fe_path='"C:\Program Files\Microsoft Office Communications Server 2007 R2\Server\Core\RtcSrv.exe"'
svcinst create RTCSRV "Office Communications Server Front-End" "$fe_path" >/dev/null ||
    sd_fail "create RTCSRV: $(cat "$SI_TMP/svcinst.err")"
svcinst start RTCSRV 20 >/dev/null
st=$(svcinst stop RTCSRV 20)
sd_assert_match "the Front End is stopped, with no error code" \
    'STATE=1 WIN32=0 SPECIFIC=0x0' "$st"

SCM='Service Control Manager'
findings() {
    jq -r '.modules[] | select(.id == "ocs-kb974571") | .findings[] |
        "\(.code) \(.evidence.event // "-")"' "$1" 2>/dev/null | LC_ALL=C sort
}
run() { # run NAME: check live, collect, check --from
    si_run "$1-live" 60 check --only ocs-kb974571 --format json
    sd_check "$1: live report" si_is_report "$SI_TMP/$1-live.out"
    si_run "$1-collect" 60 collect -o "$1.json"
    sd_assert_eq "$1: collect exit code" 0 "$SI_RC"
    si_run "$1-from" 60 check --from "$1.json" --only ocs-kb974571 --format json
    sd_check "$1: report from the snapshot" si_is_report "$SI_TMP/$1-from.out"
    sd_assert_eq "$1: live findings = snapshot findings" \
        "$(findings "$SI_TMP/$1-from.out")" "$(findings "$SI_TMP/$1-live.out")"
}

event() {
    local wfix
    {
        si_line channel System
        si_line event System "$SCM" 7036 4 7200 500 'Windows Update' stopped
        si_line event System "$SCM" 7024 2 3600 501 \
            'Office Communications Server Front-End' '%%3286842403'
        si_line channel 'Office Communications Server'
    } | si_evt_data
    run event
    wfix=$(_sd_wine_run winepath -w "$SD_SRC/tests/fixtures/ocs-kb974571/down_event_only.json" 2>/dev/null | tr -d '\r')
    si_run event-fixture 60 check --from "$wfix" --only ocs-kb974571 --format json
    sd_assert_eq "event: codes = the fixture's" \
        "$(si_codes "$SI_TMP/event-fixture.out" ocs-kb974571)" \
        "$(si_codes "$SI_TMP/event-live.out" ocs-kb974571)"
    sd_assert_eq "event: the code" OCS-KB974571-FE-DOWN \
        "$(si_codes "$SI_TMP/event-live.out" ocs-kb974571)"
    sd_assert_match "event: the event in the evidence" \
        'System log, Service Control Manager, event 7024, .*3286842403' \
        "$(jq -r '.modules[] | select(.id == "ocs-kb974571") | .findings[0].evidence.event' "$SI_TMP/event-live.out")"
    sd_assert_eq "event: read with EvtQuery" EvtQuery "$(jq -r .events.method "$SI_TMP/event.json")"
}

no_event() {
    {
        si_line channel System
        si_line event System "$SCM" 7036 4 7200 500 'Windows Update' stopped
        si_line channel 'Office Communications Server'
    } | si_evt_data
    run no_event
    sd_assert_eq "no_event: not FE-DOWN" 0 "$(jq '[.modules[] | select(.id == "ocs-kb974571") | .findings[] | select(.code == "OCS-KB974571-FE-DOWN")] | length' "$SI_TMP/no_event-live.out")"
    sd_assert_match "no_event: a finding" 'OCS-' "$(si_codes "$SI_TMP/no_event-live.out" ocs-kb974571)"
}

for s in event no_event; do
    if [ -n "${SI_ONLY:-}" ] && [[ " $SI_ONLY " != *" $s "* ]]; then
        continue
    fi
    si_scenario "$s" "$s"
done
sd_finish
