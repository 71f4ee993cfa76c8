-- moonlab.ml.cluster_metrics: clustering quality scores with scikit-learn's
-- names and formulas: silhouette_score/silhouette_samples (exact Euclidean
-- distances, summed per cluster in kernels/cluster.c), davies_bouldin_score,
-- calinski_harabasz_score, and the label-agreement scores adjusted_rand_score,
-- mutual_info_score, normalized_mutual_info_score, homogeneity_score,
-- completeness_score, v_measure_score and homogeneity_completeness_v_measure.
-- Labels may be any numbers (tensors or Lua lists); only their equality
-- matters.  Not here: sampling (sample_size), metrics other than Euclidean.
local torch = require "torch"
local base = require "moonlab.ml.base"

local C = torch._cluster
local M = {}

local function fail(who, fmt, ...)
  error(string.format("%s: " .. fmt, who, ...), 3)
end

-- labels -> codes (Long, 1..k), k, counts (Lua list)
local function encode(who, labels, n, name)
  local y = base.vector(who, labels, n, name or "labels")
  if y:ne(y):sum() > 0 then fail(who, "%s contain NaN", name or "labels") end
  local classes, codes = torch.unique(y, true, true)
  local k = classes:size(1)
  local counts = {}
  for j = 1, k do counts[j] = 0 end
  local ct = codes:totable()
  for i = 1, #ct do counts[ct[i]] = counts[ct[i]] + 1 end
  return codes, k, counts, ct
end

local function check_k(who, k, n)
  if k < 2 or k > n - 1 then
    fail(who, "number of labels is %d; valid values are 2 to n_samples - 1 = %d (inclusive)", k, n - 1)
  end
end

-- ml.silhouette_samples(X, labels) -> DoubleTensor (N): (b - a) / max(a, b)
-- per row, a the mean distance to its own cluster, b to the nearest other.
local function silhouette(who, X, labels)
  X = base.matrix(who, X)
  local n = X:size(1)
  local codes, k, counts, ct = encode(who, labels, n)
  check_k(who, k, n)
  local sums = C.dist_sums(X, codes - 1, k)
  local s = torch.DoubleTensor(n)
  local st = sums:totable()
  for i = 1, n do
    local own, row = ct[i], st[i]
    local s_i = 0
    if counts[own] > 1 then
      local a = row[own] / (counts[own] - 1)
      local b = math.huge
      for c = 1, k do
        if c ~= own then
          local v = row[c] / counts[c]
          if v < b then b = v end
        end
      end
      local m = math.max(a, b)
      s_i = m > 0 and (b - a) / m or 0
    end
    s[i] = s_i
  end
  return s
end

--- ml.silhouette_samples(X, labels) -> DoubleTensor (N): (b - a) / max(a, b)
-- per row, a the mean distance to its own cluster, b to the nearest other.
function M.silhouette_samples(X, labels)
  return silhouette("ml.silhouette_samples", X, labels)
end

--- ml.silhouette_score(X, labels) -> mean of silhouette_samples.
function M.silhouette_score(X, labels)
  return silhouette("ml.silhouette_score", X, labels):mean()
end

local function centroids(X, ct, k, counts)
  local d = X:size(2)
  local cen = torch.zeros(k, d)
  cen:indexAdd(1, torch.LongTensor(ct), X)
  for j = 1, k do cen[j]:div(counts[j]) end
  return cen
end

--- ml.davies_bouldin_score(X, labels) -> mean over clusters of the worst
-- (s_i + s_j) / d(c_i, c_j) (lower is better; 0 for identical points).
function M.davies_bouldin_score(X, labels)
  local who = "ml.davies_bouldin_score"
  X = base.matrix(who, X)
  local n = X:size(1)
  local codes, k, counts, ct = encode(who, labels, n)
  check_k(who, k, n)
  local cen = centroids(X, ct, k, counts)
  local dist = (X - cen:index(1, codes)):pow(2):sum(2):sqrt():select(2, 1)
  local intra = torch.zeros(k):indexAdd(1, codes, dist)
  for j = 1, k do intra[j] = intra[j] / counts[j] end
  local cd = torch.zeros(k, k)
  local all_intra0, all_cd0 = intra:abs():max() <= 1e-8, true
  for a = 1, k do
    for b = 1, k do
      if a ~= b then
        cd[a][b] = (cen[a] - cen[b]):pow(2):sum() ^ 0.5
        if cd[a][b] > 1e-8 then all_cd0 = false end
      end
    end
  end
  if all_intra0 or all_cd0 then return 0.0 end
  local total = 0
  for a = 1, k do
    local worst = -math.huge
    for b = 1, k do
      local dd = cd[a][b] == 0 and math.huge or cd[a][b]
      local v = (intra[a] + intra[b]) / dd
      if v > worst then worst = v end
    end
    total = total + worst
  end
  return total / k
end

--- ml.calinski_harabasz_score(X, labels) -> between-cluster over
-- within-cluster dispersion, scaled by (N - k) / (k - 1) (higher is better).
function M.calinski_harabasz_score(X, labels)
  local who = "ml.calinski_harabasz_score"
  X = base.matrix(who, X)
  local n = X:size(1)
  local codes, k, counts, ct = encode(who, labels, n)
  check_k(who, k, n)
  local cen = centroids(X, ct, k, counts)
  local mean = X:mean(1)
  local extra, intra = 0, 0
  for j = 1, k do
    extra = extra + counts[j] * (cen:narrow(1, j, 1) - mean):pow(2):sum()
  end
  intra = (X - cen:index(1, codes)):pow(2):sum()
  if intra == 0 then return 1.0 end
  return extra * (n - k) / (intra * (k - 1))
end

-- contingency table as a Lua matrix, with the row/column sums
local function contingency(who, labels_true, labels_pred)
  local yt = base.vector(who, labels_true, nil, "labels_true")
  local n = yt:size(1)
  local _, kc, ni, ct = encode(who, yt, n, "labels_true")
  local _, kk, nj, cp = encode(who, labels_pred, n, "labels_pred")
  local t = {}
  for a = 1, kc do
    t[a] = {}
    for b = 1, kk do t[a][b] = 0 end
  end
  for i = 1, n do t[ct[i]][cp[i]] = t[ct[i]][cp[i]] + 1 end
  return t, ni, nj, n
end

local function entropy(counts, n)
  if #counts == 0 then return 1.0 end
  if #counts == 1 then return 0.0 end   -- one cluster: zero entropy
  local s, ln = 0, math.log(n)
  for _, c in ipairs(counts) do
    if c > 0 then s = s + (c / n) * (math.log(c) - ln) end
  end
  return -s
end

local function mutual_info(t, ni, nj, n)
  if #ni == 1 or #nj == 1 then return 0.0 end
  local mi, ln = 0, math.log(n)
  local eps = 2.220446049250313e-16
  for a = 1, #ni do
    for b = 1, #nj do
      local v = t[a][b]
      if v > 0 then
        local p = v / n
        local outer = ni[a] * nj[b]
        local term = p * (math.log(v) - ln) + p * (-math.log(outer) + ln + ln)
        if math.abs(term) >= eps then mi = mi + term end
      end
    end
  end
  return math.max(mi, 0.0)
end

--- ml.adjusted_rand_score(labels_true, labels_pred) -> Rand index adjusted
-- for chance (1 for identical partitions, about 0 for random ones).
function M.adjusted_rand_score(labels_true, labels_pred)
  local t, ni, nj, n = contingency("ml.adjusted_rand_score", labels_true, labels_pred)
  local sum_sq = 0
  for a = 1, #ni do for b = 1, #nj do sum_sq = sum_sq + t[a][b] * t[a][b] end end
  local dot_k, dot_c = 0, 0
  for a = 1, #ni do for b = 1, #nj do
    dot_k = dot_k + t[a][b] * nj[b]
    dot_c = dot_c + t[a][b] * ni[a]
  end end
  local tp = sum_sq - n
  local fp = dot_k - sum_sq
  local fn = dot_c - sum_sq
  local tn = n * n - fp - fn - sum_sq
  if fn == 0 and fp == 0 then return 1.0 end
  return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
end

--- ml.mutual_info_score(labels_true, labels_pred) -> mutual information (nats).
function M.mutual_info_score(labels_true, labels_pred)
  return mutual_info(contingency("ml.mutual_info_score", labels_true, labels_pred))
end

local averages = {
  arithmetic = function(u, v) return (u + v) / 2 end,
  geometric = function(u, v) return math.sqrt(u * v) end,
  min = math.min,
  max = math.max,
}

--- ml.normalized_mutual_info_score(labels_true, labels_pred [, average_method])
-- -> MI / mean(H(true), H(pred)); average_method "arithmetic" (default),
-- "geometric", "min" or "max".
function M.normalized_mutual_info_score(labels_true, labels_pred, average_method)
  local who = "ml.normalized_mutual_info_score"
  local avg = averages[average_method or "arithmetic"]
  if not avg then
    fail(who, "average_method must be arithmetic, geometric, min or max (got %s)", tostring(average_method))
  end
  local t, ni, nj, n = contingency(who, labels_true, labels_pred)
  if #ni == #nj and #ni <= 1 then return 1.0 end
  local mi = mutual_info(t, ni, nj, n)
  if mi == 0 then return 0.0 end
  return mi / avg(entropy(ni, n), entropy(nj, n))
end

--- ml.homogeneity_completeness_v_measure(labels_true, labels_pred [, beta])
-- -> homogeneity, completeness, v_measure (beta weights completeness).
function M.homogeneity_completeness_v_measure(labels_true, labels_pred, beta)
  beta = beta or 1.0
  local t, ni, nj, n = contingency("ml.homogeneity_completeness_v_measure", labels_true, labels_pred)
  local hc, hk = entropy(ni, n), entropy(nj, n)
  local mi = mutual_info(t, ni, nj, n)
  local h = hc ~= 0 and mi / hc or 1.0
  local c = hk ~= 0 and mi / hk or 1.0
  local v = (h + c == 0) and 0.0 or (1 + beta) * h * c / (beta * h + c)
  return h, c, v
end

--- ml.homogeneity_score(labels_true, labels_pred) -> each cluster holds one class (0..1).
function M.homogeneity_score(a, b) return (M.homogeneity_completeness_v_measure(a, b)) end
--- ml.completeness_score(labels_true, labels_pred) -> each class in one cluster (0..1).
function M.completeness_score(a, b) return select(2, M.homogeneity_completeness_v_measure(a, b)) end
--- ml.v_measure_score(labels_true, labels_pred [, beta]) -> harmonic mean of the two.
function M.v_measure_score(a, b, beta) return select(3, M.homogeneity_completeness_v_measure(a, b, beta)) end

return M
