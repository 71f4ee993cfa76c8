-- moonlab's half of tests/bench/bench_linear.sh:
--   moonlab bench_linear.lua DIR REPS
-- fits each case once (its check value: training accuracy or R^2, compared
-- with scikit-learn's by the shell script), then prints the median seconds of
-- REPS fits.  Same models and settings as bench_linear.py.
local ml = require "moonlab.ml"
local dir, reps = arg[1], tonumber(arg[2])

local data = {}
for _, k in ipairs{ "digits", "reg", "cls" } do
  data[k] = { torch.loadnpy(dir .. "/" .. k .. "_X.npy"), torch.loadnpy(dir .. "/" .. k .. "_y.npy") }
end

local cases = {
  { "logistic_digits", "digits", function() return ml.LogisticRegression{ C = 1.0, max_iter = 100 } end },
  { "ridge_20000x100", "reg", function() return ml.Ridge{ alpha = 1.0 } end },
  { "lasso_20000x100", "reg", function() return ml.Lasso{ alpha = 0.1 } end },
  { "enet_20000x100", "reg", function() return ml.ElasticNet{ alpha = 0.1, l1_ratio = 0.5 } end },
  { "logistic_100000x50", "cls", function() return ml.LogisticRegression{ C = 1.0, max_iter = 100 } end },
}

for _, c in ipairs(cases) do
  local name, X, y, new = c[1], data[c[2]][1], data[c[2]][2], c[3]
  local check = new():fit(X, y):score(X, y)
  local times = {}
  for r = 1, reps do
    collectgarbage()
    local clock = torch.Timer()
    new():fit(X, y)
    times[r] = clock:time().real
  end
  table.sort(times)
  print(string.format("%s %.6f %.10f", name, times[(reps + 1) // 2], check))
end
