-- moonlab's half of tests/bench/bench_knn.sh:
--   moonlab bench_knn.lua CASE DIR RUNS
-- loads the inputs written by bench_knn.py, checks one run against
-- scikit-learn's result (DIR/CASE.ref: the predictions, or the support
-- vector counts and intercept), then prints the median seconds of RUNS runs.
-- Cases: knn (predict only: the fit stores the rows), svc (fit).
local ml = require "moonlab.ml"
local case, dir, runs = arg[1], arg[2], tonumber(arg[3])

local function load(name) return torch.loadnpy(dir .. "/" .. name .. ".npy") end
local a = {}
for _, n in ipairs { "kX", "ky", "kQ", "sX", "sy" } do a[n] = load(n) end
local knn = ml.KNeighborsClassifier{n_neighbors = 5}:fit(a.kX, a.ky)

local function run()
  if case == "knn" then return knn:predict(a.kQ) end
  return ml.SVC{kernel = "rbf", C = 1.0, gamma = "scale", tol = 1e-3}:fit(a.sX, a.sy)
end

local ref = {}
for s in io.open(dir .. "/" .. case .. ".ref"):read("a"):gmatch("%S+") do ref[#ref + 1] = tonumber(s) end
local function check(cond, what) if not cond then error("bench_knn: " .. case .. ": " .. what) end end
local out = run()
if case == "knn" then
  check(knn.fit_method == "brute", "brute force expected")
  local same = 0
  local p = out:totable()
  for i = 1, #ref do if p[i] == ref[i] then same = same + 1 end end
  check(same == #ref, string.format("%d of %d predictions differ from scikit-learn's", #ref - same, #ref))
else
  check(out.n_support[1] == ref[1] and out.n_support[2] == ref[2], "n_support")
  check(math.abs(out.intercept[1] - ref[3]) <= 1e-3 * (1 + math.abs(ref[3])), "intercept")
end
out = nil
collectgarbage()

local times = {}
for r = 1, runs do
  collectgarbage()
  local clock = torch.Timer()
  run()
  times[r] = clock:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
