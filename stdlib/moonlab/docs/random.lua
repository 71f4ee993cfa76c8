-- Docstrings: random numbers (vm/l_random.c; docs/random.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local GEN = { "gen", "optional torch.Generator (default: the global one)" }
local FORMS = "torch.f([gen,] params) returns one number; x:f([gen,] params) fills x in place and returns it."

local function R(f, sig, summary, args, ex, notes)
  D["torch." .. f] = doc(sig, summary, args, ex, notes or FORMS)
end

R("random", "torch.random([gen,] [a,] [b]) | x:random([gen,] [a,] [b])",
  "Random integers: a raw 32-bit word, 1..b, or a..b.",
  { GEN, { "a, b", "integer bounds, inclusive" } },
  "print(torch.random(6), torch.IntTensor(5):random(-2, 2))")
R("uniform", "torch.uniform([gen,] [a, b]) | x:uniform([gen,] [a, b])", "Uniform reals in [a, b) (default [0, 1)).",
  { GEN, { "a, b", "bounds (default 0, 1)" } }, "print(torch.uniform(2, 5), torch.Tensor(3):uniform(-1, 1))")
R("normal", "torch.normal([gen,] [mean, stdv]) | x:normal([gen,] [mean, stdv])", "Gaussian draws (default mean 0, stdv 1).",
  { GEN, { "mean", "default 0" }, { "stdv", "standard deviation, >= 0 (default 1)" } },
  "print(torch.Tensor(3):normal(10, 2))")
R("exponential", "torch.exponential([gen,] lambda) | x:exponential([gen,] lambda)",
  "Exponential draws with rate lambda (density lambda * exp(-lambda * x)).",
  { GEN, { "lambda", "rate, > 0" } }, "print(torch.exponential(2))")
R("cauchy", "torch.cauchy([gen,] [median, sigma]) | x:cauchy([gen,] [median, sigma])",
  "Cauchy draws (default median 0, sigma 1).",
  { GEN, { "median", "default 0" }, { "sigma", "scale, > 0 (default 1)" } }, "print(torch.Tensor(2):cauchy())")
R("logNormal", "torch.logNormal([gen,] [mean, stdv]) | x:logNormal([gen,] [mean, stdv])",
  "exp of Gaussian draws with this mean and stdv (default 1, 2).",
  { GEN, { "mean", "default 1" }, { "stdv", "default 2" } }, "print(torch.logNormal(0, 0.5))")
R("geometric", "torch.geometric([gen,] p) | x:geometric([gen,] p)",
  "Geometric draws: integers i >= 1 with P(i) = (1 - p) p^(i - 1) (Torch7's form).",
  { GEN, { "p", "0 < p < 1" } }, "print(torch.geometric(0.5), torch.IntTensor(3):geometric(0.2))")
R("bernoulli", "torch.bernoulli([gen,] [p]) | x:bernoulli([gen,] [p])",
  "1 with probability p, else 0 (p a number, default 0.5, or a tensor of probabilities for x:bernoulli).",
  { GEN, { "p", "probability in [0, 1], or a tensor of them (method form)" } },
  "print(torch.bernoulli(0.3), torch.ByteTensor(2, 3):bernoulli(torch.Tensor{0.1, 0.5, 0.9}))")
R("rand", "torch.rand([res,] [gen,] sizes...) | x:rand(sizes...)",
  "A tensor of the given sizes filled with uniform [0, 1) draws.",
  { { "res", "optional Float or Double result" }, GEN, { "sizes", "numbers, a table or a LongStorage" } },
  "print(torch.rand(2, 3))", "")
R("randn", "torch.randn([res,] [gen,] sizes...) | x:randn(sizes...)",
  "A tensor of the given sizes filled with standard normal draws.",
  { { "res", "optional Float or Double result" }, GEN, { "sizes", "numbers, a table or a LongStorage" } },
  "print(torch.randn(3):mean())", "")
R("randperm", "torch.randperm([res,] [gen,] n) | x:randperm(n)", "A random permutation of 1..n (Torch7's swaps).",
  { { "res", "optional result of any type that holds n" }, GEN, { "n", "an integer >= 0" } },
  "print(torch.randperm(5))", "")
R("multinomial", "torch.multinomial([res,] [gen,] probs, n [, replacement])",
  "n category indices (1-based, a LongTensor) drawn in proportion to the weights probs (one row per row of a 2-D probs).",
  { { "res", "optional LongTensor result" }, GEN, { "probs", "weights (1-D of K, or R x K)" },
    { "n", "number of draws" }, { "replacement", "true to draw with replacement (default false)" } },
  "print(torch.multinomial(torch.Tensor{0.1, 0.2, 0.7}, 5, true))", "")
R("multinomialAliasSetup", "torch.multinomialAliasSetup(probs [, state])",
  "The alias tables {LongTensor J, DoubleTensor q} for drawing many samples from the 1-D weights probs.",
  { { "probs", "1-D weights, finite, >= 0, positive sum" }, { "state", "optional table whose tensors are reused" } },
  "local st = torch.multinomialAliasSetup(torch.Tensor{0.2, 0.3, 0.5})\nprint(st[1]:size(1))", "")
R("multinomialAlias", "torch.multinomialAlias([gen,] output, state)",
  "Fills the 1-D LongTensor output with 1-based categories drawn by the alias method (with replacement).",
  { GEN, { "output", "a 1-D LongTensor, any stride" }, { "state", "the table from torch.multinomialAliasSetup" } },
  "local st = torch.multinomialAliasSetup(torch.Tensor{0.2, 0.3, 0.5})\nprint(torch.multinomialAlias(torch.LongTensor(5), st))", "")
R("Generator", "torch.Generator()", "A new random generator (MT19937), seeded from /dev/urandom.", {},
  "local gen = torch.Generator()\ntorch.manualSeed(gen, 0)\nprint(torch.random(gen))   -- 2357136044",
  "Pass it first to any random function: torch.uniform(gen), x:normal(gen, 0, 1).")
R("seed", "torch.seed([gen])", "Reseeds the generator from /dev/urandom and returns the seed.", { GEN },
  "print(torch.seed())", "")
R("manualSeed", "torch.manualSeed([gen,] n)", "Seeds the generator with the integer n (Torch7's streams).",
  { GEN, { "n", "an integer (the low 32 bits seed the stream)" } },
  "torch.manualSeed(123)\nprint(torch.uniform())   -- 0.69646918727085", "")
R("initialSeed", "torch.initialSeed([gen])", "The seed last set by seed or manualSeed.", { GEN },
  "torch.manualSeed(7)\nprint(torch.initialSeed())", "")
R("getRNGState", "torch.getRNGState([gen] [, res])", "A copy of the generator's whole state as a ByteTensor.",
  { GEN, { "res", "optional ByteTensor to write the state into" } },
  "local s = torch.getRNGState()\nlocal a = torch.rand(2)\ntorch.setRNGState(s)\nprint(torch.dist(a, torch.rand(2)))   -- 0", "")
R("setRNGState", "torch.setRNGState([gen,] state)", "Restores a state returned by getRNGState (checked first).",
  { GEN, { "state", "a ByteTensor from getRNGState" } },
  "local s = torch.getRNGState()\nlocal a = torch.uniform()\ntorch.setRNGState(s)\nprint(a == torch.uniform())   -- true", "")

return { title = "Random numbers", docs = D }
