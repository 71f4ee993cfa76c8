-- moonlab.ml.cluster: clustering estimators with scikit-learn's names and
-- results: KMeans, MiniBatchKMeans, KModes, KPrototypes, DBSCAN,
-- AgglomerativeClustering, GaussianMixture, and ml.elbow.
--
-- Labels are 1-based (centers[labels[i]] is row i's center); DBSCAN's noise
-- is -1.  Merge trees number the leaves 1..N and the j-th merge N + j.  The
-- hot loops (assignment, Lloyd/Elkan iterations, neighbourhoods, linkage) are
-- in kernels/kmeans.c and kernels/cluster.c (torch._cluster); this file holds
-- initialisation, parameter checks and the EM of the mixture.  Not here:
-- sample weights, sparse input, connectivity constraints.
local torch = require "torch"
local base = require "moonlab.ml.base"

local C = torch._cluster
local M = {}
local NONE = base.NONE

local function fail(who, fmt, ...)
  error(string.format("%s: " .. fmt, who, ...), 3)
end

local function is_tensor(v) return torch.isTensor(v) end

local function check_int(who, name, v, min)
  if math.type(v) ~= "integer" and not (type(v) == "number" and v == math.floor(v)) or v < min then
    fail(who, "%s must be an integer >= %d (got %s)", name, min, tostring(v))
  end
  return math.tointeger(v)
end

local function check_choice(who, name, v, choices)
  for _, c in ipairs(choices) do if v == c then return v end end
  fail(who, "%s must be one of %s (got %s)", name, table.concat(choices, ", "), tostring(v))
end

-- squared Euclidean distances (N, K) from the rows of X to the rows of Cn, exactly
local function sq_dists(X, Cn)
  local n, k = X:size(1), Cn:size(1)
  local D = torch.DoubleTensor(n, k)
  for j = 1, k do
    D:select(2, j):copy((X - Cn:narrow(1, j, 1)):pow(2):sum(2):select(2, 1))
  end
  return D
end
M._sq_dists = sq_dists

-- ---------------------------------------------------------------- KMeans

-- scikit-learn's greedy k-means++ (2 + log k local trials per center).
local function kmeanspp(X, k, gen)
  local n, d = X:size(1), X:size(2)
  local centers = torch.DoubleTensor(k, d)
  local trials = 2 + math.floor(math.log(k))
  local first = torch.random(gen, 1, n)
  centers[1]:copy(X[first])
  local closest = (X - X:narrow(1, first, 1)):pow(2):sum(2):select(2, 1)
  local pot = closest:sum()
  for c = 2, k do
    local cum = closest:cumsum(1)
    local cand = {}
    for t = 1, trials do
      local r = torch.uniform(gen) * pot
      local lo, hi = 1, n                   -- first index with cum >= r (searchsorted left)
      while lo < hi do
        local mid = (lo + hi) // 2
        if cum[mid] < r then lo = mid + 1 else hi = mid end
      end
      cand[t] = lo
    end
    local best, best_pot, best_d
    for t = 1, trials do
      local dist = (X - X:narrow(1, cand[t], 1)):pow(2):sum(2):select(2, 1)
      dist:cmin(closest)
      local p = dist:sum()
      if best_pot == nil or p < best_pot then best, best_pot, best_d = cand[t], p, dist end
    end
    centers[c]:copy(X[best])
    closest, pot = best_d, best_pot
  end
  return centers
end
M._kmeanspp = kmeanspp

local function init_centers(who, X, k, init, gen)
  if is_tensor(init) then
    if init:dim() ~= 2 or init:size(1) ~= k or init:size(2) ~= X:size(2) then
      fail(who, "init must be a %dx%d tensor of centers (got %s)", k, X:size(2),
        table.concat(init:size():totable(), "x"))
    end
    return init:double():clone():contiguous()
  elseif init == "k-means++" then
    return kmeanspp(X, k, gen)
  elseif init == "random" then
    local perm = torch.randperm(gen, X:size(1)):long():narrow(1, 1, k)
    return X:index(1, perm)
  end
  fail(who, "init must be \"k-means++\", \"random\" or a tensor of centers (got %s)", tostring(init))
end

local function mean_variance(X)
  local mu = X:mean(1)
  return (X - mu):pow(2):mean(1):mean()
end

local KMeans = base.estimator("KMeans", {
  n_clusters = 8, init = "k-means++", n_init = 10, max_iter = 300, tol = 1e-4,
  algorithm = "lloyd", seed = NONE,
}, base.Transformer)
M.KMeans = KMeans

function KMeans._validate(self, who)
  check_int(who, "n_clusters", self.n_clusters, 1)
  check_int(who, "n_init", self.n_init, 1)
  check_int(who, "max_iter", self.max_iter, 1)
  if type(self.tol) ~= "number" or self.tol < 0 then fail(who, "tol must be a number >= 0") end
  check_choice(who, "algorithm", self.algorithm, { "lloyd", "elkan" })
end

--- KMeans:fit(X) -> self: labels (N, Long, 1-based), cluster_centers (K x D),
-- inertia, n_iter.
function KMeans:fit(X)
  local who = "ml.KMeans.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local k = self.n_clusters
  if k > n then fail(who, "n_clusters = %d is larger than the number of rows (%d)", k, n) end
  local gen = base.generator(self.seed)
  local mu = X:mean(1)
  local Xc = X - mu           -- centered, as scikit-learn does, for precision
  local tol = mean_variance(X) * self.tol
  local n_init = is_tensor(self.init) and 1 or self.n_init
  local best
  for _ = 1, n_init do
    local init = self.init
    if is_tensor(init) then init = init:double() - mu end
    local centers = init_centers(who, Xc, k, init, gen)
    local labels, n_iter, inertia = C.kmeans_run(Xc, centers, self.max_iter, tol, self.algorithm == "elkan")
    if best == nil or inertia < best.inertia then
      best = { labels = labels, n_iter = n_iter, inertia = inertia, centers = centers }
    end
  end
  self.labels = best.labels:add(1)
  self.cluster_centers = best.centers:add(mu:expand(k, d))
  self.inertia = best.inertia
  self.n_iter = best.n_iter
  return base.mark_fitted(self, d)
end

local function centers_input(self, who, X)
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return X
end

--- KMeans:predict(X) -> LongTensor (N) of 1-based nearest-center labels.
function KMeans:predict(X)
  X = centers_input(self, "ml.KMeans.predict", X)
  local labels = C.kmeans_assign(X, self.cluster_centers)
  return labels:add(1)
end

--- KMeans:transform(X) -> (N x K) Euclidean distances to the centers.
function KMeans:transform(X)
  X = centers_input(self, "ml.KMeans.transform", X)
  return sq_dists(X, self.cluster_centers):sqrt()
end

--- KMeans:fit_predict(X) -> labels of fit.
function KMeans:fit_predict(X)
  return self:fit(X).labels
end

--- KMeans:score(X) -> minus the inertia of X against the fitted centers.
function KMeans:score(X)
  X = centers_input(self, "ml.KMeans.score", X)
  local _, mind = C.kmeans_assign(X, self.cluster_centers)
  return -mind:sum()
end

-- ------------------------------------------------------- MiniBatchKMeans

local MiniBatchKMeans = base.estimator("MiniBatchKMeans", {
  n_clusters = 8, init = "k-means++", max_iter = 100, batch_size = 1024, tol = 0.0,
  max_no_improvement = 10, n_init = 3, seed = NONE,
}, base.Transformer)
M.MiniBatchKMeans = MiniBatchKMeans

function MiniBatchKMeans._validate(self, who)
  check_int(who, "n_clusters", self.n_clusters, 1)
  check_int(who, "batch_size", self.batch_size, 1)
  check_int(who, "max_iter", self.max_iter, 1)
  check_int(who, "n_init", self.n_init, 1)
end

-- one mini-batch step: per-center learning rates 1/count, as scikit-learn's
-- _mini_batch_step without reassignment. Returns the batch's inertia.
local function minibatch_step(self, B)
  local labels, mind = C.kmeans_assign(B, self.cluster_centers)
  local k = self.n_clusters
  local counts = self._counts
  local sums = torch.zeros(k, B:size(2))
  sums:indexAdd(1, labels:add(1), B)
  local bc = torch.zeros(k):indexAdd(1, labels, torch.ones(B:size(1)))
  for j = 1, k do
    local c = bc[j]
    if c > 0 then
      local old = counts[j]
      local row = self.cluster_centers[j]
      row:mul(old):add(sums[j]):div(old + c)
      counts[j] = old + c
    end
  end
  return mind:sum()
end

local function minibatch_init(self, who, X, gen)
  local n = X:size(1)
  local best, best_inertia
  local init_size = math.min(n, math.max(3 * self.batch_size, self.n_clusters))
  local n_init = is_tensor(self.init) and 1 or self.n_init
  for _ = 1, n_init do
    local idx = torch.randperm(gen, n):long():narrow(1, 1, init_size)
    local sub = X:index(1, idx)
    local centers = init_centers(who, sub, self.n_clusters, self.init, gen)
    local _, mind = C.kmeans_assign(sub, centers)
    local inertia = mind:sum()
    if best == nil or inertia < best_inertia then best, best_inertia = centers, inertia end
  end
  self.cluster_centers = best
  self._counts = torch.zeros(self.n_clusters)
end

--- MiniBatchKMeans:fit(X) -> self (labels, cluster_centers, inertia, n_iter, n_steps).
function MiniBatchKMeans:fit(X)
  local who = "ml.MiniBatchKMeans.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  if self.n_clusters > n then fail(who, "n_clusters = %d is larger than the number of rows (%d)", self.n_clusters, n) end
  local gen = base.generator(self.seed)
  minibatch_init(self, who, X, gen)
  local bs = math.min(self.batch_size, n)
  local steps = math.ceil(self.max_iter * n / bs)
  local ewa, best, no_improve = nil, math.huge, 0
  local tol = self.tol * mean_variance(X)
  local step = 0
  for s = 1, steps do
    step = s
    local idx = torch.LongTensor(bs):random(gen, 1, n)
    local old = self.cluster_centers:clone()
    local inertia = minibatch_step(self, X:index(1, idx)) / bs
    local alpha = math.min(bs * 2.0 / (n + 1), 1)   -- scikit-learn's smoothing of the batch inertia
    ewa = ewa and (ewa * (1 - alpha) + inertia * alpha) or inertia
    if tol > 0 and (self.cluster_centers - old):pow(2):sum() <= tol then break end
    if ewa < best then best, no_improve = ewa, 0 else no_improve = no_improve + 1 end
    if self.max_no_improvement ~= NONE and no_improve >= self.max_no_improvement then break end
  end
  self.n_steps = step
  self.n_iter = math.ceil(step * bs / n)
  local labels, mind = C.kmeans_assign(X, self.cluster_centers)
  self.labels = labels:add(1)
  self.inertia = mind:sum()
  return base.mark_fitted(self, d)
end

--- MiniBatchKMeans:partial_fit(X) -> self: one update with the batch X
-- (initialises the centers from X on the first call).
function MiniBatchKMeans:partial_fit(X)
  local who = "ml.MiniBatchKMeans.partial_fit"
  X = base.matrix(who, X)
  if self:is_fitted() then
    base.check_features(who, self, X)
  else
    if self.n_clusters > X:size(1) then
      fail(who, "the first batch needs at least n_clusters = %d rows (got %d)", self.n_clusters, X:size(1))
    end
    self._gen = base.generator(self.seed)
    minibatch_init(self, who, X, self._gen)
    self.n_steps = 0
  end
  minibatch_step(self, X)
  self.n_steps = self.n_steps + 1
  local labels, mind = C.kmeans_assign(X, self.cluster_centers)
  self.labels = labels:add(1)
  self.inertia = mind:sum()
  return base.mark_fitted(self, X:size(2))
end

MiniBatchKMeans.predict = KMeans.predict
MiniBatchKMeans.transform = KMeans.transform
MiniBatchKMeans.fit_predict = KMeans.fit_predict
MiniBatchKMeans.score = KMeans.score

--- ml.elbow(X, ks [, opts]) -> {k = {...}, inertia = {...}}: KMeans inertia
-- for every k in ks (a list, or a number K for 1..K); opts are KMeans params.
function M.elbow(X, ks, opts)
  local who = "ml.elbow"
  X = base.matrix(who, X)
  if type(ks) == "number" then
    local list = {}
    for k = 1, check_int(who, "ks", ks, 1) do list[k] = k end
    ks = list
  elseif type(ks) ~= "table" or #ks == 0 then
    fail(who, "ks must be a number or a non-empty list of cluster counts")
  end
  local out = { k = {}, inertia = {} }
  for i, k in ipairs(ks) do
    local params = {}
    for key, v in pairs(opts or {}) do params[key] = v end
    params.n_clusters = k
    out.k[i] = k
    out.inertia[i] = KMeans(params):fit(X).inertia
  end
  return out
end

-- ---------------------------------------------------------------- DBSCAN

local DBSCAN = base.estimator("DBSCAN", { eps = 0.5, min_samples = 5, metric = "euclidean" }, base.Estimator)
M.DBSCAN = DBSCAN

function DBSCAN._validate(self, who)
  if type(self.eps) ~= "number" or not (self.eps > 0) then fail(who, "eps must be a number > 0 (got %s)", tostring(self.eps)) end
  check_int(who, "min_samples", self.min_samples, 1)
  check_choice(who, "metric", self.metric, { "euclidean" })
end

--- DBSCAN:fit(X) -> self: labels (N, Long; clusters 1..K, noise -1),
-- core_sample_indices (1-based), components (the core rows), n_clusters.
function DBSCAN:fit(X)
  local who = "ml.DBSCAN.fit"
  X = base.matrix(who, X)
  local labels, core = C.dbscan(X, self.eps, self.min_samples)
  local pos = labels:ge(0):long()
  self.labels = labels:add(pos)                -- 0-based ids to 1-based; -1 stays
  local idx = {}
  for i = 1, core:size(1) do if core[i] == 1 then idx[#idx + 1] = i end end
  self.core_sample_indices = torch.LongTensor(idx)
  self.components = #idx > 0 and X:index(1, self.core_sample_indices) or torch.DoubleTensor()
  self.n_clusters = labels:max() > 0 and labels:max() or 0
  return base.mark_fitted(self, X:size(2))
end

--- DBSCAN:fit_predict(X) -> labels of fit.
function DBSCAN:fit_predict(X) return self:fit(X).labels end

-- ------------------------------------------------ AgglomerativeClustering

local Agglomerative = base.estimator("AgglomerativeClustering", {
  n_clusters = 2, linkage = "ward", distance_threshold = NONE, metric = "euclidean",
}, base.Estimator)
M.AgglomerativeClustering = Agglomerative

function Agglomerative._validate(self, who)
  check_choice(who, "linkage", self.linkage, { "ward", "complete", "average", "single" })
  check_choice(who, "metric", self.metric, { "euclidean" })
  local has_n, has_t = self.n_clusters ~= NONE, self.distance_threshold ~= NONE
  if has_n == has_t then
    fail(who, "exactly one of n_clusters and distance_threshold must be set (the other = ml.NONE)")
  end
  if has_n then check_int(who, "n_clusters", self.n_clusters, 1) end
  if has_t and type(self.distance_threshold) ~= "number" then fail(who, "distance_threshold must be a number") end
end

-- Python's heapq on a 0-based array stored 1-based in a Lua list.
local function sift_down(h, start, pos)
  local item = h[pos + 1]
  while pos > start do
    local parent = (pos - 1) >> 1
    if item < h[parent + 1] then
      h[pos + 1] = h[parent + 1]
      pos = parent
    else
      break
    end
  end
  h[pos + 1] = item
end
local function sift_up(h, pos)
  local n, start, item = #h, pos, h[pos + 1]
  local child = 2 * pos + 1
  while child < n do
    local right = child + 1
    if right < n and not (h[child + 1] < h[right + 1]) then child = right end
    h[pos + 1] = h[child + 1]
    pos = child
    child = 2 * pos + 1
  end
  h[pos + 1] = item
  sift_down(h, start, pos)
end
local function heappush(h, item) h[#h + 1] = item; sift_down(h, 0, #h - 1) end
local function heappushpop(h, item)
  if #h > 0 and h[1] < item then
    item, h[1] = h[1], item
    sift_up(h, 0)
  end
  return item
end

-- scikit-learn's _hc_cut: labels 1..k from the merge tree (0-based children table ch)
local function hc_cut(k, ch, n)
  local last = ch[n - 1]
  local nodes = { -(math.max(last[1], last[2]) + 1) }
  for _ = 1, k - 1 do
    local c = ch[-nodes[1] - n + 1]
    heappush(nodes, -c[1])
    heappushpop(nodes, -c[2])
  end
  local labels = torch.LongTensor(n)
  for i, node in ipairs(nodes) do
    local stack = { -node }
    while #stack > 0 do
      local v = table.remove(stack)
      if v < n then labels[v + 1] = i else
        local c = ch[v - n + 1]
        stack[#stack + 1] = c[1]; stack[#stack + 1] = c[2]
      end
    end
  end
  return labels
end

--- AgglomerativeClustering:fit(X) -> self: labels (1..n_clusters), children
-- ((N-1) x 2 LongTensor: the nodes merged at each step; leaves 1..N, step j
-- makes node N + j), distances (N-1), counts (leaves under each new node),
-- n_clusters, n_leaves.  The same tree and labels as scikit-learn's.
function Agglomerative:fit(X)
  local who = "ml.AgglomerativeClustering.fit"
  X = base.matrix(who, X)
  local n = X:size(1)
  if n < 2 then fail(who, "needs at least 2 rows (got %d)", n) end
  local k = self.n_clusters
  if k ~= NONE and k > n then fail(who, "n_clusters = %d is larger than the number of rows (%d)", k, n) end
  local ch0, dist, sizes = C.linkage(X, self.linkage)
  if k == NONE then k = dist:ge(self.distance_threshold):sum() + 1 end
  local tbl = ch0:totable()
  self.labels = hc_cut(k, tbl, n)
  self.children = ch0:add(1)
  self.distances = dist
  self.counts = sizes
  self.n_clusters = math.tointeger(k)
  self.n_leaves = n
  return base.mark_fitted(self, X:size(2))
end

--- AgglomerativeClustering:fit_predict(X) -> labels of fit.
function Agglomerative:fit_predict(X) return self:fit(X).labels end

-- -------------------------------------------------------- GaussianMixture

local LOG2PI = math.log(2 * math.pi)
local EPS = 2.220446049250313e-16

local GaussianMixture = base.estimator("GaussianMixture", {
  n_components = 1, covariance_type = "full", tol = 1e-3, reg_covar = 1e-6, max_iter = 100, n_init = 1,
  init_params = "kmeans", weights_init = NONE, means_init = NONE, precisions_init = NONE, seed = NONE,
}, base.Estimator)
M.GaussianMixture = GaussianMixture

function GaussianMixture._validate(self, who)
  check_int(who, "n_components", self.n_components, 1)
  check_choice(who, "covariance_type", self.covariance_type, { "full", "tied", "diag", "spherical" })
  check_choice(who, "init_params", self.init_params, { "kmeans", "k-means++", "random", "random_from_data" })
  check_int(who, "max_iter", self.max_iter, 0)
  check_int(who, "n_init", self.n_init, 1)
  if type(self.reg_covar) ~= "number" or self.reg_covar < 0 then fail(who, "reg_covar must be a number >= 0") end
  if type(self.tol) ~= "number" or self.tol < 0 then fail(who, "tol must be a number >= 0") end
end

local function cholesky_inverse_t(who, cov)
  -- precision Cholesky factor: (L^-1)^T with cov = L L^T
  local ok, L = pcall(torch.potrf, cov, "L")
  if not ok then
    fail(who, "a covariance matrix is not positive definite (%s); increase reg_covar or use fewer components",
      tostring(L):gsub("^.-: ", ""):sub(1, 80))
  end
  return torch.trtrs(torch.eye(cov:size(1)), L, "L"):t():contiguous()
end

-- scikit-learn's _estimate_gaussian_parameters and _compute_precision_cholesky
local function m_params(who, X, resp, reg, ctype)
  local d, k = X:size(2), resp:size(2)
  local nk, means, cov = C.gmm_m_step(X, resp:contiguous(), reg, ctype == "full")
  local pc
  if ctype == "full" then
    pc = torch.DoubleTensor(k, d, d)
    for j = 1, k do pc[j]:copy(cholesky_inverse_t(who, cov[j])) end
  elseif ctype == "tied" then
    local avg_x2 = torch.mm(X:t(), X)
    local avg_m2 = torch.mm(torch.cmul(means:t(), nk:view(1, k):expand(d, k)), means)
    cov = (avg_x2 - avg_m2):div(nk:sum())
    for t = 1, d do cov[t][t] = cov[t][t] + reg end
    pc = cholesky_inverse_t(who, cov)
  else
    local nkk = nk:view(k, 1):expand(k, d)
    local avg_x2 = torch.mm(resp:t(), torch.cmul(X, X)):cdiv(nkk)
    local avg_xm = torch.cmul(means, torch.mm(resp:t(), X)):cdiv(nkk)
    cov = avg_x2 - avg_xm * 2 + torch.cmul(means, means)
    cov:add(reg)
    if ctype == "spherical" then cov = cov:mean(2):view(k) end
    if cov:le(0):sum() > 0 then
      fail(who, "a variance is not positive; increase reg_covar or use fewer components")
    end
    pc = torch.pow(cov, -0.5)
  end
  return nk, means, cov, pc
end

-- (N, K) log N(x | mu_k, Sigma_k) from the precision Cholesky factors
local function log_gaussian(X, means, pc, ctype, logw)
  local n, d = X:size(1), X:size(2)
  local k = means:size(1)
  if ctype == "full" or ctype == "tied" then
    return C.gmm_log_prob(X, means:contiguous(), pc:contiguous(), logw)
  end
  local lp = torch.DoubleTensor(n, k)
  local logdet = torch.DoubleTensor(k)
  if ctype == "diag" then
    local prec = torch.cmul(pc, pc)
    local a = torch.cmul(torch.cmul(means, means), prec):sum(2)
    lp:copy(a:view(1, k):expand(n, k))
    lp:add(-2, torch.mm(X, torch.cmul(means, prec):t()))
    lp:add(torch.mm(torch.cmul(X, X), prec:t()))
    logdet:copy(torch.log(pc):sum(2):view(k))
  else
    local prec = torch.cmul(pc, pc)
    local a = torch.cmul(means, means):sum(2):view(k):cmul(prec)
    lp:copy(a:view(1, k):expand(n, k))
    lp:add(-2, torch.mm(X, means:t()):cmul(prec:view(1, k):expand(n, k)))
    local rn = torch.cmul(X, X):sum(2)
    lp:add(torch.mm(rn, prec:view(1, k)))
    logdet:copy(torch.log(pc):mul(d))
  end
  return lp:add(d * LOG2PI):mul(-0.5):add(logdet:view(1, k):expand(n, k))
end

local function weighted_log_prob(self, X)
  local k = self.n_components
  local logw = torch.log(self.weights)
  local ct = self.covariance_type
  if ct == "full" or ct == "tied" then return log_gaussian(X, self.means, self.precisions_cholesky, ct, logw) end
  return log_gaussian(X, self.means, self.precisions_cholesky, ct):add(logw:view(1, k):expand(X:size(1), k))
end

-- mean log-likelihood, log responsibilities (N x K) and, with want_resp,
-- the responsibilities
local function e_step(self, X, want_resp)
  local wlp = weighted_log_prob(self, X)
  local _, resp, mean = C.gmm_normalize(wlp, want_resp)
  return mean, wlp, resp
end

local function gmm_initialize(self, who, X, gen)
  local n, d = X:size(1), X:size(2)
  local k = self.n_components
  local resp = torch.zeros(n, k)
  local ip = self.init_params
  if ip == "kmeans" then
    local km = KMeans{ n_clusters = k, n_init = 1, seed = torch.random(gen, 1, 2 ^ 31) }:fit(X)
    resp:scatter(2, km.labels:view(n, 1), 1)
  elseif ip == "random" then
    resp:uniform(gen, 0, 1)
    resp:cdiv(resp:sum(2):expand(n, k))
  else
    local rows
    if ip == "k-means++" then
      local centers = kmeanspp(X, k, gen)
      rows = C.kmeans_assign(centers, X):add(1)  -- the data rows nearest each center
    else
      rows = torch.randperm(gen, n):long():narrow(1, 1, k)
    end
    for j = 1, k do resp[rows[j]][j] = 1 end
  end
  local nk, means, cov, pc = m_params(who, X, resp, self.reg_covar, self.covariance_type)
  local weights = nk / n
  if self.weights_init ~= NONE then weights = torch.DoubleTensor(self.weights_init):clone() end
  if self.means_init ~= NONE then means = torch.DoubleTensor(self.means_init):clone() end
  if self.precisions_init ~= NONE then
    local P = torch.DoubleTensor(self.precisions_init)
    local function chol(A, name)
      local ok, L = pcall(torch.potrf, A, "L")
      if not ok then fail(who, "%s is not positive definite", name) end
      return L
    end
    if self.covariance_type == "full" then
      pc = P:clone()
      for j = 1, k do pc[j]:copy(chol(P[j], "precisions_init[" .. j .. "]")) end
    elseif self.covariance_type == "tied" then
      pc = chol(P, "precisions_init")
    else
      if P:le(0):sum() > 0 then fail(who, "precisions_init must be positive") end
      pc = torch.sqrt(P)
    end
  end
  self.weights, self.means, self.covariances, self.precisions_cholesky = weights, means, cov, pc
end

local function check_init_shapes(self, who, d)
  local k = self.n_components
  local function shape(v, want, name)
    if v == NONE then return end
    local t = torch.isTensor(v) and v or torch.DoubleTensor(v)
    local got = table.concat(t:size():totable(), "x")
    if got ~= want then fail(who, "%s must be %s (got %s)", name, want, got) end
  end
  shape(self.weights_init, tostring(k), "weights_init")
  shape(self.means_init, k .. "x" .. d, "means_init")
  local ct = self.covariance_type
  shape(self.precisions_init, ct == "full" and (k .. "x" .. d .. "x" .. d) or ct == "tied" and (d .. "x" .. d)
    or ct == "diag" and (k .. "x" .. d) or tostring(k), "precisions_init")
end

--- GaussianMixture:fit(X) -> self: weights (K), means (K x D), covariances
-- (full: K x D x D; tied: D x D; diag: K x D; spherical: K), precisions,
-- precisions_cholesky, converged, n_iter, lower_bound.
function GaussianMixture:fit(X)
  local who = "ml.GaussianMixture.fit"
  X = base.matrix(who, X)
  local n, d = X:size(1), X:size(2)
  local k = self.n_components
  if k > n then fail(who, "n_components = %d is larger than the number of rows (%d)", k, n) end
  check_init_shapes(self, who, d)
  local gen = base.generator(self.seed)
  local best, best_lb = nil, -math.huge
  self.converged = false
  for _ = 1, self.n_init do
    gmm_initialize(self, who, X, gen)
    local lb, n_iter = -math.huge, 0
    local converged = false
    for it = 1, self.max_iter do
      n_iter = it
      local prev = lb
      local lpn, _, resp = e_step(self, X, true)
      local nk, means, cov, pc = m_params(who, X, resp, self.reg_covar, self.covariance_type)
      self.weights = nk / nk:sum()
      self.means, self.covariances, self.precisions_cholesky = means, cov, pc
      lb = lpn
      if math.abs(lb - prev) < self.tol then
        converged = true
        break
      end
    end
    if converged then self.converged = true end
    if best == nil or lb > best_lb then
      best_lb = lb
      best = { self.weights, self.means, self.covariances, self.precisions_cholesky, n_iter }
    end
  end
  self.weights, self.means, self.covariances, self.precisions_cholesky, self.n_iter = table.unpack(best)
  self.lower_bound = best_lb
  local pc, ct = self.precisions_cholesky, self.covariance_type
  if ct == "full" then
    self.precisions = pc:clone()
    for j = 1, k do self.precisions[j]:copy(torch.mm(pc[j], pc[j]:t())) end
  elseif ct == "tied" then
    self.precisions = torch.mm(pc, pc:t())
  else
    self.precisions = torch.cmul(pc, pc)
  end
  return base.mark_fitted(self, d)
end

local function gmm_input(self, who, X)
  base.fitted(self, who)
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  return X
end

--- GaussianMixture:score_samples(X) -> (N) log-likelihood of each row.
function GaussianMixture:score_samples(X)
  X = gmm_input(self, "ml.GaussianMixture.score_samples", X)
  return (C.gmm_normalize(weighted_log_prob(self, X)))
end

--- GaussianMixture:score(X) -> mean log-likelihood per row.
function GaussianMixture:score(X)
  X = gmm_input(self, "ml.GaussianMixture.score", X)
  local _, _, mean = C.gmm_normalize(weighted_log_prob(self, X))
  return mean
end

--- GaussianMixture:predict_proba(X) -> (N x K) posterior probabilities.
function GaussianMixture:predict_proba(X)
  X = gmm_input(self, "ml.GaussianMixture.predict_proba", X)
  local _, log_resp = e_step(self, X)
  return log_resp:exp()
end

--- GaussianMixture:predict(X) -> (N) LongTensor of the most probable component (1-based).
function GaussianMixture:predict(X)
  X = gmm_input(self, "ml.GaussianMixture.predict", X)
  local _, idx = weighted_log_prob(self, X):max(2)
  return idx:select(2, 1):clone()
end

--- GaussianMixture:fit_predict(X) -> labels after fit.
function GaussianMixture:fit_predict(X)
  return self:fit(X):predict(X)
end

local function n_parameters(self)
  local k, d = self.n_components, self.n_features_in
  local ct = self.covariance_type
  local cov = ct == "full" and k * d * (d + 1) / 2 or ct == "diag" and k * d or ct == "tied" and d * (d + 1) / 2 or k
  return cov + k * d + k - 1
end

--- GaussianMixture:bic(X) -> Bayesian information criterion (lower is better).
function GaussianMixture:bic(X)
  X = gmm_input(self, "ml.GaussianMixture.bic", X)
  return -2 * self:score(X) * X:size(1) + n_parameters(self) * math.log(X:size(1))
end

--- GaussianMixture:aic(X) -> Akaike information criterion (lower is better).
function GaussianMixture:aic(X)
  X = gmm_input(self, "ml.GaussianMixture.aic", X)
  return -2 * self:score(X) * X:size(1) + 2 * n_parameters(self)
end

-- ---------------------------------------------------- KModes, KPrototypes
--
-- Huang's k-modes and k-prototypes as the kmodes package runs them: points
-- move one at a time and the two clusters' modes (and means) are updated at
-- once; stop when no point moves or the cost stops decreasing.  Categorical
-- values are numeric codes (a LongTensor or DoubleTensor of codes, or data
-- frame columns of codes); the loops are plain Lua over Lua tables.

local function rows_of(T)
  local t = T:totable()
  return t, #t, #t > 0 and #t[1] or 0
end

local function mismatches(a, b)
  local s = 0
  for j = 1, #a do if a[j] ~= b[j] then s = s + 1 end end
  return s
end

-- the most frequent key of a count table; ties go to the smallest key
local function mode_of(freq)
  local best, bc
  for v, c in pairs(freq) do
    if c > 0 and (bc == nil or c > bc or (c == bc and v < best)) then best, bc = v, c end
  end
  return best
end

local function init_huang(cat, n, d, k, gen)
  local cents = {}
  for j = 1, k do cents[j] = {} end
  for a = 1, d do
    local values = {}
    for i = 1, n do values[i] = cat[i][a] end         -- frequency-weighted draw
    for j = 1, k do cents[j][a] = values[torch.random(gen, 1, n)] end
  end
  -- replace each by its nearest data row not taken yet
  local taken = {}
  for j = 1, k do
    local order = {}
    for i = 1, n do order[i] = i end
    local dist = {}
    for i = 1, n do dist[i] = mismatches(cat[i], cents[j]) end
    table.sort(order, function(x, y) if dist[x] ~= dist[y] then return dist[x] < dist[y] end return x < y end)
    local pick
    for _, i in ipairs(order) do
      local key = table.concat(cat[i], ",")
      if not taken[key] then pick = i; taken[key] = true; break end
    end
    pick = pick or order[1]
    cents[j] = { table.unpack(cat[pick]) }
    cents[j].row = pick
  end
  return cents
end

-- Cao, Liang and Bai (2009): densest row first, then rows far from the chosen
-- ones weighted by density; deterministic.
local function init_cao(cat, n, d, k)
  local freq = {}
  for a = 1, d do
    freq[a] = {}
    for i = 1, n do freq[a][cat[i][a]] = (freq[a][cat[i][a]] or 0) + 1 end
  end
  local dens = {}
  local best = 1
  for i = 1, n do
    local s = 0
    for a = 1, d do s = s + freq[a][cat[i][a]] end
    dens[i] = s / (n * d)
    if dens[i] > dens[best] then best = i end
  end
  local cents = { { table.unpack(cat[best]) } }
  cents[1].row = best
  local mind = {}
  for i = 1, n do mind[i] = math.huge end
  for j = 2, k do
    local last = cents[j - 1]
    local pick, pv = 1, -math.huge
    for i = 1, n do
      local v = dens[i] * mismatches(cat[i], last)
      if v < mind[i] then mind[i] = v end
      if mind[i] > pv then pick, pv = i, mind[i] end
    end
    cents[j] = { table.unpack(cat[pick]) }
    cents[j].row = pick
  end
  return cents
end

-- One k-prototypes run (num may be nil: k-modes).  Returns labels (Lua list),
-- categorical centroids, numeric centroids, cost, iterations.
local function kproto_run(num, cat, n, dn, dc, k, gamma, max_iter, init, gen)
  local cents = init == "Cao" and init_cao(cat, n, dc, k) or init == "Huang" and init_huang(cat, n, dc, k, gen) or init
  local ccat, cnum = {}, {}
  for j = 1, k do
    ccat[j] = { table.unpack(cents[j]) }
    cnum[j] = {}
    for a = 1, dn do cnum[j][a] = cents.num and cents.num[j][a] or num[cents[j].row][a] end
  end
  local function cost_to(i, j)
    local s = 0
    if dn > 0 then
      local x, c = num[i], cnum[j]
      for a = 1, dn do local t = x[a] - c[a]; s = s + t * t end
    end
    return s + gamma * mismatches(cat[i], ccat[j])
  end
  local function nearest(i)
    local best, bv = 1, cost_to(i, 1)
    for j = 2, k do
      local v = cost_to(i, j)
      if v < bv then best, bv = j, v end
    end
    return best, bv
  end
  -- initial assignment, frequency tables and sums
  local labels, count, freq, sums = {}, {}, {}, {}
  for j = 1, k do
    count[j], freq[j], sums[j] = 0, {}, {}
    for a = 1, dc do freq[j][a] = {} end
    for a = 1, dn do sums[j][a] = 0 end
  end
  local function add(i, j, sign)
    count[j] = count[j] + sign
    for a = 1, dc do
      local f = freq[j][a]
      f[cat[i][a]] = (f[cat[i][a]] or 0) + sign
    end
    for a = 1, dn do sums[j][a] = sums[j][a] + sign * num[i][a] end
  end
  local function refresh(j)
    if count[j] == 0 then return end
    for a = 1, dc do ccat[j][a] = mode_of(freq[j][a]) end
    for a = 1, dn do cnum[j][a] = sums[j][a] / count[j] end
  end
  for i = 1, n do
    labels[i] = nearest(i)
    add(i, labels[i], 1)
  end
  for j = 1, k do refresh(j) end
  local function total()
    local s = 0
    for i = 1, n do s = s + cost_to(i, labels[i]) end
    return s
  end
  local cost, it = total(), 0
  for iter = 1, max_iter do
    it = iter
    local moves = 0
    for i = 1, n do
      local j = nearest(i)
      local old = labels[i]
      if j ~= old and cost_to(i, j) < cost_to(i, old) then
        moves = moves + 1
        add(i, old, -1); add(i, j, 1)
        labels[i] = j
        if count[old] == 0 then
          -- an emptied cluster takes a random row of the biggest one
          local big = 1
          for c = 2, k do if count[c] > count[big] then big = c end end
          local members = {}
          for r = 1, n do if labels[r] == big then members[#members + 1] = r end end
          local r = members[torch.random(gen, 1, #members)]
          add(r, big, -1); add(r, old, 1)
          labels[r] = old
          refresh(big)
        end
        refresh(old); refresh(j)
      end
    end
    local ncost = total()
    local done = moves == 0 or ncost >= cost
    cost = math.min(cost, ncost)
    if done then break end
  end
  return labels, ccat, cnum, cost, it
end

local function check_init_name(who, init)
  if init ~= "Huang" and init ~= "Cao" and not torch.isTensor(init) then
    fail(who, "init must be \"Huang\", \"Cao\" or a tensor of centroids (got %s)", tostring(init))
  end
end

local KModes = base.estimator("KModes", { n_clusters = 8, init = "Cao", n_init = 10, max_iter = 100, seed = NONE },
  base.Estimator)
M.KModes = KModes

function KModes._validate(self, who)
  check_int(who, "n_clusters", self.n_clusters, 1)
  check_int(who, "n_init", self.n_init, 1)
  check_int(who, "max_iter", self.max_iter, 1)
  check_init_name(who, self.init)
end

-- moonlab.data frames: columns as numbers, strings as codes 1..K of their
-- sorted distinct values (label_encode), categorical columns as their codes.
local function is_frame(X)
  local dm = package.loaded["moonlab.data"]
  return dm ~= nil and dm.DataFrame ~= nil and dm.DataFrame.is_frame(X)
end

-- X's columns cols (default all) as an N x D DoubleTensor.  String and
-- categorical columns become codes: indices into `levels[name]` when given
-- (the levels seen at fit; unseen values get 0, which matches no centroid),
-- else into their sorted distinct values, which are returned as levels.
local function frame_matrix(who, X, cols, levels)
  cols = cols or X.columns
  local n = X:nrows()
  local out = torch.DoubleTensor(n, #cols)
  local seen = {}
  for j, name in ipairs(cols) do
    local ok, kind = pcall(X.kind, X, name)
    if not ok then fail(who, "the data frame has no column '%s'", tostring(name)) end
    local col = out:select(2, j)
    if kind == "string" or kind == "categorical" then
      local lv = levels and levels[name]
      if not lv then
        lv = {}
        local set = {}
        for i = 1, n do
          local v = X:value(i, name)
          if v ~= nil and not set[v] then set[v] = true; lv[#lv + 1] = v end
        end
        table.sort(lv, function(a, b) return tostring(a) < tostring(b) end)
      end
      local index = {}
      for c, v in ipairs(lv) do index[v] = c end
      for i = 1, n do
        local v = X:value(i, name)
        col[i] = v ~= nil and index[v] or 0
      end
      seen[name] = lv
    else
      col:copy(X:column_tensor(name))
    end
  end
  return out, seen
end

local function given_centroids(who, init, k, d)
  if init:dim() ~= 2 or init:size(1) ~= k or init:size(2) ~= d then
    fail(who, "init must be a %dx%d tensor of centroids", k, d)
  end
  return (rows_of(init:double()))
end

--- KModes:fit(X) -> self: labels (1-based), cluster_centroids (K x D codes,
-- X's type), cost (total mismatches), n_iter.  X: (N x D) codes (any tensor
-- type), a table of rows or a data frame of categorical columns.
function KModes:fit(X)
  local who = "ml.KModes.fit"
  local orig = torch.isTensor(X) and X or nil
  local levels
  if is_frame(X) then X, levels = frame_matrix(who, X) end
  rawset(self, "_levels", levels)
  X = base.matrix(who, X)
  local cat, n, d = rows_of(X)
  local k = self.n_clusters
  if k > n then fail(who, "n_clusters = %d is larger than the number of rows (%d)", k, n) end
  local gen = base.generator(self.seed)
  local runs = (self.init == "Cao" or torch.isTensor(self.init)) and 1 or self.n_init
  local best
  for _ = 1, runs do
    local init = self.init
    if torch.isTensor(init) then init = given_centroids(who, init, k, d) end
    local labels, ccat, _, cost, it = kproto_run(nil, cat, n, 0, d, k, 1, self.max_iter, init, gen)
    if best == nil or cost < best.cost then best = { labels = labels, cent = ccat, cost = cost, n_iter = it } end
  end
  self.labels = torch.LongTensor(best.labels)
  local cents = torch.DoubleTensor(best.cent)
  self.cluster_centroids = orig and cents:type(orig:type()) or cents
  self.cost, self.n_iter = best.cost, best.n_iter
  return base.mark_fitted(self, d)
end

--- KModes:predict(X) -> LongTensor (N): the centroid with fewest mismatches (1-based).
function KModes:predict(X)
  local who = "ml.KModes.predict"
  base.fitted(self, who)
  if is_frame(X) then X = frame_matrix(who, X, nil, rawget(self, "_levels") or {}) end
  X = base.matrix(who, X)
  base.check_features(who, self, X)
  local cat = rows_of(X)
  local cents = rows_of(self.cluster_centroids:double())
  local out = torch.LongTensor(#cat)
  for i, r in ipairs(cat) do
    local best, bv = 1, mismatches(r, cents[1])
    for j = 2, #cents do
      local v = mismatches(r, cents[j])
      if v < bv then best, bv = j, v end
    end
    out[i] = best
  end
  return out
end

--- KModes:fit_predict(X) -> labels of fit.
function KModes:fit_predict(X) return self:fit(X).labels end

local KPrototypes = base.estimator("KPrototypes", {
  n_clusters = 8, categorical = NONE, numerical = NONE, gamma = NONE, init = "Cao", n_init = 10,
  max_iter = 100, seed = NONE,
}, base.Estimator)
M.KPrototypes = KPrototypes

function KPrototypes._validate(self, who)
  check_int(who, "n_clusters", self.n_clusters, 1)
  check_int(who, "n_init", self.n_init, 1)
  check_int(who, "max_iter", self.max_iter, 1)
  check_init_name(who, self.init)
  if self.gamma ~= NONE and (type(self.gamma) ~= "number" or self.gamma < 0) then
    fail(who, "gamma must be a number >= 0")
  end
end

-- splits X into numeric (N x Dn) and categorical (N x Dc) Double matrices
local function split_mixed(self, who, X, fitting)
  local catc = self.categorical
  if catc == NONE or type(catc) ~= "table" or #catc == 0 then
    fail(who, "categorical must list the categorical columns (indices, or names for a data frame)")
  end
  if type(X) == "table" and not torch.isTensor(X) and type(X.to_tensor) == "function" and type(catc[1]) == "string" then
    local numc = self.numerical
    local names = is_frame(X) and X.columns or X.names
    if numc == NONE then
      if type(names) ~= "table" then fail(who, "give numerical = {...} (the data frame has no names list)") end
      local is_cat = {}
      for _, c in ipairs(catc) do is_cat[c] = true end
      numc = {}
      for _, nm in ipairs(names) do if not is_cat[nm] then numc[#numc + 1] = nm end end
    end
    if is_frame(X) then
      -- categories are coded by the levels seen at fit
      local cat, seen = frame_matrix(who, X, catc, not fitting and (rawget(self, "_levels") or {}) or nil)
      if fitting then rawset(self, "_levels", seen) end
      return base.matrix(who, frame_matrix(who, X, numc)), base.matrix(who, cat)
    end
    return base.matrix(who, X:to_tensor(numc)), base.matrix(who, X:to_tensor(catc))
  end
  X = base.matrix(who, X)
  local d = X:size(2)
  local is_cat, ci, ni = {}, {}, {}
  for _, c in ipairs(catc) do
    if math.type(c) ~= "integer" or c < 1 or c > d then
      fail(who, "categorical column %s is not a column index of X (1..%d)", tostring(c), d)
    end
    is_cat[c] = true
  end
  for j = 1, d do
    if is_cat[j] then ci[#ci + 1] = j else ni[#ni + 1] = j end
  end
  if #ni == 0 then fail(who, "X has no numerical column (use ml.KModes)") end
  return X:index(2, torch.LongTensor(ni)), X:index(2, torch.LongTensor(ci))
end

--- KPrototypes:fit(X) -> self: labels, cluster_centroids_num (K x Dn),
-- cluster_centroids_cat (K x Dc), gamma, cost, n_iter.  Cost of a row: squared
-- Euclidean distance on the numerical columns + gamma x categorical mismatches.
function KPrototypes:fit(X)
  local who = "ml.KPrototypes.fit"
  local Xn, Xc = split_mixed(self, who, X, true)
  local num, n, dn = rows_of(Xn)
  local cat, _, dc = rows_of(Xc)
  local k = self.n_clusters
  if k > n then fail(who, "n_clusters = %d is larger than the number of rows (%d)", k, n) end
  local gamma = self.gamma
  if gamma == NONE then
    local flat = Xn:view(-1)
    gamma = 0.5 * math.sqrt((flat - flat:mean()):pow(2):mean())
  end
  local gen = base.generator(self.seed)
  local runs = (self.init == "Cao" or torch.isTensor(self.init)) and 1 or self.n_init
  local best
  for _ = 1, runs do
    local init = self.init
    if torch.isTensor(init) then
      -- given (K x (Dn + Dc)) centroids: numerical columns first
      local g = given_centroids(who, init, k, dn + dc)
      init = { num = {} }
      for j = 1, k do
        init[j] = { table.unpack(g[j], dn + 1, dn + dc) }
        init.num[j] = { table.unpack(g[j], 1, dn) }
      end
    end
    local labels, ccat, cnum, cost, it = kproto_run(num, cat, n, dn, dc, k, gamma, self.max_iter, init, gen)
    if best == nil or cost < best.cost then
      best = { labels = labels, ccat = ccat, cnum = cnum, cost = cost, n_iter = it }
    end
  end
  self.labels = torch.LongTensor(best.labels)
  self.cluster_centroids_num = torch.DoubleTensor(best.cnum)
  self.cluster_centroids_cat = torch.DoubleTensor(best.ccat)
  self.gamma, self.cost, self.n_iter = gamma, best.cost, best.n_iter
  return base.mark_fitted(self, dn + dc)
end

--- KPrototypes:predict(X) -> LongTensor (N) of the cheapest prototype (1-based).
function KPrototypes:predict(X)
  local who = "ml.KPrototypes.predict"
  base.fitted(self, who)
  local Xn, Xc = split_mixed(self, who, X)
  local k = self.n_clusters
  local D = sq_dists(Xn, self.cluster_centroids_num)
  for j = 1, k do
    local c = self.cluster_centroids_cat:narrow(1, j, 1):expandAs(Xc)
    D:select(2, j):add(self.gamma, Xc:ne(c):double():sum(2):select(2, 1))
  end
  local _, idx = D:min(2)
  return idx:select(2, 1):clone()
end

--- KPrototypes:fit_predict(X) -> labels of fit.
function KPrototypes:fit_predict(X) return self:fit(X).labels end

return M
