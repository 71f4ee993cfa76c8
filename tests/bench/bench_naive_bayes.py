"""scikit-learn's half of tests/bench/bench_naive_bayes.sh.
  make DIR   writes DIR/X.npy (100,000 x 50 make_classification), DIR/C.npy
             (counts floor(|3 X|)), DIR/y.npy, and DIR/ref.txt: the column
             sums of predict_proba of GaussianNB on X and MultinomialNB on C
  time DIR   checks the same sums, then prints one line of seconds:
             gaussian_fit gaussian_proba multinomial_fit multinomial_proba
"""
import sys
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.naive_bayes import GaussianNB, MultinomialNB


def sums(X, C, y):
    g = GaussianNB().fit(X, y).predict_proba(X).sum(axis=0)
    m = MultinomialNB(force_alpha=True).fit(C, y).predict_proba(C).sum(axis=0)
    return np.concatenate([g, m])


def make(d):
    X, y = make_classification(n_samples=100_000, n_features=50, n_informative=10, n_classes=5,
                               random_state=1)
    C = np.floor(np.abs(3 * X))
    np.save(d + "/X.npy", X)
    np.save(d + "/C.npy", C)
    np.save(d + "/y.npy", y.astype(np.float64))
    np.savetxt(d + "/ref.txt", sums(X, C, y), fmt="%.17g")


def timeit(d):
    X, C, y = np.load(d + "/X.npy"), np.load(d + "/C.npy"), np.load(d + "/y.npy")
    ref = np.loadtxt(d + "/ref.txt")
    assert np.allclose(sums(X, C, y), ref, rtol=1e-12, atol=1e-9)
    out = []
    for cls, data in ((GaussianNB, X), (MultinomialNB, C)):
        t = time.perf_counter()
        m = cls().fit(data, y)
        out.append(time.perf_counter() - t)
        t = time.perf_counter()
        m.predict_proba(data)
        out.append(time.perf_counter() - t)
    print(" ".join("%.6f" % v for v in out))


if __name__ == "__main__":
    (make if sys.argv[1] == "make" else timeit)(sys.argv[2])
