// TCP and UDP through a tap in a network namespace: tests/guests/net_server.c
// under nabla-run, driven by tests/e2e/net_client.py (checked against Linux
// itself: the same server built natively passes the same checks). After
// every hostile client the server must still serve.
#include "netns.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace nabla::test;

namespace {

class Sockets : public testing::Test {
protected:
    void SetUp() override {
        if (!ns_.ok()) GTEST_SKIP() << ns_.skip_reason();
        auto argv = ns_.wrap({bin("nabla-run"), "--mem=512"});
        for (auto& f : ns_.guest_net_flags("eth0")) argv.push_back(f);
        argv.push_back(guest("net-server"));
        server_ = std::make_unique<Server>(argv);
        ASSERT_TRUE(server_->wait_for("ready")) << server_->out() << server_->err();
    }
    void TearDown() override {
        if (server_) {
            bool alive = server_->running();
            auto o = server_->stop();
            EXPECT_TRUE(alive) << "the server died: " << describe(o);
        }
    }
    // One check of net_client.py; its line of output on failure.
    void check(std::vector<std::string> args, std::chrono::seconds timeout = std::chrono::seconds(60)) {
        std::vector<std::string> argv = {"python3", NET_CLIENT, ns_.guest_ip};
        argv.insert(argv.end(), args.begin(), args.end());
        auto o = run(ns_.wrap(argv), timeout);
        EXPECT_TRUE(o.exited_with(0)) << describe(o) << "\nserver: " << server_->out() << server_->err();
    }
    NetNs ns_;
    std::unique_ptr<Server> server_;
};

TEST_F(Sockets, Echoes100MBCheckedByHash) { check({"echo", "100000000"}, std::chrono::seconds(120)); }
TEST_F(Sockets, HalfCloseGetsTheRestThenFin) { check({"halfclose"}); }
TEST_F(Sockets, SurvivesAResetMidStream) { check({"reset"}); }
TEST_F(Sockets, SurvivesClientsThatVanish) { check({"vanish"}); }
TEST_F(Sockets, UdpRoundTripsAndFragments) { check({"udp", "200"}); }
TEST_F(Sockets, PeerAndLocalNames) { check({"peer"}); }
TEST_F(Sockets, BlockingThreadsStreamToTheClient) { check({"source", "10000000"}); }
TEST_F(Sockets, AThousandConcurrentConnections) { check({"many", "1000"}); }

TEST_F(Sockets, AnswersPing) {
    auto o = run(ns_.wrap({"ping", "-c", "3", "-i", "0.2", "-W", "2", ns_.guest_ip}));
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
}

} // namespace

namespace {

// musl's resolver over the library OS's UDP sockets: /etc/hosts from the
// root image first, then the DNS server /etc/resolv.conf names (a small one
// of the test's own, on the host side of the tap).
TEST(NameResolution, HostsFileThenDnsOverUdp) {
    NetNs ns;
    if (!ns.ok()) GTEST_SKIP() << ns.skip_reason();
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "root/etc");
    {
        std::ofstream(dir.path() / "root/etc/hosts") << "127.0.0.1 localhost\n10.1.1.1 db.internal\n";
        std::ofstream(dir.path() / "root/etc/resolv.conf") << "nameserver " << ns.host_ip << "\noptions timeout:2\n";
    }
    auto mk = run({bin("nabla-mkroot"), dir.at("root"), dir.at("root.img")});
    ASSERT_TRUE(mk.exited_with(0)) << describe(mk);
    Server dns(ns.wrap({"python3", DNS_SERVER, ns.host_ip, "www.example.test", "192.0.2.7"}));
    ASSERT_TRUE(dns.wait_for("listening")) << dns.err();

    auto argv = ns.wrap({bin("nabla-run"), "--block-ro:rootfs=" + dir.at("root.img"), "--root=rootfs"});
    for (auto& f : ns.guest_net_flags("eth0")) argv.push_back(f);
    for (std::string a : {guest("resolve"), std::string("db.internal"), std::string("www.example.test"),
                          std::string("missing.example.test")})
        argv.push_back(a);
    auto o = run(argv);
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.out.find("db.internal 10.1.1.1\n"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("www.example.test 192.0.2.7\n"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("missing.example.test error"), std::string::npos) << o.out;
}

} // namespace

namespace {

// TCP's client side (connect blocking and not, refused, EISCONN, MSG_PEEK,
// MSG_WAITALL, FIONREAD, SO_RCVTIMEO, names, options, 127.0.0.1, EADDRINUSE)
// says exactly what Linux says: the same program runs natively beside it.
TEST(TcpClient, SameAsLinux) {
    NetNs ns;
    if (!ns.ok()) GTEST_SKIP() << ns.skip_reason();
    Server echo(ns.wrap({"python3", ECHO_SERVER, ns.host_ip, "9000"}));
    ASSERT_TRUE(echo.wait_for("listening")) << echo.err();
    auto native = run(ns.wrap({bin("tcp-client-native"), ns.host_ip}));
    ASSERT_TRUE(native.exited_with(0)) << describe(native);
    auto argv = ns.wrap({bin("nabla-run")});
    for (auto& f : ns.guest_net_flags("eth0")) argv.push_back(f);
    argv.push_back(guest("tcp-client"));
    argv.push_back(ns.host_ip);
    auto o = run(argv);
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out, native.out);
}

} // namespace

namespace {

// A guest that floods its tap with garbage (random bytes, lengths from 0 to
// 64 KiB) touches only its tap fd: it is not killed (any other host call
// would be SIGSYS), the host receives the frames on the tap, and the tap
// still carries traffic for the next guest.
TEST(Flood, GarbageFromTheGuestStaysOnTheTap) {
    NetNs ns;
    if (!ns.ok()) GTEST_SKIP() << ns.skip_reason();
    auto received = [&] {
        auto o = run(ns.wrap({"cat", "/sys/class/net/" + ns.tap + "/statistics/rx_packets"}));
        return o.exited_with(0) ? std::stoull(o.out) : 0ull;
    };
    auto before = received();
    auto o = run(ns.wrap({bin("nabla-run"), "--net:service=" + ns.tap, guest("net-flood"), "20000"}));
    ASSERT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_NE(o.out.find("flooded 20000"), std::string::npos) << o.out;
    EXPECT_GT(received() - before, 1000u) << "the host saw too few of the frames";

    auto argv = ns.wrap({bin("nabla-run")});
    for (auto& f : ns.guest_net_flags("eth0")) argv.push_back(f);
    argv.push_back(guest("net-server"));
    Server server(argv);
    ASSERT_TRUE(server.wait_for("ready")) << server.err();
    auto ping = run(ns.wrap({"ping", "-c", "2", "-i", "0.2", "-W", "2", ns.guest_ip}));
    EXPECT_TRUE(ping.exited_with(0)) << describe(ping);
}

} // namespace
