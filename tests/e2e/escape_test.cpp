// Hostile guests: every way out of the seven-call policy kills the process
// with SIGSYS, and nothing is written outside the guest's devices.
#include "process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <set>

using namespace nabla::test;

namespace {

constexpr size_t disk_size = 1 << 20;

struct Disks {
    TempFile storage{disk_size, 'S'};
    TempFile readonly{disk_size, 'R'};

    Outcome run_escape(const std::vector<std::string>& escape_args) {
        std::vector<std::string> argv = {bin("nabla-run"), "--block:storage=" + storage.path(),
                                         "--block-ro:readonly=" + readonly.path(), guest("escape")};
        argv.insert(argv.end(), escape_args.begin(), escape_args.end());
        return run(argv);
    }
    void expect_untouched() {
        EXPECT_EQ(storage.contents(), std::string(disk_size, 'S'));
        EXPECT_EQ(readonly.contents(), std::string(disk_size, 'R'));
    }
};

class Escape : public testing::TestWithParam<std::string> {};

std::string param_name(const testing::TestParamInfo<std::string>& info) {
    std::string s = info.param;
    for (auto& c : s) c = c == '-' ? '_' : c;
    return s;
}

TEST_P(Escape, IsKilledBySigsys) {
    Disks disks;
    auto o = disks.run_escape({GetParam()});
    EXPECT_TRUE(o.killed_by(SIGSYS)) << describe(o);
    EXPECT_NE(o.out.find("attempting " + GetParam()), std::string::npos) << describe(o);
    EXPECT_EQ(o.out.find("SURVIVED"), std::string::npos) << describe(o);
    disks.expect_untouched();
}

INSTANTIATE_TEST_SUITE_P(
    WrongFd, Escape,
    testing::Values("write-fd0", "write-block-fd", "write-unopened-fd", "read-block-fd", "read-console",
                    "pread-console", "pwrite-console"),
    param_name);

INSTANTIATE_TEST_SUITE_P(
    BlockBounds, Escape,
    testing::Values("pread-past-capacity", "pread-straddles-end", "pread-negative-offset", "pread-bad-length",
                    "pread-three-blocks", "pread-too-long", "pwrite-past-capacity", "pwrite-bad-length",
                    "pwrite-read-only"),
    param_name);

INSTANTIATE_TEST_SUITE_P(
    Arguments, Escape,
    testing::Values("clock-other", "clock-boottime", "ppoll-sigmask", "arch-prctl", "x32-write", "int80-write"),
    param_name);

// The control: the same guest's raw calls pass when they keep to the policy,
// so the kills above are the policy's doing.
TEST(EscapeControl, AllowedRawCallsSurvive) {
    Disks disks;
    auto o = disks.run_escape({"allowed-calls"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.out.find("SURVIVED allowed-calls rc 512"), std::string::npos) << describe(o);
}

// Linux (since 6.11 and 6.16) lets these two through every seccomp filter:
// they exist only for the kernel's own uprobe trampolines and refuse any
// other caller, uretprobe by killing it with SIGILL, uprobe with ENXIO.
// No filter can change that; the test pins down that they stay harmless.
struct Exempt {
    long nr;
    const char* name;
    bool (*harmless)(const Outcome&);
};
const Exempt seccomp_exempt[] = {
    {335, "uretprobe", [](const Outcome& o) { return o.killed_by(SIGILL); }},
    {336, "uprobe", [](const Outcome& o) { return o.exited_with(0) && o.out.find("rc -6\n") != std::string::npos; }},
};

// Every system call number outside the seven, with arguments that would
// create a file if the call went through.
TEST(EscapeSyscalls, EveryOtherNumberIsKilled) {
    const std::set<long> allowed = {SYS_read, SYS_write, SYS_pread64, SYS_pwrite64,
                                    SYS_ppoll, SYS_clock_gettime, SYS_exit_group};
    std::vector<long> numbers;
    for (long nr = 0; nr < 600; nr++)
        if (!allowed.contains(nr)) numbers.push_back(nr);
    for (long nr : {1000L, 4095L, 0x3fffffffL, 0x40000002L /* x32 open */}) numbers.push_back(nr);

    Disks disks;
    int killed = 0, exempt = 0;
    for (long nr : numbers) {
        std::string path = "/tmp/nabla-escape-" + std::to_string(getpid()) + "-" + std::to_string(nr);
        auto o = disks.run_escape({"syscall", std::to_string(nr), path});
        struct stat st;
        bool created = stat(path.c_str(), &st) == 0;
        if (created) rmdir(path.c_str()), unlink(path.c_str());
        EXPECT_FALSE(created) << "syscall " << nr << " created " << path;
        auto ex = std::ranges::find(seccomp_exempt, nr, &Exempt::nr);
        if (ex != std::end(seccomp_exempt) && !o.killed_by(SIGSYS)) {
            EXPECT_TRUE(ex->harmless(o)) << ex->name << " (" << nr << ") did harm: " << describe(o);
            exempt++;
            continue;
        }
        EXPECT_TRUE(o.killed_by(SIGSYS)) << "syscall " << nr << ": " << describe(o);
        killed += o.killed_by(SIGSYS);
    }
    EXPECT_EQ(killed + exempt, static_cast<int>(numbers.size()));
    disks.expect_untouched();
}

} // namespace
