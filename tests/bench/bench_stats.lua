-- moonlab's half of tests/bench/bench_stats.sh:
--   moonlab bench_stats.lua DIR RUNS
-- prints "case value median_seconds" per case (the same cases as bench_stats.py).
local stats = require "moonlab.stats"
local dir, runs = arg[1], tonumber(arg[2])
local x, y, u = torch.loadnpy(dir .. "/x.npy"), torch.loadnpy(dir .. "/y.npy"), torch.loadnpy(dir .. "/u.npy")
local cases = {
  { "norm_cdf_1M", function() return stats.norm():cdf(x) end, function(r) return r:sum() end },
  { "t_cdf_1M", function() return stats.t{df = 10}:cdf(x) end, function(r) return r:sum() end },
  { "gamma_ppf_100k", function() return stats.gamma{shape = 3}:ppf(u) end, function(r) return r:sum() end },
  { "spearmanr_1M", function() return stats.spearmanr(x, y) end, function(r) return r.statistic end },
  { "kendalltau_1M", function() return stats.kendalltau(x, y) end, function(r) return r.statistic end },
  { "var_1M", function() return stats.var(x, {ddof = 1}) end, function(r) return r end },
  { "quantile_1M", function() return stats.quantile(x, {0.1, 0.5, 0.9}) end, function(r) return r:sum() end },
}
for _, c in ipairs(cases) do
  local value = c[3](c[2]())
  local ts = {}
  for r = 1, runs do
    local clock = torch.Timer()
    c[2]()
    ts[r] = clock:time().real
    collectgarbage()
  end
  table.sort(ts)
  print(c[1], string.format("%.17g", value), ts[(runs + 1) // 2])
end
