-- moonlab.plot.helpers: the plots of daily model work, built from the kinds:
-- dist (histogram with a density curve), learning_curve, roc, pr, confusion,
-- pairs (scatter matrix), corr (correlation heatmap).  Each computes its
-- numbers here (returned to the caller as well) and draws through a figure.
-- Not here: gnuplot commands (kinds.lua), processes (gp.lua).
local torch = require "torch"
local data = require "moonlab.plot.data"
local K = require "moonlab.plot.kinds"

local H = {}

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 0)
end

-- ---------------------------------------------------------------- dist

-- Gaussian kernel density of the numbers xs on `m` points, by binning:
-- a fine histogram convolved with the kernel (bandwidth: Scott's rule
-- 1.06 sd n^(-1/5) unless given).  Returns grid and density tensors.
function H.kde(xs, lo, hi, bw, m)
  m = m or 256
  local mean, sd, n = data.mean_std(xs)
  if n == 0 then return nil end
  bw = bw or 1.06 * (sd > 0 and sd or 1) * n ^ (-0.2)
  local a, b = lo - 3 * bw, hi + 3 * bw
  local counts = data.histogram(xs, m, a, b)
  local step = (b - a) / m
  local grid, dens = torch.DoubleTensor(m), torch.DoubleTensor(m)
  local c = 1 / (n * bw * math.sqrt(2 * math.pi))
  local reach = math.ceil(6 * bw / step)
  for i = 1, m do
    local gi = a + (i - 0.5) * step
    local s = 0
    for j = math.max(1, i - reach), math.min(m, i + reach) do
      local cj = counts[j]
      if cj > 0 then
        local u = (i - j) * step / bw
        s = s + cj * math.exp(-0.5 * u * u)
      end
    end
    grid[i], dens[i] = gi, s * c
  end
  return grid, dens, bw, mean
end

function H.dist(fig, who, x, opts)
  opts = opts or {}
  local o = K.copy(opts)
  o.density = true
  if o.legend == nil then o.legend = "top right" end
  local layer, ho, res = K.hist(who, x, o)
  local cols = {}
  if data.is_tensor(x) and x:dim() ~= 2 then
    cols[1] = x
  else
    local _, cs = data.columns(who, "x", x, opts.labels)
    cols = cs
  end
  local edges = res[1].edges
  local lo, hi = edges[1], edges[edges:nElement()]
  local curves = {}
  for j, col in ipairs(cols) do
    local g, d = H.kde(data.numbers(col), lo, hi, opts.bandwidth)
    if g then curves[j] = { g, d, res[j].label } end
  end
  if not opts.label and #cols == 1 then res[1].label = "histogram" end
  fig:add(who, function(B)
    layer(B)
    for j, c in ipairs(curves) do
      local name = #curves == 1 and "density" or ((c[3] or tostring(j)) .. " density")
      B:clause(B:data({ c[1], c[2] }) .. " using 1:2 " .. K.style(who, { style = "lines", width = 2,
        label = name }, "lines"))
    end
  end, ho)
  return res[1].counts, res[1].edges
end

-- ---------------------------------------------------------------- learning curves

local SKIP_KEYS = { epoch = true, step = true, size = true, x = true, iteration = true, n = true }

-- Series {name = Lua array} and the x values from the history forms.
local function history_series(who, h, opts)
  local series, names, xs, xlabel = {}, {}, nil, nil
  if data.is_tensor(h) then
    local ns, cols = data.columns(who, "history", h, opts.labels)
    for j, c in ipairs(cols) do names[j] = ns[j]; series[ns[j]] = data.numbers(c) end
  elseif type(h) == "table" and type(h[1]) == "table" and not data.is_tensor(h[1]) and h[1][1] == nil then
    -- array of records {epoch = 1, train_loss = ..., val_loss = ...}
    local keys = {}
    for k, v in pairs(h[1]) do
      if type(v) == "number" and not SKIP_KEYS[k] then keys[#keys + 1] = k end
    end
    table.sort(keys)
    for _, k in ipairs(keys) do series[k] = {}; names[#names + 1] = k end
    xs = {}
    local xkey = h[1].epoch and "epoch" or h[1].step and "step" or h[1].size and "size" or h[1].iteration and "iteration"
    xlabel = xkey
    for i, r in ipairs(h) do
      xs[i] = xkey and r[xkey] or i
      for _, k in ipairs(keys) do series[k][i] = r[k] == nil and 0 / 0 or r[k] end
    end
  elseif type(h) == "table" then
    for k, v in pairs(h) do
      if not SKIP_KEYS[k] then
        names[#names + 1] = tostring(k)
        series[tostring(k)] = data.numbers(data.vector(who, "history." .. tostring(k), v))
      end
    end
    table.sort(names)
    local xv = h.x or h.size or h.epoch or h.step
    if xv ~= nil then
      xs = data.numbers(data.vector(who, "history.x", xv))
      xlabel = (h.size and "training size") or (h.epoch and "epoch") or (h.step and "step") or nil
    end
  else
    fail(who, "history must be a table of series, a list of records or a tensor, got %s", type(h))
  end
  if #names == 0 then fail(who, "history has no series") end
  return series, names, xs, xlabel
end

function H.learning_curve(fig, who, history, opts)
  opts = opts or {}
  local series, names, xs, xlabel = history_series(who, history, opts)
  if opts.x then xs = data.numbers(data.vector(who, "x", opts.x)) end
  local o = K.copy(opts)
  o.xlabel = o.xlabel or xlabel or "epoch"
  o.ylabel = o.ylabel or "value"
  o.x = nil
  local bands, lines = {}, {}
  for _, name in ipairs(names) do
    local base = name:match("^(.*)_std$")
    if base and series[base] then bands[base] = series[name] else lines[#lines + 1] = name end
  end
  local function x_for(n)
    local t = torch.DoubleTensor(n)
    for i = 1, n do t[i] = xs and xs[i] or i end
    if xs and #xs ~= n then fail(who, "x has %d values, the series have %d", #xs, n) end
    return t
  end
  fig:add(who, function(B)
    for j, name in ipairs(lines) do
      local ys = series[name]
      local xt, yt = x_for(#ys), torch.DoubleTensor(ys)
      if bands[name] then
        local sd = torch.DoubleTensor(bands[name])
        local src = B:data({ xt, yt - sd, yt + sd })
        B:clause(src .. " using 1:2:3 with filledcurves fs transparent solid 0.2 lc " .. j .. " notitle")
      end
      B:clause(B:data({ xt, yt }) .. " using 1:2 " .. K.style(who, { style = "linespoints", color = j,
        marker = "circle", pointsize = 0.6, width = 2, label = name }, "lines"))
    end
  end, o)
  return fig
end

-- ---------------------------------------------------------------- roc / pr

-- Binary truth as a Lua array of 0/1; the positive label is opts.pos_label,
-- else 1 when present, else the largest label.
local function binary_truth(who, y, n_expected)
  local ys = data.is_tensor(y) and data.numbers(data.vector(who, "y", y)) or y
  if type(ys) ~= "table" then fail(who, "y must be a tensor or a table of labels") end
  if n_expected and #ys ~= n_expected then fail(who, "y has %d labels for %d scores", #ys, n_expected) end
  return ys
end

local function positives(who, ys, pos_label)
  local pos = pos_label
  if pos == nil then
    local has1, maxv = false, nil
    for i = 1, #ys do
      if ys[i] == 1 then has1 = true end
      if maxv == nil or (type(ys[i]) == type(maxv) and ys[i] > maxv) then maxv = ys[i] end
    end
    pos = has1 and 1 or maxv
  end
  local t, np = {}, 0
  for i = 1, #ys do
    t[i] = ys[i] == pos and 1 or 0
    np = np + t[i]
  end
  if np == 0 or np == #ys then
    fail(who, "y needs both positive (%s) and negative labels", data.label_text(pos))
  end
  return t, np
end

-- Scores as a list of {name, Lua array}.
local function score_sets(who, scores, labels)
  if data.is_tensor(scores) or (type(scores) == "table" and type(scores[1]) == "number") then
    return { { labels and labels[1] or nil, data.numbers(data.vector(who, "scores", scores)) } }
  end
  local names, cols = data.columns(who, "scores", scores, labels)
  local sets = {}
  for j, c in ipairs(cols) do sets[j] = { names[j], data.numbers(c) } end
  return sets
end

-- Order of the scores, highest first (ties keep index order).
local function order_desc(s)
  local idx = {}
  for i = 1, #s do idx[i] = i end
  table.sort(idx, function(a, b)
    local sa, sb = s[a], s[b]
    if sa ~= sb then return sa > sb end
    return a < b
  end)
  return idx
end

-- ROC points at every distinct score threshold and the area (trapezoids).
function H.roc_curve(truth, np, s)
  local n = #truth
  local nn = n - np
  local idx = order_desc(s)
  local fpr, tpr = { 0 }, { 0 }
  local tp, fp = 0, 0
  for k = 1, n do
    local i = idx[k]
    if truth[i] == 1 then tp = tp + 1 else fp = fp + 1 end
    if k == n or s[idx[k + 1]] ~= s[i] then
      fpr[#fpr + 1], tpr[#tpr + 1] = fp / nn, tp / np
    end
  end
  local auc = 0
  for k = 2, #fpr do auc = auc + (fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2 end
  return torch.DoubleTensor(fpr), torch.DoubleTensor(tpr), auc
end

-- Precision-recall points (recall rising) and the average precision
-- sum (R_k - R_{k-1}) P_k (scikit-learn's definition).
function H.pr_curve(truth, np, s)
  local n = #truth
  local idx = order_desc(s)
  local prec, rec = { 1 }, { 0 }
  local tp, fp = 0, 0
  local ap, last_r = 0, 0
  for k = 1, n do
    local i = idx[k]
    if truth[i] == 1 then tp = tp + 1 else fp = fp + 1 end
    if k == n or s[idx[k + 1]] ~= s[i] then
      local p, r = tp / (tp + fp), tp / np
      prec[#prec + 1], rec[#rec + 1] = p, r
      ap = ap + (r - last_r) * p
      last_r = r
    end
  end
  return torch.DoubleTensor(prec), torch.DoubleTensor(rec), ap
end

function H.roc(fig, who, y, scores, opts)
  opts = opts or {}
  local sets = score_sets(who, scores, opts.labels)
  local ys = binary_truth(who, y, #sets[1][2])
  local truth, np = positives(who, ys, opts.pos_label)
  local results = {}
  for j, set in ipairs(sets) do
    if #set[2] ~= #truth then fail(who, "scores %d has %d values for %d labels", j, #set[2], #truth) end
    local f, t, auc = H.roc_curve(truth, np, set[2])
    results[j] = { name = set[1], fpr = f, tpr = t, auc = auc }
  end
  local o = K.copy(opts)
  o.xlabel = o.xlabel or "false positive rate"
  o.ylabel = o.ylabel or "true positive rate"
  o.xrange = o.xrange or { 0, 1 }
  o.yrange = o.yrange or { 0, 1.02 }
  if o.legend == nil then o.legend = "bottom right" end
  o.labels, o.pos_label = nil, nil
  fig:add(who, function(B)
    K.segment(0, 0, 1, 1)(B)
    for j, r in ipairs(results) do
      local label = string.format("%sAUC = %.3f", r.name and (r.name .. " ") or "", r.auc)
      B:clause(B:data({ r.fpr, r.tpr }) .. " using 1:2 " .. K.style(who, { style = "lines", width = 2,
        color = j, label = label }, "lines"))
    end
  end, o)
  if #results == 1 then return results[1].auc, results[1].fpr, results[1].tpr end
  return results
end

function H.pr(fig, who, y, scores, opts)
  opts = opts or {}
  local sets = score_sets(who, scores, opts.labels)
  local ys = binary_truth(who, y, #sets[1][2])
  local truth, np = positives(who, ys, opts.pos_label)
  local results = {}
  for j, set in ipairs(sets) do
    if #set[2] ~= #truth then fail(who, "scores %d has %d values for %d labels", j, #set[2], #truth) end
    local p, r, ap = H.pr_curve(truth, np, set[2])
    results[j] = { name = set[1], precision = p, recall = r, ap = ap }
  end
  local base = np / #truth
  local o = K.copy(opts)
  o.xlabel = o.xlabel or "recall"
  o.ylabel = o.ylabel or "precision"
  o.xrange = o.xrange or { 0, 1 }
  o.yrange = o.yrange or { 0, 1.02 }
  if o.legend == nil then o.legend = "bottom left" end
  o.labels, o.pos_label = nil, nil
  fig:add(who, function(B)
    K.segment(0, base, 1, base)(B)
    for j, r in ipairs(results) do
      local label = string.format("%sAP = %.3f", r.name and (r.name .. " ") or "", r.ap)
      B:clause(B:data({ r.recall, r.precision }) .. " using 1:2 " .. K.style(who, { style = "steps",
        width = 2, color = j, label = label }, "lines"))
    end
  end, o)
  if #results == 1 then return results[1].ap, results[1].precision, results[1].recall end
  return results
end

-- ---------------------------------------------------------------- confusion

-- Counts matrix from true and predicted labels, with the class list.
function H.confusion_matrix(who, y, pred, classes)
  local ys = data.is_tensor(y) and data.numbers(data.vector(who, "y", y)) or y
  local ps = data.is_tensor(pred) and data.numbers(data.vector(who, "pred", pred)) or pred
  if #ys ~= #ps then fail(who, "y has %d labels, pred has %d", #ys, #ps) end
  if not classes then
    local all = {}
    for i = 1, #ys do all[#all + 1] = ys[i] end
    for i = 1, #ps do all[#all + 1] = ps[i] end
    classes = data.classes(all)
  end
  local index = {}
  for k, c in ipairs(classes) do index[c] = k end
  local cm = torch.DoubleTensor(#classes, #classes)
  for i = 1, #ys do
    local a, b = index[ys[i]], index[ps[i]]
    if a and b then cm[a][b] = cm[a][b] + 1 end
  end
  return cm, classes
end

function H.confusion(fig, who, cm, labels, opts)
  if type(labels) == "table" and (labels.normalize ~= nil or labels.title ~= nil) and labels[1] == nil then
    opts, labels = labels, nil
  end
  opts = opts or {}
  if type(cm) == "table" and not data.is_tensor(cm) and cm.y ~= nil and cm.pred ~= nil then
    local classes
    cm, classes = H.confusion_matrix(who, cm.y, cm.pred, labels)
    labels = labels or classes
  end
  local m = data.matrix(who, "cm", cm)
  if m:size(1) ~= m:size(2) then fail(who, "cm must be square, got %s", data.shape(m)) end
  local k = m:size(1)
  if labels and #labels ~= k then fail(who, "%d labels for a %dx%d matrix", #labels, k, k) end
  local shown = m:double()
  local integral = true
  if opts.normalize then
    shown = m:double():clone()
    for i = 1, k do
      local s = shown[i]:sum()
      if s > 0 then shown[i]:div(s) end
    end
    integral = false
  else
    local vs = data.numbers(shown)
    for i = 1, #vs do if vs[i] ~= math.floor(vs[i]) then integral = false; break end end
  end
  local names = {}
  for i = 1, k do names[i] = labels and data.label_text(labels[i]) or tostring(i) end
  local o = K.copy(opts)
  o.normalize = nil
  o.xlabels, o.ylabels = names, names
  o.values = opts.values ~= false
  o.format = opts.format or (integral and "%.0f" or "%.2f")
  o.xlabel = o.xlabel or "predicted"
  o.ylabel = o.ylabel or "true"
  o.palette = o.palette or "blues"
  local layer, ho = K.heatmap(who, shown, o)
  fig:add(who, layer, ho)
  return shown
end

-- ---------------------------------------------------------------- pairs / corr

function H.pairs(fig, who, X, opts)
  opts = opts or {}
  local names, cols = data.columns(who, "X", X, opts.names)
  local d = #cols
  if d < 2 then fail(who, "need at least 2 columns, got %d", d) end
  if d > 12 then fail(who, "%d columns make a %dx%d grid; pick at most 12", d, d, d) end
  local n = cols[1]:nElement()
  for j = 2, d do
    if cols[j]:nElement() ~= n then fail(who, "column %s has %d values, column %s has %d", names[j],
      cols[j]:nElement(), names[1], n) end
  end
  local steps = {}
  for j = 1, d do
    local lo, hi = data.finite_range(data.numbers(cols[j]))
    steps[j] = lo and K.nice_step(lo, hi, 3) or nil
  end
  fig:grid(d, d, { title = opts.title })
  if not fig.size then fig.size = { math.max(600, 220 * d), math.max(500, 200 * d) } end
  for i = 1, d do
    for j = 1, d do
      local o = { legend = false, xtics = steps[j], ytics = i ~= j and steps[i] or nil }
      if i == d then o.xlabel = names[j] end
      if j == 1 then o.ylabel = names[i] end
      if i == j then
        local layer, ho = K.hist(who, cols[i], { bins = opts.bins, legend = false })
        ho.ylabel, ho.xlabel, ho.xtics = o.ylabel, o.xlabel, o.xtics
        fig:add(who, layer, ho)
      else
        if opts.by ~= nil and i == 1 and j == 2 then o.legend = "top right" end
        local layer, so = K.scatter(who, cols[j], cols[i], { by = opts.by, names = opts.class_names,
          pointsize = opts.pointsize or 0.5, legend = o.legend, xlabel = o.xlabel, ylabel = o.ylabel,
          xtics = o.xtics, ytics = o.ytics })
        fig:add(who, layer, so)
      end
    end
  end
  return fig
end

-- Pearson correlation matrix of the columns (d x d DoubleTensor).
function H.correlation(who, cols)
  local d = #cols
  local n = cols[1]:nElement()
  if n < 2 then fail(who, "need at least 2 rows") end
  local centred = {}
  for j = 1, d do
    if cols[j]:nElement() ~= n then fail(who, "column %d has %d values, column 1 has %d", j, cols[j]:nElement(), n) end
    local c = cols[j]:double():clone()
    c:add(-c:mean())
    centred[j] = c
  end
  local r = torch.DoubleTensor(d, d)
  for a = 1, d do
    for b = a, d do
      local den = math.sqrt(centred[a]:dot(centred[a]) * centred[b]:dot(centred[b]))
      local v = den > 0 and centred[a]:dot(centred[b]) / den or 0 / 0
      r[a][b], r[b][a] = v, v
    end
  end
  return r
end

function H.corr(fig, who, X, opts)
  opts = opts or {}
  local names, cols = data.columns(who, "X", X, opts.names)
  local r = H.correlation(who, cols)
  local o = K.copy(opts)
  o.names = nil
  o.xlabels, o.ylabels = names, names
  o.values = opts.values ~= false
  o.format = opts.format or "%.2f"
  o.palette = o.palette or "coolwarm"
  o.cbrange = o.cbrange or { -1, 1 }
  local layer, ho = K.heatmap(who, r, o)
  fig:add(who, layer, ho)
  return r
end

return H
