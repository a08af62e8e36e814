#!/usr/bin/env bash
# --format html rendered by a real browser (Debian's chromium, headless):
# the sample snapshot's report loads with no console errors, the stuck VM's
# bar is in the DOM and on the screenshot (its red), and the hostile-name
# fixture (a VM named <script>alert(1)</script>, ...) renders as text.
# Env: SRVDOCTOR_NATIVE, SD_SRC; optional SRVDOCTOR_EXE + WINEPREFIX (then
# the exe writes one report under Wine too).
set -u
: "${SRVDOCTOR_NATIVE:?}" "${SD_SRC:?}"
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "t_formats_html: chromium not installed, skipped"; exit 77; }
command -v python3 >/dev/null || { echo "t_formats_html: python3 missing, skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
fx="$SD_SRC/tests/fixtures/reports"

# One fresh profile per page; no network, no background services.
browse() {
  local what=$1 page=$2 out=$3 profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --window-size=1200,1400 "--$what" "file://$page" >"$out" 2>"$out.log"
}
console_lines() { grep -E 'CONSOLE|Refused to|Uncaught' "$1" || true; }

# 0. The console check itself works: a page that logs an error is caught.
printf '<!DOCTYPE html><title>x</title><script>console.error("probe-error")</script>\n' >"$tmp/probe.html"
browse dump-dom "$tmp/probe.html" "$tmp/probe.dom"
console_lines "$tmp/probe.dom.log" | grep -q probe-error && ok ||
  bad "the console check does not see console errors (log: $(tail -3 "$tmp/probe.dom.log"))"

# 1. The sample snapshot: loads clean, the stuck VM's bar is there.
"$SRVDOCTOR_NATIVE" check --from "$fx/hv_stuck.json" --format html -o "$tmp/stuck.html" 2>/dev/null
[ $? = 2 ] && ok || bad "html report of hv_stuck.json: unexpected exit code"
browse dump-dom "$tmp/stuck.html" "$tmp/stuck.dom"
[ $? = 0 ] && [ -s "$tmp/stuck.dom" ] && ok || bad "chromium could not load the report"
[ -z "$(console_lines "$tmp/stuck.dom.log")" ] && ok ||
  bad "console messages: $(console_lines "$tmp/stuck.dom.log")"
grep -q '<g class="bar stuck" data-pid="2052">' "$tmp/stuck.dom" && ok || bad "no stuck bar in the DOM"
grep -q '<g class="median">' "$tmp/stuck.dom" && ok || bad "no peer median line in the DOM"
grep -q '<section class="module sev-critical" id="m-hyperv-stuck-vm">' "$tmp/stuck.dom" && ok ||
  bad "no hyper-v section"
grep -q '<pre class="cmd"><code>taskkill /PID 2052 /F</code></pre>' "$tmp/stuck.dom" && ok ||
  bad "the commands are not in copy-able blocks"
browse screenshot="$tmp/stuck.png" "$tmp/stuck.html" "$tmp/shot.out"
[ -s "$tmp/stuck.png" ] && ok || bad "no screenshot"
# The stuck bar's red (#c62828) is on the picture, in a bar-sized run.
python3 - "$tmp/stuck.png" <<'PY' && ok || bad "the stuck bar is not visible on the screenshot"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and lace == 0
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
best = 0
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    run = 0
    for x in range(w):
        r, g, bl = line[x * bpp:x * bpp + 3]
        if abs(r - 198) < 8 and abs(g - 40) < 8 and abs(bl - 40) < 8:
            run += 1
            best = max(best, run)
        else:
            run = 0
    prev = line
sys.exit(0 if best >= 60 else 1)
PY

# 2. Hostile names render as text: no element comes from the machine.
"$SRVDOCTOR_NATIVE" check --from "$fx/hv_hostile.json" --format html -o "$tmp/hostile.html" 2>/dev/null
browse dump-dom "$tmp/hostile.html" "$tmp/hostile.dom"
[ -z "$(console_lines "$tmp/hostile.dom.log")" ] && ok ||
  bad "console messages: $(console_lines "$tmp/hostile.dom.log")"
grep -qi '<script' "$tmp/hostile.dom" && bad "a <script> element is in the DOM" || ok
grep -qi '<img' "$tmp/hostile.dom" && bad "an <img> element is in the DOM" || ok
grep -qi '<b>' "$tmp/hostile.dom" && bad "a <b> element from the host name is in the DOM" || ok
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/hostile.dom" && ok || bad "the VM name is not shown as text"
grep -q 'HV&lt;b&gt;02&lt;/b&gt;' "$tmp/hostile.dom" && ok || bad "the host name is not shown as text"
grep -q '<g class="bar stuck" data-pid="2052">' "$tmp/hostile.dom" && ok || bad "no stuck bar (hostile)"

# 3. Self-contained: nothing is fetched from anywhere.
for f in "$tmp/stuck.html" "$tmp/hostile.html"; do
  grep -Eqi '(src|href)="(https?:|//|file:)|url\(|@import|<link' "$f" && bad "$f refers to outside resources" || ok
done

# 4. The Windows build writes the same kind of page (when Wine is given).
if [ -n "${SRVDOCTOR_EXE:-}" ] && [ -n "${WINEPREFIX:-}" ] && [ -f "$SD_SRC/tests/integration/lib/wine.sh" ]; then
  . "$SD_SRC/tests/integration/lib/wine.sh"
  sd_wine_use "$WINEPREFIX"
  out_win="$(sd_wine_path "$tmp")\\live.html"
  sd_wine "$SRVDOCTOR_EXE" check --format html -o "$out_win" >/dev/null 2>&1
  browse dump-dom "$tmp/live.html" "$tmp/live.dom"
  grep -q '<header class="banner' "$tmp/live.dom" && [ -z "$(console_lines "$tmp/live.dom.log")" ] &&
    ok || bad "the exe's html report does not load clean"
fi

echo "t_formats_html: $pass passed, $fail failed"
[ "$fail" = 0 ]
