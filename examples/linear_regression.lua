-- linear_regression.lua: fit y = X w + b by batch gradient descent with
-- nothing but tensor operations, and compare with the weights that made the data.
--   moonlab examples/linear_regression.lua
torch.manualSeed(42)
local n, d = 1000, 3
local w_true = torch.Tensor{2.0, -1.0, 0.5}
local b_true = 0.3

local X = torch.randn(n, d)
local y = X * w_true + b_true + torch.randn(n) * 0.01     -- mv, broadcasting, noise

local w, b = torch.zeros(d), 0
local lr = 0.1
for epoch = 1, 200 do
  local err = X * w + b - y                                -- residuals, n
  local grad_w = X:t() * err / n                           -- d
  local grad_b = err:mean()
  w:add(-lr, grad_w)                                       -- in place: w = w - lr * grad_w
  b = b - lr * grad_b
  if epoch % 50 == 0 then
    print(string.format("epoch %3d  mse %.6f", epoch, (err:pow(2)):mean()))
  end
end

print("learned w:", w[1], w[2], w[3], "b:", b)
assert((w - w_true):abs():max() < 0.01, "weights did not converge")
assert(math.abs(b - b_true) < 0.01, "bias did not converge")
