-- torch.Tester and torch.TestSuite: Torch7's unit-testing classes
-- (doc/tester.md).
--
--   local tests = torch.TestSuite()
--   local tester = torch.Tester()
--   function tests.add() tester:eq(1 + 1, 2) end
--   tester:add(tests):run()
--
-- run() prints one progress line per test, "Completed N asserts in N tests
-- with N failures and N errors", the failure reports, and last a line
-- "N passed, N failed" (the summary line read by moonlab's test runner).  Like
-- Torch7 it then raises an error when a test failed, so a script exits
-- non-zero.  Assertions return true/false.  Tests run in name order.
--
-- Comparisons (eq, assertTensorEq ...) read tensors element by element in Lua
-- (after :contiguous()) and never use element-wise tensor maths, so they work
-- for every dtype and layout.  NaN equals NaN in these comparisons (numpy's
-- testing convention; Torch7 treated NaN as different from everything).
--
-- Deliberately not done: colour output.
local torch = require "torch"

local Tester = torch.class("torch.Tester")

local NCOLS = 80

-- ---------------------------------------------------------------- helpers

-- Numbers print as LuaJIT/Torch7 printed them: 1 rather than 1.0.
local function numstr(x)
  if x ~= x then return "nan" end
  if math.type(x) == "float" and x == math.floor(x) and math.abs(x) < 2 ^ 53 then
    return string.format("%d", x)
  elseif math.type(x) == "float" then
    return string.format("%.14g", x) -- Lua's own tostring precision
  end
  return tostring(x)
end

local function str(x)
  return type(x) == "number" and numstr(x) or tostring(x)
end

local function getMessage(message, ...)
  if select("#", ...) > 0 then error("torch.Tester: Unexpected arguments after the message", 3) end
  if message == nil or message == "" then return "" end
  if type(message) ~= "string" then
    error("torch.Tester: the message must be a string (got a " .. type(message) .. ")", 3)
  end
  return message .. "\n"
end

-- The optional tolerance and message may come in either order (Torch7).
local function getToleranceAndMessage(default, ...)
  local tolerance, message
  for i = 1, select("#", ...) do
    local a = select(i, ...)
    if type(a) == "string" then
      if message then error("torch.Tester: two messages given", 3) end
      message = a .. "\n"
    elseif type(a) == "number" then
      if tolerance then error("torch.Tester: two tolerances given", 3) end
      if not (a >= 0) then error("torch.Tester: the tolerance cannot be negative", 3) end
      tolerance = a
    elseif a ~= nil then
      error("torch.Tester: unexpected argument of type " .. type(a)
        .. " (expected a tolerance or a message)", 3)
    end
  end
  return tolerance or default, message or ""
end

-- |a - b| for two numbers, with nan == nan and inf == inf giving 0.
local function absdiff(a, b)
  if a == b or (a ~= a and b ~= b) then return 0 end
  if math.type(a) == "integer" and math.type(b) == "integer" and (a >= 0) == (b >= 0) then
    local d = a - b
    return d < 0 and -d or d
  end
  local d = a - b
  if d ~= d then return math.huge end -- nan against a number, or inf - inf
  return d < 0 and -d or d
end

-- Largest |a[i] - b[i]| over two tensors with the same number of elements,
-- read in row-major order in chunks (never the whole tensor as one table).
local CHUNK = 65536
local function maxdiff(ta, tb)
  local n = ta:nElement()
  if n == 0 then return 0 end
  local fa = ta:contiguous():view(n)
  local fb = tb:contiguous():view(n)
  local worst = 0
  for first = 1, n, CHUNK do
    local len = math.min(CHUNK, n - first + 1)
    local va = fa:narrow(1, first, len):totable()
    local vb = fb:narrow(1, first, len):totable()
    for i = 1, len do
      local d = absdiff(va[i], vb[i])
      if d > worst then worst = d end
    end
  end
  return worst
end

local check = {}

-- success, message for two tensors compared element-wise within tolerance
function check.tensors(ta, tb, tolerance, negate, ignoreDims, prefix)
  prefix = prefix or "Tensor"
  local what = prefix == "Tensor" and "tensors" or "storages"
  if not ignoreDims and ta:dim() ~= tb:dim() then
    return negate, "The " .. what .. " have different dimensions"
  end
  if torch.typename(ta) ~= torch.typename(tb) then
    return negate, "The " .. what .. " have different types"
  end
  if ta:nElement() == 0 and tb:nElement() == 0 then
    return not negate, "Both " .. what .. " are empty"
  end
  local same
  if ignoreDims then
    same = ta:nElement() == tb:nElement()
  else
    same = ta:isSameSizeAs(tb)
  end
  if not same then return negate, "The " .. what .. " have different sizes" end
  local err = maxdiff(ta, tb)
  local ok = err <= tolerance
  if negate then ok = not ok end
  if ok then return true end
  return false, string.format("%s%s violation: max diff=%s, tolerance=%s", prefix,
    negate and "NE(==)" or "EQ(==)", numstr(err), numstr(tolerance))
end

function check.storages(sa, sb, tolerance, negate)
  if sa:size() ~= sb:size() then return negate, "The storages have different sizes" end
  if torch.typename(sa) ~= torch.typename(sb) then return negate, "The storages have different types" end
  local ctor = torch[torch.typename(sa):sub(7):gsub("Storage$", "Tensor")]
  local ta = sa:size() > 0 and ctor(sa) or ctor()
  local tb = sb:size() > 0 and ctor(sb) or ctor()
  return check.tensors(ta, tb, tolerance, negate, false, "Storage")
end

local function differs(got, expected, tolerance)
  -- message when got and expected differ (not negated), nil when equal
  local ok, msg = check.eq(got, expected, tolerance, false)
  if ok then return nil end
  return msg
end

-- Deep comparison; breadth first, so the reported difference is the shallowest.
function check.tables(t1, t2, tolerance, negate)
  local queue, head = { { t1, t2, nil } }, 1
  local seen = {}
  while queue[head] do
    local a, b, loc = table.unpack(queue[head], 1, 3)
    head = head + 1
    seen[a] = seen[a] or {}
    if not seen[a][b] then
      seen[a][b] = true
      local function sub(key)
        return loc and (loc .. "." .. tostring(key)) or tostring(key)
      end
      for k, v1 in pairs(a) do
        local v2 = b[k]
        if v2 == nil then
          return negate, string.format("Entry %s missing in second table (is %s in first)", sub(k), str(v1))
        end
        if type(v1) == "table" and type(v2) == "table" then
          queue[#queue + 1] = { v1, v2, sub(k) }
        else
          local msg = differs(v1, v2, tolerance)
          if msg then return negate, "At table location " .. sub(k) .. ": " .. msg end
        end
      end
      for k, v2 in pairs(b) do
        if a[k] == nil then
          return negate, string.format("Entry %s missing in first table (is %s in second)", sub(k), str(v2))
        end
      end
    end
  end
  if negate then return false, "NE failed: the tables are equal" end
  return true
end

function check.eq(got, expected, tolerance, negate)
  local msg
  if type(got) ~= type(expected) then
    if not negate then
      msg = "EQ failed: values have different types (first: " .. torch.type(got)
        .. ", second: " .. torch.type(expected) .. ")"
    end
    return negate, msg
  elseif type(got) == "number" then
    local ok = absdiff(got, expected) <= tolerance
    if negate then ok = not ok end
    if ok then return true end
    msg = string.format(negate and "NE failed: %s == %s" or "EQ failed: %s ~= %s", numstr(got), numstr(expected))
    if tolerance > 0 then msg = msg .. " with tolerance=" .. numstr(tolerance) end
    return false, msg
  elseif torch.isTensor(got) or torch.isTensor(expected) then
    if not (torch.isTensor(got) and torch.isTensor(expected)) then
      return negate, not negate and ("EQ failed: values have different types (first: "
        .. torch.type(got) .. ", second: " .. torch.type(expected) .. ")") or nil
    end
    return check.tensors(got, expected, tolerance, negate, false)
  elseif torch.isStorage(got) or torch.isStorage(expected) then
    if not (torch.isStorage(got) and torch.isStorage(expected)) then
      return negate, not negate and ("EQ failed: values have different types (first: "
        .. torch.type(got) .. ", second: " .. torch.type(expected) .. ")") or nil
    end
    return check.storages(got, expected, tolerance, negate)
  elseif type(got) == "table" then
    return check.tables(got, expected, tolerance, negate)
  end
  local ok = got == expected
  if negate then ok = not ok end
  if ok then return true end
  return false, string.format(negate and "NE failed: %s (%s) == %s (%s)" or "EQ failed: %s (%s) ~= %s (%s)",
    str(got), type(got), str(expected), type(expected))
end

-- ---------------------------------------------------------------- recording

--- torch.Tester() -> a new tester with no tests.
function Tester:__init()
  self.tests = {}
  self.disabledTests = {}
  self.errors = {}
  self.warnings = {}
  self._addWarnings = {}
  self._currentTestName = ""
  self.assertionPass, self.assertionFail, self.testError, self._warningCount = {}, {}, {}, {}
  -- Torch7 compatibility: assertTensorEq compares tensors with the same
  -- number of elements even when their shapes differ (with a warning)
  self._assertTensorEqIgnoresDims = true
end

--- tester:setEarlyAbort(flag): stop run() at the first failing test.
function Tester:setEarlyAbort(flag) self.earlyAbort = flag end
--- tester:setRethrowErrors(flag): let errors (and failed asserts) propagate out of run().
function Tester:setRethrowErrors(flag) self.rethrow = flag end
--- tester:setSummaryOnly(flag): print only the progress lines and the totals.
function Tester:setSummaryOnly(flag) self.summaryOnly = flag end

-- "file:line" of the first caller outside this file
local function location()
  local here = debug.getinfo(1, "S").source
  for level = 3, 40 do
    local info = debug.getinfo(level, "Sl")
    if not info then break end
    if info.source ~= here and info.what ~= "C" then
      return info.short_src .. ":" .. (info.currentline or 0)
    end
  end
  return "?"
end

local function bump(tbl, name)
  tbl[name] = (tbl[name] or 0) + 1
end

function Tester:_report_item(message)
  local name = self._currentTestName
  return (name ~= "" and name .. "\n" or "") .. message .. "\n  at " .. location()
end

function Tester:_success()
  bump(self.assertionPass, self._currentTestName)
  return true
end

function Tester:_failure(message)
  if self.rethrow then error(message .. "\n  at " .. location(), 0) end
  bump(self.assertionFail, self._currentTestName)
  self.errors[#self.errors + 1] = self:_report_item(message)
  return false
end

function Tester:_warning(message)
  bump(self._warningCount, self._currentTestName)
  self.warnings[#self.warnings + 1] = self:_report_item(message)
end

function Tester:_assert_sub(condition, message)
  if condition then return self:_success() end
  return self:_failure(message)
end

-- ---------------------------------------------------------------- assertions

--- tester:assert(condition, [message]) -> condition is true
function Tester:assert(condition, ...)
  local message = getMessage(...)
  if type(condition) ~= "boolean" then
    self:_warning("assert should only be used for boolean conditions; "
      .. "to check for a non-nil value, write tester:assert(v ~= nil)")
  end
  return self:_assert_sub(condition, message .. "BOOL violation condition=" .. str(condition))
end

local function compare(op, name, fails)
  return function(self, a, b, ...)
    local message = getMessage(...)
    return self:_assert_sub(op(a, b), string.format("%s%s failed: %s %s %s", message, name, str(a), fails, str(b)))
  end
end

--- tester:assertlt(a, b, [message]) -> a < b;  assertgt, assertle, assertge alike
Tester.assertlt = compare(function(a, b) return a < b end, "LT", ">=")
Tester.assertgt = compare(function(a, b) return a > b end, "GT", "<=")
Tester.assertle = compare(function(a, b) return a <= b end, "LE", ">")
Tester.assertge = compare(function(a, b) return a >= b end, "GE", "<")

--- tester:asserteq(a, b, [message]) -> a == b (Lua equality; see eq for contents)
function Tester:asserteq(a, b, ...)
  local message = getMessage(...)
  return self:_assert_sub(a == b, string.format("%sEQ failed: %s ~= %s", message, str(a), str(b)))
end

--- tester:assertne(a, b, [message]) -> a ~= b (Lua inequality)
function Tester:assertne(a, b, ...)
  local message = getMessage(...)
  if (type(a) == "table" and type(b) == "table") or type(a) == "userdata" then
    self:_warning("assertne should only be used to compare basic Lua values (numbers, booleans ...); "
      .. "use assertGeneralNe (ne) to compare contents, or assert(a ~= b)")
  end
  return self:_assert_sub(a ~= b, string.format("%sNE failed: %s == %s", message, str(a), str(b)))
end

--- tester:assertalmosteq(a, b, [tolerance=1e-16], [message]) -> |a - b| <= tolerance
function Tester:assertalmosteq(a, b, ...)
  local tolerance, message = getToleranceAndMessage(1e-16, ...)
  return self:_assert_sub(absdiff(a, b) <= tolerance, string.format(
    "%sALMOST_EQ failed: %s ~= %s with tolerance=%s", message, str(a), str(b), numstr(tolerance)))
end

--- tester:assertGeneralEq(got, expected, [tolerance=0], [message]) -> deep equality:
-- tables recursively, tensors and storages element-wise (same type and size),
-- numbers within tolerance, other values with ==.
function Tester:assertGeneralEq(got, expected, ...)
  local tolerance, message = getToleranceAndMessage(0, ...)
  local ok, msg = check.eq(got, expected, tolerance, false)
  return self:_assert_sub(ok, message .. (msg or ""))
end

--- tester:assertGeneralNe(got, unexpected, [tolerance=0], [message]) -> not assertGeneralEq
function Tester:assertGeneralNe(got, unexpected, ...)
  local tolerance, message = getToleranceAndMessage(0, ...)
  local ok, msg = check.eq(got, unexpected, tolerance, true)
  return self:_assert_sub(ok, message .. (msg or ""))
end

--- tester:eq(...) is assertGeneralEq, tester:ne(...) is assertGeneralNe
function Tester:eq(got, expected, ...) return self:assertGeneralEq(got, expected, ...) end
function Tester:ne(got, unexpected, ...) return self:assertGeneralNe(got, unexpected, ...) end

local function tensor_eq_or_ne(self, ta, tb, negate, ...)
  if not torch.isTensor(ta) then error("torch.Tester: First argument should be a Tensor", 3) end
  if not torch.isTensor(tb) then error("torch.Tester: Second argument should be a Tensor", 3) end
  local tolerance, message = getToleranceAndMessage(1e-16, ...)
  local ok, msg = check.tensors(ta, tb, tolerance, negate, self._assertTensorEqIgnoresDims)
  if ok and not negate and self._assertTensorEqIgnoresDims and not ta:isSameSizeAs(tb) then
    self:_warning("Tensors have the same content but different dimensions; they count as equal "
      .. "for Torch7 compatibility (use :eq to also compare shapes)")
  end
  return self:_assert_sub(ok, message .. (msg or ""))
end

--- tester:assertTensorEq(ta, tb, [tolerance=1e-16], [message]) -> max|ta - tb| <= tolerance
-- (same type and number of elements; any dtype and layout)
function Tester:assertTensorEq(ta, tb, ...) return tensor_eq_or_ne(self, ta, tb, false, ...) end
--- tester:assertTensorNe(ta, tb, [tolerance=1e-16], [message]) -> not assertTensorEq
function Tester:assertTensorNe(ta, tb, ...) return tensor_eq_or_ne(self, ta, tb, true, ...) end

local function table_eq_or_ne(self, ta, tb, negate, ...)
  if type(ta) ~= "table" then error("torch.Tester: First argument should be a Table", 3) end
  if type(tb) ~= "table" then error("torch.Tester: Second argument should be a Table", 3) end
  local tolerance, message = getToleranceAndMessage(0, ...)
  local ok, msg = check.eq(ta, tb, tolerance, negate)
  return self:_assert_sub(ok, message .. (msg or ""))
end

--- tester:assertTableEq(ta, tb, [tolerance=0], [message]) -> deep equality of two tables
function Tester:assertTableEq(ta, tb, ...) return table_eq_or_ne(self, ta, tb, false, ...) end
--- tester:assertTableNe(ta, tb, [tolerance=0], [message]) -> not assertTableEq
function Tester:assertTableNe(ta, tb, ...) return table_eq_or_ne(self, ta, tb, true, ...) end

--- tester:assertErrorObj(f, errcomp, [message]) -> f() raises an error e with errcomp(e) true
function Tester:assertErrorObj(f, errcomp, ...)
  local message = getMessage(...)
  local ok, err = pcall(f)
  local pass = not ok and errcomp(err) and true or false
  if ok then
    return self:_assert_sub(false, message .. "ERROR violation: no error was raised")
  end
  return self:_assert_sub(pass, message .. "ERROR violation: err=" .. tostring(err))
end

--- tester:assertError(f, [message]) -> f() raises an error
function Tester:assertError(f, ...)
  return self:assertErrorObj(f, function() return true end, ...)
end

--- tester:assertNoError(f, [message]) -> f() raises no error
function Tester:assertNoError(f, ...)
  local message = getMessage(...)
  local ok, err = pcall(f)
  return self:_assert_sub(ok, message .. "ERROR violation: err=" .. tostring(err))
end

--- tester:assertErrorMsg(f, errmsg, [message]) -> f() raises exactly the error errmsg
function Tester:assertErrorMsg(f, errmsg, ...)
  return self:assertErrorObj(f, function(err) return err == errmsg end, ...)
end

--- tester:assertErrorPattern(f, pattern, [message]) -> f() raises an error matching
-- pattern (string.find, so substrings match)
function Tester:assertErrorPattern(f, pattern, ...)
  return self:assertErrorObj(f, function(err) return string.find(tostring(err), pattern) ~= nil end, ...)
end

-- ---------------------------------------------------------------- adding and running

--- tester:add(f, name) or tester:add(tests) -> tester
-- Adds one test function, or every function of a table / torch.TestSuite.
-- The names _setUp and _tearDown register functions called before/after each
-- test with its name.  Raises on duplicate names and nested tables.
function Tester:add(f, name)
  if type(f) == "table" then
    if name ~= nil then error("torch.Tester:add: no name may be given with a table of tests", 2) end
    local tests = f
    if rawget(f, "__isTestSuite") then
      tests = rawget(f, "__tests")
    else
      -- kept until the reports of every later run (Torch7 warns here too)
      self._addWarnings[#self._addWarnings + 1] = "Should use TestSuite rather than plain lua table"
    end
    local names = {}
    for k in pairs(tests) do names[#names + 1] = k end
    table.sort(names, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(names) do
      local v = tests[k]
      if type(v) == "table" then error("torch.Tester:add: Nested sets of tests are not supported", 2) end
      if type(v) ~= "function" then
        error("torch.Tester:add: test " .. tostring(k) .. " is a " .. type(v) .. ", not a function", 2)
      end
      self:add(v, k)
    end
    return self
  end
  if type(f) ~= "function" then
    error("torch.Tester:add: expected a function or a table of functions, got a " .. type(f), 2)
  end
  if name == "_setUp" then
    if self._setUp then error("torch.Tester:add: Only one _setUp function allowed", 2) end
    self._setUp = f
  elseif name == "_tearDown" then
    if self._tearDown then error("torch.Tester:add: Only one _tearDown function allowed", 2) end
    self._tearDown = f
  else
    name = name == nil and "unknown" or tostring(name)
    if self.tests[name] then error("torch.Tester:add: test with name " .. name .. " already exists", 2) end
    self.tests[name] = f
  end
  return self
end

--- tester:disable(names) -> tester: the tests named (a string or a list) are skipped.
function Tester:disable(names)
  if type(names) == "string" then names = { names } end
  if type(names) ~= "table" then error("torch.Tester:disable: expected a name or a list of names", 2) end
  for _, name in ipairs(names) do
    if not self.tests[name] then error("torch.Tester:disable: unknown test '" .. tostring(name) .. "'", 2) end
    self.disabledTests[name] = true
  end
  return self
end

-- Names of the tests selected by testNames (nil, a pattern, or a list of
-- patterns matched with string.match), sorted.
function Tester:_select(testNames)
  local names = {}
  if testNames == nil then
    for name in pairs(self.tests) do names[#names + 1] = name end
  else
    if type(testNames) == "string" then testNames = { testNames } end
    if type(testNames) ~= "table" then
      error("torch.Tester:run: expected a test name, a list of names, or nil", 3)
    end
    local chosen = {}
    for _, pattern in ipairs(testNames) do
      local found = false
      for name in pairs(self.tests) do
        if string.match(name, pattern) then
          found = true
          if not chosen[name] then
            chosen[name] = true
            names[#names + 1] = name
          end
        end
      end
      if not found then error("torch.Tester:run: no test matches '" .. tostring(pattern) .. "'", 3) end
    end
  end
  table.sort(names)
  return names
end

local function plural(n, word)
  return n .. " " .. word .. (n == 1 and "" or "s")
end

-- Runs fn; returns status (no Lua error) and pass (no failed assert).
function Tester:_call(fn)
  local nerr = #self.errors
  if self.rethrow then
    fn()
    return true, nerr == #self.errors
  end
  local ok, err = xpcall(fn, debug.traceback)
  if not ok then
    -- drop the frames of the tester itself from the traceback
    local tb = tostring(err):gsub("\n%s*%[C%]: in function 'xpcall'.*$", "")
    self.errors[#self.errors + 1] = self._currentTestName .. "\n Function call failed\n" .. tb
  end
  return ok, ok and nerr == #self.errors
end

--- tester:run([names]) -> 0
-- Runs the tests (all, or those whose names match a pattern or a list of
-- patterns), printing progress, "Completed ..." totals, the failures, and the
-- line "N passed, N failed".  Raises "An error was found while running tests!"
-- when a test failed or raised, so a script exits non-zero.
function Tester:run(testNames)
  local names = self:_select(testNames)
  self.errors, self.warnings = {}, {}
  self.assertionPass, self.assertionFail, self.testError, self._warningCount = {}, {}, {}, {}
  for i, w in ipairs(self._addWarnings) do self.warnings[i] = w end
  self._warningCount[""] = #self._addWarnings
  local n = #names
  local numw = #tostring(n)
  io.write("Running " .. plural(n, "test") .. "\n")
  local results = {}
  for i, name in ipairs(names) do
    self._currentTestName = name
    self.assertionPass[name], self.assertionFail[name], self.testError[name] = 0, 0, 0
    self._warningCount[name] = 0
    local head = string.format("%" .. numw .. "d/%d %s ", i, n, name)
    head = head .. string.rep(".", NCOLS - #head - 7) .. " "
    io.write(head)
    io.flush()
    local status, pass
    if self.disabledTests[name] then
      results[name] = "SKIP"
    else
      if self._setUp then self._setUp(name) end
      status, pass = self:_call(self.tests[name])
      if self._tearDown then self._tearDown(name) end
      if not status then
        self.testError[name] = 1
        results[name] = "ERROR"
      else
        results[name] = pass and "PASS" or "FAIL"
      end
    end
    io.write("[" .. results[name] .. "]\n")
    io.flush()
    self._currentTestName = ""
    if self.earlyAbort and i < n and (results[name] == "ERROR" or results[name] == "FAIL") then
      io.write("Aborting on first error, not all tests have been executed\n")
      break
    end
    collectgarbage()
  end
  local r = self:_report(names, results)
  return r
end

function Tester:_report(names, results)
  local nasserts, nfail, nerr, nwarn, nskip, npass = 0, 0, 0, 0, 0, 0
  local ntests = 0
  for _, name in ipairs(names) do
    local r = results[name]
    if r then
      ntests = ntests + 1
      nasserts = nasserts + self.assertionPass[name] + self.assertionFail[name]
      if self.assertionFail[name] > 0 then nfail = nfail + 1 end
      if r == "ERROR" then nerr = nerr + 1 end
      if r == "SKIP" then nskip = nskip + 1 end
      if r == "PASS" then npass = npass + 1 end
      if self._warningCount[name] > 0 then nwarn = nwarn + 1 end
    end
  end
  nwarn = nwarn + (self._warningCount[""] or 0)
  self.countasserts = nasserts
  local line = "Completed " .. plural(nasserts, "assert") .. " in " .. plural(ntests, "test")
    .. " with " .. plural(nfail, "failure") .. " and " .. plural(nerr, "error")
  if nwarn > 0 then line = line .. " and " .. plural(nwarn, "warning") end
  if nskip > 0 then line = line .. " and " .. nskip .. " disabled" end
  io.write(line .. "\n")
  if not self.summaryOnly then
    local rule = string.rep("-", NCOLS)
    local sections = {}
    for _, e in ipairs(self.errors) do sections[#sections + 1] = e end
    for _, w in ipairs(self.warnings) do sections[#sections + 1] = "warning: " .. w end
    if #sections > 0 then
      io.write(rule .. "\n")
      for _, s in ipairs(sections) do io.write(s .. "\n" .. rule .. "\n") end
    end
  end
  local nbad = 0
  for _, name in ipairs(names) do
    local r = results[name]
    if r == "FAIL" or r == "ERROR" then nbad = nbad + 1 end
  end
  io.write(string.format("%d passed, %d failed\n", npass, nbad))
  io.flush()
  if nbad > 0 then error("An error was found while running tests!", 3) end
  return 0
end

-- ---------------------------------------------------------------- TestSuite

local suite_mt = {
  __index = function(self, key) return rawget(self, "__tests")[key] end,
  __newindex = function(self, key, value)
    local tests = rawget(self, "__tests")
    if tests[key] ~= nil then error("Test " .. tostring(key) .. " is already defined.", 2) end
    if type(value) == "table" then error("Nested tables of tests are not supported", 2) end
    if type(value) ~= "function" then error("Only functions are supported as members of a TestSuite", 2) end
    tests[key] = value
  end,
  __pairs = function(self) return next, rawget(self, "__tests"), nil end,
}

--- torch.TestSuite() -> a table of tests that refuses two tests with the same
-- name and members that are not functions.
function torch.TestSuite()
  return setmetatable({ __tests = {}, __isTestSuite = true }, suite_mt)
end

return Tester
