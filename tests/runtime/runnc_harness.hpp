// What the end-to-end tests need to drive runnc as an engine does: a scratch
// directory with its own --root, bundles made with `runnc spec`, runnc runs
// whose stdout and stderr go to files (a created container keeps them open,
// as it keeps an engine's pipes), and the checks that nothing is left.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>
#include <vector>

namespace runnc_test {

using namespace std::chrono_literals;

struct Ran {
    int status = -1; // exit code, or 128 + signal
    std::string out, err;
    bool timed_out = false;
};
std::string describe(const Ran& r);

std::string bin(const std::string& name); // build/bin/NAME
std::string read_text(const std::string& path);
bool exists(const std::string& path);

class Sandbox {
public:
    Sandbox();
    ~Sandbox(); // deletes (--force) what the test left, then the directory
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    const std::string& dir() const { return dir_; }
    std::string root() const { return dir_ + "/root"; }
    std::string id(const std::string& base); // unique across parallel tests

    // runnc --root ROOT ARGS, stdin /dev/null; stdout to `out_path` (a fresh
    // file if empty), stderr to a fresh file. Returns when runnc exits.
    Ran runnc(std::vector<std::string> args, std::chrono::milliseconds timeout = 20s, const std::string& out_path = "",
              bool with_root = true);

    // DIR/NAME/{config.json,rootfs/app.nabla}: `guest` (a build/bin file)
    // as /app.nabla, args after it, config.json from `runnc spec`, then `edit`.
    std::string bundle(const std::string& name, const std::string& guest, const std::vector<std::string>& args,
                       const std::function<void(nlohmann::json&)>& edit = {});

    nlohmann::json state(const std::string& id);
    // Polls `runnc state` until the status is `status`.
    bool wait_for(const std::string& id, const std::string& status, std::chrono::milliseconds timeout = 10s);

private:
    std::string dir_;
    int next_ = 0;
    std::atomic<int> files_ = 0; // runnc may run from two threads
};

// No state dir, cgroup, mount or (given its pid) process of the container.
// Empty when nothing is left; else what is.
std::string leftovers(const std::string& root, const std::string& id, pid_t pid = 0);

// /proc/PID/status field, e.g. "CapEff".
std::string proc_status(pid_t pid, const std::string& field);
std::vector<pid_t> children_of(pid_t pid);
bool alive(pid_t pid);

} // namespace runnc_test
