-- test_ml_preprocessing.lua: moonlab.ml's scalers, encoders, imputers,
-- polynomial features, binning and feature selection against scikit-learn
-- 1.2's outputs (tests/fixtures/ml/preprocessing.py writes preprocessing.lua),
-- plus round trips, strided inputs and the error messages.
local H = dofile("tests/lua/harness.lua")
local ml = require "moonlab.ml"
local F = dofile("tests/fixtures/ml/preprocessing.lua")
local R = F.ref
local T = torch.Tensor
local X, Xt = T(F.X), T(F.Xt)

local function flat(v)
  if torch.isTensor(v) then v = v:totable() end
  local out = {}
  local function walk(x) if type(x) == "table" then for _, e in ipairs(x) do walk(e) end else out[#out + 1] = x end end
  walk(v)
  return out
end
local function same(got, want, tol, msg)
  if torch.isTensor(got) and torch.isTensor(want) then want = want:totable() end
  local g, w = flat(got), flat(want)
  H.eq(#g, #w, (msg or "") .. " element count")
  for i = 1, #w do H.near(g[i], w[i], tol or 1e-12, (msg or "") .. " [" .. i .. "]") end
end
-- scikit-learn names float categories "x0_1.0"; moonlab prints integral values as "1"
local function names(got, want)
  H.eq(table.concat(got, "|"), (table.concat(want, "|"):gsub("%.0$", ""):gsub("%.0|", "|")))
end

H.test("StandardScaler: statistics, transform, inverse, strided input", function()
  local s = ml.StandardScaler{}
  same(s:fit_transform(X), R.standard_fit)
  same(s:transform(Xt), R.standard)
  same(s:inverse_transform(Xt), R.standard_inv)
  same(s.mean, R.standard_mean); same(s.var, R.standard_var); same(s.scale, R.standard_scale)
  local Xs = X:t():contiguous():t()   -- same values, transposed strides
  same(ml.StandardScaler{}:fit(Xs):transform(Xt), R.standard)
  same(ml.StandardScaler{}:fit(X:float()):transform(Xt), R.standard, 1e-6, "float input")
  same(ml.StandardScaler{ with_mean = false }:fit(X):transform(Xt), R.standard_nomean)
  -- a constant column scales by 1
  local c = ml.StandardScaler{}:fit(T{ { 1, 5 }, { 2, 5 }, { 3, 5 } })
  H.eq(c.scale[2], 1)
  H.check_error("ml.StandardScaler.transform: this ml.StandardScaler is not fitted yet", function()
    ml.StandardScaler{}:transform(X) end)
  H.check_error("ml.StandardScaler.transform: X has 3 features, but this ml.StandardScaler was fitted with 4",
    function() s:transform(torch.zeros(2, 3)) end)
  H.check_error("ml.StandardScaler.fit: X contains NaN values (2x1)", function() ml.StandardScaler{}:fit(T{ { 0 / 0 }, { 1 } }) end)
  H.check_error("X contains infinite values", function() ml.StandardScaler{}:fit(T{ { math.huge }, { 1 } }) end)
  local kept = s:transform(T{ { 0 / 0, 1, 2, 3 } })
  H.ok(kept[1][1] ~= kept[1][1], "transform keeps NaN, as scikit-learn")
  H.near(kept[1][2], (1 - s.mean[2]) / s.scale[2], 1e-12)
end)

H.test("MinMaxScaler, RobustScaler, Normalizer", function()
  local m = ml.MinMaxScaler{ feature_range = { -1, 2 } }:fit(X)
  same(m:transform(Xt), R.minmax); same(m:inverse_transform(Xt), R.minmax_inv)
  same(m.scale, R.minmax_scale); same(m.min, R.minmax_min)
  same(ml.MinMaxScaler{ clip = true }:fit(X):transform(Xt), R.minmax_clip)
  H.check_error("feature_range must be {min, max} with min < max", function()
    ml.MinMaxScaler{ feature_range = { 1, 0 } }:fit(X) end)
  local r = ml.RobustScaler{}:fit(X)
  same(r:transform(Xt), R.robust); same(r:inverse_transform(Xt), R.robust_inv)
  same(r.center, R.robust_center); same(r.scale, R.robust_scale)
  same(ml.RobustScaler{ quantile_range = { 10, 80 }, unit_variance = true }:fit(X):transform(Xt), R.robust_q, 1e-10)
  for _, norm in ipairs({ "l1", "l2", "max" }) do
    same(ml.Normalizer{ norm = norm }:fit_transform(X), R["normalizer_" .. norm], 1e-12, norm)
  end
  same(ml.Normalizer{}:fit_transform(torch.zeros(1, 3)), { 0, 0, 0 }, 0, "zero rows stay")
  H.check_error("ml.Normalizer: norm must be", function() ml.Normalizer{ norm = "l3" } end)
end)

H.test("OneHotEncoder: auto, ignore unknown, drop, categories, strings, names", function()
  local C, Ct = T(F.C), T(F.Ct)
  local oh = ml.OneHotEncoder{ handle_unknown = "ignore" }:fit(C)
  same(oh:transform(Ct), R.onehot, 0)
  names(oh:get_feature_names_out(), R.onehot_names)
  same(oh:inverse_transform(oh:transform(C)), R.onehot_inv, 0)
  local inv = oh:inverse_transform(oh:transform(Ct))
  H.ok(inv[2][1] ~= inv[2][1], "unknown gives NaN")
  same(ml.OneHotEncoder{ drop = "first" }:fit_transform(C), R.onehot_drop, 0)
  local d = ml.OneHotEncoder{ drop = "first" }:fit(C)
  same(d:inverse_transform(d:transform(C)), F.C, 0, "inverse with drop")
  same(ml.OneHotEncoder{ categories = { { 1, 2, 3, 4 }, { 1, 2, 7 } } }:fit_transform(C), R.onehot_cats, 0)
  same(ml.OneHotEncoder{}:fit_transform(F.S), R.onehot_str, 0)
  names(ml.OneHotEncoder{}:fit(F.S):get_feature_names_out({ "colour", "size" }), R.onehot_str_names)
  local back = ml.OneHotEncoder{}:fit(F.S):inverse_transform(T(R.onehot_str))
  H.eq(back[3][1], "blue"); H.eq(back[4][2], "S")
  H.check_error("ml.OneHotEncoder.transform: found unknown category 5 in column 1 during transform", function()
    ml.OneHotEncoder{}:fit(C):transform(Ct) end)
  H.check_error("handle_unknown must be", function() ml.OneHotEncoder{ handle_unknown = "skip" } end)
  H.check_error("column 1 has missing values", function() ml.OneHotEncoder{}:fit(T{ { 0 / 0 } }) end)
end)

H.test("OrdinalEncoder and LabelEncoder (0-based codes)", function()
  local C, Ct = T(F.C), T(F.Ct)
  local oe = ml.OrdinalEncoder{ handle_unknown = "use_encoded_value", unknown_value = -1 }:fit(C)
  same(oe:transform(Ct), R.ordinal, 0)
  same(oe:inverse_transform(oe:transform(C)), F.C, 0)
  same(ml.OrdinalEncoder{}:fit_transform(F.S), R.ordinal_str, 0)
  H.check_error("found unknown category 5 in column 1", function() ml.OrdinalEncoder{}:fit(C):transform(Ct) end)
  H.check_error("unknown_value must be a number", function() ml.OrdinalEncoder{ handle_unknown = "use_encoded_value" } end)
  local le = ml.LabelEncoder{}:fit({ "b", "a", "c", "a" })
  same(le:transform({ "c", "a", "b" }), R.label_str, 0)
  H.eq(table.concat(le:inverse_transform(torch.LongTensor{ 2, 0 }), ","), "c,a")
  same(ml.LabelEncoder{}:fit_transform(T{ 10, 3, 3, 7 }), R.label_num, 0)
  H.eq(ml.LabelEncoder{}:fit(T{ 10, 3 }):inverse_transform({ 1 })[1], 10)
  H.check_error("ml.LabelEncoder.transform: y contains a previously unseen label: d", function() le:transform({ "d" }) end)
end)

H.test("SimpleImputer: four strategies, indicator and its inverse", function()
  local Xm, Xn = T(F.Xm), T(F.Xn)
  for _, st in ipairs({ "mean", "median", "most_frequent", "constant" }) do
    local imp = ml.SimpleImputer{ strategy = st, fill_value = st == "constant" and -7 or ml.NONE }
    same(imp:fit_transform(Xm), R["simple_" .. st], 1e-12, st)
  end
  local si = ml.SimpleImputer{ add_indicator = true }:fit(Xn)
  local Z = si:transform(Xn)
  same(Z, R.simple_ind)
  same(si:inverse_transform(Z), R.simple_ind_inv)
  -- an entirely missing column is dropped
  local allnan = T{ { 1, 0 / 0 }, { 3, 0 / 0 } }
  same(ml.SimpleImputer{}:fit_transform(allnan), { 1, 3 }, 0)
  -- a custom missing marker
  same(ml.SimpleImputer{ missing_values = -1 }:fit_transform(T{ { 1 }, { -1 }, { 3 } }), { 1, 2, 3 }, 0)
  H.check_error("strategy must be", function() ml.SimpleImputer{ strategy = "mode" } end)
  H.check_error("inverse_transform needs add_indicator = true", function()
    ml.SimpleImputer{}:fit(Xn):inverse_transform(Xn) end)
end)

H.test("KNNImputer: nan-Euclidean distances, uniform and distance weights", function()
  local Xn = T(F.Xn)
  same(ml._nan_euclidean(Xn, Xn:narrow(1, 1, 5)), R.nan_euclidean, 1e-9)
  same(ml.KNNImputer{ n_neighbors = 3 }:fit_transform(Xn), R.knn_uniform, 1e-10)
  same(ml.KNNImputer{ n_neighbors = 2, weights = "distance" }:fit_transform(Xn), R.knn_distance, 1e-10)
  same(ml.KNNImputer{ n_neighbors = 4 }:fit(X:narrow(1, 13, 18)):transform(Xn), R.knn_other, 1e-10)
  H.check_error("weights must be", function() ml.KNNImputer{ weights = "gauss" } end)
end)

H.test("PolynomialFeatures: columns, names, powers", function()
  local small = T(F.small)
  local cases = {
    { "poly2", {} }, { "poly3_int", { degree = 3, interaction_only = true } },
    { "poly2_nobias", { include_bias = false } }, { "poly_23", { degree = { 2, 3 } } },
  }
  for _, c in ipairs(cases) do
    local pf = ml.PolynomialFeatures(c[2]):fit(small)
    same(pf:transform(small), R[c[1]], 1e-12, c[1])
    names(pf:get_feature_names_out(), R[c[1] .. "_names"])
    same(pf.powers, R[c[1] .. "_powers"], 0, c[1])
  end
  H.check_error("degree must be", function() ml.PolynomialFeatures{ degree = -1 }:fit(small) end)
end)

H.test("KBinsDiscretizer: uniform, quantile, kmeans; onehot; narrow bins removed", function()
  for _, st in ipairs({ "uniform", "quantile", "kmeans" }) do
    local kb = ml.KBinsDiscretizer{ n_bins = 4, encode = "ordinal", strategy = st }:fit(X)
    same(kb:transform(X), R["kbins_" .. st], 0, st)
    for j = 1, 4 do same(kb.bin_edges[j], R["kbins_" .. st .. "_edges"][j], 1e-12, st .. " edges") end
    same(kb:inverse_transform(kb:transform(Xt)), R["kbins_" .. st .. "_inv"], 1e-12, st .. " inverse")
  end
  local oh = ml.KBinsDiscretizer{ n_bins = 3, encode = "onehot", strategy = "uniform" }:fit(X)
  same(oh:transform(Xt), R.kbins_onehot, 0)
  same(oh:inverse_transform(oh:transform(X)), ml.KBinsDiscretizer{ n_bins = 3, encode = "ordinal",
    strategy = "uniform" }:fit(X):inverse_transform(T(R.kbins_uniform):narrow(2, 1, 4):clone():zero()
    + ml.KBinsDiscretizer{ n_bins = 3, encode = "ordinal", strategy = "uniform" }:fit(X):transform(X)), 1e-12)
  same(ml.KBinsDiscretizer{ n_bins = 4, encode = "ordinal" }:fit(T(F.Xq)).bin_edges[1], R.kbins_dup_edges)
  H.check_error("strategy must be", function() ml.KBinsDiscretizer{ strategy = "median" } end)
  H.check_error("n_bins must be an integer >= 2", function() ml.KBinsDiscretizer{ n_bins = 1 }:fit(X) end)
end)

H.test("feature scores: f_classif, f_regression, chi2, mutual information", function()
  local y3, yr = T(F.y3), T(F.yr)
  local f, p = ml.f_classif(X, y3)
  same(f, R.f_classif[1], 1e-10); same(p, R.f_classif[2], 1e-10)
  f, p = ml.f_regression(X, yr)
  same(f, R.f_regression[1], 1e-10); same(p, R.f_regression[2], 1e-10)
  f, p = ml.chi2(T(F.Xc), y3)
  same(f, R.chi2[1], 1e-10); same(p, R.chi2[2], 1e-10)
  -- the first three columns have no ties, so the tiny noise changes no count
  -- (the fourth, rounded, depends on the noise drawn)
  local mi = ml.mutual_info_classif(X, y3, { seed = 0 })
  same(mi:narrow(1, 1, 3), { R.mi_classif[1], R.mi_classif[2], R.mi_classif[3] }, 1e-9)
  same(ml.mutual_info_classif(torch.round(X:narrow(2, 1, 2) / 5), y3, { discrete_features = true }), R.mi_discrete, 1e-12)
  H.check_error("ml.chi2: input X must be non-negative", ml.chi2, X, y3)
end)

H.test("SelectKBest and VarianceThreshold", function()
  local y3 = T(F.y3)
  local sk = ml.SelectKBest{ score_func = ml.f_classif, k = 2 }:fit(X, y3)
  same(sk:get_support(true), R.kbest_support, 0)
  same(sk:transform(X), R.kbest_X, 0)
  local back = sk:inverse_transform(sk:transform(X))
  H.eq(back:size(2), 4)
  same(back:index(2, torch.LongTensor(R.kbest_support)), R.kbest_X, 0)
  H.eq(ml.SelectKBest{ k = "all" }:fit(X, y3):transform(X):size(2), 4)
  H.check_error("k should be 0 <= k <= n_features = 4", function() ml.SelectKBest{ k = 5 }:fit(X, y3) end)
  local vt = ml.VarianceThreshold{}:fit(T(F.Xv))
  same(vt:get_support(true), R.var_support, 0)
  same(vt.variances, R.var_variances, 1e-12)
  same(ml.VarianceThreshold{ threshold = 1.0 }:fit(X):get_support(true), R.var_thr, 0)
  H.check_error("no feature in X meets the variance threshold", function()
    ml.VarianceThreshold{}:fit(torch.ones(3, 2)) end)
end)

H.test("special functions behind the p-values", function()
  H.near(ml._digamma(1), -0.5772156649015329, 1e-14)
  H.near(ml._digamma(0.5), -1.9635100260214235, 1e-14)
  H.near(ml._f_sf(1, 1, 1), 0.5, 1e-14)            -- median of F(1, 1) is 1
  H.near(ml._chi2_sf(2, 2), math.exp(-1), 1e-14)   -- chi2(2) is exponential(1/2)
end)

H.done()
