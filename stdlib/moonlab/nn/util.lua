-- nn.utils: helpers over tensors and (nested) tables of tensors that the
-- modules share: type conversion keeping shared tensors shared, resizing,
-- copying, filling, adding, clearing fields, and shape checks.
-- Not here: anything module-specific.
local torch = require "torch"

local U = {}

local function is_tensor(x) return torch.isTensor(x) end

--- nn.utils.new(t, ...) -> a new tensor of t's type (the constructor's arguments).
function U.new(t, ...)
  return torch.getconstructortable(torch.typename(t))(...)
end

--- nn.utils.recursiveType(param, typename [, cache]) -> param converted:
-- tensors become typename (a tensor converted twice gives the same object,
-- so shared tensors stay shared), modules are converted by their :type,
-- tables recursively.
function U.recursiveType(param, typename, cache)
  cache = cache or {}
  if type(param) == "table" then
    local mt = getmetatable(param)
    if mt and torch.isTypeOf(param, "nn.Module") or torch.isTypeOf(param, "nn.Criterion") then
      param:type(typename, cache)
    elseif mt == nil then
      for k, v in pairs(param) do param[k] = U.recursiveType(v, typename, cache) end
    end
  elseif is_tensor(param) then
    if torch.typename(param) ~= typename then
      if cache[param] then return cache[param] end
      local key = param:storage() and torch.pointer(param:storage()) or param
      local newstorage = cache[key]
      local new
      if newstorage == nil then
        local st = param:storage()
        local whole = st and U.new(param, st) or U.new(param)
        local conv = whole:type(typename)
        if conv == whole then conv = whole:clone() end
        cache[key] = conv:storage()
        newstorage = cache[key]
      end
      new = torch.getconstructortable(typename)()
      if param:nElement() > 0 and newstorage then
        new:set(newstorage, param:storageOffset(), param:size(), param:stride())
      end
      cache[param] = new
      return new
    end
  end
  return param
end

--- nn.utils.recursiveResizeAs(t1, t2) -> t1, t2: t1 takes t2's structure.
function U.recursiveResizeAs(t1, t2)
  if type(t2) == "table" then
    t1 = type(t1) == "table" and t1 or {}
    for k in pairs(t2) do t1[k], t2[k] = U.recursiveResizeAs(t1[k], t2[k]) end
    for k in pairs(t1) do if t2[k] == nil then t1[k] = nil end end
  elseif is_tensor(t2) then
    t1 = is_tensor(t1) and t1 or U.new(t2)
    t1:resizeAs(t2)
  else
    error("nn.utils.recursiveResizeAs: expected a tensor or a table of tensors, got " .. type(t2))
  end
  return t1, t2
end

--- nn.utils.recursiveFill(t, value) -> t filled.
function U.recursiveFill(t, value)
  if type(t) == "table" then
    for k in pairs(t) do t[k] = U.recursiveFill(t[k], value) end
  elseif is_tensor(t) then
    t:fill(value)
  end
  return t
end

--- nn.utils.recursiveCopy(t1, t2) -> t1, a copy of t2 (resized as needed).
function U.recursiveCopy(t1, t2)
  if type(t2) == "table" then
    t1 = type(t1) == "table" and t1 or {}
    for k in pairs(t2) do t1[k] = U.recursiveCopy(t1[k], t2[k]) end
  elseif is_tensor(t2) then
    t1 = is_tensor(t1) and t1 or U.new(t2)
    t1:resizeAs(t2):copy(t2)
  end
  return t1
end

--- nn.utils.recursiveAdd(t1, val, t2) -> t1 += val * t2 (val optional).
function U.recursiveAdd(t1, val, t2)
  if t2 == nil then t2, val = val, 1 end
  if type(t2) == "table" then
    for k in pairs(t2) do t1[k] = U.recursiveAdd(t1[k], val, t2[k]) end
  elseif is_tensor(t2) then
    t1:add(val, t2)
  end
  return t1
end

--- nn.utils.clear(self, name...) -> self: empties the named fields
-- (tensors resized to 0 elements, tables emptied, other values removed).
function U.clear(self, ...)
  local names = { ... }
  if type(names[1]) == "table" then names = names[1] end
  for _, name in ipairs(names) do
    local v = self[name]
    if is_tensor(v) then
      v:set()
    elseif type(v) == "table" then
      self[name] = {}
    else
      self[name] = nil
    end
  end
  return self
end

--- nn.utils.addSingletonDimension(t, dim) -> a view with a size-1 dim at dim.
function U.addSingletonDimension(...)
  local a, b, c = ...
  local out, t, dim
  if torch.isTensor(b) then out, t, dim = a, b, c else t, dim = a, b end
  dim = dim or 1
  if type(dim) ~= "number" or dim < 1 or dim > t:dim() + 1 then
    error(string.format("nn.utils.addSingletonDimension: dim %s is out of range (1..%d)", tostring(dim),
      t:dim() + 1), 2)
  end
  local v = t:unsqueeze(dim)
  if out then out:set(v) return out end
  return v
end

--- nn.utils.contiguousView(output, input, ...) -> a view of input with the
-- given sizes (copying into output first when input is not contiguous).
function U.contiguousView(output, input, ...)
  output = output or U.new(input)
  if input:isContiguous() then
    output:view(input, ...)
  else
    output:resize(input:size()):copy(input)
    output:view(output, ...)
  end
  return output
end

--- nn.utils.tableSize / sizes for messages: "3x4" or "{3x4, 2}".
function U.shape(x)
  if is_tensor(x) then
    local d = {}
    for i = 1, x:dim() do d[i] = tostring(x:size(i)) end
    return #d == 0 and "empty" or table.concat(d, "x")
  elseif type(x) == "table" then
    local parts = {}
    for i, v in ipairs(x) do parts[i] = U.shape(v) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return type(x)
end

--- nn.utils.image_batch(who, input [, nplanes]) -> x, batch: input as a
-- contiguous (N, C, H, W) tensor (a (C, H, W) input becomes a batch of one)
-- and whether it was a batch; errors name `who` and the shape (and the
-- number of planes expected, when given).  The spatial layers' common entry.
function U.image_batch(who, input, nplanes)
  if not torch.isTensor(input) then error(who .. ": expected a tensor input, got " .. type(input), 2) end
  local d = input:dim()
  local x = input
  if d == 3 then x = input:view(1, input:size(1), input:size(2), input:size(3))
  elseif d ~= 4 then error(who .. ": expected (C, H, W) or (N, C, H, W) input, got " .. U.shape(input), 2) end
  if nplanes and x:size(2) ~= nplanes then
    error(string.format("%s: expected %d input planes, got input %s", who, nplanes, U.shape(input)), 2)
  end
  if not x:isContiguous() then x = x:contiguous() end
  return x, d == 4
end

return U
