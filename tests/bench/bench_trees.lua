-- bench_trees.lua: moonlab's half of tests/bench/bench_trees.sh.
--   moonlab bench_trees.lua DIR CASE   fits CASE once on DIR's .npy data,
--   checks it, prints the seconds the fit took.
-- Cases as in bench_trees.py: rf (RandomForestClassifier, 100 trees, n_jobs 2)
-- and hgb (HistGradientBoostingClassifier, 100 iterations, no early stopping).
local ml = require "moonlab.ml"
local dir, case = arg[1], arg[2]
local X = torch.loadnpy(dir .. "/" .. case .. "_X.npy")
local y = torch.loadnpy(dir .. "/" .. case .. "_y.npy")
local m
if case == "rf" then
  m = ml.RandomForestClassifier{ n_estimators = 100, n_jobs = 2, seed = 0 }
else
  m = ml.HistGradientBoostingClassifier{ max_iter = 100, early_stopping = false, seed = 0 }
end
local timer = torch.Timer()
m:fit(X, y)
local secs = timer:time().real
local acc = m:score(X:narrow(1, 1, 5000), y:narrow(1, 1, 5000))
if acc < 0.9 then error(string.format("bench_trees.lua: %s training accuracy %.3f is too low", case, acc)) end
print(string.format("%.6f", secs))
