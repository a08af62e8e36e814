#!/usr/bin/env bash
# Install every package the tests need (Debian 12, as root) and run the whole
# suite: native unit tests, the same under ASan+UBSan, bounded fuzzing, the
# Windows cross builds and their import tables, and the integration tests of
# the real srvdoctor.exe under Wine (with a Samba AD DC on loopback).
#
#   sh scripts/test.sh              everything (what CI runs)
#   SD_SKIP_DEPS=1 sh scripts/test.sh   without the apt step
#   SD_FUZZ_SECONDS=300 sh scripts/test.sh   fuzz longer
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
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

# Run ctest verbosely (so every cmocka line shows) and count the cmocka
# cases and the command-line test's checks into the totals.
ctest_counted() {
  local dir=$1 log rc cm_pass cm_fail cli_pass cli_fail
  log=$(mktemp)
  ctest --test-dir "$dir" -V -j"$JOBS" >"$log" 2>&1
  rc=$?
  grep -E '\[ +(RUN|OK|FAILED|PASSED|SKIPPED|ERROR|LINE) +\]|\[=+\]|^cli(_[a-z]+)?:|^example_module:|^[0-9]+/[0-9]+ Test|tests passed|FAIL' "$log" |
    sed -E 's/^[0-9]+: //'
  cm_pass=$(grep -E '\[  PASSED  \] [0-9]+ test' "$log" | sed -E 's/.*\] ([0-9]+) test.*/\1/' | awk '{s += $1} END {print s + 0}')
  cm_fail=$(grep -E '\[  FAILED  \] [0-9]+ test' "$log" | sed -E 's/.*\] ([0-9]+) test.*/\1/' | awk '{s += $1} END {print s + 0}')
  # "cli: N passed, N failed" and "cli_fleet: ..." (one line per script).
  cli_pass=$(grep -E '^([0-9]+: )?(cli(_[a-z]+)?|example_module): [0-9]+ passed' "$log" | sed -E 's/.*: ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')
  cli_fail=$(grep -E '^([0-9]+: )?(cli(_[a-z]+)?|example_module): [0-9]+ passed' "$log" | sed -E 's/.*, ([0-9]+) failed.*/\1/' | awk '{s += $1} END {print s + 0}')
  cm_pass=${cm_pass:-0}; cm_fail=${cm_fail:-0}; cli_pass=${cli_pass:-0}; cli_fail=${cli_fail:-0}
  echo "cmocka: $cm_pass passed, $cm_fail failed; command-line checks: $cli_pass passed, $cli_fail failed"
  total_pass=$((total_pass + cm_pass + cli_pass))
  total_fail=$((total_fail + cm_fail + cli_fail))
  if [ "$rc" -ne 0 ] && [ "$cm_fail" -eq 0 ] && [ "$cli_fail" -eq 0 ]; then
    total_fail=$((total_fail + 1)) # a test program crashed or did not report
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

# seed_snapshots DIR: copy every snapshot fixture into DIR (named after its
# folder, so fixtures of the same name in two modules both count).
seed_snapshots() {
  local f n=0
  while IFS= read -r f; do
    cp "$f" "$1/$(basename "$(dirname "$f")")-$(basename "$f")" && n=$((n + 1))
  done < <(grep -rl --include='*.json' '"kind": "srvdoctor-snapshot"' tests/fixtures docs/examples)
  echo "--- seeded the snapshot corpus with $n snapshot fixtures"
}

run_fuzzers() {
  CC=clang cmake -S . -B build/test-fuzz -DCMAKE_BUILD_TYPE=Debug -DSD_FUZZ=ON -DSD_TESTS=OFF >/dev/null &&
    cmake --build build/test-fuzz -j"$JOBS" || return 1
  local fz name corpus rc=0 work fz_rc
  for fz in build/test-fuzz/fuzz_*; do
    [ -x "$fz" ] || continue
    name=$(basename "$fz" | sed 's/^fuzz_//')
    corpus="$ROOT/tests/fuzz/corpus/$name"
    work=$(mktemp -d)
    [ -d "$corpus" ] && cp -r "$corpus/." "$work/" 2>/dev/null
    # The snapshot target starts from every snapshot the tests use (each
    # module's fixtures and the sample), so its time goes into the checks
    # and reports, not into rediscovering the snapshot format.
    [ "$name" = snapshot ] && seed_snapshots "$work"
    echo "--- $fz for ${FUZZ_SECONDS}s"
    # The fuzzer's own exit status counts (not the tail's); a crashing
    # input is kept under build/test-fuzz/artifacts, never in the tree.
    mkdir -p build/test-fuzz/artifacts
    "$fz" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$ROOT/build/test-fuzz/artifacts/$name-" "$work" \
      >"$work.log" 2>&1
    fz_rc=$?
    tail -n 12 "$work.log"
    if [ "$fz_rc" -eq 0 ]; then
      total_pass=$((total_pass + 1))
    else
      grep -E 'ERROR:|SUMMARY:|Test unit written' "$work.log" | head -n 5
      total_fail=$((total_fail + 1))
      rc=1
    fi
    rm -f "$work.log"
    rm -rf "$work"
  done
  return $rc
}

# The Windows exes in the configuration that ships (Release: -O2, stripped),
# their imports, environment variable names and manifest checked, and the
# release zip CPack makes of each, checked as an administrator would get it
# (scripts/check-package.sh).
# The integration tests run these same exes.
build_windows() {
  local arch rc=0 dir
  for arch in 64 32; do
    dir=build/test-win$arch
    if cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSD_TEST_TOOLS=ON \
         -DCMAKE_TOOLCHAIN_FILE="cmake/toolchain-mingw$arch.cmake" -DSD_TESTS=OFF >/dev/null &&
       cmake --build "$dir" -j"$JOBS" &&
       bash scripts/check-imports.sh "$dir/srvdoctor.exe" &&
       bash scripts/check-env-names.sh "$dir/srvdoctor.exe" &&
       python3 scripts/check-manifest.py "$dir/srvdoctor.exe" &&
       NM=$( [ "$arch" = 64 ] && echo x86_64 || echo i686 )-w64-mingw32-nm \
         python3 scripts/check-cycles.py "$dir" &&
       (cd "$dir" && rm -rf package && cpack -G ZIP >/dev/null) &&
       bash scripts/check-package.sh "$dir"/package/srvdoctor-*.zip; then
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
