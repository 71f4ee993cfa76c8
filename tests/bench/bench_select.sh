#!/bin/sh
# tests/bench/bench_select.sh: moonlab.ml's preprocessing, metrics and model
# selection against scikit-learn (Debian python3-sklearn) on the same data:
#   scaler_fit_transform_100kx50  StandardScaler fit_transform, 100,000 x 50
#   roc_auc_1M                    roc_auc_score of 1,000,000 tied scores
#   cv_scaler_logreg_5fold_100kx50  the issue's StandardScaler + LogisticRegression
#                                 5-fold cross_val_score on make_classification
#                                 100,000 x 50 (skipped while moonlab.ml has no
#                                 LogisticRegression; one call a round)
# Both sides check their result first; the sides
# alternate ROUNDS times (default 3), each printing per-case medians of RUNS
# calls; the table shows the median of the rounds and ratio = sklearn/moonlab
# (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_select.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-5}
ROUNDS=${ROUNDS:-3}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_select: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_select.py" make "$tmp" || exit 1
echo "scikit-learn: $("$PY" -c 'import sklearn; print(sklearn.__version__)')   cores: $(nproc)   rounds: $ROUNDS x $RUNS runs   load: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$tmp/moon.all"
: > "$tmp/sk.all"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	"$MOONLAB" "$dir/bench_select.lua" "$tmp" "$RUNS" >> "$tmp/moon.all" || { echo "bench_select: moonlab side failed"; exit 1; }
	"$PY" "$dir/bench_select.py" time "$tmp" "$RUNS" >> "$tmp/sk.all" || { echo "bench_select: scikit-learn side failed"; exit 1; }
	r=$((r + 1))
done
# target: the issue's ratio to reach (>= 1.0x scikit-learn)
printf '%-30s %12s %12s %8s %7s %s\n' case moonlab sklearn ratio target ok
awk '
	function median(list,   n, a, i, j, t) {
		n = split(list, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	FNR == 1 { side++ }
	side == 1 { if (!($1 in m)) order[++k] = $1; m[$1] = m[$1] " " $2 }
	side == 2 { p[$1] = p[$1] " " $2 }
	END {
		for (i = 1; i <= k; i++) {
			c = order[i]
			if (m[c] ~ /-/) { printf "%-30s %12s %12s %8s %7s %s\n", c, "-", "-", "-", "1.0x", "skip"; continue }
			mt = median(m[c]); pt = median(p[c]); r = pt / mt
			printf "%-30s %11.4fs %11.4fs %7.2fx %7s %s\n", c, mt, pt, r, "1.0x", (r >= 1.0 ? "ok" : "MISS")
		}
	}' "$tmp/moon.all" "$tmp/sk.all"
