#!/usr/bin/env bash
# compare-outputs.sh BASE NEW: for a change that must not change behaviour,
# run two srvdoctor binaries (native builds, e.g. one of main and one of the
# change) over every snapshot fixture in every report format and over the
# fleet fixture folders, with timings masked, and list what differs.
# Exits 1 when anything differs.
#   bash scripts/compare-outputs.sh /tmp/base/srvdoctor build/native/srvdoctor
set -u
base=${1:?usage: compare-outputs.sh BASE NEW}
new=${2:?usage: compare-outputs.sh BASE NEW}
cd "$(dirname "$0")/.." || exit 2
norm() {
  sed -E "s/'run time'=[0-9.]+s//; s/\"(collect|analyze)\": [0-9]+/\"\1\": T/;
          s/(srvdoctor_[a-z_]*(seconds|duration)[a-z_]*(\{[^}]*\})?) [0-9.e+-]+/\1 T/;
          s/[0-9]+ ms/N ms/g"
}
n=0 bad=0
while IFS= read -r f; do
  for fmt in text json nagios prom html; do
    a=$("$base" check --from "$f" --format "$fmt" 2>&1 | norm; echo "rc=${PIPESTATUS[0]}")
    b=$("$new" check --from "$f" --format "$fmt" 2>&1 | norm; echo "rc=${PIPESTATUS[0]}")
    n=$((n + 1))
    [ "$a" = "$b" ] || { echo "differs: $f $fmt"; bad=$((bad + 1)); }
  done
done < <(grep -rl --include='*.json' '"kind": "srvdoctor-snapshot"' tests/fixtures docs/examples | sort)
for p in tests/fixtures/fleet/org tests/fixtures/exchange-sp2 tests/fixtures/ocs-kb974571 tests/fixtures/hyperv-stuck-vm; do
  for fmt in text json html; do
    a=$("$base" fleet --as-of 2026-11-26T09:00:00Z --format "$fmt" "$p" 2>&1; echo "rc=$?")
    b=$("$new" fleet --as-of 2026-11-26T09:00:00Z --format "$fmt" "$p" 2>&1; echo "rc=$?")
    n=$((n + 1))
    [ "$a" = "$b" ] || { echo "differs: fleet $p $fmt"; bad=$((bad + 1)); }
  done
done
echo "$n outputs compared, $bad differ"
[ "$bad" -eq 0 ]
