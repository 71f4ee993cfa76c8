-- moonlab's half of tests/bench/bench_data.sh:
--   moonlab bench_data.lua read FILE             checks a read, prints the seconds of one more
--   moonlab bench_data.lua groupby FILE KIND RUNS checks, prints the median of RUNS group-by means
-- (KIND cat or int: see bench_data.py).  Checks against DIR/check.txt written by pandas.
local data = require "moonlab.data"
local mode, path = arg[1], arg[2]
local dir = path:match("^(.*)/[^/]*$") or "."
local check = io.open(dir .. "/check.txt"):read("a")
local lines = {}
for l in check:gmatch("[^\n]+") do
  local t = {}
  for s in l:gmatch("%S+") do t[#t + 1] = tonumber(s) end
  lines[#lines + 1] = t
end

local function close(a, b, tol)
  return math.abs(a - b) <= tol * (1 + math.abs(b))
end

local df = data.read_csv(path)
assert(df:nrows() == 1000000 and df:ncols() == 11, "bench_data: wrong shape")
assert(df:kind("cat") == "categorical", "bench_data: cat is " .. df:kind("cat"))
for j = 1, 10 do
  local s = df["x" .. j]:sum()
  assert(close(s, lines[1][j], 1e-9), string.format("bench_data: x%d sums to %.17g, pandas %.17g", j, s, lines[1][j]))
end

if mode == "read" then
  df = nil
  collectgarbage()
  local clock = torch.Timer()
  local d2 = data.read_csv(path)
  print(string.format("%.6f", clock:time().real))
  assert(d2:nrows() == 1000000)
elseif mode == "groupby" then
  local kind, runs = arg[3], tonumber(arg[4])
  local f
  if kind == "int" then
    df.k = (df.x1 * 500):floor():long()
    f = function() return df:group_by("k"):agg { x2 = "mean" } end
  else
    f = function() return df:group_by("cat"):agg { x1 = "mean" } end
  end
  local r = f()
  if kind ~= "int" then
    for i = 1, r:nrows() do
      assert(close(r.x1[i], lines[2][i], 1e-12), "bench_data: group means differ from pandas")
    end
  else
    assert(r:nrows() > 3000)
  end
  local times = {}
  for i = 1, runs do
    collectgarbage()
    local clock = torch.Timer()
    f()
    times[i] = clock:time().real
  end
  table.sort(times)
  print(string.format("%.6f", times[(runs + 1) // 2]))
end
