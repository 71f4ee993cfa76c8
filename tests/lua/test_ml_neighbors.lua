-- test_ml_neighbors.lua: moonlab.ml's nearest-neighbour models against
-- scikit-learn 1.2 (tests/fixtures/ml/neighbors.lua, made by neighbors.py):
-- predictions identical, probabilities and distances within 1e-10, the same
-- neighbour indices, on iris and wine (with a stored jitter that removes
-- exact ties) and generated data, brute force and k-d tree; then our tie
-- rule (distance, then training index), the search kernels against the naive
-- reference, inputs of other types and layouts, parameters and errors.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local datasets = require "moonlab.datasets"
local REF = dofile("tests/fixtures/ml/neighbors.lua")

local X = {}
do
  local iris = datasets.load("iris")
  X.iris = { X = iris.X + torch.DoubleTensor(REF.data.iris.E), y = torch.DoubleTensor(REF.data.iris.y) }
  local wine = datasets.load("wine")
  X.wine = { X = wine.X + torch.DoubleTensor(REF.data.wine.E), y = torch.DoubleTensor(REF.data.wine.y) }
  H.eq(iris.y:double():equal(X.iris.y), true, "iris labels as the fixture's")
  H.eq(wine.y:double():equal(X.wine.y), true, "wine labels as the fixture's")
  for _, n in ipairs { "gen", "reg" } do
    X[n] = { X = torch.DoubleTensor(REF.data[n].X), y = torch.DoubleTensor(REF.data[n].y) }
  end
end

local function close(got, want, tol, what)
  local g = got:contiguous():view(-1)
  local flat = {}
  local function walk(t) for _, v in ipairs(t) do if type(v) == "table" then walk(v) else flat[#flat + 1] = v end end end
  walk(want)
  H.eq(g:nElement(), #flat, what .. " size")
  local worst = 0
  for i, v in ipairs(flat) do worst = math.max(worst, math.abs(g[i] - v) / (tol == 0 and 1 or (1 + math.abs(v)))) end
  if tol == 0 then H.eq(worst, 0, what .. " identical") else H.ok(worst <= tol, what .. " within tolerance: " .. worst) end
end

local function list_eq(got, want, what)
  H.eq(#got, #want, what .. " length")
  for i = 1, #want do H.eq(got[i], want[i], what .. "[" .. i .. "]") end
end

local names = {}
for name in pairs(REF.cases) do names[#names + 1] = name end
table.sort(names)

for _, name in ipairs(names) do
  H.test(name .. " equals scikit-learn", function()
    local c = REF.cases[name]
    local d = X[c.data]
    local tr, q = torch.LongTensor(c.train), torch.LongTensor(c.query)
    local Xt, yt, Xq = d.X:index(1, tr), d.y:index(1, tr), d.X:index(1, q)
    local cls = c.kind == "clf" and ml.KNeighborsClassifier or ml.KNeighborsRegressor
    local m = cls(c.params):fit(Xt, yt)
    H.eq(m.fit_method, c.params.algorithm, "fit_method")
    local dist, ind = m:kneighbors(Xq)
    close(ind, c.ind, 0, "kneighbors indices")
    close(dist, c.dist, 1e-10, "kneighbors distances")
    if c.kind == "clf" then
      close(m:predict(Xq), c.predict, 0, "predict")
      close(m:predict_proba(Xq), c.proba, 1e-10, "predict_proba")
      H.near(m:score(Xq, d.y:index(1, q)), c.score, 1e-12, "score")
    else
      close(m:predict(Xq), c.predict, 1e-10, "predict")
      H.near(m:score(Xq, d.y:index(1, q)), c.score, 1e-10, "score")
    end
  end)
end

H.test("kneighbors() without X leaves each row out, as scikit-learn", function()
  local m = ml.NearestNeighbors{n_neighbors = 4}:fit(X.gen.X:narrow(1, 1, 60))
  local dist, ind = m:kneighbors()
  close(ind, REF.self.ind, 0, "indices")
  close(dist, REF.self.dist, 1e-10, "distances")
  local ind2 = m:kneighbors(nil, 2, false)
  H.eq(ind2:size(2), 2, "n_neighbors argument")
  H.eq(ind2[1][2], ind[1][2], "same neighbours")
  -- a duplicate row: the self match may be listed second, the other copy is kept
  local D = torch.DoubleTensor{{0}, {1}, {1}, {5}}
  local _, i3 = ml.NearestNeighbors{n_neighbors = 1}:fit(D):kneighbors()
  list_eq(i3:view(-1):totable(), {2, 3, 2, 2}, "duplicates are each other's neighbours; ties by index")
end)

H.test("ties: by distance, then by training index (scikit-learn's order is unspecified)", function()
  local D = torch.DoubleTensor{{1}, {-1}, {2}, {-2}, {1}, {3}}
  for _, algo in ipairs { "brute", "kd_tree" } do
    local m = ml.NearestNeighbors{n_neighbors = 4, algorithm = algo, leaf_size = 1}:fit(D)
    local dist, ind = m:kneighbors(torch.DoubleTensor{{0}})
    list_eq(ind[1]:totable(), {1, 2, 5, 3}, algo .. " indices")
    list_eq(dist[1]:totable(), {1, 1, 1, 2}, algo .. " distances")
    local _, i2 = m:kneighbors(torch.DoubleTensor{{0}}, 2)
    list_eq(i2[1]:totable(), {1, 2}, algo .. " k = 2 keeps the first indices")
  end
  -- scikit-learn's own order on the same tie (recorded): not by index
  list_eq(REF.sklearn_tie.brute, {5, 1, 2, 3}, "scikit-learn brute order")
  -- a tied vote goes to the smallest label (as scikit-learn's mode)
  local m = ml.KNeighborsClassifier{n_neighbors = 2}:fit(torch.DoubleTensor{{-1}, {1}}, torch.DoubleTensor{7, 3})
  H.eq(m:predict(torch.DoubleTensor{{0}})[1], 3, "tie vote -> smallest label")
  list_eq(m:predict_proba(torch.DoubleTensor{{0}})[1]:totable(), {0.5, 0.5}, "tie proba")
end)

H.test("distance weights: an exact match takes the whole vote", function()
  local Xt = torch.DoubleTensor{{0, 0}, {0, 0}, {1, 0}, {0, 1}}
  local m = ml.KNeighborsClassifier{n_neighbors = 3, weights = "distance"}:fit(Xt, torch.DoubleTensor{1, 2, 2, 1})
  list_eq(m:predict_proba(torch.DoubleTensor{{0, 0}})[1]:totable(), {0.5, 0.5}, "two exact matches share")
  local r = ml.KNeighborsRegressor{n_neighbors = 3, weights = "distance"}:fit(Xt, torch.DoubleTensor{1, 3, 10, 20})
  H.near(r:predict(torch.DoubleTensor{{0, 0}})[1], 2, 1e-15, "regressor: mean of the exact matches")
  H.near(r:predict(torch.DoubleTensor{{2, 0}})[1], (10 + 1 / 2 + 3 / 2) / (1 + 1 / 2 + 1 / 2), 1e-15,
    "1/d weighted mean")
  H.near(r:predict(torch.DoubleTensor{{0, 3}})[1], (20 / 2 + 1 / 3 + 3 / 3) / (1 / 2 + 1 / 3 + 1 / 3), 1e-15,
    "1/d weighted mean, another query")
end)

H.test("search kernels against the naive reference (odd sizes, tiles, both p)", function()
  local K = torch._knn
  torch.manualSeed(11)
  for _, cfg in ipairs { { 1, 1, 1 }, { 7, 3, 7 }, { 2049, 4, 9 }, { 300, 17, 1 }, { 4097, 2, 64 } } do
    local n, d, k = cfg[1], cfg[2], cfg[3]
    local Xt, Q = torch.randn(n, d), torch.randn(131, d)
    for _, p in ipairs { 1, 2 } do
      local d0, i0 = K.naive(Q, Xt, k, p)
      local d1, i1 = K.brute(Q, Xt, k, p)
      local perm, nodes, bounds = K.kdtree_build(Xt, 5)
      local d2, i2 = K.kdtree_query(Xt, perm, nodes, bounds, Q, k, p)
      local tag = string.format("n=%d d=%d k=%d p=%d", n, d, k, p)
      H.eq(i1:equal(i0), true, "brute indices " .. tag)
      H.eq(i2:equal(i0), true, "kd indices " .. tag)
      H.ok((d1 - d0):abs():max() <= 1e-12, "brute distances " .. tag)
      H.ok((d2 - d0):abs():max() <= 0, "kd distances " .. tag)
    end
  end
  -- integer-valued rows with many exact ties: every method orders them alike
  local G = torch.Tensor(200, 3):random(0, 3)
  local Q = torch.Tensor(40, 3):random(0, 3)
  local d0, i0 = K.naive(Q, G, 25, 2)
  local d1, i1 = K.brute(Q, G, 25, 2)
  local perm, nodes, bounds = K.kdtree_build(G, 3)
  local d2, i2 = K.kdtree_query(G, perm, nodes, bounds, Q, 25, 2)
  H.eq(i1:equal(i0), true, "ties: brute = naive")
  H.eq(i2:equal(i0), true, "ties: kd = naive")
  H.eq(d1:equal(d0) and d2:equal(d0), true, "ties: distances")
end)

H.test("inputs: Float, strided, data-frame-like, tables; auto algorithm", function()
  local Xt, y = X.gen.X, X.gen.y
  local ref = ml.KNeighborsClassifier():fit(Xt, y)
  H.eq(ref.fit_method, "kd_tree", "auto: kd_tree for 8 features")
  local Q = Xt:narrow(1, 1, 20)
  local want = ref:predict(Q)
  H.eq(ml.KNeighborsClassifier():fit(Xt:float(), y:long()):predict(Q:float()):equal(want), true, "Float X")
  local T = Xt:t():clone():t()
  H.eq(ml.KNeighborsClassifier{algorithm = "brute"}:fit(T, y):predict(Q:t():clone():t()):equal(want), true, "strided")
  H.eq(ml.KNeighborsClassifier():fit(Xt, y):predict(Q:totable()):equal(want), true, "table of rows")
  local wide = torch.randn(40, 20)
  H.eq(ml.KNeighborsRegressor():fit(wide, torch.randn(40)).fit_method, "brute", "auto: brute for 20 features")
  H.eq(ml.KNeighborsRegressor{n_neighbors = 25}:fit(torch.randn(40, 2), torch.randn(40)).fit_method, "brute",
    "auto: brute for k >= N/2")
  local m = ml.KNeighborsClassifier{n_neighbors = 3, metric = "manhattan"}:fit(Xt, y)
  local m2 = ml.KNeighborsClassifier{n_neighbors = 3, p = 1}:fit(Xt, y)
  H.eq(m:predict(Q):equal(m2:predict(Q)), true, "manhattan = minkowski p=1")
  H.eq(tostring(ml.KNeighborsClassifier{n_neighbors = 3}), "ml.KNeighborsClassifier{n_neighbors = 3}", "tostring")
  local c = ml.clone(m)
  H.eq(c.metric, "manhattan", "clone keeps params")
  H.eq(c:is_fitted(), false, "clone unfitted")
  H.check_error("X is empty (0x8)", ref.kneighbors, ref, Xt:narrow(1, 1, 0))
end)

H.test("errors", function()
  H.check_error("n_neighbors must be an integer >= 1", ml.KNeighborsClassifier, { n_neighbors = 0 })
  H.check_error("weights must be", ml.KNeighborsClassifier, { weights = "gauss" })
  H.check_error("algorithm must be", ml.KNeighborsRegressor, { algorithm = "ball_tree" })
  H.check_error("p must be 1 or 2", ml.KNeighborsClassifier, { p = 3 })
  H.check_error("metric must be", ml.KNeighborsClassifier, { metric = "cosine" })
  H.check_error("unknown parameter 'k'", ml.KNeighborsClassifier, { k = 3 })
  local m = ml.KNeighborsClassifier()
  H.check_error("ml.KNeighborsClassifier.predict: this ml.KNeighborsClassifier is not fitted yet", m.predict, m,
    torch.randn(2, 2))
  m:fit(torch.randn(4, 2), torch.DoubleTensor{1, 2, 1, 2})
  H.check_error("ml.KNeighborsClassifier.predict: expected n_neighbors <= 4 (the training rows), got 5", m.predict,
    m, torch.randn(2, 2))
  m:set_params{n_neighbors = 2}
  H.check_error("X has 3 features, but this ml.KNeighborsClassifier was fitted with 2", m.predict, m, torch.randn(2, 3))
  H.check_error("contains NaN", m.predict, m, torch.DoubleTensor{{0 / 0, 1}})
  H.check_error("y has 3 elements but X has 4 rows", m.fit, m, torch.randn(4, 2), torch.DoubleTensor{1, 2, 3})
  H.check_error("other than the query itself", m.kneighbors, m, nil, 4)
  H.check_error("p must be 1 or 2", torch._knn.brute, torch.randn(2, 2), torch.randn(3, 2), 1, 3)
  H.check_error("expected query (M, D) and train (N, D) (got 2x2 and 3x3)", torch._knn.brute, torch.randn(2, 2),
    torch.randn(3, 3), 1, 2)
  H.check_error("expected Double tensors", torch._knn.naive, torch.randn(2, 2):float(), torch.randn(3, 2), 1, 2)
end)

H.done()
