-- test_datasets.lua: moonlab.datasets.  The bundled datasets against what
-- scikit-learn's loaders return (tests/fixtures/datasets/datasets.lua, made by
-- make_datasets.py); the generators by the properties of their recipes (and
-- against scikit-learn where the output is deterministic); image_folder on
-- PNG files written here.
local H = dofile("tests/lua/harness.lua")
local datasets = require "moonlab.datasets"
local image = require "moonlab.image"
local REF = dofile("tests/fixtures/datasets/datasets.lua")
local GEN = dofile("tests/fixtures/datasets/generators.lua")

local function rel_near(got, want, tol, msg)
  H.ok(math.abs(got - want) <= tol * math.max(1, math.abs(want)),
    string.format("%s: got %.17g, expected %.17g", msg, got, want))
end

local function check_against(name, d, ref)
  H.eq(d.X:dim(), 2, name)
  H.eq(torch.typename(d.X), "torch.DoubleTensor", name)
  H.eq(d.X:size(1), ref.shape[1], name .. " rows")
  H.eq(d.X:size(2), ref.shape[2], name .. " columns")
  H.eq(d.y:dim(), #ref.y_shape, name .. " y rank")
  H.eq(d.y:size(1), ref.y_shape[1], name .. " y rows")
  H.eq(torch.typename(d.y), ref.y_integer and "torch.LongTensor" or "torch.DoubleTensor", name .. " y type")
  H.eq(table.concat(d.feature_names, "|"), table.concat(ref.feature_names, "|"), name .. " feature names")
  if name ~= "digits" then
    H.eq(table.concat(d.target_names, "|"), table.concat(ref.target_names, "|"), name .. " target names")
  end
  local sums, sumsq = d.X:sum(1), torch.cmul(d.X, d.X):sum(1)
  for j = 1, ref.shape[2] do
    rel_near(sums[1][j], ref.col_sums[j], 1e-12, name .. " column sum " .. j)
    rel_near(sumsq[1][j], ref.col_sumsq[j], 1e-12, name .. " column sum of squares " .. j)
  end
  local ysum = d.y:dim() == 1 and { d.y:double():sum() } or d.y:sum(1):view(-1):totable()
  for j, s in ipairs(ref.y_sum) do rel_near(ysum[j], s, 1e-12, name .. " target sum") end
  for k, i in ipairs(ref.rows) do
    for j, v in ipairs(ref.X_rows[k]) do
      H.near(d.X[i + 1][j], v, 1e-13, string.format("%s X[%d][%d]", name, i + 1, j))
    end
    local yrow = d.y:dim() == 1 and { d.y[i + 1] } or d.y[i + 1]:totable()
    for j, v in ipairs(ref.y_rows[k]) do H.eq(yrow[j] + 0.0, v, name .. " y row " .. (i + 1)) end
  end
end

H.test("list", function()
  H.eq(table.concat(datasets.list(), " "), "breast_cancer diabetes digits iris linnerud wine")
end)

for _, name in ipairs { "iris", "wine", "breast_cancer", "digits", "diabetes", "linnerud" } do
  H.test("load " .. name .. " equals scikit-learn's loader", function()
    local d = datasets.load(name)
    check_against(name, d, REF[name])
    H.eq(d.name, name)
    H.ok(type(d.description) == "string" and d.description:find("Source:", 1, true), name .. " description")
  end)
end

H.test("load diabetes unscaled equals scikit-learn's scaled=False", function()
  check_against("diabetes", datasets.load("diabetes", { scaled = false }), REF.diabetes_raw)
end)

H.test("diabetes scaling: every column has mean 0 and sum of squares 1", function()
  local X = datasets.load("diabetes").X
  for j = 1, 10 do
    local c = X:select(2, j)
    H.near(c:mean(), 0, 1e-15)
    H.near(c:dot(c), 1, 1e-13)
  end
end)

H.test("columns and names follow the features, then the target", function()
  local d = datasets.load("iris")
  H.eq(#d.names, 5)
  H.eq(d.names[5], "target")
  for j = 1, 4 do
    H.eq(d.names[j], d.feature_names[j])
    H.eq(d.columns[d.names[j]]:dim(), 1)
    H.ok(d.columns[d.names[j]]:equal(d.X:select(2, j)), d.names[j])
  end
  H.ok(d.columns.target:equal(d.y))
  local l = datasets.load("linnerud")
  H.eq(table.concat(l.names, " "), "Chins Situps Jumps Weight Waist Pulse")
  H.ok(l.columns.Pulse:equal(l.y:select(2, 3)))
  -- columns are copies: changing one leaves X alone
  d.columns[d.names[1]]:fill(0)
  H.ok(d.X[1][1] == 5.1)
end)

H.test("frame is moonlab.data's DataFrame of the columns, built once", function()
  local d = datasets.load("wine")
  local f = d.frame
  H.ok(f ~= nil, "frame built")
  H.ok(rawequal(d.frame, f), "frame built once")
  local n, k = f:shape()
  H.eq(n, 178)
  H.eq(k, 14)
  H.eq(table.concat(f.columns, " "), table.concat(d.names, " "))
  for _, name in ipairs(d.names) do
    H.ok(f[name]:equal(d.columns[name]), "column " .. name)
  end
end)

H.test("digits: images view and n_class", function()
  local d = datasets.load("digits")
  H.eq(d.images:dim(), 3)
  H.eq(d.images:size(2), 8)
  H.eq(d.images[5][3][7], d.X[5][(3 - 1) * 8 + 7])
  H.eq(d.feature_names[10], "pixel_1_1")
  local five = datasets.load("digits", { n_class = 5 })
  H.eq(five.y:max(), 4)
  H.eq(five.X:size(1), d.y:lt(5):sum())
  H.ok(five.X[1]:equal(d.X[1]))
  H.eq(torch.typename(d.y), "torch.LongTensor")
  H.eq(d.y:min(), 0)
  H.eq(d.y:max(), 9)
end)

H.test("load errors", function()
  H.check_error("datasets.load: unknown dataset 'irs' (known: breast_cancer, diabetes, digits, iris, linnerud, wine)",
    datasets.load, "irs")
  H.check_error("datasets.load: expected a dataset name (got number)", datasets.load, 3)
  H.check_error("datasets.load: unknown option 'scaled' for iris (known: none)", datasets.load, "iris", { scaled = true })
  H.check_error("datasets.load: options must be a table (got string)", datasets.load, "iris", "x")
  H.check_error("datasets.load: n_class must be an integer in 1..10 (got 11)", datasets.load, "digits", { n_class = 11 })
end)

-- generators ---------------------------------------------------------------

local function counts(y, k)
  local c = {}
  for i = 0, k - 1 do c[i + 1] = y:eq(i):sum() end
  return c
end

H.test("the same seed gives the same data, another seed other data", function()
  for _, name in ipairs { "make_blobs", "make_classification", "make_regression", "make_moons", "make_circles" } do
    local f = datasets[name]
    local X1, y1 = f { seed = 7, n_samples = 50, noise = name:match("moons") and 0.1 or nil }
    local X2, y2 = f { seed = 7, n_samples = 50, noise = name:match("moons") and 0.1 or nil }
    local X3 = f { seed = 8, n_samples = 50, noise = name:match("moons") and 0.1 or nil }
    H.ok(X1:equal(X2) and y1:equal(y2), name .. ": same seed")
    H.ok(not X1:equal(X3), name .. ": another seed")
  end
  local g1, g2 = torch.Generator(), torch.Generator()
  torch.manualSeed(g1, 3)
  torch.manualSeed(g2, 3)
  H.ok(datasets.make_blobs { generator = g1 }:equal(datasets.make_blobs { generator = g2 }), "generator option")
  H.check_error("datasets.make_moons: generator must be a torch.Generator (got number)", datasets.make_moons,
    { generator = 3 })
end)

H.test("make_blobs: counts, centers and spread", function()
  local X, y, centers = datasets.make_blobs { n_samples = 3001, n_features = 3, centers = 3, cluster_std = 0.5, seed = 1 }
  H.eq(X:size(1), 3001)
  H.eq(X:size(2), 3)
  H.eq(torch.typename(y), "torch.LongTensor")
  local c = counts(y, 3)
  H.eq(c[1], 1001); H.eq(c[2], 1000); H.eq(c[3], 1000)
  H.ok(centers:ge(-10):all() and centers:lt(10):all(), "centers in center_box")
  for k = 0, 2 do
    local rows = X:index(1, torch.nonzero(y:eq(k)):view(-1))
    local m = rows:mean(1)
    for j = 1, 3 do
      -- the mean of 1000 draws of sd 0.5 is within 5 standard errors
      H.ok(math.abs(m[1][j] - centers[k + 1][j]) < 5 * 0.5 / math.sqrt(1000), "cluster mean")
      H.near(rows:select(2, j):std(), 0.5, 0.1, "cluster sd")
    end
  end
  -- given centers, per-cluster counts and standard deviations
  local X2, y2, c2 = datasets.make_blobs { n_samples = { 10, 400 }, centers = { { 0, 0 }, { 100, 100 } },
    cluster_std = { 0, 2 }, shuffle = false, seed = 2 }
  H.eq(X2:size(1), 410)
  H.ok(c2:equal(torch.DoubleTensor { { 0, 0 }, { 100, 100 } }))
  H.ok(X2:narrow(1, 1, 10):eq(0):all(), "sd 0 puts every point on its center")
  H.eq(y2:narrow(1, 1, 10):sum(), 0)
  H.eq(y2:narrow(1, 11, 400):sum(), 400)
  H.near(X2:narrow(1, 11, 400):std(), 2, 0.15)
  -- default: 3 random centers when n_samples is a number, len(n_samples) when a list
  local _, _, c3 = datasets.make_blobs { n_samples = { 5, 5, 5, 5 }, seed = 1 }
  H.eq(c3:size(1), 4)
end)

H.test("make_blobs errors", function()
  H.check_error("datasets.make_blobs: unknown option 'n_sample' (known: center_box, centers, cluster_std, "
    .. "generator, n_features, n_samples, seed, shuffle)", datasets.make_blobs, { n_sample = 3 })
  H.check_error("datasets.make_blobs: cluster_std lists 2 values for 3 centers", datasets.make_blobs,
    { cluster_std = { 1, 2 } })
  H.check_error("datasets.make_blobs: n_samples lists 2 clusters but centers has 3 rows", datasets.make_blobs,
    { n_samples = { 1, 2 }, centers = { { 0 }, { 1 }, { 2 } } })
  H.check_error("datasets.make_blobs: n_samples must be >= 1 (got 0)", datasets.make_blobs, { n_samples = 0 })
  H.check_error("datasets.make_blobs: seed must be an integer (got 1.5)", datasets.make_blobs, { seed = 1.5 })
  H.check_error("datasets.make_blobs: options must be a table (got number)", datasets.make_blobs, 5)
end)

H.test("make_classification: balance, weights, redundant and repeated features", function()
  local X, y = datasets.make_classification { n_samples = 1000, n_features = 10, n_informative = 3,
    n_redundant = 2, n_repeated = 1, n_classes = 3, n_clusters_per_class = 1, flip_y = 0, seed = 4,
    shuffle = false, class_sep = 3 }
  H.eq(X:size(1), 1000)
  H.eq(X:size(2), 10)
  local c = counts(y, 3)
  H.eq(c[1], 334); H.eq(c[2], 333); H.eq(c[3], 333)
  -- redundant columns 4, 5 are combinations of 1..3: least squares fits them exactly
  local A, B = X:narrow(2, 1, 3), X:narrow(2, 4, 2)
  local coef = torch.gels(B:clone(), A:clone()):narrow(1, 1, 3)
  H.ok((torch.mm(A, coef) - B):abs():max() < 1e-9, "redundant features are linear combinations")
  -- column 6 repeats one of columns 1..5
  local rep = false
  for j = 1, 5 do rep = rep or X:select(2, 6):equal(X:select(2, j)) end
  H.ok(rep, "repeated feature")
  -- useless features 7..10 are standard normal
  local U = X:narrow(2, 7, 4)
  H.near(U:mean(), 0, 0.1)
  H.near(U:std(), 1, 0.1)
  -- the classes sit on distinct hypercube vertices +-class_sep: class means differ
  local means = {}
  for k = 0, 2 do means[k + 1] = A:index(1, torch.nonzero(y:eq(k)):view(-1)):mean(1) end
  H.ok((means[1] - means[2]):norm() > 3 and (means[2] - means[3]):norm() > 3, "classes are separated")
  -- weights
  local _, yw = datasets.make_classification { n_samples = 1000, weights = { 0.9 }, flip_y = 0, seed = 5 }
  local cw = counts(yw, 2)
  -- scikit-learn truncates 1000 * 0.0999.../2 to 49 per cluster and gives the
  -- two left-over samples to the first two clusters: [901, 99] there too
  H.eq(cw[1], 901)
  H.eq(cw[2], 99)
  -- flip_y reassigns about that fraction (half of them to their own class)
  local _, y0 = datasets.make_classification { n_samples = 4000, flip_y = 0, seed = 6, shuffle = false }
  local _, y1 = datasets.make_classification { n_samples = 4000, flip_y = 0.2, seed = 6, shuffle = false }
  local changed = y0:ne(y1):sum() / 4000
  H.ok(changed > 0.07 and changed < 0.13, "flip_y 0.2 changes about 10% of labels: " .. changed)
  -- shuffle keeps the class counts and permutes the features
  local Xs, ys = datasets.make_classification { n_samples = 200, flip_y = 0, seed = 9 }
  local cs = counts(ys, 2)
  H.eq(cs[1], 100)
  H.eq(Xs:size(2), 20)
  -- random shift and scale
  local Xr = datasets.make_classification { n_samples = 100, shift = false, scale = false, seed = 1 }
  H.ok(Xr:std(1):max() > 5, "scale = false stretches the features")
end)

H.test("make_classification errors", function()
  H.check_error("datasets.make_classification: n_informative + n_redundant + n_repeated (25) must be <= n_features (20)",
    datasets.make_classification, { n_informative = 20, n_redundant = 5 })
  H.check_error("datasets.make_classification: n_classes * n_clusters_per_class (6) must be <= 2^n_informative (4)",
    datasets.make_classification, { n_classes = 3 })
  H.check_error("datasets.make_classification: weights must list n_classes (2) or n_classes - 1 numbers",
    datasets.make_classification, { weights = { 0.1, 0.2, 0.7 } })
end)

H.test("make_regression: y = X coef + bias exactly without noise", function()
  local X, y, coef = datasets.make_regression { n_samples = 60, n_features = 8, n_informative = 3, bias = 2.5, seed = 3 }
  H.eq(X:size(1), 60)
  H.eq(X:size(2), 8)
  H.eq(y:dim(), 1)
  H.ok(y:equal(torch.mv(X, coef):add(2.5)), "y == X * coef + bias")
  H.eq(coef:ne(0):sum(), 3)
  H.ok(coef:ge(0):all() and coef:lt(100):all())
  -- noise: residuals have the requested standard deviation
  local Xn, yn, cn = datasets.make_regression { n_samples = 4000, n_features = 5, noise = 3, seed = 4 }
  local r = yn - torch.mv(Xn, cn)
  H.near(r:mean(), 0, 0.2)
  H.near(r:std(), 3, 0.05)
  -- several targets
  local X2, y2, c2 = datasets.make_regression { n_samples = 30, n_features = 4, n_informative = 2, n_targets = 3, seed = 1 }
  H.eq(y2:size(2), 3)
  H.eq(c2:size(1), 4)
  H.eq(c2:size(2), 3)
  H.ok((y2 - torch.mm(X2, c2)):abs():max() < 1e-12)
  -- effective_rank: the singular values follow scikit-learn's profile
  local Xl = datasets.make_regression { n_samples = 50, n_features = 10, effective_rank = 2, tail_strength = 0.3, seed = 2 }
  local _, s = torch.svd(Xl)
  for i = 1, 10 do
    local x = (i - 1) / 2
    H.near(s[i], 0.7 * math.exp(-x * x) + 0.3 * math.exp(-0.1 * x), 1e-10, "singular value " .. i)
  end
end)

local function check_points(name, X, y, ref)
  H.eq(X:size(1), #ref.X, name)
  for i, row in ipairs(ref.X) do
    H.near(X[i][1], row[1], 1e-15, name)
    H.near(X[i][2], row[2], 1e-15, name)
    H.eq(y[i], ref.y[i], name)
  end
end

H.test("make_moons and make_circles equal scikit-learn's without noise and shuffling", function()
  check_points("moons 7", datasets.make_moons { n_samples = 7, shuffle = false }, select(2,
    datasets.make_moons { n_samples = 7, shuffle = false }), GEN.moons_7)
  local X, y = datasets.make_moons { n_samples = { 2, 5 }, shuffle = false }
  check_points("moons {2, 5}", X, y, GEN.moons_2_5)
  X, y = datasets.make_circles { n_samples = 9, shuffle = false, factor = 0.3 }
  check_points("circles 9", X, y, GEN.circles_9)
  X, y = datasets.make_circles { shuffle = false }
  check_points("circles 100", X, y, GEN.circles_100)
end)

H.test("make_moons and make_circles: radii, balance, noise", function()
  local X, y = datasets.make_moons { n_samples = 501, seed = 1 }
  local c = counts(y, 2)
  H.eq(c[1], 250); H.eq(c[2], 251)
  for i = 1, 501 do
    local cx, cy = 0, 0
    if y[i] == 1 then cx, cy = 1, 0.5 end
    H.near(math.sqrt((X[i][1] - cx) ^ 2 + (X[i][2] - cy) ^ 2), 1, 1e-12, "moon radius")
    if y[i] == 0 then H.ok(X[i][2] >= -1e-12) else H.ok(X[i][2] <= 0.5 + 1e-12) end
  end
  local Xc, yc = datasets.make_circles { n_samples = 200, factor = 0.4, seed = 2 }
  for i = 1, 200 do
    H.near(Xc[i]:norm(), yc[i] == 0 and 1 or 0.4, 1e-12, "circle radius")
  end
  -- noise: the radial error has about that standard deviation
  local Xn, yn = datasets.make_circles { n_samples = 4000, noise = 0.05, seed = 3 }
  local err = torch.DoubleTensor(4000)
  for i = 1, 4000 do err[i] = Xn[i]:norm() - (yn[i] == 0 and 1 or 0.8) end
  H.near(err:std(), 0.05, 0.1)
  H.check_error("datasets.make_circles: factor must be in [0, 1) (got 1)", datasets.make_circles, { factor = 1 })
  H.check_error("datasets.make_moons: noise must be >= 0 (got -1)", datasets.make_moons, { noise = -1 })
  H.check_error("datasets.make_moons: n_samples as a table must be {n_out, n_in}", datasets.make_moons,
    { n_samples = { 1, 2, 3 } })
end)

-- image_folder ---------------------------------------------------------------

local function tmpdir()
  return torch._proc.mkdtemp("/tmp/moonlab_test_images_")
end

local function mkdir(p) assert(os.execute("mkdir -p '" .. p .. "'")) end
local function rmtree(p) os.execute("rm -rf '" .. p .. "'") end

local function gray(h, w, base)
  local t = torch.ByteTensor(1, h, w)
  for i = 1, h do for j = 1, w do t[1][i][j] = (base + i * 10 + j) % 256 end end
  return t
end

H.test("image_folder: classes sorted, files sorted, pixels exact", function()
  local root = tmpdir()
  mkdir(root .. "/dog"); mkdir(root .. "/cat")
  image.save(root .. "/dog/b.png", gray(3, 4, 100))
  image.save(root .. "/dog/a.png", gray(3, 4, 50))
  image.save(root .. "/cat/z.png", gray(3, 4, 7))
  image.save(root .. "/cat/UPPER.PNG", gray(3, 4, 9))
  H.spit(root .. "/cat/notes.txt", "not an image")
  H.spit(root .. "/readme.md", "a file in the root")
  local seen
  local d = datasets.image_folder(root, { type = "byte", warn = function(m) seen = m end })
  H.eq(table.concat(d.classes, " "), "cat dog")
  H.eq(d.X:dim(), 4)
  H.eq(d.X:size(1), 4); H.eq(d.X:size(2), 1); H.eq(d.X:size(3), 3); H.eq(d.X:size(4), 4)
  H.eq(torch.typename(d.X), "torch.ByteTensor")
  H.eq(table.concat(d.y:totable(), " "), "0 0 1 1")
  H.ok(d.files[1]:match("cat/UPPER.PNG$") and d.files[2]:match("cat/z.png$") and d.files[3]:match("dog/a.png$"))
  H.ok(d.X[1]:equal(gray(3, 4, 9)) and d.X[2]:equal(gray(3, 4, 7)) and d.X[3]:equal(gray(3, 4, 50))
    and d.X[4]:equal(gray(3, 4, 100)), "pixels")
  H.eq(d.skipped, 2)
  H.ok(seen and seen:find("skipped 2 entries", 1, true), "warned")
  -- default type float in [0, 1]
  local f = datasets.image_folder(root .. "/")
  H.eq(torch.typename(f.X), "torch.FloatTensor")
  H.near(f.X[4][1][1][1], (100 + 11) / 255, 1e-6)
  rmtree(root)
end)

H.test("image_folder: mixed sizes and channels", function()
  local root = tmpdir()
  mkdir(root .. "/a"); mkdir(root .. "/b")
  image.save(root .. "/a/1.png", gray(4, 4, 0))
  image.save(root .. "/b/1.png", gray(8, 6, 0))
  H.check_error("datasets.image_folder: images differ in size: " .. root .. "/a/1.png is 1x4x4 (c x h x w), "
    .. root .. "/b/1.png is 1x8x6; pass opts.size to scale them", datasets.image_folder, root)
  local d = datasets.image_folder(root, { size = { 5, 2 }, type = "double" })
  H.eq(d.X:size(3), 2); H.eq(d.X:size(4), 5)
  local s = datasets.image_folder(root, { size = "3x3", mode = "simple" })
  H.eq(s.X:size(3), 3)
  image.save(root .. "/b/2.png", torch.ByteTensor(3, 8, 6):fill(200))
  H.check_error("pass opts.channels to convert them", datasets.image_folder, root, { size = 4 })
  local c = datasets.image_folder(root, { size = 4, channels = 3, type = "byte" })
  H.eq(c.X:size(2), 3)
  H.eq(c.X[3][2][1][1], 200)
  rmtree(root)
end)

H.test("image_folder errors", function()
  local root = tmpdir()
  H.check_error("datasets.image_folder: " .. root .. " has no class folders", datasets.image_folder, root)
  mkdir(root .. "/empty")
  H.check_error("datasets.image_folder: class folder " .. root .. "/empty has no PNG files", datasets.image_folder, root)
  H.check_error("datasets.image_folder: cannot read folder " .. root .. "/nope", datasets.image_folder, root .. "/nope")
  H.check_error("datasets.image_folder: unknown option 'sizes'", datasets.image_folder, root, { sizes = 3 })
  H.check_error("datasets.image_folder: size must be a positive integer", datasets.image_folder, root, { size = 0 })
  H.check_error('datasets.image_folder: type must be "float", "double" or "byte" (got int)',
    datasets.image_folder, root, { type = "int" })
  H.check_error("datasets.image_folder: path must be a string (got nil)", datasets.image_folder)
  H.spit(root .. "/empty/bad.png", "this is not a PNG")
  H.check_error("datasets.image_folder: image.load", datasets.image_folder, root)
  rmtree(root)
end)

H.done()
