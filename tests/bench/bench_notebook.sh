#!/bin/sh
# tests/bench/bench_notebook.sh: issue 9's two figures, the median of RUNS
# (default 7) wall times each: running tutorial 1 end to end to HTML
# (target <= 1 s), and a cached re-run of an unchanged 10-cell notebook
# (target <= 100 ms; the cache is filled by one run first).  No peer: Jupyter
# is not in Debian's main archive here.
MOONLAB=${MOONLAB:-./moonlab}
PY=${PYTHON:-/usr/bin/python3}
RUNS=${1:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf -- '-- %%%% Cell %d\n' "$i"
		printf 'torch.manualSeed(%d)\nx%d = torch.randn(200, 50)\ns%d = x%d:t() * x%d\nprint(s%d:trace())\n\n' \
			"$i" "$i" "$i" "$i" "$i" "$i"
	done
} >"$tmp/ten.lua"
"$MOONLAB" notebook run -q "$tmp/ten.lua" -o "$tmp/ten.html" --cache || exit 1

median() { # median wall seconds of RUNS runs of the command
	"$PY" - "$RUNS" "$@" <<'PYEOF'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
ts = []
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ts.append(time.perf_counter() - t)
    if r.returncode != 0:
        sys.exit("failed: " + " ".join(cmd) + "\n" + r.stderr.decode())
print("%.4f" % sorted(ts)[len(ts) // 2])
PYEOF
}
t1=$(median "$MOONLAB" notebook run -q tutorials/01-tensors.lua -o "$tmp/t1.html") || exit 1
t2=$(median "$MOONLAB" notebook run -q "$tmp/ten.lua" -o "$tmp/ten.html" --cache) || exit 1
grep -q "10 from the cache" "$tmp/ten.html" || { echo "bench_notebook: the re-run was not served by the cache"; exit 1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)   runs: $RUNS (median)"
awk -v a="$t1" -v b="$t2" 'BEGIN {
	printf "%-28s %9.1f ms   target <= 1000 ms  %s\n", "tutorial 1 to HTML", a * 1000, (a <= 1 ? "ok" : "MISS")
	printf "%-28s %9.1f ms   target <=  100 ms  %s\n", "cached 10-cell re-run", b * 1000, (b <= 0.1 ? "ok" : "MISS") }'
