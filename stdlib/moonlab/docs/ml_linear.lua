-- Docstrings: the linear models of moonlab.ml (stdlib/moonlab/ml/linear.lua,
-- kernels/linear.c via vm/l_linear.c; docs/ml_linear.md).  Examples run in
-- tests/lua/test_help.lua on tiny data, so they stay fast.
local doc = require("moonlab.docs.util").doc
local D = {}

local P = "local ml = require \"moonlab.ml\"\n"
-- y = 1 + 2 x1 - x2 plus a little noise, 8 rows
local REG = P .. "local X = torch.Tensor{{0, 1}, {1, 0}, {2, 1}, {3, 3}, {4, 2}, {5, 5}, {6, 1}, {7, 4}}\n"
  .. "local y = torch.Tensor{0.1, 3.0, 3.9, 4.1, 7.0, 5.9, 12.1, 11.0}\n"
-- two classes on a line, with overlap
local CLS = P .. "local X = torch.Tensor{{0, 0}, {1, 0.5}, {2, 1}, {3, 1}, {4, 3}, {5, 2}, {6, 4}, {7, 3}}\n"
  .. "local y = torch.Tensor{0, 0, 0, 1, 0, 1, 1, 1}\n"
local X_ARG = { "X", "N x D tensor (any dtype; computed in double), data frame or table of rows" }
local Y_REG = { "y", "N targets (tensor, column or list)" }
local Y_CLS = { "y", "N class labels (numbers)" }
local SW = { "sample_weight", "optional N weights of the rows" }
local FITTED = "Raises when called before fit, or when X's column count differs from fit's."

local function class_doc(name, sig, summary, params, example, notes)
  D["moonlab.ml." .. name] = doc(sig, summary, params, example, notes)
end

local function method(cls, m, sig, summary, args, example, notes)
  D["moonlab.ml." .. cls .. ":" .. m] = doc(sig, summary, args, example, notes)
end

-- ------------------------------------------------------------ LinearRegression

class_doc("LinearRegression", "ml.LinearRegression{fit_intercept = true}",
  "Ordinary least squares (LAPACK gelsd: any rank), with an R-style summary table.",
  { { "fit_intercept", "fit an intercept (the data are centered first, as scikit-learn does)" } },
  REG .. "local m = ml.LinearRegression{}:fit(X, y)\nprint(m.coef, m.intercept, m:score(X, y))",
  "Fitted: coef (D), intercept (a number), rank, singular (singular values of the centered X),\n"
  .. "n_features_in.  Rank-deficient X gives the minimum-norm solution.")
method("LinearRegression", "fit", "m:fit(X, y)", "Fits the least-squares coefficients and returns m.",
  { X_ARG, Y_REG }, REG .. "local m = ml.LinearRegression{}:fit(X, y)\nprint(m.rank)")
method("LinearRegression", "predict", "m:predict(X)", "Predictions X coef + intercept (a vector of N).",
  { X_ARG }, REG .. "print(ml.LinearRegression{}:fit(X, y):predict(X))", FITTED)
method("LinearRegression", "summary", "m:summary([{names = {...}, alpha = 0.05, print = true}])",
  "Prints and returns R's summary(lm) table: estimates, std. errors, t, p, confidence intervals, R², F, AIC/BIC.",
  { { "names", "feature names for the rows (default x1, x2, ...)" },
    { "alpha", "1 - confidence level of the intervals (default 0.05: 95%)" },
    { "print", "false: only return the text" } },
  REG .. "local m = ml.LinearRegression{}:fit(X, y)\nm:summary{names = {\"a\", \"b\"}}",
  "Equal to statsmodels' OLS results (and R's lm) to 6 digits; p-values from the t and F\n"
  .. "distributions (a private incomplete-beta function).  Significance codes as R's.")
method("LinearRegression", "summary_table", "m:summary_table([alpha])",
  "The numbers of summary() as a table named like statsmodels' OLS results.",
  { { "alpha", "1 - confidence level (default 0.05)" } },
  REG .. "local s = ml.LinearRegression{}:fit(X, y):summary_table()\nprint(s.params[2], s.bse[2], s.pvalues[2], s.rsquared, s.f_pvalue)",
  "Fields: params, bse, tvalues, pvalues, ci_low, ci_high, names (lists, the intercept first),\n"
  .. "rsquared, rsquared_adj, fvalue, f_pvalue, llf, aic, bic, sigma (residual std. error),\n"
  .. "df_resid, df_model, nobs, alpha.  Raises when no residual degree of freedom is left.")

-- ------------------------------------------------------------ Ridge

class_doc("Ridge", "ml.Ridge{alpha = 1.0, fit_intercept = true, solver = \"auto\"}",
  "Least squares with an L2 penalty: minimizes ||y - Xw - b||² + alpha ||w||².",
  { { "alpha", "penalty strength >= 0 (0: least squares)" }, { "fit_intercept", "fit an unpenalized intercept" },
    { "solver", "\"auto\"/\"cholesky\" (normal equations, or the dual form when D > N), \"lstsq\", \"svd\"" } },
  REG .. "local m = ml.Ridge{alpha = 0.5}:fit(X, y)\nprint(m.coef, m.intercept)",
  "Fitted: coef (D), intercept.  Equal to scikit-learn's to 1e-8 (relative) for every solver.")
method("Ridge", "fit", "m:fit(X, y)", "Fits the ridge coefficients and returns m.", { X_ARG, Y_REG },
  REG .. "print(ml.Ridge{alpha = 2, solver = \"svd\"}:fit(X, y).coef)")
method("Ridge", "predict", "m:predict(X)", "Predictions X coef + intercept.", { X_ARG },
  REG .. "print(ml.Ridge{}:fit(X, y):predict(X))", FITTED)

-- ------------------------------------------------------------ Lasso / ElasticNet

local CD_PARAMS = {
  { "alpha", "penalty strength (default 1.0)" },
  { "fit_intercept", "fit an unpenalized intercept (centers the data)" },
  { "max_iter", "passes over the coordinates (default 1000)" },
  { "tol", "stop when the duality gap < tol ||y||² (after a small update; default 1e-4)" },
  { "warm_start", "start from the previous fit's coef" },
  { "positive", "constrain the coefficients to be >= 0" },
  { "selection", "\"cyclic\" (default) or \"random\" coordinate order" },
  { "seed", "seed of the random order (ml.NONE: from the clock)" },
}
local CD_NOTES = "Fitted: coef, intercept, n_iter, dual_gap (scaled by 1/N as scikit-learn's), converged.\n"
  .. "Coordinate descent as scikit-learn's (same objective, updates and stopping rule: the same\n"
  .. "iterations on the same data); warns on stderr when max_iter is reached first."

class_doc("Lasso", "ml.Lasso{alpha = 1.0, fit_intercept = true, max_iter = 1000, tol = 1e-4, ...}",
  "Least squares with an L1 penalty: minimizes 1/(2N) ||y - Xw - b||² + alpha ||w||_1.",
  CD_PARAMS, REG .. "local m = ml.Lasso{alpha = 0.1}:fit(X, y)\nprint(m.coef, m.n_iter)", CD_NOTES)
method("Lasso", "fit", "m:fit(X, y)", "Fits by coordinate descent and returns m.", { X_ARG, Y_REG },
  REG .. "print(ml.Lasso{alpha = 1}:fit(X, y).coef)")
method("Lasso", "predict", "m:predict(X)", "Predictions X coef + intercept.", { X_ARG },
  REG .. "print(ml.Lasso{alpha = 0.1}:fit(X, y):predict(X))", FITTED)

local ENET_PARAMS = { { "l1_ratio", "mix of the penalties in [0, 1] (1: lasso, 0: ridge; default 0.5)" } }
for _, a in ipairs(CD_PARAMS) do ENET_PARAMS[#ENET_PARAMS + 1] = a end
class_doc("ElasticNet", "ml.ElasticNet{alpha = 1.0, l1_ratio = 0.5, fit_intercept = true, ...}",
  "Minimizes 1/(2N) ||y - Xw - b||² + alpha l1_ratio ||w||_1 + alpha (1 - l1_ratio) / 2 ||w||².",
  ENET_PARAMS, REG .. "local m = ml.ElasticNet{alpha = 0.1, l1_ratio = 0.7}:fit(X, y)\nprint(m.coef)", CD_NOTES)
method("ElasticNet", "fit", "m:fit(X, y)", "Fits by coordinate descent and returns m.", { X_ARG, Y_REG },
  REG .. "print(ml.ElasticNet{alpha = 0.5}:fit(X, y).coef)")
method("ElasticNet", "predict", "m:predict(X)", "Predictions X coef + intercept.", { X_ARG },
  REG .. "print(ml.ElasticNet{alpha = 0.1}:fit(X, y):predict(X))", FITTED)

local PATH_OPTS = { "opts", "eps (alpha_min / alpha_max, default 1e-3), n_alphas (100), alphas (instead of the grid), "
  .. "max_iter, tol, positive, coef_init" }
local PATH_NOTES = "Returns alphas (decreasing), coefs (D x n_alphas), dual_gaps, n_iters; each fit starts\n"
  .. "from the previous one.  As scikit-learn's: no intercept (center X and y yourself)."
D["moonlab.ml.lasso_path"] = doc("ml.lasso_path(X, y [, opts])",
  "Lasso solutions along a log-spaced grid of alphas, from alpha_max (all zero) down.",
  { X_ARG, Y_REG, PATH_OPTS },
  REG .. "local alphas, coefs = ml.lasso_path(X, y, {n_alphas = 5})\nprint(alphas, coefs)", PATH_NOTES)
D["moonlab.ml.enet_path"] = doc("ml.enet_path(X, y [, opts])",
  "Elastic-net solutions along a grid of alphas (opts.l1_ratio, default 0.5).",
  { X_ARG, Y_REG, PATH_OPTS },
  REG .. "local alphas, coefs, gaps = ml.enet_path(X, y, {l1_ratio = 0.8, n_alphas = 4})\nprint(gaps)", PATH_NOTES)

-- ------------------------------------------------------------ LogisticRegression

class_doc("LogisticRegression",
  "ml.LogisticRegression{penalty = \"l2\", C = 1.0, solver = \"lbfgs\", max_iter = 100, tol = 1e-4, ...}",
  "Logistic regression: binary, multinomial (softmax) or one-vs-rest, with l2, l1, elastic-net or no penalty.",
  { { "penalty", "\"l2\" (default), \"l1\", \"elasticnet\" (needs l1_ratio), \"none\"" },
    { "C", "inverse penalty strength: minimizes sum_i s_i loss_i + penalty / C" },
    { "solver", "\"lbfgs\" (l2/none; L-BFGS, strong-Wolfe search), \"cd\" (any penalty; coordinate descent) or \"proximal\" (any penalty; FISTA)" },
    { "multi_class", "\"auto\" (multinomial for > 2 classes), \"multinomial\", \"ovr\"" },
    { "class_weight", "ml.NONE, \"balanced\" (N / (K count_k)) or {label = weight}" },
    { "fit_intercept", "fit unpenalized intercepts" }, { "tol", "gradient tolerance (lbfgs) / step tolerance (cd, proximal)" },
    { "max_iter", "iterations (default 100)" }, { "l1_ratio", "elastic-net mix" },
    { "warm_start", "start from the previous coef" }, { "seed", "unused (kept for scikit-learn's signature)" } },
  CLS .. "local m = ml.LogisticRegression{C = 10}:fit(X, y)\nprint(m.coef, m.intercept, m:score(X, y))",
  "Fitted: classes, coef (1 x D for two classes, else K x D), intercept, n_iter (per problem).\n"
  .. "The lbfgs stop is scipy's (max |g| <= tol, or a relative loss decrease below\n"
  .. "min(2.2e-9, 2.2e-5 tol)); warns on stderr at max_iter.")
method("LogisticRegression", "fit", "m:fit(X, y [, sample_weight])", "Fits the model and returns m.",
  { X_ARG, Y_CLS, SW }, CLS .. "local m = ml.LogisticRegression{penalty = \"l1\", solver = \"proximal\", C = 2}:fit(X, y)\nprint(m.coef)")
method("LogisticRegression", "decision_function", "m:decision_function(X)",
  "Scores: N log-odds of classes[2] for a binary model, N x K otherwise.", { X_ARG },
  CLS .. "print(ml.LogisticRegression{}:fit(X, y):decision_function(X))", FITTED)
method("LogisticRegression", "predict_proba", "m:predict_proba(X)",
  "N x K class probabilities, columns in m.classes order.", { X_ARG },
  CLS .. "print(ml.LogisticRegression{}:fit(X, y):predict_proba(X))",
  "Softmax for multinomial models; normalized sigmoids for one-vs-rest.")
method("LogisticRegression", "predict_log_proba", "m:predict_log_proba(X)", "The log of predict_proba.",
  { X_ARG }, CLS .. "print(ml.LogisticRegression{}:fit(X, y):predict_log_proba(X))")
method("LogisticRegression", "predict", "m:predict(X)", "The most probable class label of each row.",
  { X_ARG }, CLS .. "print(ml.LogisticRegression{}:fit(X, y):predict(X))", FITTED)

-- ------------------------------------------------------------ SGD

local SGD_PARAMS = {
  { "loss", "classifier: \"hinge\" (default), \"log_loss\", \"modified_huber\", \"squared_hinge\", \"perceptron\", ...; "
    .. "regressor: \"squared_error\" (default), \"huber\", \"epsilon_insensitive\"" },
  { "penalty", "\"l2\" (default), \"l1\", \"elasticnet\", \"none\"" },
  { "alpha", "penalty strength (default 1e-4)" }, { "l1_ratio", "elastic-net mix (default 0.15)" },
  { "learning_rate", "\"optimal\" (classifier default), \"constant\" (eta0), \"invscaling\" (regressor default)" },
  { "eta0, power_t", "initial rate and invscaling exponent" },
  { "max_iter, tol, n_iter_no_change", "epochs; stop when the epoch loss stops improving by tol N" },
  { "shuffle, seed", "shuffle rows each epoch, reproducibly with a seed" },
  { "epsilon", "huber / epsilon-insensitive width" }, { "class_weight", "classifier: \"balanced\" or {label = w}" },
  { "fit_intercept, warm_start", "as the other linear models" },
}
local SGD_NOTES = "scikit-learn's plain SGD (kernels/linear.c): the same losses, rates (including the \"optimal\"\n"
  .. "schedule's initial step), weight scaling and cumulative l1 penalty.  Fitted: coef, intercept,\n"
  .. "n_iter, t (the update counter), classes (classifier; one binary problem per class)."
class_doc("SGDClassifier", "ml.SGDClassifier{loss = \"hinge\", penalty = \"l2\", alpha = 1e-4, seed = 1, ...}",
  "Linear classifiers (SVM, logistic, ...) trained by stochastic gradient descent.", SGD_PARAMS,
  CLS .. "local m = ml.SGDClassifier{loss = \"log_loss\", seed = 1}:fit(X, y)\nprint(m:score(X, y))", SGD_NOTES)
method("SGDClassifier", "fit", "m:fit(X, y [, sample_weight])", "Trains for up to max_iter epochs and returns m.",
  { X_ARG, Y_CLS, SW }, CLS .. "print(ml.SGDClassifier{seed = 2}:fit(X, y).coef)")
method("SGDClassifier", "partial_fit", "m:partial_fit(X, y [, classes [, sample_weight]])",
  "One epoch over (X, y), continuing the weights and the learning-rate schedule; returns m.",
  { X_ARG, Y_CLS, { "classes", "every label that will appear (required on the first call)" }, SW },
  CLS .. "local m = ml.SGDClassifier{seed = 1}\nm:partial_fit(X, y, {0, 1})\nfor _ = 1, 5 do m:partial_fit(X, y) end\nprint(m.n_iter)")
method("SGDClassifier", "decision_function", "m:decision_function(X)",
  "Scores: N for two classes (positive: classes[2]), else N x K.", { X_ARG },
  CLS .. "print(ml.SGDClassifier{seed = 1}:fit(X, y):decision_function(X))", FITTED)
method("SGDClassifier", "predict", "m:predict(X)", "Predicted labels.", { X_ARG },
  CLS .. "print(ml.SGDClassifier{seed = 1}:fit(X, y):predict(X))", FITTED)
method("SGDClassifier", "predict_proba", "m:predict_proba(X)",
  "N x K probabilities for loss \"log_loss\" or \"modified_huber\".", { X_ARG },
  CLS .. "print(ml.SGDClassifier{loss = \"log_loss\", seed = 1}:fit(X, y):predict_proba(X))",
  "Raises for other losses.")
class_doc("SGDRegressor", "ml.SGDRegressor{loss = \"squared_error\", learning_rate = \"invscaling\", eta0 = 0.01, ...}",
  "Linear regression trained by stochastic gradient descent.", SGD_PARAMS,
  REG .. "local m = ml.SGDRegressor{seed = 1, eta0 = 0.005, max_iter = 200, tol = ml.NONE}:fit(X, y)\nprint(m.coef, m.intercept)",
  SGD_NOTES .. "\ntol = ml.NONE runs all max_iter epochs.")
method("SGDRegressor", "fit", "m:fit(X, y [, sample_weight])", "Trains for up to max_iter epochs and returns m.",
  { X_ARG, Y_REG, SW }, REG .. "print(ml.SGDRegressor{seed = 1, eta0 = 0.005}:fit(X, y).n_iter)")
method("SGDRegressor", "partial_fit", "m:partial_fit(X, y [, sample_weight])",
  "One epoch over (X, y), continuing the weights and the learning-rate schedule; returns m.",
  { X_ARG, Y_REG, SW }, REG .. "local m = ml.SGDRegressor{seed = 1, eta0 = 0.005}\nfor _ = 1, 3 do m:partial_fit(X, y) end\nprint(m.t)")
method("SGDRegressor", "predict", "m:predict(X)", "Predictions X coef + intercept.", { X_ARG },
  REG .. "print(ml.SGDRegressor{seed = 1, eta0 = 0.005}:fit(X, y):predict(X))", FITTED)

-- ------------------------------------------------------------ LinearSVC

class_doc("LinearSVC", "ml.LinearSVC{C = 1.0, loss = \"squared_hinge\", tol = 1e-4, max_iter = 1000, seed = 1, ...}",
  "Linear support vector classifier trained by liblinear's dual coordinate descent (one-vs-rest).",
  { { "C", "cost of margin violations (> 0)" }, { "loss", "\"squared_hinge\" (default) or \"hinge\"" },
    { "tol", "stop when the projected-gradient spread <= tol" }, { "max_iter", "passes over the rows" },
    { "fit_intercept", "add a constant feature" }, { "intercept_scaling", "value of that feature (default 1)" },
    { "class_weight", "\"balanced\" or {label = w}: scales C per class" }, { "seed", "seed of the row order" } },
  CLS .. "local m = ml.LinearSVC{C = 0.5, seed = 1}:fit(X, y)\nprint(m.coef, m.intercept, m:score(X, y))",
  "As in liblinear and scikit-learn, the intercept is a feature and is penalized too.\n"
  .. "Fitted: classes, coef (1 x D for two classes, else K x D), intercept, n_iter.")
method("LinearSVC", "fit", "m:fit(X, y [, sample_weight])", "Fits the SVMs and returns m.", { X_ARG, Y_CLS, SW },
  CLS .. "print(ml.LinearSVC{seed = 1}:fit(X, y).n_iter[1])")
method("LinearSVC", "decision_function", "m:decision_function(X)",
  "Signed distances (times ||w||): N for two classes, else N x K.", { X_ARG },
  CLS .. "print(ml.LinearSVC{seed = 1}:fit(X, y):decision_function(X))", FITTED)
method("LinearSVC", "predict", "m:predict(X)", "Predicted labels.", { X_ARG },
  CLS .. "print(ml.LinearSVC{seed = 1}:fit(X, y):predict(X))", FITTED)

return { title = "Linear models (moonlab.ml)", docs = D }
