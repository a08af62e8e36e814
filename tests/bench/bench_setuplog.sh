#!/usr/bin/env bash
# Benchmark of the ExchangeSetup.log reader (issue 18): a generated log of
# SD_BENCH_MB MiB (default 500) of earlier successful runs that ends in a
# failed run; the reader's time and peak memory to find and read the last
# run, against `tail -c N` of the same N bytes (the last run) as the
# floor.  Scenarios: a last run of a few hundred lines, and one of
# SD_BENCH_RUN_MB MiB (default 40), each in ANSI and in UTF-16LE.  Not a
# timed test: it prints figures for the module page.
#
#   bash tests/bench/bench_setuplog.sh [NATIVE_BUILD_DIR]
#
# Both are measured with /usr/bin/time -v, SD_BENCH_REPS times each
# (default 5), interleaved, with the file in the page cache (it was just
# written); the median and the best are printed.  The log is written to
# $TMPDIR and removed afterwards.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build/bench}
MB=${SD_BENCH_MB:-500}
REPS=${SD_BENCH_REPS:-5}

if [ ! -x /usr/bin/time ]; then
  echo "needs /usr/bin/time (GNU time) for -v"
  exit 1
fi
if [ ! -x "$BUILD/bench_setuplog" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
    cmake --build "$BUILD" -j2 --target bench_setuplog >/dev/null ||
    { echo "cannot build bench_setuplog in $BUILD"; exit 1; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-slbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/ExchangeSetup.log

# "wall_ms peak_kib" of one command: wall time from bash's clock (the
# 10 ms resolution of time -v is too coarse here), peak RSS from
# /usr/bin/time -v.
measure() {
  local t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -v "$@" >/dev/null 2>"$tmp/time.txt"
  t1=$EPOCHREALTIME
  awk -F': ' -v t0="$t0" -v t1="$t1" '
    /Maximum resident set size/ { rss = $2 }
    END { printf "%.1f %d\n", (t1 - t0) * 1000, rss }' "$tmp/time.txt"
}
stats() { # column $1 of $2: "median M best B"
  cut -d' ' -f"$1" "$2" | sort -n |
    awk '{v[NR]=$1} END {printf "median %s best %s", v[int((NR+1)/2)], v[1]}'
}

# One scenario: a log of $MB MiB whose last (failed) run is $1 MiB long
# (0: a few hundred lines), written by "$2" (gen: ANSI, gen16: UTF-16LE).
scenario() {
  local out run_bytes size
  echo "== $2, last run ${1} MiB (0: 300 lines)"
  "$BUILD/bench_setuplog" "$2" "$log" "$MB" "$1" || exit 1
  size=$(stat -c %s "$log")
  out=$("$BUILD/bench_setuplog" read "$log") || {
    echo "the reader did not find the failed run:"; echo "$out"; exit 1; }
  run_bytes=$(printf '%s\n' "$out" | sed -n 's/.*run_bytes=\([0-9]*\).*/\1/p')
  echo "   log: $size bytes; last run: $run_bytes bytes"
  printf '%s\n' "$out" | sed 's/^/   /'
  : >"$tmp/reader"; : >"$tmp/tail"; : >"$tmp/inproc"
  for _ in $(seq 1 "$REPS"); do
    measure "$BUILD/bench_setuplog" read "$log" >>"$tmp/reader"
    "$BUILD/bench_setuplog" read "$log" |
      sed -n 's/.* ms=\([0-9.]*\).*/\1/p' >>"$tmp/inproc"
    measure tail -c "$run_bytes" "$log" >>"$tmp/tail"
  done
  echo "   $REPS runs each, file in the page cache:"
  echo "   reader process   wall ms: $(stats 1 "$tmp/reader");" \
       "peak RSS KiB: $(stats 2 "$tmp/reader")"
  echo "   tail -c $run_bytes wall ms: $(stats 1 "$tmp/tail");" \
       "peak RSS KiB: $(stats 2 "$tmp/tail")"
  echo "   the reader alone (in-process) ms: $(stats 1 "$tmp/inproc")"
  rm -f "$log"
}

scenario 0 gen
scenario "${SD_BENCH_RUN_MB:-40}" gen
scenario 0 gen16
scenario "${SD_BENCH_RUN_MB:-40}" gen16
