-- Docstrings: moonlab.ml's nearest-neighbour models (stdlib/moonlab/ml/neighbors.lua;
-- docs/ml_neighbors.md).  Names: "moonlab.ml.KNeighborsClassifier" for a class,
-- "moonlab.ml.KNeighborsClassifier:fit" for its methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\nlocal iris = require(\"moonlab.datasets\").load(\"iris\")\n"

local COMMON = {
  { "n_neighbors", "neighbours used by predict and kneighbors (default 5)" },
  { "algorithm", "\"auto\" (k-d tree for <= 15 features and k < N/2, else brute), \"brute\", \"kd_tree\"" },
  { "leaf_size", "rows per k-d tree leaf (default 30)" },
  { "metric", "\"minkowski\" (with p), \"euclidean\" or \"manhattan\"" },
  { "p", "Minkowski power: 2 (euclidean, default) or 1 (manhattan)" },
}
local WEIGHTS = { "weights", "\"uniform\" (default) or \"distance\" (1/d; an exact match takes the vote)" }

local function with(list, extra)
  local out = { list[1], extra }
  for i = 2, #list do out[#out + 1] = list[i] end
  return out
end

local NOTES = "Neighbours are ordered by (distance, training index): of equal distances the\n"
  .. "earlier training row comes first (scikit-learn leaves that order unspecified).\n"
  .. "Fitted: fit_method (\"brute\" or \"kd_tree\"), effective_metric, n_samples_fit, n_features_in"

local CLASSES = {
  KNeighborsClassifier = {
    sig = "ml.KNeighborsClassifier{n_neighbors = 5, weights = \"uniform\", algorithm = \"auto\", leaf_size = 30, p = 2, metric = \"minkowski\"}",
    summary = "Classifies a row by the vote of its k nearest training rows.",
    args = with(COMMON, WEIGHTS),
    ex = "local m = ml.KNeighborsClassifier{n_neighbors = 3}:fit(iris.X, iris.y)\nprint(m:score(iris.X, iris.y))",
    notes = NOTES .. ", classes.",
    methods = { "fit", "predict", "predict_proba", "kneighbors", "score" },
  },
  KNeighborsRegressor = {
    sig = "ml.KNeighborsRegressor{n_neighbors = 5, weights = \"uniform\", algorithm = \"auto\", leaf_size = 30, p = 2, metric = \"minkowski\"}",
    summary = "Predicts the mean (or 1/distance-weighted mean) target of the k nearest training rows.",
    args = with(COMMON, WEIGHTS),
    ex = "local m = ml.KNeighborsRegressor{weights = \"distance\"}:fit(iris.X:narrow(2, 1, 3), iris.X:select(2, 4))\n"
      .. "print(m:predict(iris.X:narrow(1, 1, 3):narrow(2, 1, 3)))",
    notes = NOTES .. ".",
    methods = { "fit", "predict", "kneighbors", "score" },
  },
  NearestNeighbors = {
    sig = "ml.NearestNeighbors{n_neighbors = 5, algorithm = \"auto\", leaf_size = 30, p = 2, metric = \"minkowski\"}",
    summary = "Nearest-neighbour search without a target: fit(X), then kneighbors.",
    args = COMMON,
    ex = "local m = ml.NearestNeighbors{n_neighbors = 2}:fit(iris.X)\nlocal dist, ind = m:kneighbors(iris.X:narrow(1, 1, 2))\nprint(dist, ind)",
    notes = NOTES .. ".",
    methods = { "fit", "kneighbors" },
  },
}

local METHODS = {
  fit = function(c)
    if c == "NearestNeighbors" then
      return { "m:fit(X)", "Stores the rows to search (and builds the k-d tree); returns m.",
        { { "X", "N x D tensor (or data frame, or table of rows)" } },
        "local m = ml.NearestNeighbors():fit(iris.X)\nprint(m.fit_method)" }
    end
    return { "m:fit(X, y)", "Stores the training rows and targets (and builds the k-d tree); returns m.",
      { { "X", "N x D tensor (or data frame, or table of rows)" }, { "y", "N targets (class labels for the classifier)" } },
      "local m = ml." .. c .. "():fit(iris.X, iris.y)\nprint(m.n_samples_fit)" }
  end,
  predict = function(c)
    local s = c == "KNeighborsClassifier" and "The class of largest (weighted) vote per row; ties go to the smallest label."
      or "The (weighted) mean target of the neighbours of every row."
    return { "m:predict(X)", s, { { "X", "M x D tensor" } },
      "local m = ml." .. c .. "():fit(iris.X, iris.y)\nprint(m:predict(iris.X:narrow(1, 48, 5)))" }
  end,
  predict_proba = function(c)
    return { "m:predict_proba(X)", "Per row, the (weighted) share of each class among the neighbours: M x K.",
      { { "X", "M x D tensor" } },
      "local m = ml." .. c .. "():fit(iris.X, iris.y)\nprint(m:predict_proba(iris.X:narrow(1, 70, 3)))" }
  end,
  kneighbors = function(c)
    local fit = c == "NearestNeighbors" and "fit(iris.X)" or "fit(iris.X, iris.y)"
    return { "m:kneighbors([X [, n_neighbors [, return_distance]]])",
      "Distances (M x k) and 1-based indices (M x k) of the nearest training rows, nearest first.",
      { { "X", "M x D tensor; nil: every training row, leaving the row itself out" },
        { "n_neighbors", "k (default m.n_neighbors)" },
        { "return_distance", "false: return the indices only" } },
      "local m = ml." .. c .. "():" .. fit .. "\nlocal dist, ind = m:kneighbors(iris.X:narrow(1, 1, 2), 3)\nprint(dist, ind)" }
  end,
  score = function(c)
    local s = c == "KNeighborsClassifier" and "Mean accuracy of m:predict(X) against y." or "R^2 of m:predict(X) against y."
    return { "m:score(X, y)", s, { { "X", "M x D tensor" }, { "y", "M targets" } },
      "local m = ml." .. c .. "():fit(iris.X, iris.y)\nprint(m:score(iris.X, iris.y))" }
  end,
}

for cname, c in pairs(CLASSES) do
  D["moonlab.ml." .. cname] = doc(c.sig, c.summary, c.args, PRE .. c.ex, c.notes)
  for _, mname in ipairs(c.methods) do
    local t = METHODS[mname](cname)
    D["moonlab.ml." .. cname .. ":" .. mname] = doc(t[1], t[2], t[3], PRE .. t[4])
  end
end

return { title = "Nearest neighbours (moonlab.ml)", docs = D }
