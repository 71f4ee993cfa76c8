#!/bin/sh
# tests/run.sh - runs every test and prints "N passed, N failed" last.
#
# Each test program prints its own "N passed, N failed" line; this script adds
# them up.  A program that crashes or prints no such line counts as one failure.
# Environment: MOONLAB (the binary), MOONLAB_SO (the Lua module, may be empty to
# skip the stock-lua check), BUILD (the build folder holding C test binaries).
MOONLAB=${MOONLAB:-./moonlab}
BUILD=${BUILD:-build}
export MOONLAB MOONLAB_SO BUILD
total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() { # name, command...
	name=$1; shift
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		total_fail=$((total_fail + 1))
		echo "FAIL $name (exit $rc, no summary line)"
		tail -n 20 "$log" | sed 's/^/    /'
		return
	fi
	p=$(echo "$line" | sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -n -E 's/.* ([0-9]+) skipped.*/\1/p')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$f" -eq 0 ]; then
		echo "ok   $name ($p${s:+, $s skipped})"
	else
		echo "FAIL $name ($p passed, $f failed)"
		grep -v -E '^[0-9]+ passed' "$log" | tail -n 40 | sed 's/^/    /'
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "kernels/$(basename "$t")" "$t"
done
for t in tests/lua/test_*.lua; do
	[ -f "$t" ] || continue
	run_one "lua/$(basename "$t")" "$MOONLAB" "$t"
done
for t in tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	run_one "cli/$(basename "$t")" sh "$t"
done
for t in examples/*.lua tutorials/*.lua; do
	[ -f "$t" ] || continue
	run_one "$t" sh tests/run_script.sh "$t"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
