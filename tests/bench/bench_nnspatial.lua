-- moonlab's half of tests/bench/bench_nnspatial.sh:
--   moonlab bench_nnspatial.lua CASE RUNS
-- One forward + backward of a spatial layer on a Float batch (32, 16, 28, 28):
-- dilconv (SpatialDilatedConvolution 16->16 3x3, pad 2, dilation 2),
-- dwconv (SpatialDepthWiseConvolution 16 x 1, 3x3, pad 1), adaptavg
-- (SpatialAdaptiveAveragePooling to 7x7), adaptmax (SpatialAdaptiveMaxPooling
-- 7x7), dilmax (SpatialDilatedMaxPooling 3x3, stride 2, dilation 2),
-- bilinear (SpatialUpSamplingBilinear x2), reflpad (SpatialReflectionPadding
-- 3), lrn (SpatialCrossMapLRN 5).  The first call checks the result (shape
-- and a closed-form property); prints the median seconds of RUNS calls.
local nn = require "moonlab.nn"
local case, runs = arg[1], tonumber(arg[2] or 5)
torch.setnumthreads(2)
torch.manualSeed(1)
local x = torch.randn(32, 16, 28, 28):float()
local m
local check
if case == "dilconv" then
  m = nn.SpatialDilatedConvolution(16, 16, 3, 3, 1, 1, 2, 2, 2, 2)
  check = function(y) -- equals the dense convolution with the dilated kernel
    local d = nn.SpatialConvolution(16, 16, 5, 5, 1, 1, 2, 2):float()
    d.weight:zero()
    for i = 1, 3 do for j = 1, 3 do d.weight:select(3, 2 * i - 1):select(3, 2 * j - 1):copy(m.weight:select(3, i):select(3, j)) end end
    d.bias:copy(m.bias)
    return (d:forward(x) - y):abs():max() < 1e-3
  end
elseif case == "dwconv" then
  m = nn.SpatialDepthWiseConvolution(16, 1, 3, 3, 1, 1, 1, 1)
  check = function(y) return y:size(2) == 16 and y:size(3) == 28 end
elseif case == "adaptavg" then
  m = nn.SpatialAdaptiveAveragePooling(7, 7)
  check = function(y) return math.abs(y:mean() - x:mean()) < 1e-4 end
elseif case == "adaptmax" then
  m = nn.SpatialAdaptiveMaxPooling(7, 7)
  check = function(y) return math.abs(y:max() - x:max()) == 0 end
elseif case == "dilmax" then
  m = nn.SpatialDilatedMaxPooling(3, 3, 2, 2, 1, 1, 2, 2)
  check = function(y) return y:size(3) == 13 and y:max() <= x:max() end
elseif case == "bilinear" then
  m = nn.SpatialUpSamplingBilinear(2)
  check = function(y) return (y[{ {}, {}, 1, 1 }] - x[{ {}, {}, 1, 1 }]):abs():max() < 1e-6 and y:size(4) == 56 end
elseif case == "reflpad" then
  m = nn.SpatialReflectionPadding(3, 3, 3, 3)
  check = function(y) return (y:narrow(3, 4, 28):narrow(4, 4, 28) - x):abs():max() == 0 end
elseif case == "lrn" then
  m = nn.SpatialCrossMapLRN(5, 1e-4, 0.75, 1)
  check = function(y) return (y - x):abs():max() < 0.05 end
else
  error("bench_nnspatial.lua: unknown case " .. tostring(case))
end
m:float()
local y = m:forward(x)
assert(check(y), "bench_nnspatial " .. case .. ": wrong result")
local g = y:clone():normal()
m:backward(x, g)
local times = {}
for r = 1, runs do
  local t = torch.Timer()
  m:forward(x)
  m:backward(x, g)
  times[r] = t:time().real
end
table.sort(times)
print(string.format("%.6f", times[(runs + 1) // 2]))
