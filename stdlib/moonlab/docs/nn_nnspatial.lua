-- Docstrings: the spatial layers of moonlab.nn beyond conv.lua
-- (stdlib/moonlab/nn/spatial.lua and spatial2.lua, kernels/nn_spatial.c;
-- docs/nn.md, section "Spatial layers").
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local nn = require \"nn\"\n"

-- a module class: constructor, one forward on `input` in the example
local function mod(name, sig, summary, args, ctor, input, notes)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local m = " .. ctor .. "\nprint(m:forward(" .. input .. "))", notes)
end

local function method(name, sig, summary, args, example, notes)
  D[name] = doc(sig, summary, args, PRE .. example, notes)
end

-- ---------------------------------------------------------------- convolutions

mod("SpatialDilatedConvolution",
  "nn.SpatialDilatedConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH, dilationW, dilationH])",
  "2-D convolution whose kernel taps are dilation pixels apart; weight (nOut, nIn, kH, kW).",
  { { "nIn, nOut", "input and output planes" }, { "kW, kH", "kernel" }, { "dW, dH", "strides (1)" },
    { "padW, padH", "zero padding (0; padH defaults to padW)" }, { "dilationW, dilationH", "tap spacing (1)" } },
  "nn.SpatialDilatedConvolution(1, 2, 3, 3, 1, 1, 0, 0, 2, 2)", "torch.randn(1, 6, 6)",
  "Output size floor((W + 2 padW - dilationW (kW - 1) - 1) / dW) + 1.  Takes (C, H, W) or (N, C, H, W).")
mod("SpatialDepthWiseConvolution",
  "nn.SpatialDepthWiseConvolution(nIn, multiplier, kW, kH [, dW, dH, padW, padH])",
  "Each input plane convolved with its own `multiplier` kernels: nIn*multiplier output planes.",
  { { "nIn", "input planes" }, { "multiplier", "kernels per input plane" }, { "kW, kH", "kernel" },
    { "dW, dH", "strides (1)" }, { "padW, padH", "zero padding (0)" } },
  "nn.SpatialDepthWiseConvolution(2, 3, 3, 3)", "torch.randn(2, 5, 5)",
  "Output plane (i-1)*multiplier + o comes from input plane i and kernel o; weight (multiplier, nIn*kH*kW), bias (multiplier, nIn).")
method("nn.SpatialDepthWiseConvolution:noBias", "conv:noBias()", "Removes the bias; returns the module.", {},
  "print(nn.SpatialDepthWiseConvolution(2, 1, 3, 3):noBias())")
mod("SpatialConvolutionLocal", "nn.SpatialConvolutionLocal(nIn, nOut, iW, iH, kW, kH [, dW, dH, padW, padH])",
  "Locally connected layer: a convolution with separate weights at every output position.",
  { { "nIn, nOut", "planes" }, { "iW, iH", "the input size (fixed)" }, { "kW, kH", "kernel" },
    { "dW, dH", "strides (1)" }, { "padW, padH", "zero padding (0)" } },
  "nn.SpatialConvolutionLocal(1, 2, 4, 4, 3, 3)", "torch.randn(1, 4, 4)",
  "weight (oH, oW, nOut, nIn, kH, kW), bias (nOut, oH, oW).")
mod("SpatialConvolutionMap", "nn.SpatialConvolutionMap(connTable, kW, kH [, dW, dH])",
  "Convolution where each output plane sums the planes connected to it by connTable.",
  { { "connTable", "(K, 2) rows {input plane, output plane} (see nn.tables)" }, { "kW, kH", "kernel" },
    { "dW, dH", "strides (1)" } },
  "nn.SpatialConvolutionMap(nn.tables.oneToOne(2), 3, 3)", "torch.randn(2, 5, 5)",
  "weight (K, kH, kW), bias (nOutputPlane); no padding.")
mod("SpatialFullConvolutionMap", "nn.SpatialFullConvolutionMap(connTable, kW, kH [, dW, dH])",
  "Transposed (full) convolution with a connection table: output (H-1) dH + kH by (W-1) dW + kW.",
  { { "connTable", "(K, 2) rows {input plane, output plane}" }, { "kW, kH", "kernel" }, { "dW, dH", "strides (1)" } },
  "nn.SpatialFullConvolutionMap(nn.tables.full(2, 1), 2, 2)", "torch.randn(2, 3, 3)",
  "With nn.tables.full(nIn, nOut) it computes nn.SpatialFullConvolution(nIn, nOut, kW, kH, dW, dH).")
D["nn.tables"] = doc("nn.tables", "Connection tables for nn.SpatialConvolutionMap / SpatialFullConvolutionMap.", {},
  PRE .. "print(nn.tables.full(2, 2))")
method("nn.tables.full", "nn.tables.full(nin, nout)", "Every input plane to every output plane: (nin*nout, 2).",
  { { "nin, nout", "plane counts" } }, "print(nn.tables.full(2, 3))")
method("nn.tables.oneToOne", "nn.tables.oneToOne(n)", "Plane i to plane i: (n, 2).", { { "n", "planes" } },
  "print(nn.tables.oneToOne(3))")
method("nn.tables.random", "nn.tables.random(nin, nout, nto)",
  "Each output plane gets nto distinct random input planes: (nout*nto, 2).",
  { { "nin, nout", "plane counts" }, { "nto", "inputs per output (<= nin)" } }, "print(nn.tables.random(4, 2, 2))")

-- ---------------------------------------------------------------- pooling

mod("SpatialDilatedMaxPooling", "nn.SpatialDilatedMaxPooling(kW, kH [, dW, dH, padW, padH, dilationW, dilationH])",
  "Max pooling over windows whose taps are dilation apart; argmax in module.indices.",
  { { "kW, kH", "window" }, { "dW, dH", "strides (kW, kH)" }, { "padW, padH", "padding (at most half the window)" },
    { "dilationW, dilationH", "tap spacing (1)" } },
  "nn.SpatialDilatedMaxPooling(2, 2, 1, 1, 0, 0, 2, 2)", "torch.randn(1, 5, 5)",
  ":ceil() and :floor() as nn.SpatialMaxPooling.")
mod("SpatialAdaptiveMaxPooling", "nn.SpatialAdaptiveMaxPooling(W, H)",
  "Max pooling to a fixed W x H output whatever the input size.",
  { { "W, H", "output width and height" } }, "nn.SpatialAdaptiveMaxPooling(2, 2)", "torch.randn(1, 5, 7)",
  "Output (oy, ox) covers rows floor((oy-1) iH / H) + 1 .. ceil(oy iH / H), columns likewise.")
mod("SpatialAdaptiveAveragePooling", "nn.SpatialAdaptiveAveragePooling(W, H)",
  "Average pooling to a fixed W x H output (the windows of nn.SpatialAdaptiveMaxPooling).",
  { { "W, H", "output width and height" } }, "nn.SpatialAdaptiveAveragePooling(1, 1)", "torch.randn(2, 3, 3)")
mod("SpatialFractionalMaxPooling", "nn.SpatialFractionalMaxPooling(poolW, poolH, outW, outH | ratioW, ratioH)",
  "Fractional max pooling (Graham 2014): poolW x poolH windows at pseudo-random starts.",
  { { "poolW, poolH", "window (>= 2)" }, { "outW, outH", "output size (>= 1)" },
    { "ratioW, ratioH", "or output = floor(ratio * input size), ratios in (0, 1)" } },
  "nn.SpatialFractionalMaxPooling(2, 2, 3, 3)", "torch.randn(1, 6, 6)",
  "The starts come from module.randomSamples (N, C, 2), redrawn at each forward unless :fixPoolingRegions().")
method("nn.SpatialFractionalMaxPooling:fixPoolingRegions", "pool:fixPoolingRegions([on])",
  "Keeps the same window starts at every forward (true by default); returns the module.",
  { { "on", "true to fix, false to redraw (true)" } },
  "local m = nn.SpatialFractionalMaxPooling(2, 2, 2, 2):fixPoolingRegions()\nprint(m:forward(torch.randn(1, 5, 5)))")
method("nn.SpatialFractionalMaxPooling:empty", "pool:empty()", "Drops indices and samples (clearState).", {},
  "local m = nn.SpatialFractionalMaxPooling(2, 2, 2, 2)\nm:forward(torch.randn(1, 5, 5))\nm:empty()\nprint(m.indices)")
D["nn.SpatialMaxUnpooling"] = doc("nn.SpatialMaxUnpooling(poolingModule)",
  "Puts each value back where its nn.SpatialMaxPooling took the maximum from; zeros elsewhere.",
  { { "poolingModule", "the nn.SpatialMaxPooling whose indices to use (run it first)" } },
  PRE .. "local pool = nn.SpatialMaxPooling(2, 2)\nlocal m = nn.SpatialMaxUnpooling(pool)\n" ..
  "print(m:forward(pool:forward(torch.randn(1, 4, 4))))",
  "Output size (H - 1) dH - 2 padH + kH (and width likewise).")
mod("SpatialLPPooling", "nn.SpatialLPPooling(nInputPlane, pnorm, kW, kH [, dW, dH])",
  "The p-norm (sum x^p)^(1/p) of each window (a Sequential with no parameters).",
  { { "nInputPlane", "planes" }, { "pnorm", "p" }, { "kW, kH", "window" }, { "dW, dH", "strides (kW, kH)" } },
  "nn.SpatialLPPooling(1, 2, 2, 2)", "torch.rand(1, 4, 4)")
mod("FeatureLPPooling", "nn.FeatureLPPooling(width, stride, power [, batch_mode])",
  "LP pooling across features: output k = (sum of x^p over `width` features from (k-1)*stride + 1)^(1/p).",
  { { "width", "features per window (2..16)" }, { "stride", "feature stride (1..4)" }, { "power", "p" },
    { "batch_mode", "the features are the second dimension (false)" } },
  "nn.FeatureLPPooling(2, 2, 2)", "torch.Tensor{3, 4, 6, 8}")
mod("TemporalDynamicKMaxPooling", "nn.TemporalDynamicKMaxPooling(minK [, factor])",
  "Keeps the k largest values of each feature over time in their order, k = max(minK, ceil(factor T)).",
  { { "minK", "smallest k" }, { "factor", "k as a fraction of T (0)" } },
  "nn.TemporalDynamicKMaxPooling(2)", "torch.Tensor{{1, 5}, {3, 2}, {2, 4}}")
mod("TemporalSubSampling", "nn.TemporalSubSampling(inputFrameSize, kW [, dW])",
  "Per feature f: weight[f] times the sum of each window of kW frames plus bias[f].",
  { { "inputFrameSize", "features F" }, { "kW", "window" }, { "dW", "stride (1)" } },
  "nn.TemporalSubSampling(2, 2)", "torch.randn(5, 2)")

-- ---------------------------------------------------------------- padding, up-sampling, normalisation

mod("SpatialReflectionPadding", "nn.SpatialReflectionPadding(pad_l [, pad_r, pad_t, pad_b])",
  "Pads the last two dimensions with the mirror image of the input (edge not repeated).",
  { { "pad_l, pad_r, pad_t, pad_b", "amounts (negative crops); smaller than the input" } },
  "nn.SpatialReflectionPadding(1, 1, 1, 1)", "torch.Tensor{{{1, 2}, {3, 4}}}")
mod("SpatialReplicationPadding", "nn.SpatialReplicationPadding(pad_l [, pad_r, pad_t, pad_b])",
  "Pads the last two dimensions by repeating the edge values.",
  { { "pad_l, pad_r, pad_t, pad_b", "amounts (negative crops)" } },
  "nn.SpatialReplicationPadding(1, 1, 0, 0)", "torch.Tensor{{{1, 2}, {3, 4}}}")
mod("SpatialUpSamplingNearest", "nn.SpatialUpSamplingNearest(scale)",
  "Repeats each pixel scale x scale times: (C, H, W) -> (C, H*scale, W*scale).",
  { { "scale", "integer factor" } }, "nn.SpatialUpSamplingNearest(2)", "torch.Tensor{{{1, 2}}}")
mod("SpatialUpSamplingBilinear", "nn.SpatialUpSamplingBilinear(scale | {oheight=, owidth=})",
  "Bilinear up-sampling with aligned corners: output H*scale x W*scale (or the given size).",
  { { "scale", "integer factor, or a table {oheight = H, owidth = W}" } },
  "nn.SpatialUpSamplingBilinear(2)", "torch.Tensor{{{0, 1}}}",
  "The corner pixels of input and output coincide (PyTorch's align_corners=True).")
mod("UpSampling", "nn.UpSampling(scale [, mode])",
  "Up-sampling of (N, C, H, W) or (N, C, D, H, W), mode \"nearest\" (default) or \"linear\".",
  { { "scale", "integer factor (or {oheight=, owidth=, odepth=} with linear)" }, { "mode", "nearest | linear" } },
  "nn.UpSampling(2, 'linear')", "torch.Tensor{{{{0, 1}}}}")
mod("SpatialCrossMapLRN", "nn.SpatialCrossMapLRN(size [, alpha, beta, k])",
  "Local response normalisation across channels: x_c / (k + alpha/size * sum x_j^2)^beta.",
  { { "size", "channels in the window" }, { "alpha", "scale (1e-4)" }, { "beta", "exponent (0.75)" },
    { "k", "offset (1)" } },
  "nn.SpatialCrossMapLRN(3)", "torch.ones(4, 2, 2)")
mod("SpatialSubtractiveNormalization", "nn.SpatialSubtractiveNormalization(nInputPlane [, kernel])",
  "Subtracts the kernel-weighted local mean over all planes from every plane (borders corrected).",
  { { "nInputPlane", "planes" }, { "kernel", "odd 2-D kernel, or 1-D used separably (9x9 ones)" } },
  "nn.SpatialSubtractiveNormalization(1, torch.ones(3, 3))", "torch.rand(1, 4, 4)")
mod("SpatialDivisiveNormalization", "nn.SpatialDivisiveNormalization(nInputPlane [, kernel, threshold, thresval])",
  "Divides every plane by the kernel-weighted local standard deviation over all planes.",
  { { "nInputPlane", "planes" }, { "kernel", "odd 2-D or 1-D kernel (9x9 ones)" },
    { "threshold", "deviations not above it are replaced (1e-4)" }, { "thresval", "the replacement (threshold)" } },
  "nn.SpatialDivisiveNormalization(1, torch.ones(3, 3))", "torch.rand(1, 4, 4)")
mod("SpatialContrastiveNormalization",
  "nn.SpatialContrastiveNormalization(nInputPlane [, kernel, threshold, thresval])",
  "Subtractive then divisive normalisation with the same kernel.",
  { { "nInputPlane", "planes" }, { "kernel", "odd 2-D or 1-D kernel (9x9 ones)" }, { "threshold", "(1e-4)" },
    { "thresval", "(threshold)" } },
  "nn.SpatialContrastiveNormalization(1, torch.ones(3, 3))", "torch.rand(1, 4, 4)")

return { title = "Neural networks: spatial layers", docs = D }
