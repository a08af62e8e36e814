#!/usr/bin/env bash
# hyperv-stuck-vm under Wine: worker processes alone (Wine has no Hyper-V
# WMI provider, so every verdict rests on the vmwp.exe workers).
#   A stand-in "vmms" service is registered and started; four fake workers
#   run as "vmwp.exe <VM GUID> <MB>": three hold 40 MB, one holds 4 MB and
#   waits on an event.  Once they are older than --stuck-after 1 minute:
#   1. srvdoctor.exe check --only hyperv-stuck-vm --format json must report
#      HV-DEGRADED and exactly one HV-VM-SUSPECT naming the small worker's
#      PID and GUID (fixable, target = that GUID), nothing for the others;
#   2. after the small worker grows to 40 MB (all four equal): no suspect.
# The test makes its own prefix (it registers a service, which must not leak
# into a shared prefix) and removes it, with its wineserver and workers, on
# exit.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe), SD_SRC (repo root; default: the
#      checkout this script is in), SD_WINE_TEMPLATE (optional idle prefix to
#      clone instead of creating one), SD_HV_KEEP (optional folder for the
#      two JSON reports).  Exit 0 pass, 77 skip, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SD_SRC=${SD_SRC:-$(cd "$here/../.." && pwd)}
exe=${SRVDOCTOR_EXE:-}
skip() { echo "SKIP: $*"; exit 77; }
[ -n "$exe" ] && [ -f "$exe" ] || skip "SRVDOCTOR_EXE is not set to srvdoctor.exe"
for t in x86_64-w64-mingw32-gcc jq; do
  command -v "$t" >/dev/null || skip "$t is not installed"
done
[ -x /usr/lib/wine/wine64 ] || skip "wine64 is not installed"
exe=$(readlink -f "$exe")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-hv.XXXXXX")
prefix_made=0
# shellcheck source=lib/wine.sh
. "$SD_SRC/tests/integration/lib/wine.sh"
# Only ever stop the wineserver of our own prefix (that ends our workers).
cleanup() {
  if [ "$prefix_made" = 1 ]; then
    sd_wine_teardown "$tmp/prefix"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
w() { /usr/lib/wine/wine64 "$@" </dev/null; }

# ---- the fake worker / service ----
mkdir -p "$tmp/bin"
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Wextra -Werror \
  -D_WIN32_WINNT=0x0502 -o "$tmp/bin/vmwp.exe" \
  "$SD_SRC/tests/integration/tools/fake_vmwp.c" ||
  { echo "FAIL: fake_vmwp.c does not build"; exit 1; }
cp "$tmp/bin/vmwp.exe" "$tmp/bin/vmms.exe"

# ---- a prefix of our own ----
prefix_made=1
if [ -n "${SD_WINE_TEMPLATE:-}" ] && [ -f "$SD_WINE_TEMPLATE/system.reg" ]; then
  sd_wine_prefix_clone "$SD_WINE_TEMPLATE" "$tmp/prefix" ||
    { echo "FAIL: prefix clone"; exit 1; }
else
  sd_wine_prefix_create "$tmp/prefix" || { echo "FAIL: prefix"; exit 1; }
fi
winbin="Z:$(printf '%s' "$tmp/bin" | tr '/' '\\')"

# ---- the stand-in vmms service ----
w sc create vmms binPath= "$winbin\\vmms.exe" start= demand >/dev/null 2>&1 ||
  bad "sc create vmms"
started=0
for _ in 1 2 3 4 5 6 7 8 9 10; do
  w sc start vmms >/dev/null 2>&1
  if w sc query vmms 2>/dev/null | tr -d '\r' | grep -q 'RUNNING'; then
    started=1
    break
  fi
  sleep 1
done
[ "$started" = 1 ] && ok "stand-in vmms service runs" ||
  bad "the stand-in vmms service did not start"

# ---- four workers: 40, 40, 40 and 4 MB ----
big1=1D4E6A10-0000-4000-8000-000000000001
big2=1D4E6A10-0000-4000-8000-000000000002
big3=1D4E6A10-0000-4000-8000-000000000003
small=1D4E6A10-0000-4000-8000-00000000000F
start_s=$(date +%s)
(cd "$tmp/bin" && w ./vmwp.exe "$big1" 40 >"$tmp/w1.out" 2>&1 &)
(cd "$tmp/bin" && w ./vmwp.exe "$big2" 40 >"$tmp/w2.out" 2>&1 &)
(cd "$tmp/bin" && w ./vmwp.exe "$big3" 40 >"$tmp/w3.out" 2>&1 &)
(cd "$tmp/bin" && w ./vmwp.exe "$small" 4 sd_hv_grow 40 >"$tmp/w4.out" 2>&1 &)
for _ in $(seq 1 60); do
  n=$(cat "$tmp"/w?.out 2>/dev/null | grep -c '^ready pid=')
  [ "$n" -ge 4 ] && break
  sleep 0.5
done
[ "$n" -ge 4 ] || { bad "the fake workers did not start ($n ready)"; exit 1; }
small_pid=$(tr -d '\r' <"$tmp/w4.out" | sed -n 's/^ready pid=//p')
big_pids=$(cat "$tmp/w1.out" "$tmp/w2.out" "$tmp/w3.out" | tr -d '\r' |
           sed -n 's/^ready pid=//p' | tr '\n' ' ')
echo "workers: small $small_pid ($small), big $big_pids"

# Worker-only verdicts wait until a worker is --stuck-after old (1 minute).
wait_s=$((start_s + 62 - $(date +%s)))
[ "$wait_s" -gt 0 ] && sleep "$wait_s"

run() { # run NAME: the JSON report in $tmp/NAME.json, exit code in $rc
  (cd "$tmp" && w "$exe" check --only hyperv-stuck-vm --format json \
     --samples 3 --interval 300 --stuck-after 1 >"$tmp/$1.json" \
     2>"$tmp/$1.err")
  rc=$?
  [ -n "${SD_HV_KEEP:-}" ] && mkdir -p "$SD_HV_KEEP" &&
    cp "$tmp/$1.json" "$SD_HV_KEEP/"
  jq -e . "$tmp/$1.json" >/dev/null 2>&1 || {
    bad "$1: the report is not JSON"; cat "$tmp/$1.err"; return 1; }
}
count() { # count NAME CODE
  jq --arg c "$2" '[.modules[] | select(.id == "hyperv-stuck-vm") |
                    .findings[] | select(.code == $c)] | length' "$tmp/$1.json"
}
suspect() { # suspect NAME FIELD
  jq -r '[.modules[] | select(.id == "hyperv-stuck-vm") | .findings[] |
          select(.code == "HV-VM-SUSPECT")][0] | '"$2" "$tmp/$1.json"
}

# ---- 1. one small, idle worker among four ----
if run small; then
  [ "$rc" = 1 ] && ok "exit code 1 (warning)" || bad "exit code $rc, expected 1"
  [ "$(count small HV-DEGRADED)" = 1 ] && ok "HV-DEGRADED" ||
    bad "HV-DEGRADED count $(count small HV-DEGRADED)"
  [ "$(count small HV-VM-SUSPECT)" = 1 ] && ok "exactly one HV-VM-SUSPECT" ||
    bad "HV-VM-SUSPECT count $(count small HV-VM-SUSPECT)"
  [ "$(count small HV-VM-STUCK)" = 0 ] && ok "no HV-VM-STUCK" ||
    bad "HV-VM-STUCK without WMI"
  [ "$(count small HV-NOT-INSTALLED)" = 0 ] && ok "Hyper-V seen as present" ||
    bad "HV-NOT-INSTALLED with vmms and workers present"
  got=$(suspect small .evidence.worker_pid)
  [ "$got" = "$small_pid" ] && ok "suspect names PID $small_pid" ||
    bad "suspect names PID $got, expected $small_pid"
  got=$(suspect small .evidence.vm_guid)
  [ "$got" = "$small" ] && ok "suspect names GUID $small" ||
    bad "suspect names GUID $got, expected $small"
  [ "$(suspect small .remediation.target)" = "$small" ] &&
    [ "$(suspect small .remediation.fixable)" = true ] &&
    ok "fixable, target = the VM GUID" || bad "fixable/target"
  # The taskkill command sits in exactly the last-resort step that fix
  # carries out, under its condition, after a look step.
  suspect small '.remediation.steps[] | select(.kind == "last_resort") |
                 .commands[]' |
    grep -qx "taskkill /PID $small_pid /F" && ok "taskkill command" ||
    bad "no 'taskkill /PID $small_pid /F' command in the last-resort step"
  [ "$(suspect small '[.remediation.steps[] | select(.commands |
        index("taskkill /PID '"$small_pid"' /F"))] | length')" = 1 ] &&
    ok "taskkill in one step only" || bad "taskkill in more than one step"
  [ "$(suspect small '.remediation.fix.first_step')" = \
    "$(suspect small '[.remediation.steps[] | select(.kind == "last_resort")][0].number')" ] &&
    [ "$(suspect small '[.remediation.steps[] | select(.kind == "last_resort")][0].condition' |
         grep -c '^Only if step ')" = 1 ] &&
    [ "$(suspect small '.remediation.steps[0].kind')" = look ] &&
    ok "fix does the conditioned last-resort step" ||
    bad "the fix step, its condition or the first look step"
  [ "$(jq '[.modules[] | select(.id == "hyperv-stuck-vm") | .findings[] |
          select(.code == "HV-DEGRADED")][0].evidence.workers' \
       "$tmp/small.json")" = 4 ] && ok "four workers seen" ||
    bad "the number of workers seen is not 4"
fi

# ---- 2. the small worker grows to 40 MB: all four equal ----
(cd "$tmp/bin" && w ./vmwp.exe --signal sd_hv_grow >/dev/null 2>&1) ||
  bad "could not signal the small worker"
for _ in $(seq 1 40); do
  grep -q '^grown' "$tmp/w4.out" && break
  sleep 0.5
done
grep -q '^grown' "$tmp/w4.out" || bad "the small worker did not grow"
sleep 1
if run equal; then
  [ "$rc" = 0 ] && ok "exit code 0" || bad "exit code $rc, expected 0"
  [ "$(count equal HV-VM-SUSPECT)" = 0 ] && ok "no HV-VM-SUSPECT" ||
    bad "HV-VM-SUSPECT with four equal workers"
  [ "$(count equal HV-DEGRADED)" = 1 ] && ok "HV-DEGRADED" ||
    bad "HV-DEGRADED missing"
  [ "$(count equal HV-OK)" = 1 ] && ok "HV-OK" || bad "HV-OK missing"
fi

echo "t_hyperv_workers: $pass passed, $fail failed ($(($(date +%s) - start_s)) s with workers)"
[ "$fail" = 0 ]
