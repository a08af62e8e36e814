#!/usr/bin/env bash
# A real Nagios end to end (Debian's nagios4-core): a throwaway Nagios 4
# core, started and stopped by its PID, loads docs/monitoring/
# srvdoctor-nagios.cfg as written (only the resource macros $USER1$,
# $USER3$ and $USER4$ are the test's) and runs its service checks:
#   1. the native build on saved snapshots (check_srvdoctor_snapshot), one
#      host per verdict;
#   2. srvdoctor.exe under Wine on saved snapshots, and through NRPE as
#      NSClient++ would run docs/monitoring/nsclient-srvdoctor.ini's
#      check_srvdoctor (a stand-in check_nrpe reads that file as written
#      and runs its command line with wine64).
# The exe's --format checkmk lines are checked beside it (LF only, the
# native build's lines).
# Checks are forced through the external command file; the states, plugin
# output, long output and perfdata are read back from Nagios's own
# status.dat and compared with what `srvdoctor check --format nagios`
# prints and its exit code.  Swapping a host's snapshot for one with
# another verdict changes the state Nagios shows.
# Env: SRVDOCTOR_NATIVE, SD_SRC; optional SRVDOCTOR_EXE (+ Wine).
set -u
. "$(dirname "$0")/lib/common.sh"
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
sd_require_cmd nagios4 python3
[ -x "$SRVDOCTOR_NATIVE" ] || sd_skip "no native srvdoctor binary"
sd_test_tmp_dir
T=$SD_TEST_TMP/nagios
mkdir -p "$T"
fx=$SD_SRC/tests/fixtures
DOCS=$SD_SRC/docs/monitoring
NAGIOS_PID=""

stop_nagios() {
  local p=$NAGIOS_PID
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null
  for _ in $(seq 150); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null
  wait "$p" 2>/dev/null
  NAGIOS_PID=""
}
sd_on_exit stop_nagios

# ---------------------------------------------------------------- helpers
# Nagios forks workers and a command file worker; when the core ends they
# would become orphans (and, in a container whose init does not reap,
# zombies).  This wrapper is their subreaper: it runs the core, passes
# SIGTERM on to it, and after the core has ended reaps every process left
# under it (ending those still running after 10 s).  Stopping the wrapper
# by its PID stops Nagios and all of its processes.
cat >"$T/reaper.py" <<'PY'
import ctypes, os, signal, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # child subreaper
core = subprocess.Popen(sys.argv[1:])
signal.signal(signal.SIGTERM, lambda *a: core.terminate())
rc = core.wait()


def children():
    me, out = str(os.getpid()), []
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and open("/proc/%s/stat" % d).read().rsplit(
                    ")", 1)[1].split()[1] == me:
                out.append(int(d))
        except (OSError, IndexError):
            pass
    return out


deadline = time.time() + 10
while True:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid:
        continue
    if time.time() > deadline:
        for c in children():
            os.kill(c, signal.SIGKILL)
    time.sleep(0.1)
sys.exit(rc if rc >= 0 else 128 - rc)
PY

cat >"$T/status.py" <<'PY'
"""Read one service's status from a Nagios 4 status.dat.

argv: status.dat host service -> key=value lines for current_state,
last_check, plugin_output, long_plugin_output, performance_data (the long
output unescaped: status.dat writes a line break as \\n and a backslash
as \\\\).  Exit 1 when the service is not there."""
import sys


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "\\": "\\"}.get(s[i + 1], s[i:i + 2]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


path, host, svc = sys.argv[1:4]
blocks, cur = [], None
for line in open(path, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if line.endswith("{") and cur is None:
        cur = {"_type": line[:-1].strip()}
    elif line.strip() == "}" and cur is not None:
        blocks.append(cur)
        cur = None
    elif cur is not None and "=" in line:
        k, v = line.strip().split("=", 1)
        cur[k] = v
for b in blocks:
    if (b["_type"] == "servicestatus" and b.get("host_name") == host and
            b.get("service_description") == svc):
        for k in ("current_state", "last_check", "plugin_output",
                  "performance_data"):
            print("%s=%s" % (k, b.get(k, "")))
        print("long_plugin_output=%s" %
              unescape(b.get("long_plugin_output", "")).replace("\n", "\\n"))
        sys.exit(0)
sys.exit(1)
PY

# What Nagios should show for a plugin's output: the first line split at
# "|" into output and perfdata, the other lines as long output (joined
# with \n); the run time is masked (each run measures its own).
cat >"$T/expect.py" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.rstrip("\n").split("\n")
first, _, perf = lines[0].partition("|")
print("plugin_output=%s" % first.strip())
print("performance_data=%s" % perf.strip())
print("long_plugin_output=%s" % "\\n".join(lines[1:]))
PY
mask() { sed -E "s/'run time'=[0-9.]+s/'run time'=Ts/"; }

# The objects the test adds around the shipped file: a time period, a
# contact, the generic-service template the shipped services use, and
# one host per snapshot (host name = snapshot file name).
write_objects() { # FILE NSCLIENT_HOST SNAPSHOT_HOST...
  local f=$1 nsc=$2 h
  shift 2
  cat >"$f" <<'CFG'
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    notify-nobody
    command_line    /bin/true
}
define contact {
    contact_name                    nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      notify-nobody
    service_notification_commands   notify-nobody
}
define service {
    name                    generic-service
    register                0
    check_period            24x7
    notification_period     24x7
    notification_interval   0
    contacts                nobody
    active_checks_enabled   1
}
CFG
  for h in "$@"; do
    printf 'define host {\n    host_name %s\n    address 127.0.0.1\n    hostgroups srvdoctor-snapshots\n    max_check_attempts 1\n    check_period 24x7\n    contacts nobody\n    notification_period 24x7\n}\n' "$h" >>"$f"
  done
  if [ -n "$nsc" ]; then
    printf 'define host {\n    host_name %s\n    address 127.0.0.1\n    hostgroups srvdoctor-nsclient\n    max_check_attempts 1\n    check_period 24x7\n    contacts nobody\n    notification_period 24x7\n}\n' "$nsc" >>"$f"
  fi
}

# Zombie nagios4 processes (PIDs), to tell any this test leaves from older
# ones.
nagios_zombies() {
  ps -eo pid=,stat=,comm= | awk '$3 ~ /^nagios4/ && $2 ~ /Z/ {print $1}' | sort
}

# start_nagios DIR: a fresh core on DIR/nagios.cfg, every file of its own
# in DIR; returns when the external command file is there.
start_nagios() {
  local d=$1
  mkdir -p "$d/spool" "$d/rw"
  cat >"$d/nagios.cfg" <<CFG
log_file=$d/nagios.log
cfg_file=$d/objects.cfg
cfg_file=$d/srvdoctor-nagios.cfg
resource_file=$d/resource.cfg
status_file=$d/status.dat
status_update_interval=1
object_cache_file=$d/objects.cache
precached_object_file=$d/objects.precache
temp_file=$d/nagios.tmp
temp_path=$d
lock_file=$d/nagios.lock
query_socket=$d/nagios.qh
check_result_path=$d/spool
command_file=$d/rw/nagios.cmd
check_external_commands=1
state_retention_file=$d/retention.dat
retain_state_information=0
use_retained_program_state=0
interval_length=1
check_result_reaper_frequency=1
max_service_check_spread=1
max_host_check_spread=1
service_check_timeout=120
nagios_user=$(id -un)
nagios_group=$(id -gn)
use_syslog=0
enable_notifications=0
enable_flap_detection=0
check_for_updates=0
log_rotation_method=n
allow_empty_hostgroup_assignment=1
CFG
  # The shipped definitions, as written.
  cp "$DOCS/srvdoctor-nagios.cfg" "$d/srvdoctor-nagios.cfg"
  if ! nagios4 -v "$d/nagios.cfg" >"$d/verify.log" 2>&1; then
    _sd_count_failure "nagios4 -v: $(grep -E 'Error|Warning' "$d/verify.log" | head -5)"
    return 1
  fi
  printf 'ok: nagios4 -v accepts the configuration (%s)\n' "$(basename "$d")"
  nagios_zombies >"$d/zombies.before"
  python3 "$T/reaper.py" nagios4 "$d/nagios.cfg" >"$d/stdout.log" 2>&1 &
  NAGIOS_PID=$!
  echo "pgid $NAGIOS_PID reaper.py" >>"${SD_CLEANUP_FILE:-/dev/null}"
  for _ in $(seq 100); do
    [ -p "$d/rw/nagios.cmd" ] && [ -f "$d/status.dat" ] && return 0
    kill -0 "$NAGIOS_PID" 2>/dev/null || break
    sleep 0.1
  done
  _sd_count_failure "nagios4 did not come up: $(tail -n 5 "$d/stdout.log")"
  return 1
}

# force_and_read DIR HOST: force the srvdoctor service check of HOST now,
# wait (bounded) until status.dat has a result from a check started at or
# after that moment, and leave it in DIR/HOST.status.
force_and_read() {
  local d=$1 h=$2 t last
  t=$(date +%s)
  # Opening the FIFO blocks while no core reads it: bounded.
  if ! timeout 10 bash -c 'printf "%s\n" "$1" >"$2"' _ \
    "[$t] SCHEDULE_FORCED_SVC_CHECK;$h;srvdoctor;$t" "$d/rw/nagios.cmd"; then
    _sd_count_failure "$h: the external command file takes no command"
    return 1
  fi
  for _ in $(seq 300); do
    if python3 "$T/status.py" "$d/status.dat" "$h" srvdoctor >"$d/$h.status" 2>/dev/null; then
      last=$(sd_kv last_check <"$d/$h.status")
      [ "${last:-0}" -ge "$t" ] && return 0
    fi
    sleep 0.2
  done
  _sd_count_failure "$h: no check result after $t in status.dat"
  return 1
}

# compare DIR HOST DIRECT_OUTPUT DIRECT_RC WANT_RC: what status.dat holds
# for HOST against srvdoctor's own output and exit code.
compare() {
  local d=$1 h=$2 out=$3 rc=$4 want=$5 st k
  st=$d/$h.status
  sd_assert_eq "$h: srvdoctor's exit code" "$want" "$rc"
  sd_assert_eq "$h: Nagios current_state" "$rc" "$(sd_kv current_state <"$st")"
  python3 "$T/expect.py" "$out" >"$d/$h.expect"
  for k in plugin_output performance_data long_plugin_output; do
    sd_assert_eq "$h: $k" "$(sd_kv "$k" <"$d/$h.expect" | mask)" \
      "$(sd_kv "$k" <"$st" | mask)"
  done
  sd_log "$h: state $(sd_kv current_state <"$st"): $(sd_kv plugin_output <"$st" | cut -c1-100)"
  sd_log "$h: perfdata $(sd_kv performance_data <"$st" | cut -c1-160)"
}

# stopped_cleanly DIR: stop the core by the wrapper's PID; then neither
# the core nor any process of that
# configuration is left, zombies included.
stopped_cleanly() {
  local d=$1 core left
  core=$(pgrep -P "$NAGIOS_PID" -x nagios4 | head -n 1)
  sd_assert_match "$(basename "$d"): the core runs under the wrapper" \
    '^[0-9]+$' "$core"
  stop_nagios
  sd_check "$(basename "$d"): Nagios (pid $core) stopped" \
    bash -c "! kill -0 '$core' 2>/dev/null"
  left=$(ps -eo pid=,stat=,args= | grep -F "$d/nagios" | grep -v grep)
  left+=$(comm -13 "$d/zombies.before" <(nagios_zombies))
  sd_assert_eq "$(basename "$d"): nothing of that Nagios left" "" "$left"
}

# ---------------------------------------------------------------- files
# The shipped command line, as written: srvdoctor's arguments after $USER3$.
cmdline=$(awk '/command_name[ \t]+check_srvdoctor_snapshot/ {f = 1}
  f && /command_line/ {sub(/^[ \t]*command_line[ \t]+/, ""); print; exit}' \
  "$DOCS/srvdoctor-nagios.cfg")
sd_assert_eq "shipped snapshot command" \
  '$USER3$ check --from $USER4$/$HOSTNAME$.json --format nagios' "$cmdline"

# The NSClient++ snippet parses as an ini file (Python's configparser, with
# NSClient++'s section paths) and runs srvdoctor with the same arguments as
# the Nagios command (without --from: it runs on the live server).
python3 - "$DOCS/nsclient-srvdoctor.ini" >"$T/nsc.txt" 2>&1 <<'PY'
import configparser, sys
c = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
c.optionxform = str
c.read(sys.argv[1], encoding="utf-8")
print("modules=%s" % c["/modules"]["CheckExternalScripts"])
print("timeout=%s" % c["/settings/external scripts"]["timeout"])
print("script=%s" % c["/settings/external scripts/scripts"]["check_srvdoctor"])
PY
sd_assert_eq "nsclient.ini: CheckExternalScripts" enabled "$(sd_kv modules <"$T/nsc.txt")"
sd_assert_eq "nsclient.ini: timeout" 60 "$(sd_kv timeout <"$T/nsc.txt")"
nsc_cmd=$(sd_kv script <"$T/nsc.txt")
sd_assert_eq "nsclient.ini: check_srvdoctor runs srvdoctor.exe" \
  'scripts\srvdoctor.exe' "${nsc_cmd%% *}"
nagios_args=$(sed -E 's/^\$USER3\$ //; s/ --from [^ ]+//' <<<"$cmdline")
sd_assert_eq "nsclient.ini and the Nagios command pass the same arguments" \
  "$nagios_args" "${nsc_cmd#* }"

# ---------------------------------------------------------------- native
# host : snapshot : srvdoctor's exit code
hosts=(
  "EXCH01:$SD_SRC/docs/examples/troubled-server.json:2"
  "FE02:$fx/ocs-kb974571/running_kb_after_boot.json:1"
  "HV01:$fx/host/healthy-wine.json:0"
  "MBX02:$fx/exchange-sp2/sp2.json:3"
)
N=$T/native
mkdir -p "$N/snapshots"
names=()
for h in "${hosts[@]}"; do
  IFS=: read -r name snap _ <<<"$h"
  cp "$snap" "$N/snapshots/$name.json"
  names+=("$name")
done
write_objects "$N/objects.cfg" "" "${names[@]}"
printf '$USER1$=/nonexistent\n$USER3$=%s\n$USER4$=%s\n' \
  "$SRVDOCTOR_NATIVE" "$N/snapshots" >"$N/resource.cfg"
if start_nagios "$N"; then
  for h in "${hosts[@]}"; do
    IFS=: read -r name _ want <<<"$h"
    rc=0
    "$SRVDOCTOR_NATIVE" check --from "$N/snapshots/$name.json" --format nagios \
      >"$N/$name.out" 2>/dev/null || rc=$?
    force_and_read "$N" "$name" && compare "$N" "$name" "$N/$name.out" "$rc" "$want"
  done
  # HV01's next snapshot shows a hung VM: Nagios turns OK -> CRITICAL.
  before=$(sd_kv current_state <"$N/HV01.status")
  cp "$fx/hyperv-stuck-vm/stuck_starting.json" "$N/snapshots/HV01.json"
  sleep 1
  rc=0
  "$SRVDOCTOR_NATIVE" check --from "$N/snapshots/HV01.json" --format nagios \
    >"$N/HV01.out" 2>/dev/null || rc=$?
  if force_and_read "$N" HV01; then
    compare "$N" HV01 "$N/HV01.out" "$rc" 2
    sd_assert_eq "HV01 before and after the new snapshot" "0 -> 2" \
      "$before -> $(sd_kv current_state <"$N/HV01.status")"
    sd_assert_match "HV01 perfdata after" "'stuck vms'=1;;0;0" \
      "$(sd_kv performance_data <"$N/HV01.status")"
  fi
  stopped_cleanly "$N"
fi

# ---------------------------------------------------------------- Wine
if [ -z "${SRVDOCTOR_EXE:-}" ] || [ ! -f "$SRVDOCTOR_EXE" ] ||
  [ "${SD_NO_WINE:-0}" = 1 ]; then
  sd_log "no srvdoctor.exe: the Wine half is not run"
  sd_finish
fi
. "$SD_SRC/tests/integration/lib/wine.sh"
[ -x "$SD_WINE64" ] || sd_fail "SRVDOCTOR_EXE is set but $SD_WINE64 is missing"
sd_wine_test_prefix "$T/wineprefix" || sd_fail "no Wine prefix"
# The core (whose checks use the prefix) stops before the prefix goes.
[ "$SD_OWN_PREFIX" = 1 ] &&
  sd_on_exit "stop_nagios; sd_wine_teardown '$WINEPREFIX'"
W=$T/wine
mkdir -p "$W/snapshots" "$W/plugins"
cp "$SD_SRC/docs/examples/troubled-server.json" "$W/snapshots/EXCH01.json"
cp "$fx/host/healthy-wine.json" "$W/snapshots/HV01.json"
wtmp=$(_sd_wine_tmp)
wine_cmd="/usr/bin/env WINEPREFIX=$WINEPREFIX TMPDIR=$wtmp WINEDEBUG=-all WINELOADER=$SD_WINE64 WINESERVER=$SD_WINESERVER $SD_WINE64 $SRVDOCTOR_EXE"
case $wine_cmd in
  *[\ \	][\ \	]* | *[\'\"\\\$\&\|\;\<\>\(\)]*)
    sd_fail "a path has characters a Nagios command line cannot hold: $wine_cmd" ;;
esac
# NSClient++ stand-in: check_nrpe -H HOST -t SECS -c SCRIPT runs SCRIPT's
# command line from the shipped nsclient.ini with srvdoctor.exe under Wine,
# from the folder that holds it (NSClient++'s "scripts\" is relative to
# its own folder), passing its output and exit code through.
cat >"$W/plugins/check_nrpe" <<SH
#!/usr/bin/env bash
while [ \$# -gt 0 ]; do
  case \$1 in -c) script=\$2; shift 2 ;; *) shift ;; esac
done
line=\$(python3 -c '
import configparser, sys
c = configparser.ConfigParser(interpolation=None)
c.optionxform = str
c.read(sys.argv[1], encoding="utf-8")
print(c["/settings/external scripts/scripts"][sys.argv[2]])' \
  "$DOCS/nsclient-srvdoctor.ini" "\$script") || exit 3
prog=\${line%% *}
[ "\$prog" = 'scripts\srvdoctor.exe' ] || { echo "UNKNOWN: \$prog"; exit 3; }
read -r -a args <<<"\${line#* }"
exec $wine_cmd "\${args[@]}"
SH
chmod +x "$W/plugins/check_nrpe"
write_objects "$W/objects.cfg" WIN01 EXCH01 HV01
printf '$USER1$=%s\n$USER3$=%s\n$USER4$=%s\n' "$W/plugins" "$wine_cmd" \
  "Z:$W/snapshots" >"$W/resource.cfg"
wine_direct() { # OUT ARGS...: srvdoctor.exe run directly, exit code echoed
  local out=$1 rc=0
  shift
  sd_wine "$SRVDOCTOR_EXE" "$@" >"$out" 2>/dev/null || rc=$?
  echo "$rc"
}
# --format checkmk from the exe: the native build's lines, "\n" line
# ends on stdout and in an -o file (the Checkmk agent reads them as they
# come).
rc=$(wine_direct "$W/cmk.out" check --from "Z:$W/snapshots/EXCH01.json" \
  --format checkmk -o "Z:$W/cmk.file")
sd_assert_eq "srvdoctor.exe --format checkmk -o: exit code" 2 "$rc"
rc=$(wine_direct "$W/cmk.out" check --from "Z:$W/snapshots/EXCH01.json" \
  --format checkmk)
sd_assert_eq "srvdoctor.exe --format checkmk: exit code" 2 "$rc"
"$SRVDOCTOR_NATIVE" check --from "$W/snapshots/EXCH01.json" --format checkmk \
  >"$W/cmk.native" 2>/dev/null
sd_check "checkmk lines of the exe = the native build's" \
  cmp -s "$W/cmk.native" "$W/cmk.out"
sd_check "checkmk -o file of the exe = the native build's" \
  cmp -s "$W/cmk.native" "$W/cmk.file"
sd_assert_eq "checkmk: no CR from the exe" 0 \
  "$(cat "$W/cmk.out" "$W/cmk.file" | tr -cd '\r' | wc -c)"
sd_assert_eq "checkmk: one line per module" 4 "$(wc -l <"$W/cmk.out")"

if start_nagios "$W"; then
  for h in EXCH01:2 HV01:0; do
    name=${h%:*}
    rc=$(wine_direct "$W/$name.out" check --from "Z:$W/snapshots/$name.json" \
      --format nagios)
    force_and_read "$W" "$name" && compare "$W" "$name" "$W/$name.out" "$rc" "${h#*:}"
  done
  # The exe and the native build agree on a snapshot (run time aside).
  sd_assert_eq "srvdoctor.exe and the native build print the same" \
    "$(mask <"$N/EXCH01.out")" "$(mask <"$W/EXCH01.out")"
  # NSClient++'s check_srvdoctor, live under Wine, through Nagios.
  rc=$(wine_direct "$W/WIN01.out" check --format nagios)
  if force_and_read "$W" WIN01; then
    compare "$W" WIN01 "$W/WIN01.out" "$rc" "$rc"
    sd_assert_match "WIN01 ran live srvdoctor.exe" '^SRVDOCTOR (OK|WARNING|CRITICAL|UNKNOWN) - ' \
      "$(sd_kv plugin_output <"$W/WIN01.status")"
  fi
  # HV01 under Wine: a new snapshot, a new state.
  cp "$fx/hyperv-stuck-vm/stuck_starting.json" "$W/snapshots/HV01.json"
  sleep 1
  rc=$(wine_direct "$W/HV01.out" check --from "Z:$W/snapshots/HV01.json" --format nagios)
  if force_and_read "$W" HV01; then
    compare "$W" HV01 "$W/HV01.out" "$rc" 2
  fi
  stopped_cleanly "$W"
fi
sd_finish
