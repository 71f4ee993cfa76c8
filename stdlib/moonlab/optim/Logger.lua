-- optim.Logger: Torch7's training log.  setNames names the columns; each
-- add{...} appends one row (by position, or a table keyed by name) to the
-- in-memory series and to the file (tab-separated, header first); plot()
-- draws every series, or the named ones, through moonlab.plot (a learning
-- curve per column), when the plot module and gnuplot are available.
-- Not here: Torch7's epslatex output and per-series gnuplot styles beyond
-- a name -> style table kept for compatibility.
local torch = require "torch"

local Logger = {}
Logger.__index = Logger

--- optim.Logger([filename [, timestamp]]) -> a logger; without a file the
-- log is only kept in memory.  timestamp appends the date to the name.
local function new(filename, timestamp)
  local self = setmetatable({}, Logger)
  if filename then
    if timestamp then filename = filename .. os.date("_%Y_%m_%d_%X") end
    local f, err = io.open(filename, "w")
    if not f then error("optim.Logger: cannot open " .. filename .. " (" .. tostring(err) .. ")", 2) end
    self.file = f
    self.name = filename
  end
  self.names = {}
  self.symbols = {}
  self.styles = {}
  self.idx = {}
  self.empty = true
  self.showPlot = false
  return self
end

--- logger:setNames{name...} -> self: the columns (written as the header).
function Logger:setNames(names)
  self.names = names
  self.empty = false
  self.symbols = {}
  for i, n in ipairs(names) do
    self.symbols[i] = {}
    self.idx[n] = i
  end
  if self.file then
    self.file:write(table.concat(names, "\t"), "\n")
    self.file:flush()
  end
  return self
end

--- logger:add(values) -> self: one row, a list in column order or a table keyed by name.
function Logger:add(values)
  if #self.names == 0 then
    -- Torch7: names come from the first row's keys when setNames was not called
    local names = {}
    for k in pairs(values) do if type(k) == "string" then names[#names + 1] = k end end
    table.sort(names)
    if #names == 0 then for i = 1, #values do names[i] = tostring(i) end end
    self:setNames(names)
  end
  local row = {}
  for i, n in ipairs(self.names) do
    local v = values[n]
    if v == nil then v = values[i] end
    if v == nil then error("optim.Logger.add: no value for column '" .. n .. "'", 2) end
    row[i] = v
    local s = self.symbols[i]
    s[#s + 1] = v
  end
  if self.file then
    local cells = {}
    for i, v in ipairs(row) do cells[i] = type(v) == "number" and string.format("%.6g", v) or tostring(v) end
    self.file:write(table.concat(cells, "\t"), "\n")
    self.file:flush()
  end
  return self
end

--- logger:style{name = "-" ...} -> self (styles are kept; plot draws lines).
function Logger:style(styles)
  for k, v in pairs(styles) do self.styles[k] = v end
  return self
end

--- logger:display(bool) -> self: whether add() also redraws the plot (off).
function Logger:display(b)
  self.showPlot = b ~= false
  return self
end

--- logger:series() -> {name = {values...}} of the numeric columns.
function Logger:series()
  local out = {}
  for i, n in ipairs(self.names) do
    local ok = true
    for _, v in ipairs(self.symbols[i]) do if type(v) ~= "number" then ok = false end end
    if ok then out[n] = self.symbols[i] end
  end
  return out
end

--- logger:plot([name...]) -> the figure: draws the named (or all numeric)
-- columns as learning curves through moonlab.plot.
function Logger:plot(...)
  local ok, plot = pcall(require, "moonlab.plot")
  if not ok then error("optim.Logger.plot: the plot module is not available (" .. tostring(plot) .. ")", 2) end
  local wanted = { ... }
  local series = self:series()
  local h = {}
  if #wanted == 0 then h = series else for _, n in ipairs(wanted) do h[n] = series[n] end end
  local fig = plot.figure()
  plot.learning_curve(h, { xlabel = "row", ylabel = "value" })
  return fig
end

--- logger:close(): closes the file.
function Logger:close()
  if self.file then self.file:close(); self.file = nil end
end

return new
