#!/bin/sh
# The HTML exposure report (from tests/report_fixture.sql) in a real browser:
# headless Chromium loads it with networking off, must log no console error
# (a script error or a blocked fetch), must run the inline script, and takes
# a screenshot. Skipped when Chromium is not installed.
# TL_REPORT_KEEP=DIR keeps report.html and report.png there to look at.
. "$TL_SRCDIR/tests/lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser ||
         command -v google-chrome) || skip_all "chromium not installed"
BIN=${TL_BUILDDIR:-.}/tests/unit/test_report
[ -x "$BIN" ] || skip_all "$BIN not built"
HTML=$T_TMP/report.html
PNG=$T_TMP/report.png

"$BIN" --emit html "$HTML"
ok $? "fixture report written"

chrome() {
  timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --user-data-dir="$T_TMP/profile" "$@"
}

chrome --enable-logging=stderr --v=0 --dump-dom "file://$HTML" \
  >"$T_TMP/dom.html" 2>"$T_TMP/console.log"
ok $? "chromium loads the report"
# script errors, and anything the Content-Security-Policy blocked
errs=$(grep -E 'Uncaught|ERROR:CONSOLE|Refused to|Content Security Policy' \
       "$T_TMP/console.log")
is "$errs" "" "no console errors"
# the script un-hides the expand/collapse buttons: it ran
grep -q '<button id="expand" type="button">' "$T_TMP/dom.html"
ok $? "inline script ran"
n=$(grep -c '<details class="occ ' "$T_TMP/dom.html")
is "$n" 30 "every drill-down entry in the DOM"

# Behaviour: sorting by a clicked heading, a count's :target filter, and a
# link to one entry opening it. A probe script appended to a copy logs what
# it sees to the console.
sed 's|</body>|<script>(function(){\
var t=document.querySelector("#partners table"),h=t.querySelectorAll("th");\
h[4].click();\
console.log("SORTED:"+Array.prototype.map.call(t.tBodies[0].rows,\
function(r){return r.cells[4].textContent;}).join(","));\
location.hash="partner-cobalt-sons-ltd_exposed";\
console.log("VISIBLE:"+Array.prototype.filter.call(document.querySelectorAll(\
"details.occ"),function(d){return d.offsetParent!==null;}).length);\
location.hash="occ-5";\
setTimeout(function(){console.log("OPEN:"+document.getElementById("occ-5")\
.open);},50);})();</script></body>|' "$HTML" >"$T_TMP/probe.html"
chrome --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom \
  "file://$T_TMP/probe.html" >/dev/null 2>"$T_TMP/probe.log"
probe() { sed -n "s/.*\"$1:\([^\"]*\)\".*/\1/p" "$T_TMP/probe.log" | head -n 1; }
is "$(probe SORTED)" "6,6,8,10" "a click on a heading sorts the table"
is "$(probe VISIBLE)" 5 "a partner's exposed count shows just its 5 files"
is "$(probe OPEN)" true "a link to a file entry opens it"

chrome --screenshot="$PNG" --window-size=1400,2400 --hide-scrollbars \
  "file://$HTML" >"$T_TMP/shot.log" 2>&1
ok $? "screenshot taken"
[ -s "$PNG" ] && [ "$(head -c 8 "$PNG" | od -An -tx1 | tr -d ' ')" = \
  "89504e470d0a1a0a" ]
ok $? "screenshot is a non-empty PNG"

if [ -n "${TL_REPORT_KEEP:-}" ]; then
  mkdir -p "$TL_REPORT_KEEP" && cp "$HTML" "$PNG" "$TL_REPORT_KEEP/"
fi
done_testing
