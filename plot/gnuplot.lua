-- gnuplot: Torch7's gnuplot package API on moonlab's figures, so Torch7
-- plotting scripts run unchanged (`require 'gnuplot'`).
--
-- Figures are numbered as in Torch7 (gnuplot.figure(n)); each is a
-- moonlab.plot figure with its own gnuplot process.  What Torch7 kept in
-- gnuplot's state (title, labels, grid, legend place, axis ranges, log
-- scales, raw commands) is kept with the figure and replayed at every
-- redraw, so decorations set after a plot redraw it as they did in Torch7.
-- Differences: titles and legends are quoted (drawn literally, never parsed
-- as gnuplot commands); data goes through binary files at full precision,
-- not "%g" text; with no display, figures print text plots (or sixel) in the
-- terminal instead of failing with "Gnuplot terminal is not set"; a format
-- string that is not one of Torch7's characters is still passed to gnuplot as
-- written ("with <format>"), as are gnuplot.raw commands.
local torch = require "torch"
local plot = require "moonlab.plot"
local figure = require "moonlab.plot.figure"
local gp = require "moonlab.plot.gp"
local K = require "moonlab.plot.kinds"
local data = require "moonlab.plot.data"

local gnuplot = {}

local figs = {}        -- figure number -> moonlab figure (held until closed)
local current = nil    -- current figure number
local default_target = nil -- set by gnuplot.setterm; nil follows plot.output()

local function fail(who, fmt, ...)
  error("gnuplot." .. who .. ": " .. string.format(fmt, ...), 0)
end

-- The exported form of an implementation: errors re-raised at the user's line.
local impl = {}
local function raising(name, f)
  impl[name] = f
  return function(...)
    local r = table.pack(pcall(f, ...))
    if not r[1] then error(r[2], 2) end
    return table.unpack(r, 2, r.n)
  end
end

local function istensor(v) return torch.isTensor(v) end
local function isstring(v) return type(v) == "string" end

-- ---------------------------------------------------------------- figures

local function getfigure(n, target)
  if n == nil then n = #figs + 1 end
  if math.type(n) ~= "integer" then
    if type(n) == "number" and n == math.floor(n) then n = math.tointeger(n) else
      fail("figure", "figure number must be an integer, got %s", tostring(n))
    end
  end
  local fig = figs[n]
  if fig == nil then
    fig = figure.new({ id = n, output = target or default_target })
    figs[n] = fig
  elseif target then
    fig.output = target
  end
  current = n
  return fig, n
end

local function currentfig()
  if current == nil or figs[current] == nil then return (getfigure()) end
  return figs[current]
end

-- Redraws a figure when it has something to show.
local function refresh(fig, who)
  if fig.raw_plot or next(fig.panels) then fig:render("gnuplot." .. who) end
end

--- gnuplot.figure([n]) -> n: selects (or creates) figure n; a new number without n.
gnuplot.figure = raising("figure", function(n)
  local _, id = getfigure(n)
  return id
end)

local function filefigure(who, fname, n, ext)
  if type(fname) ~= "string" then fail(who, "file name must be a string, got %s", type(fname)) end
  local _, id = getfigure(n, { kind = "file", path = fname, ext = ext })
  return id
end

--- gnuplot.pngfigure(fname [, n]) and the svg, eps, pdf forms: a figure drawn into that file.
gnuplot.pngfigure = raising("pngfigure", function(f, n) return filefigure("pngfigure", f, n, "png") end)
gnuplot.svgfigure = raising("svgfigure", function(f, n) return filefigure("svgfigure", f, n, "svg") end)
gnuplot.epsfigure = raising("epsfigure", function(f, n) return filefigure("epsfigure", f, n, "eps") end)
gnuplot.pdffigure = raising("pdffigure", function(f, n) return filefigure("pdffigure", f, n, "pdf") end)

--- gnuplot.figure_object([n]) -> the moonlab.plot figure behind figure n
--- (default current): a moonlab addition, for fig:script(), fig:png() ...
gnuplot.figure_object = raising("figure_object", function(n)
  n = n or current
  return n and figs[n] or nil
end)

--- gnuplot.figprint(fname): the current figure into a .png, .eps, .pdf or .svg file.
gnuplot.figprint = raising("figprint", function(fname)
  local ext = type(fname) == "string" and fname:match("%.(%w+)$")
  if not ext or not ({ png = true, eps = true, pdf = true, svg = true })[ext:lower()] then
    fail("figprint", "only png, eps, pdf and svg files are supported, got %s", tostring(fname))
  end
  currentfig():render("gnuplot.figprint", { kind = "file", path = fname, ext = ext:lower() })
end)

--- gnuplot.plotflush([n]): draws figure n (default current) again; file figures are complete after every plot.
gnuplot.plotflush = raising("plotflush", function(n)
  n = n or current
  if n == nil or figs[n] == nil then
    print("no figure " .. tostring(n))
    return
  end
  refresh(figs[n], "plotflush")
end)

--- gnuplot.close([n]) ends figure n (default current) and its gnuplot.
gnuplot.close = raising("close", function(n)
  n = n or current
  local fig = n and figs[n]
  if not fig then return end
  fig:close()
  figs[n] = nil
  if current == n then current = nil end
end)

--- gnuplot.closeall() ends every figure.
gnuplot.closeall = raising("closeall", function()
  for n, fig in pairs(figs) do fig:close(); figs[n] = nil end
  current = nil
end)

--- gnuplot.setgnuplotexe(exe) uses that gnuplot.
gnuplot.setgnuplotexe = raising("setgnuplotexe", function(exe)
  if type(exe) ~= "string" or not io.open(exe, "r") then
    fail("setgnuplotexe", "%s does not exist", tostring(exe))
  end
  gp.set_exe(exe, "gnuplot.setgnuplotexe")
end)

--- gnuplot.setterm(term): the terminal of figures made from now on: a window
--- terminal (wxt, qt, x11, aqua), "dumb" text, or "sixelgd".
gnuplot.setterm = raising("setterm", function(term)
  if type(term) ~= "string" then fail("setterm", "terminal must be a string") end
  local s = gp.session()
  local ok, terms = pcall(gp.terminals, s, "gnuplot.setterm")
  s:close()
  if not ok then error(terms, 0) end
  local name = term:match("^(%S+)")
  if not terms[name] then fail("setterm", "gnuplot does not seem to have this term (%s)", term) end
  if name == "dumb" then
    default_target = { kind = "dumb" }
  elseif name == "sixelgd" then
    default_target = { kind = "sixel" }
  elseif name == "wxt" or name == "qt" or name == "x11" or name == "aqua" then
    default_target = { kind = "window", term = name }
  else
    fail("setterm", "terminal %s draws to files: use gnuplot.pngfigure, svgfigure, epsfigure or pdffigure", name)
  end
end)

-- ---------------------------------------------------------------- decorations

local function decorate(who, key, value)
  local fig = currentfig()
  fig.persist[key] = value
  refresh(fig, who)
end

gnuplot.xlabel = raising("xlabel", function(l) decorate("xlabel", "xlabel", tostring(l)) end)
gnuplot.ylabel = raising("ylabel", function(l) decorate("ylabel", "ylabel", tostring(l)) end)
gnuplot.zlabel = raising("zlabel", function(l) decorate("zlabel", "zlabel", tostring(l)) end)
gnuplot.title = raising("title", function(l) decorate("title", "title", tostring(l)) end)
gnuplot.grid = raising("grid", function(toggle) decorate("grid", "grid", toggle and true or nil) end)
--- gnuplot.logscale(toggle): logarithmic x and y axes on or off.
gnuplot.logscale = raising("logscale", function(toggle) decorate("logscale", "log", toggle and "xy" or nil) end)

--- gnuplot.movelegend(hloc, vloc): hloc left|right|center, vloc top|bottom|middle.
gnuplot.movelegend = raising("movelegend", function(h, v)
  if h ~= "left" and h ~= "right" and h ~= "center" then
    fail("movelegend", "horizontal location is unknown: expects {left|right|center}{bottom|top|middle}")
  end
  if v ~= "bottom" and v ~= "top" and v ~= "middle" then
    fail("movelegend", "vertical location is unknown: expects {left|right|center}{bottom|top|middle}")
  end
  decorate("movelegend", "legend", h .. " " .. v)
end)

--- gnuplot.axis("auto"|"image"|"equal"|"fill"|{xmin, xmax, ymin, ymax}); '' keeps a limit.
gnuplot.axis = raising("axis", function(a)
  local fig = currentfig()
  local p = fig.persist
  if a == "auto" then
    p.xrange, p.yrange, p.aspect = nil, nil, nil
  elseif a == "image" or a == "equal" then
    p.aspect = "equal"
  elseif a == "fill" then
    p.aspect = nil
  elseif type(a) == "table" then
    if #a ~= 4 then print("axis should have 4 components {xmin,xmax,ymin,ymax}"); return end
    local function lim(v, old)
      if v == "" then return old end
      if type(v) ~= "number" then fail("axis", "limits must be numbers or '', got %s", tostring(v)) end
      return v
    end
    local ox, oy = p.xrange or {}, p.yrange or {}
    p.xrange = { lim(a[1], ox[1]), lim(a[2], ox[2]) }
    p.yrange = { lim(a[3], oy[1]), lim(a[4], oy[2]) }
  else
    fail("axis", "expects 'auto', 'image', 'equal', 'fill' or {xmin,xmax,ymin,ymax}")
  end
  refresh(fig, "axis")
end)

--- gnuplot.raw(cmd): a gnuplot command as written.  A plot/splot/replot
--- command is drawn now (it replaces the figure's plot); others are kept
--- and replayed before every plot of the figure.
gnuplot.raw = raising("raw", function(cmd)
  if type(cmd) ~= "string" then fail("raw", "command must be a string") end
  local fig = currentfig()
  if cmd:match("^%s*s?plot%s") or cmd:match("^%s*replot") then
    if cmd:match("^%s*replot") then
      refresh(fig, "raw")
      return
    end
    fig.raw_plot = cmd
    fig.panels, fig.layout, fig.last = {}, nil, nil
    fig:render("gnuplot.raw")
  else
    fig.persist_raw[#fig.persist_raw + 1] = cmd
  end
end)

-- ---------------------------------------------------------------- plot

local EXPECT = "expecting [string,] tensor [,tensor] [,string]"

-- legend, x, y, format of one Torch7 plot argument list.
local function getvars(t)
  local legend, x, y, format
  if #t == 0 then fail("plot", "empty argument list") end
  if isstring(t[1]) then legend = t[1] elseif istensor(t[1]) then x = t[1] else fail("plot", EXPECT) end
  if #t >= 2 then
    if x and isstring(t[2]) then format = t[2]
    elseif x and istensor(t[2]) then y = t[2]
    elseif legend and istensor(t[2]) then x = t[2]
    else fail("plot", EXPECT) end
  end
  if #t >= 3 then
    if legend and x and istensor(t[3]) and not y then y = t[3]
    elseif legend and x and isstring(t[3]) then format = t[3]
    elseif x and y and isstring(t[3]) and not format then format = t[3]
    else fail("plot", EXPECT) end
  end
  if #t == 4 then
    if legend and x and y and isstring(t[4]) then format = t[4] else fail("plot", EXPECT) end
  elseif #t > 4 then
    fail("plot", EXPECT)
  end
  legend, format = legend or "", format or ""
  if not x then fail("plot", EXPECT) end
  if not y then
    if x:dim() == 2 and x:size(2) == 2 then
      y, x = x:select(2, 2), x:select(2, 1)
    elseif x:dim() == 2 and x:size(2) == 4 and (format == "v" or format == "V") then
      y = torch.DoubleTensor(x:size(1), 2)
      local xx = torch.DoubleTensor(x:size(1), 2)
      y:select(2, 1):copy(x:select(2, 2)); y:select(2, 2):copy(x:select(2, 4))
      xx:select(2, 1):copy(x:select(2, 1)); xx:select(2, 2):copy(x:select(2, 3))
      x = xx
    elseif x:dim() == 2 and x:size(2) > 1 then
      y, x = x:narrow(2, 2, x:size(2) - 1), x:select(2, 1)
    else
      y = x
      x = torch.range(1, y:size(1))
    end
  end
  if (x:dim() ~= 1 and x:dim() ~= 2) or y:size(1) ~= x:size(1) then
    fail("plot", "x and y dims are wrong: x = %dD y = %dD", x:dim(), y:dim())
  end
  return legend, x, y, format
end

-- Columns and the "with ..." text of one Torch7 series.
local function series_spec(legend, x, y, format)
  local cols, with
  local title = legend ~= "" and ("title " .. gp.quote(legend)) or "notitle"
  local f = format
  local coef
  if f ~= "~" and (f:find("~") or f:find("acsplines")) then
    coef = tonumber((f:gsub("~", ""):gsub("acsplines", "")))
    f = "acsplines"
  end
  if f == "" then with = "with linespoints pt 7 ps 0.5"
  elseif f == "+" or f == "points" then with = "with points"
  elseif f == "." or f == "dots" then with = "with dots"
  elseif f == "-" or f == "lines" then with = "with lines"
  elseif f == "+-" or f == "linespoints" then with = "with linespoints"
  elseif f == "|" or f == "boxes" then with = "with boxes"
  elseif f == "~" or f == "csplines" then with = "smooth csplines"
  elseif f == "acsplines" then with = "smooth acsplines"
  elseif f == "v" or f == "V" or f == "vectors" then with = "with vectors"
  else with = "with " .. f end -- Torch7: any other string is a gnuplot style, as written
  if f == "v" or f == "V" or f == "vectors" then
    if x:dim() ~= 2 or y:dim() ~= 2 then fail("plot", "vectors need (x, xdelta) and (y, ydelta) columns") end
    cols = { x:select(2, 1), y:select(2, 1), x:select(2, 2), y:select(2, 2) }
  elseif coef then
    cols = { x, y, torch.DoubleTensor(x:size(1)):fill(coef) }
  elseif y:dim() == 1 then
    cols = { x, y }
  else
    cols = { x }
    for j = 1, y:size(2) do cols[#cols + 1] = y:select(2, j) end
  end
  return cols, with .. " " .. title
end

local function collect(argfn, ...)
  local args = { ... }
  local out = {}
  if select("#", ...) == 0 then fail("plot", "no inputs, expecting at least a vector") end
  if type(args[1]) == "table" and not istensor(args[1]) then
    if type(args[1][1]) == "table" and not istensor(args[1][1]) then args = args[1] end
    for _, v in ipairs(args) do out[#out + 1] = { argfn(v) } end
  else
    out[1] = { argfn(args) }
  end
  return out
end

local function draw(who, layer)
  local fig = currentfig()
  fig:add("gnuplot." .. who, layer, {})
end

--- gnuplot.plot(x), plot(x, y [, format]), plot(legend, x, y, format),
--- plot({...}, {...}) (several series), plot({{...}, {...}}).
gnuplot.plot = raising("plot", function(...)
  local all = collect(getvars, ...)
  local specs = {}
  for i, s in ipairs(all) do specs[i] = { series_spec(s[1], s[2], s[3], s[4]) } end
  draw("plot", function(B)
    for _, s in ipairs(specs) do B:clause(B:data(s[1]) .. " " .. s[2]) end
  end)
end)

--- gnuplot.bar(y) / bar(x, y): boxes.
gnuplot.bar = raising("bar", function(...)
  local args = { ... }
  args[#args + 1] = "|"
  impl.plot(args)
end)

--- gnuplot.histc(x [, nbins = 100, min, max]) -> {raw = counts, bins, binwidth,
--- min, max, [i] = {val = bin centre, nb = count}}; values outside [min, max] are left out.
gnuplot.histc = raising("histc", function(x, bins, min, max)
  if not istensor(x) then fail("histc", "expecting a tensor") end
  bins = bins or 100
  local xs = data.numbers(x)
  local lo, hi = data.finite_range(xs)
  if not lo then fail("histc", "the tensor has no finite values") end
  min, max = min or lo, max or hi
  if min == max then min, max = min - 1, max + 1 end
  local counts = data.histogram(xs, bins, min, max)
  local raw = torch.DoubleTensor(counts)
  local width = (max - min) / bins
  local h = { raw = raw, bins = bins, binwidth = width }
  local best = 1
  for i = 1, bins do
    h[i] = { val = min + (i - 0.5) * width, nb = counts[i] }
    if counts[i] > counts[best] then best = i end
  end
  h.max = { val = h[best].val, nb = h[best].nb }
  h.min, h.max_value = min, max
  return h
end)

--- gnuplot.hist(x [, nbins, min, max]) draws the histogram and returns gnuplot.histc's table.
gnuplot.hist = raising("hist", function(x, bins, min, max)
  local h = impl.histc(x, bins, min, max)
  local centres = torch.DoubleTensor(#h)
  for i = 1, #h do centres[i] = h[i].val end
  impl.bar(centres, h.raw)
  return h
end)

-- legend, x, y, z of one splot argument list.
local function getsplotvars(t)
  local E = "expecting [string,] tensor [,tensor] [,tensor]"
  local legend, x, y, z
  if #t == 0 then fail("splot", "empty argument list") end
  if isstring(t[1]) then legend = t[1] elseif istensor(t[1]) then x = t[1] else fail("splot", E) end
  if #t >= 2 and #t <= 4 then
    if x and istensor(t[2]) and istensor(t[3]) then y, z = t[2], t[3]
    elseif legend and istensor(t[2]) and istensor(t[3]) and istensor(t[4]) then x, y, z = t[2], t[3], t[4]
    elseif legend and istensor(t[2]) then x = t[2]
    else fail("splot", E) end
  elseif #t > 4 then
    fail("splot", E)
  end
  legend = legend or ""
  if not x then fail("splot", E) end
  if not z then
    z = x
    if z:dim() ~= 2 then fail("splot", "z is expected to be a matrix, got %dD", z:dim()) end
    local h, w = z:size(1), z:size(2)
    x = torch.range(1, h):view(h, 1):expand(h, w)
    y = torch.range(1, w):view(1, w):expand(h, w)
  end
  if x:dim() ~= 2 or y:dim() ~= 2 or z:dim() ~= 2 then
    fail("splot", "x and y and z are expected to be matrices x = %dD y = %dD z = %dD", x:dim(), y:dim(), z:dim())
  end
  return legend, x, y, z
end

--- gnuplot.splot(z), splot(x, y, z), splot({'name', x, y, z}, ...): surfaces as lines with contours.
gnuplot.splot = raising("splot", function(...)
  local all = collect(getsplotvars, ...)
  draw("splot", function(B)
    B.cmd = "splot"
    B:set("set contour base")
    B:set("set cntrparam bspline")
    B:set("set cntrparam levels auto")
    B:set("set hidden3d")
    for _, s in ipairs(all) do
      local legend, x, y, z = s[1], s[2], s[3], s[4]
      local src = B:data({ x, y, z }, string.format("%d,%d", z:size(2), z:size(1)))
      B:clause(src .. " using 1:2:3 with lines " .. (legend ~= "" and ("title " .. gp.quote(legend)) or "notitle"))
    end
  end)
end)

local function getscatter3vars(t)
  local E = "expecting [string,] tensor, tensor, tensor"
  local legend = ""
  local first = 1
  if isstring(t[1]) then
    if #t ~= 4 then fail("scatter3", E) end
    legend, first = t[1], 2
  elseif #t ~= 3 then
    fail("scatter3", E)
  end
  for i = first, first + 2 do if not istensor(t[i]) then fail("scatter3", E) end end
  local x, y, z = t[first], t[first + 1], t[first + 2]
  if x:dim() ~= 1 or y:dim() ~= 1 or z:dim() ~= 1 then fail("scatter3", "x, y and z must be 1D") end
  if x:size(1) ~= y:size(1) or x:size(1) ~= z:size(1) then fail("scatter3", "x, y and z must be the same size") end
  return legend, x, y, z
end

--- gnuplot.scatter3(x, y, z), scatter3({'name', x, y, z}, ...): 3-D points.
gnuplot.scatter3 = raising("scatter3", function(...)
  local all = collect(getscatter3vars, ...)
  local series = {}
  for i, s in ipairs(all) do series[i] = { s[2], s[3], s[4], label = s[1] ~= "" and s[1] or nil } end
  local layer = K.points3d("gnuplot.scatter3", series, {})
  draw("scatter3", layer)
end)

--- gnuplot.imagesc(z [, palette = 'gray']): a matrix as an image; palette
--- 'color', 'gray' or any gnuplot palette words.
gnuplot.imagesc = raising("imagesc", function(z, pal, extra)
  if not istensor(z) or extra ~= nil then fail("imagesc", "expecting tensor [,string]") end
  if pal ~= nil and not isstring(pal) then fail("imagesc", "expecting tensor [,string]") end
  if z:dim() ~= 2 then fail("imagesc", "x is expected to be a matrix, got %dD", z:dim()) end
  pal = pal or "gray"
  if not pal:match("^[%w%s%.,%-]*$") then fail("imagesc", "palette %q has characters gnuplot palettes do not use", pal) end
  local layer = K.heatmap("gnuplot.imagesc", z, { palette = "gray" })
  draw("imagesc", function(B)
    layer(B)
    B:set("set palette " .. pal) -- after the kind's own palette line
  end)
end)

-- Torch7 scripts say `require 'gnuplot'` and then use the global (Torch7's
-- module defined it): the one global this layer sets, for their sake.
_G.gnuplot = gnuplot

return gnuplot
