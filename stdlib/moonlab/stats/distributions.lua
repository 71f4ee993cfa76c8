-- moonlab.stats.distributions: probability distributions as objects,
-- `local d = stats.norm{mu = 0, sigma = 1}; d:cdf(1.96); d:ppf(0.975); d:rvs(10, gen)`.
--
-- Continuous: norm, t, chi2, f, expon, gamma, beta, uniform, with pdf, logpdf,
-- cdf, sf, ppf, isf.  Discrete: binom, poisson, with pmf, logpmf, cdf, sf,
-- ppf, isf.  All have mean, var, std and rvs(n [, gen]).  Arguments of the
-- functions are numbers (result: a number) or tensors of any type (result: a
-- DoubleTensor of the same shape).  Parameters are numbers.  The numerics are
-- in C (kernels/special.c, through torch._stats.map); this file applies
-- location/scale and draws random numbers with torch generators.
local S = torch._stats
local map = S.map

local M = {}

local function is_tensor(x) return torch.isTensor(x) end

local function check_arg(x, who)
  if type(x) ~= "number" and not is_tensor(x) then
    error(who .. ": expected a number or a tensor (got " .. type(x) .. ")", 3)
  end
end

-- (x - loc) / scale for a number or a tensor (a new DoubleTensor)
local function standardize(x, loc, scale)
  if type(x) == "number" then return (x - loc) / scale end
  local t = x:type() == "torch.DoubleTensor" and x:clone() or x:double()
  if loc ~= 0 then t:add(-loc) end
  if scale ~= 1 then t:div(scale) end
  return t
end

local function scaled(v, f) -- v * f for a number or a tensor (in place)
  if f == 1 then return v end
  if type(v) == "number" then return v * f end
  return v:mul(f)
end

local function shifted(v, a) -- v + a
  if a == 0 then return v end
  if type(v) == "number" then return v + a end
  return v:add(a)
end

local function positive(v, name, who)
  if type(v) ~= "number" or not (v > 0) or v ~= v then
    error(who .. ": " .. name .. " must be a positive number (got " .. tostring(v) .. ")", 4)
  end
  return v
end

local function generator(gen, who)
  if gen == nil then return torch._gen end
  if type(gen) == "number" then
    local g = torch.Generator()
    torch.manualSeed(g, gen)
    return g
  end
  local mt = getmetatable(gen)
  if type(gen) ~= "userdata" or type(mt) ~= "table" or mt.__name ~= "torch.Generator" then
    error(who .. ": gen must be a torch.Generator or a seed (got " .. tostring(gen) .. ")", 3)
  end
  return gen
end

local function count(n, who)
  if math.type(n) ~= "integer" and not (type(n) == "number" and n == math.floor(n)) or n < 0 then
    error(who .. ": n must be a non-negative integer (got " .. tostring(n) .. ")", 3)
  end
  return math.tointeger(n)
end

-- ---- scalar draws (exact algorithms; used element by element) ----

local function gamma1(gen, a) -- Gamma(a, 1), Marsaglia and Tsang 2000
  if a < 1 then
    local u = torch.uniform(gen)
    return gamma1(gen, a + 1) * u ^ (1 / a)
  end
  local d = a - 1 / 3
  local c = 1 / math.sqrt(9 * d)
  while true do
    local x, v
    repeat
      x = torch.normal(gen)
      v = 1 + c * x
    until v > 0
    v = v * v * v
    local u = torch.uniform(gen)
    if u < 1 - 0.0331 * x ^ 4 or math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)) then
      return d * v
    end
  end
end

local function beta1(gen, a, b)
  local x = gamma1(gen, a)
  local y = gamma1(gen, b)
  return x / (x + y)
end

local function binom1(gen, n, p) -- exact: inversion for small means, else Knuth's beta splitting
  if n == 0 or p == 0 then return 0 end
  if p == 1 then return n end
  if p > 0.5 then return n - binom1(gen, n, 1 - p) end
  if n * p < 30 then
    local q = 1 - p
    local s, a = p / q, (n + 1) * p / q
    local r = q ^ n
    local u = torch.uniform(gen)
    local x = 0
    while u > r and x < n do
      u = u - r
      x = x + 1
      r = r * (a / x - s)
    end
    return x
  end
  local a = 1 + n // 2
  local b = n + 1 - a
  local x = beta1(gen, a, b)
  if x >= p then return binom1(gen, a - 1, p / x) end
  return a + binom1(gen, b - 1, (p - x) / (1 - x))
end

local function poisson1(gen, mu)
  if mu <= 0 then return 0 end
  if mu < 30 then
    local x, p = 0, math.exp(-mu)
    local s, u = p, torch.uniform(gen)
    while u > s and p > 0 do
      x = x + 1
      p = p * mu / x
      s = s + p
    end
    return x
  end
  local m = math.floor(7 / 8 * mu)
  local x = gamma1(gen, m)
  if x < mu then return m + poisson1(gen, mu - x) end
  return binom1(gen, m - 1, mu / x)
end

local function fill(n, f)
  local t = torch.DoubleTensor(n)
  for i = 1, n do t[i] = f() end
  return t
end

-- ---- the distribution classes ----

local Dist = {}
Dist.__index = Dist

function Dist:std() return math.sqrt(self:var()) end

function Dist:__tostring()
  local parts = {}
  for _, k in ipairs(self._pnames) do parts[#parts + 1] = k .. " = " .. tostring(self[k]) end
  return "stats." .. self._name .. "{" .. table.concat(parts, ", ") .. "}"
end

-- A class: name, parameter names (positional order), constructor check
-- init(self), and the methods.
local function class(name, pnames, discrete, init)
  local C = setmetatable({}, { __index = Dist })
  C.__index = C
  C.__tostring = Dist.__tostring
  C._name, C._pnames, C.discrete = name, pnames, discrete
  M[name] = function(a, ...)
    local who = "stats." .. name
    local self = setmetatable({}, C)
    if type(a) == "table" and not is_tensor(a) then
      for k, v in pairs(a) do self[k] = v end
    else
      local args = { a, ... }
      for i, k in ipairs(pnames) do self[k] = args[i] end
    end
    init(self, who)
    return self
  end
  return C
end

-- Continuous distribution built from a standardized C family: op prefix,
-- shape parameters (list), loc and scale.
local function continuous(C, fam)
  -- fam(self) -> prefix, loc, scale, shapes (list)
  local function apply(self, what, x)
    check_arg(x, "stats." .. self._name .. ":" .. what)
    local p, loc, scale, sh = fam(self)
    local z = standardize(x, loc, scale)
    local v = map(p .. "_" .. what, z, table.unpack(sh))
    if what == "pdf" then return scaled(v, 1 / scale) end
    if what == "logpdf" then return shifted(v, -math.log(scale)) end
    return v
  end
  local function quant(self, what, q)
    check_arg(q, "stats." .. self._name .. ":" .. what)
    local p, loc, scale, sh = fam(self)
    local v = map(p .. "_" .. what, q, table.unpack(sh))
    return shifted(scaled(v, scale), loc)
  end
  for _, w in ipairs { "pdf", "logpdf", "cdf", "sf" } do
    C[w] = function(self, x) return apply(self, w, x) end
  end
  C.ppf = function(self, q) return quant(self, "ppf", q) end
  C.isf = function(self, q) return quant(self, "isf", q) end
end

local function discrete(C, prefix, shapes)
  for _, w in ipairs { "pmf", "logpmf", "cdf", "sf", "ppf", "isf" } do
    C[w] = function(self, x)
      check_arg(x, "stats." .. self._name .. ":" .. w)
      return map(prefix .. "_" .. w, x, table.unpack(shapes(self)))
    end
  end
end

-- norm{mu = 0, sigma = 1}
local Norm = class("norm", { "mu", "sigma" }, false, function(self, who)
  self.mu = self.mu or 0
  self.sigma = positive(self.sigma or 1, "sigma", who)
  if type(self.mu) ~= "number" then error(who .. ": mu must be a number", 3) end
end)
continuous(Norm, function(self) return "norm", self.mu, self.sigma, {} end)
function Norm:mean() return self.mu end
function Norm:var() return self.sigma ^ 2 end
function Norm:rvs(n, gen)
  n = count(n, "stats.norm:rvs")
  return torch.randn(generator(gen, "stats.norm:rvs"), n):mul(self.sigma):add(self.mu)
end

-- t{df}
local T = class("t", { "df" }, false, function(self, who) positive(self.df, "df", who) end)
continuous(T, function(self) return "t", 0, 1, { self.df } end)
function T:mean() return self.df > 1 and 0 or 0 / 0 end
function T:var()
  local df = self.df
  if df > 2 then return df / (df - 2) end
  return df > 1 and math.huge or 0 / 0
end
function T:rvs(n, gen)
  n = count(n, "stats.t:rvs")
  local g, df = generator(gen, "stats.t:rvs"), self.df
  return fill(n, function() return torch.normal(g) / math.sqrt(2 * gamma1(g, df / 2) / df) end)
end

-- chi2{df}
local Chi2 = class("chi2", { "df" }, false, function(self, who) positive(self.df, "df", who) end)
continuous(Chi2, function(self) return "gamma", 0, 2, { self.df / 2 } end)
function Chi2:mean() return self.df end
function Chi2:var() return 2 * self.df end
function Chi2:rvs(n, gen)
  n = count(n, "stats.chi2:rvs")
  local g, a = generator(gen, "stats.chi2:rvs"), self.df / 2
  return fill(n, function() return 2 * gamma1(g, a) end)
end

-- f{df1, df2}
local F = class("f", { "df1", "df2" }, false, function(self, who)
  positive(self.df1, "df1", who)
  positive(self.df2, "df2", who)
end)
continuous(F, function(self) return "f", 0, 1, { self.df1, self.df2 } end)
function F:mean() local d2 = self.df2; return d2 > 2 and d2 / (d2 - 2) or 0 / 0 end
function F:var()
  local d1, d2 = self.df1, self.df2
  if d2 <= 4 then return d2 > 2 and math.huge or 0 / 0 end
  return 2 * d2 * d2 * (d1 + d2 - 2) / (d1 * (d2 - 2) ^ 2 * (d2 - 4))
end
function F:rvs(n, gen)
  n = count(n, "stats.f:rvs")
  local g, d1, d2 = generator(gen, "stats.f:rvs"), self.df1, self.df2
  return fill(n, function() return (gamma1(g, d1 / 2) / d1) / (gamma1(g, d2 / 2) / d2) end)
end

-- expon{rate = 1} or expon{scale = 1/rate}
local Expon = class("expon", { "rate" }, false, function(self, who)
  if self.rate and self.scale then error(who .. ": give rate or scale, not both", 3) end
  if self.scale then self.rate = 1 / positive(self.scale, "scale", who) end
  self.rate = positive(self.rate or 1, "rate", who)
  self.scale = 1 / self.rate
end)
continuous(Expon, function(self) return "expon", 0, self.scale, {} end)
function Expon:mean() return self.scale end
function Expon:var() return self.scale ^ 2 end
function Expon:rvs(n, gen)
  n = count(n, "stats.expon:rvs")
  return torch.DoubleTensor(n):exponential(generator(gen, "stats.expon:rvs"), self.rate)
end

-- gamma{shape, scale = 1}
local Gamma = class("gamma", { "shape", "scale" }, false, function(self, who)
  positive(self.shape, "shape", who)
  self.scale = positive(self.scale or 1, "scale", who)
end)
continuous(Gamma, function(self) return "gamma", 0, self.scale, { self.shape } end)
function Gamma:mean() return self.shape * self.scale end
function Gamma:var() return self.shape * self.scale ^ 2 end
function Gamma:rvs(n, gen)
  n = count(n, "stats.gamma:rvs")
  local g, a, s = generator(gen, "stats.gamma:rvs"), self.shape, self.scale
  return fill(n, function() return s * gamma1(g, a) end)
end

-- beta{a, b}
local Beta = class("beta", { "a", "b" }, false, function(self, who)
  positive(self.a, "a", who)
  positive(self.b, "b", who)
end)
continuous(Beta, function(self) return "beta", 0, 1, { self.a, self.b } end)
function Beta:mean() return self.a / (self.a + self.b) end
function Beta:var()
  local a, b = self.a, self.b
  return a * b / ((a + b) ^ 2 * (a + b + 1))
end
function Beta:rvs(n, gen)
  n = count(n, "stats.beta:rvs")
  local g, a, b = generator(gen, "stats.beta:rvs"), self.a, self.b
  return fill(n, function() return beta1(g, a, b) end)
end

-- uniform{a = 0, b = 1}: on [a, b]
local Uniform = class("uniform", { "a", "b" }, false, function(self, who)
  self.a, self.b = self.a or 0, self.b or 1
  if type(self.a) ~= "number" or type(self.b) ~= "number" or not (self.a < self.b) then
    error(who .. ": needs numbers a < b (got " .. tostring(self.a) .. ", " .. tostring(self.b) .. ")", 3)
  end
end)
do
  local function clamp01(v)
    if type(v) == "number" then return math.min(1, math.max(0, v)) end
    return v:clamp(0, 1)
  end
  local function inside(z, yes, no) -- elementwise: yes on [0, 1], no elsewhere
    if type(z) == "number" then
      if z ~= z then return z end
      return (z >= 0 and z <= 1) and yes or no
    end
    local r = torch.DoubleTensor(z:size()):fill(no)
    r[z:ge(0):cmul(z:le(1))] = yes
    r[z:ne(z)] = 0 / 0
    return r
  end
  function Uniform:pdf(x)
    check_arg(x, "stats.uniform:pdf")
    return inside(standardize(x, self.a, self.b - self.a), 1 / (self.b - self.a), 0)
  end
  function Uniform:logpdf(x)
    check_arg(x, "stats.uniform:logpdf")
    return inside(standardize(x, self.a, self.b - self.a), -math.log(self.b - self.a), -math.huge)
  end
  function Uniform:cdf(x)
    check_arg(x, "stats.uniform:cdf")
    return clamp01(standardize(x, self.a, self.b - self.a))
  end
  function Uniform:sf(x)
    check_arg(x, "stats.uniform:sf")
    local c = clamp01(standardize(x, self.a, self.b - self.a))
    if type(c) == "number" then return 1 - c end
    return c:mul(-1):add(1)
  end
  local function q(self, p, who)
    check_arg(p, who)
    local bad = type(p) == "number" and (p < 0 or p > 1)
    if bad then return 0 / 0 end
    local v = standardize(p, 0, 1)
    v = shifted(scaled(v, self.b - self.a), self.a)
    if type(v) ~= "number" then v[p:double():lt(0)] = 0 / 0; v[p:double():gt(1)] = 0 / 0 end
    return v
  end
  function Uniform:ppf(p) return q(self, p, "stats.uniform:ppf") end
  function Uniform:isf(p)
    check_arg(p, "stats.uniform:isf")
    local one_minus = type(p) == "number" and 1 - p or torch.mul(p:double(), -1):add(1)
    return q(self, one_minus, "stats.uniform:isf")
  end
end
function Uniform:mean() return (self.a + self.b) / 2 end
function Uniform:var() return (self.b - self.a) ^ 2 / 12 end
function Uniform:rvs(n, gen)
  n = count(n, "stats.uniform:rvs")
  return torch.rand(generator(gen, "stats.uniform:rvs"), n):mul(self.b - self.a):add(self.a)
end

-- binom{n, p}
local Binom = class("binom", { "n", "p" }, true, function(self, who)
  local n, p = self.n, self.p
  if type(n) ~= "number" or n < 0 or n ~= math.floor(n) then
    error(who .. ": n must be a non-negative integer (got " .. tostring(n) .. ")", 3)
  end
  if type(p) ~= "number" or not (p >= 0 and p <= 1) then
    error(who .. ": p must be in [0, 1] (got " .. tostring(p) .. ")", 3)
  end
end)
discrete(Binom, "binom", function(self) return { self.n, self.p } end)
function Binom:mean() return self.n * self.p end
function Binom:var() return self.n * self.p * (1 - self.p) end
function Binom:rvs(n, gen)
  n = count(n, "stats.binom:rvs")
  local g, m, p = generator(gen, "stats.binom:rvs"), math.tointeger(self.n), self.p
  return fill(n, function() return binom1(g, m, p) end)
end

-- poisson{mu}
local Poisson = class("poisson", { "mu" }, true, function(self, who)
  if type(self.mu) ~= "number" or not (self.mu >= 0) then
    error(who .. ": mu must be a non-negative number (got " .. tostring(self.mu) .. ")", 3)
  end
end)
discrete(Poisson, "poisson", function(self) return { self.mu } end)
function Poisson:mean() return self.mu end
function Poisson:var() return self.mu end
function Poisson:rvs(n, gen)
  n = count(n, "stats.poisson:rvs")
  local g, mu = generator(gen, "stats.poisson:rvs"), self.mu
  return fill(n, function() return poisson1(g, mu) end)
end

-- ---- special functions ----
local special = {}
for _, name in ipairs { "lgamma", "erf", "erfc", "erfinv", "erfcinv", "gammainc", "gammaincc", "gammaincinv",
  "gammainccinv", "betainc", "betaincinv", "lbeta" } do
  special[name] = function(...)
    local args = { ... }
    for i = 1, select("#", ...) do check_arg(args[i], "stats.special." .. name) end
    return map(name, ...)
  end
end
M.special = special
M._generator = generator

return M
