#!/bin/sh
# tests/bench/bench_data.sh: moonlab.data against pandas and data.table.
#   read_csv: a 100 MB file (1M rows x 10 floats with 6 decimals + a
#     100-level categorical column) into a data frame, against
#     pandas.read_csv (target 4x) and fread on 2 threads (target 1x).
#   group_by mean on 1M rows (target 1x pandas): by the categorical column
#     (pandas with its category dtype, and with the object strings its
#     read_csv gives), and by an integer key with ~3800 groups.
# Each side checks its result first (column sums, group means from pandas).
# The sides run alternately, ROUNDS times; each line shows medians:
#   case  moonlab_time  peer_time  ratio (peer/moonlab)  target  ok|MISS
#   usage: sh tests/bench/bench_data.sh [ROUNDS]   (not run by `make test`)
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${1:-3}
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" -c "import pandas" 2>/dev/null || { echo "bench_data: needs python3-pandas"; exit 1; }
"$PY" "$dir/bench_data.py" make "$tmp" || exit 1
have_r=0
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(data.table)' >/dev/null 2>&1; then have_r=1; fi
mb=$(du -m "$tmp/data.csv" | cut -f1)
echo "cores: $(nproc)   rounds: $ROUNDS (medians)   file: ${mb} MB   load: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
line() { # case moon peer target
	awk -v c="$1" -v m="$2" -v p="$3" -v t="$4" -v mb="$mb" 'BEGIN {
		r = p / m; printf "%-22s %9.3fs %9.3fs %7.2fx %6.1fx  %s\n", c, m, p, r, t, (r >= t ? "ok" : "MISS") }'
}

: >"$tmp/m_read"; : >"$tmp/p_read"; : >"$tmp/r_read"
for c in cat obj int; do : >"$tmp/m_$c"; : >"$tmp/p_$c"; done
i=0
while [ $i -lt "$ROUNDS" ]; do
	"$MOONLAB" "$dir/bench_data.lua" read "$tmp/data.csv" >>"$tmp/m_read" || exit 1
	"$PY" "$dir/bench_data.py" read "$tmp/data.csv" >>"$tmp/p_read" || exit 1
	[ $have_r = 1 ] && { Rscript "$dir/bench_data.R" "$tmp/data.csv" >>"$tmp/r_read" || exit 1; }
	"$MOONLAB" "$dir/bench_data.lua" groupby "$tmp/data.csv" cat 5 >>"$tmp/m_cat" || exit 1
	"$PY" "$dir/bench_data.py" groupby "$tmp/data.csv" cat 5 >>"$tmp/p_cat" || exit 1
	"$PY" "$dir/bench_data.py" groupby "$tmp/data.csv" obj 5 >>"$tmp/p_obj" || exit 1
	"$MOONLAB" "$dir/bench_data.lua" groupby "$tmp/data.csv" int 5 >>"$tmp/m_int" || exit 1
	"$PY" "$dir/bench_data.py" groupby "$tmp/data.csv" int 5 >>"$tmp/p_int" || exit 1
	i=$((i + 1))
done
mr=$(median <"$tmp/m_read")
printf '%-22s %10s %10s %8s %7s\n' case moonlab peer ratio target
line "read_csv vs pandas" "$mr" "$(median <"$tmp/p_read")" 4
if [ $have_r = 1 ]; then line "read_csv vs fread(2t)" "$mr" "$(median <"$tmp/r_read")" 1
else echo "read_csv vs fread(2t)  skipped (no Rscript with data.table)"; fi
mc=$(median <"$tmp/m_cat")
line "group_by mean cat" "$mc" "$(median <"$tmp/p_cat")" 1
line "group_by mean cat/obj" "$mc" "$(median <"$tmp/p_obj")" 1
line "group_by mean int" "$(median <"$tmp/m_int")" "$(median <"$tmp/p_int")" 1
awk -v m="$mr" -v mb="$mb" 'BEGIN { printf "moonlab read_csv: %.0f MB/s\n", mb / m }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
