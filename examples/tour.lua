-- tour.lua: the ten-line tour from README.md (kept identical; `make test` runs it).
local a = torch.Tensor{{1, 2}, {3, 4}}     -- Torch7's API: 1-based, DoubleTensor by default
local b = torch.randn(2, 2)                -- Mersenne Twister generators, torch.manualSeed(n)
print(a * b)                               -- matrix product through OpenBLAS
print(a + torch.Tensor{10, 20})            -- numpy broadcasting where Torch7 would raise
print(a:sum(), a:mean(2), a:max(1))        -- reductions keep the reduced dim, as Torch7 does
local x = a[{2, {}}]                       -- views and Torch7 indexing; a[mask] with ByteTensors
x:fill(0)                                  -- ... write through to a
print(torch.exp(a):gt(2))                  -- element-wise maths and comparisons (ByteTensor masks)
torch.setnumthreads(2)                     -- OpenMP kernels and OpenBLAS share one thread setting
