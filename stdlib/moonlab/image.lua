-- moonlab.image: PNG files and simple geometric transforms of image tensors,
-- with the names and argument forms of Torch7's image package.
--
--   local image = require "moonlab.image"
--   local img = image.load("cat.png")                 -- 3 x h x w FloatTensor in [0, 1]
--   image.save("small.png", image.scale(img, 64, 48))
--
-- Images are tensors of shape h x w (gray) or c x h x w (Torch7's layout).
-- Loading, saving, resampling, flips and rotations run in C (torch._image,
-- kernels/png.c and kernels/image.c); crops and grids are views and copies
-- written here.  Not here: JPEG/PPM, arbitrary-angle rotation, colour spaces,
-- drawing, display windows.
local torch = require "torch"

local C_ = torch._image
local image = {}

-- The C functions, raising their errors at the user's call (level 3: the
-- caller of the image.* function) instead of inside this file.
local function raising_at_caller(f)
  return function(...)
    local ok, r = pcall(f, ...)
    if not ok then error(r, 3) end
    return r
  end
end
local C = {}
for name, f in pairs(C_) do C[name] = raising_at_caller(f) end

local function is_tensor(x)
  return torch.isTensor(x)
end

-- Integer value of a number argument, or an error naming the function.
local function int_arg(who, name, v, level)
  local i = math.type(v) == "integer" and v or (type(v) == "number" and math.tointeger(v))
  if not i then
    error(string.format("%s: %s must be an integer, got %s", who, name,
      type(v) == "number" and tostring(v) or type(v)), level + 1)
  end
  return i
end

local function shape(t)
  local s = {}
  for d = 1, t:dim() do s[d] = tostring(t:size(d)) end
  return #s > 0 and table.concat(s, "x") or "empty"
end

local function check_image(who, t, level)
  if not is_tensor(t) then
    error(string.format("%s: expected an image tensor, got %s", who, type(t)), level + 1)
  end
  if t:dim() ~= 2 and t:dim() ~= 3 then
    error(string.format("%s: need an h x w or c x h x w image, got %s", who, shape(t)), level + 1)
  end
end

-- The result of an op, written into dst (resized) when the caller gave one.
local function into(dst, res)
  if dst then
    dst:resize(res:size()):copy(res)
    return dst
  end
  return res
end

-- image.load(path [, {type = "byte"|"float"|"double", channels = n}])
-- image.load(path [, channels [, type]])            (Torch7's positional form)
-- Reads a PNG of any colour type and bit depth into a c x h x w tensor:
-- "float" (the default, as in Torch7) and "double" hold samples / (2^depth-1)
-- in [0, 1]; "byte" holds 8-bit samples (16-bit files are rounded to 8 bits).
-- channels: omitted = as stored (gray 1, gray+alpha 2, RGB and palette 3, with
-- alpha or tRNS 4); 1..4 converts (see docs/image.md).
local TYPES = { byte = true, float = true, double = true }

function image.load(path, a, b)
  if type(path) ~= "string" then
    error("image.load: path must be a string, got " .. type(path), 2)
  end
  local ttype, channels
  if type(a) == "table" then
    ttype, channels = a.type, a.channels
  else
    channels, ttype = a, b
  end
  ttype = ttype or "float"
  if not TYPES[ttype] then
    error(string.format('image.load: type must be "byte", "float" or "double", got %s',
      tostring(ttype)), 2)
  end
  channels = channels and int_arg("image.load", "channels", channels, 2) or 0
  if channels < 0 or channels > 4 then
    error(string.format("image.load: channels must be 1, 2, 3 or 4, got %d", channels), 2)
  end
  return (C.load(path, ttype, channels))
end

-- image.save(path, t [, {bits = 8|16}])
-- Writes t (h x w gray, or c x h x w with c = 1 gray, 2 gray+alpha, 3 RGB,
-- 4 RGBA) as a PNG.  ByteTensor values are 8-bit samples; Float/Double values
-- are clamped to [0, 1].  The file is written under a temporary name in the
-- same folder, then renamed, so `path` is never left half-written.
function image.save(path, t, opts)
  if type(path) ~= "string" then
    error("image.save: path must be a string, got " .. type(path), 2)
  end
  if not path:lower():match("%.png$") then
    error("image.save: only PNG files are supported, the name must end in .png (" .. path .. ")", 2)
  end
  if not is_tensor(t) then
    error("image.save: expected an image tensor, got " .. type(t), 2)
  end
  local bits = 8
  if opts ~= nil then
    if type(opts) ~= "table" then
      error("image.save: options must be a table, got " .. type(opts), 2)
    end
    bits = opts.bits ~= nil and int_arg("image.save", "bits", opts.bits, 2) or 8
  end
  if bits ~= 8 and bits ~= 16 then
    error(string.format("image.save: bits must be 8 or 16, got %d", bits), 2)
  end
  C.save(path, t, bits)
end

-- image.scale(src, width, height [, mode])
-- image.scale(src, size [, mode])      size: the larger side ("WxH" strings too)
-- image.scale(dst, src [, mode])       to dst's width and height
-- mode "bilinear" (default) or "simple" (nearest neighbour).
local MODES = { bilinear = true, simple = true }

function image.scale(a, b, c, d)
  local who = "image.scale"
  local dst, src, w, h, mode
  if is_tensor(a) and is_tensor(b) then
    dst, src, mode = a, b, c
    check_image(who, dst, 2)
    w, h = dst:size(dst:dim()), dst:size(dst:dim() - 1)
  else
    src = a
    check_image(who, src, 2)
    local sw, sh = src:size(src:dim()), src:size(src:dim() - 1)
    if type(b) == "number" and type(c) == "number" then
      w, h, mode = int_arg(who, "width", b, 2), int_arg(who, "height", c, 2), d
    elseif type(b) == "number" then
      local size = int_arg(who, "size", b, 2)
      local f = size / math.max(sw, sh)
      w, h = math.max(1, math.floor(sw * f + 0.5)), math.max(1, math.floor(sh * f + 0.5))
      mode = c
    elseif type(b) == "string" and b:match("^%d+x%d+$") then
      local sw2, sh2 = b:match("^(%d+)x(%d+)$")
      w, h, mode = math.tointeger(sw2), math.tointeger(sh2), c
    else
      error(string.format("%s: expected width and height, a size or a \"WxH\" string, got %s",
        who, type(b) == "string" and ('"' .. b .. '"') or type(b)), 2)
    end
  end
  mode = mode or "bilinear"
  if not MODES[mode] then
    error(string.format('%s: mode must be "bilinear" or "simple", got %s', who, tostring(mode)), 2)
  end
  return into(dst, C.scale(src, w, h, mode))
end

-- image.crop([dst,] src, x1, y1, x2, y2)
-- image.crop([dst,] src, x1, y1)              size of dst
-- image.crop([dst,] src, format, width, height)  format "c", "tl", "tr", "bl", "br"
-- Coordinates are Torch7's image coordinates: 0-based, (x2, y2) excluded, so
-- the result is (y2 - y1) x (x2 - x1) pixels.
local FORMATS = { c = true, tl = true, tr = true, bl = true, br = true }

function image.crop(...)
  local who = "image.crop"
  local args = table.pack(...)
  local dst
  if is_tensor(args[1]) and is_tensor(args[2]) then
    dst = args[1]
    table.remove(args, 1)
  end
  local src = args[1]
  check_image(who, src, 2)
  local xd, yd = src:dim(), src:dim() - 1
  local W, H = src:size(xd), src:size(yd)
  local x1, y1, x2, y2
  if type(args[2]) == "string" then
    local format = args[2]
    if not FORMATS[format] then
      error(string.format('%s: format must be "c", "tl", "tr", "bl" or "br", got "%s"', who, format), 2)
    end
    local w, h = int_arg(who, "width", args[3], 2), int_arg(who, "height", args[4], 2)
    if w < 1 or h < 1 or w > W or h > H then
      error(string.format("%s: cannot crop %dx%d (width x height) from a %s image", who, w, h,
        shape(src)), 2)
    end
    if format == "c" then
      x1, y1 = (W - w) // 2, (H - h) // 2
    else
      x1 = format:sub(2, 2) == "l" and 0 or W - w
      y1 = format:sub(1, 1) == "t" and 0 or H - h
    end
    x2, y2 = x1 + w, y1 + h
  else
    x1, y1 = int_arg(who, "x1", args[2], 2), int_arg(who, "y1", args[3], 2)
    if args[4] == nil and args[5] == nil then
      if not dst then
        error(who .. ": x2 and y2 are needed without a destination tensor", 2)
      end
      x2, y2 = x1 + dst:size(dst:dim()), y1 + dst:size(dst:dim() - 1)
    else
      x2, y2 = int_arg(who, "x2", args[4], 2), int_arg(who, "y2", args[5], 2)
    end
  end
  if x1 < 0 or y1 < 0 or x2 > W or y2 > H or x1 >= x2 or y1 >= y2 then
    error(string.format("%s: box x1=%d, y1=%d, x2=%d, y2=%d is empty or outside the %s image "
      .. "(0-based, x2 and y2 excluded: need 0 <= x1 < x2 <= %d, 0 <= y1 < y2 <= %d)",
      who, x1, y1, x2, y2, shape(src), W, H), 2)
  end
  return into(dst, src:narrow(yd, y1 + 1, y2 - y1):narrow(xd, x1 + 1, x2 - x1):clone())
end

-- image.hflip([dst,] src): left <-> right.  image.vflip([dst,] src): top <-> bottom.
local function turner(who, how)
  return function(a, b)
    local dst, src = nil, a
    if b ~= nil then dst, src = a, b end
    check_image(who, src, 2)
    return into(dst, C.turn(src, how))
  end
end
image.hflip = turner("image.hflip", "hflip")
image.vflip = turner("image.vflip", "vflip")

-- image.rotate90([dst,] src [, k]): k quarter turns counterclockwise (as
-- numpy.rot90; negative k turns clockwise).  h x w becomes w x h for odd k.
local TURNS = { [0] = nil, [1] = "rot90", [2] = "rot180", [3] = "rot270" }

function image.rotate90(a, b, c)
  local who = "image.rotate90"
  local dst, src, k
  if is_tensor(b) then dst, src, k = a, b, c else src, k = a, b end
  check_image(who, src, 2)
  k = k == nil and 1 or int_arg(who, "k", k, 2)
  local how = TURNS[k % 4]
  if not how then return into(dst, src:clone()) end
  return into(dst, C.turn(src, how))
end

-- image.grid(images [, {nrow = n, padding = p, pad_value = v}])
-- Tiles images into one picture: `images` is a list of same-sized tensors
-- (h x w or c x h x w), an N x c x h x w batch or an N x h x w batch of gray
-- images.  nrow images per row (default ceil(sqrt(N))); padding pixels of
-- pad_value (default 0) between the images and around the border.  The
-- result has the first image's type: (rows*(h+p)+p) x (cols*(w+p)+p), with a
-- leading channel dimension when the images have one.
function image.grid(images, opts)
  local who = "image.grid"
  local list = {}
  if is_tensor(images) then
    if images:dim() ~= 3 and images:dim() ~= 4 then
      error(string.format("%s: a batch must be N x h x w or N x c x h x w, got %s", who,
        shape(images)), 2)
    end
    for i = 1, images:size(1) do list[i] = images:select(1, i) end
  elseif type(images) == "table" then
    list = images
  else
    error(who .. ": expected a list of images or a batch tensor, got " .. type(images), 2)
  end
  local n = #list
  if n == 0 then error(who .. ": no images to tile", 2) end
  opts = opts or {}
  if type(opts) ~= "table" then error(who .. ": options must be a table, got " .. type(opts), 2) end
  local nrow = opts.nrow ~= nil and int_arg(who, "nrow", opts.nrow, 2) or math.ceil(math.sqrt(n))
  local pad = opts.padding ~= nil and int_arg(who, "padding", opts.padding, 2) or 0
  local pad_value = opts.pad_value or 0
  if nrow < 1 then error(string.format("%s: nrow must be >= 1, got %d", who, nrow), 2) end
  if pad < 0 then error(string.format("%s: padding must be >= 0, got %d", who, pad), 2) end
  if type(pad_value) ~= "number" then
    error(who .. ": pad_value must be a number, got " .. type(pad_value), 2)
  end
  local first = list[1]
  if not is_tensor(first) or (first:dim() ~= 2 and first:dim() ~= 3) then
    error(string.format("%s: image 1 is not an h x w or c x h x w tensor (%s)", who,
      is_tensor(first) and shape(first) or type(first)), 2)
  end
  for i = 2, n do
    local t = list[i]
    if not is_tensor(t) or not t:isSameSizeAs(first) then
      error(string.format("%s: image %d is %s, image 1 is %s (all images must have the same size)",
        who, i, is_tensor(t) and shape(t) or type(t), shape(first)), 2)
    end
  end
  local xd, yd = first:dim(), first:dim() - 1
  local h, w = first:size(yd), first:size(xd)
  local cols = math.min(nrow, n)
  local rows = (n + nrow - 1) // nrow
  local H, W = rows * (h + pad) + pad, cols * (w + pad) + pad
  local res = first.new()
  if first:dim() == 3 then res:resize(first:size(1), H, W) else res:resize(H, W) end
  res:fill(pad_value)
  for i = 1, n do
    local r, c = (i - 1) // nrow, (i - 1) % nrow
    local y, x = pad + r * (h + pad), pad + c * (w + pad)
    res:narrow(yd, y + 1, h):narrow(xd, x + 1, w):copy(list[i])
  end
  return res
end

return image
