-- Docstrings: moonlab.ml's preprocessing, pipelines, model selection, metrics
-- and inspection (stdlib/moonlab/ml/{preprocessing,feature_selection,pipeline,model_selection,
-- metrics,inspection}.lua; docs/ml_preprocessing.md, docs/ml_model_selection.md,
-- docs/ml_metrics.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\n"
local X4 = "local X = torch.Tensor{{1, 10}, {2, 20}, {3, 35}, {4, 40}}\n"
local YB = "local y = torch.Tensor{0, 1, 1, 0, 1}\nlocal p = torch.Tensor{0, 1, 0, 0, 1}\n"
local SC = "local s = torch.Tensor{0.1, 0.8, 0.4, 0.3, 0.9}\n"
local YR = "local y = torch.Tensor{3, -0.5, 2, 7}\nlocal p = torch.Tensor{2.5, 0.0, 2, 8}\n"
-- a tiny regressor for the model-selection examples
local MODEL = PRE .. "local base = require \"moonlab.ml.base\"\n"
  .. "local Mean = base.estimator(\"MeanRegressor\", {shift = 0}, base.Regressor)\n"
  .. "function Mean:fit(X, y) self.m = base.vector(\"fit\", y):mean() + self.shift return base.mark_fitted(self, 1) end\n"
  .. "function Mean:predict(X) return torch.Tensor(base.matrix(\"predict\", X):size(1)):fill(self.m) end\n"
  .. "local X = torch.randn(20, 2)\nlocal y = X:select(2, 1) * 2 + 1\n"

local function add(name, sig, summary, args, example, notes)
  D["moonlab.ml." .. name] = doc(sig, summary, args, example, notes)
end

-- ------------------------------------------------------------ metrics

local AVG = { "opts", "average (\"binary\" default, \"micro\", \"macro\", \"weighted\", none), labels, pos_label (1), zero_division (\"warn\" = 0, 0, 1)" }
local LAB = { { "y_true", "true labels: a tensor or a list (numbers or strings)" }, { "y_pred", "predicted labels, same length" } }
local function labargs(extra)
  local t = { LAB[1], LAB[2] }
  if extra then t[3] = extra end
  return t
end
local REG = { { "y_true", "true values (tensor or list)" }, { "y_pred", "predictions, same length" } }

add("accuracy_score", "ml.accuracy_score(y_true, y_pred [, opts])", "Fraction of labels predicted exactly.",
  labargs({ "opts", "normalize = false: the count instead of the fraction" }), PRE .. YB .. "print(ml.accuracy_score(y, p))")
add("balanced_accuracy_score", "ml.balanced_accuracy_score(y_true, y_pred [, opts])",
  "Mean recall over the classes of y_true (opts.adjusted: chance scores 0).", labargs({ "opts", "adjusted (false)" }),
  PRE .. YB .. "print(ml.balanced_accuracy_score(y, p))")
add("precision_score", "ml.precision_score(y_true, y_pred [, opts])", "Precision tp / (tp + fp), averaged as asked.",
  labargs(AVG), PRE .. YB .. "print(ml.precision_score(y, p))")
add("recall_score", "ml.recall_score(y_true, y_pred [, opts])", "Recall tp / (tp + fn), averaged as asked.",
  labargs(AVG), PRE .. YB .. "print(ml.recall_score(y, p, {average = \"macro\"}))")
add("f1_score", "ml.f1_score(y_true, y_pred [, opts])", "F1 score, the harmonic mean of precision and recall.",
  labargs(AVG), PRE .. YB .. "print(ml.f1_score(y, p))")
add("fbeta_score", "ml.fbeta_score(y_true, y_pred, beta [, opts])", "F-beta score: recall weighs beta times precision.",
  { LAB[1], LAB[2], { "beta", "a number >= 0" }, AVG }, PRE .. YB .. "print(ml.fbeta_score(y, p, 2))")
add("precision_recall_fscore_support", "ml.precision_recall_fscore_support(y_true, y_pred [, opts])",
  "Precision, recall, F-beta and support per label (tensors), or averaged numbers.",
  labargs({ "opts", "beta (1), average (none: per label), labels, pos_label, zero_division" }),
  PRE .. YB .. "local prec, rec, f, support = ml.precision_recall_fscore_support(y, p)\nprint(prec, support)",
  "Returns precision, recall, fbeta, support (nil when averaged), labels.")
add("confusion_matrix", "ml.confusion_matrix(y_true, y_pred [, opts])",
  "Counts of true class i predicted as j (LongTensor), and the class list.",
  labargs({ "opts", "labels (order and selection), normalize (\"true\", \"pred\", \"all\": a DoubleTensor)" }),
  PRE .. YB .. "local C, classes = ml.confusion_matrix(y, p)\nprint(C)")
add("classification_report", "ml.classification_report(y_true, y_pred [, opts])",
  "Text table of precision, recall, F1 and support per class and averaged, as scikit-learn's.",
  labargs({ "opts", "labels, target_names, digits (2), zero_division, output_dict (a table instead)" }),
  PRE .. YB .. "print(ml.classification_report(y, p, {target_names = {\"no\", \"yes\"}}))")
add("matthews_corrcoef", "ml.matthews_corrcoef(y_true, y_pred)",
  "Matthews correlation coefficient (multiclass R_K); 0 when undefined.", labargs(),
  PRE .. YB .. "print(ml.matthews_corrcoef(y, p))")
add("cohen_kappa_score", "ml.cohen_kappa_score(y1, y2 [, opts])", "Cohen's kappa: agreement of two raters beyond chance.",
  { { "y1", "labels of rater 1" }, { "y2", "labels of rater 2" }, { "opts", "weights (\"linear\", \"quadratic\"), labels" } },
  PRE .. "print(ml.cohen_kappa_score({1, 2, 3, 3}, {1, 2, 2, 3}, {weights = \"quadratic\"}))")
add("roc_curve", "ml.roc_curve(y_true, y_score [, opts])",
  "False and true positive rates at every distinct score threshold, and the thresholds.",
  { { "y_true", "binary labels ({0, 1}, {-1, 1}, or give pos_label)" }, { "y_score", "scores, higher = more positive" },
    { "opts", "pos_label, drop_intermediate (true)" } },
  PRE .. YB .. SC .. "local fpr, tpr, thr = ml.roc_curve(y, s)\nprint(fpr, tpr)")
add("roc_auc_score", "ml.roc_auc_score(y_true, y_score [, opts])",
  "Area under the ROC curve: binary scores, or one-vs-rest over N x K probabilities.",
  { { "y_true", "labels" }, { "y_score", "N scores, or N x K class probabilities" },
    { "opts", "multi_class (\"ovr\"), average (\"macro\", \"weighted\"), labels, max_fpr" } },
  PRE .. YB .. SC .. "print(ml.roc_auc_score(y, s))")
add("auc", "ml.auc(x, y)", "Area under a curve by trapezoids (x monotonic).",
  { { "x", "increasing or decreasing x" }, { "y", "values at x" } },
  PRE .. "print(ml.auc(torch.Tensor{0, 0.5, 1}, torch.Tensor{0, 0.8, 1}))")
add("precision_recall_curve", "ml.precision_recall_curve(y_true, probas_pred [, opts])",
  "Precision and recall at every distinct threshold (recall decreasing), and the thresholds.",
  { { "y_true", "binary labels" }, { "probas_pred", "scores or probabilities" }, { "opts", "pos_label" } },
  PRE .. YB .. SC .. "local prec, rec, thr = ml.precision_recall_curve(y, s)\nprint(prec, rec)")
add("average_precision_score", "ml.average_precision_score(y_true, y_score [, opts])",
  "Average precision: sum of (R_k - R_{k-1}) P_k over the thresholds.",
  { { "y_true", "binary labels" }, { "y_score", "scores" }, { "opts", "pos_label (1)" } },
  PRE .. YB .. SC .. "print(ml.average_precision_score(y, s))")
add("log_loss", "ml.log_loss(y_true, y_prob [, opts])", "Mean cross-entropy of predicted probabilities.",
  { { "y_true", "labels" }, { "y_prob", "N probabilities of the larger label, or N x K" },
    { "opts", "labels, eps (\"auto\"), normalize (true)" } },
  PRE .. YB .. SC .. "print(ml.log_loss(y, s))")
add("brier_score_loss", "ml.brier_score_loss(y_true, y_prob [, opts])",
  "Mean squared difference between the positive-class probability and the outcome.",
  { { "y_true", "binary labels" }, { "y_prob", "probabilities in [0, 1]" }, { "opts", "pos_label" } },
  PRE .. YB .. SC .. "print(ml.brier_score_loss(y, s))")
add("mean_squared_error", "ml.mean_squared_error(y_true, y_pred [, opts])", "Mean of squared errors.",
  { REG[1], REG[2], { "opts", "squared = false: the root" } }, PRE .. YR .. "print(ml.mean_squared_error(y, p))")
add("root_mean_squared_error", "ml.root_mean_squared_error(y_true, y_pred)", "Square root of the mean squared error.",
  REG, PRE .. YR .. "print(ml.root_mean_squared_error(y, p))")
add("mean_absolute_error", "ml.mean_absolute_error(y_true, y_pred)", "Mean of absolute errors.", REG,
  PRE .. YR .. "print(ml.mean_absolute_error(y, p))")
add("median_absolute_error", "ml.median_absolute_error(y_true, y_pred)", "Median of absolute errors.", REG,
  PRE .. YR .. "print(ml.median_absolute_error(y, p))")
add("mean_absolute_percentage_error", "ml.mean_absolute_percentage_error(y_true, y_pred)",
  "Mean of |y - p| / |y| (a fraction, not a percentage).", REG,
  PRE .. YR .. "print(ml.mean_absolute_percentage_error(y, p))")
add("r2_score", "ml.r2_score(y_true, y_pred)", "Coefficient of determination R².", REG, PRE .. YR .. "print(ml.r2_score(y, p))")
add("explained_variance_score", "ml.explained_variance_score(y_true, y_pred)", "1 - Var(y - p) / Var(y).", REG,
  PRE .. YR .. "print(ml.explained_variance_score(y, p))")
add("get_scorer", "ml.get_scorer(name)", "The scorer function(estimator, X, y) of a metric name (greater is better).",
  { { "name", "\"accuracy\", \"f1_macro\", \"roc_auc\", \"neg_mean_squared_error\", \"r2\" ... (or a function)" } },
  PRE .. "local s = ml.get_scorer(\"neg_mean_absolute_error\")\nprint(type(s))")
add("get_scorer_names", "ml.get_scorer_names()", "The sorted list of scorer names.", {},
  PRE .. "print(table.concat(ml.get_scorer_names(), \" \"))")

-- ------------------------------------------------------------ preprocessing

local XARG = { "X", "N x D tensor, data frame or table of rows" }
local function transformer(cls, ctor, summary, params, example, methods, notes)
  add(cls, ctor, summary, params, example, notes)
  local ex = example
  for _, m in ipairs(methods) do
    local sig, sum, args = m[1], m[2], m[3]
    add(cls .. ":" .. m[4], sig, sum, args or { XARG }, ex)
  end
end
local FIT = { "m:fit(X)", "Learns the transformation from X; returns m.", nil, "fit" }
local TRANSFORM = { "m:transform(X)", "Applies the fitted transformation to X.", nil, "transform" }
local INVERSE = { "m:inverse_transform(Z)", "Maps transformed data back to the original space.",
  { { "Z", "transformed data" } }, "inverse_transform" }

transformer("StandardScaler", "ml.StandardScaler{with_mean = true, with_std = true}",
  "Centres each feature and scales it to unit variance.",
  { { "with_mean", "subtract the mean (true)" }, { "with_std", "divide by the standard deviation (true)" } },
  PRE .. X4 .. "local s = ml.StandardScaler{}\nprint(s:fit_transform(X), s.mean, s.scale)",
  { FIT, TRANSFORM, INVERSE, { "m:fit_transform(X)", "Fits on X and returns X transformed (one pass less).", nil, "fit_transform" } })
transformer("MinMaxScaler", "ml.MinMaxScaler{feature_range = {0, 1}, clip = false}",
  "Scales each feature linearly to feature_range.",
  { { "feature_range", "{min, max} of the output" }, { "clip", "clip transformed values to the range" } },
  PRE .. X4 .. "print(ml.MinMaxScaler{}:fit_transform(X))", { FIT, TRANSFORM, INVERSE })
transformer("RobustScaler", "ml.RobustScaler{with_centering = true, with_scaling = true, quantile_range = {25, 75}}",
  "Subtracts the median and divides by the interquartile range (robust to outliers).",
  { { "with_centering", "subtract the median" }, { "with_scaling", "divide by the quantile range" },
    { "quantile_range", "{low, high} percentiles" }, { "unit_variance", "rescale so normal data has variance 1" } },
  PRE .. X4 .. "print(ml.RobustScaler{}:fit_transform(X))", { FIT, TRANSFORM, INVERSE })
transformer("Normalizer", "ml.Normalizer{norm = \"l2\"}", "Scales every row to unit norm (\"l1\", \"l2\" or \"max\").",
  { { "norm", "\"l1\", \"l2\" or \"max\"" } }, PRE .. X4 .. "print(ml.Normalizer{}:fit_transform(X))", { FIT, TRANSFORM })
local CATS = "local rows = {{\"red\", \"S\"}, {\"blue\", \"M\"}, {\"red\", \"M\"}}\n"
transformer("OneHotEncoder", "ml.OneHotEncoder{categories = \"auto\", handle_unknown = \"error\", drop = none}",
  "One 0/1 column per category of each feature (numbers or strings).",
  { { "categories", "\"auto\" or a list of lists" }, { "handle_unknown", "\"error\" or \"ignore\" (all zeros)" },
    { "drop", "none, \"first\" or \"if_binary\"" } },
  PRE .. CATS .. "local e = ml.OneHotEncoder{}\nprint(e:fit_transform(rows))\nprint(table.concat(e:get_feature_names_out({\"colour\", \"size\"}), \" \"))",
  { FIT, TRANSFORM, INVERSE, { "m:get_feature_names_out([input_features])", "Output column names \"x0_red\" ....",
    { { "input_features", "names of the input columns (default x0, x1 ...)" } }, "get_feature_names_out" } })
transformer("OrdinalEncoder", "ml.OrdinalEncoder{categories = \"auto\", handle_unknown = \"error\", unknown_value = none}",
  "Each value becomes its 0-based index among its column's sorted categories.",
  { { "categories", "\"auto\" or a list of lists" }, { "handle_unknown", "\"error\" or \"use_encoded_value\"" },
    { "unknown_value", "the code of unknown values (e.g. -1)" } },
  PRE .. CATS .. "print(ml.OrdinalEncoder{}:fit_transform(rows))", { FIT, TRANSFORM, INVERSE })
local LE = PRE .. "local le = ml.LabelEncoder{}:fit({\"b\", \"a\", \"c\"})\nprint(le:transform({\"c\", \"a\"}), le:inverse_transform({0})[1])"
add("LabelEncoder", "ml.LabelEncoder{}", "Encodes target labels (numbers or strings) as 0-based codes.", {}, LE)
add("LabelEncoder:fit", "m:fit(y)", "Learns the sorted classes of y; returns m.", { { "y", "labels" } }, LE)
add("LabelEncoder:transform", "m:transform(y)", "Codes 0..K-1 of the labels (LongTensor).", { { "y", "labels" } }, LE)
add("LabelEncoder:fit_transform", "m:fit_transform(y)", "Fits on y and returns its codes.", { { "y", "labels" } }, LE)
add("LabelEncoder:inverse_transform", "m:inverse_transform(codes)", "The labels of 0-based codes.",
  { { "codes", "tensor or list" } }, LE)
local NAN = "local X = torch.Tensor{{1, 2}, {0/0, 3}, {7, 0/0}, {4, 5}}\n"
transformer("SimpleImputer", "ml.SimpleImputer{strategy = \"mean\", fill_value = none, missing_values = NaN, add_indicator = false}",
  "Fills missing values per column with the mean, median, most frequent value or a constant.",
  { { "strategy", "\"mean\", \"median\", \"most_frequent\", \"constant\"" }, { "fill_value", "for \"constant\" (0)" },
    { "missing_values", "the marker of missing values (NaN)" }, { "add_indicator", "append 0/1 missing-indicator columns" } },
  PRE .. NAN .. "print(ml.SimpleImputer{strategy = \"median\"}:fit_transform(X))", { FIT, TRANSFORM, INVERSE })
transformer("KNNImputer", "ml.KNNImputer{n_neighbors = 5, weights = \"uniform\"}",
  "Fills each missing value from the nearest rows (nan-Euclidean distance) that have it.",
  { { "n_neighbors", "number of donors" }, { "weights", "\"uniform\" or \"distance\"" }, { "missing_values", "marker (NaN)" } },
  PRE .. NAN .. "print(ml.KNNImputer{n_neighbors = 2}:fit_transform(X))", { FIT, TRANSFORM })
transformer("PolynomialFeatures", "ml.PolynomialFeatures{degree = 2, interaction_only = false, include_bias = true}",
  "All products of features up to a degree, in scikit-learn's column order.",
  { { "degree", "a number, or {min, max}" }, { "interaction_only", "only products of distinct features" },
    { "include_bias", "a column of ones first" } },
  PRE .. X4 .. "local pf = ml.PolynomialFeatures{}:fit(X)\nprint(pf:transform(X))\nprint(table.concat(pf:get_feature_names_out(), \" \"))",
  { FIT, TRANSFORM, { "m:get_feature_names_out([input_features])", "Output column names \"1\", \"x0\", \"x0^2\", \"x0 x1\" ....",
    { { "input_features", "names of the input columns" } }, "get_feature_names_out" } })
transformer("KBinsDiscretizer", "ml.KBinsDiscretizer{n_bins = 5, encode = \"onehot\", strategy = \"quantile\"}",
  "Bins each feature into intervals (uniform, quantile or 1-D k-means edges).",
  { { "n_bins", "bins per feature (a number or a list)" }, { "encode", "\"onehot\" (dense) or \"ordinal\"" },
    { "strategy", "\"uniform\", \"quantile\" or \"kmeans\"" } },
  PRE .. X4 .. "local kb = ml.KBinsDiscretizer{n_bins = 2, encode = \"ordinal\"}\nprint(kb:fit_transform(X), kb.bin_edges[1])",
  { FIT, TRANSFORM, INVERSE })
local SEL = PRE .. "local X = torch.Tensor{{1, 5, 0}, {2, 5, 1}, {3, 5, 0}, {4, 5, 1}}\nlocal y = torch.Tensor{0, 0, 1, 1}\n"
transformer("VarianceThreshold", "ml.VarianceThreshold{threshold = 0}", "Keeps the features whose variance exceeds threshold.",
  { { "threshold", "minimum variance kept" } },
  SEL .. "local v = ml.VarianceThreshold{}:fit(X)\nprint(v:transform(X), table.concat(v:get_support(true), \",\"))",
  { FIT, TRANSFORM, INVERSE, { "m:get_support([indices])", "ByteTensor mask of the kept features (indices = true: their 1-based list).",
    { { "indices", "true: a list of column indices" } }, "get_support" } })
transformer("SelectKBest", "ml.SelectKBest{score_func = ml.f_classif, k = 10}", "Keeps the k features with the highest scores.",
  { { "score_func", "function(X, y) -> scores, pvalues (ml.f_classif, ml.f_regression, ml.chi2 ...)" },
    { "k", "number kept, or \"all\"" } },
  SEL .. "local s = ml.SelectKBest{k = 1}:fit(X, y)\nprint(s.scores, s:transform(X))",
  { { "m:fit(X, y)", "Scores the features against y and picks the best k; returns m.",
    { XARG, { "y", "targets" } }, "fit" }, TRANSFORM, INVERSE,
    { "m:get_support([indices])", "ByteTensor mask of the kept features (indices = true: their 1-based list).",
      { { "indices", "true: a list of column indices" } }, "get_support" } })
add("f_classif", "ml.f_classif(X, y)", "ANOVA F statistic and p-value of each feature across the classes of y.",
  { XARG, { "y", "class labels" } }, SEL .. "print(ml.f_classif(X, y))")
add("f_regression", "ml.f_regression(X, y [, opts])", "F statistic and p-value of each feature's univariate regression on y.",
  { XARG, { "y", "numeric target" }, { "opts", "center (true)" } }, SEL .. "print(ml.f_regression(X, y))")
add("chi2", "ml.chi2(X, y)", "Chi-squared statistic and p-value of each non-negative feature against the classes.",
  { { "X", "non-negative counts or frequencies" }, { "y", "class labels" } }, SEL .. "print(ml.chi2(X, y))")
add("mutual_info_classif", "ml.mutual_info_classif(X, y [, opts])",
  "Mutual information (nats) between each feature and the class (k-nearest-neighbour estimator).",
  { XARG, { "y", "class labels" }, { "opts", "n_neighbors (3), discrete_features (true or column list), seed" } },
  SEL .. "print(ml.mutual_info_classif(X, y, {seed = 1}))")

-- ------------------------------------------------------------ pipelines

local PIPE = MODEL .. "local p = ml.Pipeline{steps = {{\"scale\", ml.StandardScaler{}}, {\"model\", Mean{}}}}\np:fit(X, y)\n"
add("Pipeline", "ml.Pipeline{steps = {{name, estimator}, ...}}",
  "Chains transformers and a final estimator; parameters as \"step__param\" or \"step.param\".",
  { { "steps", "list of {name, estimator or \"passthrough\"}; all but the last must transform" } },
  PIPE .. "print(p:predict(X):size(1), p:score(X, y))")
for _, m in ipairs({
  { "fit", "p:fit(X [, y])", "Fits every step in turn on the previous one's output; returns p." },
  { "predict", "p:predict(X)", "The last step's predictions on X transformed by the other steps." },
  { "predict_proba", "p:predict_proba(X)", "The last step's class probabilities on the transformed X." },
  { "decision_function", "p:decision_function(X)", "The last step's decision function on the transformed X." },
  { "score", "p:score(X, y)", "The last step's score on the transformed X." },
  { "transform", "p:transform(X)", "X through every step (the last must transform too)." },
  { "fit_transform", "p:fit_transform(X [, y])", "Fits and returns X through every step." },
  { "inverse_transform", "p:inverse_transform(Z)", "Z back through every step in reverse order." },
  { "params", "p:params()", "The pipeline's parameters and every step's as \"step__param\"." },
  { "set_params", "p:set_params{[\"step__param\"] = v, [\"step.param\"] = v, step = estimator}", "Sets nested parameters or replaces a step; returns p." },
  { "step", "p:step(name)", "The estimator of the named step." },
  { "supports", "p:supports(method)", "True when the last step has that method (predict_proba ...)." },
}) do
  add("Pipeline:" .. m[1], m[2], m[3], { XARG }, PIPE .. "p:set_params{[\"model.shift\"] = 1}\nprint(p:params().model__shift)")
end
add("make_pipeline", "ml.make_pipeline(est1, est2, ...)", "A Pipeline whose steps are named after their lower-cased classes.",
  { { "...", "the estimators, in order" } },
  MODEL .. "local p = ml.make_pipeline(ml.MinMaxScaler{}, Mean{})\nprint(p, p:fit(X, y):score(X, y))")
local CT = PRE .. "local X = torch.Tensor{{1, 10, 0}, {2, 20, 1}, {3, 30, 0}}\n"
  .. "local ct = ml.ColumnTransformer{transformers = {{\"num\", ml.StandardScaler{}, {1, 2}}, {\"cat\", ml.OneHotEncoder{}, {3}}}}\n"
add("ColumnTransformer", "ml.ColumnTransformer{transformers = {{name, transformer, columns}, ...}, remainder = \"drop\"}",
  "Applies each transformer to its columns (indices, or names of a data frame) and joins the outputs.",
  { { "transformers", "list of {name, transformer or \"drop\"/\"passthrough\", columns}" },
    { "remainder", "\"drop\", \"passthrough\" or a transformer for the other columns" } },
  CT .. "print(ct:fit_transform(X))")
for _, m in ipairs({
  { "fit", "ct:fit(X [, y])", "Fits a clone of every transformer on its columns; returns ct." },
  { "fit_transform", "ct:fit_transform(X [, y])", "Fits and returns the outputs side by side." },
  { "transform", "ct:transform(X)", "The fitted transformers' outputs side by side." },
  { "get_feature_names_out", "ct:get_feature_names_out()", "Output column names \"name__feature\"." },
  { "params", "ct:params()", "Own parameters and every transformer's as \"name__param\"." },
  { "set_params", "ct:set_params{[\"name__param\"] = v}", "Sets nested parameters; returns ct." },
}) do
  add("ColumnTransformer:" .. m[1], m[2], m[3], { XARG }, CT .. "ct:fit(X)\nprint(table.concat(ct:get_feature_names_out(), \" \"))")
end
add("make_column_transformer", "ml.make_column_transformer({transformer, columns}, ... [, {remainder = ...}])",
  "A ColumnTransformer whose transformers are named after their classes.",
  { { "...", "{transformer, columns} pairs, then optionally {remainder = ...}" } },
  PRE .. "local ct = ml.make_column_transformer({ml.MinMaxScaler{}, {1}}, {remainder = \"passthrough\"})\n"
    .. "print(ct:fit_transform(torch.Tensor{{1, 5}, {3, 6}}))")

-- ------------------------------------------------------------ model selection

add("train_test_split", "ml.train_test_split(a1, a2, ... [, opts])",
  "Splits arrays into random train and test parts (a1_train, a1_test, a2_train, a2_test ...).",
  { { "a1, a2, ...", "tensors (rows), Lua lists or data frames with :take" },
    { "opts", "test_size (0.25), train_size, seed, shuffle (true), stratify (labels)" } },
  PRE .. "local X, y = torch.randn(10, 2), torch.Tensor{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}\n"
    .. "local Xtr, Xte, ytr, yte = ml.train_test_split(X, y, {test_size = 0.4, stratify = y, seed = 1})\nprint(Xtr:size(1), yte)")
local function splitter(cls, ctor, summary, params, call)
  local ex = PRE .. "for i, f in ipairs(" .. call .. ") do print(i, f.train:nElement(), f.test) end"
  add(cls, ctor, summary, params, ex)
  add(cls .. ":split", "cv:split(X [, y [, groups]])", "The folds: a list of {train = indices, test = indices} (1-based LongTensors).",
    { { "X", "the data (only its row count matters)" }, { "y", "labels (StratifiedKFold)" }, { "groups", "group labels (GroupKFold)" } }, ex)
  add(cls .. ":get_n_splits", "cv:get_n_splits()", "The number of folds.", {}, PRE .. "print(" .. call:match("^(.-}):split") .. ":get_n_splits())")
end
splitter("KFold", "ml.KFold{n_splits = 5, shuffle = false, seed = none}", "Consecutive folds, after a seeded shuffle if asked.",
  { { "n_splits", "number of folds (>= 2)" }, { "shuffle", "shuffle the rows first" }, { "seed", "the shuffle's seed" } },
  "ml.KFold{n_splits = 3}:split(torch.zeros(7, 1))")
splitter("StratifiedKFold", "ml.StratifiedKFold{n_splits = 5, shuffle = false, seed = none}",
  "Folds keeping the class proportions (scikit-learn's allocation).",
  { { "n_splits", "number of folds" }, { "shuffle", "shuffle within classes" }, { "seed", "the shuffle's seed" } },
  "ml.StratifiedKFold{n_splits = 2}:split(torch.zeros(6, 1), {0, 0, 0, 1, 1, 1})")
splitter("GroupKFold", "ml.GroupKFold{n_splits = 5}", "Folds that never split a group.", { { "n_splits", "number of folds" } },
  "ml.GroupKFold{n_splits = 2}:split(torch.zeros(5, 1), nil, {1, 1, 2, 3, 3})")
splitter("TimeSeriesSplit", "ml.TimeSeriesSplit{n_splits = 5, max_train_size = none, test_size = none, gap = 0}",
  "Growing training windows, each followed by its test window.",
  { { "n_splits", "number of splits" }, { "max_train_size", "cap on the training window" },
    { "test_size", "test window (default n // (n_splits + 1))" }, { "gap", "samples left out between train and test" } },
  "ml.TimeSeriesSplit{n_splits = 3}:split(torch.zeros(8, 1))")
add("cross_validate", "ml.cross_validate(estimator, X, y [, opts])",
  "Cross-validated scores, fit and score times per fold (several metrics, train scores).",
  { { "estimator", "an unfitted estimator (cloned per fold)" }, XARG, { "y", "targets" },
    { "opts", "cv (5, or a splitter, or folds), scoring (name, function, list or table), return_train_score, return_estimator, groups" } },
  MODEL .. "local r = ml.cross_validate(Mean{}, X, y, {cv = 4, scoring = {\"r2\", \"neg_mean_absolute_error\"}})\nprint(r.test_r2, r.fit_time)")
add("cross_val_score", "ml.cross_val_score(estimator, X, y [, opts])", "One cross-validated test score per fold (a tensor).",
  { { "estimator", "an unfitted estimator" }, XARG, { "y", "targets" }, { "opts", "cv, scoring, groups" } },
  MODEL .. "print(ml.cross_val_score(Mean{}, X, y, {cv = 5, scoring = \"neg_mean_squared_error\"}))")
add("cross_val_predict", "ml.cross_val_predict(estimator, X, y [, opts])",
  "Each sample's prediction by the model fitted without its fold.",
  { { "estimator", "an unfitted estimator" }, XARG, { "y", "targets" }, { "opts", "cv, method (\"predict\"), groups" } },
  MODEL .. "print(ml.cross_val_predict(Mean{}, X, y, {cv = 4}):size(1))")
local GS = MODEL .. "local gs = ml.GridSearchCV{estimator = Mean{}, param_grid = {shift = {-1, 0, 1}}, cv = 4}\ngs:fit(X, y)\n"
add("GridSearchCV", "ml.GridSearchCV{estimator = m, param_grid = {name = {values}}, scoring = none, cv = 5, refit = true}",
  "Cross-validates every parameter combination and refits the best on all the data.",
  { { "estimator", "the estimator to tune" }, { "param_grid", "name -> list of values (or a list of grids); \"step__param\" for pipelines" },
    { "scoring", "name, function, or several (then refit names the deciding one)" }, { "cv", "folds" },
    { "refit", "refit the best on all data (true)" }, { "return_train_score", "also score the training folds" } },
  GS .. "print(gs.best_params.shift, gs.best_score)\nprint(gs:results())")
add("RandomizedSearchCV", "ml.RandomizedSearchCV{estimator = m, param_distributions = {...}, n_iter = 10, seed = none, ...}",
  "Cross-validates n_iter sampled parameter sets and refits the best.",
  { { "estimator", "the estimator to tune" },
    { "param_distributions", "name -> list, ml.uniform(a, b), ml.loguniform(a, b), ml.randint(a, b) or function(gen)" },
    { "n_iter", "number of candidates" }, { "seed", "the sampler's seed" }, { "scoring, cv, refit", "as GridSearchCV" } },
  MODEL .. "local rs = ml.RandomizedSearchCV{estimator = Mean{}, param_distributions = {shift = ml.uniform(-1, 1)}, n_iter = 3, seed = 1, cv = 3}\n"
    .. "print(rs:fit(X, y).best_params.shift)")
for _, cls in ipairs({ "GridSearchCV", "RandomizedSearchCV" }) do
  add(cls .. ":fit", "s:fit(X, y [, groups])", "Runs the search (a progress bar on a terminal after 1 s); returns s.",
    { XARG, { "y", "targets" }, { "groups", "for group splitters" } }, GS .. "print(gs.best_index)")
end
add("uniform", "ml.uniform(lo, hi)", "A uniform distribution on [lo, hi) for RandomizedSearchCV.",
  { { "lo", "lower bound" }, { "hi", "upper bound" } }, PRE .. "print(ml.uniform(0, 1))")
add("loguniform", "ml.loguniform(lo, hi)", "A log-uniform distribution on [lo, hi) (for C, alpha ...).",
  { { "lo", "lower bound (> 0)" }, { "hi", "upper bound" } }, PRE .. "print(ml.loguniform(1e-3, 1e3))")
add("randint", "ml.randint(lo, hi)", "Uniform integers lo .. hi inclusive.", { { "lo", "smallest" }, { "hi", "largest" } },
  PRE .. "print(ml.randint(1, 10))")
add("learning_curve", "ml.learning_curve(estimator, X, y [, opts])",
  "Train and cross-validated scores as the training set grows; ready for plot.learning_curve.",
  { { "estimator", "an unfitted estimator" }, XARG, { "y", "targets" },
    { "opts", "train_sizes (fractions or counts), cv, scoring, shuffle, seed, groups" } },
  MODEL .. "local lc = ml.learning_curve(Mean{}, X, y, {cv = 4, train_sizes = {0.5, 1}})\nprint(lc.size[1], lc.test[2], lc.test_scores)",
  "Result: {size, train, train_std, test, test_std} plus lc.train_scores / lc.test_scores (sizes x folds).")
add("validation_curve", "ml.validation_curve(estimator, X, y, param_name, param_range [, opts])",
  "Train and cross-validated scores for each value of one parameter.",
  { { "estimator", "an unfitted estimator" }, XARG, { "y", "targets" }, { "param_name", "the parameter (\"step__param\" allowed)" },
    { "param_range", "list of values" }, { "opts", "cv, scoring, groups" } },
  MODEL .. "local vc = ml.validation_curve(Mean{}, X, y, \"shift\", {0, 1, 2}, {cv = 3})\nprint(vc.test[1], vc.test[3])",
  "Result: {x, train, train_std, test, test_std}; plot with plot.learning_curve(vc, {xlabel = param_name}).")

-- ------------------------------------------------------------ inspection

add("permutation_importance", "ml.permutation_importance(estimator, X, y [, opts])",
  "Score lost when each feature's column is shuffled, over n_repeats seeded shuffles.",
  { { "estimator", "a fitted estimator" }, XARG, { "y", "targets" }, { "opts", "scoring, n_repeats (5), seed" } },
  MODEL .. "local m = Mean{}:fit(X, y)\nprint(ml.permutation_importance(m, X, y, {seed = 1}).importances_mean)",
  "Result: {importances_mean, importances_std, importances (D x n_repeats), baseline_score}.")
add("partial_dependence", "ml.partial_dependence(estimator, X, feature [, opts])",
  "Mean prediction as one feature sweeps a grid (brute force).",
  { { "estimator", "a fitted estimator" }, XARG, { "feature", "1-based column index" },
    { "opts", "grid_resolution (100), percentiles ({0.05, 0.95})" } },
  MODEL .. "local pd = ml.partial_dependence(Mean{}:fit(X, y), X, 1, {grid_resolution = 5})\nprint(pd.grid_values, pd.average)",
  "Result: {grid_values, average} (average is K x G for a multiclass classifier's probabilities).")

return { title = "Machine learning: preprocessing, pipelines, model selection, metrics (require \"moonlab.ml\")", docs = D }
