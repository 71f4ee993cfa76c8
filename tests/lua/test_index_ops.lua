-- test_index_ops.lua: the Lua forms of index, indexCopy, indexAdd, indexFill,
-- gather, scatter, maskedSelect, maskedCopy, maskedFill, nonzero and
-- t[LongTensor] (vm/l_index_ops.c, vm/l_index.c), against naive Lua loops and
-- the examples of Torch7's doc/tensor.md, with their error messages.
local H = dofile("tests/lua/harness.lua")

local dtypes = {"Byte", "Char", "Short", "Int", "Long", "Float", "Double"}

local function same(got, want, msg)
  H.ok(torch.isTensor(got), (msg or "") .. ": expected a tensor")
  local g, w = got:double():view(-1), torch.DoubleTensor(want):view(-1)
  H.eq(got:nElement(), w:nElement(), (msg or "") .. ": number of elements")
  for i = 1, w:nElement() do H.eq(g[i], w[i], (msg or "") .. " element " .. i) end
end

local function seq(T, ...)  -- 1, 2, 3 ... in the given shape
  local t = T(...)
  local f = t:view(-1)
  for i = 1, f:nElement() do f[i] = i end
  return t
end

-- a strided view with the values of seq(T, a, b): transposed memory
local function strided(T, a, b)
  return seq(T, a, b):t():contiguous():t()
end

H.test("index: forms, every dtype, strided, negative and table indices", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    for _, x in ipairs({seq(T, 4, 3), strided(T, 4, 3)}) do
      local idx = torch.LongTensor{3, -1, 1, 3}
      local want = {}
      for _, i in ipairs({3, 4, 1, 3}) do want[#want + 1] = {x[i][1], x[i][2], x[i][3]} end
      same(x:index(1, idx), want, ty .. " x:index")
      same(torch.index(x, 1, idx), want, ty .. " torch.index")
      local res = T()
      H.eq(res:index(x, 1, idx), res, "res:index returns res")
      same(res, want, ty .. " res:index")
      H.eq(res:type(), x:type())
      same(x:index(2, {3, 1}), {{x[1][3], x[1][1]}, {x[2][3], x[2][1]}, {x[3][3], x[3][1]},
        {x[4][3], x[4][1]}}, ty .. " table index along dim 2")
      same(x:index(-1, {2}), {{x[1][2]}, {x[2][2]}, {x[3][2]}, {x[4][2]}}, "negative dim")
    end
  end
  -- the result does not share storage (Torch7's doc)
  local x = seq(torch.DoubleTensor, 5, 5)
  local y = x:index(1, torch.LongTensor{3, 1})
  y:fill(1)
  H.eq(x[3][1], 11)
  -- a strided index (every other element of a LongTensor)
  local si = torch.LongTensor{{3, 1}, {1, 2}, {4, 4}}:select(2, 1)
  same(torch.range(1, 4):index(1, si), {3, 1, 4})
  local z = torch.zeros(4)
  z:indexCopy(1, si, torch.Tensor{7, 8, 9})
  same(z, {8, 0, 7, 9})
  -- an empty index gives size 0 along the dim
  local e = x:index(1, torch.LongTensor())
  H.eq(e:size(1), 0)
  H.eq(e:size(2), 5)
end)

H.test("index: errors name the function, the bad index and the dim size", function()
  local x = torch.zeros(4, 3)
  H.check_error("torch.index: index 5 out of range for dimension 1 of size 4", x.index, x, 1, torch.LongTensor{1, 5})
  H.check_error("torch.index: index 0 out of range for dimension 2 of size 3", x.index, x, 2, torch.LongTensor{0})
  H.check_error("torch.index: index -4 out of range for dimension 2 of size 3", x.index, x, 2, {-4})
  H.check_error("torch.index: dimension 3 out of range for a 2-dimensional tensor (4x3)", x.index, x, 3, {1})
  H.check_error("torch.index: the index must be a LongTensor (got a DoubleTensor)", x.index, x, 1, torch.Tensor{1})
  H.check_error("torch.index: the index must be a vector (got a 1x1 tensor)", x.index, x, 1, torch.LongTensor{{1}})
  H.check_error("torch.index: index entry 2 is not an integer", x.index, x, 1, {1, 1.5})
  H.check_error("torch.index: the index (argument 3) must be a LongTensor or a table", x.index, x, 1, "a")
  H.check_error("torch.index: the dimension (argument 2) must be an integer", x.index, x, "a", {1})
  H.check_error("torch.index: dimension 1 out of range for a 0-dimensional tensor (empty)", torch.index, torch.Tensor(), 1, {1})
end)

H.test("t[LongTensor] reads and writes rows (an extension)", function()
  local x = seq(torch.IntTensor, 3, 2)
  same(x[torch.LongTensor{3, 1}], {{5, 6}, {1, 2}})
  same(seq(torch.FloatTensor, 4)[torch.LongTensor{-1, 2}], {4, 2})
  x[torch.LongTensor{1, 3}] = 0
  same(x, {{0, 0}, {3, 4}, {0, 0}})
  x[torch.LongTensor{2}] = torch.IntTensor{{7, 8}}
  same(x, {{0, 0}, {7, 8}, {0, 0}})
  H.check_error("tensor.__index: index 4 out of range for dimension 1 of size 3", function() return x[torch.LongTensor{4}] end)
  H.check_error("tensor.__newindex: value is a string", function() x[torch.LongTensor{1}] = "a" end)
  -- a ByteTensor is still a mask
  same(x[x:gt(6)], {7, 8})
end)

H.test("indexCopy, indexAdd, indexFill: in place, every dtype", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    for _, x0 in ipairs({seq(T, 5, 2), strided(T, 5, 2)}) do
      local x = x0:clone()
      local z = T(2, 2)
      z[1][1], z[1][2], z[2][1], z[2][2] = 20, 21, 22, 23
      H.eq(x:indexCopy(1, torch.LongTensor{5, 2}, z), x, "returns x")
      same(x, {{1, 2}, {22, 23}, {5, 6}, {7, 8}, {20, 21}}, ty .. " indexCopy")
      x = x0:clone()
      x:indexAdd(1, {1, 1, -1}, T{{1, 1}, {2, 2}, {3, 3}})
      same(x, {{4, 5}, {3, 4}, {5, 6}, {7, 8}, {12, 13}}, ty .. " indexAdd with a repeated index")
      x = x0:clone()
      H.eq(x:indexFill(2, torch.LongTensor{2}, 9), x)
      same(x, {{1, 9}, {3, 9}, {5, 9}, {7, 9}, {9, 9}}, ty .. " indexFill")
      x = x0:clone()
      torch.indexFill(x, 1, {3}, -1)
      H.eq(x[3][1], ty == "Byte" and 255 or -1, ty .. " torch.indexFill")
    end
  end
  -- Torch7's doc example for indexAdd
  local a = torch.range(1, 5)
  a:indexAdd(1, torch.LongTensor{1, 1, 3, 3}, torch.range(1, 4))
  same(a, {4, 2, 10, 4, 5})
  -- a source of another dtype is converted
  local x = torch.zeros(3)
  x:indexCopy(1, {2}, torch.IntTensor{7})
  same(x, {0, 7, 0})
end)

H.test("indexCopy/indexAdd/indexFill errors leave x unchanged", function()
  local x = torch.zeros(3, 2)
  H.check_error("torch.indexCopy: index 4 out of range for dimension 1 of size 3", x.indexCopy, x, 1, {1, 4}, torch.ones(2, 2))
  H.eq(x:sum(), 0)
  H.check_error("torch.indexAdd: source of shape 2x3 for 2 indices along dimension 1 of a 3x2 tensor",
    x.indexAdd, x, 1, {1, 2}, torch.ones(2, 3))
  H.check_error("torch.indexFill: index -4 out of range for dimension 1 of size 3", x.indexFill, x, 1, {-4}, 1)
  H.check_error("torch.indexFill: the value (argument 4) must be a number (got no value)", x.indexFill, x, 1, {1})
  H.check_error("torch.indexCopy: argument 4 (the source) must be a tensor (got number)", x.indexCopy, x, 1, {1}, 3)
  H.eq(x:sum(), 0)
end)

H.test("gather: Torch7's doc example, forms, every dtype", function()
  local x = seq(torch.DoubleTensor, 5, 5)
  same(x:gather(1, torch.LongTensor{{1, 2, 3, 4, 5}, {2, 3, 4, 5, 1}}),
    {{1, 7, 13, 19, 25}, {6, 12, 18, 24, 5}})
  same(torch.gather(x, 2, torch.LongTensor{{1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 1}}),
    {{1, 2}, {7, 8}, {13, 14}, {19, 20}, {25, 21}})
  local res = torch.Tensor()
  H.eq(res:gather(x, 2, torch.LongTensor{{-1}, {1}, {1}, {1}, {1}}), res)
  same(res, {{5}, {6}, {11}, {16}, {21}})
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local s = strided(T, 4, 3)
    local idx = torch.LongTensor{{3, 1}, {2, 2}, {1, 3}, {3, 3}}
    local g = s:gather(2, idx)
    H.eq(g:type(), s:type())
    for i = 1, 4 do for j = 1, 2 do H.eq(g[i][j], s[i][idx[i][j]], ty) end end
  end
  -- the max along a dim, gathered back (Torch7's test)
  local m = torch.randn(3, 4, 5)
  local v, i = m:max(3)
  same(m:gather(3, i), v:totable())
end)

H.test("scatter: Torch7's doc examples, tensor and value forms", function()
  local x = torch.Tensor{{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}}
  local y = torch.zeros(3, 5):scatter(1, torch.LongTensor{{1, 2, 3, 1, 1}, {3, 1, 1, 2, 3}}, x)
  same(y, {{1, 7, 8, 4, 5}, {0, 2, 0, 9, 0}, {6, 0, 3, 0, 10}})
  local z = torch.zeros(2, 4):scatter(2, torch.LongTensor{{3}, {4}}, 1.25)
  same(z, {{0, 0, 1.25, 0}, {0, 0, 0, 1.25}})
  local b = torch.ByteTensor(2, 2):zero()
  torch.scatter(b, 2, torch.LongTensor{{-1}, {1}}, 300)  -- stored as Byte: wraps as C does
  H.eq(b[1][2], 44)
  H.eq(b[2][1], 44)
  local t = torch.zeros(2, 3)
  H.check_error("torch.scatter: index 4 out of range for dimension 2 of size 3", t.scatter, t, 2, torch.LongTensor{{4}, {1}}, 1)
  H.eq(t:sum(), 0)
  H.check_error("torch.scatter: source of shape 1x1 is smaller than the index (2x1)", t.scatter, t, 2,
    torch.LongTensor{{1}, {1}}, torch.ones(1, 1))
  H.check_error("torch.gather: index of shape 3x1 does not fit a 2x3 tensor along dimension 2", t.gather, t, 2,
    torch.LongTensor{{1}, {1}, {1}})
end)

H.test("maskedSelect, maskedCopy, maskedFill: forms, doc examples, every dtype", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local x = strided(T, 3, 4)
    local mask = torch.ByteTensor{{1, 0, 1, 0, 0, 0}, {1, 1, 0, 0, 0, 1}}  -- same count, other shape
    same(x:maskedSelect(mask), {1, 3, 7, 8, 12}, ty .. " maskedSelect")
    local z = T()
    H.eq(z:maskedSelect(x, mask), z)
    same(z, {1, 3, 7, 8, 12}, ty .. " res:maskedSelect")
    same(torch.maskedSelect(x, x:gt(10)), {11, 12}, ty .. " torch.maskedSelect")
    local y = T(2, 4):fill(9)
    H.eq(y:maskedCopy(torch.ByteTensor{{0, 0, 1, 1, 1, 0, 1, 0}}, seq(T, 2, 2)), y)
    same(y, {{9, 9, 1, 2}, {3, 9, 4, 9}}, ty .. " maskedCopy")
    local w = seq(T, 1, 4)
    H.eq(w:maskedFill(torch.ByteTensor{{0, 0}, {1, 1}}, 7), w)
    same(w, {{1, 2, 7, 7}}, ty .. " maskedFill")
  end
  -- a broadcast mask (numpy), a mask of non-zero bytes other than 1
  local x = seq(torch.DoubleTensor, 2, 3)
  same(x:maskedSelect(torch.ByteTensor{{0, 5, 1}}), {2, 3, 5, 6})
  -- nothing selected: an empty tensor
  H.eq(x:maskedSelect(torch.ByteTensor(2, 3):zero()):dim(), 0)
  -- Torch7's test: a longer source is fine, a shorter one is an error
  local d = torch.zeros(4)
  d:maskedCopy(torch.ByteTensor{0, 1, 0, 1}, torch.Tensor{10, 20, 30})
  same(d, {0, 10, 0, 20})
  H.check_error("torch.maskedCopy: the mask selects 2 elements but the source has only 1", d.maskedCopy, d,
    torch.ByteTensor{0, 1, 0, 1}, torch.Tensor{1})
  H.check_error("torch.maskedFill: the mask must be a ByteTensor (got a DoubleTensor)", d.maskedFill, d, torch.ones(4), 1)
  H.check_error("torch.maskedSelect: mask of shape 3 (3 elements) for a tensor of shape 4 (4 elements)",
    d.maskedSelect, d, torch.ByteTensor(3):zero())
  H.check_error("torch.maskedFill: the value (argument 3) must be a number (got string)", d.maskedFill, d,
    torch.ByteTensor(4):zero(), "x")
end)

H.test("nonzero: coordinates, forms, every dtype, empty", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local x = T{{2, 0, 2, 0}, {0, 0, 1, 2}}
    local want = {{1, 1}, {1, 3}, {2, 3}, {2, 4}}
    local n = torch.nonzero(x)
    H.eq(n:type(), "torch.LongTensor")
    same(n, want, ty .. " torch.nonzero")
    same(x:nonzero(), want, ty .. " x:nonzero")
    local r = torch.LongTensor()
    H.eq(x.nonzero(r, x), r)
    same(r, want, ty .. " x.nonzero(res, x)")
    same(x:t():nonzero(), {{1, 1}, {3, 1}, {3, 2}, {4, 2}}, ty .. " strided")
  end
  same(torch.Tensor{0, 0 / 0, -0.0, 3}:nonzero(), {{2}, {4}})
  H.eq(torch.zeros(3, 2):nonzero():dim(), 0)
  H.eq(torch.Tensor():nonzero():dim(), 0)
  H.check_error("torch.nonzero: argument 1 (the tensor) must be a tensor (got number)", torch.nonzero, 3)
end)

H.done()
