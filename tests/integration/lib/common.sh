# shellcheck shell=bash
# tests/integration/lib/common.sh - small helpers shared by the t_*.sh tests.
#
# Source it first:  . "$(dirname "$0")/lib/common.sh"
# It sets SD_SRC / SD_INTEG_DIR when the runner did not (a test can also be
# run on its own: `bash tests/integration/t_harness_samba.sh`).
#
#   sd_on_exit CMD...         run CMD when the test exits (also on INT/TERM);
#                             hooks run in reverse order of registration
#   sd_test_tmp_dir           set up SD_TEST_TMP (scratch) and SD_TOOLS_BIN
#   sd_log MSG...             "[t_name] MSG" on stderr
#   sd_skip REASON            print "SKIP: REASON" and exit 77
#   sd_fail MSG               print "FAIL: MSG" and exit 1
#   sd_check DESC CMD...      run CMD; count a failure (and print it) when it
#                             fails, but keep going; see sd_finish
#   sd_assert_eq DESC EXPECTED ACTUAL     compare strings, count a failure
#   sd_assert_match DESC REGEX ACTUAL     bash regex match, count a failure
#   sd_assert_le DESC A B                 integer A <= B, count a failure
#   sd_finish                 exit 1 if any check failed, else 0
#   sd_require_cmd CMD...     skip (77) when a command is missing
#   sd_require_exe            skip when SRVDOCTOR_EXE is not an existing file
#   sd_build_tool NAME [GCC ARGS...]   compile tools/NAME.c with
#                             x86_64-w64-mingw32-gcc into $SD_TOOLS_BIN and
#                             print the .exe path (cached per run)
#   sd_kv KEY < key=value lines          print the first value of KEY
#   sd_kv_all KEY < key=value lines      print every value of KEY
#   sd_now_ms                 milliseconds since the epoch

: "${SD_INTEG_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${SD_SRC:=$(cd "$SD_INTEG_DIR/../.." && pwd)}"
export SD_INTEG_DIR SD_SRC

# Exit hooks, run last-registered first by the one EXIT trap; a test uses
# sd_on_exit instead of its own `trap ... EXIT`. INT/TERM/HUP exit so that
# the hooks run (the runner's timeout sends TERM).
SD_EXIT_HOOKS=()
sd_on_exit() { SD_EXIT_HOOKS+=("$*"); }
_sd_run_exit_hooks() {
    local i
    for ((i = ${#SD_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
        eval "${SD_EXIT_HOOKS[i]}"
    done
}
trap _sd_run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# sd_test_tmp_dir: make sure SD_TEST_TMP is a private scratch directory -
# the runner's per-test one, or (run on its own) a new one removed by an exit
# hook. Call it in the test's main shell (not inside $(...)) before using
# SD_TEST_TMP or sd_build_tool. TMPDIR is deliberately left alone: Debian's
# Wine keeps a prefix's wineserver socket under $TMPDIR, so changing TMPDIR
# between Wine calls on one prefix starts a second wineserver (see README).
sd_test_tmp_dir() {
    if [ -z "${SD_TEST_TMP:-}" ] || [ ! -d "$SD_TEST_TMP" ]; then
        SD_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sd-test.XXXXXX") || return 1
        sd_on_exit "rm -rf '$SD_TEST_TMP'"
    fi
    export SD_TEST_TMP
    : "${SD_TOOLS_BIN:=$SD_TEST_TMP/sd-tools}"
    export SD_TOOLS_BIN
}

SD_TEST_NAME=${SD_TEST_NAME:-$(basename "$0")}
SD_FAILURES=0

sd_now_ms() { date +%s%3N; }
sd_log() { printf '[%s] %s\n' "$SD_TEST_NAME" "$*" >&2; }
sd_skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}
sd_fail() {
    printf 'FAIL: %s\n' "$*"
    exit 1
}

_sd_count_failure() {
    SD_FAILURES=$((SD_FAILURES + 1))
    printf 'FAIL: %s\n' "$*"
}

sd_check() {
    local desc=$1
    shift
    if "$@"; then
        printf 'ok: %s\n' "$desc"
    else
        _sd_count_failure "$desc (command failed: $*)"
    fi
}

sd_assert_eq() {
    if [ "$2" = "$3" ]; then
        printf 'ok: %s = %s\n' "$1" "$3"
    else
        _sd_count_failure "$1: expected '$2', got '$3'"
    fi
}

sd_assert_match() {
    if [[ $3 =~ $2 ]]; then
        printf 'ok: %s ~ /%s/ (%s)\n' "$1" "$2" "$3"
    else
        _sd_count_failure "$1: '$3' does not match /$2/"
    fi
}

sd_assert_le() {
    if [[ $2 =~ ^-?[0-9]+$ && $3 =~ ^-?[0-9]+$ ]] && [ "$2" -le "$3" ]; then
        printf 'ok: %s (%s <= %s)\n' "$1" "$2" "$3"
    else
        _sd_count_failure "$1: expected '$2' <= '$3'"
    fi
}

sd_finish() {
    if [ "$SD_FAILURES" -gt 0 ]; then
        printf '%s: %d check(s) failed\n' "$SD_TEST_NAME" "$SD_FAILURES"
        exit 1
    fi
    exit 0
}

sd_require_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || sd_skip "$c is not installed (scripts/install-test-deps.sh)"
    done
}

sd_require_exe() {
    [ -n "${SRVDOCTOR_EXE:-}" ] && [ -f "$SRVDOCTOR_EXE" ] ||
        sd_skip "SRVDOCTOR_EXE is not set or missing (${SRVDOCTOR_EXE:-unset})"
}

sd_build_tool() {
    local name=${1:?tool name} src out
    shift
    if [ -z "${SD_TOOLS_BIN:-}" ]; then
        sd_log "sd_build_tool: call sd_test_tmp_dir first (or set SD_TOOLS_BIN)"
        return 1
    fi
    src=$SD_INTEG_DIR/tools/$name.c
    out=$SD_TOOLS_BIN/$name.exe
    [ -f "$src" ] || { sd_log "no such tool source: $src"; return 1; }
    mkdir -p "$SD_TOOLS_BIN" || return 1
    if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
        x86_64-w64-mingw32-gcc -O2 -Wall -Wextra -municode -D_WIN32_WINNT=0x0502 \
            -o "$out.tmp.$$" "$src" "$@" >&2 || return 1
        mv -f "$out.tmp.$$" "$out" || return 1
    fi
    printf '%s\n' "$out"
}

sd_kv() {
    local key=$1 line
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [ "${line%%=*}" = "$key" ]; then
            printf '%s\n' "${line#*=}"
            return 0
        fi
    done
    return 1
}

sd_kv_all() {
    local key=$1 line found=1
    while IFS= read -r line; do
        line=${line%$'\r'}
        if [ "${line%%=*}" = "$key" ]; then
            printf '%s\n' "${line#*=}"
            found=0
        fi
    done
    return $found
}
