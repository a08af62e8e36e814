# shellcheck shell=bash
# tests/integration/lib/wine.sh - Wine helpers for the integration tests.
#
# Source it:   . "$SD_SRC/tests/integration/lib/wine.sh"
#
# Functions (all return non-zero on failure; none calls `exit`):
#   sd_wine_env                   export the Wine environment (done on source)
#   sd_wine_prefix_create [DIR]   new 64-bit prefix (wineboot -i, wineserver -w,
#                                 then one persistent wineserver -p); exports
#                                 WINEPREFIX; sets SD_WINE_CREATE_MS
#   sd_wine_prefix_clone SRC [DIR]  copy an existing (idle) prefix and start a
#                                 persistent wineserver on the copy; much
#                                 faster than a fresh wineboot
#   sd_wine_use PREFIX            point WINEPREFIX at an existing prefix and
#                                 make sure its persistent wineserver runs
#   sd_wine_warm                  start services.exe & co. (a trivial program)
#   sd_wine EXE [ARGS...]         run a Windows program with wine64; stdout and
#                                 stderr stay separate, the exit code is the
#                                 program's
#   sd_wine_set_version VER       winecfg /v VER  (win2003, win2008r2, win7, ...)
#   sd_wine_get_version_id        print winecfg's version id (win7, ...)
#   sd_wine_get_version           print the registry ProductName
#   sd_wine_regedit FILE.reg      import a .reg file (regedit /S)
#   sd_wine_reg ARGS...           wine's reg.exe (reg add/query/delete ...)
#   sd_wine_path LINUX_PATH       print the Windows path (winepath -w)
#   sd_wine_stop                  wineserver -k for WINEPREFIX and wait
#   sd_wine_teardown [PREFIX]     stop its wineserver; delete the prefix and
#                                 its socket directory only if these helpers
#                                 created it (it contains .sd-owned)
#
# Variables:
#   SD_WINE64        /usr/lib/wine/wine64 (the loader; no /usr/bin/wine wrapper)
#   SD_WINESERVER    wineserver binary
#   SD_WINE_TMP      parent directory for new prefixes (default
#                    $SD_TEST_TMP, else ${TMPDIR:-/tmp})
#   SD_WINE_CREATE_MS  milliseconds the last sd_wine_prefix_create/clone took
#
# Wine prints nothing on stderr for programs thanks to WINEDEBUG=-all (this
# also hides "err:...nodrv_CreateWindow" complaints, there is no X display).
# Programs are run with DISPLAY unset.

SD_WINE64=${SD_WINE64:-/usr/lib/wine/wine64}
SD_WINESERVER=${SD_WINESERVER:-}
if [ -z "$SD_WINESERVER" ]; then
    if [ -x /usr/lib/wine/wineserver64 ]; then
        SD_WINESERVER=/usr/lib/wine/wineserver64
    else
        SD_WINESERVER=$(command -v wineserver || echo wineserver)
    fi
fi
SD_WINE_TMP=${SD_WINE_TMP:-}
SD_WINE_CREATE_MS=${SD_WINE_CREATE_MS:-}

_sd_wine_now_ms() { date +%s%3N; }

_sd_wine_log() { printf '[wine] %s\n' "$*" >&2; }

# Tell the runner about a prefix so its leftover sweep can stop its
# wineserver even when the test died before its own teardown.
_sd_wine_register() {
    [ -n "${SD_CLEANUP_FILE:-}" ] && printf 'wineprefix %s\n' "$1" >>"$SD_CLEANUP_FILE"
    return 0
}

sd_wine_env() {
    export WINEDEBUG=-all
    export WINELOADER="$SD_WINE64"
    export WINEARCH=win64
    export WINESERVER="$SD_WINESERVER"
    # No Gecko/Mono install prompts during wineboot; no X display.
    export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
    unset DISPLAY WAYLAND_DISPLAY
}
sd_wine_env

# Debian's Wine keeps a prefix's wineserver socket in
#   $TMPDIR/<name stored in $WINEPREFIX/wineserver>/server-<dev>-<inode>
# so two calls on one prefix with different TMPDIRs talk to two different
# wineservers. Every call made here uses the TMPDIR recorded when the prefix
# was created (.sd-wine-tmpdir), whatever the caller's TMPDIR is now.
_sd_wine_tmp() {
    local f=${WINEPREFIX:-/nonexistent}/.sd-wine-tmpdir
    if [ -f "$f" ]; then
        cat "$f"
    else
        printf '%s' "${TMPDIR:-/tmp}"
    fi
}
_sd_wine_run() {
    local t
    t=$(_sd_wine_tmp)
    TMPDIR=$t "$SD_WINE64" "$@"
}
_sd_wineserver() {
    local t
    t=$(_sd_wine_tmp)
    TMPDIR=$t "$SD_WINESERVER" "$@"
}

# Start (or keep) the persistent wineserver of WINEPREFIX. Its stdio goes to
# /dev/null: a daemon must never hold a caller's pipe open.
_sd_wine_persist() {
    _sd_wineserver -p </dev/null >/dev/null 2>&1
}

# Start the boot-time processes (services.exe, ...) with stdio detached too,
# and wait until the boot has settled.
_sd_wine_boot() {
    local mode=$1 log=$2
    _sd_wine_run wineboot "$mode" </dev/null >"$log" 2>&1 || return 1
    _sd_wineserver -w </dev/null >/dev/null 2>&1
    _sd_wine_persist
}

sd_wine_prefix_create() {
    local dir=${1:-} t0 t1
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${SD_WINE_TMP:-${SD_TEST_TMP:-${TMPDIR:-/tmp}}}/sd-wine.XXXXXX") || return 1
        dir=$dir/prefix
    fi
    mkdir -p "$(dirname "$dir")" || return 1
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        _sd_wine_log "refusing to create a prefix in non-empty $dir"
        return 1
    fi
    mkdir -p "$dir" || return 1
    printf '%s' "${TMPDIR:-/tmp}" >"$dir/.sd-wine-tmpdir"
    export WINEPREFIX=$dir
    _sd_wine_register "$dir"
    t0=$(_sd_wine_now_ms)
    if ! _sd_wine_boot -i "$(dirname "$dir")/wineboot.log"; then
        _sd_wine_log "wineboot -i failed in $dir:"
        tail -n 20 "$(dirname "$dir")/wineboot.log" >&2
        return 1
    fi
    : >"$dir/.sd-owned"
    t1=$(_sd_wine_now_ms)
    SD_WINE_CREATE_MS=$((t1 - t0))
    _sd_wine_log "prefix $dir created in ${SD_WINE_CREATE_MS} ms"
}

sd_wine_prefix_clone() {
    local src=${1:?source prefix} dir=${2:-} t0 t1
    [ -f "$src/system.reg" ] || { _sd_wine_log "$src is not a Wine prefix"; return 1; }
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${SD_WINE_TMP:-${SD_TEST_TMP:-${TMPDIR:-/tmp}}}/sd-wine.XXXXXX") || return 1
        dir=$dir/prefix
    fi
    [ -e "$dir" ] && { _sd_wine_log "refusing to clone over existing $dir"; return 1; }
    mkdir -p "$(dirname "$dir")" || return 1
    t0=$(_sd_wine_now_ms)
    # The source must be idle (its wineserver flushed the registry to disk);
    # callers clone a template prefix nobody is using (the runner's
    # SD_WINE_TEMPLATE).
    cp -a --reflink=auto "$src" "$dir" || return 1
    : >"$dir/.sd-owned"
    [ -f "$dir/.sd-wine-tmpdir" ] || printf '%s' "${TMPDIR:-/tmp}" >"$dir/.sd-wine-tmpdir"
    export WINEPREFIX=$dir
    _sd_wine_register "$dir"
    # No wineboot: the copy is already booted; the first program started
    # brings services.exe & co. up again.
    _sd_wine_persist || return 1
    t1=$(_sd_wine_now_ms)
    SD_WINE_CREATE_MS=$((t1 - t0))
    _sd_wine_log "prefix $dir cloned from $src in ${SD_WINE_CREATE_MS} ms"
}

sd_wine_use() {
    local dir=${1:?prefix}
    [ -f "$dir/system.reg" ] || { _sd_wine_log "$dir is not a Wine prefix"; return 1; }
    export WINEPREFIX=$dir
    _sd_wine_persist
}

# Start the prefix's system processes (services.exe, ...) if they are not
# running, by running a trivial program; returns when they are up.
sd_wine_warm() {
    [ -n "${WINEPREFIX:-}" ] || return 1
    _sd_wine_run cmd.exe /c exit 0 </dev/null >/dev/null 2>&1
}

sd_wine() {
    [ -n "${WINEPREFIX:-}" ] || { _sd_wine_log "sd_wine: WINEPREFIX is not set"; return 125; }
    _sd_wine_run "$@" </dev/null
}

sd_wine_set_version() {
    local ver=${1:?version, e.g. win2003 win2008r2 win7}
    sd_wine winecfg /v "$ver" >/dev/null 2>&1 || return 1
    [ "$(sd_wine_get_version_id)" = "$ver" ] || {
        _sd_wine_log "winecfg /v $ver did not take effect"
        return 1
    }
}

# winecfg /v with no argument prints the current version id (win7, ...).
sd_wine_get_version_id() {
    sd_wine winecfg /v 2>/dev/null | tr -d '\r' | head -n 1
}

sd_wine_get_version() {
    sd_wine reg query 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' /v ProductName 2>/dev/null |
        tr -d '\r' | sed -n 's/.*REG_SZ[[:space:]]*//p'
}

sd_wine_path() {
    local p=${1:?linux path}
    sd_wine winepath -w "$p" 2>/dev/null | tr -d '\r'
}

sd_wine_regedit() {
    local f=${1:?reg file} wf
    [ -f "$f" ] || { _sd_wine_log "no such .reg file: $f"; return 1; }
    wf=$(sd_wine_path "$(readlink -f "$f")") || return 1
    sd_wine regedit /S "$wf" >/dev/null 2>&1
}

sd_wine_reg() {
    sd_wine reg "$@"
}

sd_wine_stop() {
    [ -n "${WINEPREFIX:-}" ] || return 0
    [ -d "$WINEPREFIX" ] || return 0
    _sd_wineserver -k </dev/null >/dev/null 2>&1 || true
    # -k signals; -w waits until that server has really gone.
    local t
    t=$(_sd_wine_tmp)
    TMPDIR=$t timeout 20 "$SD_WINESERVER" -w </dev/null >/dev/null 2>&1 || true
}

# The socket directory Wine made for WINEPREFIX (empty when unknown).
_sd_wine_server_dir() {
    local name dev ino
    name=$(cat "$WINEPREFIX/wineserver" 2>/dev/null) || return 0
    [ -n "$name" ] || return 0
    dev=$(stat -c %d "$WINEPREFIX") && ino=$(stat -c %i "$WINEPREFIX") || return 0
    printf '%s/%s/server-%x-%x' "$(_sd_wine_tmp)" "$name" "$dev" "$ino"
}

# sd_wine_test_prefix DIR: the prefix a test runs in: the run's shared one
# when WINEPREFIX names a prefix, else a new one in DIR.  Sets
# SD_OWN_PREFIX=1 when it made one (the test tears it down with
# sd_wine_teardown "$WINEPREFIX"), 0 otherwise.  Fails when WINEPREFIX is
# set but is no Wine prefix.
sd_wine_test_prefix() {
    SD_OWN_PREFIX=0
    if [ -n "${WINEPREFIX:-}" ]; then
        [ -f "$WINEPREFIX/system.reg" ] ||
            { echo "WINEPREFIX=$WINEPREFIX is not a Wine prefix"; return 1; }
        sd_wine_use "$WINEPREFIX" || true
        return 0
    fi
    sd_wine_prefix_create "$1" || return 1
    SD_OWN_PREFIX=1
}

sd_wine_teardown() {
    local dir=${1:-${WINEPREFIX:-}}
    [ -n "$dir" ] || return 0
    local sdir
    sdir=$(
        export WINEPREFIX=$dir
        sd_wine_stop
        _sd_wine_server_dir
    )
    if [ -f "$dir/.sd-owned" ]; then
        # the server's socket directory outlives the server: remove it
        if [ -n "$sdir" ] && [ -d "$sdir" ]; then
            rm -rf "$sdir"
            rmdir "$(dirname "$sdir")" 2>/dev/null
        fi
        rm -rf "$dir"
        # remove the mktemp parent when it is now empty (wineboot.log aside)
        local parent
        parent=$(dirname "$dir")
        case $(basename "$parent") in
            sd-wine.*) rm -rf "$parent" ;;
        esac
    fi
}
