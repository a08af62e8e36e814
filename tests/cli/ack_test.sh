#!/usr/bin/env bash
# srvdoctor ack and acknowledged findings in check, native build: adding,
# listing, removing; expiry judged with --as-of; a wrong target never
# matches; a damaged or missing file is an unknown finding (the acks are
# ignored, nothing is acknowledged); a folder others may write to is
# refused; two writers at once lose nothing (the test program sd_seams
# pauses each write halfway so that the two overlap).
# Usage: ack_test.sh SRVDOCTOR SRC_DIR SD_SEAMS
set -u
BIN=$1
SRC=$2
SEAMS=$3
pass=0
fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp"; rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect() {
  local want=$1
  shift
  "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "srvdoctor $* exited $rc, expected $want: $(cat "$tmp/err")"; fi
}
one_line_err() {
  if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^srvdoctor: ' "$tmp/err"; then ok
  else bad "stderr is not one sentence: $(cat "$tmp/err")"; fi
}
err_has() { if grep -q -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1': $(cat "$tmp/err")"; fi; }
jq_true() { if jq -e "$1" "$tmp/out" >/dev/null; then ok; else bad "$2"; fi; }

F="$SRC/tests/fixtures/hyperv-stuck-vm/duplicate_names.json"
VM=11111111-AAAA-4BBB-8CCC-000000000001
OTHER=22222222-AAAA-4BBB-8CCC-000000000001
d="$tmp/acks"
mkdir -m 700 "$d"
A="$d/acks.json"
NOW=2026-11-26T09:00:00Z

# Without acknowledgements the stuck VM makes the run critical.
expect 2 check --from "$F" --acks "$A.none" --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-FILE-INVALID")] | length == 1' \
  "a missing --acks file is not reported"

# Add: a date alone means the end of that day (UTC); who is recorded.
expect 0 ack HV-VM-STUCK --target "{11111111-aaaa-4bbb-8ccc-000000000001}" \
  --until 2026-12-01 --reason "rebuilt on Saturday" --acks "$A" --as-of "$NOW"
jq -e --arg u "$(id -un)" '.acks_version == 1 and (.acks | length) == 1 and
  .acks[0].until == "2026-12-02T00:00:00Z" and .acks[0].by == $u and
  .acks[0].at == "2026-11-26T09:00:00Z" and
  .acks[0].reason == "rebuilt on Saturday"' "$A" >/dev/null && ok ||
  bad "acks file: $(cat "$A")"
expect 0 ack --list --acks "$A" --as-of "$NOW"
grep -q "^HV-VM-STUCK on {11111111-aaaa-4bbb-8ccc-000000000001} until 2026-12-02T00:00:00Z$" "$tmp/out" \
  && ok || bad "ack --list: $(cat "$tmp/out")"

# Active: shown, marked, not counted (the unknown Exchange module is left).
expect 3 check --from "$F" --acks "$A" --as-of 2026-12-01T23:59:59Z --format json
jq_true '.status == "unknown" and .exit_code == 3' "status with the ack"
jq_true '[.modules[].findings[] | select(.code == "HV-VM-STUCK")][0].acknowledged |
  .reason == "rebuilt on Saturday" and .until == "2026-12-02T00:00:00Z"' \
  "the finding lacks its acknowledged object"
jq_true '(.modules[] | select(.id == "hyperv-stuck-vm")).status == "ok"' "module status"
expect 3 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format nagios
head -n 1 "$tmp/out" | grep -q '^SRVDOCTOR UNKNOWN - 1 unknown, 1 acknowledged: EXCH-UNKNOWN |' \
  && ok || bad "nagios first line: $(head -n 1 "$tmp/out")"
grep -q "^\[CRITICAL, ACKNOWLEDGED\] HV-VM-STUCK" "$tmp/out" && ok || bad "nagios lacks the marked finding"
grep -q "Acknowledged by $(id -un) until 2026-12-02T00:00:00Z: rebuilt on Saturday" "$tmp/out" \
  && ok || bad "nagios lacks who, until when and why"
expect 3 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format prom
grep -q '^srvdoctor_findings{module="hyperv-stuck-vm",severity="critical"} 0$' "$tmp/out" \
  && ok || bad "prom still counts the acknowledged finding"
grep -q '^srvdoctor_acknowledged_findings{module="hyperv-stuck-vm",code="HV-VM-STUCK"} 1$' "$tmp/out" \
  && ok || bad "prom lacks the acknowledged gauge"
grep -q 'srvdoctor_problem_findings{module="hyperv-stuck-vm"' "$tmp/out" \
  && bad "prom problem gauge counts it" || ok
expect 3 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z
grep -q "Acknowledged by $(id -un) until 2026-12-02T00:00:00Z: rebuilt on" "$tmp/out" \
  && ok || bad "text lacks the mark"

# fleet: acknowledged counts per host, from the reports (and from a
# snapshot analysed with the same --acks).
mkdir "$tmp/fleet"
expect 3 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format json \
  -o "$tmp/fleet/hv01.json"
expect 3 fleet "$tmp/fleet" --as-of 2026-11-26T09:00:00Z --format json
jq_true '.hosts[0].name == "HV01" and .hosts[0].acknowledged == 1 and
  .hosts[0].status == "unknown"' "fleet json lacks the acknowledged count"
expect 3 fleet "$tmp/fleet" --as-of 2026-11-26T09:00:00Z
grep -q "HV01.* 1 acknowledged " "$tmp/out" && ok || bad "fleet text: $(cat "$tmp/out")"
expect 3 fleet "$tmp/fleet" --as-of 2026-11-26T09:00:00Z --format html
grep -q "(1 acknowledged)</td>" "$tmp/out" && ok || bad "fleet html lacks the count"
expect 3 fleet "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format json
jq_true '.hosts[0].acknowledged == 1' "fleet did not apply --acks to a snapshot"
expect 2 fleet "$F" --acks "$A.none" --as-of 2026-11-27T00:00:00Z --format json
jq_true '.hosts[0].acknowledged == 0' "fleet applied a missing acks file"

# Expired: the finding counts again and the expiry is a finding.
expect 2 check --from "$F" --acks "$A" --as-of 2026-12-02T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-EXPIRED")][0] |
  .severity == "info" and .evidence.still_reported == true and
  .evidence.target == "{11111111-aaaa-4bbb-8ccc-000000000001}"' "no ACK-EXPIRED finding"
jq_true '[.modules[].findings[] | select(.acknowledged)] | length == 0' "expired ack applied"

# A wrong target: the other web01 (same name, other id) is not the stuck one.
expect 0 ack --remove HV-VM-STUCK --target "$VM" --acks "$A"
expect 0 ack HV-VM-STUCK --target "$OTHER" --until 2026-12-01T00:00:00Z \
  --reason "other vm" --acks "$A" --as-of "$NOW"
expect 2 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.acknowledged)] | length == 0' \
  "an acknowledgement of another VM applied"
expect 0 ack HV-VM-STUCK --target web01 --until 2026-12-01T00:00:00Z \
  --reason "by name" --acks "$A" --as-of "$NOW"
expect 2 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.acknowledged)] | length == 0' \
  "an acknowledgement by VM name applied"

# Arguments: one sentence and exit 3, the file untouched.
cp "$A" "$tmp/before"
expect 3 ack HV-VM-STUCK --target "$VM" --reason x --acks "$A"; one_line_err
expect 3 ack HV-VM-STUCK --target "$VM" --until 2020-01-01 --reason x --acks "$A"
one_line_err; err_has "has passed"
expect 3 ack NO-SUCH-CODE --target "$VM" --until 2099-01-01 --reason x --acks "$A"
one_line_err
expect 3 ack --remove HV-VM-STUCK --target 33333333-AAAA-4BBB-8CCC-000000000001 --acks "$A"
one_line_err
expect 3 ack --list HV-VM-STUCK --acks "$A"; one_line_err
cmp -s "$A" "$tmp/before" && ok || bad "a refused ack changed the file"

# A damaged file: check ignores it with an unknown finding (the critical
# one still counts); ack --list and ack refuse it in one sentence.
printf '{"acks_version": 1, "acks": [' >"$A"
expect 2 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-FILE-INVALID")][0] |
  .severity == "unknown" and (.message | test("line 1"))' "damaged file not reported"
expect 2 check --from "$F" --acks "$A" --as-of 2026-11-27T00:00:00Z --format nagios
grep -q "ACK-FILE-INVALID" "$tmp/out" && ok || bad "nagios lacks ACK-FILE-INVALID"
expect 3 ack --list --acks "$A"; one_line_err; err_has "cannot be used"
expect 3 ack HV-VM-STUCK --target "$VM" --until 2099-01-01 --reason x --acks "$A"
one_line_err
[ "$(cat "$A")" = '{"acks_version": 1, "acks": [' ] && ok || bad "the damaged file was replaced"
rm -f "$A"

# A folder others may write to: refused for writing, distrusted for reading.
o="$tmp/open"
mkdir "$o"
chmod 777 "$o"
expect 3 ack HV-VM-STUCK --target "$VM" --until 2099-01-01 --reason x --acks "$o/acks.json"
one_line_err; err_has "every user may create or replace files"
[ ! -e "$o/acks.json" ] && ok || bad "acks written into a folder everyone may write"
printf '%s\n' '{"acks_version": 1, "acks": []}' >"$o/acks.json"
expect 2 check --from "$F" --acks "$o/acks.json" --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-FILE-INVALID")][0].message |
  test("every user")' "acks in an open folder were trusted"

# Two writers at once: each write pauses 600 ms halfway, so without the
# lock the second would read the file before the first replaced it and
# write it back without the first one's entry.
"$SEAMS" stall-write 600 ack HV-VM-STUCK --target "$VM" --until 2099-01-01 \
  --reason one --acks "$A" 2>"$tmp/e1" &
p1=$!
"$SEAMS" stall-write 600 ack HV-VM-STUCK --target "$OTHER" --until 2099-01-01 \
  --reason two --acks "$A" 2>"$tmp/e2" &
p2=$!
wait "$p1"; r1=$?
wait "$p2"; r2=$?
[ "$r1" = 0 ] && [ "$r2" = 0 ] && ok || bad "concurrent acks exited $r1/$r2: $(cat "$tmp/e1" "$tmp/e2")"
jq -e '(.acks | map(.reason) | sort) == ["one", "two"]' "$A" >/dev/null && ok ||
  bad "an acknowledgement was lost: $(cat "$A")"
left=$(cd "$d" && ls | grep -v '^acks\.json$' | grep -v '^acks\.json\.lock$')
[ -z "$left" ] && ok || bad "leftovers beside acks.json: $left"

echo "ack: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
