-- moonlab.stats: statistics.  `local stats = require "moonlab.stats"`.
--
-- Gathers the public names of the area files: distributions (stats.norm{...}
-- and the others, stats.special), descriptive statistics (stats.var,
-- stats.quantile, stats.corr ...) and hypothesis tests (stats.ttest_ind ...).
-- See docs/stats.md.
local stats = {}

for _, part in ipairs { "distributions", "descriptive", "tests" } do
  local ok, mod = pcall(require, "moonlab.stats." .. part)
  if not ok then
    if not tostring(mod):find("module 'moonlab.stats." .. part .. "' not found", 1, true) then error(mod, 0) end
  else
    for k, v in pairs(mod) do
      if k:sub(1, 1) ~= "_" then
        if stats[k] ~= nil then error("moonlab.stats: " .. k .. " is defined twice (in " .. part .. ")") end
        stats[k] = v
      end
    end
  end
end

return stats
