-- Docstrings: NumPy .npy and .npz files (vm/l_npy.c; docs/npy.md).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.loadnpy"] = doc("torch.loadnpy(path)", "Reads a NumPy .npy file into a tensor of the matching type.",
  { { "path", "the .npy file" } },
  "local path = os.tmpname()\ntorch.savenpy(path, torch.range(1, 3))\nprint(torch.loadnpy(path))\nos.remove(path)")
D["torch.savenpy"] = doc("torch.savenpy(path, tensor)", "Writes a tensor as a NumPy .npy file.",
  { { "path", "the file" }, { "tensor", "any type and strides" } },
  "local path = os.tmpname()\ntorch.savenpy(path, torch.IntTensor{1, 2})\nos.remove(path)")
D["torch.loadnpz"] = doc("torch.loadnpz(path)", "Reads a NumPy .npz archive: a table of tensors keyed by member name.",
  { { "path", "the .npz file" } },
  "local path = os.tmpname()\ntorch.savenpz(path, {a = torch.ones(2)})\nprint(torch.loadnpz(path).a)\nos.remove(path)")
D["torch.savenpz"] = doc("torch.savenpz(path, members [, opts])", "Writes tensors as a NumPy .npz archive.",
  { { "path", "the file" }, { "members", "a table name -> tensor" },
    { "opts", "{compress = true} or {level = 1..9} to deflate (np.savez_compressed)" } },
  "local path = os.tmpname()\ntorch.savenpz(path, {x = torch.rand(3), y = torch.zeros(2)}, {compress = true})\nos.remove(path)")

return { title = "NumPy files (.npy, .npz)", docs = D }
