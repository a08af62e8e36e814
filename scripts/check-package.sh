#!/usr/bin/env bash
# check-package.sh ZIP... - check a release zip made by CPack (scripts/
# package.sh): its .sha256 file matches, it holds srvdoctor.exe, README.md,
# LICENSE and the docs (every finding page), the exe is stripped, of the
# architecture the name says, imports only what Windows Server 2003 has
# (check-imports.sh), names no environment variable but the documented
# SRVDOCTOR_LDAP_PASSWORD (check-env-names.sh) and carries the manifest
# (check-manifest.py), and holds no test program or stand-in DLL
# (tests/tools, tests/standins).
# Prints one line per zip; exit 1 on the first problem.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
fail() { echo "package: $zip: $*"; exit 1; }
for zip in "$@"; do
  [ -f "$zip" ] || fail "no such file"
  [ -f "$zip.sha256" ] || fail "no checksum file $zip.sha256"
  want=$(awk '{print $1}' "$zip.sha256")
  have=$(sha256sum "$zip" | awk '{print $1}')
  [ "$want" = "$have" ] || fail "SHA-256 is $have, the .sha256 file says $want"
  name=$(basename "$zip" .zip)
  case $name in
    *-win64) pe='PE32\+ executable.*x86-64'; objdump=x86_64-w64-mingw32-objdump; nm=x86_64-w64-mingw32-nm ;;
    *-win32) pe='PE32 executable.*Intel 80386'; objdump=i686-w64-mingw32-objdump; nm=i686-w64-mingw32-nm ;;
    *) fail "the name says neither win64 nor win32" ;;
  esac
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  unzip -q "$zip" -d "$tmp" || fail "cannot unzip"
  top=$tmp/$name
  [ -d "$top" ] || fail "no top folder $name/"
  for f in srvdoctor.exe README.md LICENSE docs/usage.md docs/report-json.md; do
    [ -s "$top/$f" ] || fail "$f is missing"
  done
  for page in "$src"/docs/findings/*.md; do
    cmp -s "$page" "$top/docs/findings/$(basename "$page")" ||
      fail "docs/findings/$(basename "$page") is missing or differs"
  done
  exe=$top/srvdoctor.exe
  file -b "$exe" | grep -qE "$pe" || fail "srvdoctor.exe is $(file -b "$exe")"
  "$objdump" -h "$exe" | grep -q '\.debug' && fail "srvdoctor.exe has debug sections"
  [ -z "$("$nm" "$exe" 2>/dev/null)" ] || fail "srvdoctor.exe has a symbol table"
  # The shipped exe reads no test variable (the seams live in the separate
  # test program tests/tools/sd_seams.c): no SRVDOCTOR_ name but the
  # documented SRVDOCTOR_LDAP_PASSWORD, in either encoding.
  bash "$here/check-env-names.sh" "$exe" >/dev/null || fail "$(bash "$here/check-env-names.sh" "$exe")"
  unzip -Z1 "$zip" | grep -qi 'seams' && fail "the test program is in the zip"
  # Nor the stand-ins (tests/standins): WMI and event-log DLLs that would
  # shadow Windows' own beside the exe, or their floor program.
  unzip -Z1 "$zip" | grep -qiE '(^|/)(wbemprox|wevtapi)\.dll$|floor_wmi|standin' &&
    fail "a test stand-in is in the zip: $(unzip -Z1 "$zip" | grep -iE '(wbemprox|wevtapi)\.dll|floor_wmi|standin' | tr '\n' ' ')"
  bash "$here/check-imports.sh" "$exe" >/dev/null || fail "$(bash "$here/check-imports.sh" "$exe")"
  python3 "$here/check-manifest.py" "$exe" >/dev/null || fail "$(python3 "$here/check-manifest.py" "$exe")"
  echo "package: $(basename "$zip"): ok ($(wc -c <"$zip") bytes, srvdoctor.exe $(wc -c <"$exe") bytes, $(unzip -Z1 "$zip" | grep -vc '/$') files)"
  rm -rf "$tmp"
  trap - EXIT
done
