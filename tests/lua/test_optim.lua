-- optim: update rules against hand-computed steps, convergence on
-- Rosenbrock and a quadratic, schedules, ConfusionMatrix, Logger.
local H = dofile("tests/lua/harness.lua")
local optim = require "moonlab.optim"

-- f(x) = 0.5 sum a_i x_i^2 (gradient a .* x)
local a = torch.Tensor { 1, 2, 3 }
local function quad(x)
  local g = x:clone():cmul(a)
  return 0.5 * g:dot(x), g
end

local function rosen(x)
  local x1, x2 = x[1], x[2]
  local f = (1 - x1) ^ 2 + 100 * (x2 - x1 * x1) ^ 2
  local g = torch.Tensor { -2 * (1 - x1) - 400 * x1 * (x2 - x1 * x1), 200 * (x2 - x1 * x1) }
  return f, g
end

H.test("require 'optim' is moonlab.optim and sets the global", function()
  H.ok(require("optim") == optim)
  H.ok(rawget(_G, "optim") == optim)
end)

H.test("sgd: plain, weight decay, lr decay, momentum with dampening, nesterov", function()
  local x = torch.Tensor { 1, 1, 1 }
  local _, fs = optim.sgd(quad, x, { learningRate = 0.1 })
  H.near(fs[1], 3)
  H.near(x[3], 1 - 0.1 * 3)
  -- weight decay adds wd x; decay divides lr by 1 + n decay
  x = torch.Tensor { 1, 1, 1 }
  local cfg = { learningRate = 0.1, weightDecay = 0.5, learningRateDecay = 1 }
  optim.sgd(quad, x, cfg)
  H.near(x[1], 1 - 0.1 * 1.5)
  local x1 = x[1]
  optim.sgd(quad, x, cfg)
  H.near(x[1], x1 - 0.05 * (x1 + 0.5 * x1))
  -- momentum: v1 = g1; v2 = m v1 + (1 - damp) g2
  x = torch.Tensor { 1, 1, 1 }
  local st = {}
  local c = { learningRate = 0.1, momentum = 0.9, dampening = 0.5 }
  optim.sgd(quad, x, c, st)
  H.near(x[2], 1 - 0.1 * 2)
  local v1 = 2
  local g2 = 2 * x[2]
  local x2 = x[2]
  optim.sgd(quad, x, c, st)
  H.near(x[2], x2 - 0.1 * (0.9 * v1 + 0.5 * g2))
  -- nesterov: step with g + m v
  x = torch.Tensor { 1, 1, 1 }
  st = {}
  optim.sgd(quad, x, { learningRate = 0.1, momentum = 0.5, dampening = 0, nesterov = true }, st)
  H.near(x[1], 1 - 0.1 * (1 + 0.5 * 1))
  H.check_error("Nesterov momentum requires", optim.sgd, quad, torch.ones(3), { nesterov = true })
  H.check_error("must return f(x) and a gradient", optim.sgd, function() return 1, torch.ones(2) end, torch.ones(3))
end)

-- optim.sgd's one-pass step (torch._nn.sgd_step) must give, bit for bit,
-- what Torch7's sequence of tensor passes gives: that sequence, written out
-- here, is the reference, on the same gradients step after step
local function sgd_passes(x, g, cfg, st)
  local lr, lrd, wd = cfg.learningRate, cfg.learningRateDecay or 0, cfg.weightDecay or 0
  local mom = cfg.momentum or 0
  local damp = cfg.dampening or mom
  st.n = st.n or 0
  if wd ~= 0 then g:add(wd, x) end
  local step = g
  if mom ~= 0 then
    if not st.v then st.v = g:clone() else st.v:mul(mom):add(1 - damp, g) end
    if cfg.nesterov then g:add(mom, st.v) else step = st.v end
  end
  x:add(-(lr / (1 + st.n * lrd)), step)
  st.n = st.n + 1
end

H.test("sgd: the fused step equals Torch7's tensor passes bit for bit", function()
  local cfgs = {
    { learningRate = 0.1 },
    { learningRate = 0.05, weightDecay = 1e-3, learningRateDecay = 0.01 },
    { learningRate = 0.05, momentum = 0.9 },
    { learningRate = 0.05, momentum = 0.9, dampening = 0, weightDecay = 1e-4 },
    { learningRate = 0.05, momentum = 0.7, dampening = 0, nesterov = true, weightDecay = 1e-2 },
  }
  for _, T in ipairs { "torch.FloatTensor", "torch.DoubleTensor" } do
    for ci, cfg in ipairs(cfgs) do
      torch.manualSeed(ci)
      local n = 70001 -- above the threading grain, odd
      local x = torch.randn(n):type(T)
      local xr = x:clone()
      local st, str = {}, {}
      local last_g
      for k = 1, 4 do
        local g = torch.randn(n):type(T)
        local gr = g:clone()
        local c = {}
        for key, v in pairs(cfg) do c[key] = v end
        optim.sgd(function() return 0, g end, x, c, st)
        sgd_passes(xr, gr, cfg, str)
        H.eq((x - xr):abs():max(), 0, T .. " config " .. ci .. " step " .. k .. ": parameters")
        H.eq((g - gr):abs():max(), 0, T .. " config " .. ci .. " step " .. k .. ": gradient as left")
        if str.v then H.eq((st.dfdx - str.v):abs():max(), 0, T .. " config " .. ci .. ": momentum buffer") end
        last_g = g
      end
      H.ok(last_g ~= nil)
    end
  end
  -- a non-contiguous x takes the tensor passes (same rule), and still agrees
  local x = torch.randn(6, 5):t()
  local xr = x:clone()
  local st, str = {}, {}
  for _ = 1, 3 do
    local g = torch.randn(5, 6)
    local gr = g:clone()
    optim.sgd(function() return 0, g end, x, { learningRate = 0.1, momentum = 0.5 }, st)
    sgd_passes(xr, gr, { learningRate = 0.1, momentum = 0.5 }, str)
  end
  H.near((x - xr):abs():max(), 0, 1e-15, "strided parameters")
end)

H.test("adam, adamw, adamax, adagrad, adadelta, rmsprop, nag: first steps by hand", function()
  local g = 2 -- gradient of the second coordinate at x = 1
  local x = torch.ones(3)
  optim.adam(quad, x, { learningRate = 0.01 })
  -- m = 0.1 g, v = 0.001 g^2, step = lr sqrt(1-b2)/(1-b1) m / (sqrt(v) + eps)
  local m, v = 0.1 * g, 0.001 * g * g
  H.near(x[2], 1 - 0.01 * math.sqrt(0.001) / 0.1 * m / (math.sqrt(v) + 1e-8), 1e-12)
  x = torch.ones(3)
  optim.adamw(quad, x, { learningRate = 0.01, weightDecay = 0.1 })
  H.near(x[2], (1 - 0.001) - 0.01 / 0.1 * m / (math.sqrt(v / 0.001) + 1e-8), 1e-12)
  x = torch.ones(3)
  optim.adamax(quad, x, { learningRate = 0.002 })
  H.near(x[2], 1 - 0.002 / 0.1 * (0.1 * g) / (g + 1e-38), 1e-12)
  x = torch.ones(3)
  optim.adagrad(quad, x, { learningRate = 0.1 })
  H.near(x[2], 1 - 0.1 * g / (g + 1e-10), 1e-12)
  x = torch.ones(3)
  optim.adadelta(quad, x, {})
  local pv = 0.1 * g * g
  local delta = math.sqrt(1e-6) / math.sqrt(pv + 1e-6) * g
  H.near(x[2], 1 - delta, 1e-12)
  x = torch.ones(3)
  optim.rmsprop(quad, x, { learningRate = 0.01 })
  H.near(x[2], 1 - 0.01 * g / (math.sqrt(0.01 * g * g) + 1e-8), 1e-12)
  x = torch.ones(3)
  local st = {}
  optim.nag(quad, x, { learningRate = 0.1, momentum = 0.9 }, st)
  H.near(x[2], 1 - 0.1 * g, 1e-12)
  H.near(st.dfdx[2], -0.1 * g, 1e-12)
end)

H.test("every first-order method decreases a quadratic", function()
  for _, name in ipairs { "sgd", "nag", "adam", "adamw", "adamax", "adagrad", "adadelta", "rmsprop", "rprop" } do
    local x = torch.Tensor { 1, -2, 0.5 }
    local f0 = quad(x)
    local cfg = { learningRate = (name == "adadelta" or name == "adagrad") and 1 or 0.05, eps = 1e-2 }
    for _ = 1, 200 do optim[name](quad, x, cfg) end
    H.ok(quad(x) < 0.1 * f0, name .. " final " .. quad(x))
  end
end)

H.test("rprop: steps grow while the sign holds and shrink when it flips", function()
  local x = torch.Tensor { 1 }
  local f = function(v) return v[1] ^ 2, torch.Tensor { 2 * v[1] } end
  local st = {}
  optim.rprop(f, x, { stepsize = 0.1 }, st)
  H.near(x[1], 0.9)
  optim.rprop(f, x, { stepsize = 0.1 }, st)
  H.near(x[1], 0.9 - 0.12)
end)

H.test("lbfgs with lswolfe and cg minimise Rosenbrock", function()
  local x = torch.Tensor { -1.2, 1 }
  local _, fs = optim.lbfgs(rosen, x, { maxIter = 200, lineSearch = optim.lswolfe, tolFun = 1e-10, tolX = 1e-14 })
  H.ok(fs[#fs] < 1e-10, "lbfgs f " .. fs[#fs])
  H.near(x[1], 1, 1e-4)
  local x2 = torch.Tensor { -1.2, 1 }
  local _, fs2 = optim.lbfgs(rosen, x2, { maxIter = 500, learningRate = 1e-3 })
  H.ok(fs2[#fs2] < fs2[1], "lbfgs without line search decreases")
  local x3 = torch.Tensor { -1.2, 1 }
  local _, fs3 = optim.cg(rosen, x3, { maxEval = 2000, maxIter = 1000 })
  H.ok(fs3[#fs3] < 1e-8, "cg f " .. fs3[#fs3])
  local x4 = torch.Tensor { 3, -1, 2 }
  local _, fs4, n = optim.cg(quad, x4, { maxEval = 100 })
  H.ok(fs4[#fs4] < 1e-12 and n <= 100, "cg quadratic")
end)

H.test("schedules", function()
  local s = optim.schedules.step(0.1, 2, 0.5)
  H.near(s(1), 0.1); H.near(s(2), 0.1); H.near(s(3), 0.05); H.near(s(5), 0.025)
  local e = optim.schedules.exponential(1, 0.9)
  H.near(e(3), 0.81)
  local c = optim.schedules.cosine(1, 10, 0.1)
  H.near(c(1), 1); H.near(c(6), 0.55); H.near(c(11), 0.1); H.near(c(20), 0.1)
  local p = optim.schedules.ReduceLROnPlateau(1, { patience = 2, factor = 0.5 })
  H.near(p:step(10), 1); H.near(p:step(9), 1); H.near(p:step(9), 1); H.near(p:step(9), 1)
  H.near(p:step(9), 0.5)
  H.check_error("must be a positive number", optim.schedules.step, 0.1, 0)
end)

H.test("ConfusionMatrix counts and accuracies", function()
  local cm = optim.ConfusionMatrix({ "a", "b", "c" })
  cm:add(1, 1); cm:add(2, 1); cm:add(torch.Tensor { 0.1, 0.7, 0.2 }, 2); cm:add(3, 3)
  cm:batchAdd(torch.Tensor { { 0.9, 0, 0 }, { 0, 0, 1 } }, torch.LongTensor { 1, 2 })
  cm:updateValids()
  H.eq(cm.mat[1][2], 1)
  H.eq(cm.mat[2][3], 1)
  H.near(cm.totalValid, 4 / 6)
  H.near(cm.valids[1], 2 / 3)
  H.near(cm.valids[2], 1 / 2)
  H.near(cm.averageValid, (2 / 3 + 1 / 2 + 1) / 3)
  H.near(cm.unionvalids[3], 1 / 2)
  H.ok(tostring(cm):find("global correct: 66.6667%", 1, true))
  H.check_error("is not a class", function() cm:add(4, 1) end)
  cm:zero()
  H.eq(cm.mat:sum(), 0)
end)

H.test("Logger writes a header and rows; series() returns the columns", function()
  local path = os.tmpname()
  local log = optim.Logger(path)
  log:setNames { "train", "valid" }
  log:add { 0.5, 0.6 }
  log:add { train = 0.25, valid = 0.4 }
  log:close()
  H.eq(H.slurp(path), "train\tvalid\n0.5\t0.6\n0.25\t0.4\n")
  os.remove(path)
  H.eq(log:series().valid[2], 0.4)
  H.check_error("no value for column 'valid'", function() log:add { train = 1 } end)
end)

H.done()
