#!/bin/sh
# tests/bench/bench_naive_bayes.sh: times moonlab.ml's GaussianNB and
# MultinomialNB (fit, predict_proba) against scikit-learn's on the same
# 100,000 x 50 make_classification data (5 classes; counts floor(|3 X|) for
# MultinomialNB), written once by scikit-learn as .npy files.  Both sides
# check predict_proba's column sums against scikit-learn's first; then the
# two run alternately RUNS times (default 5) and the medians are printed:
#   case  moonlab_time  peer_time  ratio  target  ok|MISS
# ratio = scikit-learn / moonlab (> 1: moonlab faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_naive_bayes.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-5}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_naive_bayes: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_naive_bayes.py" make "$tmp" || exit 1
echo "cores: $(nproc)   runs: $RUNS (median, alternating)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$RUNS" ]; do
	"$MOONLAB" "$dir/bench_naive_bayes.lua" "$tmp" >>"$tmp/moon.txt" || exit 1
	"$PY" "$dir/bench_naive_bayes.py" time "$tmp" >>"$tmp/peer.txt" || exit 1
	r=$((r + 1))
done
median() { # file column
	cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
printf '%-22s %12s %12s %8s %7s %s\n' case moonlab sklearn ratio target ok
col=1
for c in gaussian_fit gaussian_predict_proba multinomial_fit multinomial_predict_proba; do
	m=$(median "$tmp/moon.txt" $col)
	p=$(median "$tmp/peer.txt" $col)
	awk -v c="$c" -v m="$m" -v p="$p" 'BEGIN { r = p / m;
		printf "%-22s %11.4fs %11.4fs %7.2fx %6.1fx %s\n", c, m, p, r, 1.0, (r >= 1.0 ? "ok" : "MISS") }'
	col=$((col + 1))
done
