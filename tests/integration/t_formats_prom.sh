#!/usr/bin/env bash
# --format prom accepted by Prometheus's own parser and linter (promtool
# check metrics, Debian's prometheus package), written atomically with
# --output as the textfile collectors need: UTF-8 without BOM, "\n" line
# ends, a final newline, no temporary file left.
# Env: SRVDOCTOR_NATIVE, SD_SRC; optional SRVDOCTOR_EXE + WINEPREFIX.
set -u
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
command -v promtool >/dev/null || { echo "t_formats_prom: promtool not installed, skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
fx="$SD_SRC/tests/fixtures"

check_file() {
  local f=$1 what=$2
  if promtool check metrics <"$f" >"$tmp/lint" 2>&1; then ok
  else bad "$what: promtool: $(cat "$tmp/lint")"; fi
  [ "$(head -c 3 "$f" | od -An -tx1 | tr -d ' ')" != "efbbbf" ] && ok || bad "$what starts with a BOM"
  grep -q $'\r' "$f" && bad "$what has CR line ends" || ok
  [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" = "0a" ] && ok || bad "$what does not end with a newline"
  iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 && ok || bad "$what is not valid UTF-8"
}

for snap in reports/hv_stuck.json reports/hv_hostile.json host/elevated.json; do
  name=$(basename "$snap" .json)
  "$SRVDOCTOR_NATIVE" check --from "$fx/$snap" --format prom --output "$tmp/$name.prom" 2>/dev/null
  rc=$?
  [ -s "$tmp/$name.prom" ] || { bad "$snap: no .prom written (exit $rc)"; continue; }
  check_file "$tmp/$name.prom" "$snap"
  # The value of srvdoctor_status is the exit code.
  grep -q "^srvdoctor_status $rc\$" "$tmp/$name.prom" && ok || bad "$snap: srvdoctor_status is not $rc"
done
grep -q '^srvdoctor_hyperv_stuck_vms 1$' "$tmp/hv_stuck.prom" && ok || bad "stuck VM count missing"
grep -q '^srvdoctor_module_status{module="hyperv-stuck-vm"} 2$' "$tmp/hv_stuck.prom" && ok ||
  bad "hyper-v module status missing"
[ -z "$(find "$tmp" -name '*.tmp')" ] && ok || bad "temporary files left: $(ls "$tmp")"
# Replacing an existing file keeps it whole.
"$SRVDOCTOR_NATIVE" check --from "$fx/reports/hv_stuck.json" --format prom --output "$tmp/hv_stuck.prom" 2>/dev/null
check_file "$tmp/hv_stuck.prom" "replaced hv_stuck.prom"

# The Windows build, live under Wine, into a *.prom file.
if [ -n "${SRVDOCTOR_EXE:-}" ] && [ -n "${WINEPREFIX:-}" ] && [ -f "$SD_SRC/tests/integration/lib/wine.sh" ]; then
  . "$SD_SRC/tests/integration/lib/wine.sh"
  sd_wine_use "$WINEPREFIX"
  sd_wine "$SRVDOCTOR_EXE" check --format prom --output "$(sd_wine_path "$tmp")\\srvdoctor.prom" \
    >/dev/null 2>"$tmp/err"
  rc=$?
  [ "$rc" -le 3 ] && [ -s "$tmp/srvdoctor.prom" ] && ok || bad "exe --format prom: exit $rc $(cat "$tmp/err")"
  check_file "$tmp/srvdoctor.prom" "srvdoctor.exe live"
fi

echo "t_formats_prom: $pass passed, $fail failed"
[ "$fail" = 0 ]
