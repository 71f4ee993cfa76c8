#!/bin/sh
# tests/bench/bench_nn_nntable.sh: forward+backward of nn.GatedLinearUnit,
# nn.PixelShuffle and nn.RReLU (training) on Float batches, and nn.OneHot's
# forward, moonlab.nn against PyTorch (Debian's python3-torch), both at 2
# threads.  Each side checks its result against a closed form before timing;
# the sides run alternately ROUNDS times (default 3), each reporting the
# median of RUNS calls (default 5); the line shows the medians over rounds
# and ratio = pytorch / moonlab (> 1: moonlab is faster).  Not run by
# `make test`.
#   usage: sh tests/bench/bench_nn_nntable.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-5}
dir=$(cd "$(dirname "$0")" && pwd)
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export OMP_WAIT_POLICY
"$PY" -c "import torch" 2>/dev/null || { echo "bench_nn_nntable: needs python3-torch (apt-get install python3-torch)"; exit 1; }
echo "cores: $(nproc)   rounds: $ROUNDS x $RUNS calls (medians)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %8s %7s %s\n' case moonlab pytorch ratio target result
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for c in glu:0.7 shuffle:0.5 rrelu:0.7 onehot:0.7; do
	name=${c%%:*}; target=${c##*:}
	m=""; p=""
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		m="$m $("$MOONLAB" "$dir/bench_nn_nntable.lua" "$name" "$RUNS")" || exit 1
		p="$p $("$PY" "$dir/bench_nn_nntable.py" "$name" "$RUNS")" || exit 1
		r=$((r + 1))
	done
	mm=$(echo $m | tr ' ' '\n' | median)
	pm=$(echo $p | tr ' ' '\n' | median)
	awk -v c="$name" -v m="$mm" -v p="$pm" -v t="$target" 'BEGIN {
		r = p / m; printf "%-8s %11.4fs %11.4fs %7.2fx %6.1fx %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
done
