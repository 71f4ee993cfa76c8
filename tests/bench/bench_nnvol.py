#!/usr/bin/python3
"""PyTorch's half of tests/bench/bench_nnvol.sh: the same layers and sizes as
bench_nnvol.lua, float32, torch.set_num_threads(2), one forward + backward
(with parameter gradients) per pass.
usage: bench_nnvol.py CASE RUNS   -> prints the median seconds of RUNS passes."""
import sys
import time

import torch
import torch.nn as nn

case, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(2)
torch.manual_seed(1)
if case == "conv3d":
    m = nn.Conv3d(4, 16, 3, padding=1)
    x = torch.randn(8, 4, 16, 32, 32, requires_grad=True)
elif case == "full3d":
    m = nn.ConvTranspose3d(16, 4, 2, stride=2)
    x = torch.randn(8, 16, 8, 16, 16, requires_grad=True)
elif case == "pool3d":
    m = nn.MaxPool3d(2)
    x = torch.randn(8, 16, 16, 32, 32, requires_grad=True)
else:
    sys.exit("bench_nnvol.py: case must be conv3d, full3d or pool3d")

# the result check: output (n=1, c=2, t=4, h=5, w=6) (0-based) by a direct computation
with torch.no_grad():
    y = m(x)
    if case == "conv3d":
        want = float((m.weight[2] * x[1, :, 3:6, 4:7, 5:8]).sum() + m.bias[2])
    elif case == "full3d":
        want = float(m.weight[:, 2, 0, 1, 0] @ x[1, :, 2, 2, 3] + m.bias[2])
    else:
        want = float(x[1, 2, 8:10, 10:12, 12:14].max())
    got = float(y[1, 2, 4, 5, 6])
    assert abs(got - want) < 1e-4 * (1 + abs(want)), "bench_nnvol.py %s: output %g, direct %g" % (case, got, want)

gy = torch.randn(y.shape)
times = []
for _ in range(runs):
    t = time.perf_counter()
    if x.grad is not None:
        x.grad = None
    m.zero_grad()
    m(x).backward(gy)
    times.append(time.perf_counter() - t)
times.sort()
print("%.6f" % times[(runs - 1) // 2])
