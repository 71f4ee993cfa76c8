-- %% [markdown]
-- # Neural networks and learning curves
--
-- Torch7's `nn` and `optim` on moonlab: build a network from modules, train
-- it by hand with `optim`, then let `nn.fit` do the loop (batches, shuffling,
-- validation, early stopping) and draw the learning curve it returns.
--
-- The data: scikit-learn's handwritten digits, 8x8 grey images of 0-9.

-- %% Load and split
nn = require "nn"
optim = require "optim"
plot = require "moonlab.plot"
torch.manualSeed(0)
local ok, datasets = pcall(require, "moonlab.datasets")
if ok then
  local d = datasets.load("digits")
  X, y = d.X:double(), d.y:long() + 1          -- classes 1..10 for ClassNLLCriterion
else                                           -- before moonlab.datasets: the test sample
  local t = require("moonlab.csv").read("tests/fixtures/nn/digits_600.csv", { header = false })
  X = torch.DoubleTensor(t.nrows, 64)
  for j = 1, 64 do X:select(2, j):copy(t.columns[t.names[j]]) end
  y = t.columns[t.names[65]]:long() + 1
end
X:div(16)                                      -- pixels 0..16 -> 0..1
perm = torch.randperm(X:size(1)):long()
ntrain = math.floor(0.8 * X:size(1))
Xtr, ytr = X:index(1, perm:narrow(1, 1, ntrain)), y:index(1, perm:narrow(1, 1, ntrain))
Xva, yva = X:index(1, perm:narrow(1, ntrain + 1, X:size(1) - ntrain)), y:index(1, perm:narrow(1, ntrain + 1, X:size(1) - ntrain))
print("train", Xtr:size(1), "validation", Xva:size(1))

-- %% [markdown]
-- ## A model is a tree of modules
--
-- `nn.Sequential` applies its children in turn.  `LogSoftMax` turns scores
-- into log-probabilities, which `ClassNLLCriterion` scores against the
-- classes.  `nn.summary` runs one sample through and lists the shapes.

-- %%
model = nn.Sequential()
  :add(nn.Linear(64, 32)):add(nn.ReLU())
  :add(nn.Linear(32, 10)):add(nn.LogSoftMax())
crit = nn.ClassNLLCriterion()
nn.summary(model, { 64 })

-- %% [markdown]
-- ## One epoch by hand
--
-- `getParameters` packs every weight into one flat tensor (and the gradients
-- into another) that the modules keep viewing; `optim.sgd` updates it from a
-- function returning the loss and the gradient of the current batch.

-- %%
params, grads = model:getParameters()
config = { learningRate = 0.1, momentum = 0.9, dampening = 0 }
local order = torch.randperm(Xtr:size(1)):long()
for i = 1, Xtr:size(1), 32 do
  local idx = order:narrow(1, i, math.min(32, Xtr:size(1) - i + 1))
  local xb, yb = Xtr:index(1, idx), ytr:index(1, idx)
  optim.sgd(function()
    grads:zero()
    local loss = crit:forward(model:forward(xb), yb)
    model:backward(xb, crit:backward(model.output, yb))
    return loss, grads
  end, params, config)
end
print(string.format("validation loss after one epoch: %.3f", crit:forward(model:forward(Xva), yva)))

-- %% [markdown]
-- ## The loop done for you: `nn.fit`
--
-- `nn.fit` does the batching and shuffling (`seed` makes it repeatable),
-- evaluates on the validation set each epoch, stops when the validation loss
-- has not improved for `patience` epochs (keeping the best weights), and
-- returns a history.  On a terminal it also shows a progress bar.

-- %%
history = nn.fit(model, crit, { Xtr, ytr }, { epochs = 25, batch_size = 32, seed = 1,
  optimizer = "adam", config = { learningRate = 0.005 }, validation = { Xva, yva },
  early_stopping = { patience = 5 } })
print(string.format("epochs run: %d, last validation accuracy %.3f", #history.epoch,
  history.val_accuracy[#history.val_accuracy]))

-- %% [markdown]
-- The history is a table of series indexed by epoch: exactly what
-- `plot.learning_curve` draws.  A validation loss that turns up while the
-- training loss keeps falling is over-fitting.

-- %%
plot.figure({ output = "none" })
plot.learning_curve({ epoch = history.epoch, loss = history.loss, val_loss = history.val_loss },
  { title = "digits MLP", ylabel = "NLL" });

-- %% [markdown]
-- ## Where the errors are
--
-- `optim.ConfusionMatrix` counts predictions against truth, per class.

-- %%
model:evaluate()
cm = optim.ConfusionMatrix(10)
cm:batchAdd(model:forward(Xva), yva)
print(cm)

-- %% [markdown]
-- ## Saving
--
-- Models are `torch.class` objects: `torch.save` writes them in Torch7's
-- format, and `torch.load` reads them back (and reads models saved by Torch7).

-- %%
path = os.tmpname()
torch.save(path, model)
back = torch.load(path)
os.remove(path)
print("same predictions after reload:", (back:forward(Xva) - model:forward(Xva)):abs():max() == 0)

-- %% [markdown]
-- ## Summary
--
-- - modules (`nn.Linear`, `nn.ReLU`, ...) in containers (`nn.Sequential`), a criterion;
-- - `getParameters` + `optim.*` for hand-written loops, `nn.fit` for the usual one;
-- - the history feeds `plot.learning_curve`; `optim.ConfusionMatrix` shows the errors;
-- - `torch.save` / `torch.load` keep the model.  See docs/nn.md and docs/optim.md.
