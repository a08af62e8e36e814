# shellcheck shell=bash
# tests/integration/lib/standins.sh - run srvdoctor.exe against the WMI and
# event-log stand-ins (tests/standins/, docs/HACKING.md "Stand-ins").
#
# Source it after lib/common.sh and lib/wine.sh, then call si_setup once.
#
#   si_setup                  skip unless the stand-ins are built; make this
#                             test's own prefix (never the shared one: the
#                             stand-ins replace system DLLs in it), put
#                             the stand-ins in it, build the fake worker
#   si_wmi_data < LINES       the WMI stand-in's data (tests/standins/
#                             wmi_data.c for the format)
#   si_evt_data < LINES       the event-log stand-in's data (wevtapi.c)
#   si_line FIELD...          print the fields joined by tabs
#   si_vm NS GUID NAME STATE PID AGE_MIN [PROP=VALUE...]
#                             an Msvm_ComputerSystem line for a VM whose
#                             state changed AGE_MIN minutes ago
#   si_host NS                the host's own Msvm_ComputerSystem line
#   si_worker GUID MB         start a fake vmwp.exe; sets SI_PID (its
#                             Windows PID)
#   si_run_prog NAME LIMIT EXE ARGS...   the same for another program
#                             (SI_FLOOR: the stand-ins' floor_wmi.exe)
#   si_run NAME LIMIT ARGS... run srvdoctor.exe ARGS with the stand-ins,
#                             killed after LIMIT seconds; stdout in
#                             $SI_TMP/NAME.out, stderr in NAME.err; sets
#                             SI_RC (137 when killed) and SI_MS (elapsed)
#   si_is_report FILE         true when FILE holds one JSON report with
#                             modules (jq -e alone passes an empty file)
#   si_codes FILE [MODULE]    the sorted finding codes of a module
#   si_status FILE MODULE     a module's status
#   si_scenario NAME FUNC     run FUNC's checks as one scenario (FUNC
#                             returns 77 to skip it); a scenario
#                             listed in tests/standins/expected-to-fail.txt
#                             must fail (XFAIL) until its collector change
#                             lands, and fails the test when it passes
#                             (XPASS: take it off the list)
#
# The tests run every scenario; SI_ONLY="name name" runs only those (for
# working on one).  Everything runs in the test's own prefix; si_setup registers its teardown
# (wineserver -k ends the workers and any srvdoctor.exe still hung).

SI_XFAIL_LIST=$SD_SRC/tests/standins/expected-to-fail.txt

si_setup() {
    local dir
    sd_require_exe
    sd_require_cmd x86_64-w64-mingw32-gcc jq timeout
    [ -x "$SD_WINE64" ] || sd_skip "wine64 is not installed"
    sd_test_tmp_dir || sd_fail "no scratch directory"
    dir=${SD_STANDIN_DIR:-$(dirname "$(readlink -f "$SRVDOCTOR_EXE")")/tests/standins}
    for f in wbemprox.dll wevtapi.dll floor_wmi.exe; do
        [ -f "$dir/$f" ] ||
            sd_skip "no stand-in $dir/$f (configure with -DSD_TEST_TOOLS=ON)"
    done
    SI_EXE=$(readlink -f "$SRVDOCTOR_EXE")
    # shellcheck disable=SC2034 # used by the tests
    SI_FLOOR=$(readlink -f "$dir/floor_wmi.exe")
    SI_TMP=$SD_TEST_TMP/si
    mkdir -p "$SI_TMP/bin" || sd_fail "mkdir"
    x86_64-w64-mingw32-gcc -municode -O2 -Wall -Wextra -Werror \
        -D_WIN32_WINNT=0x0502 -o "$SI_TMP/bin/vmwp.exe" \
        "$SD_INTEG_DIR/tools/fake_vmwp.c" || sd_fail "fake_vmwp.c does not build"
    if [ -n "${SD_WINE_TEMPLATE:-}" ] && [ -f "$SD_WINE_TEMPLATE/system.reg" ]; then
        sd_wine_prefix_clone "$SD_WINE_TEMPLATE" "$SI_TMP/prefix" ||
            sd_fail "prefix clone"
    else
        sd_wine_prefix_create "$SI_TMP/prefix" || sd_fail "prefix"
    fi
    sd_on_exit "sd_wine_teardown '$SI_TMP/prefix'"
    SI_SYS=$WINEPREFIX/drive_c/windows/system32
    cp "$dir/wbemprox.dll" "$SI_SYS/wbem/wbemprox.dll" &&
        cp "$dir/wevtapi.dll" "$SI_SYS/wevtapi.dll" ||
        sd_fail "could not put the stand-ins in the prefix"
    : | si_wmi_data
    : | si_evt_data
}

si_wmi_data() { cat >"$SI_SYS/wbem/sd-standin-wmi.txt"; }
si_evt_data() { cat >"$SI_SYS/sd-standin-evt.txt"; }

si_line() {
    local IFS=$'\t'
    printf '%s\n' "$*"
}

# A CIM datetime (yyyymmddHHMMSS.mmmmmmsUUU, UTC) AGE_MIN minutes ago.
si_cim_time() {
    date -u -d "@$(($(date +%s) - $1 * 60))" +%Y%m%d%H%M%S.000000+000
}

si_vm() {
    local ns=$1 guid=$2 name=$3 state=$4 pid=$5 age=$6
    shift 6
    si_line object "$ns" Msvm_ComputerSystem "Name=$guid" \
        "Caption=Virtual Machine" "ElementName=$name" "EnabledState=$state" \
        RequestedState=12 HealthState=5 OperationalStatus=2 \
        "TimeOfLastStateChange=$(si_cim_time "$age")" "ProcessID=$pid" \
        OnTimeInMilliseconds=3600000 "$@"
}

si_host() {
    si_line object "$1" Msvm_ComputerSystem Name=HV01 \
        "Caption=Hosting Computer System" ElementName=HV01 EnabledState=2 \
        HealthState=5 OperationalStatus=2
}

si_worker() {
    local guid=$1 mb=$2 out
    out=$SI_TMP/worker-$guid-$RANDOM.out
    (cd "$SI_TMP/bin" && _sd_wine_run ./vmwp.exe "$guid" "$mb" \
        </dev/null >"$out" 2>&1 &)
    SI_PID=
    for _ in $(seq 1 60); do
        SI_PID=$(tr -d '\r' <"$out" 2>/dev/null | sed -n 's/^ready pid=//p')
        [ -n "$SI_PID" ] && return 0
        sleep 0.5
    done
    sd_fail "the fake worker for $guid did not start"
}

si_run() {
    local name=$1 limit=$2
    shift 2
    si_run_prog "$name" "$limit" "$SI_EXE" "$@"
}

si_run_prog() {
    local name=$1 limit=$2 prog=$3 t0
    shift 3
    t0=$(sd_now_ms)
    (cd "$SI_TMP" &&
        WINEDLLOVERRIDES="wbemprox,wevtapi=n;mscoree,mshtml=" TMPDIR=$(_sd_wine_tmp) \
        timeout -s KILL "$limit" "$SD_WINE64" "$prog" "$@" \
        </dev/null >"$SI_TMP/$name.out" 2>"$SI_TMP/$name.err")
    SI_RC=$?
    SI_MS=$(($(sd_now_ms) - t0))
    sd_log "$name: exit $SI_RC after $SI_MS ms"
}

si_is_report() {
    jq -e -s 'length == 1 and (.[0].modules | length > 0)' "$1" >/dev/null 2>&1
}

si_codes() {
    jq -r --arg m "${2:-hyperv-stuck-vm}" \
        '[.modules[] | select(.id == $m) | .findings[].code] | sort | join(",")' \
        "$1" 2>/dev/null
}

si_status() {
    jq -r --arg m "$2" '.modules[] | select(.id == $m) | .status' "$1" 2>/dev/null
}

# The test's own name as it appears in the list (no .sh, no [x86]).
_si_listed() {
    local t
    t=$(basename "$0" .sh)
    [ -f "$SI_XFAIL_LIST" ] &&
        grep -qE "^$t:$1([[:space:]]|$)" "$SI_XFAIL_LIST"
}

si_scenario() {
    local name=$1 fn=$2 before=$SD_FAILURES failed
    printf -- '--- scenario %s\n' "$name"
    "$fn"
    if [ $? = 77 ]; then
        printf 'SKIP scenario %s\n' "$name"
        return 0
    fi
    failed=$((SD_FAILURES - before))
    if _si_listed "$name"; then
        if [ "$failed" -gt 0 ]; then
            SD_FAILURES=$before
            printf 'XFAIL: %s (%d check(s) failed; expected until the change in tests/standins/COLLECTOR-CHANGES.md lands)\n' \
                "$name" "$failed"
        else
            _sd_count_failure "XPASS $name: it passes now; take it off tests/standins/expected-to-fail.txt"
        fi
    elif [ "$failed" -gt 0 ]; then
        printf 'scenario %s: %d check(s) failed\n' "$name" "$failed"
    fi
}
