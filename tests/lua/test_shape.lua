-- test_shape.lua: the Lua forms of cat, split, chunk, repeatTensor, diag,
-- tril, triu, histc, bhistc, cross, renorm, equal (vm/l_shape.c) and the edge
-- cases of range/linspace/logspace (vm/l_tensor.c), against naive Lua loops,
-- closed forms and the examples of Torch7's doc/maths.md and doc/tensor.md.
local H = dofile("tests/lua/harness.lua")

local dtypes = {"Byte", "Char", "Short", "Int", "Long", "Float", "Double"}

local function same(got, want, msg, tol)
  H.ok(torch.isTensor(got), (msg or "") .. ": expected a tensor")
  local w = torch.DoubleTensor(want)
  H.eq(got:nElement(), w:nElement(), (msg or "") .. ": number of elements")
  local g, wf = got:double():contiguous():view(-1), w:view(-1)
  for i = 1, wf:nElement() do
    if tol then H.near(g[i], wf[i], tol, (msg or "") .. " element " .. i)
    else H.eq(g[i], wf[i], (msg or "") .. " element " .. i) end
  end
end

local function sizes(t) return table.concat(t:size():totable(), "x") end

local function seq(T, ...)
  local t = T(...)
  local f = t:view(-1)
  for i = 1, f:nElement() do f[i] = i end
  return t
end

H.test("cat: two tensors, a table, a result, dims, every dtype", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local a, b = seq(T, 2, 2), seq(T, 2, 2):t()  -- b strided
    same(torch.cat(a, b, 1), {{1, 2}, {3, 4}, {1, 3}, {2, 4}}, ty .. " dim 1")
    same(torch.cat(a, b), {{1, 2, 1, 3}, {3, 4, 2, 4}}, ty .. " default: the last dim")
    same(a:cat(b, -2), {{1, 2}, {3, 4}, {1, 3}, {2, 4}}, ty .. " x:cat(y, -2)")
    same(torch.cat({a, b, a}, 2), {{1, 2, 1, 3, 1, 2}, {3, 4, 2, 4, 3, 4}}, ty .. " table")
    local r = T()
    H.eq(torch.cat(r, a, b, 1), r, "torch.cat(res, x, y) returns res")
    H.eq(sizes(r), "4x2")
    H.eq(r:cat({b, a}, 2), r, "res:cat({...})")
    same(r, {{1, 3, 1, 2}, {2, 4, 3, 4}}, ty .. " res:cat table")
    H.eq(torch.cat(a, torch.DoubleTensor{{5, 6}}, 1):type(), a:type(), "the first input's type")
  end
  -- Torch7's doc examples: vectors, a new dimension, empty tensors skipped
  same(torch.cat(torch.ones(3), torch.zeros(2)), {1, 1, 1, 0, 0})
  same(torch.cat(torch.ones(3), torch.zeros(3), 2), {{1, 0}, {1, 0}, {1, 0}})
  H.eq(sizes(torch.cat({torch.Tensor(), torch.rand(3, 2)}, 1)), "3x2")
  H.eq(torch.cat(torch.Tensor(), torch.Tensor()):dim(), 0)
  -- a result that is one of the inputs
  local x = torch.Tensor{1, 2}
  torch.cat(x, x, x)
  same(x, {1, 2, 1, 2})
end)

H.test("cat: errors", function()
  H.check_error("torch.cat: no tensors to join (empty table)", torch.cat, {})
  H.check_error("torch.cat: tensors of shapes 2x2 and 3x3 differ outside dimension 1 (input 2)", torch.cat,
    torch.ones(2, 2), torch.ones(3, 3), 1)
  H.check_error("torch.cat: entry 2 of the table is a number (expected a tensor)", torch.cat, {torch.ones(2), 3})
  H.check_error("torch.cat: argument 2 (a tensor) must be a tensor (got number)", torch.cat, torch.ones(2), 3)
  H.check_error("torch.cat: dimension 0 out of range", torch.cat, torch.ones(2), torch.ones(2), 0)
  H.check_error("torch.cat: the dimension (argument 3) must be an integer", torch.cat, torch.ones(2), torch.ones(2), "x")
end)

H.test("split and chunk: views of the pieces, result tables", function()
  local x = seq(torch.DoubleTensor, 7, 4)
  local parts = x:split(3)
  H.eq(#parts, 3)
  H.eq(sizes(parts[1]), "3x4")
  H.eq(sizes(parts[3]), "1x4")
  same(parts[3], {{25, 26, 27, 28}})
  parts[2][1][1] = -1  -- a view: writes reach x
  H.eq(x[4][1], -1)
  local r = {"old", "entries", "are", "dropped", "too"}
  H.eq(torch.split(r, x, 2, 2), r)
  H.eq(#r, 2)
  H.eq(sizes(r[2]), "7x2")
  local c = torch.chunk(x:t(), 3, 2)
  H.eq(#c, 3)
  H.eq(sizes(c[1]), "4x3")
  H.eq(sizes(c[3]), "4x1")
  H.eq(#x:chunk(2, -1), 2)
  H.check_error("torch.split: the size must be positive (got 0)", x.split, x, 0)
  H.check_error("torch.chunk: dimension 3 out of range for a 2-dimensional tensor", x.chunk, x, 2, 3)
  H.check_error("torch.split: the tensor is empty", torch.split, torch.Tensor(), 1)
end)

H.test("repeatTensor: forms and values", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local x = T{1, 2, 3}
    same(x:repeatTensor(2, 2), {{1, 2, 3, 1, 2, 3}, {1, 2, 3, 1, 2, 3}}, ty)
    H.eq(sizes(torch.repeatTensor(x, 3, 2, 1)), "3x2x3")
    H.eq(sizes(x:repeatTensor(torch.LongStorage{2, 1})), "2x3")
    local r = T()
    H.eq(r:repeatTensor(x:view(3, 1), {1, 2}), r)
    same(r, {{1, 1}, {2, 2}, {3, 3}}, ty .. " into res")
  end
  local m = seq(torch.FloatTensor, 2, 3):t()  -- strided
  local r = m:repeatTensor(2, 1)
  for i = 1, 6 do for j = 1, 2 do H.eq(r[i][j], m[(i - 1) % 3 + 1][j]) end end
  H.check_error("torch.repeatTensor: 1 repetition counts for a 3x2 tensor (at least 2, at most 16)",
    m.repeatTensor, m, 2)
end)

H.test("diag, tril, triu: forms and k", function()
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local m = seq(T, 3, 4)
    same(torch.diag(m), {1, 6, 11}, ty)
    same(m:diag(1), {2, 7, 12}, ty .. " k = 1")
    same(m:diag(-2), {9}, ty .. " k = -2")
    H.eq(m:diag(4):nElement(), 0)
    same(torch.diag(T{1, 2}), {{1, 0}, {0, 2}}, ty .. " vector")
    same(torch.diag(T{1, 2}, -1), {{0, 0, 0}, {1, 0, 0}, {0, 2, 0}}, ty .. " vector k = -1")
    same(torch.tril(m), {{1, 0, 0, 0}, {5, 6, 0, 0}, {9, 10, 11, 0}}, ty .. " tril")
    same(m:triu(1), {{0, 2, 3, 4}, {0, 0, 7, 8}, {0, 0, 0, 12}}, ty .. " triu(1)")
    same(m:t():tril(-1), {{0, 0, 0}, {2, 0, 0}, {3, 7, 0}, {4, 8, 12}}, ty .. " tril of a strided view")
    local r = T()
    H.eq(torch.triu(r, m, -1), r)
    same(r, {{1, 2, 3, 4}, {5, 6, 7, 8}, {0, 10, 11, 12}}, ty .. " res form")
    H.eq(r:diag(m), r)
    same(r, {1, 6, 11})
  end
  H.check_error("torch.diag: expects a vector or a matrix (got a 2x2x2 tensor)", torch.diag, torch.zeros(2, 2, 2))
  H.check_error("torch.tril: expects a matrix (got a 3 tensor)", torch.tril, torch.zeros(3))
  H.check_error("torch.triu: the diagonal k (argument 2) must be an integer (got a fraction)", torch.triu,
    torch.zeros(2, 2), 0.5)
end)

H.test("histc and bhistc: Torch7's doc examples and defaults", function()
  local x = torch.Tensor{2, 4, 2, 2, 5, 4}
  same(torch.histc(x, 5, 1, 5), {0, 3, 0, 2, 1})
  local h = torch.histc(torch.range(1, 100))  -- 100 bins over [1, 100]
  H.eq(h:size(1), 100)
  H.eq(h:sum(), 100)
  same(torch.histc(torch.IntTensor{1, 1, 3}, 2), {2, 1})
  H.eq(torch.histc(torch.IntTensor{1, 2}, 2):type(), "torch.IntTensor")
  local b = torch.Tensor{{2, 4, 2, 2, 5, 4}, {3, 5, 1, 5, 3, 5}, {3, 4, 2, 5, 5, 1}}
  same(torch.bhistc(b, 5, 1, 5), {{0, 3, 0, 2, 1}, {1, 0, 2, 0, 3}, {1, 1, 1, 1, 2}})
  -- the range of the data, [2, 5]: 4 falls in bin 4 by Torch7's formula (its doc's example prints
  -- {3, 0, 2, 0, 1}, which the formula, shared with histc, does not give)
  same(torch.bhistc(torch.Tensor(1, 6):copy(b[1]), 5), {{3, 0, 0, 2, 1}})
  local r = torch.Tensor()
  H.eq(torch.histc(r, x, 2, 0, 10), r)
  same(r, {5, 1})  -- 5 opens the second bin
  H.check_error("torch.histc: the number of bins must be positive (got 0)", torch.histc, x, 0)
  H.check_error("torch.histc: min 3 is larger than max 1", torch.histc, x, 5, 3, 1)
  H.check_error("torch.bhistc: expects a vector or a matrix", torch.bhistc, torch.zeros(2, 2, 2))
end)

H.test("cross: default dim, given dim, result form, errors", function()
  same(torch.cross(torch.Tensor{1, 0, 0}, torch.Tensor{0, 1, 0}), {0, 0, 1})
  for _, ty in ipairs(dtypes) do
    local T = torch[ty .. "Tensor"]
    local a, b = T{{1, 2, 3}, {4, 5, 6}}, T{{3, 1, 2}, {1, 1, 1}}
    local want = {{2 * 2 - 3 * 1, 3 * 3 - 1 * 2, 1 * 1 - 2 * 3}, {5 - 6, 6 - 4, 4 - 5}}
    if ty == "Byte" then  -- unsigned: wraps as C does
      for i = 1, 2 do for j = 1, 3 do want[i][j] = want[i][j] % 256 end end
    end
    same(a:cross(b), want, ty .. " default dim: the first of size 3")
    same(torch.cross(a:t(), b:t(), 1):t(), want, ty .. " strided, dim 1")
    local r = T()
    H.eq(torch.cross(r, a, b, 2), r)
    same(r, want, ty .. " res")
  end
  H.check_error("torch.cross: no dimension of size 3 in a 2x2 tensor", torch.cross, torch.zeros(2, 2), torch.zeros(2, 2))
  H.check_error("torch.cross: dimension 1 has size 2 in a 2x3 tensor (expected 3)", torch.cross, torch.zeros(2, 3),
    torch.zeros(2, 3), 1)
  H.check_error("torch.cross: inputs of shapes 3 and 4 (expected the same shape)", torch.cross, torch.zeros(3),
    torch.zeros(4))
end)

H.test("renorm: function form makes a new tensor, method form works in place", function()
  local x = torch.Tensor{{3, 4}, {0.3, 0.4}, {6, 8}}  -- row norms 5, 0.5, 10
  local y = torch.renorm(x, 2, 1, 1)
  same(y, {{3 / (5 + 1e-7), 4 / (5 + 1e-7)}, {0.3, 0.4}, {6 / (10 + 1e-7), 8 / (10 + 1e-7)}}, "rows", 1e-15)
  H.eq(x[1][1], 3, "x untouched by torch.renorm")
  local z = x:clone()
  H.eq(z:renorm(2, 1, 1), z)
  same(z, y:totable(), "in place", 1e-15)
  local f = torch.FloatTensor{{1, 1}, {1, 1}}
  same(f:renorm(1, 2, 1), {{0.5, 0.5}, {0.5, 0.5}}, "p = 1 over columns", 1e-6)
  local r = torch.Tensor()
  H.eq(r:renorm(x, 2, 1, 1), r, "r:renorm(src, ...) writes into r")
  same(r, y:totable(), "into a result", 1e-15)
  H.check_error("torch.renorm: Float and Double tensors only (got Int)", torch.renorm, torch.IntTensor{1}, 2, 1, 1)
  H.check_error("torch.renorm: the norm's p must be positive (got -1)", torch.renorm, x, -1, 1, 1)
  H.check_error("torch.renorm: argument 4 (maxnorm) must be a number (got no value)", torch.renorm, x, 2, 1)
end)

H.test("equal: shapes and values, strided, other dtypes", function()
  local t1 = torch.Tensor{3, 4, 9, 10}
  H.eq(t1:equal(t1:clone()), true)
  H.eq(torch.equal(t1, torch.Tensor{1, 9, 3, 10}), false)
  H.eq(t1:equal(torch.Tensor{3, 4, 9}), false)
  H.eq(t1:equal(torch.Tensor()), false)
  local s = torch.Tensor{{1, 2, 3, 4}, {5, 6, 7, 8}}
  H.eq(s[{{}, {2, 3}}]:equal(torch.Tensor{{2, 3}, {6, 7}}), true)
  H.eq(t1:equal(t1:int()), true)
  H.eq(torch.Tensor{0 / 0}:equal(torch.Tensor{0 / 0}), false)
  H.check_error("torch.equal: argument 2 (the second tensor) must be a tensor (got number)", torch.equal, t1, 1)
end)

H.test("range, linspace, logspace: Torch7's edge cases, methods, results kept in shape", function()
  same(torch.range(1, 0, -1), {1, 0})
  same(torch.range(1, 1, -1), {1})
  H.eq(torch.FloatTensor():range(0.6, 0.9, 0.1):size(1), 4)
  H.eq(torch.DoubleTensor():range(1, 10, 0.3):size(1), 31)
  local x = torch.zeros(2, 3)
  x:narrow(2, 2, 2):range(0, 3)
  same(x, {{0, 0, 1}, {0, 2, 3}}, "range into a strided view of 4 elements")
  x = torch.zeros(2, 3)
  x:narrow(2, 2, 2):linspace(0, 3, 4)
  same(x, {{0, 0, 1}, {0, 2, 3}}, "linspace into a strided view")
  x = torch.zeros(2, 3)
  x:narrow(2, 2, 2):logspace(0, 3, 4)
  same(x, {{0, 1, 10}, {0, 100, 1000}}, "logspace into a strided view", 1e-15)
  same(torch.linspace(2, 0, 3), {2, 1, 0})
  same(torch.linspace(0, 0, 1), {0})
  same(torch.logspace(1, 0, 2), {10, 1})
  same(torch.logspace(0, 0, 1), {1})
  local r = torch.IntTensor(7)
  H.eq(torch.range(r, 1, 3), r)
  H.eq(sizes(r), "3", "resized to the count when it differs")
  H.check_error("torch.linspace: one point needs equal bounds", torch.linspace, 0, 1, 1)
  H.check_error("torch.logspace: one point needs equal bounds", torch.logspace, 0, 1, 1)
  H.check_error("torch.range: upper bound and step sign are inconsistent", torch.range, 0, 1, -1)
end)

H.done()
