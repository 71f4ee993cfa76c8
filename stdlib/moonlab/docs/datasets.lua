-- Docstrings: moonlab.datasets (stdlib/moonlab/datasets/*.lua; docs/datasets.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local datasets = require \"moonlab.datasets\"\n"
local SEED = { "seed", "an integer: the same seed gives the same data (or generator = a torch.Generator)" }
local SHUFFLE = { "shuffle", "shuffle the rows (default true)" }

D["moonlab.datasets"] = doc("datasets = require \"moonlab.datasets\"",
  "Bundled classic datasets (iris, wine, digits ...), synthetic data generators and a PNG folder loader.", {},
  PRE .. "local iris = datasets.load(\"iris\")\nprint(iris.X:size(1), iris.target_names[1])")

D["moonlab.datasets.list"] = doc("datasets.list()", "The names datasets.load accepts, sorted.", {},
  PRE .. "print(table.concat(datasets.list(), \", \"))")

D["moonlab.datasets.path"] = doc("datasets.path(file)",
  "The full path of a raw file shipped in the data folder (e.g. \"fertility.csv\" for the tutorials).",
  { { "file", "a file name in data/datasets" } },
  PRE .. "local data = require \"moonlab.data\"\nprint(data.read_csv(datasets.path(\"fertility.csv\"), {header = true}):nrows())")

D["moonlab.datasets.load"] = doc("datasets.load(name [, opts])",
  "Loads a bundled dataset: X (N x D DoubleTensor), y, names and a description, as scikit-learn's loaders.",
  { { "name", "iris, wine, breast_cancer, digits, diabetes or linnerud" },
    { "opts", "diabetes: scaled (default true, as scikit-learn); digits: n_class (1..10)" } },
  PRE .. "local d = datasets.load(\"wine\")\nprint(d.X:size(1), d.X:size(2), d.feature_names[1], d.y[1])",
  "The result: X, y (LongTensor of 0-based class codes, or a DoubleTensor for regression),\n"
    .. "feature_names, target_names, description, name, task, columns (name -> 1-D tensor), names (their\n"
    .. "order: features then \"target\"), images (digits: N x 8 x 8), frame (a moonlab.data DataFrame,\n"
    .. "built on first use when moonlab.data is installed).")

D["moonlab.datasets.make_blobs"] = doc("datasets.make_blobs{n_samples, n_features, centers, cluster_std, ...}",
  "Isotropic Gaussian clusters: returns X (N x D), y (LongTensor, 0-based) and the centers (K x D).",
  { { "n_samples", "total (default 100, split evenly) or a list of per-cluster counts" },
    { "n_features", "dimension when centers are drawn (default 2)" },
    { "centers", "a count (default 3, uniform in center_box) or a K x D matrix" },
    { "cluster_std", "a number (default 1) or one per cluster" },
    { "center_box", "{low, high} for random centers (default {-10, 10})" }, SHUFFLE, SEED },
  PRE .. "local X, y, centers = datasets.make_blobs{n_samples = 90, centers = 3, seed = 1}\nprint(X:size(1), centers:size(1))")

D["moonlab.datasets.make_classification"] = doc("datasets.make_classification{n_samples, n_features, ...}",
  "A random n-class problem after scikit-learn's recipe: returns X (N x D) and y (LongTensor, 0-based).",
  { { "n_samples, n_features", "default 100, 20" },
    { "n_informative", "features carrying the classes (default 2)" },
    { "n_redundant", "random linear combinations of the informative ones (default 2)" },
    { "n_repeated", "copies of informative/redundant features (default 0)" },
    { "n_classes, n_clusters_per_class", "default 2, 2" },
    { "weights", "class proportions (n_classes or n_classes - 1 numbers)" },
    { "flip_y", "fraction of labels reassigned at random (default 0.01)" },
    { "class_sep, hypercube", "cluster spacing (default 1), centres on hypercube vertices (default true)" },
    { "shift, scale", "added / multiplied (default 0, 1); false draws them at random" }, SHUFFLE, SEED },
  PRE .. "local X, y = datasets.make_classification{n_samples = 50, n_features = 5, seed = 2}\nprint(X:size(2), y:max())")

D["moonlab.datasets.make_regression"] = doc("datasets.make_regression{n_samples, n_features, n_informative, ...}",
  "A random linear regression problem: returns X, y and the true coefficients coef.",
  { { "n_samples, n_features", "default 100, 100" },
    { "n_informative", "features with a non-zero coefficient, uniform in [0, 100) (default 10)" },
    { "n_targets", "columns of y (default 1: y is a vector)" },
    { "bias, noise", "added constant and Gaussian noise sd (default 0, 0)" },
    { "effective_rank, tail_strength", "a low-rank X with this singular value profile (default none, 0.5)" },
    SHUFFLE, SEED },
  PRE .. "local X, y, coef = datasets.make_regression{n_samples = 20, n_features = 3, seed = 1}\n"
    .. "print((y - torch.mv(X, coef)):abs():max())",
  "Without noise, y equals torch.mv(X, coef) + bias exactly.")

D["moonlab.datasets.make_moons"] = doc("datasets.make_moons{n_samples = 100, noise, shuffle, seed}",
  "Two interleaving half circles in 2-D: returns X (N x 2) and y (LongTensor 0/1).",
  { { "n_samples", "total (split in half) or {n_outer, n_inner}" },
    { "noise", "sd of Gaussian noise added to X (default none)" }, SHUFFLE, SEED },
  PRE .. "local X, y = datasets.make_moons{n_samples = 40, noise = 0.1, seed = 3}\nprint(X:size(1), y:sum())")

D["moonlab.datasets.make_circles"] = doc("datasets.make_circles{n_samples = 100, factor = 0.8, noise, shuffle, seed}",
  "A circle of radius factor inside the unit circle: returns X (N x 2) and y (LongTensor, 1 = inner).",
  { { "n_samples", "total (split in half) or {n_outer, n_inner}" },
    { "factor", "inner radius, in [0, 1) (default 0.8)" },
    { "noise", "sd of Gaussian noise added to X (default none)" }, SHUFFLE, SEED },
  PRE .. "local X, y = datasets.make_circles{n_samples = 40, factor = 0.5, seed = 1}\nprint(X:size(1), y:sum())")

D["moonlab.datasets.image_folder"] = doc("datasets.image_folder(path [, opts])",
  "Loads root/<class>/<image>.png into an N x C x H x W batch with 0-based labels, classes sorted.",
  { { "path", "the root folder; each subfolder is a class" },
    { "opts", "size (w, {w, h} or \"WxH\": scale every image), mode (\"bilinear\" or \"simple\"), "
      .. "type (\"float\", \"double\", \"byte\"), channels (1..4), warn (function for the skip notice)" } },
  PRE .. "local image = require \"moonlab.image\"\nlocal root = torch._proc.mkdtemp(\"/tmp/ml_doc_\")\n"
    .. "os.execute(\"mkdir \" .. root .. \"/a\")\nimage.save(root .. \"/a/1.png\", torch.ByteTensor(1, 2, 2):fill(9))\n"
    .. "local d = datasets.image_folder(root)\nprint(d.X:size(1), d.classes[1])\nos.remove(root .. \"/a/1.png\")\n"
    .. "os.remove(root .. \"/a\")\nos.remove(root)",
  "The result: {X, y, classes (= target_names), files, skipped (count), skipped_files}.  Files that\n"
    .. "are not *.png, and files directly in root, are skipped.  Images of different sizes are an error\n"
    .. "unless opts.size is given; different channel counts unless opts.channels is.")

return { title = "Datasets (require \"moonlab.datasets\")", docs = D }
