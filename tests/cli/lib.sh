# tests/cli/lib.sh - helpers sourced by tests/cli/test_*.sh (not a test itself).
#
# Each assertion counts once; `finish` prints "N passed, N failed" last and
# exits non-zero on failure.  MOONLAB (the binary, maybe relative to the
# worktree root) comes from tests/run.sh; ML is its absolute path.
MOONLAB=${MOONLAB:-./moonlab}
# tests that want MOONLAB_STDLIB set it themselves (make asan exports it)
unset MOONLAB_STDLIB
ML=$(cd "$(dirname "$MOONLAB")" && pwd)/$(basename "$MOONLAB")
ROOT=$(pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# eq NAME EXPECTED ACTUAL
eq() {
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected [$2] got [$3]"; fi
}
# has NAME NEEDLE HAYSTACK
has() {
	case "$3" in *"$2"*) ok ;; *) bad "$1: [$2] not in [$3]" ;; esac
}
# hasnt NAME NEEDLE HAYSTACK
hasnt() {
	case "$3" in *"$2"*) bad "$1: [$2] unexpectedly in [$3]" ;; *) ok ;; esac
}

# run CMD...: runs it with stdin from /dev/null; sets $out, $err, $rc.
run() {
	"$@" <"${STDIN:-/dev/null}" >"$tmp/.out" 2>"$tmp/.err"
	rc=$?
	out=$(cat "$tmp/.out")
	err=$(cat "$tmp/.err")
}
# feed TEXT CMD...: like run, with TEXT (printf format) on stdin.
feed() {
	text=$1
	shift
	printf "$text" >"$tmp/.in"
	STDIN=$tmp/.in run "$@"
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
