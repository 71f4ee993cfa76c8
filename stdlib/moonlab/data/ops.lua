-- moonlab.data.ops: the DataFrame methods that regroup rows: sort, group_by
-- and aggregates, joins, unique/drop_duplicates, value_counts, describe,
-- pivot/melt, sample/shuffle, missing values (dropna, fillna), encodings
-- (one_hot, label_encode) and concatenation.  Grouping, sorting and joining
-- run in C (kernels/groupby.c, kernels/join.c via torch._frame); this file
-- turns columns into keys and puts the result frames together.
-- Deliberately not here: the frame class itself (moonlab.data.frame).
local torch = require "torch"
local C = require "moonlab.data.column"
local DataFrame = require "moonlab.data.frame"
local K = torch._frame

local methods = DataFrame.methods
local make = DataFrame.make
local column = DataFrame.column
local name_list = DataFrame.name_list

local M = {}

-- ------------------------------------------------------------------ keys

-- Sorted distinct strings of a list and their rank map.
local function rank_strings(list)
  local seen, u = {}, {}
  for _, s in ipairs(list) do
    if not seen[s] then seen[s] = true; u[#u + 1] = s end
  end
  table.sort(u)
  local r = {}
  for i, s in ipairs(u) do r[s] = i end
  return r, u
end

-- The key tensor (LongTensor or DoubleTensor, contiguous) and missing mask (or false) of a
-- column, ordered as its values order (strings and levels by byte order).  With
-- keep_missing, missing values become an ordinary key (0 plus an indicator key appended to
-- extra) so that they group and match together.  The indicator is 1 where missing.
local function key_of(col, keep_missing, extra)
  local k = col.kind
  local key, miss
  if k == "float" or k == "date" or k == "datetime" then
    key = col.values
    if torch.typename(key) ~= "torch.DoubleTensor" then key = key:double() end
    key = key:contiguous()
    if keep_missing and key:nElement() > 0 then
      local m = key:ne(key)
      if m:sum() > 0 then
        key = key:clone():maskedFill(m, 0)
        extra[#extra + 1] = m:long()
      end
    end
    return key, false
  elseif k == "categorical" then
    -- the codes with a rank map (C reads map[code + 1]; code 0 is missing)
    local rank = rank_strings(col.levels)
    local map = torch.LongTensor(#col.levels + 1)
    map[1] = keep_missing and #col.levels + 1 or -1 -- missing: a last key of its own, or left out
    for i, l in ipairs(col.levels) do map[i + 1] = rank[l] end
    return col.values:contiguous(), map
  elseif k == "string" then
    local rank = rank_strings(col.values)
    key = torch.LongTensor(#col.values)
    for i, s in ipairs(col.values) do key[i] = rank[s] end
    miss = col.missing or false
  else
    key = col.values
    if torch.typename(key) ~= "torch.LongTensor" then key = key:long() end
    key = key:contiguous()
    miss = col.missing or false
  end
  if keep_missing and miss and miss:nElement() > 0 and miss:sum() > 0 then
    extra[#extra + 1] = miss:long()
    miss = false
  elseif miss and (miss:nElement() == 0 or miss:sum() == 0) then
    miss = false
  end
  return key, miss
end

-- Factorized group ids of the rows of df by the named columns: gid (1-based, 0 where a key
-- is missing unless keep_missing), ngroups, first row of each group.
local function factorize(df, names, keep_missing)
  local keys, misses = {}, {}
  for _, n in ipairs(names) do
    -- a missing-value indicator (when keep_missing finds one) goes just before its key, so
    -- that missing values sort after the others of that key
    local extra = {}
    local k, m = key_of(df._cols[n], keep_missing, extra)
    if extra[1] then
      keys[#keys + 1] = extra[1]
      misses[#misses + 1] = false
    end
    keys[#keys + 1] = k
    misses[#misses + 1] = m
  end
  return K.factorize(keys, misses)
end
M.factorize = factorize

-- ------------------------------------------------------------------ sorting

--- df:sort_values(by [, opts]) -> the rows sorted by one or more columns, stably.
-- opts.ascending: a boolean or a list of booleans (default true); missing values last.
function methods.sort_values(df, by, opts)
  local who = "DataFrame:sort_values"
  if type(opts) == "boolean" then opts = { ascending = opts } end
  opts = opts or {}
  local names = name_list(df, by, who)
  if #names == 0 then error(who .. ": no columns to sort by", 2) end
  local asc = opts.ascending
  if asc == nil then asc = true end
  local keys, misses, desc = {}, {}, {}
  for j, n in ipairs(names) do
    local a = asc
    if type(asc) == "table" then a = asc[j]; if a == nil then a = true end end
    keys[j], misses[j] = key_of(df._cols[n], false, {})
    desc[j] = not a
  end
  if df._n == 0 then return methods.take(df, torch.LongTensor()) end
  return methods.take(df, K.argsort(keys, misses, desc))
end
methods.sort = methods.sort_values

--- df:order(by [, opts]) -> the permutation (LongTensor) that sort_values applies
function methods.order(df, by, opts)
  if type(opts) == "boolean" then opts = { ascending = opts } end
  opts = opts or {}
  local names = name_list(df, by, "DataFrame:order")
  local keys, misses, desc = {}, {}, {}
  for j, n in ipairs(names) do
    local a = opts.ascending
    if type(a) == "table" then a = a[j] end
    if a == nil then a = true end
    keys[j], misses[j] = key_of(df._cols[n], false, {})
    desc[j] = not a
  end
  if df._n == 0 then return torch.LongTensor() end
  return K.argsort(keys, misses, desc)
end

-- ------------------------------------------------------------------ group_by

local GroupBy = {}
GroupBy.__index = GroupBy
GroupBy.__name = "moonlab.GroupBy"
M.GroupBy = GroupBy

--- df:group_by(keys [, opts]) -> a GroupBy; gb:agg{col = "mean" | {"mean", "max"} | function}.
-- Groups are in ascending key order; rows with a missing key are left out (opts.dropna = false
-- keeps them as a group of their own).
function methods.group_by(df, keys, opts)
  local who = "DataFrame:group_by"
  opts = opts or {}
  local names = name_list(df, keys, who)
  if #names == 0 then error(who .. ": no key columns", 2) end
  local gid, k, first
  if df._n == 0 then
    gid, k, first = torch.LongTensor(), 0, torch.LongTensor()
  else
    gid, k, first = factorize(df, names, opts.dropna == false)
  end
  return setmetatable({ df = df, keys = names, gid = gid, ngroups = k, first = first }, GroupBy)
end
methods.groupby = methods.group_by

-- The key columns of the result: the first row of each group.
local function key_frame(gb)
  local names, cols = {}, {}
  for i, n in ipairs(gb.keys) do
    names[i] = n
    cols[n] = C.take(gb.df._cols[n], gb.first)
  end
  return names, cols
end

-- Row lists per group (for functions and medians of non-double data): perm, starts.
local function group_rows(gb)
  if gb._perm then return gb._perm, gb._start end
  local perm = K.argsort({ gb.gid }, { false }, { false })
  local counts = K.reduce("size", torch.DoubleTensor(gb.gid:nElement()):zero(), gb.gid, gb.ngroups)
  local start = { 1 }
  local skip = 0
  for i = 1, gb.gid:nElement() do if gb.gid[i] == 0 then skip = skip + 1 end end
  -- rows with gid 0 sort first: skip them
  start[1] = skip + 1
  for g = 1, gb.ngroups do start[g + 1] = start[g] + math.floor(counts[g]) end
  gb._perm, gb._start = perm, start
  return perm, start
end

local INT_KEEP = { sum = true, min = true, max = true }

-- One aggregate of one column: a column record of ngroups rows.
local function aggregate(gb, name, op, who)
  local col = column(gb.df, name, who)
  if type(op) == "function" then
    local perm, start = group_rows(gb)
    local out, all_num = {}, true
    for g = 1, gb.ngroups do
      local idx = gb.gid:nElement() > 0 and perm:narrow(1, start[g], start[g + 1] - start[g]) or torch.LongTensor()
      local part = C.take(col, idx)
      local v = op(part.values, part)
      if type(v) ~= "number" then all_num = false end
      out[g] = v
    end
    if all_num then return C.from_values(out, who, name) end
    for g = 1, gb.ngroups do out[g] = tostring(out[g]) end
    return { kind = "string", values = out }
  end
  if type(op) ~= "string" then error(string.format("%s: aggregate of '%s' must be a name or a function", who, name), 3) end
  local x
  if col.kind == "string" or col.kind == "categorical" then
    if op ~= "count" and op ~= "size" then
      error(string.format("%s: cannot take the %s of column '%s' (%s)", who, op, name, col.kind), 3)
    end
    x = torch.DoubleTensor(gb.df._n):zero()
    local m = C.mask(col)
    if m and m:nElement() > 0 then x:maskedFill(m, 0 / 0) end
  else
    x = C.to_double(col, who, name):contiguous()
  end
  local ok, r = pcall(K.reduce, op, x, gb.gid, gb.ngroups)
  if not ok then error((tostring(r):gsub("DataFrame:group_by", who)), 3) end
  if op == "count" or op == "size" then return { kind = "integer", values = r:long() } end
  if INT_KEEP[op] and col.kind == "integer" and (r:nElement() == 0 or not (r:ne(r):sum() > 0)) then
    return { kind = "integer", values = r:long() }
  end
  return { kind = "float", values = r }
end

--- gb:agg(spec) -> frame: the key columns then one column per aggregate.
-- spec: {col = "mean"}, {col = {"mean", "max"}} (columns col_mean, col_max), {col = function(values)},
-- or an ordered list {{"col", "mean"}, {"col", "max", "name"}}.  Aggregates: mean, sum, count,
-- min, max, std, var, median, size, or a function of the group's values.
function GroupBy:agg(spec)
  local who = "GroupBy:agg"
  if type(spec) == "string" then
    local s = {}
    for _, n in ipairs(self.df.columns) do
      local keyset = false
      for _, k in ipairs(self.keys) do if k == n then keyset = true end end
      if not keyset and (C.NUMERIC[self.df._cols[n].kind] or spec == "count" or spec == "size") then
        s[#s + 1] = { n, spec }
      end
    end
    spec = s
  end
  if type(spec) ~= "table" then error(who .. ": expected a table {col = \"mean\"}", 2) end
  local items = {}
  for _, it in ipairs(spec) do items[#items + 1] = { it[1], it[2], it[3] or it[1] } end
  local named = {}
  for k in pairs(spec) do if type(k) == "string" then named[k] = true end end
  -- named entries in the frame's column order
  for _, n in ipairs(self.df.columns) do
    local op = named[n] and spec[n]
    if op then
      named[n] = nil
      if type(op) == "table" then
        for _, o in ipairs(op) do items[#items + 1] = { n, o, n .. "_" .. (type(o) == "string" and o or "f") } end
      else
        items[#items + 1] = { n, op, n }
      end
    end
  end
  local left = next(named)
  if left then
    column(self.df, left, who)
  end
  local names, cols = key_frame(self)
  for _, it in ipairs(items) do
    local out = it[3]
    if cols[out] then error(string.format("%s: two result columns are named '%s'", who, out), 2) end
    cols[out] = aggregate(self, it[1], it[2], who)
    names[#names + 1] = out
  end
  return make(names, cols, self.ngroups)
end
GroupBy.aggregate = GroupBy.agg

for _, op in ipairs { "mean", "sum", "count", "min", "max", "std", "var", "median" } do
  GroupBy[op] = function(self) return self:agg(op) end
end

--- gb:size() -> frame: the key columns and "size", the number of rows of each group
function GroupBy:size()
  local names, cols = key_frame(self)
  local r = K.reduce("size", torch.DoubleTensor(self.gid:nElement()):zero(), self.gid, self.ngroups)
  names[#names + 1] = "size"
  cols.size = { kind = "integer", values = r:long() }
  return make(names, cols, self.ngroups)
end

--- gb:groups() -> iterator over key_row, sub-frame for each group, in key order
function GroupBy:groups()
  local perm, start = group_rows(self)
  local g = 0
  return function()
    g = g + 1
    if g > self.ngroups then return nil end
    local idx = perm:narrow(1, start[g], start[g + 1] - start[g])
    local keyrow = {}
    for _, k in ipairs(self.keys) do keyrow[k] = C.value(self.df._cols[k], self.first[g]) end
    return keyrow, methods.take(self.df, idx)
  end
end

GroupBy.__tostring = function(self)
  return string.format("GroupBy(%s): %d groups of %d rows", table.concat(self.keys, ", "), self.ngroups, self.df._n)
end

-- ------------------------------------------------------------------ joins

--- df:join(other, opts) -> frame: opts.on (key name or list; default: the common columns),
-- opts.how = "inner" | "left" | "right" | "outer", opts.suffixes = {"_x", "_y"} for other
-- columns present on both sides.  Missing keys match each other (as pandas).  merge is the same.
function methods.join(df, other, opts)
  local who = "DataFrame:join"
  if not DataFrame.is_frame(other) then error(who .. ": expected a data frame to join with", 2) end
  opts = opts or {}
  local how = opts.how or "inner"
  local on = opts.on
  if on == nil then
    on = {}
    for _, n in ipairs(df.columns) do if other._cols[n] then on[#on + 1] = n end end
    if #on == 0 then error(who .. ": the frames have no column in common; give opts.on", 2) end
  end
  local keys = name_list(df, on, who)
  name_list(other, keys, who)
  local suffixes = opts.suffixes or { "_x", "_y" }
  local nl, nr = df._n, other._n
  -- one key space for both sides: factorize the concatenated key columns
  local both = { columns = {}, _cols = {}, _n = nl + nr }
  for i, k in ipairs(keys) do
    both.columns[i] = k
    both._cols[k] = C.concat({ df._cols[k], other._cols[k] }, who, k)
  end
  local gid, ng
  if nl + nr == 0 then gid, ng = torch.LongTensor(), 0 else gid, ng = factorize(both, keys, true) end
  local lg = nl > 0 and gid:narrow(1, 1, nl):clone() or torch.LongTensor()
  local rg = nr > 0 and gid:narrow(1, nl + 1, nr):clone() or torch.LongTensor()
  local ok, li, ri = pcall(K.join, lg, rg, ng, how)
  if not ok then error((tostring(li):gsub("DataFrame:join", who)), 2) end
  local m = li:nElement()
  local names, cols = {}, {}
  -- key columns: from the left row when there is one, else from the right
  local kidx = li:clone()
  if m > 0 then
    local noleft = li:eq(0)
    if noleft:sum() > 0 then kidx:maskedCopy(noleft, ri:maskedSelect(noleft) + nl) end
  end
  local iskey = {}
  for _, k in ipairs(keys) do
    iskey[k] = true
    names[#names + 1] = k
    cols[k] = C.take(both._cols[k], kidx)
  end
  local function add(frame, idx, suffix, otherframe)
    for _, n in ipairs(frame.columns) do
      if not iskey[n] then
        local out = n
        if otherframe._cols[n] and not iskey[n] then out = n .. suffix end
        if cols[out] then error(string.format("%s: two result columns are named '%s'", who, out), 3) end
        names[#names + 1] = out
        cols[out] = C.take_opt(frame._cols[n], idx)
      end
    end
  end
  add(df, li, suffixes[1], other)
  add(other, ri, suffixes[2], df)
  return make(names, cols, m)
end
methods.merge = methods.join

-- ------------------------------------------------------------------ unique rows

--- df:drop_duplicates([cols]) -> the first row of each distinct combination of cols (all
-- columns by default), in row order; missing values count as equal.
function methods.drop_duplicates(df, cols)
  local names = name_list(df, cols, "DataFrame:drop_duplicates")
  if df._n == 0 or #names == 0 then return methods.take(df, torch.LongTensor()) end
  local _, _, first = factorize(df, names, true)
  local sorted = first:sort()
  return methods.take(df, sorted)
end

--- df:unique(col) -> a list of the distinct values of a column in order of appearance
-- (missing values left out)
function methods.unique(df, col)
  if col == nil then return methods.drop_duplicates(df) end
  local c = column(df, col, "DataFrame:unique")
  if df._n == 0 then return {} end
  local _, _, first = factorize(df, { col }, false)
  local sorted = first:nElement() > 0 and first:sort() or first
  local r = {}
  for i = 1, sorted:nElement() do r[i] = C.value(c, sorted[i]) end
  return r
end

--- df:nunique(col) -> number of distinct non-missing values
function methods.nunique(df, col)
  column(df, col, "DataFrame:nunique")
  if df._n == 0 then return 0 end
  local _, k = factorize(df, { col }, false)
  return k
end

--- df:value_counts(col [, opts]) -> frame {col, count} sorted by count, largest first
-- (ties in key order); opts.normalize gives fractions in "proportion" instead
function methods.value_counts(df, col, opts)
  opts = opts or {}
  local gb = methods.group_by(df, col)
  local r = gb:size():rename { size = "count" }
  r = methods.sort_values(r, "count", false)
  if opts.normalize then
    local c = r._cols.count.values:double()
    local tot = c:sum()
    r = r:mutate { { "proportion", tot > 0 and c / tot or c } }:drop("count")
  end
  return r
end

-- ------------------------------------------------------------------ describe

-- Linear-interpolation quantile (pandas/numpy default) of a sorted DoubleTensor.
local function quantile(sorted, q)
  local n = sorted:nElement()
  if n == 0 then return 0 / 0 end
  local pos = (n - 1) * q + 1
  local lo = math.floor(pos)
  local hi = math.min(lo + 1, n)
  local f = pos - lo
  return sorted[lo] + (sorted[hi] - sorted[lo]) * f
end
M.quantile = quantile

local function present_values(col)
  local x = C.to_double(col, "DataFrame:describe", "?")
  if x:nElement() == 0 then return x end
  local ok = x:eq(x)
  if ok:sum() == x:nElement() then return x:contiguous() end
  if ok:sum() == 0 then return torch.DoubleTensor() end
  return x:maskedSelect(ok)
end

--- df:describe([opts]) -> frame of statistics, one column per column described, first column
-- "stat": count, mean, std, min, 25%, 50%, 75%, max for numeric columns; count, unique, top,
-- freq for the others (when there are no numeric columns, or opts.include = "all").
function methods.describe(df, opts)
  opts = opts or {}
  local num = DataFrame.numeric_names(df)
  local others = {}
  for _, n in ipairs(df.columns) do
    local k = df._cols[n].kind
    if not C.NUMERIC[k] then others[#others + 1] = n end
  end
  local names, cols = { "stat" }, {}
  if #num > 0 and opts.include ~= "all" then
    cols.stat = { kind = "string", values = { "count", "mean", "std", "min", "25%", "50%", "75%", "max" } }
    for _, n in ipairs(num) do
      local x = present_values(df._cols[n])
      local m = x:nElement()
      local v = torch.DoubleTensor(8):fill(0 / 0)
      v[1] = m
      if m > 0 then
        local s = x:sort()
        v[2] = x:mean()
        v[3] = m > 1 and x:std() or 0 / 0
        v[4], v[5], v[6], v[7], v[8] = s[1], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), s[m]
      end
      names[#names + 1] = n
      cols[n] = { kind = "float", values = v }
    end
    return make(names, cols, 8)
  end
  local list = opts.include == "all" and df.columns or others
  cols.stat = { kind = "string", values = { "count", "unique", "top", "freq" } }
  for _, n in ipairs(list) do
    local c = df._cols[n]
    local cnt = df._n - C.nmissing(c)
    local vc = methods.value_counts(methods.select(df, n), n)
    local top = vc._n > 0 and C.value(vc._cols[n], 1)
    local freq = vc._n > 0 and vc._cols.count.values[1]
    names[#names + 1] = n
    cols[n] = { kind = "string", values = { tostring(cnt), tostring(vc._n), top ~= nil and tostring(top) or "",
      freq and tostring(freq) or "" } }
  end
  return make(names, cols, 4)
end

-- ------------------------------------------------------------------ reshape

--- df:pivot{index = col, columns = col, values = col [, agg = "mean"]} -> frame with one row
-- per index value (ascending) and one column per distinct value of `columns` (ascending),
-- holding agg of `values` (pandas' pivot_table); missing combinations are NaN.
function methods.pivot(df, opts)
  local who = "DataFrame:pivot"
  if type(opts) ~= "table" then error(who .. ": expected {index = , columns = , values = }", 2) end
  local idx, colk, val = opts.index, opts.columns, opts.values
  column(df, idx, who); column(df, colk, who); column(df, val, who)
  local agg = opts.agg or "mean"
  local g = methods.group_by(df, { idx, colk }):agg { { val, agg, "__v" } }
  local rows = methods.group_by(g, idx)
  local cgrp = methods.group_by(g, colk)
  local nr, nc = rows.ngroups, cgrp.ngroups
  local M2 = torch.DoubleTensor(math.max(nr, 1), math.max(nc, 1)):fill(0 / 0)
  local v = C.to_double(g._cols.__v, who, val)
  for i = 1, g._n do M2[rows.gid[i]][cgrp.gid[i]] = v[i] end
  local names, cols = { idx }, { [idx] = C.take(g._cols[idx], rows.first) }
  for j = 1, nc do
    local label = DataFrame.cell(g._cols[colk], cgrp.first[j])
    if cols[label] then label = colk .. "_" .. label end
    names[#names + 1] = label
    cols[label] = { kind = "float", values = nr > 0 and M2:select(2, j):clone() or torch.DoubleTensor() }
  end
  return make(names, cols, nr)
end

--- df:melt{id_vars = {...}, value_vars = {...}, var_name = "variable", value_name = "value"}
-- -> long frame: the id columns repeated for each value column, a column naming it, its values
function methods.melt(df, opts)
  local who = "DataFrame:melt"
  opts = opts or {}
  local ids = opts.id_vars and name_list(df, opts.id_vars, who) or {}
  local isid = {}
  for _, n in ipairs(ids) do isid[n] = true end
  local vals = opts.value_vars and name_list(df, opts.value_vars, who)
  if not vals then
    vals = {}
    for _, n in ipairs(df.columns) do if not isid[n] then vals[#vals + 1] = n end end
  end
  local var_name, value_name = opts.var_name or "variable", opts.value_name or "value"
  local n, k = df._n, #vals
  local idx = torch.LongTensor(n * k)
  for j = 1, k do
    for i = 1, n do idx[(j - 1) * n + i] = i end
  end
  local names, cols = {}, {}
  for _, c in ipairs(ids) do
    names[#names + 1] = c
    cols[c] = C.take(df._cols[c], idx)
  end
  local vnames = {}
  for j = 1, k do for i = 1, n do vnames[(j - 1) * n + i] = vals[j] end end
  names[#names + 1] = var_name
  cols[var_name] = { kind = "string", values = vnames }
  local parts = {}
  for j, v in ipairs(vals) do parts[j] = df._cols[v] end
  names[#names + 1] = value_name
  cols[value_name] = k > 0 and C.concat(parts, who, value_name, true) or { kind = "float", values = torch.DoubleTensor() }
  return make(names, cols, n * k)
end

-- ------------------------------------------------------------------ sampling

local function generator(seed)
  local g = torch.Generator()
  if seed ~= nil then torch.manualSeed(g, seed) else torch.seed(g) end
  return g
end

--- df:shuffle([seed]) -> the rows in a random order (seeded when seed is given)
function methods.shuffle(df, seed)
  if df._n == 0 then return methods.take(df, torch.LongTensor()) end
  return methods.take(df, torch.randperm(generator(seed), df._n):long())
end

--- df:sample(n_or_opts) -> n random rows without replacement: df:sample(10),
-- df:sample{n = 10, seed = 1}, df:sample{frac = 0.5, seed = 1}, {replace = true}
function methods.sample(df, opts)
  local who = "DataFrame:sample"
  if type(opts) == "number" then opts = { n = opts } end
  opts = opts or { n = 1 }
  local n = opts.n or (opts.frac and math.floor(opts.frac * df._n + 0.5)) or 1
  if math.type(n) ~= "integer" and n == math.floor(n) then n = math.floor(n) end
  if n < 0 then error(who .. ": n must be >= 0", 2) end
  local g = generator(opts.seed)
  if opts.replace then
    if df._n == 0 and n > 0 then error(who .. ": cannot sample from an empty frame", 2) end
    local idx = torch.LongTensor(n)
    for i = 1, n do idx[i] = math.floor(torch.uniform(g) * df._n) + 1 end
    return methods.take(df, idx)
  end
  if n > df._n then
    error(string.format("%s: cannot take %d rows from %d without replacement", who, n, df._n), 2)
  end
  if n == 0 then return methods.take(df, torch.LongTensor()) end
  return methods.take(df, torch.randperm(g, df._n):long():narrow(1, 1, n):clone())
end

-- ------------------------------------------------------------------ missing values

--- df:dropna([opts]) -> the rows without missing values; opts.subset (columns checked),
-- opts.how = "any" (default) | "all"
function methods.dropna(df, opts)
  opts = opts or {}
  local names = name_list(df, opts.subset, "DataFrame:dropna")
  if df._n == 0 then return methods.take(df, torch.LongTensor()) end
  local cnt = torch.LongTensor(df._n):zero()
  for _, n in ipairs(names) do
    local m = C.mask(df._cols[n])
    if m then cnt:add(m:long()) end
  end
  local bad = opts.how == "all" and cnt:eq(#names) or cnt:gt(0)
  return methods.take(df, DataFrame.mask_rows(df, bad:eq(0), "DataFrame:dropna"))
end

-- fills the missing values of one column; how: a value or "mean" | "median" | "mode" | "ffill" | "bfill"
local function fill_column(df, name, how, who)
  local col = df._cols[name]
  local m = C.mask(col)
  if not m or m:nElement() == 0 or m:sum() == 0 then return col end
  local n = df._n
  if how == "ffill" or how == "bfill" then
    local idx = torch.LongTensor(n)
    local last = 0
    local a, b, s = 1, n, 1
    if how == "bfill" then a, b, s = n, 1, -1 end
    for i = a, b, s do
      if m[i] == 0 then last = i end
      idx[i] = last
    end
    return C.take_opt(col, idx)
  end
  local value = how
  if how == "mean" or how == "median" then
    if not C.NUMERIC[col.kind] then error(string.format("%s: cannot take the %s of column '%s' (%s)", who, how, name, col.kind), 3) end
    local x = present_values(col)
    if x:nElement() == 0 then return col end
    value = how == "mean" and x:mean() or quantile(x:sort(), 0.5)
    if col.kind ~= "float" and value ~= math.floor(value) then
      col = { kind = "float", values = C.to_double(col, who, name) }
    end
  elseif how == "mode" then
    local vc = methods.value_counts(methods.select(df, name), name)
    if vc._n == 0 then return col end
    -- the smallest of the most frequent values, as pandas' mode()[0]
    local best = vc._cols.count.values[1]
    local cand = {}
    for i = 1, vc._n do if vc._cols.count.values[i] == best then cand[#cand + 1] = C.value(vc._cols[name], i) end end
    table.sort(cand, function(p, q) if type(p) == type(q) then return p < q end return tostring(p) < tostring(q) end)
    value = cand[1]
  end
  -- fill with value
  local out = { kind = col.kind, levels = col.levels }
  if col.kind == "string" then
    out.values = {}
    for i = 1, n do out.values[i] = m[i] == 1 and tostring(value) or col.values[i] end
    return out
  elseif col.kind == "categorical" then
    local code
    for i, l in ipairs(col.levels) do if l == value then code = i end end
    local levels = col.levels
    if not code then
      levels = { table.unpack(col.levels) }
      levels[#levels + 1] = tostring(value)
      code = #levels
    end
    return { kind = "categorical", levels = levels, values = col.values:clone():maskedFill(m, code) }
  end
  if type(value) == "boolean" then value = value and 1 or 0 end
  if type(value) ~= "number" then
    error(string.format("%s: column '%s' is %s; fill it with a number (got %s)", who, name, col.kind, type(value)), 3)
  end
  if col.kind ~= "float" and (math.type(value) ~= "integer" and value ~= math.floor(value)) then
    out = { kind = "float", values = C.to_double(col, who, name):clone() }
    out.values:maskedFill(m, value)
    return out
  end
  out.values = col.values:clone():maskedFill(m, value)
  return out
end

--- df:fillna(value | {col = value} | "mean" | "median" | "mode" | "ffill" | "bfill") -> frame
-- with missing values replaced (a method applies to every column it can; a table per column)
function methods.fillna(df, spec)
  local who = "DataFrame:fillna"
  local cols, names = {}, {}
  for i, n in ipairs(df.columns) do
    names[i] = n
    local how = spec
    if type(spec) == "table" then how = spec[n] end
    local c = df._cols[n]
    if how == nil then
      cols[n] = c
    elseif (how == "mean" or how == "median") and not C.NUMERIC[c.kind] and type(spec) ~= "table" then
      cols[n] = c
    elseif type(spec) ~= "table" and type(how) == "number" and (c.kind == "string" or c.kind == "categorical") then
      cols[n] = c
    elseif type(spec) ~= "table" and type(how) == "string" and C.NUMERIC[c.kind] and not
      (how == "mean" or how == "median" or how == "mode" or how == "ffill" or how == "bfill") then
      cols[n] = c
    else
      cols[n] = fill_column(df, n, how, who)
    end
  end
  if type(spec) == "table" then for k in pairs(spec) do column(df, k, who) end end
  return make(names, cols, df._n)
end

-- ------------------------------------------------------------------ encodings

--- df:label_encode(col) -> frame with col replaced by 1-based integer codes of its sorted
-- distinct values (missing: 0), and the list of those values
function methods.label_encode(df, col)
  local who = "DataFrame:label_encode"
  local c = column(df, col, who)
  local gid, k, first = factorize(df, { col }, false)
  local levels = {}
  for g = 1, k do levels[g] = C.value(c, first[g]) end
  local out = methods.mutate(df, { { col, gid } })
  return out, levels
end

--- df:one_hot(col [, opts]) -> frame with col replaced by one 0/1 column per distinct value
-- (sorted), named col_value (opts.prefix replaces col; opts.drop_first drops the first)
function methods.one_hot(df, col, opts)
  local who = "DataFrame:one_hot"
  opts = opts or {}
  local c = column(df, col, who)
  local gid, k, first = factorize(df, { col }, false)
  local names, cols = {}, {}
  for _, n in ipairs(df.columns) do
    if n ~= col then
      names[#names + 1] = n
      cols[n] = df._cols[n]
    else
      for g = (opts.drop_first and 2 or 1), k do
        local label = (opts.prefix or col) .. "_" .. DataFrame.cell(c, first[g])
        names[#names + 1] = label
        cols[label] = { kind = "integer", values = gid:eq(g) }
      end
    end
  end
  return make(names, cols, df._n)
end

--- df:astype{col = "categorical" | "string" | "float" | "integer"} -> frame with converted columns
-- The numbers written in a string or categorical column (as pandas'
-- astype(int/float) on numeric strings): missing and empty texts are missing;
-- any other text must read as a Lua number (an integer for kind "integer").
local function numbers_of_text(df, c, name, kind, who)
  local n = df._n
  local vals = kind == "integer" and torch.LongTensor(n) or torch.DoubleTensor(n)
  local miss = torch.ByteTensor(n):zero()
  local nmiss = 0
  for i = 1, n do
    local x = C.value(c, i)
    local v = nil
    if x ~= nil and x ~= "" then
      v = tonumber(x)
      if v == nil then
        error(string.format("%s: row %d of '%s' holds '%s', not a number", who, i, name, tostring(x)), 3)
      end
      if kind == "integer" then
        local iv = math.tointeger(v)
        if iv == nil then
          error(string.format("%s: row %d of '%s' holds '%s', not an integer", who, i, name, tostring(x)), 3)
        end
        v = iv
      end
    end
    if v == nil then
      miss[i] = 1
      nmiss = nmiss + 1
      vals[i] = kind == "integer" and 0 or 0 / 0
    else
      vals[i] = v
    end
  end
  if kind == "float" then return { kind = "float", values = vals } end
  return { kind = "integer", values = vals, missing = nmiss > 0 and miss or nil }
end

function methods.astype(df, spec)
  local who = "DataFrame:astype"
  local out = methods.select(df, df.columns)
  for name, kind in pairs(spec) do
    local c = column(df, name, who)
    local r
    if kind == "categorical" then
      if c.kind == "categorical" then r = c else
        -- levels in order of first appearance
        local gid, k, first = factorize(df, { name }, false)
        local order = first:nElement() > 0 and select(2, first:sort()) or torch.LongTensor()
        local remap = torch.LongTensor(k + 1):zero()
        local levels = {}
        for j = 1, k do
          remap[order[j] + 1] = j
          levels[j] = tostring(C.value(c, first[order[j]]))
        end
        r = { kind = "categorical", levels = levels, values = df._n > 0 and remap:index(1, gid + 1) or torch.LongTensor() }
      end
    elseif kind == "string" then
      local v = {}
      local m = C.mask(c)
      for i = 1, df._n do local x = C.value(c, i); v[i] = x == nil and "" or tostring(x) end
      r = { kind = "string", values = v, missing = m and m:nElement() > 0 and m:sum() > 0 and m:clone() or nil }
    elseif (kind == "float" or kind == "integer") and (c.kind == "string" or c.kind == "categorical") then
      r = numbers_of_text(df, c, name, kind, who)
    elseif kind == "float" then
      r = { kind = "float", values = C.to_double(c, who, name):clone() }
    elseif kind == "integer" then
      local m = C.mask(c)
      local has = m and m:nElement() > 0 and m:sum() > 0
      local v = c.values
      -- NaN has no integer value (casting it is undefined): zero the missing places first
      if has then v = v:clone():maskedFill(m, 0) end
      r = { kind = "integer", values = v:long(), missing = has and m:clone() or nil }
    else
      error(who .. ": unknown kind '" .. tostring(kind) .. "' (categorical, string, float, integer)", 2)
    end
    out._cols[name] = r
  end
  return out
end

-- ------------------------------------------------------------------ concat

--- M.concat(frames) -> one frame with the rows of each in turn; columns are the union (in
-- order of first appearance), absent columns filled with missing values
function M.concat(frames)
  local who = "data.concat"
  if type(frames) ~= "table" or #frames == 0 then error(who .. ": expected a list of data frames", 2) end
  local names, where = {}, {}
  for i, f in ipairs(frames) do
    if not DataFrame.is_frame(f) then error(string.format("%s: item %d is not a data frame", who, i), 2) end
    for _, n in ipairs(f.columns) do
      if not where[n] then names[#names + 1] = n; where[n] = f._cols[n] end
    end
  end
  local cols, total = {}, 0
  for _, f in ipairs(frames) do total = total + f._n end
  for _, n in ipairs(names) do
    local parts = {}
    for i, f in ipairs(frames) do
      parts[i] = f._cols[n] or C.take_opt(where[n], torch.LongTensor(f._n):zero())
    end
    local ok, r = pcall(C.concat, parts, who, n)
    if not ok then error(r, 2) end
    cols[n] = r
  end
  return make(names, cols, total)
end

--- df:concat(other, ...) -> rows of df then of the others
function methods.concat(df, ...)
  return M.concat({ df, ... })
end

return M
