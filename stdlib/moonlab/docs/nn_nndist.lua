-- Docstrings: the distance, extra-criteria and sparse layers of moonlab.nn
-- (stdlib/moonlab/nn/distance.lua, criteria_extra.lua, sparse.lua; docs/nn.md
-- "Distance, sparse and extra criteria").
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local nn = require \"nn\"\n"

-- a module class: constructor, one forward on `input` in the example
local function mod(name, sig, summary, args, ctor, input, notes)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local m = " .. ctor .. "\nprint(m:forward(" .. input .. "))", notes)
end

-- a criterion class: loss of `input` against `target`
local function crit(name, sig, summary, args, ctor, input, target, notes)
  D["nn." .. name] = doc(sig, summary, args,
    PRE .. "local c = " .. ctor .. "\nprint(c:forward(" .. input .. (target and ", " .. target or "") .. "))", notes)
end

local function method(name, sig, summary, args, example, notes)
  D[name] = doc(sig, summary, args, PRE .. example, notes)
end

-- ---------------------------------------------------------------- distance layers

mod("Cosine", "nn.Cosine(inputSize, outputSize)",
  "Cosine similarity of the input to each row of weight (outputSize, inputSize).",
  { { "inputSize", "input features" }, { "outputSize", "number of weight rows" } },
  "nn.Cosine(3, 2)", "torch.randn(4, 3)",
  "y_j = w_j.x / ((|w_j| + 1e-12)(|x| + 1e-12)); input (inputSize) or (N, inputSize).")
mod("Euclidean", "nn.Euclidean(inputSize, outputSize)",
  "Euclidean distance of the input to each template, the columns of weight (inputSize, outputSize).",
  { { "inputSize", "input features" }, { "outputSize", "number of templates" } },
  "nn.Euclidean(3, 2)", "torch.randn(4, 3)",
  "Gradients divide by the distance plus 1e-7 (Torch7's guard).  fastBackward = false recomputes the output in backward.")
mod("WeightedEuclidean", "nn.WeightedEuclidean(inputSize, outputSize)",
  "Distance |c_j .* (x - w_j)| to templates w_j with diagonal scales c_j (diagCov), both (inputSize, outputSize).",
  { { "inputSize", "input features" }, { "outputSize", "number of templates" } },
  "nn.WeightedEuclidean(3, 2)", "torch.randn(4, 3)",
  "parameters() returns {weight, diagCov}; diagCov starts at 1.")
mod("Kmeans", "nn.Kmeans(k, dim [, scale])",
  "Online hard k-means as a layer: forward gives each row's nearest centroid, backward the centroid update.",
  { { "k", "number of clusters" }, { "dim", "features" }, { "scale", "update scale (overrides backward's scale)" } },
  "nn.Kmeans(2, 3)", "torch.randn(5, 3)",
  "weight (k, dim) holds the centroids; forward sets m.loss (sum of squared distances).  weight:add(-1, gradWeight) "
    .. "after backward moves each centroid to the mean of its rows (scale 1).")
method("nn.Kmeans:initRandom", "kmeans:initRandom(input)", "Sets each centroid to a row of input drawn at random.",
  { { "input", "(N, dim), N >= k" } }, "local m = nn.Kmeans(2, 3)\nm:initRandom(torch.randn(6, 3))\nprint(m.weight)",
  "Rows are drawn with replacement, as Torch7's.")
method("nn.Kmeans:initKmeansPlus", "kmeans:initKmeansPlus(input [, p])",
  "k-means++ seeding: each next centroid drawn among the ceil((1 - p) N) rows farthest from those chosen.",
  { { "input", "(N, dim)" }, { "p", "fraction of rows excluded (0.95)" } },
  "local m = nn.Kmeans(2, 3)\nm:initKmeansPlus(torch.randn(20, 3))\nprint(m.weight)")

-- ---------------------------------------------------------------- criteria

crit("L1Cost", "nn.L1Cost()", "The L1 norm of the input, sum |x| (no target); gradient sign(x).", {},
  "nn.L1Cost()", "torch.Tensor{1, -2, 3}", nil)
crit("DistanceRatioCriterion", "nn.DistanceRatioCriterion([sizeAverage])",
  "Triplet loss on {X, Y}: mean of -log(exp(-X) / (exp(-X) + exp(-Y))) for distances X (similar) and Y (dissimilar).",
  { { "sizeAverage", "divide by N (true)" } }, "nn.DistanceRatioCriterion()",
  "{ torch.Tensor{0.5, 1}, torch.Tensor{2, 3} }", nil, "No target; backward(input) returns {dX, dY}.")
crit("ClassSimplexCriterion", "nn.ClassSimplexCriterion(nClasses)",
  "MSECriterion between the input and the regular-simplex vertex of the target class.",
  { { "nClasses", "number of classes (> 1)" } }, "nn.ClassSimplexCriterion(3)", "torch.Tensor{0.5, 0.2, 0}", "2",
  "Input (nClasses) with a class number, or (N, nClasses) with a 1D tensor of classes; the vertices are the rows of c.simplex.")
method("nn.ClassSimplexCriterion:getPredictions", "criterion:getPredictions(input)",
  "Scores (N, nClasses): the input times each class vertex.", { { "input", "(nClasses) or (N, nClasses)" } },
  "local c = nn.ClassSimplexCriterion(3)\nprint(c:getPredictions(c.simplex[2]))")
method("nn.ClassSimplexCriterion:getTopPrediction", "criterion:getTopPrediction(input)",
  "The best class of each row (LongTensor (N)).", { { "input", "(nClasses) or (N, nClasses)" } },
  "local c = nn.ClassSimplexCriterion(3)\nprint(c:getTopPrediction(c.simplex))")
crit("SpatialClassNLLCriterion", "nn.SpatialClassNLLCriterion([weights [, sizeAverage]])",
  "ClassNLLCriterion at every pixel: log-probabilities (N, C, H, W) against classes (N, H, W).",
  { { "weights", "class weights (C) (all 1)" }, { "sizeAverage", "divide by the total weight (true)" } },
  "nn.SpatialClassNLLCriterion()", "torch.randn(1, 3, 2, 2)", "torch.Tensor{{{1, 2}, {3, 1}}}:view(1, 2, 2)",
  "Also (C, H, W) with (H, W).  forward returns the loss and the total weight.")
crit("SpatialAutoCropMSECriterion", "nn.SpatialAutoCropMSECriterion([sizeAverage])",
  "MSECriterion between an input (N, C, h, w) and the centre h x w crop of a larger target (N, C, H, W).",
  { { "sizeAverage", "divide by the number of elements (true)" } }, "nn.SpatialAutoCropMSECriterion()",
  "torch.ones(1, 2, 2)", "torch.zeros(1, 4, 3)",
  "The crop starts at row 1 + floor((H - h) / 2) and column 1 + floor((W - w) / 2); also (C, h, w) inputs.")

-- ---------------------------------------------------------------- sparse layers

mod("SparseLinear", "nn.SparseLinear(inputSize, outputSize [, doGradInput])",
  "y = W x + b for a sparse x given as (nnz, 2) rows {index, value}; a batch is a table of them.",
  { { "inputSize", "input features" }, { "outputSize", "outputs" }, { "doGradInput", "compute gradInput (false)" } },
  "nn.SparseLinear(10, 2)", "torch.Tensor{{1, 0.5}, {7, -1}}",
  "weight (outputSize, inputSize).  A (N, nnz, 2) tensor is Torch7's legacy batch.  gradInput (doGradInput) is dense: "
    .. "{index, value} rows over 1..inputSize per sample.  After one backward since zeroGradParameters, "
    .. "updateParameters and zeroGradParameters touch only the columns of that input.")
mod("IndexLinear", "nn.IndexLinear(inputSize, outputSize [, doGradInput, keysOffset, weight, bias])",
  "z = W' x + b for sparse x given as keys (LongTensor) and values; weight (inputSize, outputSize).",
  { { "inputSize", "number of features" }, { "outputSize", "outputs" }, { "doGradInput", "compute gradInput (false)" },
    { "keysOffset", "keys lie in [1 + keysOffset, inputSize + keysOffset] (0)" },
    { "weight", "an existing (inputSize, outputSize) weight" }, { "bias", "an existing bias" } },
  "nn.IndexLinear(10, 2):reset()", "{ torch.LongTensor{1, 7}, torch.Tensor{0.5, -1} }",
  "Inputs: {keys, values} (one sample), {{keys...}, {values...}} or {flatKeys, flatValues, sizes} (a batch).  "
    .. "The weight starts at zero (Torch7's).  Row gradients accumulate sparsely until updateParameters; "
    .. "normalize = true (max-normalisation) is not supported.")
mod("PartialLinear", "nn.PartialLinear(inputSize, outputSize [, bias])",
  "A Linear whose output can be restricted to some units (setPartition), keeping all parameters.",
  { { "inputSize", "input features" }, { "outputSize", "outputs" }, { "bias", "with a bias (true)" } },
  "nn.PartialLinear(3, 4):setPartition(torch.Tensor{2, 4})", "torch.randn(2, 3)",
  "Input (N, inputSize).  The weight is m.network:get(1):get(2).weight (outputSize, inputSize), as Torch7's.")
method("nn.PartialLinear:setPartition", "partiallinear:setPartition(indices)",
  "Restricts the output to the units listed (1..outputSize); returns self.", { { "indices", "1D tensor of units" } },
  "local m = nn.PartialLinear(3, 4):setPartition(torch.Tensor{1, 3})\nprint(m:forward(torch.ones(1, 3)):size())")
method("nn.PartialLinear:resetPartition", "partiallinear:resetPartition()", "Restores all output units; returns self.", {},
  "local m = nn.PartialLinear(3, 4):setPartition(torch.Tensor{1})\nprint(m:resetPartition():forward(torch.ones(1, 3)):size())")

-- ---------------------------------------------------------------- SparseJacobian

local SJ_EX = "local m = nn.PartialLinear(3, 2)\nlocal x = torch.randn(4, 3)\n"
method("nn.SparseJacobian.forward", "nn.SparseJacobian.forward(module, input [, param])",
  "The Jacobian by central differences over column 2 of a 2D input (the values of {index, value} rows), or over param.",
  { { "module", "a module" }, { "input", "(N, >= 2) tensor" }, { "param", "a parameter tensor" } },
  SJ_EX .. "print(nn.SparseJacobian.forward(m, x):size())")
method("nn.SparseJacobian.backward", "nn.SparseJacobian.backward(module, input [, param, dparam])",
  "The Jacobian by back-propagation over column 2 of input (or of param with its gradient dparam).",
  { { "module", "a module" }, { "input", "(N, >= 2) tensor" }, { "param", "parameter" }, { "dparam", "its gradient" } },
  SJ_EX .. "print(nn.SparseJacobian.backward(m, x):size())")
method("nn.SparseJacobian.backwardUpdate", "nn.SparseJacobian.backwardUpdate(module, input, param)",
  "param after accUpdateGradParameters (lr 1) for each unit output gradient, as columns.",
  { { "module", "a module" }, { "input", "the input" }, { "param", "a parameter" } },
  SJ_EX .. "print(nn.SparseJacobian.backwardUpdate(m, x, m.bias):size())")
method("nn.SparseJacobian.forwardUpdate", "nn.SparseJacobian.forwardUpdate(module, input, param)",
  "What backwardUpdate should give: param minus its finite-difference Jacobian.",
  { { "module", "a module" }, { "input", "the input" }, { "param", "a parameter" } },
  SJ_EX .. "print(nn.SparseJacobian.forwardUpdate(m, x, m.bias):size())")
method("nn.SparseJacobian.testJacobian", "nn.SparseJacobian.testJacobian(module, input [, minval, maxval])",
  "Refills column 2 of input uniformly and returns max |finite differences - backward|.",
  { { "module", "a module" }, { "input", "(N, >= 2)" }, { "minval", "(-2)" }, { "maxval", "(2)" } },
  SJ_EX .. "print(nn.SparseJacobian.testJacobian(m, x) < 1e-5)")
method("nn.SparseJacobian.testJacobianParameters",
  "nn.SparseJacobian.testJacobianParameters(module, input, param, dparam [, minval, maxval])",
  "Max error of the parameter Jacobian (param refilled uniformly).",
  { { "module", "a module" }, { "input", "(N, >= 2)" }, { "param", "parameter" }, { "dparam", "its gradient" },
    { "minval", "(-2)" }, { "maxval", "(2)" } },
  SJ_EX .. "print(nn.SparseJacobian.testJacobianParameters(m, x, m.bias, m.gradBias) < 1e-5)")
method("nn.SparseJacobian.testJacobianUpdateParameters",
  "nn.SparseJacobian.testJacobianUpdateParameters(module, input, param [, minval, maxval])",
  "Max error between backwardUpdate and forwardUpdate.",
  { { "module", "a module" }, { "input", "(N, >= 2)" }, { "param", "parameter" }, { "minval", "(-2)" }, { "maxval", "(2)" } },
  SJ_EX .. "print(nn.SparseJacobian.testJacobianUpdateParameters(m, x, m.bias) < 1e-5)")
method("nn.SparseJacobian.testIO", "nn.SparseJacobian.testIO(module, input [, minval, maxval])",
  "Forward and gradInput differences after a save/load round trip (both 0 when serialisation is right).",
  { { "module", "a module" }, { "input", "the input" }, { "minval", "(-2)" }, { "maxval", "(2)" } },
  SJ_EX .. "print(nn.SparseJacobian.testIO(m, x))")

return { title = "Neural networks: distance, sparse and extra criteria", docs = D }
