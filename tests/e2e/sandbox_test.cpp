// The running guest as the host sees it: only the fds it was handed, no
// new privileges, and exactly one seccomp filter in filter mode.
#include "process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace nabla::test;
namespace fs = std::filesystem;

extern char** environ;

namespace {

std::string status_field(pid_t pid, const std::string& field) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.starts_with(field + ":")) return line.substr(line.find_first_not_of(" \t", field.size() + 1));
    return "";
}

TEST(Sandbox, GuestHoldsOnlyItsFdsUnderOneFilter) {
    TempFile disk(1 << 20);
    // An fd the tender inherits but must not hand on: 9, open on a file.
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 9, disk.path().c_str(), O_RDWR, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    std::vector<std::string> argv = {bin("nabla-run"), "--block:storage=" + disk.path(), guest("block-wait"), "2000"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid;
    ASSERT_EQ(posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);

    // Wait until the filter is on, i.e. the guest runs.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (status_field(pid, "Seccomp") != "2" && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));

    std::set<int> fds;
    for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        fds.insert(std::stoi(e.path().filename().string()));
    std::string seccomp = status_field(pid, "Seccomp"), filters = status_field(pid, "Seccomp_filters"),
                nnp = status_field(pid, "NoNewPrivs");
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);

    EXPECT_EQ(seccomp, "2");
    EXPECT_EQ(filters, "1");
    EXPECT_EQ(nnp, "1");
    // stdout, stderr and the block device; not stdin, not the inherited fd 9.
    ASSERT_EQ(fds.size(), 3u);
    EXPECT_TRUE(fds.contains(1) && fds.contains(2));
    EXPECT_FALSE(fds.contains(0));
    EXPECT_FALSE(fds.contains(9));
}

} // namespace
