#!/usr/bin/env bash
# check-env-names.sh EXE... - the shipped program reads no test variable:
# the only SRVDOCTOR_ name in it, in 8-bit or UTF-16LE strings (a name may
# be stored either way), is the documented SRVDOCTOR_LDAP_PASSWORD.  Tests
# watch the program from outside (Wine's event-log output) or run the
# separate test program tests/tools/sd_seams.c, which this does not check.
# Prints one line per file; exit 1 when a file names another variable.
set -u
allowed='SRVDOCTOR_LDAP_PASSWORD'
rc=0
for exe in "$@"; do
  if [ ! -f "$exe" ]; then
    echo "env-names: $exe: no such file"
    rc=1
    continue
  fi
  names=$({ strings -a "$exe"; strings -a -el "$exe"; } |
    grep -o 'SRVDOCTOR_[A-Za-z0-9_]*' | sort -u)
  extra=$(printf '%s\n' "$names" | grep -vx -e "$allowed" -e '' | tr '\n' ' ' | sed 's/ $//')
  if [ -n "$extra" ]; then
    echo "env-names: $exe names SRVDOCTOR_ variables other than $allowed: $extra"
    rc=1
  else
    echo "env-names: $exe: ok (only $allowed)"
  fi
done
exit $rc
