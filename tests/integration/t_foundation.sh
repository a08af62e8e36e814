#!/usr/bin/env bash
# The foundation under Wine: a live check on a fresh prefix, collect then a
# native check --from of that snapshot, byte-identical re-save, exit codes
# and report files written to Windows paths.
# Runs with the x64 exe and again with the x86 exe (WoW64 in the same 64-bit
# prefix), which must see the same machine.
# sd-arch: x64 x86
# Env: SRVDOCTOR_EXE (the exe), SD_EXE_ARCH (x64 or x86), SRVDOCTOR_NATIVE (native binary),
#      SD_BUILD_DIR (native build with tools), WINEPREFIX (prepared prefix,
#      optional: a throwaway one is made when unset).
set -u
: "${SRVDOCTOR_EXE:?}" "${SRVDOCTOR_NATIVE:?}" "${SD_BUILD_DIR:?}"
export WINEDEBUG=-all WINELOADER=/usr/lib/wine/wine64
tmp=$(mktemp -d)
own_prefix=0
if [ -z "${WINEPREFIX:-}" ]; then
  export WINEPREFIX="$tmp/prefix"
  own_prefix=1
  /usr/lib/wine/wine64 wineboot -i >/dev/null 2>&1
  /usr/lib/wine/wineserver -w
fi
cleanup() {
  [ "$own_prefix" = 1 ] && /usr/lib/wine/wineserver -k 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
win() { /usr/lib/wine/wine64 "$SRVDOCTOR_EXE" "$@" 2>"$tmp/err"; }
drive_c="$WINEPREFIX/drive_c"

# 0. The exe is the architecture this run is for.
case ${SD_EXE_ARCH:-x64} in
  x86) want_pe='PE32 executable.*Intel 80386' ;;
  *) want_pe='PE32\+ executable.*x86-64' ;;
esac
file -b "$SRVDOCTOR_EXE" | grep -qE "$want_pe" && ok || bad "not a ${SD_EXE_ARCH:-x64} exe: $(file -b "$SRVDOCTOR_EXE")"

# 1. A live check prints a valid report of this machine.
win check --format json >"$tmp/live.json"
rc=$?
if jq -e '.schema_version == 3 and .source == "live" and (.host.name | length > 0)
          and (.host.os.name | length > 0) and (.host.os.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+$"))
          and (.modules | map(.id) | index("host") != null)' "$tmp/live.json" >/dev/null; then ok
else bad "live report contract: $(head -c 400 "$tmp/live.json")"; fi
# The prefix is 64-bit Windows: the x86 exe too must say so (it asks the
# OS, not its own build).
jq -e '.host.os.arch == "x64"' "$tmp/live.json" >/dev/null && ok || bad "os arch: $(jq -c .host.os "$tmp/live.json")"
want=$(jq -r .exit_code "$tmp/live.json" 2>/dev/null)
[ "$rc" = "$want" ] && ok || bad "exit code $rc but report says $want"

# 2. collect, then analyse natively: the same findings.
rm -f "$drive_c/snap.json"
win collect -o 'C:\snap.json'
[ $? -eq 0 ] && [ -s "$drive_c/snap.json" ] && ok || bad "collect -o C:\\snap.json: $(cat "$tmp/err")"
"$SRVDOCTOR_NATIVE" check --from "$drive_c/snap.json" --format json >"$tmp/offline.json"
jq -e '.source == "snapshot"' "$tmp/offline.json" >/dev/null && ok || bad "offline report"
shape='[.modules[] | {id, status, findings: [.findings[] | {code, severity, title}]}]'
if [ "$(jq -c "$shape" "$tmp/live.json")" = "$(jq -c "$shape" "$tmp/offline.json")" ]; then ok
else bad "live and snapshot findings differ:
$(diff <(jq "$shape" "$tmp/live.json") <(jq "$shape" "$tmp/offline.json") | head -40)"; fi
jq -e '.host.name == (input | .host.name)' "$tmp/live.json" "$tmp/offline.json" >/dev/null && ok || bad "host names differ"

# 3. collect -> load -> save is byte-identical.
"$SD_BUILD_DIR/snapshot_resave" "$drive_c/snap.json" "$tmp/resaved.json" &&
  cmp -s "$drive_c/snap.json" "$tmp/resaved.json" && ok || bad "re-saved snapshot differs"

# 4. Exit codes and report files on Windows paths.
win --help >/dev/null; [ $? -eq 0 ] && ok || bad "--help exit code"
win --version >/dev/null; [ $? -eq 0 ] && ok || bad "--version exit code"
win '/?' >/dev/null; [ $? -eq 0 ] && ok || bad "/? exit code"
win --frobnicate >/dev/null; [ $? -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "unknown option"
win check --from 'C:\nonexistent.json' >/dev/null; [ $? -eq 3 ] && ok || bad "missing snapshot"
mkdir -p "$drive_c/reports"
win check --format json -o 'C:\reports\r.json'
rc=$?
jq -e .schema_version "$drive_c/reports/r.json" >/dev/null && [ "$rc" -le 2 ] && ok || bad "report to C:\\reports (rc $rc)"
echo previous >"$drive_c/reports/keep.json"
win check -o 'C:\no\such\folder\r.json' >/dev/null
[ $? -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok || bad "unwritable path: $(cat "$tmp/err")"
[ ! -e "$drive_c/no" ] && [ -z "$(ls "$drive_c/reports" | grep -v -e '^r.json$' -e '^keep.json$')" ] && ok || bad "partial files left"
win check -o 'C:\reports' >/dev/null
[ $? -eq 3 ] && ok || bad "folder as output"
grep -q previous "$drive_c/reports/keep.json" && ok || bad "other file touched"

echo "t_foundation: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
