-- Docstrings: torch.Tester and torch.TestSuite (stdlib/torch/Tester.lua;
-- docs/torch-lua.md).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.Tester"] = doc("torch.Tester()", "A unit-test runner with Torch7's assertions (help(\"Tester:eq\") ...).", {},
  "local tests, tester = torch.TestSuite(), torch.Tester()\nfunction tests.sum() tester:eq(torch.Tensor{1, 2}:sum(), 3) end\ntester:add(tests):run()")
D["torch.TestSuite"] = doc("torch.TestSuite()", "A table of test functions that refuses duplicate names.", {},
  "local tests = torch.TestSuite()\nfunction tests.one() end\nprint(type(tests.one))")

local function T(name, sig, summary, args, ex)
  D["Tester:" .. name] = doc(sig, summary, args, ex)
end
local function ex(code) return "local tester = torch.Tester()\n" .. code end
local MSG = { "msg", "optional message shown on failure" }
local TOL = { "tol", "optional tolerance (tolerance and message may come in either order)" }

T("add", "tester:add(f, name) | tester:add(suite)", "Adds one test, or every function of a table or TestSuite; returns tester.",
  { { "f, name", "a test function and its name" }, { "suite", "a TestSuite or table of functions" } },
  ex("tester:add(function() tester:assert(true) end, \"ok\")"))
T("run", "tester:run([names])", "Runs the tests (all, or those matching names), prints a report; raises when any failed.",
  { { "names", "a pattern or a list of patterns" } },
  ex("tester:add(function() tester:eq(1, 1) end, \"one\")\ntester:run()"))
T("disable", "tester:disable(names)", "Marks tests as skipped; returns tester.", { { "names", "a name or list of names" } },
  ex("tester:add(function() error(\"x\") end, \"broken\")\ntester:disable(\"broken\"):run()"))
T("setEarlyAbort", "tester:setEarlyAbort(flag)", "Stop at the first failing test.", { { "flag", "a boolean" } },
  ex("tester:setEarlyAbort(true)"))
T("setRethrowErrors", "tester:setRethrowErrors(flag)", "Errors and failed assertions propagate out of run.",
  { { "flag", "a boolean" } }, ex("tester:setRethrowErrors(true)"))
T("setSummaryOnly", "tester:setSummaryOnly(flag)", "Report only progress and totals, not each failure.",
  { { "flag", "a boolean" } }, ex("tester:setSummaryOnly(true)"))
T("assert", "tester:assert(cond [, msg])", "Passes when cond is true.", { { "cond", "a boolean" }, MSG },
  ex("print(tester:assert(1 < 2))"))
for _, c in ipairs { { "asserteq", "a == b" }, { "assertne", "a ~= b" }, { "assertlt", "a < b" }, { "assertgt", "a > b" },
  { "assertle", "a <= b" }, { "assertge", "a >= b" } } do
  T(c[1], "tester:" .. c[1] .. "(a, b [, msg])", "Passes when " .. c[2] .. ".", { { "a, b", "values" }, MSG },
    ex("print(tester:" .. c[1] .. "(1, 2))"))
end
T("assertalmosteq", "tester:assertalmosteq(a, b [, tol] [, msg])", "Passes when |a - b| <= tol (default 1e-16).",
  { { "a, b", "numbers" }, TOL, MSG }, ex("print(tester:assertalmosteq(1, 1 + 1e-9, 1e-6))"))
T("assertGeneralEq", "tester:assertGeneralEq(got, expected [, tol] [, msg])",
  "Deep equality: numbers within tol, tensors and storages by type, size and max difference, tables key by key.",
  { { "got, expected", "any values" }, TOL, MSG }, ex("print(tester:assertGeneralEq({1, torch.Tensor{2}}, {1, torch.Tensor{2}}))"))
T("eq", "tester:eq(got, expected [, tol] [, msg])", "Deep equality (the same as assertGeneralEq).",
  { { "got, expected", "any values" }, TOL, MSG }, ex("print(tester:eq(torch.Tensor{1, 2.001}, torch.Tensor{1, 2}, 0.01))"))
T("assertGeneralNe", "tester:assertGeneralNe(got, unexpected [, tol] [, msg])", "Passes when not deeply equal.",
  { { "got, unexpected", "any values" }, TOL, MSG }, ex("print(tester:assertGeneralNe({1}, {2}))"))
T("ne", "tester:ne(got, unexpected [, tol] [, msg])", "Not deeply equal (the same as assertGeneralNe).",
  { { "got, unexpected", "any values" }, TOL, MSG }, ex("print(tester:ne(1, 2))"))
T("assertTensorEq", "tester:assertTensorEq(ta, tb [, tol] [, msg])",
  "Same type and number of elements, max |ta - tb| <= tol (default 1e-16).",
  { { "ta, tb", "tensors" }, TOL, MSG }, ex("print(tester:assertTensorEq(torch.Tensor{1}, torch.Tensor{1}))"))
T("assertTensorNe", "tester:assertTensorNe(ta, tb [, tol] [, msg])", "Passes when assertTensorEq would fail.",
  { { "ta, tb", "tensors" }, TOL, MSG }, ex("print(tester:assertTensorNe(torch.Tensor{1}, torch.Tensor{2}))"))
T("assertTableEq", "tester:assertTableEq(ta, tb [, tol] [, msg])", "Deep equality of two tables.",
  { { "ta, tb", "tables" }, TOL, MSG }, ex("print(tester:assertTableEq({1, {2}}, {1, {2}}))"))
T("assertTableNe", "tester:assertTableNe(ta, tb [, tol] [, msg])", "Passes when two tables differ.",
  { { "ta, tb", "tables" }, TOL, MSG }, ex("print(tester:assertTableNe({1}, {2}))"))
T("assertError", "tester:assertError(f [, msg])", "Passes when f() raises.", { { "f", "a function" }, MSG },
  ex("print(tester:assertError(function() error(\"x\") end))"))
T("assertNoError", "tester:assertNoError(f [, msg])", "Passes when f() does not raise.", { { "f", "a function" }, MSG },
  ex("print(tester:assertNoError(function() end))"))
T("assertErrorMsg", "tester:assertErrorMsg(f, errmsg [, msg])", "Passes when f() raises exactly errmsg.",
  { { "f", "a function" }, { "errmsg", "the expected message" }, MSG },
  ex("print(tester:assertErrorMsg(function() error(\"boom\", 0) end, \"boom\"))"))
T("assertErrorPattern", "tester:assertErrorPattern(f, pattern [, msg])", "Passes when f() raises an error matching pattern.",
  { { "f", "a function" }, { "pattern", "a Lua pattern" }, MSG },
  ex("print(tester:assertErrorPattern(function() error(\"code 42\") end, \"%d+\"))"))
T("assertErrorObj", "tester:assertErrorObj(f, errcomp [, msg])", "Passes when f() raises an error e with errcomp(e) true.",
  { { "f", "a function" }, { "errcomp", "a predicate on the error object" }, MSG },
  ex("print(tester:assertErrorObj(function() error({code = 1}) end, function(e) return e.code == 1 end))"))
T("new", "torch.Tester.new()", "The same as torch.Tester().", {}, "print(torch.typename(torch.Tester.new()))")

return { title = "Unit tests (torch.Tester)", docs = D }
