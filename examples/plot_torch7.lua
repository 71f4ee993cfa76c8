-- plot_torch7.lua: a Torch7 plotting script, unchanged: `require 'gnuplot'`
-- gives Torch7's gnuplot module.  Here the figure goes to a PNG file.
--   moonlab examples/plot_torch7.lua [out.png]
require 'gnuplot'
local out = arg[1] or (os.getenv("TMPDIR") or "/tmp") .. "/moonlab-torch7-plot.png"

local x = torch.linspace(-2 * math.pi, 2 * math.pi)
gnuplot.pngfigure(out)
gnuplot.plot({ 'Cos', x / math.pi, torch.cos(x), '~' }, { 'Sin', x / math.pi, torch.sin(x), '|' })
gnuplot.xlabel('x / pi')
gnuplot.title('Torch7 gnuplot on moonlab')
gnuplot.grid(true)
gnuplot.plotflush()
gnuplot.close()
print("saved " .. out)
