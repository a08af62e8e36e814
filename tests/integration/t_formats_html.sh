#!/usr/bin/env bash
# sd-timeout: 900
# --format html rendered by a real browser (Debian's chromium, headless):
# the sample snapshot's report loads with no console errors, the stuck VM's
# bar is in the DOM and on the screenshot (its red), and the hostile-name
# fixture (a VM named <script>alert(1)</script>, ...) renders as text.
# The layout is measured in the browser (a copy of each page without its
# Content-Security-Policy and with a measuring script; --dump-dom reads the
# result): no reference line crosses a bar's label, the chart's labels tell
# the points apart, no command breaks inside a token, an open fleet cell is
# a readable panel and the fleet grid has a column for every module.
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
grep -q '<pre class="cmd"><code>taskkill <span class="t">/PID</span> 2052 <span class="t">/F</span></code></pre>' "$tmp/stuck.dom" && ok ||
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

# 4. The layout, measured in the browser.
cat >"$tmp/measure.js" <<'JS'
(function(){
var out={overlaps:[],breaks:[],bars:[],panels:[],lines:0,tokens:0,cols:[],
  caption:[]};
document.querySelectorAll('details').forEach(function(d){d.open=true;});
document.querySelectorAll('svg').forEach(function(svg){
  var texts=[].slice.call(svg.querySelectorAll('g.bar text')),
      box=svg.getBoundingClientRect();
  svg.querySelectorAll('g.median line').forEach(function(l){
    var r=l.getBoundingClientRect(), x=(r.left+r.right)/2;
    out.lines++;
    texts.forEach(function(t){
      var b=t.getBoundingClientRect();
      if(x+1.5>b.left&&x-1.5<b.right&&r.bottom>b.top&&r.top<b.bottom)
        out.overlaps.push(svg.id+': the line at x='+x.toFixed(1)+
          ' crosses "'+t.textContent+'" ['+b.left.toFixed(1)+', '+
          b.right.toFixed(1)+']');
    });
  });
  svg.querySelectorAll('g.bar').forEach(function(g){
    var t=g.querySelector('text'), b=t.getBoundingClientRect();
    out.bars.push({chart:svg.id,pid:g.getAttribute('data-pid'),
      shown:t.textContent,title:g.querySelector('title').textContent,
      inside:b.left>=box.left-0.5&&b.right<=box.right+0.5});
  });
});
document.querySelectorAll('figcaption').forEach(function(c){
  out.caption.push(c.textContent);});
/* Every word (a run without spaces) of every <pre>: on one line, unless it
 * is wider than the whole block. */
document.querySelectorAll('pre').forEach(function(pre){
  var cs=getComputedStyle(pre), box=pre.getBoundingClientRect(),
      inner=box.width-parseFloat(cs.paddingLeft)-parseFloat(cs.paddingRight),
      text='', map=[], w=document.createTreeWalker(pre,NodeFilter.SHOW_TEXT),
      n, i, m, re=/[^ \t\n]+/g;
  while((n=w.nextNode()))
    for(i=0;i<n.data.length;i++){text+=n.data[i];map.push([n,i]);}
  while((m=re.exec(text))){
    var rg=document.createRange(), a=map[m.index],
        z=map[m.index+m[0].length-1], rs, k, tops={}, lines=0, width=0;
    rg.setStart(a[0],a[1]); rg.setEnd(z[0],z[1]+1);
    rs=rg.getClientRects();
    for(k=0;k<rs.length;k++){
      if(rs[k].width<=0) continue;
      width+=rs[k].width;
      if(!tops[Math.round(rs[k].top)]){tops[Math.round(rs[k].top)]=1;lines++;}
    }
    out.tokens++;
    if(lines>1&&width<=inner+1)
      out.breaks.push('"'+m[0]+'" is on '+lines+' lines ('+
        width.toFixed(0)+' px in a '+inner.toFixed(0)+' px block)');
  }
});
document.querySelectorAll('#grid td details').forEach(function(d){
  out.panels.push(Math.round(d.getBoundingClientRect().width));});
document.querySelectorAll('#grid thead th').forEach(function(th){
  out.cols.push(th.textContent);});
var p=document.createElement('pre');
p.id='sd-measure';
p.textContent=JSON.stringify(out);
document.body.appendChild(p);
})();
JS
# measure PAGE OUT WIDTH: the measurements (JSON) of PAGE at that width.
measure() {
  local page=$1 out=$2 width=$3 profile
  profile=$(mktemp -d "$tmp/profile.XXXXXX")
  python3 - "$page" "$out.html" "$tmp/measure.js" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
js = open(sys.argv[3], encoding="utf-8").read()
i = html.rindex("</body>")
html = html[:i] + "<script>" + js + "</script>" + html[i:]
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$profile" --window-size="$width,1400" \
    --dump-dom "file://$out.html" 2>"$out.log" |
    python3 -c 'import html, re, sys
m = re.search(r"<pre id=\"sd-measure\">(.*?)</pre>", sys.stdin.read(), re.S)
print(html.unescape(m.group(1)) if m else "{}")' >"$out"
}

# Long names: ten VMs whose names share 26 leading characters, the last two
# with one name (the check labels those "NAME (pid N)").
python3 - "$SD_SRC/tests/fixtures/hyperv-stuck-vm/healthy_sizes.json" \
  "$tmp/longnames.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
vms = d["hyperv"]["vms"]
names = ["Contoso-Production-SQL-Cluster-Node-%02d" % i for i in range(len(vms))]
names[-1] = names[-2]
for v, n in zip(vms, names):
    v["name"] = n
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY

# Every chart fixture, and the Exchange ones for their commands, at a wide
# and a narrow window.
n=0
for f in "$SD_SRC"/tests/fixtures/hyperv-stuck-vm/*.json \
         "$SD_SRC"/tests/fixtures/exchange-sp2/*.json "$fx"/hv_*.json \
         "$tmp/longnames.json"; do
  name=$(basename "$f" .json)
  "$SRVDOCTOR_NATIVE" check --from "$f" --format html -o "$tmp/l-$name.html" 2>/dev/null
  "$SRVDOCTOR_NATIVE" check --from "$f" --format json -o "$tmp/l-$name.json" 2>/dev/null
  for width in 1200 480; do
    measure "$tmp/l-$name.html" "$tmp/l-$name.$width.m" "$width"
    python3 - "$tmp/l-$name.$width.m" "$tmp/l-$name.json" "$name@$width" <<'PY' && ok || bad "layout of $name at $width px"
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
rep = json.load(open(sys.argv[2], encoding="utf-8"))
what, errors = sys.argv[3], []
if "tokens" not in m:
    sys.exit(print(what + ": no measurements") or 1)
errors += m["overlaps"] + m["breaks"]
points = {}
series = [s for mod in rep["modules"] for s in mod.get("series", [])]
for s in series:
    for p in s["points"]:
        points[str(p["pid"])] = p
if series and not m["lines"]:
    errors.append("no reference line was measured")
shown = {}
for b in m["bars"]:
    label = points[b["pid"]]["label"]
    if not b["inside"]:
        errors.append("label %r sticks out of the chart" % b["shown"])
    suffix = " (pid %s)" % b["pid"]
    if label.endswith(suffix) and not b["shown"].endswith(suffix):
        errors.append("label %r lost its %r" % (b["shown"], suffix))
    other = shown.setdefault(b["shown"], label)
    if other != label:
        errors.append("%r and %r are both shown as %r" % (other, label, b["shown"]))
for e in errors:
    print(what + ": " + e)
sys.exit(1 if errors else 0)
PY
    n=$((n + 1))
  done
done
[ "$n" -ge 40 ] && ok || bad "only $n pages measured"

# The fleet: an open cell is a readable panel, no command breaks inside a
# token, and every module has its column (more than 32 of them here).
"$SRVDOCTOR_NATIVE" fleet "$SD_SRC/tests/fixtures/fleet/org" --format html -o "$tmp/fleet.html" 2>/dev/null
mkdir -p "$tmp/wide"
python3 - "$SD_SRC/tests/fixtures/fleet/org/CAS01.json" "$tmp/wide" <<'PY'
import copy, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
mods = []
for i in range(40):
    m = copy.deepcopy(d["modules"][1])
    m["id"], m["title"] = "mod-%02d" % i, "Module %d" % i
    mods.append(m)
for h in ("WIDE01", "WIDE02"):
    e = copy.deepcopy(d)
    e["modules"], e["host"]["name"] = mods, h
    json.dump(e, open("%s/%s.json" % (sys.argv[2], h), "w", encoding="utf-8"))
PY
"$SRVDOCTOR_NATIVE" fleet "$tmp/wide" --format html -o "$tmp/wide.html" 2>/dev/null
for width in 1200 800; do
  measure "$tmp/fleet.html" "$tmp/fleet.$width.m" "$width"
  python3 - "$tmp/fleet.$width.m" "$width" <<'PY' && ok || bad "fleet layout at $width px"
import json, sys
m, errors = json.load(open(sys.argv[1], encoding="utf-8")), []
if not m.get("panels"):
    sys.exit(print("no fleet cells measured") or 1)
errors += m["breaks"]
narrow = [w for w in m["panels"] if w < min(560, int(sys.argv[2]) - 80)]
if narrow:
    errors.append("%d open cells narrower than a readable panel: %s"
                  % (len(narrow), narrow[:5]))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
done
measure "$tmp/wide.html" "$tmp/wide.m" 1200
python3 - "$tmp/wide.m" <<'PY' && ok || bad "the fleet grid leaves modules out"
import json, sys
cols = json.load(open(sys.argv[1], encoding="utf-8")).get("cols", [])
want = (["Host", "Status", "Collected"] + ["mod-%02d" % i for i in range(40)]
        + ["Source"])
sys.exit(0 if cols == want else print("columns:", cols) or 1)
PY

# 5. The Windows build writes the same kind of page (when Wine is given).
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
