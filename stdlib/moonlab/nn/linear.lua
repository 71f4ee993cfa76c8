-- Layers with weights that are not convolutions: nn.Linear, nn.Bilinear,
-- nn.LookupTable, nn.Add, nn.Mul, nn.CMul, nn.PReLU lives in activations.
-- Each `reset(stdv)` draws as Torch7 does: uniform(-stdv, stdv) with stdv =
-- 1/sqrt(fan in) unless given.
-- Sparse layers are in sparse.lua.  Not here: max-norm renorm of
-- LookupTable rows.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- ---------------------------------------------------------------- Linear

local Linear, parent = torch.class("nn.Linear", "nn.Module", nn)

--- nn.Linear(inputSize, outputSize [, bias]) -- y = W x + b with W
-- (outputSize, inputSize); input (inputSize) or (N, inputSize).
function Linear:__init(inputSize, outputSize, bias)
  parent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.Linear: expected Linear(inputSize, outputSize [, bias])", 2)
  end
  self.weight = torch.Tensor(outputSize, inputSize)
  self.gradWeight = torch.Tensor(outputSize, inputSize)
  if bias ~= false then
    self.bias = torch.Tensor(outputSize)
    self.gradBias = torch.Tensor(outputSize)
  end
  self:reset()
end

--- linear:noBias() -> self without its bias.
function Linear:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

function Linear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

local function check_input(self, who, input)
  local d = input:dim()
  local n = self.weight:size(2)
  if (d ~= 1 and d ~= 2) or input:size(d) ~= n then
    fail(who, "size mismatch, expected input of size %d or (N, %d), got %s", n, n, util.shape(input))
  end
end

function Linear:updateOutput(input)
  check_input(self, "nn.Linear.updateOutput", input)
  if input:dim() == 1 then
    self.output:resize(self.weight:size(1))
    if self.bias then self.output:copy(self.bias) else self.output:zero() end
    self.output:addmv(1, self.weight, input)
  else
    local nb = input:size(1)
    local nout = self.weight:size(1)
    self.output:resize(nb, nout)
    if self.bias then
      -- the bias rows first, then one GEMM adds the product (beta = 1)
      self.output:copy(self.bias:view(1, nout):expand(nb, nout))
      self.output:addmm(1, self.output, 1, input, self.weight:t())
    else
      self.output:mm(input, self.weight:t())
    end
  end
  return self.output
end

function Linear:updateGradInput(input, gradOutput)
  -- Torch7's idiom: a module whose gradInput is nil skips this product
  -- (e.g. the first layer, whose input needs no gradient)
  if not self.gradInput then return nil end
  self.gradInput:resizeAs(input)
  if input:dim() == 1 then
    self.gradInput:mv(self.weight:t(), gradOutput)
  else
    self.gradInput:mm(gradOutput, self.weight)
  end
  return self.gradInput
end

function Linear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if input:dim() == 1 then
    self.gradWeight:addr(scale, gradOutput, input)
    if self.bias then self.gradBias:add(scale, gradOutput) end
  else
    self.gradWeight:addmm(scale, gradOutput:t(), input)
    if self.bias then
      self._sum = self._sum or util.new(gradOutput)
      self._sum:sum(gradOutput, 1)
      self.gradBias:add(scale, self._sum:view(-1))
    end
  end
end

function Linear:clearState()
  self._sum = nil
  return parent.clearState(self)
end

function Linear:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(2), self.weight:size(1))
    .. (self.bias == nil and " without bias" or "")
end

-- ---------------------------------------------------------------- Bilinear

local Bilinear, bparent = torch.class("nn.Bilinear", "nn.Module", nn)

--- nn.Bilinear(in1, in2, out [, bias]) -- y_k = x1' W_k x2 + b_k on a table
-- {x1 (N, in1), x2 (N, in2)}; weight (out, in1, in2).
function Bilinear:__init(in1, in2, out, bias)
  bparent.__init(self)
  self.weight = torch.Tensor(out, in1, in2)
  self.gradWeight = torch.Tensor(out, in1, in2)
  if bias ~= false then
    self.bias = torch.Tensor(out)
    self.gradBias = torch.Tensor(out)
  end
  self.gradInput = { torch.Tensor(), torch.Tensor() }
  self:reset()
end

function Bilinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

function Bilinear:updateOutput(input)
  local x1, x2 = input[1], input[2]
  if type(input) ~= "table" or x1 == nil or x2 == nil or x1:dim() ~= 2 or x2:dim() ~= 2
      or x1:size(1) ~= x2:size(1) or x1:size(2) ~= self.weight:size(2) or x2:size(2) ~= self.weight:size(3) then
    fail("nn.Bilinear.updateOutput", "expected {x1 (N, %d), x2 (N, %d)}, got %s", self.weight:size(2),
      self.weight:size(3), util.shape(input))
  end
  local n, out = x1:size(1), self.weight:size(1)
  self.output:resize(n, out)
  self._buf = self._buf or util.new(x1)
  for k = 1, out do
    -- (x1 W_k) .* x2 summed over columns
    self._buf:resize(n, x2:size(2)):mm(x1, self.weight[k]):cmul(x2)
    self.output:select(2, k):copy(self._buf:sum(2):view(n))
  end
  if self.bias then self.output:add(self.bias:view(1, out):expand(n, out)) end
  return self.output
end

function Bilinear:updateGradInput(input, gradOutput)
  local x1, x2 = input[1], input[2]
  local n, out = x1:size(1), self.weight:size(1)
  local g1, g2 = self.gradInput[1], self.gradInput[2]
  g1:resizeAs(x1):zero()
  g2:resizeAs(x2):zero()
  self._buf = self._buf or util.new(x1)
  for k = 1, out do
    local gk = gradOutput:select(2, k):contiguous():view(n, 1)
    -- d/dx1 = g_k * (W_k x2); d/dx2 = g_k * (W_k' x1)
    self._buf:resize(n, x1:size(2)):mm(x2, self.weight[k]:t()):cmul(gk:expand(n, x1:size(2)))
    g1:add(self._buf)
    self._buf:resize(n, x2:size(2)):mm(x1, self.weight[k]):cmul(gk:expand(n, x2:size(2)))
    g2:add(self._buf)
  end
  return self.gradInput
end

function Bilinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x1, x2 = input[1], input[2]
  local n = x1:size(1)
  self._buf = self._buf or util.new(x1)
  for k = 1, self.weight:size(1) do
    local gk = gradOutput:select(2, k):contiguous():view(n, 1)
    self._buf:resizeAs(x1):copy(x1):cmul(gk:expand(n, x1:size(2)))
    self.gradWeight[k]:addmm(scale, self._buf:t(), x2)
  end
  if self.bias then
    local s = util.new(gradOutput):sum(gradOutput, 1)
    self.gradBias:add(scale, s:view(-1))
  end
end

function Bilinear:__tostring__()
  return torch.type(self) .. string.format("(%dx%d -> %d)", self.weight:size(2), self.weight:size(3),
    self.weight:size(1)) .. (self.bias == nil and " without bias" or "")
end

-- ---------------------------------------------------------------- LookupTable

local LookupTable, lparent = torch.class("nn.LookupTable", "nn.Module", nn)

--- nn.LookupTable(nIndex, nOutput [, paddingValue, maxNorm, normType]) --
-- rows of weight (nIndex, nOutput) for each index of an integer tensor
-- input (n) or (N, n); weights drawn N(0, 1).  The row of paddingValue gets
-- no gradient; with maxNorm, the rows looked up are first rescaled to a
-- normType-norm (2) of at most maxNorm.
function LookupTable:__init(nIndex, nOutput, paddingValue, maxNorm, normType)
  lparent.__init(self)
  self.weight = torch.Tensor(nIndex, nOutput)
  self.gradWeight = torch.Tensor(nIndex, nOutput):zero()
  self.paddingValue = paddingValue or 0
  self.maxNorm = maxNorm
  self.normType = normType
  self:reset()
end

--- lookup:accUpdateOnly() -> self: drops gradWeight; updates go straight
-- into the weights (accUpdateGradParameters / backwardUpdate).
function LookupTable:accUpdateOnly()
  self.gradWeight = nil
  return self
end

-- rows of the input's indices rescaled to norm <= maxNorm (Torch7's renorm)
local function renorm_rows(self, idx)
  if not self.maxNorm then return end
  local seen = {}
  local flat = idx:contiguous():view(-1)
  local p = self.normType or 2
  for i = 1, flat:nElement() do
    local r = flat[i]
    if not seen[r] then
      seen[r] = true
      local row = self.weight[r]
      local nrm = row:norm(p)
      if nrm > self.maxNorm then row:mul(self.maxNorm / (nrm + 1e-7)) end
    end
  end
end

function LookupTable:reset(stdv)
  stdv = stdv or 1
  self.weight:normal(0, stdv)
  return self
end

local function as_long(self, input)
  if torch.typename(input) == "torch.LongTensor" then return input end
  -- (:float() converts every tensor field: keep this buffer Long)
  if torch.typename(self._idx) ~= "torch.LongTensor" then self._idx = torch.LongTensor() end
  self._idx:resize(input:size()):copy(input)
  return self._idx
end

function LookupTable:updateOutput(input)
  local idx = as_long(self, input)
  local nidx = self.weight:size(1)
  if idx:nElement() > 0 and (idx:min() < 1 or idx:max() > nidx) then
    fail("nn.LookupTable.updateOutput", "index out of range (1..%d): got %d..%d", nidx, idx:min(), idx:max())
  end
  renorm_rows(self, idx)
  if idx:dim() == 1 then
    self.output:index(self.weight, 1, idx)
  elseif idx:dim() == 2 then
    self.output:index(self.weight, 1, idx:contiguous():view(-1))
    self.output = self.output:view(idx:size(1), idx:size(2), self.weight:size(2))
  else
    fail("nn.LookupTable.updateOutput", "expected indices (n) or (N, n), got %s", util.shape(input))
  end
  return self.output
end

function LookupTable:updateGradInput(input, gradOutput)
  -- indices have no gradient (Torch7 returns an empty/zero tensor)
  if torch.isTensor(self.gradInput) then self.gradInput:resize(input:size()):zero() end
  return self.gradInput
end

-- dest[idx[i]] += scale * gradOutput row i, skipping the padding index
local function scatter_rows(self, dest, input, gradOutput, scale)
  local idx = as_long(self, input):contiguous():view(-1)
  local g = gradOutput:contiguous():view(idx:size(1), self.weight:size(2))
  if scale ~= 1 then g = g:clone():mul(scale) end
  if self.paddingValue ~= 0 then
    g = g:clone()
    for i = 1, idx:size(1) do
      if idx[i] == self.paddingValue then g[i]:zero() end
    end
  end
  dest:indexAdd(1, idx, g:typeAs(dest))
end

function LookupTable:accGradParameters(input, gradOutput, scale)
  if not self.gradWeight then
    error("nn.LookupTable.accGradParameters: no gradWeight after accUpdateOnly(); use accUpdateGradParameters", 2)
  end
  scatter_rows(self, self.gradWeight, input, gradOutput, scale or 1)
end

function LookupTable:accUpdateGradParameters(input, gradOutput, lr)
  if self._sharedParams and self.gradWeight then
    return self:sharedAccUpdateGradParameters(input, gradOutput, lr)
  end
  scatter_rows(self, self.weight, input, gradOutput, -lr)
end

function LookupTable:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(1), self.weight:size(2))
end

-- ---------------------------------------------------------------- Add

local Add, aparent = torch.class("nn.Add", "nn.Module", nn)

--- nn.Add(inputSize [, scalar]) -- y = x + b, b a vector of inputSize (or one
-- number when scalar is true).
function Add:__init(inputSize, scalar)
  aparent.__init(self)
  local size = inputSize
  if scalar then size = 1 end
  self.scalar = scalar
  self.bias = torch.Tensor(size)
  self.gradBias = torch.Tensor(size)
  self._ones = torch.Tensor{ 1 }
  self:reset()
end

function Add:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.bias:size(1))
  self.bias:uniform(-stdv, stdv)
  return self
end

-- bias viewed as input's shape (batch on dim 1 when input has one more dim)
local function bias_as(self, input)
  if self.scalar then return self.bias:view(1):expand(input:size()) end
  local n = self.bias:nElement()
  if input:nElement() == n then return self.bias:view(input:size()) end
  local per = input:nElement() // input:size(1)
  if per ~= n then
    fail("nn.Add", "input %s does not match bias of %d elements", util.shape(input), n)
  end
  return self.bias:view(1, n):expand(input:size(1), n):contiguous():view(input:size())
end

function Add:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.scalar then
    self.output:add(self.bias[1])
  else
    self.output:add(bias_as(self, input))
  end
  return self.output
end

function Add:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

function Add:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  if self.scalar then
    self.gradBias[1] = self.gradBias[1] + scale * gradOutput:sum()
  elseif input:nElement() == self.bias:nElement() then
    self.gradBias:add(scale, gradOutput:contiguous():view(-1))
  else
    local g = gradOutput:contiguous():view(input:size(1), -1)
    self.gradBias:add(scale, util.new(g):sum(g, 1):view(-1))
  end
end

function Add:__tostring__()
  return torch.type(self) .. "(" .. self.bias:nElement() .. ")"
end

-- ---------------------------------------------------------------- Mul

local Mul, mparent = torch.class("nn.Mul", "nn.Module", nn)

--- nn.Mul() -- y = w * x with one learnable scalar w.
function Mul:__init()
  mparent.__init(self)
  self.weight = torch.Tensor(1)
  self.gradWeight = torch.Tensor(1)
  self:reset()
end

function Mul:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(1))
  self.weight:uniform(-stdv, stdv)
  return self
end

function Mul:updateOutput(input)
  self.output:resizeAs(input):copy(input):mul(self.weight[1])
  return self.output
end

function Mul:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero():add(self.weight[1], gradOutput)
  return self.gradInput
end

function Mul:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.gradWeight[1] = self.gradWeight[1] + scale * input:dot(gradOutput:contiguous():viewAs(input))
end

-- ---------------------------------------------------------------- CMul

local CMul, cparent = torch.class("nn.CMul", "nn.Module", nn)

--- nn.CMul(size...) -- y = w .* x, w of the given size broadcast over a batch.
function CMul:__init(...)
  cparent.__init(self)
  local arg = { ... }
  local size
  if #arg == 1 and torch.typename(arg[1]) == "torch.LongStorage" then
    size = arg[1]
  else
    size = torch.LongStorage(#arg)
    for i, v in ipairs(arg) do size[i] = v end
  end
  self.size = size
  self.weight = torch.Tensor(size)
  self.gradWeight = torch.Tensor(size)
  self:reset()
end

function CMul:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:nElement())
  self.weight:uniform(-stdv, stdv)
  return self
end

-- weight expanded to input's shape (input may have a leading batch dim)
local function weight_as(self, input)
  local w = self.weight
  if w:nElement() == input:nElement() then return w:view(input:size()) end
  local n = w:nElement()
  local per = input:nElement() // input:size(1)
  if per == n then
    local sz = input:size()
    local vs = torch.LongStorage(input:dim())
    vs[1] = 1
    for d = 2, input:dim() do vs[d] = sz[d] end
    return w:view(vs):expand(sz)
  end
  -- general broadcasting (e.g. a weight of size 1xCx1x1)
  return w:expandAs(input)
end

function CMul:updateOutput(input)
  self.output:resizeAs(input):copy(input):cmul(weight_as(self, input))
  return self.output
end

function CMul:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):copy(gradOutput):cmul(weight_as(self, input))
  return self.gradInput
end

function CMul:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local prod = util.new(input):resizeAs(input):copy(input):cmul(gradOutput)
  local w = self.weight
  if w:nElement() == input:nElement() then
    self.gradWeight:add(scale, prod:view(w:size()))
  else
    -- sum over every dimension where the weight is broadcast
    local we = weight_as(self, input)
    local s = prod
    for d = 1, input:dim() do
      if we:stride(d) == 0 and input:size(d) > 1 then s = s:sum(d) end
    end
    self.gradWeight:add(scale, s:contiguous():view(w:size()))
  end
end

function CMul:__tostring__()
  local d = {}
  for i = 1, self.weight:dim() do d[i] = tostring(self.weight:size(i)) end
  return torch.type(self) .. "(" .. table.concat(d, "x") .. ")"
end

return Linear
