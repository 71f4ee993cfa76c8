-- test_random.lua: torch.Generator, seeds, scalar draws, the tensor-filling
-- methods on every dtype, rand/randn/randperm/multinomial, error messages.
--
-- References: Torch7's documented values (doc/random.md: manualSeed(123) and
-- manualSeed(0) sequences), Box-Muller and the other formulas recomputed in
-- Lua from the raw 32-bit words of the same stream, closed-form moments.
local H = dofile("tests/lua/harness.lua")

local DTYPES = { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" }
local FLOATS = { Float = true, Double = true }

local function flat(t) -- all elements in logical order
  local out = {}
  local function walk(v)
    if type(v) == "table" then for _, w in ipairs(v) do walk(w) end else out[#out + 1] = v end
  end
  walk(t:totable())
  return out
end

local function mean_var(xs)
  local s = 0
  for _, v in ipairs(xs) do s = s + v end
  local m = s / #xs
  local ss = 0
  for _, v in ipairs(xs) do ss = ss + (v - m) ^ 2 end
  return m, ss / (#xs - 1)
end

-- ---- seeds and generators ----

H.test("Torch7's documented sequences", function()
  torch.manualSeed(123)
  H.near(torch.uniform(), 0.69646918727085, 1e-13)
  H.near(torch.uniform(), 0.71295532141812, 1e-13)
  H.near(torch.uniform(), 0.28613933874294, 1e-13)
  torch.manualSeed(0)
  H.eq(torch.random(), 2357136044)
  H.eq(torch.random(), 2546248239)
  local gen = torch.Generator()
  torch.manualSeed(gen, 0)
  H.eq(torch.random(gen), 2357136044)
  H.eq(torch.random(gen), 2546248239)
  -- init_genrand(5489), the published MT19937 reference
  torch.manualSeed(5489)
  for _, w in ipairs({ 3499211612, 581869302, 3890346734, 3586334585, 545404204 }) do
    H.eq(torch.random(), w)
  end
end)

H.test("seed, initialSeed, manualSeed round trip", function()
  local s = torch.seed()
  H.eq(math.type(s), "integer")
  H.eq(torch.initialSeed(), s)
  local a = { torch.random(), torch.random() }
  torch.manualSeed(torch.initialSeed())
  H.eq(torch.random(), a[1])
  H.eq(torch.random(), a[2])
  torch.manualSeed(2 ^ 40 + 7) -- float with an integer value; only the low 32 bits seed
  H.eq(torch.initialSeed(), 2 ^ 40 + 7)
  local w = torch.random()
  torch.manualSeed(7)
  H.eq(torch.random(), w)
  local gen = torch.Generator()
  H.ok(tostring(gen):find("torch.Generator", 1, true))
  torch.manualSeed(gen, 99)
  H.eq(torch.initialSeed(gen), 99)
  H.eq(math.type(torch.seed(gen)), "integer")
  H.ok(torch._gen ~= nil and torch._gen ~= gen)
end)

H.test("getRNGState / setRNGState", function()
  torch.manualSeed(123)
  H.near(torch.uniform(), 0.69646918727085, 1e-13)
  local s = torch.getRNGState()
  H.eq(s:type(), "torch.ByteTensor")
  H.eq(s:dim(), 1)
  local copy = s:clone()
  H.near(torch.uniform(), 0.71295532141812, 1e-13)
  H.near(torch.uniform(), 0.28613933874294, 1e-13)
  for i = 1, s:size(1) do H.eq(s[i], copy[i]) end -- value semantics
  H.ok(rawequal(torch.setRNGState(s), s))
  H.near(torch.uniform(), 0.71295532141812, 1e-13)
  -- a pending Box-Muller value is part of the state (Torch7's testBoxMullerState)
  torch.manualSeed(123)
  local seeded = torch.randn(101)
  local st = torch.getRNGState()
  local mid = torch.randn(101)
  torch.setRNGState(st)
  local again = torch.randn(101)
  for i = 1, 101 do H.eq(mid[i], again[i]) end
  torch.manualSeed(123)
  local re = torch.randn(101)
  for i = 1, 101 do H.eq(seeded[i], re[i]) end
  -- forking the default stream into a generator (Torch7's RNGStateAliasing)
  torch.manualSeed(1)
  torch.uniform()
  local gen = torch.Generator()
  torch.setRNGState(gen, torch.getRNGState())
  local target = torch.rand(1000)
  torch.rand(100000)
  local forked = torch.rand(gen, 1000)
  for i = 1, 1000 do H.eq(target[i], forked[i]) end
  -- getRNGState into a given ByteTensor, of a given generator
  local buf = torch.ByteTensor()
  H.ok(rawequal(torch.getRNGState(gen, buf), buf))
  H.eq(buf:size(1), s:size(1))
end)

H.test("generators are independent", function()
  local g1, g2 = torch.Generator(), torch.Generator()
  torch.manualSeed(g1, 5)
  torch.manualSeed(g2, 5)
  torch.manualSeed(5)
  local ref = {}
  for i = 1, 20 do ref[i] = torch.random() end
  torch.manualSeed(6)
  for i = 1, 20 do
    torch.random() -- the default stream moves ...
    torch.uniform(g2) -- ... and so does g2, but not g1
    H.eq(torch.random(g1), ref[i])
  end
  torch.manualSeed(g1, 124)
  torch.manualSeed(g2, 123)
  H.ok(torch.random(g1) ~= torch.random(g2))
end)

-- ---- scalar draws ----

H.test("scalar draws follow Torch7's formulas on the word stream", function()
  local function words(seed, n)
    torch.manualSeed(seed)
    local w = {}
    for i = 1, n do w[i] = torch.random() end
    torch.manualSeed(seed)
    return w
  end
  local w = words(11, 4)
  local x, y = w[1] / 2 ^ 32, w[2] / 2 ^ 32
  local rho = math.sqrt(-2 * math.log(1 - y))
  H.near(torch.normal(1, 3), rho * math.cos(2 * math.pi * x) * 3 + 1, 1e-14)
  H.near(torch.normal(1, 3), rho * math.sin(2 * math.pi * x) * 3 + 1, 1e-14)
  w = words(12, 3)
  H.near(torch.uniform(2, 5), w[1] / 2 ^ 32 * 3 + 2, 1e-15)
  H.near(torch.exponential(2), -0.5 * math.log(1 - w[2] / 2 ^ 32), 1e-14)
  H.near(torch.cauchy(1, 2), 1 + 2 * math.tan(math.pi * (w[3] / 2 ^ 32 - 0.5)), 1e-13)
  w = words(13, 4)
  local x2, y2 = w[1] / 2 ^ 32, w[2] / 2 ^ 32
  H.near(torch.logNormal(0.5, 0.25),
    math.exp(math.sqrt(-2 * math.log(1 - y2)) * math.cos(2 * math.pi * x2) * 0.25 + 0.5), 1e-14)
  w = words(14, 4)
  H.eq(torch.geometric(0.3), math.floor(math.log(1 - w[1] / 2 ^ 32) / math.log(0.3)) + 1)
  H.eq(torch.bernoulli(0.4), w[2] / 2 ^ 32 < 0.4 and 1 or 0)
  H.eq(torch.random(6), w[3] % 6 + 1)
  H.eq(torch.random(-3, 3), w[4] % 7 - 3)
end)

H.test("scalar draws: defaults, generators, types, ranges", function()
  local gen = torch.Generator()
  torch.manualSeed(gen, 3)
  local a = torch.uniform(gen)
  torch.manualSeed(3)
  H.eq(torch.uniform(), a) -- same seed, same draw, default stream or not
  for _ = 1, 200 do
    local u = torch.uniform()
    H.ok(u >= 0 and u < 1)
    local r = torch.random(gen, 6)
    H.eq(math.type(r), "integer")
    H.ok(r >= 1 and r <= 6)
    r = torch.random(-2, 2)
    H.ok(r >= -2 and r <= 2)
    local w = torch.random()
    H.ok(w >= 0 and w < 2 ^ 32)
    local b = torch.bernoulli()
    H.ok(b == 0 or b == 1)
    H.eq(math.type(b), "integer")
    local g = torch.geometric(gen, 0.5)
    H.ok(math.type(g) == "integer" and g >= 1)
    H.ok(torch.exponential(gen, 3) >= 0)
    H.ok(torch.logNormal() > 0)
    H.eq(math.type(torch.normal()), "float")
    H.eq(math.type(torch.cauchy(gen)), "float")
  end
  H.eq(torch.random(5, 5), 5)
  H.eq(torch.uniform(2, 2), 2)
  H.eq(torch.normal(4, 0), 4) -- stdv 0 allowed (numpy)
  H.eq(torch.bernoulli(0), 0)
  H.eq(torch.bernoulli(1), 1)
end)

H.test("defaults are Torch7's", function()
  local cases = { { "uniform", { 0, 1 } }, { "normal", { 0, 1 } }, { "cauchy", { 0, 1 } },
    { "logNormal", { 1, 2 } }, { "bernoulli", { 0.5 } } }
  for _, c in ipairs(cases) do
    local f = torch[c[1]]
    torch.manualSeed(31)
    local a = {}
    for i = 1, 200 do a[i] = f() end
    torch.manualSeed(31)
    for i = 1, 200 do H.eq(f(table.unpack(c[2])), a[i], c[1] .. " draw " .. i) end
    local x = torch.Tensor(200)
    torch.manualSeed(31)
    x[c[1]](x)
    for i = 1, 200 do H.eq(x[i], a[i], c[1] .. " fill " .. i) end
  end
end)

H.test("scalar statistics (1e5 draws)", function()
  torch.manualSeed(2024)
  local n = 100000
  local xs = {}
  for i = 1, n do xs[i] = torch.normal(2, 3) end
  local m, v = mean_var(xs)
  H.ok(math.abs(m - 2) < 5 * 3 / math.sqrt(n), "normal mean " .. m)
  H.ok(math.abs(v - 9) < 5 * math.sqrt(2 * 81 / n), "normal variance " .. v)
  for i = 1, n do xs[i] = torch.random(10) end
  local counts = {}
  for _, r in ipairs(xs) do counts[r] = (counts[r] or 0) + 1 end
  local chi2 = 0
  for k = 1, 10 do chi2 = chi2 + ((counts[k] or 0) - n / 10) ^ 2 / (n / 10) end
  H.ok(chi2 < 27.88, "random(10) chi-square " .. chi2) -- 0.1% point, 9 df
end)

-- ---- tensor fills ----

H.test("fill methods on every dtype", function()
  for _, name in ipairs(DTYPES) do
    local x = torch[name .. "Tensor"](50, 7)
    H.ok(rawequal(x:random(), x))
    H.ok(rawequal(x:random(9), x))
    for _, v in ipairs(flat(x)) do H.ok(v >= 1 and v <= 9 and v == math.floor(v), name .. " random(9)") end
    local lo = name == "Byte" and 0 or -3
    if name == "Byte" then
      H.check_error("torch.random: range [-3, 4] does not fit a Byte tensor ([0, 255])", x.random, x, -3, 4)
    end
    x:random(lo, 4)
    local seen = {}
    for _, v in ipairs(flat(x)) do
      H.ok(v >= lo and v <= 4, name .. " random(a, b)")
      seen[v] = true
    end
    for k = lo, 4 do H.ok(seen[k], name .. " random never drew " .. k) end
    H.ok(rawequal(x:geometric(0.5), x))
    for _, v in ipairs(flat(x)) do H.ok(v >= 1 and v == math.floor(v), name .. " geometric") end
    H.ok(rawequal(x:bernoulli(0.5), x))
    local ones = 0
    for _, v in ipairs(flat(x)) do
      H.ok(v == 0 or v == 1, name .. " bernoulli")
      ones = ones + v
    end
    H.ok(ones > 100 and ones < 250, name .. " bernoulli(0.5) count " .. ones)
    x:bernoulli(torch.Tensor(50, 7):fill(1))
    for _, v in ipairs(flat(x)) do H.eq(v, 1) end
    x:bernoulli(torch.FloatTensor(1, 7):fill(0)) -- broadcast probabilities
    for _, v in ipairs(flat(x)) do H.eq(v, 0) end
    for _, f in ipairs({ "uniform", "normal", "exponential", "cauchy", "logNormal" }) do
      if FLOATS[name] then
        local args = f == "exponential" and { 2 } or {}
        H.ok(rawequal(x[f](x, table.unpack(args)), x))
      else
        H.check_error("torch." .. f .. ": needs a Float or Double tensor (got " .. name .. ")", x[f], x, 1)
      end
    end
  end
end)

H.test("raw random() reduced per dtype as Torch7 does", function()
  local maxes = { Byte = 255, Char = 127, Short = 32767, Int = 2 ^ 31 - 1, Long = 2 ^ 32 - 1,
    Float = 2 ^ 24, Double = 2 ^ 32 - 1 }
  for _, name in ipairs(DTYPES) do
    torch.manualSeed(21)
    local w = {}
    for i = 1, 300 do w[i] = torch.random() end
    torch.manualSeed(21)
    local x = torch[name .. "Tensor"](300):random()
    local mod = maxes[name] + 1
    if name == "Float" then mod = 2 ^ 24 + 1 end
    for i = 1, 300 do H.eq(x[i], w[i] % mod, name .. " element " .. i) end
  end
end)

H.test("continuous fills: ranges, formulas, generators", function()
  for _, name in ipairs({ "Float", "Double" }) do
    local x = torch[name .. "Tensor"](1000)
    x:uniform(-2, 3)
    for _, v in ipairs(flat(x)) do H.ok(v >= -2 and v < 3) end
    x:uniform()
    for _, v in ipairs(flat(x)) do H.ok(v >= 0 and v < 1) end
    x:exponential(5)
    for _, v in ipairs(flat(x)) do H.ok(v >= 0) end
    x:logNormal(0, 1)
    for _, v in ipairs(flat(x)) do H.ok(v > 0) end
    -- the fill equals the scalar draws of the same stream
    local gen = torch.Generator()
    torch.manualSeed(gen, 8)
    x:normal(gen, 1, 2)
    torch.manualSeed(gen, 8)
    local tol = name == "Float" and 1e-6 or 0
    for i = 1, 1000 do H.near(x[i], torch.normal(gen, 1, 2), tol) end
    torch.manualSeed(gen, 9)
    torch.uniform(x, gen, 5, 6) -- torch.f(x, ...) fills x too
    torch.manualSeed(gen, 9)
    for i = 1, 1000 do H.near(x[i], torch.uniform(gen, 5, 6), tol) end
  end
end)

H.test("fills draw in logical order: strided and transposed views", function()
  torch.manualSeed(4)
  local ref = torch.rand(5, 3)
  local big = torch.zeros(3, 5)
  torch.manualSeed(4)
  big:t():uniform()
  for i = 1, 5 do for j = 1, 3 do H.eq(big[j][i], ref[i][j]) end end
  -- a narrowed column of a wider tensor: only those elements change
  local m = torch.zeros(4, 6)
  torch.manualSeed(4)
  m:narrow(2, 3, 2):normal()
  torch.manualSeed(4)
  local want = torch.randn(4, 2)
  for i = 1, 4 do
    for j = 1, 6 do
      if j == 3 or j == 4 then H.eq(m[i][j], want[i][j - 2]) else H.eq(m[i][j], 0) end
    end
  end
  -- integer dtype, strided
  local b = torch.IntTensor(6, 4):zero()
  torch.manualSeed(4)
  b:t():random(1, 100)
  torch.manualSeed(4)
  local r = torch.IntTensor(4, 6):random(1, 100)
  for i = 1, 4 do for j = 1, 6 do H.eq(b[j][i], r[i][j]) end end
  -- empty tensor: no draw
  torch.manualSeed(4)
  torch.DoubleTensor():uniform()
  torch.rand(0)
  H.eq(torch.uniform(), ref[1][1])
end)

H.test("bernoulli with a tensor of probabilities", function()
  torch.manualSeed(6)
  local n = 20000
  local p = torch.Tensor(n, 3)
  for i = 1, n do p[i][1], p[i][2], p[i][3] = 0, 0.25, 1 end
  local x = torch.ByteTensor(n, 3):bernoulli(p)
  local c = { 0, 0, 0 }
  for i = 1, n do for j = 1, 3 do c[j] = c[j] + x[i][j] end end
  H.eq(c[1], 0)
  H.eq(c[3], n)
  H.ok(math.abs(c[2] / n - 0.25) < 5 * math.sqrt(0.25 * 0.75 / n), "p = 0.25: " .. c[2] / n)
  -- Torch7: same element count, any shape
  local y = torch.Tensor(2, 2):bernoulli(torch.Tensor{ 1, 0, 0, 1 })
  H.eq(y[1][1], 1); H.eq(y[1][2], 0); H.eq(y[2][1], 0); H.eq(y[2][2], 1)
  -- with a generator
  local gen = torch.Generator()
  torch.manualSeed(gen, 1)
  local a = torch.Tensor(100):bernoulli(gen, torch.Tensor(100):fill(0.5))
  torch.manualSeed(gen, 1)
  local b = torch.Tensor(100):bernoulli(gen, 0.5)
  for i = 1, 100 do H.eq(a[i], b[i]) end
  -- probabilities aliasing the output are read before they are overwritten
  local z = torch.Tensor{ 0, 1, 0, 1, 1 }
  z:bernoulli(z)
  for i, v in ipairs({ 0, 1, 0, 1, 1 }) do H.eq(z[i], v) end
  H.check_error("torch.bernoulli: probability 1.5 at element 2 is outside [0, 1]",
    function() torch.Tensor(3):bernoulli(torch.Tensor{ 0.5, 1.5, 0 }) end)
  H.check_error("torch.bernoulli: probabilities of shape 4 do not match a tensor of shape 3",
    function() torch.Tensor(3):bernoulli(torch.Tensor(4):fill(0.5)) end)
end)

-- ---- factories ----

H.test("rand and randn", function()
  torch.manualSeed(123)
  local r = torch.rand(2, 3)
  H.eq(r:type(), "torch.DoubleTensor")
  H.eq(r:dim(), 2); H.eq(r:size(1), 2); H.eq(r:size(2), 3)
  H.near(r[1][1], 0.69646918727085, 1e-13)
  H.near(r[1][2], 0.71295532141812, 1e-13)
  -- result tensor, generator, storage and table sizes, method form
  local res = torch.FloatTensor()
  local gen = torch.Generator()
  torch.manualSeed(gen, 123)
  H.ok(rawequal(torch.rand(res, gen, torch.LongStorage{ 2, 2, 2 }), res))
  H.eq(res:dim(), 3)
  H.near(res[1][1][1], 0.69646918727085, 1e-7)
  local m = torch.Tensor(9)
  H.ok(rawequal(m:rand(4, 5), m))
  H.eq(m:size(1), 4)
  torch.manualSeed(123456)
  local a = torch.randn(7, 7)
  local b = torch.Tensor()
  torch.manualSeed(123456)
  torch.randn(b, 7, 7)
  for i = 1, 7 do for j = 1, 7 do H.eq(a[i][j], b[i][j]) end end
  local big = torch.randn(100000)
  local mean, var = mean_var(flat(big))
  H.ok(math.abs(mean) < 5 / math.sqrt(100000), "randn mean " .. mean)
  H.ok(math.abs(var - 1) < 5 * math.sqrt(2 / 100000), "randn variance " .. var)
  -- the default type decides the result type
  torch.setdefaulttensortype("torch.FloatTensor")
  local f = torch.rand(3)
  torch.setdefaulttensortype("torch.DoubleTensor")
  H.eq(f:type(), "torch.FloatTensor")
  H.check_error("torch.rand: result must be a Float or Double tensor (got torch.IntTensor)",
    torch.rand, torch.IntTensor(), 3)
  H.check_error("torch.randn: negative size -2 at dimension 2", torch.randn, 3, -2)
  H.check_error("torch.rand: size 1 is a string", torch.rand, "x")
end)

H.test("randperm", function()
  local function is_perm(p, n)
    H.eq(p:dim(), 1)
    H.eq(p:size(1), n)
    local seen = {}
    for i = 1, n do
      local v = p[i]
      H.ok(v >= 1 and v <= n and not seen[v], "value " .. v)
      seen[v] = true
    end
  end
  local p = torch.randperm(50)
  H.eq(p:type(), "torch.DoubleTensor")
  is_perm(p, 50)
  -- Torch7's swaps: element i with element i + word % (n - i + 1)
  torch.manualSeed(77)
  local w = {}
  for i = 1, 9 do w[i] = torch.random() end
  local ref = {}
  for i = 1, 10 do ref[i] = i end
  for i = 1, 9 do
    local z = i + w[i] % (10 - i + 1)
    ref[i], ref[z] = ref[z], ref[i]
  end
  torch.manualSeed(77)
  local q = torch.randperm(10)
  for i = 1, 10 do H.eq(q[i], ref[i]) end
  -- result tensor of any type, generator, method form, Torch7's randperm test
  local gen = torch.Generator()
  torch.manualSeed(gen, 77)
  local l = torch.LongTensor()
  H.ok(rawequal(torch.randperm(l, gen, 10), l))
  for i = 1, 10 do H.eq(l[i], ref[i]) end
  for _, name in ipairs(DTYPES) do
    local t = torch[name .. "Tensor"]()
    torch.manualSeed(77)
    H.ok(rawequal(t:randperm(10), t))
    for i = 1, 10 do H.eq(t[i], ref[i]) end
  end
  H.eq(torch.randperm(1)[1], 1)
  H.eq(torch.randperm(0):nElement(), 0)
  H.check_error("torch.randperm: n must be >= 0 (got -1)", torch.randperm, -1)
  H.check_error("torch.randperm: n = 300 does not fit a Byte tensor (at most 255)", torch.randperm,
    torch.ByteTensor(), 300)
  H.check_error("torch.randperm: missing n", torch.randperm)
end)

H.test("multinomial", function()
  torch.manualSeed(9)
  local p = torch.Tensor{ 1, 1, 0.5, 0 }
  local a = torch.multinomial(p, 10000, true)
  H.eq(a:type(), "torch.LongTensor")
  H.eq(a:dim(), 1); H.eq(a:size(1), 10000)
  local c = { 0, 0, 0, 0 }
  for i = 1, 10000 do c[a[i]] = c[a[i]] + 1 end
  H.eq(c[4], 0)
  local chi2 = 0
  for k, pk in ipairs({ 0.4, 0.4, 0.2 }) do chi2 = chi2 + (c[k] - 10000 * pk) ^ 2 / (10000 * pk) end
  H.ok(chi2 < 13.82, "chi-square " .. chi2) -- 0.1% point, 2 df
  -- without replacement (the default): distinct indices, never a zero weight
  local probs = torch.rand(3, 5)
  probs:select(2, 5):fill(0)
  local s = torch.multinomial(probs, 4)
  H.eq(s:dim(), 2); H.eq(s:size(1), 3); H.eq(s:size(2), 4)
  for i = 1, 3 do
    local seen = {}
    for j = 1, 4 do
      local v = s[i][j]
      H.ok(v ~= 5 and not seen[v] and v >= 1)
      seen[v] = true
    end
  end
  -- method forms, result tensor, generator
  local gen = torch.Generator()
  torch.manualSeed(gen, 3)
  local r1 = p:multinomial(gen, 20, true)
  local res = torch.LongTensor()
  torch.manualSeed(gen, 3)
  H.ok(rawequal(p.multinomial(res, gen, p, 20, true), res))
  for i = 1, 20 do H.eq(res[i], r1[i]) end
  torch.manualSeed(gen, 3)
  torch.multinomial(res, gen, torch.FloatTensor{ 1, 1, 0.5, 0 }, 20, true)
  for i = 1, 20 do H.eq(res[i], r1[i]) end
  -- integer weights work too
  local li = torch.LongTensor{ 0, 3, 0 }:multinomial(5, true)
  for i = 1, 5 do H.eq(li[i], 2) end
  -- the result may be the weights tensor itself
  local lw = torch.LongTensor{ 0, 3, 0 }
  torch.multinomial(lw, lw, 4, true)
  H.eq(lw:size(1), 4)
  for i = 1, 4 do H.eq(lw[i], 2) end
  -- errors
  H.check_error("torch.multinomial: probability -1 at element 2 is negative or not finite",
    torch.multinomial, torch.Tensor{ 1, -1 }, 1)
  H.check_error("torch.multinomial: probability -1 at row 2, column 1 is negative",
    torch.multinomial, torch.Tensor{ { 1, 1 }, { -1, 1 } }, 1)
  H.check_error("torch.multinomial: probabilities of row 1 sum to 0", torch.multinomial,
    torch.zeros(3), 1, true)
  H.check_error("torch.multinomial: cannot draw 5 samples without replacement from 4 categories",
    torch.multinomial, p, 5)
  H.check_error("torch.multinomial: cannot draw 4 samples without replacement: row 1 has 3 non-zero",
    torch.multinomial, p, 4, false)
  H.check_error("torch.multinomial: number of samples must be >= 1 (got 0)", torch.multinomial, p, 0)
  H.check_error("torch.multinomial: result must be a Long tensor (got Double)", torch.multinomial,
    torch.Tensor(), p, 2)
  H.check_error("torch.multinomial: replacement must be a boolean (got number)", torch.multinomial,
    p, 2, 1)
  H.check_error("torch.multinomial: probabilities must be 1-D or 2-D (got 2x2x2)",
    torch.multinomial, torch.rand(2, 2, 2), 1)
  H.check_error("torch.multinomial: missing number of samples", torch.multinomial, p)
end)

-- ---- errors ----

H.test("argument errors", function()
  local x = torch.Tensor(3)
  H.check_error("torch.bernoulli: p must be in [0, 1] (got 1.5)", torch.bernoulli, 1.5)
  H.check_error("torch.bernoulli: p must be in [0, 1] (got -0.1)", x.bernoulli, x, -0.1)
  H.check_error("torch.geometric: p must be in (0, 1) (got 0)", torch.geometric, 0)
  H.check_error("torch.geometric: p must be in (0, 1) (got 1)", x.geometric, x, 1)
  H.check_error("torch.geometric: missing p", torch.geometric)
  H.check_error("torch.normal: standard deviation must be finite and >= 0 (got -1)", torch.normal, 0, -1)
  H.check_error("torch.logNormal: standard deviation must be finite and >= 0 (got -2)", x.logNormal, x, 1, -2)
  H.check_error("torch.exponential: lambda must be finite and > 0 (got -1)", torch.exponential, -1)
  H.check_error("torch.exponential: missing lambda (argument 2)", x.exponential, x)
  H.check_error("torch.cauchy: sigma must be finite and > 0 (got 0)", torch.cauchy, 0, 0)
  H.check_error("torch.uniform: lower bound 2 is above upper bound 1", x.uniform, x, 2, 1)
  H.check_error("torch.uniform: bounds must be finite", torch.uniform, 0, math.huge)
  H.check_error("torch.uniform: too many arguments", torch.uniform, 0, 1, 2)
  H.check_error("torch.random: upper bound 0 is below lower bound 1", torch.random, 0)
  H.check_error("torch.random: upper bound 4 is below lower bound 5", x.random, x, 5, 4)
  H.check_error("torch.random: upper bound must be an integer (got 2.5)", torch.random, 2.5)
  H.check_error("torch.random: too many arguments", torch.random, 1, 2, 3)
  -- wrong generator type
  H.check_error("torch.manualSeed: argument 1 (seed) must be a torch.Generator or an integer (got table)",
    torch.manualSeed, {}, 1)
  H.check_error("torch.uniform: argument 1 (a) must be a torch.Generator or a number (got table)",
    torch.uniform, {}, 0, 1)
  H.check_error("torch.normal: argument 2 (mean) must be a torch.Generator or a number (got torch.DoubleTensor)",
    x.normal, x, torch.Tensor(1), 0, 1)
  H.check_error("torch.random: argument 1 (upper bound) must be a torch.Generator or an integer (got string)",
    torch.random, "gen")
  H.check_error("torch.manualSeed: missing seed", torch.manualSeed)
  H.check_error("torch.manualSeed: seed must be an integer (got 1.5)", torch.manualSeed, 1.5)
  H.check_error("torch.seed: too many arguments", torch.seed, 5)
  H.check_error("torch.setRNGState: state must be a torch.ByteTensor from torch.getRNGState (got torch.DoubleTensor)",
    torch.setRNGState, torch.Tensor(3))
  H.check_error("torch.setRNGState: state has 3 bytes", torch.setRNGState, torch.ByteTensor(3))
  local bad = torch.getRNGState()
  for i = 1, bad:size(1) do bad[i] = 255 end
  H.check_error("torch.setRNGState: invalid generator state", torch.setRNGState, bad)
  H.check_error("torch.getRNGState: result must be a torch.ByteTensor", torch.getRNGState, torch.Tensor())
  -- errors leave the tensor and the stream alone
  torch.manualSeed(1)
  local w = torch.random()
  torch.manualSeed(1)
  pcall(x.uniform, x, 2, 1)
  pcall(torch.multinomial, torch.Tensor{ 1, -1 }, 1)
  H.eq(torch.random(), w)
end)

H.test("multinomialAliasSetup/multinomialAlias: tables and frequencies", function()
  local p = torch.Tensor{ 0.2, 0.3, 0.5, 0 }
  local st = torch.multinomialAliasSetup(p)
  H.eq(torch.typename(st[1]), "torch.LongTensor")
  H.eq(torch.typename(st[2]), "torch.DoubleTensor")
  -- the tables themselves encode p exactly: P(i) = (q[i] + sum over k with J[k] = i, k ~= i of (1 - q[k])) / K
  local K = 4
  for i = 1, K do
    local mass = st[2][i]
    for k = 1, K do
      if st[1][k] == i and k ~= i then mass = mass + (1 - st[2][k]) end
    end
    H.near(mass / K, p[i] / p:sum(), 1e-15, "category " .. i)
    H.ok(st[1][i] >= 1 and st[1][i] <= K)
  end
  -- draws: frequencies within 5 standard deviations, a zero weight never drawn
  local n = 400000
  local o = torch.LongTensor(n)
  H.eq(torch.multinomialAlias(o, st), o)
  for i = 1, K do
    local f, pi = o:eq(i):sum() / n, p[i]
    H.ok(math.abs(f - pi) <= 5 * math.sqrt(pi * (1 - pi) / n) + 1e-12, string.format("freq %d: %g vs %g", i, f, pi))
  end
  -- unnormalised integer weights, a reused state, a strided output, a generator
  local st2 = torch.multinomialAliasSetup(torch.IntTensor{ 1, 1, 2 }, st)
  H.eq(st2, st, "the given state table is filled and returned")
  H.eq(st[1]:size(1), 3)
  local big = torch.LongTensor(10, 2):zero()
  local g1, g2 = torch.Generator(), torch.Generator()
  torch.manualSeed(g1, 9); torch.manualSeed(g2, 9)
  torch.multinomialAlias(g1, big:select(2, 1), st)
  H.eq(big:select(2, 2):sum(), 0, "only the strided column is written")
  local again = torch.LongTensor(10)
  torch.multinomialAlias(g2, again, st)
  H.ok(again:eq(big:select(2, 1)):all(), "a seeded generator repeats the draws")
end)

H.test("multinomialAlias: errors", function()
  H.check_error("torch.multinomialAliasSetup: probability -1 at element 2 is negative or not finite",
    torch.multinomialAliasSetup, torch.Tensor{ 1, -1 })
  H.check_error("torch.multinomialAliasSetup: probabilities sum to 0", torch.multinomialAliasSetup, torch.zeros(3))
  H.check_error("probabilities must be a non-empty 1-D tensor (got 2x2)", torch.multinomialAliasSetup, torch.ones(2, 2))
  local st = torch.multinomialAliasSetup(torch.ones(3))
  H.check_error("torch.multinomialAlias: output must be a 1-D LongTensor (got a Double tensor of size 4)",
    torch.multinomialAlias, torch.Tensor(4), st)
  H.check_error("argument 2 (state) must be the table", torch.multinomialAlias, torch.LongTensor(4), 5)
  st[1][2] = 7
  H.check_error("alias index 7 at element 2 is out of range 1..3", torch.multinomialAlias, torch.LongTensor(4), st)
end)

H.done()
