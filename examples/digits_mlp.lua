-- digits_mlp.lua: classify scikit-learn's 8x8 handwritten digits with an
-- MLP and a small CNN (moonlab.nn, Torch7's API), trained by nn.fit with
-- Adam; prints the model summaries, the validation accuracy and the
-- confusion matrix, and draws both learning curves to a PNG when gnuplot
-- is there.  Runs in a few seconds.
--   moonlab examples/digits_mlp.lua [folder for the PNG]
local nn = require "nn"
local optim = require "optim"
torch.manualSeed(1)
local dir = arg[1] or (os.getenv("TMPDIR") or "/tmp")

-- the digits: moonlab.datasets when present, else the 600-row sample in the tests
local X, y
local ok, datasets = pcall(require, "moonlab.datasets")
if ok then
  local d = datasets.load("digits")
  X, y = d.X:double(), d.y:long() + 1
else
  local csv = require "moonlab.csv"
  local t = csv.read("tests/fixtures/nn/digits_600.csv", { header = false })
  local n = t.nrows
  X = torch.DoubleTensor(n, 64)
  for j = 1, 64 do X:select(2, j):copy(t.columns[t.names[j]]) end
  y = t.columns[t.names[65]]:long() + 1
end
X:div(16) -- pixels 0..16 -> 0..1
local n = X:size(1)
local perm = torch.randperm(n):long()
local ntrain = math.floor(0.8 * n)
local tr, va = perm:narrow(1, 1, ntrain), perm:narrow(1, ntrain + 1, n - ntrain)
local Xtr, ytr, Xva, yva = X:index(1, tr), y:index(1, tr), X:index(1, va), y:index(1, va)

-- prints the summary, trains, checks the validation accuracy
local function fit(model, name, Xt, Xv)
  local size = Xt:size():totable()
  table.remove(size, 1)
  nn.summary(model, size)
  local h = nn.fit(model, nn.ClassNLLCriterion(), { Xt, ytr }, { epochs = 15, batch_size = 32, seed = 2,
    optimizer = "adam", config = { learningRate = 0.01 }, validation = { Xv, yva },
    early_stopping = { patience = 4 } })
  local cm = optim.ConfusionMatrix(10)
  model:evaluate()
  cm:batchAdd(model:forward(Xv), yva)
  cm:updateValids()
  print(string.format("%s: validation accuracy %.3f after %d epochs", name, cm.totalValid, #h.epoch))
  assert(cm.totalValid > 0.85, name .. " should learn the digits")
  return h, cm
end

-- an MLP on the 64 pixels, then a CNN on the 8x8 images
local mlp = nn.Sequential():add(nn.Linear(64, 64)):add(nn.ReLU()):add(nn.Dropout(0.1))
  :add(nn.Linear(64, 10)):add(nn.LogSoftMax())
fit(mlp, "MLP", Xtr, Xva)

local cnn = nn.Sequential()
  :add(nn.SpatialConvolution(1, 8, 3, 3, 1, 1, 1, 1)):add(nn.ReLU()):add(nn.SpatialMaxPooling(2, 2))
  :add(nn.View(8 * 4 * 4):setNumInputDims(3)):add(nn.Linear(128, 10)):add(nn.LogSoftMax())
local hc, cm = fit(cnn, "CNN", Xtr:view(-1, 1, 8, 8), Xva:view(-1, 1, 8, 8))
print(cm)

-- the learning curves, when gnuplot is installed
local okp, plot = pcall(require, "moonlab.plot")
if okp and os.execute("command -v gnuplot >/dev/null 2>&1") then
  local fig = plot.figure({ output = "none", size = { 700, 500 } })
  fig:learning_curve({ epoch = hc.epoch, loss = hc.loss, val_loss = hc.val_loss }, { ylabel = "NLL", title = "CNN on digits" })
  fig:save(dir .. "/moonlab-digits-cnn.png")
  print("learning curve: " .. dir .. "/moonlab-digits-cnn.png")
end
