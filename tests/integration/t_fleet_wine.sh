#!/usr/bin/env bash
# srvdoctor.exe fleet under Wine over the mixed organisation's report folder
# (tests/fixtures/fleet/org, with a corrupt, a truncated and a foreign file
# and a report with a non-ASCII host name): the same hosts, statuses, plan
# and problems as the native build, read through the Windows folder listing
# and UTF-8 paths; -o written atomically.
# Env: SRVDOCTOR_EXE, SRVDOCTOR_NATIVE, SD_SRC, WINEPREFIX (optional).
set -u
: "${SRVDOCTOR_EXE:?}" "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
[ -f "$SRVDOCTOR_EXE" ] || { echo "no srvdoctor.exe, skipped"; exit 77; }
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
sd_wine_test_prefix "$tmp/prefix" || exit 1
dir="$WINEPREFIX/drive_c/sd-fleet-$$"
cleanup() {
  rm -rf "$dir"
  if [ "$SD_OWN_PREFIX" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# Report ages as of the fixtures' collection times.
ASOF=2026-11-26T10:00:00Z

r="$dir/Berichte-Übersicht"
mkdir -p "$r"
cp "$SD_SRC"/tests/fixtures/fleet/org/* "$r/"
jq '.host.name = "MBX-Zürich"' "$r/MBX01.json" >"$r/MBX-Zürich.json"
printf 'garbage' >"$r/corrupt.json"
head -c 500 "$r/UM01.json" >"$r/truncated.json"
printf '{"foreign": true}' >"$r/foreign.json"

rc=0
sd_wine "$SRVDOCTOR_EXE" fleet --as-of "$ASOF" --format json -o "$(sd_wine_path "$r")\\fleet.out" \
  "$(sd_wine_path "$r")" >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] && ok || bad "exe fleet exit $rc: $(cat "$tmp/err")"
[ -s "$r/fleet.out" ] && ok || bad "no output file"
ls "$r" | grep -q '\.tmp$' && bad "temporary file left" || ok
rc=0
"$SRVDOCTOR_NATIVE" fleet --as-of "$ASOF" --format json "$r" >"$tmp/native.json" 2>/dev/null || rc=$?
[ "$rc" = 2 ] && ok || bad "native fleet exit $rc"
# Everything but the file paths is the same.
norm='del(.hosts[].source, .problems[].source) | .problems |= map(.reason)'
if [ -s "$r/fleet.out" ] && diff <(jq -S "$norm" "$r/fleet.out") <(jq -S "$norm" "$tmp/native.json") >"$tmp/diff"; then ok
else bad "exe and native summaries differ: $(head -n 20 "$tmp/diff")"; fi
jq -e '[.hosts[].name] | index("MBX-Zürich") != null' "$r/fleet.out" >/dev/null && ok || bad "non-ASCII host missing"
jq -e '.problems | length == 3' "$r/fleet.out" >/dev/null && ok || bad "problems: $(jq -c .problems "$r/fleet.out")"
jq -e '[.exchange.servers[].host] == ["CAS01","CAS02","HUB01","HUB02","UM01","MBX-Zürich","MBX01","EDGE01","MBX02"]' \
  "$r/fleet.out" >/dev/null && ok || bad "plan order: $(jq -c '[.exchange.servers[].host]' "$r/fleet.out")"
jq -e '.problems[] | select(.source | endswith("truncated.json")) | .reason | test("truncated")' "$r/fleet.out" >/dev/null &&
  ok || bad "truncated file reason"
# Single files (Windows paths, not folders) are read as files.
rc=0
sd_wine "$SRVDOCTOR_EXE" fleet --as-of "$ASOF" "$(sd_wine_path "$r")\\HUB01.json" "$(sd_wine_path "$r")\\FE03.snapshot.json" \
  >"$tmp/out2" 2>"$tmp/err2" || rc=$?
[ "$rc" = 2 ] && ok || bad "exe fleet FILE FILE exit $rc: $(cat "$tmp/err2")"
grep -q 'CRITICAL: 2 hosts: 2 critical' "$tmp/out2" && ok || bad "two files: $(tail -n 5 "$tmp/out2")"
echo "t_fleet_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
