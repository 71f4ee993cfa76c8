-- test_ml_cluster.lua: moonlab.ml's clustering estimators against
-- scikit-learn 1.2 (tests/fixtures/ml/cluster_sklearn.lua, written by
-- cluster_sklearn.py from iris, wine and generated blobs), plus closed-form
-- cases for what scikit-learn lacks (KModes, KPrototypes) and the errors.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/cluster_sklearn.lua")

local function data(name) return torch.Tensor(F[name].X) end

local function same_list(got, want, what)
  local bad, first = 0, nil
  for i = 1, #want do
    if got[i] ~= want[i] then bad = bad + 1; first = first or i end
  end
  H.ok(bad == 0, string.format("%s: %d of %d differ (first at %s: %s vs %s)", what, bad, #want,
    tostring(first), tostring(first and got[first]), tostring(first and want[first])))
end

local function maxrel(a, b)
  b = torch.Tensor(b)
  return ((a - b):abs():max()) / (1 + b:abs():max())
end

H.test("KMeans from given centers: labels, inertia, centers, n_iter as scikit-learn", function()
  for _, c in ipairs(F.kmeans) do
    local X = data(c.data)
    local init = X:index(1, torch.LongTensor(c.rows))
    local m = ml.KMeans{ n_clusters = c.k, init = init, algorithm = c.algorithm, tol = c.tol }
    H.eq(m:fit(X), m)
    local what = string.format("%s k=%d %s tol=%g", c.data, c.k, c.algorithm, c.tol)
    same_list(m.labels:totable(), c.labels, what .. " labels")
    H.near(m.inertia, c.inertia, 1e-10 * c.inertia, what .. " inertia")
    H.ok(maxrel(m.cluster_centers, c.centers) < 1e-12, what .. " centers")
    H.eq(m.n_iter, c.n_iter, what .. " n_iter")
    H.ok(maxrel(m:transform(X:narrow(1, 1, 5)), c.transform) < 1e-12, what .. " transform")
    H.near(m:score(X), c.score, 1e-10 * c.inertia, what .. " score")
    local rows = {}
    for i = 1, X:size(1), 7 do rows[#rows + 1] = i end
    same_list(m:predict(X:index(1, torch.LongTensor(rows))):totable(), c.predict, what .. " predict")
  end
end)

H.test("KMeans: strided and non-Double input, fit_predict, seeds", function()
  local X = data("iris")
  local c = F.kmeans[1]
  local init = X:index(1, torch.LongTensor(c.rows))
  local Xt = X:t():clone():t()            -- column-major copy: strided view
  H.ok(not Xt:isContiguous())
  local m = ml.KMeans{ n_clusters = 3, init = init }
  same_list(m:fit_predict(Xt):totable(), c.labels, "strided labels")
  local mf = ml.KMeans{ n_clusters = 3, init = init }:fit(X:float())
  H.near(mf.inertia, 78.85566582, 1e-4)   -- float input is converted to double
  for _, init_kind in ipairs({ "k-means++", "random" }) do
    local a = ml.KMeans{ n_clusters = 3, init = init_kind, seed = 7, n_init = 3 }:fit(X)
    local b = ml.KMeans{ n_clusters = 3, init = init_kind, seed = 7, n_init = 3 }:fit(X)
    H.eq(a.inertia, b.inertia, init_kind .. ": the same seed gives the same result")
    -- iris' two best 3-clusterings (scikit-learn's seeds reach both)
    H.ok(math.abs(a.inertia - 78.851441426146) < 1e-9 or math.abs(a.inertia - 78.855665825977) < 1e-9,
      init_kind .. " reaches a best 3-clustering (" .. a.inertia .. ")")
  end
  local one = ml.KMeans{ n_clusters = 1 }:fit(X)
  H.near(one.inertia, (X - X:mean(1)):pow(2):sum(), 1e-9)
  local k5 = ml.KMeans{ n_clusters = 5, seed = 1, algorithm = "elkan" }:fit(X:narrow(1, 1, 5))
  H.near(k5.inertia, 0, 0, "one row per cluster")
end)

H.test("KMeans: errors", function()
  local X = data("iris")
  H.check_error("ml.KMeans: n_clusters must be an integer >= 1 (got 0)", ml.KMeans, { n_clusters = 0 })
  H.check_error("ml.KMeans: algorithm must be one of lloyd, elkan (got full)", ml.KMeans, { algorithm = "full" })
  H.check_error("ml.KMeans.fit: n_clusters = 200 is larger than the number of rows (150)",
    function() ml.KMeans{ n_clusters = 200 }:fit(X) end)
  H.check_error("ml.KMeans.fit: init must be a 3x4 tensor of centers (got 2x4)",
    function() ml.KMeans{ n_clusters = 3, init = X:narrow(1, 1, 2) }:fit(X) end)
  H.check_error("ml.KMeans.predict: this ml.KMeans is not fitted yet", function() ml.KMeans{}:predict(X) end)
  local m = ml.KMeans{ n_clusters = 2, seed = 1 }:fit(X)
  H.check_error("ml.KMeans.predict: X has 3 features, but this ml.KMeans was fitted with 4",
    function() m:predict(torch.zeros(2, 3)) end)
  H.check_error("ml.KMeans.fit: X must be 2-D", function() ml.KMeans{}:fit(torch.zeros(3)) end)
end)

H.test("MiniBatchKMeans: fit and partial_fit reach KMeans' clustering on blobs", function()
  local X = data("blobs")
  local km = ml.KMeans{ n_clusters = 4, seed = 0 }:fit(X)
  local mb = ml.MiniBatchKMeans{ n_clusters = 4, seed = 0, batch_size = 50 }:fit(X)
  H.ok(mb.inertia <= km.inertia * 1.05, "mini-batch inertia within 5% of KMeans'")
  H.eq(ml.adjusted_rand_score and ml.adjusted_rand_score(mb.labels, km.labels) or 1, 1)
  local p = ml.MiniBatchKMeans{ n_clusters = 4, seed = 0 }
  for _ = 1, 10 do
    for s = 1, 200, 40 do p:partial_fit(X:narrow(1, s, 40)) end
  end
  H.ok(p:score(X) >= -km.inertia * 1.05, "partial_fit inertia within 5%")
  H.eq(p.n_steps, 50)
  H.check_error("ml.MiniBatchKMeans.partial_fit: the first batch needs at least n_clusters = 4 rows (got 2)",
    function() ml.MiniBatchKMeans{ n_clusters = 4 }:partial_fit(X:narrow(1, 1, 2)) end)
end)

H.test("elbow: inertia per k, decreasing, equal to KMeans'", function()
  local X = data("iris")
  local e = ml.elbow(X, { 1, 2, 3, 4 }, { seed = 3 })
  H.eq(#e.inertia, 4)
  H.eq(e.k[3], 3)
  H.near(e.inertia[1], (X - X:mean(1)):pow(2):sum(), 1e-9)
  H.near(e.inertia[3], 78.851441426146, 1e-9)
  for i = 2, 4 do H.ok(e.inertia[i] < e.inertia[i - 1]) end
  H.eq(#ml.elbow(X, 3, { seed = 1 }).inertia, 3)
  H.check_error("ml.elbow: ks must be a number or a non-empty list", ml.elbow, X, {})
end)

H.test("DBSCAN: labels and core samples identical to scikit-learn's", function()
  for _, c in ipairs(F.dbscan) do
    local X = data(c.data)
    local m = ml.DBSCAN{ eps = c.eps, min_samples = c.min_samples }:fit(X)
    local what = string.format("%s eps=%g min_samples=%d", c.data, c.eps, c.min_samples)
    same_list(m.labels:totable(), c.labels, what .. " labels")
    same_list(m.core_sample_indices:totable(), c.core, what .. " core samples")
    H.eq(m.components:size(1), #c.core)
    local mx = 0
    for _, l in ipairs(c.labels) do mx = math.max(mx, l) end
    H.eq(m.n_clusters, mx)
  end
  -- strided input, all noise, one cluster
  local X = data("dblobs")
  local c = F.dbscan[1]
  same_list(ml.DBSCAN{ eps = 0.5 }:fit_predict(X:t():clone():t()):totable(), c.labels, "strided")
  local far = torch.Tensor{ { 0, 0 }, { 10, 0 }, { 20, 0 } }
  same_list(ml.DBSCAN{ eps = 1, min_samples = 2 }:fit(far).labels:totable(), { -1, -1, -1 }, "all noise")
  same_list(ml.DBSCAN{ eps = 1, min_samples = 1 }:fit(far).labels:totable(), { 1, 2, 3 }, "min_samples 1")
  H.check_error("ml.DBSCAN: eps must be a number > 0 (got 0)", ml.DBSCAN, { eps = 0 })
  H.check_error("ml.DBSCAN: metric must be one of euclidean (got cosine)", ml.DBSCAN, { metric = "cosine" })
end)

H.test("AgglomerativeClustering: merge trees, distances and labels identical to scikit-learn's", function()
  for _, a in ipairs(F.agglomerative) do
    local X = data(a.data)
    local m = ml.AgglomerativeClustering{ n_clusters = 3, linkage = a.linkage }:fit(X)
    local what = a.data .. " " .. a.linkage
    local n = X:size(1)
    H.eq(m.children:size(1), n - 1)
    local got, want = {}, {}
    for i = 1, n - 1 do
      got[#got + 1] = m.children[i][1]; got[#got + 1] = m.children[i][2]
      want[#want + 1] = a.children[i][1]; want[#want + 1] = a.children[i][2]
    end
    same_list(got, want, what .. " children")
    H.ok(maxrel(m.distances, a.distances) < 1e-12, what .. " distances")
    same_list(m.labels:totable(), a.labels, what .. " labels")
    H.eq(m.counts[n - 1], n)
    local t = ml.AgglomerativeClustering{ n_clusters = ml.NONE, distance_threshold = a.threshold,
      linkage = a.linkage }:fit(X)
    H.eq(t.n_clusters, a.n_clusters_t, what .. " n_clusters from the threshold")
    same_list(t.labels:totable(), a.labels_t, what .. " labels from the threshold")
  end
  H.check_error("exactly one of n_clusters and distance_threshold must be set",
    ml.AgglomerativeClustering, { distance_threshold = 1 })
  H.check_error("linkage must be one of ward, complete, average, single (got median)",
    ml.AgglomerativeClustering, { linkage = "median" })
  H.check_error("ml.AgglomerativeClustering.fit: needs at least 2 rows (got 1)",
    function() ml.AgglomerativeClustering{}:fit(torch.zeros(1, 2)) end)
  -- two points: one merge at their distance
  local m = ml.AgglomerativeClustering{ n_clusters = 1, linkage = "single" }:fit(torch.Tensor{ { 0, 0 }, { 3, 4 } })
  H.eq(m.distances[1], 5)
  H.eq(m.children[1][1] + m.children[1][2], 3)
end)

H.test("metrics: silhouette, Davies-Bouldin, Calinski-Harabasz, ARI, NMI, V-measure as scikit-learn", function()
  for _, m in ipairs(F.metrics) do
    local X = data(m.data)
    local y, lab = F[m.data].y, m.labels
    local w = m.data
    H.near(ml.silhouette_score(X, lab), m.silhouette, 1e-12, w .. " silhouette")
    H.near(ml.silhouette_score(X, torch.Tensor(y)), m.silhouette_true, 1e-12, w .. " silhouette (true labels)")
    H.ok((ml.silhouette_samples(X, lab) - torch.Tensor(m.silhouette_samples)):abs():max() < 1e-12, w .. " samples")
    H.near(ml.davies_bouldin_score(X, lab), m.davies_bouldin, 1e-12, w .. " davies_bouldin")
    H.near(ml.calinski_harabasz_score(X, lab), m.calinski_harabasz, 1e-12 * m.calinski_harabasz, w .. " CH")
    H.near(ml.adjusted_rand_score(y, lab), m.ari, 1e-12, w .. " ARI")
    H.near(ml.mutual_info_score(y, lab), m.mi, 1e-12, w .. " MI")
    H.near(ml.normalized_mutual_info_score(y, lab), m.nmi, 1e-12, w .. " NMI")
    H.near(ml.normalized_mutual_info_score(y, lab, "geometric"), m.nmi_geometric, 1e-12)
    H.near(ml.normalized_mutual_info_score(y, lab, "min"), m.nmi_min, 1e-12)
    H.near(ml.normalized_mutual_info_score(y, lab, "max"), m.nmi_max, 1e-12)
    H.near(ml.homogeneity_score(y, lab), m.homogeneity, 1e-12)
    H.near(ml.completeness_score(y, lab), m.completeness, 1e-12)
    H.near(ml.v_measure_score(y, lab), m.v_measure, 1e-12)
    H.near(ml.v_measure_score(y, lab, 2), m.v_measure_b2, 1e-12)
  end
end)

H.test("metrics: closed forms and errors", function()
  H.eq(ml.adjusted_rand_score({ 1, 1, 2, 2 }, { 5, 5, 3, 3 }), 1.0, "a relabelling")
  H.near(ml.adjusted_rand_score({ 1, 1, 2, 2 }, { 1, 2, 1, 2 }), -0.5, 1e-15)
  H.eq(ml.normalized_mutual_info_score({ 1, 1, 1 }, { 2, 2, 2 }), 1.0)
  H.eq(ml.normalized_mutual_info_score({ 1, 1, 2, 2 }, { 1, 2, 1, 2 }), 0.0)
  local h, c, v = ml.homogeneity_completeness_v_measure({ 1, 1, 2, 2 }, { 1, 1, 1, 1 })
  H.eq(h, 0.0); H.eq(c, 1.0); H.eq(v, 0.0)
  -- two tight pairs far apart: a = 1, b = 10 (mean over the other pair) for every point
  local X = torch.Tensor{ { 0 }, { 1 }, { 10 }, { 11 } }
  local s = ml.silhouette_samples(X, { 1, 1, 2, 2 })
  H.near(s[1], (10.5 - 1) / 10.5, 1e-15)
  H.near(s[2], (9.5 - 1) / 9.5, 1e-15)
  H.near(ml.calinski_harabasz_score(X, { 1, 1, 2, 2 }), (4 * 25) * 2 / (4 * 0.25 * 1), 1e-12)
  H.check_error("ml.silhouette_score: number of labels is 1; valid values are 2 to n_samples - 1 = 3",
    ml.silhouette_score, X, { 1, 1, 1, 1 })
  H.check_error("ml.silhouette_samples: labels has 3 elements but X has 4 rows", ml.silhouette_samples, X, { 1, 2, 1 })
  H.check_error("ml.adjusted_rand_score: labels_pred has 2 elements but X has 3 rows",
    ml.adjusted_rand_score, { 1, 2, 3 }, { 1, 2 })
  H.check_error("average_method must be arithmetic, geometric, min or max (got mean)",
    ml.normalized_mutual_info_score, { 1 }, { 1 }, "mean")
end)

H.test("GaussianMixture from the same init: weights, means, covariances as scikit-learn (1e-6 and better)", function()
  for _, g in ipairs(F.gmm) do
    local X = data(g.data)
    local m = ml.GaussianMixture{ n_components = g.k, covariance_type = g.covariance_type,
      weights_init = g.weights_init, means_init = g.means_init, precisions_init = g.precisions_init }:fit(X)
    local w = g.data .. " " .. g.covariance_type
    H.ok(maxrel(m.means, g.means) < 1e-10, w .. " means")
    H.ok(maxrel(m.covariances, g.covariances) < 1e-10, w .. " covariances")
    H.ok(maxrel(m.weights, g.weights) < 1e-10, w .. " weights")
    H.eq(m.n_iter, g.n_iter, w .. " n_iter")
    H.eq(m.converged, g.converged, w .. " converged")
    H.near(m.lower_bound, g.lower_bound, 1e-10, w .. " lower_bound")
    same_list(m:predict(X):totable(), g.predict, w .. " predict")
    local X10 = X:narrow(1, 1, 10)
    H.ok(maxrel(m:predict_proba(X10), g.predict_proba) < 1e-10, w .. " predict_proba")
    H.ok(maxrel(m:score_samples(X10), g.score_samples) < 1e-10, w .. " score_samples")
    H.near(m:score(X), g.score, 1e-10, w .. " score")
    H.near(m:bic(X), g.bic, 1e-10 * math.abs(g.bic), w .. " bic")
    H.near(m:aic(X), g.aic, 1e-10 * math.abs(g.aic), w .. " aic")
    H.ok(m:predict_proba(X10):sum(2):add(-1):abs():max() < 1e-12, w .. " probabilities sum to 1")
  end
end)

H.test("GaussianMixture: inits, seeds and errors", function()
  local X = data("blobs")
  for _, ip in ipairs({ "kmeans", "random", "k-means++", "random_from_data" }) do
    local a = ml.GaussianMixture{ n_components = 4, init_params = ip, seed = 5 }:fit(X)
    local b = ml.GaussianMixture{ n_components = 4, init_params = ip, seed = 5 }:fit(X)
    H.eq(a.lower_bound, b.lower_bound, ip .. ": same seed, same fit")
    H.ok(a.converged, ip .. " converges")
    H.ok(a.lower_bound > -6.0, ip .. " fits the blobs (" .. a.lower_bound .. "; scikit-learn: -5.54 to -5.81)")
  end
  local one = ml.GaussianMixture{ covariance_type = "diag" }:fit(X)
  H.ok(maxrel(one.means[1], X:mean(1)[1]) < 1e-12, "one component: the mean")
  H.check_error("ml.GaussianMixture: covariance_type must be one of full, tied, diag, spherical (got fll)",
    ml.GaussianMixture, { covariance_type = "fll" })
  H.check_error("ml.GaussianMixture.fit: means_init must be 2x3 (got 3x3)",
    function() ml.GaussianMixture{ n_components = 2, means_init = X:narrow(1, 1, 3) }:fit(X) end)
  H.check_error("ml.GaussianMixture.fit: precisions_init[1] is not positive definite",
    function() ml.GaussianMixture{ n_components = 1, precisions_init = { { { 1, 2 }, { 2, 1 } } } }:fit(X:narrow(2, 1, 2)) end)
  H.check_error("ml.GaussianMixture.fit: precisions_init must be positive",
    function() ml.GaussianMixture{ n_components = 1, covariance_type = "spherical", precisions_init = { -1 } }:fit(X) end)
  H.check_error("ml.GaussianMixture.predict: this ml.GaussianMixture is not fitted yet",
    function() ml.GaussianMixture{}:predict(X) end)
end)

-- a stand-in for moonlab's data frame: anything with :to_tensor(cols) and names
local function frame(cols, names)
  return {
    names = names,
    to_tensor = function(self, which)
      which = which or names
      local n = #cols[names[1]]
      local t = torch.DoubleTensor(n, #which)
      for j, nm in ipairs(which) do
        for i = 1, n do t[i][j] = cols[nm][i] end
      end
      return t
    end,
  }
end

H.test("KModes: Cao and Huang inits, modes, cost, predict, data frames", function()
  local X = torch.LongTensor{ { 1, 1, 1 }, { 1, 1, 2 }, { 1, 1, 1 }, { 2, 2, 2 }, { 2, 2, 1 }, { 2, 2, 2 }, { 1, 1, 1 } }
  for _, init in ipairs({ "Cao", "Huang" }) do
    local m = ml.KModes{ n_clusters = 2, init = init, seed = 1 }:fit(X)
    H.eq(ml.adjusted_rand_score(m.labels, { 1, 1, 1, 2, 2, 2, 1 }), 1.0, init .. " separates the groups")
    H.eq(torch.typename(m.cluster_centroids), "torch.LongTensor", "centroids keep X's type")
    local a = m.labels[1]
    same_list(m.cluster_centroids[a]:totable(), { 1, 1, 1 }, init .. " mode of group 1")
    same_list(m.cluster_centroids[3 - a]:totable(), { 2, 2, 2 }, init .. " mode of group 2")
    H.eq(m.cost, 2, init .. " cost: one mismatch in rows 2 and 5")
    same_list(m:predict(torch.Tensor{ { 2, 2, 3 }, { 1, 3, 1 } }):totable(), { 3 - a, a }, "predict")
  end
  -- Cao is deterministic: the densest row (1) first, then the densest far row (4)
  local m = ml.KModes{ n_clusters = 2 }:fit(X)
  same_list(m.labels:totable(), { 1, 1, 1, 2, 2, 2, 1 }, "Cao's order")
  -- on random codes: the cost equals the mismatches to the final modes, and
  -- each centroid is the mode of its members (smallest code among ties)
  local g = torch.Generator(); torch.manualSeed(g, 11)
  local R = torch.LongTensor(60, 4):random(g, 1, 3)
  local r = ml.KModes{ n_clusters = 3, init = "Huang", n_init = 3, seed = 2 }:fit(R)
  local cost = 0
  for i = 1, 60 do cost = cost + R[i]:ne(r.cluster_centroids[r.labels[i]]):sum() end
  H.eq(r.cost, cost, "cost = mismatches to the modes")
  for j = 1, 3 do
    for a = 1, 4 do
      local cnt = { 0, 0, 0 }
      for i = 1, 60 do if r.labels[i] == j then cnt[R[i][a]] = cnt[R[i][a]] + 1 end end
      local best = 1
      for v = 2, 3 do if cnt[v] > cnt[best] then best = v end end
      H.eq(r.cluster_centroids[j][a], best, "centroid " .. j .. " attribute " .. a .. " is the mode")
    end
  end
  local df = frame({ a = { 1, 1, 2, 2 }, b = { 5, 5, 7, 7 } }, { "a", "b" })
  same_list(ml.KModes{ n_clusters = 2 }:fit(df).labels:totable(), { 1, 1, 2, 2 }, "data frame")
  H.check_error("ml.KModes: init must be \"Huang\", \"Cao\" or a tensor", ml.KModes, { init = "random" })
  H.check_error("ml.KModes.fit: n_clusters = 9 is larger than the number of rows (7)",
    function() ml.KModes{ n_clusters = 9 }:fit(X) end)
end)

H.test("KPrototypes: mixed numeric and categorical columns, gamma", function()
  local X = data("iris")
  local Xm = torch.cat(X, torch.Tensor(F.iris.y):view(150, 1), 2)
  local m = ml.KPrototypes{ n_clusters = 3, categorical = { 5 } }:fit(Xm)
  -- default gamma: half the standard deviation of all numerical values
  local flat = X:view(-1)
  H.near(m.gamma, 0.5 * math.sqrt((flat - flat:mean()):pow(2):mean()), 1e-12)
  H.eq(ml.adjusted_rand_score(m.labels, F.iris.y) > 0.95, true, "the species column dominates")
  -- cost recomputed from the prototypes
  local cost = 0
  for i = 1, 150 do
    local j = m.labels[i]
    cost = cost + (X[i] - m.cluster_centroids_num[j]):pow(2):sum()
      + m.gamma * (Xm[i][5] ~= m.cluster_centroids_cat[j][1] and 1 or 0)
  end
  H.near(m.cost, cost, 1e-9)
  same_list(m:predict(Xm):totable(), m.labels:totable(), "predict on the training rows")
  -- gamma = 0: plain k-means on the numeric part from Cao's rows
  local z = ml.KPrototypes{ n_clusters = 2, categorical = { 2 }, gamma = 0 }
    :fit(torch.Tensor{ { 0, 1 }, { 0.1, 2 }, { 5, 1 }, { 5.2, 2 } })
  H.eq(ml.adjusted_rand_score(z.labels, { 1, 1, 2, 2 }), 1.0)
  local df = frame({ x = { 0, 0.2, 9, 9.1 }, c = { 1, 1, 2, 2 } }, { "x", "c" })
  local d = ml.KPrototypes{ n_clusters = 2, categorical = { "c" } }:fit(df)
  same_list(d.labels:totable(), { 1, 1, 2, 2 }, "data frame columns by name")
  H.eq(d.cluster_centroids_num:size(2), 1)
  H.check_error("ml.KPrototypes.fit: categorical must list the categorical columns",
    function() ml.KPrototypes{}:fit(Xm) end)
  H.check_error("ml.KPrototypes.fit: categorical column 7 is not a column index of X (1..5)",
    function() ml.KPrototypes{ categorical = { 7 } }:fit(Xm) end)
end)

H.test("KModes and KPrototypes take moonlab.data frames: strings and categories by their levels", function()
  local data = require "moonlab.data"
  local df = data.frame { { "color", { "red", "red", "blue", "blue", "red", "blue" } },
    { "size", { "S", "S", "L", "L", "S", "L" } }, { "w", { 1.0, 1.2, 5.0, 5.2, 0.9, 4.8 } } }
  local km = ml.KModes { n_clusters = 2, seed = 0 }:fit(df:select { "color", "size" })
  local l = km.labels
  H.ok(l[1] == l[2] and l[1] == l[5] and l[3] == l[4] and l[3] == l[6] and l[1] ~= l[3], "the two profiles")
  -- predict codes new rows by the levels seen at fit: an unseen colour matches on size only
  local q = data.frame { { "color", { "blue", "red", "green" } }, { "size", { "L", "S", "S" } } }
  local p = km:predict(q)
  H.eq(p[1], l[3]); H.eq(p[2], l[1]); H.eq(p[3], l[1])
  -- the same with the columns categorical
  local c = df:astype { color = "categorical", size = "categorical" }
  local kc = ml.KModes { n_clusters = 2, seed = 0 }:fit(c:select { "color", "size" })
  H.eq(table.concat(kc.labels:totable(), ","), table.concat(l:totable(), ","))
  local kp = ml.KPrototypes { n_clusters = 2, seed = 0, categorical = { "color", "size" } }:fit(df)
  H.eq(table.concat(kp.labels:totable(), ","), table.concat(l:totable(), ","))
  H.eq(table.concat(kp:predict(df:tail(2)):totable(), ","), l[5] .. "," .. l[6])
end)

H.done()
