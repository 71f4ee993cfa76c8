-- Docstrings: the plot layer (plot/moonlab/plot/*.lua: moonlab.plot, and
-- plot/gnuplot.lua: Torch7's gnuplot API; docs/plot.md).  The examples run in
-- tests/lua/test_help.lua without a display: figures draw to output "none"
-- (no gnuplot started), to text, or to temporary files they remove.
local doc = require("moonlab.docs.util").doc
local D = {}

-- moonlab.plot examples: a figure that draws nothing (its script is still
-- built and checked), closed at the end.
local P = "local plot = require \"moonlab.plot\"\n"
local PF = P .. "local fig = plot.figure({output = \"none\"})\n"
local CLOSE = "\nfig:close()"
-- a temporary file name ending in ext; both files are removed by RM
local TMP = "local tmp = os.tmpname()\nlocal path = tmp .. \".png\"\n"
local RM = "\nos.remove(path)\nos.remove(tmp)"

local OPTS = { "opts", "options: the common ones (title, xlabel, ylabel, xrange, yrange, log, grid, legend, "
  .. "xtics, ytics, aspect, size, output, add, raw; docs/plot.md) and the kind's own" }
local SERIES = "Series options: style (lines, points, linespoints, steps, impulses, boxes, ...; Torch7's\n"
  .. "- + . +- | ~), color, width, dash, marker, pointsize, fill, label; labels = {...} names the series."
local FIG = "Also a method of figures: fig:%s(...) draws into fig instead of the current figure."

local function plotdoc(name, sig, summary, args, example, notes)
  local n = string.format(FIG, name)
  D["moonlab.plot." .. name] = doc(sig, summary, args, example, notes and (notes .. "\n" .. n) or n)
end

D["moonlab.plot"] = doc("plot = require \"moonlab.plot\"",
  "Plots through gnuplot: in a window, in the terminal (sixel or text), to files, or captured as PNG.", {},
  PF .. "local x = torch.linspace(0, 2 * math.pi, 50)\nplot.line(x, torch.sin(x), {title = \"sin\", xlabel = \"x\"})" .. CLOSE,
  "Each figure owns one gnuplot process, reused for all its plots; the functions draw into the\n"
  .. "current figure (plot.figure() makes a new one).  Needs gnuplot at run time (gnuplot-nox).")

-- ------------------------------------------------------------ figures

D["moonlab.plot.figure"] = doc("plot.figure([{output = target, size = {w, h}, text_size = {cols, rows}}])",
  "Makes a new figure (one gnuplot process, started at its first plot) and makes it current.",
  { { "output", "where it draws: \"auto\" (default), \"window\", \"sixel\", \"dumb\", \"capture\", \"none\", a file path" },
    { "size", "size in pixels (default {800, 600})" }, { "text_size", "size of text plots in characters" } },
  P .. "local fig = plot.figure({output = \"none\", size = {640, 480}})\nprint(fig)\nfig:close()")
D["moonlab.plot.gcf"] = doc("plot.gcf()", "Returns the current figure (a new one when there is none).", {},
  PF .. "print(plot.gcf() == fig)" .. CLOSE)
D["moonlab.plot.close"] = doc("plot.close([fig]) | fig:close()",
  "Ends a figure's gnuplot (default: the current figure); a closed figure's next plot starts a new one.",
  { { "fig", "the figure (default: the current one)" } },
  PF .. "plot.close(fig)\nprint(#plot.figures())")
D["moonlab.plot.closeall"] = doc("plot.closeall()", "Closes every open figure.", {},
  P .. "plot.figure({output = \"none\"})\nplot.figure({output = \"none\"})\nplot.closeall()\nprint(#plot.figures())")
D["moonlab.plot.figures"] = doc("plot.figures()", "Returns the list of figures that are not closed, oldest first.", {},
  PF .. "print(#plot.figures())" .. CLOSE)
D["moonlab.plot.output"] = doc("plot.output([target])",
  "Sets the default output of figures without one of their own; returns the previous default.",
  { { "target", "\"auto\", \"window\", \"sixel\", \"dumb\"/\"text\", \"capture\"/\"png\", \"none\", a path "
    .. "(.png .svg .pdf .eps .txt) or {kind =, path =, size =}" } },
  P .. "local prev = plot.output(\"none\")\nprint(prev)\nplot.output(prev)")
D["moonlab.plot.set_gnuplot"] = doc("plot.set_gnuplot(path)", "Uses that gnuplot executable (a path, or a name on $PATH).",
  { { "path", "the gnuplot program" } },
  P .. "plot.set_gnuplot(\"gnuplot\")")
D["moonlab.plot.captures"] = doc("plot.captures()",
  "Returns the PNG byte strings captured (output \"capture\", no hook) since the last call, oldest first.", {},
  P .. "local fig = plot.figure({output = \"capture\", size = {200, 150}})\nfig:line({1, 4, 9})\n"
  .. "local pngs = plot.captures()\nprint(#pngs, pngs[1]:sub(2, 4))" .. CLOSE)
D["moonlab.plot.on_capture"] = doc("plot.on_capture(fn) | plot.on_capture(nil)",
  "Calls fn(png_bytes, fig) for every capture instead of keeping it (the notebook hook); nil removes the hooks.",
  { { "fn", "a function(png_bytes, fig), or nil" } },
  P .. "local n = 0\nplot.on_capture(function(png) n = n + #png end)\n"
  .. "local fig = plot.figure({output = \"capture\", size = {200, 150}})\nfig:line({1, 2, 3})\n"
  .. "plot.on_capture(nil)\nprint(n > 0)" .. CLOSE)
D["moonlab.plot.add_frame_adapter"] = doc("plot.add_frame_adapter(fn)",
  "Registers fn(obj) -> names, columns so data-frame-like objects are accepted wherever a table of columns is.",
  { { "fn", "returns a list of names and a list of vectors for objects it knows, nil for others" } },
  PF .. "plot.add_frame_adapter(function(obj)\n  if type(obj) == \"table\" and obj.demo_frame then return obj.names, obj.cols end\nend)\n"
  .. "plot.box({demo_frame = true, names = {\"a\", \"b\"}, cols = {torch.randn(20), torch.randn(20)}})" .. CLOSE)
D["moonlab.plot.quote"] = doc("plot.quote(s)",
  "Returns s as a gnuplot string literal (escaped so it never runs as gnuplot code), for raw commands.",
  { { "s", "any string" } },
  P .. "print(plot.quote('say \"hi\"\\n'))")
D["moonlab.plot.script"] = doc("plot.script([fig]) | fig:script()",
  "Returns the gnuplot commands of a figure (without terminal and data file lines).",
  { { "fig", "the figure (default: the current one)" } },
  PF .. "plot.line({1, 4, 9}, {title = \"squares\"})\nprint(plot.script())" .. CLOSE)

-- ------------------------------------------------------------ drawing and files

plotdoc("show", "plot.show() | fig:show()", "Draws the figure now (a grid with empty panels too).", {},
  P .. "local tmp = os.tmpname()\nlocal path = tmp .. \".txt\"\nlocal fig = plot.figure({output = path})\n"
  .. "fig:grid(1, 2)\nfig:line({1, 2, 3})\nfig:show() -- draws the grid with its second panel empty" .. RM .. CLOSE)
plotdoc("wait", "plot.wait() | fig:wait()",
  "In a window, waits until the user closes it (so a script's plots stay up); returns at once otherwise.", {},
  PF .. "plot.line({1, 2, 3})\nplot.wait()" .. CLOSE)
plotdoc("save", "plot.save(path [, {size = {w, h}, text_size = {cols, rows}}]) | fig:save(...)",
  "Writes the figure to a file, its format from the extension (.png .svg .pdf .eps .txt); returns path.",
  { { "path", "the file" }, { "size", "pixels (default the figure's)" }, { "text_size", "characters, for .txt" } },
  PF .. TMP .. "plot.line({1, 4, 9})\nprint(plot.save(path, {size = {320, 240}}))" .. RM .. CLOSE)
plotdoc("png", "plot.png([{size = {w, h}}]) | fig:png(...)", "Returns the figure as PNG bytes.",
  { { "size", "pixels (default the figure's)" } },
  PF .. "plot.line({1, 4, 9})\nlocal bytes = plot.png({size = {200, 150}})\nprint(#bytes)" .. CLOSE)
plotdoc("text", "plot.text([{size = {cols, rows}}]) | fig:text(...)", "Returns the figure drawn as text (default 80x25).",
  { { "size", "columns and rows" } },
  PF .. "plot.line({1, 4, 9})\nprint(plot.text({size = {60, 15}}))" .. CLOSE)
plotdoc("grid", "plot.grid(rows, cols [, {title = s}]) | plot.grid()",
  "Puts the figure in grid mode: the next plots fill rows x cols panels in reading order; no arguments ends it.",
  { { "rows, cols", "the grid" }, { "title", "a title over the whole grid" } },
  PF .. "plot.grid(1, 2, {title = \"two\"})\nplot.line({1, 2, 3})\nplot.hist(torch.randn(100))" .. CLOSE)
plotdoc("panel", "plot.panel(i) | plot.panel(row, col)", "Chooses the grid panel the next plot goes to.",
  { { "i", "panel number, in reading order" }, { "row, col", "its row and column" } },
  PF .. "plot.grid(2, 2)\nplot.panel(2, 1)\nplot.line({3, 1, 2})" .. CLOSE)

-- ------------------------------------------------------------ kinds

plotdoc("line", "plot.line(y [, opts]) | plot.line(x, y [, opts]) | plot.line({{x =, y =, label =, style =}, ...} [, opts])",
  "Draws lines: y may be a vector, a matrix (one series per column) or an array of vectors; x defaults to 1..n.",
  { { "x", "a vector (tensor or Lua array)" }, { "y", "a vector, a matrix or a table of vectors" }, OPTS },
  PF .. "local x = torch.linspace(0, 1, 20)\nplot.line(x, torch.cmul(x, x), {title = \"x^2\", label = \"square\"})" .. CLOSE,
  SERIES)
plotdoc("scatter", "plot.scatter(x, y [, opts]) | plot.scatter(X [, opts])",
  "Draws points; by = labels colours them by class, values = v through the palette.",
  { { "x, y", "vectors" }, { "X", "an n x 2 matrix" },
    { "opts", "by (class labels), names = {class = text}, colors, values, and the common and series options" } },
  PF .. "local X = torch.randn(30, 2)\nlocal y = torch.Tensor(30):random(1, 2)\nplot.scatter(X, {by = y, names = {[1] = \"a\", [2] = \"b\"}})" .. CLOSE)
plotdoc("hist", "plot.hist(x [, {bins, density, range = {lo, hi}, labels}])",
  "Draws a histogram; returns counts, edges (several samples share the bins and return a list of {counts, edges, heights, label}).",
  { { "x", "a vector, a matrix (its columns) or a table of vectors" }, { "bins", "number of bins" },
    { "density", "true: heights integrate to 1" }, { "range", "{lo, hi} of the bins" }, { "labels", "names of the samples" } },
  PF .. "local counts, edges = plot.hist(torch.randn(1000), {bins = 20})\nprint(counts:sum(), edges:size(1))" .. CLOSE)
plotdoc("bar", "plot.bar(values [, {labels, series, width = 0.8}])",
  "Draws bars; a matrix (groups x series) or a table of vectors gives grouped bars.",
  { { "values", "a vector, a matrix or a table of vectors" }, { "labels", "group names (x tics)" },
    { "series", "series names (legend)" }, { "width", "bar width" } },
  PF .. "plot.bar(torch.Tensor{{1, 2}, {3, 4}, {2, 2}}, {labels = {\"a\", \"b\", \"c\"}, series = {\"x\", \"y\"}})" .. CLOSE)
plotdoc("box", "plot.box(groups [, {labels}]) | plot.box(values, {by = labels})",
  "Draws box plots (quartiles, 1.5 IQR whiskers, outliers), one per group.",
  { { "groups", "a matrix (its columns), a list or a table of named vectors" },
    { "values, by", "one vector and the group of each value" }, { "labels", "group names" } },
  PF .. "plot.box({a = torch.randn(50), b = torch.randn(50) + 1})" .. CLOSE)
plotdoc("heatmap", "plot.heatmap(m [, {xlabels, ylabels, values = true, format = \"%.2g\", palette, colorbar = false}])",
  "Draws a matrix as coloured cells, row 1 at the top, optionally with the values written in.",
  { { "m", "a matrix" }, { "xlabels, ylabels", "column and row names" }, { "values", "write the values in the cells" },
    { "format", "their format" }, { "palette", "viridis (default), gray, blues, coolwarm, hot, color" },
    { "colorbar", "false hides the colour box" } },
  PF .. "plot.heatmap(torch.Tensor{{1, 2}, {3, 4}}, {values = true, xlabels = {\"a\", \"b\"}})" .. CLOSE)
plotdoc("image", "plot.image(t [, {axes = true}])",
  "Draws an image tensor: h x w or 1 x h x w gray, 3 x h x w or 4 x h x w RGB(A).",
  { { "t", "the image (Byte 0..255, Float/Double 0..1)" }, { "axes", "true draws the axes" } },
  PF .. "plot.image(torch.rand(3, 8, 8))" .. CLOSE)
plotdoc("surface", "plot.surface(z [, {x, y, style = \"pm3d\"|\"lines\"|\"points\", contour, view = {rx, rz}, palette}])",
  "Draws a surface z over a grid.",
  { { "z", "an h x w matrix" }, { "x, y", "coordinates: vectors (length w, h) or h x w matrices" },
    { "style", "pm3d (default), lines or points" }, { "contour", "true adds contours" },
    { "view", "rotations about x and z in degrees" }, { "palette", "colour palette" } },
  PF .. "local g = torch.linspace(-1, 1, 10)\nlocal z = torch.ger(g, g)\nplot.surface(z, {x = g, y = g, view = {60, 30}})" .. CLOSE)
plotdoc("errorbar", "plot.errorbar(x, y, err [, {xerr, lines, label}])",
  "Draws points with error bars; err is a vector (+-), {lo =, hi =} or an n x 2 matrix of bounds.",
  { { "x", "a vector, or nil for 1..n" }, { "y", "a vector" }, { "err", "the errors or bounds" },
    { "xerr", "horizontal errors" }, { "lines", "true joins the points" }, { "label", "legend entry" } },
  PF .. "plot.errorbar(nil, torch.Tensor{1, 3, 2}, torch.Tensor{0.2, 0.5, 0.1}, {lines = true})" .. CLOSE)

-- ------------------------------------------------------------ decorations

local DECOR = "Changes the last plot of the figure and redraws it."
plotdoc("title", "plot.title(s) | fig:title(s)", "Sets the title of the last plot. " .. DECOR, { { "s", "the title (drawn literally)" } },
  PF .. "plot.line({1, 2, 3})\nplot.title(\"growth\")" .. CLOSE)
plotdoc("xlabel", "plot.xlabel(s) | fig:xlabel(s)", "Sets the x axis label. " .. DECOR, { { "s", "the label" } },
  PF .. "plot.line({1, 2, 3})\nplot.xlabel(\"epoch\")" .. CLOSE)
plotdoc("ylabel", "plot.ylabel(s) | fig:ylabel(s)", "Sets the y axis label. " .. DECOR, { { "s", "the label" } },
  PF .. "plot.line({1, 2, 3})\nplot.ylabel(\"loss\")" .. CLOSE)
plotdoc("zlabel", "plot.zlabel(s) | fig:zlabel(s)", "Sets the z axis label. " .. DECOR, { { "s", "the label" } },
  PF .. "plot.surface(torch.rand(4, 4))\nplot.zlabel(\"height\")" .. CLOSE)
plotdoc("xrange", "plot.xrange({lo, hi}) | fig:xrange(r)", "Sets the x range (a nil end is automatic). " .. DECOR,
  { { "r", "{lo, hi}" } }, PF .. "plot.line({1, 2, 3})\nplot.xrange({0, 4})" .. CLOSE)
plotdoc("yrange", "plot.yrange({lo, hi}) | fig:yrange(r)", "Sets the y range (a nil end is automatic). " .. DECOR,
  { { "r", "{lo, hi}" } }, PF .. "plot.line({1, 2, 3})\nplot.yrange({nil, 10})" .. CLOSE)
plotdoc("zrange", "plot.zrange({lo, hi}) | fig:zrange(r)", "Sets the z range (a nil end is automatic). " .. DECOR,
  { { "r", "{lo, hi}" } }, PF .. "plot.surface(torch.rand(4, 4))\nplot.zrange({0, 2})" .. CLOSE)
plotdoc("legend", "plot.legend(pos) | fig:legend(pos)", "Hides (false) or places the legend. " .. DECOR,
  { { "pos", "false, \"top left\", or a list of words (left right center top bottom middle inside outside ...)" } },
  PF .. "plot.line({1, 2, 3}, {label = \"a\"})\nplot.legend(\"bottom right\")" .. CLOSE)
plotdoc("log", "plot.log(axes) | fig:log(axes)", "Makes axes logarithmic (\"y\", \"xy\", ...). " .. DECOR,
  { { "axes", "the letters of the logarithmic axes" } },
  PF .. "plot.line({1, 10, 100})\nplot.log(\"y\")" .. CLOSE)

-- ------------------------------------------------------------ helpers

plotdoc("dist", "plot.dist(x [, {bins, bandwidth, labels}])",
  "Draws a density histogram with a Gaussian kernel density curve; returns counts, edges.",
  { { "x", "a vector (or several)" }, { "bins", "number of bins" },
    { "bandwidth", "kernel bandwidth (default 1.06 sd n^-1/5)" }, { "labels", "names of the samples" } },
  PF .. "local counts = plot.dist(torch.randn(500), {bins = 20})\nprint(counts:sum())" .. CLOSE)
plotdoc("learning_curve", "plot.learning_curve(history [, {x, xlabel, ylabel}])",
  "Draws one line per series of a training history; a series name_std draws a band around name.",
  { { "history", "{train = {...}, valid = {...}}, an array of records {epoch =, train_loss =, ...} or a matrix" },
    { "x", "the x values (default history.epoch/step/size/x, else 1..n)" }, { "xlabel, ylabel", "axis labels" } },
  PF .. "plot.learning_curve({train = {1.0, 0.6, 0.4}, valid = {1.1, 0.8, 0.7}})" .. CLOSE)
plotdoc("roc", "plot.roc(y, scores [, {pos_label, labels}])",
  "Draws the ROC curve with the diagonal and the AUC in the legend; returns auc, fpr, tpr.",
  { { "y", "true labels" }, { "scores", "scores (higher: more positive), or a table of score vectors" },
    { "pos_label", "the positive class (default 1 if present, else the largest label)" }, { "labels", "series names" } },
  PF .. "local auc = plot.roc(torch.Tensor{0, 0, 1, 1}, torch.Tensor{0.1, 0.4, 0.35, 0.8})\nprint(auc)" .. CLOSE)
plotdoc("pr", "plot.pr(y, scores [, opts])",
  "Draws the precision-recall curve with the positive rate as baseline; returns ap, precision, recall.",
  { { "y", "true labels" }, { "scores", "scores, or a table of score vectors" }, { "opts", "pos_label, labels, and the common options" } },
  PF .. "local ap = plot.pr(torch.Tensor{0, 0, 1, 1}, torch.Tensor{0.1, 0.4, 0.35, 0.8})\nprint(ap)" .. CLOSE)
plotdoc("confusion", "plot.confusion(cm [, labels] [, {normalize = true}])",
  "Draws a confusion matrix (rows: true class, columns: predicted) with counts; returns the matrix shown.",
  { { "cm", "a matrix, or {y = ..., pred = ...} to count" }, { "labels", "class names" },
    { "normalize", "true divides each row by its sum" } },
  PF .. "print(plot.confusion({y = torch.Tensor{1, 2, 2, 1}, pred = torch.Tensor{1, 2, 1, 1}}, {\"cat\", \"dog\"}))" .. CLOSE)
plotdoc("pairs", "plot.pairs(X [, {by, names, bins}])",
  "Draws a scatter matrix of the columns of X (histograms on the diagonal), coloured by class.",
  { { "X", "n x d matrix (d <= 12) or a table of columns" }, { "by", "class labels" },
    { "names", "column names" }, { "bins", "histogram bins" } },
  PF .. "plot.pairs(torch.randn(40, 3), {names = {\"a\", \"b\", \"c\"}})" .. CLOSE)
plotdoc("corr", "plot.corr(X [, {names}])",
  "Draws the Pearson correlation matrix of the columns as a heatmap with values; returns it.",
  { { "X", "n x d matrix or a table of columns" }, { "names", "column names" } },
  PF .. "print(plot.corr(torch.randn(50, 3)))" .. CLOSE)

-- ------------------------------------------------------------ Torch7's gnuplot

-- gnuplot examples draw into a PNG file figure they remove afterwards.
local G = "local gnuplot = require \"gnuplot\"\n"
local GF = G .. TMP .. "gnuplot.pngfigure(path)\n"
local GEND = "\ngnuplot.close()" .. RM

D["gnuplot"] = doc("gnuplot = require \"gnuplot\"",
  "Torch7's gnuplot package API on moonlab figures, so Torch7 plotting scripts run unchanged.", {},
  GF .. "gnuplot.plot(torch.linspace(0, 1, 10))\ngnuplot.title(\"line\")" .. GEND,
  "Also sets the global gnuplot, as Torch7 did.  Differences from Torch7: docs/plot.md.")
D["gnuplot.plot"] = doc("gnuplot.plot(x) | gnuplot.plot(x, y [, format]) | gnuplot.plot(legend, x, y, format) | gnuplot.plot({...}, {...})",
  "Draws one or several series (a table per series, or {{...}, {...}}); a matrix x gives one line per column.",
  { { "legend", "the series name" }, { "x, y", "tensors" },
    { "format", "'.', '+', '-', '+-', '~' (smoothed, '~ coef'), '|', 'v', or a gnuplot style" } },
  GF .. "local x = torch.linspace(0, 3, 20)\ngnuplot.plot({\"sin\", x, torch.sin(x), \"-\"}, {\"cos\", x, torch.cos(x), \"+\"})" .. GEND)
D["gnuplot.bar"] = doc("gnuplot.bar(y) | gnuplot.bar(x, y)", "Draws y as boxes (at x, default 1..n).",
  { { "x", "positions" }, { "y", "heights" } },
  GF .. "gnuplot.bar(torch.Tensor{3, 1, 2})" .. GEND)
D["gnuplot.histc"] = doc("gnuplot.histc(x [, nbins = 100, min, max])",
  "Counts x into bins without drawing; returns {raw = counts, bins, binwidth, [i] = {val, nb}, max = {val, nb}}.",
  { { "x", "a tensor" }, { "nbins", "number of bins" }, { "min, max", "the binned range (values outside are left out)" } },
  G .. "local h = gnuplot.histc(torch.Tensor{1, 2, 2, 3}, 3)\nprint(h.raw, h.max.val, h.max.nb)")
D["gnuplot.hist"] = doc("gnuplot.hist(x [, nbins = 100, min, max])",
  "Draws a histogram of x and returns gnuplot.histc's table.",
  { { "x", "a tensor" }, { "nbins", "number of bins" }, { "min, max", "the binned range" } },
  GF .. "local h = gnuplot.hist(torch.randn(1000), 20)\nprint(h.binwidth)" .. GEND)
D["gnuplot.splot"] = doc("gnuplot.splot(z) | gnuplot.splot(x, y, z) | gnuplot.splot({'name', x, y, z}, ...)",
  "Draws surfaces as lines with contours; x, y, z are matrices of one size.",
  { { "z", "heights (a matrix)" }, { "x, y", "coordinates (matrices like z)" } },
  GF .. "gnuplot.splot(torch.rand(5, 5))" .. GEND)
D["gnuplot.scatter3"] = doc("gnuplot.scatter3(x, y, z) | gnuplot.scatter3({'name', x, y, z}, ...)",
  "Draws 3-D points.", { { "x, y, z", "1-D tensors of one size" } },
  GF .. "gnuplot.scatter3(torch.rand(20), torch.rand(20), torch.rand(20))" .. GEND)
D["gnuplot.imagesc"] = doc("gnuplot.imagesc(z [, palette = 'gray'])", "Draws a matrix as an image.",
  { { "z", "a matrix" }, { "palette", "'gray', 'color' or gnuplot palette words" } },
  GF .. "gnuplot.imagesc(torch.rand(8, 8), 'color')" .. GEND)

D["gnuplot.figure"] = doc("gnuplot.figure([n])", "Selects (or creates) figure n and returns n; without n, a new figure.",
  { { "n", "the figure number" } },
  G .. "local n = gnuplot.figure()\nprint(n)\ngnuplot.close(n)")
local function filefig(ext)
  D["gnuplot." .. ext .. "figure"] = doc("gnuplot." .. ext .. "figure(fname [, n])",
    "Makes figure n (default a new one) draw into the " .. ext:upper() .. " file fname after every plot; returns n.",
    { { "fname", "the file" }, { "n", "the figure number" } },
    G .. "local tmp = os.tmpname()\nlocal path = tmp .. \"." .. ext .. "\"\ngnuplot." .. ext .. "figure(path)\n"
    .. "gnuplot.plot(torch.Tensor{1, 3, 2})\ngnuplot.close()\nos.remove(path)\nos.remove(tmp)")
end
for _, ext in ipairs { "png", "svg", "eps", "pdf" } do filefig(ext) end
D["gnuplot.figure_object"] = doc("gnuplot.figure_object([n])",
  "Returns the moonlab.plot figure behind figure n (default the current one): a moonlab addition.",
  { { "n", "the figure number" } },
  GF .. "gnuplot.plot(torch.Tensor{1, 2})\nprint(gnuplot.figure_object():script())" .. GEND)
D["gnuplot.figprint"] = doc("gnuplot.figprint(fname)", "Writes the current figure into a .png, .eps, .pdf or .svg file.",
  { { "fname", "the file" } },
  GF .. "gnuplot.plot(torch.Tensor{1, 2})\nlocal svg = tmp .. \".svg\"\ngnuplot.figprint(svg)\nos.remove(svg)" .. GEND)
D["gnuplot.plotflush"] = doc("gnuplot.plotflush([n])",
  "Draws figure n (default the current one) again; file figures are already complete after every plot.",
  { { "n", "the figure number" } },
  GF .. "gnuplot.plot(torch.Tensor{1, 2})\ngnuplot.plotflush()" .. GEND)
D["gnuplot.close"] = doc("gnuplot.close([n])", "Ends figure n (default the current one) and its gnuplot.",
  { { "n", "the figure number" } },
  G .. "local n = gnuplot.figure()\ngnuplot.close(n)")
D["gnuplot.closeall"] = doc("gnuplot.closeall()", "Ends every gnuplot figure.", {},
  G .. "gnuplot.figure()\ngnuplot.closeall()")
D["gnuplot.setgnuplotexe"] = doc("gnuplot.setgnuplotexe(exe)", "Uses that gnuplot executable (an existing file).",
  { { "exe", "its path" } },
  "--norun (needs gnuplot at that path)\n" .. G .. "gnuplot.setgnuplotexe(\"/usr/bin/gnuplot\")")
D["gnuplot.setterm"] = doc("gnuplot.setterm(term)",
  "Sets the terminal of the figures made from now on: a window terminal (wxt, qt, x11, aqua), 'dumb' or 'sixelgd'.",
  { { "term", "the terminal name (file terminals: use the *figure functions)" } },
  "--norun (changes the terminal of every later figure)\n" .. G .. "gnuplot.setterm(\"dumb\")\ngnuplot.plot(torch.Tensor{1, 3, 2})")

local GDEC = "kept with the figure and replayed at every redraw"
local function deco(name, what, arg, ex)
  D["gnuplot." .. name] = doc("gnuplot." .. name .. "(" .. arg[1] .. ")",
    what .. " of the current figure (" .. GDEC .. ").", { arg },
    GF .. "gnuplot.plot(torch.Tensor{1, 10, 100})\n" .. ex .. GEND)
end
deco("title", "Sets the title", { "text", "the title (drawn literally)" }, "gnuplot.title(\"growth\")")
deco("xlabel", "Sets the x axis label", { "text", "the label" }, "gnuplot.xlabel(\"x\")")
deco("ylabel", "Sets the y axis label", { "text", "the label" }, "gnuplot.ylabel(\"y\")")
deco("zlabel", "Sets the z axis label", { "text", "the label" }, "gnuplot.zlabel(\"z\")")
deco("grid", "Turns grid lines on or off", { "toggle", "true or false" }, "gnuplot.grid(true)")
deco("logscale", "Turns logarithmic x and y axes on or off", { "toggle", "true or false" }, "gnuplot.logscale(true)")
D["gnuplot.movelegend"] = doc("gnuplot.movelegend(hloc, vloc)",
  "Places the legend of the current figure (" .. GDEC .. ").",
  { { "hloc", "'left', 'right' or 'center'" }, { "vloc", "'top', 'bottom' or 'middle'" } },
  GF .. "gnuplot.plot(\"a\", torch.Tensor{1, 2}, torch.Tensor{2, 1}, \"-\")\ngnuplot.movelegend(\"left\", \"bottom\")" .. GEND)
D["gnuplot.axis"] = doc("gnuplot.axis('auto'|'image'|'equal'|'fill'|{xmin, xmax, ymin, ymax})",
  "Sets the axis limits or aspect of the current figure ('' keeps a limit).",
  { { "a", "a mode or the four limits" } },
  GF .. "gnuplot.plot(torch.Tensor{1, 2, 3})\ngnuplot.axis({0, 4, '', 5})\ngnuplot.axis('equal')" .. GEND)
D["gnuplot.raw"] = doc("gnuplot.raw(cmd)",
  "Sends a gnuplot command as written: a plot/splot command draws now, others are replayed before every plot.",
  { { "cmd", "gnuplot code (not escaped)" } },
  GF .. "gnuplot.raw(\"set key off\")\ngnuplot.raw(\"plot sin(x)\")" .. GEND)

return { title = "Plots (require \"moonlab.plot\", require \"gnuplot\")", docs = D }
