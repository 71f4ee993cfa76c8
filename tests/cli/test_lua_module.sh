#!/bin/sh
# moonlab.so in the stock lua5.4: require "moonlab" finds the stdlib next to
# the library and sets the global torch.  Skipped when MOONLAB_SO is empty
# (the sanitizer run: a sanitized .so cannot load into an unsanitized lua).
. tests/cli/lib.sh
T=$(printf '\t')

if [ -z "$MOONLAB_SO" ]; then
	echo "MOONLAB_SO is empty: stock-lua check skipped"
	finish
	exit
fi
SO=$(cd "$(dirname "$MOONLAB_SO")" && pwd)/$(basename "$MOONLAB_SO")
SODIR=$(dirname "$SO")
LUA=$(command -v lua5.4)
if [ -z "$LUA" ]; then
	bad "lua5.4 is not installed (make deps installs it)"
	finish
	exit
fi

# The documented use: LUA_CPATH=./?.so from the folder holding moonlab.so.
(cd "$SODIR" && LUA_CPATH='./?.so' "$LUA" -e '
	local m = require "moonlab"
	print(type(m), type(torch), require("torch") == torch, m.torch == torch)' \
	>"$tmp/o1" 2>&1)
eq "require moonlab gives torch" "table${T}table${T}true${T}true" "$(cat "$tmp/o1")"

(cd "$SODIR" && LUA_CPATH='./?.so' "$LUA" -e '
	require "moonlab"
	local t = torch.Tensor(2, 3):fill(2)
	print(t:nElement(), t[2][3])' >"$tmp/o2" 2>&1)
eq "tensors work in stock lua" "6${T}2.0" "$(cat "$tmp/o2")"

# From another folder with an absolute cpath.
(cd "$tmp" && LUA_CPATH="$SODIR/?.so" "$LUA" -e 'require "moonlab"; print(torch.Tensor(4):nElement())' \
	>"$tmp/o3" 2>&1)
eq "from another folder" "4" "$(cat "$tmp/o3")"

# require "torch" first also works: the C part comes from moonlab.so's
# luaopen_moonlab_core through Lua's all-in-one loader.
(cd "$SODIR" && LUA_CPATH='./?.so' LUA_PATH="$SODIR/stdlib/?.lua;$SODIR/stdlib/?/init.lua" "$LUA" -e \
	'local t = require "torch"; print(type(t.Tensor))' >"$tmp/o4" 2>&1)
eq "require torch straight from stock lua" "table" "$(cat "$tmp/o4")"

# A lone moonlab.so says where it looked; MOONLAB_STDLIB rescues it.
mkdir -p "$tmp/lone"
cp "$SO" "$tmp/lone/moonlab.so"
(cd "$tmp/lone" && env -u MOONLAB_STDLIB LUA_CPATH='./?.so' "$LUA" -e 'require "moonlab"' >"$tmp/o5" 2>&1)
has "lone moonlab.so error" "cannot find the stdlib" "$(cat "$tmp/o5")"
(cd "$tmp/lone" && MOONLAB_STDLIB="$ROOT/stdlib" LUA_CPATH='./?.so' "$LUA" -e \
	'require "moonlab"; print(type(torch))' >"$tmp/o6" 2>&1)
eq "MOONLAB_STDLIB for moonlab.so" "table" "$(cat "$tmp/o6")"

finish
