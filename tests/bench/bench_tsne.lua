-- moonlab's half of tests/bench/bench_tsne.sh:
--   moonlab bench_tsne.lua DIR RUNS
-- loads the points written by bench_tsne.py, then prints the median seconds
-- of RUNS Barnes-Hut fits, each checked against scikit-learn's final KL
-- divergence (DIR/tsne.ref; within 15 %).
local ml = require "moonlab.ml"
local dir, runs = arg[1], tonumber(arg[2])
local X = torch.loadnpy(dir .. "/tsne_X.npy")
local ref = tonumber(io.open(dir .. "/tsne.ref"):read("a"))
local times = {}
for r = 1, runs do
  collectgarbage()
  local clock = torch.Timer()
  local m = ml.TSNE{ perplexity = 30, n_iter = 1000, angle = 0.5, init = "pca", method = "barnes_hut", seed = 0 }:fit(X)
  times[r] = clock:time().real
  if not (math.abs(m.kl_divergence - ref) < 0.15 * ref) then
    error(string.format("bench_tsne: KL %.6f vs scikit-learn's %.6f", m.kl_divergence, ref))
  end
  io.stderr:write(string.format("bench_tsne: moonlab KL %.4f (scikit-learn %.4f), %d iterations\n",
    m.kl_divergence, ref, m.n_iter_))
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
