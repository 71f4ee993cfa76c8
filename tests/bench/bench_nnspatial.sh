#!/bin/sh
# tests/bench/bench_nnspatial.sh: forward + backward of moonlab.nn's spatial
# layers (dilated and depth-wise convolution, adaptive and dilated pooling,
# bilinear up-sampling, reflection padding, cross-map LRN) on a Float batch
# (32, 16, 28, 28) against PyTorch's functional equivalents, both at 2
# threads.  Each side checks its result first; the sides run alternately
# ROUNDS times (default 3), each the median of RUNS calls (default 5); the
# line shows the medians and ratio = pytorch / moonlab (> 1: moonlab faster).
#   usage: sh tests/bench/bench_nnspatial.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-5}
dir=$(cd "$(dirname "$0")" && pwd)
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export OMP_WAIT_POLICY
"$PY" -c "import torch" 2>/dev/null || { echo "bench_nnspatial: needs python3-torch"; exit 1; }
echo "cores: $(nproc)   rounds: $ROUNDS x $RUNS calls (medians)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %12s %12s %8s %7s %s\n' case moonlab pytorch ratio target result
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for c in dilconv:0.3 dwconv:0.3 adaptavg:0.3 adaptmax:0.3 dilmax:0.3 bilinear:0.3 reflpad:0.3 lrn:0.3; do
	name=${c%%:*}; target=${c##*:}
	m=""; p=""
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		m="$m $("$MOONLAB" "$dir/bench_nnspatial.lua" "$name" "$RUNS")" || exit 1
		p="$p $("$PY" "$dir/bench_nnspatial.py" "$name" "$RUNS")" || exit 1
		r=$((r + 1))
	done
	mm=$(echo $m | tr ' ' '\n' | median)
	pm=$(echo $p | tr ' ' '\n' | median)
	awk -v c="$name" -v m="$mm" -v p="$pm" -v t="$target" 'BEGIN {
		r = p / m; printf "%-9s %11.4fs %11.4fs %7.2fx %6.1fx %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
done
