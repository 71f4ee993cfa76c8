-- test_jsonl.lua: JSON Lines reading and writing (moonlab.data.read_jsonl,
-- parse_jsonl, DataFrame:to_jsonl) and the JSON codec under them
-- (moonlab.data.json): escapes, \u with surrogate pairs, numbers, null,
-- booleans, nesting, malformed input, and round trips.
local H = dofile("tests/lua/harness.lua")
local data = require "moonlab.data"
local json = data.json

local function tmpname()
  local p = os.tmpname()
  os.remove(p)
  return p .. ".jsonl"
end

H.test("decode: scalars, escapes, unicode", function()
  H.eq(json.decode("1"), 1); H.eq(math.type(json.decode("1")), "integer")
  H.eq(json.decode("-0.5e2"), -50.0); H.eq(math.type(json.decode("2.0")), "float")
  H.eq(json.decode("1E+2"), 100.0)
  H.eq(json.decode("123456789012345678901234"), 1.2345678901234568e23)
  H.eq(json.decode("true"), true); H.eq(json.decode(" false "), false)
  H.eq(json.decode("null"), json.null)
  H.eq(json.decode([["a\"b\\c\/d\b\f\n\r\t"]]), "a\"b\\c/d\b\f\n\r\t")
  H.eq(json.decode([["\u00e9\u20ac"]]), "é€")
  H.eq(json.decode([["\ud83d\ude00"]]), "😀", "surrogate pair")
  H.eq(json.decode([["\ud83d x"]]), "\u{FFFD} x", "lone surrogate")
  H.eq(json.decode('"ünïcödé raw"'), "ünïcödé raw")
end)

H.test("decode: arrays and objects keep order", function()
  local o = json.decode('{"b": [1, [2, {}], null], "a": {"x": "y"}, "b2": []}')
  H.eq(table.concat(o[json.KEYS], ","), "b,a,b2")
  H.eq(o.b[1], 1); H.eq(o.b[2][1], 2); H.eq(o.b[3], json.null); H.eq(o.b.n, 3)
  H.eq(o.a.x, "y")
  H.eq(json.encode(o), '{"b":[1,[2,{}],null],"a":{"x":"y"},"b2":[]}')
end)

H.test("decode: malformed input raises with a position", function()
  for _, bad in ipairs { "{", "[1,]", '{"a" 1}', "01", "1.", "1e", ".5", "tru", '"abc', '"a\\x"',
    '"\\u12"', "[1 2]", "{1: 2}", "1 2", '"tab\there"', "nul", "-", "" } do
    H.check_error("at character", json.decode, bad)
  end
  H.check_error("nesting too deep", json.decode, string.rep("[", 300) .. string.rep("]", 300))
end)

H.test("encode: strings, numbers", function()
  H.eq(json.encode("a\"\\\n\1\127é"), '"a\\"\\\\\\n\\u0001\\u007fé"')
  H.eq(json.encode(0.1), "0.1"); H.eq(json.encode(1 / 3), "0.3333333333333333")
  H.eq(json.encode(2.0), "2.0"); H.eq(json.encode(-7), "-7")
  H.eq(json.encode(0 / 0), "null"); H.eq(json.encode(math.huge), "null")
  H.eq(json.encode({ 1, "x", true }), '[1,"x",true]')
  H.eq(json.encode({ b = 1, a = 2 }), '{"a":2,"b":1}')
  for _, x in ipairs { 0.1, 1e-300, 123456.789, 2 ^ 60 + 0.0, -1.5e300, 5e-324 } do
    H.eq(json.decode(json.encode(x)), x, "round trip " .. tostring(x))
  end
end)

local TEXT = [[
{"id": 1, "name": "a\u00e9", "score": 2.5, "ok": true, "tags": ["x", "y"]}

{"id": 2, "name": "b\"q\"", "score": null, "ok": false}
{"id": 3, "score": 4, "ok": null, "extra": {"k": 1}}
]]

H.test("parse_jsonl: columns, kinds, missing values", function()
  local df = data.parse_jsonl(TEXT)
  H.eq(df:nrows(), 3)
  H.eq(table.concat(df.columns, ","), "id,name,score,ok,tags,extra")
  H.eq(df:kind("id"), "integer"); H.eq(df.id[3], 3)
  H.eq(df:kind("name"), "string"); H.eq(df:value(1, "name"), "aé"); H.eq(df:value(2, "name"), 'b"q"')
  H.eq(df:value(3, "name"), nil, "absent key")
  H.eq(df:kind("score"), "float"); H.ok(df.score[2] ~= df.score[2]); H.eq(df.score[3], 4)
  H.eq(df:kind("ok"), "boolean"); H.eq(df:value(1, "ok"), true); H.eq(df:value(2, "ok"), false)
  H.eq(df:value(3, "ok"), nil)
  H.eq(df:value(1, "tags"), '["x","y"]', "nested values become JSON text")
  H.eq(df:value(3, "extra"), '{"k":1}')
  H.eq(data.parse_jsonl(""):nrows(), 0)
end)

H.test("integers with a missing value become floats", function()
  local df = data.parse_jsonl('{"a": 1}\n{"b": 2}\n')
  H.eq(df:kind("a"), "float"); H.ok(df.a[2] ~= df.a[2])
end)

H.test("errors name the line", function()
  H.check_error("<string>:2: expected ',' or '}'", data.parse_jsonl, '{"a": 1}\n{"a" : 1 "b"}\n')
  H.check_error("<string>:1: expected a JSON object per line", data.parse_jsonl, '[1, 2]\n')
  H.check_error("data.read_jsonl: cannot open", data.read_jsonl, "/nonexistent/file.jsonl")
end)

H.test("to_jsonl round trip", function()
  local df = data.frame { { "i", torch.LongTensor { 1, -2, 3 } }, { "f", torch.Tensor { 0.1, 0 / 0, 1e300 } },
    { "s", { "a\nb", "\"q\"", "ü" } }, { "b", { true, false, true } } }
  df = df:mutate { { "c", df:astype { s = "categorical" }:get("s") } }
  local p = tmpname()
  df:to_jsonl(p)
  local text = io.open(p):read("a")
  H.eq(text:match("^[^\n]*"), '{"i":1,"f":0.1,"s":"a\\nb","b":true,"c":1}')
  local back = data.read_jsonl(p)
  H.eq(back:value(2, "f"), nil, "NaN written as null")
  for _, c in ipairs { "i", "s", "b" } do
    for r = 1, 3 do H.eq(back:value(r, c), df:value(r, c), c .. r) end
  end
  H.eq(back.f[3], 1e300)
  os.remove(p)
  local cat = data.frame { { "k", { "x", "y" } } }:astype { k = "categorical" }
  H.eq(cat:to_jsonl_string(), '{"k":"x"}\n{"k":"y"}\n', "categoricals as their levels")
end)

H.done()
