// A network namespace with a tap for a unikernel, and servers run in the
// background inside it: what every test of the networking issue needs.
//
//     NetNs ns;                       // 10.77.0.1/24 on the host side of tap0
//     Server s(ns.wrap({bin("nabla-run"), "--net:eth0=tap0", ns.guest_ip_flag("eth0"), ...}));
//     ASSERT_TRUE(s.wait_for("ready"));
//     auto o = run(ns.wrap({"python3", client, ns.guest_ip, "echo", "1000"}));
#pragma once

#include "process.hpp"

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace nabla::test {

class NetNs {
public:
    // Not ok() when it could not be made; skip_reason() says why.
    NetNs();
    // A tap with no address and no IPv6 on the link (the guest sees only
    // the test's frames), for tests that address it themselves with ip().
    struct Bare {};
    explicit NetNs(Bare);
    ~NetNs();
    NetNs(const NetNs&) = delete;
    NetNs& operator=(const NetNs&) = delete;

    bool ok() const { return !name.empty() && why_.empty(); }
    const std::string& skip_reason() const { return why_; }

    // `ip -n NAME ARGS` and `sysctl -w SETTING` in the namespace, quietly; true on success.
    bool ip(const std::string& args) const;
    bool sysctl(const std::string& setting) const;
    // argv run inside the namespace.
    std::vector<std::string> wrap(std::vector<std::string> argv) const;
    // nabla-run's flags for a net device NAME on the tap with the guest address.
    std::vector<std::string> guest_net_flags(const std::string& device) const;

    std::string name;
    std::string tap = "tap0";
    std::string host_ip = "10.77.0.1";
    std::string guest_ip = "10.77.0.2";

private:
    bool make(bool bare);
    std::string why_;
};

// A process in the background with its output collected in files.
class Server {
public:
    explicit Server(const std::vector<std::string>& argv);
    ~Server(); // kills it if still running
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // True once stdout contains text; false if it exits or the time passes.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(20));
    bool running();
    pid_t pid() const { return pid_; } // the nabla-run process (ip netns exec runs it in place)
    std::string out() const;
    std::string err() const;
    // SIGTERM (then SIGKILL after a grace period) and the outcome.
    Outcome stop();

private:
    pid_t pid_ = -1;
    TempDir dir_;
    int status_ = 0;
    bool reaped_ = false;
};

} // namespace nabla::test
