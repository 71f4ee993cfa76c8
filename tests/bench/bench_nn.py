#!/usr/bin/python3
"""PyTorch's half of tests/bench/bench_nn.sh: the same models, data sizes,
batch sizes and SGD as bench_nn.lua, float32, torch.set_num_threads(2).
usage: bench_nn.py CASE RUNS   -> prints the median seconds of RUNS epochs."""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

case, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.set_num_threads(2)
torch.manual_seed(1)
if case == "mlp":
    X = torch.randn(60000, 784)
    Y = (X @ torch.randn(784, 10)).argmax(1)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10), nn.LogSoftmax(dim=1))
    batch = 128
elif case == "cnn":
    X = torch.randn(10000, 1, 28, 28)
    Y = (X.view(10000, 4, 7, 4, 7).sum((2, 4)).reshape(10000, 16) @ torch.randn(16, 10)).argmax(1)
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84),
                          nn.ReLU(), nn.Linear(84, 10), nn.LogSoftmax(dim=1))
    batch = 64
else:
    sys.exit("bench_nn.py: case must be mlp or cnn")
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def mean_loss():
    with torch.no_grad():
        return sum(float(F.nll_loss(model(X[i:i + 1000]), Y[i:i + 1000], reduction="sum"))
                   for i in range(0, len(X), 1000)) / len(X)


def epoch():
    perm = torch.randperm(len(X))
    for i in range(0, len(X), batch):
        idx = perm[i:i + batch]
        xb, yb = X[idx], Y[idx]
        opt.zero_grad()
        loss = F.nll_loss(model(xb), yb)
        loss.backward()
        opt.step()


before = mean_loss()
epoch()
after = mean_loss()
assert after < (0.8 if case == "mlp" else 0.95) * before, "bench_nn.py %s: one epoch did not learn (%.4f -> %.4f)" % (case, before, after)
times = []
for _ in range(runs):
    t = time.perf_counter()
    epoch()
    times.append(time.perf_counter() - t)
times.sort()
print("%.6f" % times[(runs - 1) // 2])
