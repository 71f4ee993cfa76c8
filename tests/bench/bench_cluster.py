"""scikit-learn's half of tests/bench/bench_cluster.sh.
  make DIR            writes the inputs (DIR/*.npy) and scikit-learn's results
                      (DIR/*.ref: numbers moonlab checks its results against)
  time CASE DIR RUNS  prints the median seconds of RUNS fits of CASE
Cases: kmeans (Lloyd, 100,000 x 20, k = 10, the first 10 rows as centers,
tol = 0, 50 iterations), pca (20,000 x 500, full SVD), gmm (full covariance,
50,000 x 10, k = 5, the same initial weights/means/precisions, tol = 0,
20 iterations)."""
import statistics
import warnings
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

warnings.simplefilter("ignore")  # GaussianMixture warns that 20 iterations did not converge


def load(d):
    return {n: np.load("%s/%s.npy" % (d, n)) for n in ("km_X", "pca_X", "gm_X", "gm_w", "gm_mu", "gm_prec")}


def fit(case, a):
    if case == "kmeans":
        return KMeans(n_clusters=10, init=a["km_X"][:10], n_init=1, max_iter=50, tol=0, algorithm="lloyd").fit(a["km_X"])
    if case == "pca":
        return PCA(svd_solver="full").fit(a["pca_X"])
    return GaussianMixture(n_components=5, covariance_type="full", weights_init=a["gm_w"], means_init=a["gm_mu"],
                           precisions_init=a["gm_prec"], tol=0, max_iter=20).fit(a["gm_X"])


def make(d):
    rng = np.random.default_rng(7)
    np.save(d + "/km_X.npy", rng.uniform(size=(100_000, 20)))
    np.save(d + "/pca_X.npy", rng.standard_normal((20_000, 500)) @ np.diag(np.linspace(1, 3, 500)))
    centers = rng.standard_normal((5, 10)) * 3
    gx = np.vstack([c + rng.standard_normal((10_000, 10)) for c in centers])
    np.save(d + "/gm_X.npy", gx)
    np.save(d + "/gm_w.npy", np.full(5, 0.2))
    np.save(d + "/gm_mu.npy", centers + 0.5)
    np.save(d + "/gm_prec.npy", np.array([np.eye(10)] * 5))
    a = load(d)
    km = fit("kmeans", a)
    assert km.n_iter_ == 50, km.n_iter_
    pca = fit("pca", a)
    gm = fit("gmm", a)
    assert gm.n_iter_ == 20
    with open(d + "/kmeans.ref", "w") as f:
        f.write("%.17g %d\n" % (km.inertia_, km.n_iter_))
    with open(d + "/pca.ref", "w") as f:
        f.write(" ".join("%.17g" % v for v in pca.explained_variance_[:5]) + "\n")
    with open(d + "/gmm.ref", "w") as f:
        f.write(" ".join("%.17g" % v for v in gm.means_.ravel()) + "\n")


def timeit(case, d, runs):
    a = load(d)
    fit(case, a)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fit(case, a)
        ts.append(time.perf_counter() - t)
    print("%.6f" % statistics.median(ts))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        timeit(sys.argv[2], sys.argv[3], int(sys.argv[4]))
