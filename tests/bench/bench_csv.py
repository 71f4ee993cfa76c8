"""pandas' half of tests/bench/bench_csv.sh.
  make DIR      writes DIR/mixed.csv and DIR/full.csv and their column sums
                (as pandas reads them) to DIR/*.sums
  time FILE N   prints the median seconds of N pandas.read_csv(FILE)
"""
import statistics
import sys
import time

import numpy as np
import pandas as pd


def make(d):
    rng = np.random.default_rng(1)
    n = 1_000_000
    x = np.round(rng.standard_normal((n, 6)) * 100, 6)
    k = rng.integers(-100000, 100000, size=(n, 4))
    mixed = pd.DataFrame(np.column_stack([x, k]).astype(object), columns=["c%d" % i for i in range(10)])
    with open(d + "/mixed.csv", "w") as f:
        f.write(",".join(mixed.columns) + "\n")
        fmt = ",".join(["%.6f"] * 6 + ["%d"] * 4)
        np.savetxt(f, np.column_stack([x, k]), fmt=fmt.split(","), delimiter=",")
    full = pd.DataFrame(rng.standard_normal((n, 10)), columns=["c%d" % i for i in range(10)])
    full.to_csv(d + "/full.csv", index=False)
    for name in ("mixed", "full"):
        df = pd.read_csv(d + "/" + name + ".csv")
        with open(d + "/" + name + ".sums", "w") as f:
            f.write(" ".join("%.17g" % df[c].astype(float).sum() for c in df.columns) + "\n")


def timeit(path, runs):
    df = pd.read_csv(path)
    assert df.shape == (1_000_000, 10)
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        pd.read_csv(path)
        ts.append(time.perf_counter() - t)
    print("%.6f" % statistics.median(ts))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        timeit(sys.argv[2], int(sys.argv[3]))
