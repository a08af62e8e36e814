#!/usr/bin/env bash
# srvdoctor ack and check with the Windows exe under Wine: the default
# file C:\ProgramData\srvdoctor\acks.json (the folder created for
# administrators only, and accepted by the exe's own permission check),
# the Windows account recorded as who acknowledged, check --from a
# snapshot marking the finding and leaving it out of the exit code, expiry
# with --as-of, a wrong target, a damaged file, a folder everyone may
# write to, and two writers at once (sd_seams.exe pauses each write
# halfway) losing nothing.
# Env: SRVDOCTOR_EXE (srvdoctor.exe), SD_SRC, WINEPREFIX (optional).
set -u
: "${SRVDOCTOR_EXE:?}" "${SD_SRC:?}"
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
own_prefix=0
pids=()
if [ -n "${WINEPREFIX:-}" ]; then
  [ -f "$WINEPREFIX/system.reg" ] || { echo "WINEPREFIX=$WINEPREFIX is not a Wine prefix"; exit 1; }
  sd_wine_use "$WINEPREFIX" || true
else
  sd_wine_prefix_create "$tmp/prefix" || exit 1
  own_prefix=1
fi
dir="$WINEPREFIX/drive_c/ProgramData/srvdoctor"
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -f "$dir/acks.json" "$dir/acks.json.lock"
  if [ "$own_prefix" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
win() { sd_wine "$SRVDOCTOR_EXE" "$@" >"$tmp/out" 2>"$tmp/err"; }
expect() {
  local want=$1
  shift
  win "$@"
  local rc=$?
  [ "$rc" = "$want" ] && ok || bad "srvdoctor.exe $* exited $rc, expected $want: $(cat "$tmp/err")"
}
jq_true() { if jq -e "$1" "$tmp/out" >/dev/null 2>&1; then ok; else bad "$2"; fi; }
VM=11111111-AAAA-4BBB-8CCC-000000000001
OTHER=22222222-AAAA-4BBB-8CCC-000000000001
cp "$SD_SRC/tests/fixtures/hyperv-stuck-vm/duplicate_names.json" "$tmp/snap.json"
snap="$(sd_wine_path "$tmp")\\snap.json"
rm -f "$dir/acks.json"

# Add to the default file.
expect 0 ack HV-VM-STUCK --target "$VM" --until 2026-12-01 --reason "rebuild Saturday" \
  --as-of 2026-11-26T09:00:00Z
[ -f "$dir/acks.json" ] && ok || bad "no $dir/acks.json"
grep -q "acks.json" "$tmp/err" && ok || bad "no note on stderr: $(cat "$tmp/err")"
by=$(jq -r '.acks[0].by' "$dir/acks.json")
case "$by" in *\\*) ok ;; *) bad "who acknowledged is not DOMAIN\\user: $by" ;; esac
LC_ALL=C grep -q $'\r' "$dir/acks.json" && bad "acks.json has CR bytes" || ok

# check: marked, not counted; the unknown Exchange module is what is left.
expect 3 check --from "$snap" --as-of 2026-11-30T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.code == "HV-VM-STUCK")][0].acknowledged.reason
  == "rebuild Saturday"' "the exe's JSON lacks the acknowledged object"
jq_true ".status == \"unknown\"" "status with the ack"
expect 3 check --from "$snap" --as-of 2026-11-30T00:00:00Z --format nagios
head -n 1 "$tmp/out" | grep -q "^SRVDOCTOR UNKNOWN - 1 unknown, 1 acknowledged:" && ok ||
  bad "nagios: $(head -n 1 "$tmp/out")"
# Expired: counts again, reported.
expect 2 check --from "$snap" --as-of 2026-12-02T00:00:00Z --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-EXPIRED")] | length == 1' \
  "no ACK-EXPIRED from the exe"
# A wrong target (the other VM named web01) never applies.
expect 0 ack --remove HV-VM-STUCK --target "$VM"
expect 0 ack HV-VM-STUCK --target "$OTHER" --until 2099-01-01 --reason other
expect 2 check --from "$snap" --format json
jq_true '[.modules[].findings[] | select(.acknowledged)] | length == 0' "wrong target applied"
expect 0 ack --list
grep -q "^HV-VM-STUCK on $OTHER until 2099-01-02T00:00:00Z" "$tmp/out" && ok || bad "list: $(cat "$tmp/out")"

# Two writers at once.
seams=${SD_SEAMS_EXE:-$(dirname "$SRVDOCTOR_EXE")/sd_seams.exe}
if [ -f "$seams" ]; then
  sd_wine "$seams" stall-write 1500 ack HV-VM-STUCK --target "$VM" --until 2099-01-01 \
    --reason one >"$tmp/o1" 2>"$tmp/e1" &
  a=$!
  sd_wine "$seams" stall-write 1500 ack HV-VM-SUSPECT --target "$VM" --until 2099-01-01 \
    --reason two >"$tmp/o2" 2>"$tmp/e2" &
  b=$!
  pids+=("$a" "$b")
  wait "$a"; ra=$?
  wait "$b"; rb=$?
  pids=() # both ended: their ids may belong to others now
  [ "$ra" = 0 ] && [ "$rb" = 0 ] && ok || bad "concurrent acks: $ra/$rb $(cat "$tmp/e1" "$tmp/e2")"
  jq -e '(.acks | map(.reason) | sort) == ["one", "other", "two"]' "$dir/acks.json" >/dev/null &&
    ok || bad "an acknowledgement was lost: $(cat "$dir/acks.json")"
else
  bad "no test program $seams (build with -DSD_TEST_TOOLS=ON)"
fi
left=$(cd "$dir" && ls | grep -v '^acks\.json$' | grep -v '^reports$' || true)
[ -z "$left" ] && ok || bad "leftovers in $dir: $left"

# A damaged file: check ignores it visibly; ack refuses it.
printf '{"acks_version": 1, "acks": [' >"$dir/acks.json"
expect 2 check --from "$snap" --format json
jq_true '[.modules[].findings[] | select(.code == "ACK-FILE-INVALID")][0].severity == "unknown"' \
  "damaged file not reported by the exe"
expect 3 ack --list
[ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "not one sentence: $(cat "$tmp/err")"

# A folder everyone may write to (Wine maps the mode bits to the access
# list): refused.
mkdir "$tmp/open"
chmod 777 "$tmp/open"
expect 3 ack HV-VM-STUCK --target "$VM" --until 2099-01-01 --reason x \
  --acks "$(sd_wine_path "$tmp")\\open\\acks.json"
grep -q "may create or replace files" "$tmp/err" && ok || bad "open folder: $(cat "$tmp/err")"
[ ! -e "$tmp/open/acks.json" ] && ok || bad "acks written into an open folder"

echo "t_ack_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
