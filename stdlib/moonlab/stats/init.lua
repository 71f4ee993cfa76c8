-- moonlab.stats: statistics.  `local stats = require "moonlab.stats"`.
--
-- Gathers the public names of the area files: distributions (stats.norm{...}
-- and the others, stats.special), descriptive statistics (stats.var,
-- stats.quantile, stats.corr ...) and hypothesis tests (stats.ttest_ind ...).
-- See docs/stats.md.
local stats = {}

for _, part in ipairs { "distributions", "descriptive", "tests" } do
  for k, v in pairs(require("moonlab.stats." .. part)) do
    if k:sub(1, 1) ~= "_" then
      if stats[k] ~= nil then error("moonlab.stats: " .. k .. " is defined twice (in " .. part .. ")") end
      stats[k] = v
    end
  end
end

return stats
