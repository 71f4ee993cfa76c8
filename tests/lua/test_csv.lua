-- test_csv.lua: moonlab.csv from Lua: the fixtures against Python's csv
-- module (tests/fixtures/csv/expected.lua), every option, error messages with
-- file:line:column, bad-line policies, chunks, writing and round trips.
local H = dofile("tests/lua/harness.lua")
local csv = require "moonlab.csv"

local FIX = "tests/fixtures/csv/"
local expected = dofile(FIX .. "expected.lua")

local function tmpname()
  local p = os.tmpname()
  os.remove(p)
  return p .. ".csv"
end

-- number of nonzero elements of a 1-D tensor
local function count(t)
  local n = 0
  for i = 1, t:nElement() do if t[i] ~= 0 then n = n + 1 end end
  return n
end

local function read_text(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write_text(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- value of column `name`, row i, as Lua data (nil when missing)
local function value(t, name, i)
  local col = t.columns[name]
  if t.missing[name] and t.missing[name][i] == 1 then return nil end
  local ty = t.types[name]
  if ty == "string" then return col[i] end
  if ty == "categorical" then return t.levels[name][col[i]] end
  if ty == "boolean" then return col[i] == 1 end
  return col[i]
end

-- compares a table read by moonlab with the rows of Python's csv module
local function same_as_python(t, rows)
  H.eq(#t.names, #rows[1], "columns")
  H.eq(t.nrows, #rows - 1, "rows")
  for j, name in ipairs(t.names) do
    H.eq(name, rows[1][j], "name " .. j)
    for i = 1, t.nrows do
      local want, got = rows[i + 1][j], value(t, name, i)
      local ty = t.types[name]
      if ty == "integer" or ty == "float" then
        H.eq(got, tonumber(want), name .. "[" .. i .. "]")
      else
        H.eq(got, want, name .. "[" .. i .. "]")
      end
    end
  end
end

H.test("quoting: doubled quotes, separators and newlines in quotes, CRLF", function()
  local t = csv.read(FIX .. "quoting.csv")
  H.eq(t.types.id, "integer")
  H.eq(t.types.text, "string")
  H.eq(t.types.score, "float")
  H.eq(torch.type(t.columns.score), "torch.DoubleTensor")
  H.eq(torch.type(t.columns.id), "torch.LongTensor")
  same_as_python(t, expected["quoting.csv"])
  H.eq(t.missing.text, nil, "a quoted empty field is an empty string")
end)

H.test("byte order mark, CRLF, no final newline, UTF-8", function()
  local t = csv.read(FIX .. "bom_crlf.csv")
  H.eq(t.names[1], "city")
  same_as_python(t, expected["bom_crlf.csv"])
end)

H.test("separator sniffed: semicolons with decimal commas", function()
  local t = csv.read(FIX .. "semicolon.csv")
  H.eq(t.sep, ";")
  H.eq(t.types.value, "string")
  same_as_python(t, expected["semicolon.csv"])
  local t2 = csv.read(FIX .. "semicolon.csv", { sep = ";", types = { value = "string" } })
  H.eq(t2.columns.value[3], "3,5")
end)

H.test("comments, skipped lines, tabs, blank lines", function()
  local t = csv.read(FIX .. "comments.tsv", { skip = 2, comment = "#" })
  H.eq(t.sep, "\t")
  same_as_python(t, expected["comments.tsv"])
  H.eq(t.columns.v[3], 30)
end)

H.test("trailing comments end a line, outside quotes only", function()
  local text = "k,v\n1,2 # two\n\"x#y\",4#\n# a whole line\n5,#6\n7,8\n# the end"
  local t = csv.parse(text, { comment = "#", types = { k = "string" } })
  H.eq(t.nrows, 4)
  H.eq(t.types.v, "float", "a missing value makes the integers floats")
  H.eq(t.columns.v[4], 8)
  H.eq(t.columns.k[2], "x#y", "a comment byte inside quotes is data")
  H.eq(t.columns.v[1], 2); H.eq(t.columns.v[2], 4)
  H.eq(t.missing.v[3], 1, "a comment right after a separator leaves an empty field")
  local h = csv.parse("a,b # names\n1,2\n", { comment = "#" })
  H.eq(table.concat(h.names, ","), "a,b ", "a comment after the header (names keep their blanks, as in pandas)")
  local big = {}
  for i = 1, 20000 do big[i] = i .. "," .. (i * 2) .. " # row " .. i end
  local p = csv.parse("a,b\n" .. table.concat(big, "\n"), { comment = "#", parallel_bytes = 1000, threads = 2 })
  H.eq(p.nrows, 20000); H.eq(p.columns.b[20000], 40000)
  local q = csv.parse("a,b\n1,2#x\n", {})
  H.eq(q.columns.b[1], "2#x", "without the option # is data")
end)

H.test("missing values: NaN in numbers, masks everywhere", function()
  local t = csv.read(FIX .. "missing.csv")
  H.eq(t.types.x, "float", "integers with missing values are floats")
  H.eq(t.types.y, "float")
  local x, y = t.columns.x, t.columns.y
  H.eq(x[1], 1); H.eq(x[6], 6)
  for _, i in ipairs({ 2, 3, 4, 5 }) do
    H.ok(x[i] ~= x[i], "x[" .. i .. "] is NaN")
    H.eq(t.missing.x[i], 1)
  end
  H.eq(t.missing.x[1], 0)
  H.eq(y[5], 4)
  H.ok(y[6] ~= y[6])
  H.eq(t.types.label, "string")
  H.eq(t.columns.label[3], "", "missing strings read as empty ...")
  H.eq(t.missing.label[3], 1, "... and masked")
  H.eq(t.missing.label[4], 1)
  H.eq(count(t.missing.label), 2)
  -- a given list replaces the defaults
  local t2 = csv.read(FIX .. "missing.csv", { na = { "N/A" }, types = { x = "string" } })
  H.eq(t2.columns.x[2], "")
  H.eq(count(t2.missing.x), 1)
  H.eq(t2.columns.x[4], "null")
end)

H.test("types inferred: integer float boolean date datetime categorical string", function()
  local t = csv.read(FIX .. "types.csv")
  local want = { int = "integer", float = "float", bool = "boolean", date = "date",
    datetime = "datetime", color = "categorical", name = "string" }
  for k, v in pairs(want) do H.eq(t.types[k], v, k) end
  H.eq(torch.type(t.columns.bool), "torch.ByteTensor")
  H.eq(t.columns.int[3], -3)
  H.eq(t.columns.float[2], 1e-3)
  H.eq(t.columns.float[4], math.huge)
  H.eq(t.columns.bool[1], 1); H.eq(t.columns.bool[4], 0)
  -- dates: seconds since the epoch (references from Python's datetime)
  local dates = { 1706659200, 1709164800, 946598400, 0, 951782400 }
  local times = { 1706688000, 1709209800, 946681199, 0.5, 951782400 }
  for i = 1, 5 do
    H.eq(t.columns.date[i], dates[i], "date " .. i)
    H.eq(t.columns.datetime[i], times[i], "datetime " .. i)
  end
  -- categorical: 1-based codes into levels, in order of first appearance
  H.eq(torch.type(t.columns.color), "torch.LongTensor")
  H.eq(#t.levels.color, 2)
  H.eq(t.levels.color[1], "red"); H.eq(t.levels.color[2], "green")
  local codes = { 1, 2, 1, 1, 2 }
  for i = 1, 5 do H.eq(t.columns.color[i], codes[i]) end
  H.eq(t.columns.name[5], "erin")
end)

H.test("types overridden per column, by name or index", function()
  local t = csv.read(FIX .. "types.csv", { types = { int = "float", [6] = "string",
    name = "categorical", date = "string" } })
  H.eq(t.types.int, "float")
  H.eq(torch.type(t.columns.int), "torch.DoubleTensor")
  H.eq(t.types.color, "string")
  H.eq(t.columns.color[2], "green")
  H.eq(t.types.name, "categorical")
  H.eq(#t.levels.name, 5)
  H.eq(t.columns.date[1], "2024-01-31")
  H.check_error("csv.read: " .. FIX .. "types.csv:2:3: expected an integer in column 'float', got '0.5'",
    csv.read, FIX .. "types.csv", { types = { float = "integer" } })
end)

H.test("header detected, given, or replaced by names", function()
  local t = csv.parse("1,2\n3,4\n")
  H.eq(t.header, false)
  H.eq(t.names[1], "V1")
  H.eq(t.nrows, 2)
  t = csv.parse("a,b\n1,2\n")
  H.eq(t.header, true)
  t = csv.parse("1,2\n3,4\n", { header = true })
  H.eq(t.names[2], "2"); H.eq(t.nrows, 1)
  t = csv.parse("a,b\n1,2\n", { header = false, names = { "p", "q" } })
  H.eq(t.nrows, 2); H.eq(t.columns.p[1], "a")
  t = csv.parse("a,b\n1,2\n", { names = { "p", "q" } })
  H.eq(t.nrows, 1); H.eq(t.columns.q[1], 2)
  H.check_error("csv.parse: 3 names given, <string> has 2 columns", csv.parse, "a,b\n1,2\n",
    { names = { "x", "y", "z" } })
end)

H.test("columns subset by name or index, row limit, skip", function()
  local t = csv.read(FIX .. "types.csv", { columns = { "name", 1 }, nrows = 3 })
  H.eq(#t.names, 2)
  H.eq(t.names[1], "name"); H.eq(t.names[2], "int")
  H.eq(t.nrows, 3)
  H.eq(t.columns.name[3], "carol")
  H.eq(t.columns.float, nil)
  H.check_error("csv.read: columns: no column named 'nope' (columns: int, float, bool",
    csv.read, FIX .. "types.csv", { columns = { "nope" } })
  H.check_error("csv.read: columns: column 9 out of range", csv.read, FIX .. "types.csv",
    { columns = { 9 } })
  t = csv.parse("x\ny\na,b\n1,2\n", { skip = 2 })
  H.eq(t.names[2], "b"); H.eq(t.nrows, 1)
  t = csv.parse("a,b\n1,2\n3,4\n", { nrows = 0 })
  H.eq(t.nrows, 0); H.eq(#t.names, 2)
end)

H.test("separators and quotes given: any byte", function()
  local t = csv.parse("a|b\n1|x y\n", { sep = "|" })
  H.eq(t.columns.b[1], "x y")
  t = csv.parse("a:b\n'x:y':2\n", { sep = ":", quote = "'" })
  H.eq(t.columns.a[1], "x:y")
  t = csv.parse('a,b\n"x,y"\n', { quote = false })
  H.eq(t.columns.a[1], '"x'); H.eq(t.columns.b[1], 'y"')
end)

H.test("ragged rows: errors name file:line:column", function()
  H.check_error("csv.read: " .. FIX .. "ragged.csv:4:7: row has 4 fields, header has 3",
    csv.read, FIX .. "ragged.csv")
  H.check_error("csv.parse: <string>:3:1: unterminated quoted field",
    csv.parse, 'a,b\n1,2\n"3,4\n5,6\n')
  H.check_error("csv.parse: data.csv:2:6: expected a separator or a line end after a closing quote",
    csv.parse, 'a,b\n1,"2"x\n', { path = "data.csv" })
  H.check_error("csv.parse: <string>:4:2: row has 1 field, first row has 2",
    csv.parse, '1,2\n"a\nb",3\n5\n', { header = false })
end)

H.test("on_bad_lines = warn and skip", function()
  local msgs = {}
  local t = csv.read(FIX .. "ragged.csv", { on_bad_lines = "warn",
    warn = function(m) msgs[#msgs + 1] = m end })
  H.eq(t.nrows, 4)
  H.eq(t.nbad, 2)
  H.eq(#msgs, 2)
  H.eq(msgs[1], "csv.read: warning: " .. FIX .. "ragged.csv:4:7: row has 4 fields, header has 3")
  H.eq(msgs[2], "csv.read: warning: " .. FIX .. "ragged.csv:6:6: row has 2 fields, header has 3")
  H.eq(t.columns.a[3], 11)
  msgs = {}
  t = csv.read(FIX .. "ragged.csv", { on_bad_lines = "skip", warn = function(m) msgs[#msgs + 1] = m end })
  H.eq(t.nrows, 4); H.eq(t.nbad, 2); H.eq(#msgs, 0)
  H.eq(t.columns.c[4], 18)
end)

H.test("option errors", function()
  H.check_error("csv.read: unknown option 'seperator'", csv.read, FIX .. "types.csv", { seperator = ";" })
  H.check_error("csv.read: option sep must be a one-character string", csv.read, FIX .. "types.csv",
    { sep = ";;" })
  H.check_error("csv.read: on_bad_lines must be", csv.read, FIX .. "types.csv", { on_bad_lines = "ignore" })
  H.check_error("csv.read: types: unknown type 'flot'", csv.read, FIX .. "types.csv",
    { types = { int = "flot" } })
  H.check_error("csv.read: types: no column named 'zz'", csv.read, FIX .. "types.csv",
    { types = { zz = "float" } })
  H.check_error("csv.read: option nrows must be an integer >= 0", csv.read, FIX .. "types.csv", { nrows = -2 })
  H.check_error("csv.read: cannot open 'no/such/file.csv'", csv.read, "no/such/file.csv")
  H.check_error("csv.read: separator, quote and comment must be distinct", csv.read,
    FIX .. "types.csv", { sep = "#", comment = "#" })
  H.check_error("csv.read: options must be a table", csv.read, FIX .. "types.csv", "x")
  H.check_error("csv.read: option header must be true or false", csv.read, FIX .. "types.csv",
    { header = 1 })
  H.check_error("csv.read: option columns must be a list", csv.read, FIX .. "types.csv", { columns = "a" })
  H.check_error("csv.read: option columns: columns are named by strings or 1-based integers",
    csv.read, FIX .. "types.csv", { columns = { true } })
  H.check_error("csv.parse: option na: item 2 must be a string", csv.parse, "a\n1\n", { na = { "x", 3 } })
  H.check_error("csv.read: option quote must be a one-character string or false", csv.read,
    FIX .. "types.csv", { quote = true })
end)

H.test("empty file, header only, blank lines", function()
  local p = tmpname()
  write_text(p, "")
  local t = csv.read(p)
  H.eq(t.nrows, 0); H.eq(#t.names, 0)
  write_text(p, "a,b\r\n")
  t = csv.read(p)
  H.eq(t.nrows, 0); H.eq(#t.names, 2); H.eq(t.columns.a:nElement(), 0)
  write_text(p, "\n\n")
  t = csv.read(p)
  H.eq(t.nrows, 0)
  os.remove(p)
end)

-- A larger input with quoted newlines, parsed serially and in parts.
local function big_text(rows)
  local parts = { "id,x,s,flag\n" }
  for i = 1, rows do
    local s = (i % 3 == 0) and string.format('"q\n%d,""x"""', i % 11) or ("w" .. (i % 17))
    parts[#parts + 1] = string.format("%d,%.17g,%s,%s\n", i, math.sin(i) * 1e3, s,
      i % 2 == 0 and "true" or "false")
  end
  return table.concat(parts)
end

local function same_tables(a, b)
  H.eq(a.nrows, b.nrows, "rows")
  for _, name in ipairs(a.names) do
    H.eq(a.types[name], b.types[name], name)
    local x, y = a.columns[name], b.columns[name]
    if type(x) == "table" then
      for i = 1, a.nrows do H.eq(x[i], y[i], name .. "[" .. i .. "]") end
    elseif a.nrows > 0 then
      H.eq(torch.type(x), torch.type(y), name)
      for i = 1, a.nrows do
        if x[i] == x[i] or y[i] == y[i] then H.eq(y[i], x[i], name .. "[" .. i .. "]") end
      end
    end
    if a.levels[name] then
      for i, l in ipairs(a.levels[name]) do H.eq(l, b.levels[name][i]) end
    end
  end
end

H.test("parallel parts give the serial result", function()
  local text = big_text(20000)
  local s = csv.parse(text, { threads = 1 })
  H.eq(s.nrows, 20000)
  H.eq(s.types.s, "categorical")
  H.eq(value(s, "s", 3), 'q\n3,"x"')
  for _, n in ipairs({ 2, 3, 8 }) do
    same_tables(s, csv.parse(text, { threads = n, parallel_bytes = 0 }))
  end
end)

H.test("read_chunks streams a file in chunks of rows", function()
  local p = tmpname()
  write_text(p, big_text(2500))
  local whole = csv.read(p)
  same_tables(whole, csv.read(p, { threads = 2, parallel_bytes = 0 }))
  local got, n, sizes = {}, 0, {}
  for chunk in csv.read_chunks(p, { rows = 1000, types = { s = "string" } }) do
    sizes[#sizes + 1] = chunk.nrows
    for i = 1, chunk.nrows do
      n = n + 1
      got[n] = chunk.columns.s[i]
      H.eq(chunk.columns.id[i], n)
      H.eq(chunk.columns.x[i], whole.columns.x[n])
    end
  end
  H.eq(#sizes, 3); H.eq(sizes[1], 1000); H.eq(sizes[3], 500)
  for i = 1, whole.nrows do H.eq(got[i], value(whole, "s", i)) end
  -- leaving the loop early closes the reader; errors carry line numbers
  for chunk in csv.read_chunks(p, { rows = 10 }) do break end
  write_text(p, "a,b\n1,2\n3,4\n5,6,7\n")
  H.check_error("csv.read_chunks: " .. p .. ":4:5: row has 3 fields, header has 2", function()
    for _ in csv.read_chunks(p, { rows = 1 }) do end
  end)
  H.check_error("csv.read_chunks: rows must be an integer >= 1", csv.read_chunks, p, { rows = 0 })
  os.remove(p)
end)

H.test("write then read gives the same table (every type)", function()
  local t = csv.read(FIX .. "types.csv")
  local q = csv.read(FIX .. "quoting.csv")
  local m = csv.read(FIX .. "missing.csv")
  local p = tmpname()
  for _, src in ipairs({ t, q, m }) do
    csv.write(p, src)
    local types = {}
    for _, name in ipairs(src.names) do
      if src.types[name] == "string" then types[name] = "string" end
    end
    local back = csv.read(p, { types = types })
    same_tables(src, back)
    for name, mask in pairs(src.missing) do H.eq(count(back.missing[name]), count(mask)) end
  end
  os.remove(p)
end)

H.test("write: quoting and number text are exact", function()
  local p = tmpname()
  csv.write(p, {
    names = { "n", "x", "s", "b" },
    columns = {
      n = torch.LongTensor({ 1, -2, 3 }),
      x = torch.DoubleTensor({ 0.1, 2, -1e300 }),
      s = { "plain", 'has "quotes", commas', "NA" },
      b = torch.ByteTensor({ 1, 0, 1 }),
    },
    types = { b = "boolean" },
  })
  H.eq(read_text(p), 'n,x,s,b\n1,0.1,plain,true\n-2,2.0,"has ""quotes"", commas",false\n'
    .. '3,-1e+300,"NA",true\n')
  local back = csv.read(p)
  H.eq(back.columns.s[3], "NA")
  H.eq(back.types.x, "float")
  csv.write(p, { names = { "a", "b" }, columns = { a = torch.FloatTensor({ 0.1, 1.5 }),
    b = { "x", nil } }, nrows = 2 }, { sep = ";", header = false })
  H.eq(read_text(p), "0.10000000149011612;x\n1.5;\n")
  os.remove(p)
end)

H.test("write is atomic and reports errors", function()
  local dir = os.tmpname()
  os.remove(dir)
  os.execute("mkdir -p " .. dir)
  local p = dir .. "/out.csv"
  write_text(p, "old contents\n")
  csv.write(p, { names = { "a" }, columns = { a = torch.DoubleTensor({ 1, 2 }) } })
  H.eq(read_text(p), "a\n1.0\n2.0\n")
  local h = io.popen("ls " .. dir)
  local listing = h:read("a")
  h:close()
  H.eq(listing, "out.csv\n", "no temporary file left behind")
  H.check_error("csv.write: cannot create a file next to '" .. dir .. "/nodir/x.csv'", csv.write,
    dir .. "/nodir/x.csv", { names = { "a" }, columns = { a = torch.DoubleTensor({ 1 }) } })
  H.check_error("csv.write: column 'b' has 1 values, expected 2", csv.write, p,
    { names = { "a", "b" }, columns = { a = torch.DoubleTensor({ 1, 2 }), b = torch.DoubleTensor({ 1 }) } })
  H.check_error("csv.write: tbl.columns.c must be a tensor or a list of strings", csv.write, p,
    { names = { "c" }, columns = {} })
  H.check_error("csv.write: column 'k' holds codes but tbl.levels.k is not a list", csv.write, p,
    { names = { "k" }, columns = { k = torch.LongTensor({ 1 }) }, types = { k = "categorical" } })
  H.check_error("csv.write: unknown option 'delim'", csv.write, p,
    { names = {}, columns = {} }, { delim = ";" })
  H.eq(read_text(p), "a\n1.0\n2.0\n", "a failed write leaves the file alone")
  os.execute("rm -rf " .. dir)
end)

H.test("malformed inputs never crash", function()
  local base = read_text(FIX .. "quoting.csv") .. read_text(FIX .. "types.csv")
  local noise = { '"', ",", "\n", "\r", "\0", ";", "x", '""' }
  local seed = 7
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
  local parsed = 0
  for _ = 1, 300 do
    local s = base
    for _ = 1, rnd(6) do
      local at = rnd(#s)
      s = s:sub(1, at - 1) .. noise[rnd(#noise)] .. s:sub(at + 1)
    end
    if rnd(4) == 1 then s = s:sub(1, rnd(#s)) end
    for _, policy in ipairs({ "error", "skip" }) do
      local ok, r = pcall(csv.parse, s, { on_bad_lines = policy })
      if ok then parsed = parsed + 1 else H.ok(r:find("^csv.parse: "), r) end
    end
  end
  H.ok(parsed > 50, "some mutated inputs still parse")
end)

H.done()
