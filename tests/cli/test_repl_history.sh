#!/bin/sh
# The REPL's persistent history: kept across sessions in $MOONLAB_HISTORY
# (default ~/.moonlab_history), multi-line entries whole, no duplicates in a
# row, none written when MOONLAB_HISTORY is empty; Ctrl-R searches it.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export HOME="$tmp" NO_COLOR=1
unset MOONLAB_RC MOONLAB_HISTORY

drive() {
	name=$1
	shift
	out=$("$PY" tests/cli/pty_drive.py "$tmp/$name" "$ML" "$@" | tr -d '\r')
}

cat >"$tmp/first" <<'STEPS'
wait [1]> 
send function twice(x)\n
wait ...> 
send return 2 * x end\n
wait [2]> 
send marker_value = 99\n
wait [3]> 
send 1 + 1\n
wait [4]> 
send 1 + 1\n
wait [5]> 
send 1 + 1\n
wait [6]> 
eof
STEPS
drive first
[ -f "$tmp/.moonlab_history" ] && ok || bad "history file written in HOME"
hist=$(cat "$tmp/.moonlab_history" 2>/dev/null)
n=$(grep -c '1\\040+\\0401' "$tmp/.moonlab_history")
eq "no duplicates in a row" 1 "$n"
n=$(grep -c 'twice' "$tmp/.moonlab_history")
eq "multi-line entry is one entry" 1 "$n"

# second session: up arrow x3 recalls the multi-line function, whole
cat >"$tmp/second" <<'STEPS'
wait [1]> 
send \x1b[A
sleep 0.2
send \x1b[A
sleep 0.2
send \x1b[A
sleep 0.2
send \n
wait [2]> 
send twice(21)\n
wait 42\n[3]> 
sleep 0.2
send \x12marker
sleep 0.3
send \n
wait [4]> 
send marker_value\n
wait [5]> 
eof
STEPS
drive second
has "history from the first session, multi-line entry whole" "42" "$out"
has "Ctrl-R finds an entry of the first session" "marker_value
99" "$out"

# MOONLAB_HISTORY names the file; empty: no file at all
rm -f "$tmp/.moonlab_history"
MOONLAB_HISTORY="$tmp/other_hist" drive first
[ -f "$tmp/other_hist" ] && ok || bad "MOONLAB_HISTORY names the file"
[ ! -f "$tmp/.moonlab_history" ] && ok || bad "default file not written when MOONLAB_HISTORY is set"
rm -f "$tmp/other_hist"
MOONLAB_HISTORY= drive first
[ ! -f "$tmp/.moonlab_history" ] && ok || bad "empty MOONLAB_HISTORY: no file"

# a pipe keeps no history
printf '1\n' | "$ML" >/dev/null
[ ! -f "$tmp/.moonlab_history" ] && ok || bad "a pipe writes no history"

finish
