-- torch.print: tostring() of tensors and storages in Torch7's layout, and the
-- print options (torch.setprintoptions / torch.getprintoptions).
--
-- Layout (Torch7's): a 1-D tensor prints as a column, a 2-D one as rows, a
-- higher one as 2-D slices headed "(i,j,.,.) = ", then a footer
-- "[torch.DoubleTensor of size 2x3]".  One number format is chosen for the
-- whole tensor from the magnitudes of its values (Torch7's rules: integers
-- without decimals, a common scale line such as "1e+05 *" when all values are
-- large or all are small, scientific notation when magnitudes spread over more
-- than 4 decades).  Tensors with more than `threshold` elements are summarized
-- like numpy: only the first and last `edgeitems` indices of each dimension are
-- shown, with "..." for the rest; the format is then chosen from the shown
-- values only, so printing a huge tensor reads a few dozen elements.
--
-- Deliberately not done: colour, per-column formats, numpy's bracketed style.
-- Values are read with narrow()/select()/totable() on small pieces and never
-- through element-wise maths, so this file depends only on the C views.
local torch = require "torch"

local M = {}

local defaults = { precision = 4, threshold = 1000, edgeitems = 3, linewidth = 80 }
local options = {}
for k, v in pairs(defaults) do options[k] = v end

local GAP = setmetatable({}, { __name = "gap" }) -- marks elided indices

local int_dtypes = {
  ["torch.ByteTensor"] = true, ["torch.CharTensor"] = true, ["torch.ShortTensor"] = true,
  ["torch.IntTensor"] = true, ["torch.LongTensor"] = true,
  ["torch.ByteStorage"] = true, ["torch.CharStorage"] = true, ["torch.ShortStorage"] = true,
  ["torch.IntStorage"] = true, ["torch.LongStorage"] = true,
}

-- ---------------------------------------------------------------- options

local checks = {
  precision = function(v) return math.type(v) == "integer" and v >= 0 and v <= 17,
    "an integer in 0..17" end,
  threshold = function(v) return type(v) == "number" and v >= 0, "a number >= 0 (math.huge: never summarize)" end,
  edgeitems = function(v) return math.type(v) == "integer" and v >= 1, "an integer >= 1" end,
  linewidth = function(v) return math.type(v) == "integer" and v >= 10, "an integer >= 10" end,
}

--- torch.setprintoptions{precision=4, threshold=1000, edgeitems=3, linewidth=80}
-- Sets the given print options (numpy's names); options not given keep their
-- value.  Raises on an unknown option or a bad value.
function M.setprintoptions(opts)
  if type(opts) ~= "table" then
    error("torch.setprintoptions: expected a table of options, got a " .. type(opts), 2)
  end
  for k, v in pairs(opts) do
    local check = checks[k]
    if not check then
      error(string.format("torch.setprintoptions: unknown option '%s' "
        .. "(precision, threshold, edgeitems, linewidth)", tostring(k)), 2)
    end
    local ok, what = check(v)
    if not ok then
      error(string.format("torch.setprintoptions: %s must be %s (got %s)", k, what, tostring(v)), 2)
    end
  end
  for k, v in pairs(opts) do options[k] = v end
end

--- torch.getprintoptions() -> a copy of the current options table.
function M.getprintoptions()
  local t = {}
  for k, v in pairs(options) do t[k] = v end
  return t
end

-- ---------------------------------------------------------------- number format

local function finite(x)
  return x == x and x ~= math.huge and x ~= -math.huge
end

local function nonfinite_str(x)
  if x ~= x then return "nan" end
  return x > 0 and "inf" or "-inf"
end

-- Number of digits before the decimal point of |x| (Torch7's "exponent"):
-- 1 for 0 and for values in [1, 10), 0 for [0.1, 1), -1 for [0.01, 0.1) ...
local function digits(a)
  if a == 0 then return 1 end
  return math.floor(math.log(a, 10)) + 1
end

-- Chooses how to print the values of vals (a list of numbers).  Returns a
-- formatter fmt(x) -> string of constant width, the scale factor (a number,
-- or nil when there is none) and the width.
local function choose_format(vals, is_int, prec)
  local intmode = true
  local amax, amin
  local nonfinite_width = 0
  for i = 1, #vals do
    local x = vals[i]
    if finite(x) then
      local a = x < 0 and -x or x
      if not amax or a > amax then amax = a end
      if not amin or a < amin then amin = a end
      if intmode and not is_int and x ~= math.floor(x) then intmode = false end
    else
      local w = #nonfinite_str(x)
      if w > nonfinite_width then nonfinite_width = w end
    end
  end
  amax, amin = amax or 0, amin or 0
  local emax, emin = digits(amax), digits(amin)
  local frac = prec > 0 and prec + 1 or 0 -- width of ".dddd"

  local width, spec, scale
  if is_int then
    -- widest "%d" plus one column for the sign of positive numbers
    width = 2
    for i = 1, #vals do
      local x = vals[i]
      if finite(x) then
        local w = #string.format("%d", x) + (x >= 0 and 1 or 0)
        if w > width then width = w end
      end
    end
    spec = "d"
  elseif intmode and emax <= 9 then
    width, spec = emax + 1, "d"
  elseif intmode or emax - emin > 4 then
    width = 1 + 1 + frac + 4
    if math.abs(emax) > 99 or math.abs(emin) > 99 then width = width + 1 end
    spec = "." .. prec .. "e"
  elseif emax > 5 or emax < 0 then
    scale = 10.0 ^ (emax - 1)
    width, spec = 1 + 1 + frac, "." .. prec .. "f"
  else
    width, spec = 1 + math.max(emax, 1) + frac, "." .. prec .. "f"
  end
  if nonfinite_width > width then width = nonfinite_width end

  local cfmt = "%" .. width .. spec
  local blank = "%" .. width .. "s"
  local fmt
  if spec == "d" then
    fmt = function(x)
      if not finite(x) then return string.format(blank, nonfinite_str(x)) end
      if math.type(x) == "float" then x = math.tointeger(x) or x end
      return string.format(cfmt, x)
    end
  else
    local s = scale or 1
    fmt = function(x)
      if not finite(x) then return string.format(blank, nonfinite_str(x)) end
      return string.format(cfmt, x / s)
    end
  end
  return fmt, scale, width
end

local function scale_line(scale)
  return string.format("%.0e *", scale)
end

-- ---------------------------------------------------------------- reading values

-- Values of the 1-D tensor v (size n) as a list, with GAP between the edges
-- when summarizing.  Appends every value read to acc.
local function vector_values(v, n, summarize, acc)
  local e = options.edgeitems
  local out
  if summarize and n > 2 * e then
    out = v:narrow(1, 1, e):totable()
    out[#out + 1] = GAP
    local tail = v:narrow(1, n - e + 1, e):totable()
    for i = 1, #tail do out[#out + 1] = tail[i] end
  else
    out = v:totable()
  end
  for i = 1, #out do
    if out[i] ~= GAP then acc[#acc + 1] = out[i] end
  end
  return out
end

-- The indices 1..n, or the edges with GAP between them when summarizing.
local function shown_indices(n, summarize)
  local e = options.edgeitems
  local idx = {}
  if summarize and n > 2 * e then
    for i = 1, e do idx[#idx + 1] = i end
    idx[#idx + 1] = GAP
    for i = n - e + 1, n do idx[#idx + 1] = i end
  else
    for i = 1, n do idx[i] = i end
  end
  return idx
end

-- Reads the shown rows of the 2-D tensor m: a list of value lists or GAP.
local function matrix_rows(m, summarize, acc)
  local rows = {}
  local ncol = m:size(2)
  for _, r in ipairs(shown_indices(m:size(1), summarize)) do
    if r == GAP then
      rows[#rows + 1] = GAP
    else
      rows[#rows + 1] = vector_values(m:select(1, r), ncol, summarize, acc)
    end
  end
  return rows
end

-- ---------------------------------------------------------------- layout

local function push_line(out, s)
  out[#out + 1] = s
end

-- Lays out rows (from matrix_rows) under indent; appends lines to out.
local function layout_matrix(out, rows, ncol, fmt, scale, width, indent)
  local pre = indent .. (scale and " " or "")
  local gapped = false
  local cells = {}
  for i, row in ipairs(rows) do
    if row ~= GAP then
      local c = {}
      for j, x in ipairs(row) do
        if x == GAP then
          c[j], gapped = "...", true
        else
          c[j] = fmt(x)
        end
      end
      cells[i] = c
    end
  end
  -- Torch7 splits wide matrices in blocks of columns; a summarized row
  -- (with "...") always stays on one line.
  local per_line = math.max(1, (options.linewidth - #indent) // (width + 1))
  local blocks = {}
  if gapped or per_line >= ncol then
    blocks[1] = { 1, nil }
  else
    for a = 1, ncol, per_line do blocks[#blocks + 1] = { a, math.min(a + per_line - 1, ncol) } end
  end
  for b, blk in ipairs(blocks) do
    if blk[2] then
      if b > 1 then push_line(out, "") end
      push_line(out, string.format("%sColumns %d to %d", indent, blk[1], blk[2]))
    end
    if scale then push_line(out, indent .. scale_line(scale)) end
    for i, row in ipairs(rows) do
      if row == GAP then
        push_line(out, pre .. "...")
      else
        local c = cells[i]
        local first, last = blk[1], blk[2] or #c
        push_line(out, pre .. table.concat(c, " ", first, last))
      end
    end
  end
end

local function size_string(t)
  local parts = {}
  for d = 1, t:dim() do parts[d] = tostring(t:size(d)) end
  return table.concat(parts, "x")
end

-- Walks the leading dimensions of t (dim >= 3), calling visit(prefix, matrix)
-- for each shown 2-D slice and visit(prefix, GAP) for elided blocks.
local function walk_slices(t, summarize, prefix, visit)
  if t:dim() == 2 then
    visit(prefix, t)
    return
  end
  for _, i in ipairs(shown_indices(t:size(1), summarize)) do
    if i == GAP then
      visit(prefix, GAP)
    else
      prefix[#prefix + 1] = i
      walk_slices(t:select(1, i), summarize, prefix, visit)
      prefix[#prefix] = nil
    end
  end
end

--- Returns the text of tensor t (no trailing newline).
function M.tensor_tostring(t)
  local tname = torch.typename(t) or "torch.Tensor"
  local ndim = t:dim()
  if ndim == 0 then
    return "[" .. tname .. " with no dimension]"
  end
  local footer = "[" .. tname .. " of size " .. size_string(t) .. "]"
  local numel = t:nElement()
  if numel == 0 then return footer end
  local summarize = numel > options.threshold
  local is_int = int_dtypes[tname] or false
  local acc = {}
  local out = {}

  if ndim == 1 then
    local vals = vector_values(t, t:size(1), summarize, acc)
    local fmt, scale = choose_format(acc, is_int, options.precision)
    if scale then push_line(out, scale_line(scale)) end
    for _, x in ipairs(vals) do push_line(out, x == GAP and "..." or fmt(x)) end
  elseif ndim == 2 then
    local rows = matrix_rows(t, summarize, acc)
    local fmt, scale, width = choose_format(acc, is_int, options.precision)
    layout_matrix(out, rows, t:size(2), fmt, scale, width, "")
  else
    -- read every shown slice first: the format is common to all of them
    local slices = {}
    walk_slices(t, summarize, {}, function(prefix, m)
      if m == GAP then
        slices[#slices + 1] = GAP
      else
        slices[#slices + 1] = { prefix = table.concat(prefix, ","), rows = matrix_rows(m, summarize, acc),
          ncol = m:size(2) }
      end
    end)
    local fmt, scale, width = choose_format(acc, is_int, options.precision)
    for k, s in ipairs(slices) do
      if k > 1 then push_line(out, "") end
      if s == GAP then
        push_line(out, "...")
      else
        push_line(out, "(" .. s.prefix .. ",.,.) = ")
        layout_matrix(out, s.rows, s.ncol, fmt, scale, width, " ")
      end
    end
  end
  out[#out + 1] = footer
  return table.concat(out, "\n")
end

--- Returns the text of storage s: one element per line, then
-- "[torch.DoubleStorage of size n]" (no trailing newline).
function M.storage_tostring(s)
  local tname = torch.typename(s) or "torch.Storage"
  local n = s:size()
  local footer = "[" .. tname .. " of size " .. n .. "]"
  if n == 0 then return footer end
  local idx = shown_indices(n, n > options.threshold)
  local vals = {}
  for k, i in ipairs(idx) do vals[k] = i == GAP and GAP or s[i] end
  local acc = {}
  for _, x in ipairs(vals) do if x ~= GAP then acc[#acc + 1] = x end end
  local fmt, scale = choose_format(acc, int_dtypes[tname] or false, options.precision)
  local out = {}
  if scale then out[1] = scale_line(scale) end
  for _, x in ipairs(vals) do out[#out + 1] = x == GAP and "..." or fmt(x) end
  out[#out + 1] = footer
  return table.concat(out, "\n")
end

torch.setprintoptions = M.setprintoptions
torch.getprintoptions = M.getprintoptions
for _, ty in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
  torch.getmetatable("torch." .. ty .. "Tensor").__tostring = M.tensor_tostring
  torch.getmetatable("torch." .. ty .. "Storage").__tostring = M.storage_tostring
end

return M
