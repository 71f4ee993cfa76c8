-- moonlab.datasets.generators: synthetic datasets with scikit-learn's
-- generator names, parameters and recipes (sklearn.datasets.make_*), drawn
-- from a torch.Generator so that the same seed gives the same data.  The
-- numbers differ from scikit-learn's (another random stream); the
-- distributions are the same.  Reached through moonlab.datasets.
-- Not here: make_low_rank_matrix as a public function, sparse outputs,
-- multilabel generators.
local torch = require "torch"

local G = {}

-- Checks the option table of generator `who` against its defaults and
-- returns a table with every option filled in.  Unknown names raise.
local function options(who, opts, defaults)
  if opts ~= nil and type(opts) ~= "table" then
    error(string.format("%s: options must be a table (got %s)", who, type(opts)), 3)
  end
  local o = {}
  for k, v in pairs(defaults) do o[k] = v end
  for k, v in pairs(opts or {}) do
    if defaults[k] == nil and k ~= "seed" and k ~= "generator" then
      local known = { "seed", "generator" }
      for d in pairs(defaults) do known[#known + 1] = d end
      table.sort(known)
      error(string.format("%s: unknown option '%s' (known: %s)", who, tostring(k),
        table.concat(known, ", ")), 3)
    end
    o[k] = v
  end
  return o
end

-- The generator of a call: opts.generator as is, a new one seeded with
-- opts.seed, or a new one seeded from /dev/urandom.
local function generator(who, o)
  if o.generator ~= nil then
    local mt = type(o.generator) == "userdata" and getmetatable(o.generator)
    if not (type(mt) == "table" and mt.__name == "torch.Generator") then
      error(string.format("%s: generator must be a torch.Generator (got %s)", who,
        torch.typename(o.generator) or type(o.generator)), 3)
    end
    return o.generator
  end
  local g = torch.Generator()
  if o.seed ~= nil then
    if math.type(o.seed) ~= "integer" then
      error(string.format("%s: seed must be an integer (got %s)", who, tostring(o.seed)), 3)
    end
    torch.manualSeed(g, o.seed)
  else
    torch.seed(g)
  end
  return g
end

local function int_opt(who, name, v, min)
  if math.type(v) ~= "integer" and not (type(v) == "number" and math.tointeger(v)) then
    error(string.format("%s: %s must be an integer (got %s)", who, name, tostring(v)), 3)
  end
  v = math.tointeger(v)
  if v < min then error(string.format("%s: %s must be >= %d (got %d)", who, name, min, v), 3) end
  return v
end

local function num_opt(who, name, v, min)
  if type(v) ~= "number" or v ~= v then
    error(string.format("%s: %s must be a number (got %s)", who, name, tostring(v)), 3)
  end
  if min and v < min then
    error(string.format("%s: %s must be >= %g (got %g)", who, name, min, v), 3)
  end
  return v
end

-- Shuffles the rows of X and y (y a vector or a matrix) with one permutation.
local function shuffle_rows(g, X, y)
  local perm = torch.randperm(g, X:size(1)):long()
  return X:index(1, perm), y:index(1, perm)
end

-- Sizes of two groups (n_samples as a number split in half, outer first, or
-- a pair {n_out, n_in}).
local function two_groups(who, n)
  if type(n) == "table" then
    if #n ~= 2 then error(who .. ": n_samples as a table must be {n_out, n_in}", 3) end
    return int_opt(who, "n_samples[1]", n[1], 0), int_opt(who, "n_samples[2]", n[2], 0)
  end
  n = int_opt(who, "n_samples", n, 1)
  return n // 2, n - n // 2
end

-- n evenly spaced points from a to b; the end point is excluded when open.
local function spaced(a, b, n, open)
  local t = torch.DoubleTensor(n)
  local step = n > (open and 0 or 1) and (b - a) / (open and n or (n - 1)) or 0
  for i = 1, n do t[i] = a + (i - 1) * step end
  if not open and n > 1 then t[n] = b end
  return t
end

local function add_noise(g, X, noise)
  if noise ~= nil and noise ~= false then
    X:add(torch.DoubleTensor(X:size()):normal(g, 0, noise))
  end
end

--- G.make_moons{n_samples = 100, shuffle = true, noise = nil, seed} -> X (N x 2), y (LongTensor 0/1).
-- Two interleaving half circles: class 0 on the unit upper half circle, class
-- 1 on the lower one shifted to (1, 0.5); Gaussian noise of sd `noise`.
function G.make_moons(opts)
  local who = "datasets.make_moons"
  local o = options(who, opts, { n_samples = 100, shuffle = true, noise = false })
  local n_out, n_in = two_groups(who, o.n_samples)
  if o.noise then num_opt(who, "noise", o.noise, 0) end
  local g = generator(who, o)
  local X = torch.DoubleTensor(n_out + n_in, 2)
  local y = torch.LongTensor(n_out + n_in):zero()
  if n_out > 0 then
    local a = spaced(0, math.pi, n_out)
    X:narrow(1, 1, n_out):select(2, 1):copy(torch.cos(a))
    X:narrow(1, 1, n_out):select(2, 2):copy(torch.sin(a))
  end
  if n_in > 0 then
    local a = spaced(0, math.pi, n_in)
    X:narrow(1, n_out + 1, n_in):select(2, 1):copy(torch.cos(a):mul(-1):add(1))
    X:narrow(1, n_out + 1, n_in):select(2, 2):copy(torch.sin(a):mul(-1):add(0.5))
    y:narrow(1, n_out + 1, n_in):fill(1)
  end
  if o.shuffle then X, y = shuffle_rows(g, X, y) end
  add_noise(g, X, o.noise)
  return X, y
end

--- G.make_circles{n_samples = 100, shuffle = true, noise = nil, factor = 0.8, seed} -> X, y.
-- A large circle (radius 1, class 0) around a small one (radius factor,
-- class 1), points evenly spaced in angle; Gaussian noise of sd `noise`.
function G.make_circles(opts)
  local who = "datasets.make_circles"
  local o = options(who, opts, { n_samples = 100, shuffle = true, noise = false, factor = 0.8 })
  local n_out, n_in = two_groups(who, o.n_samples)
  num_opt(who, "factor", o.factor)
  if o.factor < 0 or o.factor >= 1 then
    error(string.format("%s: factor must be in [0, 1) (got %g)", who, o.factor), 2)
  end
  if o.noise then num_opt(who, "noise", o.noise, 0) end
  local g = generator(who, o)
  local X = torch.DoubleTensor(n_out + n_in, 2)
  local y = torch.LongTensor(n_out + n_in):zero()
  if n_out > 0 then
    local a = spaced(0, 2 * math.pi, n_out, true)
    X:narrow(1, 1, n_out):select(2, 1):copy(torch.cos(a))
    X:narrow(1, 1, n_out):select(2, 2):copy(torch.sin(a))
  end
  if n_in > 0 then
    local a = spaced(0, 2 * math.pi, n_in, true)
    X:narrow(1, n_out + 1, n_in):select(2, 1):copy(torch.cos(a):mul(o.factor))
    X:narrow(1, n_out + 1, n_in):select(2, 2):copy(torch.sin(a):mul(o.factor))
    y:narrow(1, n_out + 1, n_in):fill(1)
  end
  if o.shuffle then X, y = shuffle_rows(g, X, y) end
  add_noise(g, X, o.noise)
  return X, y
end

-- A K x D DoubleTensor from a tensor or a table of rows.
local function as_matrix(who, name, v)
  if torch.isTensor(v) then
    if v:dim() ~= 2 then error(string.format("%s: %s must be a K x D matrix", who, name), 3) end
    return v:double():contiguous()
  end
  local ok, t = pcall(torch.DoubleTensor, v)
  if not ok or t:dim() ~= 2 then
    error(string.format("%s: %s must be a K x D matrix or a table of rows", who, name), 3)
  end
  return t
end

--- G.make_blobs{n_samples = 100, n_features = 2, centers = nil, cluster_std = 1,
-- center_box = {-10, 10}, shuffle = true, seed} -> X (N x D), y (LongTensor, 0-based), centers (K x D).
-- Isotropic Gaussian clusters.  n_samples is a total (split evenly, the first
-- clusters getting one more) or a list of per-cluster counts; centers is a
-- count (random in center_box) or a K x D matrix; cluster_std a number or a
-- list of K numbers.
function G.make_blobs(opts)
  local who = "datasets.make_blobs"
  local o = options(who, opts, { n_samples = 100, n_features = 2, centers = false, cluster_std = 1.0,
    center_box = { -10.0, 10.0 }, shuffle = true })
  local counts
  if type(o.n_samples) == "table" then
    counts = {}
    for i, c in ipairs(o.n_samples) do counts[i] = int_opt(who, "n_samples[" .. i .. "]", c, 0) end
    if #counts == 0 then error(who .. ": n_samples is an empty list", 2) end
  else
    int_opt(who, "n_samples", o.n_samples, 1)
  end
  local d = int_opt(who, "n_features", o.n_features, 1)
  local box = o.center_box
  if type(box) ~= "table" or type(box[1]) ~= "number" or type(box[2]) ~= "number" or box[1] > box[2] then
    error(who .. ": center_box must be {low, high} with low <= high", 2)
  end
  local g = generator(who, o)
  local centers
  if o.centers == false or type(o.centers) == "number" then
    local k = o.centers == false and (counts and #counts or 3) or int_opt(who, "centers", o.centers, 1)
    if counts and k ~= #counts then
      error(string.format("%s: n_samples lists %d clusters but centers is %d", who, #counts, k), 2)
    end
    centers = torch.DoubleTensor(k, d):uniform(g, box[1], box[2])
  else
    centers = as_matrix(who, "centers", o.centers)
    d = centers:size(2)
    if counts and centers:size(1) ~= #counts then
      error(string.format("%s: n_samples lists %d clusters but centers has %d rows", who, #counts,
        centers:size(1)), 2)
    end
  end
  local k = centers:size(1)
  if not counts then
    counts = {}
    local n = o.n_samples
    for i = 1, k do counts[i] = n // k + ((i - 1) < n % k and 1 or 0) end
  end
  local stds = {}
  if type(o.cluster_std) == "table" then
    if #o.cluster_std ~= k then
      error(string.format("%s: cluster_std lists %d values for %d centers", who, #o.cluster_std, k), 2)
    end
    for i = 1, k do stds[i] = num_opt(who, "cluster_std[" .. i .. "]", o.cluster_std[i], 0) end
  else
    num_opt(who, "cluster_std", o.cluster_std, 0)
    for i = 1, k do stds[i] = o.cluster_std end
  end
  local total = 0
  for i = 1, k do total = total + counts[i] end
  local X = torch.DoubleTensor(total, d)
  local y = torch.LongTensor(total)
  local row = 1
  for i = 1, k do
    if counts[i] > 0 then
      local block = X:narrow(1, row, counts[i])
      block:normal(g, 0, stds[i])
      block:add(centers:narrow(1, i, 1):expand(counts[i], d))
      y:narrow(1, row, counts[i]):fill(i - 1)
      row = row + counts[i]
    end
  end
  if o.shuffle and total > 0 then X, y = shuffle_rows(g, X, y) end
  return X, y, centers
end

-- `samples` distinct vertices of the unit hypercube {0, 1}^dim, as a
-- samples x dim DoubleTensor (scikit-learn's _generate_hypercube).
local function hypercube(g, samples, dim)
  local out = torch.DoubleTensor(samples, dim)
  if dim <= 20 then
    -- distinct integers below 2^dim, read in binary
    local perm = {}
    local seen = {}
    local total = 1 << dim
    local i = 0
    while i < samples do
      local v = torch.random(g, 0, total - 1)
      if not seen[v] then
        seen[v] = true
        i = i + 1
        perm[i] = v
      end
    end
    for r = 1, samples do
      for c = 1, dim do out[r][c] = (perm[r] >> (dim - c)) & 1 end
    end
  else
    local seen = {}
    local r = 0
    while r < samples do
      local bits = torch.DoubleTensor(dim):bernoulli(g, 0.5)
      local key = table.concat(bits:totable(), ",")
      if not seen[key] then
        seen[key] = true
        r = r + 1
        out[r]:copy(bits)
      end
    end
  end
  return out
end

--- G.make_classification{n_samples = 100, n_features = 20, n_informative = 2, n_redundant = 2,
-- n_repeated = 0, n_classes = 2, n_clusters_per_class = 2, weights = nil, flip_y = 0.01,
-- class_sep = 1, hypercube = true, shift = 0, scale = 1, shuffle = true, seed} -> X, y.
-- scikit-learn's recipe (Guyon's Madelon design): Gaussian clusters on the
-- vertices of a hypercube in the informative subspace, redundant features
-- as random linear combinations of those, repeated copies, noise features,
-- a fraction flip_y of labels reassigned at random.  shift/scale = false
-- draw them at random (scikit-learn's None).
function G.make_classification(opts)
  local who = "datasets.make_classification"
  local o = options(who, opts, { n_samples = 100, n_features = 20, n_informative = 2, n_redundant = 2,
    n_repeated = 0, n_classes = 2, n_clusters_per_class = 2, weights = false, flip_y = 0.01,
    class_sep = 1.0, hypercube = true, shift = 0.0, scale = 1.0, shuffle = true })
  local n = int_opt(who, "n_samples", o.n_samples, 1)
  local d = int_opt(who, "n_features", o.n_features, 1)
  local ni = int_opt(who, "n_informative", o.n_informative, 1)
  local nr = int_opt(who, "n_redundant", o.n_redundant, 0)
  local nrep = int_opt(who, "n_repeated", o.n_repeated, 0)
  local nc = int_opt(who, "n_classes", o.n_classes, 1)
  local ncpc = int_opt(who, "n_clusters_per_class", o.n_clusters_per_class, 1)
  local flip_y = num_opt(who, "flip_y", o.flip_y)
  local sep = num_opt(who, "class_sep", o.class_sep)
  if ni + nr + nrep > d then
    error(string.format("%s: n_informative + n_redundant + n_repeated (%d) must be <= n_features (%d)",
      who, ni + nr + nrep, d), 2)
  end
  if ni < 63 and nc * ncpc > (1 << ni) then
    error(string.format("%s: n_classes * n_clusters_per_class (%d) must be <= 2^n_informative (%d)",
      who, nc * ncpc, 1 << ni), 2)
  end
  local weights = {}
  if o.weights then
    if type(o.weights) ~= "table" or (#o.weights ~= nc and #o.weights ~= nc - 1) then
      error(string.format("%s: weights must list n_classes (%d) or n_classes - 1 numbers", who, nc), 2)
    end
    local s = 0
    for i, w in ipairs(o.weights) do weights[i] = num_opt(who, "weights[" .. i .. "]", w, 0); s = s + w end
    if #o.weights == nc - 1 then weights[nc] = 1 - s end
  else
    for i = 1, nc do weights[i] = 1 / nc end
  end
  local g = generator(who, o)
  local n_useless = d - ni - nr - nrep
  local n_clusters = nc * ncpc
  local per = {}
  local assigned = 0
  for k = 1, n_clusters do
    per[k] = math.floor(n * weights[(k - 1) % nc + 1] / ncpc)
    assigned = assigned + per[k]
  end
  for i = 0, n - assigned - 1 do
    local k = i % n_clusters + 1
    per[k] = per[k] + 1
  end

  local X = torch.DoubleTensor(n, d):zero()
  local y = torch.LongTensor(n):zero()
  local centroids = hypercube(g, n_clusters, ni):mul(2 * sep):add(-sep)
  if not o.hypercube then
    centroids:cmul(torch.DoubleTensor(n_clusters, 1):uniform(g):expand(n_clusters, ni))
    centroids:cmul(torch.DoubleTensor(1, ni):uniform(g):expand(n_clusters, ni))
  end
  local Xi = X:narrow(2, 1, ni)
  Xi:normal(g, 0, 1)
  local start = 1
  for k = 1, n_clusters do
    if per[k] > 0 then
      local rows = Xi:narrow(1, start, per[k])
      y:narrow(1, start, per[k]):fill((k - 1) % nc)
      local A = torch.DoubleTensor(ni, ni):uniform(g, -1, 1)
      rows:copy(torch.mm(rows, A))
      rows:add(centroids:narrow(1, k, 1):expand(per[k], ni))
      start = start + per[k]
    else
      torch.DoubleTensor(ni, ni):uniform(g, -1, 1)   -- keep the stream as if the cluster had rows
    end
  end
  if nr > 0 then
    local B = torch.DoubleTensor(ni, nr):uniform(g, -1, 1)
    X:narrow(2, ni + 1, nr):copy(torch.mm(Xi, B))
  end
  if nrep > 0 then
    local m = ni + nr
    for j = 1, nrep do
      local src = math.floor((m - 1) * torch.uniform(g) + 0.5) + 1
      X:select(2, m + j):copy(X:select(2, src))
    end
  end
  if n_useless > 0 then X:narrow(2, d - n_useless + 1, n_useless):normal(g, 0, 1) end
  if flip_y > 0 then
    local flip = torch.nonzero(torch.DoubleTensor(n):uniform(g):lt(flip_y))
    if flip:nElement() > 0 then
      flip = flip:view(-1)
      y:indexCopy(1, flip, torch.LongTensor(flip:size(1)):random(g, 0, nc - 1))
    end
  end
  if o.shift == false then
    X:add(torch.DoubleTensor(1, d):uniform(g, -sep, sep):expand(n, d))
  elseif o.shift ~= 0 then
    X:add(num_opt(who, "shift", o.shift))
  end
  if o.scale == false then
    X:cmul(torch.DoubleTensor(1, d):uniform(g, 1, 101):expand(n, d))
  elseif o.scale ~= 1 then
    X:mul(num_opt(who, "scale", o.scale))
  end
  if o.shuffle then
    X, y = shuffle_rows(g, X, y)
    X = X:index(2, torch.randperm(g, d):long())
  end
  return X, y
end

-- scikit-learn's make_low_rank_matrix: an n x d matrix whose singular values
-- fall off as a bell (effective_rank of them large) plus a fat tail.
local function low_rank(g, n, d, rank, tail)
  local k = math.min(n, d)
  local u = torch.qr(torch.DoubleTensor(n, k):normal(g, 0, 1))
  local v = torch.qr(torch.DoubleTensor(d, k):normal(g, 0, 1))
  local s = torch.DoubleTensor(k)
  for i = 1, k do
    local x = (i - 1) / rank
    s[i] = (1 - tail) * math.exp(-x * x) + tail * math.exp(-0.1 * x)
  end
  return torch.mm(torch.cmul(u, s:view(1, k):expand(n, k)), v:t())
end

--- G.make_regression{n_samples = 100, n_features = 100, n_informative = 10, n_targets = 1,
-- bias = 0, effective_rank = nil, tail_strength = 0.5, noise = 0, shuffle = true, seed}
-- -> X (N x D), y (N, or N x n_targets), coef (D, or D x n_targets).
-- A random linear model: n_informative features get coefficients uniform in
-- [0, 100), the others 0; y = X * coef + bias + Gaussian noise of sd `noise`.
-- With noise = 0, y equals torch.mv(X, coef) + bias exactly.
function G.make_regression(opts)
  local who = "datasets.make_regression"
  local o = options(who, opts, { n_samples = 100, n_features = 100, n_informative = 10, n_targets = 1,
    bias = 0.0, effective_rank = false, tail_strength = 0.5, noise = 0.0, shuffle = true, coef = true })
  local n = int_opt(who, "n_samples", o.n_samples, 1)
  local d = int_opt(who, "n_features", o.n_features, 1)
  local ni = math.min(d, int_opt(who, "n_informative", o.n_informative, 0))
  local nt = int_opt(who, "n_targets", o.n_targets, 1)
  local bias = num_opt(who, "bias", o.bias)
  local noise = num_opt(who, "noise", o.noise, 0)
  local g = generator(who, o)
  local X
  if o.effective_rank then
    local rank = num_opt(who, "effective_rank", o.effective_rank)
    if rank <= 0 then error(string.format("%s: effective_rank must be > 0 (got %g)", who, rank), 2) end
    local tail = num_opt(who, "tail_strength", o.tail_strength, 0)
    X = low_rank(g, n, d, rank, tail)
  else
    X = torch.DoubleTensor(n, d):normal(g, 0, 1)
  end
  local coef = torch.DoubleTensor(d, nt):zero()
  if ni > 0 then coef:narrow(1, 1, ni):uniform(g, 0, 100) end
  if o.shuffle then
    X = X:index(1, torch.randperm(g, n):long())
    local perm = torch.randperm(g, d):long()
    X, coef = X:index(2, perm), coef:index(1, perm)
  end
  local y
  if nt == 1 then
    coef = coef:select(2, 1):contiguous()
    y = torch.mv(X, coef):add(bias)
  else
    y = torch.mm(X, coef):add(bias)
  end
  if noise > 0 then y:add(torch.DoubleTensor(y:size()):normal(g, 0, noise)) end
  return X, y, coef
end

return G
