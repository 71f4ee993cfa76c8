#!/bin/sh
# tests/bench/bench_linear.sh: moonlab.ml's linear models against
# scikit-learn (Debian's python3-sklearn) on the same data in the same run:
# LogisticRegression on digits (1797 x 64, multinomial, lbfgs, C = 1,
# max_iter = 100, tol = 1e-4: both sides stop at the same iteration limit and
# tolerance), and, as extra lines, Ridge, Lasso and ElasticNet on a
# 20000 x 100 make_regression problem and a binary LogisticRegression on a
# standardized 100000 x 50 make_classification problem.  Each side checks its model first
# (training accuracy or R^2; the two must agree); the sides alternate ROUNDS
# times (default 3), each round reporting the median of REPS fits (default 5),
# and the table shows the median of the rounds.  ratio = sklearn / moonlab
# (> 1: moonlab faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_linear.sh [ROUNDS [REPS]]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
REPS=${2:-5}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_linear: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_linear.py" make "$tmp" || exit 1
echo "sklearn: $("$PY" -c 'import sklearn; print(sklearn.__version__)')   cores: $(nproc)   rounds: $ROUNDS x $REPS fits   load: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$tmp/moon.all"
: > "$tmp/sk.all"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	# moonlab warns on stderr when lbfgs stops at max_iter (as intended here)
	"$MOONLAB" "$dir/bench_linear.lua" "$tmp" "$REPS" 2>"$tmp/moon.err" >> "$tmp/moon.all" ||
		{ cat "$tmp/moon.err"; echo "bench_linear: moonlab side failed"; exit 1; }
	"$PY" "$dir/bench_linear.py" time "$tmp" "$REPS" >> "$tmp/sk.all" || { echo "bench_linear: sklearn side failed"; exit 1; }
	r=$((r + 1))
done
printf '%-18s %12s %12s %8s %7s %s\n' case moonlab sklearn ratio target ok
for c in logistic_digits ridge_20000x100 lasso_20000x100 enet_20000x100 logistic_100000x50; do
	target=-
	[ "$c" = logistic_digits ] && target=1.0
	grep "^$c " "$tmp/moon.all" | sort -k2 -g > "$tmp/m"
	grep "^$c " "$tmp/sk.all" | sort -k2 -g > "$tmp/s"
	awk -v c="$c" -v target="$target" -v n="$ROUNDS" '
		FNR == 1 { f++ }
		f == 1 { mt[FNR] = $2; mc = $3 }
		f == 2 { st[FNR] = $2; sc = $3 }
		END {
			k = int((n + 1) / 2); m = mt[k]; s = st[k]; ratio = s / m
			d = mc - sc; if (d < 0) d = -d
			tol = (c ~ /^logistic/) ? 0.01 : 1e-6
			status = (d > tol) ? "MISS(check " mc " vs " sc ")" : \
				(target == "-" ? "-" : (ratio >= target ? "ok" : "MISS"))
			printf "%-18s %11.4fs %11.4fs %7.2fx %7s %s   (check %.6f / %.6f)\n", c, m, s, ratio, target, status, mc, sc
		}' "$tmp/m" "$tmp/s"
done
