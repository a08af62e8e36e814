#!/usr/bin/env bash
# tests/example-module/run.sh SRC_DIR: a module is one folder.
#
# Copies the source tree to a temporary folder, adds the throwaway module
# of tests/example-module/example-echo/ as src/modules/example-echo/ (with
# its finding and module pages under docs/, where every module keeps
# them), adds ONE line to src/modules/modules.def, and builds.  Nothing
# else changes: the test checks that with diff.  The module (one code
# table, one fact, a check, a fix hook, a fleet summary and section, a
# Windows collector) must then show in list, explain, every report format
# and fleet.  Prints "example_module: N passed, N failed".
set -u
SRC=$(cd "${1:?usage: run.sh SRC_DIR}" && pwd)
here=$SRC/tests/example-module
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/src
mkdir -p "$tree"
# The tree as it is (committed or not), without build output.
(cd "$SRC" && tar --exclude=./build --exclude=./dist --exclude=./.git \
  -cf - .) | (cd "$tree" && tar -xf -)
cp -r "$tree" "$tmp/before"
cp -r "$here/example-echo" "$tree/src/modules/example-echo"
cp "$here"/docs/findings/*.md "$tree/docs/findings/"
cp "$here"/docs/modules/*.md "$tree/docs/modules/"
echo 'SD_MODULE(example_echo, "example-echo", example, sd_example_facts)' \
  >>"$tree/src/modules/modules.def"

# Outside the module's folder and its pages, one line was added.
changed=$(diff -r "$tmp/before" "$tree" | grep -v '^Only in .*/src/modules: example-echo$' |
  grep -v '^Only in .*/docs/\(findings\|modules\): \(EX-[A-Z]*\|example-echo\)\.md$')
n=$(wc -l <"$tmp/before/src/modules/modules.def")
want="diff -r BEFORE/src/modules/modules.def AFTER/src/modules/modules.def
${n}a$((n + 1))
> SD_MODULE(example_echo, \"example-echo\", example, sd_example_facts)"
got=$(echo "$changed" | sed "s#$tmp/before#BEFORE#; s#$tree#AFTER#")
[ "$got" = "$want" ] && ok || bad "the tree changed elsewhere: $got"

b=$tmp/build
if ! (cmake -S "$tree" -B "$b" -DSD_TESTS=OFF >"$tmp/cmake.log" 2>&1 &&
      cmake --build "$b" -j2 >>"$tmp/cmake.log" 2>&1); then
  tail -n 30 "$tmp/cmake.log"
  bad "the tree with the example module does not build"
  echo "example_module: $pass passed, $fail failed"
  exit 1
fi
ok
sd=$b/srvdoctor
fx=$here/example.json

"$sd" list >"$tmp/list" && grep -q 'example-echo' "$tmp/list" &&
  grep -q 'EX-GREETING' "$tmp/list" && ok || bad "list: $(cat "$tmp/list")"
"$sd" explain EX-GREETING >"$tmp/explain" &&
  grep -q 'This machine keeps a greeting' "$tmp/explain" && ok ||
  bad "explain EX-GREETING"
"$sd" check --from "$fx" --only example-echo >"$tmp/text"
[ $? -eq 1 ] && grep -q 'EX-GREETING' "$tmp/text" &&
  grep -q 'hello from EX01' "$tmp/text" && ok || bad "text: $(head -c 400 "$tmp/text")"
"$sd" check --from "$fx" --format json >"$tmp/json"
jq -e '.modules[] | select(.id == "example-echo") |
  .status == "warning" and .findings[0].code == "EX-GREETING" and
  .summary.greeting == "hello from EX01" and
  .measures[0].name == "example_greetings" and
  .findings[0].remediation.fixable == true' "$tmp/json" >/dev/null && ok ||
  bad "json: $(jq -c '.modules[] | select(.id == "example-echo")' "$tmp/json")"
"$sd" check --from "$fx" --format nagios >"$tmp/nagios"
head -n 1 "$tmp/nagios" | grep -q "WARNING" &&
  grep -q "'greetings'=1" "$tmp/nagios" && ok || bad "nagios: $(cat "$tmp/nagios")"
"$sd" check --from "$fx" --format prom >"$tmp/prom"
grep -q '^srvdoctor_example_greetings 1$' "$tmp/prom" &&
  grep -q 'module="example-echo"' "$tmp/prom" && ok || bad "prom: $(cat "$tmp/prom")"
"$sd" check --from "$fx" --format html >"$tmp/html"
grep -q 'EX-GREETING' "$tmp/html" && grep -q 'hello from EX01' "$tmp/html" &&
  ok || bad "html"
"$sd" check --from "$fx" --format checkmk >"$tmp/checkmk"
grep -q '^1 "srvdoctor example-echo" example_greetings=1 ' "$tmp/checkmk" &&
  ok ||
  bad "checkmk: $(cat "$tmp/checkmk")"
mkdir -p "$tmp/fl"
"$sd" check --from "$fx" --only example-echo --format json >"$tmp/fl/EX01.json"
cp "$here/example-none.json" "$tmp/fl/EX02.snapshot.json"
"$sd" fleet --as-of 2026-11-26T09:00:00Z "$tmp/fl" >"$tmp/fleet"
grep -q '^Greetings:$' "$tmp/fleet" && grep -q '  EX01: hello from EX01' "$tmp/fleet" &&
  ! grep -q 'EX02:' "$tmp/fleet" && ok || bad "fleet text: $(cat "$tmp/fleet")"
"$sd" fleet --as-of 2026-11-26T09:00:00Z --format json "$tmp/fl" >"$tmp/fleet.json"
jq -e '.greetings == ["hello from EX01"]' "$tmp/fleet.json" >/dev/null && ok ||
  bad "fleet json: $(head -c 300 "$tmp/fleet.json")"
"$sd" fleet --as-of 2026-11-26T09:00:00Z --format html "$tmp/fl" >"$tmp/fleet.html"
grep -q '<li>hello from EX01</li>' "$tmp/fleet.html" && ok || bad "fleet html"
# The snapshot section reads and writes back the same.
"$sd" check --from "$here/example-none.json" --only example-echo >"$tmp/none"
[ $? -eq 0 ] && grep -q 'EX-NONE' "$tmp/none" && ok || bad "absent greeting"

# The Windows build takes the module's collector and Windows fix part too.
if command -v x86_64-w64-mingw32-gcc >/dev/null; then
  if cmake -S "$tree" -B "$tmp/win64" -DSD_TESTS=OFF \
       -DCMAKE_TOOLCHAIN_FILE="$tree/cmake/toolchain-mingw64.cmake" \
       >"$tmp/win.log" 2>&1 &&
     cmake --build "$tmp/win64" -j2 --target srvdoctor >>"$tmp/win.log" 2>&1 &&
     x86_64-w64-mingw32-nm "$tmp/win64/CMakeFiles/sdcollect.dir/src/modules/example-echo/collect_example.c.obj" |
       grep -q ' R sd_collector_example_echo$'; then
    ok
  else
    tail -n 20 "$tmp/win.log"
    bad "the x64 Windows build with the example module"
  fi
else
  echo "example_module: no mingw-w64, the Windows build is not tried"
fi

echo "example_module: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
