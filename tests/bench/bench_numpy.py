# bench_numpy.py: numpy's half of `make bench` (see bench.lua for the cases).
# Prints "<name> <median seconds per call>" for the same names.
import sys
import time
import numpy as np

only = sys.argv[1] if len(sys.argv) > 1 else None


def time_it(fn, samples=15):
    fn()
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    k = 1 if once >= 0.02 else max(1, int(0.02 / max(once, 1e-9)))
    xs = []
    for _ in range(samples):
        a = time.perf_counter()
        for _ in range(k):
            fn()
        xs.append((time.perf_counter() - a) / k)
    xs.sort()
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


cases = []


def case(name):
    def deco(fn):
        cases.append((name, fn))
        return fn
    return deco


rng = np.random.default_rng(1)
for ty in ("float32", "float64"):
    for n in (1024, 2048):
        def mm(ty=ty, n=n):
            a = rng.random((n, n)).astype(ty)
            b = rng.random((n, n)).astype(ty)
            c = np.empty((n, n), dtype=ty)
            np.matmul(a, b, out=c)
            assert abs(c[1, 2] - a[1, :] @ b[:, 2]) <= 1e-3 * abs(c[1, 2])
            return time_it(lambda: np.matmul(a, b, out=c), 7 if n >= 2048 else 11)
        case("mm_%s_%d" % ("float" if ty == "float32" else "double", n))(mm)

N = 10_000_000


def big():
    a = rng.uniform(-1, 1, N)
    b = rng.uniform(-1, 1, N)
    return a, b, np.empty(N)


@case("add_10M")
def _():
    a, b, c = big()
    np.add(a, b, out=c)
    return time_it(lambda: np.add(a, b, out=c))


@case("mul_10M")
def _():
    a, b, c = big()
    return time_it(lambda: np.multiply(a, b, out=c))


@case("exp_10M")
def _():
    a, _, c = big()
    return time_it(lambda: np.exp(a, out=c))


@case("sigmoid_10M")
def _():
    a, _, c = big()

    def sig():  # the usual numpy way, into an existing array
        np.negative(a, out=c)
        np.exp(c, out=c)
        np.add(c, 1.0, out=c)
        np.reciprocal(c, out=c)
    sig()
    assert abs(c[5] - 1 / (1 + np.exp(-a[5]))) < 1e-15
    return time_it(sig)


@case("sum_10M")
def _():
    a, _, _ = big()
    return time_it(lambda: a.sum())


@case("mean_10M")
def _():
    a, _, _ = big()
    return time_it(lambda: a.mean())


@case("var_10M")
def _():
    a, _, _ = big()
    return time_it(lambda: a.var(ddof=1))


@case("small_add_10")
def _():
    a, b = np.arange(1.0, 11.0), np.arange(11.0, 21.0)
    return time_it(lambda: a + b)


@case("svd_500")
def _():
    a = rng.uniform(-1, 1, (500, 500))
    u, s, vt = np.linalg.svd(a)
    assert np.abs(u @ np.diag(s) @ vt - a).max() < 1e-10
    return time_it(lambda: np.linalg.svd(a), 7)


@case("gesv_1000")
def _():
    a = rng.uniform(-1, 1, (1000, 1000)) + 10 * np.eye(1000)
    b = rng.uniform(-1, 1, (1000, 1))
    assert np.abs(a @ np.linalg.solve(a, b) - b).max() < 1e-10
    return time_it(lambda: np.linalg.solve(a, b), 9)
@case("index_1M")
def _():
    n = 1_000_000
    x, idx = rng.random(n), rng.integers(0, n, n)
    return time_it(lambda: np.take(x, idx))


for dim in (1, 2):
    def gather(dim=dim):
        x, idx = rng.random((1000, 1000)), rng.integers(0, 1000, (1000, 1000))
        return time_it(lambda: np.take_along_axis(x, idx, axis=dim - 1))
    case("gather_1M_dim%d" % dim)(gather)
@case("sort_10M")
def _():
    a, _, _ = big()
    return time_it(lambda: np.sort(a), 5)


@case("topk_10M")
def _():
    a, _, _ = big()

    def topk():
        p = np.argpartition(a, 10)[:10]
        return a[p[np.argsort(a[p], kind="stable")]], p
    return time_it(topk, 7)


try:
    from scipy import signal
except ImportError:  # scipy is optional: the conv2 cases then have no peer
    signal = None

if signal is not None:
    for mode in ("F", "V"):
        def conv2(mode=mode):
            x, k = rng.random((512, 512)), rng.random((7, 7))
            m = "full" if mode == "F" else "valid"
            return time_it(lambda: signal.convolve2d(x, k, m))
        case("conv2_512_7x7_" + mode)(conv2)


for name, fn in cases:
    if only is None or only in name:
        print("%s %.9g" % (name, fn()), flush=True)
