-- moonlab: the library entry point for a stock lua5.4 (`require "moonlab"`).
-- It loads the torch namespace and makes it the global `torch`, as the
-- moonlab host does, and returns the moonlab table.
local torch = require "torch"
_G.torch = torch

local moonlab = {
  torch = torch,
  version = torch.__version or "0.1.0",
}

return moonlab
