#!/usr/bin/python3
# scikit-learn's half of tests/bench/bench_tsne.sh:
#   make DIR            writes DIR/tsne_X.npy (5,000 digits-like points: the
#                       1,797 bundled digits repeated, plus Gaussian noise of
#                       standard deviation 1, seed 0) and DIR/tsne.ref
#                       (scikit-learn's final KL divergence)
#   time DIR RUNS       prints the median seconds of RUNS fits
# Fit: TSNE(perplexity=30, n_iter=1000, angle=0.5, init="pca",
# learning_rate="auto", method="barnes_hut").
import os
import sys
import time

import numpy as np
from sklearn.manifold import TSNE

DIGITS = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"


def fit(X):
    t = TSNE(n_components=2, perplexity=30.0, n_iter=1000, angle=0.5, init="pca", learning_rate="auto",
             method="barnes_hut", random_state=0)
    t.fit(X)
    return t


def make(d):
    digits = np.loadtxt(DIGITS, delimiter=",")[:, :64]
    rng = np.random.default_rng(0)
    X = digits[np.arange(5000) % digits.shape[0]] + rng.normal(0.0, 1.0, (5000, 64))
    np.save(os.path.join(d, "tsne_X.npy"), X)
    t = fit(X)
    with open(os.path.join(d, "tsne.ref"), "w") as f:
        f.write("%.17g\n" % t.kl_divergence_)


def timeit(d, runs):
    X = np.load(os.path.join(d, "tsne_X.npy"))
    ref = float(open(os.path.join(d, "tsne.ref")).read())
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        t = fit(X)
        ts.append(time.perf_counter() - t0)
        assert abs(t.kl_divergence_ - ref) < 0.15 * ref, (t.kl_divergence_, ref)
    print(sorted(ts)[(len(ts) - 1) // 2])


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        timeit(sys.argv[2], int(sys.argv[3]))
