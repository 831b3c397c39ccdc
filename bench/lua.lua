-- bench-lua: CPU-bound Lua, run by lua.nabla and lua-native alike. Runs the
-- case named by the global CASE (set with a first -e), or every case; prints
-- each case's time on stdout. Results are checked, so a wrong answer fails
-- the run instead of being timed.
local cases = {}

-- Function calls: naive recursive Fibonacci (7049155 calls).
cases.fib = function()
  local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
  assert(fib(32) == 2178309)
end

-- Table sorting with a Lua comparator, seeded so both sides sort the same.
cases.sort = function()
  math.randomseed(42)
  local n, t = 300000, {}
  for i = 1, n do t[i] = math.random(1, 1 << 40) end
  table.sort(t, function(a, b) return a > b end)
  for i = 2, n do assert(t[i - 1] >= t[i]) end
end

-- String building: format, rep, concat, then gsub and gmatch over the result.
cases.strings = function()
  local parts = {}
  for i = 1, 200000 do parts[i] = string.format("%d:%s;", i, ("ab"):rep(i % 8)) end
  local s = table.concat(parts)
  local swapped, n = s:gsub("a(b)", "%1A")
  local count = 0
  for _ in swapped:gmatch("%d+:") do count = count + 1 end
  assert(count == 200000 and n == 700000)
end

-- Objects: metatables, closures and garbage, as an OO program makes them.
cases.objects = function()
  local Vec = {}
  Vec.__index = Vec
  Vec.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, Vec) end
  function Vec:scaled(k) return setmetatable({x = self.x * k, y = self.y * k}, Vec) end
  local acc = setmetatable({x = 0, y = 0}, Vec)
  local n = 1000000
  for i = 1, n do
    local v = setmetatable({x = i, y = -i}, Vec)
    local twice = function() return v:scaled(2) end
    acc = acc + twice()
  end
  assert(acc.x == n * (n + 1) and acc.y == -acc.x)
end

local order = CASE and {CASE} or {"fib", "sort", "strings", "objects"}
for _, name in ipairs(order) do
  local run = assert(cases[name], "no such case")
  local t0 = os.clock()
  run()
  print(string.format("%-8s %8.1f ms", name, (os.clock() - t0) * 1000))
end
