-- moonlab.notebook.export: a run notebook as one page.  HTML: a single
-- self-contained file (styles inline, figures as data: URIs, no scripts, no
-- external fetches), code highlighted, prose rendered from CommonMark by
-- libcmark.  Markdown: code and outputs fenced, figures written as PNG files
-- in a folder beside the page.  Running is moonlab.notebook's business.
local torch = require "torch"

local N = torch._notebook
local M = {}

local function esc(s)
  return (tostring(s):gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end
M.escape = esc

-- ---------------------------------------------------------------- Lua highlighting

local KEYWORDS = {}
for w in ([[and break do else elseif end false for function goto if in local nil not or
  repeat return then true until while]]):gmatch("%a+") do KEYWORDS[w] = true end
local BUILTINS = {}
for w in ([[assert error ipairs next pairs pcall print rawequal rawget rawlen rawset require
  select setmetatable getmetatable tonumber tostring type xpcall torch math string table io os
  coroutine utf8 debug plot help]]):gmatch("%a+") do BUILTINS[w] = true end

-- The end of a long bracket starting at i ("[[", "[==["), or nil.
local function long_end(src, i)
  local eqs = src:match("^%[(=*)%[", i)
  if not eqs then return nil end
  local _, e = src:find("]" .. eqs .. "]", i + #eqs + 2, true)
  return e or #src
end

--- export.tokens(src) -> list of {class, text}: class is "kw", "builtin",
-- "str", "com", "num" or nil (plain); the texts concatenate to src.
function M.tokens(src)
  local out, i, n = {}, 1, #src
  local function add(class, j)
    out[#out + 1] = { class, src:sub(i, j) }
    i = j + 1
  end
  while i <= n do
    local c = src:sub(i, i)
    if src:sub(i, i + 1) == "--" then
      local e = long_end(src, i + 2)
      if not e then e = (src:find("\n", i, true) or n + 1) - 1 end
      add("com", e)
    elseif c == "[" and long_end(src, i) then
      add("str", long_end(src, i))
    elseif c == '"' or c == "'" then
      local j = i + 1
      while j <= n do
        local d = src:sub(j, j)
        if d == "\\" then j = j + 2
        elseif d == c or d == "\n" then break
        else j = j + 1 end
      end
      add("str", math.min(j, n))
    elseif c:match("%d") or (c == "." and src:sub(i + 1, i + 1):match("%d")) then
      local e = select(2, src:find("^0[xX][%x%.]*[pP]?[-+]?%x*", i))
        or select(2, src:find("^[%d%.]*[eE][-+]?%d+", i)) or select(2, src:find("^[%d%.]+", i))
      add("num", e)
    elseif c:match("[%a_]") then
      local e = select(2, src:find("^[%w_]+", i))
      local w = src:sub(i, e)
      add(KEYWORDS[w] and "kw" or (BUILTINS[w] and src:sub(i - 1, i - 1) ~= "." and src:sub(i - 1, i - 1) ~= ":") and "builtin" or nil, e)
    else
      local e = select(2, src:find("^[^%w_\"'%-%[%.]+", i)) or i
      add(nil, e)
    end
  end
  return out
end

--- export.highlight(src) -> HTML of Lua source with <span class=...>s.
function M.highlight(src)
  local parts = {}
  for _, t in ipairs(M.tokens(src)) do
    parts[#parts + 1] = t[1] and ('<span class="' .. t[1] .. '">' .. esc(t[2]) .. "</span>") or esc(t[2])
  end
  return table.concat(parts)
end

-- ---------------------------------------------------------------- HTML

local CSS = [[
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2329;line-height:1.5}
h1,h2,h3{line-height:1.25}
.cell{margin:1.2rem 0}
.code{display:flex;gap:.6rem}
.label{color:#6a737d;font:0.8rem ui-monospace,monospace;min-width:4.5rem;text-align:right;padding-top:.55rem}
pre{margin:0;padding:.5rem .7rem;overflow-x:auto;font:0.88rem/1.45 ui-monospace,SFMono-Regular,Menlo,monospace;border-radius:4px}
.src{background:#f6f8fa;border:1px solid #e1e4e8;flex:1}
.out{background:#fff;border-left:3px solid #d0d7de;margin:.35rem 0 0 5.1rem}
.val{background:#fff;border-left:3px solid #8fb3e0;margin:.35rem 0 0 5.1rem}
.err{background:#fff5f5;border-left:3px solid #d73a49;color:#86181d;margin:.35rem 0 0 5.1rem}
.skip{color:#6a737d;font-style:italic;margin:.35rem 0 0 5.1rem}
figure{margin:.5rem 0 0 5.1rem}
figure img{max-width:100%;height:auto;border:1px solid #eaecef}
.kw{color:#d73a49;font-weight:600}.builtin{color:#005cc5}.str{color:#032f62}.com{color:#6a737d;font-style:italic}.num{color:#005cc5}
.prose{margin-left:5.1rem}
footer{color:#6a737d;font-size:.8rem;margin-top:2rem;border-top:1px solid #eaecef;padding-top:.5rem}
]]

local function title_of(nb)
  for _, c in ipairs(nb.cells) do
    if c.kind == "markdown" then
      local t = c.source:match("^#%s+([^\n]+)") or c.source:match("\n#%s+([^\n]+)")
      if t then return t end
    end
  end
  return nb.name or "notebook"
end

local function error_text(e)
  local where = e.line and string.format("cell %d, line %d%s", e.cell, e.line,
    e.file_line and string.format(" (file line %d)", e.file_line) or "") or string.format("cell %d", e.cell)
  local text = "Error in " .. where .. ": " .. e.message
  if e.traceback and e.traceback ~= "" then text = text .. "\n" .. e.traceback end
  return text
end
M.error_text = error_text

--- export.html(nb, results [, opts]) -> the page's text.  opts.title
-- overrides the first heading as the page title.
function M.html(nb, results, opts)
  opts = opts or {}
  local title = opts.title or title_of(nb)
  local out = { "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<title>", esc(title), "</title>\n<style>\n", CSS, "</style>\n</head>\n<body>\n" }
  local function w(...) for i = 1, select("#", ...) do out[#out + 1] = select(i, ...) end end
  local nfig = 0
  for i, cell in ipairs(nb.cells) do
    local r = results.cells[i] or {}
    if cell.kind == "markdown" then
      w('<div class="cell prose">\n', N.markdown(cell.source, true), "</div>\n")
    elseif cell.kind == "raw" then
      w('<div class="cell"><pre class="out">', esc(cell.source), "</pre></div>\n")
    else
      local label = r.index and ("[" .. r.index .. "]") or ""
      w('<div class="cell" id="cell-', tostring(r.index or i), '">\n<div class="code"><div class="label">', label,
        '</div><pre class="src"><code>', M.highlight(cell.source), "</code></pre></div>\n")
      if r.output and r.output ~= "" then w('<pre class="out">', esc(r.output), "</pre>\n") end
      if r.value then w('<pre class="val">', esc(r.value), "</pre>\n") end
      for k, png in ipairs(r.plots or {}) do
        nfig = nfig + 1
        w('<figure><img alt="figure ', tostring(k), " of cell ", tostring(r.index), '" src="data:image/png;base64,',
          N.base64(png), '"></figure>\n')
      end
      if r.error then w('<pre class="err">', esc(error_text(r.error)), "</pre>\n") end
      if r.status == "not run" then w('<div class="skip">not run (an earlier cell failed)</div>\n') end
      w("</div>\n")
    end
  end
  local ncode, nerr, ncached = 0, 0, 0
  for _, r in ipairs(results.cells) do
    if r.index then ncode = ncode + 1 end
    if r.status == "error" then nerr = nerr + 1 end
    if r.status == "cached" then ncached = ncached + 1 end
  end
  w(string.format("<footer>%s: %d code cells, %d failed%s, %d figures, %.2f s. Made by moonlab.</footer>\n",
    esc(nb.name or "notebook"), ncode, nerr, ncached > 0 and (", " .. ncached .. " from the cache") or "",
    nfig, results.time or 0))
  w("</body>\n</html>\n")
  return table.concat(out)
end

-- ---------------------------------------------------------------- Markdown

local function fence(text)
  local longest = 2
  for run in text:gmatch("`+") do longest = math.max(longest, #run) end
  return string.rep("`", longest + 1)
end

--- export.markdown(nb, results, figdir) -> the page's text and a list of
-- {name, png} figure files, named relative to the page as figdir/cellN-K.png.
function M.markdown(nb, results, figdir)
  local out, files = {}, {}
  local function w(...) for i = 1, select("#", ...) do out[#out + 1] = select(i, ...) end end
  for i, cell in ipairs(nb.cells) do
    local r = results.cells[i] or {}
    if cell.kind == "markdown" then
      w(cell.source, "\n\n")
    elseif cell.kind == "raw" then
      local f = fence(cell.source)
      w(f, "\n", cell.source, "\n", f, "\n\n")
    else
      local f = fence(cell.source)
      w(f, "lua\n", cell.source, "\n", f, "\n\n")
      local shown = {}
      if r.output and r.output ~= "" then shown[#shown + 1] = (r.output:gsub("\n$", "")) end
      if r.value then shown[#shown + 1] = r.value end
      if #shown > 0 then
        local text = table.concat(shown, "\n")
        local g = fence(text)
        w(g, "text\n", text, "\n", g, "\n\n")
      end
      for k, png in ipairs(r.plots or {}) do
        local name = string.format("%s/cell%d-%d.png", figdir, r.index, k)
        files[#files + 1] = { name, png }
        w(string.format("![figure %d of cell %d](%s)\n\n", k, r.index, name))
      end
      if r.error then
        local text = error_text(r.error)
        local g = fence(text)
        w(g, "text\n", text, "\n", g, "\n\n")
      end
      if r.status == "not run" then w("*not run (an earlier cell failed)*\n\n") end
    end
  end
  local s = table.concat(out):gsub("\n+$", "\n")
  return s, files
end

-- Writes text to path through a temporary file renamed into place.
function M.write_file(path, text)
  local tmp = path .. ".tmp" .. tostring(os.time())
  local f, err = io.open(tmp, "wb")
  if not f then return nil, err end
  local ok, werr = f:write(text)
  f:close()
  if not ok then os.remove(tmp); return nil, werr end
  local rok, rerr = os.rename(tmp, path)
  if not rok then os.remove(tmp); return nil, rerr end
  return true
end

return M
