#!/bin/sh
# The HTML page of `moonlab notebook run` in headless Chromium (Debian's
# chromium, installed by `make deps`): it loads with no console message, no
# failed request, and every figure decodes to a picture of non-zero width.  A
# harness page loads it in an iframe and writes what it finds into its own
# DOM, which Chromium dumps.  A copy with a corrupted figure must be caught.
. tests/cli/lib.sh
CHROMIUM=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROMIUM" ]; then
	bad "chromium is not installed (make deps installs it)"
	finish
fi

cat >"$tmp/nb.lua" <<'LUA'
-- %% [markdown]
-- # Browser check
-- Two figures and some output.
-- %%
local plot = require "moonlab.plot"
plot.line(torch.range(1, 20), torch.range(1, 20):sqrt(), {title = "roots"})
plot.hist(torch.randn(500), {bins = 20})
print("<done>")
LUA
run "$ML" notebook run "$tmp/nb.lua" -o "$tmp/page.html" -q
eq "page written" 0 "$rc"
sed '0,/base64,iVBORw0KGgo/s//base64,AAAAbroken/' "$tmp/page.html" >"$tmp/broken.html"

cat >"$tmp/harness.html" <<'HTML'
<!DOCTYPE html><html><body>
<iframe id="f" style="width:1000px;height:4000px"></iframe>
<div id="result">pending</div>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {
  var d = f.contentDocument, imgs = d.images, bad = 0;
  for (var i = 0; i < imgs.length; i++)
    if (!(imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].width > 0)) bad++;
  document.getElementById("result").textContent =
    "images=" + imgs.length + " bad=" + bad + " scripts=" + d.scripts.length + " title=" + d.title;
});
f.src = location.hash.slice(1);
</script></body></html>
HTML

check_page() { # page -> $found (the harness's result) and $log
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
		--virtual-time-budget=5000 --enable-logging=stderr --v=0 \
		--dump-dom "file://$tmp/harness.html#$1" >"$tmp/dom.txt" 2>"$tmp/log.txt"
	found=$(sed -n 's/.*id="result">\([^<]*\)<.*/\1/p' "$tmp/dom.txt")
	log=$(grep -E 'CONSOLE|Uncaught|net::ERR|Failed to load resource' "$tmp/log.txt" | grep -v 'harness.html')
}

check_page page.html
eq "the page's figures all decode" "images=2 bad=0 scripts=0 title=Browser check" "$found"
eq "no console message, no failed request" "" "$log"
check_page broken.html
eq "a corrupted figure is caught" "images=2 bad=1 scripts=0 title=Browser check" "$found"
finish
