#!/usr/bin/env bash
# lib/isolate.sh SCRIPT ARGS...: run SCRIPT in the private network
# namespace run.sh made for the run (unshare -m -n): loopback only, so
# nothing a test starts (srvdoctor's live collection, Wine's servers,
# Samba, Prometheus, Nagios) can reach any address but 127.0.0.0/8, and a
# hosts file of its own that points crl.microsoft.com, the host
# exchange-sp2's certificate revocation probe asks for, at 127.0.0.1.
# Exits 1 with a reason when the namespace cannot be set up.
set -u
ip link set lo up || { echo "isolate: cannot bring up loopback"; exit 1; }
# The file stays while the run lasts (a test may bind its own over it in
# a namespace of its own); the namespace's end takes the mount away.
# Without a mount namespace of its own (SD_ISOLATE_NO_HOSTS: a chroot)
# the machine's hosts file stays: crl.microsoft.com then does not resolve
# at all, as nothing outside loopback answers.
if [ -n "${SD_ISOLATE_NO_HOSTS:-}" ]; then
  exec bash "$@"
fi
hosts=$(mktemp "${TMPDIR:-/tmp}/sd-isolate-hosts.XXXXXX") || exit 1
{ grep -v 'crl\.microsoft\.com' /etc/hosts; echo '127.0.0.1 crl.microsoft.com'; } >"$hosts"
mount --bind "$hosts" /etc/hosts || { echo "isolate: cannot bind /etc/hosts"; exit 1; }
exec bash "$@"
