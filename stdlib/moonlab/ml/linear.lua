-- moonlab.ml.linear: linear models with scikit-learn's estimator protocol:
-- LinearRegression (least squares, with an R-style summary), Ridge, Lasso,
-- ElasticNet (coordinate descent, and the lasso_path/enet_path helpers),
-- LogisticRegression (L-BFGS; coordinate descent and proximal gradient for l1), SGDClassifier,
-- SGDRegressor and LinearSVC.
--
-- Orchestration lives here; the hot loops (coordinate descent, SGD epochs,
-- dual coordinate descent) are in kernels/linear.c, bound as torch._linear.
-- Dense inputs only (no sparse matrices); every model computes in double.
local torch = require "torch"
local base = require "moonlab.ml.base"
local K_ = torch._linear

local M = {}

---------------------------------------------------------------------------
-- Private distribution helpers for the summary table (Student t and F
-- through the regularized incomplete beta function).  Kept private: the
-- public distributions belong to moonlab.stats.
---------------------------------------------------------------------------

-- log Gamma(x) for x > 0: Lanczos approximation (g = 7, 9 terms), relative
-- error ~1e-15.
local LANCZOS = { 0.99999999999980993, 676.5203681218851, -1259.1392167224028,
  771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7 }
local function lgamma(x)
  if x < 0.5 then
    return math.log(math.pi / math.abs(math.sin(math.pi * x))) - lgamma(1 - x)
  end
  x = x - 1
  local a = LANCZOS[1]
  local t = x + 7.5
  for i = 2, 9 do a = a + LANCZOS[i] / (x + i - 1) end
  return 0.5 * math.log(2 * math.pi) + (x + 0.5) * math.log(t) - t + math.log(a)
end

-- Continued fraction of I_x(a, b) (modified Lentz); converges for
-- x < (a + 1) / (a + b + 2).
local function betacf(a, b, x)
  local tiny = 1e-300
  local c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
  if math.abs(d) < tiny then d = tiny end
  d = 1 / d
  local h = d
  for m = 1, 10000 do
    local m2 = 2 * m
    local num = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
    d = 1 + num * d; if math.abs(d) < tiny then d = tiny end
    c = 1 + num / c; if math.abs(c) < tiny then c = tiny end
    d = 1 / d
    h = h * d * c
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
    d = 1 + num * d; if math.abs(d) < tiny then d = tiny end
    c = 1 + num / c; if math.abs(c) < tiny then c = tiny end
    d = 1 / d
    local del = d * c
    h = h * del
    if math.abs(del - 1) < 1e-16 then break end
  end
  return h
end

-- Regularized incomplete beta I_x(a, b) for a, b > 0, 0 <= x <= 1.
local function betainc(a, b, x)
  if x <= 0 then return 0.0 end
  if x >= 1 then return 1.0 end
  local lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * math.log(x) + b * math.log(1 - x)
  if x < (a + 1) / (a + b + 2) then
    return math.exp(lbt) * betacf(a, b, x) / a
  end
  return 1 - math.exp(lbt) * betacf(b, a, 1 - x) / b
end

-- P(|T| > |t|) for Student's t with df degrees of freedom.
local function t_sf2(t, df)
  if t ~= t then return t end
  return betainc(df / 2, 0.5, df / (df + t * t))
end

-- P(T <= t).
local function t_cdf(t, df)
  local p = 0.5 * t_sf2(t, df)
  return t >= 0 and 1 - p or p
end

-- Quantile of Student's t: bisection on the upper tail P(T > t) = 1 - q
-- (in the tail, so that q near 1 keeps its precision) down to a relative
-- width of 1e-15; the tail is monotone, so this cannot fail.
local function t_ppf(q, df)
  if q == 0.5 then return 0.0 end
  if q < 0.5 then return -t_ppf(1 - q, df) end
  local tail = 1 - q
  local lo, hi = 0.0, 1.0
  while 0.5 * t_sf2(hi, df) > tail do lo, hi = hi, hi * 2 end
  for _ = 1, 200 do
    local mid = 0.5 * (lo + hi)
    if 0.5 * t_sf2(mid, df) > tail then lo = mid else hi = mid end
    if hi - lo <= 1e-15 * hi then break end
  end
  return 0.5 * (lo + hi)
end

-- P(F > f) for the F distribution with (d1, d2) degrees of freedom.
local function f_sf(f, d1, d2)
  if f ~= f then return f end
  if f <= 0 then return 1.0 end
  return betainc(d2 / 2, d1 / 2, d2 / (d2 + d1 * f))
end

-- Exposed for the tests only (checked against scipy values).
M._dist = { lgamma = lgamma, betainc = betainc, t_cdf = t_cdf, t_ppf = t_ppf, f_sf = f_sf }

---------------------------------------------------------------------------
-- Shared helpers
---------------------------------------------------------------------------

-- Centers X (N x D) and y (N) when fit_intercept: returns Xc (N x D: a
-- transposed view of a contiguous D x N tensor, the layout LAPACK and
-- coordinate descent read), yc, x_mean (D), y_mean (a number).  Without an
-- intercept the means are zero and Xc is a transposed copy of X.
local function center(X, y, fit_intercept)
  local xt, xm = K_.center_t(X, fit_intercept)
  if not fit_intercept then return xt:t(), y, xm, 0.0 end
  local ym = y:mean()
  return xt:t(), y - ym, xm, ym
end

-- X (N x D) @ w (D) + b as a new vector.
local function linear_predict(X, w, b)
  local out = torch.mv(X, w)
  if b ~= 0 then out:add(b) end
  return out
end

local function check_bool(who, name, v)
  if type(v) ~= "boolean" then
    error(string.format("%s: %s must be true or false (got %s)", who, name, tostring(v)), 3)
  end
end

local function check_number(who, name, v, min, strict)
  if type(v) ~= "number" or v ~= v or v < min or (strict and v == min) then
    error(string.format("%s: %s must be a number %s %s (got %s)", who, name, strict and ">" or ">=",
      tostring(min), tostring(v)), 3)
  end
end

local function check_choice(who, name, v, choices)
  for _, c in ipairs(choices) do if v == c then return end end
  local shown = {}
  for i, c in ipairs(choices) do shown[i] = string.format("%q", c) end
  error(string.format("%s: %s must be one of %s (got %s)", who, name, table.concat(shown, ", "),
    tostring(v)), 3)
end

-- The predict of every single-output linear regressor.
local function regressor_predict(self, X)
  local who = "ml." .. self._class._name .. ".predict"
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return linear_predict(X, self.coef, self.intercept)
end

---------------------------------------------------------------------------
-- LinearRegression
---------------------------------------------------------------------------

local LinearRegression = base.estimator("LinearRegression", { fit_intercept = true }, base.Regressor)
M.LinearRegression = LinearRegression

function LinearRegression._validate(self, who)
  check_bool(who, "fit_intercept", self.fit_intercept)
end

--- m:fit(X, y) -> m.  Least squares through LAPACK's gelsd (SVD, any rank),
-- on centered data when fit_intercept, as scikit-learn does.
function LinearRegression:fit(X, y)
  local who = "ml.LinearRegression.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  y = base.vector(who, y, n)
  local Xc, yc, xm, ym = center(X, y, self.fit_intercept)
  local w, _, rank, s = torch.lstsq(yc, Xc)
  self.coef = w:contiguous()
  self.intercept = self.fit_intercept and ym - xm:dot(self.coef) or 0.0
  self.rank = rank
  self.singular = s
  -- kept for summary(): the design and the response
  self._X, self._y = X, y
  return base.mark_fitted(self, d)
end

LinearRegression.predict = regressor_predict

--- m:summary_table() -> a table with the statistics summary() prints, named
-- as statsmodels' OLS results: params, bse, tvalues, pvalues, ci_low,
-- ci_high (95%), rsquared, rsquared_adj, fvalue, f_pvalue, aic, bic, sigma
-- (residual standard error), df_resid, df_model, nobs, names.  The intercept,
-- when fitted, comes first.
function LinearRegression:summary_table(alpha)
  local who = "ml.LinearRegression.summary"
  base.fitted(self, who)
  alpha = alpha or 0.05
  local X, y = self._X, self._y
  local n, d = X:size(1), X:size(2)
  local kc = self.fit_intercept and 1 or 0
  local p = d + kc
  local design = X
  if kc == 1 then design = torch.cat(torch.ones(n, 1), X, 2) end
  local params = torch.DoubleTensor(p)
  if kc == 1 then params[1] = self.intercept end
  params:narrow(1, kc + 1, d):copy(self.coef)
  local resid = y - torch.mv(design, params)
  local ssr = resid:dot(resid)
  local df_resid = n - self.rank - kc
  local df_model = self.rank
  if df_resid <= 0 then
    error(string.format("%s: no residual degrees of freedom (%d rows, %d parameters)", who, n, p), 2)
  end
  local scale = ssr / df_resid
  -- covariance of the estimates: scale * pinv(A) pinv(A)^T, as statsmodels
  local pinv = torch.pinv(design)
  local cov = torch.mm(pinv, pinv:t()):mul(scale)
  local tq = t_ppf(1 - alpha / 2, df_resid)
  local r = { params = {}, bse = {}, tvalues = {}, pvalues = {}, ci_low = {}, ci_high = {}, names = {} }
  for j = 1, p do
    local b, se = params[j], math.sqrt(cov[j][j])
    r.params[j], r.bse[j] = b, se
    r.tvalues[j] = b / se
    r.pvalues[j] = t_sf2(b / se, df_resid)
    r.ci_low[j], r.ci_high[j] = b - tq * se, b + tq * se
    r.names[j] = (kc == 1 and j == 1) and "(Intercept)" or ("x" .. (j - kc))
  end
  local tss
  if kc == 1 then
    local yc = y - y:mean(); tss = yc:dot(yc)
  else
    tss = y:dot(y)
  end
  r.rsquared = 1 - ssr / tss
  r.rsquared_adj = 1 - (n - kc) / df_resid * (1 - r.rsquared)
  r.fvalue = ((tss - ssr) / df_model) / scale
  r.f_pvalue = f_sf(r.fvalue, df_model, df_resid)
  local llf = -n / 2 * (math.log(2 * math.pi * ssr / n) + 1)
  r.llf = llf
  r.aic = -2 * llf + 2 * (df_model + kc)
  r.bic = -2 * llf + math.log(n) * (df_model + kc)
  r.sigma = math.sqrt(scale)
  r.df_resid, r.df_model, r.nobs = df_resid, df_model, n
  r.alpha = alpha
  return r
end

local function fmt_p(pv)
  if pv < 2e-16 then return "<2e-16" end
  if pv < 1e-4 then return string.format("%.2e", pv) end
  return string.format("%.4f", pv)
end

--- m:summary([opts]) -> the summary as a string, also printed unless
-- opts.print is false; opts.names names the features; opts.alpha sets the
-- confidence level (default 0.05: 95% intervals).
function LinearRegression:summary(opts)
  opts = opts or {}
  local r = self:summary_table(opts.alpha)
  if opts.names then
    local kc = self.fit_intercept and 1 or 0
    for j, nm in ipairs(opts.names) do r.names[j + kc] = tostring(nm) end
  end
  local w = 12
  for _, nm in ipairs(r.names) do w = math.max(w, #nm + 1) end
  local lines = {}
  local lvl = string.format("%g", 100 * (1 - r.alpha))
  lines[1] = "Coefficients:"
  lines[2] = string.format("%-" .. w .. "s %12s %12s %9s %9s %12s %12s", "", "Estimate", "Std. Error",
    "t value", "Pr(>|t|)", "[" .. lvl .. "% low", "high]")
  for j = 1, #r.params do
    local pv = r.pvalues[j]
    local stars = pv < 0.001 and "***" or pv < 0.01 and "**" or pv < 0.05 and "*" or pv < 0.1 and "." or ""
    lines[#lines + 1] = string.format("%-" .. w .. "s %12.6g %12.6g %9.4g %9s %12.6g %12.6g %s", r.names[j],
      r.params[j], r.bse[j], r.tvalues[j], fmt_p(pv), r.ci_low[j], r.ci_high[j], stars)
  end
  lines[#lines + 1] = "---"
  lines[#lines + 1] = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
  lines[#lines + 1] = ""
  lines[#lines + 1] = string.format("Residual standard error: %.6g on %d degrees of freedom", r.sigma, r.df_resid)
  lines[#lines + 1] = string.format("Multiple R-squared:  %.6g,\tAdjusted R-squared:  %.6g", r.rsquared,
    r.rsquared_adj)
  lines[#lines + 1] = string.format("F-statistic: %.6g on %d and %d DF,  p-value: %s", r.fvalue, r.df_model,
    r.df_resid, fmt_p(r.f_pvalue))
  lines[#lines + 1] = string.format("AIC: %.6g,  BIC: %.6g,  log-likelihood: %.6g,  observations: %d",
    r.aic, r.bic, r.llf, r.nobs)
  local s = table.concat(lines, "\n")
  if opts.print ~= false then io.write(s, "\n") end
  return s
end

---------------------------------------------------------------------------
-- Ridge
---------------------------------------------------------------------------

local Ridge = base.estimator("Ridge", { alpha = 1.0, fit_intercept = true, solver = "auto" }, base.Regressor)
M.Ridge = Ridge

function Ridge._validate(self, who)
  check_number(who, "alpha", self.alpha, 0)
  check_bool(who, "fit_intercept", self.fit_intercept)
  check_choice(who, "solver", self.solver, { "auto", "cholesky", "lstsq", "svd" })
end

-- Solves min ||y - X w||^2 + alpha ||w||^2 for centered X (N x D).
local function ridge_solve(X, y, alpha, solver)
  local n, d = X:size(1), X:size(2)
  if solver == "auto" or solver == "cholesky" then
    if alpha == 0 then return (torch.lstsq(y, X)) end
    if d <= n then
      -- (X'X + alpha I) w = X'y through its Cholesky factor
      local xt = X:t()
      local A = torch.mm(xt, X)
      for j = 1, d do A[j][j] = A[j][j] + alpha end
      local L = torch.potrf(A, "L")
      return torch.potrs(torch.mv(X:t(), y):view(d, 1), L, "L"):contiguous():view(d)
    end
    -- more features than rows: the dual form w = X' (XX' + alpha I)^-1 y
    local A = torch.mm(X, X:t())
    for i = 1, n do A[i][i] = A[i][i] + alpha end
    local L = torch.potrf(A, "L")
    local c = torch.potrs(y:contiguous():view(n, 1), L, "L"):contiguous():view(n)
    return torch.mv(X:t(), c)
  elseif solver == "lstsq" then
    -- least squares on the augmented system [X; sqrt(alpha) I] w = [y; 0]
    local Xa = torch.cat(X, torch.eye(d):mul(math.sqrt(alpha)), 1)
    local ya = torch.cat(y, torch.zeros(d), 1)
    return (torch.lstsq(ya, Xa))
  else -- svd
    local U, s, V = torch.svd(X)
    local f = torch.cdiv(s, torch.pow(s, 2):add(alpha))
    for i = 1, s:size(1) do if s[i] <= 1e-15 * s[1] then f[i] = 0 end end
    local uty = torch.mv(U:t(), y):cmul(f)
    return torch.mv(V, uty)
  end
end

--- m:fit(X, y) -> m.  Minimizes ||y - Xw - b||^2 + alpha ||w||^2 (the
-- intercept b is not penalized).
function Ridge:fit(X, y)
  local who = "ml.Ridge.fit"
  X = base.matrix(who, X)
  local d = X:size(2)
  y = base.vector(who, y, X:size(1))
  local Xc, yc, xm, ym = center(X, y, self.fit_intercept)
  self.coef = ridge_solve(Xc, yc, self.alpha, self.solver):contiguous()
  self.intercept = self.fit_intercept and ym - xm:dot(self.coef) or 0.0
  return base.mark_fitted(self, d)
end

Ridge.predict = regressor_predict

---------------------------------------------------------------------------
-- Lasso and ElasticNet (coordinate descent, kernels/linear.c)
---------------------------------------------------------------------------

local ENET_DEFAULTS = { alpha = 1.0, l1_ratio = 0.5, fit_intercept = true, max_iter = 1000, tol = 1e-4,
  warm_start = false, positive = false, selection = "cyclic", seed = base.NONE }

local function enet_validate(self, who)
  check_number(who, "alpha", self.alpha, 0)
  local r = self._params.l1_ratio
  if r ~= nil and (type(r) ~= "number" or not (r >= 0 and r <= 1)) then
    error(string.format("%s: l1_ratio must be a number in [0, 1] (got %s)", who, tostring(r)), 3)
  end
  check_bool(who, "fit_intercept", self.fit_intercept)
  check_number(who, "max_iter", self.max_iter, 1)
  check_number(who, "tol", self.tol, 0)
  check_bool(who, "warm_start", self.warm_start)
  check_bool(who, "positive", self.positive)
  check_choice(who, "selection", self.selection, { "cyclic", "random" })
end

-- An integer seed for the kernels' generator, from a seed parameter (or the clock).
local function kernel_seed(seed)
  return torch.random(base.generator(seed))
end

local function warn(msg)
  io.stderr:write("warning: ", msg, "\n")
end

-- One coordinate-descent solve on (already centered) X: returns w, n_iter,
-- the duality gap (divided by N, as scikit-learn reports it), converged.
local function enet_solve(xt, y, w, alpha, l1_ratio, opts)
  local n = xt:size(2)
  local n_iter, gap, _, conv = K_.enet_cd(xt, y, w, { l1 = alpha * l1_ratio * n,
    l2 = alpha * (1 - l1_ratio) * n, max_iter = opts.max_iter, tol = opts.tol, positive = opts.positive,
    random = opts.selection == "random", seed = opts.seed })
  return w, n_iter, gap / n, conv
end

local function enet_fit(self, who, X, y, l1_ratio)
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  y = base.vector(who, y, n)
  local Xc, yc, xm, ym = center(X, y, self.fit_intercept)
  local w
  if self.warm_start and rawget(self, "coef") and self.coef:nElement() == d then
    w = self.coef:clone()
  else
    w = torch.zeros(d)
  end
  local seed = self.selection == "random" and kernel_seed(self.seed) or 0
  local _, n_iter, gap, conv = enet_solve(Xc:t(), yc:contiguous(), w, self.alpha, l1_ratio,
    { max_iter = self.max_iter, tol = self.tol, positive = self.positive, selection = self.selection,
      seed = seed })
  if not conv then
    warn(string.format("%s: coordinate descent did not converge (duality gap %.3g after %d iterations); "
      .. "increase max_iter or tol", who, gap, n_iter))
  end
  self.coef = w
  self.intercept = self.fit_intercept and ym - xm:dot(w) or 0.0
  self.n_iter, self.dual_gap, self.converged = n_iter, gap, conv
  return base.mark_fitted(self, d)
end

local ElasticNet = base.estimator("ElasticNet", ENET_DEFAULTS, base.Regressor)
M.ElasticNet = ElasticNet
ElasticNet._validate = enet_validate

--- m:fit(X, y) -> m.  Minimizes 1/(2N) ||y - Xw - b||^2 + alpha l1_ratio
-- ||w||_1 + alpha (1 - l1_ratio) / 2 ||w||^2 by coordinate descent.
function ElasticNet:fit(X, y)
  return enet_fit(self, "ml.ElasticNet.fit", X, y, self.l1_ratio)
end
ElasticNet.predict = regressor_predict

local LASSO_DEFAULTS = {}
for k, v in pairs(ENET_DEFAULTS) do if k ~= "l1_ratio" then LASSO_DEFAULTS[k] = v end end
local Lasso = base.estimator("Lasso", LASSO_DEFAULTS, base.Regressor)
M.Lasso = Lasso
Lasso._validate = enet_validate

--- m:fit(X, y) -> m.  Minimizes 1/(2N) ||y - Xw - b||^2 + alpha ||w||_1.
function Lasso:fit(X, y)
  return enet_fit(self, "ml.Lasso.fit", X, y, 1.0)
end
Lasso.predict = regressor_predict

--- ml.enet_path(X, y [, opts]) -> alphas, coefs, dual_gaps, n_iters.  The
-- elastic-net solutions along a decreasing grid of alphas, each warm-started
-- from the previous one, as scikit-learn's enet_path: no intercept (center
-- the data first if you need one).  opts: l1_ratio (0.5), eps (1e-3: the
-- grid's alpha_min / alpha_max), n_alphas (100), alphas (a list or tensor
-- used instead of the grid), max_iter (1000), tol (1e-4), positive (false).
-- coefs is D x n_alphas.
function M.enet_path(X, y, opts, who)
  who = who or "ml.enet_path"
  opts = opts or {}
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  y = base.vector(who, y, n)
  local l1_ratio = opts.l1_ratio or 0.5
  if type(l1_ratio) ~= "number" or l1_ratio < 0 or l1_ratio > 1 then
    error(string.format("%s: l1_ratio must be in [0, 1] (got %s)", who, tostring(l1_ratio)), 2)
  end
  local xt = K_.center_t(X, false)
  local alphas
  if opts.alphas then
    alphas = torch.isTensor(opts.alphas) and opts.alphas:double():clone() or torch.DoubleTensor(opts.alphas)
    alphas = torch.sort(alphas, 1, true)
  else
    if l1_ratio == 0 then
      error(string.format("%s: the alpha grid needs l1_ratio > 0 (pass opts.alphas)", who), 2)
    end
    local eps, n_alphas = opts.eps or 1e-3, opts.n_alphas or 100
    local xy = torch.mv(xt, y)
    local alpha_max = xy:abs():max() / (n * l1_ratio)
    if alpha_max <= 1e-15 then
      alphas = torch.DoubleTensor(n_alphas):fill(1e-15)
    else
      local hi, lo = math.log(alpha_max, 10), math.log(alpha_max * eps, 10)
      alphas = torch.DoubleTensor(n_alphas)
      for i = 1, n_alphas do
        -- numpy's logspace: 10^(lo + k step), k = n_alphas - i, reversed
        local k = n_alphas - i
        local e = n_alphas == 1 and lo or lo + k * ((hi - lo) / (n_alphas - 1))
        if n_alphas > 1 and k == n_alphas - 1 then e = hi end
        alphas[i] = 10 ^ e
      end
    end
  end
  local na = alphas:size(1)
  local coefs, gaps, iters = torch.zeros(d, na), torch.zeros(na), {}
  local w = opts.coef_init and base.vector(who, opts.coef_init, d, "coef_init"):clone() or torch.zeros(d)
  local cd = { max_iter = opts.max_iter or 1000, tol = opts.tol or 1e-4, positive = opts.positive or false,
    selection = "cyclic", seed = 0 }
  for i = 1, na do
    local _, n_iter, gap = enet_solve(xt, y, w, alphas[i], l1_ratio, cd)
    coefs:select(2, i):copy(w)
    gaps[i], iters[i] = gap, n_iter
  end
  return alphas, coefs, gaps, iters
end

--- ml.lasso_path(X, y [, opts]) -> alphas, coefs, dual_gaps, n_iters:
-- ml.enet_path with l1_ratio = 1.
function M.lasso_path(X, y, opts)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  o.l1_ratio = 1.0
  return M.enet_path(X, y, o, "ml.lasso_path")
end

---------------------------------------------------------------------------
-- Optimizers: L-BFGS with a strong-Wolfe line search, and accelerated
-- proximal gradient (FISTA with restarts) for l1 penalties.
---------------------------------------------------------------------------

-- Minimizer of the cubic through (a, fa, da) and (b, fb, db), or nil.
local function cubic_min(a, fa, da, b, fb, db)
  local d1 = da + db - 3 * (fa - fb) / (a - b)
  local disc = d1 * d1 - da * db
  if disc < 0 then return nil end
  local d2 = math.sqrt(disc) * (b > a and 1 or -1)
  local den = db - da + 2 * d2
  if den == 0 then return nil end
  return b - (b - a) * (db + d2 - d1) / den
end

-- Strong-Wolfe line search along d from x (Nocedal & Wright, algorithms 3.5
-- and 3.6, cubic interpolation).  Leaves the accepted point in xn, gn and
-- returns its step and value, or nil when maxls evaluations did not find one.
local function wolfe_search(fg, x, f0, g0, d, stp, xn, gn, maxls)
  local c1, c2 = 1e-4, 0.9
  local dg0 = g0:dot(d)
  local evals = 0
  local function eval(a)
    evals = evals + 1
    xn:copy(x):add(a, d)
    local f = fg(xn, gn)
    return f, gn:dot(d)
  end
  local function zoom(lo, flo, dlo, hi, fhi, dhi)
    while evals < maxls do
      local left, right = math.min(lo, hi), math.max(lo, hi)
      local a = cubic_min(lo, flo, dlo, hi, fhi, dhi)
      local margin = 0.1 * (right - left)
      if not a or a ~= a or a < left + margin or a > right - margin then a = 0.5 * (lo + hi) end
      local fa, da = eval(a)
      if fa > f0 + c1 * a * dg0 or fa >= flo then
        hi, fhi, dhi = a, fa, da
      else
        if math.abs(da) <= -c2 * dg0 then return a, fa end
        if da * (hi - lo) >= 0 then hi, fhi, dhi = lo, flo, dlo end
        lo, flo, dlo = a, fa, da
      end
      if math.abs(hi - lo) <= 1e-16 * math.max(1, math.abs(lo)) then break end
    end
    return nil
  end
  local a_prev, f_prev, d_prev = 0.0, f0, dg0
  local a = stp
  while evals < maxls do
    local fa, da = eval(a)
    if fa ~= fa or fa > f0 + c1 * a * dg0 or (evals > 1 and fa >= f_prev) then
      if fa ~= fa then fa, da = math.huge, math.huge end
      return zoom(a_prev, f_prev, d_prev, a, fa, da)
    end
    if math.abs(da) <= -c2 * dg0 then return a, fa end
    if da >= 0 then return zoom(a, fa, da, a_prev, f_prev, d_prev) end
    a_prev, f_prev, d_prev = a, fa, da
    a = a * 4
  end
  return nil
end

--- L-BFGS (two-loop recursion, m corrections, strong-Wolfe line search).
-- fg(x, g) -> f fills the gradient g.  Stops as scipy's L-BFGS-B does
-- without bounds: max |g| <= gtol, or a relative decrease of f below ftol,
-- or max_iter iterations.  Returns x (updated in place), f, iterations,
-- status ("gtol", "ftol", "max_iter", "line_search").
local function lbfgs(fg, x, opts)
  local m, max_iter, gtol = opts.m or 10, opts.max_iter or 100, opts.gtol or 1e-5
  local ftol = opts.ftol or 2.220446049250313e-09
  local n = x:size(1)
  local g, xn, gn, d = torch.zeros(n), torch.zeros(n), torch.zeros(n), torch.zeros(n)
  local f = fg(x, g)
  local S, Y, rho = {}, {}, {}
  if torch.abs(g):max() <= gtol then return x, f, 0, "gtol" end
  local it, status = 0, "max_iter"
  while it < max_iter do
    -- d = -H g by the two-loop recursion, H0 = (s'y / y'y) I
    d:copy(g):neg()
    local k = #S
    local alpha = {}
    for i = k, 1, -1 do
      alpha[i] = rho[i] * S[i]:dot(d)
      d:add(-alpha[i], Y[i])
    end
    if k > 0 then d:mul(1 / (rho[k] * Y[k]:dot(Y[k]))) end
    for i = 1, k do
      local beta = rho[i] * Y[i]:dot(d)
      d:add(alpha[i] - beta, S[i])
    end
    if g:dot(d) >= 0 then -- lost descent (numerical trouble): restart from steepest descent
      S, Y, rho = {}, {}, {}
      d:copy(g):neg()
      k = 0
    end
    local stp = k == 0 and math.min(1 / d:norm(), 1e10) or 1.0
    local a, fnew = wolfe_search(fg, x, f, g, d, stp, xn, gn, opts.maxls or 20)
    if not a then status = "line_search"; break end
    it = it + 1
    -- s = xn - x, y = gn - g; keep the pair when the curvature is positive
    local sv, yv = xn - x, gn - g
    local sy = sv:dot(yv)
    if sy > 2.220446049250313e-16 * yv:dot(yv) then
      if #S == m then table.remove(S, 1); table.remove(Y, 1); table.remove(rho, 1) end
      S[#S + 1], Y[#Y + 1], rho[#rho + 1] = sv, yv, 1 / sy
    end
    local fold = f
    x:copy(xn); g:copy(gn); f = fnew
    if torch.abs(g):max() <= gtol then status = "gtol"; break end
    if (fold - f) / math.max(math.abs(fold), math.abs(f), 1) <= ftol then status = "ftol"; break end
  end
  return x, f, it, status
end
M._lbfgs = lbfgs

--- Accelerated proximal gradient for f(x) + sum_i lam_i |x_i| (FISTA with
-- backtracking on the step and gradient-based restarts).  fg(x, g) -> f;
-- lam: a tensor of per-coordinate l1 weights (0 for unpenalized entries).
-- Stops when max |x_new - x| <= tol * max(1, max |x|) or after max_iter
-- steps.  Returns x, F(x), iterations, status.
local function fista(fg, x, lam, opts)
  local tol, max_iter = opts.tol or 1e-4, opts.max_iter or 1000
  local n = x:size(1)
  local gy, gx = torch.zeros(n), torch.zeros(n)
  local yk, xn = x:clone(), torch.zeros(n)
  local L, t = opts.L0 or 1.0, 1.0
  local it, status = 0, "max_iter"
  local function prox(v, step)
    -- soft thresholding by step * lam
    local thr = lam * step
    local mag = v:clone():abs():add(-1, thr):clamp(0, math.huge)
    return mag:cmul(torch.sign(v))
  end
  local function l1(v) return torch.cmul(v:clone():abs(), lam):sum() end
  local Fx = fg(x, gx) + l1(x)
  while it < max_iter do
    local fyv = fg(yk, gy)
    local fxn
    while true do
      xn = prox(yk - gy / L, 1 / L)
      fxn = fg(xn, gx)
      local dv = xn - yk
      if fxn <= fyv + gy:dot(dv) + 0.5 * L * dv:dot(dv) * (1 + 1e-12) + 1e-300 then break end
      L = L * 2
      if L > 1e300 then status = "step"; break end
    end
    it = it + 1
    local Fn = fxn + l1(xn)
    local change = (xn - x):abs():max()
    local scale = math.max(1, torch.abs(x):max())
    if Fn > Fx then
      -- not monotone: restart the momentum from x
      t = 1.0
      yk:copy(x)
    else
      local tn = (1 + math.sqrt(1 + 4 * t * t)) / 2
      -- gradient restart (O'Donoghue and Candes) when the momentum points uphill
      if (yk - xn):dot(xn - x) > 0 then tn = 1.0; yk:copy(xn) else yk = xn + (xn - x) * ((t - 1) / tn) end
      t = tn
      x:copy(xn); Fx = Fn
      if change <= tol * scale then status = "tol"; break end
    end
    L = L * 0.9
  end
  return x, Fx, it, status
end
M._fista = fista

--- Coordinate descent for the logistic loss with an l1 + l2 penalty: one
-- coordinate at a time, a Newton step on the loss along it with the l1 term
-- solved exactly (soft thresholding), then a backtracking (Armijo) line
-- search on the penalized objective, as in liblinear's CDN.  The scores Z =
-- X W^T + b (N x K) are kept up to date, so a step costs O(N K).
--   X (N x D), targets T (N x K, one-hot; K = 1 for the binary model with
--   sigmoid scores), sw (N) sample weights, W (K x D1, D1 = D [+ 1 for the
--   intercept]) updated in place, l1 / l2 on the first D columns only.
-- Stops when a sweep changes no coordinate by more than tol * max(1, |W|_max)
-- or after max_iter sweeps.  Returns W, sweeps, status.
local function logistic_cd(X, T, sw, W, l1, l2, fit_intercept, opts)
  local tol, max_iter = opts.tol or 1e-4, opts.max_iter or 100
  local n, d = X:size(1), X:size(2)
  local K = T:size(2)
  local binary = opts.binary
  local Xt = X:t():contiguous()
  local sq = torch.cmul(X, X):t():contiguous()          -- x_ij^2 by column
  local Z = torch.zeros(n, K)
  Z:addmm(X, W:narrow(2, 1, d):t())
  if fit_intercept then Z:add(W:select(2, d + 1):view(1, K):expand(n, K)) end
  local function probs(z)
    if binary then return torch.sigmoid(z) end
    local m = z:max(2)
    local e = torch.exp(z - m:expandAs(z))
    return e:cdiv(e:sum(2):expandAs(e))
  end
  local function loss(z)
    if binary then
      -- sum sw (log(1 + e^z) - t z), stably
      local zz = z:select(2, 1)
      local sp = torch.abs(zz):mul(-1):exp():log1p():add(torch.clamp(zz, 0, math.huge))
      return sw:dot(sp - torch.cmul(T:select(2, 1), zz))
    end
    local m = z:max(2)
    local lse = torch.exp(z - m:expandAs(z)):sum(2):log():add(m):select(2, 1)
    return sw:dot(lse - torch.cmul(T, z):sum(2):select(2, 1))
  end
  local ncoord = fit_intercept and d + 1 or d
  local it, status = 0, "max_iter"
  local fz = loss(Z)
  while it < max_iter do
    it = it + 1
    local maxstep = 0
    for k = 1, K do
      local zk = Z:select(2, k)
      for j = 1, ncoord do
        local P = probs(Z)
        local pk = P:select(2, k)
        local r = torch.cmul(sw, pk - T:select(2, k))
        local hw = torch.cmul(sw, torch.cmul(pk, 1 - pk))
        local xj = j <= d and Xt[j] or nil
        local w = W[k][j]
        local g, h
        if xj then
          g = r:dot(xj) + l2 * w
          h = hw:dot(sq[j]) + l2
        else
          g, h = r:sum(), hw:sum()
        end
        h = math.max(h, 1e-12)
        local lam = xj and l1 or 0
        local wn
        if lam > 0 then
          local u = w - g / h
          wn = u > lam / h and u - lam / h or (u < -lam / h and u + lam / h or 0)
        else
          wn = w - g / h
        end
        local step = wn - w
        if step ~= 0 then
          -- Armijo on the penalized objective along the coordinate: the model's
          -- decrease is g step + lam (|w + step| - |w|), g the smooth gradient
          local function pen(v) return lam * math.abs(v) + (xj and 0.5 * l2 * v * v or 0) end
          local delta = g * step + lam * (math.abs(wn) - math.abs(w))
          local zsave = zk:clone()
          local a = 1.0
          for _ = 1, 30 do
            if xj then zk:copy(zsave):add(a * step, xj) else zk:copy(zsave):add(a * step) end
            local f1 = loss(Z)
            if f1 + pen(w + a * step) - (fz + pen(w)) <= 0.01 * a * delta + 1e-13 * math.abs(fz) then
              W[k][j] = w + a * step
              fz = f1
              maxstep = math.max(maxstep, math.abs(a * step))
              break
            end
            zk:copy(zsave)
            a = a / 2
          end
        end
      end
    end
    local scale = math.max(1, W:clone():abs():max())
    if maxstep <= tol * scale then status = "tol"; break end
  end
  if not binary and fit_intercept then
    -- softmax scores are unchanged by a common shift of the intercepts: report
    -- the centred ones, which a gradient method started at zero keeps
    local b = W:select(2, d + 1)
    b:add(-b:mean())
  end
  return W, it, status
end
M._logistic_cd = logistic_cd

---------------------------------------------------------------------------
-- LogisticRegression
---------------------------------------------------------------------------

local LogisticRegression = base.estimator("LogisticRegression", { penalty = "l2", C = 1.0,
  fit_intercept = true, tol = 1e-4, max_iter = 100, solver = "lbfgs", multi_class = "auto",
  class_weight = base.NONE, l1_ratio = base.NONE, warm_start = false, seed = base.NONE }, base.Classifier)
M.LogisticRegression = LogisticRegression

function LogisticRegression._validate(self, who)
  check_choice(who, "penalty", self.penalty, { "l2", "l1", "elasticnet", "none" })
  check_number(who, "C", self.C, 0, true)
  check_bool(who, "fit_intercept", self.fit_intercept)
  check_number(who, "tol", self.tol, 0)
  check_number(who, "max_iter", self.max_iter, 1)
  check_choice(who, "solver", self.solver, { "lbfgs", "proximal", "cd" })
  check_choice(who, "multi_class", self.multi_class, { "auto", "multinomial", "ovr" })
  local cw = self.class_weight
  if cw ~= base.NONE and cw ~= "balanced" and type(cw) ~= "table" then
    error(string.format('%s: class_weight must be "balanced", a table {class = weight} or ml.NONE (got %s)',
      who, tostring(cw)), 3)
  end
  if self.solver == "lbfgs" and (self.penalty == "l1" or self.penalty == "elasticnet") then
    error(string.format('%s: solver "lbfgs" supports only the "l2" and "none" penalties (got "%s"); '
      .. 'use solver = "proximal" or "cd"', who, self.penalty), 3)
  end
  if self.penalty == "elasticnet" then
    local r = self.l1_ratio
    if type(r) ~= "number" or r < 0 or r > 1 then
      error(string.format('%s: penalty "elasticnet" needs l1_ratio in [0, 1] (got %s)', who, tostring(r)), 3)
    end
  end
end

-- Loss and gradient of the multinomial model with parameters W (K x D1,
-- D1 = D + 1 with an intercept in the last column), in kernels/linear.c:
--   sum_i sw_i (logsumexp(z_i) - z_i[y_i]) + l2 / 2 ||W[:, 1..D]||^2
local function multinomial_fg(X, codes, sw, l2, K, fit_intercept)
  local y0 = (codes - 1):contiguous()
  return function(w, g)
    local d1 = w:size(1) // K
    return K_.softmax_loss(X, y0, sw, w:view(K, d1), g:view(K, d1), l2, fit_intercept)
  end
end

-- Loss and gradient of the binary model (labels y01 in {0, 1}) with
-- parameters w (D, then the intercept when fitted), in kernels/linear.c:
--   sum_i sw_i (log(1 + exp(z_i)) - y_i z_i) + l2 / 2 ||w[1..D]||^2
local function binary_fg(X, y01, sw, l2, fit_intercept)
  return function(w, g)
    return K_.binary_loss(X, y01, sw, w, g, l2, fit_intercept)
  end
end
M._multinomial_fg, M._binary_fg = multinomial_fg, binary_fg

-- Per-sample weights: sample_weight times class weights (class_weight
-- "balanced": N / (K count_k); a table maps class labels to weights).
local function class_sample_weight(who, cw, classes, codes, n, sample_weight)
  local sw = sample_weight and base.vector(who, sample_weight, n, "sample_weight"):clone() or torch.ones(n)
  if cw == base.NONE or cw == nil then return sw end
  local K = classes:size(1)
  local w = {}
  if cw == "balanced" then
    local counts = torch.zeros(K)
    for i = 1, n do counts[codes[i]] = counts[codes[i]] + 1 end
    for k = 1, K do w[k] = n / (K * counts[k]) end
  else
    for k = 1, K do w[k] = cw[classes[k]] or 1.0 end
  end
  for i = 1, n do sw[i] = sw[i] * w[codes[i]] end
  return sw
end

-- Solves one (binary or multinomial) problem; returns the flat parameters
-- and the iterations.
local function logistic_solve(self, who, fg, nparam, lam_mask, l1, w0)
  local w = w0 or torch.zeros(nparam)
  local _, _, it, status
  if self.solver == "lbfgs" then
    -- scipy's L-BFGS-B (scikit-learn's solver) also stops on a relative decrease of the
    -- loss below 2.2e-9 whatever tol is; here that threshold is 2.2e-5 tol (the same at
    -- the default tol 1e-4), so that a smaller tol does ask for more precision
    _, _, it, status = lbfgs(fg, w, { max_iter = self.max_iter, gtol = self.tol,
      ftol = math.min(2.220446049250313e-09, 2.220446049250313e-05 * self.tol) })
  else
    local lam = lam_mask * l1
    _, _, it, status = fista(fg, w, lam, { max_iter = self.max_iter, tol = self.tol })
  end
  if status == "max_iter" then
    warn(string.format("%s: %s did not converge in %d iterations; increase max_iter or scale the data", who,
      self.solver, self.max_iter))
  end
  return w, it
end

-- The "cd" solver: logistic_cd, with the same warning as the others.
local function cd_solve(self, who, X, T, sw, W, l1, l2, fi, binary)
  local _, it, status = logistic_cd(X, T, sw, W, l1, l2, fi,
    { tol = self.tol, max_iter = self.max_iter, binary = binary })
  if status == "max_iter" then
    warn(string.format("%s: cd did not converge in %d iterations; increase max_iter or scale the data", who,
      self.max_iter))
  end
  return W, it
end

--- m:fit(X, y [, sample_weight]) -> m.  Minimizes sum_i s_i loss_i + penalty
-- / C, as scikit-learn: l2: ||w||^2 / (2C); l1: ||w||_1 / C; elasticnet:
-- (l1_ratio ||w||_1 + (1 - l1_ratio) ||w||^2 / 2) / C; the intercept is
-- not penalized.  Multinomial (softmax) for more than two classes unless
-- multi_class = "ovr".
function LogisticRegression:fit(X, y, sample_weight)
  local who = "ml.LogisticRegression.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local classes, codes = base.encode(who, y, n)
  local K = classes:size(1)
  if K < 2 then
    error(string.format("%s: y needs at least 2 classes (got only %s)", who, tostring(classes[1])), 2)
  end
  local l2, l1 = 0.0, 0.0
  if self.penalty == "l2" then l2 = 1 / self.C
  elseif self.penalty == "l1" then l1 = 1 / self.C
  elseif self.penalty == "elasticnet" then l1, l2 = self.l1_ratio / self.C, (1 - self.l1_ratio) / self.C end
  local fi = self.fit_intercept
  local d1 = d + (fi and 1 or 0)
  local multinomial = K > 2 and self.multi_class ~= "ovr"
  if self.multi_class == "multinomial" then multinomial = true end
  local prev = self.warm_start and rawget(self, "coef")
  self.classes = classes
  self.n_iter = {}
  if multinomial then
    local sw = class_sample_weight(who, self.class_weight, classes, codes, n, sample_weight)
    local mask = torch.ones(K, d1)
    if fi then mask:select(2, d1):zero() end
    local w0
    if prev and prev:size(1) == K and prev:size(2) == d then
      w0 = torch.zeros(K, d1)
      w0:narrow(2, 1, d):copy(prev)
      if fi then w0:select(2, d1):copy(self.intercept) end
      w0 = w0:view(K * d1)
    end
    local W, it
    if self.solver == "cd" then
      local T = torch.zeros(n, K)
      T:scatter(2, codes:view(n, 1), 1)
      W, it = cd_solve(self, who, X, T, sw, w0 and w0:view(K, d1):clone() or torch.zeros(K, d1), l1, l2, fi, false)
    else
      local w
      w, it = logistic_solve(self, who, multinomial_fg(X, codes, sw, l2, K, fi), K * d1, mask:view(K * d1),
        l1, w0)
      W = w:view(K, d1)
    end
    self.coef = W:narrow(2, 1, d):contiguous()
    self.intercept = fi and W:select(2, d1):contiguous() or torch.zeros(K)
    self.n_iter[1] = it
    self._multinomial = true
    if K == 2 then
      -- as scikit-learn: keep the second class's row; with the symmetric softmax
      -- parametrization the log-odds are twice its score (predict_proba knows)
      self.coef = self.coef:narrow(1, 2, 1):contiguous()
      self.intercept = self.intercept:narrow(1, 2, 1):contiguous()
    end
  else
    -- one binary problem per class (a single one, for class 2, when K = 2)
    local targets = K == 2 and { 2 } or {}
    if K > 2 then for k = 1, K do targets[k] = k end end
    self.coef = torch.zeros(#targets, d)
    self.intercept = torch.zeros(#targets)
    local mask = torch.ones(d1)
    if fi then mask[d1] = 0 end
    for r, k in ipairs(targets) do
      local y01 = codes:eq(k):double()
      local bin_codes = y01:long():add(1)
      local sw = class_sample_weight(who, self.class_weight, torch.DoubleTensor{ 0, 1 }, bin_codes, n,
        sample_weight)
      if type(self.class_weight) == "table" then
        sw = class_sample_weight(who, self.class_weight, classes, codes, n, sample_weight)
      end
      local w0
      if prev and prev:size(1) == #targets and prev:size(2) == d then
        w0 = torch.zeros(d1)
        w0:narrow(1, 1, d):copy(prev[r])
        if fi then w0[d1] = self.intercept[r] end
      end
      local w, it
      if self.solver == "cd" then
        local W1
        W1, it = cd_solve(self, who, X, y01:view(n, 1), sw, (w0 or torch.zeros(d1)):view(1, d1):clone(), l1, l2, fi,
          true)
        w = W1:view(d1)
      else
        w, it = logistic_solve(self, who, binary_fg(X, y01, sw, l2, fi), d1, mask, l1, w0)
      end
      self.coef[r]:copy(w:narrow(1, 1, d))
      if fi then self.intercept[r] = w[d1] end
      self.n_iter[r] = it
    end
    self._multinomial = false
  end
  return base.mark_fitted(self, d)
end

--- m:decision_function(X) -> scores: N for a binary model (the log-odds of
-- the second class), N x K otherwise.
function LogisticRegression:decision_function(X)
  local who = "ml.LogisticRegression.decision_function"
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  local n = X:size(1)
  local R = self.coef:size(1)
  local Z = torch.mm(X, self.coef:t()):add(self.intercept:view(1, R):expand(n, R))
  if R == 1 then return Z:select(2, 1):contiguous() end
  return Z
end

--- m:predict_proba(X) -> N x K class probabilities (columns in m.classes
-- order): softmax for multinomial models, normalized sigmoids for ovr.
function LogisticRegression:predict_proba(X)
  local who = "ml.LogisticRegression.predict_proba"
  base.fitted(self, who)
  local Z = self:decision_function(X)
  if Z:dim() == 1 then
    local p = self._multinomial and torch.sigmoid(Z * 2) or torch.sigmoid(Z)
    return torch.cat((-p + 1):view(-1, 1), p:view(-1, 1), 2)
  end
  local n, K = Z:size(1), Z:size(2)
  if self._multinomial then
    Z:add(-1, Z:max(2):expand(n, K)):exp()
    return Z:cdiv(Z:sum(2):expand(n, K))
  end
  Z:sigmoid()
  return Z:cdiv(Z:sum(2):expand(n, K))
end

--- m:predict_log_proba(X) -> log of m:predict_proba(X).
function LogisticRegression:predict_log_proba(X)
  return self:predict_proba(X):log()
end

--- m:predict(X) -> the most probable class of each row (labels of m.classes).
function LogisticRegression:predict(X)
  local Z = self:decision_function(X)
  local idx
  if Z:dim() == 1 then idx = Z:gt(0):long():add(1) else idx = select(2, Z:max(2)):view(Z:size(1)) end
  return self.classes:index(1, idx)
end

---------------------------------------------------------------------------
-- SGDClassifier and SGDRegressor (kernels/linear.c: scikit-learn's plain SGD)
---------------------------------------------------------------------------

local SGD_COMMON = { penalty = "l2", alpha = 1e-4, l1_ratio = 0.15, fit_intercept = true, max_iter = 1000,
  tol = 1e-3, shuffle = true, seed = base.NONE, eta0 = 0.0, power_t = 0.5, n_iter_no_change = 5,
  epsilon = 0.1, warm_start = false }

local function sgd_defaults(extra)
  local t = {}
  for k, v in pairs(SGD_COMMON) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end

local SGDClassifier = base.estimator("SGDClassifier", sgd_defaults{ loss = "hinge", learning_rate = "optimal",
  class_weight = base.NONE }, base.Classifier)
M.SGDClassifier = SGDClassifier
local SGDRegressor = base.estimator("SGDRegressor", sgd_defaults{ loss = "squared_error",
  learning_rate = "invscaling", eta0 = 0.01, power_t = 0.25 }, base.Regressor)
M.SGDRegressor = SGDRegressor

local function sgd_validate(losses)
  return function(self, who)
    check_choice(who, "loss", self.loss, losses)
    check_choice(who, "penalty", self.penalty, { "l2", "l1", "elasticnet", "none" })
    check_number(who, "alpha", self.alpha, 0)
    check_number(who, "l1_ratio", self.l1_ratio, 0)
    check_bool(who, "fit_intercept", self.fit_intercept)
    check_number(who, "max_iter", self.max_iter, 1)
    check_bool(who, "shuffle", self.shuffle)
    check_choice(who, "learning_rate", self.learning_rate, { "optimal", "constant", "invscaling" })
    check_number(who, "eta0", self.eta0, 0)
    check_number(who, "n_iter_no_change", self.n_iter_no_change, 1)
    check_number(who, "epsilon", self.epsilon, 0)
    check_bool(who, "warm_start", self.warm_start)
    local cw = self._params.class_weight
    if cw ~= nil and cw ~= base.NONE and cw ~= "balanced" and type(cw) ~= "table" then
      error(string.format('%s: class_weight must be "balanced", a table {class = weight} or ml.NONE (got %s)',
        who, tostring(cw)), 3)
    end
    if self.learning_rate ~= "optimal" and self.eta0 <= 0 then
      error(string.format('%s: eta0 must be > 0 with learning_rate "%s"', who, self.learning_rate), 3)
    end
    if self.learning_rate == "optimal" and self.alpha <= 0 then
      error(string.format('%s: alpha must be > 0 with learning_rate "optimal"', who), 3)
    end
  end
end
SGDClassifier._validate = sgd_validate{ "hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
  "squared_error", "huber", "epsilon_insensitive" }
SGDRegressor._validate = sgd_validate{ "squared_error", "huber", "epsilon_insensitive" }

-- The kernel options of a model; epochs and tol set by the caller.
local function sgd_opts(self, seed, t, max_iter, tol)
  local lp = 1.0
  if self.loss == "huber" or self.loss == "epsilon_insensitive" then lp = self.epsilon end
  if self.loss == "perceptron" then lp = 0.0 end
  return { loss = self.loss, loss_param = lp, penalty = self.penalty, alpha = self.alpha, l1_ratio = self.l1_ratio,
    learning_rate = self.learning_rate, eta0 = self.eta0, power_t = self.power_t, max_iter = max_iter,
    tol = tol, n_iter_no_change = self.n_iter_no_change, shuffle = self.shuffle,
    fit_intercept = self.fit_intercept, seed = seed, t = t }
end

-- One binary/regression problem through the kernel; w, b in/out.
local function sgd_run(self, X, y, sw, w, b, seed, t, max_iter, tol)
  local o = sgd_opts(self, seed, t, max_iter, tol)
  local b2, n_iter, loss, t2 = K_.sgd(X, y, sw, w, b, o)
  return b2, n_iter, loss, t2
end

-- Fits (or continues, for partial_fit) every binary problem of a classifier.
local function sgd_classifier_run(self, who, X, y, sample_weight, max_iter, tol)
  local n, d = X:size(1), X:size(2)
  local classes = self.classes
  local nK = classes:size(1)
  local codes = torch.LongTensor(n)
  for i = 1, n do
    local v = y[i]
    local k
    -- classes are sorted: binary search for the label
    local lo, hi = 1, nK
    while lo <= hi do
      local mid = (lo + hi) // 2
      if classes[mid] == v then k = mid; break elseif classes[mid] < v then lo = mid + 1 else hi = mid - 1 end
    end
    if not k then error(string.format("%s: label %g is not one of the classes given at the first call", who,
      v), 3) end
    codes[i] = k
  end
  local sw0 = sample_weight and base.vector(who, sample_weight, n, "sample_weight") or torch.ones(n)
  local cw = {}
  for k = 1, nK do cw[k] = 1.0 end
  if self.class_weight == "balanced" then
    local counts = torch.zeros(nK)
    for i = 1, n do counts[codes[i]] = counts[codes[i]] + 1 end
    for k = 1, nK do cw[k] = counts[k] > 0 and n / (nK * counts[k]) or 1.0 end
  elseif type(self.class_weight) == "table" then
    for k = 1, nK do cw[k] = self.class_weight[classes[k]] or 1.0 end
  end
  local R = nK == 2 and 1 or nK
  local seed = self._seed
  local t0 = self.t
  local n_iter_max, t_end = 0, t0
  for r = 1, R do
    local pos = nK == 2 and 2 or r
    local yb = codes:eq(pos):double():mul(2):add(-1)
    -- class weights: the positive class's for +1 rows; binary: the negative class's for -1 rows
    local wneg = nK == 2 and cw[1] or 1.0
    local sw = torch.DoubleTensor(n)
    for i = 1, n do sw[i] = sw0[i] * (codes[i] == pos and cw[pos] or wneg) end
    local w = self.coef[r]:clone()
    local b, n_iter, _, t2 = sgd_run(self, X, yb, sw, w, self.intercept[r], seed, t0, max_iter, tol)
    self.coef[r]:copy(w)
    self.intercept[r] = b
    n_iter_max = math.max(n_iter_max, n_iter)
    t_end = t2
  end
  self.t = t_end
  return n_iter_max
end

local function sgd_classifier_init(self, who, classes, d)
  local R = classes:size(1) == 2 and 1 or classes:size(1)
  self.classes = classes
  self.coef = torch.zeros(R, d)
  self.intercept = torch.zeros(R)
  self.t = 1.0
  self._seed = kernel_seed(self.seed)
end

--- m:fit(X, y [, sample_weight]) -> m.  max_iter epochs of SGD (fewer when
-- the epoch loss stops improving by tol for n_iter_no_change epochs), one
-- binary problem per class (one in all for two classes).
function SGDClassifier:fit(X, y, sample_weight)
  local who = "ml.SGDClassifier.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local classes = base.encode(who, y, n)
  if classes:size(1) < 2 then
    error(string.format("%s: y needs at least 2 classes (got only %s)", who, tostring(classes[1])), 2)
  end
  local prev_coef, prev_b = rawget(self, "coef"), rawget(self, "intercept")
  sgd_classifier_init(self, who, classes, d)
  if self.warm_start and prev_coef and prev_coef:isSameSizeAs(self.coef) then
    self.coef:copy(prev_coef); self.intercept:copy(prev_b)
  end
  self.n_iter = sgd_classifier_run(self, who, X, base.vector(who, y, n), sample_weight, self.max_iter,
    self.tol == base.NONE and -1 or self.tol)
  if self.n_iter == self.max_iter and self.tol ~= base.NONE then
    warn(string.format("%s: SGD stopped at max_iter (%d epochs) before converging", who, self.max_iter))
  end
  return base.mark_fitted(self, d)
end

--- m:partial_fit(X, y [, classes [, sample_weight]]) -> m.  One epoch over
-- (X, y), continuing from the current weights and learning rate; the first
-- call needs classes (all the labels that will ever appear).
function SGDClassifier:partial_fit(X, y, classes, sample_weight)
  local who = "ml.SGDClassifier.partial_fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  if not self:is_fitted() then
    if classes == nil then
      error(string.format("%s: the first call needs classes (the list of every label)", who), 2)
    end
    local cl = base.encode(who, classes)
    if cl:size(1) < 2 then error(string.format("%s: classes needs at least 2 labels", who), 2) end
    sgd_classifier_init(self, who, cl, d)
    self.n_iter = 0
    base.mark_fitted(self, d)
  else
    base.check_features(who, self, X)
  end
  sgd_classifier_run(self, who, X, base.vector(who, y, n), sample_weight, 1, -1)
  self.n_iter = self.n_iter + 1
  return self
end

--- m:decision_function(X) -> N scores (binary: positive means m.classes[2])
-- or N x K (one column per class).
function SGDClassifier:decision_function(X)
  local who = "ml." .. self._class._name .. ".decision_function"
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  local n, R = X:size(1), self.coef:size(1)
  local Z = torch.mm(X, self.coef:t()):add(self.intercept:view(1, R):expand(n, R))
  if R == 1 then return Z:select(2, 1):contiguous() end
  return Z
end

--- m:predict(X) -> predicted labels.
function SGDClassifier:predict(X)
  local Z = self:decision_function(X)
  local idx
  if Z:dim() == 1 then idx = Z:gt(0):long():add(1) else idx = select(2, Z:max(2)):view(Z:size(1)) end
  return self.classes:index(1, idx)
end

--- m:predict_proba(X) -> N x K probabilities, for loss "log_loss"
-- (sigmoids) and "modified_huber" ((clip(score, -1, 1) + 1) / 2), normalized
-- over the classes when there are more than two.
function SGDClassifier:predict_proba(X)
  local who = "ml.SGDClassifier.predict_proba"
  if self.loss ~= "log_loss" and self.loss ~= "modified_huber" then
    error(string.format('%s: probabilities need loss "log_loss" or "modified_huber" (got "%s")', who, self.loss), 2)
  end
  local Z = self:decision_function(X)
  local function link(v)
    if self.loss == "log_loss" then return v:sigmoid() end
    return v:clamp(-1, 1):add(1):div(2)
  end
  if Z:dim() == 1 then
    local p = link(Z)
    return torch.cat((-p + 1):view(-1, 1), p:view(-1, 1), 2)
  end
  local n, nK = Z:size(1), Z:size(2)
  local P = link(Z)
  local s = P:sum(2)
  for i = 1, n do
    if s[i][1] == 0 then P[i]:fill(1 / nK); s[i][1] = 1 end
  end
  return P:cdiv(s:expand(n, nK))
end

SGDRegressor.predict = regressor_predict

local function sgd_regressor_init(self, d)
  self.coef = torch.zeros(d)
  self.intercept = 0.0
  self.t = 1.0
  self._seed = kernel_seed(self.seed)
end

--- m:fit(X, y [, sample_weight]) -> m.  max_iter epochs of SGD on the
-- regression loss (fewer when the epoch loss stops improving).
function SGDRegressor:fit(X, y, sample_weight)
  local who = "ml.SGDRegressor.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  y = base.vector(who, y, n)
  local prev_coef, prev_b = rawget(self, "coef"), rawget(self, "intercept")
  sgd_regressor_init(self, d)
  if self.warm_start and prev_coef and prev_coef:size(1) == d then
    self.coef:copy(prev_coef); self.intercept = prev_b
  end
  local sw = sample_weight and base.vector(who, sample_weight, n, "sample_weight") or nil
  local b, n_iter, _, t2 = sgd_run(self, X, y, sw, self.coef, self.intercept, self._seed, 1.0, self.max_iter,
    self.tol == base.NONE and -1 or self.tol)
  self.intercept, self.n_iter, self.t = b, n_iter, t2
  if n_iter == self.max_iter and self.tol ~= base.NONE then
    warn(string.format("%s: SGD stopped at max_iter (%d epochs) before converging", who, self.max_iter))
  end
  return base.mark_fitted(self, d)
end

--- m:partial_fit(X, y [, sample_weight]) -> m.  One epoch over (X, y),
-- continuing from the current weights and learning rate.
function SGDRegressor:partial_fit(X, y, sample_weight)
  local who = "ml.SGDRegressor.partial_fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  y = base.vector(who, y, n)
  if not self:is_fitted() then
    sgd_regressor_init(self, d)
    self.n_iter = 0
    base.mark_fitted(self, d)
  else
    base.check_features(who, self, X)
  end
  local sw = sample_weight and base.vector(who, sample_weight, n, "sample_weight") or nil
  local b, _, _, t2 = sgd_run(self, X, y, sw, self.coef, self.intercept, self._seed, self.t, 1, -1)
  self.intercept, self.t = b, t2
  self.n_iter = self.n_iter + 1
  return self
end

---------------------------------------------------------------------------
-- LinearSVC (kernels/linear.c: liblinear's dual coordinate descent)
---------------------------------------------------------------------------

local LinearSVC = base.estimator("LinearSVC", { loss = "squared_hinge", C = 1.0, tol = 1e-4, fit_intercept = true,
  intercept_scaling = 1.0, class_weight = base.NONE, max_iter = 1000, seed = base.NONE }, base.Classifier)
M.LinearSVC = LinearSVC

function LinearSVC._validate(self, who)
  check_choice(who, "loss", self.loss, { "squared_hinge", "hinge" })
  check_number(who, "C", self.C, 0, true)
  check_number(who, "tol", self.tol, 0, true)
  check_bool(who, "fit_intercept", self.fit_intercept)
  check_number(who, "intercept_scaling", self.intercept_scaling, 0, true)
  check_number(who, "max_iter", self.max_iter, 1)
  local cw = self.class_weight
  if cw ~= base.NONE and cw ~= "balanced" and type(cw) ~= "table" then
    error(string.format('%s: class_weight must be "balanced", a table {class = weight} or ml.NONE (got %s)',
      who, tostring(cw)), 3)
  end
end

--- m:fit(X, y) -> m.  One-vs-rest linear SVMs by dual coordinate descent
-- (liblinear's solver).  As in liblinear (and scikit-learn), the intercept
-- is a constant feature of value intercept_scaling and is penalized too.
function LinearSVC:fit(X, y, sample_weight)
  local who = "ml.LinearSVC.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local classes, codes = base.encode(who, y, n)
  local nK = classes:size(1)
  if nK < 2 then error(string.format("%s: y needs at least 2 classes (got only %s)", who, tostring(classes[1])), 2) end
  local fi = self.fit_intercept
  local Xa = X
  if fi then Xa = torch.cat(X, torch.DoubleTensor(n, 1):fill(self.intercept_scaling), 2) end
  local sw0 = sample_weight and base.vector(who, sample_weight, n, "sample_weight") or torch.ones(n)
  local cw = {}
  for k = 1, nK do cw[k] = 1.0 end
  if self.class_weight == "balanced" then
    local counts = torch.zeros(nK)
    for i = 1, n do counts[codes[i]] = counts[codes[i]] + 1 end
    for k = 1, nK do cw[k] = n / (nK * counts[k]) end
  elseif type(self.class_weight) == "table" then
    for k = 1, nK do cw[k] = self.class_weight[classes[k]] or 1.0 end
  end
  local c = torch.DoubleTensor(n)
  for i = 1, n do c[i] = self.C * sw0[i] * cw[codes[i]] end
  local R = nK == 2 and 1 or nK
  self.coef, self.intercept, self.n_iter = torch.zeros(R, d), torch.zeros(R), {}
  local seed = kernel_seed(self.seed)
  local hinge = self.loss == "hinge"
  for r = 1, R do
    local pos = nK == 2 and 2 or r
    local yb = codes:eq(pos):double():mul(2):add(-1)
    local w = torch.zeros(Xa:size(2))
    local it = K_.svc_dual(Xa, yb, c, w, hinge, self.tol, self.max_iter, seed)
    self.coef[r]:copy(w:narrow(1, 1, d))
    if fi then self.intercept[r] = w[d + 1] * self.intercept_scaling end
    self.n_iter[r] = it
    if it >= self.max_iter then
      warn(string.format("%s: dual coordinate descent stopped at max_iter (%d) before converging", who, self.max_iter))
    end
  end
  self.classes = classes
  return base.mark_fitted(self, d)
end

LinearSVC.decision_function = SGDClassifier.decision_function
LinearSVC.predict = SGDClassifier.predict

return M
