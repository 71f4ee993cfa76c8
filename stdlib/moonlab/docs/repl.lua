-- Docstrings: the REPL's helpers (stdlib/moonlab/repl.lua, stdlib/moonlab/help.lua).
local doc = require("moonlab.docs.util").doc
local D = {}

D["help"] = doc("help([x]) | ?name | name?",
  "Shows the docstring of a function, method or module (x a value or a name); help() gives an overview.",
  { { "x", "a function, a module table, a tensor, or a name (\"torch.mm\", \"Tensor:narrow\")" } },
  "help(torch.mm)\nhelp(\"Tensor:narrow\")")
D["apropos"] = doc("apropos(word)", "Lists the documented names whose name or docstring mentions word (any case).",
  { { "word", "a string" } }, "apropos(\"cholesky\")")
D["moonlab.help.register"] = doc("require(\"moonlab.help\").register(name, text)",
  "Makes text the docstring of name (for Lua modules: register next to the function).",
  { { "name", "the full name, \"mymod.fit\"" }, { "text", "signature line, summary line, arguments, Example:" } },
  "require(\"moonlab.help\").register(\"mymod.fit\", \"mymod.fit(X, y)\\nFits the model.\\n\\nExample:\\n  mymod.fit(X, y)\")")
D["moonlab.repl.show"] = doc("require(\"moonlab.repl\").show(v [, cols, rows])",
  "The text the REPL displays for v (pretty tables, tensors fitted to cols x rows).",
  { { "v", "any value" }, { "cols, rows", "the space to fit (default: the terminal)" } },
  "print(require(\"moonlab.repl\").show({b = 1, a = {2, 3}}))")
D["moonlab.repl.add_completer"] = doc("require(\"moonlab.repl\").add_completer(fn)",
  "Adds a completion source: fn(value, sep, prefix) returns names offered after value. or value:.",
  { { "fn", "a function (value, \".\" or \":\", prefix) -> list of names" } },
  "require(\"moonlab.repl\").add_completer(function(v, sep, prefix) return {} end)",
  "A metatable field __complete(value, sep) -> names does the same for one type (data-frame columns).")

return { title = "Help and the REPL", docs = D }
