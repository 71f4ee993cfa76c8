-- Printing of tensors and storages (stdlib/torch/print.lua): exact strings in
-- Torch7's layout, summarization of large tensors, print options.
local H = dofile("tests/lua/harness.lua")

local function lines(...) return table.concat({ ... }, "\n") end

local function with_options(opts, f)
  local saved = torch.getprintoptions()
  torch.setprintoptions(opts)
  local ok, err = pcall(f)
  torch.setprintoptions(saved)
  if not ok then error(err, 0) end
end

H.test("2-D integral doubles print without decimals", function()
  H.eq(tostring(torch.Tensor { { 1, 2, 3 }, { 4, 5, 6 } }), lines(
    " 1  2  3",
    " 4  5  6",
    "[torch.DoubleTensor of size 2x3]"))
end)

H.test("1-D prints as a column, negative numbers keep alignment", function()
  H.eq(tostring(torch.Tensor { 1.5, -2.25, 3 }), lines(
    " 1.5000",
    "-2.2500",
    " 3.0000",
    "[torch.DoubleTensor of size 3]"))
  H.eq(tostring(torch.Tensor { -0.5, 0.25 }), lines(
    "-0.5000",
    " 0.2500",
    "[torch.DoubleTensor of size 2]"))
end)

H.test("wider magnitudes widen the column (Torch7's digits + 6)", function()
  H.eq(tostring(torch.Tensor { 1234.5, -2 }), lines(
    " 1234.5000",
    "   -2.0000",
    "[torch.DoubleTensor of size 2]"))
end)

H.test("integer dtypes", function()
  H.eq(tostring(torch.LongTensor { { -100, 2 }, { 3, 4 } }), lines(
    "-100    2",
    "   3    4",
    "[torch.LongTensor of size 2x2]"))
  H.eq(tostring(torch.IntTensor { { 1, -2 }, { 30, 4 } }), lines(
    "  1  -2",
    " 30   4",
    "[torch.IntTensor of size 2x2]"))
  H.eq(tostring(torch.ByteTensor { 1, 2, 255 }), lines(
    "   1",
    "   2",
    " 255",
    "[torch.ByteTensor of size 3]"))
  H.eq(tostring(torch.CharTensor { -128, 127 }), lines(
    "-128",
    " 127",
    "[torch.CharTensor of size 2]"))
  H.eq(tostring(torch.ShortTensor { 7 }), lines(" 7", "[torch.ShortTensor of size 1]"))
  -- integer types never switch to scientific notation
  H.eq(tostring(torch.LongTensor { math.mininteger, math.maxinteger }), lines(
    "-9223372036854775808",
    " 9223372036854775807",
    "[torch.LongTensor of size 2]"))
end)

H.test("FloatTensor", function()
  H.eq(tostring(torch.FloatTensor { 0.5, -0.125 }), lines(
    " 0.5000",
    "-0.1250",
    "[torch.FloatTensor of size 2]"))
  H.eq(tostring(torch.FloatTensor { 0.1 }), lines(" 0.1000", "[torch.FloatTensor of size 1]"))
end)

H.test("3-D and 4-D print as 2-D slices", function()
  H.eq(tostring(torch.range(1, 8):view(2, 2, 2)), lines(
    "(1,.,.) = ",
    "  1  2",
    "  3  4",
    "",
    "(2,.,.) = ",
    "  5  6",
    "  7  8",
    "[torch.DoubleTensor of size 2x2x2]"))
  H.eq(tostring(torch.range(1, 4):view(2, 1, 2, 1)), lines(
    "(1,1,.,.) = ",
    "  1",
    "  2",
    "",
    "(2,1,.,.) = ",
    "  3",
    "  4",
    "[torch.DoubleTensor of size 2x1x2x1]"))
end)

H.test("empty tensors", function()
  H.eq(tostring(torch.Tensor()), "[torch.DoubleTensor with no dimension]")
  H.eq(tostring(torch.LongTensor()), "[torch.LongTensor with no dimension]")
  H.eq(tostring(torch.Tensor(3, 0)), "[torch.DoubleTensor of size 3x0]")
end)

H.test("non-contiguous tensors print in logical order", function()
  local t = torch.Tensor { { 1, 2, 3 }, { 4, 5, 6 } }:t()
  H.ok(not t:isContiguous())
  H.eq(tostring(t), lines(
    " 1  4",
    " 2  5",
    " 3  6",
    "[torch.DoubleTensor of size 3x2]"))
  local col = torch.Tensor { { 1, 2, 3 }, { 4, 5, 6 } }:select(2, 2)
  H.eq(tostring(col), lines(" 2", " 5", "[torch.DoubleTensor of size 2]"))
end)

H.test("scale factor for large and for small magnitudes", function()
  H.eq(tostring(torch.Tensor { 123456.7, 2.5e5 }), lines(
    "1e+05 *",
    " 1.2346",
    " 2.5000",
    "[torch.DoubleTensor of size 2]"))
  H.eq(tostring(torch.Tensor { { 123456.7, 2.5e5 }, { 1e5, 3e5 } }), lines(
    "1e+05 *",
    "  1.2346  2.5000",
    "  1.0000  3.0000",
    "[torch.DoubleTensor of size 2x2]"))
  H.eq(tostring(torch.Tensor { 0.001234, 0.002 }), lines(
    "1e-03 *",
    " 1.2340",
    " 2.0000",
    "[torch.DoubleTensor of size 2]"))
  H.eq(tostring(torch.Tensor(2, 1, 2):fill(0.001)), lines(
    "(1,.,.) = ",
    " 1e-03 *",
    "   1.0000  1.0000",
    "",
    "(2,.,.) = ",
    " 1e-03 *",
    "   1.0000  1.0000",
    "[torch.DoubleTensor of size 2x1x2]"))
end)

H.test("scientific notation when magnitudes spread or integers are huge", function()
  H.eq(tostring(torch.Tensor { 1e-9, 1 }), lines(
    " 1.0000e-09",
    " 1.0000e+00",
    "[torch.DoubleTensor of size 2]"))
  H.eq(tostring(torch.Tensor { 1e10, 2 }), lines(
    " 1.0000e+10",
    " 2.0000e+00",
    "[torch.DoubleTensor of size 2]"))
  H.eq(tostring(torch.Tensor { 1e200, -1e-200 }), lines(
    " 1.0000e+200",
    "-1.0000e-200",
    "[torch.DoubleTensor of size 2]"))
end)

H.test("nan and inf", function()
  H.eq(tostring(torch.Tensor { 0 / 0, 1 / 0, -1 / 0, 1.5 }), lines(
    "    nan",
    "    inf",
    "   -inf",
    " 1.5000",
    "[torch.DoubleTensor of size 4]"))
  H.eq(tostring(torch.Tensor { { 0 / 0, 1 }, { 2, -1 / 0 } }), lines(
    " nan    1",
    "   2 -inf",
    "[torch.DoubleTensor of size 2x2]"))
end)

H.test("wide matrices are split in blocks of columns", function()
  H.eq(tostring(torch.Tensor(2, 12):fill(1.5)), lines(
    "Columns 1 to 10",
    " 1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000",
    " 1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000  1.5000",
    "",
    "Columns 11 to 12",
    " 1.5000  1.5000",
    " 1.5000  1.5000",
    "[torch.DoubleTensor of size 2x12]"))
  with_options({ linewidth = 20 }, function()
    H.eq(tostring(torch.Tensor { { 1, 2, 3, 4, 5, 6, 7 }, { 8, 9, 10, 11, 12, 13, 14 } }), lines(
      "Columns 1 to 5",
      "  1   2   3   4   5",
      "  8   9  10  11  12",
      "",
      "Columns 6 to 7",
      "  6   7",
      " 13  14",
      "[torch.DoubleTensor of size 2x7]"))
  end)
end)

H.test("storages print one element per line", function()
  H.eq(tostring(torch.DoubleStorage { 1, 2, 3.5 }), lines(
    " 1.0000",
    " 2.0000",
    " 3.5000",
    "[torch.DoubleStorage of size 3]"))
  H.eq(tostring(torch.LongStorage { 2, 30 }), lines("  2", " 30", "[torch.LongStorage of size 2]"))
  H.eq(tostring(torch.Tensor(4, 5):size()), lines(" 4", " 5", "[torch.LongStorage of size 2]"))
  H.eq(tostring(torch.FloatStorage()), "[torch.FloatStorage of size 0]")
  H.eq(tostring(torch.ByteStorage { 0, 9 }), lines(" 0", " 9", "[torch.ByteStorage of size 2]"))
end)

H.test("every tensor and storage type has the printer", function()
  for _, ty in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
    local t = torch[ty .. "Tensor"] { 1, 2 }
    H.eq(tostring(t), lines(" 1", " 2", "[torch." .. ty .. "Tensor of size 2]"))
    local s = torch[ty .. "Storage"] { 3 }
    H.eq(tostring(s), lines(" 3", "[torch." .. ty .. "Storage of size 1]"))
  end
end)

H.test("a 2000x2000 tensor is summarized, quickly, reading only the shown elements", function()
  local x = torch.Tensor(2000, 2000):zero()
  x[1][1], x[1][2], x[1][2000], x[2000][1], x[2000][2000] = 1, -2, 3, 4, 5
  x[1000][1000] = 1e9 -- not shown, so it does not change the format
  local methods = torch._tensor_methods
  local totable = methods.totable
  local fetched = 0
  methods.totable = function(t)
    fetched = fetched + t:nElement()
    return totable(t)
  end
  local t0 = os.clock()
  local ok, s = pcall(tostring, x)
  local dt = os.clock() - t0
  methods.totable = totable
  H.ok(ok, s)
  H.eq(s, lines(
    " 1 -2  0 ...  0  0  3",
    " 0  0  0 ...  0  0  0",
    " 0  0  0 ...  0  0  0",
    "...",
    " 0  0  0 ...  0  0  0",
    " 0  0  0 ...  0  0  0",
    " 4  0  0 ...  0  0  5",
    "[torch.DoubleTensor of size 2000x2000]"))
  H.eq(fetched, 36, "elements read")
  H.ok(dt < 0.05, "printing took " .. dt .. " s")
  -- and its transpose (non-contiguous)
  H.eq(tostring(x:t()), lines(
    " 1  0  0 ...  0  0  4",
    "-2  0  0 ...  0  0  0",
    " 0  0  0 ...  0  0  0",
    "...",
    " 0  0  0 ...  0  0  0",
    " 0  0  0 ...  0  0  0",
    " 3  0  0 ...  0  0  5",
    "[torch.DoubleTensor of size 2000x2000]"))
end)

H.test("summarized 1-D tensor and storage", function()
  H.eq(tostring(torch.range(1, 3000)), lines(
    "    1", "    2", "    3", "...", " 2998", " 2999", " 3000",
    "[torch.DoubleTensor of size 3000]"))
  local s = torch.IntStorage(1001):fill(7)
  s[1001] = -70
  H.eq(tostring(s), lines(
    "  7", "  7", "  7", "...", "  7", "  7", "-70",
    "[torch.IntStorage of size 1001]"))
end)

H.test("summarized 3-D tensor with small threshold and edgeitems", function()
  with_options({ threshold = 10, edgeitems = 1 }, function()
    H.eq(tostring(torch.range(1, 18):view(3, 2, 3)), lines(
      "(1,.,.) = ",
      "   1 ...   3",
      "   4 ...   6",
      "",
      "...",
      "",
      "(3,.,.) = ",
      "  13 ...  15",
      "  16 ...  18",
      "[torch.DoubleTensor of size 3x2x3]"))
    H.eq(tostring(torch.range(1, 12)), lines("  1", "...", " 12", "[torch.DoubleTensor of size 12]"))
    -- at most threshold elements: printed in full
    H.eq(tostring(torch.range(1, 10)), lines(
      "  1", "  2", "  3", "  4", "  5", "  6", "  7", "  8", "  9", " 10",
      "[torch.DoubleTensor of size 10]"))
  end)
end)

H.test("a summarized row stays on one line even when wider than linewidth", function()
  -- 3 columns shown as first, "...", last: as many cells as columns
  with_options({ threshold = 5, edgeitems = 1, linewidth = 10 }, function()
    H.eq(tostring(torch.Tensor { { 10, 20, 30 }, { 40, 50, 60 } }), lines(
      " 10 ...  30",
      " 40 ...  60",
      "[torch.DoubleTensor of size 2x3]"))
  end)
end)

H.test("precision option", function()
  with_options({ precision = 2 }, function()
    H.eq(tostring(torch.Tensor { 1.5, 2.25 }), lines(" 1.50", " 2.25", "[torch.DoubleTensor of size 2]"))
    H.eq(tostring(torch.Tensor { 1e-9, 1 }), lines(" 1.00e-09", " 1.00e+00", "[torch.DoubleTensor of size 2]"))
  end)
  with_options({ precision = 0 }, function()
    H.eq(tostring(torch.Tensor { 1.5, -12.25 }), lines("  2", "-12", "[torch.DoubleTensor of size 2]"))
  end)
end)

H.test("getprintoptions returns a copy with numpy's names and defaults", function()
  local o = torch.getprintoptions()
  H.eq(o.precision, 4)
  H.eq(o.threshold, 1000)
  H.eq(o.edgeitems, 3)
  H.eq(o.linewidth, 80)
  o.precision = 9
  H.eq(torch.getprintoptions().precision, 4)
  with_options({ threshold = math.huge }, function()
    H.eq(torch.getprintoptions().threshold, math.huge)
    H.eq(torch.getprintoptions().precision, 4)
  end)
end)

H.test("setprintoptions errors", function()
  H.check_error("torch.setprintoptions: unknown option 'precison'", torch.setprintoptions, { precison = 3 })
  H.check_error("torch.setprintoptions: precision must be an integer in 0..17 (got 2.5)",
    torch.setprintoptions, { precision = 2.5 })
  H.check_error("torch.setprintoptions: edgeitems must be an integer >= 1 (got 0)",
    torch.setprintoptions, { edgeitems = 0 })
  H.check_error("torch.setprintoptions: threshold must be a number >= 0", torch.setprintoptions, { threshold = -1 })
  H.check_error("torch.setprintoptions: linewidth must be an integer >= 10", torch.setprintoptions, { linewidth = "80" })
  H.check_error("torch.setprintoptions: expected a table of options, got a number", torch.setprintoptions, 3)
  -- a rejected call changes nothing
  pcall(torch.setprintoptions, { precision = 2, edgeitems = 0 })
  H.eq(torch.getprintoptions().precision, 4)
end)

H.done()
