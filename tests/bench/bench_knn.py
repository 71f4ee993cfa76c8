"""scikit-learn's half of tests/bench/bench_knn.sh.
  make DIR            writes the inputs (DIR/*.npy) and scikit-learn's results
                      (DIR/*.ref) that moonlab checks its results against
  time CASE DIR RUNS  prints the median seconds of RUNS runs of CASE
Cases: knn (KNeighborsClassifier, k = 5, predict of 10,000 queries against
50,000 x 30 training rows, n_jobs = 2; brute force, as scikit-learn's "auto"
picks for 30 features), svc (SVC rbf, C = 1, gamma "scale", tol 1e-3, fit on
5,000 x 20 from make_classification)."""
import statistics
import sys
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC


def load(d):
    return {n: np.load("%s/%s.npy" % (d, n)) for n in ("kX", "ky", "kQ", "sX", "sy")}


def run(case, a):
    if case == "knn":
        m = KNeighborsClassifier(n_neighbors=5, n_jobs=2).fit(a["kX"], a["ky"])
        return m.predict(a["kQ"])
    return SVC(kernel="rbf", C=1.0, gamma="scale", tol=1e-3).fit(a["sX"], a["sy"])


def make(d):
    rng = np.random.default_rng(11)
    centers = rng.standard_normal((4, 30)) * 0.6
    ky = rng.integers(0, 4, 50_000)
    kX = centers[ky] + rng.standard_normal((50_000, 30))
    qy = rng.integers(0, 4, 10_000)
    kQ = centers[qy] + rng.standard_normal((10_000, 30))
    sX, sy = make_classification(n_samples=5000, n_features=20, n_informative=10, random_state=3)
    for n, v in (("kX", kX), ("ky", ky.astype(float)), ("kQ", kQ), ("sX", sX), ("sy", sy.astype(float))):
        np.save("%s/%s.npy" % (d, n), v)
    a = load(d)
    np.savetxt(d + "/knn.ref", run("knn", a), fmt="%d")
    m = run("svc", a)
    with open(d + "/svc.ref", "w") as f:
        f.write(" ".join(str(int(v)) for v in m.n_support_) + " %.17g" % m.intercept_[0] + "\n")


if sys.argv[1] == "make":
    make(sys.argv[2])
else:
    case, d, runs = sys.argv[2], sys.argv[3], int(sys.argv[4])
    a = load(d)
    run(case, a)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run(case, a)
        times.append(time.perf_counter() - t)
    print("%.6f" % statistics.median(times))
