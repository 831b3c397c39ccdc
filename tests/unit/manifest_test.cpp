// parse_manifest: the device list a unikernel declares is hostile input;
// sizes must match exactly and every name and kind is checked.
#include "manifest.hpp"
#include "test_support.hpp"

namespace nabla {
namespace {

using test::Bytes;
using test::contains;
using test::DeviceDecl;
using test::manifest_bytes;

Error rejection(const Bytes& desc, Exit code = Exit::bad_kernel) {
    auto e = test::error_of(parse_manifest(desc));
    EXPECT_EQ(e.code, code) << e.message;
    return e;
}

// A manifest whose single entry has the 68-byte name field `name` verbatim.
Bytes with_raw_name(const char (&name)[NABLA_DEVICE_NAME_MAX + 1]) {
    Bytes m = manifest_bytes({{"x", NABLA_DEVICE_NET}});
    std::memcpy(m.data() + test::entry_offset(0), name, sizeof name);
    return m;
}

TEST(ParseManifest, AcceptsNoDevices) {
    auto m = parse_manifest(manifest_bytes({}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->abi_version, NABLA_ABI_VERSION);
    EXPECT_TRUE(m->devices.empty());
}

TEST(ParseManifest, AcceptsOneDevice) {
    auto m = parse_manifest(manifest_bytes({{"disk_0", NABLA_DEVICE_BLOCK}}));
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->devices.size(), 1u);
    EXPECT_EQ(m->devices[0].name, "disk_0");
    EXPECT_EQ(m->devices[0].kind, DeviceKind::block);
}

TEST(ParseManifest, AcceptsTheMaximumOf63DevicesInOrder) {
    std::vector<DeviceDecl> decls;
    for (uint32_t i = 0; i < NABLA_MAX_DEVICES; i++)
        decls.push_back({"dev" + std::to_string(i), i % 2 ? NABLA_DEVICE_BLOCK : NABLA_DEVICE_NET});
    auto m = parse_manifest(manifest_bytes(decls));
    ASSERT_TRUE(m) << m.error().message;
    ASSERT_EQ(m->devices.size(), 63u);
    for (size_t i = 0; i < decls.size(); i++) {
        EXPECT_EQ(m->devices[i].name, decls[i].name);
        EXPECT_EQ(static_cast<uint32_t>(m->devices[i].kind), decls[i].kind);
    }
}

TEST(ParseManifest, AcceptsA67CharacterName) {
    std::string name(NABLA_DEVICE_NAME_MAX, 'N');
    auto m = parse_manifest(manifest_bytes({{name, NABLA_DEVICE_NET}}));
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_EQ(m->devices[0].name, name);
}

TEST(ParseManifest, RejectsOtherAbiVersionNamingBoth) {
    auto e = rejection(manifest_bytes({}, NABLA_ABI_VERSION + 1), Exit::abi_mismatch);
    EXPECT_TRUE(contains(e.message, "built for nabla ABI version " + std::to_string(NABLA_ABI_VERSION + 1) +
                                        ", this nabla-run speaks version " + std::to_string(NABLA_ABI_VERSION)));
    // The version is checked before anything else: a garbled body does not matter.
    Bytes garbled = manifest_bytes({}, 0);
    garbled.resize(3 + sizeof(nabla_manifest));
    EXPECT_TRUE(contains(rejection(garbled, Exit::abi_mismatch).message, "ABI version 0"));
}

TEST(ParseManifest, RejectsShorterThanTheHeader) {
    Bytes m = manifest_bytes({});
    m.resize(7);
    EXPECT_TRUE(contains(rejection(m).message, "manifest is 7 bytes, smaller than its 8-byte header"));
}

TEST(ParseManifest, Rejects64Devices) {
    std::vector<DeviceDecl> decls;
    for (int i = 0; i < 64; i++) decls.push_back({"d" + std::to_string(i), NABLA_DEVICE_BLOCK});
    EXPECT_TRUE(contains(rejection(manifest_bytes(decls)).message, "declares 64 devices, at most 63 are allowed"));
}

TEST(ParseManifest, RejectsHugeCountWithoutOverflow) {
    Bytes m = manifest_bytes({});
    test::put<uint32_t>(m, 4, UINT32_MAX);
    EXPECT_TRUE(contains(rejection(m).message, "declares 4294967295 devices"));
}

TEST(ParseManifest, RejectsOneByteTooMany) {
    Bytes m = manifest_bytes({{"net0", NABLA_DEVICE_NET}});
    m.push_back(std::byte{0});
    EXPECT_TRUE(contains(rejection(m).message, "manifest is 81 bytes, but 1 devices need exactly 80"));
}

TEST(ParseManifest, RejectsOneByteTooFew) {
    Bytes m = manifest_bytes({{"net0", NABLA_DEVICE_NET}, {"net1", NABLA_DEVICE_NET}});
    m.pop_back();
    EXPECT_TRUE(contains(rejection(m).message, "manifest is 151 bytes, but 2 devices need exactly 152"));
}

TEST(ParseManifest, RejectsEntriesBeyondTheCount) {
    Bytes m = manifest_bytes({{"net0", NABLA_DEVICE_NET}});
    test::put<uint32_t>(m, 4, 0); // count 0, one entry still there
    EXPECT_TRUE(contains(rejection(m).message, "manifest is 80 bytes, but 0 devices need exactly 8"));
}

TEST(ParseManifest, RejectsNameWithoutNul) {
    char name[NABLA_DEVICE_NAME_MAX + 1];
    std::memset(name, 'a', sizeof name);
    EXPECT_TRUE(contains(rejection(with_raw_name(name)).message, "manifest device #0: name is not NUL-terminated"));
}

TEST(ParseManifest, RejectsNamesOutsideTheAlphabet) {
    // Control and non-ASCII bytes are shown escaped: the name is hostile input.
    struct Case {
        std::string name, shown;
    };
    for (const auto& c : {Case{"a-b", "a-b"}, Case{"a.b", "a.b"}, Case{"a b", "a b"}, Case{"", ""},
                          Case{"é", "\\xc3\\xa9"}, Case{"a/b", "a/b"}, Case{"tap\n", "tap\\x0a"},
                          Case{"\x1b[2J", "\\x1b[2J"}}) {
        SCOPED_TRACE("name '" + c.shown + "'");
        auto e = rejection(manifest_bytes({{"ok", NABLA_DEVICE_NET}, {c.name, NABLA_DEVICE_NET}}));
        EXPECT_TRUE(contains(e.message, "manifest device #1: name '" + c.shown + "' is not [A-Za-z0-9_]{1,67}"));
    }
}

TEST(ParseManifest, RejectsNonZeroBytesAfterTheNul) {
    char name[NABLA_DEVICE_NAME_MAX + 1] = "net0";
    name[NABLA_DEVICE_NAME_MAX] = 'x'; // last byte of the field
    EXPECT_TRUE(contains(rejection(with_raw_name(name)).message, "manifest device 'net0': bytes after the name are not zero"));
    char early[NABLA_DEVICE_NAME_MAX + 1] = "net0";
    early[5] = 1; // right after the NUL
    EXPECT_TRUE(contains(rejection(with_raw_name(early)).message, "bytes after the name are not zero"));
}

TEST(ParseManifest, RejectsUnknownKinds) {
    EXPECT_TRUE(contains(rejection(manifest_bytes({{"dev", 0}})).message, "manifest device 'dev': unknown kind 0"));
    EXPECT_TRUE(contains(rejection(manifest_bytes({{"dev", 3}})).message, "manifest device 'dev': unknown kind 3"));
    EXPECT_TRUE(contains(rejection(manifest_bytes({{"dev", UINT32_MAX}})).message, "unknown kind 4294967295"));
}

TEST(ParseManifest, RejectsDuplicateNames) {
    auto e = rejection(manifest_bytes({{"net0", NABLA_DEVICE_NET}, {"disk", NABLA_DEVICE_BLOCK}, {"net0", NABLA_DEVICE_BLOCK}}));
    EXPECT_TRUE(contains(e.message, "manifest declares device 'net0' twice"));
}

TEST(DeviceName, SharedRuleForManifestAndCommandLine) {
    EXPECT_TRUE(valid_device_name("a"));
    EXPECT_TRUE(valid_device_name("Net_0"));
    EXPECT_TRUE(valid_device_name(std::string(67, 'z')));
    EXPECT_FALSE(valid_device_name(std::string(68, 'z')));
    EXPECT_FALSE(valid_device_name(""));
    EXPECT_FALSE(valid_device_name(std::string_view("a\0b", 3)));
    EXPECT_EQ(kind_name(DeviceKind::net), "net");
    EXPECT_EQ(kind_name(DeviceKind::block), "block");
}

} // namespace
} // namespace nabla
