-- Docstrings: sorting and order statistics (vm/l_sort.c; docs/sort.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RESVI = { "resval, resind", "optional result tensors (resind a LongTensor)" }
local X = { "x", "a tensor" }
local DIM = { "dim", "the dimension (default: the last)" }

D["torch.sort"] = doc("torch.sort([resval, resind,] x [, dim] [, descending]) | x:sort(...)",
  "x sorted along dim, with the source index of each element.",
  { RESVI, X, DIM, { "descending", "true for largest first" } },
  "local v, i = torch.sort(torch.Tensor{3, 1, 2})\nprint(v, i)")
D["torch.topk"] = doc("torch.topk([resval, resind,] x [, k] [, dim] [, largest] [, sorted]) | x:topk(...)",
  "The k smallest (or largest) elements along dim, sorted, with their indices.",
  { RESVI, X, { "k", "how many (default 1)" }, DIM, { "largest", "true for the largest" },
    { "sorted", "accepted; results are always sorted" } },
  "print(torch.topk(torch.Tensor{3, 1, 2}, 2, 1, true))   -- 3 2")
D["torch.kthvalue"] = doc("torch.kthvalue([resval, resind,] x, k [, dim]) | x:kthvalue(k [, dim])",
  "The k-th smallest element along dim and its index.",
  { RESVI, X, { "k", "1-based rank" }, DIM }, "print(torch.kthvalue(torch.Tensor{3, 1, 2}, 2))   -- 2")
D["torch.median"] = doc("torch.median([resval, resind,] x [, dim]) | x:median([dim])",
  "Torch7's lower median along dim (element floor((n + 1) / 2) of the sorted line) and its index.",
  { RESVI, X, DIM }, "print(torch.median(torch.Tensor{3, 1, 2, 4}))   -- 2")
D["torch.mode"] = doc("torch.mode([resval, resind,] x [, dim]) | x:mode([dim])",
  "The most frequent value along dim (the smallest among ties) and the index of its last occurrence.",
  { RESVI, X, DIM }, "print(torch.mode(torch.Tensor{1, 2, 2}))   -- 2")
D["torch.unique"] = doc("torch.unique(x [, sorted] [, return_inverse] [, return_counts]) | x:unique(...)",
  "The distinct values of x, ascending; optionally the position of each element in them and the counts.",
  { X, { "sorted", "accepted; values are always sorted" }, { "return_inverse", "true: also a LongTensor of positions" },
    { "return_counts", "true: also a LongTensor of counts" } },
  "print(torch.unique(torch.Tensor{3, 1, 3}))   -- 1 3")
D["torch.quantile"] = doc("torch.quantile(x, q [, dim]) | x:quantile(q [, dim])",
  "numpy's linear quantiles of x (over all elements, or along dim).",
  { X, { "q", "a number, a table or a tensor of numbers in [0, 1]" }, { "dim", "the dimension" } },
  "print(torch.quantile(torch.Tensor{1, 2, 3, 4}, 0.5))   -- 2.5")

return { title = "Sorting and order statistics", docs = D }
