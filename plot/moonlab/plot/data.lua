-- moonlab.plot.data: what the plot functions accept as data, turned into
-- tensors, plus the little statistics the plots need (histogram counts,
-- distinct classes, quantile-free summaries).
--
-- Accepted everywhere a vector is expected: a tensor with one non-singleton
-- dimension (any type, any strides), a Lua array of numbers, or anything a
-- frame adapter recognises: moonlab.data's data frames (their numeric
-- columns) are known; data.add_adapter(fn) adds more, fn(obj) returning
-- names, columns (a list of vectors) for objects it knows, or nil.  Not here:
-- drawing.
local torch = require "torch"

local data = {}

local adapters = {}

-- Registers fn(obj) -> names, columns | nil, tried on tables that are not
-- plain arrays (the future data frame plugs in here).
function data.add_adapter(fn)
  adapters[#adapters + 1] = fn
end

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 0)
end

local function shape(t)
  local s = {}
  for d = 1, t:dim() do s[d] = tostring(t:size(d)) end
  return #s > 0 and table.concat(s, "x") or "empty"
end
data.shape = shape

function data.is_tensor(x)
  return torch.isTensor(x)
end

-- moonlab.data frames: the float, integer and boolean columns, in order
-- (categorical and string columns are labels, not values to draw).
local NUMERIC = { float = true, integer = true, boolean = true }
local function data_frame(x)
  local dm = package.loaded["moonlab.data"]
  if not (dm and dm.DataFrame and dm.DataFrame.is_frame and dm.DataFrame.is_frame(x)) then return nil end
  local names, cols = {}, {}
  for _, name in ipairs(x.columns) do
    if NUMERIC[x:kind(name)] then
      names[#names + 1] = name
      cols[#cols + 1] = x:column_tensor(name)
    end
  end
  return names, cols
end

-- Names and columns of a frame-like object, or nil.
local function adapt(x)
  if type(x) ~= "table" and type(x) ~= "userdata" then return nil end
  local fnames, fcols = data_frame(x)
  if fnames then return fnames, fcols end
  for i = #adapters, 1, -1 do
    local names, cols = adapters[i](x)
    if names then return names, cols end
  end
  return nil
end

-- Is x a Lua array of numbers?
local function number_array(x)
  return type(x) == "table" and getmetatable(x) == nil and type(x[1]) == "number"
end

-- x as a 1-D tensor of n > 0 elements (a view when x is a tensor).
function data.vector(who, name, x)
  if data.is_tensor(x) then
    local n = x:nElement()
    if n == 0 then fail(who, "%s is empty", name) end
    if x:dim() == 1 then return x end
    local big = 0
    for d = 1, x:dim() do if x:size(d) > 1 then big = big + 1 end end
    if big > 1 then fail(who, "%s must be a vector, got a %s tensor", name, shape(x)) end
    return x:contiguous():view(n)
  elseif number_array(x) then
    for i = 1, #x do
      if type(x[i]) ~= "number" then fail(who, "%s[%d] is not a number (%s)", name, i, type(x[i])) end
    end
    return torch.DoubleTensor(x)
  elseif type(x) == "table" and next(x) == nil then
    fail(who, "%s is empty", name)
  end
  local names, cols = adapt(x)
  if names and #cols == 1 then return data.vector(who, name, cols[1]) end
  fail(who, "%s must be a tensor or a table of numbers, got %s", name, type(x))
end

-- x as a 2-D tensor (rows x columns): a 2-D tensor or a table of rows.
function data.matrix(who, name, x)
  if data.is_tensor(x) then
    if x:dim() ~= 2 then fail(who, "%s must be a 2-D tensor, got %s", name, shape(x)) end
    if x:nElement() == 0 then fail(who, "%s is empty", name) end
    return x
  elseif type(x) == "table" and type(x[1]) == "table" then
    local ok, t = pcall(torch.DoubleTensor, x)
    if not ok then fail(who, "%s: %s", name, tostring(t)) end
    return t
  end
  local names, cols = adapt(x)
  if names then
    local n = data.vector(who, name, cols[1]):nElement()
    local m = torch.DoubleTensor(n, #cols)
    for j = 1, #cols do m:select(2, j):copy(data.vector(who, name, cols[j])) end
    return m, names
  end
  fail(who, "%s must be a 2-D tensor or a table of rows, got %s", name, type(x))
end

-- Names and 1-D columns of x: a 2-D tensor (its columns), a table of
-- vectors (array: names "1", "2"...; keyed: names sorted), or a frame.
-- names_given overrides the names.
function data.columns(who, name, x, names_given)
  local names, cols = {}, {}
  if data.is_tensor(x) then
    if x:dim() == 1 then
      names[1], cols[1] = "1", data.vector(who, name, x)
    elseif x:dim() == 2 then
      if x:nElement() == 0 then fail(who, "%s is empty", name) end
      for j = 1, x:size(2) do names[j], cols[j] = tostring(j), x:select(2, j) end
    else
      fail(who, "%s must be a 1-D or 2-D tensor, got %s", name, shape(x))
    end
  elseif number_array(x) then
    names[1], cols[1] = "1", data.vector(who, name, x)
  elseif type(x) == "table" and getmetatable(x) == nil and #x > 0 then
    for j = 1, #x do names[j], cols[j] = tostring(j), data.vector(who, name .. "[" .. j .. "]", x[j]) end
  else
    local fn, fc = adapt(x)
    if fn then
      names, cols = fn, {}
      for j = 1, #fc do cols[j] = data.vector(who, name .. "." .. tostring(fn[j]), fc[j]) end
    elseif type(x) == "table" and next(x) ~= nil then
      for k in pairs(x) do names[#names + 1] = tostring(k) end
      table.sort(names)
      local byname = {}
      for k, v in pairs(x) do byname[tostring(k)] = v end
      for j, k in ipairs(names) do cols[j] = data.vector(who, name .. "." .. k, byname[k]) end
    else
      fail(who, "%s must be a tensor, a table of columns or a data frame, got %s", name, type(x))
    end
  end
  if names_given then
    for j = 1, #cols do names[j] = tostring(names_given[j] or names[j]) end
  end
  return names, cols
end

-- Lua array of the numbers of a vector (for the loops of statistics).
function data.numbers(v)
  if data.is_tensor(v) then
    return v:contiguous():view(v:nElement()):double():totable()
  end
  return v
end

-- Lua array of class labels (numbers or strings) of length n.
function data.labels(who, name, by, n)
  local labs
  if data.is_tensor(by) then
    labs = data.numbers(data.vector(who, name, by))
  elseif type(by) == "table" then
    labs = by
  else
    fail(who, "%s must be a tensor or a table of labels, got %s", name, type(by))
  end
  if #labs ~= n then fail(who, "%s has %d labels for %d points", name, #labs, n) end
  return labs
end

-- Label text: integral numbers without ".0".
function data.label_text(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2^53 then
    return string.format("%d", v)
  end
  return tostring(v)
end

-- Distinct labels, sorted (numbers before strings), and a LongTensor of the
-- 1-based class index of each label.
function data.classes(labs)
  local seen, list = {}, {}
  for i = 1, #labs do
    local v = labs[i]
    if v ~= v then v = "nan" end
    if seen[v] == nil then seen[v] = true; list[#list + 1] = v end
  end
  table.sort(list, function(a, b)
    if type(a) == type(b) then return a < b end
    return type(a) == "number"
  end)
  local index = {}
  for k, v in ipairs(list) do index[v] = k end
  local codes = torch.DoubleTensor(#labs)
  local cd = {}
  for i = 1, #labs do
    local v = labs[i]
    if v ~= v then v = "nan" end
    cd[i] = index[v]
  end
  if #labs > 0 then codes:copy(torch.DoubleTensor(cd)) end
  return list, codes
end

-- Smallest and largest finite values of a Lua array (nil when none).
function data.finite_range(xs)
  local lo, hi = math.huge, -math.huge
  for i = 1, #xs do
    local v = xs[i]
    if v == v and v ~= math.huge and v ~= -math.huge then
      if v < lo then lo = v end
      if v > hi then hi = v end
    end
  end
  if lo > hi then return nil end
  return lo, hi
end

-- Histogram of the numbers xs in `bins` equal bins over [lo, hi] (numpy's
-- rule: every bin is half-open except the last, which includes hi; values
-- outside and NaN are left out).  Returns a Lua array of counts and the
-- total counted.
function data.histogram(xs, bins, lo, hi)
  local counts = {}
  for b = 1, bins do counts[b] = 0 end
  local width = (hi - lo) / bins
  local total = 0
  local floor = math.floor
  for i = 1, #xs do
    local v = xs[i]
    if v >= lo and v <= hi then
      local b = width > 0 and floor((v - lo) / width) + 1 or 1
      if b > bins then b = bins end
      counts[b] = counts[b] + 1
      total = total + 1
    end
  end
  return counts, total
end

-- Sturges' rule: ceil(log2 n) + 1 bins.
function data.default_bins(n)
  if n < 1 then return 1 end
  return math.ceil(math.log(n, 2)) + 1
end

-- Mean and standard deviation (n - 1) of the finite numbers of xs.
function data.mean_std(xs)
  local n, s = 0, 0
  for i = 1, #xs do local v = xs[i]; if v == v then n = n + 1; s = s + v end end
  if n == 0 then return 0 / 0, 0 / 0, 0 end
  local m = s / n
  local ss = 0
  for i = 1, #xs do local v = xs[i]; if v == v then ss = ss + (v - m) ^ 2 end end
  return m, n > 1 and math.sqrt(ss / (n - 1)) or 0, n
end

return data
