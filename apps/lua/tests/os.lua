-- os: time, date for a fixed time, clock, environment. Run with TZ=UTC and
-- LUA_TEST_GREETING set (the test sets both, on both sides).
local fixed = 1709208000 -- 2024-02-29 12:00:00 UTC
print(os.date("!%Y-%m-%d %H:%M:%S", fixed), os.date("!%c", 0))
print(os.date("%A %a %B %b %d %e %j %U %W %w %y %H %I %M %p %%", fixed))
print(os.date("%x %X %D %F %T %R %Z", fixed))
local t = os.date("*t", fixed)
print(t.year, t.month, t.day, t.hour, t.min, t.sec, t.wday, t.yday, t.isdst)
local u = os.date("!*t", 86399)
print(u.year, u.month, u.day, u.hour, u.min, u.sec)
print(os.time({year = 2024, month = 2, day = 29, hour = 12}) == fixed)
print(os.time({year = 2000, month = 1, day = 1, hour = 0}), os.time({year = 2024, month = 13, day = 1, hour = 0}))
local now = os.time()
print(math.type(now), now > 1600000000, os.difftime(fixed + 90, fixed), os.date("%Y", 0))
-- os.clock never goes back and moves under work
local c0 = os.clock()
local x = 0
for i = 1, 2000000 do x = x + i % 7 end
local c1 = os.clock()
print(x, c0 >= 0, c1 >= c0, c1 > c0, math.type(c0))
print(os.getenv("LUA_TEST_GREETING"), os.getenv("LUA_TEST_NOT_SET"), os.getenv("TZ"))
