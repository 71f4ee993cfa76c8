-- Docstrings: the torch module, tensor and storage types, construction, queries,
-- views, copies and conversions (vm/l_tensor.c, vm/l_index.c; docs/tensor.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor: resized to fit, filled and returned" }

D["torch"] = doc("torch",
  "The tensor namespace, following Torch7's API (1-based indices, optional result first, in-place methods).",
  {},
  "local x = torch.Tensor{{1, 2}, {3, 4}}\nprint(torch.mm(x, x):sum())",
  "torch.DoubleTensor is the default type; shapes broadcast as in numpy.\n"
    .. "?torch.add or help(torch.add) shows one function; apropos(\"word\") searches them all.")

D["torch.Tensor"] = doc("torch.Tensor([sizes...]) | torch.Tensor(table) | torch.Tensor(storage, [offset, sizes [, strides]])",
  "A new tensor of the default type (torch.DoubleTensor unless setdefaulttensortype changed it).",
  { { "sizes", "numbers or a torch.LongStorage: the shape, zero-filled; none: an empty tensor" },
    { "table", "nested Lua tables of numbers: the shape and the values" },
    { "tensor", "another tensor: a new tensor viewing the same storage" },
    { "storage", "a storage to view, from the 1-based offset, with sizes and strides" } },
  [[local a = torch.Tensor(2, 3)            -- 2x3 zeros
local b = torch.Tensor{{1, 2}, {3, 4}}   -- from a table
local c = torch.Tensor(torch.LongStorage{2, 2})
print(a:size(), b[2][1], c:dim())]],
  "Methods: help(torch.Tensor) lists them; they are shared by all seven tensor types.")

local TYPES = {
  { "Byte", "unsigned 8-bit integers (0..255)" }, { "Char", "signed 8-bit integers" },
  { "Short", "16-bit integers" }, { "Int", "32-bit integers" },
  { "Long", "64-bit integers (exact Lua integers)" }, { "Float", "32-bit floats" },
  { "Double", "64-bit floats (the default type)" },
}
for _, ty in ipairs(TYPES) do
  local T, what = ty[1], ty[2]
  D["torch." .. T .. "Tensor"] = doc(
    "torch." .. T .. "Tensor([sizes...]) | torch." .. T .. "Tensor(table) | torch." .. T .. "Tensor(storage, ...)",
    "A new tensor of " .. what .. "; the same arguments as torch.Tensor.",
    { { "sizes", "numbers or a torch.LongStorage: the shape, zero-filled" },
      { "table", "nested Lua tables of numbers" } },
    "local t = torch." .. T .. "Tensor{{1, 2}, {3, 4}}\nprint(t, torch.typename(t))")
  D["torch." .. T .. "Storage"] = doc(
    "torch." .. T .. "Storage([n]) | torch." .. T .. "Storage(table)",
    "A new storage (a flat, refcounted buffer) of " .. what .. ".",
    { { "n", "number of elements, zero-filled (default 0)" },
      { "table", "a list of numbers to copy" } },
    "local s = torch." .. T .. "Storage{1, 2, 3}\nprint(s:size(), s[2])",
    "Methods: s[i], s[i] = v, #s, s:size(), s:fill(v), s:resize(n), s:copy(other), s:totable(), s:type().")
end
D["torch.Storage"] = doc("torch.Storage([n]) | torch.Storage(table)",
  "A new storage of the default type (torch.DoubleStorage).",
  { { "n", "number of elements, zero-filled" }, { "table", "a list of numbers to copy" } },
  "local s = torch.Storage(4):fill(2)\nprint(s:totable()[4])")

D["Storage:elementSize"] = doc("s:elementSize()", "Bytes per element of storage s.", {},
  "print(torch.IntStorage(2):elementSize())   -- 4")
D["Storage:size"] = doc("s:size()", "Number of elements of storage s (also #s).", {},
  "print(torch.DoubleStorage(5):size())")
D["Storage:fill"] = doc("s:fill(value)", "Sets every element of s to value; returns s.",
  { { "value", "a number" } }, "print(torch.IntStorage(3):fill(7)[3])")
D["Storage:resize"] = doc("s:resize(n)", "Changes the number of elements of s, keeping the first ones; returns s.",
  { { "n", "new number of elements" } }, "print(torch.DoubleStorage{1, 2, 3}:resize(2):size())")
D["Storage:copy"] = doc("s:copy(other)", "Copies the elements of other (a storage of any type, same size) into s; returns s.",
  { { "other", "a storage with as many elements" } },
  "local s = torch.DoubleStorage(2):copy(torch.IntStorage{4, 5})\nprint(s[2])")
D["Storage:totable"] = doc("s:totable()", "The elements of s as a Lua list.", {},
  "print(#torch.FloatStorage{1, 2, 3}:totable())")
D["Storage:type"] = doc("s:type()", "The type name of s (\"torch.DoubleStorage\" ...).", {},
  "print(torch.ByteStorage(1):type())")
D["Storage:string"] = doc("s:string() | s:string(str)",
  "Char and Byte storages: the bytes as a Lua string, or set from one (returns s).",
  { { "str", "a Lua string whose bytes become the storage's elements" } },
  "local s = torch.CharStorage():string(\"abc\")\nprint(s:size(), s:string())")

D["torch.isTensor"] = doc("torch.isTensor(x)", "True when x is a tensor of any type.",
  { { "x", "any value" } }, "print(torch.isTensor(torch.Tensor(2)), torch.isTensor({}))")
D["torch.isStorage"] = doc("torch.isStorage(x)", "True when x is a storage of any type.",
  { { "x", "any value" } }, "print(torch.isStorage(torch.LongStorage(2)))")

D["torch.zeros"] = doc("torch.zeros([res,] sizes...) | x:zeros(sizes...)",
  "A tensor of the given shape filled with 0 (the method form resizes and fills x).",
  { RES, { "sizes", "numbers or a torch.LongStorage" } },
  "print(torch.zeros(2, 3))")
D["torch.ones"] = doc("torch.ones([res,] sizes...) | x:ones(sizes...)",
  "A tensor of the given shape filled with 1 (the method form resizes and fills x).",
  { RES, { "sizes", "numbers or a torch.LongStorage" } },
  "print(torch.ones(2, 2):sum())")
D["torch.range"] = doc("torch.range([res,] x, y [, step])",
  "The values x, x+step, ... up to y inclusive, as a 1-D tensor (step defaults to 1).",
  { RES, { "x, y", "first and last value" }, { "step", "increment (default 1; may be negative)" } },
  "print(torch.range(1, 5), torch.range(0, 1, 0.25):nElement())")
D["torch.linspace"] = doc("torch.linspace([res,] x, y [, n])",
  "n evenly spaced values from x to y inclusive (n defaults to 100).",
  { RES, { "x, y", "first and last value" }, { "n", "number of values (default 100)" } },
  "print(torch.linspace(0, 1, 5))")
D["torch.logspace"] = doc("torch.logspace([res,] x, y [, n])",
  "n values from 10^x to 10^y, evenly spaced on a log scale (n defaults to 100).",
  { RES, { "x, y", "first and last exponent" }, { "n", "number of values (default 100)" } },
  "print(torch.logspace(0, 2, 3))   -- 1 10 100")
D["torch.eye"] = doc("torch.eye([res,] n [, m])", "The n x m identity matrix (m defaults to n).",
  { RES, { "n", "rows" }, { "m", "columns (default n)" } }, "print(torch.eye(3))")
D["torch.reshape"] = doc("torch.reshape([res,] x, sizes...) | x:reshape(sizes...)",
  "A contiguous copy of x with the given shape (same number of elements), as in Torch7.",
  { RES, { "x", "a tensor" }, { "sizes", "numbers or a torch.LongStorage" } },
  "print(torch.reshape(torch.range(1, 6), 2, 3))")
D["torch.expand"] = doc("torch.expand([res,] x, sizes...)",
  "The function form of x:expand(sizes...): a view of x with its size-1 dimensions repeated by stride 0 (x is unchanged).",
  { RES, { "x", "a tensor" }, { "sizes", "numbers or a torch.LongStorage, one per dimension of x" } },
  "local x = torch.Tensor{{1}, {2}}\nprint(torch.expand(x, 2, 3), x:size(2))")
D["torch.expandAs"] = doc("torch.expandAs([res,] x, template)", "The function form of x:expandAs(template).",
  { RES, { "x", "a tensor" }, { "template", "a tensor whose sizes to expand to" } },
  "print(torch.expandAs(torch.Tensor{{1}, {2}}, torch.Tensor(2, 4)):size())")
D["torch.view"] = doc("torch.view([res,] x, sizes...)", "The function form of x:view(sizes...): a view of contiguous x with a new shape.",
  { RES, { "x", "a contiguous tensor" }, { "sizes", "numbers (one may be -1) or a torch.LongStorage" } },
  "print(torch.view(torch.range(1, 6), 2, 3))")
D["torch.viewAs"] = doc("torch.viewAs([res,] x, template)", "The function form of x:viewAs(template).",
  { RES, { "x", "a contiguous tensor" }, { "template", "a tensor with as many elements" } },
  "print(torch.viewAs(torch.range(1, 6), torch.Tensor(3, 2)):size())")
D["torch.permute"] = doc("torch.permute(x, dims...)", "The function form of x:permute(dims...): a view with the dimensions reordered.",
  { { "x", "a tensor" }, { "dims", "a permutation of 1..x:dim()" } },
  "print(torch.permute(torch.Tensor(2, 3, 4), 3, 1, 2):size())")
D["torch.totable"] = doc("torch.totable(x)", "The function form of x:totable(): nested Lua tables of the values.",
  { { "x", "a tensor" } }, "print(torch.totable(torch.Tensor{1, 2})[2])")
D["torch.setdefaulttensortype"] = doc("torch.setdefaulttensortype(name)",
  "Sets the type made by torch.Tensor and friends: \"torch.DoubleTensor\" or \"torch.FloatTensor\".",
  { { "name", "\"torch.DoubleTensor\" or \"torch.FloatTensor\"" } },
  "torch.setdefaulttensortype(\"torch.FloatTensor\")\nprint(torch.Tensor(1):type())\ntorch.setdefaulttensortype(\"torch.DoubleTensor\")")
D["torch.getdefaulttensortype"] = doc("torch.getdefaulttensortype()",
  "The name of the default tensor type (\"torch.DoubleTensor\" at start).", {},
  "print(torch.getdefaulttensortype())")
D["torch.setheaptracking"] = doc("torch.setheaptracking(flag)",
  "Turns on or off the full collections that tensor memory growth asks for (on by default).",
  { { "flag", "true: collect when accounted tensor memory doubles; false: only Lua's heap drives the collector" } },
  "torch.setheaptracking(false)\nprint(torch._heaptracking)\ntorch.setheaptracking(true)",
  "Torch7's switch; the state is mirrored in torch._heaptracking.")

-- ---------------------------------------------------------------- methods

local function M(name, sig, summary, args, ex, notes)
  D["Tensor:" .. name] = doc(sig, summary, args, ex, notes)
end

M("dim", "x:dim()", "Number of dimensions of x (0 for an empty tensor).", {}, "print(torch.Tensor(2, 3):dim())")
M("nDimension", "x:nDimension()", "Number of dimensions of x (the same as x:dim()).", {},
  "print(torch.Tensor(4):nDimension())")
M("size", "x:size([dim])", "The sizes of x as a torch.LongStorage, or the size of one dimension (also #x).",
  { { "dim", "a dimension (1-based; negative counts from the end)" } },
  "local x = torch.Tensor(2, 5)\nprint(x:size(2), x:size(-1), x:size())")
M("stride", "x:stride([dim])", "The strides of x (in elements) as a LongStorage, or the stride of one dimension.",
  { { "dim", "a dimension" } }, "print(torch.Tensor(2, 5):stride(1))   -- 5")
M("nElement", "x:nElement()", "Number of elements of x (the product of its sizes).", {},
  "print(torch.Tensor(2, 5):nElement())")
M("numel", "x:numel()", "Number of elements of x (the same as x:nElement()).", {}, "print(torch.Tensor(3, 3):numel())")
M("storage", "x:storage()", "The storage x views (shared, not a copy).", {},
  "local x = torch.Tensor{1, 2}\nx:storage()[1] = 9\nprint(x[1])")
M("storageOffset", "x:storageOffset()", "The 1-based index in x:storage() of x's first element.", {},
  "print(torch.range(1, 5):narrow(1, 3, 2):storageOffset())   -- 3")
M("isContiguous", "x:isContiguous()", "True when x's elements are adjacent in memory in row-major order.", {},
  "local x = torch.Tensor(2, 3)\nprint(x:isContiguous(), x:t():isContiguous())")
M("isSameSizeAs", "x:isSameSizeAs(y)", "True when x and y have the same shape.", { { "y", "a tensor" } },
  "print(torch.Tensor(2, 3):isSameSizeAs(torch.IntTensor(2, 3)))")
M("isSize", "x:isSize(sizes)", "True when x's shape equals sizes.", { { "sizes", "a torch.LongStorage" } },
  "print(torch.Tensor(4):isSize(torch.LongStorage{4}))")
M("type", "x:type() | x:type(name)",
  "Without an argument, the type name of x; with one, x converted to that type (x itself when it already is).",
  { { "name", "a tensor type name, \"torch.IntTensor\" ..." } },
  "local x = torch.Tensor{1.7, -2.5}\nprint(x:type(), x:type(\"torch.IntTensor\"))")
M("typeAs", "x:typeAs(y)", "x converted to the type of tensor y (x itself when already of that type).",
  { { "y", "a tensor" } }, "print(torch.Tensor{1.5}:typeAs(torch.LongTensor()))")
for _, ty in ipairs(TYPES) do
  local T = ty[1]
  M(T:lower(), "x:" .. T:lower() .. "()",
    "x converted to a torch." .. T .. "Tensor (" .. ty[2] .. "); x itself when it already is one.", {},
    "print(torch.Tensor{1.5, 300}:" .. T:lower() .. "())",
    "Floating values convert to integers by truncation toward zero, saturating at the type's range.")
end
M("elementSize", "x:elementSize()", "Bytes per element of x (8 for Double).", {},
  "print(torch.FloatTensor():elementSize())   -- 4")
M("real", "x:real()", "x converted to the default tensor type (x itself when already of it).", {},
  "print(torch.IntTensor{1, 2}:real():type())")
M("isSetTo", "x:isSetTo(y)", "True when x and y view the same elements (same storage, offset, sizes and strides).",
  { { "y", "a tensor" } }, "local x = torch.Tensor(3)\nprint(x:isSetTo(torch.Tensor():set(x)), x:isSetTo(x:clone()))")
M("clone", "x:clone()", "A contiguous copy of x with its own storage.", {},
  "local x = torch.Tensor{1, 2}\nlocal y = x:clone()\ny[1] = 5\nprint(x[1])")
M("contiguous", "x:contiguous()", "x itself when contiguous, else a contiguous copy.", {},
  "local x = torch.Tensor(2, 3):t()\nprint(x:contiguous():isContiguous())")
M("copy", "x:copy(src)",
  "Copies the elements of src (any type, same number of elements or broadcastable to x's shape) into x; returns x.",
  { { "src", "a tensor" } }, "local x = torch.Tensor(2, 2):copy(torch.IntTensor{{1, 2}, {3, 4}})\nprint(x)")
M("fill", "x:fill(value)", "Sets every element of x to value; returns x.", { { "value", "a number" } },
  "print(torch.Tensor(2, 2):fill(7))")
M("zero", "x:zero()", "Sets every element of x to 0; returns x.", {}, "print(torch.Tensor{1, 2}:zero())")
M("resize", "x:resize(sizes...)",
  "Gives x the shape sizes (contiguous), keeping its storage when large enough; returns x.",
  { { "sizes", "numbers or a torch.LongStorage" } }, "print(torch.Tensor(6):resize(2, 3):size())")
M("resizeAs", "x:resizeAs(y)", "Gives x the shape of y; returns x.", { { "y", "a tensor" } },
  "print(torch.Tensor():resizeAs(torch.Tensor(4, 2)):size(1))")
M("totable", "x:totable()", "The elements of x as nested Lua tables, one level per dimension.", {},
  "print(torch.Tensor{{1, 2}, {3, 4}}:totable()[2][1])")
M("narrow", "x:narrow(dim, index, size)",
  "A view of x restricted to size entries of dimension dim from index on (no copy).",
  { { "dim", "the dimension to narrow" }, { "index", "first entry kept (1-based; negative from the end)" },
    { "size", "number of entries kept" } },
  "print(torch.range(1, 10):narrow(1, 3, 4))   -- 3 4 5 6")
M("select", "x:select(dim, index)",
  "A view of x with dimension dim removed, at entry index (a number for a 1-D x).",
  { { "dim", "the dimension" }, { "index", "the entry (1-based; negative from the end)" } },
  "local m = torch.Tensor{{1, 2}, {3, 4}}\nprint(m:select(2, 1))   -- the first column: 1 3")
M("sub", "x:sub(first1, last1 [, first2, last2 ...])",
  "A view of x restricted to first..last (inclusive, negative from the end) along each dimension given.",
  { { "firstN, lastN", "the range kept in dimension N" } },
  "local m = torch.range(1, 9):view(3, 3)\nprint(m:sub(2, 3, 1, 2))")
M("transpose", "x:transpose(dim1, dim2)", "A view of x with two dimensions swapped.",
  { { "dim1, dim2", "the dimensions to swap" } }, "print(torch.Tensor(2, 3):transpose(1, 2):size())")
M("t", "x:t()", "The transpose of a 2-D tensor (a view).", {}, "print(torch.Tensor{{1, 2}, {3, 4}}:t())")
M("permute", "x:permute(dims...)", "A view of x with its dimensions reordered.",
  { { "dims", "a permutation of 1..x:dim()" } }, "print(torch.Tensor(2, 3, 4):permute(3, 1, 2):size())")
M("view", "x:view(sizes...)",
  "A view of x with another shape and the same elements (one size may be -1: inferred); x's strides must allow it.",
  { { "sizes", "numbers or a torch.LongStorage" } }, "print(torch.range(1, 6):view(2, -1))")
M("viewAs", "x:viewAs(y)", "A view of x with the shape of y.", { { "y", "a tensor with as many elements" } },
  "print(torch.range(1, 4):viewAs(torch.Tensor(2, 2)))")
M("expand", "x:expand(sizes...)",
  "A view of x repeated along its size-1 dimensions (stride 0, no copy).",
  { { "sizes", "the new shape; x's sizes other than 1 must match" } },
  "print(torch.Tensor{{1}, {2}}:expand(2, 3))")
M("expandAs", "x:expandAs(y)", "x expanded to the shape of y.", { { "y", "a tensor" } },
  "print(torch.Tensor{{1, 2}}:expandAs(torch.Tensor(3, 2)))")
M("squeeze", "x:squeeze([dim])", "A view of x without its size-1 dimensions (or only dim, when it has size 1).",
  { { "dim", "one dimension to remove" } }, "print(torch.Tensor(2, 1, 3):squeeze():size())")
M("unsqueeze", "x:unsqueeze(dim)", "A view of x with a new size-1 dimension at dim.",
  { { "dim", "where the new dimension goes (1 .. x:dim() + 1)" } },
  "print(torch.Tensor(3):unsqueeze(1):size())   -- 1x3")
M("unfold", "x:unfold(dim, size, step)",
  "A view of all slices of length size along dim, step apart, as a new last dimension.",
  { { "dim", "the dimension" }, { "size", "slice length" }, { "step", "distance between slices" } },
  "print(torch.range(1, 5):unfold(1, 2, 1))   -- 4x2: 1 2 / 2 3 / 3 4 / 4 5")
M("set", "x:set(tensor) | x:set(storage [, offset, sizes [, strides]])",
  "Makes x view the same memory as tensor, or the given storage region; returns x.",
  { { "tensor", "a tensor to share" }, { "storage", "a storage" }, { "offset", "1-based first element" },
    { "sizes, strides", "torch.LongStorages" } },
  "local s = torch.DoubleStorage{1, 2, 3, 4}\nprint(torch.Tensor():set(s, 1, torch.LongStorage{2, 2}))")
M("new", "x.new([args...]) | x:new()", "x's class constructor (Torch7): x.new() is an empty tensor of x's type; x:new() views x.",
  { { "args", "sizes, a table, a storage ... (see torch.Tensor)" } },
  "print(torch.IntTensor().new(2, 2):type())")
M("apply", "x:apply(f)", "Calls f(v) on each element v in order; a number f returns replaces it. Returns x.",
  { { "f", "a function of one number" } },
  "print(torch.Tensor{1, 2, 3}:apply(function(v) return v * v end))")
M("map", "x:map(y, f)", "Calls f(v, w) on the elements of x and y in order; a number it returns replaces v. Returns x.",
  { { "y", "a tensor with as many elements" }, { "f", "a function of two numbers" } },
  "print(torch.Tensor{1, 2}:map(torch.Tensor{10, 20}, function(a, b) return a + b end))")
M("map2", "x:map2(y, z, f)", "Like map with two other tensors: f(v, w, u).",
  { { "y, z", "tensors with as many elements" }, { "f", "a function of three numbers" } },
  "print(torch.Tensor{1, 2}:map2(torch.Tensor{1, 1}, torch.Tensor{2, 2}, function(a, b, c) return a + b * c end))")

return { title = "Tensors and storages (construction, views, copies)", docs = D }
