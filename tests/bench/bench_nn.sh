#!/bin/sh
# tests/bench/bench_nn.sh: one training epoch of an MLP (784-256-10, 60,000
# Float samples, batch 128) and of a LeNet-style CNN (10,000 28x28 images,
# batch 64) with SGD + momentum, moonlab.nn against PyTorch (Debian's
# python3-torch), both at 2 threads.  Each side checks that its first epoch
# lowers the loss before timing; the sides run alternately ROUNDS times
# (default 3), each reporting the median of RUNS epochs (default 3); the
# line shows the medians over rounds and ratio = pytorch / moonlab (> 1:
# moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_nn.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-3}
dir=$(cd "$(dirname "$0")" && pwd)
# Both sides use OpenMP next to a threaded BLAS.  With libgomp's default
# (active) wait policy, idle OpenMP workers spin while the BLAS threads
# run, which on 2 cores slows an epoch 2-3x.  moonlab chooses passive
# waiting by itself (docs/cli.md, "Threads"); PyTorch keeps libgomp's
# default.  Both run in the environment they are given, as their users run
# them: the target compares those.  OMP_WAIT_POLICY=passive in the
# environment gives PyTorch passive waiting too (the closing note of issue
# 10 quotes both).
"$PY" -c "import torch" 2>/dev/null || { echo "bench_nn: needs python3-torch (apt-get install python3-torch)"; exit 1; }
echo "cores: $(nproc)   OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-(unset)}   rounds: $ROUNDS x $RUNS epochs (medians)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %12s %12s %8s %7s %s\n' case moonlab pytorch ratio target result
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for c in mlp:4 cnn:1.5; do
	name=${c%%:*}; target=${c##*:}
	m=""; p=""
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		m="$m $("$MOONLAB" "$dir/bench_nn.lua" "$name" "$RUNS")" || exit 1
		p="$p $("$PY" "$dir/bench_nn.py" "$name" "$RUNS")" || exit 1
		r=$((r + 1))
	done
	mm=$(echo $m | tr ' ' '\n' | median)
	pm=$(echo $p | tr ' ' '\n' | median)
	awk -v c="$name" -v m="$mm" -v p="$pm" -v t="$target" 'BEGIN {
		r = p / m; printf "%-5s %11.3fs %11.3fs %7.2fx %6.1fx %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
done
