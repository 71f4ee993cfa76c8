#!/bin/sh
# The REPL on a terminal (a pseudo-terminal driven by tests/cli/pty_drive.py):
# banner and numbered prompts, -q, line editing, multi-line input, Ctrl-C at
# the prompt and while Lua code or a long kernel runs, Ctrl-D, -i, the rc
# file, colours and NO_COLOR.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export HOME="$tmp" MOONLAB_HISTORY="$tmp/hist" NO_COLOR=1
unset MOONLAB_RC

# drive NAME [ARGS...]: runs the REPL on the steps in $tmp/NAME; output in $out
drive() {
	name=$1
	shift
	out=$("$PY" tests/cli/pty_drive.py "$tmp/$name" "$ML" "$@" | tr -d '\r')
}
last() { echo "$out" | tail -n 1; }

cat >"$tmp/basic" <<'STEPS'
wait [1]> 
send 40 + 2\n
wait 42\n[2]> 
send for i = 1, 2 do\n
wait ...> 
send io.write(i * 10) end print()\n
wait 1020\n[3]> 
send error("pty oops")\n
wait pty oops
wait [4]> 
send "still alive"\n
wait still alive\n[5]> 
eof
STEPS
drive basic
has "banner" "Moonlab 0.1.0 (Lua 5.4." "$out"
has "banner hint" "?name" "$out"
has "numbered prompt and result" "[1]> 40 + 2
42
[2]> " "$out"
has "continuation prompt" "...> io.write(i * 10) end print()
1020" "$out"
has "error reported" "stdin:1: pty oops" "$out"
has "goes on after an error" "still alive" "$out"
eq "Ctrl-D exits 0" "exit 0" "$(last)"

# -q: no banner
cat >"$tmp/quiet" <<'STEPS'
wait [1]> 
send 1\n
wait [2]> 
eof
STEPS
drive quiet -q
hasnt "-q suppresses the banner" "Moonlab 0.1" "$out"
hasnt "-q suppresses the hint" "?name" "$out"

# multi-line input: a table constructor over three lines is one expression
cat >"$tmp/multi" <<'STEPS'
wait [1]> 
send t = {\n
wait ...> 
send a = 1,\n
wait ...> 
send }\n
wait [2]> 
send torch.Tensor{\n
wait ...> 
send 5, 6}\n
wait [3]> 
send function sq(x)\n
wait ...> 
send return x * x end\n
wait [4]> 
send sq(12)\n
wait 144\n[5]> 
eof
STEPS
drive multi
has "multi-line expression prints" " 5
 6
[torch.DoubleTensor of size 2]" "$out"
has "multi-line function" "144" "$out"

# a pasted block (all lines in one write) runs chunk by chunk
cat >"$tmp/paste" <<'STEPS'
wait [1]> 
send a = 1\nb = 2\nfunction f()\n  return a + b\nend\nf() * 10\n
wait 30\n[5]> 
eof
STEPS
drive paste
has "pasted block: continuation inside it" "[3]> function f()
...>   return a + b
...> end
[4]> f() * 10
30" "$out"

# Ctrl-C at the prompt discards the half-typed line (1+ would make 1+2 = 3),
# and inside a continuation it discards the whole chunk.
cat >"$tmp/ctrlc" <<'STEPS'
wait [1]> 
sleep 0.2
send 1+
sleep 0.3
send \x03
wait ^C\n[1]> 
send 2\n
wait 2\n[2]> 
send for i = 1, 2 do\n
wait ...> 
sleep 0.2
send \x03
wait ^C\n[2]> 
send "fresh"\n
wait fresh\n[3]> 
eof
STEPS
drive ctrlc
has "Ctrl-C at the prompt gives a fresh prompt" "^C
[1]> " "$out"
has "half-typed line discarded" "
2
[2]> " "$out"
hasnt "no 1+2" "
3
" "$out"
has "Ctrl-C cancels a continued chunk" "fresh" "$out"
eq "exit 0 after Ctrl-C at the prompt" "exit 0" "$(last)"

# Ctrl-C while Lua code runs raises "interrupted"; the REPL and its globals live on.
cat >"$tmp/busy" <<'STEPS'
wait [1]> 
send kept = 7\n
wait [2]> 
send while true do end\n
sleep 0.5
send \x03
wait interrupted
wait [3]> 
send kept\n
wait 7\n[4]> 
eof
STEPS
drive busy
has "Ctrl-C interrupts a Lua loop" "interrupted" "$out"
has "state kept after the interrupt" "kept
7" "$out"
eq "exit 0 after an interrupt" "exit 0" "$(last)"

# Ctrl-C inside one long kernel call (a 4000x4000 product: seconds of BLAS)
# and inside a loop of big products: stopped within a fraction of a second.
cat >"$tmp/kernel" <<'STEPS'
wait [1]> 
send a = torch.rand(4000, 4000); kept = 5\n
wait [2]> 
send t0 = os.time(); c = torch.mm(a, a)\n
sleep 0.6
send \x03
wait interrupted
wait [3]> 
send b = torch.rand(1500, 1500); for i = 1, 1000 do c = b * b end\n
sleep 0.6
send \x03
wait interrupted
wait [4]> 
send kept + 1\n
wait 6\n[5]> 
eof
STEPS
start=$("$PY" -c 'import time; print(time.time())')
drive kernel
took=$("$PY" -c "import time; print(round(time.time() - $start, 1))")
n=$(echo "$out" | grep -c 'interrupted')
eq "Ctrl-C stops a long product and a loop of products" 2 "$n"
has "session alive after interrupting kernels" "kept + 1
6" "$out"
if "$PY" -c "import sys; sys.exit(0 if $took < 6 else 1)"; then ok; else
	bad "interrupting the kernels took ${took}s (the product alone takes ~4 s)"
fi
eq "exit 0 after interrupting kernels" "exit 0" "$(last)"

# A LAPACK call polls no flag: the second Ctrl-C warns, the error comes when
# the call returns, and the session lives on.
cat >"$tmp/lapack" <<'STEPS'
wait [1]> 
send a = torch.rand(3500, 3500)\n
wait [2]> 
send x = torch.inverse(a)\n
sleep 0.3
send \x03
sleep 0.2
send \x03
wait once more
wait [3]> 
send "alive"\n
wait alive\n[4]> 
eof
STEPS
drive lapack
has "second Ctrl-C warns" "(Ctrl-C once more kills moonlab)" "$out"
has "interrupted after the LAPACK call" "interrupted" "$out"
eq "alive after two Ctrl-C" "exit 0" "$(last)"

# Line editing: Ctrl-A moves to the start; the up arrow recalls history.
cat >"$tmp/edit" <<'STEPS'
wait [1]> 
sleep 0.2
send 2*21\x011\n
wait 252\n[2]> 
sleep 0.2
send \x1b[A\n
wait 252\n[3]> 
eof
STEPS
drive edit
has "Ctrl-A edits the line" "252" "$out"
n=$(echo "$out" | grep -c '^252$')
eq "up arrow recalls the last line" 2 "$n"

# -i: a script, then the REPL with its globals (also after the script fails)
echo 'from_script = "yes"' >"$tmp/s.lua"
printf 'partial = 1\nerror("script broke")\n' >"$tmp/bad.lua"
cat >"$tmp/after" <<'STEPS'
wait [1]> 
send from_script\n
wait yes\n[2]> 
eof
STEPS
drive after -i "$tmp/s.lua"
has "-i on a terminal" "yes" "$out"
eq "-i exits 0 at Ctrl-D" "exit 0" "$(last)"
cat >"$tmp/afterbad" <<'STEPS'
wait [1]> 
send partial\n
wait 1\n[2]> 
eof
STEPS
drive afterbad -i "$tmp/bad.lua"
has "-i reports the script's error" "script broke" "$out"
has "-i still opens the REPL with the globals" "partial
1" "$out"
eq "-i after a failed script exits 1" "exit 1" "$(last)"

# ~/.moonlabrc.lua runs at the start of an interactive session, before -e
echo 'rc_value = 41' >"$tmp/.moonlabrc.lua"
cat >"$tmp/rc" <<'STEPS'
wait [1]> 
send rc_value + 1\n
wait 42\n[2]> 
send seen\n
wait [3]> 
eof
STEPS
drive rc -e 'seen = rc_value' -i
has "rc file ran" "42" "$out"
has "rc file ran before -e" "seen
41" "$out"
echo 'error("rc broke")' >"$tmp/.moonlabrc.lua"
drive quiet
has "rc error reported" "rc broke" "$out"
eq "session goes on after an rc error" "exit 0" "$(last)"
rm -f "$tmp/.moonlabrc.lua"
printf '%s\n' 'rc_pipe = 1' >"$tmp/.moonlabrc.lua"
feed 'rc_pipe\n' "$ML"
eq "no rc file on a pipe" "nil" "$out"
rm -f "$tmp/.moonlabrc.lua"

# colours on a terminal, none under NO_COLOR (the rest of this file) or a pipe
cat >"$tmp/colour" <<'STEPS'
wait [1]>
send 42\n
wait [2]>
send error("red")\n
wait [3]>
eof
STEPS
out=$(env -u NO_COLOR "$PY" tests/cli/pty_drive.py "$tmp/colour" "$ML" | tr -d '\r')
esc=$(printf '\033')
has "numbers coloured on a terminal" "${esc}[36m42${esc}[0m" "$out"
has "errors in red" "${esc}[31mstdin:1: red" "$out"
has "coloured prompt" "${esc}[32m[1]>" "$out"
drive colour
hasnt "NO_COLOR: no escapes" "${esc}[" "$out"
feed '42\n{1, "a"}\n' env -u NO_COLOR "$ML"
hasnt "pipe: no escapes" "${esc}[" "$out"

finish
