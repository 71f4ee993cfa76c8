-- %% [markdown]
-- # Classification and honest evaluation
--
-- Four classifiers on a real diagnostic problem, compared the way a careful
-- analyst would: a held-out test set, cross-validation, a confusion matrix,
-- ROC and precision-recall curves, and a learning curve.
--
-- The data: the Wisconsin diagnostic breast cancer study (Street, Wolberg and
-- Mangasarian, 1993): 30 measurements of cell nuclei from 569 fine-needle
-- aspirates, each labelled malignant (0) or benign (1).

-- %% Load and split
local datasets = require "moonlab.datasets"
ml = require "moonlab.ml"
plot = require "moonlab.plot"
d = datasets.load("breast_cancer")
X, y = d.X, d.y
print(X:size(1), "samples,", X:size(2), "features; classes:", table.concat(d.target_names, ", "))
X_train, X_test, y_train, y_test = ml.train_test_split(X, y, {test_size = 0.25, stratify = y, seed = 0})
print("train", X_train:size(1), "test", X_test:size(1))

-- %% [markdown]
-- `stratify = y` keeps the proportion of malignant cases the same in both
-- parts. The test set is put aside: every choice below uses the training set
-- only.
--
-- ## Four models, cross-validated
--
-- Logistic regression needs standardised features, so it sits in a pipeline
-- with a scaler; trees do not care about scales.

-- %%
models = {
  { "logistic", ml.make_pipeline(ml.StandardScaler{}, ml.LogisticRegression{C = 1.0, max_iter = 500}) },
  { "tree", ml.DecisionTreeClassifier{max_depth = 4, seed = 0} },
  { "forest", ml.RandomForestClassifier{n_estimators = 100, seed = 0} },
  { "boosting", ml.HistGradientBoostingClassifier{max_iter = 100, seed = 0} },
}
cv = ml.StratifiedKFold{n_splits = 5, shuffle = true, seed = 0}
for _, m in ipairs(models) do
  local scores = ml.cross_val_score(m[2], X_train, y_train, {cv = cv, scoring = "accuracy"})
  print(string.format("%-9s accuracy %.3f +- %.3f", m[1], scores:mean(), scores:std()))
end

-- %% [markdown]
-- The spread across folds matters as much as the mean: differences smaller
-- than it are not evidence of a better model.
--
-- ## The chosen model on the test set
--
-- We take logistic regression (simple, and as good as the others here), fit
-- it on the whole training set, and look at the test set once.

-- %%
clf = models[1][2]
clf:fit(X_train, y_train)
pred = clf:predict(X_test)
proba = clf:predict_proba(X_test):select(2, 2)   -- the probability of "benign"
print(string.format("test accuracy %.3f", ml.accuracy_score(y_test, pred)))
print(ml.classification_report(y_test, pred, {target_names = d.target_names}))

-- %%
cm = ml.confusion_matrix(y_test, pred)
plot.figure()
plot.confusion(cm, d.target_names, {title = "confusion matrix (test set)"});

-- %% [markdown]
-- ## ROC and precision-recall curves
--
-- The classifier gives a probability; any threshold turns it into labels.
-- The ROC curve shows every threshold at once; the area under it (AUC) is
-- the chance that a random benign case scores above a random malignant one.

-- %%
plot.figure()
auc = plot.roc(y_test, proba, {title = "ROC, test set"})
assert(auc > 0.95)
print(string.format("AUC %.4f (ml.roc_auc_score: %.4f)", auc, ml.roc_auc_score(y_test, proba)))

-- %%
plot.figure()
local ap = plot.pr(y_test, proba, {title = "precision-recall, test set"})
print(string.format("average precision %.4f", ap))

-- %% [markdown]
-- ## Would more data help?
--
-- A learning curve refits the model on growing parts of the training set
-- and cross-validates each: when the two curves meet, more data will not
-- help much; a gap says the model still overfits.

-- %%
curve = ml.learning_curve(models[3][2], X_train, y_train,
  {train_sizes = {0.1, 0.25, 0.5, 0.75, 1.0}, cv = cv, scoring = "accuracy"})
plot.figure()
plot.learning_curve(curve, {title = "random forest learning curve", ylabel = "accuracy"});

-- %% [markdown]
-- ## What we did
--
-- - `train_test_split` with `stratify`, and a test set used once;
-- - `cross_val_score` with `StratifiedKFold` to compare four models;
-- - `classification_report`, `confusion_matrix` and `plot.confusion`;
-- - `plot.roc` and `plot.pr` for threshold-free views;
-- - `learning_curve` and `plot.learning_curve` to ask whether more data helps.
