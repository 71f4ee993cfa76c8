-- test_ml_base.lua: the estimator protocol of moonlab.ml.base (parameters,
-- printing, clone, fitted checks, input conversion) on a small model defined
-- here: a mean predictor.
local H = dofile("tests/lua/harness.lua")
local base = require "moonlab.ml.base"
local ml = require "moonlab.ml"

local Mean = base.estimator("MeanRegressor", { shift = 0, tags = { "a" }, seed = base.NONE }, base.Regressor)
function Mean:fit(X, y)
  X = base.matrix("ml.MeanRegressor.fit", X)
  y = base.vector("ml.MeanRegressor.fit", y, X:size(1))
  self.mean = y:mean() + self.shift
  return base.mark_fitted(self, X:size(2))
end
function Mean:predict(X)
  base.fitted(self, "ml.MeanRegressor.predict")
  X = base.matrix("ml.MeanRegressor.predict", X)
  base.check_features("ml.MeanRegressor.predict", self, X)
  return torch.DoubleTensor(X:size(1)):fill(self.mean)
end

H.test("parameters: defaults, reading, set_params, unknown names", function()
  local m = Mean{ shift = 2 }
  H.eq(m.shift, 2)
  H.eq(m:params().shift, 2)
  H.eq(m:params().seed, base.NONE)
  m:set_params{ shift = 3 }
  H.eq(m.shift, 3)
  H.check_error("unknown parameter 'shfit' (known: seed, shift, tags)", function() Mean{ shfit = 1 } end)
  H.check_error("ml.MeanRegressor.set_params: unknown parameter 'x'", function() m:set_params{ x = 1 } end)
  H.check_error("parameters must be a table", function() Mean(3) end)
end)

H.test("printing shows the changed parameters only", function()
  H.eq(tostring(Mean{}), "ml.MeanRegressor{}")
  H.eq(tostring(Mean{ shift = 1.5, tags = { "b", "c" } }), 'ml.MeanRegressor{shift = 1.5, tags = {"b", "c"}}')
end)

H.test("clone copies parameters deeply and is unfitted", function()
  local m = Mean{ tags = { "x" } }
  m:fit(torch.Tensor{ { 1 }, { 2 } }, torch.Tensor{ 1, 3 })
  local c = ml.clone(m)
  H.ok(not c:is_fitted())
  H.ok(m:is_fitted())
  H.eq(c.tags[1], "x")
  c.tags[1] = "y"
  H.eq(m.tags[1], "x", "the clone's tables are its own")
  H.check_error("ml.clone: expected an estimator", ml.clone, {})
end)

H.test("fit/predict/score and the fitted checks", function()
  local m = Mean{}
  H.check_error("ml.MeanRegressor.predict: this ml.MeanRegressor is not fitted yet (call fit first)",
    function() m:predict(torch.zeros(2, 1)) end)
  H.eq(m:fit({ { 1, 2 }, { 3, 4 }, { 5, 6 } }, { 1, 2, 6 }), m, "fit returns self and takes Lua tables")
  H.eq(m.n_features_in, 2)
  H.near(m:predict(torch.zeros(2, 2))[1], 3, 0)
  -- R^2 of the mean predictor on its own data is 0
  H.near(m:score(torch.zeros(3, 2), torch.Tensor{ 1, 2, 6 }), 0, 1e-15)
  H.check_error("X has 3 features, but this ml.MeanRegressor was fitted with 2",
    function() m:predict(torch.zeros(1, 3)) end)
end)

H.test("input checks: rank, rows, NaN, dtypes", function()
  H.check_error("ml.X: X must be 2-D (N x D), got a 1-D tensor (size 3)", base.matrix, "ml.X", torch.zeros(3))
  H.check_error("X has 2 rows, expected 3", base.matrix, "ml.X", torch.zeros(2, 2), { n = 3 })
  local bad = torch.zeros(2, 2); bad[2][1] = 0 / 0
  H.check_error("X contains NaN values (2x2)", base.matrix, "ml.X", bad)
  local inf = torch.zeros(2, 2); inf[1][1] = math.huge
  H.check_error("X contains infinite values", base.matrix, "ml.X", inf)
  H.eq(base.matrix("ml.X", bad, { allow_nan = true }):size(1), 2)
  H.eq(torch.typename(base.matrix("ml.X", torch.IntTensor(2, 2):fill(1))), "torch.DoubleTensor")
  H.eq(torch.typename(base.matrix("ml.X", torch.FloatTensor(2, 2):fill(1), { float = true })), "torch.FloatTensor")
  local t = torch.Tensor{ { 1, 2 }, { 3, 4 } }:t()
  H.ok(base.matrix("ml.X", t):isContiguous())
  H.eq(base.matrix("ml.X", t)[1][2], 3)
  H.check_error("y has 2 elements but X has 3 rows", base.vector, "ml.X", torch.zeros(2), 3)
end)

H.test("encode: sorted classes and 1-based codes", function()
  local classes, codes = base.encode("ml.X", torch.Tensor{ 3, 1, 3, 7, 1 }, 5)
  H.eq(table.concat(classes:totable(), ","), "1.0,3.0,7.0")
  H.eq(table.concat(codes:totable(), ","), "2,1,2,3,1")
  H.check_error("y contains NaN", base.encode, "ml.X", torch.Tensor{ 1, 0 / 0 }, 2)
end)

H.test("generator: seeded streams repeat", function()
  local a, b = base.generator(7), base.generator(7)
  H.eq(torch.uniform(a), torch.uniform(b))
end)

H.done()
