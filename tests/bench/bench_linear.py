# scikit-learn's half of tests/bench/bench_linear.sh:
#   python3 bench_linear.py make DIR     writes the inputs as .npy files
#   python3 bench_linear.py time DIR REPS
# prints one line per case: name, median seconds of REPS fits, and a check
# value of the fitted model (training accuracy or R^2) that the shell script
# compares with moonlab's.
import sys
import time
import warnings

import numpy as np
from sklearn import datasets, linear_model

warnings.simplefilter("ignore")  # lbfgs stops at max_iter = 100 on raw digits, as intended


def make(d):
    X, y = datasets.load_digits(return_X_y=True)
    np.save(d + "/digits_X.npy", X.astype(np.float64))
    np.save(d + "/digits_y.npy", y.astype(np.float64))
    X, y = datasets.make_regression(n_samples=20000, n_features=100, n_informative=20, noise=1.0,
                                    random_state=0)
    np.save(d + "/reg_X.npy", X)
    np.save(d + "/reg_y.npy", y)
    X, y = datasets.make_classification(n_samples=100000, n_features=50, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    np.save(d + "/cls_X.npy", X)
    np.save(d + "/cls_y.npy", y.astype(np.float64))


CASES = [
    ("logistic_digits", "digits", lambda: linear_model.LogisticRegression(C=1.0, max_iter=100)),
    ("ridge_20000x100", "reg", lambda: linear_model.Ridge(alpha=1.0)),
    ("lasso_20000x100", "reg", lambda: linear_model.Lasso(alpha=0.1)),
    ("enet_20000x100", "reg", lambda: linear_model.ElasticNet(alpha=0.1, l1_ratio=0.5)),
    ("logistic_100000x50", "cls", lambda: linear_model.LogisticRegression(C=1.0, max_iter=100)),
]


def run(d, reps):
    data = {k: (np.load(d + "/%s_X.npy" % k), np.load(d + "/%s_y.npy" % k)) for k in ("digits", "reg", "cls")}
    for name, key, new in CASES:
        X, y = data[key]
        check = new().fit(X, y).score(X, y)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            new().fit(X, y)
            times.append(time.perf_counter() - t)
        print("%s %.6f %.10f" % (name, float(np.median(times)), check))


if sys.argv[1] == "make":
    make(sys.argv[2])
else:
    run(sys.argv[2], int(sys.argv[3]))
