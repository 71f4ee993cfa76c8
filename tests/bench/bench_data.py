# pandas' half of tests/bench/bench_data.sh.
#   bench_data.py make DIR               writes DIR/data.csv (1M rows: x1..x10 floats with 6
#                                        decimals, cat: 100 levels; ~100 MB) and DIR/check.txt
#                                        (column sums, then the mean of x1 for each cat level)
#   bench_data.py read FILE              checks a read, prints the seconds of one more
#   bench_data.py groupby FILE KIND RUNS checks, prints the median seconds of RUNS group-by means:
#                                        KIND cat (x1 by the category, pandas' category dtype),
#                                        obj (x1 by the strings as read_csv gives them),
#                                        int (x2 by k = floor(500 * x1), about 3800 groups)
import os
import sys
import time

import numpy as np
import pandas as pd


def check_read(df, d):
    assert df.shape == (1000000, 11), df.shape


mode = sys.argv[1]
if mode == "make":
    d = sys.argv[2]
    rng = np.random.default_rng(42)
    n = 1000000
    cols = {f"x{j}": np.round(rng.normal(0, 1, n), 6) for j in range(1, 11)}
    cols["cat"] = np.array([f"g{i:03d}" for i in range(100)])[rng.integers(0, 100, n)]
    df = pd.DataFrame(cols)
    df.to_csv(os.path.join(d, "data.csv"), index=False, float_format="%.6f")
    df = pd.read_csv(os.path.join(d, "data.csv"))
    with open(os.path.join(d, "check.txt"), "w") as f:
        f.write(" ".join(repr(float(df[f"x{j}"].sum())) for j in range(1, 11)) + "\n")
        g = df.groupby("cat")["x1"].mean()
        f.write(" ".join(repr(float(v)) for v in g.values) + "\n")
elif mode == "read":
    path = sys.argv[2]
    check_read(pd.read_csv(path), None)
    t = time.perf_counter()
    df = pd.read_csv(path)
    print("%.6f" % (time.perf_counter() - t))
elif mode == "groupby":
    path, kind, runs = sys.argv[2], sys.argv[3], int(sys.argv[4])
    df = pd.read_csv(path)
    if kind == "cat":
        df["cat"] = df["cat"].astype("category")
    if kind == "int":
        df["k"] = np.floor(df["x1"] * 500).astype(np.int64)
        f = lambda: df.groupby("k")["x2"].mean()
    else:
        f = lambda: df.groupby("cat")["x1"].mean()
    r = f()
    if kind != "int":
        want = [float(v) for v in open(os.path.join(os.path.dirname(path), "check.txt")).read().split("\n")[1].split()]
        assert np.allclose(r.values, want, rtol=1e-12, atol=0), "pandas group means differ"
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    print("%.6f" % sorted(ts)[(runs - 1) // 2])
