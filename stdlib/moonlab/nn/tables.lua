-- Table and container modules of Torch7's nn that shape.lua and
-- containers.lua leave out: nn.Bottle (a module applied to the trailing
-- dims of a bigger input), nn.MapTable (one module, cloned with shared
-- parameters, applied to every entry of a table), nn.DepthConcat (Concat
-- with zero padding of the smaller spatial sizes), nn.MixtureTable (a
-- gated mixture of experts), nn.FlattenTable, nn.ZipTable,
-- nn.ZipTableOneToMany and nn.CAddTensorTable.
-- Semantics follow Torch7's documentation.  Not here: Torch7's
-- nn.Decorator base class (Bottle is a one-child Container).
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module = nn.Module
local Container = nn.Container

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local function is_tensor(x) return torch.isTensor(x) end

-- old when it is a tensor of like's type, else a new empty one
local function reuse(old, like)
  if is_tensor(old) and torch.typename(old) == torch.typename(like) then return old end
  return like.new()
end

-- -------------------------------------------------------------------- Bottle

local Bottle = torch.class("nn.Bottle", "nn.Container", nn)

--- nn.Bottle(module [, nInputDim [, nOutputDim]]) -- applies module (which
-- takes nInputDim-dimensional inputs, default 2, and gives nOutputDim-
-- dimensional outputs, default nInputDim) to an input with more dims: the
-- leading dims are folded into the first one, and unfolded in the output.
function Bottle:__init(module, nInputDim, nOutputDim)
  Container.__init(self)
  if not torch.isTypeOf(module, "nn.Module") then
    error("nn.Bottle: expected an nn.Module, got " .. torch.type(module), 2)
  end
  self.nInputDim = nInputDim or 2
  self.nOutputDim = nOutputDim or self.nInputDim
  self.dimDelta = self.nInputDim - self.nOutputDim
  self.modules[1] = module
end

-- The folded shape of input ({inner dims...} with the leading dims
-- multiplied into the first), or nil when input needs no folding.
local function folded(self, input)
  local nd = input:dim()
  if nd <= self.nInputDim then return nil end
  local nbatch = nd - self.nInputDim + 1 -- dims folded together
  local shape = {}
  local n = 1
  for d = 1, nbatch do n = n * input:size(d) end
  shape[1] = n
  for d = nbatch + 1, nd do shape[#shape + 1] = input:size(d) end
  return shape, nbatch
end

local function view_as_shape(t, shape)
  if not t:isContiguous() then t = t:contiguous() end
  return t:view(table.unpack(shape))
end

function Bottle:updateOutput(input)
  if not is_tensor(input) then fail("nn.Bottle", "expected a tensor input, got %s", torch.type(input)) end
  local shape, nbatch = folded(self, input)
  if not shape then
    self.output = self.modules[1]:updateOutput(input)
    return self.output
  end
  local out = self.modules[1]:updateOutput(view_as_shape(input, shape))
  if not is_tensor(out) or out:dim() ~= self.nOutputDim then
    fail("nn.Bottle", "the module gave a %s output for a %s input; expected %d dims (nOutputDim)",
      util.shape(out), util.shape(input), self.nOutputDim)
  end
  local osize = {}
  for d = 1, nbatch do osize[d] = input:size(d) end
  for d = 2, out:dim() do osize[#osize + 1] = out:size(d) end
  self._outShape = out:size():totable() -- the folded shape gradOutput takes
  self.output = view_as_shape(out, osize)
  return self.output
end

-- input and gradOutput folded as in updateOutput (or unchanged)
local function folded_pair(self, input, gradOutput)
  local shape = folded(self, input)
  if not shape then return input, gradOutput end
  local want = self._outShape
  local n = 0
  if want then
    n = 1
    for _, v in ipairs(want) do n = n * v end
  end
  if not want or not is_tensor(gradOutput) or gradOutput:nElement() ~= n then
    fail("nn.Bottle", "gradOutput %s does not match the output of the last forward (input %s)",
      util.shape(gradOutput), util.shape(input))
  end
  return view_as_shape(input, shape), view_as_shape(gradOutput, want)
end

function Bottle:updateGradInput(input, gradOutput)
  local x, g = folded_pair(self, input, gradOutput)
  local gi = self.modules[1]:updateGradInput(x, g)
  if x ~= input and gi then
    self.gradInput = view_as_shape(gi, input:size():totable())
  else
    self.gradInput = gi
  end
  return self.gradInput
end

function Bottle:accGradParameters(input, gradOutput, scale)
  local x, g = folded_pair(self, input, gradOutput)
  self.modules[1]:accGradParameters(x, g, scale or 1)
end

function Bottle:accUpdateGradParameters(input, gradOutput, lr)
  local x, g = folded_pair(self, input, gradOutput)
  self.modules[1]:accUpdateGradParameters(x, g, lr)
end

function Bottle:__tostring__()
  return torch.type(self) .. " {\n  " .. tostring(self.modules[1]):gsub("\n", "\n  ") .. "\n}"
end

-- ------------------------------------------------------------------ MapTable

local MapTable = torch.class("nn.MapTable", "nn.Container", nn)

local SHARED = { "weight", "bias", "gradWeight", "gradBias" }

--- nn.MapTable(module [, shared]) -- applies module to every entry of the
-- input table: entry i goes through clone i, clones made on demand; with
-- shared (default true) the clones share the parameters and their
-- gradients with module.
function MapTable:__init(module, shared)
  Container.__init(self)
  self.shared = shared == nil and true or shared
  self.sharedparams = { table.unpack(SHARED) }
  self.output = {}
  self.gradInput = {}
  if module then self:add(module) end
end

--- mapTable:add(module) -> self: sets the module (only one is allowed).
function MapTable:add(module)
  if self.module then error("nn.MapTable.add: the module is already set (a MapTable holds one module)", 2) end
  if not torch.isTypeOf(module, "nn.Module") then
    error("nn.MapTable.add: expected an nn.Module, got " .. torch.type(module), 2)
  end
  self.module = module
  self.modules[1] = module
  return self
end

-- Makes clones up to n.
function MapTable:_extend(n)
  if not self.module then error("nn.MapTable: no module (call add first)", 3) end
  self.modules[1] = self.module
  for i = 2, n do
    if not self.modules[i] then
      if self.shared then
        self.modules[i] = self.module:clone(table.unpack(self.sharedparams or SHARED))
      else
        self.modules[i] = self.module:clone()
      end
    end
  end
end

--- mapTable:resize(n) -> self: keeps exactly n clones.
function MapTable:resize(n)
  self:_extend(n)
  for i = #self.modules, n + 1, -1 do
    self.modules[i]:clearState()
    self.modules[i] = nil
  end
  return self
end

local function check_table(input, what)
  if type(input) ~= "table" then
    fail("nn.MapTable", "expected a table %s, got %s", what, torch.type(input))
  end
end

function MapTable:updateOutput(input)
  check_table(input, "input")
  self:_extend(#input)
  self.output = {}
  for i = 1, #input do
    self.output[i] = self:rethrowErrors(self.modules[i], i, "updateOutput", input[i])
  end
  return self.output
end

function MapTable:updateGradInput(input, gradOutput)
  check_table(input, "input")
  check_table(gradOutput, "gradOutput")
  self:_extend(#input)
  self.gradInput = {}
  for i = 1, #input do
    self.gradInput[i] = self:rethrowErrors(self.modules[i], i, "updateGradInput", input[i], gradOutput[i])
  end
  return self.gradInput
end

function MapTable:accGradParameters(input, gradOutput, scale)
  self:_extend(#input)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, "accGradParameters", input[i], gradOutput[i], scale or 1)
  end
end

function MapTable:accUpdateGradParameters(input, gradOutput, lr)
  self:_extend(#input)
  for i = 1, #input do
    self:rethrowErrors(self.modules[i], i, "accUpdateGradParameters", input[i], gradOutput[i], lr or 1)
  end
end

-- With shared parameters the clones' gradients are the module's: one
-- update through the module is the update of all of them.
function MapTable:zeroGradParameters()
  if not self.module then return end
  if self.shared then self.module:zeroGradParameters() else Container.zeroGradParameters(self) end
end

function MapTable:updateParameters(lr)
  if not self.module then return end
  if self.shared then self.module:updateParameters(lr) else Container.updateParameters(self, lr) end
end

--- mapTable:clearState() -> self: drops the clones (they are remade on demand).
function MapTable:clearState()
  for i = #self.modules, 2, -1 do
    self.modules[i]:clearState()
    self.modules[i] = nil
  end
  return Container.clearState(self)
end

function MapTable:__tostring__()
  if not self.module then return torch.type(self) .. " { }" end
  return torch.type(self) .. " {\n  " .. tostring(self.module):gsub("\n", "\n  ") .. "\n}"
end

-- --------------------------------------------------------------- DepthConcat

local DepthConcat = torch.class("nn.DepthConcat", "nn.Concat", nn)

--- nn.DepthConcat(dim) -- nn.Concat whose children's outputs may differ in
-- the other dims: the output takes the largest size of each, and smaller
-- outputs are centred in it with zero padding (GoogLeNet's inception).

-- The window of t where a child output of size `size` (a LongStorage, or
-- the child's output tensor as in Torch7) sits, at offset along the
-- concatenation dim.
function DepthConcat:windowNarrow(t, size, offset)
  if torch.isTensor(size) then size = size:size() end
  local w = t:narrow(self.dimension, offset, size[self.dimension])
  for d = 1, #size do
    if d ~= self.dimension and size[d] ~= self.outputSize[d] then
      w = w:narrow(d, (self.outputSize[d] - size[d]) // 2 + 1, size[d])
    end
  end
  return w
end

function DepthConcat:updateOutput(input)
  local outs, size = {}, nil
  for i, m in ipairs(self.modules) do
    local o = self:rethrowErrors(m, i, "updateOutput", input)
    outs[i] = o
    if i == 1 then
      size = o:size()
    else
      if o:dim() ~= #size then
        fail("nn.DepthConcat", "child %d gave a %s output, child 1 a %d-dim one", i, util.shape(o), #size)
      end
      for d = 1, #size do
        if d == self.dimension then
          size[d] = size[d] + o:size(d)
        elseif o:size(d) > size[d] then
          size[d] = o:size(d)
        end
      end
    end
  end
  if not size then fail("nn.DepthConcat", "no children") end
  self.outputSize = size
  self.output:resize(size):zero()
  local offset = 1
  for _, o in ipairs(outs) do
    self:windowNarrow(self.output, o:size(), offset):copy(o)
    offset = offset + o:size(self.dimension)
  end
  return self.output
end

-- runs method on each child with its window of gradOutput; sums gradInputs
local function depth_backward(self, method, input, gradOutput, scale)
  local offset = 1
  local sum = method ~= "accGradParameters" and method ~= "accUpdateGradParameters"
  if sum then self.gradInput:resizeAs(input):zero() end
  for i, m in ipairs(self.modules) do
    local osize = m.output:size()
    local g = self:windowNarrow(gradOutput, osize, offset)
    local gi = self:rethrowErrors(m, i, method, input, g, scale)
    if sum then self.gradInput:add(gi) end
    offset = offset + osize[self.dimension]
  end
  return self.gradInput
end

function DepthConcat:updateGradInput(input, gradOutput)
  return depth_backward(self, "updateGradInput", input, gradOutput)
end

function DepthConcat:accGradParameters(input, gradOutput, scale)
  depth_backward(self, "accGradParameters", input, gradOutput, scale or 1)
end

function DepthConcat:backward(input, gradOutput, scale)
  return depth_backward(self, "backward", input, gradOutput, scale or 1)
end

function DepthConcat:accUpdateGradParameters(input, gradOutput, lr)
  depth_backward(self, "accUpdateGradParameters", input, gradOutput, lr)
end

-- -------------------------------------------------------------- MixtureTable

local MixtureTable = torch.class("nn.MixtureTable", "nn.Module", nn)

--- nn.MixtureTable([dim]) -- input {gater, experts}: output = sum_i
-- gater[i] * expert_i.  gater is (n) or (B, n); experts is a table of n
-- tensors (each (B, ...) in batch mode) or one tensor holding the experts
-- along dim (default 1 without batch, 2 with).
function MixtureTable:__init(dim)
  Module.__init(self)
  self.dim = dim
  self.gradInput = {}
end

-- gater, experts, batch size (0 without a batch dim), the gater's expert dim
local function mixture_args(self, input)
  if type(input) ~= "table" or not is_tensor(input[1]) or input[2] == nil then
    fail("nn.MixtureTable", "expected the input {gater, experts}, got %s", util.shape(input))
  end
  local gater, experts = input[1], input[2]
  if gater:dim() ~= 1 and gater:dim() ~= 2 then
    fail("nn.MixtureTable", "expected a gater of 1 or 2 dims, got %s", util.shape(gater))
  end
  local dimG = gater:dim()
  local n = gater:size(dimG)
  if type(experts) == "table" then
    if #experts ~= n then
      fail("nn.MixtureTable", "expected one gater output per expert (gater %s, %d experts)", util.shape(gater), #experts)
    end
    for i = 1, n do
      local e = experts[i]
      if not is_tensor(e) or e:nElement() == 0 or (dimG == 2 and e:size(1) ~= gater:size(1)) then
        fail("nn.MixtureTable", "expert %d is %s; expected a tensor with %s", i, util.shape(e),
          dimG == 2 and ("a batch of " .. gater:size(1)) or "elements")
      end
    end
  elseif is_tensor(experts) then
    local dim = self.dim or dimG
    if dim > experts:dim() or experts:size(dim) ~= n or (dimG == 2 and experts:size(1) ~= gater:size(1)) then
      fail("nn.MixtureTable", "experts %s do not match gater %s (experts along dim %d)",
        util.shape(experts), util.shape(gater), dim)
    end
  else
    fail("nn.MixtureTable", "expected experts as a table or a tensor, got %s", torch.type(experts))
  end
  return gater, experts, dimG, n
end

-- gater column i as a tensor viewable against an expert of `like`'s shape
local function gate_of(gater, dimG, i, like)
  if dimG == 1 then return gater[i] end -- a number
  local shape = { gater:size(1) }
  for _ = 2, like:dim() do shape[#shape + 1] = 1 end
  return gater:select(2, i):contiguous():view(table.unpack(shape)):expandAs(like)
end

-- the gater viewed against the expert tensor (size n at dim, batch at 1)
local function gater_view(gater, dimG, dim, experts)
  local shape = {}
  for d = 1, experts:dim() do shape[d] = 1 end
  if dimG == 2 then shape[1] = gater:size(1) end
  shape[dim] = gater:size(dimG)
  return gater:contiguous():view(table.unpack(shape)):expandAs(experts)
end

function MixtureTable:updateOutput(input)
  local gater, experts, dimG, n = mixture_args(self, input)
  local like = type(experts) == "table" and experts[1] or experts
  if torch.typename(self.output) ~= torch.typename(like) then self.output = like.new() end
  if type(experts) == "table" then
    self.output:resizeAs(experts[1]):zero()
    for i = 1, n do
      local g = gate_of(gater, dimG, i, experts[i])
      if type(g) == "number" then self.output:add(g, experts[i]) else self.output:addcmul(experts[i], g) end
    end
  else
    local dim = self.dim or dimG
    local prod = torch.cmul(gater_view(gater, dimG, dim, experts), experts)
    self.output = prod:sum(dim):select(dim, 1)
  end
  return self.output
end

function MixtureTable:updateGradInput(input, gradOutput)
  local gater, experts, dimG, n = mixture_args(self, input)
  local gGater = reuse(self.gradInput[1], gater)
  gGater:resizeAs(gater)
  if type(experts) == "table" then
    local gExperts = type(self.gradInput[2]) == "table" and self.gradInput[2] or {}
    for i = 1, n do
      local e = experts[i]
      local prod = torch.cmul(gradOutput, e)
      if dimG == 1 then
        gGater[i] = prod:sum()
      else
        gGater:select(2, i):copy(prod:contiguous():view(gater:size(1), -1):sum(2):select(2, 1))
      end
      local ge = reuse(gExperts[i], e)
      local g = gate_of(gater, dimG, i, e)
      if type(g) == "number" then ge:resizeAs(e):copy(gradOutput):mul(g) else ge:resizeAs(e):cmul(g, gradOutput) end
      gExperts[i] = ge
    end
    for i = #gExperts, n + 1, -1 do gExperts[i] = nil end
    self.gradInput = { gGater, gExperts }
  else
    local dim = self.dim or dimG
    local gout = gradOutput:contiguous():view(table.unpack((function()
      local s = experts:size():totable()
      s[dim] = 1
      return s
    end)())):expandAs(experts)
    -- d/d gater[b, i] = sum over the other dims of gradOutput * expert i
    local prod = torch.cmul(gout, experts)
    if dimG == 1 then
      gGater:copy(prod:transpose(1, dim):contiguous():view(n, -1):sum(2):select(2, 1))
    else
      local t = prod:transpose(2, dim):contiguous():view(gater:size(1), n, -1)
      gGater:copy(t:sum(3):select(3, 1))
    end
    local gExperts = reuse(self.gradInput[2], experts)
    gExperts:resizeAs(experts):cmul(gater_view(gater, dimG, dim, experts), gout)
    self.gradInput = { gGater, gExperts }
  end
  return self.gradInput
end

function MixtureTable:clearState()
  self.gradInput = {}
  return util.clear(self, "output")
end

-- --------------------------------------------------------------- FlattenTable

local FlattenTable = torch.class("nn.FlattenTable", "nn.Module", nn)

--- nn.FlattenTable() -- a nested table of tensors becomes a flat table, in
-- depth-first order ({a, {b, {c}}, d} -> {a, b, c, d}); the tensors are
-- passed by reference.
function FlattenTable:__init()
  Module.__init(self)
  self.output = {}
  self.input_map = {}
  self.gradInput = {}
end

-- appends input's leaves to out; returns input's shape with each leaf
-- replaced by its index in out
local function flatten(out, input)
  if type(input) == "table" then
    local map = {}
    for i = 1, #input do map[i] = flatten(out, input[i]) end
    return map
  end
  out[#out + 1] = input
  return #out
end

-- does flat still hold the leaves of nested at the places map says?
local function same_mapping(flat, nested, map)
  if type(nested) == "table" then
    if type(map) ~= "table" or #map ~= #nested then return false end
    for i = 1, #nested do
      if not same_mapping(flat, nested[i], map[i]) then return false end
    end
    return true
  end
  return type(map) == "number" and flat[map] == nested
end

local function unflatten(flat, map)
  if type(map) == "table" then
    local t = {}
    for i = 1, #map do t[i] = unflatten(flat, map[i]) end
    return t
  end
  return flat[map]
end

-- The output table is rebuilt only when the input's structure or leaves
-- change, so a model holding on to it keeps a valid table.
function FlattenTable:updateOutput(input)
  if type(input) ~= "table" then fail("nn.FlattenTable", "expected a table input, got %s", torch.type(input)) end
  if not same_mapping(self.output, input, self.input_map) then
    self.output = {}
    self.input_map = flatten(self.output, input)
  end
  return self.output
end

function FlattenTable:updateGradInput(input, gradOutput)
  if type(input) ~= "table" then fail("nn.FlattenTable", "expected a table input, got %s", torch.type(input)) end
  if type(gradOutput) ~= "table" then
    fail("nn.FlattenTable", "expected a table gradOutput, got %s", torch.type(gradOutput))
  end
  if not same_mapping(gradOutput, self.gradInput, self.input_map) then
    self.gradInput = unflatten(gradOutput, self.input_map)
  end
  return self.gradInput
end

-- holds references only: converting means forgetting them
function FlattenTable:type(typename)
  if not typename then return self._type end
  self:clearState()
  self._type = typename
  return self
end

function FlattenTable:clearState()
  self.input_map = {}
  self.output = {}
  self.gradInput = {}
  return self
end

-- ------------------------------------------------------------------ ZipTable

local ZipTable = torch.class("nn.ZipTable", "nn.Module", nn)

--- nn.ZipTable() -- {{a1, a2}, {b1, b2}} -> {{a1, b1}, {a2, b2}} (by reference).
function ZipTable:__init()
  Module.__init(self)
  self.output = {}
  self.gradInput = {}
end

local function zip(who, tables)
  if type(tables) ~= "table" then fail(who, "expected a table of tables, got %s", torch.type(tables)) end
  local out = {}
  for i, inner in ipairs(tables) do
    if type(inner) ~= "table" then fail(who, "entry %d is a %s, expected a table", i, torch.type(inner)) end
    for j, v in ipairs(inner) do
      out[j] = out[j] or {}
      out[j][i] = v
    end
  end
  return out
end

function ZipTable:updateOutput(input)
  self.output = zip("nn.ZipTable", input)
  return self.output
end

function ZipTable:updateGradInput(input, gradOutput)
  self.gradInput = zip("nn.ZipTable", gradOutput)
  return self.gradInput
end

function ZipTable:clearState()
  self.output, self.gradInput = {}, {}
  return self
end

-- --------------------------------------------------------- ZipTableOneToMany

local ZipTableOneToMany = torch.class("nn.ZipTableOneToMany", "nn.Module", nn)

--- nn.ZipTableOneToMany() -- {v, {a, b, c}} -> {{v, a}, {v, b}, {v, c}};
-- the gradient of v is the sum of its copies' gradients.
function ZipTableOneToMany:__init()
  Module.__init(self)
  self.output = {}
  self.gradInput = {}
  self.gradInputEl = torch.Tensor()
end

local function one_to_many_args(input)
  if type(input) ~= "table" or #input ~= 2 or type(input[2]) ~= "table" then
    fail("nn.ZipTableOneToMany", "expected the input {element, table}, got %s", util.shape(input))
  end
  return input[1], input[2]
end

function ZipTableOneToMany:updateOutput(input)
  local el, list = one_to_many_args(input)
  self.output = {}
  for i, v in ipairs(list) do self.output[i] = { el, v } end
  return self.output
end

function ZipTableOneToMany:updateGradInput(input, gradOutput)
  local el, list = one_to_many_args(input)
  if type(gradOutput) ~= "table" or #gradOutput ~= #list then
    fail("nn.ZipTableOneToMany", "expected a gradOutput of %d pairs, got %s", #list, util.shape(gradOutput))
  end
  if torch.typename(self.gradInputEl) ~= torch.typename(el) then self.gradInputEl = el.new() end
  self.gradInputEl:resizeAs(el):zero()
  local glist = {}
  for i, pair in ipairs(gradOutput) do
    self.gradInputEl:add(pair[1])
    glist[i] = pair[2]
  end
  self.gradInput = { self.gradInputEl, glist }
  return self.gradInput
end

-- ----------------------------------------------------------- CAddTensorTable

local CAddTensorTable = torch.class("nn.CAddTensorTable", "nn.Module", nn)

--- nn.CAddTensorTable() -- {v, {a, b, c}} -> {v + a, v + b, v + c}.
function CAddTensorTable:__init()
  Module.__init(self)
  self.output = {}
  self.gradInput = {}
end

local function cadd_args(input)
  if type(input) ~= "table" or not is_tensor(input[1]) or type(input[2]) ~= "table" then
    fail("nn.CAddTensorTable", "expected the input {tensor, table of tensors}, got %s", util.shape(input))
  end
  local v, list = input[1], input[2]
  for i, t in ipairs(list) do
    if not is_tensor(t) or t:nElement() ~= v:nElement() then
      fail("nn.CAddTensorTable", "entry %d is %s; expected the size of %s", i, util.shape(t), util.shape(v))
    end
  end
  return v, list
end

function CAddTensorTable:updateOutput(input)
  local v, list = cadd_args(input)
  local out = {}
  for i, t in ipairs(list) do
    out[i] = reuse(self.output[i], v):resizeAs(v):copy(t):add(v)
  end
  self.output = out
  return out
end

function CAddTensorTable:updateGradInput(input, gradOutput)
  local v, list = cadd_args(input)
  if type(gradOutput) ~= "table" or #gradOutput ~= #list then
    fail("nn.CAddTensorTable", "expected a gradOutput of %d tensors, got %s", #list, util.shape(gradOutput))
  end
  local gv = reuse(self.gradInput[1], v):resizeAs(v):zero()
  local old = type(self.gradInput[2]) == "table" and self.gradInput[2] or {}
  local glist = {}
  for i = 1, #list do
    gv:add(gradOutput[i])
    glist[i] = reuse(old[i], v):resizeAs(v):copy(gradOutput[i])
  end
  self.gradInput = { gv, glist }
  return self.gradInput
end

function CAddTensorTable:clearState()
  self.output, self.gradInput = {}, {}
  return self
end

return Bottle
