-- Plot layer without gnuplot: quoting, number formatting, the gnuplot text
-- each kind generates (compared with expected scripts), the data handed to
-- gnuplot, the statistics of the helpers against closed forms and scikit-
-- learn's definitions, the binary column writer, errors.
local H = dofile("tests/lua/harness.lua")
local plot = require "moonlab.plot"
local gp = require "moonlab.plot.gp"
local K = require "moonlab.plot.kinds"
local Hp = require "moonlab.plot.helpers"
local data = require "moonlab.plot.data"
local figure = require "moonlab.plot.figure"
local P = torch._proc

plot.output("none") -- nothing in this file runs gnuplot

local function lines_eq(got, want)
  if got == want then return end
  local g, w = {}, {}
  for l in (got .. "\n"):gmatch("(.-)\n") do g[#g + 1] = l end
  for l in (want .. "\n"):gmatch("(.-)\n") do w[#w + 1] = l end
  for i = 1, math.max(#g, #w) do
    if g[i] ~= w[i] then
      error(string.format("line %d differs:\n got: %s\nwant: %s", i, tostring(g[i]), tostring(w[i])), 2)
    end
  end
end

local function script_of(f)
  local fig = plot.figure()
  f(fig)
  local s = fig:script()
  fig:close()
  return s
end

local function datasets_of(f)
  local fig = plot.figure()
  f(fig)
  local _, ds = fig:body("test")
  fig:close()
  return ds
end

local function tvals(t)
  return t:contiguous():view(t:nElement()):double():totable()
end

local function arr_near(got, want, tol, what)
  H.eq(#got, #want, (what or "") .. " length")
  for i = 1, #want do H.near(got[i], want[i], tol or 1e-12, (what or "") .. "[" .. i .. "]") end
end

-- ---------------------------------------------------------------- quoting

H.test("quote escapes everything gnuplot could interpret", function()
  local cases = {
    { "abc", '"abc"' },
    { 'x"; system("touch /tmp/pwned"); "', '"x\\"; system(\\"touch /tmp/pwned\\"); \\""' },
    { "a\nb", '"a\\nb"' },
    { "`touch f`", '"\\140touch f\\140"' },
    { "@macro", '"\\100macro"' },
    { "back\\slash", '"back\\\\slash"' },
    { "tab\there", '"tab\\there"' },
    { "cr\r", '"cr\\015"' },
    { "nul\0x", '"nulx"' },
    { "del\127", '"del\\177"' },
    { "°C ünïcode", '"°C ünïcode"' },
    { "it's", '"it\'s"' },
    { 42, '"42"' },
  }
  for _, c in ipairs(cases) do H.eq(gp.quote(c[1]), c[2], "quote " .. tostring(c[1])) end
end)

H.test("quoted strings hold no raw newline, backquote or @", function()
  local nasty = 'a\n"`@\\\r\0\1' .. "'" .. string.char(200)
  local q = gp.quote(nasty)
  H.ok(not q:find("\n", 1, true) and not q:find("`", 1, true) and not q:find("@", 1, true))
  -- every double quote inside is escaped
  local inner = q:sub(2, -2)
  H.ok(not inner:gsub("\\\\", ""):find('[^\\]"'), "unescaped quote in " .. q)
end)

H.test("numbers are written to read back exactly", function()
  H.eq(gp.num(3), "3")
  H.eq(gp.num(3.0), "3.0")
  H.eq(gp.num(-2.5), "-2.5")
  H.eq(gp.num(0.1), "0.1")
  H.eq(gp.num(1 / 3), "0.3333333333333333")
  torch.manualSeed(7)
  local r = torch.randn(200):mul(1e5)
  for i = 1, 200 do
    local v = r[i] / 7
    H.eq(tonumber(gp.num(v)), v, "round trip of " .. v)
  end
  H.check_error("plot: value must be a finite number, got nan", gp.num, 0 / 0)
  H.check_error("plot.x: width must be a finite number, got inf", gp.num, math.huge, "plot.x", "width")
end)

H.test("gnuplot messages split into errors and warnings", function()
  local err, warn = gp.parse_messages(
    "         line 0: undefined variable: foo\n\n" ..
    "         line 0: warning: Skipping data file with no valid points\n\n" ..
    "         line 0: warning: Single isoline (scan) is not enough for a pm3d plot.\n" ..
    "\t   Hint: Missing blank lines in the data file? See 'help pm3d' and FAQ.\n\n")
  H.eq(#err, 1)
  H.eq(err[1], "undefined variable: foo")
  H.eq(#warn, 2)
  H.eq(warn[1], "warning: Skipping data file with no valid points")
  H.ok(warn[2]:find("Hint: Missing blank lines", 1, true))
end)

-- ---------------------------------------------------------------- scripts

H.test("line: several series, styles and the common options", function()
  local s = script_of(function(fig)
    fig:line(torch.Tensor{1, 2, 3}, { torch.Tensor{1, 4, 9}, torch.Tensor{1, 8, 27} },
      { labels = { "sq", "cube" }, color = { "red", "#0000ff" }, width = 2, title = "powers",
        xlabel = "n", ylabel = "value", log = "y", grid = true, legend = "top left",
        xrange = { 0, 4 }, yrange = { nil, 30 } })
  end)
  lines_eq(s, [[
reset
set xlabel "n"
set ylabel "value"
set title "powers"
set xrange [0:4]
set yrange [*:30]
set logscale y
set grid
set key top left
plot ML_D1 binary record=(3) format='%float64%float64' using 1:2 with lines lc rgb "red" lw 2 title "sq", \
    ML_D2 binary record=(3) format='%float64%float64' using 1:2 with lines lc rgb "#0000ff" lw 2 title "cube"]])
end)

H.test("line: y alone, columns of a matrix, series tables", function()
  lines_eq(script_of(function(f) f:line({ 3, 1, 2 }, { style = "points", marker = "square", legend = false }) end), [[
reset
unset key
plot ML_D1 binary record=(3) format='%float64%float64' using 1:2 with points pt 5 notitle]])
  local ds = datasets_of(function(f) f:line({ 3, 1, 2 }) end)
  arr_near(tvals(ds[1].cols[1]), { 1, 2, 3 }, 0, "default x")
  arr_near(tvals(ds[1].cols[2]), { 3, 1, 2 }, 0, "y")
  local m = torch.Tensor{ { 1, 10 }, { 2, 20 }, { 3, 30 } }
  ds = datasets_of(function(f) f:line(torch.Tensor{ 0, 1, 2 }, m) end)
  H.eq(#ds, 2)
  arr_near(tvals(ds[2].cols[2]), { 10, 20, 30 }, 0, "column 2")
  lines_eq(script_of(function(f)
    f:line({ { x = { 1, 2 }, y = { 5, 6 }, label = "a", dash = 2 }, { y = { 7, 8 }, style = "steps" } },
      { logx = true, logy = true })
  end), [[
reset
set logscale x
set logscale y
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines dt 2 title "a", \
    ML_D2 binary record=(2) format='%float64%float64' using 1:2 with steps notitle]])
end)

H.test("an injected title is one quoted string in the script", function()
  local s = script_of(function(f)
    f:line({ 1, 2 }, { title = 'x"; system("touch /tmp/pwned"); "', xlabel = "a\nsystem('x')",
      labels = { "`rm -rf /`" } })
  end)
  lines_eq(s, [[
reset
set xlabel "a\nsystem('x')"
set title "x\"; system(\"touch /tmp/pwned\"); \""
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines title "\140rm -rf /\140"]])
end)

H.test("scatter: coloured by class", function()
  local fig = plot.figure()
  fig:scatter(torch.Tensor{ 1, 2, 3, 4 }, torch.Tensor{ 4, 3, 2, 1 }, { by = { "b", "a", "b", "a" } })
  lines_eq(fig:script(), [[
reset
plot ML_D1 binary record=(4) format='%float64%float64%float64' using 1:($3==1 ? $2 : NaN) with points pt 7 ps 0.8 title "a", \
    ML_D1 binary record=(4) format='%float64%float64%float64' using 1:($3==2 ? $2 : NaN) with points pt 7 ps 0.8 title "b"]])
  local _, ds = fig:body("t")
  arr_near(tvals(ds[1].cols[3]), { 2, 1, 2, 1 }, 0, "class codes")
  -- numeric classes sort as numbers; an n x 2 matrix is x and y
  fig:scatter(torch.Tensor{ { 0, 0 }, { 1, 1 }, { 2, 2 } }, { by = torch.Tensor{ 10, 2, 10 } })
  local s = fig:script()
  H.ok(s:find('%$3==1 %? %$2 : NaN%) with points pt 7 ps 0.8 title "2"'), s)
  H.ok(s:find('title "10"', 1, true), s)
  fig:scatter({ 1, 2 }, { 3, 4 }, { values = { 0.5, 0.7 } })
  H.ok(fig:script():find("using 1:2:3 with points pt 7 ps 0.8 notitle lc palette", 1, true))
  fig:close()
end)

H.test("hist: numpy's bins, counts and density", function()
  local fig = plot.figure()
  -- numpy.histogram([1, 2, 2, 3, 3, 3, 4], bins=3) -> [1, 2, 4], edges [1, 2, 3, 4]
  local counts, edges = fig:hist(torch.Tensor{ 1, 2, 2, 3, 3, 3, 4 }, { bins = 3 })
  arr_near(tvals(counts), { 1, 2, 4 }, 0, "counts")
  arr_near(tvals(edges), { 1, 2, 3, 4 }, 1e-15, "edges")
  lines_eq(fig:script(), [[
reset
set style fill transparent solid 0.6 border
set ylabel "count"
unset key
plot ML_D1 binary record=(3) format='%float64%float64%float64' using 1:2:3 with boxes notitle]])
  local _, ds = fig:body("t")
  arr_near(tvals(ds[1].cols[1]), { 1.5, 2.5, 3.5 }, 1e-15, "centres")
  arr_near(tvals(ds[1].cols[3]), { 1, 1, 1 }, 1e-15, "widths")
  -- density: counts / (n * width); range leaves values out; NaN ignored
  -- numpy.histogram([0, .5, 1, 1.5, 5, nan...], bins=2, range=(0, 2), density=True) -> [0.5, 0.5]
  counts = fig:hist(torch.Tensor{ 0, 0.5, 1, 1.5, 5, 0 / 0 }, { bins = 2, range = { 0, 2 }, density = true })
  arr_near(tvals(counts), { 2, 2 }, 0, "counts in range")
  _, ds = fig:body("t")
  arr_near(tvals(ds[1].cols[2]), { 0.5, 0.5 }, 1e-15, "density heights")
  H.ok(fig:script():find('set ylabel "density"', 1, true))
  -- Sturges: 100 values -> ceil(log2 100) + 1 = 8 bins
  counts = fig:hist(torch.range(1, 100))
  H.eq(counts:nElement(), 8)
  H.eq(counts:sum(), 100)
  -- several samples share the bins
  local res = fig:hist({ a = torch.Tensor{ 0, 1 }, b = torch.Tensor{ 2, 3 } }, { bins = 3 })
  H.eq(#res, 2)
  arr_near(tvals(res[1].counts), { 1, 1, 0 }, 0)
  arr_near(tvals(res[2].counts), { 0, 0, 2 }, 0)
  H.eq(res[1].label, "a")
  -- every type, strided input
  local m = torch.IntTensor{ { 1, 5 }, { 2, 6 }, { 3, 7 } }
  counts = fig:hist(m:t()[2], { bins = 2, range = { 1, 7 } })
  arr_near(tvals(counts), { 0, 3 }, 0, "int, strided row of a transpose")
  res = fig:hist(m, { bins = 2, range = { 1, 7 } }) -- a matrix: one sample per column
  arr_near(tvals(res[1].counts), { 3, 0 }, 0, "column 1")
  arr_near(tvals(res[2].counts), { 0, 3 }, 0, "column 2")
  counts = fig:hist(torch.ByteTensor{ 0, 255, 255 }, { bins = 1 })
  arr_near(tvals(counts), { 3 }, 0, "bytes")
  fig:close()
end)

H.test("bar, grouped bars and box plots", function()
  lines_eq(script_of(function(f) f:bar({ 3, 1, 2 }, { labels = { "x", "y", "z" } }) end), [[
reset
set style fill solid 0.8 border -1
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xrange [0.5:3.5]
unset key
set xtics ("x" 1, "y" 2, "z" 3)
plot ML_D1 binary record=(3) format='%float64%float64%float64' using 1:2:3 with boxes notitle]])
  local ds = datasets_of(function(f) f:bar(torch.Tensor{ { 1, 2 }, { 3, 4 } }, { series = { "p", "q" } }) end)
  H.eq(#ds, 2)
  arr_near(tvals(ds[1].cols[1]), { 0.8, 1.8 }, 1e-12, "series 1 positions")
  arr_near(tvals(ds[2].cols[1]), { 1.2, 2.2 }, 1e-12, "series 2 positions")
  arr_near(tvals(ds[2].cols[2]), { 2, 4 }, 0, "series 2 heights")
  arr_near(tvals(ds[1].cols[3]), { 0.4, 0.4 }, 1e-12, "widths")
  lines_eq(script_of(function(f) f:box({ a = { 1, 2, 3 }, b = { 2, 3, 4 } }) end), [[
reset
set style fill solid 0.35 border -1
set style boxplot outliers pointtype 7
set boxwidth 0.5
set xrange [0.5:2.5]
unset key
set xtics ("a" 1, "b" 2)
plot ML_D1 binary record=(3) format='%float64' using (1):1 with boxplot title "a", \
    ML_D2 binary record=(3) format='%float64' using (2):1 with boxplot title "b"]])
  ds = datasets_of(function(f) f:box(torch.Tensor{ 5, 1, 6, 2 }, { by = { "u", "v", "u", "v" } }) end)
  arr_near(tvals(ds[1].cols[1]), { 5, 6 }, 0, "group u")
  arr_near(tvals(ds[2].cols[1]), { 1, 2 }, 0, "group v")
end)

H.test("heatmap, image and surface", function()
  lines_eq(script_of(function(f) f:heatmap(torch.Tensor{ { 1, 2 }, { 3, 4 } }, { values = true, xlabels = { "p", "q" } }) end), [[
reset
set palette defined (0 '#440154', 1 '#472c7a', 2 '#3b518b', 3 '#2c718e', 4 '#21908d', 5 '#27ad81', 6 '#5cc863', 7 '#aadc32', 8 '#fde725')
set xrange [0.5:2.5]
set yrange [2.5:0.5]
set ytics 1
set tics scale 0
unset key
set xtics ("p" 1, "q" 2)
plot ML_D1 binary array=(2,2) origin=(1,1) format='%float64' with image notitle, \
    ML_D2 binary record=(4) format='%float64%float64%float64' using 1:2:($3 < 2.5 ? sprintf("%.2g", $3) : "") with labels tc rgb "white" notitle, \
    ML_D2 binary record=(4) format='%float64%float64%float64' using 1:2:($3 >= 2.5 ? sprintf("%.2g", $3) : "") with labels tc rgb "black" notitle]])
  local ds = datasets_of(function(f) f:heatmap(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }:t(), { values = true }) end)
  arr_near(tvals(ds[1].cols[1]), { 1, 4, 2, 5, 3, 6 }, 0, "transposed matrix, row-major")
  arr_near(tvals(ds[2].cols[1]), { 1, 2, 1, 2, 1, 2 }, 0, "label x")
  arr_near(tvals(ds[2].cols[2]), { 1, 1, 2, 2, 3, 3 }, 0, "label y")
  lines_eq(script_of(function(f) f:image(torch.ByteTensor(3, 2, 4)) end), [[
reset
set size ratio -1
set xrange [0.5:4.5]
set yrange [2.5:0.5]
unset border
unset tics
unset colorbox
unset key
plot ML_D1 binary array=(4,2) origin=(1,1) format='%float64%float64%float64' using ($1):($2):($3) with rgbimage notitle]])
  lines_eq(script_of(function(f) f:image(torch.rand(5, 6), { axes = true }) end), [[
reset
set size ratio -1
set xrange [0.5:6.5]
set yrange [5.5:0.5]
unset colorbox
set palette gray
set cbrange [0:1]
unset key
plot ML_D1 binary array=(6,5) origin=(1,1) format='%float64' with image notitle]])
  lines_eq(script_of(function(f) f:surface(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }, { style = "lines", zlabel = "z" }) end), [[
reset
set hidden3d
set zlabel "z"
unset key
splot ML_D1 binary record=(3,2) format='%float64%float64%float64' using 1:2:3 with lines notitle]])
  ds = datasets_of(function(f) f:surface(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }, { x = { 10, 20, 30 }, y = { 0, 1 } }) end)
  arr_near(tvals(ds[1].cols[1]), { 10, 20, 30, 10, 20, 30 }, 0, "grid x")
  arr_near(tvals(ds[1].cols[2]), { 0, 0, 0, 1, 1, 1 }, 0, "grid y")
  arr_near(tvals(ds[1].cols[3]), { 1, 2, 3, 4, 5, 6 }, 0, "z")
end)

H.test("errorbar: symmetric, asymmetric, x errors", function()
  lines_eq(script_of(function(f) f:errorbar(nil, torch.Tensor{ 1, 2 }, torch.Tensor{ 0.1, 0.2 }, { label = "m" }) end), [[
reset
plot ML_D1 binary record=(2) format='%float64%float64%float64' using 1:2:3 with yerrorbars pt 7 ps 0.7 title "m"]])
  local s = script_of(function(f) f:errorbar({ 1, 2 }, { 3, 4 }, { lo = { 2, 3 }, hi = { 4, 5 } }, { lines = true }) end)
  H.ok(s:find("using 1:2:3:4 with yerrorlines", 1, true), s)
  s = script_of(function(f) f:errorbar({ 1, 2 }, { 3, 4 }, { 1, 1 }, { xerr = { 0.5, 0.5 } }) end)
  H.ok(s:find("using 1:2:4:3 with xyerrorbars", 1, true), s)
end)

H.test("grid: multiplot panels in reading order", function()
  lines_eq(script_of(function(f)
    f:grid(1, 2, { title = "g" }); f:line({ 1, 2 }); f:panel(2); f:bar({ 1, 2 })
  end), [[
reset
set multiplot layout 1,2 title "g"
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines notitle
reset
set style fill solid 0.8 border -1
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set xrange [0.5:2.5]
unset key
set xtics ("1" 1, "2" 2)
plot ML_D2 binary record=(2) format='%float64%float64%float64' using 1:2:3 with boxes notitle
unset multiplot]])
  lines_eq(script_of(function(f) f:grid(2, 2); f:panel(2, 1); f:line({ 1, 2 }) end), [[
reset
set multiplot layout 2,2
set multiplot next
reset
set multiplot next
reset
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines notitle
unset multiplot]])
  -- decorations and layers added to the last plot
  lines_eq(script_of(function(f)
    f:line({ 1, 2 }); f:title("t"); f:line({ 3, 4 }, { add = true, style = "points" })
  end), [[
reset
set title "t"
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines notitle, \
    ML_D2 binary record=(2) format='%float64%float64' using 1:2 with points notitle]])
end)

H.test("raw gnuplot lines and xtics forms", function()
  lines_eq(script_of(function(f)
    f:line({ 1, 2 }, { raw = { "set border 3" }, xtics = { { "a", 1 }, { "b", 2.5 } }, ytics = 0.5, aspect = "equal" })
  end), [[
reset
set xtics ("a" 1, "b" 2.5)
set ytics 0.5
set size ratio -1
set border 3
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with lines notitle]])
end)

-- ---------------------------------------------------------------- errors

H.test("argument errors name the call", function()
  H.check_error("plot.line: x has 2 points, y has 3", plot.line, { 1, 2 }, { 1, 2, 3 })
  H.check_error("plot.line: y is empty", plot.line, torch.Tensor())
  H.check_error("plot.line: y must be a vector, got a 2x2x2 tensor", plot.line, torch.Tensor(2, 2, 2))
  H.check_error("plot.line: y[2] is not a number (string)", plot.line, { 1, "a" })
  H.check_error("plot.line: unknown style 'wiggly'", plot.line, { 1, 2 }, { style = "wiggly" })
  H.check_error("plot.line: legend position word 'nowhere'", plot.line, { 1, 2 }, { legend = "top nowhere" })
  H.check_error("plot.line: log must be a string of axes", plot.line, { 1, 2 }, { log = "w" })
  H.check_error("plot.line: xrange[1] must be a finite number, got a", plot.line, { 1, 2 }, { xrange = { "a", 2 } })
  H.check_error("plot.line: unknown marker 'blob'", plot.line, { 1, 2 }, { style = "points", marker = "blob" })
  H.check_error("plot.scatter: by has 1 labels for 2 points", plot.scatter, { 1, 2 }, { 1, 2 }, { by = { 1 } })
  H.check_error("plot.hist: bins must be at least 1, got 0", plot.hist, { 1, 2 }, { bins = 0 })
  H.check_error("plot.hist: x has no finite values", plot.hist, { 0 / 0 })
  H.check_error("plot.bar: series 2 has 1 values, series 1 has 2", plot.bar, { { 1, 2 }, { 3 } })
  H.check_error("plot.heatmap: m must be a 2-D tensor, got 3", plot.heatmap, torch.Tensor(3))
  H.check_error("plot.heatmap: unknown palette 'rainbow'", function()
    local f = plot.figure(); f:heatmap(torch.eye(2), { palette = "rainbow" }); f:script()
  end)
  H.check_error("plot.image: need an h x w or c x h x w image with 1 to 4 channels, got 5x2x2",
    plot.image, torch.Tensor(5, 2, 2))
  H.check_error("plot.surface: x has 2 values, z has 3 columns", plot.surface, torch.Tensor(2, 3), { x = { 1, 2 } })
  H.check_error("plot.errorbar: err has 1 values for 2 points", plot.errorbar, { 1, 2 }, { 1, 2 }, { 1 })
  H.check_error("plot.grid: rows and cols must be positive integers", plot.grid, 0, 2)
  H.check_error("plot.panel: panel 5 is outside the 2x2 grid", function()
    local f = plot.figure(); f:grid(2, 2); f:panel(5)
  end)
  H.check_error("plot.output: cannot tell the format of out.jpg", plot.output, "out.jpg")
  H.check_error("plot.save: the figure is empty", function() plot.figure():save("/tmp/x.png") end)
  H.check_error("plot.roc: y needs both positive (1) and negative labels", plot.roc, { 1, 1 }, { 0.1, 0.2 })
  H.check_error("plot.confusion: cm must be square, got 2x3", plot.confusion, torch.Tensor(2, 3))
  H.check_error("plot.pairs: need at least 2 columns, got 1", plot.pairs, torch.Tensor(4, 1))
end)

H.test("errors are reported at the caller's line", function()
  local ok, err = pcall(function() plot.line({ 1 }, { 1, 2 }) end)
  H.ok(not ok)
  H.ok(err:match("^tests/lua/test_plot_script%.lua:%d+: plot%.line:"), err)
end)

-- ---------------------------------------------------------------- targets

H.test("output targets from names, paths and tables", function()
  H.eq(figure.target("a/b.PNG", "t").kind, "file")
  H.eq(figure.target("a/b.PNG", "t").ext, "png")
  H.eq(figure.target("x.svg", "t").ext, "svg")
  H.eq(figure.target("text", "t").kind, "dumb")
  H.eq(figure.target("png", "t").kind, "capture")
  H.eq(figure.target(nil, "t").kind, "auto")
  H.eq(figure.target({ path = "q.pdf", size = { 3, 4 } }, "t").ext, "pdf")
  H.check_error("t: output must be a string or a table, got number", figure.target, 3, "t")
  local prev = plot.output("dumb")
  H.eq(prev, "none")
  H.eq(plot.output("none"), "dumb")
end)

H.test("gnuplot missing: the error says what to install", function()
  local saved, saved_exe = gp.program, gp.exe
  gp.program, gp.exe = "gnuplot-not-installed-here", nil
  local fig = plot.figure({ output = "capture" })
  local ok, err = pcall(fig.line, fig, { 1, 2 })
  gp.program, gp.exe = saved, saved_exe
  fig:close()
  H.ok(not ok)
  H.ok(err:find("plot.line: gnuplot is not installed", 1, true), err)
  H.ok(err:find("gnuplot-nox", 1, true), err)
  H.check_error("plot.set_gnuplot: /nonexistent/gnuplot is not an executable file",
    plot.set_gnuplot, "/nonexistent/gnuplot")
end)

H.test("gnuplot missing from $PATH in a fresh moonlab: clear error, the program goes on", function()
  local exe = os.getenv("MOONLAB") or "./moonlab"
  local code = "local p = require 'moonlab.plot'; p.output('capture'); "
    .. "local ok, e = pcall(p.line, {1, 2}); print(ok, e); print('still running')"
  local f = io.popen("env PATH=/nonexistent " .. exe .. " -e \"" .. code .. "\" 2>&1")
  local out = f:read("a")
  f:close()
  H.ok(out:find("false\t[^\n]*plot.line: gnuplot is not installed") ~= nil, out)
  H.ok(out:find("apt-get install gnuplot-x11", 1, true), out)
  H.ok(out:find("still running", 1, true), out)
  -- the REPL (reading a pipe) reports the error and reads the next line
  f = io.popen("printf 'p = require \"moonlab.plot\"\\np.output(\"capture\")\\np.line({1, 2})\\n"
    .. "print(\"alive after error\")\\n' | env PATH=/nonexistent " .. exe .. " 2>&1")
  out = f:read("a")
  f:close()
  H.ok(out:find("plot.line: gnuplot is not installed", 1, true), out)
  H.ok(out:find("alive after error", 1, true), out)
end)

-- ---------------------------------------------------------------- helpers' numbers

H.test("roc: points and AUC (scikit-learn's example values)", function()
  -- sklearn.metrics.roc_curve([0,0,1,1], [.1,.4,.35,.8]): fpr [0,0,.5,.5,1], tpr [0,.5,.5,1,1]
  -- (plus its extra (0,0) start), roc_auc_score = 0.75
  local f, t, auc = Hp.roc_curve({ 0, 0, 1, 1 }, 2, { 0.1, 0.4, 0.35, 0.8 })
  arr_near(tvals(f), { 0, 0, 0.5, 0.5, 1 }, 0, "fpr")
  arr_near(tvals(t), { 0, 0.5, 0.5, 1, 1 }, 0, "tpr")
  H.near(auc, 0.75, 1e-15)
  -- ties form one step; all tied gives the diagonal
  local _, _, a2 = Hp.roc_curve({ 1, 0, 1, 0 }, 2, { 0.5, 0.5, 0.5, 0.5 })
  H.near(a2, 0.5, 1e-15)
  -- perfect ranking
  local _, _, a3 = Hp.roc_curve({ 0, 1, 0, 1 }, 2, { 1, 3, 2, 4 })
  H.near(a3, 1.0, 1e-15)
  -- through the plot call, labels that are not 0/1 (largest is positive)
  local fig = plot.figure()
  local auc2 = fig:roc(torch.Tensor{ 3, 3, 7, 7 }, torch.Tensor{ 0.1, 0.4, 0.35, 0.8 })
  H.near(auc2, 0.75, 1e-15)
  H.ok(fig:script():find('title "AUC = 0.750"', 1, true))
  local res = fig:roc({ 0, 0, 1, 1 }, { a = { 0.1, 0.4, 0.35, 0.8 }, b = { 1, 2, 3, 4 } })
  H.eq(#res, 2)
  H.near(res[2].auc, 1, 1e-15)
  H.ok(fig:script():find('title "b AUC = 1.000"', 1, true))
  fig:close()
end)

H.test("pr: average precision (scikit-learn's definition)", function()
  -- sklearn.metrics.average_precision_score([0,0,1,1], [.1,.4,.35,.8]) = 0.8333...
  local p, r, ap = Hp.pr_curve({ 0, 0, 1, 1 }, 2, { 0.1, 0.4, 0.35, 0.8 })
  H.near(ap, 5 / 6, 1e-15)
  arr_near(tvals(r), { 0, 0.5, 0.5, 1, 1 }, 1e-15, "recall")
  arr_near(tvals(p), { 1, 1, 0.5, 2 / 3, 0.5 }, 1e-15, "precision")
  local fig = plot.figure()
  H.near(fig:pr(torch.Tensor{ 0, 0, 1, 1 }, torch.Tensor{ 0.1, 0.4, 0.35, 0.8 }), 5 / 6, 1e-15)
  fig:close()
end)

H.test("confusion: counts from labels, normalisation", function()
  local cm, classes = Hp.confusion_matrix("t", { 1, 2, 2, 3, 3, 3 }, { 1, 2, 3, 3, 3, 1 })
  H.eq(#classes, 3)
  arr_near(tvals(cm), { 1, 0, 0, 0, 1, 1, 1, 0, 2 }, 0, "cm")
  local fig = plot.figure()
  local shown = fig:confusion({ y = { "a", "b", "b" }, pred = { "a", "a", "b" } })
  arr_near(tvals(shown), { 1, 0, 1, 1 }, 0, "from labels")
  H.ok(fig:script():find('set xtics ("a" 1, "b" 2)', 1, true))
  H.ok(fig:script():find('sprintf("%.0f", $3)', 1, true))
  shown = fig:confusion(torch.Tensor{ { 3, 1 }, { 0, 2 } }, { "x", "y" }, { normalize = true })
  arr_near(tvals(shown), { 0.75, 0.25, 0, 1 }, 1e-15, "normalised rows")
  fig:close()
end)

H.test("corr: Pearson correlation against the closed form", function()
  local x = torch.Tensor{ 1, 2, 3, 4, 5 }
  local y = torch.Tensor{ 2, 1, 4, 3, 5 }
  -- r(x, y) = cov / (sx sy) = 2 / 2.5 = 0.8 (hand computed: deviations -2..2 and -1,-2,1,0,2)
  local r = Hp.correlation("t", { x, y, x * 2 + 1, -x })
  H.near(r[1][2], 0.8, 1e-15)
  H.near(r[1][3], 1, 1e-15)
  H.near(r[1][4], -1, 1e-15)
  H.near(r[2][2], 1, 1e-15)
  H.eq(r[2][1], r[1][2])
  local fig = plot.figure()
  local rr = fig:corr({ a = x, b = y })
  H.near(rr[1][2], 0.8, 1e-15)
  H.ok(fig:script():find('set cbrange [-1:1]', 1, true))
  H.ok(fig:script():find('set xtics ("a" 1, "b" 2)', 1, true))
  fig:close()
end)

H.test("dist: kernel density integrates to one and peaks where the data is", function()
  local xs = {}
  for i = 1, 2001 do xs[i] = (i - 1001) / 250 end  -- uniform on [-4, 4]
  local g, d, bw = Hp.kde(xs, -4, 4)
  local step = g[2] - g[1]
  H.near(d:sum() * step, 1, 2e-3)
  -- one point: a Gaussian of the bandwidth, height 1 / (bw sqrt(2 pi)) at the point
  local g1, d1, bw1 = Hp.kde({ 0 }, -1, 1, 0.5, 401)
  local best = 1
  for i = 1, 401 do if d1[i] > d1[best] then best = i end end
  H.near(g1[best], 0, 0.01)
  H.near(d1[best], 1 / (bw1 * math.sqrt(2 * math.pi)), 0.01)
  local fig = plot.figure()
  local counts = fig:dist(torch.Tensor(xs), { bins = 8 })
  H.eq(counts:sum(), 2001)
  H.ok(fig:script():find('title "density"', 1, true))
  fig:close()
  H.ok(bw > 0)
end)

H.test("learning_curve: the history forms", function()
  local s = script_of(function(f) f:learning_curve({ train = { 1, 0.5 }, valid = { 1.2, 0.8 } }) end)
  lines_eq(s, [[
reset
set xlabel "epoch"
set ylabel "value"
plot ML_D1 binary record=(2) format='%float64%float64' using 1:2 with linespoints lc 1 lw 2 pt 7 ps 0.6 title "train", \
    ML_D2 binary record=(2) format='%float64%float64' using 1:2 with linespoints lc 2 lw 2 pt 7 ps 0.6 title "valid"]])
  local ds = datasets_of(function(f)
    f:learning_curve({ { epoch = 5, loss = 1 }, { epoch = 10, loss = 0.5 } })
  end)
  arr_near(tvals(ds[1].cols[1]), { 5, 10 }, 0, "epochs")
  arr_near(tvals(ds[1].cols[2]), { 1, 0.5 }, 0, "loss")
  ds = datasets_of(function(f)
    f:learning_curve({ size = { 10, 20 }, train = { 0.9, 0.95 }, train_std = { 0.1, 0.05 } })
  end)
  H.eq(#ds, 2) -- band and line
  arr_near(tvals(ds[1].cols[2]), { 0.8, 0.9 }, 1e-12, "band low")
  arr_near(tvals(ds[1].cols[3]), { 1.0, 1.0 }, 1e-12, "band high")
end)

H.test("pairs: a d x d grid of histograms and scatters", function()
  local fig = plot.figure()
  fig:pairs(torch.Tensor{ { 1, 2 }, { 2, 1 }, { 3, 5 } }, { names = { "u", "v" }, by = { 1, 2, 1 } })
  local s = fig:script()
  H.ok(s:find("set multiplot layout 2,2", 1, true), s)
  local n = 0
  for _ in s:gmatch("with boxes") do n = n + 1 end
  H.eq(n, 2)
  H.ok(s:find('set xlabel "v"', 1, true))
  H.ok(s:find('set ylabel "u"', 1, true))
  fig:close()
end)

H.test("frames: a registered adapter makes an object usable as columns", function()
  local Frame = {}
  plot.add_frame_adapter(function(obj)
    if getmetatable(obj) == Frame then return obj.names, obj.cols end
  end)
  local df = setmetatable({ names = { "a", "b" }, cols = { torch.Tensor{ 1, 2, 3 }, torch.Tensor{ 3, 2, 1 } } }, Frame)
  local fig = plot.figure()
  local r = fig:corr(df)
  H.near(r[1][2], -1, 1e-15)
  H.ok(fig:script():find('set xtics ("a" 1, "b" 2)', 1, true))
  fig:close()
end)

-- ---------------------------------------------------------------- column files

H.test("save_columns writes exact float64 records from any type and strides", function()
  local path = os.tmpname()
  local function read(k)
    local f = assert(io.open(path, "rb"))
    local s = f:read("a")
    f:close()
    local v, pos = {}, 1
    while pos <= #s do
      local x
      x, pos = string.unpack("<d", s, pos)
      v[#v + 1] = x
    end
    H.eq(#v % k, 0)
    return v
  end
  local a = torch.Tensor{ 0.1, 1 / 3, -2.5e300 }
  local b = torch.ByteTensor{ 0, 255, 7 }
  local c = torch.FloatTensor{ 0.1, 2, 3 }
  local d = torch.LongTensor{ 2 ^ 53, -1, 0 }
  H.eq(P.save_columns(path, { a, b, c, d }), 3)
  local v = read(4)
  arr_near(v, { 0.1, 0, c[1], 2 ^ 53, 1 / 3, 255, 2, -1, -2.5e300, 7, 3, 0 }, 0, "rows")
  -- a transposed view and an expanded one are read in logical order
  local m = torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }
  local e = torch.Tensor{ 9 }:expand(3, 2)
  H.eq(P.save_columns(path, { m:t(), e, torch.IntTensor{ { 1, 2, 3, 4, 5, 6 } }:narrow(2, 1, 6) }), 6)
  arr_near(read(3), { 1, 9, 1, 4, 9, 2, 2, 9, 3, 5, 9, 4, 3, 9, 5, 6, 9, 6 }, 0, "strided")
  -- many rows cross the 64 KiB blocks
  local big = torch.range(1, 20001)
  H.eq(P.save_columns(path, { big, big * 2, big * 3 }), 20001)
  local vb = read(3)
  H.eq(vb[3 * 20001 - 2], 20001)
  H.eq(vb[3 * 12345], 3 * 12345)
  -- an empty column writes an empty file
  H.eq(P.save_columns(path, { torch.Tensor() }), 0)
  H.eq(#read(1), 0)
  H.check_error("columns.save: tensor 2 has 2 elements, tensor 1 has 3", P.save_columns, path,
    { a, torch.Tensor(2) })
  H.check_error("columns.save: column 2 is not a tensor", P.save_columns, path, { a, {} })
  H.check_error("columns.save: cannot write /nonexistent/dir/f.bin: No such file or directory",
    P.save_columns, "/nonexistent/dir/f.bin", { a })
  os.remove(path)
end)

plot.closeall()
H.done()
