-- Torch7's gnuplot module on moonlab: the scripts its call forms generate
-- (no gnuplot needed), its histc numbers, its errors, figure numbering and
-- decorations, and the examples of its documentation rendered by the real
-- gnuplot into PNG files read back with moonlab's PNG loader.
local H = dofile("tests/lua/harness.lua")
require "gnuplot"
local plot = require "moonlab.plot"
local image = require "moonlab.image"
local P = torch._proc

plot.output("none")
local tmp = P.mkdtemp((os.getenv("TMPDIR") or "/tmp") .. "/moonlab-gnuplot-test-")

local function script()
  return gnuplot.figure_object():script()
end

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

local function not_blank(path, what)
  local img = image.load(path, { type = "byte" })
  H.eq(img:size(2), 600, what .. " height")
  H.eq(img:size(3), 800, what .. " width")
  H.ok(img[1]:double():std() > 10, what .. " is blank")
end

H.test("require 'gnuplot' gives the global module", function()
  H.eq(type(gnuplot), "table")
  H.eq(require("gnuplot"), gnuplot)
  for _, name in ipairs({ "plot", "hist", "histc", "bar", "imagesc", "splot", "scatter3", "figure",
    "pngfigure", "svgfigure", "epsfigure", "pdffigure", "figprint", "plotflush", "close", "closeall",
    "xlabel", "ylabel", "zlabel", "title", "grid", "axis", "movelegend", "logscale", "raw",
    "setterm", "setgnuplotexe" }) do
    H.eq(type(gnuplot[name]), "function", name)
  end
end)

H.test("plot forms and format characters", function()
  gnuplot.figure(1)
  local x = torch.Tensor{ 1, 2, 3 }
  gnuplot.plot(x)
  lines_eq(script(), [[
reset
plot ML_D1 binary record=(3) format='%float64%float64' with linespoints pt 7 ps 0.5 notitle]])
  gnuplot.plot("Sin", x, x * 2, "|")
  lines_eq(script(), [[
reset
plot ML_D1 binary record=(3) format='%float64%float64' with boxes title "Sin"]])
  gnuplot.plot({ "Cos", x, x, "~" }, { "It's", x, x, "+-" }, { x, "." }, { x, x, "-" }, { x, x, "+" })
  lines_eq(script(), [[
reset
plot ML_D1 binary record=(3) format='%float64%float64' smooth csplines title "Cos", \
    ML_D2 binary record=(3) format='%float64%float64' with linespoints title "It's", \
    ML_D3 binary record=(3) format='%float64%float64' with dots notitle, \
    ML_D4 binary record=(3) format='%float64%float64' with lines notitle, \
    ML_D5 binary record=(3) format='%float64%float64' with points notitle]])
  -- the nested-table form, a 3-column matrix (x, then two series columns) and a custom style
  local yy = torch.Tensor{ { 1, 0, 2 }, { 2, 1, 3 }, { 3, 2, 4 } }
  gnuplot.plot({ { yy, "filledcurves fill transparent solid 0.5" }, { x, x, "lines ls 1" } })
  lines_eq(script(), [[
reset
plot ML_D1 binary record=(3) format='%float64%float64%float64' with filledcurves fill transparent solid 0.5 notitle, \
    ML_D2 binary record=(3) format='%float64%float64' with lines ls 1 notitle]])
  -- smoothing with a coefficient and vector fields
  gnuplot.plot("s", x, x, "~ 0.5")
  H.ok(script():find("format='%float64%float64%float64' smooth acsplines title \"s\"", 1, true), script())
  gnuplot.plot(torch.Tensor{ { 0, 1, 0, 1 }, { 1, 1, 1, -1 } }, "v")
  H.ok(script():find("format='%float64%float64%float64%float64' with vectors notitle", 1, true))
  local _, ds = gnuplot.figure_object():body("t")
  H.eq(ds[1].cols[1][2], 1)  -- x
  H.eq(ds[1].cols[2][2], 1)  -- y
  H.eq(ds[1].cols[3][2], 1)  -- dx
  H.eq(ds[1].cols[4][2], -1) -- dy
  gnuplot.close()
end)

H.test("decorations persist across plots and redraw", function()
  local n = gnuplot.figure()
  gnuplot.title('Weird "title"')
  gnuplot.plot(torch.Tensor{ 1, 2 })
  gnuplot.xlabel("X"); gnuplot.ylabel("Y"); gnuplot.zlabel("Z")
  gnuplot.grid(true)
  gnuplot.movelegend("left", "bottom")
  gnuplot.logscale(true)
  gnuplot.axis({ 0, 10, "", 5 })
  gnuplot.raw("set border 3")
  gnuplot.plot(torch.Tensor{ 3, 4 })
  lines_eq(script(), [[
reset
set border 3
set xlabel "X"
set ylabel "Y"
set zlabel "Z"
set title "Weird \"title\""
set xrange [0:10]
set yrange [*:5]
set logscale x
set logscale y
set grid
set key left bottom
plot ML_D1 binary record=(2) format='%float64%float64' with linespoints pt 7 ps 0.5 notitle]])
  gnuplot.axis({ "", "", 1, "" })
  H.ok(script():find("set xrange [0:10]", 1, true))
  H.ok(script():find("set yrange [1:5]", 1, true))
  gnuplot.axis("auto"); gnuplot.grid(false); gnuplot.logscale(false)
  H.ok(not script():find("xrange", 1, true) and not script():find("grid", 1, true))
  gnuplot.axis("equal")
  H.ok(script():find("set size ratio -1", 1, true))
  gnuplot.raw("plot sin(x) title 'raw'")
  H.ok(script():find("plot sin(x) title 'raw'", 1, true))
  gnuplot.close(n)
  H.eq(gnuplot.figure_object(n), nil)
end)

H.test("figure numbers", function()
  gnuplot.closeall()
  H.eq(gnuplot.figure(), 1)
  H.eq(gnuplot.figure(), 2)
  H.eq(gnuplot.figure(7), 7)
  H.eq(gnuplot.figure(1), 1)
  H.eq(gnuplot.figure_object(), gnuplot.figure_object(1))
  H.eq(gnuplot.pngfigure(tmp .. "/f.png"), 3) -- Torch7: #figures + 1, holes and all
  gnuplot.closeall()
  H.eq(gnuplot.figure_object(1), nil)
end)

H.test("histc: Torch7's table of bins", function()
  local h = gnuplot.histc(torch.Tensor{ 1, 2, 2, 3, 3, 3, 4 }, 3)
  H.eq(#h, 3)
  H.eq(h.bins, 3)
  H.eq(h.binwidth, 1)
  H.eq(h.raw[1], 1); H.eq(h.raw[2], 2); H.eq(h.raw[3], 4)
  H.eq(h[1].val, 1.5); H.eq(h[3].val, 3.5); H.eq(h[3].nb, 4)
  H.eq(h.max.val, 3.5); H.eq(h.max.nb, 4)
  -- explicit range: values outside are left out
  h = gnuplot.histc(torch.Tensor{ -5, 0, 0.5, 1, 9 }, 2, 0, 1)
  H.eq(h.raw[1], 1); H.eq(h.raw[2], 2)
  -- default 100 bins
  H.eq(#gnuplot.histc(torch.randn(50)), 100)
  gnuplot.figure()
  local r = gnuplot.hist(torch.Tensor{ 1, 2, 2, 3 }, 3)
  H.eq(r.raw:sum(), 4)
  H.ok(script():find("with boxes notitle", 1, true))
  gnuplot.closeall()
end)

H.test("errors keep Torch7's words and name the function", function()
  gnuplot.figure()
  H.check_error("gnuplot.plot: no inputs, expecting at least a vector", gnuplot.plot)
  H.check_error("gnuplot.plot: expecting [string,] tensor [,tensor] [,string]", gnuplot.plot, "a")
  H.check_error("gnuplot.plot: expecting [string,] tensor [,tensor] [,string]", gnuplot.plot, 3)
  H.check_error("gnuplot.movelegend: horizontal location is unknown", gnuplot.movelegend, "up", "top")
  H.check_error("gnuplot.movelegend: vertical location is unknown", gnuplot.movelegend, "left", "up")
  H.check_error("gnuplot.splot: x and y and z are expected to be matrices", gnuplot.splot, torch.Tensor(3), torch.Tensor(3), torch.Tensor(3))
  H.check_error("gnuplot.scatter3: x, y and z must be the same size", gnuplot.scatter3, torch.Tensor(3), torch.Tensor(2), torch.Tensor(3))
  H.check_error("gnuplot.imagesc: x is expected to be a matrix, got 1D", gnuplot.imagesc, torch.Tensor(3))
  H.check_error("gnuplot.figprint: only png, eps, pdf and svg files are supported", gnuplot.figprint, "a.gif")
  H.check_error("gnuplot.setgnuplotexe: /no/such/gnuplot does not exist", gnuplot.setgnuplotexe, "/no/such/gnuplot")
  H.check_error("gnuplot.setterm: gnuplot does not seem to have this term (nosuchterm)", gnuplot.setterm, "nosuchterm")
  H.check_error("gnuplot.setterm: terminal png draws to files", gnuplot.setterm, "png")
  -- a custom style gnuplot does not know: gnuplot's own error, naming the call
  local ok, err = pcall(function()
    gnuplot.figure_object():set_output("capture")
    gnuplot.plot(torch.Tensor{ 1, 2 }, "nosuchstyle")
  end)
  H.ok(not ok and err:find("gnuplot.plot: gnuplot: ", 1, true), tostring(err))
  gnuplot.closeall()
  plot.captures()
end)

H.test("the documentation's examples render", function()
  local function fig(name) gnuplot.pngfigure(tmp .. "/" .. name .. ".png"); return tmp .. "/" .. name .. ".png" end
  local x = torch.linspace(-2 * math.pi, 2 * math.pi)
  local p1 = fig("sincos")
  gnuplot.plot({ "Cos", x / math.pi, torch.cos(x), "~" }, { "Sin", x / math.pi, torch.sin(x), "|" })
  not_blank(p1, "sincos")
  local LondonTemp = torch.Tensor{ { 9, 10, 12, 15, 18, 21, 23, 23, 20, 16, 12, 9 },
    { 5, 5, 6, 7, 10, 13, 15, 15, 13, 10, 7, 5 } }
  local p2 = fig("london")
  gnuplot.plot({ "High [°C]", LondonTemp[1] }, { "Low [°C]", LondonTemp[2] })
  gnuplot.raw('set xtics ("Jan" 1, "Feb" 2, "Mar" 3, "Apr" 4, "May" 5, "Jun" 6, "Jul" 7, "Aug" 8, "Sep" 9, "Oct" 10, "Nov" 11, "Dec" 12)')
  gnuplot.plotflush()
  gnuplot.axis({ 0, 13, 0, "" })
  gnuplot.grid(true)
  gnuplot.title("London average temperature")
  not_blank(p2, "london")
  local p3 = fig("hist")
  gnuplot.hist(torch.randn(10000), 100)
  not_blank(p3, "hist")
  local xx = torch.linspace(-1, 1, 30)
  local m = torch.Tensor(30, 30):zero():addr(1, xx, xx) * math.pi * 6
  local p4 = fig("splot")
  gnuplot.splot(torch.sin(m))
  not_blank(p4, "splot")
  local p5 = fig("splot2")
  gnuplot.splot({ torch.sin(m) }, { torch.sin(m) + 2 })
  not_blank(p5, "splot2")
  local p6 = fig("imagesc")
  gnuplot.imagesc(torch.sin(m), "color")
  not_blank(p6, "imagesc")
  local z = torch.linspace(-2 * math.pi, 2 * math.pi)
  local p7 = fig("scatter3")
  gnuplot.scatter3({ "pntsA", z:clone():cos(), z:clone():sin(), z }, { "pntsB", z:clone():cos(), z:clone():sin(), z + math.pi })
  not_blank(p7, "scatter3")
  local p8 = fig("bar")
  gnuplot.bar(torch.Tensor{ 1, 3, 2 })
  not_blank(p8, "bar")
  -- figprint and the other file figures
  gnuplot.figprint(tmp .. "/printed.pdf")
  gnuplot.svgfigure(tmp .. "/s.svg"); gnuplot.plot(torch.Tensor{ 1, 2 })
  gnuplot.epsfigure(tmp .. "/s.eps"); gnuplot.plot(torch.Tensor{ 1, 2 })
  gnuplot.pdffigure(tmp .. "/s.pdf"); gnuplot.plot(torch.Tensor{ 1, 2 })
  for _, f in ipairs({ "printed.pdf", "s.svg", "s.eps", "s.pdf" }) do
    local h = io.open(tmp .. "/" .. f, "rb")
    H.ok(h and #h:read("a") > 100, f)
    if h then h:close() end
  end
  gnuplot.closeall()
end)

os.execute("rm -rf '" .. tmp .. "'")
H.done()
