#!/bin/sh
# What the REPL prints: auto-print and ';' suppression, `_` and `_N`,
# several results side by side, tables (nesting, sorted keys, depth and
# length limits, cycles), tensors fitted to the terminal, short tracebacks
# without the REPL's own frames, code never run twice on an error.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export HOME="$tmp" MOONLAB_HISTORY="" NO_COLOR=1
unset MOONLAB_RC
NL='
'
T=$(printf '\t')

# ---- auto-print, ';', numbered results (on a pipe: no prompts)
feed '1 + 1;\nx = 5;\n"shown"\n' "$ML"
eq "trailing ; suppresses the value" "shown" "$out"
feed '10\n20\n_\n_1 + _2\n' "$ML"
eq "_ is the last result, _N the result of input N" "10${NL}20${NL}20${NL}30" "$out"
feed 'y = 3\n_2\n7;\n_3\n_\n' "$ML"
eq "statements and suppressed values keep no _N" "nil${NL}nil${NL}nil" "$out"
feed 'print("hi")\n_\n' "$ML"
eq "a call with no values sets no _" "hi${NL}nil" "$out"
feed 'f = function() return 1, 2, 3 end\nf()\n_\n' "$ML"
eq "several values side by side; _ is the first" "1${T}2${T}3${NL}1" "$out"

# ---- tables
feed '{3, 2, 1, b = 2, a = {z = 1, y = {}}, [10] = "ten", ["x y"] = true}\n' "$ML"
eq "sorted keys, sequence first, nesting" '{3, 2, 1, [10] = "ten", a = {y = {}, z = 1}, b = 2, ["x y"] = true}' "$out"
feed 't = {name = "t"}\nt.self = t\nt.list = {t}\nt\n' "$ML"
eq "cycles marked" '{list = {<cycle>}, name = "t", self = <cycle>}' "$out"
feed 'shared = {1}\n{a = shared, b = shared}\n' "$ML"
eq "a shared table is not a cycle" '{a = {1}, b = {1}}' "$out"
feed '{a = {b = {c = {d = {e = 1}}}}}\n' "$ML"
eq "depth limit" '{a = {b = {c = {d = {...}}}}}' "$out"
feed 't = {} for i = 1, 60 do t[i] = i end\nt\n' "$ML"
has "length limit" "50, ... (10 more)
}" "$out"
hasnt "length limit: 51 not shown" " 51," "$out"
feed '{s = "tab\\there\\n", [true] = false, [1.5] = 2}\n' "$ML"
eq "strings quoted inside tables, keys of every type" '{[1.5] = 2, s = "tab\there\n", [true] = false}' "$out"
feed '{torch.Tensor(2, 3)}\n' "$ML"
eq "a tensor inside a table is summarized" '{[torch.DoubleTensor of size 2x3]}' "$out"
feed 'w = {} for i = 1, 8 do w["key" .. i] = "xxxxxxxxxxxx" end\nw\n' "$ML"
eq "wide tables wrap at 80 columns" '{
  key1 = "xxxxxxxxxxxx", key2 = "xxxxxxxxxxxx", key3 = "xxxxxxxxxxxx",
  key4 = "xxxxxxxxxxxx", key5 = "xxxxxxxxxxxx", key6 = "xxxxxxxxxxxx",
  key7 = "xxxxxxxxxxxx", key8 = "xxxxxxxxxxxx"
}' "$out"
feed 'setmetatable({}, {__tostring = function() return "custom!" end})\n' "$ML"
eq "__tostring wins" "custom!" "$out"

# ---- tensors side by side
feed 'torch.Tensor{1, 2}, torch.Tensor{3, 4}\n' "$ML"
eq "multi-line values side by side" " 1                                3
 2                                4
[torch.DoubleTensor of size 2]   [torch.DoubleTensor of size 2]" "$out"

# ---- errors: short traceback, REPL frames hidden, code run once
feed 'count = 0\nfunction bump() count = count + 1; error("bump failed") end\nbump()\ncount\n' "$ML"
has "error message" "stdin:1: bump failed" "$err"
eq "code that errors runs once" "1" "$out"
feed 'function deep(n) if n == 0 then error("bottom") end return 1 + deep(n - 1) end\ndeep(40)\n' "$ML"
has "deep error" "stdin:1: bottom" "$err"
has "long traceback shortened" "... (" "$err"
n=$(echo "$err" | grep -c "^	")
if [ "$n" -le 11 ]; then ok; else bad "traceback has $n frame lines (at most 11)"; fi
feed ':time error("in time")\n' "$ML"
has "error inside a command" "in time" "$err"
hasnt "REPL frames hidden" "repl.lua" "$err"

# ---- tensors fitted to the terminal (pseudo-terminal of 40 x 20)
cat >"$tmp/tensors" <<'STEPS'
wait [1]> 
send torch.range(1, 100)\n
wait [2]> 
send torch.range(1, 2500):view(50, 50)\n
wait [3]> 
send torch.range(1, 8):view(2, 4)\n
wait [4]> 
send torch.setprintoptions{threshold = 10000}\n
wait [5]> 
send torch.range(1, 30)\n
wait [6]> 
eof
STEPS
out=$(PTY_COLS=40 PTY_ROWS=20 "$PY" tests/cli/pty_drive.py "$tmp/tensors" "$ML" -q | tr -d '\r')
has "a long vector is summarized to the terminal's height" "   3
...
  98" "$out"
has "a big matrix fits the terminal's width" "    1     2     3 ...    48    49    50" "$out"
has "a small matrix prints whole" " 1  2  3  4
 5  6  7  8" "$out"
wide=$(echo "$out" | awk 'length($0) > 40' | grep -v '\[' | head -n 1)
eq "no line wider than the terminal" "" "$wide"
has "print options set by the user are respected" " 15
 16
 17" "$out"

finish
