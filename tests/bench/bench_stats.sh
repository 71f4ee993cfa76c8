#!/bin/sh
# tests/bench/bench_stats.sh: moonlab.stats against scipy.stats/numpy on the
# same data (1M normal pairs, 100k uniforms written by bench_stats.py as .npy):
# distribution functions over tensors, spearmanr and kendalltau on 1M pairs,
# var and quantile of 1M values.  Both sides compute each case once and the
# values are compared (1e-9 relative) before timing; each side prints the
# median of RUNS runs (default 5); ratio = scipy/moonlab (> 1: moonlab is
# faster).  Issue 8 sets no target for statistics: the target column is "-".
#   usage: sh tests/bench/bench_stats.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-5}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import scipy" 2>/dev/null || { echo "bench_stats: needs python3-scipy"; exit 1; }
"$PY" "$dir/bench_stats.py" make "$tmp" || exit 1
echo "cores: $(nproc)   runs: $RUNS (median)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$MOONLAB" "$dir/bench_stats.lua" "$tmp" "$RUNS" > "$tmp/moon.txt" || exit 1
"$PY" "$dir/bench_stats.py" time "$tmp" "$RUNS" > "$tmp/peer.txt" || exit 1
printf '%-16s %12s %12s %8s %7s %s\n' case moonlab scipy ratio target ok
paste "$tmp/moon.txt" "$tmp/peer.txt" | awk '{
	if ($1 != $4) { print "bench_stats: case mismatch " $1 " " $4; exit 1 }
	d = $2 - $5; if (d < 0) d = -d; s = $5; if (s < 0) s = -s
	ok = (d <= 1e-9 * (1 + s)) ? "ok" : "MISS (values differ: " $2 " vs " $5 ")"
	printf "%-16s %11.4fs %11.4fs %7.2fx %7s %s\n", $1, $3, $6, $6 / $3, "-", ok }'
