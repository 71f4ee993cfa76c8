-- Docstrings: moonlab.autograd (stdlib/moonlab/autograd/*.lua; docs/autograd.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local autograd = require \"moonlab.autograd\"\nlocal A = autograd.torch\n"

D["moonlab.autograd"] = doc("autograd = require \"moonlab.autograd\"; df = autograd(f [, opts])",
  "Reverse-mode automatic differentiation: df(params, ...) returns the gradients of f's scalar loss, the loss, and f's extra results.",
  { { "f", "f(params, ...) -> loss [, extra ...]; loss a number or a 1-element tensor" },
    { "params", "(of df) a tensor or a nested table of Float/Double tensors; grads has its shape" },
    { "opts.argnum", "which argument of df holds the parameters (default 1)" },
    { "opts.optimize", "accepted for torch-autograd code; the tape is always recorded afresh" } },
  PRE .. "local f = function(p, x) return A.sum(A.tanh(x * p.W:t() + p.b)) end\n"
    .. "local grads, loss = autograd(f)({W = torch.randn(3, 4), b = torch.zeros(3)}, torch.randn(5, 4))\n"
    .. "print(grads.W, grads.b, loss)",
  "While f runs, torch.*, math.exp/log/sqrt/abs/sin/cos and the tensor operators accept autograd\n"
    .. "values; methods of autograd values return new values (never in place). Unsupported ops raise\n"
    .. "\"autograd: torch.<name> is not supported on autograd values\".")

D["moonlab.autograd.gradcheck"] = doc("autograd.gradcheck(f, params, ...)",
  "Compares autograd's gradient of f with central finite differences; returns ok, maxerr, worst.",
  { { "f", "the function, as for autograd(f)" }, { "params", "Double tensors (perturbed in place, restored)" },
    { "...", "the other arguments of f" } },
  PRE .. "local ok, err = autograd.gradcheck(function(p) return A.sum(A.exp(p.x)) end, {x = torch.randn(3)})\nprint(ok, err)",
  "err = |analytic - numeric| / max(|analytic|, |numeric|, 1) per element, step 1e-6; ok when\n"
    .. "the largest is below 1e-6; worst = {path, index, analytic, numeric}.")
D["moonlab.autograd.value"] = doc("autograd.value(x)",
  "The plain tensor or number held by an autograd value (x itself otherwise).",
  { { "x", "any value" } },
  PRE .. "autograd(function(p) print(autograd.value(p.x)) return A.sum(p.x) end)({x = torch.ones(2)})")
D["moonlab.autograd.isvalue"] = doc("autograd.isvalue(x)", "True when x is an autograd value recorded on a tape.",
  { { "x", "any value" } },
  PRE .. "autograd(function(p) print(autograd.isvalue(p.x)) return A.sum(p.x) end)({x = torch.ones(2)})")
D["moonlab.autograd.torch"] = doc("autograd.torch",
  "The differentiable tensor functions; each also works on plain tensors and numbers.",
  {}, PRE .. "local names = {}\nfor k in pairs(A) do names[#names + 1] = k end\ntable.sort(names)\nprint(table.concat(names, \" \"))",
  "Installed over torch.* while f runs, and available as methods of autograd values.")
D["moonlab.autograd.functional"] = doc("autograd.functional",
  "Differentiable nn functional forms: softmax, log_softmax, nll_loss, cross_entropy, mse_loss, bce_loss, linear.",
  {}, PRE .. "print(autograd.functional.softmax(torch.Tensor{1, 2, 3}))")
D["moonlab.autograd.nn"] = doc("autograd.nn.Name(...)",
  "nn modules and criteria as differentiable functions: autograd.nn.Linear(4, 3) returns fn, params.",
  { { "Name", "any nn class; the same as autograd.nn.wrap(nn.Name(...))" } },
  PRE .. "local lin, p = autograd.nn.Linear(4, 3)\nlocal mse = autograd.nn.MSECriterion()\n"
    .. "local g = autograd(function(p, x) return mse(lin(p, x), torch.zeros(2, 3)) end)(p, torch.randn(2, 4))\nprint(g[1])")
D["moonlab.autograd.nn.wrap"] = doc("autograd.nn.wrap(module)",
  "Wraps an nn module as fn(params, input), returning fn and the module's parameter list; a criterion as fn(input, target).",
  { { "module", "an nn module (tensor input and output) or criterion" } },
  PRE .. "local nn = require \"moonlab.nn\"\nlocal tanh = autograd.nn.wrap(nn.Tanh())\n"
    .. "local g = autograd(function(p) return A.sum(tanh(nil, p.x)) end)({x = torch.randn(3)})\nprint(g.x)",
  "Forward is the module's forward (output cloned); backward its backward, re-running forward\n"
    .. "first when the module has since run on another input. Stochastic modules: use evaluate().")

-- the differentiable functions of autograd.torch: {name, signature, summary,
-- a loss expression of p.x (a 3x4 tensor) for the example}
local OPS = {
  { "add", "A.add(a, b) / A.add(a, v, b)", "Sum a + b (broadcasting), or a + v * b", "A.sum(A.add(p.x, 2))" },
  { "sub", "A.sub(a, b) / A.sub(a, v, b)", "Difference a - b (broadcasting), or a - v * b", "A.sum(A.sub(p.x, torch.ones(4)))" },
  { "csub", "A.csub(a, b) / A.csub(a, v, b)", "The same as A.sub", "A.sum(A.csub(p.x, 1))" },
  { "mul", "A.mul(a, b)", "Element-wise product (numbers or broadcast tensors)", "A.sum(A.mul(p.x, 3))" },
  { "cmul", "A.cmul(a, b)", "Element-wise product with broadcasting", "A.sum(A.cmul(p.x, p.x))" },
  { "div", "A.div(a, b)", "Element-wise quotient (numbers or broadcast tensors)", "A.sum(A.div(p.x, 2))" },
  { "cdiv", "A.cdiv(a, b)", "Element-wise quotient with broadcasting", "A.sum(A.cdiv(p.x, torch.ones(3, 4)))" },
  { "pow", "A.pow(a, b)", "a ^ b with a number or tensor exponent, or a number base", "A.sum(A.pow(p.x, 2))" },
  { "cpow", "A.cpow(a, b)", "Element-wise a ^ b of two tensors", "A.sum(A.cpow(A.exp(p.x), torch.ones(3, 4)))" },
  { "neg", "A.neg(a)", "Negation -a", "A.sum(A.neg(p.x))" },
  { "exp", "A.exp(a)", "Element-wise exponential", "A.sum(A.exp(p.x))" },
  { "log", "A.log(a)", "Element-wise natural logarithm", "A.sum(A.log(A.exp(p.x)))" },
  { "log1p", "A.log1p(a)", "Element-wise log(1 + a)", "A.sum(A.log1p(A.exp(p.x)))" },
  { "sqrt", "A.sqrt(a)", "Element-wise square root", "A.sum(A.sqrt(A.exp(p.x)))" },
  { "rsqrt", "A.rsqrt(a)", "Element-wise 1 / sqrt(a)", "A.sum(A.rsqrt(A.exp(p.x)))" },
  { "tanh", "A.tanh(a)", "Element-wise hyperbolic tangent", "A.sum(A.tanh(p.x))" },
  { "sigmoid", "A.sigmoid(a)", "Element-wise logistic function 1 / (1 + exp(-a))", "A.sum(A.sigmoid(p.x))" },
  { "abs", "A.abs(a)", "Element-wise absolute value (gradient sign(a))", "A.sum(A.abs(p.x))" },
  { "sin", "A.sin(a)", "Element-wise sine", "A.sum(A.sin(p.x))" },
  { "cos", "A.cos(a)", "Element-wise cosine", "A.sum(A.cos(p.x))" },
  { "clamp", "A.clamp(a, lo, hi)", "Clamps into [lo, hi]; gradient 1 inside, 0 outside", "A.sum(A.clamp(p.x, -0.5, 0.5))" },
  { "cmax", "A.cmax(a, b)", "Element-wise maximum with a tensor or number (A.cmax(x, 0) is ReLU)", "A.sum(A.cmax(p.x, 0))" },
  { "cmin", "A.cmin(a, b)", "Element-wise minimum with a tensor or number", "A.sum(A.cmin(p.x, 0))" },
  { "sum", "A.sum(a [, dim])", "Sum of all elements (a number) or along dim (kept with size 1)", "A.sum(A.sum(p.x, 2))" },
  { "mean", "A.mean(a [, dim])", "Mean of all elements (a number) or along dim", "A.mean(A.mean(p.x, 1))" },
  { "max", "A.max(a [, dim])", "Largest element (a number), or values and indices along dim; A.max(a, b) is cmax", "A.max(p.x)" },
  { "min", "A.min(a [, dim])", "Smallest element (a number), or values and indices along dim; A.min(a, b) is cmin", "A.sum((A.min(p.x, 2)))" },
  { "norm", "A.norm(a [, p [, dim]])", "The p-norm (default 2) of all elements (a number) or along dim", "A.norm(p.x)" },
  { "var", "A.var(a [, dim [, biased]])", "Variance (divided by n - 1, or n when biased) of all elements or along dim", "A.var(p.x)" },
  { "std", "A.std(a [, dim [, biased]])", "Standard deviation, the square root of A.var", "A.sum(A.std(p.x, 2))" },
  { "cumsum", "A.cumsum(a [, dim])", "Cumulative sum along dim (default 1)", "A.sum(A.cumsum(A.exp(p.x), 2))" },
  { "sign", "A.sign(a)", "Sign of each element (gradient zero)", "A.sum(A.sign(p.x)) + A.sum(p.x)" },
  { "floor", "A.floor(a)", "Rounded down (gradient zero)", "A.sum(A.floor(p.x)) + A.sum(p.x)" },
  { "ceil", "A.ceil(a)", "Rounded up (gradient zero)", "A.sum(A.ceil(p.x)) + A.sum(p.x)" },
  { "round", "A.round(a)", "Rounded to the nearest integer (gradient zero)", "A.sum(A.round(p.x)) + A.sum(p.x)" },
  { "trunc", "A.trunc(a)", "Rounded toward zero (gradient zero)", "A.sum(A.trunc(p.x)) + A.sum(p.x)" },
  { "bmm", "A.bmm(a, b)", "Batched matrix product (b x n x m)(b x m x p)", "A.sum(A.bmm(A.view(p.x, 1, 3, 4), torch.ones(1, 4, 2)))" },
  { "repeatTensor", "A.repeatTensor(a, reps...)", "Tiles a reps times along each dimension (gradient: the sum of the tiles)", "A.sum(A.repeatTensor(p.x, 2, 2))" },
  { "mm", "A.mm(a, b)", "Matrix product (n x m)(m x p)", "A.sum(A.mm(p.x, p.x:t()))" },
  { "mv", "A.mv(m, v)", "Matrix-vector product", "A.sum(A.mv(p.x, torch.ones(4)))" },
  { "dot", "A.dot(a, b)", "Dot product of two vectors (a number)", "A.dot(p.x[1], p.x[2])" },
  { "ger", "A.ger(u, v)", "Outer product of two vectors", "A.sum(A.ger(p.x[1], p.x[2]))" },
  { "addmm", "A.addmm([v1,] M, [v2,] a, b)", "v1 * M + v2 * (a b), M broadcast", "A.sum(A.addmm(torch.ones(3, 3), p.x, p.x:t()))" },
  { "addmv", "A.addmv([v1,] y, [v2,] m, v)", "v1 * y + v2 * (m v)", "A.sum(A.addmv(torch.ones(3), p.x, torch.ones(4)))" },
  { "matmul", "A.matmul(a, b)", "mm, mv, dot or a vector-matrix product by the dimensions (also a * b)", "A.sum(A.matmul(p.x, torch.ones(4)))" },
  { "view", "A.view(a, sizes...)", "View with other sizes (a contiguous)", "A.sum(A.exp(A.view(p.x, 12)))" },
  { "reshape", "A.reshape(a, sizes...)", "Copy with other sizes (any strides)", "A.sum(A.exp(A.reshape(p.x:t(), 12)))" },
  { "viewAs", "A.viewAs(a, b)", "View with the sizes of b", "A.sum(A.viewAs(p.x, torch.zeros(4, 3)))" },
  { "squeeze", "A.squeeze(a [, dim])", "Removes size-1 dimensions", "A.sum(A.exp(A.squeeze(A.narrow(p.x, 1, 1, 1))))" },
  { "unsqueeze", "A.unsqueeze(a, dim)", "Inserts a size-1 dimension", "A.sum(A.unsqueeze(p.x, 1))" },
  { "contiguous", "A.contiguous(a)", "A contiguous copy (or a itself)", "A.sum(A.contiguous(p.x:t()))" },
  { "clone", "A.clone(a)", "A copy", "A.sum(A.clone(p.x))" },
  { "double", "A.double(a)", "Converted to Double (the gradient converts back)", "A.sum(A.double(p.x))" },
  { "float", "A.float(a)", "Converted to Float (the gradient converts back)", "A.sum(A.float(p.x))" },
  { "typeAs", "A.typeAs(a, b)", "Converted to the type of b", "A.sum(A.typeAs(p.x, torch.FloatTensor()))" },
  { "expand", "A.expand(a, sizes...)", "Broadcast view along size-1 or new leading dims (gradient summed back)", "A.sum(A.expand(A.narrow(p.x, 1, 1, 1), 5, 4))" },
  { "expandAs", "A.expandAs(a, b)", "Broadcast view to the sizes of b", "A.sum(A.expandAs(A.narrow(p.x, 1, 1, 1), torch.zeros(5, 4)))" },
  { "transpose", "A.transpose(a, d1, d2)", "Swaps two dimensions", "A.sum(A.mv(A.transpose(p.x, 1, 2), torch.ones(3)))" },
  { "t", "A.t(a)", "Transpose of a matrix", "A.sum(A.mv(A.t(p.x), torch.ones(3)))" },
  { "permute", "A.permute(a, dims...)", "Reorders the dimensions", "A.sum(A.permute(p.x, 2, 1))" },
  { "narrow", "A.narrow(a, dim, index, size)", "The slice index .. index + size - 1 along dim", "A.sum(A.narrow(p.x, 2, 2, 2))" },
  { "select", "A.select(a, dim, index)", "The slice at index along dim (a number for a vector)", "A.sum(A.select(p.x, 1, 2))" },
  { "index", "A.index(a, dim, idx)", "The slices listed in the LongTensor idx along dim (repeats allowed)", "A.sum(A.index(p.x, 1, torch.LongTensor{1, 1, 3}))" },
  { "gather", "A.gather(a, dim, idx)", "Gathers along dim at the LongTensor idx (repeats add gradients)", "A.sum(A.gather(p.x, 2, torch.LongTensor{{1}, {2}, {2}}))" },
  { "cat", "A.cat(a, b [, dim]) / A.cat({a, b, ...} [, dim])", "Concatenation along dim (default: the last)", "A.sum(A.cat(p.x, torch.ones(3, 1)))" },
}

for _, o in ipairs(OPS) do
  local name, sig, summary, expr = o[1], o[2], o[3], o[4]
  D["moonlab.autograd.torch." .. name] = doc((sig:gsub("A%.", "autograd.torch.")), summary .. ".",
    { { "a, b ...", "autograd values, plain tensors or numbers, as torch." .. name .. " takes them" } },
    PRE .. "local g = autograd(function(p) return " .. expr .. " end)({x = torch.randn(3, 4)})\nprint(g.x)",
    "Also torch." .. name .. " and the method x:" .. name .. "(...) on autograd values while f runs.")
end

local FN = {
  { "softmax", "F.softmax(x [, dim])", "Softmax along dim (default: the last), computed stably",
    "A.sum(A.cmul(F.softmax(p.x), torch.randn(3, 4)))" },
  { "log_softmax", "F.log_softmax(x [, dim])", "Log-softmax along dim (default: the last)",
    "A.sum(A.cmul(F.log_softmax(p.x), torch.randn(3, 4)))" },
  { "nll_loss", "F.nll_loss(logp, target)",
    "Mean negative log-likelihood of the classes target (N, 1-based) under logp (N, C) or (C)",
    "F.nll_loss(F.log_softmax(p.x), torch.LongTensor{1, 4, 2})" },
  { "cross_entropy", "F.cross_entropy(x, target)", "nll_loss(log_softmax(x), target): nn.CrossEntropyCriterion's value",
    "F.cross_entropy(p.x, torch.LongTensor{1, 4, 2})" },
  { "mse_loss", "F.mse_loss(a, b)", "Mean of (a - b)^2 over all elements: nn.MSECriterion's value",
    "F.mse_loss(p.x, torch.zeros(3, 4))" },
  { "bce_loss", "F.bce_loss(p, t)", "Mean binary cross-entropy of probabilities p and targets t in [0, 1]",
    "F.bce_loss(A.sigmoid(p.x), torch.ones(3, 4))" },
  { "relu", "F.relu(x)", "max(x, 0) element-wise", "A.sum(F.relu(p.x))" },
  { "sigmoid", "F.sigmoid(x)", "The logistic function (autograd.torch.sigmoid)", "A.sum(F.sigmoid(p.x))" },
  { "tanh", "F.tanh(x)", "Hyperbolic tangent (autograd.torch.tanh)", "A.sum(F.tanh(p.x))" },
  { "linear", "F.linear(x, W [, b])", "x W^T + b with W (out, in), as nn.Linear",
    "A.sum(F.linear(p.x, torch.ones(2, 4), torch.ones(2)))" },
}
for _, o in ipairs(FN) do
  local name, sig, summary, expr = o[1], o[2], o[3], o[4]
  D["moonlab.autograd.functional." .. name] = doc((sig:gsub("F%.", "autograd.functional.")), summary .. ".",
    { { "x, ...", "autograd values or plain tensors" } },
    PRE .. "local F = autograd.functional\nlocal g = autograd(function(p) return " .. expr
      .. " end)({x = torch.randn(3, 4)})\nprint(g.x)")
end

return { title = "Automatic differentiation (require \"moonlab.autograd\")", docs = D }
