#!/usr/bin/env bash
# The Prometheus path end to end with the real programs (Debian's
# prometheus and prometheus-node-exporter): four simulated hosts, each with
# its own textfile folder holding `srvdoctor check --format prom -o` output
# and its own node_exporter on a 127.0.0.1 port; one Prometheus server on
# 127.0.0.1 scrapes them and evaluates docs/monitoring/srvdoctor.rules.yml.
# A query through Prometheus's HTTP API must return the number of critical
# hosts and which they are, and the SrvdoctorCritical alert must fire for
# exactly those.  Every process is started and stopped by its PID.
# Env: SRVDOCTOR_NATIVE, SD_SRC.
set -u
. "$(dirname "$0")/lib/common.sh"
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
for c in prometheus prometheus-node-exporter promtool python3; do
  command -v "$c" >/dev/null || sd_skip "$c is not installed (scripts/install-test-deps.sh installs it)"
done
[ -x "$SRVDOCTOR_NATIVE" ] || sd_skip "no native srvdoctor binary"
sd_test_tmp_dir
T=$SD_TEST_TMP/prom
mkdir -p "$T"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

pids=()
stop_all() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null
  done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  pids=()
}
sd_on_exit stop_all

# Free loopback ports (bound and released; the OS hands out fresh ones).
ports=($(python3 -c '
import socket
s = []
for _ in range(5):
    k = socket.socket(); k.bind(("127.0.0.1", 0)); s.append(k)
print(" ".join(str(k.getsockname()[1]) for k in s))'))
[ ${#ports[@]} = 5 ] || sd_fail "no free ports"

fx=$SD_SRC/tests/fixtures
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# host name : snapshot : modules : expected srvdoctor_status
hosts=(
  "EXCH01:$SD_SRC/docs/examples/troubled-server.json:exchange-sp2:2"
  "MBX02:$fx/exchange-sp2/sp2.json:exchange-sp2:0"
  "FE01:$fx/ocs-kb974571/down_service_code_2008r2.json:ocs-kb974571:2"
  "FE02:$fx/ocs-kb974571/running_kb_after_boot.json:ocs-kb974571:1"
)
targets=""
i=0
for h in "${hosts[@]}"; do
  IFS=: read -r name snap only want <<<"$h"
  dir=$T/$name/textfile
  mkdir -p "$dir"
  # The snapshot as if collected now, under this host's name.
  jq --arg n "$name" --arg t "$now" '.host.name = $n | .collected_at = $t' "$snap" >"$T/$name/snapshot.json"
  rc=0
  "$SRVDOCTOR_NATIVE" check --from "$T/$name/snapshot.json" --only "$only" --format prom \
    -o "$dir/srvdoctor.prom" -q 2>"$T/$name/err" || rc=$?
  [ "$rc" = "$want" ] && ok || bad "$name: srvdoctor exit $rc, expected $want ($(cat "$T/$name/err"))"
  port=${ports[$i]}
  prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$dir" >"$T/$name/node_exporter.log" 2>&1 &
  pids+=($!)
  targets+="      - targets: ['127.0.0.1:$port']
        labels: {host: '$name'}
"
  i=$((i + 1))
done
pport=${ports[4]}
cp "$SD_SRC/docs/monitoring/srvdoctor.rules.yml" "$T/srvdoctor.rules.yml"
cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - srvdoctor.rules.yml
scrape_configs:
  - job_name: srvdoctor
    static_configs:
$targets
YML
promtool check config "$T/prometheus.yml" >"$T/check.log" 2>&1 && ok || bad "promtool check config: $(cat "$T/check.log")"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
  --web.listen-address="127.0.0.1:$pport" >"$T/prometheus.log" 2>&1 &
pids+=($!)

api() { # PATH?QUERY -> JSON on stdout
  python3 - "http://127.0.0.1:$pport$1" <<'PY'
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
except Exception as e:
    print('{"error": "%s"}' % e)
PY
}
q() { api "/api/v1/query?query=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")"; }

# Wait (bounded) until every target is scraped and the count is in.
count=""
for _ in $(seq 60); do
  up=$(q 'sum(up{job="srvdoctor"})' | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
  count=$(q 'count(srvdoctor_status == 2)' | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
  [ "$up" = 4 ] && [ -n "$count" ] && break
  sleep 0.5
done
[ "$up" = 4 ] && ok || bad "node_exporters up: '$up' of 4 ($(tail -n 3 "$T/prometheus.log"))"
sd_log "critical hosts: $count"
[ "$count" = 2 ] && ok || bad "count(srvdoctor_status == 2) is '$count', expected 2"
which=$(q 'srvdoctor_status == 2' | jq -r '[.data.result[].metric.host] | sort | join(",")')
sd_log "which: $which"
[ "$which" = "EXCH01,FE01" ] && ok || bad "critical hosts are '$which', expected EXCH01,FE01"
warn=$(q 'srvdoctor_status == 1' | jq -r '[.data.result[].metric.host] | sort | join(",")')
[ "$warn" = "FE02" ] && ok || bad "warning hosts are '$warn', expected FE02"

# The shipped rules, loaded by the real server: SrvdoctorCritical fires for
# the two critical hosts (no "for"), the stale rule for none.
firing=""
for _ in $(seq 40); do
  firing=$(api /api/v1/alerts | jq -r '[.data.alerts[] | select(.labels.alertname == "SrvdoctorCritical" and .state == "firing") | .labels.host] | sort | join(",")')
  [ "$firing" = "EXCH01,FE01" ] && break
  sleep 0.5
done
[ "$firing" = "EXCH01,FE01" ] && ok || bad "SrvdoctorCritical firing for '$firing'"
stale=$(api /api/v1/alerts | jq -r '[.data.alerts[] | select(.labels.alertname == "SrvdoctorReportStale")] | length')
[ "$stale" = 0 ] && ok || bad "SrvdoctorReportStale active for fresh reports ($stale)"

# A host becomes critical: srvdoctor rewrites its textfile atomically and the
# next scrape shows three critical hosts.
jq '.host.name = "MBX02"' "$T/EXCH01/snapshot.json" >"$T/MBX02/snapshot.json"
"$SRVDOCTOR_NATIVE" check --from "$T/MBX02/snapshot.json" --only exchange-sp2 --format prom \
  -o "$T/MBX02/textfile/srvdoctor.prom" -q 2>/dev/null
for _ in $(seq 40); do
  count=$(q 'count(srvdoctor_status == 2)' | jq -r '.data.result[0].value[1] // empty')
  [ "$count" = 3 ] && break
  sleep 0.5
done
[ "$count" = 3 ] && ok || bad "after MBX02 turned critical the count is '$count', expected 3"

# Stop everything by PID; nothing of ours may be left.
left=("${pids[@]}")
stop_all
for p in "${left[@]}"; do
  kill -0 "$p" 2>/dev/null && bad "process $p still running" || ok
done

echo "t_fleet_prometheus: $pass passed, $fail failed"
[ "$fail" = 0 ]
