#!/bin/sh
# Startup time of `moonlab -e ""`: the median of 21 runs must stay well under
# the 10 ms goal's neighbourhood (25 ms bound, so a busy 2-core machine does
# not fail it; a sanitized binary gets 250 ms).  Also prints the median, with
# python3 -c 'import numpy' beside it when numpy is there.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
bound=25
case "$MOONLAB" in *asan*) bound=250 ;; esac

median() { # median wall time in ms of 21 runs of the command
	"$PY" - "$@" <<'PYEOF'
import subprocess, sys, time
ts = []
for _ in range(21):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    ts.append((time.perf_counter() - t) * 1000)
print("%.2f" % sorted(ts)[len(ts) // 2])
PYEOF
}

m=$(median "$ML" -e "")
echo "moonlab -e '': median $m ms (bound $bound ms)"
if "$PY" -c "import sys; sys.exit(0 if float('$m') <= $bound else 1)"; then ok; else
	bad "startup median $m ms > $bound ms"
fi
if "$PY" -c 'import numpy' 2>/dev/null; then
	echo "python3 -c 'import numpy': median $(median "$PY" -c 'import numpy') ms"
fi
finish
