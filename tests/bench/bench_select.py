"""scikit-learn's half of tests/bench/bench_select.sh.
  make DIR        writes DIR/X.npy (100,000 x 50), DIR/ys.npy, DIR/s.npy (1,000,000 labels and
                  scores), DIR/Xc.npy, DIR/yc.npy (make_classification 100,000 x 50 for the
                  cross-validation case) and DIR/ref.txt (the values moonlab must reproduce
                  before it is timed)
  time DIR RUNS   prints "case median_seconds" per case (median of RUNS calls; the
                  cross-validation case runs once a round). The moonlab side runs first in
                  each round: it leaves DIR/cv_skip when moonlab has no LogisticRegression
                  (the case is then skipped here too) or DIR/cv_moon.txt with its mean
                  accuracy, which must equal scikit-learn's within 0.002.
"""
import statistics
import sys
import time

import numpy as np
import os

from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def make(d):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((100_000, 50)) * rng.uniform(0.5, 20, 50) + rng.uniform(-5, 5, 50)
    np.save(d + "/X.npy", X)
    ys = rng.integers(0, 2, 1_000_000).astype(np.float64)
    s = np.round(ys * 0.4 + rng.uniform(0, 1, 1_000_000), 4)   # ties, as real scores have
    np.save(d + "/ys.npy", ys)
    np.save(d + "/s.npy", s)
    Xc, yc = make_classification(n_samples=100_000, n_features=50, n_informative=10, random_state=0)
    np.save(d + "/Xc.npy", Xc)
    np.save(d + "/yc.npy", yc.astype(np.float64))
    Z = StandardScaler().fit_transform(X)
    with open(d + "/ref.txt", "w") as f:
        f.write("%.17g %.17g %.17g\n" % (roc_auc_score(ys, s), np.abs(Z).sum(), Z[12345, 7]))


def cases(d):
    X = np.load(d + "/X.npy")
    ys, s = np.load(d + "/ys.npy"), np.load(d + "/s.npy")
    ref = [float(v) for v in open(d + "/ref.txt").read().split()]
    out = {
        "scaler_fit_transform_100kx50": lambda: StandardScaler().fit_transform(X),
        "roc_auc_1M": lambda: roc_auc_score(ys, s),
    }
    assert abs(out["roc_auc_1M"]() - ref[0]) < 1e-12
    if not os.path.exists(d + "/cv_skip"):
        Xc, yc = np.load(d + "/Xc.npy"), np.load(d + "/yc.npy")
        cv = lambda: cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), Xc, yc, cv=5)
        moon = float(open(d + "/cv_moon.txt").read())
        mine = cv().mean()
        assert abs(moon - mine) < 0.002, "moonlab's CV accuracy %.6f, scikit-learn's %.6f" % (moon, mine)
        out["cv_scaler_logreg_5fold_100kx50"] = cv
    return out


def timeit(d, runs):
    cs = cases(d)
    for name, f in cs.items():
        if not name.startswith("cv_"):
            f()
        ts = []
        for _ in range(1 if name.startswith("cv_") else runs):
            t = time.perf_counter()
            f()
            ts.append(time.perf_counter() - t)
        print("%s %.6f" % (name, statistics.median(ts)))
    if "cv_scaler_logreg_5fold_100kx50" not in cs:
        print("cv_scaler_logreg_5fold_100kx50 -")


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        timeit(sys.argv[2], int(sys.argv[3]))
