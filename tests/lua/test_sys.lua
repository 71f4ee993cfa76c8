-- test_sys.lua: torch.Timer and the thread-count controls.
local H = dofile("tests/lua/harness.lua")

-- waits in real time without using the CPU
local function spin(seconds)
  os.execute(string.format("sleep %.3f", seconds))
end

-- uses at least `seconds` of CPU time in this thread
local function burn(seconds)
  local t0 = os.clock()
  while os.clock() - t0 < seconds do end
end

H.test("timer measures, stops, resumes, resets", function()
  local t = torch.Timer()
  spin(0.05)
  local a = t:time()
  H.ok(a.real >= 0.045 and a.real < 1, "real time of a 50 ms spin: " .. a.real)
  local c = torch.Timer()
  burn(0.05)
  local ct = c:time()
  H.ok(ct.user + ct.sys >= 0.03, "cpu time counted: " .. (ct.user + ct.sys))
  t:stop()
  local s1 = t:time().real
  spin(0.03)
  H.eq(t:time().real, s1, "stopped timer does not advance")
  t:resume()
  spin(0.03)
  local s2 = t:time().real
  H.ok(s2 >= s1 + 0.025 and s2 < s1 + 1, "resumed timer advances")
  t:reset()
  H.ok(t:time().real < 0.02, "reset starts over")
  H.eq(t:stop(), t, "methods return the timer")
  H.ok(tostring(t):find("torch.Timer", 1, true) ~= nil)
  H.check_error("torch.Timer", function() return t.time(42) end)
end)

H.test("thread count", function()
  local n = torch.getnumthreads()
  H.ok(math.type(n) == "integer" and n >= 1)
  torch.setnumthreads(1)
  H.eq(torch.getnumthreads(), 1)
  torch.setnumthreads(n)
  H.eq(torch.getnumthreads(), n)
  H.check_error("need 1..1024 threads", torch.setnumthreads, 0)
end)

H.done()
