-- moonlab.nn: Torch7's nn on moonlab's tensors (`require "nn"` gives the
-- same table).  Modules are torch.class classes named "nn.<Name>", so they
-- save and load through torch.save/torch.load and read models written by
-- Torch7.  The files: module.lua (Module, Criterion), containers.lua,
-- linear.lua, activations.lua, criteria.lua, shape.lua (shape, table and
-- simple modules), conv.lua (convolutions, pooling, batch normalisation),
-- volumetric.lua, spatial.lua and spatial2.lua (the other spatial layers),
-- recurrent.lua, extra.lua, tables.lua and layers_extra.lua, distance.lua,
-- criteria_extra.lua, sparse.lua, init_weights.lua (Xavier/Kaiming),
-- jacobian.lua (gradient checks), hessian.lua (nn.hessian), core_extra.lua
-- (decorators, weight normalisation), train.lua (nn.fit, nn.summary).
-- Not here: CUDA, THNN's C API (see docs/nn.md).
local torch = require "torch"

local nn = {}
package.loaded["moonlab.nn"] = nn

nn.utils = require "moonlab.nn.util"
require "moonlab.nn.module"
require "moonlab.nn.containers"
require "moonlab.nn.linear"
require "moonlab.nn.activations"
require "moonlab.nn.criteria"
require "moonlab.nn.shape"
-- optional files, one per line (a missing one is skipped)
for _, name in ipairs {
  "conv",
  "volumetric",
  "spatial",
  "spatial2",
  "recurrent",
  "extra",
  "tables",
  "layers_extra",
  "init_weights",
  "jacobian",
  "train",
  "distance",
  "criteria_extra",
  "sparse",
  "hessian",
  "core_extra",
} do
  local ok, err = pcall(require, "moonlab.nn." .. name)
  if not ok and not tostring(err):find("module 'moonlab.nn." .. name .. "' not found", 1, true) then
    error(err, 0)
  end
end

return nn
