-- Descriptive statistics of moonlab.stats against numpy/scipy (fixture
-- tests/fixtures/stats/tests_scipy.lua, written by tests_scipy.py), plus
-- stability with a large common offset, dims, dtypes, strides and errors.
local H = dofile("tests/lua/harness.lua")
local stats = require "moonlab.stats"
local F = dofile("tests/fixtures/stats/tests_scipy.lua")

local function same(got, want, tol, msg)
  if type(want) == "table" then
    if type(got) == "number" then got = {got} end
    local g = torch.isTensor(got) and got or torch.Tensor(got)
    local w = torch.Tensor(want)
    H.eq(g:nElement(), w:nElement(), msg)
    g, w = g:contiguous():view(-1), w:contiguous():view(-1)
    for i = 1, w:nElement() do H.near(g[i], w[i], tol, msg .. " [" .. i .. "]") end
  else
    H.near(got, want, tol, msg)
  end
end

for i, e in ipairs(F.descriptive) do
  local o = {}
  for k, v in pairs(e.opts or {}) do o[#o + 1] = k .. "=" .. tostring(v) end
  table.sort(o)
  local name = string.format("%d %s{%s}", i, e.name, table.concat(o, ","))
  H.test(name, function()
    local a = e.args
    local got
    if e.name == "quantile" then got = stats.quantile(a[1], a[2], e.opts)
    elseif e.name == "rankdata" then got = stats.rankdata(a[1], a[2])
    elseif e.name == "mode" then local v, c = stats.mode(a[1]); got = {v, c}
    elseif e.name == "cov" or e.name == "corr" then got = stats[e.name](torch.Tensor(a[1]), e.opts)
    else got = stats[e.name](a[1], e.opts) end
    same(got, e.value, 1e-12, name)
  end)
end

H.test("a common offset of 1e9 changes nothing but the mean", function()
  local big = torch.Tensor{0.123456, -1.5, 2.25, 0.75, -0.031, 1.1, -0.9} + 1e9
  local base = big - 1e9 -- exactly the same data (the subtraction is exact)
  H.near(stats.var(big), stats.var(base), 1e-9)
  H.near(stats.std(big, {ddof = 1}), stats.std(base, {ddof = 1}), 1e-9)
  H.near(stats.skewness(big), stats.skewness(base), 1e-8)
  H.near(stats.kurtosis(big), stats.kurtosis(base), 1e-8)
  H.near(stats.mean(big) - 1e9, stats.mean(base), 1e-7)
  local z1, z2 = stats.zscore(big), stats.zscore(base)
  for i = 1, 7 do H.near(z1[i], z2[i], 1e-8) end
  local X = torch.Tensor(7, 2)
  X:select(2, 1):copy(big)
  X:select(2, 2):copy(base:clone():mul(2):add(torch.Tensor{0.1, 0, -0.2, 0.3, 0, 0.1, 0}))
  local Y = X:clone()
  Y:select(2, 1):add(-1e9)
  H.near(stats.corr(X)[1][2], stats.corr(Y)[1][2], 1e-9)
  H.near(stats.cov(X)[1][2], stats.cov(Y)[1][2], 1e-9)
  H.near(stats.var(big, {weights = {1, 2, 1, 3, 1, 1, 2}}), stats.var(base, {weights = {1, 2, 1, 3, 1, 1, 2}}), 1e-9)
end)

H.test("dims, types and strides", function()
  local X = torch.Tensor{{1, 2, 9}, {4, 0, 6}, {7, 8, 3}, {2, 2, 2}, {5, 1, 0}}
  local v = stats.var(X, {dim = 1, ddof = 1})
  H.eq(v:size(1), 1); H.eq(v:size(2), 3)
  for j = 1, 3 do H.near(v[1][j], stats.var(X:select(2, j), {ddof = 1}), 1e-14) end
  local q = stats.quantile(X, {0.25, 0.5}, {dim = 2, method = "hazen"})
  H.eq(q:size(1), 5); H.eq(q:size(2), 2)
  for i = 1, 5 do
    H.near(q[i][2], stats.quantile(X[i], 0.5, {method = "hazen"}), 1e-14)
    H.near(q[i][1], stats.quantile(X[i], 0.25, {method = "hazen"}), 1e-14)
  end
  local Xt = X:t() -- strided
  local s = stats.skewness(Xt, {dim = 2})
  for j = 1, 3 do H.near(s[j][1], stats.skewness(X:select(2, j)), 1e-13) end
  H.near(stats.kurtosis(Xt, {dim = -1})[2][1], stats.kurtosis(X:select(2, 2)), 1e-13)
  H.near(stats.mean(torch.IntTensor{1, 2, 4}), 7 / 3, 1e-15)
  H.near(stats.median(torch.ByteTensor{5, 1, 3, 200}), 4, 1e-15)
  H.near(stats.var(torch.FloatTensor{1, 2, 3, 4}), 1.25, 1e-7)
  H.eq(stats.median{3, 1, 2}, 2)
  local n = stats.quantile({1, 0 / 0, 3}, 0.5)
  H.ok(n ~= n, "NaN propagates")
  H.ok(stats.mean(torch.Tensor()) ~= stats.mean(torch.Tensor()), "empty mean is NaN")
  local r = stats.rankdata(torch.Tensor{{3, 1}, {1, 2}})
  H.eq(r[1][1], 4); H.eq(r[1][2], 1.5); H.eq(r[2][2], 3)
  local c = stats.cov({1, 2, 3, 4}, {2, 4, 5, 9})
  H.near(c[1][2], 11 / 3, 1e-14)
  H.near(stats.iqr({1, 2, 3, 4, 5, 6, 7, 8}), 3.5, 1e-15)
  local nested = stats.corr({{1, 2}, {2, 1}, {3, 5}, {4, 3}})
  H.near(nested[1][2], stats.corr(torch.Tensor{{1, 2}, {2, 1}, {3, 5}, {4, 3}})[1][2], 0, "nested lists are matrices")
  local w = stats.quantile({10, 20, 30}, 0.5, {weights = {1, 0, 1}})
  H.eq(w, 10, "zero-weight values are never picked... 10 holds half the weight")
end)

H.test("errors", function()
  H.check_error("stats.var: unknown option 'ddf'", stats.var, {1, 2}, {ddf = 1})
  H.check_error("stats.quantile: q must be in [0, 1] (got 2)", stats.quantile, {1, 2}, 2)
  H.check_error("stats.quantile: unknown method 'cubic'", stats.quantile, {1, 2}, 0.5, {method = "cubic"})
  H.check_error("stats.quantile: the data is empty", stats.quantile, {}, 0.5)
  H.check_error("stats.mean: dim 3 out of range for a 2-dimensional tensor", stats.mean, torch.Tensor(2, 2), {dim = 3})
  H.check_error("stats.mean: weights have 2 elements, the data 3", stats.mean, {1, 2, 3}, {weights = {1, 2}})
  H.check_error("stats.var: weights must be non-negative", stats.var, {1, 2}, {weights = {1, -1}})
  H.check_error("stats.corr: unknown method 'tau'", stats.corr, torch.Tensor(3, 2):fill(1), {method = "tau"})
  H.check_error("stats.cov: x and y differ in length (2 and 3)", stats.cov, {1, 2}, {1, 2, 3})
  H.check_error("stats.skewness: expected a tensor or a list of numbers (got string)", stats.skewness, "x")
  H.check_error("stats.rankdata: unknown method 'top'", stats.rankdata, {1}, "top")
  H.check_error("stats.quantile: weights need method \"inverted_cdf\"", stats.quantile, {1, 2}, 0.5,
    {weights = {1, 1}, method = "linear"})
end)

H.test("outliers: Tukey's fences and z-scores", function()
  -- numpy: np.percentile(x, [25, 75]) = 3.25, 7.75 -> fences -3.5 and 14.5; only 100 is outside
  local x = torch.Tensor{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 100 }
  local m = stats.outliers(x)
  H.eq(torch.type(m), "torch.ByteTensor"); H.eq(m:sum(), 1); H.eq(m[10], 1)
  H.eq(stats.outliers(x, { k = 0 }):sum(), 6, "k = 0: outside [Q1, Q3] itself: 1, 2, 3 and 8, 9, 100")
  -- z of 100: (100 - 14.5) / std(ddof 0) = 2.99...; the next largest, 9, has z -0.19
  H.eq(stats.outliers(x, { method = "zscore", threshold = 2 }):sum(), 1)
  H.eq(stats.outliers(x, { method = "zscore", threshold = 3 }):sum(), 0)
  -- along a dimension: per column fences
  local X = torch.Tensor{ { 1, 10 }, { 2, 20 }, { 3, 30 }, { 4, 40 }, { 50, 50 } }
  local mc = stats.outliers(X, { dim = 1 })
  H.eq(mc[5][1], 1); H.eq(mc:sum(), 1)
  H.check_error("stats.outliers: method must be \"iqr\" or \"zscore\" (got mad)", stats.outliers, x, { method = "mad" })
  H.check_error("stats.outliers: k must be a number >= 0", stats.outliers, x, { k = -1 })
end)

H.done()
