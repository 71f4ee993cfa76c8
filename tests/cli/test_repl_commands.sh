#!/bin/sh
# The REPL's commands (:time :timeit :who :run :save :reset :help :quit,
# $ shell) and help (?name, name?, help(obj), apropos), on a pipe and on a
# terminal.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export HOME="$tmp" MOONLAB_HISTORY="" NO_COLOR=1
unset MOONLAB_RC
NL='
'

# ---- :time and :timeit
feed ':time 6 * 7\n' "$ML"
has ":time shows the value" "42" "$out"
has ":time shows wall and cpu time" "wall " "$out"
has ":time cpu" ", cpu " "$out"
feed ':time for i = 1, 10 do end\n' "$ML"
has ":time of statements" "wall " "$out"
feed ':timeit math.sqrt(2)\n' "$ML"
has ":timeit median" "median " "$out"
has ":timeit spread" "spread " "$out"
# about 0.2 s of runs, and a 2 ms sleep-like loop reported near 2 ms: the lower quartile,
# since other programs loading the machine stretch some runs by scheduler slices
cat >"$tmp/slow.lua" <<'LUA'
function spin(s) local t = torch.Timer() while t:time().real < s do end end
LUA
start=$("$PY" -c 'import time; print(time.time())')
feed 'dofile("'"$tmp"'/slow.lua")\n:timeit spin(0.002)\n' "$ML"
took=$("$PY" -c "import time; print(time.time() - $start)")
med=$(echo "$out" | sed -n 's/^median \([0-9.]*\) ms per run.*/\1/p')
q1=$(echo "$out" | sed -n 's/^median .*spread \([0-9.]*\) ms \.\..*/\1/p')
load=$(cut -d' ' -f1 /proc/loadavg)
if "$PY" -c "import os, sys; sys.exit(0 if $load > os.cpu_count() else 1)"; then
	echo "note: machine loaded ($load), the 2 ms timing check is not counted"
elif "$PY" -c "import sys; m, q = float('${med:-0}'), float('${q1:-0}'); sys.exit(0 if 1.9 <= q <= 2.6 and q <= m else 1)"; then ok; else
	bad ":timeit of a 2 ms spin reports a median of ${med:-nothing} ms, lower quartile ${q1:-nothing} ms ($out)"
fi
if "$PY" -c "import sys; sys.exit(0 if 0.2 <= $took < 2 else 1)"; then ok; else
	bad ":timeit ran for $took s (about 0.2 s expected)"
fi
feed ':timeit error("nope")\n"next"\n' "$ML"
has ":timeit reports an error" "nope" "$err"
eq ":timeit error: the REPL goes on" "next" "$out"
feed ':timeit\n' "$ML"
has ":timeit without code" ":timeit needs code" "$err"

# ---- :who
feed 'x = torch.Tensor(3, 4)\nname = "abc"\nn = 3\nf = function() end\ncfg = {a = 1, b = 2}\n:who\n' "$ML"
has ":who header" "name  type      shape      dtype   bytes" "$out"
has ":who tensor" "x     tensor    3x4        Double  96 B" "$out"
has ":who string" "name  string    #3         -       3 B" "$out"
has ":who table" "cfg   table     2 entries  -       -" "$out"
has ":who number" "n     integer" "$out"
hasnt ":who hides the builtins" "torch" "$out"
hasnt ":who hides print" "print" "$out"
feed ':who\n' "$ML"
eq ":who with no globals" "no globals of yours yet" "$out"

# ---- :run
printf 'ran_value = (ran_value or 0) + 10\nprint("args", ...)\n' >"$tmp/script.lua"
feed "ran_value = 1\n:run $tmp/script.lua a b\nran_value\n" "$ML"
eq ":run runs in the session, with arguments" "args	a	b${NL}11" "$out"
feed ":run $tmp/none.lua\n\"after\"\n" "$ML"
has ":run of a missing file" "none.lua" "$err"
eq ":run error: the REPL goes on" "after" "$out"

# ---- :save: the inputs that ran, as a percent-format notebook that runs
feed "a = 2\nb = a * 21\nerror('not saved')\nb\nfor i = 1, 2 do\n  io.write(i)\nend\nprint()\nb + 1;\nio.write('q');\n:save $tmp/session\n" "$ML"
has ":save says where" "saved 7 inputs to $tmp/session.lua" "$out"
nb=$(cat "$tmp/session.lua")
has "notebook header" "-- %% [markdown]" "$nb"
has "a cell per input" "-- %%
a = 2

-- %%
b = a * 21" "$nb"
has "multi-line input kept whole" "-- %%
for i = 1, 2 do
  io.write(i)
end" "$nb"
hasnt "failed inputs left out" "not saved" "$nb"
has "an expression prints its values" "print(b)" "$nb"
has "a quiet expression that is not a statement" "local _ = b + 1" "$nb"
has "a quiet call stays a call" "io.write('q')" "$nb"
run "$ML" "$tmp/session.lua"
eq "the saved notebook runs as a script" "42${NL}12${NL}q" "$out"
run "$ML" notebook run "$tmp/session.lua" -o "$tmp/session.md" -q
eq "and as a notebook" 0 "$rc"
has "its cells' output in the page" "42" "$(cat "$tmp/session.md")"
[ ! -e "$tmp/session.lua.tmp" ] && ok || bad ":save leaves no temporary file"

# ---- :reset
feed 'x = 1\ny = {}\n10\n:reset\nx\n_\n_3\ntorch ~= nil\n' "$ML"
eq ":reset removes user globals and results, keeps torch" "10${NL}removed 3 globals${NL}nil${NL}nil${NL}nil${NL}true" "$out"

# ---- :help, :quit, unknown, $
feed ':help\n' "$ML"
has ":help lists :timeit" ":timeit EXPR" "$out"
has ":help lists :save" ":save FILE.lua" "$out"
feed ':quit\n"not reached"\n' "$ML"
eq ":quit leaves" "" "$out"
eq ":quit exits 0" 0 "$rc"
feed ':frobnicate\n"on"\n' "$ML"
has "unknown command" "unknown command :frobnicate" "$err"
eq "unknown command: the REPL goes on" "on" "$out"
feed '$ echo from-shell\n"back"\n' "$ML"
eq "$ runs a shell command" "from-shell${NL}back" "$out"
feed '$ exit 3\n' "$ML"
has "$ reports a failed command" "exit 3" "$err"
feed '::lbl:: x = 1\nx\n' "$ML"
eq "a goto label is Lua, not a command" "1" "$out"

# ---- help
feed '?torch.mm\n' "$ML"
has "?name shows the signature" "torch.mm([res,] a, b)" "$out"
has "?name shows an example" "Example" "$out"
feed 'torch.mm?\n' "$ML"
has "name? works too" "torch.mm([res,] a, b)" "$out"
feed 'help(torch.mm)\n' "$ML"
has "help(f) of a C function" "torch.mm([res,] a, b)" "$out"
feed 'x = torch.Tensor(2)\nhelp(x.narrow)\n?x:narrow\n' "$ML"
n=$(echo "$out" | grep -c 'narrow(dim, index, size)')
eq "help of a tensor method, by value and by name" 2 "$n"
feed 'help(torch.save)\n' "$ML"
has "help of a Lua function of torch" "torch.save(filename, object" "$out"
feed 'help(torch)\n' "$ML"
has "module help lists its functions" "torch.mm" "$out"
has "module help gives summaries" "torch.zeros" "$out"
feed 'help(torch.Tensor)\n' "$ML"
has "class help lists methods" "Tensor:narrow" "$out"
feed 'help("nothing_here")\n' "$ML"
has "unknown name" "no help for 'nothing_here'" "$out"
feed 'help(print)\n' "$ML"
has "Lua's own functions point to the manual" "manual.html#pdf-print" "$out"
feed 'help(string.format)\n' "$ML"
has "Lua library functions point to the manual" "manual.html#pdf-string.format" "$out"
feed '?\n' "$ML"
has "? alone: an overview" "apropos" "$out"
feed 'apropos("cholesky")\n' "$ML"
has "apropos finds names" "torch.potrf" "$out"
has "apropos finds names (2)" "torch.cholesky" "$out"
feed 'apropos("qwertyzzz")\n' "$ML"
has "apropos with no match" "nothing mentions" "$out"

finish
