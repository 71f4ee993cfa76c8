-- Shape, table and simple arithmetic modules: nn.Identity, View, Reshape,
-- Transpose, Narrow, Select, Squeeze, Unsqueeze, Contiguous, Copy, Padding,
-- SpatialZeroPadding, JoinTable, SplitTable, SelectTable, CAddTable,
-- CSubTable, CMulTable, CDivTable, MulConstant, AddConstant, Mean, Sum, Max,
-- Min, Normalize, Replicate, Dropout, SpatialDropout.
-- Semantics follow Torch7 (including batch-mode dimension rules where
-- Torch7 has them: nInputDims).  Not here: Torch7's in-place modes that
-- alias the input for JoinTable/SplitTable.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- a number, or the value of a one-element tensor
local function scalar(v)
  if torch.isTensor(v) and v:nElement() == 1 then return v:view(-1)[1] end
  return v
end

-- ---------------------------------------------------------------- Identity

local Identity = torch.class("nn.Identity", "nn.Module", nn)
--- nn.Identity() -- y = x (tensors or tables, passed by reference).
function Identity:updateOutput(input) self.output = input; return input end
function Identity:updateGradInput(input, gradOutput) self.gradInput = gradOutput; return gradOutput end
function Identity:clearState()
  self.output, self.gradInput = nil, nil
  return self
end

-- ---------------------------------------------------------------- View / Reshape

local function numel_of(size)
  local n = 1
  for i = 1, #size do n = n * size[i] end
  return n
end

local View = torch.class("nn.View", "nn.Module", nn)

--- nn.View(size...) -- a view with the given size (one entry may be -1);
-- with setNumInputDims(n), extra leading dims are kept as a batch.
function View:__init(...)
  Module.__init(self)
  local args = { ... }
  local size
  if #args == 1 and torch.typename(args[1]) == "torch.LongStorage" then
    size = args[1]
  else
    size = torch.LongStorage(#args)
    for i, v in ipairs(args) do size[i] = v end
  end
  self.size = size
  self.numElements = 1
  local inferdim = false
  for i = 1, #size do
    if size[i] == -1 then
      if inferdim then error("nn.View: only one dimension can be -1", 2) end
      inferdim = true
    else
      self.numElements = self.numElements * size[i]
    end
  end
  self.numInputDims = nil
end

--- view:setNumInputDims(n) -> self: inputs with more than n dims are batches.
function View:setNumInputDims(n)
  self.numInputDims = n
  return self
end

local function has_infer(self)
  for i = 1, #self.size do if self.size[i] == -1 then return true end end
  return false
end

local function batch_size(self, input)
  local ind = input:dim()
  local isz = input:size()
  local maxdim = self.numInputDims or ind
  if ind > maxdim then
    local bsz = 1
    for i = 1, ind - maxdim do bsz = bsz * isz[i] end
    return bsz
  end
  -- Torch7: when the element count is a multiple of the view's, the extra is a batch
  if self.numElements > 0 and input:nElement() ~= self.numElements and not has_infer(self) then
    if input:nElement() % self.numElements == 0 then return input:nElement() // self.numElements end
  end
  return nil
end

function View:updateOutput(input)
  self.output = self.output or util.new(input)
  local bsz = batch_size(self, input)
  local sz
  if bsz then
    sz = torch.LongStorage(#self.size + 1)
    sz[1] = bsz
    for i = 1, #self.size do sz[i + 1] = self.size[i] end
  else
    sz = self.size
  end
  local n = input:nElement()
  local known, infer = 1, nil
  for i = 1, #sz do if sz[i] == -1 then infer = i else known = known * sz[i] end end
  if infer then
    sz = torch.LongStorage(sz:totable())
    if known == 0 or n % known ~= 0 then
      fail("nn.View.updateOutput", "cannot view input %s as %s", util.shape(input),
        table.concat(self.size:totable(), "x"))
    end
    sz[infer] = n // known
  elseif numel_of(sz) ~= n then
    fail("nn.View.updateOutput", "input %s has %d elements, the view %s needs %d", util.shape(input), n,
      table.concat(sz:totable(), "x"), numel_of(sz))
  end
  self.output = util.contiguousView(self.output, input, sz)
  return self.output
end

function View:updateGradInput(input, gradOutput)
  self.gradInput = self.gradInput or util.new(gradOutput)
  self.gradInput = util.contiguousView(self.gradInput, gradOutput, input:size())
  return self.gradInput
end

function View:__tostring__()
  local d = {}
  for i = 1, #self.size do d[i] = tostring(self.size[i]) end
  return torch.type(self) .. "(" .. table.concat(d, "x") .. ")"
end

local Reshape = torch.class("nn.Reshape", "nn.Module", nn)

--- nn.Reshape(size... [, batchMode]) -- a copy/view with the given size; the
-- first dim is a batch when input has more elements (or batchMode is true).
function Reshape:__init(...)
  Module.__init(self)
  local args = { ... }
  local batchMode
  if type(args[#args]) == "boolean" then batchMode = table.remove(args) end
  if #args == 1 and torch.typename(args[1]) == "torch.LongStorage" then
    self.size = args[1]
  else
    self.size = torch.LongStorage(#args)
    for i, v in ipairs(args) do self.size[i] = v end
  end
  self.batchMode = batchMode
  self.nelement = numel_of(self.size)
  self.batchsize = torch.LongStorage(#self.size + 1)
  for i = 1, #self.size do self.batchsize[i + 1] = self.size[i] end
end

function Reshape:updateOutput(input)
  if not input:isContiguous() then
    self._input = self._input or util.new(input)
    self._input:resizeAs(input):copy(input)
    input = self._input
  end
  if (self.batchMode == false) or (self.batchMode == nil and input:nElement() == self.nelement
      and input:size(1) ~= 1) then
    if input:nElement() ~= self.nelement then
      fail("nn.Reshape.updateOutput", "input %s does not have %d elements", util.shape(input), self.nelement)
    end
    self.output:view(input, self.size)
  else
    self.batchsize[1] = input:size(1)
    if input:nElement() ~= self.nelement * input:size(1) then
      fail("nn.Reshape.updateOutput", "input %s does not have %d elements per sample", util.shape(input),
        self.nelement)
    end
    self.output:view(input, self.batchsize)
  end
  return self.output
end

function Reshape:updateGradInput(input, gradOutput)
  if not gradOutput:isContiguous() then
    self._gradOutput = self._gradOutput or util.new(gradOutput)
    self._gradOutput:resizeAs(gradOutput):copy(gradOutput)
    gradOutput = self._gradOutput
  end
  self.gradInput:viewAs(gradOutput, input)
  return self.gradInput
end

function Reshape:__tostring__()
  local d = {}
  for i = 1, #self.size do d[i] = tostring(self.size[i]) end
  return torch.type(self) .. "(" .. table.concat(d, "x") .. ")"
end

-- ---------------------------------------------------------------- Transpose

local Transpose = torch.class("nn.Transpose", "nn.Module", nn)

--- nn.Transpose({d1, d2}, ...) -- swaps the given dimension pairs in order.
function Transpose:__init(...)
  Module.__init(self)
  self.permutations = { ... }
  self.numInputDims = nil
end

function Transpose:setNumInputDims(n) self.numInputDims = n; return self end

function Transpose:updateOutput(input)
  local off = (self.numInputDims and input:dim() > self.numInputDims) and 1 or 0
  for _, p in ipairs(self.permutations) do input = input:transpose(p[1] + off, p[2] + off) end
  self.output:resizeAs(input):copy(input)
  return self.output
end

function Transpose:updateGradInput(input, gradOutput)
  local off = (self.numInputDims and input:dim() > self.numInputDims) and 1 or 0
  for i = #self.permutations, 1, -1 do
    local p = self.permutations[i]
    gradOutput = gradOutput:transpose(p[1] + off, p[2] + off)
  end
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- Narrow / Select

local Narrow = torch.class("nn.Narrow", "nn.Module", nn)

--- nn.Narrow(dim, offset [, length]) -- input:narrow(dim, offset, length);
-- a negative length counts from the end (length default 1).
function Narrow:__init(dimension, offset, length)
  Module.__init(self)
  self.dimension = dimension
  self.index = offset
  self.length = length or 1
end

local function narrow_args(self, input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local len = self.length
  local idx = self.index
  if len < 0 then len = input:size(dim) - idx + len + 2 end
  if idx < 0 then
    -- Torch7: a negative offset keeps the first size - length entries
    idx = 1
    len = input:size(dim) - len
  end
  return dim, idx, len
end

function Narrow:updateOutput(input)
  local dim, idx, len = narrow_args(self, input)
  local o = input:narrow(dim, idx, len)
  self.output:resizeAs(o):copy(o)
  return self.output
end

function Narrow:updateGradInput(input, gradOutput)
  local dim, idx, len = narrow_args(self, input)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:narrow(dim, idx, len):copy(gradOutput)
  return self.gradInput
end

local Select = torch.class("nn.Select", "nn.Module", nn)

--- nn.Select(dim, index) -- input:select(dim, index) (negative values count from the end).
function Select:__init(dimension, index)
  Module.__init(self)
  self.dimension = dimension
  self.index = index
end

local function select_args(self, input)
  local dim = self.dimension < 0 and input:dim() + self.dimension + 1 or self.dimension
  local idx = self.index < 0 and input:size(dim) + self.index + 1 or self.index
  return dim, idx
end

function Select:updateOutput(input)
  local dim, idx = select_args(self, input)
  local o = input:select(dim, idx)
  self.output:resizeAs(o):copy(o)
  return self.output
end

function Select:updateGradInput(input, gradOutput)
  local dim, idx = select_args(self, input)
  self.gradInput:resizeAs(input):zero()
  self.gradInput:select(dim, idx):copy(gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- Squeeze / Unsqueeze / Contiguous / Copy

local Squeeze = torch.class("nn.Squeeze", "nn.Module", nn)

--- nn.Squeeze([dim [, numInputDims]]) -- drops size-1 dims (or only dim).
function Squeeze:__init(dim, numInputDims)
  Module.__init(self)
  self.dim = dim
  self.numInputDims = numInputDims
end

function Squeeze:updateOutput(input)
  local dim = self.dim
  if dim and self.numInputDims and input:dim() > self.numInputDims then dim = dim + input:dim() - self.numInputDims end
  local o
  if dim then
    o = input:size(dim) == 1 and input:squeeze(dim) or input
  else
    o = input:squeeze()
  end
  self.output:set(o)
  return self.output
end

function Squeeze:updateGradInput(input, gradOutput)
  self.gradInput = util.contiguousView(self.gradInput, gradOutput, input:size())
  return self.gradInput
end

local Unsqueeze = torch.class("nn.Unsqueeze", "nn.Module", nn)

--- nn.Unsqueeze(pos [, numInputDims]) -- inserts a size-1 dim at pos.
function Unsqueeze:__init(pos, numInputDims)
  Module.__init(self)
  self.pos = pos
  self.numInputDims = numInputDims
end

function Unsqueeze:updateOutput(input)
  local pos = self.pos
  -- the leading dimensions beyond numInputDims are batch dimensions
  if self.numInputDims and input:dim() > self.numInputDims then pos = pos + input:dim() - self.numInputDims end
  self.output:set(input:unsqueeze(pos))
  return self.output
end

function Unsqueeze:updateGradInput(input, gradOutput)
  self.gradInput = util.contiguousView(self.gradInput, gradOutput, input:size())
  return self.gradInput
end

local Contiguous = torch.class("nn.Contiguous", "nn.Module", nn)
--- nn.Contiguous() -- a contiguous copy (or the input itself when contiguous).
function Contiguous:updateOutput(input)
  if input:isContiguous() then self.output:set(input) else self.output:resizeAs(input):copy(input) end
  return self.output
end
function Contiguous:updateGradInput(input, gradOutput)
  if gradOutput:isContiguous() then self.gradInput:set(gradOutput)
  else self.gradInput:resizeAs(gradOutput):copy(gradOutput) end
  return self.gradInput
end

local Copy = torch.class("nn.Copy", "nn.Module", nn)

--- nn.Copy(inputType, outputType [, forceCopy, dontCast]) -- converts between tensor types.
function Copy:__init(intype, outtype, forceCopy, dontCast)
  Module.__init(self)
  intype = intype or torch.Tensor.__typename or torch.typename(torch.Tensor())
  outtype = outtype or intype
  self.dontCast = dontCast
  self.forceCopy = forceCopy
  self.gradInput = torch.getconstructortable(intype)()
  self.output = torch.getconstructortable(outtype)()
end

function Copy:updateOutput(input)
  if torch.typename(input) == torch.typename(self.output) and not self.forceCopy then
    self.output = input
  else
    self.output:resize(input:size()):copy(input)
  end
  return self.output
end

function Copy:updateGradInput(input, gradOutput)
  if torch.typename(gradOutput) == torch.typename(self.gradInput) and not self.forceCopy then
    self.gradInput = gradOutput
  else
    self.gradInput:resize(gradOutput:size()):copy(gradOutput)
  end
  return self.gradInput
end

function Copy:type(t, c)
  if self.dontCast then return self end
  return Module.type(self, t, c)
end

-- ---------------------------------------------------------------- Padding

local Padding = torch.class("nn.Padding", "nn.Module", nn)

--- nn.Padding(dim, pad [, nInputDim [, value [, index]]]) -- adds |pad|
-- entries of value along dim: after when pad > 0, before when pad < 0
-- (index: where to insert, default the end/start).
function Padding:__init(dim, pad, nInputDim, value, index)
  Module.__init(self)
  self.value = scalar(value) or 0
  self.index = index or 1
  self.dim = dim
  self.pad = pad
  self.nInputDim = nInputDim
end

function Padding:updateOutput(input)
  local dim = self.dim
  if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
  local sz = input:size()
  sz[dim] = sz[dim] + math.abs(self.pad)
  self.output:resize(sz)
  local n = input:size(dim)
  local index = self.index
  local pad = self.pad
  if pad > 0 then index = n - index + 2 end
  if index == 1 then
    self.output:narrow(dim, 1, math.abs(pad)):fill(self.value)
    self.output:narrow(dim, 1 + math.abs(pad), n):copy(input)
  elseif index == n + 1 then
    self.output:narrow(dim, 1, n):copy(input)
    self.output:narrow(dim, n + 1, math.abs(pad)):fill(self.value)
  else
    self.output:narrow(dim, 1, index - 1):copy(input:narrow(dim, 1, index - 1))
    self.output:narrow(dim, index, math.abs(pad)):fill(self.value)
    self.output:narrow(dim, index + math.abs(pad), n - index + 1):copy(input:narrow(dim, index, n - index + 1))
  end
  return self.output
end

function Padding:updateGradInput(input, gradOutput)
  local dim = self.dim
  if self.nInputDim and input:dim() ~= self.nInputDim then dim = dim + 1 end
  local n = input:size(dim)
  local index = self.index
  local pad = self.pad
  if pad > 0 then index = n - index + 2 end
  self.gradInput:resizeAs(input)
  if index == 1 then
    self.gradInput:copy(gradOutput:narrow(dim, 1 + math.abs(pad), n))
  elseif index == n + 1 then
    self.gradInput:copy(gradOutput:narrow(dim, 1, n))
  else
    self.gradInput:narrow(dim, 1, index - 1):copy(gradOutput:narrow(dim, 1, index - 1))
    self.gradInput:narrow(dim, index, n - index + 1):copy(gradOutput:narrow(dim, index + math.abs(pad), n - index + 1))
  end
  return self.gradInput
end

local SZP = torch.class("nn.SpatialZeroPadding", "nn.Module", nn)

--- nn.SpatialZeroPadding(l [, r, t, b]) -- pads (or crops, when negative) the
-- last two dims of (C, H, W) or (N, C, H, W) with zeros.
function SZP:__init(pad_l, pad_r, pad_t, pad_b)
  Module.__init(self)
  self.pad_l = pad_l
  self.pad_r = pad_r or pad_l
  self.pad_t = pad_t or pad_l
  self.pad_b = pad_b or pad_l
end

local function szp_views(self, big, small, h, w)
  -- the regions of big and small that correspond (negative pads crop)
  local hd, wd = big:dim() - 1, big:dim()
  local b, s = big, small
  if self.pad_t > 0 then b = b:narrow(hd, 1 + self.pad_t, b:size(hd) - self.pad_t) end
  if self.pad_t < 0 then s = s:narrow(hd, 1 - self.pad_t, s:size(hd) + self.pad_t) end
  if self.pad_b > 0 then b = b:narrow(hd, 1, b:size(hd) - self.pad_b) end
  if self.pad_b < 0 then s = s:narrow(hd, 1, s:size(hd) + self.pad_b) end
  if self.pad_l > 0 then b = b:narrow(wd, 1 + self.pad_l, b:size(wd) - self.pad_l) end
  if self.pad_l < 0 then s = s:narrow(wd, 1 - self.pad_l, s:size(wd) + self.pad_l) end
  if self.pad_r > 0 then b = b:narrow(wd, 1, b:size(wd) - self.pad_r) end
  if self.pad_r < 0 then s = s:narrow(wd, 1, s:size(wd) + self.pad_r) end
  return b, s
end

function SZP:updateOutput(input)
  local d = input:dim()
  if d ~= 3 and d ~= 4 then fail("nn.SpatialZeroPadding.updateOutput", "expected (C, H, W) or (N, C, H, W), got %s", util.shape(input)) end
  local sz = input:size()
  sz[d - 1] = sz[d - 1] + self.pad_t + self.pad_b
  sz[d] = sz[d] + self.pad_l + self.pad_r
  if sz[d - 1] <= 0 or sz[d] <= 0 then fail("nn.SpatialZeroPadding.updateOutput", "input %s is too small", util.shape(input)) end
  self.output:resize(sz):zero()
  local o, i = szp_views(self, self.output, input)
  o:copy(i)
  return self.output
end

function SZP:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(input):zero()
  local g, gi = szp_views(self, gradOutput, self.gradInput)
  gi:copy(g)
  return self.gradInput
end

function SZP:__tostring__()
  return torch.type(self) .. string.format("(l=%d, r=%d, t=%d, b=%d)", self.pad_l, self.pad_r, self.pad_t, self.pad_b)
end

-- ---------------------------------------------------------------- table modules

local JoinTable = torch.class("nn.JoinTable", "nn.Module", nn)

--- nn.JoinTable(dim [, nInputDims]) -- concatenates a table of tensors along dim.
function JoinTable:__init(dimension, nInputDims)
  Module.__init(self)
  self.dimension = dimension
  self.nInputDims = nInputDims
  self.gradInput = {}
end

local function join_dim(self, input)
  local d = self.dimension
  if d < 0 then d = input[1]:dim() + d + 1
  elseif self.nInputDims and input[1]:dim() == self.nInputDims + 1 then d = d + 1 end
  return d
end

function JoinTable:updateOutput(input)
  local dim = join_dim(self, input)
  local size
  for i = 1, #input do
    local t = input[i]
    if i == 1 then size = t:size() else size[dim] = size[dim] + t:size(dim) end
  end
  self.output:resize(size)
  local off = 1
  for i = 1, #input do
    local n = input[i]:size(dim)
    self.output:narrow(dim, off, n):copy(input[i])
    off = off + n
  end
  return self.output
end

function JoinTable:updateGradInput(input, gradOutput)
  local dim = join_dim(self, input)
  local off = 1
  for i = 1, #input do
    self.gradInput[i] = self.gradInput[i] or util.new(input[i])
    local n = input[i]:size(dim)
    self.gradInput[i]:resizeAs(input[i]):copy(gradOutput:narrow(dim, off, n))
    off = off + n
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local SplitTable = torch.class("nn.SplitTable", "nn.Module", nn)

--- nn.SplitTable(dim [, nInputDims]) -- a table of input's slices along dim.
function SplitTable:__init(dimension, nInputDims)
  Module.__init(self)
  self.dimension = dimension
  self.nInputDims = nInputDims
  self.output = {}
end

local function split_dim(self, input)
  local d = self.dimension
  if d < 0 then d = input:dim() + d + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then d = d + 1 end
  return d
end

function SplitTable:updateOutput(input)
  local dim = split_dim(self, input)
  local n = input:size(dim)
  self.output = {}
  for i = 1, n do self.output[i] = input:select(dim, i) end
  return self.output
end

function SplitTable:updateGradInput(input, gradOutput)
  local dim = split_dim(self, input)
  self.gradInput:resizeAs(input)
  for i = 1, input:size(dim) do self.gradInput:select(dim, i):copy(gradOutput[i]) end
  return self.gradInput
end

local SelectTable = torch.class("nn.SelectTable", "nn.Module", nn)

--- nn.SelectTable(index) -- input[index] (negative counts from the end).
function SelectTable:__init(index)
  Module.__init(self)
  self.index = index
  self.gradInput = {}
end

function SelectTable:updateOutput(input)
  local i = self.index < 0 and #input + self.index + 1 or self.index
  self.output = input[i]
  return self.output
end

function SelectTable:updateGradInput(input, gradOutput)
  local idx = self.index < 0 and #input + self.index + 1 or self.index
  for i = 1, #input do
    if i == idx then
      self.gradInput[i] = util.recursiveCopy(self.gradInput[i], gradOutput)
    else
      self.gradInput[i] = util.recursiveFill(util.recursiveResizeAs(self.gradInput[i], input[i]), 0)
    end
  end
  for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
  return self.gradInput
end

local function cwise(name, combine, grad)
  local C = torch.class("nn." .. name, "nn.Module", nn)
  function C:__init(...)
    Module.__init(self)
    self.gradInput = {}
    self.args = { ... }
  end
  function C:updateOutput(input)
    self.output:resizeAs(input[1]):copy(input[1])
    for i = 2, #input do combine(self.output, input[i]) end
    return self.output
  end
  function C:updateGradInput(input, gradOutput)
    for i = 1, #input do
      self.gradInput[i] = self.gradInput[i] or util.new(input[1])
      grad(self.gradInput[i], i, input, gradOutput, self.output)
    end
    for i = #input + 1, #self.gradInput do self.gradInput[i] = nil end
    return self.gradInput
  end
  return C
end

--- nn.CAddTable() -- sum of a table of tensors.
cwise("CAddTable", function(o, x) o:add(x) end, function(g, _, input, go)
  g:resizeAs(go):copy(go)
  return g
end)
--- nn.CSubTable() -- input[1] - input[2].
cwise("CSubTable", function(o, x) o:add(-1, x) end, function(g, i, input, go)
  g:resizeAs(go):copy(go)
  if i == 2 then g:mul(-1) end
end)
--- nn.CMulTable() -- product of a table of tensors.
cwise("CMulTable", function(o, x) o:cmul(x) end, function(g, i, input, go)
  g:resizeAs(go):copy(go)
  for j = 1, #input do if j ~= i then g:cmul(input[j]) end end
end)
--- nn.CDivTable() -- input[1] / input[2].
cwise("CDivTable", function(o, x) o:cdiv(x) end, function(g, i, input, go)
  g:resizeAs(go):copy(go)
  if i == 1 then g:cdiv(input[2])
  else g:cmul(input[1]):cdiv(input[2]):cdiv(input[2]):mul(-1) end
end)

-- ---------------------------------------------------------------- constants

local MulConstant = torch.class("nn.MulConstant", "nn.Module", nn)

--- nn.MulConstant(c [, inplace]) -- c * x.
function MulConstant:__init(c, ip)
  Module.__init(self)
  c = scalar(c)
  if type(c) ~= "number" then error("nn.MulConstant: the constant must be a number", 2) end
  self.constant_scalar = c
  self.inplace = ip or false
end
function MulConstant:updateOutput(input)
  self.output:resizeAs(input):copy(input):mul(self.constant_scalar)
  return self.output
end
function MulConstant:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput):mul(self.constant_scalar)
  return self.gradInput
end

local AddConstant = torch.class("nn.AddConstant", "nn.Module", nn)

--- nn.AddConstant(c [, inplace]) -- x + c (c a number or a tensor of the input's size).
function AddConstant:__init(c, ip)
  Module.__init(self)
  c = scalar(c)
  if type(c) ~= "number" and not torch.isTensor(c) then
    error("nn.AddConstant: the constant must be a number or a tensor of the input's size", 2)
  end
  self.constant_scalar = c
  self.inplace = ip or false
end
function AddConstant:updateOutput(input)
  self.output:resizeAs(input):copy(input):add(self.constant_scalar)
  return self.output
end
function AddConstant:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  return self.gradInput
end

-- ---------------------------------------------------------------- reductions

local Sum = torch.class("nn.Sum", "nn.Module", nn)

--- nn.Sum([dim [, nInputDims [, sizeAverage [, squeeze]]]]) -- sum over dim
-- (a batch shifts dim when nInputDims is given); mean when sizeAverage.
function Sum:__init(dimension, nInputDims, sizeAverage, squeeze)
  Module.__init(self)
  self.dimension = dimension or 1
  self.nInputDims = nInputDims
  self.sizeAverage = sizeAverage or false
  if squeeze ~= nil then self.squeeze = squeeze else self.squeeze = true end
end

function Sum:_getPositiveDimension(input)
  local d = self.dimension
  if d < 0 then d = input:dim() + d + 1
  elseif self.nInputDims and input:dim() == self.nInputDims + 1 then d = d + 1 end
  return d
end

function Sum:updateOutput(input)
  local d = self:_getPositiveDimension(input)
  local s = input:sum(d)
  if self.sizeAverage then s:div(input:size(d)) end
  if self.squeeze and s:dim() > 1 then s = s:squeeze(d) end
  self.output:resizeAs(s):copy(s)
  return self.output
end

function Sum:updateGradInput(input, gradOutput)
  local d = self:_getPositiveDimension(input)
  local sz = input:size()
  sz[d] = 1
  local g = gradOutput:contiguous():view(sz)
  self.gradInput:resizeAs(input):copy(g:expandAs(input))
  if self.sizeAverage then self.gradInput:div(input:size(d)) end
  return self.gradInput
end

local Mean = torch.class("nn.Mean", "nn.Sum", nn)
--- nn.Mean([dim [, nInputDims]]) -- mean over dim.
function Mean:__init(dimension, nInputDims)
  Sum.__init(self, dimension, nInputDims, true)
end

local function maxmin(name, op)
  local C = torch.class("nn." .. name, "nn.Module", nn)
  function C:__init(dimension, nInputDims)
    Module.__init(self)
    self.dimension = dimension or 1
    self.nInputDims = nInputDims
  end
  C._getPositiveDimension = Sum._getPositiveDimension
  function C:updateOutput(input)
    local d = self:_getPositiveDimension(input)
    local v, idx = input[op](input, d)
    self._indices = idx
    if input:dim() > 1 then v = v:squeeze(d) end
    self.output:resizeAs(v):copy(v)
    return self.output
  end
  function C:updateGradInput(input, gradOutput)
    local d = self:_getPositiveDimension(input)
    local sz = input:size()
    sz[d] = 1
    self.gradInput:resizeAs(input):zero()
    self.gradInput:scatter(d, self._indices, gradOutput:contiguous():view(sz))
    return self.gradInput
  end
  function C:clearState()
    self._indices = nil
    return Module.clearState(self)
  end
  return C
end
--- nn.Max([dim [, nInputDims]]) -- maximum over dim (gradient to the arg max).
maxmin("Max", "max")
--- nn.Min([dim [, nInputDims]]) -- minimum over dim.
maxmin("Min", "min")

-- ---------------------------------------------------------------- Normalize

local Normalize = torch.class("nn.Normalize", "nn.Module", nn)

--- nn.Normalize(p [, eps]) -- rows divided by their p-norm (+ eps, 1e-10).
function Normalize:__init(p, eps)
  Module.__init(self)
  if not p or p <= 0 then error("nn.Normalize: p must be > 0", 2) end
  self.p = p
  self.eps = eps or 1e-10
end

local function norms(self, x)
  -- (N, 1): (sum |x|^p)^(1/p) + eps
  if self.p == math.huge then
    return util.new(x):resizeAs(x):copy(x):abs():max(2):add(self.eps)
  end
  return util.new(x):resizeAs(x):copy(x):abs():pow(self.p):sum(2):pow(1 / self.p):add(self.eps)
end

function Normalize:updateOutput(input)
  local x = input:dim() == 1 and input:view(1, -1) or input
  if x:dim() ~= 2 then fail("nn.Normalize.updateOutput", "expected (n) or (N, n), got %s", util.shape(input)) end
  local nrm = norms(self, x)
  self._norm = nrm
  self.output:resizeAs(x):copy(x):cdiv(nrm:expandAs(x))
  self.output = self.output:viewAs(input)
  return self.output
end

function Normalize:updateGradInput(input, gradOutput)
  local x = input:dim() == 1 and input:view(1, -1) or input
  local go = gradOutput:contiguous():viewAs(x)
  local n, d = x:size(1), x:size(2)
  local nrm = self._norm
  self.gradInput:resize(n, d)
  if self.p == math.huge then
    -- y_i = x_i / (|x_m| + eps): d/dx_m picks up the norm's derivative
    local _, idx = util.new(x):resizeAs(x):copy(x):abs():max(2)
    for r = 1, n do
      local nr = nrm[r][1]
      local m = idx[r][1]
      local gi = self.gradInput[r]
      gi:copy(go[r]):div(nr)
      local dot = go[r]:dot(x[r])
      local s = x[r][m] >= 0 and 1 or -1
      gi[m] = gi[m] - dot * s / (nr * nr)
    end
  else
    -- dy_i/dx_j = delta_ij / N - x_i |x_j|^(p-1) sign(x_j) / (N^2 (N-eps)^(p-1))
    local p = self.p
    for r = 1, n do
      local N = nrm[r][1]
      local base = N - self.eps
      local xr, gr, gi = x[r], go[r], self.gradInput[r]
      local dot = gr:dot(xr)
      local w = util.new(x):resizeAs(xr):copy(xr)
      local aw = util.new(x):resizeAs(xr):copy(xr):abs()
      if p ~= 1 then aw:pow(p - 1) else aw:fill(1) end
      w:sign():cmul(aw)
      local c = base > 0 and dot / (N * N * base ^ (p - 1)) or 0
      gi:copy(gr):div(N):add(-c, w)
    end
  end
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Normalize:__tostring__() return torch.type(self) .. string.format("(%g)", self.p) end

-- ---------------------------------------------------------------- Replicate

local Replicate = torch.class("nn.Replicate", "nn.Module", nn)

--- nn.Replicate(n [, dim [, ndim]]) -- n copies of the input stacked along a new dim (1).
function Replicate:__init(nf, dim, ndim)
  Module.__init(self)
  self.nfeatures = nf
  self.dim = dim or 1
  self.ndim = ndim
end

function Replicate:updateOutput(input)
  local dim = self.dim
  if self.ndim and input:dim() > self.ndim then dim = dim + 1 end
  local sz = torch.LongStorage(input:dim() + 1)
  local st = torch.LongStorage(input:dim() + 1)
  sz[dim], st[dim] = self.nfeatures, 0
  local o = 0
  for i = 1, input:dim() + 1 do
    if i ~= dim then
      o = o + 1
      sz[i] = input:size(o)
      st[i] = input:stride(o)
    end
  end
  self.output:set(input:storage(), input:storageOffset(), sz, st)
  return self.output
end

function Replicate:updateGradInput(input, gradOutput)
  local dim = self.dim
  if self.ndim and input:dim() > self.ndim then dim = dim + 1 end
  self.gradInput:resizeAs(input):copy(gradOutput:sum(dim):viewAs(input))
  return self.gradInput
end

-- ---------------------------------------------------------------- Dropout

local Dropout = torch.class("nn.Dropout", "nn.Module", nn)

--- nn.Dropout([p [, v1 [, inplace [, stochasticInference]]]]) -- in training,
-- zeroes each element with probability p (0.5) and scales the rest by
-- 1/(1-p); identity in evaluation.  v1 = true gives Torch7's old scaling.
function Dropout:__init(p, v1, inplace, stochasticInference)
  Module.__init(self)
  self.p = p or 0.5
  self.train = true
  self.inplace = inplace
  self.stochastic_inference = stochasticInference or false
  self.v2 = not v1
  if self.p >= 1 or self.p < 0 then error("nn.Dropout: <Dropout> illegal percentage, must be 0 <= p < 1", 2) end
  self.noise = torch.Tensor()
end

function Dropout:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.p > 0 and (self.train or self.stochastic_inference) then
    self.noise = torch.isTensor(self.noise) and self.noise or torch.Tensor()
    self.noise = torch.getconstructortable(torch.typename(input))():resizeAs(input)
    self.noise:bernoulli(1 - self.p)
    if self.v2 then self.noise:div(1 - self.p) end
    self.output:cmul(self.noise)
  elseif not self.v2 then
    self.output:mul(1 - self.p)
  end
  return self.output
end

function Dropout:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  if self.train and self.p > 0 then
    self.gradInput:cmul(self.noise)
  end
  return self.gradInput
end

function Dropout:setp(p) self.p = p end

function Dropout:__tostring__() return torch.type(self) .. string.format("(%f)", self.p) end

function Dropout:clearState()
  if torch.isTensor(self.noise) then self.noise:set() end
  return Module.clearState(self)
end

local SpatialDropout = torch.class("nn.SpatialDropout", "nn.Module", nn)

--- nn.SpatialDropout([p]) -- drops whole feature maps of (C, H, W) or (N, C, H, W)
-- with probability p (0.5) in training, without rescaling (Torch7); in
-- evaluation the output is scaled by 1 - p.
function SpatialDropout:__init(p, stochasticInference)
  Module.__init(self)
  self.p = p or 0.5
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

function SpatialDropout:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train or self.stochastic_inference then
    local d = input:dim()
    local sz
    if d == 4 then sz = { input:size(1), input:size(2), 1, 1 }
    elseif d == 3 then sz = { input:size(1), 1, 1 }
    else fail("nn.SpatialDropout.updateOutput", "expected (C, H, W) or (N, C, H, W), got %s", util.shape(input)) end
    self.noise = torch.getconstructortable(torch.typename(input))(table.unpack(sz))
    self.noise:bernoulli(1 - self.p)
    self.output:cmul(self.noise:expandAs(input))
  else
    self.output:mul(1 - self.p)
  end
  return self.output
end

function SpatialDropout:updateGradInput(input, gradOutput)
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  if self.train then self.gradInput:cmul(self.noise:expandAs(input)) end
  return self.gradInput
end

function SpatialDropout:__tostring__() return torch.type(self) .. string.format("(%f)", self.p) end

return Identity
