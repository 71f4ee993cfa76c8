-- Docstrings: element-wise maths, comparisons, bit operations (vm/l_math.c;
-- docs/math.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor: resized to fit, filled and returned" }
local FORMS = "Forms: torch.f(x) returns a new tensor; torch.f(res, x) writes into res;\n"
  .. "x:f() works in place; x:f(y) sets x = f(y).  Shapes broadcast as in numpy."

local UNARY = {
  { "abs", "|x|", "all types (integers wrap at the minimum)", "{-1.5, 2}" },
  { "sign", "-1, 0 or 1 by the sign of x (NaN stays NaN)", "all types", "{-3, 0, 2}" },
  { "neg", "-x", "all types", "{1, -2}" },
  { "exp", "e^x (moonlab's vectorized exp, within 1.2 ulp)", "Float, Double", "{0, 1}" },
  { "log", "natural logarithm", "Float, Double", "{1, math.exp(1)}" },
  { "log1p", "ln(1 + x), accurate near 0", "Float, Double", "{0, 1e-10}" },
  { "sqrt", "square root", "Float, Double", "{4, 9}" },
  { "rsqrt", "1 / sqrt(x)", "Float, Double", "{4, 16}" },
  { "sin", "sine (radians)", "Float, Double", "{0, math.pi / 2}" },
  { "cos", "cosine (radians)", "Float, Double", "{0, math.pi}" },
  { "tan", "tangent (radians)", "Float, Double", "{0, math.pi / 4}" },
  { "asin", "arc sine", "Float, Double", "{0, 1}" },
  { "acos", "arc cosine", "Float, Double", "{1, 0}" },
  { "atan", "arc tangent", "Float, Double", "{0, 1}" },
  { "sinh", "hyperbolic sine", "Float, Double", "{0, 1}" },
  { "cosh", "hyperbolic cosine", "Float, Double", "{0, 1}" },
  { "tanh", "hyperbolic tangent", "Float, Double", "{-1, 0, 1}" },
  { "sigmoid", "1 / (1 + e^-x)", "Float, Double", "{-1, 0, 1}" },
  { "floor", "largest integer <= x", "Float, Double", "{-1.5, 1.5}" },
  { "ceil", "smallest integer >= x", "Float, Double", "{-1.5, 1.5}" },
  { "round", "nearest integer, halves away from zero", "Float, Double", "{-1.5, 0.4, 2.5}" },
  { "trunc", "integer part (toward zero)", "Float, Double", "{-1.7, 1.7}" },
  { "frac", "x - trunc(x)", "Float, Double", "{-1.25, 1.75}" },
  { "cinv", "1 / x", "Float, Double", "{2, 4}" },
}
for _, u in ipairs(UNARY) do
  local f, what, types, ex = u[1], u[2], u[3], u[4]
  D["torch." .. f] = doc(string.format("torch.%s([res,] x) | x:%s([y])", f, f),
    "Element-wise " .. what .. ".",
    { RES, { "x", "a tensor (" .. types .. ")" } },
    string.format("print(torch.%s(torch.Tensor%s))", f, ex), FORMS)
end

local function binary(f, sig, summary, args, ex, notes)
  D["torch." .. f] = doc(sig, summary, args, ex, notes or FORMS)
end
local X = { "x", "a tensor" }
local Y = { "y", "a tensor (broadcast against x) or a number" }

binary("add", "torch.add([res,] x, value | y) | torch.add([res,] x, value, y) | x:add(...)",
  "x + value, x + y, or x + value * y, element-wise (the operator x + y).",
  { RES, X, { "value", "a number" }, { "y", "a tensor, broadcast against x" } },
  "local x = torch.Tensor{1, 2}\nprint(torch.add(x, 10), torch.add(x, 2, torch.Tensor{1, 1}))\nx:add(1)   -- in place")
binary("csub", "torch.csub([res,] x, value) | torch.csub([res,] x, [value,] y) | x:csub(...)",
  "x - value, or x - value * y (value defaults to 1), element-wise (the operator x - y).",
  { RES, X, { "value", "a number" }, { "y", "a tensor" } },
  "print(torch.csub(torch.Tensor{5, 5}, torch.Tensor{1, 2}))")
binary("mul", "torch.mul([res,] x, value) | x:mul(value)",
  "x * value element-wise (also accepts a tensor, as cmul).",
  { RES, X, { "value", "a number (or a tensor)" } }, "print(torch.mul(torch.Tensor{1, 2}, 3))")
binary("cmul", "torch.cmul([res,] x, y) | x:cmul(y)", "x * y element-wise (not a matrix product).",
  { RES, X, Y }, "print(torch.cmul(torch.Tensor{1, 2}, torch.Tensor{3, 4}))")
binary("div", "torch.div([res,] x, value) | x:div(value)",
  "x / value element-wise (integer types truncate; division by 0 gives 0 for integers).",
  { RES, X, { "value", "a number (or a tensor)" } }, "print(torch.div(torch.Tensor{1, 2}, 4))")
binary("cdiv", "torch.cdiv([res,] x, y) | x:cdiv(y)", "x / y element-wise.",
  { RES, X, Y }, "print(torch.cdiv(torch.Tensor{1, 2}, torch.Tensor{4, 8}))")
binary("pow", "torch.pow([res,] x, value) | torch.pow([res,] value, x) | x:pow(value)",
  "x ^ value, or value ^ x, element-wise (the operator x ^ value).",
  { RES, X, { "value", "a number" } }, "print(torch.pow(torch.Tensor{2, 3}, 2), torch.pow(2, torch.Tensor{3}))")
binary("cpow", "torch.cpow([res,] x, y) | x:cpow(y)", "x ^ y element-wise.",
  { RES, X, Y }, "print(torch.cpow(torch.Tensor{2, 3}, torch.Tensor{3, 2}))")
binary("atan2", "torch.atan2([res,] x, y) | x:atan2(y)", "atan2(x, y) element-wise (Float, Double).",
  { RES, X, Y }, "print(torch.atan2(torch.Tensor{1}, torch.Tensor{1}))   -- pi/4")
binary("fmod", "torch.fmod([res,] x, value) | x:fmod(value)",
  "C's fmod: the remainder of x / value with the sign of x.",
  { RES, X, { "value", "a number (or a tensor)" } }, "print(torch.fmod(torch.Tensor{-7, 7}, 3))   -- -1 1")
binary("cfmod", "torch.cfmod([res,] x, y) | x:cfmod(y)", "C's fmod of x by the tensor y, element-wise.",
  { RES, X, Y }, "print(torch.cfmod(torch.Tensor{-7, 7}, torch.Tensor{3, 3}))")
binary("remainder", "torch.remainder([res,] x, value) | x:remainder(value)",
  "numpy's % (and Lua's): the remainder with the sign of value (the operator x % value).",
  { RES, X, { "value", "a number (or a tensor)" } }, "print(torch.remainder(torch.Tensor{-7, 7}, 3))   -- 2 1")
binary("cremainder", "torch.cremainder([res,] x, y) | x:cremainder(y)",
  "numpy's % of x by the tensor y, element-wise.",
  { RES, X, Y }, "print(torch.cremainder(torch.Tensor{-7, 7}, torch.Tensor{3, 3}))")
binary("mod", "torch.mod([res,] x, value) | x:mod(value)", "Torch7's old name of fmod.",
  { RES, X, { "value", "a number" } }, "print(torch.mod(torch.Tensor{-7}, 3))")
binary("cmod", "torch.cmod([res,] x, y) | x:cmod(y)", "Torch7's old name of cfmod.",
  { RES, X, Y }, "print(torch.cmod(torch.Tensor{-7}, torch.Tensor{3}))")
binary("cmax", "torch.cmax([res,] x, y) | x:cmax(y)",
  "Element-wise maximum of x and y (a tensor or a number); NaN wins, as in numpy.",
  { RES, X, Y }, "print(torch.cmax(torch.Tensor{1, 5}, 3))")
binary("cmin", "torch.cmin([res,] x, y) | x:cmin(y)",
  "Element-wise minimum of x and y (a tensor or a number); NaN wins, as in numpy.",
  { RES, X, Y }, "print(torch.cmin(torch.Tensor{1, 5}, torch.Tensor{2, 2}))")
binary("clamp", "torch.clamp([res,] x, min, max) | x:clamp(min, max)",
  "Each element limited to [min, max]; NaN stays NaN.",
  { RES, X, { "min, max", "numbers" } }, "print(torch.clamp(torch.Tensor{-1, 2, 5}, 0, 3))   -- 0 2 3")
binary("lerp", "torch.lerp([res,] a, b, weight) | a:lerp(b, weight)",
  "a + weight * (b - a) element-wise (Float, Double); with numbers a and b, a number.",
  { RES, { "a, b", "tensors (or both numbers)" }, { "weight", "a number" } },
  "print(torch.lerp(1, 3, 0.5), torch.lerp(torch.Tensor{0}, torch.Tensor{10}, 0.25))")
binary("addcmul", "torch.addcmul([res,] x, [value,] t1, t2) | x:addcmul([value,] t1, t2)",
  "x + value * t1 * t2 element-wise (value defaults to 1).",
  { RES, X, { "value", "a number (default 1)" }, { "t1, t2", "tensors" } },
  "print(torch.addcmul(torch.Tensor{1}, 2, torch.Tensor{3}, torch.Tensor{4}))   -- 25")
binary("addcdiv", "torch.addcdiv([res,] x, [value,] t1, t2) | x:addcdiv([value,] t1, t2)",
  "x + value * t1 / t2 element-wise (value defaults to 1).",
  { RES, X, { "value", "a number (default 1)" }, { "t1, t2", "tensors" } },
  "print(torch.addcdiv(torch.Tensor{1}, 2, torch.Tensor{3}, torch.Tensor{4}))   -- 2.5")

-- shifts and bits
binary("lshift", "torch.lshift([res,] x, n) | x:lshift(n)",
  "x << n for integer types (wrapping), x * 2^n for floating types.",
  { RES, X, { "n", "a number" } }, "print(torch.lshift(torch.IntTensor{1, 3}, 2))   -- 4 12")
binary("rshift", "torch.rshift([res,] x, n) | x:rshift(n)",
  "x >> n for integer types (sign kept), x / 2^n for floating types.",
  { RES, X, { "n", "a number" } }, "print(torch.rshift(torch.IntTensor{-8, 8}, 1))   -- -4 4")
binary("clshift", "torch.clshift([res,] x, y) | x:clshift(y)", "x << y element-wise with a tensor of shifts.",
  { RES, X, { "y", "a tensor" } }, "print(torch.clshift(torch.IntTensor{1, 1}, torch.IntTensor{1, 2}))")
binary("crshift", "torch.crshift([res,] x, y) | x:crshift(y)", "x >> y element-wise with a tensor of shifts.",
  { RES, X, { "y", "a tensor" } }, "print(torch.crshift(torch.IntTensor{8, 8}, torch.IntTensor{1, 2}))")
for _, b in ipairs { { "and", "&", "6 & 3 = 2" }, { "or", "|", "6 | 3 = 7" }, { "xor", "~", "6 ~ 3 = 5" } } do
  binary("bit" .. b[1], "torch.bit" .. b[1] .. "([res,] x, value) | x:bit" .. b[1] .. "(value)",
    "Bitwise " .. b[1] .. " (" .. b[2] .. ") of each element with a number; integer types only.",
    { RES, X, { "value", "an integer" } },
    "print(torch.bit" .. b[1] .. "(torch.IntTensor{6}, 3))   -- " .. b[3])
  binary("cbit" .. b[1], "torch.cbit" .. b[1] .. "([res,] x, y) | x:cbit" .. b[1] .. "(y)",
    "Bitwise " .. b[1] .. " (" .. b[2] .. ") of x and y element-wise; integer types only.",
    { RES, X, { "y", "an integer tensor" } },
    "print(torch.cbit" .. b[1] .. "(torch.IntTensor{6}, torch.IntTensor{3}))   -- " .. b[3])
end

-- comparisons
for _, c in ipairs { { "lt", "<" }, { "le", "<=" }, { "gt", ">" }, { "ge", ">=" }, { "eq", "==" }, { "ne", "~=" } } do
  D["torch." .. c[1]] = doc(string.format("torch.%s([res,] x, y) | x:%s(y)", c[1], c[1]),
    "x " .. c[2] .. " y element-wise, as a ByteTensor of 0 and 1 (the method form also returns a new one).",
    { { "res", "optional result tensor (a ByteTensor, or of x's type)" }, X, Y },
    string.format("print(torch.%s(torch.Tensor{1, 2, 3}, 2))", c[1]),
    "Comparisons are exact: mixed types compare as doubles.  The mask can index: x[x:gt(0)].")
end

return { title = "Element-wise maths, comparisons and bits", docs = D }
