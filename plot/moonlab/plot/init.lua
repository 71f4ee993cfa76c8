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
  for k, f in pairs(open) do if f == fig then open[k] = nil end end
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

--- plot.figures() -> list of the open figures.
function plot.figures()
  local all = {}
  for _, f in pairs(open) do all[#all + 1] = f end
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

local function kind_method(name, build, returns)
  local who = "plot." .. name
  Figure[name] = api(function(self, ...)
    local layer, opts, extra = build(who, ...)
    if opts.size then self.size = opts.size end
    self:add(who, layer, opts)
    if returns then return returns(extra, self) end
    return self
  end)
  plot[name] = api(function(...) return Figure[name](plot.gcf(), ...) end)
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

local function helper(name, f)
  local who = "plot." .. name
  Figure[name] = api(function(self, ...) return f(self, who, ...) end)
  plot[name] = api(function(...) return f(plot.gcf(), who, ...) end)
end

helper("dist", H.dist)
helper("learning_curve", H.learning_curve)
helper("roc", H.roc)
helper("pr", H.pr)
helper("confusion", H.confusion)
helper("pairs", H.pairs)
helper("corr", H.corr)

Figure.grid = api(Figure.grid)
Figure.panel = api(Figure.panel)
Figure.save = api(Figure.save)
Figure.show = api(Figure.show)
Figure.png = api(Figure.png)
Figure.text = api(Figure.text)
Figure.set_output = api(Figure.set_output)

--- plot.grid(rows, cols [, {title}]): the next rows*cols plots fill a grid.
plot.grid = api(function(...) return plot.gcf():grid(...) end)
--- plot.panel(i [, j]): the next plot goes into panel i (or row i, column j).
plot.panel = api(function(...) return plot.gcf():panel(...) end)
--- plot.save(path [, {size}]) writes the current figure to a file.
plot.save = api(function(...) return plot.gcf():save(...) end)
--- plot.show() draws the current figure now.
plot.show = api(function() return plot.gcf():show() end)

-- Decorations of the last plot: plot.title("..."), fig:xlabel("..."), ...
for _, key in ipairs({ "title", "xlabel", "ylabel", "zlabel", "xrange", "yrange", "zrange",
  "legend", "log" }) do
  local who = "plot." .. key
  Figure[key] = api(function(self, v) return self:set(key, v, who) end)
  plot[key] = api(function(v) return plot.gcf():set(key, v, who) end)
end

--- plot.script([fig]) -> the gnuplot commands the figure sends (without the
--- terminal and data file lines): what the script tests compare.
plot.script = api(function(fig) return (fig or plot.gcf()):script() end)

plot.Figure = Figure
plot.data = data

return plot
