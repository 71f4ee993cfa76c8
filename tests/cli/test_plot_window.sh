#!/bin/sh
# Plots in a window: under a virtual X server (Xvfb, started by xvfb-run), the
# automatic target is a gnuplot window (wxt, or x11/qt); the window appears
# with its title, holds a drawing (its pixels read back with xwd are not one
# colour), is reused by the next plot into the same figure, and goes away on
# fig:close(); twenty figures opened and closed leave no gnuplot behind.
# Needs gnuplot-x11, xvfb, x11-utils and x11-apps (make deps installs them).
. tests/cli/lib.sh
for p in xvfb-run xwininfo xwd; do
	if ! command -v $p >/dev/null 2>&1; then
		bad "$p is not installed (make deps installs xvfb, x11-utils, x11-apps)"
		finish
	fi
done

cat >"$tmp/win.lua" <<'LUA'
local plot = require "moonlab.plot"
if os.getenv("MOONLAB_TEST_GNUPLOT") then plot.set_gnuplot(os.getenv("MOONLAB_TEST_GNUPLOT")) end
local function sh(cmd) local p = io.popen(cmd) local s = p:read("a") p:close() return s end
local function window(title)
  return sh("xwininfo -root -tree"):match('[^\n]*"' .. title .. '"[^\n]*')
end
local function wait_for(pred)
  for _ = 1, 100 do
    if pred() then return true end
    os.execute("sleep 0.05")
  end
  return false
end
-- the pixels of a window, read with xwd: width, height, distinct colours
local function shot(title)
  local bytes = sh("xwd -silent -name '" .. title .. "'")
  if #bytes < 100 then return nil end
  local hsize, _, _, _, w, h = string.unpack(">I4I4I4I4I4I4", bytes)
  local bpp, bpl = string.unpack(">I4I4", bytes, 45)
  local ncolors = string.unpack(">I4", bytes, 81)
  local at = hsize + ncolors * 12 + 1
  local seen, n = {}, 0
  for y = 0, h - 1, 3 do
    for x = 0, w - 1, 3 do
      local px = bytes:sub(at + y * bpl + x * (bpp // 8), at + y * bpl + x * (bpp // 8) + bpp // 8 - 1)
      if not seen[px] then seen[px] = true; n = n + 1 end
    end
  end
  return w, h, n
end

print("target", plot.output())
local fig = plot.figure()
fig:line(torch.range(1, 50), torch.range(1, 50):sqrt(), {title = "window test"})
local title = "moonlab figure " .. fig.id
print("window", wait_for(function() return window(title) ~= nil end))
os.execute("sleep 0.5") -- let the drawing land
local w, h, colours = shot(title)
print("size", w, h)
print("drawn", colours and colours > 3)
local pid = fig.session.proc and fig.session.proc.pid
fig:hist(torch.randn(1000), {bins = 30})
print("same process", pid ~= nil and fig.session.proc and fig.session.proc.pid == pid)
fig:close()
print("closed", wait_for(function() return window(title) == nil end))
for _ = 1, 20 do
  local f = plot.figure()
  f:line(torch.range(1, 5), torch.range(1, 5))
  f:close()
end
print("children", (sh("pgrep -c -P " .. torch._proc.getpid() .. " gnuplot"):gsub("%s", "")))
LUA
run xvfb-run -a -s "-screen 0 1280x1024x24" "$ML" "$tmp/win.lua"
eq "exit" 0 "$rc"
has "the default target is automatic" "target	auto" "$out"
has "the window appears" "window	true" "$out"
has "its size" "size	800	" "$out"
has "something is drawn in it" "drawn	true" "$out"
has "the figure keeps its gnuplot" "same process	true" "$out"
has "close removes the window" "closed	true" "$out"
has "no gnuplot left" "children	0" "$out"
[ -z "$err" ] && ok || bad "stderr: $err"
finish
