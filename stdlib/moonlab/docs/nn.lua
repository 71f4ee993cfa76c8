-- Docstrings: moonlab.nn (stdlib/moonlab/nn/*.lua, kernels/nn.c; docs/nn.md).
-- Names follow Torch7's spelling: "nn.Linear" for a class (its constructor),
-- "nn.Module:forward" for the shared Module API (documented once, valid for
-- every module), "nn.Sequential:insert" for a class's own methods.
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local nn = require \"nn\"\n"

-- a module class: constructor, one forward on `input` in the example
local function mod(name, sig, summary, args, ctor, input, notes)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local m = " .. ctor .. "\nprint(m:forward(" .. input .. "))", notes)
end

-- a criterion class: loss of `input` against `target`
local function crit(name, sig, summary, args, ctor, input, target)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local c = " .. ctor .. "\nprint(c:forward(" .. input .. ", " .. target .. "))")
end

local function method(name, sig, summary, args, example, notes)
  D[name] = doc(sig, summary, args, PRE .. example, notes)
end

local SEQ = "local m = nn.Sequential():add(nn.Linear(3, 2)):add(nn.Tanh())\n"

D["moonlab.nn"] = doc("nn = require \"nn\"  (or require \"moonlab.nn\")",
  "Torch7's neural-network library: modules, containers, criteria, training helpers.", {},
  PRE .. "local m = nn.Sequential():add(nn.Linear(4, 3)):add(nn.ReLU()):add(nn.Linear(3, 2))\nprint(m)",
  "`require \"nn\"` also sets the global nn, as Torch7 did; models save and load with torch.save/torch.load.")

-- ---------------------------------------------------------------- Module API

D["nn.Module"] = doc("nn.Module()", "The base class of every layer: output, gradInput and the training API.", {},
  PRE .. "local m = nn.Linear(2, 1)\nprint(torch.isTypeOf(m, \"nn.Module\"))",
  "Subclasses implement updateOutput, updateGradInput and accGradParameters (see the nn.Module:* entries).")
method("nn.Module:forward", "module:forward(input)", "Computes and returns the output for input (updateOutput).",
  { { "input", "a tensor (or a table of tensors for table modules)" } }, SEQ .. "print(m:forward(torch.randn(5, 3)))")
method("nn.Module:backward", "module:backward(input, gradOutput [, scale])",
  "Returns d loss / d input and adds scale * d loss / d parameters to the gradients.",
  { { "input", "the input given to forward" }, { "gradOutput", "d loss / d output" }, { "scale", "gradient scale (1)" } },
  SEQ .. "local x = torch.randn(5, 3)\nm:forward(x)\nprint(m:backward(x, torch.ones(5, 2)))")
method("nn.Module:updateOutput", "module:updateOutput(input)", "Computes self.output from input (what forward calls).",
  { { "input", "the input" } }, "print(nn.Tanh():updateOutput(torch.zeros(2)))")
method("nn.Module:updateGradInput", "module:updateGradInput(input, gradOutput)",
  "Computes self.gradInput, the gradient with respect to the input.",
  { { "input", "the input" }, { "gradOutput", "d loss / d output" } },
  "local m = nn.Tanh()\nm:forward(torch.zeros(2))\nprint(m:updateGradInput(torch.zeros(2), torch.ones(2)))")
method("nn.Module:accGradParameters", "module:accGradParameters(input, gradOutput [, scale])",
  "Adds scale times the parameters' gradient for this input to gradWeight, gradBias ...",
  { { "input", "the input" }, { "gradOutput", "d loss / d output" }, { "scale", "factor (1)" } },
  "local m = nn.Linear(2, 1)\nm:zeroGradParameters()\nm:accGradParameters(torch.ones(2), torch.ones(1))\nprint(m.gradWeight)")
method("nn.Module:accUpdateGradParameters", "module:accUpdateGradParameters(input, gradOutput, lr)",
  "Updates the parameters by -lr times their gradient directly, without keeping gradients.",
  { { "input", "the input" }, { "gradOutput", "d loss / d output" }, { "lr", "learning rate" } },
  "local m = nn.Linear(2, 1)\nm:forward(torch.ones(2))\nm:accUpdateGradParameters(torch.ones(2), torch.ones(1), 0.1)")
method("nn.Module:sharedAccUpdateGradParameters", "module:sharedAccUpdateGradParameters(input, gradOutput, lr)",
  "accUpdateGradParameters for modules sharing parameters (gradient, then update).",
  { { "input", "the input" }, { "gradOutput", "d loss / d output" }, { "lr", "learning rate" } },
  "local m = nn.Linear(2, 1)\nm:forward(torch.ones(2))\nm:sharedAccUpdateGradParameters(torch.ones(2), torch.ones(1), 0.1)")
method("nn.Module:backwardUpdate", "module:backwardUpdate(input, gradOutput, lr)",
  "updateGradInput then accUpdateGradParameters; returns gradInput.",
  { { "input", "the input" }, { "gradOutput", "d loss / d output" }, { "lr", "learning rate" } },
  "local m = nn.Linear(2, 1)\nm:forward(torch.ones(2))\nprint(m:backwardUpdate(torch.ones(2), torch.ones(1), 0.1))")
method("nn.Module:zeroGradParameters", "module:zeroGradParameters()", "Sets every parameter gradient to zero.", {},
  SEQ .. "m:zeroGradParameters()\nprint(m:get(1).gradBias)")
method("nn.Module:updateParameters", "module:updateParameters(lr)", "Parameters -= lr * their gradients.",
  { { "lr", "learning rate" } }, SEQ .. "m:zeroGradParameters()\nm:updateParameters(0.1)")
method("nn.Module:parameters", "module:parameters()", "Returns two lists: the parameter tensors and their gradients.",
  {}, SEQ .. "local p, g = m:parameters()\nprint(#p, #g)")
method("nn.Module:getParameters", "module:getParameters()",
  "Returns one flat parameter tensor and one flat gradient tensor that every parameter now views.", {},
  SEQ .. "local p, g = m:getParameters()\nprint(p:nElement())",
  "Call once after building the model; shared parameters stay shared.  Feed the flat tensors to optim.")
method("nn.Module:flatten", "nn.Module.flatten(tensors)",
  "Packs a list of tensors into one contiguous tensor that they all view (used by getParameters).",
  { { "tensors", "a list of tensors" } }, "local a, b = torch.ones(2), torch.zeros(3)\nprint(nn.Module.flatten({ a, b }))")
method("nn.Module:training", "module:training()", "Switches to training mode (Dropout drops, BatchNorm uses batch statistics).",
  {}, "print(nn.Dropout(0.5):training().train)")
method("nn.Module:evaluate", "module:evaluate()", "Switches to evaluation mode.", {},
  "print(nn.Dropout(0.5):evaluate().train)")
method("nn.Module:share", "module:share(other, name...)", "Makes the named fields views of other's tensors (shared weights).",
  { { "other", "a module of the same structure" }, { "name...", "field names: \"weight\", \"bias\" ..." } },
  "local a = nn.Linear(2, 2)\nlocal b = nn.Linear(2, 2):share(a, \"weight\", \"bias\")\nprint(b.weight:isSetTo(a.weight))")
method("nn.Module:clone", "module:clone([name...])", "Returns a deep copy; the named parameters are shared with the original.",
  { { "name...", "fields to share (none: an independent copy)" } },
  "local a = nn.Linear(2, 2)\nlocal b = a:clone(\"weight\", \"bias\")\nb.weight:fill(1)\nprint(a.weight)")
method("nn.Module:type", "module:type([typename])", "Converts every tensor field to typename, or returns the current type.",
  { { "typename", "\"torch.FloatTensor\" or \"torch.DoubleTensor\"" } },
  "print(nn.Linear(2, 2):type(\"torch.FloatTensor\").weight:type())")
method("nn.Module:float", "module:float()", "Converts the module to Float tensors.", {}, "print(nn.Linear(2, 2):float().weight:type())")
method("nn.Module:double", "module:double()", "Converts the module to Double tensors.", {}, "print(nn.Linear(2, 2):float():double().weight:type())")
method("nn.Module:reset", "module:reset([stdv])", "Re-draws the parameters as Torch7's layer does (uniform in +-1/sqrt(fan in)).",
  { { "stdv", "optional: uniform in +-stdv*sqrt(3)" } }, "local m = nn.Linear(4, 2)\nm:reset()\nprint(m.weight:abs():max() <= 0.5)")
method("nn.Module:listModules", "module:listModules()", "Returns the module and all its submodules, depth first.", {},
  SEQ .. "print(#m:listModules())")
method("nn.Module:findModules", "module:findModules(typename)", "Returns the submodules of a class, and their containers.",
  { { "typename", "a class name, \"nn.Linear\"" } }, SEQ .. "print(#m:findModules(\"nn.Linear\"))")
method("nn.Module:apply", "module:apply(fn)", "Calls fn on the module and each submodule, depth first.",
  { { "fn", "a function of a module" } }, SEQ .. "m:apply(function(x) print(torch.type(x)) end)")
method("nn.Module:replace", "module:replace(fn)", "Replaces each submodule m by fn(m); returns the new root.",
  { { "fn", "a function returning a module" } },
  SEQ .. "m = m:replace(function(x) return torch.type(x) == \"nn.Tanh\" and nn.ReLU() or x end)\nprint(m)")
method("nn.Module:clearState", "module:clearState()", "Empties output, gradInput and internal buffers (smaller saved files).",
  {}, SEQ .. "m:forward(torch.randn(2, 3))\nm:clearState()")

D["nn.Criterion"] = doc("nn.Criterion()", "The base class of losses: output (a number) and gradInput.", {},
  PRE .. "print(torch.isTypeOf(nn.MSECriterion(), \"nn.Criterion\"))")
method("nn.Criterion:forward", "criterion:forward(input, target)", "Returns the loss of input against target.",
  { { "input", "the prediction" }, { "target", "the target" } }, "print(nn.MSECriterion():forward(torch.ones(2), torch.zeros(2)))")
method("nn.Criterion:backward", "criterion:backward(input, target)", "Returns d loss / d input (call forward first).",
  { { "input", "the prediction" }, { "target", "the target" } },
  "local c = nn.MSECriterion()\nc:forward(torch.ones(2), torch.zeros(2))\nprint(c:backward(torch.ones(2), torch.zeros(2)))")
method("nn.Criterion:updateOutput", "criterion:updateOutput(input, target)", "Computes the loss (what forward calls).",
  { { "input", "the prediction" }, { "target", "the target" } }, "print(nn.AbsCriterion():updateOutput(torch.ones(2), torch.zeros(2)))")
method("nn.Criterion:updateGradInput", "criterion:updateGradInput(input, target)", "Computes gradInput (what backward calls).",
  { { "input", "the prediction" }, { "target", "the target" } }, "print(nn.AbsCriterion():updateGradInput(torch.ones(2), torch.zeros(2)))")
method("nn.Criterion:clone", "criterion:clone()", "Returns a deep copy.", {}, "print(nn.MSECriterion():clone())")
method("nn.Criterion:type", "criterion:type([typename])", "Converts the criterion's tensors to typename.",
  { { "typename", "a tensor type name" } }, "print(nn.ClassNLLCriterion():type(\"torch.FloatTensor\"))")
method("nn.Criterion:float", "criterion:float()", "Converts to Float.", {}, "print(nn.MSECriterion():float())")
method("nn.Criterion:double", "criterion:double()", "Converts to Double.", {}, "print(nn.MSECriterion():double())")

-- ---------------------------------------------------------------- containers

D["nn.Container"] = doc("nn.Container()", "The base of containers: children in self.modules, their parameters gathered.", {},
  PRE .. "print(torch.isTypeOf(nn.Sequential(), \"nn.Container\"))")
method("nn.Container:add", "container:add(module)", "Appends a child module; returns the container.",
  { { "module", "an nn.Module" } }, "print(nn.Concat(1):add(nn.Identity()):size())")
method("nn.Container:get", "container:get(i)", "Returns the i-th child.", { { "i", "index" } }, SEQ .. "print(m:get(1))")
method("nn.Container:size", "container:size()", "Returns the number of children.", {}, SEQ .. "print(m:size())")
method("nn.Container:applyToModules", "container:applyToModules(fn)", "Calls fn on each direct child.",
  { { "fn", "a function of a module" } }, SEQ .. "m:applyToModules(function(c) print(c) end)")
method("nn.Container:rethrowErrors", "container:rethrowErrors(module, i, method, ...)",
  "Calls module[method](module, ...), prefixing errors with \"In i module of <container>:\".",
  { { "module", "a child" }, { "i", "its index" }, { "method", "method name" }, { "...", "arguments" } },
  SEQ .. "print(m:rethrowErrors(m:get(2), 2, \"forward\", torch.zeros(2)))")
mod("Sequential", "nn.Sequential()", "Applies its children one after the other.", {},
  "nn.Sequential():add(nn.Linear(3, 2)):add(nn.ReLU())", "torch.randn(4, 3)")
method("nn.Sequential:add", "sequential:add(module)", "Appends a module; returns the Sequential.",
  { { "module", "an nn.Module" } }, "print(nn.Sequential():add(nn.Tanh()))")
method("nn.Sequential:insert", "sequential:insert(module [, index])", "Inserts a module at index (default: the end).",
  { { "module", "an nn.Module" }, { "index", "position" } }, SEQ .. "m:insert(nn.Identity(), 1)\nprint(m)")
method("nn.Sequential:remove", "sequential:remove([index])", "Removes and returns the module at index (default: the last).",
  { { "index", "position" } }, SEQ .. "print(m:remove())")
mod("Concat", "nn.Concat(dim)", "Gives the same input to each child and concatenates their outputs along dim.",
  { { "dim", "the dimension to join" } }, "nn.Concat(2):add(nn.Linear(3, 2)):add(nn.Linear(3, 4))", "torch.randn(5, 3)")
mod("ConcatTable", "nn.ConcatTable()", "Gives the same input to each child; the output is the table of their outputs.", {},
  "nn.ConcatTable():add(nn.Identity()):add(nn.Tanh())", "torch.randn(2)")
mod("ParallelTable", "nn.ParallelTable()", "Applies child i to input[i]; the output is the table of outputs.", {},
  "nn.ParallelTable():add(nn.Tanh()):add(nn.Sigmoid())", "{ torch.randn(2), torch.randn(3) }")
mod("Parallel", "nn.Parallel(inputDim, outputDim)",
  "Applies child i to input:select(inputDim, i) and joins the outputs along outputDim.",
  { { "inputDim", "dimension to split" }, { "outputDim", "dimension to join" } },
  "nn.Parallel(1, 1):add(nn.Linear(3, 2)):add(nn.Linear(3, 2))", "torch.randn(2, 3)")

-- ---------------------------------------------------------------- layers with weights

mod("Linear", "nn.Linear(inputSize, outputSize [, bias])", "Affine map y = W x + b on (n) or (N, n) inputs.",
  { { "inputSize", "n" }, { "outputSize", "m (weight is m x n)" }, { "bias", "false for no bias" } },
  "nn.Linear(3, 2)", "torch.randn(4, 3)",
  "Setting module.gradInput = nil skips the input gradient (Torch7's idiom for a first layer).")
method("nn.Linear:noBias", "linear:noBias()", "Removes the bias; returns the module.", {}, "print(nn.Linear(3, 2):noBias())")
mod("Bilinear", "nn.Bilinear(in1, in2, out [, bias])", "y_k = x1' W_k x2 + b_k on a table {x1 (N, in1), x2 (N, in2)}.",
  { { "in1", "size of x1" }, { "in2", "size of x2" }, { "out", "outputs" }, { "bias", "false for none" } },
  "nn.Bilinear(3, 4, 2)", "{ torch.randn(5, 3), torch.randn(5, 4) }")
mod("LookupTable", "nn.LookupTable(nIndex, nOutput [, paddingValue, maxNorm, normType])",
  "Embedding: rows of weight for each index of an integer tensor.",
  { { "nIndex", "number of rows" }, { "nOutput", "row size" }, { "paddingValue", "index whose gradient is not accumulated" },
    { "maxNorm", "rows looked up are rescaled to this norm at most" }, { "normType", "the norm (2)" } },
  "nn.LookupTable(10, 3)", "torch.LongTensor{ 1, 5, 5 }")
method("nn.LookupTable:accUpdateOnly", "lookup:accUpdateOnly()",
  "Drops gradWeight; backwardUpdate / accUpdateGradParameters then update the weights directly.", {},
  "local m = nn.LookupTable(5, 2):accUpdateOnly()\nm:forward(torch.LongTensor{ 1 })\nm:backwardUpdate(torch.LongTensor{ 1 }, torch.ones(1, 2), 0.1)")
mod("Add", "nn.Add(inputSize [, scalar])", "Adds a learnt bias (a vector, or one number when scalar is true).",
  { { "inputSize", "bias size" }, { "scalar", "true for a single bias" } }, "nn.Add(3)", "torch.zeros(2, 3)")
mod("Mul", "nn.Mul()", "Multiplies by one learnt scalar.", {}, "nn.Mul()", "torch.ones(3)")
mod("CMul", "nn.CMul(size...)", "Multiplies element-wise by a learnt tensor (broadcast over a batch).",
  { { "size...", "the weight's size" } }, "nn.CMul(3)", "torch.ones(2, 3)")
mod("PReLU", "nn.PReLU([nOutputPlane])", "x if x > 0 else a x, with a learnt slope a per plane (or one), 0.25 at start.",
  { { "nOutputPlane", "number of planes (0: one shared slope)" } }, "nn.PReLU()", "torch.Tensor{ -1, 2 }")

-- ---------------------------------------------------------------- convolution, pooling, normalisation

mod("SpatialConvolution", "nn.SpatialConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH])",
  "2-D convolution of (C, H, W) or (N, C, H, W) images (im2col + GEMM); weight (nOut, nIn, kH, kW).",
  { { "nIn, nOut", "input and output planes" }, { "kW, kH", "kernel width and height" },
    { "dW, dH", "strides (1)" }, { "padW, padH", "zero padding (0)" } },
  "nn.SpatialConvolution(1, 2, 3, 3, 1, 1, 1, 1)", "torch.randn(1, 1, 5, 5)")
method("nn.SpatialConvolution:noBias", "conv:noBias()", "Removes the bias; returns the module.", {},
  "print(nn.SpatialConvolution(1, 2, 3, 3):noBias())")
mod("SpatialConvolutionMM", "nn.SpatialConvolutionMM(nIn, nOut, kW, kH [, dW, dH, padW, padH])",
  "The same convolution with Torch7's MM weight layout (nOut, nIn*kH*kW).",
  { { "nIn, nOut", "planes" }, { "kW, kH", "kernel" }, { "dW, dH", "strides" }, { "padW, padH", "padding" } },
  "nn.SpatialConvolutionMM(1, 2, 3, 3)", "torch.randn(1, 5, 5)")
mod("SpatialFullConvolution", "nn.SpatialFullConvolution(nIn, nOut, kW, kH [, dW, dH, padW, padH, adjW, adjH])",
  "Transposed convolution: oH = (H - 1) dH - 2 padH + kH + adjH; weight (nIn, nOut, kH, kW).",
  { { "nIn, nOut", "planes" }, { "kW, kH", "kernel" }, { "dW, dH", "strides" }, { "padW, padH", "padding" },
    { "adjW, adjH", "extra output size (< stride)" } },
  "nn.SpatialFullConvolution(2, 1, 3, 3, 2, 2)", "torch.randn(2, 3, 3)")
method("nn.SpatialFullConvolution:noBias", "fullconv:noBias()", "Removes the bias; returns the module.", {},
  "print(nn.SpatialFullConvolution(1, 2, 3, 3):noBias())")
mod("SpatialMaxPooling", "nn.SpatialMaxPooling(kW, kH [, dW, dH, padW, padH])",
  "Maximum of each window (stride defaults to the kernel); argmax positions kept in module.indices.",
  { { "kW, kH", "window" }, { "dW, dH", "strides" }, { "padW, padH", "padding (at most half the window)" } },
  "nn.SpatialMaxPooling(2, 2)", "torch.randn(1, 4, 4)")
method("nn.SpatialMaxPooling:ceil", "pool:ceil()", "Output sizes round up; returns the module.", {},
  "print(nn.SpatialMaxPooling(2, 2):ceil():forward(torch.randn(1, 5, 5)):size())")
method("nn.SpatialMaxPooling:floor", "pool:floor()", "Output sizes round down (the default); returns the module.", {},
  "print(nn.SpatialMaxPooling(2, 2):floor():forward(torch.randn(1, 5, 5)):size())")
mod("SpatialAveragePooling", "nn.SpatialAveragePooling(kW, kH [, dW, dH, padW, padH])",
  "Mean of each window (stride 1 by default); padded zeros count unless setCountExcludePad().",
  { { "kW, kH", "window" }, { "dW, dH", "strides (1)" }, { "padW, padH", "padding" } },
  "nn.SpatialAveragePooling(2, 2, 2, 2)", "torch.randn(1, 4, 4)")
method("nn.SpatialAveragePooling:ceil", "pool:ceil()", "Output sizes round up; returns the module.", {},
  "print(nn.SpatialAveragePooling(2, 2, 2, 2):ceil():forward(torch.randn(1, 5, 5)):size())")
method("nn.SpatialAveragePooling:floor", "pool:floor()", "Output sizes round down; returns the module.", {},
  "print(nn.SpatialAveragePooling(2, 2, 2, 2):floor():forward(torch.randn(1, 5, 5)):size())")
method("nn.SpatialAveragePooling:setCountIncludePad", "pool:setCountIncludePad()",
  "Padded zeros count in the divisor (the default); returns the module.", {},
  "print(nn.SpatialAveragePooling(3, 3, 1, 1, 1, 1):setCountIncludePad():forward(torch.ones(1, 3, 3))[1][1][1])")
method("nn.SpatialAveragePooling:setCountExcludePad", "pool:setCountExcludePad()",
  "Only positions inside the input count in the divisor; returns the module.", {},
  "print(nn.SpatialAveragePooling(3, 3, 1, 1, 1, 1):setCountExcludePad():forward(torch.ones(1, 3, 3))[1][1][1])")
mod("SpatialSubSampling", "nn.SpatialSubSampling(nInputPlane, kW, kH [, dW, dH])",
  "Per plane: a learnt weight times each window's sum, plus a learnt bias (Torch7's subsampling layer).",
  { { "nInputPlane", "planes" }, { "kW, kH", "window" }, { "dW, dH", "strides (1)" } },
  "nn.SpatialSubSampling(1, 2, 2, 2, 2)", "torch.randn(1, 4, 4)")
mod("BatchNormalization", "nn.BatchNormalization(nOutput [, eps, momentum, affine])",
  "Normalises each feature of (N, nOutput) by batch statistics (training) or running ones (evaluation).",
  { { "nOutput", "features" }, { "eps", "1e-5" }, { "momentum", "running-average rate (0.1)" },
    { "affine", "learn weight and bias (true)" } }, "nn.BatchNormalization(3)", "torch.randn(4, 3)")
mod("SpatialBatchNormalization", "nn.SpatialBatchNormalization(nPlanes [, eps, momentum, affine])",
  "Batch normalisation of each plane of (N, C, H, W) over N, H and W.",
  { { "nPlanes", "C" }, { "eps", "1e-5" }, { "momentum", "0.1" }, { "affine", "true" } },
  "nn.SpatialBatchNormalization(2)", "torch.randn(3, 2, 2, 2)")
mod("TemporalConvolution", "nn.TemporalConvolution(inputFrameSize, outputFrameSize, kW [, dW])",
  "1-D convolution over the frames of (T, F) or (N, T, F); weight (out, kW*in).",
  { { "inputFrameSize", "F" }, { "outputFrameSize", "output features" }, { "kW", "frames per window" }, { "dW", "stride (1)" } },
  "nn.TemporalConvolution(3, 2, 2)", "torch.randn(5, 3)")
mod("TemporalMaxPooling", "nn.TemporalMaxPooling(kW [, dW])", "Maximum over windows of kW frames of (T, F) or (N, T, F).",
  { { "kW", "window" }, { "dW", "stride (kW)" } }, "nn.TemporalMaxPooling(2)", "torch.randn(6, 3)")

-- ---------------------------------------------------------------- recurrent

mod("RNN", "nn.RNN(inputSize, hiddenSize [, nonlinearity])",
  "Elman RNN over (N, T, I) -> (N, T, H), tanh (or \"relu\"); PyTorch's parameter layout.",
  { { "inputSize", "I" }, { "hiddenSize", "H" }, { "nonlinearity", "\"tanh\" or \"relu\"" } },
  "nn.RNN(3, 4)", "torch.randn(2, 5, 3)")
mod("LSTM", "nn.LSTM(inputSize, hiddenSize)", "LSTM over (N, T, I) -> (N, T, H), gates i, f, g, o as PyTorch.",
  { { "inputSize", "I" }, { "hiddenSize", "H" } }, "nn.LSTM(3, 4)", "torch.randn(2, 5, 3)")
mod("GRU", "nn.GRU(inputSize, hiddenSize)", "GRU over (N, T, I) -> (N, T, H), PyTorch's formulation.",
  { { "inputSize", "I" }, { "hiddenSize", "H" } }, "nn.GRU(3, 4)", "torch.randn(2, 5, 3)")

-- ---------------------------------------------------------------- activations

local X = "torch.Tensor{ -2, -0.5, 0.5, 2 }"
mod("Threshold", "nn.Threshold([th, v, inplace])", "y = x where x > th, else v (th 1e-6, v 0).",
  { { "th", "threshold" }, { "v", "replacement" }, { "inplace", "write into the input" } }, "nn.Threshold(0, -1)", X)
mod("ReLU", "nn.ReLU([inplace])", "max(0, x).", { { "inplace", "write into the input" } }, "nn.ReLU()", X)
mod("ReLU6", "nn.ReLU6([inplace])", "min(max(0, x), 6).", { { "inplace", "write into the input" } }, "nn.ReLU6()", X)
mod("LeakyReLU", "nn.LeakyReLU([negval, inplace])", "x where x > 0, else negval x (negval 0.01).",
  { { "negval", "slope below 0" }, { "inplace", "unused flag (kept for Torch7)" } }, "nn.LeakyReLU(0.1)", X)
mod("ELU", "nn.ELU([alpha, inplace])", "x where x > 0, else alpha (exp(x) - 1) (alpha 1).",
  { { "alpha", "scale" }, { "inplace", "unused flag" } }, "nn.ELU()", X)
mod("Tanh", "nn.Tanh()", "Hyperbolic tangent.", {}, "nn.Tanh()", X)
mod("HardTanh", "nn.HardTanh([min, max, inplace])", "x clipped to [min, max] (-1, 1).",
  { { "min", "lower bound" }, { "max", "upper bound" }, { "inplace", "write into the input" } }, "nn.HardTanh()", X)
mod("Clamp", "nn.Clamp(min, max)", "x clipped to [min, max].", { { "min", "lower bound" }, { "max", "upper bound" } },
  "nn.Clamp(-1, 0.5)", X)
mod("Sigmoid", "nn.Sigmoid()", "Logistic function 1 / (1 + exp(-x)).", {}, "nn.Sigmoid()", X)
mod("SoftMax", "nn.SoftMax()", "exp(x_i) / sum_j exp(x_j) over the feature dimension (1 for 1D/3D, 2 for 2D/4D).", {},
  "nn.SoftMax()", X)
mod("LogSoftMax", "nn.LogSoftMax()", "log of SoftMax, computed stably.", {}, "nn.LogSoftMax()", X)
mod("SoftMin", "nn.SoftMin()", "SoftMax of -x.", {}, "nn.SoftMin()", X)
mod("SoftPlus", "nn.SoftPlus([beta, threshold])", "log(1 + exp(beta x)) / beta, linear where beta x > threshold (20).",
  { { "beta", "sharpness (1)" }, { "threshold", "linear region start (20)" } }, "nn.SoftPlus()", X)
mod("SoftSign", "nn.SoftSign()", "x / (1 + |x|).", {}, "nn.SoftSign()", X)
mod("LogSigmoid", "nn.LogSigmoid()", "log(1 / (1 + exp(-x))), computed stably.", {}, "nn.LogSigmoid()", X)
mod("Abs", "nn.Abs()", "|x|.", {}, "nn.Abs()", X)
mod("Square", "nn.Square()", "x^2.", {}, "nn.Square()", X)
mod("Sqrt", "nn.Sqrt()", "sqrt(x) (gradient 0 where x = 0).", {}, "nn.Sqrt()", "torch.Tensor{ 0, 1, 4 }")
mod("Exp", "nn.Exp()", "exp(x).", {}, "nn.Exp()", X)
mod("Log", "nn.Log()", "log(x).", {}, "nn.Log()", "torch.Tensor{ 1, 2 }")
mod("Power", "nn.Power(p)", "x^p.", { { "p", "the exponent" } }, "nn.Power(3)", X)

-- ---------------------------------------------------------------- shape, table and simple modules

mod("Identity", "nn.Identity()", "Passes its input (tensor or table) through unchanged.", {}, "nn.Identity()", X)
mod("View", "nn.View(size...)", "A view of the input with the given size (one size may be -1).",
  { { "size...", "the sizes, or a LongStorage" } }, "nn.View(2, 2)", X)
method("nn.View:setNumInputDims", "view:setNumInputDims(n)", "Inputs with more than n dimensions are batches; returns the module.",
  { { "n", "dimensions of one sample" } }, "print(nn.View(-1):setNumInputDims(2):forward(torch.randn(3, 2, 2)):size())")
mod("Reshape", "nn.Reshape(size... [, batchMode])", "Reshapes each sample (a leading batch dimension is kept).",
  { { "size...", "sizes of one sample" }, { "batchMode", "force (true) or forbid (false) a batch dimension" } },
  "nn.Reshape(4)", "torch.randn(3, 2, 2)")
mod("Transpose", "nn.Transpose({d1, d2}, ...)", "Swaps the given dimension pairs in order.",
  { { "{d1, d2}", "pairs of dimensions" } }, "nn.Transpose({ 1, 2 })", "torch.randn(2, 3)")
method("nn.Transpose:setNumInputDims", "transpose:setNumInputDims(n)", "Inputs with more than n dimensions are batches.",
  { { "n", "dimensions of one sample" } }, "print(nn.Transpose({ 1, 2 }):setNumInputDims(2):forward(torch.randn(4, 2, 3)):size())")
mod("Narrow", "nn.Narrow(dim, offset [, length])", "input:narrow(dim, offset, length); a negative length counts from the end.",
  { { "dim", "dimension" }, { "offset", "first index" }, { "length", "count (1)" } }, "nn.Narrow(1, 2, 2)", X)
mod("Select", "nn.Select(dim, index)", "input:select(dim, index) (negative values count from the end).",
  { { "dim", "dimension" }, { "index", "index" } }, "nn.Select(1, -1)", "torch.randn(2, 3)")
mod("Squeeze", "nn.Squeeze([dim, numInputDims])", "Removes size-1 dimensions (or only dim).",
  { { "dim", "one dimension" }, { "numInputDims", "dimensions of one sample" } }, "nn.Squeeze()", "torch.randn(2, 1, 3)")
mod("Unsqueeze", "nn.Unsqueeze(pos [, numInputDims])", "Inserts a size-1 dimension at pos.",
  { { "pos", "position" }, { "numInputDims", "dimensions of one sample" } }, "nn.Unsqueeze(1)", X)
mod("Contiguous", "nn.Contiguous()", "A contiguous copy of the input (the input itself when already contiguous).", {},
  "nn.Contiguous()", "torch.randn(2, 3):t()")
mod("Copy", "nn.Copy(inputType, outputType [, forceCopy, dontCast])", "Converts between tensor types.",
  { { "inputType", "e.g. \"torch.DoubleTensor\"" }, { "outputType", "e.g. \"torch.FloatTensor\"" },
    { "forceCopy", "copy even when the types match" }, { "dontCast", "keep the types on :type()" } },
  "nn.Copy(\"torch.DoubleTensor\", \"torch.FloatTensor\")", X)
mod("Padding", "nn.Padding(dim, pad [, nInputDim, value, index])", "Adds |pad| entries of value along dim (after if pad > 0).",
  { { "dim", "dimension" }, { "pad", "count; the sign picks the side" }, { "nInputDim", "dimensions of one sample" },
    { "value", "fill value (0)" }, { "index", "where to insert (1)" } }, "nn.Padding(1, 2)", X)
mod("SpatialZeroPadding", "nn.SpatialZeroPadding(l [, r, t, b])", "Pads (or crops, when negative) the last two dimensions.",
  { { "l, r, t, b", "left, right, top, bottom" } }, "nn.SpatialZeroPadding(1)", "torch.ones(1, 2, 2)")
mod("JoinTable", "nn.JoinTable(dim [, nInputDims])", "Concatenates a table of tensors along dim.",
  { { "dim", "dimension" }, { "nInputDims", "dimensions of one sample" } }, "nn.JoinTable(1)", "{ torch.ones(2), torch.zeros(3) }")
mod("SplitTable", "nn.SplitTable(dim [, nInputDims])", "Splits a tensor into the table of its slices along dim.",
  { { "dim", "dimension" }, { "nInputDims", "dimensions of one sample" } }, "nn.SplitTable(1)", "torch.randn(2, 3)")
mod("SelectTable", "nn.SelectTable(index)", "input[index] of a table (negative counts from the end).",
  { { "index", "position" } }, "nn.SelectTable(2)", "{ torch.ones(2), torch.zeros(3) }")
mod("CAddTable", "nn.CAddTable()", "Element-wise sum of a table of tensors.", {}, "nn.CAddTable()", "{ torch.ones(2), torch.ones(2) }")
mod("CSubTable", "nn.CSubTable()", "input[1] - input[2].", {}, "nn.CSubTable()", "{ torch.ones(2), torch.ones(2) }")
mod("CMulTable", "nn.CMulTable()", "Element-wise product of a table of tensors.", {}, "nn.CMulTable()", "{ torch.ones(2), torch.ones(2) }")
mod("CDivTable", "nn.CDivTable()", "input[1] / input[2].", {}, "nn.CDivTable()", "{ torch.ones(2), torch.ones(2) }")
mod("MulConstant", "nn.MulConstant(c [, inplace])", "c x.", { { "c", "a number" }, { "inplace", "unused flag" } },
  "nn.MulConstant(3)", X)
mod("AddConstant", "nn.AddConstant(c [, inplace])", "x + c (c a number or a tensor of the input's size).",
  { { "c", "a number or tensor" }, { "inplace", "unused flag" } }, "nn.AddConstant(1)", X)
mod("Sum", "nn.Sum([dim, nInputDims, sizeAverage, squeeze])", "Sum over dim (the mean when sizeAverage).",
  { { "dim", "dimension (1)" }, { "nInputDims", "dimensions of one sample" }, { "sizeAverage", "divide by the size" },
    { "squeeze", "drop the summed dimension (true)" } }, "nn.Sum(2)", "torch.ones(2, 3)")
mod("Mean", "nn.Mean([dim, nInputDims])", "Mean over dim.", { { "dim", "dimension (1)" }, { "nInputDims", "dimensions of one sample" } },
  "nn.Mean(2)", "torch.ones(2, 3)")
mod("Max", "nn.Max([dim, nInputDims])", "Maximum over dim (gradient to the arg max).",
  { { "dim", "dimension (1)" }, { "nInputDims", "dimensions of one sample" } }, "nn.Max(2)", "torch.randn(2, 3)")
mod("Min", "nn.Min([dim, nInputDims])", "Minimum over dim.", { { "dim", "dimension (1)" }, { "nInputDims", "dimensions of one sample" } },
  "nn.Min(2)", "torch.randn(2, 3)")
mod("Normalize", "nn.Normalize(p [, eps])", "Divides each row by its p-norm (+ eps, 1e-10); p may be math.huge.",
  { { "p", "the norm" }, { "eps", "added to the norm" } }, "nn.Normalize(2)", "torch.randn(2, 3)")
mod("Replicate", "nn.Replicate(n [, dim, ndim])", "n copies of the input along a new dimension dim (1), without copying memory.",
  { { "n", "copies" }, { "dim", "new dimension" }, { "ndim", "dimensions of one sample" } }, "nn.Replicate(2)", "torch.randn(3)")
mod("Dropout", "nn.Dropout([p, v1, inplace, stochasticInference])",
  "In training zeroes elements with probability p (0.5) and scales the rest by 1/(1-p); identity in evaluation.",
  { { "p", "drop probability" }, { "v1", "Torch7's old scaling (at evaluation)" }, { "inplace", "unused flag" },
    { "stochasticInference", "also drop in evaluation" } }, "nn.Dropout(0.5)", "torch.ones(6)")
method("nn.Dropout:setp", "dropout:setp(p)", "Sets the drop probability.", { { "p", "probability" } }, "nn.Dropout():setp(0.2)")
mod("SpatialDropout", "nn.SpatialDropout([p])",
  "In training drops whole planes of (C, H, W) or (N, C, H, W) with probability p (no rescaling, as Torch7).",
  { { "p", "drop probability (0.5)" } }, "nn.SpatialDropout(0.5)", "torch.ones(4, 2, 2)")

-- ---------------------------------------------------------------- more small modules (extra.lua)

mod("HardShrink", "nn.HardShrink([lambda])", "x where |x| > lambda (0.5), else 0.", { { "lambda", "threshold" } },
  "nn.HardShrink()", X)
mod("SoftShrink", "nn.SoftShrink([lambda])", "x shrunk towards 0 by lambda (0.5), 0 inside [-lambda, lambda].",
  { { "lambda", "threshold" } }, "nn.SoftShrink()", X)
mod("CMaxTable", "nn.CMaxTable()", "Element-wise maximum of a table of tensors.", {}, "nn.CMaxTable()",
  "{ torch.Tensor{ 1, 5 }, torch.Tensor{ 3, 2 } }")
mod("CMinTable", "nn.CMinTable()", "Element-wise minimum of a table of tensors.", {}, "nn.CMinTable()",
  "{ torch.Tensor{ 1, 5 }, torch.Tensor{ 3, 2 } }")
mod("CAdd", "nn.CAdd(size...)", "Adds a learnt tensor of the given size (broadcast over a batch).",
  { { "size...", "the bias's size" } }, "nn.CAdd(3)", "torch.zeros(2, 3)")
mod("MM", "nn.MM([transA, transB])", "Matrix product of a table {A, B} (batched for 3-D), optionally transposing either.",
  { { "transA", "use A^T" }, { "transB", "use B^T" } }, "nn.MM()", "{ torch.randn(2, 3), torch.randn(3, 4) }")
mod("MV", "nn.MV([trans])", "Matrix-vector product of {M, v} (batched for 3-D M).", { { "trans", "use M^T" } },
  "nn.MV()", "{ torch.randn(2, 3), torch.randn(3) }")
mod("DotProduct", "nn.DotProduct()", "Row-wise dot products of {A, B}.", {}, "nn.DotProduct()",
  "{ torch.randn(2, 3), torch.randn(2, 3) }")
mod("PairwiseDistance", "nn.PairwiseDistance(p)", "The p-norm distance between the rows of {A, B}.", { { "p", "the norm" } },
  "nn.PairwiseDistance(2)", "{ torch.randn(2, 3), torch.randn(2, 3) }")
mod("CosineDistance", "nn.CosineDistance()", "Cosine similarity of the rows of {A, B}.", {}, "nn.CosineDistance()",
  "{ torch.randn(2, 3), torch.randn(2, 3) }")
mod("GradientReversal", "nn.GradientReversal([lambda])", "Identity forward; the gradient is multiplied by -lambda (1).",
  { { "lambda", "scale" } }, "nn.GradientReversal()", X)
method("nn.GradientReversal:setLambda", "gr:setLambda(lambda)", "Sets the gradient scale.", { { "lambda", "scale" } },
  "local m = nn.GradientReversal()\nm:setLambda(0.5)\nprint(m.lambda)")
mod("ZeroGrad", "nn.ZeroGrad()", "Identity forward; zero gradient.", {}, "nn.ZeroGrad()", X)
mod("Constant", "nn.Constant(value [, nInputDim])", "Outputs a constant (repeated over a batch when nInputDim is given).",
  { { "value", "number or tensor" }, { "nInputDim", "dimensions of one sample" } }, "nn.Constant(3)", X)
mod("L1Penalty", "nn.L1Penalty(weight [, sizeAverage, provideOutput])",
  "Identity whose gradient adds weight * sign(x) (an L1 penalty on the activations; the loss is in .loss).",
  { { "weight", "penalty" }, { "sizeAverage", "divide by the size" }, { "provideOutput", "also pass gradOutput (true)" } },
  "nn.L1Penalty(0.1)", X)
mod("Index", "nn.Index(dim)", "input[1]:index(dim, input[2]) for {tensor, LongTensor}.", { { "dim", "dimension" } },
  "nn.Index(1)", "{ torch.randn(3, 2), torch.LongTensor{ 3, 1 } }")
mod("MaskedSelect", "nn.MaskedSelect()", "input[1]:maskedSelect(input[2]) for {tensor, ByteTensor mask}.", {},
  "nn.MaskedSelect()", "{ torch.randn(2, 2), torch.eye(2):byte() }")
mod("NarrowTable", "nn.NarrowTable(offset [, length])", "The sub-table of length (1) entries from offset.",
  { { "offset", "first entry" }, { "length", "count (negative: from the end)" } }, "nn.NarrowTable(2)",
  "{ torch.ones(1), torch.zeros(2) }")
mod("SpatialSoftMax", "nn.SpatialSoftMax()", "Softmax over the planes at each pixel of (C, H, W) or (N, C, H, W).", {},
  "nn.SpatialSoftMax()", "torch.randn(3, 2, 2)")
mod("SpatialLogSoftMax", "nn.SpatialLogSoftMax()", "Log-softmax over the planes at each pixel.", {},
  "nn.SpatialLogSoftMax()", "torch.randn(3, 2, 2)")
crit("MarginRankingCriterion", "nn.MarginRankingCriterion([margin])", "max(0, -y (x1 - x2) + margin) on {x1, x2}, y in {-1, 1}.",
  { { "margin", "1" } }, "nn.MarginRankingCriterion()", "{ torch.Tensor{ 1 }, torch.Tensor{ 2 } }", "torch.Tensor{ 1 }")
crit("WeightedMSECriterion", "nn.WeightedMSECriterion(w)", "MSE of the input against target .* w.", { { "w", "weights" } },
  "nn.WeightedMSECriterion(torch.Tensor{ 1, 2 })", "torch.Tensor{ 0.5, 2 }", "torch.Tensor{ 1, 1 }")

-- ---------------------------------------------------------------- criteria

local P, T = "torch.Tensor{ 0.5, 2 }", "torch.Tensor{ 1, 1 }"
local LOGP, CLS = "nn.LogSoftMax():forward(torch.Tensor{ { 1, 2, 3 } })", "torch.LongTensor{ 3 }"
crit("MSECriterion", "nn.MSECriterion([sizeAverage])", "Squared error, averaged over elements unless sizeAverage is false.",
  { { "sizeAverage", "true" } }, "nn.MSECriterion()", P, T)
crit("AbsCriterion", "nn.AbsCriterion([sizeAverage])", "Absolute error.", { { "sizeAverage", "true" } }, "nn.AbsCriterion()", P, T)
crit("SmoothL1Criterion", "nn.SmoothL1Criterion([sizeAverage])", "Huber loss: 0.5 d^2 where |d| < 1, |d| - 0.5 elsewhere.",
  { { "sizeAverage", "true" } }, "nn.SmoothL1Criterion()", P, T)
crit("ClassNLLCriterion", "nn.ClassNLLCriterion([weights, sizeAverage, ignoreIndex])",
  "Negative log-likelihood of log-probabilities (C) or (N, C) for class indices (1-based), optionally weighted.",
  { { "weights", "a tensor of C class weights" }, { "sizeAverage", "divide by the total weight (true)" },
    { "ignoreIndex", "a target to skip (-100)" } }, "nn.ClassNLLCriterion()", LOGP, CLS)
crit("CrossEntropyCriterion", "nn.CrossEntropyCriterion([weights, sizeAverage])", "LogSoftMax followed by ClassNLLCriterion.",
  { { "weights", "class weights" }, { "sizeAverage", "true" } }, "nn.CrossEntropyCriterion()", "torch.Tensor{ { 1, 2, 3 } }", CLS)
crit("BCECriterion", "nn.BCECriterion([weights, sizeAverage])", "Binary cross-entropy of probabilities (eps 1e-12 in the logs).",
  { { "weights", "per-element weights" }, { "sizeAverage", "true" } }, "nn.BCECriterion()", "torch.Tensor{ 0.2, 0.9 }", "torch.Tensor{ 0, 1 }")
crit("MarginCriterion", "nn.MarginCriterion([margin])", "Hinge loss max(0, margin - x y) for labels in {-1, 1}.",
  { { "margin", "1" } }, "nn.MarginCriterion()", P, "torch.Tensor{ 1, -1 }")
crit("SoftMarginCriterion", "nn.SoftMarginCriterion()", "Logistic loss log(1 + exp(-x y)) for labels in {-1, 1}.", {},
  "nn.SoftMarginCriterion()", P, "torch.Tensor{ 1, -1 }")
crit("MultiMarginCriterion", "nn.MultiMarginCriterion([p, weights, margin])", "Multi-class hinge loss (p 1 or 2).",
  { { "p", "1 or 2" }, { "weights", "class weights" }, { "margin", "1" } }, "nn.MultiMarginCriterion()",
  "torch.Tensor{ { 0.1, 0.8, 0.3 } }", "torch.LongTensor{ 2 }")
crit("DistKLDivCriterion", "nn.DistKLDivCriterion([sizeAverage])", "KL divergence of target probabilities from log-probabilities.",
  { { "sizeAverage", "true" } }, "nn.DistKLDivCriterion()", "torch.Tensor{ -1, -0.5 }", "torch.Tensor{ 0.3, 0.7 }")
crit("KLDivCriterion", "nn.KLDivCriterion([sizeAverage])", "The same loss as DistKLDivCriterion.",
  { { "sizeAverage", "true" } }, "nn.KLDivCriterion()", "torch.Tensor{ -1, -0.5 }", "torch.Tensor{ 0.3, 0.7 }")
crit("HingeEmbeddingCriterion", "nn.HingeEmbeddingCriterion([margin])", "x where y = 1, max(0, margin - x) where y = -1.",
  { { "margin", "1" } }, "nn.HingeEmbeddingCriterion()", P, "torch.Tensor{ 1, -1 }")
crit("CosineEmbeddingCriterion", "nn.CosineEmbeddingCriterion([margin])",
  "On {x1, x2}: 1 - cos where y = 1, max(0, cos - margin) where y = -1.", { { "margin", "0" } },
  "nn.CosineEmbeddingCriterion()", "{ torch.randn(2, 3), torch.randn(2, 3) }", "torch.Tensor{ 1, -1 }")
crit("MultiLabelSoftMarginCriterion", "nn.MultiLabelSoftMarginCriterion([weights])",
  "Binary cross-entropy of sigmoid(x) against 0/1 targets, averaged over all elements.", { { "weights", "per-class weights" } },
  "nn.MultiLabelSoftMarginCriterion()", P, "torch.Tensor{ 0, 1 }")
crit("ParallelCriterion", "nn.ParallelCriterion([repeatTarget])", "Weighted sum of criteria, criterion i on input[i] and target[i].",
  { { "repeatTarget", "use the same target for all" } }, "nn.ParallelCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion(), 0.5)",
  "{ torch.ones(2), torch.ones(2) }", "{ torch.zeros(2), torch.zeros(2) }")
method("nn.ParallelCriterion:add", "pc:add(criterion [, weight])", "Adds a member criterion with a weight (1).",
  { { "criterion", "an nn.Criterion" }, { "weight", "its weight" } }, "print(nn.ParallelCriterion():add(nn.MSECriterion(), 2))")
crit("MultiCriterion", "nn.MultiCriterion()", "Weighted sum of criteria on the same input and target.", {},
  "nn.MultiCriterion():add(nn.MSECriterion()):add(nn.AbsCriterion())", P, T)
method("nn.MultiCriterion:add", "mc:add(criterion [, weight])", "Adds a member criterion with a weight (1).",
  { { "criterion", "an nn.Criterion" }, { "weight", "its weight" } }, "print(nn.MultiCriterion():add(nn.MSECriterion(), 2))")

-- ---------------------------------------------------------------- training, checks, init, utils

D["nn.fit"] = doc("nn.fit(model, criterion, {X, y} [, opts])",
  "Trains with mini-batches and returns the history (loss and metrics per epoch).",
  { { "model", "an nn.Module" }, { "criterion", "an nn.Criterion" },
    { "{X, y}", "samples on dimension 1; or {frame, \"target column\"} with a data frame" },
    { "opts", "epochs (10), batch_size (32), optimizer (\"sgd\"), config, validation {X, y}, seed, shuffle, "
      .. "early_stopping {patience, monitor, min_delta}, callbacks, progress" } },
  PRE .. "local X = torch.randn(64, 2)\nlocal y = X:select(2, 1):gt(0):long():add(1)\n"
    .. "local m = nn.Sequential():add(nn.Linear(2, 2)):add(nn.LogSoftMax())\n"
    .. "local h = nn.fit(m, nn.ClassNLLCriterion(), { X, y }, { epochs = 3, seed = 1, config = { learningRate = 0.1 } })\n"
    .. "print(h.loss[3] < h.loss[1])",
  "The history {epoch, loss, accuracy, val_loss, val_accuracy} is what plot.learning_curve draws.\n"
    .. "A progress bar (epoch, batch, loss, speed, ETA) shows on a terminal only.")
D["nn.summary"] = doc("nn.summary(model, input_size [, opts])",
  "Prints each layer's output shape and parameter count; returns the text and the total.",
  { { "model", "an nn.Module" }, { "input_size", "one sample's size, e.g. {1, 28, 28}" }, { "opts", "print = false to only return" } },
  PRE .. "local text, n = nn.summary(nn.Sequential():add(nn.Linear(4, 3)):add(nn.Tanh()), { 4 }, { print = false })\nprint(n)")

D["nn.Jacobian.forward"] = doc("nn.Jacobian.forward(module, input [, param, perturbation])",
  "The Jacobian of the output by central finite differences (of input, or of param).",
  { { "module", "the module" }, { "input", "its input" }, { "param", "a parameter tensor" }, { "perturbation", "1e-6" } },
  PRE .. "print(nn.Jacobian.forward(nn.Tanh(), torch.zeros(2)))")
D["nn.Jacobian.backward"] = doc("nn.Jacobian.backward(module, input [, param, dparam])",
  "The Jacobian of the output by back-propagation (of input, or of param with its gradient dparam).",
  { { "module", "the module" }, { "input", "its input" }, { "param", "a parameter" }, { "dparam", "its gradient" } },
  PRE .. "print(nn.Jacobian.backward(nn.Tanh(), torch.zeros(2)))")
D["nn.Jacobian.backwardUpdate"] = doc("nn.Jacobian.backwardUpdate(module, input, param)",
  "The Jacobian of param seen through accUpdateGradParameters.",
  { { "module", "the module" }, { "input", "its input" }, { "param", "a parameter" } },
  PRE .. "local m = nn.Linear(2, 1)\nprint(nn.Jacobian.backwardUpdate(m, torch.ones(2), m.weight))")
D["nn.Jacobian.testJacobian"] = doc("nn.Jacobian.testJacobian(module, input [, minval, maxval, perturbation])",
  "Largest difference between finite-difference and back-propagated input Jacobians.",
  { { "module", "the module" }, { "input", "refilled uniformly in [minval, maxval] (-2, 2)" }, { "perturbation", "1e-6" } },
  PRE .. "print(nn.Jacobian.testJacobian(nn.Sigmoid(), torch.Tensor(3)) < 1e-6)")
D["nn.Jacobian.testJacobianParameters"] = doc("nn.Jacobian.testJacobianParameters(module, input, param, dparam [, minval, maxval, perturbation])",
  "The same check for a parameter and its gradient.",
  { { "module", "the module" }, { "input", "its input" }, { "param", "parameter" }, { "dparam", "its gradient" } },
  PRE .. "local m = nn.Linear(3, 2)\nprint(nn.Jacobian.testJacobianParameters(m, torch.Tensor(3), m.weight, m.gradWeight) < 1e-6)")
D["nn.Jacobian.testJacobianUpdateParameters"] = doc("nn.Jacobian.testJacobianUpdateParameters(module, input, param [, minval, maxval, perturbation])",
  "The same check through accUpdateGradParameters.",
  { { "module", "the module" }, { "input", "its input" }, { "param", "parameter" } },
  PRE .. "local m = nn.Linear(3, 2)\nprint(nn.Jacobian.testJacobianUpdateParameters(m, torch.Tensor(3), m.weight) < 1e-6)")
D["nn.Jacobian.testAllUpdate"] = doc("nn.Jacobian.testAllUpdate(module, input, weight, gradWeight)",
  "Checks that the four ways of updating a parameter (plain, direct, shared, shared direct) agree.",
  { { "module", "the module" }, { "input", "its input" }, { "weight", "field name" }, { "gradWeight", "its gradient's field name" } },
  PRE .. "for k, v in pairs(nn.Jacobian.testAllUpdate(nn.Linear(3, 2), torch.randn(3), \"weight\", \"gradWeight\")) do print(k, v < 1e-9) end")
D["nn.Jacobian.testIO"] = doc("nn.Jacobian.testIO(module, input [, minval, maxval])",
  "Differences of forward and backward after a save/load round trip.",
  { { "module", "the module" }, { "input", "its input" } },
  PRE .. "print(nn.Jacobian.testIO(nn.Linear(3, 2), torch.Tensor(3)))")
D["nn.Jacobian.check"] = doc("nn.Jacobian.check(module, input [, opts])",
  "One-call gradient check of the input and every parameter; returns the worst error and a report.",
  { { "module", "the module" }, { "input", "its input (kept)" }, { "opts", "perturbation (1e-6), input = false to skip the input" } },
  PRE .. "print(nn.Jacobian.check(nn.Linear(3, 2), torch.randn(4, 3)) < 1e-6)")

D["nn.init.calculate_gain"] = doc("nn.init.calculate_gain(nonlinearity [, param])", "The recommended gain of a nonlinearity.",
  { { "nonlinearity", "\"linear\", \"sigmoid\", \"tanh\", \"relu\", \"leaky_relu\"" }, { "param", "leaky slope (0.01)" } },
  PRE .. "print(nn.init.calculate_gain(\"relu\"))")
D["nn.init.xavier_uniform"] = doc("nn.init.xavier_uniform(w [, gain])", "Glorot uniform: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)).",
  { { "w", "a weight of 2+ dimensions" }, { "gain", "1" } }, PRE .. "print(nn.init.xavier_uniform(torch.Tensor(2, 3)))")
D["nn.init.xavier_normal"] = doc("nn.init.xavier_normal(w [, gain])", "Glorot normal: N(0, gain^2 2 / (fan_in + fan_out)).",
  { { "w", "a weight" }, { "gain", "1" } }, PRE .. "print(nn.init.xavier_normal(torch.Tensor(2, 3)))")
D["nn.init.kaiming_uniform"] = doc("nn.init.kaiming_uniform(w [, a, mode, nonlinearity])", "He uniform: U(-b, b), b = sqrt(3) gain / sqrt(fan).",
  { { "w", "a weight" }, { "a", "leaky slope (0)" }, { "mode", "\"fan_in\" or \"fan_out\"" }, { "nonlinearity", "\"leaky_relu\"" } },
  PRE .. "print(nn.init.kaiming_uniform(torch.Tensor(2, 3)))")
D["nn.init.kaiming_normal"] = doc("nn.init.kaiming_normal(w [, a, mode, nonlinearity])", "He normal: N(0, (gain / sqrt(fan))^2).",
  { { "w", "a weight" }, { "a", "leaky slope (0)" }, { "mode", "\"fan_in\" or \"fan_out\"" }, { "nonlinearity", "\"leaky_relu\"" } },
  PRE .. "print(nn.init.kaiming_normal(torch.Tensor(2, 3)))")
D["nn.init.apply"] = doc("nn.init.apply(model, method [, ...])", "Initialises every weight of 2+ dimensions with nn.init[method] and zeroes biases.",
  { { "model", "an nn.Module" }, { "method", "\"xavier_uniform\" ..." }, { "...", "the method's extra arguments" } },
  PRE .. "print(nn.init.apply(nn.Sequential():add(nn.Linear(3, 2)), \"kaiming_normal\"))")

D["nn.utils.new"] = doc("nn.utils.new(t, ...)", "A new tensor of t's type (the constructor's arguments).",
  { { "t", "a tensor" }, { "...", "sizes or a storage" } }, PRE .. "print(nn.utils.new(torch.FloatTensor(), 2):type())")
D["nn.utils.recursiveType"] = doc("nn.utils.recursiveType(x, typename [, cache])", "Converts tensors (in nested tables and modules) to typename.",
  { { "x", "a tensor, table or module" }, { "typename", "tensor type name" }, { "cache", "keeps shared tensors shared" } },
  PRE .. "print(nn.utils.recursiveType({ torch.ones(2) }, \"torch.FloatTensor\")[1]:type())")
D["nn.utils.recursiveResizeAs"] = doc("nn.utils.recursiveResizeAs(t1, t2)", "Gives t1 t2's structure and sizes; returns t1, t2.",
  { { "t1", "tensor or table (may be nil)" }, { "t2", "the model" } }, PRE .. "print(nn.utils.recursiveResizeAs(nil, { torch.ones(2) })[1]:size(1))")
D["nn.utils.recursiveFill"] = doc("nn.utils.recursiveFill(t, value)", "Fills every tensor of t with value.",
  { { "t", "tensor or table" }, { "value", "a number" } }, PRE .. "print(nn.utils.recursiveFill({ torch.ones(2) }, 3)[1])")
D["nn.utils.recursiveCopy"] = doc("nn.utils.recursiveCopy(t1, t2)", "Copies t2 (tensor or nested table) into t1, resizing; returns t1.",
  { { "t1", "destination (may be nil)" }, { "t2", "source" } }, PRE .. "print(nn.utils.recursiveCopy(nil, torch.ones(2)))")
D["nn.utils.recursiveAdd"] = doc("nn.utils.recursiveAdd(t1, [val,] t2)", "t1 += val * t2 for tensors or nested tables; returns t1.",
  { { "t1", "destination" }, { "val", "scale (1)" }, { "t2", "source" } }, PRE .. "print(nn.utils.recursiveAdd(torch.ones(2), 2, torch.ones(2)))")
D["nn.utils.clear"] = doc("nn.utils.clear(self, name...)", "Empties the named fields of a table (tensors to 0 elements).",
  { { "self", "a module or table" }, { "name...", "field names" } }, PRE .. "local m = nn.Tanh()\nnn.utils.clear(m, \"output\")\nprint(m.output:nElement())")
D["nn.utils.addSingletonDimension"] = doc("nn.utils.addSingletonDimension([out,] t [, dim])", "A view of t with a size-1 dimension at dim (1).",
  { { "out", "optional result tensor" }, { "t", "a tensor" }, { "dim", "position (1)" } },
  PRE .. "print(nn.utils.addSingletonDimension(torch.ones(2, 3), 2):size())")
D["nn.utils.contiguousView"] = doc("nn.utils.contiguousView(out, input, size...)", "A view of input with the given sizes (copied into out when not contiguous).",
  { { "out", "buffer (may be nil)" }, { "input", "a tensor" }, { "size...", "sizes" } },
  PRE .. "print(nn.utils.contiguousView(nil, torch.ones(2, 3):t(), 6):size())")
D["nn.utils.shape"] = doc("nn.utils.shape(x)", "A shape string for messages: \"3x4\" or \"{3x4, 2}\".",
  { { "x", "a tensor or table of tensors" } }, PRE .. "print(nn.utils.shape({ torch.ones(3, 4), torch.ones(2) }))")
D["nn.utils.image_batch"] = doc("nn.utils.image_batch(who, input [, nplanes])",
  "input as a contiguous (N, C, H, W) batch (a (C, H, W) image becomes a batch of one) and whether it was a batch.",
  { { "who", "the caller's name, for messages" }, { "input", "a 3-D or 4-D tensor" }, { "nplanes", "planes C expected (optional)" } },
  PRE .. "local x, batch = nn.utils.image_batch(\"demo\", torch.ones(3, 4, 5))\nprint(x:size(), batch)")

return { title = "Neural networks (require \"nn\" / \"moonlab.nn\")", docs = D }
