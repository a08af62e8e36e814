#!/usr/bin/env bash
# Check that a srvdoctor.exe imports only Windows system DLLs and only
# functions that exist on Windows Server 2003 SP2: every imported DLL!function
# must be listed in scripts/win2003-imports.txt (reviewed against the API
# documentation's "minimum supported" line before it is added there).
# Newer APIs are looked up at run time with GetProcAddress instead.
set -u
exe=$1
allow="$(dirname "$0")/win2003-imports.txt"
objdump=x86_64-w64-mingw32-objdump
command -v "$objdump" >/dev/null || objdump=i686-w64-mingw32-objdump
[ -f "$exe" ] || { echo "no such file: $exe"; exit 1; }
imports=$("$objdump" -p "$exe" | awk '
  /DLL Name:/ { dll = tolower($3); next }
  dll != "" && /^\t[0-9a-f]+[ \t]+[0-9]+[ \t]+[A-Za-z_]/ { print dll "!" $3 }
  /^$/ { }
' | sort -u)
[ -n "$imports" ] || { echo "could not read the import table of $exe"; exit 1; }
bad=$(comm -23 <(echo "$imports") <(grep -v '^#' "$allow" | sed '/^$/d' | sort -u))
if [ -n "$bad" ]; then
  echo "$exe imports functions not reviewed for Windows Server 2003:"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
echo "$exe: $(echo "$imports" | wc -l) imports from $(echo "$imports" | cut -d! -f1 | sort -u | tr '\n' ' ')- all available on Windows Server 2003"
