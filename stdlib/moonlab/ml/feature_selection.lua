-- moonlab.ml.feature_selection: univariate feature scores (ANOVA F, F of a
-- univariate regression, chi², mutual information) and the selectors that use
-- them (VarianceThreshold, SelectKBest), with scikit-learn 1.2's definitions.
-- Mutual information uses Ross's k-nearest-neighbour estimator on each column
-- in 1-D (sorted values, windows and binary searches: O(n log n) a column);
-- mutual_info_regression and the other selectors (SelectPercentile, RFE) are
-- not provided.
local torch = require "torch"
local base = require "moonlab.ml.base"
local special = require "moonlab.ml.special"

local M = {}
local digamma, f_sf, chi2_sf = special.digamma, special.f_sf, special.chi2_sf
M._digamma, M._f_sf, M._chi2_sf = digamma, f_sf, chi2_sf

local function who_of(self, method) return "ml." .. self._class._name .. "." .. method end

local function raise(who, fmt, ...) error(string.format(who .. ": " .. fmt, ...), 3) end

local function use_matrix(self, method, X, opts)
  local who = who_of(self, method)
  base.fitted(self, who)
  local Xm = base.matrix(who, X, opts)
  base.check_features(who, self, Xm)
  return Xm
end


local function class_codes(who, y, n)
  local classes, codes = base.encode(who, y, n)
  return classes, codes
end

--- ml.f_classif(X, y) -> F, pvalues: one-way ANOVA F statistic of each
-- feature across the classes of y (DoubleTensors of size D).
function M.f_classif(X, y)
  local who = "ml.f_classif"
  local n, d
  X, n, d = base.matrix(who, X)
  local classes, codes = class_codes(who, y, n)
  local k = classes:nElement()
  local Y = torch.zeros(n, k):scatter(2, codes:view(n, 1), 1)
  local cnt = Y:sum(1):view(k)
  local sums = torch.mm(Y:t(), X) -- k x d
  local total = X:sum(1):view(d)
  local sq = torch.cmul(X, X):sum(1):view(d)
  local sstot = sq - torch.cmul(total, total):div(n)
  local ssbn = torch.zeros(d)
  for c = 1, k do
    local s = sums[c]
    ssbn:add(torch.cmul(s, s):div(cnt[c]))
  end
  ssbn:add(-1, torch.cmul(total, total):div(n))
  local sswn = sstot - ssbn
  local dfbn, dfwn = k - 1, n - k
  local F = torch.cdiv(ssbn:div(dfbn), sswn:div(dfwn))
  local p = torch.DoubleTensor(d)
  for j = 1, d do p[j] = f_sf(F[j], dfbn, dfwn) end
  return F, p
end

--- ml.f_regression(X, y [, opts]) -> F, pvalues: F statistic of the
-- univariate linear regression of y on each feature (opts.center = true).
function M.f_regression(X, y, opts)
  local who = "ml.f_regression"
  local n, d
  X, n, d = base.matrix(who, X)
  y = base.vector(who, y, n)
  local center = not (opts and opts.center == false)
  local Xc, yc = X, y
  if center then
    Xc = X - X:mean(1):expandAs(X)
    yc = y - y:mean()
  end
  local corr = torch.mv(Xc:t(), yc)
  local xn = torch.cmul(Xc, Xc):sum(1):view(d):sqrt()
  corr:cdiv(xn):div(math.sqrt(torch.dot(yc, yc)))
  local dof = n - (center and 2 or 1)
  local r2 = torch.cmul(corr, corr)
  local F = torch.cdiv(r2, -r2 + 1):mul(dof)
  local p = torch.DoubleTensor(d)
  for j = 1, d do p[j] = f_sf(F[j], 1, dof) end
  return F, p
end

--- ml.chi2(X, y) -> chi2, pvalues: chi² statistic of each non-negative
-- feature (counts or frequencies) against the classes of y.
function M.chi2(X, y)
  local who = "ml.chi2"
  local n, d
  X, n, d = base.matrix(who, X)
  if X:min() < 0 then raise(who, "input X must be non-negative") end
  local classes, codes = class_codes(who, y, n)
  local k = classes:nElement()
  local Y = torch.zeros(n, k):scatter(2, codes:view(n, 1), 1)
  local observed = torch.mm(Y:t(), X) -- k x d
  local feature_count = X:sum(1):view(d)
  local class_prob = Y:mean(1):view(k)
  local expected = torch.ger(class_prob, feature_count)
  local stat = (observed - expected):pow(2):cdiv(expected):sum(1):view(d)
  local p = torch.DoubleTensor(d)
  for j = 1, d do p[j] = chi2_sf(stat[j], k - 1) end
  return stat, p
end

-- digamma of a positive integer, memoised (the estimator's counts are integers)
local dg_cache = {}
local function digamma_int(k)
  local v = dg_cache[k]
  if not v then v = digamma(k); dg_cache[k] = v end
  return v
end

-- mutual information between a continuous column (DoubleTensor) and discrete
-- labels (Lua array of codes 1..K): Ross's k-nearest-neighbour estimator in
-- 1-D. One sort of the column gives every class's sorted values too.
local function mi_cd(col, labels, nk)
  local n = col:nElement()
  local sorted_t, order_t = torch.sort(col)
  local xs, order = sorted_t:totable(), order_t:totable()
  local byc = {} -- class -> sorted values of the class
  for t = 1, n do
    local c = labels[order[t]]
    local list = byc[c]
    if not list then list = {}; byc[c] = list end
    list[#list + 1] = xs[t]
  end
  -- per class: k-th neighbour radius of each member, in sorted order
  local radius, kk, lcount = {}, {}, {}
  local used = {}
  for c, v in pairs(byc) do
    local m = #v
    if m > 1 then
      local k = math.min(nk, m - 1)
      local r = {}
      for p = 1, m do
        -- the best window of k + 1 consecutive sorted members holding p
        local best = math.huge
        for a = math.max(1, p - k), math.min(p, m - k) do
          local d = math.max(v[p] - v[a], v[a + k] - v[p])
          if d < best then best = d end
        end
        r[p] = best
      end
      radius[c], kk[c] = r, k
      used[#used + 1] = c
    end
    lcount[c] = m
  end
  -- the kept points (classes with more than one member), sorted
  local keep = {}
  for t = 1, n do if lcount[labels[order[t]]] > 1 then keep[#keep + 1] = xs[t] end end
  local ns = #keep
  if ns == 0 then return 0 end
  local sum_k, sum_l, sum_m = 0, 0, 0
  for _, c in ipairs(used) do
    local v, r, k, m = byc[c], radius[c], kk[c], lcount[c]
    sum_k = sum_k + m * digamma_int(k)
    sum_l = sum_l + m * digamma_int(m)
    for p = 1, m do
      -- kept points within distance < radius (scikit-learn: <= nextafter(r, 0))
      local xi, rp = v[p], r[p]
      local lo, hi = 1, ns + 1
      while lo < hi do
        local mid = (lo + hi) // 2
        if keep[mid] >= xi or xi - keep[mid] < rp then hi = mid else lo = mid + 1 end
      end
      local left = lo
      lo, hi = left, ns + 1
      while lo < hi do
        local mid = (lo + hi) // 2
        if keep[mid] <= xi or keep[mid] - xi < rp then lo = mid + 1 else hi = mid end
      end
      sum_m = sum_m + digamma_int(lo - left)
    end
  end
  local mi = digamma(ns) + sum_k / ns - sum_l / ns - sum_m / ns
  return math.max(0, mi)
end

-- mutual information of two discrete variables (scikit-learn's mutual_info_score)
local function mi_dd(a, b)
  local n = #a
  local cont, pa, pb = {}, {}, {}
  local na, nb = 0, 0
  for i = 1, n do
    local x, y = a[i], b[i]
    if not pa[x] then na = na + 1; pa[x] = 0; cont[x] = {} end
    if not pb[y] then nb = nb + 1; pb[y] = 0 end
    pa[x], pb[y] = pa[x] + 1, pb[y] + 1
    cont[x][y] = (cont[x][y] or 0) + 1
  end
  if na == 1 or nb == 1 then return 0 end
  local mi, logn = 0, math.log(n)
  for x, row in pairs(cont) do
    for y, c in pairs(row) do
      local cn = c / n
      local term = cn * (math.log(c) - logn) + cn * (-math.log(pa[x] * pb[y]) + logn + logn)
      if math.abs(term) >= 2.220446049250313e-16 then mi = mi + term end
    end
  end
  return math.max(0, mi)
end

--- ml.mutual_info_classif(X, y [, opts]) -> mi (size D): mutual information
-- (nats) between each feature and the class, by Ross's k-nearest-neighbour
-- estimator (opts.n_neighbors = 3); opts.discrete_features (true, or a list
-- of 1-based column indices) counts those columns as categories; opts.seed
-- seeds the tiny noise added to continuous columns (as scikit-learn).
function M.mutual_info_classif(X, y, opts)
  opts = opts or {}
  local who = "ml.mutual_info_classif"
  local n, d
  X, n, d = base.matrix(who, X)
  local _, codes = class_codes(who, y, n)
  local labels = codes:totable()
  local discrete = {}
  if opts.discrete_features == true then for j = 1, d do discrete[j] = true end
  elseif type(opts.discrete_features) == "table" then
    for _, j in ipairs(opts.discrete_features) do discrete[j] = true end
  end
  local g = base.generator(opts.seed == nil and 0 or opts.seed)
  local nk = opts.n_neighbors or 3
  local mi = torch.DoubleTensor(d)
  for j = 1, d do
    local col = X:select(2, j)
    if discrete[j] then
      mi[j] = mi_dd(col:totable(), labels)
    else
      local sd = col:std(1, true)[1]
      local c = col:clone()
      if sd > 0 then c:div(sd) end
      local mean_abs = math.max(1, c:clone():abs():mean())
      local noise = torch.DoubleTensor(n)
      noise:normal(g, 0, 1)
      c:add(1e-10 * mean_abs, noise)
      mi[j] = mi_cd(c, labels, nk)
    end
  end
  return mi
end

local Selector = base.inherit(base.Transformer)

--- m:get_support([indices]) -> ByteTensor mask of the kept features, or
-- (indices = true) a Lua list of their 1-based indices.
function Selector:get_support(indices)
  base.fitted(self, who_of(self, "get_support"))
  if indices then return torch.nonzero(self._mask):view(-1):totable() end
  return self._mask:clone()
end

--- m:transform(X) -> the kept columns of X.
function Selector:transform(X)
  X = use_matrix(self, "transform", X, { allow_nan = true })
  local idx = torch.nonzero(self._mask)
  if idx:nElement() == 0 then raise(who_of(self, "transform"), "no feature is selected") end
  return X:index(2, idx:view(-1))
end

--- m:inverse_transform(Z) -> N x D with zeros in the removed columns.
function Selector:inverse_transform(Z)
  local who = who_of(self, "inverse_transform")
  base.fitted(self, who)
  Z = base.matrix(who, Z)
  local idx = torch.nonzero(self._mask):view(-1)
  if Z:size(2) ~= idx:nElement() then raise(who, "Z has %d columns, expected %d", Z:size(2), idx:nElement()) end
  local out = torch.zeros(Z:size(1), self.n_features_in)
  out:indexCopy(2, idx, Z)
  return out
end

--- ml.VarianceThreshold{threshold = 0}: keeps the features whose variance
-- exceeds threshold. Fitted: variances. m:get_support() -> ByteTensor mask.
local VarianceThreshold = base.estimator("VarianceThreshold", { threshold = 0 }, Selector)
M.VarianceThreshold = VarianceThreshold

function VarianceThreshold:fit(X)
  local who = who_of(self, "fit")
  local d, _
  X, _, d = base.matrix(who, X)
  local var = X:var(1, true):view(d)
  if self.threshold == 0 then
    local ptp = X:max(1):view(d) - X:min(1):view(d)
    var = torch.cmin(var, ptp)
  end
  self.variances = var
  self._mask = var:gt(self.threshold)
  if self._mask:sum() == 0 then
    raise(who, "no feature in X meets the variance threshold %g", self.threshold)
  end
  return base.mark_fitted(self, d)
end

--- ml.SelectKBest{score_func = ml.f_classif, k = 10}: keeps the k features
-- with the highest scores (k = "all": every feature). Fitted: scores,
-- pvalues.
local SelectKBest = base.estimator("SelectKBest", { score_func = M.f_classif, k = 10 }, Selector)
M.SelectKBest = SelectKBest

function SelectKBest:fit(X, y)
  local who = who_of(self, "fit")
  local d, _
  X, _, d = base.matrix(who, X)
  local k = self.k
  if k ~= "all" and (type(k) ~= "number" or k < 0 or k > d) then
    raise(who, "k should be 0 <= k <= n_features = %d; got %s; use k = \"all\" to keep every feature", d, tostring(k))
  end
  local scores, p = self.score_func(X, y)
  self.scores, self.pvalues = scores, p
  local mask = torch.ByteTensor(d):zero()
  if k == "all" then mask:fill(1)
  elseif k > 0 then
    -- stable order by score, NaN lowest; the last k win (ties: later columns)
    local order = {}
    for j = 1, d do order[j] = j end
    local s = scores:totable()
    table.sort(order, function(a, b)
      local sa, sb = s[a], s[b]
      if sa ~= sa then sa = -math.huge end
      if sb ~= sb then sb = -math.huge end
      if sa ~= sb then return sa < sb end
      return a < b
    end)
    for t = d - k + 1, d do mask[order[t]] = 1 end
  end
  self._mask = mask
  return base.mark_fitted(self, d)
end

return M
