-- plot_basics.lua: the everyday plots.  In a terminal they appear in place
-- (a window when there is a display, sixel or text otherwise); the last one
-- is also written as a PNG file.
--   moonlab examples/plot_basics.lua [out.png]
local plot = require "moonlab.plot"
torch.manualSeed(1)

-- a line plot with two series, a title, labels and a legend
local x = torch.linspace(0, 2 * math.pi, 200)
plot.line(x, { torch.sin(x), torch.cos(x) },
  { labels = { "sin", "cos" }, title = "Two waves", xlabel = "x", legend = "bottom left" })

-- the distribution of a sample: histogram and density curve
local sample = torch.randn(5000) * 2 + 1
local counts, edges = plot.dist(sample, { bins = 30, title = "N(1, 2)" })
print(string.format("%d values in %d bins from %.2f to %.2f", counts:sum(), counts:nElement(),
  edges[1], edges[edges:nElement()]))

-- four plots in one figure, saved to a file
local fig = plot.figure({ size = { 900, 700 } })
fig:grid(2, 2, { title = "A grid" })
fig:scatter(torch.randn(300), torch.randn(300), { by = torch.range(1, 300):fmod(3), title = "classes" })
fig:bar({ 3, 5, 2 }, { labels = { "a", "b", "c" }, title = "bars" })
fig:box({ low = torch.randn(100), high = torch.randn(100) + 2 }, { title = "box plots" })
fig:heatmap(torch.Tensor{ { 1, 2, 3 }, { 4, 5, 6 } }, { values = true, title = "heatmap" })
local out = arg[1] or (os.getenv("TMPDIR") or "/tmp") .. "/moonlab-plot-basics.png"
fig:save(out)
print("saved " .. out)
plot.closeall()
