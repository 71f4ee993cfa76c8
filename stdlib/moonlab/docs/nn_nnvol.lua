-- Docstrings: nn's volumetric (3-D) layers (stdlib/moonlab/nn/volumetric.lua,
-- kernels/nn_volumetric.c; docs/nn.md, "Volumetric layers").  Names follow
-- Torch7's spelling: "nn.VolumetricConvolution" for a class (its
-- constructor), "nn.VolumetricMaxPooling:ceil" for a class's own methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local nn = require \"nn\"\n"

-- a module class: constructor, one forward on `input` in the example
local function mod(name, sig, summary, args, ctor, input, notes)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local m = " .. ctor .. "\nprint(m:forward(" .. input .. "):size())", notes)
end

local function method(name, sig, summary, args, example, notes)
  D[name] = doc(sig, summary, args, PRE .. example, notes)
end

local VOL = "Input (C, T, H, W) or a batch (N, C, T, H, W)."
local KERNEL = { { "kT, kW, kH", "kernel depth (time), width, height" },
  { "dT, dW, dH", "strides" }, { "padT, padW, padH", "zero padding on each side" } }

local function args(extra, first)
  local a = {}
  for _, v in ipairs(first or {}) do a[#a + 1] = v end
  for _, v in ipairs(KERNEL) do a[#a + 1] = v end
  for _, v in ipairs(extra or {}) do a[#a + 1] = v end
  return a
end

local PLANES = { { "nInputPlane", "input channels" }, { "nOutputPlane", "output channels" } }

mod("VolumetricConvolution", "nn.VolumetricConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH, padT, padW, padH])",
  "3-D convolution (cross-correlation): (N, nIn, T, H, W) -> (N, nOut, oT, oH, oW), oT = floor((T + 2 padT - kT) / dT) + 1.",
  args(nil, PLANES), "nn.VolumetricConvolution(2, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1)", "torch.randn(2, 5, 6, 6)",
  VOL .. " Weight (nOut, nIn, kT, kH, kW); strides default to 1, padW to padT and padH to padW.  One vol2col and one GEMM per image.")
method("nn.VolumetricConvolution:noBias", "conv:noBias()", "Removes the bias; returns the module.", {},
  "print(nn.VolumetricConvolution(1, 2, 3, 3, 3):noBias())")
mod("VolumetricDilatedConvolution",
  "nn.VolumetricDilatedConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH])",
  "3-D convolution whose kernel taps lie dilation apart: oT = floor((T + 2 padT - dilationT (kT - 1) - 1) / dT) + 1.",
  args({ { "dilationT, dilationW, dilationH", "tap spacing (1)" } }, PLANES),
  "nn.VolumetricDilatedConvolution(1, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2)", "torch.randn(1, 5, 5, 5)", VOL)
mod("VolumetricFullConvolution",
  "nn.VolumetricFullConvolution(nIn, nOut, kT, kW, kH [, dT, dW, dH, padT, padW, padH, adjT, adjW, adjH])",
  "Transposed 3-D convolution: oT = (T - 1) dT - 2 padT + kT + adjT; weight (nIn, nOut, kT, kH, kW).",
  args({ { "adjT, adjW, adjH", "extra output size, smaller than the strides (0)" } }, PLANES),
  "nn.VolumetricFullConvolution(2, 1, 2, 2, 2, 2, 2, 2)", "torch.randn(2, 3, 3, 3)",
  VOL .. " The input may also be {x, target}: the adj are then chosen so that the output has target's last three sizes, and gradInput is {g, zeros}.")
method("nn.VolumetricFullConvolution:noBias", "conv:noBias()", "Removes the bias; returns the module.", {},
  "print(nn.VolumetricFullConvolution(1, 2, 3, 3, 3):noBias())")

mod("VolumetricMaxPooling", "nn.VolumetricMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH])",
  "The maximum of each kT x kH x kW window; `indices` holds the argmax positions.", args(),
  "nn.VolumetricMaxPooling(2, 2, 2)", "torch.randn(3, 4, 6, 6)",
  VOL .. " Strides default to the kernel; padding at most half the kernel.  indices (Long) are 1-based flat positions t*H*W + h*W + w + 1 in each plane.")
method("nn.VolumetricMaxPooling:ceil", "pool:ceil()", "Output sizes round up; returns the module.", {},
  "print(nn.VolumetricMaxPooling(2, 2, 2):ceil():forward(torch.randn(1, 3, 5, 5)):size())",
  "A last window that would start in the right padding is dropped (PyTorch's rule).")
method("nn.VolumetricMaxPooling:floor", "pool:floor()", "Output sizes round down (the default); returns the module.", {},
  "print(nn.VolumetricMaxPooling(2, 2, 2):floor():forward(torch.randn(1, 3, 5, 5)):size())")
method("nn.VolumetricMaxPooling:empty", "pool:empty()", "Frees the buffers (clearState); returns the module.", {},
  "print(nn.VolumetricMaxPooling(2, 2, 2):empty())")
mod("VolumetricDilatedMaxPooling",
  "nn.VolumetricDilatedMaxPooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH, dilationT, dilationW, dilationH])",
  "Max pooling over windows whose taps lie dilation apart (extent dilation (k - 1) + 1).",
  args({ { "dilationT, dilationW, dilationH", "tap spacing (1)" } }),
  "nn.VolumetricDilatedMaxPooling(2, 2, 2, 1, 1, 1, 0, 0, 0, 2, 2, 2)", "torch.randn(1, 5, 5, 5)",
  VOL .. " :ceil() and :floor() as for nn.VolumetricMaxPooling.")
method("nn.VolumetricMaxUnpooling", "nn.VolumetricMaxUnpooling(poolingModule)",
  "Puts each input value back where poolingModule's last forward found its maximum; zeros elsewhere.",
  { { "poolingModule", "a nn.VolumetricMaxPooling whose kernel equals its stride" } },
  "local p = nn.VolumetricMaxPooling(2, 2, 2)\nlocal u = nn.VolumetricMaxUnpooling(p)\n"
  .. "print(u:forward(p:forward(torch.randn(1, 4, 4, 4))):size())",
  "The output has the size of the pooling module's last input.")
method("nn.VolumetricMaxUnpooling:setParams", "unpool:setParams()",
  "Copies the indices and sizes of the pooling module's last forward (forward and backward call it).", {},
  "local p = nn.VolumetricMaxPooling(2, 2, 2)\nlocal u = nn.VolumetricMaxUnpooling(p)\np:forward(torch.randn(1, 4, 4, 4))\nu:setParams()\nprint(u.otime, u.oheight, u.owidth)")
method("nn.VolumetricMaxUnpooling:empty", "unpool:empty()", "Frees the buffers (clearState); returns the module.", {},
  "print(nn.VolumetricMaxUnpooling(nn.VolumetricMaxPooling(2, 2, 2)):empty())")

mod("VolumetricAveragePooling", "nn.VolumetricAveragePooling(kT, kW, kH [, dT, dW, dH, padT, padW, padH])",
  "The mean of each kT x kH x kW window.", args(), "nn.VolumetricAveragePooling(2, 2, 2)", "torch.randn(3, 4, 6, 6)",
  VOL .. " Strides default to the kernel.  Padded zeros count in the divisor unless :setCountExcludePad().")
method("nn.VolumetricAveragePooling:ceil", "pool:ceil()", "Output sizes round up; returns the module.", {},
  "print(nn.VolumetricAveragePooling(2, 2, 2):ceil():forward(torch.randn(1, 3, 5, 5)):size())")
method("nn.VolumetricAveragePooling:floor", "pool:floor()", "Output sizes round down (the default); returns the module.", {},
  "print(nn.VolumetricAveragePooling(2, 2, 2):floor():forward(torch.randn(1, 3, 5, 5)):size())")
method("nn.VolumetricAveragePooling:setCountIncludePad", "pool:setCountIncludePad()",
  "Padded zeros count in each window's divisor (the default); returns the module.", {},
  "print(nn.VolumetricAveragePooling(3, 3, 3, 1, 1, 1, 1, 1, 1):setCountIncludePad():forward(torch.ones(1, 2, 2, 2))[1][1][1][1])")
method("nn.VolumetricAveragePooling:setCountExcludePad", "pool:setCountExcludePad()",
  "Only positions inside the input count in the divisor; returns the module.", {},
  "print(nn.VolumetricAveragePooling(3, 3, 3, 1, 1, 1, 1, 1, 1):setCountExcludePad():forward(torch.ones(1, 2, 2, 2))[1][1][1][1])")
method("nn.VolumetricAveragePooling:empty", "pool:empty()", "Frees the buffers (clearState); returns the module.", {},
  "print(nn.VolumetricAveragePooling(2, 2, 2):empty())")

mod("VolumetricFractionalMaxPooling",
  "nn.VolumetricFractionalMaxPooling(poolT, poolW, poolH, outT|ratioT, outW|ratioW, outH|ratioH)",
  "Fractional max pooling (Graham 2014) to an exact output size, or to floor(ratio * input size) per axis.",
  { { "poolT, poolW, poolH", "window sizes (>= 2)" }, { "outT, outW, outH", "output sizes (>= 1) ..." },
    { "ratioT, ratioW, ratioH", "... or reduction ratios in (0, 1)" } },
  "nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 3, 3)", "torch.randn(2, 8, 8, 8)",
  "Torch7's layout: input (C, H, W, T) or (N, C, H, W, T), output (N, C, oH, oW, oT).  The windows come from "
  .. "`randomSamples` (N, C, 3), drawn uniformly at each forward unless :fixPoolingRegions().")
method("nn.VolumetricFractionalMaxPooling:fixPoolingRegions", "pool:fixPoolingRegions([fixed = true])",
  "Keeps the random samples (so the windows) from one forward to the next; returns the module.",
  { { "fixed", "true to keep, false to redraw at each forward" } },
  "local p = nn.VolumetricFractionalMaxPooling(2, 2, 2, 0.5, 0.5, 0.5):fixPoolingRegions()\nprint(p:forward(torch.randn(1, 8, 8, 8)):size())")
method("nn.VolumetricFractionalMaxPooling:empty", "pool:empty()", "Frees the buffers and the samples; returns the module.", {},
  "print(nn.VolumetricFractionalMaxPooling(2, 2, 2, 3, 3, 3):empty())")

mod("VolumetricReplicationPadding", "nn.VolumetricReplicationPadding(left [, right, top, bottom, front, back])",
  "Pads W, H and T by repeating the border values; a negative pad crops.",
  { { "left, right", "W padding" }, { "top, bottom", "H padding" }, { "front, back", "T padding (the missing ones default to left)" } },
  "nn.VolumetricReplicationPadding(1, 1, 2, 2, 0, 1)", "torch.randn(2, 3, 4, 4)", VOL)

mod("VolumetricBatchNormalization", "nn.VolumetricBatchNormalization(nPlanes [, eps, momentum, affine])",
  "Batch normalisation of each plane of (N, C, T, H, W) over N, T, H and W.",
  { { "nPlanes", "C" }, { "eps", "added to the variance (1e-5)" }, { "momentum", "running estimates' rate (0.1)" },
    { "affine", "learn weight and bias (true)" } },
  "nn.VolumetricBatchNormalization(3)", "torch.randn(4, 3, 2, 3, 3)",
  "Training uses the batch statistics and updates running_mean/running_var; evaluation uses the running ones.  "
  .. "A single (C, T, H, W) volume is a batch of one.")

mod("VolumetricDropout", "nn.VolumetricDropout([p [, stochasticInference]])",
  "In training, zeroes whole feature volumes with probability p (0.5), without rescaling; in evaluation, multiplies by 1 - p.",
  { { "p", "drop probability in [0, 1)" }, { "stochasticInference", "drop in evaluation too (false)" } },
  "nn.VolumetricDropout(0.5)", "torch.ones(2, 4, 2, 2, 2)",
  VOL .. " Torch7's rule (no 1/(1-p) scaling in training, unlike PyTorch's dropout3d).")
method("nn.VolumetricDropout:setp", "drop:setp(p)", "Sets the drop probability.", { { "p", "in [0, 1)" } },
  "local d = nn.VolumetricDropout()\nd:setp(0.2)\nprint(d.p)")

return { title = "Neural networks: volumetric (3-D) layers", docs = D }
