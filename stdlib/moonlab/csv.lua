-- moonlab.csv: CSV files to plain tables of typed columns, and back.
--
--   local csv = require "moonlab.csv"
--   local t = csv.read("iris.csv")        -- {names, columns, types, levels, missing, nrows, ...}
--   t.columns.sepal_length                 -- a torch.DoubleTensor
--   for chunk in csv.read_chunks("big.csv", {rows = 100000}) do ... end
--   csv.write("out.csv", t)
--
-- Parsing, type inference and writing happen in C (kernels/csv.c, bound as
-- torch._csv); this module adds what belongs to Lua: warnings printed to
-- stderr (or handed to opts.warn), and the chunk iterator.  moonlab.data
-- builds its data frames on these tables; docs/csv.md describes every option.
local torch = require "torch"
local C = torch._csv

local csv = {}

-- Copies opts without the Lua-only keys listed in `own`; returns both parts.
local function split_options(who, opts, own)
  if opts == nil then return nil, {} end
  if type(opts) ~= "table" then
    error(who .. ": options must be a table (got " .. type(opts) .. ")", 3)
  end
  local forward, mine = {}, {}
  for k, v in pairs(opts) do
    if own[k] then mine[k] = v else forward[k] = v end
  end
  return forward, mine
end

-- Calls a C function; its error is raised again at the caller of the
-- public function (level 3), so that messages point at user code.
local function call(f, ...)
  local ok, r = pcall(f, ...)
  if not ok then error(r, 3) end
  return r
end

-- Hands each warning of a parsed table to warn (default: a line on stderr).
local function report(who, t, warn)
  if #t.warnings == 0 then return end
  if warn ~= nil and type(warn) ~= "function" then
    error(who .. ": option warn must be a function", 3)
  end
  warn = warn or function(msg) io.stderr:write(msg, "\n") end
  for _, w in ipairs(t.warnings) do warn(who .. ": warning: " .. w) end
  if t.nwarnings > #t.warnings then
    warn(string.format("%s: warning: %d more bad lines not shown", who, t.nwarnings - #t.warnings))
  end
end

--- csv.read(path [, opts]) -> table of columns
-- Reads a whole CSV file.  Options: sep, quote, comment, header, names, skip,
-- nrows, columns, types, na, on_bad_lines, warn, threads (see docs/csv.md).
function csv.read(path, opts)
  local forward, mine = split_options("csv.read", opts, { warn = true })
  local t = call(C.read, path, forward)
  report("csv.read", t, mine.warn)
  return t
end

--- csv.parse(text [, opts]) -> table of columns
-- Same as csv.read for CSV text held in a string; messages name opts.path or "<string>".
function csv.parse(text, opts)
  local forward, mine = split_options("csv.parse", opts, { warn = true })
  local t = call(C.parse, text, forward)
  report("csv.parse", t, mine.warn)
  return t
end

--- csv.read_chunks(path [, opts]) -> iterator over tables of at most opts.rows rows
-- Streams a file larger than memory: `for chunk in csv.read_chunks(p, {rows = 100000}) do`.
-- Types are inferred per chunk unless opts.types fixes them.  The file is
-- closed at the end of the loop, also when the loop is left by break or error.
function csv.read_chunks(path, opts)
  local forward, mine = split_options("csv.read_chunks", opts, { rows = true, warn = true })
  local rows = mine.rows or 100000
  if math.type(rows) ~= "integer" or rows < 1 then
    error("csv.read_chunks: rows must be an integer >= 1", 2)
  end
  local reader = call(C.open_chunks, path, forward)
  local function next_chunk()
    local ok, t = pcall(reader.next, reader, rows)
    if not ok then
      reader:close()
      error(t, 2)
    end
    if t == nil then
      reader:close()
      return nil
    end
    report("csv.read_chunks", t, mine.warn)
    return t
  end
  return next_chunk, nil, nil, reader
end

--- csv.write(path, tbl [, opts])
-- Writes tbl ({names, columns [, types, levels, missing]}, as csv.read returns
-- it) atomically: a temporary file renamed over path.  Options: sep (","),
-- header (true).
function csv.write(path, tbl, opts)
  call(C.write, path, tbl, opts)
end

return csv
