-- moonlab.docs.util: builds docstrings in the one layout help() shows:
-- signature line, one-line summary, the arguments, an example.
local U = {}

--- U.doc(sig, summary, args, example [, notes]) -> docstring text.
-- args: a list of {name, meaning} pairs (empty: "none"); example: Lua code
-- (lines), run by tests/lua/test_help.lua unless it starts with "--norun";
-- notes: extra lines placed after the arguments.
function U.doc(sig, summary, args, example, notes)
  local out = { sig, summary, "", "Arguments:" }
  if #args == 0 then
    out[#out + 1] = "  none"
  else
    local w = 0
    for _, a in ipairs(args) do w = math.max(w, #a[1]) end
    for _, a in ipairs(args) do
      out[#out + 1] = "  " .. a[1] .. string.rep(" ", w - #a[1] + 2) .. a[2]
    end
  end
  if notes and notes ~= "" then
    out[#out + 1] = ""
    for line in (notes .. "\n"):gmatch("(.-)\n") do out[#out + 1] = line end
  end
  out[#out + 1] = ""
  out[#out + 1] = "Example:"
  for line in (example .. "\n"):gmatch("(.-)\n") do out[#out + 1] = "  " .. line end
  return table.concat(out, "\n")
end

--- U.example(docstring) -> the example's code (indentation removed), or nil.
function U.example(text)
  local code = text:match("\nExample:\n(.*)$")
  if not code then return nil end
  return (code:gsub("\n  ", "\n"):gsub("^  ", ""))
end

return U
