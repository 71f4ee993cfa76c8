-- Convolutions, pooling and batch normalisation: nn.SpatialConvolution,
-- SpatialConvolutionMM, SpatialFullConvolution, SpatialMaxPooling (with
-- indices), SpatialAveragePooling, SpatialSubSampling, BatchNormalization,
-- SpatialBatchNormalization, TemporalConvolution, TemporalMaxPooling.
-- Spatial layers take (C, H, W) or a batch (N, C, H, W).  A convolution of
-- a whole batch is one im2col (C, torch._nn) and one GEMM (BLAS), so the
-- products run on every core; the patch/plane loops are threaded in C.
-- Weight layouts, argument orders (width before height) and `reset` are
-- Torch7's.  Dilated, depth-wise and local layers are in
-- spatial.lua, volumetric ones in volumetric.lua.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local K = torch._nn
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

-- input as a contiguous (N, C, H, W) tensor and whether it was a batch
local as_batch = util.image_batch

local function new_like(t) return util.new(t) end

-- ---------------------------------------------------------------- SpatialConvolution

local Conv = torch.class("nn.SpatialConvolution", "nn.Module", nn)

--- nn.SpatialConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH]) -- 2-D
-- convolution (cross-correlation) of (N, nIn, H, W) into (N, nOut, oH, oW),
-- oH = floor((H + 2 padH - kH) / dH) + 1; weight (nOut, nIn, kH, kW).
function Conv:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  Module.__init(self)
  if not (nInputPlane and nOutputPlane and kW and kH) then
    error("nn.SpatialConvolution: expected (nInputPlane, nOutputPlane, kW, kH [, dW, dH, padW, padH])", 2)
  end
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self:_alloc()
  self:reset()
end

function Conv:_alloc()
  self.weight = torch.Tensor(self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradWeight = torch.Tensor(self.nOutputPlane, self.nInputPlane, self.kH, self.kW)
  self.gradBias = torch.Tensor(self.nOutputPlane)
end

--- conv:noBias() -> self without bias.
function Conv:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

function Conv:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

function Conv:_w2() return self.weight:view(self.nOutputPlane, -1) end
function Conv:_gw2() return self.gradWeight:view(self.nOutputPlane, -1) end

function Conv:updateOutput(input)
  local who = "nn." .. torch.type(self):match("[^.]+$") .. ".updateOutput"
  local x, batch = as_batch(who, input, self.nInputPlane)
  local N, H, W = x:size(1), x:size(3), x:size(4)
  local oh = math.floor((H + 2 * self.padH - self.kH) / self.dH) + 1
  local ow = math.floor((W + 2 * self.padW - self.kW) / self.dW) + 1
  if oh < 1 or ow < 1 then
    fail(who, "input %s is too small for kernel %dx%d (padding %dx%d)", util.shape(input), self.kH, self.kW,
      self.padH, self.padW)
  end
  self._gradTfresh = false
  self.finput = self.finput and torch.typename(self.finput) == torch.typename(x) and self.finput or new_like(x)
  local L = oh * ow
  self._out2 = self._out2 and torch.typename(self._out2) == torch.typename(x) and self._out2 or new_like(x)
  self.output:resize(N, self.nOutputPlane, oh, ow)
  local out3 = self.output:view(N, self.nOutputPlane, L)
  -- images per GEMM: all of them, unless each column is short (few input
  -- planes, a small kernel): that product is bound by memory, and groups of
  -- images whose columns stay in cache run twice as fast (LeNet's first
  -- layer: 1.2-1.6 ms -> 0.6 ms a batch on 2 cores)
  local step = self:_chunk(N, L)
  for n0 = 1, N, step do
    local k = math.min(step, N - n0 + 1)
    K.im2col(self.finput, step < N and x:narrow(1, n0, k) or x, self.kW, self.kH, self.dW, self.dH, self.padW,
      self.padH)
    local out2 = self._out2:resize(self.nOutputPlane, k * L)
    out2:mm(self:_w2(), self.finput)
    if self.bias then out2:add(self.bias:view(self.nOutputPlane, 1):expand(self.nOutputPlane, k * L)) end
    out3:narrow(1, n0, k):copy(out2:view(self.nOutputPlane, k, L):transpose(1, 2))
  end
  if not batch then self.output = self.output:view(self.nOutputPlane, oh, ow) end
  return self.output
end

-- CHUNK_COLS: the column elements (K x images x L) of one group when the
-- columns are short (K = nIn kH kW below SHORT_K)
local CHUNK_COLS, SHORT_K = 65536, 64
function Conv:_chunk(N, L)
  local k = self.nInputPlane * self.kH * self.kW
  if k >= SHORT_K then return N end
  return math.max(1, math.min(N, CHUNK_COLS // (k * L)))
end

-- gradOutput as (nOut, N*L), cached for accGradParameters
local function grad_t(self, gradOutput, N, L)
  self._gradT = self._gradT and torch.typename(self._gradT) == torch.typename(gradOutput) and self._gradT
    or new_like(gradOutput)
  self._gradT:resize(self.nOutputPlane, N, L)
  self._gradT:copy(gradOutput:contiguous():view(N, self.nOutputPlane, L):transpose(1, 2))
  self._gradTfresh = true
  return self._gradT:view(self.nOutputPlane, N * L)
end

function Conv:updateGradInput(input, gradOutput)
  -- a nil gradInput (Torch7's idiom, as in nn.Linear) skips the input
  -- gradient; the transposed gradOutput is still made for accGradParameters
  local x = as_batch("nn.SpatialConvolution.updateGradInput", input, self.nInputPlane)
  local N = x:size(1)
  local L = gradOutput:nElement() // (N * self.nOutputPlane)
  local gt = grad_t(self, gradOutput, N, L)
  if not self.gradInput then return nil end
  self.fgradInput = self.fgradInput and torch.typename(self.fgradInput) == torch.typename(x) and self.fgradInput
    or new_like(x)
  self.fgradInput:resize(self.finput:size(1), N * L)
  self.fgradInput:mm(self:_w2():t(), gt)
  self.gradInput:resize(x:size())
  K.col2im(self.gradInput, self.fgradInput, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Conv:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x = as_batch("nn.SpatialConvolution.accGradParameters", input, self.nInputPlane)
  local N = x:size(1)
  local L = gradOutput:nElement() // (N * self.nOutputPlane)
  local gt
  if self._gradTfresh then
    -- made by updateGradInput from this gradOutput since the last forward
    gt = self._gradT:view(self.nOutputPlane, N * L)
  else
    gt = grad_t(self, gradOutput, N, L)
  end
  local step = self:_chunk(N, L)
  if step < N then
    -- the columns of each group again (forward kept only the last group's)
    self.finput = self.finput or new_like(x)
    for n0 = 1, N, step do
      local k = math.min(step, N - n0 + 1)
      K.im2col(self.finput, x:narrow(1, n0, k), self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
      self:_gw2():addmm(scale, gt:narrow(2, (n0 - 1) * L + 1, k * L), self.finput:t())
    end
  else
    if not self.finput or self.finput:size(2) ~= N * L then -- (a grouped forward kept fewer columns)
      self.finput = self.finput or new_like(x)
      K.im2col(self.finput, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
    end
    self:_gw2():addmm(scale, gt, self.finput:t())
  end
  if self.bias then self.gradBias:add(scale, gt:sum(2):view(-1)) end
end

function Conv:clearState()
  self.finput, self.fgradInput, self._out2, self._gradT, self._gradTfresh = nil, nil, nil, nil, nil
  return Module.clearState(self)
end

function Conv:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%d", torch.type(self), self.nInputPlane, self.nOutputPlane, self.kW, self.kH)
  if self.dW ~= 1 or self.dH ~= 1 or self.padW ~= 0 or self.padH ~= 0 then
    s = s .. string.format(", %d,%d", self.dW, self.dH)
  end
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  s = s .. ")"
  if self.bias == nil then s = s .. " without bias" end
  return s
end

local ConvMM = torch.class("nn.SpatialConvolutionMM", "nn.SpatialConvolution", nn)

--- nn.SpatialConvolutionMM(nIn, nOut, kW, kH [, dW, dH, padW, padH]) -- the
-- same convolution with Torch7's MM weight layout (nOut, nIn*kH*kW).
function ConvMM:__init(...)
  Conv.__init(self, ...)
end

function ConvMM:_alloc()
  local n = self.nInputPlane * self.kH * self.kW
  self.weight = torch.Tensor(self.nOutputPlane, n)
  self.bias = torch.Tensor(self.nOutputPlane)
  self.gradWeight = torch.Tensor(self.nOutputPlane, n)
  self.gradBias = torch.Tensor(self.nOutputPlane)
end

-- ---------------------------------------------------------------- SpatialFullConvolution

local Full = torch.class("nn.SpatialFullConvolution", "nn.Module", nn)

--- nn.SpatialFullConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH, adjW, adjH])
-- -- the transposed convolution: oH = (H - 1) dH - 2 padH + kH + adjH;
-- weight (nIn, nOut, kH, kW).
function Full:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, adjW, adjH)
  Module.__init(self)
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  self.adjW, self.adjH = adjW or 0, adjH or 0
  if self.adjW > self.dW - 1 or self.adjH > self.dH - 1 then
    error("nn.SpatialFullConvolution: adjW and adjH must be smaller than dW and dH", 2)
  end
  self.weight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
  self.gradWeight = torch.Tensor(nInputPlane, nOutputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane)
  self.gradBias = torch.Tensor(nOutputPlane)
  self:reset()
end

function Full:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

function Full:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- x (N, C, H, W) as (C, N*H*W)
local function planes_first(x)
  local N, C = x:size(1), x:size(2)
  return x:view(N, C, -1):transpose(1, 2):contiguous():view(C, -1)
end

-- Torch7's dual input {input, target}: the output takes target's last two
-- sizes, the adjustments being (size + 2 pad - k) % stride
local function full_input(self, input)
  if torch.isTensor(input) then return input, self.adjW, self.adjH end
  if type(input) ~= "table" or not torch.isTensor(input[1]) or not torch.isTensor(input[2]) then
    fail("nn.SpatialFullConvolution", "expected a tensor or a table {input, target}")
  end
  local t = input[2]
  local d = t:dim()
  if d < 2 then fail("nn.SpatialFullConvolution", "target %s needs height and width", util.shape(t)) end
  local tH, tW = t:size(d - 1), t:size(d)
  return input[1], (tW + 2 * self.padW - self.kW) % self.dW, (tH + 2 * self.padH - self.kH) % self.dH
end

function Full:updateOutput(input)
  local inp, adjW, adjH = full_input(self, input)
  local x, batch = as_batch("nn.SpatialFullConvolution.updateOutput", inp, self.nInputPlane)
  local N, H, W = x:size(1), x:size(3), x:size(4)
  local oh = (H - 1) * self.dH - 2 * self.padH + self.kH + adjH
  local ow = (W - 1) * self.dW - 2 * self.padW + self.kW + adjW
  if oh < 1 or ow < 1 then fail("nn.SpatialFullConvolution.updateOutput", "input %s gives an empty output", util.shape(input)) end
  local xc = planes_first(x)
  local w2 = self.weight:view(self.nInputPlane, -1)
  self.columns = self.columns or new_like(x)
  self.columns:resize(w2:size(2), N * H * W):mm(w2:t(), xc)
  self.output:resize(N, self.nOutputPlane, oh, ow)
  K.col2im(self.output, self.columns, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  if self.bias then
    self.output:add(self.bias:view(1, self.nOutputPlane, 1, 1):expandAs(self.output))
  end
  if not batch then self.output = self.output:view(self.nOutputPlane, oh, ow) end
  return self.output
end

function Full:updateGradInput(input, gradOutput)
  if not torch.isTensor(input) then
    -- the target gets a zero gradient: a one-element tensor, as Torch7
    local inp = full_input(self, input)
    local gi = self.gradInput
    if type(gi) ~= "table" then gi = { util.new(inp), util.new(inp) } end
    self.gradInput = gi[1]
    gi[1] = self:updateGradInput(inp, gradOutput)
    gi[2]:resize(1):zero()
    self.gradInput = gi
    return gi
  end
  if type(self.gradInput) == "table" then self.gradInput = self.gradInput[1] end
  local x = as_batch("nn.SpatialFullConvolution.updateGradInput", input, self.nInputPlane)
  local N, H, W = x:size(1), x:size(3), x:size(4)
  local g = gradOutput:dim() == 3 and gradOutput:view(1, gradOutput:size(1), gradOutput:size(2), gradOutput:size(3))
    or gradOutput
  g = g:contiguous()
  self.gcolumns = self.gcolumns or new_like(x)
  K.im2col(self.gcolumns, g, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  local w2 = self.weight:view(self.nInputPlane, -1)
  local gi = new_like(x):resize(self.nInputPlane, N * H * W):mm(w2, self.gcolumns)
  self.gradInput:resize(N, self.nInputPlane, H, W)
  self.gradInput:view(N, self.nInputPlane, H * W):copy(gi:view(self.nInputPlane, N, H * W):transpose(1, 2))
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Full:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  input = full_input(self, input)
  local x = as_batch("nn.SpatialFullConvolution.accGradParameters", input, self.nInputPlane)
  local g = gradOutput:dim() == 3 and gradOutput:view(1, gradOutput:size(1), gradOutput:size(2), gradOutput:size(3))
    or gradOutput
  g = g:contiguous()
  self.gcolumns = self.gcolumns or new_like(x)
  K.im2col(self.gcolumns, g, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
  self.gradWeight:view(self.nInputPlane, -1):addmm(scale, planes_first(x), self.gcolumns:t())
  if self.bias then
    self.gradBias:add(scale, g:transpose(1, 2):contiguous():view(self.nOutputPlane, -1):sum(2):view(-1))
  end
end

function Full:clearState()
  self.columns, self.gcolumns = nil, nil
  return Module.clearState(self)
end

function Full:__tostring__()
  return string.format("%s(%d -> %d, %dx%d, %d,%d, %d,%d)", torch.type(self), self.nInputPlane, self.nOutputPlane,
    self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
end

-- ---------------------------------------------------------------- pooling

local MaxPool = torch.class("nn.SpatialMaxPooling", "nn.Module", nn)

--- nn.SpatialMaxPooling(kW, kH [, dW, dH, padW, padH]) -- the maximum of
-- each window (stride defaults to the kernel); :ceil() / :floor() choose the
-- output size rounding; `indices` holds the argmax positions.
function MaxPool:__init(kW, kH, dW, dH, padW, padH)
  Module.__init(self)
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or kW, dH or kH
  self.padW, self.padH = padW or 0, padH or 0
  self.ceil_mode = false
  self.indices = torch.LongTensor()
end

--- pool:ceil() -> self (output sizes round up).
function MaxPool:ceil() self.ceil_mode = true; return self end
--- pool:floor() -> self (output sizes round down, the default).
function MaxPool:floor() self.ceil_mode = false; return self end

function MaxPool:updateOutput(input)
  local x, batch = as_batch("nn.SpatialMaxPooling.updateOutput", input)
  -- :float()/:double() convert every tensor field; indices stay Long
  if torch.typename(self.indices) ~= "torch.LongTensor" then self.indices = torch.LongTensor() end
  K.maxpool2d(self.output, self.indices, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode)
  if not batch then
    self.output = self.output:view(self.output:size(2), self.output:size(3), self.output:size(4))
  end
  return self.output
end

function MaxPool:updateGradInput(input, gradOutput)
  local x = as_batch("nn.SpatialMaxPooling.updateGradInput", input)
  local g = gradOutput:contiguous():view(self.indices:size())
  self.gradInput:resize(x:size())
  K.maxpool2d_backward(self.gradInput, g, self.indices)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function MaxPool:clearState()
  if self.indices then self.indices:set() end
  return Module.clearState(self)
end

function MaxPool:__tostring__()
  local s = string.format("%s(%dx%d, %d,%d", torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  return s .. ")"
end

local AvgPool = torch.class("nn.SpatialAveragePooling", "nn.Module", nn)

--- nn.SpatialAveragePooling(kW, kH [, dW, dH, padW, padH]) -- the mean of
-- each window (stride 1 by default); padded zeros count unless
-- :setCountExcludePad(); :ceil() / :floor() as for max pooling.
function AvgPool:__init(kW, kH, dW, dH, padW, padH)
  Module.__init(self)
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW, self.padH = padW or 0, padH or 0
  self.ceil_mode = false
  self.count_include_pad = true
  self.divide = true
end

function AvgPool:ceil() self.ceil_mode = true; return self end
function AvgPool:floor() self.ceil_mode = false; return self end
--- pool:setCountIncludePad() / :setCountExcludePad() -> self.
function AvgPool:setCountIncludePad() self.count_include_pad = true; return self end
function AvgPool:setCountExcludePad() self.count_include_pad = false; return self end

function AvgPool:updateOutput(input)
  local x, batch = as_batch("nn.SpatialAveragePooling.updateOutput", input)
  K.avgpool2d(self.output, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.ceil_mode,
    self.count_include_pad)
  if not self.divide then self.output:mul(self.kW * self.kH) end
  if not batch then
    self.output = self.output:view(self.output:size(2), self.output:size(3), self.output:size(4))
  end
  return self.output
end

function AvgPool:updateGradInput(input, gradOutput)
  local x = as_batch("nn.SpatialAveragePooling.updateGradInput", input)
  local d = self.output:dim() == 4 and self.output or self.output:view(1, self.output:size(1),
    self.output:size(2), self.output:size(3))
  local g = gradOutput:contiguous():view(d:size())
  self.gradInput:resize(x:size())
  K.avgpool2d_backward(self.gradInput, g, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
    self.ceil_mode, self.count_include_pad)
  if not self.divide then self.gradInput:mul(self.kW * self.kH) end
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function AvgPool:__tostring__()
  local s = string.format("%s(%dx%d, %d,%d", torch.type(self), self.kW, self.kH, self.dW, self.dH)
  if self.padW ~= 0 or self.padH ~= 0 then s = s .. string.format(", %d,%d", self.padW, self.padH) end
  return s .. ")"
end

local SubS = torch.class("nn.SpatialSubSampling", "nn.Module", nn)

--- nn.SpatialSubSampling(nInputPlane, kW, kH [, dW, dH]) -- per plane c,
-- weight[c] times the sum of each kW x kH window plus bias[c] (stride 1).
function SubS:__init(nInputPlane, kW, kH, dW, dH)
  Module.__init(self)
  self.nInputPlane, self.kW, self.kH = nInputPlane, kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.weight = torch.Tensor(nInputPlane)
  self.bias = torch.Tensor(nInputPlane)
  self.gradWeight = torch.Tensor(nInputPlane):zero()
  self.gradBias = torch.Tensor(nInputPlane):zero()
  self:reset()
end

function SubS:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH)
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- window sums (N, C, oH, oW) of x (N, C, H, W)
local function window_sums(self, x)
  local y = new_like(x)
  K.avgpool2d(y, x, self.kW, self.kH, self.dW, self.dH, 0, 0, false, true)
  return y:mul(self.kW * self.kH)
end

function SubS:updateOutput(input)
  local x, batch = as_batch("nn.SpatialSubSampling.updateOutput", input, self.nInputPlane)
  local sums = window_sums(self, x)
  self._sums = sums
  local C = self.nInputPlane
  self.output:resizeAs(sums):copy(sums)
  self.output:cmul(self.weight:view(1, C, 1, 1):expandAs(sums)):add(self.bias:view(1, C, 1, 1):expandAs(sums))
  if not batch then self.output = self.output:view(C, sums:size(3), sums:size(4)) end
  return self.output
end

function SubS:updateGradInput(input, gradOutput)
  local x = as_batch("nn.SpatialSubSampling.updateGradInput", input, self.nInputPlane)
  local C = self.nInputPlane
  local g = gradOutput:contiguous():view(self._sums:size())
  local gw = new_like(g):resizeAs(g):copy(g):cmul(self.weight:view(1, C, 1, 1):expandAs(g)):mul(self.kW * self.kH)
  self.gradInput:resize(x:size())
  K.avgpool2d_backward(self.gradInput, gw, self.kW, self.kH, self.dW, self.dH, 0, 0, false, true)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function SubS:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local C = self.nInputPlane
  local g = gradOutput:contiguous():view(self._sums:size())
  local per = function(t) return t:transpose(1, 2):contiguous():view(C, -1):sum(2):view(-1) end
  self.gradWeight:add(scale, per(torch.cmul(g, self._sums)))
  self.gradBias:add(scale, per(g))
end

function SubS:clearState()
  self._sums = nil
  return Module.clearState(self)
end

-- ---------------------------------------------------------------- BatchNormalization

local BN = torch.class("nn.BatchNormalization", "nn.Module", nn)
BN.__version = 2

--- nn.BatchNormalization(nOutput [, eps, momentum, affine]) -- normalises each
-- feature of (N, nOutput) by the batch mean and variance in training (and
-- updates running_mean/running_var with momentum 0.1), by the running
-- estimates in evaluation and for a batch of one sample (N = 1); then y = weight * x_hat + bias when affine
-- (default; weight drawn uniform(0, 1), bias 0 as in Torch7).  eps 1e-5.
function BN:__init(nOutput, eps, momentum, affine)
  Module.__init(self)
  if type(nOutput) ~= "number" then error("nn.BatchNormalization: the number of features is required", 2) end
  if affine ~= nil then self.affine = affine else self.affine = true end
  self.eps = eps or 1e-5
  self.train = true
  self.momentum = momentum or 0.1
  self.running_mean = torch.zeros(nOutput)
  self.running_var = torch.ones(nOutput)
  if self.affine then
    self.weight = torch.Tensor(nOutput)
    self.bias = torch.Tensor(nOutput)
    self.gradWeight = torch.Tensor(nOutput)
    self.gradBias = torch.Tensor(nOutput)
    self:reset()
  end
end
BN.nDim = 2

function BN:reset()
  if self.weight then self.weight:uniform() end
  if self.bias then self.bias:zero() end
  self.running_mean:zero()
  self.running_var:fill(1)
  return self
end

-- input as (C, M): features first, everything else flattened
function BN:_cm(input)
  local who = "nn." .. torch.type(self):match("[^.]+$")
  local d = input:dim()
  local C = self.running_mean:nElement()
  if d ~= self.nDim and not (self.nDim == 4 and d == 3) and not (self.nDim == 2 and d == 1) then
    fail(who, "expected a %dD input, got %s", self.nDim, util.shape(input))
  end
  if input:size((d == 3 or d == 1) and 1 or 2) ~= C then
    fail(who, "expected %d features, got input %s", C, util.shape(input))
  end
  -- always a fresh copy: updateOutput works on it in place; a 1-D input is one sample
  if d == 1 then return input:view(C, 1):clone() end
  if d == 2 then return input:t():clone() end
  local x = d == 3 and input:view(1, input:size(1), input:size(2), input:size(3)) or input
  return x:contiguous():view(x:size(1), C, -1):transpose(1, 2):clone():view(C, -1)
end

-- (C, M) back to input's layout
function BN:_back(cm, like, out)
  local d = like:dim()
  out:resizeAs(like)
  if d == 1 then
    out:copy(cm:view(-1))
  elseif d == 2 then
    out:copy(cm:t())
  else
    local x = d == 3 and out:view(1, like:size(1), like:size(2), like:size(3)) or out
    local N, C = x:size(1), x:size(2)
    x:view(N, C, -1):copy(cm:view(C, N, -1):transpose(1, 2))
  end
  return out
end

function BN:updateOutput(input)
  local x = self:_cm(input)
  local C, M = x:size(1), x:size(2)
  local mean, invstd
  -- as Torch7: a batch of one sample is normalised by the running estimates
  -- (and leaves them alone) even in training, since its own variance is 0
  local nsamples = input:dim() == self.nDim and input:size(1) or 1
  self._batchstats = self.train and nsamples > 1
  if self._batchstats then
    mean = x:mean(2)
    local xc = x:add(-1, mean:expandAs(x)) -- x is our own copy
    local var = util.new(xc):resizeAs(xc):copy(xc):cmul(xc):sum(2):div(M)
    invstd = var:clone():add(self.eps):sqrt():cinv()
    self.running_mean:mul(1 - self.momentum):add(self.momentum, mean:view(-1))
    local unbiased = M > 1 and var:clone():mul(M / (M - 1)) or var:clone()
    self.running_var:mul(1 - self.momentum):add(self.momentum, unbiased:view(-1))
    self.save_mean = mean:view(-1)
    self.save_std = invstd:view(-1)
    xc:cmul(invstd:expandAs(xc))
    self._xhat = xc
  else
    mean = self.running_mean:view(C, 1)
    invstd = self.running_var:clone():add(self.eps):sqrt():cinv():view(C, 1)
    x:add(-1, mean:expandAs(x)):cmul(invstd:expandAs(x))
    self._xhat = x
  end
  local y = util.new(x):resizeAs(self._xhat):copy(self._xhat)
  if self.affine then
    y:cmul(self.weight:view(C, 1):expandAs(y)):add(self.bias:view(C, 1):expandAs(y))
  end
  self:_back(y, input, self.output)
  return self.output
end

function BN:updateGradInput(input, gradOutput)
  local g = self:_cm(gradOutput)
  local C, M = g:size(1), g:size(2)
  local xhat = self._xhat
  local w = self.affine and self.weight:view(C, 1) or nil
  local gi
  if self._batchstats then
    local invstd = self.save_std:view(C, 1)
    local sg = g:sum(2)
    local sgx = util.new(g):resizeAs(g):copy(g):cmul(xhat):sum(2)
    -- (g - mean(g) - xhat * mean(g xhat)) * invstd * w
    gi = util.new(g):resizeAs(xhat):copy(xhat):cmul(sgx:div(M):expandAs(xhat)):mul(-1)
    gi:add(g):add(-1, sg:div(M):expandAs(g)):cmul(invstd:expandAs(g))
  else
    local invstd = self.running_var:clone():add(self.eps):sqrt():cinv():view(C, 1)
    gi = g:clone():cmul(invstd:expandAs(g))
  end
  if w then gi:cmul(w:expandAs(gi)) end
  self:_back(gi, input, self.gradInput)
  return self.gradInput
end

function BN:accGradParameters(input, gradOutput, scale)
  if not self.affine then return end
  scale = scale or 1
  local g = self:_cm(gradOutput)
  self.gradBias:add(scale, g:sum(2):view(-1))
  self.gradWeight:add(scale, g:cmul(self._xhat):sum(2):view(-1))
end

function BN:clearState()
  self._xhat = nil
  return Module.clearState(self)
end

function BN:__tostring__()
  return string.format("%s (%dD) (%d)", torch.type(self), self.nDim, self.running_mean:nElement())
end

local SBN = torch.class("nn.SpatialBatchNormalization", "nn.BatchNormalization", nn)
SBN.__version = 2
SBN.nDim = 4
--- nn.SpatialBatchNormalization(nPlanes [, eps, momentum, affine]) -- batch
-- normalisation of each plane of (N, C, H, W) over N, H and W.
function SBN:__init(...) BN.__init(self, ...) end

-- ---------------------------------------------------------------- Temporal

local TConv = torch.class("nn.TemporalConvolution", "nn.Module", nn)

--- nn.TemporalConvolution(inputFrameSize, outputFrameSize, kW [, dW]) -- 1-D
-- convolution over frames: (T, in) or (N, T, in) -> (oT, out), oT = (T - kW) / dW + 1;
-- weight (out, kW*in).
function TConv:__init(inputFrameSize, outputFrameSize, kW, dW)
  Module.__init(self)
  self.inputFrameSize, self.outputFrameSize = inputFrameSize, outputFrameSize
  self.kW, self.dW = kW, dW or 1
  self.weight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
  self.bias = torch.Tensor(outputFrameSize)
  self.gradWeight = torch.Tensor(outputFrameSize, inputFrameSize * kW)
  self.gradBias = torch.Tensor(outputFrameSize)
  self:reset()
end

function TConv:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.inputFrameSize)
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

-- (N, T, F) contiguous and the output frame count
local function frames(self, who, input)
  local x = input
  if x:dim() == 2 then x = x:view(1, x:size(1), x:size(2))
  elseif x:dim() ~= 3 then fail(who, "expected (T, F) or (N, T, F) input, got %s", util.shape(input)) end
  if x:size(3) ~= self.inputFrameSize then
    fail(who, "expected frames of %d features, got input %s", self.inputFrameSize, util.shape(input))
  end
  local T = x:size(2)
  if T < self.kW then fail(who, "input %s has fewer than kW = %d frames", util.shape(input), self.kW) end
  return x:contiguous(), (T - self.kW) // self.dW + 1
end

-- the (N*oT, kW*F) matrix of windows
local function windows(self, x, oT)
  local N, F = x:size(1), x:size(3)
  local u = x:unfold(2, self.kW, self.dW) -- (N, oT, F, kW)
  return u:transpose(3, 4):contiguous():view(N * oT, self.kW * F)
end

function TConv:updateOutput(input)
  local x, oT = frames(self, "nn.TemporalConvolution.updateOutput", input)
  local N = x:size(1)
  self._cols = windows(self, x, oT)
  local o = util.new(x):resize(N * oT, self.outputFrameSize):mm(self._cols, self.weight:t())
  o:add(self.bias:view(1, -1):expandAs(o))
  if input:dim() == 2 then self.output:resize(oT, self.outputFrameSize):copy(o)
  else self.output:resize(N, oT, self.outputFrameSize):copy(o) end
  return self.output
end

function TConv:updateGradInput(input, gradOutput)
  local x, oT = frames(self, "nn.TemporalConvolution.updateGradInput", input)
  local N, T, F = x:size(1), x:size(2), x:size(3)
  local g = gradOutput:contiguous():view(N * oT, self.outputFrameSize)
  local gc = util.new(x):resize(N * oT, self.kW * F):mm(g, self.weight):view(N, oT, self.kW, F)
  local gi = util.new(x):resize(N, T, F):zero()
  local st = gi:storage()
  for n = 1, N do
    for k = 1, self.kW do
      -- frames (j-1) dW + k of sample n, for j = 1..oT
      local off = gi:storageOffset() + ((n - 1) * T + (k - 1)) * F
      local view = util.new(x):set(st, off, torch.LongStorage{ oT, F }, torch.LongStorage{ self.dW * F, 1 })
      view:add(gc[n]:select(2, k))
    end
  end
  self.gradInput:resizeAs(input):copy(gi:viewAs(input))
  return self.gradInput
end

function TConv:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local x, oT = frames(self, "nn.TemporalConvolution.accGradParameters", input)
  local N = x:size(1)
  local g = gradOutput:contiguous():view(N * oT, self.outputFrameSize)
  local cols = self._cols or windows(self, x, oT)
  self.gradWeight:addmm(scale, g:t(), cols)
  self.gradBias:add(scale, g:sum(1):view(-1))
end

function TConv:clearState()
  self._cols = nil
  return Module.clearState(self)
end

local TMax = torch.class("nn.TemporalMaxPooling", "nn.Module", nn)

--- nn.TemporalMaxPooling(kW [, dW]) -- the maximum over windows of kW frames
-- (stride dW = kW): (T, F) or (N, T, F) -> (oT, F).
function TMax:__init(kW, dW)
  Module.__init(self)
  self.kW, self.dW = kW, dW or kW
end

function TMax:updateOutput(input)
  local x = input:dim() == 2 and input:view(1, input:size(1), input:size(2)) or input
  if x:dim() ~= 3 or x:size(2) < self.kW then
    fail("nn.TemporalMaxPooling.updateOutput", "expected (T, F) or (N, T, F) with T >= %d, got %s", self.kW,
      util.shape(input))
  end
  local u = x:unfold(2, self.kW, self.dW) -- (N, oT, F, kW)
  local v, idx = u:max(4)
  self.indices = idx:select(4, 1):contiguous()
  local o = v:select(4, 1)
  if input:dim() == 2 then o = o:select(1, 1) end
  self.output:resizeAs(o):copy(o)
  return self.output
end

function TMax:updateGradInput(input, gradOutput)
  local x = input:dim() == 2 and input:view(1, input:size(1), input:size(2)) or input
  local N, T, F = x:size(1), x:size(2), x:size(3)
  local oT = self.indices:size(2)
  local g = gradOutput:contiguous():view(N, oT, F)
  local gi = util.new(x):resize(N, T, F):zero()
  local st = gi:storage()
  for k = 1, self.kW do
    local mask = self.indices:eq(k)
    local contrib = util.new(g):resizeAs(g):copy(g)
    contrib:maskedFill(mask:eq(0), 0)
    for n = 1, N do
      local off = gi:storageOffset() + ((n - 1) * T + (k - 1)) * F
      local view = util.new(x):set(st, off, torch.LongStorage{ oT, F }, torch.LongStorage{ self.dW * F, 1 })
      view:add(contrib[n])
    end
  end
  self.gradInput:resizeAs(input):copy(gi:viewAs(input))
  return self.gradInput
end

return Conv
