-- Docstrings: the table, container and extra layers of moonlab.nn
-- (stdlib/moonlab/nn/tables.lua, stdlib/moonlab/nn/layers_extra.lua;
-- docs/nn.md, section "Table modules and extra layers"), and torch.view,
-- whose function form was added for Torch7's nn test suite.
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

-- ------------------------------------------------------------ tables.lua

mod("Bottle", "nn.Bottle(module [, nInputDim [, nOutputDim]])",
  "Applies module to inputs with extra leading dims: they are folded into the first, then unfolded in the output.",
  { { "module", "takes nInputDim-dim inputs" }, { "nInputDim", "dims module expects (2)" },
    { "nOutputDim", "dims module returns (nInputDim)" } },
  "nn.Bottle(nn.Linear(4, 2))", "torch.randn(3, 5, 4)",
  "A (3, 5, 4) input goes through Linear as (15, 4) and comes out as (3, 5, 2).")
mod("MapTable", "nn.MapTable(module [, shared])",
  "Applies module to every entry of a table, through clones made on demand.",
  { { "module", "the module to map" }, { "shared", "clones share weight, bias and their gradients (true)" } },
  "nn.MapTable(nn.Linear(3, 2))", "{ torch.randn(3), torch.randn(3) }",
  "With shared parameters an update through any clone (or the module) is seen by all; saving keeps the sharing.")
method("nn.MapTable:add", "mapTable:add(module)", "Sets the mapped module (a MapTable holds exactly one).",
  { { "module", "an nn.Module" } }, "local m = nn.MapTable():add(nn.Tanh())\nprint(m:forward({ torch.zeros(2) })[1])")
method("nn.MapTable:resize", "mapTable:resize(n)", "Keeps exactly n clones (making or dropping them).",
  { { "n", "number of clones" } }, "local m = nn.MapTable(nn.Linear(3, 2)):resize(4)\nprint(m:size())")
mod("DepthConcat", "nn.DepthConcat(dim)",
  "Concat whose children's outputs may differ in the other dims: each is centred in the largest size, zero padded.",
  { { "dim", "the dimension joined" } },
  "nn.DepthConcat(1):add(nn.SpatialConvolution(1, 2, 1, 1)):add(nn.SpatialConvolution(1, 1, 3, 3))",
  "torch.ones(1, 4, 4)")
method("nn.DepthConcat:windowNarrow", "depthConcat:windowNarrow(t, size, offset)",
  "The view of t (shaped like the output) where a child output of the given size sits, at offset along dim.",
  { { "t", "the output or gradOutput" }, { "size", "the child output's size (LongStorage) or the output itself" },
    { "offset", "its first index along dim" } },
  "local m = nn.DepthConcat(1):add(nn.Identity()):add(nn.Narrow(2, 2, 1))\nlocal y = m:forward(torch.ones(1, 3))\n"
  .. "print(m:windowNarrow(y, torch.LongStorage{1, 1}, 2))")
mod("MixtureTable", "nn.MixtureTable([dim])",
  "Mixture of experts: {gater, experts} -> sum_i gater[i] * expert_i.",
  { { "dim", "the experts' dim when they come as one tensor (1, or 2 with a batch)" } },
  "nn.MixtureTable()", "{ torch.Tensor{0.25, 0.75}, { torch.ones(3), torch.zeros(3) } }",
  "gater is (n) or (B, n); experts a table of n tensors, or one tensor with the n experts along dim.")
mod("FlattenTable", "nn.FlattenTable()", "A nested table of tensors becomes a flat table, depth first (by reference).",
  {}, "nn.FlattenTable()", "{ torch.ones(1), { torch.ones(2), { torch.ones(3) } } }")
mod("ZipTable", "nn.ZipTable()", "{{a1, a2}, {b1, b2}} -> {{a1, b1}, {a2, b2}} (by reference).",
  {}, "nn.ZipTable()", "{ { torch.ones(1), torch.zeros(1) }, { torch.ones(2), torch.zeros(2) } }")
mod("ZipTableOneToMany", "nn.ZipTableOneToMany()", "{v, {a, b}} -> {{v, a}, {v, b}}; v's gradient is the sum.",
  {}, "nn.ZipTableOneToMany()", "{ torch.ones(2), { torch.zeros(1), torch.zeros(3) } }")
mod("CAddTensorTable", "nn.CAddTensorTable()", "{v, {a, b}} -> {v + a, v + b}.",
  {}, "nn.CAddTensorTable()", "{ torch.ones(2), { torch.range(1, 2), torch.range(3, 4) } }")

-- ------------------------------------------------------ layers_extra.lua

mod("Collapse", "nn.Collapse(nInputDim)",
  "Flattens a sample of nInputDim dims to a vector; with more dims the first is a batch: (B, ...) -> (B, n).",
  { { "nInputDim", "dims of one sample" } }, "nn.Collapse(2)", "torch.ones(4, 2, 3)")
mod("GatedLinearUnit", "nn.GatedLinearUnit([dim])",
  "GLU: splits the input in halves a, b along dim (the last by default) and returns a * sigmoid(b).",
  { { "dim", "the split dimension (its size must be even)" } }, "nn.GatedLinearUnit()", "torch.Tensor{{1, 2, 0, 0}}")
mod("CReLU", "nn.CReLU(nInputDims [, inplace])",
  "Concatenated ReLU: max(x, 0) and max(-x, 0) joined along the feature dim (dim 2 in batch mode).",
  { { "nInputDims", "dims of one sample (a batch has one more)" }, { "inplace", "Torch7's flag; the input is kept" } },
  "nn.CReLU(1)", "torch.Tensor{-1, 2}")
mod("PixelShuffle", "nn.PixelShuffle(r)",
  "Sub-pixel shuffle: (B, C*r*r, H, W) -> (B, C, H*r, W*r), also without the batch dim.",
  { { "r", "upscale factor" } }, "nn.PixelShuffle(2)", "torch.range(1, 4):view(4, 1, 1)")
mod("OneHot", "nn.OneHot(outputSize)",
  "Class indices (a number or a tensor of any shape, values 1..outputSize) -> one-hot vectors along a new last dim.",
  { { "outputSize", "number of classes" } }, "nn.OneHot(4)", "torch.LongTensor{2, 4}")
mod("WhiteNoise", "nn.WhiteNoise([mean [, std]])",
  "In training adds Gaussian noise N(mean, std^2) (0, 0.1); in evaluation adds mean only.",
  { { "mean", "noise mean (0)" }, { "std", "noise standard deviation (0.1)" } }, "nn.WhiteNoise(0, 0.01)", "torch.zeros(3)",
  "Draws from torch's generator: torch.manualSeed makes it repeatable.  backward raises in evaluation mode.")
mod("RReLU", "nn.RReLU([lower [, upper [, inplace]]])",
  "Randomized leaky ReLU: x for x > 0, a * x else; a ~ U(lower, upper) per element in training, (lower+upper)/2 in evaluation.",
  { { "lower", "least slope (1/8)" }, { "upper", "largest slope (1/3)" }, { "inplace", "overwrite the input (false)" } },
  "nn.RReLU():evaluate()", "torch.Tensor{-2, 3}",
  "Draws from torch's generator: torch.manualSeed makes it repeatable.")
D["nn.ModuleCriterion"] = doc("nn.ModuleCriterion(criterion [, inputModule [, targetModule [, castTarget]]])",
  "criterion applied to inputModule(input) and targetModule(target); the gradient flows back through inputModule.",
  { { "criterion", "an nn.Criterion" }, { "inputModule", "applied to the input (optional)" },
    { "targetModule", "applied to the target (optional)" }, { "castTarget", ":type() converts targetModule (true)" } },
  PRE .. "local c = nn.ModuleCriterion(nn.MSECriterion(), nn.Tanh())\nprint(c:forward(torch.zeros(2), torch.ones(2)))",
  "inputModule's parameters get gradients but are not updated by the criterion.")

-- ------------------------------------------------------------ torch.view

D["torch.view"] = doc("torch.view([res,] x, sizes...)",
  "A view of x with another shape (Torch7's function form of x:view); with res, res becomes that view.",
  { { "res", "optional tensor set to the view" }, { "x", "the tensor" }, { "sizes", "numbers (one may be -1) or a LongStorage" } },
  "print(torch.view(torch.range(1, 6), 2, 3))")

return { title = "Neural networks: table modules and extra layers", docs = D }
