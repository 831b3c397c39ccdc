// The guest's TCP/IP stack (lwIP) end to end, in a network namespace of the
// test's own: a guest that only sleeps answers ARP and ping from the host,
// with a plain subnet, with a /32 behind an off-link gateway as Kubernetes
// CNIs hand out, through an extra route, within its MTU, and after a flood
// of garbage frames. Bad IPv4 flags end nabla-run with 64 and one line.
#include "netns.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

using namespace nabla::test;

namespace {

// User and system CPU time of a process so far.
double cpu_seconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; i++)
        if (i >= 14) ticks += std::stod(f); // utime, stime
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Everything a guest printed, for assertion messages.
std::string output(Server& g) { return g.out() + g.err(); }

class NetStack : public testing::Test {
protected:
    void SetUp() override {
        if (!ns_.ok()) GTEST_SKIP() << ns_.skip_reason();
        if (!sh("command -v ping")) GTEST_SKIP() << "needs ping";
    }

    bool ip(const std::string& args) { return ns_.ip(args); }
    bool sysctl(const std::string& setting) { return ns_.sysctl(setting); }
    std::vector<std::string> in_ns(std::vector<std::string> argv) { return ns_.wrap(std::move(argv)); }

    // The net-stack guest on tap0 with these nabla-run flags, once it is up.
    std::unique_ptr<Server> start_guest(std::vector<std::string> flags) {
        std::vector<std::string> argv = {bin("nabla-run"), "--net:eth0=" + ns_.tap};
        argv.insert(argv.end(), flags.begin(), flags.end());
        argv.insert(argv.end(), {guest("net-stack"), "60"});
        auto g = std::make_unique<Server>(in_ns(argv));
        EXPECT_TRUE(g->wait_for("up\n", std::chrono::seconds(10))) << output(*g);
        return g;
    }

    // ping from the namespace: every one of count answered within the deadline.
    Outcome ping(const std::string& addr, std::vector<std::string> extra = {}, int count = 3) {
        std::vector<std::string> argv = {"ping", "-n", "-c", std::to_string(count), "-i", "0.2", "-w", "5"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(addr);
        return run(in_ns(argv));
    }
    // ping that must get no answer (one second to wait for each).
    Outcome ping_unanswered(const std::string& addr, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {"ping", "-n", "-c", "2", "-i", "0.2", "-W", "1"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(addr);
        return run(in_ns(argv));
    }

    // tap0 with no address and no IPv6: the tests address it themselves.
    NetNs ns_{NetNs::Bare{}};
};

bool answered(const Outcome& o, int count) {
    return o.exited_with(0) && o.out.find(std::to_string(count) + " received") != std::string::npos;
}
bool unanswered(const Outcome& o) { return o.exited && o.code != 0 && o.out.find(" 0 received") != std::string::npos; }

TEST_F(NetStack, AnswersArpAndPing) {
    const std::string mac = "02:42:0a:00:00:02";
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0"));
    auto g = start_guest({"--net-mac:eth0=" + mac, "--net-ip:eth0=10.0.0.2/24"});
    auto o = ping("10.0.0.2");
    EXPECT_TRUE(answered(o, 3)) << describe(o) << output(*g);
    // The host learnt the guest's MAC by ARP.
    auto neigh = run(in_ns({"ip", "neigh", "show", "10.0.0.2", "dev", "tap0"}));
    EXPECT_NE(neigh.out.find("lladdr " + mac), std::string::npos) << neigh.out;
    EXPECT_TRUE(g->running()) << output(*g);
}

// As Calico sets a pod up: a /32, the gateway 169.254.1.1 on no subnet of
// it, and a host that owns no such address but answers ARP for it (proxy
// ARP) and routes the /32 to the tap. The ping comes from an address that
// is not link-local either, so the reply can only go by the gateway.
TEST_F(NetStack, Slash32BehindAnOffLinkGateway) {
    ASSERT_TRUE(ip("link add up0 type veth peer name up1"));
    ASSERT_TRUE(ip("link set up0 up") && ip("link set up1 up"));
    ASSERT_TRUE(ip("addr add 192.168.50.1/24 dev up0"));
    ASSERT_TRUE(ip("route add default via 192.168.50.254 dev up0 onlink"));
    ASSERT_TRUE(ip("route add 10.1.2.3/32 dev tap0 src 192.168.50.1"));
    ASSERT_TRUE(sysctl("net.ipv4.ip_forward=1") && sysctl("net.ipv4.conf.tap0.proxy_arp=1") &&
                sysctl("net.ipv4.neigh.tap0.proxy_delay=0"));
    auto g = start_guest({"--net-ip:eth0=10.1.2.3/32", "--net-gw:eth0=169.254.1.1"});
    auto o = ping("10.1.2.3");
    EXPECT_TRUE(answered(o, 3)) << describe(o) << output(*g);
    EXPECT_TRUE(g->running()) << output(*g);
}

// The default gateway 10.0.0.254 answers nobody's ARP; 192.168.60.0/24 is
// routed through 10.0.0.3, which the host has. A ping from 192.168.60.1 is
// answered by that route; one from 192.168.70.1 goes to the dead default.
TEST_F(NetStack, ExtraRouteGoesThroughItsOwnGateway) {
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0") && ip("addr add 10.0.0.3/32 dev tap0"));
    ASSERT_TRUE(ip("addr add 192.168.60.1/32 dev lo") && ip("addr add 192.168.70.1/32 dev lo"));
    auto g = start_guest({"--net-ip:eth0=10.0.0.2/24", "--net-gw:eth0=10.0.0.254",
                          "--net-route:eth0=192.168.60.0/24@10.0.0.3"});
    auto routed = ping("10.0.0.2", {"-I", "192.168.60.1"});
    EXPECT_TRUE(answered(routed, 3)) << describe(routed) << output(*g);
    auto dead_default = ping_unanswered("10.0.0.2", {"-I", "192.168.70.1"});
    EXPECT_TRUE(unanswered(dead_default)) << describe(dead_default);
    // The subnet itself is on the link, whatever the gateways do.
    auto direct = ping("10.0.0.2", {"-I", "10.0.0.1"});
    EXPECT_TRUE(answered(direct, 3)) << describe(direct) << output(*g);
}

// The host's side of the tap has MTU 1500, the guest 1400: a 1400-byte
// packet with DF gets its answer, a 1401-byte one is dropped as a NIC
// would drop it.
TEST_F(NetStack, HonoursTheMtu) {
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0"));
    auto g = start_guest({"--net-ip:eth0=10.0.0.2/24", "--net-mtu:eth0=1400"});
    auto fits = ping("10.0.0.2", {"-M", "do", "-s", "1372"}, 2);
    EXPECT_TRUE(answered(fits, 2)) << describe(fits) << output(*g);
    auto too_big = ping_unanswered("10.0.0.2", {"-M", "do", "-s", "1373"});
    EXPECT_TRUE(unanswered(too_big)) << describe(too_big);
    EXPECT_TRUE(g->running()) << output(*g);
}

// Datagrams larger than the MTU arrive in fragments and their answers leave
// in fragments (IP_REASSEMBLY, IP_FRAG).
TEST_F(NetStack, ReassemblesAndFragments) {
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0"));
    auto g = start_guest({"--net-ip:eth0=10.0.0.2/24"});
    auto o = ping("10.0.0.2", {"-s", "20000"}, 2);
    EXPECT_TRUE(answered(o, 2)) << describe(o) << output(*g);
}

// Frames of every kind of wrong: random bytes of random length, truncated
// Ethernet, ARP and IPv4 headers, IPv4 headers that lie about their
// lengths, transport headers cut short or with random flags and ports
// (with valid checksums, to reach TCP and UDP), fragments at random
// offsets, frames longer than the guest's MTU and frames for other MACs.
const char* garbage_flood = R"PY(
import os, random, socket, struct, sys
tap, mac, count = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', '')), int(sys.argv[3])
guest_ip, host_ip = socket.inet_aton(sys.argv[4]), socket.inet_aton(sys.argv[5])
me = bytes.fromhex('020000000001')
rng = random.Random(4)
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ipv4(proto, payload, total=None, ihl=5, frag=0, src=host_ip):
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, total if total is not None else 20 + len(payload),
                    rng.randrange(65536), frag, 64, proto, 0, src, guest_ip)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload
def transport(proto, body):
    pseudo = host_ip + guest_ip + struct.pack('!BBH', 0, proto, len(body))
    off = {6: 16, 17: 6, 1: 2}[proto]
    body = body[:off] + b'\0\0' + body[off + 2:]
    return body[:off] + struct.pack('!H', csum((b'' if proto == 1 else pseudo) + body)) + body[off + 2:]
def frame(rng):
    k = rng.randrange(12)
    junk = os.urandom(rng.randrange(0, 1500))
    if k == 0: return os.urandom(rng.randrange(1, 1515))                 # anything at all
    if k == 1: return mac + me + os.urandom(rng.randrange(0, 20))        # cut inside the headers
    if k == 2: return mac + me + b'\x08\x06' + os.urandom(rng.randrange(0, 40))  # ARP, short or random
    if k == 3: return mac + me + b'\x08\x00' + os.urandom(rng.randrange(0, 60))  # IPv4, random header
    if k == 4: return mac + me + b'\x08\x00' + ipv4(rng.choice([1, 6, 17]), junk, total=rng.randrange(65536))
    if k == 5: return mac + me + b'\x08\x00' + ipv4(rng.choice([1, 6, 17]), junk, ihl=rng.randrange(16))
    if k == 6:                                                            # transport header cut short
        p = rng.choice([1, 6, 17])
        return mac + me + b'\x08\x00' + ipv4(p, os.urandom(rng.randrange(0, 20)))
    if k == 7:                                                            # TCP, random flags, valid checksum
        tcp = struct.pack('!HHIIBBHHH', rng.randrange(65536), rng.randrange(65536), rng.randrange(1 << 32),
                          rng.randrange(1 << 32), rng.randrange(16) << 4, rng.randrange(256), rng.randrange(65536),
                          0, rng.randrange(65536)) + junk[:rng.randrange(0, 200)]
        return mac + me + b'\x08\x00' + ipv4(6, transport(6, tcp))
    if k == 8:                                                            # UDP, lying length, valid checksum
        udp = struct.pack('!HHHH', rng.randrange(65536), rng.randrange(65536), rng.randrange(65536), 0) + junk[:300]
        return mac + me + b'\x08\x00' + ipv4(17, transport(17, udp))
    if k == 9:                                                            # fragments anywhere
        return mac + me + b'\x08\x00' + ipv4(rng.choice([1, 6, 17]), junk[:rng.randrange(8, 1400)],
                                             frag=rng.randrange(1 << 14) | rng.choice([0, 0x2000]))
    if k == 10: return mac + me + b'\x08\x00' + os.urandom(1000 + rng.randrange(486))  # past the guest's MTU
    return bytes([0x02, 9, 9, 9, 9, 9]) + me + b'\x08\x00' + ipv4(1, junk[:100])    # for another MAC
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((tap, 0))
sent = 0
for i in range(count):
    try:
        s.send(frame(rng))
        sent += 1
    except OSError:
        pass
print('sent', sent)
)PY";

TEST_F(NetStack, SurvivesAFloodOfGarbageFrames) {
    if (!sh("command -v python3")) GTEST_SKIP() << "needs python3";
    const std::string mac = "02:42:0a:00:00:02";
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0"));
    auto g = start_guest({"--net-mac:eth0=" + mac, "--net-ip:eth0=10.0.0.2/24", "--net-mtu:eth0=1000"});
    auto flood = run(in_ns({"python3", "-c", garbage_flood, "tap0", mac, "30000", "10.0.0.2", "10.0.0.1"}),
                     std::chrono::seconds(60));
    ASSERT_TRUE(flood.exited_with(0)) << describe(flood);
    EXPECT_NE(flood.out.find("sent "), std::string::npos) << flood.out;
    auto o = ping("10.0.0.2");
    EXPECT_TRUE(answered(o, 3)) << describe(o) << output(*g);
    EXPECT_TRUE(g->running()) << output(*g);
    EXPECT_EQ(output(*g), "up\n") << "the guest said something about the flood";
}

// lwIP's timers run while the guest's only thread sleeps: the first
// fragment of a datagram whose rest never comes is given up after
// IP_REASS_MAXAGE (15 s, counted by a 1 s timer), and the guest says so
// with an ICMP "fragment reassembly time exceeded".
const char* lone_fragment = R"PY(
import socket, struct, sys, time
tap, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(':', ''))
src, dst = socket.inet_aton(sys.argv[3]), socket.inet_aton(sys.argv[4])
me = bytes.fromhex('020000000001')
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
icmp = struct.pack('!BBHHH', 8, 0, 0, 7, 1) + bytes(1000)
icmp = icmp[:2] + struct.pack('!H', csum(icmp)) + icmp[4:]
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), 4242, 0x2000, 64, 1, 0, src, dst)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((tap, 0))
s.settimeout(0.5)
s.send(mac + me + b'\x08\x00' + ip + icmp)
start = time.time()
while time.time() - start < 30:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if f[6:12] == mac and f[23] == 1 and f[34] == 11 and f[35] == 1:
        print('time exceeded after %.1f s' % (time.time() - start))
        sys.exit(0)
print('no time exceeded')
sys.exit(1)
)PY";

TEST_F(NetStack, TimersRunWhileTheGuestSleeps) {
    if (!sh("command -v python3")) GTEST_SKIP() << "needs python3";
    const std::string mac = "02:42:0a:00:00:02";
    ASSERT_TRUE(ip("addr add 10.0.0.1/24 dev tap0"));
    auto g = start_guest({"--net-mac:eth0=" + mac, "--net-ip:eth0=10.0.0.2/24"});
    // ARP first, so the ICMP message needs no resolving.
    ASSERT_TRUE(answered(ping("10.0.0.2", {}, 1), 1)) << output(*g);
    auto o = run(in_ns({"python3", "-c", lone_fragment, "tap0", mac, "10.0.0.1", "10.0.0.2"}), std::chrono::seconds(40));
    EXPECT_TRUE(o.exited_with(0)) << describe(o) << output(*g);
    auto at = o.out.find("after ");
    ASSERT_NE(at, std::string::npos) << o.out;
    double seconds = std::stod(o.out.substr(at + 6));
    EXPECT_GE(seconds, 13.0) << o.out;
    EXPECT_LE(seconds, 18.0) << o.out;
    // Waking for the timers is all it did: no spinning between them.
    EXPECT_LT(cpu_seconds(g->pid()), 1.0) << "an idle guest spins";
}

// Each bad value: exit 64 and one line naming the flag, before any tap is
// touched (so no root needed).
TEST(NetStackFlags, BadIpv4FlagsExit64WithOneLine) {
    for (std::vector<std::string> flags : {
             std::vector<std::string>{"--net-ip:eth0=10.0.0.300/24"},
             {"--net-ip:eth0=10.0.0.2/33"},
             {"--net-ip:eth0=10.0.0.2"},
             {"--net-ip:eth0=10.0.0.2/24", "--net-gw:eth0=10.0.0"},
             {"--net-gw:eth0=10.0.0.1"},
             {"--net-ip:eth0=10.0.0.2/24", "--net-route:eth0=10.1.0.0/16"},
             {"--net-ip:eth0=10.0.0.2/24", "--net-route:eth0=10.1.0.1/16@10.0.0.1"},
             {"--net-mtu:eth0=67"},
             {"--net-mtu:eth0=65536"},
         }) {
        std::vector<std::string> args = {"--net:eth0=nabla-no-tap"};
        args.insert(args.end(), flags.begin(), flags.end());
        args.push_back(guest("net-stack"));
        auto o = nabla_run(args);
        EXPECT_TRUE(o.exited_with(64)) << flags.back() << ": " << describe(o);
        EXPECT_EQ(o.err.find("nabla-run: --net-"), 0u) << describe(o);
        EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "one line: " << describe(o);
    }
}

} // namespace
