// nginx and Redis (apps/nginx, apps/redis), built unmodified from Debian's
// sources, as unikernels and natively: what holds before they serve. Each
// starts under nabla-run from its root image, reports its build, and reads
// its configuration; the native peer reads the same configuration from the
// same image, unpacked. Both unikernels declare net device eth0, so they run
// on a tap in a network namespace of the test's own (which needs root).
// Serving is tested in apps_serving_test.
#include "netns.hpp"

#include <gtest/gtest.h>

using namespace nabla::test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Each test runs in a process of its own (gtest_discover_tests), so each
// makes its namespace once, on first use.
const NetNs& netns() {
    static NetNs ns;
    return ns;
}

#define NEEDS_NETNS()                                               \
    do {                                                            \
        if (!netns().ok()) GTEST_SKIP() << netns().skip_reason();   \
    } while (0)

Outcome on_nabla(const std::string& image, const std::string& kernel, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {bin("nabla-run"), "--block-ro:rootfs=" + bin(image), "--root=rootfs"};
    for (auto& f : netns().guest_net_flags("eth0")) argv.push_back(f);
    argv.push_back(bin(kernel));
    argv.insert(argv.end(), args.begin(), args.end());
    return run(netns().wrap(argv));
}

// The root image unpacked into a scratch directory: the native peer's tree.
class Unpacked {
public:
    explicit Unpacked(const std::string& image) {
        auto o = run({"/usr/bin/tar", "-xf", bin(image), "-C", dir_.path().string()});
        EXPECT_TRUE(o.exited_with(0)) << describe(o);
    }
    std::string at(const std::string& path) const { return dir_.at(path); }
    std::string root() const { return dir_.path().string() + "/"; }

private:
    TempDir dir_;
};

TEST(Nginx, ReportsItsBuildOnBothSides) {
    auto n = run({bin("nginx-native"), "-V"});
    EXPECT_TRUE(n.exited_with(0)) << describe(n);
    EXPECT_TRUE(contains(n.err, "nginx version: nginx/1.22.1\n")) << n.err;
    NEEDS_NETNS();
    auto o = on_nabla("nginx-root.img", "nginx.nabla", {"-V"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_TRUE(contains(o.err, "nginx version: nginx/1.22.1\n")) << o.err;
    EXPECT_TRUE(contains(o.err, "--without-http_rewrite_module")) << o.err;
}

// nginx -t parses the configuration (nginx.conf and the mime.types it
// includes, from the root image), then opens the listening socket.
TEST(Nginx, ConfigurationTestPassesInTheUnikernel) {
    NEEDS_NETNS();
    auto o = on_nabla("nginx-root.img", "nginx.nabla", {"-t"});
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_TRUE(contains(o.err, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n")) << describe(o);
    EXPECT_TRUE(contains(o.err, "nginx: configuration file /etc/nginx/nginx.conf test is successful\n")) << o.err;
}

// The peer reads the same nginx.conf: its paths are relative to the prefix.
TEST(Nginx, NativePeerReadsTheSameConfiguration) {
    Unpacked tree("nginx-root.img");
    auto o = run({bin("nginx-native"), "-p", tree.root(), "-c", "etc/nginx/nginx.conf", "-t"});
    // Syntax first; the test then binds port 8080, which the host may be using.
    EXPECT_TRUE(contains(o.err, "etc/nginx/nginx.conf syntax is ok\n")) << describe(o);
}

TEST(Redis, ReportsItsVersionOnBothSides) {
    auto check = [](const Outcome& o) {
        EXPECT_TRUE(o.exited_with(0)) << describe(o);
        EXPECT_TRUE(contains(o.out, "Redis server v=7.0.15 ")) << o.out;
        EXPECT_TRUE(contains(o.out, " malloc=libc ")) << o.out;
    };
    check(run({bin("redis-server-native"), "--version"}));
    NEEDS_NETNS();
    check(on_nabla("redis-root.img", "redis-server.nabla", {"--version"}));
}

// redis.conf from the root image, with --port 0: Redis loads it, sets up
// (event loop, limits, directory), finds nothing to listen on, and exits.
TEST(Redis, LoadsItsConfigurationInTheUnikernel) {
    NEEDS_NETNS();
    auto o = on_nabla("redis-root.img", "redis-server.nabla", {"/etc/redis/redis.conf", "--port", "0"});
    EXPECT_TRUE(o.exited_with(1)) << describe(o);
    EXPECT_TRUE(contains(o.out, "# Configuration loaded\n")) << describe(o);
    EXPECT_FALSE(contains(o.out, "FATAL CONFIG FILE ERROR")) << describe(o);
    EXPECT_TRUE(contains(o.out, "Configured to not listen anywhere, exiting.\n")) << describe(o);
}

TEST(Redis, NativePeerReadsTheSameConfiguration) {
    Unpacked tree("redis-root.img");
    // From the tree, as the unikernel runs at the root of its image.
    auto o = run({"/usr/bin/env", "-C", tree.root(), bin("redis-server-native"), "etc/redis/redis.conf", "--port", "0"});
    EXPECT_TRUE(o.exited_with(1)) << describe(o);
    EXPECT_TRUE(contains(o.out, "# Configuration loaded\n")) << describe(o);
    EXPECT_TRUE(contains(o.out, "Configured to not listen anywhere, exiting.\n")) << describe(o);
}

} // namespace
