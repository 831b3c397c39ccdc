// nabla-hap end to end, as CI runs it: --quick over nabla-run hello, a plain
// process, and a workload whose system calls are known exactly.
#include "netns.hpp"
#include "process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace {

using nabla::test::bin;
using nlohmann::json;

const std::set<std::string> nabla_seven = {"read", "write", "pread64", "pwrite64", "ppoll", "clock_gettime",
                                           "exit_group"};

struct Hap {
    nabla::test::Outcome outcome;
    json report;
};

// nabla-hap --quick --json over command; wrap puts it in a network namespace.
Hap hap(std::vector<std::string> command, const nabla::test::NetNs* ns = nullptr) {
    nabla::test::TempDir dir;
    std::vector<std::string> argv{bin("nabla-hap"), "--quick", "--json", dir.at("out.json"), "--"};
    argv.insert(argv.end(), command.begin(), command.end());
    Hap h{nabla::test::run(ns ? ns->wrap(argv) : argv, std::chrono::seconds(60)), {}};
    std::ifstream in(dir.at("out.json"));
    if (in) h.report = json::parse(in, nullptr, false);
    return h;
}

std::set<std::string> names(const json& list, const char* phase = nullptr) {
    std::set<std::string> out;
    for (const auto& s : list)
        if (!phase || s[phase]["mean"].get<double>() > 0) out.insert(s["name"].get<std::string>());
    return out;
}

double count(const json& report, const std::string& name) {
    for (const auto& s : report["used"]["syscalls"])
        if (s["name"] == name) return s["count"]["mean"].get<double>();
    return 0;
}

#define NEED_ROOT() \
    if (geteuid() != 0) GTEST_SKIP() << "nabla-hap needs root (tracefs, ptrace)"

// hello declares no devices: its filter has the console, clock, ppoll and
// exit rules only, four of the seven.
TEST(Hap, NablaRunHelloAllowsFourOfTheSevenAndUsesThemOnly) {
    NEED_ROOT();
    auto h = hap({bin("nabla-run"), nabla::test::guest("hello")});
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome);
    EXPECT_NE(h.outcome.out.find("hello from nabla"), std::string::npos);
    const auto& r = h.report;
    ASSERT_TRUE(r.is_object()) << h.outcome.out;
    EXPECT_EQ(r["allowed"]["all"], false);
    EXPECT_EQ(r["allowed"]["count"], 4);
    EXPECT_EQ(names(r["allowed"]["syscalls"]), (std::set<std::string>{"write", "ppoll", "clock_gettime", "exit_group"}));
    EXPECT_EQ(r["allowed"]["i386_passing"], 0);
    EXPECT_EQ(r["allowed"]["x32_passing"], 0);
    EXPECT_EQ(r["used"]["lost_events"], 0);
    EXPECT_EQ(r["used"]["filter_installed"], true);
    auto under = names(r["used"]["syscalls"], "under_filter");
    EXPECT_FALSE(under.empty());
    for (const auto& n : under) EXPECT_TRUE(nabla_seven.contains(n)) << n << " used under the filter";
    EXPECT_TRUE(under.contains("write"));
    EXPECT_TRUE(under.contains("exit_group"));
    EXPECT_EQ(r["kernel_functions"]["measured"], false);
    EXPECT_NE(h.outcome.out.find("allowed: 4 of"), std::string::npos) << h.outcome.out;
    EXPECT_NE(h.outcome.out.find("kernel functions: not measured"), std::string::npos);
}

// With a block device and a tap, all seven.
TEST(Hap, NablaRunWithBlockAndTapAllowsSeven) {
    NEED_ROOT();
    nabla::test::NetNs ns;
    if (!ns.ok()) GTEST_SKIP() << ns.skip_reason();
    nabla::test::TempFile disk(64 * 1024);
    auto h = hap({bin("nabla-run"), "--block:storage=" + disk.path(), "--net:service=" + ns.tap,
                  nabla::test::guest("hap-devices")},
                 &ns);
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome);
    const auto& r = h.report;
    ASSERT_TRUE(r.is_object()) << h.outcome.out;
    EXPECT_EQ(r["allowed"]["count"], 7);
    EXPECT_EQ(names(r["allowed"]["syscalls"]), nabla_seven);
    for (const auto& n : names(r["used"]["syscalls"], "under_filter"))
        EXPECT_TRUE(nabla_seven.contains(n)) << n << " used under the filter";
    EXPECT_EQ(r["used"]["lost_events"], 0);
}

TEST(Hap, PlainProcessHasNoFilter) {
    NEED_ROOT();
    auto h = hap({"/bin/true"});
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome);
    const auto& r = h.report;
    ASSERT_TRUE(r.is_object()) << h.outcome.out;
    EXPECT_EQ(r["allowed"]["all"], true);
    EXPECT_FALSE(r["allowed"]["unfiltered_tasks"].empty());
    EXPECT_EQ(r["used"]["filter_installed"], false);
    auto used = names(r["used"]["syscalls"]);
    for (const char* n : {"execve", "exit_group", "mmap"}) EXPECT_TRUE(used.contains(n)) << n;
    EXPECT_EQ(count(r, "execve"), 1);
    EXPECT_NE(h.outcome.out.find("allowed: all"), std::string::npos) << h.outcome.out;
}

TEST(Hap, KnownWorkloadIsCountedExactly) {
    NEED_ROOT();
    auto h = hap({bin("hap-known-syscalls")});
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome);
    const auto& r = h.report;
    ASSERT_TRUE(r.is_object()) << h.outcome.out;
    EXPECT_EQ(count(r, "getpid"), 3);
    EXPECT_EQ(count(r, "getppid"), 5);
    EXPECT_EQ(count(r, "getuid"), 2);     // in the forked child: event-fork follows it
    EXPECT_EQ(count(r, "exit_group"), 2); // parent and child
    EXPECT_EQ(count(r, "execve"), 1);
    EXPECT_EQ(count(r, "wait4"), 1);
    EXPECT_EQ(r["used"]["lost_events"], 0);
}

// A guest its filter kills: by the exit stop the kernel has dropped the
// filter, and nabla-hap says it could not read it instead of "all".
TEST(Hap, GuestKilledByItsFilterIsNotMeasuredNotAll) {
    NEED_ROOT();
    nabla::test::TempFile storage(64 * 1024), readonly(64 * 1024);
    nabla::test::TempDir dir;
    auto h = hap({bin("nabla-run"), "--block:storage=" + storage.path(), "--block-ro:readonly=" + readonly.path(),
                  nabla::test::guest("escape"), "syscall", "2", dir.at("escaped")});
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome);
    const auto& r = h.report;
    EXPECT_EQ(r["workload_exit"][0], "killed by signal 31");
    EXPECT_TRUE(r["allowed"]["all"].is_null());
    EXPECT_TRUE(r["allowed"]["count"].is_null());
    EXPECT_NE(r["allowed"]["problems"].dump().find("killed by its seccomp filter"), std::string::npos);
    // The refused open never reaches the sys_enter tracepoint: seccomp runs first.
    EXPECT_EQ(count(r, "open"), 0);
}

// Every run's tracefs instance (instances/nabla-hap.PID.RUN) is gone once
// nabla-hap is: none may name a process that no longer exists.
TEST(Hap, LeavesNoTraceInstanceBehind) {
    NEED_ROOT();
    auto h = hap({"/bin/false"});
    ASSERT_TRUE(h.outcome.exited_with(0)) << nabla::test::describe(h.outcome); // the workload's status is data
    EXPECT_EQ(h.report["workload_exit"][0], "exited 1");
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/sys/kernel/tracing/instances", ec)) {
        std::string name = e.path().filename().string();
        if (!name.starts_with("nabla-hap.")) continue;
        std::string pid = name.substr(10, name.find('.', 10) - 10);
        EXPECT_TRUE(std::filesystem::exists("/proc/" + pid)) << name << " left behind";
    }
}

TEST(Hap, NeedsRootAndSaysSo) {
    NEED_ROOT(); // to drop it
    auto o = nabla::test::run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               bin("nabla-hap"), "--quick", "--", "/bin/true"});
    EXPECT_TRUE(o.exited_with(77)) << nabla::test::describe(o);
    EXPECT_NE(o.err.find("needs root"), std::string::npos) << o.err;
}

TEST(Hap, UsageErrors) {
    auto none = nabla::test::run({bin("nabla-hap"), "--quick"});
    EXPECT_TRUE(none.exited_with(64)) << nabla::test::describe(none);
    EXPECT_NE(none.err.find("no command"), std::string::npos);
    auto bad = nabla::test::run({bin("nabla-hap"), "--runs", "0", "--", "/bin/true"});
    EXPECT_TRUE(bad.exited_with(64)) << nabla::test::describe(bad);
    auto help = nabla::test::run({bin("nabla-hap"), "--help"});
    EXPECT_TRUE(help.exited_with(0));
    EXPECT_NE(help.out.find("--json FILE"), std::string::npos);
}

TEST(Hap, MissingCommandIsAClearError) {
    NEED_ROOT();
    auto o = nabla::test::run({bin("nabla-hap"), "--quick", "--", "/no/such/program"});
    EXPECT_TRUE(o.exited_with(66)) << nabla::test::describe(o);
    EXPECT_NE(o.err.find("/no/such/program"), std::string::npos);
}

} // namespace
