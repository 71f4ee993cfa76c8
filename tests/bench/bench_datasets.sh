#!/bin/sh
# tests/bench/bench_datasets.sh: times moonlab.datasets' loaders and
# generators against scikit-learn's (Debian python3-sklearn).  Both sides
# check the loaded digits/breast_cancer sums (and the generated shapes and
# class balance) first; then they run alternately RUNS times (default 5) and
# the medians are printed:
#   case  moonlab_time  peer_time  ratio  target  ok|MISS
# ratio = scikit-learn / moonlab (> 1: moonlab faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_datasets.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-5}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_datasets: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_datasets.py" sums >"$tmp/sums.txt" || exit 1
echo "cores: $(nproc)   runs: $RUNS (median, alternating)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$RUNS" ]; do
	"$MOONLAB" "$dir/bench_datasets.lua" "$tmp/sums.txt" >>"$tmp/moon.txt" || exit 1
	"$PY" "$dir/bench_datasets.py" time "$tmp/sums.txt" >>"$tmp/peer.txt" || exit 1
	r=$((r + 1))
done
median() { # file column
	cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
printf '%-22s %12s %12s %8s %7s %s\n' case moonlab sklearn ratio target ok
col=1
for c in load_digits load_breast_cancer make_classification make_blobs make_regression; do
	m=$(median "$tmp/moon.txt" $col)
	p=$(median "$tmp/peer.txt" $col)
	awk -v c="$c" -v m="$m" -v p="$p" 'BEGIN { r = p / m;
		printf "%-22s %11.4fs %11.4fs %7.2fx %6.1fx %s\n", c, m, p, r, 1.0, (r >= 1.0 ? "ok" : "MISS") }'
	col=$((col + 1))
done
