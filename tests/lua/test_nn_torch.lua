-- nn against PyTorch: forward and backward of each layer type and criterion
-- on fixed inputs and weights (Double, within 1e-6; in practice ~1e-15),
-- and an MLP trained 3 epochs with optim.sgd from PyTorch's initial weights
-- and batch order.  Fixtures: tests/fixtures/nn/make_fixtures.py.
local H = dofile("tests/lua/harness.lua")
local nn = require "moonlab.nn"
local F = dofile("tests/fixtures/nn/nn_torch.lua")

local TOL = 1e-6

local function T(spec, ctor)
  ctor = ctor or torch.DoubleTensor
  if #spec.size == 0 then return ctor() end
  local t = ctor(#spec.data)
  for i, v in ipairs(spec.data) do t[i] = v end
  return t:view(table.unpack(spec.size))
end

local function maxdiff(a, b)
  H.eq(a:nElement(), b:nElement(), "element count")
  if a:nElement() == 0 then return 0 end
  return (a:contiguous():view(-1):double() - b:contiguous():view(-1):double()):abs():max()
end

local function build(ctor, W)
  local f = assert(load("return " .. ctor, ctor, "t", { nn = nn, W = W }))
  return f()
end

for _, c in ipairs(F.layers) do
  H.test("PyTorch layer: " .. c.name, function()
    local m = build(c.ctor)
    local fixed = {}
    for _, p in ipairs(c.params) do
      if p.field ~= "running_mean" and p.field ~= "running_var" then
        m[p.field]:copy(T(p.value))
        fixed[#fixed + 1] = p
      end
    end
    local inputs = {}
    for i, s in ipairs(c.inputs) do
      inputs[i] = c.name == "LookupTable" and T(s, torch.LongTensor) or T(s)
    end
    local input = #inputs == 1 and inputs[1] or inputs
    m:zeroGradParameters()
    local out = m:forward(input)
    H.ok(maxdiff(out, T(c.output)) < TOL, "output differs by " .. maxdiff(out, T(c.output)))
    local gi = m:backward(input, T(c.gradOutput))
    if #c.gradInputs == 1 then
      H.ok(maxdiff(gi, T(c.gradInputs[1])) < TOL, "gradInput differs by " .. maxdiff(gi, T(c.gradInputs[1])))
    elseif #c.gradInputs > 1 then
      for i, g in ipairs(c.gradInputs) do
        H.ok(maxdiff(gi[i], T(g)) < TOL, "gradInput " .. i .. " differs")
      end
    end
    for _, p in ipairs(c.params) do
      if p.field == "running_mean" or p.field == "running_var" then
        H.ok(maxdiff(m[p.field], T(p.value)) < TOL, p.field .. " differs by " .. maxdiff(m[p.field], T(p.value)))
      else
        local gname = "grad" .. p.field:sub(1, 1):upper() .. p.field:sub(2)
        if p.field:find("_") then gname = "grad" .. p.field:sub(1, 1):upper() .. p.field:sub(2) end
        H.ok(maxdiff(m[gname], T(p.grad)) < TOL, gname .. " differs by " .. maxdiff(m[gname], T(p.grad)))
      end
    end
  end)
end

for _, c in ipairs(F.criteria) do
  H.test("PyTorch criterion: " .. c.name, function()
    local crit = build(c.ctor, T(c.W))
    local inputs = {}
    for i, s in ipairs(c.inputs) do inputs[i] = T(s) end
    local input = #inputs == 1 and inputs[1] or inputs
    local target = T(c.target)
    if c.ctor:find("ClassNLL") or c.ctor:find("CrossEntropy") or c.ctor:find("MultiMargin") then
      target = T(c.target, torch.LongTensor)
    end
    local loss = crit:forward(input, target)
    H.near(loss, c.loss, 1e-9, "loss")
    local g = crit:backward(input, target)
    if #c.grads == 1 then
      H.ok(maxdiff(g, T(c.grads[1])) < TOL, "gradInput differs by " .. maxdiff(g, T(c.grads[1])))
    else
      for i = 1, #c.grads do H.ok(maxdiff(g[i], T(c.grads[i])) < TOL, "gradInput " .. i) end
    end
  end)
end

H.test("PyTorch MLP: 3 epochs of SGD (momentum, weight decay) reach the same losses and weights", function()
  local optim = require "moonlab.optim"
  local d = F.mlp
  local X, Y = T(d.X), T(d.Y, torch.LongTensor)
  local mlp = nn.Sequential():add(nn.Linear(X:size(2), d.init[2].size[1])):add(nn.Tanh())
    :add(nn.Linear(d.init[2].size[1], d.init[4].size[1])):add(nn.LogSoftMax())
  mlp:get(1).weight:copy(T(d.init[1])); mlp:get(1).bias:copy(T(d.init[2]))
  mlp:get(3).weight:copy(T(d.init[3])); mlp:get(3).bias:copy(T(d.init[4]))
  local crit = nn.ClassNLLCriterion()
  local params, grads = mlp:getParameters()
  local config = { learningRate = d.lr, momentum = d.momentum, dampening = 0, weightDecay = d.weight_decay }
  local state = {}
  for epoch = 1, 3 do
    local order = T(d.orders[epoch], torch.LongTensor)
    local total = 0
    for s = 1, order:size(1), d.batch do
      local idx = order:narrow(1, s, math.min(d.batch, order:size(1) - s + 1))
      local xb, yb = X:index(1, idx), Y:index(1, idx)
      local function feval()
        grads:zero()
        local loss = crit:forward(mlp:forward(xb), yb)
        mlp:backward(xb, crit:backward(mlp.output, yb))
        return loss, grads
      end
      local _, fs = optim.sgd(feval, params, config, state)
      total = total + fs[1] * idx:size(1)
    end
    H.near(total / order:size(1), d.losses[epoch], 1e-9, "epoch " .. epoch .. " loss")
  end
  H.near(crit:forward(mlp:forward(X), Y), d.final_loss, 1e-9, "final loss")
  H.ok(maxdiff(mlp:get(1).weight, T(d.final[1])) < TOL, "final weights")
  H.ok(maxdiff(mlp:get(3).bias, T(d.final[4])) < TOL, "final bias")
end)

H.done()
