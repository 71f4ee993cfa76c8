-- nn.fit and nn.summary: training reduces the loss, seeds make runs
-- reproducible, early stopping restores the best weights, callbacks, the
-- history's shape (plot.learning_curve accepts it), summary's counts.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"

local function data(n, seed)
  torch.manualSeed(seed)
  local X = torch.randn(n, 4)
  local _, y = (X * torch.Tensor { { 1, -1, 0 }, { 0.5, 1, -1 }, { -1, 0, 1 }, { 0, 0.5, 0.5 } }):max(2)
  return X, y:view(-1)
end

local function mlp()
  torch.manualSeed(11)
  return nn.Sequential():add(nn.Linear(4, 16)):add(nn.Tanh()):add(nn.Linear(16, 3)):add(nn.LogSoftMax())
end

H.test("fit lowers the loss and returns a per-epoch history", function()
  local X, y = data(300, 1)
  local Xv, yv = data(100, 2)
  local h = nn.fit(mlp(), nn.ClassNLLCriterion(), { X, y }, { epochs = 6, batch_size = 16, seed = 5,
    config = { learningRate = 0.1, momentum = 0.9 }, validation = { Xv, yv } })
  H.eq(#h.epoch, 6)
  H.eq(#h.loss, 6)
  H.eq(#h.val_accuracy, 6)
  H.ok(h.loss[6] < 0.6 * h.loss[1], "loss " .. h.loss[1] .. " -> " .. h.loss[6])
  H.ok(h.val_accuracy[6] > 0.8, "val acc " .. h.val_accuracy[6])
  -- the shape moonlab.plot's learning_curve reads: a table of series with epoch as x
  for k, v in pairs(h) do H.ok(type(v) == "table" and #v == 6, k) end
end)

H.test("the same seed gives the same run; another seed another", function()
  local X, y = data(200, 3)
  local function run(seed, opt)
    local m = mlp()
    return nn.fit(m, nn.ClassNLLCriterion(), { X, y }, { epochs = 2, batch_size = 10, seed = seed,
      optimizer = opt, config = { learningRate = 0.01 } }).loss[2]
  end
  H.eq(run(7, "adam"), run(7, "adam"))
  H.ok(run(7, "adam") ~= run(8, "adam"))
end)

H.test("early stopping stops after patience epochs and restores the best weights", function()
  local X, y = data(100, 4)
  local m = mlp()
  local seen = {}
  local h = nn.fit(m, nn.ClassNLLCriterion(), { X, y }, { epochs = 50, batch_size = 100, seed = 1,
    config = { learningRate = 5 }, -- far too large: the loss soon stops improving
    early_stopping = { patience = 2, monitor = "loss" },
    callbacks = { function(r) seen[#seen + 1] = r.epoch end } })
  H.ok(h.stopped_epoch and h.stopped_epoch < 50, "stopped at " .. tostring(h.stopped_epoch))
  H.eq(#seen, h.stopped_epoch)
  local stop = 0
  nn.fit(mlp(), nn.ClassNLLCriterion(), { X, y }, { epochs = 10, callbacks = { function(r)
    stop = r.epoch
    return r.epoch < 3
  end } })
  H.eq(stop, 3)
end)

H.test("fit takes a data frame and the name of its target column", function()
  -- a stand-in with the two methods of moonlab.data's DataFrame that fit uses
  local X = torch.randn(80, 2)
  local t = X:select(2, 1):gt(0):double():add(1)
  local frame = { columns = { "a", "b", "label" } }
  local cols = { a = X:select(2, 1), b = X:select(2, 2), label = t }
  function frame.column_tensor(_, name) return cols[name]:clone() end
  function frame.to_tensor(_, names)
    local out = torch.DoubleTensor(80, #names)
    for j, n in ipairs(names) do out:select(2, j):copy(cols[n]) end
    return out
  end
  local m = nn.Sequential():add(nn.Linear(2, 2)):add(nn.LogSoftMax())
  local h = nn.fit(m, nn.ClassNLLCriterion(), { frame, "label" }, { epochs = 20, seed = 1,
    config = { learningRate = 0.5 } })
  H.ok(h.accuracy[20] > 0.9, "accuracy " .. h.accuracy[20])
end)

H.test("fit checks its arguments", function()
  local X, y = data(10, 5)
  H.check_error("nn.fit: train: X has 10 rows but y has 9", nn.fit, mlp(), nn.ClassNLLCriterion(),
    { X, y:narrow(1, 1, 9) })
  H.check_error("unknown optimizer 'nope'", nn.fit, mlp(), nn.ClassNLLCriterion(), { X, y }, { optimizer = "nope" })
  H.check_error("criterion must be an nn.Criterion", nn.fit, mlp(), 3, { X, y })
end)

H.test("fit on a regression with MSE has no accuracy", function()
  local X = torch.randn(64, 3)
  local y = X * torch.Tensor { { 1 }, { -2 }, { 0.5 } }
  local m = nn.Linear(3, 1)
  local h = nn.fit(m, nn.MSECriterion(), { X, y }, { epochs = 30, batch_size = 8, seed = 1,
    config = { learningRate = 0.05 } })
  H.ok(h.accuracy == nil)
  H.ok(h.loss[30] < 1e-3, "mse " .. h.loss[30])
end)

H.test("summary lists layers, output shapes and parameter counts", function()
  local m = nn.Sequential():add(nn.SpatialConvolution(1, 4, 3, 3)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
    :add(nn.View(4 * 3 * 3):setNumInputDims(3)):add(nn.Linear(36, 5))
  local text, total = nn.summary(m, { 1, 8, 8 }, { print = false })
  H.eq(total, 4 * 9 + 4 + 36 * 5 + 5)
  H.ok(text:find("1 x 4 x 6 x 6", 1, true), text)
  H.ok(text:find("1 x 4 x 3 x 3", 1, true))
  H.ok(text:find("nn%.Linear%(36 %-> 5%)%s+1 x 5%s+185"), text)
  H.check_error("the forward pass failed", nn.summary, m, { 2, 8, 8 }, { print = false })
end)

H.done()
