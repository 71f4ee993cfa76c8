-- Docstrings: classes and type queries (stdlib/torch/class.lua; docs/torch-lua.md).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.class"] = doc("torch.class(name [, parentName] [, module])",
  "Creates a class (Torch7's): returns its method table and the parent's; the constructor goes to module[name].",
  { { "name", "\"A\" or \"pkg.A\"" }, { "parentName", "the name of a class to inherit from" },
    { "module", "the table receiving the constructor (default: the table named by name's prefix, or _G)" } },
  "local Point = torch.class(\"DocPoint\")\nfunction Point:__init(x) self.x = x end\nprint(DocPoint(3).x, torch.typename(DocPoint(1)))")
D["torch.typename"] = doc("torch.typename(obj)", "The class name of a torch object (tensor, storage, torch.class instance), or nil.",
  { { "obj", "any value" } }, "print(torch.typename(torch.IntTensor()), torch.typename({}))")
D["torch.type"] = doc("torch.type(obj)", "torch.typename(obj), or Lua's type(obj) when that is nil.",
  { { "obj", "any value" } }, "print(torch.type(torch.Tensor()), torch.type(1))")
D["torch.isTypeOf"] = doc("torch.isTypeOf(obj, spec)", "True when obj is an instance of the class spec or of a subclass.",
  { { "obj", "any value" }, { "spec", "a class, a constructor, a name, or a Lua pattern ('torch.*Tensor')" } },
  "print(torch.isTypeOf(torch.LongTensor(), 'torch.*Tensor'))")
D["torch.getmetatable"] = doc("torch.getmetatable(name)", "The metatable of the class name (tensor, storage or torch.class), or nil.",
  { { "name", "a class name such as \"torch.DoubleTensor\"" } },
  "print(torch.getmetatable(\"torch.DoubleTensor\") == getmetatable(torch.Tensor()))")
D["torch.setmetatable"] = doc("torch.setmetatable(tbl, name)", "Gives tbl the metatable of class name; returns tbl.",
  { { "tbl", "a table" }, { "name", "a class name" } },
  "torch.class(\"DocThing\")\nprint(torch.typename(torch.setmetatable({}, \"DocThing\")))")
D["torch.factory"] = doc("torch.factory(name)", "A function returning a new, empty object of class name (no __init), or nil.",
  { { "name", "a class name" } }, "print(torch.factory(\"torch.DoubleTensor\")():dim())")
D["torch.getconstructortable"] = doc("torch.getconstructortable(name)", "The constructor of class name, or nil.",
  { { "name", "a class name" } }, "print(torch.getconstructortable(\"torch.DoubleTensor\") ~= nil)")

return { title = "Classes and types", docs = D }
