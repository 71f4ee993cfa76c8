# bench_autograd.py: the PyTorch side of bench_autograd.sh: the same MLP,
# data and initial weights as bench_autograd.lua, gradients from
# torch.autograd.grad, plain SGD.  usage: bench_autograd.py RUNS
import sys, time
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(2)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
N, D, H, K, B, lr = 10000, 784, 256, 10, 128, 0.05
X = torch.from_numpy(np.sin(1.3 * np.arange(N * D)).reshape(N, D).astype(np.float32))
y = X[:, :K].argmax(1)


def init():
    return [torch.from_numpy((np.sin(0.37 * np.arange(H * D)) * 0.05).reshape(H, D).astype(np.float32)).requires_grad_(),
            torch.zeros(H, requires_grad=True),
            torch.from_numpy((np.sin(0.73 * np.arange(K * H)) * 0.1).reshape(K, H).astype(np.float32)).requires_grad_(),
            torch.zeros(K, requires_grad=True)]


def f(p, x, t):
    return F.cross_entropy(F.linear(F.relu(F.linear(x, p[0], p[1])), p[2], p[3]), t)


def epoch(p):
    first = None
    for i in range(0, N, B):
        loss = f(p, X[i:i + B], y[i:i + B])
        g = torch.autograd.grad(loss, p)
        first = first if first is not None else loss.item()
        with torch.no_grad():
            for v, gv in zip(p, g):
                v -= lr * gv
    return first


p = init()
with torch.no_grad():
    before = f(p, X[:B], y[:B]).item()
first = epoch(p)
with torch.no_grad():
    after = f(p, X[:B], y[:B]).item()
assert after < before, "bench_autograd.py: the epoch did not lower the loss"
times = []
for _ in range(runs):
    p = init()
    t0 = time.perf_counter()
    epoch(p)
    times.append(time.perf_counter() - t0)
times.sort()
print("%.6f %.6f" % (times[(runs - 1) // 2], first))
