#!/bin/sh
# Runs an example or tutorial script; it passes when it exits 0.
if "${MOONLAB:-./moonlab}" "$1" >/dev/null; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
