-- %% [markdown]
-- # Statistics for model evaluation
--
-- A score on one test set is a number with an error bar you have not drawn.
-- This tutorial draws it: confidence intervals, t-tests for comparing two
-- models on the same folds, and bootstrap intervals for any statistic.
--
-- The data: the breast cancer study again (tutorial 4), and two models to
-- compare: logistic regression and a random forest.

-- %% Load
local datasets = require "moonlab.datasets"
ml = require "moonlab.ml"
stats = require "moonlab.stats"
plot = require "moonlab.plot"
d = datasets.load("breast_cancer")
X, y = d.X, d.y
print(X:size(1), "samples")

-- %% [markdown]
-- ## Scores on repeated cross-validation
--
-- Ten-fold cross-validation repeated three times with different shuffles
-- gives 30 accuracy estimates per model, each on the same 30 splits for both
-- models.

-- %%
logistic = ml.make_pipeline(ml.StandardScaler{}, ml.LogisticRegression{C = 0.5, max_iter = 500})
forest = ml.RandomForestClassifier{n_estimators = 60, seed = 0}
acc_log, acc_rf = {}, {}
for rep = 1, 3 do
  local cv = ml.StratifiedKFold{n_splits = 10, shuffle = true, seed = rep}
  local a = ml.cross_val_score(logistic, X, y, {cv = cv})
  local b = ml.cross_val_score(forest, X, y, {cv = cv})
  for i = 1, a:size(1) do
    acc_log[#acc_log + 1] = a[i]
    acc_rf[#acc_rf + 1] = b[i]
  end
end
acc_log, acc_rf = torch.Tensor(acc_log), torch.Tensor(acc_rf)
print(string.format("logistic %.4f (sd %.4f)   forest %.4f (sd %.4f)", stats.mean(acc_log), stats.std(acc_log),
  stats.mean(acc_rf), stats.std(acc_rf)))

-- %% [markdown]
-- ## A confidence interval for one model
--
-- The one-sample t-test gives a 95% interval for the mean accuracy. (The
-- folds share training data, so this interval is somewhat too narrow; it is
-- still far more honest than a single number.)

-- %%
print(stats.ttest_1samp(acc_log, 0.5))

-- %% [markdown]
-- ## Comparing two models: the paired t-test
--
-- Both models saw the same splits, so we compare them split by split: the
-- paired test looks at the 30 differences. An unpaired test would throw
-- away that pairing and lose power.

-- %%
paired = stats.ttest_rel(acc_log, acc_rf)
print(paired)

-- %%
plot.figure()
plot.box({ acc_log, acc_rf }, {labels = { "logistic", "forest" }, title = "accuracy over 30 folds",
  ylabel = "accuracy"})

-- %% [markdown]
-- The differences are not normal-looking when accuracies move in steps of
-- one sample per fold; the Wilcoxon signed-rank test does without that
-- assumption.

-- %%
print(stats.wilcoxon(acc_log, acc_rf))

-- %% [markdown]
-- ## The bootstrap: an interval for any statistic
--
-- On a single held-out set, resample the test cases with replacement many
-- times and recompute the statistic: the spread of the resampled values is
-- its uncertainty. Here, for the AUC of the logistic model, with the BCa
-- correction.

-- %%
X_train, X_test, y_train, y_test = ml.train_test_split(X, y, {test_size = 0.3, stratify = y, seed = 2})
logistic:fit(X_train, y_train)
local p = logistic:predict_proba(X_test):select(2, 2)
local pairs_idx = torch.range(1, y_test:size(1))
boot = stats.bootstrap(pairs_idx, function(idx)
  local i = idx:long()
  local yy = y_test:index(1, i)
  if yy:min() == yy:max() then return 0.5 end -- a resample with one class has no AUC
  return ml.roc_auc_score(yy, p:index(1, i))
end, {n_resamples = 1000, method = "BCa", gen = 1})
local ci = boot.confidence_interval
print(string.format("test AUC %.4f, 95%% bootstrap interval [%.4f, %.4f]", ml.roc_auc_score(y_test, p), ci.low, ci.high))

-- %%
plot.figure()
plot.hist(boot.bootstrap_distribution, {bins = 30, title = "bootstrap distribution of the AUC"});

-- %% [markdown]
-- ## What we did
--
-- - repeated, stratified cross-validation for many paired estimates;
-- - `stats.ttest_1samp` for an interval, `stats.ttest_rel` and
--   `stats.wilcoxon` to compare two models on the same splits;
-- - `stats.bootstrap` for an interval around any statistic, here the AUC.
