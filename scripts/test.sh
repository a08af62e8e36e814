#!/usr/bin/env bash
# Install every package the tests need (Debian 12, as root) and run the whole
# suite: native unit tests, the same under ASan+UBSan, bounded fuzzing, the
# Windows cross builds and their import tables, and the integration tests of
# the real srvdoctor.exe under Wine (with a Samba AD DC on loopback).
#
#   sh scripts/test.sh              everything (what CI runs)
#   SD_SKIP_DEPS=1 sh scripts/test.sh   without the apt step
#   SD_FUZZ_SECONDS=300 sh scripts/test.sh   fuzz longer
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
JOBS=${SD_JOBS:-2}
FUZZ_SECONDS=${SD_FUZZ_SECONDS:-20}

if [ -z "${SD_SKIP_DEPS:-}" ]; then
  bash scripts/install-test-deps.sh || { echo "installing test packages failed"; exit 1; }
fi

total_pass=0
total_fail=0
failed_stages=""

# stage NAME COMMAND...: run one stage, count it.
stage() {
  local name=$1
  shift
  echo
  echo "=== $name"
  local t0=$(date +%s)
  if "$@"; then
    echo "=== $name: passed ($(( $(date +%s) - t0 ))s)"
    return 0
  fi
  echo "=== $name: FAILED ($(( $(date +%s) - t0 ))s)"
  failed_stages="$failed_stages $name"
  return 1
}

# Count ctest's result line into the totals.
ctest_counted() {
  local dir=$1 log
  log=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure -j"$JOBS" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line
  line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    local nfail ntotal
    nfail=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    ntotal=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
    total_pass=$((total_pass + ntotal - nfail))
    total_fail=$((total_fail + nfail))
  else
    total_fail=$((total_fail + 1))
  fi
  rm -f "$log"
  return "$rc"
}

build_native() {
  cmake -S . -B build/test-native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build build/test-native -j"$JOBS" &&
    ctest_counted build/test-native
}

build_sanitized() {
  CC=clang cmake -S . -B build/test-asan -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON >/dev/null &&
    cmake --build build/test-asan -j"$JOBS" &&
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest_counted build/test-asan
}

run_fuzzers() {
  CC=clang cmake -S . -B build/test-fuzz -DCMAKE_BUILD_TYPE=Debug -DSD_FUZZ=ON -DSD_TESTS=OFF >/dev/null &&
    cmake --build build/test-fuzz -j"$JOBS" || return 1
  local fz name corpus rc=0 work
  for fz in build/test-fuzz/fuzz_*; do
    [ -x "$fz" ] || continue
    name=$(basename "$fz" | sed 's/^fuzz_//')
    corpus="$ROOT/tests/fuzz/corpus/$name"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus/." "$work/" 2>/dev/null
    echo "--- $fz for ${FUZZ_SECONDS}s"
    if "$fz" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
         -rss_limit_mb=2048 -print_final_stats=1 "$work" 2>&1 | tail -n 12; then
      total_pass=$((total_pass + 1))
    else
      total_fail=$((total_fail + 1))
      rc=1
    fi
    rm -rf "$work"
  done
  return $rc
}

build_windows() {
  local arch rc=0
  for arch in 64 32; do
    if cmake -S . -B "build/test-win$arch" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
         -DCMAKE_TOOLCHAIN_FILE="cmake/toolchain-mingw$arch.cmake" -DSD_TESTS=OFF >/dev/null &&
       cmake --build "build/test-win$arch" -j"$JOBS" &&
       bash scripts/check-imports.sh "build/test-win$arch/srvdoctor.exe"; then
      total_pass=$((total_pass + 1))
    else
      total_fail=$((total_fail + 1))
      rc=1
    fi
  done
  return $rc
}

run_integration() {
  local log rc line
  log=$(mktemp)
  SRVDOCTOR_EXE="$ROOT/build/test-win64/srvdoctor.exe" \
  SRVDOCTOR_EXE32="$ROOT/build/test-win32/srvdoctor.exe" \
  SRVDOCTOR_NATIVE="$ROOT/build/test-native/srvdoctor" \
  SD_BUILD_DIR="$ROOT/build/test-native" SD_SRC="$ROOT" \
    bash tests/integration/run.sh 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    total_pass=$((total_pass + $(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')))
    total_fail=$((total_fail + $(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')))
  else
    total_fail=$((total_fail + 1))
  fi
  rm -f "$log"
  return "$rc"
}

stage native-unit-tests build_native
stage sanitizers build_sanitized
stage fuzzing run_fuzzers
stage windows-builds build_windows
stage integration-wine run_integration

echo
if [ -n "$failed_stages" ]; then
  echo "failed stages:$failed_stages"
fi
echo "$total_pass passed, $total_fail failed"
[ -z "$failed_stages" ] && [ "$total_fail" -eq 0 ]
