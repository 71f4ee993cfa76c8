-- Docstrings: threads and torch.Timer (vm/l_sys.c).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.setnumthreads"] = doc("torch.setnumthreads(n)", "Sets the number of threads of OpenMP and OpenBLAS together.",
  { { "n", "1 .. 1024" } }, "local n = torch.getnumthreads()\ntorch.setnumthreads(1)\ntorch.setnumthreads(n)")
D["torch.getnumthreads"] = doc("torch.getnumthreads()", "The number of threads kernels may use.", {},
  "print(torch.getnumthreads())")
D["torch.Timer"] = doc("torch.Timer()", "A running stopwatch of wall, user and system time.", {},
  "local t = torch.Timer()\nlocal x = torch.rand(100, 100) * torch.rand(100, 100)\nprint(t:time().real)",
  "Methods: t:time(), t:stop(), t:resume(), t:reset().")
D["Timer:time"] = doc("t:time()", "The time counted so far: a table {real = s, user = s, sys = s} in seconds.", {},
  "local t = torch.Timer()\nprint(t:time().real >= 0)")
D["Timer:stop"] = doc("t:stop()", "Stops counting (the time so far is kept); returns t.", {},
  "local t = torch.Timer():stop()\nprint(t:time().real)")
D["Timer:resume"] = doc("t:resume()", "Counts again after stop; returns t.", {},
  "local t = torch.Timer():stop()\nt:resume()")
D["Timer:reset"] = doc("t:reset()", "Sets the counted time back to zero (still running if it was); returns t.", {},
  "local t = torch.Timer()\nt:reset()\nprint(t:time().real < 1)")

return { title = "Threads and timing", docs = D }
