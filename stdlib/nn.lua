-- nn: Torch7 scripts say `require 'nn'` and then use the global `nn`; this
-- shim returns moonlab.nn and, as Torch7 did, sets the global nn (the only
-- global it adds).  `require "moonlab.nn"` sets no global.
local nn = require "moonlab.nn"
rawset(_G, "nn", nn)
return nn
