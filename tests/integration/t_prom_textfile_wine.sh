#!/usr/bin/env bash
# windows_exporter's textfile rules, checked on the bytes the Windows exe
# writes (srvdoctor.exe under Wine, --format prom --output FILE.prom, from
# snapshots with per-VM time-in-state gauges): the .prom name, UTF-8
# without BOM, LF line ends, a final newline, no duplicate series (two VMs
# named web01 stay two series by vm_id), label values escaped as the
# exposition format asks (a hostile VM name), accepted by promtool; written
# to a temporary file in the same folder ("<name>.prom.<pid>.<n>.tmp",
# which the exporter's *.prom glob skips), then renamed, with no leftovers.
# Env: SRVDOCTOR_EXE (srvdoctor.exe), SD_SRC, WINEPREFIX (optional).
set -u
: "${SRVDOCTOR_EXE:?}" "${SD_SRC:?}"
command -v promtool >/dev/null || { echo "t_prom_textfile_wine: promtool not installed, skipped"; exit 77; }
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
own_prefix=0
pids=()
if [ -n "${WINEPREFIX:-}" ]; then
  [ -f "$WINEPREFIX/system.reg" ] || { echo "WINEPREFIX=$WINEPREFIX is not a Wine prefix"; exit 1; }
  sd_wine_use "$WINEPREFIX" || true
else
  sd_wine_prefix_create "$tmp/prefix" || exit 1
  own_prefix=1
fi
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  if [ "$own_prefix" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
fx="$SD_SRC/tests/fixtures/hyperv-stuck-vm"
out="$tmp/textfile"
mkdir -p "$out"
cp "$fx/duplicate_names.json" "$fx/hostile_names.json" "$tmp/"

# Every rule on one written file.
textfile_rules() {
  local f=$1 what=$2
  case "$f" in *.prom) ok ;; *) bad "$what: not a .prom file" ;; esac
  [ "$(head -c 3 "$f" | od -An -tx1 | tr -d ' ')" != "efbbbf" ] && ok || bad "$what starts with a BOM"
  iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 && ok || bad "$what is not valid UTF-8"
  if LC_ALL=C grep -q $'\r' "$f"; then bad "$what has a CR byte"; else ok; fi
  [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" = "0a" ] && ok || bad "$what does not end with a newline"
  # A series is the line without its value; none may appear twice.
  dups=$(grep -v '^#' "$f" | sed 's/ [^ ]*$//' | sort | uniq -d)
  [ -z "$dups" ] && ok || bad "$what: duplicate series: $dups"
  if promtool check metrics <"$f" >"$tmp/lint" 2>&1; then ok
  else bad "$what: promtool: $(cat "$tmp/lint")"; fi
}

for name in duplicate_names hostile_names; do
  sd_wine "$SRVDOCTOR_EXE" check --from "$(sd_wine_path "$tmp")\\$name.json" --format prom \
    --output "$(sd_wine_path "$out")\\$name.prom" >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ "$rc" -le 3 ] && [ -s "$out/$name.prom" ] && ok || bad "$name: exit $rc $(cat "$tmp/e")"
  textfile_rules "$out/$name.prom" "$name.prom"
done

f="$out/duplicate_names.prom"
# Two VMs named web01: two series each, told apart by vm_id.
n=$(grep -c '^srvdoctor_hyperv_vm_seconds_in_state{.*vm_name="web01"' "$f")
[ "$n" = 2 ] && ok || bad "web01 seconds_in_state series: $n, expected 2"
grep -q '^srvdoctor_hyperv_vm_seconds_in_state{vm_id="11111111-AAAA-4BBB-8CCC-000000000001",vm_name="web01",state="Stopping",transitional="yes"} 3300$' "$f" \
  && ok || bad "the stopping web01's seconds in state are missing"
grep -q '^srvdoctor_hyperv_vm_state{vm_id="22222222-AAAA-4BBB-8CCC-000000000001",vm_name="web01",state="Running",transitional="no"} 2$' "$f" \
  && ok || bad "the running web01's state is missing"
# The hostile name: quote, backslash and line feed escaped, on one line.
h="$out/hostile_names.prom"
line=$(grep '^srvdoctor_hyperv_vm_seconds_in_state{vm_id="F00DF00D' "$h")
case "$line" in
  *'vm_name="evil \"vm\"'*'\n <b>'*'\\u202E|x"'*) ok ;;
  *) bad "hostile label value not escaped: $line" ;;
esac
# The Nagios perfdata of the same run: one label per VM.
sd_wine "$SRVDOCTOR_EXE" check --from "$(sd_wine_path "$tmp")\\duplicate_names.json" --format nagios \
  >"$tmp/nagios" 2>/dev/null
head -n 1 "$tmp/nagios" | grep -o "'web01 [0-9A-F-]*~[0-9a-f]*'=[0-9]*s" | sort -u >"$tmp/labels"
[ "$(wc -l <"$tmp/labels")" = 2 ] && ok || bad "nagios web01 labels: $(cat "$tmp/labels")"

# The temporary file: caught while a write pauses halfway (the test
# program sd_seams, srvdoctor's own code with a pause in every atomic
# write), it sits in the same folder under a name the *.prom glob skips.
seams=${SD_SEAMS_EXE:-$(dirname "$SRVDOCTOR_EXE")/sd_seams.exe}
if [ -f "$seams" ]; then
  sd_wine "$seams" stall-write 3000 check --from "$(sd_wine_path "$tmp")\\duplicate_names.json" \
    --format prom --output "$(sd_wine_path "$out")\\duplicate_names.prom" >"$tmp/s.out" 2>"$tmp/s.err" &
  w=$!
  pids+=("$w")
  seen=""
  for _ in $(seq 1 100); do
    seen=$(cd "$out" && ls | grep -v '^duplicate_names\.prom$\|^hostile_names\.prom$' || true)
    [ -n "$seen" ] && break
    sleep 0.1
  done
  echo "$seen" | grep -Eq '^duplicate_names\.prom\.[0-9]+\.[0-9]+\.tmp$' && ok ||
    bad "no temporary file duplicate_names.prom.<pid>.<n>.tmp seen in the folder: '$seen'"
  wait "$w"
  pids=() # it ended: its id may belong to another process now
  textfile_rules "$f" "duplicate_names.prom after the paused write"
else
  bad "no test program $seams (build with -DSD_TEST_TOOLS=ON)"
fi
left=$(cd "$out" && ls | grep -v '^duplicate_names\.prom$\|^hostile_names\.prom$' || true)
[ -z "$left" ] && ok || bad "leftovers in the textfile folder: $left"

echo "t_prom_textfile_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
