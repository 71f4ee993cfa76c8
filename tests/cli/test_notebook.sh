#!/bin/sh
# `moonlab notebook run|check`: exit statuses, pages written atomically to
# .html and .md (figures beside the .md), options and their errors, the
# cache, and a script named like a subcommand still runnable by path.
. tests/cli/lib.sh

cat >"$tmp/good.lua" <<'LUA'
-- %% [markdown]
-- # Good
-- %%
x = 6 * 7
print("x is", x)
-- %%
local plot = require "moonlab.plot"
plot.line(torch.range(1, 3), torch.range(1, 3))
-- %%
n = n or 1
n + 1
LUA
cat >"$tmp/bad.lua" <<'LUA'
-- %%
y = 1
-- %%
error("broken")
-- %%
z = 2
LUA

run "$ML" notebook run "$tmp/good.lua" -q
eq "run: exit 0" 0 "$rc"
[ -s "$tmp/good.html" ] && ok || bad "run: default page good.html missing"
has "html: output" "x is	42" "$(cat "$tmp/good.html")"
has "html: figure" "data:image/png;base64," "$(cat "$tmp/good.html")"

run "$ML" notebook run "$tmp/good.lua" -o "$tmp/nowhere/page.html" -q
eq "a page into a missing folder: an error, not a crash" 2 "$rc"
has "names the file" "cannot write $tmp/nowhere/page.html" "$err"
mkdir -p "$tmp/out"
run "$ML" notebook run "$tmp/good.lua" -o "$tmp/out/page.md" -q --param n=41
eq "md: exit 0" 0 "$rc"
has "md: parameter used" "42" "$(cat "$tmp/out/page.md")"
[ -s "$tmp/out/page_files/cell2-1.png" ] && ok || bad "md: the figure file beside the page"
has "md: the figure linked" "(page_files/cell2-1.png)" "$(cat "$tmp/out/page.md")"
eq "no temporary files left" "page.md page_files" "$(ls "$tmp/out" | tr '\n' ' ' | sed 's/ $//')"

run "$ML" notebook run "$tmp/bad.lua" -o "$tmp/bad.html"
eq "a failing cell: exit 1" 1 "$rc"
has "progress names the error" "[2] error: broken" "$err"
has "summary" "3 code cells, 1 failed, 1 not run" "$err"
has "page marks the rest" "not run" "$(cat "$tmp/bad.html")"
run "$ML" notebook run "$tmp/bad.lua" -o "$tmp/bad.html" --continue -q
eq "--continue: still exit 1" 1 "$rc"
hasnt "--continue runs the rest" "not run (an" "$(cat "$tmp/bad.html")"

run "$ML" notebook check "$tmp/good.lua"
eq "check: exit 0" 0 "$rc"
run "$ML" notebook check "$tmp/bad.lua"
eq "check: exit 1" 1 "$rc"
has "check prints the error" "Error in cell 2, line 1 (file line 4): broken" "$err"

run "$ML" notebook run "$tmp/good.lua" --timeout
eq "option without value" 2 "$rc"
has "says which" "--timeout needs a value" "$err"
run "$ML" notebook run "$tmp/good.lua" --param 9=1
has "bad param" "--param wants name=value" "$err"
run "$ML" notebook run "$tmp/good.lua" -o "$tmp/x.pdf"
has "bad output" "the output must end in .html or .md" "$err"
run "$ML" notebook run "$tmp/none.lua"
eq "missing notebook: exit 2" 2 "$rc"
has "missing notebook named" "none.lua" "$err"
run "$ML" notebook frobnicate
has "unknown command" "unknown command 'frobnicate'" "$err"
run "$ML" notebook --help
eq "help: exit 0" 0 "$rc"
has "help text" "--cache [DIR]" "$out"

run "$ML" notebook run "$tmp/good.lua" -o "$tmp/c.html" --cache
has "cache: first run" "3 code cells, 0 failed, 0." "$err"
run "$ML" notebook run "$tmp/good.lua" -o "$tmp/c.html" --cache
has "cache: second run restores" "3 code cells, 0 failed, 3 cached" "$err"
[ -d "$tmp/.moonlab-cache/good" ] && ok || bad "cache folder beside the notebook"

# a script called "notebook" runs when given as a path
printf 'print("script ran")\n' >"$tmp/notebook"
run "$ML" "$tmp/notebook"
eq "a script named notebook" "script ran" "$out"
finish
