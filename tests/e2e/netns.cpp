#include "netns.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace nabla::test {

NetNs::NetNs() { make(false); }
NetNs::NetNs(Bare) { make(true); }

bool NetNs::make(bool bare) {
    if (geteuid() != 0) {
        why_ = "needs root for a network namespace and a tap";
        return false;
    }
    if (!sh("command -v ip")) {
        why_ = "needs iproute2 (ip)";
        return false;
    }
    std::string ns = "nabla-net-" + std::to_string(getpid());
    if (!sh("ip netns add " + ns)) {
        why_ = "ip netns add failed";
        return false;
    }
    name = ns;
    bool ok = ip("link set lo up") && ip("tuntap add " + tap + " mode tap");
    // Before the link is up, so no IPv6 frame reaches the guest.
    if (ok && bare) ok = sysctl("net.ipv6.conf.all.disable_ipv6=1") && sysctl("net.ipv6.conf." + tap + ".disable_ipv6=1");
    if (ok && !bare) ok = ip("addr add " + host_ip + "/24 dev " + tap);
    ok = ok && ip("link set " + tap + " up");
    if (!ok) why_ = "could not set up " + tap + " in " + ns;
    return ok;
}

NetNs::~NetNs() {
    if (!name.empty()) sh("ip netns del " + name);
}

bool NetNs::ip(const std::string& args) const { return sh("ip -n " + name + " " + args); }
bool NetNs::sysctl(const std::string& setting) const { return sh("ip netns exec " + name + " sysctl -w " + setting); }

std::vector<std::string> NetNs::wrap(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"/usr/bin/env", "ip", "netns", "exec", name});
    return argv;
}

std::vector<std::string> NetNs::guest_net_flags(const std::string& device) const {
    return {"--net:" + device + "=" + tap, "--net-ip:" + device + "=" + guest_ip + "/24",
            "--net-gw:" + device + "=" + host_ip};
}

Server::Server(const std::vector<std::string>& argv) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, dir_.at("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, dir_.at("err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
}

Server::~Server() {
    if (pid_ > 0 && !reaped_) stop();
}

static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string Server::out() const { return slurp(dir_.at("out")); }
std::string Server::err() const { return slurp(dir_.at("err")); }

bool Server::running() {
    if (pid_ <= 0 || reaped_) return false;
    if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
}

bool Server::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (out().find(text) != std::string::npos) return true;
        if (!running()) return out().find(text) != std::string::npos;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

Outcome Server::stop() {
    Outcome o;
    if (pid_ > 0 && running()) {
        kill(pid_, SIGTERM);
        for (int i = 0; i < 100 && running(); i++) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (running()) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status_, 0);
            reaped_ = true;
        }
    }
    o.exited = WIFEXITED(status_);
    o.code = o.exited ? WEXITSTATUS(status_) : WTERMSIG(status_);
    o.out = out();
    o.err = err();
    return o;
}

} // namespace nabla::test
