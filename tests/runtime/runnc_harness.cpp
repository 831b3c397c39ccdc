#include "runnc_harness.hpp"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace runnc_test {

namespace fs = std::filesystem;

std::string bin(const std::string& name) { return std::string(NABLA_BIN_DIR) + "/" + name; }

std::string read_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

std::string describe(const Ran& r) {
    std::ostringstream s;
    s << "status " << r.status << (r.timed_out ? " (timed out)" : "") << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
    return s.str();
}

Sandbox::Sandbox() {
    char tmpl[] = "/tmp/runnc-test-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
}

Sandbox::~Sandbox() {
    // A failed test may leave containers: take them down so the next runs clean.
    auto list = runnc({"list", "-q"}, 10s);
    std::istringstream ids(list.out);
    for (std::string id; ids >> id;) runnc({"delete", "--force", id}, 10s);
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::string Sandbox::id(const std::string& base) {
    return base + "-" + std::to_string(::getpid()) + "-" + std::to_string(next_++);
}

Ran Sandbox::runnc(std::vector<std::string> args, std::chrono::milliseconds timeout, const std::string& out_path,
                   bool with_root) {
    if (with_root) args.insert(args.begin(), {"--root", root()});
    args.insert(args.begin(), bin("runnc"));
    auto n = files_++;
    auto out = out_path.empty() ? dir_ + "/runnc-" + std::to_string(n) + ".out" : out_path;
    auto err = dir_ + "/runnc-" + std::to_string(n) + ".err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) throw std::runtime_error("posix_spawn runnc");
    posix_spawn_file_actions_destroy(&fa);
    Ran r;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        if (::waitpid(pid, &status, WNOHANG) == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(1ms);
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

std::string Sandbox::bundle(const std::string& name, const std::string& guest, const std::vector<std::string>& args,
                            const std::function<void(nlohmann::json&)>& edit) {
    auto b = dir_ + "/" + name;
    fs::create_directories(b + "/rootfs");
    fs::copy_file(bin(guest), b + "/rootfs/app.nabla");
    auto spec = runnc({"spec", "--bundle", b}, 10s, "", false);
    if (spec.status != 0) throw std::runtime_error("runnc spec: " + describe(spec));
    auto config = nlohmann::json::parse(read_text(b + "/config.json"));
    config["process"]["args"] = nlohmann::json::array({"/app.nabla"});
    for (const auto& a : args) config["process"]["args"].push_back(a);
    if (edit) edit(config);
    std::ofstream(b + "/config.json") << config.dump(2);
    return b;
}

nlohmann::json Sandbox::state(const std::string& id) {
    auto r = runnc({"state", id}, 10s);
    if (r.status != 0) return nlohmann::json{{"error", r.err}, {"exit", r.status}};
    return nlohmann::json::parse(r.out);
}

bool Sandbox::wait_for(const std::string& id, const std::string& status, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto s = state(id);
        if (s.value("status", "") == status) return true;
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

std::string leftovers(const std::string& root, const std::string& id, pid_t pid) {
    std::string left;
    if (exists(root + "/" + id)) left += "state dir " + root + "/" + id + "; ";
    for (const auto& h : {"unified", "memory", "pids", "cpu", "freezer", "cpuacct", "cpuset", "devices", "blkio", "systemd"})
        if (auto p = std::string("/sys/fs/cgroup/") + h + "/runnc/" + id; exists(p)) left += "cgroup " + p + "; ";
    std::istringstream mounts(read_text("/proc/self/mountinfo"));
    for (std::string line; std::getline(mounts, line);)
        if (line.find("/" + id + "/") != std::string::npos || line.find("runnc") != std::string::npos)
            left += "mount " + line + "; ";
    if (pid > 0 && alive(pid)) left += "process " + std::to_string(pid) + "; ";
    return left;
}

std::string proc_status(pid_t pid, const std::string& field) {
    std::istringstream lines(read_text("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with(field + ":")) {
            auto v = line.substr(field.size() + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    return "";
}

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
    for (pid_t p; in >> p;) out.push_back(p);
    return out;
}

bool alive(pid_t pid) {
    auto state = proc_status(pid, "State");
    return !state.empty() && !state.starts_with("Z");
}

} // namespace runnc_test
