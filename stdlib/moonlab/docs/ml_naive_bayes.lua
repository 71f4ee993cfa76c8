-- Docstrings: moonlab.ml's naive Bayes classifiers (stdlib/moonlab/ml/naive_bayes.lua;
-- docs/naive_bayes.md).  Names: "moonlab.ml.GaussianNB" for a class,
-- "moonlab.ml.GaussianNB:fit" for its methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local ml = require \"moonlab.ml\"\n"
local IRIS = "local iris = require(\"moonlab.datasets\").load(\"iris\")\n"
local COUNTS = "local X = torch.DoubleTensor{{3, 0, 1}, {2, 1, 0}, {0, 4, 2}, {1, 3, 3}}\n"
  .. "local y = torch.DoubleTensor{0, 0, 1, 1}\n"
local CATS = "local X = torch.DoubleTensor{{0, 1}, {0, 2}, {1, 0}, {1, 1}}\nlocal y = torch.DoubleTensor{1, 1, 2, 2}\n"

local PRIOR = { "class_prior", "fixed class probabilities (default none: from the counts, or uniform)" }
local FIT_PRIOR = { "fit_prior", "learn class priors from the counts (default true); false: uniform" }
local FORCE = { "force_alpha", "keep an alpha below 1e-10 as is (default false: raised to 1e-10)" }

local CLASSES = {
  GaussianNB = {
    sig = "ml.GaussianNB{priors = none, var_smoothing = 1e-9}",
    summary = "Naive Bayes with a normal distribution per class and feature (continuous features).",
    args = { { "priors", "fixed class probabilities (default: class frequencies)" },
      { "var_smoothing", "fraction of the largest feature variance added to every variance" } },
    data = IRIS, X = "iris.X", y = "iris.y", ctor = "ml.GaussianNB()",
    notes = "Fitted: classes, class_count, class_prior, theta (K x D means), var (K x D variances),\n"
      .. "epsilon (the variance added), n_features_in.",
  },
  MultinomialNB = {
    sig = "ml.MultinomialNB{alpha = 1, force_alpha = false, fit_prior = true, class_prior = none}",
    summary = "Naive Bayes for counts (word counts, histograms): a multinomial per class.",
    args = { { "alpha", "additive (Laplace/Lidstone) smoothing, a number or one per feature" }, FORCE, FIT_PRIOR, PRIOR },
    data = COUNTS, X = "X", y = "y", ctor = "ml.MultinomialNB()",
    notes = "Fitted: classes, class_count, feature_count (K x D), feature_log_prob (K x D),\n"
      .. "class_log_prior, n_features_in.  X must be non-negative.",
  },
  BernoulliNB = {
    sig = "ml.BernoulliNB{alpha = 1, binarize = 0, force_alpha = false, fit_prior = true, class_prior = none}",
    summary = "Naive Bayes for binary features: a Bernoulli per class and feature.",
    args = { { "alpha", "additive smoothing, a number or one per feature" },
      { "binarize", "threshold: X > binarize counts as 1 (ml.NONE: X is already 0/1)" }, FORCE, FIT_PRIOR, PRIOR },
    data = COUNTS, X = "X", y = "y", ctor = "ml.BernoulliNB{binarize = 1}",
    notes = "Fitted: classes, class_count, feature_count (K x D ones), feature_log_prob (K x D,\n"
      .. "log P(x_j = 1 | class)), class_log_prior, n_features_in.",
  },
  CategoricalNB = {
    sig = "ml.CategoricalNB{alpha = 1, force_alpha = false, fit_prior = true, class_prior = none, min_categories = none}",
    summary = "Naive Bayes for categorical features coded 0, 1, 2, ...: a categorical distribution per class.",
    args = { { "alpha", "additive smoothing (a number)" }, FORCE, FIT_PRIOR, PRIOR,
      { "min_categories", "per feature, the least number of categories to allow for" } },
    data = CATS, X = "X", y = "y", ctor = "ml.CategoricalNB()",
    notes = "Fitted: classes, class_count, category_count and feature_log_prob (lists: one K x n_i\n"
      .. "tensor per feature), n_categories (LongTensor), class_log_prior, n_features_in.",
  },
}

local METHODS = {
  fit = { "m:fit(X, y [, sample_weight])", "Fits the model from scratch and returns it.",
    { { "X", "N x D tensor (or data frame, or table of rows)" }, { "y", "N class labels (numbers)" },
      { "sample_weight", "N non-negative weights (default all 1)" } }, "print(m.class_count)" },
  partial_fit = { "m:partial_fit(X, y [, classes [, sample_weight]])",
    "Adds a batch to the fitted counts; chunked fits equal one fit.",
    { { "X, y", "one batch" }, { "classes", "every label y can take; required on the first call" },
      { "sample_weight", "N non-negative weights" } }, nil },
  predict = { "m:predict(X)", "The most probable class of every row, as labels from m.classes.",
    { { "X", "N x D tensor" } }, "print(m:predict(%s))" },
  predict_proba = { "m:predict_proba(X)", "P(class | x) for every row and class: N x K, rows sum to 1.",
    { { "X", "N x D tensor" } }, "print(m:predict_proba(%s))" },
  predict_log_proba = { "m:predict_log_proba(X)", "log P(class | x), computed without underflow: N x K.",
    { { "X", "N x D tensor" } }, "print(m:predict_log_proba(%s))" },
  predict_joint_log_proba = { "m:predict_joint_log_proba(X)", "log P(x, class), unnormalized: N x K.",
    { { "X", "N x D tensor" } }, "print(m:predict_joint_log_proba(%s))" },
  score = { "m:score(X, y)", "Mean accuracy of m:predict(X) against y.",
    { { "X", "N x D tensor" }, { "y", "N labels" } }, "print(m:score(%s, %s))" },
}

for cname, c in pairs(CLASSES) do
  local setup = PRE .. c.data
  D["moonlab.ml." .. cname] = doc(c.sig, c.summary, c.args,
    setup .. "local m = " .. c.ctor .. ":fit(" .. c.X .. ", " .. c.y .. ")\nprint(m:predict_proba(" .. c.X .. "))",
    c.notes)
  for mname, mt in pairs(METHODS) do
    local body
    if mname == "partial_fit" then
      body = "local m = " .. c.ctor .. "\nlocal classes = torch.unique(" .. c.y .. ", true)\n"
        .. "m:partial_fit(" .. c.X .. ":narrow(1, 1, 2), " .. c.y .. ":narrow(1, 1, 2), classes)\n"
        .. "m:partial_fit(" .. c.X .. ":narrow(1, 3, 2), " .. c.y .. ":narrow(1, 3, 2))\nprint(m.class_count)"
    else
      body = "local m = " .. c.ctor .. ":fit(" .. c.X .. ", " .. c.y .. ")\n" .. string.format(mt[4], c.X, c.y)
    end
    D["moonlab.ml." .. cname .. ":" .. mname] = doc(mt[1], mt[2], mt[3], setup .. body)
  end
end

return { title = "Naive Bayes (moonlab.ml)", docs = D }
