#!/bin/sh
# tests/bench/bench_trees.sh: times fitting tree ensembles with moonlab.ml
# against scikit-learn (Debian python3-sklearn) on the same data, written
# once by bench_trees.py as .npy files and loaded by both sides:
#   rf   RandomForestClassifier, 100 trees, 20,000 x 20 make_classification, 2 threads (target >= 1.0x)
#   hgb  HistGradientBoostingClassifier, 100 iterations, 100,000 x 20, no early stopping (target >= 1.0x)
# Each side checks its model (training accuracy >= 0.9) before reporting;
# the sides alternate RUNS times (default 3) and the table shows medians and
# the ratio sklearn/moonlab (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_trees.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-3}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_trees: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_trees.py" make "$tmp" || exit 1
echo "cores: $(nproc)   runs: $RUNS (median)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %12s %12s %8s %8s  %s\n' case moonlab sklearn ratio target ""
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for c in rf hgb; do
	: > "$tmp/m.$c"
	: > "$tmp/p.$c"
	r=1
	while [ "$r" -le "$RUNS" ]; do
		"$MOONLAB" "$dir/bench_trees.lua" "$tmp" "$c" >> "$tmp/m.$c" || exit 1
		"$PY" "$dir/bench_trees.py" time "$tmp" "$c" >> "$tmp/p.$c" || exit 1
		r=$((r + 1))
	done
	m=$(median < "$tmp/m.$c")
	p=$(median < "$tmp/p.$c")
	awk -v c="$c" -v m="$m" -v p="$p" 'BEGIN { r = p / m; t = 1.0
		printf "%-6s %11.3fs %11.3fs %7.2fx %7.2fx  %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
done
