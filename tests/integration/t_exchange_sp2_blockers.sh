#!/usr/bin/env bash
# exchange-sp2 under Wine: what SP2 setup stops on besides versions and AD
# (issue 18), on a Windows Server 2008 prefix with the Exchange 2007 SP1
# registry fixture.  No DC: --dc names a closed loopback port.
#   1. No setup log, no Exchange or Forefront services: none of the new
#      findings; the run's time is the reference.
#   2. Stand-in services: FSCController (Forefront) made with sc create;
#      with CreateServiceW, MSExchangeADTopology set Disabled with
#      ChangeServiceConfigW (Wine's sc config changes nothing), MSExchangeAB
#      automatic, started from a stand-in that stays in START_PENDING;
#      and C:\ExchangeSetupLogs\ExchangeSetup.log of
#      SD_SLOG_MB MiB (default 300) of earlier successful runs ending in a
#      run that failed because a service is disabled, written here from the
#      documented message formats.  EXCH-SETUP-LOG-FAILED (step, error,
#      known failure service-disabled), EXCH-FOREFRONT (both fscutility
#      commands), EXCH-SERVICE-DISABLED for MSExchangeADTopology,
#      EXCH-SERVICE-PENDING for MSExchangeAB; the
#      snapshot's setup_log section; the review within a bounded time.
#   3. A folder named ExchangeSetup.log: EXCH-SETUP-LOG-UNCLEAR saying it
#      is not a regular file (never opened).
#   4. The CRL route: the whole test runs in a private network namespace
#      (only loopback) whose /etc/hosts points crl.microsoft.com at
#      127.0.0.1, so the probe can never leave the machine.  With a
#      listener on 127.0.0.1:80 (scenarios 1-3) the route is reachable and
#      nothing is said; without one EXCH-CRL-UNREACHABLE gives the
#      documented remedies, within the probe's deadline.
#   6. A CRL host that never answers (a listener on 127.0.0.1:80 whose
#      accept queue is full, so new connections hang): unreachable at the
#      probe's own deadline (a sixth of --timeout 20: 3333 ms), and the run
#      ends well inside --timeout.
# Env: SRVDOCTOR_EXE, SD_SRC, TMPDIR.  Exit 0 pass, 77 skip, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SD_SRC=${SD_SRC:-$(cd "$here/../.." && pwd)}
export SD_SRC
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
sd_require_exe
sd_require_cmd x86_64-w64-mingw32-gcc jq python3
[ -x /usr/lib/wine/wine64 ] || sd_skip "wine64 is not installed"
# shellcheck source=lib/wine.sh
. "$here/lib/wine.sh"

# A private network namespace: loopback only, crl.microsoft.com at
# 127.0.0.1 (Wine resolves names with the host's resolver).
if [ "${SD_EXCHB_NETNS:-}" != 1 ]; then
  command -v unshare >/dev/null && command -v ip >/dev/null ||
    sd_skip "needs unshare and ip for a private network namespace"
  unshare -m -n --propagation private true 2>/dev/null ||
    sd_skip "cannot make a private network namespace (unshare -m -n)"
  SD_EXCHB_NETNS=1 exec unshare -m -n --propagation private bash "$0" "$@"
fi
ip link set lo up || sd_fail "cannot bring up loopback in the namespace"
hosts=$(mktemp "${TMPDIR:-/tmp}/sd-exchb-hosts.XXXXXX")
{ grep -v 'crl\.microsoft\.com' /etc/hosts; echo '127.0.0.1 crl.microsoft.com'; } >"$hosts"
mount --bind "$hosts" /etc/hosts || sd_fail "cannot bind the hosts file"
getent hosts crl.microsoft.com | grep -q '^127\.0\.0\.1' ||
  sd_fail "crl.microsoft.com does not resolve to 127.0.0.1 in the namespace"

exe=$(readlink -f "$SRVDOCTOR_EXE")
fix=$here/fixtures/exchange
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-exchb.XXXXXX")
prefix=""
MB=${SD_SLOG_MB:-300}

listener_pid=""
cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  [ -n "$listener_pid" ] && wait "$listener_pid" 2>/dev/null
  [ -n "$prefix" ] && sd_wine_teardown "$prefix"
  rm -rf "$tmp"
  rm -f "$hosts"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$tmp/exch_svcset.exe" \
  "$here/tools/exch_svcset.c" || sd_fail "cannot build exch_svcset.exe"
x86_64-w64-mingw32-gcc -municode -O2 -Wall -Werror -o "$tmp/pending.exe" \
  "$here/tools/fake_pending_svc.c" || sd_fail "cannot build pending.exe"

sd_wine_prefix_create "$tmp/prefix" || sd_fail "cannot create a Wine prefix"
prefix=$WINEPREFIX
sd_wine_set_version win2008 || sd_fail "cannot set the prefix to Windows Server 2008"
sd_wine_regedit "$fix/exchange2007-sp1-iu.reg" || sd_fail "regedit of the Exchange fixture failed"
logdir="$prefix/drive_c/ExchangeSetupLogs"

run() {
  local name=$1 t0 t1 rc
  shift
  t0=$(sd_now_ms)
  sd_wine "$exe" check --only exchange-sp2 --format json --dc 127.0.0.1:9 \
    --timeout 20 "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
  t1=$(sd_now_ms)
  printf -v "ms_$name" '%s' "$((t1 - t0))"
  sd_log "$name: exit $rc in $((t1 - t0)) ms"
  jq -e . "$tmp/$name.json" >/dev/null 2>&1 ||
    _sd_count_failure "$name: the report is not JSON (exit $rc): $(head -c 400 "$tmp/$name.err")"
}
q() { jq -r "$2" "$tmp/$1.json" 2>/dev/null; }
count() { q "$1" "[.modules[] | select(.id==\"exchange-sp2\") | .findings[] | select(.code==\"$2\")] | length"; }
ev() { q "$1" "[.modules[].findings[] | select(.code==\"$2\")][0].evidence.$3 // empty"; }
cmds() { q "$1" "[.modules[].findings[] | select(.code==\"$2\")][0].remediation.steps[]? | .commands[]?"; }
svcset() { sd_wine "$tmp/exch_svcset.exe" "$@" 2>>"$tmp/svcset.err"; }

# A stand-in for crl.microsoft.com: accepts on 127.0.0.1:80 and closes.
python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 80)); s.listen(16); s.settimeout(1)
end = time.time() + 280
while time.time() < end:
    try:
        c, _ = s.accept(); c.close()
    except socket.timeout:
        pass
' &
listener_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null && break
  sleep 0.2
done

# ---- 1. nothing to say ----
run none
for c in EXCH-SETUP-LOG-FAILED EXCH-SETUP-LOG-UNCLEAR EXCH-FOREFRONT \
         EXCH-SERVICE-DISABLED EXCH-SERVICE-PENDING EXCH-CRL-UNREACHABLE; do
  sd_assert_eq "none: $c findings" 0 "$(count none "$c")"
done
sd_assert_eq "none: upgrade path still found" 1 "$(count none EXCH-UPGRADE-PATH)"

# ---- 2. stand-in services and a large failed log ----
# FSCController with Wine's own sc create (demand start, as FSE installs
# it); the others need a start type Wine's sc config does not set.
sd_wine sc create FSCController binPath= 'C:\windows\system32\notepad.exe' \
  DisplayName= "Microsoft Forefront Server Security Controller" >"$tmp/sc.out" 2>&1 ||
  sd_fail "sc create FSCController: $(cat "$tmp/sc.out")"
svcset create MSExchangeADTopology "Microsoft Exchange Active Directory Topology Service" \
  'C:\windows\system32\notepad.exe' disabled || sd_fail "create MSExchangeADTopology: $(cat "$tmp/svcset.err")"
cp "$tmp/pending.exe" "$prefix/drive_c/pending.exe" || sd_fail "cannot place pending.exe"
svcset create MSExchangeAB "Microsoft Exchange Address Book" \
  'C:\pending.exe 90' auto || sd_fail "create MSExchangeAB: $(cat "$tmp/svcset.err")"
svcset start MSExchangeAB || sd_fail "start MSExchangeAB: $(cat "$tmp/svcset.err")"
mkdir -p "$logdir" || sd_fail "cannot make $logdir"
python3 - "$logdir/ExchangeSetup.log" "$MB" <<'PY' || sd_fail "cannot write the setup log"
import sys
path, mb = sys.argv[1], int(sys.argv[2])
n = [0]
def ln(th, text):
    s = n[0]; n[0] += 1
    return "[10/%02d/2026 %02d:%02d:%02d.%04d] [%d] %s\r\n" % (
        1 + s // 86400 % 28, s // 3600 % 24, s // 60 % 60, s % 60,
        s * 7 % 10000, th, text)
def head():
    return "".join([ln(0, "*" * 46),
                    ln(0, "Starting Microsoft Exchange Server 2007 Setup"),
                    ln(0, "*" * 46),
                    ln(0, "Setup version: 08.02.0176.002."),
                    ln(0, "Logged on user: CONTOSO\\admin."),
                    ln(1, "Beginning processing Install-MailboxRole")])
body = ("Processing component 'Mailbox Configuration' (Configuring "
        "Microsoft Exchange Server): task 'Set-MailboxServer' with "
        "parameters -Identity 'EXCH01'.")
def ok_run():
    return head() + "".join(ln(2, body) for _ in range(300)) + "".join([
        ln(1, "Ending processing Install-MailboxRole"),
        ln(0, "The Microsoft Exchange Server setup operation completed "
              "successfully."),
        ln(0, "End of Setup"), ln(0, "*" * 46)])
want = mb << 20
with open(path, "w", newline="") as f:
    size = 0
    while size < want:
        chunk = "".join(ok_run() for _ in range(64))
        f.write(chunk)
        size += len(chunk)
    f.write(head() + "".join(ln(2, body) for _ in range(200)) + "".join([
        ln(1, "[ERROR] The following error was generated when \"$error."
              "Clear(); start-SetupService -ServiceName "
              "MSExchangeADTopology\" was run: \"Service "
              "'MSExchangeADTopology' failed to start. Cannot start "
              "service MSExchangeADTopology on computer '.'. The service "
              "cannot be started, either because it is disabled or because "
              "it has no enabled devices associated with it.\"."),
        ln(1, "Setup is halting task execution because of one or more "
              "errors in a critical task."),
        ln(1, "Ending processing Install-MailboxRole"),
        ln(0, "The Microsoft Exchange Server setup operation did not "
              "complete."),
        ln(0, "End of Setup"), ln(0, "*" * 46)]))
PY
size=$(stat -c %s "$logdir/ExchangeSetup.log")
sd_log "ExchangeSetup.log: $size bytes"
run blocked
sd_assert_eq "blocked: setup log failed" 1 "$(count blocked EXCH-SETUP-LOG-FAILED)"
sd_assert_eq "blocked: known failure" service-disabled "$(ev blocked EXCH-SETUP-LOG-FAILED known_failure)"
sd_assert_eq "blocked: log size" "$size" "$(ev blocked EXCH-SETUP-LOG-FAILED log_bytes)"
sd_assert_eq "blocked: setup build" 08.02.0176.002 "$(ev blocked EXCH-SETUP-LOG-FAILED setup_build)"
sd_assert_match "blocked: step" 'Install-MailboxRole' "$(ev blocked EXCH-SETUP-LOG-FAILED step)"
sd_assert_match "blocked: error" 'it is disabled' "$(ev blocked EXCH-SETUP-LOG-FAILED error)"
sd_assert_match "blocked: source" 'Test-DisabledService' "$(ev blocked EXCH-SETUP-LOG-FAILED source)"
sd_assert_eq "blocked: forefront" 1 "$(count blocked EXCH-FOREFRONT)"
sd_assert_match "blocked: fscutility /disable then /enable" \
  'fscutility /disable.*fscutility /enable' "$(cmds blocked EXCH-FOREFRONT | tr '\n' ' ')"
sd_assert_eq "blocked: one disabled service" 1 "$(count blocked EXCH-SERVICE-DISABLED)"
sd_assert_eq "blocked: the disabled service" MSExchangeADTopology "$(ev blocked EXCH-SERVICE-DISABLED service)"
sd_assert_eq "blocked: its start type" 4 "$(ev blocked EXCH-SERVICE-DISABLED start_type)"
sd_assert_eq "blocked: one pending service" 1 "$(count blocked EXCH-SERVICE-PENDING)"
sd_assert_eq "blocked: the pending service" MSExchangeAB "$(ev blocked EXCH-SERVICE-PENDING service)"
sd_assert_eq "blocked: its state" start_pending "$(ev blocked EXCH-SERVICE-PENDING state)"
sd_assert_eq "blocked: module status" critical "$(q blocked '.modules[] | select(.id=="exchange-sp2") | .status')"
# The review reads the log's end only: the whole run stays within a few
# seconds of the run without a log, whatever the log's size.
sd_assert_le "blocked: run time (ms) within 8 s of the run without a log" \
  "$ms_blocked" "$((ms_none + 8000))"
# The snapshot keeps the digest.
sd_wine "$exe" collect -o 'C:\snap.json' --dc 127.0.0.1:9 \
  --timeout 20 >/dev/null 2>"$tmp/collect.err" || sd_log "collect: $(cat "$tmp/collect.err")"
snap="$prefix/drive_c/snap.json"
sd_assert_eq "snapshot: last run" failed "$(jq -r .exchange.setup_log.last_run "$snap" 2>/dev/null)"
sd_assert_eq "snapshot: known failure" service-disabled "$(jq -r .exchange.setup_log.known_failure "$snap" 2>/dev/null)"
sd_assert_eq "snapshot: size" "$size" "$(jq -r .exchange.setup_log.size "$snap" 2>/dev/null)"
sd_log "snapshot: the review took $(jq -r .exchange.setup_log.read_ms "$snap" 2>/dev/null) ms"
sd_assert_eq "snapshot: CRL route reachable" reachable "$(jq -r .exchange.crl_route.result "$snap" 2>/dev/null)"
sd_assert_eq "snapshot: CRL target" crl.microsoft.com:80 "$(jq -r .exchange.crl_route.target "$snap" 2>/dev/null)"
sd_assert_match "snapshot: CRL address" '^127\.0\.0\.1' "$(jq -r .exchange.crl_route.address "$snap" 2>/dev/null)"
sd_assert_eq "snapshot: WinHTTP proxy read" read "$(jq -r .exchange.crl_route.proxy_state.state "$snap" 2>/dev/null)"
sd_assert_eq "snapshot: CRL deadline (a sixth of --timeout 20)" 3333 "$(jq -r .exchange.crl_route.deadline_ms "$snap" 2>/dev/null)"

# ---- 3. not a regular file ----
rm -f "$logdir/ExchangeSetup.log" && mkdir "$logdir/ExchangeSetup.log" ||
  sd_fail "cannot replace the log with a folder"
run folder
sd_assert_eq "folder: no failed run claimed" 0 "$(count folder EXCH-SETUP-LOG-FAILED)"
sd_assert_eq "folder: unclear" 1 "$(count folder EXCH-SETUP-LOG-UNCLEAR)"
sd_assert_match "folder: why" 'not a regular file' "$(ev folder EXCH-SETUP-LOG-UNCLEAR why)"

# ---- 5. no route to the CRL: nothing listens on 127.0.0.1:80 ----
kill "$listener_pid" 2>/dev/null
wait "$listener_pid" 2>/dev/null
listener_pid=""
run nocrl
sd_assert_eq "nocrl: CRL unreachable" 1 "$(count nocrl EXCH-CRL-UNREACHABLE)"
sd_assert_eq "nocrl: target" crl.microsoft.com:80 "$(ev nocrl EXCH-CRL-UNREACHABLE target)"
sd_assert_match "nocrl: detail" 'crl.microsoft.com' "$(ev nocrl EXCH-CRL-UNREACHABLE detail)"
sd_assert_match "nocrl: KB 944752 workaround among the steps" 'generatePublisherEvidence' \
  "$(q nocrl '[.modules[].findings[] | select(.code=="EXCH-CRL-UNREACHABLE")][0].remediation.steps[]? | .text, (.alternatives[]?.text)')"
sd_assert_le "nocrl: run time (ms) within the probe's deadline of the run with a route" \
  "$ms_nocrl" "$((ms_none + 3333 + 2000))"

# ---- 6. a CRL host that never answers ----
python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 80)); s.listen(0)
fill = []
for _ in range(8):
    c = socket.socket(); c.setblocking(False)
    try:
        c.connect(("127.0.0.1", 80))
    except BlockingIOError:
        pass
    fill.append(c)
time.sleep(120)
' &
listener_pid=$!
sleep 1
run hang
sd_assert_eq "hang: CRL unreachable" 1 "$(count hang EXCH-CRL-UNREACHABLE)"
sd_assert_match "hang: at the probe's deadline" 'within 3333 ms' "$(ev hang EXCH-CRL-UNREACHABLE detail)"
sd_assert_le "hang: the probe waited its deadline (ms)" 3000 "$ms_hang"
sd_assert_le "hang: run time (ms) well inside --timeout 20" "$ms_hang" 12000
sd_assert_eq "hang: setup log still reviewed" 1 "$(count hang EXCH-SETUP-LOG-UNCLEAR)"
kill "$listener_pid" 2>/dev/null
wait "$listener_pid" 2>/dev/null
listener_pid=""

sd_finish
