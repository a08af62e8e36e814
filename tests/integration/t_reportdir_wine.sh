#!/usr/bin/env bash
# Scheduled-task mode under Wine: --report-dir C:\ProgramData\srvdoctor\reports
# --keep 3 over five live runs leaves exactly three timestamped reports plus
# latest.json; --report-dir alone means that same default folder
# (SHGetFolderPathW CSIDL_COMMON_APPDATA); a run killed while it replaces
# latest.json leaves the old one intact; two runs at once both land; an
# unusable folder ends with exit 3 and one sentence.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe), SD_SRC, WINEPREFIX (optional: a
# prepared prefix; a throwaway one is made when unset).
set -u
: "${SRVDOCTOR_EXE:?}" "${SD_SRC:?}"
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
own_prefix=0
pids=()
if [ -n "${WINEPREFIX:-}" ]; then
  [ -f "$WINEPREFIX/system.reg" ] || { echo "WINEPREFIX=$WINEPREFIX is not a Wine prefix"; exit 1; }
  sd_wine_use "$WINEPREFIX" || true # non-zero when its wineserver already runs
else
  sd_wine_prefix_create "$tmp/prefix" || exit 1
  own_prefix=1
fi
drive_c="$WINEPREFIX/drive_c"
dir="$drive_c/ProgramData/srvdoctor/reports"
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$dir" "$drive_c/sd-blocker"
  if [ "$own_prefix" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# Output always to files: Wine's helper processes may inherit a pipe.
win() { sd_wine "$SRVDOCTOR_EXE" "$@" >"$tmp/out" 2>"$tmp/err"; }
# The test program beside srvdoctor.exe (tests/tools/sd_seams.c, built with
# -DSD_TEST_TOOLS=ON): srvdoctor's own code with every atomic write pausing
# halfway, since the shipped exe reads no test variable.
seams=${SD_SEAMS_EXE:-$(dirname "$SRVDOCTOR_EXE")/sd_seams.exe}
[ -f "$seams" ] || { echo "FAIL: no test program $seams (build with -DSD_TEST_TOOLS=ON)"; exit 1; }
host=$(sd_wine "$SRVDOCTOR_EXE" check --format json 2>/dev/null >"$tmp/h.json"; jq -r .host.name "$tmp/h.json")
reports() { find "$dir" -maxdepth 1 -iname "srvdoctor-$host-*.json" | wc -l; }
rm -rf "$dir"

# 1. Five runs, --keep 3: three reports and latest.json (runs 4 and 5 use
#    the default folder, which must be the same one).
for i in 1 2 3 4 5; do
  if [ "$i" -le 3 ]; then
    win check --report-dir 'C:\ProgramData\srvdoctor\reports' --keep 3 --format nagios
  else
    win check --report-dir --keep 3 --format nagios
  fi
  rc=$?
  first=$(head -n 1 "$tmp/out")
  case "$rc:$first" in
    0:"SRVDOCTOR OK "*|1:"SRVDOCTOR WARNING "*|2:"SRVDOCTOR CRITICAL "*|3:"SRVDOCTOR UNKNOWN "*) ok ;;
    *) bad "run $i: exit $rc, first line \"$first\", stderr $(cat "$tmp/err")" ;;
  esac
done
[ "$(reports)" = 3 ] && ok || bad "expected 3 reports of $host, found $(reports): $(ls "$dir" 2>&1)"
[ -f "$dir/latest.json" ] && jq -e '.schema_version == 3 and .source == "live"' "$dir/latest.json" >/dev/null &&
  ok || bad "latest.json missing or not a report"
# Nothing else: the lock file goes with the run that held it.
[ "$(find "$dir" -maxdepth 1 -type f | wc -l)" = 4 ] && ok ||
  bad "expected exactly 3 reports + latest.json: $(ls "$dir")"
# latest.json is the same document as the last run's report, which the
# run names on stderr (as a Windows path).
newest=$(tr -d '\r' <"$tmp/err" | sed -n 's/^srvdoctor: report written to .*\\\(srvdoctor-[^\\]*\.json\)\.$/\1/p')
[ -n "$newest" ] && cmp -s "$dir/$newest" "$dir/latest.json" && ok ||
  bad "latest.json differs from the last report (${newest:-not named}: $(cat "$tmp/err"))"

# 2. Kill the writer while it writes latest.json.
cp "$dir/latest.json" "$tmp/before.json"
sd_wine "$seams" stall-write 4000 check --report-dir --keep 3 \
  >"$tmp/k.out" 2>"$tmp/k.err" &
writer=$!
pids+=("$writer")
seen=0
for _ in $(seq 1 150); do
  if compgen -G "$dir/latest.json.*.tmp" >/dev/null; then seen=1; break; fi
  sleep 0.1
done
kill -9 "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
sleep 0.5
[ "$seen" = 1 ] && ok || bad "the writer never started on latest.json"
cmp -s "$tmp/before.json" "$dir/latest.json" && ok || bad "latest.json changed after the kill"
start=$(date +%s)
win check --report-dir --keep 3
rc=$?
[ "$rc" -le 2 ] && ok || bad "run after the kill: exit $rc ($(cat "$tmp/err"))"
[ $(( $(date +%s) - start )) -lt 15 ] && ok || bad "the run after the kill waited for a stale lock"
[ -z "$(find "$dir" -name '*.tmp')" ] && ok || bad "stale temporary file not removed: $(ls "$dir")"
[ "$(reports)" = 3 ] && ok || bad "expected 3 reports after the kill, found $(reports)"

# 3. Two runs at once: both land whole.
sd_wine "$seams" stall-write 800 check --report-dir --keep 50 \
  >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
sd_wine "$seams" stall-write 800 check --report-dir --keep 50 \
  >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
pids+=("$a" "$b")
wait "$a"; ra=$?
wait "$b"; rb=$?
[ "$ra" -le 2 ] && [ "$rb" -le 2 ] && ok || bad "concurrent runs exited $ra/$rb: $(cat "$tmp/a.err" "$tmp/b.err")"
[ "$(reports)" = 5 ] && ok || bad "expected 5 reports after two concurrent runs, found $(reports)"
whole=1
for f in "$dir"/*.json; do jq -e '.schema_version == 3' "$f" >/dev/null || whole=0; done
[ "$whole" = 1 ] && ok || bad "a report is not whole after concurrent runs"

# 4. A file where the folder should be: exit 3, one sentence on stderr.
: >"$drive_c/sd-blocker"
win check --report-dir 'C:\sd-blocker\reports'
rc=$?
[ "$rc" = 3 ] && ok || bad "blocked folder: exit $rc"
[ "$(tr -d '\r' <"$tmp/err" | wc -l)" = 1 ] && grep -q 'report folder: cannot create the folder C:.sd-blocker.*in the way\.' "$tmp/err" &&
  ok || bad "blocked folder message: $(cat "$tmp/err")"

echo "t_reportdir_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
