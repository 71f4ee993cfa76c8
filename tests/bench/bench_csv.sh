#!/bin/sh
# tests/bench/bench_csv.sh: times reading a 1,000,000-row x 10-column numeric
# CSV with moonlab (1 and 2 threads) against pandas.read_csv (Debian
# python3-pandas) and, when installed, R data.table's fread (2 threads).
# Two files: "mixed" (6 floats with 6 decimals, 4 integers, ~90 MB) and
# "full" (10 floats written by pandas at full precision, ~196 MB).
# Each side checks its result (shape, column sums) before timing; prints the
# median of RUNS runs (default 5) and the ratios pandas/moonlab and
# fread/moonlab (> 1: moonlab is faster).  Not run by `make test`.
#   usage: sh tests/bench/bench_csv.sh [RUNS]
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-5}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import pandas" 2>/dev/null || { echo "bench_csv: needs python3-pandas (apt-get install python3-pandas)"; exit 1; }
"$PY" "$dir/bench_csv.py" make "$tmp" || exit 1
echo "cores: $(nproc)   runs: $RUNS (median)   load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %10s %10s %9s %9s\n' file moon_1t moon_2t pandas fread pd/moon fr/moon
for f in mixed full; do
	m1=$("$MOONLAB" "$dir/bench_csv.lua" "$tmp/$f.csv" "$tmp/$f.sums" 1 "$RUNS") || exit 1
	m2=$("$MOONLAB" "$dir/bench_csv.lua" "$tmp/$f.csv" "$tmp/$f.sums" 2 "$RUNS") || exit 1
	pd=$("$PY" "$dir/bench_csv.py" time "$tmp/$f.csv" "$RUNS") || exit 1
	fr=-
	if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
		fr=$(Rscript "$dir/bench_csv.R" "$tmp/$f.csv" "$RUNS")
	fi
	awk -v f="$f" -v m1="$m1" -v m2="$m2" -v pd="$pd" -v fr="$fr" 'BEGIN {
		printf "%-6s %9.3fs %9.3fs %9.3fs %10s %8.2fx %9s\n", f, m1, m2, pd,
			(fr == "-" ? "-" : sprintf("%9.3fs", fr)), pd / m2,
			(fr == "-" ? "-" : sprintf("%8.2fx", fr / m2)) }'
done
