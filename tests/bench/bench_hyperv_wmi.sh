#!/usr/bin/env bash
# Benchmark of hyperv-stuck-vm live through the WMI stand-in: 200 VMs, each
# with a fake vmwp.exe worker (tests/integration/tools/fake_vmwp.c) whose
# PID the stand-in reports as the VM's ProcessID.  Not a timed test: it
# prints figures.
#
#   bash tests/bench/bench_hyperv_wmi.sh [WIN64_BUILD_DIR]
#
# The build folder (default build/win64) must be configured with
# -DSD_TEST_TOOLS=ON: it holds srvdoctor.exe, the stand-ins and the floor
# program (tests/standins/floor_wmi.c).  In a throwaway prefix, SD_BENCH_
# PAIRS times (default 5), alternately:
#   srvdoctor.exe check --only hyperv-stuck-vm --samples 1   (whole process)
#   floor_wmi.exe  (one connection, the same query, every worker's command
#                   line; whole process)
# and prints both medians and the median of the pairs' ratios (the goal is
# srvdoctor within 1.5x of the floor).  Everything started under Wine ends
# with the prefix's wineserver.
set -u
cd "$(dirname "$0")/../.." || exit 1
SD_SRC=$PWD
BUILD=${1:-build/win64}
PAIRS=${SD_BENCH_PAIRS:-5}
N=${SD_BENCH_WORKERS:-200}
. tests/integration/lib/common.sh
. tests/integration/lib/wine.sh
. tests/integration/lib/standins.sh
EXE=$(readlink -f "$BUILD/srvdoctor.exe")
SIDIR=$BUILD/tests/standins
for f in "$EXE" "$SIDIR/wbemprox.dll" "$SIDIR/wevtapi.dll" "$SIDIR/floor_wmi.exe"; do
  [ -f "$f" ] || { echo "missing $f (configure $BUILD with -DSD_TEST_TOOLS=ON)"; exit 1; }
done
[ -x "$SD_WINE64" ] && command -v jq >/dev/null &&
  command -v x86_64-w64-mingw32-gcc >/dev/null ||
  { echo "needs wine64, jq and mingw-w64"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-wmibench.XXXXXX")
sd_on_exit "rm -rf '$tmp'"
mkdir -p "$tmp/bin"
x86_64-w64-mingw32-gcc -municode -O2 -D_WIN32_WINNT=0x0502 \
  -o "$tmp/bin/vmwp.exe" tests/integration/tools/fake_vmwp.c &&
  cp "$SIDIR/floor_wmi.exe" "$tmp/bin/" ||
  { echo "cannot build the Windows helpers"; exit 1; }

sd_wine_prefix_create "$tmp/prefix" 2>/dev/null || { echo "no prefix"; exit 1; }
sd_on_exit "sd_wine_teardown '$tmp/prefix'"
SI_SYS=$WINEPREFIX/drive_c/windows/system32
cp "$SIDIR/wbemprox.dll" "$SI_SYS/wbem/wbemprox.dll"
cp "$SIDIR/wevtapi.dll" "$SI_SYS/wevtapi.dll"
: | si_evt_data
winbin=$(sd_wine_path "$tmp/bin")

sd_wine "$tmp/bin/floor_wmi.exe" spawn "$N" "$winbin" || exit 1
for _ in $(seq 1 120); do
  sd_wine "$tmp/bin/floor_wmi.exe" workers 2>/dev/null | tr -d '\r' >"$tmp/workers"
  [ "$(wc -l <"$tmp/workers")" -ge "$N" ] && break
  sleep 1
done
echo "== $(wc -l <"$tmp/workers") fake vmwp.exe workers"
V2='root\virtualization\v2'
{
  si_line namespace "$V2"
  si_host "$V2"
  i=0
  while read -r pid _ guid _; do
    i=$((i + 1))
    si_vm "$V2" "$guid" "vm$i" 2 "$pid" 300
  done <"$tmp/workers"
} | si_wmi_data
sleep 2

ov="wbemprox,wevtapi=n;mscoree,mshtml="
: >"$tmp/sd"; : >"$tmp/fl"; : >"$tmp/ratio"
for p in $(seq 1 "$PAIRS"); do
  a=$(date +%s%3N)
  (cd "$tmp" && WINEDLLOVERRIDES=$ov _sd_wine_run "$EXE" check \
     --only hyperv-stuck-vm --samples 1 --format json </dev/null \
     >"$tmp/r$p.json" 2>/dev/null)
  b=$(date +%s%3N)
  (cd "$tmp" && WINEDLLOVERRIDES=$ov _sd_wine_run "$tmp/bin/floor_wmi.exe" \
     </dev/null 2>/dev/null | tr -d '\r' >"$tmp/f$p.txt")
  c=$(date +%s%3N)
  echo $((b - a)) >>"$tmp/sd"
  echo $((c - b)) >>"$tmp/fl"
  awk -v s=$((b - a)) -v f=$((c - b)) 'BEGIN {printf "%.3f\n", s / f}' >>"$tmp/ratio"
  echo "   pair $p: srvdoctor $((b - a)) ms (collect $(jq .timings_ms.collect "$tmp/r$p.json") ms; $(jq -r '[.modules[].findings[].code] | join(",")' "$tmp/r$p.json"), $(jq '.modules[].findings[] | select(.code == "HV-OK") | .evidence.vms' "$tmp/r$p.json") VMs), floor $((c - b)) ms ($(cat "$tmp/f$p.txt"))"
done
med() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "== srvdoctor check --only hyperv-stuck-vm --samples 1: median $(med "$tmp/sd") ms"
echo "== floor (connect, query, $N command lines): median $(med "$tmp/fl") ms"
echo "== ratio srvdoctor/floor, median of $PAIRS pairs: $(med "$tmp/ratio")x (goal <= 1.5x)"
