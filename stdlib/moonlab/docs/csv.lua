-- Docstrings: moonlab.csv (stdlib/moonlab/csv.lua, vm/l_csv.c; docs/csv.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local OPTS = { "opts", "sep, header, types = {col = \"float\" ...}, na = {...}, rows ...: see docs/csv.md" }
local RESULT = "The result: {names, columns[name], types[name], levels[name], missing[name], nrows ...};\n"
  .. "numbers become LongTensor/DoubleTensor columns, strings categorical codes or string lists."
local PRE = "local csv = require \"moonlab.csv\"\n"

D["moonlab.csv"] = doc("csv = require \"moonlab.csv\"", "Reads delimited text files into typed tensor columns and writes them back.",
  {}, PRE .. "print(csv.parse(\"a,b\\n1,x\\n2,y\\n\").columns.a)")
D["moonlab.csv.read"] = doc("csv.read(path [, opts])", "Reads a whole CSV file into typed columns (parallel for big files).",
  { { "path", "the file" }, OPTS },
  PRE .. "local path = os.tmpname()\nlocal f = io.open(path, \"w\") f:write(\"x,y\\n1,2.5\\n\") f:close()\nprint(csv.read(path).types.y)\nos.remove(path)",
  RESULT)
D["moonlab.csv.parse"] = doc("csv.parse(text [, opts])", "Parses CSV text held in a string, as csv.read does a file.",
  { { "text", "the CSV text" }, OPTS }, PRE .. "print(csv.parse(\"a,b\\n1,x\\n2,y\\n\").types.b)", RESULT)
D["moonlab.csv.read_chunks"] = doc("csv.read_chunks(path [, opts])",
  "An iterator over chunks of opts.rows rows (default 100000), each a table like csv.read's.",
  { { "path", "the file" }, OPTS },
  PRE .. "local path = os.tmpname()\nlocal f = io.open(path, \"w\") f:write(\"x\\n1\\n2\\n3\\n\") f:close()\n"
    .. "for chunk in csv.read_chunks(path, {rows = 2}) do print(chunk.nrows) end\nos.remove(path)")
D["moonlab.csv.write"] = doc("csv.write(path, tbl [, opts])", "Writes a table shaped like csv.read's result, atomically.",
  { { "path", "the file" }, { "tbl", "{names, columns, [types, levels, missing, nrows]}" },
    { "opts", "sep (default \",\"), header (default true)" } },
  PRE .. "local path = os.tmpname()\ncsv.write(path, {names = {\"id\"}, columns = {id = torch.LongTensor{1, 2}}})\n"
    .. "print(csv.read(path).nrows)\nos.remove(path)")

return { title = "CSV files (require \"moonlab.csv\")", docs = D }
