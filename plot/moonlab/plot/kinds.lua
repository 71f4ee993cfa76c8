-- moonlab.plot.kinds: each kind of plot as gnuplot commands.
--
-- A kind turns its arguments into a layer: a function build(B) that, given a
-- builder B, adds `set` lines, data sets and plot clauses.  Builders are made
-- at render time (figure.lua) and name each data set ML_D1, ML_D2 ...;
-- figure.lua writes the data as binary float64 record files and defines those
-- variables, so the generated text is the same from one run to the next and
-- can be tested without gnuplot.  Every user string goes through gp.quote,
-- every number through gp.num, every style word through a whitelist; the only
-- unescaped input is the documented `raw` option.  Not here: processes,
-- terminals, files.
local torch = require "torch"
local gp = require "moonlab.plot.gp"
local data = require "moonlab.plot.data"

local K = {}
local q, num = gp.quote, gp.num

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 0)
end

-- ---------------------------------------------------------------- builder

local Builder = {}
Builder.__index = Builder

-- A builder for one render: datasets are shared by every panel of a figure.
function K.builder(datasets)
  return setmetatable({ lines = {}, clauses = {}, cmd = "plot", datasets = datasets or {} }, Builder)
end

-- Starts a new panel (keeps the data sets).
function Builder:panel()
  return setmetatable({ lines = {}, clauses = {}, cmd = "plot", datasets = self.datasets }, Builder)
end

function Builder:set(line) self.lines[#self.lines + 1] = line end
function Builder:clause(c) self.clauses[#self.clauses + 1] = c end

-- Registers the columns (tensors with n elements each) as one data set and
-- returns the gnuplot text that reads it: "ML_D3 binary record=(n) format=...".
function Builder:data(cols, record)
  local n = cols[1]:nElement()
  local k = #self.datasets + 1
  local name = "ML_D" .. k
  self.datasets[k] = { name = name, cols = cols, rows = n }
  return string.format("%s binary record=(%s) format='%s'", name, record or tostring(n),
    string.rep("%float64", #cols)), n
end

-- Registers a matrix (H x W, any tensors per channel) as a gnuplot binary
-- array with 1-based coordinates: x = column, y = row.
function Builder:array(chans, h, w)
  local k = #self.datasets + 1
  local name = "ML_D" .. k
  self.datasets[k] = { name = name, cols = chans, rows = h * w }
  return string.format("%s binary array=(%d,%d) origin=(1,1) format='%s'", name, w, h,
    string.rep("%float64", #chans))
end

-- The panel's text: its set lines, then one plot/splot command.
function Builder:text()
  local out = {}
  for _, l in ipairs(self.lines) do out[#out + 1] = l end
  if #self.clauses > 0 then
    out[#out + 1] = self.cmd .. " " .. table.concat(self.clauses, ", \\\n    ")
  end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- options

local LEGEND_WORDS = {
  left = true, right = true, center = true, top = true, bottom = true, middle = true,
  inside = true, outside = true, above = true, below = true, box = true, nobox = true,
  opaque = true, horizontal = true, vertical = true,
}

local function range(who, name, r)
  if type(r) ~= "table" then fail(who, "%s must be a table {min, max}", name) end
  local lo = r[1] == nil and "*" or num(r[1], who, name .. "[1]")
  local hi = r[2] == nil and "*" or num(r[2], who, name .. "[2]")
  return string.format("[%s:%s]", lo, hi)
end

-- A round tick step giving about 3 to 6 tics over [lo, hi] (1, 2 or 5 times a power of 10).
function K.nice_step(lo, hi, n)
  local span = hi - lo
  if not (span > 0) then return nil end
  local raw = span / (n or 4)
  local p = 10 ^ math.floor(math.log(raw, 10))
  for _, m in ipairs({ 1, 2, 5, 10 }) do
    if m * p >= raw then return m * p end
  end
  return 10 * p
end

-- "set xtics (...)" from a table of labels (placed at 1, 2, ...) or of
-- {label, position} pairs; a number sets the step; false removes the tics.
local function tics(who, axis, t, B)
  if t == false then
    B:set("unset " .. axis .. "tics")
  elseif type(t) == "number" then
    B:set(string.format("set %stics %s", axis, num(t, who, axis .. "tics")))
  elseif type(t) == "table" then
    local parts = {}
    for i, v in ipairs(t) do
      if type(v) == "table" then
        parts[#parts + 1] = q(v[1]) .. " " .. num(v[2], who, axis .. "tics position")
      else
        parts[#parts + 1] = q(data.label_text(v)) .. " " .. num(i, who, axis .. "tics position")
      end
    end
    B:set(string.format("set %stics (%s)", axis, table.concat(parts, ", ")))
  else
    fail(who, "%stics must be a table of labels, a number or false", axis)
  end
end

-- The options every plot accepts (see docs/plot.md, "Common options").
function K.common(who, o, B)
  for _, a in ipairs({ "x", "y", "z", "cb" }) do
    if o[a .. "label"] ~= nil then B:set(string.format("set %slabel %s", a, q(o[a .. "label"]))) end
  end
  if o.title ~= nil then B:set("set title " .. q(o.title)) end
  for _, a in ipairs({ "x", "y", "z", "cb" }) do
    if o[a .. "range"] ~= nil then B:set(string.format("set %srange %s", a, range(who, a .. "range", o[a .. "range"]))) end
  end
  local log = {}
  if o.log ~= nil then
    if type(o.log) ~= "string" or not o.log:match("^[xyz]+$") then
      fail(who, "log must be a string of axes such as \"y\" or \"xy\", got %s", tostring(o.log))
    end
    for a in o.log:gmatch(".") do log[a] = true end
  end
  for _, a in ipairs({ "x", "y", "z" }) do
    if o["log" .. a] then log[a] = true end
  end
  for _, a in ipairs({ "x", "y", "z" }) do
    if log[a] then B:set("set logscale " .. a) end
  end
  if o.grid then B:set("set grid") end
  if o.legend == false then
    B:set("unset key")
  elseif o.legend ~= nil and o.legend ~= true then
    local words = {}
    local spec = type(o.legend) == "table" and table.concat(o.legend, " ") or tostring(o.legend)
    for w in spec:gmatch("%S+") do
      if not LEGEND_WORDS[w] then
        fail(who, "legend position word '%s' is not one of left right center top bottom "
          .. "middle inside outside above below box", w)
      end
      words[#words + 1] = w
    end
    B:set("set key " .. table.concat(words, " "))
  end
  if o.xtics ~= nil then tics(who, "x", o.xtics, B) end
  if o.ytics ~= nil then tics(who, "y", o.ytics, B) end
  if o.aspect == "equal" then
    B:set("set size ratio -1")
  elseif type(o.aspect) == "number" then
    B:set("set size ratio " .. num(o.aspect, who, "aspect"))
  elseif o.aspect ~= nil then
    fail(who, "aspect must be \"equal\" or a number")
  end
  if o.raw ~= nil then -- documented escape hatch: gnuplot commands passed as they are
    local raw = type(o.raw) == "table" and o.raw or { o.raw }
    for _, l in ipairs(raw) do B:set(tostring(l)) end
  end
end

-- ---------------------------------------------------------------- series styles

local STYLES = {
  lines = "lines", points = "points", linespoints = "linespoints", dots = "dots",
  steps = "steps", fsteps = "fsteps", histeps = "histeps", impulses = "impulses",
  boxes = "boxes", filledcurves = "filledcurves",
  -- Torch7's format characters
  ["-"] = "lines", ["+"] = "points", ["."] = "dots", ["+-"] = "linespoints", ["|"] = "boxes",
}
K.STYLES = STYLES

local MARKERS = { plus = 1, cross = 2, star = 3, square = 5, circle = 7, triangle = 9, diamond = 13 }

-- The "with ..." part and title of a series from its options s.
local function style(who, s, default)
  local st = s.style or default or "lines"
  local parts = {}
  if st == "~" or st == "smooth" then
    parts[#parts + 1] = "smooth csplines with lines"
  else
    local w = STYLES[st]
    if not w then
      local names = {}
      for k in pairs(STYLES) do if k:match("^%a") then names[#names + 1] = k end end
      table.sort(names)
      fail(who, "unknown style '%s' (one of %s)", tostring(st), table.concat(names, ", "))
    end
    parts[#parts + 1] = "with " .. w
  end
  if s.color ~= nil then
    if type(s.color) == "number" then
      parts[#parts + 1] = "lc " .. num(math.floor(s.color), who, "color")
    else
      parts[#parts + 1] = "lc rgb " .. q(s.color)
    end
  end
  if s.width ~= nil then parts[#parts + 1] = "lw " .. num(s.width, who, "width") end
  if s.dash ~= nil then parts[#parts + 1] = "dt " .. num(math.floor(s.dash), who, "dash") end
  if s.marker ~= nil then
    local pt = MARKERS[s.marker] or (type(s.marker) == "number" and math.floor(s.marker))
    if not pt then fail(who, "unknown marker '%s'", tostring(s.marker)) end
    parts[#parts + 1] = "pt " .. num(pt, who, "marker")
  end
  if s.pointsize ~= nil then parts[#parts + 1] = "ps " .. num(s.pointsize, who, "pointsize") end
  if s.fill ~= nil then
    parts[#parts + 1] = "fs transparent solid " .. num(s.fill, who, "fill")
  end
  if s.label ~= nil and s.label ~= false then
    parts[#parts + 1] = "title " .. q(s.label)
  else
    parts[#parts + 1] = "notitle"
  end
  return table.concat(parts, " ")
end
K.style = style

local function copy(t)
  local r = {}
  for k, v in pairs(t or {}) do r[k] = v end
  return r
end
K.copy = copy

local function is_opts(t)
  return type(t) == "table" and not data.is_tensor(t) and getmetatable(t) == nil
    and t[1] == nil and next(t) ~= nil
end

-- ---------------------------------------------------------------- line

-- Series of line(...): {x = vector, y = vector, label, style ...} each.
local function line_series(who, a, b, c)
  local opts, series = {}, {}
  local function add(x, y, s)
    local yv = data.vector(who, "y", y)
    local xv
    if x == nil then
      xv = torch.range(1, yv:nElement())
    else
      xv = data.vector(who, "x", x)
      if xv:nElement() ~= yv:nElement() then
        fail(who, "x has %d points, y has %d", xv:nElement(), yv:nElement())
      end
    end
    local e = copy(s)
    e.x, e.y = xv, yv
    series[#series + 1] = e
  end
  local function add_many(x, ys)
    if data.is_tensor(ys) and ys:dim() == 2 and ys:size(2) > 1 and ys:size(1) > 1 then
      for j = 1, ys:size(2) do add(x, ys:select(2, j), {}) end
    elseif type(ys) == "table" and not data.is_tensor(ys) and type(ys[1]) ~= "number" and #ys > 0 then
      for j = 1, #ys do add(x, ys[j], {}) end
    else
      add(x, ys, {})
    end
  end
  if type(a) == "table" and not data.is_tensor(a) and type(a[1]) == "table" and a[1].y ~= nil then
    for _, s in ipairs(a) do add(s.x, s.y, s) end          -- line({{x=, y=, ...}, ...}, opts)
    opts = b or {}
  elseif b == nil or is_opts(b) then
    add_many(nil, a)                                       -- line(y [, opts])
    opts = b or {}
  else
    add_many(a, b)                                         -- line(x, y [, opts])
    opts = c or {}
  end
  if type(opts) ~= "table" then fail(who, "options must be a table, got %s", type(opts)) end
  local labels = opts.labels or (opts.label and { opts.label })
  for i, s in ipairs(series) do
    if s.label == nil and labels then s.label = labels[i] end
    for _, k in ipairs({ "style", "color", "width", "dash", "marker", "pointsize" }) do
      if s[k] == nil then
        local v = opts[k]
        if type(v) == "table" then v = v[i] end
        s[k] = v
      end
    end
  end
  return series, opts
end

-- plot.line: one data set (x, y) per series.
function K.line(who, a, b, c)
  local series, opts = line_series(who, a, b, c)
  return function(B)
    for _, s in ipairs(series) do
      local src = B:data({ s.x, s.y })
      B:clause(src .. " using 1:2 " .. style(who, s, "lines"))
    end
  end, opts
end

-- ---------------------------------------------------------------- scatter

function K.scatter(who, a, b, c)
  local x, y, opts
  if data.is_tensor(a) and a:dim() == 2 and a:size(2) == 2 and (b == nil or is_opts(b)) then
    x, y, opts = a:select(2, 1), a:select(2, 2), b or {}
  else
    x, y, opts = a, b, c or {}
  end
  x = data.vector(who, "x", x)
  y = data.vector(who, "y", y)
  local n = x:nElement()
  if y:nElement() ~= n then fail(who, "x has %d points, y has %d", n, y:nElement()) end
  local base = { style = "points", marker = opts.marker or "circle",
    pointsize = opts.pointsize or 0.8, color = opts.color, label = opts.label }
  if opts.by ~= nil then
    local labs = data.labels(who, "by", opts.by, n)
    local classes, codes = data.classes(labs)
    local names = opts.names or {}
    return function(B)
      local src = B:data({ x, y, codes })
      for k, v in ipairs(classes) do
        local s = copy(base)
        s.color = type(opts.colors) == "table" and opts.colors[k] or nil
        s.label = names[v] or names[k] or data.label_text(v)
        B:clause(string.format("%s using 1:($3==%d ? $2 : NaN) %s", src, k, style(who, s, "points")))
      end
    end, opts
  elseif opts.values ~= nil then -- continuous colour through the palette
    local v = data.vector(who, "values", opts.values)
    if v:nElement() ~= n then fail(who, "values has %d elements for %d points", v:nElement(), n) end
    return function(B)
      local src = B:data({ x, y, v })
      local s = copy(base)
      s.color = nil
      B:clause(src .. " using 1:2:3 " .. style(who, s, "points") .. " lc palette")
    end, opts
  end
  return function(B)
    local src = B:data({ x, y })
    B:clause(src .. " using 1:2 " .. style(who, base, "points"))
  end, opts
end

-- ---------------------------------------------------------------- hist

-- Counts of one or several samples on shared bins.  Returns the layer, the
-- options, and per sample {counts = DoubleTensor, edges = DoubleTensor}.
function K.hist(who, x, opts)
  opts = opts or {}
  local names, cols
  if data.is_tensor(x) and x:dim() > 1 and x:size(2) == 1 then x = data.vector(who, "x", x) end
  if data.is_tensor(x) and x:dim() ~= 2 then
    names, cols = { opts.label }, { x:contiguous():view(x:nElement()) }
    if x:nElement() == 0 then fail(who, "x is empty") end
  else
    names, cols = data.columns(who, "x", x, opts.labels)
  end
  local samples, lo, hi = {}, math.huge, -math.huge
  for j, col in ipairs(cols) do
    samples[j] = data.numbers(col)
    local a, b = data.finite_range(samples[j])
    if a then lo, hi = math.min(lo, a), math.max(hi, b) end
  end
  if opts.range then
    lo = opts.range[1] or lo
    hi = opts.range[2] or hi
  end
  if lo > hi then fail(who, "x has no finite values") end
  if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  local bins = opts.bins or data.default_bins(#samples[1])
  if math.type(bins) ~= "integer" and not (type(bins) == "number" and bins == math.floor(bins)) then
    fail(who, "bins must be an integer, got %s", tostring(bins))
  end
  bins = math.tointeger(bins)
  if bins < 1 then fail(who, "bins must be at least 1, got %d", bins) end
  local width = (hi - lo) / bins
  local edges = torch.DoubleTensor(bins + 1)
  for b = 0, bins do edges[b + 1] = lo + b * width end
  edges[bins + 1] = hi
  local centers = torch.DoubleTensor(bins)
  for b = 1, bins do centers[b] = (edges[b] + edges[b + 1]) / 2 end
  local widths = torch.DoubleTensor(bins):fill(width)
  local results = {}
  for j, xs in ipairs(samples) do
    local counts, total = data.histogram(xs, bins, lo, hi)
    local ct = torch.DoubleTensor(counts)
    local h = ct:clone()
    if opts.density then
      if total > 0 then h:div(total * width) end
    end
    results[j] = { counts = ct, edges = edges, heights = h, label = names[j] }
  end
  local o = copy(opts)
  if o.ylabel == nil then o.ylabel = opts.density and "density" or "count" end
  if o.legend == nil and #cols == 1 and not opts.label then o.legend = false end
  local layer = function(B)
    B:set(string.format("set style fill transparent solid %s border", #cols > 1 and "0.45" or "0.6"))
    for j, r in ipairs(results) do
      local src = B:data({ centers, r.heights, widths })
      local s = { style = "boxes", label = r.label, color = type(opts.color) == "table" and opts.color[j] or opts.color }
      B:clause(src .. " using 1:2:3 " .. style(who, s, "boxes"))
    end
  end
  return layer, o, results
end

-- ---------------------------------------------------------------- bar

function K.bar(who, values, opts)
  opts = opts or {}
  local series = {}
  if data.is_tensor(values) and values:dim() == 2 and values:size(2) > 1 and values:size(1) > 1 then
    for j = 1, values:size(2) do series[j] = values:select(2, j) end
  elseif type(values) == "table" and not data.is_tensor(values) and type(values[1]) ~= "number" then
    local _, cols = data.columns(who, "values", values)
    series = cols
  else
    series[1] = data.vector(who, "values", values)
  end
  local n = series[1]:nElement()
  for j, s in ipairs(series) do
    if s:nElement() ~= n then fail(who, "series %d has %d values, series 1 has %d", j, s:nElement(), n) end
  end
  local k = #series
  local total = opts.width or 0.8
  local w = total / k
  local o = copy(opts)
  if o.xtics == nil then
    if opts.labels then
      o.xtics = opts.labels
    else
      local t = {}
      for i = 1, n do t[i] = i end
      o.xtics = n <= 30 and t or nil
    end
  end
  if o.legend == nil and not opts.series then o.legend = false end
  if o.xrange == nil then o.xrange = { 0.5, n + 0.5 } end
  local names = opts.series or {}
  return function(B)
    B:set("set style fill solid 0.8 border -1")
    local all_pos = true
    for _, s in ipairs(series) do if s:min() < 0 then all_pos = false end end
    if all_pos and opts.yrange == nil then
      B:set("set yrange [0:*]")
      B:set("set offsets 0, 0, graph 0.1, 0") -- room for the legend above the bars
    end
    for j, s in ipairs(series) do
      local pos = torch.DoubleTensor(n)
      for i = 1, n do pos[i] = i - total / 2 + (j - 0.5) * w end
      local src = B:data({ pos, s, torch.DoubleTensor(n):fill(w) })
      local st = { style = "boxes", label = names[j],
        color = type(opts.color) == "table" and opts.color[j] or opts.color }
      B:clause(src .. " using 1:2:3 " .. style(who, st, "boxes"))
    end
  end, o
end

-- ---------------------------------------------------------------- box

function K.box(who, groups, opts)
  opts = opts or {}
  local names, cols
  if opts.by ~= nil then
    local v = data.vector(who, "values", groups)
    local labs = data.labels(who, "by", opts.by, v:nElement())
    local classes, codes = data.classes(labs)
    local vs = data.numbers(v)
    local cd = data.numbers(codes)
    names, cols = {}, {}
    for k, c in ipairs(classes) do
      local pick = {}
      for i = 1, #vs do if cd[i] == k then pick[#pick + 1] = vs[i] end end
      names[k], cols[k] = data.label_text(c), torch.DoubleTensor(pick)
    end
  else
    names, cols = data.columns(who, "groups", groups, opts.labels)
  end
  local o = copy(opts)
  if o.xtics == nil then
    local t = {}
    for k = 1, #names do t[k] = names[k] end
    o.xtics = t
  end
  if o.legend == nil then o.legend = false end
  if o.xrange == nil then o.xrange = { 0.5, #cols + 0.5 } end
  return function(B)
    B:set("set style fill solid 0.35 border -1")
    B:set("set style boxplot outliers pointtype 7")
    B:set("set boxwidth 0.5")
    for k, col in ipairs(cols) do
      local src = B:data({ col })
      local s = { style = "boxes", label = names[k],
        color = type(opts.color) == "table" and opts.color[k] or opts.color }
      local st = style(who, s, "boxes"):gsub("^with boxes", "with boxplot")
      B:clause(string.format("%s using (%d):1 %s", src, k, st))
    end
  end, o
end

-- ---------------------------------------------------------------- palettes

local PALETTES = {
  viridis = "set palette defined (0 '#440154', 1 '#472c7a', 2 '#3b518b', 3 '#2c718e', "
    .. "4 '#21908d', 5 '#27ad81', 6 '#5cc863', 7 '#aadc32', 8 '#fde725')",
  gray = "set palette gray",
  grey = "set palette gray",
  blues = "set palette defined (0 '#f7fbff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')",
  coolwarm = "set palette defined (0 '#3b4cc0', 1 '#dddddd', 2 '#b40426')",
  hot = "set palette rgbformulae 21,22,23",
  color = "set palette rgbformulae 7,5,15",
}
-- Text colours of value labels on a palette: below / above the middle value.
local LABEL_COLORS = {
  viridis = { "white", "black" }, gray = { "white", "black" }, grey = { "white", "black" },
  blues = { "black", "white" }, coolwarm = { "black", "black" }, hot = { "white", "black" },
  color = { "white", "black" },
}
K.PALETTES = PALETTES

local function palette(who, name, B)
  local p = PALETTES[name or "viridis"]
  if not p then
    local names = {}
    for k in pairs(PALETTES) do names[#names + 1] = k end
    table.sort(names)
    fail(who, "unknown palette '%s' (one of %s)", tostring(name), table.concat(names, ", "))
  end
  B:set(p)
end
K.palette = palette

-- ---------------------------------------------------------------- heatmap

function K.heatmap(who, m, opts)
  opts = opts or {}
  m = data.matrix(who, "m", m)
  local h, w = m:size(1), m:size(2)
  local o = copy(opts)
  if o.xtics == nil then o.xtics = opts.xlabels end
  if o.ytics == nil then o.ytics = opts.ylabels end
  if o.legend == nil then o.legend = false end
  local lo, hi = data.finite_range(data.numbers(m))
  lo, hi = lo or 0, hi or 1
  if opts.cbrange then lo, hi = opts.cbrange[1] or lo, opts.cbrange[2] or hi end
  return function(B)
    palette(who, opts.palette, B)
    B:set(string.format("set xrange [0.5:%s]", num(w + 0.5)))
    B:set(string.format("set yrange [%s:0.5]", num(h + 0.5)))
    if w <= 20 and not opts.xlabels and opts.xtics == nil then B:set("set xtics 1") end
    if h <= 20 and not opts.ylabels and opts.ytics == nil then B:set("set ytics 1") end
    B:set("set tics scale 0")
    if opts.colorbar == false then B:set("unset colorbox") end
    B:clause(B:array({ m }, h, w) .. " with image notitle")
    if opts.values then
      local fmt = q(opts.format or "%.2g")
      local xs = torch.DoubleTensor(w):copy(torch.range(1, w)):view(1, w):expand(h, w)
      local ys = torch.DoubleTensor(h):copy(torch.range(1, h)):view(h, 1):expand(h, w)
      local src = B:data({ xs, ys, m })
      local mid = num((lo + hi) / 2, who, "value range")
      local tc = LABEL_COLORS[opts.palette or "viridis"]
      B:clause(string.format('%s using 1:2:($3 < %s ? sprintf(%s, $3) : "") with labels tc rgb %s notitle',
        src, mid, fmt, q(tc[1])))
      B:clause(string.format('%s using 1:2:($3 >= %s ? sprintf(%s, $3) : "") with labels tc rgb %s notitle',
        src, mid, fmt, q(tc[2])))
    end
  end, o
end

-- ---------------------------------------------------------------- image

function K.image(who, t, opts)
  opts = opts or {}
  if not data.is_tensor(t) then fail(who, "expected an image tensor, got %s", type(t)) end
  local chans
  if t:dim() == 2 then
    chans = { t }
  elseif t:dim() == 3 and (t:size(1) == 1 or t:size(1) == 2) then
    chans = { t[1] }
  elseif t:dim() == 3 and (t:size(1) == 3 or t:size(1) == 4) then
    chans = { t[1], t[2], t[3] }
  else
    fail(who, "need an h x w or c x h x w image with 1 to 4 channels, got %s", data.shape(t))
  end
  if t:nElement() == 0 then fail(who, "the image is empty") end
  local h, w = chans[1]:size(1), chans[1]:size(2)
  local top = (t:type() == "torch.ByteTensor") and 255 or 1
  local o = copy(opts)
  if o.legend == nil then o.legend = false end
  return function(B)
    B:set("set size ratio -1")
    B:set(string.format("set xrange [0.5:%s]", num(w + 0.5)))
    B:set(string.format("set yrange [%s:0.5]", num(h + 0.5)))
    if not opts.axes then B:set("unset border"); B:set("unset tics") end
    B:set("unset colorbox")
    if #chans == 1 then
      B:set("set palette gray")
      B:set(string.format("set cbrange [0:%d]", top))
      B:clause(B:array(chans, h, w) .. " with image notitle")
    else
      local s = top == 255 and "" or "*255"
      B:clause(B:array(chans, h, w)
        .. string.format(" using ($1%s):($2%s):($3%s) with rgbimage notitle", s, s, s))
    end
  end, o
end

-- ---------------------------------------------------------------- surface

function K.surface(who, z, opts)
  opts = opts or {}
  z = data.matrix(who, "z", z)
  local h, w = z:size(1), z:size(2)
  local function grid(v, name, n, along)
    if v == nil then
      local r = torch.range(1, n)
      return along == 2 and r:view(1, n):expand(h, w) or r:view(n, 1):expand(h, w)
    end
    if data.is_tensor(v) and v:dim() == 2 then
      if v:size(1) ~= h or v:size(2) ~= w then
        fail(who, "%s must be %dx%d like z, got %s", name, h, w, data.shape(v))
      end
      return v
    end
    local vec = data.vector(who, name, v)
    if vec:nElement() ~= n then fail(who, "%s has %d values, z has %d %s", name, vec:nElement(), n,
      along == 2 and "columns" or "rows") end
    return along == 2 and vec:view(1, n):expand(h, w) or vec:view(n, 1):expand(h, w)
  end
  local xg = grid(opts.x, "x", w, 2)
  local yg = grid(opts.y, "y", h, 1)
  local o = copy(opts)
  if o.legend == nil and not opts.label then o.legend = false end
  return function(B)
    B.cmd = "splot"
    if opts.view then
      B:set(string.format("set view %s,%s", num(opts.view[1], who, "view[1]"), num(opts.view[2], who, "view[2]")))
    end
    if opts.contour then B:set("set contour base") end
    local st = opts.style or "pm3d"
    local src = B:data({ xg, yg, z }, string.format("%d,%d", w, h))
    local label = opts.label and ("title " .. q(opts.label)) or "notitle"
    if st == "pm3d" then
      palette(who, opts.palette, B)
      B:clause(src .. " using 1:2:3 with pm3d " .. label)
    elseif st == "lines" or st == "wireframe" then
      B:set("set hidden3d")
      B:clause(src .. " using 1:2:3 with lines " .. label)
    elseif st == "points" then
      B:clause(src .. " using 1:2:3 with points pt 7 ps 0.5 " .. label)
    else
      fail(who, "style must be \"pm3d\", \"lines\" or \"points\", got %s", tostring(st))
    end
  end, o
end

-- 3-D points (Torch7's scatter3): series of {x, y, z, label}.
function K.points3d(who, series, opts)
  return function(B)
    B.cmd = "splot"
    for _, s in ipairs(series) do
      local x = data.vector(who, "x", s[1])
      local y = data.vector(who, "y", s[2])
      local z = data.vector(who, "z", s[3])
      if y:nElement() ~= x:nElement() or z:nElement() ~= x:nElement() then
        fail(who, "x, y and z must have as many points (%d, %d, %d)", x:nElement(), y:nElement(), z:nElement())
      end
      local src = B:data({ x, y, z })
      B:clause(src .. " using 1:2:3 " .. style(who, { style = "points", marker = "circle",
        pointsize = 0.6, label = s.label }, "points"))
    end
  end, opts or {}
end

-- ---------------------------------------------------------------- errorbar

function K.errorbar(who, x, y, err, opts)
  opts = opts or {}
  local yv = data.vector(who, "y", y)
  local n = yv:nElement()
  local xv = x == nil and torch.range(1, n) or data.vector(who, "x", x)
  if xv:nElement() ~= n then fail(who, "x has %d points, y has %d", xv:nElement(), n) end
  local cols, using, kind
  local function check(v, name)
    v = data.vector(who, name, v)
    if v:nElement() ~= n then fail(who, "%s has %d values for %d points", name, v:nElement(), n) end
    return v
  end
  if type(err) == "table" and not data.is_tensor(err) and (err.lo ~= nil or err.hi ~= nil) then
    cols = { xv, yv, check(err.lo, "err.lo"), check(err.hi, "err.hi") }
    using, kind = "1:2:3:4", "y"
  elseif data.is_tensor(err) and err:dim() == 2 and err:size(2) == 2 then
    cols = { xv, yv, check(err:select(2, 1), "err[,1]"), check(err:select(2, 2), "err[,2]") }
    using, kind = "1:2:3:4", "y"
  else
    cols = { xv, yv, check(err, "err") }
    using, kind = "1:2:3", "y"
  end
  if opts.xerr ~= nil then
    if using ~= "1:2:3" then fail(who, "xerr needs a symmetric y error") end
    cols[4] = check(opts.xerr, "xerr")
    using, kind = "1:2:4:3", "xy"
  end
  local with = kind .. "error" .. (opts.lines and "lines" or "bars")
  return function(B)
    local src = B:data(cols)
    local st = style(who, { style = "lines", label = opts.label, color = opts.color, width = opts.width,
      marker = opts.marker or "circle", pointsize = opts.pointsize or 0.7 }, "lines")
    st = st:gsub("^with lines", "with " .. with)
    B:clause(src .. " using " .. using .. " " .. st)
  end, opts
end

-- A straight line through two points (diagonals of ROC plots ...).
function K.segment(x1, y1, x2, y2, s)
  local xs = torch.DoubleTensor({ x1, x2 })
  local ys = torch.DoubleTensor({ y1, y2 })
  return function(B)
    B:clause(B:data({ xs, ys }) .. " using 1:2 " .. style("plot", s or { style = "lines", color = "gray", dash = 2 }, "lines"))
  end
end

return K
