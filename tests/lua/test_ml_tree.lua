-- test_ml_tree.lua: moonlab.ml decision trees against scikit-learn 1.2
-- (tests/fixtures/ml/trees.lua, written by trees.py next to it): on tie-free
-- data the trees must be identical (structure, thresholds, impurities,
-- values), and so must predictions, probabilities, leaves, importances and
-- export_text.  Then seeds, inputs, parameters and error messages.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/trees.lua")

local function maxdiff(t, list)
  local m = 0
  local flat = t:contiguous():view(t:nElement())
  local i = 0
  local function walk(v)
    if type(v) == "table" then for _, x in ipairs(v) do walk(x) end
    else i = i + 1; m = math.max(m, math.abs(flat[i] - v)) end
  end
  walk(list)
  H.eq(i, t:nElement(), "element count")
  return m
end

local function fitted(c)
  local Cls = c.classes and ml.DecisionTreeClassifier or ml.DecisionTreeRegressor
  return Cls(c.params):fit(torch.Tensor(c.X), torch.Tensor(c.y), c.w and torch.Tensor(c.w))
end

for _, c in ipairs(F) do
  H.test("same tree as scikit-learn: " .. c.name, function()
    local m = fitted(c)
    local t = m.tree
    H.eq(t.node_count, #c.tree.feature, "node count")
    for _, k in ipairs{ "feature", "children_left", "children_right", "n_node_samples" } do
      H.eq(maxdiff(t[k], c.tree[k]), 0, k)
    end
    H.eq(maxdiff(t.threshold, c.tree.threshold), 0, "thresholds are the same numbers")
    H.ok(maxdiff(t.impurity, c.tree.impurity) < 1e-12, "impurity")
    H.ok(maxdiff(t.value, c.tree.value) < 1e-9, "node values")
    H.eq(m:get_depth(), c.depth)
    H.eq(m:get_n_leaves(), c.n_leaves)
    local Xt = torch.Tensor(c.Xt)
    H.eq(maxdiff(m:apply(Xt), c.apply), 0, "apply")
    H.ok(maxdiff(m:predict(Xt), c.predict) < 1e-12, "predict")
    if c.classes then H.ok(maxdiff(m:predict_proba(Xt), c.proba) < 1e-12, "predict_proba") end
    H.ok(maxdiff(m.feature_importances, c.importances) < 1e-12, "feature_importances")
    H.near(m.feature_importances:sum(), 1, 1e-12)
    local names = {}
    local sk_default = c.text:find("feature_0", 1, true)
    for j = 1, #c.X[1] do names[j] = "feature_" .. (j - 1) end
    if not sk_default then
      -- the fixture used named features: recover them in column order from the script's lists
      local known = { iris_gini_depth3 = { "sepal_length", "sepal_width", "petal_length" },
                      wine_entropy_leaf5 = { "alcohol", "color_intensity", "proline" } }
      names = known[c.name]
    end
    H.eq(m:export_text{ feature_names = names }, c.text, "export_text")
  end)
end

H.test("export_text: default names are 1-based, truncation, weights", function()
  local c = F[3]
  local m = fitted(c)
  local txt = m:export_text{ max_depth = 1 }
  H.ok(txt:find("|--- feature_2 <= ", 1, true), txt)
  H.ok(txt:find("truncated branch of depth", 1, true), "deep branches are truncated")
  local clf = fitted(F[1])
  H.ok(clf:export_text{ show_weights = true, decimals = 1 }:find("|   |--- weights: [50.0, 0.0, 0.0] class: 0", 1, true))
  H.check_error("feature_names has 2 names, the tree has 3 features",
    function() clf:export_text{ feature_names = { "a", "b" } } end)
end)

H.test("seeds reproduce; max_features and the random splitter", function()
  local c = F[5]
  local X, y = torch.Tensor(c.X), torch.Tensor(c.y)
  local a = ml.DecisionTreeClassifier{ max_features = 2, seed = 3 }:fit(X, y)
  local b = ml.DecisionTreeClassifier{ max_features = 2, seed = 3 }:fit(X, y)
  H.eq(a:export_text(), b:export_text())
  local same = true
  for s = 4, 8 do
    local o = ml.DecisionTreeClassifier{ max_features = 2, seed = s }:fit(X, y)
    if o:export_text() ~= a:export_text() then same = false end
  end
  H.ok(not same, "other seeds draw other features")
  local e1 = ml.ExtraTreeClassifier{ seed = 1 }:fit(X, y)
  local e2 = ml.ExtraTreeClassifier{ seed = 1 }:fit(X, y)
  H.eq(maxdiff(e1.tree.threshold, e2.tree.threshold:totable()), 0)
  H.eq(e1:score(X, y), 1.0, "a fully grown tree fits its training data")
  H.near(e1.feature_importances:sum(), 1, 1e-12)
  local r = ml.ExtraTreeRegressor{ seed = 2, max_depth = 6 }:fit(torch.Tensor(F[3].X), torch.Tensor(F[3].y))
  H.ok(r:score(torch.Tensor(F[3].X), torch.Tensor(F[3].y)) > 0.7)
  -- "sqrt", "log2" and fractions resolve like scikit-learn's
  for _, mf in ipairs{ "sqrt", "log2", 0.5, 1.0, 6 } do
    H.eq(ml.DecisionTreeClassifier{ max_features = mf, seed = 1 }:fit(X, y):score(X, y) > 0.9, true)
  end
end)

H.test("inputs: strided and Float X, tables, 1-node trees, fractions", function()
  local c = F[1]
  local X, y = torch.Tensor(c.X), torch.Tensor(c.y)
  local ref = ml.DecisionTreeClassifier{ max_depth = 3 }:fit(X, y)
  local Xs = X:t():contiguous():t()
  H.ok(not Xs:isContiguous())
  local m = ml.DecisionTreeClassifier{ max_depth = 3 }:fit(Xs, y)
  H.eq(m:export_text(), ref:export_text())
  H.eq(ml.DecisionTreeClassifier{ max_depth = 3 }:fit(X:float(), y:long()):export_text(), ref:export_text())
  H.eq(maxdiff(m:predict(Xs), ref:predict(X):totable()), 0)
  local one = ml.DecisionTreeRegressor{}:fit({ { 1 }, { 2 }, { 3 } }, { 5, 5, 5 })
  H.eq(one:get_depth(), 0)
  H.eq(one:get_n_leaves(), 1)
  H.eq(one:predict({ { 7 } })[1], 5)
  H.eq(one.feature_importances[1], 0, "no split, no importance")
  local stump = ml.DecisionTreeClassifier{ max_depth = 1 }:fit(X, y)
  H.eq(stump:get_n_leaves(), 2)
  local frac = ml.DecisionTreeClassifier{ min_samples_leaf = 0.2 }:fit(X, y)
  local leaves = frac.tree.n_node_samples:maskedSelect(frac.tree.children_left:eq(0))
  H.ok(leaves:min() >= 30, "min_samples_leaf = 0.2 of 150 rows keeps 30 per leaf")
  -- sample weights of zero leave samples out
  local w = torch.ones(150); w[{ { 1, 50 } }] = 0
  local m2 = ml.DecisionTreeClassifier{}:fit(X, y, w)
  H.eq(m2.tree.n_node_samples[1], 100)
end)

H.test("errors", function()
  local X, y = torch.Tensor(F[1].X), torch.Tensor(F[1].y)
  H.check_error("ml.DecisionTreeClassifier.predict: this ml.DecisionTreeClassifier is not fitted yet",
    function() ml.DecisionTreeClassifier{}:predict(X) end)
  H.check_error("ml.DecisionTreeClassifier.fit: unknown criterion 'mse' (known: gini, entropy, log_loss)",
    function() ml.DecisionTreeClassifier{ criterion = "mse" }:fit(X, y) end)
  H.check_error("ml.DecisionTreeRegressor.fit: unknown criterion 'gini' (known: squared_error)",
    function() ml.DecisionTreeRegressor{ criterion = "gini" }:fit(X, y) end)
  H.check_error("max_features must be in 1..3 (got 4)",
    function() ml.DecisionTreeClassifier{ max_features = 4 }:fit(X, y) end)
  H.check_error("max_features must be none, \"sqrt\"",
    function() ml.DecisionTreeClassifier{ max_features = "half" }:fit(X, y) end)
  H.check_error("min_samples_split must be >= 2 (got 1)",
    function() ml.DecisionTreeClassifier{ min_samples_split = 1 }:fit(X, y) end)
  H.check_error("max_depth must be none or an integer >= 0",
    function() ml.DecisionTreeClassifier{ max_depth = -1 }:fit(X, y) end)
  H.check_error("splitter must be \"best\" or \"random\"",
    function() ml.DecisionTreeClassifier{ splitter = "worst" }:fit(X, y) end)
  H.check_error("sample_weight must be >= 0", function()
    ml.DecisionTreeClassifier{}:fit(X, y, torch.Tensor(150):fill(-1)) end)
  H.check_error("no sample has a positive weight", function()
    ml.DecisionTreeClassifier{}:fit(X, y, torch.zeros(150)) end)
  H.check_error("y has 3 elements but X has 150 rows",
    function() ml.DecisionTreeClassifier{}:fit(X, { 1, 2, 3 }) end)
  local m = ml.DecisionTreeClassifier{}:fit(X, y)
  H.check_error("X has 2 features, but this ml.DecisionTreeClassifier was fitted with 3",
    function() m:predict(torch.zeros(2, 2)) end)
  local bad = X:clone(); bad[1][1] = 0 / 0
  H.check_error("X contains NaN values", function() ml.DecisionTreeClassifier{}:fit(bad, y) end)
  H.eq(tostring(ml.DecisionTreeClassifier{ max_depth = 3 }), "ml.DecisionTreeClassifier{max_depth = 3}")
end)

H.done()
