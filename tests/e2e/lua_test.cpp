// Lua 5.4 (apps/lua), built unmodified with nabla-cc, next to the same source
// built natively: every script in apps/lua/tests must print the same bytes
// and exit the same way on both.
#include "process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace nabla::test;

namespace {

// Both sides see exactly this environment: --env under nabla-run, env -i natively.
const std::vector<std::string> environment = {"TZ=UTC", "LUA_TEST_GREETING=hello, nabla"};

// The scripts' directory as the guest's root image, made once per process.
const std::string& root_image() {
    static const std::string image = [] {
        std::string path = "/tmp/nabla-lua-tests-" + std::to_string(getpid()) + ".img";
        auto mk = run({bin("nabla-mkroot"), LUA_TESTS_DIR, path});
        EXPECT_TRUE(mk.exited_with(0)) << describe(mk);
        std::atexit([] { std::remove(("/tmp/nabla-lua-tests-" + std::to_string(getpid()) + ".img").c_str()); });
        return path;
    }();
    return image;
}

Outcome on_nabla(const std::vector<std::string>& lua_args) {
    std::vector<std::string> argv = {bin("nabla-run"), "--block-ro:rootfs=" + root_image(), "--root=rootfs"};
    for (const auto& kv : environment) argv.push_back("--env=" + kv);
    argv.push_back(guest("lua"));
    argv.insert(argv.end(), lua_args.begin(), lua_args.end());
    return run(argv);
}

Outcome on_native(const std::vector<std::string>& lua_args) {
    // In the scripts' directory, as the guest is at the root of its image.
    std::vector<std::string> argv = {"/usr/bin/env", "-i", "-C", LUA_TESTS_DIR};
    argv.insert(argv.end(), environment.begin(), environment.end());
    argv.push_back(bin("lua-native"));
    argv.insert(argv.end(), lua_args.begin(), lua_args.end());
    return run(argv);
}

// lua.c reads an -e argument that starts with '-' (a script's leading
// comment) as a missing one; joined to the option it is taken as it is.
std::string run_code(const std::string& code) { return "-e" + code; }

// LUA_TEST_SCRIPTS: the file names in apps/lua/tests, "a.lua b.lua ...".
std::vector<std::string> script_names() {
    std::vector<std::string> names;
    std::istringstream files(LUA_TEST_SCRIPTS);
    for (std::string file; files >> file;) names.push_back(file.substr(0, file.size() - 4));
    return names;
}

// lua.c prefixes its messages with argv[0], the one expected difference.
std::string as_native(std::string err) {
    const std::string from = guest("lua"), to = bin("lua-native");
    for (size_t at = err.find(from); at != std::string::npos; at = err.find(from, at + to.size()))
        err.replace(at, from.size(), to);
    return err;
}

class LuaScript : public testing::TestWithParam<std::string> {};

// Each script runs as a file, by the same relative name: from the root
// image under nabla, from the source tree natively.
TEST_P(LuaScript, PrintsWhatNativeLuaPrints) {
    auto native = on_native({GetParam() + ".lua"});
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    ASSERT_FALSE(native.out.empty());
    auto o = on_nabla({GetParam() + ".lua"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, native.out);
    EXPECT_EQ(o.err, "") << "no message, no ENOSYS";
}

INSTANTIATE_TEST_SUITE_P(Scripts, LuaScript, testing::ValuesIn(script_names()),
                         [](const auto& info) { return info.param; });

TEST(Lua, RuntimeErrorExitsOneWithTheMessageOnStderr) {
    auto code = run_code("print('before'); local function f() error('boom') end; f()");
    auto native = on_native({code});
    auto o = on_nabla({code});
    ASSERT_TRUE(native.exited_with(1)) << describe(native);
    EXPECT_TRUE(o.exited_with(1)) << describe(o);
    EXPECT_EQ(o.out, "before\n");
    EXPECT_NE(o.err.find("(command line):1: boom\nstack traceback:\n"), std::string::npos) << o.err;
    EXPECT_EQ(as_native(o.err), native.err);
}

TEST(Lua, SyntaxErrorExitsOne) {
    auto native = on_native({run_code("x = = 1")});
    auto o = on_nabla({run_code("x = = 1")});
    ASSERT_TRUE(native.exited_with(1)) << describe(native);
    EXPECT_TRUE(o.exited_with(1)) << describe(o);
    EXPECT_EQ(o.err, guest("lua") + ": (command line):1: unexpected symbol near '='\n");
    EXPECT_EQ(as_native(o.err), native.err);
}

TEST(Lua, OsExitSetsTheExitStatus) {
    struct Case {
        std::string code;
        int status;
    };
    for (const auto& c : {Case{"os.exit(3)", 3}, Case{"os.exit(false)", 1}, Case{"io.write('x') os.exit(true)", 0}}) {
        auto native = on_native({run_code(c.code)});
        auto o = on_nabla({run_code(c.code)});
        EXPECT_TRUE(native.exited_with(c.status)) << c.code << ": " << describe(native);
        EXPECT_TRUE(o.exited_with(c.status)) << c.code << ": " << describe(o);
        EXPECT_EQ(o.out, native.out) << c.code;
    }
}

TEST(Lua, VersionBannerIsTheSame) {
    auto o = on_nabla({"-v"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, on_native({"-v"}).out);
    EXPECT_TRUE(o.out.starts_with("Lua 5.4.4 ")) << o.out;
}

} // namespace
