-- moonlab.optim: Torch7's optim package (`require "optim"` gives the same
-- table): first-order methods (sgd, nag, adagrad, adadelta, adam, adamw,
-- adamax, rmsprop, rprop), lbfgs and cg with the lswolfe line search,
-- learning-rate schedules, ConfusionMatrix and Logger.  Each optimiser is
-- `x, fs = optim.NAME(opfunc, x, config, state)` (see first_order.lua).
local optim = {}
package.loaded["moonlab.optim"] = optim

for k, f in pairs(require "moonlab.optim.first_order") do optim[k] = f end
for k, f in pairs(require "moonlab.optim.second_order") do optim[k] = f end
optim.schedules = require "moonlab.optim.schedules"
optim.ConfusionMatrix = require "moonlab.optim.ConfusionMatrix"
optim.Logger = require "moonlab.optim.Logger"

return optim
