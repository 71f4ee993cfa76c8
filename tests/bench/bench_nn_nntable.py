#!/usr/bin/python3
"""PyTorch's half of tests/bench/bench_nn_nntable.sh: the same cases, sizes
and float32 tensors as bench_nn_nntable.lua, torch.set_num_threads(2).
usage: bench_nn_nntable.py CASE RUNS   -> prints the median seconds of RUNS calls."""
import sys
import time

import torch
import torch.nn.functional as F

case, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(2)
torch.manual_seed(1)
g = None
if case == "glu":
    x = torch.randn(32, 256, 32, 32, requires_grad=True)
    g = torch.randn(32, 128, 32, 32)
    f = lambda: F.glu(x, dim=1)
elif case == "shuffle":
    x = torch.randn(32, 64, 32, 32, requires_grad=True)
    g = torch.randn(32, 16, 64, 64)
    f = lambda: F.pixel_shuffle(x, 2)
elif case == "rrelu":
    x = torch.randn(32, 64, 32, 32, requires_grad=True)
    g = torch.randn(32, 64, 32, 32)
    f = lambda: F.rrelu(x, 1 / 8, 1 / 3, training=True)
elif case == "onehot":
    x = torch.randint(0, 1000, (4096,))
    f = lambda: F.one_hot(x, 1000).float()
else:
    sys.exit("bench_nn_nntable.py: case must be glu, shuffle, rrelu or onehot")


def step():
    y = f()
    if g is not None:
        x.grad = None
        y.backward(g)
    return y


y = step().detach()
if case == "glu":
    assert (y - x[:, :128] * torch.sigmoid(x[:, 128:])).abs().max() < 1e-5
elif case == "shuffle":
    assert (F.pixel_unshuffle(y, 2) - x).abs().max() == 0
elif case == "rrelu":
    s = y / x
    assert s.min() >= 1 / 8 - 1e-5 and s.max() <= 1 + 1e-5
else:
    assert y.sum() == 4096 and (y.argmax(1) == x).all()

times = []
for _ in range(runs):
    t = time.perf_counter()
    step()
    times.append(time.perf_counter() - t)
times.sort()
print("%.6f" % times[(runs - 1) // 2])
