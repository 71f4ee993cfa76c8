-- Spatial layers beyond conv.lua: dilated, depth-wise and locally connected
-- convolutions, dilated / adaptive / fractional max pooling, adaptive
-- average pooling, max unpooling, reflection and replication padding,
-- nearest and (bi/tri)linear up-sampling.  (Normalisations, LP pooling,
-- temporal and connection-table layers: spatial2.lua.)
-- Images are (C, H, W) or a batch (N, C, H, W); argument orders (width
-- before height), weight layouts and output sizes are Torch7's.  The pixel
-- loops run in C (torch._nnsp, kernels/nn_spatial.c); convolutions are one
-- im2col and one batched GEMM; padding and nearest up-sampling are index
-- gathers (index/indexAdd), linear up-sampling two or three small matrix
-- products.  Not here: volumetric layers other than nn.UpSampling, CUDA.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local K = torch._nn
local KS = torch._nnsp
local Module = nn.Module

local S = {}

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end
S.fail = fail

local function name_of(self) return "nn." .. torch.type(self):match("[^.]+$") end
S.name_of = name_of

-- input as a contiguous (N, C, H, W) tensor and whether it was a batch
local as_batch = util.image_batch
S.as_batch = as_batch

-- a (N, C, oh, ow) result back to (C, oh, ow) when the input was not a batch
local function unbatch(t, batch)
  if batch then return t end
  return t:view(t:size(2), t:size(3), t:size(4))
end
S.unbatch = unbatch

-- gradOutput as a contiguous tensor of y's (batched) shape
local function grad_like(who, gradOutput, y)
  if gradOutput:nElement() ~= y:nElement() then
    fail(who, "gradOutput %s does not match output %s", util.shape(gradOutput), util.shape(y))
  end
  return gradOutput:contiguous():view(y:size())
end
S.grad_like = grad_like

local function long_indices(self)
  if torch.typename(self.indices) ~= "torch.LongTensor" then self.indices = torch.LongTensor() end
  return self.indices
end

-- a buffer field of x's type (re-made after a type change)
local function buf(self, key, x)
  local b = self[key]
  if not b or torch.typename(b) ~= torch.typename(x) then
    b = util.new(x)
    self[key] = b
  end
  return b
end
S.buf = buf

-- ---------------------------------------------------------------- grouped convolution core
-- G groups of cin input planes each give cout output planes each (group-major
-- output channels).  w3: the weight as (G, cout, cin*kH*kW); b2: the bias as
-- (G, cout) or nil.  Geometry fields of self: kW kH dW dH padW padH dilationW dilationH.

local function geometry(self)
  return self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW or 1, self.dilationH or 1
end

local function conv_out(self, who, x)
  local H, W = x:size(3), x:size(4)
  local ekh, ekw = (self.dilationH or 1) * (self.kH - 1) + 1, (self.dilationW or 1) * (self.kW - 1) + 1
  local oh = math.floor((H + 2 * self.padH - ekh) / self.dH) + 1
  local ow = math.floor((W + 2 * self.padW - ekw) / self.dW) + 1
  if oh < 1 or ow < 1 then
    fail(who, "input %s is too small for kernel %dx%d (dilated %dx%d, padding %dx%d)",
      util.shape(x), self.kH, self.kW, ekh, ekw, self.padH, self.padW)
  end
  return oh, ow
end

local function gconv_forward(self, who, x, G, w3, b2)
  local N = x:size(1)
  local oh, ow = conv_out(self, who, x)
  local L = oh * ow
  if N == 0 then return self.output:resize(0, G * w3:size(2), oh, ow) end -- an empty batch
  local cols = buf(self, "finput", x)
  KS.im2col(cols, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW or 1,
    self.dilationH or 1, who)
  self._finput_of = x:storage() and { torch.pointer(x:storage()), x:storageOffset(), N } or nil
  local cout = w3:size(2)
  local out = torch.bmm(w3, cols:view(G, w3:size(3), N * L)) -- (G, cout, N*L)
  if b2 then out:add(b2:contiguous():view(G, cout, 1):expandAs(out)) end
  self.output:resize(N, G * cout, oh, ow)
  self.output:view(N, G * cout, L):copy(out:view(G * cout, N, L):transpose(1, 2))
  return self.output
end

-- gradOutput (N, G*cout, oh, ow) as (G, cout, N*L)
local function gconv_grad(gradOutput, N, G, cout)
  local g = gradOutput:contiguous()
  local L = g:nElement() // (N * G * cout)
  return g:view(N, G * cout, L):transpose(1, 2):contiguous():view(G, cout, N * L)
end

local function gconv_backward(self, who, x, G, w3, gradOutput)
  local N = x:size(1)
  if N == 0 then return self.gradInput:resize(x:size()) end
  local gt = gconv_grad(gradOutput, N, G, w3:size(2))
  local gcols = torch.bmm(w3:transpose(2, 3), gt) -- (G, cin*kk, N*L)
  self.gradInput:resize(x:size())
  KS.col2im(self.gradInput, gcols:view(gcols:size(1) * gcols:size(2), gcols:size(3)), self.kW, self.kH, self.dW,
    self.dH, self.padW, self.padH, self.dilationW or 1, self.dilationH or 1, who)
  return self.gradInput
end

-- adds scale * dL/dw3 into gw3 (a view of gradWeight) and scale * dL/db2 into gb2
local function gconv_acc(self, who, x, G, gw3, gb2, gradOutput, scale)
  local N = x:size(1)
  if N == 0 then return end
  local cout = gw3:size(2)
  local gt = gconv_grad(gradOutput, N, G, cout)
  -- the patches of the last forward are reused when x is the same data
  -- (Torch7's contract: accGradParameters follows the forward of its input)
  local cols = buf(self, "finput", x)
  local f = self._finput_of
  if not (f and x:storage() and f[1] == torch.pointer(x:storage()) and f[2] == x:storageOffset() and f[3] == N
          and cols:dim() == 2 and cols:size(2) == gt:size(3)) then
    KS.im2col(cols, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW or 1,
      self.dilationH or 1, who)
  end
  gw3:add(scale, torch.bmm(gt, cols:view(G, gw3:size(3), gt:size(3)):transpose(2, 3)))
  if gb2 then gb2:add(scale, gt:sum(3):view(G, cout)) end
end

-- ---------------------------------------------------------------- SpatialDilatedConvolution

local Dil = torch.class("nn.SpatialDilatedConvolution", "nn.SpatialConvolution", nn)

--- nn.SpatialDilatedConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH,
-- dilationW, dilationH]) -- convolution whose kernel taps are dilation apart:
-- oW = floor((W + 2 padW - dilationW (kW - 1) - 1) / dW) + 1; weight
-- (nOut, nIn, kH, kW).
function Dil:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  nn.SpatialConvolution.__init(self, nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function Dil:_w3() return self.weight:view(1, self.nOutputPlane, -1) end

function Dil:updateOutput(input)
  local who = name_of(self) .. ".updateOutput"
  local x, batch = as_batch(who, input, self.nInputPlane)
  local b2 = self.bias and self.bias:view(1, self.nOutputPlane)
  gconv_forward(self, who, x, 1, self:_w3(), b2)
  self.output = unbatch(self.output, batch)
  return self.output
end

function Dil:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local who = name_of(self) .. ".updateGradInput"
  local x = as_batch(who, input, self.nInputPlane)
  gconv_backward(self, who, x, 1, self:_w3(), gradOutput)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Dil:accGradParameters(input, gradOutput, scale)
  local who = name_of(self) .. ".accGradParameters"
  local x = as_batch(who, input, self.nInputPlane)
  gconv_acc(self, who, x, 1, self.gradWeight:view(1, self.nOutputPlane, -1),
    self.gradBias and self.gradBias:view(1, self.nOutputPlane), gradOutput, scale or 1)
end

function Dil:__tostring__()
  local s = string.format("%s(%d -> %d, %dx%d, %d,%d, %d,%d, %d,%d)", torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, self.dilationW, self.dilationH)
  if self.bias == nil then s = s .. " without bias" end
  return s
end

-- ---------------------------------------------------------------- SpatialDepthWiseConvolution

local DW = torch.class("nn.SpatialDepthWiseConvolution", "nn.Module", nn)

--- nn.SpatialDepthWiseConvolution(nIn, multiplier, kW, kH [, dW, dH, padW,
-- padH]) -- each input plane i convolved with its own `multiplier` kernels:
-- output (N, nIn*multiplier, oH, oW), plane (i-1)*multiplier + o; weight
-- (multiplier, nIn*kH*kW) (a (multiplier, nIn, kH, kW) tensor is accepted),
-- bias (multiplier, nIn).
function DW:__init(nInputPlane, nOutputPlane, kW, kH, dW, dH, padW, padH)
  Module.__init(self)
  if not (nInputPlane and nOutputPlane and kW and kH) then
    error("nn.SpatialDepthWiseConvolution: expected (nInputPlane, multiplier, kW, kH [, dW, dH, padW, padH])", 2)
  end
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.kW, self.kH = kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.weight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
  self.bias = torch.Tensor(nOutputPlane, nInputPlane)
  self.gradWeight = torch.Tensor(nOutputPlane, nInputPlane * kH * kW)
  self.gradBias = torch.Tensor(nOutputPlane, nInputPlane)
  self:reset()
end

function DW:noBias()
  self.bias, self.gradBias = nil, nil
  return self
end

function DW:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  if self.bias then self.bias:uniform(-stdv, stdv) end
  return self
end

-- (nIn, multiplier, kH*kW) views of a weight-shaped tensor
local function dw3(self, w)
  if w:nElement() ~= self.nOutputPlane * self.nInputPlane * self.kH * self.kW then
    fail(name_of(self), "weight %s does not hold %dx%dx%dx%d values", util.shape(w), self.nOutputPlane,
      self.nInputPlane, self.kH, self.kW)
  end
  return w:contiguous():view(self.nOutputPlane, self.nInputPlane, -1):transpose(1, 2)
end

function DW:updateOutput(input)
  local who = "nn.SpatialDepthWiseConvolution.updateOutput"
  local x, batch = as_batch(who, input, self.nInputPlane)
  local b2 = self.bias and self.bias:contiguous():view(self.nOutputPlane, self.nInputPlane):t()
  gconv_forward(self, who, x, self.nInputPlane, dw3(self, self.weight), b2)
  self.output = unbatch(self.output, batch)
  return self.output
end

function DW:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local who = "nn.SpatialDepthWiseConvolution.updateGradInput"
  local x = as_batch(who, input, self.nInputPlane)
  gconv_backward(self, who, x, self.nInputPlane, dw3(self, self.weight), gradOutput)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function DW:accGradParameters(input, gradOutput, scale)
  local who = "nn.SpatialDepthWiseConvolution.accGradParameters"
  local x = as_batch(who, input, self.nInputPlane)
  local C, M = self.nInputPlane, self.nOutputPlane
  local gw = util.new(x):resize(C, M, self.kH * self.kW):zero()
  local gb = self.gradBias and util.new(x):resize(C, M):zero()
  gconv_acc(self, who, x, C, gw, gb, gradOutput, scale or 1)
  self.gradWeight:view(M, C, -1):add(gw:transpose(1, 2))
  if gb then self.gradBias:view(M, C):add(gb:t()) end
end

function DW:clearState()
  self.finput = nil
  return Module.clearState(self)
end

function DW:__tostring__()
  return string.format("%s(%d x %d, %dx%d, %d,%d, %d,%d)", torch.type(self), self.nInputPlane, self.nOutputPlane,
    self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
end

-- ---------------------------------------------------------------- SpatialConvolutionLocal

local Local = torch.class("nn.SpatialConvolutionLocal", "nn.Module", nn)

--- nn.SpatialConvolutionLocal(nIn, nOut, iW, iH, kW, kH [, dW, dH, padW,
-- padH]) -- a convolution with separate weights at every output position
-- (locally connected): weight (oH, oW, nOut, nIn, kH, kW), bias (nOut, oH, oW);
-- the input must be iH x iW.
function Local:__init(nInputPlane, nOutputPlane, iW, iH, kW, kH, dW, dH, padW, padH)
  Module.__init(self)
  if not (nInputPlane and nOutputPlane and iW and iH and kW and kH) then
    error("nn.SpatialConvolutionLocal: expected (nInputPlane, nOutputPlane, iW, iH, kW, kH [, dW, dH, padW, padH])", 2)
  end
  self.nInputPlane, self.nOutputPlane = nInputPlane, nOutputPlane
  self.iW, self.iH, self.kW, self.kH = iW, iH, kW, kH
  self.dW, self.dH = dW or 1, dH or 1
  self.padW = padW or 0
  self.padH = padH or self.padW
  self.oW = math.floor((iW + 2 * self.padW - kW) / self.dW) + 1
  self.oH = math.floor((iH + 2 * self.padH - kH) / self.dH) + 1
  if self.oW < 1 or self.oH < 1 then
    error(string.format("nn.SpatialConvolutionLocal: input %dx%d is too small for kernel %dx%d", iH, iW, kH, kW), 2)
  end
  self.weight = torch.Tensor(self.oH, self.oW, nOutputPlane, nInputPlane, kH, kW)
  self.bias = torch.Tensor(nOutputPlane, self.oH, self.oW)
  self.gradWeight = torch.Tensor():resizeAs(self.weight)
  self.gradBias = torch.Tensor():resizeAs(self.bias)
  self:reset()
end

function Local:reset(stdv)
  stdv = stdv and stdv * math.sqrt(3) or 1 / math.sqrt(self.kW * self.kH * self.nInputPlane)
  self.weight:uniform(-stdv, stdv)
  self.bias:uniform(-stdv, stdv)
  return self
end

local function local_input(self, who, input)
  local x, batch = as_batch(who, input, self.nInputPlane)
  if x:size(3) ~= self.iH or x:size(4) ~= self.iW then
    fail(who, "expected input planes of %dx%d, got input %s", self.iH, self.iW, util.shape(input))
  end
  return x, batch
end

-- the patches as (L, nIn*kH*kW, N)
local function local_cols(self, who, x)
  local cols = buf(self, "finput", x)
  KS.im2col(cols, x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, 1, 1, who)
  local N, L = x:size(1), self.oH * self.oW
  return cols:view(-1, N, L):permute(3, 1, 2):contiguous()
end

function Local:updateOutput(input)
  local who = "nn.SpatialConvolutionLocal.updateOutput"
  local x, batch = local_input(self, who, input)
  local N, L, O = x:size(1), self.oH * self.oW, self.nOutputPlane
  if N == 0 then
    self.output:resize(0, O, self.oH, self.oW)
    self.output = unbatch(self.output, batch)
    return self.output
  end
  local w = self.weight:contiguous():view(L, O, -1)
  local out = torch.bmm(w, local_cols(self, who, x)) -- (L, O, N)
  self.output:resize(N, O, self.oH, self.oW)
  self.output:view(N, O, L):copy(out:permute(3, 2, 1))
  self.output:add(self.bias:view(1, O, self.oH, self.oW):expandAs(self.output))
  self.output = unbatch(self.output, batch)
  return self.output
end

-- gradOutput as (L, O, N)
local function local_grad(self, gradOutput, N)
  local L, O = self.oH * self.oW, self.nOutputPlane
  return gradOutput:contiguous():view(N, O, L):permute(3, 2, 1):contiguous()
end

function Local:updateGradInput(input, gradOutput)
  if not self.gradInput then return nil end
  local who = "nn.SpatialConvolutionLocal.updateGradInput"
  local x = local_input(self, who, input)
  local N, L, O = x:size(1), self.oH * self.oW, self.nOutputPlane
  if N == 0 then
    self.gradInput = self.gradInput:resize(x:size()):viewAs(input)
    return self.gradInput
  end
  local w = self.weight:contiguous():view(L, O, -1)
  local gc = torch.bmm(w:transpose(2, 3), local_grad(self, gradOutput, N)) -- (L, nIn*kk, N)
  local gcols = gc:permute(2, 3, 1):contiguous():view(-1, N * L)
  self.gradInput:resize(x:size())
  KS.col2im(self.gradInput, gcols, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH, 1, 1, who)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Local:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local who = "nn.SpatialConvolutionLocal.accGradParameters"
  local x = local_input(self, who, input)
  local N, L, O = x:size(1), self.oH * self.oW, self.nOutputPlane
  if N == 0 then return end
  local g = local_grad(self, gradOutput, N)
  local gw = torch.bmm(g, local_cols(self, who, x):transpose(2, 3)) -- (L, O, nIn*kk)
  self.gradWeight:view(L, O, -1):add(scale, gw)
  self.gradBias:view(O, L):add(scale, g:sum(3):view(L, O):t())
end

function Local:clearState()
  self.finput = nil
  return Module.clearState(self)
end

function Local:__tostring__()
  return string.format("%s(%d -> %d, %dx%d, %dx%d, %d,%d, %d,%d)", torch.type(self), self.nInputPlane,
    self.nOutputPlane, self.iW, self.iH, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH)
end

-- ---------------------------------------------------------------- max pooling family

-- gradInput of a max pooling from its (batched) indices
local function max_backward(self, who, input, gradOutput)
  local x = as_batch(who, input)
  local idx = self.indices
  local g = grad_like(who, gradOutput, idx)
  self.gradInput:resize(x:size())
  K.maxpool2d_backward(self.gradInput, g, idx)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end
S.max_backward = max_backward

local DMax = torch.class("nn.SpatialDilatedMaxPooling", "nn.SpatialMaxPooling", nn)

--- nn.SpatialDilatedMaxPooling(kW, kH [, dW, dH, padW, padH, dilationW,
-- dilationH]) -- max pooling over windows whose taps are dilation apart;
-- :ceil() / :floor() as nn.SpatialMaxPooling; `indices` holds the argmax.
function DMax:__init(kW, kH, dW, dH, padW, padH, dilationW, dilationH)
  nn.SpatialMaxPooling.__init(self, kW, kH, dW, dH, padW, padH)
  self.dilationW = dilationW or 1
  self.dilationH = dilationH or 1
end

function DMax:updateOutput(input)
  local who = name_of(self) .. ".updateOutput"
  local x, batch = as_batch(who, input)
  KS.maxpool(self.output, long_indices(self), x, self.kW, self.kH, self.dW, self.dH, self.padW, self.padH,
    self.dilationW, self.dilationH, self.ceil_mode, who)
  self.output = unbatch(self.output, batch)
  return self.output
end

function DMax:updateGradInput(input, gradOutput)
  return max_backward(self, name_of(self) .. ".updateGradInput", input, gradOutput)
end

function DMax:__tostring__()
  return string.format("%s(%dx%d, %d,%d, %d,%d, %d,%d)", torch.type(self), self.kW, self.kH, self.dW, self.dH,
    self.padW, self.padH, self.dilationW, self.dilationH)
end

local AMax = torch.class("nn.SpatialAdaptiveMaxPooling", "nn.Module", nn)

--- nn.SpatialAdaptiveMaxPooling(W, H) -- max pooling to a fixed W x H output
-- whatever the input size: output (oy, ox) covers rows
-- [floor((oy-1) iH / H), ceil(oy iH / H)) (0-based), columns likewise.
function AMax:__init(W, H)
  Module.__init(self)
  if type(W) ~= "number" or type(H) ~= "number" then
    error("nn.SpatialAdaptiveMaxPooling: expected (W, H)", 2)
  end
  self.W, self.H = W, H
  self.indices = torch.LongTensor()
end

function AMax:updateOutput(input)
  local who = "nn.SpatialAdaptiveMaxPooling.updateOutput"
  local x, batch = as_batch(who, input)
  KS.adaptive_max(self.output, long_indices(self), x, self.W, self.H, who)
  self.output = unbatch(self.output, batch)
  return self.output
end

function AMax:updateGradInput(input, gradOutput)
  return max_backward(self, "nn.SpatialAdaptiveMaxPooling.updateGradInput", input, gradOutput)
end

function AMax:clearState()
  if self.indices then self.indices:set() end
  return Module.clearState(self)
end

function AMax:__tostring__() return string.format("%s(%dx%d)", torch.type(self), self.W, self.H) end

local AAvg = torch.class("nn.SpatialAdaptiveAveragePooling", "nn.Module", nn)

--- nn.SpatialAdaptiveAveragePooling(W, H) -- average pooling to a fixed
-- W x H output (the windows of nn.SpatialAdaptiveMaxPooling).
function AAvg:__init(W, H)
  Module.__init(self)
  if type(W) ~= "number" or type(H) ~= "number" then
    error("nn.SpatialAdaptiveAveragePooling: expected (W, H)", 2)
  end
  self.W, self.H = W, H
end

function AAvg:updateOutput(input)
  local who = "nn.SpatialAdaptiveAveragePooling.updateOutput"
  local x, batch = as_batch(who, input)
  KS.adaptive_avg(self.output, x, self.W, self.H, who)
  self.output = unbatch(self.output, batch)
  return self.output
end

function AAvg:updateGradInput(input, gradOutput)
  local who = "nn.SpatialAdaptiveAveragePooling.updateGradInput"
  local x = as_batch(who, input)
  local N, C = x:size(1), x:size(2)
  if gradOutput:nElement() ~= N * C * self.H * self.W then
    fail(who, "gradOutput %s does not match the %dx%d output of input %s", util.shape(gradOutput), self.H, self.W,
      util.shape(input))
  end
  local g = gradOutput:contiguous():view(N, C, self.H, self.W)
  self.gradInput:resize(x:size())
  KS.adaptive_avg_backward(self.gradInput, g, who)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function AAvg:__tostring__() return string.format("%s(%dx%d)", torch.type(self), self.W, self.H) end

local Frac = torch.class("nn.SpatialFractionalMaxPooling", "nn.Module", nn)

--- nn.SpatialFractionalMaxPooling(poolW, poolH, outW, outH) or (poolW, poolH,
-- ratioW, ratioH) -- fractional max pooling (Graham 2014): poolW x poolH
-- windows at pseudo-random starts, to a fixed output size or to
-- floor(ratio * input size).  The window starts come from `randomSamples`
-- (N, C, 2), drawn uniform at each forward unless :fixPoolingRegions().
function Frac:__init(poolSizeW, poolSizeH, arg1, arg2)
  Module.__init(self)
  if not (poolSizeW and poolSizeH and arg1 and arg2) or poolSizeW < 2 or poolSizeH < 2 then
    error("nn.SpatialFractionalMaxPooling: expected (poolW >= 2, poolH >= 2, outW, outH | ratioW, ratioH)", 2)
  end
  self.poolSizeW, self.poolSizeH = poolSizeW, poolSizeH
  self.newRandomPool = false
  if arg1 >= 1 and arg2 >= 1 then
    self.outW, self.outH = arg1, arg2
  else
    if not (arg1 > 0 and arg1 < 1 and arg2 > 0 and arg2 < 1) then
      error("nn.SpatialFractionalMaxPooling: ratios must lie in (0, 1)", 2)
    end
    self.ratioW, self.ratioH = arg1, arg2
  end
end

--- pool:fixPoolingRegions([on = true]) -> self: keep the same window starts
-- at every forward (for gradient checks).
function Frac:fixPoolingRegions(val)
  if val == nil then val = true end
  self.newRandomPool = val
  return self
end

function Frac:_sizes(who, x)
  local outW, outH = self.outW, self.outH
  if self.ratioW then
    outW, outH = math.floor(x:size(4) * self.ratioW), math.floor(x:size(3) * self.ratioH)
    if outW < 1 or outH < 1 then fail(who, "ratio too small for input %s", util.shape(x)) end
  end
  return outW, outH
end

function Frac:updateOutput(input)
  local who = "nn.SpatialFractionalMaxPooling.updateOutput"
  local x, batch = as_batch(who, input)
  local N, C = x:size(1), x:size(2)
  local s = self.randomSamples
  if not s or torch.typename(s) ~= torch.typename(x) or s:size(1) ~= N or s:size(2) ~= C then
    self.randomSamples = util.new(x):resize(N, C, 2):uniform()
  elseif not self.newRandomPool then
    s:uniform()
  end
  local outW, outH = self:_sizes(who, x)
  KS.fracmax(self.output, long_indices(self), x, self.randomSamples, outW, outH, self.poolSizeW, self.poolSizeH, who)
  self.output = unbatch(self.output, batch)
  return self.output
end

function Frac:updateGradInput(input, gradOutput)
  if not self.indices then
    error("nn.SpatialFractionalMaxPooling.updateGradInput: call forward first", 2)
  end
  return max_backward(self, "nn.SpatialFractionalMaxPooling.updateGradInput", input, gradOutput)
end

function Frac:empty() return self:clearState() end

function Frac:clearState()
  self.indices, self.randomSamples = nil, nil
  return Module.clearState(self)
end

function Frac:__tostring__()
  return string.format("%s(%sx%s, %d,%d)", torch.type(self), tostring(self.outW or self.ratioW),
    tostring(self.outH or self.ratioH), self.poolSizeW, self.poolSizeH)
end

local Unpool = torch.class("nn.SpatialMaxUnpooling", "nn.Module", nn)

--- nn.SpatialMaxUnpooling(poolingModule) -- the inverse of a
-- nn.SpatialMaxPooling: each input value goes back to the position its
-- pooling took the maximum from (the pooling's last `indices`), zeros
-- elsewhere; output size (H - 1) dH - 2 padH + kH.
function Unpool:__init(poolingModule)
  Module.__init(self)
  if not (torch.isTypeOf(poolingModule, "nn.SpatialMaxPooling")) then
    error("nn.SpatialMaxUnpooling: expected a nn.SpatialMaxPooling module", 2)
  end
  if poolingModule.padW ~= 0 and 2 * poolingModule.padW > poolingModule.kW or
     poolingModule.padH ~= 0 and 2 * poolingModule.padH > poolingModule.kH then
    error("nn.SpatialMaxUnpooling: the pooling's padding must be at most half its kernel", 2)
  end
  self.pooling = poolingModule
end

function Unpool:_setup(who, x)
  local p = self.pooling
  self.indices = p.indices
  if not self.indices or self.indices:dim() ~= 4 or self.indices:size(1) ~= x:size(1) or
     self.indices:size(2) ~= x:size(2) or self.indices:size(3) ~= x:size(3) or self.indices:size(4) ~= x:size(4) then
    fail(who, "input %s does not match the pooling's indices %s (run the pooling first)", util.shape(x),
      self.indices and util.shape(self.indices) or "none")
  end
  self.oheight = (x:size(3) - 1) * p.dH - 2 * p.padH + p.kH
  self.owidth = (x:size(4) - 1) * p.dW - 2 * p.padW + p.kW
  return self.indices:view(x:size(1) * x:size(2), x:size(3) * x:size(4))
end

function Unpool:updateOutput(input)
  local who = "nn.SpatialMaxUnpooling.updateOutput"
  local x, batch = as_batch(who, input)
  local idx = self:_setup(who, x)
  local N, C = x:size(1), x:size(2)
  local L, oL = x:size(3) * x:size(4), self.oheight * self.owidth
  self.output:resize(N, C, self.oheight, self.owidth):zero()
  self.output:view(N * C, oL):scatter(2, idx, x:view(N * C, L))
  self.output = unbatch(self.output, batch)
  return self.output
end

function Unpool:updateGradInput(input, gradOutput)
  local who = "nn.SpatialMaxUnpooling.updateGradInput"
  local x = as_batch(who, input)
  local idx = self:_setup(who, x)
  local N, C = x:size(1), x:size(2)
  if gradOutput:nElement() ~= N * C * self.oheight * self.owidth then
    fail(who, "gradOutput %s does not match output %dx%dx%dx%d", util.shape(gradOutput), N, C, self.oheight,
      self.owidth)
  end
  local g = gradOutput:contiguous():view(N * C, self.oheight * self.owidth)
  self.gradInput:resize(x:size()):view(N * C, x:size(3) * x:size(4)):gather(g, 2, idx)
  self.gradInput = self.gradInput:viewAs(input)
  return self.gradInput
end

function Unpool:__tostring__() return torch.type(self) .. " associated to " .. tostring(self.pooling) end

-- ---------------------------------------------------------------- padding

-- 1-based source positions of the n + a + b padded positions along a size-n axis
local function pad_index(n, a, b, reflect)
  local m = n + a + b
  local idx = torch.LongTensor(math.max(m, 0))
  for o = 1, m do
    local j = o - 1 - a -- 0-based position in the input
    if reflect then
      if n == 1 then j = 0
      else
        local period = 2 * (n - 1)
        j = j % period
        if j >= n then j = period - j end
      end
    else
      j = math.min(math.max(j, 0), n - 1)
    end
    idx[o] = j + 1
  end
  return idx
end

local function make_padding(cname, reflect)
  local P = torch.class(cname, "nn.Module", nn)
  local who = cname
  function P:__init(pad_l, pad_r, pad_t, pad_b)
    Module.__init(self)
    if type(pad_l) ~= "number" then error(who .. ": expected (pad_l [, pad_r, pad_t, pad_b])", 2) end
    self.pad_l = pad_l
    self.pad_r = pad_r or pad_l
    self.pad_t = pad_t or pad_l
    self.pad_b = pad_b or pad_l
  end

  -- the W and H index vectors for input x (3-D or 4-D)
  function P:_index(x, w)
    local d = x:dim()
    if d ~= 3 and d ~= 4 then fail(w, "expected (C, H, W) or (N, C, H, W) input, got %s", util.shape(x)) end
    local H, W = x:size(d - 1), x:size(d)
    if reflect and (self.pad_l >= W or self.pad_r >= W or self.pad_t >= H or self.pad_b >= H) then
      fail(w, "padding (%d, %d, %d, %d) must be smaller than the input planes %dx%d", self.pad_l, self.pad_r,
        self.pad_t, self.pad_b, H, W)
    end
    local oh, ow = H + self.pad_t + self.pad_b, W + self.pad_l + self.pad_r
    if oh < 1 or ow < 1 then fail(w, "input %s is too small for the padding", util.shape(x)) end
    if not self._key or self._key[1] ~= H or self._key[2] ~= W then
      self._key = { H, W }
      self._iw = pad_index(W, self.pad_l, self.pad_r, reflect)
      self._ih = pad_index(H, self.pad_t, self.pad_b, reflect)
    end
    return self._ih, self._iw, d
  end

  function P:updateOutput(input)
    local ih, iw, d = self:_index(input, who .. ".updateOutput")
    local tmp = input:index(d, iw)
    self.output:index(tmp, d - 1, ih)
    return self.output
  end

  function P:updateGradInput(input, gradOutput)
    local w = who .. ".updateGradInput"
    local ih, iw, d = self:_index(input, w)
    if gradOutput:dim() ~= d or gradOutput:size(d - 1) ~= ih:size(1) or gradOutput:size(d) ~= iw:size(1) then
      fail(w, "gradOutput %s does not match the padded input %s", util.shape(gradOutput), util.shape(input))
    end
    local sz = input:size()
    sz[d] = iw:size(1)
    local tmp = buf(self, "_tmp", input):resize(sz):zero()
    tmp:indexAdd(d - 1, ih, gradOutput)
    self.gradInput:resizeAs(input):zero():indexAdd(d, iw, tmp)
    return self.gradInput
  end

  function P:clearState()
    self._tmp, self._key, self._ih, self._iw = nil, nil, nil, nil
    return Module.clearState(self)
  end

  function P:__tostring__()
    return string.format("%s(l=%d, r=%d, t=%d, b=%d)", torch.type(self), self.pad_l, self.pad_r, self.pad_t,
      self.pad_b)
  end
  return P
end

--- nn.SpatialReflectionPadding(pad_l [, pad_r, pad_t, pad_b]) -- pads the
-- last two dimensions with the reflection of the input (the edge not
-- repeated); negative amounts crop.  Paddings must be smaller than the input.
make_padding("nn.SpatialReflectionPadding", true)
--- nn.SpatialReplicationPadding(pad_l [, pad_r, pad_t, pad_b]) -- pads the
-- last two dimensions by repeating the edge values; negative amounts crop.
make_padding("nn.SpatialReplicationPadding", false)

-- ---------------------------------------------------------------- up-sampling

-- 1-based source index of each of the n*s nearest-neighbour outputs
local function nearest_index(n, s)
  local idx = torch.LongTensor(n * s)
  for o = 1, n * s do idx[o] = (o - 1) // s + 1 end
  return idx
end

-- (out, in) matrix of linear interpolation with aligned corners, of x's type
local function linear_matrix(x, nin, nout)
  local A = util.new(x):resize(nout, nin):zero()
  local r = nout > 1 and (nin - 1) / (nout - 1) or 0
  for o = 0, nout - 1 do
    local src = r * o
    local i = math.floor(src)
    local lam = src - i
    local ip = i < nin - 1 and 1 or 0
    A[o + 1][i + 1] = A[o + 1][i + 1] + (1 - lam)
    A[o + 1][i + ip + 1] = A[o + 1][i + ip + 1] + lam
  end
  return A
end

-- x with A (out, in) applied along dimension d
local function apply_along(x, d, A)
  local nd = x:dim()
  local xt = x:transpose(d, nd):contiguous()
  local sz = xt:size()
  local y = torch.mm(xt:view(-1, sz[nd]), A:t())
  sz[nd] = A:size(1)
  return y:view(sz):transpose(d, nd)
end

-- dims: list of {dim, in, out}; nearest or linear forward and backward
local function resample(self, x, dims, mode, backward)
  local y = x
  self._mats = self._mats or {}
  for k, dd in ipairs(dims) do
    local d, nin, nout = dd[1], dd[2], dd[3]
    if mode == "nearest" then
      local key = nin .. "x" .. nout
      local idx = self._mats[key] or nearest_index(nin, nout // nin)
      self._mats[key] = idx
      if backward then
        local sz = y:size()
        sz[d] = nin
        y = util.new(x):resize(sz):zero():indexAdd(d, idx, y)
      else
        y = y:index(d, idx)
      end
    else
      local key = torch.typename(x) .. nin .. "x" .. nout
      local A = self._mats[key] or linear_matrix(x, nin, nout)
      self._mats[key] = A
      y = apply_along(y, d, backward and A:t() or A)
    end
    if k == #dims then return y end
  end
  return y
end

local function up_common(self, who, input, gradOutput, nspatial, mode)
  local d = input:dim()
  if d < nspatial + 1 or d > nspatial + 2 then
    fail(who, "expected a %dD or %dD input, got %s", nspatial + 1, nspatial + 2, util.shape(input))
  end
  local dims = {}
  for k = nspatial, 1, -1 do
    local dim = d - nspatial + k
    local nin = input:size(dim)
    local nout
    if self.scale_factor then nout = nin * self.scale_factor
    else nout = ({ self.odepth, self.oheight, self.owidth })[3 - nspatial + k] end
    if not nout or nout < 1 then fail(who, "no output size for dimension %d", dim) end
    dims[#dims + 1] = gradOutput and { dim, nout, nin } or { dim, nin, nout }
  end
  if not gradOutput then
    local y = resample(self, input, dims, mode, false)
    self.output:resize(y:size()):copy(y)
    return self.output
  end
  for _, dd in ipairs(dims) do
    if gradOutput:dim() ~= d or gradOutput:size(dd[1]) ~= dd[2] then
      fail(who, "gradOutput %s does not match the output size", util.shape(gradOutput))
    end
  end
  -- backward: the adjoint maps out -> in along each dimension
  for _, dd in ipairs(dims) do dd[2], dd[3] = dd[3], dd[2] end
  local g = resample(self, gradOutput, dims, mode, true)
  self.gradInput:resize(g:size()):copy(g)
  return self.gradInput
end

local function check_scale(who, s)
  if type(s) ~= "number" or s < 1 or math.floor(s) ~= s then
    error(who .. ": scale_factor must be an integer >= 1 (got " .. tostring(s) .. ")", 3)
  end
end

local UpN = torch.class("nn.SpatialUpSamplingNearest", "nn.Module", nn)

--- nn.SpatialUpSamplingNearest(scale) -- each pixel of (C, H, W) or
-- (N, C, H, W) repeated scale x scale times: output H*scale x W*scale.
function UpN:__init(scale)
  Module.__init(self)
  check_scale("nn.SpatialUpSamplingNearest", scale)
  self.scale_factor = scale
end

function UpN:updateOutput(input)
  return up_common(self, "nn.SpatialUpSamplingNearest.updateOutput", input, nil, 2, "nearest")
end

function UpN:updateGradInput(input, gradOutput)
  return up_common(self, "nn.SpatialUpSamplingNearest.updateGradInput", input, gradOutput, 2, "nearest")
end

function UpN:clearState()
  self._mats = nil
  return Module.clearState(self)
end

local UpB = torch.class("nn.SpatialUpSamplingBilinear", "nn.Module", nn)

--- nn.SpatialUpSamplingBilinear(scale) or ({oheight = H, owidth = W}) --
-- bilinear interpolation with aligned corners (the corner pixels are kept):
-- output H*scale x W*scale (or the given size).
function UpB:__init(params)
  Module.__init(self)
  if type(params) == "table" then
    self.oheight, self.owidth = params.oheight, params.owidth
    if not (self.oheight and self.owidth) then
      error("nn.SpatialUpSamplingBilinear: expected a scale or {oheight = H, owidth = W}", 2)
    end
  else
    check_scale("nn.SpatialUpSamplingBilinear", params)
    self.scale_factor = params
  end
end

function UpB:updateOutput(input)
  return up_common(self, "nn.SpatialUpSamplingBilinear.updateOutput", input, nil, 2, "linear")
end

function UpB:updateGradInput(input, gradOutput)
  return up_common(self, "nn.SpatialUpSamplingBilinear.updateGradInput", input, gradOutput, 2, "linear")
end

UpB.clearState = UpN.clearState

local Up = torch.class("nn.UpSampling", "nn.Module", nn)

--- nn.UpSampling(scale [, mode]) or ({oheight=, owidth= [, odepth=]}, "linear")
-- -- up-sampling of (N, C, H, W) or (N, C, D, H, W) by an integer scale,
-- mode "nearest" (default) or "linear" (bi/trilinear, aligned corners).
function Up:__init(params, mode)
  Module.__init(self)
  self.mode = (mode == "linear" or mode == "bilinear" or mode == "trilinear") and "linear" or "nearest"
  if type(params) == "table" then
    if self.mode == "nearest" then error("nn.UpSampling: nearest up-sampling requires a scale_factor", 2) end
    self.odepth, self.oheight, self.owidth = params.odepth, params.oheight, params.owidth
    if not (self.oheight and self.owidth) then error("nn.UpSampling: oheight and owidth are required", 2) end
  else
    check_scale("nn.UpSampling", params)
    self.scale_factor = params
  end
end

function Up:updateOutput(input)
  local who = "nn.UpSampling.updateOutput"
  if input:dim() ~= 4 and input:dim() ~= 5 then fail(who, "expected a 4D or 5D input, got %s", util.shape(input)) end
  return up_common(self, who, input, nil, input:dim() - 2, self.mode)
end

function Up:updateGradInput(input, gradOutput)
  local who = "nn.UpSampling.updateGradInput"
  if input:dim() ~= 4 and input:dim() ~= 5 then fail(who, "expected a 4D or 5D input, got %s", util.shape(input)) end
  return up_common(self, who, input, gradOutput, input:dim() - 2, self.mode)
end

Up.clearState = UpN.clearState

nn._spatial = S
return S
