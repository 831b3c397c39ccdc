-- Tables: sort, concat, metatables, closures, coroutines.
local t = {5, 3, 8, 1, 9, 2, 7}
table.sort(t)
print(table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "), #t)
local people = {{name = "ana", age = 31}, {name = "bo", age = 25}, {name = "cy", age = 31}}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
for _, p in ipairs(people) do io.write(p.name, "(", p.age, ") ") end
print()
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words)
print(table.concat(words, " ", 2, 5))
table.insert(words, 1, "first"); table.insert(words, "last")
print(table.remove(words), table.remove(words, 1), #words, select("#", table.unpack(words)))
print(table.concat(table.move({1, 2, 3}, 1, 3, 2, {0}), ","), table.pack(1, nil, 3).n)

-- metatables: a small vector type
local Vec = {}
Vec.__index = Vec
local function vec(x, y) return setmetatable({x = x, y = y}, Vec) end
Vec.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__lt = function(a, b) return a:len2() < b:len2() end
Vec.__tostring = function(v) return "(" .. v.x .. ", " .. v.y .. ")" end
Vec.__len = function() return 2 end
Vec.__call = function(v, k) return v.x * k end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), a == vec(1, 2), a < b, #a, a(10), getmetatable(a) == Vec)
local defaults = setmetatable({}, {__index = function(_, k) return "default:" .. k end})
print(defaults.color, rawget(defaults, "color"))
local log = {}
local proxy = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
proxy.a = 1; proxy.b = 2; proxy.a = 3
print(table.concat(log, ","), proxy.a)

-- closures: counters share nothing, upvalues are shared within one
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc1, get1 = counter()
local inc2 = counter()
inc1(); inc1(); inc2()
print(get1(), inc2())
local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print(fns[1](), fns[2](), fns[3]())

-- coroutines: a generator, passing values both ways, status, wrap
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local sum = 0
for i in range(10) do sum = sum + i end
print(sum)
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.status(co), coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
print(coroutine.isyieldable(), select(2, coroutine.running()))
