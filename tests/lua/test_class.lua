-- torch.class and the type queries (stdlib/torch/class.lua).
local H = dofile("tests/lua/harness.lua")

local registry = debug.getregistry()

-- Removes classes made by a test (their global constructors and registry entries).
local function forget(...)
  for _, name in ipairs { ... } do
    registry[name] = nil
    if not name:find(".", 1, true) then _G[name] = nil end
  end
end

H.test("a class without parent: constructor, __init, methods, typename", function()
  local Foo, parent = torch.class("TestFoo")
  H.eq(parent, nil)
  H.eq(type(Foo), "table")
  function Foo:__init(x) self.x = x; self.inits = (self.inits or 0) + 1 end
  function Foo:double() return 2 * self.x end
  local foo = TestFoo(21) -- the constructor is a global named like the class
  H.eq(foo.x, 21)
  H.eq(foo.inits, 1)
  H.eq(foo:double(), 42)
  H.eq(getmetatable(foo), Foo)
  H.eq(torch.typename(foo), "TestFoo")
  H.eq(torch.type(foo), "TestFoo")
  H.eq(torch.getmetatable("TestFoo"), Foo)
  H.eq(Foo.new(5).x, 5)
  -- methods added through the constructor table land in the class
  TestFoo.triple = function(self) return 3 * self.x end
  H.eq(foo:triple(), 63)
  H.eq(rawget(Foo, "triple"), TestFoo.triple)
  forget("TestFoo")
end)

H.test("inheritance: parent returned, parent.__init, overriding, parent methods", function()
  testmod = {}
  do
    local A = torch.class("TestA")
    function A:__init(v) self.v = v end
    function A:name() return "A" end
    function A:get() return self.v end
    local B, parent = torch.class("testmod.B", "TestA")
    H.eq(parent, torch.getmetatable("TestA"))
    function B:__init(v, w)
      parent.__init(self, v)
      self.w = w
    end
    function B:name() return "B<" .. parent.name(self) .. ">" end
  end
  H.eq(rawget(_G, "B"), nil, "a class in a module is not global")
  local b = testmod.B(1, 2)
  H.eq(b.v, 1)
  H.eq(b.w, 2)
  H.eq(b:name(), "B<A>")
  H.eq(b:get(), 1)
  H.eq(torch.typename(b), "testmod.B")
  H.ok(torch.isTypeOf(b, "testmod.B"))
  H.ok(torch.isTypeOf(b, testmod.B))
  H.ok(torch.isTypeOf(b, "TestA"))
  H.ok(torch.isTypeOf(b, TestA))
  H.ok(torch.isTypeOf(b, torch.getmetatable("TestA")), "a class metatable as spec")
  local a = TestA(3)
  H.ok(not torch.isTypeOf(a, "testmod.B"))
  H.ok(not torch.isTypeOf(a, testmod.B))
  -- a method added to the parent later is inherited
  function TestA.later() return "later" end
  H.eq(b:later(), "later")
  forget("TestA", "testmod.B")
  testmod = nil
end)

H.test("the module argument and names inside the torch table", function()
  local mod = {}
  local C = torch.class("TestC", mod)
  function C:__init() self.ok = true end
  H.ok(mod.TestC().ok)
  H.eq(rawget(_G, "TestC"), nil)
  local D, parent = torch.class("TestD", "TestC", mod)
  H.eq(parent, C)
  H.ok(mod.TestD().ok)
  H.ok(torch.isTypeOf(mod.TestD(), "TestC"))
  local E = torch.class("torch.TestE")
  function E:__init() end
  H.eq(torch.typename(torch.TestE()), "torch.TestE")
  torch.TestE = nil
  forget("TestC", "TestD", "torch.TestE")
end)

H.test("Torch7's isTypeOf cases: common parent, partial names, patterns", function()
  do
    local A = torch.class("TTA")
    local B = torch.class("TTB", "TTA")
    local C = torch.class("TTC", "TTA")
    torch.class("TorchDummy")
    torch.class("OtherTorchDummy")
    torch.class("TorchMember")
    torch.class("OtherTorchMember")
    torch.class("FirstTorchMember", "TorchMember")
    torch.class("ThirdTorchMember", "OtherTorchMember")
  end
  local b, c = TTB(), TTC()
  H.ok(torch.isTypeOf(b, "TTA") and torch.isTypeOf(b, TTA))
  H.ok(not torch.isTypeOf(c, "TTB") and not torch.isTypeOf(c, TTB))
  H.ok(not torch.isTypeOf(TorchDummy(), "OtherTorchDummy"))
  H.ok(not torch.isTypeOf(OtherTorchDummy(), "TorchDummy"), "a plain name needs a full match")
  H.ok(torch.isTypeOf(FirstTorchMember(), "TorchMember"))
  H.ok(not torch.isTypeOf(ThirdTorchMember(), "TorchMember"))
  H.ok(not torch.isTypeOf(ThirdTorchMember(), TorchMember))
  H.ok(torch.isTypeOf(ThirdTorchMember(), ".*Member"), "a pattern matches a part")
  H.ok(not torch.isTypeOf({}, "table"))
  H.ok(not torch.isTypeOf(3, "TTA"))
  H.check_error("torch.isTypeOf: type must be given as a class name, a pattern or a class (got a number)",
    torch.isTypeOf, b, 3)
  forget("TTA", "TTB", "TTC", "TorchDummy", "OtherTorchDummy", "TorchMember", "OtherTorchMember",
    "FirstTorchMember", "ThirdTorchMember")
end)

H.test("tensors and storages answer typename, type and isTypeOf", function()
  for _, ty in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
    local t = torch[ty .. "Tensor"](2)
    H.eq(torch.typename(t), "torch." .. ty .. "Tensor")
    H.eq(torch.type(t), "torch." .. ty .. "Tensor")
    H.eq(torch.typename(t:storage()), "torch." .. ty .. "Storage")
    H.ok(torch.isTypeOf(t, torch[ty .. "Tensor"]))
    H.ok(torch.isTypeOf(t, "torch.*Tensor"))
    H.ok(not torch.isTypeOf(t, "torch.*Storage"))
    H.eq(torch.getmetatable("torch." .. ty .. "Tensor"), getmetatable(t))
    H.eq(torch.getmetatable("torch." .. ty .. "Storage"), getmetatable(t:storage()))
  end
  local t = torch.LongTensor()
  H.ok(torch.isTypeOf(t, torch.LongTensor))
  H.ok(not torch.isTypeOf(t, torch.IntTensor))
  H.ok(torch.isTypeOf(t, "torch.LongTensor"))
  H.ok(not torch.isTypeOf(t, "torch.Long"))
  H.ok(torch.isTypeOf(t, ".*Long"))
  H.eq(torch.typename(torch.Tensor()), "torch.DoubleTensor")
end)

H.test("torch.type of plain Lua values, typename of non-torch values", function()
  H.eq(torch.type(nil), "nil")
  H.eq(torch.type(2), "number")
  H.eq(torch.type("asdf"), "string")
  H.eq(torch.type({}), "table")
  H.eq(torch.type(print), "function")
  H.eq(torch.type(io.stdout), "userdata")
  H.eq(torch.typename({}), nil)
  H.eq(torch.typename(3), nil)
  H.eq(torch.typename(io.stdout), nil)
  H.eq(torch.typename(setmetatable({}, {})), nil)
end)

H.test("getmetatable, setmetatable, factory, getconstructortable", function()
  local F = torch.class("TestF")
  function F:__init() self.inited = true end
  H.eq(torch.getmetatable("TestNoSuchClass"), nil)
  H.eq(torch.getmetatable("_LOADED"), nil, "registry entries that are not classes")
  H.check_error("torch.getmetatable: expected a class name (string), got a number", torch.getmetatable, 1)
  local f = torch.factory("TestF")()
  H.eq(torch.typename(f), "TestF")
  H.eq(f.inited, nil, "the factory does not call __init")
  H.eq(torch.factory("TestNoSuchClass"), nil)
  local e = torch.factory("torch.FloatTensor")()
  H.eq(torch.typename(e), "torch.FloatTensor")
  H.eq(e:dim(), 0)
  H.eq(torch.getconstructortable("TestF"), TestF)
  H.eq(torch.getconstructortable("torch.IntTensor"), torch.IntTensor)
  local g = torch.setmetatable({ inited = 1 }, "TestF")
  H.eq(torch.typename(g), "TestF")
  H.check_error("torch.setmetatable: unknown class 'Nope'", torch.setmetatable, {}, "Nope")
  forget("TestF")
end)

H.test("metamethods forward to __tostring__, __add__, __call__, __len__, __eq__ ...", function()
  local V = torch.class("TestV")
  function V:__init(x) self.x = x end
  function V:__tostring__() return "V(" .. self.x .. ")" end
  function V.__add__(a, b)
    local ax = type(a) == "number" and a or a.x
    local bx = type(b) == "number" and b or b.x
    return TestV(ax + bx)
  end
  function V:__call__(y) return self.x * y end
  function V:__len__() return 99 end
  function V.__eq__(a, b) return a.x == b.x end
  function V.__lt__(a, b) return a.x < b.x end
  function V:__unm__() return TestV(-self.x) end
  local a, b = TestV(1), TestV(2)
  H.eq(tostring(a), "V(1)")
  H.eq((a + b).x, 3)
  H.eq((a + 10).x, 11)
  H.eq((10 + a).x, 11, "the handler of the right operand is found")
  H.eq(a(7), 7)
  H.eq(#a, 99)
  H.ok(a == TestV(1))
  H.ok(a ~= b)
  H.ok(a < b)
  H.eq((-b).x, -2)
  -- an inheriting class gets the handlers too
  local W = torch.class("TestW", "TestV")
  H.eq(tostring(TestW(5)), "V(5)")
  -- the subclass's own class table prints its name, not through __tostring__
  H.eq(tostring(W), "TestW")
  H.eq(tostring(TestW), "TestW")
  forget("TestV", "TestW")
end)

H.test("default metamethods: tostring is the class name, others raise", function()
  local P = torch.class("TestP")
  local p, q = TestP(), TestP()
  H.eq(tostring(p), "TestP")
  H.ok(p ~= q)
  H.ok(p == p)
  H.check_error("TestP has no call operator", function() return p() end)
  H.check_error("both TestP and number have no addition operator", function() return p + 1 end)
  H.check_error("both TestP and TestP have no less-than operator", function() return p < q end)
  p[1], p[2] = "a", "b"
  H.eq(#p, 2, "without __len__, # is the raw length")
  forget("TestP")
end)

H.test("redefining a class keeps it; conflicts raise", function()
  local R = torch.class("TestR")
  function R:m() return 1 end
  local r = TestR()
  local R2 = torch.class("TestR")
  H.eq(R2, R)
  function R2:m() return 2 end
  H.eq(r:m(), 2, "existing instances see the new methods")
  torch.class("TestS")
  local S2, parent = torch.class("TestR2", "TestS")
  H.eq(parent, torch.getmetatable("TestS"))
  H.check_error("torch.class: class TestR2 already has parent TestS (asked for TestR)",
    torch.class, "TestR2", "TestR")
  H.eq(torch.class("TestR2", "TestS"), S2)
  forget("TestR", "TestS", "TestR2")
end)

H.test("torch.class argument errors", function()
  H.check_error("torch.class: <class name> [<parent class name>] [<module table>] expected", torch.class, 1)
  H.check_error("torch.class: <class name> [<parent class name>] [<module table>] expected",
    torch.class, "X", 3)
  H.check_error("torch.class: unknown parent class 'TestNoParent' for class 'TestX'",
    torch.class, "TestX", "TestNoParent")
  H.check_error("torch.class: cannot create class nosuchmod.X: nosuchmod is not a loaded module (table)",
    torch.class, "nosuchmod.X")
  H.check_error("torch.class: 'torch.DoubleTensor' is already a registered type that is not a torch.class",
    torch.class, "torch.DoubleTensor")
  H.check_error("torch.class: unknown parent class 'torch.DoubleTensor' for class 'TestY'",
    torch.class, "TestY", "torch.DoubleTensor")
  H.eq(rawget(_G, "TestX"), nil)
  H.eq(registry.TestX, nil)
end)

H.test("Torch7's registry cleanup idiom lets a class be created again", function()
  _mymodule123 = {}
  local x = torch.class("_mymodule123.myclass")
  H.ok(x ~= nil)
  _G._mymodule123 = nil
  registry["_mymodule123.myclass"] = nil
  H.eq(torch.getmetatable("_mymodule123.myclass"), nil)
  _mymodule123 = {}
  local y = torch.class("_mymodule123.myclass")
  H.ok(y ~= x)
  _G._mymodule123 = nil
  registry["_mymodule123.myclass"] = nil
end)

H.done()
