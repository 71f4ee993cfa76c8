#!/bin/sh
# Runs an example or tutorial script; it passes when it exits 0.  A tutorial
# also runs as a notebook (`moonlab notebook check`): its asserts are checks,
# and a notebook must stay a valid script too.
M=${MOONLAB:-./moonlab}
case "$1" in
tutorials/*)
	if "$M" "$1" >/dev/null && "$M" notebook check -q "$1"; then echo "2 passed, 0 failed"; else
		echo "0 passed, 1 failed"; exit 1; fi ;;
*)
	if "$M" "$1" >/dev/null; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi ;;
esac
