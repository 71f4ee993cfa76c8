-- moonlab.plot.figure: a figure is one gnuplot process (a gp session, started
-- at the first render and reused) plus what it shows: one panel, or a grid of
-- panels (multiplot), each panel a list of layers from kinds.lua with its
-- options.  Rendering writes the panels' data to binary files in a private
-- temporary folder, sends one script (terminal, output, data file names,
-- `reset`, the panels), waits for gnuplot to finish, delivers the output
-- (printed text or sixel, a PNG capture, a file) and removes the data files.
--
-- Output targets: "window", "sixel", "dumb" (text), "capture" (PNG bytes for
-- notebooks), a file path (.png .svg .pdf .eps .txt), "none", or "auto"
-- (window when a display and a window terminal exist, else sixel when the
-- terminal answers that it draws sixels, else dumb text sized to the
-- terminal).  Not here: what the plots look like (kinds.lua).
local torch = require "torch"
local gp = require "moonlab.plot.gp"
local K = require "moonlab.plot.kinds"

local P = torch._proc
local figure = {}

figure.default_output = "auto"   -- plot.output() sets it
figure.default_size = { 800, 600 }
figure.captures = {}             -- PNG captures not taken by a hook, oldest first
figure.capture_hooks = {}        -- functions(png_bytes, fig) called for each capture

local Figure = {}
Figure.__index = Figure
figure.Figure = Figure

local next_id = 0

-- A new figure; no gnuplot runs until it first renders.
--   opts.output: a target (see above); nil follows plot.output().
--   opts.size = {width, height} in pixels; opts.text_size = {columns, rows}
--   for text output (default: the terminal's size, or 80x25).
function figure.new(opts)
  opts = opts or {}
  next_id = next_id + 1
  return setmetatable({
    id = opts.id or next_id,
    output = opts.output,
    size = opts.size,
    text_size = opts.text_size,
    panels = {},        -- panel index -> {layers = {...}, opts = {...}, who = ...}
    layout = nil,       -- {rows, cols, title} in grid mode
    slot = 1,           -- grid slot the next plot fills
    last = nil,         -- index of the panel plotted last
    persist = {},       -- options applied under every panel's own (Torch7 gnuplot state)
    persist_raw = {},   -- raw gnuplot lines replayed before every panel (gnuplot.raw)
    raw_plot = nil,     -- a raw plot command that replaces the panels (gnuplot.raw)
    session = gp.session(),
  }, Figure)
end

-- ---------------------------------------------------------------- targets

local EXT_KIND = { png = true, svg = true, pdf = true, eps = true, txt = true }

-- A target table {kind, path, size, term} from what the user wrote.
function figure.target(spec, who)
  if spec == nil or spec == "auto" then return { kind = "auto" } end
  if type(spec) == "table" then
    local t = {}
    for k, v in pairs(spec) do t[k] = v end
    if t.kind == nil then t.kind = t.path and "file" or "auto" end
    if t.kind == "file" then
      local ext = type(t.path) == "string" and t.path:match("%.(%w+)$")
      if not ext or not EXT_KIND[ext:lower()] then
        error(string.format("%s: cannot tell the format of %s (use .png, .svg, .pdf, .eps or .txt)",
          who, tostring(t.path)), 0)
      end
      t.ext = ext:lower()
    end
    return t
  end
  if type(spec) ~= "string" then
    error(string.format("%s: output must be a string or a table, got %s", who, type(spec)), 0)
  end
  if spec == "window" or spec == "sixel" or spec == "dumb" or spec == "capture" or spec == "none" then
    return { kind = spec }
  elseif spec == "text" then
    return { kind = "dumb" }
  elseif spec == "png" then
    return { kind = "capture" }
  end
  return figure.target({ kind = "file", path = spec }, who)
end

local sixel_answer -- cached: does the terminal draw sixels?

-- Does the terminal we print to draw sixel images?  MOONLAB_SIXEL=1/0
-- decides; otherwise, on an interactive terminal, its answer to the
-- "primary device attributes" query (attribute 4 is sixel).
function figure.sixel_supported()
  local env = os.getenv("MOONLAB_SIXEL")
  if env == "1" then return true elseif env == "0" then return false end
  if sixel_answer ~= nil then return sixel_answer end
  sixel_answer = false
  local term = os.getenv("TERM") or ""
  if P.isatty(0) and P.isatty(1) and term ~= "dumb" and term ~= "" then
    local reply = P.tty_query("\27[c", "c", 200) or ""
    local params = reply:match("\27%[%?([%d;]*)c")
    if params then
      local i = 0
      for p in params:gmatch("%d+") do
        i = i + 1
        if i > 1 and p == "4" then sixel_answer = true end
      end
    end
  end
  return sixel_answer
end

-- The concrete target for this render: "auto" resolved, sizes filled in.
local function resolve(self, t, who)
  if t.kind == "auto" then
    local terms = gp.terminals(self.session, who)
    local display = (os.getenv("DISPLAY") or "") ~= "" or (os.getenv("WAYLAND_DISPLAY") or "") ~= ""
    if display and (terms.wxt or terms.qt or terms.x11) then
      t = { kind = "window" }
    elseif terms.sixelgd and figure.sixel_supported() then
      t = { kind = "sixel" }
    else
      t = { kind = "dumb" }
    end
  end
  return t
end

-- Terminal and output lines for target t; the second value says whether
-- gnuplot's stdout carries the picture.
local function preamble(self, t, who)
  local terms = gp.terminals(self.session, who)
  local size = t.size or self.size
  local w, h = (size or figure.default_size)[1], (size or figure.default_size)[2]
  local function px() return string.format("size %s,%s", gp.num(math.floor(w), who, "width"),
    gp.num(math.floor(h), who, "height")) end
  local kind = t.kind
  if kind == "window" then
    local term = t.term or (terms.wxt and "wxt") or (terms.qt and "qt") or (terms.x11 and "x11")
    if not term then
      error(who .. ": this gnuplot has no window terminal (wxt, qt or x11); install gnuplot-qt, "
        .. "or use plot.output(\"dumb\") or a file", 0)
    end
    return string.format("set terminal %s %d noenhanced %s title %s", term, self.id, px(),
      gp.quote("moonlab figure " .. self.id)), false
  elseif kind == "sixel" then
    if not size then
      local _, _, xp, yp = P.termsize(1)
      if xp and xp > 0 then w, h = math.min(math.floor(xp * 0.8), 1000), math.min(math.floor(yp * 0.6), 750) end
      if not xp or xp == 0 then w, h = 640, 480 end
    end
    return "set terminal sixelgd noenhanced truecolor " .. px() .. "\nset output", true
  elseif kind == "dumb" then
    local cols, rows
    local ts = t.text_size or self.text_size
    if ts then
      cols, rows = ts[1], ts[2]
    else
      local c, r = P.termsize(1)
      cols, rows = c or 80, r and math.max(r - 2, 10) or 25
      cols = math.max(cols - 1, 20)
    end
    return string.format("set terminal dumb noenhanced size %d,%d\nset output", math.floor(cols),
      math.floor(rows)), true
  elseif kind == "capture" then
    local term = terms.pngcairo and "pngcairo" or "png"
    return string.format("set terminal %s noenhanced %s\nset output", term, px()), true
  elseif kind == "file" then
    local ext, term = t.ext, nil
    if ext == "png" then
      term = (terms.pngcairo and "pngcairo" or "png") .. " noenhanced " .. px()
    elseif ext == "svg" then
      term = "svg noenhanced " .. px()
    elseif ext == "pdf" then
      if not terms.pdfcairo then error(who .. ": this gnuplot cannot write PDF (no pdfcairo terminal)", 0) end
      term = string.format("pdfcairo noenhanced size %gin,%gin", w / 100, h / 100)
    elseif ext == "eps" then
      term = terms.epscairo and string.format("epscairo noenhanced size %gin,%gin", w / 100, h / 100)
        or "postscript eps noenhanced color"
    elseif ext == "txt" then
      local ts = t.text_size or self.text_size or { 80, 25 }
      term = string.format("dumb noenhanced size %d,%d", math.floor(ts[1]), math.floor(ts[2]))
    end
    return "set terminal " .. term .. "\nset output " .. gp.quote(t.path), false
  end
  error(string.format("%s: unknown output kind %s", who, tostring(kind)), 0)
end

-- ---------------------------------------------------------------- script

local function merged(a, b)
  local r = {}
  for k, v in pairs(a or {}) do r[k] = v end
  for k, v in pairs(b or {}) do r[k] = v end
  return r
end

-- One panel's text into builder B.
local function panel_text(self, B, panel)
  local pb = B:panel()
  for _, l in ipairs(self.persist_raw) do pb:set(l) end
  local o = merged(self.persist, panel.opts)
  for _, layer in ipairs(panel.layers) do layer(pb) end
  K.common(panel.who or "plot", o, pb)
  return pb:text()
end

-- The figure's gnuplot commands after the terminal lines, and the data sets
-- they read (names ML_D1 ...).  Raises when there is nothing to draw.
function Figure:body(who)
  local B = K.builder()
  local out = { "reset" }
  if self.raw_plot then
    for _, l in ipairs(self.persist_raw) do out[#out + 1] = l end
    local pb = B:panel()
    K.common(who, self.persist, pb)
    out[#out + 1] = pb:text()
    out[#out + 1] = self.raw_plot
  elseif self.layout then
    local L = self.layout
    local head = string.format("set multiplot layout %d,%d", L.rows, L.cols)
    if L.title then head = head .. " title " .. gp.quote(L.title) end
    out[#out + 1] = head
    local n = 0
    for i = 1, L.rows * L.cols do if self.panels[i] then n = i end end
    if n == 0 then error(who .. ": the figure is empty", 0) end
    for i = 1, n do
      local p = self.panels[i]
      if i > 1 then out[#out + 1] = "reset" end
      if p then out[#out + 1] = panel_text(self, B, p) else out[#out + 1] = "set multiplot next" end
    end
    out[#out + 1] = "unset multiplot"
  else
    local p = self.panels[1]
    if not p then error(who .. ": the figure is empty", 0) end
    out[#out + 1] = panel_text(self, B, p)
  end
  return table.concat(out, "\n"), B.datasets
end

-- The script text without terminal and data lines (what tests compare).
function Figure:script()
  return (self:body("plot.script"))
end

-- ---------------------------------------------------------------- rendering

local function tmpdir()
  local base = os.getenv("TMPDIR")
  if not base or base == "" then base = "/tmp" end
  return P.mkdtemp(base .. "/moonlab-plot-")
end

local function deliver_capture(self, png)
  self.last_png = png
  if #figure.capture_hooks == 0 then
    figure.captures[#figure.captures + 1] = png
  else
    for _, f in ipairs(figure.capture_hooks) do f(png, self) end
  end
end

-- Draws the figure on target t (default: its own output, else plot.output()).
-- Returns what gnuplot wrote on stdout.
function Figure:render(who, t, quiet)
  who = who or "plot"
  t = t or figure.target(self.output or figure.default_output, who)
  if t.kind == "none" then return "" end
  self.closed = nil
  t = resolve(self, t, who)
  local body, datasets = self:body(who)
  local head, to_stdout = preamble(self, t, who)
  local dir = #datasets > 0 and tmpdir() or nil
  local files = {}
  local ok, out, warnings = pcall(function()
    local defs = {}
    for i, d in ipairs(datasets) do
      local path = string.format("%s/d%d.bin", dir, i)
      files[#files + 1] = path
      P.save_columns(path, d.cols)
      defs[#defs + 1] = d.name .. " = " .. gp.quote(path)
    end
    local script = "unset multiplot\n" .. head .. "\n" .. table.concat(defs, "\n") .. "\n" .. body
      .. "\nunset output"
    return self.session:run(script, who)
  end)
  for _, f in ipairs(files) do os.remove(f) end
  if dir then os.remove(dir) end
  if not ok then error(out, 0) end
  for _, w in ipairs(warnings or {}) do
    if not quiet then io.stderr:write(who, ": gnuplot ", w, "\n") end
  end
  if to_stdout and not quiet then
    if t.kind == "dumb" then
      local text = out:gsub("^\f", "")
      self.last_text = text
      if t.print ~= false then io.stdout:write(text); io.stdout:flush() end
    elseif t.kind == "sixel" then
      io.stdout:write(out); io.stdout:flush()
    elseif t.kind == "capture" then
      deliver_capture(self, out)
    end
  end
  return out
end

-- Draws now unless the grid still has empty panels (then the grid is drawn
-- when its last panel is filled, or by fig:show()).
function Figure:update(who)
  if self.layout then
    local L = self.layout
    for i = 1, L.rows * L.cols do
      if not self.panels[i] then return self end
    end
  end
  self:render(who)
  return self
end

-- Adds a plot: a new panel (replacing the figure's plot, or filling the next
-- grid slot), or with opts.add a layer on the last panel.
function Figure:add(who, layer, opts)
  opts = opts or {}
  local saved = { panels = {}, slot = self.slot, last = self.last, raw_plot = self.raw_plot }
  for k, p in pairs(self.panels) do saved.panels[k] = { layers = { table.unpack(p.layers) }, opts = p.opts, who = p.who } end
  if opts.add and self.last and self.panels[self.last] then
    local p = self.panels[self.last]
    p.layers[#p.layers + 1] = layer
    p.opts = merged(p.opts, opts)
  else
    local p = { layers = { layer }, opts = opts, who = who }
    self.raw_plot = nil
    if self.layout then
      local n = self.layout.rows * self.layout.cols
      self.panels[self.slot] = p
      self.last = self.slot
      self.slot = self.slot % n + 1
    else
      self.panels = { p }
      self.last = 1
    end
  end
  -- Build the script once now, so bad options fail at this call (and leave
  -- the figure as it was) even when nothing is drawn yet.
  local ok, err = pcall(self.body, self, who)
  if not ok then
    self.panels, self.slot, self.last, self.raw_plot = saved.panels, saved.slot, saved.last, saved.raw_plot
    error(err, 0)
  end
  if opts.output then
    return self:render(who, figure.target(opts.output, who))
  end
  return self:update(who)
end

-- Grid mode: rows x cols panels filled in reading order by the next plots;
-- without arguments, back to one plot per figure.
function Figure:grid(rows, cols, opts)
  local who = "plot.grid"
  if rows == nil and cols == nil then
    self.layout, self.panels, self.slot, self.last = nil, {}, 1, nil
    return self
  end
  if math.type(rows) ~= "integer" or math.type(cols) ~= "integer" or rows < 1 or cols < 1 then
    error(string.format("%s: rows and cols must be positive integers, got %s and %s", who,
      tostring(rows), tostring(cols)), 0)
  end
  opts = opts or {}
  self.layout = { rows = rows, cols = cols, title = opts.title }
  self.panels, self.slot, self.last = {}, 1, nil
  return self
end

-- The next plot goes into panel i (reading order) or (row, col).
function Figure:panel(i, j)
  if not self.layout then error("plot.panel: the figure is not a grid (use plot.grid first)", 0) end
  local L = self.layout
  if j then i = (i - 1) * L.cols + j end
  if math.type(i) ~= "integer" or i < 1 or i > L.rows * L.cols then
    error(string.format("plot.panel: panel %s is outside the %dx%d grid", tostring(i), L.rows, L.cols), 0)
  end
  self.slot = i
  return self
end

-- Sets an option of the last panel (title, xlabel, log, ...) and redraws.
function Figure:set(key, value, who)
  local p = self.last and self.panels[self.last]
  if p then p.opts = merged(p.opts, { [key] = value }) else self.persist[key] = value end
  if p then return self:update(who or ("plot." .. key)) end
  return self
end

-- Draws the figure now (a grid with empty panels too).
function Figure:show()
  self:render("plot.show")
  return self
end

-- Waits until the user closes the figure's window (gnuplot's `pause mouse
-- close`), so a script's windows stay up; returns at once for other outputs.
function Figure:wait()
  local t = figure.target(self.output or figure.default_output, "plot.wait")
  if t.kind == "auto" and self.session.proc then t = resolve(self, t, "plot.wait") end
  if t.kind ~= "window" or not self.session.proc then return self end
  self.session:run("pause mouse close", "plot.wait", -1)
  return self
end

-- Writes the figure to a file; the format comes from the extension (.png
-- .svg .pdf .eps .txt).  opts.size = {w, h}.
function Figure:save(path, opts)
  local who = "plot.save"
  if type(path) ~= "string" then error(who .. ": path must be a string", 0) end
  opts = opts or {}
  self:render(who, figure.target({ kind = "file", path = path, size = opts.size,
    text_size = opts.text_size }, who))
  return path
end

-- The figure as PNG bytes.
function Figure:png(opts)
  opts = opts or {}
  return self:render("plot.png", { kind = "capture", size = opts.size }, true)
end

-- The figure as text (gnuplot's dumb terminal), opts.size = {cols, rows}.
function Figure:text(opts)
  opts = opts or {}
  local out = self:render("plot.text", { kind = "dumb", text_size = opts.size or { 80, 25 } }, true)
  return (out:gsub("^\f", ""))
end

-- Sets this figure's output target (nil: follow plot.output()).
function Figure:set_output(spec)
  if spec ~= nil then figure.target(spec, "plot.output") end
  self.output = spec
  return self
end

-- The gnuplot process id while one runs (for tests and debugging).
function Figure:pid()
  return self.session:pid()
end

-- Ends the figure's gnuplot (reaped); a later plot starts a new one.
function Figure:close()
  self.closed = true
  self.session:close()
  if figure.on_close then figure.on_close(self) end
end

Figure.__close = Figure.close

function Figure:__tostring()
  return string.format("moonlab figure %d (%s)", self.id, self:pid() and ("gnuplot pid " .. self:pid()) or "no gnuplot")
end

return figure
