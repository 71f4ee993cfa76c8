-- optim: Torch7 scripts say `require 'optim'` and then use the global
-- `optim`; this shim returns moonlab.optim and sets that global, as Torch7 did.
local optim = require "moonlab.optim"
rawset(_G, "optim", optim)
return optim
