-- test_data.lua: moonlab.data's DataFrame against pandas 1.5 results stored in
-- tests/fixtures/data/expected.lua (made by make_fixtures.py there): describe,
-- group_by aggregates with several keys and missing values, the four joins on
-- one and two keys, pivot/melt, sorts with ties and missing values, fillna,
-- dropna, drop_duplicates, value_counts; plus construction, access, printing,
-- conversions and error messages.
local H = dofile("tests/lua/harness.lua")
local data = require "moonlab.data"

local FIX = "tests/fixtures/data/"
local E = dofile(FIX .. "expected.lua")
local NA = E.NA

local function tmpname(ext)
  local p = os.tmpname()
  os.remove(p)
  return p .. (ext or ".csv")
end

-- compares frame df with a pandas fixture frame
local function same(df, want, what)
  H.eq(df:nrows(), want.nrows, what .. ": rows")
  H.eq(table.concat(df.columns, ","), table.concat(want.names, ","), what .. ": names")
  for _, c in ipairs(want.names) do
    for i = 1, want.nrows do
      local w, got = want.cols[c][i], df:value(i, c)
      local where = string.format("%s: %s[%d]", what, c, i)
      if w == NA then
        H.ok(got == nil, where .. ": expected a missing value, got " .. tostring(got))
      elseif type(w) == "number" then
        H.ok(type(got) == "number", where .. ": expected a number, got " .. tostring(got))
        H.near(got, w, 1e-12, where)
      else
        H.eq(got, w, where)
      end
    end
  end
end

local df = data.read_csv(FIX .. "input.csv")
local L = data.read_csv(FIX .. "left.csv")
local R = data.read_csv(FIX .. "right.csv")

H.test("read_csv: kinds, shape, column access", function()
  local n, d = df:shape()
  H.eq(n, 41); H.eq(d, 5)
  H.eq(table.concat(df.columns, ","), "g,h,x,y,s")
  H.eq(df:kind("g"), "categorical"); H.eq(df:kind("h"), "integer"); H.eq(df:kind("x"), "float")
  H.eq(df:kind("s"), "string")
  H.eq(torch.typename(df.x), "torch.DoubleTensor")
  H.eq(df["h"], df.h)
  H.eq(type(df.s), "table")
  H.eq(#df, 41)
  H.eq(df:value(4, "g"), nil, "missing category")
  H.ok(df.x[3] ~= df.x[3], "missing float is NaN")
end)

H.test("describe (pandas)", function() same(df:describe(), E.describe, "describe") end)

H.test("group_by two keys, every aggregate (pandas)", function()
  local g = df:group_by({ "g", "h" }):agg {
    { "x", "mean", "x_mean" }, { "x", "sum", "x_sum" }, { "x", "count", "x_count" },
    { "x", "min", "x_min" }, { "x", "max", "x_max" }, { "x", "std", "x_std" },
    { "x", "median", "x_median" }, { "y", "mean", "y_mean" } }
  same(g, E.group_g_h, "group_g_h")
  H.eq(g:kind("x_count"), "integer")
end)

H.test("group_by one key; var, integer sums, counts of strings (pandas)", function()
  local g = df:group_by("g"):agg { { "y", "var", "y_var" }, { "h", "sum", "h_sum" }, { "h", "max", "h_max" },
    { "s", "count", "s_count" } }
  same(g, E.group_g, "group_g")
  H.eq(g:kind("h_sum"), "integer")
  same(df:group_by("x"):agg { { "y", "sum", "y_sum" } }, E.group_x, "group_x (float keys)")
  same(df:group_by("h"):size(), E.size_h, "size")
end)

H.test("group_by forms: named spec, lists of aggregates, functions, shortcuts", function()
  local g = df:group_by("h"):agg { y = "max", x = { "min", "max" } }
  H.eq(table.concat(g.columns, ","), "h,x_min,x_max,y")
  local f = df:group_by("h"):agg { y = function(v) return v:sum() * 2 end }
  local s = df:group_by("h"):agg { y = "sum" }
  for i = 1, 3 do H.near(f.y[i], 2 * s.y[i], 1e-12) end
  local m = df:group_by("h"):mean()
  H.eq(table.concat(m.columns, ","), "h,x,y")
  local n = 0
  for key, part in df:group_by("h"):groups() do
    n = n + 1
    H.eq(key.h, n)
    H.eq(part:nrows(), E.size_h.cols.size[n])
  end
  H.eq(n, 3)
  H.check_error("cannot take the mean of column 's' (string)", function() df:group_by("h"):agg { s = "mean" } end)
  H.check_error("unknown aggregate 'avg'", function() df:group_by("h"):agg { x = "avg" } end)
  H.check_error("no column named 'nope'", function() df:group_by("nope") end)
end)

H.test("sort_values: several keys, ties stable, missing last (pandas)", function()
  same(df:sort_values({ "g", "x" }, { ascending = { true, false } }), E.sort_g_x, "sort_g_x")
  same(df:sort_values("x"), E.sort_x, "sort_x")
  same(df:sort_values("x", { ascending = false }), E.sort_x_desc, "sort_x_desc")
  same(df:sort_values({ "h", "y" }, { ascending = { false, true } }), E.sort_h_y, "sort_h_y")
end)

H.test("joins on one and two keys, every how (pandas)", function()
  for _, how in ipairs { "inner", "left", "right", "outer" } do
    same(L:join(R, { on = "k1", how = how }), E["join1_" .. how], "join1_" .. how)
    same(L:merge(R, { on = { "k1", "k2" }, how = how }), E["join2_" .. how], "join2_" .. how)
  end
  H.check_error("how must be", function() L:join(R, { on = "k1", how = "cross" }) end)
  H.check_error("no column named 'zz'", function() L:join(R, { on = "zz" }) end)
end)

H.test("pivot and melt (pandas)", function()
  same(df:pivot { index = "g", columns = "h", values = "x" }, E.pivot, "pivot")
  same(df:melt { id_vars = { "h" }, value_vars = { "x", "y" } }, E.melt, "melt")
end)

H.test("missing values: fillna, dropna (pandas)", function()
  same(df:select("x"):fillna("mean"), E.fill_mean, "fill_mean")
  same(df:select("x"):fillna("median"), E.fill_median, "fill_median")
  same(df:select({ "g", "x" }):fillna("ffill"), E.fill_ffill, "fill_ffill")
  same(df:select("g"):fillna("mode"), E.fill_mode, "fill_mode")
  same(df:dropna(), E.dropna, "dropna")
  same(df:dropna { subset = { "x" } }, E.dropna_x, "dropna_x")
  local f = df:fillna { x = 0, g = "zz" }
  H.eq(f:value(4, "g"), "zz"); H.eq(f:value(3, "x"), 0.0)
  local isna = df:isna()
  H.eq(isna.x:sum(), 4); H.eq(isna.g:sum(), 3); H.eq(isna.h:sum(), 0)
end)

H.test("drop_duplicates, unique, value_counts (pandas)", function()
  same(df:drop_duplicates({ "g", "h" }), E.dedup_g_h, "dedup")
  same(df:value_counts("g"), E.value_counts_g, "value_counts")
  H.eq(table.concat(df:unique("g"), ","), "b,c,a,d", "pandas unique order")
  H.eq(df:nunique("h"), 3)
  local vc = df:value_counts("g", { normalize = true })
  H.near(vc.proportion:sum(), 1, 1e-12)
end)

H.test("construction: data.frame, from_columns, from_tensor, errors", function()
  local f = data.frame { { "b", { 1, 2, 3 } }, { "a", { "x", "y", "z" } } }
  H.eq(table.concat(f.columns, ","), "b,a")
  H.eq(f:kind("b"), "integer")
  local g = data.frame { z = torch.Tensor { 1, 2 }, a = { true, false } }
  H.eq(table.concat(g.columns, ","), "a,z", "named fields in sorted order")
  H.eq(g:kind("a"), "boolean"); H.eq(g:value(2, "a"), false)
  local h = data.DataFrame.from_columns({ "q", "p" }, { p = torch.LongTensor { 5, 6 }, q = { 1.5, 2 } })
  H.eq(table.concat(h.columns, ","), "q,p")
  H.eq(h:kind("q"), "float")
  local h2 = data.DataFrame.from_columns { { "u", { 1, 2 } }, { "v", { 3, 4 } } }
  H.eq(h2.v[2], 4)
  local X = torch.Tensor { { 1, 2 }, { 3, 4 }, { 5, 6 } }
  local t = data.from_tensor(X, { "p", "q" })
  H.eq(t.q[3], 6)
  H.eq(data.from_tensor(X:t()).V3[2], 6, "strided input")
  H.check_error("column 'b' has 2 rows, column 'a' has 3", data.frame, { { "a", { 1, 2, 3 } }, { "b", { 1, 2 } } })
  H.check_error("mixes numbers and strings", data.frame, { a = { 1, "x" } })
  H.check_error("duplicate column name 'a'", data.DataFrame.from_columns, { "a", "a" }, { a = { 1 } })
  H.check_error("2 names for 3 columns", data.from_tensor, torch.Tensor(2, 3), { "a", "b" })
  local e = data.frame {}
  H.eq(e:nrows(), 0)
end)

H.test("select, drop, rename, filter, mutate, head, tail, take", function()
  local s = df:select({ "y", "h" })
  H.eq(table.concat(s.columns, ","), "y,h")
  H.eq(table.concat(df:drop("s").columns, ","), "g,h,x,y")
  H.eq(table.concat(df:rename { g = "group" }.columns, ","), "group,h,x,y,s")
  local f = df:filter(df.h:eq(2))
  H.eq(f:nrows(), E.size_h.cols.size[2])
  local p = df:filter(function(r) return r.g == "a" and r.x ~= nil and r.x > 9 end)
  for i = 1, p:nrows() do H.eq(p:value(i, "g"), "a"); H.ok(p.x[i] > 9) end
  local m = df:mutate { z = function(d) return d.x * 2 end, { "w", 1 } }
  H.eq(table.concat(m.columns, ","), "g,h,x,y,s,w,z")
  H.near(m.z[1], 2 * df.x[1], 1e-12)
  H.eq(#df.columns, 5, "mutate leaves the frame as it was")
  local c = df:copy()
  c.new = torch.range(1, 41)
  H.eq(c.new[41], 41)
  H.eq(df:head(3):nrows(), 3); H.eq(df:tail(2):value(2, "s"), df:value(41, "s"))
  H.eq(df:head(100):nrows(), 41)
  H.eq(df:take { 2, 1 }:value(1, "s"), df:value(2, "s"))
  H.check_error("no column named 'nope'", df.select, df, "nope")
  H.check_error("the mask has 3 elements, the frame has 41 rows", df.filter, df, torch.ByteTensor(3))
  H.check_error("row index 42 out of range", df.take, df, { 42 })
  H.check_error("'filter' is a method name", function() c.filter = 1 end)
  c:set_column("filter", 7)
  H.eq(c:get("filter")[1], 7, "a column named like a method is reached by get")
  H.check_error("'columns' is reserved", c.set_column, c, "columns", 1)
end)

H.test("to_tensor, one_hot, label_encode, astype", function()
  local X = df:to_tensor()
  H.eq(X:size(1), 41); H.eq(X:size(2), 3)
  H.eq(X[5][1], df.h[5]); H.eq(X[5][3], df.y[5])
  H.ok(X[3][2] ~= X[3][2], "missing is NaN")
  local Y = df:to_tensor { "y", "h" }
  H.eq(Y[7][1], df.y[7])
  H.check_error("column 's' holds strings", df.to_tensor, df, { "s" })
  local o = df:one_hot("g")
  H.eq(table.concat(o.columns, ","), "g_a,g_b,g_c,g_d,h,x,y,s")
  H.eq(o.g_a[1] + o.g_b[1] + o.g_c[1] + o.g_d[1], 1)
  H.eq(o.g_a[4] + o.g_b[4] + o.g_c[4] + o.g_d[4], 0, "a missing category has no 1")
  local le, levels = df:label_encode("g")
  H.eq(table.concat(levels, ","), "a,b,c,d")
  H.eq(levels[le.g[1]], df:value(1, "g"))
  H.eq(le.g[4], 0)
  local a = df:astype { h = "string", g = "string" }
  H.eq(a:kind("h"), "string"); H.eq(a:value(1, "h"), tostring(df.h[1]))
  local ai = df:astype { x = "integer" }
  H.eq(ai:kind("x"), "integer"); H.eq(ai:value(3, "x"), nil); H.eq(ai:value(1, "x"), math.floor(df.x[1]))
  local cat = df:astype { s = "categorical" }
  H.eq(cat:value(5, "s"), df:value(5, "s"))
  -- numbers written as text (melt's variable column, a CSV read as strings), as pandas' astype
  local txt = data.frame { { "n", { "1", "22", "", "-4" } }, { "f", { "1.5", "2e3", "-0.25", "7" } } }
  local ti = txt:astype { n = "integer", f = "float" }
  H.eq(ti:kind("n"), "integer"); H.eq(ti:value(2, "n"), 22); H.eq(ti:value(3, "n"), nil); H.eq(ti:value(4, "n"), -4)
  H.eq(ti:kind("f"), "float"); H.eq(ti:value(2, "f"), 2000.0); H.eq(ti:value(3, "f"), -0.25)
  H.eq(txt:astype { n = "float" }.n[3] ~= txt:astype { n = "float" }.n[3], true, "an empty text is NaN")
  H.check_error("DataFrame:astype: row 1 of 'f' holds '1.5', not an integer", txt.astype, txt, { f = "integer" })
  local bad = data.frame { { "w", { "3", "three" } } }
  H.check_error("row 2 of 'w' holds 'three', not a number", bad.astype, bad, { w = "float" })
  H.eq(txt:astype { n = "categorical" }:astype { n = "integer" }:value(2, "n"), 22, "categorical levels too")
  -- the ml modules call X:to_tensor() on frames
  local base = require "moonlab.ml.base"
  local M = base.matrix("t", df:select { "h", "y" })
  H.eq(M:size(2), 2)
  local codes = base.vector("t", df.s, 41)
  H.eq(codes[1], tonumber(df:value(1, "s"):sub(2)) + 1, "a string column's to_tensor: ranks of s00 .. s40")
end)

H.test("sample and shuffle are seeded", function()
  local a, b = df:sample { n = 5, seed = 3 }, df:sample { n = 5, seed = 3 }
  for i = 1, 5 do H.eq(a:value(i, "s"), b:value(i, "s")) end
  local sh = df:shuffle(1)
  H.eq(sh:nrows(), 41)
  local seen = {}
  for i = 1, 41 do seen[sh:value(i, "s")] = true end
  local k = 0
  for _ in pairs(seen) do k = k + 1 end
  H.eq(k, 41, "a permutation")
  H.eq(df:sample { frac = 0.5, seed = 1 }:nrows(), 21)
  H.eq(df:sample { n = 60, replace = true, seed = 2 }:nrows(), 60)
  H.check_error("cannot take 50 rows from 41", df.sample, df, 50)
end)

H.test("concat rows", function()
  local c = data.concat { df:head(3), df:tail(2):drop("s") }
  H.eq(c:nrows(), 5)
  H.eq(c:value(5, "s"), nil, "absent column filled with missing")
  H.eq(c:value(4, "y"), df:value(40, "y"))
  H.eq(c:kind("g"), "categorical")
  local d = df:head(2):concat(df:tail(1))
  H.eq(d:nrows(), 3)
end)

H.test("printing fits the width; info", function()
  local s = df:tostring { width = 40 }
  for line in s:gmatch("[^\n]+") do H.ok(utf8.len(line) <= 40, "line too wide: " .. line) end
  H.ok(s:find("[41 rows x 5 columns]", 1, true))
  H.ok(s:find("...", 1, true))
  local full = tostring(df:head(3))
  H.ok(full:find("g%s+h%s+x%s+y%s+s"), full)
  H.ok(not full:find("rows x"), "a short frame has no footer")
  local info = df:info(true)
  H.ok(info:find("41 rows x 5 columns", 1, true))
  H.ok(info:find("x%s+float%s+37"), info)
end)

H.test("CSV round trip and chunks", function()
  local p = tmpname()
  df:to_csv(p)
  local back = data.read_csv(p, { types = { s = "string" } })
  for _, c in ipairs(df.columns) do
    for i = 1, 41 do H.eq(back:value(i, c), df:value(i, c), c .. i) end
  end
  local rows = 0
  for chunk in data.read_csv_chunks(p, { rows = 10 }) do
    H.ok(data.is_frame(chunk))
    rows = rows + chunk:nrows()
  end
  H.eq(rows, 41)
  os.remove(p)
  H.check_error("data.read_csv: cannot open", data.read_csv, "/nonexistent/x.csv")
end)

H.test("empty frames go through every operation", function()
  local e = df:filter(df.h:gt(10))
  H.eq(e:nrows(), 0)
  H.ok(tostring(e):find("[0 rows x 5 columns]", 1, true))
  local function rows(f) return f:nrows() end
  H.eq(rows(e:head()), 0); H.eq(rows(e:sort_values("x")), 0)
  H.eq(rows(e:group_by("g"):agg { x = "mean" }), 0); H.eq(rows(e:group_by("g"):size()), 0)
  H.eq(rows(e:join(L:rename { k1 = "g" }, { on = "g" })), 0)
  H.eq(rows(L:join(e:rename { g = "k1" }:select { "k1", "x" }, { on = "k1", how = "left" })), L:nrows())
  H.eq(rows(e:drop_duplicates()), 0); H.eq(#e:unique("g"), 0); H.eq(rows(e:value_counts("g")), 0)
  H.eq(rows(e:describe()), 8); H.eq(rows(e:melt { id_vars = { "h" } }), 0)
  H.eq(rows(e:sample(0)), 0); H.eq(rows(e:shuffle(1)), 0); H.eq(rows(e:dropna()), 0)
  H.eq(rows(e:fillna("mean")), 0); H.eq(rows(e:fillna("ffill")), 0); H.eq(rows(e:one_hot("g")), 0)
  H.eq(e:to_tensor():nElement(), 0); H.eq(rows(data.concat { e, df }), 41)
  H.eq(e:to_jsonl_string(), "")
  local p = tmpname()
  e:to_csv(p)
  H.eq(data.read_csv(p):nrows(), 0)
  os.remove(p)
end)

H.test("group_by{dropna = false} puts missing keys last, as pandas", function()
  local g = df:group_by("g", { dropna = false }):size()
  H.eq(g:nrows(), 5)
  H.eq(g:value(5, "g"), nil); H.eq(g.size[5], 3)
  local f = data.frame { x = { 2.5, 0 / 0, -1, 0 / 0 } }:group_by("x", { dropna = false }):size()
  H.eq(f.x[1], -1); H.eq(f.x[2], 2.5); H.ok(f.x[3] ~= f.x[3]); H.eq(f.size[3], 2)
end)

H.done()
