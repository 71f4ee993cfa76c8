-- moonlab's half of tests/bench/bench_nnvol.sh:
--   moonlab bench_nnvol.lua CASE RUNS      (CASE: conv3d | full3d | pool3d)
-- One forward + backward (with parameter gradients) per pass, Float, 2
-- threads; checks one output value against a direct sum first; prints the
-- median seconds of RUNS passes.
local nn = require "moonlab.nn"
local case, runs = arg[1], tonumber(arg[2] or 5)
torch.setnumthreads(2)
torch.manualSeed(1)

local m, x
if case == "conv3d" then
  m = nn.VolumetricConvolution(4, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1)
  x = torch.randn(8, 4, 16, 32, 32)
elseif case == "full3d" then
  m = nn.VolumetricFullConvolution(16, 4, 2, 2, 2, 2, 2, 2)
  x = torch.randn(8, 16, 8, 16, 16)
elseif case == "pool3d" then
  m = nn.VolumetricMaxPooling(2, 2, 2)
  x = torch.randn(8, 16, 16, 32, 32)
else
  error("bench_nnvol.lua: case must be conv3d, full3d or pool3d")
end
m:float()
x = x:float()

-- the result check: output (n=2, c=3, t=5, h=6, w=7) by a direct computation
local y = m:forward(x)
local want
if case == "conv3d" then
  want = m.weight[3]:double():cmul(x[2]:narrow(2, 4, 3):narrow(3, 5, 3):narrow(4, 6, 3):double()):sum() + m.bias[3]
elseif case == "full3d" then
  -- stride = kernel = 2: output (t, h, w) comes from input (3, 3, 4), tap (1, 2, 1)
  want = m.weight:select(2, 3)[{ {}, 1, 2, 1 }]:double():dot(x[2][{ {}, 3, 3, 4 }]:double()) + m.bias[3]
else
  want = x[2][3]:narrow(1, 9, 2):narrow(2, 11, 2):narrow(3, 13, 2):max()
end
local got = y[2][3][5][6][7]
assert(math.abs(got - want) < 1e-4 * (1 + math.abs(want)),
  string.format("bench_nnvol %s: output %g, direct %g", case, got, want))

local gy = torch.randn(y:size()):float()
local times = {}
for r = 1, runs do
  local t = torch.Timer()
  m:zeroGradParameters()
  m:forward(x)
  m:backward(x, gy)
  times[r] = t:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
