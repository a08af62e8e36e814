#!/usr/bin/env bash
# Benchmark of hyperv-stuck-vm on a host with 1,000 processes of which 200
# are vmwp.exe.  Not a timed test: it prints figures for the module page.
#
#   bash tests/bench/bench_hyperv.sh [NATIVE_BUILD_DIR] [SRVDOCTOR_EXE]
#
# 1. Natively: the module's analysis of a synthetic snapshot of such a host
#    (bench_hyperv, target well under 10 ms).
# 2. Under Wine (when wine64, mingw-w64 and srvdoctor.exe are there): a
#    throwaway prefix with 200 fake workers (tests/integration/tools/
#    fake_vmwp.c) and idle fillers up to 1,000 processes; then, side by
#    side and interleaved, SD_BENCH_REPS times (default 7):
#      srvdoctor.exe collect --samples 1   (processes.read_ms: the list and
#                                          the workers' details; and the
#                                          whole program's wall time)
#      bench_hyperv.exe minimal            (one list query + the workers'
#                                          command lines; target: srvdoctor
#                                          within 1.5x)
#    and the native analysis of the snapshot srvdoctor collected there.
# Everything started under Wine ends with the prefix's wineserver.
set -u
cd "$(dirname "$0")/../.."
SRC=$PWD
BUILD=${1:-build/bench}
EXE=${2:-${SRVDOCTOR_EXE:-build/win64/srvdoctor.exe}}
REPS=${SD_BENCH_REPS:-7}
TOTAL=${SD_BENCH_PROCS:-1000}
WORKERS=${SD_BENCH_WORKERS:-200}

if [ ! -x "$BUILD/bench_hyperv" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build "$BUILD" -j2 --target bench_hyperv >/dev/null ||
    { echo "cannot build bench_hyperv in $BUILD"; exit 1; }
fi

echo "== analysis from a snapshot (native, $TOTAL processes, $WORKERS workers)"
"$BUILD/bench_hyperv" --procs "$TOTAL" --workers "$WORKERS" --iter 500

if [ ! -x /usr/lib/wine/wine64 ] || ! command -v x86_64-w64-mingw32-gcc \
     >/dev/null || [ ! -f "$EXE" ] || ! command -v jq >/dev/null; then
  echo "== live collection under Wine: skipped (needs wine64, mingw-w64, jq"
  echo "   and srvdoctor.exe: $EXE)"
  exit 0
fi
EXE=$(readlink -f "$EXE")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-hvbench.XXXXXX")
export WINEPREFIX=$tmp/prefix WINEDEBUG=-all WINEARCH=win64
export WINELOADER=/usr/lib/wine/wine64 WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
cleanup() {
  /usr/lib/wine/wineserver -k >/dev/null 2>&1
  timeout 30 /usr/lib/wine/wineserver -w >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
w() { /usr/lib/wine/wine64 "$@" </dev/null; }

mkdir -p "$tmp/bin"
x86_64-w64-mingw32-gcc -municode -O2 -D_WIN32_WINNT=0x0502 \
  -o "$tmp/bin/vmwp.exe" tests/integration/tools/fake_vmwp.c &&
  cp "$tmp/bin/vmwp.exe" "$tmp/bin/filler.exe" &&
  x86_64-w64-mingw32-gcc -municode -O2 -D_WIN32_WINNT=0x0502 \
    -o "$tmp/bin/bench_hyperv.exe" tests/bench/bench_hyperv.c ||
  { echo "cannot build the Windows helpers"; exit 1; }

w wineboot -i >/dev/null 2>&1
/usr/lib/wine/wineserver -w
/usr/lib/wine/wineserver -p >/dev/null 2>&1
winbin="Z:$(printf '%s' "$tmp/bin" | tr '/' '\\')"

# The prefix's own processes (plus the measuring program) count too.
base=$(w "$tmp/bin/bench_hyperv.exe" minimal 1 | sed -n 's/.*processes=\([0-9]*\).*/\1/p')
spawn=$((TOTAL - base))
echo "== live collection under Wine: $base processes in the prefix, starting $spawn"
t0=$(date +%s%3N)
w "$tmp/bin/bench_hyperv.exe" spawn "$spawn" "$WORKERS" "$winbin" || exit 1
for _ in $(seq 1 120); do
  line=$(w "$tmp/bin/bench_hyperv.exe" minimal 1)
  n=$(printf '%s' "$line" | sed -n 's/.*processes=\([0-9]*\).*/\1/p')
  # A few of the prefix's own processes come and go: 99 % is there.
  [ "${n:-0}" -ge $((TOTAL - TOTAL / 100)) ] && break
  sleep 1
done
echo "   $line"
echo "   started in $(( $(date +%s%3N) - t0 )) ms"
sleep 5

stats() { # print "min X median Y" of the numbers on stdin
  sort -n | awk '{v[NR]=$1} END {printf "min %.1f median %.1f", v[1], v[int((NR+1)/2)]}'
}
: >"$tmp/sd_read" ; : >"$tmp/sd_wall"; : >"$tmp/min_total"; : >"$tmp/min_wall"
: >"$tmp/sd_collect"
for i in $(seq 1 "$REPS"); do
  a=$(date +%s%3N)
  w "$EXE" collect -o "$winbin\\s.json" --samples 1 >/dev/null 2>&1
  b=$(date +%s%3N)
  jq .processes.read_ms "$tmp/bin/s.json" >>"$tmp/sd_read"
  echo $((b - a)) >>"$tmp/sd_wall"
  a=$(date +%s%3N)
  line=$(w "$tmp/bin/bench_hyperv.exe" minimal 1)
  b=$(date +%s%3N)
  printf '%s\n' "$line" | sed -n 's/.*total_ms=\([0-9.]*\).*/\1/p' >>"$tmp/min_total"
  echo $((b - a)) >>"$tmp/min_wall"
  w "$EXE" check --only hyperv-stuck-vm --format json --samples 1 \
    >"$tmp/r.json" 2>/dev/null
  jq .timings_ms.collect "$tmp/r.json" >>"$tmp/sd_collect"
done
procs=$(jq '.processes.items | length' "$tmp/bin/s.json")
workers=$(jq '[.processes.items[] | select(.image == "vmwp.exe")] | length' \
  "$tmp/bin/s.json")
echo "   srvdoctor saw $procs processes, $workers vmwp.exe ($REPS runs each, interleaved)"
sr=$(stats <"$tmp/sd_read"); mt=$(stats <"$tmp/min_total")
echo "   srvdoctor process list + worker details (processes.read_ms): $sr ms"
echo "   minimal list query + worker command lines:                   $mt ms"
srm=$(sort -n "$tmp/sd_read" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
mtm=$(sort -n "$tmp/min_total" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
srn=$(sort -n "$tmp/sd_read" | head -1); mtn=$(sort -n "$tmp/min_total" | head -1)
awk -v a="$srm" -v b="$mtm" -v c="$srn" -v d="$mtn" -v p="$procs" -v w="$workers" \
  'BEGIN {printf "   ratio srvdoctor/minimal: median %.2fx, best %.2fx (target <= 1.5x)\n", a / b, c / d;
          printf "   per process (median): srvdoctor %.1f us, minimal %.1f us; per worker %.0f us vs %.0f us\n",
                 a * 1000 / p, b * 1000 / p, a * 1000 / w, b * 1000 / w}'
echo "   srvdoctor check --only hyperv-stuck-vm --samples 1, whole collect phase: $(stats <"$tmp/sd_collect") ms"
echo "   wall time of the whole program: srvdoctor collect $(stats <"$tmp/sd_wall") ms; minimal $(stats <"$tmp/min_wall") ms"
echo "== analysis of that live snapshot (native)"
"$BUILD/bench_hyperv" --from "$tmp/bin/s.json" --iter 500
