-- Docstrings: the tree models of moonlab.ml (stdlib/moonlab/ml/tree.lua,
-- stdlib/moonlab/ml/ensemble.lua; kernels/tree.c, kernels/histgbm.c;
-- docs/ml_trees.md).  Names: "moonlab.ml.Class" for a class (its
-- constructor) and "moonlab.ml.Class:method" for its methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local DATA = "local ml = require \"moonlab.ml\"\n"
  .. "local X = torch.Tensor{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {5, 5}, {5, 6}, {6, 5}, {6, 6}}\n"
  .. "local y = torch.Tensor{0, 0, 0, 1, 1, 1, 1, 1}\n"
local XY = { { "X", "(N x D) tensor, data frame or table of rows" }, { "y", "(N) labels or targets" } }
local XONLY = { { "X", "(N x D) tensor, data frame or table of rows" } }

local TREE_PARAMS = "criterion, splitter = \"best\"|\"random\", max_depth, min_samples_split, min_samples_leaf,\n"
  .. "max_features = none|\"sqrt\"|\"log2\"|count|fraction, min_impurity_decrease, seed"
local FOREST_PARAMS = "n_estimators = 100, criterion, max_depth, min_samples_split, min_samples_leaf,\n"
  .. "max_features, min_impurity_decrease, bootstrap, oob_score = false, n_jobs, seed, max_samples"
local BOOST_PARAMS = "loss, learning_rate = 0.1, max_iter = 100, max_leaf_nodes = 31, max_depth, min_samples_leaf = 20,\n"
  .. "l2_regularization = 0, max_bins = 255, early_stopping = \"auto\", validation_fraction = 0.1,\n"
  .. "n_iter_no_change = 10, tol = 1e-7, seed"

-- class name -> {kind, summary, params, constructor example, fitted attributes}
local CLASSES = {
  DecisionTreeClassifier = { "tree", true, "A CART classification tree, identical to scikit-learn's on data without ties.",
    TREE_PARAMS, "{max_depth = 2}", "classes, n_classes, tree (node arrays), feature_importances, n_features_in" },
  DecisionTreeRegressor = { "tree", false, "A CART regression tree (squared error), identical to scikit-learn's on data without ties.",
    TREE_PARAMS, "{max_depth = 2}", "tree (node arrays), feature_importances, n_features_in" },
  ExtraTreeClassifier = { "tree", true, "An extremely randomized classification tree: one uniform threshold per drawn feature.",
    TREE_PARAMS, "{seed = 1}", "classes, tree, feature_importances" },
  ExtraTreeRegressor = { "tree", false, "An extremely randomized regression tree: one uniform threshold per drawn feature.",
    TREE_PARAMS, "{seed = 1}", "tree, feature_importances" },
  RandomForestClassifier = { "forest", true, "A random forest of classification trees, grown in parallel (bootstrap, OOB score).",
    FOREST_PARAMS, "{n_estimators = 10, seed = 1}", "estimators, classes, feature_importances, oob_score, oob_decision_function" },
  RandomForestRegressor = { "forest", false, "A random forest of regression trees, grown in parallel (bootstrap, OOB score).",
    FOREST_PARAMS, "{n_estimators = 10, seed = 1}", "estimators, feature_importances, oob_score, oob_prediction" },
  ExtraTreesClassifier = { "forest", true, "An ensemble of extremely randomized classification trees, grown in parallel.",
    FOREST_PARAMS, "{n_estimators = 10, seed = 1}", "estimators, classes, feature_importances" },
  ExtraTreesRegressor = { "forest", false, "An ensemble of extremely randomized regression trees, grown in parallel.",
    FOREST_PARAMS, "{n_estimators = 10, seed = 1}", "estimators, feature_importances" },
  HistGradientBoostingClassifier = { "boost", true,
    "Histogram gradient boosting for classification (binary log-loss or softmax), missing values allowed.",
    BOOST_PARAMS, "{max_iter = 20, min_samples_leaf = 1}",
    "classes, n_iter, n_trees_per_iteration, predictors, baseline, validation_score, feature_importances (split gains)" },
  HistGradientBoostingRegressor = { "boost", false,
    "Histogram gradient boosting for regression (squared error), missing values allowed.",
    BOOST_PARAMS, "{max_iter = 20, min_samples_leaf = 1}",
    "n_iter, predictors, baseline, validation_score, feature_importances (split gains)" },
  IsolationForest = { "iso", nil, "Isolation forest outlier detection: short random-split paths mean outliers.",
    "n_estimators = 100, max_samples = \"auto\" (min(256, N)), contamination = \"auto\"|fraction,\nbootstrap = false, n_jobs, seed",
    "{n_estimators = 50, seed = 1}", "estimators, offset, n_samples_per_tree" },
}

local function method_docs(name, c)
  local kind, classify, ctor = c[1], c[2], c[5]
  local P = "moonlab.ml." .. name .. ":"
  local make = DATA .. "local m = ml." .. name .. ctor .. (kind == "iso" and ":fit(X)\n" or ":fit(X, y)\n")
  local target = classify and "labels" or "targets"
  if kind == "iso" then
    D[P .. "fit"] = doc("m:fit(X)", "Grows the isolation trees on X and sets the offset from contamination; returns m.",
      XONLY, DATA .. "local m = ml.IsolationForest{n_estimators = 50, seed = 1}:fit(X)\nprint(m.offset)")
    D[P .. "score_samples"] = doc("m:score_samples(X)", "Minus the anomaly score -2^(-mean path/c(n)): lower is more abnormal.",
      XONLY, make .. "print(m:score_samples(torch.Tensor{{1.5, 1.5}, {20, -20}}))")
    D[P .. "decision_function"] = doc("m:decision_function(X)", "score_samples(X) - offset: negative for outliers.",
      XONLY, make .. "print(m:decision_function(torch.Tensor{{20, -20}}))")
    D[P .. "predict"] = doc("m:predict(X)", "1 for inliers, -1 for outliers (decision_function < 0).",
      XONLY, make .. "print(m:predict(torch.Tensor{{1.5, 1.5}, {20, -20}}))")
    D[P .. "fit_predict"] = doc("m:fit_predict(X)", "Fits on X and returns predict(X).",
      XONLY, DATA .. "print(ml.IsolationForest{contamination = 0.25, seed = 1}:fit_predict(X))")
    return
  end
  local fitsig = kind == "boost" and "m:fit(X, y)" or "m:fit(X, y [, sample_weight])"
  local fitargs = { XY[1], XY[2] }
  if kind ~= "boost" then fitargs[3] = { "sample_weight", "(N) weights >= 0 (optional)" } end
  D[P .. "fit"] = doc(fitsig, "Fits the model to X and " .. target .. " y; returns m.", fitargs,
    make .. "print(m:score(X, y))")
  D[P .. "predict"] = doc("m:predict(X)", classify and "The predicted class of each row." or "The predicted value of each row.",
    XONLY, make .. "print(m:predict(torch.Tensor{{1.5, 1.5}, {5.5, 5.5}}))")
  if classify then
    D[P .. "predict_proba"] = doc("m:predict_proba(X)", "Class probabilities, one column per class of m.classes.",
      XONLY, make .. "print(m:predict_proba(torch.Tensor{{1.5, 1.5}}))")
  end
  if kind == "tree" or kind == "forest" then
    D[P .. "apply"] = doc("m:apply(X)", kind == "tree" and "The 1-based id of the leaf each row reaches."
      or "The leaf each row reaches in each tree (N x n_estimators).",
      XONLY, make .. "print(m:apply(torch.Tensor{{1.5, 1.5}}))")
  end
  if kind == "tree" then
    D[P .. "get_depth"] = doc("m:get_depth()", "The depth of the fitted tree (0 for a single leaf).", {},
      make .. "print(m:get_depth())")
    D[P .. "get_n_leaves"] = doc("m:get_n_leaves()", "The number of leaves of the fitted tree.", {},
      make .. "print(m:get_n_leaves())")
    D[P .. "export_text"] = doc("m:export_text([opts])", "The tree as indented text rules, as sklearn.tree.export_text.",
      { { "opts", "feature_names (list), max_depth = 10, decimals = 2, spacing = 3, show_weights = false" } },
      make .. "print(m:export_text{feature_names = {\"width\", \"height\"}})")
  end
  if kind == "boost" and classify then
    D[P .. "decision_function"] = doc("m:decision_function(X)", "Raw scores: (N) logits for two classes, (N x K) otherwise.",
      XONLY, make .. "print(m:decision_function(torch.Tensor{{1.5, 1.5}}))")
  end
end

for name, c in pairs(CLASSES) do
  local args = { { "params", (c[4]:gsub("\n", "\n          ")) } }
  D["moonlab.ml." .. name] = doc("ml." .. name .. "{params}", c[3], args,
    DATA .. "local m = ml." .. name .. c[5] .. (c[1] == "iso" and ":fit(X)\n" or ":fit(X, y)\n") .. "print(m)",
    "Fitted attributes: " .. c[6] .. ".\nSee docs/ml_trees.md.")
  method_docs(name, c)
end

return { title = "Trees and tree ensembles (moonlab.ml)", docs = D }
