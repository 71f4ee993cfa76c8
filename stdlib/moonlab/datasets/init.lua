-- moonlab.datasets: the small classic datasets shipped in data/datasets/
-- (iris, wine, breast_cancer, digits, diabetes, linnerud), synthetic data
-- generators with scikit-learn's names and parameters (make_blobs,
-- make_classification, make_regression, make_moons, make_circles), and a
-- loader for folders of class-named subfolders of PNG images.
--
--   local datasets = require "moonlab.datasets"
--   local iris = datasets.load("iris")      -- {X = 150x4 DoubleTensor, y = LongTensor, ...}
--   local X, y = datasets.make_blobs{n_samples = 300, centers = 3, seed = 1}
--
-- Loaded values equal scikit-learn's loaders' (checked by
-- tests/lua/test_datasets.lua against a fixture).  Generated values follow
-- scikit-learn's recipes but not its numbers (a different random stream).
-- This module builds no data frame itself: the `frame` field comes from
-- moonlab.data when that module is installed.  Not here: downloading
-- datasets (openml, fetch_*), sparse data, images in formats other than PNG.
local torch = require "torch"
local csv = require "moonlab.csv"

local datasets = {}

-- The folder holding the data files: $MOONLAB_DATASETS, else data/datasets
-- three levels above this file (the source tree, and share/moonlab/ after
-- `make install`, which copies data/ next to stdlib/).
local function data_dir()
  local env = os.getenv("MOONLAB_DATASETS")
  if env and env ~= "" then return env end
  local src = debug.getinfo(1, "S").source
  local dir = src:match("^@(.*)/[^/]*$") or "."
  return dir .. "/../../../data/datasets"
end

local function read_text(who, path)
  local f, err = io.open(path, "rb")
  if not f then error(string.format("%s: cannot open %s (%s)", who, path, tostring(err)), 3) end
  local s = f:read("a")
  f:close()
  return s
end

-- A CSV file of the data folder as moonlab.csv columns, every column forced
-- to `kind` ("float" or "integer"; nil: inferred) except those given in
-- opts.types.
local function read_table(who, file, opts, ncol, kind)
  local path = data_dir() .. "/" .. file
  local f = io.open(path, "rb")
  if not f then
    error(string.format("%s: data file %s is missing (set MOONLAB_DATASETS to the data/datasets folder)",
      who, path), 3)
  end
  f:close()
  local types
  if kind then
    types = {}
    for j = 1, ncol do types[j] = kind end
  end
  for j, t in pairs(opts.types or {}) do types = types or {}; types[j] = t end
  local o = { sep = opts.sep, header = opts.header or false, skip = opts.skip, types = types }
  local ok, t = pcall(csv.read, path, o)
  if not ok then error(string.format("%s: cannot read %s: %s", who, path, tostring(t)), 3) end
  if #t.names ~= ncol then
    error(string.format("%s: %s has %d columns, expected %d", who, path, #t.names, ncol), 3)
  end
  return t
end

-- Columns [first, last] of a csv table as an N x D DoubleTensor.
local function matrix(t, first, last)
  local n, d = t.nrows, last - first + 1
  local X = torch.DoubleTensor(n, d)
  for j = 1, d do X:select(2, j):copy(t.columns[t.names[first + j - 1]]) end
  return X
end

-- The first line of sklearn's iris/wine/breast_cancer files:
-- "n_samples,n_features,class names...".
local function header_line(who, file)
  local text = read_text(who, data_dir() .. "/" .. file)
  local line = text:match("^([^\r\n]*)")
  local fields = {}
  for field in (line .. ","):gmatch("([^,]*),") do fields[#fields + 1] = field end
  local n, d = math.tointeger(tonumber(fields[1])), math.tointeger(tonumber(fields[2]))
  local names = {}
  for i = 3, #fields do names[#names + 1] = fields[i] end
  return n, d, names
end

local FEATURES = {
  iris = { "sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)" },
  wine = { "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280/od315_of_diluted_wines", "proline" },
  breast_cancer = {},
  diabetes = { "age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6" },
}
for _, kind in ipairs { "mean", "error", "worst" } do
  for _, p in ipairs { "radius", "texture", "perimeter", "area", "smoothness", "compactness",
    "concavity", "concave points", "symmetry", "fractal dimension" } do
    local names = FEATURES.breast_cancer
    names[#names + 1] = kind == "mean" and ("mean " .. p) or kind == "worst" and ("worst " .. p)
      or (p .. " error")
  end
end

-- Loaders: each returns the fields of the result table (X, y, names ...).
local LOADERS = {}

local function classification_csv(name, file)
  return function(who)
    local n, d, classes = header_line(who, file)
    local t = read_table(who, file, { skip = 1, types = { [d + 1] = "integer" } }, d + 1, "float")
    if t.nrows ~= n then
      error(string.format("%s: %s has %d rows, its header says %d", who, file, t.nrows, n), 3)
    end
    return { X = matrix(t, 1, d), y = t.columns[t.names[d + 1]], feature_names = FEATURES[name],
      target_names = classes, task = "classification" }
  end
end
LOADERS.iris = classification_csv("iris", "iris.csv")
LOADERS.wine = classification_csv("wine", "wine_data.csv")
LOADERS.breast_cancer = classification_csv("breast_cancer", "breast_cancer.csv")

function LOADERS.digits(who, opts)
  local n_class = opts.n_class or 10
  if math.type(n_class) ~= "integer" or n_class < 1 or n_class > 10 then
    error(string.format("%s: n_class must be an integer in 1..10 (got %s)", who, tostring(n_class)), 3)
  end
  -- every value is a small integer: inferred as such, converted by matrix()
  local t = read_table(who, "digits.csv", { sep = "," }, 65, nil)
  local X = matrix(t, 1, 64)
  local y = t.columns[t.names[65]]:long()
  if n_class < 10 then
    local keep = torch.nonzero(y:lt(n_class)):view(-1)
    X, y = X:index(1, keep), y:index(1, keep)
  end
  local names, classes = {}, {}
  for r = 0, 7 do for c = 0, 7 do names[#names + 1] = string.format("pixel_%d_%d", r, c) end end
  for k = 0, 9 do classes[#classes + 1] = tostring(k) end
  return { X = X, y = y, feature_names = names, target_names = classes, task = "classification",
    images = X:view(X:size(1), 8, 8) }
end

function LOADERS.diabetes(who, opts)
  local t = read_table(who, "diabetes_data_raw.csv", { sep = " " }, 10, "float")
  local X = matrix(t, 1, 10)
  if opts.scaled ~= false then
    -- scikit-learn's scaling: centre, divide by the (population) standard
    -- deviation, then by sqrt(n): each column then has a sum of squares of 1.
    local n = X:size(1)
    for j = 1, 10 do
      local c = X:select(2, j)
      c:add(-c:mean())
      local sd = math.sqrt(c:dot(c) / n)
      if sd > 0 then c:div(sd) end
      c:div(math.sqrt(n))
    end
  end
  local ty = read_table(who, "diabetes_target.csv", { sep = "," }, 1, "float")
  return { X = X, y = ty.columns[ty.names[1]], feature_names = FEATURES.diabetes, target_names = {},
    task = "regression" }
end

function LOADERS.linnerud(who)
  local ex = read_table(who, "linnerud_exercise.csv", { sep = " ", header = true }, 3, "float")
  local ph = read_table(who, "linnerud_physiological.csv", { sep = " ", header = true }, 3, "float")
  return { X = matrix(ex, 1, 3), y = matrix(ph, 1, 3), feature_names = ex.names, target_names = ph.names,
    task = "regression" }
end

local DESCR_FILE = { iris = "iris", wine = "wine", breast_cancer = "breast_cancer", digits = "digits",
  diabetes = "diabetes", linnerud = "linnerud" }
local OPTIONS = { iris = {}, wine = {}, breast_cancer = {}, digits = { n_class = true },
  diabetes = { scaled = true }, linnerud = {} }

--- datasets.path(file) -> the full path of a file in the data folder (the
-- raw files the tutorials read, such as "fertility.csv"); raises when it is
-- not there.
function datasets.path(file)
  if type(file) ~= "string" or file:find("..", 1, true) then
    error("datasets.path: expected a file name in the data folder (got " .. tostring(file) .. ")", 2)
  end
  local path = data_dir() .. "/" .. file
  local f = io.open(path, "rb")
  if not f then error("datasets.path: no file " .. file .. " in " .. data_dir(), 2) end
  f:close()
  return path
end

--- datasets.list() -> the names datasets.load accepts, sorted.
function datasets.list()
  local names = {}
  for k in pairs(LOADERS) do names[#names + 1] = k end
  table.sort(names)
  return names
end

-- The frame field, built on first use when moonlab.data is installed.
local result_mt = {
  __index = function(self, k)
    if k ~= "frame" then return nil end
    if not package.searchpath("moonlab.data", package.path) then return nil end
    local frame = require("moonlab.data").DataFrame.from_columns(rawget(self, "names"), rawget(self, "columns"))
    rawset(self, "frame", frame)
    return frame
  end,
}

--- datasets.load(name [, opts]) -> {X, y, feature_names, target_names,
-- description, name, names, columns, frame [, images]}.  opts: scaled
-- (diabetes, default true), n_class (digits, default 10).
function datasets.load(name, opts)
  local who = "datasets.load"
  if type(name) ~= "string" then
    error(string.format("%s: expected a dataset name (got %s); known: %s", who, type(name),
      table.concat(datasets.list(), ", ")), 2)
  end
  local loader = LOADERS[name]
  if not loader then
    error(string.format("%s: unknown dataset '%s' (known: %s)", who, name,
      table.concat(datasets.list(), ", ")), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(string.format("%s: options must be a table (got %s)", who, type(opts)), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if not OPTIONS[name][k] then
      local known = {}
      for o in pairs(OPTIONS[name]) do known[#known + 1] = o end
      table.sort(known)
      error(string.format("%s: unknown option '%s' for %s (known: %s)", who, tostring(k), name,
        #known > 0 and table.concat(known, ", ") or "none"), 2)
    end
  end
  local r = loader(who, opts)
  r.name = name
  r.description = read_text(who, data_dir() .. "/" .. DESCR_FILE[name] .. ".txt")
  -- columns (name -> 1-D tensor) and names (their order): the features, then
  -- the target ("target", or the target names when y has several columns).
  local names, columns = {}, {}
  for j, f in ipairs(r.feature_names) do
    names[j] = f
    columns[f] = r.X:select(2, j):clone()
  end
  if r.y:dim() == 1 then
    names[#names + 1] = "target"
    columns.target = r.y
  else
    for j, f in ipairs(r.target_names) do
      names[#names + 1] = f
      columns[f] = r.y:select(2, j):clone()
    end
  end
  r.names, r.columns = names, columns
  return setmetatable(r, result_mt)
end

local generators = require "moonlab.datasets.generators"
for k, v in pairs(generators) do datasets[k] = v end
datasets.image_folder = require("moonlab.datasets.image_folder").image_folder

return datasets
