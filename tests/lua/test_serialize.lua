-- Serialization: the reference files written by the real Torch7
-- (tests/fixtures/torch7, described in its README.md) load with their exact
-- values, tensor and storage files are written byte for byte as Torch7 writes
-- them, everything round-trips, and bad input raises clean errors.
local H = dofile("tests/lua/harness.lua")

local FIX = "tests/fixtures/torch7/"
local FORMATS = { "binary", "ascii" }
local TYPES = { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" }

local slurp = H.slurp

local spit = H.spit

local TMPDIR = os.tmpname()
os.remove(TMPDIR)
assert(os.execute("mkdir -p " .. TMPDIR))
local function tmp(name) return TMPDIR .. "/" .. name end
local function listdir()
  local p = io.popen("ls -A " .. TMPDIR)
  local names = {}
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  table.sort(names)
  return names
end

-- exact comparison of a tensor's layout and values
local function check_tensor(t, typename, size, stride, offset, storage_values, values)
  H.eq(torch.typename(t), typename, "type")
  H.eq(table.concat(t:size():totable(), "x"), table.concat(size, "x"), "size")
  H.eq(table.concat(t:stride():totable(), ","), table.concat(stride, ","), "stride")
  H.eq(t:storageOffset(), offset, "offset")
  local s = t:storage()
  H.eq(s:size(), #storage_values, "storage size")
  for i, v in ipairs(storage_values) do H.eq(s[i], v, "storage[" .. i .. "]") end
  local flat = t:contiguous():view(-1)
  for i, v in ipairs(values) do H.eq(flat[i], v, "value " .. i) end
end

local function f32(x) -- the float32 rounding of x, computed through a FloatStorage
  local s = torch.FloatStorage(1)
  s[1] = x
  return s[1]
end

-- ---------------------------------------------------------------- reference files

for _, fmt in ipairs(FORMATS) do
  local function load(name, ...) return torch.load(FIX .. name .. "." .. fmt .. ".t7", fmt, ...) end

  H.test("torch7 double_3x4 " .. fmt, function()
    local v = {}
    for i = 1, 12 do v[i] = i end
    check_tensor(load("double_3x4"), "torch.DoubleTensor", { 3, 4 }, { 4, 1 }, 1, v, v)
    H.eq(torch.typename(load("double_3x4"):storage()), "torch.DoubleStorage")
  end)

  H.test("torch7 float_2x3 " .. fmt, function()
    local v = { 0.5, -1.25, 3, 1024, f32(-0.1), f32(0.001) }
    H.eq(v[5], -0.10000000149011612)
    check_tensor(load("float_2x3"), "torch.FloatTensor", { 2, 3 }, { 3, 1 }, 1, v, v)
  end)

  H.test("torch7 long_5 " .. fmt, function()
    local v = { -3, 0, 7, 1099511627776, -2147483648 }
    local t = load("long_5")
    check_tensor(t, "torch.LongTensor", { 5 }, { 1 }, 1, v, v)
    H.eq(math.type(t[4]), "integer")
  end)

  H.test("torch7 byte_5 " .. fmt, function()
    local v = { 0, 1, 127, 128, 255 }
    check_tensor(load("byte_5"), "torch.ByteTensor", { 5 }, { 1 }, 1, v, v)
  end)

  H.test("torch7 noncontig_transpose " .. fmt, function()
    local t = load("noncontig_transpose")
    check_tensor(t, "torch.DoubleTensor", { 3, 2 }, { 1, 3 }, 1, { 1, 2, 3, 4, 5, 6 }, { 1, 4, 2, 5, 3, 6 })
    H.eq(t:isContiguous(), false)
    H.eq(t[2][2], 5)
  end)

  H.test("torch7 longstorage_4 " .. fmt, function()
    local s = load("longstorage_4")
    H.eq(torch.typename(s), "torch.LongStorage")
    H.eq(s:size(), 4)
    for i = 1, 4 do H.eq(s[i], i) end
  end)

  H.test("torch7 table_shared_cycle " .. fmt, function()
    local t = load("table_shared_cycle")
    H.eq(type(t), "table")
    H.eq(t.a, 1)
    H.eq(math.type(t.a), "integer")
    H.eq(t.b, "x")
    H.eq(t.c, true)
    H.eq(#t.nested, 3)
    for i = 1, 3 do H.eq(t.nested[i], i) end
    H.ok(rawequal(t.self, t), "cycle to the root")
    H.ok(rawequal(t.t, t.t2), "shared tensor")
    check_tensor(t.t, "torch.DoubleTensor", { 4 }, { 1 }, 1, { 1, 2, 3, 4 }, { 1, 2, 3, 4 })
    local n = 0
    for _ in pairs(t) do n = n + 1 end
    H.eq(n, 7, "keys")
    t.t[1] = 99
    H.eq(t.t2[1], 99, "one object")
  end)

  H.test("torch7 nn_seq_linear_tanh " .. fmt, function()
    local m = load("nn_seq_linear_tanh")
    H.eq(torch.typename(m), "nn.Sequential")
    H.eq(torch.type(m), "nn.Sequential")
    H.eq(m._type, "torch.DoubleTensor")
    H.eq(#m.modules, 2)
    local lin, tanh = m.modules[1], m.modules[2]
    H.eq(torch.typename(lin), "nn.Linear")
    H.eq(torch.typename(tanh), "nn.Tanh")
    H.ok(torch.isTypeOf(lin, "nn.Linear"), "isTypeOf")
    H.eq(lin._type, "torch.DoubleTensor")
    local W = { 0.1, 0.2, 0.3, -0.4, -0.5, -0.6 }
    check_tensor(lin.weight, "torch.DoubleTensor", { 2, 3 }, { 3, 1 }, 1, W, W)
    check_tensor(lin.bias, "torch.DoubleTensor", { 2 }, { 1 }, 1, { 0.01, -0.02 }, { 0.01, -0.02 })
    check_tensor(lin.gradWeight, "torch.DoubleTensor", { 2, 3 }, { 3, 1 }, 1, { 0, 0, 0, 0, 0, 0 }, {})
    check_tensor(lin.gradBias, "torch.DoubleTensor", { 2 }, { 1 }, 1, { 0, 0 }, {})
    for _, mod in ipairs { m, lin, tanh } do
      for _, k in ipairs { "output", "gradInput" } do
        H.eq(torch.typename(mod[k]), "torch.DoubleTensor", k)
        H.eq(mod[k]:nDimension(), 0, k)
        H.eq(mod[k]:storage(), nil, k)
      end
    end
    -- Torch7 shared these: the Sequential's gradInput is the Linear's, its output the Tanh's
    H.ok(rawequal(m.gradInput, lin.gradInput), "shared gradInput")
    H.ok(rawequal(m.output, tanh.output), "shared output")
    -- the weights are usable: forward by hand = the README's value
    local x = torch.Tensor { 1, 2, 3 }
    for i = 1, 2 do
      local y = lin.bias[i]
      for j = 1, 3 do y = y + lin.weight[i][j] * x[j] end
      H.near(math.tanh(y), ({ 0.88749413285367, -0.99681227554339 })[i], 1e-13)
    end
  end)

  H.test("torch7 nn model re-saved loads the same " .. fmt, function()
    local m = load("nn_seq_linear_tanh")
    local back = torch.deserialize(torch.serialize(m, fmt), fmt)
    H.eq(torch.typename(back.modules[1]), "nn.Linear")
    H.eq(back.modules[1].weight[2][3], -0.6)
    H.ok(rawequal(back.gradInput, back.modules[1].gradInput), "sharing kept")
  end)
end

H.test("torch7 nn model with torch.class classes registered", function()
  local saved = rawget(_G, "nn")
  _G.nn = {}
  local Module = torch.class("nn.Module")
  function Module:__init() self.output = torch.Tensor() end
  function Module:hello() return "module " .. torch.typename(self) end
  torch.class("nn.Sequential", "nn.Module")
  torch.class("nn.Linear", "nn.Module")
  -- nn.Tanh is not registered: it loads as a generic object
  local m = torch.load(FIX .. "nn_seq_linear_tanh.binary.t7")
  H.eq(m:hello(), "module nn.Sequential")
  H.eq(m.modules[1]:hello(), "module nn.Linear")
  H.ok(torch.isTypeOf(m.modules[1], "nn.Module"), "subclass")
  H.eq(torch.typename(m.modules[2]), "nn.Tanh")
  H.eq(m.modules[2].hello, nil, "generic object has no methods")
  H.eq(m.modules[1].weight[1][2], 0.2)
  H.check_error("unknown class nn.Tanh", torch.load, FIX .. "nn_seq_linear_tanh.binary.t7", nil,
    { strict = true })
  _G.nn = saved
end)

-- ---------------------------------------------------------------- byte-exact writes

H.test("tensor and storage files are written byte for byte as Torch7 writes them", function()
  local objs = {
    double_3x4 = function() return torch.range(1, 12):view(3, 4) end,
    float_2x3 = function() return torch.FloatTensor { { 0.5, -1.25, 3 }, { 1024, -0.1, 0.001 } } end,
    long_5 = function() return torch.LongTensor { -3, 0, 7, 2 ^ 40, -2 ^ 31 } end,
    byte_5 = function() return torch.ByteTensor { 0, 1, 127, 128, 255 } end,
    noncontig_transpose = function() return torch.range(1, 6):view(2, 3):t() end,
    longstorage_4 = function() return torch.LongStorage { 1, 2, 3, 4 } end,
  }
  for name, make in pairs(objs) do
    for _, fmt in ipairs(FORMATS) do
      local ref = slurp(FIX .. name .. "." .. fmt .. ".t7")
      H.ok(torch.serialize(make(), fmt) == ref, name .. " " .. fmt .. " serialize")
      torch.save(tmp("w.t7"), make(), fmt)
      H.ok(slurp(tmp("w.t7")) == ref, name .. " " .. fmt .. " save")
      -- and through a DiskFile opened by hand
      local f = torch.DiskFile(tmp("w2.t7"), "w")
      f[fmt](f)
      f:writeObject(make())
      f:close()
      H.ok(slurp(tmp("w2.t7")) == ref, name .. " " .. fmt .. " DiskFile")
    end
  end
  os.remove(tmp("w.t7"))
  os.remove(tmp("w2.t7"))
end)

-- ---------------------------------------------------------------- round trips

local function roundtrip(obj, fmt, opts)
  return torch.deserialize(torch.serialize(obj, fmt), fmt, opts)
end

local function same_tensor(a, b, what)
  H.eq(torch.typename(b), torch.typename(a), what .. " type")
  H.eq(b:nDimension(), a:nDimension(), what .. " ndim")
  for d = 1, a:nDimension() do
    H.eq(b:size(d), a:size(d), what .. " size")
    H.eq(b:stride(d), a:stride(d), what .. " stride")
  end
  H.eq(b:storageOffset(), a:storageOffset(), what .. " offset")
  if a:storage() then
    H.eq(b:storage():size(), a:storage():size(), what .. " storage size")
    for i = 1, a:storage():size() do H.eq(b:storage()[i], a:storage()[i], what .. " storage " .. i) end
  else
    H.eq(b:storage(), nil, what .. " no storage")
  end
end

for _, fmt in ipairs(FORMATS) do
  H.test("round trip of every tensor and storage type " .. fmt, function()
    for _, T in ipairs(TYPES) do
      local t = torch[T .. "Tensor"](5, 7)
      local frac = (T == "Float" or T == "Double") and 1 / 3 or 0
      for i = 1, 5 do
        for j = 1, 7 do t[i][j] = (i * 7 + j) % 50 - (T == "Byte" and 0 or 20) + frac end
      end
      local variants = {
        contiguous = t,
        transposed = t:t(),
        narrowed = t:narrow(1, 2, 3):narrow(2, 3, 4), -- offset and strides
        selected = t:select(2, 4),
        expanded = t:narrow(1, 1, 1):expand(4, 7), -- stride 0
        empty = torch[T .. "Tensor"](),
        sized_empty = torch[T .. "Tensor"](0),
      }
      for what, v in pairs(variants) do
        same_tensor(v, roundtrip(v, fmt), T .. " " .. what)
      end
      local s = t:storage()
      local s2 = roundtrip(s, fmt)
      H.eq(torch.typename(s2), "torch." .. T .. "Storage")
      H.eq(s2:size(), s:size())
      for i = 1, s:size() do H.eq(s2[i], s[i], T .. " storage " .. i) end
      H.eq(roundtrip(torch[T .. "Storage"](), fmt):size(), 0, "empty storage")
    end
  end)

  H.test("extreme values round trip " .. fmt, function()
    local d = torch.DoubleTensor { 0, -0.0, 1 / 0, -1 / 0, 0 / 0, 5e-324, 1.7976931348623157e308, 0.1,
      -1 / 3 }
    local d2 = roundtrip(d, fmt)
    for i = 1, d:size(1) do
      if d[i] ~= d[i] then H.ok(d2[i] ~= d2[i], "nan") else H.eq(d2[i], d[i], "double " .. i) end
    end
    H.eq(1 / d2[2], -1 / 0, "-0 keeps its sign")
    local f = torch.FloatTensor { 3.4028234663852886e38, 1.401298464324817e-45, -0.1, 1 / 0 }
    local f2 = roundtrip(f, fmt)
    for i = 1, f:size(1) do H.eq(f2[i], f[i], "float " .. i) end
    local l = torch.LongTensor { math.maxinteger, math.mininteger, 0 }
    local l2 = roundtrip(l, fmt)
    for i = 1, 3 do H.eq(l2[i], l[i], "long " .. i) end
    local c = torch.CharTensor { -128, 127, 0, 10, 32 }
    local c2 = roundtrip(c, fmt)
    for i = 1, 5 do H.eq(c2[i], c[i], "char " .. i) end
    local sh = roundtrip(torch.ShortTensor { -32768, 32767 }, fmt)
    H.eq(sh[1], -32768)
    H.eq(sh[2], 32767)
    local it = roundtrip(torch.IntTensor { -2147483648, 2147483647 }, fmt)
    H.eq(it[1], -2147483648)
    H.eq(it[2], 2147483647)
  end)

  H.test("Lua values round trip " .. fmt, function()
    local s = "bytes \0\1\255 and\nnewlines\n"
    local obj = {
      1, 2, 3, 2.5, -7, s, "", true, false,
      int = 42, neg = -2 ^ 53, float = 0.1, big = 2 ^ 60, tiny = 1e-300, inf = 1 / 0,
      [2.5] = "float key", [true] = "bool key", [-1] = "negative key",
      nested = { a = { b = { c = "deep" } } },
    }
    local back = roundtrip(obj, fmt)
    for i = 1, 9 do H.eq(back[i], obj[i], "array " .. i) end
    H.eq(back.int, 42)
    H.eq(math.type(back.int), "integer")
    H.eq(back.neg, -2 ^ 53)
    H.eq(math.type(back.neg), "integer")
    H.eq(back.float, 0.1)
    H.eq(back.big, 2 ^ 60)
    H.eq(math.type(back.big), "float", "beyond 2^53 stays float")
    H.eq(back.tiny, 1e-300)
    H.eq(back.inf, 1 / 0)
    H.eq(back[2.5], "float key")
    H.eq(back[true], "bool key")
    H.eq(back[-1], "negative key")
    H.eq(back.nested.a.b.c, "deep")
    H.eq(math.type(back[4]), "float")
    H.eq(math.type(roundtrip(3.0, fmt)), "integer", "integral floats load as integers")
    H.eq(math.type(roundtrip(3.0, fmt, { integers = false })), "float", "unless integers = false")
    H.eq(1 / roundtrip(-0.0, fmt), -1 / 0, "-0.0 stays a float")
    H.eq(roundtrip(nil, fmt), nil)
    H.eq(roundtrip(s, fmt), s)
    H.eq(roundtrip(2 ^ 53, fmt), 2 ^ 53)
    local nan = roundtrip(0 / 0, fmt)
    H.ok(nan ~= nan, "nan")
  end)

  H.test("shared references and cycles " .. fmt, function()
    local t = torch.range(1, 10)
    local shared = { name = "shared" }
    local obj = {
      a = shared, b = shared,
      t1 = t, t2 = t,
      v1 = t:narrow(1, 3, 4), v2 = t:narrow(1, 1, 2), -- views share the storage
      s = t:storage(),
      list = { shared, { shared } },
    }
    obj.me = obj
    obj.list[3] = obj.list
    obj[obj.list] = "table as key"
    local back = roundtrip(obj, fmt)
    H.ok(rawequal(back.a, back.b), "shared table")
    H.ok(rawequal(back.list[1], back.a) and rawequal(back.list[2][1], back.a), "shared deep")
    H.ok(rawequal(back.me, back), "self cycle")
    H.ok(rawequal(back.list[3], back.list), "inner cycle")
    H.eq(back[back.list], "table as key")
    H.ok(rawequal(back.t1, back.t2), "same tensor object")
    H.ok(not rawequal(back.v1, back.t1), "views are distinct tensors")
    back.t1[4] = 100
    H.eq(back.v1[2], 100, "view shares the storage")
    back.s[1] = -5
    H.eq(back.v2[1], -5, "storage object is the tensors' storage")
    H.eq(torch.pointer(back.s), torch.pointer(back.t1:storage()))
    H.eq(back.v1:storageOffset(), 3)
  end)

  H.test("referenced(false) writes each occurrence in full " .. fmt, function()
    local shared = { 1, 2 }
    local f = torch.MemoryFile("rw")
    f[fmt](f)
    f:referenced(false)
    H.eq(f:isReferenced(), false)
    f:writeObject({ shared, shared })
    f:seek(1)
    local back = f:readObject()
    H.ok(not rawequal(back[1], back[2]), "copies")
    H.eq(back[2][2], 2)
    f:close()
    local s1 = torch.serialize({ shared, shared }, fmt)
    local path = tmp("ref.t7")
    torch.save(path, { shared, shared }, fmt, false)
    H.ok(#slurp(path) > #s1, "unreferenced file is larger")
    H.ok(not rawequal(torch.load(path, fmt, false)[1], torch.load(path, fmt, false)[2]), "load unreferenced")
    os.remove(path)
  end)
end

H.test("objects written to one file share references across writeObject calls", function()
  local f = torch.MemoryFile("rw"):binary()
  local t = torch.Tensor(3):fill(7)
  f:writeObject(t)
  f:writeObject({ t })
  f:seek(1)
  local a = f:readObject()
  local b = f:readObject()
  H.ok(rawequal(a, b[1]), "second write is a reference to the first")
  f:close()
end)

-- ---------------------------------------------------------------- classes

H.test("torch.class objects round trip", function()
  _G.sertest = {}
  local Point = torch.class("sertest.Point")
  local new = sertest
  function Point:__init(x, y) self.x, self.y = x, y end
  function Point:norm2() return self.x * self.x + self.y * self.y end
  local Tagged = torch.class("sertest.Tagged", "sertest.Point")
  function Tagged:__init(x, y, tag) Point.__init(self, x, y); self.tag = tag end
  -- a class with its own format
  local Packed = torch.class("sertest.Packed")
  function Packed:__init(v) self.v = v end
  function Packed:write(file) file:writeInt(self.v * 2) end
  function Packed:read(file, version)
    self.v = file:readInt() / 2
    self.version = version
  end

  for _, fmt in ipairs(FORMATS) do
    local p = new.Point(3, 4)
    local q = new.Tagged(1, 2, "hi")
    local k = new.Packed(21)
    local back = roundtrip({ p = p, q = q, again = p, k = k, w = torch.Tensor { 1, 2 } }, fmt)
    H.eq(torch.typename(back.p), "sertest.Point")
    H.eq(back.p:norm2(), 25)
    H.ok(rawequal(back.p, back.again), "shared object")
    H.eq(torch.typename(back.q), "sertest.Tagged")
    H.eq(back.q.tag, "hi")
    H.eq(back.q:norm2(), 5)
    H.ok(torch.isTypeOf(back.q, "sertest.Point"), "inheritance")
    H.eq(torch.typename(back.k), "sertest.Packed")
    H.eq(back.k.v, 21)
    H.eq(back.k.version, 1)
    H.eq(back.w[2], 2)
  end
  _G.sertest = nil
end)

H.test("class objects skip fields that cannot be written", function()
  _G.sertest2 = {}
  torch.class("sertest2.C")
  local obj = sertest2.C()
  obj.keep = 1
  obj.handle = io.stdout
  local back = roundtrip(obj, "binary")
  H.eq(back.keep, 1)
  H.eq(back.handle, nil)
  _G.sertest2 = nil
end)

H.test("unknown classes: generic objects, errors for torch.* names and with strict", function()
  -- write an object of a class, then forget the class
  local mt = { __typename = "gone.Thing", __generic = true }
  local s = torch.serialize(setmetatable({ a = 1, t = torch.Tensor { 5 } }, mt))
  local g = torch.deserialize(s)
  H.eq(torch.typename(g), "gone.Thing")
  H.eq(g.a, 1)
  H.eq(g.t[1], 5)
  H.ok(tostring(g):find("gone.Thing", 1, true), "tostring names the class")
  H.eq(torch.typename(torch.deserialize(torch.serialize(g))), "gone.Thing", "generic objects re-save")
  H.check_error("unknown class gone.Thing", torch.deserialize, s, nil, { strict = true })
  -- a torch.* class that does not exist here (its payload is C data)
  local f = torch.MemoryFile("w"):binary()
  f:writeInt(4); f:writeInt(1)
  f:writeInt(3); f:writeChar("V 1")
  f:writeInt(16); f:writeChar("torch.CudaTensor")
  f:writeInt(0)
  H.check_error("unknown class torch.CudaTensor", torch.deserialize, f:_string())
  -- a registered C type that is not serializable
  local f2 = torch.MemoryFile("w"):binary()
  f2:writeInt(4); f2:writeInt(1)
  f2:writeInt(3); f2:writeChar("V 1")
  f2:writeInt(14); f2:writeChar("torch.DiskFile")
  H.check_error("unknown class torch.DiskFile", torch.deserialize, f2:_string())
  -- a class name with control bytes is shown sanitized
  local f4 = torch.MemoryFile("w"):binary()
  f4:writeInt(4); f4:writeInt(1)
  f4:writeInt(3); f4:writeChar("V 1")
  f4:writeInt(11); f4:writeChar("torch.\0\n\255yz")
  H.check_error("unknown class torch.???yz (", torch.deserialize, f4:_string())
  -- a Lua class under torch. loads through its factory
  torch.class("torch.SerTestThing")
  local thing = torch.SerTestThing()
  thing.v = 3
  local back = torch.deserialize(torch.serialize(thing))
  H.eq(torch.typename(back), "torch.SerTestThing")
  H.eq(back.v, 3)
  torch.SerTestThing = nil
  -- a class whose payload is not a field table
  local f3 = torch.MemoryFile("w"):binary()
  f3:writeInt(4); f3:writeInt(1)
  f3:writeInt(3); f3:writeChar("V 1")
  f3:writeInt(9); f3:writeChar("foo.Thing")
  f3:writeObject(12)
  H.check_error("class foo.Thing: expected a table of fields, found a number", torch.deserialize, f3:_string())
end)

-- ---------------------------------------------------------------- functions

H.test("functions: refused by default, Lua 5.4 bytecode with allow_functions", function()
  local up = 10
  local function f(x) return x + up + math.floor(0.5) end
  for _, fmt in ipairs(FORMATS) do
    local s = torch.serialize({ f = f }, fmt)
    H.check_error("holds a serialized function", torch.deserialize, s, fmt)
    H.check_error("allow_functions = true", torch.deserialize, s, fmt)
    local back = torch.deserialize(s, fmt, { allow_functions = true })
    H.eq(back.f(1), 11, "upvalue and _ENV restored")
  end
  local path = tmp("fn.t7")
  torch.save(path, f)
  H.check_error("torch.load: the file holds a serialized function", torch.load, path)
  H.eq(torch.load(path, "binary", { allow_functions = true })(0), 10)
  os.remove(path)
  -- a recursive function refers to itself through its upvalue
  local fact
  fact = function(n) return n <= 1 and 1 or n * fact(n - 1) end
  H.eq(roundtrip(fact, "binary", { allow_functions = true })(5), 120)
  H.check_error("cannot serialize a function", torch.serialize, print)
end)

H.test("Torch7 (Lua 5.1) and LuaJIT bytecode is refused with a clear error", function()
  for _, code in ipairs { { "\27Lua\x51\0\1\4\8\4\8\0", "Lua 5.1 bytecode (Torch7's)" },
    { "\27LJ\2\0", "LuaJIT bytecode (Torch7's)" },
    { "print(1)", "not Lua bytecode" } } do
    local f = torch.MemoryFile("w"):binary()
    f:writeInt(8); f:writeInt(1)
    f:writeInt(#code[1]); f:writeChar(code[1])
    f:writeObject({})
    H.check_error(code[2] .. ", which cannot run on Lua 5.4", torch.deserialize, f:_string(), "binary",
      { allow_functions = true })
  end
end)

-- ---------------------------------------------------------------- errors

H.test("save errors: unwritable values, inexact integers, bad arguments", function()
  H.check_error("torch.save: cannot serialize a userdata (at root.a.handle)", torch.save, tmp("e.t7"),
    { a = { handle = io.stdout } })
  H.check_error("integer 9007199254740993 has no exact double form", torch.save, tmp("e.t7"),
    { n = (1 << 53) + 1 })
  H.check_error("format must be \"binary\" or \"ascii\"", torch.save, tmp("e.t7"), 1, "xml")
  H.check_error("torch.save: filename must be a string", torch.save, 1, 1)
  H.check_error("torch.save: cannot open for writing: No such file or directory (/nonexistent/dir/x.t7)",
    torch.save, "/nonexistent/dir/x.t7", 1)
  H.check_error("cannot open a directory", torch.save, TMPDIR, 1)
  H.eq(#listdir(), 0, "nothing left behind")
end)

H.test("a failed save leaves the previous file intact and no temporary", function()
  local path = tmp("keep.t7")
  torch.save(path, { version = 1 })
  local before = slurp(path)
  H.check_error("torch.save:", torch.save, path, { version = 2, bad = coroutine.create(print) })
  H.check_error("torch.save:", torch.save, path, { version = 2, n = math.maxinteger })
  H.eq(slurp(path), before, "old bytes")
  H.eq(torch.load(path).version, 1)
  local names = listdir()
  H.eq(#names, 1, "only the target: " .. table.concat(names, " "))
  torch.save(path, { version = 3 })
  H.eq(torch.load(path).version, 3, "a good save replaces it")
  H.eq(#listdir(), 1)
  os.remove(path)
end)

H.test("load errors name the problem and the path", function()
  H.check_error("torch.load: cannot open for reading: No such file or directory (" .. tmp("missing.t7") .. ")",
    torch.load, tmp("missing.t7"))
  H.check_error("torch.load: filename must be a string", torch.load, nil)
  H.check_error("format must be", torch.load, FIX .. "long_5.binary.t7", "json")
  H.check_error("options must be a table", torch.load, FIX .. "long_5.binary.t7", "binary", 5)
  local readme = FIX .. "README.md"
  H.check_error("torch.load: unknown object type tag", torch.load, readme, "binary")
  H.check_error("(" .. readme .. ")", torch.load, readme, "binary")
  H.check_error("the file looks like ascii", torch.load, FIX .. "long_5.ascii.t7", "binary")
  H.check_error("not an ascii Torch7 file", torch.load, FIX .. "long_5.binary.t7", "ascii")
  spit(tmp("empty.t7"), "")
  H.check_error("torch.load: the file is empty (" .. tmp("empty.t7") .. ")", torch.load, tmp("empty.t7"))
  H.check_error("end of file", torch.load, tmp("empty.t7"), "binary")
  H.check_error("torch.deserialize: the file is empty", torch.deserialize, "")
  os.remove(tmp("empty.t7"))
  -- the format is detected when not given
  H.eq(torch.load(FIX .. "long_5.ascii.t7")[4], 2 ^ 40)
  H.eq(torch.load(FIX .. "long_5.binary.t7")[4], 2 ^ 40)
end)

-- A binary stream built value by value, for hand-made bad files.
local function stream(build)
  local f = torch.MemoryFile("w"):binary()
  build(f)
  local s = f:_string()
  f:close()
  return s
end

local function tensor_header(f, T, nd)
  f:writeInt(4); f:writeInt(1)
  f:writeInt(3); f:writeChar("V 1")
  local name = "torch." .. T .. "Tensor"
  f:writeInt(#name); f:writeChar(name)
  f:writeInt(nd)
end

local function storage_object(f, T, n, index)
  f:writeInt(4); f:writeInt(index or 2)
  f:writeInt(3); f:writeChar("V 1")
  local name = "torch." .. T .. "Storage"
  f:writeInt(#name); f:writeChar(name)
  f:writeLong(n)
end

H.test("absurd sizes raise instead of allocating", function()
  H.check_error("1152921504606846976 Double values claimed but only 0 bytes remain", torch.deserialize,
    stream(function(f) storage_object(f, "Double", 2 ^ 60, 1) end))
  H.check_error("9223372036854775807 Byte values claimed", torch.deserialize,
    stream(function(f) storage_object(f, "Byte", math.maxinteger, 1) end))
  H.check_error("negative size -5", torch.deserialize,
    stream(function(f) storage_object(f, "Float", -5, 1) end))
  H.check_error("2147483647 Char values claimed", torch.deserialize,
    stream(function(f) f:writeInt(2); f:writeInt(2 ^ 31 - 1) end))
  H.check_error("negative count", torch.deserialize,
    stream(function(f) f:writeInt(2); f:writeInt(-1) end))
  H.check_error("torch.DoubleTensor with 1000 dimensions", torch.deserialize,
    stream(function(f) tensor_header(f, "Double", 1000) end))
  H.check_error("torch.DoubleTensor with -1 dimensions", torch.deserialize,
    stream(function(f) tensor_header(f, "Double", -1) end))
  -- a view outside its storage, in every way
  local function view(size, stride, offset, n, T)
    return stream(function(f)
      tensor_header(f, "Double", #size)
      for _, v in ipairs(size) do f:writeLong(v) end
      for _, v in ipairs(stride) do f:writeLong(v) end
      f:writeLong(offset)
      storage_object(f, T or "Double", n)
      f:writeDouble(torch.DoubleStorage(n))
    end)
  end
  H.eq(torch.deserialize(view({ 2, 3 }, { 3, 1 }, 1, 6))[2][3], 0, "a valid view")
  H.eq(torch.deserialize(view({ 2, 3 }, { 1, 2 }, 1, 6)):stride(2), 2, "a valid strided view")
  H.check_error("reaches outside its storage of 6 elements", torch.deserialize, view({ 2, 3 }, { 3, 1 }, 2, 6))
  H.check_error("reaches outside", torch.deserialize, view({ 2 ^ 40, 2 ^ 40 }, { 2 ^ 40, 1 }, 1, 6))
  H.check_error("reaches outside", torch.deserialize, view({ 3 }, { math.maxinteger }, 1, 6))
  H.check_error("reaches outside", torch.deserialize, view({ 3 }, { -1 }, 1, 6))
  H.check_error("negative size -3", torch.deserialize, view({ -3 }, { 1 }, 1, 6))
  H.check_error("offset -4 outside its storage", torch.deserialize, view({ 0 }, { 1 }, -4, 6))
  H.check_error("has a storage of type torch.FloatStorage", torch.deserialize,
    stream(function(f)
      tensor_header(f, "Double", 1)
      f:writeLong(1); f:writeLong(1); f:writeLong(1)
      storage_object(f, "Float", 1)
      f:writeFloat(1)
    end))
  H.check_error("has a storage of type table", torch.deserialize,
    stream(function(f)
      tensor_header(f, "Double", 1)
      f:writeLong(1); f:writeLong(1); f:writeLong(1)
      f:writeObject({})
    end))
  H.check_error("of 4 elements has no storage", torch.deserialize,
    stream(function(f)
      tensor_header(f, "Double", 1)
      f:writeLong(4); f:writeLong(1); f:writeLong(1)
      f:writeInt(0)
    end))
  H.check_error("unknown object type tag 99 at byte 1", torch.deserialize, stream(function(f) f:writeInt(99) end))
  H.check_error("table key is nil", torch.deserialize,
    stream(function(f) f:writeInt(3); f:writeInt(1); f:writeInt(1); f:writeInt(0); f:writeInt(0) end))
  H.check_error("negative number of entries", torch.deserialize,
    stream(function(f) f:writeInt(3); f:writeInt(1); f:writeInt(-2) end))
end)

H.test("absurdly deep nesting is an error, moderate nesting works", function()
  local parts = {}
  for i = 1, 300000 do parts[i] = string.pack("<i4i4i4i4d", 3, i, 1, 1, 1) end
  parts[#parts + 1] = string.pack("<i4", 0)
  H.check_error("torch.deserialize: stack overflow", torch.deserialize, table.concat(parts))
  local t, cur = {}, nil
  cur = t
  for _ = 1, 300000 do cur[1] = {}; cur = cur[1] end
  H.check_error("torch.serialize: stack overflow", torch.serialize, t)
  local u = {}
  cur = u
  for _ = 1, 5000 do cur[1] = {}; cur = cur[1] end
  local depth, back = 0, torch.deserialize(torch.serialize(u))
  while back[1] do depth, back = depth + 1, back[1] end
  H.eq(depth, 5000)
end)

H.test("every truncation of every reference file raises (never crashes)", function()
  local names = { "double_3x4", "float_2x3", "long_5", "byte_5", "noncontig_transpose", "table_shared_cycle",
    "longstorage_4", "nn_seq_linear_tanh" }
  local n = 0
  for _, name in ipairs(names) do
    for _, fmt in ipairs(FORMATS) do
      local s = slurp(FIX .. name .. "." .. fmt .. ".t7")
      -- an ascii file is complete without its final newline, and a number cut
      -- short on the last line is still a number
      local complete = fmt == "ascii" and #s - 1 or #s
      local must_fail = fmt == "ascii" and s:sub(1, -2):match("^.*()\n") or complete
      for len = 0, must_fail - 1 do
        local ok, err = pcall(torch.deserialize, s:sub(1, len), fmt)
        if ok then error(string.format("%s %s cut at %d loaded", name, fmt, len)) end
        if not err:find("^torch.deserialize: ") then error("bad message: " .. err) end
        n = n + 1
      end
      H.ok(torch.deserialize(s:sub(1, complete), fmt) ~= nil, name .. " complete")
    end
  end
  H.ok(n > 3000, "cases: " .. n)
  -- truncated files on disk give the path
  local s = slurp(FIX .. "nn_seq_linear_tanh.binary.t7")
  spit(tmp("cut.t7"), s:sub(1, 400))
  H.check_error("(" .. tmp("cut.t7") .. ")", torch.load, tmp("cut.t7"))
  H.check_error("torch.load: ", torch.load, tmp("cut.t7"))
  os.remove(tmp("cut.t7"))
end)

H.test("fuzzed reference files raise or load, never crash", function()
  local names = { "double_3x4", "table_shared_cycle", "nn_seq_linear_tanh", "noncontig_transpose" }
  local seed = 12345
  local function rand(n) -- a small LCG, so the cases are the same every run
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  local errors, loads = 0, 0
  for _, name in ipairs(names) do
    for _, fmt in ipairs(FORMATS) do
      local s = slurp(FIX .. name .. "." .. fmt .. ".t7")
      -- every byte set to a few interesting values
      for i = 1, #s do
        for _, b in ipairs { 0, 0xff, 0x7f, 0x80, 0x31 } do
          local m = s:sub(1, i - 1) .. string.char(b) .. s:sub(i + 1)
          local ok, err = pcall(torch.deserialize, m, fmt)
          if ok then
            loads = loads + 1
          else
            errors = errors + 1
            assert(type(err) == "string" and err:find("^torch.deserialize: "), tostring(err))
          end
        end
      end
      -- random multi-byte damage
      for _ = 1, 200 do
        local bytes = { s:byte(1, -1) }
        for _ = 1, 1 + rand(4) do bytes[1 + rand(#bytes)] = rand(256) end
        local ok, err = pcall(torch.deserialize, string.char(table.unpack(bytes)), fmt)
        if ok then loads = loads + 1 else
          errors = errors + 1
          assert(err:find("^torch.deserialize: "), err)
        end
      end
    end
  end
  H.ok(errors > 1000 and loads > 100, string.format("%d errors, %d loads", errors, loads))
end)

-- ---------------------------------------------------------------- File API

H.test("DiskFile: modes, typed reads and writes, strings, positions", function()
  local path = tmp("f.bin")
  local f = torch.DiskFile(path, "w")
  H.eq(torch.typename(f), "torch.DiskFile")
  H.ok(torch.isTypeOf(f, "torch.File"), "a torch.File")
  H.eq(f:isBinary(), false, "ascii by default")
  H.eq(f:isWritable(), true)
  H.eq(f:isReadable(), false)
  f:binary()
  H.eq(f:isBinary(), true)
  H.eq(f:writeInt(7), 1)
  f:writeLong(2 ^ 40)
  f:writeDouble(0.25)
  f:writeFloat(1.5)
  f:writeShort(-3)
  f:writeByte(200)
  f:writeChar(-100)
  H.eq(f:writeDouble(torch.DoubleStorage { 1, 2, 3 }), 3)
  H.eq(f:writeString("line one\nline two\nrest"), 22)
  H.check_error("not open for reading", f.readInt, f)
  f:close()
  f:close() -- twice is fine
  H.check_error("the file is closed", f.writeInt, f, 1)

  f = torch.DiskFile(path, "r"):binary()
  H.eq(f:position(), 1)
  H.eq(f:readInt(), 7)
  H.eq(f:readLong(), 2 ^ 40)
  H.eq(math.type(f:readLong(0):size()), "integer")
  H.eq(f:readDouble(), 0.25)
  H.eq(f:readFloat(), 1.5)
  H.eq(f:readShort(), -3)
  H.eq(f:readByte(), 200)
  H.eq(f:readChar(), -100)
  H.eq(f:position(), 1 + 4 + 8 + 8 + 4 + 2 + 1 + 1)
  local s = f:readDouble(3)
  H.eq(torch.typename(s), "torch.DoubleStorage")
  H.eq(s[3], 3)
  H.eq(f:readString("*l"), "line one")
  H.eq(f:readString(4), "line")
  H.eq(f:readString("*a"), " two\nrest")
  H.check_error("end of file", f.readString, f, "*a")
  H.check_error("end of file", f.readInt, f)
  f:seek(5)
  H.eq(f:readLong(), 2 ^ 40)
  f:seek(1)
  local ints = torch.IntStorage(1)
  H.eq(f:readInt(ints), 1)
  H.eq(ints[1], 7)
  f:seekEnd()
  H.eq(f:position(), 1 + 28 + 24 + 22)
  H.check_error("expected nothing, a count or a torch.IntStorage", f.readInt, f, torch.FloatStorage(1))
  H.check_error("expected a number or a torch.IntStorage", f.writeInt, f, "x")
  f:close()

  -- quiet mode: no error, a flag
  f = torch.DiskFile(path, "r"):binary():quiet()
  H.eq(f:isQuiet(), true)
  f:seekEnd()
  H.eq(f:readInt(), nil)
  H.eq(f:hasError(), true)
  f:clearError()
  H.eq(f:hasError(), false)
  f:pedantic()
  H.check_error("end of file", f.readInt, f)
  f:close()

  H.eq(torch.DiskFile(tmp("nope"), "r", true), nil, "quiet open of a missing file")
  H.check_error("cannot open for reading", torch.DiskFile, tmp("nope"), "r")
  H.check_error("mode 'a' is not", torch.DiskFile, path, "a")

  -- rw: created when missing, read and write at the cursor
  local rw = torch.DiskFile(tmp("rw.txt"), "rw")
  rw:writeInt(12)
  rw:writeDouble(0.5)
  rw:seek(1)
  H.eq(rw:readInt(), 12)
  H.eq(rw:readDouble(), 0.5)
  rw:close()
  H.eq(slurp(tmp("rw.txt")), "12\n0.5\n", "ascii text on disk")
  os.remove(tmp("rw.txt"))
  os.remove(path)
end)

H.test("byte orders and long sizes", function()
  local f = torch.MemoryFile("rw"):binary()
  H.eq(f:isLittleEndianCPU(), true)
  H.eq(f:isBigEndianCPU(), false)
  f:bigEndianEncoding()
  f:writeInt(0x01020304)
  f:littleEndianEncoding()
  f:writeInt(0x01020304)
  f:longSize(4)
  f:writeLong(-2)
  H.eq(f:_string(), "\1\2\3\4\4\3\2\1\254\255\255\255")
  f:seek(1)
  f:bigEndianEncoding()
  H.eq(f:readInt(), 0x01020304)
  f:nativeEndianEncoding()
  H.eq(f:readInt(), 0x01020304)
  H.eq(f:readLong(), -2)
  H.check_error("does not fit in 4 bytes", f.writeLong, f, 2 ^ 40)
  H.check_error("size must be 0, 4 or 8", f.longSize, f, 3)
  f:close()
  -- "b32" files: 4-byte Longs
  local obj = { t = torch.LongTensor { 1, -2, 3 }, n = 5 }
  local path = tmp("b32.t7")
  torch.save(path, obj, "b32")
  local back = torch.load(path, "b32")
  H.eq(back.t[2], -2)
  H.eq(back.n, 5)
  H.ok(#slurp(path) < #torch.serialize(obj), "smaller than b64")
  os.remove(path)
end)

H.test("MemoryFile: modes, storage(), from a CharStorage, ascii objects", function()
  local f = torch.MemoryFile()
  H.eq(torch.typename(f), "torch.MemoryFile")
  H.eq(f:isReadable(), true)
  H.eq(f:isWritable(), true)
  f:writeInt(5)
  f:writeString("ab")
  local s = f:storage()
  H.eq(torch.typename(s), "torch.CharStorage")
  H.eq(s:size(), 5, "data and a NUL")
  H.eq(s:string(), "5\nab\0")
  local g = torch.MemoryFile(s, "r")
  H.eq(g:readInt(), 5)
  H.eq(g:readString("*a"), "ab")
  H.check_error("not open for writing", g.writeInt, g, 1)
  g:close()
  H.check_error("must end with a NUL", torch.MemoryFile, torch.CharStorage():string("abc"))
  H.check_error("expected a torch.CharStorage", torch.MemoryFile, torch.FloatStorage(2))
  -- Torch7's clone idiom
  local obj = { x = torch.Tensor { { 1, 2 }, { 3, 4 }, { 5, 6.5 } }, y = "s" }
  f = torch.MemoryFile()
  f:writeObject(obj)
  f:seek(1)
  local clone = f:readObject()
  H.eq(clone.y, "s")
  H.eq(clone.x[3][2], obj.x[3][2])
  H.ok(not rawequal(clone.x, obj.x), "a copy")
  H.check_error("past the end", f.seek, f, 10 ^ 6)
  H.check_error("position must be at least 1", f.seek, f, 0)
  f:close()
  H.check_error("the file is closed", f.storage, f)
  H.check_error("only a torch.MemoryFile", torch.DiskFile(FIX .. "README.md").storage,
    torch.DiskFile(FIX .. "README.md"))
  -- serializeToStorage / deserializeFromStorage
  local st = torch.serializeToStorage({ 1, 2 }, "ascii")
  H.eq(torch.typename(st), "torch.CharStorage")
  H.eq(torch.deserializeFromStorage(st, "ascii")[2], 2)
  H.eq(torch.CharStorage():string("xyz"):size(), 3)
  H.check_error("needs a torch.CharStorage", torch.FloatStorage(1).string, torch.FloatStorage(1))
end)

H.test("ascii autoSpacing and typed arrays", function()
  local f = torch.MemoryFile("rw")
  f:writeDouble(torch.DoubleStorage { 1.5, 2 })
  f:noAutoSpacing()
  H.eq(f:isAutoSpacing(), false)
  f:writeInt(3)
  f:writeInt(4)
  f:autoSpacing()
  H.eq(f:_string(), "1.5 2\n34")
  f:seek(1)
  local d = f:readDouble(2)
  H.eq(d[1], 1.5)
  H.eq(d[2], 2)
  H.eq(f:readInt(), 34)
  f:close()
end)

H.test("torch.pointer", function()
  local t = torch.Tensor(3)
  H.eq(torch.pointer(t:storage()), torch.pointer(t:storage()), "one storage, two handles")
  H.ok(torch.pointer(t) ~= torch.pointer(t:view(3)), "distinct tensors")
  local x = {}
  H.eq(torch.pointer(x), torch.pointer(x))
  H.eq(torch.pointer(5), 0)
end)

os.execute("rm -rf " .. TMPDIR)
H.test("torch.Generator: Torch7's layout, state carried exactly", function()
  local g = torch.Generator()
  torch.manualSeed(g, 123)
  local bytes = torch.serialize(g)
  -- object header: tag 4 (torch), index 1, "V 1", "torch.Generator"; then THGenerator's 5048 bytes
  local tag, idx, l1, v, l2, name, pos = string.unpack("<i4i4i4c3i4c15", bytes)
  H.eq(tag, 4); H.eq(idx, 1); H.eq(v, "V 1"); H.eq(name, "torch.Generator")
  H.eq(#bytes - pos + 1, 5048, "THGenerator is 5048 bytes on x86-64")
  local seed, left, seeded, nxt, w0, w1 = string.unpack("<I8i4i4I8I8I8", bytes, pos)
  H.eq(seed, 123); H.eq(left, 1); H.eq(seeded, 1); H.eq(nxt, 0)
  -- MT19937's init_genrand: word 0 is the seed, word 1 = 1812433253 * (w0 ^ (w0 >> 30)) + 1
  H.eq(w0, 123)
  H.eq(w1, (1812433253 * (123 ~ (123 >> 30)) + 1) & 0xffffffff)
  -- mid-stream, with a pending Box-Muller value, in both modes
  torch.normal(g)
  for _ in ipairs { 1, 2, 3 } do torch.random(g) end
  for _, mode in ipairs { "binary", "ascii" } do
    local g2 = torch.deserialize(torch.serialize(g, mode), mode)
    H.eq(torch.typename(g2), "torch.Generator")
    local s1, s2 = torch.getRNGState(g), torch.getRNGState(g2)
    H.ok(s1:eq(s2):all(), mode .. ": the whole state is restored")
  end
  local a, c = torch.deserialize(bytes), torch.Generator()
  torch.manualSeed(c, 123)
  H.eq(torch.normal(a), torch.normal(c), "a freshly seeded generator loads as one")
  -- a shared generator stays shared
  local t = torch.deserialize(torch.serialize({ g, g }))
  H.ok(rawequal(t[1], t[2]))
  H.check_error("invalid torch.Generator state", torch.deserialize,
    bytes:sub(1, pos + 7) .. string.pack("<i4", 5000) .. bytes:sub(pos + 12))
end)

H.done()
