#!/bin/sh
# tests/bench/bench_autograd.sh: one epoch of an MLP 784-256-10 (10,000
# Float samples, batch 128, plain SGD) with gradients from moonlab.autograd
# against the same with torch.autograd (Debian's python3-torch, 2 threads).
# Data and initial weights are closed-form on both sides: the check is that
# both sides' first-batch loss agree (1e-4) and that the epoch lowers the
# loss.  The sides alternate ROUNDS times (default 3), each the median of
# RUNS epochs (default 3); ratio = pytorch / moonlab (> 1: moonlab faster).
#   usage: sh tests/bench/bench_autograd.sh [ROUNDS] [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
RUNS=${2:-3}
dir=$(cd "$(dirname "$0")" && pwd)
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
export OMP_WAIT_POLICY
"$PY" -c "import torch" 2>/dev/null || { echo "bench_autograd: needs python3-torch"; exit 1; }
echo "cores: $(nproc)   rounds: $ROUNDS x $RUNS epochs (medians)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %12s %12s %8s %7s %s\n' case moonlab pytorch ratio target result
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
m=""; p=""; ml=""; pl=""
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	out=$("$MOONLAB" "$dir/bench_autograd.lua" "$RUNS") || exit 1
	m="$m ${out% *}"; ml=${out#* }
	out=$("$PY" "$dir/bench_autograd.py" "$RUNS") || exit 1
	p="$p ${out% *}"; pl=${out#* }
	r=$((r + 1))
done
mm=$(echo $m | tr ' ' '\n' | median)
pm=$(echo $p | tr ' ' '\n' | median)
awk -v m="$mm" -v p="$pm" -v ml="$ml" -v pl="$pl" 'BEGIN {
	d = ml - pl; if (d < 0) d = -d
	r = p / m
	printf "%-12s %11.3fs %11.3fs %7.2fx %7s %s   (first loss %s / %s)\n", "mlp_epoch", m, p, r, "1.0x",
		(d > 1e-4 ? "MISS(check)" : (r >= 1 ? "ok" : "MISS")), ml, pl }'
