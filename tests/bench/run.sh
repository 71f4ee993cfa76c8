#!/bin/sh
# tests/bench/run.sh: `make bench`.  Runs every case in moonlab and in numpy
# (Debian's python3-numpy, same machine, same run) and prints the medians and
# the speed ratio numpy_time / moonlab_time (> 1: moonlab is faster), against
# the target of the issue that asked for it.
#
# OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, when the environment sets them, slow a
# current numpy; both sides run without them so that they use the same kernels.
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ONLY=$1
dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

ROUNDS=${ROUNDS:-3}
echo "numpy: $($PY -c 'import numpy; print(numpy.__version__)')   cores: $(nproc)   rounds: $ROUNDS"
# The two sides alternate, ROUNDS times; each round reports per-case medians
# and the table shows the median of the rounds, so that a burst of load on the
# machine does not decide a ratio.
: > "$tmp/moon.all"
: > "$tmp/numpy.all"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	"$MOONLAB" "$dir/bench.lua" $ONLY >> "$tmp/moon.all" || { echo "bench: moonlab side failed"; exit 1; }
	"$PY" "$dir/bench_numpy.py" $ONLY >> "$tmp/numpy.all" || { echo "bench: numpy side failed"; exit 1; }
	r=$((r + 1))
done
median_of_rounds() {
	sort -k1,1 -k2,2g "$1" | awk '{ v[$1] = v[$1] " " $2; n[$1]++ }
		END { for (k in v) { split(substr(v[k], 2), a, " "); printf "%s %s\n", k, a[int((n[k] + 1) / 2)] } }'
}
median_of_rounds "$tmp/moon.all" > "$tmp/moon"
median_of_rounds "$tmp/numpy.all" > "$tmp/numpy"

# targets: speed ratio numpy/moonlab must be >= target (latency <= 0.6x means ratio >= 1/0.6)
cat > "$tmp/targets" <<'T'
mm_float_1024 0.95
mm_float_2048 0.95
mm_double_1024 0.95
mm_double_2048 0.95
add_10M 1.5
mul_10M 1.5
exp_10M 1.5
sigmoid_10M 1.5
sum_10M 1.5
mean_10M 1.5
var_10M 1.5
small_add_10 1.6667
svd_500 1.0
gesv_1000 1.0
index_1M 1.0
gather_1M_dim1 1.0
gather_1M_dim2 1.0
sort_10M 1.0
topk_10M 1.0
conv2_512_7x7_F 1.0
conv2_512_7x7_V 1.0
T

printf '%-16s %14s %14s %8s %8s  %s\n' case moonlab numpy ratio target ""
awk 'FNR==NR { t[$1]=$2; next } FILENAME==ARGV[2] { m[$1]=$2; next } { n[$1]=$2 }
     END { for (k in m) if (k in n) printf "%s %s %s %s\n", k, m[k], n[k], (k in t ? t[k] : 0) }' \
	"$tmp/targets" "$tmp/moon" "$tmp/numpy" | sort | while read -r name m n t; do
	awk -v name="$name" -v m="$m" -v n="$n" -v t="$t" 'BEGIN {
		r = n / m; ok = (t == 0 || r >= t) ? "ok" : "MISS"
		unit = (m < 1e-3) ? 1e6 : 1e3; u = (m < 1e-3) ? "us" : "ms"
		printf "%-16s %11.3f %s %11.3f %s %7.2fx %7.2fx  %s\n", name, m*unit, u, n*unit, u, r, t, ok }'
done

# start-up: moonlab -e "" against python3 -c "import numpy" (target: moonlab <= 10 ms)
if [ -z "$ONLY" ] || [ "$ONLY" = startup ]; then
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 10 --runs 200 --export-json "$tmp/m.json" "$MOONLAB -e ''" >/dev/null 2>&1
		hyperfine -N --warmup 3 --runs 30 --export-json "$tmp/p.json" "$PY -c 'import numpy'" >/dev/null 2>&1
		ms=$($PY -c "import json;print('%.2f'%(json.load(open('$tmp/m.json'))['results'][0]['median']*1e3))")
		ps=$($PY -c "import json;print('%.2f'%(json.load(open('$tmp/p.json'))['results'][0]['median']*1e3))")
		ok=$(awk -v m="$ms" 'BEGIN{print (m <= 10) ? "ok" : "MISS"}')
		printf '%-16s %11s ms %11s ms %8s %8s  %s (target <= 10 ms)\n' startup "$ms" "$ps" "" "" "$ok"
	else
		echo "startup: hyperfine not installed (make bench-deps)"
	fi
fi
