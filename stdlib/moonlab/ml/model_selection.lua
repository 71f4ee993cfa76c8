-- moonlab.ml.model_selection: splitting data (train_test_split, KFold,
-- StratifiedKFold, GroupKFold, TimeSeriesSplit), cross-validation
-- (cross_validate, cross_val_score, cross_val_predict), hyperparameter search
-- (GridSearchCV, RandomizedSearchCV) and learning/validation curves, as
-- scikit-learn's.
--
-- Indices are 1-based LongTensors. Without shuffling the folds are exactly
-- scikit-learn's (GroupKFold: with ties in group sizes among more than 16
-- groups numpy's unstable argsort may order them otherwise); shuffled splits
-- use moonlab's generator (seeded by `seed`), so they are reproducible but
-- not numpy's. Estimators are cloned for every
-- fit; nothing runs in parallel (the models thread their own kernels).
local torch = require "torch"
local base = require "moonlab.ml.base"
local metrics = require "moonlab.ml.metrics"

local M = {}

local function raise(who, fmt, ...) error(string.format(who .. ": " .. fmt, ...), 3) end

local wall = torch.Timer()
local function clock() return wall:time().real end

-- ------------------------------------------------------------ data helpers

local function n_rows(who, X)
  if torch.isTensor(X) then
    if X:dim() == 0 then raise(who, "an array is empty") end
    return X:size(1)
  end
  if type(X) == "table" then
    if type(X.nrows) == "number" then return X.nrows end
    if type(X.nrows) == "function" then return X:nrows() end
    if type(X.to_tensor) == "function" and type(X.take) == "function" then return X:to_tensor():size(1) end
    return #X
  end
  raise(who, "expected a tensor, a data frame or a list (got %s)", type(X))
end

-- rows idx (LongTensor, 1-based) of a tensor, a Lua list or a data frame (:take)
local function take(X, idx)
  if torch.isTensor(X) then return X:index(1, idx) end
  if type(X) == "table" and type(X.take) == "function" then return X:take(idx) end
  local out = {}
  for i = 1, idx:nElement() do out[i] = X[idx[i]] end
  return out
end
M._take = take

local function label_list(y)
  if torch.isTensor(y) then return y:dim() > 0 and y:double():contiguous():view(-1):totable() or {} end
  if type(y) == "table" and type(y.to_tensor) == "function" then return label_list(y:to_tensor()) end
  return y
end

-- classes in order of first appearance (scikit-learn re-encodes y that way in
-- StratifiedKFold), codes 1..K
local function encode_first(y)
  local list = label_list(y)
  local sorted, seen = {}, {}
  for _, v in ipairs(list) do if not seen[v] then seen[v] = true; sorted[#sorted + 1] = v end end
  table.sort(sorted)
  -- sorted classes -> first index
  local first = {}
  for i, v in ipairs(list) do if not first[v] then first[v] = i end end
  local order = {}
  for i, v in ipairs(sorted) do order[i] = v end
  table.sort(order, function(a, b) return first[a] < first[b] end)
  local code = {}
  for k, v in ipairs(order) do code[v] = k end
  local codes = {}
  for i, v in ipairs(list) do codes[i] = code[v] end
  return codes, #order, sorted
end

local function randperm(g, n)
  if n == 0 then return torch.LongTensor(0) end
  return torch.randperm(g, n):long()
end

local function range(a, b)
  if b < a then return torch.LongTensor(0) end
  return torch.range(a, b):long()
end

local function list_tensor(t) return #t > 0 and torch.LongTensor(t) or torch.LongTensor(0) end

-- ------------------------------------------------------------ train_test_split

local OPT_KEYS = { test_size = true, train_size = true, seed = true, stratify = true, shuffle = true }

local function is_opts(t)
  if type(t) ~= "table" or torch.isTensor(t) or getmetatable(t) ~= nil or t[1] ~= nil then return false end
  for k in pairs(t) do if not OPT_KEYS[k] then return false end end
  return true
end

local function split_sizes(who, n, test_size, train_size)
  local n_test, n_train
  if test_size == nil and train_size == nil then test_size = 0.25 end
  local function size_of(v, name)
    if v == nil then return nil end
    if type(v) ~= "number" or v <= 0 then raise(who, "%s must be a positive fraction or count (got %s)", name, tostring(v)) end
    if v < 1 then return v end
    if v ~= math.floor(v) or v >= n then raise(who, "%s=%s should be smaller than the number of samples %d", name, tostring(v), n) end
    return v
  end
  local ts, tr = size_of(test_size, "test_size"), size_of(train_size, "train_size")
  if ts then n_test = ts < 1 and math.ceil(ts * n) or ts end
  if tr then n_train = tr < 1 and math.floor(tr * n) or tr end
  if n_train == nil then n_train = n - n_test elseif n_test == nil then n_test = n - n_train end
  if n_train + n_test > n then raise(who, "train and test sizes (%d + %d) exceed the %d samples", n_train, n_test, n) end
  if n_train == 0 then raise(who, "with n_samples=%d and test_size=%s the training set would be empty", n, tostring(test_size)) end
  return n_train, n_test
end

-- scikit-learn's _approximate_mode: class counts summing to n_draws close to
-- the class proportions; remainders broken by the generator
local function approximate_mode(counts, n_draws, g)
  local total = 0
  for _, c in ipairs(counts) do total = total + c end
  local floored, rem = {}, {}
  local sum = 0
  for k, c in ipairs(counts) do
    local cont = c / total * n_draws
    floored[k] = math.floor(cont)
    rem[k] = cont - floored[k]
    sum = sum + floored[k]
  end
  local need = n_draws - sum
  if need > 0 then
    local vals, seen = {}, {}
    for _, r in ipairs(rem) do if not seen[r] then seen[r] = true; vals[#vals + 1] = r end end
    table.sort(vals, function(a, b) return a > b end)
    for _, v in ipairs(vals) do
      local inds = {}
      for k, r in ipairs(rem) do if r == v then inds[#inds + 1] = k end end
      local perm = randperm(g, #inds)
      local add = math.min(#inds, need)
      for t = 1, add do floored[inds[perm[t]]] = floored[inds[perm[t]]] + 1 end
      need = need - add
      if need == 0 then break end
    end
  end
  return floored
end

--- ml.train_test_split(a1, a2, ... [, opts]) -> a1_train, a1_test, a2_train,
-- a2_test, ...  Splits every array (tensors by rows, Lua lists, data frames
-- with :take) the same way. opts: test_size (0.25; a fraction or a count),
-- train_size, seed, shuffle (true), stratify (labels: the class proportions
-- are kept in both parts).
function M.train_test_split(...)
  local who = "ml.train_test_split"
  local args = table.pack(...)
  local opts = {}
  if args.n > 0 and is_opts(args[args.n]) then opts = args[args.n]; args.n = args.n - 1 end
  if args.n == 0 then raise(who, "at least one array is required") end
  local n = n_rows(who, args[1])
  for i = 2, args.n do
    local m = n_rows(who, args[i])
    if m ~= n then raise(who, "arrays have inconsistent numbers of samples: %d and %d (array %d)", n, m, i) end
  end
  local n_train, n_test = split_sizes(who, n, opts.test_size, opts.train_size)
  local g = base.generator(opts.seed)
  local train, test
  if opts.shuffle == false then
    if opts.stratify ~= nil then raise(who, "stratified splitting needs shuffle = true") end
    train, test = range(1, n_train), range(n_train + 1, n_train + n_test)
  elseif opts.stratify ~= nil then
    local codes, K = encode_first(opts.stratify)
    if #codes ~= n then raise(who, "stratify has %d labels for %d samples", #codes, n) end
    local _, _, sorted = encode_first(opts.stratify)
    local list = label_list(opts.stratify)
    local pos = {}
    for k, v in ipairs(sorted) do pos[v] = k end
    local members, counts = {}, {}
    for k = 1, K do members[k], counts[k] = {}, 0 end
    for i, v in ipairs(list) do
      local k = pos[v]
      members[k][#members[k] + 1] = i
      counts[k] = counts[k] + 1
    end
    for k = 1, K do
      if counts[k] < 2 then
        raise(who, "the least populated class in stratify has only %d member, too few (at least 2 needed)", counts[k])
      end
    end
    if n_train < K then raise(who, "the train size %d should be at least the number of classes %d", n_train, K) end
    if n_test < K then raise(who, "the test size %d should be at least the number of classes %d", n_test, K) end
    local ni = approximate_mode(counts, n_train, g)
    local left = {}
    for k = 1, K do left[k] = counts[k] - ni[k] end
    local ti = approximate_mode(left, n_test, g)
    local tr, te = {}, {}
    for k = 1, K do
      local perm = randperm(g, counts[k])
      for t = 1, ni[k] do tr[#tr + 1] = members[k][perm[t]] end
      for t = ni[k] + 1, ni[k] + ti[k] do te[#te + 1] = members[k][perm[t]] end
    end
    train, test = list_tensor(tr), list_tensor(te)
    train = train:index(1, randperm(g, train:nElement()))
    test = test:index(1, randperm(g, test:nElement()))
  else
    local perm = randperm(g, n)
    test = perm:narrow(1, 1, n_test):clone()
    train = perm:narrow(1, n_test + 1, n_train):clone()
  end
  local out = {}
  for i = 1, args.n do
    out[#out + 1] = take(args[i], train)
    out[#out + 1] = take(args[i], test)
  end
  return table.unpack(out, 1, #out)
end

-- ------------------------------------------------------------ splitters

local Splitter = base.inherit(base.Estimator)

--- cv:get_n_splits() -> the number of folds.
function Splitter:get_n_splits() return self.n_splits end

local function check_n_splits(self, who)
  local k = self.n_splits
  if type(k) ~= "number" or k < 2 or k ~= math.floor(k) then
    error(string.format("%s: n_splits must be an integer >= 2 (got %s)", who, tostring(k)), 4)
  end
end

-- folds from a test-fold assignment (1..k per sample, a Lua array): two
-- nonzero scans a fold
local function folds_from(assign, k, n)
  local a = torch.isTensor(assign) and assign or torch.LongTensor(n > 0 and assign or {})
  local out = {}
  for f = 1, k do
    local test, train = torch.nonzero(a:eq(f)), torch.nonzero(a:ne(f))
    out[f] = { train = train:nElement() > 0 and train:view(-1) or torch.LongTensor(0),
      test = test:nElement() > 0 and test:view(-1) or torch.LongTensor(0) }
  end
  return out
end

--- ml.KFold{n_splits = 5, shuffle = false, seed = none}: consecutive folds
-- (the first n % k folds one sample larger), after a seeded shuffle when
-- shuffle is true. kf:split(X) -> list of {train = idx, test = idx}.
local KFold = base.estimator("KFold", { n_splits = 5, shuffle = false, seed = base.NONE }, Splitter)
M.KFold = KFold
KFold._validate = check_n_splits

function KFold:split(X)
  local who = "ml.KFold.split"
  local n = n_rows(who, X)
  local k = self.n_splits
  if k > n then raise(who, "cannot have n_splits=%d greater than the number of samples %d", k, n) end
  local order = self.shuffle and randperm(base.generator(self.seed), n) or range(1, n)
  local out, start = {}, 1
  for f = 1, k do
    local size = n // k + (f <= n % k and 1 or 0)
    local test = order:narrow(1, start, size):clone()
    local parts = {}
    if start > 1 then parts[#parts + 1] = order:narrow(1, 1, start - 1) end
    if start + size <= n then parts[#parts + 1] = order:narrow(1, start + size, n - start - size + 1) end
    local train = #parts == 0 and torch.LongTensor(0) or (#parts == 1 and parts[1]:clone() or torch.cat(parts, 1))
    out[f] = { train = train, test = test }
    start = start + size
  end
  return out
end

--- ml.StratifiedKFold{n_splits = 5, shuffle = false, seed = none}: folds
-- keeping the class proportions (scikit-learn 1.2's allocation, identical
-- folds without shuffle). skf:split(X, y).
local StratifiedKFold = base.estimator("StratifiedKFold", { n_splits = 5, shuffle = false, seed = base.NONE }, Splitter)
M.StratifiedKFold = StratifiedKFold
StratifiedKFold._validate = check_n_splits

function StratifiedKFold:split(X, y)
  local who = "ml.StratifiedKFold.split"
  if y == nil then raise(who, "y (the class labels) is required") end
  local n = n_rows(who, X)
  local yt = y
  if type(y) == "table" and not torch.isTensor(y) then
    if type(y.to_tensor) == "function" then yt = y:to_tensor()
    elseif type(y[1]) == "string" then
      local codes = encode_first(y)
      yt = torch.DoubleTensor(codes)   -- any numbering works: classes are re-ordered below
    else yt = torch.DoubleTensor(y) end
  end
  yt = yt:double():contiguous():view(-1)
  if yt:nElement() ~= n then raise(who, "y has %d labels for %d samples", yt:nElement(), n) end
  local k = self.n_splits
  -- classes in order of first appearance (scikit-learn's encoding), their members
  local _, inv = torch.unique(yt, true, true)
  local members = {}
  local K = inv:max()
  for c = 1, K do
    local idx = torch.nonzero(inv:eq(c)):view(-1)
    members[#members + 1] = idx
  end
  table.sort(members, function(a, b) return a[1] < b[1] end)
  local all_small = true
  for _, idx in ipairs(members) do if idx:nElement() >= k then all_small = false end end
  if all_small then raise(who, "n_splits=%d cannot be greater than the number of members in each class", k) end
  -- the sorted codes dealt round-robin to the folds: class r holds sorted
  -- positions [start, start + m) and fold f gets those congruent to f - 1 mod k
  local g = self.shuffle and base.generator(self.seed) or nil
  local assign = torch.LongTensor(n)
  local start = 0
  for _, idx in ipairs(members) do
    local m = idx:nElement()
    local seq = torch.LongTensor(m)
    local pos = 1
    for f = 1, k do
      local cnt = (start + m - 1 - (f - 1)) // k - (start - 1 - (f - 1)) // k
      if cnt > 0 then seq:narrow(1, pos, cnt):fill(f); pos = pos + cnt end
    end
    if g then seq = seq:index(1, randperm(g, m)) end
    assign:indexCopy(1, idx, seq)
    start = start + m
  end
  return folds_from(assign, k, n)
end

--- ml.GroupKFold{n_splits = 5}: folds that never split a group: groups,
-- largest first, go to the fold with the fewest samples so far.
-- gkf:split(X, y, groups).
local GroupKFold = base.estimator("GroupKFold", { n_splits = 5 }, Splitter)
M.GroupKFold = GroupKFold
GroupKFold._validate = check_n_splits

function GroupKFold:split(X, _, groups)
  local who = "ml.GroupKFold.split"
  if groups == nil then raise(who, "groups is required") end
  local n = n_rows(who, X)
  local list = label_list(groups)
  if #list ~= n then raise(who, "groups has %d values for %d samples", #list, n) end
  local uniq, seen = {}, {}
  for _, v in ipairs(list) do if not seen[v] then seen[v] = true; uniq[#uniq + 1] = v end end
  table.sort(uniq)
  local k = self.n_splits
  if k > #uniq then raise(who, "cannot have n_splits=%d greater than the number of groups %d", k, #uniq) end
  local gid = {}
  for i, v in ipairs(uniq) do gid[v] = i end
  local size = {}
  for i = 1, #uniq do size[i] = 0 end
  for _, v in ipairs(list) do size[gid[v]] = size[gid[v]] + 1 end
  -- stable ascending order of sizes, then reversed (numpy's argsort()[::-1])
  local order = {}
  for i = 1, #uniq do order[i] = i end
  table.sort(order, function(a, b) if size[a] ~= size[b] then return size[a] < size[b] end return a < b end)
  local fold_n, to_fold = {}, {}
  for f = 1, k do fold_n[f] = 0 end
  for t = #order, 1, -1 do
    local grp = order[t]
    local best = 1
    for f = 2, k do if fold_n[f] < fold_n[best] then best = f end end
    fold_n[best] = fold_n[best] + size[grp]
    to_fold[grp] = best
  end
  local assign = {}
  for i, v in ipairs(list) do assign[i] = to_fold[gid[v]] end
  return folds_from(assign, k, n)
end

--- ml.TimeSeriesSplit{n_splits = 5, max_train_size = none, test_size =
-- none, gap = 0}: growing training windows, each followed by the next
-- test_size samples (default n // (n_splits + 1)).
local TimeSeriesSplit = base.estimator("TimeSeriesSplit", { n_splits = 5, max_train_size = base.NONE,
  test_size = base.NONE, gap = 0 }, Splitter)
M.TimeSeriesSplit = TimeSeriesSplit
TimeSeriesSplit._validate = check_n_splits

function TimeSeriesSplit:split(X)
  local who = "ml.TimeSeriesSplit.split"
  local n = n_rows(who, X)
  local k, gap = self.n_splits, self.gap
  local folds = k + 1
  local ts = self.test_size ~= base.NONE and self.test_size or n // folds
  if folds > n then raise(who, "cannot have number of folds=%d greater than the number of samples %d", folds, n) end
  if n - gap - ts * k <= 0 then
    raise(who, "too many splits=%d for number of samples=%d with test_size=%d and gap=%d", k, n, ts, gap)
  end
  local out = {}
  local mts = self.max_train_size
  for start = n - k * ts, n - 1, ts do
    local train_end = start - gap
    local lo = 1
    if mts ~= base.NONE and mts < train_end then lo = train_end - mts + 1 end
    out[#out + 1] = { train = range(lo, train_end), test = range(start + 1, start + ts) }
  end
  return out
end

-- ------------------------------------------------------------ cross-validation

local function inherits(cls, mixin)
  local t = cls
  for _ = 1, 20 do
    if t == mixin then return true end
    local mt = getmetatable(t)
    t = mt and mt.__index
    if type(t) ~= "table" then return false end
  end
  return false
end

local function is_classifier(est)
  if est._class._name == "Pipeline" or est._class._name == "GridSearchCV" or est._class._name == "RandomizedSearchCV" then
    local inner = est._class._name == "Pipeline" and est.steps[#est.steps] and est.steps[#est.steps][2] or est.estimator
    return base.is_estimator(inner) and is_classifier(inner)
  end
  return inherits(est._class, base.Classifier)
end
M._is_classifier = is_classifier

-- the folds for cv (a number, a splitter, or a list of {train, test})
local function make_folds(who, cv, est, X, y, groups)
  if cv == nil then cv = 5 end
  if type(cv) == "number" then
    if y ~= nil and is_classifier(est) then cv = StratifiedKFold{ n_splits = cv }
    else cv = KFold{ n_splits = cv } end
  end
  if type(cv) == "table" and type(cv.split) == "function" then return cv:split(X, y, groups) end
  if type(cv) == "table" and type(cv[1]) == "table" then
    local out = {}
    for i, f in ipairs(cv) do
      local tr, te = f.train or f[1], f.test or f[2]
      if not torch.isTensor(tr) then tr = torch.LongTensor(tr) end
      if not torch.isTensor(te) then te = torch.LongTensor(te) end
      out[i] = { train = tr, test = te }
    end
    return out
  end
  raise(who, "cv must be a number of folds, a splitter (ml.KFold ...) or a list of {train, test}")
end

-- scoring spec -> list of {name, scorer}, and whether it was a single one
local function scorers_of(scoring)
  if scoring == nil or scoring == base.NONE then
    return { { "score", function(est, X, y) return est:score(X, y) end } }, true
  end
  if type(scoring) == "string" or type(scoring) == "function" then
    return { { "score", metrics.get_scorer(scoring) } }, true
  end
  local list = {}
  if scoring[1] ~= nil then
    for _, s in ipairs(scoring) do
      if type(s) ~= "string" then error("ml.cross_validate: a list of scorings must hold names", 3) end
      list[#list + 1] = { s, metrics.get_scorer(s) }
    end
  else
    local names = {}
    for k in pairs(scoring) do names[#names + 1] = k end
    table.sort(names)
    for _, k in ipairs(names) do list[#list + 1] = { k, metrics.get_scorer(scoring[k]) } end
  end
  return list, false
end

-- one fit + scoring on one fold
local function fit_and_score(est, X, y, fold, scorers, train_score, params)
  local m = base.clone(est)
  if params then m:set_params(params) end
  local Xtr, Xte = take(X, fold.train), take(X, fold.test)
  local ytr = y ~= nil and take(y, fold.train) or nil
  local yte = y ~= nil and take(y, fold.test) or nil
  local t0 = clock()
  m:fit(Xtr, ytr)
  local fit_time = clock() - t0
  t0 = clock()
  local test, train = {}, {}
  for _, s in ipairs(scorers) do test[s[1]] = s[2](m, Xte, yte) end
  local score_time = clock() - t0
  if train_score then
    for _, s in ipairs(scorers) do train[s[1]] = s[2](m, Xtr, ytr) end
  end
  return { fit_time = fit_time, score_time = score_time, test = test, train = train, estimator = m,
    n_test = fold.test:nElement() }
end

-- ------------------------------------------------------------ progress bar

-- A progress bar on stderr, drawn only on a terminal and once the work has
-- lasted over a second.
local function progress(who, total)
  local tty = torch._proc and torch._proc.isatty and torch._proc.isatty(2)
  local t0 = clock()
  local shown = false
  local p = {}
  function p.step(done)
    if not tty then return end
    local el = clock() - t0
    if el < 1 and not shown then return end
    shown = true
    local w = 30
    local fill = math.floor(w * done / total + 0.5)
    local eta = done > 0 and el / done * (total - done) or 0
    io.stderr:write(string.format("\r%s [%s%s] %d/%d  %.1fs elapsed, %.1fs left ", who,
      string.rep("=", fill), string.rep(" ", w - fill), done, total, el, eta))
    io.stderr:flush()
  end
  function p.finish()
    if shown then io.stderr:write("\n"); io.stderr:flush() end
  end
  return p
end
M._progress = progress

--- ml.cross_validate(estimator, X, y [, opts]) -> results: {test_score =
-- tensor (one per fold), fit_time, score_time [, train_score]} ; with several
-- scorings, test_<name> / train_<name> per scoring. opts: cv (5: stratified
-- for classifiers, or a splitter or a list of folds), scoring (a name, a
-- function(est, X, y), a list of names or {name = scoring}),
-- return_train_score, return_estimator, groups.
function M.cross_validate(est, X, y, opts)
  opts = opts or {}
  local who = "ml.cross_validate"
  if not base.is_estimator(est) then raise(who, "expected an estimator (got %s)", type(est)) end
  local folds = make_folds(who, opts.cv, est, X, y, opts.groups)
  local scorers, single = scorers_of(opts.scoring)
  local res = { fit_time = torch.DoubleTensor(#folds), score_time = torch.DoubleTensor(#folds) }
  local function key(kind, name) return single and (kind .. "_score") or (kind .. "_" .. name) end
  for _, s in ipairs(scorers) do
    res[key("test", s[1])] = torch.DoubleTensor(#folds)
    if opts.return_train_score then res[key("train", s[1])] = torch.DoubleTensor(#folds) end
  end
  if opts.return_estimator then res.estimator = {} end
  local bar = progress("cross_validate", #folds)
  for f, fold in ipairs(folds) do
    local r = fit_and_score(est, X, y, fold, scorers, opts.return_train_score)
    res.fit_time[f], res.score_time[f] = r.fit_time, r.score_time
    for _, s in ipairs(scorers) do
      res[key("test", s[1])][f] = r.test[s[1]]
      if opts.return_train_score then res[key("train", s[1])][f] = r.train[s[1]] end
    end
    if opts.return_estimator then res.estimator[f] = r.estimator end
    bar.step(f)
  end
  bar.finish()
  return res
end

--- ml.cross_val_score(estimator, X, y [, opts]) -> DoubleTensor of one
-- test score per fold (opts: cv, scoring, groups).
function M.cross_val_score(est, X, y, opts)
  opts = opts or {}
  if type(opts.scoring) == "table" then raise("ml.cross_val_score", "scoring must be one name or function") end
  return M.cross_validate(est, X, y, { cv = opts.cv, scoring = opts.scoring, groups = opts.groups }).test_score
end

--- ml.cross_val_predict(estimator, X, y [, opts]) -> the prediction for
-- every sample from the model fitted without its fold (opts.method =
-- "predict" or "predict_proba"; cv, groups).
function M.cross_val_predict(est, X, y, opts)
  opts = opts or {}
  local who = "ml.cross_val_predict"
  local folds = make_folds(who, opts.cv, est, X, y, opts.groups)
  local method = opts.method or "predict"
  local n = n_rows(who, X)
  local out
  local covered = 0
  for _, fold in ipairs(folds) do
    local m = base.clone(est)
    m:fit(take(X, fold.train), take(y, fold.train))
    local p = m[method](m, take(X, fold.test))
    if not out then
      local size = p:size():totable()
      size[1] = n
      out = torch.Tensor(torch.LongStorage(size)):fill(0 / 0)
    end
    out:indexCopy(1, fold.test, p:double())
    covered = covered + fold.test:nElement()
  end
  if covered ~= n then raise(who, "cross_val_predict needs folds that partition the samples (%d of %d covered)", covered, n) end
  return out
end

-- ------------------------------------------------------------ searches

local function sorted_keys(t)
  local k = {}
  for name in pairs(t) do k[#k + 1] = name end
  table.sort(k)
  return k
end

-- every combination of a grid (sorted keys, the last varying fastest)
local function grid_candidates(who, grid)
  local grids = grid[1] ~= nil and grid or { grid }
  local out = {}
  for _, g in ipairs(grids) do
    local keys = sorted_keys(g)
    for _, k in ipairs(keys) do
      if type(g[k]) ~= "table" or #g[k] == 0 then raise(who, "the grid of '%s' must be a non-empty list of values", k) end
    end
    local function rec(i, cur)
      if i > #keys then
        local c = {}
        for k, v in pairs(cur) do c[k] = v end
        out[#out + 1] = c
        return
      end
      for _, v in ipairs(g[keys[i]]) do
        cur[keys[i]] = v
        rec(i + 1, cur)
      end
      cur[keys[i]] = nil
    end
    rec(1, {})
  end
  return out
end
M._grid_candidates = grid_candidates

local function show(v)
  if type(v) == "number" then
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
    return string.format("%.6g", v)
  end
  if type(v) == "string" then return v end
  return tostring(v)
end

-- the printed results: one row per candidate, sorted by rank
local function results_text(r, top)
  local n = #r.params
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b)
    if r.rank_test_score[a] ~= r.rank_test_score[b] then return r.rank_test_score[a] < r.rank_test_score[b] end
    return a < b
  end)
  local keys = {}
  do
    local seen = {}
    for _, p in ipairs(r.params) do for k in pairs(p) do if not seen[k] then seen[k] = true; keys[#keys + 1] = k end end end
    table.sort(keys)
  end
  local head = { "rank", "mean_test", "std_test" }
  if r.mean_train_score then head[#head + 1] = "mean_train" end
  head[#head + 1] = "fit_time"
  for _, k in ipairs(keys) do head[#head + 1] = k end
  local rows = { head }
  for t = 1, math.min(n, top or n) do
    local i = order[t]
    local row = { tostring(r.rank_test_score[i]), string.format("%.4f", r.mean_test_score[i]),
      string.format("%.4f", r.std_test_score[i]) }
    if r.mean_train_score then row[#row + 1] = string.format("%.4f", r.mean_train_score[i]) end
    row[#row + 1] = string.format("%.3fs", r.mean_fit_time[i])
    for _, k in ipairs(keys) do row[#row + 1] = r.params[i][k] == nil and "-" or show(r.params[i][k]) end
    rows[#rows + 1] = row
  end
  local w = {}
  for _, row in ipairs(rows) do for j, c in ipairs(row) do w[j] = math.max(w[j] or 0, #c) end end
  local lines = {}
  for _, row in ipairs(rows) do
    local cells = {}
    for j, c in ipairs(row) do cells[j] = string.rep(" ", w[j] - #c) .. c end
    lines[#lines + 1] = table.concat(cells, "  ")
  end
  if top and top < n then lines[#lines + 1] = string.format("(%d more)", n - top) end
  return table.concat(lines, "\n")
end

local RESULTS_MT = { __tostring = function(r) return results_text(r) end }

local function mean_std(t)
  local n = t:nElement()
  local m = t:mean()
  local v = (t - m):pow(2):sum() / n
  return m, math.sqrt(v)
end

-- ranks as scipy's rankdata(-scores, "min"); NaN last
local function ranks(scores)
  local n = #scores
  local r = {}
  for i = 1, n do
    local s = scores[i]
    local better = 0
    for j = 1, n do
      local o = scores[j]
      if s ~= s then
        if o == o then better = better + 1 end
      elseif o == o and o > s then better = better + 1 end
    end
    r[i] = better + 1
  end
  return r
end

-- runs the candidates through the folds; fills self.cv_results, best_*
local function run_search(self, who, candidates, X, y, groups)
  local folds = make_folds(who, self.cv, self.estimator, X, y, groups)
  local scorers, single = scorers_of(self.scoring)
  local refit_name = single and "score" or self.refit
  if not single and (type(refit_name) ~= "string" or not self.scoring) then
    raise(who, "with several scorings, refit must name the one that picks the best candidate")
  end
  local nc, nf = #candidates, #folds
  local res = { params = candidates }
  local function key(kind, name) return single and (kind .. "_score") or (kind .. "_" .. name) end
  local per = {}
  for _, s in ipairs(scorers) do
    per[s[1]] = { test = torch.DoubleTensor(nc, nf), train = torch.DoubleTensor(nc, nf) }
  end
  local fit_t, score_t = torch.DoubleTensor(nc, nf), torch.DoubleTensor(nc, nf)
  local bar = progress(self._class._name, nc * nf)
  local done = 0
  for c, params in ipairs(candidates) do
    for f, fold in ipairs(folds) do
      local r = fit_and_score(self.estimator, X, y, fold, scorers, self.return_train_score, params)
      fit_t[c][f], score_t[c][f] = r.fit_time, r.score_time
      for _, s in ipairs(scorers) do
        per[s[1]].test[c][f] = r.test[s[1]]
        if self.return_train_score then per[s[1]].train[c][f] = r.train[s[1]] end
      end
      done = done + 1
      bar.step(done)
    end
  end
  bar.finish()
  res.mean_fit_time, res.std_fit_time, res.mean_score_time, res.std_score_time = {}, {}, {}, {}
  for c = 1, nc do
    res.mean_fit_time[c], res.std_fit_time[c] = mean_std(fit_t[c])
    res.mean_score_time[c], res.std_score_time[c] = mean_std(score_t[c])
  end
  for _, s in ipairs(scorers) do
    for _, kind in ipairs(self.return_train_score and { "test", "train" } or { "test" }) do
      local m, sd = {}, {}
      for c = 1, nc do m[c], sd[c] = mean_std(per[s[1]][kind][c]) end
      res["mean_" .. key(kind, s[1])], res["std_" .. key(kind, s[1])] = m, sd
      for f = 1, nf do
        local col = {}
        for c = 1, nc do col[c] = per[s[1]][kind][c][f] end
        res["split" .. (f - 1) .. "_" .. key(kind, s[1])] = col
      end
    end
    res["rank_" .. key("test", s[1])] = ranks(res["mean_" .. key("test", s[1])])
  end
  for _, k in ipairs((function()
    local seen, ks = {}, {}
    for _, p in ipairs(candidates) do for k in pairs(p) do if not seen[k] then seen[k] = true; ks[#ks + 1] = k end end end
    return ks
  end)()) do
    local col = {}
    for c = 1, nc do col[c] = candidates[c][k] end
    res["param_" .. k] = col
  end
  if not single then
    -- the printed table follows the refit metric
    res.mean_test_score = res["mean_test_" .. refit_name]
    res.std_test_score = res["std_test_" .. refit_name]
    res.rank_test_score = res["rank_test_" .. refit_name]
    if not res.mean_test_score then raise(who, "refit = '%s' is not one of the scorings", tostring(refit_name)) end
  end
  rawset(self, "cv_results", setmetatable(res, RESULTS_MT))
  local ranks_t = res.rank_test_score
  local best = 1
  for c = 2, nc do if ranks_t[c] < ranks_t[best] then best = c end end
  rawset(self, "best_index", best)
  rawset(self, "best_params", candidates[best])
  rawset(self, "best_score", res.mean_test_score[best])
  rawset(self, "n_splits", nf)
  local chosen = scorers[1][2]
  for _, sc in ipairs(scorers) do if sc[1] == refit_name then chosen = sc[2] end end
  rawset(self, "scorer", chosen)
  if self.refit ~= false then
    local m = base.clone(self.estimator)
    m:set_params(candidates[best])
    local t0 = clock()
    m:fit(X, y)
    rawset(self, "refit_time", clock() - t0)
    rawset(self, "best_estimator", m)
    rawset(self, "classes", m.classes)
  end
  return base.mark_fitted(self)
end

local Search = base.inherit(base.Estimator)

local function best(self, method)
  local who = "ml." .. self._class._name .. "." .. method
  base.fitted(self, who)
  local m = rawget(self, "best_estimator")
  if not m then raise(who, "refit = false: there is no best_estimator to use") end
  if not m[method] then raise(who, "the best estimator (ml.%s) has no %s", m._class._name, method) end
  return m
end

--- s:predict(X) -> best_estimator's predict.
function Search:predict(X) local m = best(self, "predict"); return m:predict(X) end
--- s:predict_proba(X) -> best_estimator's predict_proba.
function Search:predict_proba(X) local m = best(self, "predict_proba"); return m:predict_proba(X) end
--- s:decision_function(X) -> best_estimator's decision_function.
function Search:decision_function(X) local m = best(self, "decision_function"); return m:decision_function(X) end
--- s:transform(X) -> best_estimator's transform.
function Search:transform(X) local m = best(self, "transform"); return m:transform(X) end
--- s:score(X, y) -> the search's scoring (or the estimator's score) of best_estimator.
function Search:score(X, y)
  local m = best(self, "score")
  return self.scorer(m, X, y)
end
--- s:supports(method) -> true when the estimator searched has that method.
function Search:supports(method)
  local e = self.estimator
  if e.supports then return e:supports(method) end
  return e[method] ~= nil
end

--- s:results([top]) -> the results as a text table sorted by rank (the top
-- rows only when given); print(s.cv_results) shows it too.
function Search:results(top)
  base.fitted(self, "ml." .. self._class._name .. ".results")
  return results_text(self.cv_results, top)
end

local function check_est(self, who)
  if not base.is_estimator(self.estimator) then
    error(string.format("%s: estimator must be an ml estimator (got %s)", who, type(self.estimator)), 4)
  end
end

--- ml.GridSearchCV{estimator = m, param_grid = {name = {values}, ...},
-- scoring = none, cv = 5, refit = true, return_train_score = false}: tries
-- every combination (param_grid may be a list of grids; nested names
-- "step__param" reach into pipelines), scores each by cross-validation and
-- refits the best on all the data. Fitted: cv_results, best_params,
-- best_score, best_estimator, best_index.
local GridSearchCV = base.estimator("GridSearchCV", { estimator = base.NONE, param_grid = {}, scoring = base.NONE,
  cv = 5, refit = true, return_train_score = false }, Search)
M.GridSearchCV = GridSearchCV
GridSearchCV._validate = check_est

function GridSearchCV:fit(X, y, groups)
  local who = "ml.GridSearchCV.fit"
  local cands = grid_candidates(who, self.param_grid)
  if #cands == 0 then raise(who, "param_grid is empty") end
  return run_search(self, who, cands, X, y, groups)
end

-- ------------------------------------------------------------ distributions

local Dist = {}
Dist.__index = Dist
Dist.__tostring = function(d) return d.text end

--- ml.uniform(lo, hi) -> a distribution for RandomizedSearchCV: uniform on [lo, hi).
function M.uniform(lo, hi)
  return setmetatable({ text = string.format("uniform(%g, %g)", lo, hi),
    sample = function(g) return lo + (hi - lo) * torch.uniform(g) end }, Dist)
end

--- ml.loguniform(lo, hi) -> log-uniform on [lo, hi) (for C, alpha, ...).
function M.loguniform(lo, hi)
  if not (lo > 0 and hi > lo) then error("ml.loguniform: need 0 < lo < hi", 2) end
  return setmetatable({ text = string.format("loguniform(%g, %g)", lo, hi), sample = function(g)
    return math.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * torch.uniform(g)) end }, Dist)
end

--- ml.randint(lo, hi) -> uniform integers lo .. hi (inclusive).
function M.randint(lo, hi)
  return setmetatable({ text = string.format("randint(%d, %d)", lo, hi), sample = function(g)
    return math.min(hi, lo + math.floor((hi - lo + 1) * torch.uniform(g))) end }, Dist)
end

--- ml.RandomizedSearchCV{estimator = m, param_distributions = {name =
-- {values} or ml.uniform(...) / ml.loguniform / ml.randint / function(gen)},
-- n_iter = 10, seed = none, scoring, cv = 5, refit = true,
-- return_train_score = false}: n_iter sampled candidates (without repeats
-- when every parameter is a list), then as GridSearchCV.
local RandomizedSearchCV = base.estimator("RandomizedSearchCV", { estimator = base.NONE,
  param_distributions = {}, n_iter = 10, seed = base.NONE, scoring = base.NONE, cv = 5, refit = true,
  return_train_score = false }, Search)
M.RandomizedSearchCV = RandomizedSearchCV
RandomizedSearchCV._validate = check_est

local function draw(g, spec)
  if type(spec) == "function" then return spec(g) end
  if getmetatable(spec) == Dist then return spec.sample(g) end
  return spec[math.min(#spec, 1 + math.floor(#spec * torch.uniform(g)))]
end

function RandomizedSearchCV:fit(X, y, groups)
  local who = "ml.RandomizedSearchCV.fit"
  local dists = self.param_distributions
  local g = base.generator(self.seed)
  local lists_only = true
  local keys = sorted_keys(dists)
  for _, k in ipairs(keys) do
    local s = dists[k]
    if type(s) == "function" or getmetatable(s) == Dist then lists_only = false
    elseif type(s) ~= "table" or #s == 0 then raise(who, "param_distributions '%s' must be a list or a distribution", k) end
  end
  local cands = {}
  if lists_only then
    local grid = grid_candidates(who, dists)
    local perm = randperm(g, #grid)
    for t = 1, math.min(self.n_iter, #grid) do cands[t] = grid[perm[t]] end
  else
    for t = 1, self.n_iter do
      local c = {}
      for _, k in ipairs(keys) do c[k] = draw(g, dists[k]) end
      cands[t] = c
    end
  end
  if #cands == 0 then raise(who, "no candidate to try (n_iter = %s)", tostring(self.n_iter)) end
  return run_search(self, who, cands, X, y, groups)
end

-- ------------------------------------------------------------ curves

local function curve_result(x_key, xs, train, test, extra)
  -- series for moonlab.plot.learning_curve (means with *_std bands); the raw
  -- per-fold matrices are reachable but not enumerated
  local nx = #xs
  local r = { [x_key] = xs, train = {}, train_std = {}, test = {}, test_std = {} }
  local nf = train[1]:nElement()
  local tr_m, te_m = torch.DoubleTensor(nx, nf), torch.DoubleTensor(nx, nf)
  for i = 1, nx do
    r.train[i], r.train_std[i] = mean_std(train[i])
    r.test[i], r.test_std[i] = mean_std(test[i])
    tr_m[i]:copy(train[i])
    te_m[i]:copy(test[i])
  end
  extra.train_scores, extra.test_scores = tr_m, te_m
  return setmetatable(r, { __index = extra })
end

--- ml.learning_curve(estimator, X, y [, opts]) -> {size = {...}, train =
-- {...}, train_std, test, test_std} (ready for plot.learning_curve), with
-- r.train_scores / r.test_scores (sizes x folds tensors). opts: train_sizes
-- (fractions of the largest training fold or counts; default {0.1, 0.325,
-- 0.55, 0.775, 1}), cv, scoring, shuffle, seed, groups.
function M.learning_curve(est, X, y, opts)
  opts = opts or {}
  local who = "ml.learning_curve"
  local folds = make_folds(who, opts.cv, est, X, y, opts.groups)
  local scorers = scorers_of(opts.scoring)
  local scorer = scorers[1][2]
  local n_max = folds[1].train:nElement()
  for _, f in ipairs(folds) do n_max = math.min(n_max, f.train:nElement()) end
  local sizes_in = opts.train_sizes or { 0.1, 0.325, 0.55, 0.775, 1.0 }
  local abs, seen = {}, {}
  for _, s in ipairs(sizes_in) do
    local a
    if s <= 1 then
      if s <= 0 then raise(who, "train_sizes fractions must be in (0, 1] (got %s)", tostring(s)) end
      a = math.floor(s * n_max)
      a = math.max(1, math.min(n_max, a))
    else
      if s > n_max then raise(who, "train size %d exceeds the %d samples of the smallest training fold", s, n_max) end
      a = math.floor(s)
    end
    if not seen[a] then seen[a] = true; abs[#abs + 1] = a end
  end
  table.sort(abs)
  local g = opts.shuffle and base.generator(opts.seed) or nil
  local train, test = {}, {}
  for i = 1, #abs do train[i], test[i] = torch.DoubleTensor(#folds), torch.DoubleTensor(#folds) end
  local bar = progress("learning_curve", #abs * #folds)
  local done = 0
  for f, fold in ipairs(folds) do
    local tr = fold.train
    if g then tr = tr:index(1, randperm(g, tr:nElement())) end
    for i, a in ipairs(abs) do
      local sub = tr:narrow(1, 1, a):clone()
      local m = base.clone(est)
      m:fit(take(X, sub), take(y, sub))
      train[i][f] = scorer(m, take(X, sub), take(y, sub))
      test[i][f] = scorer(m, take(X, fold.test), take(y, fold.test))
      done = done + 1
      bar.step(done)
    end
  end
  bar.finish()
  return curve_result("size", abs, train, test, {})
end

--- ml.validation_curve(estimator, X, y, param_name, param_range [, opts]) ->
-- {x = param_range (or 1..n when not numbers), train, train_std, test,
-- test_std} with r.train_scores / r.test_scores and r.param_range; plot with
-- plot.learning_curve(r, {xlabel = param_name}). opts: cv, scoring, groups.
function M.validation_curve(est, X, y, param_name, param_range, opts)
  opts = opts or {}
  local who = "ml.validation_curve"
  if type(param_name) ~= "string" then raise(who, "param_name must be a string") end
  if type(param_range) ~= "table" or #param_range == 0 then raise(who, "param_range must be a non-empty list") end
  local folds = make_folds(who, opts.cv, est, X, y, opts.groups)
  local scorer = scorers_of(opts.scoring)[1][2]
  local train, test = {}, {}
  local bar = progress("validation_curve", #param_range * #folds)
  local done = 0
  for i, v in ipairs(param_range) do
    train[i], test[i] = torch.DoubleTensor(#folds), torch.DoubleTensor(#folds)
    for f, fold in ipairs(folds) do
      local r = fit_and_score(est, X, y, fold, { { "s", scorer } }, true, { [param_name] = v })
      train[i][f], test[i][f] = r.train.s, r.test.s
      done = done + 1
      bar.step(done)
    end
  end
  bar.finish()
  local xs, numeric = {}, true
  for i, v in ipairs(param_range) do
    if type(v) ~= "number" then numeric = false end
    xs[i] = v
  end
  if not numeric then for i = 1, #xs do xs[i] = i end end
  return curve_result("x", xs, train, test, { param_range = param_range, param_name = param_name })
end

return M
