-- test_image.lua: moonlab.image against independent references: PNG fixtures
-- written by tests/fixtures/images/make_pngs.py (Python stdlib encoder, no
-- libpng) with their exact samples in expected.lua, naive bilinear/nearest
-- loops written here from the documented formulas, hand-computed cases, and
-- index formulas for crops, flips, rotations and grids.
local H = dofile("tests/lua/harness.lua")
local image = require "moonlab.image"

local FIX = "tests/fixtures/images/"
local expected = dofile(FIX .. "expected.lua")

local tmpdir = os.tmpname()
os.remove(tmpdir)
os.execute("mkdir -p " .. tmpdir)
local function tmp(name) return tmpdir .. "/" .. name end

local function get(t, k, y, x)
  if t:dim() == 2 then return t[y][x] end
  return t[k][y][x]
end

local function set(t, k, y, x, v)
  if t:dim() == 2 then t[y][x] = v else t[k][y][x] = v end
end

local function f32(v) return torch.FloatTensor({v})[1] end

-- A deterministic c x h x w (c = 0: h x w) image of the given constructor,
-- values 0..255 divided by div when given.
local function make(ctor, c, h, w, div)
  local t = c > 0 and ctor(c, h, w) or ctor(h, w)
  for k = 1, math.max(c, 1) do
    for y = 1, h do
      for x = 1, w do
        local v = (x * 37 + y * 91 + k * 53) % 256
        set(t, k, y, x, div and v / div or v)
      end
    end
  end
  return t
end

local function same(a, b, what)
  H.eq(a:dim(), b:dim(), what .. ": dims")
  for d = 1, a:dim() do H.eq(a:size(d), b:size(d), what .. ": size " .. d) end
  local c = a:dim() == 3 and a:size(1) or 1
  local h, w = a:size(a:dim() - 1), a:size(a:dim())
  for k = 1, c do
    for y = 1, h do
      for x = 1, w do
        local u, v = get(a, k, y, x), get(b, k, y, x)
        if u ~= v and not (u ~= u and v ~= v) then
          error(string.format("%s: differ at (%d,%d,%d): %s vs %s", what, k, y, x, u, v), 2)
        end
      end
    end
  end
end

local function ls(dir)
  local p = io.popen("ls -A " .. dir)
  local names = {}
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  return names
end

-- ---- loading every colour type and depth ----

local names = {}
for name in pairs(expected) do names[#names + 1] = name end
table.sort(names)

H.test("fixtures: 26 files, every colour type and depth", function()
  H.eq(#names, 26)
end)

for _, name in ipairs(names) do
  H.test("load " .. name, function()
    local e = expected[name]
    local b = image.load(FIX .. name, { type = "byte" })
    local f = image.load(FIX .. name, { type = "float" })
    local d = image.load(FIX .. name, { type = "double" })
    H.eq(torch.typename(b), "torch.ByteTensor")
    H.eq(torch.typename(f), "torch.FloatTensor")
    H.eq(torch.typename(d), "torch.DoubleTensor")
    for _, t in ipairs({ b, f, d }) do
      H.eq(t:dim(), 3)
      H.eq(t:size(1), e.c, "channels")
      H.eq(t:size(2), e.h, "height")
      H.eq(t:size(3), e.w, "width")
    end
    local i = 0
    for k = 1, e.c do
      for y = 1, e.h do
        for x = 1, e.w do
          i = i + 1
          local v = e.data[i]
          local byte = e.maxv == 65535 and math.floor(v * 255 / 65535 + 0.5) or v * (255 // e.maxv)
          H.eq(b[k][y][x], byte, name .. " byte")
          H.eq(d[k][y][x], v / e.maxv, name .. " double")
          H.eq(f[k][y][x], f32(v / e.maxv), name .. " float")
        end
      end
    end
  end)
end

H.test("load: Torch7 forms and defaults", function()
  local t = image.load(FIX .. "rgb8.png")
  H.eq(torch.typename(t), "torch.FloatTensor")  -- Torch7's default
  local b = image.load(FIX .. "gray8.png", 3, "byte")  -- image.load(path, depth, type)
  H.eq(b:size(1), 3)
  local e = expected["gray8.png"]
  for k = 1, 3 do
    for x = 1, e.w do H.eq(b[k][2][x], e.data[e.w + x]) end
  end
  local g = image.load(FIX .. "rgb8.png", { channels = 1, type = "double" })
  H.eq(g:size(1), 1)
  local rgb = expected["rgb8.png"]
  local n = rgb.w * rgb.h
  for p = 1, n do
    local r, gg, bb = rgb.data[p], rgb.data[n + p], rgb.data[2 * n + p]
    local y, x = (p - 1) // rgb.w + 1, (p - 1) % rgb.w + 1
    H.eq(g[1][y][x], ((299 * r + 587 * gg + 114 * bb + 500) // 1000) / 255)
  end
  local a = image.load(FIX .. "gray8.png", { channels = 4, type = "byte" })
  H.eq(a:size(1), 4)
  H.eq(a[4][1][1], 255)
  H.eq(a[2][3][4], a[1][3][4])
  local two = image.load(FIX .. "rgba8.png", { channels = 2, type = "byte" })
  local rgba = expected["rgba8.png"]
  n = rgba.w * rgba.h
  H.eq(two[2][1][2], rgba.data[3 * n + 2])
end)

-- ---- saving ----

H.test("save/load round trips are exact (every type, 8 and 16 bits, 1-4 channels)", function()
  local ctors = { byte = torch.ByteTensor, float = torch.FloatTensor, double = torch.DoubleTensor }
  for tname, ctor in pairs(ctors) do
    for _, bits in ipairs({ 8, 16 }) do
      for c = 0, 4 do
        local maxv = tname ~= "byte" and bits == 16 and 65535 or 255
        local t = make(ctor, c, 5 + c, 9, tname ~= "byte" and maxv or nil)
        local p = tmp("rt.png")
        image.save(p, t, { bits = bits })
        local back = image.load(p, { type = tname })
        if c == 0 then
          H.eq(back:size(1), 1)
          back = back:select(1, 1)
        end
        same(back, t, string.format("%s %d bits %d channels", tname, bits, c))
      end
    end
  end
end)

H.test("save: strided views, byte at 16 bits, float quantization", function()
  local base = make(torch.ByteTensor, 3, 8, 6)
  local v = base:transpose(2, 3)           -- 3 x 6 x 8, not contiguous
  image.save(tmp("v.png"), v, { bits = 16 })
  same(image.load(tmp("v.png"), { type = "byte" }), v, "transposed view")
  local d = image.load(tmp("v.png"), { type = "double" })
  H.eq(d[2][3][4], v[2][3][4] * 257 / 65535)
  local f = torch.FloatTensor({ { -1, 0.2, 0.5 / 255, 2 }, { 0 / 0, 1, 0.999, 0.4 } })
  image.save(tmp("q.png"), f)
  local q = image.load(tmp("q.png"), { type = "byte" })
  local want = { { 0, 51, 1, 255 }, { 0, 255, 255, 102 } }
  for y = 1, 2 do
    for x = 1, 4 do H.eq(q[1][y][x], want[y][x]) end
  end
end)

H.test("save: atomic replace leaves no temporary file", function()
  local dir = tmp("atomic")
  os.execute("mkdir -p " .. dir)
  local p = dir .. "/a.png"
  image.save(p, make(torch.ByteTensor, 3, 4, 4))
  image.save(p, make(torch.ByteTensor, 1, 7, 5))
  local names_ = ls(dir)
  H.eq(#names_, 1)
  H.eq(names_[1], "a.png")
  local t = image.load(p, { type = "byte" })
  H.eq(t:size(1), 1)
  H.eq(t:size(2), 7)
  -- a failed save leaves the old file as it was
  H.check_error("image.save:", image.save, p, torch.LongTensor(3, 3))
  H.eq(image.load(p):size(2), 7)
  os.remove(p)
  os.remove(dir)
end)

H.test("load/save errors", function()
  H.check_error("image.load: cannot open file: No such file or directory (/nonexistent/x.png)",
    image.load, "/nonexistent/x.png")
  local f = io.open(tmp("text.png"), "w"); f:write("not an image\n"); f:close()
  H.check_error("image.load: not a PNG file (" .. tmp("text.png") .. ")", image.load, tmp("text.png"))
  local src = io.open(FIX .. "rgb8.png", "rb"):read("a")
  f = io.open(tmp("trunc.png"), "wb"); f:write(src:sub(1, 100)); f:close()
  H.check_error("image.load: truncated file (" .. tmp("trunc.png") .. ")", image.load, tmp("trunc.png"))
  local crc_at = 34 + 8 + string.unpack(">I4", src, 34)  -- the first IDAT's CRC
  local bad = src:sub(1, crc_at - 1) .. string.char(src:byte(crc_at) ~ 1) .. src:sub(crc_at + 1)
  f = io.open(tmp("crc.png"), "wb"); f:write(bad); f:close()
  H.check_error("image.load: IDAT: CRC error (" .. tmp("crc.png") .. ")", image.load, tmp("crc.png"))
  H.check_error('image.load: type must be "byte", "float" or "double", got int', image.load,
    FIX .. "rgb8.png", { type = "int" })
  H.check_error("image.load: channels must be 1, 2, 3 or 4, got 7", image.load, FIX .. "rgb8.png",
    { channels = 7 })
  H.check_error("image.load: path must be a string, got nil", image.load)
  local t = torch.ByteTensor(3, 4, 4)
  H.check_error("image.save: only PNG files are supported", image.save, tmp("x.jpg"), t)
  H.check_error("image.save: bits must be 8 or 16, got 12", image.save, tmp("x.png"), t, { bits = 12 })
  H.check_error("image.save: cannot save a Long tensor, only Byte, Float or Double",
    image.save, tmp("x.png"), torch.LongTensor(4, 4))
  H.check_error("image.save: need an h x w tensor or a c x h x w tensor with 1, 2, 3 or 4 channels, got 5x4x4",
    image.save, tmp("x.png"), torch.ByteTensor(5, 4, 4))
  H.check_error("image.save: expected an image tensor, got table", image.save, tmp("x.png"), {})
  H.check_error("image.save: cannot create file: No such file or directory (/nonexistent/d/x.png)",
    image.save, "/nonexistent/d/x.png", t)
end)

-- ---- scale ----

-- The documented bilinear / nearest formulas, pixel by pixel.
local function coord(x, out, len, nearest)   -- x 0-based
  if nearest then
    local i = math.floor(x * len / out)
    return i, i, 0
  end
  local s = (x + 0.5) * len / out - 0.5
  s = math.max(0, math.min(len - 1, s))
  local i0 = math.floor(s)
  return i0, math.min(i0 + 1, len - 1), s - i0
end

local function mix(a, b, f) return f == 0 and a or (1 - f) * a + f * b end

local function naive_scale(src, w, h, mode)
  local nearest = mode == "simple"
  local W, Hs = src:size(src:dim()), src:size(src:dim() - 1)
  local c = src:dim() == 3 and src:size(1) or 0
  local out = c > 0 and torch.DoubleTensor(c, h, w) or torch.DoubleTensor(h, w)
  local byte = torch.typename(src) == "torch.ByteTensor"
  for k = 1, math.max(c, 1) do
    for y = 0, h - 1 do
      local y0, y1, fy = coord(y, h, Hs, nearest)
      for x = 0, w - 1 do
        local x0, x1, fx = coord(x, w, W, nearest)
        local top = mix(get(src, k, y0 + 1, x0 + 1), get(src, k, y0 + 1, x1 + 1), fx)
        local bot = mix(get(src, k, y1 + 1, x0 + 1), get(src, k, y1 + 1, x1 + 1), fx)
        local v = mix(top, bot, fy)
        if byte then v = math.max(0, math.min(255, math.floor(v + 0.5))) end
        set(out, k, y + 1, x + 1, v)
      end
    end
  end
  return out
end

local function same_values(a, ref, what, float)
  for k = 1, a:dim() == 3 and a:size(1) or 1 do
    for y = 1, a:size(a:dim() - 1) do
      for x = 1, a:size(a:dim()) do
        local want = get(ref, k, y, x)
        if float then want = f32(want) end
        H.eq(get(a, k, y, x), want, string.format("%s at (%d,%d,%d)", what, k, y, x))
      end
    end
  end
end

H.test("scale: bilinear and simple against the naive formulas", function()
  local ctors = { torch.ByteTensor, torch.FloatTensor, torch.DoubleTensor }
  local cases = { { 5, 7, 3, 11 }, { 5, 7, 13, 2 }, { 1, 1, 3, 4 }, { 9, 10, 5, 4 }, { 3, 8, 23, 17 } }
  for _, ctor in ipairs(ctors) do
    local float = ctor == torch.FloatTensor
    for _, cs in ipairs(cases) do
      for _, c in ipairs({ 0, 3 }) do
        local h, w, ow, oh = cs[1], cs[2], cs[3], cs[4]
        local src = make(ctor, c, h, w, ctor ~= torch.ByteTensor and 10 or nil)
        for _, mode in ipairs({ "bilinear", "simple" }) do
          local r = image.scale(src, ow, oh, mode)
          H.eq(torch.typename(r), torch.typename(src))
          H.eq(r:size(r:dim()), ow)
          H.eq(r:size(r:dim() - 1), oh)
          same_values(r, naive_scale(src, ow, oh, mode), mode, float)
        end
      end
    end
  end
end)

H.test("scale: strided source, by-hand cases, Torch7 forms", function()
  local base = make(torch.DoubleTensor, 2, 9, 6, 2)
  local v = base:transpose(2, 3):narrow(3, 2, 7)      -- 2 x 6 x 7, strided
  same_values(image.scale(v, 4, 5), naive_scale(v, 4, 5, "bilinear"), "strided")
  -- 2x2 -> 4x4 by hand: sample centres -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
  local s = torch.DoubleTensor({ { 0, 1 }, { 2, 3 } })
  local want = { { 0, 0.25, 0.75, 1 }, { 0.5, 0.75, 1.25, 1.5 }, { 1.5, 1.75, 2.25, 2.5 }, { 2, 2.25, 2.75, 3 } }
  local r = image.scale(s, 4, 4)
  for y = 1, 4 do for x = 1, 4 do H.eq(r[y][x], want[y][x]) end end
  H.eq(image.scale(s, 1, 1)[1][1], 1.5)
  r = image.scale(torch.ByteTensor({ { 0, 10, 20, 30 } }), 2, 1)
  H.eq(r[1][1], 5); H.eq(r[1][2], 25)
  r = image.scale(s, 4, 4, "simple")
  H.eq(r[1][2], 0); H.eq(r[2][3], 1); H.eq(r[3][2], 2); H.eq(r[4][4], 3)
  same(image.scale(s, 2, 2), s, "identity")
  -- dst form, max-size form, "WxH" form
  local dst = torch.DoubleTensor(3, 5)
  H.eq(image.scale(dst, s), dst)
  same(dst, image.scale(s, 5, 3), "into dst")
  local wide = torch.FloatTensor(3, 10, 20)
  r = image.scale(wide, 10)
  H.eq(r:size(3), 10); H.eq(r:size(2), 5)
  r = image.scale(wide, "7x3", "simple")
  H.eq(r:size(3), 7); H.eq(r:size(2), 3)
end)

H.test("scale errors", function()
  local s = torch.DoubleTensor(4, 4)
  H.check_error('image.scale: mode must be "bilinear" or "simple", got bicubic', image.scale, s, 2, 2, "bicubic")
  H.check_error("image.scale: width must be an integer, got 2.5", image.scale, s, 2.5, 2)
  H.check_error("image.scale: width and height must be >= 1, got 0x2", image.scale, s, 0, 2)
  H.check_error("image.scale: need an h x w or c x h x w image, got 4", image.scale, torch.DoubleTensor(4), 2, 2)
  H.check_error("image.scale: Long tensors are not supported", image.scale, torch.LongTensor(3, 3), 2, 2)
  H.check_error('image.scale: expected width and height, a size or a "WxH" string, got "big"', image.scale, s, "big")
end)

-- ---- crop, flips, rotations ----

H.test("crop: Torch7 coordinates (0-based, x2/y2 excluded) and formats", function()
  local src = make(torch.DoubleTensor, 2, 6, 8)
  local r = image.crop(src, 1, 2, 4, 5)
  H.eq(r:size(1), 2); H.eq(r:size(2), 3); H.eq(r:size(3), 3)
  H.ok(r:isContiguous())
  for k = 1, 2 do
    for y = 1, 3 do
      for x = 1, 3 do H.eq(r[k][y][x], src[k][y + 2][x + 1]) end
    end
  end
  local g = make(torch.ByteTensor, 0, 5, 7)
  local corners = { tl = { 0, 0 }, tr = { 4, 0 }, bl = { 0, 2 }, br = { 4, 2 }, c = { 2, 1 } }
  for fmt, xy in pairs(corners) do
    local c = image.crop(g, fmt, 3, 3)
    H.eq(c:size(1), 3); H.eq(c:size(2), 3)
    for y = 1, 3 do for x = 1, 3 do H.eq(c[y][x], g[y + xy[2]][x + xy[1]], fmt) end end
  end
  local dst = torch.ByteTensor(2, 2)
  H.eq(image.crop(dst, g, 3, 1), dst)       -- size from dst
  H.eq(dst[1][1], g[2][4]); H.eq(dst[2][2], g[3][5])
  same(image.crop(g, 0, 0, 7, 5), g, "whole image")
  H.check_error("image.crop: box x1=5, y1=0, x2=9, y2=2 is empty or outside the 5x7 image", image.crop, g, 5, 0, 9, 2)
  H.check_error("image.crop: box x1=2, y1=2, x2=2, y2=3 is empty", image.crop, g, 2, 2, 2, 3)
  H.check_error('image.crop: format must be "c", "tl", "tr", "bl" or "br", got "mid"', image.crop, g, "mid", 2, 2)
  H.check_error("image.crop: cannot crop 8x2 (width x height) from a 5x7 image", image.crop, g, "c", 8, 2)
  H.check_error("image.crop: x2 and y2 are needed without a destination tensor", image.crop, g, 1, 1)
end)

H.test("hflip, vflip, rotate90 against index formulas, all types, strided", function()
  local ctors = { torch.ByteTensor, torch.FloatTensor, torch.DoubleTensor, torch.IntTensor }
  for _, ctor in ipairs(ctors) do
    for _, c in ipairs({ 0, 3 }) do
      local base = make(ctor, c, 7, 5)
      local views = { base, base:transpose(base:dim() - 1, base:dim()) }  -- 5x7 strided
      for _, src in ipairs(views) do
        local h, w = src:size(src:dim() - 1), src:size(src:dim())
        local hf, vf = image.hflip(src), image.vflip(src)
        H.eq(torch.typename(hf), torch.typename(src))
        for k = 1, math.max(c, 1) do
          for y = 1, h do
            for x = 1, w do
              H.eq(get(hf, k, y, x), get(src, k, y, w + 1 - x))
              H.eq(get(vf, k, y, x), get(src, k, h + 1 - y, x))
            end
          end
        end
        for _, kq in ipairs({ -1, 0, 1, 2, 3, 4, 5 }) do
          local r = image.rotate90(src, kq)
          local q = kq % 4
          local rh, rw = r:size(r:dim() - 1), r:size(r:dim())
          H.eq(rh, q % 2 == 1 and w or h); H.eq(rw, q % 2 == 1 and h or w)
          for k = 1, math.max(c, 1) do
            for i = 1, rh do
              for j = 1, rw do
                local want
                if q == 0 then want = get(src, k, i, j)
                elseif q == 1 then want = get(src, k, j, w + 1 - i)
                elseif q == 2 then want = get(src, k, h + 1 - i, w + 1 - j)
                else want = get(src, k, h + 1 - j, i) end
                H.eq(get(r, k, i, j), want)
              end
            end
          end
        end
      end
    end
  end
end)

H.test("flips and rotations by hand, dst forms, errors", function()
  local t = torch.DoubleTensor({ { 1, 2, 3 }, { 4, 5, 6 } })
  local r = image.rotate90(t)                 -- numpy.rot90: [[3,6],[2,5],[1,4]]
  local want = { { 3, 6 }, { 2, 5 }, { 1, 4 } }
  for i = 1, 3 do for j = 1, 2 do H.eq(r[i][j], want[i][j]) end end
  r = image.rotate90(t, -1)                   -- clockwise: [[4,1],[5,2],[6,3]]
  want = { { 4, 1 }, { 5, 2 }, { 6, 3 } }
  for i = 1, 3 do for j = 1, 2 do H.eq(r[i][j], want[i][j]) end end
  local dst = torch.DoubleTensor()
  H.eq(image.hflip(dst, t), dst)
  H.eq(dst[1][1], 3); H.eq(dst[2][3], 4)
  H.eq(image.vflip(dst, t), dst)
  H.eq(dst[1][1], 4); H.eq(dst[2][3], 3)
  H.eq(image.rotate90(dst, t, 2), dst)
  H.eq(dst[1][1], 6); H.eq(dst[2][3], 1)
  local same_obj = image.rotate90(t, 0)
  H.ok(same_obj ~= t); H.eq(same_obj[2][2], 5)
  H.check_error("image.rotate90: k must be an integer, got 0.5", image.rotate90, t, 0.5)
  H.check_error("image.hflip: need an h x w or c x h x w image, got 3", image.hflip, torch.DoubleTensor(3))
  H.check_error("image.vflip: expected an image tensor, got string", image.vflip, "x")
end)

-- ---- grid ----

H.test("grid: list, batch, nrow, padding, pad_value", function()
  local imgs = {}
  for i = 1, 5 do
    imgs[i] = torch.ByteTensor(1, 2, 3):fill(10 * i)
  end
  local g = image.grid(imgs, { nrow = 2, padding = 1, pad_value = 255 })
  -- 3 rows x 2 columns of 2x3 images, 1 pixel around and between
  H.eq(g:dim(), 3); H.eq(g:size(1), 1)
  H.eq(g:size(2), 3 * (2 + 1) + 1); H.eq(g:size(3), 2 * (3 + 1) + 1)
  for i = 1, 5 do
    local r, c = (i - 1) // 2, (i - 1) % 2
    local y, x = 1 + r * 3, 1 + c * 4
    for dy = 1, 2 do for dx = 1, 3 do H.eq(g[1][y + dy][x + dx], 10 * i) end end
  end
  H.eq(g[1][1][1], 255); H.eq(g[1][4][5], 255)
  for y = 8, 9 do for x = 6, 8 do H.eq(g[1][y][x], 255) end end  -- the empty 6th cell
  -- a 4-D batch and an N x h x w batch, default nrow = ceil(sqrt(N)), no padding
  local batch = torch.DoubleTensor(4, 3, 2, 2)
  for n = 1, 4 do batch[n]:fill(n) end
  g = image.grid(batch)
  H.eq(g:size(1), 3); H.eq(g:size(2), 4); H.eq(g:size(3), 4)
  H.eq(g[2][1][1], 1); H.eq(g[2][1][3], 2); H.eq(g[3][3][2], 3); H.eq(g[1][4][4], 4)
  local digits = torch.FloatTensor(64, 8, 8)
  for n = 1, 64 do digits[n]:fill(n) end
  g = image.grid(digits, { nrow = 8, padding = 2 })
  H.eq(g:dim(), 2); H.eq(g:size(1), 8 * 10 + 2); H.eq(g:size(2), 8 * 10 + 2)
  H.eq(g[3][3], 1); H.eq(g[3 + 10][3 + 10 * 7], 16); H.eq(g[82][82], 0)
  -- fewer images than nrow: only as many columns as images
  g = image.grid({ torch.DoubleTensor(2, 2):fill(1), torch.DoubleTensor(2, 2):fill(2) }, { nrow = 8 })
  H.eq(g:size(1), 2); H.eq(g:size(2), 4)
  H.check_error("image.grid: image 2 is 1x3x3, image 1 is 1x2x3 (all images must have the same size)",
    image.grid, { imgs[1], torch.ByteTensor(1, 3, 3) })
  H.check_error("image.grid: no images to tile", image.grid, {})
  H.check_error("image.grid: a batch must be N x h x w or N x c x h x w, got 5", image.grid, torch.DoubleTensor(5))
  H.check_error("image.grid: nrow must be >= 1, got 0", image.grid, imgs, { nrow = 0 })
  H.check_error("image.grid: padding must be >= 0, got -1", image.grid, imgs, { padding = -1 })
end)

for _, n in ipairs(ls(tmpdir)) do os.remove(tmpdir .. "/" .. n) end
os.remove(tmpdir)
H.done()
