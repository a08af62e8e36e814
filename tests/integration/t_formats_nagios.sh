#!/usr/bin/env bash
# --format nagios checked line by line against the Monitoring Plugins
# output rules: first line "SRVDOCTOR <STATE> - <summary> | <perfdata>",
# within 1000 bytes (NRPE keeps 1024), every perfdata item in the
# 'label'=value[UOM];warn;crit;min;max syntax (quoted labels with spaces
# and '' for a quote, U for unknown), long-output lines without "|", the
# state word matching the exit code.  Where Debian's Monitoring::Plugin
# (libmonitoring-plugin-perl) is installed, its perfdata parser must read
# every item it supports (it knows neither U values nor '' in labels).
# Env: SRVDOCTOR_NATIVE, SD_SRC; optional SRVDOCTOR_EXE + WINEPREFIX.
set -u
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
command -v python3 >/dev/null || { echo "t_formats_nagios: python3 missing, skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
fx="$SD_SRC/tests/fixtures"

cat >"$tmp/validate.py" <<'PY'
"""Validate Monitoring Plugins output: argv = file exit_code."""
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
rc = int(sys.argv[2])
errors = []
lines = text.split("\n")
if lines[-1] != "":
    errors.append("output does not end with a newline")
lines = lines[:-1]
first = lines[0]
if len(first.encode()) > 1000:
    errors.append("first line is %d bytes" % len(first.encode()))
m = re.match(r"^SRVDOCTOR (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \|(.*)$", first)
if not m:
    errors.append("first line has the wrong shape: %r" % first[:200])
else:
    state = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}[m.group(1)]
    if state != rc:
        errors.append("state %s but exit code %d" % (m.group(1), rc))
    num = r"-?[0-9.]+"
    rng = r"(@?(~|%s)?:?(%s)?)?" % (num, num)
    item = re.compile(r"('(?:[^'=]|'')+'|[^' =]+)=(%s|U)(s|ms|us|%%|B|KB|MB|GB|TB|c)?"
                      r"(;%s(;%s(;(%s)?(;(%s)?)?)?)?)?$" % (num, rng, rng, num, num))
    perf = m.group(3).strip()
    # Split on spaces outside quotes.
    items, cur, q = [], "", False
    i = 0
    while i < len(perf):
        ch = perf[i]
        if ch == "'":
            if q and i + 1 < len(perf) and perf[i + 1] == "'":
                cur += "''"; i += 2; continue
            q = not q
        if ch == " " and not q:
            if cur: items.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    if cur: items.append(cur)
    if q: errors.append("unbalanced quote in perfdata")
    for it in items:
        if not item.match(it):
            errors.append("bad perfdata item %r" % it)
        lab = it.split("=")[0] if not it.startswith("'") else it[1:it.rfind("'=")]
        if any(ord(c) < 32 for c in lab):
            errors.append("control character in label %r" % lab)
    print("\n".join(items), file=open(sys.argv[1] + ".items", "w"))
for n, line in enumerate(lines[1:], 2):
    if "|" in line:
        errors.append("line %d has a '|': %r" % (n, line))
    if any(ord(c) < 32 for c in line):
        errors.append("line %d has a control character" % n)
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY

consumer() {
  # Monitoring::Plugin's parser: every item it can represent must come out
  # with the same label and value.
  local items=$1
  perl -MMonitoring::Plugin::Performance -e '
    my ($bad, $n) = (0, 0);
    open(my $fh, "<", $ARGV[0]) or die;
    while (my $it = <$fh>) {
      chomp $it;
      next if $it eq "" || $it =~ /=U[;\s]|=U$/ || $it =~ /\x27\x27/;
      $n++;
      my ($p) = Monitoring::Plugin::Performance->parse_perfstring($it);
      my ($lab, $val) = $it =~ /^\x27?(.*?)\x27?=(-?[0-9.]+)/;
      if (!$p || $p->label ne $lab || $p->value != $val) { print "consumer: $it\n"; $bad = 1; }
    }
    if ($n < 3) { print "consumer: only $n items to check\n"; $bad = 1; }
    exit $bad;' "$items"
}

have_perl=0
perl -MMonitoring::Plugin::Performance -e 1 2>/dev/null && have_perl=1

check() {
  local f=$1 rc=$2 what=$3
  if python3 "$tmp/validate.py" "$f" "$rc" >"$tmp/why"; then ok; else bad "$what: $(cat "$tmp/why")"; fi
  if [ "$have_perl" = 1 ]; then
    consumer "$f.items" >"$tmp/why" && ok || bad "$what: $(cat "$tmp/why")"
  fi
}

for snap in reports/hv_stuck.json reports/hv_hostile.json host/elevated.json; do
  name=$(basename "$snap" .json)
  "$SRVDOCTOR_NATIVE" check --from "$fx/$snap" --format nagios >"$tmp/$name.txt" 2>/dev/null
  check "$tmp/$name.txt" $? "$snap"
done
grep -q "'vmwp Bob''s \"test\" VM & more'=" "$tmp/hv_hostile.txt" && ok || bad "quoted label with '' not found"
grep -q "'stuck vms'=1;;0;0" "$tmp/hv_stuck.txt" && ok || bad "stuck vms perfdata"
# Six VMs whose names differ only after 40 bytes keep six labels (cut,
# with a short hash of the whole name), each at most 40 bytes.
"$SRVDOCTOR_NATIVE" check --from "$fx/hyperv-stuck-vm/long_names.json" --format nagios >"$tmp/long.txt" 2>/dev/null
check "$tmp/long.txt" $? "long_names"
labels=$(head -n 1 "$tmp/long.txt" | grep -o "'vmwp Contoso[^']*'")
[ "$(echo "$labels" | sort -u | wc -l)" = 6 ] && ok || bad "six VMs, labels: $labels"
[ -z "$(echo "$labels" | tr -d "'" | awk 'length($0) > 40')" ] && ok || bad "label over 40 bytes: $labels"
# An unreadable snapshot is UNKNOWN with exit 3 (stderr, nothing on stdout).
"$SRVDOCTOR_NATIVE" check --from "$tmp/none.json" --format nagios >"$tmp/u.txt" 2>/dev/null
[ $? = 3 ] && ok || bad "unreadable snapshot must exit 3"

if [ -n "${SRVDOCTOR_EXE:-}" ] && [ -n "${WINEPREFIX:-}" ] && [ -f "$SD_SRC/tests/integration/lib/wine.sh" ]; then
  . "$SD_SRC/tests/integration/lib/wine.sh"
  sd_wine_use "$WINEPREFIX"
  sd_wine "$SRVDOCTOR_EXE" check --format nagios >"$tmp/live.txt" 2>/dev/null
  check "$tmp/live.txt" $? "srvdoctor.exe live"
  sd_wine "$SRVDOCTOR_EXE" check --from "$(sd_wine_path "$fx/reports/hv_hostile.json")" \
    --format nagios >"$tmp/wh.txt" 2>/dev/null
  check "$tmp/wh.txt" $? "srvdoctor.exe hv_hostile"
  # CRLF would break the parsers: the exe writes plain \n too.
  grep -q $'\r' "$tmp/wh.txt" && bad "the exe writes CR" || ok
fi

echo "t_formats_nagios: $pass passed, $fail failed"
[ "$fail" = 0 ]
