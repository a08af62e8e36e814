#!/usr/bin/env bash
# Install every Debian 12 package the srvdoctor test suite needs (unit tests,
# sanitizers, fuzzing, Windows cross builds, integration tests under Wine
# with a Samba AD DC). Run as root. Idempotent: when every package is
# already installed it does nothing (no apt-get at all).
#
#   bash scripts/install-test-deps.sh            install what is missing
#   bash scripts/install-test-deps.sh --check    only report; exit 1 if missing
#   bash scripts/install-test-deps.sh --list     print the package list
#
# Packages whose postinst would start services (samba: smbd, nmbd,
# samba-ad-dc; winbind; nagios4-core: nagios4) are installed with a policy-rc.d that forbids service
# starts; the system instances are then disabled and, if one runs anyway,
# stopped. The tests run their own samba with a private smb.conf.
set -u

PACKAGES=(
    # native build and unit tests
    cmake make gcc libc6-dev libcmocka-dev
    # sanitizers and libFuzzer
    clang libclang-rt-14-dev
    # Windows cross builds (x64 and x86) and windres
    gcc-mingw-w64-x86-64 gcc-mingw-w64-i686
    binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
    # running the Windows executables: wine64 for the x64 exe, and the
    # 32-bit Wine (WoW64, from the i386 architecture this script enables)
    # for the x86 exe
    wine wine64 wine32:i386
    # unpacking the release zips to check what they hold; telling PE32 from
    # PE32+ executables
    unzip file
    # Samba AD DC on loopback: samba needs the dsdb modules and the
    # provisioning data, which are only Recommends of the samba package
    samba samba-common-bin samba-dsdb-modules samba-ad-provision python3-samba
    ldb-tools
    # the acl_xattr VFS module that "samba-tool domain provision" loads: only
    # a Recommends of samba, so a machine installed without Recommends lacks it
    samba-vfs-modules
    # ntlm_auth: Wine's NTLM/Negotiate (LDAP_AUTH_NEGOTIATE binds) needs it
    winbind
    # LDAP client tools (ldapsearch, ldapmodify)
    ldap-utils
    # report checks: JSON, Prometheus text format (promtool), HTML (headless)
    jq prometheus chromium
    # fleet end to end: one node_exporter per simulated host (textfile
    # collector) scraped by a Prometheus server, all on 127.0.0.1
    prometheus-node-exporter
    # a second Nagios perfdata parser (Monitoring::Plugin)
    libmonitoring-plugin-perl
    # a real Nagios 4 core running srvdoctor as its service check, on a
    # throwaway configuration (the core only: no CGIs, so no web server)
    nagios4-core
    # test scripts: ps/pgrep, ss, timeout/mkfifo, script (pty), setpriv,
    # python3 helpers
    procps iproute2 coreutils bsdutils util-linux python3
)

mode=install
case ${1:-} in
    --check) mode=check ;;
    --list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    '') ;;
    *) echo "install-test-deps.sh: unknown argument: $1" >&2; exit 2 ;;
esac

# One dpkg-query for the whole list (fast path when nothing is missing).
# ${binary:Package} names a foreign-architecture package as NAME:ARCH (as
# the list does: wine32:i386) and may add the native architecture to a
# Multi-Arch one (libcmocka-dev:amd64), which is dropped before comparing.
native_arch=$(dpkg --print-architecture)
missing_packages() {
    local installed
    installed=$(dpkg-query -W -f='${binary:Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
        awk -v native=":$native_arch" '$2 == "install" && $3 == "ok" && $4 == "installed" {
            name = $1
            if (substr(name, length(name) - length(native) + 1) == native)
                name = substr(name, 1, length(name) - length(native))
            print name
        }')
    local p
    for p in "${PACKAGES[@]}"; do
        grep -qxF "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

mapfile -t missing < <(missing_packages)

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-test-deps: all ${#PACKAGES[@]} packages are installed"
    exit 0
fi
if [ "$mode" = check ]; then
    echo "install-test-deps: missing: ${missing[*]}"
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "install-test-deps: must run as root to install: ${missing[*]}" >&2
    exit 1
fi

echo "install-test-deps: installing: ${missing[*]}"

# Forbid service starts during the install unless a policy already exists
# (Docker images ship one that does the same).
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# install-test-deps.sh: no service starts during package installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi
remove_policy() {
    [ "$own_policy" = 1 ] && rm -f "$policy"
    own_policy=0
}
trap remove_policy EXIT

export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
# The 32-bit Wine comes from the i386 architecture; apt-get update below
# then fetches its package lists too.
foreign=$(dpkg --print-foreign-architectures)
if ! grep -qx i386 <<<"$foreign"; then
    echo "install-test-deps: enabling the i386 architecture (for wine32:i386)"
    dpkg --add-architecture i386
fi
if ! apt-get update >"$apt_log" 2>&1; then
    echo "install-test-deps: apt-get update failed:" >&2
    tail -n 20 "$apt_log" >&2
    rm -f "$apt_log"
    exit 1
fi
if ! apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >"$apt_log" 2>&1; then
    echo "install-test-deps: apt-get install failed:" >&2
    tail -n 40 "$apt_log" >&2
    rm -f "$apt_log"
    exit 1
fi
rm -f "$apt_log"
remove_policy

# The distribution's Samba services are not wanted: disable them, and stop
# any system instance that runs anyway (found through the system pid files
# only, so a test's own samba is never touched).
services=(samba-ad-dc smbd nmbd winbind samba prometheus-node-exporter
    nagios4)
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    for s in "${services[@]}"; do
        systemctl disable --now "$s" >/dev/null 2>&1 || true
    done
else
    for s in "${services[@]}"; do
        [ -e "/etc/init.d/$s" ] && update-rc.d "$s" disable >/dev/null 2>&1 || true
    done
fi
for pidfile in /run/samba/samba.pid /run/samba/smbd.pid /run/samba/nmbd.pid \
    /run/samba/winbindd.pid /var/run/samba/smbd.pid /var/run/samba/nmbd.pid \
    /run/nagios4/nagios4.pid /var/run/nagios4/nagios4.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -n 1 "$pidfile" 2>/dev/null)
    case $pid in '' | *[!0-9]*) continue ;; esac
    if kill -0 "$pid" 2>/dev/null; then
        echo "install-test-deps: stopping system $(basename "$pidfile" .pid) (pid $pid)"
        kill -TERM "$pid" 2>/dev/null
    fi
done

mapfile -t still < <(missing_packages)
if [ ${#still[@]} -gt 0 ]; then
    echo "install-test-deps: still missing after install: ${still[*]}" >&2
    exit 1
fi
echo "install-test-deps: done"
