#!/usr/bin/env bash
# ocs-kb974571 under Wine, on a Windows Server 2003 prefix:
#   1. a fake Front End registered as RTCSRV (quoted path with an argument,
#      through CreateServiceW) that stops with service-specific error
#      0xC3E93C23, KB974571 registered the way Server 2003 registers
#      hotfixes: srvdoctor.exe must report OCS-KB974571-FE-DOWN with the
#      Server 2003 uninstall command;
#      A fake Mediation Server (RTCMEDSRV) stopped the same way is named
#      in that finding;
#   2. the same Front End running normally: the Mediation Server still
#      stopped gives OCS-KB974571-ROLE-DOWN; without it, the install time
#      comes from KB974571's InstalledDate first (an old date: OK; today,
#      the day of the boot: uncertain, OCS-UNKNOWN), and without it from
#      the backup folder's creation time (after the boot: AT-RISK).
# The test makes its own prefix (it changes the Windows version and
# registers services, which must not leak into a shared prefix) and removes
# it, with its wineserver, on exit.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe), SD_SRC (repo root; default: the
#      checkout this script is in), SD_OCS_KEEP (optional: a folder to copy
#      the two JSON reports to).  Exit 0 pass, 77 skip, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SD_SRC=${SD_SRC:-$(cd "$here/../.." && pwd)}
exe=${SRVDOCTOR_EXE:-}
skip() { echo "SKIP: $*"; exit 77; }
[ -n "$exe" ] && [ -f "$exe" ] || skip "SRVDOCTOR_EXE is not set to srvdoctor.exe"
for t in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres jq; do
  command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -x /usr/lib/wine/wine64 ] || skip "wine64 is not installed"
exe=$(readlink -f "$exe")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-ocs.XXXXXX")
prefix_made=0
# shellcheck source=lib/wine.sh
. "$SD_SRC/tests/integration/lib/wine.sh"
# Only ever stop the wineserver of our own prefix, never a shared one.
cleanup() {
  if [ "$prefix_made" = 1 ]; then
    sd_wine_teardown "$tmp/prefix"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
w() { /usr/lib/wine/wine64 "$@" </dev/null; }

# ---- build the helpers ----
tools=$SD_SRC/tests/integration/tools
fix=$SD_SRC/tests/integration/fixtures/ocs
x86_64-w64-mingw32-windres "$fix/rtcsrv_version.rc" -O coff -o "$tmp/ver.o" ||
  { echo "FAIL: windres"; exit 1; }
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$tmp/RtcSrv.exe" \
  "$tools/fake_rtcsrv.c" "$tmp/ver.o" || { echo "FAIL: fake_rtcsrv.c"; exit 1; }
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$tmp/ocs_svcinst.exe" \
  "$tools/ocs_svcinst.c" || { echo "FAIL: ocs_svcinst.c"; exit 1; }

# ---- a Windows Server 2003 prefix ----
t0=$(date +%s%3N)
prefix_made=1
sd_wine_prefix_create "$tmp/prefix" || { echo "FAIL: prefix"; exit 1; }
sd_wine_set_version win2003 || bad "winecfg /v win2003"
t1=$(date +%s%3N)
echo "prefix ready in $((t1 - t0)) ms"
drive_c=$WINEPREFIX/drive_c
# Install times have one-second steps: let the clock move past the prefix's
# boot time so the update below is clearly "installed after the last boot".
sleep 2
core='Program Files/Microsoft Office Communications Server 2007 R2/Server/Core'
mkdir -p "$drive_c/$core" "$drive_c/windows/\$NTUninstallKB974571\$/spuninst"
cp "$tmp/RtcSrv.exe" "$drive_c/$core/RtcSrv.exe"
for reg in kb974571-win2003.reg ocs2007r2-product.reg; do
  cp "$fix/$reg" "$drive_c/$reg"
  w regedit /S "C:\\$reg" >/dev/null 2>&1 || bad "regedit $reg"
done
w reg query 'HKLM\SOFTWARE\Microsoft\Updates\Windows Server 2003\SP3\KB974571' \
  >/dev/null 2>&1 && ok || bad "the KB974571 fixture was not imported"

fe_path='"C:\Program Files\Microsoft Office Communications Server 2007 R2\Server\Core\RtcSrv.exe"'
svcinst() { w "$tmp/ocs_svcinst.exe" "$@" 2>>"$tmp/svcinst.err" | tr -d '\r'; }
run_check() {
  local out=$1 t0 t1
  t0=$(date +%s%3N)
  w "$exe" check --only ocs-kb974571 --format json >"$out" 2>"$tmp/err"
  echo $? >"$out.rc"
  t1=$(date +%s%3N)
  echo "srvdoctor.exe check took $((t1 - t0)) ms (collect $(jq -r .timings_ms.collect "$out" 2>/dev/null) ms)"
}
ocs() { jq -r "[.modules[] | select(.id == \"ocs-kb974571\") | .findings[]] | $1" "$2"; }

# ---- 1. the Front End stopped by KB974571 ----
svcinst create RTCSRV "Office Communications Server Front-End" "$fe_path --fail" ||
  bad "create RTCSRV: $(cat "$tmp/svcinst.err")"
st=$(svcinst start RTCSRV 20)
case $st in
  *"STATE=1 WIN32=1066 SPECIFIC=0xC3E93C23"*) ok ;;
  *) bad "fake Front End did not stop with 0xC3E93C23: $st $(cat "$tmp/svcinst.err")" ;;
esac
# A second LCS/OCS role on the same server, the Mediation Server, stopped by
# the same error (same fake binary, its own service name).
svcinst create RTCMEDSRV "Office Communications Server Mediation" "$fe_path --fail" ||
  bad "create RTCMEDSRV: $(cat "$tmp/svcinst.err")"
st=$(svcinst start RTCMEDSRV 20)
case $st in
  *"STATE=1 WIN32=1066 SPECIFIC=0xC3E93C23"*) ok ;;
  *) bad "fake Mediation Server did not stop with 0xC3E93C23: $st $(cat "$tmp/svcinst.err")" ;;
esac
run_check "$tmp/down.json"
codes=$(ocs 'map(.code) | join(",")' "$tmp/down.json")
[ "$codes" = "OCS-KB974571-FE-DOWN" ] && ok ||
  bad "expected OCS-KB974571-FE-DOWN, got '$codes': $(head -c 600 "$tmp/down.json") $(cat "$tmp/err")"
[ "$(cat "$tmp/down.json.rc")" = 2 ] && ok || bad "exit code $(cat "$tmp/down.json.rc"), expected 2"
# The command fix runs too (the finding's action, docs/fix.md): in the
# steps (schema 2: each step holds its commands, alternatives theirs).
cmds='[.modules[] | select(.id == "ocs-kb974571") | .findings[0].remediation.steps[] | .commands[], (.alternatives[]? | .commands[])]'
cmd2003='%SystemRoot%\$NTUninstallKB974571$\spuninst\spuninst.exe /passive /norestart'
jq -e --arg c "$cmd2003" "$cmds"' | index($c) != null' \
  "$tmp/down.json" >/dev/null && ok || bad "no Server 2003 uninstall command: $(jq -c "$cmds" "$tmp/down.json")"
jq -e "$cmds"' | any(test("wusa|pkgmgr")) | not' \
  "$tmp/down.json" >/dev/null && ok || bad "commands of another Windows version"
# Issue 16: the removal is the last resort, under a condition, in exactly
# the step fix names, after OCSASNFix.exe; the restart is conditioned too.
rem='.[0].remediation'
jq -e --arg c "$cmd2003" '[.modules[] | select(.id == "ocs-kb974571") | .findings[0].remediation] | .[0] as $r
  | ($r.steps | map(select(.commands | index($c) != null))) as $s
  | ($s | length) == 1 and $s[0].kind == "last_resort" and ($s[0].condition | test("^Only if step [0-9]+ did not show RUNNING"))
    and $s[0].number == $r.fix.first_step and $r.fix.last_step == $r.fix.first_step
    and ($r.fix.warning | test("KB974571.*MS09-056"))
    and ([$r.steps[] | select(.commands | index("OCSASNFix.exe") != null) | .number] | .[0]) < $s[0].number' \
  "$tmp/down.json" >/dev/null && ok || bad "removal step: $(ocs "$rem.steps" "$tmp/down.json" | head -c 1500) fix $(ocs "$rem.fix" "$tmp/down.json")"
jq -e '[.modules[] | select(.id == "ocs-kb974571") | .findings[0].remediation.steps[] | select(.commands | index("shutdown -r -t 0") != null)]
  | length == 1 and .[0].kind == "last_resort" and (.[0].condition | test("^Only if you carried out step [0-9]+"))' \
  "$tmp/down.json" >/dev/null && ok || bad "restart step not a conditioned last resort"
ev() { ocs ".[0].evidence.$1 // \"\"" "$tmp/down.json"; }
[ "$(ev service_exit_code)" = 0xC3E93C23 ] && ok || bad "service_exit_code $(ev service_exit_code)"
[ "$(ev win32_exit_code)" = 1066 ] && ok || bad "win32_exit_code $(ev win32_exit_code)"
case $(ev kb974571_found_by) in
  *"hotfix-key: HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows Server 2003\\SP3\\KB974571"*"ntuninstall-dir: "*'$NTUninstallKB974571$'*"uninstall-key: "*) ok ;;
  *) bad "KB974571 routes: $(ev kb974571_found_by)" ;;
esac
case $(ev os) in *"(5.2."*) ok ;; *) bad "os is not Server 2003: $(ev os)" ;; esac
[ "$(ev product)" = "Office Communications Server 2007 R2" ] && ok || bad "product $(ev product)"
[ "$(ev product_version)" = 3.5.6907.0 ] && ok || bad "product_version $(ev product_version)"
[ "$(ev edition)" = Standard ] && ok || bad "edition $(ev edition)"
case $(ev image_path) in *RtcSrv.exe*--fail*) ok ;; *) bad "image_path $(ev image_path)" ;; esac
# Wine's event log is a stub: it must be reported unreadable, not empty.
case $(ev event_log_unreadable) in *"System log"*) ok ;; *) bad "event log not reported unreadable: $(ev event_log_unreadable)" ;; esac
[ "$(ocs '.[0].remediation.fixable' "$tmp/down.json")" = true ] && ok || bad "not fixable"
[ "$(ev roles_stopped_with_0xC3E93C23)" = "Mediation Server (RTCMEDSRV)" ] && ok ||
  bad "other roles: $(ev roles_stopped_with_0xC3E93C23)"
case $(ocs '.[0].message' "$tmp/down.json") in
  *"Mediation Server (RTCMEDSRV) has also stopped with the same error 0xC3E93C23"*) ok ;;
  *) bad "message does not name the Mediation Server: $(ocs '.[0].message' "$tmp/down.json")" ;;
esac
jq -e "$cmds"' | index("net start RTCMEDSRV") != null' \
  "$tmp/down.json" >/dev/null && ok || bad "no net start RTCMEDSRV"
[ "$(ocs '.[0].remediation.target // ""' "$tmp/down.json")" = KB974571 ] && ok || bad "target"

# ---- 2. the same Front End running normally ----
svcinst delete RTCSRV || bad "delete RTCSRV"
svcinst create RTCSRV "Office Communications Server Front-End" "$fe_path --run" ||
  bad "re-create RTCSRV: $(cat "$tmp/svcinst.err")"
st=$(svcinst start RTCSRV 20)
case $st in *"STATE=4 "*) ok ;; *) bad "fake Front End not running: $st" ;; esac
kbkey='HKLM\SOFTWARE\Microsoft\Updates\Windows Server 2003\SP3\KB974571'
# 2. The Front End runs, the Mediation Server is still stopped by
# KB974571: that role is the verdict, not OK.
run_check "$tmp/roles.json"
codes=$(ocs 'map(.code) | join(",")' "$tmp/roles.json")
[ "$codes" = OCS-KB974571-ROLE-DOWN ] && ok || bad "Front End up, Mediation down: expected OCS-KB974571-ROLE-DOWN, got $codes"
case $(ocs '.[0].message' "$tmp/roles.json") in
  *"Mediation Server (RTCMEDSRV) has stopped with error 0xC3E93C23"*) ok ;;
  *) bad "role message: $(ocs '.[0].message' "$tmp/roles.json")" ;;
esac
svcinst delete RTCMEDSRV || bad "delete RTCMEDSRV"
# 2a. KB974571's keys and folder were written after this prefix booted,
# but its InstalledDate says 10/14/2009: the update's own date wins over
# the keys' write times (issue 12), so the Front End survived a restart
# with it: OK.
run_check "$tmp/up.json"
codes=$(ocs 'map(.code) | join(",")' "$tmp/up.json")
case $codes in
  *FE-DOWN*|"") bad "running Front End reported as '$codes'" ;;
  *) ok ;;
esac
[ "$codes" = OCS-OK ] && ok || bad "InstalledDate 10/14/2009: expected OCS-OK, got $codes: $(ocs '.[0].message' "$tmp/up.json")"
[ "$(ocs '.[0].evidence.service_state' "$tmp/up.json")" = running ] && ok || bad "service_state"
case $(ocs '.[0].evidence.kb974571_time_source // ""' "$tmp/up.json") in
  "the InstalledDate value of HKLM\SOFTWARE\Microsoft\Updates\Windows Server 2003\SP3\KB974571") ok ;;
  *) bad "time source: $(ocs '.[0].evidence.kb974571_time_source' "$tmp/up.json")" ;;
esac
[ "$(ocs '.[0].evidence.kb974571_installed_at // ""' "$tmp/up.json")" = "10/14/2009 (a date without time)" ] && ok ||
  bad "installed_at: $(ocs '.[0].evidence.kb974571_installed_at' "$tmp/up.json")"
# 2b. InstalledDate is today, the day this prefix booted: a date alone
# cannot say before or after the restart, and the verdict says so.
w reg add "$kbkey" /v InstalledDate /t REG_SZ /d "$(date +%-m/%-d/%Y)" /f \
  >/dev/null 2>&1 || bad "reg add InstalledDate"
run_check "$tmp/sameday.json"
codes=$(ocs 'map(.code) | join(",")' "$tmp/sameday.json")
[ "$codes" = OCS-UNKNOWN ] && ok || bad "InstalledDate today: expected OCS-UNKNOWN, got $codes"
case $(ocs '.[0].message' "$tmp/sameday.json") in
  *"$(date +%-m/%-d/%Y)"*uncertain*) ok ;;
  *) bad "same-day message: $(ocs '.[0].message' "$tmp/sameday.json")" ;;
esac
# 2c. No InstalledDate: the fallback is a time the collector names (the
# backup folder, made after the boot): at risk.
w reg delete "$kbkey" /v InstalledDate /f >/dev/null 2>&1 || bad "reg delete InstalledDate"
run_check "$tmp/nodate.json"
codes=$(ocs 'map(.code) | join(",")' "$tmp/nodate.json")
[ "$codes" = OCS-KB974571-AT-RISK ] && ok || bad "no InstalledDate: expected OCS-KB974571-AT-RISK, got $codes"
case $(ocs '.[0].evidence.kb974571_time_source // ""' "$tmp/nodate.json") in
  *"creation time of the folder"*'$NTUninstallKB974571$'*) ok ;;
  *) bad "fallback time source: $(ocs '.[0].evidence.kb974571_time_source' "$tmp/nodate.json")" ;;
esac
case $(ocs '.[0].evidence.kb974571_installed_date_unused // ""' "$tmp/nodate.json") in
  *InstalledDate*absent*) ok ;;
  *) bad "unused InstalledDate not named: $(ocs '.[0].evidence.kb974571_installed_date_unused' "$tmp/nodate.json")" ;;
esac
svcinst stop RTCSRV 20 >/dev/null || bad "stop RTCSRV"

# ---- 3. the event collector where Wine's event log is a stub ----
# ocs_events_probe includes events.c and feeds it a fake wevtapi and
# hand-made EVENTLOGRECORDs; it needs the layer libraries of the same build
# (libsdsnapshot.a for the facts' life cycle, libsdcore.a below it).
lib=$(dirname "$exe")/libsdcore.a
snaplib=$(dirname "$exe")/libsdsnapshot.a
collib=$(dirname "$exe")/libsdcollect.a
if [ -f "$lib" ] && [ -f "$snaplib" ] && [ -f "$collib" ]; then
  # the modules' collectors (the rows events.c reads) from libsdcollect.a
  if x86_64-w64-mingw32-gcc -municode -O2 -std=c11 -Wall -Wextra -Werror \
       -D_WIN32_WINNT=0x0600 -DUNICODE -D_UNICODE -D__USE_MINGW_ANSI_STDIO=1 \
       -I"$SD_SRC/include" -I"$SD_SRC/src/collect/win32" \
       -I"$SD_SRC/src/modules" -I"$(dirname "$exe")/generated" \
       "$tools/ocs_events_probe.c" "$collib" "$snaplib" "$lib" -ladvapi32 \
       -lversion -lshell32 -lole32 -loleaut32 -lnetapi32 -lpsapi -lwldap32 \
       -lmsi -lwbemuuid -o "$tmp/ocs_events_probe.exe"; then
    out=$(w "$tmp/ocs_events_probe.exe" | tr -d '\r')
    rc=$?
    echo "$out" | tail -n 1
    [ "$rc" = 0 ] && ok || bad "ocs_events_probe: $out"
  else
    bad "ocs_events_probe.c does not build"
  fi
else
  bad "$lib or $snaplib not found: the event collector probe cannot run"
fi

# SD_OCS_KEEP=DIR keeps the two reports for a look.
[ -n "${SD_OCS_KEEP:-}" ] && cp "$tmp/down.json" "$tmp/up.json" "$SD_OCS_KEEP/"
echo "t_ocs_kb974571: $pass passed, $fail failed"
[ "$fail" = 0 ]
