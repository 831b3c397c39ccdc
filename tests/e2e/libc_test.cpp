// Ordinary C programs, built against musl and the library OS, under nabla-run.
#include "process.hpp"

#include <gtest/gtest.h>

using namespace nabla::test;

namespace {

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
    return n;
}

TEST(Libc, StdioMallocTimeAndExitStatus) {
    auto o = nabla_run({guest("libc-hello"), "fail"});
    EXPECT_TRUE(o.exited_with(3)) << describe(o);
    EXPECT_NE(o.out.find("hello from musl on nabla, pid 1\n"), std::string::npos) << describe(o);
    EXPECT_NE(o.out.find("malloc ok: x small\n"), std::string::npos) << describe(o);
    EXPECT_EQ(o.err, "to stderr\n"); // stderr stays a stream of its own
}

TEST(Libc, ArgumentsAndEnvironmentArriveExactly) {
    auto o = nabla_run({"--env=HOME=/home/guest", "--env=QUOTED=say \"hi\" 'there'", "--env=EMPTY=",
                        guest("libc-args"), "two words", "", "tab\there", "ünïcødé", "--flag=1"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "arg[" + guest("libc-args") +
                         "]\narg[two words]\narg[]\narg[tab\there]\narg[ünïcødé]\narg[--flag=1]\n"
                         "env[HOME=/home/guest]\nenv[QUOTED=say \"hi\" 'there']\nenv[EMPTY=]\n");
}

TEST(Libc, MemcpyAndMemmoveAreExact) {
    auto o = nabla_run({guest("libc-memcpy")});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "memcpy/memmove mismatches: 0\n");
}

TEST(Libc, BadEnvOptionIsRefused) {
    auto o = nabla_run({"--env=NOVALUE", guest("libc-args")});
    EXPECT_TRUE(o.exited_with(64)) << describe(o);
    EXPECT_NE(o.err.find("--env: 'NOVALUE' is not KEY=VALUE"), std::string::npos) << o.err;
}

TEST(Libc, MissingSystemCallsSayENOSYSOnceEach) {
    auto o = nabla_run({guest("libc-enosys")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "fork: -1 Function not implemented\nfork: -1 Function not implemented\n"
                     "execve: -1 Function not implemented\n");
    EXPECT_EQ(count(o.err, "nabla: system call fork (57) is not implemented: ENOSYS\n"), 1u) << o.err;
    EXPECT_EQ(count(o.err, "nabla: system call execve (59) is not implemented: ENOSYS\n"), 1u) << o.err;
}

TEST(Libc, TraceLogsEveryCallWithItsResult) {
    auto quiet = nabla_run({guest("libc-hello")});
    EXPECT_EQ(quiet.err.find("nabla: "), std::string::npos) << "tracing is off by default: " << quiet.err;
    auto o = nabla_run({"--trace-syscalls", guest("libc-hello")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.err.find("nabla: set_thread_area("), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("nabla: ioctl(0x1, 0x5413, "), std::string::npos) << o.err; // TIOCGWINSZ
    EXPECT_NE(o.err.find(") = -25\n"), std::string::npos) << o.err;                    // ENOTTY
    EXPECT_TRUE(o.err.ends_with("nabla: exit_group(0) = ?\n")) << "exit is the last call: " << o.err;
}

} // namespace
