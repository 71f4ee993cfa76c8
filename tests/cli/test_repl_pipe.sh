#!/bin/sh
# The REPL reading a pipe: no prompts, values auto-print, chunks continue
# over lines, errors are reported and the loop goes on, EOF exits 0.
. tests/cli/lib.sh
T=$(printf '\t')
NL='
'

feed '1 + 1\n' "$ML"
eq "expression prints" "2" "$out"
eq "exit 0 at EOF" 0 "$rc"
eq "no prompt noise on stderr" "" "$err"

feed 'x = 5\nx\nx * 2\n' "$ML"
eq "statements print nothing, no prompts" "5${NL}10" "$out"

feed '1, "a", nil, true\n' "$ML"
eq "several values, tab separated" "1${T}a${T}nil${T}true" "$out"

feed 'nil\n' "$ML"
eq "nil prints" "nil" "$out"

feed 'print("hi")\n' "$ML"
eq "call returning nothing prints nothing more" "hi" "$out"

feed 'return 3, 4\n' "$ML"
eq "explicit return prints" "3${T}4" "$out"

feed '=7 * 6\n' "$ML"
eq "=expr form" "42" "$out"

feed 'for i = 1, 3 do\n  io.write(i)\nend\nprint()\n' "$ML"
eq "multi-line for loop" "123" "$out"

feed 'function sq(x)\n  return x * x\nend\nsq(9)\n' "$ML"
eq "multi-line function then call" "81" "$out"

feed 's = [[one\ntwo]]\ns\n' "$ML"
eq "multi-line long string keeps its newline" "one${NL}two" "$out"

feed 'error("oops")\nprint("after")\n' "$ML"
has "error reported" "stdin:1: oops" "$err"
has "error has a traceback" "stack traceback:" "$err"
hasnt "traceback trimmed of the host frame" "[C]: in ?" "$err"
eq "REPL goes on after an error" "after" "$out"
eq "exit 0 after errors" 0 "$rc"

feed 'x = = 1\n"still here"\n' "$ML"
has "syntax error reported" "unexpected symbol near '='" "$err"
eq "REPL goes on after a syntax error" "still here" "$out"

feed 'for i = 1, 2 do\n' "$ML"
has "chunk cut by EOF is a syntax error" "'end' expected near <eof>" "$err"
eq "exit 0 after an incomplete chunk" 0 "$rc"

feed 'setmetatable({}, {__tostring = function() return "custom!" end})\n' "$ML"
eq "values print through __tostring" "custom!" "$out"

feed 'setmetatable({}, {__tostring = function() error("bad tostring") end})\n"next"\n' "$ML"
has "error in __tostring reported" "bad tostring" "$err"
eq "REPL goes on after a printing error" "next" "$out"

feed 't = torch.Tensor(2, 3):fill(1)\nt\ntostring(t)\n' "$ML"
n=$(echo "$out" | wc -l)
half=$((n / 2))
eq "tensor prints through its __tostring" "$(echo "$out" | head -n "$half")" "$(echo "$out" | tail -n "$half")"
has "tensor printed" "Tensor" "$out"

feed 'torch == require "torch"\n' "$ML"
eq "require torch is the global" "true" "$out"

long=$(head -c 100000 /dev/zero | tr '\0' 'a')
feed "x = \"$long\"\n#x\n" "$ML"
eq "100000-character line" "100000" "$out"

printf 'print(1)\0garbage\n\377\376\n"ok"\n' >"$tmp/junk"
STDIN=$tmp/junk run "$ML"
eq "binary junk does not stop the REPL" 0 "$rc"
has "REPL survives junk" "ok" "$out"

feed 'os.exit(4)\n' "$ML"
eq "os.exit in the REPL" 4 "$rc"

finish
