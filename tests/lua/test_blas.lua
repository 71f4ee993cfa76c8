-- test_blas.lua: the Lua call forms of torch.dot, mv, mm, bmm, ger, addmv,
-- addmm, addr, addbmm, baddbmm and matmul, checked against a naive Lua
-- reference (plain tables), numpy's matmul (tests/fixtures/blas_matmul.lua,
-- made by tests/fixtures/blas_matmul.py), and the error messages.
local H = dofile("tests/lua/harness.lua")

local TYPES = {"Byte", "Char", "Short", "Int", "Long", "Float", "Double"}

-- ---- plain-table reference ----

-- rows x cols matrix of small integers, as a Lua table of rows (deterministic).
local function mat(rows, cols, seed)
  local m = {}
  for i = 1, rows do
    m[i] = {}
    for j = 1, cols do m[i][j] = ((i * 7 + j * 3 + seed * 5) % 9) - 4 end
  end
  return m
end

local function vec(n, seed)
  local v = {}
  for i = 1, n do v[i] = ((i * 5 + seed * 3) % 7) - 3 end
  return v
end

local function ref_mm(a, b)
  local c = {}
  for i = 1, #a do
    c[i] = {}
    for j = 1, #b[1] do
      local s = 0
      for k = 1, #b do s = s + a[i][k] * b[k][j] end
      c[i][j] = s
    end
  end
  return c
end

local function ref_mv(a, v)
  local r = {}
  for i = 1, #a do
    local s = 0
    for k = 1, #v do s = s + a[i][k] * v[k] end
    r[i] = s
  end
  return r
end

local function ref_ger(x, y)
  local r = {}
  for i = 1, #x do
    r[i] = {}
    for j = 1, #y do r[i][j] = x[i] * y[j] end
  end
  return r
end

-- a*x + b*y element-wise over nested tables of the same shape
local function lin(a, x, b, y)
  if type(x) == "number" then return a * x + b * y end
  local r = {}
  for i = 1, #x do r[i] = lin(a, x[i], b, y[i]) end
  return r
end

-- Compares a tensor to a nested table (exactly for integers, else with tol).
local function same(t, want, tol, msg)
  local got = t:totable()
  local function walk(g, w, where)
    if type(w) == "number" then
      if tol then H.near(g, w, tol, where) else H.eq(g, w, where) end
      return
    end
    H.eq(type(g), "table", where)
    H.eq(#g, #w, where .. " length")
    for i = 1, #w do walk(g[i], w[i], where .. "[" .. i .. "]") end
  end
  walk(got, want, msg or "tensor")
end

local function T(tbl, ty) return torch[(ty or "Double") .. "Tensor"](tbl) end

-- ---- dot ----

H.test("dot: function and method forms, number results", function()
  local x, y = T{1, 2, 3}, T{4, -5, 6}
  H.eq(torch.dot(x, y), 12.0)
  H.eq(x:dot(y), 12.0)
  H.eq(math.type(torch.dot(x, y)), "float")
  -- any shapes with the same number of elements (Torch7's doc example)
  H.eq(torch.dot(torch.Tensor(2, 2):fill(2), torch.Tensor(4):fill(3)), 24.0)
  for _, ty in ipairs(TYPES) do
    local a, b = T({1, 2, 3, 4}, ty), T({2, 3, 1, 1}, ty)
    local d = torch.dot(a, b)
    H.eq(d, 15, ty)
    if ty ~= "Float" and ty ~= "Double" then H.eq(math.type(d), "integer", ty) end
  end
  -- integer dots add in 64 bits, like Torch7's accreal
  H.eq(torch.dot(torch.ByteTensor(3):fill(200), torch.ByteTensor(3):fill(200)), 120000)
  -- strided: every other element of a row, and a column
  local m = T{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
  H.eq(torch.dot(m:select(2, 2), m:select(2, 4)), 2 * 4 + 6 * 8 + 10 * 12)
  H.eq(torch.dot(torch.Tensor(0), torch.Tensor(0)), 0.0)
end)

-- ---- mv, mm, bmm, ger ----

H.test("mv: ([res,] mat, vec) and res:mv(mat, vec)", function()
  local a, v = mat(4, 3, 1), vec(3, 2)
  local want = ref_mv(a, v)
  same(torch.mv(T(a), T(v)), want)
  local res = torch.Tensor(7)
  local r = torch.mv(res, T(a), T(v))
  H.ok(r == res, "returns res")
  same(res, want)
  local res2 = torch.Tensor(4)
  H.ok(res2:mv(T(a), T(v)) == res2)
  same(res2, want)
  -- transposed matrix and strided vector (a column of a 3x2 matrix)
  local at = T(mat(3, 4, 1)):t()
  local col = T{{9, v[1]}, {9, v[2]}, {9, v[3]}}:select(2, 2)
  H.eq(col:stride(1), 2)
  same(torch.mv(at, col), ref_mv(at:totable(), v))
end)

H.test("mm: forms, every dtype, strided operands and results", function()
  for _, ty in ipairs(TYPES) do
    local a, b = mat(7, 5, 1), mat(5, 3, 2)
    local want = ref_mm(a, b)
    local tol = ty == "Float" and 1e-5 or nil
    -- Byte wraps mod 256, Char mod 256 signed: build the reference the same way
    if ty == "Byte" then
      for i = 1, 7 do for k = 1, 5 do a[i][k] = a[i][k] % 256 end end
      for i = 1, 5 do for k = 1, 3 do b[i][k] = b[i][k] % 256 end end
      want = ref_mm(a, b)
      for i = 1, 7 do for j = 1, 3 do want[i][j] = want[i][j] % 256 end end
    end
    same(torch.mm(T(a, ty), T(b, ty)), want, tol, ty .. " mm")
    local res = torch[ty .. "Tensor"]()
    H.ok(torch.mm(res, T(a, ty), T(b, ty)) == res)
    same(res, want, tol, ty .. " mm res")
    local res2 = torch[ty .. "Tensor"](3, 3)
    H.ok(res2:mm(T(a, ty), T(b, ty)) == res2)
    same(res2, want, tol, ty .. " M:mm")
    -- transposed inputs: (a^T)^T and (b^T)^T are a and b
    local at = T(a, ty):t():contiguous():t()
    local bt = T(b, ty):t():contiguous():t()
    same(torch.mm(at, bt), want, tol, ty .. " transposed")
    -- narrowed inputs inside bigger tensors
    local A = torch[ty .. "Tensor"](9, 8):zero()
    A:sub(2, 8, 3, 7):copy(T(a, ty))
    same(torch.mm(A:sub(2, 8, 3, 7), bt), want, tol, ty .. " narrowed")
    -- a transposed (non-contiguous) result of the right shape keeps its strides
    local R = torch[ty .. "Tensor"](3, 7)
    local rv = R:t()
    torch.mm(rv, T(a, ty), T(b, ty))
    H.eq(rv:stride(1), 1, "result strides kept")
    same(rv, want, tol, ty .. " into a transposed result")
  end
end)

H.test("mm: odd and empty sizes", function()
  local r = torch.mm(torch.Tensor(0, 3), torch.Tensor(3, 4))
  H.eq(r:dim(), 2); H.eq(r:size(1), 0); H.eq(r:size(2), 4)
  r = torch.mm(torch.Tensor(2, 0), torch.Tensor(0, 3))
  same(r, {{0, 0, 0}, {0, 0, 0}})
  r = torch.mm(torch.Tensor(3, 2):fill(1), torch.Tensor(2, 0))
  H.eq(r:size(1), 3); H.eq(r:size(2), 0)
  same(torch.mm(T{{2}}, T{{3}}), {{6}})
end)

H.test("bmm and ger", function()
  local a1, a2, b1, b2 = mat(2, 3, 1), mat(2, 3, 2), mat(3, 4, 3), mat(3, 4, 4)
  local x = torch.Tensor(2, 2, 3); x[1]:copy(T(a1)); x[2]:copy(T(a2))
  local y = torch.Tensor(2, 3, 4); y[1]:copy(T(b1)); y[2]:copy(T(b2))
  local want = {ref_mm(a1, b1), ref_mm(a2, b2)}
  same(torch.bmm(x, y), want)
  local res = torch.Tensor()
  H.ok(torch.bmm(res, x, y) == res)
  same(res, want)
  local res2 = torch.Tensor(2, 2, 4)
  H.ok(res2:bmm(x, y) == res2)
  same(res2, want)
  -- batches of transposed matrices
  same(torch.bmm(x:transpose(2, 3):contiguous():transpose(2, 3), y), want)

  local u, v = vec(3, 1), vec(4, 2)
  same(torch.ger(T(u), T(v)), ref_ger(u, v))
  local g = torch.Tensor(3, 4)
  H.ok(g:ger(T(u), T(v)) == g)
  same(g, ref_ger(u, v))
  H.ok(torch.ger(g, T(u), T(v)) == g)
  same(torch.ger(torch.IntTensor(u), torch.IntTensor(v)), ref_ger(u, v))
end)

-- ---- add forms ----

H.test("addmm: Torch7's function and method forms", function()
  local a, b, m = mat(3, 4, 1), mat(4, 2, 2), mat(3, 2, 3)
  local ab = ref_mm(a, b)
  local A, B = T(a), T(b)
  local M = function() return T(m) end
  same(torch.addmm(M(), A, B), lin(1, m, 1, ab), nil, "torch.addmm(M, a, b)")
  same(torch.addmm(2, M(), A, B), lin(2, m, 1, ab), nil, "torch.addmm(v1, M, a, b)")
  same(torch.addmm(M(), 3, A, B), lin(1, m, 3, ab), nil, "torch.addmm(M, v2, a, b)")
  same(torch.addmm(2, M(), 3, A, B), lin(2, m, 3, ab), nil, "torch.addmm(v1, M, v2, a, b)")
  local r = torch.Tensor()
  H.ok(torch.addmm(r, M(), A, B) == r)
  same(r, lin(1, m, 1, ab), nil, "torch.addmm(res, M, a, b)")
  H.ok(torch.addmm(r, 2, M(), -1, A, B) == r)
  same(r, lin(2, m, -1, ab), nil, "torch.addmm(res, v1, M, v2, a, b)")
  -- the input M is left alone by the function forms
  local Mk = M()
  torch.addmm(Mk, A, B)
  same(Mk, m, nil, "M untouched")
  -- methods: M:addmm(a, b) in place
  local x = M()
  H.ok(x:addmm(A, B) == x)
  same(x, lin(1, m, 1, ab), nil, "M:addmm(a, b)")
  x = M(); x:addmm(3, A, B)
  same(x, lin(1, m, 3, ab), nil, "M:addmm(v2, a, b)")
  x = M(); x:addmm(2, 3, A, B)
  same(x, lin(2, m, 3, ab), nil, "M:addmm(v1, v2, a, b)")
  local res = torch.Tensor(3, 2):fill(99)
  H.ok(res:addmm(M(), A, B) == res)
  same(res, lin(1, m, 1, ab), nil, "r:addmm(M, a, b)")
  res:addmm(M(), 3, A, B)
  same(res, lin(1, m, 3, ab), nil, "r:addmm(M, v2, a, b)")
  res:addmm(2, M(), 3, A, B)
  same(res, lin(2, m, 3, ab), nil, "r:addmm(v1, M, v2, a, b)")
  -- M broadcasts (numpy rules), as in PyTorch
  same(torch.addmm(T{10, 20}, A, B), lin(1, {{10, 20}, {10, 20}, {10, 20}}, 1, ab), nil, "broadcast M")
  -- beta = 0 ignores M entirely, NaN included
  same(torch.addmm(0, torch.Tensor(3, 2):fill(0 / 0), 1, A, B), ab, nil, "beta 0")
end)

H.test("addmv, addr: forms", function()
  local a, v, y = mat(3, 4, 1), vec(4, 2), vec(3, 3)
  local av = ref_mv(a, v)
  same(torch.addmv(T(y), T(a), T(v)), lin(1, y, 1, av))
  same(torch.addmv(2, T(y), 3, T(a), T(v)), lin(2, y, 3, av))
  local r = torch.Tensor()
  H.ok(torch.addmv(r, T(y), T(a), T(v)) == r)
  same(r, lin(1, y, 1, av))
  -- Torch7's doc example
  local x = torch.Tensor(3):fill(0)
  x:addmv(torch.Tensor(3, 2):fill(3), torch.Tensor(2):fill(2))
  same(x, {12, 12, 12})
  x = T(y); x:addmv(2, T(a), T(v))
  same(x, lin(1, y, 2, av))
  x = T(y); x:addmv(2, 3, T(a), T(v))
  same(x, lin(2, y, 3, av))

  -- addr, Torch7's doc example
  local vx, vy = torch.range(1, 3), torch.range(1, 2)
  local M = torch.Tensor(3, 2):zero()
  M:addr(vx, vy)
  same(M, {{1, 2}, {2, 4}, {3, 6}})
  M:addr(2, 1, vx, vy)
  same(M, {{3, 6}, {6, 12}, {9, 18}})
  local A = torch.range(1, 6):resize(3, 2)
  M:addr(2, A, 1, vx, vy)
  same(M, {{3, 6}, {8, 12}, {13, 18}})
  same(torch.addr(A, vx, vy), {{2, 4}, {5, 8}, {8, 12}})
  local r2 = torch.Tensor()
  H.ok(torch.addr(r2, 0.5, A, 2, vx, vy) == r2)
  same(r2, {{2.5, 5}, {5.5, 10}, {8.5, 15}})
end)

H.test("baddbmm, addbmm: forms", function()
  local x, y = torch.Tensor(2, 2, 3), torch.Tensor(2, 3, 4)
  local a = {mat(2, 3, 1), mat(2, 3, 2)}
  local b = {mat(3, 4, 3), mat(3, 4, 4)}
  for i = 1, 2 do x[i]:copy(T(a[i])); y[i]:copy(T(b[i])) end
  local p = {ref_mm(a[1], b[1]), ref_mm(a[2], b[2])}
  local m3 = {mat(2, 4, 5), mat(2, 4, 6)}
  same(torch.baddbmm(T(m3), x, y), lin(1, m3, 1, p))
  same(torch.baddbmm(2, T(m3), -1, x, y), lin(2, m3, -1, p))
  local M3 = T(m3)
  H.ok(M3:baddbmm(x, y) == M3)
  same(M3, lin(1, m3, 1, p))
  M3 = T(m3); M3:baddbmm(0.5, T(m3), 2, x, y)
  same(M3, lin(0.5, m3, 2, p))

  local m2 = mat(2, 4, 7)
  local sum = lin(1, p[1], 1, p[2])
  same(torch.addbmm(T(m2), x, y), lin(1, m2, 1, sum))
  same(torch.addbmm(3, T(m2), 2, x, y), lin(3, m2, 2, sum))
  local M2 = T(m2)
  H.ok(M2:addbmm(x, y) == M2)
  same(M2, lin(1, m2, 1, sum))
  local r = torch.Tensor()
  H.ok(torch.addbmm(r, T(m2), x, y) == r)
  same(r, lin(1, m2, 1, sum))
end)

H.test("in-place products whose result is also an operand", function()
  local a, b = mat(3, 3, 1), mat(3, 3, 2)
  local A = T(a)
  torch.mm(A, A, T(b))
  same(A, ref_mm(a, b), nil, "a = a @ b")
  local B = T(b)
  B:addmm(T(a), B)
  same(B, lin(1, b, 1, ref_mm(a, b)), nil, "b = b + a @ b")
end)

-- ---- matmul ----

local function from_fixture(f, ty)
  local n = 1
  for _, s in ipairs(f.shape) do n = n * s end
  local t = torch[ty .. "Tensor"](table.unpack(f.shape))
  if n > 0 then t:copy(torch[ty .. "Tensor"](f.data):view(table.unpack(f.shape))) end
  return t
end

local function flat(t)
  local out = {}
  local function walk(x)
    if type(x) == "number" then out[#out + 1] = x else for _, y in ipairs(x) do walk(y) end end
  end
  if t:nElement() > 0 then walk(t:totable()) end
  return out
end

H.test("matmul: numpy's broadcasting (fixture)", function()
  local cases = dofile("tests/fixtures/blas_matmul.lua")
  H.ok(#cases >= 10, "fixture loaded")
  for i, c in ipairs(cases) do
    local a, b = from_fixture(c.a, c.dtype), from_fixture(c.b, c.dtype)
    local r = torch.matmul(a, b)
    local where = string.format("case %d (%s)", i, c.dtype)
    H.eq(r:type(), "torch." .. c.dtype .. "Tensor", where)
    H.eq(r:dim(), #c.out.shape, where .. " dims")
    for d, s in ipairs(c.out.shape) do H.eq(r:size(d), s, where .. " size " .. d) end
    local got = flat(r)
    H.eq(#got, #c.out.data, where .. " count")
    for k, w in ipairs(c.out.data) do
      H.near(got[k], w, c.dtype == "Float" and 1e-6 or 1e-15, where .. " element " .. k)
    end
    -- into a result, and with transposed operands
    local res = torch[c.dtype .. "Tensor"]()
    H.ok(torch.matmul(res, a, b) == res)
    H.ok(res:isSameSizeAs(r), where .. " res size")
    if a:dim() >= 2 then
      local at = a:transpose(a:dim() - 1, a:dim()):contiguous():transpose(a:dim() - 1, a:dim())
      local got2 = flat(torch.matmul(at, b))
      for k, w in ipairs(c.out.data) do H.near(got2[k], w, 1e-6, where .. " transposed a " .. k) end
    end
    -- method forms: a:matmul(b) and res:matmul(a, b)
    H.eq(#flat(a:matmul(b)), #c.out.data)
    local res2 = torch[c.dtype .. "Tensor"]()
    H.ok(res2:matmul(a, b) == res2)
  end
end)

H.test("matmul: two vectors give their dot product", function()
  H.eq(torch.matmul(T{1, 2, 3}, T{4, 5, 6}), 32.0)
  H.eq(torch.matmul(torch.LongTensor{1, 2}, torch.LongTensor{3, 4}), 11)
  local r = torch.Tensor()
  H.ok(torch.matmul(r, T{1, 2}, T{3, 4}) == r)
  H.eq(r:nElement(), 1)
  H.eq(r[1], 11.0)
end)

-- ---- errors ----

H.test("error messages name the function and both shapes", function()
  H.check_error("torch.mm: cannot multiply 2x3 by 4x5", torch.mm, torch.Tensor(2, 3), torch.Tensor(4, 5))
  H.check_error("torch.mm: expected 2-D matrices (got 2x3 and 3)", torch.mm, torch.Tensor(2, 3), torch.Tensor(3))
  H.check_error("torch.mv: cannot multiply 2x3 by 4", torch.mv, torch.Tensor(2, 3), torch.Tensor(4))
  H.check_error("torch.mv: expected a 2-D matrix and a vector (got 3 and 3)", torch.mv, torch.Tensor(3), torch.Tensor(3))
  H.check_error("torch.bmm: cannot multiply batches 2x3x4 by 3x4x5", torch.bmm, torch.Tensor(2, 3, 4), torch.Tensor(3, 4, 5))
  H.check_error("torch.bmm: expected 3-D batches of matrices (got 3x4 and 4x5)", torch.bmm, torch.Tensor(3, 4), torch.Tensor(4, 5))
  H.check_error("torch.ger: expected vectors (got 2x2 and 3)", torch.ger, torch.Tensor(2, 2), torch.Tensor(3))
  H.check_error("torch.addmm: cannot add 2x2 to the 2x5 product of 2x3 by 3x5", torch.addmm,
    torch.Tensor(2, 2), torch.Tensor(2, 3), torch.Tensor(3, 5))
  H.check_error("torch.addmv: cannot add 3 to the 2 product of 2x4 by 4", torch.addmv,
    torch.Tensor(3), torch.Tensor(2, 4), torch.Tensor(4))
  H.check_error("torch.addr: cannot add 3x3 to the 2x3 outer product of 2 and 3", torch.addr,
    torch.Tensor(3, 3), torch.Tensor(2), torch.Tensor(3))
  H.check_error("torch.baddbmm: cannot multiply batches 2x3x4 by 2x5x6", torch.baddbmm,
    torch.Tensor(2, 3, 6), torch.Tensor(2, 3, 4), torch.Tensor(2, 5, 6))
  H.check_error("torch.dot: 3 and 2x2 have different numbers of elements (3 and 4)", torch.dot,
    torch.Tensor(3), torch.Tensor(2, 2))
  H.check_error("torch.matmul: cannot multiply 2x3 by 4", torch.matmul, torch.Tensor(2, 3), torch.Tensor(4))
  H.check_error("torch.matmul: batch dimensions of 2x2x3 and 3x3x5 cannot be broadcast together",
    torch.matmul, torch.Tensor(2, 2, 3), torch.Tensor(3, 3, 5))
  H.check_error("torch.mm: tensors must have the same type (got Double and Float)", torch.mm,
    torch.Tensor(2, 2), torch.FloatTensor(2, 2))
  H.check_error("torch.dot: tensors must have the same type (got Int and Long)", torch.dot,
    torch.IntTensor(2), torch.LongTensor(2))
  H.check_error("torch.addmm: bad arguments, expected ([res,] [v1,] M, [v2,] mat1, mat2)", torch.addmm,
    torch.Tensor(2, 2), torch.Tensor(2, 2))
  H.check_error("torch.addmm: argument 2 is a string", torch.addmm, torch.Tensor(2, 2), "x",
    torch.Tensor(2, 2), torch.Tensor(2, 2))
  H.check_error("torch.mm: bad arguments, expected ([res,] mat1, mat2)", torch.mm, torch.Tensor(2, 2))
end)

H.done()
