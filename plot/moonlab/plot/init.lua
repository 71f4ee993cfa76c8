-- moonlab.plot: plots through gnuplot, in a window, in the terminal (sixel
-- or text), to files and captured as PNG for notebooks.
--
--   local plot = require "moonlab.plot"
--   plot.line(x, torch.sin(x), {title = "sin", xlabel = "x"})
--   plot.hist(torch.randn(10000), {bins = 40, density = true})
--   plot.save("hist.png")
--
-- The functions draw into the current figure (plot.figure() makes a new one;
-- each figure owns one gnuplot process, reused for all its plots, closed by
-- fig:close(), by garbage collection and at exit).  Options are tables; the
-- common ones (title, labels, ranges, log scales, legend, grid) are listed in
-- docs/plot.md.  Errors name the call: "plot.line: x has 5 points, y has 4",
-- "plot.line: gnuplot: <gnuplot's message>".
local figure = require "moonlab.plot.figure"
local gp = require "moonlab.plot.gp"
local K = require "moonlab.plot.kinds"
local H = require "moonlab.plot.helpers"
local data = require "moonlab.plot.data"

local plot = {}
local Figure = figure.Figure

-- Open figures: weak, so a figure nobody holds is collected (its gnuplot
-- closed); the current figure is held by `current`.
local open = setmetatable({}, { __mode = "v" })
local current = nil

figure.on_close = function(fig)
  if current == fig then current = nil end
end

-- Runs f, re-raising its error at the caller of the public function.
local function api(f)
  return function(...)
    local r = table.pack(pcall(f, ...))
    if not r[1] then error(r[2], 2) end
    return table.unpack(r, 2, r.n)
  end
end

-- ---------------------------------------------------------------- figures

--- plot.figure([opts]) -> a new figure, made current.  opts.output (a target),
--- opts.size = {w, h}.
plot.figure = api(function(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("plot.figure: options must be a table, got " .. type(opts), 0)
  end
  if opts and opts.output then figure.target(opts.output, "plot.figure") end
  local fig = figure.new(opts)
  open[fig.id] = fig
  current = fig
  return fig
end)

--- plot.gcf() -> the current figure (a new one when there is none).
function plot.gcf()
  if not current then plot.figure() end
  return current
end

--- plot.close([fig]) closes fig (default: the current figure).
function plot.close(fig)
  fig = fig or current
  if fig then fig:close() end
end

--- plot.closeall() closes every open figure.
function plot.closeall()
  local all = {}
  for _, f in pairs(open) do all[#all + 1] = f end
  if current then all[#all + 1] = current end
  for _, f in ipairs(all) do f:close() end
  current = nil
end

--- plot.figures() -> list of the figures that are not closed.
function plot.figures()
  local all = {}
  for _, f in pairs(open) do if not f.closed then all[#all + 1] = f end end
  table.sort(all, function(a, b) return a.id < b.id end)
  return all
end

--- plot.output([target]) sets the default output of figures that have no
--- output of their own and returns the previous one: "auto", "window",
--- "sixel", "dumb" (or "text"), "capture" (or "png"), "none", a file path
--- (.png .svg .pdf .eps .txt) or a table {kind =, path =, size =}.
plot.output = api(function(spec)
  local prev = figure.default_output
  if spec ~= nil then
    figure.target(spec, "plot.output")
    figure.default_output = spec
  end
  return prev
end)

--- plot.set_gnuplot(path) uses that gnuplot executable.
plot.set_gnuplot = api(function(path) gp.set_exe(path, "plot.set_gnuplot") end)

--- plot.captures() -> PNG byte strings captured since the last call (output
--- "capture" with no hook), oldest first.
function plot.captures()
  local c = figure.captures
  figure.captures = {}
  return c
end

--- plot.on_capture(fn) calls fn(png_bytes, fig) for every capture instead of
--- keeping it (the notebook runner's hook); plot.on_capture(nil) removes the hooks.
function plot.on_capture(fn)
  if fn == nil then figure.capture_hooks = {} else
    figure.capture_hooks[#figure.capture_hooks + 1] = fn
  end
end

--- plot.add_frame_adapter(fn): fn(obj) -> names, columns for data-frame-like
--- objects, so they are accepted wherever a table of columns is.
plot.add_frame_adapter = data.add_adapter

--- plot.quote(s) -> s as a gnuplot string literal (for `raw` commands).
plot.quote = gp.quote

-- ---------------------------------------------------------------- figure methods

-- Each public function exists twice: a method of figures and a function on
-- the current figure, both wrapping one implementation (so an error is
-- reported once, at the user's line).
local function export(name, impl)
  Figure[name] = api(impl)
  plot[name] = api(function(...) return impl(plot.gcf(), ...) end)
end

local function kind_method(name, build, returns)
  local who = "plot." .. name
  export(name, function(self, ...)
    local layer, opts, extra = build(who, ...)
    if opts.size then self.size = opts.size end
    self:add(who, layer, opts)
    if returns then return returns(extra, self) end
    return self
  end)
end

kind_method("line", K.line)
kind_method("scatter", K.scatter)
kind_method("hist", K.hist, function(res)
  if #res == 1 then return res[1].counts, res[1].edges end
  return res
end)
kind_method("bar", K.bar)
kind_method("box", K.box)
kind_method("heatmap", K.heatmap)
kind_method("image", K.image)
kind_method("surface", K.surface)
kind_method("errorbar", K.errorbar)

for name, f in pairs({ dist = H.dist, learning_curve = H.learning_curve, roc = H.roc, pr = H.pr,
  confusion = H.confusion, pairs = H.pairs, corr = H.corr }) do
  local who = "plot." .. name
  export(name, function(self, ...) return f(self, who, ...) end)
end

-- plot.grid(rows, cols [, {title}]): the next rows*cols plots fill a grid.
-- plot.panel(i [, j]): the next plot goes into panel i (or row i, column j).
-- plot.save(path [, {size}]) writes the figure to a file; plot.show() draws it now;
-- fig:png(), fig:text() return it as PNG bytes or text.
export("grid", Figure.grid)
export("panel", Figure.panel)
export("save", Figure.save)
export("show", Figure.show)
export("png", Figure.png)
export("text", Figure.text)
export("wait", Figure.wait)
Figure.set_output = api(Figure.set_output)

-- Decorations of the last plot: plot.title("..."), fig:xlabel("..."), ...
for _, key in ipairs({ "title", "xlabel", "ylabel", "zlabel", "xrange", "yrange", "zrange",
  "legend", "log" }) do
  local who = "plot." .. key
  export(key, function(self, v) return self:set(key, v, who) end)
end

--- plot.script([fig]) -> the gnuplot commands the figure sends (without the
--- terminal and data file lines): what the script tests compare.
plot.script = api(function(fig) return (fig or plot.gcf()):script() end)

plot.Figure = Figure
plot.data = data

return plot
