-- torch.class and the type queries of Torch7's utility API: torch.class,
-- torch.typename, torch.type, torch.isTypeOf, torch.getmetatable,
-- torch.setmetatable, torch.factory, torch.getconstructortable.
--
-- A class is a metatable registered in the Lua registry under its name (as
-- Torch7 does, so tensors' metatables and Lua classes are found the same way).
-- It holds the methods, `__typename`, `__index` (itself) and metamethods that
-- forward to the class's own `__tostring__`, `__add__`, `__call__` ... methods
-- (Torch7's convention).  A subclass's metatable has its parent's metatable as
-- metatable, so methods are inherited and isTypeOf can walk up the chain.  The
-- class is called through a constructor table placed in the module named by
-- the prefix of the class name (`foo.A` goes to the table `foo`, a name without
-- a dot goes to the global table); calling it makes an instance and runs
-- `__init` with the arguments.
--
-- Deliberately not done: Torch7's `__index__`/`__newindex__` hooks and C-side
-- class ids (torch.id, typename2id).
local torch = require "torch"

local M = {}

local registry = debug.getregistry()
local classes = setmetatable({}, { __mode = "k" })  -- class metatable -> true (Lua classes)
local ctor_name = setmetatable({}, { __mode = "k" }) -- constructor table -> class name

--- torch.typename(obj) -> the class name of a torch object (tensor, storage,
-- instance of a torch.class), or nil.
function M.typename(obj)
  local ty = type(obj)
  if ty ~= "table" and ty ~= "userdata" then return nil end
  local mt = debug.getmetatable(obj)
  if type(mt) ~= "table" then return nil end
  local name = rawget(mt, "__typename")
  if type(name) == "string" then return name end
  return nil
end

--- torch.type(obj) -> torch.typename(obj), or Lua's type(obj) for other values.
function M.type(obj)
  return M.typename(obj) or type(obj)
end

--- torch.getmetatable(name) -> the metatable of the torch class `name`
-- ("torch.DoubleTensor", "nn.Linear" ...), or nil when there is none.
function M.getmetatable(name)
  if type(name) ~= "string" then
    error("torch.getmetatable: expected a class name (string), got a " .. type(name), 2)
  end
  local mt = registry[name]
  if type(mt) == "table" and rawget(mt, "__typename") == name then return mt end
  return nil
end

--- torch.setmetatable(tbl, name) -> tbl, with the metatable of class `name`.
function M.setmetatable(tbl, name)
  local mt = M.getmetatable(name)
  if not mt then error("torch.setmetatable: unknown class '" .. tostring(name) .. "'", 2) end
  return setmetatable(tbl, mt)
end

--- torch.factory(name) -> a function returning a new empty object of class
-- `name` (no __init call), or nil.
function M.factory(name)
  local mt = M.getmetatable(name)
  return mt and rawget(mt, "__factory") or nil
end

--- torch.getconstructortable(name) -> the callable table of class `name`, or nil.
function M.getconstructortable(name)
  local mt = M.getmetatable(name)
  return mt and rawget(mt, "__constructor") or nil
end

-- The class name designated by a type spec: a string, a constructor table,
-- or a class metatable.
local function spec_name(spec)
  if type(spec) == "string" then return spec end
  if type(spec) == "table" then
    if ctor_name[spec] then return ctor_name[spec] end
    local name = rawget(spec, "__typename")
    if type(name) == "string" then return name end
  end
  return nil
end

--- torch.isTypeOf(obj, spec) -> true when obj is an instance of the class
-- given by spec or of one of its subclasses.  spec is a class (its
-- constructor, e.g. torch.LongTensor or nn.Linear, or its metatable) or a
-- string; a string that is a Lua pattern ("torch.*Tensor") matches any class
-- name it finds, a plain name must match a class name exactly.
function M.isTypeOf(obj, spec)
  local want = spec_name(spec)
  if not want then
    error("torch.isTypeOf: type must be given as a class name, a pattern or a class (got a "
      .. type(spec) .. ")", 2)
  end
  local mt = debug.getmetatable(obj)
  local seen = 0
  while type(mt) == "table" and seen < 64 do
    local name = rawget(mt, "__typename")
    if type(name) == "string" then
      if name == want then return true end
      local m = name:match(want)
      -- a spec that only matched itself literally is a plain name, not a pattern
      if m and m ~= want then return true end
    end
    mt = debug.getmetatable(mt)
    seen = seen + 1
  end
  return false
end

-- ---------------------------------------------------------------- metamethods

local function is_instance(x)
  local mt = debug.getmetatable(x)
  return mt ~= nil and classes[mt] == true
end

local function handler(x, key)
  if is_instance(x) then return x[key] end
  return nil
end

local function unary(key, fallback)
  return function(a, ...)
    local f = a[key]
    if f ~= nil then return f(a, ...) end
    return fallback(a, ...)
  end
end

local function binary(key, what, fallback)
  return function(a, b)
    local f = handler(a, key) or handler(b, key)
    if f ~= nil then return f(a, b) end
    if fallback then return fallback(a, b) end
    error(string.format("both %s and %s have no %s operator", M.type(a), M.type(b), what), 2)
  end
end

local metamethods = {
  __tostring = function(a)
    -- a subclass's own class table reaches here through its parent: name it
    -- rather than run an instance method on it
    if classes[a] then return rawget(a, "__typename") end
    local f = a.__tostring__
    if f ~= nil then return f(a) end
    return M.typename(a)
  end,
  __call = unary("__call__", function(a)
    error(M.typename(a) .. " has no call operator", 3)
  end),
  __unm = unary("__unm__", function(a)
    error(M.typename(a) .. " has no negation operator", 3)
  end),
  __len = unary("__len__", function(a) return rawlen(a) end),
  __add = binary("__add__", "addition"),
  __sub = binary("__sub__", "subtraction"),
  __mul = binary("__mul__", "multiplication"),
  __div = binary("__div__", "division"),
  __mod = binary("__mod__", "modulo"),
  __pow = binary("__pow__", "power"),
  __concat = binary("__concat__", "concat"),
  __eq = binary("__eq__", "equality", rawequal),
  __lt = binary("__lt__", "less-than"),
  __le = binary("__le__", "less-equal"),
}

-- ---------------------------------------------------------------- torch.class

-- The table named by `path` ("nn", "a.b"): globals first, then loaded modules.
local function find_module(path)
  local t
  for part in path:gmatch("[^.]+") do
    if t == nil then
      t = rawget(_G, part)
      if t == nil then t = package.loaded[part] end
    else
      t = t[part]
    end
    if type(t) ~= "table" then return nil end
  end
  return t
end

local function new_class(name, parent_name, module)
  local prefix, root = name:match("^(.*)%.([^.]+)$")
  if not prefix then root = name end
  if module == nil then
    if prefix then
      module = find_module(prefix)
      if not module then
        error(string.format("torch.class: cannot create class %s: %s is not a loaded module (table)",
          name, prefix), 3)
      end
    else
      module = _G
    end
  end

  local parent
  if parent_name then
    parent = registry[parent_name]
    if type(parent) ~= "table" or not classes[parent] then
      error(string.format("torch.class: unknown parent class '%s' for class '%s'", parent_name, name), 3)
    end
  end

  local mt = registry[name]
  if mt ~= nil then
    -- redefinition (e.g. a script run twice): keep the class, so existing
    -- instances see the new methods
    if type(mt) ~= "table" or not classes[mt] then
      error(string.format("torch.class: '%s' is already a registered type that is not a torch.class",
        name), 3)
    end
    local old = debug.getmetatable(mt)
    if parent and old ~= parent then
      error(string.format("torch.class: class %s already has parent %s (asked for %s)", name,
        old and rawget(old, "__typename") or "none", parent_name), 3)
    end
  else
    mt = {}
    for k, f in pairs(metamethods) do mt[k] = f end
    mt.__index = mt
    mt.__typename = name
    mt.__version = 1
    mt.__factory = function() return setmetatable({}, mt) end
    mt.new = function(...)
      local self = setmetatable({}, mt)
      local init = self.__init
      if init then init(self, ...) end
      return self
    end
    local new = mt.new
    local ctor = setmetatable({}, {
      __index = mt,
      __newindex = mt,
      __call = function(_, ...) return new(...) end,
      __metatable = mt,
      __tostring = function() return name end,
    })
    mt.__constructor = ctor
    ctor_name[ctor] = name
    classes[mt] = true
    if parent then setmetatable(mt, parent) end
    registry[name] = mt
  end
  module[root] = mt.__constructor
  return mt, parent
end

--- torch.class(name, [parentName], [module]) -> class, parent
-- Creates the class `name` (methods go in the returned table; `__init` is the
-- initializer), optionally inheriting from the class `parentName`.  The
-- constructor is stored as module[last part of name]; module defaults to the
-- table named by the prefix of `name` ("nn" for "nn.Linear"), or the global
-- table when the name has no dot.  Returns the class and its parent's class
-- (nil without parent).
function M.class(...)
  local n = select("#", ...)
  local name, a2, a3 = ...
  local parent_name, module
  if type(name) ~= "string" then
    error("torch.class: <class name> [<parent class name>] [<module table>] expected", 2)
  end
  if n >= 3 then
    parent_name, module = a2, a3
  elseif type(a2) == "table" then
    module = a2
  else
    parent_name = a2
  end
  if (parent_name ~= nil and type(parent_name) ~= "string")
      or (module ~= nil and type(module) ~= "table") or n > 3 then
    error("torch.class: <class name> [<parent class name>] [<module table>] expected", 2)
  end
  return new_class(name, parent_name, module)
end

-- ---------------------------------------------------------------- built-in types

-- Gives the C tensor and storage types a __typename (so typename/isTypeOf see
-- them), a factory, and records their class tables for isTypeOf.
local function register_builtin(name)
  local mt = registry[name]
  if type(mt) ~= "table" then return end
  mt.__typename = name
  local ctor = torch[name:sub(7)]
  if ctor then
    ctor_name[ctor] = name
    mt.__constructor = ctor
    mt.__factory = function() return ctor() end
  end
end

for _, ty in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
  register_builtin("torch." .. ty .. "Tensor")
  register_builtin("torch." .. ty .. "Storage")
end

for k, f in pairs(M) do torch[k] = f end
return M
