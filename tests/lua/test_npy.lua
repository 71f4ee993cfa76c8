-- NumPy interop: torch.loadnpy / savenpy / loadnpz / savenpz.
--
-- Files written by numpy (tests/fixtures/npy, made by make_fixtures.py there;
-- every element is a closed-form function of its C-order position, recomputed
-- here) load with their exact types, shapes, strides and values; every type
-- round-trips, contiguous or strided; bad and fuzzed files give clean errors
-- naming the file.  When /usr/bin/python3 has numpy, both directions are also
-- checked live against it (files we write load in numpy, byte for byte equal
-- to np.save's; files numpy writes now load here); otherwise those checks are
-- counted as skipped in the summary line.
local H = dofile("tests/lua/harness.lua")

local FIX = "tests/fixtures/npy/"
local KINDS = { "u1", "i1", "i2", "i4", "i8", "f4", "f8" }
local TYPE_OF = { u1 = "torch.ByteTensor", i1 = "torch.CharTensor", i2 = "torch.ShortTensor",
  i4 = "torch.IntTensor", i8 = "torch.LongTensor", f4 = "torch.FloatTensor", f8 = "torch.DoubleTensor" }
local KIND_OF = {}
for k, v in pairs(TYPE_OF) do KIND_OF[v] = k end
local TYPES = { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" }

-- the fixtures' element formula (see make_fixtures.py), n is the 0-based C-order position
local function value(kind, n)
  if kind == "u1" then return (n * 37) % 251 end
  if kind == "i1" then return (n * 37) % 251 - 125 end
  if kind == "i2" then return (n * 997) % 60001 - 30000 end
  if kind == "i4" then return n * 123457 - 3000000 end
  if kind == "i8" then return (n - 30) * 281474976710677 end
  if kind == "f4" then return (n - 30) * 0.25 end
  if kind == "f8" then return (n - 30) / 7 end
  if kind == "b1" then return n % 3 == 0 and 1 or 0 end
end

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

local function shape(t) return table.concat(t:size():totable(), "x") end

-- every element of t in C order
local function flatten(t)
  local out = {}
  local function walk(x)
    if type(x) == "table" then
      for _, v in ipairs(x) do walk(v) end
    else
      out[#out + 1] = x
    end
  end
  walk(t:totable())
  return out
end

-- t has the given type, shape and, in C order, the fixture formula's values
local function check_formula(t, typename, size, kind)
  H.eq(torch.typename(t), typename, "type")
  H.eq(shape(t), size, "shape")
  for n, v in ipairs(flatten(t)) do H.eq(v, value(kind, n - 1), "element " .. n) end
end

local function same(a, b, what)
  what = what or ""
  H.eq(torch.typename(a), torch.typename(b), what .. " type")
  H.eq(a:dim(), b:dim(), what .. " dim")
  if a:dim() > 0 then H.eq(shape(a), shape(b), what .. " shape") end
  local fa, fb = flatten(a), flatten(b)
  H.eq(#fa, #fb, what .. " count")
  for i = 1, #fa do H.eq(fa[i], fb[i], what .. " element " .. i) end
end

-- a tensor of type T and the given sizes filled with distinct values that use
-- the type's range (negative, large, fractional where the type allows)
local function sample(T, ...)
  local t = torch[T .. "Tensor"](...)
  local n = t:nElement()
  local flat = torch[T .. "Tensor"](math.max(n, 1))
  for i = 1, n do
    local v
    if T == "Byte" then v = (i * 53) % 256
    elseif T == "Char" then v = (i * 53) % 256 - 128
    elseif T == "Short" then v = (i * 4099) % 65536 - 32768
    elseif T == "Int" then v = (i * 1000003) % 2147483647 - 1073741823
    elseif T == "Long" then v = i * 1000000007 * 1000003 * (i % 2 == 0 and -1 or 1)
    elseif T == "Float" then v = (i - 7) * 0.375
    else v = (i - 7) / 3 + i * 1e10 end
    flat[i] = v
  end
  if n > 0 then t:copy(flat:narrow(1, 1, n)) end
  return t
end

-- ---------------------------------------------------------------- numpy's files

for _, kind in ipairs(KINDS) do
  for _, order in ipairs({ "C", "F" }) do
    for _, endian in ipairs({ "le", "be" }) do
      local name = string.format("%s_%s_%s.npy", kind, order, endian)
      H.test("load " .. name, function()
        local t = torch.loadnpy(FIX .. name)
        check_formula(t, TYPE_OF[kind], "3x4x5", kind)
        -- Fortran order loads as a column-major view, without copying
        local want = order == "C" and "20,5,1" or "1,3,12"
        H.eq(table.concat(t:stride():totable(), ","), want, "strides")
        H.eq(t:isContiguous(), order == "C", "contiguous")
      end)
    end
  end
end

H.test("bool loads as Byte", function()
  check_formula(torch.loadnpy(FIX .. "bool.npy"), "torch.ByteTensor", "7", "b1")
end)

H.test("format versions 2.0 and 3.0", function()
  check_formula(torch.loadnpy(FIX .. "v2.npy"), "torch.DoubleTensor", "2x3", "f8")
  check_formula(torch.loadnpy(FIX .. "v3.npy"), "torch.DoubleTensor", "2x3", "f8")
end)

H.test("a numpy scalar loads as a 1-element vector", function()
  local t = torch.loadnpy(FIX .. "scalar.npy")
  H.eq(shape(t), "1")
  H.eq(t[1], 2.5)
end)

H.test("empty, odd-sized and Python 2 headers", function()
  local e = torch.loadnpy(FIX .. "empty.npy")
  H.eq(torch.typename(e), "torch.FloatTensor")
  H.eq(e:dim(), 2)
  H.eq(e:size(1), 0)
  H.eq(e:size(2), 3)
  H.eq(e:nElement(), 0)
  check_formula(torch.loadnpy(FIX .. "odd.npy"), "torch.ShortTensor", "17", "i2")
  check_formula(torch.loadnpy(FIX .. "py2.npy"), "torch.IntTensor", "2x3", "i4")
end)

for _, name in ipairs({ "stored.npz", "deflate.npz" }) do
  H.test("load " .. name, function()
    local z = torch.loadnpz(FIX .. name)
    local keys = {}
    for k in pairs(z) do keys[#keys + 1] = k end
    table.sort(keys)
    H.eq(table.concat(keys, ","), "a,b,c")
    check_formula(z.a, "torch.DoubleTensor", "2x3", "f8")
    check_formula(z.b, "torch.LongTensor", "4", "i8")
    check_formula(z.c, "torch.ByteTensor", "3x1", "u1")
  end)
end

H.test("a member that is not .npy loads as its bytes", function()
  local z = torch.loadnpz(FIX .. "extra.npz")
  check_formula(z.a, "torch.DoubleTensor", "2x3", "f8")
  H.eq(z["notes.txt"], "hello npz\n")
end)

-- ---------------------------------------------------------------- unsupported and bad files

H.test("unsupported types are refused by name", function()
  local cases = {
    { "complex.npy", "unsupported dtype '<c16' (complex128)" },
    { "object.npy", "unsupported dtype '|O' (object" },
    { "record.npy", "unsupported dtype: structured arrays" },
    { "half.npy", "unsupported dtype '<f2' (float16)" },
    { "u16.npy", "unsupported dtype '<u2' (uint16)" },
    { "str.npy", "unsupported dtype '<U3' (unicode string)" },
    { "date.npy", "unsupported dtype '<M8[D]' (datetime64)" },
  }
  for _, c in ipairs(cases) do
    H.check_error("torch.loadnpy: " .. c[2], torch.loadnpy, FIX .. c[1])
    H.check_error(FIX .. c[1], torch.loadnpy, FIX .. c[1]) -- the message names the file
  end
  H.check_error("uses compression method 12; only stored (0) and deflate (8)", torch.loadnpz,
    FIX .. "bzip2.npz")
end)

H.test("wrong files and paths", function()
  H.check_error("torch.loadnpy: cannot open for reading", torch.loadnpy, tmp("missing.npy"))
  H.check_error("torch.loadnpz: cannot open for reading", torch.loadnpz, tmp("missing.npz"))
  H.check_error("not an .npy file: no \\x93NUMPY magic", torch.loadnpy, FIX .. "stored.npz")
  H.check_error("it is an .npy file (use torch.loadnpy)", torch.loadnpz, FIX .. "f8_C_le.npy")
  H.check_error("not an .npy file", torch.loadnpy, FIX .. "make_fixtures.py")
  spit(tmp("empty.npy"), "")
  H.check_error("not an .npy file", torch.loadnpy, tmp("empty.npy"))
  H.check_error("too short for a ZIP archive", torch.loadnpz, tmp("empty.npy"))
  H.check_error("cannot open a directory", torch.loadnpy, TMPDIR)
  H.check_error("bad argument #1 to", torch.loadnpy)
end)

-- an .npy file whose header is h (padded as numpy pads) followed by data
local function npy_with_header(h, data, version)
  version = version or 1
  local pre = version == 1 and 10 or 12
  h = h .. string.rep(" ", 63 - (pre + #h) % 64) .. "\n"
  local len = version == 1 and string.pack("<I2", #h) or string.pack("<I4", #h)
  return "\x93NUMPY" .. string.char(version, 0) .. len .. h .. (data or "")
end

H.test("bad headers", function()
  local cases = {
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }", "absurd shape in the header: negative dimension -3" },
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }",
      "absurd shape in the header: the element count overflows 64 bits" },
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), }",
      "more than 16 dimensions" },
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000), }",
      "truncated file: shape 1000000x1000 of <f8 needs 8000000000 bytes of data, 0 remain" },
    { "{'descr': '<f8', 'fortran_order': False, }", "malformed .npy header: missing 'shape'" },
    { "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }", "malformed .npy header near byte" },
    { "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "malformed .npy header: unknown key 'extra'" },
    { "{'descr': '<f8' 'fortran_order': False, 'shape': (2,), }", "malformed .npy header" },
    { "{'descr': '<x8', 'fortran_order': False, 'shape': (2,), }", "unsupported dtype '<x8' (unknown kind 'x')" },
    { "not a dict at all", "malformed .npy header near byte 10" },
  }
  for i, c in ipairs(cases) do
    local path = tmp("bad" .. i .. ".npy")
    spit(path, npy_with_header(c[1]))
    H.check_error("torch.loadnpy: " .. c[2], torch.loadnpy, path)
    H.check_error(path, torch.loadnpy, path)
  end
  spit(tmp("v9.npy"), "\x93NUMPY\x09\x00\x10\x00{}")
  H.check_error("unsupported .npy format version 9.0", torch.loadnpy, tmp("v9.npy"))
  spit(tmp("long.npy"), "\x93NUMPY\x02\x00\xff\xff\xff\x7f{")
  H.check_error("header of 2147483647 bytes is too long", torch.loadnpy, tmp("long.npy"))
  spit(tmp("short.npy"), "\x93NUMPY\x01\x00\x76\x00{'descr'")
  H.check_error("truncated .npy header (18 of 128 bytes)", torch.loadnpy, tmp("short.npy"))
  -- a header we build by hand with 2.0 framing and double quotes still loads
  spit(tmp("hand.npy"), npy_with_header('{"shape": (2,), "fortran_order": False, "descr": ">i2"}',
    "\x01\x02\xff\xfe", 2))
  local t = torch.loadnpy(tmp("hand.npy"))
  H.eq(torch.typename(t), "torch.ShortTensor")
  H.eq(t[1], 258)
  H.eq(t[2], -2)
end)

H.test("truncated files at every length fail cleanly", function()
  local full = slurp(FIX .. "i2_F_be.npy")
  for len = 0, #full - 1, (#full > 300 and 3 or 1) do
    local path = tmp("cut.npy")
    spit(path, full:sub(1, len))
    local ok, err = pcall(torch.loadnpy, path)
    H.ok(not ok, "length " .. len .. " loaded")
    H.ok(tostring(err):find("torch.loadnpy: ", 1, true) and tostring(err):find(path, 1, true),
      "length " .. len .. ": " .. tostring(err))
  end
  for _, name in ipairs({ "stored.npz", "deflate.npz" }) do
    full = slurp(FIX .. name)
    for len = 0, #full - 1 do
      local path = tmp("cut.npz")
      spit(path, full:sub(1, len))
      local ok, err = pcall(torch.loadnpz, path)
      H.ok(not ok, name .. " length " .. len .. " loaded")
      H.ok(tostring(err):find("torch.loadnpz: ", 1, true), tostring(err))
    end
  end
end)

H.test("fuzzed files never crash; corrupt members are caught by their CRC", function()
  local seed = 12345
  local function rand(n) -- a small LCG, so the cases are the same on every run
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n + 1
  end
  for _, name in ipairs({ "f8_C_le.npy", "stored.npz", "deflate.npz", "extra.npz" }) do
    local full = slurp(FIX .. name)
    local load = name:match("npz$") and torch.loadnpz or torch.loadnpy
    for _ = 1, 150 do
      local bytes = { full:byte(1, -1) }
      for _ = 1, rand(4) do
        local at = rand(#bytes)
        bytes[at] = (bytes[at] + rand(255)) % 256
      end
      local path = tmp("fuzz")
      spit(path, string.char(table.unpack(bytes)))
      local ok, err = pcall(load, path)
      H.ok(ok or tostring(err):find("torch.load", 1, true), tostring(err))
    end
  end
  -- a flipped byte in a stored member's data is always caught
  local full = slurp(FIX .. "stored.npz")
  local at = full:find("\x93NUMPY", 1, true) + 140 -- inside a.npy's data
  spit(tmp("flip.npz"), full:sub(1, at - 1) .. string.char((full:byte(at) + 1) % 256) .. full:sub(at + 1))
  H.check_error("corrupt member: CRC-32 is", torch.loadnpz, tmp("flip.npz"))
  H.check_error("member 'a.npy'", torch.loadnpz, tmp("flip.npz"))
end)

H.test("ZIP64 archives are refused clearly", function()
  -- an end record saying "see the ZIP64 record" (0xFFFF members)
  spit(tmp("z64.npz"), "PK\5\6" .. string.rep("\0", 4) .. "\xff\xff\xff\xff" ..
    string.rep("\xff", 8) .. "\0\0")
  H.check_error("ZIP64 archives (over 4 GiB or 65535 members) are not supported", torch.loadnpz,
    tmp("z64.npz"))
  -- a ZIP64 locator just before an ordinary end record
  spit(tmp("z64b.npz"), "PK\6\7" .. string.rep("\0", 16) .. "PK\5\6" .. string.rep("\0", 18))
  H.check_error("ZIP64 archives", torch.loadnpz, tmp("z64b.npz"))
end)

-- ---------------------------------------------------------------- round trips

H.test("round trip of every type, contiguous and strided", function()
  for _, T in ipairs(TYPES) do
    local base = sample(T, 5, 7)
    local views = {
      contiguous = base,
      transposed = base:t(),
      narrowed = base:narrow(2, 2, 3),
      selected = base:select(2, 4),
      vector = sample(T, 13),
      single = sample(T, 1),
      empty = torch[T .. "Tensor"](),
      zero_rows = torch[T .. "Tensor"](0, 4),
      cube = sample(T, 3, 1, 4):transpose(1, 3),
    }
    for what, t in pairs(views) do
      local path = tmp(T .. what .. ".npy")
      torch.savenpy(path, t)
      local back = torch.loadnpy(path)
      if what == "empty" then
        H.eq(back:dim(), 1, T .. " empty")
        H.eq(back:nElement(), 0, T .. " empty")
        H.eq(torch.typename(back), "torch." .. T .. "Tensor")
      else
        same(back, t, T .. " " .. what)
        H.ok(back:isContiguous(), T .. " " .. what .. " loads contiguous")
      end
    end
  end
end)

H.test("npz round trips: stored, compressed, levels, empty archive", function()
  local members = { w = sample("Double", 4, 3), b = sample("Float", 3), idx = sample("Long", 2, 2):t(),
    mask = sample("Byte", 6), empty = torch.IntTensor(0, 2), c = sample("Char", 3, 3, 3) }
  for _, opts in ipairs({ false, { compress = false }, { compress = true }, { level = 1 },
    { compress = true, level = 9 } }) do
    local path = tmp("m.npz")
    torch.savenpz(path, members, opts or nil)
    local back = torch.loadnpz(path)
    for k, t in pairs(members) do
      if t:nElement() == 0 then
        H.eq(shape(back[k]), shape(t), k)
      else
        same(back[k], t, k)
      end
    end
    local n = 0
    for _ in pairs(back) do n = n + 1 end
    H.eq(n, 6)
  end
  -- deflate really compresses a compressible tensor
  local z = { zeros = torch.DoubleTensor(10000):zero() }
  torch.savenpz(tmp("s.npz"), z)
  torch.savenpz(tmp("c.npz"), z, { compress = true })
  H.ok(#slurp(tmp("c.npz")) * 20 < #slurp(tmp("s.npz")), "compressed size")
  torch.savenpz(tmp("none.npz"), {})
  H.eq(next(torch.loadnpz(tmp("none.npz"))), nil)
end)

H.test("saves are atomic and leave no temporary files", function()
  local path = tmp("keep.npy")
  for _, f in ipairs(listdir()) do os.remove(tmp(f)) end
  torch.savenpy(path, torch.DoubleTensor { 1, 2, 3 })
  torch.savenpy(path, torch.DoubleTensor { 4, 5 }) -- replaces it
  same(torch.loadnpy(path), torch.DoubleTensor { 4, 5 })
  torch.savenpz(tmp("keep.npz"), { a = torch.DoubleTensor { 1 } })
  H.check_error("torch.savenpz: value of 'b' is a string, expected a tensor", torch.savenpz,
    tmp("keep.npz"), { a = torch.DoubleTensor { 2 }, b = "x" })
  same(torch.loadnpz(tmp("keep.npz")).a, torch.DoubleTensor { 1 }) -- untouched
  H.check_error("torch.savenpy: cannot open for writing", torch.savenpy, tmp("no/such/dir.npy"),
    torch.DoubleTensor { 1 })
  H.check_error("torch.savenpy: cannot open a directory", torch.savenpy, TMPDIR, torch.DoubleTensor { 1 })
  H.eq(table.concat(listdir(), ","), "keep.npy,keep.npz")
end)

H.test("savenpz argument errors", function()
  local t = torch.DoubleTensor { 1 }
  H.check_error("torch.savenpz: member names must be strings, got a number key", torch.savenpz,
    tmp("x.npz"), { t })
  H.check_error("member name '' is empty", torch.savenpz, tmp("x.npz"), { [""] = t })
  H.check_error("torch.savenpz: level must be an integer from 1 to 9", torch.savenpz, tmp("x.npz"),
    { a = t }, { level = 10 })
  H.check_error("bad argument #2 to", torch.savenpz, tmp("x.npz"), t)
  H.check_error("bad argument #2 to", torch.savenpy, tmp("x.npy"), { 1, 2 })
end)

-- ---------------------------------------------------------------- live checks against numpy

local PYTHON = "/usr/bin/python3"
local have_numpy = os.execute(PYTHON .. " -c 'import numpy' >/dev/null 2>&1") == true
local skipped = 0

-- Runs a Python program (numpy imported as np) with the folder as argv[1];
-- returns its standard output.
local function python(code)
  local path = tmp("check.py")
  spit(path, "import sys\nimport numpy as np\nD = sys.argv[1]\n" .. code)
  local p = io.popen(PYTHON .. " " .. path .. " " .. TMPDIR .. " 2>&1")
  local out = p:read("a")
  local ok = p:close()
  H.ok(ok, "python failed:\n" .. out)
  return out
end

-- Python code that prints one line per array: name, dtype, shape, values in C order
local DESCRIBE = [[
def describe(name, a):
    flat = a.ravel(order="C")
    vals = " ".join(repr(v) for v in (flat.astype(np.uint8) if a.dtype == bool else flat).tolist())
    print(name, a.dtype.str, "x".join(str(s) for s in a.shape), int(a.flags.f_contiguous and not a.flags.c_contiguous), vals)
]]

local function parse_described(out)
  local arrays = {}
  for line in out:gmatch("[^\n]+") do
    local name, dtype, shp, fortran, rest = line:match("^(%S+) (%S+) (%S*) (%d) ?(.*)$")
    H.ok(name, "unparsed line: " .. line)
    if name then
      local vals = {}
      for v in rest:gmatch("%S+") do vals[#vals + 1] = math.tointeger(tonumber(v)) or tonumber(v) end
      arrays[name] = { dtype = dtype, shape = shp, fortran = fortran == "1", values = vals }
    end
  end
  return arrays
end

if not have_numpy then
  skipped = 3
else
  H.test("numpy loads what we write, byte for byte like np.save", function()
    local written = {}
    for _, T in ipairs(TYPES) do
      written[T] = sample(T, 3, 5)
      torch.savenpy(tmp(T .. ".npy"), written[T])
      torch.savenpy(tmp(T .. "_t.npy"), written[T]:t())
    end
    torch.savenpz(tmp("all.npz"), written)
    torch.savenpz(tmp("allz.npz"), written, { compress = true })
    local out = python(DESCRIBE .. [[
import io, zipfile
for t in ["Byte", "Char", "Short", "Int", "Long", "Float", "Double"]:
    for suffix in ["", "_t"]:
        a = np.load("%s/%s%s.npy" % (D, t, suffix))
        describe(t + suffix, a)
        buf = io.BytesIO()
        np.save(buf, a)
        assert buf.getvalue() == open("%s/%s%s.npy" % (D, t, suffix), "rb").read(), t + suffix
    for z in ["all", "allz"]:
        with np.load("%s/%s.npz" % (D, z)) as f:
            describe(z + "." + t, f[t])
for z in ["all", "allz"]:
    assert zipfile.ZipFile("%s/%s.npz" % (D, z)).testzip() is None
]])
    local arrays = parse_described(out)
    for _, T in ipairs(TYPES) do
      local kind = KIND_OF["torch." .. T .. "Tensor"]
      for name, t in pairs({ [T] = written[T], [T .. "_t"] = written[T]:t(), ["all." .. T] = written[T],
        ["allz." .. T] = written[T] }) do
        local a = arrays[name]
        H.ok(a, "numpy did not describe " .. name)
        if a then
          H.eq(a.dtype:sub(2), kind, name .. " dtype")
          H.eq(a.shape, shape(t), name .. " shape")
          local flat = flatten(t)
          H.eq(#a.values, #flat, name .. " count")
          for i = 1, #flat do H.eq(a.values[i], flat[i], name .. " element " .. i) end
        end
      end
    end
  end)

  H.test("we load what numpy writes now (random data, every type, both orders and byte orders)", function()
    local out = python(DESCRIBE .. [[
rng = np.random.default_rng(2024)
arrays = {}
for kind in ["u1", "i1", "i2", "i4", "i8", "f4", "f8", "b1"]:
    if kind == "b1":
        a = rng.integers(0, 2, (4, 3, 2)).astype(bool)
    elif kind[0] == "f":
        a = rng.standard_normal((4, 3, 2)).astype(kind) * 1e3
    else:
        info = np.iinfo(kind)
        a = rng.integers(info.min, info.max, (4, 3, 2), dtype=kind, endpoint=True)
    for order in "CF":
        for ch in "<>":
            b = np.asarray(a, dtype=a.dtype.newbyteorder(ch), order=order)
            name = "%s_%s_%s" % (kind, order, "le" if ch == "<" else "be")
            np.save("%s/%s.npy" % (D, name), b)
            arrays[name] = b
            describe(name, b)
np.savez_compressed(D + "/rng.npz", **arrays)
]])
    local arrays = parse_described(out)
    local z = torch.loadnpz(tmp("rng.npz"))
    local count = 0
    for name, a in pairs(arrays) do
      count = count + 1
      for _, t in ipairs({ torch.loadnpy(tmp(name .. ".npy")), z[name] }) do
        local kind = name:sub(1, 2)
        H.eq(torch.typename(t), TYPE_OF[kind] or "torch.ByteTensor", name)
        H.eq(shape(t), a.shape, name .. " shape")
        H.eq(not t:isContiguous(), a.fortran, name .. " order")
        local flat = flatten(t)
        for i = 1, #flat do
          H.eq(flat[i], a.values[i], name .. " element " .. i)
        end
      end
    end
    H.eq(count, 32)
  end)

  H.test("numpy reads our empty, scalar-like and high-dimensional tensors", function()
    torch.savenpy(tmp("e.npy"), torch.FloatTensor())
    torch.savenpy(tmp("z.npy"), torch.IntTensor(2, 0, 3))
    torch.savenpy(tmp("h.npy"), sample("Short", 2, 1, 2, 1, 2, 1, 2))
    local out = python(DESCRIBE .. [[
for n in ["e", "z", "h"]:
    describe(n, np.load("%s/%s.npy" % (D, n)))
]])
    local a = parse_described(out)
    H.eq(a.e.dtype, "<f4")
    H.eq(a.e.shape, "0")
    H.eq(a.z.shape, "2x0x3")
    H.eq(a.h.shape, "2x1x2x1x2x1x2")
    local flat = flatten(sample("Short", 2, 1, 2, 1, 2, 1, 2))
    for i = 1, #flat do H.eq(a.h.values[i], flat[i]) end
  end)
end

os.execute("rm -rf " .. TMPDIR)
if skipped > 0 then
  io.stderr:write(string.format("skipped %d numpy checks: %s has no numpy\n", skipped, PYTHON))
end
print(string.format("%d passed, %d failed, %d skipped", H.passed, H.failed, skipped))
os.exit(H.failed == 0 and 0 or 1)
