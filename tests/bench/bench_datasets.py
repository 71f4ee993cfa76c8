"""scikit-learn's half of tests/bench/bench_datasets.sh.
  sums       prints digits' and breast_cancer's column-sum totals (the check)
  time SUMS  checks the loaders against SUMS, then prints one line of seconds:
             load_digits load_breast_cancer make_classification make_blobs make_regression
"""
import sys
import time

import numpy as np
from sklearn import datasets as D


def sums():
    return [D.load_digits().data.sum(), D.load_breast_cancer().data.sum()]


def timeit(path):
    want = np.loadtxt(path)
    assert np.allclose(sums(), want, rtol=1e-12)
    X, y = D.make_classification(n_samples=100_000, n_features=20, random_state=1)
    assert X.shape == (100_000, 20) and abs(np.bincount(y)[0] - 50_000) < 1_000
    out = []
    for f in (lambda: D.load_digits(), lambda: D.load_breast_cancer(),
              lambda: D.make_classification(n_samples=100_000, n_features=20, random_state=1),
              lambda: D.make_blobs(n_samples=100_000, n_features=10, centers=5, random_state=1),
              lambda: D.make_regression(n_samples=100_000, n_features=20, noise=1.0, random_state=1)):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    print(" ".join("%.6f" % v for v in out))


if __name__ == "__main__":
    if sys.argv[1] == "sums":
        print("\n".join("%.17g" % v for v in sums()))
    else:
        timeit(sys.argv[2])
