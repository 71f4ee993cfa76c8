-- moonlab's half of tests/bench/bench_cluster.sh:
--   moonlab bench_cluster.lua CASE DIR RUNS
-- loads the inputs written by bench_cluster.py, checks one fit against
-- scikit-learn's result (DIR/CASE.ref), then prints the median seconds of
-- RUNS fits.  Cases: kmeans, pca, gmm (see bench_cluster.py).
local ml = require "moonlab.ml"
local case, dir, runs = arg[1], arg[2], tonumber(arg[3])

local function load(name) return torch.loadnpy(dir .. "/" .. name .. ".npy") end
local a = {}
for _, n in ipairs({ "km_X", "pca_X", "gm_X", "gm_w", "gm_mu", "gm_prec" }) do a[n] = load(n) end

local function fit()
  if case == "kmeans" then
    return ml.KMeans{ n_clusters = 10, init = a.km_X:narrow(1, 1, 10), max_iter = 50, tol = 0 }:fit(a.km_X)
  elseif case == "pca" then
    return ml.PCA{}:fit(a.pca_X)
  end
  return ml.GaussianMixture{ n_components = 5, covariance_type = "full", weights_init = a.gm_w,
    means_init = a.gm_mu, precisions_init = a.gm_prec, tol = 0, max_iter = 20 }:fit(a.gm_X)
end

local ref = {}
for s in io.open(dir .. "/" .. case .. ".ref"):read("a"):gmatch("%S+") do ref[#ref + 1] = tonumber(s) end
local m = fit()
local function check(cond, what) if not cond then error("bench_cluster: " .. case .. ": " .. what) end end
if case == "kmeans" then
  check(m.n_iter == 50, "n_iter " .. m.n_iter)
  check(math.abs(m.inertia - ref[1]) <= 1e-10 * ref[1], string.format("inertia %.17g vs %.17g", m.inertia, ref[1]))
elseif case == "pca" then
  for j = 1, 5 do check(math.abs(m.explained_variance[j] - ref[j]) <= 1e-10 * ref[j], "explained variance " .. j) end
else
  check(m.n_iter == 20, "n_iter")
  local mu = m.means:view(-1)
  for j = 1, #ref do check(math.abs(mu[j] - ref[j]) <= 1e-6 * (1 + math.abs(ref[j])), "means " .. j) end
end
m = nil
collectgarbage()

local times = {}
for r = 1, runs do
  collectgarbage()
  local clock = torch.Timer()
  fit()
  times[r] = clock:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
