-- moonlab.stats.descriptive: descriptive statistics (numpy/scipy.stats
-- definitions): mean, var, std, skewness, kurtosis, quantile (numpy's 13
-- methods), median, mode, iqr, zscore, weighted versions, cov, corr
-- (Pearson, Spearman, Kendall tau-b), rankdata.
--
-- Inputs: tensors of any type or lists of numbers; options in a table
-- ({dim = 2, ddof = 1, ...}).  Without `dim` a function reduces all elements
-- and returns a number; with `dim` it returns a DoubleTensor keeping that
-- dimension with size 1 (Torch7's convention).
--
-- Numerical stability: every moment is computed from deviations about the
-- mean, and the mean itself is refined once (m + mean(x - m)); sums are
-- torch's pairwise sums.  So data near 1e9 that differ in the 6th digit give
-- full-precision variances, skewness and correlations.
local S = torch._stats

local M = {}

local function tensor(x, who)
  if type(x) == "table" and not torch.isTensor(x) then
    if #x == 0 then return torch.DoubleTensor() end
    if type(x[1]) == "table" then -- a nested list: a matrix (torch checks the shape)
      local ok, t = pcall(torch.DoubleTensor, x)
      if not ok then error(who .. ": expected a list of numbers or a nested list of rows (" .. tostring(t) .. ")", 3) end
      return t
    end
    for i = 1, #x do
      if type(x[i]) ~= "number" then error(who .. ": expected a list of numbers (item " .. i .. " is " .. type(x[i]) .. ")", 3) end
    end
    return torch.DoubleTensor(x)
  end
  if not torch.isTensor(x) then
    error(who .. ": expected a tensor or a list of numbers (got " .. type(x) .. ")", 3)
  end
  if x:type() ~= "torch.DoubleTensor" then return x:double() end
  return x
end
M._tensor = tensor

local function options(o, who, allowed)
  if o == nil then return {} end
  if type(o) ~= "table" then error(who .. ": options must be a table (got " .. type(o) .. ")", 3) end
  for k in pairs(o) do
    if not allowed[k] then error(who .. ": unknown option '" .. tostring(k) .. "'", 3) end
  end
  return o
end

local function set(...)
  local t = {}
  for _, k in ipairs { ... } do t[k] = true end
  return t
end

local function flat(x) return x:nElement() == 0 and x or x:contiguous():view(x:nElement()) end

-- The 1-based dim from opts (negative from the end), or nil.
local function getdim(x, d, who)
  if d == nil then return nil end
  if math.type(d) ~= "integer" then error(who .. ": dim must be an integer (got " .. tostring(d) .. ")", 3) end
  local nd = x:dim()
  local d1 = d < 0 and nd + 1 + d or d
  if d1 < 1 or d1 > nd then
    error(string.format("%s: dim %d out of range for a %d-dimensional tensor", who, d, nd), 3)
  end
  return d1
end

local function nonempty(x, who)
  if x:nElement() == 0 then error(who .. ": the data is empty", 3) end
end

-- deviations from the (refined) mean: d, m, n
-- (the mean itself is rounded to the data's magnitude; the deviations are
-- corrected by their own mean, which they hold to full relative precision)
local function center(x, dim)
  if dim == nil then
    local m = x:mean()
    local d = x - m
    local r = d:mean()
    return d:add(-r), m + r, x:nElement()
  end
  local m = x:mean(dim)
  local d = x - m
  local r = d:mean(dim)
  return d - r, m:add(r), x:size(dim)
end

local function sum(t, dim)
  if dim then return t:sum(dim) end
  return t:sum()
end

-- weighted mean and the deviations about it (1-D x and w)
local function wcenter(x, w, who)
  if w:nElement() ~= x:nElement() then
    error(string.format("%s: weights have %d elements, the data %d", who, w:nElement(), x:nElement()), 3)
  end
  if w:lt(0):any() then error(who .. ": weights must be non-negative", 3) end
  local sw = w:sum()
  if not (sw > 0) then error(who .. ": the weights sum to 0", 3) end
  local m = torch.cmul(w, x):sum() / sw
  m = m + torch.cmul(w, x - m):sum() / sw
  return x - m, m, sw
end

--- stats.mean(x [, {dim, weights}])
function M.mean(x, o)
  local who = "stats.mean"
  o = options(o, who, set("dim", "weights"))
  x = tensor(x, who)
  if o.weights then
    local _, m = wcenter(flat(x), flat(tensor(o.weights, who)), who)
    return m
  end
  local dim = getdim(x, o.dim, who)
  if x:nElement() == 0 then return 0 / 0 end
  if dim == nil then
    local _, m, r = S.moments(x)
    return m + r
  end
  local _, m = center(x, dim)
  return m
end

--- stats.var(x [, {ddof = 0, dim, weights}])
function M.var(x, o)
  local who = "stats.var"
  o = options(o, who, set("dim", "ddof", "weights"))
  x = tensor(x, who)
  local ddof = o.ddof or 0
  if type(ddof) ~= "number" then error(who .. ": ddof must be a number", 2) end
  if o.weights then
    local d, _, sw = wcenter(flat(x), flat(tensor(o.weights, who)), who)
    local w = flat(tensor(o.weights, who))
    local s1 = torch.cmul(w, d):sum()
    return (torch.cmul(w, torch.cmul(d, d)):sum() - s1 * s1 / sw) / (sw - ddof)
  end
  local dim = getdim(x, o.dim, who)
  if x:nElement() == 0 then return 0 / 0 end
  if dim == nil then -- one C pass per moment, compensated sums
    local n, _, _, s2 = S.moments(x)
    return s2 / (n - ddof)
  end
  local d, _, n = center(x, dim)
  local s1 = sum(d, dim)
  local s2 = sum(torch.cmul(d, d), dim)
  if dim then
    return s2:add(-1 / n, torch.cmul(s1, s1)):div(n - ddof)
  end
  return (s2 - s1 * s1 / n) / (n - ddof)
end

--- stats.std(x [, {ddof = 0, dim, weights}])
function M.std(x, o)
  local v = M.var(x, o)
  if type(v) == "number" then return math.sqrt(v) end
  return v:sqrt()
end

-- central moments 2 and k (k = 3 or 4), n; plus the mean (for scipy's
-- "constant data" test)
local function moments(x, dim, k)
  if dim == nil then
    local n, m, r, s2, s3, s4 = S.moments(x)
    return s2 / n, (k == 3 and s3 or s4) / n, n, m + r
  end
  local d, m, n = center(x, dim)
  local d2 = torch.cmul(d, d)
  local dk = k == 3 and torch.cmul(d2, d) or torch.cmul(d2, d2)
  if dim then return d2:mean(dim), dk:mean(dim), n, m end
  return d2:mean(), dk:mean(), n, m
end

local function elementwise(a, b, c, f) -- f over numbers or same-shaped tensors
  if type(a) == "number" then return f(a, b, c) end
  local r = a:clone()
  local ra, rb, rc = a:view(a:nElement()), b:view(b:nElement()), c
  local rv = r:view(r:nElement())
  for i = 1, r:nElement() do rv[i] = f(ra[i], rb[i], type(c) == "number" and c or rc:view(rc:nElement())[i]) end
  return r
end

local EPS = 2.220446049250313e-16

--- stats.skewness(x [, {bias = true, dim}]): scipy.stats.skew
function M.skewness(x, o)
  local who = "stats.skewness"
  o = options(o, who, set("dim", "bias"))
  x = tensor(x, who)
  local dim = getdim(x, o.dim, who)
  nonempty(x, who)
  local m2, m3, n, m = moments(x, dim, 3)
  local bias = o.bias ~= false
  return elementwise(m2, m3, m, function(a, b, mean)
    -- scipy: data constant to the resolution of its mean -> NaN
    if a <= (1e-15 * mean) ^ 2 or a == 0 then return 0 / 0 end
    local g = b / a ^ 1.5
    if not bias and n > 2 then g = math.sqrt((n - 1) * n) / (n - 2) * g end
    return g
  end)
end
M.skew = M.skewness

--- stats.kurtosis(x [, {bias = true, fisher = true, dim}]): scipy.stats.kurtosis
function M.kurtosis(x, o)
  local who = "stats.kurtosis"
  o = options(o, who, set("dim", "bias", "fisher"))
  x = tensor(x, who)
  local dim = getdim(x, o.dim, who)
  nonempty(x, who)
  local m2, m4, n, m = moments(x, dim, 4)
  local bias, fisher = o.bias ~= false, o.fisher ~= false
  return elementwise(m2, m4, m, function(a, b, mean)
    if a <= (1e-15 * mean) ^ 2 or a == 0 then return 0 / 0 end
    local g = b / (a * a)
    if not bias and n > 3 then
      g = 1 / (n - 2) / (n - 3) * ((n * n - 1) * g - 3 * (n - 1) ^ 2) + 3
    end
    return fisher and g - 3 or g
  end)
end
local _ = EPS

-- ---- quantiles ----

local CONTINUOUS = {
  interpolated_inverted_cdf = { 0, 1 }, hazen = { 0.5, 0.5 }, weibull = { 0, 0 },
  median_unbiased = { 1 / 3, 1 / 3 }, normal_unbiased = { 3 / 8, 3 / 8 },
}
local METHODS = set("linear", "lower", "higher", "midpoint", "nearest", "inverted_cdf", "averaged_inverted_cdf",
  "closest_observation", "interpolated_inverted_cdf", "hazen", "weibull", "median_unbiased", "normal_unbiased")

local function round_half_even(v)
  local f = math.floor(v)
  local r = v - f
  if r > 0.5 then return f + 1 end
  if r < 0.5 then return f end
  return f % 2 == 0 and f or f + 1
end

-- For sample size n and probability q: (i, j, g) with 0-based indices into
-- the sorted data and weight g: the quantile is lerp(s[i], s[j], g).
local function plan(method, n, q)
  local function clip(i) return math.max(0, math.min(n - 1, i)) end
  if method == "lower" then local i = clip(math.floor((n - 1) * q)); return i, i, 0 end
  if method == "higher" then local i = clip(math.ceil((n - 1) * q)); return i, i, 0 end
  if method == "nearest" then local i = clip(round_half_even((n - 1) * q)); return i, i, 0 end
  if method == "inverted_cdf" or method == "closest_observation" then
    local v = method == "inverted_cdf" and n * q - 1 or n * q - 1 - 0.5
    local prev = math.floor(v)
    local g = v - prev
    local cond = g == 0
    if method == "closest_observation" then cond = cond and prev % 2 == 0 end
    local i = clip(cond and prev or prev + 1)
    return i, i, 0
  end
  local v
  if method == "linear" then v = (n - 1) * q
  elseif method == "midpoint" then v = 0.5 * (math.floor((n - 1) * q) + math.ceil((n - 1) * q))
  elseif method == "averaged_inverted_cdf" then v = n * q - 1
  else
    local ab = CONTINUOUS[method]
    v = n * q + (ab[1] + q * (1 - ab[1] - ab[2])) - 1
  end
  if v >= n - 1 then return n - 1, n - 1, 0 end
  if v < 0 then return 0, 0, 0 end
  local prev = math.floor(v)
  local g = v - prev
  if method == "averaged_inverted_cdf" then g = g == 0 and 0.5 or 1 end
  return prev, prev + 1, g
end

local function lerp(a, b, t) -- numpy's _lerp
  if t >= 0.5 then return b - (b - a) * (1 - t) end
  return a + (b - a) * t
end

local function qlist(q, who)
  if type(q) == "number" then
    if not (q >= 0 and q <= 1) then error(who .. ": q must be in [0, 1] (got " .. tostring(q) .. ")", 3) end
    return { q }, true
  end
  if torch.isTensor(q) then q = torch.totable(q:double():contiguous():view(q:nElement())) end
  if type(q) ~= "table" then error(who .. ": q must be a number, a list or a tensor (got " .. type(q) .. ")", 3) end
  for i, v in ipairs(q) do
    if type(v) ~= "number" or not (v >= 0 and v <= 1) then
      error(who .. ": q must be in [0, 1] (got " .. tostring(v) .. ")", 3)
    end
  end
  return q, false
end

local function weighted_quantile(x, w, qs, single, who)
  x, w = flat(x), flat(tensor(w, who))
  if w:nElement() ~= x:nElement() then
    error(string.format("%s: weights have %d elements, the data %d", who, w:nElement(), x:nElement()), 3)
  end
  if w:lt(0):any() then error(who .. ": weights must be non-negative", 3) end
  local sx, idx = torch.sort(x)
  local sw = w:index(1, idx)
  local cw = torch.cumsum(sw, 1)
  local total = cw[cw:nElement()]
  if not (total > 0) then error(who .. ": the weights sum to 0", 3) end
  local out = {}
  for k, q in ipairs(qs) do
    local target, pick = q * total, nil
    for i = 1, cw:nElement() do
      if sw[i] > 0 and cw[i] >= target then pick = i; break end
    end
    out[k] = sx[pick or cw:nElement()]
  end
  if single then return out[1] end
  return torch.DoubleTensor(out)
end

--- stats.quantile(x, q [, {method = "linear", dim, weights}])
function M.quantile(x, q, o)
  local who = "stats.quantile"
  o = options(o, who, set("dim", "method", "weights"))
  x = tensor(x, who)
  local qs, single = qlist(q, who)
  local method = o.method or "linear"
  if not METHODS[method] then error(who .. ": unknown method '" .. tostring(method) .. "'", 2) end
  nonempty(x, who)
  if o.weights then
    if method ~= "inverted_cdf" and o.method ~= nil then
      error(who .. ": weights need method \"inverted_cdf\" (got " .. method .. ")", 2)
    end
    if o.dim then error(who .. ": weights work on all elements (no dim)", 2) end
    return weighted_quantile(x, o.weights, qs, single, who)
  end
  local dim = getdim(x, o.dim, who)
  if dim == nil then
    local s = torch.sort(flat(x))
    local n = s:nElement()
    local hasnan = s[n] ~= s[n]
    local out = {}
    for k, p in ipairs(qs) do
      local i, j, g = plan(method, n, p)
      out[k] = hasnan and 0 / 0 or lerp(s[i + 1], s[j + 1], g)
    end
    if single then return out[1] end
    return torch.DoubleTensor(out)
  end
  local s = torch.sort(x, dim)
  local n = x:size(dim)
  local last = s:narrow(dim, n, 1)
  local nanmask = last:ne(last)
  local parts = {}
  for k, p in ipairs(qs) do
    local i, j, g = plan(method, n, p)
    local a, b = s:narrow(dim, i + 1, 1), s:narrow(dim, j + 1, 1)
    local r
    if g >= 0.5 then r = b - (b - a) * (1 - g) else r = a + (b - a) * g end
    r[nanmask] = 0 / 0
    parts[k] = r
  end
  if #parts == 1 then return parts[1] end
  return torch.cat(parts, dim)
end

--- stats.median(x [, {dim}])
function M.median(x, o)
  o = options(o, "stats.median", set("dim"))
  return M.quantile(x, 0.5, { dim = o.dim })
end

--- stats.iqr(x [, {method, dim}]): q75 - q25
function M.iqr(x, o)
  o = options(o, "stats.iqr", set("dim", "method"))
  local hi = M.quantile(x, 0.75, o)
  local lo = M.quantile(x, 0.25, o)
  return hi - lo
end

--- stats.mode(x) -> value, count: the most frequent value (the smallest of ties)
function M.mode(x)
  local who = "stats.mode"
  x = tensor(x, who)
  nonempty(x, who)
  local u, c = torch.unique(flat(x), true, false, true)
  local best, bc = u[1], c[1]
  for i = 2, u:nElement() do
    if c[i] > bc then best, bc = u[i], c[i] end
  end
  return best, math.tointeger(bc) or bc
end

--- stats.zscore(x [, {ddof = 0, dim}])
function M.zscore(x, o)
  local who = "stats.zscore"
  o = options(o, who, set("dim", "ddof"))
  x = tensor(x, who)
  nonempty(x, who)
  local dim = getdim(x, o.dim, who)
  local d = center(x, dim)
  local sd = M.std(x, { dim = dim, ddof = o.ddof })
  return d / sd
end

--- stats.outliers(x [, {method = "iqr", k = 1.5, threshold = 3, ddof = 0, dim}]) ->
-- ByteTensor of x's shape, 1 where a value is an outlier by the rule:
-- "iqr" (Tukey's fences: below Q1 - k IQR or above Q3 + k IQR, quartiles by
-- numpy's linear method) or "zscore" (|x - mean| / std > threshold). With
-- dim, the statistics are taken along that dimension.
function M.outliers(x, o)
  local who = "stats.outliers"
  o = options(o, who, set("method", "k", "threshold", "ddof", "dim"))
  x = tensor(x, who)
  nonempty(x, who)
  local method = o.method or "iqr"
  local xd = x:double()
  if method == "zscore" then
    local t = o.threshold or 3
    if type(t) ~= "number" or not (t > 0) then error(who .. ": threshold must be a positive number", 2) end
    return M.zscore(xd, { ddof = o.ddof, dim = o.dim }):abs():gt(t)
  elseif method == "iqr" then
    local k = o.k or 1.5
    if type(k) ~= "number" or not (k >= 0) then error(who .. ": k must be a number >= 0", 2) end
    local q1 = M.quantile(xd, 0.25, { dim = o.dim })
    local q3 = M.quantile(xd, 0.75, { dim = o.dim })
    if type(q1) == "number" then
      local lo, hi = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
      return xd:lt(lo):add(xd:gt(hi))
    end
    local lo = (q1 - (q3 - q1) * k):expandAs(xd)
    local hi = (q3 + (q3 - q1) * k):expandAs(xd)
    return xd:lt(lo):add(xd:gt(hi))
  end
  error(who .. ": method must be \"iqr\" or \"zscore\" (got " .. tostring(method) .. ")", 2)
end

--- stats.rankdata(x [, method = "average"]): ranks (1-based) of all elements, x's shape
function M.rankdata(x, method)
  local who = "stats.rankdata"
  x = tensor(x, who)
  if method ~= nil and not set("average", "min", "max", "dense", "ordinal")[method] then
    error(who .. ": unknown method '" .. tostring(method) .. "'", 2)
  end
  if x:nElement() == 0 then return torch.DoubleTensor() end
  local r = S.rank(x, method or "average")
  return r:view(x:size())
end

-- ---- covariance and correlation ----

-- The data as an n x p matrix of observations (rows) and variables (columns)
local function matrix(x, y, who)
  x = tensor(x, who)
  if y ~= nil then
    y = tensor(y, who)
    if x:nElement() ~= y:nElement() then
      error(string.format("%s: x and y differ in length (%d and %d)", who, x:nElement(), y:nElement()), 3)
    end
    return torch.cat({ flat(x):view(x:nElement(), 1), flat(y):view(y:nElement(), 1) }, 2)
  end
  if x:dim() == 1 then return x:view(x:nElement(), 1) end
  if x:dim() ~= 2 then error(who .. ": expected a matrix (observations x variables) or two vectors", 3) end
  return x
end

--- stats.cov(X [, Y] [, {ddof = 1}]): p x p covariance of the columns of X
function M.cov(x, y, o)
  local who = "stats.cov"
  if type(y) == "table" and not torch.isTensor(y) and o == nil and y[1] == nil then o, y = y, nil end
  o = options(o, who, set("ddof"))
  local X = matrix(x, y, who)
  local n = X:size(1)
  if n == 0 then error(who .. ": the data is empty", 2) end
  local d = center(X, 1)
  return torch.mm(d:t(), d):div(n - (o.ddof or 1))
end

local function pearson_matrix(X)
  local d = center(X, 1)
  local c = torch.mm(d:t(), d)
  local s = torch.diag(c):sqrt()
  local r = c:cdiv(torch.ger(s, s))
  r:clamp(-1, 1)
  for i = 1, r:size(1) do if r[i][i] == r[i][i] then r[i][i] = 1 end end
  return r
end

local function rank_columns(X)
  local R = torch.DoubleTensor(X:size())
  for j = 1, X:size(2) do R:select(2, j):copy(S.rank(X:select(2, j), "average")) end
  return R
end

-- Kendall's tau-b from pair counts (scipy's formula)
function M._tau_b(c)
  local tot, xtie, ytie = c.tot, c.xtie, c.ytie
  if xtie == tot or ytie == tot then return 0 / 0 end
  local cmd = tot - xtie - ytie + c.ntie - 2 * c.dis
  local tau = cmd / math.sqrt(tot - xtie) / math.sqrt(tot - ytie)
  return math.min(1, math.max(-1, tau)), cmd
end

--- stats.corr(X [, Y] [, {method = "pearson"|"spearman"|"kendall"}]): p x p correlations of X's columns
function M.corr(x, y, o)
  local who = "stats.corr"
  if type(y) == "table" and not torch.isTensor(y) and o == nil and y[1] == nil then o, y = y, nil end
  o = options(o, who, set("method"))
  local method = o.method or "pearson"
  local X = matrix(x, y, who)
  if X:size(1) < 2 then error(who .. ": needs at least 2 observations", 2) end
  if method == "pearson" then return pearson_matrix(X) end
  if method == "spearman" then return pearson_matrix(rank_columns(X)) end
  if method == "kendall" then
    local p = X:size(2)
    local r = torch.DoubleTensor(p, p)
    for i = 1, p do
      for j = i, p do
        local t = i == j and 1 or M._tau_b(S.kendall(X:select(2, i), X:select(2, j)))
        r[i][j], r[j][i] = t, t
      end
    end
    return r
  end
  error(who .. ": unknown method '" .. tostring(method) .. "' (pearson, spearman or kendall)", 2)
end

return M
