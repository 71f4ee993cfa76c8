-- Docstrings: joining, tiling, triangles, histograms, cross products
-- (vm/l_shape.c; docs/shape.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor: resized to fit, filled and returned" }
local X = { "x", "a tensor" }

D["torch.cat"] = doc("torch.cat([res,] x1, x2 [, dim]) | torch.cat([res,] {x1, x2, ...} [, dim]) | x1:cat(x2 [, dim])",
  "Tensors joined along dim (default: the last dimension).",
  { RES, { "x1, x2, ...", "tensors of the same shape outside dim (or a table of them)" }, { "dim", "the dimension" } },
  "print(torch.cat(torch.Tensor{1, 2}, torch.Tensor{3}))\nprint(torch.cat({torch.ones(1, 2), torch.zeros(1, 2)}, 1))")
D["torch.split"] = doc("torch.split([result,] x, size [, dim]) | x:split(size [, dim])",
  "A table of views of x along dim (default 1), size long each, the last one shorter.",
  { { "result", "optional table to fill" }, X, { "size", "length of each piece" }, { "dim", "the dimension (default 1)" } },
  "local parts = torch.split(torch.range(1, 5), 2)\nprint(#parts, parts[3])")
D["torch.chunk"] = doc("torch.chunk([result,] x, n [, dim]) | x:chunk(n [, dim])",
  "x split in n pieces (views) along dim: split with size ceil(x:size(dim) / n).",
  { { "result", "optional table to fill" }, X, { "n", "number of pieces" }, { "dim", "the dimension (default 1)" } },
  "print(#torch.chunk(torch.range(1, 5), 2))")
D["torch.repeatTensor"] = doc("torch.repeatTensor([res,] x, n1, n2, ...) | x:repeatTensor(n1, n2, ...)",
  "x tiled n_i times along dimension i.",
  { RES, X, { "n1, n2, ...", "counts (numbers, a LongStorage or a table)" } },
  "print(torch.repeatTensor(torch.Tensor{1, 2}, 2, 2))")
D["torch.diag"] = doc("torch.diag([res,] x [, k]) | x:diag([k])",
  "For a vector, the square matrix with x on diagonal k; for a matrix, its diagonal k as a vector.",
  { RES, X, { "k", "the diagonal: 0 (default) main, > 0 above, < 0 below" } },
  "print(torch.diag(torch.Tensor{1, 2}), torch.diag(torch.eye(3) * 5))")
D["torch.tril"] = doc("torch.tril([res,] x [, k]) | x:tril([k])", "Matrix x with the elements above diagonal k set to 0.",
  { RES, { "x", "a matrix" }, { "k", "the diagonal (default 0)" } }, "print(torch.tril(torch.ones(3, 3)))")
D["torch.triu"] = doc("torch.triu([res,] x [, k]) | x:triu([k])", "Matrix x with the elements below diagonal k set to 0.",
  { RES, { "x", "a matrix" }, { "k", "the diagonal (default 0)" } }, "print(torch.triu(torch.ones(3, 3), 1))")
D["torch.histc"] = doc("torch.histc([res,] x [, nbins [, min, max]]) | x:histc(...)",
  "Counts of the elements of x in nbins equal bins over [min, max] (default 100 bins over x's range).",
  { RES, X, { "nbins", "number of bins (default 100)" }, { "min, max", "the range (default: x's min and max)" } },
  "print(torch.histc(torch.Tensor{1, 2, 2, 3}, 3))   -- 1 2 1")
D["torch.bhistc"] = doc("torch.bhistc([res,] x [, nbins [, min, max]]) | x:bhistc(...)",
  "histc of each row of the matrix x: a rows x nbins tensor.",
  { RES, { "x", "a matrix" }, { "nbins", "number of bins (default 100)" }, { "min, max", "the range" } },
  "print(torch.bhistc(torch.Tensor{{1, 2}, {2, 2}}, 2, 1, 2))")
D["torch.cross"] = doc("torch.cross([res,] a, b [, dim]) | a:cross(b [, dim])",
  "Cross product of the 3-vectors along dim (default: the first dimension of size 3).",
  { RES, { "a, b", "tensors of one shape with a dimension of size 3" }, { "dim", "that dimension" } },
  "print(torch.cross(torch.Tensor{1, 0, 0}, torch.Tensor{0, 1, 0}))   -- 0 0 1")
D["torch.renorm"] = doc("torch.renorm([res,] x, p, dim, maxnorm) | x:renorm(p, dim, maxnorm)",
  "x with each slice x:select(dim, i) whose p-norm exceeds maxnorm scaled down to maxnorm.",
  { RES, X, { "p", "the norm's order" }, { "dim", "the dimension of the slices" }, { "maxnorm", "the largest norm kept" } },
  "print(torch.renorm(torch.Tensor{{3, 4}, {0, 1}}, 2, 1, 1))")
D["torch.equal"] = doc("torch.equal(a, b) | a:equal(b)", "True when a and b have the same shape and equal elements.",
  { { "a, b", "tensors" } }, "print(torch.equal(torch.Tensor{1, 2}, torch.Tensor{1, 2}))")

return { title = "Joining, tiling, triangles, histograms", docs = D }
