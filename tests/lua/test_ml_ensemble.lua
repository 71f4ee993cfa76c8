-- test_ml_ensemble.lua: moonlab.ml's tree ensembles against scikit-learn 1.2
-- (tests/fixtures/ml/ensemble.lua, written by ensemble.py next to it): mean
-- test scores over 5 seeds within 2 points of scikit-learn's on the same
-- splits; importances sum to 1; seeds reproduce; the thread count does not
-- change a forest; parameters and errors.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/ensemble.lua")

local function data(d)
  return torch.Tensor(d.X), torch.Tensor(d.y), torch.Tensor(d.Xt), torch.Tensor(d.yt)
end

local function mean_scores(Cls, d, params)
  local X, y, Xt, yt = data(d)
  local test, oob = 0, 0
  for s = 0, 4 do
    params.seed = s
    local m = Cls(params):fit(X, y)
    test = test + m:score(Xt, yt) / 5
    if params.oob_score then oob = oob + m.oob_score / 5 end
    H.near(m.feature_importances:sum(), 1, 1e-12, "importances sum to 1")
  end
  return test, oob
end

local function within(name, got, want, tol)
  H.ok(math.abs(got - want) <= tol, string.format("%s: moonlab %.4f, scikit-learn %.4f", name, got, want))
end

H.test("forests score like scikit-learn's (within 2 points)", function()
  local S = F.scores
  local t, o = mean_scores(ml.RandomForestClassifier, F.clf, { n_estimators = 50, oob_score = true })
  within("rf_clf test", t, S.rf_clf.test, 0.02)
  within("rf_clf oob", o, S.rf_clf.oob, 0.02)
  within("rf_wine", mean_scores(ml.RandomForestClassifier, F.wine, { n_estimators = 50, criterion = "entropy" }),
    S.rf_wine.test, 0.02)
  within("et_clf", mean_scores(ml.ExtraTreesClassifier, F.clf, { n_estimators = 50 }), S.et_clf.test, 0.02)
  t, o = mean_scores(ml.RandomForestRegressor, F.reg, { n_estimators = 50, oob_score = true })
  within("rf_reg R2", t, S.rf_reg.test, 0.02)
  within("rf_reg oob R2", o, S.rf_reg.oob, 0.02)
  within("et_reg R2", mean_scores(ml.ExtraTreesRegressor, F.reg, { n_estimators = 50 }), S.et_reg.test, 0.02)
  within("rf_reg_sqrt R2", mean_scores(ml.RandomForestRegressor, F.reg,
    { n_estimators = 50, max_features = "sqrt", min_samples_leaf = 3 }), S.rf_reg_sqrt.test, 0.02)
end)

H.test("seeds reproduce; thread count does not matter", function()
  local X, y, Xt = data(F.clf)
  local a = ml.RandomForestClassifier{ n_estimators = 12, seed = 7, n_jobs = 1 }:fit(X, y)
  local b = ml.RandomForestClassifier{ n_estimators = 12, seed = 7, n_jobs = 2 }:fit(X, y)
  local c = ml.RandomForestClassifier{ n_estimators = 12, seed = 7 }:fit(X, y)
  for i = 1, 12 do
    H.eq(a.estimators[i]:export_text(), b.estimators[i]:export_text(), "tree " .. i)
    H.eq(a.estimators[i]:export_text(), c.estimators[i]:export_text(), "tree " .. i)
  end
  H.eq((a:predict_proba(Xt) - b:predict_proba(Xt)):abs():max(), 0)
  local d = ml.RandomForestClassifier{ n_estimators = 12, seed = 8 }:fit(X, y)
  H.ok((a:predict_proba(Xt) - d:predict_proba(Xt)):abs():max() > 0, "another seed, another forest")
  local r1 = ml.ExtraTreesRegressor{ n_estimators = 5, seed = 1, n_jobs = 1 }:fit(torch.Tensor(F.reg.X), torch.Tensor(F.reg.y))
  local r2 = ml.ExtraTreesRegressor{ n_estimators = 5, seed = 1, n_jobs = 2 }:fit(torch.Tensor(F.reg.X), torch.Tensor(F.reg.y))
  H.eq((r1:predict(torch.Tensor(F.reg.Xt)) - r2:predict(torch.Tensor(F.reg.Xt))):abs():max(), 0)
end)

H.test("forest predictions are the mean of its trees", function()
  local X, y, Xt = data(F.clf)
  local m = ml.RandomForestClassifier{ n_estimators = 7, seed = 1, max_depth = 4 }:fit(X, y)
  local P = torch.zeros(Xt:size(1), 3)
  for _, e in ipairs(m.estimators) do P:add(e:predict_proba(Xt)) end
  P:div(7)
  H.ok((m:predict_proba(Xt) - P):abs():max() < 1e-15)
  H.eq(m:apply(Xt):size(2), 7)
  H.eq(m:apply(Xt)[3][2], m.estimators[2]:apply(Xt)[3])
  local Xr, yr, Xrt = data(F.reg)
  local r = ml.RandomForestRegressor{ n_estimators = 4, seed = 1 }:fit(Xr, yr)
  local p = torch.zeros(Xrt:size(1))
  for _, e in ipairs(r.estimators) do p:add(e:predict(Xrt)) end
  H.ok((r:predict(Xrt) - p:div(4)):abs():max() < 1e-12)
  -- no bootstrap and all features: every tree is the same full tree
  local full = ml.RandomForestRegressor{ n_estimators = 3, bootstrap = false, max_features = 1.0, seed = 1 }:fit(Xr, yr)
  H.near(full:score(Xr, yr), 1, 1e-12)
  -- max_samples draws fewer samples per tree
  local small = ml.RandomForestRegressor{ n_estimators = 3, max_samples = 50, seed = 1 }:fit(Xr, yr)
  H.ok(small.estimators[1].tree.weighted_n_node_samples[1] == 50)
  H.ok(small.estimators[1].tree.n_node_samples[1] <= 50)
end)

H.test("forest errors", function()
  local X, y = data(F.clf)
  H.check_error("ml.RandomForestClassifier.fit: oob_score needs bootstrap = true",
    function() ml.RandomForestClassifier{ bootstrap = false, oob_score = true }:fit(X, y) end)
  H.check_error("n_estimators must be an integer >= 1 (got 0)",
    function() ml.RandomForestClassifier{ n_estimators = 0 }:fit(X, y) end)
  H.check_error("n_jobs must be none, -1 or an integer >= 1",
    function() ml.RandomForestClassifier{ n_jobs = 0 }:fit(X, y) end)
  H.check_error("max_samples must be in 1..400 (got 500)",
    function() ml.RandomForestClassifier{ max_samples = 500 }:fit(X, y) end)
  H.check_error("ml.ExtraTreesRegressor.predict: this ml.ExtraTreesRegressor is not fitted yet",
    function() ml.ExtraTreesRegressor{}:predict(X) end)
  local m = ml.ExtraTreesClassifier{ n_estimators = 2 }:fit(X, y)
  H.check_error("X has 3 features, but this ml.ExtraTreesClassifier was fitted with 10",
    function() m:predict(torch.zeros(1, 3)) end)
end)

H.test("histogram gradient boosting scores like scikit-learn's (within 2 points)", function()
  local S = F.scores
  local function run(Cls, d, params, key)
    local X, y, Xt, yt = data(d)
    params.early_stopping = false
    local m = Cls(params):fit(X, y)
    within(key .. " test", m:score(Xt, yt), S[key].test, 0.02)
    within(key .. " train", m:score(X, y), S[key].train, 0.02)
    return m
  end
  local m = run(ml.HistGradientBoostingClassifier, F.clf, { max_iter = 60 }, "hgb_clf")
  H.eq(m.n_trees_per_iteration, 3)
  H.eq(m.n_iter, 60)
  run(ml.HistGradientBoostingClassifier, F.wine, { max_iter = 40, max_leaf_nodes = 8 }, "hgb_wine")
  local b = run(ml.HistGradientBoostingClassifier, F.binary, { max_iter = 80, learning_rate = 0.05 }, "hgb_binary_nan")
  H.eq(b.n_trees_per_iteration, 1)
  run(ml.HistGradientBoostingRegressor, F.reg, { max_iter = 100, max_depth = 4, l2_regularization = 1.0 }, "hgb_reg")
  run(ml.HistGradientBoostingRegressor, F.reg, { max_iter = 50, max_bins = 16, min_samples_leaf = 5 }, "hgb_reg_bins")
end)

H.test("boosting: probabilities, decision function, trees, missing values", function()
  local X, y, Xt = data(F.binary)
  local m = ml.HistGradientBoostingClassifier{ max_iter = 20, max_leaf_nodes = 7 }:fit(X, y)
  local P = m:predict_proba(Xt)
  H.ok((P:sum(2) - 1):abs():max() < 1e-12, "rows sum to 1")
  local z = m:decision_function(Xt)
  H.ok((torch.sigmoid(z) - P:select(2, 2)):abs():max() < 1e-12, "P(class 2) = sigmoid(logit)")
  -- the baseline is the log-odds of the training labels; trees keep max_leaf_nodes
  local t = m.predictors[1][1]
  H.ok(t.children_left:eq(0):sum() <= 7, "max_leaf_nodes")
  H.near(m.baseline[1], math.log(y:mean() / (1 - y:mean())), 1e-12)
  -- the logit is the baseline plus each tree's leaf value: refit with one tree
  local one = ml.HistGradientBoostingClassifier{ max_iter = 1 }:fit(X, y)
  local lv = torch.zeros(Xt:size(1))
  torch._tree.hgb_predict(one.predictors[1][1], Xt, lv)
  H.ok((one:decision_function(Xt) - lv - one.baseline[1]):abs():max() < 1e-12)
  -- rows with NaN in a split feature follow the split's missing_go_to_left
  local nanrow = Xt[{ { 1 } }]:clone(); nanrow[1][1] = 0 / 0
  H.ok(m:predict_proba(nanrow)[1][1] == m:predict_proba(nanrow)[1][1], "NaN rows get a probability")
  local mc = ml.HistGradientBoostingClassifier{ max_iter = 10 }:fit(torch.Tensor(F.clf.X), torch.Tensor(F.clf.y))
  local Pc = mc:predict_proba(torch.Tensor(F.clf.Xt))
  H.ok((Pc:sum(2) - 1):abs():max() < 1e-12)
  H.eq(mc:decision_function(torch.Tensor(F.clf.Xt)):size(2), 3)
  -- deterministic without early stopping; seeds matter only for the validation split
  local a = ml.HistGradientBoostingRegressor{ max_iter = 15 }:fit(torch.Tensor(F.reg.X), torch.Tensor(F.reg.y))
  local a2 = ml.HistGradientBoostingRegressor{ max_iter = 15 }:fit(torch.Tensor(F.reg.X), torch.Tensor(F.reg.y))
  H.eq((a:predict(torch.Tensor(F.reg.Xt)) - a2:predict(torch.Tensor(F.reg.Xt))):abs():max(), 0)
end)

H.test("boosting: early stopping on a validation split", function()
  local X, y = data(F.clf)
  local m = ml.HistGradientBoostingClassifier{ max_iter = 500, early_stopping = true, n_iter_no_change = 5,
    validation_fraction = 0.2, seed = 1 }:fit(X, y)
  H.ok(m.n_iter < 500, "stopped after " .. m.n_iter .. " iterations")
  H.eq(m.validation_score:size(1), m.n_iter + 1, "one score before the first tree and one per iteration")
  -- the stopping rule: no score of the last 5 beats the one before them by more than tol
  local s = m.validation_score
  local ref = s[s:size(1) - 5]
  for i = s:size(1) - 4, s:size(1) do H.ok(s[i] <= ref + 1e-7) end
  local m2 = ml.HistGradientBoostingClassifier{ max_iter = 500, early_stopping = true, n_iter_no_change = 5,
    validation_fraction = 0.2, seed = 1 }:fit(X, y)
  H.eq(m2.n_iter, m.n_iter, "the seed fixes the validation split")
  H.eq(ml.HistGradientBoostingRegressor{ max_iter = 5 }:fit(torch.Tensor(F.reg.X), torch.Tensor(F.reg.y))
    .do_early_stopping, false, "auto: off below 10000 rows")
end)

H.test("boosting errors", function()
  local X, y = data(F.clf)
  H.check_error("ml.HistGradientBoostingClassifier.fit: y has a single class",
    function() ml.HistGradientBoostingClassifier{}:fit(X, torch.ones(400)) end)
  H.check_error("max_bins must be an integer in 2..255 (got 256)",
    function() ml.HistGradientBoostingRegressor{ max_bins = 256 }:fit(X, y) end)
  H.check_error("max_leaf_nodes must be none or an integer >= 2 (got 1)",
    function() ml.HistGradientBoostingRegressor{ max_leaf_nodes = 1 }:fit(X, y) end)
  H.check_error("learning_rate must be > 0", function() ml.HistGradientBoostingRegressor{ learning_rate = 0 }:fit(X, y) end)
  H.check_error("loss must be \"squared_error\"", function() ml.HistGradientBoostingRegressor{ loss = "poisson" }:fit(X, y) end)
  H.check_error("early_stopping must be \"auto\", true or false",
    function() ml.HistGradientBoostingRegressor{ early_stopping = "yes" }:fit(X, y) end)
  H.check_error("ml.HistGradientBoostingRegressor.predict: this ml.HistGradientBoostingRegressor is not fitted yet",
    function() ml.HistGradientBoostingRegressor{}:predict(X) end)
  local m = ml.HistGradientBoostingRegressor{ max_iter = 2 }:fit(X, y)
  H.check_error("X has 2 features, but this ml.HistGradientBoostingRegressor was fitted with 10",
    function() m:predict(torch.zeros(1, 2)) end)
end)

H.test("IsolationForest scores like scikit-learn's", function()
  local I = dofile("tests/fixtures/ml/isolation.lua")
  local X, Xt = torch.Tensor(I.X), torch.Tensor(I.Xt)
  local acc = torch.zeros(Xt:size(1))
  for s = 0, 4 do acc:add(ml.IsolationForest{ n_estimators = 200, seed = s }:fit(X):score_samples(Xt)) end
  acc:div(5)
  local diff = (acc - torch.Tensor(I.score_samples)):abs()
  H.ok(diff:max() < 0.03 and diff:mean() < 0.01, "score_samples: max diff " .. diff:max() .. ", mean " .. diff:mean())
  local m = ml.IsolationForest{ n_estimators = 200, contamination = 0.05, seed = 0 }:fit(X)
  H.near(m.offset, I.offset_c05, 0.03)
  local p = m:predict(X)
  H.eq(p:eq(-1):sum(), 16, "5% of 315 rows are below the offset")
  H.ok(p:eq(torch.Tensor(I.pred_train_c05)):sum() >= 308, "the same rows flagged as scikit-learn's")
  H.ok((m:decision_function(Xt) - m:score_samples(Xt) + m.offset):abs():max() < 1e-15)
  H.eq(ml.IsolationForest{ n_estimators = 10, seed = 0 }:fit(X).offset, -0.5, "contamination auto")
  H.eq(m:fit_predict(X):eq(-1):sum(), 16)
end)

H.test("IsolationForest: closed form, seeds, threads, errors", function()
  -- two rows, two samples per tree: each tree splits once, every leaf has one
  -- sample at depth 1, c(2) = 1, so every score is -2^-1
  local two = torch.Tensor{ { 0, 0 }, { 1, 1 } }
  local m = ml.IsolationForest{ n_estimators = 5, seed = 1 }:fit(two)
  H.ok((m:score_samples(two) + 0.5):abs():max() < 1e-15)
  H.eq(m.n_samples_per_tree, 2)
  local I = dofile("tests/fixtures/ml/isolation.lua")
  local X = torch.Tensor(I.X)
  local a = ml.IsolationForest{ n_estimators = 20, seed = 3, n_jobs = 1 }:fit(X):score_samples(X)
  local b = ml.IsolationForest{ n_estimators = 20, seed = 3, n_jobs = 2 }:fit(X):score_samples(X)
  local c = ml.IsolationForest{ n_estimators = 20, seed = 4 }:fit(X):score_samples(X)
  H.eq((a - b):abs():max(), 0, "thread count does not matter")
  H.ok((a - c):abs():max() > 0, "another seed, other trees")
  local t = ml.IsolationForest{ n_estimators = 3, max_samples = 64, seed = 1 }:fit(X).estimators[1]
  H.eq(t.n_node_samples[1], 64)
  H.ok(t.max_depth <= 6, "depth limit ceil(log2(64))")
  H.check_error("ml.IsolationForest.fit: contamination must be \"auto\" or a number in (0, 0.5]",
    function() ml.IsolationForest{ contamination = 0.7 }:fit(X) end)
  H.check_error("max_samples must be \"auto\", an integer or a fraction",
    function() ml.IsolationForest{ max_samples = "all" }:fit(X) end)
  H.check_error("ml.IsolationForest.score_samples: this ml.IsolationForest is not fitted yet",
    function() ml.IsolationForest{}:score_samples(X) end)
end)

H.test("inputs: Float, strided and table X fit the same models", function()
  local X, y, Xt = data(F.binary)
  local Xs = X:t():contiguous():t()
  H.ok(not Xs:isContiguous())
  local ref = ml.HistGradientBoostingClassifier{ max_iter = 5 }:fit(X, y):decision_function(Xt)
  H.eq((ml.HistGradientBoostingClassifier{ max_iter = 5 }:fit(Xs, y):decision_function(Xt) - ref):abs():max(), 0)
  local Xc, yc, Xct = data(F.clf)
  local rf = ml.RandomForestClassifier{ n_estimators = 5, seed = 2 }:fit(Xc, yc):predict_proba(Xct)
  local rff = ml.RandomForestClassifier{ n_estimators = 5, seed = 2 }:fit(Xc:float(), yc:long()):predict_proba(Xct:float())
  H.eq((rf - rff):abs():max(), 0, "trees see single precision anyway")
  local rfs = ml.RandomForestClassifier{ n_estimators = 5, seed = 2 }:fit(Xc:t():contiguous():t(), yc):predict_proba(Xct)
  H.eq((rf - rfs):abs():max(), 0)
  local iso = ml.IsolationForest{ n_estimators = 5, seed = 2 }
  H.eq((iso:fit(Xc):score_samples(Xct) - iso:fit(Xc:t():contiguous():t()):score_samples(Xct)):abs():max(), 0)
  local tbl = ml.ExtraTreesRegressor{ n_estimators = 2, seed = 1 }:fit({ { 1, 2 }, { 2, 1 }, { 3, 3 } }, { 1, 2, 3 })
  H.eq(tbl:predict({ { 1, 2 } })[1], 1)
end)

H.test("HistGradientBoosting: feature importances from split gains", function()
  local g = torch.Generator()
  torch.manualSeed(g, 3)
  local X = torch.randn(g, 2000, 4)
  X:select(2, 4):fill(1)                      -- a constant feature never splits
  -- regression: y = 3 x3 + 0.5 x1, the gains follow the variance each explains, 9 : 0.25
  local y = X:select(2, 3) * 3 + X:select(2, 1) * 0.5
  local r = ml.HistGradientBoostingRegressor { max_iter = 30 }:fit(X, y)
  local imp = r.feature_importances
  H.near(imp:sum(), 1, 1e-12)
  H.near(imp[3], 9 / 9.25, 0.01)
  H.near(imp[1], 0.25 / 9.25, 0.01)
  H.eq(imp[4], 0)
  H.ok(imp:min() >= 0)
  -- classification on x1 xor x2: the two informative features take nearly all
  local yc = X:select(2, 1):gt(0):add(X:select(2, 2):gt(0)):eq(1):long()
  local c = ml.HistGradientBoostingClassifier { max_iter = 30, seed = 0 }:fit(X, yc)
  local ic = c.feature_importances
  H.near(ic:sum(), 1, 1e-12)
  H.ok(ic[1] + ic[2] > 0.99, "x1 and x2 carry the signal")
  H.eq(ic[4], 0)
end)

H.done()
