-- moonlab.datasets.image_folder: a folder of class-named subfolders of PNG
-- files (root/cat/1.png, root/dog/7.png ...) loaded into one batch tensor
-- N x C x H x W and 0-based labels, classes in sorted order (the layout of
-- torchvision's ImageFolder and scikit-learn's load_files).  Reached through
-- moonlab.datasets.  Not here: formats other than PNG, nested class trees,
-- lazy loading of folders larger than memory.
local torch = require "torch"
local image = require "moonlab.image"

local M = {}
local DIR = torch._dir

local function shape(t)
  local s = {}
  for d = 1, t:dim() do s[d] = tostring(t:size(d)) end
  return table.concat(s, "x")
end

local KNOWN = { size = true, type = true, channels = true, mode = true, warn = true }

-- opts.size: a number (both sides), {width, height} or a "WxH" string.
local function target_size(who, size)
  if size == nil then return nil end
  local w, h
  if type(size) == "number" then
    w, h = size, size
  elseif type(size) == "table" then
    w, h = size[1], size[2]
  elseif type(size) == "string" then
    local a, b = size:match("^(%d+)x(%d+)$")
    w, h = tonumber(a), tonumber(b)
  end
  w, h = w and math.tointeger(w), h and math.tointeger(h)
  if not w or not h or w < 1 or h < 1 then
    error(string.format('%s: size must be a positive integer, {width, height} or "WxH" (got %s)', who,
      tostring(size)), 3)
  end
  return w, h
end

--- M.image_folder(path [, opts]) -> {X, y, classes, target_names, files, skipped, skipped_files}.
-- Loads root/<class>/<file>.png for every class folder (sorted by name) and
-- every PNG in it (sorted by name).  X: N x C x H x W (opts.type "float"
-- (default), "double" or "byte"); y: LongTensor of 0-based class indices into
-- classes.  opts.size = w | {w, h} | "WxH" scales every image (opts.mode
-- "bilinear" or "simple"); without it all images must have one size.
-- opts.channels (1..4) converts every image to that many channels.  Files
-- that are not *.png (any case) and files directly in root are skipped and
-- counted (skipped, skipped_files); opts.warn(msg) hears about them.
function M.image_folder(path, opts)
  local who = "datasets.image_folder"
  if type(path) ~= "string" then
    error(string.format("%s: path must be a string (got %s)", who, type(path)), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(string.format("%s: options must be a table (got %s)", who, type(opts)), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if not KNOWN[k] then
      error(string.format("%s: unknown option '%s' (known: channels, mode, size, type, warn)", who,
        tostring(k)), 2)
    end
  end
  local w, h = target_size(who, opts.size)
  local ttype = opts.type or "float"
  if ttype ~= "float" and ttype ~= "double" and ttype ~= "byte" then
    error(string.format('%s: type must be "float", "double" or "byte" (got %s)', who, tostring(ttype)), 2)
  end
  if opts.warn ~= nil and type(opts.warn) ~= "function" then
    error(who .. ": warn must be a function", 2)
  end
  path = path:gsub("(.)/+$", "%1")
  local names, kinds = DIR.list(path)
  if not names then error(string.format("%s: cannot read folder %s", who, kinds), 2) end
  table.sort(names)
  local classes, files, labels, skipped = {}, {}, {}, {}
  for _, cname in ipairs(names) do
    local full = path .. "/" .. cname
    if kinds[cname] == "dir" then
      local inner, ikinds = DIR.list(full)
      if not inner then error(string.format("%s: cannot read folder %s", who, ikinds), 2) end
      table.sort(inner)
      local count = 0
      classes[#classes + 1] = cname
      for _, f in ipairs(inner) do
        local fp = full .. "/" .. f
        if ikinds[f] == "file" and f:lower():match("%.png$") then
          files[#files + 1] = fp
          labels[#labels + 1] = #classes - 1
          count = count + 1
        else
          skipped[#skipped + 1] = fp
        end
      end
      if count == 0 then
        error(string.format("%s: class folder %s has no PNG files", who, full), 2)
      end
    else
      skipped[#skipped + 1] = full
    end
  end
  if #classes == 0 then
    error(string.format("%s: %s has no class folders (expected %s/<class>/<image>.png)", who, path, path), 2)
  end
  if #skipped > 0 and opts.warn then
    opts.warn(string.format("%s: skipped %d entries that are not PNG files in a class folder (first: %s)",
      who, #skipped, skipped[1]))
  end

  local X, first, first_file
  for i, fp in ipairs(files) do
    local ok, img = pcall(image.load, fp, { type = ttype, channels = opts.channels })
    if not ok then error(string.format("%s: %s", who, tostring(img)), 2) end
    if img:dim() == 2 then img = img:view(1, img:size(1), img:size(2)) end
    if w then
      ok, img = pcall(image.scale, img, w, h, opts.mode)
      if not ok then error(string.format("%s: %s", who, tostring(img)), 2) end
    end
    if not X then
      first, first_file = img, fp
      X = img.new():resize(#files, img:size(1), img:size(2), img:size(3))
    elseif not img:isSameSizeAs(first) then
      local hint = img:size(1) ~= first:size(1) and "pass opts.channels to convert them"
        or "pass opts.size to scale them"
      error(string.format("%s: images differ in size: %s is %s (c x h x w), %s is %s; %s", who,
        first_file, shape(first), fp, shape(img), hint), 2)
    end
    X[i]:copy(img)
  end
  return {
    X = X,
    y = torch.LongTensor(labels),
    classes = classes,
    target_names = classes,
    files = files,
    skipped = #skipped,
    skipped_files = skipped,
  }
end

return M
