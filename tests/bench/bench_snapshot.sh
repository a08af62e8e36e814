#!/usr/bin/env bash
# Benchmark: load + analyse + JSON report of a large synthetic snapshot, at
# scale 1 and 2, next to `jq . FILE` on the same file.  Not a timed test:
# it prints figures for the closing notes.
#   bash tests/bench/bench_snapshot.sh [BUILD_DIR]
set -eu
BUILD=${1:-build/bench}
cd "$(dirname "$0")/../.."
if [ ! -x "$BUILD/bench_snapshot" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target bench_snapshot srvdoctor >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for scale in 1 2; do
  f="$tmp/big$scale.json"
  "$BUILD/bench_snapshot" gen "$f" "$scale" docs/examples/troubled-server.json
  echo "scale $scale:"
  for i in 1 2 3; do "$BUILD/bench_snapshot" run "$f"; done
  /usr/bin/time -f "  srvdoctor check --from (whole program): %e s, peak RSS %M KiB" \
    "$BUILD/srvdoctor" check --from "$f" --format json -o "$tmp/r.json" -q || true
  /usr/bin/time -f "  srvdoctor check --from --format text (wrapped at 80): %e s, peak RSS %M KiB" \
    "$BUILD/srvdoctor" check --from "$f" --format text -o "$tmp/r.txt" -q || true
  echo "  text report: $(wc -l <"$tmp/r.txt") lines, $(wc -c <"$tmp/r.txt") bytes"
  echo "  (srvdoctor exits with its verdict: 2 = critical, as the sample's findings imply)"
  if command -v jq >/dev/null; then
    /usr/bin/time -f "  jq . FILE >/dev/null: %e s, peak RSS %M KiB" jq . "$f" >/dev/null
  fi
done
