-- optim.ConfusionMatrix: Torch7's confusion matrix of a classifier.
-- mat[target][prediction] counts; predictions may be class indices or
-- score vectors (the arg max is taken).  updateValids() computes per-class
-- accuracy (valids), their mean (averageValid), the global accuracy
-- (totalValid) and the intersection-over-union per class (unionvalids,
-- averageUnionValid).  Printing gives the matrix with per-class accuracies.
-- Not here: Torch7's image rendering and farFrom/nearest-class helpers.
local torch = require "torch"

local CM = {}
CM.__index = CM

--- optim.ConfusionMatrix(nclasses | classes) -> a new zeroed matrix; classes
-- is a list of class names (their count is the number of classes).
local function new(nclasses, classes)
  if type(nclasses) == "table" then
    classes = nclasses
    nclasses = #classes
  end
  if type(nclasses) ~= "number" or nclasses < 1 then
    error("optim.ConfusionMatrix: expected a number of classes or a list of class names", 2)
  end
  local self = setmetatable({}, CM)
  self.nclasses = nclasses
  self.classes = classes or {}
  self.mat = torch.LongTensor(nclasses, nclasses):zero()
  self.valids = torch.zeros(nclasses)
  self.unionvalids = torch.zeros(nclasses)
  self.totalValid = 0
  self.averageValid = 0
  self.averageUnionValid = 0
  return self
end

local function class_of(self, v, what)
  if torch.isTensor(v) then
    if v:nElement() == 1 then
      v = v:view(-1)[1]
    else
      local _, i = v:view(-1):max(1)
      v = i[1]
    end
  end
  v = math.tointeger(v) or v
  if math.type(v) ~= "integer" or v < 1 or v > self.nclasses then
    error(string.format("optim.ConfusionMatrix.add: %s %s is not a class (1..%d)", what, tostring(v), self.nclasses), 3)
  end
  return v
end

--- cm:add(prediction, target) -> self: one sample.
function CM:add(prediction, target)
  local p = class_of(self, prediction, "prediction")
  local t = class_of(self, target, "target")
  self.mat[t][p] = self.mat[t][p] + 1
  return self
end

--- cm:batchAdd(predictions, targets) -> self: predictions (N) indices or
-- (N, nclasses) scores; targets (N) indices or (N, nclasses) one-hot.
function CM:batchAdd(predictions, targets)
  local n = predictions:size(1)
  local pi, ti
  if predictions:dim() == 2 then _, pi = predictions:max(2); pi = pi:view(-1) else pi = predictions end
  if targets:dim() == 2 then _, ti = targets:max(2); ti = ti:view(-1) else ti = targets end
  if ti:size(1) ~= n then
    error(string.format("optim.ConfusionMatrix.batchAdd: %d predictions but %d targets", n, ti:size(1)), 2)
  end
  for i = 1, n do self:add(pi[i], ti[i]) end
  return self
end

--- cm:zero() -> self: all counts back to 0.
function CM:zero()
  self.mat:zero()
  self.valids:zero()
  self.unionvalids:zero()
  self.totalValid, self.averageValid, self.averageUnionValid = 0, 0, 0
  return self
end

--- cm:updateValids() -> self: recomputes the accuracy fields.
function CM:updateValids()
  local n = self.nclasses
  local total, diag = 0, 0
  local sv, su, nv = 0, 0, 0
  for t = 1, n do
    local row, col = 0, 0
    for p = 1, n do
      row = row + self.mat[t][p]
      col = col + self.mat[p][t]
    end
    local d = self.mat[t][t]
    total = total + row
    diag = diag + d
    self.valids[t] = row > 0 and d / row or 0 / 0
    local union = row + col - d
    self.unionvalids[t] = union > 0 and d / union or 0 / 0
    if row > 0 then
      sv = sv + self.valids[t]
      nv = nv + 1
    end
    if union > 0 then su = su + self.unionvalids[t] end
  end
  self.totalValid = total > 0 and diag / total or 0
  self.averageValid = nv > 0 and sv / nv or 0
  self.averageUnionValid = nv > 0 and su / nv or 0
  return self
end

--- tostring(cm): the matrix, each row's accuracy, and the global figures.
function CM:__tostring()
  self:updateValids()
  local lines = { "ConfusionMatrix:" }
  local n = self.nclasses
  local width = 1
  for t = 1, n do for p = 1, n do width = math.max(width, #tostring(self.mat[t][p])) end end
  for t = 1, n do
    local cells = {}
    for p = 1, n do cells[p] = string.format("%" .. width .. "d", self.mat[t][p]) end
    local acc = self.valids[t]
    local name = self.classes[t] and (" \t[class: " .. tostring(self.classes[t]) .. "]") or ""
    lines[#lines + 1] = string.format("%s[%s]  %6.3f%%%s", t == 1 and "[" or " ", table.concat(cells, " "),
      acc == acc and acc * 100 or 0, name) .. (t == n and "]" or "")
  end
  lines[#lines + 1] = string.format(" + average row correct: %g%%", self.averageValid * 100)
  lines[#lines + 1] = string.format(" + average rowUcol correct (VOC measure): %g%%", self.averageUnionValid * 100)
  lines[#lines + 1] = string.format(" + global correct: %g%%", self.totalValid * 100)
  return table.concat(lines, "\n")
end

return new
