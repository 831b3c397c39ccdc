-- io: a data file next to the script (in the root image under nabla),
-- a temporary file written, sought, read back line by line, and removed.
local dir = arg[0]:match("^(.*)/") or "."
local data = assert(io.open(dir .. "/io_data.txt", "r"))
local lines = {}
for line in data:lines() do lines[#lines + 1] = line end
data:close()
print("data lines", #lines, lines[1], lines[#lines])

local name = os.tmpname()
local f = assert(io.open(name, "w+"))
for i = 1, 100 do f:write(string.format("line %03d %s\n", i, ("x"):rep(i % 7))) end
print("size", f:seek("end"))
f:seek("set", 9)
print("after seek", f:read("l"))
f:close()
local count, total = 0, 0
for line in io.lines(name) do count = count + 1; total = total + #line end
print("read back", count, total)
local g = assert(io.open(name, "a"))
g:write("appended\n")
g:close()
local all = assert(io.open(name, "rb")):read("a")
print("last line", all:match("([^\n]*)\n$"))
print("remove", os.remove(name))
print("open missing", io.open(dir .. "/no-such-file"))
print("stdout is a file", io.type(io.stdout))
