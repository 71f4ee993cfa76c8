-- moonlab.stats.tests: hypothesis tests with scipy.stats' definitions and
-- defaults (scipy 1.10), each returning a result table
--   {statistic = ..., pvalue = ..., df = ..., method = ..., alternative = ..., ...}
-- that prints like R's htest (tostring(res) or print(res)).
--
-- Tests: ttest_1samp, ttest_ind (Student, Welch), ttest_rel, f_oneway,
-- chisquare, chi2_contingency (Yates for 2x2), ks_1samp, ks_2samp,
-- mannwhitneyu, wilcoxon, shapiro (Royston's AS R94 in double precision, as
-- R), pearsonr, spearmanr, kendalltau, and bootstrap confidence intervals.
-- alternative = "two-sided" (default), "less" or "greater" where scipy has it.
-- Null distributions come from moonlab.stats.distributions and the C loops of
-- torch._stats (exact Kolmogorov-Smirnov, Kendall counts, ranks).
local S = torch._stats
local D = require "moonlab.stats.distributions"
local desc = require "moonlab.stats.descriptive"

local M = {}
local tensor = desc._tensor

-- ---- result objects ----

local Result = {}
Result.__index = Result

local function g(v, digits)
  if type(v) ~= "number" then return tostring(v) end
  if v ~= v then return "NaN" end
  if math.type(v) == "integer" then return tostring(v) end
  local s = string.format("%." .. (digits or 5) .. "g", v)
  return s
end

local ALT_TEXT = { ["two-sided"] = "not equal to", less = "less than", greater = "greater than" }

function Result:__tostring()
  local out = { "", "\t" .. (self.method or "test"), "" }
  if self.data then out[#out + 1] = "data:  " .. self.data end
  local parts = {}
  parts[#parts + 1] = (self.statistic_name or "statistic") .. " = " .. g(self.statistic)
  if self.df ~= nil then
    if type(self.df) == "table" then
      parts[#parts + 1] = "num df = " .. g(self.df[1]) .. ", denom df = " .. g(self.df[2])
    else
      parts[#parts + 1] = "df = " .. g(self.df)
    end
  end
  local p = self.pvalue
  parts[#parts + 1] = "p-value " .. ((p == p and p < 2.2e-16) and "< 2.2e-16" or ("= " .. g(p, 4)))
  out[#out + 1] = table.concat(parts, ", ")
  if self.alternative and self.null_name then
    out[#out + 1] = "alternative hypothesis: true " .. self.null_name .. " is " .. ALT_TEXT[self.alternative] .. " "
      .. g(self.null_value or 0)
  elseif self.alternative then
    out[#out + 1] = "alternative hypothesis: " .. self.alternative
  end
  if self.confidence_interval then
    local ci = self.confidence_interval
    out[#out + 1] = string.format("%s percent confidence interval:", g(100 * (ci.level or 0.95)))
    out[#out + 1] = " " .. g(ci.low, 7) .. " " .. g(ci.high, 7)
  end
  if self.estimate then
    out[#out + 1] = "sample estimates:"
    local names, vals = {}, {}
    for _, e in ipairs(self.estimate) do
      names[#names + 1] = string.format("%12s", e[1])
      vals[#vals + 1] = string.format("%12s", g(e[2], 7))
    end
    out[#out + 1] = table.concat(names, " ")
    out[#out + 1] = table.concat(vals, " ")
  end
  out[#out + 1] = ""
  return table.concat(out, "\n")
end

local function result(t) return setmetatable(t, Result) end
M._Result = Result

-- ---- helpers ----

local function opts(o, who, allowed)
  if o == nil then return {} end
  if type(o) ~= "table" or torch.isTensor(o) then error(who .. ": options must be a table", 3) end
  for k in pairs(o) do
    local ok = false
    for _, a in ipairs(allowed) do if a == k then ok = true end end
    if not ok then error(who .. ": unknown option '" .. tostring(k) .. "'", 3) end
  end
  return o
end

local function alternative(o, who)
  local a = o.alternative or "two-sided"
  if not ALT_TEXT[a] then
    error(who .. ": alternative must be \"two-sided\", \"less\" or \"greater\" (got " .. tostring(a) .. ")", 3)
  end
  return a
end

local function vector(x, who, what)
  local t = tensor(x, who)
  t = t:nElement() == 0 and t or t:contiguous():view(t:nElement())
  if t:ne(t):any() then error(who .. ": " .. (what or "the data") .. " contains NaN", 3) end
  return t
end

local function mean_var(x) -- mean and variance (n - 1) by the stable descriptive functions
  return desc.mean(x), desc.var(x, { ddof = 1 })
end

local tdist = function(df) return D.t { df = df } end
local normal = D.norm { mu = 0, sigma = 1 }

-- p-value of a statistic with a symmetric (t or normal) null
local function p_sym(dist, stat, alt)
  if alt == "less" then return dist:cdf(stat) end
  if alt == "greater" then return dist:sf(stat) end
  return math.min(1, 2 * dist:sf(math.abs(stat)))
end

local function t_ci(est, se, df, alt, level)
  local d = tdist(df)
  if alt == "less" then return { low = -math.huge, high = est + se * d:ppf(level), level = level } end
  if alt == "greater" then return { low = est - se * d:ppf(level), high = math.huge, level = level } end
  local q = d:ppf(0.5 + level / 2)
  return { low = est - se * q, high = est + se * q, level = level }
end

-- ---- t-tests ----

--- stats.ttest_1samp(x [, popmean = 0] [, {alternative, confidence_level}])
function M.ttest_1samp(x, popmean, o)
  local who = "stats.ttest_1samp"
  if type(popmean) == "table" and o == nil then popmean, o = nil, popmean end
  o = opts(o, who, { "alternative", "confidence_level" })
  local alt = alternative(o, who)
  x = vector(x, who)
  local n = x:nElement()
  if n < 2 then error(who .. ": needs at least 2 observations (got " .. n .. ")", 2) end
  popmean = popmean or 0
  local mc, v = mean_var(x - popmean) -- shifted first: stable for large offsets
  local se = math.sqrt(v / n)
  local t = mc / se
  local m = mc + popmean
  local df = n - 1
  return result {
    statistic = t, pvalue = p_sym(tdist(df), t, alt), df = df, statistic_name = "t",
    method = "One Sample t-test", alternative = alt, null_name = "mean", null_value = popmean,
    confidence_interval = t_ci(m, se, df, alt, o.confidence_level or 0.95),
    estimate = { { "mean of x", m } },
  }
end

--- stats.ttest_ind(x, y [, {equal_var = true, alternative, confidence_level}])
function M.ttest_ind(x, y, o)
  local who = "stats.ttest_ind"
  o = opts(o, who, { "equal_var", "alternative", "confidence_level" })
  local alt = alternative(o, who)
  x, y = vector(x, who, "x"), vector(y, who, "y")
  local n1, n2 = x:nElement(), y:nElement()
  if n1 < 2 or n2 < 2 then error(who .. ": each sample needs at least 2 observations", 2) end
  -- both samples shifted by one common value (exactly): the difference of
  -- means keeps its digits when the data share a large offset
  local c = x[1]
  local m1, v1 = mean_var(x - c)
  local m2, v2 = mean_var(y - c)
  local df, se, method
  if o.equal_var == false then
    local a, b = v1 / n1, v2 / n2
    df = (a + b) ^ 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    se = math.sqrt(a + b)
    method = "Welch Two Sample t-test"
  else
    df = n1 + n2 - 2
    local sp = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
    se = math.sqrt(sp * (1 / n1 + 1 / n2))
    method = " Two Sample t-test"
  end
  local t = (m1 - m2) / se
  return result {
    statistic = t, pvalue = p_sym(tdist(df), t, alt), df = df, statistic_name = "t", method = method,
    alternative = alt, null_name = "difference in means", null_value = 0,
    confidence_interval = t_ci(m1 - m2, se, df, alt, o.confidence_level or 0.95),
    estimate = { { "mean of x", m1 + c }, { "mean of y", m2 + c } },
  }
end

--- stats.ttest_rel(x, y [, {alternative, confidence_level}])
function M.ttest_rel(x, y, o)
  local who = "stats.ttest_rel"
  o = opts(o, who, { "alternative", "confidence_level" })
  x, y = vector(x, who, "x"), vector(y, who, "y")
  if x:nElement() ~= y:nElement() then
    error(string.format("%s: x and y differ in length (%d and %d)", who, x:nElement(), y:nElement()), 2)
  end
  local r = M.ttest_1samp(x - y, 0, o)
  r.method = "Paired t-test"
  r.null_name = "mean difference"
  r.estimate = { { "mean difference", r.estimate[1][2] } }
  return r
end

-- ---- ANOVA and chi-square ----

--- stats.f_oneway(g1, g2, ...): one-way ANOVA
function M.f_oneway(...)
  local who = "stats.f_oneway"
  local groups = { ... }
  if #groups < 2 then error(who .. ": needs at least two groups", 2) end
  local all, N = {}, 0
  for i, gr in ipairs(groups) do
    groups[i] = vector(gr, who, "group " .. i)
    if groups[i]:nElement() == 0 then error(who .. ": group " .. i .. " is empty", 2) end
    all[i] = groups[i]
    N = N + groups[i]:nElement()
  end
  local grand = desc.mean(torch.cat(all, 1))
  local ssb, ssw = 0, 0
  for _, gr in ipairs(groups) do
    local d = gr - grand -- offsets removed before squaring: stable near 1e9
    local n = gr:nElement()
    local md = d:mean()
    ssb = ssb + n * md * md
    local e = d - md
    ssw = ssw + torch.cmul(e, e):sum()
  end
  local k = #groups
  local dfb, dfw = k - 1, N - k
  local F = (ssb / dfb) / (ssw / dfw)
  return result {
    statistic = F, pvalue = D.f { df1 = dfb, df2 = dfw }:sf(F), df = { dfb, dfw }, statistic_name = "F",
    method = "One-way analysis of means", ss_between = ssb, ss_within = ssw,
  }
end

--- stats.chisquare(f_obs [, {f_exp, ddof = 0}]): chi-square goodness of fit
function M.chisquare(f_obs, o)
  local who = "stats.chisquare"
  o = opts(o, who, { "f_exp", "ddof" })
  local obs = vector(f_obs, who, "f_obs")
  local k = obs:nElement()
  if k == 0 then error(who .. ": f_obs is empty", 2) end
  local exp
  if o.f_exp then
    exp = vector(o.f_exp, who, "f_exp")
    if exp:nElement() ~= k then error(who .. ": f_exp has " .. exp:nElement() .. " elements, f_obs " .. k, 2) end
    local so, se = obs:sum(), exp:sum()
    if math.abs(so - se) > 1e-8 * math.max(math.abs(so), math.abs(se)) then
      error(string.format("%s: the sums of f_obs (%.10g) and f_exp (%.10g) differ", who, so, se), 2)
    end
  else
    exp = torch.DoubleTensor(k):fill(obs:mean())
  end
  local d = obs - exp
  local stat = torch.cdiv(torch.cmul(d, d), exp):sum()
  local df = k - 1 - (o.ddof or 0)
  return result {
    statistic = stat, pvalue = D.chi2 { df = df }:sf(stat), df = df, statistic_name = "X-squared",
    method = "Chi-squared test for given probabilities",
  }
end

--- stats.chi2_contingency(table [, {correction = true}]): test of independence
function M.chi2_contingency(tbl, o)
  local who = "stats.chi2_contingency"
  o = opts(o, who, { "correction" })
  local obs
  if type(tbl) == "table" and not torch.isTensor(tbl) and type(tbl[1]) == "table" then
    obs = torch.DoubleTensor(tbl)
  else
    obs = tensor(tbl, who)
  end
  if obs:dim() ~= 2 then error(who .. ": expected a 2-D table of counts", 2) end
  if obs:lt(0):any() then error(who .. ": counts must be non-negative", 2) end
  local rows, cols = obs:sum(2), obs:sum(1)
  local total = obs:sum()
  local expected = torch.mm(rows, cols):div(total)
  if expected:eq(0):any() then error(who .. ": an expected frequency is zero (a row or column sums to 0)", 2) end
  local df = (obs:size(1) - 1) * (obs:size(2) - 1)
  if df == 0 then
    return result { statistic = 0, pvalue = 1, df = 0, expected = expected, statistic_name = "X-squared",
      method = "Pearson's Chi-squared test" }
  end
  local o2 = obs:clone()
  local method = "Pearson's Chi-squared test"
  if df == 1 and o.correction ~= false then
    local diff = expected - obs
    for i = 1, o2:size(1) do
      for j = 1, o2:size(2) do
        local dv = diff[i][j]
        local mag = math.min(0.5, math.abs(dv))
        o2[i][j] = o2[i][j] + (dv > 0 and mag or dv < 0 and -mag or 0)
      end
    end
    method = "Pearson's Chi-squared test with Yates' continuity correction"
  end
  local d = o2 - expected
  local stat = torch.cdiv(torch.cmul(d, d), expected):sum()
  return result {
    statistic = stat, pvalue = D.chi2 { df = df }:sf(stat), df = df, expected = expected,
    statistic_name = "X-squared", method = method,
  }
end

-- ---- Kolmogorov-Smirnov ----

local function sorted(x) return (torch.sort(x)) end

--- stats.ks_1samp(x, cdf [, {alternative, method = "auto"|"exact"|"asymp"}]):
-- cdf is a function of a number or a distribution object (stats.norm{...})
function M.ks_1samp(x, cdf, o)
  local who = "stats.ks_1samp"
  o = opts(o, who, { "alternative", "method" })
  local alt = alternative(o, who)
  local method = o.method or "auto"
  if method ~= "auto" and method ~= "exact" and method ~= "asymp" then
    error(who .. ": method must be \"auto\", \"exact\" or \"asymp\" (got " .. tostring(method) .. ")", 2)
  end
  local F
  if type(cdf) == "function" then F = cdf
  elseif type(cdf) == "table" and cdf.cdf then F = function(v) return cdf:cdf(v) end
  else error(who .. ": cdf must be a function or a distribution (got " .. type(cdf) .. ")", 2) end
  x = sorted(vector(x, who))
  local n = x:nElement()
  if n == 0 then error(who .. ": the data is empty", 2) end
  local dplus, dminus = -math.huge, -math.huge
  for i = 1, n do
    local c = F(x[i])
    dplus = math.max(dplus, i / n - c)
    dminus = math.max(dminus, c - (i - 1) / n)
  end
  local d, p
  if alt == "greater" then
    d, p = dplus, S.smirnov(n, dplus)
  elseif alt == "less" then
    d, p = dminus, S.smirnov(n, dminus)
  else
    d = math.max(dplus, dminus)
    if method == "asymp" then p = S.kolmogorov_sf(d * math.sqrt(n)) else p = S.kolmogn_sf(n, d) end
  end
  return result {
    statistic = math.max(0, d), pvalue = math.min(1, math.max(0, p)), statistic_name = "D",
    method = (method == "asymp" and "Asymptotic" or "Exact") .. " one-sample Kolmogorov-Smirnov test",
    alternative = alt,
  }
end

local function round_half_even(v)
  local f = math.floor(v)
  local r = v - f
  if r > 0.5 then return f + 1 end
  if r < 0.5 then return f end
  return f % 2 == 0 and f or f + 1
end

local function gcd(a, b)
  while b ~= 0 do a, b = b, a % b end
  return a
end

--- stats.ks_2samp(x, y [, {alternative, method = "auto"|"exact"|"asymp"}])
function M.ks_2samp(x, y, o)
  local who = "stats.ks_2samp"
  o = opts(o, who, { "alternative", "method" })
  local alt = alternative(o, who)
  local method = o.method or "auto"
  if method ~= "auto" and method ~= "exact" and method ~= "asymp" then
    error(who .. ": method must be \"auto\", \"exact\" or \"asymp\" (got " .. tostring(method) .. ")", 2)
  end
  x, y = sorted(vector(x, who, "x")), sorted(vector(y, who, "y"))
  local n1, n2 = x:nElement(), y:nElement()
  if n1 == 0 or n2 == 0 then error(who .. ": the samples must not be empty", 2) end
  -- the ECDF difference at every data value (right-continuous), by merging
  local maxS, minS = -math.huge, math.huge
  local i, j = 0, 0
  while i < n1 or j < n2 do
    local v
    if j >= n2 or (i < n1 and x[i + 1] <= y[j + 1]) then v = x[i + 1] else v = y[j + 1] end
    while i < n1 and x[i + 1] <= v do i = i + 1 end
    while j < n2 and y[j + 1] <= v do j = j + 1 end
    local diff = i / n1 - j / n2
    maxS = math.max(maxS, diff)
    minS = math.min(minS, diff)
  end
  minS = math.min(1, math.max(0, -minS))
  local d
  if alt == "less" or (alt == "two-sided" and minS > maxS) then d = minS else d = maxS end
  local gg = gcd(n1, n2)
  if method == "auto" then method = math.max(n1, n2) <= 10000 and "exact" or "asymp" end
  local p
  if method == "exact" then
    local lcm = (n1 // gg) * n2
    local h = math.tointeger(round_half_even(d * lcm))
    d = h / lcm
    if h == 0 then p = 1
    else
      local one = alt ~= "two-sided"
      -- scipy's one-sided count orders the samples: "greater" is D+ of (x, y)
      local a, b = n1, n2
      p = S.ks2_exact(a, b, h, one)
    end
    if p ~= p or p < 0 or p > 1 then method = "asymp" end
  end
  if method == "asymp" then
    local m, n = math.max(n1, n2), math.min(n1, n2)
    local en = m * n / (m + n)
    if alt == "two-sided" then
      p = S.kolmogn_sf(math.tointeger(round_half_even(en)), d)
    else
      local z = math.sqrt(en) * d
      p = math.exp(-2 * z * z - 2 * z * (m + 2 * n) / math.sqrt(m * n * (m + n)) / 3)
    end
  end
  return result {
    statistic = d, pvalue = math.min(1, math.max(0, p)), statistic_name = "D", alternative = alt,
    method = (method == "exact" and "Exact" or "Asymptotic") .. " two-sample Kolmogorov-Smirnov test",
  }
end

-- ---- rank tests ----

-- counts of the Mann-Whitney U null distribution for sizes m, n: c[u+1], u = 0..m*n
local function mwu_counts(m, n)
  -- Gaussian binomial [m+n choose m]_q = prod_{i=1}^{m} (1 - q^(n+i)) / (1 - q^i)
  local N = m * n
  local c = {}
  for u = 0, N do c[u + 1] = 0 end
  c[1] = 1
  for i = 1, m do
    local k = n + i
    for u = N, k, -1 do c[u + 1] = c[u + 1] - c[u + 1 - k] end -- times (1 - q^k)
    for u = i, N do c[u + 1] = c[u + 1] + c[u + 1 - i] end    -- divided by (1 - q^i)
  end
  return c
end

--- stats.mannwhitneyu(x, y [, {use_continuity = true, alternative, method = "auto"|"exact"|"asymptotic"}])
function M.mannwhitneyu(x, y, o)
  local who = "stats.mannwhitneyu"
  o = opts(o, who, { "use_continuity", "alternative", "method" })
  local alt = alternative(o, who)
  local method = o.method or "auto"
  if method ~= "auto" and method ~= "exact" and method ~= "asymptotic" then
    error(who .. ": method must be \"auto\", \"exact\" or \"asymptotic\" (got " .. tostring(method) .. ")", 2)
  end
  x, y = vector(x, who, "x"), vector(y, who, "y")
  local n1, n2 = x:nElement(), y:nElement()
  if n1 == 0 or n2 == 0 then error(who .. ": the samples must not be empty", 2) end
  local xy = torch.cat(x, y, 1)
  local ranks, ties = S.rank(xy, "average")
  if method == "auto" then
    method = (n1 > 8 and n2 > 8 or ties > 0) and "asymptotic" or "exact"
  end
  local R1 = ranks:narrow(1, 1, n1):sum()
  local U1 = R1 - n1 * (n1 + 1) / 2
  local U2 = n1 * n2 - U1
  local U, f
  if alt == "greater" then U, f = U1, 1
  elseif alt == "less" then U, f = U2, 1
  else U, f = math.max(U1, U2), 2 end
  local p
  if method == "exact" then
    local c = mwu_counts(n1, n2)
    local total, tail = 0, 0
    local ui = math.floor(U)
    for u = 0, n1 * n2 do
      total = total + c[u + 1]
      if u >= ui then tail = tail + c[u + 1] end
    end
    p = tail / total
  else
    local n = n1 + n2
    local s = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    local num = U - n1 * n2 / 2
    if o.use_continuity ~= false then num = num - 0.5 end
    p = normal:sf(num / s)
  end
  p = math.min(1, math.max(0, p * f))
  return result {
    statistic = U1, pvalue = p, statistic_name = "U", alternative = alt,
    method = "Wilcoxon rank sum test (Mann-Whitney U, " .. method .. ")", null_name = "location shift",
  }
end

-- pmf of the signed-rank statistic for n pairs: P(T+ = t), t = 0..n(n+1)/2
local function wilcoxon_pmf(n)
  local N = n * (n + 1) // 2
  local c = { [1] = 1 }
  for t = 1, N do c[t + 1] = 0 end
  for k = 1, n do
    for t = N, k, -1 do c[t + 1] = c[t + 1] + c[t + 1 - k] end
  end
  local scale = 2.0 ^ -n
  for t = 0, N do c[t + 1] = c[t + 1] * scale end
  return c
end

--- stats.wilcoxon(x [, y] [, {zero_method = "wilcox"|"pratt"|"zsplit", correction = false,
--   alternative, method = "auto"|"exact"|"approx"}]): signed-rank test of x (or x - y)
function M.wilcoxon(x, y, o)
  local who = "stats.wilcoxon"
  if type(y) == "table" and not torch.isTensor(y) and o == nil and y[1] == nil then y, o = nil, y end
  o = opts(o, who, { "zero_method", "correction", "alternative", "method" })
  local alt = alternative(o, who)
  local zm = o.zero_method or "wilcox"
  if zm ~= "wilcox" and zm ~= "pratt" and zm ~= "zsplit" then
    error(who .. ": zero_method must be \"wilcox\", \"pratt\" or \"zsplit\" (got " .. tostring(zm) .. ")", 2)
  end
  local mode = o.method or "auto"
  if mode ~= "auto" and mode ~= "exact" and mode ~= "approx" then
    error(who .. ": method must be \"auto\", \"exact\" or \"approx\" (got " .. tostring(mode) .. ")", 2)
  end
  local d = vector(x, who, "x")
  if y ~= nil then
    local yy = vector(y, who, "y")
    if yy:nElement() ~= d:nElement() then
      error(string.format("%s: x and y differ in length (%d and %d)", who, d:nElement(), yy:nElement()), 2)
    end
    d = d - yy
  end
  if d:nElement() == 0 then return result { statistic = 0 / 0, pvalue = 0 / 0, method = "Wilcoxon signed rank test" } end
  if mode == "auto" then mode = d:nElement() <= 50 and "exact" or "approx" end
  local nzero = d:eq(0):sum()
  if nzero > 0 and mode == "exact" then mode = "approx" end
  if mode == "approx" then
    if (zm == "wilcox" or zm == "pratt") and nzero == d:nElement() then
      error(who .. ": zero_method \"" .. zm .. "\" does not work when all differences are zero", 2)
    end
    if zm == "wilcox" and nzero > 0 then d = d[d:ne(0)] end
  end
  local count = d:nElement()
  local r = S.rank(torch.abs(d), "average")
  local pos, neg, zer = d:gt(0):double(), d:lt(0):double(), d:eq(0):double()
  local rplus, rminus = torch.cmul(pos, r):sum(), torch.cmul(neg, r):sum()
  if zm == "zsplit" then
    local rz = torch.cmul(zer, r):sum()
    rplus, rminus = rplus + rz / 2, rminus + rz / 2
  end
  local T = alt == "two-sided" and math.min(rplus, rminus) or rplus
  local p, z
  if mode == "approx" then
    local mn = count * (count + 1) * 0.25
    local se = count * (count + 1) * (2 * count + 1)
    local rr = r
    if zm == "pratt" then
      rr = r[d:ne(0)]
      mn = mn - nzero * (nzero + 1) * 0.25
      se = se - nzero * (nzero + 1) * (2 * nzero + 1)
    end
    -- ties among the ranks
    if rr:nElement() > 0 then
      local _, cnt = torch.unique(rr, true, false, true)
      for k = 1, cnt:nElement() do
        local t = cnt[k]
        if t > 1 then se = se - 0.5 * (t * (t * t - 1)) end
      end
    end
    se = math.sqrt(se / 24)
    local corr = 0
    if o.correction then
      if alt == "two-sided" then corr = 0.5 * ((T - mn) > 0 and 1 or (T - mn) < 0 and -1 or 0)
      elseif alt == "less" then corr = -0.5 else corr = 0.5 end
    end
    z = (T - mn - corr) / se
    if alt == "two-sided" then p = 2 * normal:sf(math.abs(z))
    elseif alt == "greater" then p = normal:sf(z)
    else p = normal:cdf(z) end
  else
    local pmf = wilcoxon_pmf(count)
    local rp = math.floor(rplus)
    local function range_sum(a, b)
      local s = 0
      for t = a, b do s = s + pmf[t + 1] end
      return s
    end
    local N = #pmf - 1
    if alt == "two-sided" then
      if rp == N // 2 then p = 1
      else p = 2 * math.min(range_sum(rp, N), range_sum(0, rp)) end
    elseif alt == "greater" then p = range_sum(rp, N)
    else p = range_sum(0, rp) end
    p = math.min(1, math.max(0, p))
  end
  return result {
    statistic = T, pvalue = p, zstatistic = z, statistic_name = "V", alternative = alt,
    method = "Wilcoxon signed rank test (" .. mode .. ")", null_name = "location shift",
  }
end

-- ---- Shapiro-Wilk (Royston 1995, AS R94) ----

local function poly(c, x)
  local r = c[1]
  if #c > 1 then
    local p = x * c[#c]
    for j = #c - 1, 2, -1 do p = (p + c[j]) * x end
    r = r + p
  end
  return r
end

--- stats.shapiro(x): Shapiro-Wilk test of normality (3 <= n <= 5000)
function M.shapiro(x)
  local who = "stats.shapiro"
  x = vector(x, who)
  local n = x:nElement()
  if n < 3 then error(who .. ": needs at least 3 observations (got " .. n .. ")", 2) end
  if n > 5000 then error(who .. ": the p-value is not valid above 5000 observations (got " .. n .. ")", 2) end
  local xs = sorted(x)
  xs = xs - desc.median(xs)
  local c1 = { 0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056 }
  local c2 = { 0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633 }
  local c3 = { 0.544, -0.39978, 0.025054, -6.714e-4 }
  local c4 = { 1.3822, -0.77857, 0.062767, -0.0020322 }
  local c5 = { -1.5861, -0.31082, -0.083751, 0.0038915 }
  local c6 = { -0.4803, -0.082676, 0.0030302 }
  local nn2 = n // 2
  local a = {}
  if n == 3 then
    a[1] = math.sqrt(0.5)
  else
    local an25 = n + 0.25
    local summ2 = 0
    for i = 1, nn2 do
      a[i] = normal:ppf((i - 0.375) / an25)
      summ2 = summ2 + a[i] * a[i]
    end
    summ2 = summ2 * 2
    local ssumm2 = math.sqrt(summ2)
    local rsn = 1 / math.sqrt(n)
    local a1 = poly(c1, rsn) - a[1] / ssumm2
    local i1, fac
    if n > 5 then
      i1 = 3
      local a2 = -a[2] / ssumm2 + poly(c2, rsn)
      fac = math.sqrt((summ2 - 2 * a[1] ^ 2 - 2 * a[2] ^ 2) / (1 - 2 * a1 ^ 2 - 2 * a2 ^ 2))
      a[2] = a2
    else
      i1 = 2
      fac = math.sqrt((summ2 - 2 * a[1] ^ 2) / (1 - 2 * a1 ^ 2))
    end
    a[1] = a1
    for i = i1, nn2 do a[i] = -a[i] / fac end
  end
  local range = xs[n] - xs[1]
  if range < 1e-19 then error(who .. ": the data have zero range", 2) end
  -- W as the squared correlation of the data and the coefficients
  local coef = {}
  for i = 1, n do
    local j = n + 1 - i
    if i < j then coef[i] = -a[i] elseif i > j then coef[i] = a[j] else coef[i] = 0 end
  end
  local sa, sx = 0, 0
  for i = 1, n do sa = sa + coef[i]; sx = sx + xs[i] / range end
  sa, sx = sa / n, sx / n
  local ssa, ssx, sax = 0, 0, 0
  for i = 1, n do
    local asa = coef[i] - sa
    local xsx = xs[i] / range - sx
    ssa, ssx, sax = ssa + asa * asa, ssx + xsx * xsx, sax + asa * xsx
  end
  local ssassx = math.sqrt(ssa * ssx)
  local w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx)
  local w = 1 - w1
  local pw
  if n == 3 then
    pw = math.max(0, 6 / math.pi * (math.asin(math.sqrt(w)) - math.asin(math.sqrt(0.75))))
  else
    local y = math.log(w1)
    local xx = math.log(n)
    local m, s
    if n <= 11 then
      local gamma = poly({ -2.273, 0.459 }, n)
      if y >= gamma then
        pw = 1e-99
      else
        y = -math.log(gamma - y)
        m = poly(c3, n)
        s = math.exp(poly(c4, n))
      end
    else
      m = poly(c5, xx)
      s = math.exp(poly(c6, xx))
    end
    if not pw then pw = normal:sf((y - m) / s) end
  end
  return result { statistic = w, pvalue = pw, statistic_name = "W", method = "Shapiro-Wilk normality test" }
end

-- ---- correlation tests ----

local function pair(x, y, who)
  x, y = vector(x, who, "x"), vector(y, who, "y")
  if x:nElement() ~= y:nElement() then
    error(string.format("%s: x and y differ in length (%d and %d)", who, x:nElement(), y:nElement()), 3)
  end
  if x:nElement() < 2 then error(who .. ": needs at least 2 pairs", 3) end
  return x, y, x:nElement()
end

--- stats.pearsonr(x, y [, {alternative}])
function M.pearsonr(x, y, o)
  local who = "stats.pearsonr"
  o = opts(o, who, { "alternative" })
  local alt = alternative(o, who)
  local n
  x, y, n = pair(x, y, who)
  local r = desc.corr(x, y)[1][2]
  local p
  if n == 2 then p = 1
  else
    -- scipy: r ~ Beta(n/2 - 1, n/2 - 1) on [-1, 1] under the null
    local ab = n / 2 - 1
    local B = D.beta { a = ab, b = ab }
    local u = (r + 1) / 2
    if alt == "two-sided" then p = 2 * B:cdf((1 - math.abs(r)) / 2)
    elseif alt == "greater" then p = B:sf(u)
    else p = B:cdf(u) end
  end
  return result {
    statistic = r, pvalue = math.min(1, math.max(0, p)), df = n - 2, statistic_name = "r", alternative = alt,
    method = "Pearson's product-moment correlation", null_name = "correlation",
  }
end

--- stats.spearmanr(x, y [, {alternative}])
function M.spearmanr(x, y, o)
  local who = "stats.spearmanr"
  o = opts(o, who, { "alternative" })
  local alt = alternative(o, who)
  local n
  x, y, n = pair(x, y, who)
  local rs = desc.corr(x, y, { method = "spearman" })[1][2]
  local df = n - 2
  local t = rs * math.sqrt(math.max(0, df / ((rs + 1) * (1 - rs))))
  local p = df > 0 and p_sym(tdist(df), t, alt) or 0 / 0
  return result {
    statistic = rs, pvalue = p, df = df, statistic_name = "rho", alternative = alt,
    method = "Spearman's rank correlation rho", null_name = "rho",
  }
end

-- scipy's _kendall_p_exact: c concordant pairs... here c = min(dis, tot - dis)
local function kendall_p_exact(n, c, alt)
  local tot = n * (n - 1) // 2
  local in_right = c >= tot - c
  c = math.min(c, tot - c)
  local prob, mass
  local function fact(k) local f = 1.0; for i = 2, k do f = f * i end; return f end
  if n == 1 then prob, mass = 1, 1
  elseif n == 2 then prob, mass = 1, 0.5
  elseif c == 0 then prob = n < 171 and 2 / fact(n) or 0; mass = prob / 2
  elseif c == 1 then prob = n < 172 and 2 / fact(n - 1) or 0; mass = n < 171 and (n - 1) / fact(n) or 0
  elseif 4 * c == n * (n - 1) and alt == "two-sided" then prob = 1
  elseif n < 171 then
    -- counts of permutations of n with k inversions, k <= c (Kendall's recursion)
    local new = {}
    for k = 0, c do new[k + 1] = 0 end
    new[1] = 1
    if c >= 1 then new[2] = 1 end
    for j = 3, n do
      for k = 1, c do new[k + 1] = new[k + 1] + new[k] end -- cumsum
      if j <= c then
        for k = c, j, -1 do new[k + 1] = new[k + 1] - new[k + 1 - j] end
      end
    end
    local s = 0
    for k = 0, c do s = s + new[k + 1] end
    local f = fact(n)
    prob = 2 * s / f
    mass = new[c + 1] / f
  else
    local new = {}
    for k = 0, c do new[k + 1] = 0 end
    new[1] = 1
    if c >= 1 then new[2] = 1 end
    for j = 3, n do
      for k = 1, c do new[k + 1] = new[k + 1] + new[k] end
      for k = 0, c do new[k + 1] = new[k + 1] / j end
      if j <= c then
        for k = c, j, -1 do new[k + 1] = new[k + 1] - new[k + 1 - j] end
      end
    end
    local s = 0
    for k = 0, c do s = s + new[k + 1] end
    prob = s
    mass = new[c + 1] / 2
  end
  if alt ~= "two-sided" then
    local right_wanted = alt == "greater"
    if in_right == right_wanted then prob = prob / 2 else prob = 1 - prob / 2 + mass end
  end
  return math.min(1, math.max(0, prob))
end

--- stats.kendalltau(x, y [, {alternative, method = "auto"|"exact"|"asymptotic"}]): tau-b
function M.kendalltau(x, y, o)
  local who = "stats.kendalltau"
  o = opts(o, who, { "alternative", "method" })
  local alt = alternative(o, who)
  local method = o.method or "auto"
  if method ~= "auto" and method ~= "exact" and method ~= "asymptotic" then
    error(who .. ": method must be \"auto\", \"exact\" or \"asymptotic\" (got " .. tostring(method) .. ")", 2)
  end
  local n
  x, y, n = pair(x, y, who)
  local c = S.kendall(x, y)
  local tau, cmd = desc._tau_b(c)
  if tau ~= tau then
    return result { statistic = 0 / 0, pvalue = 0 / 0, statistic_name = "tau", method = "Kendall's rank correlation tau" }
  end
  if method == "exact" and (c.xtie ~= 0 or c.ytie ~= 0) then error(who .. ": ties found, the exact method cannot be used", 2) end
  if method == "auto" then
    method = (c.xtie == 0 and c.ytie == 0 and (n <= 33 or math.min(c.dis, c.tot - c.dis) <= 1)) and "exact"
      or "asymptotic"
  end
  local p
  if method == "exact" then
    p = kendall_p_exact(n, math.tointeger(c.tot - c.dis), alt)
  else
    local m = n * (n - 1)
    local var = (m * (2 * n + 5) - c.x1 - c.y1) / 18 + (2 * c.xtie * c.ytie) / m + c.x0 * c.y0 / (9 * m * (n - 2))
    local z = cmd / math.sqrt(var)
    p = p_sym(normal, z, alt)
  end
  return result {
    statistic = tau, pvalue = p, statistic_name = "tau", alternative = alt,
    method = "Kendall's rank correlation tau (" .. method .. ")", null_name = "tau",
  }
end

-- ---- bootstrap ----

--- stats.bootstrap(data, statistic [, {n_resamples = 9999, confidence_level = 0.95,
--   method = "BCa"|"percentile", gen = seed or torch.Generator}]):
-- data is a sample (tensor/list) or a list of samples (resampled independently);
-- statistic(sample1, ...) returns a number.
function M.bootstrap(data, statistic, o)
  local who = "stats.bootstrap"
  o = opts(o, who, { "n_resamples", "confidence_level", "method", "gen" })
  if type(statistic) ~= "function" then error(who .. ": statistic must be a function", 2) end
  local samples
  if torch.isTensor(data) or (type(data) == "table" and type(data[1]) == "number") then
    samples = { vector(data, who) }
  elseif type(data) == "table" then
    samples = {}
    for i, s in ipairs(data) do samples[i] = vector(s, who, "sample " .. i) end
  else
    error(who .. ": data must be a sample or a list of samples", 2)
  end
  for i, s in ipairs(samples) do
    if s:nElement() < 2 then error(who .. ": sample " .. i .. " needs at least 2 observations", 2) end
  end
  local B = o.n_resamples or 9999
  local level = o.confidence_level or 0.95
  local method = o.method or "BCa"
  if method ~= "BCa" and method ~= "percentile" then
    error(who .. ": method must be \"BCa\" or \"percentile\" (got " .. tostring(method) .. ")", 2)
  end
  local gen = D._generator(o.gen, who)
  local theta = statistic(table.unpack(samples))
  local dist = torch.DoubleTensor(B)
  for b = 1, B do
    local rs = {}
    for i, s in ipairs(samples) do
      local n = s:nElement()
      local idx = torch.LongTensor(n):random(gen, 1, n)
      rs[i] = s:index(1, idx)
    end
    dist[b] = statistic(table.unpack(rs))
  end
  local alpha = (1 - level) / 2
  local a1, a2 = alpha, 1 - alpha
  local a_hat, z0
  if method == "BCa" then
    local less, leq = dist:lt(theta):sum(), dist:le(theta):sum()
    z0 = normal:ppf((less + leq) / (2 * B))
    local num, den = 0, 0
    for j, s in ipairs(samples) do
      local n = s:nElement()
      local jk = torch.DoubleTensor(n)
      for i = 1, n do
        local keep = torch.cat(s:narrow(1, 1, i - 1), s:narrow(1, i + 1, n - i), 1)
        if i == 1 then keep = s:narrow(1, 2, n - 1) elseif i == n then keep = s:narrow(1, 1, n - 1) end
        local args = { table.unpack(samples) }
        args[j] = keep
        jk[i] = statistic(table.unpack(args))
      end
      local U = (jk:mean() - jk):mul(n - 1)
      num = num + torch.pow(U, 3):sum() / n ^ 3
      den = den + torch.pow(U, 2):sum() / n ^ 2
    end
    a_hat = num / (6 * den ^ 1.5)
    local za = normal:ppf(alpha)
    local n1, n2 = z0 + za, z0 - za
    a1 = normal:cdf(z0 + n1 / (1 - a_hat * n1))
    a2 = normal:cdf(z0 + n2 / (1 - a_hat * n2))
  end
  local low = desc.quantile(dist, math.min(1, math.max(0, a1)))
  local high = desc.quantile(dist, math.min(1, math.max(0, a2)))
  return {
    confidence_interval = { low = low, high = high, level = level },
    standard_error = desc.std(dist, { ddof = 1 }),
    bootstrap_distribution = dist, statistic = theta, method = method, z0 = z0, acceleration = a_hat,
  }
end

return M
