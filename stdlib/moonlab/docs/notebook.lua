-- Docstrings: moonlab.notebook and moonlab.tutorial (stdlib/moonlab/notebook/,
-- stdlib/moonlab/tutorial.lua; docs/notebook.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local notebook = require \"moonlab.notebook\"\n"
local NB = "notebook.parse(\"-- %% [markdown]\\n-- # Hi\\n-- %%\\nx = 6 * 7\\nprint(x)\\n\")"

D["moonlab.notebook"] = doc("notebook = require \"moonlab.notebook\"",
  "Notebooks in Jupytext's percent format: parse, run cell by cell, export (moonlab notebook run).",
  {}, PRE .. "print(#" .. NB .. ".cells)",
  "Cells start with \"-- %%\" (code) or \"-- %% [markdown]\" (prose, lines starting \"-- \").\n"
    .. "From the shell: moonlab notebook run NB.lua -o OUT.html | OUT.md; moonlab notebook check NB.lua.")
D["moonlab.notebook.parse"] = doc("notebook.parse(text [, name])",
  "Splits notebook text into cells: {name, cells = {{kind, title, source, line, meta}...}}.",
  { { "text", "the notebook (a Lua script in the percent format)" }, { "name", "its name, for pages" } },
  PRE .. "local nb = " .. NB .. "\nprint(nb.cells[1].kind, nb.cells[2].source)")
D["moonlab.notebook.load"] = doc("notebook.load(path)", "Reads and parses the notebook file at path.",
  { { "path", "a .lua notebook" } },
  PRE .. "local p = os.tmpname()\nlocal f = io.open(p, \"w\") f:write(\"-- %%\\nx = 1\\n\") f:close()\n"
    .. "print(#notebook.load(p).cells)\nos.remove(p)")
D["moonlab.notebook.run"] = doc("notebook.run(nb [, opts])",
  "Runs nb's code cells in order in this Lua state and returns each cell's output, value, plots and error.",
  { { "nb", "a parsed notebook" },
    { "opts", "continue, timeout (s), params = {{name, value}...}, seed, cache, on_cell(cell, result)" } },
  PRE .. "local r = notebook.run(" .. NB .. ")\nprint(r.ok, r.cells[2].output)",
  "Results: {ok, time, cells = {{status = \"ok\"|\"error\"|\"not run\"|\"cached\"|\"prose\", output,\n"
    .. "value, plots = {png...}, error = {cell, line, file_line, message, traceback}, time}}}.")
D["moonlab.notebook.run_file"] = doc("notebook.run_file(path [, opts])",
  "Loads and runs a notebook file; returns the notebook and the results of notebook.run.",
  { { "path", "a .lua notebook" }, { "opts", "as notebook.run" } },
  PRE .. "local p = os.tmpname()\nlocal f = io.open(p, \"w\") f:write(\"-- %%\\nprint(1 + 1)\\n\") f:close()\n"
    .. "local _, r = notebook.run_file(p)\nprint(r.cells[1].output)\nos.remove(p)")
D["moonlab.notebook.parse_param"] = doc("notebook.parse_param(spec)",
  "Splits a --param spec \"name=value\" into the name and its value (number, boolean or string).",
  { { "spec", "\"name=value\"" } }, PRE .. "print(notebook.parse_param(\"epochs=10\"))")

local TPRE = "local tutorial = require \"moonlab.tutorial\"\n"
D["tutorial"] = doc("tutorial([name])",
  "In the REPL: lists the tutorials, or steps through one (:next :back :goto N :list :restart :quit).",
  { { "name", "a tutorial's name or number; nothing lists them" } }, "--norun\ntutorial(\"tensors\")")
D["moonlab.tutorial"] = doc("tutorial = require \"moonlab.tutorial\"",
  "The tutorials (tutorials/NN-name.lua notebooks) and the REPL's step-by-step mode (moonlab tutorial NAME).",
  {}, TPRE .. "for _, t in ipairs(tutorial.list()) do print(t.name, t.title) end")
D["moonlab.tutorial.list"] = doc("tutorial.list()",
  "The tutorials found: {{name, number, title, summary, path}...} in order.", {},
  TPRE .. "print(#tutorial.list() > 0)")
D["moonlab.tutorial.find"] = doc("tutorial.find(name)",
  "The tutorial named name (or numbered so), or nil and a message naming the known ones.",
  { { "name", "a name (\"tensors\") or a number" } }, TPRE .. "print(tutorial.find(1).name)")
D["moonlab.tutorial.dir"] = doc("tutorial.dir()",
  "The folder of the tutorials: $MOONLAB_TUTORIALS, else tutorials/ beside the stdlib.", {},
  TPRE .. "print(tutorial.dir())")
D["moonlab.tutorial.start"] = doc("tutorial.start(name [, opts])",
  "Starts stepping through a tutorial in the REPL, at the step last reached; nil, message if unknown.",
  { { "name", "a tutorial's name or number" }, { "opts", "step = N to start there" } },
  "--norun\nrequire(\"moonlab.tutorial\").start(\"tensors\", {step = 1})")
D["moonlab.tutorial.format"] = doc("tutorial.format(markdown [, color, width])",
  "Prose formatted for the terminal: headings marked, paragraphs wrapped, code coloured.",
  { { "markdown", "CommonMark text" }, { "color", "true for ANSI colours" }, { "width", "columns (80)" } },
  TPRE .. "print(tutorial.format(\"# Title\\n\\nSome `code` here.\"))")
D["moonlab.tutorial.progress"] = doc("tutorial.progress()",
  "The step reached in each tutorial, {name = step}, as saved between sessions.", {},
  TPRE .. "print(type(tutorial.progress()))")
D["moonlab.tutorial.print_list"] = doc("tutorial.print_list()",
  "Writes the tutorials with their summaries (what `moonlab tutorial` prints).", {},
  TPRE .. "tutorial.print_list()")
D["moonlab.tutorial.main"] = doc("tutorial.main(args)",
  "The `moonlab tutorial [NAME]` command: returns the exit status and whether to open the REPL.",
  { { "args", "the words after `tutorial`" } }, TPRE .. "print(tutorial.main({}))")

return { title = "Notebooks and tutorials (require \"moonlab.notebook\")", docs = D }
