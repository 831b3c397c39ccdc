// TCP and UDP through a tap in a network namespace: tests/guests/net_server.c
// under nabla-run, driven by tests/e2e/net_client.py (checked against Linux
// itself: the same server built natively passes the same checks). After
// every hostile client the server must still serve.
#include "netns.hpp"

#include <gtest/gtest.h>

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
