#!/bin/sh
# tests/bench/bench_knn.sh: moonlab.ml's neighbours and SVC against
# scikit-learn (Debian's python3-sklearn, same machine, same run), issue 7:
#   knn  KNeighborsClassifier k = 5, predict 10,000 queries against
#        50,000 x 30 (brute force; scikit-learn n_jobs = 2)      target >= 1.0x
#   svc  SVC rbf fit, 5,000 x 20, C = 1, gamma "scale" (extra)   target >= 1.0x
# Both sides check their result (moonlab against scikit-learn's) before
# timing, then alternate ROUNDS times (default 3), each round the median of
# RUNS fits (default 3); prints the median of the rounds and ratio =
# sklearn / moonlab (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_knn.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-3}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_knn: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_knn.py" make "$tmp" || exit 1
echo "scikit-learn: $($PY -c 'import sklearn; print(sklearn.__version__)')   cores: $(nproc)   rounds: $ROUNDS x $RUNS   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %8s %8s  %s\n' case moonlab sklearn ratio target ""
for c in knn svc; do
	: > "$tmp/m"; : > "$tmp/p"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		"$MOONLAB" "$dir/bench_knn.lua" "$c" "$tmp" "$RUNS" >> "$tmp/m" || exit 1
		"$PY" "$dir/bench_knn.py" time "$c" "$tmp" "$RUNS" >> "$tmp/p" || exit 1
		r=$((r + 1))
	done
	m=$(sort -g "$tmp/m" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	p=$(sort -g "$tmp/p" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	t=1.0
	awk -v c="$c" -v m="$m" -v p="$p" -v t="$t" 'BEGIN {
		r = p / m; printf "%-8s %10.3f s %10.3f s %7.2fx %7.2fx  %s\n", c, m, p, r, t, (r >= t) ? "ok" : "MISS" }'
done
