// Counting and phases on a trace recorded on this machine kind: a shell
// (pid 32128, playing nabla-hap's stub: it never calls execve) forks sh
// (32131), which runs nabla-run hello.nabla (32132). libseccomp in nabla-run
// probes the kernel with seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL) before
// the real install.
#include "syscall_table.hpp"
#include "syscall_usage.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

std::string recorded(const std::string& name) {
    std::ifstream in(std::string(HAP_TEST_DATA) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

long nr(const char* name) { return *hap::syscall_number(name); }

TEST(SyscallUsage, NablaRunHelloUnderItsFilter) {
    auto u = hap::count_syscalls(recorded("nabla_run_hello.trace"), 32128);
    ASSERT_TRUE(u.has_value()) << u.error().message;
    EXPECT_TRUE(u->filter_installed);
    EXPECT_EQ(u->lost, 0u);
    EXPECT_EQ(u->tasks, 2u); // sh and nabla-run; the stub's own calls do not count
    std::set<long> under;
    for (auto& [n, c] : u->counts)
        if (c.under_filter) under.insert(n);
    EXPECT_EQ(under, (std::set<long>{nr("write"), nr("exit_group")}));
    EXPECT_EQ(u->counts[nr("write")].under_filter, 1u);
    EXPECT_EQ(u->counts[nr("exit_group")].under_filter, 1u);
    // Ten seccomp calls (nine probes, one install), all before the filter.
    EXPECT_EQ(u->counts[nr("seccomp")].before_filter, 10u);
    EXPECT_EQ(u->counts[nr("seccomp")].under_filter, 0u);
    // sh's own execve and its PATH search for nabla-run's shell (11), nabla-run's (1).
    EXPECT_EQ(u->counts[nr("execve")].total(), 12u);
}

TEST(SyscallUsage, ProbesThatFailDoNotTurnTheFilterOn) {
    std::string t =
        " a-10 [000] ..... 1.0: sys_enter: NR 59 (0, 0, 0, 0, 0, 0)\n"
        " a-10 [000] ..... 1.1: sys_enter: NR 317 (1, 0, 7f00, 0, 0, 0)\n"
        " a-10 [000] ..... 1.2: sys_exit: NR 317 = -22\n"
        " a-10 [000] ..... 1.3: sys_enter: NR 39 (0, 0, 0, 0, 0, 0)\n"
        " a-10 [000] ..... 1.4: sys_enter: NR 157 (16, 2, 7f00, 0, 0, 0)\n"
        " a-10 [000] ..... 1.5: sys_exit: NR 157 = 0\n"
        " a-10 [000] ..... 1.6: sched_process_fork: comm=a pid=10 child_comm=a child_pid=11\n"
        " a-11 [001] ..... 1.7: sys_enter: NR 39 (0, 0, 0, 0, 0, 0)\n"
        "CPU:1 [LOST 3 EVENTS]\n";
    auto u = hap::count_syscalls(t, 10);
    ASSERT_TRUE(u.has_value()) << u.error().message;
    EXPECT_EQ(u->counts[39].before_filter, 1u);
    EXPECT_EQ(u->counts[39].under_filter, 1u); // the child, forked under the filter
    EXPECT_EQ(u->counts[157].before_filter, 1u);
    EXPECT_EQ(u->lost, 3u);
    EXPECT_EQ(u->tasks, 2u);
}

TEST(SyscallUsage, StubCallsBeforeExecveAreNotCounted) {
    std::string t = " a-10 [000] ..... 1.0: sys_enter: NR 14 (0, 0, 0, 0, 0, 0)\n"
                    " a-10 [000] ..... 1.1: sys_enter: NR 59 (0, 0, 0, 0, 0, 0)\n"
                    " b-10 [000] ..... 1.2: sys_enter: NR 231 (0, 0, 0, 0, 0, 0)\n";
    auto u = hap::count_syscalls(t, 10);
    ASSERT_TRUE(u.has_value());
    EXPECT_FALSE(u->counts.contains(14));
    EXPECT_EQ(u->counts.size(), 2u);
    EXPECT_FALSE(u->filter_installed);
}

TEST(SyscallUsage, BadLineIsAnError) {
    EXPECT_FALSE(hap::count_syscalls("nonsense line\n", 1).has_value());
}

} // namespace
