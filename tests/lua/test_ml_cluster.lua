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

H.done()
