-- test_ml_selection.lua: moonlab.ml's splitters, cross-validation, searches,
-- curves, pipelines, column transformers and inspection, against scikit-learn
-- 1.2 (tests/fixtures/ml/selection.py writes selection.lua). The models are
-- two tiny estimators defined here so that nothing waits for moonlab's own
-- models: ridge regression by the normal equations and a nearest-centroid
-- classifier (scikit-learn's Ridge and NearestCentroid give the references).
local H = dofile("tests/lua/harness.lua")
local base = require "moonlab.ml.base"
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/selection.lua")
local R = F.ref
local T = torch.Tensor

-- Ridge: min |y - Xw - b|^2 + alpha |w|^2 (intercept not penalised)
local Ridge = base.estimator("TestRidge", { alpha = 1.0, fit_intercept = true }, base.Regressor)
function Ridge:fit(X, y)
  local n, d
  X, n, d = base.matrix("ml.TestRidge.fit", X)
  y = base.vector("ml.TestRidge.fit", y, n)
  local xm, ym = torch.zeros(1, d), 0
  if self.fit_intercept then xm, ym = X:mean(1), y:mean() end
  local Xc = X - xm:expandAs(X)
  local A = torch.mm(Xc:t(), Xc) + torch.eye(d) * self.alpha
  local b = torch.mv(Xc:t(), y - ym)
  self.coef = torch.gesv(b:view(d, 1), A):view(d)
  self.intercept = ym - torch.dot(xm:view(d), self.coef)
  return base.mark_fitted(self, d)
end
function Ridge:predict(X)
  base.fitted(self, "ml.TestRidge.predict")
  X = base.matrix("ml.TestRidge.predict", X)
  return torch.mv(X, self.coef):add(self.intercept)
end

-- NearestCentroid: the class whose mean is closest; predict_proba is a
-- softmax of minus the distances (only for the scorer plumbing)
local Centroid = base.estimator("TestCentroid", {}, base.Classifier)
function Centroid:fit(X, y)
  local n, d
  X, n, d = base.matrix("ml.TestCentroid.fit", X)
  local classes, codes = base.encode("ml.TestCentroid.fit", y, n)
  local K = classes:nElement()
  self.classes = classes
  self.centroids = torch.zeros(K, d)
  for k = 1, K do self.centroids[k]:copy(X:index(1, torch.nonzero(codes:eq(k)):view(-1)):mean(1)) end
  return base.mark_fitted(self, d)
end
function Centroid:_dist(X)
  X = base.matrix("ml.TestCentroid.predict", X)
  local K = self.centroids:size(1)
  local D = torch.zeros(X:size(1), K)
  for k = 1, K do D:select(2, k):copy((X - self.centroids[k]:view(1, -1):expandAs(X)):pow(2):sum(2)) end
  return D
end
function Centroid:predict(X)
  local _, arg = self:_dist(X):min(2)
  return self.classes:index(1, arg:view(-1))
end
function Centroid:predict_proba(X)
  local E = torch.exp(-self:_dist(X))
  return torch.cdiv(E, E:sum(2):expandAs(E))
end

local function same(got, want, tol, msg)
  if torch.isTensor(got) then got = got:contiguous():view(-1):totable() end
  if torch.isTensor(want) then want = want:contiguous():view(-1):totable() end
  local w = {}
  local function walk(x) if type(x) == "table" then for _, e in ipairs(x) do walk(e) end else w[#w + 1] = x end end
  walk(want)
  H.eq(#got, #w, (msg or "") .. " count")
  for i = 1, #w do H.near(got[i], w[i], tol or 1e-12, (msg or "") .. " [" .. i .. "]") end
end
local function same_folds(got, want, msg)
  H.eq(#got, #want, msg)
  for f = 1, #want do
    same(got[f].train, want[f][1], 0, (msg or "") .. " fold " .. f .. " train")
    same(got[f].test, want[f][2], 0, (msg or "") .. " fold " .. f .. " test")
  end
end

H.test("test estimators match scikit-learn's Ridge", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local gs = ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = { 0.01, 1.0, 10.0, 100.0 },
    fit_intercept = { true, false } }, cv = 4 }:fit(Xr, yr)
  same(gs.best_estimator.coef, R.gs_best_coef, 1e-10)
end)

H.test("KFold, StratifiedKFold, GroupKFold, TimeSeriesSplit equal scikit-learn's folds", function()
  same_folds(ml.KFold{ n_splits = 3 }:split(torch.zeros(11, 1)), R.kfold_3, "kfold 3")
  same_folds(ml.KFold{ n_splits = 5 }:split(torch.zeros(23, 1)), R.kfold_5, "kfold 5")
  same_folds(ml.StratifiedKFold{ n_splits = 3 }:split(torch.zeros(22, 1), T(F.ys)), R.skf_3, "skf 3")
  same_folds(ml.StratifiedKFold{ n_splits = 4 }:split(torch.zeros(22, 1), F.ys), R.skf_4, "skf 4 (Lua list)")
  local names = {}
  for i, v in ipairs(F.ys) do names[i] = ({ [0] = "zebra", [1] = "ant", [2] = "moth" })[v] end
  same_folds(ml.StratifiedKFold{ n_splits = 3 }:split(torch.zeros(22, 1), names), R.skf_3, "skf 3 (strings)")
  same_folds(ml.GroupKFold{ n_splits = 3 }:split(torch.zeros(22, 1), nil, T(F.groups)), R.gkf_3, "gkf 3")
  same_folds(ml.GroupKFold{ n_splits = 4 }:split(torch.zeros(22, 1), nil, F.groups), R.gkf_4, "gkf 4")
  same_folds(ml.TimeSeriesSplit{ n_splits = 3 }:split(torch.zeros(14, 1)), R.tss_3, "tss")
  same_folds(ml.TimeSeriesSplit{ n_splits = 4, max_train_size = 5, test_size = 2, gap = 1 }:split(torch.zeros(17, 1)),
    R.tss_opts, "tss opts")
  H.eq(ml.KFold{ n_splits = 4 }:get_n_splits(), 4)
  H.check_error("ml.KFold: n_splits must be an integer >= 2 (got 1)", function() ml.KFold{ n_splits = 1 } end)
  H.check_error("cannot have n_splits=5 greater than the number of samples 3", function()
    ml.KFold{ n_splits = 5 }:split(torch.zeros(3, 1)) end)
  H.check_error("n_splits=3 cannot be greater than the number of members in each class", function()
    ml.StratifiedKFold{ n_splits = 3 }:split(torch.zeros(4, 1), T{ 1, 1, 2, 2 }) end)
  H.check_error("ml.GroupKFold.split: groups is required", function() ml.GroupKFold{}:split(torch.zeros(4, 1)) end)
  H.check_error("too many splits=5 for number of samples=6", function()
    ml.TimeSeriesSplit{ n_splits = 5, test_size = 2 }:split(torch.zeros(6, 1)) end)
end)

H.test("shuffled KFold: a seeded partition", function()
  local a = ml.KFold{ n_splits = 4, shuffle = true, seed = 3 }:split(torch.zeros(17, 2))
  local b = ml.KFold{ n_splits = 4, shuffle = true, seed = 3 }:split(torch.zeros(17, 2))
  local seen = {}
  for f = 1, 4 do
    same(a[f].test, b[f].test:totable(), 0, "same seed, same folds")
    H.eq(a[f].train:nElement() + a[f].test:nElement(), 17)
    for _, i in ipairs(a[f].test:totable()) do H.ok(not seen[i]); seen[i] = true end
  end
  local s = ml.StratifiedKFold{ n_splits = 3, shuffle = true, seed = 1 }:split(torch.zeros(22, 1), F.ys)
  local ys = T(F.ys)
  for f = 1, 3 do
    -- each class's count in a test fold matches the unshuffled allocation
    for c = 0, 2 do
      H.eq(ys:index(1, s[f].test):eq(c):sum(), ys:index(1, torch.LongTensor(R.skf_3[f][2])):eq(c):sum())
    end
  end
end)

H.test("train_test_split: sizes, several arrays, stratification, seeds", function()
  local X = torch.range(1, 40):view(20, 2)
  local y = torch.range(1, 20)
  local Xtr, Xte, ytr, yte = ml.train_test_split(X, y, { test_size = 0.25, seed = 5 })
  H.eq(Xtr:size(1), 15); H.eq(Xte:size(1), 5); H.eq(ytr:size(1), 15)
  for i = 1, 5 do H.eq(Xte[i][2], yte[i] * 2, "rows stay aligned") end
  local all = torch.cat(ytr, yte, 1)
  H.eq(torch.sort(all):eq(y):sum(), 20, "a partition")
  local a = select(2, ml.train_test_split(y, { seed = 9 }))
  local b = select(2, ml.train_test_split(y, { seed = 9 }))
  H.ok(a:equal(b), "seeded")
  -- scikit-learn's sizes: ceil(test * n), floor(train * n)
  H.eq(select(2, ml.train_test_split(torch.zeros(11), { test_size = 0.3, seed = 1 })):size(1), 4)
  H.eq(ml.train_test_split(torch.zeros(11), { train_size = 0.5, seed = 1 }):size(1), 5)
  H.eq(select(2, ml.train_test_split(torch.zeros(11), { test_size = 3, seed = 1 })):size(1), 3)
  -- no shuffle: the tail is the test set
  local _, t = ml.train_test_split(y, { shuffle = false, test_size = 4 })
  same(t, { 17, 18, 19, 20 }, 0)
  -- stratified: 30 of class 0, 10 of class 1 -> 7.5 / 2.5 in test of 10
  local ys = torch.cat(torch.zeros(30), torch.ones(10), 1)
  for seed = 1, 5 do
    local _, _, _, yt = ml.train_test_split(torch.zeros(40, 1), ys, { test_size = 0.25, stratify = ys, seed = seed })
    H.eq(yt:size(1), 10)
    local ones = yt:sum()
    H.ok(ones == 2 or ones == 3, "class 1 keeps its proportion (got " .. ones .. ")")
  end
  local _, _, _, yt = ml.train_test_split(torch.zeros(40, 1), ys, { test_size = 0.2, stratify = ys, seed = 2 })
  H.eq(yt:sum(), 2, "exact proportions when they divide evenly")
  -- Lua lists split too
  local ltr, lte = ml.train_test_split({ "a", "b", "c", "d" }, { test_size = 1, seed = 1 })
  H.eq(#ltr, 3); H.eq(#lte, 1)
  H.check_error("arrays have inconsistent numbers of samples: 20 and 3", ml.train_test_split, X, T{ 1, 2, 3 })
  H.check_error("least populated class in stratify has only 1 member", ml.train_test_split, torch.zeros(5, 1),
    { stratify = T{ 0, 0, 0, 0, 1 } })
end)

H.test("cross_val_score / cross_validate equal scikit-learn's", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  same(ml.cross_val_score(Ridge{}, Xr, yr, { cv = 5 }), R.cv_ridge, 1e-10)
  same(ml.cross_val_score(Ridge{}, Xr, yr, { cv = 4, scoring = "neg_mean_squared_error" }), R.cv_ridge_mse, 1e-10)
  local r = ml.cross_validate(Ridge{ alpha = 0.5 }, Xr, yr, { cv = 3, scoring = { "r2", "neg_mean_absolute_error" },
    return_train_score = true })
  for _, k in ipairs({ "test_r2", "train_r2", "test_neg_mean_absolute_error", "train_neg_mean_absolute_error" }) do
    same(r[k], R.cv_multi[k], 1e-10, k)
  end
  H.eq(r.fit_time:nElement(), 3)
  H.ok(r.fit_time:min() >= 0 and r.score_time:min() >= 0)
  local Xc, yc = T(F.Xc), T(F.yc)
  same(ml.cross_val_score(Centroid{}, Xc, yc, { cv = 5 }), R.cv_nc, 1e-12, "stratified by default")
  same(ml.cross_val_score(Centroid{}, Xc, yc, { cv = 3, scoring = "f1_macro" }), R.cv_nc_f1, 1e-12)
  -- a scoring function and an explicit splitter
  local s = ml.cross_val_score(Centroid{}, Xc, yc, { cv = ml.KFold{ n_splits = 3 },
    scoring = function(m, X, y) return ml.accuracy_score(y, m:predict(X)) end })
  H.eq(s:nElement(), 3)
  local roc = ml.cross_val_score(Centroid{}, Xc, yc, { cv = 3, scoring = "roc_auc_ovr" })
  H.ok(roc:min() > 0.8, "roc_auc_ovr through predict_proba")
  H.check_error("ml.get_scorer: unknown scoring 'acuracy'", ml.cross_val_score, Centroid{}, Xc, yc, { scoring = "acuracy" })
  local p = ml.cross_val_predict(Centroid{}, Xc, yc, { cv = 5 })
  H.near(ml.accuracy_score(yc, p), T(R.cv_nc):mean(), 1e-12, "cross_val_predict over equal folds")
end)

H.test("GridSearchCV: results, ranks, best, refit, printed table", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local gs = ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = { 0.01, 1.0, 10.0, 100.0 },
    fit_intercept = { true, false } }, cv = 4 }
  gs:fit(Xr, yr)
  same(gs.cv_results.mean_test_score, R.gs_mean, 1e-10)
  same(gs.cv_results.std_test_score, R.gs_std, 1e-9)
  same(gs.cv_results.rank_test_score, R.gs_rank, 0)
  H.eq(gs.best_params.alpha, R.gs_best_alpha)
  H.eq(gs.best_params.fit_intercept, R.gs_best_intercept)
  H.near(gs.best_score, R.gs_best_score, 1e-10)
  H.near(gs:score(Xr, yr), gs.best_estimator:score(Xr, yr), 0)
  same(gs:predict(Xr:narrow(1, 1, 3)), gs.best_estimator:predict(Xr:narrow(1, 1, 3)):totable(), 0)
  local txt = gs:results()
  local first = txt:match("\n([^\n]*)")
  H.ok(first:match("^%s*1%s"), "rank 1 first: " .. first)
  H.ok(txt:find("alpha", 1, true) and txt:find("fit_intercept", 1, true))
  H.eq(tostring(gs.cv_results), txt)
  H.ok(gs:results(2):find("(6 more)", 1, true))
  H.check_error("estimator must be an ml estimator", function() ml.GridSearchCV{ param_grid = { a = { 1 } } } end)
  H.check_error("the grid of 'alpha' must be a non-empty list", function()
    ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = {} } }:fit(Xr, yr) end)
  -- several scorings: refit names the deciding one
  local gm = ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = { 0.01, 10.0, 1000.0 } }, cv = 4,
    scoring = { "r2", "neg_mean_absolute_error" }, refit = "neg_mean_absolute_error" }:fit(Xr, yr)
  local mae = gm.cv_results.mean_test_neg_mean_absolute_error
  H.eq(#gm.cv_results.mean_test_r2, 3)
  local best = 1
  for i = 2, 3 do if mae[i] > mae[best] then best = i end end
  H.eq(gm.best_index, best)
  H.near(gm:score(Xr, yr), -ml.mean_absolute_error(yr, gm:predict(Xr)), 1e-12, "score uses the refit metric")
  H.check_error("refit must name the one", function()
    ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = { 1 } }, scoring = { "r2", "r2" } }:fit(Xr, yr) end)
  local nore = ml.GridSearchCV{ estimator = Ridge{}, param_grid = { alpha = { 1 } }, refit = false, cv = 3 }:fit(Xr, yr)
  H.check_error("refit = false", function() nore:predict(Xr) end)
end)

H.test("RandomizedSearchCV: lists sampled without repeats, distributions, seeds", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local rs = ml.RandomizedSearchCV{ estimator = Ridge{}, param_distributions = { alpha = { 0.1, 1, 10 },
    fit_intercept = { true, false } }, n_iter = 4, seed = 1, cv = 3 }:fit(Xr, yr)
  H.eq(#rs.cv_results.params, 4)
  local seen = {}
  for _, p in ipairs(rs.cv_results.params) do
    local k = tostring(p.alpha) .. tostring(p.fit_intercept)
    H.ok(not seen[k], "no repeated candidate"); seen[k] = true
  end
  local rd = ml.RandomizedSearchCV{ estimator = Ridge{}, param_distributions = { alpha = ml.loguniform(1e-3, 1e3) },
    n_iter = 6, seed = 4, cv = 3 }:fit(Xr, yr)
  local rd2 = ml.RandomizedSearchCV{ estimator = Ridge{}, param_distributions = { alpha = ml.loguniform(1e-3, 1e3) },
    n_iter = 6, seed = 4, cv = 3 }:fit(Xr, yr)
  for i = 1, 6 do
    local a = rd.cv_results.params[i].alpha
    H.ok(a >= 1e-3 and a < 1e3)
    H.eq(a, rd2.cv_results.params[i].alpha, "seeded")
  end
  -- the best candidate is the one with the best mean score
  local best, m = 1, rd.cv_results.mean_test_score
  for i = 2, 6 do if m[i] > m[best] then best = i end end
  H.eq(rd.best_index, best)
  local ri = ml.randint(2, 4)
  local g = base.generator(1)
  for _ = 1, 20 do local v = ri.sample(g); H.ok(v >= 2 and v <= 4 and v == math.floor(v)) end
end)

H.test("Pipeline: fit/predict/score through the steps, nested params, make_pipeline", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local X10 = Xr * 10 + 3
  local p = ml.Pipeline{ steps = { { "scale", ml.StandardScaler{} }, { "ridge", Ridge{ alpha = 2.0 } } } }
  p:fit(X10, yr)
  local manual = Ridge{ alpha = 2.0 }:fit(ml.StandardScaler{}:fit_transform(X10), yr)
  same(p:predict(X10), manual:predict(ml.StandardScaler{}:fit(X10):transform(X10)):totable(), 1e-12)
  H.near(p:score(X10, yr), manual:score(ml.StandardScaler{}:fit(X10):transform(X10), yr), 1e-12)
  same(ml.cross_val_score(ml.make_pipeline(ml.StandardScaler{}, Ridge{ alpha = 2.0 }), X10, yr, { cv = 5 }),
    R.pipe_cv, 1e-10, "pipeline in cross-validation")
  -- params: both spellings
  H.eq(p:params().ridge__alpha, 2.0)
  p:set_params{ ridge__alpha = 5 }
  H.eq(p:step("ridge").alpha, 5)
  p:set_params{ ["ridge.alpha"] = 7, ["scale.with_mean"] = false }
  H.eq(p:step("ridge").alpha, 7); H.eq(p:step("scale").with_mean, false)
  local c = ml.clone(p)
  H.eq(c:step("ridge").alpha, 7, "clone keeps nested params")
  H.ok(c:step("ridge") ~= p:step("ridge"), "clone copies the steps")
  p:set_params{ scale = "passthrough" }
  p:fit(Xr, yr)
  same(p:predict(Xr), Ridge{ alpha = 7 }:fit(Xr, yr):predict(Xr):totable(), 1e-12, "passthrough step")
  -- grid search over a pipeline parameter
  local gp = ml.GridSearchCV{ estimator = ml.make_pipeline(ml.StandardScaler{}, Ridge{}),
    param_grid = { ["testridge__alpha"] = { 0.1, 3.0, 30.0 } }, cv = 3 }:fit(Xr, yr)
  same(gp.cv_results.mean_test_score, R.gs_pipe_mean, 1e-10)
  local gp2 = ml.GridSearchCV{ estimator = ml.make_pipeline(ml.StandardScaler{}, Ridge{}),
    param_grid = { ["testridge.alpha"] = { 0.1, 3.0, 30.0 } }, cv = 3 }:fit(Xr, yr)
  same(gp2.cv_results.mean_test_score, R.gs_pipe_mean, 1e-10, "dotted names")
  H.eq(tostring(ml.make_pipeline(ml.StandardScaler{}, Ridge{})),
    'ml.Pipeline{steps = {{"standardscaler", ml.StandardScaler{}}, {"testridge", ml.TestRidge{}}}}')
  -- transform / inverse_transform through transformer-only pipelines
  local tp = ml.make_pipeline(ml.StandardScaler{}, ml.MinMaxScaler{}):fit(Xr)
  same(tp:inverse_transform(tp:transform(Xr)), Xr, 1e-12)
  H.check_error("ml.Pipeline.set_params: no step named 'ridg'", function() p:set_params{ ridg__alpha = 1 } end)
  H.check_error("step 'a' (ml.TestRidge) is not the last one", function()
    ml.Pipeline{ steps = { { "a", Ridge{} }, { "b", Ridge{} } } } end)
  H.check_error("step name 'a' is used twice", function()
    ml.Pipeline{ steps = { { "a", ml.StandardScaler{} }, { "a", Ridge{} } } } end)
  H.check_error("the last step ('testridge') has no transform", function()
    ml.make_pipeline(ml.StandardScaler{}, Ridge{}):fit(Xr, yr):transform(Xr) end)
end)

-- a minimal data frame: columns by name and :to_tensor(names)
local function frame(cols, names)
  local df = { names = names }
  for _, n in ipairs(names) do df[n] = cols[n] end
  function df:to_tensor(sel)
    sel = sel or self.names
    local first = self[self.names[1]]
    local out = torch.DoubleTensor(torch.isTensor(first) and first:size(1) or #first, #sel)
    for j, n in ipairs(sel) do
      local c = self[n]
      if type(c) == "table" then c = T(c) end
      out:select(2, j):copy(c)
    end
    return out
  end
  return df
end

H.test("ColumnTransformer: tensor columns, frame names, remainder, strings", function()
  local X = T{ { 1, 10, 0 }, { 2, 20, 1 }, { 3, 30, 0 }, { 4, 60, 2 } }
  local ct = ml.ColumnTransformer{ transformers = { { "num", ml.StandardScaler{}, { 1, 2 } },
    { "cat", ml.OneHotEncoder{}, 3 } } }
  local Z = ct:fit_transform(X)
  H.eq(Z:size(2), 5)
  same(Z:narrow(2, 1, 2), ml.StandardScaler{}:fit_transform(X:narrow(2, 1, 2)), 1e-12)
  same(Z:narrow(2, 3, 3), ml.OneHotEncoder{}:fit_transform(X:narrow(2, 3, 1)), 0)
  same(ct:transform(X), Z, 1e-12)
  H.eq(table.concat(ct:get_feature_names_out(), ","), "num__x0,num__x1,cat__x2_0,cat__x2_1,cat__x2_2")
  local pass = ml.ColumnTransformer{ transformers = { { "s", ml.MinMaxScaler{}, { 2 } } }, remainder = "passthrough" }
  local Zp = pass:fit_transform(X)
  same(Zp:select(2, 2), X:select(2, 1), 0, "remainder columns follow")
  same(Zp:select(2, 3), X:select(2, 3), 0)
  H.eq(ml.ColumnTransformer{ transformers = { { "s", ml.MinMaxScaler{}, { 2 } } } }:fit_transform(X):size(2), 1)
  -- a data frame with a string column
  local df = frame({ age = T{ 20, 30, 40, 50 }, city = { "rome", "oslo", "rome", "lima" } }, { "age", "city" })
  local ctf = ml.ColumnTransformer{ transformers = { { "num", ml.StandardScaler{}, { "age" } },
    { "cat", ml.OneHotEncoder{}, { "city" } } } }
  local Zf = ctf:fit_transform(df)
  H.eq(Zf:size(2), 4)
  same(Zf:select(2, 2), { 0, 0, 0, 1 }, 0, "lima")
  same(Zf:select(2, 4), { 1, 0, 1, 0 }, 0, "rome")
  H.eq(table.concat(ctf:get_feature_names_out(), ","), "num__age,cat__city_lima,cat__city_oslo,cat__city_rome")
  -- in a pipeline with nested params
  local p = ml.make_pipeline(ctf, Ridge{})
  p:set_params{ ["columntransformer__num__with_mean"] = false }
  H.eq(p:step("columntransformer").transformers[1][2].with_mean, false)
  p:fit(df, T{ 1, 2, 3, 4 })
  H.eq(p:predict(df):nElement(), 4)
  H.check_error("column age is a name, but X is a tensor", function()
    ml.ColumnTransformer{ transformers = { { "n", ml.StandardScaler{}, { "age" } } } }:fit(X) end)
  H.check_error("no column 'size' in the data frame", function()
    ml.ColumnTransformer{ transformers = { { "n", ml.StandardScaler{}, { "size" } } } }:fit(df) end)
  H.check_error("column 4 out of range 1..3", function()
    ml.ColumnTransformer{ transformers = { { "n", ml.StandardScaler{}, { 4 } } } }:fit(X) end)
end)

-- the shape of moonlab.data's DataFrame: df.columns (names), df[name] (values:
-- a tensor; categorical columns hold 1-based codes into df:levels(name)),
-- df:kind(name), df:take(idx), df:nrows(), df:to_tensor(names)
local function dataframe(names, cols, kinds, levels)
  local methods = {}
  local F = {}
  F.__index = function(df, k) return methods[k] or rawget(df, "_cols")[k] end
  local function make(c, n) return setmetatable({ columns = names, _cols = c, _n = n }, F) end
  function methods.kind(df, name) return kinds[name] or "float" end
  function methods.levels(df, name) return levels[name] end
  function methods.nrows(df) return df._n end
  function methods.take(df, idx)
    local c = {}
    for _, n in ipairs(names) do c[n] = df._cols[n]:index(1, idx) end
    return make(c, idx:nElement())
  end
  function methods.to_tensor(df, sel)
    sel = sel or names
    local X = torch.DoubleTensor(df._n, #sel)
    for j, n in ipairs(sel) do X:select(2, j):copy(df._cols[n]) end
    return X
  end
  local n = cols[names[1]]:nElement()
  return make(cols, n)
end

H.test("moonlab.data-style frames: categorical levels, take, cross-validation", function()
  local n = 12
  local age = torch.range(20, 20 + 3 * (n - 1), 3)
  local city = torch.LongTensor{ 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3 }
  local df = dataframe({ "age", "city" }, { age = age, city = city }, { city = "categorical" },
    { city = { "lima", "oslo", "rome" } })
  local ct = ml.ColumnTransformer{ transformers = { { "num", ml.StandardScaler{}, { "age" } },
    { "cat", ml.OneHotEncoder{}, { "city" } } } }
  local Z = ct:fit_transform(df)
  H.eq(table.concat(ct:get_feature_names_out(), ","), "num__age,cat__city_lima,cat__city_oslo,cat__city_rome",
    "categorical codes become their levels")
  same(Z:select(2, 3), { 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0 }, 0)
  local y = age * 0.5 + city:double()
  local tr, te, ytr, yte = ml.train_test_split(df, y, { test_size = 4, seed = 2 })
  H.eq(tr:nrows(), 8); H.eq(te:nrows(), 4)
  same(te.age * 0.5 + te.city:double(), yte, 0, "frame rows follow the targets")
  local p = ml.make_pipeline(ml.ColumnTransformer{ transformers = { { "num", ml.StandardScaler{}, { "age" } },
    { "cat", ml.OneHotEncoder{ handle_unknown = "ignore" }, { "city" } } } }, Ridge{ alpha = 0.01 })
  local sc = ml.cross_val_score(p, df, y, { cv = 3 })
  H.eq(sc:nElement(), 3)
  H.ok(sc:min() > 0.99, "the pipeline fits the frame (R² " .. sc:min() .. ")")
  H.eq(ml.ColumnTransformer{ transformers = { { "n", ml.MinMaxScaler{}, { "age" } } }, remainder = "passthrough" }
    :fit_transform(df):size(2), 2, "remainder from df.columns")
end)

H.test("learning_curve and validation_curve equal scikit-learn's and feed plot.learning_curve", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local lc = ml.learning_curve(Ridge{}, Xr, yr, { cv = 4, train_sizes = { 0.2, 0.5, 1.0 } })
  same(lc.size, R.lc_sizes, 0)
  same(lc.train_scores, R.lc_train, 1e-10)
  same(lc.test_scores, R.lc_test, 1e-10)
  for i = 1, 3 do
    H.near(lc.test[i], T(R.lc_test[i]):mean(), 1e-10)
    H.near(lc.train_std[i], T(R.lc_train[i]):std(1, true)[1], 1e-9)
  end
  local keys = {}
  for k in pairs(lc) do keys[#keys + 1] = k end
  table.sort(keys)
  H.eq(table.concat(keys, ","), "size,test,test_std,train,train_std", "only series and x for the plot")
  local vc = ml.validation_curve(Ridge{}, Xr, yr, "alpha", { 0.1, 10.0, 1000.0 }, { cv = 3 })
  same(vc.train_scores, R.vc_train, 1e-10)
  same(vc.test_scores, R.vc_test, 1e-10)
  same(vc.x, { 0.1, 10.0, 1000.0 }, 0)
  local plot = require "moonlab.plot"
  -- the figure checks its data when the plot is added (no drawing here)
  local fig = plot.figure({ output = "none" })
  H.ok(pcall(fig.learning_curve, fig, lc), "plot.learning_curve accepts the result")
  H.ok(pcall(fig.learning_curve, fig, vc, { xlabel = "alpha" }))
end)

H.test("permutation_importance and partial_dependence", function()
  local Xr, yr = T(F.Xr), T(F.yr)
  local m = Ridge{ alpha = 1.0 }:fit(Xr, yr)
  local pi = ml.permutation_importance(m, Xr, yr, { n_repeats = 8, seed = 3 })
  H.eq(pi.importances:size(1), 3); H.eq(pi.importances:size(2), 8)
  -- the true coefficients are 1.5, -2, 0.5: feature 2 matters most, 3 least
  H.ok(pi.importances_mean[2] > pi.importances_mean[1] and pi.importances_mean[1] > pi.importances_mean[3])
  local again = ml.permutation_importance(m, Xr, yr, { n_repeats = 8, seed = 3 })
  H.ok(again.importances:equal(pi.importances), "seeded")
  -- closed form: baseline minus the score with a column shuffled
  local Xp = Xr:clone()
  local g = base.generator(3)
  Xp:select(2, 1):copy(Xr:select(2, 1):index(1, torch.randperm(g, 40):long()))
  H.near(pi.importances[1][1], m:score(Xr, yr) - m:score(Xp, yr), 1e-12)
  local pd = ml.partial_dependence(m, Xr, 2, { grid_resolution = 7 })
  same(pd.grid_values, R.pd_grid, 1e-12)
  same(pd.average, R.pd_avg, 1e-10)
  same(ml.partial_dependence(m, Xr:narrow(1, 1, 20), 1, { grid_resolution = 50 }).grid_values, R.pd_grid_uniq, 0)
  local c = Centroid{}:fit(T(F.Xc), T(F.yc))
  local pdc = ml.partial_dependence(c, T(F.Xc), 1, { grid_resolution = 5 })
  H.eq(pdc.average:size(1), 3); H.eq(pdc.average:size(2), 5)
  same(pdc.average:sum(1), { 1, 1, 1, 1, 1 }, 1e-12, "class probabilities sum to 1")
  H.check_error("feature must be a column index in 1..3", ml.partial_dependence, m, Xr, 4)
  H.check_error("is not fitted yet", ml.permutation_importance, Ridge{}, Xr, yr)
end)

H.done()
