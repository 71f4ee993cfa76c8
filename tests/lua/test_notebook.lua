-- test_notebook.lua: moonlab.notebook (parsing the percent format, running
-- cells with output, values, errors, parameters, seeds, timeouts, plots and
-- the cache) and moonlab.notebook.export (HTML and Markdown pages).
local H = dofile("tests/lua/harness.lua")
local nb = require "moonlab.notebook"
local export = require "moonlab.notebook.export"
local cache = require "moonlab.notebook.cache"

local TMP = os.tmpname()
os.remove(TMP)
os.execute("mkdir -p " .. TMP)

local function run(text, opts)
  local book = nb.parse(text, "t.lua")
  return book, nb.run(book, opts)
end

H.test("parse: cells, titles, kinds, prose prefixes, lines", function()
  local book = nb.parse(table.concat({
    "-- header comment",            -- 1
    "",                             -- 2
    "-- %% [markdown]",             -- 3
    "-- # Title",                   -- 4
    "--",                           -- 5
    "-- Some *text*.",              -- 6
    "",                             -- 7
    "-- %% Load the data",          -- 8
    "x = 1",                        -- 9
    "",                             -- 10
    "-- %% [raw]",                  -- 11
    "-- raw text",                  -- 12
    "-- %%%% not a marker",         -- 13
    "-- %% tail [md] key=\"v\"",    -- 14
    "-- done",                      -- 15
  }, "\n"))
  H.eq(#book.cells, 4)
  local md, code, raw, md2 = table.unpack(book.cells)
  H.eq(md.kind, "markdown"); H.eq(md.source, "# Title\n\nSome *text*."); H.eq(md.line, 4)
  H.eq(code.kind, "code"); H.eq(code.title, "Load the data"); H.eq(code.source, "x = 1"); H.eq(code.line, 9)
  H.eq(raw.kind, "raw"); H.eq(raw.source, "raw text\n%%%% not a marker")
  H.eq(md2.kind, "markdown"); H.eq(md2.title, "tail"); H.eq(md2.meta.key, "v"); H.eq(md2.source, "done")
end)

H.test("parse: code before the first marker, CRLF, BOM, shebang, no marker at all", function()
  local book = nb.parse("\239\187\191#!/usr/bin/env moonlab\r\ny = 2\r\n-- %%\r\nz = 3\r\n")
  H.eq(#book.cells, 2)
  H.eq(book.cells[1].source, "\ny = 2")
  H.eq(book.cells[2].source, "z = 3")
  local plain = nb.parse("print(1)\nprint(2)\n")
  H.eq(#plain.cells, 1)
  H.eq(plain.cells[1].source, "print(1)\nprint(2)")
  H.eq(#nb.parse("").cells, 0)
  H.check_error("notebook.parse: text must be a string", nb.parse, 5)
end)

H.test("run: output, shown values, the REPL's rules for the last line", function()
  local _, r = run(table.concat({
    "-- %%", "print('a', 1)\nio.write('b')\nio.stdout:write('c\\n')\n2 + 3",
    "-- %%", "local t = {}\nt",
    "-- %%", "v = 7;",
    "-- %%", "w = 1\n- 2",                     -- an operator line continues the one before
    "-- %%", "for i = 1, 2 do\n  k = i end",   -- a line closing a block is no expression
    "-- %%", "nb_f = function() return 4, 5 end\nnb_f()",
  }, "\n"))
  local c = r.cells
  H.eq(c[1].output, "a\t1\nbc\n"); H.eq(c[1].value, "5")
  H.eq(c[2].value, "{}")
  H.eq(c[3].value, nil, "a trailing ';' keeps it quiet")
  H.eq(rawget(_G, "w"), -1, "w = 1 - 2, not w = 1 then return -2")
  H.eq(c[4].value, nil)
  H.eq(rawget(_G, "k"), 2); H.eq(c[5].value, nil)
  H.eq(c[6].value, "4\t5")
  H.ok(r.ok)
  for _, name in ipairs { "v", "w", "k", "nb_f" } do rawset(_G, name, nil) end
end)

H.test("run: errors carry the cell, the line in it and in the file; the rest is not run", function()
  local _, r = run("-- %%\nx1 = 1\n-- %%\nlocal a = 1\nerror('boom at two')\n-- %%\nx1 = 2\n")
  H.ok(not r.ok)
  local e = r.cells[2].error
  H.eq(e.cell, 2); H.eq(e.line, 2); H.eq(e.file_line, 5); H.eq(e.message, "boom at two")
  H.ok(e.traceback:find("[cell 2]:2: in main chunk", 1, true), e.traceback)
  H.ok(not e.traceback:find("xpcall", 1, true), "the runner's frames are left out")
  H.eq(r.cells[3].status, "not run")
  H.eq(rawget(_G, "x1"), 1)
  local _, r2 = run("-- %%\nlocal = 1\n-- %%\nx1 = 3\n", { continue = true })
  H.eq(r2.cells[1].status, "error"); H.eq(r2.cells[1].error.line, 1)
  H.ok(r2.cells[1].error.message:find("<name> expected near '='", 1, true), r2.cells[1].error.message)
  H.eq(r2.cells[2].status, "ok", "--continue runs the rest")
  H.eq(rawget(_G, "x1"), 3)
  rawset(_G, "x1", nil)
end)

H.test("run: parameters, the parameters cell, seeds, timeouts", function()
  local _, r = run("-- %% parameters\nrate = 0.1\n-- %%\nrate * 10\n", { params = { { "rate", 0.5 } } })
  H.eq(r.cells[2].value, "5.0", "a parameter overrides the parameters cell's default")
  local name, v = nb.parse_param("n=12")
  H.eq(name, "n"); H.eq(math.type(v), "integer"); H.eq(v, 12)
  H.eq(select(2, nb.parse_param("s=hello")), "hello")
  H.eq(select(2, nb.parse_param("b=false")), false)
  H.check_error("--param wants name=value", nb.parse_param, "1x=2")
  local _, a = run("-- %%\ntorch.rand(1)[1]\n", { seed = 42 })
  local _, b = run("-- %%\ntorch.rand(1)[1]\n", { seed = 42 })
  H.eq(a.cells[1].value, b.cells[1].value)
  torch.manualSeed(42)
  H.eq(a.cells[1].value, tostring(torch.rand(1)[1]))
  local _, t = run("-- %%\nwhile true do end\n-- %%\nafter = 1\n", { timeout = 0.2 })
  H.eq(t.cells[1].status, "error")
  H.ok(t.cells[1].error.message:find("took longer than the timeout (0.2 s)", 1, true), t.cells[1].error.message)
  H.ok(t.cells[1].time < 2)
  H.eq(t.cells[2].status, "not run")
  rawset(_G, "rate", nil)
end)

H.test("run: plots land under the cell that made them", function()
  local _, r = run("-- %%\nlocal plot = require 'moonlab.plot'\nplot.line(torch.range(1, 5), torch.range(1, 5))\n"
    .. "plot.hist(torch.randn(100))\n-- %%\nx2 = 1\n")
  H.eq(r.cells[1].status, "ok", r.cells[1].error and r.cells[1].error.message)
  H.eq(#r.cells[1].plots, 2)
  H.eq(r.cells[1].plots[1]:sub(1, 8), "\137PNG\r\n\26\n")
  H.eq(#r.cells[2].plots, 0)
  rawset(_G, "x2", nil)
end)

H.test("cache: hits restore globals, output and the generator; files and edits invalidate", function()
  local data = TMP .. "/data.txt"
  H.spit(data, "abc")
  local text = table.concat({
    "-- %%", "torch.manualSeed(3)\ncx = torch.rand(2)\nprint('one')",
    "-- %%", "cs = io.open('" .. data .. "'):read('a')\nctab = {n = #cs, t = torch.ones(2)}",
    "-- %%", "cfun = function() return 1 end",
    "-- %%", "cy = torch.rand(1)[1]\ncy",
  }, "\n")
  local dir = TMP .. "/cache"
  local function go()
    local store = cache.new(dir)
    local book = nb.parse(text, "c.lua")
    local r = nb.run(book, { cache = store })
    store:finish()
    return r, store
  end
  local r1, s1 = go()
  H.eq(s1.hits, 0)
  local first_y = r1.cells[4].value
  for _, k in ipairs { "cx", "cs", "ctab", "cfun", "cy" } do rawset(_G, k, nil) end
  local r2, s2 = go()
  H.eq(r2.cells[1].status, "cached"); H.eq(r2.cells[1].output, "one\n")
  H.eq(r2.cells[2].status, "cached"); H.eq(rawget(_G, "ctab").n, 3); H.eq(rawget(_G, "ctab").t:sum(), 2)
  H.eq(r2.cells[3].status, "ok", "a function cannot be stored: the cell runs again")
  H.eq(r2.cells[4].status, "cached"); H.eq(r2.cells[4].value, first_y)
  H.eq(s2.hits, 3)
  -- the generator state after a restored cell is the one the cell left
  H.eq(tostring(rawget(_G, "cy")), first_y)
  H.spit(data, "abcd")
  local r3 = go()
  H.eq(r3.cells[1].status, "cached")
  H.eq(r3.cells[2].status, "ok", "a file it read changed")
  H.eq(rawget(_G, "ctab").n, 4)
  H.eq(r3.cells[4].status, "ok", "everything below runs again")
  H.eq(r3.cells[4].value, first_y, "and gives what a full run gives")
  -- an edit of cell 1 invalidates all; unused entries are removed by finish()
  text = text:gsub("print%('one'%)", "print('uno')")
  local r4 = go()
  for i = 1, 4 do H.ok(r4.cells[i].status == "ok", "cell " .. i .. " runs after an upstream edit") end
  local n = 0
  for _ in io.popen("ls " .. dir):lines() do n = n + 1 end
  H.eq(n, 3, "three storable cells, the stale entries gone")
  for _, k in ipairs { "cx", "cs", "ctab", "cfun", "cy" } do rawset(_G, k, nil) end
end)

H.test("cache: data frames and fitted models are restored, and work", function()
  local dir = TMP .. "/cache2"
  local text = table.concat({
    "-- %%", "cdf = require('moonlab.data').frame{{'x', {1.0, 2, 3, 4}}, {'y', {2.0, 4.1, 5.9, 8.0}}}",
    "-- %%", "cm = require('moonlab.ml').LinearRegression{}:fit(cdf:select({'x'}), cdf.y)",
    "-- %%", "cm:predict(torch.Tensor{{5}})[1]",
  }, "\n")
  local function go(t)
    local store = cache.new(dir)
    local r = nb.run(nb.parse(t, "m.lua"), { cache = store })
    store:finish()
    return r
  end
  local r1 = go(text)
  H.eq(r1.cells[1].status, "ok")
  rawset(_G, "cdf", nil); rawset(_G, "cm", nil)
  local r2 = go(text:gsub("%{%{5%}%}", "{{6}}"))
  H.eq(r2.cells[1].status, "cached"); H.eq(r2.cells[2].status, "cached")
  H.eq(r2.cells[3].status, "ok", "the edited cell runs, on the restored model")
  H.eq(getmetatable(rawget(_G, "cdf")), require("moonlab.data").DataFrame)
  H.eq(tostring(rawget(_G, "cm")), "ml.LinearRegression{}")
  H.near(tonumber(r2.cells[3].value), rawget(_G, "cm"):predict(torch.Tensor{ { 6 } })[1], 1e-12)
  H.near(tonumber(r2.cells[3].value), 0.05 + 6 * 1.98, 1e-12, "numpy.polyfit: intercept 0.05, slope 1.98")
  rawset(_G, "cdf", nil); rawset(_G, "cm", nil)
end)

H.test("export.tokens and highlight: the source comes back whole", function()
  local src = "local s = \"a\\\"b\" -- note\nx = [[long\n]] .. 0x1F + 2.5e3\nfor i = 1, #t do print(i) end\n--[==[ c ]==] t.print = 1"
  local parts = {}
  for _, t in ipairs(export.tokens(src)) do parts[#parts + 1] = t[2] end
  H.eq(table.concat(parts), src)
  local classes = {}
  for _, t in ipairs(export.tokens(src)) do if t[1] then classes[#classes + 1] = t[1] .. ":" .. t[2] end end
  local joined = table.concat(classes, "|")
  for _, want in ipairs { "kw:local", "str:\"a\\\"b\"", "com:-- note", "str:[[long\n]]", "num:0x1F", "num:2.5e3",
    "kw:for", "builtin:print", "com:--[==[ c ]==]" } do
    H.ok(joined:find(want, 1, true), want .. " in " .. joined)
  end
  H.ok(not joined:find("builtin:print|", #joined - 20, true), "t.print is a field, not the builtin")
  H.eq(export.highlight("a < b & \"<\""), 'a &lt; b &amp; <span class="str">&quot;&lt;&quot;</span>')
end)

H.test("export.html: one self-contained page, escaped, with figures inline", function()
  local book, r = run("-- %% [markdown]\n-- # Report <x>\n-- <script>alert(1)</script>\n"
    .. "-- %%\nprint('<b>&')\n-- %%\nlocal plot = require 'moonlab.plot'\nplot.line(torch.range(1, 3), torch.range(1, 3))\n"
    .. "-- %%\nerror('bad <thing>')\n")
  local html = export.html(book, r)
  H.ok(html:find("<title>Report &lt;x&gt;</title>", 1, true))
  H.ok(not html:find("<script", 1, true), "no scripts, raw HTML from prose dropped")
  H.ok(html:find("&lt;b&gt;&amp;", 1, true))
  H.ok(html:find('src="data:image/png;base64,iVBORw0KGgo', 1, true), "the figure is a data URI")
  H.ok(html:find("Error in cell 3, line 1", 1, true))
  H.ok(html:find("bad &lt;thing&gt;", 1, true))
  H.ok(not html:find("https?://"), "no external fetches")
end)

H.test("export.markdown: a golden page", function()
  local book = nb.load("tests/fixtures/notebook/small.lua")
  local r = nb.run(book, { continue = true })
  local md, files = export.markdown(book, r, "small_files")
  H.eq(md, H.slurp("tests/fixtures/notebook/small.md"))
  H.eq(#files, 1)
  H.eq(files[1][1], "small_files/cell3-1.png")
end)

H.test("folder helpers of the cache: mkdirs and files", function()
  local N = torch._notebook
  H.eq(N.mkdirs(TMP .. "/a/b/c"), true)
  H.eq(N.mkdirs(TMP .. "/a/b/c"), true, "an existing folder is fine")
  H.spit(TMP .. "/a/f.txt", "x")
  local ok, err = N.mkdirs(TMP .. "/a/f.txt/d")
  H.eq(ok, nil)
  H.ok(err:find("cannot make the folder " .. TMP .. "/a/f.txt/d", 1, true), err)
  local names = N.files(TMP .. "/a")
  table.sort(names)
  H.eq(table.concat(names, ","), "b,f.txt")
  H.eq(select(2, N.files(TMP .. "/nope")):match("^cannot list"), "cannot list")
  H.eq(N.hash("a"), "af63dc4c8601ec8c", "FNV-1a of 'a'")
  H.eq(N.base64("hello!?"), "aGVsbG8hPw=="); H.eq(N.base64("ab"), "YWI="); H.eq(N.base64(""), "")
  H.eq(N.file_hash(TMP .. "/a/f.txt"), N.hash("x"))
end)

os.execute("rm -rf " .. TMP)
H.done()
