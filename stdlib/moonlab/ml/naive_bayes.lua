-- moonlab.ml.naive_bayes: naive Bayes classifiers with scikit-learn's
-- definitions, parameters and fitted attributes (names without the trailing
-- underscore): GaussianNB, MultinomialNB, BernoulliNB, CategoricalNB.
--
--   local m = ml.GaussianNB():fit(X, y)
--   m:predict_proba(X)                -- N x K, classes in m.classes order
--   m:partial_fit(X1, y1, classes); m:partial_fit(X2, y2)   -- out of core
--
-- Every model is a table of sufficient statistics (counts, means, variances)
-- updated by partial_fit, so fitting in chunks equals fitting at once (up to
-- GaussianNB's epsilon, which, as in scikit-learn, comes from the last
-- chunk).  The work is matrix products and element-wise tensor ops (BLAS and
-- the tensor kernels); no loop here runs per sample.  Not here: ComplementNB,
-- sparse input.
local torch = require "torch"
local base = require "moonlab.ml.base"

local NONE = base.NONE
local M = {}

-- Common parts --------------------------------------------------------------

-- The methods all four classifiers share (predict, predict_proba ...); each
-- class supplies _jll(self, X) -> the joint log likelihood as a K x N tensor
-- (one contiguous row per class: the per-class loops below then run over
-- long contiguous rows, and matrix products give that layout directly) and
-- _check_X.
local NB = base.inherit(base.Classifier)

local function who(self, method) return "ml." .. self._class._name .. "." .. method end

-- Normalizes a K x N joint log likelihood in place into log P(class | x)
-- (log_space) or P(class | x): subtract the per-sample maximum, then the log
-- of the sum of the exponentials.  Returns the tensor.
local function normalize(jllT, log_space)
  local k = jllT:size(1)
  local m = jllT[1]:clone()
  for c = 2, k do m:cmax(jllT[c]) end
  local e = torch.DoubleTensor(jllT:size())
  local s = torch.DoubleTensor(jllT:size(2)):zero()
  for c = 1, k do
    local ec = e[c]
    torch.add(ec, jllT[c], -1, m)
    ec:exp()
    s:add(ec)
  end
  if log_space then
    s:log():add(m)
    for c = 1, k do jllT[c]:add(-1, s) end
    return jllT
  end
  for c = 1, k do e[c]:cdiv(s) end
  return e
end

-- A list, tensor or nil/NONE as a 1-D DoubleTensor (or nil).
local function opt_vector(w, name, v, k)
  if v == nil or v == NONE then return nil end
  local t = torch.isTensor(v) and v:double():contiguous():view(-1) or torch.DoubleTensor(v)
  if k and t:nElement() ~= k then
    error(string.format("%s: %s has %d values, expected %d", w, name, t:nElement(), k), 3)
  end
  return t
end

-- classes (sorted distinct labels, a DoubleTensor) and the 1-based class
-- index of every label of y; labels outside classes raise.
local function label(v)
  return math.tointeger(v) and string.format("%d", v) or string.format("%.17g", v)
end

local function class_codes(w, classes, y)
  local k = classes:size(1)
  local cl = classes:totable()
  local index = {}
  for i, c in ipairs(cl) do index[c] = i end
  -- map the distinct labels of y (few), then gather through their codes
  local values, inverse = torch.unique(y, true, true)
  local map = torch.LongTensor(values:size(1))
  for i, v in ipairs(values:totable()) do
    local c = index[v]
    if not c then
      local names = {}
      for j = 1, math.min(k, 20) do names[j] = label(cl[j]) end
      error(string.format("%s: label %s of y is not one of the classes (%s%s)", w, label(v),
        table.concat(names, ", "), k > 20 and ", ..." or ""), 3)
    end
    map[i] = c
  end
  return map:index(1, inverse)
end

-- One-hot N x K DoubleTensor of 1-based codes, times the sample weights.
local function one_hot(codes, k, sw)
  local Y = torch.DoubleTensor(codes:size(1), k):zero()
  Y:scatter(2, codes:view(-1, 1), 1)
  if sw then Y:cmul(sw:view(-1, 1):expand(codes:size(1), k)) end
  return Y
end

-- Sets up a first partial_fit (classes given) or checks a later one.
-- Returns X, y codes, sample weights, and whether this is the first call.
local function prepare(self, method, X, y, classes, sample_weight, first_required)
  local w = who(self, method)
  local n, d
  X, n, d = base.matrix(w, X)
  local yv = base.vector(w, y, n)
  local first = rawget(self, "_fitted") ~= true
  if first_required then first = true end
  if yv:ne(yv):sum() > 0 then error(string.format("%s: y contains NaN", w), 3) end
  local codes
  if first then
    if classes == nil or classes == NONE then
      if method == "partial_fit" then
        error(string.format("%s: classes must be given on the first call (every label y can take)", w), 3)
      end
      classes, codes = torch.unique(yv, true, true)   -- codes: 1-based, into classes
    else
      classes = opt_vector(w, "classes", classes)
      classes = torch.unique(classes, true)
    end
    rawset(self, "classes", classes)
  else
    base.check_features(w, self, X)
    if classes ~= nil and classes ~= NONE then
      local c = torch.unique(opt_vector(w, "classes", classes), true)
      if c:nElement() ~= self.classes:nElement() or not c:equal(self.classes) then
        error(string.format("%s: classes differ from those of the first call", w), 3)
      end
    end
  end
  codes = codes or class_codes(w, self.classes, yv)
  local sw = opt_vector(w, "sample_weight", sample_weight, n)
  if sw and sw:lt(0):sum() > 0 then error(string.format("%s: sample_weight must be >= 0", w), 3) end
  return X, codes, sw, first, d
end

local function predict_input(self, method, X)
  local w = who(self, method)
  base.fitted(self, w)
  local Xc = base.matrix(w, X)
  base.check_features(w, self, Xc)
  return self:_check_X(w, Xc)
end

--- m:predict_joint_log_proba(X) -> N x K: log P(x, class) for every class (m.classes order).
function NB:predict_joint_log_proba(X)
  return self:_jll(predict_input(self, "predict_joint_log_proba", X)):t():contiguous()
end

--- m:predict_log_proba(X) -> N x K: log P(class | x), normalized per row.
function NB:predict_log_proba(X)
  local jllT = self:_jll(predict_input(self, "predict_log_proba", X))
  return normalize(jllT, true):t():contiguous()
end

--- m:predict_proba(X) -> N x K: P(class | x), rows summing to 1.
function NB:predict_proba(X)
  local jllT = self:_jll(predict_input(self, "predict_proba", X))
  return normalize(jllT, false):t():contiguous()
end

--- m:predict(X) -> N labels (a DoubleTensor of m.classes values): the most probable class.
function NB:predict(X)
  local jllT = self:_jll(predict_input(self, "predict", X))
  -- argmax over classes, the first one on ties (as numpy's argmax)
  local best = jllT[1]:clone()
  local idx = torch.LongTensor(jllT:size(2)):fill(1)
  for c = 2, jllT:size(1) do
    local row = jllT[c]
    idx:maskedFill(row:gt(best), c)
    best:cmax(row)
  end
  return self.classes:index(1, idx)
end

--- m:fit(X, y [, sample_weight]) -> m: fits from scratch (forgets earlier fits).
function NB:fit(X, y, sample_weight)
  rawset(self, "_fitted", false)
  local Xc, codes, sw, _, d = prepare(self, "fit", X, y, nil, sample_weight, true)
  self:_reset(d)
  self:_update(Xc, codes, sw, "fit")
  return base.mark_fitted(self, d)
end

--- m:partial_fit(X, y [, classes [, sample_weight]]) -> m: adds a batch.
-- classes (every label y can take) is required on the first call.
function NB:partial_fit(X, y, classes, sample_weight)
  local Xc, codes, sw, first, d = prepare(self, "partial_fit", X, y, classes, sample_weight, false)
  if first then self:_reset(d) end
  self:_update(Xc, codes, sw, "partial_fit")
  return base.mark_fitted(self, d)
end

-- GaussianNB -------------------------------------------------------------------

local GaussianNB = base.estimator("GaussianNB", { priors = NONE, var_smoothing = 1e-9 }, base.inherit(NB))
M.GaussianNB = GaussianNB

function GaussianNB._validate(self, w)
  if type(self.var_smoothing) ~= "number" or self.var_smoothing < 0 then
    error(string.format("%s: var_smoothing must be a number >= 0", w), 4)
  end
end

function GaussianNB:_check_X(_, X) return X end

function GaussianNB:_reset(d)
  local k = self.classes:size(1)
  self.theta = torch.DoubleTensor(k, d):zero()
  self.var = torch.DoubleTensor(k, d):zero()
  self.class_count = torch.DoubleTensor(k):zero()
  self.epsilon = 0
  if self.priors ~= NONE then
    local w = who(self, "fit")
    local p = opt_vector(w, "priors", self.priors)
    if p:nElement() ~= k then
      error(string.format("%s: priors has %d values but there are %d classes", w, p:nElement(), k), 4)
    end
    if math.abs(p:sum() - 1) > 1e-8 then error(string.format("%s: priors must sum to 1", w), 4) end
    if p:lt(0):sum() > 0 then error(string.format("%s: priors must be >= 0", w), 4) end
    self.class_prior = p
  else
    self.class_prior = torch.DoubleTensor(k):zero()
  end
end

-- Population variance of the columns of X (N x D), as numpy's var(axis=0)
-- (the reduction kernel's corrected two-pass formula).
local function col_var(X)
  return X:var(1, true)
end

function GaussianNB:_update(X, codes, sw)
  -- epsilon: a fraction of the largest feature variance of this batch,
  -- added to every variance so that none is zero (scikit-learn's rule).
  -- As scikit-learn 1.2 does, the epsilon taken off the stored variances
  -- before the update is this batch's, not the one added last time; the
  -- difference is of the order of var_smoothing and keeps results identical.
  local eps = self.var_smoothing * col_var(X):max()
  self.var:add(-eps)
  for c = 1, self.classes:size(1) do
    local rows = torch.nonzero(codes:eq(c))
    if rows:nElement() > 0 then
      rows = rows:view(-1)
      local Xi = X:index(1, rows)
      local n_new, mu, var
      if sw then
        local wi = sw:index(1, rows)
        n_new = wi:sum()
        if n_new > 0 then
          local wcol = wi:view(-1, 1):expand(Xi:size(1), Xi:size(2))
          mu = torch.cmul(Xi, wcol):sum(1):div(n_new)
          var = torch.cmul((Xi - mu):pow(2), wcol):sum(1):div(n_new)
        end
      else
        n_new = Xi:size(1)
        mu = Xi:mean(1)
        var = col_var(Xi)
      end
      if mu then
        local n_past = self.class_count[c]
        local th, va = self.theta:narrow(1, c, 1), self.var:narrow(1, c, 1)
        if n_past == 0 then
          th:copy(mu)
          va:copy(var)
        else
          -- Chan, Golub and LeVeque's pairwise update of mean and variance
          local total = n_past + n_new
          local d2 = (th - mu):pow(2):mul(n_new * n_past / total)
          local ssd = torch.mul(va, n_past):add(torch.mul(var, n_new)):add(d2)
          th:copy(torch.mul(mu, n_new):add(torch.mul(th, n_past)):div(total))
          va:copy(ssd:div(total))
        end
        self.class_count[c] = n_past + n_new
      end
    end
  end
  self.var:add(eps)
  self.epsilon = eps
  if self.priors == NONE then self.class_prior = torch.div(self.class_count, self.class_count:sum()) end
end

-- jll[i][c] = log prior_c - 1/2 sum_j log(2 pi var_cj) - 1/2 sum_j (x_ij - theta_cj)^2 / var_cj,
-- the squared deviations formed directly (no expansion of the square, which
-- would cancel badly for features far from 0), summed by a matrix-vector product.
function GaussianNB:_jll(X)
  local n, d, k = X:size(1), X:size(2), self.classes:size(1)
  local jllT = torch.DoubleTensor(k, n)
  local dev = torch.DoubleTensor(n, d)
  for c = 1, k do
    local th, va = self.theta:narrow(1, c, 1), self.var:select(1, c)
    local norm = -0.5 * torch.log(torch.mul(va, 2 * math.pi)):sum()
    torch.add(dev, X, -1, th:expand(n, d))
    dev:cmul(dev)
    local row = jllT[c]
    torch.mv(row, dev, torch.pow(va, -1))
    row:mul(-0.5):add(math.log(self.class_prior[c]) + norm)
  end
  return jllT
end

-- Discrete models (Multinomial, Bernoulli, Categorical) --------------------

local Discrete = base.inherit(NB)

local function check_alpha(self, w, d)
  local a = self.alpha
  local lower = 1e-10
  if type(a) == "number" then
    if a < 0 then error(string.format("%s: alpha must be >= 0 (got %g)", w, a), 4) end
    if a < lower and not self.force_alpha then a = lower end
    return a
  end
  local t = opt_vector(w, "alpha", a, d)
  if t:lt(0):sum() > 0 then error(string.format("%s: every alpha must be >= 0", w), 4) end
  if not self.force_alpha then t = torch.cmax(t, lower) end
  return t:view(1, d)
end

function Discrete:_update_class_log_prior(w)
  local k = self.classes:size(1)
  if self.class_prior ~= NONE then
    local p = opt_vector(w, "class_prior", self.class_prior)
    if p:nElement() ~= k then
      error(string.format("%s: class_prior has %d values but there are %d classes", w, p:nElement(), k), 4)
    end
    self.class_log_prior = torch.log(p)
  elseif self.fit_prior then
    self.class_log_prior = torch.log(self.class_count):add(-math.log(self.class_count:sum()))
  else
    self.class_log_prior = torch.DoubleTensor(k):fill(-math.log(k))
  end
end

function Discrete:_reset(d)
  local k = self.classes:size(1)
  self.class_count = torch.DoubleTensor(k):zero()
  self.feature_count = torch.DoubleTensor(k, d):zero()
end

function Discrete:_update(X, codes, sw, method)
  local w = who(self, method)
  X = self:_check_X(w, X, true)
  local k = self.classes:size(1)
  local Y = one_hot(codes, k, sw)
  self.feature_count:add(torch.mm(Y:t(), X))
  self.class_count:add(Y:sum(1):view(-1))
  self:_update_feature_log_prob(check_alpha(self, w, X:size(2)))
  self:_update_class_log_prior(w)
end

local DISCRETE = { alpha = 1.0, force_alpha = false, fit_prior = true, class_prior = NONE }
local function discrete_defaults(extra)
  local t = {}
  for k, v in pairs(DISCRETE) do t[k] = v end
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

-- MultinomialNB ---------------------------------------------------------------

local MultinomialNB = base.estimator("MultinomialNB", discrete_defaults(), base.inherit(Discrete))
M.MultinomialNB = MultinomialNB

-- Negative counts are refused in fit (as scikit-learn does), not in predict.
function MultinomialNB:_check_X(w, X, fitting)
  if fitting and X:min() < 0 then error(string.format("%s: X must be non-negative (counts)", w), 4) end
  return X
end

function MultinomialNB:_update_feature_log_prob(alpha)
  local smoothed = torch.add(self.feature_count, alpha)
  local rows = smoothed:sum(2)
  self.feature_log_prob = torch.log(smoothed) - torch.log(rows)
end

-- Adds v[c] to row c of a K x N tensor.
local function add_per_class(jllT, v)
  for c = 1, jllT:size(1) do jllT[c]:add(v[c]) end
  return jllT
end

function MultinomialNB:_jll(X)
  return add_per_class(torch.mm(self.feature_log_prob, X:t()), self.class_log_prior)
end

-- BernoulliNB -----------------------------------------------------------------

local BernoulliNB = base.estimator("BernoulliNB", discrete_defaults { binarize = 0.0 }, base.inherit(Discrete))
M.BernoulliNB = BernoulliNB

function BernoulliNB:_check_X(_, X)
  if self.binarize ~= NONE and self.binarize ~= false then
    return X:gt(self.binarize):double()
  end
  return X
end

-- log P(feature = 1 | class) = log((count + alpha) / (class count + 2 alpha));
-- with one alpha per feature the denominator is per feature too.
function BernoulliNB:_update_feature_log_prob(alpha)
  local smoothed = torch.add(self.feature_count, alpha)
  local cc = self.class_count:view(-1, 1)
  cc = type(alpha) == "number" and torch.add(cc, 2 * alpha) or (torch.mul(alpha, 2) + cc)
  self.feature_log_prob = torch.log(smoothed) - torch.log(cc)
end

function BernoulliNB:_jll(X)
  local neg = torch.exp(self.feature_log_prob):mul(-1):add(1):log()
  local jllT = torch.mm(self.feature_log_prob - neg, X:t())
  return add_per_class(jllT, torch.add(self.class_log_prior, neg:sum(2):view(-1)))
end

-- CategoricalNB ---------------------------------------------------------------

local CategoricalNB = base.estimator("CategoricalNB", discrete_defaults { min_categories = NONE },
  base.inherit(Discrete))
M.CategoricalNB = CategoricalNB

function CategoricalNB._validate(self, w)
  if type(self.alpha) ~= "number" then error(string.format("%s: alpha must be a number", w), 4) end
end

-- X must hold category codes 0, 1, 2 ... (as scikit-learn's OrdinalEncoder gives).
function CategoricalNB:_check_X(w, X)
  if X:min() < 0 or X:ne(torch.floor(X)):sum() > 0 then
    error(string.format("%s: X must hold category codes 0, 1, 2, ... (non-negative integers)", w), 4)
  end
  return X
end

function CategoricalNB:_reset(d)
  local k = self.classes:size(1)
  self.class_count = torch.DoubleTensor(k):zero()
  self.category_count = {}
  for i = 1, d do self.category_count[i] = torch.DoubleTensor(k, 0) end
  self.n_categories = torch.LongTensor(d):zero()
end

function CategoricalNB:_update(X, codes, sw, method)
  local w = who(self, method)
  X = self:_check_X(w, X)
  local k, d = self.classes:size(1), X:size(2)
  local Y = one_hot(codes, k, sw)
  self.class_count:add(Y:sum(1):view(-1))
  local mins = opt_vector(w, "min_categories", self.min_categories, d)
  local maxes = X:max(1):view(-1)
  for i = 1, d do
    local need = math.tointeger(maxes[i]) + 1
    if mins then need = math.max(need, math.tointeger(mins[i]) or need) end
    local cnt = self.category_count[i]
    if need > cnt:size(2) then
      local grown = torch.DoubleTensor(k, need):zero()
      if cnt:size(2) > 0 then grown:narrow(2, 1, cnt:size(2)):copy(cnt) end
      cnt = grown
      self.category_count[i] = cnt
    end
    self.n_categories[i] = cnt:size(2)
    -- counts of every category within every class: Y' * onehot(X[:, i])
    local onehot = one_hot(X:select(2, i):long():add(1), cnt:size(2))
    cnt:add(torch.mm(Y:t(), onehot))
  end
  self:_update_feature_log_prob(check_alpha(self, w, d))
  self:_update_class_log_prior(w)
end

function CategoricalNB:_update_feature_log_prob(alpha)
  self.feature_log_prob = {}
  for i, cnt in ipairs(self.category_count) do
    local smoothed = torch.add(cnt, alpha)
    self.feature_log_prob[i] = torch.log(smoothed) - torch.log(smoothed:sum(2))
  end
end

function CategoricalNB:_jll(X)
  local n, k = X:size(1), self.classes:size(1)
  local jllT = torch.DoubleTensor(k, n):zero()
  for i, flp in ipairs(self.feature_log_prob) do
    local col = X:select(2, i)
    local top = col:max()
    if top >= flp:size(2) then
      error(string.format("ml.CategoricalNB: feature %d has category %d, unseen in fit (which saw 0..%d)",
        i, math.tointeger(top), flp:size(2) - 1), 4)
    end
    jllT:add(flp:index(2, col:long():add(1)))
  end
  return add_per_class(jllT, self.class_log_prior)
end

return M
