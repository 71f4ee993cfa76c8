-- moonlab.data.frame: the DataFrame class: named, typed columns of equal
-- length (see moonlab.data.column for the column records), looking at them
-- (head, tail, printing that fits the terminal, info, describe, value_counts)
-- and changing them (select, drop, rename, filter, mutate, to_tensor ...).
--
-- A frame is a table {columns = {names in order}, _cols = {name = column},
-- _n = rows}; a column's values are reached as df.name or df["name"] when the
-- name is not a method.  Operations return new frames that share unchanged
-- column values; assigning df.name = values adds or replaces a column in place.
-- Grouping, joins, sorting and reshaping live in moonlab.data.ops, which adds
-- its methods to this class.
local torch = require "torch"
local C = require "moonlab.data.column"

local DataFrame = {}
DataFrame.__name = "moonlab.DataFrame"
local methods = {}
DataFrame.methods = methods

local function is_frame(v) return getmetatable(v) == DataFrame end
DataFrame.is_frame = is_frame

-- Builds a frame from names and column records (all of length n); no checks.
function DataFrame.make(names, cols, n)
  local df = { columns = names, _cols = cols, _n = n }
  return setmetatable(df, DataFrame)
end
local make = DataFrame.make

-- String columns handed out as df.name are Lua lists whose to_tensor() gives the label codes
-- (1-based ranks of the sorted distinct strings, NaN where empty): the ml estimators call
-- y:to_tensor() on a column that is a table.
local StringList = { __index = {} }
DataFrame.StringList = StringList
function StringList.__index.to_tensor(list)
  local distinct, seen = {}, {}
  for _, s in ipairs(list) do
    if s ~= "" and not seen[s] then seen[s] = true; distinct[#distinct + 1] = s end
  end
  table.sort(distinct)
  for i, s in ipairs(distinct) do seen[s] = i end
  local t = torch.DoubleTensor(#list)
  for i, s in ipairs(list) do t[i] = s == "" and 0 / 0 or seen[s] end
  return t, distinct
end

local function values_of(c)
  local v = c.values
  if c.kind == "string" and getmetatable(v) == nil then setmetatable(v, StringList) end
  return v
end

DataFrame.__index = function(df, k)
  local m = methods[k]
  if m ~= nil then return m end
  local c = rawget(df, "_cols")[k]
  if c then return values_of(c) end
  return nil
end

DataFrame.__newindex = function(df, k, v)
  if type(k) ~= "string" then error("DataFrame: column names are strings (got " .. type(k) .. ")", 2) end
  if methods[k] then
    error(string.format("DataFrame: '%s' is a method name; use df:set_column(\"%s\", values)", k, k), 2)
  end
  df:set_column(k, v)
end

DataFrame.__len = function(df) return df._n end

-- A column record by name, raising a clear error naming the columns there are.
local function column(df, name, who)
  local c = df._cols[name]
  if not c then
    error(string.format("%s: no column named '%s' (columns: %s)", who, tostring(name),
      table.concat(df.columns, ", ")), 3)
  end
  return c
end
DataFrame.column = column

-- A list of column names from a name, a list of names, or nil (all columns).
local function name_list(df, cols, who)
  if cols == nil then
    local r = {}
    for i, n in ipairs(df.columns) do r[i] = n end
    return r
  end
  if type(cols) == "string" then cols = { cols } end
  if type(cols) ~= "table" then
    error(string.format("%s: expected a column name or a list of names (got %s)", who, type(cols)), 3)
  end
  local r = {}
  for i, n in ipairs(cols) do
    column(df, n, who)
    r[i] = n
  end
  return r
end
DataFrame.name_list = name_list

--- data.DataFrame.from_columns(names, columns) -> frame; columns[name] are tensors, lists or
-- column records.  Also accepts a single list of {name, values} pairs.
function DataFrame.from_columns(names, columns, who)
  who = who or "data.DataFrame.from_columns"
  if columns == nil and type(names) == "table" then
    local ns, cs = {}, {}
    for i, pair in ipairs(names) do
      if type(pair) ~= "table" or type(pair[1]) ~= "string" then
        error(who .. ": expected a list of {name, values} pairs (item " .. i .. ")", 2)
      end
      ns[i] = pair[1]
      cs[pair[1]] = pair[2]
    end
    names, columns = ns, cs
  end
  if type(names) ~= "table" or type(columns) ~= "table" then
    error(who .. ": expected a list of names and a table of columns", 2)
  end
  local cols, n, seen, order = {}, nil, {}, {}
  for i, name in ipairs(names) do
    if type(name) ~= "string" then error(string.format("%s: column name %d is not a string", who, i), 2) end
    if seen[name] then error(string.format("%s: duplicate column name '%s'", who, name), 2) end
    seen[name] = true
    local v = columns[name]
    if v == nil then error(string.format("%s: no values for column '%s'", who, name), 2) end
    local c = C.from_values(v, who, name)
    local len = C.length(c)
    if n == nil then n = len
    elseif len ~= n then
      error(string.format("%s: column '%s' has %d rows, column '%s' has %d", who, name, len, names[1], n), 2)
    end
    cols[name] = c
    order[i] = name
  end
  return make(order, cols, n or 0)
end

--- df:set_column(name, values) -> df; adds (at the end) or replaces a column in place.
-- values: a tensor or list of nrows values, or a single number/string/boolean repeated;
-- nil removes the column.
function methods.set_column(df, name, v)
  local who = "DataFrame:set_column"
  if type(name) ~= "string" then error(who .. ": column names are strings", 2) end
  if name == "columns" or name == "_cols" or name == "_n" then
    error(string.format("%s: '%s' is reserved; use another column name", who, name), 2)
  end
  local n = df._n
  if type(v) == "number" then
    local t = math.type(v) == "integer" and torch.LongTensor(n) or torch.DoubleTensor(n)
    if n > 0 then t:fill(v) end
    v = t
  elseif type(v) == "string" or type(v) == "boolean" then
    local l = {}
    for i = 1, n do l[i] = v end
    v = l
  elseif v == nil then
    return methods.drop(df, name, true)
  end
  local c = C.from_values(v, who, name)
  if #df.columns > 0 and C.length(c) ~= n then
    error(string.format("%s: column '%s' has %d rows, the frame has %d", who, name, C.length(c), n), 2)
  end
  if #df.columns == 0 then rawset(df, "_n", C.length(c)) end
  if not df._cols[name] then df.columns[#df.columns + 1] = name end
  df._cols[name] = c
  return df
end

--- df:shape() -> nrows, ncols
function methods.shape(df) return df._n, #df.columns end
--- df:nrows() -> number of rows
function methods.nrows(df) return df._n end
--- df:ncols() -> number of columns
function methods.ncols(df) return #df.columns end
--- df:dtypes() -> {name = kind}
function methods.dtypes(df)
  local r = {}
  for _, n in ipairs(df.columns) do r[n] = df._cols[n].kind end
  return r
end
--- df:kind(name) -> the kind of a column ("float", "integer", "categorical" ...)
function methods.kind(df, name) return column(df, name, "DataFrame:kind").kind end
--- df:levels(name) -> the levels of a categorical column
function methods.levels(df, name) return column(df, name, "DataFrame:levels").levels end
--- df:get(name) -> the values of a column (a tensor or a list of strings)
function methods.get(df, name) return values_of(column(df, name, "DataFrame:get")) end
--- df:has(name) -> true when the frame has that column
function methods.has(df, name) return df._cols[name] ~= nil end

--- df:value(i, name) -> the Lua value at row i of a column (nil when missing)
function methods.value(df, i, name)
  local c = column(df, name, "DataFrame:value")
  if math.type(i) ~= "integer" or i < 1 or i > df._n then
    error(string.format("DataFrame:value: row %s out of range (1..%d)", tostring(i), df._n), 2)
  end
  return C.value(c, i)
end

--- df:row(i) -> {name = value} of row i (missing values absent)
function methods.row(df, i)
  if math.type(i) ~= "integer" or i < 1 or i > df._n then
    error(string.format("DataFrame:row: row %s out of range (1..%d)", tostring(i), df._n), 2)
  end
  local r = {}
  for _, n in ipairs(df.columns) do r[n] = C.value(df._cols[n], i) end
  return r
end

--- df:rows() -> iterator i, row over the rows (row tables as df:row gives)
function methods.rows(df)
  local i = 0
  return function()
    i = i + 1
    if i > df._n then return nil end
    return i, methods.row(df, i)
  end
end

--- df:copy() -> a frame with copies of every column
function methods.copy(df)
  local cols, names = {}, {}
  for i, n in ipairs(df.columns) do
    local c = df._cols[n]
    local v = c.values
    if type(v) == "table" then
      local l = {}
      for j = 1, #v do l[j] = v[j] end
      v = l
    else
      v = v:clone()
    end
    cols[n] = { kind = c.kind, values = v, levels = c.levels, missing = c.missing and c.missing:clone() }
    names[i] = n
  end
  return make(names, cols, df._n)
end

--- df:take(idx) -> the rows at the 1-based indices idx (LongTensor or list), in that order
function methods.take(df, idx)
  if type(idx) == "table" and not torch.isTensor(idx) then idx = torch.LongTensor(idx) end
  if not torch.isTensor(idx) then error("DataFrame:take: expected a LongTensor or a list of row indices", 2) end
  if torch.typename(idx) ~= "torch.LongTensor" then idx = idx:long() end
  if idx:nElement() > 0 then
    local lo, hi = idx:min(), idx:max()
    if lo < 1 or hi > df._n then
      error(string.format("DataFrame:take: row index %d out of range (1..%d)", lo < 1 and lo or hi, df._n), 2)
    end
  end
  local cols, names = {}, {}
  for i, n in ipairs(df.columns) do
    cols[n] = C.take(df._cols[n], idx)
    names[i] = n
  end
  return make(names, cols, idx:nElement())
end

--- df:head([n = 5]) -> the first n rows
function methods.head(df, n)
  n = n or 5
  if n < 0 then n = math.max(df._n + n, 0) end
  n = math.min(n, df._n)
  return methods.take(df, n > 0 and torch.range(1, n):long() or torch.LongTensor())
end

--- df:tail([n = 5]) -> the last n rows
function methods.tail(df, n)
  n = n or 5
  if n < 0 then n = math.max(df._n + n, 0) end
  n = math.min(n, df._n)
  return methods.take(df, n > 0 and torch.range(df._n - n + 1, df._n):long() or torch.LongTensor())
end

--- df:select(cols) -> the frame with those columns (a name or a list), in that order
function methods.select(df, cols)
  local names = name_list(df, cols, "DataFrame:select")
  local r, seen = {}, {}
  for _, n in ipairs(names) do
    if seen[n] then error("DataFrame:select: column '" .. n .. "' is selected twice", 2) end
    seen[n] = true
    r[n] = df._cols[n]
  end
  return make(names, r, df._n)
end

--- df:drop(cols) -> the frame without those columns
function methods.drop(df, cols, in_place)
  local names = name_list(df, cols, "DataFrame:drop")
  local gone = {}
  for _, n in ipairs(names) do gone[n] = true end
  local keep, r = {}, {}
  for _, n in ipairs(df.columns) do
    if not gone[n] then keep[#keep + 1] = n; r[n] = df._cols[n] end
  end
  if in_place then
    rawset(df, "columns", keep)
    rawset(df, "_cols", r)
    return df
  end
  return make(keep, r, df._n)
end

--- df:rename{old = "new", ...} -> the frame with columns renamed
function methods.rename(df, map)
  local who = "DataFrame:rename"
  if type(map) ~= "table" then error(who .. ": expected a table {old = \"new\"}", 2) end
  for old in pairs(map) do column(df, old, who) end
  local names, cols, seen = {}, {}, {}
  for i, n in ipairs(df.columns) do
    local nn = map[n] or n
    if type(nn) ~= "string" then error(who .. ": new names are strings", 2) end
    if seen[nn] then error(string.format("%s: two columns would be named '%s'", who, nn), 2) end
    seen[nn] = true
    names[i] = nn
    cols[nn] = df._cols[n]
  end
  return make(names, cols, df._n)
end

-- The 1-based row indices where mask (ByteTensor or a list of booleans) is set.
local function mask_rows(df, mask, who)
  if type(mask) == "table" and not torch.isTensor(mask) then
    local t = torch.ByteTensor(#mask)
    for i = 1, #mask do t[i] = mask[i] and 1 or 0 end
    mask = t
  end
  if mask:nElement() ~= df._n then
    error(string.format("%s: the mask has %d elements, the frame has %d rows", who, mask:nElement(), df._n), 3)
  end
  if df._n == 0 then return torch.LongTensor() end
  local nz = mask:ne(0):nonzero()
  if nz:nElement() == 0 then return torch.LongTensor() end
  return nz:select(2, 1):clone()
end
DataFrame.mask_rows = mask_rows

--- df:filter(mask_or_predicate) -> the rows where the mask (ByteTensor, N) is nonzero or
-- where predicate(row) is true (row: {name = value}, missing values nil).
function methods.filter(df, f)
  local who = "DataFrame:filter"
  if type(f) == "function" then
    local keep = {}
    for i = 1, df._n do
      if f(methods.row(df, i), i) then keep[#keep + 1] = i end
    end
    return methods.take(df, torch.LongTensor(keep))
  end
  if torch.isTensor(f) or type(f) == "table" then
    return methods.take(df, mask_rows(df, f, who))
  end
  error(who .. ": expected a mask (ByteTensor) or a function(row)", 2)
end

--- df:mutate{name = values_or_function(df), ...} -> a new frame with columns added or replaced.
-- Also accepts an ordered list of {name, values} pairs.  (assign is the same.)
function methods.mutate(df, spec)
  local who = "DataFrame:mutate"
  if type(spec) ~= "table" then error(who .. ": expected a table {name = values}", 2) end
  local out = make({ table.unpack(df.columns) }, setmetatable({}, nil), df._n)
  for n, c in pairs(df._cols) do out._cols[n] = c end
  local pairs_list = {}
  for _, p in ipairs(spec) do pairs_list[#pairs_list + 1] = p end
  local keys = {}
  for k in pairs(spec) do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do pairs_list[#pairs_list + 1] = { k, spec[k] } end
  for _, p in ipairs(pairs_list) do
    local name, v = p[1], p[2]
    if type(v) == "function" then v = v(out) end
    local ok, err = pcall(methods.set_column, out, name, v)
    if not ok then error((tostring(err):gsub("DataFrame:set_column", who)), 2) end
  end
  return out
end
methods.assign = methods.mutate

-- numeric column names (float, integer, boolean)
local function numeric_names(df)
  local r = {}
  for _, n in ipairs(df.columns) do
    if C.NUMERIC[df._cols[n].kind] then r[#r + 1] = n end
  end
  return r
end
DataFrame.numeric_names = numeric_names

--- df:to_tensor([cols]) -> DoubleTensor N x D of the columns (all numeric columns by default);
-- missing values are NaN, categorical columns give their codes.
function methods.to_tensor(df, cols)
  local who = "DataFrame:to_tensor"
  local names = cols == nil and numeric_names(df) or name_list(df, cols, who)
  local n, d = df._n, #names
  if d == 0 then error(who .. ": no numeric columns to convert", 2) end
  local X = torch.DoubleTensor(n, d)
  if n == 0 then return X end
  for j, name in ipairs(names) do
    X:select(2, j):copy(C.to_double(df._cols[name], who, name))
  end
  return X
end

--- df:column_tensor(name) -> DoubleTensor N of one column (NaN where missing)
function methods.column_tensor(df, name)
  return C.to_double(column(df, name, "DataFrame:column_tensor"), "DataFrame:column_tensor", name)
end

--- df:isna() -> a frame of ByteTensor masks (1 where missing), same names
function methods.isna(df)
  local cols = {}
  for _, n in ipairs(df.columns) do cols[n] = { kind = "integer", values = C.full_mask(df._cols[n], df._n) } end
  return make({ table.unpack(df.columns) }, cols, df._n)
end

--- df:missing(name) -> ByteTensor N, 1 where the column's value is missing
function methods.missing(df, name)
  return C.full_mask(column(df, name, "DataFrame:missing"), df._n)
end

-- ------------------------------------------------------------------ printing

local function fmt_number(x, kind)
  if x ~= x then return "NaN" end
  if kind == "integer" then return string.format("%d", x) end
  if x == math.huge then return "inf" elseif x == -math.huge then return "-inf" end
  local s = string.format("%.6g", x)
  if not s:find("[.eEn]") then s = s .. ".0" end
  return s
end

local CTRL = { ["\n"] = "\\n", ["\t"] = "\\t", ["\r"] = "\\r" }
setmetatable(CTRL, { __index = function(_, c) return string.format("\\%03d", c:byte()) end })

local function two(n) return string.format("%02d", n) end

--- DataFrame.cell(col, i) -> the text shown for row i of a column
function DataFrame.cell(col, i)
  local k = col.kind
  if col.missing and col.missing[i] == 1 then return "NA" end
  if k == "string" then return (col.values[i]:gsub("%c", CTRL)) end
  local x = col.values[i]
  if k == "categorical" then return x == 0 and "NA" or (col.levels[x]:gsub("%c", CTRL)) end
  if k == "boolean" then return x ~= 0 and "true" or "false" end
  if k == "date" or k == "datetime" then
    if x ~= x then return "NA" end
    local t = os.date("!*t", math.floor(x))
    local s = string.format("%04d-%s-%s", t.year, two(t.month), two(t.day))
    if k == "datetime" then s = s .. " " .. two(t.hour) .. ":" .. two(t.min) .. ":" .. two(t.sec) end
    return s
  end
  if k == "integer" then return string.format("%d", x) end
  return fmt_number(x, k)
end

local function width(s) return utf8.len(s) or #s end

local function term_width()
  local P = torch._proc
  if P and P.termsize then
    local ok, c = pcall(P.termsize, 1)
    if ok and c then return c end
  end
  return tonumber(os.getenv("COLUMNS")) or 80
end

local function shorten(s, w)
  if width(s) <= w then return s end
  local cut = utf8.offset(s, w) or w
  return s:sub(1, cut - 1) .. "…"
end

--- df:tostring([opts]) -> the table as text: opts.rows (shown when the frame is longer: head and
-- tail halves, default 10 of frames over 20 rows), opts.width (default: the terminal's).
function methods.tostring(df, opts)
  opts = opts or {}
  local maxw = opts.width or term_width()
  local n, names = df._n, df.columns
  local show_rows = {}
  local limit = opts.rows or 20
  local cut = false
  if n <= limit then
    for i = 1, n do show_rows[#show_rows + 1] = i end
  else
    local h = math.max(math.floor((opts.rows or 10) / 2), 1)
    for i = 1, h do show_rows[#show_rows + 1] = i end
    show_rows[#show_rows + 1] = false
    for i = n - h + 1, n do show_rows[#show_rows + 1] = i end
    cut = true
  end
  -- the index column
  local idx_cells = { "" }
  for r, i in ipairs(show_rows) do idx_cells[r + 1] = i and tostring(i) or "..." end
  local idx_w = 0
  for _, s in ipairs(idx_cells) do idx_w = math.max(idx_w, width(s)) end
  -- each column's cells and width
  local text, widths, right = {}, {}, {}
  for j, name in ipairs(names) do
    local c = df._cols[name]
    local cells = { shorten(name, 24) }
    local w = width(cells[1])
    for r, i in ipairs(show_rows) do
      local s = i and shorten(DataFrame.cell(c, i), 24) or "..."
      cells[r + 1] = s
      w = math.max(w, width(s))
    end
    text[j], widths[j] = cells, w
    right[j] = c.kind ~= "string" and c.kind ~= "categorical"
  end
  -- which columns fit: from both ends towards the middle
  local shown, total = {}, idx_w
  local lo, hi = 1, #names
  local left_part, right_part = {}, {}
  local hidden = false
  while lo <= hi do
    local j = (#left_part <= #right_part) and lo or hi
    local need = widths[j] + 2
    if total + need + (lo < hi and 5 or 0) > maxw and (#left_part + #right_part) > 0 then
      hidden = true
      break
    end
    total = total + need
    if j == lo then left_part[#left_part + 1] = j; lo = lo + 1
    else table.insert(right_part, 1, j); hi = hi - 1 end
  end
  for _, j in ipairs(left_part) do shown[#shown + 1] = j end
  if hidden then shown[#shown + 1] = false end
  for _, j in ipairs(right_part) do shown[#shown + 1] = j end
  local lines = {}
  for r = 1, #show_rows + 1 do
    local parts = { string.rep(" ", idx_w - width(idx_cells[r])) .. idx_cells[r] }
    for _, j in ipairs(shown) do
      if j then
        local s = text[j][r]
        local pad = string.rep(" ", widths[j] - width(s))
        parts[#parts + 1] = right[j] and (pad .. s) or (s .. pad)
      else
        parts[#parts + 1] = "..."
      end
    end
    lines[r] = (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  if #names == 0 then lines = { "Empty DataFrame" } end
  if cut or hidden or n == 0 then
    lines[#lines + 1] = string.format("[%d rows x %d columns]", n, #names)
  end
  return table.concat(lines, "\n")
end

DataFrame.__tostring = function(df) return methods.tostring(df) end

--- df:print([opts]) prints the frame (all rows with opts.rows = math.huge)
function methods.print(df, opts) io.write(methods.tostring(df, opts), "\n") end

--- df:info() -> text (also printed): rows, each column's kind, non-missing count, memory
function methods.info(df, quiet)
  local lines = { string.format("DataFrame: %d rows x %d columns", df._n, #df.columns) }
  local total = 0
  local nw = 6
  for _, n in ipairs(df.columns) do nw = math.max(nw, width(n)) end
  lines[#lines + 1] = string.format("%3s  %-" .. nw .. "s  %-11s  %9s  %s", "#", "column", "kind", "non-NA", "bytes")
  for j, n in ipairs(df.columns) do
    local c = df._cols[n]
    local bytes = 0
    if c.kind == "string" then
      for i = 1, #c.values do bytes = bytes + #c.values[i] + 24 end
    else
      bytes = c.values:nElement() * c.values:elementSize()
    end
    if c.missing then bytes = bytes + c.missing:nElement() end
    total = total + bytes
    lines[#lines + 1] = string.format("%3d  %-" .. nw .. "s  %-11s  %9d  %d", j, n, c.kind,
      df._n - C.nmissing(c), bytes)
  end
  local function human(b)
    if b >= 1048576 then return string.format("%.1f MB", b / 1048576) end
    if b >= 1024 then return string.format("%.1f KB", b / 1024) end
    return b .. " bytes"
  end
  lines[#lines + 1] = "memory: " .. human(total)
  local s = table.concat(lines, "\n")
  if not quiet then io.write(s, "\n") end
  return s
end

return DataFrame
