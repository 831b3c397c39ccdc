// check_against_manifest: the devices on the command line must be exactly
// the ones the unikernel declares (fail closed); derive_mac: the default MAC.
#include "devices.hpp"
#include "test_support.hpp"

#include <set>

namespace nabla {
namespace {

using test::contains;

Manifest manifest(std::vector<ManifestEntry> devices) { return {NABLA_ABI_VERSION, std::move(devices)}; }

Options options(std::vector<std::string> nets, std::vector<std::string> blocks) {
    Options o;
    for (auto& n : nets) o.nets.push_back({n, "tap_" + n, -1, {}});
    for (auto& b : blocks) o.blocks.push_back({b, b + ".img", false, 512});
    return o;
}

std::string mismatch(const Manifest& m, const Options& o) {
    auto e = test::error_of(check_against_manifest(m, o));
    EXPECT_EQ(e.code, Exit::config) << e.message;
    return e.message;
}

const Manifest net_and_disk = manifest({{"net0", DeviceKind::net}, {"disk", DeviceKind::block}});

TEST(CheckAgainstManifest, AcceptsExactlyTheDeclaredDevices) {
    auto ok = check_against_manifest(net_and_disk, options({"net0"}, {"disk"}));
    EXPECT_TRUE(ok) << ok.error().message;
    ok = check_against_manifest(manifest({}), options({}, {}));
    EXPECT_TRUE(ok) << ok.error().message;
}

TEST(CheckAgainstManifest, MissingDeviceNamesItAndTheFlag) {
    EXPECT_TRUE(contains(mismatch(net_and_disk, options({"net0"}, {})),
                         "unikernel needs block device 'disk': attach it with --block:disk=..."));
    EXPECT_TRUE(contains(mismatch(net_and_disk, options({}, {"disk"})),
                         "unikernel needs net device 'net0': attach it with --net:net0=..."));
}

TEST(CheckAgainstManifest, MountsNeedAnAttachedBlockDeviceEach) {
    auto o = options({"net0"}, {"disk"});
    o.mounts.push_back({"disk", "/", true});
    EXPECT_TRUE(check_against_manifest(net_and_disk, o));
    o.mounts.push_back({"disk", "/data/x", false});
    EXPECT_TRUE(contains(mismatch(net_and_disk, o), "device 'disk' is mounted twice"));
    o.mounts = {{"net0", "/", true}};
    EXPECT_TRUE(contains(mismatch(net_and_disk, o), "--root=net0: no block device 'net0' is attached"));
    o.mounts = {{"nothing", "/data/x", false}};
    EXPECT_TRUE(contains(mismatch(net_and_disk, o), "--mount:nothing=/data/x: no block device 'nothing'"));
}

TEST(CheckAgainstManifest, WrongKind) {
    EXPECT_TRUE(contains(mismatch(net_and_disk, options({"disk"}, {"net0"})),
                         "device 'net0' is a net device in the unikernel's manifest, but was attached as block"));
    EXPECT_TRUE(contains(mismatch(manifest({{"disk", DeviceKind::block}}), options({"disk"}, {})),
                         "device 'disk' is a block device in the unikernel's manifest, but was attached as net"));
}

TEST(CheckAgainstManifest, ExtraDeviceNotDeclared) {
    EXPECT_TRUE(contains(mismatch(net_and_disk, options({"net0", "net1"}, {"disk"})),
                         "--net:net1: the unikernel declares no device 'net1'"));
    EXPECT_TRUE(contains(mismatch(net_and_disk, options({"net0"}, {"disk", "scratch"})),
                         "--block:scratch: the unikernel declares no device 'scratch'"));
    EXPECT_TRUE(contains(mismatch(manifest({}), options({}, {"disk"})), "declares no device 'disk'"));
}

TEST(DeriveMac, StableForTheSameInput) {
    EXPECT_EQ(derive_mac("net0", "tap0"), derive_mac("net0", "tap0"));
}

TEST(DeriveMac, DiffersForDifferentNamesOrInterfaces) {
    EXPECT_NE(derive_mac("net0", "tap0"), derive_mac("net1", "tap0"));
    EXPECT_NE(derive_mac("net0", "tap0"), derive_mac("net0", "tap1"));
    // The two strings are separated, not just concatenated.
    EXPECT_NE(derive_mac("ab", "c"), derive_mac("a", "bc"));
}

TEST(DeriveMac, LocallyAdministeredUnicastAndRarelyColliding) {
    std::set<Mac> seen;
    for (int i = 0; i < 1000; i++) {
        auto mac = derive_mac(fmt::format("net{}", i), "tap0");
        EXPECT_EQ(mac[0] & 0x01, 0) << "multicast bit set for net" << i;
        EXPECT_EQ(mac[0] & 0x02, 0x02) << "not locally administered for net" << i;
        seen.insert(mac);
    }
    EXPECT_EQ(seen.size(), 1000u);
}

} // namespace
} // namespace nabla
