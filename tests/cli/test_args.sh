#!/bin/sh
# The command line: script arguments and `arg`, -e -l -i -v -h -E -W - --,
# exit codes and messages on errors, shebang scripts, finding the stdlib.
. tests/cli/lib.sh
T=$(printf '\t')

cat >"$tmp/args.lua" <<'LUA'
local t = {}
for i = -3, #arg do t[#t + 1] = i .. "=" .. tostring(arg[i]) end
print(table.concat(t, " "))
print(select("#", ...), ...)
LUA

# ---- arg and ... ----
run "$ML" "$tmp/args.lua" a "b c"
eq "script arg table" "-3=nil -2=nil -1=$ML 0=$tmp/args.lua 1=a 2=b c" "$(echo "$out" | head -n 1)"
eq "script varargs" "2${T}a${T}b c" "$(echo "$out" | sed -n 2p)"
eq "script exit 0" 0 "$rc"

run "$ML" -e "x=1" "$tmp/args.lua" p
eq "options get negative indices" "-3=$ML -2=-e -1=x=1 0=$tmp/args.lua 1=p" "$(echo "$out" | head -n 1)"

run "$ML" -- "$tmp/args.lua" -e
eq "-- ends options" "-3=nil -2=$ML -1=-- 0=$tmp/args.lua 1=-e" "$(echo "$out" | head -n 1)"
eq "-- script gets option-like args" "1${T}-e" "$(echo "$out" | sed -n 2p)"

run "$ML" "$tmp/args.lua"
eq "no script args" "0" "$(echo "$out" | sed -n 2p)"

STDIN=$tmp/args.lua run "$ML" - q
eq "- reads the script from stdin" "-3=nil -2=nil -1=$ML 0=- 1=q" "$(echo "$out" | head -n 1)"
eq "- passes varargs" "1${T}q" "$(echo "$out" | sed -n 2p)"

run "$ML" -e 'print(arg[0], arg[1], arg[2], #arg)'
eq "no script: arg[0] is the program" "$ML$T-e${T}print(arg[0], arg[1], arg[2], #arg)${T}2" "$out"

# ---- -e ----
run "$ML" -e "io.write(1)" -e "io.write(2)" -e "print(3)"
eq "-e repeats in order" "123" "$out"
run "$ML" "-eprint(40 + 2)"
eq "-e attached" "42" "$out"
feed 'print("from stdin")\n' "$ML" -e 'print(1)'
eq "-e alone does not read stdin" "1" "$out"
run "$ML" -e 'error("boom")'
eq "-e error exits 1" 1 "$rc"
has "-e error message" "moonlab: (command line):1: boom" "$err"
has "-e error traceback" "stack traceback:" "$err"
run "$ML" -e 'print(1)' -e 'error("stop")' -e 'print(2)'
eq "-e stops at the first error" "1" "$out"
run "$ML" -e
eq "-e without code exits 1" 1 "$rc"
has "-e without code says so" "missing argument after '-e'" "$err"

# ---- -l ----
mkdir -p "$tmp/mods"
echo 'return { name = "mymod" }' >"$tmp/mods/mymod.lua"
echo 'return { name = "v2" }' >"$tmp/mods/mymod-v2.lua"
LUA_PATH="$tmp/mods/?.lua;;" run "$ML" -l mymod -e 'print(mymod.name)'
eq "-l sets the global" "mymod" "$out"
LUA_PATH="$tmp/mods/?.lua;;" run "$ML" -l m=mymod -e 'print(m.name, mymod)'
eq "-l g=mod" "mymod${T}nil" "$out"
LUA_PATH="$tmp/mods/?.lua;;" run "$ML" -l mymod-v2 -e 'print(mymod.name)'
eq "-l drops a -suffix from the global" "v2" "$out"
LUA_PATH="$tmp/mods/?.lua;;" run "$ML" -lmymod -e 'print(mymod.name)'
eq "-l attached" "mymod" "$out"
run "$ML" -l nosuchmodule -e 'print("ran")'
eq "-l missing module exits 1" 1 "$rc"
has "-l missing module message" "module 'nosuchmodule' not found" "$err"
hasnt "-l failure stops" "ran" "$out"
run "$ML" -l torch -e 'print(torch == require "torch")'
eq "-l torch" "true" "$out"

# ---- -i (REPL after the script; here on a pipe) ----
feed 'x\n' "$ML" -e 'x = 42' -i
eq "-i after -e" "42" "$out"
echo 'y = "from script"' >"$tmp/sety.lua"
feed 'y\n' "$ML" -i "$tmp/sety.lua"
eq "-i after a script" "from script" "$out"

# ---- -v -h and bad options ----
feed 'print(99)\n' "$ML" -v
eq "-v exits 0" 0 "$rc"
lua_release=$(echo "$out" | sed -n 's/^Moonlab [0-9.]* (\(Lua 5\.4\.[0-9]*\), OpenBLAS [0-9][0-9.]*.*)$/\1/p')
has "-v version line" "Lua 5.4." "$lua_release"
hasnt "-v alone does not start the REPL" "99" "$out"
run "$ML" -h
eq "-h exits 0" 0 "$rc"
has "-h usage" "usage: moonlab [options] [script [args]]" "$out"
has "-h lists -l g=mod" "-l g=mod" "$out"
run "$ML" -x
eq "unknown option exits 1" 1 "$rc"
has "unknown option message" "unrecognized option '-x'" "$err"
has "unknown option usage" "usage:" "$err"
run "$ML" -ix
eq "option with trailing junk exits 1" 1 "$rc"

# ---- errors and exit codes ----
printf 'local function f()\n  error("boom")\nend\nf()\n' >"$tmp/err.lua"
run "$ML" "$tmp/err.lua"
eq "runtime error exits 1" 1 "$rc"
has "runtime error message" "moonlab: $tmp/err.lua:2: boom" "$err"
has "runtime error traceback" "$tmp/err.lua:4: in main chunk" "$err"
printf 'x = = 1\n' >"$tmp/syn.lua"
run "$ML" "$tmp/syn.lua"
eq "syntax error exits 1" 1 "$rc"
has "syntax error message" "moonlab: $tmp/syn.lua:1: unexpected symbol near '='" "$err"
run "$ML" "$tmp/nosuchfile.lua"
eq "missing script exits 1" 1 "$rc"
has "missing script message" "cannot open $tmp/nosuchfile.lua" "$err"
run "$ML" -e 'error(setmetatable({}, {__tostring = function() return "custom object" end}))'
has "error object with __tostring" "moonlab: custom object" "$err"
run "$ML" -e 'error({})'
has "error object without __tostring" "(error object is a table value)" "$err"
run "$ML" -e 'io.write("partial"); os.exit(3)'
eq "os.exit(3)" 3 "$rc"
eq "os.exit keeps output" "partial" "$out"
run "$ML" -e 'os.exit(false)'
eq "os.exit(false)" 1 "$rc"
run "$ML" -e 'os.exit(true, true)'
eq "os.exit(true, true)" 0 "$rc"

# ---- -W and -E ----
run "$ML" -W -e 'warn("careful")'
has "-W turns warnings on" "Lua warning: careful" "$err"
run "$ML" -e 'warn("careful")'
eq "warnings are off by default" "" "$err"
LUA_PATH="$tmp/mods/?.lua;;" run "$ML" -E -e 'print(pcall(require, "mymod"))'
has "-E ignores LUA_PATH" "false" "$out"

# ---- shebang ----
printf '#!/usr/bin/env moonlab\nprint("shebang", ...)\n' >"$tmp/sb.lua"
chmod +x "$tmp/sb.lua"
PATH="$(dirname "$ML"):$PATH" run "$tmp/sb.lua" x y
eq "shebang script" "shebang${T}x${T}y" "$out"
eq "shebang script exits 0" 0 "$rc"

# ---- torch and the stdlib ----
run "$ML" -e 'print(type(torch), require("torch") == torch, require("moonlab").torch == torch)'
eq "global torch is require 'torch'" "table${T}true${T}true" "$out"
run "$ML" -e 'print(package.searchpath("torch", package.path))'
eq "stdlib of the tree first on package.path" "$ROOT/stdlib/torch/init.lua" "$(realpath "$out")"
(cd "$tmp" && run "$ML" -e 'print(torch.Tensor(2, 3):nElement())' && echo "$out" >"$tmp/otherdir")
eq "runs from another directory" "6" "$(cat "$tmp/otherdir")"
mkdir -p "$tmp/std"
cp -R "$ROOT/stdlib/." "$tmp/std/"
echo 'return "marker module"' >"$tmp/std/marker.lua"
MOONLAB_STDLIB=$tmp/std run "$ML" -e 'print((require "marker"))'
eq "MOONLAB_STDLIB overrides" "marker module" "$out"
MOONLAB_STDLIB=$tmp/std run "$ML" -E -e 'print((pcall(require, "marker")))'
eq "-E ignores MOONLAB_STDLIB" "false" "$out"
MOONLAB_STDLIB=$tmp/nowhere run "$ML" -e 'print(1)'
eq "bad MOONLAB_STDLIB exits 1" 1 "$rc"
has "bad MOONLAB_STDLIB message" "MOONLAB_STDLIB=$tmp/nowhere is not a folder" "$err"
mkdir -p "$tmp/lonely"
cp "$ML" "$tmp/lonely/moonlab"
run "$tmp/lonely/moonlab" -e 'print(1)'
eq "no stdlib exits 1" 1 "$rc"
has "no stdlib message" "cannot find the stdlib" "$err"

# ---- OpenMP's wait policy (vm/main.c, omp_policy) ----
# passive unless the caller chose; libgomp reports what it read, and the
# script (and what it starts) still sees the environment it was given
env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT OMP_DISPLAY_ENV=true "$ML" -e 'print(os.getenv("OMP_WAIT_POLICY")); os.execute("echo child=$OMP_WAIT_POLICY.")' >"$tmp/omp.out" 2>"$tmp/omp.err"
has "wait policy passive by default" "OMP_WAIT_POLICY = 'PASSIVE'" "$(cat "$tmp/omp.err")"
eq "wait policy hidden from the script" "nil" "$(sed -n 1p "$tmp/omp.out")"
eq "wait policy hidden from children" "child=." "$(sed -n 2p "$tmp/omp.out")"
env OMP_WAIT_POLICY=active OMP_DISPLAY_ENV=true "$ML" -e 'print(os.getenv("OMP_WAIT_POLICY"))' >"$tmp/omp.out" 2>"$tmp/omp.err"
has "a chosen wait policy is kept" "OMP_WAIT_POLICY = 'ACTIVE'" "$(cat "$tmp/omp.err")"
eq "a chosen wait policy is visible" "active" "$(cat "$tmp/omp.out")"
env -u OMP_WAIT_POLICY GOMP_SPINCOUNT=123 "$ML" -e 'print(os.getenv("OMP_WAIT_POLICY"), os.getenv("GOMP_SPINCOUNT"))' >"$tmp/omp.out" 2>&1
eq "GOMP_SPINCOUNT counts as a choice" "nil${T}123" "$(cat "$tmp/omp.out")"

finish
