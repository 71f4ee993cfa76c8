-- Docstrings: torch.CmdLine (stdlib/torch/cmdline.lua; docs/cmdline.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local NEW = "local cmd = torch.CmdLine()\nfunction cmd:error(msg) error(msg, 0) end\n"
D["torch.CmdLine"] = doc("torch.CmdLine()", "A parser of script options and arguments (Torch7's).", {},
  NEW .. "cmd:option(\"-lr\", 0.1, \"learning rate\")\nprint(cmd:parse({\"-lr\", \"0.5\"}).lr)")
local function C(name, sig, summary, args, ex)
  D["CmdLine:" .. name] = doc(sig, summary, args, ex)
end
C("option", "cmd:option(name, default, help [, type])", "Declares an option (\"-lr\"); its value lands in opt.lr.",
  { { "name", "\"-name\" or \"--name\"" }, { "default", "a number, string or boolean (booleans flip when given)" },
    { "help", "a line for the help text" }, { "type", "\"number\", \"string\" or \"boolean\"" } },
  NEW .. "cmd:option(\"-plot\", false, \"plot\")\nprint(cmd:parse({\"-plot\"}).plot)")
C("argument", "cmd:argument(name, help [, type])", "Declares a required positional argument.",
  { { "name", "its key in the result" }, { "help", "a line for the help text" }, { "type", "\"string\" (default) or \"number\"" } },
  NEW .. "cmd:argument(\"data\", \"input file\")\nprint(cmd:parse({\"x.csv\"}).data)")
C("text", "cmd:text([txt])", "Adds a line to the help text (an empty one without txt).", { { "txt", "a string" } },
  NEW .. "cmd:text(\"Train a model\")")
C("parse", "cmd:parse([arg])", "Parses arg (default: the script's arg) into a table of options and arguments.",
  { { "arg", "a list of strings" } }, NEW .. "cmd:option(\"-n\", 1, \"count\")\nprint(cmd:parse({}).n)")
C("help", "cmd:help()", "Prints the help text on standard output.", {}, "--norun: prints the help\ncmd:help()")
C("helpText", "cmd:helpText()", "The help text as a string.", {}, NEW .. "cmd:text(\"usage\")\nprint(cmd:helpText())")
C("error", "cmd:error(msg)", "Prints msg and the help on standard error and exits 1 (replace it to raise instead).",
  { { "msg", "the message" } }, "--norun: exits the process\ncmd:error(\"bad option\")")
C("string", "cmd:string(prefix, params [, ignore])", "A name for an experiment from its non-default options.",
  { { "prefix", "a string" }, { "params", "the table from parse" }, { "ignore", "a set of option names to leave out" } },
  NEW .. "cmd:option(\"-lr\", 0.1, \"\")\nprint(cmd:string(\"run\", cmd:parse({\"-lr\", \"1\"}), {}))")
C("log", "cmd:log(file [, params])", "Copies what the script prints into file (and logs params).",
  { { "file", "a path" }, { "params", "a table to record" } }, "--norun: redirects print for the whole process\ncmd:log(\"run.log\")")
C("addTime", "cmd:addTime([name] [, format])", "Prefixes logged lines with the time.",
  { { "name", "a label" }, { "format", "an os.date format" } }, NEW .. "cmd:addTime(\"train\")")
C("silent", "cmd:silent()", "Logged lines go only to the file, not to the screen.", {}, NEW .. "cmd:silent()")
C("new", "torch.CmdLine.new()", "The same as torch.CmdLine().", {}, "print(torch.typename(torch.CmdLine.new()))")

return { title = "Script options (torch.CmdLine)", docs = D }
