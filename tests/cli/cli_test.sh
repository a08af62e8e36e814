#!/usr/bin/env bash
# Command-line contract of the native build: exit codes, one-sentence errors
# on stderr, data on stdout, atomic -o.  Usage: cli_test.sh SRVDOCTOR SRC_DIR
set -u
BIN=$1
SRC=$2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect RC ARGS...: run, compare the exit code, keep stdout/stderr.
expect() {
  local want=$1
  shift
  "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "srvdoctor $* exited $rc, expected $want"; fi
}
one_line_err() {
  local n
  n=$(wc -l <"$tmp/err")
  if [ "$n" -eq 1 ] && grep -q '^srvdoctor: ' "$tmp/err"; then ok; else bad "stderr is not one sentence: $(cat "$tmp/err")"; fi
}
stdout_has() { if grep -q -- "$1" "$tmp/out"; then ok; else bad "stdout lacks '$1'"; fi; }
stdout_empty() { if [ ! -s "$tmp/out" ]; then ok; else bad "stdout not empty"; fi; }
stdout_lacks() { if grep -q -- "$1" "$tmp/out"; then bad "stdout has '$1'"; else ok; fi; }

FIX="$SRC/tests/fixtures/host/healthy-wine.json"

for h in --help -h -? /? help /help /HELP --HELP --Help /Help; do
  expect 0 $h; stdout_has "Usage:"
done
expect 0 --version; stdout_has "srvdoctor [0-9]"
expect 0 list; stdout_has "HOST-NOT-ELEVATED"
expect 0 explain HOST-NOT-ELEVATED; stdout_has "Run as administrator"
expect 0 explain host-not-elevated; stdout_has "HOST-NOT-ELEVATED"
# Every code srvdoctor can report has its page.
"$BIN" list >"$tmp/list" 2>/dev/null
for code in $(awk '/^  [A-Z]+-/ {print $1}' "$tmp/list"); do
  expect 0 explain "$code"; stdout_has "^$code - "
done
# explain prints its page for a person: no Markdown marks left.
expect 0 explain OCS-KB974571-FE-DOWN; stdout_has "^What to do$"
stdout_lacks '^#'; stdout_lacks '[*][*]'; stdout_lacks '`'

expect 3 explain NO-SUCH-CODE; one_line_err; stdout_empty
expect 3 explain; one_line_err
expect 3 --bogus; one_line_err; stdout_empty
expect 3 check --format xml --from "$FIX"; one_line_err
expect 3 check --only nosuchmodule --from "$FIX"; one_line_err
expect 3 check --stuck-after abc --from "$FIX"; one_line_err
expect 3 check --ws-ratio 2 --from "$FIX"; one_line_err
expect 3 check --from; one_line_err
expect 3 frobnicate; one_line_err

# Live collection is Windows-only: one sentence pointing at --from.
expect 3 check; one_line_err; grep -q -- '--from' "$tmp/err" && ok || bad "no --from hint"
expect 3 collect; one_line_err
expect 3; one_line_err

# Windows style: long option names in any case, "/name", "/name:VALUE";
# a "/" word that is not an option's name (a Linux path) stays a word.
for form in "--FORMAT json" "--Format=JSON" "/format json" "/FORMAT:json" "/format=json"; do
  # shellcheck disable=SC2086
  expect 0 check $form --from "$FIX"; stdout_has '"schema_version": 3'
done
expect 0 check /from "$FIX" /Quiet; stdout_has "Verdict: INFO"
expect 0 /VERSION; stdout_has "srvdoctor [0-9]"
expect 3 check /bogus; one_line_err; grep -q 'unexpected argument "/bogus"' "$tmp/err" && ok || bad "/bogus: $(cat "$tmp/err")"
expect 3 /quiet:yes --from "$FIX"; one_line_err; grep -q '/quiet takes no value' "$tmp/err" && ok || bad "/quiet:yes: $(cat "$tmp/err")"
expect 3 -H; one_line_err
mkdir -p "$tmp/help"; cp "$FIX" "$tmp/help/from.json"
expect 0 check --from "$tmp/help/from.json"; stdout_has "Verdict: INFO"
expect 0 check --report-dir "$tmp/help" --from "$FIX"; stdout_has "Verdict: INFO"
ls "$tmp/help"/srvdoctor-*.json >/dev/null 2>&1 && ok || bad "--report-dir /path not taken as a folder"
"$BIN" --help >"$tmp/out"; stdout_has "Windows style /name VALUE"

# Snapshot analysis.
expect 0 check --from "$FIX"; stdout_has "Verdict: INFO"
expect 0 --from "$FIX" --format json
if jq -e '.schema_version == 3 and .source == "snapshot" and .exit_code == 0 and (.modules | length) >= 1' "$tmp/out" >/dev/null 2>&1; then ok; else bad "json report contract"; fi
expect 3 --from /nonexistent.json; one_line_err
# Why a snapshot cannot be opened, naming it once: missing, a folder, a
# FIFO or a device (neither may block: timeout ends a hang with 124).
err_is() { if [ "$(cat "$tmp/err")" = "$1" ]; then ok; else bad "stderr is '$(cat "$tmp/err")', expected '$1'"; fi; }
expect 3 check --from "$tmp/missing.json"; err_is "srvdoctor: snapshot $tmp/missing.json: there is no such file."
mkdir "$tmp/afolder"
expect 3 check --from "$tmp/afolder"; err_is "srvdoctor: snapshot $tmp/afolder: it is a folder, not a file."
mkfifo "$tmp/fifo"
timeout 10 "$BIN" check --from "$tmp/fifo" >"$tmp/out" 2>"$tmp/err"
rc=$?; [ "$rc" = 3 ] && ok || bad "--from FIFO exited $rc, expected 3"
err_is "srvdoctor: snapshot $tmp/fifo: it is a FIFO (named pipe), not a file."
expect 3 check --from /dev/null; err_is "srvdoctor: snapshot /dev/null: it is a device, not a file."
if [ "$(id -u)" != 0 ]; then
  cp "$FIX" "$tmp/locked.json"; chmod 000 "$tmp/locked.json"
  expect 3 check --from "$tmp/locked.json"; err_is "srvdoctor: snapshot $tmp/locked.json: access is denied."
fi
# A JSON report given where a snapshot is expected points at fleet.
"$BIN" check --from "$FIX" --format json >"$tmp/report.json" 2>/dev/null
expect 3 check --from "$tmp/report.json"; one_line_err; stdout_empty
err_is "srvdoctor: snapshot $tmp/report.json: this is a report; \`srvdoctor fleet FILE\` reads reports."
printf '{"schema_version": 1, "kind": "srvdoctor-snapshot", "host": {"elevated": "yes"}}' >"$tmp/typed.json"
expect 3 --from "$tmp/typed.json"; one_line_err; grep -q 'line 1, column' "$tmp/err" && ok || bad "no position"
printf '\xff\xfe{}' >"$tmp/utf16.json"
expect 3 --from "$tmp/utf16.json"; one_line_err
head -c 100 "$FIX" >"$tmp/trunc.json"
expect 3 --from "$tmp/trunc.json"; one_line_err
python3 -c "print('{\"schema_version\":1,\"kind\":\"srvdoctor-snapshot\",\"host\":' + '['*100000 + ']'*100000 + '}')" >"$tmp/deep.json"
expect 3 --from "$tmp/deep.json"; one_line_err

# -o writes atomically and replaces; a failed write leaves nothing behind.
expect 0 --from "$FIX" --format json -o "$tmp/r.json"; stdout_empty
jq -e .status "$tmp/r.json" >/dev/null && ok || bad "report file not JSON"
echo old >"$tmp/r2.json"
expect 0 --from "$FIX" -o "$tmp/r2.json"
grep -q "Verdict: INFO" "$tmp/r2.json" && ok || bad "report not replaced"
expect 3 --from "$FIX" -o "$tmp/nodir/r.json"; one_line_err
[ ! -e "$tmp/nodir" ] && ok || bad "partial output left"
mkdir "$tmp/isdir" && touch "$tmp/isdir/keep"
expect 3 --from "$FIX" -o "$tmp/isdir"; one_line_err
[ -f "$tmp/isdir/keep" ] && [ -z "$(ls "$tmp" | grep '\.tmp$')" ] && ok || bad "temporary file left or target damaged"
ls "$tmp"/*.tmp >/dev/null 2>&1 && bad "temporary files left: $(ls "$tmp")" || ok

# --format checkmk: Checkmk local check lines, read by a parser written
# from Checkmk's documentation (docs.checkmk.com, "Local checks"):
# STATUS "SERVICE NAME" METRICS DETAIL, one space apart, STATUS 0-3, the
# name in double quotes, METRICS "-" or name=value[;warn;crit;min;max]
# joined by "|", the rest of the line the detail.  One line per module.
cat >"$tmp/cmk.py" <<'PY'
import re, sys
num = r"-?[0-9]+(\.[0-9]+)?"
metric = re.compile(r"^[A-Za-z0-9_]+=%s(;(%s)?){0,4}$" % (num, num))
line_re = re.compile(r'^([0-3]) "([^"]+)" (\S+) (.+)$')
data = open(sys.argv[1], "rb").read()
errors = []
if b"\r" in data:
    errors.append("CR in the output")
text = data.decode("utf-8")
if not text.endswith("\n"):
    errors.append("no final newline")
for n, line in enumerate(text[:-1].split("\n"), 1):
    m = line_re.match(line)
    if not m:
        errors.append("line %d is not a local check: %r" % (n, line))
        continue
    st, name, metrics, detail = m.groups()
    if metrics != "-":
        for item in metrics.split("|"):
            if not metric.match(item):
                errors.append("line %d: bad metric %r" % (n, item))
    if "|" in detail or any(ord(c) < 32 for c in detail):
        errors.append("line %d: detail would break the line" % n)
    print("%s %s %s" % (st, name, metrics))
for e in errors:
    print("ERROR " + e)
sys.exit(1 if errors else 0)
PY
TROUBLED="$SRC/docs/examples/troubled-server.json"
expect 2 check --from "$TROUBLED" --format checkmk
python3 "$tmp/cmk.py" "$tmp/out" >"$tmp/cmk" && ok || bad "checkmk: $(grep ERROR "$tmp/cmk")"
cat >"$tmp/cmk.want" <<'TXT'
0 srvdoctor host -
2 srvdoctor exchange-sp2 exchange_interim_updates=2|exchange_schema_version=11116
2 srvdoctor ocs-kb974571 -
2 srvdoctor hyperv-stuck-vm hyperv_stuck_vms=1|hyperv_suspect_vms=0
TXT
diff "$tmp/cmk.want" "$tmp/cmk" >/dev/null && ok || bad "checkmk lines: $(cat "$tmp/cmk")"
grep -q '^2 "srvdoctor exchange-sp2" [^ ]* 3 critical, 3 warning: EXCH-INTERIM-UPDATE x2, EXCH-SETUP-LOG-FAILED, EXCH-FOREFRONT, AD-SCHEMA-PREP-NEEDED, ' "$tmp/out" && ok || bad "checkmk detail: $(sed -n 2p "$tmp/out")"
# A measure that could not be decided is left out; every module has a line.
expect 3 check --from "$SRC/tests/fixtures/exchange-sp2/sp2.json" --format CheckMK
python3 "$tmp/cmk.py" "$tmp/out" >"$tmp/cmk" && ok || bad "checkmk sp2: $(grep ERROR "$tmp/cmk")"
grep -q '^3 srvdoctor hyperv-stuck-vm -$' "$tmp/cmk" && ok || bad "undecided measures written: $(cat "$tmp/cmk")"
[ "$(wc -l <"$tmp/cmk")" = 4 ] && ok || bad "checkmk sp2: $(wc -l <"$tmp/cmk") lines"
expect 0 check --from "$FIX" --format checkmk -o "$tmp/cmk.txt"; stdout_empty
python3 "$tmp/cmk.py" "$tmp/cmk.txt" >"$tmp/cmk" && ok || bad "checkmk -o: $(grep ERROR "$tmp/cmk")"
[ "$(cut -c1 "$tmp/cmk" | sort -u)" = 0 ] && ok || bad "healthy snapshot not all OK: $(cat "$tmp/cmk")"
expect 0 --help; stdout_has "checkmk (Checkmk local checks"
expect 3 fleet "$SRC/tests/fixtures/reports" --format checkmk; one_line_err

# Colour: never when redirected or with NO_COLOR.
expect 0 --from "$FIX"
grep -q $'\x1b' "$tmp/out" && bad "colour in redirected output" || ok

# Every runbook_url of the shipped alert rules names a finding's page.
n=0
while read -r url; do
  n=$((n + 1))
  [ -f "$SRC/$url" ] && ok || bad "runbook_url $url names no page"
  "$BIN" explain "$(basename "$url" .md)" >/dev/null 2>&1 && ok || bad "explain lacks $url"
done < <(sed -n 's/^ *runbook_url: "\(.*\)"$/\1/p' "$SRC/docs/monitoring/srvdoctor.rules.yml")
[ "$n" -ge 1 ] && ok || bad "no runbook_url in the rules"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
