-- torch.CmdLine: option/argument parsing, help text, string(), log(),
-- addTime(), silent(), and the exit behaviour of scripts (-h, mistakes),
-- driven through a child moonlab process.
local H = dofile("tests/lua/harness.lua")

local MOONLAB = os.getenv("MOONLAB") or "./moonlab"
local TMPDIR = os.tmpname()
os.remove(TMPDIR)
assert(os.execute("mkdir -p " .. TMPDIR))
local function tmp(name) return TMPDIR .. "/" .. name end

local slurp = H.slurp

local function lines(s)
  local out = {}
  for l in s:gmatch("([^\n]*)\n") do out[#out + 1] = l end
  return out
end

-- the example of Torch7's doc/cmdline.md
local function example()
  local cmd = torch.CmdLine()
  cmd:text()
  cmd:text("Training a simple network")
  cmd:text()
  cmd:text("Options")
  cmd:option("-seed", 123, "initial random seed")
  cmd:option("-booloption", false, "boolean option")
  cmd:option("-stroption", "mystring", "string option")
  cmd:text()
  function cmd:error(msg) error(msg, 0) end -- raise instead of exiting
  return cmd
end

H.test("defaults and the doc's example", function()
  local cmd = example()
  H.eq(torch.typename(cmd), "torch.CmdLine")
  local p = cmd:parse({})
  H.eq(p.seed, 123)
  H.eq(p.booloption, false)
  H.eq(p.stroption, "mystring")
  H.eq(cmd:string("experiment", p, { dir = true }), "experiment")
  p = cmd:parse({ "-seed", "456", "-stroption", "mycustomstring" })
  H.eq(p.seed, 456)
  H.eq(math.type(p.seed), "integer")
  H.eq(p.stroption, "mycustomstring")
  p.rundir = "ignored: not an option"
  H.eq(cmd:string("experiment", p, { dir = true }), "experiment,seed=456,stroption=mycustomstring")
  H.eq(cmd:string("experiment", p, { seed = true }), "experiment,stroption=mycustomstring")
end)

H.test("option types, booleans flip, arguments in order", function()
  local cmd = torch.CmdLine()
  function cmd:error(msg) error(msg, 0) end
  cmd:option("-lr", 0.1, "learning rate")
  cmd:option("--epochs", 10, "epochs")
  cmd:option("-verbose", false, "talk")
  cmd:option("-plot", true, "plot curves")
  cmd:option("-name", nil, "run name")
  cmd:option("-size", nil, "size", "number")
  cmd:argument("input", "input file")
  cmd:argument("k", "clusters", "number")
  local p = cmd:parse({ "data.csv", "-lr", "-0.5", "--epochs", "3", "-verbose", "-plot", "7" })
  H.eq(p.lr, -0.5)
  H.eq(p.epochs, 3)
  H.eq(p.verbose, true)
  H.eq(p.plot, false)
  H.eq(p.name, nil)
  H.eq(p.size, nil)
  H.eq(p.input, "data.csv")
  H.eq(p.k, 7)
  p = cmd:parse({ "-name", "-x-", "-size", "1e3", "a", "-2" }) -- a negative number is an argument
  H.eq(p.name, "-x-")
  H.eq(p.size, 1000.0)
  H.eq(p.k, -2)
  H.eq(cmd:string("run", p), "run,name=-x-,size=1000.0")
end)

H.test("command-line mistakes", function()
  local cmd = torch.CmdLine()
  function cmd:error(msg) error(msg, 0) end
  cmd:option("-n", 1, "count")
  cmd:option("-s", "a", "text")
  cmd:argument("file", "a file")
  H.check_error("unknown option -m", cmd.parse, cmd, { "-m", "x" })
  H.check_error("option -n expects a number, got 'abc'", cmd.parse, cmd, { "-n", "abc", "f" })
  H.check_error("option -s needs a string value", cmd.parse, cmd, { "f", "-s" })
  H.check_error("missing argument: file", cmd.parse, cmd, { "-n", "2" })
  H.check_error("unexpected argument 'g'", cmd.parse, cmd, { "f", "g" })
  local p = cmd:parse({ "f" })
  H.eq(p.file, "f")
end)

H.test("declaration errors", function()
  local cmd = torch.CmdLine()
  cmd:option("-a", 1, "a")
  cmd:argument("b", "b")
  H.check_error("torch.CmdLine.option: option name \"x\" must be a string starting with '-'", cmd.option, cmd, "x", 1)
  H.check_error("'-a' is declared twice", cmd.option, cmd, "-a", 2)
  H.check_error("'--a' is declared twice (as -a)", cmd.option, cmd, "--a", 2)
  H.check_error("'b' is declared twice", cmd.argument, cmd, "b")
  H.check_error("'-b' is declared twice", cmd.option, cmd, "-b", 1)
  H.check_error("-c: default 1 is not a string", cmd.option, cmd, "-c", 1, "c", "string")
  H.check_error("-d: type must be number, string or boolean, not table", cmd.option, cmd, "-d", {}, "d")
  H.check_error("torch.CmdLine.argument: argument name \"-e\" must be a string not starting with '-'",
    cmd.argument, cmd, "-e")
  H.check_error("torch.CmdLine.text: expected a string, got a number", cmd.text, cmd, 3)
  H.check_error("torch.CmdLine.parse: expected a table of strings, got a string", cmd.parse, cmd, "-a 1")
end)

H.test("help text", function()
  local cmd = example()
  cmd:argument("data", "data file")
  local want = table.concat({
    "Usage: " .. tostring(arg[0]) .. " [options] <data>",
    "",
    "",
    "Training a simple network",
    "",
    "Options",
    "  -seed        initial random seed [123]",
    "  -booloption  boolean option [false]",
    "  -stroption   string option [mystring]",
    "",
    "  data         data file",
  }, "\n")
  H.eq(cmd:helpText(), want)
end)

H.test("log, addTime, silent", function()
  local real_print = print
  local screen = {}
  print = function(...) -- luacheck: ignore
    local parts = {}
    for k = 1, select("#", ...) do parts[k] = tostring((select(k, ...))) end
    screen[#screen + 1] = table.concat(parts, " ")
  end
  local ok, err = pcall(function()
    local cmd = example()
    local p = cmd:parse({ "-seed", "7" })
    cmd:log(tmp("log1"), p)
    print("epoch", 1, nil, true)
    cmd:addTime("proj")
    print("timed")
    cmd:silent()
    print("quiet")
    -- a second log() writes to the new file and the same screen, not to the first file
    local cmd2 = torch.CmdLine()
    cmd2:addTime(nil, "%Y")
    local f = assert(io.open(tmp("log2"), "w"))
    cmd2:log(f)
    print("second")
    f:close()
  end)
  print = real_print -- luacheck: ignore
  H.ok(ok, tostring(err))
  local log1 = lines(slurp(tmp("log1")))
  H.ok(log1[1]:match("^%[program started on .+%]$"), log1[1])
  H.eq(log1[2], "[command line arguments]")
  H.eq(log1[3], "booloption\tfalse")
  H.eq(log1[4], "seed\t7")
  H.eq(log1[5], "stroption\tmystring")
  H.eq(log1[6], "[----------------------]")
  H.eq(log1[7], "epoch\t1\tnil\ttrue")
  H.ok(log1[8]:match("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d%[proj%]: timed$"), log1[8])
  H.ok(log1[9]:match("^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d%[proj%]: quiet$"), log1[9])
  H.eq(#log1, 9)
  -- the screen got everything but "quiet" (silent), without time stamps
  H.eq(screen[7], "epoch 1 nil true")
  H.eq(screen[8], "timed")
  H.eq(screen[9]:match("^%[program started"), "[program started")
  H.eq(screen[#screen], "second")
  for _, l in ipairs(screen) do H.ok(l ~= "quiet", "silent") end
  local log2 = lines(slurp(tmp("log2")))
  H.ok(log2[1]:match("^%d%d%d%d: %[program started on"), log2[1])
  H.ok(log2[4]:match("^%d%d%d%d: second$"), log2[4])
  H.check_error("torch.CmdLine.log: cannot open the log file", torch.CmdLine().log, torch.CmdLine(),
    tmp("no/such/dir/log"))
end)

-- a script using CmdLine, run by a child moonlab
local SCRIPT = [[
local cmd = torch.CmdLine()
cmd:text("A test script")
cmd:option("-n", 2, "count")
cmd:argument("file", "input")
local p = cmd:parse(arg)
print(p.n, p.file)
]]

local function run(args)
  local path = tmp("script.lua")
  local f = assert(io.open(path, "w"))
  f:write(SCRIPT)
  f:close()
  local p = io.popen(MOONLAB .. " " .. path .. " " .. args .. " 2>" .. tmp("err") .. "; echo \"rc=$?\"")
  local out = p:read("a")
  p:close()
  return out, slurp(tmp("err"))
end

H.test("scripts: parse(arg), -h exits 0, mistakes exit 1 with the help", function()
  local out = run("-n 5 data.txt")
  H.eq(out, "5\tdata.txt\nrc=0\n")
  local err
  out = run("-h")
  H.ok(out:find("Usage: " .. tmp("script.lua") .. " [options] <file>\n\nA test script\n  -n    count [2]\n  file  input\n", 1, true), out)
  H.ok(out:find("rc=0\n", 1, true), out)
  out, err = run("-n x data.txt")
  H.eq(out, "rc=1\n")
  H.ok(err:find("option -n expects a number, got 'x'\n\nUsage:", 1, true), err)
  out, err = run("")
  H.eq(out, "rc=1\n")
  H.ok(err:find("missing argument: file", 1, true), err)
end)

os.execute("rm -rf " .. TMPDIR)
H.done()
