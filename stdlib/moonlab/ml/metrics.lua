-- moonlab.ml.metrics: scikit-learn's metrics for classification (accuracy,
-- precision/recall/F, confusion matrix, report, ROC and PR curves, log loss,
-- Brier, MCC, kappa) and regression (MSE, RMSE, MAE, R², MAPE, explained
-- variance), with the same definitions and edge cases as scikit-learn 1.2, and
-- the named scorers model selection uses (get_scorer).
--
-- Labels are numbers (a tensor or a Lua list) or strings (a Lua list). Scores
-- and probabilities are tensors. The ROC and precision-recall curves count
-- positives per distinct score in C (kernels/metrics.c, torch._metrics: two
-- radix sorts and a merge), the rest is tensor ops. Multilabel targets and
-- sample weights are not supported.
local torch = require "torch"
local base = require "moonlab.ml.base"

local M = {}

local function fail(who, fmt, ...)
  error(string.format("ml." .. who .. ": " .. fmt, ...), 3)
end

-- ------------------------------------------------------------ label handling

-- y as a DoubleTensor (numbers) or a Lua array of strings.
local function labels_of(who, y, name)
  if torch.isTensor(y) then
    if y:dim() == 2 and y:size(2) == 1 then y = y:select(2, 1) end
    if y:dim() ~= 1 then fail(who, "%s must be 1-D (got size %s)", name, table.concat(y:size():totable(), "x")) end
    return y:double():contiguous()
  end
  if type(y) == "table" then
    if type(y.to_tensor) == "function" then return labels_of(who, y:to_tensor(), name) end
    if type(y[1]) == "string" then
      for i = 1, #y do
        if type(y[i]) ~= "string" then fail(who, "%s mixes strings and %s", name, type(y[i])) end
      end
      return y
    end
    local ok, t = pcall(torch.DoubleTensor, y)
    if ok then return t end
  end
  fail(who, "%s must be a tensor or a list of labels (got %s)", name, type(y))
end

local function count(y) return torch.isTensor(y) and y:nElement() or #y end

local function same_length(who, a, b, na, nb)
  if count(a) ~= count(b) then
    fail(who, "%s and %s have different lengths (%d and %d)", na or "y_true", nb or "y_pred", count(a), count(b))
  end
end

-- Lua array of the values of a label set (numbers or strings).
local function values(y)
  if torch.isTensor(y) then return y:nElement() > 0 and y:totable() or {} end
  return y
end

-- Encodes y_true and y_pred on their sorted union of labels plus the extra
-- labels given. Returns classes (Lua array), codes_true, codes_pred
-- (LongTensors, 1-based into classes).
local function encode_pair(who, yt, yp, labels)
  local classes, ct, cp
  if torch.isTensor(yt) ~= torch.isTensor(yp) then
    fail(who, "y_true and y_pred mix numeric and string labels")
  end
  if torch.isTensor(yt) then
    local n = yt:nElement()
    local all = torch.cat(yt, yp, 1)
    if all:ne(all):sum() > 0 then fail(who, "labels contain NaN") end
    local u, codes = torch.unique(all, true, true)
    classes = u:totable()
    ct, cp = codes:narrow(1, 1, n), codes:narrow(1, n + 1, n)
  else
    local seen, list = {}, {}
    for _, y in ipairs({ yt, yp }) do
      for i = 1, #y do if not seen[y[i]] then seen[y[i]] = true; list[#list + 1] = y[i] end end
    end
    table.sort(list)
    local pos = {}
    for i, v in ipairs(list) do pos[v] = i end
    ct, cp = torch.LongTensor(#yt), torch.LongTensor(#yp)
    for i = 1, #yt do ct[i] = pos[yt[i]] end
    for i = 1, #yp do cp[i] = pos[yp[i]] end
    classes = list
  end
  local sel
  if labels ~= nil then
    labels = values(labels_of(who, labels, "labels"))
    if #labels == 0 then fail(who, "labels is empty") end
    local pos = {}
    for i, v in ipairs(classes) do pos[v] = i end
    sel = torch.LongTensor(#labels)
    for i, v in ipairs(labels) do
      if not pos[v] then classes[#classes + 1] = v; pos[v] = #classes end
      sel[i] = pos[v]
    end
  end
  return classes, ct, cp, sel
end

-- Full K x K count matrix (rows true, columns predicted) as a DoubleTensor.
local function counts(K, ct, cp)
  local n = ct:nElement()
  local cm = torch.zeros(K * K)
  if n > 0 then
    local flat = (ct - 1) * K + cp
    cm:indexAdd(1, flat, torch.ones(n))
  end
  return cm:view(K, K)
end

local function label_text(v)
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then
    return string.format("%d", v)
  end
  return tostring(v)
end

local function prepare(who, y_true, y_pred)
  local yt, yp = labels_of(who, y_true, "y_true"), labels_of(who, y_pred, "y_pred")
  same_length(who, yt, yp)
  if count(yt) == 0 then fail(who, "y_true is empty") end
  return yt, yp
end

-- ------------------------------------------------------------ classification

--- metrics.accuracy_score(y_true, y_pred [, opts]) -> fraction of equal
-- labels (opts.normalize = false: their count).
function M.accuracy_score(y_true, y_pred, opts)
  opts = opts or {}
  local yt, yp = prepare("accuracy_score", y_true, y_pred)
  local _, ct, cp = encode_pair("accuracy_score", yt, yp)
  local ok = ct:eq(cp):double():sum()
  if opts.normalize == false then return ok end
  return ok / ct:nElement()
end

--- metrics.confusion_matrix(y_true, y_pred [, opts]) -> C (K x K), classes.
-- C[i][j] counts samples of class i predicted as j (a LongTensor; a
-- DoubleTensor when opts.normalize is "true", "pred" or "all"). opts.labels
-- orders and selects the classes (default: the sorted union).
function M.confusion_matrix(y_true, y_pred, opts)
  opts = opts or {}
  local who = "confusion_matrix"
  local yt, yp = prepare(who, y_true, y_pred)
  local classes, ct, cp, sel = encode_pair(who, yt, yp, opts.labels)
  local cm = counts(#classes, ct, cp)
  local out_classes = classes
  if sel then
    cm = cm:index(1, sel):index(2, sel)
    out_classes = {}
    for i = 1, sel:nElement() do out_classes[i] = classes[sel[i]] end
  end
  local nz = opts.normalize
  if nz == nil or nz == false or nz == base.NONE then return cm:long(), out_classes end
  local d
  if nz == "true" then d = cm:sum(2):expandAs(cm)
  elseif nz == "pred" then d = cm:sum(1):expandAs(cm)
  elseif nz == "all" then d = torch.Tensor(cm:size()):fill(cm:sum())
  else fail(who, "normalize must be \"true\", \"pred\" or \"all\" (got %s)", tostring(nz)) end
  local r = torch.cdiv(cm, d)
  r[r:ne(r)] = 0
  return r, out_classes
end

local function zero_value(who, zd)
  if zd == nil or zd == "warn" or zd == 0 then return 0 end
  if zd == 1 then return 1 end
  fail(who, "zero_division must be \"warn\", 0 or 1 (got %s)", tostring(zd))
end

local function divide(num, den, zv)
  local r = torch.cdiv(num, den)
  local z = den:eq(0)
  if z:sum() > 0 then r[z] = zv end
  return r
end

local AVERAGES = { binary = true, micro = true, macro = true, weighted = true }

-- precision, recall, F-beta and support as in scikit-learn's
-- precision_recall_fscore_support; returns numbers when averaged, else
-- per-label DoubleTensors, and the labels.
local function prfs(who, y_true, y_pred, opts)
  opts = opts or {}
  local beta = opts.beta or 1
  if beta < 0 then fail(who, "beta must be >= 0 (got %g)", beta) end
  local average = opts.average
  if average == base.NONE or average == false then average = nil end
  if average ~= nil and not AVERAGES[average] then
    fail(who, "average must be \"binary\", \"micro\", \"macro\", \"weighted\" or none (got %s)", tostring(average))
  end
  local zv = zero_value(who, opts.zero_division)
  local yt, yp = prepare(who, y_true, y_pred)
  local labels = opts.labels
  local pos_label = opts.pos_label == nil and 1 or opts.pos_label
  if average == "binary" then
    local classes = encode_pair(who, yt, yp)
    if #classes > 2 then
      fail(who, "target is multiclass (%d labels) but average = \"binary\"; choose average = \"macro\", "
        .. "\"micro\" or \"weighted\"", #classes)
    end
    local present = false
    for _, c in ipairs(classes) do if c == pos_label then present = true end end
    if not present and #classes >= 2 then
      local t = {}
      for i, c in ipairs(classes) do t[i] = label_text(c) end
      fail(who, "pos_label=%s is not a valid label: {%s}", label_text(pos_label), table.concat(t, ", "))
    end
    labels = { pos_label }
  end
  local classes, ct, cp, sel = encode_pair(who, yt, yp, labels)
  local cm = counts(#classes, ct, cp)
  if not sel then sel = torch.range(1, #classes):long() end
  local tp = torch.diag(cm):index(1, sel)
  local pred_sum = cm:sum(1):view(-1):index(1, sel)
  local true_sum = cm:sum(2):view(-1):index(1, sel)
  if average == "micro" then
    tp, pred_sum, true_sum = torch.Tensor{ tp:sum() }, torch.Tensor{ pred_sum:sum() }, torch.Tensor{ true_sum:sum() }
  end
  local precision = divide(tp, pred_sum, zv)
  local recall = divide(tp, true_sum, zv)
  local f
  if beta == math.huge then
    f = recall:clone()
  else
    local b2 = beta * beta
    local denom = precision * b2 + recall
    denom[denom:eq(0)] = 1
    f = torch.cmul(precision, recall):mul(1 + b2):cdiv(denom)
  end
  local names = {}
  for i = 1, sel:nElement() do names[i] = classes[sel[i]] end
  if average == nil then return precision, recall, f, true_sum:long(), names end
  if average == "weighted" then
    local w = true_sum
    if w:sum() == 0 then
      if pred_sum:sum() == 0 then return zv, zv, zv, nil, names end
      return 0.0, zv, 0.0, nil, names
    end
    local ws = w:sum()
    return torch.dot(precision, w) / ws, torch.dot(recall, w) / ws, torch.dot(f, w) / ws, nil, names
  end
  return precision:mean(), recall:mean(), f:mean(), nil, names
end

local function prf_opts(opts, default_avg)
  local o = {}
  for k, v in pairs(opts or {}) do o[k] = v end
  if o.average == nil then o.average = default_avg end
  return o
end

--- metrics.precision_recall_fscore_support(y_true, y_pred [, opts]) ->
-- precision, recall, fbeta, support, labels.  opts: beta (1), average
-- (none: per-label tensors; "binary", "micro", "macro", "weighted"),
-- labels, pos_label (1), zero_division ("warn" = 0, 0 or 1).
function M.precision_recall_fscore_support(y_true, y_pred, opts)
  return prfs("precision_recall_fscore_support", y_true, y_pred, opts)
end

--- metrics.precision_score(y_true, y_pred [, opts]) -> tp / (tp + fp);
-- opts as precision_recall_fscore_support, average default "binary".
function M.precision_score(y_true, y_pred, opts)
  local p = prfs("precision_score", y_true, y_pred, prf_opts(opts, "binary"))
  return p
end

--- metrics.recall_score(y_true, y_pred [, opts]) -> tp / (tp + fn).
function M.recall_score(y_true, y_pred, opts)
  local _, r = prfs("recall_score", y_true, y_pred, prf_opts(opts, "binary"))
  return r
end

--- metrics.fbeta_score(y_true, y_pred, beta [, opts]) -> the F-beta score.
function M.fbeta_score(y_true, y_pred, beta, opts)
  local o = prf_opts(opts, "binary")
  if type(beta) ~= "number" then error("ml.fbeta_score: beta must be a number (got " .. type(beta) .. ")", 2) end
  o.beta = beta
  local _, _, f = prfs("fbeta_score", y_true, y_pred, o)
  return f
end

--- metrics.f1_score(y_true, y_pred [, opts]) -> harmonic mean of precision
-- and recall.
function M.f1_score(y_true, y_pred, opts)
  local o = prf_opts(opts, "binary")
  o.beta = 1
  local _, _, f = prfs("f1_score", y_true, y_pred, o)
  return f
end

--- metrics.balanced_accuracy_score(y_true, y_pred [, opts]) -> mean recall
-- over the classes of y_true (opts.adjusted: rescaled so chance is 0).
function M.balanced_accuracy_score(y_true, y_pred, opts)
  opts = opts or {}
  local who = "balanced_accuracy_score"
  local yt, yp = prepare(who, y_true, y_pred)
  local classes, ct, cp = encode_pair(who, yt, yp)
  local cm = counts(#classes, ct, cp)
  local support = cm:sum(2):view(-1)
  local keep = support:gt(0)
  local per = torch.cdiv(torch.diag(cm), support)[keep]
  local score = per:mean()
  if opts.adjusted then
    local chance = 1 / per:nElement()
    score = (score - chance) / (1 - chance)
  end
  return score
end

--- metrics.matthews_corrcoef(y_true, y_pred) -> Matthews correlation
-- coefficient (multiclass: Gorodkin's R_K), 0 when undefined.
function M.matthews_corrcoef(y_true, y_pred)
  local who = "matthews_corrcoef"
  local yt, yp = prepare(who, y_true, y_pred)
  local classes, ct, cp = encode_pair(who, yt, yp)
  local C = counts(#classes, ct, cp)
  local t_sum, p_sum = C:sum(2):view(-1), C:sum(1):view(-1)
  local n_correct = torch.trace(C)
  local n = p_sum:sum()
  local cov_ytyp = n_correct * n - torch.dot(t_sum, p_sum)
  local cov_ypyp = n * n - torch.dot(p_sum, p_sum)
  local cov_ytyt = n * n - torch.dot(t_sum, t_sum)
  if cov_ypyp * cov_ytyt == 0 then return 0.0 end
  return cov_ytyp / math.sqrt(cov_ytyt * cov_ypyp)
end

--- metrics.cohen_kappa_score(y1, y2 [, opts]) -> Cohen's kappa between two
-- raters; opts.weights = "linear" or "quadratic", opts.labels.
function M.cohen_kappa_score(y1, y2, opts)
  opts = opts or {}
  local who = "cohen_kappa_score"
  local a, b = prepare(who, y1, y2)
  local classes, ct, cp, sel = encode_pair(who, a, b, opts.labels)
  local C = counts(#classes, ct, cp)
  if sel then C = C:index(1, sel):index(2, sel) end
  local K = C:size(1)
  local sum0, sum1 = C:sum(1):view(-1), C:sum(2):view(-1)
  local expected = torch.ger(sum0, sum1):div(sum0:sum())
  local w = torch.zeros(K, K)
  local wt = opts.weights
  for i = 1, K do
    for j = 1, K do
      if wt == nil or wt == base.NONE then w[i][j] = i == j and 0 or 1
      elseif wt == "linear" then w[i][j] = math.abs(i - j)
      elseif wt == "quadratic" then w[i][j] = (i - j) ^ 2
      else fail(who, "weights must be \"linear\", \"quadratic\" or none (got %s)", tostring(wt)) end
    end
  end
  local k = torch.cmul(w, C):sum() / torch.cmul(w, expected):sum()
  return 1 - k
end

--- metrics.classification_report(y_true, y_pred [, opts]) -> the report text
-- (scikit-learn's layout), or a table when opts.output_dict.  opts: labels,
-- target_names, digits (2), zero_division.
function M.classification_report(y_true, y_pred, opts)
  opts = opts or {}
  local who = "classification_report"
  local digits = opts.digits or 2
  local yt, yp = prepare(who, y_true, y_pred)
  local union = encode_pair(who, yt, yp)
  local labels_given = opts.labels ~= nil
  local labels = labels_given and values(labels_of(who, opts.labels, "labels")) or union
  local micro_is_accuracy = true
  if labels_given then
    local set = {}
    for _, v in ipairs(labels) do set[v] = true end
    local n = 0
    for _ in pairs(set) do n = n + 1 end
    for _, v in ipairs(union) do if not set[v] then micro_is_accuracy = false end end
    if n ~= #union then micro_is_accuracy = false end
  end
  local names = {}
  if opts.target_names then
    if #opts.target_names ~= #labels and not labels_given then
      fail(who, "number of classes, %d, does not match size of target_names, %d; try specifying labels",
        #labels, #opts.target_names)
    end
    for i = 1, #labels do names[i] = tostring(opts.target_names[i] or label_text(labels[i])) end
  else
    for i, v in ipairs(labels) do names[i] = label_text(v) end
  end
  local base_opts = { labels = labels, zero_division = opts.zero_division }
  local p, r, f, s = prfs(who, yt, yp, base_opts)
  local total = s:sum()
  local avgs = {}
  for _, avg in ipairs({ "micro", "macro", "weighted" }) do
    local o = prf_opts(base_opts, avg)
    local ap, ar, af = prfs(who, yt, yp, o)
    local heading = (avg == "micro" and micro_is_accuracy) and "accuracy" or (avg .. " avg")
    avgs[#avgs + 1] = { heading, ap, ar, af }
  end
  if opts.output_dict then
    local d = {}
    for i, name in ipairs(names) do
      d[name] = { precision = p[i], recall = r[i], ["f1-score"] = f[i], support = s[i] }
    end
    for _, a in ipairs(avgs) do
      if a[1] == "accuracy" then d.accuracy = a[4]
      else d[a[1]] = { precision = a[2], recall = a[3], ["f1-score"] = a[4], support = total } end
    end
    return d
  end
  local width = #"weighted avg"
  for _, nm in ipairs(names) do width = math.max(width, utf8.len(nm) or #nm) end
  width = math.max(width, digits)
  local function pad(sv, w) return string.rep(" ", w - (utf8.len(sv) or #sv)) .. sv end
  local num = "%9." .. digits .. "f"
  local out = { pad("", width) .. " " .. string.format(" %9s %9s %9s %9s", "precision", "recall", "f1-score", "support"), "\n\n" }
  for i, nm in ipairs(names) do
    out[#out + 1] = pad(nm, width) .. " " .. string.format(" " .. num .. " " .. num .. " " .. num .. " %9d\n", p[i], r[i], f[i], s[i])
  end
  out[#out + 1] = "\n"
  for _, a in ipairs(avgs) do
    if a[1] == "accuracy" then
      out[#out + 1] = pad(a[1], width) .. " " .. string.format(" %9s %9s " .. num .. " %9d\n", "", "", a[4], total)
    else
      out[#out + 1] = pad(a[1], width) .. " " .. string.format(" " .. num .. " " .. num .. " " .. num .. " %9d\n", a[2], a[3], a[4], total)
    end
  end
  return table.concat(out)
end

-- ------------------------------------------------------------ scores and curves

local function score_vector(who, s, n, name)
  s = base.vector("ml." .. who, s, n, name or "y_score")
  local sum = s:sum()
  if sum ~= sum or sum == math.huge or sum == -math.huge then fail(who, "%s contains NaN or infinite values", name or "y_score") end
  return s
end

-- Sorted distinct labels of y (a tensor or a list); two reductions instead of
-- a sort when there are at most two.
local function sorted_classes(yt)
  if torch.isTensor(yt) then
    local n = yt:nElement()
    if n == 0 then return {} end
    local lo, hi = yt:min(), yt:max()
    if lo == hi then return { lo } end
    if lo == lo and hi == hi and yt:eq(lo):sum() + yt:eq(hi):sum() == n then return { lo, hi } end
    return torch.unique(yt, true):totable()
  end
  local seen, classes = {}, {}
  for _, v in ipairs(yt) do if not seen[v] then seen[v] = true; classes[#classes + 1] = v end end
  table.sort(classes)
  return classes
end

-- Binary truth (DoubleTensor of 0/1) for pos_label; the default positive label
-- is 1 for labels {0,1} or {-1,1} (or a single of them), else an error.
local function binary_truth(who, y_true, pos_label, one_vs_rest, known_classes)
  local yt = labels_of(who, y_true, "y_true")
  if one_vs_rest then
    if torch.isTensor(yt) then return yt:eq(pos_label):double() end
    local t = torch.DoubleTensor(#yt)
    for i, v in ipairs(yt) do t[i] = v == pos_label and 1 or 0 end
    return t
  end
  local classes = known_classes or sorted_classes(yt)
  if #classes > 2 then fail(who, "y_true has %d classes; a binary target is needed", #classes) end
  if pos_label == nil or pos_label == base.NONE then
    local ok = true
    for _, c in ipairs(classes) do if c ~= 0 and c ~= 1 and c ~= -1 then ok = false end end
    if not ok then
      local t = {}
      for i, c in ipairs(classes) do t[i] = label_text(c) end
      fail(who, "y_true takes values in {%s}; pos_label must be given when labels are not {0, 1} or {-1, 1}",
        table.concat(t, ", "))
    end
    pos_label = 1
  end
  local truth
  if torch.isTensor(yt) then
    truth = yt:eq(pos_label):double()
  else
    truth = torch.DoubleTensor(#yt)
    for i, v in ipairs(yt) do truth[i] = v == pos_label and 1 or 0 end
  end
  return truth
end

-- fps, tps, thresholds at every distinct score, highest first (scikit-learn's
-- _binary_clf_curve), by the radix-sort kernel of kernels/metrics.c
local function clf_curve(truth, score)
  return torch._metrics.clf_curve(score:double():contiguous(), truth:double():contiguous())
end

-- fpr, tpr, thresholds from a 0/1 truth and checked scores
local function roc_points(truth, score, drop)
  local fps, tps, thr = clf_curve(truth, score)
  local m = fps:nElement()
  if drop and m > 2 then
    local function d2(v) return v:narrow(1, 3, m - 2) - v:narrow(1, 2, m - 2) - (v:narrow(1, 2, m - 2) - v:narrow(1, 1, m - 2)) end
    local keep = torch.cat({ torch.ByteTensor{ 1 }, d2(fps):ne(0):add(d2(tps):ne(0)):gt(0), torch.ByteTensor{ 1 } }, 1)
    local ix = torch.nonzero(keep):view(-1)
    fps, tps, thr = fps:index(1, ix), tps:index(1, ix), thr:index(1, ix)
  end
  fps = torch.cat(torch.zeros(1), fps, 1)
  tps = torch.cat(torch.zeros(1), tps, 1)
  thr = torch.cat(torch.Tensor{ thr[1] + 1 }, thr, 1)
  local nf, nt = fps[fps:nElement()], tps[tps:nElement()]
  local fpr = nf > 0 and fps / nf or torch.Tensor(fps:nElement()):fill(0 / 0)
  local tpr = nt > 0 and tps / nt or torch.Tensor(tps:nElement()):fill(0 / 0)
  return fpr, tpr, thr
end

--- metrics.roc_curve(y_true, y_score [, opts]) -> fpr, tpr, thresholds.
-- opts.pos_label, opts.drop_intermediate (true: drops collinear points, as
-- scikit-learn). thresholds[1] is thresholds[2] + 1 (scikit-learn 1.2).
function M.roc_curve(y_true, y_score, opts)
  opts = opts or {}
  local who = "roc_curve"
  local truth = binary_truth(who, y_true, opts.pos_label)
  local score = score_vector(who, y_score, truth:nElement())
  if truth:nElement() == 0 then fail(who, "y_true is empty") end
  return roc_points(truth, score, opts.drop_intermediate ~= false)
end

-- trapezoid area of checked vectors
local function trapz(x, y)
  local n = x:nElement()
  if n < 2 then error("ml.auc: at least 2 points are needed (got " .. n .. ")", 2) end
  local dx = x:narrow(1, 2, n - 1) - x:narrow(1, 1, n - 1)
  local dir = 1
  if dx:lt(0):sum() > 0 then
    if dx:le(0):sum() == n - 1 then dir = -1 else error("ml.auc: x is neither increasing nor decreasing", 2) end
  end
  local area = torch.cmul(dx, y:narrow(1, 2, n - 1) + y:narrow(1, 1, n - 1)):div(2):sum()
  return dir * area
end

--- metrics.auc(x, y) -> area under the curve (x, y) by trapezoids; x must be
-- monotonic.
function M.auc(x, y)
  x = base.vector("ml.auc", x, nil, "x")
  y = base.vector("ml.auc", y, x:nElement(), "y")
  return trapz(x, y)
end

local function binary_auc(who, truth, score, max_fpr)
  local fpr, tpr = roc_points(truth, score, true)
  if fpr[fpr:nElement()] ~= fpr[fpr:nElement()] or tpr[tpr:nElement()] ~= tpr[tpr:nElement()] then
    fail(who, "only one class present in y_true; ROC AUC is not defined in that case")
  end
  if max_fpr == nil or max_fpr == base.NONE or max_fpr == 1 then return trapz(fpr, tpr) end
  if max_fpr <= 0 or max_fpr > 1 then fail(who, "max_fpr must be in (0, 1] (got %g)", max_fpr) end
  local f, t = fpr:totable(), tpr:totable()
  local stop = 0
  for i = 1, #f do if f[i] <= max_fpr then stop = i end end
  local x0, x1, y0, y1 = f[stop], f[stop + 1], t[stop], t[stop + 1]
  local fx, ty = {}, {}
  for i = 1, stop do fx[i], ty[i] = f[i], t[i] end
  fx[stop + 1] = max_fpr
  ty[stop + 1] = x1 == x0 and y1 or y0 + (max_fpr - x0) * (y1 - y0) / (x1 - x0)
  local partial = M.auc(torch.Tensor(fx), torch.Tensor(ty))
  local min_area, max_area = 0.5 * max_fpr ^ 2, max_fpr
  return 0.5 * (1 + (partial - min_area) / (max_area - min_area))
end

--- metrics.roc_auc_score(y_true, y_score [, opts]) -> area under the ROC
-- curve.  Binary: y_score is the positive class's score (N) or an N x 2
-- probability matrix. Multiclass: y_score is N x K probabilities, opts.
-- multi_class = "ovr" (one-vs-rest), average "macro" (default) or "weighted";
-- opts.labels names the columns. opts.max_fpr: standardized partial AUC.
function M.roc_auc_score(y_true, y_score, opts)
  opts = opts or {}
  local who = "roc_auc_score"
  local yt = labels_of(who, y_true, "y_true")
  if not torch.isTensor(y_score) then y_score = torch.DoubleTensor(y_score) end
  if y_score:dim() == 2 and y_score:size(2) == 1 then y_score = y_score:select(2, 1) end
  local classes
  if opts.labels then classes = values(labels_of(who, opts.labels, "labels"))
  else classes = sorted_classes(yt) end
  if y_score:dim() == 1 or (y_score:size(2) == 2 and #classes <= 2) then
    if y_score:dim() == 2 then y_score = y_score:select(2, 2) end
    if #classes > 2 then fail(who, "y_true has %d classes but y_score is 1-D; pass N x K probabilities", #classes) end
    local truth
    if #classes == 2 and not opts.labels then
      truth = binary_truth(who, yt, classes[2], false, classes)
    elseif #classes == 2 then
      truth = binary_truth(who, yt, classes[2])
    else
      truth = binary_truth(who, yt, nil, false, classes)
    end
    return binary_auc(who, truth, score_vector(who, y_score, truth:nElement()), opts.max_fpr)
  end
  local n, K = y_score:size(1), y_score:size(2)
  if n ~= count(yt) then fail(who, "y_score has %d rows but y_true has %d labels", n, count(yt)) end
  if K ~= #classes then
    fail(who, "number of classes in y_true (%d) not equal to the number of columns in y_score (%d)", #classes, K)
  end
  local mc = opts.multi_class or "ovr"
  if mc ~= "ovr" then fail(who, "multi_class must be \"ovr\" (got %s)", tostring(mc)) end
  if opts.max_fpr ~= nil and opts.max_fpr ~= 1 and opts.max_fpr ~= base.NONE then
    fail(who, "partial AUC (max_fpr) is only for binary targets")
  end
  local rs = y_score:double():sum(2)
  if (rs - 1):abs():max() > 1e-8 * math.max(1, K) then
    fail(who, "target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes")
  end
  local average = opts.average or "macro"
  local total, wsum = 0, 0
  for k, c in ipairs(classes) do
    local truth = binary_truth(who, yt, c, true)
    local a = binary_auc(who, truth, y_score:select(2, k):double():contiguous(), nil)
    local w = average == "weighted" and truth:sum() or 1
    total, wsum = total + a * w, wsum + w
  end
  if average ~= "macro" and average ~= "weighted" then
    fail(who, "average must be \"macro\" or \"weighted\" (got %s)", tostring(average))
  end
  return total / wsum
end

--- metrics.precision_recall_curve(y_true, probas_pred [, opts]) ->
-- precision, recall, thresholds (recall decreasing; the last point is
-- precision 1, recall 0). opts.pos_label.
function M.precision_recall_curve(y_true, probas_pred, opts)
  opts = opts or {}
  local who = "precision_recall_curve"
  local truth = binary_truth(who, y_true, opts.pos_label)
  local score = score_vector(who, probas_pred, truth:nElement(), "probas_pred")
  if truth:nElement() == 0 then fail(who, "y_true is empty") end
  local fps, tps, thr = clf_curve(truth, score)
  local m = tps:nElement()
  local ps = tps + fps
  local precision = divide(tps, ps, 0)
  local recall = tps[m] == 0 and torch.ones(m) or tps / tps[m]
  local rev = torch.range(m, 1, -1):long()
  return torch.cat(precision:index(1, rev), torch.ones(1), 1), torch.cat(recall:index(1, rev), torch.zeros(1), 1),
    thr:index(1, rev)
end

--- metrics.average_precision_score(y_true, y_score [, opts]) -> sum over
-- thresholds of (R_k - R_{k-1}) P_k.  opts.pos_label (1).
function M.average_precision_score(y_true, y_score, opts)
  opts = opts or {}
  local p, r = M.precision_recall_curve(y_true, y_score, { pos_label = opts.pos_label or 1 })
  local m = r:nElement()
  return -torch.cmul(r:narrow(1, 2, m - 1) - r:narrow(1, 1, m - 1), p:narrow(1, 1, m - 1)):sum()
end

--- metrics.log_loss(y_true, y_prob [, opts]) -> mean cross-entropy.  y_prob
-- is N (probability of the larger label) or N x K (columns in sorted label
-- order, or opts.labels). opts.eps ("auto": the float epsilon), normalize.
function M.log_loss(y_true, y_prob, opts)
  opts = opts or {}
  local who = "log_loss"
  local yt = labels_of(who, y_true, "y_true")
  local classes
  if opts.labels then
    classes = values(labels_of(who, opts.labels, "labels"))
    table.sort(classes)
  else
    classes = encode_pair(who, yt, yt)
  end
  if #classes == 1 then
    if opts.labels then fail(who, "labels needs at least two labels for log_loss") end
    fail(who, "y_true contains only one label (%s); give the labels explicitly (opts.labels)", label_text(classes[1]))
  end
  if not torch.isTensor(y_prob) then y_prob = torch.DoubleTensor(y_prob) end
  local P = y_prob:double()
  local eps = (opts.eps == nil or opts.eps == "auto") and
    (torch.typename(y_prob) == "torch.FloatTensor" and 1.1920928955078125e-07 or 2.220446049250313e-16) or opts.eps
  P = P:clamp(eps, 1 - eps)
  if P:dim() == 1 then P = P:view(-1, 1) end
  if P:size(2) == 1 then P = torch.cat(-P + 1, P, 2) end
  local n = P:size(1)
  if n ~= count(yt) then fail(who, "y_prob has %d rows but y_true has %d labels", n, count(yt)) end
  if P:size(2) ~= #classes then
    fail(who, "y_true and y_prob contain different numbers of classes %d, %d; give the labels explicitly (opts.labels)",
      #classes, P:size(2))
  end
  local pos = {}
  for i, c in ipairs(classes) do pos[c] = i end
  local idx = torch.LongTensor(n)
  local vals = values(yt)
  for i = 1, n do
    local k = pos[vals[i]]
    if not k then fail(who, "y_true contains a label (%s) not in labels", label_text(vals[i])) end
    idx[i] = k
  end
  P = torch.cdiv(P, P:sum(2):expandAs(P))
  local picked = P:gather(2, idx:view(n, 1)):view(n)
  local loss = -picked:log():sum()
  if opts.normalize == false then return loss end
  return loss / n
end

--- metrics.brier_score_loss(y_true, y_prob [, opts]) -> mean squared
-- difference between the probability of the positive class and the outcome.
-- opts.pos_label: default the larger label (1 for {0, 1}).
function M.brier_score_loss(y_true, y_prob, opts)
  opts = opts or {}
  local who = "brier_score_loss"
  local yt = labels_of(who, y_true, "y_true")
  local p = score_vector(who, y_prob, count(yt), "y_prob")
  if p:max() > 1 then fail(who, "y_prob contains values greater than 1") end
  if p:min() < 0 then fail(who, "y_prob contains values less than 0") end
  local pos = opts.pos_label
  if pos == nil then
    local cl = encode_pair(who, yt, yt)
    if #cl > 2 then fail(who, "only binary classification is supported (y_true has %d labels)", #cl) end
    pos = cl[#cl]
    if torch.isTensor(yt) and #cl <= 2 then
      local ok = true
      for _, c in ipairs(cl) do if c ~= 0 and c ~= 1 and c ~= -1 then ok = false end end
      if ok then pos = 1 end
    end
  end
  local truth = binary_truth(who, yt, pos)
  return (truth - p):pow(2):mean()
end

-- ------------------------------------------------------------ regression

local function reg_pair(who, y_true, y_pred)
  local yt = base.vector("ml." .. who, y_true, nil, "y_true")
  local yp = base.vector("ml." .. who, y_pred, nil, "y_pred")
  if yt:nElement() ~= yp:nElement() then
    fail(who, "y_true and y_pred have different lengths (%d and %d)", yt:nElement(), yp:nElement())
  end
  if yt:nElement() == 0 then fail(who, "y_true is empty") end
  return yt, yp
end

--- metrics.mean_squared_error(y_true, y_pred [, opts]) -> mean of squared
-- errors (opts.squared = false: its square root).
function M.mean_squared_error(y_true, y_pred, opts)
  local yt, yp = reg_pair("mean_squared_error", y_true, y_pred)
  local dv = yt - yp
  local mse = torch.dot(dv, dv) / dv:nElement()
  if opts and opts.squared == false then return math.sqrt(mse) end
  return mse
end

--- metrics.root_mean_squared_error(y_true, y_pred) -> the square root of
-- the mean squared error.
function M.root_mean_squared_error(y_true, y_pred)
  local yt, yp = reg_pair("root_mean_squared_error", y_true, y_pred)
  local dv = yt - yp
  return math.sqrt(torch.dot(dv, dv) / dv:nElement())
end

--- metrics.mean_absolute_error(y_true, y_pred) -> mean of absolute errors.
function M.mean_absolute_error(y_true, y_pred)
  local yt, yp = reg_pair("mean_absolute_error", y_true, y_pred)
  return (yt - yp):abs():mean()
end

--- metrics.median_absolute_error(y_true, y_pred) -> median of absolute errors.
function M.median_absolute_error(y_true, y_pred)
  local yt, yp = reg_pair("median_absolute_error", y_true, y_pred)
  return torch.quantile((yt - yp):abs(), 0.5)
end

--- metrics.mean_absolute_percentage_error(y_true, y_pred) -> mean of
-- |y - p| / max(|y|, eps) (a fraction, not a percentage).
function M.mean_absolute_percentage_error(y_true, y_pred)
  local yt, yp = reg_pair("mean_absolute_percentage_error", y_true, y_pred)
  local den = yt:clone():abs():clamp(2.220446049250313e-16, math.huge)
  return torch.cdiv((yt - yp):abs(), den):mean()
end

--- metrics.r2_score(y_true, y_pred) -> coefficient of determination (1 for a
-- perfect fit; 0 when y_true is constant and the fit is not perfect).
function M.r2_score(y_true, y_pred)
  local yt, yp = reg_pair("r2_score", y_true, y_pred)
  if yt:nElement() < 2 then fail("r2_score", "R^2 is not defined for fewer than two samples") end
  local num = (yt - yp):pow(2):sum()
  local den = (yt - yt:mean()):pow(2):sum()
  if den == 0 then return num == 0 and 1.0 or 0.0 end
  return 1 - num / den
end

--- metrics.explained_variance_score(y_true, y_pred) -> 1 - Var(y - p) / Var(y).
function M.explained_variance_score(y_true, y_pred)
  local yt, yp = reg_pair("explained_variance_score", y_true, y_pred)
  local d = yt - yp
  local num = (d - d:mean()):pow(2):mean()
  local den = (yt - yt:mean()):pow(2):mean()
  if den == 0 then return num == 0 and 1.0 or 0.0 end
  return 1 - num / den
end

-- ------------------------------------------------------------ scorers

local function has(est, method)
  if est.supports then return est:supports(method) end
  return est[method] ~= nil
end

local function proba_or_decision(est, X, who)
  if has(est, "predict_proba") then
    local P = est:predict_proba(X)
    return P
  end
  if has(est, "decision_function") then return est:decision_function(X) end
  error(string.format("ml.%s: this ml.%s has neither predict_proba nor decision_function", who, est._class._name), 0)
end

local function positive_column(P)
  if P:dim() == 2 then
    if P:size(2) == 2 then return P:select(2, 2) end
    if P:size(2) == 1 then return P:select(2, 1) end
  end
  return P
end

local function pred_scorer(f, sign, extra)
  return function(est, X, y) return sign * f(y, est:predict(X), extra) end
end

local SCORERS = {
  accuracy = pred_scorer(M.accuracy_score, 1),
  balanced_accuracy = pred_scorer(M.balanced_accuracy_score, 1),
  f1 = pred_scorer(M.f1_score, 1),
  precision = pred_scorer(M.precision_score, 1),
  recall = pred_scorer(M.recall_score, 1),
  matthews_corrcoef = pred_scorer(M.matthews_corrcoef, 1),
  r2 = pred_scorer(M.r2_score, 1),
  explained_variance = pred_scorer(M.explained_variance_score, 1),
  neg_mean_squared_error = pred_scorer(M.mean_squared_error, -1),
  neg_root_mean_squared_error = pred_scorer(M.root_mean_squared_error, -1),
  neg_mean_absolute_error = pred_scorer(M.mean_absolute_error, -1),
  neg_median_absolute_error = pred_scorer(M.median_absolute_error, -1),
  neg_mean_absolute_percentage_error = pred_scorer(M.mean_absolute_percentage_error, -1),
  roc_auc = function(est, X, y)
    local P = proba_or_decision(est, X, "roc_auc")
    return M.roc_auc_score(y, positive_column(P))
  end,
  roc_auc_ovr = function(est, X, y)
    return M.roc_auc_score(y, proba_or_decision(est, X, "roc_auc_ovr"), { multi_class = "ovr" })
  end,
  roc_auc_ovr_weighted = function(est, X, y)
    return M.roc_auc_score(y, proba_or_decision(est, X, "roc_auc_ovr"), { multi_class = "ovr", average = "weighted" })
  end,
  average_precision = function(est, X, y)
    return M.average_precision_score(y, positive_column(proba_or_decision(est, X, "average_precision")))
  end,
  neg_log_loss = function(est, X, y)
    return -M.log_loss(y, est:predict_proba(X), { labels = est.classes })
  end,
  neg_brier_score = function(est, X, y)
    return -M.brier_score_loss(y, positive_column(est:predict_proba(X)))
  end,
}
for _, avg in ipairs({ "macro", "micro", "weighted" }) do
  SCORERS["f1_" .. avg] = pred_scorer(M.f1_score, 1, { average = avg })
  SCORERS["precision_" .. avg] = pred_scorer(M.precision_score, 1, { average = avg })
  SCORERS["recall_" .. avg] = pred_scorer(M.recall_score, 1, { average = avg })
end

--- metrics.get_scorer(name) -> scorer(estimator, X, y) -> number (greater
-- is better: losses are negated, as "neg_mean_squared_error"). A function is
-- returned as is.
function M.get_scorer(name)
  if type(name) == "function" then return name end
  local s = SCORERS[name]
  if not s then
    local names = {}
    for k in pairs(SCORERS) do names[#names + 1] = k end
    table.sort(names)
    error(string.format("ml.get_scorer: unknown scoring '%s' (known: %s)", tostring(name), table.concat(names, ", ")), 2)
  end
  return s
end

--- metrics.get_scorer_names() -> the sorted list of scorer names.
function M.get_scorer_names()
  local names = {}
  for k in pairs(SCORERS) do names[#names + 1] = k end
  table.sort(names)
  return names
end

return M
