#!/usr/bin/env bash
# srvdoctor fix under Wine: the real srvdoctor.exe acting on a live (Wine)
# machine, in a prefix of its own (system32 gets a fake vmwp.exe and a
# stand-in msiexec.exe).
#
# Hyper-V (Wine has no Hyper-V WMI, so the check reports worker-only
# suspects): four fake workers started as "vmwp.exe <VM GUID> <MB>" from
# the prefix's system32, three holding 40 MB and one 4 MB.  Once they are
# older than --stuck-after 1:
#   - fix HV-VM-SUSPECT --target <GUID> refuses without --force;
#   - the dry run with --force names exactly the small worker's PID and ends
#     nothing; a big worker's GUID is refused;
#   - a plan whose PID now belongs to another program, to another VM's
#     worker, or to a vmwp.exe outside the system folder (the test program
#     sd_seams.exe "fix-facts": srvdoctor's fix with its collect replaced by
#     an edited snapshot, every other operation the real one) is refused by
#     the checks on the process handle, and nothing ends;
#   - --yes --force ends exactly the small worker and no other process, and
#     writes event 1010 when the event source is installed;
#   - a stale target (worker ended, another program started) is refused.
# Exchange interim update: the Exchange 2007 SP1 + IU registry fixture of
# t_exchange_sp2.sh; msiexec.exe in system32 is replaced by
# tools/fix_fake_msiexec.c, which records its command line and argv and
# exits with the code the test asks for:
#   - the dry run starts nothing; --yes without --target is refused;
#   - --yes runs it with the exact argument vector and reports 1603 (exit
#     3), 3010 (exit 0, restart needed), 0 with the patch still registered
#     (exit 3) and 0 with the patch removed (exit 0, re-check clean);
#   - at a console (a pty), the question is asked: "n" runs nothing, "y"
#     runs it; without a console it is never asked.
# Not reproducible under Wine (covered by tests/unit/test_fix.c): a
# non-elevated token, a PID really reused by Windows.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe), SRVDOCTOR_NATIVE (optional: the
#      Linux build, which must refuse fix), SD_SRC, SD_WINE_TEMPLATE
#      (optional idle prefix to clone), TMPDIR.  Exit 0 pass, 77 skip, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SD_SRC=${SD_SRC:-$(cd "$here/../.." && pwd)}
export SD_SRC
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
sd_require_exe
sd_require_cmd x86_64-w64-mingw32-gcc jq script mkfifo pgrep
[ -x /usr/lib/wine/wine64 ] || sd_skip "wine64 is not installed"
# shellcheck source=lib/wine.sh
. "$here/lib/wine.sh"

exe=$(readlink -f "$SRVDOCTOR_EXE")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-fix.XXXXXX")
prefix=""
cleanup() {
  { exec 3>&-; } 2>/dev/null
  # Ending our prefix's wineserver ends every worker we started.
  [ -n "$prefix" ] && sd_wine_teardown "$prefix"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- build the helpers ----
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Wextra -Werror \
  -D_WIN32_WINNT=0x0502 -o "$tmp/vmwp.exe" "$here/tools/fake_vmwp.c" ||
  sd_fail "cannot build tools/fake_vmwp.c"
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Wextra -Werror \
  -D_WIN32_WINNT=0x0502 -o "$tmp/msiexec.exe" \
  "$here/tools/fix_fake_msiexec.c" -lshell32 -lshlwapi ||
  sd_fail "cannot build tools/fix_fake_msiexec.c"

# ---- a prefix of our own ----
if [ -n "${SD_WINE_TEMPLATE:-}" ] && [ -f "$SD_WINE_TEMPLATE/system.reg" ]; then
  sd_wine_prefix_clone "$SD_WINE_TEMPLATE" "$tmp/prefix" || sd_fail "cannot clone the Wine prefix"
else
  sd_wine_prefix_create "$tmp/prefix" || sd_fail "cannot create a Wine prefix"
fi
prefix=$WINEPREFIX
drive_c=$prefix/drive_c
sys=$drive_c/windows/system32
mkdir -p "$drive_c/fixtools" || sd_fail "mkdir"
cp "$tmp/vmwp.exe" "$sys/vmwp.exe" &&
  cp "$tmp/vmwp.exe" "$drive_c/fixtools/idle.exe" &&
  cp "$tmp/vmwp.exe" "$drive_c/fixtools/other.exe" &&
  cp "$tmp/vmwp.exe" "$drive_c/fixtools/vmwp.exe" &&
  cp "$tmp/msiexec.exe" "$sys/msiexec.exe" || sd_fail "cannot place the helpers"
# Run the real file in system32, not Wine's built-in msiexec.
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:+$WINEDLLOVERRIDES;}msiexec.exe=n"

# VM IDs unique to this run (other tests' workers may run in other prefixes).
r=$(printf '%04X%04X' $((RANDOM)) $((RANDOM)))
G1=$r-0001-4000-8000-0000000000B1
G2=$r-0002-4000-8000-0000000000B2
G3=$r-0003-4000-8000-0000000000B3
GS=$r-0004-4000-8000-00000000005A

# start WINPATH ARGS...: a Windows program in the background, detached.
start() {
  setsid "$SD_WINE64" "$@" </dev/null >/dev/null 2>&1 &
}
# alive PATTERN: is a process of this prefix with PATTERN in its command
# line running?  (Wine shows the Windows command line to Linux.)
alive() { pgrep -f -- "$1" >/dev/null; }
ended() { ! alive "$1"; }
# Everything we started, for "nothing else ended" checks.
all_alive() {
  local p
  for p in "$@"; do alive "$p" || { echo "$p ended"; return 1; }; done
  return 0
}
t_workers=$(date +%s)
for g in "$G1" "$G2" "$G3"; do start 'C:\windows\system32\vmwp.exe' "$g" 40; done
start 'C:\windows\system32\vmwp.exe' "$GS" 4
start 'C:\fixtools\idle.exe' --idle
for _ in $(seq 1 100); do
  alive "$GS 4" && alive "$G3 40" && alive 'idle.exe --idle' && break
  sleep 0.1
done
all_alive "$G1 40" "$G2 40" "$G3 40" "$GS 4" 'idle.exe --idle' >/dev/null ||
  sd_fail "the fake workers did not start"

# Once the event source is installed (below), the runs print Wine's own
# output of RegisterEventSourceW and ReportEventW (WINEDEBUG_EVENTS):
# tools/wine_events.py takes it out of stderr and writes the events to
# $tmp/NAME.ev (source, type, event_id, text); the shipped exe reads no
# test variable.
WINEDEBUG_EVENTS=-all
split_events() {
  python3 "$SD_SRC/tests/integration/tools/wine_events.py" "$tmp/$1.raw" \
    "$tmp/$1.err" >"$tmp/$1.ev" || echo "wine_events.py failed" >"$tmp/$1.ev"
}
# fx NAME ARGS...: srvdoctor.exe ARGS without a console; stdout, stderr,
# exit code and events in $tmp/NAME.{out,err,rc,ev}.
fx() {
  local name=$1
  shift
  WINEDEBUG=$WINEDEBUG_EVENTS sd_wine "$exe" "$@" >"$tmp/$name.out" 2>"$tmp/$name.raw"
  echo $? >"$tmp/$name.rc"
  split_events "$name"
}
# The test program beside srvdoctor.exe (tests/tools/sd_seams.c, built with
# -DSD_TEST_TOOLS=ON), since the shipped exe reads no test variable.
seams=${SD_SEAMS_EXE:-$(dirname "$exe")/sd_seams.exe}
[ -f "$seams" ] || sd_fail "no test program $seams (build with -DSD_TEST_TOOLS=ON)"
# fx_facts NAME SNAPSHOT ARGS...: like fx, the fix planning from SNAPSHOT.
fx_facts() {
  local name=$1 snap=$2
  shift 2
  WINEDEBUG=$WINEDEBUG_EVENTS sd_wine "$seams" fix-facts "$snap" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.raw"
  echo $? >"$tmp/$name.rc"
  split_events "$name"
}
rc() { cat "$tmp/$1.rc"; }
out() { cat "$tmp/$1.out"; }
err() { cat "$tmp/$1.err"; }
ev() { cat "$tmp/$1.ev"; }
lines() { wc -l <"$tmp/$1.$2" | tr -d ' '; }
# has NAME STRING: does NAME's standard output hold STRING (as is)?
has() { grep -qF -- "$2" "$tmp/$1.out"; }

# ---- 0. the Linux build refuses in one sentence ----
if [ -n "${SRVDOCTOR_NATIVE:-}" ] && [ -x "$SRVDOCTOR_NATIVE" ]; then
  "$SRVDOCTOR_NATIVE" fix HV-VM-STUCK --target "$G1" --yes >"$tmp/native.out" 2>"$tmp/native.err"
  sd_assert_eq "native fix: exit code" 3 "$?"
  sd_assert_eq "native fix: one line on stderr" 1 "$(lines native err)"
  sd_assert_match "native fix: says Windows only" 'only on Windows' "$(err native)"
fi

# ======================= Exchange: interim update =======================
IU="{1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01}"
PC="{24B2C164-DE66-44FE-B468-A46D9D5E6B31}"
sd_wine_regedit "$here/fixtures/exchange/exchange2007-sp1-iu.reg" ||
  sd_fail "regedit of the Exchange fixture failed"
sd_wine_reg add 'HKLM\SOFTWARE\Classes\Installer\Products\461C2B4266EDEF444B864AD6D9E5B613\Patches' \
  /v Patches /t REG_MULTI_SZ \
  /d 'C3D2E1F0A5B4879678695A4B3C2D1E0F\009A3C5E1D7B2E1C4F912A7D4B2C1E010' /f \
  >/dev/null 2>&1 || sd_fail "reg add of the patch list failed"
export FIX_FAKE_MSIEXEC_LOG='C:\msiexec-argv.txt'
argv_file=$drive_c/msiexec-argv.txt
ran() { [ -f "$argv_file" ]; }

# What the finding prints: fix must run exactly that (the same action).
fx e_check check --only exchange-sp2 --format json
# (the command of the step the finding says fix carries out)
printed=$(jq -r '[.modules[].findings[] | select(.code=="EXCH-INTERIM-UPDATE")][0].remediation
  | . as $r | [$r.steps[] | select(.number >= $r.fix.first_step and .number <= $r.fix.last_step)
  | .commands[]][0]' "$tmp/e_check.out")
sd_assert_eq "exch check: the printed command" \
  "msiexec /i $PC MSIPATCHREMOVE=$IU /qb /norestart" "$printed"

rm -f "$argv_file"
fx e_dry fix EXCH-INTERIM-UPDATE --target KB971234
sd_assert_eq "exch dry run: exit code" 0 "$(rc e_dry)"
sd_check "exch dry run: msiexec not started" test ! -f "$argv_file"
sd_assert_match "exch dry run: says so" 'dry run' "$(out e_dry)"
sd_check "exch dry run: shows the command" \
  has e_dry "\"C:\\windows\\system32\\msiexec.exe\" /i $PC MSIPATCHREMOVE=$IU /qb /norestart"
sd_check "exch dry run: no question without a console" \
  bash -c "! grep -q 'Type y' '$tmp/e_dry.out'"

fx e_notarget fix EXCH-INTERIM-UPDATE --yes
sd_assert_eq "exch --yes without --target: exit code" 3 "$(rc e_notarget)"
sd_check "exch --yes without --target: msiexec not started" test ! -f "$argv_file"

fx e_other fix EXCH-INTERIM-UPDATE --target KB999999 --yes
sd_assert_eq "exch unknown KB: exit code" 3 "$(rc e_other)"
sd_check "exch unknown KB: msiexec not started" test ! -f "$argv_file"

FIX_FAKE_MSIEXEC_EXIT=1603 fx e_1603 fix EXCH-INTERIM-UPDATE --target KB971234 --yes
sd_assert_eq "exch 1603: exit code" 3 "$(rc e_1603)"
sd_assert_match "exch 1603: reported" 'exit code 1603' "$(err e_1603)"
if ran; then
  a=$(tr -d '\r' <"$argv_file")
  sd_assert_eq "msiexec image" 'C:\windows\system32\msiexec.exe' "$(sd_kv image <<<"$a")"
  sd_assert_eq "msiexec argc" 6 "$(sd_kv argc <<<"$a")"
  sd_assert_eq "msiexec argv[0]" 'C:\windows\system32\msiexec.exe' "$(sd_kv 'argv[0]' <<<"$a")"
  sd_assert_eq "msiexec argv[1]" /i "$(sd_kv 'argv[1]' <<<"$a")"
  sd_assert_eq "msiexec argv[2]" "$PC" "$(sd_kv 'argv[2]' <<<"$a")"
  sd_assert_eq "msiexec argv[3]" "MSIPATCHREMOVE=$IU" "$(sd_kv 'argv[3]' <<<"$a")"
  sd_assert_eq "msiexec argv[4]" /qb "$(sd_kv 'argv[4]' <<<"$a")"
  sd_assert_eq "msiexec argv[5]" /norestart "$(sd_kv 'argv[5]' <<<"$a")"
  sd_assert_eq "msiexec command line" \
    "\"C:\\windows\\system32\\msiexec.exe\" /i $PC MSIPATCHREMOVE=$IU /qb /norestart" \
    "$(sd_kv cmdline <<<"$a")"
  # The arguments it got are the printed command's, word for word.
  sd_assert_eq "msiexec argv = the printed command's" "${printed#msiexec }" \
    "$(for i in 1 2 3 4 5; do printf '%s ' "$(sd_kv "argv[$i]" <<<"$a")"; done | sed 's/ $//')"
else
  _sd_count_failure "exch 1603: msiexec was not started: $(err e_1603)"
fi

rm -f "$argv_file"
FIX_FAKE_MSIEXEC_EXIT=3010 fx e_3010 fix EXCH-INTERIM-UPDATE --target "$IU" --yes
sd_assert_eq "exch 3010: exit code" 0 "$(rc e_3010)"
sd_assert_match "exch 3010: restart needed" 'exit code 3010.*restart' "$(out e_3010)"
sd_check "exch 3010: msiexec started" test -f "$argv_file"

rm -f "$argv_file"
FIX_FAKE_MSIEXEC_EXIT=0 fx e_still fix EXCH-INTERIM-UPDATE --target "$IU" --yes
sd_assert_eq "exch 0 but still registered: exit code" 3 "$(rc e_still)"
sd_assert_match "exch 0 but still registered: said" 'still reports it' "$(err e_still)"

# At a console: the question is asked; "n" runs nothing, "y" runs it.
# ask ANSWER NAME ARGS...: srvdoctor.exe in a pty, ANSWER typed once the
# question shows.
ask() {
  local answer=$1 name=$2 pid i
  shift 2
  rm -f "$tmp/fifo"
  mkfifo "$tmp/fifo" || return 1
  timeout 60 script -qec "$SD_WINE64 $exe $*" /dev/null <"$tmp/fifo" \
    >"$tmp/$name.out" 2>&1 &
  pid=$!
  exec 3>"$tmp/fifo"
  for i in $(seq 1 300); do
    grep -q 'Do it now' "$tmp/$name.out" && break
    sleep 0.1
  done
  printf '%s\r' "$answer" >&3
  wait "$pid"
  echo $? >"$tmp/$name.rc"
  exec 3>&-
}
rm -f "$argv_file"
FIX_FAKE_MSIEXEC_EXIT=1603 ask n e_ask_n fix EXCH-INTERIM-UPDATE --target KB971234
sd_assert_eq "exch console, answer n: exit code" 0 "$(rc e_ask_n)"
sd_assert_match "exch console: the question" 'Do it now\? Type y' "$(out e_ask_n)"
sd_check "exch console, answer n: msiexec not started" test ! -f "$argv_file"
FIX_FAKE_MSIEXEC_EXIT=1603 ask y e_ask_y fix EXCH-INTERIM-UPDATE --target KB971234
sd_assert_eq "exch console, answer y: exit code (1603)" 3 "$(rc e_ask_y)"
sd_check "exch console, answer y: msiexec started" test -f "$argv_file"

# The stand-in removes the patch's registration: done, and the re-check
# confirms it.
rm -f "$argv_file"
FIX_FAKE_MSIEXEC_EXIT=0 \
FIX_FAKE_MSIEXEC_DELETE='SOFTWARE\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Products\461C2B4266EDEF444B864AD6D9E5B613\Patches\09A3C5E1D7B2E1C4F912A7D4B2C1E010' \
  fx e_done fix EXCH-INTERIM-UPDATE --target KB971234 --yes
sd_assert_eq "exch removed: exit code" 0 "$(rc e_done)"
sd_assert_match "exch removed: re-checked" 'no longer reports it' "$(out e_done)"
fx e_after check --only exchange-sp2 --format json
sd_assert_eq "exch removed: no EXCH-INTERIM-UPDATE any more" 0 \
  "$(jq '[.modules[].findings[] | select(.code=="EXCH-INTERIM-UPDATE")] | length' "$tmp/e_after.out")"
fx e_gone fix EXCH-INTERIM-UPDATE --target KB971234 --yes
sd_assert_eq "exch removed: fixing again is refused" 3 "$(rc e_gone)"
sd_assert_match "exch removed: nothing to fix" 'does not report' "$(err e_gone)"

# ============================ Hyper-V workers ============================
# The workers must be older than --stuck-after 1 before they are judged.
wait_s=$((t_workers + 62 - $(date +%s)))
[ "$wait_s" -gt 0 ] && sleep "$wait_s"
T=(--stuck-after 1)

fx h_check check --only hyperv-stuck-vm --format json "${T[@]}"
sus='[.modules[].findings[] | select(.code=="HV-VM-SUSPECT")]'
sd_assert_eq "check: one HV-VM-SUSPECT" 1 "$(jq "$sus | length" "$tmp/h_check.out")"
sd_assert_eq "check: its target is the small worker's VM" "$GS" \
  "$(jq -r "$sus[0].remediation.target" "$tmp/h_check.out")"
small_pid=$(jq -r "$sus[0].evidence.worker_pid" "$tmp/h_check.out")

fx h_collect collect -o 'C:\snap.json'
sd_assert_eq "collect: exit code" 0 "$(rc h_collect)"
snap=$drive_c/snap.json
pid_of() { jq -r --arg g "$1" '.processes.items[] | select((.cmdline // "") | contains($g)) | .pid' "$snap"; }
p1=$(pid_of "$G1") p2=$(pid_of "$G2") p3=$(pid_of "$G3")
idle_pid=$(jq -r '.processes.items[] | select(.image=="idle.exe") | .pid' "$snap")
sd_assert_eq "collect: the small worker's PID" "$small_pid" "$(pid_of "$GS")"
sd_assert_match "collect: PIDs of the others" '^[0-9]+ [0-9]+ [0-9]+ [0-9]+$' \
  "$p1 $p2 $p3 $idle_pid"
everyone=("$G1 40" "$G2 40" "$G3 40" "system32.vmwp.exe $GS 4" 'idle.exe --idle')

fx h_noforce fix HV-VM-SUSPECT --target "$GS" "${T[@]}"
sd_assert_eq "suspect without --force: exit code" 3 "$(rc h_noforce)"
sd_assert_match "suspect without --force: says why" '--force' "$(err h_noforce)"
sd_check "suspect without --force: nothing ended" all_alive "${everyone[@]}"

fx h_dry fix HV-VM-SUSPECT --target "$GS" --force "${T[@]}"
sd_assert_eq "dry run: exit code" 0 "$(rc h_dry)"
sd_assert_match "dry run: names the small worker's PID" \
  "End process $small_pid \\(vmwp.exe\\)" "$(out h_dry)"
for p in "$p1" "$p2" "$p3" "$idle_pid"; do
  sd_check "dry run: does not name PID $p" \
    bash -c "! grep -Eq '(process|PID) $p[^0-9]' '$tmp/h_dry.out'"
done
sd_assert_match "dry run: the command to do it" \
  "srvdoctor fix HV-VM-SUSPECT --target $GS --force --yes --stuck-after 1" "$(out h_dry)"
sd_check "dry run: nothing ended" all_alive "${everyone[@]}"

fx h_big fix HV-VM-SUSPECT --target "$G1" --force --yes "${T[@]}"
sd_assert_eq "a healthy worker's VM: exit code" 3 "$(rc h_big)"
sd_check "a healthy worker's VM: nothing ended" all_alive "${everyone[@]}"

# The event source, so that outcomes are logged; from here on the runs
# show what they hand ReportEventW (Wine only stubs the event log).
fx h_evinst eventlog install
sd_assert_eq "eventlog install: exit code" 0 "$(rc h_evinst)"
WINEDEBUG_EVENTS=-all,fixme+advapi,+eventlog

# Stale plans (test seam): the facts say the small worker has a PID that now
# belongs to something else.  stale NAME NEWPID: the snapshot with the
# small worker's PID changed to NEWPID (any real NEWPID entry dropped).
stale() {
  jq --argjson old "$small_pid" --argjson new "$2" \
    '.processes.items |= (map(select(.pid != $new)) | map(if .pid == $old then .pid = $new else . end))' \
    "$snap" >"$drive_c/$1.json"
  fx_facts "$1" "C:\\$1.json" fix HV-VM-SUSPECT \
    --target "$GS" --force --yes "${T[@]}"
}
stale h_other "$idle_pid"
sd_assert_eq "PID now another program: exit code" 3 "$(rc h_other)"
sd_assert_match "PID now another program: refused on the handle" \
  "Process $idle_pid is C:.fixtools.idle.exe, not vmwp.exe from the system folder" "$(err h_other)"
sd_check "PID now another program: nothing ended" all_alive "${everyone[@]}"
sd_assert_match "PID now another program: event 1011, an error" \
  $'source: srvdoctor\ntype: error\nevent_id: 1011\n' "$(ev h_other)"
sd_assert_match "PID now another program: the event says refused" \
  'fix HV-VM-SUSPECT on .*: refused\.' "$(ev h_other)"

stale h_othervm "$p1"
sd_assert_eq "PID now another VM's worker: exit code" 3 "$(rc h_othervm)"
sd_assert_match "PID now another VM's worker: refused on the handle" \
  "worker of virtual machine $G1, not of $GS" "$(err h_othervm)"
sd_check "PID now another VM's worker: nothing ended" all_alive "${everyone[@]}"

start 'C:\fixtools\vmwp.exe' "$GS" 4
for _ in $(seq 1 100); do alive 'fixtools.vmwp.exe' && break; sleep 0.1; done
fx h_collect2 collect -o 'C:\snap2.json'
copy_pid=$(jq -r '.processes.items[] | select((.path // "") | test("fixtools")) | select(.image=="vmwp.exe") | .pid' "$drive_c/snap2.json")
sd_assert_match "the vmwp.exe copy outside system32 runs" '^[0-9]+$' "$copy_pid"
stale h_copy "${copy_pid:-0}"
sd_assert_eq "PID now a vmwp.exe outside the system folder: exit code" 3 "$(rc h_copy)"
sd_assert_match "PID now a vmwp.exe outside the system folder: refused" \
  'fixtools.vmwp.exe, not vmwp.exe from the system folder' "$(err h_copy)"
sd_check "PID now a vmwp.exe outside the system folder: nothing ended" \
  all_alive "${everyone[@]}" 'fixtools.vmwp.exe'
pkill -f 'fixtools.vmwp.exe'
for _ in $(seq 1 50); do alive 'fixtools.vmwp.exe' || break; sleep 0.1; done

# Do it: exactly the small worker ends.
fx h_yes fix HV-VM-SUSPECT --target "$GS" --force --yes "${T[@]}"
sd_assert_eq "--yes --force: exit code" 0 "$(rc h_yes)"
sd_assert_match "--yes --force: says what it did" \
  "Ended process $small_pid \\(C:.windows.system32.vmwp.exe\\)" "$(out h_yes)"
for _ in $(seq 1 50); do alive "system32.vmwp.exe $GS 4" || break; sleep 0.1; done
sd_check "--yes --force: the small worker ended" ended "system32.vmwp.exe $GS 4"
sd_check "--yes --force: every other process runs" \
  all_alive "$G1 40" "$G2 40" "$G3 40" 'idle.exe --idle'
t=$(ev h_yes)
sd_assert_match "--yes --force: event 1010, information" \
  $'source: srvdoctor\ntype: information\nevent_id: 1010\n' "$t"
sd_assert_match "--yes --force: event names the process" "Process: $small_pid " "$t"
sd_assert_eq "--yes --force: one event" 1 "$(grep -c '^event_id: ' "$tmp/h_yes.ev")"

# A stale target: the worker is gone and another program runs; fixing the
# same VM again is refused and ends nothing.
start 'C:\fixtools\other.exe' --idle
for _ in $(seq 1 100); do alive 'other.exe --idle' && break; sleep 0.1; done
fx h_stale fix HV-VM-SUSPECT --target "$GS" --force --yes "${T[@]}"
sd_assert_eq "stale target: exit code" 3 "$(rc h_stale)"
sd_assert_match "stale target: nothing to fix" 'does not report HV-VM-SUSPECT' "$(err h_stale)"
sd_check "stale target: nothing ended" \
  all_alive "$G1 40" "$G2 40" "$G3 40" 'idle.exe --idle' 'other.exe --idle'

fx h_evuninst eventlog uninstall
sd_finish
