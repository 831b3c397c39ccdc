// Test guests under nabla-run: what a user sees on the console, in the exit
// status and on the block device.
#include "process.hpp"

#include <gtest/gtest.h>

#include <sys/time.h>

#include <cerrno>
#include <cstdlib>
#include <set>
#include <unistd.h>

#include "nabla/abi.h"

using namespace nabla::test;

namespace {

TEST(Guest, HelloPrintsItsArgumentsStaticPie) {
    auto o = nabla_run({guest("hello"), "one", "two words", "--not-a-flag"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "hello from nabla\narg 1: one\narg 2: two words\narg 3: --not-a-flag\n");
    EXPECT_EQ(o.err, "");
}

TEST(Guest, HelloRunsAsEtExec) {
    auto o = nabla_run({guest("hello-exec"), "x"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, "hello from nabla\narg 1: x\n");
}

TEST(Guest, StaticPieLoadsAtARandomBaseEtExecAtItsLinkAddress) {
    auto addresses = [](const std::string& name) {
        std::set<std::string> seen;
        for (int i = 0; i < 5; i++) {
            auto o = run({bin("nabla-run"), guest(name)});
            EXPECT_TRUE(o.exited_with(0)) << describe(o);
            seen.insert(o.out);
        }
        return seen;
    };
    EXPECT_GT(addresses("where").size(), 1u) << "static-PIE guest loaded at one address 5 times: no ASLR";
    auto fixed = addresses("where-exec");
    ASSERT_EQ(fixed.size(), 1u);
    EXPECT_NE(fixed.begin()->find("main 0x40"), std::string::npos) << *fixed.begin();
}

TEST(Guest, ExitCodesPassThrough) {
    for (int code : {0, 1, 7, 42, 255}) {
        auto o = nabla_run({guest("exit"), std::to_string(code)});
        EXPECT_TRUE(o.exited_with(code)) << describe(o);
    }
}

TEST(Guest, AbortExitsWith134AndSaysWhy) {
    auto o = nabla_run({guest("exit"), "abort"});
    EXPECT_TRUE(o.exited_with(NABLA_EXIT_ABORT)) << describe(o);
    EXPECT_EQ(o.err, "nabla: abort: asked to abort\n");
}

TEST(Guest, StackProtectorFires) {
    auto o = nabla_run({guest("exit"), "smash"});
    EXPECT_TRUE(o.exited_with(NABLA_EXIT_ABORT)) << describe(o);
    EXPECT_EQ(o.err, "nabla: abort: stack smashing detected\n");
}

TEST(Guest, ClocksAdvanceAndWallIsTheHostTime) {
    auto o = nabla_run({guest("clock")});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    timeval now;
    gettimeofday(&now, nullptr);
    ASSERT_NE(o.out.find("monotonic ok"), std::string::npos) << describe(o);
    double guest_wall = std::strtod(o.out.c_str() + o.out.find("wall ") + 5, nullptr);
    double host_wall = static_cast<double>(now.tv_sec) + now.tv_usec / 1e6;
    EXPECT_LT(std::abs(host_wall - guest_wall), 1.0) << describe(o);
}

TEST(Guest, YieldSleepsUntilTheDeadline) {
    for (int ms : {1, 50, 200}) {
        auto o = nabla_run({guest("yield"), std::to_string(ms)});
        ASSERT_TRUE(o.exited_with(0)) << describe(o);
        long slept_us = std::strtol(o.out.c_str() + o.out.find("slept_us ") + 9, nullptr, 10);
        EXPECT_GE(slept_us, ms * 1000L) << describe(o);
        EXPECT_LT(slept_us, ms * 1000L + 50000L) << describe(o); // generous: shared machine
    }
}

TEST(Guest, BlockPatternsRoundTrip) {
    for (std::string bs : {"512", "4096"}) {
        TempFile disk(8 << 20);
        auto o = nabla_run({"--block:storage=" + disk.path(), "--block-size:storage=" + bs, guest("block"), "rw"});
        ASSERT_TRUE(o.exited_with(0)) << describe(o);
        EXPECT_NE(o.out.find("block ok"), std::string::npos) << describe(o);
        EXPECT_EQ(o.out.find("FAIL"), std::string::npos) << describe(o);
        // The writes reached the host file: the first block holds the pattern.
        auto data = disk.contents();
        EXPECT_EQ(static_cast<unsigned char>(data[1]), static_cast<unsigned char>((1 * 131 + 7) >> 3));
        EXPECT_NE(data.substr((8 << 20) - 512), std::string(512, '\0')) << "last block not written";
    }
}

TEST(Guest, BlockReadOnlyRefusesWritesInTheGuest) {
    TempFile disk(1 << 20, 'R');
    auto o = nabla_run({"--block-ro:storage=" + disk.path(), guest("block"), "ro"});
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.out.find("ok write refused: read-only"), std::string::npos) << describe(o);
    EXPECT_EQ(disk.contents(), std::string(1 << 20, 'R'));
}

TEST(Guest, AbiMismatchIsRefusedNamingBothVersions) {
    auto o = nabla_run({guest("bad-abi")});
    EXPECT_TRUE(o.exited_with(76)) << describe(o);
    EXPECT_NE(o.err.find("version " + std::to_string(NABLA_ABI_VERSION + 998)), std::string::npos) << describe(o);
    EXPECT_NE(o.err.find("speaks version " + std::to_string(NABLA_ABI_VERSION)), std::string::npos) << describe(o);
    EXPECT_EQ(o.out, "");
}

TEST(Guest, UnikernelCannotBeExecutedDirectly) {
    ASSERT_EQ(access(guest("hello").c_str(), X_OK), 0);
    EXPECT_THROW(run({guest("hello")}), std::runtime_error); // execve fails: its PT_INTERP does not exist
}

} // namespace
