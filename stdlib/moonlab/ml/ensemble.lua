-- moonlab.ml.ensemble: tree ensembles with scikit-learn's parameters:
-- RandomForestClassifier/Regressor, ExtraTreesClassifier/Regressor,
-- HistGradientBoostingClassifier/Regressor and IsolationForest.  Trees are
-- grown in C (torch._tree): a forest's trees in parallel with OpenMP, each
-- from its own seeded random stream, so results depend on the seed only, not
-- on the thread count.  This file draws the seeds, averages the trees'
-- predictions, and computes out-of-bag scores and importances.
-- Not here: warm_start, class_weight, multi-output targets, categorical
-- features in boosting, monotonic constraints.
local torch = require "torch"
local base = require "moonlab.ml.base"
local C = require "moonlab.ml.tree_core"
local tree = require "moonlab.ml.tree"

local M = {}

-- ---------------------------------------------------------------------------
-- Forests

local Forest = {} -- methods shared by the four forest classes

local function n_jobs(who, v)
  if v == nil or v == base.NONE or v == -1 then return 0 end
  if math.type(v) ~= "integer" or v < 1 then
    error(string.format("%s: n_jobs must be none, -1 or an integer >= 1 (got %s)", who, tostring(v)), 3)
  end
  return v
end

local function max_samples(who, v, n)
  if v == nil or v == base.NONE then return n end
  if math.type(v) == "integer" then
    if v < 1 or v > n then error(string.format("%s: max_samples must be in 1..%d (got %d)", who, n, v), 3) end
    return v
  end
  if math.type(v) == "float" and v > 0 and v <= 1 then return math.max(1, math.floor(n * v + 0.5)) end
  error(string.format("%s: max_samples must be none, an integer or a fraction in (0, 1] (got %s)", who,
    tostring(v)), 3)
end

-- Wraps a kernel tree as a fitted single-tree estimator (m.estimators[i]).
local function as_estimator(Cls, t, classes, d)
  local m = Cls{}
  m.tree = t
  m.classes = classes
  if classes then m.n_classes = classes:size(1) end
  m.feature_importances = C.importances(t)
  return base.mark_fitted(m, d)
end

local function forest_fit(self, X, y, sample_weight, classify, splitter)
  local name = self._class._name
  local who = "ml." .. name .. ".fit"
  local n, d
  X, n, d = base.matrix(who, X)
  local codes
  if classify then
    local classes
    classes, codes = base.encode(who, y, n)
    self.classes, self.n_classes = classes, classes:size(1)
    codes = codes:double():add(-1)
  else
    codes = base.vector(who, y, n)
  end
  if math.type(self.n_estimators) ~= "integer" or self.n_estimators < 1 then
    error(string.format("%s: n_estimators must be an integer >= 1 (got %s)", who, tostring(self.n_estimators)), 2)
  end
  -- m.oob_score is the fitted score after fit (scikit-learn's oob_score_), so
  -- the parameter is read from the parameter table
  local want_oob = self._params.oob_score
  rawset(self, "oob_score", nil)
  if want_oob and not self.bootstrap then
    error(who .. ": oob_score needs bootstrap = true", 2)
  end
  local w = C.weights(who, sample_weight, n)
  local opts = {
    criterion = C.criterion(who, self.criterion, classify),
    splitter = splitter,
    max_depth = C.depth(who, self.max_depth),
    min_samples_split = C.count(who, "min_samples_split", self.min_samples_split, n, 2),
    min_samples_leaf = C.count(who, "min_samples_leaf", self.min_samples_leaf, n, 1),
    max_features = C.max_features(who, self.max_features, d),
    min_impurity_decrease = self.min_impurity_decrease,
    k = classify and self.n_classes or 1,
    seeds = C.seeds(self.seed, self.n_estimators),
    sampling = self.bootstrap and "bootstrap" or "all",
    max_samples = self.bootstrap and max_samples(who, self.max_samples, n) or n,
    counts = want_oob and true or false,
    threads = n_jobs(who, self.n_jobs),
  }
  local trees, counts = torch._tree.fit_forest(C.transposed(X), codes, w, opts)
  local Single = classify and tree.DecisionTreeClassifier or tree.DecisionTreeRegressor
  if splitter == "random" then Single = classify and tree.ExtraTreeClassifier or tree.ExtraTreeRegressor end
  self.estimators = {}
  local imp, used = torch.zeros(d), 0
  for i, t in ipairs(trees) do
    self.estimators[i] = as_estimator(Single, t, self.classes, d)
    if t.node_count > 1 then
      imp:add(self.estimators[i].feature_importances)
      used = used + 1
    end
  end
  if used > 0 and imp:sum() > 0 then imp:div(imp:sum()) end
  self.feature_importances = imp
  base.mark_fitted(self, d)
  if want_oob then
    local Xs = C.single(X)
    local k = classify and self.n_classes or 1
    local acc, hits = torch.zeros(n, k), torch.zeros(n)
    for i, t in ipairs(trees) do
      local out = counts[i]:eq(0):double()
      local v = C.leaf_values(t, Xs)
      if classify then v = C.normalized(v) end
      acc:add(v:cmul(out:view(n, 1):expandAs(v)))
      hits:add(out)
    end
    local seen = hits:gt(0)
    local nseen = seen:sum()
    if nseen == 0 then error(who .. ": no sample is out of bag; use more estimators", 2) end
    hits[hits:eq(0)] = 1
    acc:cdiv(hits:view(n, 1):expandAs(acc))
    local idx = torch.range(1, n):long():maskedSelect(seen)
    if classify then
      self.oob_decision_function = acc
      local pred = C.argmax_classes(self.classes, acc:index(1, idx))
      self.oob_score = pred:eq(self.classes:index(1, (codes:index(1, idx) + 1):long())):double():mean()
    else
      self.oob_prediction = acc:select(2, 1):contiguous()
      local yt, p = codes:index(1, idx), self.oob_prediction:index(1, idx)
      local ss_res, ss_tot = (yt - p):pow(2):sum(), (yt - yt:mean()):pow(2):sum()
      self.oob_score = ss_tot > 0 and 1 - ss_res / ss_tot or (ss_res == 0 and 1 or 0)
    end
  end
  return self
end

local function forest_input(self, X, method)
  local who = "ml." .. self._class._name .. "." .. method
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return C.single(X)
end

-- Mean over the trees of their (N x K) leaf values (probabilities for classifiers).
local function forest_mean(self, X, classify)
  local acc
  for _, e in ipairs(self.estimators) do
    local v = C.leaf_values(e.tree, X)
    if classify then v = C.normalized(v) end
    if acc then acc:add(v) else acc = v end
  end
  return acc:div(#self.estimators)
end

--- m:apply(X) -> LongTensor (N x n_estimators): the leaf each row reaches in each tree.
function Forest:apply(X)
  X = forest_input(self, X, "apply")
  local out = torch.LongTensor(X:size(1), #self.estimators)
  for i, e in ipairs(self.estimators) do out:select(2, i):copy(torch._tree.apply(e.tree, X)) end
  return out
end

local ForestClassifier = base.inherit(base.Classifier)
local ForestRegressor = base.inherit(base.Regressor)
for k, v in pairs(Forest) do ForestClassifier[k], ForestRegressor[k] = v, v end

--- m:fit(X, y [, sample_weight]) -> m.  Grows n_estimators trees, on both cores.
function ForestClassifier:fit(X, y, sample_weight)
  return forest_fit(self, X, y, sample_weight, true, self._class._splitter)
end
--- m:predict_proba(X) -> (N x K) the mean of the trees' class probabilities.
function ForestClassifier:predict_proba(X)
  return forest_mean(self, forest_input(self, X, "predict_proba"), true)
end
--- m:predict(X) -> (N) the class of largest mean probability.
function ForestClassifier:predict(X)
  return C.argmax_classes(self.classes, forest_mean(self, forest_input(self, X, "predict"), true))
end

--- m:fit(X, y [, sample_weight]) -> m.
function ForestRegressor:fit(X, y, sample_weight)
  return forest_fit(self, X, y, sample_weight, false, self._class._splitter)
end
--- m:predict(X) -> (N) the mean of the trees' predictions.
function ForestRegressor:predict(X)
  return forest_mean(self, forest_input(self, X, "predict"), false):select(2, 1):contiguous()
end

local function forest_defaults(classify, extra)
  return {
    n_estimators = 100, criterion = classify and "gini" or "squared_error", max_depth = base.NONE,
    min_samples_split = 2, min_samples_leaf = 1, max_features = classify and "sqrt" or 1.0,
    min_impurity_decrease = 0.0, bootstrap = not extra, oob_score = false, n_jobs = base.NONE,
    seed = base.NONE, max_samples = base.NONE,
  }
end

local function forest_class(name, classify, extra)
  local cls = base.estimator(name, forest_defaults(classify, extra),
    classify and ForestClassifier or ForestRegressor)
  rawset(cls, "_splitter", extra and "random" or "best")
  return cls
end

M.RandomForestClassifier = forest_class("RandomForestClassifier", true, false)
M.RandomForestRegressor = forest_class("RandomForestRegressor", false, false)
M.ExtraTreesClassifier = forest_class("ExtraTreesClassifier", true, true)
M.ExtraTreesRegressor = forest_class("ExtraTreesRegressor", false, true)

-- ---------------------------------------------------------------------------
-- Histogram gradient boosting

local Boosting = {} -- methods shared by the two boosting classes

-- Rows of X split into (train, validation) index tensors: validation_fraction
-- of the rows drawn with the generator, per class when codes are given.
local function validation_split(n, frac, g, codes, k)
  local is_val = torch.ByteTensor(n):zero()
  local function take(ids)
    local m = ids:size(1)
    local nv = math.floor(frac * m + 0.5)
    if nv == 0 then return end
    local perm = torch.randperm(g, m):long()
    for i = 1, nv do is_val[ids[perm[i]]] = 1 end
  end
  local all = torch.range(1, n):long()
  if codes then
    for c = 0, k - 1 do
      local ids = all:maskedSelect(codes:eq(c))
      if ids:nElement() > 0 then take(ids) end
    end
  else
    take(all)
  end
  return all:maskedSelect(is_val:eq(0)), all:maskedSelect(is_val:eq(1))
end

-- A new (K x n) tensor whose columns are the baseline (never a view of it).
local function repeat_baseline(baseline, n)
  local k = baseline:size(1)
  return torch.Tensor(k, n):copy(baseline:view(k, 1):expand(k, n))
end

local function should_stop(scores, n_iter_no_change, tol)
  local ref_pos = n_iter_no_change + 1
  if #scores < ref_pos then return false end
  local ref = scores[#scores - ref_pos + 1] + tol
  for i = #scores - ref_pos + 2, #scores do
    if scores[i] > ref then return false end
  end
  return true
end

local function boost_fit(self, X, y, classify)
  local name = self._class._name
  local who = "ml." .. name .. ".fit"
  local n, d
  X, n, d = base.matrix(who, X, { allow_nan = true })
  local yt, k, loss
  if classify then
    local classes, codes = base.encode(who, y, n)
    self.classes, self.n_classes = classes, classes:size(1)
    if self.n_classes < 2 then error(who .. ": y has a single class; a classifier needs at least 2", 2) end
    yt = codes:double():add(-1)
    if self.loss ~= "log_loss" then
      error(string.format("%s: loss must be \"log_loss\" (got %s)", who, tostring(self.loss)), 2)
    end
    loss = self.n_classes == 2 and "log_loss" or "softmax"
    k = self.n_classes == 2 and 1 or self.n_classes
  else
    yt = base.vector(who, y, n)
    if self.loss ~= "squared_error" then
      error(string.format("%s: loss must be \"squared_error\" (got %s)", who, tostring(self.loss)), 2)
    end
    loss, k = "squared_error", 1
  end
  if math.type(self.max_iter) ~= "integer" or self.max_iter < 1 then
    error(string.format("%s: max_iter must be an integer >= 1 (got %s)", who, tostring(self.max_iter)), 2)
  end
  if math.type(self.max_bins) ~= "integer" or self.max_bins < 2 or self.max_bins > 255 then
    error(string.format("%s: max_bins must be an integer in 2..255 (got %s)", who, tostring(self.max_bins)), 2)
  end
  if not (type(self.learning_rate) == "number" and self.learning_rate > 0) then
    error(string.format("%s: learning_rate must be > 0 (got %s)", who, tostring(self.learning_rate)), 2)
  end
  local mln = self.max_leaf_nodes
  if mln ~= base.NONE and (math.type(mln) ~= "integer" or mln < 2) then
    error(string.format("%s: max_leaf_nodes must be none or an integer >= 2 (got %s)", who, tostring(mln)), 2)
  end
  local es = self.early_stopping
  if es == "auto" then es = n > 10000
  elseif type(es) ~= "boolean" then
    error(string.format("%s: early_stopping must be \"auto\", true or false (got %s)", who, tostring(es)), 2)
  end
  local g = base.generator(self.seed)
  local Xtr, ytr, Xval, yval = X, yt, nil, nil
  if es then
    local tr, va = validation_split(n, self.validation_fraction, g, classify and yt or nil, self.n_classes)
    if va:nElement() == 0 then error(who .. ": validation_fraction leaves no validation rows", 2) end
    Xtr, ytr, Xval, yval = X:index(1, tr), yt:index(1, tr), X:index(1, va), yt:index(1, va)
  end
  local ntr = Xtr:size(1)
  local bins, thr, nthr, hm = torch._tree.hgb_bin(Xtr, self.max_bins)
  -- baseline: the constant raw prediction of least loss
  local baseline = torch.zeros(k)
  if loss == "squared_error" then baseline[1] = ytr:mean()
  elseif loss == "log_loss" then
    local p = math.min(math.max(ytr:mean(), 1e-15), 1 - 1e-15)
    baseline[1] = math.log(p / (1 - p))
  else
    for c = 1, k do baseline[c] = math.log(math.max(ytr:eq(c - 1):double():mean(), 1e-15)) end
    baseline:add(-baseline:mean())
  end
  local raw = repeat_baseline(baseline, ntr)
  local gr, he = torch.zeros(k, ntr), torch.zeros(k, ntr)
  local rawv = es and repeat_baseline(baseline, Xval:size(1)) or nil
  local opts = {
    max_leaf_nodes = mln == base.NONE and -1 or mln,
    max_depth = C.depth(who, self.max_depth),
    min_samples_leaf = C.count(who, "min_samples_leaf", self.min_samples_leaf, ntr, 1),
    l2_regularization = self.l2_regularization,
    learning_rate = self.learning_rate,
  }
  local predictors, scores = {}, {}
  if es then scores[1] = -torch._tree.hgb_loss(loss, yval, rawv) end
  for it = 1, self.max_iter do
    torch._tree.hgb_gradients(loss, ytr, raw, gr, he)
    local trees = {}
    for c = 1, k do
      trees[c] = torch._tree.hgb_grow(bins, nthr, thr, hm, gr[c], he[c], raw[c], opts)
      if es then torch._tree.hgb_predict(trees[c], Xval, rawv[c]) end
    end
    predictors[it] = trees
    if es then
      scores[#scores + 1] = -torch._tree.hgb_loss(loss, yval, rawv)
      if should_stop(scores, self.n_iter_no_change, self.tol) then break end
    end
  end
  self.predictors = predictors
  self.n_iter = #predictors
  self.n_trees_per_iteration = k
  -- gain importances (LightGBM's "gain"): each split's loss reduction summed
  -- per feature over all trees, normalized to sum 1 (all zero without splits)
  local imp = torch.zeros(d)
  for _, trees in ipairs(predictors) do
    for _, t in ipairs(trees) do
      local f, gain = t.feature, t.gain
      for i = 1, t.node_count do
        local j = f[i]
        if j > 0 then imp[j] = imp[j] + gain[i] end
      end
    end
  end
  local total = imp:sum()
  self.feature_importances = total > 0 and imp:div(total) or imp
  self.baseline = baseline
  self.do_early_stopping = es
  self.validation_score = es and torch.Tensor(scores) or nil
  self.bin_thresholds = thr
  self._loss = loss
  return base.mark_fitted(self, d)
end

-- (K x N) raw predictions: the baseline plus every tree's value.
local function raw_predict(self, X, method)
  local who = "ml." .. self._class._name .. "." .. method
  base.fitted(self, who)
  X = base.matrix(who, X, { allow_nan = true })
  base.check_features(who, self, X)
  local k, n = self.n_trees_per_iteration, X:size(1)
  local raw = repeat_baseline(self.baseline, n)
  for _, trees in ipairs(self.predictors) do
    for c = 1, k do torch._tree.hgb_predict(trees[c], X, raw[c]) end
  end
  return raw
end

local BoostClassifier = base.inherit(base.Classifier)
local BoostRegressor = base.inherit(base.Regressor)
for kname, v in pairs(Boosting) do BoostClassifier[kname], BoostRegressor[kname] = v, v end

--- m:fit(X, y) -> m.  Boosts up to max_iter rounds of trees (K per round for
-- K > 2 classes); X may hold NaN (missing values go to the better side).
function BoostClassifier:fit(X, y) return boost_fit(self, X, y, true) end
--- m:decision_function(X) -> (N) logits for two classes, (N x K) otherwise.
function BoostClassifier:decision_function(X)
  local raw = raw_predict(self, X, "decision_function")
  if raw:size(1) == 1 then return raw[1]:clone() end
  return raw:t():contiguous()
end
--- m:predict_proba(X) -> (N x K) class probabilities (sigmoid or softmax of the raw scores).
function BoostClassifier:predict_proba(X)
  local raw = raw_predict(self, X, "predict_proba")
  local n = raw:size(2)
  if raw:size(1) == 1 then
    local p1 = torch.sigmoid(raw[1])
    local P = torch.Tensor(n, 2)
    P:select(2, 2):copy(p1)
    P:select(2, 1):fill(1):add(-1, p1)
    return P
  end
  local R = raw:t():contiguous()
  local mx = R:max(2)
  R:add(-1, mx:expandAs(R)):exp()
  return R:cdiv(R:sum(2):expandAs(R))
end
--- m:predict(X) -> (N) the most probable class.
function BoostClassifier:predict(X)
  return C.argmax_classes(self.classes, self:predict_proba(X))
end

--- m:fit(X, y) -> m.  Boosts up to max_iter trees on the squared error.
function BoostRegressor:fit(X, y) return boost_fit(self, X, y, false) end
--- m:predict(X) -> (N) predictions.
function BoostRegressor:predict(X)
  return raw_predict(self, X, "predict")[1]:clone()
end

local function boost_defaults(classify)
  return {
    loss = classify and "log_loss" or "squared_error", learning_rate = 0.1, max_iter = 100,
    max_leaf_nodes = 31, max_depth = base.NONE, min_samples_leaf = 20, l2_regularization = 0.0,
    max_bins = 255, early_stopping = "auto", validation_fraction = 0.1, n_iter_no_change = 10,
    tol = 1e-7, seed = base.NONE,
  }
end

M.HistGradientBoostingClassifier = base.estimator("HistGradientBoostingClassifier", boost_defaults(true),
  BoostClassifier)
M.HistGradientBoostingRegressor = base.estimator("HistGradientBoostingRegressor", boost_defaults(false),
  BoostRegressor)

-- ---------------------------------------------------------------------------
-- Isolation forest

local Isolation = base.inherit(base.Estimator)

-- Average path length of an unsuccessful search in a binary search tree of
-- n points (Liu et al.), scikit-learn's _average_path_length.
local EULER = 0.5772156649015329
local function average_path_length(n)
  if n <= 1 then return 0 end
  if n == 2 then return 1 end
  return 2 * (math.log(n - 1) + EULER) - 2 * (n - 1) / n
end

--- m:fit(X) -> m.  Grows n_estimators isolation trees, each on max_samples
-- rows drawn without replacement, with random features and thresholds, to
-- depth ceil(log2(max_samples)); sets offset from contamination.
function Isolation:fit(X)
  local who = "ml.IsolationForest.fit"
  local n, d
  X, n, d = base.matrix(who, X)
  if math.type(self.n_estimators) ~= "integer" or self.n_estimators < 1 then
    error(string.format("%s: n_estimators must be an integer >= 1 (got %s)", who, tostring(self.n_estimators)), 2)
  end
  local ms = self.max_samples
  if ms == "auto" then ms = math.min(256, n)
  elseif math.type(ms) == "integer" then
    if ms < 1 then error(string.format("%s: max_samples must be >= 1 (got %d)", who, ms), 2) end
    ms = math.min(ms, n)
  elseif math.type(ms) == "float" and ms > 0 and ms <= 1 then ms = math.max(1, math.floor(ms * n))
  else
    error(string.format("%s: max_samples must be \"auto\", an integer or a fraction in (0, 1] (got %s)", who,
      tostring(ms)), 2)
  end
  local cont = self.contamination
  if cont ~= "auto" and not (type(cont) == "number" and cont > 0 and cont <= 0.5) then
    error(string.format("%s: contamination must be \"auto\" or a number in (0, 0.5] (got %s)", who, tostring(cont)), 2)
  end
  local depth = math.ceil(math.log(math.max(ms, 2), 2))
  local opts = {
    criterion = "isolation", splitter = "random", max_depth = depth, min_samples_split = 2,
    min_samples_leaf = 1, max_features = 1, k = 1, seeds = C.seeds(self.seed, self.n_estimators),
    sampling = self.bootstrap and "bootstrap" or "subsample", max_samples = ms,
    threads = n_jobs(who, self.n_jobs),
  }
  local trees = torch._tree.fit_forest(C.transposed(X), torch.zeros(n), nil, opts)
  -- per tree and node: depth + c(samples) of the leaves, the path length of a row ending there
  for _, t in ipairs(trees) do
    local pl = t.depth:double()
    local ns = t.n_node_samples
    for i = 1, t.node_count do pl[i] = pl[i] + average_path_length(ns[i]) end
    t.path_length = pl
  end
  self.estimators = trees
  self.n_samples_per_tree = ms
  base.mark_fitted(self, d)
  if cont == "auto" then
    self.offset = -0.5
  else
    local sc = self:score_samples(X)
    local sorted = sc:sort()
    -- numpy's linear percentile at 100 * contamination
    local pos = cont * (n - 1) + 1
    local lo = math.floor(pos)
    local hi = math.min(lo + 1, n)
    self.offset = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
  end
  return self
end

--- m:score_samples(X) -> (N) the opposite of the anomaly score of Liu et
-- al., -2^(-E[path length] / c(max_samples)): lower is more abnormal.
function Isolation:score_samples(X)
  local who = "ml.IsolationForest.score_samples"
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  X = C.single(X)
  local n = X:size(1)
  local depth = torch.zeros(n)
  for _, t in ipairs(self.estimators) do
    depth:add(t.path_length:index(1, torch._tree.apply(t, X)))
  end
  depth:div(#self.estimators * average_path_length(self.n_samples_per_tree))
  return depth:mul(-math.log(2)):exp():mul(-1)
end

--- m:decision_function(X) -> (N) score_samples(X) - offset: negative for outliers.
function Isolation:decision_function(X)
  base.fitted(self, "ml.IsolationForest.decision_function")
  return self:score_samples(X):add(-self.offset)
end

--- m:predict(X) -> (N) 1 for inliers, -1 for outliers.
function Isolation:predict(X)
  base.fitted(self, "ml.IsolationForest.predict")
  local dfn = self:decision_function(X)
  local out = torch.ones(dfn:size(1))
  out[dfn:lt(0)] = -1
  return out
end

--- m:fit_predict(X) -> m:fit(X):predict(X).
function Isolation:fit_predict(X)
  return self:fit(X):predict(X)
end

M.IsolationForest = base.estimator("IsolationForest", {
  n_estimators = 100, max_samples = "auto", contamination = "auto", bootstrap = false,
  n_jobs = base.NONE, seed = base.NONE,
}, Isolation)

return M
