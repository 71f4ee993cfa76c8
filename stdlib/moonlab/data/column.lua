-- moonlab.data.column: the column records a data frame is made of, and the
-- row operations on them (gather, missing masks, conversion to numbers).
--
-- A column is a plain table {kind, values [, levels] [, missing]}:
--   kind "float"        values: Double/Float tensor, NaN where missing
--   kind "integer"      values: Long/Int/Short/Char/Byte tensor; missing: ByteTensor mask or nil
--   kind "boolean"      values: ByteTensor of 0/1; missing: mask or nil
--   kind "date", "datetime"  values: DoubleTensor of seconds since 1970 (NaN where missing)
--   kind "categorical"  values: LongTensor of 1-based codes into levels (0 where missing)
--   kind "string"       values: a Lua list of strings; missing: mask or nil
-- Deliberately not here: the DataFrame methods (moonlab.data.frame).
local torch = require "torch"

local M = {}

M.NUMERIC = { float = true, integer = true, boolean = true }
M.TENSOR_KINDS = { float = true, integer = true, boolean = true, date = true, datetime = true,
  categorical = true }

local FLOAT_TYPES = { ["torch.DoubleTensor"] = true, ["torch.FloatTensor"] = true }

--- M.length(col) -> number of rows
function M.length(col)
  if col.kind == "string" then return #col.values end
  return col.values:nElement()
end

-- An empty tensor of the dtype of t (1-D of size 0 is the empty tensor here).
local function empty_like(t)
  return t.new()
end

--- M.gather_tensor(t, idx) -> t's elements at the 1-based LongTensor idx (a new tensor)
function M.gather_tensor(t, idx)
  if idx:nElement() == 0 or t:nElement() == 0 then
    local r = empty_like(t)
    if idx:nElement() > 0 then error("data: row index out of range (empty column)", 3) end
    return r
  end
  return t:index(1, idx)
end

--- M.mask(col) -> ByteTensor, 1 where the value is missing (nil when nothing can be missing
-- and no mask is stored: callers treat nil as all zeros).
function M.mask(col)
  local k = col.kind
  if k == "float" or k == "date" or k == "datetime" then
    local v = col.values
    if v:nElement() == 0 then return torch.ByteTensor() end
    return v:ne(v)
  elseif k == "categorical" then
    if col.values:nElement() == 0 then return torch.ByteTensor() end
    return col.values:eq(0)
  end
  return col.missing
end

--- M.full_mask(col, n) -> ByteTensor of n, always (zeros when nothing is missing)
function M.full_mask(col, n)
  local m = M.mask(col)
  if m then return m end
  local z = torch.ByteTensor(n)
  if n > 0 then z:zero() end
  return z
end

--- M.nmissing(col) -> count of missing values
function M.nmissing(col)
  local m = M.mask(col)
  if not m or m:nElement() == 0 then return 0 end
  return math.floor(m:sum())
end

--- M.take(col, idx) -> a new column with the rows idx (1-based LongTensor) of col
function M.take(col, idx)
  local out = { kind = col.kind, levels = col.levels }
  if col.kind == "string" then
    local v, r = col.values, {}
    for i = 1, idx:nElement() do r[i] = v[idx[i]] end
    out.values = r
  else
    out.values = M.gather_tensor(col.values, idx)
  end
  if col.missing then out.missing = M.gather_tensor(col.missing, idx) end
  return out
end

--- M.take_opt(col, idx) -> like take, but idx entries 0 give a missing value (joins)
function M.take_opt(col, idx)
  local n = idx:nElement()
  if n == 0 then return M.take(col, idx) end
  local hole = idx:eq(0)
  if hole:sum() == 0 then return M.take(col, idx) end
  local len = M.length(col)
  local safe = idx:clone()
  if len == 0 then
    -- every row is a hole: build a column of missing values
    local out = { kind = col.kind, levels = col.levels }
    if col.kind == "string" then
      out.values = {}
      for i = 1, n do out.values[i] = "" end
    else
      out.values = col.values.new(n):zero()
      if col.kind == "float" or col.kind == "date" or col.kind == "datetime" then out.values:fill(0 / 0) end
    end
    if not (col.kind == "float" or col.kind == "date" or col.kind == "datetime" or col.kind == "categorical") then
      out.missing = torch.ByteTensor(n):fill(1)
    end
    return out
  end
  safe:maskedFill(hole, 1)
  local out = M.take(col, safe)
  local k = col.kind
  if k == "float" or k == "date" or k == "datetime" then
    out.values:maskedFill(hole, 0 / 0)
  elseif k == "categorical" then
    out.values:maskedFill(hole, 0)
  elseif k == "string" then
    for i = 1, n do if hole[i] == 1 then out.values[i] = "" end end
    out.missing = out.missing and out.missing:maskedFill(hole, 1) or hole:clone()
  else
    out.values:maskedFill(hole, 0)
    out.missing = out.missing and out.missing:maskedFill(hole, 1) or hole:clone()
  end
  return out
end

--- M.from_values(v, who, name) -> a column from a tensor, a Lua list, or a column record
function M.from_values(v, who, name)
  if type(v) == "table" and v.kind and v.values ~= nil then return v end
  if torch.isTensor(v) then
    if v:dim() == 2 and v:size(2) == 1 then v = v:select(2, 1) end
    if v:nElement() > 0 and v:dim() ~= 1 then
      error(string.format("%s: column '%s' must be 1-D (got size %s)", who, name,
        table.concat(v:size():totable(), "x")), 3)
    end
    local t = v:nElement() == 0 and v.new() or v:contiguous()
    if t == v then t = v:clone() end
    return { kind = FLOAT_TYPES[torch.typename(v)] and "float" or "integer", values = t }
  end
  if type(v) ~= "table" then
    error(string.format("%s: column '%s' must be a tensor or a list (got %s)", who, name, type(v)), 3)
  end
  local n = #v
  local ty
  for i = 1, n do
    local t = type(v[i])
    if ty == nil then ty = t
    elseif ty ~= t then
      error(string.format("%s: column '%s' mixes %ss and %ss (row %d)", who, name, ty, t, i), 3)
    end
  end
  if ty == nil or ty == "number" then
    local t = torch.DoubleTensor(n)
    local all_int = n > 0
    for i = 1, n do
      t[i] = v[i]
      if math.type(v[i]) ~= "integer" then all_int = false end
    end
    if all_int then
      local l = torch.LongTensor(n)
      for i = 1, n do l[i] = v[i] end
      return { kind = "integer", values = l }
    end
    return { kind = "float", values = t }
  elseif ty == "boolean" then
    local t = torch.ByteTensor(n)
    for i = 1, n do t[i] = v[i] and 1 or 0 end
    return { kind = "boolean", values = t }
  elseif ty == "string" then
    local c = {}
    for i = 1, n do c[i] = v[i] end
    return { kind = "string", values = c }
  end
  error(string.format("%s: column '%s' holds %ss (expected numbers, strings or booleans)", who, name, ty), 3)
end

--- M.value(col, i) -> the Lua value of row i (nil when missing): number, string or boolean
function M.value(col, i)
  local k = col.kind
  if col.missing and col.missing[i] == 1 then return nil end
  if k == "string" then return col.values[i] end
  local x = col.values[i]
  if k == "categorical" then
    if x == 0 then return nil end
    return col.levels[x]
  elseif k == "boolean" then
    return x ~= 0
  elseif k == "float" or k == "date" or k == "datetime" then
    if x ~= x then return nil end
  end
  return x
end

--- M.to_double(col, who, name) -> a DoubleTensor of the column (NaN where missing);
-- categorical columns give their codes; string columns raise.
function M.to_double(col, who, name)
  if col.kind == "string" then
    error(string.format("%s: column '%s' holds strings; encode it first (df:label_encode or df:one_hot)",
      who, name), 3)
  end
  local v = col.values
  local d = torch.typename(v) == "torch.DoubleTensor" and v or v:double()
  if col.missing or col.kind == "categorical" then
    local m = M.mask(col)
    if m and m:nElement() > 0 and m:sum() > 0 then
      if d == v then d = d:clone() end
      d:maskedFill(m, 0 / 0)
    end
  end
  return d
end

--- M.concat(cols, who, name [, mixed_ok]) -> one column holding the rows of each column of
-- the list; kinds that do not meet raise, or with mixed_ok give a string column
function M.concat(cols, who, name, mixed_ok)
  local kind = cols[1].kind
  for _, c in ipairs(cols) do
    if c.kind ~= kind then
      -- numbers of different kinds meet as floats
      if M.NUMERIC[c.kind] and M.NUMERIC[kind] then kind = "float"
      elseif (c.kind == "categorical" or c.kind == "string") and (kind == "categorical" or kind == "string") then
        kind = "string"
      elseif mixed_ok then
        kind = "string"
      else
        error(string.format("%s: column '%s' is %s in one frame and %s in another", who, name, kind, c.kind), 3)
      end
    end
  end
  local any_missing = false
  for _, c in ipairs(cols) do if c.missing then any_missing = true end end
  local out = { kind = kind }
  if kind == "string" then
    local r, m, k, nmiss = {}, {}, 0, 0
    for _, c in ipairs(cols) do
      for i = 1, M.length(c) do
        k = k + 1
        local v = M.value(c, i)
        if v ~= nil and type(v) ~= "string" then v = tostring(v) end
        r[k] = v or ""
        if v == nil then m[k] = true; nmiss = nmiss + 1 end
      end
    end
    out.values = r
    if nmiss > 0 then
      local mt = torch.ByteTensor(k):zero()
      for i in pairs(m) do mt[i] = 1 end
      out.missing = mt
    end
    return out
  elseif kind == "categorical" then
    -- merge the levels: first appearance across the frames
    local levels, pos = {}, {}
    local parts = {}
    for j, c in ipairs(cols) do
      local map = torch.LongTensor(#c.levels + 1)
      map[1] = 0
      for i, l in ipairs(c.levels) do
        if not pos[l] then levels[#levels + 1] = l; pos[l] = #levels end
        map[i + 1] = pos[l]
      end
      parts[j] = M.length(c) > 0 and map:index(1, c.values + 1) or nil
    end
    local nonempty = {}
    for j = 1, #cols do if parts[j] then nonempty[#nonempty + 1] = parts[j] end end
    out.values = #nonempty > 0 and torch.cat(nonempty, 1) or torch.LongTensor()
    out.levels = levels
    return out
  end
  local parts, masks = {}, {}
  for _, c in ipairs(cols) do
    if M.length(c) > 0 then
      local v = c.values
      if kind == "float" and torch.typename(v) ~= "torch.DoubleTensor" then v = M.to_double(c, who, name) end
      parts[#parts + 1] = v
      if any_missing then masks[#masks + 1] = M.full_mask(c, M.length(c)) end
    end
  end
  if #parts == 0 then
    out.values = cols[1].values.new()
  else
    local t1 = torch.typename(parts[1])
    for i = 2, #parts do
      if torch.typename(parts[i]) ~= t1 then parts[i] = parts[i]:type(t1) end
    end
    out.values = torch.cat(parts, 1)
  end
  if any_missing and kind ~= "float" then
    out.missing = #masks > 0 and torch.cat(masks, 1) or torch.ByteTensor()
  end
  return out
end

return M
