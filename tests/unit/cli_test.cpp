// parse_cli: every flag with good and bad values, device bookkeeping, and
// where the tender's arguments stop and the guest's begin.
#include "cli.hpp"
#include "test_support.hpp"

namespace nabla {
namespace {

using test::contains;
using Args = std::vector<std::string>;

Result<Options> parse(Args args) {
    args.insert(args.begin(), "nabla-run");
    return parse_cli(args);
}

// The message of a command line that must be refused with Exit::usage.
std::string refused(Args args) {
    auto e = test::error_of(parse(std::move(args)));
    EXPECT_EQ(e.code, Exit::usage) << e.message;
    return e.message;
}

TEST(ParseCli, Defaults) {
    auto o = parse({"hello.nabla"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->mem_mib, 512u);
    EXPECT_TRUE(o->nets.empty());
    EXPECT_TRUE(o->blocks.empty());
    EXPECT_FALSE(o->help);
    EXPECT_FALSE(o->version);
    EXPECT_FALSE(o->print_policy);
    EXPECT_EQ(o->kernel, "hello.nabla");
    EXPECT_TRUE(o->args.empty());
}

TEST(ParseCli, AllFlagsTogether) {
    auto o = parse({"--mem=64", "--net:net0=tap0", "--net-mac:net0=02:aB:cd:EF:01:23", "--net:net1=@7",
                    "--block:disk=/tmp/disk.img", "--block-size:disk=4096", "--block-ro:root=root.img",
                    "--print-policy", "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->mem_mib, 64u);
    EXPECT_TRUE(o->print_policy);
    ASSERT_EQ(o->nets.size(), 2u);
    EXPECT_EQ(o->nets[0].name, "net0");
    EXPECT_EQ(o->nets[0].iface, "tap0");
    EXPECT_EQ(o->nets[0].fd, -1);
    EXPECT_EQ(o->nets[0].mac, (Mac{0x02, 0xab, 0xcd, 0xef, 0x01, 0x23}));
    EXPECT_EQ(o->nets[1].name, "net1");
    EXPECT_EQ(o->nets[1].iface, "");
    EXPECT_EQ(o->nets[1].fd, 7);
    EXPECT_FALSE(o->nets[1].mac);
    ASSERT_EQ(o->blocks.size(), 2u);
    EXPECT_EQ(o->blocks[0].name, "disk");
    EXPECT_EQ(o->blocks[0].path, "/tmp/disk.img");
    EXPECT_FALSE(o->blocks[0].read_only);
    EXPECT_EQ(o->blocks[0].block_size, 4096u);
    EXPECT_EQ(o->blocks[1].name, "root");
    EXPECT_EQ(o->blocks[1].path, "root.img");
    EXPECT_TRUE(o->blocks[1].read_only);
    EXPECT_EQ(o->blocks[1].block_size, 512u);
}

TEST(ParseCli, MemBounds) {
    EXPECT_TRUE(contains(refused({"--mem=3", "k"}), "--mem: 3 MiB is not in 4..1048576"));
    EXPECT_TRUE(contains(refused({"--mem=1048577", "k"}), "--mem: 1048577 MiB is not in 4..1048576"));
    EXPECT_TRUE(contains(refused({"--mem=0", "k"}), "--mem: 0 MiB"));
    auto low = parse({"--mem=4", "k"});
    ASSERT_TRUE(low) << low.error().message;
    EXPECT_EQ(low->mem_mib, 4u);
    auto high = parse({"--mem=1048576", "k"});
    ASSERT_TRUE(high) << high.error().message;
    EXPECT_EQ(high->mem_mib, 1048576u);
}

TEST(ParseCli, MemMustBeANumber) {
    for (std::string bad : {"", "64M", "-1", "+4", " 4", "0x10", "99999999999999999999999"}) {
        SCOPED_TRACE(bad);
        EXPECT_TRUE(contains(refused({"--mem=" + bad, "k"}), "--mem: '" + bad + "' is not a number"));
    }
}

TEST(ParseCli, NetInheritedFd) {
    auto o = parse({"--net:n=@5", "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->nets[0].fd, 5);
    EXPECT_TRUE(contains(refused({"--net:n=@2", "k"}), "--net:n: fd 2 is not an inheritable fd (3..65535)"));
    EXPECT_TRUE(contains(refused({"--net:n=@65536", "k"}), "fd 65536 is not an inheritable fd"));
    EXPECT_TRUE(contains(refused({"--net:n=@", "k"}), "--net: '' is not a number"));
    EXPECT_TRUE(contains(refused({"--net:n=@x", "k"}), "--net: 'x' is not a number"));
}

TEST(ParseCli, NetInterfaceNameLength) {
    auto o = parse({"--net:n=" + std::string(15, 't'), "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->nets[0].iface, std::string(15, 't'));
    EXPECT_TRUE(contains(refused({"--net:n=" + std::string(16, 't'), "k"}),
                         "--net:n: interface name '" + std::string(16, 't') + "' is not 1..15 characters"));
    EXPECT_TRUE(contains(refused({"--net:n=", "k"}), "--net:n: interface name '' is not 1..15 characters"));
}

TEST(ParseCli, NetMacNeedsItsNetFirst) {
    EXPECT_TRUE(contains(refused({"--net-mac:n=02:00:00:00:00:01", "--net:n=tap0", "k"}),
                         "--net-mac:n: no --net:n given before it"));
}

TEST(ParseCli, NetMacRejectsBadAddresses) {
    struct Case {
        std::string mac, why;
    };
    for (const auto& c : {Case{"02:00:00:00:00", "is not a MAC address"},
                          Case{"02:00:00:00:00:0", "is not a MAC address"},
                          Case{"02:00:00:00:00:001", "is not a MAC address"},
                          Case{"02:00:00:00:00:zz", "is not a MAC address"},
                          Case{"02-00-00-00-00-01", "is not a MAC address"},
                          Case{"02:00:00:00:0x:01", "is not a MAC address"},
                          Case{"01:00:5e:00:00:01", "is a multicast MAC address"},
                          Case{"ff:ff:ff:ff:ff:ff", "is a multicast MAC address"},
                          Case{"00:00:00:00:00:00", "is the all-zero MAC address"}}) {
        SCOPED_TRACE(c.mac);
        auto msg = refused({"--net:n=tap0", "--net-mac:n=" + c.mac, "k"});
        EXPECT_TRUE(contains(msg, "--net-mac:n: '" + c.mac + "' " + c.why));
    }
}

TEST(ParseCli, ParseMacDirectly) {
    auto mac = parse_mac("0a:1B:2c:3D:4e:5F");
    ASSERT_TRUE(mac) << mac.error().message;
    EXPECT_EQ(*mac, (Mac{0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f}));
    EXPECT_EQ(test::error_of(parse_mac("")).code, Exit::usage);
}

TEST(ParseCli, BlockFlags) {
    EXPECT_TRUE(contains(refused({"--block:d=", "k"}), "--block:d needs a file"));
    EXPECT_TRUE(contains(refused({"--block-ro:d=", "k"}), "--block-ro:d needs a file"));
    EXPECT_TRUE(contains(refused({"--block:d=x", "--block-size:d=1024", "k"}),
                         "--block-size:d: '1024' is neither 512 nor 4096"));
    EXPECT_TRUE(contains(refused({"--block-size:d=4096", "--block:d=x", "k"}),
                         "--block-size:d: no --block:d given before it"));
    // --block-size applies to a --block-ro device as well.
    auto o = parse({"--block-ro:d=x", "--block-size:d=4096", "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->blocks[0].block_size, 4096u);
    EXPECT_TRUE(o->blocks[0].read_only);
}

TEST(ParseCli, RejectsTheSameDeviceNameTwice) {
    EXPECT_TRUE(contains(refused({"--net:a=tap0", "--block:a=x", "k"}), "--block: device 'a' is given twice"));
    EXPECT_TRUE(contains(refused({"--block:a=x", "--block-ro:a=y", "k"}), "--block-ro: device 'a' is given twice"));
    EXPECT_TRUE(contains(refused({"--net:a=tap0", "--net:a=tap1", "k"}), "--net: device 'a' is given twice"));
}

TEST(ParseCli, RejectsBadDeviceNames) {
    EXPECT_TRUE(contains(refused({"--block:a-b=x", "k"}), "--block: device name 'a-b' is not [A-Za-z0-9_]{1,67}"));
    EXPECT_TRUE(contains(refused({"--net:" + std::string(68, 'n') + "=tap0", "k"}), "device name 'nnnn"));
}

TEST(ParseCli, PerDeviceFlagWithoutName) {
    EXPECT_TRUE(contains(refused({"--block=x", "k"}), "--block needs a device name: --block:NAME=FILE"));
    EXPECT_TRUE(contains(refused({"--net:=tap0", "k"}), "--net needs a device name: --net:NAME=IFACE|@FD"));
}

TEST(ParseCli, GlobalFlagWithDeviceName) {
    EXPECT_TRUE(contains(refused({"--mem:x=64", "k"}), "--mem takes no device name"));
    EXPECT_TRUE(contains(refused({"--help:x", "k"}), "--help takes no device name"));
}

TEST(ParseCli, FlagWithoutItsValue) {
    EXPECT_TRUE(contains(refused({"--mem", "k"}), "--mem needs a value: --mem=MiB"));
    EXPECT_TRUE(contains(refused({"--block:d", "k"}), "--block needs a value: --block:NAME=FILE"));
    EXPECT_TRUE(contains(refused({"--net-mac:d", "k"}), "--net-mac needs a value: --net-mac:NAME=MAC"));
}

TEST(ParseCli, ValueGivenToAFlagWithout) {
    EXPECT_TRUE(contains(refused({"--help=yes"}), "--help takes no value"));
    EXPECT_TRUE(contains(refused({"--print-policy=", "k"}), "--print-policy takes no value"));
}

TEST(ParseCli, UnknownFlagIsNamed) {
    EXPECT_TRUE(contains(refused({"--memory=64", "k"}), "unknown option '--memory=64'"));
    EXPECT_TRUE(contains(refused({"--bogus", "k"}), "unknown option '--bogus' (see nabla-run --help)"));
    EXPECT_TRUE(contains(refused({"---mem=4", "k"}), "unknown option '---mem=4'"));
}

TEST(ParseCli, NoKernel) {
    EXPECT_TRUE(contains(refused({}), "no KERNEL given"));
    EXPECT_TRUE(contains(refused({"--mem=64"}), "no KERNEL given"));
    EXPECT_TRUE(contains(refused({"--"}), "no KERNEL given"));
    EXPECT_TRUE(contains(refused({"--print-policy"}), "no KERNEL given"));
    auto e = test::error_of(parse_cli({}));
    EXPECT_EQ(e.code, Exit::usage);
}

TEST(ParseCli, ArgumentsAfterKernelPassThroughUnchanged) {
    auto o = parse({"--mem=64", "k.nabla", "--mem=1", "-x", "--", "--bogus", "", "a b"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->mem_mib, 64u);
    EXPECT_EQ(o->kernel, "k.nabla");
    EXPECT_EQ(o->args, (Args{"--mem=1", "-x", "--", "--bogus", "", "a b"}));
}

TEST(ParseCli, DoubleDashEndsTheOptions) {
    auto o = parse({"--mem=8", "--", "--kernel-with-dashes", "--help"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->mem_mib, 8u);
    EXPECT_FALSE(o->help);
    EXPECT_EQ(o->kernel, "--kernel-with-dashes");
    EXPECT_EQ(o->args, (Args{"--help"}));
}

TEST(ParseCli, HelpAndVersionNeedNoKernel) {
    auto h = parse({"--help"});
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_TRUE(h->help);
    auto v = parse({"--version"});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_TRUE(v->version);
    // Flags before --help are still checked.
    EXPECT_TRUE(contains(refused({"--mem=1", "--help"}), "--mem: 1 MiB"));
}

TEST(ParseCli, UsageListsEveryFlag) {
    auto u = usage_text();
    for (const char* flag : {"--mem=MiB", "--net:NAME=IFACE|@FD", "--net-mac:NAME=MAC", "--block:NAME=FILE",
                             "--block-ro:NAME=FILE", "--block-size:NAME=512|4096", "--print-policy", "--help",
                             "--version", "KERNEL [ARGS...]"})
        EXPECT_TRUE(contains(u, flag));
    // ... and the documented exit statuses match the Exit enum.
    for (Exit code : {Exit::usage, Exit::bad_kernel, Exit::no_input, Exit::unavailable, Exit::os_error,
                      Exit::abi_mismatch, Exit::config})
        EXPECT_TRUE(contains(u, std::to_string(static_cast<int>(code)) + " "));
}

// One inherited tap fd for two devices would be closed twice (each TapDevice
// owns its fd), and the two guest devices would steal each other's frames.
TEST(ParseCli, SameInheritedTapFdForTwoDevicesIsRefused) {
    EXPECT_TRUE(contains(refused({"--net:a=@5", "--net:b=@5", "k"}), "fd 5"));
}

TEST(ParseCli, GuestEnvironmentAndTrace) {
    auto o = parse({"--env=A=1", "--env=B=x=y", "--env=EMPTY=", "--trace-syscalls", "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->env, (std::vector<std::string>{"A=1", "B=x=y", "EMPTY="}));
    EXPECT_TRUE(o->trace_syscalls);
    EXPECT_FALSE(parse({"k"})->trace_syscalls);
    EXPECT_TRUE(contains(refused({"--env=NOVALUE", "k"}), "--env: 'NOVALUE' is not KEY=VALUE"));
    EXPECT_TRUE(contains(refused({"--env==x", "k"}), "--env: '=x' is not KEY=VALUE"));
}

TEST(ParseCli, RootMountsAndWritableLayer) {
    auto o = parse({"--root=rootfs", "--mount:data=/var/lib/db.sqlite", "--writable=16", "k"});
    ASSERT_TRUE(o) << o.error().message;
    ASSERT_EQ(o->mounts.size(), 2u);
    EXPECT_TRUE(o->mounts[0].root);
    EXPECT_EQ(o->mounts[0].device, "rootfs");
    EXPECT_EQ(o->mounts[0].path, "/");
    EXPECT_FALSE(o->mounts[1].root);
    EXPECT_EQ(o->mounts[1].path, "/var/lib/db.sqlite");
    EXPECT_EQ(o->writable_mib, 16u);
    EXPECT_EQ(parse({"k"})->writable_mib, default_writable_mib);
    EXPECT_TRUE(contains(refused({"--root=a", "--root=b", "k"}), "--root is given twice"));
    EXPECT_TRUE(contains(refused({"--root=bad-name", "k"}), "--root: 'bad-name' is not a device name"));
    for (std::string bad : {"relative", "/", "/a/../b", "/a/..", "/dir/"})
        EXPECT_TRUE(contains(refused({"--mount:d=" + bad, "k"}), "is not an absolute file path")) << bad;
    EXPECT_TRUE(contains(refused({"--mount:a=/x", "--mount:b=/x", "k"}), "'/x' is mounted twice"));
    EXPECT_TRUE(contains(refused({"--writable=lots", "k"}), "'lots' is not a number"));
}

TEST(ParseCli, NetIpv4Setup) {
    auto o = parse({"--net:eth0=tap0", "--net-ip:eth0=10.0.0.2/24", "--net-gw:eth0=10.0.0.1", "--net-mtu:eth0=9000",
                    "--net-route:eth0=192.168.60.0/24@10.0.0.3", "--net-route:eth0=0.0.0.0/0@10.0.0.4", "k"});
    ASSERT_TRUE(o) << o.error().message;
    const auto& n = o->nets.at(0);
    EXPECT_EQ(n.ip4.address, (Ip4Net{{10, 0, 0, 2}, 24}));
    EXPECT_EQ(n.ip4.gateway, (Ip4{10, 0, 0, 1}));
    EXPECT_EQ(n.mtu, 9000u);
    ASSERT_EQ(n.ip4.routes.size(), 2u);
    EXPECT_EQ(n.ip4.routes[0], (Ip4Route{{{192, 168, 60, 0}, 24}, {10, 0, 0, 3}}));
    EXPECT_EQ(n.ip4.routes[1], (Ip4Route{{{0, 0, 0, 0}, 0}, {10, 0, 0, 4}}));
    // Nothing given: no address, the tap's MTU.
    auto bare = parse({"--net:eth0=tap0", "k"});
    ASSERT_TRUE(bare) << bare.error().message;
    EXPECT_FALSE(bare->nets[0].ip4.address);
    EXPECT_FALSE(bare->nets[0].ip4.gateway);
    EXPECT_FALSE(bare->nets[0].mtu);
    EXPECT_TRUE(bare->nets[0].ip4.routes.empty());
}

// Kubernetes CNIs such as Calico give a pod a /32 and a gateway that is on
// no subnet of it (169.254.1.1): the guest ARPs for the gateway directly.
TEST(ParseCli, Slash32WithAnOffLinkGateway) {
    auto o = parse({"--net:eth0=tap0", "--net-ip:eth0=10.1.2.3/32", "--net-gw:eth0=169.254.1.1", "k"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->nets[0].ip4.address, (Ip4Net{{10, 1, 2, 3}, 32}));
    EXPECT_EQ(o->nets[0].ip4.gateway, (Ip4{169, 254, 1, 1}));
    // A /31 (RFC 3021) and /0 are addresses too.
    EXPECT_TRUE(parse({"--net:eth0=tap0", "--net-ip:eth0=10.0.0.0/31", "k"}));
    EXPECT_TRUE(parse({"--net:eth0=tap0", "--net-ip:eth0=10.0.0.1/0", "k"}));
}

TEST(ParseCli, NetIpRejectsBadAddresses) {
    struct Case {
        std::string value, why;
    } cases[] = {
        {"10.0.0.2", "'10.0.0.2' is not ADDR/PREFIX"},
        {"10.0.0.256/24", "'10.0.0.256' is not an IPv4 address (a.b.c.d)"},
        {"10.0.0/24", "'10.0.0' is not an IPv4 address"},
        {"10.0.0.1.5/24", "'10.0.0.1.5' is not an IPv4 address"},
        {"010.0.0.1/24", "'010.0.0.1' is not an IPv4 address"}, // octal to inet_aton: refused
        {" 10.0.0.1/24", "is not an IPv4 address"},
        {"10.0.0.-1/24", "is not an IPv4 address"},
        {"10..0.1/24", "is not an IPv4 address"},
        {"10.0.0.2/33", "'10.0.0.2/33': the prefix length is not 0..32"},
        {"10.0.0.2/", "the prefix length is not 0..32"},
        {"10.0.0.2/024", "the prefix length is not 0..32"},
        {"10.0.0.2/x", "the prefix length is not 0..32"},
        {"0.0.0.0/0", "0.0.0.0 is in 0.0.0.0/8, not a host address"},
        {"127.0.0.1/8", "127.0.0.1 is a loopback address"},
        {"224.0.0.1/32", "224.0.0.1 is a multicast address"},
        {"255.255.255.255/32", "is a reserved or the broadcast address"},
        {"10.0.0.0/24", "10.0.0.0 is the network address of 10.0.0.0/24"},
        {"10.0.0.255/24", "10.0.0.255 is the broadcast address of 10.0.0.0/24"},
    };
    for (const auto& c : cases) {
        auto msg = refused({"--net:eth0=tap0", "--net-ip:eth0=" + c.value, "k"});
        EXPECT_TRUE(contains(msg, "--net-ip:eth0: ")) << msg;
        EXPECT_TRUE(contains(msg, c.why)) << c.value << ": " << msg;
    }
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-ip:e=10.0.0.2/24", "--net-ip:e=10.0.0.3/24", "k"}),
                         "--net-ip:e is given twice"));
}

TEST(ParseCli, NetGatewayAndRoutes) {
    Args base = {"--net:e=tap0", "--net-ip:e=10.0.0.2/24"};
    auto with = [&](Args more) {
        Args a = base;
        a.insert(a.end(), more.begin(), more.end());
        a.push_back("k");
        return a;
    };
    EXPECT_TRUE(contains(refused(with({"--net-gw:e=10.0.0"})), "--net-gw:e: '10.0.0' is not an IPv4 address"));
    EXPECT_TRUE(contains(refused(with({"--net-gw:e=224.1.1.1"})), "--net-gw:e: 224.1.1.1 is a multicast address"));
    EXPECT_TRUE(contains(refused(with({"--net-gw:e=10.0.0.1", "--net-gw:e=10.0.0.9"})), "--net-gw:e is given twice"));
    EXPECT_TRUE(contains(refused(with({"--net-gw:e=10.0.0.2"})), "--net-gw:e: 10.0.0.2 is the device's own address"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.0/16"})),
                         "--net-route:e: '10.1.0.0/16' is not DEST/PREFIX@GATEWAY"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.1/16@10.0.0.1"})),
                         "--net-route:e: 10.1.0.1/16 has host bits set (the network is 10.1.0.0/16)"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.0/40@10.0.0.1"})), "the prefix length is not 0..32"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.0/16@0.0.0.0"})), "0.0.0.0 is in 0.0.0.0/8"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.0/16@10.0.0.2"})),
                         "--net-route:e: gateway 10.0.0.2 is the device's own address"));
    EXPECT_TRUE(contains(refused(with({"--net-route:e=10.1.0.0/16@10.0.0.1", "--net-route:e=10.1.0.0/16@10.0.0.3"})),
                         "--net-route:e: 10.1.0.0/16 is routed twice"));
    Args many = base;
    for (int i = 0; i <= 8; i++) many.push_back("--net-route:e=10." + std::to_string(i + 1) + ".0.0/16@10.0.0.1");
    many.push_back("k");
    EXPECT_TRUE(contains(refused(many), "--net-route:e: more than 8 routes"));
    many.erase(many.end() - 2);
    EXPECT_TRUE(parse(many)) << "8 routes are fine";
    // A gateway or a route is no use without an address of the device's own.
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-gw:e=10.0.0.1", "k"}),
                         "--net-gw:e needs --net-ip:e (the device's own address)"));
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-route:e=10.1.0.0/16@10.0.0.1", "k"}),
                         "--net-route:e needs --net-ip:e"));
}

TEST(ParseCli, NetMtu) {
    EXPECT_EQ(parse({"--net:e=tap0", "--net-mtu:e=68", "k"})->nets[0].mtu, 68u);
    EXPECT_EQ(parse({"--net:e=tap0", "--net-mtu:e=65535", "k"})->nets[0].mtu, 65535u);
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-mtu:e=67", "k"}), "--net-mtu:e: 67 is not in 68..65535"));
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-mtu:e=65536", "k"}), "--net-mtu:e: 65536 is not in 68..65535"));
    EXPECT_TRUE(contains(refused({"--net:e=tap0", "--net-mtu:e=1500b", "k"}), "'1500b' is not a number"));
}

// Like --net-mac, the IPv4 flags refer to a --net given before them.
TEST(ParseCli, NetIpv4FlagsNeedTheirNetFirst) {
    for (std::string flag : {"--net-ip:n=10.0.0.2/24", "--net-gw:n=10.0.0.1", "--net-mtu:n=1500",
                             "--net-route:n=10.1.0.0/16@10.0.0.1"}) {
        auto name = flag.substr(2, flag.find(':') - 2);
        EXPECT_TRUE(contains(refused({flag, "--net:n=tap0", "k"}), "--" + name + ":n: no --net:n given before it"))
            << flag;
    }
    EXPECT_TRUE(contains(refused({"--net-ip=10.0.0.2/24", "k"}), "--net-ip needs a device name"));
}

TEST(ParseCli, UsageListsTheNetFlags) {
    auto u = usage_text();
    for (const char* flag : {"--net-ip:NAME=ADDR/PREFIX", "--net-gw:NAME=ADDR", "--net-route:NAME=DEST/PREFIX@GW",
                             "--net-mtu:NAME=N"})
        EXPECT_TRUE(contains(u, flag)) << flag;
}

} // namespace
} // namespace nabla
