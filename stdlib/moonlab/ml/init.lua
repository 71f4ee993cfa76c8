-- moonlab.ml: machine-learning models with scikit-learn's estimator protocol
-- (`local m = ml.Ridge{alpha = 1}; m:fit(X, y); m:predict(X)`).  This file
-- only gathers the public names of the area modules into one table; the
-- protocol is in moonlab.ml.base, the models in the area modules.
local base = require "moonlab.ml.base"

local ml = {
  clone = base.clone,
  NONE = base.NONE,
}

-- Area modules, each returning a table of public names (classes, functions).
-- Add a module here when it lands; a name defined twice is an error.
local AREAS = {
  "metrics",
  "preprocessing",
  "feature_selection",
  "pipeline",
  "model_selection",
  "inspection",
  "cluster",
  "cluster_metrics",
  "decomposition",
  "linear",
  "naive_bayes",
  "tree",
  "ensemble",
  "neighbors",
  "svm",
}

ml._areas = AREAS

for _, area in ipairs(AREAS) do
  for k, v in pairs(require("moonlab.ml." .. area)) do
    if ml[k] ~= nil then error("moonlab.ml: " .. k .. " is defined twice (in " .. area .. ")") end
    ml[k] = v
  end
end

return ml
