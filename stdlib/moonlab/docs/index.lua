-- Docstrings: indexing with index tensors and masks (vm/l_index_ops.c;
-- docs/index_ops.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor" }
local DIM = { "dim", "the dimension the indices run along" }
local IDX = { "idx", "a LongTensor of 1-based indices" }

D["torch.index"] = doc("torch.index([res,] x, dim, idx) | x:index([res,] dim, idx)",
  "The entries idx[1], idx[2], ... of x along dim, copied (also t[idx] with a LongTensor).",
  { RES, { "x", "a tensor" }, DIM, IDX },
  "print(torch.Tensor{10, 20, 30}:index(1, torch.LongTensor{3, 1}))   -- 30 10")
D["torch.indexCopy"] = doc("x:indexCopy(dim, idx, src) | torch.indexCopy(x, dim, idx, src)",
  "Copies the slices of src into the entries idx of x along dim (the last copy wins on repeats); returns x.",
  { DIM, IDX, { "src", "x's shape with size #idx at dim" } },
  "print(torch.zeros(3):indexCopy(1, torch.LongTensor{1, 3}, torch.Tensor{5, 6}))")
D["torch.indexAdd"] = doc("x:indexAdd(dim, idx, src) | torch.indexAdd(x, dim, idx, src)",
  "Adds the slices of src to the entries idx of x along dim (repeats accumulate); returns x.",
  { DIM, IDX, { "src", "x's shape with size #idx at dim" } },
  "print(torch.zeros(2):indexAdd(1, torch.LongTensor{1, 1}, torch.Tensor{2, 3}))   -- 5 0")
D["torch.indexFill"] = doc("x:indexFill(dim, idx, value) | torch.indexFill(x, dim, idx, value)",
  "Sets the entries idx of x along dim to value; returns x.",
  { DIM, IDX, { "value", "a number" } }, "print(torch.zeros(3):indexFill(1, torch.LongTensor{2}, 7))")
D["torch.gather"] = doc("torch.gather([res,] x, dim, idx) | x:gather([res,] dim, idx)",
  "res[i][j] = x[idx[i][j]][j] for dim 1 (likewise for others); res has idx's shape.",
  { RES, { "x", "a tensor" }, DIM, { "idx", "a LongTensor with x's number of dimensions" } },
  "print(torch.Tensor{{1, 2}, {3, 4}}:gather(2, torch.LongTensor{{2}, {1}}))   -- 2 3")
D["torch.scatter"] = doc("x:scatter(dim, idx, src | value) | torch.scatter(x, dim, idx, src | value)",
  "x[idx[i][j]][j] = src[i][j] for dim 1 (likewise for others), or the value; returns x.",
  { DIM, { "idx", "a LongTensor with x's number of dimensions" }, { "src", "a tensor at least as large as idx" },
    { "value", "a number" } },
  "print(torch.zeros(2, 2):scatter(1, torch.LongTensor{{2, 1}}, 9))")
D["torch.maskedSelect"] = doc("torch.maskedSelect([res,] x, mask) | x:maskedSelect([res,] mask)",
  "The elements of x where mask is non-zero, in order, as a 1-D tensor (also x[mask]).",
  { RES, { "x", "a tensor" }, { "mask", "a ByteTensor with as many elements" } },
  "local x = torch.Tensor{1, -1, 2}\nprint(x:maskedSelect(x:gt(0)))")
D["torch.maskedCopy"] = doc("x:maskedCopy(mask, src) | torch.maskedCopy(x, mask, src)",
  "The elements of x where mask is non-zero receive the first elements of src, in order; returns x.",
  { { "mask", "a ByteTensor" }, { "src", "a tensor with at least as many elements as selected" } },
  "print(torch.zeros(3):maskedCopy(torch.ByteTensor{1, 0, 1}, torch.Tensor{7, 8}))")
D["torch.maskedFill"] = doc("x:maskedFill(mask, value) | torch.maskedFill(x, mask, value)",
  "Sets the elements of x where mask is non-zero to value; returns x (also x[mask] = value).",
  { { "mask", "a ByteTensor" }, { "value", "a number" } },
  "local x = torch.Tensor{1, -1, 2}\nprint(x:maskedFill(x:lt(0), 0))")
D["torch.nonzero"] = doc("torch.nonzero([res,] x) | x:nonzero()",
  "The 1-based coordinates of the non-zero elements of x, as an n x x:dim() LongTensor.",
  { RES, { "x", "a tensor" } }, "print(torch.nonzero(torch.Tensor{0, 3, 0, 4}))   -- 2 / 4")

return { title = "Indexing with index tensors and masks", docs = D }
