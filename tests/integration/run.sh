#!/usr/bin/env bash
# tests/integration/run.sh - run the integration tests (tests/integration/t_*.sh).
#
# Usage: tests/integration/run.sh [--filter PATTERN] [--list] [--keep] [--timeout SECS]
#
#   --filter PATTERN  run only tests whose file name contains PATTERN (a shell
#                     glob is allowed, e.g. 'harness' or 't_exch_*ldap')
#   --list            print the selected tests and exit
#   --keep            keep the run's temporary directory (logs and test
#                     scratch directories; Wine prefixes are always deleted)
#   --timeout SECS    per-test time limit (default $SD_TEST_TIMEOUT or 300)
#
# Environment passed to every test (besides the caller's environment):
#   SRVDOCTOR_EXE     the srvdoctor.exe under test (tests that need it skip
#                     without it): the x64 exe, or the x86 one in a test's
#                     x86 run (below)
#   SRVDOCTOR_EXE64   the x64 exe, SRVDOCTOR_EXE32 the x86 exe (for a test
#                     that compares the two)
#   SD_EXE_ARCH       x64 or x86: which of the two SRVDOCTOR_EXE is
#   SRVDOCTOR_NATIVE  the native Linux srvdoctor binary
#   SD_BUILD_DIR      the build directory
#   SD_SRC            the repository root (default: derived from this script)
#   SD_INTEG_DIR      tests/integration
#   SD_RUN_TMP        this run's temporary directory
#   SD_TEST_TMP       a fresh per-test scratch directory under SD_RUN_TMP
#                     (deleted after the test unless --keep). TMPDIR is passed
#                     unchanged: Debian's Wine finds a prefix's wineserver
#                     under $TMPDIR, so it must stay the same for every Wine
#                     call on the shared prefix.
#   WINEPREFIX        the run's shared Wine prefix (created once, Windows 7, with
#                     a persistent wineserver), also as SD_WINEPREFIX_SHARED
#   SD_WINE_TEMPLATE  an idle copy of that prefix, for sd_wine_prefix_clone
#   SD_TOOLS_BIN      where sd_build_tool caches helper executables
#   SD_CLEANUP_FILE   lib/*.sh record what they start there; the runner stops
#                     whatever is left after each test
#   WINEDEBUG=-all, WINELOADER, WINEARCH (see lib/wine.sh)
#
# A test is a bash script; exit 0 = pass, 77 = skip, anything else = fail.
# A test with the line "# sd-arch: x64 x86" runs twice: with the x64 exe,
# then as "NAME [x86]" with SRVDOCTOR_EXE set to the x86 exe, which Wine
# runs under WoW64 in the same 64-bit prefix, as 64-bit Windows would.
# Tests run one at a time (the Samba DC needs 127.0.0.1:389), each in its own
# bash process and process group under `timeout`.
#
# Output: one line per test, "PASS t_x.sh (3.2s)", "SKIP t_x.sh (0.1s): reason"
# or "FAIL t_x.sh (3.2s)" followed by the last 30 lines of its output; then a
# final line "N passed, N failed, N skipped". Exit status 1 when a test failed,
# 2 on a usage error or when no test matched.

set -u
set -o pipefail

SD_INTEG_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SD_SRC:=$(cd "$SD_INTEG_DIR/../.." && pwd)}"
export SD_SRC SD_INTEG_DIR
export SRVDOCTOR_EXE=${SRVDOCTOR_EXE:-}
export SRVDOCTOR_EXE64=${SRVDOCTOR_EXE64:-$SRVDOCTOR_EXE}
export SRVDOCTOR_EXE32=${SRVDOCTOR_EXE32:-}
export SRVDOCTOR_NATIVE=${SRVDOCTOR_NATIVE:-}
export SD_BUILD_DIR=${SD_BUILD_DIR:-}

filter=""
list_only=0
keep=0
test_timeout=${SD_TEST_TIMEOUT:-300}

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

run_args=("$@")
while [ $# -gt 0 ]; do
    case $1 in
        --filter) [ $# -ge 2 ] || usage; filter=$2; shift 2 ;;
        --filter=*) filter=${1#--filter=}; shift ;;
        --list) list_only=1; shift ;;
        --keep) keep=1; shift ;;
        --timeout) [ $# -ge 2 ] || usage; test_timeout=$2; shift 2 ;;
        -h | --help) usage ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage ;;
    esac
done

# ------------------------------------------------------------ select tests
tests=()
while IFS= read -r t; do
    name=$(basename "$t")
    if [ -n "$filter" ]; then
        # shellcheck disable=SC2053
        [[ $name == *$filter* ]] || continue
    fi
    tests+=("$t")
done < <(find "$SD_INTEG_DIR" -maxdepth 1 -type f -name 't_*.sh' | LC_ALL=C sort)

# The whole run, Wine's servers and every server a test starts included,
# is in a private network namespace with loopback only (lib/isolate.sh):
# Wine makes sockets in its wineserver, so the namespace must hold the
# run, not each test.  Without one the suite does not run at all, rather
# than let live collection reach the network.
if [ "${SD_ISOLATED:-}" != 1 ] && [ "$list_only" = 0 ]; then
    # With a mount namespace too, the run gets a hosts file of its own;
    # where / is no mount point (a chroot), the network namespace alone.
    if unshare -m -n --propagation private bash -c 'ip link set lo up' \
         2>/dev/null; then
        SD_ISOLATED=1 exec unshare -m -n --propagation private \
            bash "$SD_INTEG_DIR/lib/isolate.sh" "${BASH_SOURCE[0]}" \
            "${run_args[@]}"
    fi
    if unshare -n bash -c 'ip link set lo up' 2>/dev/null; then
        SD_ISOLATED=1 SD_ISOLATE_NO_HOSTS=1 exec unshare -n \
            bash "$SD_INTEG_DIR/lib/isolate.sh" "${BASH_SOURCE[0]}" \
            "${run_args[@]}"
    fi
    echo "FAIL: cannot make a private network namespace (unshare -n," \
         "ip): the integration tests need one"
    echo "0 passed, 1 failed"
    exit 1
fi

# The x86 exe runs under WoW64, which needs Wine's 32-bit loader: a
# machine whose kernel runs no 32-bit programs cannot (Exec format error).
x86_why=""
if ! /usr/lib/wine/wine --version >/dev/null 2>&1; then
    x86_why="this machine cannot run 32-bit programs (/usr/lib/wine/wine,"
    x86_why="$x86_why Wine's 32-bit loader, does not start)"
fi

# Each run: "PATH ARCH" (x64 for every test, x86 too where the test asks).
runs=()
for t in "${tests[@]}"; do
    runs+=("$t x64")
    grep -qE '^# sd-arch:.*\<x86\>' "$t" && runs+=("$t x86")
done

if [ ${#tests[@]} -eq 0 ]; then
    echo "run.sh: no test matched${filter:+ '$filter'} in $SD_INTEG_DIR" >&2
    exit 2
fi
# run_name PATH ARCH: how a run is shown ("t_x.sh", "t_x.sh [x86]").
run_name() {
    if [ "$2" = x64 ]; then basename "$1"; else echo "$(basename "$1") [$2]"; fi
}
if [ "$list_only" = 1 ]; then
    for r in "${runs[@]}"; do run_name ${r% *} ${r##* }; done
    exit 0
fi

now_ms() { date +%s%3N; }
secs() { # milliseconds -> "3.2s"
    local ms=$1
    printf '%d.%ds' $((ms / 1000)) $(((ms % 1000) / 100))
}

# ------------------------------------------------------------ run state
SD_RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sd-integ.XXXXXX") || exit 1
export SD_RUN_TMP
export SD_TOOLS_BIN=$SD_RUN_TMP/tools
mkdir -p "$SD_RUN_TMP/logs" "$SD_RUN_TMP/cleanup" "$SD_TOOLS_BIN"
current_pid=""
current_name=""
shared_prefix=""

# Stop what one test left behind: its process group, and whatever the libs
# recorded in its cleanup file (samba process groups, per-test Wine prefixes).
sweep() {
    local pgid=$1 list=$2 kind id rest
    if [ -n "$pgid" ]; then
        kill -TERM -- "-$pgid" 2>/dev/null && sleep 0.5
        kill -KILL -- "-$pgid" 2>/dev/null
    fi
    [ -f "$list" ] || return 0
    while read -r kind id rest; do
        case $kind in
            pgid)
                if kill -0 "$id" 2>/dev/null && grep -q "${rest:-.}" "/proc/$id/cmdline" 2>/dev/null; then
                    echo "run.sh: stopping leftover $rest (pid $id)" >&2
                    kill -TERM -- "-$id" 2>/dev/null || kill -TERM "$id" 2>/dev/null
                    sleep 1
                    kill -KILL -- "-$id" 2>/dev/null
                fi
                ;;
            wineprefix)
                if [ -d "$id" ] && [ "$id" != "$shared_prefix" ]; then
                    (export WINEPREFIX=$id; sd_wine_stop)
                fi
                ;;
        esac
    done <"$list"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$current_pid" ]; then
        echo "run.sh: stopping ${current_name:-the running test}" >&2
        kill -TERM "$current_pid" 2>/dev/null
        wait "$current_pid" 2>/dev/null
        sweep "$current_pid" "$SD_CLEANUP_FILE"
    fi
    if [ -n "$shared_prefix" ]; then
        sd_wine_teardown "$shared_prefix"
    fi
    if [ -n "${SD_WINE_TEMPLATE:-}" ] && [ -d "$SD_WINE_TEMPLATE" ]; then
        rm -rf "$SD_WINE_TEMPLATE"
    fi
    if [ "$keep" = 1 ]; then
        echo "run.sh: kept $SD_RUN_TMP" >&2
    else
        rm -rf "$SD_RUN_TMP"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ------------------------------------------------------------ shared Wine prefix
# shellcheck source=lib/wine.sh
. "$SD_INTEG_DIR/lib/wine.sh"
if [ -x "$SD_WINE64" ] && [ "${SD_NO_WINE:-0}" != 1 ]; then
    t0=$(now_ms)
    # The template is booted once, stopped (registry flushed), copied for
    # clones, then brought up again as the shared prefix.
    if sd_wine_prefix_create "$SD_RUN_TMP/wine/prefix" 2>"$SD_RUN_TMP/logs/wine-prefix.log"; then
        shared_prefix=$WINEPREFIX
        # An idle copy for sd_wine_prefix_clone (about 700 MB, 3 s), only
        # when a selected test clones.
        if grep -l 'sd_wine_prefix_clone' "${tests[@]}" >/dev/null 2>&1; then
            sd_wine_stop
            if cp -a --reflink=auto "$shared_prefix" "$SD_RUN_TMP/wine/template"; then
                rm -f "$SD_RUN_TMP/wine/template/.sd-owned"
                export SD_WINE_TEMPLATE=$SD_RUN_TMP/wine/template
            fi
            sd_wine_use "$shared_prefix"
        fi
        # Bring services.exe & co. up now, from the runner, so that they do
        # not belong to (and get swept with) the first test's process group.
        sd_wine_warm
        export SD_WINEPREFIX_SHARED=$shared_prefix
        echo "run.sh: shared Wine prefix ready in $(secs $(($(now_ms) - t0))) (wineboot $(secs "$SD_WINE_CREATE_MS"))"
    else
        echo "run.sh: could not create the shared Wine prefix:" >&2
        tail -n 20 "$SD_RUN_TMP/logs/wine-prefix.log" >&2
        unset WINEPREFIX
    fi
else
    echo "run.sh: Wine not available; tests that need it will skip" >&2
fi

# ------------------------------------------------------------ run
passed=0 failed=0 skipped=0
failed_names=()
for r in "${runs[@]}"; do
    t=${r% *}
    arch=${r##* }
    name=$(run_name "$t" "$arch")
    base=$(basename "$t" .sh)-$arch
    log=$SD_RUN_TMP/logs/$base.log
    export SD_CLEANUP_FILE=$SD_RUN_TMP/cleanup/$base.list
    : >"$SD_CLEANUP_FILE"
    test_tmp=$SD_RUN_TMP/tmp/$base
    if [ "$arch" = x86 ]; then
        exe=$SRVDOCTOR_EXE32
    else
        exe=$SRVDOCTOR_EXE64
    fi
    mkdir -p "$test_tmp"
    if [ "$arch" = x86 ] && [ -n "$x86_why" ]; then
        skipped=$((skipped + 1))
        echo "SKIP $name: $x86_why"
        continue
    fi
    if [ -z "$exe" ] || [ ! -f "$exe" ]; then
        skipped=$((skipped + 1))
        echo "SKIP $name: no $arch srvdoctor.exe (SRVDOCTOR_EXE${arch#x})"
        continue
    fi
    # make sure the shared prefix's server is still there (a test may have
    # stopped it)
    if [ -n "$shared_prefix" ]; then
        sd_wine_use "$shared_prefix" >/dev/null 2>&1 && sd_wine_warm >/dev/null 2>&1
    fi
    t0=$(now_ms)
    # timeout runs the test in its own process group (pgid = timeout's pid):
    # the sweep below kills whatever the test leaves in it.
    # A test may need longer than the default: "# sd-timeout: SECONDS".
    tt=$(sed -n 's/^# sd-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n 1)
    [ -n "$tt" ] && [ "$tt" -gt "$test_timeout" ] || tt=$test_timeout
    SD_TEST_TMP=$test_tmp SD_TEST_NAME=$name SD_EXE_ARCH=$arch SRVDOCTOR_EXE=$exe \
        timeout --kill-after=15 "$tt" bash "$t" </dev/null >"$log" 2>&1 &
    current_pid=$!
    current_name=$name
    wait "$current_pid"
    rc=$?
    sweep "$current_pid" "$SD_CLEANUP_FILE"
    current_pid=""
    el=$(secs $(($(now_ms) - t0)))
    case $rc in
        0)
            passed=$((passed + 1))
            echo "PASS $name ($el)"
            ;;
        77)
            skipped=$((skipped + 1))
            reason=$(grep -m1 '^SKIP: ' "$log" | sed 's/^SKIP: //')
            echo "SKIP $name ($el)${reason:+: $reason}"
            ;;
        *)
            failed=$((failed + 1))
            failed_names+=("$name")
            note="exit $rc"
            [ "$rc" = 124 ] && note="timed out after ${tt}s"
            [ "$rc" = 137 ] && note="killed after ${tt}s + 15s"
            echo "FAIL $name ($el, $note)"
            tail -n 30 "$log" | sed 's/^/    | /'
            ;;
    esac
    [ "$keep" = 1 ] || rm -rf "$test_tmp"
done

if [ ${#failed_names[@]} -gt 0 ]; then
    echo "failed: ${failed_names[*]}"
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
