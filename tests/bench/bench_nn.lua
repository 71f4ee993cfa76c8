-- moonlab's half of tests/bench/bench_nn.sh:
--   moonlab bench_nn.lua CASE RUNS      (CASE: mlp | cnn)
-- mlp: 784-256-10 MLP (ReLU, LogSoftMax + ClassNLL) on 60,000 x 784 Float
-- inputs, batch 128, optim.sgd (lr 0.05, momentum 0.9), one shuffled epoch.
-- cnn: LeNet-style (conv 1->6 5x5, ReLU, maxpool 2, conv 6->16 5x5, ReLU,
-- maxpool 2, 256-120-84-10) on 10,000 1x28x28 Float images, batch 64, same SGD.
-- Labels come from a fixed random teacher (linear in the pixels for mlp, in
-- 7x7 block sums for cnn), so the epoch must lower the loss (by 20% / 5%):
-- the first run checks that (the result check) before the timed runs.
-- Prints the median seconds of RUNS epochs.
local nn = require "moonlab.nn"
local optim = require "moonlab.optim"
local case, runs = arg[1], tonumber(arg[2] or 3)
torch.setnumthreads(2)
torch.manualSeed(1)

local X, Y, model, batch
if case == "mlp" then
  X = torch.randn(60000, 784):float()
  local teacher = torch.randn(784, 10):float()
  local _, idx = (X * teacher):max(2)
  Y = idx:view(-1)
  model = nn.Sequential():add(nn.Linear(784, 256)):add(nn.ReLU()):add(nn.Linear(256, 10)):add(nn.LogSoftMax())
  batch = 128
elseif case == "cnn" then
  X = torch.randn(10000, 1, 28, 28):float()
  -- a teacher on 7x7 block sums, which a CNN learns within an epoch
  local blocks = X:view(10000, 4, 7, 4, 7):sum(5):sum(3):view(10000, 16)
  local teacher = torch.randn(16, 10):float()
  local _, idx = (blocks * teacher):max(2)
  Y = idx:view(-1)
  model = nn.Sequential()
    :add(nn.SpatialConvolution(1, 6, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
    :add(nn.SpatialConvolution(6, 16, 5, 5)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
    :add(nn.View(256)):add(nn.Linear(256, 120)):add(nn.ReLU()):add(nn.Linear(120, 84)):add(nn.ReLU())
    :add(nn.Linear(84, 10)):add(nn.LogSoftMax())
  batch = 64
else
  error("bench_nn.lua: case must be mlp or cnn")
end
model:float()
-- the first layer's input needs no gradient (PyTorch skips it too): Torch7's
-- idiom is a nil gradInput, which Linear and SpatialConvolution honour
model:get(1).gradInput = nil
local crit = nn.ClassNLLCriterion():float()
local params, grads = model:getParameters()
local config = { learningRate = 0.05, momentum = 0.9, dampening = 0 }

local function mean_loss()
  local s, n = 0, X:size(1)
  for i = 1, n, 1000 do
    local len = math.min(1000, n - i + 1)
    s = s + crit:forward(model:forward(X:narrow(1, i, len)), Y:narrow(1, i, len)) * len
  end
  return s / n
end

local function epoch()
  local n = X:size(1)
  local perm = torch.randperm(n):long()
  local xb, yb = torch.FloatTensor(), torch.LongTensor()
  local function feval()
    grads:zero()
    local loss = crit:forward(model:forward(xb), yb)
    model:backward(xb, crit:backward(model.output, yb))
    return loss, grads
  end
  for i = 1, n, batch do
    local idx = perm:narrow(1, i, math.min(batch, n - i + 1))
    xb:index(X, 1, idx)
    yb:index(Y, 1, idx)
    optim.sgd(feval, params, config)
  end
end

local before = mean_loss()
epoch()
local after = mean_loss()
assert(after < (case == "mlp" and 0.8 or 0.95) * before, string.format("bench_nn %s: one epoch did not learn (loss %.4f -> %.4f)", case, before, after))

local times = {}
for r = 1, runs do
  local clock = torch.Timer()
  epoch()
  times[r] = clock:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
