-- Docstrings: reductions and cumulative functions (vm/l_reduce.c; docs/reduce.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor for the reduction along dim" }
local X = { "x", "a tensor of any type and any strides" }
local DIM = { "dim", "a dimension (1-based; negative from the end): reduce along it, keeping it with size 1" }
local FORMS = "Without dim the result is a Lua number; with dim a tensor (x:sum(2) of a 5x7 x is 5x1)."

local function R(f, sig, summary, args, ex, notes)
  D["torch." .. f] = doc(sig, summary, args, ex, notes or FORMS)
end

R("sum", "torch.sum([res,] x [, dim]) | x:sum([dim])", "Sum of the elements (pairwise, accurate), or along dim.",
  { RES, X, DIM }, "local x = torch.Tensor{{1, 2, 3}, {4, 5, 6}}\nprint(x:sum(), x:sum(2))")
R("prod", "torch.prod([res,] x [, dim]) | x:prod([dim])", "Product of the elements, or along dim.",
  { RES, X, DIM }, "print(torch.Tensor{1, 2, 3, 4}:prod())   -- 24")
R("mean", "torch.mean([res,] x [, dim]) | x:mean([dim])", "Mean of the elements, or along dim (NaN when empty).",
  { RES, X, DIM }, "print(torch.Tensor{{1, 2}, {3, 4}}:mean(1))")
R("var", "torch.var([res,] x [, dim] [, biased]) | x:var([dim] [, biased])",
  "Variance (divided by n - 1, or by n when biased is true), or along dim.",
  { RES, X, DIM, { "biased", "true: divide by n (default false: n - 1)" } },
  "local x = torch.Tensor{1, 2, 3, 4}\nprint(x:var(), x:var(true))")
R("std", "torch.std([res,] x [, dim] [, biased]) | x:std([dim] [, biased])",
  "Standard deviation: the square root of var.",
  { RES, X, DIM, { "biased", "true: divide by n (default false: n - 1)" } },
  "print(torch.Tensor{2, 4, 4, 4, 5, 5, 7, 9}:std(true))   -- 2")
R("min", "torch.min([resval, resind,] x [, dim]) | x:min([dim])",
  "Smallest element; along dim, the values and a LongTensor of their 1-based indices.",
  { { "resval, resind", "optional result tensors (resind a LongTensor)" }, X, DIM },
  "local v, i = torch.Tensor{{3, 1}, {0, 4}}:min(2)\nprint(torch.Tensor{3, 1, 2}:min(), v, i)",
  "NaN is returned when present (numpy's rule); ties give the first index.")
R("max", "torch.max([resval, resind,] x [, dim]) | x:max([dim])",
  "Largest element; along dim, the values and a LongTensor of their 1-based indices.",
  { { "resval, resind", "optional result tensors (resind a LongTensor)" }, X, DIM },
  "local v, i = torch.Tensor{{3, 1}, {0, 4}}:max(1)\nprint(torch.Tensor{3, 1, 2}:max(), v, i)",
  "NaN is returned when present (numpy's rule); ties give the first index.")
R("norm", "torch.norm([res,] x [, p] [, dim]) | x:norm([p] [, dim])",
  "The p-norm of the elements (p = 2 by default), or along dim.",
  { RES, X, { "p", "the norm's order: 2 by default, 0 counts non-zeros, math.huge is max |x|" }, DIM },
  "print(torch.Tensor{3, 4}:norm(), torch.Tensor{3, -4}:norm(1))   -- 5 7")
R("dist", "torch.dist(x, y [, p]) | x:dist(y [, p])", "The p-norm of x - y (p = 2 by default).",
  { X, { "y", "a tensor, broadcast against x" }, { "p", "the norm's order (default 2)" } },
  "print(torch.dist(torch.Tensor{0, 0}, torch.Tensor{3, 4}))   -- 5")
R("cumsum", "torch.cumsum([res,] x [, dim]) | x:cumsum([dim])",
  "Cumulative sums along dim (default 1), the same shape as x.",
  { RES, X, { "dim", "the dimension (default 1)" } },
  "print(torch.Tensor{1, 2, 3}:cumsum())   -- 1 3 6", "Floating sums are compensated (Neumaier).")
R("cumprod", "torch.cumprod([res,] x [, dim]) | x:cumprod([dim])",
  "Cumulative products along dim (default 1), the same shape as x.",
  { RES, X, { "dim", "the dimension (default 1)" } }, "print(torch.Tensor{1, 2, 3}:cumprod())   -- 1 2 6", "")
R("trace", "torch.trace(x) | x:trace()", "Sum of the diagonal of a 2-D tensor.",
  { { "x", "a 2-D tensor (rectangular: min(rows, cols) elements)" } },
  "print(torch.eye(3):trace())   -- 3", "")
R("all", "torch.all(x) | x:all()", "True when every element is non-zero (true for an empty tensor).",
  { X }, "print(torch.ByteTensor{1, 1}:all(), torch.Tensor{1, 0}:all())", "")
R("any", "torch.any(x) | x:any()", "True when some element is non-zero.",
  { X }, "print(torch.ByteTensor{0, 1}:any())", "")

return { title = "Reductions (sum, mean, var, max, norm ...)", docs = D }
