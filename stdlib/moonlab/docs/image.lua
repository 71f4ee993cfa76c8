-- Docstrings: the image module (stdlib/moonlab/image.lua, vm/l_image.c; docs/image.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local DST = { "dst", "optional destination tensor, resized, filled and returned" }
local SRC = { "src", "an image: h x w or c x h x w tensor (Byte 0..255, Float/Double 0..1)" }
local PRE = "local image = require \"image\"\n"

D["image"] = doc("image = require \"image\"  (or require \"moonlab.image\")",
  "PNG files and image geometry in Torch7's image-package style: c x h x w tensors, channels first.", {},
  PRE .. "local img = torch.rand(3, 8, 8):float()\nprint(image.scale(img, 4, 4):size())")
D["image.load"] = doc("image.load(path [, {type = \"float\", channels = n}]) | image.load(path [, channels [, type]])",
  "Reads a PNG file into a c x h x w tensor (float in [0, 1] by default).",
  { { "path", "the PNG file" }, { "type", "\"float\" (default), \"double\" or \"byte\"" },
    { "channels", "1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (default: the file's)" } },
  PRE .. "local tmp = os.tmpname()\nlocal path = tmp .. \".png\"\nimage.save(path, torch.rand(3, 4, 5))\nprint(image.load(path):size())\nos.remove(path)\nos.remove(tmp)")
D["image.save"] = doc("image.save(path, t [, {bits = 8}])", "Writes an image tensor as a PNG (gray, gray+alpha, RGB or RGBA).",
  { { "path", "the PNG file" }, { "t", "h x w or c x h x w (c = 1..4)" }, { "bits", "8 (default) or 16" } },
  PRE .. "local tmp = os.tmpname()\nimage.save(tmp .. \".png\", torch.ByteTensor(2, 2):fill(255))\nos.remove(tmp .. \".png\")\nos.remove(tmp)")
D["image.scale"] = doc("image.scale(src, width, height [, mode]) | image.scale(src, size [, mode]) | image.scale(dst, src [, mode])",
  "Resamples an image (bilinear with aligned pixel centres, or \"simple\": nearest neighbour).",
  { SRC, { "width, height", "the new size" }, { "size", "the longer side's new length (or \"WxH\")" },
    { "mode", "\"bilinear\" (default) or \"simple\"" } },
  PRE .. "print(image.scale(torch.Tensor{{0, 1}, {2, 3}}, 4, 4))")
D["image.crop"] = doc("image.crop([dst,] src, x1, y1 [, x2, y2]) | image.crop([dst,] src, format, width, height)",
  "Cuts out the box (x1, y1)-(x2, y2), 0-based with x2, y2 excluded, or a box placed by format.",
  { DST, SRC, { "x1, y1, x2, y2", "the box in pixels" }, { "format", "\"c\", \"tl\", \"tr\", \"bl\" or \"br\"" } },
  PRE .. "print(image.crop(torch.range(1, 16):view(4, 4), 1, 1, 3, 3))")
D["image.hflip"] = doc("image.hflip([dst,] src)", "Mirrors left <-> right.", { DST, SRC },
  PRE .. "print(image.hflip(torch.Tensor{{1, 2, 3}}))")
D["image.vflip"] = doc("image.vflip([dst,] src)", "Mirrors top <-> bottom.", { DST, SRC },
  PRE .. "print(image.vflip(torch.Tensor{{1}, {2}}))")
D["image.rotate90"] = doc("image.rotate90([dst,] src [, k])", "Rotates by k quarter turns counterclockwise (numpy's rot90).",
  { DST, SRC, { "k", "quarter turns (default 1; negative: clockwise)" } },
  PRE .. "print(image.rotate90(torch.Tensor{{1, 2, 3}, {4, 5, 6}}))")
D["image.grid"] = doc("image.grid(images [, {nrow = n, padding = 0, pad_value = 0}])",
  "Tiles many images of one size into one picture, row by row.",
  { { "images", "a list of images, or an N x c x h x w (or N x h x w) batch" }, { "nrow", "images per row" },
    { "padding", "pixels between images" }, { "pad_value", "their value" } },
  PRE .. "print(image.grid({torch.ones(2, 2), torch.zeros(2, 2)}, {padding = 1}):size())")

return { title = "Images (require \"image\")", docs = D }
