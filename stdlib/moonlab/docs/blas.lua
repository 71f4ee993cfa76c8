-- Docstrings: matrix products (vm/l_blas.c; docs/blas.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor: resized to fit, filled and returned" }
local SAME = "All tensors of a call have one type; Float and Double use OpenBLAS, integer types plain loops."

D["torch.dot"] = doc("torch.dot(x, y) | x:dot(y)", "Dot product of x and y seen as flat vectors: a number.",
  { { "x, y", "tensors with the same number of elements" } },
  "print(torch.dot(torch.Tensor{1, 2}, torch.Tensor{3, 4}))   -- 11", SAME)
D["torch.mv"] = doc("torch.mv([res,] mat, vec) | res:mv(mat, vec)",
  "Matrix (n x m) times vector (m): a vector of size n.",
  { RES, { "mat", "an n x m matrix" }, { "vec", "a vector of size m" } },
  "print(torch.mv(torch.Tensor{{1, 2}, {3, 4}}, torch.Tensor{1, 1}))   -- 3 7", SAME)
D["torch.mm"] = doc("torch.mm([res,] a, b) | res:mm(a, b)",
  "Matrix product of a (n x m) and b (m x p): n x p (also a * b for two matrices).",
  { RES, { "a", "an n x m matrix" }, { "b", "an m x p matrix" } },
  "local a = torch.Tensor{{1, 2}, {3, 4}}\nprint(torch.mm(a, a))", SAME)
D["torch.bmm"] = doc("torch.bmm([res,] batch1, batch2) | res:bmm(batch1, batch2)",
  "Batched matrix product: b x n x m times b x m x p gives b x n x p.",
  { RES, { "batch1", "b x n x m" }, { "batch2", "b x m x p" } },
  "print(torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 1)):size())", SAME)
D["torch.ger"] = doc("torch.ger([res,] vec1, vec2) | res:ger(vec1, vec2)",
  "Outer product of vectors of sizes n and m: an n x m matrix.",
  { RES, { "vec1, vec2", "vectors" } }, "print(torch.ger(torch.Tensor{1, 2}, torch.Tensor{1, 10}))", SAME)
local ADD = "v1 and v2 default to 1; M broadcasts to the result's shape; the method form M:f(...) updates M."
D["torch.addmv"] = doc("torch.addmv([res,] [v1,] vec1, [v2,] mat, vec2) | vec1:addmv(...)",
  "v1 * vec1 + v2 * (mat @ vec2).",
  { RES, { "v1, v2", "numbers (default 1)" }, { "vec1", "a vector of size n" }, { "mat", "n x m" },
    { "vec2", "a vector of size m" } },
  "print(torch.addmv(torch.Tensor{1, 1}, torch.eye(2), torch.Tensor{2, 3}))   -- 3 4", ADD)
D["torch.addmm"] = doc("torch.addmm([res,] [v1,] M, [v2,] mat1, mat2) | M:addmm(...)",
  "v1 * M + v2 * (mat1 @ mat2).",
  { RES, { "v1, v2", "numbers (default 1)" }, { "M", "n x p (or broadcastable)" }, { "mat1", "n x m" },
    { "mat2", "m x p" } },
  "print(torch.addmm(torch.ones(2, 2), torch.eye(2), torch.eye(2)))", ADD)
D["torch.addr"] = doc("torch.addr([res,] [v1,] M, [v2,] vec1, vec2) | M:addr(...)",
  "v1 * M + v2 * outer(vec1, vec2).",
  { RES, { "v1, v2", "numbers (default 1)" }, { "M", "n x m" }, { "vec1, vec2", "vectors of sizes n and m" } },
  "print(torch.addr(torch.zeros(2, 2), torch.Tensor{1, 2}, torch.Tensor{1, 1}))", ADD)
D["torch.addbmm"] = doc("torch.addbmm([res,] [v1,] M, [v2,] batch1, batch2) | M:addbmm(...)",
  "v1 * M + v2 * the sum over i of batch1[i] @ batch2[i]: an n x p matrix.",
  { RES, { "v1, v2", "numbers (default 1)" }, { "M", "n x p" }, { "batch1", "b x n x m" }, { "batch2", "b x m x p" } },
  "print(torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 1), torch.ones(3, 1, 2)))   -- all 3", ADD)
D["torch.baddbmm"] = doc("torch.baddbmm([res,] [v1,] M, [v2,] batch1, batch2) | M:baddbmm(...)",
  "res[i] = v1 * M[i] + v2 * batch1[i] @ batch2[i]: a b x n x p batch.",
  { RES, { "v1, v2", "numbers (default 1)" }, { "M", "b x n x p" }, { "batch1", "b x n x m" }, { "batch2", "b x m x p" } },
  "print(torch.baddbmm(torch.zeros(2, 1, 1), torch.ones(2, 1, 3), torch.ones(2, 3, 1)))", ADD)
D["torch.matmul"] = doc("torch.matmul([res,] a, b) | a:matmul(b)",
  "numpy's matmul: (..., n, m) times (..., m, p) with broadcast batch dimensions; 1-D operands as row/column.",
  { RES, { "a", "a tensor of 1 or more dimensions" }, { "b", "a tensor of 1 or more dimensions" } },
  "print(torch.matmul(torch.ones(5, 2, 3), torch.ones(3, 4)):size())   -- 5x2x4", SAME)

return { title = "Matrix products (BLAS)", docs = D }
