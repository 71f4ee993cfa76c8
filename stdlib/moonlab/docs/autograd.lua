-- Docstrings: moonlab.autograd (stdlib/moonlab/autograd/init.lua; docs/autograd.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local autograd = require \"moonlab.autograd\"\n"

D["moonlab.autograd"] = doc("autograd = require \"moonlab.autograd\"; df = autograd(f)",
  "Reverse-mode automatic differentiation of Lua functions of tensors (torch-autograd's style).", {},
  PRE .. "local df = autograd(function(w, x) return torch.sum(torch.tanh(x * w)) end)\n"
    .. "local g, loss = df(torch.randn(3, 2), torch.randn(4, 3))\nprint(g:size(), loss)",
  "While df runs, torch.add/mm/tanh/sum ... and the tensor operators accept recorded values.")
D["moonlab.autograd.grad"] = doc("autograd.grad(f)  (also autograd(f))",
  "Returns df: df(params, ...) gives the gradients of f(params, ...) (params' nesting) and its value.",
  { { "f", "a function of (params, ...) returning a number or a one-element tensor" } },
  PRE .. "local df = autograd.grad(function(p) return torch.sum(torch.cmul(p.a, p.a)) end)\n"
    .. "print(df({ a = torch.Tensor{ 1, 2 } }).a)")
D["moonlab.autograd.nn.relu"] = doc("autograd.nn.relu(x)", "max(0, x), differentiable.", { { "x", "a tensor" } },
  PRE .. "print(autograd(function(x) return torch.sum(autograd.nn.relu(x)) end)(torch.Tensor{ -1, 2 }))")
D["moonlab.autograd.nn.logsoftmax"] = doc("autograd.nn.logsoftmax(x)", "Row-wise log-softmax of (N, C).", { { "x", "(N, C)" } },
  PRE .. "print(autograd(function(x) return torch.sum(autograd.nn.logsoftmax(x)) end)(torch.randn(2, 3)))")
D["moonlab.autograd.nn.softmax"] = doc("autograd.nn.softmax(x)", "Row-wise softmax of (N, C).", { { "x", "(N, C)" } },
  PRE .. "print(autograd(function(x) return torch.sum(autograd.nn.softmax(x)) end)(torch.randn(2, 3)))")
D["moonlab.autograd.nn.nll"] = doc("autograd.nn.nll(logp, y)", "Mean negative log-likelihood of classes y (LongTensor, 1-based).",
  { { "logp", "(N, C) log-probabilities" }, { "y", "(N) classes" } },
  PRE .. "print(autograd(function(x, y) return autograd.nn.nll(autograd.nn.logsoftmax(x), y) end)(torch.randn(2, 3), torch.LongTensor{ 1, 3 }))")
D["moonlab.autograd.nn.crossentropy"] = doc("autograd.nn.crossentropy(x, y)", "logsoftmax then nll.",
  { { "x", "(N, C) scores" }, { "y", "(N) classes" } },
  PRE .. "print(autograd(function(x, y) return autograd.nn.crossentropy(x, y) end)(torch.randn(2, 3), torch.LongTensor{ 1, 3 }))")
D["moonlab.autograd.nn.mse"] = doc("autograd.nn.mse(a, b)", "Mean squared difference.", { { "a, b", "tensors" } },
  PRE .. "print(autograd(function(a, b) return autograd.nn.mse(a, b) end)(torch.ones(2), torch.zeros(2)))")
D["moonlab.autograd.nn.wrap"] = doc("autograd.nn.wrap(module)",
  "Returns f, params: f(params, input) runs the nn module with those parameters; gradients from its backward.",
  { { "module", "an nn.Module" } },
  PRE .. "local nn = require \"moonlab.nn\"\nlocal f, p = autograd.nn.wrap(nn.Linear(3, 2))\n"
    .. "local g = autograd(function(q, x) return torch.sum(f(q, x)) end)(p, torch.randn(4, 3))\nprint(#g)")

return { title = "Automatic differentiation (require \"moonlab.autograd\")", docs = D }
