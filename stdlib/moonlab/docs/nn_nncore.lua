-- Docstrings: moonlab.nn's core extras (stdlib/moonlab/nn/core_extra.lua,
-- hessian.lua; docs/nn.md "Decorators, weight normalisation, Hessians"):
-- nn.Decorator, NaN, Profile, DontCast, Convert, WeightNorm,
-- LinearWeightNorm, the nn.hessian extension and nn.Jacobian's Hessian checks.
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

-- ---------------------------------------------------------------- decorators

mod("Decorator", "nn.Decorator(module)", "A container of one module that hands every call to it (the base of NaN, Profile ...).",
  { { "module", "the nn.Module to wrap (also modules[1])" } }, "nn.Decorator(nn.Linear(3, 2))", "torch.ones(3)")
method("nn.Decorator:decorate", "nn.Decorator.decorate(class)",
  "Copies Decorator's forwarding methods onto another class (for a class that inherits from something else).",
  { { "class", "a class table made by torch.class" } },
  "local C = {}\nnn.Decorator.decorate(C)\nprint(C.updateOutput == nn.Decorator.updateOutput)")

mod("NaN", "nn.NaN(module [, id])",
  "Runs module; raises an error when its output, gradInput or parameter gradients contain a NaN, saying whether the input, parameters or gradOutput had one.",
  { { "module", "the module to watch" }, { "id", "a label for messages (default: 1, 2, ... per NaN made)" } },
  "nn.NaN(nn.Linear(3, 2))", "torch.ones(3)", "Error message: \"nn.NaN: NaN found in input of module nn.NaN(1) @ nn.Linear(3 -> 2)\".")
method("nn.NaN:newId", "nn.NaN.newId()", "The next automatic id (1, 2, ...).", {}, "print(nn.NaN.newId() > 0)")
method("nn.NaN:recursiveIsNaN", "nan:recursiveIsNaN(x)", "True when the tensor or nested table of tensors x holds a NaN.",
  { { "x", "a tensor or table of tensors" } },
  "local m = nn.NaN(nn.Identity())\nprint(m:recursiveIsNaN({ torch.Tensor{1, 0/0} }), m:recursiveIsNaN(torch.ones(2)))")

mod("Profile", "nn.Profile(module [, print_interval, name])",
  "Runs module and prints, every print_interval forward (and backward) passes, the seconds they took.",
  { { "module", "the module to time" }, { "print_interval", "passes between reports (100)" },
    { "name", "label in the report (the module's type)" } },
  "nn.Profile(nn.Linear(3, 2), 1, \"fc\")", "torch.ones(3)", "Prints e.g. \"fc took 0.000 seconds for 1 forward passes\".")

mod("DontCast", "nn.DontCast(module [, castin, castout, moduleType])",
  "Keeps module's tensor type when the network is converted (:float(), :type()); with castin/castout, copies inputs to the module's type and outputs back.",
  { { "module", "the module whose type is kept" },
    { "castin", "copy inputs of another type to moduleType (and gradInput back)" },
    { "castout", "copy outputs to this decorator's type (default castin)" },
    { "moduleType", "the module's tensor type (default: from its output or parameters)" } },
  "nn.DontCast(nn.Linear(3, 2):float(), true)", "torch.ones(3)",
  "Errors: \"nn.DontCast: cannot tell the module's tensor type\" when moduleType cannot be found.")

mod("Convert", "nn.Convert([inputShape, outputShape])",
  "Converts between data layouts named by letters ('bchw' -> 'chwb' transposes, 'bchw' -> 'bf' flattens samples) and to the module's tensor type.",
  { { "inputShape", "letters of the input's axes, b the batch (without b: a non-batch input); default 'b*'" },
    { "outputShape", "letters of the output's axes ('bf', 'b', 'bt' or a permutation); default inputShape" } },
  "nn.Convert(\"bchw\", \"bf\")", "torch.ones(2, 3, 2, 2)",
  "nn.Convert() alone converts the input to the module's type (after :float(), Double inputs become Float).")
method("nn.Convert:findAxis", "convert:findAxis(letter [, shape, silent])", "The position of an axis letter in shape (default the input shape).",
  { { "letter", "an axis letter" }, { "shape", "a shape string" }, { "silent", "return nil instead of raising" } },
  "print(nn.Convert(\"bchw\", \"bf\"):findAxis(\"h\"))")
method("nn.Convert:transpose", "convert:transpose(newShape)", "The nn.Transpose taking the input's axes to newShape's order.",
  { { "newShape", "a permutation of the input shape's letters" } }, "print(nn.Convert(\"bchw\", \"bhwc\"):transpose(\"bhwc\"))")
method("nn.Convert:bf", "convert:bf(input)", "The module flattening each sample of input to a feature vector.",
  { { "input", "a batch input" } }, "print(nn.Convert(\"bchw\", \"bf\"):bf(torch.ones(2, 3, 2, 2)))")
method("nn.Convert:b", "convert:b(input)", "The module keeping one value per sample (from 'bt' or a one-feature 'bf').",
  { { "input", "a batch input" } }, "print(nn.Convert(\"bf\", \"b\"):b(torch.ones(4, 1)))")
method("nn.Convert:bt", "convert:bt()", "The module turning a 'b' vector into a (b, 1) target batch.", {},
  "print(nn.Convert(\"b\", \"bt\"):forward(torch.ones(3)):size())")
method("nn.Convert:default", "convert:default()", "nn.Identity(): the data as it is.", {}, "print(nn.Convert():default())")
method("nn.Convert:buildConverter", "convert:buildConverter(input)", "Makes the inner module (modules[1]) for input's shape; forward calls it once.",
  { { "input", "a batch input" } },
  "local c = nn.Convert(\"bchw\", \"bf\")\nc:buildConverter(torch.ones(2, 3, 2, 2))\nprint(c.converter)")

-- ---------------------------------------------------------------- weight normalisation

mod("WeightNorm", "nn.WeightNorm(module [, outputDim])",
  "Weight normalisation of a module with a weight: w = g * v / ||v|| per slice along outputDim; the parameters become v, g (and the module's bias).",
  { { "module", "a module with a weight (Linear, convolutions, Euclidean ...)" },
    { "outputDim", "the weight's dimension of the outputs (1)" } },
  "nn.WeightNorm(nn.Linear(3, 2))", "torch.ones(3)",
  "||v|| is sqrt(sum v^2 + 1e-4).  In training the weight is recomputed at every forward; evaluate() fixes it.")
method("nn.WeightNorm:updateWeight", "wn:updateWeight()", "Recomputes the module's weight from v and g.", {},
  "local m = nn.WeightNorm(nn.Linear(3, 2))\nm.g:fill(2)\nm:updateWeight()\nprint(m.modules[1].weight:norm(2, 2))")
method("nn.WeightNorm:resetInit", "wn:resetInit()", "Draws v from N(0, 2 / fan-in), sets g = ||v|| and the bias to 0.", {},
  "local m = nn.WeightNorm(nn.Linear(3, 2))\nm:resetInit()\nprint(m.g)")

mod("LinearWeightNorm", "nn.LinearWeightNorm(inputSize, outputSize [, bias, eps])",
  "nn.Linear with a weight-normalised weight g * v / ||v|| (per output); parameters v, g (outputSize x 1) and bias.",
  { { "inputSize", "input features" }, { "outputSize", "output features" }, { "bias", "false: no bias" },
    { "eps", "lower bound of ||v|| (1e-16)" } },
  "nn.LinearWeightNorm(3, 2)", "torch.ones(3)")
method("nn.LinearWeightNorm:fromLinear", "nn.LinearWeightNorm.fromLinear(linear)", "The same layer as a LinearWeightNorm (same outputs).",
  { { "linear", "an nn.Linear" } }, "print(nn.LinearWeightNorm.fromLinear(nn.Linear(3, 2)))")
method("nn.LinearWeightNorm:toLinear", "lwn:toLinear()", "An nn.Linear with the current weight and bias.", {},
  "print(nn.LinearWeightNorm(3, 2):toLinear())")
method("nn.LinearWeightNorm:initFromWeight", "lwn:initFromWeight([weight])", "Sets v = weight and g = its row norms.",
  { { "weight", "an (outputSize, inputSize) tensor (default self.weight)" } },
  "local m = nn.LinearWeightNorm(3, 2)\nm:initFromWeight(torch.ones(2, 3))\nprint(m.g)")
method("nn.LinearWeightNorm:updateWeightMatrix", "lwn:updateWeightMatrix()", "Recomputes weight = g * v / ||v|| row by row.", {},
  "local m = nn.LinearWeightNorm(3, 2)\nm.g:fill(1)\nm:updateWeightMatrix()\nprint(m.weight:norm(2, 2))")

-- ---------------------------------------------------------------- hessian

D["nn.hessian"] = doc("nn.hessian", "Torch7's diagonal-Hessian extension (Becker and LeCun's Gauss-Newton diagonal).", {},
  PRE .. "nn.hessian.enable()\nprint(nn.Linear(2, 1).updateDiagHessianInput ~= nil)")
D["nn.hessian.enable"] = doc("nn.hessian.enable()",
  "Turns on Torch7's diagonal-Hessian extension: modules gain updateDiagHessianInput, accDiagHessianParameters and initDiagHessianParameters; parameters() and getParameters() return the Hessians third.",
  {}, PRE .. "nn.hessian.enable()\nlocal m = nn.Linear(3, 2)\nm:initDiagHessianParameters()\nlocal x = torch.ones(4, 3)\nm:forward(x)\nprint(m:updateDiagHessianInput(x, torch.ones(4, 2)))",
  "module:updateDiagHessianInput(input, diagHessianOutput) returns the diagonal Hessian of the loss with respect to input (given the one with respect to the output); module:accDiagHessianParameters(input, diagHessianOutput) adds the parameters' to diagHessianWeight/diagHessianBias; module:initDiagHessianParameters() makes those.  Covered: Linear, SpatialConvolution (and its variants), Tanh, Sigmoid, Square, Sqrt, Reshape, View, Sequential, MSECriterion, WeightedMSECriterion.  The estimate is Becker and LeCun's Gauss-Newton diagonal; other modules raise \"<type>:updateDiagHessianInput() is undefined\".")
for _, name in ipairs { "updateDiagHessianInput", "accDiagHessianParameters", "initDiagHessianParameters",
                        "updateDiagHessianInputPointWise" } do
  D["nn.hessian." .. name] = doc("nn.hessian." .. name .. "(module, input, ...)",
    "The helper behind module:" .. (name:gsub("PointWise", "")) .. " (for writing the extension of a new layer; see hessian.lua).",
    { { "module", "the module" }, { "input", "its input" } },
    PRE .. "print(type(nn.hessian." .. name .. "))")
end

D["nn.Jacobian.backwardDiagHessian"] = doc("nn.Jacobian.backwardDiagHessian(module, input, name)",
  "The diagonal Hessian of sum(output^2)/2 with respect to the input or a parameter, by the hessian extension.",
  { { "module", "a module with the extension" }, { "input", "the input" },
    { "name", "\"diagHessianInput\", \"diagHessianWeight\" or \"diagHessianBias\"" } },
  PRE .. "nn.hessian.enable()\nlocal m = nn.Linear(2, 2)\nm:initDiagHessianParameters()\nprint(nn.Jacobian.backwardDiagHessian(m, torch.ones(2), \"diagHessianInput\"))")
D["nn.Jacobian.linearModuleDiagHessian"] = doc("nn.Jacobian.linearModuleDiagHessian(module, input, gradName)",
  "The same diagonal from first derivatives (sum over outputs of the squared gradient), exact for modules linear in input and weights.",
  { { "module", "a module" }, { "input", "the input" }, { "gradName", "\"gradInput\", \"gradWeight\" or \"gradBias\"" } },
  PRE .. "local m = nn.Linear(2, 2)\nprint(nn.Jacobian.linearModuleDiagHessian(m, torch.ones(2), \"gradInput\"))")
D["nn.Jacobian.testDiagHessian"] = doc("nn.Jacobian.testDiagHessian(module, input, gradName, hessianName [, minval, maxval])",
  "Max difference of the two diagonal Hessians above (input refilled uniformly in [minval, maxval]).",
  { { "module", "a module with the extension" }, { "input", "an input tensor (overwritten)" },
    { "gradName", "\"gradInput\" ..." }, { "hessianName", "\"diagHessianInput\" ..." } },
  PRE .. "nn.hessian.enable()\nprint(nn.Jacobian.testDiagHessian(nn.Linear(3, 2), torch.Tensor(3), \"gradInput\", \"diagHessianInput\") < 1e-10)")
for _, w in ipairs { "Input", "Weight", "Bias" } do
  D["nn.Jacobian.testDiagHessian" .. w] = doc("nn.Jacobian.testDiagHessian" .. w .. "(module, input [, minval, maxval])",
    "testDiagHessian for the " .. w:lower() .. ".",
    { { "module", "a module with the extension" }, { "input", "an input tensor (overwritten)" } },
    PRE .. "nn.hessian.enable()\nprint(nn.Jacobian.testDiagHessian" .. w .. "(nn.Linear(3, 2), torch.Tensor(4, 3)) < 1e-10)")
end

return { title = "Neural networks: decorators, weight normalisation, diagonal Hessians", docs = D }
