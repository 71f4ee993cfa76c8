-- moonlab.notebook.cache: the --cache of the notebook runner.  A code cell's
-- key hashes its code and the previous cell's key, which itself covers the
-- files that cell read; a cell whose entry exists, whose recorded files still
-- hash the same, restores from disk what it left behind (the globals it set,
-- changed or removed, the random generator's state, its output, shown value
-- and plots) instead of running.  A cell that errs, or leaves a value that
-- cannot be stored, is not cached and runs again next time.  So a cache is
-- never stale: any change upstream changes every key below it.
--
-- Storable values: nil, booleans, numbers, strings, tensors, storages, torch
-- classes, plain tables of those, and tables whose metatable is a known
-- class (moonlab.ml estimators, data frames: see resolve()).  Functions and
-- other userdata are not.  Files read are seen through io.open/io.lines,
-- dofile/loadfile, torch.load/torch.DiskFile and the loaders of moonlab.csv,
-- moonlab.data and image; a C library reading a file on its own is not seen.
local torch = require "torch"

local N = torch._notebook
local Cache = {}
Cache.__index = Cache

local VERSION = "moonlab-notebook-cache-1"
local CLASS = "\0class" -- the field naming a packed table's class

--- cache.new(dir) -> a store keeping its entries in the folder dir (made
-- when missing).
local function new(dir)
  local ok, err = N.mkdirs(dir)
  if not ok then error("notebook cache: " .. err, 2) end
  return setmetatable({ dir = dir, used = {}, hits = 0, misses = 0 }, Cache)
end

-- The metatable of a class named name ("ml.Ridge", "data.DataFrame"), when
-- a loaded module defines it.
local function resolve(name)
  local cls = name:match("^ml%.(.+)$")
  if cls then
    local ml = package.loaded["moonlab.ml"]
    local c = ml and ml[cls]
    return type(c) == "table" and rawget(c, "_instance_mt") or nil
  end
  for _, modname in ipairs { "moonlab.data" } do
    local mod = package.loaded[modname]
    if type(mod) == "table" then
      for _, v in pairs(mod) do
        if type(v) == "table" then
          local mt = rawget(v, "_instance_mt") or (rawget(v, "__name") == name and v) or nil
          if type(mt) == "table" and rawget(mt, "__name") == name then return mt end
        end
      end
    end
  end
  return nil
end

-- Deep copy of v in a form torch.serialize keeps exactly, or nil, reason.
local function pack(v, seen)
  local ty = type(v)
  if ty == "nil" or ty == "boolean" or ty == "number" or ty == "string" then return v end
  if torch.isTensor(v) or torch.isStorage(v) then return v end
  if ty == "table" or ty == "userdata" then
    if seen[v] then return seen[v] end
    local tn = torch.typename(v)
    if tn and torch.getmetatable(tn) == getmetatable(v) then return v end -- a torch.class instance
    if ty == "userdata" then return nil, "a " .. (tn or "userdata") end
    local mt = getmetatable(v)
    local out = {}
    seen[v] = out
    if mt ~= nil then
      local name = type(mt) == "table" and rawget(mt, "__name")
      if not (type(name) == "string" and resolve(name) == mt) then
        return nil, "a table with a metatable of its own"
      end
      out[CLASS] = name
    end
    local is_model = out[CLASS] and out[CLASS]:match("^ml%.")
    for k, x in pairs(v) do
      if is_model and k == "_class" then goto continue end -- restored from the name
      local pk, why = pack(k, seen)
      if pk == nil then return nil, why end
      local px
      px, why = pack(x, seen)
      if px == nil and x ~= nil then return nil, why end
      out[pk] = px
      ::continue::
    end
    return out
  end
  return nil, "a " .. ty
end

local function unpack_value(v, seen)
  if type(v) ~= "table" or torch.typename(v) then return v end
  if seen[v] then return seen[v] end
  local name = rawget(v, CLASS)
  local out = {}
  seen[v] = out
  for k, x in pairs(v) do
    if k ~= CLASS then out[unpack_value(k, seen)] = unpack_value(x, seen) end
  end
  if name then
    local mt = resolve(name)
    if not mt then error("notebook cache: class " .. name .. " is not loaded") end
    local cls = name:match("^ml%.(.+)$")
    if cls then out._class = package.loaded["moonlab.ml"][cls] end
    setmetatable(out, mt)
  end
  return out
end

-- A fingerprint of a global's value, to see what a cell changed: the value
-- itself for scalars, a hash of its serialized form for tables and tensors.
local function fingerprint(v)
  local ty = type(v)
  if ty == "table" or ty == "userdata" then
    local p = pack(v, {})
    if p == nil then return "?" .. tostring(v) end -- not storable: the cell will not be cached anyway
    local ok, bytes = pcall(torch.serialize, p)
    return ok and (tostring(v) .. N.hash(bytes)) or "?" .. tostring(v)
  end
  return ty .. ":" .. tostring(v)
end

function Cache:path(key) return self.dir .. "/" .. key .. ".t7" end

--- store:start(nb) -> the key before the first cell; records the globals
-- present now, which cells do not own.
function Cache:start(nb)
  self.base = {}
  for k, v in pairs(_G) do self.base[k] = v end
  self.prints = nil
  return N.hash(VERSION .. "\0" .. (nb.name or ""))
end

--- store:key(prev, code) -> the key of a cell with this code after prev.
function Cache:key(prev, code)
  return N.hash(code, prev)
end

local function user_globals(self)
  local out = {}
  for k, v in pairs(_G) do
    if type(k) == "string" and (self.base[k] == nil or not rawequal(self.base[k], v)) then out[k] = v end
  end
  return out
end

--- store:snapshot() -> fingerprints of the user's globals before a cell.
function Cache:snapshot()
  if self.prints then return self.prints end
  local prints = {}
  for k, v in pairs(user_globals(self)) do prints[k] = fingerprint(v) end
  return prints
end

local function reads_hash(reads)
  local parts = {}
  for _, r in ipairs(reads) do parts[#parts + 1] = r[1] .. "\0" .. r[2] end
  table.sort(parts)
  return table.concat(parts, "\n")
end

--- store:restore(key, r) -> the next key, after filling r (output, value,
-- plots) and restoring the cell's globals and generator state; nil when there
-- is no usable entry.
function Cache:restore(key, r)
  local function miss() self.misses = self.misses + 1 end
  local path = self:path(key)
  local f = io.open(path, "rb")
  if not f then return miss() end
  f:close()
  local ok, e = pcall(torch.load, path)
  if not ok or type(e) ~= "table" or e.version ~= VERSION then return miss() end
  for _, rd in ipairs(e.reads) do
    if N.file_hash(rd[1]) ~= rd[2] then return miss() end
  end
  local okv, globals = pcall(unpack_value, e.globals, {})
  if not okv then return miss() end
  for k, v in pairs(globals) do rawset(_G, k, v) end
  for _, k in ipairs(e.deleted) do rawset(_G, k, nil) end
  if e.rng then torch.setRNGState(e.rng) end
  r.output, r.value, r.plots, r.time = e.output, e.value, e.plots, 0
  self.used[key] = true
  self.hits = self.hits + 1
  self.prints = nil
  return N.hash(reads_hash(e.reads), key)
end

--- store:track() -> a token; from now on reads of files are recorded.
function Cache:track()
  local reads, seen = {}, {}
  local function note(path)
    if type(path) == "string" and not seen[path] then
      seen[path] = true
      reads[#reads + 1] = path
    end
  end
  local saved = {}
  local function wrap(tbl, name, is_read)
    local f = tbl and rawget(tbl, name)
    if type(f) ~= "function" then return end
    saved[#saved + 1] = { tbl, name, f }
    tbl[name] = function(path, mode, ...)
      if is_read(mode) then note(path) end
      return f(path, mode, ...)
    end
  end
  local function always() return true end
  wrap(io, "open", function(mode) return mode == nil or not tostring(mode):find("[wa+]") end)
  wrap(io, "lines", always)
  wrap(_G, "dofile", always)
  wrap(_G, "loadfile", always)
  wrap(torch, "load", always)
  wrap(torch, "DiskFile", function(mode) return mode == nil or not tostring(mode):find("[wa+]") end)
  wrap(package.loaded["moonlab.csv"], "read", always)
  wrap(package.loaded["moonlab.data"], "read_csv", always)
  wrap(package.loaded["moonlab.data"], "read_jsonl", always)
  wrap(package.loaded["image"], "load", always)
  return { reads = reads, saved = saved }
end

--- store:untrack(token) -> {{path, hash}...}: the files read since track,
-- with their hashes now; the wrappers are removed.
function Cache:untrack(token)
  if not token then return {} end
  for i = #token.saved, 1, -1 do
    local s = token.saved[i]
    s[1][s[2]] = s[3]
  end
  local out = {}
  for _, p in ipairs(token.reads) do
    local h = N.file_hash(p)
    if h then out[#out + 1] = { p, h } end
  end
  return out
end

--- store:store(key, before, reads, r) -> the next key; writes the entry
-- when everything the cell left behind can be stored.
function Cache:store(key, before, reads, r)
  local now = user_globals(self)
  local prints = {}
  local changed, deleted = {}, {}
  for k, v in pairs(now) do
    prints[k] = fingerprint(v)
    if before[k] ~= prints[k] then changed[k] = v end
  end
  for k in pairs(before) do if now[k] == nil then deleted[#deleted + 1] = k end end
  self.prints = prints
  local nextkey = N.hash(reads_hash(reads), key)
  local packed, why = pack(changed, {})
  if packed == nil then
    self.why = why
    return nextkey
  end
  local entry = { version = VERSION, globals = packed, deleted = deleted, rng = torch.getRNGState(),
    output = r.output, value = r.value, plots = r.plots, reads = reads }
  local ok = pcall(torch.save, self:path(key), entry)
  if ok then self.used[key] = true end
  return nextkey
end

--- store:finish(): removes the entries of this folder that the run did not
-- use (older versions of the cells).
function Cache:finish()
  for _, name in ipairs(N.files(self.dir) or {}) do
    local key = name:match("^(%x+)%.t7$")
    if key and not self.used[key] then os.remove(self.dir .. "/" .. name) end
  end
end

return { new = new }
