-- moonlab's half of tests/bench/bench_csv.sh:
--   moonlab bench_csv.lua FILE SUMS THREADS RUNS
-- checks the parse against pandas' column sums, then prints the median
-- seconds of RUNS csv.read(FILE, {threads = THREADS}).
local csv = require "moonlab.csv"
local path, sums, threads, runs = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])

local t = csv.read(path, { threads = threads })
assert(t.nrows == 1000000 and #t.names == 10, "bench_csv: wrong shape")
local want = {}
for s in io.open(sums):read("a"):gmatch("%S+") do want[#want + 1] = tonumber(s) end
for j, name in ipairs(t.names) do
  local col, s = t.columns[name], 0
  for i = 1, t.nrows do s = s + col[i] end
  -- pandas sums pairwise, this loop sequentially: equal to rounding
  assert(math.abs(s - want[j]) <= 1e-9 * (1 + math.abs(want[j])) * t.nrows,
    string.format("bench_csv: column %s sums to %.17g, pandas %.17g", name, s, want[j]))
end
t = nil
collectgarbage()

local times = {}
for r = 1, runs do
  local clock = torch.Timer()
  local x = csv.read(path, { threads = threads })
  times[r] = clock:time().real
  x = nil
  collectgarbage()
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
