#!/usr/bin/env bash
# Benchmark: srvdoctor fleet over 250, 500 and 1,000 JSON reports of 5 to 50
# findings each (linear growth), and over 100 snapshots, next to
# `jq -s . *.json >/dev/null` on the same files in the same run.  Target:
# 1,000 reports in at most 1 s and 64 MiB.  Not a timed test: it prints the
# figures (wall time and peak RSS, best of 3) for the closing notes.
#   bash tests/bench/bench_fleet.sh [BUILD_DIR]
set -eu
BUILD=${1:-build/bench}
cd "$(dirname "$0")/../.."
ROOT=$PWD
if [ ! -x "$BUILD/srvdoctor" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD" -j2 --target srvdoctor >/dev/null
fi
BIN=$ROOT/$BUILD/srvdoctor
[ -x "$BIN" ] || BIN=$BUILD/srvdoctor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The pool of real findings: the reports srvdoctor writes for the sample
# and the fleet fixtures (every module).
mkdir "$tmp/pool"
"$BIN" check --from docs/examples/troubled-server.json --format json -o "$tmp/pool/sample.json" -q || true
for f in tests/fixtures/fleet/org/*.json tests/fixtures/reports/*.json; do
  "$BIN" check --from "$f" --format json -o "$tmp/pool/$(basename "$f")" -q 2>/dev/null || true
done
cp tests/fixtures/fleet/org/[A-Z]*[0-9].json "$tmp/pool/" 2>/dev/null || true

gen() { # N DIR: N reports, host i has 5 + (i * 37 mod 46) findings
  python3 - "$tmp/pool" "$1" "$2" <<'PY'
import json, os, sys
pool_dir, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
pool = {}
for name in sorted(os.listdir(pool_dir)):
    try:
        doc = json.load(open(os.path.join(pool_dir, name)))
    except Exception:
        continue
    if not isinstance(doc, dict) or "modules" not in doc:
        continue
    for m in doc["modules"]:
        pool.setdefault(m["id"], []).extend(m["findings"])
mods = sorted(pool)
flat = [(m, f) for m in mods for f in pool[m]]
order = ["critical", "warning", "unknown", "info", "ok"]
for i in range(n):
    k = 5 + (i * 37) % 46
    chosen = [flat[(i * 7 + j * 13) % len(flat)] for j in range(k)]
    modules = []
    worst = "ok"
    for m in mods:
        fs = [f for (mm, f) in chosen if mm == m]
        if not fs:
            continue
        fs.sort(key=lambda f: order.index(f["severity"]))
        st = fs[0]["severity"]
        modules.append({"id": m, "title": m, "applicable": True,
                        "status": st, "findings": fs})
        if order.index(st) < order.index(worst):
            worst = st
    host = "HOST%04d" % i
    doc = {"schema_version": 1,
           "tool": {"name": "srvdoctor", "version": "0.1.0"},
           "source": "snapshot", "collected_at": "2026-11-26T08:00:00Z",
           "host": {"name": host, "os": {"name": "Windows Server 2008",
                    "version": "6.0.6002", "service_pack": "Service Pack 2",
                    "arch": "x64"}, "elevated": True},
           "status": worst, "exit_code": 0, "modules": modules,
           "timings_ms": {"collect": 40, "analyze": 1}}
    with open(os.path.join(out, "srvdoctor-%s-20261126T080000Z.json" % host), "w") as fp:
        json.dump(doc, fp, indent=2)
PY
}

best() { # LABEL CMD...: best of 3 wall times and the peak RSS of that run
  local label=$1 t m bt="" bm=""
  shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$tmp/time")
    if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; bm=$m; fi
  done
  printf '  %-44s %6s s  %8s KiB\n' "$label" "$bt" "$bm"
}

ASOF=2026-11-26T10:00:00Z   # the generated reports' time: none is stale
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print $2}' /proc/meminfo) KiB; $("$BIN" --version)"
for n in 250 500 1000; do
  d=$tmp/r$n
  gen "$n" "$d"
  findings=$(cat "$d"/*.json | grep -c '"code"')
  read_hosts=$("$BIN" fleet --as-of "$ASOF" --format json "$d" 2>/dev/null | jq '.hosts | length')
  echo "$n reports, $findings findings, $(du -sk "$d" | cut -f1) KiB (fleet read $read_hosts hosts):"
  best "srvdoctor fleet DIR (text)" "$BIN" fleet --as-of "$ASOF" "$d"
  best "srvdoctor fleet --format json DIR" "$BIN" fleet --as-of "$ASOF" --format json "$d"
  best "srvdoctor fleet --format html DIR" "$BIN" fleet --as-of "$ASOF" --format html "$d"
  best "jq -s . *.json >/dev/null" sh -c "jq -s . '$d'/*.json"
done

d=$tmp/snap100
mkdir "$d"
for i in $(seq -w 1 100); do
  jq --arg n "SNAP$i" '.host.name = $n' docs/examples/troubled-server.json >"$d/SNAP$i.json"
done
read_hosts=$("$BIN" fleet --as-of "$ASOF" --format json "$d" 2>/dev/null | jq '.hosts | length')
echo "100 snapshots, $(du -sk "$d" | cut -f1) KiB, analysed on the spot (fleet read $read_hosts hosts):"
best "srvdoctor fleet DIR (text)" "$BIN" fleet --as-of "$ASOF" "$d"
best "jq -s . *.json >/dev/null" sh -c "jq -s . '$d'/*.json"
