-- %% [markdown]
-- # Tensors in ten minutes
--
-- A tour of moonlab's tensors: making them, looking inside, views that share
-- memory, maths with broadcasting, reductions, linear algebra and random
-- numbers. Every step is a cell you can run, change and run again.
--
-- The tensor API is Torch7's: 1-based indices, `torch.Tensor` makes a
-- `DoubleTensor`, and most operations come in three forms: `torch.f(x)`
-- returns a new tensor, `x:f()` works in place, `torch.f(res, x)` writes
-- into `res`.
--
-- A cell shows the value of its last line when that line is a call, as
-- `m:sum(2)` below; `print` shows anything.

-- %% [markdown]
-- ## Making tensors
--
-- From sizes (filled with zeros), from nested tables, or from the helpers
-- `zeros`, `ones`, `range`, `linspace` and `eye`.

-- %% Making tensors
a = torch.Tensor{{1, 2, 3}, {4, 5, 6}}
print(a)

-- %%
z = torch.zeros(2, 3)
r = torch.range(1, 6)
l = torch.linspace(0, 1, 5)
print(z:size(), r:nElement(), l)

-- %% [markdown]
-- Every tensor has a type. Integer tensors do integer arithmetic, and
-- `:float()`, `:double()`, `:long()` convert.

-- %%
counts = torch.LongTensor{3, 1, 2}
print(torch.type(counts), torch.type(counts:double()), counts:sum())

-- %% [markdown]
-- ## Looking inside: indexing
--
-- `t[i]` selects along the first dimension; a table of ranges selects a
-- block; a mask picks elements. Negative indices count from the end.

-- %%
print(a[2][3], a[{2, -1}])
print(a[{{}, {2, 3}}])

-- %%
mask = a:gt(3)
print(a[mask])

-- %% [markdown]
-- ## Views share memory
--
-- `narrow`, `select`, `t()` (transpose), `view` and friends make new tensors
-- over the same storage: writing through a view changes the original. Use
-- `:clone()` when you want a copy.

-- %%
col = a:select(2, 1)   -- the first column, a view
col:fill(0)
print(a)

-- %%
b = a:t():clone()      -- a copy of the transpose: a stays as it is
b[1][1] = 100
assert(a[1][1] == 0 and b[1][1] == 100)
print(b)

-- %% [markdown]
-- ## Maths and broadcasting
--
-- Element-wise operators work between tensors of the same shape, and between
-- shapes that broadcast as in numpy: sizes of 1 stretch to match.

-- %%
x = torch.Tensor{{1}, {2}, {3}}     -- 3x1
y = torch.Tensor{{10, 20}}          -- 1x2
print(x + y)                        -- 3x2

-- %%
s = torch.linspace(0, math.pi, 5)
print(torch.sin(s):pow(2) + torch.cos(s):pow(2))   -- ones, up to rounding

-- %% [markdown]
-- ## Reductions
--
-- `sum`, `mean`, `std`, `max` ... over everything or along a dimension (the
-- dimension keeps size 1, as in Torch7).

-- %%
m = torch.Tensor{{1, 2, 3}, {4, 5, 6}}
print(m:sum(), m:mean())
m:sum(2)

-- %%
values, indices = m:max(2)
print(values:view(-1), indices:view(-1))

-- %% [markdown]
-- ## Linear algebra
--
-- Matrix products go to OpenBLAS, solvers and decompositions to LAPACK. Here
-- we solve a small linear system and check the answer.

-- %%
A = torch.Tensor{{4, 1}, {1, 3}}
rhs = torch.Tensor{{1}, {2}}
sol = torch.gesv(rhs, A)
residual = (A * sol - rhs):abs():max()
assert(residual < 1e-12)
print(sol)

-- %%
print(torch.symeig(A))  -- eigenvalues of the symmetric matrix

-- %% [markdown]
-- ## Random numbers
--
-- `torch.manualSeed` makes results repeatable. A `torch.Generator` gives an
-- independent stream.

-- %%
torch.manualSeed(42)
first = torch.randn(3)
torch.manualSeed(42)
again = torch.randn(3)
assert(first:equal(again))
print(first)

-- %%
big = torch.randn(100000)
print(string.format("mean %.3f, std %.3f", big:mean(), big:std()))

-- %% [markdown]
-- ## Where next
--
-- `help(torch.gesv)` or `?torch.sort` shows the docs of any function, with an
-- example. The next tutorial loads a real dataset and explores it.
