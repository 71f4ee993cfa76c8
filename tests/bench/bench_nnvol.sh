#!/bin/sh
# tests/bench/bench_nnvol.sh: moonlab.nn's volumetric layers against PyTorch
# (Debian's python3-torch), Float, both at 2 threads: one forward + backward
# of a 3-D convolution (8 x 4 x 16 x 32 x 32 -> 16 planes, 3x3x3, padding 1),
# of a transposed 3-D convolution (8 x 16 x 8 x 16 x 16 -> 4 planes, 2x2x2,
# stride 2) and of a 2x2x2 max pooling (8 x 16 x 16 x 32 x 32).  Each side
# checks one output value against a direct computation before timing; the
# sides run alternately ROUNDS times (default 3), each reporting the median
# of RUNS passes (default 5); the line shows the medians over rounds and
# ratio = pytorch / moonlab (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_nnvol.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-5}
dir=$(cd "$(dirname "$0")" && pwd)
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export OMP_WAIT_POLICY
"$PY" -c "import torch" 2>/dev/null || { echo "bench_nnvol: needs python3-torch (apt-get install python3-torch)"; exit 1; }
echo "cores: $(nproc)   OMP_WAIT_POLICY=$OMP_WAIT_POLICY   rounds: $ROUNDS x $RUNS passes (medians)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %8s %7s %s\n' case moonlab pytorch ratio target result
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for c in conv3d:1 full3d:1 pool3d:1; do
	name=${c%%:*}; target=${c##*:}
	m=""; p=""
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		m="$m $("$MOONLAB" "$dir/bench_nnvol.lua" "$name" "$RUNS")" || exit 1
		p="$p $("$PY" "$dir/bench_nnvol.py" "$name" "$RUNS")" || exit 1
		r=$((r + 1))
	done
	mm=$(echo $m | tr ' ' '\n' | median)
	pm=$(echo $p | tr ' ' '\n' | median)
	awk -v c="$name" -v m="$mm" -v p="$pm" -v t="$target" 'BEGIN {
		r = p / m; printf "%-8s %11.4fs %11.4fs %7.2fx %6.1fx %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
done
