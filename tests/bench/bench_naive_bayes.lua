-- moonlab's half of tests/bench/bench_naive_bayes.sh:
--   moonlab bench_naive_bayes.lua DIR
-- checks predict_proba's column sums against scikit-learn's (DIR/ref.txt,
-- within 1e-9 relative), then prints one line of seconds:
-- gaussian_fit gaussian_proba multinomial_fit multinomial_proba
local ml = require "moonlab.ml"
local dir = arg[1]
local X, C, y = torch.loadnpy(dir .. "/X.npy"), torch.loadnpy(dir .. "/C.npy"), torch.loadnpy(dir .. "/y.npy")

local want = {}
for s in io.open(dir .. "/ref.txt"):read("a"):gmatch("%S+") do want[#want + 1] = tonumber(s) end
local got = {}
for _, p in ipairs { ml.GaussianNB():fit(X, y):predict_proba(X), ml.MultinomialNB():fit(C, y):predict_proba(C) } do
  for _, v in ipairs(p:sum(1):view(-1):totable()) do got[#got + 1] = v end
end
for i, w in ipairs(want) do
  assert(math.abs(got[i] - w) <= 1e-9 * (1 + math.abs(w)),
    string.format("bench_naive_bayes: proba column sum %d is %.17g, scikit-learn %.17g", i, got[i], w))
end
collectgarbage()

local out = {}
for _, case in ipairs { { ml.GaussianNB, X }, { ml.MultinomialNB, C } } do
  local clock = torch.Timer()
  local m = case[1]():fit(case[2], y)
  out[#out + 1] = clock:time().real
  clock = torch.Timer()
  m:predict_proba(case[2])
  out[#out + 1] = clock:time().real
  collectgarbage()
end
for i, v in ipairs(out) do out[i] = string.format("%.6f", v) end
print(table.concat(out, " "))
