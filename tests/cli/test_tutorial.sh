#!/bin/sh
# `moonlab tutorial`: the list, and stepping through a tutorial in the REPL
# on a pseudo-terminal: prose shown, a one-line cell put on the prompt and
# run with Enter, a multi-line cell run by an empty line, :next :back :goto
# :list :restart :quit, progress remembered, tutorial() in the REPL.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export HOME="$tmp" MOONLAB_HISTORY="" NO_COLOR=1 MOONLAB_STATE_DIR="$tmp/state" MOONLAB_TUTORIALS="$tmp/tut"
unset MOONLAB_RC
mkdir -p "$tmp/tut"
cat >"$tmp/tut/01-demo.lua" <<'LUA'
-- %% [markdown]
-- # Demo tutorial
-- A **short** demo of `stepping`.
-- %%
x = 20 + 1
-- %% [markdown]
-- ## Two lines
-- %%
y = x * 2
print("y is", y)
-- %%
z = "third"
-- %% [markdown]
-- The end.
LUA
cat >"$tmp/tut/02-other.lua" <<'LUA'
-- %% [markdown]
-- # Another one
-- %%
w = 1
LUA

run "$ML" tutorial
eq "list: exit 0" 0 "$rc"
has "list: first" " 1 demo             Demo tutorial" "$out"
has "list: summary" "A **short** demo of \`stepping\`." "$out"
has "list: second" " 2 other            Another one" "$out"
run "$ML" tutorial nosuch
eq "unknown: exit 1" 1 "$rc"
has "unknown: names the known ones" "no tutorial named 'nosuch' (there are: demo, other)" "$err"
STDIN=/dev/null run "$ML" tutorial demo
has "no terminal: says so" "stepping needs a terminal" "$err"

cat >"$tmp/steps" <<'STEPS'
wait step 1 of 4
wait Ctrl-U clears it
wait x = 20 + 1
send \n
wait step 2 of 4
wait y = x * 2
wait an empty line runs this cell
send \n
wait y is	42
wait step 3 of 4
send \x15:back\n
wait step 2 of 4
send \x15:goto 3\n
wait step 3 of 4
send \x15:list\n
wait > 3  z = "third"
send \x15:quit\n
STEPS
out=$("$PY" tests/cli/pty_drive.py "$tmp/steps" "$ML" tutorial demo | tr -d '\r')
has "prose formatted" "Demo tutorial" "$out"
has "stepped to the end and quit" "exit 0" "$(echo "$out" | tail -n 1)"
hasnt "no errors" "rror" "$out"
has "progress saved" '["demo"] = 3' "$(cat "$tmp/state/tutorials.lua")"

cat >"$tmp/resume" <<'STEPS'
wait resuming at step 3
wait z = "third"
send \n
wait step 4 of 4
wait The end.
send :restart\n
wait step 1 of 4
send \x15:quit\n
STEPS
out=$("$PY" tests/cli/pty_drive.py "$tmp/resume" "$ML" tutorial demo | tr -d '\r')
has "resumed, finished, restarted" "exit 0" "$(echo "$out" | tail -n 1)"

cat >"$tmp/inrepl" <<'STEPS'
wait [1]> 
send tutorial("other")\n
wait step 1 of 1
wait w = 1
send \n
wait That was the last step
send :quit\n
wait left the tutorial 'other'
send "still here"\n
wait still here
eof
STEPS
out=$("$PY" tests/cli/pty_drive.py "$tmp/inrepl" "$ML" | tr -d '\r')
has "tutorial() in the REPL, :quit back to it" "exit 0" "$(echo "$out" | tail -n 1)"
finish
