-- Docstrings: moonlab.optim (stdlib/moonlab/optim/*.lua; docs/optim.md).
-- Names follow Torch7: "optim.sgd"; the classes' methods are
-- "ConfusionMatrix:add", "Logger:add", "ReduceLROnPlateau:step".
local doc = require("moonlab.docs.util").doc
local D = {}

local PRE = "local optim = require \"optim\"\n"
-- f(x) = |x|^2 / 2 and its gradient
local F = "local function f(x) return 0.5 * x:dot(x), x:clone() end\nlocal x = torch.Tensor{ 1, -2 }\n"

local function opt(name, summary, config, notes)
  D["optim." .. name] = doc("optim." .. name .. "(opfunc, x [, config [, state]])", summary,
    { { "opfunc", "function(x) returning f(x) and df/dx" }, { "x", "the parameters, updated in place" },
      { "config", config }, { "state", "the optimiser's memory (default: config)" } },
    PRE .. F .. "for i = 1, 10 do optim." .. name .. "(f, x, { learningRate = 0.1 }) end\nprint(x)",
    notes or "Returns x and {f(x)} (f before the step).")
end

D["moonlab.optim"] = doc("optim = require \"optim\"  (or require \"moonlab.optim\")",
  "Torch7's optimisers, learning-rate schedules, ConfusionMatrix and Logger.", {},
  PRE .. F .. "optim.sgd(f, x, { learningRate = 0.5 })\nprint(x)",
  "`require \"optim\"` also sets the global optim, as Torch7 did.")
opt("sgd", "Stochastic gradient descent with momentum, Nesterov, weight decay and learning-rate decay.",
  "learningRate (1e-3), learningRateDecay, weightDecay, weightDecays, momentum, dampening (= momentum), nesterov, learningRates")
opt("nag", "Nesterov's accelerated gradient (Sutskever's form, Torch7's optim.nag).",
  "learningRate (1e-3), learningRateDecay, weightDecay, momentum (0.9)")
opt("adagrad", "AdaGrad: steps divided by the root of the summed squared gradients.",
  "learningRate (1e-3), learningRateDecay, weightDecay")
opt("adadelta", "AdaDelta: steps scaled by running averages of squared steps and gradients.",
  "rho (0.9), eps (1e-6), learningRate (1), weightDecay")
opt("adam", "Adam with Torch7's update (eps added to sqrt(v)).",
  "learningRate (1e-3), learningRateDecay, beta1 (0.9), beta2 (0.999), epsilon (1e-8), weightDecay")
opt("adamw", "Adam with decoupled weight decay (PyTorch's AdamW).",
  "learningRate (1e-3), beta1, beta2, epsilon (1e-8), weightDecay (1e-2)")
opt("adamax", "AdaMax: Adam with the infinity norm.", "learningRate (2e-3), beta1, beta2, epsilon (1e-38)")
opt("rmsprop", "RMSprop: steps divided by a running root mean square of the gradients.",
  "learningRate (1e-2), alpha (0.99), epsilon (1e-8), weightDecay")
opt("rprop", "Resilient propagation: per-parameter steps grow while the gradient keeps its sign.",
  "stepsize (0.1), etaplus (1.2), etaminus (0.5), stepsizemax (50), stepsizemin (1e-6), niter (1)")
D["optim.lbfgs"] = doc("optim.lbfgs(opfunc, x [, config [, state]])",
  "Limited-memory BFGS over many evaluations; returns x, the f values and the evaluation count.",
  { { "opfunc", "function(x) -> f, df/dx" }, { "x", "parameters (updated)" },
    { "config", "maxIter (20), maxEval, tolFun (1e-5), tolX (1e-9), nCorrection (100), learningRate (1), lineSearch" },
    { "state", "keeps curvature pairs between calls" } },
  PRE .. F .. "local _, fs = optim.lbfgs(f, x, { lineSearch = optim.lswolfe })\nprint(fs[#fs])")
D["optim.cg"] = doc("optim.cg(opfunc, x [, config [, state]])",
  "Nonlinear conjugate gradient (Polak-Ribiere+) with a Wolfe line search; returns x, f values, evaluations.",
  { { "opfunc", "function(x) -> f, df/dx" }, { "x", "parameters (updated)" },
    { "config", "maxEval (25), maxIter, tolFun (1e-8), tolX (1e-10)" }, { "state", "counts evaluations" } },
  PRE .. F .. "local _, fs = optim.cg(f, x)\nprint(fs[#fs])")
D["optim.lswolfe"] = doc("optim.lswolfe(opfunc, x, t, d, f, g, gtd [, opts])",
  "A line search along d for a step meeting the strong Wolfe conditions; returns f, g, x, t, evaluations.",
  { { "opfunc", "function(x) -> f, df/dx" }, { "x", "start (moved to x + t d)" }, { "t", "first step" },
    { "d", "descent direction" }, { "f, g", "value and gradient at x" }, { "gtd", "g . d (< 0)" },
    { "opts", "c1 (1e-4), c2 (0.9), tolX, maxIter (25)" } },
  PRE .. F .. "local fx, g = f(x)\nlocal d = -g\nprint(optim.lswolfe(f, x, 1, d, fx, g, g:dot(d)))")

D["optim.schedules.step"] = doc("optim.schedules.step(base, step_size [, gamma])",
  "A schedule: the rate times gamma (0.1) every step_size epochs (epochs count from 1).",
  { { "base", "first rate" }, { "step_size", "epochs per step" }, { "gamma", "factor" } },
  PRE .. "local s = optim.schedules.step(0.1, 10)\nprint(s(1), s(11))")
D["optim.schedules.exponential"] = doc("optim.schedules.exponential(base, gamma)", "A schedule: base * gamma^(epoch - 1).",
  { { "base", "first rate" }, { "gamma", "factor per epoch" } }, PRE .. "print(optim.schedules.exponential(1, 0.9)(3))")
D["optim.schedules.cosine"] = doc("optim.schedules.cosine(base, T_max [, eta_min])",
  "A schedule: cosine annealing from base (epoch 1) to eta_min at epoch T_max + 1.",
  { { "base", "first rate" }, { "T_max", "epochs of the half period" }, { "eta_min", "final rate (0)" } },
  PRE .. "print(optim.schedules.cosine(1, 10)(6))")
D["optim.schedules.ReduceLROnPlateau"] = doc("optim.schedules.ReduceLROnPlateau(base [, opts])",
  "An object whose :step(metric) cuts the rate when the metric stops improving.",
  { { "base", "first rate" }, { "opts", "mode (\"min\"), factor (0.1), patience (10), threshold (1e-4), min_lr, cooldown" } },
  PRE .. "local p = optim.schedules.ReduceLROnPlateau(0.1, { patience = 1 })\nfor _, v in ipairs{ 3, 3, 3 } do print(p:step(v)) end")
D["ReduceLROnPlateau:step"] = doc("plateau:step(metric)", "Feeds one metric value; returns the rate to use next.",
  { { "metric", "e.g. the validation loss" } },
  PRE .. "print(optim.schedules.ReduceLROnPlateau(0.1):step(1.5))")

local CM = PRE .. "local cm = optim.ConfusionMatrix({ \"a\", \"b\" })\n"
D["optim.ConfusionMatrix"] = doc("optim.ConfusionMatrix(nclasses | classes)",
  "A confusion matrix mat[target][prediction] with per-class and global accuracies.",
  { { "nclasses", "number of classes" }, { "classes", "or a list of class names" } },
  CM .. "cm:add(1, 1)\ncm:add(2, 1)\nprint(cm)")
D["ConfusionMatrix:add"] = doc("cm:add(prediction, target)", "Counts one sample (prediction: an index or a score vector).",
  { { "prediction", "class index or scores" }, { "target", "class index or one-hot" } }, CM .. "cm:add(torch.Tensor{ 0.2, 0.8 }, 2)\nprint(cm.mat)")
D["ConfusionMatrix:batchAdd"] = doc("cm:batchAdd(predictions, targets)", "Counts a batch: (N) indices or (N, C) scores.",
  { { "predictions", "(N) or (N, C)" }, { "targets", "(N) or (N, C)" } },
  CM .. "cm:batchAdd(torch.Tensor{ { 1, 0 }, { 0, 1 } }, torch.LongTensor{ 1, 1 })\nprint(cm.mat)")
D["ConfusionMatrix:zero"] = doc("cm:zero()", "Resets every count to zero.", {}, CM .. "cm:add(1, 1)\ncm:zero()\nprint(cm.mat:sum())")
D["ConfusionMatrix:updateValids"] = doc("cm:updateValids()",
  "Recomputes totalValid, averageValid, valids, unionvalids and averageUnionValid.", {},
  CM .. "cm:add(1, 1)\ncm:add(1, 2)\ncm:updateValids()\nprint(cm.totalValid)")

local LG = PRE .. "local log = optim.Logger()\n"
D["optim.Logger"] = doc("optim.Logger([filename [, timestamp]])", "A training log: named columns, rows written to a file, plots.",
  { { "filename", "file to write (none: memory only)" }, { "timestamp", "append the date to the name" } },
  LG .. "log:setNames{ \"loss\" }\nlog:add{ 0.5 }\nprint(log:series().loss[1])")
D["Logger:setNames"] = doc("log:setNames(names)", "Names the columns and writes the header line.",
  { { "names", "a list of strings" } }, LG .. "log:setNames{ \"train\", \"valid\" }")
D["Logger:add"] = doc("log:add(values)", "Appends one row (a list in column order, or a table keyed by name).",
  { { "values", "the row" } }, LG .. "log:setNames{ \"train\" }\nlog:add{ train = 0.3 }")
D["Logger:style"] = doc("log:style(styles)", "Records a plot style per column (kept for Torch7 compatibility).",
  { { "styles", "{name = \"-\" ...}" } }, LG .. "log:style{ train = \"-\" }")
D["Logger:display"] = doc("log:display(flag)", "Whether plots redraw on add (off by default).", { { "flag", "boolean" } },
  LG .. "log:display(false)")
D["Logger:series"] = doc("log:series()", "The numeric columns as {name = {values...}}.", {},
  LG .. "log:setNames{ \"a\" }\nlog:add{ 1 }\nprint(#log:series().a)")
D["Logger:plot"] = doc("log:plot([name...])", "Draws the named (or all numeric) columns as learning curves through moonlab.plot.",
  { { "name...", "columns to draw" } }, "--norun\n" .. LG .. "log:setNames{ \"loss\" }\nlog:add{ 1 }\nlog:add{ 0.5 }\nlog:plot()")
D["Logger:close"] = doc("log:close()", "Closes the log file.", {}, LG .. "log:close()")

return { title = "Optimisation (require \"optim\" / \"moonlab.optim\")", docs = D }
