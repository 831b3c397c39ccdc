// Tap devices end to end, in a network namespace of the test's own: frames
// sent from the host side reach the guest and its replies come back, the
// MAC is what the user asked for, and tap fds refuse block calls.
#include "process.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

using namespace nabla::test;

namespace {

class Net : public testing::Test {
protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace and a tap";
        if (!sh("command -v ip")) GTEST_SKIP() << "needs iproute2 (ip)";
        ns_ = "nabla-e2e-" + std::to_string(getpid());
        ASSERT_TRUE(sh("ip netns add " + ns_));
        ASSERT_TRUE(sh("ip -n " + ns_ + " tuntap add " + tap_ + " mode tap"));
        // No IPv6 chatter on the link: the guest sees only the test's frames.
        sh("ip netns exec " + ns_ + " sysctl -w net.ipv6.conf.all.disable_ipv6=1");
        ASSERT_TRUE(sh("ip -n " + ns_ + " link set " + tap_ + " up"));
    }
    void TearDown() override {
        if (!ns_.empty()) sh("ip netns del " + ns_);
    }
    std::vector<std::string> in_ns(std::vector<std::string> argv) {
        argv.insert(argv.begin(), {"/usr/bin/env", "ip", "netns", "exec", ns_});
        return argv;
    }
    std::string ns_;
    std::string tap_ = "tap0";
};

// Sends ethertype-0x88b5 frames to MAC until `count` echoes come back.
const char* echo_client = R"PY(
import socket, sys, time
tap, mac, count = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), int(sys.argv[3])
me = bytes.fromhex('020000000001')
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind((tap, 0))
s.settimeout(0.2)
got, deadline = 0, time.time() + 15
while got < count and time.time() < deadline:
    payload = b'nabla-echo-%d' % got + bytes(50)
    try:
        s.send(mac + me + b'\x88\xb5' + payload)
        while True:
            f = s.recv(2048)
            if f[:6] == me and f[6:12] == mac and f[14:14 + len(payload)] == payload:
                got += 1
                break
    except (socket.timeout, OSError):
        continue
print('echoes', got)
sys.exit(0 if got == count else 1)
)PY";

TEST_F(Net, FramesReachTheGuestAndComeBack) {
    const std::string mac = "02:42:ac:11:00:02";
    Outcome guest_run;
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // The client runs beside the guest, in the same namespace.
        auto argv = in_ns({"python3", "-c", echo_client, tap_, mac, "3"});
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    guest_run = run(in_ns({bin("nabla-run"), "--net:service=" + tap_, "--net-mac:service=" + mac,
                           guest("net-echo"), "3"}));
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(guest_run.exited_with(0)) << describe(guest_run);
    EXPECT_NE(guest_run.out.find("mac " + mac), std::string::npos) << describe(guest_run);
    EXPECT_NE(guest_run.out.find("echoed 3"), std::string::npos) << describe(guest_run);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "echo client failed";
}

TEST_F(Net, DefaultMacIsStableAndLocallyAdministered) {
    auto mac_of = [&] {
        auto o = run(in_ns({bin("nabla-run"), "--net:service=" + tap_, guest("net-echo"), "0"}));
        EXPECT_TRUE(o.exited_with(0)) << describe(o);
        auto at = o.out.find("mac ");
        return at == std::string::npos ? std::string() : o.out.substr(at + 4, 17);
    };
    auto first = mac_of();
    ASSERT_EQ(first.size(), 17u);
    EXPECT_EQ(first, mac_of());
    unsigned octet = std::stoul(first.substr(0, 2), nullptr, 16);
    EXPECT_EQ(octet & 3, 2u) << first; // locally administered, unicast
}

TEST_F(Net, TapFdRefusesBlockCalls) {
    TempFile storage(1 << 20, 'S'), readonly(1 << 20, 'R');
    for (std::string escape : {"pread-tap", "pwrite-tap"}) {
        auto o = run(in_ns({bin("nabla-run"), "--block:storage=" + storage.path(),
                            "--block-ro:readonly=" + readonly.path(), "--net:service=" + tap_,
                            guest("escape-net"), escape}));
        EXPECT_TRUE(o.killed_by(SIGSYS)) << escape << ": " << describe(o);
        EXPECT_NE(o.out.find("attempting " + escape), std::string::npos) << describe(o);
    }
}

TEST_F(Net, PolicyNamesTheTapFd) {
    auto o = run(in_ns({bin("nabla-run"), "--print-policy", "--net:service=" + tap_, guest("net-echo")}));
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.out.find("receive a frame on net 'service'"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("send a frame on net 'service'"), std::string::npos) << o.out;
}

} // namespace
