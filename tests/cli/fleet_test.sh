#!/usr/bin/env bash
# srvdoctor fleet over a folder of reports from a mixed Exchange/OCS
# organisation (tests/fixtures/fleet/org: CAS, HUB, UM, MBX, Edge, a server
# with interim updates, two servers whose AD values differ, OCS Front Ends,
# one snapshot analysed on the spot), laid out as a --report-dir folder with
# an older report and latest.json, plus a corrupt, a truncated and a foreign
# JSON file: the order and the blocked servers in text, json and html, the
# unusable files listed, stale reports, exit codes, atomic -o.
# Usage: fleet_test.sh SRVDOCTOR SRC_DIR
set -u
BIN=$1
SRC=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# Report ages are judged as of this time (the fixtures have fixed collection
# times): every fleet run below gets --as-of "$ASOF".
ASOF=2026-11-26T10:00:00Z

expect() {
  local want=$1
  shift
  if [ "${1:-}" = fleet ]; then
    "$BIN" fleet --as-of "$ASOF" "${@:2}" >"$tmp/out" 2>"$tmp/err"
  else
    "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
  fi
  local rc=$?
  [ "$rc" -eq "$want" ] && ok || bad "srvdoctor $* exited $rc, expected $want: $(cat "$tmp/err")"
}
has() { grep -qF -- "$2" "$1" && ok || bad "$1 lacks '$2'"; }
one_line_err() {
  [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^srvdoctor: ' "$tmp/err" && ok ||
    bad "stderr is not one sentence: $(cat "$tmp/err")"
}

d=$tmp/reports
mkdir "$d"
cp "$SRC"/tests/fixtures/fleet/org/* "$d/"
# A --report-dir folder: CAS01's report under its timestamped name, an
# older (critical) one of the same host, and latest.json.
mv "$d/CAS01.json" "$d/srvdoctor-CAS01-20261126T080000Z.json"
cp "$d/srvdoctor-CAS01-20261126T080000Z.json" "$d/latest.json"
jq '.collected_at = "2026-11-25T08:00:00Z" | .status = "critical"' \
  "$d/latest.json" >"$d/srvdoctor-CAS01-20261125T080000Z.json"
printf 'not json at all {' >"$d/corrupt.json"
head -c 700 "$d/HUB01.json" >"$d/truncated.json"
printf '{"name": "some-package", "version": "1.0.0", "dependencies": {}}\n' >"$d/foreign.json"
: >"$d/srvdoctor.lock"            # not *.json: ignored
echo "hello" >"$d/notes.txt"

# ---- text ----
expect 2 fleet "$d"
cp "$tmp/out" "$tmp/fleet.txt"
has "$tmp/fleet.txt" "CRITICAL: 11 hosts: 4 critical, 2 warning, 1 unknown (0 stale), 4 ok; 3 files could not be read; 2 older reports of the same hosts ignored."
order=$(grep -E '^ +[0-9]+\. ' "$tmp/fleet.txt" | awk '{print $2}' | paste -sd,)
[ "$order" = "CAS01,CAS02,HUB01,HUB02,UM01,MBX01,EDGE01,MBX02" ] && ok || bad "text order: $order"
has "$tmp/fleet.txt" "1. CAS01  Client Access  build 8.1.240.6  READY now"
has "$tmp/fleet.txt" "2. CAS02  Client Access  build 8.1.240.6  BLOCKED by EXCH-PENDING-REBOOT"
has "$tmp/fleet.txt" "3. HUB01  Hub Transport  build 8.1.240.6  BLOCKED by EXCH-INTERIM-UPDATE"
has "$tmp/fleet.txt" "4. HUB02  Hub Transport  build 8.1.240.6  BLOCKED by AD-SCHEMA-PREP-NEEDED"
has "$tmp/fleet.txt" "8. MBX02  roles not known  build 8.2.176.2  done"
# A code given twice (two interim updates) is shown once with its count.
has "$tmp/fleet.txt" "exchange-sp2 CRITICAL (EXCH-INTERIM-UPDATE ×2)"
grep -q 'EXCH-INTERIM-UPDATE, EXCH-INTERIM-UPDATE' "$tmp/fleet.txt" && bad "code repeated" || ok
has "$tmp/fleet.txt" "Reports DISAGREE on schema_version: 14622 read by CAS01, CAS02, HUB01, UM01, MBX01; 11116 read by HUB02."
has "$tmp/fleet.txt" "site Default-First-Site-Name (domain contoso.com), the schema master's (dc1.contoso.com), logged on with an account in Schema Admins and Enterprise Admins; from these reports: CAS01, HUB01, HUB02, UM01."
has "$tmp/fleet.txt" "Run OCSASNFix.exe on each of these Front Ends: FE01, FE02."
has "$tmp/fleet.txt" "UNKNOWN   $d/corrupt.json: not a valid srvdoctor report: line 1, column 1"
has "$tmp/fleet.txt" "UNKNOWN   $d/truncated.json: the file ends too early (truncated?)"
has "$tmp/fleet.txt" "UNKNOWN   $d/foreign.json: not a srvdoctor report"
grep -q 'srvdoctor.lock\|notes.txt' "$tmp/fleet.txt" && bad "non-JSON files listed" || ok
# The older critical report of CAS01 is not the one that counts.
grep -q '^OK        CAS01 ' "$tmp/fleet.txt" && ok || bad "CAS01 is not OK (older report used?)"

# ---- json ----
expect 2 fleet --format json "$d"
cp "$tmp/out" "$tmp/fleet.json"
jq -e '.schema_version == 1 and .kind == "fleet" and .exit_code == 2 and .status == "critical"' "$tmp/fleet.json" >/dev/null && ok || bad "json header"
[ "$(jq -r '[.exchange.servers[].host] | join(",")' "$tmp/fleet.json")" = "CAS01,CAS02,HUB01,HUB02,UM01,MBX01,EDGE01,MBX02" ] && ok || bad "json order"
[ "$(jq -r '[.exchange.servers[] | select(.state == "blocked") | "\(.host)=\(.blocked_by | join("+"))"] | join(",")' "$tmp/fleet.json")" = \
  "CAS02=EXCH-PENDING-REBOOT,HUB01=EXCH-INTERIM-UPDATE,HUB02=AD-SCHEMA-PREP-NEEDED" ] && ok || bad "json blocked servers"
[ "$(jq -r '[.exchange.servers[] | select(.state == "ready") | .host] | join(",")' "$tmp/fleet.json")" = "CAS01,UM01,MBX01" ] && ok || bad "json ready servers"
jq -e '.exchange.ad_preparation.prepare_schema == "reports disagree" and .exchange.disagreements[0].value == "schema_version"' "$tmp/fleet.json" >/dev/null && ok || bad "json disagreement"
jq -e '.problems | length == 3 and all(.[]; .status == "unknown" and (.reason | length) > 10)' "$tmp/fleet.json" >/dev/null && ok || bad "json problems"
jq -e '.counts == {"critical":4,"warning":2,"unknown":4,"ok":4,"stale":0,"problems":3,"superseded":2}' "$tmp/fleet.json" >/dev/null && ok || bad "json counts: $(jq -c .counts "$tmp/fleet.json")"
jq -e 'all(.hosts[]; has("name") and has("status") and has("collected_at") and has("source") and (.stale | type == "boolean") and all(.modules[]; has("id") and has("status") and (.codes | type == "array")))' "$tmp/fleet.json" >/dev/null && ok || bad "json host fields"
jq -e '.hosts[] | select(.name == "CAS01") | .source | endswith("srvdoctor-CAS01-20261126T080000Z.json")' "$tmp/fleet.json" >/dev/null && ok || bad "CAS01 source"
jq -e '.hosts[] | select(.name == "FE03") | .kind == "snapshot"' "$tmp/fleet.json" >/dev/null && ok || bad "FE03 snapshot not analysed"
jq -e '[.ocs_pools[] | [.front_ends[].host] | join("+")] == ["FE01+FE02", "FE03"]' "$tmp/fleet.json" >/dev/null && ok || bad "json pools"

# ---- html ----
expect 2 fleet --format html -o "$tmp/fleet.html" "$d"
[ -s "$tmp/fleet.html" ] && ok || bad "no html written"
plan=$(python3 - "$tmp/fleet.html" <<'PY'
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.t = None; self.row = []; self.rows = []; self.cell = None
    def handle_starttag(self, tag, a):
        if tag == "table": self.t = dict(a).get("id")
        if self.t == "plan" and tag == "tr": self.row = []
        if self.t == "plan" and tag == "td": self.cell = ""
    def handle_endtag(self, tag):
        if tag == "table": self.t = None
        if self.t == "plan" and tag == "td": self.row.append(self.cell); self.cell = None
        if self.t == "plan" and tag == "tr" and self.row: self.rows.append(self.row)
    def handle_data(self, d):
        if self.cell is not None: self.cell += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
print(";".join("%s=%s=%s" % (r[1], r[4], r[5]) for r in p.rows))
PY
)
[ "$plan" = "CAS01=ready=;CAS02=blocked=EXCH-PENDING-REBOOT;HUB01=blocked=EXCH-INTERIM-UPDATE;HUB02=blocked=AD-SCHEMA-PREP-NEEDED;UM01=ready=;MBX01=ready=;EDGE01=unknown=srvdoctor could not check everything on this server; codes AD-UNREACHABLE;MBX02=done=" ] && ok || bad "html plan: $plan"
has "$tmp/fleet.html" "truncated.json"
has "$tmp/fleet.html" "the file ends too early (truncated?)"
has "$tmp/fleet.html" 'id="filter"'
has "$tmp/fleet.html" "Reports disagree on schema_version"

# The filter box works under the page's Content-Security-Policy: opened as
# page.html#hub in a real browser, only the HUB rows stay visible.
if command -v chromium >/dev/null; then
  shown=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --dump-dom \
            "file://$tmp/fleet.html#hub" 2>/dev/null |
          grep -o '<tr><th>[A-Z0-9]*</th>' | sed 's/<tr><th>//; s/<.th>//' | paste -sd,)
  [ "$shown" = "HUB01,HUB02" ] && ok || bad "filter #hub shows '$shown'"
fi

# A hostile host name through the whole path.
h=$tmp/hostile
mkdir "$h"
jq '.host.name = "<script>alert(1)</script>\"'"'"'&" | .modules[0].findings[0].message = "<img src=x onerror=alert(2)>"' \
  "$d/UM01.json" >"$h/x.json"
expect 0 fleet --format html "$h"
grep -q '<script>alert\|<img' "$tmp/out" && bad "html not escaped" || ok
has "$tmp/out" "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"
[ "$(grep -o '<script' "$tmp/out" | wc -l)" = 1 ] && ok || bad "more than one script tag"

# ---- stale, --max-age ----
ASOF=2026-11-28T10:00:00Z expect 3 fleet "$d"
has "$tmp/out" "(11 stale)"
ASOF=2026-11-28T10:00:00Z expect 2 fleet --max-age 72 "$d"
has "$tmp/out" "(0 stale)"

# ---- files and arguments ----
expect 3 fleet "$d/corrupt.json"; has "$tmp/out" "corrupt.json: not a valid srvdoctor report"
# A PATH that names nothing is an argument error: stderr, not a row.
expect 3 fleet "$tmp/no-such-file.json"; one_line_err
has "$tmp/err" "$tmp/no-such-file.json: there is no such file or folder."
[ ! -s "$tmp/out" ] && ok || bad "missing path printed on stdout: $(cat "$tmp/out")"
expect 3 fleet "$tmp/no-such-dir"; one_line_err
expect 2 fleet "$d/HUB01.json" "$tmp/no-such-dir"; one_line_err
has "$tmp/out" "HUB01"
# A FIFO or a device given as a PATH is listed as unreadable at once.
mkfifo "$tmp/fifo.json"
timeout 10 "$BIN" fleet --as-of "$ASOF" "$tmp/fifo.json" "$d/HUB01.json" >"$tmp/out" 2>"$tmp/err"
rc=$?; [ "$rc" = 2 ] && ok || bad "fleet FIFO exited $rc, expected 2"
has "$tmp/out" "fifo.json: it is a FIFO (named pipe), not a file."
has "$tmp/out" "1 file could not be read"
expect 3 fleet /dev/null; has "$tmp/out" "/dev/null: it is a device, not a file."
# Inside a folder: a link to a report is followed; a FIFO, a link loop and
# a link to nothing are rows that say what they are, and are counted; a
# link to a folder is left out like a folder.
l=$tmp/links
mkdir "$l" "$l/sub"
cp "$d/HUB01.json" "$l/real.json"
ln -s "$d/latest.json" "$l/link.json"
ln -s loop2.json "$l/loop1.json"; ln -s loop1.json "$l/loop2.json"
ln -s nowhere.json "$l/dangling.json"
mkfifo "$l/fifo.json"
ln -s sub "$l/sub.json"
timeout 10 "$BIN" fleet --as-of "$ASOF" "$l" >"$tmp/out" 2>"$tmp/err"
rc=$?; [ "$rc" = 2 ] && ok || bad "fleet links exited $rc, expected 2"
has "$tmp/out" "CRITICAL: 2 hosts: 1 critical, 0 warning, 0 unknown (0 stale), 1 ok; 4 files could not be read."
has "$tmp/out" "OK        CAS01"
has "$tmp/out" "loop1.json: it is a symbolic link that loops"
has "$tmp/out" "loop2.json: it is a symbolic link that loops"
has "$tmp/out" "dangling.json: it is a symbolic link to nothing: what it names does not exist."
has "$tmp/out" "$l/fifo.json: it is a FIFO (named pipe), not a file."
grep -q "sub.json" "$tmp/out" && bad "link to a folder listed" || ok
# A file name that is not UTF-8 keeps a faithful form in JSON: its bad
# bytes as the text \xNN, backslashes doubled, flagged source_escaped; a
# UTF-8 name is written as it is.
u=$tmp/names
mkdir "$u"
cp "$d/HUB01.json" "$u/$(printf 'caf\xe9\\1.json')"
cp "$d/latest.json" "$u/Zürich.json"
printf 'x' >"$u/$(printf 'bad\xff.json')"
expect 2 fleet --format json "$u"
src=$(jq -r '.hosts[] | select(.name == "HUB01") | .source' "$tmp/out")
[ "$src" = "$u/caf\\xE9\\\\1.json" ] && ok || bad "escaped source: $src"
jq -e '.hosts[] | select(.name == "HUB01") | .source_escaped == true' "$tmp/out" >/dev/null && ok || bad "no source_escaped"
src=$(jq -r '.problems[0].source' "$tmp/out")
[ "$src" = "$u/bad\\xFF.json" ] && ok || bad "escaped problem source: $src"
jq -e --arg s "$u/Zürich.json" '.hosts[] | select(.source == $s) | has("source_escaped") | not' "$tmp/out" >/dev/null && ok || bad "UTF-8 name changed"
expect 2 fleet "$d/HUB01.json" "$d/UM01.json"
# Paths that start with "/" are paths; "/format" is the option.
expect 2 fleet /FORMAT json "$d/HUB01.json" /Max-Age:48 "$d/UM01.json"
jq -e '.hosts | length == 2' "$tmp/out" >/dev/null && ok || bad "fleet /format json: $(head -c 200 "$tmp/out")"
mkdir "$tmp/empty"
expect 3 fleet "$tmp/empty"; one_line_err
expect 3 fleet; one_line_err
expect 3 fleet --format prom "$d"; one_line_err
expect 3 fleet --max-age 0 "$d"; one_line_err
expect 3 check --max-age 5 --from "$d/FE03.snapshot.json"; one_line_err
expect 2 fleet -o "$tmp/f.txt" "$d"
has "$tmp/f.txt" "upgrade plan"
expect 3 fleet -o "$tmp/nodir/f.txt" "$d"; one_line_err
[ ! -e "$tmp/nodir" ] && ok || bad "partial output"

# The same organisation as reports of schema_version 1 (org), 2 (org-v2,
# made by the srvdoctor of that version) and 3 (org-v3: each module's
# summary written by the report): one plan, one set of pools, whatever
# the version (the older ones digested from their findings' evidence).
for v in org org-v2 org-v3; do
  "$BIN" fleet --as-of "$ASOF" "$SRC/tests/fixtures/fleet/$v" >"$tmp/v-$v.txt"
  "$BIN" fleet --as-of "$ASOF" --format json "$SRC/tests/fixtures/fleet/$v" |
    jq -S 'del(.hosts[].source)' >"$tmp/v-$v.json"
done
jq -e '[.modules[] | has("summary")] | all' \
  "$SRC/tests/fixtures/fleet/org-v3/CAS01.json" >/dev/null && ok ||
  bad "org-v3 reports carry no summary"
jq -e '.schema_version == 2 and ([.modules[] | has("summary")] | any | not)' \
  "$SRC/tests/fixtures/fleet/org-v2/CAS01.json" >/dev/null && ok ||
  bad "org-v2 is not a schema_version 2 report"
has "$tmp/v-org-v3.txt" "Exchange 2007 SP2 upgrade plan (8 servers)"
for v in org-v2 org-v3; do
  cmp -s "$tmp/v-org.txt" "$tmp/v-$v.txt" && ok ||
    bad "fleet text of $v differs from org: $(diff "$tmp/v-org.txt" "$tmp/v-$v.txt" | head -5)"
  cmp -s "$tmp/v-org.json" "$tmp/v-$v.json" && ok ||
    bad "fleet json of $v differs from org: $(diff "$tmp/v-org.json" "$tmp/v-$v.json" | head -5)"
done

# ---- issue 18: the new blockers show in the plan without a fleet change ----
# Two snapshots analysed on the spot: one with a Disabled Exchange service
# and a pending one, one whose last setup run failed.
n=$tmp/new-blockers
mkdir "$n"
cp "$SRC/tests/fixtures/exchange-sp2/services_blocked.json" "$n/EXCH01.json"
jq '.host.name = "EXCH02"' "$SRC/tests/fixtures/exchange-sp2/setuplog_failed_known.json" \
  >"$n/EXCH02.json"
expect 2 fleet "$n"
has "$tmp/out" "1. EXCH01  Client Access  build 8.1.393.1  BLOCKED by EXCH-SERVICE-DISABLED, EXCH-SERVICE-PENDING,"
has "$tmp/out" "2. EXCH02  Client Access  build 8.1.393.1  BLOCKED by EXCH-SETUP-LOG-FAILED,"
expect 2 fleet --format json "$n"
[ "$(jq -r '[.exchange.servers[] | select(.host == "EXCH02") | .blocked_by[]?] | join(",")' "$tmp/out" 2>/dev/null)" \
  = "EXCH-SETUP-LOG-FAILED,AD-SCHEMA-PREP-NEEDED,AD-ORG-PREP-NEEDED" ] && ok ||
  bad "json blockers of EXCH02: $(jq -c '.exchange.servers' "$tmp/out" 2>/dev/null | head -c 400)"

echo "cli_fleet: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
