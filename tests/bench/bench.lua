-- bench.lua: moonlab's half of `make bench`.  Prints one line per case:
--   <name> <median seconds per call>
-- Each case checks its result against a naive computation before timing.
-- tests/bench/bench_numpy.py times the same cases with numpy; run.sh pairs them.
local only = arg[1]

local function now() return torch.Timer():time().real end
local clock = torch.Timer()

local function median(xs)
  table.sort(xs)
  local n = #xs
  return n % 2 == 1 and xs[(n + 1) // 2] or (xs[n // 2] + xs[n // 2 + 1]) / 2
end

-- Runs fn in batches of k calls until `samples` batches are taken; k is chosen
-- so that a batch lasts about 20 ms.  Returns the median seconds per call.
local function time_it(fn, samples)
  samples = samples or 15
  fn()
  local k, t0 = 1, clock:time().real
  fn()
  local once = clock:time().real - t0
  if once < 0.02 then k = math.max(1, math.floor(0.02 / math.max(once, 1e-9))) end
  local xs = {}
  for s = 1, samples do
    local a = clock:time().real
    for _ = 1, k do fn() end
    xs[s] = (clock:time().real - a) / k
  end
  return median(xs)
end

local function check(cond, what)
  if not cond then error("bench: result check failed for " .. what, 2) end
end

local function report(name, secs)
  io.write(string.format("%s %.9g\n", name, secs))
  io.flush()
end

local cases = {}
local function case(name, fn) cases[#cases + 1] = { name = name, fn = fn } end

local function maxabs_sample(a, b, n)
  -- compares n evenly spaced elements of two 1-D tensors
  local m, len = 0, a:size(1)
  for i = 1, len, math.max(1, len // n) do m = math.max(m, math.abs(a[i] - b[i])) end
  return m
end

for _, ty in ipairs({ "Float", "Double" }) do
  for _, n in ipairs({ 1024, 2048 }) do
    case(string.format("mm_%s_%d", ty:lower(), n), function()
      torch.manualSeed(1)
      local T = torch[ty .. "Tensor"]
      local a, b = T(n, n):uniform(), T(n, n):uniform()
      local c = T(n, n)
      torch.mm(c, a, b)
      -- check a few entries against a naive dot product
      for _, ij in ipairs({ { 1, 1 }, { n, 3 }, { 7, n } }) do
        local i, j, s = ij[1], ij[2], 0
        for k = 1, n do s = s + a[i][k] * b[k][j] end
        check(math.abs(s - c[i][j]) <= 1e-3 * math.abs(s), "mm")
      end
      return time_it(function() torch.mm(c, a, b) end, n >= 2048 and 7 or 11)
    end)
  end
end

local N = 10000000
local function big()
  torch.manualSeed(2)
  local a = torch.DoubleTensor(N):uniform(-1, 1)
  local b = torch.DoubleTensor(N):uniform(-1, 1)
  return a, b, torch.DoubleTensor(N)
end

case("add_10M", function()
  local a, b, c = big()
  torch.add(c, a, b)
  for i = 1, N, 999983 do check(c[i] == a[i] + b[i], "add") end
  return time_it(function() torch.add(c, a, b) end)
end)
case("mul_10M", function()
  local a, b, c = big()
  torch.cmul(c, a, b)
  for i = 1, N, 999983 do check(c[i] == a[i] * b[i], "cmul") end
  return time_it(function() torch.cmul(c, a, b) end)
end)
case("exp_10M", function()
  local a, _, c = big()
  torch.exp(c, a)
  for i = 1, N, 999983 do check(math.abs(c[i] - math.exp(a[i])) <= 1e-15 * math.exp(a[i]) * 4, "exp") end
  return time_it(function() torch.exp(c, a) end)
end)
case("sigmoid_10M", function()
  local a, _, c = big()
  torch.sigmoid(c, a)
  for i = 1, N, 999983 do check(math.abs(c[i] - 1 / (1 + math.exp(-a[i]))) <= 1e-15, "sigmoid") end
  return time_it(function() torch.sigmoid(c, a) end)
end)
case("sum_10M", function()
  local a = big()
  local s = 0
  for i = 1, N do s = s + a[i] end
  check(math.abs(a:sum() - s) <= 1e-9 * N, "sum")
  return time_it(function() return a:sum() end)
end)
case("mean_10M", function()
  local a = big()
  check(math.abs(a:mean() - a:sum() / N) <= 1e-15, "mean")
  return time_it(function() return a:mean() end)
end)
case("var_10M", function()
  local a = big()
  local m, s = a:mean(), 0
  for i = 1, N do s = s + (a[i] - m) ^ 2 end
  check(math.abs(a:var() - s / (N - 1)) <= 1e-12, "var")
  return time_it(function() return a:var() end)
end)
case("small_add_10", function()
  local a, b = torch.range(1, 10), torch.range(11, 20)
  local c = a + b
  for i = 1, 10 do check(c[i] == a[i] + b[i], "small add") end
  return time_it(function() return a + b end)
end)
-- indexing on 1M elements: index (numpy's take) of random positions, and
-- gather (numpy's take_along_axis) along each dimension of a 1000x1000 matrix
case("index_1M", function()
  torch.manualSeed(3)
  local n = 1000000
  local x, idx = torch.rand(n), torch.LongTensor(n):random(1, n)
  local r = x:index(1, idx)
  for i = 1, n, 9973 do check(r[i] == x[idx[i]], "index") end
  return time_it(function() return x:index(1, idx) end)
end)
for dim = 1, 2 do
  case("gather_1M_dim" .. dim, function()
    torch.manualSeed(4)
    local x, idx = torch.rand(1000, 1000), torch.LongTensor(1000, 1000):random(1, 1000)
    local r = x:gather(dim, idx)
    for i = 1, 1000, 97 do
      for j = 1, 1000, 89 do
        check(r[i][j] == (dim == 1 and x[idx[i][j]][j] or x[i][idx[i][j]]), "gather")
      end
    end
    return time_it(function() return x:gather(dim, idx) end)
  end)
end

-- issue 3: linear algebra
case("svd_500", function()
  torch.manualSeed(1)
  local a = torch.Tensor(500, 500):uniform(-1, 1)
  local u, s, v = torch.svd(a)
  check((torch.mv(a, v:select(2, 1)) - u:select(2, 1) * s[1]):abs():max() < 1e-10, "svd")
  return time_it(function() return torch.svd(a) end, 7)
end)
case("gesv_1000", function()
  torch.manualSeed(1)
  local a = torch.Tensor(1000, 1000):uniform(-1, 1)
  for i = 1, 1000 do a[i][i] = a[i][i] + 10 end
  local b = torch.Tensor(1000, 1):uniform(-1, 1)
  local x = torch.gesv(b, a)
  check((torch.mm(a, x) - b):abs():max() < 1e-10, "gesv")
  return time_it(function() return torch.gesv(b, a) end, 9)
end)

-- order statistics: torch.sort returns values and 1-based indices (numpy's
-- np.sort only values); topk of a small k against numpy's argpartition route
case("sort_10M", function()
  local a = big()
  local v, i = torch.DoubleTensor(), torch.LongTensor()
  torch.sort(v, i, a)
  for j = 2, N, 9973 do check(v[j - 1] <= v[j] and a[i[j]] == v[j], "sort") end
  return time_it(function() torch.sort(v, i, a) end, 5)
end)
case("topk_10M", function()
  local a = big()
  local v, i = torch.DoubleTensor(), torch.LongTensor()
  torch.topk(v, i, a, 10)
  local s = torch.sort(a)
  for j = 1, 10 do check(v[j] == s[j] and a[i[j]] == v[j], "topk") end
  return time_it(function() torch.topk(v, i, a, 10) end, 7)
end)

-- conv2 of a 512x512 image with a 7x7 kernel ('F' is scipy.signal.convolve2d's default mode)
for _, mode in ipairs({"F", "V"}) do
  case("conv2_512_7x7_" .. mode, function()
    torch.manualSeed(4)
    local x, k = torch.DoubleTensor(512, 512):uniform(), torch.DoubleTensor(7, 7):uniform()
    local r = torch.DoubleTensor()
    torch.conv2(r, x, k, mode)
    local off = mode == "F" and 6 or 0
    for _, ij in ipairs({{1, 1}, {40, 300}, {r:size(1), r:size(2)}}) do
      local s = 0
      for a = 1, 7 do
        for b = 1, 7 do
          local xi, xj = ij[1] + a - 1 - off, ij[2] + b - 1 - off
          if xi >= 1 and xi <= 512 and xj >= 1 and xj <= 512 then s = s + x[xi][xj] * k[8 - a][8 - b] end
        end
      end
      check(math.abs(s - r[ij[1]][ij[2]]) <= 1e-12 * math.max(1, math.abs(s)), "conv2")
    end
    return time_it(function() torch.conv2(r, x, k, mode) end)
  end)
end

for _, c in ipairs(cases) do
  if not only or c.name:find(only, 1, true) then
    report(c.name, c.fn())
    collectgarbage()
  end
end
