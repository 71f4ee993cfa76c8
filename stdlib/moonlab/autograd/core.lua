-- moonlab.autograd.core: the Node type, the tape, the backward pass and the
-- wrappers installed over torch.*, math.* and the tensor operators while a
-- differentiated function runs.  The ops themselves are in ops.lua, which
-- fills C.methods (Node methods), C.ops (differentiable torch functions) and
-- C.meta (operator metamethods).
-- Not here: the op definitions, the user-facing driver (init.lua).
local torch = require "torch"

local C = {}

-- the original torch functions, captured before any wrapper is installed
local T = {}
for k, v in pairs(torch) do T[k] = v end
C.T = T

local Node = {}          -- metatable of autograd values
C.Node = Node
C.methods = {}           -- name -> differentiable method (self first)
C.queries = {}           -- name -> non-differentiable query (size, dim ...)
C.ops = {}               -- torch name -> differentiable function
C.math = {}              -- math name -> differentiable function

local current            -- the tape being recorded (a list of nodes), or nil
local depth = 0          -- nesting of df calls (wrappers installed at depth 1)

--- C.isnode(x) -> true when x is a Node
function C.isnode(x) return getmetatable(x) == Node end

--- C.value(x) -> the plain value of a Node, or x itself
function C.value(x)
  if getmetatable(x) == Node then return x._v end
  return x
end

--- C.describe(x) -> a short description of a Lua value for error messages
function C.describe(x)
  if x == nil then return "nil" end
  if getmetatable(x) == Node then return "autograd value" end
  if torch.isTensor(x) then return torch.type(x) end
  return type(x)
end

--- C.leaf(v) -> a Node with no inputs (a parameter)
function C.leaf(v)
  return setmetatable({ _v = v }, Node)
end

--- C.record(value, args, n, raw, need, backward) -> a Node appended to the
-- tape.  backward(g, value, need, a1, ..., an) returns the gradients of the
-- n arguments (need[i]: argument i is a Node; a gradient in the broadcast
-- shape is summed back by fit; nil for no gradient).
function C.record(value, args, n, raw, need, backward)
  local node = setmetatable({ _v = value, _args = args, _n = n, _raw = raw, _need = need, _bw = backward }, Node)
  if current then current[#current + 1] = node end
  return node
end

--- C.unbroadcast(g, v) -> g summed over the dimensions along which v was
-- broadcast (leading dimensions, size-1 dimensions) and shaped as v.
function C.unbroadcast(g, v)
  if type(v) == "number" then
    if type(g) == "number" then return g end
    return g:sum()
  end
  if type(g) == "number" then return v.new():resizeAs(v):fill(g) end
  if g:isSameSizeAs(v) then return g end
  local r = g
  local vd = v:dim()
  while r:dim() > vd and r:dim() > 1 do r = r:sum(1):select(1, 1) end
  if r:dim() == vd then
    for d = 1, vd do
      if v:size(d) == 1 and r:size(d) ~= 1 then r = r:sum(d) end
    end
  end
  if r:nElement() ~= v:nElement() then
    error(string.format("autograd: internal error: gradient of size %s for a value of size %s",
      table.concat(g:size():totable(), "x"), table.concat(v:size():totable(), "x")), 0)
  end
  if not r:isSameSizeAs(v) then r = r:contiguous():view(v:size()) end
  return r
end

--- C.fit(g, v) -> g as a gradient for value v (number or same-shape tensor,
-- of v's tensor type)
function C.fit(g, v)
  g = C.unbroadcast(g, v)
  if type(g) ~= "number" and torch.type(g) ~= torch.type(v) then g = g:typeAs(v) end
  return g
end

--- C.backprop(tape, loss) -> table node -> gradient
function C.backprop(tape, loss)
  local grads, owned = {}, {}
  if getmetatable(loss) ~= Node then return grads end
  local lv = loss._v
  grads[loss] = type(lv) == "number" and 1.0 or lv.new():resizeAs(lv):fill(1)
  local function acc(node, g)
    g = C.fit(g, node._v)
    local old = grads[node]
    if old == nil then
      grads[node] = g
    elseif type(old) == "number" then
      grads[node] = old + g
    elseif owned[node] then
      old:add(g)
    else
      grads[node] = old + g
      owned[node] = true
    end
  end
  for i = #tape, 1, -1 do
    local node = tape[i]
    local g = grads[node]
    if g ~= nil and node._bw then
      local raw, args = node._raw, node._args
      local gs = table.pack(node._bw(g, node._v, node._need, table.unpack(raw, 1, node._n)))
      for j = 1, node._n do
        local a = args[j]
        if getmetatable(a) == Node and gs[j] ~= nil then acc(a, gs[j]) end
      end
      grads[node] = nil
    end
  end
  return grads
end

-- wrappers ------------------------------------------------------------------

local function has_node(...)
  for i = 1, select("#", ...) do
    local a = select(i, ...)
    if getmetatable(a) == Node then return true end
    if type(a) == "table" and getmetatable(a) == nil then
      for _, b in ipairs(a) do if getmetatable(b) == Node then return true end end
    end
  end
  return false
end
C.has_node = has_node

-- functions of torch that may see Nodes and answer without differentiating
local PASS = { isTensor = true, type = true, typename = true, isTypeOf = true, getmetatable = true }

local saved_torch, saved_math, saved_meta = {}, {}, {}
local wrappers, math_wrappers

local function build()
  wrappers = {}
  for k, orig in pairs(T) do
    if type(orig) == "function" and not PASS[k] then
      local op = C.ops[k]
      if op then
        wrappers[k] = function(...)
          if has_node(...) then return op(...) end
          return orig(...)
        end
      else
        wrappers[k] = function(...)
          if has_node(...) then
            error("autograd: torch." .. k .. " is not supported on autograd values (not differentiable here)", 2)
          end
          return orig(...)
        end
      end
    end
  end
  math_wrappers = {}
  for k, op in pairs(C.math) do
    local orig = math[k]
    math_wrappers[k] = function(...)
      if has_node(...) then return op(...) end
      return orig(...)
    end
  end
end

local TENSOR_TYPES = { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" }
local META_OPS = { "__add", "__sub", "__mul", "__div", "__pow", "__unm" }

-- The operator wrappers, one per original metamethod, made once: install
-- runs at every outermost df call, and making 42 closures there each time
-- was a third of its cost.
local meta_wrap = setmetatable({}, { __mode = "k" })   -- orig -> wrapper, per event
local function meta_wrapper(ev, orig)
  local byorig = meta_wrap[ev]
  if not byorig then byorig = setmetatable({}, { __mode = "k" }); meta_wrap[ev] = byorig end
  local w = byorig[orig]
  if not w then
    local op = Node[ev]
    w = function(a, b)
      if getmetatable(a) == Node or getmetatable(b) == Node then return op(a, b) end
      return orig(a, b)
    end
    byorig[orig] = w
  end
  return w
end

local function install()
  if not wrappers then build() end
  for k, w in pairs(wrappers) do saved_torch[k] = rawget(torch, k); rawset(torch, k, w) end
  for k, w in pairs(math_wrappers) do saved_math[k] = math[k]; math[k] = w end
  local reg = debug.getregistry()
  for _, tn in ipairs(TENSOR_TYPES) do
    local mt = reg["torch." .. tn .. "Tensor"]
    if mt then
      local s = saved_meta[mt] or {}
      saved_meta[mt] = s
      for _, ev in ipairs(META_OPS) do
        local orig = rawget(mt, ev)
        s[ev] = orig or false
        if orig then rawset(mt, ev, meta_wrapper(ev, orig)) end
      end
    end
  end
end

-- Restores what install saved.  The saved tables are kept for the next call
-- (each install overwrites every entry it restores).
local function uninstall()
  for k in pairs(wrappers) do rawset(torch, k, saved_torch[k]) end
  for k in pairs(math_wrappers) do math[k] = saved_math[k] end
  for mt, s in pairs(saved_meta) do
    for ev, orig in pairs(s) do
      if orig then rawset(mt, ev, orig) end
    end
  end
end

--- C.begin() -> a new tape, made current; installs the wrappers on the
-- outermost call.  Pair with C.finish(tape).
function C.begin()
  local tape = { prev = current }
  current = tape
  depth = depth + 1
  if depth == 1 then install() end
  return tape
end

--- C.finish(tape): restores the previous tape (and torch when outermost)
function C.finish(tape)
  current = tape.prev
  tape.prev = nil
  depth = depth - 1
  if depth == 0 then uninstall() end
end

-- Node metatable ---------------------------------------------------------

Node.__name = "autograd.Node"

function Node.__index(self, k)
  if type(k) == "string" then
    local m = C.methods[k] or C.queries[k]
    if m then return m end
    return function()
      error("autograd: Tensor:" .. k .. " is not supported on autograd values (not differentiable here)", 2)
    end
  end
  return C.methods.__read(self, k)
end

function Node.__newindex(_, k)
  error("autograd: assignment into an autograd value (key " .. tostring(k)
    .. ") is not supported: in-place ops cannot be differentiated", 2)
end

function Node.__tostring(self)
  return "autograd value: " .. tostring(self._v)
end

function Node.__len(self) return #self._v end

function Node.__lt(a, b) return C.value(a) < C.value(b) end
function Node.__le(a, b) return C.value(a) <= C.value(b) end

return C
