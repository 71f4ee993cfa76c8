-- bench_autograd.lua: one epoch of an MLP 784-256-10 (10,000 Float samples,
-- batch 128, plain SGD lr 0.05) whose gradients come from moonlab.autograd
-- (the functional forms, no nn).  Data and initial weights are closed-form
-- (sines) so that bench_autograd.py builds the same ones.
--   usage: moonlab bench_autograd.lua RUNS  -> prints "median_seconds first_loss"
local autograd = require "moonlab.autograd"
local F = autograd.functional
local runs = tonumber(arg[1] or 3)
local N, D, Hd, K, B, lr = 10000, 784, 256, 10, 128, 0.05

local X = torch.range(0, N * D - 1):mul(1.3):sin():view(N, D):float()
local _, y = X:narrow(2, 1, K):max(2)   -- the class: the largest of the first K features
y = y:view(N)

local function init()
  return { W1 = torch.range(0, Hd * D - 1):mul(0.37):sin():mul(0.05):view(Hd, D):float(),
    b1 = torch.FloatTensor(Hd):zero(),
    W2 = torch.range(0, K * Hd - 1):mul(0.73):sin():mul(0.1):view(K, Hd):float(),
    b2 = torch.FloatTensor(K):zero() }
end

local function f(p, x, t)
  return F.cross_entropy(F.linear(F.relu(F.linear(x, p.W1, p.b1)), p.W2, p.b2), t)
end
local df = autograd(f)

local function epoch(p)
  local first
  for i = 1, N, B do
    local n = math.min(B, N - i + 1)
    local g, loss = df(p, X:narrow(1, i, n), y:narrow(1, i, n))
    first = first or loss
    for k, v in pairs(g) do p[k]:add(-lr, v) end
  end
  return first
end

-- check: the epoch lowers the loss of the first batch
local p = init()
local before = f(p, X:narrow(1, 1, B), y:narrow(1, 1, B))
local first = epoch(p)
local after = f(p, X:narrow(1, 1, B), y:narrow(1, 1, B))
if not (after < before) then error("bench_autograd: the epoch did not lower the loss") end

local times = {}
for r = 1, runs do
  p = init()
  local t0 = torch.Timer()
  epoch(p)
  times[r] = t0:time().real
end
table.sort(times)
print(string.format("%.6f %.6f", times[(runs + 1) // 2], first))
