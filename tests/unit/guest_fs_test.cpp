// The guest's file tree (guest/fs), compiled for the host: tar root images
// made by nabla-mkroot, path resolution, the writable layer's budget. The
// platform underneath is a shim over an in-memory block device.
#include "../../guest/fs/file.hpp"
#include "../../guest/fs/node.hpp"
#include "../../guest/fs/path.hpp"
#include "../../guest/fs/tar_image.hpp"

#include "nabla/platform.h"

#include <gtest/gtest.h>

#include <errno.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace stdfs = std::filesystem;

// --- the platform shim: one block device over a byte vector ---------------
namespace {
std::vector<char> disk;
nabla_device device{};
struct nabla_boot_info boot{};
std::string console_err;
} // namespace

extern "C" {
const struct nabla_boot_info* nabla_boot_info(void) { return &boot; }
uint64_t nabla_clock_wall(void) { return 1700000000ull * 1000000000ull; }
uint64_t nabla_clock_monotonic(void) { return 1; }
nabla_result_t nabla_console_write(const char*, size_t) { return NABLA_OK; }
nabla_result_t nabla_console_write_err(const char* buf, size_t len) {
    console_err.append(buf, len);
    return NABLA_OK;
}
void nabla_abort(const char* why) {
    ADD_FAILURE() << "guest aborted: " << why;
    std::abort();
}
nabla_result_t nabla_block_read(nabla_handle_t h, uint64_t offset, void* buf, size_t len) {
    if (h != 0 || offset % 512 || len % 512 || offset + len > disk.size()) return NABLA_EINVAL;
    std::memcpy(buf, disk.data() + offset, len);
    return NABLA_OK;
}
nabla_result_t nabla_block_write(nabla_handle_t, uint64_t, const void*, size_t) { return NABLA_EROFS; }
}

namespace nabla::fs {
namespace {

class GuestFs : public testing::Test {
protected:
    static void SetUpTestSuite() {
        auto tree = stdfs::temp_directory_path() / ("nabla-guestfs-" + std::to_string(getpid()));
        stdfs::create_directories(tree / "etc/deep");
        std::ofstream(tree / "etc/hosts") << "127.0.0.1 localhost\n";
        std::ofstream(tree / "etc/deep/file") << "deep";
        stdfs::create_symlink("hosts", tree / "etc/alias");
        stdfs::create_symlink("/etc/deep", tree / "etc/jump");
        stdfs::create_symlink("loop2", tree / "etc/loop1");
        stdfs::create_symlink("loop1", tree / "etc/loop2");
        std::string long_name(150, 'n');
        std::ofstream(tree / long_name) << "long";
        auto image = tree.string() + ".img";
        std::string cmd = std::string(NABLA_MKROOT) + " " + tree.string() + " " + image;
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        std::ifstream in(image, std::ios::binary);
        disk.assign(std::istreambuf_iterator<char>(in), {});
        stdfs::remove_all(tree);
        stdfs::remove(image);

        device.kind = NABLA_DEVICE_BLOCK;
        device.u.block.block_size = 512;
        device.u.block.capacity = disk.size();
        device.u.block.max_request = 1 << 20;
        boot.device_count = 1;
        boot.devices = reinterpret_cast<uint64_t>(&device);
        ASSERT_EQ(mount_tar_root(0), 0) << console_err;
    }

    static std::string read_all(const char* path) {
        Node* n;
        if (lookup(root(), path, true, &n) != 0) return "<missing>";
        std::string out(n->size, '\0');
        long got = node_read(n, 0, out.data(), out.size());
        return got == static_cast<long>(out.size()) ? out : "<read failed>";
    }
};

TEST_F(GuestFs, FilesComeFromTheImage) {
    EXPECT_EQ(read_all("/etc/hosts"), "127.0.0.1 localhost\n");
    EXPECT_EQ(read_all("etc/deep/file"), "deep");
    EXPECT_EQ(read_all(("/" + std::string(150, 'n')).c_str()), "long");
    Node* n;
    ASSERT_EQ(lookup(root(), "/etc/hosts", true, &n), 0);
    EXPECT_EQ(n->storage, Storage::image);
    EXPECT_EQ(n->offset % 4096, 0u) << "nabla-mkroot aligns file data";
}

TEST_F(GuestFs, PathResolution) {
    Node* n;
    EXPECT_EQ(read_all("/etc/alias"), "127.0.0.1 localhost\n");
    EXPECT_EQ(read_all("/etc/jump/file"), "deep");
    EXPECT_EQ(read_all("/etc/deep/../hosts"), "127.0.0.1 localhost\n");
    EXPECT_EQ(read_all("/../../etc/./hosts"), "127.0.0.1 localhost\n");
    EXPECT_EQ(lookup(root(), "/etc/alias", false, &n), 0);
    EXPECT_EQ(n->kind, Kind::symlink);
    EXPECT_EQ(lookup(root(), "/etc/loop1", true, &n), -ELOOP);
    EXPECT_EQ(lookup(root(), "/etc/hosts/x", true, &n), -ENOTDIR);
    EXPECT_EQ(lookup(root(), "/etc/hosts/", true, &n), -ENOTDIR);
    EXPECT_EQ(lookup(root(), "/nothing", true, &n), -ENOENT);
    EXPECT_EQ(lookup(root(), "", true, &n), -ENOENT);
    EXPECT_EQ(lookup(root(), ("/" + std::string(256, 'a')).c_str(), true, &n), -ENAMETOOLONG);
    char name[name_max + 1];
    Node* dir;
    EXPECT_EQ(lookup_parent(root(), "/etc/deep/new", &dir, name), 0);
    EXPECT_STREQ(name, "new");
    EXPECT_STREQ(dir->name, "deep");
    EXPECT_EQ(lookup_parent(root(), "/", &dir, name), -EBUSY);
    char buf[64];
    ASSERT_EQ(lookup(root(), "/etc/deep", true, &n), 0);
    EXPECT_EQ(path_of(n, buf, sizeof buf), 0);
    EXPECT_STREQ(buf, "/etc/deep");
    EXPECT_EQ(path_of(n, buf, 5), -ERANGE);
}

TEST_F(GuestFs, WritesCopyUpWithinTheBudget) {
    Node* dir;
    ASSERT_EQ(lookup(root(), "/etc", true, &dir), 0);
    Node* f = make_node(dir, "scratch", Kind::file, 0644);
    ASSERT_NE(f, nullptr);
    set_memory_limit(64 * 1024);
    std::vector<char> chunk(16 * 1024, 'x');
    long total = 0, n;
    while ((n = node_write(f, static_cast<uint64_t>(total), chunk.data(), chunk.size())) > 0) total += n;
    EXPECT_EQ(n, -ENOSPC);
    EXPECT_EQ(total, 64 * 1024);
    detach(f); // frees its memory
    Node* hosts;
    ASSERT_EQ(lookup(root(), "/etc/hosts", true, &hosts), 0);
    EXPECT_EQ(node_write(hosts, hosts->size, "::1 localhost\n", 14), 14);
    EXPECT_EQ(hosts->storage, Storage::memory);
    EXPECT_EQ(read_all("/etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
    set_memory_limit(64ull << 20);
}

// Images that are not what they claim: refused with one line, not a crash.
TEST_F(GuestFs, BrokenImagesAreRefused) {
    auto saved = disk;
    auto mount_with = [&](std::vector<char> bytes) {
        disk = std::move(bytes);
        device.u.block.capacity = disk.size();
        console_err.clear();
        return mount_tar_root(0);
    };
    EXPECT_EQ(mount_with(std::vector<char>(4096, 'j')), -EINVAL);
    EXPECT_NE(console_err.find("bad header checksum"), std::string::npos) << console_err;
    // A header whose size runs past the device.
    auto truncated = saved;
    truncated.resize(2048);
    EXPECT_NE(mount_with(truncated), 0);
    // One flipped byte in the first header's name.
    auto flipped = saved;
    flipped[10] ^= 0x40;
    EXPECT_EQ(mount_with(flipped), -EINVAL);
    // An empty device is an empty root.
    EXPECT_EQ(mount_with(std::vector<char>(4096, 0)), 0);
    disk = saved;
    device.u.block.capacity = disk.size();
}

} // namespace
} // namespace nabla::fs
