-- Quasi-Newton and conjugate-gradient optimisers with Torch7's optim
-- convention (whole-batch opfunc, many evaluations per call):
--   optim.lbfgs(opfunc, x [, config [, state]]) -> x, {f...}, nEvals
--   optim.cg(opfunc, x [, config [, state]])    -> x, {f...}, nEvals
--   optim.lswolfe(opfunc, x, t, d, f, g, gtd [, opts]) -> f, g, x, t, nEvals
-- L-BFGS keeps Torch7's structure (two-loop recursion over at most
-- nCorrection pairs, first step min(1, 1/|g|_1), stopping on tolFun/tolX,
-- maxIter, maxEval), with an optional strong-Wolfe line search.  cg is
-- nonlinear conjugate gradient (Polak-Ribiere+, restarts when the direction
-- is not a descent direction) with the same line search; Torch7's cg is a
-- port of Rasmussen's minimize.m: the stopping rules match, the iterates do not.
local torch = require "torch"

local M = {}

local function clone(x) return x:clone() end

-- one cubic interpolation step inside [lo, hi] from two points' f and f'
local function cubic(t1, f1, g1, t2, f2, g2, lo, hi)
  local d1 = g1 + g2 - 3 * (f1 - f2) / (t1 - t2)
  local sq = d1 * d1 - g1 * g2
  if sq >= 0 then
    local d2 = math.sqrt(sq)
    if t1 > t2 then d2 = -d2 end
    local t = t2 - (t2 - t1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    if t == t and t >= lo and t <= hi then return t end
  end
  return (lo + hi) / 2
end

--- optim.lswolfe(opfunc, x, t, d, f, g, gtd [, opts]) -> f, g, x, t, nEvals:
-- a line search along d from x (value f, gradient g, slope gtd = g.d < 0)
-- for a step t meeting the strong Wolfe conditions (opts.c1 1e-4, c2 0.9,
-- tolX 1e-9, maxIter 25).  x is moved to x + t d; g is a new tensor.
function M.lswolfe(opfunc, x, t, d, f, g, gtd, opts)
  opts = opts or {}
  local c1, c2 = opts.c1 or 1e-4, opts.c2 or 0.9
  local tolX, maxIter = opts.tolX or 1e-9, opts.maxIter or 25
  local x0 = clone(x)
  local evals = 0
  local function at(step)
    x:copy(x0):add(step, d)
    local fv, gv = opfunc(x)
    evals = evals + 1
    gv = clone(gv)
    return fv, gv, gv:dot(d)
  end
  local t_prev, f_prev, gtd_prev = 0, f, gtd
  local f_new, g_new, gtd_new = at(t)
  local lo, hi -- bracket: {t, f, gtd, g}
  local iter = 0
  while iter < maxIter do
    iter = iter + 1
    if f_new > f + c1 * t * gtd or (iter > 1 and f_new >= f_prev) then
      lo, hi = { t_prev, f_prev, gtd_prev }, { t, f_new, gtd_new, g_new }
      break
    end
    if math.abs(gtd_new) <= -c2 * gtd then
      return f_new, g_new, x, t, evals
    end
    if gtd_new >= 0 then
      lo, hi = { t, f_new, gtd_new, g_new }, { t_prev, f_prev, gtd_prev }
      break
    end
    local t_next = cubic(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, t + 0.01 * (t - t_prev), t * 10)
    t_prev, f_prev, gtd_prev = t, f_new, gtd_new
    t = t_next
    f_new, g_new, gtd_new = at(t)
  end
  if not lo then return f_new, g_new, x, t, evals end
  -- zoom between lo (satisfies sufficient decrease) and hi
  local best = { lo[1], lo[2], lo[3], lo[4] }
  while iter < maxIter do
    iter = iter + 1
    local a, b = math.min(lo[1], hi[1]), math.max(lo[1], hi[1])
    if b - a < tolX then break end
    local tz = cubic(lo[1], lo[2], lo[3], hi[1], hi[2], hi[3], a + 0.1 * (b - a), b - 0.1 * (b - a))
    local fz, gz, gtdz = at(tz)
    if fz > f + c1 * tz * gtd or fz >= lo[2] then
      hi = { tz, fz, gtdz, gz }
    else
      if math.abs(gtdz) <= -c2 * gtd then
        return fz, gz, x, tz, evals
      end
      if gtdz * (hi[1] - lo[1]) >= 0 then hi = lo end
      lo = { tz, fz, gtdz, gz }
      best = lo
    end
  end
  -- the best point with sufficient decrease found (possibly the start)
  if best[4] == nil then
    x:copy(x0)
    local fv, gv = opfunc(x)
    evals = evals + 1
    return fv, clone(gv), x, 0, evals
  end
  x:copy(x0):add(best[1], d)
  return best[2], best[4], x, best[1], evals
end

--- optim.lbfgs(opfunc, x [, config [, state]]) -> x, {f...}, nEvals:
-- limited-memory BFGS.  config: maxIter (20), maxEval (1.25 maxIter),
-- tolFun (1e-5: stop when max |g| is below), tolX (1e-9: stop when the step
-- or the change of f is below), nCorrection (100), learningRate (1: fixed
-- step when there is no line search), lineSearch (e.g. optim.lswolfe),
-- lineSearchOptions.  The state keeps the curvature pairs between calls.
function M.lbfgs(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local maxIter = config.maxIter or 20
  local maxEval = config.maxEval or maxIter * 1.25
  local tolFun = config.tolFun or 1e-5
  local tolX = config.tolX or 1e-9
  local nCorrection = config.nCorrection or 100
  local lineSearch = config.lineSearch
  local lsOpts = config.lineSearchOptions
  local lr = config.learningRate or 1
  state.funcEval = state.funcEval or 0
  state.nIter = state.nIter or 0

  local f, g = opfunc(x)
  g = clone(g)
  local f_hist = { f }
  local evals = 1
  state.funcEval = state.funcEval + 1
  if torch.abs(g):max() <= tolFun then return x, f_hist, evals end

  local d, t = state.d, state.t
  local old_s, old_y = state.old_dirs or {}, state.old_stps or {}
  local Hdiag = state.Hdiag or 1
  local g_old, f_old = state.g_old, state.f_old
  local nIter = 0
  while nIter < maxIter do
    nIter = nIter + 1
    state.nIter = state.nIter + 1
    if state.nIter == 1 then
      d = clone(g):mul(-1)
      old_s, old_y, Hdiag = {}, {}, 1
    else
      local y = clone(g):add(-1, g_old)
      local s = clone(d):mul(t)
      local ys = y:dot(s)
      if ys > 1e-10 then
        if #old_s == nCorrection then
          table.remove(old_s, 1)
          table.remove(old_y, 1)
        end
        old_s[#old_s + 1] = s
        old_y[#old_y + 1] = y
        Hdiag = ys / y:dot(y)
      end
      -- two-loop recursion: d = -H g
      local k = #old_s
      local ro, al = {}, {}
      for i = 1, k do ro[i] = 1 / old_y[i]:dot(old_s[i]) end
      local q = clone(g):mul(-1)
      for i = k, 1, -1 do
        al[i] = old_s[i]:dot(q) * ro[i]
        q:add(-al[i], old_y[i])
      end
      d = q:mul(Hdiag)
      for i = 1, k do
        local be = old_y[i]:dot(d) * ro[i]
        d:add(al[i] - be, old_s[i])
      end
    end
    g_old = clone(g)
    f_old = f
    local gtd = g:dot(d)
    if gtd > -tolX then break end
    if state.nIter == 1 then
      t = math.min(1, 1 / torch.abs(g):sum()) * lr
    else
      t = lr
    end
    local lsEvals = 0
    if lineSearch then
      f, g, x, t, lsEvals = lineSearch(opfunc, x, t, d, f, g, gtd, lsOpts)
      f_hist[#f_hist + 1] = f
    else
      x:add(t, d)
      if nIter ~= maxIter then
        f, g = opfunc(x)
        g = clone(g)
        lsEvals = 1
        f_hist[#f_hist + 1] = f
      end
    end
    evals = evals + lsEvals
    state.funcEval = state.funcEval + lsEvals
    if nIter == maxIter or evals >= maxEval then break end
    if torch.abs(g):max() <= tolFun then break end
    if torch.abs(d):max() * math.abs(t) <= tolX then break end
    if math.abs(f - f_old) < tolX then break end
  end
  state.d, state.t, state.old_dirs, state.old_stps = d, t, old_s, old_y
  state.Hdiag, state.g_old, state.f_old = Hdiag, g_old, f_old
  return x, f_hist, evals
end

--- optim.cg(opfunc, x [, config [, state]]) -> x, {f...}, nEvals: nonlinear
-- conjugate gradient (Polak-Ribiere+) with a strong-Wolfe line search.
-- config: maxEval (25), maxIter (maxEval), tolFun (1e-8), tolX (1e-10).
function M.cg(opfunc, x, config, state)
  config = config or {}
  state = state or config
  local maxEval = config.maxEval or 25
  local maxIter = config.maxIter or maxEval
  local tolFun = config.tolFun or 1e-8
  local tolX = config.tolX or 1e-10
  local f, g = opfunc(x)
  g = clone(g)
  local evals = 1
  local f_hist = { f }
  local d = clone(g):mul(-1)
  local t = 1 / (1 + torch.abs(g):sum())
  for _ = 1, maxIter do
    if torch.abs(g):max() <= tolFun then break end
    local gtd = g:dot(d)
    if gtd >= 0 then
      d = clone(g):mul(-1)
      gtd = -g:dot(g)
    end
    local f0 = f
    local g0 = g
    local ls
    f, g, x, t, ls = M.lswolfe(opfunc, x, t, d, f, g, gtd, { c2 = 0.1 })
    evals = evals + ls
    f_hist[#f_hist + 1] = f
    if evals >= maxEval or math.abs(f - f0) < tolX or torch.abs(d):max() * math.abs(t) < tolX then break end
    local beta = math.max(0, (g:dot(g) - g:dot(g0)) / g0:dot(g0))
    local slope_old = gtd
    d:mul(beta):add(-1, g)
    -- next initial step: keep the slope ratio (Rasmussen's rule of thumb)
    local gd = g:dot(d)
    if gd < 0 then t = t * math.min(10, slope_old / gd) else t = 1 / (1 + torch.abs(g):sum()) end
  end
  state.funcEval = (state.funcEval or 0) + evals
  return x, f_hist, evals
end

return M
