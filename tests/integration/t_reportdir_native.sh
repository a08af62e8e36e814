#!/usr/bin/env bash
# --report-dir with the native build (no Wine needed): rotation through the
# command line, a writer killed in the middle of replacing latest.json (the
# old file stays intact and the next run cleans up), two runs at once, and
# an unwritable folder (exit 3, one sentence).
# Env: SRVDOCTOR_NATIVE (native binary), SD_BUILD_DIR (its build folder,
#      with sd_seams), SD_SRC (repository root).
# Test seam used: the test program sd_seams (tests/tools/sd_seams.c) runs
# srvdoctor with every atomic write pausing halfway ("stall-write MS"); the
# shipped program reads no test variable.
set -u
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}" "${SD_BUILD_DIR:?}"
seams=$SD_BUILD_DIR/sd_seams
[ -x "$seams" ] || { echo "FAIL: no test program $seams"; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
fixture="$tmp/snap.json"
cp "$SD_SRC/tests/fixtures/reports/hv_stuck.json" "$fixture"
chmod 644 "$fixture"
dir="$tmp/reports"
run() { "$SRVDOCTOR_NATIVE" check --from "$fixture" --report-dir "$dir" "$@"; }
# stalled MS ARGS...: the same run, every atomic write pausing MS halfway.
stalled() {
  local ms=$1
  shift
  "$seams" stall-write "$ms" check --from "$fixture" --report-dir "$dir" "$@"
}
reports() { find "$dir" -maxdepth 1 -name 'srvdoctor-HV01-*.json' | wc -l; }

# 1. Five runs with --keep 3: three reports of this host plus latest.json.
for i in 1 2 3 4 5; do
  run --keep 3 --format json >"$tmp/out$i.json" 2>"$tmp/err"
  rc=$?
  [ "$rc" = 2 ] || bad "run $i: exit code $rc ($(cat "$tmp/err"))"
done
[ "$(reports)" = 3 ] && ok || bad "expected 3 reports, found $(reports): $(ls "$dir")"
[ -f "$dir/latest.json" ] && ok || bad "no latest.json"
jq -e '.schema_version == 3 and .status == "critical"' "$dir/latest.json" >/dev/null && ok ||
  bad "latest.json is not the report"
# latest.json is the same document as the last run's report.
newest=$(sed -n 's/^srvdoctor: report written to \(.*\)\.$/\1/p' "$tmp/err")
[ -f "$newest" ] && cmp -s "$newest" "$dir/latest.json" && ok ||
  bad "latest.json differs from the last report (${newest:-not named}: $(cat "$tmp/err"))"
[ -z "$(find "$dir" -name '*.tmp')" ] && ok || bad "temporary files left: $(ls "$dir")"

# 2. Kill the writer while it writes latest.json: the old one is intact.
cp "$dir/latest.json" "$tmp/before.json"
"$seams" stall-write 3000 check --from "$fixture" \
  --report-dir "$dir" --keep 3 --format nagios >"$tmp/k.out" 2>"$tmp/k.err" &
writer=$!
pids+=("$writer")
seen=0
for _ in $(seq 1 100); do
  if compgen -G "$dir/latest.json.*.tmp" >/dev/null; then seen=1; break; fi
  sleep 0.1
done
kill -9 "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
[ "$seen" = 1 ] && ok || bad "the writer never started on latest.json"
half=$(compgen -G "$dir/latest.json.*.tmp" | head -n 1)
if [ -n "$half" ] && [ "$(stat -c %s "$half")" -lt "$(stat -c %s "$tmp/before.json")" ]; then ok
else bad "no half-written temporary file was left (${half:-none})"; fi
cmp -s "$tmp/before.json" "$dir/latest.json" && ok || bad "latest.json changed after the kill"
jq -e . "$dir/latest.json" >/dev/null && ok || bad "latest.json is not valid JSON after the kill"
# The next run is not blocked (the lock died with the writer) and cleans up.
start=$(date +%s)
run --keep 3 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && ok || bad "run after the kill: exit $rc ($(cat "$tmp/err"))"
[ $(( $(date +%s) - start )) -lt 10 ] && ok || bad "the run after the kill waited for a stale lock"
[ -z "$(find "$dir" -name '*.tmp')" ] && ok || bad "stale temporary file not removed: $(ls "$dir")"
[ "$(reports)" = 3 ] && ok || bad "expected 3 reports after the kill, found $(reports)"

# 3. Two runs at once take turns: both succeed, nothing is lost or mixed.
stalled 700 --keep 50 >/dev/null 2>"$tmp/a.err" &
a=$!
stalled 700 --keep 50 >/dev/null 2>"$tmp/b.err" &
b=$!
pids+=("$a" "$b")
wait "$a"; ra=$?
wait "$b"; rb=$?
[ "$ra" = 2 ] && [ "$rb" = 2 ] && ok || bad "concurrent runs exited $ra/$rb: $(cat "$tmp/a.err" "$tmp/b.err")"
[ "$(reports)" = 5 ] && ok || bad "expected 5 reports after two concurrent runs, found $(reports)"
for f in "$dir"/srvdoctor-HV01-*.json "$dir/latest.json"; do
  jq -e '.schema_version == 3' "$f" >/dev/null || { bad "$f is not a whole report"; break; }
done
ok

# 4. A folder that cannot be created or written: exit 3 and one sentence.
: >"$tmp/blocker"
"$SRVDOCTOR_NATIVE" check --from "$fixture" --report-dir "$tmp/blocker/reports" \
  >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && ok || bad "blocked folder: exit $rc"
[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^srvdoctor: cannot write the report to the report folder: .*blocker.*\.$' "$tmp/err" &&
  ok || bad "blocked folder message: $(cat "$tmp/err")"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  mkdir -p "$tmp/ro"
  chmod 555 "$tmp/ro"
  chmod 755 "$tmp"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$SRVDOCTOR_NATIVE" check \
    --from "$fixture" --report-dir "$tmp/ro" >/dev/null 2>"$tmp/err"
  rc=$?
  [ "$rc" = 3 ] && ok || bad "read-only folder: exit $rc"
  [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'Permission denied\.$' "$tmp/err" && ok ||
    bad "read-only folder message: $(cat "$tmp/err")"
fi

# 5. --eventlog exists only on Windows: one sentence, exit 3.
"$SRVDOCTOR_NATIVE" check --from "$fixture" --eventlog >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'only on Windows' "$tmp/err" && ok ||
  bad "--eventlog on Linux: exit $rc, $(cat "$tmp/err")"

echo "t_reportdir_native: $pass passed, $fail failed"
[ "$fail" = 0 ]
