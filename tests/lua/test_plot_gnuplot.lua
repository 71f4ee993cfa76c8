-- Plot layer with the real gnuplot (installed by `make deps`): every kind
-- rendered to PNG and read back with moonlab's PNG loader (size, not blank),
-- other file formats, the dumb terminal against a golden text, injected
-- strings drawn literally, full precision through the binary data files,
-- gnuplot's errors raised, the life cycle of the gnuplot processes (one per
-- figure, reused, closed by close/GC/exit, 200 figures leave none, a killed
-- gnuplot gives an error and the next plot works) and the two timings.
local H = dofile("tests/lua/harness.lua")
local plot = require "moonlab.plot"
local gp = require "moonlab.plot.gp"
local image = require "moonlab.image"
local P = torch._proc

plot.output("none")
local tmp = P.mkdtemp((os.getenv("TMPDIR") or "/tmp") .. "/moonlab-plot-test-")
local W, Hh = 320, 240

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

local slurp = H.slurp

-- The gnuplot children of this process, zombies included.
local function gnuplot_children()
  local f = io.popen("ps -o pid=,stat=,comm= --ppid " .. P.getpid())
  local n, list = 0, {}
  for line in f:lines() do
    if line:find("gnuplot", 1, true) then n = n + 1; list[#list + 1] = line end
  end
  f:close()
  return n, table.concat(list, "; ")
end

local function proc_gone(pid)
  return not exists("/proc/" .. pid .. "/stat")
end

-- A rendered PNG: right size, and not blank (enough pixels away from white,
-- and more than a handful of distinct grey levels).
local function check_png(path, w, h, what)
  H.ok(exists(path), what .. ": no file")
  local img = image.load(path, { type = "byte" })
  H.eq(img:size(2), h, what .. " height")
  H.eq(img:size(3), w, what .. " width")
  local gray = img[1]:double()
  if img:size(1) >= 3 then gray = (img[1]:double() + img[2]:double() + img[3]:double()) / 3 end
  local dark = gray:lt(200):sum()
  H.ok(dark > 0.005 * w * h, string.format("%s: only %d non-white pixels", what, dark))
  H.ok(gray:std() > 10, what .. ": flat image")
  return img
end

local kinds = {
  line = function(f) local x = torch.linspace(0, 6, 200); f:line(x, { torch.sin(x), torch.cos(x) }, { labels = { "s", "c" }, title = "t" }) end,
  scatter = function(f) torch.manualSeed(1); f:scatter(torch.randn(300), torch.randn(300), { by = torch.range(1, 300):fmod(3) }) end,
  hist = function(f) torch.manualSeed(2); f:hist(torch.randn(5000), { bins = 30 }) end,
  bar = function(f) f:bar(torch.Tensor{ { 1, 2 }, { 3, 1 }, { 2, 2 } }, { labels = { "a", "b", "c" }, series = { "p", "q" } }) end,
  box = function(f) torch.manualSeed(3); f:box({ a = torch.randn(100), b = torch.randn(100) + 2 }) end,
  heatmap = function(f) f:heatmap(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }, { values = true, xlabels = { "x", "y", "z" } }) end,
  image = function(f) f:image(torch.rand(3, 30, 40)) end,
  surface = function(f) local z = torch.Tensor(15, 20); for i = 1, 15 do for j = 1, 20 do z[i][j] = math.sin(i / 3) * math.cos(j / 4) end end; f:surface(z, { contour = true }) end,
  wireframe = function(f) f:surface(torch.Tensor{ { 1, 2, 1 }, { 2, 3, 2 }, { 1, 2, 1 } }, { style = "lines" }) end,
  errorbar = function(f) local x = torch.linspace(0, 6, 20); f:errorbar(x, torch.sin(x), torch.Tensor(20):fill(0.2)) end,
  dist = function(f) torch.manualSeed(4); f:dist(torch.randn(2000)) end,
  learning_curve = function(f) f:learning_curve({ train = { 1, 0.6, 0.4, 0.3 }, valid = { 1.1, 0.8, 0.7, 0.65 } }) end,
  roc = function(f) f:roc({ 0, 0, 1, 1, 0, 1 }, { 0.1, 0.4, 0.35, 0.8, 0.2, 0.9 }) end,
  pr = function(f) f:pr({ 0, 0, 1, 1, 0, 1 }, { 0.1, 0.4, 0.35, 0.8, 0.2, 0.9 }) end,
  confusion = function(f) f:confusion(torch.Tensor{ { 5, 1 }, { 2, 7 } }, { "no", "yes" }) end,
  pairs = function(f) torch.manualSeed(5); f:pairs(torch.randn(50, 3), { by = torch.range(1, 50):fmod(2) }) end,
  corr = function(f) torch.manualSeed(6); f:corr(torch.randn(50, 3)) end,
  grid = function(f) f:grid(1, 2, { title = "two" }); f:line({ 1, 3, 2 }); f:bar({ 2, 1 }) end,
}

H.test("every kind renders to a PNG of the asked size that is not blank", function()
  local names = {}
  for k in pairs(kinds) do names[#names + 1] = k end
  table.sort(names)
  local fig = plot.figure({ size = { W, Hh } })
  for _, name in ipairs(names) do
    fig:grid()
    kinds[name](fig)
    local path = tmp .. "/" .. name .. ".png"
    fig:save(path)
    check_png(path, W, Hh, name)
  end
  fig:close()
end)

H.test("an image is drawn where its pixels are", function()
  -- left half black, right half white; axes off, so the picture fills the middle
  local img = torch.ByteTensor(1, 20, 40):fill(255)
  img:narrow(3, 1, 20):fill(0)
  local fig = plot.figure({ size = { 400, 300 } })
  fig:image(img)
  local path = tmp .. "/halves.png"
  fig:save(path)
  local out = image.load(path, { type = "byte" })
  local row = 150
  H.ok(out[1][row][120] < 50, "left of centre is dark: " .. out[1][row][120])
  H.ok(out[1][row][280] > 200, "right of centre is light: " .. out[1][row][280])
  -- and the PNG capture is the same picture as the file
  local png = fig:png({ size = { 400, 300 } })
  H.eq(png:sub(1, 8), "\137PNG\r\n\26\n")
  H.eq(png, slurp(path))
  fig:close()
end)

H.test("svg, pdf, eps and txt files", function()
  local fig = plot.figure({ size = { 300, 200 } })
  fig:line({ 1, 4, 9 })
  fig:save(tmp .. "/p.svg")
  fig:save(tmp .. "/p.pdf")
  fig:save(tmp .. "/p.eps")
  fig:save(tmp .. "/p.txt", { text_size = { 40, 12 } })
  H.ok(slurp(tmp .. "/p.svg"):find("<svg", 1, true))
  H.eq(slurp(tmp .. "/p.pdf"):sub(1, 5), "%PDF-")
  H.eq(slurp(tmp .. "/p.eps"):sub(1, 4), "%!PS")
  local txt = slurp(tmp .. "/p.txt")
  local n = 0
  for _ in txt:gmatch("\n") do n = n + 1 end
  H.eq(n, 12)
  -- a figure whose output is a file writes it at every plot
  local f2 = plot.figure({ output = tmp .. "/auto.png", size = { 200, 150 } })
  f2:hist({ 1, 2, 2, 3 })
  check_png(tmp .. "/auto.png", 200, 150, "figure output")
  f2:close()
  fig:close()
end)

H.test("dumb terminal output matches the golden text", function()
  local fig = plot.figure({ output = { kind = "dumb", print = false }, text_size = { 60, 20 } })
  fig:line({ 1, 2, 3, 4, 5 }, { 1, 4, 9, 16, 25 }, { title = "squares", xlabel = "n" })
  H.eq(fig.last_text, slurp("tests/fixtures/plot/line_dumb.txt"))
  H.eq(fig:text({ size = { 60, 20 } }), slurp("tests/fixtures/plot/line_dumb.txt"))
  fig:close()
end)

H.test("injected strings are drawn literally and run nothing", function()
  local marker = tmp .. "/pwned"
  local titles = {
    'x"; system("touch ' .. marker .. '"); "',
    "x'; system('touch " .. marker .. "'); '",
    "`touch " .. marker .. "`",
    "a\nsystem(\"touch " .. marker .. "\")\n",
    "@sys \\\"; system(\"touch " .. marker .. "\") #",
  }
  for i, t in ipairs(titles) do
    local fig = plot.figure({ size = { 400, 300 }, text_size = { 120, 20 } })
    fig:line({ 1, 2 }, { title = t, xlabel = t, labels = { t } })
    local text = fig:text({ size = { 120, 20 } })
    fig:save(tmp .. "/inj" .. i .. ".png")
    -- the file name too: written under exactly that name
    local odd = tmp .. "/inj" .. i .. "\"`echo x`@y; 'z'.png"
    fig:save(odd)
    H.ok(exists(odd), "odd file name written")
    H.ok(not exists(marker), "command ran for title " .. i)
    if i == 1 then
      H.ok(text:find('x"; system("touch ' .. marker .. '"); "', 1, true), "title drawn literally:\n" .. text)
    end
    fig:close()
  end
  H.ok(not exists(marker))
end)

H.test("sixel output, capture hooks, window terminal missing", function()
  local fig = plot.figure({ size = { 120, 90 } })
  fig:line({ 1, 3, 2 })
  local out = fig:render("test", { kind = "sixel" }, true)
  H.eq(out:sub(1, 2), "\27P", "sixel starts with DCS")
  H.eq(out:sub(-2), "\27\\", "sixel ends with ST")
  local got = {}
  plot.on_capture(function(png, f) got[#got + 1] = { png, f } end)
  fig:set_output("capture")
  fig:line({ 2, 1 })
  plot.on_capture(nil)
  H.eq(#got, 1)
  H.eq(got[1][2], fig)
  H.eq(got[1][1]:sub(2, 4), "PNG")
  H.eq(#plot.captures(), 0, "hooked captures are not kept")
  local terms = gp.terminals(fig.session, "test")
  if not (terms.wxt or terms.qt or terms.x11) then
    H.check_error("plot.line: this gnuplot has no window terminal (wxt, qt or x11); install gnuplot-qt",
      fig.line, fig, { 1, 2 }, { output = "window" })
  end
  fig:close()
end)

H.test("data reaches gnuplot at full precision", function()
  local s = gp.session()
  local path = tmp .. "/prec.bin"
  local vals = torch.Tensor{ 1 / 3, 0.1 + 2 ^ -55, 1e300 / 7, -2 ^ -1060, 123456789.123456789 }
  P.save_columns(path, { vals })
  local out, err = s:exchange("stats " .. gp.quote(path) .. " binary format='%float64' using 1 nooutput\n"
    .. "printerr sprintf('%.17g %.17g %.17g', STATS_min, STATS_max, STATS_sum)", "test")
  s:close()
  local mn, mx = err:match("(%S+) (%S+)")
  H.eq(tonumber(mn), vals:min())
  H.eq(tonumber(mx), vals:max())
  H.eq(out, "")
end)

H.test("gnuplot's errors are raised naming the call; the figure goes on", function()
  local fig = plot.figure({ output = "capture" })
  fig:line({ 1, 2, 3 })
  local pid = fig:pid()
  H.check_error("plot.line: gnuplot: ", fig.line, fig, { 1, 2 }, { raw = "set nosuchoption" })
  local ok, err = pcall(fig.line, fig, { 1, 2 }, { raw = "set xrange [1:nosuchvar]" })
  H.ok(not ok and err:find("plot.line: gnuplot: undefined variable: nosuchvar", 1, true), err)
  fig:line({ 1, 2, 3 })
  H.eq(fig:pid(), pid, "same gnuplot after the error")
  H.eq(plot.captures()[1]:sub(2, 4), "PNG")
  fig:close()
  plot.captures()
end)

H.test("one gnuplot per figure, reused for every plot", function()
  H.eq((gnuplot_children()), 0)
  local a = plot.figure({ output = "capture" })
  local b = plot.figure({ output = "capture" })
  H.eq(a:pid(), nil, "no gnuplot before the first plot")
  a:line({ 1, 2 })
  local pa = a:pid()
  for i = 1, 5 do a:hist(torch.range(1, 10 * i)) end
  b:bar({ 1, 2 })
  H.eq(a:pid(), pa)
  H.ok(b:pid() ~= pa)
  H.eq((gnuplot_children()), 2)
  H.eq(#plot.captures(), 7)
  a:close()
  H.ok(proc_gone(pa), "closed gnuplot is reaped")
  H.eq((gnuplot_children()), 1)
  b:close()
  H.eq((gnuplot_children()), 0)
  -- a closed figure starts a new gnuplot when used again
  a:line({ 3, 4 })
  H.ok(a:pid() ~= nil and a:pid() ~= pa)
  plot.closeall()
  H.eq((gnuplot_children()), 0)
  plot.captures()
end)

H.test("200 figures opened and closed leave no gnuplot process", function()
  for i = 1, 200 do
    local fig = plot.figure({ output = "capture", size = { 160, 120 } })
    fig:line({ 1, i })
    fig:close()
  end
  H.eq(#plot.captures(), 200)
  local n, list = gnuplot_children()
  H.eq(n, 0, "gnuplot children left: " .. list)
end)

H.test("a figure nobody holds is collected with its gnuplot", function()
  -- made in a function whose frame is gone, so no stack slot holds it
  local function make()
    local fig = plot.figure({ output = "capture", size = { 160, 120 } })
    fig:line({ 1, 2 })
    plot.figure() -- fig is no longer current
    return fig:pid()
  end
  local pid = make()
  plot.captures()
  collectgarbage()
  collectgarbage()
  H.ok(proc_gone(pid), "gnuplot " .. pid .. " still there after GC")
  H.eq((gnuplot_children()), 0)
end)

H.test("gnuplot killed mid-session: an error, then the next plot works", function()
  local fig = plot.figure({ output = "capture", size = { 160, 120 } })
  fig:line({ 1, 2 })
  local pid = fig:pid()
  os.execute("kill -9 " .. pid)
  local ok, err = pcall(fig.line, fig, { 2, 3 })
  H.ok(not ok, "no error after kill")
  H.ok(err:find("plot.line: gnuplot exited (killed by signal 9)", 1, true), err)
  H.ok(proc_gone(pid), "killed gnuplot reaped")
  fig:line({ 3, 4 })
  H.ok(fig:pid() and fig:pid() ~= pid)
  H.eq(#plot.captures(), 2)
  -- killed while idle between plots, with SIGTERM this time
  pid = fig:pid()
  os.execute("kill -TERM " .. pid)
  ok, err = pcall(fig.hist, fig, { 1, 2, 3 })
  H.ok(not ok and err:find("plot.hist: gnuplot exited (killed by signal 15)", 1, true), tostring(err))
  fig:hist({ 1, 2, 3 })
  fig:close()
  plot.captures()
  H.eq((gnuplot_children()), 0)
end)

H.test("gnuplot ends with the program (normal exit and os.exit(0, true))", function()
  local exe = os.getenv("MOONLAB") or "./moonlab"
  for _, ending in ipairs({ "", "os.exit(0, true)" }) do
    local code = "local p = require 'moonlab.plot'; local f = p.figure({output = 'capture'}); "
      .. "f:line({1, 2}); print(f:pid()); io.stdout:flush(); " .. ending
    local h = io.popen(exe .. " -e \"" .. code .. "\"")
    local pid = tonumber(h:read("l"))
    h:close()
    H.ok(pid ~= nil, "child printed no pid")
    local gone = false
    for _ = 1, 100 do
      if proc_gone(pid) then gone = true break end
      os.execute("sleep 0.02")
    end
    H.ok(gone, "gnuplot " .. tostring(pid) .. " outlived its moonlab (" .. ending .. ")")
  end
end)

H.test("timings: first plot of a session, a million points to PNG", function()
  local exe = os.getenv("MOONLAB") or "./moonlab"
  -- first plot: a fresh moonlab, from plot.figure() to the PNG in memory
  local code = "local p = require 'moonlab.plot'; local t = torch.Timer(); "
    .. "local f = p.figure({output = 'capture'}); f:line({1, 3, 2}); "
    .. "print(t:time().real)"
  local h = io.popen(exe .. " -e \"" .. code .. "\"")
  local first = tonumber(h:read("l"))
  h:close()
  H.ok(first ~= nil)
  local n = 1000000
  local x = torch.linspace(0, 100, n)
  local y = torch.sin(x)
  local fig = plot.figure({ output = tmp .. "/million.png" })
  local t = torch.Timer()
  fig:line(x, y)
  local big = t:time().real
  check_png(tmp .. "/million.png", 800, 600, "1M points")
  fig:close()
  io.stderr:write(string.format("plot timings: first plot %.0f ms, 1M-point line to PNG %.2f s\n",
    first * 1000, big))
  -- generous bounds (the sanitizer run is slower); docs/plot.md has the measured figures
  H.ok(first < 1.5, "first plot took " .. first .. " s")
  H.ok(big < 6, "1M points took " .. big .. " s")
end)

plot.closeall()
os.execute("rm -rf '" .. tmp .. "'")
H.done()
