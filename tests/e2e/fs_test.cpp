// The guest's files: a root image made with nabla-mkroot, the writable
// layer over it, a block device as a file that persists, /dev and /proc.
#include "process.hpp"

#include <gtest/gtest.h>


#include <filesystem>
#include <fstream>

using namespace nabla::test;
namespace fs = std::filesystem;

namespace {

class Files : public testing::Test {
protected:
    void SetUp() override {
        tree_ = scratch_.path() / "tree";
        fs::create_directories(tree_ / "etc");
        fs::create_directories(tree_ / "data");
        std::ofstream(tree_ / "etc/hello.txt") << "hello root\n";
        fs::permissions(tree_ / "etc/hello.txt", fs::perms(0640));
        fs::create_symlink("hello.txt", tree_ / "etc/link");
        std::ofstream big(tree_ / "data/big.bin", std::ios::binary);
        for (size_t i = 0; i < 300000; i++) big.put(static_cast<char>(i * 7 % 251));
        big.close();
        auto deep = tree_ / "a/very/long/path/that/goes/past/the/hundred/characters/of/an/old/tar/header/name/field";
        fs::create_directories(deep);
        std::ofstream(deep / "file.txt") << "deep\n";
        image_ = scratch_.at("root.img");
        auto mk = run({bin("nabla-mkroot"), tree_.string(), image_});
        ASSERT_TRUE(mk.exited_with(0)) << describe(mk);
    }
    Outcome guest_run(std::vector<std::string> extra) {
        std::vector<std::string> argv = {bin("nabla-run"), "--block:rootfs=" + image_, "--root=rootfs",
                                         "--block:data=" + data_.path(), "--mount:data=/data/disk.img"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return run(argv);
    }
    TempDir scratch_; // the tree and its image
    fs::path tree_;
    std::string image_;
    TempFile data_{1 << 20};
};

void expect_all_ok(const Outcome& o) {
    EXPECT_TRUE(o.exited_with(0)) << describe(o);
    EXPECT_EQ(o.out.find("FAIL"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("all ok\n"), std::string::npos) << o.out;
}

TEST_F(Files, RootImageIsReadAndCopiedUpOnWrite) {
    std::ifstream before(image_, std::ios::binary);
    std::string image_bytes((std::istreambuf_iterator<char>(before)), {});
    expect_all_ok(guest_run({guest("fs-test"), "root"}));
    std::ifstream after(image_, std::ios::binary);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(after)), {}), image_bytes) << "the image was written";
}

TEST_F(Files, RootImageWorksWith4096ByteBlocks) {
    expect_all_ok(guest_run({"--block-size:rootfs=4096", guest("fs-test"), "root"}));
}

TEST_F(Files, WritableLayerAndDescriptorCalls) { expect_all_ok(guest_run({guest("fs-test"), "writable"})); }

TEST_F(Files, DevAndProcSelf) {
    auto o = guest_run({guest("fs-test"), "devices"});
    expect_all_ok(o);
    EXPECT_NE(o.out.find("via /dev/stdout\n"), std::string::npos);
}

TEST_F(Files, WritableLayerIsLimited) {
    auto o = guest_run({"--writable=1", guest("fs-test"), "full"});
    expect_all_ok(o);
    EXPECT_NE(o.out.find("wrote 1048576 bytes before ENOSPC"), std::string::npos) << o.out;
}

TEST_F(Files, BlockDeviceFilePersistsAcrossRuns) {
    expect_all_ok(guest_run({guest("fs-test"), "volume", "write"}));
    auto bytes = data_.contents();
    EXPECT_EQ(bytes.substr(1000, 21), "persisted across runs");
    expect_all_ok(guest_run({guest("fs-test"), "volume", "read"}));
}

TEST_F(Files, ARootThatIsNotTarIsRefusedWithOneLine) {
    TempFile junk(64 * 1024, 'j');
    auto o = run({bin("nabla-run"), "--block:rootfs=" + junk.path(), "--root=rootfs", "--block:data=" + data_.path(),
                  guest("fs-test"), "root"});
    EXPECT_TRUE(o.exited_with(134)) << describe(o);
    EXPECT_EQ(o.err, "nabla: root image: bad header checksum (not a tar image?) at byte 0\n");
    EXPECT_EQ(o.out, "");
}

TEST_F(Files, MountOptionsAreChecked) {
    auto o = run({bin("nabla-run"), "--block:rootfs=" + image_, "--root=nodev", "--block:data=" + data_.path(),
                  guest("fs-test"), "root"});
    EXPECT_TRUE(o.exited_with(78)) << describe(o);
    EXPECT_NE(o.err.find("--root=nodev: no block device 'nodev' is attached"), std::string::npos) << o.err;
    o = run({bin("nabla-run"), "--block:rootfs=" + image_, "--mount:rootfs=relative", guest("fs-test")});
    EXPECT_TRUE(o.exited_with(64)) << describe(o);
}

} // namespace
