-- Docstrings: printing options (stdlib/torch/print.lua; docs/torch-lua.md).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.setprintoptions"] = doc("torch.setprintoptions{precision=4, threshold=1000, edgeitems=3, linewidth=80}",
  "Sets how tensors print (numpy's names); options not given keep their value.",
  { { "precision", "decimals, 0..17" }, { "threshold", "more elements than this are summarized (math.huge: never)" },
    { "edgeitems", "entries shown at each end of a summarized dimension" },
    { "linewidth", "characters per line before a matrix splits in column blocks" } },
  "local o = torch.getprintoptions()\ntorch.setprintoptions{precision = 2}\nprint(torch.Tensor{math.pi})\ntorch.setprintoptions(o)",
  "The REPL fits tensors to the terminal while these options keep their defaults.")
D["torch.getprintoptions"] = doc("torch.getprintoptions()", "A copy of the current print options (a table).", {},
  "print(torch.getprintoptions().threshold)")

return { title = "Printing", docs = D }
