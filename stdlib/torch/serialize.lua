-- Object serialization in Torch7's own format: torch.save, torch.load,
-- torch.serialize, torch.deserialize and the File methods writeObject,
-- readObject, writeBool, readBool, referenced, isReferenced.
--
-- An object is a type tag (Int) and its payload: nil 0, number 1 (a Double),
-- string 2 (Int length + bytes), table 3, torch object 4, boolean 5 (Int 0/1),
-- function 6/7/8.  Tables, torch objects and functions carry an Int index; an
-- object met again is written as its index only, so shared references and
-- cycles survive.  A torch object is "V <version>", its class name and the
-- class's payload: a tensor writes nDimension, sizes, strides, 1-based offset
-- and its storage (as an object: whole, shared by index); a storage its size
-- and elements; other classes their `write` method's output or a table of
-- their fields.  The byte-level encodings (binary, ascii) are torch.File's.
--
-- Choices (see docs/serialization.md):
--  * Lua integers are written as doubles (Torch7 reads them); an integer that a
--    double cannot hold exactly (|i| > 2^53) is an error, not a silent change.
--    On load, integral doubles in [-2^53, 2^53] (except -0.0) become Lua
--    integers; all other numbers stay floats.
--  * Loading never runs code from the file: functions are refused unless the
--    caller passes {allow_functions = true}, and even then only Lua 5.4
--    bytecode loads (Torch7's Lua 5.1 / LuaJIT bytecode cannot run here).
--  * A class name that is not registered loads as a generic object: a table of
--    its fields whose metatable carries the name (torch.typename works, so the
--    weights of an nn model are readable before moonlab has nn); with
--    {strict = true}, or for names under "torch." (C types whose payload we
--    cannot parse), an unknown class is an error naming it.
--  * torch.save writes a temporary file next to the target and renames it
--    into place, so a failed save leaves the previous file intact.
local torch = require "torch"

local File = torch.getmetatable("torch.File")

local TYPE_NIL, TYPE_NUMBER, TYPE_STRING, TYPE_TABLE = 0, 1, 2, 3
local TYPE_TORCH, TYPE_BOOLEAN, TYPE_FUNCTION = 4, 5, 6
local TYPE_LEGACY_RECUR_FUNCTION, TYPE_RECUR_FUNCTION = 7, 8

local MAX_EXACT = 2 ^ 53 -- largest magnitude where every integer is a double
local MAX_DIMS = 16

local DTYPES = { Byte = true, Char = true, Short = true, Int = true, Long = true, Float = true,
  Double = true }

-- ---------------------------------------------------------------- per-file state

-- file -> { written = {key -> index}, keep = {index -> object}, nwritten,
--           read = {index -> object}, force (not referenced), opts, path }
local states = setmetatable({}, { __mode = "k" })

local function state(f)
  local st = states[f]
  if not st then
    st = { written = {}, keep = {}, nwritten = 0, read = {}, force = false, opts = {}, path = {} }
    states[f] = st
  end
  return st
end

--- f:referenced(ref) -> f.  With false, objects are not tracked: each
-- occurrence is written in full (cycles then cannot be written).
function File:referenced(ref)
  state(self).force = not ref
  return self
end

--- f:isReferenced() -> whether shared objects are written once (default true).
function File:isReferenced()
  return not state(self).force
end

--- f:writeBool(v): an Int, 1 for true and 0 otherwise.
function File:writeBool(value)
  return self:writeInt(value and 1 or 0)
end

--- f:readBool() -> true when the next Int is 1.
function File:readBool()
  return self:readInt() == 1
end

-- ---------------------------------------------------------------- generic objects

-- Metatables of the classes met on load without a registered class: one per
-- name, carrying __typename so torch.typename / torch.type / isTypeOf work.
local generic = {}

local function generic_mt(name)
  local mt = generic[name]
  if not mt then
    mt = { __typename = name, __generic = true }
    mt.__tostring = function() return name .. " (generic object: class not loaded)" end
    generic[name] = mt
  end
  return mt
end

local function is_generic(obj)
  local mt = getmetatable(obj)
  return type(mt) == "table" and rawget(mt, "__generic") == true
end

-- ---------------------------------------------------------------- writing

local function fail(fmt, ...)
  error(string.format(fmt, ...), 0)
end

-- An error message without the "chunk:line: " that luaL_error puts in front
-- of the C methods' messages.
local function clean(err)
  local msg = tostring(err):gsub("^[^\n]-:%d+: ", "")
  local n
  repeat msg, n = msg:gsub("^file%.%a+: ", "") until n == 0
  return msg
end

local function where(st)
  return "root" .. table.concat(st.path)
end

local function key_name(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return "." .. k end
  if type(k) == "string" or math.type(k) == "integer" then return "[" .. string.format("%q", k) .. "]" end
  return "[" .. tostring(k) .. "]"
end

-- The type tag of obj, or nil when it cannot be written.
local function tag_of(obj)
  local ty = type(obj)
  if ty == "nil" then return TYPE_NIL end
  if ty == "number" then return TYPE_NUMBER end
  if ty == "string" then return TYPE_STRING end
  if ty == "boolean" then return TYPE_BOOLEAN end
  if ty == "function" then
    return pcall(string.dump, obj) and TYPE_RECUR_FUNCTION or nil
  end
  if ty == "userdata" then
    if torch.isTensor(obj) or torch.isStorage(obj) then return TYPE_TORCH end
    if torch.typename(obj) == "torch.Generator" then return TYPE_TORCH end
    return nil
  end
  if ty == "table" then
    local name = torch.typename(obj)
    if name and (is_generic(obj) or torch.factory(name)) then return TYPE_TORCH end
    return TYPE_TABLE
  end
  return nil
end

-- ---------------------------------------------------------------- generators

-- A torch.Generator is written as Torch7 writes it: the raw bytes of its C
-- struct THGenerator on x86-64 (5048 bytes, little-endian): u64 initial seed,
-- i32 left, i32 seeded, u64 next, 624 u64 state words, f64 normal_x,
-- normal_y, normal_rho, i32 normal_is_valid, 4 bytes of padding.  moonlab's
-- own state (torch.getRNGState, kernels/random.h ml_generator) holds the same
-- MT19937 words as u32, next, normal_ready, initial seed, normal_x,
-- normal_rho, magic, reserved; the two convert into each other exactly.
local MT_N = 624
local T7_GEN_FMT = "<I8i4i4I8" .. string.rep("I8", MT_N) .. "dddi4i4"
local ML_GEN_FMT = "=" .. string.rep("I4", MT_N) .. "I4I4I8ddI4I4"
local T7_GEN_BYTES = string.packsize(T7_GEN_FMT)

local function write_generator(f, gen)
  local v = { string.unpack(ML_GEN_FMT, torch.getRNGState(gen):storage():string()) }
  local nxt, ready, seed, nx, rho = v[MT_N + 1], v[MT_N + 2], v[MT_N + 3], v[MT_N + 4], v[MT_N + 5]
  -- next == N (twist first) is written as Torch7's fresh seed writes it: left 1, next 0
  local out = { seed, MT_N - nxt + 1, 1, nxt == MT_N and 0 or nxt }
  for i = 1, MT_N do out[4 + i] = v[i] end
  local k = 4 + MT_N
  out[k + 1], out[k + 2], out[k + 3], out[k + 4], out[k + 5] = nx, 0.0, rho, ready, 0
  f:writeByte(torch.ByteStorage():string(string.pack(T7_GEN_FMT, table.unpack(out))))
end

local function read_generator(f)
  local bytes = f:readByte(T7_GEN_BYTES):string()
  local v = { string.unpack(T7_GEN_FMT, bytes) }
  local seed, left, nxt = v[1], v[2], v[4]
  local k = 4 + MT_N
  local nx, rho, valid = v[k + 1], v[k + 3], v[k + 4]
  local gen = torch.Generator()
  local tmpl = { string.unpack(ML_GEN_FMT, torch.getRNGState(gen):storage():string()) }
  local mine = {}
  for i = 1, MT_N do mine[i] = v[4 + i] & 0xffffffff end
  -- Torch7 draws word `next` after decrementing `left`, twisting when it
  -- reaches 0: left == 1 means "twist first", else next == N - left + 1.
  if left <= 1 then nxt = MT_N else nxt = MT_N - left + 1 end
  if nxt < 0 or nxt > MT_N then fail("invalid torch.Generator state (left = %d, expected 1..%d)", left, MT_N + 1) end
  mine[MT_N + 1], mine[MT_N + 2], mine[MT_N + 3] = nxt, valid ~= 0 and 1 or 0, seed
  mine[MT_N + 4], mine[MT_N + 5] = valid ~= 0 and nx or 0.0, valid ~= 0 and rho or 0.0
  mine[MT_N + 6], mine[MT_N + 7] = tmpl[MT_N + 6], 0
  local state = torch.ByteTensor(torch.ByteStorage():string(string.pack(ML_GEN_FMT, table.unpack(mine))))
  local ok, err = pcall(torch.setRNGState, gen, state)
  if not ok then fail("invalid torch.Generator state (%s)", clean(err)) end
  return gen
end

local write_object

local function write_string(f, s)
  f:writeInt(#s)
  f:writeChar(s)
end

local function write_storage(f, s, T)
  f:writeLong(s:size())
  f["write" .. T](f, s)
end

local function write_tensor(f, st, t)
  f:writeInt(t:nDimension())
  f:writeLong(t:size())
  f:writeLong(t:stride())
  f:writeLong(t:storageOffset())
  write_object(f, st, t:storage(), ":storage()")
end

local function write_fields(f, st, obj, name)
  local var = {}
  for k, v in pairs(obj) do
    if tag_of(k) and tag_of(v) then
      var[k] = v
    else
      io.stderr:write(string.format("torch.save: warning: field %s of %s (a %s) cannot be serialized, skipped\n",
        tostring(k), name, type(v)))
    end
  end
  write_object(f, st, var, "")
end

local function write_function(f, st, fn)
  local upvalues = {}
  local i = 1
  while true do
    local name, value = debug.getupvalue(fn, i)
    if not name then break end
    if name == "_ENV" then value = nil end
    upvalues[i] = { name = name, value = value }
    i = i + 1
  end
  write_string(f, string.dump(fn))
  write_object(f, st, upvalues, "<upvalues>")
end

write_object = function(f, st, obj, name)
  local path = st.path
  path[#path + 1] = name
  local tag = tag_of(obj)
  if not tag then
    fail("cannot serialize a %s (at %s)", torch.type(obj), where(st))
  end
  f:writeInt(tag)
  if tag == TYPE_NUMBER then
    if math.type(obj) == "integer" and (obj > MAX_EXACT or obj < -MAX_EXACT) then
      fail("integer %d has no exact double form; Torch7 files store numbers as doubles "
        .. "(store it as a float, a string or in a LongTensor) (at %s)", obj, where(st))
    end
    f:writeDouble(obj)
  elseif tag == TYPE_BOOLEAN then
    f:writeBool(obj)
  elseif tag == TYPE_STRING then
    write_string(f, obj)
  elseif tag ~= TYPE_NIL then
    -- tables, torch objects and functions: written once, then by index
    local key = torch.isStorage(obj) and torch.pointer(obj) or obj
    local index = st.written[key]
    if index and not st.force then
      f:writeInt(index)
    else
      st.nwritten = st.nwritten + 1
      index = st.nwritten
      if not st.force then
        st.written[key] = index
        st.keep[index] = obj -- keeps the object (and its address) alive
      end
      f:writeInt(index)
      if tag == TYPE_RECUR_FUNCTION then
        write_function(f, st, obj)
      elseif tag == TYPE_TORCH then
        local cname = torch.typename(obj)
        local mt = getmetatable(obj)
        local version = type(mt) == "table" and rawget(mt, "__version") or 1
        write_string(f, "V " .. tostring(version))
        write_string(f, cname)
        local T, kind = cname:match("^torch%.(%a+)(Tensor)$")
        if not T then T, kind = cname:match("^torch%.(%a+)(Storage)$") end
        if kind == "Tensor" and torch.isTensor(obj) then
          write_tensor(f, st, obj)
        elseif kind == "Storage" and torch.isStorage(obj) then
          write_storage(f, obj, T)
        elseif cname == "torch.Generator" then
          write_generator(f, obj)
        else
          local cmt = not is_generic(obj) and torch.getmetatable(cname)
          local write = cmt and (cmt.__write or cmt.write)
          if type(write) == "function" then
            write(obj, f)
          else
            write_fields(f, st, obj, cname)
          end
        end
      else
        local n = 0
        for _ in pairs(obj) do n = n + 1 end
        f:writeInt(n)
        for k, v in pairs(obj) do
          write_object(f, st, k, "<key>")
          write_object(f, st, v, key_name(k))
        end
      end
    end
  end
  path[#path] = nil
end

--- f:writeObject(obj): writes obj (nil, number, string, boolean, table,
-- tensor, storage, torch.class object, Lua function) in Torch7's format.
-- Objects already written to this file are written as a reference.
function File:writeObject(object)
  local st = state(self)
  st.path = {}
  local ok, err = pcall(write_object, self, st, object, "")
  if not ok then error("file.writeObject: " .. clean(err), 0) end
end

-- ---------------------------------------------------------------- reading

local read_object

local function read_string(f)
  return f:_readChars(f:readInt())
end

local function to_number(v, opts)
  if opts.integers == false then return v end
  local i = math.tointeger(v)
  if i and i <= MAX_EXACT and i >= -MAX_EXACT and not (i == 0 and 1 / v < 0) then return i end
  return v
end

local function read_storage(f, T)
  local n = f:readLong()
  if n < 0 then fail("torch.%sStorage with negative size %d", T, n) end
  return f["read" .. T](f, n)
end

local function read_tensor(f, st, T, opts)
  local cname = "torch." .. T .. "Tensor"
  local nd = f:readInt()
  if nd < 0 or nd > MAX_DIMS then
    fail("%s with %d dimensions (at most %d)", cname, nd, MAX_DIMS)
  end
  local size, stride = f:readLong(nd), f:readLong(nd)
  local offset = f:readLong()
  local s = read_object(f, st, opts)
  local numel = nd > 0 and 1.0 or 0.0
  for d = 1, nd do
    if size[d] < 0 then fail("%s with negative size %d", cname, size[d]) end
    numel = numel * size[d]
  end
  if s == nil then
    if numel > 0 then fail("%s of %d elements has no storage", cname, numel) end
    local t = torch[T .. "Tensor"]()
    if nd > 0 then t:resize(size) end
    return t
  end
  if torch.typename(s) ~= "torch." .. T .. "Storage" then
    fail("%s has a storage of type %s", cname, torch.type(s))
  end
  local n = s:size()
  local lo, hi = offset - 1.0, offset - 1.0
  if lo < 0 or lo > n then fail("%s offset %d outside its storage of %d elements", cname, offset, n) end
  if numel > 0 then
    for d = 1, nd do
      local span = (size[d] - 1.0) * stride[d]
      if span >= 0 then hi = hi + span else lo = lo + span end
    end
    if lo < 0 or hi >= n then
      fail("%s view (offset %d, sizes and strides given) reaches outside its storage of %d elements",
        cname, offset, n)
    end
  end
  return torch[T .. "Tensor"](s, offset, size, stride)
end

local function check_bytecode(code)
  if code:sub(1, 4) == "\27Lua" and code:byte(5) == 0x54 then return end
  local what = "not Lua bytecode"
  if code:sub(1, 4) == "\27Lua" then
    what = string.format("Lua %d.%d bytecode (Torch7's)", code:byte(5) // 16, code:byte(5) % 16)
  elseif code:sub(1, 3) == "\27LJ" then
    what = "LuaJIT bytecode (Torch7's)"
  end
  fail("the file holds a function as %s, which cannot run on Lua 5.4", what)
end

local function read_function(f, st, opts, tag, index)
  if not opts.allow_functions then
    fail("the file holds a serialized function; loading it would run code from the file. "
      .. "Pass {allow_functions = true} only for files you trust")
  end
  local code = read_string(f)
  check_bytecode(code)
  local fn, err = load(code, "=(serialized function)", "b")
  if not fn then fail("cannot load a serialized function: %s", tostring(err)) end
  if index and not st.force then st.read[index] = fn end
  local upvalues = read_object(f, st, opts)
  if type(upvalues) ~= "table" then fail("the upvalues of a serialized function are a %s", type(upvalues)) end
  for i, up in ipairs(upvalues) do
    if tag == TYPE_RECUR_FUNCTION then
      if type(up) ~= "table" then fail("bad upvalue record %d of a serialized function", i) end
      if up.name == "_ENV" then
        debug.setupvalue(fn, i, _ENV)
      else
        debug.setupvalue(fn, i, up.value)
      end
    else
      debug.setupvalue(fn, i, up)
    end
  end
  return fn
end

-- A class name from the file, safe to put in a message.
local function printable(name)
  local s = name:sub(1, 100):gsub("[%c\128-\255]", "?")
  return #name > 100 and s .. "..." or s
end

local function copy_fields(obj, var, cname)
  if type(var) ~= "table" then
    fail("class %s: expected a table of fields, found a %s (the class has its own format; load its "
      .. "module first)", printable(cname), torch.type(var))
  end
  for k, v in pairs(var) do obj[k] = v end
end

local function read_torch(f, st, opts, index)
  local version = read_string(f)
  local vnum = tonumber(version:match("^V (.*)$"))
  local cname
  if vnum then
    cname = read_string(f)
  else
    cname, vnum = version, 0 -- files from before Torch7 wrote versions
  end
  local T, kind = cname:match("^torch%.(%a+)(Tensor)$")
  if not T then T, kind = cname:match("^torch%.(%a+)(Storage)$") end
  if T and DTYPES[T] then
    local obj = kind == "Tensor" and read_tensor(f, st, T, opts) or read_storage(f, T)
    if not st.force then st.read[index] = obj end
    return obj
  end
  if cname == "torch.Generator" then
    local obj = read_generator(f)
    if not st.force then st.read[index] = obj end
    return obj
  end
  local mt = torch.getmetatable(cname)
  local factory = mt and torch.factory(cname)
  if factory and type(mt) == "table" then
    local obj = factory()
    if not st.force then st.read[index] = obj end
    local read = mt.__read or mt.read
    if type(read) == "function" then
      read(obj, f, vnum)
    else
      copy_fields(obj, read_object(f, st, opts), cname)
    end
    return obj
  end
  if opts.strict or cname:match("^torch%.") then
    fail("unknown class %s (no torch.class of that name is loaded)", printable(cname))
  end
  local obj = setmetatable({}, generic_mt(cname))
  if not st.force then st.read[index] = obj end
  copy_fields(obj, read_object(f, st, opts), cname)
  return obj
end

read_object = function(f, st, opts)
  local at = f:position()
  local ok, tag = pcall(f.readInt, f)
  if not ok then
    if at == 1 and not f:isBinary() then fail("not an ascii Torch7 file (%s)", clean(tag)) end
    error(tag, 0)
  end
  if tag == TYPE_NIL then return nil end
  if tag == TYPE_NUMBER then return to_number(f:readDouble(), opts) end
  if tag == TYPE_BOOLEAN then return f:readBool() end
  if tag == TYPE_STRING then return read_string(f) end
  if tag == TYPE_FUNCTION then return read_function(f, st, opts, tag, nil) end
  if tag == TYPE_TABLE or tag == TYPE_TORCH or tag == TYPE_RECUR_FUNCTION
      or tag == TYPE_LEGACY_RECUR_FUNCTION then
    local index = f:readInt()
    if not st.force then
      local seen = st.read[index]
      if seen ~= nil then return seen end
    end
    if tag == TYPE_TORCH then return read_torch(f, st, opts, index) end
    if tag ~= TYPE_TABLE then return read_function(f, st, opts, tag, index) end
    local n = f:readInt()
    if n < 0 then fail("table with a negative number of entries (%d) at byte %d", n, at) end
    local t = {}
    if not st.force then st.read[index] = t end
    for _ = 1, n do
      local k = read_object(f, st, opts)
      local v = read_object(f, st, opts)
      if k == nil or k ~= k then fail("table key is %s (at byte %d)", tostring(k), at) end
      t[k] = v
    end
    return t
  end
  local hint = ""
  if at == 1 and f:isBinary() then
    f:seek(1)
    if f:readString(1):match("%d") then hint = " (the file looks like ascii: pass format \"ascii\")" end
  end
  fail("unknown object type tag %d at byte %d%s", tag, at, hint)
end

--- f:readObject([opts]) -> the next object written by writeObject.
-- opts: allow_functions (default false), strict (unknown classes are errors),
-- integers (default true: integral doubles load as Lua integers).
function File:readObject(opts)
  local st = state(self)
  local saved = st.opts
  if opts ~= nil then st.opts = opts end
  local ok, obj = pcall(read_object, self, st, st.opts)
  st.opts = saved
  if not ok then error("file.readObject: " .. clean(obj), 0) end
  return obj
end

-- ---------------------------------------------------------------- torch.save / load

local FORMATS = { binary = true, ascii = true, b64 = true, b32 = true }

local function check_format(who, format, allow_nil)
  if format == nil and allow_nil then return nil end
  format = format or "binary"
  if not FORMATS[format] then
    error(string.format("%s: format must be \"binary\" or \"ascii\" (got %s)", who, tostring(format)), 3)
  end
  return format
end

local function check_opts(who, opts)
  if opts == nil then return {} end
  if type(opts) == "boolean" then return { referenced = opts } end -- Torch7's `referenced`
  if type(opts) ~= "table" then
    error(string.format("%s: options must be a table (got a %s)", who, type(opts)), 3)
  end
  return opts
end

local function set_format(f, format)
  if format == "ascii" then
    f:ascii()
  else
    f:binary()
    f:longSize(format == "b32" and 4 or 8)
  end
end

-- ascii files start with a digit (the first type tag); binary ones with a
-- small little- or big-endian integer, whose first byte is never a digit.
local function detect_format(f)
  f:seekEnd()
  if f:position() == 1 then fail("the file is empty") end
  f:seek(1)
  local first = f:readString(1)
  f:seek(1)
  return first:match("^%d") and "ascii" or "binary"
end

--- torch.save(filename, object, [format="binary"|"ascii"], [opts]): writes
-- object to filename atomically.  opts: referenced (default true), or the
-- boolean `referenced` itself as in Torch7.
function torch.save(filename, object, format, opts)
  if type(filename) ~= "string" then
    error("torch.save: filename must be a string (got a " .. type(filename) .. ")", 2)
  end
  format = check_format("torch.save", format)
  opts = check_opts("torch.save", opts)
  local ok, f = pcall(torch._DiskFileAtomic, filename)
  if not ok then error(string.format("torch.save: %s", clean(f)), 2) end
  set_format(f, format)
  f:referenced(opts.referenced ~= false)
  local err
  ok, err = pcall(f.writeObject, f, object)
  if not ok then
    f:_discard()
    error(string.format("torch.save: %s (%s)", clean(err), filename), 2)
  end
  ok, err = pcall(f.close, f)
  if not ok then error("torch.save: " .. clean(err), 2) end
end

--- torch.load(filename, [format], [opts]) -> object.  format "binary",
-- "ascii" ("b32" reads files with 4-byte Longs); nil detects it.  opts:
-- allow_functions, strict, integers, referenced (see File:readObject).
function torch.load(filename, format, opts)
  if type(filename) ~= "string" then
    error("torch.load: filename must be a string (got a " .. type(filename) .. ")", 2)
  end
  format = check_format("torch.load", format, true)
  opts = check_opts("torch.load", opts)
  local ok, f = pcall(torch.DiskFile, filename, "r")
  if not ok then error(string.format("torch.load: %s", clean(f)), 2) end
  local obj
  ok, obj = pcall(function()
    set_format(f, format or detect_format(f))
    f:referenced(opts.referenced ~= false)
    return f:readObject(opts)
  end)
  f:close()
  if not ok then error(string.format("torch.load: %s (%s)", clean(obj), filename), 2) end
  return obj
end

--- torch.serialize(object, [format="binary"]) -> string in Torch7's format.
function torch.serialize(object, format)
  format = check_format("torch.serialize", format)
  local f = torch.MemoryFile("w")
  set_format(f, format)
  local ok, err = pcall(f.writeObject, f, object)
  if not ok then
    f:close()
    error("torch.serialize: " .. clean(err), 2)
  end
  local s = f:_string()
  f:close()
  return s
end

--- torch.deserialize(str, [format], [opts]) -> object (format detected when nil).
function torch.deserialize(str, format, opts)
  if type(str) ~= "string" then
    error("torch.deserialize: expected a string (got a " .. type(str) .. ")", 2)
  end
  format = check_format("torch.deserialize", format, true)
  opts = check_opts("torch.deserialize", opts)
  local f = torch.MemoryFile(str, "r")
  local ok, obj = pcall(function()
    set_format(f, format or detect_format(f))
    f:referenced(opts.referenced ~= false)
    return f:readObject(opts)
  end)
  f:close()
  if not ok then error("torch.deserialize: " .. clean(obj), 2) end
  return obj
end

--- torch.serializeToStorage(object, [format]) -> CharStorage of the bytes.
function torch.serializeToStorage(object, format)
  return torch.CharStorage():string(torch.serialize(object, format))
end

--- torch.deserializeFromStorage(storage, [format], [opts]) -> object.
function torch.deserializeFromStorage(storage, format, opts)
  return torch.deserialize(storage:string(), format, opts)
end

torch.saveobj = torch.save
torch.loadobj = torch.load

return {}
