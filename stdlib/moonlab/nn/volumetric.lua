-- Volumetric (3-D) layers: nn.VolumetricConvolution,
-- VolumetricDilatedConvolution, VolumetricFullConvolution,
-- VolumetricMaxPooling, VolumetricDilatedMaxPooling, VolumetricMaxUnpooling,
-- VolumetricAveragePooling, VolumetricFractionalMaxPooling,
-- VolumetricReplicationPadding, VolumetricBatchNormalization and
-- VolumetricDropout.  They take (C, T, H, W) or a batch (N, C, T, H, W)
-- (fractional pooling keeps Torch7's (C, H, W, T) layout).  A convolution
-- runs image by image: one vol2col (C, torch._nn_volumetric) and one GEMM
-- each; the window loops are threaded in C.  Weight
-- layouts, argument orders (T, then width before height) and `reset` are
-- Torch7's.  Not here: CUDA, the volumetric up-sampling layers.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local K = torch._nn_volumetric
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local function name_of(self) return "nn." .. torch.type(self):match("[^.]+$") end

-- input as a contiguous (N, C, T, H, W) tensor and whether it was a batch
local function as_batch(who, input, nplanes)
  if not torch.isTensor(input) then fail(who, "expected a tensor input, got %s", type(input)) end
  local d = input:dim()
  local x = input
  if d == 4 then x = input:contiguous():view(1, input:size(1), input:size(2), input:size(3), input:size(4))
  elseif d ~= 5 then fail(who, "expected (C, T, H, W) or (N, C, T, H, W) input, got %s", util.shape(input)) end
  if nplanes and x:size(2) ~= nplanes then
    fail(who, "expected %d input planes, got input %s", nplanes, util.shape(input))
  end
  if not x:isContiguous() then x = x:contiguous() end
  return x, d == 5
end

-- a 4-D/5-D tensor (gradOutput) as a contiguous 5-D one
local function as5(t)
  t = t:contiguous()
  if t:dim() == 4 then return t:view(1, t:size(1), t:size(2), t:size(3), t:size(4)) end
  return t
end

-- a buffer of x's type (reused when it already is)
local function buffer(b, x)
  if b and torch.typename(b) == torch.typename(x) then return b end
  return util.new(x)
end

-- A module keeps one output and one gradInput object whatever its input's
-- layout (callers hold on to them between calls).  A kernel that sizes its
-- result writes a batch's into self[field] itself, a single volume's into a
-- 5-D scratch whose storage self[field] then shares (publish).
local function scratch(self, field, x, batch)
  if batch then return self[field] end
  local key = "_" .. field .. "5"
  self[key] = buffer(self[key], x)
  return self[key]
end

local function publish(self, field, r, batch)
  if batch then return r end
  local t = self[field]
  local size = torch.LongStorage { r:size(2), r:size(3), r:size(4), r:size(5) }
  if r:nElement() == 0 then t:resize(size) else t:set(r:storage(), r:storageOffset(), size) end
  return t
end

-- self[field] resized to like's shape, and its 5-D view (the shape of x) for
-- the kernels that fill a tensor of known shape
local function shaped(self, field, like, x)
  local t = self[field]
  if not torch.isTensor(t) or torch.typename(t) ~= torch.typename(x) then t = util.new(x) end
  t:resize(like:size())
  if not t:isContiguous() then t = util.new(x):resize(like:size()) end
  self[field] = t
  return t:view(x:size())
end

local function clear_scratch(self)
  self._output5, self._gradInput5 = nil, nil
end

local function out_len(n, k, d, p, dil)
  return math.floor((n + 2 * p - dil * (k - 1) - 1) / d) + 1
end

-- ---------------------------------------------------------------- VolumetricConvolution

local VConv = torch.class("nn.VolumetricConvolution", "nn.Module", nn)

--- nn.VolumetricConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH, padT, padW, padH])
-- -- 3-D convolution (cross-correlation) of (N, nIn, T, H, W) into
-- (N, nOut, oT, oH, oW), oT = floor((T + 2 padT - kT) / dT) + 1;
-- weight (nOut, nIn, kT, kH, kW).
function VConv:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH)
  Module.__init(self)
  if not (nInputPlane and nOutputPlane and kT and kW and kH) then
    error(name_of(self) .. ": expected (nInputPlane, nOutputPlane, kT, kW, kH [, dT, dW, dH, padT, padW, padH])", 3)
  end
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kT, self.kW, self.kH = kT, kW, kH
  self.dT, self.dW, self.dH = dT or 1, dW or 1, dH or 1
  self.padT = padT or 0
  self.padW = padW or self.padT
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane, kT, kH, kW)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

--- conv:noBias() -> self without bias.
function VConv:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

function VConv:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kT * self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- the 12 window integers of the kernels, Torch7's (T, W, H) order, and who
function VConv:_window(who)
  return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH,
    self.dilationT or 1, self.dilationW or 1, self.dilationH or 1, who
end

-- output sizes (oT, oH, oW) of x (N, C, T, H, W)
function VConv:_out(x)
  return out_len(x:size(3), self.kT, self.dT, self.padT, self.dilationT or 1),
    out_len(x:size(4), self.kH, self.dH, self.padH, self.dilationH or 1),
    out_len(x:size(5), self.kW, self.dW, self.padW, self.dilationW or 1)
end

-- One image at a time: its columns (nIn*kT*kH*kW, oT*oH*oW) stay in cache
-- between vol2col and the GEMM, and the GEMM writes the image's output (and
-- reads its gradOutput) in place.  Columns of the whole batch at once took
-- 56 MB for 8 images of 4x16x32x32 and a 3x3x3 kernel, and the layer ran at
-- 0.86x PyTorch; accGradParameters makes the columns again rather than keep
-- them all.
function VConv:updateOutput(input)
  local who = name_of(self)
  local x, batch = as_batch(who, input, self.nInputPlane)
  local N, nOut = x:size(1), self.nOutputPlane
  local oT, oH, oW = self:_out(x)
  local L = oT * oH * oW
  self.finput = buffer(self.finput, x)
  if batch then self.output:resize(N, nOut, oT, oH, oW) else self.output:resize(nOut, oT, oH, oW) end
  local out = self.output:view(N, nOut, L)
  local w2 = self.weight:view(nOut, -1)
  for n = 1, N do
    K.vol2col(self.finput, x:narrow(1, n, 1), self:_window(who))
    local on = out:select(1, n)
    on:mm(w2, self.finput)
    if self.bias then on:add(self.bias:view(nOut, 1):expand(nOut, L)) end
  end
  return self.output
end

-- gradOutput as a contiguous (N, nOut, L)
function VConv:_grad3(gradOutput, N)
  local nOut = self.nOutputPlane
  return gradOutput:contiguous():view(N, nOut, gradOutput:nElement() // math.max(N * nOut, 1))
end

function VConv:updateGradInput(input, gradOutput)
  local who = name_of(self)
  local x = as_batch(who, input, self.nInputPlane)
  local N, oT, oH, oW = x:size(1), self:_out(x)
  if gradOutput:nElement() ~= N * self.nOutputPlane * oT * oH * oW then
    fail(who, "gradOutput %s does not match the output of input %s", util.shape(gradOutput), util.shape(input))
  end
  if not self.gradInput then return nil end
  local g = self:_grad3(gradOutput, N)
  local gi = shaped(self, "gradInput", input, x)
  local w2t = self.weight:view(self.nOutputPlane, -1):t()
  self.fgradInput = buffer(self.fgradInput, x)
  self.fgradInput:resize(w2t:size(1), g:size(3))
  for n = 1, N do
    self.fgradInput:mm(w2t, g:select(1, n))
    K.col2vol(gi:narrow(1, n, 1), self.fgradInput, self:_window(who))
  end
  return self.gradInput
end

function VConv:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local who = name_of(self)
  local x = as_batch(who, input, self.nInputPlane)
  local N = x:size(1)
  local g = self:_grad3(gradOutput, N)
  local gw2 = self.gradWeight:view(self.nOutputPlane, -1)
  self.finput = buffer(self.finput, x)
  for n = 1, N do
    K.vol2col(self.finput, x:narrow(1, n, 1), self:_window(who))
    gw2:addmm(scale, g:select(1, n), self.finput:t())
  end
  if self.bias then self.gradBias:add(scale, g:sum(3):sum(1):view(-1)) end
end

function VConv:clearState()
  self.finput, self.fgradInput = nil, nil
  return Module.clearState(self)
end

function VConv:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%dx%d", torch.type(self), self.nInputPlane, self.nOutputPlane,
    self.kT, self.kW, self.kH)
  if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.dT, self.dW, self.dH)
  end
  if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.padT, self.padW, self.padH)
  end
  if self.dilationT then
    s = s .. string.format(", %d,%d,%d", self.dilationT, self.dilationW, self.dilationH)
  end
  s = s .. ")"
  if self.bias == nil then s = s .. " without bias" end
  return s
end

local VDConv = torch.class("nn.VolumetricDilatedConvolution", "nn.VolumetricConvolution", nn)

--- nn.VolumetricDilatedConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH,
-- padT, padW, padH, dilationT, dilationW, dilationH]) -- the convolution with
-- kernel taps dilation apart: oT = floor((T + 2 padT - dilationT (kT - 1) - 1) / dT) + 1.
function VDConv:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH,
                       dilationT, dilationW, dilationH)
  VConv.__init(self, nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT or 0, padW or 0, padH or 0)
  self.dilationT, self.dilationW, self.dilationH = dilationT or 1, dilationW or 1, dilationH or 1
end

-- ---------------------------------------------------------------- VolumetricFullConvolution

local VFull = torch.class("nn.VolumetricFullConvolution", "nn.Module", nn)

--- nn.VolumetricFullConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH, padT,
-- padW, padH, adjT, adjW, adjH]) -- the transposed 3-D convolution:
-- oT = (T - 1) dT - 2 padT + kT + adjT; weight (nIn, nOut, kT, kH, kW).  The
-- input may be {x, target}: the adj are then chosen so the output has
-- target's last three sizes.
function VFull:__init(nInputPlane, nOutputPlane, kT, kW, kH, dT, dW, dH, padT, padW, padH, adjT, adjW, adjH)
  Module.__init(self)
  if not (nInputPlane and nOutputPlane and kT and kW and kH) then
    error("nn.VolumetricFullConvolution: expected (nInputPlane, nOutputPlane, kT, kW, kH [, dT, dW, dH, ...])", 2)
  end
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kT, self.kW, self.kH = kT, kW, kH
  self.dT, self.dW, self.dH = dT or 1, dW or 1, dH or 1
  self.padT, self.padW, self.padH = padT or 0, padW or 0, padH or 0
  self.adjT, self.adjW, self.adjH = adjT or 0, adjW or 0, adjH or 0
  if self.adjT > self.dT - 1 or self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
    error("nn.VolumetricFullConvolution: adjT, adjW and adjH must be smaller than dT, dW and dH", 2)
  end
  self.weight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
  self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kT, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

VFull.noBias = VConv.noBias

function VFull:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kT * self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- the input tensor and the adjustments (from the target when a table)
function VFull:_split(input)
  if type(input) ~= "table" then return input, self.adjT, self.adjW, self.adjH end
  local x, target = input[1], input[2]
  if not (torch.isTensor(x) and torch.isTensor(target) and target:dim() >= 3) then
    fail("nn.VolumetricFullConvolution", "expected a tensor or {input, target} with a target of 3+ dims")
  end
  local d = target:dim()
  local function adj(n, k, p, s) return (n + 2 * p - k) % s end
  return x, adj(target:size(d - 2), self.kT, self.padT, self.dT), adj(target:size(d), self.kW, self.padW, self.dW),
    adj(target:size(d - 1), self.kH, self.padH, self.dH)
end

function VFull:_window()
  return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT, self.padW, self.padH, 1, 1, 1,
    "nn.VolumetricFullConvolution"
end

-- x (N, C, T, H, W) as (C, N*T*H*W)
local function planes_first(x)
  local N, C = x:size(1), x:size(2)
  return x:view(N, C, -1):transpose(1, 2):contiguous():view(C, -1)
end

function VFull:updateOutput(input)
  local who = "nn.VolumetricFullConvolution"
  local xin, adjT, adjW, adjH = self:_split(input)
  local x, batch = as_batch(who, xin, self.nInputPlane)
  local N, T, H, W = x:size(1), x:size(3), x:size(4), x:size(5)
  local oT = (T - 1) * self.dT - 2 * self.padT + self.kT + adjT
  local oH = (H - 1) * self.dH - 2 * self.padH + self.kH + adjH
  local oW = (W - 1) * self.dW - 2 * self.padW + self.kW + adjW
  if oT < 1 or oH < 1 or oW < 1 then
    fail(who, "input %s gives an empty output (%dx%dx%d)", util.shape(xin), oT, oH, oW)
  end
  local w2 = self.weight:view(self.nInputPlane, -1)
  self.columns = buffer(self.columns, x)
  self.columns:resize(w2:size(2), N * T * H * W):mm(w2:t(), planes_first(x))
  if batch then self.output:resize(N, self.nOutputPlane, oT, oH, oW)
  else self.output:resize(self.nOutputPlane, oT, oH, oW) end
  local y = self.output:view(N, self.nOutputPlane, oT, oH, oW)
  K.col2vol(y, self.columns, self:_window())
  if self.bias then y:add(self.bias:view(1, self.nOutputPlane, 1, 1, 1):expandAs(y)) end
  return self.output
end

-- the columns of gradOutput (nOut*kT*kH*kW, N*T*H*W)
function VFull:_gcols(x, gradOutput)
  local g = as5(gradOutput)
  if g:dim() ~= 5 or g:size(1) ~= x:size(1) or g:size(2) ~= self.nOutputPlane then
    fail("nn.VolumetricFullConvolution", "gradOutput %s does not match input %s", util.shape(gradOutput),
      util.shape(x))
  end
  self.gcolumns = buffer(self.gcolumns, x)
  K.vol2col(self.gcolumns, g, self:_window())
  if self.gcolumns:size(2) ~= x:nElement() // self.nInputPlane then
    fail("nn.VolumetricFullConvolution", "gradOutput %s does not match input %s", util.shape(gradOutput),
      util.shape(x))
  end
  return self.gcolumns, g
end

function VFull:updateGradInput(input, gradOutput)
  local xin = self:_split(input)
  local x = as_batch("nn.VolumetricFullConvolution", xin, self.nInputPlane)
  local N, C = x:size(1), self.nInputPlane
  local gcols = self:_gcols(x, gradOutput)
  local gi = buffer(self._gi, x):resize(C, gcols:size(2)):mm(self.weight:view(C, -1), gcols)
  self._gi = gi
  shaped(self, "_gradIn", xin, x):view(N, C, -1):copy(gi:view(C, N, -1):transpose(1, 2))
  local g = self._gradIn
  if type(input) == "table" then
    local target = input[2]
    self.zeroScalar = self.zeroScalar and torch.typename(self.zeroScalar) == torch.typename(target) and self.zeroScalar
      or util.new(target, 1):zero()
    local ones = {}
    for i = 1, target:dim() do ones[i] = 1 end
    self.gradInput = { g, self.zeroScalar:view(table.unpack(ones)):expandAs(target) }
  else
    self.gradInput = g
  end
  return self.gradInput
end

function VFull:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local xin = self:_split(input)
  local x = as_batch("nn.VolumetricFullConvolution", xin, self.nInputPlane)
  local gcols, g = self:_gcols(x, gradOutput)
  self.gradWeight:view(self.nInputPlane, -1):addmm(scale, planes_first(x), gcols:t())
  if self.bias then
    self.gradBias:add(scale, g:transpose(1, 2):contiguous():view(self.nOutputPlane, -1):sum(2):view(-1))
  end
end

function VFull:type(t, cache)
  -- gradInput may be a table {g, zeros}; buffers are remade in the new type
  if type(self.gradInput) == "table" then self.gradInput = torch.Tensor() end
  self.columns, self.gcolumns, self._gi, self._gradIn, self.zeroScalar = nil, nil, nil, nil, nil
  return Module.type(self, t, cache)
end

function VFull:clearState()
  if type(self.gradInput) == "table" then self.gradInput = util.new(self.output) end
  self.columns, self.gcolumns, self._gi, self._gradIn, self.zeroScalar = nil, nil, nil, nil, nil
  return Module.clearState(self)
end

function VFull:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%dx%d", torch.type(self), self.nInputPlane, self.nOutputPlane,
    self.kT, self.kW, self.kH)
  if self.dT ~= 1 or self.dW ~= 1 or self.dH ~= 1 or self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.dT, self.dW, self.dH)
  end
  if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.padT, self.padW, self.padH)
  end
  if self.adjT ~= 0 or self.adjW ~= 0 or self.adjH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.adjT, self.adjW, self.adjH)
  end
  return s .. ")"
end

-- ---------------------------------------------------------------- max pooling

local VMax = torch.class("nn.VolumetricMaxPooling", "nn.Module", nn)
VMax.__version = 2

--- nn.VolumetricMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH]) -- the
-- maximum of each kT x kH x kW window (stride defaults to the kernel; padding
-- at most half the kernel); :ceil() / :floor() choose the output rounding;
-- `indices` (Long) holds the 1-based flat argmax positions t*H*W + h*W + w + 1.
function VMax:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
  Module.__init(self)
  if not (kT and kW and kH) then error(name_of(self) .. ": expected (kT, kW, kH [, dT, dW, dH, padT, padW, padH])", 3) end
  self.kT, self.kW, self.kH = kT, kW, kH
  self.dT, self.dW, self.dH = dT or kT, dW or kW, dH or kH
  self.padT, self.padW, self.padH = padT or 0, padW or 0, padH or 0
  self.ceil_mode = false
  self.indices = torch.LongTensor()
end

--- pool:ceil() -> self (output sizes round up).
function VMax:ceil() self.ceil_mode = true; return self end
--- pool:floor() -> self (output sizes round down, the default).
function VMax:floor() self.ceil_mode = false; return self end

function VMax:updateOutput(input)
  local who = name_of(self)
  local x, batch = as_batch(who, input)
  self.itime, self.iheight, self.iwidth = x:size(3), x:size(4), x:size(5)
  if torch.typename(self.indices) ~= "torch.LongTensor" then self.indices = torch.LongTensor() end
  local y = scratch(self, "output", x, batch)
  K.maxpool(y, self.indices, x, self.kT, self.kW, self.kH, self.dT, self.dW, self.dH,
    self.padT, self.padW, self.padH, self.dilationT or 1, self.dilationW or 1, self.dilationH or 1,
    self.ceil_mode, who)
  return publish(self, "output", y, batch)
end

function VMax:updateGradInput(input, gradOutput)
  local who = name_of(self)
  local x = as_batch(who, input)
  if gradOutput:nElement() ~= self.indices:nElement() then
    fail(who, "gradOutput %s does not match the output %s", util.shape(gradOutput), util.shape(self.indices))
  end
  local g = gradOutput:contiguous():view(self.indices:size())
  K.scatter(shaped(self, "gradInput", input, x), g, self.indices, who)
  return self.gradInput
end

function VMax:empty() return self:clearState() end

function VMax:clearState()
  if self.indices then self.indices:set() end
  clear_scratch(self)
  return Module.clearState(self)
end

function VMax:__tostring__()
  local s = string.format("%s(%dx%dx%d, %d,%d,%d", torch.type(self), self.kT, self.kW, self.kH,
    self.dT, self.dW, self.dH)
  if self.padT ~= 0 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d,%d", self.padT, self.padW, self.padH)
  end
  if self.dilationT then
    s = s .. string.format(", %d,%d,%d", self.dilationT, self.dilationW, self.dilationH)
  end
  return s .. ")"
end

local VDMax = torch.class("nn.VolumetricDilatedMaxPooling", "nn.VolumetricMaxPooling", nn)

--- nn.VolumetricDilatedMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH,
-- dilationT, dilationW, dilationH]) -- max pooling over windows whose taps
-- are dilation apart (dilated extent dilation (k - 1) + 1).
function VDMax:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH)
  VMax.__init(self, kT, kW, kH, dT, dW, dH, padT, padW, padH)
  self.dilationT, self.dilationW, self.dilationH = dilationT or 1, dilationW or 1, dilationH or 1
end

local VUnpool = torch.class("nn.VolumetricMaxUnpooling", "nn.Module", nn)

--- nn.VolumetricMaxUnpooling(poolingModule) -- the inverse of a
-- nn.VolumetricMaxPooling whose kernel equals its stride: each input value
-- goes back to where the pooling module's last forward found its maximum,
-- zeros elsewhere; the output has that forward's input size.
function VUnpool:__init(poolingModule)
  Module.__init(self)
  if not (type(poolingModule) == "table" and torch.isTypeOf(poolingModule, "nn.VolumetricMaxPooling")) then
    error("nn.VolumetricMaxUnpooling: the argument must be a nn.VolumetricMaxPooling module", 2)
  end
  local p = poolingModule
  if p.kT ~= p.dT or p.kH ~= p.dH or p.kW ~= p.dW then
    error("nn.VolumetricMaxUnpooling: the pooling module's kernel must equal its stride", 2)
  end
  self.pooling = p
end

function VUnpool:setParams()
  local p = self.pooling
  self.indices = p.indices
  self.otime, self.oheight, self.owidth = p.itime, p.iheight, p.iwidth
  self.dT, self.dH, self.dW = p.dT, p.dH, p.dW
  self.padT, self.padH, self.padW = p.padT, p.padH, p.padW
end

-- input (N, C, oT, oH, oW) as a view shaped like the pooling indices
function VUnpool:_pooled(who, input)
  self:setParams()
  if not self.otime or not self.indices or self.indices:nElement() ~= input:nElement()
      or self.indices:dim() ~= 5 then
    fail(who, "input %s does not match the pooling module's last output (indices %s)", util.shape(input),
      self.indices and util.shape(self.indices) or "none")
  end
  return input:contiguous():view(self.indices:size())
end

function VUnpool:updateOutput(input)
  local who = "nn.VolumetricMaxUnpooling"
  local x = self:_pooled(who, input)
  local N, C = x:size(1), x:size(2)
  if input:dim() == 5 then self.output:resize(N, C, self.otime, self.oheight, self.owidth)
  else self.output:resize(C, self.otime, self.oheight, self.owidth) end
  K.scatter(self.output:view(N, C, self.otime, self.oheight, self.owidth), x, self.indices, who)
  return self.output
end

function VUnpool:updateGradInput(input, gradOutput)
  local who = "nn.VolumetricMaxUnpooling"
  local x = self:_pooled(who, input)
  local g = as5(gradOutput)
  if g:size(1) ~= x:size(1) or g:size(2) ~= x:size(2) or g:size(3) ~= self.otime or g:size(4) ~= self.oheight
      or g:size(5) ~= self.owidth then
    fail(who, "gradOutput %s does not match the output size", util.shape(gradOutput))
  end
  K.gather(shaped(self, "gradInput", input, x), g, self.indices, who)
  return self.gradInput
end

function VUnpool:empty() return self:clearState() end

function VUnpool:__tostring__()
  return "nn.VolumetricMaxUnpooling associated to " .. tostring(self.pooling)
end

-- ---------------------------------------------------------------- average pooling

local VAvg = torch.class("nn.VolumetricAveragePooling", "nn.Module", nn)

--- nn.VolumetricAveragePooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH])
-- -- the mean of each window (stride defaults to the kernel); padded zeros
-- count unless :setCountExcludePad(); :ceil() / :floor() as for max pooling.
function VAvg:__init(kT, kW, kH, dT, dW, dH, padT, padW, padH)
  Module.__init(self)
  if not (kT and kW and kH) then error("nn.VolumetricAveragePooling: expected (kT, kW, kH [, dT, dW, dH, ...])", 2) end
  self.kT, self.kW, self.kH = kT, kW, kH
  self.dT, self.dW, self.dH = dT or kT, dW or kW, dH or kH
  self.padT, self.padW, self.padH = padT or 0, padW or 0, padH or 0
  self.ceil_mode = false
  self.count_include_pad = true
end

function VAvg:ceil() self.ceil_mode = true; return self end
function VAvg:floor() self.ceil_mode = false; return self end
--- pool:setCountIncludePad() / :setCountExcludePad() -> self.
function VAvg:setCountIncludePad() self.count_include_pad = true; return self end
function VAvg:setCountExcludePad() self.count_include_pad = false; return self end

function VAvg:_args()
  return self.kT, self.kW, self.kH, self.dT, self.dW, self.dH, self.padT or 0, self.padW or 0, self.padH or 0,
    self.ceil_mode, self.count_include_pad ~= false
end

function VAvg:updateOutput(input)
  local x, batch = as_batch("nn.VolumetricAveragePooling", input)
  local y = scratch(self, "output", x, batch)
  K.avgpool(y, x, self:_args())
  return publish(self, "output", y, batch)
end

function VAvg:updateGradInput(input, gradOutput)
  local x = as_batch("nn.VolumetricAveragePooling", input)
  local g = as5(gradOutput)
  K.avgpool_backward(shaped(self, "gradInput", input, x), g, self:_args())
  return self.gradInput
end

function VAvg:clearState()
  clear_scratch(self)
  return Module.clearState(self)
end

function VAvg:empty() return self:clearState() end

VAvg.__tostring__ = VMax.__tostring__

-- ---------------------------------------------------------------- fractional max pooling

local VFrac = torch.class("nn.VolumetricFractionalMaxPooling", "nn.Module", nn)

--- nn.VolumetricFractionalMaxPooling(poolT, poolW, poolH, outT, outW, outH) or
-- (poolT, poolW, poolH, ratioT, ratioW, ratioH) -- fractional max pooling
-- (Graham, 2014) of (C, H, W, T) or (N, C, H, W, T) (Torch7's layout) into an
-- output of exactly (outH, outW, outT), or floor(ratio * input size) per axis
-- (ratios in (0, 1)); the pseudo-random windows come from `randomSamples`
-- (N, C, 3), drawn anew each forward unless :fixPoolingRegions().
function VFrac:__init(poolSizeT, poolSizeW, poolSizeH, arg1, arg2, arg3)
  Module.__init(self)
  local who = "nn.VolumetricFractionalMaxPooling"
  if not (poolSizeT and poolSizeW and poolSizeH and arg1 and arg2 and arg3) then
    error(who .. ": expected (poolSizeT, poolSizeW, poolSizeH, outT|ratioT, outW|ratioW, outH|ratioH)", 2)
  end
  if poolSizeT < 2 or poolSizeW < 2 or poolSizeH < 2 then
    error(string.format("%s: pool sizes must be >= 2 (got %dx%dx%d)", who, poolSizeT, poolSizeW, poolSizeH), 2)
  end
  self.poolSizeT, self.poolSizeW, self.poolSizeH = poolSizeT, poolSizeW, poolSizeH
  self.newRandomPool = false
  if arg1 >= 1 and arg2 >= 1 and arg3 >= 1 then
    self.outT, self.outW, self.outH = arg1, arg2, arg3
  else
    for _, r in ipairs { arg1, arg2, arg3 } do
      if not (r > 0 and r < 1) then
        error(string.format("%s: ratios must lie in (0, 1) (got %g, %g, %g)", who, arg1, arg2, arg3), 2)
      end
    end
    self.ratioT, self.ratioW, self.ratioH = arg1, arg2, arg3
  end
end

--- pool:fixPoolingRegions([fixed = true]) -> self: keep the random samples
-- (and so the windows) from one forward to the next.
function VFrac:fixPoolingRegions(val)
  if val == nil then val = true end
  self.newRandomPool = val
  return self
end

-- output sizes (outT, outW, outH) for input x (N, C, H, W, T)
function VFrac:_sizes(x)
  if self.ratioT then
    local oT = math.floor(x:size(5) * self.ratioT)
    local oW = math.floor(x:size(4) * self.ratioW)
    local oH = math.floor(x:size(3) * self.ratioH)
    if oT < 1 or oW < 1 or oH < 1 then
      fail("nn.VolumetricFractionalMaxPooling", "reduction ratios %g, %g, %g give an empty output for input %s",
        self.ratioT, self.ratioW, self.ratioH, util.shape(x))
    end
    return oT, oW, oH
  end
  return self.outT, self.outW, self.outH
end

function VFrac:_samples(x)
  local N, C = x:size(1), x:size(2)
  local s = self.randomSamples
  if s and torch.typename(s) ~= torch.typename(x) then s = s:type(torch.typename(x)) end
  if not s or s:dim() ~= 3 or s:size(1) ~= N or s:size(2) ~= C then
    s = util.new(x, N, C, 3):uniform()
  elseif not self.newRandomPool then
    s:uniform()
  end
  self.randomSamples = s
  return s
end

function VFrac:updateOutput(input)
  local x, batch = as_batch("nn.VolumetricFractionalMaxPooling", input)
  if torch.typename(self.indices) ~= "torch.LongTensor" then self.indices = torch.LongTensor() end
  local s = self:_samples(x)
  local oT, oW, oH = self:_sizes(x)
  local y = scratch(self, "output", x, batch)
  K.fracmaxpool(y, self.indices, x, s:contiguous(), oT, oW, oH, self.poolSizeT, self.poolSizeW, self.poolSizeH)
  return publish(self, "output", y, batch)
end

function VFrac:updateGradInput(input, gradOutput)
  local who = "nn.VolumetricFractionalMaxPooling"
  if not self.indices then fail(who, "call forward before backward") end
  local x = as_batch(who, input)
  if gradOutput:nElement() ~= self.indices:nElement() then
    fail(who, "gradOutput %s does not match the output %s", util.shape(gradOutput), util.shape(self.indices))
  end
  K.scatter(shaped(self, "gradInput", input, x), gradOutput:contiguous():view(self.indices:size()), self.indices, who)
  return self.gradInput
end

function VFrac:empty() return self:clearState() end

function VFrac:clearState()
  self.indices, self.randomSamples = nil, nil
  clear_scratch(self)
  return Module.clearState(self)
end

function VFrac:__tostring__()
  return string.format("%s(%sx%sx%s, %d,%d,%d)", torch.type(self), tostring(self.outT or self.ratioT),
    tostring(self.outW or self.ratioW), tostring(self.outH or self.ratioH), self.poolSizeT, self.poolSizeW,
    self.poolSizeH)
end

-- ---------------------------------------------------------------- replication padding

local VPad = torch.class("nn.VolumetricReplicationPadding", "nn.Module", nn)

--- nn.VolumetricReplicationPadding(left [, right, top, bottom, front, back])
-- -- pads (C, T, H, W) or (N, C, T, H, W) by repeating the border values
-- (W by left/right, H by top/bottom, T by front/back; the missing ones
-- default to left); a negative pad crops.
function VPad:__init(pleft, pright, ptop, pbottom, pfront, pback)
  Module.__init(self)
  if type(pleft) ~= "number" then error("nn.VolumetricReplicationPadding: expected (left [, right, top, bottom, front, back])", 2) end
  self.pleft = pleft
  self.pright = pright or pleft
  self.ptop = ptop or pleft
  self.pbottom = pbottom or pleft
  self.pfront = pfront or pleft
  self.pback = pback or pleft
end

function VPad:_pads()
  return self.pleft, self.pright, self.ptop, self.pbottom, self.pfront, self.pback
end

function VPad:updateOutput(input)
  local x, batch = as_batch("nn.VolumetricReplicationPadding", input)
  local y = scratch(self, "output", x, batch)
  K.replpad(y, x, self:_pads())
  return publish(self, "output", y, batch)
end

function VPad:updateGradInput(input, gradOutput)
  local who = "nn.VolumetricReplicationPadding"
  local x = as_batch(who, input)
  if gradOutput:dim() ~= input:dim() then
    fail(who, "gradOutput %s and input %s must have the same number of dimensions", util.shape(gradOutput),
      util.shape(input))
  end
  K.replpad_backward(shaped(self, "gradInput", input, x), as5(gradOutput), self:_pads())
  return self.gradInput
end

function VPad:clearState()
  clear_scratch(self)
  return Module.clearState(self)
end

function VPad:__tostring__()
  return torch.type(self) .. string.format("(left=%d, right=%d, top=%d, bottom=%d, front=%d, back=%d)",
    self.pleft, self.pright, self.ptop, self.pbottom, self.pfront, self.pback)
end

-- ---------------------------------------------------------------- batch normalisation

local BN = nn.BatchNormalization
local VBN = torch.class("nn.VolumetricBatchNormalization", "nn.BatchNormalization", nn)
VBN.__version = 2
VBN.nDim = 5

--- nn.VolumetricBatchNormalization(nPlanes [, eps, momentum, affine]) -- batch
-- normalisation of each plane of (N, C, T, H, W) (or one (C, T, H, W)) over
-- N, T, H and W; running estimates, eps and affine as nn.BatchNormalization.
function VBN:__init(...) BN.__init(self, ...) end

function VBN:_cm(input)
  local d = input:dim()
  if d ~= 4 and d ~= 5 then
    fail("nn.VolumetricBatchNormalization", "expected a 4D or 5D input, got %s", util.shape(input))
  end
  if d == 4 then input = input:contiguous():view(1, input:size(1), input:size(2), input:size(3), input:size(4)) end
  return BN._cm(self, input)
end

function VBN:_back(cm, like, out)
  if like:dim() ~= 4 then return BN._back(self, cm, like, out) end
  out:resize(like:size())
  local o5 = out:view(1, like:size(1), like:size(2), like:size(3), like:size(4))
  BN._back(self, cm, o5, o5)
  return out
end

-- ---------------------------------------------------------------- dropout

local VDrop = torch.class("nn.VolumetricDropout", "nn.Module", nn)

--- nn.VolumetricDropout([p = 0.5 [, stochasticInference]]) -- in training,
-- zeroes whole feature volumes (C of (C, T, H, W), or (n, c) of a batch)
-- with probability p, without rescaling (Torch7's rule); in evaluation
-- multiplies by 1 - p.
function VDrop:__init(p, stochasticInference)
  Module.__init(self)
  self.p = p or 0.5
  if type(self.p) ~= "number" or self.p < 0 or self.p >= 1 then
    error("nn.VolumetricDropout: p must lie in [0, 1) (got " .. tostring(p) .. ")", 2)
  end
  self.train = true
  self.stochastic_inference = stochasticInference or false
  self.noise = torch.Tensor()
end

function VDrop:updateOutput(input)
  self.output:resizeAs(input):copy(input)
  if self.train or self.stochastic_inference then
    local d = input:dim()
    self.noise = buffer(self.noise, input)
    if d == 5 then self.noise:resize(input:size(1), input:size(2), 1, 1, 1)
    elseif d == 4 then self.noise:resize(input:size(1), 1, 1, 1)
    else fail("nn.VolumetricDropout", "expected (C, T, H, W) or (N, C, T, H, W) input, got %s", util.shape(input)) end
    self.noise:bernoulli(1 - self.p)
    self.output:cmul(self.noise:expandAs(input))
  else
    self.output:mul(1 - self.p)
  end
  return self.output
end

function VDrop:updateGradInput(input, gradOutput)
  if not self.train then fail("nn.VolumetricDropout", "backprop is only defined while training") end
  self.gradInput:resizeAs(gradOutput):copy(gradOutput)
  self.gradInput:cmul(self.noise:expandAs(input))
  return self.gradInput
end

--- drop:setp(p) -- sets the drop probability.
function VDrop:setp(p) self.p = p end

function VDrop:__tostring__() return string.format("%s(%f)", torch.type(self), self.p) end

function VDrop:clearState()
  if self.noise then self.noise:set() end
  return Module.clearState(self)
end

return VConv
