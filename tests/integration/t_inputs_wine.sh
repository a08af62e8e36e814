#!/usr/bin/env bash
# srvdoctor.exe under Wine given inputs a new user or a hostile file system
# hands it: a missing snapshot, a folder, a JSON report, the NUL device and
# a Unix FIFO (a named pipe to Windows programs) to check --from, and a
# missing PATH and a FIFO to fleet.  Each is one sentence that names the
# input once and says why, and nothing blocks (every run has a timeout).
# And options typed the Windows way: /help, /HELP, --HELP, /FORMAT:json.
# Env: SRVDOCTOR_EXE, SRVDOCTOR_NATIVE, SD_SRC, WINEPREFIX (optional).
set -u
: "${SRVDOCTOR_EXE:?}" "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
[ -f "$SRVDOCTOR_EXE" ] || { echo "no srvdoctor.exe, skipped"; exit 77; }
. "$SD_SRC/tests/integration/lib/wine.sh" || exit 1
tmp=$(mktemp -d)
sd_wine_test_prefix "$tmp/prefix" || exit 1
cleanup() {
  if [ "$SD_OWN_PREFIX" = 1 ]; then sd_wine_teardown "$WINEPREFIX"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
FIX="$SD_SRC/tests/fixtures/host/healthy-wine.json"

# run RC ARGS...: the exe with a time limit; stdout in out, stderr in err.
run() {
  local want=$1 rc=0
  shift
  timeout 120 "$SD_WINE64" "$SRVDOCTOR_EXE" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [ "$rc" = "$want" ] && ok || bad "srvdoctor.exe $* exited $rc, expected $want: $(cat "$tmp/err")"
}
# err_is TEXT: stderr is exactly that one sentence (CR LF or LF).
err_is() {
  local got
  got=$(tr -d '\r' <"$tmp/err")
  [ "$got" = "$1" ] && ok || bad "stderr is '$got', expected '$1'"
}
w() { sd_wine_path "$1"; }

mkdir "$tmp/folder"
mkfifo "$tmp/fifo.json"
"$SRVDOCTOR_NATIVE" check --from "$FIX" --format json >"$tmp/report.json" 2>/dev/null

run 3 check --from "$(w "$tmp")\\nosuch.json"
err_is "srvdoctor: snapshot $(w "$tmp")\\nosuch.json: there is no such file."
run 3 check --from "$(w "$tmp/folder")"
err_is "srvdoctor: snapshot $(w "$tmp/folder"): it is a folder, not a file."
run 3 check --from "$(w "$tmp/report.json")"
err_is "srvdoctor: snapshot $(w "$tmp/report.json"): this is a report; \`srvdoctor fleet FILE\` reads reports."
run 3 check --from NUL
err_is "srvdoctor: snapshot NUL: it is a device, not a file."
run 3 check --from "$(w "$tmp/fifo.json")"
err_is "srvdoctor: snapshot $(w "$tmp/fifo.json"): it is a named pipe, not a file."
run 3 check --from '\\.\pipe\srvdoctor-nosuch'
err_is "srvdoctor: snapshot \\\\.\\pipe\\srvdoctor-nosuch: there is no such file."

# fleet: a missing PATH is an argument error on stderr; a pipe is a row.
run 3 fleet "$(w "$tmp")\\nosuch"
err_is "srvdoctor: $(w "$tmp")\\nosuch: there is no such file or folder."
[ -s "$tmp/out" ] && bad "missing PATH on stdout: $(cat "$tmp/out")" || ok
run 3 fleet "$(w "$tmp/fifo.json")"
grep -qF "fifo.json: it is a named pipe, not a file." "$tmp/out" && ok || bad "fifo row: $(cat "$tmp/out")"
grep -qF "1 file could not be read" "$tmp/out" && ok || bad "fifo not counted: $(cat "$tmp/out")"

# Options as a Windows administrator types them.
for h in /help /HELP --HELP /?; do
  run 0 $h; grep -q '^Usage:' "$tmp/out" && ok || bad "$h: no usage"
done
run 0 check /FORMAT:json /from "$(w "$FIX")"
grep -q '"schema_version": 3' "$tmp/out" && ok || bad "/FORMAT:json: $(head -c 200 "$tmp/out")"

echo "t_inputs_wine: $pass passed, $fail failed"
[ "$fail" = 0 ]
