-- moonlab.data.json: a small, strict JSON (RFC 8259) decoder and encoder for
-- JSON Lines files.  Objects decode to Lua tables that keep their key order in
-- a list under the key json.KEYS; arrays to lists tagged with json.ARRAY;
-- null to json.null.  Strings handle every escape, \u with surrogate pairs,
-- and are written back as UTF-8 with the escapes JSON requires.
-- Deliberately not here: comments, trailing commas, NaN/Infinity literals.
local json = {}

json.null = setmetatable({}, { __tostring = function() return "null" end, __name = "json.null" })
json.KEYS = setmetatable({}, { __name = "json.KEYS" })   -- key of an object's ordered key list
json.ARRAY = setmetatable({}, { __name = "json.ARRAY" }) -- marks a decoded array

local ESC = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local function fail(s, i, what, where)
  error(string.format("%s: %s at character %d", where or "json.decode", what, i), 0)
end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local decode_value

local function decode_string(s, i, where)
  -- s:sub(i, i) == '"'
  local parts = {}
  local j = i + 1
  while true do
    local k = s:find('["\\%c]', j)
    if not k then fail(s, i, "unterminated string", where) end
    local c = s:sub(k, k)
    if k > j then parts[#parts + 1] = s:sub(j, k - 1) end
    if c == '"' then
      return table.concat(parts), k + 1
    elseif c == "\\" then
      local e = s:sub(k + 1, k + 1)
      if ESC[e] then
        parts[#parts + 1] = ESC[e]
        j = k + 2
      elseif e == "u" then
        local h = s:match("^%x%x%x%x", k + 2)
        if not h then fail(s, k, "bad \\u escape", where) end
        local cp = tonumber(h, 16)
        j = k + 6
        if cp >= 0xD800 and cp <= 0xDBFF then
          local h2 = s:match("^\\u(%x%x%x%x)", j)
          local lo = h2 and tonumber(h2, 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            j = j + 6
          else
            cp = 0xFFFD -- a lone surrogate
          end
        elseif cp >= 0xDC00 and cp <= 0xDFFF then
          cp = 0xFFFD
        end
        parts[#parts + 1] = utf8.char(cp)
      else
        fail(s, k, "bad escape '\\" .. e .. "'", where)
      end
    else
      fail(s, k, "control character in string", where)
    end
  end
end

local function decode_number(s, i, where)
  local j = i
  if s:sub(j, j) == "-" then j = j + 1 end
  local int = s:match("^%d+", j)
  if not int then fail(s, i, "unexpected character '" .. s:sub(i, i) .. "'", where) end
  if #int > 1 and int:sub(1, 1) == "0" then fail(s, i, "bad number (leading zero)", where) end
  j = j + #int
  local isint = true
  if s:sub(j, j) == "." then
    local f = s:match("^%d+", j + 1)
    if not f then fail(s, j, "bad number (digits expected after '.')", where) end
    j, isint = j + 1 + #f, false
  end
  if s:match("^[eE]", j) then
    local e = s:match("^[eE][-+]?%d+", j)
    if not e then fail(s, j, "bad number (bad exponent)", where) end
    j, isint = j + #e, false
  end
  local v = tonumber(s:sub(i, j - 1))
  if isint then v = math.tointeger(v) or v else v = v + 0.0 end
  return v, j
end

function decode_value(s, i, where, depth)
  if depth > 200 then fail(s, i, "nesting too deep", where) end
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local obj, keys = {}, {}
    obj[json.KEYS] = keys
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return obj, i + 1 end
    while true do
      if s:sub(i, i) ~= '"' then fail(s, i, "expected a string key", where) end
      local k
      k, i = decode_string(s, i, where)
      i = skip(s, i)
      if s:sub(i, i) ~= ":" then fail(s, i, "expected ':'", where) end
      local v
      v, i = decode_value(s, i + 1, where, depth + 1)
      if obj[k] == nil then keys[#keys + 1] = k end
      obj[k] = v
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "}" then return obj, i + 1 end
      if d ~= "," then fail(s, i, "expected ',' or '}'", where) end
      i = skip(s, i + 1)
    end
  elseif c == "[" then
    local arr = { [json.ARRAY] = true }
    local n = 0
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then arr.n = 0; return arr, i + 1 end
    while true do
      local v
      v, i = decode_value(s, i, where, depth + 1)
      n = n + 1
      arr[n] = v
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "]" then arr.n = n; return arr, i + 1 end
      if d ~= "," then fail(s, i, "expected ',' or ']'", where) end
      i = i + 1
    end
  elseif c == '"' then
    return decode_string(s, i, where)
  elseif s:sub(i, i + 3) == "true" then return true, i + 4
  elseif s:sub(i, i + 4) == "false" then return false, i + 5
  elseif s:sub(i, i + 3) == "null" then return json.null, i + 4
  elseif c == "" then fail(s, i, "unexpected end of input", where)
  end
  return decode_number(s, i, where)
end

--- json.decode(text [, where]) -> value; raises "where: what at character N"
function json.decode(s, where)
  local v, i = decode_value(s, 1, where, 0)
  i = skip(s, i)
  if i <= #s then fail(s, i, "unexpected text after the value", where) end
  return v
end

local function escape_string(s)
  return '"' .. s:gsub('[%c"\\\127]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\"
    elseif c == "\n" then return "\\n" elseif c == "\r" then return "\\r"
    elseif c == "\t" then return "\\t" elseif c == "\b" then return "\\b"
    elseif c == "\f" then return "\\f" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
json.escape_string = escape_string

--- json.number(x) -> shortest text that reads back to the same double ("null" for NaN/inf)
function json.number(x)
  if math.type(x) == "integer" then return string.format("%d", x) end
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  if x == math.floor(x) and math.abs(x) < 2 ^ 53 then return string.format("%.1f", x) end
  for p = 15, 17 do
    local s = string.format("%." .. p .. "g", x)
    if tonumber(s) == x then return s end
  end
  return string.format("%.17g", x)
end

--- json.encode(value) -> text; tables with json.KEYS or string keys are objects (keys in
-- json.KEYS order, else sorted), lists are arrays
function json.encode(v, depth)
  depth = depth or 0
  if depth > 200 then error("json.encode: nesting too deep", 2) end
  local t = type(v)
  if v == nil or v == json.null then return "null"
  elseif t == "boolean" then return tostring(v)
  elseif t == "number" then return json.number(v)
  elseif t == "string" then return escape_string(v)
  elseif t == "table" then
    local keys = v[json.KEYS]
    local n = v.n or #v
    if not keys and (v[json.ARRAY] or n > 0 or next(v) == nil) then
      local parts = {}
      for i = 1, n do parts[i] = json.encode(v[i], depth + 1) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    if not keys then
      keys = {}
      for k in pairs(v) do if type(k) == "string" then keys[#keys + 1] = k end end
      table.sort(keys)
    end
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = escape_string(k) .. ":" .. json.encode(v[k], depth + 1) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  error("json.encode: cannot encode a " .. t, 2)
end

return json
