-- moonlab.ml.neighbors: nearest-neighbour models with scikit-learn's
-- parameters, results and fitted attributes: KNeighborsClassifier,
-- KNeighborsRegressor and NearestNeighbors.
--
--   local m = ml.KNeighborsClassifier{n_neighbors = 5}:fit(X, y)
--   m:predict(Xq); m:predict_proba(Xq); local dist, ind = m:kneighbors(Xq)
--
-- The search runs in kernels/knn.c (torch._knn): brute force through GEMM
-- distances, or a k-d tree for low dimensions.  Neighbours are ordered by
-- (distance, training index): of equal distances the earlier training row
-- comes first.  Indices returned to Lua are 1-based.  Not here: radius
-- neighbours, metrics other than Minkowski p = 1, 2, sparse input.
local torch = require "torch"
local base = require "moonlab.ml.base"

local K = torch._knn
local NONE = base.NONE
local M = {}

local DEFAULTS = { n_neighbors = 5, weights = "uniform", algorithm = "auto", leaf_size = 30, p = 2,
  metric = "minkowski" }

local function who(self, method) return "ml." .. self._class._name .. "." .. method end

local METRIC_P = { euclidean = 2, l2 = 2, manhattan = 1, l1 = 1, cityblock = 1 }

local function validate(self, w)
  local k = self.n_neighbors
  if math.type(k) ~= "integer" or k < 1 then
    error(string.format("%s: n_neighbors must be an integer >= 1 (got %s)", w, tostring(k)), 3)
  end
  if self._class._name ~= "NearestNeighbors" and self.weights ~= "uniform" and self.weights ~= "distance" then
    error(string.format("%s: weights must be \"uniform\" or \"distance\" (got %s)", w, tostring(self.weights)), 3)
  end
  local a = self.algorithm
  if a ~= "auto" and a ~= "brute" and a ~= "kd_tree" then
    error(string.format("%s: algorithm must be \"auto\", \"brute\" or \"kd_tree\" (got %s)", w, tostring(a)), 3)
  end
  if math.type(self.leaf_size) ~= "integer" or self.leaf_size < 1 then
    error(string.format("%s: leaf_size must be an integer >= 1 (got %s)", w, tostring(self.leaf_size)), 3)
  end
  if self.metric == "minkowski" then
    if self.p ~= 1 and self.p ~= 2 then
      error(string.format("%s: p must be 1 or 2 (got %s)", w, tostring(self.p)), 3)
    end
  elseif not METRIC_P[self.metric] then
    error(string.format("%s: metric must be \"minkowski\", \"euclidean\" or \"manhattan\" (got %s)", w,
      tostring(self.metric)), 3)
  end
end

-- Methods the three classes share: fit (the search structure), kneighbors.
local NN = base.inherit(base.Estimator)

-- Stores the training rows and builds the tree when the algorithm asks for one.
local function fit_search(self, w, X)
  local n, d
  X, n, d = base.matrix(w, X)
  local p = METRIC_P[self.metric] or self.p
  local algo = self.algorithm
  if algo == "auto" then
    -- scikit-learn's rule: brute force for many features or many neighbours
    algo = (d > 15 or self.n_neighbors >= n // 2) and "brute" or "kd_tree"
  end
  rawset(self, "_X", X)
  rawset(self, "_p", p)
  rawset(self, "fit_method", algo)
  rawset(self, "n_samples_fit", n)
  rawset(self, "effective_metric", p == 2 and "euclidean" or "manhattan")
  if algo == "kd_tree" then
    local perm, nodes, bounds = K.kdtree_build(X, self.leaf_size)
    rawset(self, "_tree", { perm = perm, nodes = nodes, bounds = bounds })
  else
    rawset(self, "_tree", nil)
  end
  return X, n, d
end

-- dist, idx (0-based) of the k nearest training rows of every row of Q.
local function search(self, w, Q, k)
  local t = rawget(self, "_tree")
  if t then return K.kdtree_query(self._X, t.perm, t.nodes, t.bounds, Q, k, self._p, w) end
  return K.brute(Q, self._X, k, self._p, w)
end

local function check_k(self, w, k, n_fit, query_is_train)
  local avail = query_is_train and n_fit - 1 or n_fit
  if math.type(k) ~= "integer" or k < 1 then
    error(string.format("%s: n_neighbors must be an integer >= 1 (got %s)", w, tostring(k)), 3)
  end
  if k > avail then
    error(string.format("%s: expected n_neighbors <= %d (the training rows%s), got %d", w, avail,
      query_is_train and " other than the query itself" or "", k), 3)
  end
end

-- The neighbours of the rows of X (or, X nil, of every training row without
-- itself, as scikit-learn's kneighbors() does).  Returns dist, idx (0-based).
local function neighbors_of(self, w, X, k)
  base.fitted(self, w)
  k = k or self.n_neighbors
  if X == nil or X == NONE then
    local n = self.n_samples_fit
    check_k(self, w, k, n, true)
    local dist, idx = search(self, w, self._X, k + 1)
    -- drop the query row itself; when duplicates pushed it out, drop the last
    local d2, i2 = torch.DoubleTensor(n, k), torch.LongTensor(n, k)
    local D, I = dist:totable(), idx:totable()
    for r = 1, n do
      local skip = k + 1
      for j = 1, k + 1 do if I[r][j] == r - 1 then skip = j; break end end
      local c = 0
      for j = 1, k + 1 do
        if j ~= skip then
          c = c + 1
          d2[r][c] = D[r][j]
          i2[r][c] = I[r][j]
        end
      end
    end
    return d2, i2
  end
  local Q = base.matrix(w, X)
  base.check_features(w, self, Q)
  check_k(self, w, k, self.n_samples_fit, false)
  return search(self, w, Q, k)
end

--- m:kneighbors([X [, n_neighbors [, return_distance]]]) -> dist, ind.
function NN:kneighbors(X, k, return_distance)
  local dist, idx = neighbors_of(self, who(self, "kneighbors"), X, k)
  idx:add(1)
  if return_distance == false then return idx end
  return dist, idx
end

-- scikit-learn's distance weights: 1/d, and a row with a zero distance gives
-- weight 1 to its exact matches and 0 to the others.
local function distance_weights(dist)
  local w = torch.DoubleTensor(dist:size()):fill(1):cdiv(dist)
  local inf = w:eq(math.huge)
  local rows = inf:double():sum(2):gt(0):view(-1)
  if rows:sum() > 0 then
    local n, k = dist:size(1), dist:size(2)
    for r = 1, n do
      if rows[r] == 1 then
        for j = 1, k do w[r][j] = inf[r][j] == 1 and 1 or 0 end
      end
    end
  end
  return w
end

local function weights_of(self, dist)
  if self.weights == "distance" then return distance_weights(dist) end
  return nil
end

-- NearestNeighbors --------------------------------------------------------

local NNcls = base.inherit(NN)
M.NearestNeighbors = base.estimator("NearestNeighbors", { n_neighbors = 5, algorithm = "auto",
  leaf_size = 30, p = 2, metric = "minkowski" }, NNcls)
M.NearestNeighbors._validate = validate

--- m:fit(X) -> m: stores the rows to search (and builds the tree).
function NNcls:fit(X)
  local _, _, d = fit_search(self, who(self, "fit"), X)
  return base.mark_fitted(self, d)
end

-- KNeighborsClassifier ----------------------------------------------------

local KC = base.inherit(NN)
setmetatable(KC, { __index = function(_, k)
  local v = NN[k]
  if v ~= nil then return v end
  return base.Classifier[k]
end })
M.KNeighborsClassifier = base.estimator("KNeighborsClassifier", DEFAULTS, KC)
M.KNeighborsClassifier._validate = validate

--- m:fit(X, y) -> m.
function KC:fit(X, y)
  local w = who(self, "fit")
  local _, n, d = fit_search(self, w, X)
  local classes, codes = base.encode(w, y, n)
  rawset(self, "classes", classes)
  rawset(self, "_codes", codes:long():add(-1))
  return base.mark_fitted(self, d)
end

--- m:predict_proba(X) -> N x K class probabilities (m.classes order).
function KC:predict_proba(X)
  local w = who(self, "predict_proba")
  local dist, idx = neighbors_of(self, w, X)
  return K.vote(self._codes, idx, weights_of(self, dist), self.classes:size(1))
end

--- m:predict(X) -> N labels: the class of largest (weighted) vote, the
-- smallest label on ties.
function KC:predict(X)
  local w = who(self, "predict")
  local dist, idx = neighbors_of(self, w, X)
  local P = K.vote(self._codes, idx, weights_of(self, dist), self.classes:size(1))
  local _, arg = P:max(2)
  return self.classes:index(1, arg:view(-1))
end

--- m:score(X, y) -> mean accuracy.
KC.score = base.Classifier.score

-- KNeighborsRegressor -----------------------------------------------------

local KR = base.inherit(NN)
setmetatable(KR, { __index = function(_, k)
  local v = NN[k]
  if v ~= nil then return v end
  return base.Regressor[k]
end })
M.KNeighborsRegressor = base.estimator("KNeighborsRegressor", DEFAULTS, KR)
M.KNeighborsRegressor._validate = validate

--- m:fit(X, y) -> m.
function KR:fit(X, y)
  local w = who(self, "fit")
  local _, n, d = fit_search(self, w, X)
  rawset(self, "_y", base.vector(w, y, n))
  return base.mark_fitted(self, d)
end

--- m:predict(X) -> N predictions: the mean (or 1/distance-weighted mean) of
-- the neighbours' targets.
function KR:predict(X)
  local w = who(self, "predict")
  local dist, idx = neighbors_of(self, w, X)
  local m, k = idx:size(1), idx:size(2)
  local Y = self._y:index(1, idx:view(-1):add(1)):view(m, k)
  local wt = weights_of(self, dist)
  if not wt then return Y:sum(2):div(k):view(m) end
  return Y:cmul(wt):sum(2):cdiv(wt:sum(2)):view(m)
end

--- m:score(X, y) -> R^2.
KR.score = base.Regressor.score

return M
