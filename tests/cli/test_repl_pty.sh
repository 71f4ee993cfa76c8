#!/bin/sh
# The REPL on a terminal (a pseudo-terminal driven by tests/cli/pty_drive.py):
# banner and prompts, line editing and history, Ctrl-C at the prompt and
# while code runs, Ctrl-D exits 0.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# drive NAME: runs the REPL on the steps in $tmp/NAME; output in $out
drive() {
	out=$("$PY" tests/cli/pty_drive.py "$tmp/$1" "$ML" | tr -d '\r')
}

cat >"$tmp/basic" <<'STEPS'
wait > 
send 40 + 2\n
wait 42\n> 
send for i = 1, 2 do\n
wait >> 
send io.write(i * 10) end print()\n
wait 1020\n> 
send error("pty oops")\n
wait pty oops
wait > 
send "still alive"\n
wait still alive\n> 
eof
STEPS
drive basic
has "banner" "Moonlab 0.1.0 (Lua 5.4." "$out"
has "prompt and result" "> 40 + 2
42" "$out"
has "continuation prompt" ">> io.write(i * 10) end print()
1020" "$out"
has "error reported" "stdin:1: pty oops" "$out"
has "goes on after an error" "still alive" "$out"
has "Ctrl-D exits 0" "exit 0" "$(echo "$out" | tail -n 1)"

# Ctrl-C at the prompt discards the half-typed line (1+ would make 1+2 = 3),
# and inside a continuation it discards the whole chunk.
cat >"$tmp/ctrlc" <<'STEPS'
wait > 
sleep 0.2
send 1+
sleep 0.3
send \x03
wait ^C\n> 
send 2\n
wait 2\n> 
send for i = 1, 2 do\n
wait >> 
sleep 0.2
send \x03
wait ^C\n> 
send "fresh"\n
wait fresh\n> 
eof
STEPS
drive ctrlc
has "Ctrl-C at the prompt gives a fresh prompt" "^C
> " "$out"
has "half-typed line discarded" "
2
> " "$out"
hasnt "no 1+2" "
3
" "$out"
has "Ctrl-C cancels a continued chunk" "fresh" "$out"
has "exit 0 after Ctrl-C at the prompt" "exit 0" "$(echo "$out" | tail -n 1)"

# Ctrl-C while code runs raises "interrupted"; the REPL and its globals live on.
cat >"$tmp/busy" <<'STEPS'
wait > 
send kept = 7\n
wait > 
send while true do end\n
sleep 0.5
send \x03
wait interrupted
wait > 
send kept\n
wait 7\n> 
eof
STEPS
drive busy
has "Ctrl-C interrupts running code" "interrupted" "$out"
has "state kept after the interrupt" "kept
7" "$out"
has "exit 0 after an interrupt" "exit 0" "$(echo "$out" | tail -n 1)"

# Line editing: Ctrl-A moves to the start; the up arrow recalls history.
cat >"$tmp/edit" <<'STEPS'
wait > 
sleep 0.2
send 2*21\x011\n
wait 252\n> 
sleep 0.2
send \x1b[A\n
wait 252\n> 
eof
STEPS
drive edit
has "Ctrl-A edits the line" "252" "$out"
n=$(echo "$out" | grep -c '^252$')
eq "up arrow recalls the last line" 2 "$n"

# A script then -i on a terminal.
echo 'from_script = "yes"' >"$tmp/s.lua"
cat >"$tmp/after" <<'STEPS'
wait > 
send from_script\n
wait yes\n> 
eof
STEPS
out=$("$PY" tests/cli/pty_drive.py "$tmp/after" "$ML" -i "$tmp/s.lua" | tr -d '\r')
has "-i on a terminal" "yes" "$out"
has "-i exits 0 at Ctrl-D" "exit 0" "$(echo "$out" | tail -n 1)"

finish
