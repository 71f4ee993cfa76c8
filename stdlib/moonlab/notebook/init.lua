-- moonlab.notebook: notebooks in Jupytext's "percent" format for Lua, run
-- cell by cell in one Lua state and exported to HTML or Markdown.
--
--   -- %% [markdown]          a prose cell; its lines start with "-- "
--   -- # A title
--   -- %% Optional title      a code cell
--   x = torch.rand(3)
--   x:sum()                   the last expression is shown, as in the REPL
--
-- A notebook is a valid Lua script.  This module parses, runs (output,
-- auto-printed values, plots captured through moonlab.plot, errors with the
-- line within the cell, a per-cell timeout, parameters, a seed, an optional
-- cache) and hands results to moonlab.notebook.export.  It does not draw
-- pages itself and does not talk to a terminal (moonlab.tutorial does).
local torch = require "torch"

local M = {}

-- ---------------------------------------------------------------- parsing

-- The cell marker: "-- %%", then an optional title, an optional [type] and
-- optional key="value" metadata, as Jupytext writes them.
local function parse_marker(line)
  local rest = line:match("^%-%-%s?%%%%(.*)$")
  if not rest then return nil end
  if rest ~= "" and not rest:match("^%s") then return nil end -- "-- %%%" or "-- %%x" are comments
  rest = rest:gsub("^%s+", ""):gsub("%s+$", "")
  local kind = "code"
  local meta = {}
  rest = rest:gsub("%s*(%w+)%s*=%s*\"([^\"]*)\"", function(k, v) meta[k] = v; return "" end)
  rest = rest:gsub("%s*%[(%w+)%]%s*", function(t)
    t = t:lower()
    if t == "markdown" or t == "md" then kind = "markdown" elseif t == "raw" then kind = "raw" end
    return " "
  end)
  rest = rest:gsub("^%s+", ""):gsub("%s+$", "")
  return kind, rest ~= "" and rest or nil, meta
end

--- notebook.parse(text [, name]) -> {name, cells = {{kind = "code" | "markdown"
-- | "raw", title, source, line, meta}, ...}}.  Lines before the first marker
-- form a code cell when they hold anything but blank lines and comments
-- (a leading comment block is kept as the notebook's header).  line is the
-- file line of the cell's first source line.
function M.parse(text, name)
  if type(text) ~= "string" then error("notebook.parse: text must be a string", 2) end
  text = text:gsub("^\239\187\191", ""):gsub("\r\n", "\n")
  local lines = {}
  for l in (text .. (text:sub(-1) == "\n" and "" or "\n")):gmatch("(.-)\n") do lines[#lines + 1] = l end
  if lines[1] and lines[1]:match("^#!") then lines[1] = "" end -- a shebang line stays a valid script
  local cells, cur = {}, nil
  local header = {}
  local function has_code(ls)
    for _, h in ipairs(ls) do if not (h:match("^%s*$") or h:match("^%s*%-%-")) then return true end end
    return false
  end
  local function close()
    if not cur then return end
    -- trailing blank lines belong to no one
    while #cur.body > 0 and cur.body[#cur.body]:match("^%s*$") do table.remove(cur.body) end
    if cur.kind == "markdown" or cur.kind == "raw" then
      for i, l in ipairs(cur.body) do
        cur.body[i] = l:gsub("^%-%- ?", "", 1)
      end
    end
    cur.source = table.concat(cur.body, "\n")
    cur.body = nil
    cells[#cells + 1] = cur
    cur = nil
  end
  for i, l in ipairs(lines) do
    local kind, title, meta = parse_marker(l)
    if kind then
      if not cur and has_code(header) then
        cur = { kind = "code", line = 1, body = header, meta = {} }
      end
      close()
      cur = { kind = kind, title = title, meta = meta, line = i + 1, body = {} }
    elseif cur then
      if #cur.body == 0 and l:match("^%s*$") then cur.line = i + 1 else cur.body[#cur.body + 1] = l end
    else
      header[#header + 1] = l
    end
  end
  if not cur and has_code(header) then
    cur = { kind = "code", line = 1, body = header, meta = {} }
  end
  close()
  return { name = name or "notebook", cells = cells }
end

--- notebook.load(path) -> the parsed notebook of the file at path, or raises
-- "notebook.load: cannot read PATH (reason)".
function M.load(path)
  local f, err = io.open(path, "rb")
  if not f then error("notebook.load: cannot read " .. tostring(err), 2) end
  local text = f:read("a")
  f:close()
  local nb = M.parse(text, path:match("([^/]+)$"))
  nb.path = path
  return nb
end

-- ---------------------------------------------------------------- running

-- The chunk of a code cell: the cell itself, or with "return" put before its
-- last line when that line is an expression (a whole cell that is one
-- expression, or a last line that is), so that its value is shown as the
-- REPL shows it.  A trailing ';' keeps the value quiet.  A last line starting
-- with an operator or '(' continues the line before it in Lua's grammar, and
-- a last line that closes a block is part of it: both are left alone.  Returns the function (or nil), whether it returns the
-- values to show, and the compile error.
local function compile(src, chunkname, env)
  if src:match(";%s*$") then
    local g, err = load(src, chunkname, "t", env)
    return g, false, err
  end
  local f = load("return " .. src, chunkname, "t", env)
  if f then return f, true end
  local body, last = src:match("^(.*\n)([^\n]*)$")
  if not body then body, last = "", src end
  if not last:match("^%s*$") and not last:match("^%s*%-%-") and not last:match(";%s*$")
      and not last:match("^%s*[-+*/%%^#~<>=.,:(%[]") then
    -- the lines before must be whole statements, or "return" would land
    -- inside a block ("for ... do" / "x() end")
    f = load(body .. "return " .. last, chunkname, "t", env)
    if f and load(body, chunkname, "t", env) then return f, true end
  end
  local g, err = load(src, chunkname, "t", env)
  return g, false, err
end

-- Output capture: print, io.write and io.stdout/io.stderr's write go into
-- buf while a cell runs.
local function capture(buf)
  local saved = { print = _G.print, write = io.write, stdout = io.stdout, stderr = io.stderr }
  local function put(...)
    for i = 1, select("#", ...) do
      local v = select(i, ...)
      if type(v) == "number" then v = tostring(v) end
      if type(v) ~= "string" then error("bad argument #" .. i .. " to 'write' (string expected, got " .. type(v) .. ")", 3) end
      buf[#buf + 1] = v
    end
  end
  local function proxy(real)
    local p = {}
    function p:write(...) put(...); return self end
    function p:flush() return self end
    function p:setvbuf() return true end
    function p:close() return nil, "cannot close standard file" end
    function p:lines(...) return real:lines(...) end
    function p:read(...) return real:read(...) end
    function p:seek() return nil, "Illegal seek" end
    return setmetatable(p, { __name = "FILE*", __tostring = function() return tostring(real) end })
  end
  _G.print = function(...)
    local n = select("#", ...)
    for i = 1, n do
      buf[#buf + 1] = tostring((select(i, ...)))
      if i < n then buf[#buf + 1] = "\t" end
    end
    buf[#buf + 1] = "\n"
  end
  io.write = function(...) put(...); return io.stdout end
  io.stdout, io.stderr = proxy(saved.stdout), proxy(saved.stderr)
  return function()
    _G.print, io.write, io.stdout, io.stderr = saved.print, saved.write, saved.stdout, saved.stderr
  end
end

local function show_values(t, n)
  local ok, repl = pcall(require, "moonlab.repl")
  local texts = {}
  for i = 1, n do
    local v = t[i]
    texts[i] = ok and repl.show(v, 100, 40) or tostring(v)
  end
  return table.concat(texts, "\t")
end

-- A parameter's value from its text: numbers, booleans and nil as Lua reads
-- them, anything else as the string.
local function param_value(s)
  if s == "true" then return true elseif s == "false" then return false elseif s == "nil" then return nil end
  local n = tonumber(s)
  if n then return math.tointeger(n) or n end
  return s
end

--- notebook.parse_param("name=value") -> name, value (a number, boolean or
-- string); raises on a malformed spec or a name that is not a Lua name.
function M.parse_param(spec)
  local name, value = tostring(spec):match("^([%a_][%w_]*)=(.*)$")
  if not name then
    error("notebook: --param wants name=value with a Lua name (got '" .. tostring(spec) .. "')", 2)
  end
  return name, param_value(value)
end

local function set_params(params)
  for _, p in ipairs(params or {}) do rawset(_G, p[1], p[2]) end
end

-- The plot module, when the notebook can load it: figures go to PNG captures
-- that land under the running cell.
local function plot_hooks(state)
  local ok, plot = pcall(require, "moonlab.plot")
  if not ok then return function() end end
  local prev = plot.output("capture")
  plot.on_capture(function(png) if state.cell then local p = state.cell.plots; p[#p + 1] = png end end)
  return function()
    plot.on_capture(nil)
    plot.output(prev)
  end
end

-- Runs one code cell's function under the timeout; returns ok, values or
-- the error record.
local function call_cell(f, index, timeout)
  local timer = torch.Timer()
  local hook_set = false
  if timeout and timeout > 0 then
    debug.sethook(function()
      if timer:time().real > timeout then
        debug.sethook()
        error(string.format("cell %d took longer than the timeout (%g s)", index, timeout), 2)
      end
    end, "", 10000)
    hook_set = true
  end
  local res = table.pack(xpcall(f, function(err)
    local msg = type(err) == "string" and err or tostring(err)
    return { message = msg, traceback = debug.traceback("", 2) }
  end))
  if hook_set then debug.sethook() end
  return res, timer:time().real
end

-- "[cell 3]:5: boom" -> 5, "boom"; the traceback's lines from inside the
-- runner are dropped, those of the cell and of library code kept.
local function locate(err, chunkname)
  local pat = "^" .. chunkname:gsub("^=", ""):gsub("%p", "%%%0") .. ":(%d+): (.*)$"
  local line, msg = err.message:match(pat)
  local tb = {}
  local top = "^%s*" .. chunkname:gsub("^=", ""):gsub("%p", "%%%0") .. ":%d+: in main chunk"
  for l in (err.traceback or ""):gmatch("[^\n]+") do
    if not l:find("moonlab/notebook/", 1, true) and not l:match("^stack traceback:")
        and not l:match("^%s*%(%.%.%.tail calls%.%.%.%)") then
      tb[#tb + 1] = l
    end
    if l:match(top) then break end -- what called the cell is the runner's business
  end
  return tonumber(line), msg or err.message, table.concat(tb, "\n")
end

--- notebook.run(nb [, opts]) -> results.  Runs nb's code cells in order in
-- this Lua state.  opts: continue (keep going after an error; default stops
-- and marks the rest "not run"), timeout (seconds per cell), params (a list
-- of {name, value} set as globals before the first cell and again after a
-- cell titled "parameters"), seed (torch.manualSeed and math.randomseed
-- before the first cell), cache (a moonlab.notebook.cache store, or nil),
-- on_cell (called with (cell, result) after each cell).
-- results: {ok, cells = {[i] = {status = "ok" | "error" | "not run" |
-- "cached" | "prose", output, value, plots = {png...}, error = {cell, line,
-- file_line, message, traceback}, time}}, time}.
function M.run(nb, opts)
  opts = opts or {}
  local results = { ok = true, cells = {} }
  local state = {}
  local unhook = plot_hooks(state)
  if opts.seed then
    torch.manualSeed(opts.seed)
    math.randomseed(opts.seed)
  end
  set_params(opts.params)
  local cache = opts.cache
  local key = cache and cache:start(nb) or nil
  local total = torch.Timer()
  local stopped = false
  local code_index = 0
  for i, cell in ipairs(nb.cells) do
    local r = { status = "prose", plots = {}, output = "" }
    results.cells[i] = r
    if cell.kind == "code" then
      code_index = code_index + 1
      r.index = code_index
      if stopped then
        r.status = "not run"
      else
        if key then key = cache:key(key, cell.source) end
        local restored = key and cache:restore(key, r)
        if restored then
          r.status = "cached"
          key = restored
        else
          state.cell = r
          local chunkname = "=[cell " .. code_index .. "]"
          local f, has_value, err = compile(cell.source, chunkname, _G)
          local buf = {}
          if not f then
            r.status = "error"
            local line, msg = tostring(err):match("^%[cell %d+%]:(%d+): (.*)$")
            r.error = { message = msg or tostring(err), line = tonumber(line), traceback = "" }
            key = nil -- nothing below an error is cached
          else
            local before = cache and cache:snapshot() or nil
            local reads = cache and cache:track() or nil
            local restore = capture(buf)
            local res, secs = call_cell(f, code_index, opts.timeout)
            restore()
            r.output = table.concat(buf)
            r.time = secs
            if res[1] then
              r.status = "ok"
              local fig = package.loaded["moonlab.plot.figure"]
              if has_value and res.n == 2 and fig and getmetatable(res[2]) == fig.Figure then
                res.n = 1 -- a figure shows as its picture, already captured
              end
              if has_value and res.n > 1 then
                local vals = table.move(res, 2, res.n, 1, {})
                r.value = show_values(vals, res.n - 1)
                if vals[1] ~= nil then rawset(_G, "_", vals[1]) end
              end
            else
              r.status = "error"
              local line, msg, tb = locate(res[2], chunkname)
              r.error = { message = msg, line = line, traceback = tb }
            end
            if r.status == "ok" and cache then
              key = cache:store(key, before, cache:untrack(reads), r)
            elseif cache then
              cache:untrack(reads)
              key = nil -- nothing below an error is cached
            end
          end
          state.cell = nil
          if r.error then
            r.error.cell = code_index
            r.error.file_line = r.error.line and cell.line + r.error.line - 1
            results.ok = false
            if not opts.continue then stopped = true end
          end
          if (cell.title or ""):lower() == "parameters" or (cell.meta.tags or ""):find("parameters", 1, true) then
            set_params(opts.params)
          end
        end
      end
    elseif cell.kind == "raw" then
      r.status = "raw"
    end
    if opts.on_cell then opts.on_cell(cell, r) end
  end
  unhook()
  results.time = total:time().real
  return results
end

--- notebook.run_file(path [, opts]) -> nb, results: notebook.load then run.
function M.run_file(path, opts)
  local nb = M.load(path)
  return nb, M.run(nb, opts)
end

return M
