-- moonlab's half of tests/bench/bench_datasets.sh:
--   moonlab bench_datasets.lua SUMS
-- checks the loaded digits and breast_cancer against scikit-learn's sums
-- (SUMS), then prints one line of seconds: load digits, load breast_cancer,
-- make_classification (100,000 x 20), make_blobs (100,000 x 10, 5 centers),
-- make_regression (100,000 x 20, noise 1).
local datasets = require "moonlab.datasets"
local want = {}
for s in io.open(arg[1]):read("a"):gmatch("%S+") do want[#want + 1] = tonumber(s) end
for i, name in ipairs { "digits", "breast_cancer" } do
  local s = datasets.load(name).X:sum()
  assert(math.abs(s - want[i]) <= 1e-12 * math.abs(want[i]),
    string.format("bench_datasets: %s sums to %.17g, scikit-learn %.17g", name, s, want[i]))
end
local X, y = datasets.make_classification { n_samples = 100000, n_features = 20, seed = 1 }
assert(X:size(1) == 100000 and X:size(2) == 20 and math.abs(y:eq(0):sum() - 50000) < 1000)
collectgarbage()

local out = {}
for _, f in ipairs {
  function() return datasets.load("digits") end,
  function() return datasets.load("breast_cancer") end,
  function() return datasets.make_classification { n_samples = 100000, n_features = 20, seed = 1 } end,
  function() return datasets.make_blobs { n_samples = 100000, n_features = 10, centers = 5, seed = 1 } end,
  function() return datasets.make_regression { n_samples = 100000, n_features = 20, noise = 1, seed = 1 } end,
} do
  local clock = torch.Timer()
  f()
  out[#out + 1] = string.format("%.6f", clock:time().real)
  collectgarbage()
end
print(table.concat(out, " "))
