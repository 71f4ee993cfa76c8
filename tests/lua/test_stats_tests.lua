-- Hypothesis tests of moonlab.stats against scipy.stats 1.10 (fixture:
-- tests/fixtures/stats/tests_scipy.lua, written by tests_scipy.py next to it;
-- Shapiro-Wilk against R's shapiro.test).  Statistics and p-values within 1e-8.
local H = dofile("tests/lua/harness.lua")
local stats = require "moonlab.stats"
local F = dofile("tests/fixtures/stats/tests_scipy.lua")

local function call(e)
  local a = e.args
  if e.name == "ttest_1samp" then return stats.ttest_1samp(a[1], a[2], e.opts) end
  if e.name == "f_oneway" then return stats.f_oneway(table.unpack(a)) end
  if e.name == "chisquare" or e.name == "chi2_contingency" or e.name == "shapiro" then
    return stats[e.name](a[1], e.opts)
  end
  if e.name == "ks_1samp" then return stats.ks_1samp(a[1], stats.norm(a[2]), e.opts) end
  if e.name == "wilcoxon" and #a == 1 then return stats.wilcoxon(a[1], e.opts) end
  return stats[e.name](a[1], a[2], e.opts)
end

local function label(e)
  local o = {}
  for k, v in pairs(e.opts) do o[#o + 1] = k .. "=" .. tostring(v) end
  table.sort(o)
  return e.name .. "{" .. table.concat(o, ",") .. "} n=" .. #e.args[1]
end

for i, e in ipairs(F.tests) do
  H.test(string.format("%d %s", i, label(e)), function()
    local r = call(e)
    H.near(r.statistic, e.statistic, 1e-8, label(e) .. " statistic")
    H.near(r.pvalue, e.pvalue, 1e-8, label(e) .. " p-value")
    if e.df then
      if type(e.df) == "table" then
        H.eq(r.df[1], e.df[1]); H.eq(r.df[2], e.df[2])
      else
        H.near(r.df, e.df, 1e-10, "df")
      end
    end
    if e.expected then
      for a = 1, #e.expected do
        for b = 1, #e.expected[1] do H.near(r.expected[a][b], e.expected[a][b], 1e-12) end
      end
    end
    if e.scipy_pvalue then -- scipy's single-precision Shapiro-Wilk
      H.near(r.statistic, e.scipy_statistic, 1e-6, "scipy W")
      H.near(r.pvalue, e.scipy_pvalue, 1e-4, "scipy p")
    end
    H.ok(tostring(r):find("p-value", 1, true), "the summary prints a p-value")
  end)
end

H.test("summary prints like R's htest", function()
  local r = stats.ttest_ind({1, 2, 3, 4}, {2, 4, 6, 8.5}, {equal_var = false})
  local s = tostring(r)
  H.ok(s:find("Welch Two Sample t-test", 1, true))
  H.ok(s:find("t = %-1%.") and s:find("df = ") and s:find("p%-value = "), s)
  H.ok(s:find("alternative hypothesis: true difference in means is not equal to 0", 1, true), s)
  H.ok(s:find("95 percent confidence interval:", 1, true), s)
  H.ok(s:find("mean of x", 1, true), s)
end)

H.test("t-test confidence interval against R", function()
  -- R: t.test(c(1, 2, 3, 4, 6))$conf.int = 0.8116116 5.5883884 (closed form m -+ t_{0.975,4} s/sqrt(n))
  local r = stats.ttest_1samp({1, 2, 3, 4, 6})
  local se = math.sqrt(stats.var({1, 2, 3, 4, 6}, {ddof = 1}) / 5)
  local q = stats.t{df = 4}:ppf(0.975)
  H.near(r.confidence_interval.low, 3.2 - q * se, 1e-13)
  H.near(r.confidence_interval.high, 3.2 + q * se, 1e-13)
  H.near(r.confidence_interval.low, 0.8116116, 1e-7)
  H.near(r.confidence_interval.high, 5.5883884, 1e-7)
end)

H.test("stable on data near 1e9", function()
  local a, b = torch.Tensor(20), torch.Tensor(20)
  for i = 1, 20 do a[i] = 1e9 + (i % 7) * 0.001; b[i] = 1e9 + (i % 5) * 0.001 + 0.0005 end
  local r = stats.ttest_ind(a, b)
  local r0 = stats.ttest_ind(a - 1e9, b - 1e9)
  H.near(r.statistic, r0.statistic, 1e-6)
  local f = stats.f_oneway(a, b)
  H.near(f.statistic, r0.statistic ^ 2, 1e-6)
end)

H.test("bootstrap", function()
  local x = {2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.1, 3.9, 2.2, 3.0, 4.8}
  local r1 = stats.bootstrap(x, function(s) return s:mean() end, {n_resamples = 2000, gen = 7})
  local r2 = stats.bootstrap(x, function(s) return s:mean() end, {n_resamples = 2000, gen = 7})
  H.eq(r1.confidence_interval.low, r2.confidence_interval.low, "seeded: reproducible")
  H.eq(r1.confidence_interval.high, r2.confidence_interval.high)
  local m = stats.mean(x)
  H.ok(r1.confidence_interval.low < m and m < r1.confidence_interval.high)
  -- percentile: the quantiles of the bootstrap distribution
  local p = stats.bootstrap(x, function(s) return s:mean() end, {n_resamples = 2000, gen = 7, method = "percentile"})
  H.eq(p.confidence_interval.low, stats.quantile(p.bootstrap_distribution, 0.025))
  H.eq(p.confidence_interval.high, stats.quantile(p.bootstrap_distribution, 0.975))
  -- BCa: bias and acceleration from the formulas (jackknife of the mean has zero skew
  -- contribution only for symmetric data; here check against a direct computation)
  local n, xs = #x, torch.Tensor(x)
  local jk = torch.Tensor(n)
  for i = 1, n do jk[i] = (xs:sum() - xs[i]) / (n - 1) end
  local U = (jk:mean() - jk) * (n - 1)
  local a = torch.pow(U, 3):sum() / n ^ 3 / (6 * (torch.pow(U, 2):sum() / n ^ 2) ^ 1.5)
  H.near(r1.acceleration, a, 1e-12)
  local d = r1.bootstrap_distribution
  local th = r1.statistic
  local z0 = stats.norm():ppf((d:lt(th):sum() + d:le(th):sum()) / (2 * d:nElement()))
  H.near(r1.z0, z0, 1e-12)
  -- close to scipy's BCa interval for the same data (Monte Carlo: loose)
  -- scipy.stats.bootstrap((x,), np.mean, n_resamples=99999, random_state=1): (2.8833, 4.1250)
  local big = stats.bootstrap(x, function(s) return s:mean() end, {gen = 1})
  H.near(big.confidence_interval.low, 2.8833, 0.02)
  H.near(big.confidence_interval.high, 4.1250, 0.02)
  -- two samples: difference of means
  local r = stats.bootstrap({ {1, 2, 3, 4, 5}, {3, 4, 5, 6, 8} }, function(s1, s2) return s2:mean() - s1:mean() end,
    {n_resamples = 500, gen = 3})
  H.ok(r.confidence_interval.low < 2.2 and 2.2 < r.confidence_interval.high)
end)

H.test("errors", function()
  H.check_error("stats.ttest_1samp: needs at least 2 observations", stats.ttest_1samp, {1})
  H.check_error("stats.ttest_ind: alternative must be", stats.ttest_ind, {1, 2}, {3, 4}, {alternative = "up"})
  H.check_error("stats.ttest_rel: x and y differ in length (2 and 3)", stats.ttest_rel, {1, 2}, {3, 4, 5})
  H.check_error("stats.chisquare: the sums of f_obs", stats.chisquare, {1, 2}, {f_exp = {1, 1}})
  H.check_error("stats.ks_2samp: the samples must not be empty", stats.ks_2samp, {}, {1})
  H.check_error("stats.mannwhitneyu: method must be", stats.mannwhitneyu, {1}, {2}, {method = "x"})
  H.check_error("stats.wilcoxon: zero_method", stats.wilcoxon, {1, 2}, {zero_method = "x"})
  H.check_error("stats.wilcoxon: zero_method \"wilcox\" does not work when all differences are zero",
    stats.wilcoxon, {1, 2}, {1, 2}, {method = "approx"})
  H.check_error("stats.kendalltau: ties found", stats.kendalltau, {1, 1, 2}, {1, 2, 3}, {method = "exact"})
  H.check_error("stats.shapiro: needs at least 3 observations", stats.shapiro, {1, 2})
  H.check_error("stats.f_oneway: needs at least two groups", stats.f_oneway, {1, 2})
  H.check_error("stats.ttest_ind: unknown option 'equalvar'", stats.ttest_ind, {1, 2}, {1, 3}, {equalvar = true})
  H.check_error("stats.ks_1samp: cdf must be a function or a distribution", stats.ks_1samp, {1, 2}, 3)
  H.check_error("stats.bootstrap: statistic must be a function", stats.bootstrap, {1, 2}, 3)
  H.check_error("contains NaN", stats.ttest_1samp, {1, 0 / 0, 2})
end)

H.done()
