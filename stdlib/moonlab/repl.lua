-- moonlab.repl: the Lua half of the REPL (the C half, vm/repl.c, reads and
-- compiles input, runs it and reports errors).
--
-- Here: displaying results (pretty tables with sorted keys, depth and length
-- limits and marked cycles; tensors fitted to the terminal; several results
-- side by side; colours on a terminal), the numbered results `_` and `_N`,
-- completion candidates, the `:commands`, `?name` help and the session's
-- record for `:save`.  The C half calls init, display, record, command and
-- complete; nothing else here is an interface.
--
-- Deliberately not here: reading input, signals, history (all in C), and the
-- docstrings themselves (moonlab.help and moonlab/docs/).
local torch = require "torch"

local M = {}

local host = { tty = false, color = false } -- from the C half (see init)
local builtins = {}   -- names of the globals that are not the user's
local inputs = {}     -- { n = input number, code = text } of the inputs that ran
local completers = {} -- extra completion sources (see M.add_completer)

local MAX_DEPTH = 4   -- nesting shown before "{...}"
local MAX_ITEMS = 50  -- entries shown per table before "... (N more)"

-- ---------------------------------------------------------------- colours

local COL = { num = "36", str = "32", const = "35", dim = "2", warn = "33", err = "31", head = "1" }

local function paint(kind, s)
  if not host.color then return s end
  return "\27[" .. COL[kind] .. "m" .. s .. "\27[0m"
end

-- Visible width of s: colour escapes do not count, UTF-8 counts by character.
local function width(s)
  s = s:gsub("\27%[[%d;]*m", "")
  return utf8.len(s) or #s
end

local function termsize()
  local cols, rows
  if host.termsize then cols, rows = host.termsize() end
  if not cols and host.tty then
    cols, rows = tonumber(os.getenv("COLUMNS")) or 80, tonumber(os.getenv("LINES")) or 24
  end
  return cols, rows
end

-- ---------------------------------------------------------------- values as text

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local nil not or
  repeat return then true until while]]):gmatch("%a+") do KEYWORDS[w] = true end

local function quote(s)
  s = s:gsub('[%c"\\]', function(c)
    local named = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r", ['"'] = '\\"', ["\\"] = "\\\\" }
    return named[c] or string.format("\\%03d", c:byte())
  end)
  return '"' .. s .. '"'
end

local function is_tensor(v) return torch.isTensor(v) end

local function sizestr(t)
  local parts = {}
  for d = 1, t:dim() do parts[d] = tostring(t:size(d)) end
  return #parts > 0 and table.concat(parts, "x") or "empty"
end

-- One-line text of a value inside a table.
local function scalar(v)
  local ty = type(v)
  if ty == "string" then return paint("str", quote(v)) end
  if ty == "number" then return paint("num", tostring(v)) end
  if ty == "boolean" or ty == "nil" then return paint("const", tostring(v)) end
  if is_tensor(v) then return "[" .. torch.typename(v) .. " of size " .. sizestr(v) .. "]" end
  local mt = getmetatable(v)
  if type(mt) == "table" and rawget(mt, "__tostring") then
    local ok, s = pcall(tostring, v)
    if ok and type(s) == "string" then return (s:gsub("\n.*", " ...")) end
  end
  return paint("dim", tostring(v))
end

local TYPE_RANK = { number = 1, string = 2, boolean = 3 }

local function key_before(a, b)
  local ta, tb = type(a), type(b)
  local ra, rb = TYPE_RANK[ta] or 4, TYPE_RANK[tb] or 4
  if ra ~= rb then return ra < rb end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return (not a) and b end
  return tostring(a) < tostring(b)
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") and not KEYWORDS[k] then return k end
  return "[" .. scalar(k) .. "]"
end

-- Text of table t: one line when it fits in `room` columns, else one entry per
-- line.  path holds the tables being printed (a repeat there is a cycle).
local function table_text(t, indent, depth, path, room)
  if path[t] then return paint("warn", "<cycle>") end
  if next(t) == nil then return "{}" end
  if depth > MAX_DEPTH then return "{...}" end
  path[t] = true
  local items, n = {}, 0
  local seq = 0
  while rawget(t, seq + 1) ~= nil do seq = seq + 1 end
  local keys = {}
  for k in next, t do
    if not (math.type(k) == "integer" and k >= 1 and k <= seq) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_before)
  local total = seq + #keys
  local function add(text)
    n = n + 1
    if n <= MAX_ITEMS then items[n] = text end
  end
  local function value_text(v)
    if type(v) == "table" and not is_tensor(v) then
      local mt = getmetatable(v)
      if not (type(mt) == "table" and rawget(mt, "__tostring")) then
        return table_text(v, indent .. "  ", depth + 1, path, room - 2)
      end
    end
    return scalar(v)
  end
  for i = 1, math.min(seq, MAX_ITEMS) do add(value_text(rawget(t, i))) end
  for _, k in ipairs(keys) do
    if n >= MAX_ITEMS then break end
    add(key_text(k) .. " = " .. value_text(rawget(t, k)))
  end
  path[t] = nil
  if total > MAX_ITEMS then items[#items + 1] = paint("dim", "... (" .. (total - MAX_ITEMS) .. " more)") end
  local one = "{" .. table.concat(items, ", ") .. "}"
  if not one:find("\n", 1, true) and width(one) <= room then return one end
  local pad = indent .. "  "
  if one:find("\n", 1, true) then -- nested blocks: one entry per line
    return "{\n" .. pad .. table.concat(items, ",\n" .. pad) .. "\n" .. indent .. "}"
  end
  -- single-line entries: as many per line as fit
  local lines, cur = {}, nil
  for i, it in ipairs(items) do
    local piece = i < #items and it .. "," or it
    if cur and width(pad) + width(cur) + 1 + width(piece) <= room then
      cur = cur .. " " .. piece
    else
      lines[#lines + 1] = cur
      cur = piece
    end
  end
  lines[#lines + 1] = cur
  return "{\n" .. pad .. table.concat(lines, "\n" .. pad) .. "\n" .. indent .. "}"
end

-- Does text fit in cols columns and rows lines?
local function fits(s, cols, rows)
  local nlines = 0
  for line in (s .. "\n"):gmatch("(.-)\n") do
    nlines = nlines + 1
    if nlines > rows or width(line) > cols then return false end
  end
  return true
end

-- Text of tensor t fitted to the terminal: Torch7's layout at the terminal's
-- width; when that is too tall or too wide, numpy-style summaries with fewer
-- edge items.  Print options the user has changed are respected as they are.
local function tensor_text(t, cols, rows)
  local o = torch.getprintoptions()
  if not cols or o.linewidth ~= 80 or o.threshold ~= 1000 or o.edgeitems ~= 3 then
    return tostring(t)
  end
  local maxrows = math.max((rows or 24) - 4, 8)
  local function with(opts)
    torch.setprintoptions(opts)
    local ok, s = pcall(tostring, t)
    torch.setprintoptions(o)
    if not ok then error(s, 0) end
    return s
  end
  local s = with { linewidth = math.max(cols, 10) }
  if fits(s, cols, maxrows) then return s end
  for e = 3, 1, -1 do
    s = with { linewidth = math.max(cols, 10), threshold = 0, edgeitems = e }
    if fits(s, cols, maxrows) then break end
  end
  return s
end

--- repl.show(v [, cols, rows]) -> the REPL's text for value v.
-- Strings as they are, numbers and booleans with tostring, tensors fitted to
-- cols x rows (the terminal when not given), tables pretty-printed.
function M.show(v, cols, rows)
  if not cols then cols, rows = termsize() end
  local ty = type(v)
  if ty == "string" then return v end
  if is_tensor(v) then return tensor_text(v, cols, rows) end
  if ty == "table" then
    local mt = getmetatable(v)
    if type(mt) == "table" and rawget(mt, "__tostring") then return tostring(v) end
    return table_text(v, "", 1, {}, cols or 80)
  end
  if ty == "number" or ty == "boolean" or ty == "nil" then return scalar(v) end
  return tostring(v)
end

-- Several texts side by side when some span lines and all fit in cols;
-- single-line texts are separated by tabs (as lua.c's print).
local function side_by_side(texts, cols)
  local multi = false
  for _, s in ipairs(texts) do if s:find("\n", 1, true) then multi = true end end
  if not multi then return table.concat(texts, "\t") end
  local blocks, widths, total, height = {}, {}, 0, 0
  for i, s in ipairs(texts) do
    local lines, w = {}, 0
    for line in (s .. "\n"):gmatch("(.-)\n") do
      lines[#lines + 1] = line
      w = math.max(w, width(line))
    end
    blocks[i], widths[i] = lines, w
    total = total + w + (i > 1 and 3 or 0)
    height = math.max(height, #lines)
  end
  if total > (cols or 80) then return table.concat(texts, "\n") end
  local out = {}
  for r = 1, height do
    local cells = {}
    for i, lines in ipairs(blocks) do
      local cell = lines[r] or ""
      cells[i] = i < #blocks and cell .. string.rep(" ", widths[i] - width(cell)) or cell
    end
    out[r] = (table.concat(cells, "   "):gsub("%s+$", ""))
  end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- the C half's entry points

--- Called once by the C half with its host table: tty, color, quiet, version,
-- termsize(), listdir(dir), builtins (names of the globals at start),
-- history (file or nil).  Defines the globals help and apropos.
function M.init(h)
  host = h
  for k in pairs(h.builtins or {}) do builtins[k] = true end
  for _, k in ipairs { "help", "apropos", "tutorial", "_" } do builtins[k] = true end
  _G.help = function(...) return require("moonlab.help").help(...) end
  _G.apropos = function(...) return require("moonlab.help").apropos(...) end
  _G.tutorial = function(name)
    local T = require "moonlab.tutorial"
    if name == nil then return T.print_list() end
    local ok, err = T.start(name)
    if not ok then error(err, 2) end
  end
  if h.tty and not h.quiet then
    local hint = "Type ?name or help(f) for help, :help for the commands, Ctrl-D to quit."
    if rawget(_G, "tutorial") then hint = hint:gsub("Ctrl%-D", "tutorial() for a tour, Ctrl-D") end
    io.write(paint("dim", hint), "\n")
  end
end

--- display(n, ...): shows the results of input n and keeps the first as _
-- and _n.
function M.display(n, ...)
  local k = select("#", ...)
  local first = ...
  if first ~= nil then
    rawset(_G, "_", first)
    rawset(_G, "_" .. n, first)
  end
  local cols, rows = termsize()
  local texts = {}
  for i = 1, k do texts[i] = M.show((select(i, ...)), cols, rows) end
  io.write(side_by_side(texts, cols), "\n")
  io.flush()
end

--- record(n, code, kind, nvalues): keeps the code of input n, which ran
-- without error, for :save; kind is "expression", "quiet" (an expression
-- ending with ';') or "statements"; nvalues is how many values it gave.
function M.record(n, code, kind, nvalues)
  inputs[#inputs + 1] = { n = n, code = code, kind = kind, nvalues = nvalues }
  if M.source and M.source.ran then M.source.ran(code) end
end

--- repl.set_source(src): code offered to the prompt (a tutorial's next
-- cell).  src.prefill() -> one line put on the next prompt, ready to run or
-- edit, or nil; src.empty() -> code run when the user enters an empty line,
-- or nil; src.ran(code) is told of every input that ran without error.
-- nil removes the source.
function M.set_source(src)
  M.source = src
end

--- take_prefill() / take_empty(): the C half asks for the source's code.
function M.take_prefill()
  local src = M.source
  return src and src.prefill and src.prefill() or nil
end
function M.take_empty()
  local src = M.source
  return src and src.empty and src.empty() or nil
end

-- The text of an input as a line of a script: an expression becomes a print
-- of its values (a bare expression is not a Lua statement), a quiet one a
-- statement when it is one (a call) and an assignment to a local otherwise.
local function as_script(inp)
  local code = inp.code
  if inp.kind == "statements" then return code end
  code = code:gsub("^=", ""):gsub("^return%s+", ""):gsub("[;%s]+$", "")
  local call = load(code, "=stdin", "t") ~= nil -- a function call is a statement
  if inp.kind == "expression" and not (call and inp.nvalues == 0) then
    return "print(" .. code .. ")"
  end
  if call then return code end
  return "local _ = " .. code
end

-- ---------------------------------------------------------------- commands

local function fmt_time(s)
  local units = { { 1, "s" }, { 1e-3, "ms" }, { 1e-6, "µs" }, { 1e-9, "ns" } }
  for _, u in ipairs(units) do
    if s >= u[1] or u[2] == "ns" then return string.format("%.3g %s", s / u[1], u[2]) end
  end
end

local function fmt_bytes(b)
  if b < 1024 then return b .. " B" end
  local units = { "KiB", "MiB", "GiB", "TiB" }
  local i = 0
  repeat b, i = b / 1024, i + 1 until b < 1024 or i == #units
  return string.format("%.1f %s", b, units[i])
end

-- Compiles code as an expression list, else as statements (as the C half).
local function compile(code)
  local f = load("return " .. code:gsub(";%s*$", "") .. ";", "=stdin", "t")
  if f then return f end
  local g, err = load(code, "=stdin", "t")
  if not g then error(err, 0) end
  return g
end

local function show_results(t)
  if t.n == 0 then return end
  local cols, rows = termsize()
  local texts = {}
  for i = 1, t.n do texts[i] = M.show(t[i], cols, rows) end
  io.write(side_by_side(texts, cols), "\n")
end

local commands, order = {}, {}
local function command(name, usage, summary, fn)
  if not commands[name] then order[#order + 1] = name end
  commands[name] = { usage = usage, summary = summary, fn = fn }
end

--- repl.add_command(name, usage, summary, fn): adds (or replaces) the
-- command ":name"; fn(rest_of_line) may return "quit".  :help lists it.
function M.add_command(name, usage, summary, fn)
  if type(name) ~= "string" or not name:match("^%a+$") then
    error("repl.add_command: name must be letters (got " .. tostring(name) .. ")", 2)
  end
  command(name, usage, summary, fn)
end

local function percentile(sorted, p)
  local x = 1 + (#sorted - 1) * p
  local lo = math.floor(x)
  local hi = math.min(lo + 1, #sorted)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo)
end

command("time", ":time EXPR", "run EXPR (or statements) once; show its values, wall and CPU time",
  function(code)
    if code == "" then error(":time needs code to run (:time EXPR)", 0) end
    local f = compile(code)
    local timer = torch.Timer()
    local res = table.pack(f())
    local tm = timer:time()
    show_results(res)
    io.write(paint("dim", string.format("wall %s, cpu %s (user %s, system %s)", fmt_time(tm.real),
      fmt_time(tm.user + tm.sys), fmt_time(tm.user), fmt_time(tm.sys))), "\n")
  end)

command("timeit", ":timeit EXPR", "run EXPR repeatedly for 0.2 s; show the median time per run and its spread",
  function(code)
    if code == "" then error(":timeit needs code to run (:timeit EXPR)", 0) end
    local f = compile(code)
    local timer = torch.Timer()
    local function now() return timer:time().real end
    f() -- warm-up, and errors show before any timing
    local k = 1 -- runs per batch: a batch lasts 5 ms or more
    while true do
      local b0 = now()
      for _ = 1, k do f() end
      local dt = now() - b0
      if dt >= 0.005 or k >= 1e9 then break end
      k = math.floor(k * math.max(2, math.min(100, 0.01 / math.max(dt, 1e-9))))
    end
    local samples, start = {}, now()
    repeat
      local b0 = now()
      for _ = 1, k do f() end
      samples[#samples + 1] = (now() - b0) / k
    until now() - start >= 0.2 and (#samples >= 5 or now() - start >= 1)
    table.sort(samples)
    io.write(string.format("median %s per run, spread %s .. %s (quartiles), %d x %d runs\n",
      fmt_time(percentile(samples, 0.5)), fmt_time(percentile(samples, 0.25)),
      fmt_time(percentile(samples, 0.75)), #samples, k))
  end)

-- The user's globals, sorted.
local function user_globals()
  local names = {}
  for k in next, _G do
    if type(k) == "string" and not builtins[k] and not k:match("^_%d+$") then names[#names + 1] = k end
  end
  table.sort(names)
  return names
end

local ELEM_BYTES = { Byte = 1, Char = 1, Short = 2, Int = 4, Long = 8, Float = 4, Double = 8 }

local function describe(v)
  local ty = type(v)
  if is_tensor(v) then
    local dt = torch.typename(v):match("torch%.(%a+)Tensor")
    return "tensor", sizestr(v), dt, fmt_bytes(v:nElement() * (ELEM_BYTES[dt] or 8))
  end
  if ty == "table" then
    local n = 0
    for _ in next, v do n = n + 1 end
    return torch.typename(v) or "table", n .. (n == 1 and " entry" or " entries"), "-", "-"
  end
  if ty == "string" then return "string", "#" .. #v, "-", fmt_bytes(#v) end
  if ty == "number" then return math.type(v), "-", "-", "8 B" end
  return torch.typename and torch.typename(v) or ty, "-", "-", "-"
end

command("who", ":who", "list your globals with type, shape, dtype and bytes", function()
  local rows = { { "name", "type", "shape", "dtype", "bytes" } }
  for _, k in ipairs(user_globals()) do rows[#rows + 1] = { k, describe(rawget(_G, k)) } end
  if #rows == 1 then
    io.write("no globals of yours yet\n")
    return
  end
  local w = {}
  for _, r in ipairs(rows) do
    for i, c in ipairs(r) do w[i] = math.max(w[i] or 0, width(c)) end
  end
  for j, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do cells[i] = c .. string.rep(" ", w[i] - width(c)) end
    local line = table.concat(cells, "  "):gsub("%s+$", "")
    io.write(j == 1 and paint("head", line) or line, "\n")
  end
end)

command("run", ":run FILE [ARGS]", "run a Lua script in this session (its globals stay)", function(rest)
  local words = {}
  for w in rest:gmatch("%S+") do words[#words + 1] = w end
  if #words == 0 then error(":run needs a file name", 0) end
  local f, err = loadfile(words[1])
  if not f then error(err, 0) end
  f(table.unpack(words, 2))
end)

command("save", ":save FILE.lua", "save this session's inputs as a notebook (percent format)", function(path)
  if path == "" then error(":save needs a file name", 0) end
  if not path:match("%.lua$") then path = path .. ".lua" end
  local out = { "-- %% [markdown]",
    "-- Moonlab session saved on " .. os.date("%Y-%m-%d %H:%M") .. " (" .. #inputs .. " inputs).", "" }
  for _, inp in ipairs(inputs) do
    out[#out + 1] = "-- %%"
    out[#out + 1] = as_script(inp)
    out[#out + 1] = ""
  end
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "w")
  if not f then error(":save: " .. err, 0) end
  local ok, werr = f:write(table.concat(out, "\n"))
  f:close()
  if ok then ok, werr = os.rename(tmp, path) end
  if not ok then os.remove(tmp); error(":save: " .. tostring(werr), 0) end
  io.write("saved ", #inputs, " inputs to ", path, "\n")
end)

command("reset", ":reset", "remove your globals and the numbered results", function()
  local names = {}
  for k in next, _G do
    if type(k) == "string" and not builtins[k] then names[#names + 1] = k end
  end
  for _, k in ipairs(names) do rawset(_G, k, nil) end
  rawset(_G, "_", nil)
  collectgarbage()
  io.write("removed ", #names, " globals\n")
end)

command("help", ":help", "this list", function()
  io.write(paint("head", "Commands"), "\n")
  for _, name in ipairs(order) do
    local c = commands[name]
    io.write(string.format("  %-18s %s\n", c.usage, c.summary))
  end
  io.write([[
  $ CMD              run a shell command
  ?NAME, NAME?       help on a function or module (also help(f), apropos("word"))
Input
  A line is an expression (its values print) or statements; unfinished input
  continues on the next line.  A trailing ';' keeps values from printing.
  _ is the last result, _N the result of input [N].
  TAB completes names, fields (torch.ra), methods (t:na) and file names in strings.
  Ctrl-C stops running code or clears the line; Ctrl-D quits.
]])
end)

command("quit", ":quit", "leave moonlab", function() return "quit" end)

--- command(line): runs a REPL command line (":cmd ...", "$ shell", "?name",
-- "name?").  Returns "quit" for :quit.
function M.command(line)
  local t = line:match("^%s*(.-)%s*$")
  local first = t:sub(1, 1)
  if first == "?" or (first ~= ":" and first ~= "$" and t:sub(-1) == "?") then
    local name = first == "?" and t:sub(2) or t:sub(1, -2)
    name = name:match("^%s*(.-)%s*$")
    return require("moonlab.help").help(name ~= "" and name or nil)
  end
  if first == "$" then
    io.flush()
    local ok, how, code = os.execute(t:sub(2))
    if not ok then io.stderr:write(paint("err", "(" .. how .. " " .. tostring(code) .. ")"), "\n") end
    return
  end
  local name, rest = t:match("^:(%a+)%s*(.-)$")
  local c = commands[name]
  if not c then
    io.stderr:write(paint("err", "unknown command :" .. tostring(name) .. " (:help lists them)"), "\n")
    return
  end
  return c.fn(rest)
end

-- ---------------------------------------------------------------- completion

local function sorted_unique(list)
  table.sort(list)
  local out = {}
  for i, s in ipairs(list) do
    if s ~= list[i - 1] then out[#out + 1] = s end
  end
  return out
end

-- Value at a dotted path ("torch", "a.b") from the globals, or nil.  Plain
-- field reads, protected: an __index that raises gives nil.
local function resolve(path)
  local v = _G
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    local ok, x = pcall(function() return v[part] end)
    if not ok then return nil end
    v = x
  end
  return v
end

-- Adds to set the string keys of t that start with prefix.
local function keys_into(set, t, prefix)
  if type(t) ~= "table" then return end
  local n = #prefix
  for k in next, t do
    if type(k) == "string" and k:sub(1, n) == prefix and k:match("^[%a_][%w_]*$") then set[k] = true end
  end
end

-- Names reachable with ':' (methods) or '.' (fields) on value v.
local function member_names(v, sep, prefix)
  local set = {}
  if sep == "." then keys_into(set, v, prefix) end
  local mt = getmetatable(v)
  if is_tensor(v) then keys_into(set, torch._tensor_methods, prefix) end
  -- the __index chain: class tables and their parents
  for _ = 1, 10 do
    if type(mt) ~= "table" then break end
    if type(rawget(mt, "__complete")) == "function" then -- e.g. data-frame columns
      local ok, names = pcall(rawget(mt, "__complete"), v, sep)
      if ok and type(names) == "table" then
        for _, s in ipairs(names) do if s:sub(1, #prefix) == prefix then set[s] = true end end
      end
    end
    local idx = rawget(mt, "__index")
    if type(idx) ~= "table" then break end
    keys_into(set, idx, prefix)
    mt = getmetatable(idx)
  end
  for _, fn in ipairs(completers) do
    local ok, names = pcall(fn, v, sep, prefix)
    if ok and type(names) == "table" then
      for _, s in ipairs(names) do if s:sub(1, #prefix) == prefix then set[s] = true end end
    end
  end
  local out = {}
  for k in pairs(set) do
    if prefix:sub(1, 1) == "_" or k:sub(1, 1) ~= "_" then out[#out + 1] = k end
  end
  return out
end

-- The open string literal at the end of line, if any: its quote's position.
local function open_string(line)
  local i, n, q, at = 1, #line, nil, nil
  while i <= n do
    local c = line:sub(i, i)
    if q then
      if c == "\\" then i = i + 1 elseif c == q then q = nil end
    elseif c == '"' or c == "'" then
      q, at = c, i
    elseif c == "-" and line:sub(i, i + 1) == "--" then
      return nil
    end
    i = i + 1
  end
  return q and at or nil
end

-- File names that complete the path typed so far.
local function file_names(typed)
  if not host.listdir then return {} end
  local dir, base = typed:match("^(.*/)([^/]*)$")
  if not dir then dir, base = "", typed end
  local expanded = dir:gsub("^~/", (os.getenv("HOME") or "~") .. "/")
  local out = {}
  for _, name in ipairs(host.listdir(expanded ~= "" and expanded or ".") or {}) do
    if name:sub(1, #base) == base and (base:sub(1, 1) == "." or name:sub(1, 1) ~= ".") then
      out[#out + 1] = dir .. name
    end
  end
  return out
end

--- complete(line, start) -> candidates that can replace line:sub(start + 1)
-- (line is the input up to the cursor, start a 0-based byte offset).
function M.complete(line, start)
  local word = line:sub(start + 1)
  local out = {}
  -- inside a string literal: file names (the word may be only the end of it)
  local q = open_string(line)
  if q then
    local typed = line:sub(q + 1)
    local cut = #typed - #word
    for _, f in ipairs(file_names(typed)) do out[#out + 1] = f:sub(cut + 1) end
    return sorted_unique(out)
  end
  -- commands and their file arguments
  if line:match("^%s*:%a*$") then
    for _, name in ipairs(order) do
      if (":" .. name):sub(1, #word) == word then out[#out + 1] = ":" .. name end
    end
    return sorted_unique(out)
  end
  if line:match("^%s*:run%s") or line:match("^%s*:save%s") then return sorted_unique(file_names(word)) end
  -- a.b.c / obj:meth / name
  local path, sep, prefix = word:match("^([%w_.]*[%w_])([.:])([%w_]*)$")
  if path then
    local v = resolve(path)
    if v == nil then return {} end
    for _, k in ipairs(member_names(v, sep, prefix)) do out[#out + 1] = path .. sep .. k end
    return sorted_unique(out)
  end
  if not word:match("^[%a_][%w_]*$") and word ~= "" then return {} end
  local n = #word
  for k in next, _G do
    if type(k) == "string" and k:sub(1, n) == word and (word:sub(1, 1) == "_" or k:sub(1, 1) ~= "_") then
      out[#out + 1] = k
    end
  end
  for k in pairs(KEYWORDS) do
    if k:sub(1, n) == word then out[#out + 1] = k end
  end
  return sorted_unique(out)
end

--- repl.add_completer(fn): fn(value, sep, prefix) -> list of names offered
-- after `value.` (sep ".") or `value:` (sep ":").  A metatable field
-- __complete(value, sep) -> names does the same for one type (data frames
-- offer their columns this way).
function M.add_completer(fn)
  completers[#completers + 1] = fn
end

return M
