#!/bin/sh
# The progress bar of long CSV reads: drawn on stderr when it is a terminal
# (a pseudo-terminal driven by tests/cli/pty_drive.py) once the read has taken
# opts.progress seconds (1 by default; 0 here, so a small file shows it), and
# cleared at the end; never drawn when stderr is a file or with progress = false.
. tests/cli/lib.sh
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# 40000 rows: the kernel reports every 16384 rows
cat >"$tmp/make.lua" <<EOF
local f = io.open("$tmp/big.csv", "w")
f:write("a,b\\n")
for i = 1, 40000 do f:write(i, ",", i * 0.5, "\\n") end
f:close()
EOF
"$ML" "$tmp/make.lua"
cat >"$tmp/script.lua" <<EOF
local csv = require "moonlab.csv"
local p = arg[1] == "false" and false or tonumber(arg[1])
local t = csv.read("$tmp/big.csv", {progress = p, threads = 1})
print("rows " .. t.nrows)
EOF
printf 'wait rows 40000\n' >"$tmp/steps"

out=$("$PY" tests/cli/pty_drive.py "$tmp/steps" "$ML" "$tmp/script.lua" 0)
has "bar on a terminal" "csv.read [" "$out"
has "percentage" "% of" "$out"
has "read completes" "rows 40000" "$out"
has "exit status" "exit 0" "$out"

out=$("$PY" tests/cli/pty_drive.py "$tmp/steps" "$ML" "$tmp/script.lua" false)
hasnt "progress = false" "csv.read [" "$out"
has "read completes without the bar" "rows 40000" "$out"

out=$("$PY" tests/cli/pty_drive.py "$tmp/steps" "$ML" "$tmp/script.lua" 100)
hasnt "a quick read shows no bar" "csv.read [" "$out"

run "$ML" "$tmp/script.lua" 0
eq "stdout" "rows 40000" "$out"
eq "nothing on stderr when it is not a terminal" "" "$err"

finish
