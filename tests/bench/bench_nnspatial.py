#!/usr/bin/python3
"""PyTorch's half of tests/bench/bench_nnspatial.sh: the same layers on the
same float32 batch (32, 16, 28, 28), forward + backward, 2 threads.
usage: bench_nnspatial.py CASE RUNS -> the median seconds of RUNS calls."""
import sys
import time

import torch
import torch.nn.functional as F

case, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
torch.set_num_threads(2)
torch.manual_seed(1)
x = torch.randn(32, 16, 28, 28).requires_grad_(True)
w3 = torch.randn(16, 16, 3, 3) * 0.1
wd = torch.randn(16, 1, 3, 3) * 0.1
b = torch.randn(16)
fns = {
    "dilconv": lambda t: F.conv2d(t, w3, b, padding=2, dilation=2),
    "dwconv": lambda t: F.conv2d(t, wd, b, padding=1, groups=16),
    "adaptavg": lambda t: F.adaptive_avg_pool2d(t, 7),
    "adaptmax": lambda t: F.adaptive_max_pool2d(t, 7),
    "dilmax": lambda t: F.max_pool2d(t, 3, stride=2, padding=1, dilation=2),
    "bilinear": lambda t: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=True),
    "reflpad": lambda t: F.pad(t, (3, 3, 3, 3), mode="reflect"),
    "lrn": lambda t: F.local_response_norm(t, 5, alpha=1e-4, beta=0.75, k=1.0),
}
f = fns[case]
y = f(x)
checks = {
    "dilconv": lambda: y.shape[3] == 28,
    "dwconv": lambda: y.shape[1] == 16,
    "adaptavg": lambda: abs(float(y.mean() - x.mean())) < 1e-4,
    "adaptmax": lambda: float(y.max()) == float(x.max()),
    "dilmax": lambda: y.shape[2] == 13,
    "bilinear": lambda: float((y[:, :, 0, 0] - x[:, :, 0, 0]).abs().max()) < 1e-6,
    "reflpad": lambda: float((y[:, :, 3:31, 3:31] - x).abs().max()) == 0,
    "lrn": lambda: float((y - x).abs().max()) < 0.05,
}
assert checks[case](), "bench_nnspatial.py %s: wrong result" % case
g = torch.randn(y.shape)
times = []
for _ in range(runs):
    t = time.perf_counter()
    x.grad = None
    f(x).backward(g)
    times.append(time.perf_counter() - t)
times.sort()
print("%.6f" % times[(runs - 1) // 2])
