-- plot_model.lua: train a logistic regression by gradient descent and look
-- at it the usual ways: learning curve, ROC and precision-recall curves,
-- confusion matrix.  The plots are written to PNG files.
--   moonlab examples/plot_model.lua [folder]
local plot = require "moonlab.plot"
torch.manualSeed(7)
local dir = arg[1] or (os.getenv("TMPDIR") or "/tmp")

-- two overlapping Gaussian classes in 2-D
local n = 400
local X = torch.randn(n, 2)
local y = torch.Tensor(n)
for i = 1, n do
  y[i] = i % 2
  if y[i] == 1 then X[i]:add(1.2) end
end
local Xtr, ytr = X:narrow(1, 1, 300), y:narrow(1, 1, 300)
local Xva, yva = X:narrow(1, 301, 100), y:narrow(1, 301, 100)

local function predict(w, b, A) return torch.sigmoid(A * w + b) end
local function loss(p, t)
  local eps = 1e-12
  return -((torch.log(p + eps):cmul(t) + torch.log(-p + 1 + eps):cmul(-t + 1)):mean())
end

local w, b = torch.zeros(2), 0
local history = { train = {}, valid = {} }
for epoch = 1, 60 do
  local p = predict(w, b, Xtr)
  local err = p - ytr
  w:add(-0.5, Xtr:t() * err / Xtr:size(1))
  b = b - 0.5 * err:mean()
  history.train[epoch] = loss(predict(w, b, Xtr), ytr)
  history.valid[epoch] = loss(predict(w, b, Xva), yva)
end

local fig = plot.figure({ output = "none", size = { 700, 500 } })
fig:learning_curve(history, { ylabel = "log loss", title = "Learning curve" })
fig:save(dir .. "/moonlab-learning-curve.png")

local scores = predict(w, b, Xva)
local auc = fig:roc(yva, scores, { title = "ROC, validation set" })
fig:save(dir .. "/moonlab-roc.png")
local ap = fig:pr(yva, scores, { title = "Precision-recall" })
fig:save(dir .. "/moonlab-pr.png")

local pred = scores:gt(0.5):double()
local cm = fig:confusion({ y = yva, pred = pred }, { 0, 1 }, { title = "Confusion matrix" })
fig:save(dir .. "/moonlab-confusion.png")
fig:close()

print(string.format("AUC %.3f, average precision %.3f, accuracy %.2f", auc, ap,
  (cm[1][1] + cm[2][2]) / cm:sum()))
assert(auc > 0.7, "the model should separate the classes")
