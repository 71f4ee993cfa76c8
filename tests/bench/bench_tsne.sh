#!/bin/sh
# tests/bench/bench_tsne.sh: moonlab.ml's Barnes-Hut t-SNE against
# scikit-learn's (Debian's python3-sklearn, same machine, same run), issue 8:
#   tsne    5,000 digits-like points x 64 (the bundled digits repeated plus
#           noise, seed 0), perplexity 30, n_iter 1000, angle 0.5,
#           init "pca", learning_rate "auto"                target >= 1.0x
# Both sides check each fit's final KL divergence against scikit-learn's
# (within 15 %), alternate ROUNDS times (default 3), each round the median of
# RUNS fits (default 1); prints the median of the rounds and ratio =
# sklearn / moonlab (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_tsne.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-1}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

"$PY" -c "import sklearn" 2>/dev/null || { echo "bench_tsne: needs python3-sklearn"; exit 1; }
"$PY" "$dir/bench_tsne.py" make "$tmp" || exit 1
echo "scikit-learn: $($PY -c 'import sklearn; print(sklearn.__version__)')   cores: $(nproc)   rounds: $ROUNDS x $RUNS   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %8s %8s  %s\n' case moonlab sklearn ratio target ""
: > "$tmp/m"; : > "$tmp/p"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	"$MOONLAB" "$dir/bench_tsne.lua" "$tmp" "$RUNS" >> "$tmp/m" || exit 1
	"$PY" "$dir/bench_tsne.py" time "$tmp" "$RUNS" >> "$tmp/p" || exit 1
	r=$((r + 1))
done
m=$(sort -g "$tmp/m" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
p=$(sort -g "$tmp/p" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
awk -v c=tsne -v m="$m" -v p="$p" -v t=1.0 'BEGIN {
	r = p / m; printf "%-8s %10.3f s %10.3f s %7.2fx %7.2fx  %s\n", c, m, p, r, t, (r >= t) ? "ok" : "MISS" }'
