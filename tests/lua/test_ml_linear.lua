-- test_ml_linear.lua: moonlab.ml's linear models against scikit-learn and
-- statsmodels results stored in tests/fixtures/ml/linear_fixtures.lua
-- (written by tests/fixtures/ml/gen_linear.py), plus closed forms and the
-- error messages.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local linear = require "moonlab.ml.linear"
local F = dofile("tests/fixtures/ml/linear_fixtures.lua")

local T = torch.DoubleTensor

-- |got - want| <= tol * |want| elementwise (relative), for numbers, lists and tensors.
local function rel(got, want, tol, msg)
  if type(want) == "number" then
    if type(got) ~= "number" then got = got[1] end
    if not (math.abs(got - want) <= tol * math.abs(want) + 1e-300) then
      error(string.format("%s: got %.17g, expected %.17g (relative tol %g)", msg or "", got, want, tol), 2)
    end
    return
  end
  if torch.isTensor(want) then want = want:totable() end
  if torch.isTensor(got) then got = got:contiguous():view(got:nElement()):totable() end
  H.eq(#got, #want, (msg or "") .. " length")
  for i = 1, #want do
    if not (math.abs(got[i] - want[i]) <= tol * math.abs(want[i]) + 1e-300) then
      error(string.format("%s[%d]: got %.17g, expected %.17g (relative tol %g)", msg or "", i, got[i], want[i],
        tol), 2)
    end
  end
end

-- max |got - want| / max |want| over a vector (coefficient vectors where a
-- component may be ~0).
local function relvec(got, want, tol, msg)
  if torch.isTensor(got) then got = got:contiguous():view(got:nElement()):totable() end
  local num, den = 0, 0
  H.eq(#got, #want, (msg or "") .. " length")
  for i = 1, #want do
    num = math.max(num, math.abs(got[i] - want[i]))
    den = math.max(den, math.abs(want[i]))
  end
  if not (num <= tol * den) then
    error(string.format("%s: max abs error %.3g, relative %.3g > %g", msg or "", num, num / den, tol), 2)
  end
end

local function data(name) return T(F[name].X), T(F[name].y) end

H.test("private t/F/incomplete beta helpers against scipy", function()
  local D = linear._dist
  for _, c in ipairs(F.dist.lgamma) do H.near(D.lgamma(c[1]), c[2], 1e-13, "lgamma " .. c[1]) end
  for _, c in ipairs(F.dist.betainc) do rel(D.betainc(c[1], c[2], c[3]), c[4], 1e-12, "betainc") end
  for _, c in ipairs(F.dist.t_cdf) do rel(D.t_cdf(c[1], c[2]), c[3], 1e-12, "t_cdf") end
  -- scipy's t.ppf (stdtrit) is good to ~1e-9 only (df = 1: tan(0.475 pi) = 12.7062047361747, scipy
  -- 12.706204736432; df = 5: 2.570581835636314, scipy 2.5705818366147): checked as a round trip too
  for _, c in ipairs(F.dist.t_ppf) do
    local t = D.t_ppf(c[1], c[2])
    rel(t, c[3], 1e-9, "t_ppf")
    rel(D.t_cdf(t, c[2]), c[1], 1e-12, "t_cdf(t_ppf(q)) df " .. c[2])
  end
  H.near(D.t_ppf(0.975, 1), math.tan(0.475 * math.pi), 1e-14, "closed form for df = 1")
  for _, c in ipairs(F.dist.f_sf) do rel(D.f_sf(c[1], c[2], c[3]), c[4], 1e-11, "f_sf") end
end)

H.test("LinearRegression coefficients equal scikit-learn's (1e-8 relative)", function()
  for _, name in ipairs{ "gen", "diabetes" } do
    local X, y = data(name)
    local R = F["lr_" .. name]
    local m = ml.LinearRegression{}:fit(X, y)
    relvec(m.coef, R.coef, 1e-8, name .. " coef")
    rel(m.intercept, R.intercept, 1e-8, name .. " intercept")
    rel(m:score(X, y), R.score, 1e-10, name .. " score")
    local m0 = ml.LinearRegression{ fit_intercept = false }:fit(X, y)
    relvec(m0.coef, R.coef0, 1e-8, name .. " coef without intercept")
    H.eq(m0.intercept, 0.0)
    -- predict is X w + b
    local p = m:predict(X)
    H.near(p[3], X[3]:dot(m.coef) + m.intercept, 1e-12)
  end
end)

H.test("LinearRegression summary equals statsmodels OLS (6 digits)", function()
  for _, name in ipairs{ "gen", "diabetes" } do
    local X, y = data(name)
    for _, fi in ipairs{ true, false } do
      local R = F["lr_" .. name][fi and "ols" or "ols0"]
      local m = ml.LinearRegression{ fit_intercept = fi }:fit(X, y)
      local s = m:summary_table()
      local tag = name .. (fi and "" or " (no intercept)")
      for _, k in ipairs{ "params", "bse", "tvalues", "pvalues", "ci_low", "ci_high" } do
        rel(s[k], R[k], 1e-6, tag .. " " .. k)
      end
      for _, k in ipairs{ "rsquared", "rsquared_adj", "fvalue", "f_pvalue", "aic", "bic", "sigma", "df_resid" } do
        rel(s[k], R[k], 1e-6, tag .. " " .. k)
      end
    end
  end
  local X, y = data("gen")
  local txt = ml.LinearRegression{}:fit(X, y):summary{ print = false, names = { "a", "b", "c", "d", "e" } }
  H.ok(txt:find("(Intercept)", 1, true) and txt:find("\ne ", 1, true), "names in the table")
  H.ok(txt:find("Residual standard error: ", 1, true) and txt:find("on 34 degrees of freedom", 1, true))
  H.ok(txt:find("F-statistic: ", 1, true) and txt:find("Adjusted R-squared", 1, true))
end)

H.test("LinearRegression: rank deficiency, strided and float inputs, errors", function()
  local X, y = data("gen")
  -- a duplicated column: minimum-norm solution splits the weight
  local X2 = torch.cat(X, X:narrow(2, 1, 1), 2)
  local m = ml.LinearRegression{}:fit(X2, y)
  H.eq(m.rank, 5)
  H.near(m.coef[1], m.coef[6], 1e-9)
  local ref = ml.LinearRegression{}:fit(X, y)
  H.near(m.coef[1] + m.coef[6], ref.coef[1], 1e-9)
  -- a transposed (strided) view and a FloatTensor input
  local Xt = X:t():contiguous():t()
  relvec(ml.LinearRegression{}:fit(Xt, y).coef, ref.coef:totable(), 1e-12, "strided")
  relvec(ml.LinearRegression{}:fit(X:float(), y).coef, ref.coef:totable(), 1e-5, "float")
  H.check_error("ml.LinearRegression.predict: this ml.LinearRegression is not fitted yet",
    function() ml.LinearRegression{}:predict(X) end)
  H.check_error("ml.LinearRegression.fit: y has 3 elements but X has 40 rows",
    function() ml.LinearRegression{}:fit(X, T{ 1, 2, 3 }) end)
  H.check_error("fit_intercept must be true or false", function() ml.LinearRegression{ fit_intercept = 1 } end)
  H.check_error("X has 4 features, but this ml.LinearRegression was fitted with 5",
    function() ref:predict(torch.zeros(2, 4)) end)
  H.check_error("no residual degrees of freedom", function()
    ml.LinearRegression{}:fit(X:narrow(1, 1, 6), y:narrow(1, 1, 6)):summary_table() end)
end)

H.test("Ridge coefficients equal scikit-learn's for every solver (1e-8 relative)", function()
  local X, y = data("diabetes")
  for key, R in pairs(F.ridge) do
    local Xk, yk = X, y
    if R.rows then Xk, yk = T(F.gen.X):narrow(1, 1, R.rows), T(F.gen.y):narrow(1, 1, R.rows) end
    for _, solver in ipairs{ "auto", "cholesky", "lstsq", "svd" } do
      local m = ml.Ridge{ alpha = R.alpha, fit_intercept = R.fit_intercept, solver = solver }:fit(Xk, yk)
      relvec(m.coef, R.coef, 1e-8, key .. " " .. solver)
      if R.fit_intercept then rel(m.intercept, R.intercept, 1e-8, key .. " intercept") end
    end
  end
  -- alpha = 0 is least squares
  local lr = ml.LinearRegression{}:fit(X, y)
  relvec(ml.Ridge{ alpha = 0 }:fit(X, y).coef, lr.coef:totable(), 1e-8, "alpha 0")
  H.check_error("ml.Ridge: alpha must be a number >= 0 (got -1)", function() ml.Ridge{ alpha = -1 } end)
  H.check_error('ml.Ridge: solver must be one of "auto", "cholesky", "lstsq", "svd" (got qr)',
    function() ml.Ridge{ solver = "qr" } end)
  H.eq(tostring(ml.Ridge{ alpha = 0.5 }), "ml.Ridge{alpha = 0.5}")
end)

H.done()
