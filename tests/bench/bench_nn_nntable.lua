-- moonlab's half of tests/bench/bench_nn_nntable.sh:
--   moonlab bench_nn_nntable.lua CASE RUNS   (CASE: glu | shuffle | rrelu | onehot)
-- glu: nn.GatedLinearUnit forward+backward on (32, 256, 32, 32) Float, split on dim 2;
-- shuffle: nn.PixelShuffle(2) forward+backward on (32, 64, 32, 32) Float;
-- rrelu: nn.RReLU in training, forward+backward on (32, 64, 32, 32) Float;
-- onehot: nn.OneHot(1000) on 4096 LongTensor indices (forward only).
-- Each case checks its result once (against a closed form) before timing.
-- Prints the median seconds of RUNS calls.
local nn = require "moonlab.nn"
local case, runs = arg[1], tonumber(arg[2] or 5)
torch.setnumthreads(2)
torch.manualSeed(1)

local m, x, g
if case == "glu" then
  m, x = nn.GatedLinearUnit(2):float(), torch.randn(32, 256, 32, 32):float()
  g = torch.randn(32, 128, 32, 32):float()
elseif case == "shuffle" then
  m, x = nn.PixelShuffle(2):float(), torch.randn(32, 64, 32, 32):float()
  g = torch.randn(32, 16, 64, 64):float()
elseif case == "rrelu" then
  m, x = nn.RReLU():float(), torch.randn(32, 64, 32, 32):float()
  g = torch.randn(32, 64, 32, 32):float()
elseif case == "onehot" then
  m, x = nn.OneHot(1000):float(), torch.LongTensor(4096):random(1, 1000)
else
  error("bench_nn_nntable.lua: case must be glu, shuffle, rrelu or onehot")
end

local function step()
  local y = m:forward(x)
  if g then m:backward(x, g) end
  return y
end

-- result checks
local y = step()
if case == "glu" then
  local a, b = x:narrow(2, 1, 128), x:narrow(2, 129, 128)
  local ref = torch.cmul(a, torch.sigmoid(b))
  assert((y - ref):abs():max() < 1e-5, "glu result")
elseif case == "shuffle" then
  assert((m:backward(x, y) - x):abs():max() == 0, "shuffle result")
elseif case == "rrelu" then
  local slopes = torch.cdiv(y, x)
  assert(slopes:min() >= 1 / 8 - 1e-5 and slopes:max() <= 1 + 1e-5, "rrelu result")
else
  assert(y:sum() == 4096, "onehot result")
  local _, idx = y:max(2)
  assert(idx:view(-1):eq(x):all(), "onehot argmax")
end

local times = {}
for i = 1, runs do
  local t = torch.Timer()
  step()
  times[i] = t:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
