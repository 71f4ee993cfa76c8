#!/usr/bin/python3
"""bench_trees.py: scikit-learn's half of tests/bench/bench_trees.sh.
  make DIR            writes the data sets once as .npy files into DIR
  time DIR CASE       fits CASE once on DIR's data, checks it, prints seconds
Cases: rf (RandomForestClassifier, 100 trees, 20,000 x 20, n_jobs=2) and hgb
(HistGradientBoostingClassifier, 100 iterations, 100,000 x 20, no early stopping)."""
import os
import sys
import time

import numpy as np


def make(d):
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=20000, n_features=20, n_informative=10, random_state=0)
    np.save(os.path.join(d, "rf_X.npy"), X)
    np.save(os.path.join(d, "rf_y.npy"), y.astype(np.float64))
    X, y = make_classification(n_samples=100000, n_features=20, n_informative=10, random_state=1)
    np.save(os.path.join(d, "hgb_X.npy"), X)
    np.save(os.path.join(d, "hgb_y.npy"), y.astype(np.float64))


def timed(d, case):
    from sklearn.ensemble import RandomForestClassifier, HistGradientBoostingClassifier
    X = np.load(os.path.join(d, case + "_X.npy"))
    y = np.load(os.path.join(d, case + "_y.npy"))
    if case == "rf":
        m = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
    else:
        m = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
    t = time.perf_counter()
    m.fit(X, y)
    secs = time.perf_counter() - t
    acc = m.score(X[:5000], y[:5000])
    if acc < 0.9:
        sys.exit("bench_trees.py: %s training accuracy %.3f is too low" % (case, acc))
    print("%.6f" % secs)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        timed(sys.argv[2], sys.argv[3])
