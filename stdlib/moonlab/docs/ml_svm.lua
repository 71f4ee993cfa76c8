-- Docstrings: moonlab.ml's support vector classifier (stdlib/moonlab/ml/svm.lua;
-- docs/ml_svm.md).  Names: "moonlab.ml.SVC" for the class, "moonlab.ml.SVC:fit"
-- for its methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\nlocal iris = require(\"moonlab.datasets\").load(\"iris\")\n"
local FIT = "local m = ml.SVC():fit(iris.X, iris.y)\n"

D["moonlab.ml.SVC"] = doc(
  "ml.SVC{C = 1, kernel = \"rbf\", degree = 3, gamma = \"scale\", coef0 = 0, shrinking = true, probability = false, "
    .. "tol = 1e-3, cache_size = 200, class_weight = none, max_iter = -1, decision_function_shape = \"ovr\", "
    .. "break_ties = false, seed = none}",
  "Kernel support vector classifier (libsvm's C-SVC: SMO with WSS3, one-vs-one for many classes).",
  { { "C", "penalty of margin violations (> 0)" },
    { "kernel", "\"linear\", \"poly\" (gamma x.y + coef0)^degree, \"rbf\" exp(-gamma |x-y|^2), \"sigmoid\"" },
    { "gamma", "\"scale\" 1/(D var(X)), \"auto\" 1/D, or a number" },
    { "degree, coef0", "poly and sigmoid terms" },
    { "tol", "stopping tolerance of the SMO solver" },
    { "shrinking", "libsvm's shrinking heuristics (same result, often faster)" },
    { "cache_size", "kernel cache in MB" },
    { "class_weight", "none, \"balanced\", or {[label] = weight}: C is multiplied per class" },
    { "max_iter", "iteration limit per pair (-1: none)" },
    { "probability", "fit Platt sigmoids by 5-fold internal cross-validation (predict_proba)" },
    { "decision_function_shape", "\"ovr\" (N x K, scikit-learn's default) or \"ovo\"" },
    { "break_ties", "predict by the largest ovr decision value instead of votes" },
    { "seed", "seed of the internal folds of probability" } },
  PRE .. "local m = ml.SVC{C = 10, gamma = 0.5}:fit(iris.X, iris.y)\nprint(m.n_support, m:score(iris.X, iris.y))",
  "Fitted: classes, support (1-based rows), support_vectors, n_support, dual_coef ((K-1) x nSV),\n"
    .. "intercept (K(K-1)/2), coef (linear kernel), n_iter, probA/probB (probability), n_features_in.\n"
    .. "Attributes, signs and layout are scikit-learn's (binary: positive means classes[2]).")

local METHODS = {
  fit = { "m:fit(X, y [, sample_weight])", "Trains one binary SVM per pair of classes; returns m.",
    { { "X", "N x D tensor (or data frame, or table of rows)" }, { "y", "N class labels" },
      { "sample_weight", "N positive weights (multiply C per row)" } }, "print(m.n_support)" },
  decision_function = { "m:decision_function(X)",
    "Two classes: N signed distances (> 0: classes[2]); more: N x K (ovr) or N x K(K-1)/2 (ovo).",
    { { "X", "M x D tensor" } }, "print(m:decision_function(iris.X:narrow(1, 1, 3)))" },
  predict = { "m:predict(X)", "Labels by one-vs-one votes (ties: the smaller class), as libsvm.",
    { { "X", "M x D tensor" } }, "print(m:predict(iris.X:narrow(1, 48, 5)))" },
  predict_proba = { "m:predict_proba(X)", "Class probabilities (M x K) from Platt's sigmoids; needs probability = true.",
    { { "X", "M x D tensor" } }, "PROBA\nprint(m:predict_proba(iris.X:narrow(1, 1, 3)))" },
  predict_log_proba = { "m:predict_log_proba(X)", "log of predict_proba; needs probability = true.",
    { { "X", "M x D tensor" } }, "PROBA\nprint(m:predict_log_proba(iris.X:narrow(1, 1, 3)))" },
  score = { "m:score(X, y)", "Mean accuracy of m:predict(X) against y.", { { "X", "M x D tensor" }, { "y", "M labels" } },
    "print(m:score(iris.X, iris.y))" },
}

for name, t in pairs(METHODS) do
  local ex = t[4]
  if ex:match("^PROBA\n") then
    ex = PRE .. "local m = ml.SVC{probability = true, seed = 1}:fit(iris.X, iris.y)\n" .. ex:sub(7)
  else
    ex = PRE .. FIT .. ex
  end
  D["moonlab.ml.SVC:" .. name] = doc(t[1], t[2], t[3], ex)
end

local REG = "local X, y = iris.X:narrow(2, 1, 3), iris.X:select(2, 4)\n"

D["moonlab.ml.SVR"] = doc(
  "ml.SVR{kernel = \"rbf\", degree = 3, gamma = \"scale\", coef0 = 0, tol = 1e-3, C = 1, epsilon = 0.1, "
    .. "shrinking = true, cache_size = 200, max_iter = -1}",
  "Epsilon-support vector regression (libsvm's epsilon-SVR, the same SMO solver as SVC).",
  { { "C", "penalty of errors beyond epsilon (> 0)" },
    { "epsilon", "half-width of the tube in which errors cost nothing (>= 0)" },
    { "kernel, gamma, degree, coef0", "as for ml.SVC" },
    { "tol, shrinking, cache_size, max_iter", "solver settings, as for ml.SVC" } },
  PRE .. REG .. "local m = ml.SVR{C = 2}:fit(X, y)\nprint(m.support:nElement(), m:score(X, y))",
  "Fitted: support (1-based rows), support_vectors, dual_coef (1 x nSV: a - a*), intercept (1),\n"
    .. "coef (linear kernel, 1 x D), n_iter, n_features_in.")

local RMETHODS = {
  fit = { "m:fit(X, y [, sample_weight])", "Solves the epsilon-SVR dual; returns m.",
    { { "X", "N x D tensor (or data frame, or table of rows)" }, { "y", "N targets" },
      { "sample_weight", "N positive weights (multiply C per row)" } }, "print(m.intercept)" },
  predict = { "m:predict(X)", "sum_i dual_coef_i K(sv_i, x) + intercept for every row.",
    { { "X", "M x D tensor" } }, "print(m:predict(X:narrow(1, 1, 3)))" },
  score = { "m:score(X, y)", "R^2 of m:predict(X) against y.", { { "X", "M x D tensor" }, { "y", "M targets" } },
    "print(m:score(X, y))" },
}
for name, t in pairs(RMETHODS) do
  D["moonlab.ml.SVR:" .. name] = doc(t[1], t[2], t[3], PRE .. REG .. "local m = ml.SVR():fit(X, y)\n" .. t[4])
end

return { title = "Support vector machines (moonlab.ml)", docs = D }
