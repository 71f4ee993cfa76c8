-- harness.lua: the small test harness of tests/lua/*.lua.
--
--   local H = dofile("tests/lua/harness.lua")
--   H.test("name", function() H.eq(1 + 1, 2) end)
--   H.done()   -- prints "N passed, N failed" (read by tests/run.sh), exits non-zero on failure
--
-- Each H.test is one test; it passes when its function returns without an
-- assertion failing.  check_error asserts that a call raises an error whose
-- message contains a substring (plain match).
local H = { passed = 0, failed = 0 }

local function where(level)
  local info = debug.getinfo(level + 1, "Sl")
  return info and (info.short_src .. ":" .. info.currentline) or "?"
end

local function fail(msg, level)
  error(msg .. " (at " .. where((level or 1) + 1) .. ")", 0)
end

function H.test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    H.passed = H.passed + 1
  else
    H.failed = H.failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

function H.ok(cond, msg)
  if not cond then fail(msg or "assertion failed", 2) end
end

function H.eq(got, want, msg)
  if got ~= want then
    fail(string.format("%sgot %s, expected %s", msg and (msg .. ": ") or "",
      tostring(got), tostring(want)), 2)
  end
end

function H.near(got, want, tol, msg)
  tol = tol or 1e-12
  local d = math.abs(got - want)
  if not (d <= tol * (1 + math.abs(want))) and not (got ~= got and want ~= want) then
    fail(string.format("%sgot %.17g, expected %.17g (tol %g)", msg and (msg .. ": ") or "",
      got, want, tol), 2)
  end
end

function H.check_error(substring, f, ...)
  local ok, err = pcall(f, ...)
  if ok then fail("expected an error containing '" .. substring .. "', got none", 2) end
  err = tostring(err)
  if not err:find(substring, 1, true) then
    fail("error '" .. err .. "' does not contain '" .. substring .. "'", 2)
  end
end

-- Whole contents of a file (binary), and writing a string to a file.
function H.slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

function H.spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

function H.done()
  print(string.format("%d passed, %d failed", H.passed, H.failed))
  os.exit(H.failed == 0 and 0 or 1)
end

return H
