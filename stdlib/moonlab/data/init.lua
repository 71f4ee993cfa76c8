-- moonlab.data: data frames: named, typed columns read from CSV or JSON Lines
-- files or built from tensors and lists, looked at, cleaned, grouped, joined
-- and turned into tensors for models.
--
--   local data = require "moonlab.data"
--   local df = data.read_csv("iris.csv")
--   print(df:head())
--   df:group_by("species"):agg{sepal_length = "mean"}
--   local X = df:to_tensor()                 -- every numeric column, N x D
--
-- The class lives in moonlab.data.frame (look, select, filter, mutate ...) and
-- moonlab.data.ops (sort, group_by, joins, reshape, missing values); CSV
-- parsing is moonlab.csv's (kernels/csv*.c); JSON in moonlab.data.json.
local torch = require "torch"
local csv = require "moonlab.csv"
local C = require "moonlab.data.column"
local DataFrame = require "moonlab.data.frame"
local ops = require "moonlab.data.ops"
local json = require "moonlab.data.json"

local data = {}
data.DataFrame = DataFrame
data.GroupBy = ops.GroupBy
data.json = json
local methods = DataFrame.methods

--- data.frame{a = values, b = values, ...} or data.frame{{"a", values}, {"b", values}}
-- -> DataFrame.  Named fields come in sorted name order; the list form keeps its order.
function data.frame(spec, names)
  if type(spec) ~= "table" then error("data.frame: expected a table of columns", 2) end
  if names then return DataFrame.from_columns(names, spec, "data.frame") end
  local ns, cs = {}, {}
  for i, p in ipairs(spec) do
    if type(p) ~= "table" or type(p[1]) ~= "string" then
      error("data.frame: list items must be {name, values} pairs (item " .. i .. ")", 2)
    end
    ns[#ns + 1] = p[1]
    cs[p[1]] = p[2]
  end
  local keys = {}
  for k in pairs(spec) do
    if type(k) == "string" then keys[#keys + 1] = k
    elseif math.type(k) ~= "integer" then error("data.frame: column names are strings", 2) end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    if cs[k] ~= nil then error("data.frame: column '" .. k .. "' given twice", 2) end
    ns[#ns + 1] = k
    cs[k] = spec[k]
  end
  return DataFrame.from_columns(ns, cs, "data.frame")
end

--- data.from_tensor(X [, names]) -> DataFrame with one float column per column of the
-- N x D tensor X (a 1-D tensor gives one column); names default to V1 .. VD
function data.from_tensor(X, names)
  if not torch.isTensor(X) then error("data.from_tensor: expected a tensor", 2) end
  if X:nElement() > 0 and X:dim() == 1 then X = X:view(X:size(1), 1) end
  if X:nElement() > 0 and X:dim() ~= 2 then
    error("data.from_tensor: expected a 1-D or 2-D tensor (got " .. X:dim() .. "-D)", 2)
  end
  local d = X:nElement() > 0 and X:size(2) or (names and #names or 0)
  local ns, cs = {}, {}
  for j = 1, d do
    local n = names and names[j] or ("V" .. j)
    ns[j] = n
    cs[n] = X:nElement() > 0 and X:select(2, j):clone() or X.new()
  end
  if names and #names ~= d then
    error(string.format("data.from_tensor: %d names for %d columns", #names, d), 2)
  end
  return DataFrame.from_columns(ns, cs, "data.from_tensor")
end

-- A frame from the table moonlab.csv returns.
local function from_csv_table(t)
  local cols = {}
  for _, n in ipairs(t.names) do
    local kind = t.types[n]
    local c = { kind = kind, values = t.columns[n], levels = t.levels[n] }
    local m = t.missing[n]
    if m and (kind == "integer" or kind == "boolean" or kind == "string") then c.missing = m end
    cols[n] = c
  end
  local names = {}
  for i, n in ipairs(t.names) do names[i] = n end
  return DataFrame.make(names, cols, t.nrows)
end
data.from_csv_table = from_csv_table

--- data.read_csv(path [, opts]) -> DataFrame; opts as moonlab.csv.read's (sep, header, types,
-- na, columns, nrows, comment, skip, on_bad_lines, threads ...)
function data.read_csv(path, opts)
  local ok, t = pcall(csv.read, path, opts)
  if not ok then error((tostring(t):gsub("^csv%.read", "data.read_csv")), 2) end
  return from_csv_table(t)
end

--- data.parse_csv(text [, opts]) -> DataFrame from CSV text in a string
function data.parse_csv(text, opts)
  local ok, t = pcall(csv.parse, text, opts)
  if not ok then error((tostring(t):gsub("^csv%.parse", "data.parse_csv")), 2) end
  return from_csv_table(t)
end

--- data.read_csv_chunks(path [, opts]) -> iterator over DataFrames of at most opts.rows rows
function data.read_csv_chunks(path, opts)
  local ok, it, s, c, closer = pcall(csv.read_chunks, path, opts)
  if not ok then error((tostring(it):gsub("^csv%.read_chunks", "data.read_csv_chunks")), 2) end
  return function()
    local t = it(s, c)
    if t == nil then return nil end
    return from_csv_table(t)
  end, nil, nil, closer
end

-- The table csv.write takes, for a frame.
local function csv_table(df)
  local t = { names = df.columns, columns = {}, types = {}, levels = {}, missing = {}, nrows = df._n }
  for _, n in ipairs(df.columns) do
    local c = df._cols[n]
    local v = c.values
    if torch.isTensor(v) and v:nElement() == 0 then v = v.new() end
    t.columns[n] = v
    t.types[n] = c.kind
    t.levels[n] = c.levels
    t.missing[n] = c.missing
  end
  return t
end

--- df:to_csv(path [, opts]) writes the frame as CSV, atomically; opts: sep, header
function methods.to_csv(df, path, opts)
  local ok, err = pcall(csv.write, path, csv_table(df), opts)
  if not ok then error((tostring(err):gsub("^csv%.write", "DataFrame:to_csv")), 2) end
  return df
end

-- ------------------------------------------------------------------ JSON Lines

-- One column from the decoded values of a key (holes are nil).
local function jsonl_column(vals, n, name, where)
  local kind
  for i = 1, n do
    local v = vals[i]
    if v ~= nil and v ~= json.null then
      local t = type(v)
      local k = t == "number" and (math.type(v) == "integer" and "integer" or "float")
        or t == "string" and "string" or t == "boolean" and "boolean" or "json"
      if kind == nil then kind = k
      elseif kind ~= k then
        if (kind == "integer" and k == "float") or (kind == "float" and k == "integer") then kind = "float"
        else kind = "json" end
      end
    end
  end
  kind = kind or "float"
  local miss = torch.ByteTensor(math.max(n, 0))
  if n > 0 then miss:zero() end
  local nmiss = 0
  for i = 1, n do
    if vals[i] == nil or vals[i] == json.null then miss[i] = 1; nmiss = nmiss + 1 end
  end
  local col
  if kind == "float" or (kind == "integer" and nmiss > 0) then
    local t = torch.DoubleTensor(n)
    for i = 1, n do t[i] = miss[i] == 1 and 0 / 0 or vals[i] end
    col = { kind = "float", values = t }
  elseif kind == "integer" then
    local t = torch.LongTensor(n)
    for i = 1, n do t[i] = vals[i] end
    col = { kind = "integer", values = t }
  elseif kind == "boolean" then
    local t = torch.ByteTensor(n)
    for i = 1, n do t[i] = vals[i] == true and 1 or 0 end
    col = { kind = "boolean", values = t, missing = nmiss > 0 and miss or nil }
  else
    local l = {}
    for i = 1, n do
      local v = vals[i]
      if miss[i] == 1 then l[i] = ""
      elseif type(v) == "string" then l[i] = v
      else l[i] = json.encode(v) end
    end
    col = { kind = "string", values = l, missing = nmiss > 0 and miss or nil }
  end
  if n == 0 then col.values = col.kind == "string" and {} or col.values.new() end
  return col
end

--- data.parse_jsonl(text [, where]) -> DataFrame from JSON Lines text: one object per line,
-- columns in order of first appearance; null and absent keys are missing; nested values
-- become their JSON text
function data.parse_jsonl(text, where)
  where = where or "<string>"
  local names, vals, seen = {}, {}, {}
  local n, lineno = 0, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    if line:find("[^ \t\r]") then
      local ok, obj = pcall(json.decode, line, where .. ":" .. lineno)
      if not ok then error("data.read_jsonl: " .. obj, 3) end
      if type(obj) ~= "table" or not obj[json.KEYS] then
        error(string.format("data.read_jsonl: %s:%d: expected a JSON object per line", where, lineno), 3)
      end
      n = n + 1
      for _, k in ipairs(obj[json.KEYS]) do
        if not seen[k] then
          seen[k] = true
          names[#names + 1] = k
          vals[k] = {}
        end
        vals[k][n] = obj[k]
      end
    end
  end
  local cols = {}
  for _, k in ipairs(names) do cols[k] = jsonl_column(vals[k], n, k, where) end
  return DataFrame.make(names, cols, n)
end

--- data.read_jsonl(path) -> DataFrame from a JSON Lines file (see data.parse_jsonl)
function data.read_jsonl(path)
  local f, err = io.open(path, "rb")
  if not f then error("data.read_jsonl: cannot open '" .. tostring(path) .. "' (" .. tostring(err) .. ")", 2) end
  local text = f:read("a")
  f:close()
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end
  return data.parse_jsonl(text, path)
end

--- df:to_jsonl_string() -> the JSON Lines text of the frame (one object per row, missing: null)
function methods.to_jsonl_string(df)
  local lines = {}
  local enc = {}
  for j, n in ipairs(df.columns) do enc[j] = json.escape_string(n) .. ":" end
  for i = 1, df._n do
    local parts = {}
    for j, n in ipairs(df.columns) do
      local c = df._cols[n]
      local v = C.value(c, i)
      local s
      if v == nil then s = "null"
      elseif c.kind == "date" or c.kind == "datetime" then s = json.escape_string(DataFrame.cell(c, i))
      elseif type(v) == "number" then
        if c.kind == "integer" then s = string.format("%d", v) else s = json.number(v) end
      else s = json.encode(v) end
      parts[j] = enc[j] .. s
    end
    lines[i] = "{" .. table.concat(parts, ",") .. "}\n"
  end
  return table.concat(lines)
end

--- df:to_jsonl(path) writes the frame as JSON Lines, atomically (a temporary file renamed)
function methods.to_jsonl(df, path)
  local text = methods.to_jsonl_string(df)
  local tmp = path .. ".tmp" .. tostring(os.time()) .. tostring(math.random(1e9))
  local f, err = io.open(tmp, "wb")
  if not f then error("DataFrame:to_jsonl: cannot write '" .. tostring(path) .. "' (" .. tostring(err) .. ")", 2) end
  local ok, werr = f:write(text)
  f:close()
  if not ok then os.remove(tmp); error("DataFrame:to_jsonl: cannot write '" .. path .. "' (" .. tostring(werr) .. ")", 2) end
  local rok, rerr = os.rename(tmp, path)
  if not rok then os.remove(tmp); error("DataFrame:to_jsonl: cannot write '" .. path .. "' (" .. tostring(rerr) .. ")", 2) end
  return df
end

data.concat = ops.concat

--- data.image_folder(path [, opts]) -> {X, y, classes, ...}: a folder of
-- class-named subfolders of PNG images as one batch tensor and labels (the
-- same function as moonlab.datasets.image_folder; see docs/datasets.md).
function data.image_folder(path, opts)
  return require("moonlab.datasets").image_folder(path, opts)
end

--- data.is_frame(v) -> true when v is a DataFrame
data.is_frame = DataFrame.is_frame

return data
