-- moonlab's half of tests/bench/bench_select.sh:
--   moonlab bench_select.lua DIR RUNS
-- checks each case against scikit-learn's values (DIR/ref.txt), then prints
-- "case median_seconds" per case (median of RUNS calls; the cross-validation
-- case once). Without ml.LogisticRegression the CV case prints "case -" and
-- leaves DIR/cv_skip for the scikit-learn side; else DIR/cv_moon.txt holds
-- moonlab's mean CV accuracy, which that side checks against its own.
local ml = require "moonlab.ml"
local dir, runs = arg[1], tonumber(arg[2])

local X = torch.loadnpy(dir .. "/X.npy")
local ys, s = torch.loadnpy(dir .. "/ys.npy"), torch.loadnpy(dir .. "/s.npy")
local ref = {}
for v in io.open(dir .. "/ref.txt"):read("a"):gmatch("%S+") do ref[#ref + 1] = tonumber(v) end

local function check(cond, msg) if not cond then io.stderr:write("bench_select: ", msg, "\n"); os.exit(1) end end

local auc = ml.roc_auc_score(ys, s)
check(math.abs(auc - ref[1]) < 1e-12, string.format("roc_auc %.17g, scikit-learn %.17g", auc, ref[1]))
local Z = ml.StandardScaler{}:fit_transform(X)
check(math.abs(Z:clone():abs():sum() - ref[2]) < 1e-9 * ref[2], "StandardScaler output differs from scikit-learn's")
check(math.abs(Z[12345 + 1][7 + 1] - ref[3]) < 1e-12, "StandardScaler element differs")
Z = nil

local cases = {
  { "scaler_fit_transform_100kx50", function() return ml.StandardScaler{}:fit_transform(X) end },
  { "roc_auc_1M", function() return ml.roc_auc_score(ys, s) end },
}

local cv_name = "cv_scaler_logreg_5fold_100kx50"
if ml.LogisticRegression then
  local Xc, yc = torch.loadnpy(dir .. "/Xc.npy"), torch.loadnpy(dir .. "/yc.npy")
  local function cv()
    return ml.cross_val_score(ml.make_pipeline(ml.StandardScaler{}, ml.LogisticRegression{}), Xc, yc, { cv = 5 })
  end
  local f = io.open(dir .. "/cv_moon.txt", "w")
  f:write(string.format("%.17g\n", cv():mean()))
  f:close()
  cases[#cases + 1] = { cv_name, cv, 1 }
else
  io.open(dir .. "/cv_skip", "w"):close()
end

for _, c in ipairs(cases) do
  if not c[3] then c[2]() end
  collectgarbage()
  local times = {}
  for r = 1, c[3] or runs do
    local t = torch.Timer()
    c[2]()
    times[r] = t:time().real
    collectgarbage()
  end
  table.sort(times)
  print(string.format("%s %.6f", c[1], times[(#times + 1) // 2]))
end
if not ml.LogisticRegression then print(cv_name .. " -") end
