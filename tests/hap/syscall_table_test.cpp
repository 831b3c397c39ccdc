// The generated x86_64 syscall table agrees with the C library's numbers.
#include "syscall_table.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <set>
#include <string>

namespace {

TEST(SyscallTable, KnownNumbers) {
    struct Known {
        const char* name;
        int nr;
    };
    for (auto k : {Known{"read", SYS_read}, Known{"write", SYS_write}, Known{"pread64", SYS_pread64},
                   Known{"pwrite64", SYS_pwrite64}, Known{"ppoll", SYS_ppoll},
                   Known{"clock_gettime", SYS_clock_gettime}, Known{"exit_group", SYS_exit_group},
                   Known{"execve", SYS_execve}, Known{"seccomp", SYS_seccomp}, Known{"getpid", SYS_getpid}}) {
        EXPECT_EQ(hap::syscall_number(k.name), k.nr) << k.name;
        EXPECT_EQ(hap::syscall_name(k.nr), k.name);
    }
}

TEST(SyscallTable, WholeAndUnique) {
    auto t = hap::syscall_table();
    EXPECT_GT(t.size(), 300u);
    EXPECT_EQ(t.front().nr, 0);
    EXPECT_EQ(hap::max_syscall_nr(), t.back().nr);
    std::set<std::string_view> names;
    for (auto& row : t) EXPECT_TRUE(names.insert(row.name).second) << row.name;
}

TEST(SyscallTable, UnknownNumbersGetALabel) {
    EXPECT_FALSE(hap::syscall_name(100000).has_value());
    EXPECT_EQ(hap::syscall_label(100000), "syscall_100000");
    EXPECT_FALSE(hap::syscall_number("no_such_call").has_value());
}

} // namespace
