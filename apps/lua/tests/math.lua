-- Math: integer and float arithmetic, the math library, a seeded generator.
print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7.5 // 2, 7 / 2, 2^10, 10 // 0.0, -10 % math.huge)
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger)
print(math.type(1), math.type(1.0), math.type("1"), math.tointeger(3.0), math.tointeger(3.5))
print(math.floor(-2.5), math.ceil(-2.5), math.floor(2^62), math.abs(math.mininteger))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3.5), math.modf(3.7), math.modf(-3.7))
print(math.sqrt(2), math.sqrt(144), math.pi, math.huge, -math.huge)
print(math.sin(0), math.cos(0), math.sin(math.pi / 6), math.tan(math.pi / 4))
print(math.exp(1), math.log(100, 10), math.log(8, 2), math.log(1), math.atan(1, 1) * 4)
print(math.max(3, 7.5, -1), math.min(3, 7.5, -1), math.ult(1, -1))
print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 62, 1 << 64, -1 >> 60)
print(10 == 10.0, "10" + 5, "3.5" * 2, 0x10, 0xA.8p1, 1e2, tonumber("0x1p4"), tonumber("z", 36))
print(tonumber("  12  "), tonumber("12a"), tonumber("1e"), tonumber("101", 2), tonumber(" -0x10 "))
math.randomseed(42)
local r = {}
for i = 1, 8 do r[i] = math.random(1, 1000) end
print(table.concat(r, " "))
math.randomseed(7, 11)
print(math.random(1, 6), math.random(100), string.format("%.6f", math.random()))
local ok = true
for _ = 1, 1000 do local x = math.random(5, 9); ok = ok and x >= 5 and x <= 9 end
print(ok)
