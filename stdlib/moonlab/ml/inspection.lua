-- moonlab.ml.inspection: model-agnostic inspection, as scikit-learn's:
-- permutation_importance (the score lost when one feature is shuffled) and
-- partial_dependence (the average prediction as one feature sweeps a grid,
-- by brute force). Tree-specific shortcuts ("recursion") and two-feature
-- interaction grids are not provided.
local torch = require "torch"
local base = require "moonlab.ml.base"
local metrics = require "moonlab.ml.metrics"

local M = {}

local function raise(who, fmt, ...) error(string.format(who .. ": " .. fmt, ...), 3) end

--- ml.permutation_importance(estimator, X, y [, opts]) -> {importances_mean
-- (D), importances_std (D), importances (D x n_repeats)}: for every feature
-- and repeat, the fitted estimator's score on X minus its score with that
-- column shuffled. opts: scoring (name or function; default
-- estimator:score), n_repeats (5), seed.
function M.permutation_importance(est, X, y, opts)
  opts = opts or {}
  local who = "ml.permutation_importance"
  if not base.is_estimator(est) then raise(who, "expected an estimator (got %s)", type(est)) end
  base.fitted(est, who)
  local n, d
  X, n, d = base.matrix(who, X)
  local scorer = opts.scoring and metrics.get_scorer(opts.scoring) or function(m, A, b) return m:score(A, b) end
  local reps = opts.n_repeats or 5
  if type(reps) ~= "number" or reps < 1 then raise(who, "n_repeats must be a positive integer (got %s)", tostring(reps)) end
  local g = base.generator(opts.seed)
  local baseline = scorer(est, X, y)
  local imp = torch.DoubleTensor(d, reps)
  local Xp = X:clone()
  for j = 1, d do
    local col = X:select(2, j)
    for r = 1, reps do
      local perm = torch.randperm(g, n):long()
      Xp:select(2, j):copy(col:index(1, perm))
      imp[j][r] = baseline - scorer(est, Xp, y)
    end
    Xp:select(2, j):copy(col)
  end
  local mean = imp:mean(2):view(d)
  local std = (imp - mean:view(d, 1):expandAs(imp)):pow(2):mean(2):sqrt():view(d)
  return { importances_mean = mean, importances_std = std, importances = imp, baseline_score = baseline }
end

-- scipy.stats.mstats.mquantiles with alphap = betap = 0.4 (scikit-learn's grid)
local function mquantile(sorted, p)
  local n = #sorted
  local m = 0.4 + p * (1 - 0.8)
  local aleph = n * p + m
  local k = math.floor(math.max(1, math.min(n - 1, aleph)))
  local gamma = math.max(0, math.min(1, aleph - k))
  return (1 - gamma) * sorted[k] + gamma * sorted[k + 1]
end

--- ml.partial_dependence(estimator, X, feature [, opts]) -> {grid_values =
-- tensor (G), average = tensor (G, or K x G for a multiclass classifier)}:
-- the mean prediction (positive-class probability for a binary classifier)
-- with column `feature` (1-based) set to each grid value. The grid is the
-- column's distinct values when fewer than opts.grid_resolution (100), else
-- grid_resolution points between opts.percentiles ({0.05, 0.95}).
function M.partial_dependence(est, X, feature, opts)
  opts = opts or {}
  local who = "ml.partial_dependence"
  if not base.is_estimator(est) then raise(who, "expected an estimator (got %s)", type(est)) end
  base.fitted(est, who)
  local n, d
  X, n, d = base.matrix(who, X)
  if type(feature) ~= "number" or feature < 1 or feature > d or feature ~= math.floor(feature) then
    raise(who, "feature must be a column index in 1..%d (got %s)", d, tostring(feature))
  end
  local res = opts.grid_resolution or 100
  local pct = opts.percentiles or { 0.05, 0.95 }
  if not (pct[1] < pct[2] and pct[1] >= 0 and pct[2] <= 1) then
    raise(who, "percentiles must be {low, high} with 0 <= low < high <= 1")
  end
  local col = X:select(2, feature)
  local uniq = torch.unique(col, true)
  local grid
  if uniq:nElement() < res then
    grid = uniq:clone()
  else
    local sorted = torch.sort(col):totable()
    local lo, hi = mquantile(sorted, pct[1]), mquantile(sorted, pct[2])
    if lo == hi then raise(who, "percentiles are too close to each other for feature %d", feature) end
    local step = (hi - lo) / (res - 1)
    grid = torch.DoubleTensor(res)
    for i = 0, res - 1 do grid[i + 1] = lo + i * step end
    grid[res] = hi
  end
  local G = grid:nElement()
  local use_proba = est.supports and est:supports("predict_proba") or (not est.supports and est.predict_proba ~= nil)
  local Xg = X:clone()
  local rows = {}
  for i = 1, G do
    Xg:select(2, feature):fill(grid[i])
    if use_proba then
      local P = est:predict_proba(Xg)
      rows[i] = P:mean(1):view(-1)
    else
      rows[i] = torch.DoubleTensor{ est:predict(Xg):double():mean() }
    end
  end
  local K = rows[1]:nElement()
  local avg
  if use_proba and K == 2 then
    avg = torch.DoubleTensor(G)
    for i = 1, G do avg[i] = rows[i][2] end
  elseif K == 1 then
    avg = torch.DoubleTensor(G)
    for i = 1, G do avg[i] = rows[i][1] end
  else
    avg = torch.DoubleTensor(K, G)
    for i = 1, G do avg:select(2, i):copy(rows[i]) end
  end
  return { grid_values = grid, average = avg }
end

return M
