-- moonlab.autograd.ops: the differentiable ops.  Each op is a forward
-- function on plain values (tensors or numbers, computed with the original
-- torch functions) and a backward function giving the gradients of its
-- arguments from the gradient of its result.  Called with no autograd value
-- among its arguments an op is just its forward.  The ops are exported as
-- autograd.torch (torch-like functions), as Node methods and operators, and
-- installed over torch.* and math.* while a differentiated function runs.
-- Not here: in-place forms (x:add(y) on an autograd value returns a new
-- value), ops with a result tensor argument, second derivatives.
local C = require "moonlab.autograd.core"

local T = C.T
local Node = C.Node
local record = C.record
local isT = T.isTensor
local mexp, mlog, msqrt, mabs, msin, mcos = math.exp, math.log, math.sqrt, math.abs, math.sin, math.cos

local O = {}          -- autograd.torch
local F = {}          -- autograd.functional

-- defop(forward, backward) -> an op taking plain values or Nodes
local function defop(forward, backward)
  return function(...)
    local n = select("#", ...)
    local args = { ... }
    local raw, need, any = {}, {}, false
    for i = 1, n do
      local a = args[i]
      if getmetatable(a) == Node then
        any, raw[i], need[i] = true, a._v, true
      else
        raw[i], need[i] = a, false
      end
    end
    if not any then return forward(table.unpack(raw, 1, n)) end
    local y, extra = forward(table.unpack(raw, 1, n))
    local node = record(y, args, n, raw, need, backward)
    if extra == nil then return node end  -- one result: safe as a last argument
    return node, extra
  end
end

-- plain helpers ------------------------------------------------------------

local function mul(a, b)
  if isT(a) and isT(b) then return T.cmul(a, b) end
  return a * b
end

local function zeros_like(a) return a.new():resizeAs(a):zero() end

local function mask(b, a) return b:typeAs(a) end  -- 0/1 ByteTensor as a's type

local function sizes(t) return table.concat(t:size():totable(), "x") end

local function unary(tf, mf)
  return function(a)
    if type(a) == "number" then return mf(a) end
    return tf(a)
  end
end

local function nsign(a) return a > 0 and 1 or (a < 0 and -1 or 0) end
local function ntanh(a)
  local e = mexp(-2 * mabs(a))
  return nsign(a) * (1 - e) / (1 + e)
end

-- arithmetic -----------------------------------------------------------------

O.add = defop(function(a, b, c)
  if c ~= nil then return a + mul(b, c) end
  return a + b
end, function(g, _, need, _, b, c)
  if c ~= nil then
    return g, need[2] and T.sum(mul(g, c)) or nil, need[3] and mul(g, b) or nil
  end
  return g, g
end)

O.sub = defop(function(a, b, c)
  if c ~= nil then return a - mul(b, c) end
  return a - b
end, function(g, _, need, _, b, c)
  if c ~= nil then
    return g, need[2] and -T.sum(mul(g, c)) or nil, need[3] and -mul(g, b) or nil
  end
  return g, need[2] and -g or nil
end)
O.csub = O.sub

O.mul = defop(mul, function(g, _, need, a, b)
  return need[1] and mul(g, b) or nil, need[2] and mul(g, a) or nil
end)
O.cmul = O.mul

O.div = defop(function(a, b) return a / b end, function(g, y, need, _, b)
  return need[1] and g / b or nil, need[2] and -mul(g, y) / b or nil
end)
O.cdiv = O.div

local function rpow(a, b)
  if isT(a) then
    if isT(b) then return T.cpow(a, b) end
    return T.pow(a, b)
  elseif isT(b) then
    return T.pow(a, b)
  end
  return a ^ b
end

O.pow = defop(rpow, function(g, y, need, a, b)
  local ga, gb
  if need[1] then ga = mul(g, mul(rpow(a, b - 1), b)) end
  if need[2] then gb = mul(g, mul(y, unary(T.log, mlog)(a))) end
  return ga, gb
end)
O.cpow = O.pow

O.neg = defop(function(a) return -a end, function(g) return -g end)

-- element-wise functions ------------------------------------------------------

local function defunary(tf, mf, grad)
  local f = unary(tf, mf)
  return defop(f, function(g, y, _, a) return grad(g, y, a) end)
end

O.exp = defunary(T.exp, mexp, function(g, y) return mul(g, y) end)
O.log = defunary(T.log, mlog, function(g, _, a) return g / a end)
O.log1p = defunary(T.log1p, function(a) return mlog(1 + a) end, function(g, _, a) return g / (a + 1) end)
O.sqrt = defunary(T.sqrt, msqrt, function(g, y) return mul(g, 0.5 / y) end)
O.rsqrt = defunary(T.rsqrt, function(a) return 1 / msqrt(a) end,
  function(g, y) return mul(g, mul(mul(y, y), y) * -0.5) end)
O.tanh = defunary(T.tanh, ntanh, function(g, y) return mul(g, 1 - mul(y, y)) end)
O.sigmoid = defunary(T.sigmoid, function(a) return 1 / (1 + mexp(-a)) end,
  function(g, y) return mul(g, mul(y, 1 - y)) end)
O.abs = defunary(T.abs, mabs, function(g, _, a) return mul(g, unary(T.sign, nsign)(a)) end)
O.sin = defunary(T.sin, msin, function(g, _, a) return mul(g, unary(T.cos, mcos)(a)) end)
O.cos = defunary(T.cos, mcos, function(g, _, a) return -mul(g, unary(T.sin, msin)(a)) end)

O.clamp = defop(function(a, lo, hi)
  if type(a) == "number" then return math.min(math.max(a, lo), hi) end
  return T.clamp(a, lo, hi)
end, function(g, _, _, a, lo, hi)
  if type(a) == "number" then return (a >= lo and a <= hi) and g or 0 end
  return mul(g, T.cmul(mask(T.ge(a, lo), a), mask(T.le(a, hi), a)))
end)

-- cmax/cmin: element-wise max/min of a tensor with a tensor or number; the
-- gradient goes to a where a wins strictly, else to b
local function defcmp(tf, mf, strict, rstrict)
  return defop(function(a, b)
    if isT(a) then return tf(a, b) end
    if isT(b) then return tf(b, a) end
    return mf(a, b)
  end, function(g, _, need, a, b)
    local wa
    if isT(a) then
      wa = mask(strict(a, b), a)
    elseif isT(b) then
      wa = mask(rstrict(b, a), b)
    else
      wa = (mf(a, b) == a and a ~= b) and 1 or 0
    end
    local ga = mul(g, wa)
    return ga, need[2] and (g - ga) or nil
  end)
end
O.cmax = defcmp(T.cmax, math.max, T.gt, T.lt)
O.cmin = defcmp(T.cmin, math.min, T.lt, T.gt)

-- reductions ---------------------------------------------------------------

O.sum = defop(function(a, dim)
  if type(a) == "number" then return a end
  if dim == nil then return T.sum(a) end
  return T.sum(a, dim)
end, function(g, _, _, a, dim)
  if type(a) == "number" then return g end
  if dim == nil then return a.new():resizeAs(a):fill(g) end
  return g:expandAs(a):contiguous()
end)

O.mean = defop(function(a, dim)
  if type(a) == "number" then return a end
  if dim == nil then return T.mean(a) end
  return T.mean(a, dim)
end, function(g, _, _, a, dim)
  if type(a) == "number" then return g end
  if dim == nil then return a.new():resizeAs(a):fill(g / a:nElement()) end
  return (g / a:size(dim)):expandAs(a):contiguous()
end)

-- norm(a [, p [, dim]]): the p-norm (default 2) of all elements or along dim
O.norm = defop(function(a, pn, dim)
  pn = pn or 2
  if dim == nil then return T.norm(a, pn) end
  return T.norm(a, pn, dim)
end, function(g, y, _, a, pn)
  pn = pn or 2
  local s = T.sign(a)
  if pn ~= 1 then s = T.cmul(s, T.pow(T.abs(a), pn - 1)) end
  if type(y) == "number" then return s * (g / y ^ (pn - 1)) end
  return mul(s, T.cdiv(g, T.pow(y, pn - 1)))
end)

-- var(a [, dim [, biased]]) (unbiased unless biased = true) and std
local function rvar(a, dim, biased)
  if dim == nil then return T.var(a) end
  return T.var(a, dim, biased or false)
end
local function dvar(g, a, dim, biased)
  local n = dim == nil and a:nElement() or a:size(dim)
  local m = dim == nil and T.mean(a) or T.mean(a, dim)
  local c = (biased and dim ~= nil) and n or (n - 1)
  return mul(a - m, g * (2 / c))
end
O.var = defop(rvar, function(g, _, _, a, dim, biased) return dvar(g, a, dim, biased) end)
O.std = defop(function(a, dim, biased) return unary(T.sqrt, msqrt)(rvar(a, dim, biased)) end,
  function(g, y, _, a, dim, biased) return dvar(g / (y * 2), a, dim, biased) end)

-- cumsum(a [, dim]) (dim default 1): the gradient is the reversed cumulative sum
O.cumsum = defop(function(a, dim) return T.cumsum(a, dim or 1) end, function(g, _, _, _, dim)
  dim = dim or 1
  return T.sum(g, dim) - T.cumsum(g, dim) + g
end)

-- piecewise constant functions: gradient zero
for _, k in ipairs { "sign", "floor", "ceil", "round", "trunc" } do
  local tf = T[k]
  O[k] = defop(function(a)
    if type(a) == "number" then return tf(T.Tensor { a })[1] end
    return tf(a)
  end, function() return nil end)
end

-- max/min of all elements (a number; the gradient goes to the first extreme
-- element) or along dim (values, indices)
local function defext(tf)
  local op = defop(function(a, dim)
    if dim == nil then return tf(a) end
    return tf(a, dim)
  end, function(g, _, _, a, dim)
    local z = zeros_like(a)
    if dim == nil then
      local _, i = tf(a:contiguous():view(-1), 1)
      z:view(-1)[i[1]] = g
    else
      local _, idx = tf(a, dim)
      z:scatter(dim, idx, g)
    end
    return z
  end)
  return op
end
local maxop, minop = defext(T.max), defext(T.min)
O.max = function(a, b, ...)
  if isT(b) or getmetatable(b) == Node then return O.cmax(a, b, ...) end
  return maxop(a, b)
end
O.min = function(a, b, ...)
  if isT(b) or getmetatable(b) == Node then return O.cmin(a, b, ...) end
  return minop(a, b)
end

-- matrix products --------------------------------------------------------------

O.mm = defop(T.mm, function(g, _, need, a, b)
  return need[1] and T.mm(g, b:t()) or nil, need[2] and T.mm(a:t(), g) or nil
end)
O.mv = defop(T.mv, function(g, _, need, a, v)
  return need[1] and T.ger(g, v) or nil, need[2] and T.mv(a:t(), g) or nil
end)
O.dot = defop(T.dot, function(g, _, need, a, b)
  return need[1] and b * g or nil, need[2] and a * g or nil
end)
O.ger = defop(T.ger, function(g, _, need, u, v)
  return need[1] and T.mv(g, v) or nil, need[2] and T.mv(g:t(), u) or nil
end)

O.bmm = defop(T.bmm, function(g, _, need, a, b)
  return need[1] and T.bmm(g, b:transpose(2, 3)) or nil, need[2] and T.bmm(a:transpose(2, 3), g) or nil
end)

-- parse [v1,] M, [v2,] A, B: the optional scalars of addmm/addmv
local function scalars(who, ...)
  local args = table.pack(...)
  local v1, v2, i = 1, 1, 1
  if type(C.value(args[i])) == "number" then v1, i = args[i], i + 1 end
  local m = args[i]; i = i + 1
  if type(C.value(args[i])) == "number" then v2, i = args[i], i + 1 end
  local a, b = args[i], args[i + 1]
  if getmetatable(v1) == Node or getmetatable(v2) == Node then
    error("autograd: " .. who .. ": scalar factors must be plain numbers", 3)
  end
  if a == nil or b == nil or i + 1 ~= args.n then
    error("autograd: " .. who .. ": expected ([v1,] M, [v2,] A, B) (result-tensor forms are not supported)", 3)
  end
  return v1, m, v2, a, b
end

local addmm = defop(function(v1, m, v2, a, b)
  local p = T.mm(a, b)
  if v2 ~= 1 then p = p * v2 end
  return p + (v1 ~= 1 and m * v1 or m)
end, function(g, _, need, v1, _, v2, a, b)
  return nil, need[2] and mul(g, v1) or nil, nil,
    need[4] and T.mm(g, b:t()) * v2 or nil, need[5] and T.mm(a:t(), g) * v2 or nil
end)
O.addmm = function(...) return addmm(scalars("addmm", ...)) end

local addmv = defop(function(v1, m, v2, a, x)
  local p = T.mv(a, x)
  if v2 ~= 1 then p = p * v2 end
  return p + (v1 ~= 1 and m * v1 or m)
end, function(g, _, need, v1, _, v2, a, x)
  return nil, need[2] and mul(g, v1) or nil, nil,
    need[4] and T.ger(g, x) * v2 or nil, need[5] and T.mv(a:t(), g) * v2 or nil
end)
O.addmv = function(...) return addmv(scalars("addmv", ...)) end

--- matmul(a, b): mm, mv, dot or a vector-matrix product by the dimensions
function O.matmul(a, b)
  local da, db = C.value(a):dim(), C.value(b):dim()
  if da == 2 and db == 2 then return O.mm(a, b) end
  if da == 2 and db == 1 then return O.mv(a, b) end
  if da == 1 and db == 1 then return O.dot(a, b) end
  if da == 1 and db == 2 then return O.mv(O.t(b), a) end
  error(string.format("autograd: matmul: expected 1-D or 2-D operands, got %d-D and %d-D", da, db), 2)
end

-- shapes ---------------------------------------------------------------------

local function back_view(g, _, _, a)
  if type(g) == "number" then return g end
  return g:contiguous():view(a:size())
end

O.view = defop(function(a, ...) return a:view(...) end, back_view)
O.reshape = defop(function(a, ...) return a:reshape(...) end, back_view)
O.viewAs = defop(function(a, b) return a:viewAs(b) end, back_view)
O.squeeze = defop(function(a, d)
  if d == nil then return a:squeeze() end
  return a:squeeze(d)
end, back_view)
O.unsqueeze = defop(function(a, d) return a:unsqueeze(d) end, back_view)
O.contiguous = defop(function(a) return a:contiguous() end, function(g) return g end)
O.clone = defop(function(a) return a:clone() end, function(g) return g end)
O.double = defop(function(a) return a:double() end, function(g) return g end)
O.float = defop(function(a) return a:float() end, function(g) return g end)
O.typeAs = defop(function(a, b) return a:typeAs(b) end, function(g) return g end)
O.expand = defop(function(a, ...) return a:expand(...) end, function(g) return g end)
O.expandAs = defop(function(a, b) return a:expandAs(b) end, function(g) return g end)

-- repeatTensor(a, reps...): the gradient sums the tiles
O.repeatTensor = defop(function(a, ...) return a:repeatTensor(...) end, function(g, _, _, a, ...)
  local reps = { ... }
  if #reps == 1 and type(reps[1]) ~= "number" then reps = reps[1]:totable() end
  local nd = #reps
  local asz = a:size():totable()
  while #asz < nd do table.insert(asz, 1, 1) end
  local split = {}
  for k = 1, nd do split[2 * k - 1], split[2 * k] = reps[k], asz[k] end
  local r = g:contiguous():view(table.unpack(split))
  for k = 1, nd do r = r:sum(2 * k - 1) end
  return r:contiguous():view(a:size())
end)

O.transpose = defop(function(a, d1, d2) return a:transpose(d1, d2) end,
  function(g, _, _, _, d1, d2) return g:transpose(d1, d2) end)
O.t = defop(function(a) return a:t() end, function(g) return g:t() end)
O.permute = defop(function(a, ...) return a:permute(...) end, function(g, _, _, _, ...)
  local p = { ... }
  local inv = {}
  for i, d in ipairs(p) do inv[d] = i end
  return g:permute(table.unpack(inv))
end)

O.narrow = defop(function(a, d, i, n) return a:narrow(d, i, n) end, function(g, _, _, a, d, i, n)
  local z = zeros_like(a)
  z:narrow(d, i, n):copy(g)
  return z
end)

O.select = defop(function(a, d, i) return a:select(d, i) end, function(g, _, _, a, d, i)
  local z = zeros_like(a)
  if type(g) == "number" then z[i] = g else z:select(d, i):copy(g) end
  return z
end)

O.index = defop(function(a, d, idx) return a:index(d, idx) end, function(g, _, _, a, d, idx)
  local z = zeros_like(a)
  z:indexAdd(d, idx, g)
  return z
end)

-- gather's gradient adds g into the gathered positions (indices may repeat)
O.gather = defop(function(a, d, idx) return a:gather(d, idx) end, function(g, _, _, a, d, idx)
  local z = zeros_like(a)
  local n = idx:nElement()
  if n == 0 then return z end
  local gi, ii = g:contiguous():view(-1), idx:contiguous():view(-1)
  local nd = idx:dim()
  local key, sz = {}, idx:size():totable()
  for k = 1, nd do key[k] = 1 end
  local pos = {}
  for flat = 1, n do
    for k = 1, nd do pos[k] = key[k] end
    pos[d] = ii[flat]
    z[pos] = z[pos] + gi[flat]
    local k = nd
    while k >= 1 do
      key[k] = key[k] + 1
      if key[k] <= sz[k] then break end
      key[k] = 1
      k = k - 1
    end
  end
  return z
end)

-- cat(d, a1, a2, ...): the parts of g along d go back to each input
local catn = defop(function(d, ...) return T.cat({ ... }, d) end, function(g, _, need, d, ...)
  local out, off = { nil }, 1
  for i = 1, select("#", ...) do
    local a = select(i, ...)
    local len = a:size(d)
    out[i + 1] = need[i + 1] and g:narrow(d, off, len) or nil
    off = off + len
  end
  return table.unpack(out, 1, select("#", ...) + 1)
end)

--- cat(a, b [, dim]) or cat({a, b, ...} [, dim]); dim defaults to the last
function O.cat(a, b, c)
  local list, d
  if type(a) == "table" and getmetatable(a) == nil then
    list, d = a, b
  else
    list, d = { a, b }, c
  end
  if #list == 0 then error("autograd: cat: nothing to concatenate", 2) end
  d = d or C.value(list[1]):dim()
  return catn(d, table.unpack(list))
end

-- indexed read a[k] (k: number, table of indices/ranges, or a ByteTensor mask)
O.__read = defop(function(a, k) return a[k] end, function(g, _, _, a, k)
  local z = zeros_like(a)
  if type(g) == "number" then
    z[k] = g
  elseif isT(k) and T.type(k) == "torch.ByteTensor" then
    z:maskedCopy(k, g)
  else
    z[k]:copy(g)
  end
  return z
end)

-- functional forms ---------------------------------------------------------------

local function lastdim(x) return C.value(x):dim() end

F.softmax = function(x, dim)
  return (defop(function(a, d)
    local e = T.exp(a - T.max(a, d))
    return e / T.sum(e, d)
  end, function(g, y, _, _, d)
    local gy = mul(g, y)
    return gy - mul(y, T.sum(gy, d))
  end))(x, dim or lastdim(x))
end

local logsoftmax = defop(function(a, d)
  local s = a - T.max(a, d)
  return s - T.log(T.sum(T.exp(s), d))
end, function(g, y, _, _, d)
  return g - mul(T.exp(y), T.sum(g, d))
end)
F.log_softmax = function(x, dim) return logsoftmax(x, dim or lastdim(x)) end

local function targets(who, t, n, c)
  if type(t) == "number" then t = T.LongTensor { t } end
  if not isT(t) then error("autograd.functional." .. who .. ": target must be a tensor of class indices, got " .. type(t), 3) end
  t = t:long()
  if t:nElement() ~= n then
    error(string.format("autograd.functional.%s: %d targets for %d rows", who, t:nElement(), n), 3)
  end
  if n > 0 and (t:min() < 1 or t:max() > c) then
    error(string.format("autograd.functional.%s: target out of range 1..%d (got %d..%d)", who, c, t:min(), t:max()), 3)
  end
  return t
end

local nll = defop(function(a, t)
  local n = a:size(1)
  return -T.gather(a, 2, t:view(n, 1)):sum() / n
end, function(g, _, _, a, t)
  local n = a:size(1)
  return zeros_like(a):scatter(2, t:view(n, 1), -g / n)
end)

--- nll_loss(logp, target): mean negative log-likelihood of the classes
-- target (N, 1-based) under log-probabilities logp (N, C) or (C)
F.nll_loss = function(logp, target)
  local v = C.value(logp)
  if not isT(v) or (v:dim() ~= 1 and v:dim() ~= 2) then
    error("autograd.functional.nll_loss: expected log-probabilities of size (N, C) or (C)", 2)
  end
  if v:dim() == 1 then
    target = targets("nll_loss", target, 1, v:size(1))
    return nll(O.view(logp, 1, v:size(1)), target)
  end
  return nll(logp, targets("nll_loss", target, v:size(1), v:size(2)))
end

--- cross_entropy(x, target) = nll_loss(log_softmax(x), target)
F.cross_entropy = function(x, target)
  local v = C.value(x)
  if not isT(v) or (v:dim() ~= 1 and v:dim() ~= 2) then
    error("autograd.functional.cross_entropy: expected scores of size (N, C) or (C)", 2)
  end
  return F.nll_loss(F.log_softmax(x), target)
end

--- mse_loss(a, b): mean of (a - b)^2 over all elements
F.mse_loss = function(a, b)
  local d = O.sub(a, b)
  return O.mean(O.mul(d, d))
end

--- bce_loss(p, t): mean binary cross-entropy of probabilities p, targets t
F.bce_loss = function(p, t)
  local l = O.add(O.mul(t, O.log(p)), O.mul(O.sub(1, t), O.log(O.sub(1, p))))
  return O.neg(O.mean(l))
end

-- relu: its own op (the gradient mask is sign(y), one pass fewer than cmax's)
F.relu = defop(function(a)
  if type(a) == "number" then return math.max(a, 0) end
  return T.cmax(a, 0)
end, function(g, y)
  if type(y) == "number" then return y > 0 and g or 0 end
  return mul(g, T.sign(y))
end)
F.sigmoid = O.sigmoid
F.tanh = O.tanh

-- linear on a batch x (N, in), W (out, in), b (out): one op, so that dW = g^T x
-- comes out contiguous like W (through t() it was a transposed view, and the
-- update W:add(-lr, dW) then walked it across the cache: 250 us a batch for
-- a 256x784 W) and db is one column sum
local linear_batch = defop(function(x, w, b)
  local y = T.mm(x, w:t())
  if b ~= nil then y:add(b:view(1, b:size(1)):expandAs(y)) end
  return y
end, function(g, _, need, x, w, b)
  return need[1] and T.mm(g, w) or nil, need[2] and T.mm(g:t(), x) or nil,
    b ~= nil and need[3] and g:sum(1):view(b:size(1)) or nil
end)

--- linear(x, W [, b]): x W^T + b, with W (out, in) as nn.Linear's weight
F.linear = function(x, w, b)
  local xv, wv, bv = C.value(x), C.value(w), C.value(b)
  if isT(xv) and isT(wv) and xv:dim() == 2 and wv:dim() == 2 and xv:size(2) == wv:size(2)
      and (b == nil or (isT(bv) and bv:dim() == 1 and bv:size(1) == wv:size(1)))
      and (b == nil or T.type(bv) == T.type(xv)) and T.type(wv) == T.type(xv) then
    if b == nil then return linear_batch(x, w) end
    return linear_batch(x, w, b)
  end
  local y = O.matmul(x, O.t(w))
  if b ~= nil then y = O.add(y, b) end
  return y
end

-- registration -------------------------------------------------------------------

-- the most arguments each op takes: more means a result-tensor form such as
-- torch.exp(res, x), which would write in place
local ARITY = { neg = 1, exp = 1, log = 1, log1p = 1, sqrt = 1, rsqrt = 1, tanh = 1, sigmoid = 1, abs = 1,
  sin = 1, cos = 1, sign = 1, floor = 1, ceil = 1, round = 1, trunc = 1, t = 1, contiguous = 1, clone = 1,
  double = 1, float = 1, mul = 2, cmul = 2, div = 2, cdiv = 2, pow = 2, cpow = 2, cmax = 2, cmin = 2,
  mm = 2, mv = 2, dot = 2, ger = 2, bmm = 2, matmul = 2, sum = 2, mean = 2, cumsum = 2, max = 2, min = 2,
  typeAs = 2, viewAs = 2, expandAs = 2, unsqueeze = 2, squeeze = 2, clamp = 3, norm = 3, var = 3, std = 3,
  add = 3, sub = 3, csub = 3, transpose = 3, select = 3, index = 3, gather = 3, cat = 3, narrow = 4 }
for k, n in pairs(ARITY) do
  local f = O[k]
  O[k] = function(...)
    local m = select("#", ...)
    if m > n or ((k == "add" or k == "sub" or k == "csub") and m == 3
        and type(C.value((select(2, ...)))) ~= "number") then
      error("autograd: " .. k .. ": too many or wrong arguments (result-tensor forms such as torch."
        .. k .. "(res, x, ...) write in place and are not supported)", 2)
    end
    return f(...)
  end
end

for k, f in pairs(O) do
  if k ~= "__read" then C.ops[k] = f end
  C.methods[k] = f
end
C.methods.relu = F.relu

-- non-differentiable queries pass through to the value
for _, k in ipairs { "size", "dim", "nDimension", "nElement", "numel", "stride", "isContiguous",
  "isSameSizeAs", "storageOffset" } do
  C.queries[k] = function(self, ...)
    local v = self._v
    return v[k](v, ...)
  end
end
C.queries.type = function(self, name)
  if name == nil then return T.type(self._v) end
  return O.typeAs(self, T.Tensor():type(name))
end
C.queries.value = function(self) return self._v end

for _, k in ipairs { "exp", "log", "sqrt", "abs", "sin", "cos" } do C.math[k] = O[k] end

-- operators: * follows Torch7 (matrix product between tensors)
Node.__add = O.add
Node.__sub = O.sub
Node.__div = O.div
Node.__pow = O.pow
Node.__unm = function(a) return O.neg(a) end  -- Lua passes the operand twice
Node.__mul = function(a, b)
  local va, vb = C.value(a), C.value(b)
  if isT(va) and isT(vb) then return O.matmul(a, b) end
  return O.mul(a, b)
end

local torch_fns = {}
for k, f in pairs(O) do if k ~= "__read" then torch_fns[k] = f end end

return { torch = torch_fns, functional = F }
