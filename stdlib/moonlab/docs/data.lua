-- Docstrings: moonlab.data (stdlib/moonlab/data/*.lua, vm/l_frame.c; docs/data.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local data = require \"moonlab.data\"\n"
  .. "local df = data.frame{{\"k\", {\"a\", \"b\", \"a\"}}, {\"x\", {1.5, 2, 3}}, {\"n\", {1, 2, 3}}}\n"
local DF = { "df", "a DataFrame" }

local function fn(name, sig, summary, args, example, notes)
  D["moonlab.data." .. name] = doc(sig, summary, args, PRE .. example, notes)
end
local function m(name, sig, summary, args, example, notes)
  D["DataFrame:" .. name] = doc(sig, summary, args, PRE .. example, notes)
end
local function g(name, sig, summary, args, example, notes)
  D["GroupBy:" .. name] = doc(sig, summary, args, PRE .. example, notes)
end

D["moonlab.data"] = doc("data = require \"moonlab.data\"",
  "Data frames: named, typed columns read from CSV or JSON Lines, cleaned, grouped, joined, turned into tensors.",
  {}, PRE .. "print(df)\nprint(df:group_by(\"k\"):agg{x = \"mean\"})",
  "Numeric columns are tensors, categorical columns LongTensor codes plus levels, string columns\n"
    .. "Lua lists; df.name or df[\"name\"] gives a column's values.  See docs/data.md.")

-- module functions
fn("frame", "data.frame{name = values, ...} | data.frame{{name, values}, ...}",
  "Builds a DataFrame from tensors or Lua lists (the list form keeps its column order).",
  { { "values", "a 1-D tensor, or a list of numbers, strings or booleans" } },
  "print(data.frame{{\"a\", {1, 2}}, {\"b\", {\"x\", \"y\"}}})",
  "Named fields come in sorted name order.  Integer lists become integer columns.")
fn("from_tensor", "data.from_tensor(X [, names])", "A DataFrame with one float column per column of an N x D tensor.",
  { { "X", "an N x D (or N) tensor" }, { "names", "column names (default V1 .. VD)" } },
  "print(data.from_tensor(torch.Tensor{{1, 2}, {3, 4}}, {\"a\", \"b\"}))")
fn("from_csv_table", "data.from_csv_table(t)", "A DataFrame from the table moonlab.csv.read/parse returns.",
  { { "t", "{names, columns, types, levels, missing, nrows}" } },
  "local t = require(\"moonlab.csv\").parse(\"a,b\\n1,x\\n2,y\\n\")\nprint(data.from_csv_table(t))")
fn("read_csv", "data.read_csv(path [, opts])", "Reads a CSV file into a DataFrame (types inferred, parallel for big files).",
  { { "path", "the file" }, { "opts", "moonlab.csv.read's options: sep, header, types, na, columns, nrows ..." } },
  "local p = os.tmpname()\ndf:to_csv(p)\nprint(data.read_csv(p))\nos.remove(p)")
fn("parse_csv", "data.parse_csv(text [, opts])", "Parses CSV text held in a string into a DataFrame.",
  { { "text", "CSV text" }, { "opts", "as data.read_csv" } }, "print(data.parse_csv(\"a,b\\n1,x\\n2,y\\n\"))")
fn("read_csv_chunks", "data.read_csv_chunks(path [, opts])",
  "An iterator over DataFrames of at most opts.rows rows (default 100000) of a big CSV file.",
  { { "path", "the file" }, { "opts", "rows, plus data.read_csv's options" } },
  "local p = os.tmpname()\ndf:to_csv(p)\nfor chunk in data.read_csv_chunks(p, {rows = 2}) do print(chunk:nrows()) end\nos.remove(p)")
fn("read_jsonl", "data.read_jsonl(path)", "Reads a JSON Lines file (one object per line) into a DataFrame.",
  { { "path", "the file" } },
  "local p = os.tmpname()\ndf:to_jsonl(p)\nprint(data.read_jsonl(p))\nos.remove(p)",
  "Columns come in order of first appearance; null and absent keys are missing values;\n"
    .. "nested arrays and objects become their JSON text.")
fn("parse_jsonl", "data.parse_jsonl(text [, where])", "Parses JSON Lines text into a DataFrame.",
  { { "text", "JSON Lines" }, { "where", "names the input in error messages" } },
  "print(data.parse_jsonl('{\"a\": 1, \"b\": \"x\"}\\n{\"a\": null, \"b\": \"\\\\u00e9\"}\\n'))")
fn("image_folder", "data.image_folder(path [, opts])",
  "Loads a folder of class-named subfolders of PNG images: X (N x C x H x W), y, classes (as datasets.image_folder).",
  { { "path", "the root folder" }, { "opts", "type, channels, size, mode, warn: see docs/datasets.md" } },
  "local root = os.tmpname()\nos.remove(root)\nos.execute(\"mkdir -p \" .. root .. \"/cat\")\n"
    .. "require(\"image\").save(root .. \"/cat/1.png\", torch.ByteTensor(1, 4, 4):fill(9))\n"
    .. "local d = data.image_folder(root)\nprint(d.X:size(1), d.classes[1])\nos.execute(\"rm -rf \" .. root)")
fn("concat", "data.concat{df1, df2, ...}", "Stacks the rows of several frames (columns: the union, absent ones missing).",
  { { "frames", "a list of DataFrames" } }, "print(data.concat{df, df:head(1)})")
fn("is_frame", "data.is_frame(v)", "True when v is a DataFrame.", { { "v", "any value" } }, "print(data.is_frame(df))")
D["moonlab.data.DataFrame.from_columns"] = doc("data.DataFrame.from_columns(names, columns) | (list of {name, values})",
  "Builds a DataFrame with columns in the order of names.",
  { { "names", "a list of column names" }, { "columns", "{name = tensor or list}" } },
  PRE .. "print(data.DataFrame.from_columns({\"b\", \"a\"}, {a = {1, 2}, b = {\"x\", \"y\"}}))")

-- methods
m("shape", "df:shape()", "The number of rows and columns.", { DF }, "print(df:shape())")
m("nrows", "df:nrows()", "The number of rows (also #df).", { DF }, "print(df:nrows())")
m("ncols", "df:ncols()", "The number of columns.", { DF }, "print(df:ncols())")
m("dtypes", "df:dtypes()", "A table {name = kind} of the column kinds.", { DF }, "print(df:dtypes().x)")
m("kind", "df:kind(name)", "The kind of a column: float, integer, boolean, string, categorical, date, datetime.",
  { DF, { "name", "a column" } }, "print(df:kind(\"n\"))")
m("levels", "df:levels(name)", "The levels of a categorical column (nil for other kinds).",
  { DF, { "name", "a column" } }, "print(df:astype{k = \"categorical\"}:levels(\"k\")[2])")
m("get", "df:get(name)", "A column's values (tensor or list); the same as df.name when name is not a method.",
  { DF, { "name", "a column" } }, "print(df:get(\"x\"))")
m("has", "df:has(name)", "True when the frame has that column.", { DF, { "name", "a column name" } }, "print(df:has(\"x\"))")
m("value", "df:value(i, name)", "The Lua value at row i of a column (nil when missing).",
  { DF, { "i", "row (1-based)" }, { "name", "a column" } }, "print(df:value(2, \"k\"))")
m("row", "df:row(i)", "Row i as a table {name = value} (missing values absent).", { DF, { "i", "row (1-based)" } },
  "print(df:row(1).k)")
m("rows", "df:rows()", "An iterator over i, row for every row.", { DF }, "for i, r in df:rows() do print(i, r.x) end")
m("set_column", "df:set_column(name, values)", "Adds or replaces a column in place (df.name = values does the same).",
  { DF, { "name", "column name" }, { "values", "tensor, list, or one value repeated; nil removes" } },
  "df:set_column(\"y\", df.x * 2)\nprint(df)")
m("copy", "df:copy()", "A frame with copies of every column.", { DF }, "print(df:copy())")
m("take", "df:take(idx)", "The rows at 1-based indices (LongTensor or list), in that order.",
  { DF, { "idx", "row indices" } }, "print(df:take{3, 1})")
m("head", "df:head([n])", "The first n rows (default 5).", { DF, { "n", "rows" } }, "print(df:head(2))")
m("tail", "df:tail([n])", "The last n rows (default 5).", { DF, { "n", "rows" } }, "print(df:tail(2))")
m("select", "df:select(cols)", "The frame with only those columns, in that order.",
  { DF, { "cols", "a name or a list of names" } }, "print(df:select{\"x\", \"k\"})")
m("drop", "df:drop(cols)", "The frame without those columns.", { DF, { "cols", "a name or a list" } }, "print(df:drop(\"n\"))")
m("rename", "df:rename{old = \"new\", ...}", "The frame with columns renamed.", { DF, { "map", "old name -> new name" } },
  "print(df:rename{x = \"score\"})")
m("filter", "df:filter(mask | predicate)", "The rows where a ByteTensor mask is nonzero, or where predicate(row) is true.",
  { DF, { "mask", "ByteTensor of nrows, e.g. df.x:gt(1.8)" }, { "predicate", "function(row, i) -> boolean" } },
  "print(df:filter(df.x:gt(1.8)))\nprint(df:filter(function(r) return r.k == \"a\" end))")
m("mutate", "df:mutate{name = values | function(df), ...}", "A new frame with columns added or replaced (assign is the same).",
  { DF, { "spec", "{name = values or function(df) -> values}, or a list of {name, values}" } },
  "print(df:mutate{y = function(d) return d.x * 10 end})")
m("assign", "df:assign{name = values, ...}", "The same as df:mutate.", { DF, { "spec", "as mutate" } },
  "print(df:assign{y = 1})")
m("to_tensor", "df:to_tensor([cols])", "An N x D DoubleTensor of the columns (default: every numeric column).",
  { DF, { "cols", "a name or a list; categorical columns give their codes" } },
  "print(df:to_tensor())", "Missing values are NaN.  The ml estimators call X:to_tensor() on frames.")
m("column_tensor", "df:column_tensor(name)", "One column as a DoubleTensor (NaN where missing).",
  { DF, { "name", "a column" } }, "print(df:column_tensor(\"n\"))")
m("isna", "df:isna()", "A frame of ByteTensor masks, 1 where a value is missing.", { DF }, "print(df:isna())")
m("missing", "df:missing(name)", "A ByteTensor, 1 where the column's value is missing.", { DF, { "name", "a column" } },
  "print(df:missing(\"x\"):sum())")
m("tostring", "df:tostring([opts])", "The frame as a table of text that fits the terminal (also tostring(df)).",
  { DF, { "opts", "rows (shown, head and tail halves), width (default: the terminal's)" } },
  "print(df:tostring{width = 30})")
m("print", "df:print([opts])", "Prints the frame (opts as df:tostring).", { DF, { "opts", "rows, width" } }, "df:print()")
m("info", "df:info([quiet])", "Prints and returns each column's kind, non-missing count and memory.",
  { DF, { "quiet", "true: only return the text" } }, "df:info()")
m("describe", "df:describe([opts])",
  "Statistics per column: count, mean, std, min, quartiles, max (numeric); count, unique, top, freq (others).",
  { DF, { "opts", "include = \"all\" describes every column as text-like" } }, "print(df:describe())")
m("value_counts", "df:value_counts(col [, opts])", "A frame {col, count} of the distinct values, most frequent first.",
  { DF, { "col", "a column" }, { "opts", "normalize = true gives proportions" } }, "print(df:value_counts(\"k\"))")
m("unique", "df:unique(col)", "The distinct values of a column in order of appearance (a list).",
  { DF, { "col", "a column" } }, "print(table.concat(df:unique(\"k\"), \",\"))")
m("nunique", "df:nunique(col)", "The number of distinct non-missing values of a column.", { DF, { "col", "a column" } },
  "print(df:nunique(\"k\"))")
m("drop_duplicates", "df:drop_duplicates([cols])", "The first row of each distinct combination of cols (default: all).",
  { DF, { "cols", "a name or a list" } }, "print(df:drop_duplicates(\"k\"))")
m("sort_values", "df:sort_values(by [, opts])", "The rows sorted by one or more columns; stable, missing values last.",
  { DF, { "by", "a name or a list" }, { "opts", "ascending = true | false | {per column}" } },
  "print(df:sort_values({\"k\", \"x\"}, {ascending = {true, false}}))")
m("sort", "df:sort(by [, opts])", "The same as df:sort_values.", { DF, { "by", "names" }, { "opts", "ascending" } },
  "print(df:sort(\"x\", {ascending = false}))")
m("order", "df:order(by [, opts])", "The row permutation (LongTensor) that sort_values applies.",
  { DF, { "by", "names" }, { "opts", "ascending" } }, "print(df:order(\"x\"))")
m("group_by", "df:group_by(keys [, opts])", "Groups rows by one or more key columns; then :agg{col = \"mean\", ...}.",
  { DF, { "keys", "a name or a list" }, { "opts", "dropna = false keeps missing keys as a group" } },
  "print(df:group_by(\"k\"):agg{x = \"mean\", n = {\"sum\", \"max\"}})", "Grouping runs in C; groups come in key order.")
m("groupby", "df:groupby(keys [, opts])", "The same as df:group_by.", { DF, { "keys", "names" }, { "opts", "dropna" } },
  "print(df:groupby(\"k\"):size())")
m("join", "df:join(other [, opts])", "Database join on key columns: inner, left, right or outer (pandas' merge order).",
  { DF, { "other", "a DataFrame" }, { "opts", "on (names; default the common columns), how, suffixes = {\"_x\", \"_y\"}" } },
  "local r = data.frame{{\"k\", {\"a\", \"c\"}}, {\"w\", {10, 20}}}\nprint(df:join(r, {on = \"k\", how = \"left\"}))")
m("merge", "df:merge(other [, opts])", "The same as df:join.", { DF, { "other", "a DataFrame" }, { "opts", "on, how, suffixes" } },
  "print(df:merge(df:select{\"k\", \"n\"}:head(1), {on = \"k\"}))")
m("concat", "df:concat(other, ...)", "The rows of df followed by those of the other frames.",
  { DF, { "other", "DataFrames" } }, "print(df:concat(df))")
m("pivot", "df:pivot{index =, columns =, values = [, agg = \"mean\"]}",
  "A wide table: a row per index value, a column per distinct value of `columns` (pandas' pivot_table).",
  { DF, { "opts", "index, columns, values: column names; agg: an aggregate name" } },
  "print(df:pivot{index = \"k\", columns = \"n\", values = \"x\"})")
m("melt", "df:melt{id_vars =, value_vars = [, var_name, value_name]}", "A long table: one row per id row and value column.",
  { DF, { "opts", "id_vars, value_vars (lists), var_name (\"variable\"), value_name (\"value\")" } },
  "print(df:melt{id_vars = {\"k\"}, value_vars = {\"x\", \"n\"}})")
m("sample", "df:sample(n | {n =, frac =, seed =, replace =})", "Random rows, without replacement unless replace = true.",
  { DF, { "opts", "n or frac; seed for a repeatable draw" } }, "print(df:sample{n = 2, seed = 1})")
m("shuffle", "df:shuffle([seed])", "The rows in a random order.", { DF, { "seed", "a number for a repeatable order" } },
  "print(df:shuffle(3))")
m("dropna", "df:dropna([opts])", "The rows without missing values.",
  { DF, { "opts", "subset (columns checked), how = \"any\" | \"all\"" } }, "print(df:dropna())")
m("fillna", "df:fillna(value | {col = value} | \"mean\" | \"median\" | \"mode\" | \"ffill\" | \"bfill\")",
  "Replaces missing values by a value or a statistic of the column.",
  { DF, { "spec", "one value or method for every column it fits, or a table per column" } },
  "local d = data.frame{a = {1, 0 / 0, 3}}\nprint(d:fillna(\"mean\"))")
m("label_encode", "df:label_encode(col)", "The frame with col replaced by 1-based codes of its sorted values, and those values.",
  { DF, { "col", "a column" } }, "local e, levels = df:label_encode(\"k\")\nprint(e.k, levels[2])")
m("one_hot", "df:one_hot(col [, opts])", "The frame with col replaced by a 0/1 column per distinct value (col_value).",
  { DF, { "col", "a column" }, { "opts", "prefix, drop_first" } }, "print(df:one_hot(\"k\"))")
m("astype", "df:astype{col = kind}", "Converts columns: \"categorical\", \"string\", \"float\" or \"integer\".",
  { DF, { "spec", "{name = kind}" } }, "print(df:astype{k = \"categorical\", n = \"float\"}:dtypes().k)")
m("to_csv", "df:to_csv(path [, opts])", "Writes the frame as CSV, atomically.",
  { DF, { "path", "the file" }, { "opts", "sep, header" } }, "local p = os.tmpname()\ndf:to_csv(p)\nos.remove(p)")
m("to_jsonl", "df:to_jsonl(path)", "Writes the frame as JSON Lines (one object per row; missing: null), atomically.",
  { DF, { "path", "the file" } }, "local p = os.tmpname()\ndf:to_jsonl(p)\nos.remove(p)")
m("to_jsonl_string", "df:to_jsonl_string()", "The JSON Lines text of the frame.", { DF }, "io.write(df:to_jsonl_string())")

-- GroupBy
local GB = { "gb", "a GroupBy from df:group_by(keys)" }
g("agg", "gb:agg(spec)", "One row per group: the keys, then each aggregate (mean, sum, count, min, max, std, var, median, size, or a function).",
  { GB, { "spec", "{col = \"mean\"}, {col = {\"mean\", \"max\"}}, {col = function(values)}, or {{col, op, name}, ...}" } },
  "print(df:group_by(\"k\"):agg{x = {\"mean\", \"max\"}, n = function(v) return v:sum() end})")
g("aggregate", "gb:aggregate(spec)", "The same as gb:agg.", { GB, { "spec", "as agg" } },
  "print(df:group_by(\"k\"):aggregate{x = \"sum\"})")
for _, op in ipairs { "mean", "sum", "count", "min", "max", "std", "var", "median" } do
  g(op, "gb:" .. op .. "()", "The " .. op .. " of every numeric non-key column per group.", { GB },
    "print(df:group_by(\"k\"):" .. op .. "())")
end
g("size", "gb:size()", "The keys and the number of rows of each group (column size).", { GB }, "print(df:group_by(\"k\"):size())")
g("groups", "gb:groups()", "An iterator over key_row, sub-frame for each group, in key order.", { GB },
  "for key, part in df:group_by(\"k\"):groups() do print(key.k, part:nrows()) end")

return { title = "Data frames (require \"moonlab.data\")", docs = D }
