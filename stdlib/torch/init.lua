-- torch: the tensor namespace, following Torch7's documented API.
--
-- The C half (tensors, storages, maths, BLAS, random) comes from
-- "moonlab.core"; this file adds the parts written in Lua and returns the
-- table.  `require "torch"` and the host's global `torch` are this table.
local torch = require "moonlab.core"

package.loaded.torch = torch

-- classes and type queries (torch.class, typename, isTypeOf ...), printing,
-- unit testing (torch.Tester, torch.TestSuite), serialization (torch.save, torch.load ...)
require "torch.class"
require "torch.print"
require "torch.Tester"
require "torch.serialize"
require "torch.cmdline"

return torch
