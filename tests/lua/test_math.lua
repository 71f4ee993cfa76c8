-- test_math.lua: the Lua side of element-wise maths (vm/l_math.c): Torch7's
-- call forms, operators, broadcasting, dtype rules and error messages, with
-- values checked against closed forms, Lua's math library and numpy results
-- stored in tests/fixtures/math_numpy.lua (made by math_numpy.py).
local H = dofile("tests/lua/harness.lua")
local F = dofile("tests/fixtures/math_numpy.lua")

local types = {"Byte", "Char", "Short", "Int", "Long", "Float", "Double"}

-- asserts that tensor t holds the (nested) table want, within tol
local function same(t, want, tol, msg)
  local got = t:totable()
  local function walk(g, w, path)
    if type(w) == "table" then
      H.eq(type(g), "table", (msg or "") .. " shape at " .. path)
      H.eq(#g, #w, (msg or "") .. " size at " .. path)
      for i = 1, #w do walk(g[i], w[i], path .. "[" .. i .. "]") end
    elseif g ~= w then -- (equal infinities are fine)
      H.near(g, w, tol or 1e-12, (msg or "") .. " at " .. path)
    end
  end
  walk(got, want, "")
end

local function seq(n, f)
  local t = {}
  for i = 1, n do t[i] = f(i) end
  return t
end

-- call forms -------------------------------------------------------------

H.test("torch.add forms: new, result, value*tensor", function()
  local x = torch.Tensor{1, 2, 3}
  local y = torch.Tensor{10, 20, 30}
  local r = torch.add(x, 1)
  same(r, {2, 3, 4}); same(x, {1, 2, 3}, 0, "x unchanged")
  r = torch.add(x, y); same(r, {11, 22, 33})
  r = torch.add(x, 2, y); same(r, {21, 42, 63})
  local res = torch.Tensor(7)
  local back = torch.add(res, x, y)
  H.ok(rawequal(back, res), "torch.add(res, ...) returns res")
  same(res, {11, 22, 33}, 0, "res resized and written")
  torch.add(res, x, 0.5, y); same(res, {6, 12, 18})
  torch.add(res, x, 5); same(res, {6, 7, 8})
end)

H.test("method forms work in place", function()
  local x = torch.Tensor{1, 2, 3}
  local y = torch.Tensor{10, 20, 30}
  local back = x:add(1)
  H.ok(rawequal(back, x), "x:add returns x")
  same(x, {2, 3, 4})
  x:add(y); same(x, {12, 23, 34})
  x:add(-1, y); same(x, {2, 3, 4})
  x:add(y, y); same(x, {20, 40, 60}, 0, "x:add(a, b) writes a + b into x")
  x:mul(0.5); same(x, {10, 20, 30})
  x:div(10); same(x, {1, 2, 3})
  x:cmul(y); same(x, {10, 40, 90})
  x:cdiv(y); same(x, {1, 2, 3})
  x:csub(1); same(x, {0, 1, 2})
  x:csub(2, torch.Tensor{1, 1, 1}); same(x, {-2, -1, 0})
  x:exp(); same(x, {math.exp(-2), math.exp(-1), 1}, 1e-15)
  x:log(); same(x, {-2, -1, 0}, 1e-15)
  x:abs(); same(x, {2, 1, 0})
  x:neg(); same(x, {-2, -1, 0})
  x:exp(y:clone():fill(0)); same(x, {1, 1, 1}, 0, "x:exp(y) writes exp(y) into x")
end)

H.test("in place on a transposed view keeps the view", function()
  local base = torch.Tensor{{1, 2, 3}, {4, 5, 6}}
  local t = base:t()
  t:add(torch.Tensor{100, 200}) -- broadcast over the rows of t (3x2)
  same(base, {{101, 102, 103}, {204, 205, 206}})
  local n = base:narrow(2, 2, 2)
  n:mul(2)
  same(base, {{101, 204, 206}, {204, 410, 412}})
end)

H.test("every unary function: forms and values", function()
  local xs = {-0.9, -0.3, 0.2, 0.7}
  local pos = {0.1, 0.5, 2, 9}
  local ref = {
    abs = {xs, math.abs}, neg = {xs, function(v) return -v end},
    sign = {xs, function(v) return v > 0 and 1 or (v < 0 and -1 or 0) end},
    exp = {xs, math.exp}, log = {pos, math.log}, log1p = {pos, function(v) return math.log(1 + v) end},
    sqrt = {pos, math.sqrt}, rsqrt = {pos, function(v) return 1 / math.sqrt(v) end},
    sin = {xs, math.sin}, cos = {xs, math.cos}, tan = {xs, math.tan},
    asin = {xs, math.asin}, acos = {xs, math.acos}, atan = {xs, math.atan},
    sinh = {xs, function(v) return (math.exp(v) - math.exp(-v)) / 2 end},
    cosh = {xs, function(v) return (math.exp(v) + math.exp(-v)) / 2 end},
    tanh = {xs, function(v) return (math.exp(2 * v) - 1) / (math.exp(2 * v) + 1) end},
    sigmoid = {xs, function(v) return 1 / (1 + math.exp(-v)) end},
    floor = {xs, math.floor}, ceil = {xs, math.ceil},
    round = {{-2.5, -0.5, 0.5, 1.4}, function(v) return v < 0 and -math.floor(-v + 0.5) or math.floor(v + 0.5) end},
    trunc = {xs, function(v) return v < 0 and math.ceil(v) or math.floor(v) end},
    frac = {{-1.25, -0.5, 0.75, 2.5}, function(v) return math.fmod(v, 1) end},
    cinv = {pos, function(v) return 1 / v end},
  }
  local count = 0
  for name, r in pairs(ref) do
    count = count + 1
    local x = torch.Tensor(r[1])
    local want = seq(#r[1], function(i) return r[2](r[1][i]) end)
    same(torch[name](x), want, 1e-14, "torch." .. name .. "(x)")
    local res = torch.Tensor()
    H.ok(rawequal(torch[name](res, x), res), name .. " returns res")
    same(res, want, 1e-14, "torch." .. name .. "(res, x)")
    local y = x:clone()
    H.ok(rawequal(y[name](y), y), name .. " method returns self")
    same(y, want, 1e-14, "x:" .. name .. "()")
    same(x, r[1], 0, name .. " left x alone")
    local f = torch.FloatTensor(r[1])
    same(torch[name](f), want, 1e-6, "Float " .. name)
    H.eq(torch[name](f):type(), "torch.FloatTensor")
  end
  H.eq(count, 24, "all 24 unary functions covered")
end)

H.test("unary functions match numpy", function()
  local u = F.unary
  local x = torch.Tensor(u.x)
  for _, name in ipairs({"sinh", "cosh", "tanh", "log1p", "asin", "acos", "atan", "tan", "frac", "sign"}) do
    same(torch[name](x), u[name], 1e-15, name)
  end
  same(torch.exp(torch.Tensor(F.exp.x)), F.exp.out, 2.3e-16, "exp")
  same(torch.sigmoid(torch.Tensor(F.sigmoid.x)), F.sigmoid.out, 4.5e-16, "sigmoid")
end)

H.test("integer tensors: abs/sign/neg work, transcendental functions are refused", function()
  local i = torch.IntTensor{-3, 0, 4}
  same(torch.abs(i), {3, 0, 4}); same(torch.sign(i), {-1, 0, 1}); same(-i, {3, 0, -4})
  H.eq(torch.abs(i):type(), "torch.IntTensor")
  same(torch.ByteTensor{0, 1, 200}:neg(), {0, 255, 56}, 0, "Byte negation wraps")
  for _, name in ipairs({"exp", "log", "sqrt", "sin", "tanh", "sigmoid", "floor", "round", "cinv"}) do
    H.check_error("torch." .. name .. ": not defined for Int tensors", torch[name], i)
  end
  H.check_error("torch.exp: not defined for Long tensors", function() torch.LongTensor{1}:exp() end)
  H.check_error("torch.atan2: not defined for Byte tensors", torch.atan2, torch.ByteTensor{1}, torch.ByteTensor{1})
  H.check_error("torch.lerp: not defined for Short tensors", torch.lerp, torch.ShortTensor{1}, torch.ShortTensor{2}, 0.5)
end)

-- binary and ternary ops -------------------------------------------------------

H.test("broadcasting matches numpy", function()
  local c = F.add_row
  same(torch.add(torch.Tensor(c.a), torch.Tensor(c.b)), c.out, 1e-15)
  same(torch.Tensor(c.a) + torch.Tensor(c.b), c.out, 1e-15, "operator +")
  c = F.mul_outer
  same(torch.cmul(torch.Tensor(c.a), torch.Tensor(c.b)), c.out, 1e-15, "3x1 * 1x4")
  local r = torch.Tensor(c.a) - torch.Tensor(c.b)
  H.eq(r:dim(), 2); H.eq(r:size(1), 3); H.eq(r:size(2), 4)
  c = F.sub_col
  same(torch.csub(torch.Tensor(c.a), torch.Tensor(c.b)), c.out, 1e-15, "3x2 - 3x1")
  -- a transposed (non-contiguous) operand broadcast against a vector
  local t = torch.Tensor(F.add_row.a):t()
  same(t + torch.Tensor{1, 2}, {{F.add_row.a[1][1] + 1, F.add_row.a[2][1] + 2},
                                {F.add_row.a[1][2] + 1, F.add_row.a[2][2] + 2},
                                {F.add_row.a[1][3] + 1, F.add_row.a[2][3] + 2}}, 1e-15)
end)

H.test("Torch7's rule: same element count, shapes that do not broadcast", function()
  -- as in Torch7's own test of cremainder: a 10x10 slice against a 100-element column
  local m1 = torch.Tensor(10, 10)
  for i = 1, 10 do for j = 1, 10 do m1[i][j] = (i * 7 + j * 3) % 19 - 9 end end
  local m2 = torch.Tensor(100, 3)
  for i = 1, 100 do m2[i][2] = (i % 5) + 1 end
  local col = m2:select(2, 2)
  local r = torch.cremainder(m1, col)
  H.eq(r:dim(), 2); H.eq(r:size(1), 10); H.eq(r:size(2), 10)
  for i = 1, 10 do for j = 1, 10 do
    H.eq(r[i][j], m1[i][j] % col[(i - 1) * 10 + j], "element " .. i .. "," .. j)
  end end
  local x = torch.Tensor{{1, 2, 3}, {4, 5, 6}}
  same(x + torch.Tensor{{10, 20}, {30, 40}, {50, 60}}, {{11, 22, 33}, {44, 55, 66}}, 0, "2x3 + 3x2")
  local y = x:clone(); y:cmul(torch.Tensor{1, 2, 3, 4, 5, 6}); same(y, {{1, 4, 9}, {16, 25, 36}}, 0, "in place 2x3 * 6")
  -- in place, shapes that broadcast to a result too big for x: element by element too
  local v = torch.Tensor{2, 4, 6}; v:cdiv(torch.Tensor{{1}, {2}, {3}}); same(v, {2, 2, 2}, 0, "in place 3 / 3x1")
end)

H.test("shape errors name both shapes", function()
  local a, b = torch.Tensor(2, 3), torch.Tensor(4)
  H.check_error("torch.add: shapes 2x3 and 4 cannot be broadcast together", torch.add, a, b)
  H.check_error("torch.add: shapes 2x3 and 4 cannot be broadcast together", function() return a + b end)
  H.check_error("torch.cmul: shapes 2x3 and 4 cannot be broadcast together", torch.cmul, a, b)
  H.check_error("torch.lt: shapes 2x3 and 4 cannot be broadcast together", torch.lt, a, b)
  H.check_error("torch.addcmul: shapes", torch.addcmul, a, a, b)
  H.check_error("torch.add: cannot write a 2x3 result in place into a 3 tensor", function()
    torch.Tensor(3):add(torch.Tensor(2, 3))
  end)
  H.check_error("torch.add: shapes empty and 2x3", torch.add, torch.Tensor(), a)
end)

H.test("argument errors", function()
  H.check_error("torch.add: bad arguments (string, number); expected ([res,] tensor, tensor|number)",
    torch.add, "a", 1)
  H.check_error("torch.exp: bad arguments (number)", torch.exp, 1)
  H.check_error("torch.clamp: bad arguments (tensor, number)", torch.clamp, torch.Tensor{1}, 0)
  H.check_error("torch.add: cannot combine a tensor with a string", function() return torch.Tensor{1} + "x" end)
  H.check_error("torch.add: cannot combine a table with a tensor", function() return {} + torch.Tensor{1} end)
  H.check_error("torch.lerp: bad arguments", torch.lerp, torch.Tensor{1}, 0.5, torch.Tensor{2})
end)

H.test("fmod, remainder, div match numpy (floats and integers)", function()
  local c = F.float_mod
  local x, y = torch.Tensor(c.x), torch.Tensor(c.y)
  same(torch.cremainder(x, y), c.remainder, 1e-15, "cremainder")
  same(torch.cfmod(x, y), c.fmod, 1e-15, "cfmod")
  same(torch.cdiv(x, y), c.div, 1e-15, "cdiv")
  same(x / y, c.div, 1e-15, "/")
  same(x % y, c.remainder, 1e-15, "% is numpy's remainder")
  same(torch.atan2(x, y), c.atan2, 1e-15, "atan2")
  same(torch.remainder(torch.Tensor{-7, 7}, 3), {2, 1}); same(torch.fmod(torch.Tensor{-7, 7}, 3), {-1, 1})
  c = F.int_mod
  x, y = torch.IntTensor(c.x), torch.IntTensor(c.y)
  same(torch.cremainder(x, y), c.remainder, 0, "int cremainder")
  same(torch.cfmod(x, y), c.fmod, 0, "int cfmod")
  same(torch.cdiv(x, y), c.div, 0, "int division truncates")
  same(torch.IntTensor{7, -7} / 2, {3, -3}, 0, "int / number truncates")
  same(torch.IntTensor{7, -7} % 0, {0, 0}, 0, "int % 0 is 0")
  same(torch.LongTensor{7, 0} / 0, {0, 0}, 0, "int / 0 is 0")
  same(torch.Tensor{1, -1} / 0, {1 / 0, -1 / 0}, 0, "float / 0 is inf")
end)

H.test("pow forms match numpy", function()
  local c = F.pow
  local x = torch.Tensor(c.x)
  same(torch.pow(x, 2.5), c.pow25, 1e-15, "pow(x, 2.5)")
  same(x ^ 2.5, c.pow25, 1e-15, "x ^ 2.5")
  same(torch.pow(2, x), c.twopow, 1e-15, "pow(2, x)")
  same(2 ^ x, c.twopow, 1e-15, "2 ^ x")
  local rev = torch.Tensor(seq(5, function(i) return c.x[6 - i] end))
  same(torch.cpow(x, rev), c.cpow, 1e-15, "cpow")
  same(x ^ rev, c.cpow, 1e-15, "x ^ y")
  local res = torch.Tensor()
  torch.pow(res, 3, torch.Tensor{1, 2}); same(res, {3, 9}, 0, "pow(res, 3, x)")
  same(torch.DoubleTensor.pow(2, torch.Tensor{1, 2}), {2, 4}, 0, "class method with a number first")
  same(torch.IntTensor{2, 3, -2}:pow(3), {8, 27, -8}, 0, "integer pow")
  same(torch.LongTensor{2, 1, -1}:pow(-1), {0, 1, -1}, 0, "integer negative pow truncates")
  -- the square is x*x (as numpy's x**2): exactly the rounded product, pow's
  -- special values, every form and both float dtypes
  torch.manualSeed(4)
  for _, T in ipairs({ torch.DoubleTensor, torch.FloatTensor }) do
    local r = T(1000):normal():mul(1e3)
    local sq = torch.cmul(r, r)
    H.eq((torch.pow(r, 2) - sq):abs():max(), 0, "pow(x, 2) = x*x")
    H.eq(((r ^ 2) - sq):abs():max(), 0, "x ^ 2 = x*x")
    H.eq((r:clone():pow(2) - sq):abs():max(), 0, "in place")
    local sp = torch.pow(T({ -0.0, 1 / 0, -1 / 0, 0 / 0, -3 }), 2)
    H.ok(1 / sp[1] == math.huge and sp[2] == math.huge and sp[3] == math.huge and sp[4] ~= sp[4] and sp[5] == 9,
      "pow(x, 2) of -0, inf, -inf, NaN, -3")
  end
end)

H.test("cmax, cmin, clamp, lerp, addcmul, addcdiv", function()
  local a, b = torch.Tensor{1, 5, -2}, torch.Tensor{3, 4, -1}
  same(torch.cmax(a, b), {3, 5, -1}); same(torch.cmin(a, b), {1, 4, -2})
  same(torch.cmax(a, 0), {1, 5, 0}); same(torch.cmin(a, 0), {0, 0, -2})
  same(torch.clamp(a, 0, 2), {1, 2, 0}); same(a:clone():clamp(-1, 1), {1, 1, -1})
  same(torch.IntTensor{-5, 0, 9}:clamp(-1, 3), {-1, 0, 3}, 0, "integer clamp")
  local c = F.lerp
  same(torch.lerp(torch.Tensor(c.a), torch.Tensor(c.b), c.w), c.out, 1e-15, "lerp")
  local l = torch.Tensor(c.a); l:lerp(torch.Tensor(c.b), c.w); same(l, c.out, 1e-15, "x:lerp")
  H.eq(torch.lerp(2, 10, 0.25), 4, "torch.lerp of numbers is a number (Torch7)")
  c = F.addc
  local x, t1, t2 = torch.Tensor(c.x), torch.Tensor(c.t1), torch.Tensor(c.t2)
  same(torch.addcmul(x, c.v, t1, t2), c.mul, 1e-15, "addcmul broadcast")
  same(torch.addcdiv(x, c.v, t1, t2), c.div, 1e-15, "addcdiv broadcast")
  same(torch.addcmul(torch.Tensor{1}, torch.Tensor{2}, torch.Tensor{3}), {7}, 0, "addcmul without value")
  local res = torch.Tensor()
  torch.addcdiv(res, torch.Tensor{1, 1}, 2, torch.Tensor{3, 4}, torch.Tensor{2, 8})
  same(res, {4, 2}, 0, "addcdiv(res, ...)")
  local m = torch.Tensor{1, 1}
  m:addcmul(2, torch.Tensor{3, 4}, torch.Tensor{2, 8}); same(m, {13, 65}, 0, "x:addcmul in place")
end)

H.test("shifts and bitwise ops (Torch7's lshift ... cbitxor)", function()
  local x = torch.LongTensor{1, 5, -8, 255}
  same(torch.lshift(x, 2), {4, 20, -32, 1020}, 0, "lshift")
  same(torch.rshift(x, 1), {0, 2, -4, 127}, 0, "rshift keeps the sign")
  same(torch.bitand(x, 6), {0, 4, 0, 6}, 0, "bitand")
  same(torch.bitor(x, 2), {3, 7, -6, 255}, 0, "bitor")
  same(torch.bitxor(x, 1), {0, 4, -7, 254}, 0, "bitxor")
  local t1, t2 = torch.IntTensor{12, 10}, torch.IntTensor{10, 3}
  local t3 = torch.cbitxor(t1, t2)
  same(torch.cbitxor(t3, t2), {12, 10}, 0, "xor swap"); same(torch.cbitand(t1, t2), {8, 2}, 0, "cbitand")
  same(torch.cbitor(t1, t2), {14, 11}, 0, "cbitor")
  same(torch.clshift(t1, t2), {12288, 80}, 0, "clshift"); same(torch.crshift(t1, t2), {0, 1}, 0, "crshift")
  same(torch.ByteTensor{1, 128}:lshift(1), {2, 0}, 0, "Byte lshift wraps")
  same(torch.IntTensor{1, -1}:lshift(40), {0, 0}, 0, "counts past the width give 0")
  same(torch.Tensor{3, -3}:lshift(2), {12, -12}, 0, "float lshift multiplies by 2^n")
  same(torch.Tensor{3, -3}:rshift(1), {1.5, -1.5}, 0, "float rshift divides by 2^n")
  H.check_error("torch.bitand: not defined for Double tensors (integer types only)", torch.bitand, torch.Tensor{1}, 1)
  same(torch.mod(torch.Tensor{-7, 7}, 3), {-1, 1}, 0, "mod is Torch7's deprecated fmod")
  same(torch.cmod(torch.Tensor{-7, 7}, torch.Tensor{3, 3}), {-1, 1}, 0, "cmod")
end)

-- comparisons ----------------------------------------------------------------

H.test("comparisons return ByteTensor masks (numpy values)", function()
  local c = F.compare
  local a, b = torch.Tensor(c.a), torch.Tensor(c.b)
  for _, op in ipairs({"lt", "le", "gt", "ge", "eq", "ne"}) do
    local m = torch[op](a, b)
    H.eq(m:type(), "torch.ByteTensor", op)
    same(m, c[op], 0, "torch." .. op)
    local mm = a[op](a, b)
    H.eq(mm:type(), "torch.ByteTensor", "a:" .. op .. " gives a new mask")
    same(mm, c[op], 0, "a:" .. op)
    same(a, c.a, 0, "a:" .. op .. " left a unchanged")
    local r = torch.ByteTensor()
    H.ok(rawequal(torch[op](r, a, b), r), op .. "(res, a, b) returns res")
    same(r, c[op], 0, op .. " into res")
  end
  same(torch.lt(torch.Tensor{1, 2, 3}, 2), {1, 0, 0}, 0, "tensor < number")
  same(torch.IntTensor{2, 3}:lt(2.5), {1, 0}, 0, "exact against a fractional number")
  same(torch.ByteTensor{1, 255}:gt(300), {0, 0}, 0, "exact against an out-of-range number")
  local d = torch.Tensor()
  torch.ge(d, torch.Tensor{1, 2, 3}, 2)
  H.eq(d:type(), "torch.DoubleTensor"); same(d, {0, 1, 1}, 0, "mask into a DoubleTensor result")
  local mask = torch.Tensor{1, 5, 2}:gt(1.5)
  same(mask, {0, 1, 1})
end)

-- operators -------------------------------------------------------------------

H.test("operators with numbers on either side, every dtype", function()
  for _, ty in ipairs(types) do
    local T = torch[ty .. "Tensor"]
    local x = T{1, 2, 6}
    local name = "torch." .. ty .. "Tensor"
    H.eq((x + 1):type(), name, ty .. " + keeps the dtype")
    same(x + 1, {2, 3, 7}, 0, ty .. " +"); same(1 + x, {2, 3, 7}, 0, ty .. " n+")
    same(x - 1, {0, 1, 5}, 0, ty .. " -"); same(10 - x, {9, 8, 4}, 0, ty .. " n-")
    same(x * 2, {2, 4, 12}, 0, ty .. " *"); same(2 * x, {2, 4, 12}, 0, ty .. " n*")
    same(x / 2, (ty == "Float" or ty == "Double") and {0.5, 1, 3} or {0, 1, 3}, 0, ty .. " /")
    same(12 / x, {12, 6, 2}, 0, ty .. " n/")
    same(x % 4, {1, 2, 2}, 0, ty .. " %"); same(7 % x, {0, 1, 1}, 0, ty .. " n%")
    same(x ^ 2, {1, 4, 36}, 0, ty .. " ^"); same(2 ^ x, {2, 4, 64}, 0, ty .. " n^")
    same(x + x, {2, 4, 12}, 0, ty .. " t+t")
    same(x - x, {0, 0, 0}, 0, ty .. " t-t")
    same(x / x, {1, 1, 1}, 0, ty .. " t/t")
    same(x % x, {0, 0, 0}, 0, ty .. " t%t")
    if ty ~= "Byte" then same(-x, {-1, -2, -6}, 0, ty .. " unary -") end
    same(x, {1, 2, 6}, 0, ty .. " operands unchanged")
  end
  same(torch.Tensor{0.5} / 2, {0.25})
end)

H.test("operator result dtype is the first tensor operand's", function()
  local i, d = torch.IntTensor{1, 2}, torch.Tensor{0.5, 0.5}
  H.eq((i + d):type(), "torch.IntTensor"); same(i + d, {1, 2}, 0, "Int + Double in Int")
  H.eq((d + i):type(), "torch.DoubleTensor"); same(d + i, {1.5, 2.5})
  H.eq((2.5 + i):type(), "torch.IntTensor"); same(2.5 + i, {3, 4}, 0, "number converted to Int")
  H.eq(torch.add(torch.FloatTensor{1}, torch.Tensor{2}):type(), "torch.FloatTensor")
end)

H.test("* of two tensors is the matrix product (torch.dot/mv/mm from l_blas.c)", function()
  H.check_error("torch.mul: * of two tensors is the matrix product of 1-D or 2-D tensors, got 2x2x2 and 2",
    function() return torch.Tensor(2, 2, 2) * torch.Tensor(2) end)
  local A = torch.Tensor{{1, 2}, {3, 4}}
  local v = torch.Tensor{1, 1}
  H.eq(v * v, 2, "1-D * 1-D is torch.dot")
  same(A * v, {3, 7}, 0, "2-D * 1-D is torch.mv")
  same(A * A, {{7, 10}, {15, 22}}, 0, "2-D * 2-D is torch.mm")
end)

H.test("* of two tensors looks torch.dot/mv/mm up at call time", function()
  local saved = {torch.dot, torch.mv, torch.mm}
  local seen = {}
  torch.dot = function(a, b) seen[#seen + 1] = "dot" .. a:dim() .. b:dim(); return 1 end
  torch.mv = function(a, b) seen[#seen + 1] = "mv" .. a:dim() .. b:dim(); return 2 end
  torch.mm = function(a, b) seen[#seen + 1] = "mm" .. a:dim() .. b:dim(); return 3 end
  local ok, err = pcall(function()
    local v, A = torch.Tensor(3), torch.Tensor(2, 3)
    H.eq(v * v, 1); H.eq(A * v, 2); H.eq(A * A:t(), 3)
  end)
  torch.dot, torch.mv, torch.mm = saved[1], saved[2], saved[3]
  H.ok(ok, err)
  H.eq(table.concat(seen, " "), "dot11 mv21 mm22")
end)

H.test("strided and odd-sized operands", function()
  local n = 37
  local big = torch.Tensor(n, 3)
  for i = 1, n do for j = 1, 3 do big[i][j] = i * 10 + j end end
  local col = big:select(2, 2) -- stride 3
  local r = col + col
  same(r, seq(n, function(i) return 2 * (i * 10 + 2) end))
  local e = torch.exp(col / 100)
  same(e, seq(n, function(i) return math.exp((i * 10 + 2) / 100) end), 1e-15)
  local s = torch.sigmoid(big:t())
  H.eq(s:size(1), 3); H.eq(s:size(2), n)
  H.near(s[2][5], 1 / (1 + math.exp(-52)), 1e-15)
  local m = big:t():gt(200)
  H.eq(m[1][20], 1); H.eq(m[1][19], 0)
end)

H.test("empty tensors", function()
  local e = torch.Tensor()
  H.eq((e + 1):dim(), 0); H.eq(torch.exp(e):dim(), 0); H.eq((e + e):nElement(), 0)
  H.eq(torch.lt(e, 1):nElement(), 0)
  local z = torch.Tensor(0, 3)
  local r = z + torch.Tensor(3)
  H.eq(r:dim(), 2); H.eq(r:size(1), 0); H.eq(r:size(2), 3)
end)

H.test("large tensors (threaded paths) agree with element formulas", function()
  local n = 300001
  local x = torch.linspace(-30, 30, n)
  local e = torch.exp(x)
  local s = torch.sigmoid(x)
  local a = x + x
  for _, i in ipairs({1, 2, 1000, 150001, 299999, n}) do
    local v = x[i]
    H.near(e[i], math.exp(v), 3e-16, "exp at " .. i)
    H.near(s[i], 1 / (1 + math.exp(-v)), 5e-16, "sigmoid at " .. i)
    H.eq(a[i], 2 * v, "add at " .. i)
  end
end)

H.done()
