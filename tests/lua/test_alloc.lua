-- test_alloc.lua: the host's pool allocator under Lua's own use: blocks that
-- grow and shrink across the small/large boundary (512 bytes) keep their
-- contents, freed blocks are reused safely, and many short-lived tensors do
-- not grow the process without bound.
local H = dofile("tests/lua/harness.lua")

H.test("tables grow across size classes and keep their contents", function()
  local t = {}
  for i = 1, 5000 do t[i] = i * 3 end         -- the array part reallocates many times
  local ok = true
  for i = 1, 5000 do ok = ok and t[i] == i * 3 end
  H.ok(ok, "array contents survive reallocation")
  for i = 5000, 11, -1 do t[i] = nil end
  collectgarbage()
  local h = {}
  for i = 1, 300 do h["k" .. i] = i end       -- hash part crossing 512 bytes
  local sum = 0
  for _, v in pairs(h) do sum = sum + v end
  H.eq(sum, 300 * 301 // 2)
  H.eq(t[10], 30)
end)

H.test("strings of every small size", function()
  local parts = {}
  for n = 1, 700 do parts[n] = string.rep(string.char(65 + n % 26), n) end
  collectgarbage()
  for n = 1, 700, 37 do
    H.eq(#parts[n], n)
    H.eq(parts[n]:byte(n), 65 + n % 26)
  end
end)

H.test("short-lived tensors are collected", function()
  collectgarbage()
  local before = collectgarbage("count")
  local a, b = torch.range(1, 10), torch.range(11, 20)
  for _ = 1, 200000 do local c = a + b end
  collectgarbage()
  local after = collectgarbage("count")
  H.ok(after - before < 1024, string.format("Lua heap grew by %.0f KiB", after - before))
  local c = a + b
  H.eq(c[10], 30)
end)

-- resident memory of this process in MiB
local function rss_mib()
  local f = io.open("/proc/self/statm")
  local line = f:read("l")
  f:close()
  return tonumber(line:match("%d+ (%d+)")) * 4 / 1024
end

H.test("large temporaries are collected as they are made", function()
  -- each c is 16 MiB outside the Lua heap; without accounting, 40 of them
  -- would stay alive until Lua's own heap grew enough to collect
  local a, b = torch.rand(2000000), torch.rand(2000000)
  collectgarbage()
  local before, peak = rss_mib(), 0
  for _ = 1, 40 do
    local c = a + b
    local d = torch.exp(c)
    local e = d:sum(1) + torch.mm(torch.ones(1, 1), torch.ones(1, 1)):sum()
    peak = math.max(peak, rss_mib())
  end
  if os.getenv("ASAN_OPTIONS") then
    return -- AddressSanitizer holds freed memory in quarantine: RSS says nothing there
  end
  H.ok(peak - before < 300, string.format("resident memory grew by %.0f MiB over 40 rounds of 32 MiB", peak - before))
end)

H.test("torch.setheaptracking switches the collections asked for by tensor memory", function()
  local function old_sentinel()
    local flag = { collected = false }
    local s = setmetatable({}, { __gc = function() flag.collected = true end })
    collectgarbage(); collectgarbage() -- s is old now: minor collections skip it
    return flag, s
  end
  -- 8 MB tensors, accounted, each kept alive while `keep` newer ones are made
  -- (long enough for minor collections to age it: then only a full one frees it)
  local function churn(keep, seen)
    local ring = {}
    for i = 1, 30 do
      local t = torch.Tensor(1000000)
      t[1] = 1
      ring[i % keep] = t
      if seen then seen[i] = t end
    end
  end
  local function alive(seen)
    local n = 0
    for i = 1, 30 do if seen[i] then n = n + 1 end end
    return n
  end
  H.eq(torch._heaptracking, true, "on by default")
  torch.setheaptracking(false)
  H.eq(torch._heaptracking, false)
  local flag, s = old_sentinel()
  s = nil
  local seen = setmetatable({}, { __mode = "v" })
  churn(1, seen)
  H.eq(flag.collected, false, "off: tensor memory asks for no full collection")
  H.ok(alive(seen) >= 29, "off: nor for minor ones (" .. alive(seen) .. " of 30 alive)")
  torch.setheaptracking(true)
  H.eq(torch._heaptracking, true)
  collectgarbage()
  -- a temporary dropped at once is freed by a minor collection before the
  -- next one allocates: the old sentinel stays, and almost nothing piles up
  flag, s = old_sentinel()
  s = nil
  seen = setmetatable({}, { __mode = "v" })
  churn(1, seen)
  H.ok(alive(seen) <= 3, "on: dropped temporaries are freed as they go (" .. alive(seen) .. " of 30 alive)")
  H.eq(flag.collected, false, "on: minor collections were enough")
  -- tensors kept through several allocations grow old: then a full collection
  churn(6)
  H.eq(flag.collected, true, "on: 240 MB of aged tensors trigger a full collection")
end)

H.test("mid-size results (256 KiB to 1 MiB) are freed as they go too", function()
  -- 512 KiB temporaries, dropped at once, count a quarter toward the young
  -- collections: every 16 MiB of them one frees the dead ones
  collectgarbage()
  local function churn(rounds)
    local seen = setmetatable({}, { __mode = "v" })
    local a = torch.rand(65536)
    for i = 1, rounds do
      seen[i] = a + 1
    end
    local n = 0
    for i = 1, rounds do if seen[i] then n = n + 1 end end
    return n
  end
  local n = churn(120)
  H.ok(n <= 40, "512 KiB temporaries: " .. n .. " of 120 alive")
  torch.setheaptracking(false)
  n = churn(120)
  torch.setheaptracking(true)
  H.ok(n >= 110, "with tracking off they pile up (" .. n .. " of 120 alive)")
end)

H.done()
