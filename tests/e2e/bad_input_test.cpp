// Bad input: one clear line on stderr naming what and where, the documented
// exit status, no guest output, and nothing left behind.
#include "process.hpp"

#include <gtest/gtest.h>

#include <net/if.h>

#include <fstream>

using namespace nabla::test;

namespace {

struct Case {
    std::vector<std::string> args;
    int status;
    std::string says;
};

void expect_one_line_error(const Outcome& o, int status, const std::string& says) {
    EXPECT_TRUE(o.exited_with(status)) << describe(o);
    EXPECT_EQ(o.out, "") << describe(o);
    ASSERT_FALSE(o.err.empty());
    EXPECT_TRUE(o.err.starts_with("nabla-run: ")) << o.err;
    EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "more than one line: " << o.err;
    EXPECT_NE(o.err.find(says), std::string::npos) << "expected '" << says << "' in: " << o.err;
}

TEST(BadInput, CommandLine) {
    expect_one_line_error(nabla_run({"--frobnicate", guest("hello")}), 64, "unknown option '--frobnicate'");
    expect_one_line_error(nabla_run({}), 64, "no KERNEL");
    expect_one_line_error(nabla_run({"--mem", guest("hello")}), 64, "--mem needs a value");
    expect_one_line_error(nabla_run({"--mem=lots", guest("hello")}), 64, "'lots' is not a number");
    expect_one_line_error(nabla_run({"--block-size:storage=1024", guest("block")}), 64, "--block-size:storage");
}

TEST(BadInput, KernelFile) {
    expect_one_line_error(nabla_run({"/nonexistent/app.nabla"}), 66, "kernel '/nonexistent/app.nabla': cannot open");
    expect_one_line_error(nabla_run({"/tmp"}), 66, "not a regular file");
    TempFile text(100, 'x');
    expect_one_line_error(nabla_run({text.path()}), 65, "not an ELF file");
    // A truncated unikernel: the header survives, its program headers do not.
    std::ifstream in(guest("hello"), std::ios::binary);
    std::string head(80, '\0');
    in.read(head.data(), 80);
    TempFile cut(0);
    std::ofstream(cut.path(), std::ios::binary) << head;
    expect_one_line_error(nabla_run({cut.path()}), 65, "program header table");
    // A host program is not a unikernel.
    expect_one_line_error(nabla_run({"/bin/true"}), 65, "");
}

TEST(BadInput, DevicesMustMatchTheManifest) {
    TempFile disk(1 << 20);
    expect_one_line_error(nabla_run({guest("block")}), 78,
                          "unikernel needs block device 'storage': attach it with --block:storage=");
    expect_one_line_error(nabla_run({"--block:extra=" + disk.path(), guest("hello")}), 78,
                          "--block:extra: the unikernel declares no device 'extra'");
    expect_one_line_error(nabla_run({"--net:storage=tap0", guest("block")}), 78,
                          "device 'storage' is a block device in the unikernel's manifest, but was attached as net");
}

TEST(BadInput, BlockFiles) {
    expect_one_line_error(nabla_run({"--block:storage=/nonexistent/disk.img", guest("block")}), 66,
                          "--block:storage=/nonexistent/disk.img: cannot open");
    TempFile empty(0);
    expect_one_line_error(nabla_run({"--block:storage=" + empty.path(), guest("block")}), 66, "file is empty");
    TempFile odd(1000);
    expect_one_line_error(nabla_run({"--block:storage=" + odd.path(), guest("block")}), 66,
                          "size 1000 is not a multiple of the block size 512");
}

TEST(BadInput, MissingTapIsNotCreated) {
    const std::string tap = "nablamissing0";
    ASSERT_EQ(if_nametoindex(tap.c_str()), 0u);
    expect_one_line_error(nabla_run({"--net:service=" + tap, guest("net-echo")}), 69,
                          "--net:service=nablamissing0: no such interface");
    EXPECT_EQ(if_nametoindex(tap.c_str()), 0u) << "nabla-run left an interface behind";
    expect_one_line_error(nabla_run({"--net:service=lo", guest("net-echo")}), 69, "");
}

} // namespace
