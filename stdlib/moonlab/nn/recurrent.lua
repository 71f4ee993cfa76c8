-- Recurrent layers over batch-first sequences: nn.RNN, nn.LSTM, nn.GRU.
-- Input (N, T, inputSize) (or (T, inputSize) for one sequence); output the
-- hidden state at every step, (N, T, hiddenSize); the initial state is
-- zero.  backward is backpropagation through the whole sequence.
-- Parameters use PyTorch's layout and gate order so weights move between
-- the two: weight_ih (G*H, I), weight_hh (G*H, H), bias_ih, bias_hh (G*H)
-- with G = 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n); reset draws
-- uniform(-1/sqrt(H), 1/sqrt(H)).  The input projection of all steps is
-- one GEMM; each step is one more GEMM on the hidden state.
-- Not here: several layers, bidirectional runs, a carried-over state
-- between calls, packed variable-length sequences.
local torch = require "torch"
local nn = package.loaded["moonlab.nn"]
local util = nn.utils
local Module = nn.Module

local function fail(who, fmt, ...)
  error(who .. ": " .. string.format(fmt, ...), 3)
end

local Rec = torch.class("nn.Recurrent_", "nn.Module", nn)

function Rec:__init(inputSize, hiddenSize, gates)
  Module.__init(self)
  if type(inputSize) ~= "number" or type(hiddenSize) ~= "number" then
    error(torch.type(self) .. ": expected (inputSize, hiddenSize)", 3)
  end
  self.inputSize, self.hiddenSize, self.gates = inputSize, hiddenSize, gates
  local G = gates * hiddenSize
  self.weight_ih = torch.Tensor(G, inputSize)
  self.weight_hh = torch.Tensor(G, hiddenSize)
  self.bias_ih = torch.Tensor(G)
  self.bias_hh = torch.Tensor(G)
  self.gradWeight_ih = torch.Tensor(G, inputSize):zero()
  self.gradWeight_hh = torch.Tensor(G, hiddenSize):zero()
  self.gradBias_ih = torch.Tensor(G):zero()
  self.gradBias_hh = torch.Tensor(G):zero()
  self:reset()
end

function Rec:reset(stdv)
  stdv = stdv or 1 / math.sqrt(self.hiddenSize)
  for _, t in ipairs { self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh } do t:uniform(-stdv, stdv) end
  return self
end

function Rec:parameters()
  return { self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh },
    { self.gradWeight_ih, self.gradWeight_hh, self.gradBias_ih, self.gradBias_hh }
end

-- (N, T, I) view of the input
function Rec:_seq(input)
  local who = torch.type(self)
  local x = input
  if x:dim() == 2 then x = x:view(1, x:size(1), x:size(2))
  elseif x:dim() ~= 3 then fail(who, "expected (N, T, %d) or (T, %d) input, got %s", self.inputSize, self.inputSize, util.shape(input)) end
  if x:size(3) ~= self.inputSize then
    fail(who, "expected %d input features, got input %s", self.inputSize, util.shape(input))
  end
  return x:contiguous()
end

function Rec:updateOutput(input)
  local x = self:_seq(input)
  local N, T, H = x:size(1), x:size(2), self.hiddenSize
  local G = self.gates * H
  -- input projections of every step at once: (N*T, G)
  local xw = util.new(x):resize(N * T, G)
  xw:mm(x:view(N * T, self.inputSize), self.weight_ih:t())
  xw:add(self.bias_ih:view(1, G):expand(N * T, G))
  xw = xw:view(N, T, G)
  self._steps = {}
  local h = util.new(x):resize(N, H):zero()
  local c = self.gates == 4 and util.new(x):resize(N, H):zero() or nil
  local out = util.new(x):resize(N, T, H)
  for t = 1, T do
    local hw = util.new(x):resize(N, G):mm(h, self.weight_hh:t())
    hw:add(self.bias_hh:view(1, G):expand(N, G))
    local st = { h_prev = h, c_prev = c }
    h, c = self:_step(st, xw:select(2, t), hw)
    self._steps[t] = st
    out:select(2, t):copy(h)
  end
  self._x = x
  self.output = input:dim() == 2 and out:view(T, H) or out
  return self.output
end

function Rec:_backward(input, gradOutput, scale, accumulate)
  local x = self._x
  local N, T, H = x:size(1), x:size(2), self.hiddenSize
  local G = self.gates * H
  local go = gradOutput:contiguous():view(N, T, H)
  local dxw = util.new(x):resize(N, T, G)
  local dh = util.new(x):resize(N, H):zero()
  local dc = self.gates == 4 and util.new(x):resize(N, H):zero() or nil
  for t = T, 1, -1 do
    dh:add(go:select(2, t))
    local st = self._steps[t]
    local dhw
    dhw, dc = self:_step_back(st, dh, dc, dxw:select(2, t))
    if accumulate then
      self.gradWeight_hh:addmm(scale, dhw:t(), st.h_prev)
      self.gradBias_hh:add(scale, dhw:sum(1):view(-1))
    end
    -- the state's gradient for step t - 1: the direct path (set by _step_back) + through W_hh
    dh = st.dh_prev:addmm(1, dhw, self.weight_hh)
  end
  local flat = dxw:view(N * T, G)
  if accumulate then
    self.gradWeight_ih:addmm(scale, flat:t(), x:view(N * T, self.inputSize))
    self.gradBias_ih:add(scale, flat:sum(1):view(-1))
  end
  local gi = util.new(x):resize(N * T, self.inputSize):mm(flat, self.weight_ih)
  self.gradInput = gi:viewAs(input)
  return self.gradInput
end

function Rec:updateGradInput(input, gradOutput)
  return self:_backward(input, gradOutput, 1, false)
end

function Rec:accGradParameters(input, gradOutput, scale)
  self:_backward(input, gradOutput, scale or 1, true)
end

function Rec:backward(input, gradOutput, scale)
  return self:_backward(input, gradOutput, scale or 1, true)
end

function Rec:clearState()
  self._steps, self._x = nil, nil
  return Module.clearState(self)
end

function Rec:__tostring__()
  return string.format("%s(%d -> %d)", torch.type(self), self.inputSize, self.hiddenSize)
end

local function sigmoid_(t) return t:sigmoid() end

-- ---------------------------------------------------------------- RNN

local RNN = torch.class("nn.RNN", "nn.Recurrent_", nn)

--- nn.RNN(inputSize, hiddenSize [, nonlinearity]) -- h_t = tanh(W_ih x_t +
-- b_ih + W_hh h_{t-1} + b_hh) ("relu" for a ReLU) over (N, T, I) -> (N, T, H).
function RNN:__init(inputSize, hiddenSize, nonlinearity)
  self.nonlinearity = nonlinearity or "tanh"
  if self.nonlinearity ~= "tanh" and self.nonlinearity ~= "relu" then
    error("nn.RNN: nonlinearity must be 'tanh' or 'relu'", 2)
  end
  Rec.__init(self, inputSize, hiddenSize, 1)
end

function RNN:_step(st, xw, hw)
  local h = hw:add(xw)
  if self.nonlinearity == "tanh" then h:tanh() else h:clamp(0, math.huge) end
  st.h = h
  return h, nil
end

function RNN:_step_back(st, dh, _, dxw_t)
  local da = dh:clone()
  if self.nonlinearity == "tanh" then
    da:cmul(util.new(st.h):resizeAs(st.h):copy(st.h):cmul(st.h):mul(-1):add(1))
  else
    da:maskedFill(st.h:le(0), 0)
  end
  dxw_t:copy(da)
  st.dh_prev = util.new(dh):resizeAs(dh):zero()
  return da, nil
end

-- ---------------------------------------------------------------- LSTM

local LSTM = torch.class("nn.LSTM", "nn.Recurrent_", nn)

--- nn.LSTM(inputSize, hiddenSize) -- long short-term memory over (N, T, I)
-- -> (N, T, H): gates i, f, g, o from W_ih x_t + b_ih + W_hh h_{t-1} + b_hh;
-- c_t = f c_{t-1} + i g, h_t = o tanh(c_t).
function LSTM:__init(inputSize, hiddenSize)
  Rec.__init(self, inputSize, hiddenSize, 4)
end

function LSTM:_step(st, xw, hw)
  local H = self.hiddenSize
  local a = hw:add(xw)
  local i = sigmoid_(a:narrow(2, 1, H))
  local f = sigmoid_(a:narrow(2, H + 1, H))
  local g = a:narrow(2, 2 * H + 1, H):tanh()
  local o = sigmoid_(a:narrow(2, 3 * H + 1, H))
  local c = util.new(a):resizeAs(f):copy(f):cmul(st.c_prev):addcmul(1, i, g)
  local tc = util.new(a):resizeAs(c):copy(c):tanh()
  local h = util.new(a):resizeAs(o):copy(o):cmul(tc)
  st.i, st.f, st.g, st.o, st.c, st.tc = i, f, g, o, c, tc
  return h, c
end

function LSTM:_step_back(st, dh, dc, dxw_t)
  local H = self.hiddenSize
  local function one_minus(t) return util.new(t):resizeAs(t):copy(t):mul(-1):add(1) end
  -- dc_total = dh o (1 - tanh(c)^2) + dc from step t + 1
  local dct = util.new(dh):resizeAs(dh):copy(st.tc):cmul(st.tc):mul(-1):add(1):cmul(st.o):cmul(dh):add(dc)
  -- the gates' pre-activation gradients, written into this step's slice
  dxw_t:narrow(2, 3 * H + 1, H):copy(dh):cmul(st.tc):cmul(st.o):cmul(one_minus(st.o))
  dxw_t:narrow(2, 1, H):copy(dct):cmul(st.g):cmul(st.i):cmul(one_minus(st.i))
  dxw_t:narrow(2, H + 1, H):copy(dct):cmul(st.c_prev):cmul(st.f):cmul(one_minus(st.f))
  local g2 = util.new(dh):resizeAs(st.g):copy(st.g):cmul(st.g):mul(-1):add(1)
  dxw_t:narrow(2, 2 * H + 1, H):copy(dct):cmul(st.i):cmul(g2)
  st.dh_prev = util.new(dh):resizeAs(dh):zero()
  local dc_prev = dct:cmul(st.f)
  return dxw_t, dc_prev
end

-- ---------------------------------------------------------------- GRU

local GRU = torch.class("nn.GRU", "nn.Recurrent_", nn)

--- nn.GRU(inputSize, hiddenSize) -- gated recurrent unit (PyTorch's form)
-- over (N, T, I) -> (N, T, H): r, z = sigmoid(...), n = tanh(W_in x + b_in +
-- r (W_hn h + b_hn)), h_t = (1 - z) n + z h_{t-1}.
function GRU:__init(inputSize, hiddenSize)
  Rec.__init(self, inputSize, hiddenSize, 3)
end

function GRU:_step(st, xw, hw)
  local H = self.hiddenSize
  local r = util.new(xw):resize(xw:size(1), H):copy(xw:narrow(2, 1, H)):add(hw:narrow(2, 1, H)):sigmoid()
  local z = util.new(xw):resize(xw:size(1), H):copy(xw:narrow(2, H + 1, H)):add(hw:narrow(2, H + 1, H)):sigmoid()
  local hn = hw:narrow(2, 2 * H + 1, H)
  local n = util.new(xw):resizeAs(r):copy(hn):cmul(r):add(xw:narrow(2, 2 * H + 1, H)):tanh()
  -- h = n + z (h_prev - n)
  local h = util.new(xw):resizeAs(n):copy(st.h_prev):add(-1, n):cmul(z):add(n)
  st.r, st.z, st.n, st.hn = r, z, n, hn:clone()
  return h, nil
end

function GRU:_step_back(st, dh, _, dxw_t)
  local H = self.hiddenSize
  local N = dh:size(1)
  local dhw = util.new(dh):resize(N, 3 * H)
  -- dn = dh (1 - z); dz = dh (h_prev - n); direct dh_prev = dh z
  local dn = util.new(dh):resizeAs(dh):copy(st.z):mul(-1):add(1):cmul(dh)
  local dz = util.new(dh):resizeAs(dh):copy(st.h_prev):add(-1, st.n):cmul(dh)
  st.dh_prev = util.new(dh):resizeAs(dh):copy(dh):cmul(st.z)
  local dan = dn:cmul(util.new(dh):resizeAs(st.n):copy(st.n):cmul(st.n):mul(-1):add(1))
  local dr = util.new(dh):resizeAs(dan):copy(dan):cmul(st.hn)
  local dar = dr:cmul(st.r):cmul(util.new(dh):resizeAs(st.r):copy(st.r):mul(-1):add(1))
  local daz = dz:cmul(st.z):cmul(util.new(dh):resizeAs(st.z):copy(st.z):mul(-1):add(1))
  dxw_t:narrow(2, 1, H):copy(dar)
  dxw_t:narrow(2, H + 1, H):copy(daz)
  dxw_t:narrow(2, 2 * H + 1, H):copy(dan)
  dhw:narrow(2, 1, H):copy(dar)
  dhw:narrow(2, H + 1, H):copy(daz)
  dhw:narrow(2, 2 * H + 1, H):copy(dan):cmul(st.r)
  return dhw, nil
end

return RNN
