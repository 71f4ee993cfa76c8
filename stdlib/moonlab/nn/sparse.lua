-- Linear layers on sparse inputs: nn.SparseLinear (Torch7's {index, value}
-- pairs), nn.IndexLinear (keys and values as separate tensors, weight
-- (inputSize, outputSize), sparse gradient accumulation), nn.PartialLinear
-- (a Linear restricted to a chosen set of output units), and
-- nn.SparseJacobian (Torch7's gradient checks for such layers: they perturb
-- column 2, the values, of a 2D input).
-- A batch is flattened to triplets (row, key, value); the keys are made
-- unique once (sort), then the product is either a small dense matrix
-- (rows x unique keys) times the touched weight rows, or, when that matrix
-- would be larger than the triplets, a gather/scatter over chunks of
-- triplets.  Both cost O(nnz * outputSize) at most, never O(inputSize).
-- Not here: IndexLinear's max-normalisation mode (normalize = true), CUDA.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- ---------------------------------------------------------------- sparse batches

-- plan for triplets: keys (nnz) LongTensor of weight rows, vals (nnz),
-- rows (nnz) LongTensor of batch rows, B batch size.
-- Returns {keys, vals, rows, B, u (unique keys), c (position of each key in u), X (B, #u) or nil}.
local function make_plan(keys, vals, rows, B)
  local plan = { keys = keys, vals = vals, rows = rows, B = B }
  local n = keys:nElement()
  if n == 0 then
    plan.u, plan.c = torch.LongTensor(), torch.LongTensor()
    return plan
  end
  local s, p = keys:sort(1)
  local first = torch.ByteTensor(n)
  first[1] = 1
  if n > 1 then first:narrow(1, 2, n - 1):copy(s:narrow(1, 2, n - 1):ne(s:narrow(1, 1, n - 1))) end
  plan.u = s:maskedSelect(first)
  local g = torch.LongTensor(n):copy(first):cumsum(1)
  plan.c = torch.LongTensor(n):indexCopy(1, p, g)
  local nu = plan.u:nElement()
  if B * nu <= 2 * n then
    -- the dense (B, nu) matrix is no larger than the triplets
    local X = util.new(vals):resize(B, nu):zero()
    X:view(B * nu):indexAdd(1, rows:clone():add(-1):mul(nu):add(plan.c), vals)
    plan.X = X
  end
  return plan
end

local CHUNK = 1048576  -- elements of the (triplets, outputSize) blocks

-- out (B, nout) += X * Wt, Wt (nfeat, nout) (any strides)
local function plan_forward(plan, Wt, out)
  local n, nout = plan.keys:nElement(), Wt:size(2)
  if n == 0 then return end
  if plan.X then
    out:addmm(1, out, 1, plan.X, Wt:index(1, plan.u))
    return
  end
  local m = math.max(1, CHUNK // math.max(1, nout))
  for a = 1, n, m do
    local len = math.min(m, n - a + 1)
    local blk = Wt:index(1, plan.keys:narrow(1, a, len))
    blk:cmul(plan.vals:narrow(1, a, len):view(len, 1):expand(len, nout))
    out:indexAdd(1, plan.rows:narrow(1, a, len), blk)
  end
end

-- (nu, nout) gradient of the touched weight rows: scale * X' gradOutput
local function plan_grad(plan, gradOutput, scale)
  local nout = gradOutput:size(2)
  local nu = plan.u:nElement()
  local gu = util.new(gradOutput):resize(nu, nout):zero()
  local n = plan.keys:nElement()
  if n == 0 then return gu end
  if plan.X then
    gu:addmm(0, gu, scale, plan.X:t(), gradOutput)
    return gu
  end
  local m = math.max(1, CHUNK // math.max(1, nout))
  for a = 1, n, m do
    local len = math.min(m, n - a + 1)
    local blk = gradOutput:index(1, plan.rows:narrow(1, a, len))
    blk:cmul(plan.vals:narrow(1, a, len):view(len, 1):expand(len, nout)):mul(scale)
    gu:indexAdd(1, plan.c:narrow(1, a, len), blk)
  end
  return gu
end

local function check_keys(who, keys, nfeat)
  if keys:nElement() > 0 then
    local lo, hi = keys:min(), keys:max()
    if lo < 1 or hi > nfeat then
      fail(who, "indices must be in 1..%d, got %d..%d", nfeat, lo, hi)
    end
  end
end

-- ---------------------------------------------------------------- SparseLinear

local SparseLinear, sparent = torch.class("nn.SparseLinear", "nn.Module", nn)

-- states of the sparse update shortcut (Torch7's)
local NO_LAST_INPUT, ONE_LAST_INPUT, ACC_MULTIPLE_TIMES = 0, 1, 2

--- nn.SparseLinear(inputSize, outputSize [, doGradInput]) -- y = W x + b for
-- sparse x given as an (nnz, 2) tensor of {index, value} rows; a batch is a
-- table of such tensors (output (N, outputSize)) or a (N, nnz, 2) tensor
-- (Torch7's legacy batch).  weight (outputSize, inputSize).  gradInput is
-- computed only when doGradInput: dense, as {index, value} rows over 1..inputSize.
function SparseLinear:__init(inputSize, outputSize, doGradInput)
  sparent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.SparseLinear: expected SparseLinear(inputSize, outputSize [, doGradInput])", 2)
  end
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  if type(self.doGradInput) ~= "boolean" then error("nn.SparseLinear: doGradInput must be a boolean", 2) end
  self.weight = torch.Tensor(outputSize, inputSize):zero()
  self.bias = torch.Tensor(outputSize):zero()
  self.gradWeight = torch.Tensor(outputSize, inputSize):zero()
  self.gradBias = torch.Tensor(outputSize):zero()
  self.sparseUpdate = NO_LAST_INPUT
  self.gradInput = {}
  self.output:resize(outputSize)
  self:reset()
end

function SparseLinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
  return self
end

-- triplets of a SparseLinear input: keys, vals, rows, B, batch?, legacy?
local function sl_triplets(self, who, input)
  local list, batch, legacy
  if type(input) == "table" then
    list, batch, legacy = input, true, false
  elseif torch.isTensor(input) and input:dim() == 2 then
    list, batch, legacy = { input }, false, false
  elseif torch.isTensor(input) and input:dim() == 3 then
    batch, legacy = true, true
  else
    fail(who, "expected an (nnz, 2) tensor, a table of them or an (N, nnz, 2) tensor, got %s", util.shape(input))
  end
  local keys, vals, rows, B
  if legacy then
    if input:size(3) ~= 2 then fail(who, "expected an (N, nnz, 2) tensor, got %s", util.shape(input)) end
    B = input:size(1)
    local nnz = input:size(2)
    keys = input:select(3, 1):contiguous():view(-1):long()
    vals = input:select(3, 2):contiguous():view(-1)
    rows = torch.LongTensor():range(1, B):view(B, 1):expand(B, nnz):contiguous():view(-1)
    if B * nnz == 0 then keys, rows = torch.LongTensor(), torch.LongTensor() end
  else
    B = #list
    local ks, vs, rs = {}, {}, {}
    for i, t in ipairs(list) do
      if not torch.isTensor(t) or (t:nElement() > 0 and (t:dim() ~= 2 or t:size(2) ~= 2)) then
        fail(who, "sample %d must be an (nnz, 2) tensor of {index, value}, got %s", i, util.shape(t))
      end
      if t:nElement() > 0 then
        ks[#ks + 1] = t:select(2, 1):long()
        vs[#vs + 1] = t:select(2, 2)
        rs[#rs + 1] = torch.LongTensor(t:size(1)):fill(i)
      end
    end
    if #ks > 0 then
      keys, vals, rows = torch.cat(ks, 1), torch.cat(vs, 1), torch.cat(rs, 1)
    else
      keys, vals, rows = torch.LongTensor(), util.new(self.weight), torch.LongTensor()
    end
  end
  vals = vals:typeAs(self.weight):contiguous()
  check_keys(who, keys, self.weight:size(2))
  return keys, vals, rows, B, batch, legacy
end

function SparseLinear:updateOutput(input)
  if self.sparseUpdate == ONE_LAST_INPUT then self.sparseUpdate = ACC_MULTIPLE_TIMES end
  local keys, vals, rows, B, batch, legacy = sl_triplets(self, "nn.SparseLinear.updateOutput", input)
  self.legacyMode = legacy
  local plan = make_plan(keys, vals, rows, B)
  self._plan = plan
  local nout = self.weight:size(1)
  local out = util.new(self.weight):resize(B, nout):copy(self.bias:view(1, nout):expand(B, nout))
  plan_forward(plan, self.weight:t(), out)
  if batch then self.output = out else self.output = out:view(nout) end
  return self.output
end

function SparseLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local plan = self._plan
  if plan == nil then fail("nn.SparseLinear.accGradParameters", "call forward first") end
  local nout = self.weight:size(1)
  local g = gradOutput:contiguous():view(plan.B, nout)
  if self.sparseUpdate == NO_LAST_INPUT then
    self.lastInput = plan.u
    self.sparseUpdate = ONE_LAST_INPUT
  elseif self.sparseUpdate == ONE_LAST_INPUT then
    self.sparseUpdate = ACC_MULTIPLE_TIMES
  end
  if plan.u:nElement() > 0 then
    self.gradWeight:t():indexAdd(1, plan.u, plan_grad(plan, g, scale))
  end
  self.gradBias:add(scale, g:sum(1):view(nout))
  if self.weightDecay ~= 0 then self.gradWeight:add(self.weightDecay, self.weight) end
end

function SparseLinear:updateGradInput(input, gradOutput)
  local nin, nout = self.weight:size(2), self.weight:size(1)
  local gi
  if self.doGradInput then
    local g = gradOutput:dim() == 1 and gradOutput:view(1, nout) or gradOutput
    gi = util.new(self.weight):resize(g:size(1), nin):mm(g, self.weight)
  end
  if self.legacyMode then
    local B = input:size(1)
    if not torch.isTensor(self.gradInput) then self.gradInput = util.new(self.weight) end
    self.gradInput:resize(B, nin, 2):zero()
    if gi then
      self.gradInput:select(3, 1):copy(torch.range(1, nin):view(1, nin):expand(B, nin))
      self.gradInput:select(3, 2):copy(gi)
    end
  else
    self.gradInput = {}
    if gi then
      for i = 1, gi:size(1) do
        local t = util.new(self.weight):resize(nin, 2)
        t:select(2, 1):range(1, nin)
        t:select(2, 2):copy(gi[i])
        self.gradInput[i] = t
      end
    end
  end
  return self.gradInput
end

-- After exactly one accumulation since zeroGradParameters, only the columns
-- of that input changed: update (and zero) just those.
function SparseLinear:updateParameters(learningRate)
  if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
    local u = self.lastInput
    if u:nElement() > 0 then
      local w = self.weight:index(2, u):add(-learningRate, self.gradWeight:index(2, u))
      self.weight:indexCopy(2, u, w)
    end
    self.bias:add(-learningRate, self.gradBias)
  else
    sparent.updateParameters(self, learningRate)
  end
end

function SparseLinear:zeroGradParameters()
  if self.lastInput and self.sparseUpdate == ONE_LAST_INPUT then
    if self.lastInput:nElement() > 0 then self.gradWeight:indexFill(2, self.lastInput, 0) end
    self.gradBias:zero()
  else
    sparent.zeroGradParameters(self)
  end
  self.sparseUpdate = NO_LAST_INPUT
end

function SparseLinear:accUpdateGradParameters(input, gradOutput, lr)
  local gw, gb, wd = self.gradWeight, self.gradBias, self.weightDecay
  -- accumulate straight into the parameters (the state machine is untouched)
  local state, last = self.sparseUpdate, self.lastInput
  self.gradWeight, self.gradBias = self.weight, self.bias
  self.weightDecay = 0
  self:accGradParameters(input, gradOutput, -lr)
  self.gradWeight, self.gradBias, self.weightDecay = gw, gb, wd
  self.sparseUpdate, self.lastInput = state, last
end

function SparseLinear:clearState()
  self._plan = nil
  self.lastInput = nil
  self.sparseUpdate = NO_LAST_INPUT
  return sparent.clearState(self)
end

function SparseLinear:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.weight:size(2), self.weight:size(1))
end

-- ---------------------------------------------------------------- IndexLinear

local IndexLinear, iparent = torch.class("nn.IndexLinear", "nn.Module", nn)

--- nn.IndexLinear(inputSize, outputSize [, doGradInput, keysOffset, weight, bias, normalize])
-- -- z = W' x + b for sparse x given as keys (LongTensor) and values:
-- {keys, values} (one sample, output (outputSize)), {{keys...}, {values...}}
-- (a batch) or {flatKeys, flatValues, sizes} (a concatenated batch).
-- weight (inputSize, outputSize), zero at creation as Torch7's; keys lie in
-- [1 + keysOffset, inputSize + keysOffset].  Gradients of the weight rows
-- are accumulated sparsely until updateParameters.
function IndexLinear:__init(inputSize, outputSize, doGradInput, keysOffset, weight, bias, normalize)
  iparent.__init(self)
  if normalize then
    error("nn.IndexLinear: max-normalisation (normalize = true) is not supported", 2)
  end
  if weight == nil and (type(inputSize) ~= "number" or type(outputSize) ~= "number") then
    error("nn.IndexLinear: expected IndexLinear(inputSize, outputSize [, doGradInput, keysOffset, weight, bias])", 2)
  end
  self.normalize = 0
  self.weight = weight or torch.Tensor(inputSize, outputSize):zero()
  if self.weight:dim() ~= 2 then error("nn.IndexLinear: weight must be (inputSize, outputSize)", 2) end
  self.inputSize, self.outputSize = self.weight:size(1), self.weight:size(2)
  self.bias = bias or torch.Tensor(self.outputSize):zero()
  if self.bias:nElement() ~= self.outputSize then
    error("nn.IndexLinear: bias must have outputSize = " .. self.outputSize .. " elements", 2)
  end
  -- the sparse gradient of the last updateParameters (rows updateKeys of weight)
  self.gradWeight = torch.Tensor()
  self.gradBias = torch.Tensor(self.outputSize):zero()
  self.running = { keys = {}, gradWeight = {}, counter = 1 }
  self.weightDecay = 0
  self.doGradInput = doGradInput or false
  self.keysOffset = keysOffset or 0
end

function IndexLinear:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.weight:size(2))
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv):mul(0.000001)
  return self
end

-- flattens the input into self._plan; sets isFlat and noBatch
local function il_flatten(self, who, input)
  if type(input) ~= "table" or (#input ~= 2 and #input ~= 3) then
    fail(who, "expected {keys, values}, {{keys...}, {values...}} or {keys, values, sizes}, got %s", util.shape(input))
  end
  local keys, vals, rows, B
  if #input == 3 then
    keys, vals = input[1], input[2]
    local sizes = torch.isTensor(input[3]) and input[3] or torch.LongTensor { input[3] }
    if not torch.isTensor(keys) or not torch.isTensor(vals) or keys:nElement() ~= vals:nElement()
        or (keys:nElement() > 0 and keys:dim() ~= 1) then
      fail(who, "flat keys and values must be 1D of the same size (keys %s, values %s)", util.shape(keys), util.shape(vals))
    end
    B = sizes:nElement()
    if sizes:sum() ~= keys:nElement() then
      fail(who, "sizes sum to %d but there are %d keys", sizes:sum(), keys:nElement())
    end
    rows = torch.LongTensor(keys:nElement())
    local off = 1
    for b = 1, B do
      local s = sizes[b]
      if s > 0 then rows:narrow(1, off, s):fill(b) end
      off = off + s
    end
    self.isFlat, self.noBatch = true, false
  else
    local lk, lv = input[1], input[2]
    if torch.isTensor(lk) and torch.isTensor(lv) then
      lk, lv = { lk }, { lv }
      self.noBatch = true
    elseif type(lk) == "table" and type(lv) == "table" and #lk == #lv then
      self.noBatch = false
    else
      fail(who, "expected {keys, values} tensors or tables of the same length, got %s", util.shape(input))
    end
    self.isFlat = false
    B = #lk
    local ks, vs, rs = {}, {}, {}
    for i = 1, B do
      local k, v = lk[i], lv[i]
      if not torch.isTensor(k) or not torch.isTensor(v) or k:nElement() ~= v:nElement()
          or (k:nElement() > 0 and (k:dim() ~= 1 or v:dim() ~= 1)) then
        fail(who, "sample %d: keys and values must be 1D of the same size (keys %s, values %s)", i,
          util.shape(k), util.shape(v))
      end
      if k:nElement() > 0 then
        ks[#ks + 1], vs[#vs + 1] = k, v
        rs[#rs + 1] = torch.LongTensor(k:nElement()):fill(i)
      end
    end
    keys = #ks > 0 and torch.cat(ks, 1) or torch.LongTensor()
    vals = #ks > 0 and torch.cat(vs, 1) or util.new(self.weight)
    rows = #ks > 0 and torch.cat(rs, 1) or torch.LongTensor()
  end
  keys = keys:long()
  if self.keysOffset ~= 0 then keys = keys:clone():add(-self.keysOffset) end
  check_keys(who, keys, self.inputSize)
  self._plan = make_plan(keys:contiguous(), vals:typeAs(self.weight):contiguous(), rows, B)
  return self._plan
end

function IndexLinear:updateOutput(input)
  local plan = il_flatten(self, "nn.IndexLinear.updateOutput", input)
  local nout = self.outputSize
  local out = self.output:resize(plan.B, nout):copy(self.bias:view(1, nout):expand(plan.B, nout))
  plan_forward(plan, self.weight, out)
  if self.noBatch then self.output:resize(nout) end
  return self.output
end

local function il_gradout(self, who, gradOutput)
  local plan = self._plan
  if plan == nil then fail(who, "call forward first") end
  if gradOutput:nElement() ~= plan.B * self.outputSize then
    fail(who, "gradOutput %s does not match the output (%d, %d)", util.shape(gradOutput), plan.B, self.outputSize)
  end
  return plan, gradOutput:contiguous():view(plan.B, self.outputSize)
end

function IndexLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local plan, g = il_gradout(self, "nn.IndexLinear.accGradParameters", gradOutput)
  local gu = plan_grad(plan, g, scale)
  if self.weightDecay ~= 0 and plan.u:nElement() > 0 then gu:add(self.weightDecay, self.weight:index(1, plan.u)) end
  local r = self.running
  r.keys[r.counter], r.gradWeight[r.counter] = plan.u, gu
  r.counter = r.counter + 1
  self.gradBias:add(scale, g:sum(1):view(self.outputSize))
end

function IndexLinear:accUpdateGradParameters(input, gradOutput, lr)
  local plan, g = il_gradout(self, "nn.IndexLinear.accUpdateGradParameters", gradOutput)
  local gu = plan_grad(plan, g, 1)
  if plan.u:nElement() > 0 then
    if self.weightDecay ~= 0 then gu:add(self.weightDecay, self.weight:index(1, plan.u)) end
    self.weight:indexAdd(1, plan.u, gu:mul(-lr))
  end
  self.bias:add(-lr, g:sum(1):view(self.outputSize))
end

function IndexLinear:updateGradInput(input, gradOutput)
  self.gradInput = {}
  if not self.doGradInput then return self.gradInput end
  local nin = self.inputSize
  local g = gradOutput:dim() == 1 and gradOutput:view(1, -1) or gradOutput
  local gi = util.new(g):resize(g:size(1), nin):mm(g, self.weight:t())
  local idx = torch.LongTensor():range(1 + self.keysOffset, nin + self.keysOffset)
  if self.noBatch then
    self.gradInput = { idx, gi:view(nin) }
  elseif self.isFlat then
    self.gradInput = { idx:view(1, nin):expand(gi:size(1), nin):clone(), gi }
  else
    self.gradInput = { {}, {} }
    for i = 1, gi:size(1) do
      self.gradInput[1][i] = idx:clone()
      self.gradInput[2][i] = gi[i]:clone()
    end
  end
  return self.gradInput
end

--- indexlinear:updateParameters(lr) -- bias -= lr gradBias; the weight rows
-- touched since zeroGradParameters -= lr times their accumulated gradient.
function IndexLinear:updateParameters(lr)
  if lr == nil then error("nn.IndexLinear.updateParameters: a learning rate is required", 2) end
  local r = self.running
  if r.counter == 1 then return end
  self.bias:add(-lr, self.gradBias)
  for i = 1, r.counter - 1 do
    if r.keys[i]:nElement() > 0 then
      self.weight:indexAdd(1, r.keys[i], r.gradWeight[i]:clone():mul(-lr))
    end
  end
  if r.counter == 2 then
    self.updateKeys, self.gradWeight = r.keys[1], r.gradWeight[1]
  else
    local ks, gs = {}, {}
    for i = 1, r.counter - 1 do ks[i], gs[i] = r.keys[i], r.gradWeight[i] end
    self.updateKeys, self.gradWeight = torch.cat(ks, 1), torch.cat(gs, 1)
  end
end

function IndexLinear:zeroGradParameters()
  self.gradBias:zero()
  self.running = { keys = {}, gradWeight = {}, counter = 1 }
end

--- indexlinear:parameters() -> {weight, bias}, {running, gradBias}: the
-- weight's gradient is sparse (Torch7's layout), so getParameters does not apply.
function IndexLinear:parameters()
  return { self.weight, self.bias }, { self.running, self.gradBias }
end

function IndexLinear:clearState()
  self._plan = nil
  self.running = { keys = {}, gradWeight = {}, counter = 1 }
  self.updateKeys = nil
  self.gradWeight = util.new(self.weight)
  return iparent.clearState(self)
end

function IndexLinear:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.inputSize, self.outputSize)
end

-- ---------------------------------------------------------------- PartialLinear

local PartialLinear, pparent = torch.class("nn.PartialLinear", "nn.Module", nn)

--- nn.PartialLinear(inputSize, outputSize [, bias]) -- a Linear whose
-- output can be restricted to the units of a partition (setPartition):
-- input (N, inputSize) gives (N, #partition).  The weight is the
-- LookupTable(outputSize, inputSize) inside self.network, as Torch7's.
function PartialLinear:__init(inputSize, outputSize, bias)
  pparent.__init(self)
  if type(inputSize) ~= "number" or type(outputSize) ~= "number" then
    error("nn.PartialLinear: expected PartialLinear(inputSize, outputSize [, bias])", 2)
  end
  local pt = nn.ParallelTable():add(nn.Identity()):add(nn.LookupTable(outputSize, inputSize))
  self.network = nn.Sequential():add(pt):add(nn.MM(false, true))
  if bias ~= false then
    self.bias = torch.Tensor(1, outputSize):zero()
    self.gradBias = torch.Tensor(1, outputSize):zero()
  end
  self.inputsize, self.outputsize = inputSize, outputSize
  self.allcolumns = torch.range(1, outputSize)
  self:resetPartition()
end

--- partiallinear:setPartition(indices) -- restrict the output to these units (1..outputSize).
function PartialLinear:setPartition(indices)
  local p = indices:type(self.allcolumns:type())
  if p:dim() ~= 1 or (p:nElement() > 0 and (p:min() < 1 or p:max() > self.outputsize)) then
    error(string.format("nn.PartialLinear.setPartition: expected a 1D tensor of units in 1..%d, got %s",
      self.outputsize, util.shape(indices)), 2)
  end
  self.partition = p
  return self
end

--- partiallinear:resetPartition() -- all units again.
function PartialLinear:resetPartition()
  self.partition = self.allcolumns
  return self
end

function PartialLinear:parameters()
  local lt = self.network:get(1):get(2)
  if self.bias then return { lt.weight, self.bias }, { lt.gradWeight, self.gradBias } end
  return { lt.weight }, { lt.gradWeight }
end

function PartialLinear:updateOutput(input)
  if not torch.isTensor(input) or input:dim() ~= 2 or input:size(2) ~= self.inputsize then
    error(string.format("nn.PartialLinear.updateOutput: expected input (N, %d), got %s",
      self.inputsize, util.shape(input)), 2)
  end
  self.output = self.network:forward({ input, self.partition })
  if self.bias then
    local b = self.bias:index(2, self.partition:long())
    self.output:add(b:expandAs(self.output))
  end
  return self.output
end

function PartialLinear:updateGradInput(input, gradOutput)
  if self.gradInput then
    self.network:updateGradInput({ input, self.partition }, gradOutput)
    self.gradInput = self.network.gradInput[1]
  end
  return self.gradInput
end

function PartialLinear:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  self.network:accGradParameters({ input, self.partition }, gradOutput, scale)
  if self.bias then
    local s = gradOutput:sum(1):mul(scale)
    self.gradBias:indexAdd(2, self.partition:long(), s:view(1, s:nElement()))
  end
end

function PartialLinear:accUpdateGradParameters(input, gradOutput, lr)
  local lt = self.network:get(1):get(2)
  local gw, gb = lt.gradWeight, self.gradBias
  lt.gradWeight, self.gradBias = lt.weight, self.bias
  self:accGradParameters(input, gradOutput, -lr)
  lt.gradWeight, self.gradBias = gw, gb
end

function PartialLinear:zeroGradParameters()
  self.network:zeroGradParameters()
  if self.gradBias then self.gradBias:zero() end
end

function PartialLinear:updateParameters(learningRate)
  self.network:updateParameters(learningRate)
  if self.bias then self.bias:add(-learningRate, self.gradBias) end
end

function PartialLinear:sharedAccUpdateGradParameters(input, gradOutput, lr)
  -- the parameters are not shared through accumulation: update directly
  self:accUpdateGradParameters(input, gradOutput, lr)
end

function PartialLinear:type(typename, cache)
  self.network:type(typename, cache)
  return pparent.type(self, typename, cache)
end

function PartialLinear:clearState()
  self.network:clearState()
  return pparent.clearState(self)
end

function PartialLinear:__tostring__()
  return torch.type(self) .. string.format("(%d -> %d)", self.inputsize, self.outputsize)
    .. (self.bias == nil and " without bias" or "")
end

-- ---------------------------------------------------------------- SparseJacobian

-- Gradient checks for modules whose 2D input carries its values in column 2
-- (SparseLinear's {index, value} rows; any (N, >= 2) tensor): the input
-- Jacobian is over input[{{}, 2}], (N, nElement(output)).
local SJ = {}
nn.SparseJacobian = SJ

local function output_grad_views(module)
  local dout = util.new(module.output):resizeAs(module.output):zero()
  return dout, dout:view(-1)
end

-- d output / d input[{{}, 2}] from a gradInput: the same rows, or (a table
-- of one) dense {index, value} rows, as SparseLinear gives, read at the input's indices
local function value_grad(din, input)
  if type(din) == "table" then din = din[1] end
  if din:size(1) == input:size(1) then return din:select(2, 2) end
  return din:select(2, 2):index(1, input:select(2, 1):long())
end

--- nn.SparseJacobian.backward(module, input [, param, dparam]) -> the Jacobian
-- by back-propagation (of column 2 of input, or of param with its gradient dparam).
function SJ.backward(module, input, param, dparam)
  module:forward(input)
  local dout, flat = output_grad_views(module)
  local rows = param and param:nElement() or input:size(1)
  local jac = torch.Tensor(rows, flat:nElement()):zero()
  for i = 1, flat:nElement() do
    flat:zero()
    flat[i] = 1
    module:zeroGradParameters()
    local din = module:updateGradInput(input, dout)
    module:accGradParameters(input, dout)
    if param then
      jac:select(2, i):copy(dparam:contiguous():view(-1))
    else
      jac:select(2, i):copy(value_grad(din, input))
    end
  end
  return jac
end

--- nn.SparseJacobian.backwardUpdate(module, input, param) -> the Jacobian of
-- param through accUpdateGradParameters (learning rate 1).
function SJ.backwardUpdate(module, input, param)
  module:forward(input)
  local dout, flat = output_grad_views(module)
  local params = module:parameters()
  local saved = {}
  for j, p in ipairs(params) do saved[j] = p:clone() end
  local jac = torch.Tensor(param:nElement(), flat:nElement()):zero()
  for i = 1, flat:nElement() do
    for j, p in ipairs(params) do p:copy(saved[j]) end
    flat:zero()
    flat[i] = 1
    module:zeroGradParameters()
    module:updateGradInput(input, dout)
    module:accUpdateGradParameters(input, dout, 1)
    jac:select(2, i):copy(param:contiguous():view(-1))
  end
  for j, p in ipairs(params) do p:copy(saved[j]) end
  return jac
end

-- central differences of the output over the elements of `sin` (a view)
local function perturb(module, input, sin, small)
  local o = module:forward(input)
  local jac = torch.Tensor(sin:nElement(), o:nElement())
  for i = 1, sin:nElement() do
    local v = sin[i]
    sin[i] = v - small
    local a = module:forward(input):contiguous():view(-1):clone()
    sin[i] = v + small
    local b = module:forward(input):contiguous():view(-1):clone()
    sin[i] = v
    jac:select(1, i):copy(b:add(-1, a):div(2 * small))
  end
  return jac
end

--- nn.SparseJacobian.forward(module, input [, param]) -> the Jacobian by central differences.
function SJ.forward(module, input, param)
  local sin = param and param:view(-1) or input:select(2, 2)
  return perturb(module, input, sin, 1e-6)
end

--- nn.SparseJacobian.forwardUpdate(module, input, param) -> param - (forward
-- Jacobian of param), the expected result of backwardUpdate.
function SJ.forwardUpdate(module, input, param)
  local sin = param:view(-1)
  local jac = perturb(module, input, sin, 1e-6):mul(-1)
  jac:add(sin:view(-1, 1):expandAs(jac))
  return jac
end

local function fill(t, minval, maxval)
  minval, maxval = minval or -2, maxval or 2
  t:copy(torch.rand(t:nElement()):mul(maxval - minval):add(minval):viewAs(t))
end

--- nn.SparseJacobian.testJacobian(module, input [, minval, maxval]) -> max error.
function SJ.testJacobian(module, input, minval, maxval)
  fill(input:select(2, 2), minval, maxval)
  local jf = SJ.forward(module, input)
  local jb = SJ.backward(module, input)
  return jf:add(-1, jb):abs():max()
end

--- nn.SparseJacobian.testJacobianParameters(module, input, param, dparam [, minval, maxval]) -> max error.
function SJ.testJacobianParameters(module, input, param, dparam, minval, maxval)
  fill(input:select(2, 2), minval, maxval)
  fill(param, minval, maxval)
  local jb = SJ.backward(module, input, param, dparam)
  local jf = SJ.forward(module, input, param)
  return jf:add(-1, jb):abs():max()
end

--- nn.SparseJacobian.testJacobianUpdateParameters(module, input, param [, minval, maxval]) -> max error.
function SJ.testJacobianUpdateParameters(module, input, param, minval, maxval)
  fill(input:select(2, 2), minval, maxval)
  fill(param, minval, maxval)
  local jb = SJ.backwardUpdate(module, input, param)
  local jf = SJ.forwardUpdate(module, input, param)
  return jf:add(-1, jb):abs():max()
end

--- nn.SparseJacobian.testIO(module, input [, minval, maxval]) -> errf, errb
-- after a save/load round trip (forward output and gradInput).
function SJ.testIO(module, input, minval, maxval)
  module:forward(input)
  local go = util.new(module.output):resizeAs(module.output)
  fill(go, minval, maxval)
  module:zeroGradParameters()
  module:updateGradInput(input, go)
  module:accGradParameters(input, go)
  local fo, bo = module.output:clone(), module.gradInput:clone()
  local f = torch.MemoryFile("rw"):binary()
  f:writeObject(module)
  f:seek(1)
  local m = f:readObject()
  f:close()
  m:forward(input)
  m:zeroGradParameters()
  m:updateGradInput(input, go)
  m:accGradParameters(input, go)
  return fo:add(-1, m.output):abs():max(), bo:add(-1, m.gradInput):abs():max()
end
