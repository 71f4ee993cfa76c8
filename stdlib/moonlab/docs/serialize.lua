-- Docstrings: saving and loading objects (stdlib/torch/serialize.lua; docs/serialization.md).
local doc = require("moonlab.docs.util").doc
local D = {}

local FMT = { "format", "\"binary\" (default) or \"ascii\" (also \"b64\", \"b32\")" }
D["torch.save"] = doc("torch.save(filename, object [, format [, opts]])",
  "Writes object to filename in Torch7's format, atomically (a temporary file renamed at the end).",
  { { "filename", "the path" }, { "object", "numbers, strings, tables, tensors, storages, torch.class objects" }, FMT,
    { "opts", "{referenced = false} to write shared objects in full each time" } },
  "local path = os.tmpname()\ntorch.save(path, {w = torch.Tensor{1, 2}, epoch = 3})\nprint(torch.load(path).epoch)\nos.remove(path)")
D["torch.load"] = doc("torch.load(filename [, format [, opts]])", "Reads the object saved in filename (Torch7's files too).",
  { { "filename", "the path" }, { "format", "\"binary\" or \"ascii\" (detected when not given)" },
    { "opts", "{allow_functions, strict, integers, referenced}: see docs/serialization.md" } },
  "local path = os.tmpname()\ntorch.save(path, torch.range(1, 3), \"ascii\")\nprint(torch.load(path))\nos.remove(path)")
D["torch.saveobj"] = doc("torch.saveobj(filename, object [, format [, opts]])", "Torch7's other name of torch.save.",
  { { "filename", "the path" }, { "object", "what to save" }, FMT },
  "local path = os.tmpname()\ntorch.saveobj(path, 42)\nprint(torch.loadobj(path))\nos.remove(path)")
D["torch.loadobj"] = doc("torch.loadobj(filename [, format [, opts]])", "Torch7's other name of torch.load.",
  { { "filename", "the path" }, FMT },
  "local path = os.tmpname()\ntorch.save(path, \"hi\")\nprint(torch.loadobj(path))\nos.remove(path)")
D["torch.serialize"] = doc("torch.serialize(object [, format])", "object in Torch7's format, as a Lua string.",
  { { "object", "what to serialize" }, FMT }, "print(#torch.serialize({1, 2, 3}))")
D["torch.deserialize"] = doc("torch.deserialize(str [, format [, opts]])", "The object serialized in the string str.",
  { { "str", "a string from torch.serialize" }, FMT, { "opts", "as for torch.load" } },
  "print(torch.deserialize(torch.serialize({x = \"y\"})).x)")
D["torch.serializeToStorage"] = doc("torch.serializeToStorage(object [, format])",
  "object in Torch7's format, as a torch.CharStorage.", { { "object", "what to serialize" }, FMT },
  "print(torch.serializeToStorage(1):size())")
D["torch.deserializeFromStorage"] = doc("torch.deserializeFromStorage(storage [, format [, opts]])",
  "The object serialized in a CharStorage.", { { "storage", "a CharStorage from serializeToStorage" }, FMT },
  "print(torch.deserializeFromStorage(torch.serializeToStorage({7}))[1])")
D["torch.pointer"] = doc("torch.pointer(obj)",
  "An integer identity of obj: a storage's buffer, else the address of a table, userdata or function (0 for plain values).",
  { { "obj", "any value" } }, "local t = torch.Tensor(2)\nprint(torch.pointer(t:storage()) == torch.pointer(t:storage()))")

return { title = "Saving and loading", docs = D }
