#!/usr/bin/python3
"""scipy's half of tests/bench/bench_stats.sh:
    bench_stats.py make DIR        writes x.npy, y.npy (1M pairs), u.npy (100k uniforms)
    bench_stats.py time DIR RUNS   prints "case value median_seconds" per case"""
import sys
import time

import numpy as np
from scipy import stats

d = sys.argv[2]
if sys.argv[1] == "make":
    rng = np.random.default_rng(8)
    x = rng.normal(0, 1, 1_000_000)
    np.save(d + "/x.npy", x)
    np.save(d + "/y.npy", x + rng.normal(0, 1, 1_000_000))
    np.save(d + "/u.npy", rng.random(100_000))
    sys.exit(0)
runs = int(sys.argv[3])
x, y, u = np.load(d + "/x.npy"), np.load(d + "/y.npy"), np.load(d + "/u.npy")
cases = [
    ("norm_cdf_1M", lambda: stats.norm.cdf(x), lambda r: r.sum()),
    ("t_cdf_1M", lambda: stats.t.cdf(x, 10), lambda r: r.sum()),
    ("gamma_ppf_100k", lambda: stats.gamma.ppf(u, 3), lambda r: r.sum()),
    ("spearmanr_1M", lambda: stats.spearmanr(x, y), lambda r: r[0]),
    ("kendalltau_1M", lambda: stats.kendalltau(x, y), lambda r: r[0]),
    ("var_1M", lambda: np.var(x, ddof=1), lambda r: r),
    ("quantile_1M", lambda: np.quantile(x, [0.1, 0.5, 0.9]), lambda r: r.sum()),
]
for name, f, check in cases:
    value = check(f())
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    ts.sort()
    print(name, repr(float(value)), ts[len(ts) // 2])
