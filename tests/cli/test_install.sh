#!/bin/sh
# make install PREFIX=<tmp> (reusing the objects of the normal build in
# build/), then the installed moonlab and moonlab.so run from elsewhere.
. tests/cli/lib.sh
T=$(printf '\t')
P=$tmp/prefix

# A fresh make: the test may itself run under make (make test), whose
# jobserver and variables must not leak in; BUILD=build is the normal build.
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory install PREFIX="$P" BUILD=build \
	>"$tmp/make.log" 2>&1
rc=$?
eq "make install exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -n 20 "$tmp/make.log"
for f in bin/moonlab lib/lua/5.4/moonlab.so share/moonlab/stdlib/torch/init.lua \
	share/moonlab/stdlib/moonlab/init.lua; do
	if [ -f "$P/$f" ]; then ok; else bad "installed $f"; fi
done

cd /
run "$P/bin/moonlab" -e 'print(torch.Tensor(2, 3):nElement(), require("torch") == torch)'
eq "installed moonlab runs from /" "6${T}true" "$out"
run "$P/bin/moonlab" -e 'print(package.searchpath("torch", package.path))'
eq "installed moonlab uses the installed stdlib" "$P/share/moonlab/stdlib/torch/init.lua" \
	"$(realpath "$out")"
mkdir -p "$tmp/links"
ln -s "$P/bin/moonlab" "$tmp/links/moonlab"
run "$tmp/links/moonlab" -e 'print(torch ~= nil)'
eq "a symlink to the installed moonlab" "true" "$out"
HOME=$tmp MOONLAB_STATE_DIR=$tmp/state run "$P/bin/moonlab" tutorial
has "installed tutorials are listed" " 1 tensors" "$out"
run "$P/bin/moonlab" -e 'print(require("moonlab.datasets").load("iris").X:size(1))'
eq "installed datasets load" "150" "$out"
run "$P/bin/moonlab" notebook check -q "$P/share/moonlab/tutorials/01-tensors.lua"
eq "an installed tutorial runs as a notebook" 0 "$rc"
printf '1 + 2\n' >"$tmp/in"
STDIN=$tmp/in run "$P/bin/moonlab"
eq "installed REPL" "3" "$out"

if command -v lua5.4 >/dev/null; then
	LUA_CPATH="$P/lib/lua/5.4/?.so" run lua5.4 -e 'require "moonlab"; print(torch.Tensor(5):nElement())'
	eq "installed moonlab.so in stock lua" "5" "$out"
else
	bad "lua5.4 is not installed (make deps installs it)"
fi

cd "$ROOT"
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory uninstall PREFIX="$P" >/dev/null 2>&1
if [ ! -e "$P/bin/moonlab" ] && [ ! -e "$P/share/moonlab" ]; then ok; else bad "make uninstall"; fi

finish
