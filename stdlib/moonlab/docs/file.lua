-- Docstrings: torch.DiskFile, torch.MemoryFile and their methods (vm/l_file.c;
-- docs/serialization.md).
local doc = require("moonlab.docs.util").doc
local D = {}

D["torch.DiskFile"] = doc("torch.DiskFile(path [, mode [, quiet]])",
  "Opens a file on disk for Torch7-format reading/writing (ascii mode by default).",
  { { "path", "the file" }, { "mode", "\"r\" (default), \"w\" (create or truncate) or \"rw\"" },
    { "quiet", "true: return nil instead of raising when it cannot be opened" } },
  "local path = os.tmpname()\nlocal f = torch.DiskFile(path, \"w\"):binary()\nf:writeInt(3)\nf:close()\nprint(torch.DiskFile(path):binary():readInt())\nos.remove(path)",
  "Methods: help(\"File:readDouble\"), help(\"File:writeObject\") ...")
D["torch.MemoryFile"] = doc("torch.MemoryFile([mode]) | torch.MemoryFile(storage [, mode]) | torch.MemoryFile(string, mode)",
  "A file in memory, with the methods of torch.DiskFile.",
  { { "mode", "\"rw\" (default), \"r\" or \"w\"" }, { "storage", "a CharStorage ending with a NUL" },
    { "string", "initial bytes (the mode is then required)" } },
  "local f = torch.MemoryFile()\nf:writeObject({1, 2})\nf:seek(1)\nprint(f:readObject()[2])")

local function F(name, sig, summary, args, ex)
  D["File:" .. name] = doc(sig, summary, args, ex)
end
local function mem(code) return "local f = torch.MemoryFile():binary()\n" .. code end

for _, T in ipairs { "Byte", "Char", "Short", "Int", "Long", "Float", "Double" } do
  F("read" .. T, "f:read" .. T .. "() | f:read" .. T .. "(n) | f:read" .. T .. "(storage)",
    "Reads one " .. T .. " value, n values as a new torch." .. T .. "Storage, or fills a storage (returns the count).",
    { { "n", "number of values" }, { "storage", "a torch." .. T .. "Storage to fill" } },
    mem("f:write" .. T .. "(7)\nf:seek(1)\nprint(f:read" .. T .. "())"))
  F("write" .. T, "f:write" .. T .. "(value) | f:write" .. T .. "(storage)",
    "Writes one " .. T .. " value (converted as C does) or a whole storage; returns the count.",
    { { "value", "a number" .. ((T == "Byte" or T == "Char") and " (or a Lua string)" or "") },
      { "storage", "a torch." .. T .. "Storage" } },
    mem("print(f:write" .. T .. "(torch." .. T .. "Storage{1, 2}))"))
end
F("readString", "f:readString(format)", "Raw bytes: the rest (\"*a\"), a line (\"*l\", newline dropped) or n bytes.",
  { { "format", "\"*a\", \"*l\" or a count" } },
  "local f = torch.MemoryFile(\"one\\ntwo\", \"r\")\nprint(f:readString(\"*l\"), f:readString(\"*a\"))")
F("writeString", "f:writeString(s)", "Writes the bytes of s as they are; returns the count.", { { "s", "a string" } },
  "local f = torch.MemoryFile()\nprint(f:writeString(\"abc\"))")
F("readObject", "f:readObject([opts])", "Reads one object in Torch7's format (shared references restored).",
  { { "opts", "as for torch.load" } }, mem("f:writeObject({a = 1})\nf:seek(1)\nprint(f:readObject().a)"))
F("writeObject", "f:writeObject(obj)", "Writes obj in Torch7's format (references tracked per file).",
  { { "obj", "a number, string, table, tensor, storage or torch.class object" } },
  mem("f:writeObject(torch.Tensor{1, 2})\nprint(f:position())"))
F("readBool", "f:readBool()", "Reads an Int and returns it as a boolean (1: true).", {},
  mem("f:writeBool(true)\nf:seek(1)\nprint(f:readBool())"))
F("writeBool", "f:writeBool(v)", "Writes v as an Int 1 or 0.", { { "v", "a boolean" } }, mem("f:writeBool(false)"))
F("binary", "f:binary()", "Binary encoding from now on; returns f.", {}, "local f = torch.MemoryFile():binary()\nprint(f:isBinary())")
F("ascii", "f:ascii()", "Ascii encoding (Torch7's text format) from now on; returns f.", {},
  "local f = torch.MemoryFile():ascii()\nprint(f:isBinary())")
F("isBinary", "f:isBinary()", "True in binary mode.", {}, "print(torch.MemoryFile():isBinary())")
F("autoSpacing", "f:autoSpacing()", "Ascii mode: spaces between values, a newline after each call (the default); returns f.", {},
  "print(torch.MemoryFile():autoSpacing():isAutoSpacing())")
F("noAutoSpacing", "f:noAutoSpacing()", "Ascii mode: no separators added; returns f.", {},
  "print(torch.MemoryFile():noAutoSpacing():isAutoSpacing())")
F("isAutoSpacing", "f:isAutoSpacing()", "True when ascii values get separators.", {},
  "print(torch.MemoryFile():isAutoSpacing())")
F("quiet", "f:quiet()", "Errors set a flag (hasError) instead of raising; returns f.", {},
  "local f = torch.MemoryFile(\"\", \"r\"):quiet()\nf:readInt()\nprint(f:hasError())")
F("pedantic", "f:pedantic()", "Errors raise (the default); returns f.", {}, "print(torch.MemoryFile():pedantic():isQuiet())")
F("isQuiet", "f:isQuiet()", "True when errors only set the flag.", {}, "print(torch.MemoryFile():isQuiet())")
F("hasError", "f:hasError()", "True when a quiet file met an error.", {}, "print(torch.MemoryFile():hasError())")
F("clearError", "f:clearError()", "Clears the error flag; returns f.", {}, "torch.MemoryFile():clearError()")
F("seek", "f:seek(pos)", "Moves to byte pos (1-based); returns f.", { { "pos", "a byte position" } },
  "local f = torch.MemoryFile(\"abc\", \"r\")\nf:seek(2)\nprint(f:readString(\"*a\"))")
F("seekEnd", "f:seekEnd()", "Moves to the end of the file; returns f.", {},
  "local f = torch.MemoryFile(\"abc\", \"r\")\nprint(f:seekEnd():position())")
F("position", "f:position()", "The current byte position (1-based).", {}, "print(torch.MemoryFile():position())")
F("littleEndianEncoding", "f:littleEndianEncoding()", "Binary values little-endian; returns f.", {},
  "torch.MemoryFile():binary():littleEndianEncoding()")
F("bigEndianEncoding", "f:bigEndianEncoding()", "Binary values big-endian; returns f.", {},
  "torch.MemoryFile():binary():bigEndianEncoding()")
F("nativeEndianEncoding", "f:nativeEndianEncoding()", "Binary values in the CPU's byte order (the default); returns f.", {},
  "torch.MemoryFile():binary():nativeEndianEncoding()")
F("isLittleEndianCPU", "f:isLittleEndianCPU()", "True on a little-endian CPU.", {},
  "print(torch.MemoryFile():isLittleEndianCPU())")
F("isBigEndianCPU", "f:isBigEndianCPU()", "True on a big-endian CPU.", {}, "print(torch.MemoryFile():isBigEndianCPU())")
F("longSize", "f:longSize([n])", "Bytes per Long in binary mode: 0 (native), 4 or 8; returns f.",
  { { "n", "0, 4 or 8" } }, "torch.MemoryFile():binary():longSize(4)")
F("referenced", "f:referenced(flag)", "Whether shared objects are written once and referenced (default true); returns f.",
  { { "flag", "a boolean" } }, "print(torch.MemoryFile():referenced(false):isReferenced())")
F("isReferenced", "f:isReferenced()", "True when shared objects are tracked.", {}, "print(torch.MemoryFile():isReferenced())")
F("isReadable", "f:isReadable()", "True when the file was opened for reading.", {}, "print(torch.MemoryFile():isReadable())")
F("isWritable", "f:isWritable()", "True when the file was opened for writing.", {}, "print(torch.MemoryFile():isWritable())")
F("isOpened", "f:isOpened()", "True until close.", {}, "local f = torch.MemoryFile()\nf:close()\nprint(f:isOpened())")
F("synchronize", "f:synchronize()", "Flushes buffered writes to the system; returns f.", {}, "torch.MemoryFile():synchronize()")
F("noBuffer", "f:noBuffer()", "Disables the write buffer of a disk file; returns f.", {}, "torch.MemoryFile():noBuffer()")
F("close", "f:close()", "Closes the file (twice is harmless).", {}, "torch.MemoryFile():close()")
F("storage", "f:storage()", "A MemoryFile's bytes, copied into a CharStorage ending with a NUL.", {},
  "local f = torch.MemoryFile()\nf:writeString(\"hi\")\nprint(f:storage():size())   -- 3")

return { title = "Files (torch.DiskFile, torch.MemoryFile)", docs = D }
