-- %% [markdown]
-- # Regression
--
-- Ordinary least squares with a full summary table, a look at the residuals,
-- ridge and lasso and their regularisation paths, and an honest choice of
-- the penalty by cross-validation.
--
-- The data: the diabetes study of Efron et al. (2004): ten baseline
-- measurements (age, sex, body mass index, blood pressure and six blood
-- serum values) of 442 patients, and a measure of disease progression one
-- year later.

-- %% Load
local datasets = require "moonlab.datasets"
ml = require "moonlab.ml"
plot = require "moonlab.plot"
d = datasets.load("diabetes")
X, y = d.X, d.y
print(X:size(1), "patients,", X:size(2), "features:", table.concat(d.feature_names, ", "))

-- %% [markdown]
-- ## Ordinary least squares
--
-- `LinearRegression` solves the least-squares problem through LAPACK.
-- `summary` prints the table R users know from `summary(lm(...))`: each
-- coefficient with its standard error, t statistic, p-value and 95%
-- confidence interval, then R², the F test, AIC and BIC.

-- %%
ols = ml.LinearRegression{}:fit(X, y)
local text = ols:summary{names = d.feature_names}

-- %% [markdown]
-- Sex, body mass index (`bmi`), blood pressure (`bp`) and the serum measure
-- `s5` stand out; most other coefficients are not distinguishable from zero
-- at this sample size. R² on the training data is about 0.52.
--
-- ## Residuals
--
-- A model is only as good as its residuals look: against the fitted values
-- they should show no pattern and a constant spread.

-- %%
fitted = ols:predict(X)
residuals = y - fitted
assert(math.abs(residuals:mean()) < 1e-8, "OLS residuals average to zero")
plot.figure()
plot.scatter(fitted, residuals, {title = "residuals against fitted values", xlabel = "fitted", ylabel = "residual"})

-- %%
plot.figure()
plot.dist(residuals, {title = "distribution of the residuals"});

-- %% [markdown]
-- ## Ridge and lasso
--
-- With ten correlated features the coefficients are noisy. Ridge shrinks
-- them towards zero; lasso sets some exactly to zero. The regularisation
-- path shows each coefficient as the penalty `alpha` decreases.

-- %%
local Xc = X - X:mean(1):expandAs(X)
local yc = y - y:mean()
alphas, coefs = ml.lasso_path(Xc, yc, {n_alphas = 60, eps = 1e-3})
local series = {}
for j = 1, coefs:size(1) do
  series[j] = { x = torch.log(alphas) / math.log(10), y = coefs[j], label = d.feature_names[j] }
end
plot.figure()
plot.line(series, {title = "lasso path", xlabel = "log10(alpha)", ylabel = "coefficient"})

-- %% [markdown]
-- At large `alpha` every coefficient is zero; `bmi` and `s5` enter first,
-- then `bp`; `age` stays near zero almost to the end.
--
-- ## Choosing the penalty honestly
--
-- Training error always prefers less penalty. To choose `alpha`, estimate
-- the error on data the model did not see: k-fold cross-validation, here
-- through a grid search over a pipeline that standardises the features and
-- fits a ridge.

-- %%
search = ml.GridSearchCV{
  estimator = ml.make_pipeline(ml.StandardScaler{}, ml.Ridge{}),
  param_grid = { ridge__alpha = { 0.01, 0.1, 1, 3, 10, 30, 100, 300 } },
  cv = ml.KFold{n_splits = 5, shuffle = true, seed = 0},
  scoring = "r2",
}
search:fit(X, y)
print("best alpha:", search.best_params.ridge__alpha, "cross-validated R2:", search.best_score)

-- %%
print(search:results())

-- %% [markdown]
-- ## A held-out test
--
-- The cross-validated score guided the choice; a separate test set, never
-- used for any decision, gives the final estimate.

-- %%
X_train, X_test, y_train, y_test = ml.train_test_split(X, y, {test_size = 0.25, seed = 1})
local best = ml.make_pipeline(ml.StandardScaler{}, ml.Ridge{alpha = search.best_params.ridge__alpha})
best:fit(X_train, y_train)
local pred = best:predict(X_test)
print(string.format("test R2 %.3f, RMSE %.1f", ml.r2_score(y_test, pred), ml.root_mean_squared_error(y_test, pred)))
plot.figure()
plot.scatter(y_test, pred, {title = "held-out patients", xlabel = "measured", ylabel = "predicted"})

-- %% [markdown]
-- ## What we did
--
-- - `LinearRegression` and `summary` for the classical analysis;
-- - residual plots to check the model's assumptions;
-- - `lasso_path` to see how a penalty selects features;
-- - `GridSearchCV` over a `Pipeline` to choose the penalty by
--   cross-validation, and a held-out set for the final number.
