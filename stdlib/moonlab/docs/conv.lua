-- Docstrings: convolutions (vm/l_conv.c; docs/conv.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local RES = { "res", "optional result tensor" }
local MODE = { "mode", "'V' valid (default) or 'F' full" }
for _, c in ipairs {
  { "conv2", "2-D convolution of x with k (the kernel flipped)", "image(s): m x n, or p x m x n planes", "k x k kernel(s)" },
  { "xcorr2", "2-D cross-correlation of x with k (the kernel not flipped)", "m x n, or p x m x n", "kernel(s)" },
  { "conv3", "3-D convolution of x with k", "a volume d x m x n (or planes of them)", "kernel volume(s)" },
  { "xcorr3", "3-D cross-correlation of x with k", "a volume d x m x n (or planes of them)", "kernel volume(s)" },
} do
  local two = c[1]:find("2") ~= nil
  D["torch." .. c[1]] = doc(string.format("torch.%s([res,] x, k [, mode]) | x:%s(k [, mode])", c[1], c[1]),
    c[2] .. ".", { RES, { "x", c[3] }, { "k", c[4] }, MODE },
    two and string.format("print(torch.%s(torch.ones(3, 3), torch.ones(2, 2)))", c[1])
      or string.format("print(torch.%s(torch.ones(3, 3, 3), torch.ones(2, 2, 2)):size())", c[1]),
    "With p planes and q x p kernels, output j sums plane i convolved with kernel (j, i).")
end

return { title = "Convolutions", docs = D }
