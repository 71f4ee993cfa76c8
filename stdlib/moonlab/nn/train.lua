-- Training helpers: nn.fit (mini-batch training with shuffling, a progress
-- bar on a terminal, validation, early stopping, callbacks and a history
-- that plot.learning_curve draws) and nn.summary (layers, output shapes and
-- parameter counts).  Not here: data loading (tensors in, tensors out) and
-- distributed training.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils

local function fail(fmt, ...)
  error("nn.fit: " .. string.format(fmt, ...), 3)
end

-- a data frame (moonlab.data's, or anything with the same two methods)
local function is_frame(v)
  return type(v) == "table" and type(v.to_tensor) == "function" and type(v.column_tensor) == "function"
end

-- {X, y} from {X, y}, {x = , y = } or {X = , y = }; X may be a data frame,
-- and then y may name its target column (the other columns are the features)
local function dataset(what, d)
  if type(d) ~= "table" then fail("%s must be a table {X, y} of tensors (got %s)", what, torch.type(d)) end
  local X = d[1] or d.X or d.x
  local y = d[2] or d.y or d.Y
  if is_frame(X) then
    if type(y) == "string" then
      local cols = {}
      for _, name in ipairs(X.columns or {}) do if name ~= y then cols[#cols + 1] = name end end
      local target = X:column_tensor(y)
      X, y = X:to_tensor(cols), target
    else
      X = X:to_tensor()
    end
  end
  if not torch.isTensor(X) or not torch.isTensor(y) then
    fail("%s must hold two tensors {X, y} (got %s and %s)", what, torch.type(X), torch.type(y))
  end
  if X:size(1) ~= y:size(1) then
    fail("%s: X has %d rows but y has %d", what, X:size(1), y:size(1))
  end
  return X, y
end

local function is_classifier(crit)
  local t = torch.type(crit)
  return t == "nn.ClassNLLCriterion" or t == "nn.CrossEntropyCriterion" or t == "nn.MultiMarginCriterion"
end

local function accuracy(output, y)
  if output:dim() ~= 2 then return nil end
  local _, pred = output:max(2)
  return pred:view(-1):eq(y:long():view(-1)):sum() / y:size(1)
end

-- mean loss (and accuracy) of the model on X, y in evaluation mode
local function evaluate(model, crit, X, y, bs, classify)
  local wasTraining = model.train
  model:evaluate()
  local n, loss, correct = X:size(1), 0, 0
  for i = 1, n, bs do
    local len = math.min(bs, n - i + 1)
    local xb, yb = X:narrow(1, i, len), y:narrow(1, i, len)
    local out = model:forward(xb)
    loss = loss + crit:forward(out, yb) * len
    if classify then correct = correct + (accuracy(out, yb) or 0) * len end
  end
  if wasTraining ~= false then model:training() end
  return loss / n, classify and correct / n or nil
end

local function fmt_time(s)
  if s >= 3600 then return string.format("%dh%02dm", s // 3600, (s % 3600) // 60) end
  if s >= 60 then return string.format("%dm%02ds", s // 60, math.floor(s % 60)) end
  return string.format("%.1fs", s)
end

local function bar(epoch, epochs, done, total, loss, rate, eta)
  local width = 24
  local filled = math.floor(width * done / total)
  return string.format("\r\27[Kepoch %d/%d [%s%s] %d/%d loss %.4f  %.0f samples/s  ETA %s", epoch, epochs,
    string.rep("=", filled), string.rep(" ", width - filled), done, total, loss, rate, fmt_time(eta))
end

--- nn.fit(model, criterion, train [, opts]) -> history: trains with
-- mini-batches.  train is {X, y} (tensors, first dimension = samples).
-- X may also be a data frame (moonlab.data; its numeric columns become the
-- features) and y the name of its target column.
-- opts: epochs (10), batch_size (32), optimizer ("sgd", "adam" ... or an
-- optim-style function; default "sgd"), config (the optimiser's config,
-- default {learningRate = 0.01}), validation ({X, y}), seed (shuffling is
-- reproducible with it), shuffle (true), early_stopping ({patience = 5,
-- monitor = "val_loss" or "loss", min_delta = 0}: restores the best
-- weights), callbacks (functions f(record, model) called after each epoch;
-- returning false stops), progress (default: on a terminal only).
-- history = {epoch = {...}, loss = {...}, val_loss, accuracy, val_accuracy}
-- (accuracy for classification criteria), the shape plot.learning_curve takes;
-- history.stopped_epoch is set when early stopping fired.
function nn.fit(model, criterion, train, opts)
  opts = opts or {}
  if not torch.isTypeOf(model, "nn.Module") then fail("model must be an nn.Module (got %s)", torch.type(model)) end
  if not torch.isTypeOf(criterion, "nn.Criterion") then
    fail("criterion must be an nn.Criterion (got %s)", torch.type(criterion))
  end
  local X, y = dataset("train", train)
  local Xv, yv
  if opts.validation then Xv, yv = dataset("validation", opts.validation) end
  local epochs = opts.epochs or 10
  local bs = opts.batch_size or 32
  if bs < 1 then fail("batch_size must be >= 1 (got %s)", tostring(bs)) end
  local optimizer = opts.optimizer or "sgd"
  if type(optimizer) == "string" then
    local optim = require "moonlab.optim"
    local f = optim[optimizer]
    if type(f) ~= "function" then fail("unknown optimizer '%s'", optimizer) end
    optimizer = f
  end
  local config = opts.config or { learningRate = 0.01 }
  local state = opts.state or {}
  local gen = torch.Generator()
  if opts.seed then torch.manualSeed(gen, opts.seed) else torch.manualSeed(gen, torch.random(1, 2 ^ 31)) end
  local progress = opts.progress
  if progress == nil then
    progress = torch._proc and torch._proc.isatty and torch._proc.isatty(1) or false
  end
  local classify = is_classifier(criterion)
  local es = opts.early_stopping
  local monitor = es and (es.monitor or (Xv and "val_loss" or "loss"))
  local patience = es and (es.patience or 5)
  local min_delta = es and (es.min_delta or 0)
  local best, bad, bestParams = math.huge, 0, nil

  local params, grads = model:getParameters()
  local n = X:size(1)
  local history = { epoch = {}, loss = {} }
  if classify then history.accuracy = {} end
  if Xv then
    history.val_loss = {}
    if classify then history.val_accuracy = {} end
  end
  local xb, yb = util.new(X), util.new(y)
  model:training()
  for epoch = 1, epochs do
    local order = opts.shuffle == false and torch.range(1, n):long() or torch.randperm(gen, n):long()
    local sum, correct, seen = 0, 0, 0
    local clock = torch.Timer()
    local shown = -1
    for i = 1, n, bs do
      local idx = order:narrow(1, i, math.min(bs, n - i + 1))
      xb:index(X, 1, idx)
      yb:index(y, 1, idx)
      local out
      local function feval()
        grads:zero()
        out = model:forward(xb)
        local loss = criterion:forward(out, yb)
        model:backward(xb, criterion:backward(out, yb))
        return loss, grads
      end
      local _, fs = optimizer(feval, params, config, state)
      local len = idx:size(1)
      sum = sum + fs[1] * len
      if classify then correct = correct + (accuracy(out, yb) or 0) * len end
      seen = seen + len
      local el = progress and clock:time().real
      if progress and (el - shown >= 0.1 or seen == n) then
        shown = el
        local rate = seen / math.max(el, 1e-9)
        io.stdout:write(bar(epoch, epochs, seen, n, sum / seen, rate, (n - seen) / rate))
        io.stdout:flush()
      end
    end
    local record = { epoch = epoch, loss = sum / n }
    if classify then record.accuracy = correct / n end
    if Xv then record.val_loss, record.val_accuracy = evaluate(model, criterion, Xv, yv, math.max(bs, 256), classify) end
    for k, v in pairs(record) do if history[k] then table.insert(history[k], v) end end
    if progress then
      local s = string.format("\r\27[Kepoch %d/%d  loss %.4f", epoch, epochs, record.loss)
      if record.accuracy then s = s .. string.format("  acc %.4f", record.accuracy) end
      if record.val_loss then s = s .. string.format("  val_loss %.4f", record.val_loss) end
      if record.val_accuracy then s = s .. string.format("  val_acc %.4f", record.val_accuracy) end
      io.stdout:write(s, string.format("  (%s)\n", fmt_time(clock:time().real)))
    end
    local stop = false
    for _, cb in ipairs(opts.callbacks or {}) do
      if cb(record, model) == false then stop = true end
    end
    if es then
      local v = record[monitor]
      if v == nil then fail("early_stopping monitors '%s', which the history does not have", tostring(monitor)) end
      if v < best - min_delta then
        best, bad = v, 0
        bestParams = params:clone()
      else
        bad = bad + 1
        if bad >= patience then
          history.stopped_epoch = epoch
          stop = true
        end
      end
    end
    if stop then break end
  end
  if bestParams then params:copy(bestParams) end
  return history
end

-- "N x C x H x W" of a tensor or table of tensors
local function shape_of(o)
  if torch.isTensor(o) then
    local d = {}
    for i = 1, o:dim() do d[i] = tostring(o:size(i)) end
    return table.concat(d, " x ")
  elseif type(o) == "table" then
    local parts = {}
    for i, v in ipairs(o) do parts[i] = shape_of(v) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return "?"
end

local function count_params(m)
  if m.modules then return 0 end
  local p = m:parameters()
  local s = 0
  for _, t in ipairs(p or {}) do s = s + t:nElement() end
  return s
end

--- nn.summary(model, input_size [, opts]) -> the text, total parameter
-- count: runs one forward pass on zeros of size {1, input_size...} (a batch
-- of one; input_size is a table or a LongStorage) in evaluation mode and
-- lists every leaf module with its output shape and number of parameters.
-- Printed unless opts.print == false.
function nn.summary(model, input_size, opts)
  opts = opts or {}
  if not torch.isTypeOf(model, "nn.Module") then
    error("nn.summary: model must be an nn.Module (got " .. torch.type(model) .. ")", 2)
  end
  local sizes = { 1 }
  local src = type(input_size) == "table" and input_size or input_size:totable()
  for _, v in ipairs(src) do sizes[#sizes + 1] = v end
  local dtype = torch.typename(model:parameters() and model:parameters()[1] or torch.Tensor())
  local input = torch.getconstructortable(dtype)(table.unpack(sizes)):zero()
  local rows = {}
  local wrapped = {}
  local depth = {}
  local function mark(m, d)
    depth[m] = d
    if m.modules then for _, c in ipairs(m.modules) do mark(c, d + 1) end end
  end
  mark(model, 0)
  for _, m in ipairs(model:listModules()) do
    if not m.modules then
      local f = m.updateOutput
      wrapped[#wrapped + 1] = m
      rawset(m, "updateOutput", function(self, x)
        local o = f(self, x)
        rows[#rows + 1] = { name = tostring(self):match("^[^\n]*"), shape = shape_of(o), params = count_params(self),
          depth = depth[self] or 1 }
        return o
      end)
    end
  end
  local wasTraining = model.train
  model:evaluate()
  local ok, err = pcall(model.forward, model, input)
  for _, m in ipairs(wrapped) do rawset(m, "updateOutput", nil) end
  if wasTraining ~= false then model:training() end
  if not ok then error("nn.summary: the forward pass failed: " .. tostring(err), 2) end
  local total = 0
  local p = model:parameters()
  local seen = {}
  for _, t in ipairs(p or {}) do
    local key = torch.pointer(t)
    if not seen[key] then seen[key] = true; total = total + t:nElement() end
  end
  local lines = {}
  local w1 = 34
  lines[1] = string.format("%-" .. w1 .. "s %-22s %10s", "Layer", "Output shape", "Params")
  lines[2] = string.rep("-", w1 + 34)
  for _, r in ipairs(rows) do
    local name = string.rep("  ", math.max(r.depth - 1, 0)) .. r.name
    if #name > w1 then name = name:sub(1, w1 - 3) .. "..." end
    lines[#lines + 1] = string.format("%-" .. w1 .. "s %-22s %10d", name, r.shape, r.params)
  end
  lines[#lines + 1] = string.rep("-", w1 + 34)
  lines[#lines + 1] = string.format("Input: %s   Total parameters: %d", shape_of(input), total)
  local text = table.concat(lines, "\n")
  if opts.print ~= false then print(text) end
  return text, total
end

return nn
